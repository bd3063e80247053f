//! Home page figures.

use super::CmdResult;
use household_core::home::{self, HomeSummary};
use household_core::App;
use tauri::State;

/// The signed-in user's home page figures.
#[tauri::command]
#[specta::specta]
pub async fn home_summary(app: State<'_, App>) -> CmdResult<HomeSummary> {
    let actor = app.actor().await?;
    Ok(home::summary(&app, &actor).await?)
}
