//! Scheduled reports and reminders: due periods, catch-up, never twice (restart, two
//! instances), and the content of a monthly report for a known data set.

use crate::common::*;
use chrono::{Duration, NaiveTime, TimeZone, Utc};
use household_core::admin::people;
use household_core::clock::Clock;
use household_core::customer::{self, BookingInput, ReviewInput};
use household_core::domain::{Role, RunStatus};
use household_core::scheduler::{due_period, run_due, Job, Schedule};
use household_core::{accounts, professional, store, Actor, App};

fn ist() -> Schedule {
    Schedule {
        offset: chrono::FixedOffset::east_opt(5 * 3600 + 1800).unwrap(),
        reminder_time: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
    }
}

async fn emails(t: &TestApp) -> Vec<(String, String, String)> {
    household_core::on!(&t.pool, |ex| sqlx::query_as(
        "SELECT to_address, subject, text_body FROM email_queue ORDER BY id"
    )
    .fetch_all(ex)
    .await)
    .unwrap()
}

#[test]
fn due_periods_follow_local_time() {
    let s = ist();
    // 1 Dec 00:30 in India is still 30 Nov in UTC: the November reports are due.
    let t = Utc.with_ymd_and_hms(2026, 11, 30, 19, 0, 0).unwrap();
    assert_eq!(due_period(Job::ProfessionalMonthlyReport, t, &s), "2026-11");
    assert_eq!(
        due_period(Job::ProfessionalMonthlyReport, t - Duration::hours(1), &s),
        "2026-10"
    );
    // 17:59 local: today's reminder is not due yet; yesterday's is the latest.
    let before = Utc.with_ymd_and_hms(2026, 11, 21, 12, 29, 0).unwrap();
    assert_eq!(due_period(Job::DailyReminder, before, &s), "2026-11-20");
    assert_eq!(
        due_period(Job::DailyReminder, before + Duration::minutes(1), &s),
        "2026-11-21"
    );
}

/// Cara books plumbing in October; Ravi completes it; Cara closes it with 4 stars.
async fn october_job(t: &TestApp) -> (Actor, Actor) {
    let admin = Actor {
        user_id: user_id(t, "admin").await,
        role: Role::Admin,
    };
    let svc = a_service(t).await;
    let cara = Actor {
        user_id: registered_customer(t, "cara").await.user_id,
        role: Role::Customer,
    };
    let mut f = professional_form("ravi", svc);
    f.full_name = "Ravi Kumar".into();
    accounts::register_professional(t, f).await.unwrap();
    let ravi = Actor {
        user_id: user_id(t, "ravi").await,
        role: Role::Professional,
    };
    people::approve(t, &admin, ravi.user_id).await.unwrap();
    let id = customer::book(
        t,
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
    professional::accept(t, &ravi, id).await.unwrap();
    t.clock.advance(Duration::days(1));
    professional::complete(t, &ravi, id, with_code(t, id).await, t.clock.local_offset())
        .await
        .unwrap();
    customer::close(
        t,
        &cara,
        id,
        Some(ReviewInput {
            rating: 4,
            comment: None,
        }),
        paid_in_cash(t, id).await,
    )
    .await
    .unwrap();
    (cara, ravi)
}

#[tokio::test]
async fn monthly_reports_catch_up_once_and_never_twice() {
    let t = spawn_set_up_app().await; // the clock starts on 21 Nov 2026
    t.clock.advance(Duration::days(-40)); // back to 12 Oct
    october_job(&t).await;
    registered_customer(&t, "olga").await;
    // The catalogue price rises after the job: the report keeps the price it was booked at.
    household_core::on!(&t.pool, |ex| sqlx::query(
        "UPDATE services SET base_price_minor = 99900"
    )
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    // The app is closed over the 1st of November and opened again on 3 November at 10:00.
    let now = t.clock.now();
    t.clock
        .advance(Utc.with_ymd_and_hms(2026, 11, 3, 4, 30, 0).unwrap() - now);
    let runs = run_due(&t, &ist()).await.unwrap();
    let names: Vec<_> = runs
        .iter()
        .map(|r| (r.job, r.period.as_str(), r.status))
        .collect();
    assert!(
        names.contains(&(
            Job::ProfessionalMonthlyReport,
            "2026-10",
            RunStatus::Succeeded
        )),
        "{names:?}"
    );
    assert!(
        names.contains(&(Job::CustomerMonthlyReport, "2026-10", RunStatus::Succeeded)),
        "{names:?}"
    );
    let mail = emails(&t).await;
    let pro: Vec<_> = mail
        .iter()
        .filter(|m| m.0 == "ravi@example.com" && m.1 == "Your jobs in 2026-10")
        .collect();
    assert_eq!(pro.len(), 1);
    let body = &pro[0].2;
    assert!(
        body.contains("Your jobs completed in 2026-10: 1. Average rating: 4.0."),
        "{body}"
    );
    assert!(body.contains("Plumbing  PIN 560001  4/5"), "{body}");
    // Every active customer gets the report; one with no activity is told so.
    let quiet: Vec<_> = mail.iter().filter(|m| m.0 == "olga@example.com").collect();
    assert_eq!(quiet.len(), 1);
    assert!(
        quiet[0].2.contains("You made no requests in 2026-10"),
        "{}",
        quiet[0].2
    );
    let cust: Vec<_> = mail.iter().filter(|m| m.0 == "cara@example.com").collect();
    assert_eq!(cust.len(), 1);
    assert!(
        cust[0].2.contains("requests made: 1")
            && cust[0].2.contains("closed: 1")
            && cust[0].2.contains("spending at base prices: 499.00"),
        "{}",
        cust[0].2
    );

    // Running again, later that day, or after a restart of the app: nothing new.
    assert!(run_due(&t, &ist())
        .await
        .unwrap()
        .iter()
        .all(|r| r.job == Job::DailyReminder));
    let before = emails(&t).await.len();
    let config = t.config_again();
    let restarted = App::open(config).await.unwrap();
    assert!(run_due(&restarted, &ist()).await.unwrap().is_empty());
    assert_eq!(emails(&t).await.len(), before);
    let monthly: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM job_runs WHERE job LIKE '%monthly%'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(monthly, 2);
}

#[tokio::test]
async fn two_instances_on_one_database_run_each_period_once() {
    let t = spawn_set_up_app().await;
    october_job(&t).await;
    let config = t.config_again();
    let second = App::open(config).await.unwrap();
    let s = ist();
    let (a, b) = tokio::join!(run_due(&t, &s), run_due(&second, &s));
    let total = a.unwrap().len() + b.unwrap().len();
    assert_eq!(total, 3, "each of the three jobs ran exactly once");
    let keys: Vec<String> = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT dedupe_key FROM email_queue"
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(keys.len(), unique.len());
}

#[tokio::test]
async fn the_daily_reminder_goes_to_professionals_with_waiting_work() {
    let t = spawn_set_up_app().await;
    let (admin, svc, cara) = admin_service_and_cara(&t).await;
    accounts::register_professional(&t, professional_form("ravi", svc))
        .await
        .unwrap();
    people::approve(&t, &admin, user_id(&t, "ravi").await)
        .await
        .unwrap();
    let mut idle = professional_form("idle", svc);
    idle.pincode = "110001".into();
    accounts::register_professional(&t, idle).await.unwrap();
    people::approve(&t, &admin, user_id(&t, "idle").await)
        .await
        .unwrap();
    customer::book(
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
    run_due(&t, &ist()).await.unwrap();
    let reminders: Vec<_> = emails(&t)
        .await
        .into_iter()
        .filter(|m| m.1 == "Requests are waiting for you")
        .collect();
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].0, "ravi@example.com");
    assert!(
        reminders[0].2.contains("1 open request(s) in your area"),
        "{}",
        reminders[0].2
    );
    let runs = store::jobs::list(&t.pool, 10).await.unwrap();
    assert!(runs
        .iter()
        .any(|r| r.job == Job::DailyReminder && r.emails == 1));
}
