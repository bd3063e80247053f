//! The desktop's own commands: this machine's preferences, the Settings form (machine and
//! business halves together) and opening a document with the OS viewer.

use super::{Arg, CmdResult};
use crate::host::Host;
use crate::prefs::{Prefs, Settings, Theme};
use base64::Engine;
use household_core::{ops, AppError};
use tauri::State;
use tauri_plugin_opener::OpenerExt;

/// This machine's colour theme: the only setting shown before sign-in (the login screen is
/// themed too).
#[tauri::command]
#[specta::specta]
pub async fn get_theme(prefs: State<'_, Prefs>) -> CmdResult<Theme> {
    Ok(prefs.get().theme)
}

/// Changes this machine's colour theme (anyone, signed in or not).
#[tauri::command]
#[specta::specta]
pub async fn set_theme(prefs: State<'_, Prefs>, theme: Arg<Theme>) -> CmdResult<Theme> {
    let mut p = prefs.get();
    p.theme = theme.into_inner();
    Ok(prefs.save(p)?.theme)
}

/// The Settings form (administrators only: it includes the business's mail server).
#[tauri::command]
#[specta::specta]
pub async fn get_settings(host: State<'_, Host>, prefs: State<'_, Prefs>) -> CmdResult<Settings> {
    let business = match &*host {
        Host::Local(local) => ops::admin_business_settings(&local.core, &host.caller()).await?,
    };
    Ok(Settings::join(&prefs.get(), business))
}

/// Saves the Settings form (administrators only): this machine's part here, the business's
/// part with the database; every bad field is reported at once, and nothing is saved then.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    host: State<'_, Host>,
    prefs: State<'_, Prefs>,
    input: Arg<Settings>,
) -> CmdResult<Settings> {
    let (machine, business) = input.into_inner().split();
    let business = match &*host {
        Host::Local(local) => {
            ops::admin_save_business_settings(&local.core, &host.caller(), business).await?
        }
    };
    let machine = prefs.save(machine)?;
    Ok(Settings::join(&machine, business))
}

/// Opens a professional's document with the OS viewer: the bytes come from the core (same
/// checks as viewing it in the app) and go to a private temporary file.
#[tauri::command]
#[specta::specta]
pub async fn admin_open_professional_document(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    user_id: Arg<i64>,
) -> CmdResult<()> {
    let user_id = user_id.into_inner();
    let doc = match &*host {
        Host::Local(local) => {
            ops::admin_professional_document(&local.core, &host.caller(), user_id).await?
        }
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(doc.content_base64.as_bytes())
        .map_err(AppError::internal)?;
    let extension = match doc.mime.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    let dir = std::env::temp_dir().join("household-services-documents");
    std::fs::create_dir_all(&dir).map_err(AppError::from)?;
    let path = dir.join(format!("professional-{user_id}.{extension}"));
    std::fs::write(&path, bytes).map_err(AppError::from)?;
    handle
        .opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| AppError::internal(format!("opening document: {e}")))?;
    Ok(())
}
