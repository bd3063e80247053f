//! The shared core context: pool, clock, paths, policies; built once, shared by every
//! session (see `session` for those).

use crate::clock::{Clock, SystemClock};
use crate::error::AppResult;
use crate::store;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// The database's file name inside the data folder.
pub(crate) const DB_FILE: &str = "household.sqlite3";

/// Default idle timeout: 15 minutes.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u32 = 15 * 60;

/// How to build an [`App`].
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Folder for the database and uploaded documents.
    pub data_dir: PathBuf,
    /// Pins the idle timeout (seconds) whatever the business settings say (tests, kiosks).
    pub idle_override_secs: Option<u32>,
    /// The time source.
    pub clock: Arc<dyn Clock>,
    /// Only enrolled machines may call (a server's policy; see `terminals`).
    pub require_enrolment: bool,
    /// A PostgreSQL URL (`postgres://…`); `None` keeps the embedded SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Where uploaded documents are kept [default: `data_dir/documents`]: a folder every
    /// server instance of the business can read when several share one PostgreSQL.
    pub documents_dir: Option<PathBuf>,
}

impl AppConfig {
    /// A configuration with the system clock and the default idle timeout.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        AppConfig {
            data_dir: data_dir.into(),
            idle_override_secs: None,
            clock: Arc::new(SystemClock),
            require_enrolment: false,
            database_url: None,
            documents_dir: None,
        }
    }
}

/// Everything a workflow needs; put in Tauri managed state by the shell, built on a temp
/// folder by tests.
#[derive(Debug)]
pub struct App {
    pub pool: store::Pool,
    pub clock: Arc<dyn Clock>,
    data_dir: PathBuf,
    documents_dir: PathBuf,
    idle_timeout_secs: AtomicU32,
    idle_override: Option<u32>,
    /// The SMTP password, for this process's lifetime only (never stored).
    smtp_password: Mutex<Option<String>>,
    /// Running exports (cancel flags) and finished-export announcements.
    pub exports: Arc<crate::exports::ExportRegistry>,
    /// The one connection write transactions queue for (see `db::open_writer`).
    writer: store::Pool,
    /// Live updates: the event pump and its subscribers (see `live`).
    pub live: Arc<crate::live::EventHub>,
    require_enrolment: bool,
    /// The PostgreSQL URL, for the backup tools (it may hold a password: never log it).
    database_url: Option<String>,
    /// Set once an administrator exists (it never goes back): until then nobody could enrol
    /// a machine, so enrolment is not required.
    has_admin: std::sync::atomic::AtomicBool,
}

impl App {
    /// Creates the data folder, opens and migrates the database.
    pub async fn open(config: AppConfig) -> AppResult<Self> {
        std::fs::create_dir_all(&config.data_dir)?;
        let (pool, writer) = crate::db::open_both(
            &config.data_dir.join(DB_FILE),
            config.database_url.as_deref(),
        )
        .await?;
        let wake = Arc::new(tokio::sync::Notify::new());
        pool.wake_on_other_instances_commits(wake.clone()).await?;
        let live = crate::live::EventHub::new(wake);
        live.start_pump(pool.clone(), store::events::last_id(&pool).await?);
        let app = App {
            database_url: config.database_url.clone(),
            pool,
            clock: config.clock,
            documents_dir: config
                .documents_dir
                .unwrap_or_else(|| config.data_dir.join("documents")),
            data_dir: config.data_dir,
            idle_timeout_secs: AtomicU32::new(DEFAULT_IDLE_TIMEOUT_SECS),
            idle_override: config.idle_override_secs.map(|s| s.max(1)),
            smtp_password: Mutex::default(),
            exports: Arc::default(),
            writer,
            live,
            require_enrolment: config.require_enrolment,
            has_admin: std::sync::atomic::AtomicBool::new(false),
        };
        let policy = match app.idle_override {
            Some(secs) => secs,
            None => crate::settings::current(&app).await?.idle_timeout_minutes * 60,
        };
        app.idle_timeout_secs.store(policy, Ordering::Relaxed);
        Ok(app)
    }

    /// The current instant, as stored.
    pub fn now(&self) -> crate::Timestamp {
        crate::Timestamp::from(self.clock.now())
    }

    /// The folder holding the database and documents.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The PostgreSQL URL this business runs on (`None`: embedded SQLite). It may hold a
    /// password: never log it.
    pub fn database_url(&self) -> Option<&str> {
        self.database_url.as_deref()
    }

    /// The database engine this business runs on.
    pub fn engine(&self) -> store::Engine {
        self.pool.engine()
    }

    /// The SQLite database file (unused on PostgreSQL).
    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join(DB_FILE)
    }

    /// Where uploaded documents are stored, by content hash.
    pub fn documents_dir(&self) -> PathBuf {
        self.documents_dir.clone()
    }

    /// A transaction that takes the write lock up front (`BEGIN IMMEDIATE`), for workflows
    /// that read then write: no SQLITE_BUSY upgrade failures under concurrency.
    pub async fn write_tx(&self) -> AppResult<store::Tx> {
        Ok(self.writer.begin_write(self.live.wake_handle()).await?)
    }

    /// The writer connection itself, outside any transaction: only for fault tests that put
    /// it into a state (full, read-only) a transaction could not leave again.
    #[doc(hidden)]
    pub async fn writer_connection(&self) -> AppResult<store::engine::SqliteWriter> {
        self.writer
            .sqlite_connection()
            .await?
            .ok_or_else(|| crate::error::AppError::Internal("not an SQLite database".into()))
    }

    /// Closes the database (the writer connection, then the read pool): the last connection
    /// to close checkpoints the WAL into the file, which can then be copied on its own.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    /// Whether this core's policy is to admit enrolled machines only.
    pub fn require_enrolment(&self) -> bool {
        self.require_enrolment
    }

    /// Whether enrolment is required now: by the policy, once an administrator exists.
    pub async fn enrolment_required(&self) -> AppResult<bool> {
        if !self.require_enrolment {
            return Ok(false);
        }
        if self.has_admin.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let any = store::users::count_by_role(&self.pool, crate::domain::Role::Admin).await? > 0;
        if any {
            self.has_admin.store(true, Ordering::Relaxed);
        }
        Ok(any)
    }

    /// The current idle timeout in seconds.
    pub fn idle_timeout_secs(&self) -> u32 {
        self.idle_timeout_secs.load(Ordering::Relaxed)
    }

    /// Changes the idle timeout policy (unless pinned by the configuration); applies to new
    /// and live sessions alike.
    pub async fn apply_idle_policy(&self, secs: u32) -> AppResult<()> {
        if self.idle_override.is_some() {
            return Ok(());
        }
        let secs = secs.max(1);
        self.idle_timeout_secs.store(secs, Ordering::Relaxed);
        store::sessions::set_idle_timeout(
            &self.pool,
            i64::from(secs),
            i64::from(crate::terminals::COUNTER_IDLE_SECS),
        )
        .await?;
        Ok(())
    }

    /// Remembers (or, with `None`, forgets) the SMTP password for this process's lifetime.
    pub(crate) fn set_smtp_password(&self, password: Option<String>) {
        *self.smtp_password.lock().unwrap_or_else(|p| p.into_inner()) =
            password.filter(|p| !p.is_empty());
    }

    /// The SMTP password, if an admin entered it since this process started.
    pub(crate) fn smtp_password(&self) -> Option<String> {
        self.smtp_password
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
