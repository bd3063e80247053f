//! `service_requests`, `request_events` and `request_rejections`.

use sqlx::SqliteExecutor;

/// Fields of a new request row (demo data now; booking later).
#[derive(Debug)]
pub struct NewRequest<'a> {
    pub service_id: i64,
    pub customer_id: i64,
    pub professional_id: Option<i64>,
    pub status: &'a str,
    pub scheduled_for: &'a str,
    pub address: &'a str,
    pub pincode: &'a str,
    pub remarks: &'a str,
    pub created_at: &'a str,
    pub assigned_at: Option<&'a str>,
    pub completed_at: Option<&'a str>,
    pub closed_at: Option<&'a str>,
    pub cancelled_at: Option<&'a str>,
}

/// Inserts a request row as given and returns its id.
pub async fn insert(ex: impl SqliteExecutor<'_>, r: &NewRequest<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO service_requests (service_id, customer_id, professional_id, status, scheduled_for,
             address, pincode, remarks, created_at, updated_at, assigned_at, completed_at, closed_at, cancelled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(r.service_id)
    .bind(r.customer_id)
    .bind(r.professional_id)
    .bind(r.status)
    .bind(r.scheduled_for)
    .bind(r.address)
    .bind(r.pincode)
    .bind(r.remarks)
    .bind(r.created_at)
    .bind(r.assigned_at)
    .bind(r.completed_at)
    .bind(r.closed_at)
    .bind(r.cancelled_at)
    .fetch_one(ex)
    .await
}

/// Appends one entry to a request's status history.
pub async fn append_event(
    ex: impl SqliteExecutor<'_>,
    request_id: i64,
    actor_id: Option<i64>,
    from_status: Option<&str>,
    to_status: &str,
    note: Option<&str>,
    at: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO request_events (request_id, actor_id, from_status, to_status, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(request_id)
    .bind(actor_id)
    .bind(from_status)
    .bind(to_status)
    .bind(note)
    .bind(at)
    .execute(ex)
    .await
    .map(|_| ())
}

/// Number of requests in a status.
pub async fn count_by_status(ex: impl SqliteExecutor<'_>, status: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM service_requests WHERE status = $1")
        .bind(status)
        .fetch_one(ex)
        .await
}

/// Number of a customer's requests in a status.
pub async fn count_for_customer(
    ex: impl SqliteExecutor<'_>,
    customer_id: i64,
    status: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM service_requests WHERE customer_id = $1 AND status = $2",
    )
    .bind(customer_id)
    .bind(status)
    .fetch_one(ex)
    .await
}

/// Number of a professional's requests in a status.
pub async fn count_for_professional(
    ex: impl SqliteExecutor<'_>,
    professional_id: i64,
    status: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM service_requests WHERE professional_id = $1 AND status = $2",
    )
    .bind(professional_id)
    .bind(status)
    .fetch_one(ex)
    .await
}

/// Open requests a professional could take: their service, their pincode, not declined by them.
pub async fn count_open_for_area(
    ex: impl SqliteExecutor<'_>,
    professional_id: i64,
    service_id: i64,
    pincode: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM service_requests r
         WHERE r.service_id = $1 AND r.status = 'requested' AND r.pincode = $2
           AND NOT EXISTS (SELECT 1 FROM request_rejections x
                           WHERE x.request_id = r.id AND x.professional_id = $3)",
    )
    .bind(service_id)
    .bind(pincode)
    .bind(professional_id)
    .fetch_one(ex)
    .await
}
