//! Background work of the desktop. `start_local` runs only where the database is (standalone):
//! the email queue, the scheduled reports and reminders, and the export announcements.
//! `start_watchers` runs on every desktop: the live updates (see `live`) and the watcher of
//! the server connection.

use crate::host::Host;
use crate::prefs::Prefs;
use household_core::domain::ExportStatus;
use household_core::App;
use std::sync::Arc;
use std::time::Duration;
use tauri::async_runtime::JoinHandle;
use tauri::{Emitter, Manager};

/// Event sent to the UI when the server stops or starts answering (payload: ConnectionInfo).
pub const CONNECTION_EVENT: &str = "connection-changed";

/// Starts the work that belongs to whoever owns the database (standalone), on Tauri's
/// runtime; the tasks are returned so they stop when the desktop connects to a server.
pub fn start_local(handle: tauri::AppHandle, core: Arc<App>) -> Vec<JoinHandle<()>> {
    vec![
        spawn_export_announcer(handle, core.exports.subscribe()),
        tauri::async_runtime::spawn(household_core::background::email_sender(core.clone())),
        tauri::async_runtime::spawn(household_core::background::scheduler(core.clone())),
        tauri::async_runtime::spawn(household_core::background::session_purge(core)),
    ]
}

/// Starts what every desktop runs: the live updates and the connection watcher.
pub fn start_watchers(handle: tauri::AppHandle) {
    crate::live::start(handle.clone());
    spawn_connection_watcher(handle);
}

/// Event sent to the UI when an export job ends.
pub const EXPORT_FINISHED_EVENT: &str = "export-finished";

/// Tells the UI (event) and the desktop (native notification) that an export ended.
pub fn announce_export(
    handle: &tauri::AppHandle,
    job: &household_core::store::exports::ExportJobRow,
) {
    use tauri_plugin_notification::NotificationExt;
    if let Err(e) = handle.emit(EXPORT_FINISHED_EVENT, job) {
        tracing::warn!(error = %e, "could not tell the UI that an export finished");
    }
    let (title, body) = match job.status {
        ExportStatus::Succeeded => (
            "Export finished",
            format!(
                "{} rows saved to {}",
                job.rows_written,
                job.file_path.as_deref().unwrap_or("the file")
            ),
        ),
        ExportStatus::Cancelled => ("Export cancelled", "No file was written.".to_string()),
        _ => (
            "Export failed",
            job.error
                .clone()
                .unwrap_or_else(|| "See the export history.".into()),
        ),
    };
    // show() reports success even without a notification daemon: the UI toast and the
    // history page are the reliable channels; failures are logged, not swallowed.
    if let Err(e) = handle
        .notification()
        .builder()
        .title(title)
        .body(body)
        .show()
    {
        tracing::warn!(error = %e, "native notification failed");
    }
}

/// Announces the exports the core in this process finishes.
fn spawn_export_announcer(
    handle: tauri::AppHandle,
    mut events: tokio::sync::broadcast::Receiver<household_core::exports::ExportEvent>,
) -> JoinHandle<()> {
    tauri::async_runtime::spawn(async move {
        loop {
            let job = match events.recv().await {
                Ok(household_core::exports::ExportEvent::Finished(job)) => job,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "export announcements lagged");
                    continue;
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            };
            announce_export(&handle, &job);
        }
    })
}

/// Connected: checks that the server answers (every 5 s; at once when a call could not reach
/// it; then with a back-off from 1 s to 30 s until it answers) and tells the UI when that
/// changes, so it can show or hide its "cannot reach the server" banner.
fn spawn_connection_watcher(handle: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut told_online = true;
        let mut next = tokio::time::Instant::now();
        let mut backoff = Duration::from_secs(1);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let host = handle.state::<Host>();
            let backend = host.backend();
            let crate::host::Backend::Remote(remote) = &*backend else {
                told_online = true;
                continue;
            };
            let call_failed = told_online && !host.online();
            if !call_failed && tokio::time::Instant::now() < next {
                continue;
            }
            let online = remote.client.health().await.is_ok();
            host.set_online(online);
            if online {
                backoff = Duration::from_secs(1);
                next = tokio::time::Instant::now() + Duration::from_secs(5);
            } else {
                next = tokio::time::Instant::now() + backoff;
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
            if online != told_online {
                told_online = online;
                let prefs = handle.state::<Prefs>();
                let info = crate::commands::desktop::connection_info_of(&host, &prefs);
                if online {
                    tracing::info!("the server answers again");
                } else {
                    tracing::warn!("the server does not answer");
                }
                if let Err(e) = handle.emit(CONNECTION_EVENT, &info) {
                    tracing::warn!(error = %e, "could not tell the UI about the connection");
                }
            }
        }
    });
}
