//! `professionals` table.

use super::{on, Ex};
use crate::domain::VerificationStatus;
use crate::timestamp::Timestamp;

/// Fields of a new professional profile.
#[derive(Debug)]
pub struct NewProfessional<'a> {
    pub user_id: i64,
    pub service_id: i64,
    pub experience_years: i64,
    pub description: &'a str,
    pub phone: &'a str,
    pub pincode: &'a str,
    pub document_sha256: &'a str,
    pub document_mime: &'a str,
    pub document_name: &'a str,
    pub document_size: i64,
    pub now: Timestamp,
}

/// Inserts a professional profile (status `pending`).
pub async fn insert(ex: impl Into<Ex<'_>>, p: &NewProfessional<'_>) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO professionals (user_id, service_id, experience_years, description, phone, pincode,
             document_sha256, document_mime, document_name, document_size, document_uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(p.user_id)
        .bind(p.service_id)
        .bind(p.experience_years)
        .bind(p.description)
        .bind(p.phone)
        .bind(p.pincode)
        .bind(p.document_sha256)
        .bind(p.document_mime)
        .bind(p.document_name)
        .bind(p.document_size)
        .bind(p.now)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// A professional's verification status and the admin's note, if any.
pub async fn verification(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
) -> sqlx::Result<Option<(VerificationStatus, Option<String>)>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT verification_status, verification_note FROM professionals WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(ex)
        .await
    })
}

/// Sets the verification outcome (demo data now, the admin workflow later).
pub async fn set_verification(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    status: VerificationStatus,
    note: Option<&str>,
    admin_id: Option<i64>,
    now: Timestamp,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE professionals SET verification_status = $1, verification_note = $2,
                verified_by = $3, verified_at = $4
         WHERE user_id = $5",
        )
        .bind(status)
        .bind(note)
        .bind(admin_id)
        .bind(now)
        .bind(user_id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })
}

/// Number of professionals in a verification status.
pub async fn count_by_verification(
    ex: impl Into<Ex<'_>>,
    status: VerificationStatus,
) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT COUNT(*) FROM professionals WHERE verification_status = $1")
            .bind(status)
            .fetch_one(ex)
            .await
    })
}

/// The service and pincode a professional works in.
pub async fn service_area(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    on!(ex, |ex| {
        sqlx::query_as("SELECT service_id, pincode FROM professionals WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(ex)
            .await
    })
}

/// A professional's own profile.
#[derive(
    Debug,
    Clone,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::FromRow,
    PartialEq,
    schemars::JsonSchema,
)]
pub struct ProfessionalOwnProfile {
    pub full_name: String,
    pub username: String,
    pub email: String,
    pub service_id: i64,
    pub service_name: String,
    pub phone: String,
    pub pincode: String,
    pub experience_years: i64,
    pub description: String,
    pub verification_status: VerificationStatus,
    pub rating_avg: Option<f64>,
    pub rating_count: i64,
}

/// Reads a professional's own profile.
pub async fn own_profile(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
) -> sqlx::Result<Option<ProfessionalOwnProfile>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT u.full_name, u.username, u.email, p.service_id, s.name AS service_name, p.phone, p.pincode,
                p.experience_years, p.description, p.verification_status,
                CASE WHEN p.rating_count > 0 THEN CAST(p.rating_sum AS DOUBLE PRECISION) / p.rating_count END AS rating_avg,
                p.rating_count
         FROM professionals p JOIN users u ON u.id = p.user_id JOIN services s ON s.id = p.service_id
         WHERE p.user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(ex)
        .await
    })
}

/// Updates a professional's editable profile fields.
pub async fn update_profile(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    phone: &str,
    pincode: &str,
    experience_years: i64,
    description: &str,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query("UPDATE professionals SET phone = $1, pincode = $2, experience_years = $3, description = $4 WHERE user_id = $5")
            .bind(phone)
            .bind(pincode)
            .bind(experience_years)
            .bind(description)
            .bind(user_id)
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })
}
