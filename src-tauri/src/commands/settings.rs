//! Terminal settings: the theme for everyone, the rest for administrators.

use super::{Arg, CmdResult};
use crate::prefs::Prefs;
use household_core::settings::{self, Settings, Theme};
use household_core::App;
use tauri::State;

/// The terminal's colour theme: the only setting shown before sign-in (the login screen is
/// themed too).
#[tauri::command]
#[specta::specta]
pub async fn get_theme(prefs: State<'_, Prefs>) -> CmdResult<Theme> {
    Ok(prefs.get().theme)
}

/// Changes the terminal's colour theme (anyone, signed in or not).
#[tauri::command]
#[specta::specta]
pub async fn set_theme(prefs: State<'_, Prefs>, theme: Arg<Theme>) -> CmdResult<Theme> {
    let theme = theme.into_inner();
    let saved = prefs.save(Settings {
        theme,
        ..prefs.get()
    })?;
    Ok(saved.theme)
}

/// Every setting of this terminal (administrators only: it includes the SMTP server).
#[tauri::command]
#[specta::specta]
pub async fn get_settings(app: State<'_, App>, prefs: State<'_, Prefs>) -> CmdResult<Settings> {
    let actor = app.actor().await?;
    settings::require_admin(&actor)?;
    Ok(prefs.get())
}

/// Saves the terminal's settings (administrators only); every bad field is reported at once.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    app: State<'_, App>,
    prefs: State<'_, Prefs>,
    input: Arg<Settings>,
) -> CmdResult<Settings> {
    let input = input.into_inner();
    let actor = app.actor().await?;
    settings::require_admin(&actor)?;
    settings::validate(&input)?;
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
    password: Arg<Option<String>>,
) -> CmdResult<()> {
    let password = password.into_inner();
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
    to: Arg<String>,
) -> CmdResult<()> {
    let to = to.into_inner();
    let actor = app.actor().await?;
    let mailer = crate::prefs::mailer(&app, &prefs, &secret)?;
    Ok(household_core::email::send_test(&app, &actor, &mailer, &to).await?)
}
