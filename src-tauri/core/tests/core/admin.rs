//! Admin workflows: catalogue, people, verification, blocking, request oversight, dashboard.

use crate::common::*;
use household_core::admin::catalog::{self, ServiceInput};
use household_core::admin::dashboard;
use household_core::admin::people::{self, PeopleQuery};
use household_core::admin::requests::{self as oversight, RequestQuery, RequestSort};
use household_core::clock::Clock;
use household_core::domain::{RequestStatus, Role, UserStatus, VerificationStatus};
use household_core::{demo, store, Actor, AppError, ErrorCode};

/// An app with the demo data loaded and the admin signed in.
async fn demo_app() -> (TestApp, Actor) {
    let t = spawn_set_up_app().await;
    login(&t, "admin", PASSWORD).await.unwrap();
    let admin = t.actor().await.unwrap();
    demo::load_for_admin(&t, &admin).await.unwrap();
    (t, admin)
}

fn service(name: &str) -> ServiceInput {
    ServiceInput {
        name: name.into(),
        description: "Walls and ceilings".into(),
        base_price_minor: 399_900,
        estimated_minutes: 480,
    }
}

/// Every admin function, by name: the access-matrix table below is the spec.
async fn call_admin(name: &str, t: &TestApp, actor: &Actor) -> Result<(), AppError> {
    let id = 1;
    match name {
        "list_services" => catalog::list(t, actor).await.map(drop),
        "create_service" => catalog::create(t, actor, service("Painting"))
            .await
            .map(drop),
        "update_service" => catalog::update(t, actor, id, service("Painting")).await,
        "set_service_active" => catalog::set_active(t, actor, id, false).await,
        "delete_service" => catalog::delete(t, actor, id).await,
        "list_people" => people::list(t, actor, PeopleQuery::default())
            .await
            .map(drop),
        "person_detail" => people::detail(t, actor, id).await.map(drop),
        "professional_document" => people::document(t, actor, id).await.map(drop),
        "approve" => people::approve(t, actor, id).await,
        "reject" => people::reject(t, actor, id, "not valid").await.map(drop),
        "block" => people::block(t, actor, id, "abuse").await.map(drop),
        "unblock" => people::unblock(t, actor, id).await,
        "list_requests" => {
            oversight::list(t, actor, RequestQuery::default(), t.clock.local_offset())
                .await
                .map(drop)
        }
        "request_detail" => oversight::detail(t, actor, id).await.map(drop),
        "dashboard" => dashboard::get(t, actor, t.clock.local_offset())
            .await
            .map(drop),
        "load_demo" => demo::load_for_admin(t, actor).await.map(drop),
        other => panic!("no admin function {other}"),
    }
}

const ADMIN_FUNCTIONS: &[&str] = &[
    "list_services",
    "create_service",
    "update_service",
    "set_service_active",
    "delete_service",
    "list_people",
    "person_detail",
    "professional_document",
    "approve",
    "reject",
    "block",
    "unblock",
    "list_requests",
    "request_detail",
    "dashboard",
    "load_demo",
];

#[tokio::test]
async fn non_admins_are_forbidden_every_admin_function_and_nothing_changes() {
    let (t, _) = demo_app().await;
    let before: (i64, i64, i64) = household_core::on!(&t.pool, |ex| sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM services), (SELECT COUNT(*) FROM audit_log),
                (SELECT COUNT(*) FROM users WHERE status = 'blocked')",
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let customer = Actor {
        user_id: user_id(&t, "anita.d").await,
        role: Role::Customer,
    };
    let professional = Actor {
        user_id: user_id(&t, "ravi.k").await,
        role: Role::Professional,
    };
    for actor in [customer, professional] {
        for name in ADMIN_FUNCTIONS {
            let err = call_admin(name, &t, &actor).await.expect_err(name);
            assert_eq!(
                err.code(),
                ErrorCode::Forbidden,
                "{name} as {:?}",
                actor.role
            );
        }
    }
    let after: (i64, i64, i64) = household_core::on!(&t.pool, |ex| sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM services), (SELECT COUNT(*) FROM audit_log),
                (SELECT COUNT(*) FROM users WHERE status = 'blocked')",
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn service_catalogue_rules() {
    let (t, admin) = demo_app().await;
    let id = catalog::create(&t, &admin, service("Painting"))
        .await
        .unwrap();
    // Unique regardless of case, and errors name the field.
    match catalog::create(&t, &admin, service("  PAINTING ")).await {
        Err(e @ AppError::Validation(_)) => assert_eq!(e.fields(), ["name"]),
        other => panic!("{other:?}"),
    }
    for (bad, field) in [
        (
            ServiceInput {
                base_price_minor: -1,
                ..service("Bad price")
            },
            "base_price_minor",
        ),
        (
            ServiceInput {
                estimated_minutes: 0,
                ..service("Bad time")
            },
            "estimated_minutes",
        ),
        (
            ServiceInput {
                name: "x".into(),
                ..service("x")
            },
            "name",
        ),
    ] {
        match catalog::create(&t, &admin, bad).await {
            Err(e @ AppError::Validation(_)) => assert_eq!(e.fields(), [field]),
            other => panic!("{other:?}"),
        }
    }
    catalog::update(
        &t,
        &admin,
        id,
        ServiceInput {
            base_price_minor: 450_000,
            ..service("Wall painting")
        },
    )
    .await
    .unwrap();
    let row = catalog::list(&t, &admin)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == id)
        .unwrap();
    assert_eq!(
        (row.name.as_str(), row.base_price_minor, row.request_count),
        ("Wall painting", 450_000, 0)
    );

    // A service with history cannot be deleted, only deactivated...
    let plumbing = catalog::list(&t, &admin)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.name == "Plumbing")
        .unwrap();
    assert!(plumbing.request_count > 0);
    assert_eq!(
        catalog::delete(&t, &admin, plumbing.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
    catalog::set_active(&t, &admin, plumbing.id, false)
        .await
        .unwrap();
    // ...which hides it from customers (and registration) but keeps it in reports.
    let public = store::services::list_active(&t.pool).await.unwrap();
    assert!(public.iter().all(|s| s.id != plumbing.id));
    let listed = catalog::list(&t, &admin).await.unwrap();
    assert!(listed.iter().any(|s| s.id == plumbing.id && !s.is_active));
    let dash = dashboard::get(&t, &admin, t.clock.local_offset())
        .await
        .unwrap();
    assert!(dash
        .top_services
        .iter()
        .any(|s| s.service_id == plumbing.id && s.requests == plumbing.request_count));
    let closed = oversight::list(
        &t,
        &admin,
        RequestQuery {
            service_id: Some(plumbing.id),
            per_page: 50,
            ..Default::default()
        },
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    assert_eq!(closed.page.total, plumbing.request_count);
    catalog::set_active(&t, &admin, plumbing.id, true)
        .await
        .unwrap();
    assert!(store::services::list_active(&t.pool)
        .await
        .unwrap()
        .iter()
        .any(|s| s.id == plumbing.id));

    // A service with no history can be deleted.
    catalog::delete(&t, &admin, id).await.unwrap();
    assert_eq!(
        catalog::delete(&t, &admin, id).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
    let actions = store::audit::actions_for(&t.pool, "service", plumbing.id)
        .await
        .unwrap();
    assert_eq!(actions, vec!["service.deactivated", "service.activated"]);
}

#[tokio::test]
async fn people_list_filters_searches_and_paginates_in_the_database() {
    let (t, admin) = demo_app().await;
    let all = people::list(
        &t,
        &admin,
        PeopleQuery {
            per_page: 5,
            page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(all.items.len(), 5);
    assert_eq!(
        all.page.total, 13,
        "1 admin + 7 professionals + 5 customers"
    );
    let page3 = people::list(
        &t,
        &admin,
        PeopleQuery {
            per_page: 5,
            page: 3,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page3.items.len(), 3);

    let pending = people::list(
        &t,
        &admin,
        PeopleQuery {
            role: Some(Role::Professional),
            verification: Some(VerificationStatus::Pending),
            per_page: 20,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let names: Vec<_> = pending.items.iter().map(|p| p.username.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(
        names.contains(&"kiran.r") && names.contains(&"sanjay.p"),
        "{names:?}"
    );

    let by_pin = people::list(
        &t,
        &admin,
        PeopleQuery {
            role: Some(Role::Customer),
            pincode: Some("560034".into()),
            per_page: 20,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_pin.page.total, 2);
    let search = people::list(
        &t,
        &admin,
        PeopleQuery {
            search: Some("MEENA".into()),
            per_page: 20,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        search
            .items
            .iter()
            .map(|p| p.username.as_str())
            .collect::<Vec<_>>(),
        vec!["meena.s"]
    );
    // LIKE wildcards typed by the admin are literal.
    let wild = people::list(
        &t,
        &admin,
        PeopleQuery {
            search: Some("%".into()),
            per_page: 20,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(wild.page.total, 0);

    let ravi = search_one(&t, &admin, "ravi.k").await;
    assert_eq!(ravi.service_name.as_deref(), Some("Plumbing"));
    assert_eq!((ravi.rating_count, ravi.completed_jobs), (1, 1));
    assert_eq!(ravi.rating_avg, Some(5.0));
    let anita = search_one(&t, &admin, "anita.d").await;
    assert_eq!(anita.request_count, 3);
    assert_eq!(anita.customer_rating_avg, Some(5.0));
}

async fn search_one(t: &TestApp, admin: &Actor, username: &str) -> store::people::PersonRow {
    let page = people::list(
        t,
        admin,
        PeopleQuery {
            search: Some(username.into()),
            per_page: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.items.len(), 1, "{username}");
    page.items.into_iter().next().unwrap()
}

#[tokio::test]
async fn approving_and_rejecting_professionals_reaches_them_at_next_login() {
    let (t, admin) = demo_app().await;
    let kiran = user_id(&t, "kiran.r").await;
    let sanjay = user_id(&t, "sanjay.p").await;
    let doc = people::document(&t, &admin, kiran).await.unwrap();
    assert_eq!(doc.mime, "application/pdf");
    assert!(!doc.content_base64.is_empty());

    people::approve(&t, &admin, kiran).await.unwrap();
    assert_eq!(
        people::approve(&t, &admin, kiran).await.unwrap_err().code(),
        ErrorCode::Conflict
    );
    assert_eq!(
        people::reject(&t, &admin, sanjay, "")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Validation
    );
    people::reject(&t, &admin, sanjay, "Certificate is illegible")
        .await
        .unwrap();
    t.logout().await;

    assert_eq!(
        login(&t, "kiran.r", demo::DEMO_PASSWORD)
            .await
            .unwrap()
            .role,
        Role::Professional
    );
    t.logout().await;
    let err = login(&t, "sanjay.p", demo::DEMO_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalRejected);
    assert!(err.to_string().contains("Certificate is illegible"));

    let detail = people::detail(&t, &admin, sanjay).await.unwrap();
    assert_eq!(
        detail.person.verification_status,
        Some(VerificationStatus::Rejected)
    );
    assert_eq!(
        detail.audit.first().map(|a| a.action.as_str()),
        Some("professional.rejected")
    );
    assert_eq!(
        people::detail(&t, &admin, 99_999).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
    let customer = user_id(&t, "anita.d").await;
    assert_eq!(
        people::approve(&t, &admin, customer)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn blocking_a_professional_ends_their_session_refuses_login_and_frees_their_jobs() {
    let (t, admin) = demo_app().await;
    let ravi = user_id(&t, "ravi.k").await;
    let assigned = store::requests::assigned_to(&t.pool, ravi).await.unwrap();
    assert_eq!(
        assigned.len(),
        1,
        "demo: ravi has one assigned plumbing job"
    );

    // Ravi is signed in on this terminal when the admin (elsewhere) blocks him.
    t.logout().await;
    login(&t, "ravi.k", demo::DEMO_PASSWORD).await.unwrap();
    assert!(t.actor().await.is_ok());
    let outcome = people::block(&t, &admin, ravi, "Customer complaints")
        .await
        .unwrap();
    assert_eq!(outcome.released_requests, assigned);
    assert_eq!(
        t.actor().await.unwrap_err().code(),
        ErrorCode::AccountBlocked
    );
    assert_eq!(
        login(&t, "ravi.k", demo::DEMO_PASSWORD)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::AccountBlocked
    );

    let released = oversight::detail(&t, &admin, assigned[0]).await.unwrap();
    assert_eq!(released.request.status, RequestStatus::Requested);
    assert_eq!(released.request.professional_id, None);
    let last = released.history.last().unwrap();
    assert_eq!(
        (
            last.from_status.map(RequestStatus::as_str),
            last.to_status.as_str(),
            last.actor_id
        ),
        (Some("assigned"), "requested", Some(admin.user_id))
    );
    // Completed and closed jobs keep their professional.
    let kept: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM service_requests WHERE professional_id = $1"
    )
    .bind(ravi)
    .fetch_one(ex)
    .await)
    .unwrap();
    assert!(kept >= 1);

    assert_eq!(
        people::block(&t, &admin, ravi, "again")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
    people::unblock(&t, &admin, ravi).await.unwrap();
    assert!(login(&t, "ravi.k", demo::DEMO_PASSWORD).await.is_ok());
    assert_eq!(
        store::audit::actions_for(&t.pool, "user", ravi)
            .await
            .unwrap(),
        vec!["user.blocked", "user.unblocked"]
    );
}

#[tokio::test]
async fn admins_cannot_block_themselves_or_the_last_admin() {
    let (t, admin) = demo_app().await;
    let err = people::block(&t, &admin, admin.user_id, "oops")
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    // A second admin exists only through the store (no UI for it yet); with two, one can
    // block the other, but not the last one left.
    let hash = household_core::password::hash(PASSWORD.into())
        .await
        .unwrap();
    let other = store::users::insert(
        &t.pool,
        &store::users::NewUser {
            username: "second",
            email: "second@example.com",
            full_name: "Second Admin",
            password_hash: &hash,
            role: Role::Admin,
            now: ts("2026-11-21T09:00:00Z"),
        },
    )
    .await
    .unwrap();
    people::block(&t, &admin, other, "left the company")
        .await
        .unwrap();
    let other_actor = Actor {
        user_id: other,
        role: Role::Admin,
    };
    let err = people::block(&t, &other_actor, admin.user_id, "revenge")
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(
        err.to_string().contains("last active administrator"),
        "{err}"
    );
    let status: String = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT status FROM users WHERE id = $1"
    )
    .bind(admin.user_id)
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(status, "active");
    let _ = UserStatus::Active;
}

#[tokio::test]
async fn request_list_filters_sorts_and_paginates_with_history_in_detail() {
    let (t, admin) = demo_app().await;
    let all = oversight::list(
        &t,
        &admin,
        RequestQuery {
            per_page: 100,
            ..Default::default()
        },
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    let total = all.page.total;
    assert_eq!(all.items.len() as i64, total);

    let closed = oversight::list(
        &t,
        &admin,
        RequestQuery {
            status: Some(RequestStatus::Closed),
            per_page: 100,
            ..Default::default()
        },
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    assert!(closed
        .items
        .iter()
        .all(|r| r.status == RequestStatus::Closed));
    assert_eq!(closed.page.total, 4);
    assert!(closed.items.iter().all(|r| r.rating.is_some()));

    let asc = oversight::list(
        &t,
        &admin,
        RequestQuery {
            sort: RequestSort::CreatedAt,
            descending: false,
            per_page: 100,
            ..Default::default()
        },
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    let dates: Vec<_> = asc.items.iter().map(|r| r.created_at).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    let desc = oversight::list(
        &t,
        &admin,
        RequestQuery {
            sort: RequestSort::CreatedAt,
            descending: true,
            per_page: 100,
            ..Default::default()
        },
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    assert_eq!(
        desc.items.first().map(|r| r.id),
        asc.items.last().map(|r| r.id)
    );

    // Pages are disjoint and cover everything.
    let mut seen = Vec::new();
    for page in 1..=3 {
        let p = oversight::list(
            &t,
            &admin,
            RequestQuery {
                per_page: 5,
                page,
                ..Default::default()
            },
            t.clock.local_offset(),
        )
        .await
        .unwrap();
        seen.extend(p.items.iter().map(|r| r.id));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len() as i64, total);

    let anita = user_id(&t, "anita.d").await;
    let mine = oversight::list(
        &t,
        &admin,
        RequestQuery {
            customer_id: Some(anita),
            per_page: 100,
            ..Default::default()
        },
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    assert_eq!(mine.page.total, 3);
    let today = t.clock.now().date_naive().format("%Y-%m-%d").to_string();
    let recent = oversight::list(
        &t,
        &admin,
        RequestQuery {
            created_from: Some(today.clone()),
            created_to: Some(today.clone()),
            per_page: 100,
            ..Default::default()
        },
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    assert!(recent
        .items
        .iter()
        .all(|r| r.created_at.to_string().starts_with(&today)));
    let bad = oversight::list(
        &t,
        &admin,
        RequestQuery {
            created_from: Some("21/11/2026".into()),
            ..Default::default()
        },
        t.clock.local_offset(),
    )
    .await
    .unwrap_err();
    assert_eq!(bad.fields(), ["created_from"]);

    let closed_id = closed.items[0].id;
    let detail = oversight::detail(&t, &admin, closed_id).await.unwrap();
    let steps: Vec<_> = detail
        .history
        .iter()
        .map(|e| e.to_status.as_str())
        .collect();
    assert_eq!(steps, vec!["requested", "assigned", "completed", "closed"]);
    assert!(detail.request.rating.is_some());
    assert_eq!(
        oversight::detail(&t, &admin, 424_242)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn dashboard_aggregates_match_the_data() {
    let (t, admin) = demo_app().await;
    let d = dashboard::get(&t, &admin, t.clock.local_offset())
        .await
        .unwrap();
    assert_eq!(d.by_status.len(), RequestStatus::ALL.len());
    for s in &d.by_status {
        let status = *RequestStatus::ALL
            .iter()
            .find(|st| st.as_str() == s.label)
            .unwrap();
        let n = store::requests::count_by_status(&t.pool, status)
            .await
            .unwrap();
        assert_eq!(s.count, n, "{}", s.label);
    }
    assert_eq!(d.per_day.len(), 30);
    let total: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM service_requests"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(
        d.per_day.iter().map(|p| p.count).sum::<i64>(),
        total,
        "every demo request is within 30 days"
    );
    assert_eq!(d.pending_professionals, 2);
    assert_eq!(d.rating_count, 4);
    assert!((d.rating_avg.unwrap() - 4.25).abs() < 1e-9);
    assert!(d.top_services.len() <= 5);
    assert!(d
        .top_services
        .windows(2)
        .all(|w| w[0].requests >= w[1].requests));
}

#[tokio::test]
async fn dashboard_days_and_date_filters_are_the_terminals_local_days() {
    let t = spawn_set_up_app().await;
    let admin = Actor {
        user_id: user_id(&t, "admin").await,
        role: Role::Admin,
    };
    // A terminal in India (UTC+05:30); it is 21 Nov, 14:30 there.
    t.clock
        .set_local_offset(chrono::FixedOffset::east_opt(5 * 3600 + 1800).unwrap());
    let svc = a_service(&t).await;
    let cara = registered_customer(&t, "cara").await.user_id;
    let mut ids = Vec::new();
    // 20 Nov 23:30 and 21 Nov 01:30 in India: both on 20 Nov in UTC.
    for created in [ts("2026-11-20T18:00:00Z"), ts("2026-11-20T20:00:00Z")] {
        let id = store::requests::insert(
            &t.pool,
            &store::requests::NewRequest {
                service_id: svc,
                customer_id: cara,
                professional_id: None,
                status: RequestStatus::Requested,
                scheduled_for: ts("2026-11-25T10:00:00Z"),
                address: "12 MG Road",
                pincode: "560001",
                remarks: "",
                created_at: created,
                assigned_at: None,
                completed_at: None,
                closed_at: None,
                cancelled_at: None,
                client_key: None,
            },
        )
        .await
        .unwrap()
        .unwrap();
        ids.push(id);
    }

    let d = dashboard::get(&t, &admin, t.clock.local_offset())
        .await
        .unwrap();
    let last_two: Vec<_> = d.per_day[28..]
        .iter()
        .map(|p| (p.label.as_str(), p.count))
        .collect();
    assert_eq!(last_two, vec![("2026-11-20", 1), ("2026-11-21", 1)]);

    let on = |day: &str| RequestQuery {
        created_from: Some(day.into()),
        created_to: Some(day.into()),
        per_page: 100,
        ..Default::default()
    };
    let today = oversight::list(&t, &admin, on("2026-11-21"), t.clock.local_offset())
        .await
        .unwrap();
    assert_eq!(
        today.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ids[1]]
    );
    let yesterday = oversight::list(&t, &admin, on("2026-11-20"), t.clock.local_offset())
        .await
        .unwrap();
    assert_eq!(
        yesterday.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ids[0]]
    );
}
