//! `password_resets`: one-time password-reset codes (see `password_reset`).

use super::{on, Ex};
use crate::timestamp::Timestamp;

/// How a code reached its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ResetChannel {
    /// Issued by an administrator, who hands it over in person.
    Admin,
    /// Sent by email after "Forgot password".
    Email,
}

/// Withdraws every unused code of `user_id` (a newer one replaces them, or the password
/// changed another way).
pub async fn withdraw_all(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    now: Timestamp,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })
}

/// Records a new code for `user_id`.
pub async fn insert(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    code_hash: &str,
    channel: ResetChannel,
    issued_by: Option<i64>,
    now: Timestamp,
    expires_at: Timestamp,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO password_resets (user_id, code_hash, channel, issued_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user_id)
        .bind(code_hash)
        .bind(channel)
        .bind(issued_by)
        .bind(now)
        .bind(expires_at)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Uses up `user_id`'s code with this hash if it is unused and unexpired at `now`; returns
/// its channel, or `None` (wrong, used or expired code). The check and the use are one
/// statement, so a code works once even when two attempts race.
pub async fn consume(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    code_hash: &str,
    now: Timestamp,
) -> sqlx::Result<Option<ResetChannel>> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $1
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL AND expires_at > $1
             RETURNING channel",
        )
        .bind(now)
        .bind(user_id)
        .bind(code_hash)
        .fetch_optional(ex)
        .await
    })
}
