//! `business_settings`: the business's settings as one JSON document (a single row).

use super::{on, Ex};
use crate::timestamp::Timestamp;

/// The stored settings document, if an admin ever saved one.
pub async fn get(ex: impl Into<Ex<'_>>) -> sqlx::Result<Option<String>> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT settings FROM business_settings WHERE id = 1")
            .fetch_optional(ex)
            .await
    })
}

/// Stores the settings document.
pub async fn put(
    ex: impl Into<Ex<'_>>,
    json: &str,
    by: Option<i64>,
    now: Timestamp,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
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
    })
}
