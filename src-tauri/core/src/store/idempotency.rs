//! `idempotent_replies`: the first reply to a keyed write, given again to its retries.

use super::{on, Ex};
use crate::timestamp::Timestamp;

/// The stored reply to `user`'s request with `key`: (operation, reply JSON).
pub async fn get(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    key: &str,
) -> sqlx::Result<Option<(String, String)>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT operation, reply FROM idempotent_replies WHERE user_id = $1 AND key = $2",
        )
        .bind(user_id)
        .bind(key)
        .fetch_optional(ex)
        .await
    })
}

/// Keeps the reply (the first one wins).
pub async fn put(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    key: &str,
    operation: &str,
    reply: &str,
    now: Timestamp,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO idempotent_replies (user_id, key, operation, reply, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, key) DO NOTHING",
        )
        .bind(user_id)
        .bind(key)
        .bind(operation)
        .bind(reply)
        .bind(now)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Forgets replies older than `before` (retries come within minutes, not days).
pub async fn purge(ex: impl Into<Ex<'_>>, before: Timestamp) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query("DELETE FROM idempotent_replies WHERE created_at < $1")
            .bind(before)
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })
}
