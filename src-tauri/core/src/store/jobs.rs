//! `job_runs` and the queries behind the scheduled reports and reminders.

use super::{on, Ex};
use crate::domain::RunStatus;
use crate::scheduler::Job;
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use specta::Type;

/// A recorded run.
#[derive(
    Debug, Clone, Serialize, Deserialize, Type, sqlx::FromRow, PartialEq, Eq, schemars::JsonSchema,
)]
pub struct JobRunRow {
    pub id: i64,
    pub job: Job,
    pub period: String,
    pub status: RunStatus,
    pub emails: i64,
    pub error: Option<String>,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

/// Claims (job, period): a new row, or a failed one to retry. `None` when another run has it.
pub async fn claim(
    ex: impl Into<Ex<'_>>,
    job: &str,
    period: &str,
    now: Timestamp,
) -> sqlx::Result<Option<i64>> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "INSERT INTO job_runs (job, period, status, started_at) VALUES ($1, $2, 'running', $3)
         ON CONFLICT (job, period) DO UPDATE SET status = 'running', started_at = excluded.started_at,
             error = NULL, finished_at = NULL
         WHERE job_runs.status = 'failed'
         RETURNING id",
        )
        .bind(job)
        .bind(period)
        .bind(now)
        .fetch_optional(ex)
        .await
    })
}

/// Ends a run.
pub async fn finish(
    ex: impl Into<Ex<'_>>,
    id: i64,
    status: RunStatus,
    emails: i64,
    error: Option<&str>,
    now: Timestamp,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE job_runs SET status = $1, emails = $2, error = $3, finished_at = $4 WHERE id = $5",
        )
        .bind(status)
        .bind(emails)
        .bind(error)
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Runs, newest first.
pub async fn list(ex: impl Into<Ex<'_>>, limit: i64) -> sqlx::Result<Vec<JobRunRow>> {
    on!(ex, |ex| {
        sqlx::query_as("SELECT id, job, period, status, emails, error, started_at, finished_at FROM job_runs ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(ex)
            .await
    })
}

/// One job a professional completed in the period.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CompletedJob {
    pub completed_at: Timestamp,
    pub service: String,
    pub pincode: String,
    pub rating: Option<i64>,
}

/// Active approved professionals: (id, name, email).
pub async fn professionals(ex: impl Into<Ex<'_>>) -> sqlx::Result<Vec<(i64, String, String)>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT u.id, u.full_name, u.email FROM professionals p JOIN users u ON u.id = p.user_id
         WHERE p.verification_status = 'approved' AND u.status = 'active' ORDER BY u.id",
        )
        .fetch_all(ex)
        .await
    })
}

/// Jobs a professional completed in [from, to).
pub async fn completed_jobs(
    ex: impl Into<Ex<'_>>,
    professional_id: i64,
    from: Timestamp,
    to: Timestamp,
) -> sqlx::Result<Vec<CompletedJob>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT r.completed_at, s.name AS service, r.pincode, v.rating
         FROM service_requests r JOIN services s ON s.id = r.service_id LEFT JOIN reviews v ON v.request_id = r.id
         WHERE r.professional_id = $1 AND r.completed_at >= $2 AND r.completed_at < $3
         ORDER BY r.completed_at",
        )
        .bind(professional_id)
        .bind(from)
        .bind(to)
        .fetch_all(ex)
        .await
    })
}

/// Every active customer's activity in [from, to): (id, name, email, made, completed, closed,
/// spending at booked prices in minor units).
pub async fn customer_activity(
    ex: impl Into<Ex<'_>>,
    from: Timestamp,
    to: Timestamp,
) -> sqlx::Result<Vec<(i64, String, String, i64, i64, i64, i64)>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT u.id, u.full_name, u.email,
                COUNT(*) FILTER (WHERE r.created_at >= $1 AND r.created_at < $2),
                COUNT(*) FILTER (WHERE r.completed_at >= $1 AND r.completed_at < $2),
                COUNT(*) FILTER (WHERE r.closed_at >= $1 AND r.closed_at < $2),
                CAST(COALESCE(SUM(CASE WHEN r.closed_at >= $1 AND r.closed_at < $2 THEN r.price_minor END), 0) AS BIGINT)
         FROM customers c JOIN users u ON u.id = c.user_id
         LEFT JOIN service_requests r ON r.customer_id = c.user_id
              AND ((r.created_at >= $1 AND r.created_at < $2) OR (r.completed_at >= $1 AND r.completed_at < $2)
                   OR (r.closed_at >= $1 AND r.closed_at < $2))
         WHERE u.status = 'active'
         GROUP BY u.id, u.full_name, u.email ORDER BY u.id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(ex)
        .await
    })
}

/// Professionals with open requests in their feed or unfinished assigned jobs:
/// (id, name, email, open in area, assigned).
pub async fn reminder_targets(
    ex: impl Into<Ex<'_>>,
) -> sqlx::Result<Vec<(i64, String, String, i64, i64)>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT * FROM (
           SELECT u.id, u.full_name, u.email,
                  (SELECT COUNT(*) FROM service_requests r WHERE r.service_id = p.service_id AND r.status = 'requested'
                     AND r.pincode = p.pincode
                     AND NOT EXISTS (SELECT 1 FROM request_rejections x WHERE x.request_id = r.id AND x.professional_id = u.id)) AS open,
                  (SELECT COUNT(*) FROM service_requests r WHERE r.professional_id = u.id AND r.status = 'assigned') AS assigned
           FROM professionals p JOIN users u ON u.id = p.user_id
           WHERE p.verification_status = 'approved' AND u.status = 'active'
         ) candidates WHERE open > 0 OR assigned > 0 ORDER BY id",
        )
        .fetch_all(ex)
        .await
    })
}
