//! This machine's own preferences (theme, OS notifications), persisted with
//! tauri-plugin-store. No secrets and nothing of the business: those live with the database.

use household_core::settings::BusinessSettings;
use household_core::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Runtime, Wry};
use tauri_plugin_store::{Store, StoreExt};

const KEY: &str = "settings";

/// Colour theme of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Light,
    Dark,
    #[default]
    System,
}

/// How this machine is used: chosen on its first-run screen, changed in Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum MachineMode {
    /// "Run the business on this computer": the embedded database here.
    Standalone,
    /// "Connect to a server": the server at `address`, trusting the certificate with this
    /// SHA-256 `fingerprint` (as the person confirmed it).
    Connected {
        address: String,
        fingerprint: String,
    },
}

/// What this machine keeps for itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachinePrefs {
    #[serde(default)]
    pub theme: Theme,
    /// Show native OS notifications (the in-app bell works either way).
    #[serde(default = "yes")]
    pub notifications_enabled: bool,
    /// `None` until chosen on the first-run screen.
    #[serde(default)]
    pub machine: Option<MachineMode>,
    /// The server last said this machine is a counter terminal: it starts in kiosk mode even
    /// before the server answers.
    #[serde(default)]
    pub counter_terminal: bool,
    /// Where the window was when it last closed (not used in kiosk mode).
    #[serde(default)]
    pub window: Option<WindowPlace>,
}

/// A window's size and position, in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowPlace {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub maximized: bool,
}

impl WindowPlace {
    /// The place to reopen at, given the screens' areas `(x, y, width, height)` and the
    /// smallest window size: its top-left corner must be on a screen (a monitor unplugged
    /// since would leave it out of sight), its size at least the minimum.
    pub fn usable(self, screens: &[(i32, i32, u32, u32)], min: (u32, u32)) -> Option<WindowPlace> {
        let on_screen = screens.iter().any(|&(sx, sy, w, h)| {
            self.x >= sx
                && self.y >= sy
                && i64::from(self.x) < i64::from(sx) + i64::from(w)
                && i64::from(self.y) < i64::from(sy) + i64::from(h)
        });
        on_screen.then_some(WindowPlace {
            width: self.width.max(min.0),
            height: self.height.max(min.1),
            ..self
        })
    }
}

fn yes() -> bool {
    true
}

impl Default for MachinePrefs {
    fn default() -> Self {
        MachinePrefs {
            theme: Theme::System,
            notifications_enabled: true,
            machine: None,
            counter_terminal: false,
            window: None,
        }
    }
}

/// The Settings page's form: this machine's preferences and the business settings together
/// (the page cannot tell where each is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Settings {
    pub theme: Theme,
    /// Minutes without activity before a session ends (1-15).
    pub idle_timeout_minutes: u32,
    /// Show native OS notifications on this machine (the in-app bell works either way).
    pub notifications_enabled: bool,
    /// Local time of the daily reminder, "HH:MM".
    pub reminder_time: String,
    /// Outgoing mail server; `None` writes mail to the outbox folder instead.
    pub smtp: Option<household_core::email::SmtpSettings>,
    /// The business's name and address, printed on receipts.
    #[serde(default)]
    pub business_name: String,
    #[serde(default)]
    pub business_address: String,
}

impl Settings {
    /// The form from its two halves.
    pub fn join(machine: &MachinePrefs, business: BusinessSettings) -> Self {
        Settings {
            theme: machine.theme,
            notifications_enabled: machine.notifications_enabled,
            idle_timeout_minutes: business.idle_timeout_minutes,
            reminder_time: business.reminder_time,
            smtp: business.smtp,
            business_name: business.business_name,
            business_address: business.business_address,
        }
    }

    /// The form split into what this machine keeps (on top of `machine`'s other preferences)
    /// and what the business keeps.
    pub fn split(self, machine: &MachinePrefs) -> (MachinePrefs, BusinessSettings) {
        (
            MachinePrefs {
                theme: self.theme,
                notifications_enabled: self.notifications_enabled,
                ..machine.clone()
            },
            BusinessSettings {
                idle_timeout_minutes: self.idle_timeout_minutes,
                reminder_time: self.reminder_time,
                smtp: self.smtp,
                business_name: self.business_name,
                business_address: self.business_address,
            },
        )
    }
}

/// The preferences of this machine, cached in memory and saved through the store plugin.
pub struct Prefs<R: Runtime = Wry> {
    current: Mutex<MachinePrefs>,
    /// Business settings an older version kept in this file, to move into the database once.
    legacy: Option<BusinessSettings>,
    store: Option<Arc<Store<R>>>,
}

impl<R: Runtime> Prefs<R> {
    /// Loads `settings.json` from `dir`. An unreadable or corrupt file is moved aside and
    /// defaults are used, with a warning in the log: never a crash.
    pub fn load(app: &AppHandle<R>, dir: &Path) -> Self {
        let path = dir.join("settings.json");
        let store = open_store(app, &path);
        let value = store.as_ref().and_then(|s| s.get(KEY));
        let current = value
            .clone()
            .and_then(|v| match serde_json::from_value::<MachinePrefs>(v) {
                Ok(p) => Some(p),
                Err(e) => {
                    tracing::warn!(error = %e, "preferences have an unexpected shape; using defaults");
                    None
                }
            })
            .unwrap_or_default();
        // Before the business settings moved to the database they were kept here too.
        let legacy = value
            .filter(|v| v.get("idle_timeout_minutes").is_some())
            .and_then(|v| serde_json::from_value::<BusinessSettings>(v).ok());
        Prefs {
            current: Mutex::new(current),
            legacy,
            store,
        }
    }

    /// The current preferences.
    pub fn get(&self) -> MachinePrefs {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Business settings found in an older preferences file, if any.
    pub fn legacy_business(&self) -> Option<BusinessSettings> {
        self.legacy.clone()
    }

    /// Stores new preferences.
    pub fn save(&self, new: MachinePrefs) -> AppResult<MachinePrefs> {
        if let Some(store) = &self.store {
            // Rewriting the key drops any business settings an older version kept here.
            store.set(KEY, serde_json::to_value(&new).map_err(AppError::internal)?);
            store
                .save()
                .map_err(|e| AppError::internal(format!("saving preferences: {e}")))?;
        }
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = new.clone();
        Ok(new)
    }
}

fn open_store<R: Runtime>(app: &AppHandle<R>, path: &PathBuf) -> Option<Arc<Store<R>>> {
    // The store plugin opens an unparsable file as empty and would overwrite it on the next
    // save: check it first, keep a bad file aside for inspection, and say so in the log.
    if let Ok(bytes) = std::fs::read(path) {
        if let Err(e) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            let aside = path.with_extension("json.corrupt");
            tracing::warn!(error = %e, file = %path.display(), moved_to = %aside.display(),
                "preferences file is corrupt; using defaults");
            if let Err(e) = std::fs::rename(path, &aside) {
                tracing::warn!(error = %e, "could not move the corrupt preferences file aside");
            }
        }
    }
    match app.store(path) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(error = %e, file = %path.display(), "preferences file unreadable; using defaults, not saving");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mock_app() -> tauri::App<tauri::test::MockRuntime> {
        tauri::test::mock_builder()
            .plugin(tauri_plugin_store::Builder::new().build())
            .build(tauri::test::mock_context(tauri::test::noop_assets()))
            .expect("mock app")
    }

    #[test]
    fn preferences_round_trip_through_the_store_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = mock_app();
        let prefs = Prefs::load(app.handle(), dir.path());
        assert_eq!(prefs.get(), MachinePrefs::default());
        let p = MachinePrefs {
            theme: Theme::Dark,
            notifications_enabled: false,
            machine: Some(MachineMode::Connected {
                address: "https://server.local:8443".into(),
                fingerprint: "AB".repeat(32),
            }),
            counter_terminal: true,
            window: Some(WindowPlace {
                x: 40,
                y: 30,
                width: 1000,
                height: 700,
                maximized: false,
            }),
        };
        prefs.save(p.clone()).expect("save");
        let text = std::fs::read_to_string(dir.path().join("settings.json")).expect("file written");
        assert!(text.contains("dark"), "{text}");
        assert!(
            !text.to_lowercase().contains("password") && !text.contains("smtp"),
            "nothing of the business in the machine's file: {text}"
        );
        assert_eq!(Prefs::load(app.handle(), dir.path()).get(), p);
    }

    #[test]
    fn a_corrupt_preferences_file_falls_back_to_defaults_and_is_kept_aside() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("settings.json"), "{ this is not json").expect("write");
        let app = mock_app();
        let prefs = Prefs::load(app.handle(), dir.path());
        assert_eq!(prefs.get(), MachinePrefs::default());
        assert!(
            dir.path().join("settings.json.corrupt").exists(),
            "the bad file is kept for inspection"
        );
        prefs
            .save(MachinePrefs::default())
            .expect("save after recovery");
    }

    #[test]
    fn business_settings_of_an_older_file_are_found_for_the_database() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("settings.json"),
            r#"{"settings":{"theme":"dark","idle_timeout_minutes":7,"reminder_time":"19:30","notifications_enabled":false}}"#,
        )
        .expect("write");
        let app = mock_app();
        let prefs = Prefs::load(app.handle(), dir.path());
        assert_eq!(
            (prefs.get().theme, prefs.get().notifications_enabled),
            (Theme::Dark, false)
        );
        let legacy = prefs.legacy_business().expect("legacy business settings");
        assert_eq!(
            (legacy.idle_timeout_minutes, legacy.reminder_time.as_str()),
            (7, "19:30")
        );
    }

    #[test]
    fn a_remembered_window_reopens_only_where_a_screen_is() {
        let place = WindowPlace {
            x: 2000,
            y: 100,
            width: 800,
            height: 500,
            maximized: false,
        };
        let one = [(0, 0, 1920, 1080)];
        let two = [(0, 0, 1920, 1080), (1920, 0, 1920, 1080)];
        assert_eq!(place.usable(&one, (900, 600)), None, "its screen is gone");
        assert_eq!(
            place.usable(&two, (900, 600)),
            Some(WindowPlace {
                width: 900,
                height: 600,
                ..place
            }),
            "on the second screen, no smaller than the minimum"
        );
    }
}
