//! `complaints`: customers' complaints about closed requests, resolved by admins.

use super::{on, Ex};
use crate::timestamp::Timestamp;

/// A new complaint row.
#[derive(Debug)]
pub struct NewComplaint<'a> {
    pub request_id: i64,
    pub customer_id: i64,
    pub professional_id: Option<i64>,
    pub category: &'a str,
    pub body: &'a str,
    /// (sha256, mime, display name, size) of the attached photo.
    pub photo: Option<(&'a str, &'a str, &'a str, i64)>,
    pub created_at: Timestamp,
}

/// Stores a complaint; returns its id.
pub async fn insert(ex: impl Into<Ex<'_>>, c: &NewComplaint<'_>) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "INSERT INTO complaints (request_id, customer_id, professional_id, category, body,
                photo_sha256, photo_mime, photo_name, photo_size, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(c.request_id)
        .bind(c.customer_id)
        .bind(c.professional_id)
        .bind(c.category)
        .bind(c.body)
        .bind(c.photo.map(|p| p.0))
        .bind(c.photo.map(|p| p.1))
        .bind(c.photo.map(|p| p.2))
        .bind(c.photo.map(|p| p.3))
        .bind(c.created_at)
        .fetch_one(ex)
        .await
    })
}

/// A complaint as listed and shown.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::FromRow,
    schemars::JsonSchema,
)]
pub struct ComplaintRow {
    pub id: i64,
    pub request_id: i64,
    pub service_name: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub professional_id: Option<i64>,
    pub professional_name: Option<String>,
    pub category: String,
    pub body: String,
    pub has_photo: bool,
    pub status: String,
    pub resolution: Option<String>,
    pub resolved_by_name: Option<String>,
    pub resolved_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

const SELECT: &str = "SELECT c.id, c.request_id, s.name AS service_name, c.customer_id,
        cu.full_name AS customer_name, c.professional_id, pu.full_name AS professional_name,
        c.category, c.body, (c.photo_sha256 IS NOT NULL) AS has_photo, c.status, c.resolution,
        ru.full_name AS resolved_by_name, c.resolved_at, c.created_at
     FROM complaints c
     JOIN service_requests r ON r.id = c.request_id
     JOIN services s ON s.id = r.service_id
     JOIN users cu ON cu.id = c.customer_id
     LEFT JOIN users pu ON pu.id = c.professional_id
     LEFT JOIN users ru ON ru.id = c.resolved_by";

/// Complaints in a status (every one when `None`), newest first.
pub async fn list(
    ex: impl Into<Ex<'_>>,
    status: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<ComplaintRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!(
            "{SELECT} WHERE ($1 IS NULL OR c.status = $1) ORDER BY c.created_at DESC, c.id DESC LIMIT $2"
        ))
        .bind(status)
        .bind(limit)
        .fetch_all(ex)
        .await
    })
}

/// The complaints about one request, oldest first.
pub async fn for_request(
    ex: impl Into<Ex<'_>>,
    request_id: i64,
) -> sqlx::Result<Vec<ComplaintRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!("{SELECT} WHERE c.request_id = $1 ORDER BY c.id"))
            .bind(request_id)
            .fetch_all(ex)
            .await
    })
}

/// One complaint.
pub async fn find(ex: impl Into<Ex<'_>>, id: i64) -> sqlx::Result<Option<ComplaintRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!("{SELECT} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(ex)
            .await
    })
}

/// The stored photo of a complaint: (sha256, mime, display name).
pub async fn photo(
    ex: impl Into<Ex<'_>>,
    id: i64,
) -> sqlx::Result<Option<(String, String, String)>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT photo_sha256, photo_mime, photo_name FROM complaints
             WHERE id = $1 AND photo_sha256 IS NOT NULL",
        )
        .bind(id)
        .fetch_optional(ex)
        .await
    })
}

/// Resolves an open complaint; false when it was not open.
pub async fn resolve(
    ex: impl Into<Ex<'_>>,
    id: i64,
    resolution: &str,
    by: i64,
    at: Timestamp,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        Ok(sqlx::query(
            "UPDATE complaints SET status = 'resolved', resolution = $2, resolved_by = $3, resolved_at = $4
             WHERE id = $1 AND status = 'open'",
        )
        .bind(id)
        .bind(resolution)
        .bind(by)
        .bind(at)
        .execute(ex)
        .await?
        .rows_affected()
            == 1)
    })
}

/// How many complaints (all, open) name a professional.
pub async fn counts_for_professional(
    ex: impl Into<Ex<'_>>,
    professional_id: i64,
) -> sqlx::Result<(i64, i64)> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0)
             FROM complaints WHERE professional_id = $1",
        )
        .bind(professional_id)
        .fetch_one(ex)
        .await
    })
}
