//! CSV export commands. The file location only ever comes from the native save dialog,
//! opened here in Rust; the page never sends a path.
//!
//! Standalone, the core writes the file where the admin chose. Connected, the server writes it
//! into its own folder and this desktop downloads it to where the admin chose, through a
//! temporary file, fsync and rename: the same progress, cancel and no-partial-file guarantee.
//! Until the download is done the job reads as still running here.

use super::{Arg, CmdResult};
use crate::host::{Backend, Host};
use household_core::domain::{ExportStatus, Role};
use household_core::exports::{self, ExportFilters, ExportKind};
use household_core::store::exports::ExportJobRow;
use household_core::{ApiError, AppError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use tauri::{Manager, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

/// Environment variable naming a folder to save exports in without asking (e2e tests only:
/// WebDriver cannot drive a native dialog).
pub const EXPORT_DIR_ENV: &str = "HS_EXPORT_DIR";

/// The server-side exports this desktop is downloading or has downloaded: job id → where.
#[derive(Default)]
pub struct Downloads(Mutex<HashMap<i64, Download>>);

#[derive(Clone)]
struct Download {
    target: PathBuf,
    done: bool,
}

impl Downloads {
    fn get(&self, id: i64) -> Option<Download> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned()
    }

    fn set(&self, id: i64, d: Download) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, d);
    }

    /// A server's job as this desktop sees it: running until the file is here, and with the
    /// file's place on this computer.
    fn overlay(&self, mut job: ExportJobRow) -> ExportJobRow {
        match self.get(job.id) {
            Some(d) if d.done => job.file_path = Some(d.target.to_string_lossy().into_owned()),
            Some(d) => {
                if job.status == ExportStatus::Succeeded {
                    job.status = ExportStatus::Running;
                }
                job.file_path = Some(d.target.to_string_lossy().into_owned());
            }
            None => job.file_path = None,
        }
        job
    }
}

/// Asks where to save, then starts the export in the background. `None` when the admin
/// closed the dialog without choosing.
#[tauri::command]
#[specta::specta]
pub async fn admin_start_export(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    downloads: State<'_, Downloads>,
    kind: Arg<ExportKind>,
    filters: Arg<ExportFilters>,
) -> CmdResult<Option<i64>> {
    let (kind, filters) = (kind.into_inner(), filters.into_inner());
    // The admin check comes before the dialog: nobody else is asked where to save.
    let session = crate::on_host!(&host, touch_session())?;
    if session.role != Role::Admin {
        return Err(AppError::Forbidden("This action is only available to admins.".into()).into());
    }
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let Some(target) = ask_where(&handle, &kind.suggested_file_name(&today)).await? else {
        return Ok(None);
    };
    let backend = host.backend();
    match &*backend {
        Backend::Local(core) => {
            let caller = host.caller_for("admin_start_export");
            // Passive like every call of this desktop: the UI reports activity itself.
            let actor = core.actor_passive(caller.token()?).await?;
            Ok(Some(
                exports::start(core, &actor, kind, filters, target, caller.offset).await?,
            ))
        }
        Backend::Remote(_) => {
            let id = crate::on_host!(&host, admin_start_server_export(kind, filters))?;
            downloads.set(
                id,
                Download {
                    target: target.clone(),
                    done: false,
                },
            );
            tauri::async_runtime::spawn(download_when_done(handle.clone(), id, target));
            Ok(Some(id))
        }
    }
}

async fn ask_where(
    handle: &tauri::AppHandle,
    suggested: &str,
) -> Result<Option<PathBuf>, ApiError> {
    let target = match std::env::var_os(EXPORT_DIR_ENV) {
        Some(dir) => Some(PathBuf::from(dir).join(suggested)),
        None => {
            let dialog = handle
                .dialog()
                .file()
                .set_file_name(suggested)
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
    Ok(target.map(|mut t| {
        if t.extension().is_none() {
            t.set_extension("csv");
        }
        t
    }))
}

/// One export job (progress polling).
#[tauri::command]
#[specta::specta]
pub async fn admin_export_job(
    host: State<'_, Host>,
    downloads: State<'_, Downloads>,
    id: Arg<i64>,
) -> CmdResult<ExportJobRow> {
    let id = id.into_inner();
    let job = crate::on_host!(&host, admin_export_job(id))?;
    Ok(match &*host.backend() {
        Backend::Local(_) => job,
        Backend::Remote(_) => downloads.overlay(job),
    })
}

/// Export history, newest first.
#[tauri::command]
#[specta::specta]
pub async fn admin_list_exports(
    host: State<'_, Host>,
    downloads: State<'_, Downloads>,
    page: Arg<u32>,
    per_page: Arg<u32>,
) -> CmdResult<Vec<ExportJobRow>> {
    let (page, per_page) = (page.into_inner(), per_page.into_inner());
    let jobs = crate::on_host!(&host, admin_list_exports(page, per_page))?;
    Ok(match &*host.backend() {
        Backend::Local(_) => jobs,
        Backend::Remote(_) => jobs.into_iter().map(|j| downloads.overlay(j)).collect(),
    })
}

/// Opens a finished export with the OS's default program.
#[tauri::command]
#[specta::specta]
pub async fn admin_open_export(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    downloads: State<'_, Downloads>,
    id: Arg<i64>,
) -> CmdResult<()> {
    let path = export_file(&host, &downloads, id.into_inner()).await?;
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
    downloads: State<'_, Downloads>,
    id: Arg<i64>,
) -> CmdResult<()> {
    let path = export_file(&host, &downloads, id.into_inner()).await?;
    handle
        .opener()
        .reveal_item_in_dir(path)
        .map_err(|e| AppError::internal(format!("showing export: {e}")))?;
    Ok(())
}

/// Where a finished export's file is on this computer.
async fn export_file(host: &Host, downloads: &Downloads, id: i64) -> Result<PathBuf, ApiError> {
    let backend = host.backend();
    match &*backend {
        Backend::Local(core) => {
            let actor = core
                .actor_passive(host.caller_for("admin_open_export").token()?)
                .await?;
            Ok(exports::file_of(core, &actor, id).await?)
        }
        Backend::Remote(_) => {
            // The admin check, as for every export command.
            crate::on_host!(host, admin_export_job(id))?;
            match downloads.get(id) {
                Some(d) if d.done && d.target.exists() => Ok(d.target),
                Some(d) if d.done => Err(AppError::NotFound(
                    "The exported file has been moved or deleted.".into(),
                )
                .into()),
                Some(_) => Err(AppError::Conflict(
                    "The file is still being saved to this computer.".into(),
                )
                .into()),
                None => Err(AppError::NotFound(
                    "This export was saved on another computer or in an earlier run of the app."
                        .into(),
                )
                .into()),
            }
        }
    }
}

/// Follows a server-side export and, once it succeeded, saves its file where the admin chose;
/// then tells the UI and the desktop, as a standalone export does.
async fn download_when_done(handle: tauri::AppHandle, id: i64, target: PathBuf) {
    let host = handle.state::<Host>();
    let downloads = handle.state::<Downloads>();
    let job = loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        match crate::on_host!(&host, admin_export_job(id)) {
            Ok(job) if job.status.is_active() => continue,
            Ok(job) => break job,
            Err(e) if e.code == household_core::ErrorCode::Unavailable => continue,
            Err(e) => {
                tracing::warn!(job = id, error = %e.message, "stopped following an export");
                return;
            }
        }
    };
    let mut job = job;
    if job.status == ExportStatus::Succeeded {
        match save_locally(&host, id, &target).await {
            Ok(size) => {
                downloads.set(
                    id,
                    Download {
                        target: target.clone(),
                        done: true,
                    },
                );
                job.file_size = i64::try_from(size).ok();
                job = downloads.overlay(job);
            }
            Err(e) => {
                tracing::warn!(job = id, error = %e.message, "export download failed");
                job.status = ExportStatus::Failed;
                job.error = Some(format!("The file could not be saved here: {}", e.message));
                job.file_path = None;
            }
        }
    } else {
        job = downloads.overlay(job);
    }
    crate::background::announce_export(&handle, &job);
}

/// Streams the server's file into a temporary file beside `target`, fsyncs it and renames it
/// into place: no partial file under the chosen name, ever.
async fn save_locally(host: &Host, id: i64, target: &Path) -> Result<u64, ApiError> {
    use tokio::io::AsyncWriteExt;
    let token = host.token().ok_or_else(|| {
        ApiError::from(AppError::Unauthorized("Please sign in to continue.".into()))
    })?;
    let backend = host.backend();
    let Backend::Remote(remote) = &*backend else {
        return Err(AppError::Conflict(
            "This computer is no longer connected to the server.".into(),
        )
        .into());
    };
    let mut resp = remote
        .client
        .get(&format!("api/v1/exports/{id}/file"), token.expose())
        .await?;
    let tmp = exports::temp_path(target, id);
    let result = async {
        let mut file = tokio::fs::File::create(&tmp).await?;
        let mut size = 0u64;
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| AppError::Unavailable(format!("the download stopped: {e}")))?
        {
            file.write_all(&chunk).await?;
            size += chunk.len() as u64;
        }
        file.sync_all().await?;
        drop(file);
        tokio::fs::rename(&tmp, target).await?;
        Ok::<u64, AppError>(size)
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    Ok(result?)
}
