//! The Tauri 2 shell of Household Services: window, plugins, managed state, commands and the
//! background tasks. All rules live in `household-core`.

pub mod commands;
pub mod prefs;

use household_core::domain::ExportStatus;
use household_core::session::EndReason;
use household_core::{App, AppConfig};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;
use tauri::{Emitter, Manager};

/// Environment variable naming the data folder (tests use temp folders).
pub const DATA_DIR_ENV: &str = "HS_DATA_DIR";
/// Environment variable overriding the idle timeout in seconds (tests, kiosks).
pub const IDLE_ENV: &str = "HS_IDLE_TIMEOUT_SECS";
/// Event sent to the UI when Rust ends the session on its own.
pub const SESSION_ENDED_EVENT: &str = "session-ended";

/// Command-line options.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    /// `--data-dir <path>`: where the database and documents live.
    pub data_dir: Option<PathBuf>,
    /// `--demo`: load the demo data set into an empty database at start-up.
    pub demo: bool,
}

impl Options {
    /// Parses the process arguments (unknown ones are ignored: WebDriver may add its own).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Self {
        let mut opts = Options::default();
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            if arg == "--demo" {
                opts.demo = true;
            } else if arg == "--data-dir" {
                opts.data_dir = it.next().map(PathBuf::from);
            } else if let Some(v) = arg.strip_prefix("--data-dir=") {
                opts.data_dir = Some(PathBuf::from(v));
            }
        }
        opts
    }
}

#[derive(Clone, Serialize)]
struct SessionEnded {
    reason: EndReason,
}

/// The command list and TypeScript export; shared by `run` and the bindings drift test.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        commands::setup::app_status,
        commands::setup::create_first_admin,
        commands::setup::load_demo_data,
        commands::auth::login,
        commands::auth::logout,
        commands::auth::touch_session,
        commands::auth::register_customer,
        commands::auth::register_professional,
        commands::auth::list_public_services,
        commands::home::home_summary,
        commands::settings::get_theme,
        commands::settings::set_theme,
        commands::settings::get_settings,
        commands::settings::save_settings,
        commands::admin::admin_list_services,
        commands::admin::admin_create_service,
        commands::admin::admin_update_service,
        commands::admin::admin_set_service_active,
        commands::admin::admin_delete_service,
        commands::admin::admin_list_people,
        commands::admin::admin_person_detail,
        commands::admin::admin_professional_document,
        commands::admin::admin_open_professional_document,
        commands::admin::admin_approve_professional,
        commands::admin::admin_reject_professional,
        commands::admin::admin_block_user,
        commands::admin::admin_unblock_user,
        commands::admin::admin_list_requests,
        commands::admin::admin_request_detail,
        commands::admin::admin_dashboard,
        commands::settings::admin_set_smtp_password,
        commands::settings::admin_send_test_email,
        commands::jobs::admin_job_runs,
        commands::jobs::admin_run_job_now,
        commands::jobs::admin_email_queue,
        commands::notifications::notifications_centre,
        commands::notifications::notifications_mark_read,
        commands::exports::admin_start_export,
        commands::exports::admin_export_job,
        commands::exports::admin_list_exports,
        commands::exports::admin_cancel_export,
        commands::exports::admin_open_export,
        commands::exports::admin_reveal_export,
        commands::customer::customer_profile,
        commands::customer::customer_update_profile,
        commands::customer::customer_search_services,
        commands::customer::customer_book,
        commands::customer::customer_edit_request,
        commands::customer::customer_cancel_request,
        commands::customer::customer_close_request,
        commands::customer::customer_review_request,
        commands::customer::customer_my_requests,
        commands::customer::customer_request_detail,
        commands::professional::professional_profile,
        commands::professional::professional_update_profile,
        commands::professional::professional_feed,
        commands::professional::professional_accept,
        commands::professional::professional_decline,
        commands::professional::professional_complete,
        commands::professional::professional_rate_customer,
        commands::professional::professional_jobs,
        commands::auth::change_password,
        commands::admin::admin_reject_request,
        commands::admin::admin_cancel_request,
    ])
}

/// Writes the generated TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    use specta_typescript::{BigIntExportBehavior, Typescript};
    specta_builder()
        .export(
            Typescript::default()
                .bigint(BigIntExportBehavior::Number)
                .header("// @ts-nocheck\n/* eslint-disable */"),
            path,
        )
        .map_err(|e| e.to_string())
}

fn resolve_data_dir(opts: &Options, handle: &tauri::AppHandle) -> Result<PathBuf, String> {
    if let Some(dir) = &opts.data_dir {
        return Ok(dir.clone());
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    handle
        .path()
        .app_data_dir()
        .map_err(|e| format!("cannot resolve the app data folder: {e}"))
}

fn idle_override() -> Option<u32> {
    std::env::var(IDLE_ENV)
        .ok()?
        .trim()
        .parse()
        .ok()
        .filter(|s| *s > 0)
}

/// Ends idle sessions and tells the UI; runs for the life of the app.
fn spawn_idle_watcher(handle: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let app = handle.state::<App>();
            if let Some(reason) = app.expire_idle() {
                tracing::info!("session ended after inactivity");
                if let Err(e) = handle.emit(SESSION_ENDED_EVENT, SessionEnded { reason }) {
                    tracing::warn!(error = %e, "could not tell the UI that the session ended");
                }
            }
        }
    });
}

/// Event sent to the UI when an export job ends.
pub const EXPORT_FINISHED_EVENT: &str = "export-finished";

/// Tells the UI (event) and the desktop (native notification) when an export ends.
fn spawn_export_announcer(
    handle: tauri::AppHandle,
    mut events: tokio::sync::broadcast::Receiver<household_core::exports::ExportEvent>,
) {
    use tauri_plugin_notification::NotificationExt;
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
            if let Err(e) = handle.emit(EXPORT_FINISHED_EVENT, &job) {
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
            // show() reports success even without a notification daemon: the UI toast and
            // the history page are the reliable channels; failures are logged, not swallowed.
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
    });
}

/// Event telling the UI that the signed-in user's notifications changed (refresh the bell).
pub const NOTIFICATIONS_EVENT: &str = "notifications-changed";

/// Shows the signed-in user's new notifications as OS notifications (one summary when many
/// piled up while they were away) and tells the UI to refresh its bell.
fn spawn_notification_delivery(handle: tauri::AppHandle) {
    use tauri_plugin_notification::{NotificationExt, PermissionState};
    tauri::async_runtime::spawn(async move {
        // Ask once, politely, at start-up; a refusal only turns off the pop-ups (the bell
        // keeps working) and is logged.
        match handle.notification().permission_state() {
            Ok(PermissionState::Granted) => {}
            Ok(_) => match handle.notification().request_permission() {
                Ok(PermissionState::Granted) => tracing::info!("notification permission granted"),
                Ok(state) => tracing::warn!(
                    ?state,
                    "notification permission not granted; the in-app centre still works"
                ),
                Err(e) => tracing::warn!(error = %e, "could not ask for notification permission"),
            },
            Err(e) => tracing::warn!(error = %e, "could not read the notification permission"),
        }
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            let app = handle.state::<App>();
            let Some(actor) = app.peek_actor() else {
                continue;
            };
            let batch = match household_core::notifications::take_for_os(&app, &actor).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read notifications");
                    continue;
                }
            };
            if batch.is_empty() {
                continue;
            }
            let enabled = handle.state::<prefs::Prefs>().get().notifications_enabled;
            for n in batch.iter().filter(|_| enabled) {
                // A denied permission or a missing notification daemon must not break the app:
                // the in-app centre still has everything; the failure is logged.
                if let Err(e) = handle
                    .notification()
                    .builder()
                    .title(&n.title)
                    .body(&n.body)
                    .show()
                {
                    tracing::warn!(error = %e, "native notification failed; the in-app centre still has it");
                }
            }
            if let Err(e) = handle.emit(NOTIFICATIONS_EVENT, batch.len()) {
                tracing::warn!(error = %e, "could not tell the UI about new notifications");
            }
        }
    });
}

/// Sends due emails every 30 s: through SMTP when configured in Settings, else to the
/// outbox folder (`<data dir>/outbox/*.eml`) where it is visible and nothing is lost.
fn spawn_email_sender(handle: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        loop {
            tick.tick().await;
            let app = handle.state::<App>();
            let mailer = match prefs::mailer(
                &app,
                &handle.state::<prefs::Prefs>(),
                &handle.state::<prefs::MailSecret>(),
            ) {
                Ok(m) => m,
                Err(e) => {
                    tracing::error!(error = %e, "no mail transport");
                    continue;
                }
            };
            match household_core::email::send_due(&app, &mailer, 50).await {
                Ok(r) if r.sent + r.retried + r.failed > 0 => tracing::info!(
                    sent = r.sent,
                    retried = r.retried,
                    failed = r.failed,
                    "email pass"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "email pass failed"),
            }
        }
    });
}

/// The schedule from the preferences, in this machine's local time.
pub fn schedule(prefs: &prefs::Prefs) -> household_core::scheduler::Schedule {
    use chrono::Offset;
    let settings = prefs.get();
    let default = household_core::scheduler::Schedule::default();
    household_core::scheduler::Schedule {
        offset: chrono::Local::now().offset().fix(),
        reminder_time: settings.reminder().unwrap_or(default.reminder_time),
    }
}

/// Runs the scheduled reports and reminders: once at start-up (catching up on a missed
/// period) and then every minute; `job_runs` makes each period run once.
fn spawn_scheduler(handle: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            let schedule = schedule(&handle.state::<prefs::Prefs>());
            let app = handle.state::<App>();
            if let Err(e) = household_core::scheduler::run_due(&app, &schedule).await {
                tracing::warn!(error = %e, "scheduled jobs failed");
            }
        }
    });
}

/// Starts the desktop app.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let opts = Options::parse(std::env::args().skip(1));
    let builder = specta_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            let handle = app.handle().clone();
            let data_dir = resolve_data_dir(&opts, &handle)?;
            std::fs::create_dir_all(&data_dir)?;
            tracing::info!(data_dir = %data_dir.display(), "starting");
            let prefs = prefs::Prefs::load(&handle, &data_dir);
            let mut config = AppConfig::new(&data_dir);
            config.idle_timeout_secs =
                idle_override().unwrap_or(prefs.get().idle_timeout_minutes * 60);
            let core = tauri::async_runtime::block_on(App::open(config))
                .map_err(|e| format!("cannot open the database in {}: {e}", data_dir.display()))?;
            if opts.demo {
                match tauri::async_runtime::block_on(household_core::demo::seed(&core, None)) {
                    Ok(s) => tracing::info!(requests = s.requests, "demo data loaded"),
                    Err(e) => tracing::warn!(error = %e, "demo data not loaded"),
                }
            }
            match tauri::async_runtime::block_on(household_core::exports::recover_interrupted(
                &core,
            )) {
                Ok(0) => {}
                Ok(n) => tracing::warn!(
                    jobs = n,
                    "exports interrupted by the last shutdown were marked failed"
                ),
                Err(e) => tracing::error!(error = %e, "could not recover interrupted exports"),
            }
            match tauri::async_runtime::block_on(household_core::email::recover_interrupted(&core))
            {
                Ok(0) => {}
                Ok(n) => tracing::warn!(
                    emails = n,
                    "emails interrupted mid-send were marked failed (not re-sent)"
                ),
                Err(e) => tracing::error!(error = %e, "could not recover interrupted emails"),
            }
            let export_events = core.exports.subscribe();
            app.manage(core);
            app.manage(prefs);
            app.manage(prefs::MailSecret::default());
            spawn_idle_watcher(handle.clone());
            spawn_export_announcer(handle.clone(), export_events);
            spawn_notification_delivery(handle.clone());
            spawn_email_sender(handle.clone());
            spawn_scheduler(handle);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "the app stopped with an error");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse() {
        let o = Options::parse(["--demo", "--data-dir", "/tmp/x", "--unknown"].map(String::from));
        assert_eq!(
            o,
            Options {
                data_dir: Some("/tmp/x".into()),
                demo: true
            }
        );
        let o = Options::parse(["--data-dir=/d"].map(String::from));
        assert_eq!(o.data_dir, Some(PathBuf::from("/d")));
        assert_eq!(Options::parse(Vec::<String>::new()), Options::default());
    }
}
