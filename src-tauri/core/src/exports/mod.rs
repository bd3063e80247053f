//! Admin CSV exports as tracked background jobs: streamed from SQLite to the csv writer
//! through a buffered temp file in the target folder, fsynced and renamed only when complete,
//! so a crashed, cancelled or failed export never leaves a partial file under the chosen name.

use crate::admin::requests::RequestQuery;
use crate::clock::Clock;
use crate::domain::{ExportStatus, RequestStatus, Role};
use crate::error::{ensure, AllValid, AppError, AppResult};
use crate::session::Actor;
use crate::store::{self, exports::ExportJobRow, requests::RequestFilter};
use crate::App;
use crate::Timestamp;
use chrono::FixedOffset;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

mod format;
pub use format::{header, money, neutralise};

pub use crate::domain::ExportKind;

impl ExportKind {
    /// A file name to suggest in the save dialog.
    pub fn suggested_file_name(self, today: &str) -> String {
        format!("{}-{today}.csv", self.as_str().replace('_', "-"))
    }
}

/// The filters of a `requests` export (the admin list's); ignored for other kinds.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema,
)]
pub struct ExportFilters {
    pub status: Option<RequestStatus>,
    pub service_id: Option<i64>,
    pub professional_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// `YYYY-MM-DD`, local days, both included.
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

/// How often a running job's progress is saved for the history page's progress bar.
const PROGRESS_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);

fn request_filter(f: &ExportFilters, offset: chrono::FixedOffset) -> RequestFilter {
    let day = |d: &Option<String>| {
        d.as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    let (created_since, created_before) =
        crate::admin::requests::created_filter(day(&f.created_from), day(&f.created_to), offset);
    RequestFilter {
        status: f.status,
        service_id: f.service_id,
        professional_id: f.professional_id,
        customer_id: f.customer_id,
        created_since,
        created_before,
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
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    Ok(ExportFilters {
        created_from: day(from),
        created_to: day(to),
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
/// page) and returns the job id; the work runs on a background task. `offset` is the caller's
/// terminal's: date filters are its local days.
pub async fn start(
    app: &App,
    actor: &Actor,
    kind: ExportKind,
    filters: ExportFilters,
    target: PathBuf,
    offset: FixedOffset,
) -> AppResult<i64> {
    begin(app, actor, kind, filters, Some(target), offset, None).await
}

/// Starts an export on the server, into its own `exports` folder (a connected desktop then
/// downloads the file to where its admin chose); once per `key`: a retry of an attempt
/// whose reply was lost gets that attempt's job.
pub async fn start_on_server(
    app: &App,
    actor: &Actor,
    kind: ExportKind,
    filters: ExportFilters,
    offset: FixedOffset,
    key: Option<&str>,
) -> AppResult<i64> {
    begin(app, actor, kind, filters, None, offset, key).await
}

/// The file a finished server-side export wrote, for download by an admin.
pub async fn server_file(app: &App, actor: &Actor, id: i64) -> AppResult<PathBuf> {
    let path = file_of(app, actor, id).await?;
    // Only files in the server's own export folder are ever handed out.
    let dir = app.data_dir().join("exports");
    match (path.canonicalize(), dir.canonicalize()) {
        (Ok(p), Ok(d)) if p.starts_with(&d) => Ok(p),
        _ => Err(AppError::NotFound(
            "That export's file is not on this server.".into(),
        )),
    }
}

#[allow(clippy::too_many_arguments)]
async fn begin(
    app: &App,
    actor: &Actor,
    kind: ExportKind,
    filters: ExportFilters,
    target: Option<PathBuf>,
    offset: FixedOffset,
    key: Option<&str>,
) -> AppResult<i64> {
    actor.require(Role::Admin)?;
    let (filters, ()) = (
        validate_filters(kind, &filters),
        ensure(
            target
                .as_ref()
                .is_none_or(|t| t.is_absolute() && t.file_name().is_some()),
            "target",
            "Choose where to save the file.",
        ),
    )
        .all_valid()?;
    let now = app.now();
    let filters_json = serde_json::to_string(&filters).map_err(AppError::internal)?;
    // The job row and its audit entry commit together: no job without its audit trail.
    let mut tx = app.write_tx().await?;
    if let Some(key) = key {
        if let Some(id) = store::exports::by_client_key(&mut tx, actor.user_id, key).await? {
            return Ok(id);
        }
    }
    let target = match target {
        Some(t) => t,
        None => {
            let dir = app.data_dir().join("exports");
            tokio::fs::create_dir_all(&dir).await?;
            let today = now.get().format("%Y-%m-%d").to_string();
            dir.join(format!(
                "{}-{}",
                rand::random::<u32>(),
                kind.suggested_file_name(&today)
            ))
        }
    };
    let id = store::exports::insert(
        &mut tx,
        actor.user_id,
        kind,
        &filters_json,
        &target.to_string_lossy(),
        now,
        key,
    )
    .await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "export.started",
        "export",
        Some(id),
        kind.as_str(),
        now,
    )
    .await?;
    crate::live::record(
        &mut tx,
        crate::live::Audience::Role(Role::Admin),
        &crate::live::LiveEvent::Export { job_id: id },
        now,
    )
    .await?;
    tx.commit().await?;
    let cancel = app.exports.register(id);
    let job = Job {
        id,
        kind,
        filters,
        target,
        source: store::exports::Source::of(&app.pool, &app.db_path()),
        pool: app.pool.clone(),
        clock: app.clock.clone(),
        offset,
        cancel,
        written: Arc::default(),
        live: app.live.clone(),
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
    source: store::exports::Source,
    pool: store::Pool,
    clock: Arc<dyn Clock>,
    offset: FixedOffset,
    cancel: Arc<AtomicBool>,
    /// Rows written so far (kept when the job fails part-way).
    written: Arc<AtomicI64>,
    /// Tells the admins' desktops of progress and the end.
    live: Arc<crate::live::EventHub>,
}

impl Job {
    fn announce(&self) {
        self.live.publish(
            crate::live::Audience::Role(Role::Admin),
            crate::live::LiveEvent::Export { job_id: self.id },
        );
    }
}

enum Outcome {
    Done { rows: i64, size: u64 },
    Cancelled { rows: i64 },
}

async fn run_and_record(job: Job) {
    {
        let tmp = temp_path(&job.target, job.id);
        let result = run(&job, &tmp).await;
        let now = Timestamp::from(job.clock.now());
        let (status, rows, size, error) = match result {
            Ok(Outcome::Done { rows, size }) => (
                ExportStatus::Succeeded,
                rows,
                Some(i64::try_from(size).unwrap_or(i64::MAX)),
                None,
            ),
            Ok(Outcome::Cancelled { rows }) => (ExportStatus::Cancelled, rows, None, None),
            Err(e) => {
                tracing::warn!(job = job.id, error = %e, "export failed");
                let message = match &e {
                    AppError::Internal(detail) => detail.clone(),
                    other => other.to_string(),
                };
                (
                    ExportStatus::Failed,
                    job.written.load(Ordering::Relaxed),
                    None,
                    Some(message),
                )
            }
        };
        if status != ExportStatus::Succeeded {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        if let Err(e) =
            store::exports::finish(&job.pool, job.id, status, rows, size, error.as_deref(), now)
                .await
        {
            tracing::error!(job = job.id, error = %e, "could not record the end of an export");
        }
        job.announce();
    }
}

async fn run(job: &Job, tmp: &Path) -> AppResult<Outcome> {
    let filter = request_filter(&job.filters, job.offset);
    let total = store::exports::count_rows(&job.pool, job.kind, &filter).await?;
    store::exports::mark_running(&job.pool, job.id, total, Timestamp::from(job.clock.now()))
        .await?;

    let (sql, params) = store::exports::export_sql(job.kind, job.pool.engine(), &filter);
    let written = job.written.clone();
    let file = FileJob {
        kind: job.kind,
        source: job.source.clone(),
        sql,
        params,
        tmp: tmp.to_owned(),
        target: job.target.clone(),
        cancel: job.cancel.clone(),
        written: written.clone(),
    };
    // The file is written on a blocking thread; this task only records progress meanwhile.
    let work = tokio::task::spawn_blocking(move || file.write());
    tokio::pin!(work);
    let mut tick = tokio::time::interval(PROGRESS_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            done = &mut work => return done?,
            _ = tick.tick() => {
                let rows = written.load(Ordering::Relaxed);
                // Progress is cosmetic: a failed update must not abandon the running writer.
                match store::exports::progress(&job.pool, job.id, rows).await {
                    Ok(()) => job.announce(),
                    Err(e) => tracing::warn!(job = job.id, error = %e, "could not record export progress"),
                }
            }
        }
    }
}

/// Writes export rows as CSV records, counting them and watching for a cancel.
struct CsvSink<'a, W: std::io::Write> {
    writer: csv::Writer<W>,
    columns: usize,
    money: u64,
    scratch: Vec<u8>,
    rows: i64,
    cancelled: bool,
    written: &'a AtomicI64,
    cancel: &'a AtomicBool,
}

impl<W: std::io::Write> store::exports::RowSink for CsvSink<'_, W> {
    type Error = format::RowError;

    fn row(&mut self, row: &impl store::exports::Cells) -> Result<bool, format::RowError> {
        format::write_row(
            &mut self.writer,
            self.columns,
            self.money,
            row,
            &mut self.scratch,
        )?;
        self.rows += 1;
        // A cancel is noticed within a few hundred rows.
        if self.rows % 256 == 0 {
            self.written.store(self.rows, Ordering::Relaxed);
            if self.cancel.load(Ordering::Relaxed) {
                self.cancelled = true;
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// What the blocking writer needs.
struct FileJob {
    kind: ExportKind,
    source: store::exports::Source,
    sql: String,
    params: Vec<store::Arg>,
    tmp: PathBuf,
    target: PathBuf,
    cancel: Arc<AtomicBool>,
    written: Arc<AtomicI64>,
}

impl FileJob {
    /// Streams the rows into the temp file, then fsyncs and renames it to the target.
    fn write(self) -> AppResult<Outcome> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&self.tmp)
            .map_err(|e| {
                AppError::Internal(format!(
                    "Cannot write in {}: {e}",
                    self.tmp
                        .parent()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                ))
            })?;
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
        writer.write_record(header(self.kind)).map_err(csv_error)?;
        let columns = header(self.kind).len();
        let money = format::money_columns(self.kind);
        let mut sink = CsvSink {
            writer,
            columns,
            money,
            scratch: Vec::with_capacity(256),
            rows: 0,
            cancelled: false,
            written: &self.written,
            cancel: &self.cancel,
        };
        store::exports::for_each_row(&self.source, &self.sql, &self.params, &mut sink)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let CsvSink {
            writer,
            rows,
            cancelled,
            ..
        } = sink;
        self.written.store(rows, Ordering::Relaxed);
        if cancelled || self.cancel.load(Ordering::Relaxed) {
            return Ok(Outcome::Cancelled { rows });
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
        std::fs::rename(&self.tmp, &self.target).map_err(|e| {
            AppError::Internal(format!("Cannot save {}: {e}", self.target.display()))
        })?;
        // Make the rename itself durable.
        if let Some(dir) = self.target.parent() {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(Outcome::Done { rows, size })
    }
}

fn csv_error(e: csv::Error) -> AppError {
    AppError::Internal(format!("Writing the file failed: {e}"))
}

/// Asks a running export to stop; its temp file is removed and the job marked cancelled.
pub async fn cancel(app: &App, actor: &Actor, id: i64) -> AppResult<()> {
    actor.require(Role::Admin)?;
    let job = get(app, actor, id).await?;
    if !job.status.is_active() || !app.exports.cancel(id) {
        return Err(AppError::Conflict(format!(
            "This export {} and cannot be cancelled.",
            ended(job.status)
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
fn ended(status: ExportStatus) -> &'static str {
    match status {
        ExportStatus::Succeeded => "has already finished",
        ExportStatus::Failed => "failed",
        ExportStatus::Cancelled => "was cancelled",
        ExportStatus::Queued | ExportStatus::Running => "is still running",
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
    match (job.status, job.file_path) {
        (ExportStatus::Succeeded, Some(p)) if Path::new(&p).exists() => Ok(PathBuf::from(p)),
        (ExportStatus::Succeeded, Some(_)) => Err(AppError::NotFound(
            "The exported file has been moved or deleted.".into(),
        )),
        (status, _) => Err(AppError::Conflict(format!(
            "This export {}: there is no file to open.",
            ended(status)
        ))),
    }
}

/// How long an export may run before another server instance takes it for lost with its
/// instance (a million rows take seconds).
pub const EXPORT_LEASE: chrono::Duration = chrono::Duration::hours(1);

/// Jobs a crash left queued or running are marked failed and their temp files removed.
/// Returns how many. On SQLite, at start-up, every one: this process owns the database. On
/// PostgreSQL, where other instances may be exporting right now, only those older than
/// [`EXPORT_LEASE`]; the hourly background pass looks again.
pub async fn recover_interrupted(app: &App) -> AppResult<usize> {
    let now = app.now();
    let created_before = match app.engine() {
        store::Engine::Sqlite => None,
        store::Engine::Postgres => Some(now - EXPORT_LEASE),
    };
    let stale = store::exports::fail_interrupted(&app.pool, now, created_before).await?;
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
