//! `migrate::sqlite_to_postgres`: a SQLite business moves to PostgreSQL whole, verified.
//!
//! These tests need a PostgreSQL server (`HS_TEST_POSTGRES_URL`; each makes its own
//! database). Without one they are skipped with a line saying so, except under `CI=true`,
//! where its absence is a failure (as in `schema_engines`).

use crate::common::*;
use household_core::generator::{generate, GenSize};
use household_core::migrate::{self, MigrationReport, TableCheck};
use household_core::{accounts, customer, demo, documents, home, store, App, AppConfig, ErrorCode};
use sha2::Digest;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Whether a PostgreSQL server is there to test against (says so when it is not).
fn postgres_available(test: &str) -> bool {
    household_core::db::testing::server_url_or_skip(&format!("migrate::{test}")).is_some()
}

/// A business on SQLite (whatever engine this run tests) with its administrator signed in.
async fn sqlite_business() -> TestApp {
    let t = spawn_app_with(|c| c.database_url = None).await;
    t.keep(accounts::create_first_admin(&t, admin_form(), "test").await)
        .expect("first admin");
    t
}

/// A SQLite business with the demo data and one more professional who uploaded a document.
async fn demo_business() -> TestApp {
    let t = sqlite_business().await;
    let admin = t.actor().await.unwrap();
    demo::load_for_admin(&t, &admin).await.unwrap();
    t.logout().await;
    let svc = first_active_service(&t.app).await;
    accounts::register_professional(&t, professional_form("pia.new", svc))
        .await
        .unwrap();
    t
}

async fn first_active_service(app: &App) -> i64 {
    household_core::on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT MIN(id) FROM services WHERE is_active"
    )
    .fetch_one(ex)
    .await)
    .unwrap()
}

/// The business's tables as SQLite lists them (what must be copied).
async fn sqlite_tables(t: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
           AND name NOT LIKE 'sqlite%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(t.pool.as_sqlite().unwrap())
    .await
    .unwrap()
}

async fn count(app: &App, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM \"{table}\"");
    household_core::on!(&app.pool, |ex| sqlx::query_scalar::<_, i64>(&sql)
        .fetch_one(ex)
        .await)
    .unwrap()
}

async fn migrate_into(t: &TestApp, url: &str, documents_to: &Path) -> MigrationReport {
    let mut lines: Vec<String> = Vec::new();
    let report = migrate::sqlite_to_postgres(t.data_dir(), url, documents_to, |l| {
        lines.push(l.to_owned())
    })
    .await
    .unwrap();
    if std::env::var_os("HS_MIGRATE_TEST_VERBOSE").is_some() {
        println!("{}", lines.join("\n"));
    }
    for table in &report.tables {
        let line = format!("{}: {} rows copied (", table.table, table.rows);
        assert!(
            lines.iter().any(|l| l.starts_with(&line)),
            "no progress line {line:?} in {lines:?}"
        );
    }
    report
}

fn print_report(report: &MigrationReport) {
    for t in &report.tables {
        println!("  {:<20} {:>8} rows  {}", t.table, t.rows, t.checksum);
    }
    println!(
        "  documents: {} copied, {} already there; {} ms",
        report.documents.copied, report.documents.already_present, report.elapsed_ms
    );
}

/// Every table equal on both sides; the report's figures are the verified ones, and its rows
/// are the SQLite file's own counts.
async fn assert_equal_everywhere(t: &TestApp, url: &str, report: &MigrationReport) {
    let mut reported: Vec<&str> = report.tables.iter().map(|r| r.table.as_str()).collect();
    reported.sort_unstable();
    assert_eq!(reported, sqlite_tables(t).await, "every table is copied");
    let checks = migrate::verify(t.data_dir(), url).await.unwrap();
    let differences: Vec<String> = checks.iter().map(TableCheck::difference).collect();
    assert!(checks.iter().all(TableCheck::matches), "{differences:?}");
    for (r, c) in report.tables.iter().zip(&checks) {
        assert_eq!(r.table, c.table);
        assert_eq!((r.rows, &r.checksum), (c.source_rows, &c.source_checksum));
        assert_eq!(
            i64::try_from(r.rows).unwrap(),
            count(&t.app, &r.table).await,
            "{}",
            r.table
        );
    }
}

/// The same business opened on PostgreSQL, as a server would.
async fn open_on_postgres(t: &TestApp, url: &str, documents: &Path) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = AppConfig::new(dir.path().join("data"));
    config.clock = t.clock.clone();
    config.database_url = Some(url.to_owned());
    config.documents_dir = Some(documents.to_owned());
    TestApp {
        app: Arc::new(App::open(config).await.unwrap()),
        clock: t.clock.clone(),
        dir,
        desktop: Mutex::default(),
        database_url: Some(url.to_owned()),
    }
}

#[tokio::test]
async fn the_demo_business_moves_to_postgres_whole() {
    if !postgres_available("the_demo_business_moves_to_postgres_whole") {
        return;
    }
    let t = demo_business().await;
    // The event log's newest row purged: its id must still never be given again.
    let sqlite = t.pool.as_sqlite().unwrap();
    sqlx::query("DELETE FROM events WHERE id = (SELECT MAX(id) FROM events)")
        .execute(sqlite)
        .await
        .unwrap();
    let last_event: i64 =
        sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
            .fetch_one(sqlite)
            .await
            .unwrap();
    assert!(last_event > 0);
    let url = household_core::db::testing::fresh_database().await;
    let target = tempfile::tempdir().unwrap();
    let documents_to = target.path().join("documents");
    let report = migrate_into(&t, &url, &documents_to).await;
    print_report(&report);
    let events = report.tables.iter().find(|r| r.table == "events").unwrap();
    assert_eq!(events.next_id, Some(last_event + 1));
    assert_equal_everywhere(&t, &url, &report).await;
    assert!(report
        .tables
        .iter()
        .any(|r| r.table == "users" && r.rows > 10));
    // The demo's certificate and the new professional's licence.
    assert_eq!(report.documents.copied, 2);
    let position = |table: &str| report.tables.iter().position(|r| r.table == table).unwrap();
    for (parent, child) in [
        ("users", "customers"),
        ("services", "professionals"),
        ("service_requests", "request_events"),
        ("terminals", "sessions"),
    ] {
        assert!(
            position(parent) < position(child),
            "{parent} before {child}"
        );
    }

    // The indexes set aside during the copy are back, exactly as the schema makes them.
    let fresh = household_core::db::testing::fresh_database().await;
    household_core::db::open_postgres(&fresh)
        .await
        .unwrap()
        .close()
        .await;
    let mut indexes = Vec::new();
    for db in [&url, &fresh] {
        let pool = sqlx::PgPool::connect(db).await.unwrap();
        let defs: Vec<(String, String)> = sqlx::query_as(
            "SELECT indexname::text, indexdef FROM pg_indexes
              WHERE schemaname = current_schema() ORDER BY indexname",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        indexes.push(defs);
    }
    assert!(indexes[0].len() > 30, "{:?}", indexes[0]);
    assert_eq!(indexes[0], indexes[1]);

    let pg = open_on_postgres(&t, &url, &documents_to).await;
    assert_eq!(pg.engine(), household_core::store::Engine::Postgres);
    assert_eq!(
        store::requests::count_all(&pg.pool).await.unwrap(),
        store::requests::count_all(&t.pool).await.unwrap()
    );
    // A demo customer signs in and sees the same figures on both.
    let mut seen = Vec::new();
    for app in [&t, &pg] {
        login(app, "anita.d", demo::DEMO_PASSWORD).await.unwrap();
        let anita = app.actor().await.unwrap();
        let cards = home::summary(app, &anita).await.unwrap().cards;
        seen.push(
            cards
                .iter()
                .map(|c| (c.key.clone(), c.value))
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(seen[0], seen[1]);
    assert!(seen[1].iter().any(|(_, v)| *v > 0), "{seen:?}");

    // The sequences moved past the copied ids: a new booking gets a new id.
    let anita = pg.actor().await.unwrap();
    let max_id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM service_requests")
        .fetch_one(t.pool.as_sqlite().unwrap())
        .await
        .unwrap();
    let svc = first_active_service(&pg.app).await;
    let id = customer::book(&pg, &anita, booking(svc)).await.unwrap();
    assert!(id > max_id, "new request {id}, copied ids up to {max_id}");

    // Every professional's document is in the server's documents folder.
    let hashes: Vec<(String, String)> = household_core::on!(&pg.pool, |ex| sqlx::query_as(
        "SELECT document_sha256, document_mime FROM professionals"
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    let licence = hex::encode(sha2::Sha256::digest(PDF));
    assert!(hashes.iter().any(|(h, _)| *h == licence));
    for (hash, mime) in hashes {
        let ext = match mime.as_str() {
            "application/pdf" => "pdf",
            "image/png" => "png",
            _ => "jpg",
        };
        let path = documents::stored_path(&documents_to, &hash, ext);
        assert!(path.is_file(), "{} missing", path.display());
        assert_eq!(
            hex::encode(sha2::Sha256::digest(std::fs::read(&path).unwrap())),
            hash
        );
    }
}

#[tokio::test]
async fn a_generated_business_of_100k_requests_migrates_in_seconds() {
    if !postgres_available("a_generated_business_of_100k_requests_migrates_in_seconds") {
        return;
    }
    let t = sqlite_business().await;
    t.logout().await;
    generate(&t, GenSize::for_requests(100_000)).await.unwrap();
    let url = household_core::db::testing::fresh_database().await;
    let target = tempfile::tempdir().unwrap();
    let report = migrate_into(&t, &url, &target.path().join("documents")).await;
    print_report(&report);
    let rows: u64 = report.tables.iter().map(|r| r.rows).sum();
    println!(
        "migrated {rows} rows of a 100k-request business to PostgreSQL in {} ms (verified)",
        report.elapsed_ms
    );
    let requests = report
        .tables
        .iter()
        .find(|r| r.table == "service_requests")
        .unwrap();
    assert_eq!(requests.rows, 100_000);
    assert_equal_everywhere(&t, &url, &report).await;
}

#[tokio::test]
async fn a_second_migration_into_a_filled_database_is_refused_and_changes_nothing() {
    if !postgres_available(
        "a_second_migration_into_a_filled_database_is_refused_and_changes_nothing",
    ) {
        return;
    }
    let t = demo_business().await;
    let url = household_core::db::testing::fresh_database().await;
    let target = tempfile::tempdir().unwrap();
    let documents_to = target.path().join("documents");
    migrate_into(&t, &url, &documents_to).await;
    let before = migrate::verify(t.data_dir(), &url).await.unwrap();

    // The same business again, and another one: both refused, naming a table with rows.
    let other = sqlite_business().await;
    for source in [&t, &other] {
        let err = migrate::sqlite_to_postgres(source.data_dir(), &url, &documents_to, |_| {})
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
        let message = err.to_string();
        assert!(
            message.contains("not empty") && message.contains("table `"),
            "{message}"
        );
    }
    let after = migrate::verify(t.data_dir(), &url).await.unwrap();
    assert_eq!(before, after, "nothing changed");
    assert!(after.iter().all(TableCheck::matches));
}

#[tokio::test]
async fn the_verification_notices_a_changed_row() {
    if !postgres_available("the_verification_notices_a_changed_row") {
        return;
    }
    let t = demo_business().await;
    let url = household_core::db::testing::fresh_database().await;
    let target = tempfile::tempdir().unwrap();
    migrate_into(&t, &url, &target.path().join("documents")).await;
    let pg = sqlx::PgPool::connect(&url).await.unwrap();
    let exec = |sql: &'static str| {
        let pg = pg.clone();
        async move {
            let done = sqlx::query(sql).execute(&pg).await.unwrap();
            assert_eq!(done.rows_affected(), 1, "{sql}");
        }
    };
    let differing = || async {
        let checks = migrate::verify(t.data_dir(), &url).await.unwrap();
        checks
            .into_iter()
            .filter(|c| !c.matches())
            .collect::<Vec<_>>()
    };
    assert!(differing().await.is_empty());

    // One change at a time in the target, each found in its table only, then undone.
    let cases: [(&str, &str, &str); 3] = [
        (
            "users",
            "UPDATE users SET full_name = full_name || '.' WHERE id = (SELECT MAX(id) FROM users)",
            "UPDATE users SET full_name = rtrim(full_name, '.') WHERE id = (SELECT MAX(id) FROM users)",
        ),
        (
            "service_requests",
            "UPDATE service_requests SET scheduled_for = scheduled_for + interval '1 second' WHERE id = 1",
            "UPDATE service_requests SET scheduled_for = scheduled_for - interval '1 second' WHERE id = 1",
        ),
        (
            "services",
            "UPDATE services SET is_active = NOT is_active WHERE id = 1",
            "UPDATE services SET is_active = NOT is_active WHERE id = 1",
        ),
    ];
    for (table, change, undo) in cases {
        exec(change).await;
        let found = differing().await;
        assert_eq!(found.len(), 1, "{table}: {found:?}");
        assert_eq!(found[0].table, table);
        assert_eq!(found[0].source_rows, found[0].target_rows);
        assert!(
            found[0].difference().contains("contents differ"),
            "{}",
            found[0].difference()
        );
        exec(undo).await;
        assert!(differing().await.is_empty(), "{table} undone");
    }
    // A missing row is a count difference.
    exec("DELETE FROM request_events WHERE id = (SELECT MAX(id) FROM request_events)").await;
    let found = differing().await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].source_rows, found[0].target_rows + 1);
    assert!(found[0].difference().contains("rows in SQLite"));
    pg.close().await;
}

#[tokio::test]
async fn a_value_postgres_cannot_take_stops_the_migration_and_leaves_the_target_empty() {
    if !postgres_available(
        "a_value_postgres_cannot_take_stops_the_migration_and_leaves_the_target_empty",
    ) {
        return;
    }
    let t = demo_business().await;
    let sqlite = t.pool.as_sqlite().unwrap();
    let bad = "UPDATE service_requests SET completed_at = 'last tuesday' WHERE id = 2";
    sqlx::query(bad).execute(sqlite).await.unwrap();
    let url = household_core::db::testing::fresh_database().await;
    let target = tempfile::tempdir().unwrap();
    let documents_to = target.path().join("documents");
    let err = migrate::sqlite_to_postgres(t.data_dir(), &url, &documents_to, |_| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("service_requests")
            && err.contains("id = 2")
            && err.contains("completed_at")
            && err.contains("last tuesday"),
        "{err}"
    );
    // Rolled back: once the value is fixed, the same target takes the business.
    sqlx::query("UPDATE service_requests SET completed_at = NULL WHERE id = 2")
        .execute(sqlite)
        .await
        .unwrap();
    let report = migrate_into(&t, &url, &documents_to).await;
    assert_equal_everywhere(&t, &url, &report).await;

    // And a folder without a database is named as such (no empty one is created there).
    let empty = tempfile::tempdir().unwrap();
    let err = migrate::sqlite_to_postgres(empty.path(), &url, &documents_to, |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
    assert!(!empty.path().join("household.sqlite3").exists());
}
