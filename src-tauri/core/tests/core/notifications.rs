//! The notification outbox: a row per affected user for every transition and account
//! decision, in the same transaction; the centre; OS delivery without floods or repeats.

use crate::common::*;
use chrono::{Duration, TimeZone, Utc};
use household_core::admin::people;
use household_core::clock::Clock;
use household_core::customer::{self, BookingInput, ReviewInput};
use household_core::domain::Role;
use household_core::notifications::{self, short_name};
use household_core::professional;
use household_core::{accounts, Actor};

async fn kinds(t: &TestApp, user: i64) -> Vec<String> {
    household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT kind FROM notifications WHERE user_id = $1 ORDER BY id"
    )
    .bind(user)
    .fetch_all(ex)
    .await)
    .unwrap()
}

#[tokio::test]
async fn every_transition_and_decision_notifies_the_affected_user() {
    let t = spawn_set_up_app().await;
    let (admin, svc, cara) = admin_service_and_cara(&t).await;
    let mut form = professional_form("ravi", svc);
    form.full_name = "Ravi Kumar".into();
    accounts::register_professional(&t, form).await.unwrap();
    let ravi = Actor {
        user_id: user_id(&t, "ravi").await,
        role: Role::Professional,
    };
    people::approve(&t, &admin, ravi.user_id).await.unwrap();

    // The visit is on 3 Dec.
    let when = Utc
        .with_ymd_and_hms(2026, 12, 3, 10, 0, 0)
        .unwrap()
        .to_rfc3339();
    let book = || BookingInput {
        service_id: svc,
        scheduled_for: when.clone(),
        address: None,
        pincode: None,
        remarks: String::new(),
    };
    let id = customer::book(&t, &cara, book()).await.unwrap();
    // Booked now, while 3 Dec is still ahead; the first is completed once the visit is due.
    let id2 = customer::book(&t, &cara, book()).await.unwrap();
    let id3 = customer::book(&t, &cara, book()).await.unwrap();
    professional::accept(&t, &ravi, id).await.unwrap();
    reach_visit(&t, id).await;
    professional::complete(
        &t,
        &ravi,
        id,
        with_code(&t, id).await,
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    customer::close(
        &t,
        &cara,
        id,
        Some(ReviewInput {
            rating: 5,
            comment: None,
        }),
        paid_in_cash(&t, id).await,
    )
    .await
    .unwrap();
    professional::accept(&t, &ravi, id2).await.unwrap();
    customer::cancel(&t, &cara, id2).await.unwrap();
    professional::accept(&t, &ravi, id3).await.unwrap();
    people::block(&t, &admin, ravi.user_id, "No-shows")
        .await
        .unwrap();

    assert_eq!(
        kinds(&t, cara.user_id).await,
        vec![
            "request.assigned",
            "request.completed",
            "request.assigned",
            "request.assigned",
            "request.reopened"
        ]
    );
    assert_eq!(
        kinds(&t, ravi.user_id).await,
        vec![
            "account.approved",
            "request.new",
            "request.new",
            "request.new",
            "request.closed",
            "request.cancelled",
            "account.blocked"
        ]
    );
    let body: String = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT body FROM notifications WHERE user_id = $1 ORDER BY id LIMIT 1"
    )
    .bind(cara.user_id)
    .fetch_one(ex)
    .await)
    .unwrap();
    // The customer's notification carries the completion code of the job.
    let code = household_core::store::requests::completion_code(&t.pool, id)
        .await
        .unwrap()
        .and_then(|(c, _, _)| c);
    assert!(code.is_none(), "the code is cleared once the job is done");
    let prefix = "Plumbing on 3 Dec accepted by Ravi K. — your completion code is ";
    assert!(body.starts_with(prefix), "{body}");
    let shown = &body[prefix.len()..prefix.len() + 6];
    assert!(shown.bytes().all(|b| b.is_ascii_digit()), "{body}");
    let closed: String = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT body FROM notifications WHERE kind = 'request.closed'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert!(closed.ends_with("(5★)"), "{closed}");
}

#[tokio::test]
async fn a_booking_notifies_the_professionals_who_can_take_it() {
    let t = spawn_set_up_app().await;
    let (admin, svc, cara) = admin_service_and_cara(&t).await;
    // Same service and PIN code: approved (told), pending (not yet), blocked (not);
    // approved elsewhere (not).
    let mut pros = Vec::new();
    for (name, pincode) in [
        ("ravi", "560001"),
        ("pending", "560001"),
        ("blocked", "560001"),
        ("faraway", "110001"),
    ] {
        let mut form = professional_form(name, svc);
        form.full_name = format!("{name} Pro");
        form.pincode = pincode.into();
        accounts::register_professional(&t, form).await.unwrap();
        pros.push(user_id(&t, name).await);
    }
    let [ravi, pending, blocked, faraway] = pros[..] else {
        unreachable!()
    };
    for id in [ravi, blocked, faraway] {
        people::approve(&t, &admin, id).await.unwrap();
    }
    people::block(&t, &admin, blocked, "No-shows")
        .await
        .unwrap();
    let before = |id| {
        let pool = t.pool.clone();
        async move {
            household_core::on!(&pool, |ex| sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM notifications WHERE user_id = $1"
            )
            .bind(id)
            .fetch_one(ex)
            .await)
            .unwrap()
        }
    };
    let counts = [
        before(pending).await,
        before(blocked).await,
        before(faraway).await,
    ];

    let when = Utc
        .with_ymd_and_hms(2026, 12, 5, 10, 0, 0)
        .unwrap()
        .to_rfc3339();
    let id = customer::book(
        &t,
        &cara,
        BookingInput {
            service_id: svc,
            scheduled_for: when,
            address: None,
            pincode: None,
            remarks: String::new(),
        },
    )
    .await
    .unwrap();

    let (kind, title, body, request): (String, String, String, Option<i64>) = household_core::on!(&t.pool, |ex| sqlx::query_as(
        "SELECT kind, title, body, request_id FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(ravi)
    .fetch_one(ex).await)
    .unwrap();
    assert_eq!(kind, notifications::NEW_REQUEST);
    assert_eq!(title, "New request near you");
    assert_eq!(body, "Plumbing on 5 Dec in PIN code 560001 for Customer c.");
    assert_eq!(request, Some(id));
    assert_eq!(
        [
            before(pending).await,
            before(blocked).await,
            before(faraway).await
        ],
        counts,
        "only the professionals who can take the request are told"
    );
    // It reaches the professional's desktop once, like any notification.
    let pro = Actor {
        user_id: ravi,
        role: Role::Professional,
    };
    let shown = notifications::take_for_os(&t, &pro).await.unwrap();
    assert!(
        shown.iter().any(|n| n.title == "New request near you"),
        "{shown:?}"
    );
    assert!(notifications::take_for_os(&t, &pro)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_failed_transition_writes_no_notification() {
    let t = spawn_set_up_app().await;
    let (admin, svc, cara) = admin_service_and_cara(&t).await;
    accounts::register_professional(&t, professional_form("ravi", svc))
        .await
        .unwrap();
    let ravi = Actor {
        user_id: user_id(&t, "ravi").await,
        role: Role::Professional,
    };
    people::approve(&t, &admin, ravi.user_id).await.unwrap();
    let id = customer::book(
        &t,
        &cara,
        BookingInput {
            service_id: svc,
            scheduled_for: (t.clock.now() + Duration::days(1)).to_rfc3339(),
            address: None,
            pincode: None,
            remarks: String::new(),
        },
    )
    .await
    .unwrap();
    assert!(professional::complete(
        &t,
        &ravi,
        id,
        with_code(&t, id).await,
        t.clock.local_offset()
    )
    .await
    .is_err());
    assert!(customer::close(
        &t,
        &cara,
        id,
        Some(ReviewInput {
            rating: 5,
            comment: None
        }),
        paid_in_cash(&t, id).await
    )
    .await
    .is_err());
    // Only the booking's own news for the professional: the failed steps added nothing.
    let count: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE request_id = $1 AND kind <> $2",
    )
    .bind(id)
    .bind(notifications::NEW_REQUEST)
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn centre_read_marks_and_os_delivery_without_floods_or_repeats() {
    let t = spawn_set_up_app().await;
    let cara = Actor {
        user_id: registered_customer(&t, "cara").await.user_id,
        role: Role::Customer,
    };
    for i in 0..5 {
        household_core::store::notifications::insert(
            &t.pool,
            cara.user_id,
            "test",
            &format!("T{i}"),
            &format!("B{i}"),
            None,
            ts("2026-11-21T09:00:00Z"),
        )
        .await
        .unwrap();
    }
    // Away for a while: five waiting become one summary, then nothing is shown twice.
    let os = notifications::take_for_os(&t, &cara).await.unwrap();
    assert_eq!(os.len(), 1);
    assert_eq!(os[0].title, "5 new notifications");
    assert!(os[0].body.contains("B4"));
    assert!(notifications::take_for_os(&t, &cara)
        .await
        .unwrap()
        .is_empty());
    household_core::store::notifications::insert(
        &t.pool,
        cara.user_id,
        "test",
        "One",
        "Just one",
        None,
        ts("2026-11-21T09:00:00Z"),
    )
    .await
    .unwrap();
    let os = notifications::take_for_os(&t, &cara).await.unwrap();
    assert_eq!(
        os.iter().map(|o| o.body.as_str()).collect::<Vec<_>>(),
        vec!["Just one"]
    );

    let centre = notifications::centre(&t, &cara).await.unwrap();
    assert_eq!((centre.unread, centre.items.len()), (6, 6));
    notifications::mark_read(&t, &cara, Some(centre.items[0].id))
        .await
        .unwrap();
    assert_eq!(notifications::centre(&t, &cara).await.unwrap().unread, 5);
    // Someone else's id changes nothing.
    let other = Actor {
        user_id: registered_customer(&t, "olga").await.user_id,
        role: Role::Customer,
    };
    notifications::mark_read(&t, &other, Some(centre.items[1].id))
        .await
        .unwrap();
    assert_eq!(notifications::centre(&t, &cara).await.unwrap().unread, 5);
    notifications::mark_read(&t, &cara, None).await.unwrap();
    assert_eq!(notifications::centre(&t, &cara).await.unwrap().unread, 0);
    assert_eq!(short_name("Ravi Kumar"), "Ravi K.");
    assert_eq!(short_name("Madonna"), "Madonna");
}
