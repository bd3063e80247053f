//! Customer and professional workflows and the request lifecycle.

use crate::common::*;
use chrono::Duration;
use household_core::admin::people;
use household_core::admin::requests as oversight;
use household_core::clock::Clock;
use household_core::customer::{
    self, BookingInput, MyRequestsQuery, RequestEdit, RequestScope, ReviewInput, ServiceSearch,
    ServiceSort,
};
use household_core::domain::{RequestStatus, Role, VerificationStatus};
use household_core::lifecycle::{self, Action};
use household_core::professional::{self, FeedQuery, JobsQuery};
use household_core::{accounts, store, Actor, AppError, ErrorCode};
use std::sync::Arc;

const PIN: &str = "560001";

struct World {
    t: TestApp,
    admin: Actor,
    service: i64,
    customer: Actor,
    other_customer: Actor,
    pro: Actor,
    rival: Actor,
    elsewhere: Actor,
    /// Bookings made so far by `book` (each gets the next free hour).
    booked: std::sync::atomic::AtomicI64,
}

async fn approved_pro(
    t: &TestApp,
    admin: &Actor,
    username: &str,
    service: i64,
    pincode: &str,
) -> Actor {
    let mut f = professional_form(username, service);
    f.pincode = pincode.into();
    accounts::register_professional(t, f).await.unwrap();
    let id = user_id(t, username).await;
    people::approve(t, admin, id).await.unwrap();
    Actor {
        user_id: id,
        role: Role::Professional,
    }
}

async fn world() -> World {
    let t = spawn_set_up_app().await;
    let admin = Actor {
        user_id: user_id(&t, "admin").await,
        role: Role::Admin,
    };
    let service = a_service(&t).await;
    let other_service = store::services::insert(
        &t.pool,
        "Electrical",
        "",
        59_900,
        60,
        ts("2026-11-21T09:00:00Z"),
    )
    .await
    .unwrap();
    let customer = Actor {
        user_id: registered_customer(&t, "cara").await.user_id,
        role: Role::Customer,
    };
    let other_customer = Actor {
        user_id: registered_customer(&t, "olga").await.user_id,
        role: Role::Customer,
    };
    let pro = approved_pro(&t, &admin, "ravi", service, PIN).await;
    let rival = approved_pro(&t, &admin, "raj", service, PIN).await;
    let elsewhere = approved_pro(&t, &admin, "erin", other_service, PIN).await;
    World {
        t,
        admin,
        service,
        customer,
        other_customer,
        pro,
        rival,
        elsewhere,
        booked: std::sync::atomic::AtomicI64::new(0),
    }
}

fn tomorrow(t: &TestApp) -> String {
    (t.clock.now() + Duration::days(1)).to_rfc3339()
}

/// The n-th hour-long visit from 08:00 UTC on the day after the test's start (12 a day, in
/// the default working hours), so no two of `book`'s requests overlap: one professional can
/// take them all.
fn nth_visit(n: i64) -> String {
    let first = ts("2026-11-22T08:00:00Z").get();
    (first + Duration::days(n / 12) + Duration::hours(n % 12)).to_rfc3339()
}

async fn book(w: &World) -> i64 {
    let n = w.booked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    customer::book(
        &w.t,
        &w.customer,
        BookingInput {
            service_id: w.service,
            scheduled_for: nth_visit(n),
            address: None,
            pincode: None,
            remarks: "Kitchen tap drips".into(),
        },
    )
    .await
    .unwrap()
}

async fn status_of(t: &TestApp, id: i64) -> String {
    store::requests::state(&t.pool, id)
        .await
        .unwrap()
        .unwrap()
        .status
        .to_string()
}

#[tokio::test]
async fn the_whole_happy_path_as_a_story() {
    let w = world().await;
    let t = &w.t;
    // Cara finds plumbing in her area and books it for tomorrow.
    let found = customer::search(
        t,
        &w.customer,
        ServiceSearch {
            text: Some("plumb".into()),
            pincode: Some(PIN.into()),
            sort: ServiceSort::Name,
        },
    )
    .await
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].professionals_available, 2);
    let id = book(&w).await;
    assert_eq!(status_of(t, id).await, "requested");

    // Ravi sees it in his feed (no customer contact yet) and accepts it.
    let feed = professional::feed(
        t,
        &w.pro,
        FeedQuery {
            page: 1,
            per_page: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        feed.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![id]
    );
    professional::accept(t, &w.pro, id).await.unwrap();
    assert!(professional::feed(
        t,
        &w.rival,
        FeedQuery {
            page: 1,
            per_page: 10
        }
    )
    .await
    .unwrap()
    .items
    .is_empty());

    // Now he sees Cara's phone and address.
    let jobs = professional::jobs(
        t,
        &w.pro,
        JobsQuery {
            status: Some(RequestStatus::Assigned),
            page: 1,
            per_page: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(jobs.items[0].customer_phone.as_deref(), Some("9876543210"));
    assert!(jobs.items[0].address.is_some());

    // Not before the visit: the job is tomorrow.
    let early = professional::complete(
        t,
        &w.pro,
        id,
        with_code(t, id).await,
        t.clock.local_offset(),
    )
    .await
    .unwrap_err();
    assert_eq!(early.code(), ErrorCode::Conflict);
    assert!(early.to_string().contains("scheduled for"), "{early}");
    reach_visit(t, id).await;
    professional::complete(
        t,
        &w.pro,
        id,
        household_core::professional::Completion {
            note: Some("Replaced the washer".into()),
            ..with_code(t, id).await
        },
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    professional::rate_customer(
        t,
        &w.pro,
        id,
        ReviewInput {
            rating: 4,
            comment: Some("Friendly".into()),
        },
    )
    .await
    .unwrap();

    // Cara closes with five stars; the rating rolls up to the service and to Ravi.
    customer::close(
        t,
        &w.customer,
        id,
        Some(ReviewInput {
            rating: 5,
            comment: Some("Quick and tidy".into()),
        }),
        paid_in_cash(t, id).await,
    )
    .await
    .unwrap();
    let detail = customer::request_detail(t, &w.customer, id).await.unwrap();
    assert_eq!(detail.request.status, RequestStatus::Closed);
    assert_eq!(
        (detail.request.rating, detail.request.customer_rating),
        (Some(5), Some(4))
    );
    assert_eq!(
        detail.request.completion_note.as_deref(),
        Some("Replaced the washer")
    );
    let steps: Vec<_> = detail
        .history
        .iter()
        .map(|e| (e.to_status.as_str(), e.actor_id))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("requested", Some(w.customer.user_id)),
            ("assigned", Some(w.pro.user_id)),
            ("completed", Some(w.pro.user_id)),
            ("closed", Some(w.customer.user_id)),
        ]
    );
    let found = customer::search(
        t,
        &w.customer,
        ServiceSearch {
            text: None,
            pincode: Some(PIN.into()),
            sort: ServiceSort::Rating,
        },
    )
    .await
    .unwrap();
    let plumbing = found.iter().find(|s| s.id == w.service).unwrap();
    assert_eq!((plumbing.rating_avg, plumbing.rating_count), (Some(5.0), 1));
    assert_eq!(
        professional::profile(t, &w.pro).await.unwrap().rating_avg,
        Some(5.0)
    );
    assert_eq!(
        customer::profile(t, &w.customer).await.unwrap().rating_avg,
        Some(4.0)
    );
    // One review per request.
    let again = customer::review(
        t,
        &w.customer,
        id,
        ReviewInput {
            rating: 1,
            comment: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    let again = professional::rate_customer(
        t,
        &w.pro,
        id,
        ReviewInput {
            rating: 1,
            comment: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    assert_eq!(
        customer::profile(t, &w.customer)
            .await
            .unwrap()
            .rating_count,
        1
    );
}

#[tokio::test]
async fn closing_without_a_review_then_reviewing_once_later() {
    let w = world().await;
    let id = book(&w).await;
    professional::accept(&w.t, &w.pro, id).await.unwrap();
    reach_visit(&w.t, id).await;
    professional::complete(
        &w.t,
        &w.pro,
        id,
        with_code(&w.t, id).await,
        w.t.clock.local_offset(),
    )
    .await
    .unwrap();
    customer::close(&w.t, &w.customer, id, None, paid_in_cash(&w.t, id).await)
        .await
        .unwrap();
    let bad = customer::review(
        &w.t,
        &w.customer,
        id,
        ReviewInput {
            rating: 6,
            comment: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(bad.fields(), ["rating"]);
    let long = customer::review(
        &w.t,
        &w.customer,
        id,
        ReviewInput {
            rating: 3,
            comment: Some("x".repeat(1001)),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(long.fields(), ["comment"]);
    customer::review(
        &w.t,
        &w.customer,
        id,
        ReviewInput {
            rating: 3,
            comment: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        customer::review(
            &w.t,
            &w.customer,
            id,
            ReviewInput {
                rating: 5,
                comment: None
            }
        )
        .await
        .unwrap_err()
        .code(),
        ErrorCode::Conflict
    );
    let (avg, count) = store::reviews::professional_rating(&w.t.pool, w.pro.user_id)
        .await
        .unwrap();
    assert_eq!((avg, count), (Some(3.0), 1));
}

/// Puts a fresh request into `status` through the real workflows.
async fn request_in(w: &World, status: RequestStatus) -> i64 {
    let id = book(w).await;
    let t = &w.t;
    match status {
        RequestStatus::Requested => {}
        RequestStatus::Assigned => professional::accept(t, &w.pro, id).await.unwrap(),
        RequestStatus::Completed => {
            professional::accept(t, &w.pro, id).await.unwrap();
            reach_visit(t, id).await;
            professional::complete(
                t,
                &w.pro,
                id,
                with_code(t, id).await,
                t.clock.local_offset(),
            )
            .await
            .unwrap();
        }
        RequestStatus::Closed => {
            professional::accept(t, &w.pro, id).await.unwrap();
            reach_visit(t, id).await;
            professional::complete(
                t,
                &w.pro,
                id,
                with_code(t, id).await,
                t.clock.local_offset(),
            )
            .await
            .unwrap();
            customer::close(t, &w.customer, id, None, paid_in_cash(t, id).await)
                .await
                .unwrap();
        }
        RequestStatus::Cancelled => customer::cancel(t, &w.customer, id).await.unwrap(),
        RequestStatus::Rejected => oversight::reject(t, &w.admin, id, "Nobody available")
            .await
            .unwrap(),
        RequestStatus::Expired => {
            reach_visit(t, id).await;
            household_core::expiry::run_due(t).await.unwrap();
        }
    }
    assert_eq!(status_of(t, id).await, status.as_str());
    id
}

async fn perform(w: &World, actor: &Actor, action: Action, id: i64) -> Result<(), AppError> {
    let t = &w.t;
    match action {
        Action::Accept => professional::accept(t, actor, id).await,
        Action::Complete => {
            // The state machine is what this matrix checks; the visit-time rule has its own test.
            reach_visit(t, id).await;
            professional::complete(t, actor, id, with_code(t, id).await, t.clock.local_offset())
                .await
        }
        Action::Close => customer::close(t, actor, id, None, paid_in_cash(t, id).await)
            .await
            .map(drop),
        Action::Cancel => customer::cancel(t, actor, id).await,
        Action::Reject => oversight::reject(t, actor, id, "Nobody available").await,
        Action::AdminCancel => oversight::cancel(t, actor, id, "Customer phoned to cancel").await,
        Action::Assign => household_core::dispatch::assign(t, actor, id, w.pro.user_id).await,
        Action::AdminComplete => {
            reach_visit(t, id).await;
            household_core::dispatch::complete_without_code(t, actor, id, "Customer unreachable")
                .await
        }
        Action::Release => {
            // Release happens through blocking the assigned professional.
            if actor.role != Role::Admin {
                return Err(AppError::Forbidden("admins only".into()));
            }
            let st = store::requests::state(&t.pool, id).await.unwrap().unwrap();
            match st.professional_id {
                Some(p) if st.status == RequestStatus::Assigned => {
                    people::block(t, actor, p, "test release").await.map(drop)?;
                    people::unblock(t, actor, p).await
                }
                _ => Err(lifecycle::illegal(st.status, Action::Release)),
            }
        }
    }
}

/// Every (status, action, role): allowed exactly when the state machine has the transition
/// and the role is the action's; otherwise `forbidden` (wrong role) or `conflict` (wrong state),
/// and the request is unchanged.
#[tokio::test]
async fn every_status_action_role_combination() {
    let w = world().await;
    let actors = [
        (Role::Admin, w.admin),
        (Role::Customer, w.customer),
        (Role::Professional, w.pro),
    ];
    let mut checked = 0;
    for status in RequestStatus::ALL.iter().copied() {
        for action in Action::ALL {
            for (role, actor) in actors {
                let id = request_in(&w, status).await;
                let result = perform(&w, &actor, action, id).await;
                let expected = lifecycle::next(status, action);
                let after = status_of(&w.t, id).await;
                match (expected, role == action.role()) {
                    (Some(to), true) => {
                        assert!(
                            result.is_ok(),
                            "{status:?} {action:?} by {role:?}: {result:?}"
                        );
                        assert_eq!(after, to.as_str(), "{status:?} {action:?} by {role:?}");
                    }
                    (_, false) => {
                        assert_eq!(
                            result.unwrap_err().code(),
                            ErrorCode::Forbidden,
                            "{status:?} {action:?} by {role:?}"
                        );
                        assert_eq!(after, status.as_str());
                    }
                    // Accepting a job that is already yours is a no-op (a retried or
                    // double-clicked accept), not an error.
                    (None, true)
                        if status == RequestStatus::Assigned && action == Action::Accept =>
                    {
                        assert!(result.is_ok(), "re-accepting own job: {result:?}");
                        assert_eq!(after, status.as_str());
                    }
                    (None, true) => {
                        let err = result.unwrap_err();
                        assert_eq!(
                            err.code(),
                            ErrorCode::Conflict,
                            "{status:?} {action:?} by {role:?}: {err}"
                        );
                        assert!(
                            err.to_string().contains(status.as_str())
                                || err.to_string().contains("first"),
                            "message names the status: {err}"
                        );
                        assert_eq!(after, status.as_str());
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, RequestStatus::ALL.len() * Action::ALL.len() * 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_simultaneous_accepts_have_exactly_one_winner() {
    let w = world().await;
    let id = book(&w).await;
    let hash = household_core::password::hash(PASSWORD.into())
        .await
        .unwrap();
    let mut pros = Vec::new();
    for i in 0..50 {
        let uid = store::users::insert(
            &w.t.pool,
            &store::users::NewUser {
                username: &format!("racer{i}"),
                email: &format!("racer{i}@example.com"),
                full_name: "Racer",
                password_hash: &hash,
                role: Role::Professional,
                now: ts("2026-11-21T09:00:00Z"),
            },
        )
        .await
        .unwrap();
        store::professionals::insert(
            &w.t.pool,
            &store::professionals::NewProfessional {
                user_id: uid,
                service_id: w.service,
                experience_years: 1,
                description: "",
                phone: "9845012345",
                pincode: PIN,
                document_sha256: &"a".repeat(64),
                document_mime: "application/pdf",
                document_name: "x.pdf",
                document_size: 10,
                now: ts("2026-11-21T09:00:00Z"),
            },
        )
        .await
        .unwrap();
        store::professionals::set_verification(
            &w.t.pool,
            uid,
            VerificationStatus::Approved,
            None,
            None,
            ts("2026-11-21T09:00:00Z"),
        )
        .await
        .unwrap();
        pros.push(Actor {
            user_id: uid,
            role: Role::Professional,
        });
    }
    let t = Arc::new(w.t);
    let start = Arc::new(tokio::sync::Barrier::new(50));
    let handles: Vec<_> = pros
        .into_iter()
        .map(|pro| {
            let t = t.clone();
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                (pro.user_id, professional::accept(&t, &pro, id).await)
            })
        })
        .collect();
    let mut winners = Vec::new();
    for h in handles {
        let (who, result) = h.await.unwrap();
        match result {
            Ok(()) => winners.push(who),
            Err(e) => {
                assert_eq!(e.code(), ErrorCode::Conflict, "loser got {e:?}");
                assert!(
                    !format!("{e:?}").contains("locked"),
                    "database is locked leaked: {e:?}"
                );
            }
        }
    }
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    let st = store::requests::state(&t.pool, id).await.unwrap().unwrap();
    assert_eq!(
        (st.status.as_str(), st.professional_id),
        ("assigned", Some(winners[0]))
    );
    let assigned_events: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM request_events WHERE request_id = $1 AND to_status = 'assigned'",
    )
    .bind(id)
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(assigned_events, 1);
}

#[tokio::test]
async fn customers_and_professionals_only_touch_their_own_requests() {
    let w = world().await;
    let t = &w.t;
    let id = book(&w).await;
    // Another customer cannot see, edit, cancel or close it: to them it does not exist.
    assert_eq!(
        customer::request_detail(t, &w.other_customer, id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        customer::cancel(t, &w.other_customer, id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    let edit = RequestEdit {
        scheduled_for: tomorrow(t),
        address: "1 Other Street".into(),
        remarks: String::new(),
    };
    assert_eq!(
        customer::edit(t, &w.other_customer, id, edit.clone())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    let others = customer::my_requests(
        t,
        &w.other_customer,
        MyRequestsQuery {
            scope: RequestScope::All,
            page: 1,
            per_page: 10,
        },
    )
    .await
    .unwrap();
    assert!(others.items.is_empty());
    // A professional of another service cannot take it or see it.
    assert_eq!(
        professional::accept(t, &w.elsewhere, id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    assert!(professional::feed(
        t,
        &w.elsewhere,
        FeedQuery {
            page: 1,
            per_page: 10
        }
    )
    .await
    .unwrap()
    .items
    .is_empty());
    // Once it is Ravi's, Raj cannot complete it.
    professional::accept(t, &w.pro, id).await.unwrap();
    assert_eq!(
        professional::complete(
            t,
            &w.rival,
            id,
            with_code(t, id).await,
            t.clock.local_offset()
        )
        .await
        .unwrap_err()
        .code(),
        ErrorCode::Forbidden
    );
    assert_eq!(
        professional::rate_customer(
            t,
            &w.rival,
            id,
            ReviewInput {
                rating: 1,
                comment: None
            }
        )
        .await
        .unwrap_err()
        .code(),
        ErrorCode::Forbidden
    );
    assert_eq!(status_of(t, id).await, "assigned");
    // The owner may still edit? No: only open requests can be edited.
    assert_eq!(
        customer::edit(t, &w.customer, id, edit)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
}

#[tokio::test]
async fn editing_cancelling_declining_and_pending_professionals() {
    let w = world().await;
    let t = &w.t;
    let id = book(&w).await;
    let later = (t.clock.now() + Duration::days(3)).to_rfc3339();
    customer::edit(
        t,
        &w.customer,
        id,
        RequestEdit {
            scheduled_for: later.clone(),
            address: "99 New Road, Bengaluru".into(),
            remarks: "Gate code 42".into(),
        },
    )
    .await
    .unwrap();
    let d = customer::request_detail(t, &w.customer, id).await.unwrap();
    assert_eq!(d.request.address, "99 New Road, Bengaluru");
    assert_eq!(d.request.scheduled_for, ts(&later));

    // Raj declines: hidden from his feed, still open for Ravi; Cara is not told who declined.
    professional::decline(t, &w.rival, id).await.unwrap();
    let seen = customer::request_detail(t, &w.customer, id).await.unwrap();
    let declined = seen
        .history
        .iter()
        .find(|e| e.note.as_deref() == Some("Declined by a professional"))
        .unwrap();
    assert_eq!(
        (declined.actor_id, declined.actor_name.as_deref()),
        (None, None)
    );
    assert!(professional::feed(
        t,
        &w.rival,
        FeedQuery {
            page: 1,
            per_page: 10
        }
    )
    .await
    .unwrap()
    .items
    .is_empty());
    assert_eq!(
        professional::feed(
            t,
            &w.pro,
            FeedQuery {
                page: 1,
                per_page: 10
            }
        )
        .await
        .unwrap()
        .items
        .len(),
        1
    );
    assert_eq!(
        professional::accept(t, &w.rival, id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );

    // Cancelling after assignment is allowed until completion.
    professional::accept(t, &w.pro, id).await.unwrap();
    customer::cancel(t, &w.customer, id).await.unwrap();
    assert_eq!(status_of(t, id).await, "cancelled");
    let past = customer::my_requests(
        t,
        &w.customer,
        MyRequestsQuery {
            scope: RequestScope::Past,
            page: 1,
            per_page: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        past.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![id]
    );
    assert!(customer::my_requests(
        t,
        &w.customer,
        MyRequestsQuery {
            scope: RequestScope::Current,
            page: 1,
            per_page: 10
        }
    )
    .await
    .unwrap()
    .items
    .is_empty());

    // A pending professional has no feed.
    accounts::register_professional(t, professional_form("newbie", w.service))
        .await
        .unwrap();
    let newbie = Actor {
        user_id: user_id(t, "newbie").await,
        role: Role::Professional,
    };
    assert_eq!(
        professional::feed(t, &newbie, FeedQuery::default())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}

#[tokio::test]
async fn booking_rules_and_search_by_area() {
    let w = world().await;
    let t = &w.t;
    let base = BookingInput {
        service_id: w.service,
        scheduled_for: tomorrow(t),
        address: None,
        pincode: None,
        remarks: String::new(),
    };
    let past = BookingInput {
        scheduled_for: (t.clock.now() - Duration::minutes(5)).to_rfc3339(),
        ..base.clone()
    };
    let far = BookingInput {
        scheduled_for: (t.clock.now() + Duration::days(120)).to_rfc3339(),
        ..base.clone()
    };
    let garbage = BookingInput {
        scheduled_for: "tomorrow-ish".into(),
        ..base.clone()
    };
    let nowhere = BookingInput {
        pincode: Some("110001".into()),
        ..base.clone()
    };
    for (input, field) in [
        (past, "scheduled_for"),
        (far, "scheduled_for"),
        (garbage, "scheduled_for"),
        (nowhere, "pincode"),
    ] {
        match customer::book(t, &w.customer, input).await {
            Err(e @ AppError::Validation(_)) => assert_eq!(e.fields(), [field]),
            other => panic!("expected {field}: {other:?}"),
        }
    }
    assert_eq!(
        store::requests::count_for_customer(&t.pool, w.customer.user_id, RequestStatus::Requested)
            .await
            .unwrap(),
        0,
        "nothing stored on bad input"
    );
    assert_eq!(
        customer::book(t, &w.pro, base.clone())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );

    // Only services with a professional in the area are bookable there.
    let far_away = customer::search(
        t,
        &w.customer,
        ServiceSearch {
            text: None,
            pincode: Some("110001".into()),
            sort: ServiceSort::Name,
        },
    )
    .await
    .unwrap();
    assert!(far_away.is_empty());
    let everywhere = customer::search(t, &w.customer, ServiceSearch::default())
        .await
        .unwrap();
    assert_eq!(everywhere.len(), 2);
    let by_price = customer::search(
        t,
        &w.customer,
        ServiceSearch {
            sort: ServiceSort::PriceDesc,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(by_price
        .windows(2)
        .all(|p| p[0].base_price_minor >= p[1].base_price_minor));
    // Blocking the only electrician removes electrical from the area.
    people::block(t, &w.admin, w.elsewhere.user_id, "test")
        .await
        .unwrap();
    let here = customer::search(
        t,
        &w.customer,
        ServiceSearch {
            text: None,
            pincode: Some(PIN.into()),
            sort: ServiceSort::Name,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        here.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        vec!["Plumbing"]
    );
    assert!(customer::search(
        t,
        &w.customer,
        ServiceSearch {
            text: Some("%".into()),
            ..Default::default()
        }
    )
    .await
    .unwrap()
    .is_empty());
}

#[tokio::test]
async fn profiles_and_password_change() {
    let w = world().await;
    let t = &w.t;
    let p = customer::update_profile(
        t,
        &w.customer,
        customer::CustomerProfileInput {
            phone: "+91 99887 76655".into(),
            address: "5 Lake View, Bengaluru".into(),
            pincode: "560034".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (p.phone.as_str(), p.pincode.as_str()),
        ("+919988776655", "560034")
    );
    let bad = customer::update_profile(
        t,
        &w.customer,
        customer::CustomerProfileInput {
            phone: "1".into(),
            address: "5 Lake View".into(),
            pincode: "560034".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(bad.fields(), ["phone"]);
    let pro = professional::update_profile(
        t,
        &w.pro,
        professional::ProfessionalProfileInput {
            phone: "9845000000".into(),
            pincode: "560034".into(),
            experience_years: 9,
            description: "Now in Koramangala".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!((pro.pincode.as_str(), pro.experience_years), ("560034", 9));

    // Cara changes her password from her desktop (its session goes on).
    login(t, "cara", PASSWORD).await.unwrap();
    let weak = accounts::change_password(
        t,
        &w.customer,
        &t.token(),
        accounts::PasswordChange {
            current_password: PASSWORD.into(),
            new_password: "short".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(weak.fields(), ["new_password"]);
    let wrong = accounts::change_password(
        t,
        &w.customer,
        &t.token(),
        accounts::PasswordChange {
            current_password: "nope nope nope".into(),
            new_password: "brand new passphrase".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(wrong.fields(), ["current_password"]);
    accounts::change_password(
        t,
        &w.customer,
        &t.token(),
        accounts::PasswordChange {
            current_password: PASSWORD.into(),
            new_password: "brand new passphrase".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        login(t, "cara", PASSWORD).await.unwrap_err().code(),
        ErrorCode::Unauthorized
    );
    assert!(login(t, "cara", "brand new passphrase").await.is_ok());
}

/// A service deactivated between the booking's checks and its insert is not booked: the
/// insert itself re-checks, in the same statement.
#[tokio::test]
async fn the_booking_insert_refuses_a_deactivated_service() {
    let w = world().await;
    let t = &w.t;
    household_core::admin::catalog::set_active(t, &w.admin, w.service, false)
        .await
        .unwrap();
    let inserted = store::requests::insert(
        &t.pool,
        &store::requests::NewRequest {
            service_id: w.service,
            customer_id: w.customer.user_id,
            professional_id: None,
            status: RequestStatus::Requested,
            scheduled_for: t.now() + Duration::days(1),
            address: "12 MG Road",
            pincode: PIN,
            remarks: "",
            created_at: t.now(),
            assigned_at: None,
            completed_at: None,
            closed_at: None,
            cancelled_at: None,
            client_key: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(inserted, None);
    let err = customer::book(
        t,
        &w.customer,
        BookingInput {
            service_id: w.service,
            scheduled_for: tomorrow(t),
            address: None,
            pincode: None,
            remarks: String::new(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.fields(), ["service_id"]);
    assert!(err.to_string().contains("no longer offered"), "{err}");
}

/// A booking retried with the same key (its reply was lost) is the same booking.
#[tokio::test]
async fn a_booking_with_a_key_is_made_once() {
    let w = world().await;
    let t = &w.t;
    let input = || BookingInput {
        service_id: w.service,
        scheduled_for: tomorrow(t),
        address: None,
        pincode: None,
        remarks: String::new(),
    };
    let a = customer::book_once(t, &w.customer, input(), Some("key-0001"))
        .await
        .unwrap();
    let b = customer::book_once(t, &w.customer, input(), Some("key-0001"))
        .await
        .unwrap();
    let c = customer::book_once(t, &w.customer, input(), Some("key-0002"))
        .await
        .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    // The same key from another customer is another booking.
    let d = customer::book_once(t, &w.other_customer, input(), Some("key-0001")).await;
    assert_ne!(d.ok(), Some(a));
}
