//! CSV export commands. The file location only ever comes from the native save dialog,
//! opened here in Rust; the page never sends a path.

use super::{Arg, CmdResult};
use crate::host::Host;
use household_core::domain::Role;
use household_core::exports::{self, ExportFilters, ExportKind};
use household_core::ops::Caller;
use household_core::{Actor, App, AppError};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

/// Environment variable naming a folder to save exports in without asking (e2e tests only:
/// WebDriver cannot drive a native dialog).
pub const EXPORT_DIR_ENV: &str = "HS_EXPORT_DIR";

/// Asks where to save, then starts the export in the background. `None` when the admin
/// closed the dialog without choosing.
#[tauri::command]
#[specta::specta]
pub async fn admin_start_export(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    kind: Arg<ExportKind>,
    filters: Arg<ExportFilters>,
) -> CmdResult<Option<i64>> {
    let (kind, filters) = (kind.into_inner(), filters.into_inner());
    let (core, actor, caller) = local_admin(&host).await?;
    let today = core.clock.now().format("%Y-%m-%d").to_string();
    let suggested = kind.suggested_file_name(&today);
    let target: Option<PathBuf> = match std::env::var_os(EXPORT_DIR_ENV) {
        Some(dir) => Some(PathBuf::from(dir).join(&suggested)),
        None => {
            let dialog = handle
                .dialog()
                .file()
                .set_file_name(&suggested)
                .add_filter("CSV", &["csv"]);
            // The blocking variant must not run on the main thread: this async command does not.
            tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
                .await
                .map_err(AppError::from_join)?
                .map(|p| {
                    p.into_path()
                        .map_err(|e| AppError::internal(format!("save dialog path: {e}")))
                })
                .transpose()?
        }
    };
    let Some(mut target) = target else {
        return Ok(None);
    };
    if target.extension().is_none() {
        target.set_extension("csv");
    }
    Ok(Some(
        exports::start(&core, &actor, kind, filters, target, caller.offset).await?,
    ))
}

/// Opens a finished export with the OS's default program.
#[tauri::command]
#[specta::specta]
pub async fn admin_open_export(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    id: Arg<i64>,
) -> CmdResult<()> {
    let path = export_file(&host, id.into_inner()).await?;
    handle
        .opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| AppError::internal(format!("opening export: {e}")))?;
    Ok(())
}

/// Shows a finished export in the OS file manager.
#[tauri::command]
#[specta::specta]
pub async fn admin_reveal_export(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    id: Arg<i64>,
) -> CmdResult<()> {
    let path = export_file(&host, id.into_inner()).await?;
    handle
        .opener()
        .reveal_item_in_dir(path)
        .map_err(|e| AppError::internal(format!("showing export: {e}")))?;
    Ok(())
}

/// The core in this process, the signed-in admin and the caller.
async fn local_admin(host: &Host) -> Result<(Arc<App>, Actor, Caller), AppError> {
    let caller = host.caller();
    match host {
        Host::Local(local) => {
            let actor = local.core.actor(caller.token()?).await?;
            actor.require(Role::Admin)?;
            Ok((local.core.clone(), actor, caller))
        }
    }
}

/// Where a finished export's file is on this machine.
async fn export_file(host: &Host, id: i64) -> Result<PathBuf, AppError> {
    let (core, actor, _) = local_admin(host).await?;
    exports::file_of(&core, &actor, id).await
}
