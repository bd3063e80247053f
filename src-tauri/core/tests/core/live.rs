//! Live updates: who hears of which change, resuming from a cursor without loss or
//! repetition, a slow consumer catching up from the log, and the end of a session.

use crate::common::*;
use household_core::admin::{catalog, people};
use household_core::customer;
use household_core::domain::Role;
use household_core::live::{self, LiveEvent, LiveMessage, Subscription};
use household_core::session::{EndReason, SessionToken};
use household_core::{accounts, professional, Actor};
use std::time::Duration;

/// The next message, or a failure after two seconds.
async fn next(sub: &mut Subscription) -> LiveMessage {
    tokio::time::timeout(Duration::from_secs(2), sub.next())
        .await
        .expect("an event within 2 s")
        .expect("the subscription is open")
}

/// Everything that arrives within `quiet` of the previous message.
async fn drain(sub: &mut Subscription, quiet: Duration) -> Vec<LiveMessage> {
    let mut out = Vec::new();
    while let Ok(Some(m)) = tokio::time::timeout(quiet, sub.next()).await {
        out.push(m);
    }
    out
}

fn events(messages: &[LiveMessage]) -> Vec<LiveEvent> {
    messages.iter().map(|m| m.event.clone()).collect()
}

/// A subscription from now on for `who`, freshly signed in.
async fn subscribed(t: &TestApp, who: &str) -> Subscription {
    let token = signed_in(t, who).await;
    live::subscribe(t.app.clone(), token, None).await.unwrap()
}

async fn signed_in(t: &TestApp, who: &str) -> SessionToken {
    login(t, who, PASSWORD).await.expect("sign in");
    t.token()
}

struct Cast {
    admin: Actor,
    cara: Actor,
    ravi: Actor,
    svc: i64,
}

/// An admin, a customer and an approved professional of one service, and a second
/// professional of another service.
async fn cast(t: &TestApp) -> Cast {
    let admin = Actor {
        user_id: user_id(t, "admin").await,
        role: Role::Admin,
    };
    let svc = a_service(t).await;
    let other = household_core::store::services::insert(
        &t.pool,
        "Painting",
        "Walls",
        99_900,
        120,
        ts("2026-11-21T09:00:00Z"),
    )
    .await
    .unwrap();
    let cara = Actor {
        user_id: registered_customer(t, "cara").await.user_id,
        role: Role::Customer,
    };
    for (name, service) in [("ravi", svc), ("pia", other)] {
        accounts::register_professional(t, professional_form(name, service))
            .await
            .unwrap();
        people::approve(t, &admin, user_id(t, name).await)
            .await
            .unwrap();
    }
    let ravi = Actor {
        user_id: user_id(t, "ravi").await,
        role: Role::Professional,
    };
    Cast {
        admin,
        cara,
        ravi,
        svc,
    }
}

#[tokio::test]
async fn each_change_reaches_exactly_the_people_who_see_it() {
    let t = spawn_set_up_app().await;
    let c = cast(&t).await;
    let mut admin = subscribed(&t, "admin").await;
    let mut cara = subscribed(&t, "cara").await;
    let mut ravi = subscribed(&t, "ravi").await;
    let mut pia = subscribed(&t, "pia").await;
    let dan = registered_customer(&t, "dan").await;
    let mut dan_sub = subscribed(&t, "dan").await;
    // Dan's registration is news for the admins only.
    assert_eq!(
        next(&mut admin).await.event,
        LiveEvent::People {
            user_id: dan.user_id
        }
    );

    let id = customer::book(&t, &c.cara, booking(c.svc)).await.unwrap();
    let booked = LiveEvent::Request { request_id: id };
    assert_eq!(next(&mut admin).await.event, booked);
    assert_eq!(next(&mut cara).await.event, booked);
    // In the feed of the professionals of that service, with a notification for the one in
    // that PIN code.
    assert_eq!(
        events(&drain(&mut ravi, Duration::from_millis(300)).await),
        vec![LiveEvent::Notifications, booked.clone()]
    );

    professional::accept(&t, &c.ravi, id).await.unwrap();
    // The customer hears of the change and of the notification it brought.
    let heard = events(&drain(&mut cara, Duration::from_millis(300)).await);
    assert_eq!(heard, vec![LiveEvent::Notifications, booked.clone()]);
    assert_eq!(
        events(&drain(&mut ravi, Duration::from_millis(300)).await),
        vec![booked.clone()]
    );

    catalog::set_active(&t, &c.admin, c.svc, false)
        .await
        .unwrap();
    // Everyone hears of the catalogue, and Pia (another service) and Dan (another customer)
    // of nothing else.
    let heard = events(&drain(&mut admin, Duration::from_millis(300)).await);
    assert!(heard.ends_with(&[LiveEvent::Catalog]), "{heard:?}");
    for sub in [&mut cara, &mut ravi, &mut pia, &mut dan_sub] {
        let heard = events(&drain(sub, Duration::from_millis(300)).await);
        assert_eq!(heard, vec![LiveEvent::Catalog]);
    }
    let msgs = drain(&mut admin, Duration::from_millis(100)).await;
    assert!(msgs.is_empty());
}

#[tokio::test]
async fn a_stranger_hears_nothing_of_other_peoples_requests() {
    let t = spawn_set_up_app().await;
    let c = cast(&t).await;
    registered_customer(&t, "dan").await;
    // Raj offers the same service in another PIN code: the request is not in his feed.
    let mut form = professional_form("raj", c.svc);
    form.pincode = "110001".into();
    accounts::register_professional(&t, form).await.unwrap();
    people::approve(&t, &c.admin, user_id(&t, "raj").await)
        .await
        .unwrap();
    let mut pia = subscribed(&t, "pia").await;
    let mut dan = subscribed(&t, "dan").await;
    let mut raj = subscribed(&t, "raj").await;
    let id = customer::book(&t, &c.cara, booking(c.svc)).await.unwrap();
    professional::accept(&t, &c.ravi, id).await.unwrap();
    assert!(drain(&mut pia, Duration::from_millis(500)).await.is_empty());
    assert!(drain(&mut dan, Duration::from_millis(500)).await.is_empty());
    assert!(drain(&mut raj, Duration::from_millis(500)).await.is_empty());
}

#[tokio::test]
async fn a_desktop_resumes_from_its_cursor_without_loss_or_repetition() {
    let t = spawn_set_up_app().await;
    let c = cast(&t).await;
    let token = signed_in(&t, "cara").await;
    let mut sub = live::subscribe(t.app.clone(), token.clone(), None)
        .await
        .unwrap();
    let first = customer::book(&t, &c.cara, booking(c.svc)).await.unwrap();
    let seen = next(&mut sub).await;
    assert_eq!(seen.event, LiveEvent::Request { request_id: first });
    let cursor = seen.id.expect("logged events carry their id");
    // The connection drops; meanwhile three more bookings and an accept happen.
    drop(sub);
    let mut missed = Vec::new();
    for _ in 0..3 {
        missed.push(customer::book(&t, &c.cara, booking(c.svc)).await.unwrap());
    }
    professional::accept(&t, &c.ravi, missed[0]).await.unwrap();

    let mut sub = live::subscribe(t.app.clone(), token.clone(), Some(cursor))
        .await
        .unwrap();
    let got = drain(&mut sub, Duration::from_millis(500)).await;
    let mut want: Vec<LiveEvent> = missed
        .iter()
        .map(|&request_id| LiveEvent::Request { request_id })
        .collect();
    want.extend([
        LiveEvent::Notifications,
        LiveEvent::Request {
            request_id: missed[0],
        },
    ]);
    assert_eq!(events(&got), want);
    let ids: Vec<i64> = got.iter().map(|m| m.id.unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order: {ids:?}");
    assert!(ids[0] > cursor);

    // Resuming again from the newest id gives nothing twice.
    let last = *ids.last().unwrap();
    drop(sub);
    let mut sub = live::subscribe(t.app.clone(), token, Some(last))
        .await
        .unwrap();
    assert!(drain(&mut sub, Duration::from_millis(300)).await.is_empty());
}

#[tokio::test]
async fn a_consumer_that_falls_behind_catches_up_from_the_log() {
    let t = spawn_set_up_app().await;
    let c = cast(&t).await;
    let admin = signed_in(&t, "admin").await;
    let mut stalled = live::subscribe(t.app.clone(), admin.clone(), None)
        .await
        .unwrap();
    // Another desktop of the same admin reads as events come.
    let mut reader = live::subscribe(t.app.clone(), admin, None).await.unwrap();
    let reading = tokio::spawn(async move { drain(&mut reader, Duration::from_secs(2)).await });
    // Far more changes than a subscription buffers and the broadcast keeps, while the
    // stalled one reads nothing.
    let mut booked = Vec::new();
    for _ in 0..400 {
        booked.push(customer::book(&t, &c.cara, booking(c.svc)).await.unwrap());
    }
    let want: Vec<LiveEvent> = booked
        .iter()
        .map(|&request_id| LiveEvent::Request { request_id })
        .collect();
    // The stalled one did not hold the reader up, and catches up from the log when it reads.
    assert_eq!(events(&reading.await.unwrap()), want);
    let got = drain(&mut stalled, Duration::from_millis(1500)).await;
    assert_eq!(events(&got), want);
}

#[tokio::test]
async fn a_cursor_beyond_the_log_asks_for_a_full_reload() {
    let t = spawn_set_up_app().await;
    let _ = cast(&t).await;
    let mut sub = live::subscribe(t.app.clone(), signed_in(&t, "admin").await, Some(1_000_000))
        .await
        .unwrap();
    assert_eq!(next(&mut sub).await.event, LiveEvent::Resync);
}

#[tokio::test]
async fn the_stream_says_when_its_session_ends_and_closes() {
    let t = spawn_set_up_app().await;
    let c = cast(&t).await;
    let token = signed_in(&t, "ravi").await;
    let mut sub = live::subscribe(t.app.clone(), token.clone(), None)
        .await
        .unwrap();
    people::block(&t, &c.admin, c.ravi.user_id, "Complaints")
        .await
        .unwrap();
    let mut ended = None;
    while let Some(m) = tokio::time::timeout(Duration::from_secs(3), sub.next())
        .await
        .expect("the end within 3 s")
    {
        if let LiveEvent::SessionEnded { reason, message } = m.event {
            ended = Some((reason, message));
        }
    }
    let (reason, message) = ended.expect("a session-ended event");
    assert_eq!(reason, EndReason::Blocked);
    assert!(message.contains("Complaints"), "{message}");
    // A dead token cannot subscribe.
    assert!(live::subscribe(t.app.clone(), token, None).await.is_err());
}
