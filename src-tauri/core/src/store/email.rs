//! `email_queue`.

use super::{on, Ex};
use crate::domain::EmailStatus;
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use specta::Type;

/// A queued email.
#[derive(
    Debug, Clone, Serialize, Deserialize, Type, sqlx::FromRow, PartialEq, Eq, schemars::JsonSchema,
)]
pub struct EmailRow {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub status: EmailStatus,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

const COLUMNS: &str = "id, to_address, subject, text_body, html_body, status, attempts, next_attempt_at, last_error, created_at, sent_at";

/// Queues an email unless one with the same dedupe key exists; returns whether it was queued.
#[allow(clippy::too_many_arguments)]
pub async fn enqueue(
    ex: impl Into<Ex<'_>>,
    to: &str,
    subject: &str,
    text: &str,
    html: &str,
    dedupe_key: Option<&str>,
    now: Timestamp,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO email_queue (to_address, subject, text_body, html_body, dedupe_key, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(to)
        .bind(subject)
        .bind(text)
        .bind(html)
        .bind(dedupe_key)
        .bind(now)
        .execute(ex)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Claims the oldest due message (`queued -> sending`) in one statement, so two senders never
/// take the same one.
/// The claim holds until `lease_until` (kept in `next_attempt_at` while `sending`): only after
/// that may another server instance take a message its sender never finished for lost.
pub async fn claim_due(
    ex: impl Into<Ex<'_>>,
    now: Timestamp,
    lease_until: Timestamp,
) -> sqlx::Result<Option<EmailRow>> {
    on!(ex, |ex| {
        // On PostgreSQL two instances may claim at once: each skips a row the other has
        // locked, and the outer status check refuses a row claimed meanwhile. (SQLite has one
        // writer: nothing to skip.)
        let skip_locked = match ex.engine() {
            super::Engine::Sqlite => "",
            super::Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        sqlx::query_as(&format!(
            "UPDATE email_queue SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2
             WHERE status = 'queued'
               AND id = (SELECT id FROM email_queue WHERE status = 'queued' AND next_attempt_at <= $1
                         ORDER BY next_attempt_at, id LIMIT 1{skip_locked})
             RETURNING {COLUMNS}"
        ))
        .bind(now)
        .bind(lease_until)
        .fetch_optional(ex)
        .await
    })
}

/// `sending -> sent`.
pub async fn mark_sent(ex: impl Into<Ex<'_>>, id: i64, now: Timestamp) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE email_queue SET status = 'sent', sent_at = $1, last_error = NULL WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// `sending -> queued` for a later retry, or `failed` when `retry_at` is `None`.
pub async fn mark_attempt_failed(
    ex: impl Into<Ex<'_>>,
    id: i64,
    error: &str,
    retry_at: Option<Timestamp>,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE email_queue SET status = CASE WHEN $1 IS NULL THEN 'failed' ELSE 'queued' END,
                next_attempt_at = COALESCE($1, next_attempt_at), last_error = $2
         WHERE id = $3",
        )
        .bind(retry_at)
        .bind(error)
        .bind(id)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Messages a crash left in `sending`: they may have gone out, so they are failed (never
/// re-sent automatically) with an explanation for the admin.
/// Messages mid-send whose claim ended before `lease_ended_by` (`None`: every one) are failed.
pub async fn fail_interrupted(
    ex: impl Into<Ex<'_>>,
    lease_ended_by: Option<Timestamp>,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE email_queue SET status = 'failed',
                last_error = 'The app closed while sending; it may or may not have been delivered, so it is not retried.'
             WHERE status = 'sending' AND ($1 IS NULL OR next_attempt_at <= $1)",
        )
        .bind(lease_ended_by)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })
}

/// The queue, newest first.
pub async fn list(ex: impl Into<Ex<'_>>, limit: i64) -> sqlx::Result<Vec<EmailRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM email_queue ORDER BY id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(ex)
        .await
    })
}
