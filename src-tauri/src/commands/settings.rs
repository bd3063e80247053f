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
    let saved = prefs.save(input.sanitized())?;
    if std::env::var_os(crate::IDLE_ENV).is_none() {
        app.set_idle_timeout_secs(saved.idle_timeout_minutes * 60);
    }
    Ok(saved)
}

/// Remembers the SMTP password for this run of the app only (never written to disk).
#[tauri::command]
#[specta::specta]
pub async fn admin_set_smtp_password(
    app: State<'_, App>,
    secret: State<'_, crate::prefs::MailSecret>,
    password: Option<String>,
) -> CmdResult<()> {
    let actor = app.actor().await?;
    actor.require(household_core::domain::Role::Admin)?;
    secret.set(password);
    Ok(())
}

/// Sends a test email now through the configured transport (its own timeout applies).
#[tauri::command]
#[specta::specta]
pub async fn admin_send_test_email(
    app: State<'_, App>,
    prefs: State<'_, Prefs>,
    secret: State<'_, crate::prefs::MailSecret>,
    to: String,
) -> CmdResult<()> {
    let actor = app.actor().await?;
    let mailer = crate::prefs::mailer(&app, &prefs, &secret)?;
    Ok(household_core::email::send_test(&app, &actor, &mailer, &to).await?)
}
