//! Backups of an embedded-SQLite business and restoring them.
//!
//! A backup is one `.tar.gz` archive: `manifest.json` first (what it holds: format, app
//! version, time, schema version, row counts per table, and the size and SHA-256 of every
//! other entry), then `household.sqlite3` (a `VACUUM INTO` snapshot: one consistent state
//! while the app keeps writing) and `documents/…` (the uploaded files, named by content).
//!
//! - [`create`] writes it through a temp file (synced, then renamed) and verifies it at once
//!   with [`verify`]: every entry against the manifest, no entry missing or extra, SQLite's
//!   `integrity_check`, and the row counts.
//! - [`restore`] (the app closed, or about to be) verifies a backup into a staging folder,
//!   brings its schema up to this version, keeps a safety copy of the current database,
//!   adds the backup's documents, and only then replaces the database file with one
//!   `rename`: a crash at any moment leaves either the previous database or the restored one,
//!   never a mix. An archive that is not a backup, is damaged or is of a newer version is
//!   refused before anything changes.
//! - [`prune`] keeps the newest N backups of a folder (scheduled backups).

use crate::error::{AppError, AppResult};
use crate::migrate::{list_files, sha256_of};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use specta::Type;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What `manifest.json` says the archive is.
pub const FORMAT: &str = "household-services-backup";
/// The archive layout's version (not the app's).
pub const FORMAT_VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "household.sqlite3";
/// The database entry of a PostgreSQL backup (`pg_dump --format=custom`).
const PG_DUMP: &str = "household.pgdump";

fn sqlite() -> String {
    "sqlite".into()
}
const DOCUMENTS: &str = "documents";
/// Backup file names: `household-backup-20261203-210455.tar.gz`.
const PREFIX: &str = "household-backup-";
const SUFFIX: &str = ".tar.gz";
/// Where restores keep the database they replaced, in the data folder.
pub const SAFETY_DIR: &str = "before-restore";
const STAGING_DIR: &str = ".restore-staging";

/// One archive entry besides the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// "sqlite" (the database entry is a SQLite file) or "postgres" (a `pg_dump` archive).
    #[serde(default = "sqlite")]
    pub engine: String,
    pub app_version: String,
    pub created_at: DateTime<Utc>,
    /// The newest migration applied to the database in the archive.
    pub schema_version: i64,
    /// Rows per table.
    pub counts: BTreeMap<String, i64>,
    pub files: Vec<ManifestFile>,
}

/// What a backup holds, as the restore screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct BackupSummary {
    pub file_name: String,
    pub path: String,
    pub created_at: crate::Timestamp,
    pub app_version: String,
    pub size_bytes: u64,
    pub users: i64,
    pub services: i64,
    pub requests: i64,
    pub documents: u64,
}

impl BackupSummary {
    fn of(path: &Path, m: &Manifest) -> AppResult<Self> {
        let count = |t: &str| m.counts.get(t).copied().unwrap_or(0);
        Ok(BackupSummary {
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.display().to_string(),
            created_at: m.created_at.into(),
            app_version: m.app_version.clone(),
            size_bytes: std::fs::metadata(path)?.len(),
            users: count("users"),
            services: count("services"),
            requests: count("service_requests"),
            documents: m
                .files
                .iter()
                .filter(|f| f.path.starts_with(DOCUMENTS))
                .count() as u64,
        })
    }
}

fn refused(why: impl std::fmt::Display) -> AppError {
    AppError::validation("backup", format!("This file cannot be restored: {why}"))
}

/// The file name of a backup made at `at`.
pub fn file_name(at: DateTime<Utc>) -> String {
    format!("{PREFIX}{}{SUFFIX}", at.format("%Y%m%d-%H%M%S"))
}

/// Backs up the business (while it is in use) and the `documents` folder into a new
/// archive in `folder`, verifies it and returns what it holds. SQLite: a `VACUUM INTO`
/// snapshot. PostgreSQL (`url`): `pg_dump` of the very snapshot the row counts were read in.
pub async fn create(
    pool: &crate::store::Pool,
    url: Option<&str>,
    documents: &Path,
    folder: &Path,
    now: DateTime<Utc>,
) -> AppResult<BackupSummary> {
    std::fs::create_dir_all(folder).map_err(|e| {
        AppError::validation(
            "folder",
            format!("The backup folder {} cannot be used: {e}", folder.display()),
        )
    })?;
    let work = tempfile::Builder::new()
        .prefix(".household-backup-")
        .tempdir_in(folder)?;
    let (engine, entry, counts, schema_version) = match (pool, url) {
        (crate::store::Pool::Sqlite(sqlite), _) => {
            let snapshot = work.path().join(DATABASE);
            let target = snapshot
                .to_str()
                .ok_or_else(|| AppError::internal("a backup folder path that is not UTF-8"))?;
            // One consistent state of the database while the app keeps writing.
            sqlx::query("VACUUM INTO ?")
                .bind(target)
                .execute(sqlite)
                .await?;
            let check = snapshot.clone();
            let (counts, schema) = tokio::task::spawn_blocking(move || check_database(&check))
                .await
                .map_err(AppError::internal)??;
            ("sqlite", DATABASE, counts, schema)
        }
        (crate::store::Pool::Postgres(pg), Some(url)) => {
            let (counts, schema) = dump_postgres(pg, url, &work.path().join(PG_DUMP)).await?;
            ("postgres", PG_DUMP, counts, schema)
        }
        (crate::store::Pool::Postgres(_), None) => {
            return Err(AppError::internal("a PostgreSQL business without its URL"))
        }
    };
    let documents = documents.to_path_buf();
    let folder = folder.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let db_file = work.path().join(entry);
        let mut files = vec![file_entry(&db_file, entry.into())?];
        let mut docs = Vec::new();
        if documents.is_dir() {
            list_files(&documents, &mut docs)?;
        }
        for doc in &docs {
            let relative = doc
                .strip_prefix(&documents)
                .map_err(AppError::internal)?
                .to_string_lossy()
                .replace('\\', "/");
            files.push(file_entry(doc, format!("{DOCUMENTS}/{relative}"))?);
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            engine: engine.into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            created_at: now,
            schema_version,
            counts,
            files,
        };
        let tmp = work.path().join("archive.tmp");
        write_archive(&tmp, &manifest, &db_file, entry, &documents, &docs)?;
        let path = folder.join(file_name(now));
        if path.exists() {
            return Err(AppError::Conflict(format!(
                "{} already exists: wait a second and try again",
                path.display()
            )));
        }
        std::fs::rename(&tmp, &path)?;
        sync_dir(&folder);
        // Read back before saying it worked.
        verify(&path)
    })
    .await
    .map_err(AppError::internal)?
}

/// `pg_dump --format=custom` of the database at `url` into `target`, from the snapshot of a
/// read-only transaction in which the row counts and schema version are read.
async fn dump_postgres(
    pool: &sqlx::PgPool,
    url: &str,
    target: &Path,
) -> AppResult<(BTreeMap<String, i64>, i64)> {
    use sqlx::Connection as _;
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut counts = BTreeMap::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM \"{}\"",
            table.replace('"', "\"\"")
        ))
        .fetch_one(&mut *tx)
        .await?;
        counts.insert(table, n);
    }
    let schema: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *tx)
            .await?;
    let mut cmd = std::process::Command::new("pg_dump");
    cmd.args(["--format=custom", "--no-owner", "--no-privileges"])
        .arg(format!("--snapshot={snapshot}"))
        .arg("--file")
        .arg(target)
        .arg("--dbname")
        .arg(url);
    let out = run(cmd).await.map_err(|e| {
        AppError::internal(format!(
            "pg_dump could not be started (is the PostgreSQL client installed?): {e}"
        ))
    })?;
    tx.rollback().await?;
    if !out.status.success() {
        return Err(AppError::internal(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok((counts, schema))
}

fn file_entry(path: &Path, name: String) -> AppResult<ManifestFile> {
    Ok(ManifestFile {
        path: name,
        size: std::fs::metadata(path)?.len(),
        sha256: sha256_of(path)?,
    })
}

fn write_archive(
    tmp: &Path,
    manifest: &Manifest,
    snapshot: &Path,
    entry: &str,
    documents: &Path,
    docs: &[PathBuf],
) -> AppResult<()> {
    let file = std::fs::File::create(tmp)?;
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    let json = serde_json::to_vec_pretty(manifest).map_err(AppError::internal)?;
    let mut header = tar::Header::new_gnu();
    header.set_size(json.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(manifest.created_at.timestamp().max(0) as u64);
    header.set_cksum();
    tar.append_data(&mut header, MANIFEST, json.as_slice())?;
    tar.append_path_with_name(snapshot, entry)?;
    for doc in docs {
        let relative = doc.strip_prefix(documents).map_err(AppError::internal)?;
        tar.append_path_with_name(doc, Path::new(DOCUMENTS).join(relative))?;
    }
    let gz = tar.into_inner()?;
    let file = gz.finish()?;
    file.sync_all()?;
    Ok(())
}

/// `integrity_check`, the row count of every table and the newest applied migration of the
/// SQLite file at `db`.
fn check_database(db: &Path) -> AppResult<(BTreeMap<String, i64>, i64)> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| refused(format!("its database cannot be opened ({e})")))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| refused(format!("its database is damaged ({e})")))?;
    if integrity != "ok" {
        return Err(refused(format!("its database is damaged ({integrity})")));
    }
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| refused(format!("its database cannot be read ({e})")))?;
    if !tables.iter().any(|t| t == "users") {
        return Err(refused("its database is not a Household Services database"));
    }
    let mut counts = BTreeMap::new();
    for table in tables {
        let n: i64 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM \"{}\"", table.replace('"', "\"\"")),
                [],
                |r| r.get(0),
            )
            .map_err(|e| refused(format!("its table {table} cannot be read ({e})")))?;
        counts.insert(table, n);
    }
    let schema_version: i64 = conn
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success",
            [],
            |r| r.get(0),
        )
        .map_err(|e| refused(format!("its schema version cannot be read ({e})")))?;
    Ok((counts, schema_version))
}

/// Reads a whole archive and checks it (see the module doc); `into`, when given, receives
/// the checked database and documents. Returns the manifest.
fn read_checked(path: &Path, into: Option<&Path>) -> AppResult<Manifest> {
    let mut archive = open_archive(path)?;
    let mut entries = archive
        .entries()
        .map_err(|_| refused("it is not a Household Services backup"))?;
    let manifest = read_manifest(&mut entries)?;
    if manifest.format_version > FORMAT_VERSION {
        return Err(refused(format!(
            "it was made by a newer version of the app ({}); update this one first",
            manifest.app_version
        )));
    }
    let expected: BTreeMap<&str, &ManifestFile> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let mut seen = BTreeMap::new();
    for entry in entries {
        let mut entry = entry.map_err(|e| refused(format!("it is damaged ({e})")))?;
        let name = entry
            .path()
            .map_err(|_| refused("it holds an unreadable file name"))?
            .to_string_lossy()
            .replace('\\', "/");
        let Some(want) = expected.get(name.as_str()) else {
            return Err(refused(format!(
                "it holds {name}, which its manifest does not list"
            )));
        };
        if !safe_relative(&name) {
            return Err(refused(format!("it holds an unsafe path ({name})")));
        }
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut out = match into {
            Some(dir) => {
                let target = dir.join(&name);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                Some(std::fs::File::create(target)?)
            }
            None => None,
        };
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = entry
                .read(&mut buf)
                .map_err(|e| refused(format!("it is damaged ({e})")))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            size += n as u64;
            if let Some(out) = out.as_mut() {
                out.write_all(&buf[..n])?;
            }
        }
        if let Some(out) = out {
            out.sync_all()?;
        }
        if size != want.size || hex::encode(hasher.finalize()) != want.sha256 {
            return Err(refused(format!(
                "{name} is damaged (its checksum does not match)"
            )));
        }
        seen.insert(name, ());
    }
    if let Some(missing) = expected.keys().find(|k| !seen.contains_key(**k)) {
        return Err(refused(format!("{missing} is missing from it")));
    }
    Ok(manifest)
}

type Archive = tar::Archive<flate2::read::GzDecoder<std::fs::File>>;

fn open_archive(path: &Path) -> AppResult<Archive> {
    let file = std::fs::File::open(path)
        .map_err(|e| refused(format!("{} cannot be opened ({e})", path.display())))?;
    Ok(tar::Archive::new(flate2::read::GzDecoder::new(file)))
}

/// The first entry, which must be a manifest of this format.
fn read_manifest<R: Read>(entries: &mut tar::Entries<'_, R>) -> AppResult<Manifest> {
    let mut first = match entries.next() {
        Some(Ok(e)) if e.path().ok().as_deref() == Some(Path::new(MANIFEST)) => e,
        _ => return Err(refused("it is not a Household Services backup")),
    };
    let mut json = Vec::new();
    (&mut first)
        .take(1 << 24)
        .read_to_end(&mut json)
        .map_err(|_| refused("its manifest cannot be read"))?;
    let manifest: Manifest =
        serde_json::from_slice(&json).map_err(|_| refused("its manifest is not readable"))?;
    if manifest.format != FORMAT {
        return Err(refused("it is not a Household Services backup"));
    }
    Ok(manifest)
}

/// A path inside the archive that stays inside the folder it is extracted to.
fn safe_relative(name: &str) -> bool {
    let p = Path::new(name);
    !name.is_empty()
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Checks a backup completely (every file's checksum, the database's integrity and row
/// counts) and says what it holds.
pub fn verify(path: &Path) -> AppResult<BackupSummary> {
    let dir = tempfile::Builder::new()
        .prefix(".household-verify-")
        .tempdir_in(path.parent().unwrap_or(Path::new(".")))
        .or_else(|_| tempfile::tempdir())?;
    let manifest = read_checked(path, Some(dir.path()))?;
    if manifest.engine == "postgres" {
        check_pg_dump(&dir.path().join(PG_DUMP))?;
    } else {
        let (counts, schema_version) = check_database(&dir.path().join(DATABASE))?;
        if counts != manifest.counts || schema_version != manifest.schema_version {
            return Err(refused(
                "its database does not hold what its manifest lists",
            ));
        }
    }
    BackupSummary::of(path, &manifest)
}

/// `pg_restore --list`: the dump is a readable archive with the business's tables.
fn check_pg_dump(dump: &Path) -> AppResult<()> {
    let out = std::process::Command::new("pg_restore")
        .arg("--list")
        .arg(dump)
        .output()
        .map_err(|e| AppError::internal(format!("pg_restore could not be started: {e}")))?;
    let listing = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !listing.contains("TABLE DATA") || !listing.contains(" users ") {
        return Err(refused("its PostgreSQL dump is not readable"));
    }
    Ok(())
}

/// The backups in `folder`, newest first, each verified (a damaged one is left out and
/// reported in the log).
pub fn list(folder: &Path) -> AppResult<Vec<BackupSummary>> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(out);
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with(PREFIX) && name.ends_with(SUFFIX)) {
            continue;
        }
        // The manifest alone: checking every file of every backup on each listing would
        // read gigabytes. `verify` runs before a restore.
        match summary(&entry.path()) {
            Ok(s) => out.push(s),
            Err(e) => tracing::warn!(file = %name, error = %e, "not a readable backup"),
        }
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.created_at));
    Ok(out)
}

/// What a backup's manifest says it holds (without checking the files).
pub fn summary(path: &Path) -> AppResult<BackupSummary> {
    let mut archive = open_archive(path)?;
    let mut entries = archive
        .entries()
        .map_err(|_| refused("it is not a Household Services backup"))?;
    let manifest = read_manifest(&mut entries)?;
    BackupSummary::of(path, &manifest)
}

/// Deletes all but the newest `keep` backups in `folder`; returns how many it deleted.
pub fn prune(folder: &Path, keep: usize) -> AppResult<usize> {
    let mut names: Vec<String> = std::fs::read_dir(folder)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        .collect();
    // The names sort by time (UTC, fixed width).
    names.sort();
    let excess = names.len().saturating_sub(keep.max(1));
    for name in &names[..excess] {
        std::fs::remove_file(folder.join(name))?;
    }
    Ok(excess)
}

/// A backup checked and unpacked next to the database it will replace.
#[derive(Debug)]
pub struct Staged {
    dir: PathBuf,
    pub summary: BackupSummary,
}

/// First step of a restore into the data folder `data_dir` (the app may still run): checks
/// the whole backup and unpacks it into a staging folder there, then brings the staged
/// database to this version's schema. Nothing of the current business changes.
pub async fn stage(data_dir: &Path, archive: &Path) -> AppResult<Staged> {
    let dir = data_dir.join(STAGING_DIR);
    let (dir, summary) = {
        let archive = archive.to_path_buf();
        tokio::task::spawn_blocking(move || -> AppResult<_> {
            if dir.exists() {
                std::fs::remove_dir_all(&dir)?;
            }
            std::fs::create_dir_all(&dir)?;
            let staged = (|| {
                let manifest = read_checked(&archive, Some(&dir))?;
                if manifest.engine != "sqlite" {
                    return Err(refused(
                        "it is a backup of a PostgreSQL business; restore it on the server that runs on PostgreSQL",
                    ));
                }
                let (counts, schema) = check_database(&dir.join(DATABASE))?;
                if counts != manifest.counts || schema != manifest.schema_version {
                    return Err(refused(
                        "its database does not hold what its manifest lists",
                    ));
                }
                BackupSummary::of(&archive, &manifest)
            })();
            match staged {
                Ok(summary) => Ok((dir, summary)),
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    Err(e)
                }
            }
        })
        .await
        .map_err(AppError::internal)??
    };
    // An older backup gets this version's migrations now, so the swap is a rename; a newer
    // one (migrations this binary does not know) is refused by the migrator.
    let staged_db = dir.join(DATABASE);
    match crate::db::open(&staged_db).await {
        Ok(pool) => pool.close().await,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(refused(format!(
                "it was made by another version of the app and cannot be brought to this one ({e})"
            )));
        }
    }
    Ok(Staged { dir, summary })
}

/// Keeps a copy of the current database (`VACUUM INTO`, while it is in use) under
/// `<data_dir>/before-restore/`; returns its path.
pub async fn safety_copy(
    pool: &crate::store::Pool,
    data_dir: &Path,
    now: DateTime<Utc>,
) -> AppResult<PathBuf> {
    let crate::store::Pool::Sqlite(sqlite) = pool else {
        return Err(AppError::internal("not a SQLite database"));
    };
    let dir = data_dir.join(SAFETY_DIR);
    std::fs::create_dir_all(&dir)?;
    let stem = format!("household-before-restore-{}", now.format("%Y%m%d-%H%M%S"));
    let mut path = dir.join(format!("{stem}.sqlite3"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{stem}-{n}.sqlite3"));
    }
    let target = path
        .to_str()
        .ok_or_else(|| AppError::internal("a data folder path that is not UTF-8"))?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(sqlite)
        .await?;
    Ok(path)
}

/// Last step, with the app's database CLOSED: adds the backup's documents to the documents
/// folder and puts the staged database in place of `db` with one rename.
pub fn swap(staged: Staged, db: &Path, documents: &Path) -> AppResult<BackupSummary> {
    crate::fault::point("restore:before_documents");
    crate::migrate::copy_documents(&staged.dir.join(DOCUMENTS), documents)?;
    crate::fault::point("restore:before_swap");
    // The closed database left no write-ahead log; one left behind would belong to the old
    // file, and SQLite would replay it onto the restored one.
    // A connection may finish closing a moment after its pool said it closed: wait a little.
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let mut waited = 0;
    while waited < 50 && std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 1;
    }
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db.display()));
        if side.exists() {
            if suffix == "-wal" && std::fs::metadata(&side)?.len() > 0 {
                return Err(AppError::Conflict(
                    "The database is still in use (its write-ahead log is not empty): close \
                     every app or server using this data folder, then restore again."
                        .into(),
                ));
            }
            std::fs::remove_file(&side)?;
        }
    }
    std::fs::rename(staged.dir.join(DATABASE), db)?;
    if let Some(parent) = db.parent() {
        sync_dir(parent);
    }
    crate::fault::point("restore:after_swap");
    let _ = std::fs::remove_dir_all(&staged.dir);
    Ok(staged.summary)
}

/// Makes a rename in `dir` durable (best effort where directories cannot be opened).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Restores a PostgreSQL backup into the database at `url` (every server on it stopped):
/// the archive is checked first, the current database is dumped under
/// `<data_dir>/before-restore/`, then `pg_restore --clean --single-transaction` replaces the
/// business in one transaction (a failure changes nothing), and the documents are added.
/// Only a backup of this version's schema is restored (for an older one, restore it with
/// that version, or into an empty database).
pub async fn restore_postgres(
    pool: &sqlx::PgPool,
    url: &str,
    data_dir: &Path,
    documents: &Path,
    archive: &Path,
    now: DateTime<Utc>,
) -> AppResult<(BackupSummary, PathBuf)> {
    let dir = data_dir.join(STAGING_DIR);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let result = async {
        let (manifest, summary) = {
            let (archive, dir) = (archive.to_path_buf(), dir.clone());
            tokio::task::spawn_blocking(move || -> AppResult<_> {
                let manifest = read_checked(&archive, Some(&dir))?;
                if manifest.engine != "postgres" {
                    return Err(refused(
                        "it is a backup of an embedded-SQLite business; move it to PostgreSQL with `household-server migrate`",
                    ));
                }
                check_pg_dump(&dir.join(PG_DUMP))?;
                let summary = BackupSummary::of(&archive, &manifest)?;
                Ok((manifest, summary))
            })
            .await
            .map_err(AppError::internal)??
        };
        let current: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(pool)
        .await?;
        if manifest.schema_version != current {
            return Err(refused(format!(
                "it was made by another version of the app (schema {} here, {} in it)",
                current, manifest.schema_version
            )));
        }
        let safety_dir = data_dir.join(SAFETY_DIR);
        std::fs::create_dir_all(&safety_dir)?;
        let safety = safety_dir.join(format!(
            "household-before-restore-{}.pgdump",
            now.format("%Y%m%d-%H%M%S")
        ));
        dump_postgres(pool, url, &safety).await?;
        crate::fault::point("restore:before_swap");
        let mut cmd = std::process::Command::new("pg_restore");
        cmd.args([
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
        ])
        .arg("--dbname")
        .arg(url)
        .arg(dir.join(PG_DUMP));
        let out = run(cmd)
            .await
            .map_err(|e| AppError::internal(format!("pg_restore could not be started: {e}")))?;
        if !out.status.success() {
            return Err(AppError::internal(format!(
                "pg_restore failed, nothing changed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        crate::migrate::copy_documents(&dir.join(DOCUMENTS), documents)?;
        Ok((summary, safety))
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Runs a PostgreSQL client tool to completion on a blocking thread.
async fn run(mut cmd: std::process::Command) -> std::io::Result<std::process::Output> {
    tokio::task::spawn_blocking(move || cmd.output())
        .await
        .map_err(std::io::Error::other)?
}
