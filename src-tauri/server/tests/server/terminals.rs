//! Enrolled terminals over HTTPS on a server that requires enrolment: an unenrolled machine
//! is refused on every operation, a counter terminal refuses staff credentials, and a revoked
//! terminal's key and sessions stop working at once (its event stream says why).

use crate::common::*;
use futures_util::StreamExt;
use household_client::CallContext;
use household_core::error::{ApiError, ErrorCode};
use household_core::live::LiveEvent;
use household_core::ops::OPERATIONS;
use household_core::session::EndReason;
use serde_json::{json, Value};

/// Calls `op` from the machine with terminal key `key`, as `token`.
async fn call_at(
    t: &TestServer,
    key: Option<&str>,
    token: Option<&str>,
    op: &str,
    args: Value,
) -> Result<Value, ApiError> {
    let ctx = CallContext {
        token,
        offset_secs: 0,
        client: "test desktop",
        idempotency_key: None,
        terminal: key,
        passive: false,
    };
    t.client.call_json(op, &ctx, &args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn terminals_end_to_end_over_https() {
    let t = start_enrolling().await;
    // The first run from an unenrolled desktop: allowed, and it enrols that desktop.
    let first = call_at(
        &t,
        None,
        None,
        "create_first_admin",
        json!({ "input": { "full_name": "Asha Admin", "username": "admin",
                           "email": "admin@example.com", "password": PASSWORD } }),
    )
    .await
    .unwrap();
    let office = first["enrolment"]["key"].as_str().unwrap().to_string();
    let admin = first["token"].as_str().unwrap().to_string();
    let office = Some(office.as_str());

    // Every operation from a machine without a key is refused, whatever it sends.
    for op in OPERATIONS {
        let r = call_at(&t, None, Some(&admin), op.name, json!({})).await;
        if op.access.before_enrolment() {
            assert!(
                !matches!(&r, Err(e) if e.code == ErrorCode::NotEnrolled),
                "{}",
                op.name
            );
        } else {
            assert_eq!(r.unwrap_err().code, ErrorCode::NotEnrolled, "{}", op.name);
        }
    }

    // The admin adds the counter; it enrols with the code.
    let code = call_at(
        &t,
        office,
        Some(&admin),
        "admin_create_terminal",
        json!({ "input": { "name": "Counter 1", "profile": "counter" } }),
    )
    .await
    .unwrap();
    let enrolment = call_at(
        &t,
        None,
        None,
        "enrol_terminal",
        json!({ "code": code["code"], "app_version": "0.1.0" }),
    )
    .await
    .unwrap();
    let counter_key = enrolment["key"].as_str().unwrap().to_string();
    let counter = Some(counter_key.as_str());

    // Staff credentials are refused at the counter; a customer registers and signs in there.
    let e = call_at(
        &t,
        counter,
        None,
        "login",
        json!({ "input": { "login": "admin", "password": PASSWORD } }),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let cara = call_at(
        &t,
        counter,
        None,
        "register_customer",
        json!({ "input": { "full_name": "Cara Customer", "username": "cara",
            "email": "cara@example.com", "password": PASSWORD,
            "phone": "9876543210", "address": "12 MG Road, Bengaluru", "pincode": "560001" } }),
    )
    .await
    .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let ctx = CallContext {
        token: Some(&cara),
        offset_secs: 0,
        client: "counter",
        idempotency_key: None,
        terminal: counter,
        passive: true,
    };
    let mut stream = t.client.events(&ctx, None).await.unwrap();

    // The admin disconnects the counter: Cara's stream says why and ends; the key is dead.
    call_at(
        &t,
        office,
        Some(&admin),
        "admin_revoke_terminal",
        json!({ "id": code["terminal_id"] }),
    )
    .await
    .unwrap();
    let mut ended = None;
    while let Ok(Some(m)) =
        tokio::time::timeout(std::time::Duration::from_secs(3), stream.next()).await
    {
        if let Ok(m) = m {
            if let LiveEvent::SessionEnded { reason, message } = m.event {
                ended = Some((reason, message));
            }
        }
    }
    let (reason, message) = ended.expect("the stream said the session ended");
    assert_eq!(reason, EndReason::Disconnected);
    assert_eq!(message, household_core::terminals::DISCONNECTED);
    let e = call_at(&t, counter, Some(&cara), "customer_profile", json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Disconnected);
    assert_eq!(e.message, household_core::terminals::DISCONNECTED);
    let status = call_at(&t, counter, None, "app_status", json!({}))
        .await
        .unwrap();
    assert_eq!(status["terminal"]["state"], "disconnected");
    // The office is unaffected, and lists the counter as disconnected.
    let rows = call_at(&t, office, Some(&admin), "admin_list_terminals", json!({}))
        .await
        .unwrap();
    let counter_row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Counter 1")
        .unwrap();
    assert!(counter_row["revoked_at"].is_string());
    t.server.stop().await;
}
