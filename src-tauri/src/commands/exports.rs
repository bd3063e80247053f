//! CSV export commands. The file location only ever comes from the native save dialog,
//! opened here in Rust; the page never sends a path.

use super::{Arg, CmdResult};
use household_core::exports::{self, ExportFilters, ExportKind};
use household_core::store::exports::ExportJobRow;
use household_core::{App, AppError};
use std::path::PathBuf;
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
    app: State<'_, App>,
    kind: Arg<ExportKind>,
    filters: Arg<ExportFilters>,
) -> CmdResult<Option<i64>> {
    let kind = kind.into_inner();
    let filters = filters.into_inner();
    let actor = app.actor().await?;
    actor.require(household_core::domain::Role::Admin)?;
    let today = app.clock.now().format("%Y-%m-%d").to_string();
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
        exports::start(&app, &actor, kind, filters, target).await?,
    ))
}

/// One export job (progress polling).
#[tauri::command]
#[specta::specta]
pub async fn admin_export_job(app: State<'_, App>, id: Arg<i64>) -> CmdResult<ExportJobRow> {
    let id = id.into_inner();
    let actor = app.actor().await?;
    Ok(exports::get(&app, &actor, id).await?)
}

/// Export history, newest first.
#[tauri::command]
#[specta::specta]
pub async fn admin_list_exports(
    app: State<'_, App>,
    page: Arg<u32>,
    per_page: Arg<u32>,
) -> CmdResult<Vec<ExportJobRow>> {
    let page = page.into_inner();
    let per_page = per_page.into_inner();
    let actor = app.actor().await?;
    Ok(exports::list(&app, &actor, page, per_page).await?)
}

/// Stops a running export (no file is left behind).
#[tauri::command]
#[specta::specta]
pub async fn admin_cancel_export(app: State<'_, App>, id: Arg<i64>) -> CmdResult<()> {
    let id = id.into_inner();
    let actor = app.actor().await?;
    Ok(exports::cancel(&app, &actor, id).await?)
}

/// Opens a finished export with the default application.
#[tauri::command]
#[specta::specta]
pub async fn admin_open_export(
    handle: tauri::AppHandle,
    app: State<'_, App>,
    id: Arg<i64>,
) -> CmdResult<()> {
    let id = id.into_inner();
    let actor = app.actor().await?;
    let path = exports::file_of(&app, &actor, id).await?;
    handle
        .opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| AppError::internal(format!("opening export: {e}")))?;
    Ok(())
}

/// Shows a finished export in the file manager.
#[tauri::command]
#[specta::specta]
pub async fn admin_reveal_export(
    handle: tauri::AppHandle,
    app: State<'_, App>,
    id: Arg<i64>,
) -> CmdResult<()> {
    let id = id.into_inner();
    let actor = app.actor().await?;
    let path = exports::file_of(&app, &actor, id).await?;
    handle
        .opener()
        .reveal_item_in_dir(path)
        .map_err(|e| AppError::internal(format!("showing export: {e}")))?;
    Ok(())
}
