//! Bulk data generator for benchmarks and large demos: customers, professionals, services and
//! requests in every status, inserted set-wise by SQLite itself in one transaction
//! (recursive CTEs), deterministic for a given size.

use super::Engine;
use crate::clock::to_db;
use crate::error::AppResult;
use crate::{password, App};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::time::Instant;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenSize {
    pub services: i64,
    pub professionals: i64,
    pub customers: i64,
    pub requests: i64,
}

impl GenSize {
    /// The benchmark size of the design: 50 services, 5,000 professionals, 100,000
    /// customers, 1,000,000 requests.
    pub const BENCH: GenSize = GenSize {
        services: 50,
        professionals: 5_000,
        customers: 100_000,
        requests: 1_000_000,
    };

    /// A size scaled from a request count, keeping the bench's proportions.
    pub fn for_requests(requests: i64) -> GenSize {
        let requests = requests.max(100);
        GenSize {
            services: 50,
            professionals: (requests / 200).max(50),
            customers: (requests / 10).max(10),
            requests,
        }
    }
}

/// What was generated and how long it took.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct GenReport {
    pub services: i64,
    pub professionals: i64,
    pub customers: i64,
    pub requests: i64,
    pub elapsed_ms: u64,
}

impl GenReport {
    /// The report of `size` generated since `started`.
    pub(super) fn of(size: GenSize, started: Instant) -> GenReport {
        GenReport {
            services: size.services,
            professionals: size.professionals,
            customers: size.customers,
            requests: size.requests,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// Number of distinct pincodes the generated people live in.
pub const PINCODES: i64 = 100;

/// Changes whenever the generated data changes shape, so that cached data sets (the load
/// bench keeps one) are made again. 2: assigned jobs spread over all professionals.
pub const GENERATOR_VERSION: u32 = 2;

/// Generates the data set into an empty database; all generated users share the demo password.
pub async fn generate(app: &App, size: GenSize) -> AppResult<GenReport> {
    let super::Pool::Sqlite(pool) = &app.pool else {
        return super::generator_pg::generate(app, size).await;
    };
    let started = Instant::now();
    // Foreign keys are checked once at the end (foreign_key_check) instead of three lookups
    // per inserted request; the pragma only takes effect outside a transaction.
    let mut conn = pool.acquire().await?;
    // The set is disposable until it is complete, so its commit need not wait for the disk.
    sqlx::raw_sql("PRAGMA foreign_keys = OFF; PRAGMA synchronous = OFF")
        .execute(&mut *conn)
        .await?;
    let result = generate_on(&mut conn, app, size, started).await;
    sqlx::raw_sql("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL")
        .execute(&mut *conn)
        .await?;
    let report = result?;
    // The data is consistent by construction; debug builds (the tests) prove it on every run,
    // release builds skip the seconds a full check of a million rows takes.
    if cfg!(debug_assertions) {
        let problems: Vec<(String, i64, String, i64)> = sqlx::query_as("PRAGMA foreign_key_check")
            .fetch_all(&mut *conn)
            .await?;
        if !problems.is_empty() {
            return Err(crate::AppError::internal(format!(
                "generated data breaks foreign keys: {:?}",
                &problems[..problems.len().min(5)]
            )));
        }
    }
    drop(conn);
    let t = Instant::now();
    // Full statistics (about a second at 1M requests): a sampled ANALYZE saw ~1,000 requests
    // per service instead of 20,000 and made the admin list sort every request by date.
    sqlx::raw_sql("ANALYZE").execute(pool).await?;
    tracing::debug!(
        step = "analyze",
        ms = t.elapsed().as_millis() as u64,
        "generator"
    );
    Ok(GenReport {
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        ..report
    })
}

/// Writes what generation left dirty to the database files, so a benchmark that follows
/// measures reads, not the engine flushing ~600 MiB behind them (PostgreSQL's checkpointer
/// did, during the first seconds of the lists bench: a feed p99 of 5.8 ms against 0.9).
/// CHECKPOINT needs a superuser or `pg_checkpoint`; without either this is a no-op.
pub async fn settle(app: &App) -> AppResult<()> {
    match &app.pool {
        super::Pool::Sqlite(pool) => {
            sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await?;
        }
        super::Pool::Postgres(pool) => {
            if let Err(e) = sqlx::raw_sql("CHECKPOINT").execute(pool).await {
                tracing::info!(error = %e, "no checkpoint after generating");
            }
        }
    }
    Ok(())
}

async fn generate_on(
    conn: &mut sqlx::SqliteConnection,
    app: &App,
    size: GenSize,
    started: Instant,
) -> AppResult<GenReport> {
    let t = Instant::now();
    let hash = password::hash(crate::demo::DEMO_PASSWORD.to_string()).await?;
    tracing::debug!(
        step = "hash",
        ms = t.elapsed().as_millis() as u64,
        "generator"
    );
    let now = app.clock.now();
    let stamp = to_db(now);
    let epoch = now.timestamp();
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
    // Building an index once over sorted keys is far cheaper than maintaining nine indexes
    // row by row in random order: set the request indexes aside and rebuild them after.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'service_requests' AND sql IS NOT NULL",
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("PRAGMA cache_size = -262144")
        .execute(&mut *tx)
        .await?;
    for (name, _) in &indexes {
        sqlx::query(&format!("DROP INDEX \"{}\"", name.replace('"', "")))
            .execute(&mut *tx)
            .await?;
    }
    tracing::debug!(
        step = "drop indexes",
        ms = started.elapsed().as_millis() as u64,
        "generator"
    );
    let base: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    let svc_base: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM services")
        .fetch_one(&mut *tx)
        .await?;
    let script = script(Engine::Sqlite, size, base, svc_base, &hash, &stamp, epoch);
    // The requests first, then the indexes, then what reads through them (reviews, roll-ups).
    let (requests_part, rest) = script
        .split_once("-- REBUILD INDEXES HERE")
        .ok_or_else(|| crate::AppError::internal("generator script marker missing"))?;
    let timed = |label: String, t: Instant| tracing::debug!(step = %label, ms = t.elapsed().as_millis() as u64, "generator");
    for stmt in requests_part.split(";\n").filter(|s| !s.trim().is_empty()) {
        let t = Instant::now();
        sqlx::raw_sql(stmt).execute(&mut *tx).await?;
        timed(stmt.trim().lines().next().unwrap_or("").to_string(), t);
    }
    for (name, sql) in &indexes {
        let t = Instant::now();
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        timed(format!("index {name}"), t);
    }
    for stmt in rest.split(";\n").filter(|s| !s.trim().is_empty()) {
        let t = Instant::now();
        sqlx::raw_sql(stmt).execute(&mut *tx).await?;
        timed(stmt.trim().lines().next().unwrap_or("").to_string(), t);
    }
    sqlx::query("PRAGMA cache_size = -2000")
        .execute(&mut *tx)
        .await?;
    let t = Instant::now();
    tx.commit().await?;
    tracing::debug!(
        step = "commit",
        ms = t.elapsed().as_millis() as u64,
        "generator"
    );
    Ok(GenReport::of(size, started))
}

/// The generator's statements in `engine`'s dialect, written once: customers, professionals
/// and services above the ids `base` (users) and `svc_base` (services), then the requests,
/// then (after the marker line, once the request indexes are back) reviews and roll-ups.
/// Pseudo-random but deterministic: multiplicative hashing of the row number.
pub(super) fn script(
    engine: Engine,
    size: GenSize,
    base: i64,
    svc_base: i64,
    hash: &str,
    stamp: &str,
    epoch: i64,
) -> String {
    // `{with} SELECT … FROM {seq}` numbers rows n = 1..=count; pad and time differ too.
    let with = |count: i64| match engine {
        Engine::Sqlite => format!(
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count})"
        ),
        Engine::Postgres => String::new(),
    };
    let seq = |count: i64| match engine {
        Engine::Sqlite => "seq".to_owned(),
        Engine::Postgres => format!("generate_series(1::bigint, {count}) n"),
    };
    let pad = |expr: &str, width: usize| match engine {
        Engine::Sqlite => format!("printf('%0{width}d', {expr})"),
        Engine::Postgres => format!("lpad(({expr})::text, {width}, '0')"),
    };
    let time = |epoch_expr: &str| match engine {
        Engine::Sqlite => format!("strftime('%Y-%m-%dT%H:%M:%SZ', {epoch_expr}, 'unixepoch')"),
        Engine::Postgres => format!("to_timestamp({epoch_expr})"),
    };
    let (services, pros, customers, requests) = (
        size.services,
        size.professionals,
        size.customers,
        size.requests,
    );
    let pincodes = PINCODES;
    let pro_base = base;
    let cust_base = base + size.professionals;
    let requests_with = match engine {
        Engine::Sqlite => format!("{},", with(requests)),
        Engine::Postgres => "WITH".to_owned(),
    };
    format!(
        "
        INSERT INTO services (id, name, name_key, description, base_price_minor, estimated_minutes, created_at, updated_at)
        {with_services}
        SELECT {svc_base} + n, 'Service ' || {pad_n3}, 'service ' || {pad_n3},
               'Generated service number ' || n, 19900 + (n * 7919 % 200) * 1000, 30 + (n % 8) * 30, '{stamp}', '{stamp}'
        FROM {seq_services};

        INSERT INTO users (id, username, email, full_name, password_hash, role, created_at, updated_at)
        {with_pros}
        SELECT {pro_base} + n, 'pro' || n, 'pro' || n || '@gen.example.com', 'Professional ' || n, '{hash}',
               'professional', '{stamp}', '{stamp}'
        FROM {seq_pros};

        INSERT INTO professionals (user_id, service_id, experience_years, description, phone, pincode,
               verification_status, document_sha256, document_mime, document_name, document_size, document_uploaded_at)
        {with_pros}
        SELECT {pro_base} + n, {svc_base} + 1 + ((n - 1) % {services}), n % 30, '', '98' || {pad_n8},
               {pad_pro_pin},
               CASE WHEN n % 10 = 0 THEN 'pending' ELSE 'approved' END,
               {pad_zero64}, 'application/pdf', 'certificate.pdf', 1024, '{stamp}'
        FROM {seq_pros};

        INSERT INTO users (id, username, email, full_name, password_hash, role, created_at, updated_at)
        {with_customers}
        SELECT {cust_base} + n, 'cust' || n, 'cust' || n || '@gen.example.com', 'Customer ' || n, '{hash}',
               'customer', '{stamp}', '{stamp}'
        FROM {seq_customers};

        INSERT INTO customers (user_id, phone, address, pincode)
        {with_customers}
        SELECT {cust_base} + n, '99' || {pad_n8}, n || ' Generated Street', {pad_cust_pin}
        FROM {seq_customers};

        INSERT INTO service_requests (id, service_id, customer_id, professional_id, status, scheduled_for, address,
               pincode, remarks, created_at, updated_at, assigned_at, completed_at, closed_at, cancelled_at,
               price_minor)
        {requests_with}
        -- Two multiplicative hashes of n; their high bits pick the customer and the service,
        -- so that neither follows the status roll (which only sees n mod 100).
        hashed AS (
            SELECT n, (n * 2654435761) % 4294967296 AS h1, (n * 2246822519) % 4294967296 AS h2
            FROM {seq_requests}
        ),
        picked AS (
            SELECT n, h2,
                   1 + (h1 >> 8) % {customers} AS cust,
                   (n * 40503) % 100 AS roll,
                   {epoch} - ((n * 97) % (365 * 86400)) AS created
            FROM hashed
        ),
        shaped AS (
            SELECT n, cust, created,
                   CASE WHEN roll < 8 THEN 'requested' WHEN roll < 16 THEN 'assigned'
                        WHEN roll < 26 THEN 'completed' WHEN roll < 86 THEN 'closed'
                        WHEN roll < 96 THEN 'cancelled' WHEN roll < 98 THEN 'rejected' ELSE 'expired' END AS status,
                   -- a professional of this request's service who lives in the customer's pincode
                   ((h2 >> 8) % {services}) AS svc_idx,
                   (cust * 7919) % {pincodes} AS pin_idx
            FROM picked
        )
        SELECT n, {svc_base} + 1 + svc_idx, {cust_base} + cust,
               CASE WHEN status IN ('assigned', 'completed', 'closed')
                    THEN {pro_base} + 1 + svc_idx + {services} * (pin_idx % ({pros} / {services})) END,
               status,
               {t_scheduled},
               cust || ' Generated Street', {pad_req_pin}, '',
               {t_created},
               {t_created},
               CASE WHEN status IN ('assigned', 'completed', 'closed') THEN {t_assigned} END,
               CASE WHEN status IN ('completed', 'closed') THEN {t_completed} END,
               CASE WHEN status = 'closed' THEN {t_closed} END,
               CASE WHEN status = 'cancelled' THEN {t_cancelled} END,
               -- the service's price, as generated above
               19900 + ((1 + svc_idx) * 7919 % 200) * 1000
        FROM shaped;

        -- REBUILD INDEXES HERE

        INSERT INTO reviews (request_id, rating, comment, reviewed_at, customer_rating, customer_rated_at)
        SELECT id, 1 + (id * 31) % 5, NULL, closed_at, 1 + (id * 17) % 5, completed_at
        FROM service_requests WHERE status = 'closed' AND id % 5 <> 0;

        CREATE TEMP TABLE gen_agg AS
            SELECT r.service_id, r.professional_id, r.customer_id, v.rating, v.customer_rating
            FROM reviews v JOIN service_requests r ON r.id = v.request_id;
        CREATE TEMP TABLE gen_svc (id INTEGER PRIMARY KEY, s INTEGER, c INTEGER);
        INSERT INTO gen_svc SELECT service_id, SUM(rating), COUNT(rating) FROM gen_agg GROUP BY service_id;
        UPDATE services SET rating_sum = g.s, rating_count = g.c FROM gen_svc g WHERE g.id = services.id;
        CREATE TEMP TABLE gen_pro (id INTEGER PRIMARY KEY, s INTEGER, c INTEGER);
        INSERT INTO gen_pro SELECT professional_id, SUM(rating), COUNT(rating) FROM gen_agg GROUP BY professional_id;
        UPDATE professionals SET rating_sum = g.s, rating_count = g.c FROM gen_pro g WHERE g.id = professionals.user_id;
        CREATE TEMP TABLE gen_cust (id INTEGER PRIMARY KEY, s INTEGER, c INTEGER);
        INSERT INTO gen_cust SELECT customer_id, SUM(customer_rating), COUNT(customer_rating) FROM gen_agg GROUP BY customer_id;
        UPDATE customers SET rating_sum = g.s, rating_count = g.c FROM gen_cust g WHERE g.id = customers.user_id;
        DROP TABLE gen_svc;
        DROP TABLE gen_pro;
        DROP TABLE gen_cust;
        DROP TABLE gen_agg;
        ",
        with_services = with(services),
        seq_services = seq(services),
        with_pros = with(pros),
        seq_pros = seq(pros),
        with_customers = with(customers),
        seq_customers = seq(customers),
        seq_requests = seq(requests),
        pad_n3 = pad("n", 3),
        pad_n8 = pad("n", 8),
        pad_zero64 = pad("0", 64),
        pad_pro_pin = pad(&format!("560000 + ((n - 1) / {services}) % {pincodes}"), 6),
        pad_cust_pin = pad(&format!("560000 + (n * 7919) % {pincodes}"), 6),
        pad_req_pin = pad("560000 + pin_idx", 6),
        t_scheduled = time("created + 2 * 86400"),
        t_created = time("created"),
        t_assigned = time("created + 3600"),
        t_completed = time("created + 3 * 86400"),
        t_closed = time("created + 4 * 86400"),
        t_cancelled = time("created + 7200"),
    )
}
