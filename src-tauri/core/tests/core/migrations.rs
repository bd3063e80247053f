//! The schema migrates from empty and enforces its constraints.

use crate::common::*;

#[tokio::test]
async fn migrates_from_empty_with_every_table_and_pragma() {
    let t = spawn_app().await;
    let Some(pool) = sqlite_only(&t) else { return };
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name")
            .fetch_all(&pool).await
            .unwrap();
    for expected in [
        "audit_log",
        "customers",
        "export_jobs",
        "login_throttle",
        "professionals",
        "request_events",
        "request_rejections",
        "reviews",
        "service_requests",
        "services",
        "users",
    ] {
        assert!(
            tables.iter().any(|n| n == expected),
            "missing table {expected}: {tables:?}"
        );
    }
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(busy >= 5000, "busy_timeout {busy}");
    assert!(t.data_dir().join("household.sqlite3").exists());
}

#[tokio::test]
async fn reopening_an_existing_database_is_a_no_op() {
    let t = spawn_app().await;
    let dir = t.data_dir().to_path_buf();
    let mut config = household_core::AppConfig::new(&dir);
    config.clock = t.clock.clone();
    let Some(_) = sqlite_only(&t) else { return };
    let again = household_core::App::open(config)
        .await
        .expect("second open");
    let again = again.pool.as_sqlite().expect("sqlite").clone();
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&again)
        .await
        .unwrap();
    assert_eq!(
        applied as usize,
        household_core::db::MIGRATOR.iter().count()
    );
}

#[tokio::test]
async fn constraints_reject_bad_rows() {
    let t = spawn_set_up_app().await;
    let now = ts("2026-11-21T09:00:00Z");
    let bad_role = household_core::on!(&t.pool, |ex| {
        sqlx::query("INSERT INTO users (username, email, full_name, password_hash, role, created_at, updated_at) VALUES ('abc','a@b.co','A','h','superuser',$1,$1)")
        .bind(now).execute(ex).await.map(|_| ())
    });
    assert!(bad_role.is_err(), "unknown role accepted");
    let orphan = household_core::on!(&t.pool, |ex| {
        sqlx::query("INSERT INTO customers (user_id, phone, address, pincode) VALUES (999, '9876543210', 'x', '560001')")
        .execute(ex).await.map(|_| ())
    });
    assert!(orphan.is_err(), "foreign key not enforced");
    let svc = a_service(&t).await;
    let dup = household_core::store::services::insert(&t.pool, "PLUMBING", "", 1, 1, now).await;
    assert!(
        dup.is_err(),
        "service names must be unique regardless of case"
    );
    let neg_price = household_core::on!(&t.pool, |ex| {
        sqlx::query("INSERT INTO services (name, name_key, base_price_minor, estimated_minutes, created_at, updated_at) VALUES ('X','x',-1,10,$1,$1)")
        .bind(now).execute(ex).await.map(|_| ())
    });
    assert!(neg_price.is_err());
    let c = registered_customer(&t, "cara").await;
    // assigned without a professional is impossible
    let r = household_core::on!(&t.pool, |ex| {
        sqlx::query("INSERT INTO service_requests (service_id, customer_id, status, scheduled_for, address, pincode, created_at, updated_at) VALUES ($1,$2,'assigned',$3,'addr','560001',$3,$3)")
        .bind(svc).bind(c.user_id).bind(now).execute(ex).await.map(|_| ())
    });
    assert!(r.is_err());
    let ok = household_core::on!(&t.pool, |ex| sqlx::query_scalar::<_, i64>("INSERT INTO service_requests (service_id, customer_id, status, scheduled_for, address, pincode, created_at, updated_at) VALUES ($1,$2,'requested',$3,'addr','560001',$3,$3) RETURNING id")
        .bind(svc).bind(c.user_id).bind(now).fetch_one(ex).await).unwrap();
    for bad in [0, 6] {
        let rating = household_core::on!(&t.pool, |ex| sqlx::query(
            "INSERT INTO reviews (request_id, rating) VALUES ($1, $2)"
        )
        .bind(ok)
        .bind(bad)
        .execute(ex)
        .await
        .map(|_| ()));
        assert!(rating.is_err(), "rating {bad} accepted");
    }
    household_core::on!(&t.pool, |ex| sqlx::query(
        "INSERT INTO reviews (request_id, rating) VALUES ($1, 5)"
    )
    .bind(ok)
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    let second = household_core::on!(&t.pool, |ex| sqlx::query(
        "INSERT INTO reviews (request_id, rating) VALUES ($1, 4)"
    )
    .bind(ok)
    .execute(ex)
    .await
    .map(|_| ()));
    assert!(second.is_err(), "two reviews for one request");
}

#[tokio::test]
async fn requests_booked_before_prices_were_kept_get_their_catalogue_price() {
    // A database at the schema before `request_price`, with one request in it.
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old-migrations");
    std::fs::create_dir(&old).unwrap();
    let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/sqlite");
    let mut files: Vec<_> = std::fs::read_dir(&all)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files
        .iter()
        .take_while(|f| !f.to_string_lossy().contains("request_price"))
    {
        std::fs::copy(f, old.join(f.file_name().unwrap())).unwrap();
    }
    let db = dir.path().join("household.sqlite3");
    let pool = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&db)
            .create_if_missing(true),
    )
    .await
    .unwrap();
    sqlx::migrate::Migrator::new(old.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let now = ts("2026-11-21T09:00:00Z");
    sqlx::raw_sql(&format!(
        "INSERT INTO users (id, username, email, full_name, password_hash, role, created_at, updated_at)
             VALUES (1, 'cara', 'cara@example.com', 'Cara', 'h', 'customer', '{now}', '{now}');
         INSERT INTO customers (user_id, phone, address, pincode) VALUES (1, '9876543210', 'x', '560001');
         INSERT INTO services (id, name, name_key, base_price_minor, estimated_minutes, created_at, updated_at)
             VALUES (1, 'Plumbing', 'plumbing', 49900, 60, '{now}', '{now}');
         INSERT INTO service_requests (service_id, customer_id, status, scheduled_for, address, pincode, created_at, updated_at)
             VALUES (1, 1, 'requested', '{now}', 'x', '560001', '{now}', '{now}');"
    ))
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    // Opening it with this version applies the rest.
    let pool = household_core::db::open(&db).await.unwrap();
    let pool = pool.as_sqlite().expect("an SQLite database");
    let price: i64 = sqlx::query_scalar("SELECT price_minor FROM service_requests")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(price, 49_900);
}

/// Issue #15 rebuilds `service_requests` (SQLite changes a CHECK only that way) while other
/// tables reference it: a business upgrading keeps every request and every row that points
/// at one (history, reviews, notifications), and its open requests get their service's visit
/// length.
#[tokio::test]
async fn upgrading_to_the_request_rebuild_keeps_every_referencing_row() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    if household_core::db::testing::on_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("household.sqlite3");
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true)
                .foreign_keys(true),
        )
        .await
        .unwrap();
    let before = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(
            household_core::db::MIGRATOR
                .iter()
                .filter(|m| m.version < 20261204000015)
                .cloned()
                .collect(),
        ),
        ignore_missing: false,
        locking: true,
        no_tx: false,
    };
    before.run(&pool).await.unwrap();
    let t = "2026-11-21T09:00:00Z";
    for sql in [
        "INSERT INTO users (id, username, email, full_name, password_hash, role, created_at, updated_at) VALUES (1, 'cara', 'c@x.co', 'Cara', 'h', 'customer', ?1, ?1)",
        "INSERT INTO services (id, name, name_key, base_price_minor, estimated_minutes, created_at, updated_at) VALUES (1, 'Plumbing', 'plumbing', 49900, 90, ?1, ?1)",
        "INSERT INTO service_requests (id, service_id, customer_id, status, scheduled_for, address, pincode, created_at, updated_at) VALUES (7, 1, 1, 'requested', ?1, 'addr', '560001', ?1, ?1)",
        "INSERT INTO request_events (request_id, to_status, created_at) VALUES (7, 'requested', ?1)",
        "INSERT INTO request_rejections (request_id, professional_id, created_at) VALUES (7, 1, ?1)",
        "INSERT INTO reviews (request_id, customer_rating) VALUES (7, 4)",
        "INSERT INTO notifications (user_id, kind, title, body, request_id, created_at) VALUES (1, 'request.new', 't', 'b', 7, ?1)",
    ] {
        sqlx::query(sql).bind(t).execute(&pool).await.unwrap();
    }
    pool.close().await;

    let upgraded = household_core::db::open(&path).await.unwrap();
    let pool = upgraded.as_sqlite().unwrap();
    for table in [
        "service_requests",
        "request_events",
        "request_rejections",
        "reviews",
        "notifications",
    ] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(n, 1, "{table} lost rows in the rebuild");
    }
    let minutes: i64 =
        sqlx::query_scalar("SELECT duration_minutes FROM service_requests WHERE id = 7")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(minutes, 90);
    // The new status is allowed, the references still hold (a child of a missing request is
    // refused), and deleting a request still cascades to its history.
    sqlx::query("UPDATE service_requests SET status = 'expired' WHERE id = 7")
        .execute(pool)
        .await
        .unwrap();
    let orphan = sqlx::query("INSERT INTO request_events (request_id, to_status, created_at) VALUES (99, 'requested', ?1)")
        .bind(t)
        .execute(pool)
        .await;
    assert!(
        orphan.is_err(),
        "request_events still references service_requests"
    );
    sqlx::query("DELETE FROM service_requests WHERE id = 7")
        .execute(pool)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_events")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}
