//! `cargo bench -p household-server --bench push`: how fast a change reaches the other
//! desktops (issue #12).
//!
//! Starts the real server on 127.0.0.1 over HTTPS on a fresh database, and N desktops, each
//! with its own pinned HTTPS `Client`, its own session and its own live event stream: half
//! customers, half approved professionals spread over a few services, all in one PIN code.
//! Customers book (each after a pause); a professional's open feed page reads the feed again
//! when it hears of new requests (coalescing what arrived meanwhile, as the page does) and
//! tries to accept the oldest new one shown (one wins, the others get `conflict`).
//! For every booking, each desktop that should hear of it (its customer and the professionals
//! of its service) is watched for the event:
//! - push latency: from just before the booking was sent to the event's arrival (an upper
//!   bound of commit-to-arrival, since the commit happens inside that request);
//! - booking to feed: from the same instant to the first professional's feed read that shows
//!   the request;
//! - expected and received events: a missing one would be a lost event.
//!
//! Printed only: nothing here fails on a time. Environment: `HS_PUSH_CLIENTS` (default 50),
//! `HS_PUSH_SECS` (default 30), `HS_PUSH_SERVICES` (default 5), `HS_PUSH_THINK_MS` (pause of
//! each customer between bookings, default 500).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench may panic

mod common;

use common::*;

use futures_util::StreamExt;
use household_client::{CallContext, Client, ServerAddress};
use household_core::accounts::{self, CustomerRegistration, LoginInput, NewAdmin};
use household_core::live::LiveEvent;
use household_core::professional::{FeedPage, FeedQuery};
use household_core::{Actor, App};
use household_server::config::Settings;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PIN: &str = "560001";

/// What the run records, shared by every task.
#[derive(Default)]
struct Log {
    /// Booking id -> (instant it was sent, its service).
    sent: HashMap<i64, (Instant, i64)>,
    /// (desktop, booking id) -> first arrival of its event.
    arrived: HashMap<(usize, i64), Instant>,
    /// Booking id -> first feed read that showed it.
    in_feed: HashMap<i64, Instant>,
    accepted: u64,
    conflicts: u64,
    errors: Vec<String>,
}

struct Desktop {
    client: Client,
    token: String,
    /// The professional's service (`None` for a customer).
    service: Option<i64>,
}

impl Desktop {
    fn ctx(&self) -> CallContext<'_> {
        CallContext {
            token: Some(&self.token),
            offset_secs: 19_800,
            client: "push bench",
            idempotency_key: None,
            terminal: None,
            passive: false,
        }
    }
}

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("push bench skipped: run it with `cargo bench -p household-server --bench push`");
        return;
    }
    household_client::install_crypto_provider();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let clients = env_num("HS_PUSH_CLIENTS", 50).max(2) as usize;
    let secs = env_num("HS_PUSH_SECS", 30);
    let services = env_num("HS_PUSH_SERVICES", 5).max(1) as usize;
    let think = Duration::from_millis(env_num("HS_PUSH_THINK_MS", 500));
    let dir = tempfile::tempdir().unwrap();
    let server = household_server::start(&Settings::loopback(dir.path().join("data")))
        .await
        .unwrap();
    let core = server.core.clone();
    let address =
        ServerAddress::parse(&format!("https://127.0.0.1:{}", server.addr.port())).unwrap();
    let pin = server.fingerprint.unwrap();

    let service_ids = seed_services(&core, services).await;
    let pros = clients / 2;
    let customers = clients - pros;
    let mut desktops = Vec::new();
    for i in 0..customers {
        let name = format!("cust{i}");
        accounts::register_customer(&core, customer(&name), "bench")
            .await
            .unwrap();
        desktops.push(desktop(&core, &address, pin, &name, None).await);
    }
    let admin = admin_actor(&core).await;
    for i in 0..pros {
        let name = format!("pro{i}");
        let service = service_ids[i % service_ids.len()];
        register_pro(&core, &admin, &name, service).await;
        desktops.push(desktop(&core, &address, pin, &name, Some(service)).await);
    }
    let desktops: Arc<Vec<Desktop>> = Arc::new(desktops);
    let log = Arc::new(Mutex::new(Log::default()));
    println!(
        "push bench: {clients} desktops ({customers} customers, {pros} professionals over {} services), {secs} s, customers pause {} ms between bookings",
        service_ids.len(),
        think.as_millis()
    );

    // Every desktop opens its event stream first.
    let mut streams = Vec::new();
    for (i, d) in desktops.iter().enumerate() {
        let stream = d.client.events(&d.ctx(), None).await.unwrap();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<i64>();
        streams.push(tokio::spawn(listen(i, stream, log.clone(), tx)));
        if d.service.is_some() {
            tokio::spawn(work(i, desktops.clone(), rx, log.clone()));
        }
    }

    let stop_at = Instant::now() + Duration::from_secs(secs);
    let mut bookers = Vec::new();
    for i in 0..customers {
        let desktops = desktops.clone();
        let log = log.clone();
        let services = service_ids.clone();
        bookers.push(tokio::spawn(async move {
            let d = &desktops[i];
            let mut k = i;
            while Instant::now() < stop_at {
                let service = services[k % services.len()];
                k += 1;
                let at = tomorrow_at_ten();
                let t0 = Instant::now();
                let r = d
                    .client
                    .call_json(
                        "customer_book",
                        &d.ctx(),
                        &json!({ "input": { "service_id": service, "scheduled_for": at,
                                            "address": null, "pincode": null, "remarks": "" } }),
                    )
                    .await;
                match r.map(|v| v.as_i64()) {
                    Ok(Some(id)) => {
                        log.lock().unwrap().sent.insert(id, (t0, service));
                    }
                    other => log.lock().unwrap().errors.push(format!("book: {other:?}")),
                }
                tokio::time::sleep(think).await;
            }
        }));
    }
    for b in bookers {
        b.await.unwrap();
    }
    // Let the last events arrive.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss = memory();
    for s in streams {
        s.abort();
    }
    report(&log.lock().unwrap(), &desktops, customers);
    println!("server process (server and all clients): {rss}");
    server.stop().await;
}

/// Reads one desktop's stream: records the first arrival of each request's event and hands
/// professionals the new ones.
async fn listen(
    me: usize,
    mut stream: household_client::LiveStream,
    log: Arc<Mutex<Log>>,
    work: tokio::sync::mpsc::UnboundedSender<i64>,
) {
    while let Some(m) = stream.next().await {
        let m = match m {
            Ok(m) => m,
            Err(e) => {
                log.lock()
                    .unwrap()
                    .errors
                    .push(format!("stream {me}: {e:?}"));
                return;
            }
        };
        if let LiveEvent::Request { request_id } = m.event {
            let now = Instant::now();
            let first = log
                .lock()
                .unwrap()
                .arrived
                .insert((me, request_id), now)
                .is_none();
            if first {
                let _ = work.send(request_id);
            }
        }
    }
}

/// A professional with the feed open: like the page, one feed read for whatever arrived since
/// the last one (events are coalesced), then an attempt to take the oldest new request shown.
async fn work(
    me: usize,
    desktops: Arc<Vec<Desktop>>,
    mut new: tokio::sync::mpsc::UnboundedReceiver<i64>,
    log: Arc<Mutex<Log>>,
) {
    let d = &desktops[me];
    while let Some(first) = new.recv().await {
        let mut ids = vec![first];
        while let Ok(id) = new.try_recv() {
            ids.push(id);
        }
        let feed = d
            .client
            .call::<_, FeedPage>(
                "professional_feed",
                &d.ctx(),
                &json!({ "query": FeedQuery { page: 1, per_page: 100 } }),
            )
            .await;
        let page = match feed {
            Ok(page) => page,
            Err(e) => {
                log.lock().unwrap().errors.push(format!("feed: {e:?}"));
                continue;
            }
        };
        let seen_at = Instant::now();
        let shown: Vec<i64> = page
            .items
            .iter()
            .map(|r| r.id)
            .filter(|id| ids.contains(id))
            .collect();
        {
            let mut log = log.lock().unwrap();
            for id in &shown {
                log.in_feed.entry(*id).or_insert(seen_at);
            }
        }
        // Already taken by another professional, or the event of an accept.
        let Some(&take) = shown.first() else { continue };
        let r = d
            .client
            .call_json("professional_accept", &d.ctx(), &json!({ "id": take }))
            .await;
        let mut log = log.lock().unwrap();
        match r {
            Ok(_) => log.accepted += 1,
            Err(e) if e.code == household_core::ErrorCode::Conflict => log.conflicts += 1,
            Err(e) => log.errors.push(format!("accept: {e:?}")),
        }
    }
}

fn report(log: &Log, desktops: &[Desktop], customers: usize) {
    let mut push = Vec::new();
    let mut expected = 0usize;
    let mut missing = 0usize;
    // The customer who booked each request is not recorded per id; every customer desktop
    // that got an event for it counts, and must be exactly one.
    let mut customer_heard: HashMap<i64, usize> = HashMap::new();
    for (&id, &(t0, service)) in &log.sent {
        for (i, d) in desktops.iter().enumerate() {
            let should = d.service == Some(service);
            match log.arrived.get(&(i, id)) {
                Some(at) if should || i < customers => {
                    push.push(at.duration_since(t0));
                    if i < customers {
                        *customer_heard.entry(id).or_default() += 1;
                    }
                }
                Some(_) => {}
                None if should => missing += 1,
                None => {}
            }
            if should {
                expected += 1;
            }
        }
    }
    let customer_expected = log.sent.len();
    let customer_ok = customer_heard.values().filter(|&&n| n == 1).count();
    let strangers: HashSet<i64> = customer_heard
        .iter()
        .filter(|(_, &n)| n > 1)
        .map(|(&id, _)| id)
        .collect();
    let mut feed: Vec<Duration> = log
        .in_feed
        .iter()
        .filter_map(|(id, at)| log.sent.get(id).map(|(t0, _)| at.duration_since(*t0)))
        .collect();
    println!(
        "bookings {}, accepted {}, lost accept races {}, errors {}",
        log.sent.len(),
        log.accepted,
        log.conflicts,
        log.errors.len()
    );
    for e in log.errors.iter().take(5) {
        println!("  error: {e}");
    }
    println!(
        "events to professionals of the service: expected {expected}, missing {missing}; to the booking customer: {customer_ok} of {customer_expected}; heard by another customer: {}",
        strangers.len()
    );
    println!(
        "{:<34} {:>8} {:>10} {:>10} {:>10}",
        "", "count", "p50 ms", "p99 ms", "max ms"
    );
    print_row("push latency (booking -> event)", &mut push);
    print_row("booking -> in a professional's feed", &mut feed);
    let p99 = percentile(&mut push, 0.99);
    println!(
        "target: push p99 < 500 ms: {} ({:.1} ms, {:.2}x the target)",
        if p99 < Duration::from_millis(500) {
            "met"
        } else {
            "NOT met"
        },
        p99.as_secs_f64() * 1000.0,
        p99.as_secs_f64() / 0.5
    );
    let feed_max = feed.iter().max().copied().unwrap_or_default();
    println!(
        "target: booking in the feed within 2 s: {} (slowest {:.1} ms)",
        if feed_max < Duration::from_secs(2) && !feed.is_empty() {
            "met"
        } else {
            "NOT met"
        },
        feed_max.as_secs_f64() * 1000.0
    );
}

fn percentile(v: &mut [Duration], q: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    let i = ((v.len() as f64 - 1.0) * q).round() as usize;
    v[i.min(v.len() - 1)]
}

fn print_row(name: &str, v: &mut [Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p50 = percentile(v, 0.5);
    let p99 = percentile(v, 0.99);
    let max = v.iter().max().copied().unwrap_or_default();
    println!(
        "{name:<34} {:>8} {:>10.1} {:>10.1} {:>10.1}",
        v.len(),
        ms(p50),
        ms(p99),
        ms(max)
    );
}

async fn seed_services(core: &App, n: usize) -> Vec<i64> {
    accounts::create_first_admin(
        core,
        NewAdmin {
            full_name: "Asha Admin".into(),
            username: "admin".into(),
            email: "admin@example.com".into(),
            password: PASSWORD.into(),
        },
        "bench",
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(
            household_core::store::services::insert(
                &core.pool,
                &format!("Service {i}"),
                "",
                49_900,
                60,
                core.now(),
            )
            .await
            .unwrap(),
        );
    }
    ids
}

async fn admin_actor(core: &App) -> Actor {
    let admin = household_core::store::users::find_by_login(&core.pool, "admin")
        .await
        .unwrap()
        .unwrap();
    Actor {
        user_id: admin.id,
        role: household_core::domain::Role::Admin,
    }
}

fn customer(name: &str) -> CustomerRegistration {
    CustomerRegistration {
        full_name: format!("Customer {name}"),
        username: name.into(),
        email: format!("{name}@example.com"),
        password: PASSWORD.into(),
        phone: "9876543210".into(),
        address: "12 MG Road, Bengaluru".into(),
        pincode: PIN.into(),
    }
}

async fn register_pro(core: &App, admin: &Actor, name: &str, service: i64) {
    let form: accounts::ProfessionalRegistration = serde_json::from_value(json!({
        "full_name": format!("Pro {name}"), "username": name,
        "email": format!("{name}@example.com"), "password": PASSWORD,
        "phone": "9845000000", "pincode": PIN, "service_id": service,
        "experience_years": 4, "description": "",
        "document": { "file_name": "id.pdf", "content_base64": PDF_BASE64 }
    }))
    .unwrap();
    accounts::register_professional(core, form).await.unwrap();
    let id = household_core::store::users::find_by_login(&core.pool, name)
        .await
        .unwrap()
        .unwrap()
        .id;
    household_core::admin::people::approve(core, admin, id)
        .await
        .unwrap();
}

async fn desktop(
    core: &App,
    address: &ServerAddress,
    pin: household_client::Fingerprint,
    name: &str,
    service: Option<i64>,
) -> Desktop {
    let signed = accounts::login(
        core,
        LoginInput {
            login: name.into(),
            password: PASSWORD.into(),
        },
        "push bench",
    )
    .await
    .unwrap();
    Desktop {
        client: Client::new(address.clone(), pin).unwrap(),
        token: signed.token.expose().to_string(),
        service,
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
