//! Aggregate queries for the admin dashboard (the UI never loads rows to count them).

use super::{on, Ex};
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use specta::Type;

/// A label and a count.
#[derive(
    Debug, Clone, Serialize, Deserialize, Type, sqlx::FromRow, PartialEq, Eq, schemars::JsonSchema,
)]
pub struct LabelCount {
    pub label: String,
    pub count: i64,
}

/// A service's demand and rating.
#[derive(
    Debug, Clone, Serialize, Deserialize, Type, sqlx::FromRow, PartialEq, schemars::JsonSchema,
)]
pub struct ServiceStat {
    pub service_id: i64,
    pub name: String,
    pub requests: i64,
    pub rating_avg: Option<f64>,
    pub rating_count: i64,
}

/// Requests per status.
pub async fn by_status(ex: impl Into<Ex<'_>>) -> sqlx::Result<Vec<LabelCount>> {
    on!(ex, |ex| {
        sqlx::query_as("SELECT status AS label, COUNT(*) AS count FROM service_requests GROUP BY status ORDER BY status")
            .fetch_all(ex)
            .await
    })
}

/// Requests created per local day since the stored timestamp `since`, for a terminal
/// `offset_minutes` ahead of UTC; days without requests omitted.
pub async fn per_day(
    ex: impl Into<Ex<'_>>,
    since: Timestamp,
    offset_minutes: i32,
) -> sqlx::Result<Vec<LabelCount>> {
    on!(
        ex,
        |ex| sqlx::query_as(
            "SELECT date(created_at, $2) AS label, COUNT(*) AS count FROM service_requests
             WHERE created_at >= $1 GROUP BY label ORDER BY label",
        )
        .bind(since)
        .bind(format!("{offset_minutes:+} minutes"))
        .fetch_all(ex)
        .await,
        |ex| {
            sqlx::query_as(
            "SELECT to_char((created_at AT TIME ZONE 'UTC') + make_interval(mins => $2), 'YYYY-MM-DD') AS label,
                    COUNT(*) AS count
             FROM service_requests WHERE created_at >= $1 GROUP BY label ORDER BY label",
        )
        .bind(since)
        .bind(offset_minutes)
        .fetch_all(ex)
        .await
        },
    )
}

/// The most requested services with their ratings.
pub async fn top_services(ex: impl Into<Ex<'_>>, limit: i64) -> sqlx::Result<Vec<ServiceStat>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT s.id AS service_id, s.name,
                (SELECT COUNT(*) FROM service_requests r WHERE r.service_id = s.id) AS requests,
                CASE WHEN s.rating_count > 0 THEN CAST(s.rating_sum AS DOUBLE PRECISION) / s.rating_count END AS rating_avg,
                s.rating_count
         FROM services s
         ORDER BY requests DESC, s.name
         LIMIT $1",
        )
        .bind(limit)
        .fetch_all(ex)
        .await
    })
}

/// Average of all customer ratings of jobs and their count.
pub async fn overall_rating(ex: impl Into<Ex<'_>>) -> sqlx::Result<(Option<f64>, i64)> {
    on!(ex, |ex| {
        sqlx::query_as("SELECT CAST(AVG(rating) AS DOUBLE PRECISION), COUNT(rating) FROM reviews")
            .fetch_one(ex)
            .await
    })
}
