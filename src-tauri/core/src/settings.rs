//! Machine preferences (theme, idle timeout): rules here, persistence in the shell's store.

use crate::domain::Role;
use crate::error::{ensure, AllValid, AppResult};
use crate::session::Actor;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Colour theme of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Light,
    Dark,
    #[default]
    System,
}

/// Preferences of this terminal (no secrets: the SMTP password is never stored here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Settings {
    pub theme: Theme,
    /// Minutes without activity before the session ends (1-15; lower for counter terminals).
    pub idle_timeout_minutes: u32,
    /// Show native OS notifications (the in-app bell works either way).
    #[serde(default = "yes")]
    pub notifications_enabled: bool,
    /// Local time of the daily reminder, "HH:MM".
    #[serde(default = "six_pm")]
    pub reminder_time: String,
    /// Outgoing mail server; `None` writes mail to the outbox folder instead.
    #[serde(default)]
    pub smtp: Option<crate::email::SmtpSettings>,
}

fn yes() -> bool {
    true
}

fn six_pm() -> String {
    "18:00".into()
}

/// Bounds of the idle timeout, in minutes.
pub const IDLE_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=15;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::System,
            idle_timeout_minutes: 15,
            notifications_enabled: true,
            reminder_time: six_pm(),
            smtp: None,
        }
    }
}

impl Settings {
    /// Values read from disk, made safe: an out-of-range timeout falls back to the default.
    pub fn sanitized(self) -> Self {
        let mut s = self;
        if !IDLE_MINUTES_RANGE.contains(&s.idle_timeout_minutes) {
            s.idle_timeout_minutes = Settings::default().idle_timeout_minutes;
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

/// Who may read and change the terminal's settings: administrators only (they hold the SMTP
/// server, the reminder time and the idle policy). The theme has its own open commands, so the
/// login screen is themed without revealing anything else.
pub fn require_admin(actor: &Actor) -> AppResult<()> {
    actor.require(Role::Admin)
}

fn smtp_problems(smtp: &crate::email::SmtpSettings) -> AppResult<()> {
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
pub fn validate(new: &Settings) -> AppResult<()> {
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
    )
        .all_valid()
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::{SmtpSettings, TlsMode};

    #[test]
    fn only_admins_manage_settings() {
        let admin = Actor {
            user_id: 1,
            role: Role::Admin,
        };
        let customer = Actor {
            user_id: 2,
            role: Role::Customer,
        };
        assert!(require_admin(&admin).is_ok());
        assert!(matches!(
            require_admin(&customer),
            Err(crate::AppError::Forbidden(_))
        ));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = Settings {
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
            ..Settings::default()
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
                "timeout_secs"
            ]
        );
        assert!(validate(&Settings::default()).is_ok());
        assert_eq!(
            Settings {
                idle_timeout_minutes: 99,
                ..Settings::default()
            }
            .sanitized()
            .idle_timeout_minutes,
            15
        );
    }
}
