//! Customer commands. The core checks the customer role and request ownership.

use super::CmdResult;
use household_core::admin::requests::RequestDetail;
use household_core::customer::{
    self, BookingInput, CustomerProfileInput, MyRequestsPage, MyRequestsQuery, RequestEdit,
    ReviewInput, ServiceSearch,
};
use household_core::store::customers::CustomerProfile;
use household_core::store::services::ServiceSearchRow;
use household_core::App;
use tauri::State;

/// The customer's profile.
#[tauri::command]
#[specta::specta]
pub async fn customer_profile(app: State<'_, App>) -> CmdResult<CustomerProfile> {
    let actor = app.actor().await?;
    Ok(customer::profile(&app, &actor).await?)
}

/// Updates phone, address and pincode.
#[tauri::command]
#[specta::specta]
pub async fn customer_update_profile(
    app: State<'_, App>,
    input: CustomerProfileInput,
) -> CmdResult<CustomerProfile> {
    let actor = app.actor().await?;
    Ok(customer::update_profile(&app, &actor, input).await?)
}

/// Searches services (by area when a pincode is given).
#[tauri::command]
#[specta::specta]
pub async fn customer_search_services(
    app: State<'_, App>,
    query: ServiceSearch,
) -> CmdResult<Vec<ServiceSearchRow>> {
    let actor = app.actor().await?;
    Ok(customer::search(&app, &actor, query).await?)
}

/// Books a service; returns the new request's id.
#[tauri::command]
#[specta::specta]
pub async fn customer_book(app: State<'_, App>, input: BookingInput) -> CmdResult<i64> {
    let actor = app.actor().await?;
    Ok(customer::book(&app, &actor, input).await?)
}

/// Edits an open request.
#[tauri::command]
#[specta::specta]
pub async fn customer_edit_request(
    app: State<'_, App>,
    id: i64,
    input: RequestEdit,
) -> CmdResult<()> {
    let actor = app.actor().await?;
    Ok(customer::edit(&app, &actor, id, input).await?)
}

/// Cancels a request that is not yet completed.
#[tauri::command]
#[specta::specta]
pub async fn customer_cancel_request(app: State<'_, App>, id: i64) -> CmdResult<()> {
    let actor = app.actor().await?;
    Ok(customer::cancel(&app, &actor, id).await?)
}

/// Closes a completed request, optionally with a review.
#[tauri::command]
#[specta::specta]
pub async fn customer_close_request(
    app: State<'_, App>,
    id: i64,
    review: Option<ReviewInput>,
) -> CmdResult<()> {
    let actor = app.actor().await?;
    Ok(customer::close(&app, &actor, id, review).await?)
}

/// Reviews a closed request (once).
#[tauri::command]
#[specta::specta]
pub async fn customer_review_request(
    app: State<'_, App>,
    id: i64,
    review: ReviewInput,
) -> CmdResult<()> {
    let actor = app.actor().await?;
    Ok(customer::review(&app, &actor, id, review).await?)
}

/// The customer's requests.
#[tauri::command]
#[specta::specta]
pub async fn customer_my_requests(
    app: State<'_, App>,
    query: MyRequestsQuery,
) -> CmdResult<MyRequestsPage> {
    let actor = app.actor().await?;
    Ok(customer::my_requests(&app, &actor, query).await?)
}

/// One of the customer's requests with its timeline.
#[tauri::command]
#[specta::specta]
pub async fn customer_request_detail(app: State<'_, App>, id: i64) -> CmdResult<RequestDetail> {
    let actor = app.actor().await?;
    Ok(customer::request_detail(&app, &actor, id).await?)
}
