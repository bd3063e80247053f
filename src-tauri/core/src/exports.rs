//! Admin CSV exports as tracked background jobs: streamed from SQLite to the csv writer
//! through a buffered temp file in the target folder, fsynced and renamed only when complete,
//! so a crashed, cancelled or failed export never leaves a partial file under the chosen name.

use crate::admin::requests::RequestQuery;
use crate::clock::{to_db, Clock};
use crate::domain::{RequestStatus, Role};
use crate::error::{AppError, AppResult};
use crate::session::Actor;
use crate::store::{self, exports::ExportJobRow, requests::RequestFilter};
use crate::App;
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::{Row, SqlitePool};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// Closed service requests with their reviews (the original report).
    ClosedRequests,
    /// All requests matching the admin list's filters.
    Requests,
    Professionals,
    Customers,
}

impl ExportKind {
    /// The value stored in `export_jobs.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClosedRequests => "closed_requests",
            Self::Requests => "requests",
            Self::Professionals => "professionals",
            Self::Customers => "customers",
        }
    }

    /// A file name to suggest in the save dialog.
    pub fn suggested_file_name(self, today: &str) -> String {
        format!("{}-{today}.csv", self.as_str().replace('_', "-"))
    }
}

/// The filters of a `requests` export (the admin list's); ignored for other kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ExportFilters {
    pub status: Option<RequestStatus>,
    pub service_id: Option<i64>,
    pub professional_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub created_from: Option<String>,
    pub created_to: Option<String>,
}

/// Something the shell should tell the user about.
#[derive(Debug, Clone)]
pub enum ExportEvent {
    /// A job ended (succeeded, failed or cancelled).
    Finished(ExportJobRow),
}

/// Live jobs' cancel flags and the channel that announces finished jobs.
#[derive(Debug)]
pub struct ExportRegistry {
    cancels: Mutex<HashMap<i64, Arc<AtomicBool>>>,
    events: tokio::sync::broadcast::Sender<ExportEvent>,
}

impl Default for ExportRegistry {
    fn default() -> Self {
        ExportRegistry {
            cancels: Mutex::new(HashMap::new()),
            events: tokio::sync::broadcast::channel(64).0,
        }
    }
}

impl ExportRegistry {
    /// Subscribes to finished-job announcements.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<ExportEvent> {
        self.events.subscribe()
    }

    fn register(&self, id: i64) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        self.cancels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, flag.clone());
        flag
    }

    fn forget(&self, id: i64) {
        self.cancels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
    }

    fn cancel(&self, id: i64) -> bool {
        match self
            .cancels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
        {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }
}

/// Rows between progress updates and cancel checks.
const PROGRESS_EVERY: i64 = 5_000;

/// Neutralises spreadsheet formulas (OWASP CSV injection): a cell starting with `=`, `+`,
/// `-`, `@`, tab or carriage return gets a leading apostrophe.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Money in minor units as a decimal string ("499.00").
pub fn money(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    format!("{sign}{}.{:02}", m / 100, m % 100)
}

/// The header row of each kind.
pub fn header(kind: ExportKind) -> &'static [&'static str] {
    match kind {
        ExportKind::ClosedRequests => &[
            "request_id",
            "service",
            "customer",
            "customer_email",
            "professional",
            "requested_at",
            "completed_at",
            "closed_at",
            "remarks",
            "rating",
            "review_comment",
            "base_price",
        ],
        ExportKind::Requests => &[
            "request_id",
            "status",
            "service",
            "customer",
            "professional",
            "scheduled_for",
            "address",
            "pincode",
            "remarks",
            "requested_at",
            "assigned_at",
            "completed_at",
            "closed_at",
            "cancelled_at",
            "rating",
            "base_price",
        ],
        ExportKind::Professionals => &[
            "user_id",
            "full_name",
            "username",
            "email",
            "phone",
            "pincode",
            "service",
            "experience_years",
            "verification_status",
            "account_status",
            "rating_avg",
            "rating_count",
            "completed_jobs",
            "registered_at",
        ],
        ExportKind::Customers => &[
            "user_id",
            "full_name",
            "username",
            "email",
            "phone",
            "address",
            "pincode",
            "account_status",
            "requests",
            "rating_avg",
            "rating_count",
            "registered_at",
        ],
    }
}

/// How a column is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    /// Integer (ids, counts, ratings); empty when NULL.
    Int,
    /// Real number with two decimals; empty when NULL.
    Real,
    /// Text, formula-neutralised; empty when NULL.
    Text,
    /// Minor units written as a decimal amount.
    Money,
}

/// The column types of each kind, in header order (decoding by known type avoids trying
/// several types per cell).
fn columns(kind: ExportKind) -> &'static [Col] {
    use Col::*;
    match kind {
        ExportKind::ClosedRequests => &[
            Int, Text, Text, Text, Text, Text, Text, Text, Text, Int, Text, Money,
        ],
        ExportKind::Requests => &[
            Int, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Int,
            Money,
        ],
        ExportKind::Professionals => &[
            Int, Text, Text, Text, Text, Text, Text, Int, Text, Text, Real, Int, Int, Text,
        ],
        ExportKind::Customers => &[
            Int, Text, Text, Text, Text, Text, Text, Text, Int, Real, Int, Text,
        ],
    }
}

/// Writes one database row as a CSV record: text neutralised, money as decimal.
fn write_row<W: std::io::Write>(
    writer: &mut csv::Writer<W>,
    kind: ExportKind,
    row: &sqlx::sqlite::SqliteRow,
    scratch: &mut String,
) -> AppResult<()> {
    use std::fmt::Write as _;
    for (i, col) in columns(kind).iter().enumerate() {
        scratch.clear();
        match col {
            Col::Int => {
                if let Some(v) = row.try_get::<Option<i64>, _>(i)? {
                    let _ = write!(scratch, "{v}");
                }
            }
            Col::Real => {
                if let Some(v) = row.try_get::<Option<f64>, _>(i)? {
                    let _ = write!(scratch, "{v:.2}");
                }
            }
            Col::Money => scratch.push_str(&money(row.try_get::<i64, _>(i)?)),
            Col::Text => {
                if let Some(v) = row.try_get::<Option<&str>, _>(i)? {
                    scratch.push_str(&neutralise(v));
                }
            }
        }
        writer.write_field(scratch.as_bytes()).map_err(csv_error)?;
    }
    writer.write_record(None::<&[u8]>).map_err(csv_error)
}

fn request_filter(f: &ExportFilters) -> RequestFilter<'_> {
    RequestFilter {
        status: f.status.map(RequestStatus::as_str),
        service_id: f.service_id,
        professional_id: f.professional_id,
        customer_id: f.customer_id,
        created_from: f.created_from.as_deref(),
        created_to: f.created_to.as_deref(),
    }
}

fn validate_filters(kind: ExportKind, f: &ExportFilters) -> AppResult<ExportFilters> {
    if kind != ExportKind::Requests {
        return Ok(ExportFilters::default());
    }
    // Same date rules as the admin list.
    let q = RequestQuery {
        created_from: f.created_from.clone(),
        created_to: f.created_to.clone(),
        ..Default::default()
    };
    let (from, to) = crate::admin::requests::parse_dates(&q)?;
    Ok(ExportFilters {
        created_from: from,
        created_to: to,
        ..f.clone()
    })
}

/// The temp file an export writes before the rename.
pub fn temp_path(target: &Path, job_id: i64) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export.csv".into());
    target.with_file_name(format!(".{name}.{job_id}.partial"))
}

/// Starts an export to `target` (a path the native save dialog returned, never one from the
/// page) and returns the job id; the work runs on a background task.
pub async fn start(
    app: &App,
    actor: &Actor,
    kind: ExportKind,
    filters: ExportFilters,
    target: PathBuf,
) -> AppResult<i64> {
    actor.require(Role::Admin)?;
    let filters = validate_filters(kind, &filters)?;
    if !target.is_absolute() || target.file_name().is_none() {
        return Err(AppError::validation(
            "target",
            "Choose where to save the file.",
        ));
    }
    let now = to_db(app.clock.now());
    let filters_json = serde_json::to_string(&filters).map_err(AppError::internal)?;
    let id = store::exports::insert(
        &app.pool,
        actor.user_id,
        kind.as_str(),
        &filters_json,
        &target.to_string_lossy(),
        &now,
    )
    .await?;
    store::audit::append(
        &app.pool,
        Some(actor.user_id),
        "export.started",
        "export",
        Some(id),
        kind.as_str(),
        &now,
    )
    .await?;
    let cancel = app.exports.register(id);
    let job = Job {
        id,
        kind,
        filters,
        target,
        pool: app.pool.clone(),
        clock: app.clock.clone(),
        cancel,
    };
    let registry = app.exports.clone();
    tokio::spawn(async move {
        let pool = job.pool.clone();
        run_and_record(job).await;
        registry.forget(id);
        if let Ok(Some(row)) = store::exports::get(&pool, id).await {
            // Nobody listening (tests, no window) is fine.
            let _ = registry.events.send(ExportEvent::Finished(row));
        }
    });
    Ok(id)
}

struct Job {
    id: i64,
    kind: ExportKind,
    filters: ExportFilters,
    target: PathBuf,
    pool: SqlitePool,
    clock: Arc<dyn Clock>,
    cancel: Arc<AtomicBool>,
}

enum Outcome {
    Done { rows: i64, size: u64 },
    Cancelled { rows: i64 },
}

async fn run_and_record(job: Job) {
    {
        let tmp = temp_path(&job.target, job.id);
        let result = run(&job, &tmp).await;
        let now = to_db(job.clock.now());
        let (status, rows, size, error) = match result {
            Ok(Outcome::Done { rows, size }) => (
                "succeeded",
                rows,
                Some(i64::try_from(size).unwrap_or(i64::MAX)),
                None,
            ),
            Ok(Outcome::Cancelled { rows }) => ("cancelled", rows, None, None),
            Err(e) => {
                tracing::warn!(job = job.id, error = %e, "export failed");
                let message = match &e {
                    AppError::Internal(detail) => detail.clone(),
                    other => other.to_string(),
                };
                ("failed", 0, None, Some(message))
            }
        };
        if status != "succeeded" {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        if let Err(e) = store::exports::finish(
            &job.pool,
            job.id,
            status,
            rows,
            size,
            error.as_deref(),
            &now,
        )
        .await
        {
            tracing::error!(job = job.id, error = %e, "could not record the end of an export");
        }
    }
}

async fn run(job: &Job, tmp: &Path) -> AppResult<Outcome> {
    let total: i64 = match job.kind {
        ExportKind::ClosedRequests => {
            sqlx::query_scalar(store::exports::CLOSED_REQUESTS_COUNT_SQL)
                .fetch_one(&job.pool)
                .await?
        }
        ExportKind::Professionals => {
            sqlx::query_scalar(store::exports::PROFESSIONALS_COUNT_SQL)
                .fetch_one(&job.pool)
                .await?
        }
        ExportKind::Customers => {
            sqlx::query_scalar(store::exports::CUSTOMERS_COUNT_SQL)
                .fetch_one(&job.pool)
                .await?
        }
        ExportKind::Requests => {
            let mut q = sqlx::QueryBuilder::new(store::exports::REQUESTS_COUNT_SELECT);
            store::requests::push_filters(&mut q, &request_filter(&job.filters));
            q.build_query_scalar().fetch_one(&job.pool).await?
        }
    };
    store::exports::mark_running(&job.pool, job.id, total, &to_db(job.clock.now())).await?;

    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(|e| {
            AppError::Internal(format!(
                "Cannot write in {}: {e}",
                tmp.parent()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ))
        })?;
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    writer.write_record(header(job.kind)).map_err(csv_error)?;

    let mut builder;
    let mut rows = match job.kind {
        ExportKind::ClosedRequests => {
            sqlx::query(store::exports::CLOSED_REQUESTS_SQL).fetch(&job.pool)
        }
        ExportKind::Professionals => {
            sqlx::query(store::exports::PROFESSIONALS_SQL).fetch(&job.pool)
        }
        ExportKind::Customers => sqlx::query(store::exports::CUSTOMERS_SQL).fetch(&job.pool),
        ExportKind::Requests => {
            builder = sqlx::QueryBuilder::new(store::exports::REQUESTS_SELECT);
            store::requests::push_filters(&mut builder, &request_filter(&job.filters));
            builder.push(" ORDER BY r.id");
            builder.build().fetch(&job.pool)
        }
    };
    let mut written = 0i64;
    let mut scratch = String::with_capacity(256);
    while let Some(row) = rows.try_next().await? {
        write_row(&mut writer, job.kind, &row, &mut scratch)?;
        written += 1;
        // A cancel is noticed within a few hundred rows; progress is saved less often.
        if written % 256 == 0 && job.cancel.load(Ordering::Relaxed) {
            return Ok(Outcome::Cancelled { rows: written });
        }
        if written % PROGRESS_EVERY == 0 {
            store::exports::progress(&job.pool, job.id, written).await?;
        }
    }
    drop(rows);
    if job.cancel.load(Ordering::Relaxed) {
        return Ok(Outcome::Cancelled { rows: written });
    }
    let mut buffered = writer
        .into_inner()
        .map_err(|e| AppError::Internal(format!("Writing the file failed: {}", e.error())))?;
    buffered
        .flush()
        .map_err(|e| AppError::Internal(format!("Writing the file failed: {e}")))?;
    let file = buffered
        .into_inner()
        .map_err(|e| AppError::Internal(format!("Writing the file failed: {}", e.error())))?;
    file.sync_all()
        .map_err(|e| AppError::Internal(format!("Saving the file failed: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    drop(file);
    std::fs::rename(tmp, &job.target)
        .map_err(|e| AppError::Internal(format!("Cannot save {}: {e}", job.target.display())))?;
    // Make the rename itself durable.
    if let Some(dir) = job.target.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(Outcome::Done {
        rows: written,
        size,
    })
}

fn csv_error(e: csv::Error) -> AppError {
    AppError::Internal(format!("Writing the file failed: {e}"))
}

/// Asks a running export to stop; its temp file is removed and the job marked cancelled.
pub async fn cancel(app: &App, actor: &Actor, id: i64) -> AppResult<()> {
    actor.require(Role::Admin)?;
    let job = get(app, actor, id).await?;
    if !matches!(job.status.as_str(), "queued" | "running") || !app.exports.cancel(id) {
        return Err(AppError::Conflict(format!(
            "This export {} and cannot be cancelled.",
            ended(&job.status)
        )));
    }
    Ok(())
}

/// One export job.
pub async fn get(app: &App, actor: &Actor, id: i64) -> AppResult<ExportJobRow> {
    actor.require(Role::Admin)?;
    store::exports::get(&app.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That export does not exist.".into()))
}

/// "has finished", "failed", "was cancelled", "is still running" for messages.
fn ended(status: &str) -> &'static str {
    match status {
        "succeeded" => "has already finished",
        "failed" => "failed",
        "cancelled" => "was cancelled",
        _ => "is still running",
    }
}

/// Export history, newest first.
pub async fn list(
    app: &App,
    actor: &Actor,
    page: u32,
    per_page: u32,
) -> AppResult<Vec<ExportJobRow>> {
    actor.require(Role::Admin)?;
    let (limit, offset) = crate::admin::limit_offset(page, per_page);
    Ok(store::exports::list(&app.pool, limit, offset).await?)
}

/// The file of a finished export, for "Open file" / "Show in folder" (path from the database).
pub async fn file_of(app: &App, actor: &Actor, id: i64) -> AppResult<PathBuf> {
    let job = get(app, actor, id).await?;
    match (job.status.as_str(), job.file_path) {
        ("succeeded", Some(p)) if Path::new(&p).exists() => Ok(PathBuf::from(p)),
        ("succeeded", Some(_)) => Err(AppError::NotFound(
            "The exported file has been moved or deleted.".into(),
        )),
        (status, _) => Err(AppError::Conflict(format!(
            "This export {}: there is no file to open.",
            ended(status)
        ))),
    }
}

/// At start-up: jobs a crash left queued or running are marked failed and their temp files
/// removed. Returns how many.
pub async fn recover_interrupted(app: &App) -> AppResult<usize> {
    let now = to_db(app.clock.now());
    let stale = store::exports::fail_interrupted(&app.pool, &now).await?;
    for (id, path) in &stale {
        if let Some(p) = path {
            let tmp = temp_path(Path::new(p), *id);
            if tmp.exists() {
                if let Err(e) = std::fs::remove_file(&tmp) {
                    tracing::warn!(job = id, error = %e, "could not remove an interrupted export's temp file");
                }
            }
        }
    }
    Ok(stale.len())
}
