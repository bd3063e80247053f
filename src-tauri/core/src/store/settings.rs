//! `business_settings`: the business's settings as one JSON document (a single row).

use crate::timestamp::Timestamp;
use sqlx::SqliteExecutor;

/// The stored settings document, if an admin ever saved one.
pub async fn get(ex: impl SqliteExecutor<'_>) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT settings FROM business_settings WHERE id = 1")
        .fetch_optional(ex)
        .await
}

/// Stores the settings document.
pub async fn put(
    ex: impl SqliteExecutor<'_>,
    json: &str,
    by: Option<i64>,
    now: Timestamp,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO business_settings (id, settings, updated_at, updated_by) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at,
                                        updated_by = excluded.updated_by",
    )
    .bind(json)
    .bind(now)
    .bind(by)
    .execute(ex)
    .await
    .map(|_| ())
}
