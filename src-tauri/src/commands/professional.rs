//! Professional commands. The core checks role, approval, service area and job ownership.

use super::{Arg, CmdResult};
use household_core::customer::ReviewInput;
use household_core::professional::{
    self, FeedPage, FeedQuery, JobsPage, JobsQuery, ProfessionalProfileInput,
};
use household_core::store::professionals::ProfessionalOwnProfile;
use household_core::App;
use tauri::State;

/// The professional's profile.
#[tauri::command]
#[specta::specta]
pub async fn professional_profile(app: State<'_, App>) -> CmdResult<ProfessionalOwnProfile> {
    let actor = app.actor().await?;
    Ok(professional::profile(&app, &actor).await?)
}

/// Updates phone, area, experience and description.
#[tauri::command]
#[specta::specta]
pub async fn professional_update_profile(
    app: State<'_, App>,
    input: Arg<ProfessionalProfileInput>,
) -> CmdResult<ProfessionalOwnProfile> {
    let input = input.into_inner();
    let actor = app.actor().await?;
    Ok(professional::update_profile(&app, &actor, input).await?)
}

/// Open requests in the professional's service and area.
#[tauri::command]
#[specta::specta]
pub async fn professional_feed(app: State<'_, App>, query: Arg<FeedQuery>) -> CmdResult<FeedPage> {
    let query = query.into_inner();
    let actor = app.actor().await?;
    Ok(professional::feed(&app, &actor, query).await?)
}

/// Accepts an open request (race-safe).
#[tauri::command]
#[specta::specta]
pub async fn professional_accept(app: State<'_, App>, id: Arg<i64>) -> CmdResult<()> {
    let id = id.into_inner();
    let actor = app.actor().await?;
    Ok(professional::accept(&app, &actor, id).await?)
}

/// Declines an open request (hidden from this professional's feed).
#[tauri::command]
#[specta::specta]
pub async fn professional_decline(app: State<'_, App>, id: Arg<i64>) -> CmdResult<()> {
    let id = id.into_inner();
    let actor = app.actor().await?;
    Ok(professional::decline(&app, &actor, id).await?)
}

/// Marks an assigned job completed.
#[tauri::command]
#[specta::specta]
pub async fn professional_complete(
    app: State<'_, App>,
    id: Arg<i64>,
    note: Arg<Option<String>>,
) -> CmdResult<()> {
    let id = id.into_inner();
    let note = note.into_inner();
    let actor = app.actor().await?;
    Ok(professional::complete(&app, &actor, id, note).await?)
}

/// Rates the customer of a completed job (once).
#[tauri::command]
#[specta::specta]
pub async fn professional_rate_customer(
    app: State<'_, App>,
    id: Arg<i64>,
    review: Arg<ReviewInput>,
) -> CmdResult<()> {
    let id = id.into_inner();
    let review = review.into_inner();
    let actor = app.actor().await?;
    Ok(professional::rate_customer(&app, &actor, id, review).await?)
}

/// The professional's jobs.
#[tauri::command]
#[specta::specta]
pub async fn professional_jobs(app: State<'_, App>, query: Arg<JobsQuery>) -> CmdResult<JobsPage> {
    let query = query.into_inner();
    let actor = app.actor().await?;
    Ok(professional::jobs(&app, &actor, query).await?)
}
