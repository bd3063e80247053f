//! All SQL of the app, one module per table family. Functions take `impl Into<Ex>`, so they
//! run on the pool or inside a transaction, on either engine (see `engine`). Placeholders
//! are `$n`, booleans `TRUE`/`FALSE`, and each statement is written once unless the two
//! dialects differ (`on!(ex => sqlite: …, postgres: …)`).

pub mod audit;
pub mod availability;
pub mod complaints;
pub mod customers;
pub mod dashboard;
pub mod email;
pub mod engine;
pub mod events;
pub mod exports;
pub mod generator;
mod generator_pg;
pub mod idempotency;
pub mod jobs;
pub mod notifications;
pub mod password_resets;
pub mod people;
pub mod plans;
pub mod professionals;
pub mod receipts;
pub mod requests;
pub mod reviews;
pub mod services;
pub mod sessions;
pub mod settings;
pub mod terminals;
pub mod throttle;
pub mod users;

pub use crate::on;
pub use engine::{Arg, Dialect, Engine, Ex, PgEx, Pool, SqliteEx, Tx};

/// True when a database error is a UNIQUE constraint violation.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}
