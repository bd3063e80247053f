//! The API's shape: first run, sign-in, errors in the one shape, limits, pinning.

use crate::common::*;
use household_client::{CallContext, Client, Fingerprint, ServerAddress};
use household_core::error::ErrorCode;
use household_core::ops::OPERATIONS;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread")]
async fn first_run_sign_in_and_a_workflow_over_https() {
    let t = start().await;
    let status = t.call("app_status", None, json!({})).await.unwrap();
    assert_eq!(status["needs_setup"], true);
    let admin = t
        .call(
            "create_first_admin",
            None,
            json!({ "input": { "full_name": "Asha Admin", "username": "admin",
                               "email": "admin@example.com", "password": PASSWORD } }),
        )
        .await
        .unwrap();
    let token = admin["token"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    assert_eq!(admin["session"]["role"], "admin");
    // The token works, and a second first-run is refused.
    let home = t
        .call("home_summary", Some(token), json!({}))
        .await
        .unwrap();
    assert_eq!(home["role"], "admin");
    let again = t
        .call(
            "create_first_admin",
            None,
            json!({ "input": { "full_name": "B", "username": "bbb", "email": "b@example.com", "password": PASSWORD } }),
        )
        .await
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::Conflict);
    // Logout ends it on the server.
    t.call("logout", Some(token), json!({})).await.unwrap();
    let err = t
        .call("home_summary", Some(token), json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(err.message.contains("signed out"), "{}", err.message);
    t.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_field_error_and_malformed_arguments_come_back_in_one_shape() {
    let t = start().await;
    let err = t
        .call(
            "create_first_admin",
            None,
            json!({ "input": { "full_name": "", "username": "x", "email": "nope", "password": "short" } }),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["full_name", "username", "email", "password"]);
    // A wrong type names its field.
    let err = t
        .call(
            "login",
            None,
            json!({ "input": { "login": 5, "password": "x" } }),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (err.code, err.fields[0].field.as_str()),
        (ErrorCode::Validation, "login")
    );
    // A missing argument too.
    let err = t.call("login", None, json!({})).await.unwrap_err();
    assert_eq!(err.fields[0].field, "input");
    t.server.stop().await;
}

async fn raw_post(t: &TestServer, path: &str, body: Vec<u8>) -> (u16, Value) {
    // reqwest with the same pinned certificate, to send bodies the typed client never would.
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(pinned_config(t.server.fingerprint.unwrap()))
        .build()
        .unwrap();
    let resp = client
        .post(format!("https://127.0.0.1:{}{path}", t.server.addr.port()))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let json = resp.json::<Value>().await.unwrap_or(Value::Null);
    (status, json)
}

fn pinned_config(pin: Fingerprint) -> rustls::ClientConfig {
    household_client::pinned_tls_config(pin)
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_and_malformed_bodies_get_413_and_400_as_api_errors() {
    let t = start().await;
    let (status, body) = raw_post(&t, "/api/v1/ops/login", vec![b'x'; 9 * 1024 * 1024]).await;
    assert_eq!(status, 413);
    assert_eq!(body["code"], "validation", "{body}");
    assert!(body["message"].as_str().unwrap().contains("too large"));
    let (status, body) = raw_post(&t, "/api/v1/ops/login", b"{\"input\": ".to_vec()).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "validation");
    assert!(
        body["message"].as_str().unwrap().contains("not valid JSON"),
        "{body}"
    );
    let (status, body) = raw_post(&t, "/api/v1/ops/no_such_thing", b"{}".to_vec()).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "not_found");
    t.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_panic_and_no_internal_error_on_odd_input_to_any_operation() {
    let w = world().await;
    let odd = [
        json!(null),
        json!([]),
        json!("text"),
        json!(42),
        json!({ "id": -1 }),
        json!({ "id": i64::MAX, "user_id": "1", "input": [], "query": { "page": -3 } }),
        json!({ "input": { "service_id": 1e300 } }),
        json!({ "reason": "\u{0000}\u{202e}".repeat(300) }),
    ];
    for op in OPERATIONS {
        if op.name == "logout" {
            continue;
        }
        for body in &odd {
            for token in [None, Some(w.admin.as_str()), Some(w.customer.as_str())] {
                match w.t.call(op.name, token, body.clone()).await {
                    Ok(_) => {}
                    Err(e) => assert!(
                        e.code != ErrorCode::Internal && e.code != ErrorCode::Unavailable,
                        "{} with {body} as {token:?}: {e:?}",
                        op.name
                    ),
                }
            }
        }
    }
    // And the server still answers.
    assert!(w.t.client.health().await.is_ok());
    w.t.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_different_certificate_is_refused_with_a_clear_message() {
    let t = start().await;
    let wrong = Fingerprint::parse(&"AB".repeat(32)).unwrap();
    let client = Client::new(t.address(), wrong).unwrap();
    let ctx = CallContext {
        client: "test",
        ..Default::default()
    };
    let err = client
        .call_json("app_status", &ctx, &json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unavailable);
    assert!(
        err.message.contains("different certificate")
            && err
                .message
                .contains(&t.server.fingerprint.unwrap().to_string()),
        "{}",
        err.message
    );
    // What a first connection shows the person: the real fingerprint.
    let seen = household_client::probe_fingerprint(&t.address())
        .await
        .unwrap();
    assert_eq!(Some(seen), t.server.fingerprint);
    t.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn health_and_the_api_document_list_every_operation() {
    let t = start().await;
    assert!(t.client.health().await.is_ok());
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(pinned_config(t.server.fingerprint.unwrap()))
        .build()
        .unwrap();
    let doc: Value = client
        .get(format!(
            "https://127.0.0.1:{}/api/v1/openapi.json",
            t.server.addr.port()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for op in OPERATIONS {
        let path = format!("/api/v1/ops/{}", op.name);
        let post = &doc["paths"][&path]["post"];
        assert!(post.is_object(), "{path} missing");
        // The arguments' schema names each argument of the table.
        let args = &post["requestBody"]["content"]["application/json"]["schema"];
        let args = match args["$ref"].as_str() {
            Some(r) => &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
            None => args,
        };
        for a in op.args {
            assert!(
                args["properties"][*a].is_object(),
                "{path}: argument {a} not described: {args}"
            );
        }
    }
    // The event stream is described, with the message it carries.
    let events = &doc["paths"]["/api/v1/events"]["get"];
    assert!(events["description"]
        .as_str()
        .unwrap()
        .contains("Last-Event-ID"));
    assert!(doc["components"]["schemas"]["LiveEvent"].is_object());
    // The types are the ones the code uses (field names and all).
    let booking = &doc["components"]["schemas"]["BookingInput"]["properties"];
    for field in [
        "service_id",
        "scheduled_for",
        "address",
        "pincode",
        "remarks",
    ] {
        assert!(
            booking[field].is_object(),
            "BookingInput.{field}: {booking}"
        );
    }
    // Every reference resolves.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 50);
    for r in all {
        let target = r
            .trim_start_matches("#/")
            .split('/')
            .fold(&doc, |v, part| &v[part]);
        assert!(target.is_object(), "dangling {r}");
    }
    assert!(ServerAddress::parse("http://10.0.0.5:80").is_err());
    t.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_booking_with_the_same_key_is_applied_once() {
    let w = world().await;
    let tomorrow = offered_time(&w.t, &w.customer, w.service_id, 0).await;
    let args = json!({ "input": { "service_id": w.service_id, "scheduled_for": tomorrow,
                                  "address": null, "pincode": null, "remarks": "" } });
    let ctx = |key| CallContext {
        token: Some(w.customer.as_str()),
        offset_secs: 0,
        client: "test",
        idempotency_key: key,
        terminal: None,
        passive: false,
    };
    let first =
        w.t.client
            .call_json("customer_book", &ctx(Some("booking-attempt-0001")), &args)
            .await
            .unwrap();
    // The reply was "lost": the desktop sends the same request with the same key.
    let again =
        w.t.client
            .call_json("customer_book", &ctx(Some("booking-attempt-0001")), &args)
            .await
            .unwrap();
    assert_eq!(first, again);
    let mine =
        w.t.call(
            "customer_my_requests",
            Some(&w.customer),
            json!({ "query": { "scope": "all", "page": 1, "per_page": 50 } }),
        )
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    // A new key is a new booking.
    let other =
        w.t.client
            .call_json("customer_book", &ctx(Some("booking-attempt-0002")), &args)
            .await
            .unwrap();
    assert_ne!(first, other);
    // Accepting twice (a retried accept) is not an error either.
    for _ in 0..2 {
        w.t.call("professional_accept", Some(&w.pro), json!({ "id": first }))
            .await
            .unwrap();
    }
    w.t.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_runs_on_the_server_and_downloads_to_an_admin() {
    let w = world().await;
    let id =
        w.t.call(
            "admin_start_server_export",
            Some(&w.admin),
            json!({ "kind": "customers", "filters": {} }),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let mut status = Value::Null;
    for _ in 0..100 {
        let job =
            w.t.call("admin_export_job", Some(&w.admin), json!({ "id": id }))
                .await
                .unwrap();
        status = job["status"].clone();
        if status != "queued" && status != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "succeeded");
    let body =
        w.t.client
            .get(&format!("api/v1/exports/{id}/file"), &w.admin)
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    assert!(body.starts_with("user_id,"), "{body}");
    assert_eq!(body.lines().count(), 3, "header and two customers: {body}");
    // Only admins download.
    let err =
        w.t.client
            .get(&format!("api/v1/exports/{id}/file"), &w.customer)
            .await
            .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    w.t.server.stop().await;
}
