//! `spawn_app()`: every test gets its own database in a temp folder and a manual clock.
//!
//! The same tests run on either engine: embedded SQLite by default, PostgreSQL when
//! `HS_TEST_ENGINE=postgres` (then `HS_TEST_POSTGRES_URL` names a server on which each test
//! creates a database of its own; `scripts/test.sh` starts a throw-away one).
#![allow(dead_code)]

use base64::Engine;
use chrono::{TimeZone, Utc};
use household_core::accounts::{self, CustomerRegistration, NewAdmin, ProfessionalRegistration};
use household_core::clock::ManualClock;
use household_core::documents::DocumentUpload;
use household_core::session::{Actor, SessionToken, SessionView, SignedIn};
use household_core::{App, AppConfig, AppResult};
use std::sync::{Arc, Mutex};

pub const PASSWORD: &str = "correct horse battery";

/// The core on a temp database, plus one "desktop": the token of the last sign-in through
/// these helpers (most stories need one session; several are driven with explicit tokens).
pub struct TestApp {
    pub app: Arc<App>,
    pub clock: Arc<ManualClock>,
    pub dir: tempfile::TempDir,
    pub desktop: Mutex<Option<SessionToken>>,
    /// The PostgreSQL database of this test (`None` on SQLite).
    pub database_url: Option<String>,
}

impl TestApp {
    /// The configuration of this app's database (same folder, same engine and database,
    /// same clock): a second instance or a restart opens it.
    pub fn config_again(&self) -> AppConfig {
        let mut config = AppConfig::new(self.data_dir());
        config.clock = self.clock.clone();
        config.database_url = self.database_url.clone();
        config
    }

    /// The token of the desktop's session (an invalid one when nobody signed in).
    pub fn token(&self) -> SessionToken {
        self.desktop.lock().unwrap().clone().unwrap_or_else(|| {
            SessionToken::parse(&"0".repeat(64)).expect("a well-formed unknown token")
        })
    }

    /// Keeps a new session as the desktop's.
    pub fn keep(&self, s: AppResult<SignedIn>) -> AppResult<SessionView> {
        let s = s?;
        *self.desktop.lock().unwrap() = Some(s.token);
        Ok(s.view)
    }

    /// The desktop's acting user (as every command checks it; counts as activity).
    pub async fn actor(&self) -> AppResult<Actor> {
        self.app.actor(&self.token()).await
    }

    /// The same check, not counted as activity.
    pub async fn actor_passive(&self) -> AppResult<Actor> {
        self.app.actor_passive(&self.token()).await
    }

    /// The desktop's session as its UI sees it (counts as activity).
    pub async fn touch(&self) -> AppResult<SessionView> {
        self.app.session_view(&self.token(), true).await
    }

    /// Signs the desktop out.
    pub async fn logout(&self) {
        accounts::logout(&self.app, &self.token())
            .await
            .expect("logout");
    }
}

impl std::ops::Deref for TestApp {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A fresh app whose configuration `adjust` changes first (e.g. to require enrolment).
pub async fn spawn_app_with(adjust: impl FnOnce(&mut AppConfig)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap(),
    ));
    let mut config = AppConfig::new(dir.path().join("data"));
    config.clock = clock.clone();
    config.database_url = household_core::db::testing::database_for_this_run().await;
    adjust(&mut config);
    let database_url = config.database_url.clone();
    let app = Arc::new(App::open(config).await.expect("open app"));
    TestApp {
        app,
        clock,
        dir,
        desktop: Mutex::default(),
        database_url,
    }
}

/// For tests of SQLite itself (pragmas, its files, its planner): the SQLite pool, or `None`
/// (with a note) when this run tests PostgreSQL.
pub fn sqlite_only(t: &TestApp) -> Option<sqlx::SqlitePool> {
    let pool = t.pool.as_sqlite().cloned();
    if pool.is_none() {
        eprintln!("SQLite-specific test: nothing to check on PostgreSQL");
    }
    pool
}

/// A fresh app with its administrator created (and signed out).
pub async fn spawn_set_up_app() -> TestApp {
    let t = spawn_app().await;
    t.keep(accounts::create_first_admin(&t, admin_form(), "test").await)
        .expect("first admin");
    t.logout().await;
    t
}

pub fn admin_form() -> NewAdmin {
    NewAdmin {
        full_name: "Asha Admin".into(),
        username: "admin".into(),
        email: "admin@example.com".into(),
        password: PASSWORD.into(),
    }
}

pub fn customer_form(username: &str) -> CustomerRegistration {
    CustomerRegistration {
        full_name: format!("Customer {username}"),
        username: username.into(),
        email: format!("{username}@example.com"),
        password: PASSWORD.into(),
        phone: "9876543210".into(),
        address: "12 MG Road, Bengaluru".into(),
        pincode: "560001".into(),
    }
}

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

pub fn pdf_upload() -> DocumentUpload {
    DocumentUpload {
        file_name: "licence.pdf".into(),
        content_base64: base64::engine::general_purpose::STANDARD.encode(PDF),
    }
}

/// The usual cast: the set-up's admin, a service ("Plumbing") and a registered customer
/// "cara" (signed out).
pub async fn admin_service_and_cara(
    t: &TestApp,
) -> (household_core::Actor, i64, household_core::Actor) {
    let admin = household_core::Actor {
        user_id: user_id(t, "admin").await,
        role: household_core::domain::Role::Admin,
    };
    let svc = a_service(t).await;
    let cara = household_core::Actor {
        user_id: registered_customer(t, "cara").await.user_id,
        role: household_core::domain::Role::Customer,
    };
    (admin, svc, cara)
}

pub async fn a_service(t: &TestApp) -> i64 {
    household_core::store::services::insert(
        &t.pool,
        "Plumbing",
        "Pipes",
        49_900,
        60,
        ts("2026-11-21T09:00:00Z"),
    )
    .await
    .expect("service")
}

pub fn professional_form(username: &str, service_id: i64) -> ProfessionalRegistration {
    ProfessionalRegistration {
        full_name: format!("Pro {username}"),
        username: username.into(),
        email: format!("{username}@example.com"),
        password: PASSWORD.into(),
        phone: "9845012345".into(),
        pincode: "560001".into(),
        service_id,
        experience_years: 4,
        description: "Ten years of leaks fixed.".into(),
        document: pdf_upload(),
    }
}

/// Registers a customer (which signs them in) and signs out again.
pub async fn registered_customer(t: &TestApp, username: &str) -> SessionView {
    let s = t
        .keep(accounts::register_customer(t, customer_form(username), "test").await)
        .expect("register customer");
    t.logout().await;
    s
}

pub async fn login(
    t: &TestApp,
    login: &str,
    password: &str,
) -> household_core::AppResult<SessionView> {
    t.keep(
        accounts::login(
            t,
            accounts::LoginInput {
                login: login.into(),
                password: password.into(),
            },
            "test",
        )
        .await,
    )
}

pub async fn user_id(t: &TestApp, username: &str) -> i64 {
    household_core::store::users::find_by_login(&t.pool, username)
        .await
        .unwrap()
        .expect("user exists")
        .id
}

/// Moves the clock to a request's visit time: a job cannot be completed before it.
pub async fn reach_visit(t: &TestApp, id: i64) {
    use household_core::clock::Clock;
    let state = household_core::store::requests::state(&t.pool, id)
        .await
        .expect("state")
        .expect("request exists");
    let at = state.scheduled_for.get();
    let now = t.clock.now();
    if at > now {
        t.clock.advance(at - now);
    }
}

/// A stored-format time literal.
pub fn ts(text: &str) -> household_core::Timestamp {
    household_core::Timestamp::parse(text).expect("an RFC 3339 time")
}

/// A booking of service `svc` for 3 Dec 2026, 10:00 UTC, at the customer's own address.
pub fn booking(svc: i64) -> household_core::customer::BookingInput {
    household_core::customer::BookingInput {
        service_id: svc,
        scheduled_for: "2026-12-03T10:00:00Z".into(),
        address: None,
        pincode: None,
        remarks: String::new(),
    }
}

/// What a professional sends to complete request `id`: the code its customer was given (read
/// from the database, as the customer would read it out), no note, no extras.
pub async fn with_code(t: &TestApp, id: i64) -> household_core::professional::Completion {
    let code = household_core::store::requests::completion_code(&t.pool, id)
        .await
        .expect("code")
        .and_then(|(code, _, _)| code)
        .unwrap_or_default();
    household_core::professional::Completion {
        code,
        note: None,
        extras: Vec::new(),
    }
}

/// What a customer sends to close request `id`: its bill's total, paid in cash.
pub async fn paid_in_cash(t: &TestApp, id: i64) -> household_core::receipts::Payment {
    let bill = household_core::receipts::bill(&mut household_core::store::Ex::from(&t.pool), id)
        .await
        .expect("bill");
    household_core::receipts::Payment {
        method: household_core::receipts::PaymentMethod::Cash,
        reference: String::new(),
        accepted_total_minor: bill.total_minor,
    }
}
