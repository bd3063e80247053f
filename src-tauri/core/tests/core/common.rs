//! `spawn_app()`: every test gets its own database in a temp folder and a manual clock.
#![allow(dead_code)]

use base64::Engine;
use chrono::{TimeZone, Utc};
use household_core::accounts::{self, CustomerRegistration, NewAdmin, ProfessionalRegistration};
use household_core::clock::ManualClock;
use household_core::documents::DocumentUpload;
use household_core::session::SessionView;
use household_core::{App, AppConfig};
use std::sync::Arc;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub dir: tempfile::TempDir,
}

impl std::ops::Deref for TestApp {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap(),
    ));
    let mut config = AppConfig::new(dir.path().join("data"));
    config.clock = clock.clone();
    let app = App::open(config).await.expect("open app");
    TestApp { app, clock, dir }
}

/// A fresh app with its administrator created (and signed out).
pub async fn spawn_set_up_app() -> TestApp {
    let t = spawn_app().await;
    accounts::create_first_admin(&t, admin_form())
        .await
        .expect("first admin");
    accounts::logout(&t);
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
    let s = accounts::register_customer(t, customer_form(username))
        .await
        .expect("register customer");
    accounts::logout(t);
    s
}

pub async fn login(
    t: &TestApp,
    login: &str,
    password: &str,
) -> household_core::AppResult<SessionView> {
    accounts::login(
        t,
        accounts::LoginInput {
            login: login.into(),
            password: password.into(),
        },
    )
    .await
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
