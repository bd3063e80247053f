//! Machine preferences (theme, idle timeout): rules here, persistence in the shell's store.

use crate::domain::Role;
use crate::error::{AppError, AppResult};
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

/// Checks a change: anyone may pick a theme; only an admin may change the idle timeout.
pub fn authorize_change(
    actor: Option<&Actor>,
    current: &Settings,
    new: &Settings,
) -> AppResult<()> {
    if !IDLE_MINUTES_RANGE.contains(&new.idle_timeout_minutes) {
        return Err(AppError::validation(
            "idle_timeout_minutes",
            "The idle timeout must be between 1 and 15 minutes.",
        ));
    }
    if new.reminder().is_none() {
        return Err(AppError::validation(
            "reminder_time",
            "Enter the reminder time as HH:MM, e.g. 18:00.",
        ));
    }
    if let Some(smtp) = &new.smtp {
        if smtp.host.trim().is_empty() {
            return Err(AppError::validation(
                "host",
                "Enter the SMTP server's host name.",
            ));
        }
        if smtp.port == 0 {
            return Err(AppError::validation(
                "port",
                "Enter the SMTP port (587, 465 or 25).",
            ));
        }
        if smtp
            .from_address
            .parse::<lettre::message::Mailbox>()
            .is_err()
        {
            return Err(AppError::validation(
                "from_address",
                "Enter the sender as an email address, e.g. bookings@example.com.",
            ));
        }
        if !(1..=120).contains(&smtp.timeout_secs) {
            return Err(AppError::validation(
                "timeout_secs",
                "The timeout must be between 1 and 120 seconds.",
            ));
        }
    }
    let admin_only = new.idle_timeout_minutes != current.idle_timeout_minutes
        || new.reminder_time != current.reminder_time
        || new.smtp != current.smtp
        || new.notifications_enabled != current.notifications_enabled;
    if admin_only {
        match actor {
            Some(a) if a.role == Role::Admin => {}
            Some(_) => {
                return Err(AppError::Forbidden(
                    "Only an administrator can change the idle timeout.".into(),
                ))
            }
            None => {
                return Err(AppError::Unauthorized(
                    "Please sign in as an administrator to change the idle timeout.".into(),
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_timeout_change_needs_admin_theme_does_not() {
        let cur = Settings::default();
        let admin = Actor {
            user_id: 1,
            role: Role::Admin,
        };
        let customer = Actor {
            user_id: 2,
            role: Role::Customer,
        };
        let theme_only = Settings {
            theme: Theme::Dark,
            ..cur.clone()
        };
        assert!(authorize_change(None, &cur, &theme_only).is_ok());
        let shorter = Settings {
            idle_timeout_minutes: 2,
            ..cur.clone()
        };
        assert!(matches!(
            authorize_change(None, &cur, &shorter),
            Err(AppError::Unauthorized(_))
        ));
        assert!(matches!(
            authorize_change(Some(&customer), &cur, &shorter),
            Err(AppError::Forbidden(_))
        ));
        assert!(authorize_change(Some(&admin), &cur, &shorter).is_ok());
        let zero = Settings {
            idle_timeout_minutes: 0,
            ..cur.clone()
        };
        assert!(matches!(
            authorize_change(Some(&admin), &cur, &zero),
            Err(AppError::Validation { .. })
        ));
        assert_eq!(
            Settings {
                idle_timeout_minutes: 99,
                ..cur.clone()
            }
            .sanitized()
            .idle_timeout_minutes,
            15
        );
    }
}
