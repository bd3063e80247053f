//! All SQL of the app, one module per table family. Functions take any `SqliteExecutor`, so
//! they run on the pool or inside a transaction (exports alone stream through their own
//! read-only connection, see `exports`). Placeholders are `$n` and timestamps are
//! ISO-8601 text, to stay portable to PostgreSQL.

pub mod audit;
pub mod customers;
pub mod dashboard;
pub mod email;
pub mod events;
pub mod exports;
pub mod generator;
pub mod idempotency;
pub mod jobs;
pub mod notifications;
pub mod people;
pub mod plans;
pub mod professionals;
pub mod requests;
pub mod reviews;
pub mod services;
pub mod sessions;
pub mod settings;
pub mod terminals;
pub mod throttle;
pub mod users;

/// The database handle the workflows hold (a pool of connections).
pub type Pool = sqlx::SqlitePool;
/// One connection, e.g. inside a transaction (`&mut *tx`).
pub type Conn = sqlx::SqliteConnection;
/// A write transaction, begun with the write lock taken (`App::write_tx`).
pub type Tx = sqlx::Transaction<'static, sqlx::Sqlite>;

/// True when a database error is a UNIQUE constraint violation.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}
