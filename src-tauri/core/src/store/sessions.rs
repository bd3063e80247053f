//! `sessions`: server-side sessions, found by the hash of their bearer token.

use super::{on, Ex};
use crate::domain::{Role, UserStatus};
use crate::session::EndReason;
use crate::timestamp::Timestamp;

/// A session joined with what every command checks about its user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub idle_timeout_secs: i64,
    pub last_seen_at: Timestamp,
    pub end_reason: Option<EndReason>,
    pub role: Role,
    pub status: UserStatus,
    pub blocked_reason: Option<String>,
    pub username: String,
    pub full_name: String,
    pub email: String,
    /// The enrolled machine the session was started on, if any.
    pub terminal_id: Option<i64>,
}

/// Starts a session; returns its id.
pub async fn insert(
    ex: impl Into<Ex<'_>>,
    token_hash: &str,
    user_id: i64,
    client: &str,
    idle_timeout_secs: i64,
    now: Timestamp,
) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "INSERT INTO sessions (token_hash, user_id, client, idle_timeout_secs, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(client)
        .bind(idle_timeout_secs)
        .bind(now)
        .fetch_one(ex)
        .await
    })
}

/// The session with this token hash, live or ended, with its user.
pub async fn find(ex: impl Into<Ex<'_>>, token_hash: &str) -> sqlx::Result<Option<SessionRow>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT s.id, s.user_id, s.idle_timeout_secs, s.last_seen_at, s.end_reason,
                u.role, u.status, u.blocked_reason, u.username, u.full_name, u.email, s.terminal_id
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(ex)
        .await
    })
}

/// Records activity (only forward in time).
pub async fn touch(ex: impl Into<Ex<'_>>, id: i64, now: Timestamp) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND ended_at IS NULL AND last_seen_at < $1")
            .bind(now)
            .bind(id)
            .execute(ex)
            .await
            .map(|_| ())
    })
}

/// Ends one live session; returns whether it was live.
pub async fn end(
    ex: impl Into<Ex<'_>>,
    id: i64,
    reason: EndReason,
    now: Timestamp,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE sessions SET ended_at = $1, end_reason = $2 WHERE id = $3 AND ended_at IS NULL",
        )
        .bind(now)
        .bind(reason)
        .bind(id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Ends every live session of a user (but `except`); returns how many ended.
pub async fn end_all_of_user(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    reason: EndReason,
    except: Option<i64>,
    now: Timestamp,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE sessions SET ended_at = $1, end_reason = $2
         WHERE user_id = $3 AND ended_at IS NULL AND id <> $4",
        )
        .bind(now)
        .bind(reason)
        .bind(user_id)
        .bind(except.unwrap_or(-1))
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })
}

/// Records the terminal a new session was started on, and caps its idle time-out.
pub async fn bind_terminal(
    ex: impl Into<Ex<'_>>,
    token_hash: &str,
    terminal_id: i64,
    idle_timeout_secs: i64,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE sessions SET terminal_id = $1, idle_timeout_secs = $2 WHERE token_hash = $3",
        )
        .bind(terminal_id)
        .bind(idle_timeout_secs)
        .bind(token_hash)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Removes a session that was refused before its token left the server.
pub async fn discard(ex: impl Into<Ex<'_>>, token_hash: &str) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(ex)
            .await
            .map(|_| ())
    })
}

/// Ends every live session started on terminal `terminal_id`; returns how many.
pub async fn end_all_on_terminal(
    ex: impl Into<Ex<'_>>,
    terminal_id: i64,
    reason: EndReason,
    now: Timestamp,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE sessions SET ended_at = $1, end_reason = $2
         WHERE terminal_id = $3 AND ended_at IS NULL",
        )
        .bind(now)
        .bind(reason)
        .bind(terminal_id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })
}

/// Applies a new idle policy to every live session.
pub async fn set_idle_timeout(
    ex: impl Into<Ex<'_>>,
    secs: i64,
    counter_cap_secs: i64,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        // Sessions on counter terminals never get more than their cap.
        sqlx::query(
            "UPDATE sessions SET idle_timeout_secs = CASE
             WHEN terminal_id IN (SELECT id FROM terminals WHERE profile = 'counter')
             THEN CASE WHEN $2 < $1 THEN $2 ELSE $1 END ELSE $1 END
         WHERE ended_at IS NULL",
        )
        .bind(secs)
        .bind(counter_cap_secs)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Number of live sessions of a user (the admin's person page).
pub async fn live_count(ex: impl Into<Ex<'_>>, user_id: i64) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND ended_at IS NULL")
            .bind(user_id)
            .fetch_one(ex)
            .await
    })
}

/// Forgets sessions that ended before `before` (their reason is no longer shown).
pub async fn purge_ended(ex: impl Into<Ex<'_>>, before: Timestamp) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query("DELETE FROM sessions WHERE ended_at IS NOT NULL AND ended_at < $1")
            .bind(before)
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })
}
