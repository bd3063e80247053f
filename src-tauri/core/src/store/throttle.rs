//! `login_throttle`: failed-login counters per normalised login string.

use super::{on, Ex};
use crate::timestamp::Timestamp;

/// A throttle row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThrottleRow {
    pub failures: i64,
    pub last_failure_at: Timestamp,
    pub locked_until: Option<Timestamp>,
}

/// The throttle state for a login key.
pub async fn get(ex: impl Into<Ex<'_>>, key: &str) -> sqlx::Result<Option<ThrottleRow>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT failures, last_failure_at, locked_until FROM login_throttle WHERE login_key = $1",
        )
        .bind(key)
        .fetch_optional(ex)
        .await
    })
}

/// Stores the state after a failure.
pub async fn put(
    ex: impl Into<Ex<'_>>,
    key: &str,
    failures: i64,
    at: Timestamp,
    locked_until: Option<Timestamp>,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO login_throttle (login_key, failures, last_failure_at, locked_until) VALUES ($1, $2, $3, $4)
         ON CONFLICT (login_key) DO UPDATE SET failures = excluded.failures,
             last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until",
        )
        .bind(key)
        .bind(failures)
        .bind(at)
        .bind(locked_until)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Forgets the failures of a key (after a successful login).
pub async fn clear(ex: impl Into<Ex<'_>>, key: &str) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query("DELETE FROM login_throttle WHERE login_key = $1")
            .bind(key)
            .execute(ex)
            .await
            .map(|_| ())
    })
}
