//! `export_jobs` and the streamed SELECTs behind each export kind.
//!
//! On SQLite, export rows are read through a plain SQLite connection (rusqlite) on a
//! blocking thread rather than the async pool: each row is then formatted straight from
//! SQLite's buffers, without the per-row copy and channel hand-over of sqlx's worker thread,
//! which made exports about twice as slow as the `sqlite3` CLI. On PostgreSQL the rows are
//! streamed from the server one at a time (never collected) on the same blocking thread.

use super::requests::{push_filters, RequestFilter};
use super::{on, Arg, Engine, Ex};
use crate::domain::{ExportKind, ExportStatus};
use crate::timestamp::Timestamp;
use rusqlite::types::{ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A row of `export_jobs` with the requester's name.
#[derive(
    Debug, Clone, Serialize, Deserialize, Type, sqlx::FromRow, PartialEq, Eq, schemars::JsonSchema,
)]
pub struct ExportJobRow {
    pub id: i64,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub kind: ExportKind,
    /// The filters as JSON.
    pub filters: String,
    pub status: ExportStatus,
    pub rows_written: i64,
    pub rows_total: Option<i64>,
    pub file_path: Option<String>,
    pub file_size: Option<i64>,
    pub error: Option<String>,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
}

const SELECT: &str = "SELECT j.id, j.requested_by, u.full_name AS requested_by_name, j.kind, j.filters, j.status,
        j.rows_written, j.rows_total, j.file_path, j.file_size, j.error, j.created_at, j.started_at, j.finished_at
    FROM export_jobs j JOIN users u ON u.id = j.requested_by";

/// Queues a job; returns its id.
pub async fn insert(
    ex: impl Into<Ex<'_>>,
    requested_by: i64,
    kind: ExportKind,
    filters: &str,
    file_path: &str,
    now: Timestamp,
    client_key: Option<&str>,
) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "INSERT INTO export_jobs (requested_by, kind, filters, status, file_path, created_at, client_key)
         VALUES ($1, $2, $3, 'queued', $4, $5, $6) RETURNING id",
        )
        .bind(requested_by)
        .bind(kind)
        .bind(filters)
        .bind(file_path)
        .bind(now)
        .bind(client_key)
        .fetch_one(ex)
        .await
    })
}

/// The job an admin's earlier attempt with `key` started, if any.
pub async fn by_client_key(
    ex: impl Into<Ex<'_>>,
    requested_by: i64,
    key: &str,
) -> sqlx::Result<Option<i64>> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT id FROM export_jobs WHERE requested_by = $1 AND client_key = $2")
            .bind(requested_by)
            .bind(key)
            .fetch_optional(ex)
            .await
    })
}

/// One job.
pub async fn get(ex: impl Into<Ex<'_>>, id: i64) -> sqlx::Result<Option<ExportJobRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!("{SELECT} WHERE j.id = $1"))
            .bind(id)
            .fetch_optional(ex)
            .await
    })
}

/// Jobs, newest first.
pub async fn list(
    ex: impl Into<Ex<'_>>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ExportJobRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!("{SELECT} ORDER BY j.id DESC LIMIT $1 OFFSET $2"))
            .bind(limit)
            .bind(offset)
            .fetch_all(ex)
            .await
    })
}

/// `queued -> running` with the number of rows to write.
pub async fn mark_running(
    ex: impl Into<Ex<'_>>,
    id: i64,
    total: i64,
    now: Timestamp,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query("UPDATE export_jobs SET status = 'running', rows_total = $1, started_at = $2 WHERE id = $3 AND status = 'queued'")
            .bind(total)
            .bind(now)
            .bind(id)
            .execute(ex)
            .await
            .map(|r| r.rows_affected() == 1)
    })
}

/// Records progress of a running job.
pub async fn progress(ex: impl Into<Ex<'_>>, id: i64, rows: i64) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query("UPDATE export_jobs SET rows_written = $1 WHERE id = $2 AND status = 'running'")
            .bind(rows)
            .bind(id)
            .execute(ex)
            .await
            .map(|_| ())
    })
}

/// Ends a job in `succeeded`, `failed` or `cancelled`.
pub async fn finish(
    ex: impl Into<Ex<'_>>,
    id: i64,
    status: ExportStatus,
    rows: i64,
    file_size: Option<i64>,
    error: Option<&str>,
    now: Timestamp,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE export_jobs SET status = $1, rows_written = $2, file_size = $3, error = $4, finished_at = $5
         WHERE id = $6 AND status IN ('queued', 'running')",
        )
        .bind(status)
        .bind(rows)
        .bind(file_size)
        .bind(error)
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Jobs a crash left queued or running (created before `created_before`; `None`: all):
/// marked failed; returns their ids and target paths.
pub async fn fail_interrupted(
    ex: impl Into<Ex<'_>>,
    now: Timestamp,
    created_before: Option<Timestamp>,
) -> sqlx::Result<Vec<(i64, Option<String>)>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "UPDATE export_jobs SET status = 'failed', finished_at = $1,
                error = 'The app closed before this export finished; no file was written. Please run it again.'
             WHERE status IN ('queued', 'running') AND ($2 IS NULL OR created_at < $2)
             RETURNING id, file_path",
        )
        .bind(now)
        .bind(created_before)
        .fetch_all(ex)
        .await
    })
}

/// Closed requests, the original report: one row per closed request with its review.
pub const CLOSED_REQUESTS_SQL: &str =
    "SELECT r.id, s.name, cu.full_name, cu.email, pu.full_name, r.created_at,
        r.completed_at, r.closed_at, r.remarks, v.rating, v.comment, r.price_minor
    FROM service_requests r
    JOIN services s ON s.id = r.service_id
    JOIN users cu ON cu.id = r.customer_id
    LEFT JOIN users pu ON pu.id = r.professional_id
    LEFT JOIN reviews v ON v.request_id = r.id
    WHERE r.status = 'closed'
    ORDER BY r.id";

/// All requests (filters appended by the caller through a QueryBuilder).
pub const REQUESTS_SELECT: &str =
    "SELECT r.id, r.status, s.name, cu.full_name, pu.full_name, r.scheduled_for,
        r.address, r.pincode, r.remarks, r.created_at, r.assigned_at, r.completed_at, r.closed_at,
        r.cancelled_at, v.rating, r.price_minor
    FROM service_requests r
    JOIN services s ON s.id = r.service_id
    JOIN users cu ON cu.id = r.customer_id
    LEFT JOIN users pu ON pu.id = r.professional_id
    LEFT JOIN reviews v ON v.request_id = r.id";

/// Professionals with their rating and job counts (`{avg}`: the engine's rounded average
/// of `rating_sum` / `rating_count`, see [`export_sql`]).
const PROFESSIONALS_SQL: &str = "SELECT u.id, u.full_name, u.username, u.email, p.phone, p.pincode, s.name,
        p.experience_years, p.verification_status, u.status,
        CASE WHEN p.rating_count > 0 THEN {avg:p} END,
        p.rating_count,
        (SELECT COUNT(*) FROM service_requests r WHERE r.professional_id = u.id AND r.status IN ('completed', 'closed')),
        u.created_at
    FROM professionals p JOIN users u ON u.id = p.user_id JOIN services s ON s.id = p.service_id
    ORDER BY u.id";

/// Customers with their request counts and the professionals' rating of them.
const CUSTOMERS_SQL: &str =
    "SELECT u.id, u.full_name, u.username, u.email, c.phone, c.address, c.pincode, u.status,
        (SELECT COUNT(*) FROM service_requests r WHERE r.customer_id = u.id),
        CASE WHEN c.rating_count > 0 THEN {avg:c} END,
        c.rating_count, u.created_at
    FROM customers c JOIN users u ON u.id = c.user_id
    ORDER BY u.id";

/// Every receipt, by number (the business's copy of what it issued).
const RECEIPTS_SQL: &str = "SELECT number, request_id, issued_at, business_name, customer_name,
        professional_name, service_name, visit_at, base_minor, extras_minor, total_minor,
        payment_method, payment_reference
    FROM receipts
    ORDER BY number";

/// Number of rows an export of `kind` writes (with the admin list's filters for `requests`),
/// for its progress bar.
pub async fn count_rows(
    ex: impl Into<Ex<'_>>,
    kind: ExportKind,
    filter: &RequestFilter,
) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        let mut q = sqlx::QueryBuilder::new(match kind {
            ExportKind::ClosedRequests => {
                "SELECT COUNT(*) FROM service_requests r WHERE r.status = 'closed'"
            }
            ExportKind::Professionals => "SELECT COUNT(*) FROM professionals",
            ExportKind::Customers => "SELECT COUNT(*) FROM customers",
            ExportKind::Receipts => "SELECT COUNT(*) FROM receipts",
            ExportKind::Requests => "SELECT COUNT(*) FROM service_requests r",
        });
        if kind == ExportKind::Requests {
            push_filters(&mut q, filter);
        }
        q.build_query_scalar().fetch_one(ex).await
    })
}

/// The SELECT of an export of `kind` on `engine`, with `$n` placeholders, and the values to
/// bind (the admin list's filters, for `requests`).
pub fn export_sql(kind: ExportKind, engine: Engine, f: &RequestFilter) -> (String, Vec<Arg>) {
    // Rounded half away from zero to 2 places on both engines (PostgreSQL's ROUND takes a
    // NUMERIC, then back to a double for the reader).
    let avg = |t: &str| match engine {
        Engine::Sqlite => {
            format!("ROUND(CAST({t}.rating_sum AS DOUBLE PRECISION) / {t}.rating_count, 2)")
        }
        Engine::Postgres => format!(
            "CAST(ROUND(CAST({t}.rating_sum AS NUMERIC) / {t}.rating_count, 2) AS DOUBLE PRECISION)"
        ),
    };
    match kind {
        ExportKind::ClosedRequests => (CLOSED_REQUESTS_SQL.to_owned(), vec![]),
        ExportKind::Professionals => (PROFESSIONALS_SQL.replace("{avg:p}", &avg("p")), vec![]),
        ExportKind::Customers => (CUSTOMERS_SQL.replace("{avg:c}", &avg("c")), vec![]),
        ExportKind::Receipts => (RECEIPTS_SQL.to_owned(), vec![]),
        ExportKind::Requests => requests_sql(f),
    }
}

/// The `requests` export's SELECT for `f`, with `$n` placeholders, and the values to bind.
fn requests_sql(f: &RequestFilter) -> (String, Vec<Arg>) {
    let mut sql = String::from(REQUESTS_SELECT);
    sql.push_str(" WHERE 1 = 1");
    let mut params = Vec::new();
    for (n, (condition, value)) in f.conditions().into_iter().enumerate() {
        let _ = write!(sql, " AND {condition}${}", n + 1);
        params.push(value);
    }
    sql.push_str(" ORDER BY r.id");
    (sql, params)
}

impl rusqlite::ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Arg::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Arg::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Arg::Time(t) => ToSqlOutput::Owned(rusqlite::types::Value::Text(t.to_string())),
        })
    }
}

/// One cell of an export row, borrowed from the engine's buffer where it can be.
#[derive(Debug)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, [u8]>),
    /// A time, written as SQLite stores it (`2026-11-21T09:00:00Z`).
    Time(Timestamp),
}

/// An export row of either engine, read cell by cell.
pub trait Cells {
    /// The cell in column `i`.
    fn cell(&self, i: usize) -> Result<Cell<'_>, CellError>;
}

/// A cell could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CellError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Postgres(#[from] sqlx::Error),
}

impl Cells for rusqlite::Row<'_> {
    fn cell(&self, i: usize) -> Result<Cell<'_>, CellError> {
        Ok(match self.get_ref(i)? {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(v) => Cell::Int(v),
            ValueRef::Real(v) => Cell::Real(v),
            ValueRef::Text(t) | ValueRef::Blob(t) => Cell::Text(Cow::Borrowed(t)),
        })
    }
}

impl Cells for sqlx::postgres::PgRow {
    fn cell(&self, i: usize) -> Result<Cell<'_>, CellError> {
        use sqlx::postgres::Postgres;
        use sqlx::{Decode, Row, TypeInfo, ValueRef as _};
        let raw = self.try_get_raw(i)?;
        if raw.is_null() {
            return Ok(Cell::Null);
        }
        // By type OID (the row's own column types), decoded straight from the buffer: the
        // checked getters compared type names for every cell.
        let decoded = |e| CellError::Postgres(sqlx::Error::Decode(e));
        let oid = raw.type_info().oid().map(|o| o.0);
        Ok(match oid {
            Some(PG_INT8) => Cell::Int(<i64 as Decode<Postgres>>::decode(raw).map_err(decoded)?),
            Some(PG_INT4) => Cell::Int(
                <i32 as Decode<Postgres>>::decode(raw)
                    .map_err(decoded)?
                    .into(),
            ),
            Some(PG_FLOAT8) => Cell::Real(<f64 as Decode<Postgres>>::decode(raw).map_err(decoded)?),
            Some(PG_BOOL) => Cell::Int(
                <bool as Decode<Postgres>>::decode(raw)
                    .map_err(decoded)?
                    .into(),
            ),
            Some(PG_TIMESTAMPTZ) => {
                Cell::Time(<Timestamp as Decode<Postgres>>::decode(raw).map_err(decoded)?)
            }
            _ if raw.type_info().name() == "BYTEA" => Cell::Text(Cow::Borrowed(
                <&[u8] as Decode<Postgres>>::decode(raw).map_err(decoded)?,
            )),
            _ => Cell::Text(Cow::Borrowed(
                <&str as Decode<Postgres>>::decode(raw)
                    .map_err(decoded)?
                    .as_bytes(),
            )),
        })
    }
}

/// PostgreSQL's built-in type OIDs of the columns exports read.
const PG_BOOL: u32 = 16;
const PG_INT8: u32 = 20;
const PG_INT4: u32 = 23;
const PG_FLOAT8: u32 = 701;
const PG_TIMESTAMPTZ: u32 = 1184;

/// Where an export reads its rows: the SQLite file (its own read-only connection) or the
/// PostgreSQL pool.
#[derive(Debug, Clone)]
pub enum Source {
    Sqlite(PathBuf),
    Postgres(sqlx::PgPool),
}

impl Source {
    /// The source of the database behind `pool` (`db`: the SQLite file).
    pub fn of(pool: &super::Pool, db: &Path) -> Source {
        match pool {
            super::Pool::Sqlite(_) => Source::Sqlite(db.to_owned()),
            super::Pool::Postgres(p) => Source::Postgres(p.clone()),
        }
    }
}

/// What consumes export rows: called with every row in order until it returns `Ok(false)`.
/// Generic over the row type, so each engine's rows are formatted without dynamic dispatch
/// (a per-cell virtual call made the SQLite export 40 % slower).
pub trait RowSink {
    /// The error the sink's rows can fail with.
    type Error: From<rusqlite::Error> + From<sqlx::Error>;
    /// Takes one row; `Ok(false)` stops the reading.
    fn row(&mut self, row: &impl Cells) -> Result<bool, Self::Error>;
}

/// Runs an export SELECT into `sink`. Blocking: call it from a blocking thread of the
/// runtime. Both engines read one consistent snapshot while the app keeps writing (SQLite's
/// WAL; PostgreSQL's statement snapshot).
pub fn for_each_row<S: RowSink>(
    source: &Source,
    sql: &str,
    params: &[Arg],
    sink: &mut S,
) -> Result<(), S::Error> {
    match source {
        Source::Sqlite(db) => sqlite_rows(db, sql, params, |row| sink.row(row)),
        Source::Postgres(pool) => {
            use futures_util::TryStreamExt;
            tokio::runtime::Handle::current().block_on(async {
                let mut q = sqlx::query(sql);
                for p in params {
                    q = match p {
                        Arg::Text(s) => q.bind(s.as_str()),
                        Arg::Int(i) => q.bind(*i),
                        Arg::Time(t) => q.bind(*t),
                    };
                }
                let mut rows = q.fetch(pool);
                while let Some(row) = rows.try_next().await? {
                    if !sink.row(&row)? {
                        break;
                    }
                }
                Ok(())
            })
        }
    }
}

/// Runs an export SELECT on its own read-only connection to the SQLite file at `db`.
/// WAL lets it read a consistent snapshot while the app keeps writing.
fn sqlite_rows<E: From<rusqlite::Error>>(
    db: &Path,
    sql: &str,
    params: &[Arg],
    mut each: impl FnMut(&rusqlite::Row<'_>) -> Result<bool, E>,
) -> Result<(), E> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    while let Some(row) = rows.next()? {
        if !each(row)? {
            break;
        }
    }
    Ok(())
}
