//! CSV exports: exact content, formula escaping, cancel, failure, crash recovery, access.

use crate::common::*;
use chrono::Duration;
use household_core::admin::catalog::{self, ServiceInput};
use household_core::admin::people;
use household_core::clock::Clock;
use household_core::customer::{self, BookingInput, ReviewInput};
use household_core::domain::{ExportStatus, RequestStatus, Role};
use household_core::exports::{self, neutralise, ExportFilters, ExportKind};
use household_core::generator::{generate, GenSize};
use household_core::professional;
use household_core::store::exports::ExportJobRow;
use household_core::{accounts, store, Actor, ErrorCode};
use std::path::Path;

async fn admin_of(t: &TestApp) -> Actor {
    Actor {
        user_id: user_id(t, "admin").await,
        role: Role::Admin,
    }
}

async fn wait_done(t: &TestApp, admin: &Actor, id: i64) -> ExportJobRow {
    for _ in 0..600 {
        let job = exports::get(t, admin, id).await.unwrap();
        if !job.status.is_active() {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("export {id} did not finish");
}

fn dir_is_clean(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn formula_cells_are_neutralised() {
    for (raw, safe) in [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+91 98450", "'+91 98450"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ] {
        assert_eq!(neutralise(raw), safe, "{raw:?}");
    }
    assert_eq!(exports::money(49_900), "499.00");
    assert_eq!(exports::money(5), "0.05");
    assert_eq!(exports::money(-1_050), "-10.50");
}

#[tokio::test]
async fn closed_requests_export_has_the_exact_expected_content() {
    let t = spawn_set_up_app().await;
    let admin = admin_of(&t).await;
    let svc = a_service(&t).await;
    let mut form = customer_form("cara");
    form.full_name = "=HYPERLINK(\"http://evil\")".into();
    let cara = Actor {
        user_id: t
            .keep(accounts::register_customer(&t, form, "test").await)
            .unwrap()
            .user_id,
        role: Role::Customer,
    };
    t.logout().await;
    accounts::register_professional(&t, professional_form("ravi", svc))
        .await
        .unwrap();
    let ravi = Actor {
        user_id: user_id(&t, "ravi").await,
        role: Role::Professional,
    };
    people::approve(&t, &admin, ravi.user_id).await.unwrap();
    let book = |remarks: &str| BookingInput {
        service_id: svc,
        scheduled_for: (t.clock.now() + Duration::days(1)).to_rfc3339(),
        address: None,
        pincode: None,
        remarks: remarks.into(),
    };
    let closed = customer::book(&t, &cara, book("+1, \"quoted\" remark"))
        .await
        .unwrap();
    let open = customer::book(&t, &cara, book("still open")).await.unwrap();
    professional::accept(&t, &ravi, closed).await.unwrap();
    reach_visit(&t, closed).await;
    t.clock.advance(Duration::hours(2));
    professional::complete(
        &t,
        &ravi,
        closed,
        with_code(&t, closed).await,
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    t.clock.advance(Duration::hours(1));
    customer::close(
        &t,
        &cara,
        closed,
        Some(ReviewInput {
            rating: 5,
            comment: Some("@great job".into()),
        }),
        paid_in_cash(&t, closed).await,
    )
    .await
    .unwrap();

    // The admin raises the price afterwards: the request keeps the price it was booked at.
    catalog::update(
        &t,
        &admin,
        svc,
        ServiceInput {
            name: "Plumbing".into(),
            description: "Pipes".into(),
            base_price_minor: 59_900,
            estimated_minutes: 60,
        },
    )
    .await
    .unwrap();
    let detail = customer::request_detail(&t, &cara, closed).await.unwrap();
    assert_eq!(detail.request.price_minor, 49_900);

    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("closed.csv");
    let id = exports::start(
        &t,
        &admin,
        ExportKind::ClosedRequests,
        ExportFilters::default(),
        target.clone(),
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    let job = wait_done(&t, &admin, id).await;
    assert_eq!(
        (job.status, job.rows_written, job.rows_total),
        (ExportStatus::Succeeded, 1, Some(1)),
        "{job:?}"
    );
    let csv = std::fs::read_to_string(&target).unwrap();
    assert_eq!(job.file_size, Some(csv.len() as i64));
    let expected = format!(
        "request_id,service,customer,customer_email,professional,requested_at,completed_at,closed_at,remarks,rating,review_comment,base_price\n\
         {closed},Plumbing,\"'=HYPERLINK(\"\"http://evil\"\")\",cara@example.com,Pro ravi,2026-11-21T09:00:00Z,2026-11-22T11:00:00Z,2026-11-22T12:00:00Z,\"'+1, \"\"quoted\"\" remark\",5,'@great job,499.00\n"
    );
    assert_eq!(csv, expected);
    assert!(!csv.contains(&format!("\n{open},")));
    assert_eq!(
        dir_is_clean(out.path()),
        vec!["closed.csv"],
        "no temp files left"
    );
    assert_eq!(exports::file_of(&t, &admin, id).await.unwrap(), target);

    // The filtered requests export uses the admin list's filters.
    let target2 = out.path().join("open.csv");
    let filters = ExportFilters {
        status: Some(RequestStatus::Requested),
        ..Default::default()
    };
    let id2 = exports::start(
        &t,
        &admin,
        ExportKind::Requests,
        filters,
        target2.clone(),
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    assert_eq!(wait_done(&t, &admin, id2).await.rows_written, 1);
    let csv2 = std::fs::read_to_string(&target2).unwrap();
    assert!(csv2.starts_with("request_id,status,service,"));
    assert!(
        csv2.contains(&format!("\n{open},requested,Plumbing,")),
        "{csv2}"
    );
    let history = exports::list(&t, &admin, 1, 20).await.unwrap();
    assert_eq!(
        history.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![id2, id]
    );
    assert_eq!(history[0].requested_by_name, "Asha Admin");

    // Several filters at once bind in order; a date range that excludes everything is empty.
    let run = |kind, filters, name: &str| {
        let target = out.path().join(name);
        let (t, admin) = (&t, &admin);
        async move {
            let id = exports::start(
                t,
                admin,
                kind,
                filters,
                target.clone(),
                t.clock.local_offset(),
            )
            .await
            .unwrap();
            let job = wait_done(t, admin, id).await;
            assert_eq!(job.status, ExportStatus::Succeeded, "{job:?}");
            std::fs::read_to_string(&target).unwrap()
        }
    };
    let both = ExportFilters {
        service_id: Some(svc),
        customer_id: Some(cara.user_id),
        created_from: Some("2026-11-21".into()),
        created_to: Some("2026-11-21".into()),
        ..Default::default()
    };
    let csv3 = run(ExportKind::Requests, both.clone(), "both.csv").await;
    assert_eq!(csv3.lines().count(), 3, "{csv3}");
    let none = ExportFilters {
        created_from: Some("2026-11-01".into()),
        created_to: Some("2026-11-20".into()),
        ..both
    };
    let csv4 = run(ExportKind::Requests, none, "none.csv").await;
    assert_eq!(csv4.lines().count(), 1, "{csv4}");

    // People exports: ratings with two decimals, counts, and an empty cell for "no rating".
    professional::rate_customer(
        &t,
        &ravi,
        closed,
        ReviewInput {
            rating: 4,
            comment: None,
        },
    )
    .await
    .unwrap();
    let pros = run(ExportKind::Professionals, ExportFilters::default(), "p.csv").await;
    assert_eq!(
        pros,
        format!(
            "user_id,full_name,username,email,phone,pincode,service,experience_years,verification_status,account_status,rating_avg,rating_count,completed_jobs,registered_at\n\
             {},Pro ravi,ravi,ravi@example.com,9845012345,560001,Plumbing,4,approved,active,5.00,1,1,2026-11-21T09:00:00Z\n",
            ravi.user_id
        )
    );
    let customers = run(ExportKind::Customers, ExportFilters::default(), "c.csv").await;
    assert_eq!(
        customers,
        format!(
            "user_id,full_name,username,email,phone,address,pincode,account_status,requests,rating_avg,rating_count,registered_at\n\
             {},\"'=HYPERLINK(\"\"http://evil\"\")\",cara,cara@example.com,9876543210,\"12 MG Road, Bengaluru\",560001,active,2,4.00,1,2026-11-21T09:00:00Z\n",
            cara.user_id
        )
    );
}

#[tokio::test]
async fn cancelling_mid_way_leaves_no_file() {
    let t = spawn_set_up_app().await;
    let admin = admin_of(&t).await;
    generate(&t, GenSize::for_requests(200_000)).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("big.csv");
    let id = exports::start(
        &t,
        &admin,
        ExportKind::Requests,
        ExportFilters::default(),
        target.clone(),
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    exports::cancel(&t, &admin, id).await.unwrap();
    let job = wait_done(&t, &admin, id).await;
    assert_eq!(job.status, ExportStatus::Cancelled);
    assert!(job.rows_written < 200_000, "{job:?}");
    assert!(!target.exists());
    assert!(
        dir_is_clean(out.path()).is_empty(),
        "{:?}",
        dir_is_clean(out.path())
    );
    assert_eq!(
        exports::cancel(&t, &admin, id).await.unwrap_err().code(),
        ErrorCode::Conflict
    );
    assert_eq!(
        exports::file_of(&t, &admin, id).await.unwrap_err().code(),
        ErrorCode::Conflict
    );
}

#[tokio::test]
async fn unwritable_folder_fails_cleanly_with_the_error_recorded() {
    let t = spawn_set_up_app().await;
    let admin = admin_of(&t).await;
    let out = tempfile::tempdir().unwrap();
    // A "folder" that is a file: nothing can be created in it, whoever we run as.
    let not_a_dir = out.path().join("report.txt");
    std::fs::write(&not_a_dir, "x").unwrap();
    let id = exports::start(
        &t,
        &admin,
        ExportKind::Customers,
        ExportFilters::default(),
        not_a_dir.join("c.csv"),
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    let job = wait_done(&t, &admin, id).await;
    assert_eq!(job.status, ExportStatus::Failed);
    assert!(
        job.error
            .as_deref()
            .unwrap_or("")
            .contains("Cannot write in"),
        "{job:?}"
    );
}

#[tokio::test]
async fn failure_mid_way_never_leaves_a_partial_file_under_the_name() {
    let t = spawn_set_up_app().await;
    let admin = admin_of(&t).await;
    generate(&t, GenSize::for_requests(200_000)).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("reports");
    std::fs::create_dir(&folder).unwrap();
    let target = folder.join("all.csv");
    let id = exports::start(
        &t,
        &admin,
        ExportKind::Requests,
        ExportFilters::default(),
        target.clone(),
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    // The folder disappears while the export runs (e.g. a USB stick pulled out).
    for _ in 0..200 {
        if exports::get(&t, &admin, id).await.unwrap().status == ExportStatus::Running {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    std::fs::remove_dir_all(&folder).unwrap();
    let job = wait_done(&t, &admin, id).await;
    assert_eq!(job.status, ExportStatus::Failed, "{job:?}");
    assert!(job.error.is_some());
    assert!(!target.exists());
}

#[tokio::test]
async fn a_failure_at_the_rename_keeps_the_row_count_and_no_temp_file() {
    let t = spawn_set_up_app().await;
    let admin = admin_of(&t).await;
    registered_customer(&t, "cara").await;
    registered_customer(&t, "dev").await;
    let out = tempfile::tempdir().unwrap();
    // The chosen name is taken by a folder with something in it: the rows are written, but
    // the final rename cannot replace it.
    let target = out.path().join("customers.csv");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep.txt"), "mine").unwrap();
    let id = exports::start(
        &t,
        &admin,
        ExportKind::Customers,
        ExportFilters::default(),
        target.clone(),
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    let job = wait_done(&t, &admin, id).await;
    assert_eq!(job.status, ExportStatus::Failed, "{job:?}");
    assert_eq!(
        job.rows_written, 2,
        "rows written before the failure are recorded"
    );
    assert!(
        job.error.as_deref().unwrap_or("").contains("Cannot save"),
        "{job:?}"
    );
    assert_eq!(
        std::fs::read_to_string(target.join("keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        dir_is_clean(out.path()),
        vec!["customers.csv"],
        "no temp file left"
    );
}

#[tokio::test]
async fn a_job_left_running_by_a_crash_is_failed_at_next_start() {
    let t = spawn_set_up_app().await;
    let admin = admin_of(&t).await;
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("crash.csv");
    let id = store::exports::insert(
        &t.pool,
        admin.user_id,
        ExportKind::Customers,
        "{}",
        &target.to_string_lossy(),
        ts("2026-11-21T09:00:00Z"),
        None,
    )
    .await
    .unwrap();
    store::exports::mark_running(&t.pool, id, 10, ts("2026-11-21T09:00:01Z"))
        .await
        .unwrap();
    let tmp = exports::temp_path(&target, id);
    std::fs::write(&tmp, "user_id,full_name\n1,half a fi").unwrap();

    // Found at the next start on SQLite; on PostgreSQL, where another instance may still be
    // running it, once it is older than the lease.
    t.clock
        .advance(exports::EXPORT_LEASE + chrono::Duration::seconds(1));
    assert_eq!(exports::recover_interrupted(&t).await.unwrap(), 1);
    let job = exports::get(&t, &admin, id).await.unwrap();
    assert_eq!(job.status, ExportStatus::Failed);
    assert!(job.error.unwrap().contains("app closed"));
    assert!(!tmp.exists() && !target.exists());
    assert_eq!(exports::recover_interrupted(&t).await.unwrap(), 0);
}

#[tokio::test]
async fn only_admins_can_start_see_or_open_exports() {
    let t = spawn_set_up_app().await;
    let admin = admin_of(&t).await;
    let out = tempfile::tempdir().unwrap();
    let id = exports::start(
        &t,
        &admin,
        ExportKind::Customers,
        ExportFilters::default(),
        out.path().join("c.csv"),
        t.clock.local_offset(),
    )
    .await
    .unwrap();
    wait_done(&t, &admin, id).await;
    let c = Actor {
        user_id: registered_customer(&t, "cara").await.user_id,
        role: Role::Customer,
    };
    let p = Actor {
        user_id: 999,
        role: Role::Professional,
    };
    for who in [c, p] {
        let start = exports::start(
            &t,
            &who,
            ExportKind::Customers,
            ExportFilters::default(),
            out.path().join("x.csv"),
            t.clock.local_offset(),
        )
        .await;
        assert_eq!(start.unwrap_err().code(), ErrorCode::Forbidden);
        assert_eq!(
            exports::get(&t, &who, id).await.unwrap_err().code(),
            ErrorCode::Forbidden
        );
        assert_eq!(
            exports::list(&t, &who, 1, 10).await.unwrap_err().code(),
            ErrorCode::Forbidden
        );
        assert_eq!(
            exports::file_of(&t, &who, id).await.unwrap_err().code(),
            ErrorCode::Forbidden
        );
        assert_eq!(
            exports::cancel(&t, &who, id).await.unwrap_err().code(),
            ErrorCode::Forbidden
        );
    }
    assert!(!out.path().join("x.csv").exists());
    let relative = exports::start(
        &t,
        &admin,
        ExportKind::Customers,
        ExportFilters::default(),
        "relative.csv".into(),
        t.clock.local_offset(),
    )
    .await;
    assert_eq!(relative.unwrap_err().code(), ErrorCode::Validation);
}
