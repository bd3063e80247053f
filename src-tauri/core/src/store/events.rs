//! `events`: the durable log of changes the desktops follow (see `live`).

use super::{on, Ex};
use crate::domain::Role;
use crate::timestamp::Timestamp;

/// One stored event with its audience.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub kind: String,
    pub subject_id: Option<i64>,
    pub to_user: Option<i64>,
    pub to_role: Option<Role>,
    pub to_service: Option<i64>,
    pub except_user: Option<i64>,
    /// With `to_service`: only the professionals of this PIN code.
    pub to_pincode: Option<String>,
}

/// An event to write: what changed and who may hear of it.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub subject_id: Option<i64>,
    pub to_user: Option<i64>,
    pub to_role: Option<Role>,
    pub to_service: Option<i64>,
    pub except_user: Option<i64>,
    pub to_pincode: Option<&'a str>,
}

/// Writes one event (call inside the transaction of the change it reports).
pub async fn insert(ex: impl Into<Ex<'_>>, e: &NewEvent<'_>, now: Timestamp) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO events
             (kind, subject_id, to_user, to_role, to_service, except_user, to_pincode, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.kind)
        .bind(e.subject_id)
        .bind(e.to_user)
        .bind(e.to_role)
        .bind(e.to_service)
        .bind(e.except_user)
        .bind(e.to_pincode)
        .bind(now)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Writes the events of a change to request `id`, one per audience: its customer, its
/// professional (if any), the admins, and the other professionals of its service in its PIN
/// code (whose feeds show it).
pub async fn insert_for_request(
    ex: impl Into<Ex<'_>>,
    kind: &str,
    id: i64,
    now: Timestamp,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO events
             (kind, subject_id, to_user, to_role, to_service, except_user, to_pincode, created_at)
         SELECT $1, id, customer_id, CAST(NULL AS TEXT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
                CAST(NULL AS TEXT), $3
         FROM service_requests WHERE id = $2
         UNION ALL
         SELECT $1, id, professional_id, NULL, NULL, NULL, NULL, $3 FROM service_requests
         WHERE id = $2 AND professional_id IS NOT NULL
         UNION ALL
         SELECT $1, id, NULL, 'admin', NULL, NULL, NULL, $3 FROM service_requests WHERE id = $2
         UNION ALL
         SELECT $1, id, NULL, 'professional', service_id, professional_id, pincode, $3
         FROM service_requests WHERE id = $2",
        )
        .bind(kind)
        .bind(id)
        .bind(now)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Up to `limit` events after `cursor`, oldest first.
pub async fn after(ex: impl Into<Ex<'_>>, cursor: i64, limit: i64) -> sqlx::Result<Vec<EventRow>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT id, kind, subject_id, to_user, to_role, to_service, except_user, to_pincode
         FROM events WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(cursor)
        .bind(limit)
        .fetch_all(ex)
        .await
    })
}

/// The newest event's id (0 when there is none yet, even if older ones were purged).
pub async fn last_id(ex: impl Into<Ex<'_>>) -> sqlx::Result<i64> {
    // The id sequence remembers the highest id ever given, also after a purge.
    on!(
        ex,
        |ex| sqlx::query_scalar(
            "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)",
        )
        .fetch_one(ex)
        .await,
        |ex| {
            sqlx::query_scalar(
            "SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('events', 'id')::regclass), 0)",
        )
        .fetch_one(ex)
        .await
        },
    )
}

/// The oldest event still kept (`None` when the log is empty).
pub async fn first_id(ex: impl Into<Ex<'_>>) -> sqlx::Result<Option<i64>> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT MIN(id) FROM events")
            .fetch_one(ex)
            .await
    })
}

/// Forgets events older than `before`; returns how many.
pub async fn purge(ex: impl Into<Ex<'_>>, before: Timestamp) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query("DELETE FROM events WHERE created_at < $1")
            .bind(before)
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })
}
