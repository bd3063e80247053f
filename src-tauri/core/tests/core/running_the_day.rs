//! Issue #15: availability and the one-job-per-slot rule, offered slots, the dispatch board,
//! verified completion, expiring requests, receipts and complaints.

use crate::common::*;
use chrono::Duration;
use household_core::admin::people;
use household_core::availability::{self, AvailabilityInput, DayHours, SlotQuery};
use household_core::clock::Clock;
use household_core::complaints::{self, ComplaintInput};
use household_core::customer::{self, BookingInput};
use household_core::domain::{RequestStatus, Role};
use household_core::professional::{self, Completion};
use household_core::receipts::{Payment, PaymentMethod};
use household_core::store::receipts::ReceiptLine;
use household_core::{accounts, dispatch, expiry, store, Actor, ErrorCode};
use std::sync::Arc;

const PIN: &str = "560001";

fn feed_page() -> professional::FeedQuery {
    professional::FeedQuery {
        page: 1,
        per_page: 20,
    }
}

struct Day {
    t: TestApp,
    admin: Actor,
    service: i64,
    cara: Actor,
    ravi: Actor,
    raj: Actor,
}

async fn pro(t: &TestApp, admin: &Actor, name: &str, service: i64) -> Actor {
    accounts::register_professional(t, professional_form(name, service))
        .await
        .unwrap();
    let id = user_id(t, name).await;
    people::approve(t, admin, id).await.unwrap();
    Actor {
        user_id: id,
        role: Role::Professional,
    }
}

async fn day() -> Day {
    let t = spawn_set_up_app().await;
    let admin = Actor {
        user_id: user_id(&t, "admin").await,
        role: Role::Admin,
    };
    let service = a_service(&t).await; // 60 minutes
    let cara = Actor {
        user_id: registered_customer(&t, "cara").await.user_id,
        role: Role::Customer,
    };
    let ravi = pro(&t, &admin, "ravi", service).await;
    let raj = pro(&t, &admin, "raj", service).await;
    Day {
        t,
        admin,
        service,
        cara,
        ravi,
        raj,
    }
}

fn hours(days: &[(u8, &str, &str)], off: &[&str]) -> AvailabilityInput {
    AvailabilityInput {
        days: days
            .iter()
            .map(|(w, s, e)| DayHours {
                weekday: *w,
                start: (*s).into(),
                end: (*e).into(),
            })
            .collect(),
        days_off: off.iter().map(|d| (*d).to_string()).collect(),
    }
}

async fn book_at(d: &Day, at: &str) -> Result<i64, household_core::AppError> {
    customer::book(
        &d.t,
        &d.cara,
        BookingInput {
            service_id: d.service,
            scheduled_for: at.into(),
            address: None,
            pincode: None,
            remarks: String::new(),
        },
    )
    .await
}

/// Thursday 3 Dec 2026 (the clock starts on Saturday 21 Nov, 09:00 UTC; offset UTC).
const THU_10: &str = "2026-12-03T10:00:00Z";
const THU_1030: &str = "2026-12-03T10:30:00Z";
const THU_11: &str = "2026-12-03T11:00:00Z";

#[tokio::test]
async fn a_professional_holds_one_job_per_slot() {
    let d = day().await;
    let a = book_at(&d, THU_10).await.unwrap();
    let b = book_at(&d, THU_1030).await.unwrap();
    let c = book_at(&d, THU_11).await.unwrap();
    professional::accept(&d.t, &d.ravi, a).await.unwrap();
    // 10:30 overlaps 10:00-11:00: refused, and the request stays open for others.
    let err = professional::accept(&d.t, &d.ravi, b).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert!(err.to_string().contains("already have a job"), "{err}");
    let st = store::requests::state(&d.t.pool, b).await.unwrap().unwrap();
    assert_eq!(st.status, RequestStatus::Requested);
    // Back to back is fine; another professional can take the overlapping one.
    professional::accept(&d.t, &d.ravi, c).await.unwrap();
    professional::accept(&d.t, &d.raj, b).await.unwrap();
    // With both of them busy at 10:30, that time is no longer offered or bookable.
    let err = book_at(&d, THU_1030).await.unwrap_err();
    assert_eq!(err.fields(), ["scheduled_for"]);
    // The feed shows Ravi only what he can take: not a request overlapping his jobs.
    // 11:30 suits Raj (free from 11:30) but overlaps Ravi's 11:00 job.
    let noon = book_at(&d, "2026-12-03T11:30:00Z").await.unwrap();
    let later = book_at(&d, "2026-12-03T13:00:00Z").await.unwrap();
    let feed = professional::feed(&d.t, &d.ravi, feed_page())
        .await
        .unwrap();
    let ids: Vec<i64> = feed.items.iter().map(|i| i.id).collect();
    assert_eq!(ids, [later]);
    let feed = professional::feed(&d.t, &d.raj, feed_page()).await.unwrap();
    let ids: Vec<i64> = feed.items.iter().map(|i| i.id).collect();
    assert_eq!(ids, [noon, later]);
}

#[tokio::test]
async fn offered_slots_follow_hours_days_off_and_jobs() {
    let d = day().await;
    // Ravi works Thursdays 09:00-12:00 only; Raj takes 3 Dec off (and works the default week).
    availability::save_own(&d.t, &d.ravi, hours(&[(3, "09:00", "12:00")], &[]))
        .await
        .unwrap();
    availability::save_own(
        &d.t,
        &d.raj,
        hours(
            &[(0, "08:00", "20:00"), (3, "08:00", "20:00")],
            &["2026-12-03"],
        ),
    )
    .await
    .unwrap();
    let q = |from: &str| SlotQuery {
        service_id: d.service,
        pincode: None,
        from_day: from.into(),
        days: 1,
    };
    let thu = availability::slots_for_customer(&d.t, &d.cara, q("2026-12-03"))
        .await
        .unwrap();
    let times: Vec<String> = thu[0].slots.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        times,
        [
            "2026-12-03T09:00:00Z",
            "2026-12-03T09:30:00Z",
            "2026-12-03T10:00:00Z",
            "2026-12-03T10:30:00Z",
            "2026-12-03T11:00:00Z"
        ]
    );
    // Booking outside every offered time is refused with the field named; inside works.
    let err = book_at(&d, "2026-12-03T15:00:00Z").await.unwrap_err();
    assert_eq!(err.fields(), ["scheduled_for"]);
    let id = book_at(&d, THU_10).await.unwrap();
    professional::accept(&d.t, &d.ravi, id).await.unwrap();
    let thu = availability::slots_for_customer(&d.t, &d.cara, q("2026-12-03"))
        .await
        .unwrap();
    let times: Vec<String> = thu[0].slots.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        times,
        ["2026-12-03T09:00:00Z", "2026-12-03T11:00:00Z"],
        "09:30 and 10:30 overlap the 10:00 job"
    );
    // Friday: Ravi does not work, Raj does not work Fridays either -> nothing offered.
    let fri = availability::slots_for_customer(&d.t, &d.cara, q("2026-12-04"))
        .await
        .unwrap();
    assert!(fri[0].slots.is_empty());
    // Bad input is named.
    let err = availability::save_own(&d.t, &d.ravi, hours(&[], &["soon"]))
        .await
        .unwrap_err();
    assert_eq!(err.fields(), ["days", "days_off"]);
    // A customer cannot set hours; an admin can, audited.
    assert_eq!(
        availability::save_own(&d.t, &d.cara, hours(&[(0, "09:00", "10:00")], &[]))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let a = availability::save_for_professional(
        &d.t,
        &d.admin,
        d.ravi.user_id,
        hours(&[(4, "09:00", "17:00")], &[]),
    )
    .await
    .unwrap();
    assert_eq!(a.days.len(), 1);
    assert!(!a.is_default);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_dispatching_at_once_have_one_winner() {
    let d = day().await;
    let id = book_at(&d, THU_10).await.unwrap();
    let board = dispatch::board(
        &d.t,
        &d.admin,
        dispatch::BoardQuery {
            day: "2026-12-03".into(),
            service_id: d.service,
            pincode: Some(PIN.into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(board.columns.len(), 2);
    assert_eq!(board.open.len(), 1);
    assert_eq!(board.open[0].free_professionals.len(), 2);
    // Two admins' desktops assign at the same moment (there is one admin account; what is
    // raced is the two writes).
    let app = d.t.app.clone();
    let (a1, a2) = (d.admin, d.admin);
    let (ravi, raj) = (d.ravi.user_id, d.raj.user_id);
    let one = tokio::spawn({
        let app = app.clone();
        async move { dispatch::assign(&app, &a1, id, ravi).await }
    });
    let two = tokio::spawn({
        let app = app.clone();
        async move { dispatch::assign(&app, &a2, id, raj).await }
    });
    let results = [one.await.unwrap(), two.await.unwrap()];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert_eq!(loser.code(), ErrorCode::Conflict);
    // Both the professional and the customer were told; the customer's carries the code.
    let st = store::requests::state(&d.t.pool, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(st.status, RequestStatus::Assigned);
    let winner = st.professional_id.unwrap();
    let kinds = |user: i64| {
        let app = app.clone();
        async move {
            household_core::notifications::centre(
                &app,
                &Actor {
                    user_id: user,
                    role: Role::Customer,
                },
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|n| (n.kind, n.body))
            .collect::<Vec<_>>()
        }
    };
    let to_customer = kinds(d.cara.user_id).await;
    assert!(
        to_customer
            .iter()
            .any(|(k, b)| k == "request.assigned" && b.contains("completion code")),
        "{to_customer:?}"
    );
    let to_pro = kinds(winner).await;
    assert!(
        to_pro.iter().any(|(k, _)| k == "request.assigned"),
        "{to_pro:?}"
    );
    // A busy professional cannot be given an overlapping request.
    let other = book_at(&d, THU_1030).await.unwrap();
    let err = dispatch::assign(&d.t, &d.admin, other, winner)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    // Only admins dispatch.
    let err = dispatch::assign(&d.t, &d.cara, other, winner)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
}

#[tokio::test]
async fn completion_needs_the_customers_code_and_is_throttled() {
    let d = day().await;
    let id = book_at(&d, THU_10).await.unwrap();
    professional::accept(&d.t, &d.ravi, id).await.unwrap();
    let detail = customer::request_detail(&d.t, &d.cara, id).await.unwrap();
    let code = detail
        .completion_code
        .clone()
        .expect("the customer sees the code");
    assert_eq!(code.len(), 6);
    reach_visit(&d.t, id).await;
    let off = d.t.clock.local_offset();
    let wrong = |n: u32| Completion {
        code: format!("{:06}", (code.parse::<u32>().unwrap() + n) % 1_000_000),
        note: None,
        extras: vec![],
    };
    for n in 1..=4 {
        let err = professional::complete(&d.t, &d.ravi, id, wrong(n), off)
            .await
            .unwrap_err();
        assert_eq!(err.fields(), ["code"], "{err}");
    }
    let err = professional::complete(&d.t, &d.ravi, id, wrong(5), off)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Locked);
    // Locked: even the right code waits.
    let right = Completion {
        code: code.clone(),
        note: None,
        extras: vec![],
    };
    let err = professional::complete(&d.t, &d.ravi, id, right.clone(), off)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Locked);
    d.t.clock.advance(Duration::minutes(16));
    professional::complete(&d.t, &d.ravi, id, right, off)
        .await
        .unwrap();
    let st = store::requests::state(&d.t.pool, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(st.status, RequestStatus::Completed);

    // The office completes another job without the code, with a reason, audited.
    let other = book_at(&d, "2026-12-04T10:00:00Z").await.unwrap();
    professional::accept(&d.t, &d.raj, other).await.unwrap();
    let err = dispatch::complete_without_code(&d.t, &d.admin, other, " ")
        .await
        .unwrap_err();
    assert_eq!(err.fields(), ["reason"]);
    dispatch::complete_without_code(&d.t, &d.admin, other, "Customer phoned: job done")
        .await
        .unwrap();
    let st = store::requests::state(&d.t.pool, other)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(st.status, RequestStatus::Completed);
    let audit = store::audit::entries_for(&d.t.pool, "request", other)
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "request.completed_without_code"),
        "{audit:?}"
    );
}

#[tokio::test]
async fn open_requests_expire_once_across_two_instances() {
    let d = day().await;
    let id = book_at(&d, THU_10).await.unwrap();
    let taken = book_at(&d, THU_11).await.unwrap();
    professional::accept(&d.t, &d.ravi, taken).await.unwrap();
    // Nothing is due yet.
    assert_eq!(expiry::run_due(&d.t).await.unwrap(), 0);
    reach_visit(&d.t, id).await;
    d.t.clock.advance(Duration::hours(2));
    // A second instance of the business on the same database sweeps at the same moment.
    let second = Arc::new(household_core::App::open(d.t.config_again()).await.unwrap());
    let (a, b) = tokio::join!(expiry::run_due(&d.t), expiry::run_due(&second));
    assert_eq!(a.unwrap() + b.unwrap(), 1, "expired exactly once");
    assert_eq!(expiry::run_due(&d.t).await.unwrap(), 0);
    let st = store::requests::state(&d.t.pool, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(st.status, RequestStatus::Expired);
    let st = store::requests::state(&d.t.pool, taken)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        st.status,
        RequestStatus::Assigned,
        "a taken job does not expire"
    );
    let history = store::requests::history(&d.t.pool, id).await.unwrap();
    assert_eq!(
        history
            .iter()
            .filter(|e| e.to_status == RequestStatus::Expired)
            .count(),
        1
    );
    let centre = household_core::notifications::centre(&d.t, &d.cara)
        .await
        .unwrap();
    let expired: Vec<_> = centre
        .items
        .iter()
        .filter(|n| n.kind == "request.expired")
        .collect();
    assert_eq!(expired.len(), 1);
    assert!(
        expired[0].body.contains("free times include"),
        "{}",
        expired[0].body
    );
    // An expired request is final.
    assert_eq!(
        customer::cancel(&d.t, &d.cara, id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
    second.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn receipts_add_up_and_are_numbered_without_gaps() {
    let d = day().await;
    household_core::settings::save(
        &d.t,
        &d.admin,
        household_core::settings::BusinessSettings {
            business_name: "Sharma Home Services".into(),
            business_address: "12 MG Road, Bengaluru".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for n in 0..6 {
        let at = format!("2026-12-03T{:02}:00:00Z", 8 + n);
        let id = book_at(&d, &at).await.unwrap();
        professional::accept(&d.t, &d.ravi, id).await.unwrap();
        ids.push(id);
    }
    d.t.clock.advance(Duration::days(13));
    let off = d.t.clock.local_offset();
    for (k, id) in ids.iter().enumerate() {
        let extras = if k == 0 {
            vec![
                ReceiptLine {
                    description: "Washer".into(),
                    amount_minor: 4_000,
                },
                ReceiptLine {
                    description: "Extra 30 minutes".into(),
                    amount_minor: 20_000,
                },
            ]
        } else {
            vec![]
        };
        let input = Completion {
            extras,
            ..with_code(&d.t, *id).await
        };
        professional::complete(&d.t, &d.ravi, *id, input, off)
            .await
            .unwrap();
    }
    // The bill: 499.00 + 40.00 + 200.00. A stale total is refused; the right one closes.
    let bill = household_core::receipts::bill_for(&d.t, &d.cara, ids[0])
        .await
        .unwrap();
    assert_eq!(bill.total_minor, 49_900 + 4_000 + 20_000);
    let stale = Payment {
        method: PaymentMethod::Cash,
        reference: String::new(),
        accepted_total_minor: 49_900,
    };
    let err = customer::close(&d.t, &d.cara, ids[0], None, stale)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    let upi_without_ref = Payment {
        method: PaymentMethod::Upi,
        reference: " ".into(),
        accepted_total_minor: bill.total_minor,
    };
    assert_eq!(
        customer::close(&d.t, &d.cara, ids[0], None, upi_without_ref)
            .await
            .unwrap_err()
            .fields(),
        ["reference"]
    );
    // Six closings at once: numbers 1..=6, each once.
    let mut tasks = Vec::new();
    for id in ids.clone() {
        let app = d.t.app.clone();
        let cara = d.cara;
        let pay = paid_in_cash(&d.t, id).await;
        tasks.push(tokio::spawn(async move {
            customer::close(&app, &cara, id, None, pay).await
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap().unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    let r = household_core::receipts::get(&d.t, &d.cara, ids[0])
        .await
        .unwrap();
    assert_eq!(r.business_name, "Sharma Home Services");
    assert_eq!(r.business_address, "12 MG Road, Bengaluru");
    assert_eq!(r.lines.len(), 3);
    assert_eq!(
        r.lines.iter().map(|l| l.amount_minor).sum::<i64>(),
        r.total_minor
    );
    assert_eq!(r.total_minor, 73_900);
    // The receipts export: one row per receipt, by number, money as decimals.
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("receipts.csv");
    let job = household_core::exports::start(
        &d.t,
        &d.admin,
        household_core::exports::ExportKind::Receipts,
        Default::default(),
        target.clone(),
        off,
    )
    .await
    .unwrap();
    for _ in 0..600 {
        let row = household_core::exports::get(&d.t, &d.admin, job)
            .await
            .unwrap();
        if !row.status.is_active() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let csv = std::fs::read_to_string(&target).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 7, "{csv}");
    assert_eq!(lines[0], "receipt_number,request_id,issued_at,business_name,customer,professional,service,visit_at,base_price,extras,total,payment_method,payment_reference");
    let first = lines
        .iter()
        .find(|l| l.contains(",739.00,"))
        .expect("the receipt with extras");
    assert!(first.ends_with(",499.00,240.00,739.00,cash,"), "{first}");
    assert!(
        first.contains("Sharma Home Services,Customer cara,Pro ravi,Plumbing"),
        "{first}"
    );
    // Only its customer, its professional and admins see it.
    household_core::receipts::get(&d.t, &d.ravi, ids[0])
        .await
        .unwrap();
    household_core::receipts::get(&d.t, &d.admin, ids[0])
        .await
        .unwrap();
    assert_eq!(
        household_core::receipts::get(&d.t, &d.raj, ids[0])
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}

#[tokio::test]
async fn complaints_are_raised_by_the_customer_and_resolved_by_admins() {
    let d = day().await;
    let id = book_at(&d, THU_10).await.unwrap();
    professional::accept(&d.t, &d.ravi, id).await.unwrap();
    let input = ComplaintInput {
        category: "damage".into(),
        body: "The tap leaks again.".into(),
        photo: None,
    };
    // Not before it is closed.
    let err = complaints::raise(&d.t, &d.cara, id, input.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    reach_visit(&d.t, id).await;
    professional::complete(
        &d.t,
        &d.ravi,
        id,
        with_code(&d.t, id).await,
        d.t.clock.local_offset(),
    )
    .await
    .unwrap();
    customer::close(&d.t, &d.cara, id, None, paid_in_cash(&d.t, id).await)
        .await
        .unwrap();
    // Only its customer raises; bad input is named.
    let olga = Actor {
        user_id: registered_customer(&d.t, "olga").await.user_id,
        role: Role::Customer,
    };
    assert_eq!(
        complaints::raise(&d.t, &olga, id, input.clone())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        complaints::raise(&d.t, &d.ravi, id, input.clone())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let bad = ComplaintInput {
        category: "weather".into(),
        body: " ".into(),
        photo: None,
    };
    assert_eq!(
        complaints::raise(&d.t, &d.cara, id, bad)
            .await
            .unwrap_err()
            .fields(),
        ["category", "body"]
    );
    let with_photo = ComplaintInput {
        photo: Some(pdf_upload()),
        ..input.clone()
    };
    let cid = complaints::raise(&d.t, &d.cara, id, with_photo)
        .await
        .unwrap();
    // Only admins list and resolve.
    assert_eq!(
        complaints::list(&d.t, &d.cara, true)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    assert_eq!(
        complaints::resolve(&d.t, &d.ravi, cid, "x")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let open = complaints::list(&d.t, &d.admin, true).await.unwrap();
    assert_eq!(open.len(), 1);
    assert!(open[0].has_photo);
    assert_eq!(open[0].professional_id, Some(d.ravi.user_id));
    let detail = complaints::detail(&d.t, &d.admin, cid).await.unwrap();
    assert!(detail.request.history.len() >= 4);
    complaints::photo(&d.t, &d.admin, cid).await.unwrap();
    // The professional's admin record and the people filter count it while it is open.
    let flagged = people::list(
        &d.t,
        &d.admin,
        people::PeopleQuery {
            open_complaints: true,
            page: 1,
            per_page: 20,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        flagged.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [d.ravi.user_id]
    );
    let record = people::detail(&d.t, &d.admin, d.ravi.user_id)
        .await
        .unwrap();
    assert_eq!(
        (
            record.person.complaint_count,
            record.person.open_complaint_count
        ),
        (1, 1)
    );
    complaints::resolve(&d.t, &d.admin, cid, "Plumber revisits free of charge")
        .await
        .unwrap();
    assert_eq!(
        complaints::resolve(&d.t, &d.admin, cid, "again")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
    assert!(complaints::list(&d.t, &d.admin, true)
        .await
        .unwrap()
        .is_empty());
    let centre = household_core::notifications::centre(&d.t, &d.cara)
        .await
        .unwrap();
    assert!(centre
        .items
        .iter()
        .any(|n| n.kind == "complaint.resolved" && n.body.contains("revisits")));
    let counts = store::complaints::counts_for_professional(&d.t.pool, d.ravi.user_id)
        .await
        .unwrap();
    assert_eq!(counts, (1, 0));
}
