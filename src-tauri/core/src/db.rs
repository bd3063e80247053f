//! Opening and migrating the database: embedded SQLite in the data folder, or a PostgreSQL
//! server given by URL. Each engine has its own migrations (`migrations/sqlite`,
//! `migrations/postgres`); a test keeps the two schemas equal.

use crate::error::{AppError, AppResult};
use crate::store::Pool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// The SQLite migrations (`migrations/sqlite` at the repository root).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

/// The PostgreSQL migrations (`migrations/postgres` at the repository root).
pub static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// Connections a server keeps to PostgreSQL (reads run in parallel; writes take turns).
const POSTGRES_CONNECTIONS: u32 = 16;

/// Opens (creating if needed) the SQLite file with WAL, foreign keys and a busy timeout,
/// then applies pending migrations.
pub async fn open(path: &Path) -> AppResult<Pool> {
    migrate_sqlite(path).await?;
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options(path))
        .await?;
    Ok(Pool::Sqlite(pool))
}

/// Applies pending SQLite migrations on a connection of their own with foreign keys off.
/// SQLite changes a table's CHECK only by rebuilding the table, and with foreign keys on,
/// dropping the old copy of a table others reference would cascade-delete their rows (sqlx
/// runs each migration in a transaction, where the pragma cannot be switched off). Every
/// foreign key is checked once they have run.
async fn migrate_sqlite(path: &Path) -> AppResult<()> {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options(path).foreign_keys(false))
        .await?;
    let migrated = MIGRATOR.run(&pool).await;
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&pool)
        .await;
    pool.close().await;
    migrated?;
    let broken = broken?;
    if !broken.is_empty() {
        return Err(AppError::internal(format!(
            "the database has {} row(s) whose foreign key points nowhere after migrating",
            broken.len()
        )));
    }
    Ok(())
}

/// The pools of one database: `(reads, writes)`. On SQLite writes queue for one connection
/// of their own; on PostgreSQL both are the same pool (the write lock orders writers).
pub async fn open_both(data_file: &Path, url: Option<&str>) -> AppResult<(Pool, Pool)> {
    match url {
        None => Ok((open(data_file).await?, open_writer(data_file).await?)),
        Some(url) => {
            let pool = open_postgres(url).await?;
            Ok((pool.clone(), pool))
        }
    }
}

/// Connects to PostgreSQL at `url` and applies pending migrations.
pub async fn open_postgres(url: &str) -> AppResult<Pool> {
    let options = PgConnectOptions::from_str(url).map_err(|e| {
        AppError::validation("database_url", format!("This is not a PostgreSQL URL: {e}"))
    })?;
    let pool = PgPoolOptions::new()
        .max_connections(POSTGRES_CONNECTIONS)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    POSTGRES_MIGRATOR.run(&pool).await?;
    Ok(Pool::Postgres(pool))
}

/// One connection to the (already migrated) SQLite file for write transactions. SQLite takes
/// one writer at a time anyway; queueing for this connection in order is much fairer than
/// the busy handler's growing sleeps, which gave writes a long tail under load.
pub async fn open_writer(path: &Path) -> AppResult<Pool> {
    Ok(Pool::Sqlite(
        SqlitePoolOptions::new()
            .max_connections(1)
            .after_release(|conn, _meta| Box::pin(async move { Ok(still_usable(conn).await) }))
            .connect_with(options(path))
            .await?,
    ))
}

/// Whether a writer connection back from a transaction can take the next one. On some errors
/// (a full disk: SQLITE_FULL, SQLITE_IOERR) SQLite rolls the transaction back by itself;
/// sqlx's own ROLLBACK then fails and it goes on counting a transaction that no longer
/// exists, refusing every later BEGIN. Such a connection is closed (the pool opens a fresh
/// one for the next write), so the server recovers as soon as the disk has room again.
async fn still_usable(conn: &mut sqlx::SqliteConnection) -> bool {
    use sqlx::Connection;
    if !conn.is_in_transaction() {
        return true;
    }
    // A rollback queued by a dropped transaction runs before the ping: then look again.
    if conn.ping().await.is_err() || conn.is_in_transaction() {
        tracing::warn!(
            "the writer connection lost track of its transaction (the database rolled it back itself); opening a new one"
        );
        return false;
    }
    true
}

fn options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
}

/// What the test suites and benchmarks of every crate share to run on either engine.
#[doc(hidden)]
pub mod testing {
    use sqlx::Connection;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Whether this run tests the PostgreSQL engine (`HS_TEST_ENGINE=postgres`).
    pub fn on_postgres() -> bool {
        std::env::var("HS_TEST_ENGINE").is_ok_and(|e| e == "postgres")
    }

    /// The PostgreSQL server of this run (a superuser URL), if one was given.
    pub fn server_url() -> Option<String> {
        std::env::var("HS_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())
    }

    /// The test server for a test that needs PostgreSQL whatever the engine of the run;
    /// `None` (after saying so) without one, except under CI, which always provides one
    /// (then it panics).
    pub fn server_url_or_skip(test: &str) -> Option<String> {
        if let Some(url) = server_url() {
            return Some(url);
        }
        let ci = std::env::var("CI").unwrap_or_default();
        assert!(
            !(ci.eq_ignore_ascii_case("true") || ci == "1"),
            "HS_TEST_POSTGRES_URL is not set, but CI always provides PostgreSQL \
             (scripts/postgres.sh: start_test_postgres sets it)"
        );
        println!(
            "{test}: skipped, HS_TEST_POSTGRES_URL is not set \
             (source scripts/common.sh and scripts/postgres.sh, then run start_test_postgres)"
        );
        None
    }

    /// A new, empty database on the test server (`HS_TEST_POSTGRES_URL`); returns its URL.
    /// Panics without a server: only tests and benchmarks call it.
    pub async fn fresh_database() -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let server = server_url().unwrap_or_else(|| {
            panic!("HS_TEST_ENGINE=postgres needs HS_TEST_POSTGRES_URL (scripts/test.sh sets both)")
        });
        let name = format!(
            "hs_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .unwrap_or_else(|e| panic!("connect to the test PostgreSQL server: {e}"));
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            sqlx::query(&sql)
                .execute(&mut admin)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        let _ = admin.close().await;
        format!("{}/{name}", without_database(&server))
    }

    /// The database of a test run's engine: a fresh PostgreSQL one, or `None` for SQLite.
    pub async fn database_for_this_run() -> Option<String> {
        if on_postgres() {
            Some(fresh_database().await)
        } else {
            None
        }
    }

    /// `postgres://user@host:port/db?x` without its `/db` (the query, if any, is dropped).
    fn without_database(url: &str) -> String {
        let base = url.split('?').next().unwrap_or(url);
        match base.find("://").map(|i| i + 3) {
            Some(start) => match base[start..].find('/') {
                Some(slash) => base[..start + slash].to_owned(),
                None => base.to_owned(),
            },
            None => base.to_owned(),
        }
    }
}
