//! `cargo bench -p household-server --bench faults`: nothing lost or doubled when the server
//! dies, the network drops replies or the disk fills up, and one stalled desktop slows no one
//! else (issue #12).
//!
//! Runs the real `household-server` binary as a child process on 127.0.0.1 (a free port, a
//! temp data folder, its own self-signed certificate) and drives it over HTTPS with N
//! desktops (half customers, half professionals, spread over 10 PIN codes), each following
//! its live event stream (reconnecting by itself with the desktop's back-off and resuming
//! from its cursor):
//!
//! 1. **Crash.** Customers book and professionals accept from their feeds, every write with
//!    an idempotency key and retried with the same key until it is acknowledged. Mid-load the
//!    server is killed with SIGKILL and started again on the same folder. Printed: writes
//!    acknowledged, how long each desktop's stream took to reconnect after the restart
//!    (target: all within 5 s), events received twice.
//! 2. **Flaky network.** The same writes through a small local TCP proxy that cuts the
//!    connection instead of passing on about 10 % of the server's replies (so the server did
//!    the work and the desktop never heard): retried writes must apply once.
//! 3. **Full disk** (Linux as root: the data folder is on a tmpfs of fixed size; skipped
//!    otherwise). The rest of the disk is filled: writes must fail with `cannot_save` while
//!    reads keep working; the space is freed and writes must work again without a restart.
//! 4. **Stalled desktop.** An administrator's event stream (the one that hears of every
//!    booking) goes through a proxy that stops reading: the push latency of the others is
//!    compared before and during the stall, the server must drop the stalled stream (bounded
//!    buffers) and, reading again, that desktop must resume from its cursor with every event
//!    once.
//!
//! Then the server is stopped and its database checked against what the desktops were told:
//! every acknowledged booking and acceptance is there exactly once, no refused booking is,
//! no request was booked twice, no notification was written twice, `PRAGMA integrity_check`
//! says ok. Printed, never failing on a time; the process exits non-zero if a check of data
//! fails.
//!
//! Environment: `HS_FAULTS_CLIENTS` (default 200), `HS_FAULTS_SECS` (seconds of load around
//! the crash, of the flaky phase and of each half of the disk phase; default 10),
//! `HS_FAULTS_THINK_MS` (each desktop's pause between writes, default 250),
//! `HS_FAULTS_STALL_SECS` (how long the stalled desktop reads nothing, default 45: the server
//! gives a stalled stream 30 s once its buffers are full), `HS_FAULTS_BASE` (a database file
//! to start from, e.g. the load bench's cached 1M-request one; default: an empty business).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench may panic

mod common;
#[path = "faults/disk.rs"]
mod disk;
#[path = "faults/net.rs"]
mod net;

use common::*;

use futures_util::StreamExt;
use household_client::{CallContext, Client, Fingerprint, ServerAddress};
use household_core::error::ErrorCode;
use household_core::live::LiveEvent;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The server as a child process.
struct Server {
    child: Child,
    data: PathBuf,
    port: u16,
}

impl Server {
    /// Starts `household-server` and waits until it prints its certificate fingerprint.
    fn start(data: &Path, port: u16, log: &Path) -> (Server, Fingerprint) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_household-server"))
            .args(["--data-dir", data.to_str().unwrap()])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--log-level", "warn"])
            .stdout(Stdio::piped())
            .stderr(server_log(log))
            .spawn()
            .expect("start household-server");
        let stdout = child.stdout.take().unwrap();
        let mut lines = std::io::BufReader::new(stdout).lines();
        let fingerprint = loop {
            let line = lines
                .next()
                .expect("the server printed its fingerprint")
                .unwrap();
            if let Some(fp) = line.split("SHA-256").nth(1) {
                break Fingerprint::parse(fp.trim()).expect("a fingerprint");
            }
        };
        // Keep reading its output (its log) so it never blocks on a full pipe.
        let mut out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        std::thread::spawn(move || {
            use std::io::Write;
            for line in lines.map_while(Result::ok) {
                let _ = writeln!(out, "{line}");
            }
        });
        (
            Server {
                child,
                data: data.to_owned(),
                port,
            },
            fingerprint,
        )
    }

    /// SIGKILL: no chance to finish anything.
    fn kill(mut self) -> (PathBuf, u16) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        (self.data.clone(), self.port)
    }

    /// SIGTERM, and wait for it to stop.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().unwrap();
    }
}

/// The server's warnings and errors, appended across restarts (outside the data folder, whose
/// disk the bench fills).
fn server_log(path: &Path) -> Stdio {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_or(Stdio::null(), Stdio::from)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// VmRSS (or with `field` = "VmHWM:", its peak) of a process, in MiB.
fn memory_mib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn rss_mib(pid: u32) -> f64 {
    memory_mib(pid, "VmRSS:")
}

#[derive(Clone)]
struct Desktop {
    client: Client,
    token: String,
    /// This machine's enrolment key.
    terminal: String,
    user_id: i64,
    professional: bool,
}

impl Desktop {
    fn ctx<'a>(&'a self, key: Option<&'a str>) -> CallContext<'a> {
        CallContext {
            token: Some(&self.token),
            offset_secs: 19_800,
            client: "faults bench",
            idempotency_key: key,
            terminal: Some(&self.terminal),
            passive: false,
        }
    }

    /// A write retried with the same key until it is acknowledged (or 60 s pass).
    async fn write(&self, op: &str, key: &str, args: &Value, retries: &AtomicU64) -> Option<Value> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut wait = Duration::from_millis(100);
        loop {
            match self.client.call_json(op, &self.ctx(Some(key)), args).await {
                Ok(v) => return Some(v),
                Err(e) if e.code == ErrorCode::Unavailable && Instant::now() < deadline => {
                    retries.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(1));
                }
                Err(_) => return None,
            }
        }
    }
}

/// The arguments of a booking for tomorrow at the customer's own address.
fn booking(service_id: i64) -> Value {
    let at = tomorrow_at_ten();
    json!({ "input": { "service_id": service_id, "scheduled_for": at,
        "address": null, "pincode": null, "remarks": "" } })
}

/// What the desktops saw.
#[derive(Default)]
struct Log {
    /// Acknowledged bookings: key -> request id.
    booked: HashMap<String, i64>,
    /// When each acknowledged booking was sent (its first attempt).
    sent_at: HashMap<i64, Instant>,
    /// Acknowledged acceptances: (request, professional).
    accepted: Vec<(i64, i64)>,
    /// Bookings the server refused (full disk): their keys must not be in the database.
    refused: Vec<String>,
    failed_writes: Vec<String>,
    /// Per desktop: event ids received (a repeat is counted).
    seen: Vec<HashSet<i64>>,
    repeated_events: u64,
    /// Per desktop: when its stream was open again after the restart.
    reconnected: Vec<Option<Instant>>,
    /// Request events as they reached the professionals: (desktop, request, when).
    pushed: Vec<(usize, i64, Instant)>,
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "faults bench skipped: run it with `cargo bench -p household-server --bench faults`"
        );
        return;
    }
    household_client::install_crypto_provider();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let ok = runtime.block_on(run());
    std::process::exit(if ok { 0 } else { 1 });
}

/// Everything one run shares.
struct Bench {
    desktops: Vec<Desktop>,
    /// Each desktop's pause between its writes.
    think: Duration,
    service_id: i64,
    log: Arc<Mutex<Log>>,
    retries: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

async fn run() -> bool {
    let clients = env_num("HS_FAULTS_CLIENTS", 200).max(2) as usize;
    let secs = env_num("HS_FAULTS_SECS", 10).max(2);
    let stall_secs = env_num("HS_FAULTS_STALL_SECS", 45).max(1);
    let base = std::env::var_os("HS_FAULTS_BASE").map(PathBuf::from);
    let dir = tempfile::tempdir().unwrap();
    // The data folder on a small disk of its own where possible (the disk phase fills it).
    let base_mib = base
        .as_ref()
        .and_then(|b| std::fs::metadata(b).ok())
        .map_or(0, |m| m.len() >> 20);
    let small_disk = disk::SmallDisk::mount(&dir.path().join("disk"), base_mib + 1024);
    let data = match &small_disk {
        Ok(d) => d.root.join("data"),
        Err(_) => dir.path().join("data"),
    };
    if let Some(base) = &base {
        std::fs::create_dir_all(&data).unwrap();
        std::fs::copy(base, data.join("household.sqlite3")).unwrap();
        println!(
            "starting from a copy of {} ({base_mib} MiB)",
            base.display()
        );
    }
    let seeded = seed(&data, clients).await;
    let log = dir.path().join("server.log");
    let port = free_port();
    let (server, pin) = Server::start(&data, port, &log);
    let direct = ServerAddress::parse(&format!("https://127.0.0.1:{port}")).unwrap();
    let client = Client::new(direct, pin).unwrap();
    let bench = Bench {
        think: Duration::from_millis(env_num("HS_FAULTS_THINK_MS", 250)),
        desktops: seeded
            .people
            .iter()
            .map(|p| Desktop {
                client: client.clone(),
                token: p.token.clone(),
                terminal: p.terminal.clone(),
                user_id: p.user_id,
                professional: p.professional,
            })
            .collect(),
        service_id: seeded.service_id,
        log: Arc::new(Mutex::new(Log {
            seen: vec![HashSet::new(); seeded.people.len()],
            reconnected: vec![None; seeded.people.len()],
            ..Log::default()
        })),
        retries: Arc::new(AtomicU64::new(0)),
        stop: Arc::new(AtomicBool::new(false)),
    };
    println!(
        "faults bench: {} desktops ({} customers, {} professionals in 10 PIN codes), {} ms between writes, {secs} s per phase, server pid {}",
        bench.desktops.len(),
        bench.desktops.iter().filter(|d| !d.professional).count(),
        bench.desktops.iter().filter(|d| d.professional).count(),
        bench.think.as_millis(),
        server.child.id()
    );

    // ---- 1. crash ------------------------------------------------------------------------
    let restarted: Arc<Mutex<Option<Instant>>> = Arc::default();
    let mut streams = Vec::new();
    for (i, d) in bench.desktops.iter().enumerate() {
        streams.push(tokio::spawn(follow(
            i,
            d.clone(),
            bench.log.clone(),
            restarted.clone(),
        )));
    }
    let load = start_load(&bench, &bench.desktops, "crash");
    tokio::time::sleep(Duration::from_secs(secs / 2)).await;
    let acked_before = bench.log.lock().unwrap().booked.len();
    let (data, port) = server.kill();
    let killed_at = Instant::now();
    println!("killed the server (SIGKILL) after {acked_before} acknowledged bookings");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (server, pin_again) = Server::start(&data, port, &log);
    assert_eq!(pin_again, pin, "the server keeps its certificate");
    *restarted.lock().unwrap() = Some(Instant::now());
    println!(
        "restarted it {:.1} s after the kill",
        killed_at.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(secs - secs / 2)).await;
    finish(&bench, load).await;
    // Let the last events arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let restart_at = restarted.lock().unwrap().unwrap();
    {
        let log = bench.log.lock().unwrap();
        let waits: Vec<f64> = log
            .reconnected
            .iter()
            .map(|r| {
                r.map_or(f64::INFINITY, |at| {
                    at.duration_since(restart_at).as_secs_f64()
                })
            })
            .collect();
        let slowest = waits.iter().copied().fold(0.0, f64::max);
        println!(
            "crash: bookings acknowledged {}, accepts acknowledged {}, writes retried {} times, writes given up {}",
            log.booked.len(),
            log.accepted.len(),
            bench.retries.load(Ordering::Relaxed),
            log.failed_writes.len()
        );
        println!(
            "crash: event streams reconnected {} of {}, slowest {:.2} s after the restart (target 5 s: {}), events received twice {}",
            waits.iter().filter(|w| w.is_finite()).count(),
            waits.len(),
            slowest,
            if slowest <= 5.0 { "met" } else { "NOT met" },
            log.repeated_events
        );
    }

    // ---- 2. flaky network ----------------------------------------------------------------
    let proxy_port = free_port();
    let cut = Arc::new(AtomicU64::new(0));
    let passed = Arc::new(AtomicU64::new(0));
    let proxy = tokio::spawn(net::flaky(proxy_port, port, cut.clone(), passed.clone()));
    let via_proxy = ServerAddress::parse(&format!("https://127.0.0.1:{proxy_port}")).unwrap();
    let flaky: Vec<Desktop> = bench
        .desktops
        .iter()
        .map(|d| Desktop {
            client: Client::new(via_proxy.clone(), pin).unwrap(),
            ..d.clone()
        })
        .collect();
    let before = bench.log.lock().unwrap().booked.len();
    let retries_before = bench.retries.load(Ordering::Relaxed);
    let load = start_load(&bench, &flaky, "flaky");
    tokio::time::sleep(Duration::from_secs(secs)).await;
    finish(&bench, load).await;
    proxy.abort();
    {
        let log = bench.log.lock().unwrap();
        let cut = cut.load(Ordering::Relaxed);
        let passed = passed.load(Ordering::Relaxed);
        println!(
            "flaky: replies cut {cut} of {} ({:.1} %), bookings acknowledged {}, writes retried {} times, writes given up {}",
            cut + passed,
            100.0 * cut as f64 / (cut + passed).max(1) as f64,
            log.booked.len() - before,
            bench.retries.load(Ordering::Relaxed) - retries_before,
            log.failed_writes.len()
        );
    }

    // ---- 3. full disk --------------------------------------------------------------------
    let mut disk_ok = true;
    match &small_disk {
        Ok(disk) => disk_ok = full_disk(&bench, disk, &data, secs).await,
        Err(why) => println!("full disk: skipped ({why})"),
    }

    // ---- 4. a stalled desktop ------------------------------------------------------------
    let stall_ok = stalled_desktop(
        &bench,
        &seeded.admin,
        port,
        pin,
        stall_secs,
        server.child.id(),
    )
    .await;

    println!(
        "server memory (the restarted process, all phases since): VmRSS {:.0} MiB, peak VmHWM {:.0} MiB",
        rss_mib(server.child.id()),
        memory_mib(server.child.id(), "VmHWM:")
    );
    for s in &streams {
        s.abort();
    }
    // ---- the database ------------------------------------------------------------------
    server.stop();
    let log = std::mem::take(&mut *bench.log.lock().unwrap());
    let ok = verify(&data, &log).await;
    if !(ok && disk_ok && stall_ok) {
        let server_log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
        println!("the server's log (warnings and errors):\n{server_log}");
    }
    drop(small_disk);
    ok && disk_ok && stall_ok
}

/// Starts the write load on `desktops` until [`finish`].
fn start_load(
    bench: &Bench,
    desktops: &[Desktop],
    phase: &'static str,
) -> Vec<tokio::task::JoinHandle<()>> {
    bench.stop.store(false, Ordering::Relaxed);
    desktops
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (d, log, retries, stop) = (
                d.clone(),
                bench.log.clone(),
                bench.retries.clone(),
                bench.stop.clone(),
            );
            let (service_id, think) = (bench.service_id, bench.think);
            tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let key = format!("{phase}-{i}-{n}");
                    if d.professional {
                        accept_one(&d, &key, &log, &retries).await;
                    } else {
                        let sent = Instant::now();
                        match d
                            .write("customer_book", &key, &booking(service_id), &retries)
                            .await
                        {
                            Some(v) => {
                                let id = v.as_i64().unwrap();
                                let mut log = log.lock().unwrap();
                                log.booked.insert(key, id);
                                log.sent_at.insert(id, sent);
                            }
                            None => log.lock().unwrap().failed_writes.push(key),
                        }
                    }
                    tokio::time::sleep(think).await;
                }
            })
        })
        .collect()
}

async fn finish(bench: &Bench, load: Vec<tokio::task::JoinHandle<()>>) {
    bench.stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }
}

/// A professional takes the oldest request of their feed (a read, then a keyed write).
async fn accept_one(d: &Desktop, key: &str, log: &Mutex<Log>, retries: &AtomicU64) {
    let feed = d
        .client
        .call_json(
            "professional_feed",
            &d.ctx(None),
            &json!({ "query": { "page": 1, "per_page": 5 } }),
        )
        .await;
    let Some(id) = feed.ok().and_then(|f| f["items"][0]["id"].as_i64()) else {
        tokio::time::sleep(Duration::from_millis(100)).await;
        return;
    };
    let accepted = d
        .client
        .call_json(
            "professional_accept",
            &d.ctx(Some(key)),
            &json!({ "id": id }),
        )
        .await;
    match accepted {
        Ok(_) => log.lock().unwrap().accepted.push((id, d.user_id)),
        Err(e) if e.code == ErrorCode::Conflict => {}
        Err(e) if e.code == ErrorCode::Unavailable => {
            // Retried with the same key: applied once whether or not the first one was.
            if d.write("professional_accept", key, &json!({ "id": id }), retries)
                .await
                .is_some()
            {
                log.lock().unwrap().accepted.push((id, d.user_id));
            }
        }
        Err(e) => log
            .lock()
            .unwrap()
            .failed_writes
            .push(format!("{key}: {e:?}")),
    }
}

/// A desktop's live stream, reconnecting like the desktop does (250 ms doubling to 2 s) and
/// resuming from the last event id it saw.
async fn follow(
    me: usize,
    d: Desktop,
    log: Arc<Mutex<Log>>,
    restarted: Arc<Mutex<Option<Instant>>>,
) {
    let mut cursor: Option<i64> = None;
    let mut wait = Duration::from_millis(250);
    loop {
        let mut stream = match d.client.events(&d.ctx(None), cursor).await {
            Ok(s) => s,
            Err(_) => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(2));
                continue;
            }
        };
        wait = Duration::from_millis(250);
        if restarted.lock().unwrap().is_some() {
            let mut log = log.lock().unwrap();
            if log.reconnected[me].is_none() {
                log.reconnected[me] = Some(Instant::now());
            }
        }
        while let Some(Ok(m)) = stream.next().await {
            let at = Instant::now();
            if let Some(id) = m.id {
                cursor = Some(id);
                let mut log = log.lock().unwrap();
                if !log.seen[me].insert(id) {
                    log.repeated_events += 1;
                } else if let (true, LiveEvent::Request { request_id }) = (d.professional, &m.event)
                {
                    log.pushed.push((me, *request_id, at));
                }
            }
            if matches!(m.event, LiveEvent::SessionEnded { .. }) {
                return;
            }
        }
    }
}

/// Phase 3: the data folder's disk fills up, then has room again.
async fn full_disk(bench: &Bench, disk: &disk::SmallDisk, data: &Path, secs: u64) -> bool {
    // The log's pages go back to the database first, so the next writes need new space.
    checkpoint(data).await;
    let filled = disk.fill();
    println!("full disk: filled the last {filled} MiB of the data folder's disk");
    let full = probe(bench, "full", secs).await;
    println!(
        "full disk: writes acknowledged {}, refused {} ({}), failed otherwise {}; reads ok {}, failed {}",
        full.writes_ok,
        full.refused,
        full.refusal.as_deref().unwrap_or("-"),
        full.other_errors.len(),
        full.reads_ok,
        full.reads_failed
    );
    disk.empty();
    let freed = Instant::now();
    let after = probe(bench, "freed", secs).await;
    println!(
        "full disk: space back, no restart: writes acknowledged {} (first {:.0} ms after the space came back), refused {}, failed otherwise {}; reads ok {}, failed {}",
        after.writes_ok,
        after
            .first_write
            .map_or(f64::NAN, |t| t.duration_since(freed).as_secs_f64() * 1000.0),
        after.refused,
        after.other_errors.len(),
        after.reads_ok,
        after.reads_failed
    );
    for e in full.other_errors.iter().chain(&after.other_errors).take(3) {
        println!("full disk: other error: {e}");
    }
    let ok = full.refused > 0
        && full
            .refusal
            .as_deref()
            .is_some_and(|r| r.starts_with("cannot_save:"))
        && full.reads_failed == 0
        && full.other_errors.is_empty()
        && after.writes_ok > 0
        && after.reads_failed == 0
        && after.other_errors.is_empty();
    println!(
        "full disk: {}",
        if ok {
            "writes refused with a clear error while full, reads kept working, writes back without a restart"
        } else {
            "CHECKS FAILED"
        }
    );
    ok
}

/// `PRAGMA wal_checkpoint(TRUNCATE)` from this process (same host: allowed in WAL mode).
async fn checkpoint(data: &Path) {
    use sqlx::ConnectOptions;
    let mut db = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(data.join("household.sqlite3"))
        .busy_timeout(Duration::from_secs(10))
        .connect()
        .await
        .unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut db)
        .await
        .unwrap();
}

/// What one round of single (not retried) writes and reads got.
#[derive(Default)]
struct Probe {
    writes_ok: u64,
    first_write: Option<Instant>,
    refused: u64,
    refusal: Option<String>,
    other_errors: Vec<String>,
    reads_ok: u64,
    reads_failed: u64,
}

/// For `secs`, every customer books once a second (no retry) and reads their requests, and
/// every professional reads their feed.
async fn probe(bench: &Bench, phase: &'static str, secs: u64) -> Probe {
    let result = Arc::new(Mutex::new(Probe::default()));
    let until = Instant::now() + Duration::from_secs(secs);
    let tasks: Vec<_> = bench
        .desktops
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (d, log, result) = (d.clone(), bench.log.clone(), result.clone());
            let service_id = bench.service_id;
            tokio::spawn(async move {
                let mut n = 0;
                while Instant::now() < until {
                    n += 1;
                    let read = if d.professional {
                        d.client
                            .call_json(
                                "professional_feed",
                                &d.ctx(None),
                                &json!({ "query": { "page": 1, "per_page": 5 } }),
                            )
                            .await
                    } else {
                        let key = format!("{phase}-{i}-{n}");
                        let wrote = d
                            .client
                            .call_json("customer_book", &d.ctx(Some(&key)), &booking(service_id))
                            .await;
                        match wrote {
                            Ok(v) => {
                                let id = v.as_i64().unwrap();
                                log.lock().unwrap().booked.insert(key, id);
                                let mut r = result.lock().unwrap();
                                r.writes_ok += 1;
                                r.first_write.get_or_insert_with(Instant::now);
                            }
                            Err(e) if e.code == ErrorCode::CannotSave => {
                                log.lock().unwrap().refused.push(key);
                                let mut r = result.lock().unwrap();
                                r.refused += 1;
                                r.refusal.get_or_insert_with(|| {
                                    let code = serde_json::to_value(e.code).unwrap();
                                    format!("{}: \"{}\"", code.as_str().unwrap(), e.message)
                                });
                            }
                            Err(e) => {
                                // Not acknowledged: it may or may not be in the database.
                                log.lock().unwrap().failed_writes.push(key);
                                result.lock().unwrap().other_errors.push(format!("{:?}: {}", e.code, e.message));
                            }
                        }
                        d.client
                            .call_json(
                                "customer_my_requests",
                                &d.ctx(None),
                                &json!({ "query": { "scope": "current", "page": 1, "per_page": 10 } }),
                            )
                            .await
                    };
                    {
                        let mut r = result.lock().unwrap();
                        match read {
                            Ok(_) => r.reads_ok += 1,
                            Err(e) => {
                                r.reads_failed += 1;
                                if r.other_errors.len() < 20 {
                                    r.other_errors.push(format!("read: {:?}: {}", e.code, e.message));
                                }
                            }
                        }
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    Arc::try_unwrap(result).ok().unwrap().into_inner().unwrap()
}

/// Push latency of the professionals' request events for the bookings sent in a window
/// (from sending the booking to its event on a professional's stream): (p50, p99, count) in
/// ms.
fn push_latency(log: &Log, from: Instant, to: Instant) -> (f64, f64, usize) {
    // The first event about a request is its booking's; later ones are its other changes.
    let mut first: HashMap<(usize, i64), Instant> = HashMap::new();
    for (desk, id, at) in &log.pushed {
        first.entry((*desk, *id)).or_insert(*at);
    }
    let mut ms: Vec<f64> = first
        .iter()
        .filter_map(|((_, id), at)| {
            let sent = *log.sent_at.get(id)?;
            (sent >= from && sent < to)
                .then(|| at.saturating_duration_since(sent).as_secs_f64() * 1000.0)
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        ms.get(((ms.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(f64::NAN)
    };
    (pick(0.50), pick(0.99), ms.len())
}

/// Phase 4: an administrator's desktop stops reading its event stream while the others carry
/// on; then it reads again.
async fn stalled_desktop(
    bench: &Bench,
    admin: &Person,
    port: u16,
    pin: Fingerprint,
    stall_secs: u64,
    server_pid: u32,
) -> bool {
    let proxy_port = free_port();
    let stalled = Arc::new(AtomicBool::new(false));
    let closed = Arc::new(AtomicBool::new(false));
    let proxy = tokio::spawn(net::stalling(
        proxy_port,
        port,
        stalled.clone(),
        closed.clone(),
    ));
    let admin_desk = Desktop {
        client: Client::new(
            ServerAddress::parse(&format!("https://127.0.0.1:{proxy_port}")).unwrap(),
            pin,
        )
        .unwrap(),
        token: admin.token.clone(),
        terminal: admin.terminal.clone(),
        user_id: admin.user_id,
        professional: false,
    };
    // The admin's stream, counted apart from the others.
    let admin_log = Arc::new(Mutex::new(Log {
        seen: vec![HashSet::new()],
        reconnected: vec![None],
        ..Log::default()
    }));
    let follower = tokio::spawn(follow(0, admin_desk, admin_log.clone(), Arc::default()));
    let load = start_load(bench, &bench.desktops, "stall");
    let half = Duration::from_secs(10);
    let calm_from = Instant::now();
    tokio::time::sleep(half).await;
    let rss_before = rss_mib(server_pid);
    let stall_from = Instant::now();
    stalled.store(true, Ordering::Relaxed);
    println!("stalled desktop: an administrator's event stream stops reading for {stall_secs} s");
    tokio::time::sleep(Duration::from_secs(stall_secs)).await;
    let stall_to = Instant::now();
    let rss_during = rss_mib(server_pid);
    stalled.store(false, Ordering::Relaxed);
    // Reading again: what was buffered, then (if the server dropped it) the end of the
    // stream and a resume from the cursor.
    tokio::time::sleep(Duration::from_secs(5)).await;
    finish(bench, load).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    follower.abort();
    proxy.abort();
    let (calm_p50, calm_p99, calm_n) =
        push_latency(&bench.log.lock().unwrap(), calm_from, stall_from);
    let (stall_p50, stall_p99, stall_n) =
        push_latency(&bench.log.lock().unwrap(), stall_from, stall_to);
    println!(
        "stalled desktop: the others' push latency (booking sent → its event on a professional's stream): before p50 {calm_p50:.1} ms p99 {calm_p99:.1} ms ({calm_n} deliveries); during the stall p50 {stall_p50:.1} ms p99 {stall_p99:.1} ms ({stall_n}); ratio p99 {:.2}",
        stall_p99 / calm_p99
    );
    println!(
        "stalled desktop: server VmRSS {rss_before:.0} MiB before, {rss_during:.0} MiB at the end of the stall"
    );
    let dropped = closed.load(Ordering::Relaxed);
    // Every event the administrator may hear of, from the first one it got.
    let (first, last) = {
        let got = admin_log.lock().unwrap();
        (
            got.seen[0].iter().min().copied().unwrap_or(i64::MAX),
            got.seen[0].iter().max().copied().unwrap_or(0),
        )
    };
    let expected = admin_events(first, last, port, pin, admin).await;
    let got = admin_log.lock().unwrap();
    let missing = expected
        .iter()
        .filter(|id| !got.seen[0].contains(id))
        .count();
    println!(
        "stalled desktop: the server dropped its stream: {}; reading again it got {} events ({} expected between its first and last), missing {missing}, twice {}",
        if dropped { "yes" } else { "NO" },
        got.seen[0].len(),
        expected.len(),
        got.repeated_events
    );
    dropped && missing == 0 && got.repeated_events == 0
}

/// The ids of the events an administrator hears of, `first..=last`, as the server's own
/// stream gives them now (a fresh stream resumed from `first - 1`, read until `last`).
async fn admin_events(
    first: i64,
    last: i64,
    port: u16,
    pin: Fingerprint,
    admin: &Person,
) -> Vec<i64> {
    if first > last {
        return Vec::new();
    }
    let client = Client::new(
        ServerAddress::parse(&format!("https://127.0.0.1:{port}")).unwrap(),
        pin,
    )
    .unwrap();
    let d = Desktop {
        client,
        token: admin.token.clone(),
        terminal: admin.terminal.clone(),
        user_id: admin.user_id,
        professional: false,
    };
    let mut stream = d
        .client
        .events(&d.ctx(None), Some(first - 1))
        .await
        .unwrap();
    let mut ids = Vec::new();
    while let Ok(Some(Ok(m))) = tokio::time::timeout(Duration::from_secs(5), stream.next()).await {
        match m.id {
            Some(id) if id > last => break,
            Some(id) => {
                ids.push(id);
                if id == last {
                    break;
                }
            }
            None => {}
        }
    }
    ids
}

/// Checks the stopped server's database against what the desktops were told.
async fn verify(data: &Path, log: &Log) -> bool {
    use sqlx::ConnectOptions;
    let mut db = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(data.join("household.sqlite3"))
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let rows: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT id, client_key FROM service_requests WHERE client_key IS NOT NULL")
            .fetch_all(&mut db)
            .await
            .unwrap();
    let by_key: HashMap<String, Vec<i64>> = rows.iter().fold(HashMap::new(), |mut m, (id, k)| {
        if let Some(k) = k {
            m.entry(k.clone()).or_default().push(*id);
        }
        m
    });
    let lost = log
        .booked
        .iter()
        .filter(|(k, id)| by_key.get(*k) != Some(&vec![**id]))
        .count();
    let doubled = by_key.values().filter(|ids| ids.len() > 1).count();
    let refused_but_there = log
        .refused
        .iter()
        .filter(|k| by_key.contains_key(*k))
        .count();
    let unacknowledged = by_key
        .keys()
        .filter(|k| !log.booked.contains_key(*k))
        .count();
    let holders: HashMap<i64, Option<i64>> = sqlx::query_as(
        "SELECT id, professional_id FROM service_requests WHERE client_key IS NOT NULL",
    )
    .fetch_all(&mut db)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let accept_lost = log
        .accepted
        .iter()
        .filter(|(request, pro)| holders.get(request) != Some(&Some(*pro)))
        .count();
    let twice_notified: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT user_id, kind, request_id FROM notifications
         WHERE request_id IS NOT NULL GROUP BY 1, 2, 3 HAVING COUNT(*) > 1)",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .unwrap();
    println!(
        "database: requests booked by the desktops {}, acknowledged bookings missing or changed {lost}, booked twice {doubled}, refused but stored {refused_but_there}, stored but never acknowledged {unacknowledged} (writes given up: {}), acknowledged acceptances missing {accept_lost} of {}, notifications written twice {twice_notified}, integrity_check {integrity}",
        rows.len(),
        log.failed_writes.len(),
        log.accepted.len()
    );
    let ok = lost == 0
        && doubled == 0
        && refused_but_there == 0
        && accept_lost == 0
        && twice_notified == 0
        && integrity == "ok";
    println!(
        "{}",
        if ok {
            "all data checks passed"
        } else {
            "DATA CHECKS FAILED"
        }
    );
    ok
}

/// The people the bench signs in and the machines they sit at, written straight into the
/// database before the server starts (signing hundreds in over HTTPS from one address would
/// trip the server's per-address sign-in limit); the sessions and enrolments are in the
/// database, so the server honours them.
struct Seeded {
    people: Vec<Person>,
    service_id: i64,
    admin: Person,
}

struct Person {
    token: String,
    terminal: String,
    user_id: i64,
    professional: bool,
}

/// An admin, a service, and `n` customers and approved professionals in 10 PIN codes.
async fn seed(data: &Path, n: usize) -> Seeded {
    use household_core::accounts::{self, CustomerRegistration, LoginInput, NewAdmin};
    let core = household_core::App::open(household_core::AppConfig::new(data))
        .await
        .unwrap();
    let admin_login = "faultsadmin";
    accounts::create_first_admin(
        &core,
        NewAdmin {
            full_name: "Asha Admin".into(),
            username: admin_login.into(),
            email: "faultsadmin@example.com".into(),
            password: PASSWORD.into(),
        },
        "faults bench",
    )
    .await
    .expect("an empty business or the load bench's data set (no admin yet)");
    let find = |login: String| {
        let pool = core.pool.clone();
        async move {
            household_core::store::users::find_by_login(&pool, &login)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let admin = household_core::Actor {
        user_id: find(admin_login.into()).await,
        role: household_core::domain::Role::Admin,
    };
    let service_id = household_core::store::services::insert(
        &core.pool,
        "Faults bench plumbing",
        "",
        49_900,
        60,
        core.now(),
    )
    .await
    .unwrap();
    let sign_in = |login: String| {
        let core = &core;
        async move {
            accounts::login(
                core,
                LoginInput {
                    login,
                    password: PASSWORD.into(),
                },
                "faults bench",
            )
            .await
            .unwrap()
            .token
            .expose()
            .to_string()
        }
    };
    // Each desktop is an enrolled staff computer, as the server requires by default.
    let enrolled = |name: String| {
        let core = &core;
        async move {
            let code = household_core::terminals::create_on_console(
                core,
                household_core::terminals::NewTerminal {
                    name,
                    profile: household_core::terminals::TerminalProfile::Staff,
                },
            )
            .await
            .unwrap();
            household_core::terminals::enrol(core, &code.code, "faults bench")
                .await
                .unwrap()
                .key
        }
    };
    let mut people = Vec::new();
    for i in 0..n {
        let professional = i % 2 == 1;
        let name = format!("faults{i:04}");
        let pincode = format!("{}", 560_001 + (i / 2) % 10);
        if professional {
            let form: accounts::ProfessionalRegistration = serde_json::from_value(json!({
                "full_name": format!("Pro {i}"), "username": name,
                "email": format!("{name}@example.com"), "password": PASSWORD,
                "phone": "9845000000", "pincode": pincode, "service_id": service_id,
                "experience_years": 4, "description": "",
                "document": { "file_name": "id.pdf", "content_base64": PDF_BASE64 }
            }))
            .unwrap();
            accounts::register_professional(&core, form).await.unwrap();
            household_core::admin::people::approve(&core, &admin, find(name.clone()).await)
                .await
                .unwrap();
        } else {
            accounts::register_customer(
                &core,
                CustomerRegistration {
                    full_name: format!("Customer {i}"),
                    username: name.clone(),
                    email: format!("{name}@example.com"),
                    password: PASSWORD.into(),
                    phone: "9876543210".into(),
                    address: "12 MG Road, Bengaluru".into(),
                    pincode,
                },
                "faults bench",
            )
            .await
            .unwrap();
        }
        people.push(Person {
            token: sign_in(name.clone()).await,
            terminal: enrolled(format!("Desk {i}")).await,
            user_id: find(name).await,
            professional,
        });
    }
    let admin = Person {
        token: sign_in(admin_login.into()).await,
        terminal: enrolled("Office".into()).await,
        user_id: admin.user_id,
        professional: false,
    };
    core.close().await;
    Seeded {
        people,
        service_id,
        admin,
    }
}

/// A booking time the professionals work: tomorrow at 10:00 on this machine's clock (the
/// server runs here; professionals who never set hours work 08:00-20:00 local time).
fn tomorrow_at_ten() -> String {
    let local = chrono::Local::now().fixed_offset().timezone();
    (chrono::Utc::now().with_timezone(&local).date_naive() + chrono::Days::new(1))
        .and_hms_opt(10, 0, 0)
        .and_then(|t| t.and_local_timezone(local).single())
        .map(|t| t.to_rfc3339())
        .unwrap_or_default()
}
