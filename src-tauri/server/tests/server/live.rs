//! Live updates over HTTPS: pushed to the right desktops, resumed after a restart with
//! nothing lost or repeated, the end of a session said on the stream.

use crate::common::*;
use futures_util::StreamExt;
use household_client::LiveStream;
use household_core::live::{LiveEvent, LiveMessage};
use household_core::session::EndReason;
use household_core::ErrorCode;
use serde_json::json;
use std::time::Duration;

pub(crate) async fn stream(t: &TestServer, token: &str, after: Option<i64>) -> LiveStream {
    t.client
        .events(&TestServer::ctx(token), after)
        .await
        .expect("event stream")
}

/// The next `n` messages, each within 2 s.
pub(crate) async fn next_messages(s: &mut LiveStream, n: usize) -> Vec<LiveMessage> {
    let mut got = Vec::new();
    for _ in 0..n {
        let message = tokio::time::timeout(Duration::from_secs(2), s.next())
            .await
            .expect("pushed within 2 s")
            .expect("stream open")
            .unwrap();
        got.push(message);
    }
    got
}

/// What arrives until the stream is quiet for `quiet`.
async fn drain(s: &mut LiveStream, quiet: Duration) -> Vec<LiveMessage> {
    let mut out = Vec::new();
    while let Ok(Some(m)) = tokio::time::timeout(quiet, s.next()).await {
        out.push(m.expect("a readable event"));
    }
    out
}

pub(crate) async fn book(t: &TestServer, token: &str, service_id: i64) -> i64 {
    static BOOKED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = BOOKED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let tomorrow = offered_time(t, token, service_id, n).await;
    t.call(
        "customer_book",
        Some(token),
        json!({ "input": { "service_id": service_id, "scheduled_for": tomorrow,
                           "address": null, "pincode": null, "remarks": "" } }),
    )
    .await
    .unwrap()
    .as_i64()
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_is_pushed_to_the_professionals_desktop() {
    let w = world().await;
    let mut pro = stream(&w.t, &w.pro, None).await;
    let mut stranger = stream(&w.t, &w.other_customer, None).await;
    let id = book(&w.t, &w.customer, w.service_id).await;
    // The professional's notification, then the change that refreshes the feed.
    let got = next_messages(&mut pro, 2).await;
    assert!(got.iter().all(|m| m.id.is_some()));
    assert_eq!(
        got.into_iter().map(|m| m.event).collect::<Vec<_>>(),
        vec![
            LiveEvent::Notifications,
            LiveEvent::Request { request_id: id }
        ]
    );
    // Another customer hears nothing of it.
    assert!(drain(&mut stranger, Duration::from_millis(500))
        .await
        .is_empty());
    w.t.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_restart_each_missed_notification_arrives_exactly_once() {
    let w = world().await;
    let (customer, pro, service) = (w.customer.clone(), w.pro.clone(), w.service_id);
    let mut s = stream(&w.t, &customer, None).await;
    let first = book(&w.t, &customer, service).await;
    let second = book(&w.t, &customer, service).await;
    let seen = drain(&mut s, Duration::from_millis(500)).await;
    assert_eq!(seen.len(), 2);
    let cursor = seen[1].id.unwrap();
    drop(s);

    let t = restart(w.t).await;
    // While this desktop is away, the professional accepts both.
    for id in [first, second] {
        t.call("professional_accept", Some(&pro), json!({ "id": id }))
            .await
            .unwrap();
    }
    let mut s = stream(&t, &customer, Some(cursor)).await;
    let got = drain(&mut s, Duration::from_millis(700)).await;
    let events: Vec<LiveEvent> = got.iter().map(|m| m.event.clone()).collect();
    assert_eq!(
        events,
        vec![
            LiveEvent::Notifications,
            LiveEvent::Request { request_id: first },
            LiveEvent::Notifications,
            LiveEvent::Request { request_id: second },
        ]
    );
    let ids: Vec<i64> = got.iter().map(|m| m.id.unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]) && ids[0] > cursor);
    // The desktop shows the two notifications once: a second look finds none.
    let shown = t
        .call("notifications_take_for_os", Some(&customer), json!({}))
        .await
        .unwrap();
    assert_eq!(shown.as_array().unwrap().len(), 2, "{shown}");
    let again = t
        .call("notifications_take_for_os", Some(&customer), json!({}))
        .await
        .unwrap();
    assert_eq!(again, json!([]));
    // Resuming from the newest id repeats nothing.
    drop(s);
    let mut s = stream(&t, &customer, ids.last().copied()).await;
    assert!(drain(&mut s, Duration::from_millis(500)).await.is_empty());
    t.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_professionals_stream_says_why_and_ends() {
    let w = world().await;
    let mut s = stream(&w.t, &w.pro, None).await;
    let people =
        w.t.call(
            "admin_list_people",
            Some(&w.admin),
            json!({ "query": { "search": "ravi", "page": 1, "per_page": 10 } }),
        )
        .await
        .unwrap();
    let ravi = people["items"][0]["id"].as_i64().unwrap();
    w.t.call(
        "admin_block_user",
        Some(&w.admin),
        json!({ "user_id": ravi, "reason": "Complaints" }),
    )
    .await
    .unwrap();
    let mut ended = None;
    while let Some(m) = tokio::time::timeout(Duration::from_secs(3), s.next())
        .await
        .expect("the end within 3 s")
    {
        if let Ok(LiveMessage {
            event: LiveEvent::SessionEnded { reason, message },
            ..
        }) = m
        {
            ended = Some((reason, message));
        }
    }
    let (reason, message) = ended.expect("the stream said the session ended");
    assert_eq!(reason, EndReason::Blocked);
    assert!(message.contains("Complaints"), "{message}");
    // The dead token cannot open a stream again (commands get the same answer).
    let e =
        w.t.client
            .events(&TestServer::ctx(&w.pro), None)
            .await
            .err()
            .expect("refused");
    assert_eq!(e.code, ErrorCode::AccountBlocked);
    w.t.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_token_or_a_bad_cursor_gets_the_usual_error() {
    let w = world().await;
    let anonymous = household_client::CallContext {
        token: None,
        offset_secs: 0,
        client: "test",
        idempotency_key: None,
        terminal: None,
        passive: false,
    };
    let e = w.t.client.events(&anonymous, None).await.err().unwrap();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    let e =
        w.t.client
            .events(&TestServer::ctx(&w.customer), Some(-5))
            .await
            .err()
            .unwrap();
    assert_eq!(e.code, ErrorCode::Validation);
    w.t.server.stop().await;
}
