//! `cargo bench -p household-core --bench export`: generates 1,000,000 requests, exports the
//! closed-requests report through the real export job, and compares it with the engine's own
//! CLI running the same join on the same database: `sqlite3 -csv` on SQLite and, with a
//! PostgreSQL server in `HS_TEST_POSTGRES_URL` (`scripts/bench-postgres.sh` starts one),
//! `psql -c "\copy (…) to file csv"` there. Prints rows/s, peak RSS growth and the time
//! ratio per engine (targets: at most 1.2x the CLI, under 64 MiB of RSS growth).
//! `HS_BENCH_REQUESTS=100000` for a quick look.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench may panic

use household_core::domain::{ExportStatus, Role};
use household_core::exports::{self, ExportFilters, ExportKind};
use household_core::generator::{generate, GenSize};
use household_core::store::exports::CLOSED_REQUESTS_SQL;
use household_core::store::Engine;
use household_core::{Actor, App, AppConfig};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Alternating rounds of the CLI and the app; the best time of each is compared.
const ROUNDS: usize = 5;

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let requests = std::env::var("HS_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok());
    let size = requests.map_or(GenSize::BENCH, GenSize::for_requests);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut urls = vec![None];
    if household_core::db::testing::server_url().is_some() {
        urls.push(Some(
            rt.block_on(household_core::db::testing::fresh_database()),
        ));
    } else {
        println!(
            "(PostgreSQL not measured: set HS_TEST_POSTGRES_URL, or run scripts/bench-postgres.sh)"
        );
    }
    for url in urls {
        let dir = tempfile::tempdir().unwrap();
        let mut config = AppConfig::new(dir.path().join("data"));
        config.database_url = url.clone();
        let app = rt.block_on(App::open(config)).unwrap();
        let report = rt.block_on(generate(&app, size)).unwrap();
        rt.block_on(household_core::generator::settle(&app))
            .unwrap();
        println!(
            "{:?}: generated {} requests in {:.2} s",
            app.engine(),
            report.requests,
            report.elapsed_ms as f64 / 1000.0
        );
        let cli: Box<dyn Fn(&Path) -> Command> = match (app.engine(), url) {
            (Engine::Sqlite, _) => {
                // Fold the WAL into the main file so both readers see the same thing.
                rt.block_on(
                    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                        .execute(app.pool.as_sqlite().expect("an SQLite database")),
                )
                .unwrap();
                let db = app.db_path();
                Box::new(move |out: &Path| {
                    let mut c = Command::new("sqlite3");
                    c.arg("-csv")
                        .arg("-header")
                        .arg(&db)
                        .arg(CLOSED_REQUESTS_SQL);
                    c.stdout(std::fs::File::create(out).unwrap());
                    c
                })
            }
            (Engine::Postgres, url) => {
                let url = url.expect("a PostgreSQL URL");
                Box::new(move |out: &Path| {
                    let mut c = Command::new("psql");
                    c.arg(&url).arg("-q").arg("-c").arg(format!(
                        "\\copy ({}) to '{}' csv header",
                        CLOSED_REQUESTS_SQL
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" "),
                        out.display()
                    ));
                    c
                })
            }
        };
        compare(&rt, &app, dir.path(), &*cli);
    }
}

/// Rounds alternate the engine's CLI (the same join, CSV to a file) and the app's export
/// job, so drifting load on a shared machine hits both alike; the best of each is kept.
/// Peak RSS growth is measured from a reset high-water mark.
fn compare(rt: &tokio::runtime::Runtime, app: &App, dir: &Path, cli: &dyn Fn(&Path) -> Command) {
    let engine = app.engine();
    let cli_name = match engine {
        Engine::Sqlite => "sqlite3 -csv",
        Engine::Postgres => "psql \\copy",
    };
    let admin = Actor {
        user_id: 1,
        role: Role::Admin,
    };
    let cli_out = dir.join("cli.csv");
    let (mut cli_times, mut times) = (Vec::new(), Vec::new());
    let mut growth_kib = 0;
    let mut rows = 0;
    let mut bytes = 0;
    for run in 0..ROUNDS {
        let t = Instant::now();
        let status = cli(&cli_out).status().unwrap_or_else(|e| {
            panic!("{cli_name} (apt-get install sqlite3 postgresql-client): {e}")
        });
        assert!(status.success());
        cli_times.push(t.elapsed());

        let target = dir.join(format!("export-{run}.csv"));
        let _ = std::fs::write("/proc/self/clear_refs", "5"); // reset VmHWM to the current RSS
        let before = status_kib("VmRSS:");
        let t = Instant::now();
        let id = rt
            .block_on(exports::start(
                app,
                &admin,
                ExportKind::ClosedRequests,
                ExportFilters::default(),
                target.clone(),
                chrono::FixedOffset::east_opt(0).expect("UTC"),
            ))
            .unwrap();
        let job = loop {
            let job = rt.block_on(exports::get(app, &admin, id)).unwrap();
            if !job.status.is_active() {
                break job;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        times.push(t.elapsed());
        assert_eq!(job.status, ExportStatus::Succeeded, "{job:?}");
        growth_kib = growth_kib.max(status_kib("VmHWM:").saturating_sub(before));
        rows = job.rows_written;
        bytes = job.file_size.unwrap_or(0);
        std::fs::remove_file(&target).unwrap();
    }
    let cli_best = *cli_times.iter().min().unwrap();
    let cli_rows = std::fs::read_to_string(&cli_out).unwrap().lines().count() - 1;
    let ours = *times.iter().min().unwrap();
    assert_eq!(rows as usize, cli_rows, "both wrote the same rows");
    println!(
        "{engine:?} closed-requests export: {rows} rows, {:.1} MiB",
        bytes as f64 / 1048576.0
    );
    println!(
        "  app export    best of {ROUNDS} {:>7.3} s   {:>10.0} rows/s",
        ours.as_secs_f64(),
        rows as f64 / ours.as_secs_f64()
    );
    println!(
        "  {cli_name:<13} best of {ROUNDS} {:>7.3} s   {:>10.0} rows/s",
        cli_best.as_secs_f64(),
        rows as f64 / cli_best.as_secs_f64()
    );
    let ratio = ours.as_secs_f64() / cli_best.as_secs_f64();
    println!(
        "  ratio app/{cli_name} {ratio:.2}x (target <= 1.2x) {}",
        if ratio <= 1.2 { "ok" } else { "OVER TARGET" }
    );
    let mib = growth_kib as f64 / 1024.0;
    println!(
        "  peak RSS growth during export {mib:.1} MiB (target < 64 MiB) {}",
        if mib < 64.0 { "ok" } else { "OVER TARGET" }
    );
}
