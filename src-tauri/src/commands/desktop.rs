//! The desktop's own commands: this machine's preferences, how it is used (standalone or
//! connected to a server), the Settings form (machine and business halves together) and
//! opening a document with the OS viewer.

use super::{Arg, CmdResult};
use crate::host::{Backend, Host};
use crate::prefs::{MachineMode, Prefs, Settings, Theme};
use base64::Engine;
use household_core::domain::Role;
use household_core::{ApiError, AppError};
use serde::{Deserialize, Serialize};
use specta::Type;
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
    let business = crate::on_host!(&host, admin_business_settings())?;
    Ok(Settings::join(&prefs.get(), business))
}

/// Saves the Settings form (administrators only): this machine's part here, the business's
/// part where the database is; every bad field is reported at once, and nothing is saved then.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    host: State<'_, Host>,
    prefs: State<'_, Prefs>,
    input: Arg<Settings>,
) -> CmdResult<Settings> {
    let (machine, input) = input.into_inner().split(&prefs.get());
    let business = crate::on_host!(&host, admin_save_business_settings(input))?;
    let machine = prefs.save(machine)?;
    Ok(Settings::join(&machine, business))
}

/// Opens a professional's document with the OS viewer: the bytes come through the same
/// checks as viewing it in the app, and go to a private temporary file.
#[tauri::command]
#[specta::specta]
pub async fn admin_open_professional_document(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    user_id: Arg<i64>,
) -> CmdResult<()> {
    let user_id = user_id.into_inner();
    let doc = crate::on_host!(&host, admin_professional_document(user_id))?;
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

/// How this computer is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionMode {
    /// Not chosen yet (first run).
    Unset,
    /// The business's database is on this computer.
    Standalone,
    /// This computer works on a server.
    Connected,
}

/// Where this computer's data is, for the first-run screen, Settings and the banner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ConnectionInfo {
    pub mode: ConnectionMode,
    /// The server's address (connected).
    pub address: Option<String>,
    /// The pinned certificate fingerprint (connected).
    pub fingerprint: Option<String>,
    /// Whether the server answered last time (always true standalone).
    pub online: bool,
}

/// What a server presented when this computer first contacted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ServerProbe {
    /// The address as it will be used (scheme and port filled in).
    pub address: String,
    /// Its certificate's SHA-256, for the person to compare with the server's console.
    pub fingerprint: String,
}

/// Where this computer's data is now.
pub fn connection_info_of(host: &Host, prefs: &Prefs) -> ConnectionInfo {
    match (prefs.get().machine, &*host.backend()) {
        (
            Some(MachineMode::Connected {
                address,
                fingerprint,
            }),
            Backend::Remote(_),
        ) => ConnectionInfo {
            mode: ConnectionMode::Connected,
            address: Some(address),
            fingerprint: Some(fingerprint),
            online: host.online(),
        },
        (None, _) => ConnectionInfo {
            mode: ConnectionMode::Unset,
            address: None,
            fingerprint: None,
            online: true,
        },
        _ => ConnectionInfo {
            mode: ConnectionMode::Standalone,
            address: None,
            fingerprint: None,
            online: true,
        },
    }
}

/// Where this computer's data is (no session needed: the login screen says it).
#[tauri::command]
#[specta::specta]
pub async fn connection_info(
    host: State<'_, Host>,
    prefs: State<'_, Prefs>,
) -> CmdResult<ConnectionInfo> {
    Ok(connection_info_of(&host, &prefs))
}

/// The way of this computer may be changed on its first run, and afterwards by an
/// administrator only (a counter terminal's customers must not point it elsewhere).
async fn may_change_connection(host: &Host, prefs: &Prefs) -> Result<(), ApiError> {
    if prefs.get().machine.is_none() {
        return Ok(());
    }
    let session = crate::on_host!(host, touch_session())?;
    if session.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only an administrator can change how this computer is used.".into(),
        )
        .into())
    }
}

/// Contacts a server without trusting it yet and returns its certificate's fingerprint, for
/// the person to compare with what the server printed. Nothing is sent to it.
#[tauri::command]
#[specta::specta]
pub async fn probe_server(address: Arg<String>) -> CmdResult<ServerProbe> {
    let address = household_client::ServerAddress::parse(&address.into_inner())?;
    let fingerprint = household_client::probe_fingerprint(&address).await?;
    Ok(ServerProbe {
        address: address.to_string(),
        fingerprint: fingerprint.to_string(),
    })
}

/// Connects this computer to the server at `address`, trusting only the certificate with
/// `fingerprint` (as the person confirmed it); remembered for the next starts. Whoever was
/// signed in here is signed out.
#[tauri::command]
#[specta::specta]
pub async fn connect_server(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    prefs: State<'_, Prefs>,
    address: Arg<String>,
    fingerprint: Arg<String>,
) -> CmdResult<ConnectionInfo> {
    may_change_connection(&host, &prefs).await?;
    let remote = crate::host::connect(&address.into_inner(), &fingerprint.into_inner()).await?;
    let mut p = prefs.get();
    p.machine = Some(MachineMode::Connected {
        address: remote.client.address().to_string(),
        fingerprint: remote.fingerprint.to_string(),
    });
    prefs.save(p)?;
    tracing::info!(address = %remote.client.address(), "connected to a server");
    host.switch(Backend::Remote(remote));
    crate::kiosk::follow_server(&handle).await;
    Ok(connection_info_of(&host, &prefs))
}

/// Runs the business on this computer (its embedded database); remembered for the next
/// starts. Whoever was signed in here is signed out.
#[tauri::command]
#[specta::specta]
pub async fn use_this_computer(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    prefs: State<'_, Prefs>,
) -> CmdResult<ConnectionInfo> {
    may_change_connection(&host, &prefs).await?;
    if host.local_core().is_none() {
        let core = crate::open_local(&crate::data_dir_of(&handle)?, None, &prefs)
            .await
            .map_err(AppError::internal)?;
        let core = std::sync::Arc::new(core);
        host.switch(Backend::Local(core.clone()));
        host.own_local_tasks(crate::background::start_local(handle.clone(), core));
    }
    let mut p = prefs.get();
    p.machine = Some(MachineMode::Standalone);
    prefs.save(p)?;
    Ok(connection_info_of(&host, &prefs))
}

/// Enrols this computer with the server it is connected to, with the one-time code an
/// administrator gave; the terminal key it gets is kept by the desktop (never shown), and
/// this computer is that terminal from now on.
#[tauri::command]
#[specta::specta]
pub async fn enrol_this_computer(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    code: Arg<String>,
) -> CmdResult<household_core::terminals::Terminal> {
    let code = code.into_inner();
    let app_version = env!("CARGO_PKG_VERSION").to_string();
    let enrolment: household_core::terminals::Enrolment =
        crate::on_host!(&host, enrol_terminal(code, app_version))?;
    host.enrolled(&enrolment)?;
    crate::kiosk::set_counter(
        &handle,
        enrolment.terminal.profile == household_core::terminals::TerminalProfile::Counter,
    );
    Ok(enrolment.terminal)
}

/// Whether this machine is a counter terminal and whether its kiosk lock is on.
#[tauri::command]
#[specta::specta]
pub async fn kiosk_status(
    kiosk: State<'_, crate::kiosk::Kiosk>,
) -> CmdResult<crate::kiosk::KioskStatus> {
    Ok(kiosk.status())
}

/// Unlocks the counter terminal's kiosk for maintenance with an administrator's username (or
/// email) and password, checked by the server (throttled like a sign-in; no session starts).
#[tauri::command]
#[specta::specta]
pub async fn unlock_kiosk(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    kiosk: State<'_, crate::kiosk::Kiosk>,
    input: Arg<household_core::accounts::LoginInput>,
) -> CmdResult<crate::kiosk::KioskStatus> {
    let input = input.into_inner();
    crate::on_host!(&host, kiosk_unlock(input))?;
    crate::kiosk::unlock(&handle);
    Ok(kiosk.status())
}

/// Puts the kiosk lock back on (after maintenance).
#[tauri::command]
#[specta::specta]
pub async fn lock_kiosk(
    handle: tauri::AppHandle,
    kiosk: State<'_, crate::kiosk::Kiosk>,
) -> CmdResult<crate::kiosk::KioskStatus> {
    crate::kiosk::lock(&handle);
    Ok(kiosk.status())
}
