//! Terminal preferences (theme, idle timeout).

use super::CmdResult;
use crate::prefs::Prefs;
use household_core::settings::{self, Settings};
use household_core::App;
use tauri::State;

/// The current preferences (no session needed: the login screen is themed too).
#[tauri::command]
#[specta::specta]
pub async fn get_settings(prefs: State<'_, Prefs>) -> CmdResult<Settings> {
    Ok(prefs.get())
}

/// Saves preferences; changing the idle timeout needs an admin session.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    app: State<'_, App>,
    prefs: State<'_, Prefs>,
    input: Settings,
) -> CmdResult<Settings> {
    let actor = app.actor().await.ok();
    settings::authorize_change(actor.as_ref(), &prefs.get(), &input)?;
    let saved = prefs.save(input)?;
    if std::env::var_os(crate::IDLE_ENV).is_none() {
        app.set_idle_timeout_secs(saved.idle_timeout_minutes * 60);
    }
    Ok(saved)
}
