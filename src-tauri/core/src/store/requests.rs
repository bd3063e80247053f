//! `service_requests`, `request_events` and `request_rejections`.

use super::{on, Arg, Dialect, Engine, Ex};
use crate::domain::RequestStatus;
use crate::timestamp::Timestamp;

/// Fields of a new request row (demo data now; booking later).
#[derive(Debug)]
pub struct NewRequest<'a> {
    pub service_id: i64,
    pub customer_id: i64,
    pub professional_id: Option<i64>,
    pub status: RequestStatus,
    pub scheduled_for: Timestamp,
    pub address: &'a str,
    pub pincode: &'a str,
    pub remarks: &'a str,
    pub created_at: Timestamp,
    pub assigned_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub cancelled_at: Option<Timestamp>,
    /// The idempotency key of the booking that made it, if its desktop sent one.
    pub client_key: Option<&'a str>,
}

/// The request a customer's earlier attempt with `key` made, if any.
pub async fn by_client_key(
    ex: impl Into<Ex<'_>>,
    customer_id: i64,
    key: &str,
) -> sqlx::Result<Option<i64>> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "SELECT id FROM service_requests WHERE customer_id = $1 AND client_key = $2",
        )
        .bind(customer_id)
        .bind(key)
        .fetch_optional(ex)
        .await
    })
}

/// Inserts a request row as given, at the service's current price and visit length, and
/// returns its id;
/// `None` when the service is missing or no longer active (checked in the same statement).
pub async fn insert(ex: impl Into<Ex<'_>>, r: &NewRequest<'_>) -> sqlx::Result<Option<i64>> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "INSERT INTO service_requests (service_id, customer_id, professional_id, status, scheduled_for,
             address, pincode, remarks, created_at, updated_at, assigned_at, completed_at, closed_at, cancelled_at,
             price_minor, client_key, duration_minutes)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13, s.base_price_minor, $14,
                s.estimated_minutes
         FROM services s WHERE s.id = $1 AND s.is_active = TRUE
         RETURNING id",
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
        .bind(r.client_key)
        .fetch_optional(ex)
        .await
    })
}

/// Appends one entry to a request's status history.
pub async fn append_event(
    ex: impl Into<Ex<'_>>,
    request_id: i64,
    actor_id: Option<i64>,
    from_status: Option<RequestStatus>,
    to_status: RequestStatus,
    note: Option<&str>,
    at: Timestamp,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
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
    })
}

/// Number of requests in a status.
pub async fn count_by_status(ex: impl Into<Ex<'_>>, status: RequestStatus) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT COUNT(*) FROM service_requests WHERE status = $1")
            .bind(status)
            .fetch_one(ex)
            .await
    })
}

/// Number of a customer's requests in a status.
pub async fn count_for_customer(
    ex: impl Into<Ex<'_>>,
    customer_id: i64,
    status: RequestStatus,
) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM service_requests WHERE customer_id = $1 AND status = $2",
        )
        .bind(customer_id)
        .bind(status)
        .fetch_one(ex)
        .await
    })
}

/// Number of a professional's requests in a status.
pub async fn count_for_professional(
    ex: impl Into<Ex<'_>>,
    professional_id: i64,
    status: RequestStatus,
) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM service_requests WHERE professional_id = $1 AND status = $2",
        )
        .bind(professional_id)
        .bind(status)
        .fetch_one(ex)
        .await
    })
}

/// Open requests a professional could take: their service, their pincode, not declined by them.
pub async fn count_open_for_area(
    ex: impl Into<Ex<'_>>,
    professional_id: i64,
    service_id: i64,
    pincode: &str,
) -> sqlx::Result<i64> {
    on!(ex, |ex| {
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
    })
}

/// Filters of the admin request list.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub status: Option<RequestStatus>,
    pub service_id: Option<i64>,
    pub professional_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// Created at or after this stored (UTC) timestamp.
    pub created_since: Option<Timestamp>,
    /// Created before this stored (UTC) timestamp.
    pub created_before: Option<Timestamp>,
}

/// Columns the admin list may sort by (an allow-list: the name never comes from the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestSortColumn {
    CreatedAt,
    ScheduledFor,
    Status,
}

impl RequestSortColumn {
    fn sql(self) -> &'static str {
        match self {
            Self::CreatedAt => "r.created_at",
            Self::ScheduledFor => "r.scheduled_for",
            Self::Status => "r.status",
        }
    }
}

/// One row of a request list.
#[derive(
    Debug,
    Clone,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::FromRow,
    PartialEq,
    Eq,
    schemars::JsonSchema,
)]
pub struct RequestRow {
    pub id: i64,
    pub status: RequestStatus,
    pub service_id: i64,
    pub service_name: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub professional_id: Option<i64>,
    pub professional_name: Option<String>,
    pub scheduled_for: Timestamp,
    pub pincode: String,
    pub created_at: Timestamp,
    pub rating: Option<i64>,
}

// On SQLite, CROSS JOIN keeps the requests the outer loop (SQLite never reorders it): every
// filter and sort is on them. Left free, the planner once drove the "closed" list (60 % of a
// million rows) from the services table through the feed index and sorted 600,000 rows:
// 3.3 s a page. PostgreSQL has no CROSS JOIN … ON: there it is a plain JOIN.
const ROW_COLUMNS: &str =
    "SELECT r.id, r.status, r.service_id, s.name AS service_name, r.customer_id,
        cu.full_name AS customer_name, r.professional_id, pu.full_name AS professional_name,
        r.scheduled_for, r.pincode, r.created_at, v.rating";
const ROW_JOINS: &str = "
    CROSS JOIN services s ON s.id = r.service_id
    CROSS JOIN users cu ON cu.id = r.customer_id
    LEFT JOIN users pu ON pu.id = r.professional_id
    LEFT JOIN reviews v ON v.request_id = r.id";

/// [`ROW_COLUMNS`] for one page of requests `r` on PostgreSQL: each name looked up by a
/// scalar subquery, so the page query plans one table instead of a five-way join.
const PAGE_COLUMNS_PG: &str = "SELECT r.id, r.status, r.service_id,
        (SELECT s.name FROM services s WHERE s.id = r.service_id) AS service_name, r.customer_id,
        (SELECT cu.full_name FROM users cu WHERE cu.id = r.customer_id) AS customer_name,
        r.professional_id,
        (SELECT pu.full_name FROM users pu WHERE pu.id = r.professional_id) AS professional_name,
        r.scheduled_for, r.pincode, r.created_at,
        (SELECT v.rating FROM reviews v WHERE v.request_id = r.id) AS rating";

/// The names a request row shows, joined to the requests `r`, in `engine`'s dialect.
fn row_joins(engine: Engine) -> String {
    match engine {
        Engine::Sqlite => ROW_JOINS.to_owned(),
        Engine::Postgres => ROW_JOINS.replace("CROSS JOIN", "JOIN"),
    }
}

/// A request row's SELECT over every request, in `engine`'s dialect.
fn row_select(engine: Engine) -> String {
    format!("{ROW_COLUMNS} FROM service_requests r{}", row_joins(engine))
}

impl RequestFilter {
    /// The WHERE conditions as (`column operator`, value) pairs: the one definition behind the
    /// admin list (sqlx) and the requests export (a plain SQLite reader).
    pub fn conditions(&self) -> Vec<(&'static str, Arg)> {
        let mut out = Vec::new();
        if let Some(s) = self.status {
            out.push(("r.status = ", Arg::Text(s.as_str().to_owned())));
        }
        if let Some(id) = self.service_id {
            out.push(("r.service_id = ", Arg::Int(id)));
        }
        if let Some(id) = self.professional_id {
            out.push(("r.professional_id = ", Arg::Int(id)));
        }
        if let Some(id) = self.customer_id {
            out.push(("r.customer_id = ", Arg::Int(id)));
        }
        if let Some(t) = &self.created_since {
            out.push(("r.created_at >= ", Arg::Time(*t)));
        }
        if let Some(t) = &self.created_before {
            out.push(("r.created_at < ", Arg::Time(*t)));
        }
        out
    }
}

/// Appends the admin list's WHERE clause for `f`.
pub fn push_filters<DB: Dialect>(q: &mut sqlx::QueryBuilder<'_, DB>, f: &RequestFilter) {
    q.push(" WHERE 1 = 1");
    for (condition, value) in f.conditions() {
        q.push(" AND ").push(condition);
        DB::push_arg(q, value);
    }
}

/// Most rows an admin list counts exactly; beyond it the total is reported as "at least".
pub const COUNT_CAP: i64 = 1_000;

/// The admin list's page query (shared with the query-plan check).
pub fn list_query<'a, DB: Dialect>(
    f: &RequestFilter,
    sort: RequestSortColumn,
    descending: bool,
    limit: i64,
    offset: i64,
) -> sqlx::QueryBuilder<'a, DB> {
    let dir = if descending { "DESC" } else { "ASC" };
    let order = format!(" ORDER BY {} {dir}, r.id {dir}", sort.sql());
    // PostgreSQL: the page of requests first, then the names of those 20 rows only, each by
    // its key (joining first looked up every skipped row's names too, and planning the
    // five-way join with the sort cost more than running it: 2.1 ms of planning for 0.8 ms
    // of execution a page at a million requests).
    let page_first = DB::ENGINE == Engine::Postgres;
    let mut q = sqlx::QueryBuilder::new(if page_first {
        format!("{PAGE_COLUMNS_PG} FROM (SELECT * FROM service_requests r")
    } else {
        row_select(DB::ENGINE)
    });
    push_filters(&mut q, f);
    q.push(&order).push(" LIMIT ");
    DB::push_arg(&mut q, Arg::Int(limit));
    q.push(" OFFSET ");
    DB::push_arg(&mut q, Arg::Int(offset));
    if page_first {
        q.push(") r").push(&order);
    }
    q
}

/// The admin list's capped count query (shared with the query-plan check).
pub fn count_query<'a, DB: Dialect>(f: &RequestFilter) -> sqlx::QueryBuilder<'a, DB> {
    let mut q = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM service_requests r");
    push_filters(&mut q, f);
    q.push(" LIMIT ");
    DB::push_arg(&mut q, Arg::Int(COUNT_CAP + 1));
    q.push(") capped");
    q
}

/// One page of requests matching the filter, and the number of matches counted up to
/// [`COUNT_CAP`] + 1 (so a result above the cap means "more than the cap"). Sorting is by an
/// allow-listed column with the id as tie-breaker, so pages are stable.
pub async fn list(
    pool: &super::Pool,
    f: &RequestFilter,
    sort: RequestSortColumn,
    descending: bool,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<RequestRow>, i64)> {
    on!(pool, |ex| {
        let mut ex = ex;
        let total: i64 = count_query(f)
            .build_query_scalar()
            .fetch_one(ex.re())
            .await?;
        let rows = list_query(f, sort, descending, limit, offset)
            .build_query_as()
            .fetch_all(ex)
            .await?;
        Ok((rows, total))
    })
}

/// A request's full record for the detail page.
#[derive(
    Debug,
    Clone,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::FromRow,
    PartialEq,
    Eq,
    schemars::JsonSchema,
)]
pub struct RequestRecord {
    pub id: i64,
    pub status: RequestStatus,
    pub service_id: i64,
    pub service_name: String,
    /// The price the request was booked at, in minor units.
    pub price_minor: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub professional_id: Option<i64>,
    pub professional_name: Option<String>,
    /// The professional's phone, only while the job is theirs and open (assigned/completed).
    pub professional_phone: Option<String>,
    pub scheduled_for: Timestamp,
    pub address: String,
    pub pincode: String,
    pub remarks: String,
    pub completion_note: Option<String>,
    pub created_at: Timestamp,
    pub assigned_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub cancelled_at: Option<Timestamp>,
    pub rating: Option<i64>,
    pub comment: Option<String>,
    pub customer_rating: Option<i64>,
    pub customer_comment: Option<String>,
}

/// One request with names and its review.
pub async fn find(ex: impl Into<Ex<'_>>, id: i64) -> sqlx::Result<Option<RequestRecord>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT r.id, r.status, r.service_id, s.name AS service_name, r.price_minor, r.customer_id,
                cu.full_name AS customer_name, r.professional_id, pu.full_name AS professional_name,
                CASE WHEN r.status IN ('assigned', 'completed') THEN pp.phone END AS professional_phone,
                r.scheduled_for, r.address, r.pincode, r.remarks, r.completion_note, r.created_at,
                r.assigned_at, r.completed_at, r.closed_at, r.cancelled_at,
                v.rating, v.comment, v.customer_rating, v.customer_comment
         FROM service_requests r
         JOIN services s ON s.id = r.service_id
         JOIN users cu ON cu.id = r.customer_id
         LEFT JOIN users pu ON pu.id = r.professional_id
         LEFT JOIN professionals pp ON pp.user_id = r.professional_id
         LEFT JOIN reviews v ON v.request_id = r.id
         WHERE r.id = $1",
        )
        .bind(id)
        .fetch_optional(ex)
        .await
    })
}

/// One entry of a request's history.
#[derive(
    Debug,
    Clone,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::FromRow,
    PartialEq,
    Eq,
    schemars::JsonSchema,
)]
pub struct RequestEvent {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub from_status: Option<RequestStatus>,
    pub to_status: RequestStatus,
    pub note: Option<String>,
    pub created_at: Timestamp,
}

/// A request's history, oldest first.
pub async fn history(ex: impl Into<Ex<'_>>, request_id: i64) -> sqlx::Result<Vec<RequestEvent>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT e.id, e.actor_id, u.full_name AS actor_name, e.from_status, e.to_status, e.note, e.created_at
         FROM request_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.request_id = $1 ORDER BY e.id",
        )
        .bind(request_id)
        .fetch_all(ex)
        .await
    })
}

/// Ids of a professional's assigned, unfinished requests.
pub async fn assigned_to(ex: impl Into<Ex<'_>>, professional_id: i64) -> sqlx::Result<Vec<i64>> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT id FROM service_requests WHERE professional_id = $1 AND status = 'assigned' ORDER BY id")
            .bind(professional_id)
            .fetch_all(ex)
            .await
    })
}

/// A guarded status change: applies only if the request is still in `from` (and, when given,
/// still belongs to that customer / professional). Returns whether it applied.
#[derive(Debug)]
pub struct Transition<'a> {
    pub id: i64,
    pub from: RequestStatus,
    pub to: RequestStatus,
    /// Required owner on the customer side.
    pub customer_id: Option<i64>,
    /// Required current professional.
    pub professional_id: Option<i64>,
    /// Sets the professional (accept).
    pub assign_to: Option<i64>,
    /// Clears the professional and the assignment time (release to the open pool).
    pub unassign: bool,
    pub completion_note: Option<&'a str>,
    pub now: Timestamp,
}

/// Applies a [`Transition`] as one UPDATE.
pub async fn transition(ex: impl Into<Ex<'_>>, t: &Transition<'_>) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        // The timestamp column comes from this allow-list, never from input.
        let stamp = match t.to {
            RequestStatus::Assigned => Some("assigned_at"),
            RequestStatus::Completed => Some("completed_at"),
            RequestStatus::Closed => Some("closed_at"),
            RequestStatus::Cancelled => Some("cancelled_at"),
            RequestStatus::Requested | RequestStatus::Rejected | RequestStatus::Expired => None,
        };
        let mut q = sqlx::QueryBuilder::new("UPDATE service_requests SET status = ");
        q.push_bind(t.to).push(", updated_at = ").push_bind(t.now);
        if let Some(col) = stamp {
            q.push(format_args!(", {col} = ")).push_bind(t.now);
        }
        if let Some(p) = t.assign_to {
            q.push(", professional_id = ").push_bind(p);
        }
        if t.unassign {
            q.push(", professional_id = NULL, assigned_at = NULL");
        }
        if let Some(note) = t.completion_note {
            q.push(", completion_note = ").push_bind(note);
        }
        q.push(" WHERE id = ")
            .push_bind(t.id)
            .push(" AND status = ")
            .push_bind(t.from);
        if let Some(c) = t.customer_id {
            q.push(" AND customer_id = ").push_bind(c);
        }
        if let Some(p) = t.professional_id {
            q.push(" AND professional_id = ").push_bind(p);
        }
        Ok(q.build().execute(ex).await?.rows_affected() == 1)
    })
}

/// The fields the lifecycle checks before a transition.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestState {
    pub id: i64,
    pub status: RequestStatus,
    pub service_id: i64,
    pub customer_id: i64,
    pub professional_id: Option<i64>,
    pub pincode: String,
    /// The visit time (stored UTC timestamp).
    pub scheduled_for: Timestamp,
    /// How long the visit holds its professional.
    pub duration_minutes: i64,
}

/// A request's current state.
pub async fn state(ex: impl Into<Ex<'_>>, id: i64) -> sqlx::Result<Option<RequestState>> {
    on!(ex, |ex| {
        sqlx::query_as("SELECT id, status, service_id, customer_id, professional_id, pincode, scheduled_for, duration_minutes FROM service_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(ex)
            .await
    })
}

/// Records that a professional declined an open request (hidden from their feed).
pub async fn decline(
    ex: impl Into<Ex<'_>>,
    id: i64,
    professional_id: i64,
    now: Timestamp,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO request_rejections (request_id, professional_id, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (request_id, professional_id) DO NOTHING",
        )
        .bind(id)
        .bind(professional_id)
        .bind(now)
        .execute(ex)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Whether a professional declined a request.
pub async fn declined_by(
    ex: impl Into<Ex<'_>>,
    id: i64,
    professional_id: i64,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM request_rejections WHERE request_id = $1 AND professional_id = $2)")
            .bind(id)
            .bind(professional_id)
            .fetch_one(ex)
            .await
    })
}

/// Edits an open request (customer, while `requested`); returns whether it applied.
pub async fn edit_open(
    ex: impl Into<Ex<'_>>,
    id: i64,
    customer_id: i64,
    scheduled_for: Timestamp,
    address: &str,
    remarks: &str,
    now: Timestamp,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE service_requests SET scheduled_for = $1, address = $2, remarks = $3, updated_at = $4
         WHERE id = $5 AND customer_id = $6 AND status = 'requested'",
        )
        .bind(scheduled_for)
        .bind(address)
        .bind(remarks)
        .bind(now)
        .bind(id)
        .bind(customer_id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// The customer list query for a scope ($1 customer, $2 limit, $3 offset).
pub fn customer_list_sql(past: Option<bool>, engine: Engine) -> String {
    let scope = match past {
        Some(true) => " AND r.status IN ('closed', 'cancelled', 'rejected')",
        Some(false) => " AND r.status IN ('requested', 'assigned', 'completed')",
        None => "",
    };
    format!("{} WHERE r.customer_id = $1{scope} ORDER BY r.created_at DESC, r.id DESC LIMIT $2 OFFSET $3", row_select(engine))
}

/// A customer's requests, newest first, current (`requested`/`assigned`/`completed`) or past.
pub async fn list_for_customer(
    ex: impl Into<Ex<'_>>,
    customer_id: i64,
    past: Option<bool>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<RequestRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&customer_list_sql(past, ex.engine()))
            .bind(customer_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(ex)
            .await
    })
}

/// An open request as a professional's feed shows it: no customer contact details.
#[derive(
    Debug,
    Clone,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::FromRow,
    PartialEq,
    Eq,
    schemars::JsonSchema,
)]
pub struct FeedItem {
    pub id: i64,
    pub service_name: String,
    pub scheduled_for: Timestamp,
    pub duration_minutes: i64,
    pub pincode: String,
    pub remarks: String,
    pub created_at: Timestamp,
}

/// The feed query ($1 service, $2 pincode, $3 professional, $4 limit, $5 offset).
pub const FEED_SQL: &str = "SELECT r.id, s.name AS service_name, r.scheduled_for, r.duration_minutes, r.pincode, r.remarks, r.created_at
         FROM service_requests r JOIN services s ON s.id = r.service_id
         WHERE r.service_id = $1 AND r.status = 'requested' AND r.pincode = $2
           AND NOT EXISTS (SELECT 1 FROM request_rejections x WHERE x.request_id = r.id AND x.professional_id = $3)
         ORDER BY r.created_at, r.id
         LIMIT $4 OFFSET $5";

/// Open requests for a service in a pincode, not declined by this professional, oldest first.
pub async fn feed(
    ex: impl Into<Ex<'_>>,
    professional_id: i64,
    service_id: i64,
    pincode: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<FeedItem>> {
    on!(ex, |ex| {
        sqlx::query_as(FEED_SQL)
            .bind(service_id)
            .bind(pincode)
            .bind(professional_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(ex)
            .await
    })
}

/// A job as its professional sees it; the customer's contact only while the job is theirs
/// and not yet closed.
#[derive(
    Debug,
    Clone,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::FromRow,
    PartialEq,
    Eq,
    schemars::JsonSchema,
)]
pub struct JobItem {
    pub id: i64,
    pub status: RequestStatus,
    pub service_name: String,
    pub scheduled_for: Timestamp,
    pub pincode: String,
    pub remarks: String,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub address: Option<String>,
    pub completion_note: Option<String>,
    pub rating: Option<i64>,
    pub customer_rating: Option<i64>,
    /// Assigned, and the visit time has passed without the job being marked completed.
    pub overdue: bool,
}

/// The jobs query with its ORDER BY ($1 professional, $2 status or NULL, $3 limit, $4 offset,
/// $5 now: an assigned job whose visit time has passed is `overdue`).
macro_rules! jobs_sql {
    ($order:literal) => {
        concat!(
            "SELECT r.id, r.status, s.name AS service_name, r.scheduled_for, r.pincode, r.remarks,
                cu.full_name AS customer_name,
                CASE WHEN r.status IN ('assigned', 'completed') THEN c.phone END AS customer_phone,
                CASE WHEN r.status IN ('assigned', 'completed') THEN r.address END AS address,
                r.completion_note, v.rating, v.customer_rating,
                (r.status = 'assigned' AND r.scheduled_for < $5) AS overdue
         FROM service_requests r
         JOIN services s ON s.id = r.service_id
         JOIN users cu ON cu.id = r.customer_id
         JOIN customers c ON c.user_id = r.customer_id
         LEFT JOIN reviews v ON v.request_id = r.id
         WHERE r.professional_id = $1 AND ($2 IS NULL OR r.status = $2)
         ORDER BY ",
            $order,
            " LIMIT $3 OFFSET $4"
        )
    };
}

/// Jobs still to do, the next visit first (overdue ones lead).
pub const UPCOMING_JOBS_SQL: &str = jobs_sql!("r.scheduled_for ASC, r.id ASC");
/// Any other jobs, the latest visit first.
pub const PAST_JOBS_SQL: &str = jobs_sql!("r.scheduled_for DESC, r.id DESC");

/// A professional's jobs in a status (or all of theirs), by visit time: assigned jobs the
/// soonest first, the others the latest first.
pub async fn jobs_for_professional(
    ex: impl Into<Ex<'_>>,
    professional_id: i64,
    status: Option<RequestStatus>,
    now: Timestamp,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<JobItem>> {
    on!(ex, |ex| {
        let sql = if status == Some(RequestStatus::Assigned) {
            UPCOMING_JOBS_SQL
        } else {
            PAST_JOBS_SQL
        };
        sqlx::query_as(sql)
            .bind(professional_id)
            .bind(status)
            .bind(limit)
            .bind(offset)
            .bind(now)
            .fetch_all(ex)
            .await
    })
}

/// Number of requests.
pub async fn count_all(ex: impl Into<Ex<'_>>) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT COUNT(*) FROM service_requests")
            .fetch_one(ex)
            .await
    })
}

/// Sets (or, with `None`, clears) a request's completion code and forgets wrong tries.
pub async fn set_completion_code(
    ex: impl Into<Ex<'_>>,
    id: i64,
    code: Option<&str>,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE service_requests SET completion_code = $2, code_failures = 0, code_locked_until = NULL
             WHERE id = $1",
        )
        .bind(id)
        .bind(code)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// A request's completion code, wrong tries in a row, and the end of its lock-out.
pub async fn completion_code(
    ex: impl Into<Ex<'_>>,
    id: i64,
) -> sqlx::Result<Option<(Option<String>, i64, Option<Timestamp>)>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT completion_code, code_failures, code_locked_until FROM service_requests WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(ex)
        .await
    })
}

/// Records wrong tries of a completion code (and a lock-out, when one starts).
pub async fn set_code_failures(
    ex: impl Into<Ex<'_>>,
    id: i64,
    failures: i64,
    locked_until: Option<Timestamp>,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE service_requests SET code_failures = $2, code_locked_until = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(failures)
        .bind(locked_until)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Open requests whose visit time has passed (the expiry sweep), oldest visit first.
pub async fn overdue_open(
    ex: impl Into<Ex<'_>>,
    now: Timestamp,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "SELECT id FROM service_requests WHERE status = 'requested' AND scheduled_for <= $1
             ORDER BY scheduled_for, id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(ex)
        .await
    })
}

/// Marks an open request expired; false when it is no longer open (another sweep won).
pub async fn expire(ex: impl Into<Ex<'_>>, id: i64, now: Timestamp) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        Ok(sqlx::query(
            "UPDATE service_requests SET status = 'expired', updated_at = $2
             WHERE id = $1 AND status = 'requested' AND scheduled_for <= $2",
        )
        .bind(id)
        .bind(now)
        .execute(ex)
        .await?
        .rows_affected()
            == 1)
    })
}
