//! The Tauri 2 shell of Household Services: window, plugins, managed state, commands and the
//! background tasks. All rules live in `household-core`.

pub mod background;
pub mod commands;
pub mod host;
pub mod instance;
pub mod kiosk;
pub mod live;
pub mod logs;
pub mod prefs;
pub mod terminal_key;

use household_core::{App, AppConfig};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::Manager;

/// Environment variable naming the data folder (tests use temp folders).
pub const DATA_DIR_ENV: &str = "HS_DATA_DIR";
/// Environment variable pinning the idle timeout in seconds (tests, kiosks).
pub const IDLE_ENV: &str = "HS_IDLE_TIMEOUT_SECS";

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

/// The commands, the events and their TypeScript export; shared by `run` and the bindings drift test.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(commands::ops::commands())
        .events(tauri_specta::collect_events![
            live::LiveUpdate,
            kiosk::KioskChanged
        ])
        .constant(
            "NEW_REQUEST_KIND",
            household_core::notifications::NEW_REQUEST,
        )
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

/// The data folder this run uses (kept in managed state at start-up).
pub struct DataDir(pub PathBuf);

/// The data folder of this run.
pub fn data_dir_of(handle: &tauri::AppHandle) -> Result<PathBuf, household_core::ApiError> {
    handle
        .try_state::<DataDir>()
        .map(|d| d.0.clone())
        .ok_or_else(|| household_core::AppError::internal("no data folder yet").into())
}

/// Opens the embedded database and gets it ready: demo data when asked, interrupted work
/// recovered, business settings from an older preferences file moved in.
pub async fn open_local(
    data_dir: &std::path::Path,
    opts: Option<&Options>,
    prefs: &prefs::Prefs,
) -> Result<App, String> {
    let mut config = AppConfig::new(data_dir);
    config.idle_override_secs = idle_override();
    let core = App::open(config)
        .await
        .map_err(|e| format!("cannot open the database in {}: {e}", data_dir.display()))?;
    if let Some(legacy) = prefs.legacy_business() {
        match household_core::settings::import_legacy(&core, legacy).await {
            Ok(true) => tracing::info!("business settings moved from the preferences file"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "could not move old business settings"),
        }
    }
    if opts.is_some_and(|o| o.demo) {
        match household_core::demo::seed(&core, None).await {
            Ok(s) => tracing::info!(requests = s.requests, "demo data loaded"),
            Err(e) => tracing::warn!(error = %e, "demo data not loaded"),
        }
    }
    match household_core::exports::recover_interrupted(&core).await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            jobs = n,
            "exports interrupted by the last shutdown were marked failed"
        ),
        Err(e) => tracing::error!(error = %e, "could not recover interrupted exports"),
    }
    match household_core::email::recover_interrupted(&core).await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            emails = n,
            "emails interrupted mid-send were marked failed (not re-sent)"
        ),
        Err(e) => tracing::error!(error = %e, "could not recover interrupted emails"),
    }
    Ok(core)
}

/// Puts the main window where it was last closed (kept in this data folder's preferences),
/// if a screen is still there.
fn restore_window_place(handle: &tauri::AppHandle) {
    let (Some(window), Some(prefs)) = (
        handle.get_webview_window("main"),
        handle.try_state::<prefs::Prefs>(),
    ) else {
        return;
    };
    let Some(place) = prefs.get().window else {
        return;
    };
    let screens: Vec<(i32, i32, u32, u32)> = window
        .available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|m| {
            (
                m.position().x,
                m.position().y,
                m.size().width,
                m.size().height,
            )
        })
        .collect();
    let Some(place) = place.usable(&screens, MIN_WINDOW) else {
        return;
    };
    let _ = window.set_size(tauri::PhysicalSize::new(place.width, place.height));
    let _ = window.set_position(tauri::PhysicalPosition::new(place.x, place.y));
    if place.maximized {
        let _ = window.maximize();
    }
}

/// The window's smallest size (as in tauri.conf.json).
const MIN_WINDOW: (u32, u32) = (900, 600);

/// Keeps the window's place for the next start (not at a counter terminal: its kiosk
/// window is full screen by design).
fn remember_window_place(window: &tauri::Window) {
    let handle = window.app_handle();
    if handle.state::<kiosk::Kiosk>().status().counter {
        return;
    }
    let (Ok(pos), Ok(size), Some(prefs)) = (
        window.outer_position(),
        window.inner_size(),
        handle.try_state::<prefs::Prefs>(),
    ) else {
        return;
    };
    let mut p = prefs.get();
    p.window = Some(prefs::WindowPlace {
        x: pos.x,
        y: pos.y,
        width: size.width,
        height: size.height,
        maximized: window.is_maximized().unwrap_or(false),
    });
    if let Err(e) = prefs.save(p) {
        tracing::warn!(error = %e, "could not remember the window's place");
    }
}

/// Brings the main window to the front (a second launch asked for it).
fn focus_main_window(handle: &tauri::AppHandle) {
    if let Some(window) = handle.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Starts the desktop app.
pub fn run() {
    let log_file = logs::init();
    let opts = Options::parse(std::env::args().skip(1));
    let builder = specta_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let handle = app.handle().clone();
            let data_dir = resolve_data_dir(&opts, &handle)?;
            std::fs::create_dir_all(&data_dir)?;
            match instance::claim(&data_dir)? {
                instance::Start::First(claim) => {
                    let handle = handle.clone();
                    claim.serve(move || focus_main_window(&handle));
                }
                instance::Start::Second { focused } => {
                    tracing::info!(focused, data_dir = %data_dir.display(), "already running on this data folder: brought it to the front");
                    std::process::exit(0);
                }
            }
            let log_dir = if opts.data_dir.is_some() || std::env::var_os(DATA_DIR_ENV).is_some() {
                data_dir.join("logs")
            } else {
                handle
                    .path()
                    .app_log_dir()
                    .unwrap_or_else(|_| data_dir.join("logs"))
            };
            match logs::start_file(&log_file, &log_dir) {
                Ok(folder) => {
                    app.manage(folder);
                }
                Err(e) => tracing::warn!(error = %e, "logging to the console only"),
            }
            tracing::info!(data_dir = %data_dir.display(), "starting");
            let prefs = prefs::Prefs::load(&handle, &data_dir);
            let host = match prefs.get().machine {
                Some(prefs::MachineMode::Connected {
                    address,
                    fingerprint,
                }) => {
                    // No local database and no local background work: the server has both.
                    let remote = tauri::async_runtime::block_on(host::connect(&address, &fingerprint));
                    let remote = match remote {
                        Ok(r) => r,
                        Err(e) if e.code == household_core::ErrorCode::Unavailable => {
                            // The server is down: start anyway, offline; the watcher reconnects.
                            tracing::warn!(%address, error = %e.message, "server not answering at start-up");
                            host::offline_remote(&address, &fingerprint)
                                .map_err(|e| e.message)?
                        }
                        Err(e) => return Err(e.message.into()),
                    };
                    tracing::info!(%address, "connected to a server");
                    host::Host::new(host::Backend::Remote(remote), &data_dir)
                }
                mode => {
                    let core = Arc::new(tauri::async_runtime::block_on(open_local(
                        &data_dir,
                        Some(&opts),
                        &prefs,
                    ))?);
                    // Chosen implicitly by an installation that already runs a business.
                    if mode.is_none()
                        && !tauri::async_runtime::block_on(household_core::accounts::status(&core, None, None))
                            .map(|s| s.needs_setup)
                            .unwrap_or(true)
                    {
                        let mut p = prefs.get();
                        p.machine = Some(prefs::MachineMode::Standalone);
                        prefs.save(p)?;
                    }
                    let host = host::Host::new(host::Backend::Local(core.clone()), &data_dir);
                    host.own_local_tasks(background::start_local(handle.clone(), core));
                    host
                }
            };
            app.manage(DataDir(data_dir));
            let prefs_counter = prefs.get().counter_terminal;
            app.manage(kiosk::Kiosk::new(prefs_counter));
            app.manage(prefs);
            app.manage(host);
            app.manage(commands::exports::Downloads::default());
            if !prefs_counter {
                restore_window_place(&handle);
            }
            kiosk::apply(&handle);
            {
                let handle = handle.clone();
                tauri::async_runtime::spawn(async move { kiosk::follow_server(&handle).await });
            }
            background::start_watchers(handle);
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if kiosk::refuses_close(window.app_handle()) {
                    tracing::info!("closing refused: this counter terminal is locked");
                    api.prevent_close();
                } else {
                    remember_window_place(window);
                }
            }
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
