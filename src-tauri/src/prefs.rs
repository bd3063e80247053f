//! Terminal preferences persisted with tauri-plugin-store (no secrets here: plain JSON).

use household_core::settings::Settings;
use household_core::{AppError, AppResult};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Runtime, Wry};
use tauri_plugin_store::{Store, StoreExt};

const KEY: &str = "settings";

/// The SMTP password: kept in memory for this run of the app only, never written to disk
/// (the preferences file is plain JSON and no OS keyring is available on every terminal).
#[derive(Default)]
pub struct MailSecret(Mutex<Option<String>>);

impl MailSecret {
    /// Replaces the password (`None` forgets it).
    pub fn set(&self, password: Option<String>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = password.filter(|p| !p.is_empty());
    }

    /// The password, if entered since the app started.
    pub fn get(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The mailer the settings call for: SMTP when configured, else the outbox folder.
pub fn mailer(
    app: &household_core::App,
    prefs: &Prefs,
    secret: &MailSecret,
) -> AppResult<household_core::email::Mailer> {
    match prefs.get().smtp {
        Some(smtp) => household_core::email::Mailer::smtp(smtp, secret.get()),
        None => household_core::email::Mailer::outbox(app),
    }
}

/// The preferences of this terminal, cached in memory and saved through the store plugin.
pub struct Prefs<R: Runtime = Wry> {
    current: Mutex<Settings>,
    store: Option<Arc<Store<R>>>,
}

impl<R: Runtime> Prefs<R> {
    /// Loads `settings.json` from `dir`. An unreadable or corrupt file is moved aside and
    /// defaults are used, with a warning in the log: never a crash.
    pub fn load(app: &AppHandle<R>, dir: &Path) -> Self {
        let path = dir.join("settings.json");
        let store = open_store(app, &path);
        let current = store
            .as_ref()
            .and_then(|s| s.get(KEY))
            .and_then(|v| match serde_json::from_value::<Settings>(v) {
                Ok(s) => Some(s.sanitized()),
                Err(e) => {
                    tracing::warn!(error = %e, "settings have an unexpected shape; using defaults");
                    None
                }
            })
            .unwrap_or_default();
        Prefs {
            current: Mutex::new(current),
            store,
        }
    }

    /// The current preferences.
    pub fn get(&self) -> Settings {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Stores new preferences (already authorised and validated by the core).
    pub fn save(&self, new: Settings) -> AppResult<Settings> {
        if let Some(store) = &self.store {
            store.set(KEY, serde_json::to_value(&new).map_err(AppError::internal)?);
            store
                .save()
                .map_err(|e| AppError::internal(format!("saving settings: {e}")))?;
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
                "settings file is corrupt; using defaults");
            if let Err(e) = std::fs::rename(path, &aside) {
                tracing::warn!(error = %e, "could not move the corrupt settings file aside");
            }
        }
    }
    match app.store(path) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(error = %e, file = %path.display(), "settings file unreadable; using defaults, not saving");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use household_core::settings::Theme;

    fn mock_app() -> tauri::App<tauri::test::MockRuntime> {
        tauri::test::mock_builder()
            .plugin(tauri_plugin_store::Builder::new().build())
            .build(tauri::test::mock_context(tauri::test::noop_assets()))
            .expect("mock app")
    }

    #[test]
    fn settings_round_trip_through_the_store_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = mock_app();
        let prefs = Prefs::load(app.handle(), dir.path());
        assert_eq!(prefs.get(), Settings::default());
        let s = Settings {
            theme: Theme::Dark,
            idle_timeout_minutes: 3,
            ..Default::default()
        };
        prefs.save(s.clone()).expect("save");
        let text = std::fs::read_to_string(dir.path().join("settings.json")).expect("file written");
        assert!(
            text.contains("\"idle_timeout_minutes\": 3")
                || text.contains("\"idle_timeout_minutes\":3"),
            "{text}"
        );
        assert!(
            !text.to_lowercase().contains("password"),
            "no secrets in the JSON file"
        );
    }

    #[test]
    fn a_corrupt_settings_file_falls_back_to_defaults_and_is_kept_aside() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("settings.json"), "{ this is not json").expect("write");
        let app = mock_app();
        let prefs = Prefs::load(app.handle(), dir.path());
        assert_eq!(prefs.get(), Settings::default());
        assert!(
            dir.path().join("settings.json.corrupt").exists(),
            "the bad file is kept for inspection"
        );
        // And saving works again afterwards.
        prefs
            .save(Settings::default())
            .expect("save after recovery");
    }

    #[test]
    fn a_file_with_bad_values_is_sanitised() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("settings.json"),
            r#"{"settings":{"theme":"dark","idle_timeout_minutes":500,"reminder_time":"nope"}}"#,
        )
        .expect("write");
        let app = mock_app();
        let s = Prefs::load(app.handle(), dir.path()).get();
        assert_eq!(
            (s.theme, s.idle_timeout_minutes, s.reminder_time.as_str()),
            (Theme::Dark, 15, "18:00")
        );
    }
}
