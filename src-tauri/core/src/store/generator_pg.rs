//! The bulk data generator on PostgreSQL: the same statements as on SQLite (see
//! `generator::script`), around PostgreSQL's own index and sequence handling.

use super::generator::{GenReport, GenSize};
use super::Engine;
use crate::clock::to_db;
use crate::error::AppResult;
use crate::{password, App};
use std::time::Instant;

/// Generates the data set into an empty PostgreSQL database (see `generator::generate`).
pub(super) async fn generate(app: &App, size: GenSize) -> AppResult<GenReport> {
    let started = Instant::now();
    let super::Pool::Postgres(pool) = &app.pool else {
        return Err(crate::AppError::internal("not a PostgreSQL database"));
    };
    let hash = password::hash(crate::demo::DEMO_PASSWORD.to_string()).await?;
    let now = app.clock.now();
    let stamp = to_db(now);
    let epoch = now.timestamp();
    let mut tx = app.write_tx().await?;
    let super::Ex::Postgres(super::PgEx::Conn(conn)) = super::Ex::from(&mut tx) else {
        return Err(crate::AppError::internal("not a PostgreSQL transaction"));
    };
    // Room to sort when building indexes. The commit stays synchronous: the VACUUM below
    // marks pages all-visible only once the commit record is on disk (with an asynchronous
    // commit it skipped every page, and index-only scans read the heap).
    sqlx::raw_sql("SET LOCAL maintenance_work_mem = '256MB'")
        .execute(&mut *conn)
        .await?;
    // As on SQLite, foreign keys are checked once at the end instead of a lookup per row per
    // key: those of the bulk tables are set aside and added back (each validated in one
    // pass) in this same transaction.
    let foreign_keys: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) FROM pg_constraint
         WHERE contype = 'f' AND conrelid IN ('service_requests'::regclass, 'reviews'::regclass,
               'professionals'::regclass, 'customers'::regclass)",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (table, name, _) in &foreign_keys {
        sqlx::query(&format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\""))
            .execute(&mut *conn)
            .await?;
    }
    // As on SQLite: set the request indexes aside and build them once over the whole table
    // (those backing a constraint stay).
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT i.indexname::text, i.indexdef FROM pg_indexes i
         WHERE i.schemaname = current_schema() AND i.tablename = 'service_requests'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                           WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (name, _) in &indexes {
        sqlx::query(&format!("DROP INDEX \"{}\"", name.replace('"', "")))
            .execute(&mut *conn)
            .await?;
    }
    let base: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM users")
        .fetch_one(&mut *conn)
        .await?;
    let svc_base: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM services")
        .fetch_one(&mut *conn)
        .await?;
    let script =
        super::generator::script(Engine::Postgres, size, base, svc_base, &hash, &stamp, epoch);
    // Explicit ids leave the identity sequences behind: move them past the new rows.
    let script = format!(
        "{script}
        SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users));
        SELECT setval(pg_get_serial_sequence('services', 'id'), (SELECT MAX(id) FROM services));
        SELECT setval(pg_get_serial_sequence('service_requests', 'id'), (SELECT MAX(id) FROM service_requests));
        "
    );
    let (requests_part, rest) = script
        .split_once("-- REBUILD INDEXES HERE")
        .ok_or_else(|| crate::AppError::internal("generator script marker missing"))?;
    let timed = |label: &str, t: Instant| tracing::debug!(step = %label, ms = t.elapsed().as_millis() as u64, "generator");
    for stmt in requests_part.split(";\n").filter(|s| !s.trim().is_empty()) {
        let t = Instant::now();
        sqlx::raw_sql(stmt).execute(&mut *conn).await?;
        timed(stmt.trim().lines().next().unwrap_or(""), t);
    }
    for (name, sql) in &indexes {
        let t = Instant::now();
        sqlx::raw_sql(sql).execute(&mut *conn).await?;
        timed(name, t);
    }
    for stmt in rest.split(";\n").filter(|s| !s.trim().is_empty()) {
        let t = Instant::now();
        sqlx::raw_sql(stmt).execute(&mut *conn).await?;
        timed(stmt.trim().lines().next().unwrap_or(""), t);
    }
    for (table, name, definition) in &foreign_keys {
        let t = Instant::now();
        sqlx::query(&format!(
            "ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}"
        ))
        .execute(&mut *conn)
        .await?;
        timed(name, t);
    }
    tx.commit().await?;
    // Statistics for the planner, and the visibility map set (index-only scans need it):
    // left to autovacuum, both happened during the first minutes of use instead (a load
    // test saw reads stall 200 ms behind it).
    sqlx::raw_sql("VACUUM (ANALYZE)").execute(pool).await?;
    // Right after the commit, that VACUUM marked no page all-visible in 2 runs out of 3
    // at 100k requests (likely a snapshot of another connection from before the commit),
    // and the admin list's capped count then read the heap. Vacuum again (all-visible pages
    // are skipped) until the requests are all-visible.
    for _ in 0..20 {
        let (visible, pages): (i32, i32) = sqlx::query_as(
            "SELECT relallvisible, relpages FROM pg_class WHERE oid = 'service_requests'::regclass",
        )
        .fetch_one(pool)
        .await?;
        if visible >= pages {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        sqlx::raw_sql("VACUUM service_requests, reviews, users, customers, professionals")
            .execute(pool)
            .await?;
    }
    Ok(GenReport::of(size, started))
}
