//! `audit_log`: append-only record of admin actions and account events.

use sqlx::SqliteExecutor;

/// Appends one audit entry.
pub async fn append(
    ex: impl SqliteExecutor<'_>,
    actor_id: Option<i64>,
    action: &str,
    target_type: &str,
    target_id: Option<i64>,
    detail: &str,
    at: &str,
) -> sqlx::Result<()> {
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
}

/// The actions recorded for one target, oldest first.
pub async fn actions_for(
    ex: impl SqliteExecutor<'_>,
    target_type: &str,
    target_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE target_type = $1 AND target_id = $2 ORDER BY id",
    )
    .bind(target_type)
    .bind(target_id)
    .fetch_all(ex)
    .await
}
