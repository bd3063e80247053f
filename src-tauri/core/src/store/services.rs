//! `services` table.

use serde::Serialize;
use specta::Type;
use sqlx::SqliteExecutor;

/// A bookable service as customers and registering professionals see it.
#[derive(Debug, Clone, Serialize, Type, sqlx::FromRow, PartialEq, Eq)]
pub struct ServiceSummary {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub base_price_minor: i64,
    pub estimated_minutes: i64,
}

/// Active services, by name.
pub async fn list_active(ex: impl SqliteExecutor<'_>) -> sqlx::Result<Vec<ServiceSummary>> {
    sqlx::query_as(
        "SELECT id, name, description, base_price_minor, estimated_minutes
         FROM services WHERE is_active = 1 ORDER BY name_key",
    )
    .fetch_all(ex)
    .await
}

/// Whether a service exists and is active.
pub async fn is_active(ex: impl SqliteExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM services WHERE id = $1 AND is_active = 1)")
        .bind(id)
        .fetch_one(ex)
        .await
}

/// Inserts a service and returns its id.
pub async fn insert(
    ex: impl SqliteExecutor<'_>,
    name: &str,
    description: &str,
    base_price_minor: i64,
    estimated_minutes: i64,
    now: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO services (name, name_key, description, base_price_minor, estimated_minutes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(name)
    .bind(name.to_lowercase())
    .bind(description)
    .bind(base_price_minor)
    .bind(estimated_minutes)
    .bind(now)
    .fetch_one(ex)
    .await
}

/// Number of active services.
pub async fn count_active(ex: impl SqliteExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM services WHERE is_active = 1")
        .fetch_one(ex)
        .await
}
