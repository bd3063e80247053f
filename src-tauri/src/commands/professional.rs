//! Professional commands. The core checks role, approval, service area and job ownership.

use super::CmdResult;
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
    input: ProfessionalProfileInput,
) -> CmdResult<ProfessionalOwnProfile> {
    let actor = app.actor().await?;
    Ok(professional::update_profile(&app, &actor, input).await?)
}

/// Open requests in the professional's service and area.
#[tauri::command]
#[specta::specta]
pub async fn professional_feed(app: State<'_, App>, query: FeedQuery) -> CmdResult<FeedPage> {
    let actor = app.actor().await?;
    Ok(professional::feed(&app, &actor, query).await?)
}

/// Accepts an open request (race-safe).
#[tauri::command]
#[specta::specta]
pub async fn professional_accept(app: State<'_, App>, id: i64) -> CmdResult<()> {
    let actor = app.actor().await?;
    Ok(professional::accept(&app, &actor, id).await?)
}

/// Declines an open request (hidden from this professional's feed).
#[tauri::command]
#[specta::specta]
pub async fn professional_decline(app: State<'_, App>, id: i64) -> CmdResult<()> {
    let actor = app.actor().await?;
    Ok(professional::decline(&app, &actor, id).await?)
}

/// Marks an assigned job completed.
#[tauri::command]
#[specta::specta]
pub async fn professional_complete(
    app: State<'_, App>,
    id: i64,
    note: Option<String>,
) -> CmdResult<()> {
    let actor = app.actor().await?;
    Ok(professional::complete(&app, &actor, id, note).await?)
}

/// Rates the customer of a completed job (once).
#[tauri::command]
#[specta::specta]
pub async fn professional_rate_customer(
    app: State<'_, App>,
    id: i64,
    review: ReviewInput,
) -> CmdResult<()> {
    let actor = app.actor().await?;
    Ok(professional::rate_customer(&app, &actor, id, review).await?)
}

/// The professional's jobs.
#[tauri::command]
#[specta::specta]
pub async fn professional_jobs(app: State<'_, App>, query: JobsQuery) -> CmdResult<JobsPage> {
    let actor = app.actor().await?;
    Ok(professional::jobs(&app, &actor, query).await?)
}
