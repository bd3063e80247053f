//! The About dialog: version, where this computer keeps its data and log, how it is used,
//! the bundled libraries and their licences; and "Copy diagnostics" for a support request.

use super::desktop::{connection_info_of, ConnectionMode};
use super::CmdResult;
use crate::host::Host;
use crate::kiosk::Kiosk;
use crate::logs::LogFolder;
use crate::prefs::Prefs;
use crate::DataDir;
use household_core::AppError;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{Manager, State};

/// One bundled library (generated into `src-tauri/licences.json`, checked by a test).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Library {
    pub ecosystem: String,
    pub name: String,
    pub version: String,
    pub licence: String,
}

/// What the About dialog shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct AboutInfo {
    pub version: String,
    pub mode: ConnectionMode,
    pub server_address: Option<String>,
    pub data_dir: String,
    pub log_dir: Option<String>,
    /// "linux x86_64".
    pub platform: String,
    pub libraries: Vec<Library>,
}

/// Log lines a diagnostics report carries.
const DIAGNOSTIC_LINES: usize = 40;

fn libraries() -> Vec<Library> {
    serde_json::from_str(include_str!("../../licences.json")).unwrap_or_default()
}

/// The About dialog's facts (anyone: nothing in it is private).
#[tauri::command]
#[specta::specta]
pub async fn about(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    prefs: State<'_, Prefs>,
) -> CmdResult<AboutInfo> {
    let connection = connection_info_of(&host, &prefs);
    Ok(AboutInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        mode: connection.mode,
        server_address: connection.address,
        data_dir: handle
            .try_state::<DataDir>()
            .map(|d| d.0.display().to_string())
            .unwrap_or_default(),
        log_dir: handle
            .try_state::<LogFolder>()
            .map(|l| l.dir.display().to_string()),
        platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        libraries: libraries(),
    })
}

/// A plain-text report for a support request: version, mode, platform, folders and the
/// last log lines, secrets masked. Not at a locked counter terminal (a public machine: its
/// log names the customers who used it).
#[tauri::command]
#[specta::specta]
pub async fn diagnostics(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    prefs: State<'_, Prefs>,
    kiosk: State<'_, Kiosk>,
) -> CmdResult<String> {
    if kiosk.status().locked {
        return Err(AppError::Forbidden(
            "Diagnostics are not available at a locked counter terminal: an administrator unlocks it first."
                .into(),
        )
        .into());
    }
    let info = about(handle.clone(), host, prefs).await?;
    let mut out = format!(
        "Household Services {}\nMode: {}\nServer: {}\nPlatform: {}\nData folder: {}\nLog folder: {}\nReport made: {}\n",
        info.version,
        match info.mode {
            ConnectionMode::Unset => "not chosen yet",
            ConnectionMode::Standalone => "standalone (this computer runs the business)",
            ConnectionMode::Connected => "connected to a server",
        },
        info.server_address.as_deref().unwrap_or("-"),
        info.platform,
        info.data_dir,
        info.log_dir.as_deref().unwrap_or("-"),
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC"),
    );
    if let Some(folder) = handle.try_state::<LogFolder>() {
        out.push_str(&format!("\nLast {DIAGNOSTIC_LINES} log lines:\n"));
        for line in crate::logs::last_lines(&folder.dir, DIAGNOSTIC_LINES) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_generated_licence_list_is_readable_and_names_the_main_libraries() {
        let libs = super::libraries();
        for name in ["tauri", "sqlx", "argon2", "vue", "bootstrap"] {
            assert!(libs.iter().any(|l| l.name == name), "{name} missing");
        }
        assert!(libs.iter().all(|l| !l.licence.is_empty()));
    }
}
