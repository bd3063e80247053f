//! Moving a business from embedded SQLite to PostgreSQL (issue #13):
//! `household-server migrate --from-sqlite DIR --to postgres://…`.
//!
//! [`sqlite_to_postgres`] copies the SQLite database of a data folder (a standalone desktop's
//! or a SQLite server's: both hold `household.sqlite3` and `documents/`) into an EMPTY
//! PostgreSQL database, then the documents into the server's documents folder:
//!
//! 1. The target is looked at first: a row in any of its tables refuses the migration before
//!    anything is written anywhere (and again under a lock inside the copy's transaction).
//! 2. The SQLite file is brought to the current schema with [`crate::db::open`], i.e. its
//!    pending migrations are applied, exactly as this version of the app does on its next
//!    start. The PostgreSQL schema is the final state of the SQLite migrations, so an older
//!    file could not be copied column for column; its migrations (some back-fill data) are
//!    the only correct way forward, they are transactional, and the file stays a valid
//!    SQLite business of this version (the way back, should the move be abandoned). A file
//!    of a newer version (migrations this binary does not know) is refused by the migrator.
//!    The data is then read through a read-only connection, in one read transaction (one
//!    consistent snapshot). Whatever uses the file should be stopped first: writes made
//!    after the snapshot are not copied.
//! 3. [`crate::db::open_postgres`] creates the schema; the tables to copy are SQLite's own
//!    (not `_sqlx_migrations`, not `sqlite_*`), which must be PostgreSQL's, column for column.
//!    Each column is converted by its PostgreSQL type (`information_schema`): TIMESTAMPTZ from
//!    RFC 3339 text, BOOLEAN from 0/1, BIGINT, TEXT, DOUBLE PRECISION, BYTEA; any other
//!    stored value (text in an integer column, a 2 in a flag) stops the migration, naming the
//!    table, column and row.
//! 4. In ONE PostgreSQL transaction: the tables are locked, checked empty again, and filled
//!    parents first (the order comes from SQLite's `pragma_foreign_key_list`) with `COPY …
//!    FROM STDIN`, streamed from a blocking reader thread (a table's secondary indexes are
//!    dropped before its copy and made again from their own definitions after it, which is
//!    much faster than growing them row by row); every identity sequence is moved
//!    past the copied ids (and past SQLite's `sqlite_sequence`, so the event log, whose ids
//!    the desktops follow, never gives an id twice); every table is verified (below); the
//!    documents are copied. Only then does it commit: any failure leaves PostgreSQL empty.
//! 5. Verification: per table, the row count and a SHA-256 over a canonical rendering of each
//!    row in primary-key order (text in byte order on both engines), computed the same way
//!    from the SQLite rows (as converted) and from the rows read back from PostgreSQL:
//!    NULL, integers, reals, text (length-prefixed), instants in one ISO-8601 form (UTC, `Z`,
//!    fraction only when there is one) and booleans as 0/1 each have their own tag, so no
//!    two different rows render alike. [`verify`] runs the same comparison later, outside
//!    the migration.
//! 6. Documents are files named by their content hash (`documents/ab/ab…64 hex….pdf`): each
//!    is copied under the same relative path (temp file, fsync, rename), its SHA-256 checked
//!    against its name; a file already there with the right content is skipped. Hidden
//!    files (an interrupted upload's temp file) are left out.

use crate::error::{AppError, AppResult};
use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::TryStreamExt;
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// sqlx's own table on both engines: not business data, never copied.
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// COPY data goes to the server in pieces of about this size.
const CHUNK_BYTES: usize = 256 * 1024;

/// What a migration did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// Every table, in the order it was copied (parents before children).
    pub tables: Vec<TableReport>,
    pub documents: DocumentsReport,
    /// The whole migration, from the first look at the target to the commit.
    pub elapsed_ms: u64,
}

/// One copied table, verified equal on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    pub table: String,
    pub rows: u64,
    /// SHA-256 (hex) of the table's canonical rendering, the same in SQLite and PostgreSQL.
    pub checksum: String,
    /// For a table with an identity column: the id PostgreSQL gives the next new row.
    pub next_id: Option<i64>,
}

/// The documents folder's copy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentsReport {
    /// Files written to the target folder.
    pub copied: u64,
    /// Files already there with the same content (or source and target are one folder).
    pub already_present: u64,
    pub bytes_copied: u64,
}

/// One table compared on both sides ([`verify`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCheck {
    pub table: String,
    pub source_rows: u64,
    pub target_rows: u64,
    pub source_checksum: String,
    pub target_checksum: String,
}

impl TableCheck {
    /// Same rows on both sides.
    pub fn matches(&self) -> bool {
        self.source_rows == self.target_rows && self.source_checksum == self.target_checksum
    }

    /// What differs, in a sentence (empty when nothing does).
    pub fn difference(&self) -> String {
        if self.source_rows != self.target_rows {
            format!(
                "table `{}`: {} rows in SQLite, {} in PostgreSQL",
                self.table, self.source_rows, self.target_rows
            )
        } else if self.source_checksum != self.target_checksum {
            format!(
                "table `{}`: the same {} rows count, but their contents differ (checksum {} in SQLite, {} in PostgreSQL)",
                self.table, self.source_rows, self.source_checksum, self.target_checksum
            )
        } else {
            String::new()
        }
    }
}

/// Copies the SQLite business in `from_dir` into the empty PostgreSQL database at `to_url`,
/// and its documents into `documents_to`; verifies everything before committing (see the
/// module doc). `progress` hears one line per step and per table.
pub async fn sqlite_to_postgres(
    from_dir: &Path,
    to_url: &str,
    documents_to: &Path,
    mut progress: impl FnMut(&str) + Send,
) -> AppResult<MigrationReport> {
    let started = Instant::now();
    let source = source_file(from_dir)?;
    check_url(to_url)?;

    // Nothing is written anywhere (not even the schema) into a database that holds data.
    let mut first_look = connect(to_url).await?;
    let refused = refuse_rows(&mut first_look).await;
    let _ = first_look.close().await;
    refused?;

    progress("Opening the SQLite database (and applying any pending migrations)");
    let sqlite = crate::db::open(&source).await.map_err(|e| {
        AppError::Internal(format!(
            "cannot open the SQLite database {}: {e}",
            source.display()
        ))
    })?;
    sqlite.close().await;

    progress("Creating the schema in PostgreSQL");
    let crate::store::Pool::Postgres(pg) = crate::db::open_postgres(to_url).await? else {
        return Err(AppError::internal(
            "open_postgres gave a non-PostgreSQL pool",
        ));
    };
    let result = copy_all(&source, from_dir, &pg, documents_to, &mut progress).await;
    pg.close().await;
    let (tables, documents) = result?;
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    progress(&format!("Done in {elapsed_ms} ms"));
    Ok(MigrationReport {
        tables,
        documents,
        elapsed_ms,
    })
}

/// Compares the SQLite business in `from_dir` with the PostgreSQL database at `to_url`, table
/// by table (row counts and checksums, as the migration does before it commits). Reads only:
/// the SQLite file is not migrated, so it must be at this version's schema already.
pub async fn verify(from_dir: &Path, to_url: &str) -> AppResult<Vec<TableCheck>> {
    let source = source_file(from_dir)?;
    check_url(to_url)?;
    let mut conn = connect(to_url).await?;
    let result = async {
        let plan = make_plan(&source, &mut conn).await?;
        let reader = {
            let (source, plan) = (source.clone(), plan.clone());
            tokio::task::spawn_blocking(move || read_tables(&source, &plan, None))
        };
        let mut tx = conn
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?;
        let mut target = Vec::new();
        for table in &plan {
            target.push(checksum_postgres(&mut tx, table).await?);
        }
        tx.rollback().await?;
        let source_sums = reader.await??;
        Ok(checks(&plan, &source_sums, &target))
    }
    .await;
    let _ = conn.close().await;
    result
}

// ---- the copy --------------------------------------------------------------------------------

/// Steps 3 to 6 of the module doc, on the migrated target.
async fn copy_all(
    source: &Path,
    from_dir: &Path,
    pg: &sqlx::PgPool,
    documents_to: &Path,
    progress: &mut (impl FnMut(&str) + Send),
) -> AppResult<(Vec<TableReport>, DocumentsReport)> {
    let mut conn = pg.acquire().await?;
    let plan = make_plan(source, &mut conn).await?;
    let mut tx = conn.begin().await?;
    sqlx::query("SET LOCAL lock_timeout = '30s'")
        .execute(&mut *tx)
        .await?;
    // Nobody else touches them meanwhile (another migration, a server started too early:
    // they wait); the indexes are dropped and made again below.
    let all: Vec<String> = plan.iter().map(|t| ident(&t.name)).collect();
    sqlx::query(&format!(
        "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
        all.join(", ")
    ))
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        AppError::Internal(format!(
            "cannot lock the target's tables (is a server using that database?): {e}"
        ))
    })?;
    refuse_rows(&mut tx).await?;

    // The reader streams every table in plan order, in one SQLite snapshot.
    let (sender, mut pieces) = tokio::sync::mpsc::channel::<AppResult<Piece>>(8);
    let reader = {
        let (source, plan) = (source.to_path_buf(), plan.clone());
        tokio::task::spawn_blocking(move || {
            if let Err(e) = read_tables(&source, &plan, Some(&sender)) {
                let _ = sender.blocking_send(Err(e));
            }
        })
    };
    let mut source_sums = Vec::new();
    for table in &plan {
        let started = Instant::now();
        // Building an index once after the copy is much cheaper than growing it row by row
        // (100k requests: 2.2 s instead of 3.5 s); the keys and UNIQUE constraints stay.
        let indexes = secondary_indexes(&mut tx, table).await?;
        for (name, _) in &indexes {
            sqlx::query(&format!("DROP INDEX {name}"))
                .execute(&mut *tx)
                .await
                .map_err(|e| in_table(&table.name, e))?;
        }
        let copy_sql = format!(
            "COPY {} ({}) FROM STDIN",
            ident(&table.name),
            column_list(table)
        );
        let mut copy = tx
            .copy_in_raw(&copy_sql)
            .await
            .map_err(|e| in_table(&table.name, e))?;
        let (rows, checksum) = loop {
            match pieces.recv().await {
                Some(Ok(Piece::Data(bytes))) => {
                    copy.send(bytes)
                        .await
                        .map_err(|e| in_table(&table.name, e))?;
                }
                Some(Ok(Piece::Done { rows, checksum })) => break (rows, checksum),
                Some(Err(e)) => {
                    let _ = copy.abort("the SQLite side failed").await;
                    return Err(e);
                }
                None => {
                    let _ = copy.abort("the SQLite reader stopped").await;
                    return Err(AppError::internal("the SQLite reader stopped early"));
                }
            }
        };
        let copied = copy.finish().await.map_err(|e| in_table(&table.name, e))?;
        for (_, create) in &indexes {
            sqlx::query(create)
                .execute(&mut *tx)
                .await
                .map_err(|e| in_table(&table.name, e))?;
        }
        if copied != rows {
            return Err(AppError::Internal(format!(
                "table `{}`: {rows} rows read from SQLite but {copied} copied",
                table.name
            )));
        }
        progress(&format!(
            "{}: {rows} rows copied ({} ms)",
            table.name,
            started.elapsed().as_millis()
        ));
        source_sums.push((rows, checksum));
    }
    reader.await?;

    let mut next_ids = Vec::new();
    for table in &plan {
        next_ids.push(match &table.identity {
            Some(column) => Some(move_sequence(&mut tx, table, column).await?),
            None => None,
        });
    }

    let started = Instant::now();
    let mut target_sums = Vec::new();
    for table in &plan {
        target_sums.push(checksum_postgres(&mut tx, table).await?);
    }
    let checks = checks(&plan, &source_sums, &target_sums);
    let differences: Vec<String> = checks
        .iter()
        .filter(|c| !c.matches())
        .map(TableCheck::difference)
        .collect();
    if !differences.is_empty() {
        return Err(AppError::Internal(format!(
            "the copy differs from the SQLite database, so it was rolled back (PostgreSQL holds nothing of it): {}",
            differences.join("; ")
        )));
    }
    progress(&format!(
        "Verified: every table's row count and checksum read back from PostgreSQL equal SQLite's ({} ms)",
        started.elapsed().as_millis()
    ));

    let documents = {
        let (from, to) = (from_dir.join("documents"), documents_to.to_path_buf());
        tokio::task::spawn_blocking(move || copy_documents(&from, &to)).await??
    };
    progress(&format!(
        "Documents: {} copied ({} bytes), {} already there",
        documents.copied, documents.bytes_copied, documents.already_present
    ));

    tx.commit().await?;
    let tables = checks
        .into_iter()
        .zip(next_ids)
        .map(|(c, next_id)| TableReport {
            table: c.table,
            rows: c.target_rows,
            checksum: c.target_checksum,
            next_id,
        })
        .collect();
    Ok((tables, documents))
}

/// The table's indexes that back no constraint (its plain and partial CREATE INDEXes):
/// `(name, the statement that makes it again)`.
async fn secondary_indexes(
    tx: &mut PgConnection,
    table: &TablePlan,
) -> AppResult<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           FROM pg_index i
          WHERE i.indrelid = $1::regclass
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
          ORDER BY 1",
    )
    .bind(ident(&table.name))
    .fetch_all(tx)
    .await
    .map_err(|e| in_table(&table.name, e))
}

/// Sets the identity sequence of `column` so that the next new row gets an id above every
/// copied one and above SQLite's AUTOINCREMENT high-water mark. Returns that next id.
async fn move_sequence(tx: &mut PgConnection, table: &TablePlan, column: &str) -> AppResult<i64> {
    let sql = format!(
        "SELECT setval(pg_get_serial_sequence($1, $2), \
         GREATEST(COALESCE((SELECT max({}) FROM {}), 0), $3) + 1, false)",
        ident(column),
        ident(&table.name)
    );
    sqlx::query_scalar(&sql)
        .bind(ident(&table.name))
        .bind(column)
        .bind(table.sqlite_sequence.unwrap_or(0))
        .fetch_one(tx)
        .await
        .map_err(|e| in_table(&table.name, e))
}

fn checks(
    plan: &[TablePlan],
    source: &[(u64, String)],
    target: &[(u64, String)],
) -> Vec<TableCheck> {
    plan.iter()
        .zip(source.iter().zip(target))
        .map(|(t, ((sr, sc), (tr, tc)))| TableCheck {
            table: t.name.clone(),
            source_rows: *sr,
            target_rows: *tr,
            source_checksum: sc.clone(),
            target_checksum: tc.clone(),
        })
        .collect()
}

fn in_table(table: &str, e: sqlx::Error) -> AppError {
    AppError::Internal(format!("table `{table}`: PostgreSQL: {e}"))
}

/// `household.sqlite3` in `dir`, which must exist (opening would create an empty one).
fn source_file(dir: &Path) -> AppResult<PathBuf> {
    let file = dir.join(crate::app::DB_FILE);
    if !file.is_file() {
        return Err(AppError::NotFound(format!(
            "There is no SQLite database in {} (no {} there): give the data folder of the desktop or server to migrate.",
            dir.display(),
            crate::app::DB_FILE
        )));
    }
    Ok(file)
}

fn check_url(url: &str) -> AppResult<()> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(())
    } else {
        Err(AppError::validation(
            "to",
            "The target must be a PostgreSQL URL: postgres://user:password@host:5432/database",
        ))
    }
}

async fn connect(url: &str) -> AppResult<PgConnection> {
    let options = <sqlx::postgres::PgConnectOptions as std::str::FromStr>::from_str(url)
        .map_err(|e| AppError::validation("to", format!("This is not a PostgreSQL URL: {e}")))?;
    tokio::time::timeout(
        Duration::from_secs(10),
        PgConnection::connect_with(&options),
    )
    .await
    .map_err(|_| AppError::Unavailable("PostgreSQL did not answer within 10 s".into()))?
    .map_err(|e| AppError::Unavailable(format!("cannot connect to PostgreSQL: {e}")))
}

/// Refuses a target whose tables (any in its schema but sqlx's) hold a row, naming one.
async fn refuse_rows(conn: &mut PgConnection) -> AppResult<()> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1
          ORDER BY table_name",
    )
    .bind(MIGRATIONS_TABLE)
    .fetch_all(&mut *conn)
    .await?;
    let mut with_rows = Vec::new();
    for t in &tables {
        let any: bool = sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM {})", ident(t)))
            .fetch_one(&mut *conn)
            .await?;
        if any {
            with_rows.push(t.as_str());
        }
    }
    match with_rows.as_slice() {
        [] => Ok(()),
        [first, rest @ ..] => Err(AppError::Conflict(format!(
            "The target database is not empty: table `{first}` has rows{}. A migration only goes \
             into a new, empty database; nothing was written.",
            match rest.len() {
                0 => String::new(),
                n => format!(" (and {n} more table(s))"),
            }
        ))),
    }
}

// ---- the plan: tables, columns, types, order ---------------------------------------------

/// How a column's values are converted and compared (from its PostgreSQL type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Real,
    Text,
    Time,
    Bool,
    Bytes,
}

impl Kind {
    fn of(pg_type: &str) -> Option<Kind> {
        Some(match pg_type {
            "bigint" | "integer" | "smallint" => Kind::Int,
            "double precision" => Kind::Real,
            "text" | "character varying" => Kind::Text,
            "timestamp with time zone" => Kind::Time,
            "boolean" => Kind::Bool,
            "bytea" => Kind::Bytes,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Int => "an integer",
            Kind::Real => "a number",
            Kind::Text => "text",
            Kind::Time => "an RFC 3339 time",
            Kind::Bool => "a flag (0 or 1)",
            Kind::Bytes => "bytes (a blob)",
        }
    }
}

#[derive(Debug, Clone)]
struct ColumnPlan {
    name: String,
    kind: Kind,
    /// PostgreSQL's `data_type` (which integer width to decode).
    pg_type: String,
}

#[derive(Debug, Clone)]
struct TablePlan {
    name: String,
    /// In SQLite's order.
    columns: Vec<ColumnPlan>,
    /// Indexes into `columns` of the primary key (all columns for a table without one).
    key: Vec<usize>,
    has_primary_key: bool,
    /// PostgreSQL's identity column, if any.
    identity: Option<String>,
    /// SQLite's AUTOINCREMENT high-water mark of this table, if it has one.
    sqlite_sequence: Option<i64>,
}

struct SqliteTable {
    columns: Vec<String>,
    /// The primary key's columns in key order.
    key: Vec<String>,
    /// Tables it has foreign keys to.
    parents: BTreeSet<String>,
}

struct PgColumn {
    name: String,
    data_type: String,
    identity: bool,
}

/// Reads both schemas and decides what to copy, how, and in which order.
async fn make_plan(source: &Path, pg: &mut PgConnection) -> AppResult<Vec<TablePlan>> {
    let (sqlite, sequences) = {
        let source = source.to_path_buf();
        tokio::task::spawn_blocking(move || read_sqlite_schema(&source)).await??
    };
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_identity::text
           FROM information_schema.columns c
           JOIN information_schema.tables t
             ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            AND c.table_name <> $1
          ORDER BY c.table_name, c.ordinal_position",
    )
    .bind(MIGRATIONS_TABLE)
    .fetch_all(&mut *pg)
    .await?;
    let mut postgres: BTreeMap<String, Vec<PgColumn>> = BTreeMap::new();
    for (table, name, data_type, identity) in rows {
        postgres.entry(table).or_default().push(PgColumn {
            name,
            data_type,
            identity: identity == "YES",
        });
    }
    plan(&sqlite, &sequences, &postgres)
}

fn plan(
    sqlite: &BTreeMap<String, SqliteTable>,
    sequences: &BTreeMap<String, i64>,
    postgres: &BTreeMap<String, Vec<PgColumn>>,
) -> AppResult<Vec<TablePlan>> {
    let mut problems = Vec::new();
    for t in postgres.keys().filter(|t| !sqlite.contains_key(*t)) {
        problems.push(format!("table `{t}` is only in PostgreSQL"));
    }
    let mut plans = BTreeMap::new();
    for (name, table) in sqlite {
        let Some(pg_columns) = postgres.get(name) else {
            problems.push(format!("table `{name}` is only in SQLite"));
            continue;
        };
        for c in pg_columns
            .iter()
            .filter(|c| !table.columns.contains(&c.name))
        {
            problems.push(format!("column `{name}.{}` is only in PostgreSQL", c.name));
        }
        let mut columns = Vec::new();
        for c in &table.columns {
            let Some(pg) = pg_columns.iter().find(|p| &p.name == c) else {
                problems.push(format!("column `{name}.{c}` is only in SQLite"));
                continue;
            };
            match Kind::of(&pg.data_type) {
                Some(kind) => columns.push(ColumnPlan {
                    name: c.clone(),
                    kind,
                    pg_type: pg.data_type.clone(),
                }),
                None => problems.push(format!(
                    "column `{name}.{c}` has the PostgreSQL type {}, which the migration does not convert to",
                    pg.data_type
                )),
            }
        }
        let position = |c: &String| columns.iter().position(|p| &p.name == c);
        let key: Vec<usize> = table.key.iter().filter_map(position).collect();
        let has_primary_key = !key.is_empty();
        plans.insert(
            name.clone(),
            TablePlan {
                name: name.clone(),
                key: if has_primary_key {
                    key
                } else {
                    (0..columns.len()).collect()
                },
                has_primary_key,
                identity: pg_columns
                    .iter()
                    .find(|c| c.identity)
                    .map(|c| c.name.clone()),
                sqlite_sequence: sequences.get(name).copied(),
                columns,
            },
        );
    }
    if !problems.is_empty() {
        return Err(AppError::Conflict(format!(
            "The SQLite database and the PostgreSQL schema differ (both must be of this version), so nothing was compared or copied: {}",
            problems.join("; ")
        )));
    }
    let parents: BTreeMap<&str, BTreeSet<&str>> = sqlite
        .iter()
        .map(|(t, s)| (t.as_str(), s.parents.iter().map(String::as_str).collect()))
        .collect();
    Ok(parents_first(&parents)?
        .into_iter()
        .filter_map(|t| plans.remove(t))
        .collect())
}

/// The tables in an order where every table comes after the tables it references (a table's
/// references to itself, and to tables that do not exist, do not count); ties alphabetical.
fn parents_first<'a>(parents: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> AppResult<Vec<&'a str>> {
    let mut order: Vec<&str> = Vec::new();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    loop {
        let ready: Vec<&str> = parents
            .iter()
            .filter(|(t, _)| !placed.contains(*t))
            .filter(|(t, ps)| {
                ps.iter()
                    .all(|p| p == *t || placed.contains(p) || !parents.contains_key(p))
            })
            .map(|(t, _)| *t)
            .collect();
        if ready.is_empty() {
            break;
        }
        placed.extend(ready.iter().copied());
        order.extend(ready);
    }
    if order.len() < parents.len() {
        let stuck: Vec<&str> = parents
            .keys()
            .filter(|t| !placed.contains(*t))
            .copied()
            .collect();
        return Err(AppError::Conflict(format!(
            "these tables reference each other in a cycle, so no copy order fills parents first: {}",
            stuck.join(", ")
        )));
    }
    Ok(order)
}

type SqliteSchema = (BTreeMap<String, SqliteTable>, BTreeMap<String, i64>);

fn read_sqlite_schema(source: &Path) -> AppResult<SqliteSchema> {
    let conn = open_read_only(source)?;
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master
              WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ?1
              ORDER BY name",
        )?
        .query_map([MIGRATIONS_TABLE], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut tables = BTreeMap::new();
    for name in names {
        let mut columns = Vec::new();
        let mut key: Vec<(i64, String)> = Vec::new();
        let mut stmt = conn.prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?;
        let mut rows = stmt.query([&name])?;
        while let Some(row) = rows.next()? {
            let (column, pk): (String, i64) = (row.get(0)?, row.get(1)?);
            if pk > 0 {
                key.push((pk, column.clone()));
            }
            columns.push(column);
        }
        key.sort();
        let parents = conn
            .prepare("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)")?
            .query_map([&name], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        tables.insert(
            name,
            SqliteTable {
                columns,
                key: key.into_iter().map(|(_, c)| c).collect(),
                parents,
            },
        );
    }
    let has_sequences: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence')",
        [],
        |r| r.get(0),
    )?;
    let mut sequences = BTreeMap::new();
    if has_sequences {
        let mut stmt = conn.prepare("SELECT name, seq FROM sqlite_sequence")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if let (Ok(name), Ok(seq)) = (row.get::<_, String>(0), row.get::<_, i64>(1)) {
                sequences.insert(name, seq);
            }
        }
    }
    Ok((tables, sequences))
}

fn open_read_only(source: &Path) -> AppResult<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    Ok(conn)
}

/// `"name"`, quoted for either engine.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn column_list(table: &TablePlan) -> String {
    table
        .columns
        .iter()
        .map(|c| ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The table's rows in key order, the same order on both engines: text keys in byte order
/// (SQLite's BINARY, PostgreSQL's "C"); NULLs first (only possible without a primary key).
fn select_sql(table: &TablePlan, postgres: bool) -> String {
    let order: Vec<String> = table
        .key
        .iter()
        .map(|&i| {
            let c = &table.columns[i];
            let mut term = ident(&c.name);
            if c.kind == Kind::Text {
                term.push_str(if postgres {
                    " COLLATE \"C\""
                } else {
                    " COLLATE BINARY"
                });
            }
            if postgres && !table.has_primary_key {
                term.push_str(" NULLS FIRST");
            }
            term
        })
        .collect();
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        column_list(table),
        ident(&table.name),
        order.join(", ")
    )
}

// ---- values: converting, rendering, hashing -------------------------------------------------

/// One value as both engines' rows are compared (and as COPY receives it).
#[derive(Debug, Clone, Copy)]
enum Val<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Time(DateTime<Utc>),
    Bool(bool),
    Bytes(&'a [u8]),
}

/// The SQLite value converted for a column of this kind, or why it cannot be.
fn from_sqlite(raw: ValueRef<'_>, kind: Kind) -> Result<Val<'_>, String> {
    Ok(match (kind, raw) {
        (_, ValueRef::Null) => Val::Null,
        (Kind::Int, ValueRef::Integer(i)) => Val::Int(i),
        (Kind::Real, ValueRef::Real(f)) => Val::Real(f),
        (Kind::Real, ValueRef::Integer(i)) => {
            let f = i as f64;
            if f as i64 != i {
                return Err(format!(
                    "the integer {i}, which a double cannot hold exactly"
                ));
            }
            Val::Real(f)
        }
        (Kind::Bool, ValueRef::Integer(0)) => Val::Bool(false),
        (Kind::Bool, ValueRef::Integer(1)) => Val::Bool(true),
        (Kind::Text, ValueRef::Text(b)) => {
            let s = text(b)?;
            if s.contains('\0') {
                return Err("text with a NUL character, which PostgreSQL cannot store".into());
            }
            Val::Text(s)
        }
        (Kind::Time, ValueRef::Text(b)) => {
            let s = text(b)?;
            match DateTime::parse_from_rfc3339(s) {
                Ok(t) => Val::Time(t.with_timezone(&Utc)),
                Err(_) => return Err(format!("{s:?}, which is not an RFC 3339 time")),
            }
        }
        (Kind::Bytes, ValueRef::Blob(b)) => Val::Bytes(b),
        (kind, other) => {
            let what = match other {
                ValueRef::Integer(i) => format!("the integer {i}"),
                ValueRef::Real(f) => format!("the number {f}"),
                ValueRef::Text(b) => format!("the text {:?}", String::from_utf8_lossy(b)),
                ValueRef::Blob(b) => format!("a blob of {} bytes", b.len()),
                ValueRef::Null => "NULL".into(),
            };
            return Err(format!("{what} where PostgreSQL expects {}", kind.name()));
        }
    })
}

fn text(b: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(b).map_err(|_| "text that is not valid UTF-8".to_owned())
}

/// Appends the value in its canonical form for the checksum: a tag, then the value; text and
/// bytes length-prefixed; a unit separator after each value.
fn canonical(v: Val<'_>, out: &mut Vec<u8>) {
    // Writing to a Vec cannot fail.
    let _ = match v {
        Val::Null => out.write_all(b"N"),
        Val::Int(i) => write!(out, "I{i}"),
        Val::Real(f) => write!(out, "R{f:?}"),
        Val::Text(s) => write!(out, "T{}:{s}", s.len()),
        Val::Time(t) => write!(out, "S{}", iso(t)),
        Val::Bool(b) => write!(out, "B{}", u8::from(b)),
        Val::Bytes(b) => write!(out, "X{}:", b.len()).and_then(|()| out.write_all(b)),
    };
    out.push(0x1f);
}

/// An instant as both sides render it: UTC, `Z`, a fraction only when there is one.
fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Appends the value as one field of COPY's text format.
fn copy_text(v: Val<'_>, out: &mut Vec<u8>) {
    let _ = match v {
        Val::Null => out.write_all(b"\\N"),
        Val::Int(i) => write!(out, "{i}"),
        Val::Real(f) if f.is_nan() => out.write_all(b"NaN"),
        Val::Real(f) if f.is_infinite() => {
            out.write_all(if f > 0.0 { b"Infinity" } else { b"-Infinity" })
        }
        Val::Real(f) => write!(out, "{f:?}"),
        Val::Text(s) => {
            for b in s.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    _ => out.push(b),
                }
            }
            Ok(())
        }
        Val::Time(t) => out.write_all(iso(t).as_bytes()),
        Val::Bool(b) => out.write_all(if b { b"t" } else { b"f" }),
        // bytea's hex input, its backslash escaped for COPY.
        Val::Bytes(b) => out
            .write_all(b"\\\\x")
            .and_then(|()| out.write_all(hex::encode(b).as_bytes())),
    };
}

/// A checksum over one table: its name and columns, then each row.
fn new_hasher(table: &TablePlan) -> Sha256 {
    let mut h = Sha256::new();
    let mut head = table.name.clone();
    for c in &table.columns {
        let _ = write!(head, "\x1f{}:{:?}", c.name, c.kind);
    }
    head.push('\x1e');
    h.update(head.as_bytes());
    h
}

// ---- reading both sides -----------------------------------------------------------------

/// What the SQLite reader sends: COPY data, then a table's count and checksum.
enum Piece {
    Data(Vec<u8>),
    Done { rows: u64, checksum: String },
}

/// Reads every table of `plan` in one snapshot: counts and checksums, and (with `out`) the
/// COPY data, table after table, each ended by its `Piece::Done`.
fn read_tables(
    source: &Path,
    plan: &[TablePlan],
    out: Option<&tokio::sync::mpsc::Sender<AppResult<Piece>>>,
) -> AppResult<Vec<(u64, String)>> {
    let conn = open_read_only(source)?;
    conn.execute_batch("BEGIN")?;
    let send = |piece: Piece| -> AppResult<()> {
        match out {
            Some(out) => out
                .blocking_send(Ok(piece))
                .map_err(|_| AppError::internal("the PostgreSQL side stopped")),
            None => Ok(()),
        }
    };
    let mut sums = Vec::new();
    for table in plan {
        let mut stmt = conn.prepare(&select_sql(table, false))?;
        let mut rows = stmt.query([])?;
        let mut hasher = new_hasher(table);
        let mut canon = Vec::new();
        let mut copy = Vec::with_capacity(if out.is_some() { CHUNK_BYTES * 2 } else { 0 });
        let mut n = 0u64;
        while let Some(row) = rows.next()? {
            canon.clear();
            for (i, column) in table.columns.iter().enumerate() {
                let v = from_sqlite(row.get_ref(i)?, column.kind).map_err(|why| {
                    AppError::Conflict(format!(
                        "table `{}`, row {}: column `{}` holds {why}; nothing was written",
                        table.name,
                        row_key(table, row),
                        column.name
                    ))
                })?;
                canonical(v, &mut canon);
                if out.is_some() {
                    if i > 0 {
                        copy.push(b'\t');
                    }
                    copy_text(v, &mut copy);
                }
            }
            canon.push(0x1e);
            hasher.update(&canon);
            n += 1;
            if out.is_some() {
                copy.push(b'\n');
                if copy.len() >= CHUNK_BYTES {
                    send(Piece::Data(std::mem::replace(
                        &mut copy,
                        Vec::with_capacity(CHUNK_BYTES * 2),
                    )))?;
                }
            }
        }
        if !copy.is_empty() {
            send(Piece::Data(copy))?;
        }
        let checksum = hex::encode(hasher.finalize());
        send(Piece::Done {
            rows: n,
            checksum: checksum.clone(),
        })?;
        sums.push((n, checksum));
    }
    conn.execute_batch("COMMIT")?;
    Ok(sums)
}

/// The row's key as `id = 5` or `(user_id, key) = (3, 'x')`, for messages.
fn row_key(table: &TablePlan, row: &rusqlite::Row<'_>) -> String {
    let show = |i: usize| match row.get_ref(i) {
        Ok(ValueRef::Integer(v)) => v.to_string(),
        Ok(ValueRef::Real(v)) => v.to_string(),
        Ok(ValueRef::Text(b)) => format!("'{}'", String::from_utf8_lossy(b)),
        Ok(ValueRef::Blob(b)) => format!("<{} bytes>", b.len()),
        Ok(ValueRef::Null) => "NULL".into(),
        Err(_) => "?".into(),
    };
    let names: Vec<&str> = table
        .key
        .iter()
        .map(|&i| table.columns[i].name.as_str())
        .collect();
    let values: Vec<String> = table.key.iter().map(|&i| show(i)).collect();
    if names.len() == 1 {
        format!("{} = {}", names[0], values[0])
    } else {
        format!("({}) = ({})", names.join(", "), values.join(", "))
    }
}

/// One table's row count and checksum as read back from PostgreSQL.
async fn checksum_postgres(conn: &mut PgConnection, table: &TablePlan) -> AppResult<(u64, String)> {
    let sql = select_sql(table, true);
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    let mut hasher = new_hasher(table);
    let mut canon = Vec::new();
    let mut n = 0u64;
    while let Some(row) = rows
        .try_next()
        .await
        .map_err(|e| in_table(&table.name, e))?
    {
        canon.clear();
        for (i, column) in table.columns.iter().enumerate() {
            decode_postgres(&row, i, column, &mut canon).map_err(|e| in_table(&table.name, e))?;
        }
        canon.push(0x1e);
        hasher.update(&canon);
        n += 1;
    }
    Ok((n, hex::encode(hasher.finalize())))
}

fn decode_postgres(
    row: &sqlx::postgres::PgRow,
    i: usize,
    column: &ColumnPlan,
    out: &mut Vec<u8>,
) -> sqlx::Result<()> {
    let v = match column.kind {
        Kind::Int => match column.pg_type.as_str() {
            "integer" => row.try_get::<Option<i32>, _>(i)?.map(i64::from),
            "smallint" => row.try_get::<Option<i16>, _>(i)?.map(i64::from),
            _ => row.try_get::<Option<i64>, _>(i)?,
        }
        .map_or(Val::Null, Val::Int),
        Kind::Real => row
            .try_get::<Option<f64>, _>(i)?
            .map_or(Val::Null, Val::Real),
        Kind::Text => row
            .try_get::<Option<&str>, _>(i)?
            .map_or(Val::Null, Val::Text),
        Kind::Time => row
            .try_get::<Option<DateTime<Utc>>, _>(i)?
            .map_or(Val::Null, Val::Time),
        Kind::Bool => row
            .try_get::<Option<bool>, _>(i)?
            .map_or(Val::Null, Val::Bool),
        Kind::Bytes => row
            .try_get::<Option<&[u8]>, _>(i)?
            .map_or(Val::Null, Val::Bytes),
    };
    canonical(v, out);
    Ok(())
}

// ---- documents --------------------------------------------------------------------------------

/// Copies the documents folder `from` into `to` (see the module doc); a missing `from` is an
/// empty one.
pub(crate) fn copy_documents(from: &Path, to: &Path) -> AppResult<DocumentsReport> {
    let mut report = DocumentsReport::default();
    if !from.is_dir() {
        return Ok(report);
    }
    let mut files = Vec::new();
    list_files(from, &mut files)?;
    let same_folder = match (from.canonicalize(), to.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same_folder {
        report.already_present = files.len() as u64;
        return Ok(report);
    }
    for file in files {
        let relative = file
            .strip_prefix(from)
            .map_err(|e| AppError::internal(format!("{}: {e}", file.display())))?;
        let target = to.join(relative);
        let expected = hash_name(&file);
        if target.is_file() {
            let present = match &expected {
                Some(hash) => sha256_of(&target)? == *hash,
                None => std::fs::read(&target)? == std::fs::read(&file)?,
            };
            if present {
                report.already_present += 1;
                continue;
            }
            if expected.is_none() {
                return Err(AppError::Conflict(format!(
                    "{} already exists with other content; the copy stopped before it",
                    target.display()
                )));
            }
            // A damaged copy under a hash name: replaced below by a checked one.
        }
        report.bytes_copied += copy_checked(&file, &target, expected.as_deref())?;
        report.copied += 1;
    }
    Ok(report)
}

pub(crate) fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> AppResult<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            list_files(&path, out)?;
        } else if path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// The SHA-256 a document's name promises (`<64 hex>.<ext>`), if it is such a name.
fn hash_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.split('.').next()?;
    (stem.len() == 64 && stem.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| stem.to_ascii_lowercase())
}

pub(crate) fn sha256_of(path: &Path) -> AppResult<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// Copies one file through a temp file (synced, then renamed), first checking the written
/// copy's SHA-256 against `expected`. Returns the bytes copied.
fn copy_checked(from: &Path, to: &Path, expected: Option<&str>) -> AppResult<u64> {
    let dir = to
        .parent()
        .ok_or_else(|| AppError::internal("a document path without a folder"))?;
    std::fs::create_dir_all(dir)?;
    let name = to.file_name().map(|n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(
        ".{}.{}.migrating",
        name.unwrap_or_default(),
        rand::random::<u32>()
    ));
    let result = (|| {
        let bytes = std::fs::copy(from, &tmp)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        if let Some(expected) = expected {
            let actual = sha256_of(&tmp)?;
            if actual != expected {
                return Err(AppError::Conflict(format!(
                    "the document {} does not match its name (its SHA-256 is {actual}): the file \
                     is damaged; the copy stopped before it",
                    from.display()
                )));
            }
        }
        std::fs::rename(&tmp, to)?;
        Ok(bytes)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_first_and_cycles_are_named() {
        let set = |v: &[&'static str]| v.iter().copied().collect::<BTreeSet<&str>>();
        let tables = BTreeMap::from([
            ("a_child", set(&["users", "services"])),
            ("services", set(&[])),
            ("users", set(&["users"])),
            ("grandchild", set(&["a_child", "missing"])),
        ]);
        assert_eq!(
            parents_first(&tables).unwrap(),
            ["services", "users", "a_child", "grandchild"]
        );
        let cycle = BTreeMap::from([("x", set(&["y"])), ("y", set(&["x"])), ("z", set(&[]))]);
        let err = parents_first(&cycle).unwrap_err().to_string();
        assert!(err.contains("x, y"), "{err}");
    }

    #[test]
    fn values_convert_by_the_target_type_or_say_why_not() {
        assert!(matches!(
            from_sqlite(ValueRef::Integer(1), Kind::Bool),
            Ok(Val::Bool(true))
        ));
        assert!(from_sqlite(ValueRef::Integer(2), Kind::Bool)
            .unwrap_err()
            .contains("the integer 2"));
        let Ok(Val::Time(t)) =
            from_sqlite(ValueRef::Text(b"2026-11-21T14:30:00+05:30"), Kind::Time)
        else {
            panic!("a time")
        };
        assert_eq!(iso(t), "2026-11-21T09:00:00Z");
        assert!(from_sqlite(ValueRef::Text(b"yesterday"), Kind::Time)
            .unwrap_err()
            .contains("RFC 3339"));
        assert!(from_sqlite(ValueRef::Text(b"12"), Kind::Int).is_err());

        let mut out = Vec::new();
        for v in [
            Val::Int(-3),
            Val::Null,
            Val::Text("a\tb\\c\nd"),
            Val::Bool(false),
            Val::Bytes(&[0, 255]),
        ] {
            copy_text(v, &mut out);
            out.push(b'|');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "-3|\\N|a\\tb\\\\c\\nd|f|\\\\x00ff|"
        );
    }

    #[test]
    fn the_canonical_form_tells_values_apart() {
        let render = |vals: &[Val<'_>]| {
            let mut out = Vec::new();
            for v in vals {
                canonical(*v, &mut out);
            }
            out
        };
        let distinct = [
            render(&[Val::Null]),
            render(&[Val::Text("")]),
            render(&[Val::Text("N")]),
            render(&[Val::Int(0)]),
            render(&[Val::Bool(false)]),
            render(&[Val::Text("a"), Val::Text("b")]),
            render(&[Val::Text("a\u{1f}Tb")]),
        ];
        let unique: BTreeSet<_> = distinct.iter().collect();
        assert_eq!(unique.len(), distinct.len());
    }

    #[test]
    fn hash_names_are_recognised() {
        let h = "ab".repeat(32);
        assert_eq!(
            hash_name(Path::new(&format!("x/ab/{h}.pdf"))).as_deref(),
            Some(h.as_str())
        );
        assert_eq!(hash_name(Path::new("x/readme.txt")), None);
    }
}
