//! First run and demo data.

use super::{Arg, CmdResult};
use household_core::accounts::{self, AppStatus, NewAdmin};
use household_core::demo::{self, DemoSummary};
use household_core::session::SessionView;
use household_core::App;
use tauri::State;

/// What the UI needs at start-up (first run? signed in?).
#[tauri::command]
#[specta::specta]
pub async fn app_status(app: State<'_, App>) -> CmdResult<AppStatus> {
    Ok(accounts::status(&app).await?)
}

/// Creates the one-time admin account and signs it in.
#[tauri::command]
#[specta::specta]
pub async fn create_first_admin(
    app: State<'_, App>,
    input: Arg<NewAdmin>,
) -> CmdResult<SessionView> {
    let input = input.into_inner();
    Ok(accounts::create_first_admin(&app, input).await?)
}

/// Loads the demo data set (admin, empty database only).
#[tauri::command]
#[specta::specta]
pub async fn load_demo_data(app: State<'_, App>) -> CmdResult<DemoSummary> {
    let actor = app.actor().await?;
    Ok(demo::load_for_admin(&app, &actor).await?)
}
