//! `working_hours`, `days_off`, and the assigned jobs that make a professional busy.

use super::{on, Ex, Tx};
use crate::domain::RequestStatus;
use crate::timestamp::Timestamp;

/// A professional's stored week: (weekday 0 = Monday, start minute, end minute) per working
/// day; empty when they never set their hours.
pub async fn hours(
    ex: impl Into<Ex<'_>>,
    professional_id: i64,
) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT weekday, start_minute, end_minute FROM working_hours
             WHERE professional_id = $1 ORDER BY weekday",
        )
        .bind(professional_id)
        .fetch_all(ex)
        .await
    })
}

/// Replaces a professional's week.
pub async fn replace_hours(
    tx: &mut Tx,
    professional_id: i64,
    days: &[(i64, i64, i64)],
) -> sqlx::Result<()> {
    on!(&mut *tx, |ex| {
        sqlx::query("DELETE FROM working_hours WHERE professional_id = $1")
            .bind(professional_id)
            .execute(ex)
            .await
            .map(|_| ())
    })?;
    for &(weekday, start, end) in days {
        on!(&mut *tx, |ex| {
            sqlx::query(
                "INSERT INTO working_hours (professional_id, weekday, start_minute, end_minute)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(professional_id)
            .bind(weekday)
            .bind(start)
            .bind(end)
            .execute(ex)
            .await
            .map(|_| ())
        })?;
    }
    Ok(())
}

/// A professional's days off ("YYYY-MM-DD", local dates), in order.
pub async fn days_off(ex: impl Into<Ex<'_>>, professional_id: i64) -> sqlx::Result<Vec<String>> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT day FROM days_off WHERE professional_id = $1 ORDER BY day")
            .bind(professional_id)
            .fetch_all(ex)
            .await
    })
}

/// Replaces a professional's days off.
pub async fn replace_days_off(
    tx: &mut Tx,
    professional_id: i64,
    days: &[String],
) -> sqlx::Result<()> {
    on!(&mut *tx, |ex| {
        sqlx::query("DELETE FROM days_off WHERE professional_id = $1")
            .bind(professional_id)
            .execute(ex)
            .await
            .map(|_| ())
    })?;
    for day in days {
        on!(&mut *tx, |ex| {
            sqlx::query("INSERT INTO days_off (professional_id, day) VALUES ($1, $2)")
                .bind(professional_id)
                .bind(day)
                .execute(ex)
                .await
                .map(|_| ())
        })?;
    }
    Ok(())
}

/// A job that holds a professional's time (an assigned request), with what a calendar shows.
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
pub struct BusyJob {
    pub request_id: i64,
    pub professional_id: i64,
    pub status: RequestStatus,
    pub scheduled_for: Timestamp,
    pub duration_minutes: i64,
    pub service_name: String,
    pub customer_name: String,
    pub pincode: String,
}

/// The assigned jobs of `professional_id` whose visit starts in `[from, to)`.
pub async fn busy(
    ex: impl Into<Ex<'_>>,
    professional_id: i64,
    from: Timestamp,
    to: Timestamp,
) -> sqlx::Result<Vec<BusyJob>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT r.id AS request_id, r.professional_id, r.status, r.scheduled_for,
                    r.duration_minutes, s.name AS service_name, u.full_name AS customer_name, r.pincode
             FROM service_requests r
             JOIN services s ON s.id = r.service_id
             JOIN users u ON u.id = r.customer_id
             WHERE r.professional_id = $1 AND r.status = 'assigned'
               AND r.scheduled_for >= $2 AND r.scheduled_for < $3
             ORDER BY r.scheduled_for, r.id",
        )
        .bind(professional_id)
        .bind(from)
        .bind(to)
        .fetch_all(ex)
        .await
    })
}

/// A professional who could be given work of a service: approved and not blocked.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub user_id: i64,
    pub full_name: String,
    pub pincode: String,
}

/// The approved, unblocked professionals of a service (in a PIN code, when given), by name.
pub async fn candidates(
    ex: impl Into<Ex<'_>>,
    service_id: i64,
    pincode: Option<&str>,
) -> sqlx::Result<Vec<Candidate>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT p.user_id, u.full_name, p.pincode FROM professionals p JOIN users u ON u.id = p.user_id
             WHERE p.service_id = $1 AND ($2 IS NULL OR p.pincode = $2)
               AND p.verification_status = 'approved' AND u.status = 'active'
             ORDER BY u.full_name, p.user_id",
        )
        .bind(service_id)
        .bind(pincode)
        .fetch_all(ex)
        .await
    })
}

/// An open request as the dispatch board and the feed see it.
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
pub struct OpenRequest {
    pub id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub customer_name: String,
    pub scheduled_for: Timestamp,
    pub duration_minutes: i64,
    pub pincode: String,
    pub remarks: String,
    pub created_at: Timestamp,
}

/// Open requests of a service (in a PIN code, when given) whose visit starts in `[from, to)`,
/// by visit time; at most `limit`.
pub async fn open_between(
    ex: impl Into<Ex<'_>>,
    service_id: i64,
    pincode: Option<&str>,
    from: Timestamp,
    to: Timestamp,
    limit: i64,
) -> sqlx::Result<Vec<OpenRequest>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT r.id, r.service_id, s.name AS service_name, u.full_name AS customer_name,
                    r.scheduled_for, r.duration_minutes, r.pincode, r.remarks, r.created_at
             FROM service_requests r
             JOIN services s ON s.id = r.service_id
             JOIN users u ON u.id = r.customer_id
             WHERE r.service_id = $1 AND r.status = 'requested' AND ($2 IS NULL OR r.pincode = $2)
               AND r.scheduled_for >= $3 AND r.scheduled_for < $4
             ORDER BY r.scheduled_for, r.id
             LIMIT $5",
        )
        .bind(service_id)
        .bind(pincode)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(ex)
        .await
    })
}
