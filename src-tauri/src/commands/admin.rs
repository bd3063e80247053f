//! Admin commands: catalogue, people, requests, dashboard. The core checks the admin role.

use super::{Arg, CmdResult};
use household_core::admin::catalog::{self, ServiceInput};
use household_core::admin::dashboard::{self, Dashboard};
use household_core::admin::people::{
    self, BlockOutcome, DocumentView, PeoplePage, PeopleQuery, PersonDetail,
};
use household_core::admin::requests::{self, RequestDetail, RequestPage, RequestQuery};
use household_core::store::services::ServiceAdminRow;
use household_core::{App, AppError};
use tauri::State;
use tauri_plugin_opener::OpenerExt;

/// Every service with usage figures.
#[tauri::command]
#[specta::specta]
pub async fn admin_list_services(app: State<'_, App>) -> CmdResult<Vec<ServiceAdminRow>> {
    let actor = app.actor().await?;
    Ok(catalog::list(&app, &actor).await?)
}

/// Creates a service; returns its id.
#[tauri::command]
#[specta::specta]
pub async fn admin_create_service(app: State<'_, App>, input: Arg<ServiceInput>) -> CmdResult<i64> {
    let input = input.into_inner();
    let actor = app.actor().await?;
    Ok(catalog::create(&app, &actor, input).await?)
}

/// Edits a service.
#[tauri::command]
#[specta::specta]
pub async fn admin_update_service(
    app: State<'_, App>,
    id: Arg<i64>,
    input: Arg<ServiceInput>,
) -> CmdResult<()> {
    let id = id.into_inner();
    let input = input.into_inner();
    let actor = app.actor().await?;
    Ok(catalog::update(&app, &actor, id, input).await?)
}

/// Deactivates (hides from customers) or reactivates a service.
#[tauri::command]
#[specta::specta]
pub async fn admin_set_service_active(
    app: State<'_, App>,
    id: Arg<i64>,
    active: Arg<bool>,
) -> CmdResult<()> {
    let id = id.into_inner();
    let active = active.into_inner();
    let actor = app.actor().await?;
    Ok(catalog::set_active(&app, &actor, id, active).await?)
}

/// Deletes a service that has no history.
#[tauri::command]
#[specta::specta]
pub async fn admin_delete_service(app: State<'_, App>, id: Arg<i64>) -> CmdResult<()> {
    let id = id.into_inner();
    let actor = app.actor().await?;
    Ok(catalog::delete(&app, &actor, id).await?)
}

/// The searchable, paginated people list.
#[tauri::command]
#[specta::specta]
pub async fn admin_list_people(
    app: State<'_, App>,
    query: Arg<PeopleQuery>,
) -> CmdResult<PeoplePage> {
    let query = query.into_inner();
    let actor = app.actor().await?;
    Ok(people::list(&app, &actor, query).await?)
}

/// One person's profile, figures and audit trail.
#[tauri::command]
#[specta::specta]
pub async fn admin_person_detail(
    app: State<'_, App>,
    user_id: Arg<i64>,
) -> CmdResult<PersonDetail> {
    let user_id = user_id.into_inner();
    let actor = app.actor().await?;
    Ok(people::detail(&app, &actor, user_id).await?)
}

/// A professional's uploaded document, to view in the app.
#[tauri::command]
#[specta::specta]
pub async fn admin_professional_document(
    app: State<'_, App>,
    user_id: Arg<i64>,
) -> CmdResult<DocumentView> {
    let user_id = user_id.into_inner();
    let actor = app.actor().await?;
    Ok(people::document(&app, &actor, user_id).await?)
}

/// Opens a professional's document with the OS viewer (path from the database only).
#[tauri::command]
#[specta::specta]
pub async fn admin_open_professional_document(
    handle: tauri::AppHandle,
    app: State<'_, App>,
    user_id: Arg<i64>,
) -> CmdResult<()> {
    let user_id = user_id.into_inner();
    let actor = app.actor().await?;
    let (_, path) = people::document_path(&app, &actor, user_id).await?;
    handle
        .opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| AppError::internal(format!("opening document: {e}")))?;
    Ok(())
}

/// Approves a pending professional.
#[tauri::command]
#[specta::specta]
pub async fn admin_approve_professional(app: State<'_, App>, user_id: Arg<i64>) -> CmdResult<()> {
    let user_id = user_id.into_inner();
    let actor = app.actor().await?;
    Ok(people::approve(&app, &actor, user_id).await?)
}

/// Rejects a professional with a reason.
#[tauri::command]
#[specta::specta]
pub async fn admin_reject_professional(
    app: State<'_, App>,
    user_id: Arg<i64>,
    reason: Arg<String>,
) -> CmdResult<BlockOutcome> {
    let user_id = user_id.into_inner();
    let reason = reason.into_inner();
    let actor = app.actor().await?;
    Ok(people::reject(&app, &actor, user_id, &reason).await?)
}

/// Blocks a user with a reason.
#[tauri::command]
#[specta::specta]
pub async fn admin_block_user(
    app: State<'_, App>,
    user_id: Arg<i64>,
    reason: Arg<String>,
) -> CmdResult<BlockOutcome> {
    let user_id = user_id.into_inner();
    let reason = reason.into_inner();
    let actor = app.actor().await?;
    Ok(people::block(&app, &actor, user_id, &reason).await?)
}

/// Lifts a block.
#[tauri::command]
#[specta::specta]
pub async fn admin_unblock_user(app: State<'_, App>, user_id: Arg<i64>) -> CmdResult<()> {
    let user_id = user_id.into_inner();
    let actor = app.actor().await?;
    Ok(people::unblock(&app, &actor, user_id).await?)
}

/// The filtered, sorted, paginated request list.
#[tauri::command]
#[specta::specta]
pub async fn admin_list_requests(
    app: State<'_, App>,
    query: Arg<RequestQuery>,
) -> CmdResult<RequestPage> {
    let query = query.into_inner();
    let actor = app.actor().await?;
    Ok(requests::list(&app, &actor, query).await?)
}

/// One request with its history.
#[tauri::command]
#[specta::specta]
pub async fn admin_request_detail(app: State<'_, App>, id: Arg<i64>) -> CmdResult<RequestDetail> {
    let id = id.into_inner();
    let actor = app.actor().await?;
    Ok(requests::detail(&app, &actor, id).await?)
}

/// The dashboard figures.
#[tauri::command]
#[specta::specta]
pub async fn admin_dashboard(app: State<'_, App>) -> CmdResult<Dashboard> {
    let actor = app.actor().await?;
    Ok(dashboard::get(&app, &actor).await?)
}

/// Rejects an open request that nobody can serve.
#[tauri::command]
#[specta::specta]
pub async fn admin_reject_request(
    app: State<'_, App>,
    id: Arg<i64>,
    reason: Arg<String>,
) -> CmdResult<()> {
    let id = id.into_inner();
    let reason = reason.into_inner();
    let actor = app.actor().await?;
    Ok(requests::reject(&app, &actor, id, &reason).await?)
}

/// Cancels an open or assigned request on the customer's behalf, with a reason.
#[tauri::command]
#[specta::specta]
pub async fn admin_cancel_request(
    app: State<'_, App>,
    id: Arg<i64>,
    reason: Arg<String>,
) -> CmdResult<()> {
    let (id, reason) = (id.into_inner(), reason.into_inner());
    let actor = app.actor().await?;
    Ok(requests::cancel(&app, &actor, id, &reason).await?)
}
