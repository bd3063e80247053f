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

/// Preferences of this terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Settings {
    pub theme: Theme,
    /// Minutes without activity before the session ends (1-15; lower for counter terminals).
    pub idle_timeout_minutes: u32,
}

/// Bounds of the idle timeout, in minutes.
pub const IDLE_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=15;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::System,
            idle_timeout_minutes: 15,
        }
    }
}

impl Settings {
    /// Values read from disk, made safe: an out-of-range timeout falls back to the default.
    pub fn sanitized(self) -> Self {
        if IDLE_MINUTES_RANGE.contains(&self.idle_timeout_minutes) {
            self
        } else {
            Settings {
                idle_timeout_minutes: Settings::default().idle_timeout_minutes,
                ..self
            }
        }
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
    if new.idle_timeout_minutes != current.idle_timeout_minutes {
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
            ..cur
        };
        assert!(authorize_change(None, &cur, &theme_only).is_ok());
        let shorter = Settings {
            idle_timeout_minutes: 2,
            ..cur
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
            ..cur
        };
        assert!(matches!(
            authorize_change(Some(&admin), &cur, &zero),
            Err(AppError::Validation { .. })
        ));
        assert_eq!(
            Settings {
                idle_timeout_minutes: 99,
                ..cur
            }
            .sanitized()
            .idle_timeout_minutes,
            15
        );
    }
}
