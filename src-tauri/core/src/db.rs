//! Opening and migrating the SQLite database.

use crate::error::AppResult;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// The embedded migrations (the one schema, `migrations/` at the repository root).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

/// Opens (creating if needed) the database file with WAL, foreign keys and a busy timeout,
/// then applies pending migrations.
pub async fn open(path: &Path) -> AppResult<SqlitePool> {
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options(path))
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// One connection to the (already migrated) database for write transactions. SQLite takes
/// one writer at a time anyway; queueing for this connection in order is much fairer than
/// the busy handler's growing sleeps, which gave writes a long tail under load.
/// `written` is told each time the connection comes back from a transaction (the live
/// updates' pump then looks for new events).
pub async fn open_writer(path: &Path, written: Arc<Notify>) -> AppResult<SqlitePool> {
    Ok(SqlitePoolOptions::new()
        .max_connections(1)
        .after_release(move |conn, _meta| {
            written.notify_one();
            Box::pin(async move { Ok(still_usable(conn).await) })
        })
        .connect_with(options(path))
        .await?)
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
