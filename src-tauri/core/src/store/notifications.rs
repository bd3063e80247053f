//! `notifications`: the outbox of user-facing notifications.

use super::{on, Ex};
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use specta::Type;

/// A notification as the in-app centre shows it.
#[derive(
    Debug, Clone, Serialize, Deserialize, Type, sqlx::FromRow, PartialEq, Eq, schemars::JsonSchema,
)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub request_id: Option<i64>,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}

/// Writes one notification (call inside the transaction of the change it reports).
pub async fn insert(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    kind: &str,
    title: &str,
    body: &str,
    request_id: Option<i64>,
    now: Timestamp,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO notifications (user_id, kind, title, body, request_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user_id)
        .bind(kind)
        .bind(title)
        .bind(body)
        .bind(request_id)
        .bind(now)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// A user's notifications, newest first.
pub async fn list(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<NotificationRow>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT id, kind, title, body, request_id, created_at, read_at FROM notifications
         WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(ex)
        .await
    })
}

/// Unread count.
pub async fn unread(ex: impl Into<Ex<'_>>, user_id: i64) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(ex)
        .await
    })
}

/// Marks one (or, with `None`, all) of a user's notifications read; returns rows changed.
pub async fn mark_read(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    id: Option<i64>,
    now: Timestamp,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND ($3 IS NULL OR id = $3)")
            .bind(now)
            .bind(user_id)
            .bind(id)
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })
}

/// Claims a user's not-yet-shown notifications (oldest first) and marks them shown, in one
/// statement, so two pollers never show the same one twice.
pub async fn claim_unshown(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    now: Timestamp,
) -> sqlx::Result<Vec<NotificationRow>> {
    on!(ex, |ex| {
        let mut rows: Vec<NotificationRow> = sqlx::query_as(
            "UPDATE notifications SET shown_at = $1 WHERE user_id = $2 AND shown_at IS NULL
         RETURNING id, kind, title, body, request_id, created_at, read_at",
        )
        .bind(now)
        .bind(user_id)
        .fetch_all(ex)
        .await?;
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    })
}
