//! The two database engines behind one handle: embedded SQLite (the default) and PostgreSQL.
//!
//! The store's SQL is written once where both engines read it the same way, and each
//! statement runs on whichever engine the handle holds (`on!`). How a
//! write transaction takes its lock lives here too, so the workflows' rules stay in the core
//! once: SQLite's `BEGIN IMMEDIATE` on its single writer connection; on PostgreSQL a
//! transaction-scoped advisory lock, which orders writers exactly as SQLite does, across
//! every server instance sharing the database (so the event log's ids follow commit order).

use crate::timestamp::Timestamp;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use sqlx::{
    Either, Executor, PgConnection, PgPool, Postgres, QueryBuilder, Sqlite, SqliteConnection,
    SqlitePool,
};
use std::sync::Arc;
use tokio::sync::Notify;

/// Which engine a handle talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite: one file in the data folder.
    Sqlite,
    /// A PostgreSQL server, shared by every server instance of the business.
    Postgres,
}

/// The database handle the workflows hold (a pool of connections on one engine).
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    /// The engine behind this pool.
    pub fn engine(&self) -> Engine {
        match self {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    /// The SQLite pool, if this is one (tests of SQLite itself).
    #[doc(hidden)]
    pub fn as_sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Pool::Sqlite(p) => Some(p),
            Pool::Postgres(_) => None,
        }
    }

    /// One connection of an SQLite pool, outside any transaction (fault tests only).
    #[doc(hidden)]
    pub async fn sqlite_connection(&self) -> sqlx::Result<Option<SqliteWriter>> {
        match self {
            Pool::Sqlite(p) => Ok(Some(p.acquire().await?)),
            Pool::Postgres(_) => Ok(None),
        }
    }

    /// Has `wake` told whenever a write transaction commits on another process sharing this
    /// database (PostgreSQL's LISTEN/NOTIFY; nothing to do on SQLite, which one process owns).
    pub(crate) async fn wake_on_other_instances_commits(
        &self,
        wake: Arc<Notify>,
    ) -> sqlx::Result<()> {
        let Pool::Postgres(pool) = self else {
            return Ok(());
        };
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(COMMIT_CHANNEL).await?;
        let pool = pool.clone();
        // Held weakly: the task ends with the app (at the next notification).
        let wake = Arc::downgrade(&wake);
        tokio::spawn(async move {
            loop {
                // A lost connection is re-made by the listener; meanwhile the pump's own
                // polling still finds every event, only later.
                match listener.recv().await {
                    Ok(_) => match wake.upgrade() {
                        Some(wake) => wake.notify_one(),
                        None => return,
                    },
                    Err(e) if pool.is_closed() => {
                        tracing::debug!(error = %e, "commit listener stopped");
                        return;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "commit listener lost its connection");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(())
    }

    /// Begins a write transaction holding the business-wide write lock; `written` is told
    /// when it commits (the live updates' pump then looks for new events).
    pub(crate) async fn begin_write(&self, written: Arc<Notify>) -> sqlx::Result<Tx> {
        let inner = match self {
            Pool::Sqlite(p) => TxInner::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK_KEY)
                    .execute(&mut *tx)
                    .await?;
                TxInner::Postgres(tx)
            }
        };
        Ok(Tx { inner, written })
    }
}

/// A connection taken from an SQLite pool.
pub type SqliteWriter = sqlx::pool::PoolConnection<Sqlite>;

/// The channel a PostgreSQL write transaction notifies on commit.
const COMMIT_CHANNEL: &str = "household_commits";

/// The advisory lock key every PostgreSQL write transaction takes ("HOUSEHLD" in ASCII).
const WRITE_LOCK_KEY: i64 = 0x484F_5553_4548_4C44;

/// A write transaction, begun with the write lock taken (`App::write_tx`).
#[derive(Debug)]
pub struct Tx {
    inner: TxInner,
    written: Arc<Notify>,
}

#[derive(Debug)]
enum TxInner {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    /// Commits the transaction (dropping it instead rolls back).
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(mut t) => {
                // Delivered at commit, to every instance listening (this one too).
                sqlx::query("SELECT pg_notify($1, '')")
                    .bind(COMMIT_CHANNEL)
                    .execute(&mut *t)
                    .await?;
                t.commit().await?
            }
        }
        self.written.notify_one();
        Ok(())
    }

    /// Rolls the transaction back.
    pub async fn rollback(self) -> sqlx::Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.rollback().await,
            TxInner::Postgres(t) => t.rollback().await,
        }
    }

    /// The engine this transaction runs on.
    pub fn engine(&self) -> Engine {
        match self.inner {
            TxInner::Sqlite(_) => Engine::Sqlite,
            TxInner::Postgres(_) => Engine::Postgres,
        }
    }
}

/// Where one statement runs: a pool or a transaction's connection, on either engine.
/// Store functions take `impl Into<Ex>`, so callers pass `&app.pool` or `&mut tx`.
#[derive(Debug)]
pub enum Ex<'c> {
    Sqlite(SqliteEx<'c>),
    Postgres(PgEx<'c>),
}

impl<'c> From<&'c Pool> for Ex<'c> {
    fn from(p: &'c Pool) -> Self {
        match p {
            Pool::Sqlite(p) => Ex::Sqlite(SqliteEx::Pool(p)),
            Pool::Postgres(p) => Ex::Postgres(PgEx::Pool(p)),
        }
    }
}

impl<'c> From<&'c mut Tx> for Ex<'c> {
    fn from(t: &'c mut Tx) -> Self {
        match &mut t.inner {
            TxInner::Sqlite(t) => Ex::Sqlite(SqliteEx::Conn(t)),
            TxInner::Postgres(t) => Ex::Postgres(PgEx::Conn(t)),
        }
    }
}

impl<'c, 'b: 'c> From<&'c mut Ex<'b>> for Ex<'c> {
    fn from(e: &'c mut Ex<'b>) -> Self {
        e.reborrow()
    }
}

impl Ex<'_> {
    /// The same place for one more statement.
    pub fn reborrow(&mut self) -> Ex<'_> {
        match self {
            Ex::Sqlite(SqliteEx::Pool(p)) => Ex::Sqlite(SqliteEx::Pool(p)),
            Ex::Sqlite(SqliteEx::Conn(c)) => Ex::Sqlite(SqliteEx::Conn(c)),
            Ex::Postgres(PgEx::Pool(p)) => Ex::Postgres(PgEx::Pool(p)),
            Ex::Postgres(PgEx::Conn(c)) => Ex::Postgres(PgEx::Conn(c)),
        }
    }
}

/// Runs a body with the executor bound to the engine's own type: the body is compiled once
/// per engine, so its SQL and binds are written once. Each arm's future is boxed: a workflow
/// awaits many statements in a row, and unboxed twin arms doubled the stack its (debug
/// build) polls need, overflowing a runtime worker's stack. `on!(ex, |ex| body)`, or
/// `on!(ex, |ex| sqlite_body, |ex| postgres_body)` where the dialects differ.
#[macro_export]
#[doc(hidden)]
macro_rules! on {
    ($ex:expr, |$e:ident| $sqlite:expr, |$p:ident| $pg:expr $(,)?) => {
        match ::core::convert::Into::<$crate::store::Ex<'_>>::into($ex) {
            $crate::store::Ex::Sqlite($e) => ::std::boxed::Box::pin(async move { $sqlite }).await,
            $crate::store::Ex::Postgres($p) => ::std::boxed::Box::pin(async move { $pg }).await,
        }
    };
    ($ex:expr, |$e:ident| $body:expr $(,)?) => {
        match ::core::convert::Into::<$crate::store::Ex<'_>>::into($ex) {
            $crate::store::Ex::Sqlite($e) => ::std::boxed::Box::pin(async move { $body }).await,
            $crate::store::Ex::Postgres($e) => ::std::boxed::Box::pin(async move { $body }).await,
        }
    };
}

/// Implements sqlx's `Executor` for "a pool or a connection" of one engine by delegation.
macro_rules! executor_enum {
    ($name:ident, $db:ty, $pool:ty, $conn:ty, $engine:expr) => {
        /// A pool or one connection of this engine.
        #[derive(Debug)]
        pub enum $name<'c> {
            Pool(&'c $pool),
            Conn(&'c mut $conn),
        }

        impl $name<'_> {
            /// The engine (for the few statements whose text differs).
            pub fn engine(&self) -> Engine {
                $engine
            }

            /// The same pool or connection for one more statement.
            pub fn re(&mut self) -> $name<'_> {
                match self {
                    $name::Pool(p) => $name::Pool(p),
                    $name::Conn(c) => $name::Conn(c),
                }
            }
        }

        impl<'c> Executor<'c> for $name<'c> {
            type Database = $db;

            fn fetch_many<'e, 'q: 'e, E>(
                self,
                query: E,
            ) -> BoxStream<
                'e,
                Result<
                    Either<<$db as sqlx::Database>::QueryResult, <$db as sqlx::Database>::Row>,
                    sqlx::Error,
                >,
            >
            where
                'c: 'e,
                E: 'q + sqlx::Execute<'q, $db>,
            {
                match self {
                    $name::Pool(p) => p.fetch_many(query),
                    $name::Conn(c) => c.fetch_many(query),
                }
            }

            fn fetch_optional<'e, 'q: 'e, E>(
                self,
                query: E,
            ) -> BoxFuture<'e, Result<Option<<$db as sqlx::Database>::Row>, sqlx::Error>>
            where
                'c: 'e,
                E: 'q + sqlx::Execute<'q, $db>,
            {
                match self {
                    $name::Pool(p) => p.fetch_optional(query),
                    $name::Conn(c) => c.fetch_optional(query),
                }
            }

            fn prepare_with<'e, 'q: 'e>(
                self,
                sql: &'q str,
                parameters: &'e [<$db as sqlx::Database>::TypeInfo],
            ) -> BoxFuture<'e, Result<<$db as sqlx::Database>::Statement<'q>, sqlx::Error>>
            where
                'c: 'e,
            {
                match self {
                    $name::Pool(p) => p.prepare_with(sql, parameters),
                    $name::Conn(c) => c.prepare_with(sql, parameters),
                }
            }

            fn describe<'e, 'q: 'e>(
                self,
                sql: &'q str,
            ) -> BoxFuture<'e, Result<sqlx::Describe<$db>, sqlx::Error>>
            where
                'c: 'e,
            {
                match self {
                    $name::Pool(p) => p.describe(sql),
                    $name::Conn(c) => c.describe(sql),
                }
            }
        }
    };
}

executor_enum!(
    SqliteEx,
    Sqlite,
    SqlitePool,
    SqliteConnection,
    Engine::Sqlite
);
executor_enum!(PgEx, Postgres, PgPool, PgConnection, Engine::Postgres);

impl<'c> From<SqliteEx<'c>> for Ex<'c> {
    fn from(e: SqliteEx<'c>) -> Self {
        Ex::Sqlite(e)
    }
}

impl<'c> From<PgEx<'c>> for Ex<'c> {
    fn from(e: PgEx<'c>) -> Self {
        Ex::Postgres(e)
    }
}

/// A value bound into a statement built at run time (list filters), on either engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Int(i64),
    Time(Timestamp),
}

/// What a run-time query builder needs of an engine.
pub trait Dialect: sqlx::Database {
    /// The engine this is.
    const ENGINE: Engine;

    /// Appends `v` as the next bound parameter.
    fn push_arg(q: &mut QueryBuilder<'_, Self>, v: Arg);
}

macro_rules! dialect {
    ($db:ty, $engine:expr) => {
        impl Dialect for $db {
            const ENGINE: Engine = $engine;

            fn push_arg(q: &mut QueryBuilder<'_, Self>, v: Arg) {
                match v {
                    Arg::Text(s) => q.push_bind(s),
                    Arg::Int(i) => q.push_bind(i),
                    Arg::Time(t) => q.push_bind(t),
                };
            }
        }
    };
}

dialect!(Sqlite, Engine::Sqlite);
dialect!(Postgres, Engine::Postgres);
