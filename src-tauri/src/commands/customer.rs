//! Customer commands. The core checks the customer role and request ownership.

use super::{Arg, CmdResult};
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
    input: Arg<CustomerProfileInput>,
) -> CmdResult<CustomerProfile> {
    let input = input.into_inner();
    let actor = app.actor().await?;
    Ok(customer::update_profile(&app, &actor, input).await?)
}

/// Searches services (by area when a pincode is given).
#[tauri::command]
#[specta::specta]
pub async fn customer_search_services(
    app: State<'_, App>,
    query: Arg<ServiceSearch>,
) -> CmdResult<Vec<ServiceSearchRow>> {
    let query = query.into_inner();
    let actor = app.actor().await?;
    Ok(customer::search(&app, &actor, query).await?)
}

/// Books a service; returns the new request's id.
#[tauri::command]
#[specta::specta]
pub async fn customer_book(app: State<'_, App>, input: Arg<BookingInput>) -> CmdResult<i64> {
    let input = input.into_inner();
    let actor = app.actor().await?;
    Ok(customer::book(&app, &actor, input).await?)
}

/// Edits an open request.
#[tauri::command]
#[specta::specta]
pub async fn customer_edit_request(
    app: State<'_, App>,
    id: Arg<i64>,
    input: Arg<RequestEdit>,
) -> CmdResult<()> {
    let id = id.into_inner();
    let input = input.into_inner();
    let actor = app.actor().await?;
    Ok(customer::edit(&app, &actor, id, input).await?)
}

/// Cancels a request that is not yet completed.
#[tauri::command]
#[specta::specta]
pub async fn customer_cancel_request(app: State<'_, App>, id: Arg<i64>) -> CmdResult<()> {
    let id = id.into_inner();
    let actor = app.actor().await?;
    Ok(customer::cancel(&app, &actor, id).await?)
}

/// Closes a completed request, optionally with a review.
#[tauri::command]
#[specta::specta]
pub async fn customer_close_request(
    app: State<'_, App>,
    id: Arg<i64>,
    review: Arg<Option<ReviewInput>>,
) -> CmdResult<()> {
    let id = id.into_inner();
    let review = review.into_inner();
    let actor = app.actor().await?;
    Ok(customer::close(&app, &actor, id, review).await?)
}

/// Reviews a closed request (once).
#[tauri::command]
#[specta::specta]
pub async fn customer_review_request(
    app: State<'_, App>,
    id: Arg<i64>,
    review: Arg<ReviewInput>,
) -> CmdResult<()> {
    let id = id.into_inner();
    let review = review.into_inner();
    let actor = app.actor().await?;
    Ok(customer::review(&app, &actor, id, review).await?)
}

/// The customer's requests.
#[tauri::command]
#[specta::specta]
pub async fn customer_my_requests(
    app: State<'_, App>,
    query: Arg<MyRequestsQuery>,
) -> CmdResult<MyRequestsPage> {
    let query = query.into_inner();
    let actor = app.actor().await?;
    Ok(customer::my_requests(&app, &actor, query).await?)
}

/// One of the customer's requests with its timeline.
#[tauri::command]
#[specta::specta]
pub async fn customer_request_detail(
    app: State<'_, App>,
    id: Arg<i64>,
) -> CmdResult<RequestDetail> {
    let id = id.into_inner();
    let actor = app.actor().await?;
    Ok(customer::request_detail(&app, &actor, id).await?)
}
