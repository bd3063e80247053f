//! A server per test: temp data folder, 127.0.0.1 on a free port, self-signed TLS; on
//! PostgreSQL (`HS_TEST_ENGINE=postgres`) each test's database of its own on the test server.

use household_client::{CallContext, Client, ServerAddress};
use household_core::error::ApiError;
use household_server::config::Settings;
use household_server::RunningServer;
use serde_json::{json, Value};

pub const PASSWORD: &str = "correct horse battery";

pub struct TestServer {
    pub server: RunningServer,
    pub client: Client,
    /// Kept so the data folder lives as long as the server.
    pub _dir: tempfile::TempDir,
    /// The PostgreSQL database behind it (`None`: SQLite in the data folder).
    pub database_url: Option<String>,
}

impl TestServer {
    pub fn address(&self) -> ServerAddress {
        ServerAddress::parse(&format!("https://127.0.0.1:{}", self.server.addr.port())).unwrap()
    }

    /// Calls `op` as `token` (or anonymously).
    pub async fn call(
        &self,
        op: &str,
        token: Option<&str>,
        args: Value,
    ) -> Result<Value, ApiError> {
        let ctx = CallContext {
            token,
            offset_secs: 19_800,
            client: "test desktop",
            idempotency_key: None,
            terminal: None,
            passive: false,
        };
        self.client.call_json(op, &ctx, &args).await
    }

    /// The context of a call as `token`.
    pub fn ctx<'a>(token: &'a str) -> CallContext<'a> {
        CallContext {
            token: Some(token),
            offset_secs: 19_800,
            client: "test desktop",
            idempotency_key: None,
            terminal: None,
            passive: false,
        }
    }

    /// Signs in and returns the token.
    pub async fn login(&self, who: &str) -> String {
        let v = self
            .call(
                "login",
                None,
                json!({ "input": { "login": who, "password": PASSWORD } }),
            )
            .await
            .unwrap_or_else(|e| panic!("login {who}: {e:?}"));
        v["token"].as_str().unwrap().to_string()
    }
}

pub async fn start() -> TestServer {
    on(tempfile::tempdir().unwrap()).await
}

/// A server that admits enrolled machines only (the default of `household-server`).
pub async fn start_enrolling() -> TestServer {
    start_with(tempfile::tempdir().unwrap(), |s| s.require_enrolment = true).await
}

/// Stops the server and starts it again on the same data folder and database (a new port).
pub async fn restart(t: TestServer) -> TestServer {
    let TestServer {
        server,
        _dir,
        database_url,
        ..
    } = t;
    server.stop().await;
    start_with(_dir, |s| s.database_url = database_url).await
}

async fn on(dir: tempfile::TempDir) -> TestServer {
    start_with(dir, |_| {}).await
}

/// A second server instance on `t`'s PostgreSQL database and documents folder, with a
/// data folder (certificate) of its own.
pub async fn second_instance(t: &TestServer) -> TestServer {
    let url = t.database_url.clone();
    let documents = t._dir.path().join("data").join("documents");
    start_with(tempfile::tempdir().unwrap(), |s| {
        s.database_url = url;
        s.documents_dir = Some(documents);
    })
    .await
}

async fn start_with(dir: tempfile::TempDir, adjust: impl FnOnce(&mut Settings)) -> TestServer {
    let mut settings = Settings::loopback(dir.path().join("data"));
    settings.database_url = household_core::db::testing::database_for_this_run().await;
    adjust(&mut settings);
    household_client::install_crypto_provider();
    let server = household_server::start(&settings).await.unwrap();
    let address =
        ServerAddress::parse(&format!("https://127.0.0.1:{}", server.addr.port())).unwrap();
    let client = Client::new(address, server.fingerprint.unwrap()).unwrap();
    TestServer {
        server,
        client,
        _dir: dir,
        database_url: settings.database_url,
    }
}

/// A server with an admin, a service, an approved professional and two customers, each
/// signed in: (server, admin, customer, other customer, professional) tokens.
pub struct World {
    pub t: TestServer,
    pub admin: String,
    pub customer: String,
    pub other_customer: String,
    pub pro: String,
    pub other_pro: String,
    pub service_id: i64,
}

pub async fn world() -> World {
    let t = start().await;
    let admin = t
        .call(
            "create_first_admin",
            None,
            json!({ "input": { "full_name": "Asha Admin", "username": "admin",
                               "email": "admin@example.com", "password": PASSWORD } }),
        )
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let service_id = t
        .call(
            "admin_create_service",
            Some(&admin),
            json!({ "input": { "name": "Plumbing", "description": "", "base_price_minor": 49900, "estimated_minutes": 60 } }),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let customer = register_customer(&t, "cara").await;
    let other_customer = register_customer(&t, "dev").await;
    let pro = register_pro(&t, &admin, "ravi", service_id).await;
    let other_pro = register_pro(&t, &admin, "raj", service_id).await;
    World {
        t,
        admin,
        customer,
        other_customer,
        pro,
        other_pro,
        service_id,
    }
}

async fn register_customer(t: &TestServer, username: &str) -> String {
    t.call(
        "register_customer",
        None,
        json!({ "input": { "full_name": format!("Customer {username}"), "username": username,
                           "email": format!("{username}@example.com"), "password": PASSWORD,
                           "phone": "9876543210", "address": "12 MG Road, Bengaluru", "pincode": "560001" } }),
    )
    .await
    .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

const PDF_BASE64: &str = "JVBERi0xLjQKMSAwIG9iajw8Pj5lbmRvYmoKdHJhaWxlcjw8Pj4KJSVFT0Y=";

async fn register_pro(t: &TestServer, admin: &str, username: &str, service_id: i64) -> String {
    t.call(
        "register_professional",
        None,
        json!({ "input": { "full_name": format!("Pro {username}"), "username": username,
                           "email": format!("{username}@example.com"), "password": PASSWORD,
                           "phone": "9845000000", "pincode": "560001", "service_id": service_id,
                           "experience_years": 4, "description": "",
                           "document": { "file_name": "id.pdf", "content_base64": PDF_BASE64 } } }),
    )
    .await
    .unwrap();
    let people = t
        .call(
            "admin_list_people",
            Some(admin),
            json!({ "query": { "search": username, "page": 1, "per_page": 10 } }),
        )
        .await
        .unwrap();
    let id = people["items"][0]["id"].as_i64().unwrap();
    t.call(
        "admin_approve_professional",
        Some(admin),
        json!({ "user_id": id }),
    )
    .await
    .unwrap();
    t.login(username).await
}

/// A visit time the customer behind `token` can book for `service_id`: the `n`-th hour-long
/// step through the times the server offers (as the booking form offers them), so bookings
/// of one test with different `n` do not overlap.
pub async fn offered_time(t: &TestServer, token: &str, service_id: i64, n: usize) -> String {
    let days = t
        .call(
            "customer_available_slots",
            Some(token),
            serde_json::json!({ "query": { "service_id": service_id, "pincode": null,
                                           "from_day": "", "days": 14 } }),
        )
        .await
        .expect("offered times");
    let slots: Vec<String> = days
        .as_array()
        .expect("days")
        .iter()
        .flat_map(|d| d["slots"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect();
    // Offered times are 30 minutes apart and a visit lasts an hour: every other one.
    slots
        .into_iter()
        .step_by(2)
        .nth(n)
        .expect("enough offered times")
}
