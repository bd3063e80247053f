//! Sessions: each signed-in desktop holds a random 256-bit bearer token; the database keeps
//! only its SHA-256 with the user, the idle timeout and the last activity. Every command
//! looks its token up, so logout, idle time-out, a block, a password change or an admin's
//! revocation end a session at once, on every machine. The webview never sees the token
//! (the desktop's Rust side holds it) and never supplies an identity.

use crate::domain::{Role, UserStatus};
use crate::error::{AppError, AppResult};
use crate::store;
use crate::App;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use specta::Type;

/// The acting user, as checked by [`App::actor`]. Core functions take this.
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
#[derive(Debug, Clone, Serialize, Deserialize, Type, PartialEq, Eq, schemars::JsonSchema)]
pub struct SessionView {
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub role: Role,
    /// Seconds of inactivity after which the session ends.
    pub idle_timeout_secs: u32,
}

/// Why a session ended (sent to the UI with the `session-ended` event).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Type,
    sqlx::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum EndReason {
    Idle,
    Logout,
    Blocked,
    PasswordChanged,
    Revoked,
    /// The terminal it ran on was disconnected (revoked) by an administrator.
    Disconnected,
}

impl EndReason {
    /// What the person is told when their next command finds the session ended.
    pub fn message(self, idle_timeout_secs: u32) -> String {
        match self {
            EndReason::Idle => format!(
                "You were signed out after {} minute(s) without activity. Please sign in again.",
                idle_timeout_secs.div_ceil(60)
            ),
            EndReason::Logout => "You signed out. Please sign in again.".into(),
            EndReason::Blocked => "Your account has been blocked by an administrator.".into(),
            EndReason::PasswordChanged => {
                "Your password was changed, so this sign-in ended. Please sign in with the new password."
                    .into()
            }
            EndReason::Revoked => {
                "An administrator ended this sign-in. Please sign in again.".into()
            }
            EndReason::Disconnected => crate::terminals::DISCONNECTED.into(),
        }
    }
}

/// A session that ended, and what to tell the person (the `session-ended` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct SessionEnded {
    pub reason: EndReason,
    pub message: String,
}

crate::secret::random_secret! {
    /// A session's bearer token: 32 random bytes as 64 hex digits. Only its hash is stored;
    /// its `Debug` never prints it.
    SessionToken
}

/// A new session: the token for the client and what its UI may show.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: SessionToken,
    pub view: SessionView,
    /// The key of the terminal enrolled by this sign-in (the desktop that set the business
    /// up on a server that enrols its machines).
    pub enrolment: Option<crate::terminals::Enrolment>,
}

/// Activity is written at most this often per session: the idle time-out may fire up to this
/// much early, in exchange for not writing on every read.
const TOUCH_EVERY_SECS: i64 = 5;

fn signed_out() -> AppError {
    AppError::Unauthorized("Please sign in to continue.".into())
}

impl App {
    /// Starts a session for a user who just proved who they are.
    pub(crate) async fn start_session(
        &self,
        mut view: SessionView,
        client: &str,
    ) -> AppResult<SignedIn> {
        let token = SessionToken::generate();
        view.idle_timeout_secs = self.idle_timeout_secs();
        store::sessions::insert(
            &self.pool,
            &token.hash(),
            view.user_id,
            client,
            i64::from(view.idle_timeout_secs),
            self.now(),
        )
        .await?;
        Ok(SignedIn {
            token,
            view,
            enrolment: None,
        })
    }

    /// The live session of `token` and its user, or why there is none. A session found idle
    /// or whose user was blocked is ended here, so the reason is recorded once.
    async fn live_session(
        &self,
        token: &SessionToken,
        activity: bool,
    ) -> AppResult<store::sessions::SessionRow> {
        let row = store::sessions::find(&self.pool, &token.hash())
            .await?
            .ok_or_else(signed_out)?;
        let idle = u32::try_from(row.idle_timeout_secs).unwrap_or(u32::MAX);
        if let Some(reason) = row.end_reason {
            return Err(match reason {
                EndReason::Blocked => AppError::AccountBlocked(crate::accounts::blocked_message(
                    row.blocked_reason.as_deref(),
                )),
                other => AppError::Unauthorized(other.message(idle)),
            });
        }
        let now = self.now();
        if row.status != UserStatus::Active {
            end_quietly(&self.pool, row.id, EndReason::Blocked, now).await;
            return Err(AppError::AccountBlocked(crate::accounts::blocked_message(
                row.blocked_reason.as_deref(),
            )));
        }
        if now - row.last_seen_at >= Duration::seconds(row.idle_timeout_secs) {
            end_quietly(&self.pool, row.id, EndReason::Idle, now).await;
            return Err(AppError::Unauthorized(EndReason::Idle.message(idle)));
        }
        if activity && now - row.last_seen_at >= Duration::seconds(TOUCH_EVERY_SECS) {
            // Recording activity must not stop the work when the database cannot be written
            // (a full disk): the caller's own write reports that, and reads keep working.
            if let Err(e) = store::sessions::touch(&self.pool, row.id, now).await {
                tracing::warn!(error = %e, "could not record session activity");
            }
        }
        Ok(row)
    }

    /// The acting user of a command: fails with `unauthorized` (and the reason) when the
    /// session ended, idled out or never existed, and `account_blocked` when its user was
    /// blocked. Counts as activity.
    pub async fn actor(&self, token: &SessionToken) -> AppResult<Actor> {
        let row = self.live_session(token, true).await?;
        Ok(Actor {
            user_id: row.user_id,
            role: row.role,
        })
    }

    /// Like [`App::actor`] (counted as activity when `activity` is set), for a caller at the
    /// enrolled machine `terminal`: a session started on an enrolled machine works there only,
    /// so a token taken to another machine (a professional's, to a counter terminal) is
    /// refused.
    pub async fn actor_at(
        &self,
        token: &SessionToken,
        activity: bool,
        terminal: Option<i64>,
    ) -> AppResult<Actor> {
        let row = self.live_session(token, activity).await?;
        if row.terminal_id.is_some() && row.terminal_id != terminal {
            return Err(AppError::Unauthorized(
                "This sign-in belongs to another computer. Please sign in here.".into(),
            ));
        }
        Ok(Actor {
            user_id: row.user_id,
            role: row.role,
        })
    }

    /// Like [`App::actor`] (same checks) but not counted as activity: for background
    /// refreshes (the notification bell) that must not keep an idle session alive.
    pub async fn actor_passive(&self, token: &SessionToken) -> AppResult<Actor> {
        let row = self.live_session(token, false).await?;
        Ok(Actor {
            user_id: row.user_id,
            role: row.role,
        })
    }

    /// The session as the UI may see it; counts as activity when `activity` is set.
    pub async fn session_view(
        &self,
        token: &SessionToken,
        activity: bool,
    ) -> AppResult<SessionView> {
        let row = self.live_session(token, activity).await?;
        Ok(SessionView {
            user_id: row.user_id,
            username: row.username,
            full_name: row.full_name,
            email: row.email,
            role: row.role,
            idle_timeout_secs: u32::try_from(row.idle_timeout_secs).unwrap_or(u32::MAX),
        })
    }

    /// Why the session of `token` ended, if it has (checking idle time and blocks now);
    /// `None` while it is live. For the desktop's watcher, which tells the UI at once, in the
    /// words a command would have got.
    pub async fn session_end(&self, token: &SessionToken) -> AppResult<Option<SessionEnded>> {
        let message = match self.live_session(token, false).await {
            Ok(_) => return Ok(None),
            Err(AppError::Unauthorized(m) | AppError::AccountBlocked(m)) => m,
            Err(e) => return Err(e),
        };
        let reason = store::sessions::find(&self.pool, &token.hash())
            .await?
            .and_then(|r| r.end_reason)
            .unwrap_or(EndReason::Logout);
        Ok(Some(SessionEnded { reason, message }))
    }

    /// Ends the session of `token` (logout); nothing happens if it already ended.
    pub async fn end_session(&self, token: &SessionToken) -> AppResult<()> {
        if let Some(row) = store::sessions::find(&self.pool, &token.hash()).await? {
            store::sessions::end(&self.pool, row.id, EndReason::Logout, self.now()).await?;
        }
        Ok(())
    }

    /// The id of the session behind `token` (to keep it when ending a user's others).
    pub(crate) async fn session_id(&self, token: &SessionToken) -> AppResult<i64> {
        Ok(self.live_session(token, false).await?.id)
    }
}

/// Ends a session that has run out; if the database cannot record it now, the check that
/// found it ended still refuses the caller, and the next check tries again.
async fn end_quietly(pool: &store::Pool, id: i64, reason: EndReason, now: crate::Timestamp) {
    if let Err(e) = store::sessions::end(pool, id, reason, now).await {
        tracing::warn!(error = %e, "could not record the end of a session");
    }
}
