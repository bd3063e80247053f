//! `services` table.

use super::{on, Ex};
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use specta::Type;

/// A bookable service as customers and registering professionals see it.
#[derive(
    Debug, Clone, Serialize, Deserialize, Type, sqlx::FromRow, PartialEq, Eq, schemars::JsonSchema,
)]
pub struct ServiceSummary {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub base_price_minor: i64,
    pub estimated_minutes: i64,
}

/// Active services, by name.
pub async fn list_active(ex: impl Into<Ex<'_>>) -> sqlx::Result<Vec<ServiceSummary>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT id, name, description, base_price_minor, estimated_minutes
         FROM services WHERE is_active = TRUE ORDER BY name_key",
        )
        .fetch_all(ex)
        .await
    })
}

/// Whether a service exists and is active.
pub async fn is_active(ex: impl Into<Ex<'_>>, id: i64) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM services WHERE id = $1 AND is_active = TRUE)",
        )
        .bind(id)
        .fetch_one(ex)
        .await
    })
}

/// Inserts a service and returns its id.
pub async fn insert(
    ex: impl Into<Ex<'_>>,
    name: &str,
    description: &str,
    base_price_minor: i64,
    estimated_minutes: i64,
    now: Timestamp,
) -> sqlx::Result<i64> {
    on!(ex, |ex| {
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
    })
}

/// Number of active services.
pub async fn count_active(ex: impl Into<Ex<'_>>) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT COUNT(*) FROM services WHERE is_active = TRUE")
            .fetch_one(ex)
            .await
    })
}

/// A service as the admin catalogue shows it.
#[derive(
    Debug, Clone, Serialize, Deserialize, Type, sqlx::FromRow, PartialEq, schemars::JsonSchema,
)]
pub struct ServiceAdminRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub base_price_minor: i64,
    pub estimated_minutes: i64,
    pub is_active: bool,
    /// Requests ever made for it: a service with history is deactivated, never deleted.
    pub request_count: i64,
    pub professional_count: i64,
    pub rating_avg: Option<f64>,
    pub rating_count: i64,
}

/// Every service with its usage, by name.
pub async fn list_all(ex: impl Into<Ex<'_>>) -> sqlx::Result<Vec<ServiceAdminRow>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT s.id, s.name, s.description, s.base_price_minor, s.estimated_minutes,
                s.is_active = TRUE AS is_active,
                (SELECT COUNT(*) FROM service_requests r WHERE r.service_id = s.id) AS request_count,
                (SELECT COUNT(*) FROM professionals p WHERE p.service_id = s.id) AS professional_count,
                CASE WHEN s.rating_count > 0 THEN CAST(s.rating_sum AS DOUBLE PRECISION) / s.rating_count END AS rating_avg,
                s.rating_count
         FROM services s ORDER BY s.name_key",
        )
        .fetch_all(ex)
        .await
    })
}

/// A service's estimated visit length in minutes, if it exists.
pub async fn estimated_minutes(ex: impl Into<Ex<'_>>, id: i64) -> sqlx::Result<Option<i64>> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT estimated_minutes FROM services WHERE id = $1")
            .bind(id)
            .fetch_optional(ex)
            .await
    })
}

/// One service's name and active flag.
pub async fn find(ex: impl Into<Ex<'_>>, id: i64) -> sqlx::Result<Option<(String, bool)>> {
    on!(ex, |ex| {
        sqlx::query_as("SELECT name, is_active = TRUE FROM services WHERE id = $1")
            .bind(id)
            .fetch_optional(ex)
            .await
    })
}

/// Whether another service already uses this name (case-insensitive).
pub async fn name_taken(
    ex: impl Into<Ex<'_>>,
    name: &str,
    except_id: Option<i64>,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM services WHERE name_key = $1 AND id <> $2)",
        )
        .bind(name.to_lowercase())
        .bind(except_id.unwrap_or(-1))
        .fetch_one(ex)
        .await
    })
}

/// Updates a service's editable fields.
pub async fn update(
    ex: impl Into<Ex<'_>>,
    id: i64,
    name: &str,
    description: &str,
    base_price_minor: i64,
    estimated_minutes: i64,
    now: Timestamp,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE services SET name = $1, name_key = $2, description = $3, base_price_minor = $4,
                estimated_minutes = $5, updated_at = $6
         WHERE id = $7",
        )
        .bind(name)
        .bind(name.to_lowercase())
        .bind(description)
        .bind(base_price_minor)
        .bind(estimated_minutes)
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })
}

/// Activates or deactivates a service.
pub async fn set_active(
    ex: impl Into<Ex<'_>>,
    id: i64,
    active: bool,
    now: Timestamp,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query("UPDATE services SET is_active = $1, updated_at = $2 WHERE id = $3")
            .bind(active)
            .bind(now)
            .bind(id)
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })
}

/// Deletes a service only if nothing refers to it; returns rows deleted.
pub async fn delete_unused(ex: impl Into<Ex<'_>>, id: i64) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query(
            "DELETE FROM services WHERE id = $1
           AND NOT EXISTS (SELECT 1 FROM service_requests WHERE service_id = $1)
           AND NOT EXISTS (SELECT 1 FROM professionals WHERE service_id = $1)",
        )
        .bind(id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })
}

/// How service search results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchOrder {
    PriceAsc,
    PriceDesc,
    Rating,
    Name,
}

/// A service in the customer's search results.
#[derive(
    Debug, Clone, Serialize, Deserialize, Type, sqlx::FromRow, PartialEq, schemars::JsonSchema,
)]
pub struct ServiceSearchRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub base_price_minor: i64,
    pub estimated_minutes: i64,
    pub rating_avg: Option<f64>,
    pub rating_count: i64,
    /// Approved, unblocked professionals serving the searched pincode (0 without a pincode).
    pub professionals_available: i64,
}

/// Active services matching a substring of name or description; with a pincode, only those
/// bookable there (at least one approved, unblocked professional serving it).
pub async fn search(
    ex: impl Into<Ex<'_>>,
    text: Option<&str>,
    pincode: Option<&str>,
    order: SearchOrder,
) -> sqlx::Result<Vec<ServiceSearchRow>> {
    on!(ex, |ex| {
        let like = text.map(|t| {
            format!(
                "%{}%",
                t.to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        sqlx::query_as(&search_sql(order))
            .bind(like)
            .bind(pincode)
            .fetch_all(ex)
            .await
    })
}

/// The search query for an order ($1 = LIKE pattern or NULL, $2 = pincode or NULL).
pub fn search_sql(order: SearchOrder) -> String {
    let order_sql = match order {
        SearchOrder::PriceAsc => "s.base_price_minor ASC, s.name_key",
        SearchOrder::PriceDesc => "s.base_price_minor DESC, s.name_key",
        SearchOrder::Rating => {
            "rating_avg IS NULL, rating_avg DESC, s.rating_count DESC, s.name_key"
        }
        SearchOrder::Name => "s.name_key",
    };
    format!(
        "SELECT * FROM (
           SELECT s.id, s.name, s.description, s.base_price_minor, s.estimated_minutes,
                  CASE WHEN s.rating_count > 0 THEN CAST(s.rating_sum AS DOUBLE PRECISION) / s.rating_count END AS rating_avg,
                  s.rating_count, s.name_key,
                  (SELECT COUNT(*) FROM professionals p JOIN users u ON u.id = p.user_id
                    WHERE p.service_id = s.id AND p.pincode = $2 AND p.verification_status = 'approved'
                      AND u.status = 'active') AS professionals_available
           FROM services s
           WHERE s.is_active = TRUE
             AND ($1 IS NULL OR lower(s.name) LIKE $1 ESCAPE '\\' OR lower(s.description) LIKE $1 ESCAPE '\\')
         ) s
         WHERE $2 IS NULL OR s.professionals_available > 0
         ORDER BY {order_sql}"
    )
}

/// Whether an approved, unblocked professional serves this service in this pincode.
pub async fn bookable_in(
    ex: impl Into<Ex<'_>>,
    service_id: i64,
    pincode: &str,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM professionals p JOIN users u ON u.id = p.user_id
                        WHERE p.service_id = $1 AND p.pincode = $2 AND p.verification_status = 'approved'
                          AND u.status = 'active')",
        )
        .bind(service_id)
        .bind(pincode)
        .fetch_one(ex)
        .await
    })
}

/// The verified, active professionals of a service in a PIN code: who may take a request
/// booked there (the same people whose feeds show it).
pub async fn professionals_in(
    ex: impl Into<Ex<'_>>,
    service_id: i64,
    pincode: &str,
) -> sqlx::Result<Vec<i64>> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "SELECT p.user_id FROM professionals p JOIN users u ON u.id = p.user_id
         WHERE p.service_id = $1 AND p.pincode = $2 AND p.verification_status = 'approved'
           AND u.status = 'active'
         ORDER BY p.user_id",
        )
        .bind(service_id)
        .bind(pincode)
        .fetch_all(ex)
        .await
    })
}
