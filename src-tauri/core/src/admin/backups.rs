//! Admin → Backups: backing up now, the daily schedule with its retention, the list of
//! backups, and (on the desktop that owns the database) restoring one. The archive format and
//! the crash-safe restore are in `backup`.

use crate::backup::{self, BackupSummary};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::session::Actor;
use crate::settings::{self, BackupSettings};
use crate::store;
use crate::App;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::{Path, PathBuf};

/// The Backups page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct BackupsOverview {
    pub settings: BackupSettings,
    /// The folder backups go to (the settings' or the data folder's own), on the machine that
    /// owns the database.
    pub folder: String,
    /// The backups in that folder, newest first.
    pub backups: Vec<BackupSummary>,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct RestoreOutcome {
    pub restored: BackupSummary,
    /// The copy of the database it replaced.
    pub safety_copy: String,
}

async fn folder(app: &App) -> AppResult<(BackupSettings, PathBuf)> {
    let s = settings::backups(app).await?;
    let folder = s.folder_in(app.data_dir());
    Ok((s, folder))
}

/// The Backups page (administrators).
pub async fn overview(app: &App, actor: &Actor) -> AppResult<BackupsOverview> {
    actor.require(Role::Admin)?;
    let (settings, folder) = folder(app).await?;
    let backups = {
        let folder = folder.clone();
        tokio::task::spawn_blocking(move || backup::list(&folder))
            .await
            .map_err(AppError::internal)??
    };
    Ok(BackupsOverview {
        settings,
        folder: folder.display().to_string(),
        backups,
    })
}

/// Saves the schedule and folder (administrators); returns the page.
pub async fn save_settings(
    app: &App,
    actor: &Actor,
    input: BackupSettings,
) -> AppResult<BackupsOverview> {
    settings::save_backups(app, actor, input).await?;
    overview(app, actor).await
}

/// "Back up now" (administrators): a verified backup in the backups folder. Audited.
pub async fn back_up_now(app: &App, actor: &Actor) -> AppResult<BackupSummary> {
    actor.require(Role::Admin)?;
    let made = make(app).await?;
    store::audit::append(
        &app.pool,
        Some(actor.user_id),
        "backup.created",
        "backup",
        None,
        &made.file_name,
        app.now(),
    )
    .await?;
    Ok(made)
}

/// A backup into the configured folder, without an administrator (the server's console).
pub async fn scheduled_now(app: &App) -> AppResult<BackupSummary> {
    make(app).await
}

async fn make(app: &App) -> AppResult<BackupSummary> {
    let (_, folder) = folder(app).await?;
    backup::create(
        &app.pool,
        app.database_url(),
        &app.documents_dir(),
        &folder,
        app.clock.now(),
    )
    .await
}

/// The scheduled daily backup: a verified backup, then all but the newest `keep` deleted.
/// Returns how many old backups were deleted.
pub async fn scheduled(app: &App) -> AppResult<i64> {
    let made = make(app).await?;
    let (settings, folder) = folder(app).await?;
    let deleted =
        tokio::task::spawn_blocking(move || backup::prune(&folder, settings.keep as usize))
            .await
            .map_err(AppError::internal)??;
    tracing::info!(file = %made.file_name, deleted, "scheduled backup made");
    Ok(deleted as i64)
}

/// Whether the daily backup is switched on.
pub async fn daily_enabled(app: &App) -> AppResult<bool> {
    Ok(settings::backups(app).await?.daily)
}

/// Restores a backup: on SQLite (the standalone desktop, or a SQLite server from its console)
/// it checks the whole archive, keeps a safety copy of the current database, then CLOSES
/// the app and swaps the database in; the caller must start the app again (the desktop
/// restarts itself). On PostgreSQL (the server's console, every instance stopped) see
/// `backup::restore_postgres`; the app stays open.
pub async fn restore(app: &App, archive: &Path) -> AppResult<RestoreOutcome> {
    if let (store::Pool::Postgres(pg), Some(url)) = (&app.pool, app.database_url()) {
        let (restored, safety) = backup::restore_postgres(
            pg,
            url,
            app.data_dir(),
            &app.documents_dir(),
            archive,
            app.clock.now(),
        )
        .await?;
        store::audit::append(
            &app.pool,
            None,
            "backup.restored",
            "backup",
            None,
            &restored.file_name,
            app.now(),
        )
        .await?;
        return Ok(RestoreOutcome {
            restored,
            safety_copy: safety.display().to_string(),
        });
    }
    let staged = backup::stage(app.data_dir(), archive).await?;
    crate::fault::point("restore:after_stage");
    let safety = backup::safety_copy(&app.pool, app.data_dir(), app.clock.now()).await?;
    // Everything into the database file, so no write-ahead log outlives the close.
    checkpoint(app).await?;
    app.close().await;
    let (db, documents) = (app.db_path(), app.documents_dir());
    let restored = {
        let db = db.clone();
        tokio::task::spawn_blocking(move || backup::swap(staged, &db, &documents))
            .await
            .map_err(AppError::internal)??
    };
    // Recorded in the restored database, which is also opened once here.
    let pool = crate::db::open(&db).await?;
    store::audit::append(
        &pool,
        None,
        "backup.restored",
        "backup",
        None,
        &restored.file_name,
        app.now(),
    )
    .await?;
    pool.close().await;
    Ok(RestoreOutcome {
        restored,
        safety_copy: safety.display().to_string(),
    })
}

async fn checkpoint(app: &App) -> AppResult<()> {
    if let store::Pool::Sqlite(pool) = &app.pool {
        sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(pool)
            .await?;
    }
    Ok(())
}
