//! Restoring a backup on the desktop that owns the business (standalone): only here can the
//! database be swapped and the app started again on it. A connected desktop is told to use
//! the server's console instead. Backing up and the schedule are core operations.

use super::{Arg, CmdResult};
use crate::host::Host;
use household_core::admin::backups::{self, RestoreOutcome};
use household_core::backup::{self, BackupSummary};
use household_core::AppError;
use std::path::PathBuf;
use tauri::State;
use tauri_plugin_dialog::DialogExt;

const ON_SERVER: &str = "This computer works on a server: restore a backup on the server itself (stop it, then run `household-server restore FILE`).";

/// The caller must be an administrator (checked by the core, like every admin operation).
async fn require_admin(host: &Host) -> CmdResult<()> {
    crate::on_host!(host, admin_backups())?;
    Ok(())
}

/// Checks a backup file completely and says what it holds (administrators).
#[tauri::command]
#[specta::specta]
pub async fn admin_inspect_backup(
    host: State<'_, Host>,
    path: Arg<String>,
) -> CmdResult<BackupSummary> {
    require_admin(&host).await?;
    if host.local_core().is_none() {
        return Err(AppError::Conflict(ON_SERVER.into()).into());
    }
    let path = PathBuf::from(path.into_inner());
    Ok(
        tauri::async_runtime::spawn_blocking(move || backup::verify(&path))
            .await
            .map_err(AppError::from_join)??,
    )
}

/// Asks for a backup file with the native file dialog (administrators); `None` if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn admin_pick_backup_file(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
) -> CmdResult<Option<String>> {
    require_admin(&host).await?;
    let dialog = handle
        .dialog()
        .file()
        .add_filter("Household Services backup", &["gz"]);
    ask(move || dialog.blocking_pick_file()).await
}

/// Asks for the backup folder with the native folder dialog (administrators, on the computer
/// that runs the business: a connected desktop's folders are not the server's); `None` if
/// cancelled.
#[tauri::command]
#[specta::specta]
pub async fn admin_pick_backup_folder(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
) -> CmdResult<Option<String>> {
    require_admin(&host).await?;
    if host.local_core().is_none() {
        return Err(AppError::Conflict(
            "This computer works on a server: the backup folder is a folder on the server, typed in full."
                .into(),
        )
        .into());
    }
    let dialog = handle.dialog().file();
    ask(move || dialog.blocking_pick_folder()).await
}

/// Runs a native dialog (blocking: off the async threads); the chosen path, `None` if
/// cancelled.
async fn ask(
    dialog: impl FnOnce() -> Option<tauri_plugin_dialog::FilePath> + Send + 'static,
) -> CmdResult<Option<String>> {
    let picked = tauri::async_runtime::spawn_blocking(dialog)
        .await
        .map_err(AppError::from_join)?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}

/// Restores a backup into this computer's business (administrators, standalone): the whole
/// archive is checked first and the current database kept; then the app starts again on
/// the restored data, a moment after this answer.
#[tauri::command]
#[specta::specta]
pub async fn admin_restore_backup(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    path: Arg<String>,
) -> CmdResult<RestoreOutcome> {
    require_admin(&host).await?;
    let core = host
        .local_core()
        .ok_or_else(|| AppError::Conflict(ON_SERVER.into()))?;
    let outcome = backups::restore(&core, std::path::Path::new(&path.into_inner())).await?;
    tracing::info!(file = %outcome.restored.file_name, "backup restored; restarting");
    tauri::async_runtime::spawn(async move {
        // Long enough for the window to say what happened.
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        handle.restart();
    });
    Ok(outcome)
}
