//! The SQLite and the PostgreSQL schema are one schema (issue #13): `migrations/sqlite` and
//! `migrations/postgres` must end in the same tables, columns, keys, indexes and constraints.
//!
//! The test applies each folder to a fresh database (SQLite: a file in a temp folder;
//! PostgreSQL: a database it creates on the server named by `HS_TEST_POSTGRES_URL` and drops
//! afterwards), reads both catalogues into one neutral [`Schema`] and fails with a list of
//! every difference. Without `HS_TEST_POSTGRES_URL` it is skipped (with a line saying so),
//! except under `CI=true`, where PostgreSQL is always provided and its absence is a failure.
//! `scripts/postgres.sh` (`start_test_postgres`) starts a throw-away server and sets it.
//!
//! What is compared, per table (the `_sqlx_migrations` table and SQLite's own are skipped):
//! the columns in order, each with a type class (integer, real, text, blob, timestamp,
//! boolean), NOT NULL, its default and whether the database numbers it (SQLite: a rowid
//! `INTEGER PRIMARY KEY` that is not also a foreign key; PostgreSQL: an identity `BY
//! DEFAULT`); the primary key; foreign keys with their ON DELETE / ON UPDATE actions; UNIQUE
//! constraints; named indexes (columns, uniqueness, and for partial ones the columns their
//! WHERE reads); CHECK constraints, as the sets of columns each one reads (the expressions
//! are written differently by the two engines, so they are not compared); triggers; and the
//! rows the migrations leave (so seed data cannot exist on one side only). Views by name.
//!
//! Types. A PostgreSQL column is `integer` only as BIGINT (INT4 does not decode into the
//! code's i64), `real` as DOUBLE PRECISION, `text` as TEXT, `blob` as BYTEA, `timestamp` as
//! TIMESTAMPTZ, `boolean` as BOOLEAN; anything else is `unmapped(..)` and never matches. A
//! SQLite column's class follows SQLite's own affinity rules for its declared type. SQLite
//! has no timestamp or boolean type: its instants are ISO-8601 TEXT and its flags INTEGER
//! 0/1, so the declared types cannot say which TEXT column holds an instant. The rule:
//! **PostgreSQL's declared type is the authority** for exactly these two refinements — a
//! SQLite TEXT column whose PostgreSQL twin is TIMESTAMPTZ is a timestamp, and a SQLite
//! INTEGER whose twin is BOOLEAN is a boolean (its DEFAULT 0/1 reads as false/true, and it
//! must carry `CHECK (col IN (0, 1))`, which then counts as the type, not as a CHECK: the
//! PostgreSQL type enforces that domain itself). Nothing else is refined, so a TIMESTAMPTZ
//! over a SQLite INTEGER, or a BOOLEAN over TEXT, is still a difference; no list of column
//! names lives in this test. Because PostgreSQL decides, a column that is TEXT on both
//! sides passes even if the code stores instants in it: as a safety net, a PostgreSQL column
//! named `*_at` must be a timestamp and one named `is_*` a boolean.
//!
//! Adding a table, column, index, key, constraint or trigger to one engine only fails the
//! test, naming it; [`the_comparison_names_what_differs`] checks that the comparison itself
//! cannot pass vacuously.

use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Connection, PgConnection, PgPool, SqlitePool};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

// ---- the neutral schema -----------------------------------------------------------------

/// A schema as both engines can describe it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Schema {
    tables: BTreeMap<String, Table>,
    views: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Table {
    /// In declaration order.
    columns: Vec<Column>,
    /// The primary key's columns, in key order.
    primary_key: Vec<String>,
    foreign_keys: BTreeSet<ForeignKey>,
    /// UNIQUE constraints of the table definition (not `CREATE UNIQUE INDEX`: see `indexes`).
    unique: BTreeSet<Vec<String>>,
    /// Indexes made with CREATE INDEX, by name.
    indexes: BTreeMap<String, Index>,
    /// CHECK constraints: the (sorted) columns one reads → how many CHECKs read exactly those.
    checks: BTreeMap<Vec<String>, usize>,
    /// Constraints of kinds SQLite has no word for (PostgreSQL exclusion constraints...).
    other_constraints: BTreeSet<String>,
    triggers: BTreeSet<String>,
    /// Rows after the migrations (seed data).
    rows: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    name: String,
    class: Class,
    not_null: bool,
    default: Option<String>,
    generated: Generated,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Integer,
    Real,
    Text,
    Blob,
    Timestamp,
    Boolean,
    /// A declared type outside the mapping (e.g. PostgreSQL `integer`, `varchar`).
    Unmapped(String),
}

/// Whether the database gives the column its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generated {
    No,
    /// SQLite's rowid alias; a PostgreSQL identity `BY DEFAULT` (explicit values allowed).
    ByDefault,
    /// PostgreSQL `GENERATED ALWAYS AS IDENTITY`: refuses the explicit ids SQLite takes.
    Always,
    /// PostgreSQL `serial` (a sequence default instead of an identity).
    Serial,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    columns: Vec<String>,
    table: String,
    references: Vec<String>,
    on_delete: String,
    on_update: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Index {
    columns: Vec<String>,
    unique: bool,
    /// For a partial index, the columns its WHERE clause reads.
    partial: Option<BTreeSet<String>>,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Class::Integer => f.write_str("integer"),
            Class::Real => f.write_str("real"),
            Class::Text => f.write_str("text"),
            Class::Blob => f.write_str("blob"),
            Class::Timestamp => f.write_str("timestamp"),
            Class::Boolean => f.write_str("boolean"),
            Class::Unmapped(t) => write!(f, "unmapped({t})"),
        }
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.class)?;
        if self.not_null {
            f.write_str(" NOT NULL")?;
        }
        if let Some(d) = &self.default {
            write!(f, " DEFAULT {d}")?;
        }
        if self.generated != Generated::No {
            write!(f, " generated {:?}", self.generated)?;
        }
        Ok(())
    }
}

impl fmt::Display for ForeignKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
            self.columns.join(", "),
            self.table,
            self.references.join(", "),
            self.on_delete,
            self.on_update
        )
    }
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unique {
            f.write_str("UNIQUE ")?;
        }
        write!(f, "({})", self.columns.join(", "))?;
        if let Some(cols) = &self.partial {
            write!(f, " WHERE <reads {}>", join(cols))?;
        }
        Ok(())
    }
}

fn join<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    items
        .into_iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

// ---- comparing ----------------------------------------------------------------------------

const A: &str = "SQLite";
const B: &str = "PostgreSQL";

/// Every difference between the SQLite schema `a` and the PostgreSQL schema `b`, one line each.
fn diff(a: &Schema, b: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for name in a.tables.keys().filter(|t| !b.tables.contains_key(*t)) {
        out.push(format!("table `{name}`: only in {A}"));
    }
    for name in b.tables.keys().filter(|t| !a.tables.contains_key(*t)) {
        out.push(format!("table `{name}`: only in {B}"));
    }
    for (name, ta) in &a.tables {
        if let Some(tb) = b.tables.get(name) {
            diff_table(name, ta, tb, &mut out);
        }
    }
    one_sided(&a.views, &b.views, "view", &mut out);
    out
}

fn one_sided<T: Ord + fmt::Display>(
    a: &BTreeSet<T>,
    b: &BTreeSet<T>,
    what: &str,
    out: &mut Vec<String>,
) {
    for x in a.difference(b) {
        out.push(format!("{what} {x}: only in {A}"));
    }
    for x in b.difference(a) {
        out.push(format!("{what} {x}: only in {B}"));
    }
}

fn diff_table(t: &str, a: &Table, b: &Table, out: &mut Vec<String>) {
    let find = |cols: &[Column], n: &str| cols.iter().position(|c| c.name == n);
    for c in &a.columns {
        match find(&b.columns, &c.name) {
            None => out.push(format!("column `{t}.{}`: only in {A} ({c})", c.name)),
            Some(i) => {
                let d = &b.columns[i];
                if c.class != d.class {
                    out.push(format!(
                        "column `{t}.{}`: type {A} {}, {B} {}",
                        c.name, c.class, d.class
                    ));
                }
                if c.not_null != d.not_null {
                    let nn = |x: bool| if x { "NOT NULL" } else { "nullable" };
                    out.push(format!(
                        "column `{t}.{}`: {A} {}, {B} {}",
                        c.name,
                        nn(c.not_null),
                        nn(d.not_null)
                    ));
                }
                if c.default != d.default {
                    out.push(format!(
                        "column `{t}.{}`: default {A} {:?}, {B} {:?}",
                        c.name, c.default, d.default
                    ));
                }
                if c.generated != d.generated {
                    out.push(format!(
                        "column `{t}.{}`: values given by the database: {A} {:?}, {B} {:?}",
                        c.name, c.generated, d.generated
                    ));
                }
            }
        }
    }
    for d in b
        .columns
        .iter()
        .filter(|d| find(&a.columns, &d.name).is_none())
    {
        out.push(format!("column `{t}.{}`: only in {B} ({d})", d.name));
    }
    let shared = |x: &[Column], y: &[Column]| -> Vec<String> {
        x.iter()
            .filter(|c| find(y, &c.name).is_some())
            .map(|c| c.name.clone())
            .collect()
    };
    let (order_a, order_b) = (
        shared(&a.columns, &b.columns),
        shared(&b.columns, &a.columns),
    );
    if order_a != order_b {
        out.push(format!(
            "table `{t}`: column order {A} ({}), {B} ({})",
            order_a.join(", "),
            order_b.join(", ")
        ));
    }
    if a.primary_key != b.primary_key {
        out.push(format!(
            "table `{t}`: primary key {A} ({}), {B} ({})",
            a.primary_key.join(", "),
            b.primary_key.join(", ")
        ));
    }
    one_sided(
        &a.foreign_keys,
        &b.foreign_keys,
        &format!("table `{t}`: foreign key"),
        out,
    );
    let show = |s: &BTreeSet<Vec<String>>| -> BTreeSet<String> {
        s.iter().map(|c| format!("({})", c.join(", "))).collect()
    };
    one_sided(
        &show(&a.unique),
        &show(&b.unique),
        &format!("table `{t}`: UNIQUE"),
        out,
    );
    for (name, ia) in &a.indexes {
        match b.indexes.get(name) {
            None => out.push(format!("index `{name}` on `{t}` {ia}: only in {A}")),
            Some(ib) if ia != ib => {
                out.push(format!("index `{name}` on `{t}`: {A} {ia}, {B} {ib}"));
            }
            Some(_) => {}
        }
    }
    for (name, ib) in b
        .indexes
        .iter()
        .filter(|(n, _)| !a.indexes.contains_key(*n))
    {
        out.push(format!("index `{name}` on `{t}` {ib}: only in {B}"));
    }
    let keys: BTreeSet<&Vec<String>> = a.checks.keys().chain(b.checks.keys()).collect();
    for cols in keys {
        let (na, nb) = (
            a.checks.get(cols).copied().unwrap_or(0),
            b.checks.get(cols).copied().unwrap_or(0),
        );
        if na != nb {
            out.push(format!(
                "table `{t}`: CHECKs reading ({}): {A} {na}, {B} {nb}",
                cols.join(", ")
            ));
        }
    }
    one_sided(
        &a.other_constraints,
        &b.other_constraints,
        &format!("table `{t}`: constraint"),
        out,
    );
    one_sided(
        &a.triggers,
        &b.triggers,
        &format!("table `{t}`: trigger"),
        out,
    );
    if a.rows != b.rows {
        out.push(format!(
            "table `{t}`: rows after migrating {A} {}, {B} {}",
            a.rows, b.rows
        ));
    }
}

/// SQLite's columns that are a `CHECK (col IN (0, 1))`, per table (see the module doc).
type FlagChecks = BTreeMap<String, BTreeSet<String>>;

/// Applies the module doc's rule to the SQLite schema: TEXT under a PostgreSQL TIMESTAMPTZ
/// is a timestamp, INTEGER under a BOOLEAN a boolean (whose 0/1 CHECK is its type). Returns
/// booleans without that CHECK.
fn adopt_postgres_types(sqlite: &mut Schema, flags: &FlagChecks, pg: &Schema) -> Vec<String> {
    let mut problems = Vec::new();
    for (t, table) in &mut sqlite.tables {
        let Some(pg_table) = pg.tables.get(t) else {
            continue;
        };
        for col in &mut table.columns {
            let Some(twin) = pg_table.columns.iter().find(|c| c.name == col.name) else {
                continue;
            };
            match (&col.class, &twin.class) {
                (Class::Text, Class::Timestamp) => col.class = Class::Timestamp,
                (Class::Integer, Class::Boolean) => {
                    col.class = Class::Boolean;
                    col.default = col.default.take().map(|d| match d.as_str() {
                        "1" => "true".to_owned(),
                        "0" => "false".to_owned(),
                        _ => d.to_lowercase(),
                    });
                    let key = vec![col.name.clone()];
                    match table.checks.get_mut(&key) {
                        Some(n) if flags.get(t).is_some_and(|f| f.contains(&col.name)) => {
                            *n -= 1;
                            if *n == 0 {
                                table.checks.remove(&key);
                            }
                        }
                        _ => problems.push(format!(
                            "column `{t}.{0}`: BOOLEAN in {B}, but {A} has no CHECK ({0} IN (0, 1))",
                            col.name
                        )),
                    }
                }
                _ => {}
            }
        }
    }
    problems
}

/// The naming safety net of the module doc: instants and flags PostgreSQL stores as TEXT or
/// BIGINT.
fn naming_problems(pg: &Schema) -> Vec<String> {
    let mut problems = Vec::new();
    for (t, table) in &pg.tables {
        for c in &table.columns {
            if c.name.ends_with("_at") && c.class != Class::Timestamp {
                problems.push(format!(
                    "column `{t}.{}`: named like an instant, but {B} stores it as {} (TIMESTAMPTZ expected)",
                    c.name, c.class
                ));
            }
            if c.name.starts_with("is_") && c.class != Class::Boolean {
                problems.push(format!(
                    "column `{t}.{}`: named like a flag, but {B} stores it as {} (BOOLEAN expected)",
                    c.name, c.class
                ));
            }
        }
    }
    problems
}

// ---- a little SQL tokenizer (CHECK clauses and index predicates from SQLite's SQL text) -------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// An identifier or keyword, lower-cased (quoted identifiers too).
    Word(String),
    Str,
    Num(String),
    Punct(char),
}

fn tokenize(sql: &str) -> Vec<Token> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let take_until = |i: &mut usize, end: char| {
        let start = *i;
        while *i < chars.len() && chars[*i] != end {
            *i += 1;
        }
        let s: String = chars[start..*i].iter().collect();
        *i += 1; // the closing character
        s
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && next == Some('-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            // a string; '' inside is an escaped quote
            i += 1;
            loop {
                take_until(&mut i, '\'');
                if chars.get(i) == Some(&'\'') {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(Token::Str);
        } else if c == '"' || c == '`' || c == '[' {
            i += 1;
            let end = if c == '[' { ']' } else { c };
            out.push(Token::Word(take_until(&mut i, end).to_lowercase()));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            out.push(Token::Word(
                chars[start..i].iter().collect::<String>().to_lowercase(),
            ));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            out.push(Token::Num(chars[start..i].iter().collect()));
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    out
}

fn word(t: &Token, w: &str) -> bool {
    matches!(t, Token::Word(x) if x == w)
}

/// The token lists inside every `CHECK ( ... )`.
fn check_clauses(tokens: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < tokens.len() {
        if word(&tokens[i], "check") && tokens[i + 1] == Token::Punct('(') {
            let start = i + 2;
            let mut depth = 1;
            let mut j = start;
            while j < tokens.len() && depth > 0 {
                match tokens[j] {
                    Token::Punct('(') => depth += 1,
                    Token::Punct(')') => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            out.push(&tokens[start..j.saturating_sub(1).max(start)]);
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The columns of `columns` that `tokens` name, sorted.
fn columns_read(tokens: &[Token], columns: &BTreeSet<String>) -> BTreeSet<String> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w) if columns.contains(w) => Some(w.clone()),
            _ => None,
        })
        .collect()
}

/// `col IN (0, 1)` (either order): a CHECK that only says the column is a 0/1 flag.
fn flag_domain(clause: &[Token]) -> Option<&str> {
    match clause {
        [Token::Word(col), Token::Word(kw), Token::Punct('('), Token::Num(x), Token::Punct(','), Token::Num(y), Token::Punct(')')]
            if kw == "in" && matches!((x.as_str(), y.as_str()), ("0", "1") | ("1", "0")) =>
        {
            Some(col.as_str())
        }
        _ => None,
    }
}

/// The columns the WHERE clause of a CREATE INDEX (or a bare predicate) reads, if it has one.
fn predicate_columns(sql: &str, columns: &BTreeSet<String>, bare: bool) -> BTreeSet<String> {
    let tokens = tokenize(sql);
    let from = if bare {
        0
    } else {
        tokens
            .iter()
            .position(|t| word(t, "where"))
            .map_or(tokens.len(), |p| p + 1)
    };
    columns_read(&tokens[from..], columns)
}

// ---- reading SQLite -------------------------------------------------------------------------

/// SQLite's type affinity of a declared type (https://sqlite.org/datatype3.html, 3.1).
fn sqlite_class(declared: &str) -> Class {
    let t = declared.to_uppercase();
    if t.contains("INT") {
        Class::Integer
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        Class::Text
    } else if t.contains("BLOB") || t.trim().is_empty() {
        Class::Blob
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        Class::Real
    } else {
        Class::Unmapped(format!("numeric affinity: {declared}"))
    }
}

fn skipped(name: &str) -> bool {
    name.starts_with("sqlite_") || name == "_sqlx_migrations"
}

async fn read_sqlite(pool: &SqlitePool) -> Res<(Schema, FlagChecks)> {
    let mut schema = Schema::default();
    let mut flags = FlagChecks::new();
    let objects: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
            .fetch_all(pool)
            .await?;
    let sql_of = |kind: &str, name: &str| {
        objects
            .iter()
            .find(|(k, n, _, _)| k == kind && n == name)
            .and_then(|o| o.3.clone())
            .unwrap_or_default()
    };
    for (kind, name, _, _) in &objects {
        if kind == "view" && !skipped(name) {
            schema.views.insert(name.clone());
        }
    }
    for (_, name, _, _) in objects.iter().filter(|o| o.0 == "table" && !skipped(&o.1)) {
        let mut table = Table::default();
        let info: Vec<(String, String, i64, Option<String>, i64)> = sqlx::query_as(
            r#"SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid"#,
        )
        .bind(name)
        .fetch_all(pool)
        .await?;
        let fk_rows: Vec<(i64, String, String, Option<String>, String, String)> = sqlx::query_as(
            r#"SELECT id, "table", "from", "to", on_update, on_delete
               FROM pragma_foreign_key_list(?1) ORDER BY id, seq"#,
        )
        .bind(name)
        .fetch_all(pool)
        .await?;
        let mut fks: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for (id, parent, from, to, on_update, on_delete) in fk_rows {
            let fk = fks.entry(id).or_insert_with(|| ForeignKey {
                columns: vec![],
                table: parent.clone(),
                references: vec![],
                on_delete: on_delete.to_lowercase(),
                on_update: on_update.to_lowercase(),
            });
            fk.columns.push(from);
            fk.references.push(to.unwrap_or_default()); // resolved below when omitted
        }
        let fk_columns: BTreeSet<&String> = fks.values().flat_map(|f| &f.columns).collect();

        let table_sql = sql_of("table", name);
        let tokens = tokenize(&table_sql);
        let without_rowid = tokens.len() >= 2
            && word(&tokens[tokens.len() - 2], "without")
            && word(&tokens[tokens.len() - 1], "rowid");
        let mut pk: Vec<(i64, String)> = info
            .iter()
            .filter(|c| c.4 > 0)
            .map(|c| (c.4, c.0.clone()))
            .collect();
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, n)| n).collect();
        for (col, declared, not_null, default, pk) in &info {
            let rowid_alias = !without_rowid
                && *pk > 0
                && table.primary_key.len() == 1
                && declared.trim().eq_ignore_ascii_case("INTEGER");
            table.columns.push(Column {
                name: col.clone(),
                class: sqlite_class(declared),
                not_null: *not_null != 0 || *pk > 0,
                default: default.as_ref().map(|d| d.trim().to_owned()),
                generated: if rowid_alias && !fk_columns.contains(col) {
                    Generated::ByDefault
                } else {
                    Generated::No
                },
            });
        }
        table.foreign_keys = fks.into_values().collect();

        let column_names: BTreeSet<String> = info.iter().map(|c| c.0.clone()).collect();
        for clause in check_clauses(&tokens) {
            if let Some(col) = flag_domain(clause) {
                flags
                    .entry(name.clone())
                    .or_default()
                    .insert(col.to_owned());
            }
            let cols: Vec<String> = columns_read(clause, &column_names).into_iter().collect();
            *table.checks.entry(cols).or_default() += 1;
        }

        let indexes: Vec<(String, i64, String, i64)> =
            sqlx::query_as(r#"SELECT name, "unique", origin, partial FROM pragma_index_list(?1)"#)
                .bind(name)
                .fetch_all(pool)
                .await?;
        for (index, unique, origin, partial) in indexes {
            let cols: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(pool)
                    .await?;
            let cols: Vec<String> = cols
                .into_iter()
                .map(|c| c.unwrap_or_else(|| "<expression>".to_owned()))
                .collect();
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    table.unique.insert(cols);
                }
                _ => {
                    let partial = (partial != 0)
                        .then(|| predicate_columns(&sql_of("index", &index), &column_names, false));
                    table.indexes.insert(
                        index,
                        Index {
                            columns: cols,
                            unique: unique != 0,
                            partial,
                        },
                    );
                }
            }
        }
        for (kind, trigger, on, _) in &objects {
            if kind == "trigger" && on == name {
                table.triggers.insert(trigger.clone());
            }
        }
        table.rows = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM \"{}\"",
            name.replace('"', "\"\"")
        ))
        .fetch_one(pool)
        .await?;
        schema.tables.insert(name.clone(), table);
    }
    // A foreign key that names no parent columns references the parent's primary key.
    let pks: BTreeMap<String, Vec<String>> = schema
        .tables
        .iter()
        .map(|(n, t)| (n.clone(), t.primary_key.clone()))
        .collect();
    for table in schema.tables.values_mut() {
        table.foreign_keys = std::mem::take(&mut table.foreign_keys)
            .into_iter()
            .map(|mut fk| {
                if fk.references.iter().all(String::is_empty) {
                    fk.references = pks.get(&fk.table).cloned().unwrap_or_default();
                }
                fk
            })
            .collect();
    }
    Ok((schema, flags))
}

// ---- reading PostgreSQL -----------------------------------------------------------------

fn pg_class(format_type: &str) -> Class {
    match format_type {
        "bigint" => Class::Integer,
        "double precision" => Class::Real,
        "text" => Class::Text,
        "bytea" => Class::Blob,
        "timestamp with time zone" => Class::Timestamp,
        "boolean" => Class::Boolean,
        other => Class::Unmapped(other.to_owned()),
    }
}

/// A default as PostgreSQL prints it (`'active'::text`, `0`, `true`), as SQLite would.
fn pg_default(expr: &str, class: &Class) -> String {
    let mut d = expr.trim().to_owned();
    // a literal with its cast: 'x'::text -> 'x'
    if d.starts_with('\'') {
        if let Some(end) = d.rfind("'::") {
            if !d[end + 3..].contains('\'') {
                d.truncate(end + 1);
            }
        }
        // numbers come quoted when negative: '-1'::bigint
        let inner = d.strip_prefix('\'').and_then(|x| x.strip_suffix('\''));
        if let Some(number) = inner.filter(|x| x.parse::<f64>().is_ok()) {
            if matches!(class, Class::Integer | Class::Real) {
                d = number.to_owned();
            }
        }
    }
    if *class == Class::Boolean {
        d = d.to_lowercase();
    }
    d
}

fn pg_action(code: &str) -> String {
    match code {
        "a" => "no action",
        "r" => "restrict",
        "c" => "cascade",
        "n" => "set null",
        "d" => "set default",
        other => other,
    }
    .to_owned()
}

fn unquote(ident: String) -> String {
    match ident.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => ident,
    }
}

/// A row of `pg_constraint`, with its column numbers turned into names.
#[derive(sqlx::FromRow)]
struct PgConstraint {
    kind: String,
    name: String,
    columns: Vec<String>,
    /// The referenced table (foreign keys).
    parent: String,
    references: Vec<String>,
    on_delete: String,
    on_update: String,
}

async fn read_postgres(pool: &PgPool) -> Res<Schema> {
    let mut schema = Schema::default();
    let relations: Vec<(Oid, String, String)> = sqlx::query_as(
        "SELECT c.oid, c.relname::text, c.relkind::text FROM pg_class c
         WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
           AND c.relkind IN ('r', 'p', 'v', 'm')
         ORDER BY c.relname",
    )
    .fetch_all(pool)
    .await?;
    for (oid, name, kind) in relations {
        if skipped(&name) {
            continue;
        }
        if kind == "v" || kind == "m" {
            schema.views.insert(name);
            continue;
        }
        let mut table = Table::default();
        let columns: Vec<(String, String, bool, Option<String>, String)> = sqlx::query_as(
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                    pg_get_expr(d.adbin, d.adrelid), a.attidentity::text
             FROM pg_attribute a
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum",
        )
        .bind(oid)
        .fetch_all(pool)
        .await?;
        for (col, ty, not_null, default, identity) in columns {
            let class = pg_class(&ty);
            let serial = default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
            table.columns.push(Column {
                name: col,
                default: default.filter(|_| !serial).map(|d| pg_default(&d, &class)),
                class,
                not_null,
                generated: match identity.as_str() {
                    "d" => Generated::ByDefault,
                    "a" => Generated::Always,
                    _ if serial => Generated::Serial,
                    _ => Generated::No,
                },
            });
        }
        let column_names: BTreeSet<String> = table.columns.iter().map(|c| c.name.clone()).collect();

        let constraints: Vec<PgConstraint> = sqlx::query_as(
            "SELECT c.contype::text AS kind, c.conname::text AS name,
                    ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                          ORDER BY k.i) AS columns,
                    CASE WHEN c.confrelid = 0 THEN '' ELSE c.confrelid::regclass::text END AS parent,
                    ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                          ORDER BY k.i) AS references,
                    c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update
             FROM pg_constraint c WHERE c.conrelid = $1",
        )
        .bind(oid)
        .fetch_all(pool)
        .await?;
        for c in constraints {
            match c.kind.as_str() {
                "p" => table.primary_key = c.columns,
                "u" => {
                    table.unique.insert(c.columns);
                }
                "f" => {
                    table.foreign_keys.insert(ForeignKey {
                        columns: c.columns,
                        table: unquote(c.parent),
                        references: c.references,
                        on_delete: pg_action(&c.on_delete),
                        on_update: pg_action(&c.on_update),
                    });
                }
                "c" => {
                    let mut cols = c.columns;
                    cols.sort();
                    *table.checks.entry(cols).or_default() += 1;
                }
                other => {
                    table
                        .other_constraints
                        .insert(format!("{} (kind {other})", c.name));
                }
            }
        }

        let indexes: Vec<(String, bool, Vec<String>, Option<String>)> = sqlx::query_as(
            "SELECT i.relname::text, x.indisunique,
                    ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
                          FROM generate_series(1, x.indnkeyatts::int) k ORDER BY k),
                    pg_get_expr(x.indpred, x.indrelid)
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
             WHERE x.indrelid = $1
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                               WHERE c.conrelid = x.indrelid AND c.conindid = x.indexrelid
                                 AND c.contype IN ('p', 'u', 'x'))",
        )
        .bind(oid)
        .fetch_all(pool)
        .await?;
        for (index, unique, cols, predicate) in indexes {
            table.indexes.insert(
                index,
                Index {
                    columns: cols.into_iter().map(unquote).collect(),
                    unique,
                    partial: predicate.map(|p| predicate_columns(&p, &column_names, true)),
                },
            );
        }
        let triggers: Vec<String> = sqlx::query_scalar(
            "SELECT tgname::text FROM pg_trigger WHERE tgrelid = $1 AND NOT tgisinternal",
        )
        .bind(oid)
        .fetch_all(pool)
        .await?;
        table.triggers = triggers.into_iter().collect();
        table.rows = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM \"{}\"",
            name.replace('"', "\"\"")
        ))
        .fetch_one(pool)
        .await?;
        schema.tables.insert(name, table);
    }
    Ok(schema)
}

// ---- the databases --------------------------------------------------------------------------

fn migrations(engine: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(engine)
}

/// `migrations/sqlite` applied to a new file in `dir`, read back.
async fn sqlite_schema(dir: &Path) -> Res<(Schema, FlagChecks)> {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(dir.join("schema.sqlite3"))
                .create_if_missing(true)
                .foreign_keys(true),
        )
        .await?;
    sqlx::migrate::Migrator::new(migrations("sqlite"))
        .await?
        .run(&pool)
        .await?;
    let schema = read_sqlite(&pool).await;
    pool.close().await;
    schema
}

/// `migrations/postgres` applied to a new database on the server at `url`, read back; the
/// database is dropped again whatever happened.
async fn postgres_schema(url: &str) -> Res<Schema> {
    let mut admin = PgConnection::connect(url).await?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let db = format!("hs_schema_engines_{}_{nanos}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE \"{db}\""))
        .execute(&mut admin)
        .await?;
    let result = async {
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(PgConnectOptions::from_str(url)?.database(&db))
            .await?;
        let read = async {
            sqlx::migrate::Migrator::new(migrations("postgres"))
                .await?
                .run(&pool)
                .await?;
            read_postgres(&pool).await
        }
        .await;
        pool.close().await;
        read
    }
    .await;
    let dropped = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"))
        .execute(&mut admin)
        .await;
    let _ = admin.close().await;
    let schema = result?;
    dropped?;
    Ok(schema)
}

/// The server to test against; `None` (after saying so) when there is none outside CI.
fn postgres_url() -> Option<String> {
    household_core::db::testing::server_url_or_skip("schema_engines")
}

fn report(problems: &[String]) -> String {
    format!(
        "migrations/sqlite and migrations/postgres give different schemas ({} difference(s)):\n  - {}",
        problems.len(),
        problems.join("\n  - ")
    )
}

// ---- the tests ------------------------------------------------------------------------------

#[tokio::test]
async fn sqlite_and_postgres_migrations_give_the_same_schema() {
    let Some(url) = postgres_url() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut sqlite, flags) = sqlite_schema(dir.path()).await.expect("SQLite schema");
    let pg = postgres_schema(&url).await.expect("PostgreSQL schema");
    assert!(
        sqlite.tables.len() > 10 && pg.tables.len() > 10,
        "too few tables read: SQLite {:?}, PostgreSQL {:?}",
        sqlite.tables.keys(),
        pg.tables.keys()
    );
    let mut problems = adopt_postgres_types(&mut sqlite, &flags, &pg);
    problems.extend(naming_problems(&pg));
    problems.extend(diff(&sqlite, &pg));
    assert!(problems.is_empty(), "{}", report(&problems));
}

/// The comparison is not vacuous: it reads the real SQLite schema (no server needed), and a
/// copy changed in one place differs from it in exactly that place, by name.
#[tokio::test]
async fn the_comparison_names_what_differs() {
    let dir = tempfile::tempdir().unwrap();
    let (schema, flags) = sqlite_schema(dir.path()).await.expect("SQLite schema");

    // The reader sees what the migrations wrote (a comment with a quote in it included).
    // Samples only, so that later migrations do not break this test.
    let users = &schema.tables["users"];
    assert_eq!(users.primary_key, ["id"]);
    assert_eq!(users.columns[0].generated, Generated::ByDefault);
    let reads = |cols: &[&str]| cols.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    for cols in [&["role"][..], &["username"], &["blocked_reason", "status"]] {
        assert_eq!(
            users.checks.get(&reads(cols)),
            Some(&1),
            "users CHECK on {cols:?}"
        );
    }
    let requests = &schema.tables["service_requests"];
    assert_eq!(
        requests.indexes["idx_requests_client_key"],
        Index {
            columns: reads(&["customer_id", "client_key"]),
            unique: true,
            partial: Some(BTreeSet::from(["client_key".to_owned()])),
        }
    );
    assert!(requests.foreign_keys.contains(&ForeignKey {
        columns: reads(&["professional_id"]),
        table: "users".into(),
        references: reads(&["id"]),
        on_delete: "no action".into(),
        on_update: "no action".into(),
    }));
    assert!(flags["services"].contains("is_active"));
    let customers = &schema.tables["customers"];
    assert_eq!(
        customers.columns[0].generated,
        Generated::No,
        "a key that is a foreign key"
    );
    assert!(diff(&schema, &schema).is_empty());

    // One change at a time, each named in the diff.
    let mut cases: Vec<(&str, Schema)> = Vec::new();
    let mut s = schema.clone();
    s.tables.get_mut("users").unwrap().columns.push(Column {
        name: "nickname".into(),
        class: Class::Text,
        not_null: false,
        default: None,
        generated: Generated::No,
    });
    cases.push(("column `users.nickname`: only in PostgreSQL", s));
    let mut s = schema.clone();
    s.tables.get_mut("events").unwrap().columns[0].class = Class::Unmapped("integer".into());
    cases.push((
        "column `events.id`: type SQLite integer, PostgreSQL unmapped(integer)",
        s,
    ));
    let mut s = schema.clone();
    s.tables
        .get_mut("sessions")
        .unwrap()
        .indexes
        .remove("idx_sessions_terminal_live");
    cases.push(("index `idx_sessions_terminal_live` on `sessions`", s));
    let mut s = schema.clone();
    s.tables.get_mut("notifications").unwrap().foreign_keys = BTreeSet::new();
    cases.push(("table `notifications`: foreign key (request_id) REFERENCES service_requests (id) ON DELETE set null", s));
    let mut s = schema.clone();
    s.tables.get_mut("reviews").unwrap().checks.clear();
    cases.push((
        "table `reviews`: CHECKs reading (customer_rating, rating)",
        s,
    ));
    let mut s = schema.clone();
    s.tables.remove("terminals");
    cases.push(("table `terminals`: only in SQLite", s));
    for (expected, changed) in cases {
        let problems = diff(&schema, &changed);
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "expected a line starting {expected:?} in:\n{}",
            report(&problems)
        );
    }

    // The PostgreSQL authority: TIMESTAMPTZ over TEXT and BOOLEAN over a 0/1 INTEGER agree;
    // TIMESTAMPTZ over INTEGER does not.
    let mut pg = schema.clone();
    let services = pg.tables.get_mut("services").unwrap();
    for c in &mut services.columns {
        match c.name.as_str() {
            "created_at" | "updated_at" => c.class = Class::Timestamp,
            "rating_sum" => c.class = Class::Timestamp,
            "is_active" => {
                c.class = Class::Boolean;
                c.default = Some("true".into());
            }
            _ => {}
        }
    }
    *services
        .checks
        .get_mut(&vec!["is_active".to_owned()])
        .unwrap() -= 1;
    services.checks.retain(|_, n| *n > 0);
    let mut sqlite = schema.clone();
    assert!(adopt_postgres_types(&mut sqlite, &flags, &pg).is_empty());
    assert_eq!(
        diff(&sqlite, &pg),
        ["column `services.rating_sum`: type SQLite integer, PostgreSQL timestamp"]
    );
    assert_eq!(
        naming_problems(&schema)
            .iter()
            .filter(|p| p.contains("services.is_active") || p.contains("users.created_at"))
            .count(),
        2,
        "TEXT *_at and INTEGER is_* columns are caught"
    );
}
