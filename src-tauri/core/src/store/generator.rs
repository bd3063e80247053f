//! Bulk data generator for benchmarks and large demos: customers, professionals, services and
//! requests in every status, inserted set-wise by SQLite itself in one transaction
//! (recursive CTEs), deterministic for a given size.

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

/// Number of distinct pincodes the generated people live in.
pub const PINCODES: i64 = 100;

/// Changes whenever the generated data changes shape, so that cached data sets (the load
/// bench keeps one) are made again. 2: assigned jobs spread over all professionals.
pub const GENERATOR_VERSION: u32 = 2;

/// Generates the data set into an empty database; all generated users share the demo password.
pub async fn generate(app: &App, size: GenSize) -> AppResult<GenReport> {
    let started = Instant::now();
    // Foreign keys are checked once at the end (foreign_key_check) instead of three lookups
    // per inserted request; the pragma only takes effect outside a transaction.
    let mut conn = app.pool.acquire().await?;
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
    sqlx::raw_sql("ANALYZE").execute(&app.pool).await?;
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
    let pro_base = base;
    let cust_base = base + size.professionals;
    // Pseudo-random but deterministic: multiplicative hashing of the row number.
    let script = format!(
        "
        INSERT INTO services (id, name, name_key, description, base_price_minor, estimated_minutes, created_at, updated_at)
        WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {services})
        SELECT {svc_base} + n, 'Service ' || printf('%03d', n), 'service ' || printf('%03d', n),
               'Generated service number ' || n, 19900 + (n * 7919 % 200) * 1000, 30 + (n % 8) * 30, '{stamp}', '{stamp}'
        FROM seq;

        INSERT INTO users (id, username, email, full_name, password_hash, role, created_at, updated_at)
        WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {pros})
        SELECT {pro_base} + n, 'pro' || n, 'pro' || n || '@gen.example.com', 'Professional ' || n, '{hash}',
               'professional', '{stamp}', '{stamp}'
        FROM seq;

        INSERT INTO professionals (user_id, service_id, experience_years, description, phone, pincode,
               verification_status, document_sha256, document_mime, document_name, document_size, document_uploaded_at)
        WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {pros})
        SELECT {pro_base} + n, {svc_base} + 1 + ((n - 1) % {services}), n % 30, '', '98' || printf('%08d', n),
               printf('%06d', 560000 + ((n - 1) / {services}) % {pincodes}),
               CASE WHEN n % 10 = 0 THEN 'pending' ELSE 'approved' END,
               printf('%064d', 0), 'application/pdf', 'certificate.pdf', 1024, '{stamp}'
        FROM seq;

        INSERT INTO users (id, username, email, full_name, password_hash, role, created_at, updated_at)
        WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {customers})
        SELECT {cust_base} + n, 'cust' || n, 'cust' || n || '@gen.example.com', 'Customer ' || n, '{hash}',
               'customer', '{stamp}', '{stamp}'
        FROM seq;

        INSERT INTO customers (user_id, phone, address, pincode)
        WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {customers})
        SELECT {cust_base} + n, '99' || printf('%08d', n), n || ' Generated Street',
               printf('%06d', 560000 + (n * 7919) % {pincodes})
        FROM seq;

        INSERT INTO service_requests (id, service_id, customer_id, professional_id, status, scheduled_for, address,
               pincode, remarks, created_at, updated_at, assigned_at, completed_at, closed_at, cancelled_at,
               price_minor)
        WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {requests}),
        -- Two multiplicative hashes of n; their high bits pick the customer and the service,
        -- so that neither follows the status roll (which only sees n mod 100).
        hashed AS (
            SELECT n, (n * 2654435761) % 4294967296 AS h1, (n * 2246822519) % 4294967296 AS h2
            FROM seq
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
                        WHEN roll < 96 THEN 'cancelled' ELSE 'rejected' END AS status,
                   -- a professional of this request's service who lives in the customer's pincode
                   ((h2 >> 8) % {services}) AS svc_idx,
                   (cust * 7919) % {pincodes} AS pin_idx
            FROM picked
        )
        SELECT n, {svc_base} + 1 + svc_idx, {cust_base} + cust,
               CASE WHEN status IN ('assigned', 'completed', 'closed')
                    THEN {pro_base} + 1 + svc_idx + {services} * (pin_idx % ({pros} / {services})) END,
               status,
               strftime('%Y-%m-%dT%H:%M:%SZ', created + 2 * 86400, 'unixepoch'),
               cust || ' Generated Street', printf('%06d', 560000 + pin_idx), '',
               strftime('%Y-%m-%dT%H:%M:%SZ', created, 'unixepoch'),
               strftime('%Y-%m-%dT%H:%M:%SZ', created, 'unixepoch'),
               CASE WHEN status IN ('assigned', 'completed', 'closed') THEN strftime('%Y-%m-%dT%H:%M:%SZ', created + 3600, 'unixepoch') END,
               CASE WHEN status IN ('completed', 'closed') THEN strftime('%Y-%m-%dT%H:%M:%SZ', created + 3 * 86400, 'unixepoch') END,
               CASE WHEN status = 'closed' THEN strftime('%Y-%m-%dT%H:%M:%SZ', created + 4 * 86400, 'unixepoch') END,
               CASE WHEN status = 'cancelled' THEN strftime('%Y-%m-%dT%H:%M:%SZ', created + 7200, 'unixepoch') END,
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
        services = size.services,
        pros = size.professionals,
        customers = size.customers,
        requests = size.requests,
        pincodes = PINCODES,
    );
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
    Ok(GenReport {
        services: size.services,
        professionals: size.professionals,
        customers: size.customers,
        requests: size.requests,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}
