//! The application context: pool, clock, paths and the session, built once.

use crate::clock::{Clock, SystemClock};
use crate::error::{AppError, AppResult};
use crate::session::{Actor, EndReason, Session, SessionSlot, SessionView};
use crate::store;
use chrono::Duration;
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// The database's file name inside the data folder.
const DB_FILE: &str = "household.sqlite3";

/// Default idle timeout: 15 minutes.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u32 = 15 * 60;

/// How to build an [`App`].
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Folder for the database and uploaded documents.
    pub data_dir: PathBuf,
    /// Seconds without a command after which the session ends.
    pub idle_timeout_secs: u32,
    /// The time source.
    pub clock: Arc<dyn Clock>,
}

impl AppConfig {
    /// A configuration with the system clock and the default idle timeout.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        AppConfig {
            data_dir: data_dir.into(),
            idle_timeout_secs: DEFAULT_IDLE_TIMEOUT_SECS,
            clock: Arc::new(SystemClock),
        }
    }
}

/// Everything a workflow needs; put in Tauri managed state by the shell, built on a temp
/// folder by tests.
#[derive(Debug)]
pub struct App {
    pub pool: SqlitePool,
    pub clock: Arc<dyn Clock>,
    data_dir: PathBuf,
    idle_timeout_secs: AtomicU32,
    session: SessionSlot,
    /// Running exports (cancel flags) and finished-export announcements.
    pub exports: Arc<crate::exports::ExportRegistry>,
}

impl App {
    /// Creates the data folder, opens and migrates the database.
    pub async fn open(config: AppConfig) -> AppResult<Self> {
        std::fs::create_dir_all(&config.data_dir)?;
        let pool = crate::db::open(&config.data_dir.join(DB_FILE)).await?;
        Ok(App {
            pool,
            clock: config.clock,
            data_dir: config.data_dir,
            idle_timeout_secs: AtomicU32::new(config.idle_timeout_secs.max(1)),
            session: SessionSlot::default(),
            exports: Arc::default(),
        })
    }

    /// The current instant, as stored.
    pub fn now(&self) -> crate::Timestamp {
        crate::Timestamp::from(self.clock.now())
    }

    /// The folder holding the database and documents.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The SQLite database file.
    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join(DB_FILE)
    }

    /// Where uploaded documents are stored, by content hash.
    pub fn documents_dir(&self) -> PathBuf {
        self.data_dir.join("documents")
    }

    /// A transaction that takes the write lock up front (`BEGIN IMMEDIATE`), for workflows
    /// that read then write: no SQLITE_BUSY upgrade failures under concurrency.
    pub async fn write_tx(&self) -> AppResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// The current idle timeout in seconds.
    pub fn idle_timeout_secs(&self) -> u32 {
        self.idle_timeout_secs.load(Ordering::Relaxed)
    }

    /// Changes the idle timeout (settings); applies to the live session too.
    pub fn set_idle_timeout_secs(&self, secs: u32) {
        self.idle_timeout_secs.store(secs.max(1), Ordering::Relaxed);
    }

    pub(crate) fn start_session(&self, mut view: SessionView) -> SessionView {
        view.idle_timeout_secs = self.idle_timeout_secs();
        let now = self.clock.now();
        self.session.with(|s| {
            *s = Some(Session {
                view: view.clone(),
                last_seen: now,
            })
        });
        view
    }

    /// Ends the session, if any.
    pub fn end_session(&self) {
        self.session.with(|s| *s = None);
    }

    /// Ends the session if it has been idle too long; says so when it did.
    pub fn expire_idle(&self) -> Option<EndReason> {
        let now = self.clock.now();
        let limit = Duration::seconds(i64::from(self.idle_timeout_secs()));
        self.session.with(|s| match s {
            Some(live) if now - live.last_seen >= limit => {
                *s = None;
                Some(EndReason::Idle)
            }
            _ => None,
        })
    }

    /// The session as the UI may see it, without counting as activity.
    pub fn peek_session(&self) -> Option<SessionView> {
        self.expire_idle();
        self.session
            .with(|s| s.as_ref().map(|live| live.view.clone()))
    }

    /// The signed-in user without counting as activity (background delivery must not keep
    /// an idle session alive).
    pub fn peek_actor(&self) -> Option<Actor> {
        self.peek_session().map(|v| Actor {
            user_id: v.user_id,
            role: v.role,
        })
    }

    /// The acting user for a command: fails with `unauthorized` when nobody is signed in or the
    /// session idled out, and ends the session when the account was blocked meanwhile (checked
    /// against the database on every command, so a block takes effect at once). Counts as
    /// activity.
    pub async fn actor(&self) -> AppResult<Actor> {
        self.checked_actor(true).await
    }

    /// Like [`App::actor`] (same checks) but not counted as activity: for background
    /// refreshes (the notification bell) that must not keep an idle session alive.
    pub async fn actor_passive(&self) -> AppResult<Actor> {
        self.checked_actor(false).await
    }

    async fn checked_actor(&self, activity: bool) -> AppResult<Actor> {
        let idle_minutes = self.idle_timeout_secs().div_ceil(60);
        if self.expire_idle().is_some() {
            return Err(AppError::Unauthorized(format!(
                "You were signed out after {idle_minutes} minute(s) without activity. Please sign in again."
            )));
        }
        let view = self
            .session
            .with(|s| s.as_ref().map(|live| live.view.clone()))
            .ok_or_else(|| AppError::Unauthorized("Please sign in to continue.".into()))?;
        let account = store::users::find_by_id(&self.pool, view.user_id).await?;
        match account {
            Some(u) if u.status == crate::domain::UserStatus::Active => {}
            Some(u) => {
                self.end_session();
                return Err(AppError::AccountBlocked(crate::accounts::blocked_message(
                    u.blocked_reason.as_deref(),
                )));
            }
            None => {
                self.end_session();
                return Err(AppError::Unauthorized("Please sign in to continue.".into()));
            }
        }
        if activity {
            let now = self.clock.now();
            self.session.with(|s| {
                if let Some(live) = s.as_mut() {
                    live.last_seen = now;
                }
            });
        }
        Ok(Actor {
            user_id: view.user_id,
            role: view.role,
        })
    }

    /// Like [`App::actor`] but also returns the session view (for `touch_session`).
    pub async fn touch(&self) -> AppResult<SessionView> {
        self.actor().await?;
        let idle = self.idle_timeout_secs();
        self.session
            .with(|s| {
                s.as_ref().map(|live| SessionView {
                    idle_timeout_secs: idle,
                    ..live.view.clone()
                })
            })
            .ok_or_else(|| AppError::Unauthorized("Please sign in to continue.".into()))
    }
}
