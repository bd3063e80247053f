//! Login, logout, session and self-registration.

use super::{Arg, CmdResult};
use household_core::accounts::{self, CustomerRegistration, LoginInput, ProfessionalRegistration};
use household_core::session::SessionView;
use household_core::store::services::ServiceSummary;
use household_core::App;
use tauri::State;

/// Signs in by username or email.
#[tauri::command]
#[specta::specta]
pub async fn login(app: State<'_, App>, input: Arg<LoginInput>) -> CmdResult<SessionView> {
    let input = input.into_inner();
    Ok(accounts::login(&app, input).await?)
}

/// Ends the session.
#[tauri::command]
#[specta::specta]
pub async fn logout(app: State<'_, App>) -> CmdResult<()> {
    accounts::logout(&app);
    Ok(())
}

/// Records activity and returns the live session (fails once it has ended).
#[tauri::command]
#[specta::specta]
pub async fn touch_session(app: State<'_, App>) -> CmdResult<SessionView> {
    Ok(app.touch().await?)
}

/// Registers a customer and signs them in.
#[tauri::command]
#[specta::specta]
pub async fn register_customer(
    app: State<'_, App>,
    input: Arg<CustomerRegistration>,
) -> CmdResult<SessionView> {
    let input = input.into_inner();
    Ok(accounts::register_customer(&app, input).await?)
}

/// Registers a professional (awaiting approval).
#[tauri::command]
#[specta::specta]
pub async fn register_professional(
    app: State<'_, App>,
    input: Arg<ProfessionalRegistration>,
) -> CmdResult<()> {
    let input = input.into_inner();
    Ok(accounts::register_professional(&app, input).await?)
}

/// Active services, for the professional registration form (no session needed).
#[tauri::command]
#[specta::specta]
pub async fn list_public_services(app: State<'_, App>) -> CmdResult<Vec<ServiceSummary>> {
    Ok(household_core::store::services::list_active(&app.pool)
        .await
        .map_err(household_core::AppError::from)?)
}

/// Changes the signed-in user's password (current password required).
#[tauri::command]
#[specta::specta]
pub async fn change_password(
    app: State<'_, App>,
    input: Arg<accounts::PasswordChange>,
) -> CmdResult<()> {
    let input = input.into_inner();
    let actor = app.actor().await?;
    Ok(accounts::change_password(&app, &actor, input).await?)
}
