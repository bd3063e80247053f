//! The business's settings: the idle sign-out policy, the daily reminder time and outgoing
//! mail. They live in the database, so whoever owns it (the standalone app or the server)
//! applies them to every desktop; only administrators read or change them. (A machine's own
//! preferences, such as its theme, stay on that machine: see the desktop's `prefs`.)

use crate::domain::Role;
use crate::email::SmtpSettings;
use crate::error::{ensure, AllValid, AppResult};
use crate::session::Actor;
use crate::{store, App};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Bounds of the idle timeout, in minutes.
pub const IDLE_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=15;

/// What the business has set (no secrets: the SMTP password is never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct BusinessSettings {
    /// Minutes without activity before a session ends (1-15).
    pub idle_timeout_minutes: u32,
    /// Local time of the daily reminder, "HH:MM".
    #[serde(default = "six_pm")]
    pub reminder_time: String,
    /// Outgoing mail server; `None` writes mail to the outbox folder instead.
    #[serde(default)]
    pub smtp: Option<SmtpSettings>,
    /// The business's name, printed on receipts.
    #[serde(default)]
    pub business_name: String,
    /// The business's address, printed on receipts.
    #[serde(default)]
    pub business_address: String,
}

fn six_pm() -> String {
    "18:00".into()
}

impl Default for BusinessSettings {
    fn default() -> Self {
        BusinessSettings {
            idle_timeout_minutes: 15,
            reminder_time: six_pm(),
            smtp: None,
            business_name: String::new(),
            business_address: String::new(),
        }
    }
}

impl BusinessSettings {
    /// Values read from storage, made safe: out-of-range values fall back to the defaults.
    pub fn sanitized(self) -> Self {
        let mut s = self;
        if !IDLE_MINUTES_RANGE.contains(&s.idle_timeout_minutes) {
            s.idle_timeout_minutes = BusinessSettings::default().idle_timeout_minutes;
        }
        if s.reminder().is_none() {
            s.reminder_time = six_pm();
        }
        s
    }

    /// The reminder time, if it is a valid "HH:MM".
    pub fn reminder(&self) -> Option<chrono::NaiveTime> {
        chrono::NaiveTime::parse_from_str(self.reminder_time.trim(), "%H:%M").ok()
    }
}

fn smtp_problems(smtp: &SmtpSettings) -> AppResult<()> {
    (
        ensure(
            !smtp.host.trim().is_empty(),
            "host",
            "Enter the SMTP server's host name.",
        ),
        ensure(
            smtp.port != 0,
            "port",
            "Enter the SMTP port (587, 465 or 25).",
        ),
        ensure(
            smtp.from_address
                .parse::<lettre::message::Mailbox>()
                .is_ok(),
            "from_address",
            "Enter the sender as an email address, e.g. bookings@example.com.",
        ),
        ensure(
            (1..=120).contains(&smtp.timeout_secs),
            "timeout_secs",
            "The timeout must be between 1 and 120 seconds.",
        ),
    )
        .all_valid()
        .map(|_| ())
}

/// Checks every field of new settings at once.
pub fn validate(new: &BusinessSettings) -> AppResult<()> {
    (
        ensure(
            IDLE_MINUTES_RANGE.contains(&new.idle_timeout_minutes),
            "idle_timeout_minutes",
            "The idle timeout must be between 1 and 15 minutes.",
        ),
        ensure(
            new.reminder().is_some(),
            "reminder_time",
            "Enter the reminder time as HH:MM, e.g. 18:00.",
        ),
        new.smtp.as_ref().map_or(Ok(()), smtp_problems),
        ensure(
            new.business_name.trim().chars().count() <= 100,
            "business_name",
            "The business name must be at most 100 characters.",
        ),
        ensure(
            new.business_address.trim().chars().count() <= 300,
            "business_address",
            "The business address must be at most 300 characters.",
        ),
    )
        .all_valid()
        .map(|_| ())
}

/// The settings in force (defaults until an admin saves some). For the core's own use.
pub async fn current(app: &App) -> AppResult<BusinessSettings> {
    current_in(&app.pool).await
}

/// [`current`], read inside a transaction (or from any executor).
pub async fn current_in(ex: impl Into<store::Ex<'_>>) -> AppResult<BusinessSettings> {
    Ok(match store::settings::get(ex).await? {
        Some(json) => serde_json::from_str::<BusinessSettings>(&json)
            .map(BusinessSettings::sanitized)
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "stored business settings unreadable; using defaults");
                BusinessSettings::default()
            }),
        None => BusinessSettings::default(),
    })
}

/// The business settings, for an administrator.
pub async fn get(app: &App, actor: &Actor) -> AppResult<BusinessSettings> {
    actor.require(Role::Admin)?;
    current(app).await
}

/// Saves new settings (administrators only; every bad field reported at once); a new idle
/// policy applies to live sessions too. Audited.
pub async fn save(app: &App, actor: &Actor, new: BusinessSettings) -> AppResult<BusinessSettings> {
    actor.require(Role::Admin)?;
    validate(&new)?;
    let now = app.now();
    let mut tx = app.write_tx().await?;
    // The same document holds the backup settings (saved apart): keep them.
    let mut doc = document(store::settings::get(&mut tx).await?);
    let fields = serde_json::to_value(&new).map_err(crate::AppError::internal)?;
    if let serde_json::Value::Object(fields) = fields {
        doc.extend(fields);
    }
    let json = serde_json::to_string(&doc).map_err(crate::AppError::internal)?;
    store::settings::put(&mut tx, &json, Some(actor.user_id), now).await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "settings.changed",
        "settings",
        None,
        "",
        now,
    )
    .await?;
    crate::live::record(
        &mut tx,
        crate::live::Audience::Role(Role::Admin),
        &crate::live::LiveEvent::Settings,
        now,
    )
    .await?;
    tx.commit().await?;
    app.apply_idle_policy(new.idle_timeout_minutes * 60).await?;
    Ok(new)
}

/// Takes over settings a desktop kept in its own preferences file before they moved to the
/// database, once: only while nothing is stored yet.
pub async fn import_legacy(app: &App, legacy: BusinessSettings) -> AppResult<bool> {
    if store::settings::get(&app.pool).await?.is_some() {
        return Ok(false);
    }
    let legacy = legacy.sanitized();
    let json = serde_json::to_string(&legacy).map_err(crate::AppError::internal)?;
    store::settings::put(&app.pool, &json, None, app.now()).await?;
    app.apply_idle_policy(legacy.idle_timeout_minutes * 60)
        .await?;
    Ok(true)
}

/// Remembers the SMTP password for as long as this process runs (administrators only); it is
/// never written anywhere. `None` forgets it.
pub fn set_smtp_password(app: &App, actor: &Actor, password: Option<String>) -> AppResult<()> {
    actor.require(Role::Admin)?;
    app.set_smtp_password(password);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::TlsMode;

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = BusinessSettings {
            idle_timeout_minutes: 0,
            reminder_time: "25:99".into(),
            smtp: Some(SmtpSettings {
                host: " ".into(),
                port: 0,
                tls: TlsMode::StartTls,
                username: None,
                from_address: "not an address".into(),
                timeout_secs: 0,
            }),
            business_name: "x".repeat(101),
            business_address: String::new(),
        };
        let err = validate(&bad).expect_err("invalid");
        assert_eq!(
            err.fields(),
            [
                "idle_timeout_minutes",
                "reminder_time",
                "host",
                "port",
                "from_address",
                "timeout_secs",
                "business_name"
            ]
        );
        assert!(validate(&BusinessSettings::default()).is_ok());
        assert_eq!(
            BusinessSettings {
                idle_timeout_minutes: 99,
                ..BusinessSettings::default()
            }
            .sanitized()
            .idle_timeout_minutes,
            15
        );
    }
}

/// The stored settings document as a JSON object (empty when nothing or nothing readable is
/// stored).
fn document(stored: Option<String>) -> serde_json::Map<String, serde_json::Value> {
    stored
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// Scheduled backups of an embedded-SQLite business (see `backup`). Kept in the settings
/// document under `"backups"`, saved apart from the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct BackupSettings {
    /// A backup every day (the first scheduler pass of each local day).
    pub daily: bool,
    /// Where backups go, an absolute path on the machine that owns the database; empty:
    /// `backups` in its data folder.
    pub folder: String,
    /// How many scheduled backups to keep (1-365); older ones are deleted.
    pub keep: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            daily: false,
            folder: String::new(),
            keep: 7,
        }
    }
}

impl BackupSettings {
    /// The folder backups go to for the data folder `data_dir`.
    pub fn folder_in(&self, data_dir: &std::path::Path) -> std::path::PathBuf {
        match self.folder.trim() {
            "" => data_dir.join("backups"),
            f => std::path::PathBuf::from(f),
        }
    }
}

/// The backup settings in force (defaults until an admin saves some).
pub async fn backups(app: &App) -> AppResult<BackupSettings> {
    let doc = document(store::settings::get(&app.pool).await?);
    Ok(doc
        .get("backups")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default())
}

/// Saves the backup settings (administrators only; every bad field at once). Audited.
pub async fn save_backups(
    app: &App,
    actor: &Actor,
    new: BackupSettings,
) -> AppResult<BackupSettings> {
    actor.require(Role::Admin)?;
    let folder = new.folder.trim().to_owned();
    (
        ensure(
            folder.is_empty() || std::path::Path::new(&folder).is_absolute(),
            "folder",
            "Enter the backup folder as a full path (e.g. /home/office/Backups), or leave it empty for the data folder's own.",
        ),
        ensure(
            (1..=365).contains(&new.keep),
            "keep",
            "Keep between 1 and 365 backups.",
        ),
    )
        .all_valid()?;
    let new = BackupSettings { folder, ..new };
    let now = app.now();
    let mut tx = app.write_tx().await?;
    let mut doc = document(store::settings::get(&mut tx).await?);
    if doc.is_empty() {
        // Nothing stored yet: the business half starts from its defaults.
        if let serde_json::Value::Object(defaults) =
            serde_json::to_value(BusinessSettings::default()).map_err(crate::AppError::internal)?
        {
            doc = defaults;
        }
    }
    doc.insert(
        "backups".into(),
        serde_json::to_value(&new).map_err(crate::AppError::internal)?,
    );
    let json = serde_json::to_string(&doc).map_err(crate::AppError::internal)?;
    store::settings::put(&mut tx, &json, Some(actor.user_id), now).await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "settings.backups_changed",
        "settings",
        None,
        "",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}
