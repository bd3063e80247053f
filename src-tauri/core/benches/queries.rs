//! `cargo bench -p household-core --bench queries`: generates the design's data set
//! (1,000,000 requests, 100,000 customers, 5,000 professionals, 50 services) and measures the
//! four list commands through the core functions. Prints p50/p99 per command against the
//! 2 ms p99 target, then runs the same commands under criterion.
//! `HS_BENCH_REQUESTS=100000` makes a smaller set for a quick look. With a PostgreSQL server
//! in `HS_TEST_POSTGRES_URL` (`scripts/bench-postgres.sh` starts a throw-away one) the same
//! set is generated and measured there too, and both engines are printed side by side.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench may panic

use criterion::Criterion;
use household_core::admin::requests::{self as oversight, RequestQuery};
use household_core::customer::{self, MyRequestsQuery, RequestScope, ServiceSearch, ServiceSort};
use household_core::domain::{RequestStatus, Role};
use household_core::generator::{generate, GenSize, PINCODES};
use household_core::professional::{self, FeedQuery};
use household_core::store::Engine;
use household_core::{Actor, App, AppConfig};
use std::time::{Duration, Instant};

const TARGET_P99: Duration = Duration::from_millis(2);
const SAMPLES: usize = 2_000;

struct Fixture {
    rt: tokio::runtime::Runtime,
    app: App,
    size: GenSize,
    first_user: i64,
    _dir: tempfile::TempDir,
}

fn fixture(database_url: Option<String>) -> Fixture {
    // RUST_LOG=household_core=debug shows the generator's step timings.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .try_init();
    let requests = std::env::var("HS_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok());
    let size = requests.map_or(GenSize::BENCH, GenSize::for_requests);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = AppConfig::new(dir.path());
    config.database_url = database_url;
    let app = rt.block_on(App::open(config)).unwrap();
    let report = rt.block_on(generate(&app, size)).unwrap();
    rt.block_on(household_core::generator::settle(&app))
        .unwrap();
    let db = match app.engine() {
        Engine::Sqlite => std::fs::metadata(dir.path().join("household.sqlite3"))
            .map(|m| m.len() as i64)
            .unwrap_or(0),
        Engine::Postgres => rt
            .block_on(async {
                household_core::on!(&app.pool, |ex| sqlx::query_scalar(
                    "SELECT pg_database_size(current_database())"
                )
                .fetch_one(ex)
                .await)
            })
            .unwrap_or(0),
    };
    println!(
        "{:?}: generated {} requests, {} customers, {} professionals, {} services in {:.2} s (database {:.0} MiB)",
        app.engine(), report.requests, report.customers, report.professionals, report.services,
        report.elapsed_ms as f64 / 1000.0, db as f64 / 1048576.0
    );
    Fixture {
        rt,
        app,
        size,
        first_user: 1,
        _dir: dir,
    }
}

impl Fixture {
    fn customer(&self, i: usize) -> Actor {
        let n = (i as i64 * 7_919) % self.size.customers + 1;
        Actor {
            user_id: self.first_user - 1 + self.size.professionals + n,
            role: Role::Customer,
        }
    }
    fn professional(&self, i: usize) -> Actor {
        // Every tenth generated professional is pending: skip those.
        let mut n = (i as i64 * 104_729) % self.size.professionals + 1;
        if n % 10 == 0 {
            n -= 1;
        }
        Actor {
            user_id: self.first_user - 1 + n,
            role: Role::Professional,
        }
    }
    fn admin(&self) -> Actor {
        Actor {
            user_id: self.first_user,
            role: Role::Admin,
        }
    }
}

async fn search(f: &Fixture, i: usize) {
    let pin = format!("{:06}", 560_000 + (i as i64 % PINCODES));
    let sort = [
        ServiceSort::Name,
        ServiceSort::PriceAsc,
        ServiceSort::Rating,
    ][i % 3];
    let text = i.is_multiple_of(2).then(|| "service 0".to_string());
    let r = customer::search(
        &f.app,
        &f.customer(i),
        ServiceSearch {
            text,
            pincode: Some(pin),
            sort,
        },
    )
    .await
    .unwrap();
    std::hint::black_box(r);
}

async fn feed(f: &Fixture, i: usize) {
    let r = professional::feed(
        &f.app,
        &f.professional(i),
        FeedQuery {
            page: 1,
            per_page: 20,
        },
    )
    .await
    .unwrap();
    std::hint::black_box(r);
}

async fn my_requests(f: &Fixture, i: usize) {
    let scope = [RequestScope::Current, RequestScope::Past, RequestScope::All][i % 3];
    let r = customer::my_requests(
        &f.app,
        &f.customer(i),
        MyRequestsQuery {
            scope,
            page: 1,
            per_page: 20,
        },
    )
    .await
    .unwrap();
    std::hint::black_box(r);
}

async fn admin_requests(f: &Fixture, i: usize) {
    let status = [
        None,
        Some(RequestStatus::Requested),
        Some(RequestStatus::Closed),
        Some(RequestStatus::Assigned),
    ][i % 4];
    let page = 1 + (i % 5) as u32;
    let r = oversight::list(
        &f.app,
        &f.admin(),
        RequestQuery {
            status,
            page,
            per_page: 20,
            descending: true,
            ..Default::default()
        },
        chrono::FixedOffset::east_opt(0).expect("UTC"),
    )
    .await
    .unwrap();
    std::hint::black_box(r);
}

fn time(run: impl FnOnce()) -> Duration {
    let t = Instant::now();
    run();
    t.elapsed()
}

/// p50 and p99 of one command on one engine.
type Figures = (Duration, Duration);

fn percentiles(f: &Fixture, name: &str, run: impl Fn(usize) -> Duration) -> Figures {
    for i in 0..50 {
        run(i); // warm the page cache and statement cache
    }
    let mut times: Vec<Duration> = (0..SAMPLES).map(&run).collect();
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    let (p50, p99) = (pct(0.50), pct(0.99));
    println!(
        "{name:<26} p50 {:>7.3} ms   p99 {:>7.3} ms   max {:>7.3} ms   p99/target {:.2}x {}",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        p99.as_secs_f64() / TARGET_P99.as_secs_f64(),
        if p99 <= TARGET_P99 {
            "ok"
        } else {
            "OVER TARGET"
        }
    );
    let _ = f;
    (p50, p99)
}

/// The four commands' figures on `f`'s engine.
fn measure(f: &Fixture) -> Vec<(&'static str, Figures)> {
    println!(
        "-- {:?}: {SAMPLES} calls each, varied users and parameters; target p99 < 2 ms --",
        f.app.engine()
    );
    vec![
        (
            "customer service search",
            percentiles(f, "customer service search", |i| {
                time(|| f.rt.block_on(search(f, i)))
            }),
        ),
        (
            "professional feed",
            percentiles(f, "professional feed", |i| {
                time(|| f.rt.block_on(feed(f, i)))
            }),
        ),
        (
            "customer request list",
            percentiles(f, "customer request list", |i| {
                time(|| f.rt.block_on(my_requests(f, i)))
            }),
        ),
        (
            "admin request list",
            percentiles(f, "admin request list", |i| {
                time(|| f.rt.block_on(admin_requests(f, i)))
            }),
        ),
    ]
}

fn main() {
    let f = fixture(None);
    let sqlite = measure(&f);
    if household_core::db::testing::server_url().is_some() {
        let pg = {
            let rt = tokio::runtime::Runtime::new().unwrap();
            let url = rt.block_on(household_core::db::testing::fresh_database());
            fixture(Some(url))
        };
        let postgres = measure(&pg);
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!("-- side by side (ms) --");
        println!(
            "{:<26} {:>11} {:>11} {:>11} {:>11}   PostgreSQL/SQLite p99",
            "", "SQLite p50", "SQLite p99", "PG p50", "PG p99"
        );
        for ((name, (s50, s99)), (_, (p50, p99))) in sqlite.iter().zip(&postgres) {
            println!(
                "{name:<26} {:>11.3} {:>11.3} {:>11.3} {:>11.3}   {:.2}x",
                ms(*s50),
                ms(*s99),
                ms(*p50),
                ms(*p99),
                p99.as_secs_f64() / s99.as_secs_f64()
            );
        }
    } else {
        println!(
            "(PostgreSQL not measured: set HS_TEST_POSTGRES_URL, or run scripts/bench-postgres.sh)"
        );
    }

    let mut c = Criterion::default()
        .sample_size(50)
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut i = 0usize;
    c.bench_function("customer_search", |b| {
        b.iter(|| {
            i += 1;
            f.rt.block_on(search(&f, i))
        })
    });
    c.bench_function("professional_feed", |b| {
        b.iter(|| {
            i += 1;
            f.rt.block_on(feed(&f, i))
        })
    });
    c.bench_function("customer_requests", |b| {
        b.iter(|| {
            i += 1;
            f.rt.block_on(my_requests(&f, i))
        })
    });
    c.bench_function("admin_requests", |b| {
        b.iter(|| {
            i += 1;
            f.rt.block_on(admin_requests(&f, i))
        })
    });
    c.final_summary();
}
