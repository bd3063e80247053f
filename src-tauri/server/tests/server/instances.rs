//! Two server instances on one PostgreSQL database serve one business: a race between them
//! has one winner, a change made through one is pushed to desktops on the other, and
//! scheduled work runs once. (SQLite is owned by one process: these run on PostgreSQL.)

use crate::common::*;
use crate::live::{book, next_messages, stream};
use household_core::live::LiveEvent;
use serde_json::json;
use std::sync::Arc;

/// `true` when this run has PostgreSQL behind the servers (else the test says why it stops).
fn two_instances_possible() -> bool {
    let on = household_core::db::testing::on_postgres();
    if !on {
        eprintln!("several instances share PostgreSQL only: run with HS_TEST_ENGINE=postgres");
    }
    on
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_accepts_over_two_instances_have_exactly_one_winner() {
    if !two_instances_possible() {
        return;
    }
    let w = world().await;
    let other = Arc::new(second_instance(&w.t).await);
    let first = Arc::new(w.t);
    let id = book(&first, &w.customer, w.service_id).await;
    // Both professionals race, 25 attempts each, half through each instance.
    let start = Arc::new(tokio::sync::Barrier::new(50));
    let mut tasks = Vec::new();
    for i in 0..50 {
        let server = if i % 2 == 0 {
            first.clone()
        } else {
            other.clone()
        };
        let token = if i % 4 < 2 {
            w.pro.clone()
        } else {
            w.other_pro.clone()
        };
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let r = server
                .call("professional_accept", Some(&token), json!({ "id": id }))
                .await;
            (token, r)
        }));
    }
    let mut winners = std::collections::BTreeSet::new();
    for t in tasks {
        let (token, r) = t.await.unwrap();
        match r {
            Ok(_) => {
                winners.insert(token);
            }
            Err(e) => assert_eq!(
                e.code,
                household_core::ErrorCode::Conflict,
                "a loser is told of the conflict: {e:?}"
            ),
        }
    }
    // The winner's own later attempts may be answered "yours already"; the other
    // professional never gets it.
    assert_eq!(winners.len(), 1, "exactly one professional wins");
    // Both instances see the one assignment at once.
    for server in [&first, &other] {
        let detail = server
            .call(
                "customer_request_detail",
                Some(&w.customer),
                json!({ "id": id }),
            )
            .await
            .unwrap();
        assert_eq!(detail["request"]["status"], "assigned", "{detail}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_through_one_instance_is_pushed_to_a_desktop_on_the_other() {
    if !two_instances_possible() {
        return;
    }
    let w = world().await;
    let other = second_instance(&w.t).await;
    let mut pro_on_other = stream(&other, &w.pro, None).await;
    let id = book(&w.t, &w.customer, w.service_id).await;
    let got = next_messages(&mut pro_on_other, 2).await;
    assert_eq!(
        got.into_iter().map(|m| m.event).collect::<Vec<_>>(),
        vec![
            LiveEvent::Notifications,
            LiveEvent::Request { request_id: id }
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn scheduled_work_due_on_both_instances_at_once_runs_once() {
    if !two_instances_possible() {
        return;
    }
    let w = world().await;
    let other = second_instance(&w.t).await;
    // A job is waiting for the professionals: the daily reminder (and last month's reports)
    // are due on both instances at the same moment. The day is tomorrow's (14 h ahead of
    // UTC): the servers' own schedulers run today's on their own, at any time of day.
    book(&w.t, &w.customer, w.service_id).await;
    let due_now = household_core::scheduler::Schedule {
        offset: chrono::FixedOffset::east_opt(14 * 3600).unwrap(),
        reminder_time: chrono::NaiveTime::MIN,
    };
    let (a, b) = tokio::join!(
        household_core::scheduler::run_due(&w.t.server.core, &due_now),
        household_core::scheduler::run_due(&other.server.core, &due_now),
    );
    let runs: Vec<_> = a.unwrap().into_iter().chain(b.unwrap()).collect();
    for job in household_core::scheduler::Job::ALL {
        assert!(
            runs.iter().filter(|r| r.job == job).count() <= 1,
            "{job:?} ran on both instances: {runs:?}"
        );
    }
    let reminders: Vec<_> = runs
        .iter()
        .filter(|r| r.job == household_core::scheduler::Job::DailyReminder)
        .collect();
    assert_eq!(reminders.len(), 1, "the reminder was due once: {runs:?}");
    // Its one run emailed each of the two professionals with waiting work once.
    assert_eq!(reminders[0].emails, 2, "{:?}", reminders[0]);
    let runs_of_period: i64 = household_core::on!(&w.t.server.core.pool, |ex| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM job_runs WHERE job = 'daily_reminder' AND period = $1",
        )
        .bind(&reminders[0].period)
        .fetch_one(ex)
        .await
    })
    .unwrap();
    assert_eq!(runs_of_period, 1);
}
