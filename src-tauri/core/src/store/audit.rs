//! `audit_log`: append-only record of admin actions and account events.

use super::{on, Ex};
use crate::timestamp::Timestamp;

/// Appends one audit entry.
pub async fn append(
    ex: impl Into<Ex<'_>>,
    actor_id: Option<i64>,
    action: &str,
    target_type: &str,
    target_id: Option<i64>,
    detail: &str,
    at: Timestamp,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO audit_log (actor_id, action, target_type, target_id, detail, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(actor_id)
        .bind(action)
        .bind(target_type)
        .bind(target_id)
        .bind(detail)
        .bind(at)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// The actions recorded for one target, oldest first.
pub async fn actions_for(
    ex: impl Into<Ex<'_>>,
    target_type: &str,
    target_id: i64,
) -> sqlx::Result<Vec<String>> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "SELECT action FROM audit_log WHERE target_type = $1 AND target_id = $2 ORDER BY id",
        )
        .bind(target_type)
        .bind(target_id)
        .fetch_all(ex)
        .await
    })
}

/// An audit entry with the actor's name.
#[derive(
    Debug,
    Clone,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::FromRow,
    PartialEq,
    Eq,
    schemars::JsonSchema,
)]
pub struct AuditEntry {
    pub id: i64,
    pub action: String,
    pub actor_name: Option<String>,
    pub detail: String,
    pub created_at: Timestamp,
}

/// The entries about one target, newest first.
pub async fn entries_for(
    ex: impl Into<Ex<'_>>,
    target_type: &str,
    target_id: i64,
) -> sqlx::Result<Vec<AuditEntry>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT a.id, a.action, u.full_name AS actor_name, a.detail, a.created_at
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
         WHERE a.target_type = $1 AND a.target_id = $2 ORDER BY a.id DESC LIMIT 50",
        )
        .bind(target_type)
        .bind(target_id)
        .fetch_all(ex)
        .await
    })
}
