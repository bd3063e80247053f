//! The signed-in session, held in Rust (managed state); the webview never supplies an identity.

use crate::domain::Role;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use specta::Type;
use std::sync::Mutex;

/// The acting user, as checked by [`crate::App::actor`]. Core functions take this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
}

impl Actor {
    /// Fails with `forbidden` unless the actor has `role`.
    pub fn require(&self, role: Role) -> AppResult<()> {
        if self.role == role {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "This action is only available to {}s.",
                role.as_str()
            )))
        }
    }
}

/// What the UI may know about the session.
#[derive(Debug, Clone, Serialize, Type, PartialEq, Eq)]
pub struct SessionView {
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub role: Role,
    /// Seconds of inactivity after which the session ends.
    pub idle_timeout_secs: u32,
}

/// One live session.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub view: SessionView,
    pub last_seen: DateTime<Utc>,
}

/// Why a session ended (sent to the UI with the `session-ended` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    Idle,
    Logout,
    Blocked,
}

/// The app's single session slot (one desktop window, one user at a time).
#[derive(Debug, Default)]
pub(crate) struct SessionSlot(Mutex<Option<Session>>);

impl SessionSlot {
    pub fn with<R>(&self, f: impl FnOnce(&mut Option<Session>) -> R) -> R {
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }
}
