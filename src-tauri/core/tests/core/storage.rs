//! A database that cannot take writes (a full disk, a read-only file): each write is refused
//! with a clear `cannot_save` error and leaves nothing half-done, reads keep working, nothing
//! is corrupted, and writes work again as soon as the condition ends, without a restart.
//! The conditions are made on the writer connection with SQLite's own limits
//! (`max_page_count` gives the SQLITE_FULL a full disk gives; `query_only` gives
//! SQLITE_READONLY), so the same error path runs.

use crate::common::*;
use household_core::customer::{self, BookingInput, MyRequestsQuery, RequestScope};
use household_core::domain::Role;
use household_core::{accounts, Actor, AppError, ErrorCode};

async fn on_writer(t: &TestApp, pragma: &str) {
    let mut conn = t.writer_connection().await.unwrap();
    sqlx::query(pragma).execute(&mut *conn).await.unwrap();
}

async fn bookable(t: &TestApp) -> (Actor, i64) {
    let admin = Actor {
        user_id: user_id(t, "admin").await,
        role: Role::Admin,
    };
    let svc = a_service(t).await;
    accounts::register_professional(t, professional_form("ravi", svc))
        .await
        .unwrap();
    household_core::admin::people::approve(t, &admin, user_id(t, "ravi").await)
        .await
        .unwrap();
    let cara = Actor {
        user_id: registered_customer(t, "cara").await.user_id,
        role: Role::Customer,
    };
    (cara, svc)
}

/// A booking with long remarks, so the file fills up sooner.
fn long_booking(svc: i64) -> BookingInput {
    BookingInput {
        remarks: "x".repeat(400),
        ..booking(svc)
    }
}

async fn my_count(t: &TestApp, cara: &Actor) -> usize {
    customer::my_requests(
        t,
        cara,
        MyRequestsQuery {
            scope: RequestScope::All,
            page: 1,
            per_page: 100,
        },
    )
    .await
    .expect("reads keep working")
    .items
    .len()
}

async fn integrity(t: &TestApp) -> String {
    household_core::on!(&t.pool, |ex| sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(ex)
        .await)
    .unwrap()
}

#[tokio::test]
async fn a_full_disk_refuses_writes_clearly_keeps_reads_and_recovers_without_restart() {
    let t = spawn_set_up_app().await;
    if sqlite_only(&t).is_none() {
        return;
    }
    let (cara, svc) = bookable(&t).await;
    // The file may not grow any more (the limit cannot go below its current size).
    on_writer(&t, "PRAGMA max_page_count = 1").await;
    let mut saved = 0;
    let refused = loop {
        match customer::book(&t, &cara, long_booking(svc)).await {
            Ok(_) => saved += 1,
            Err(e) => break e,
        }
        assert!(saved < 5_000, "the database never filled up");
    };
    assert_eq!(refused.code(), ErrorCode::CannotSave, "{refused:?}");
    let AppError::CannotSave(message) = &refused else {
        unreachable!()
    };
    assert!(
        message.contains("disk") && message.contains("full"),
        "{message}"
    );
    // The refused booking left nothing behind; what was saved can still be read.
    assert_eq!(my_count(&t, &cara).await, saved);
    assert_eq!(integrity(&t).await, "ok");
    // Space returns: the next booking is saved, no restart.
    on_writer(&t, "PRAGMA max_page_count = 1073741823").await;
    customer::book(&t, &cara, long_booking(svc)).await.unwrap();
    assert_eq!(my_count(&t, &cara).await, saved + 1);
}

#[tokio::test]
async fn a_read_only_database_refuses_writes_clearly_and_recovers() {
    let t = spawn_set_up_app().await;
    if sqlite_only(&t).is_none() {
        return;
    }
    let (cara, svc) = bookable(&t).await;
    customer::book(&t, &cara, long_booking(svc)).await.unwrap();
    on_writer(&t, "PRAGMA query_only = ON").await;
    let e = customer::book(&t, &cara, long_booking(svc))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CannotSave, "{e:?}");
    assert!(e.to_string().contains("read-only"), "{e}");
    // The desktop is told in the usual shape, with the message (not a generic one).
    let api = household_core::ApiError::from(e);
    assert!(api.message.contains("read-only"));
    assert_eq!(my_count(&t, &cara).await, 1);
    on_writer(&t, "PRAGMA query_only = OFF").await;
    customer::book(&t, &cara, long_booking(svc)).await.unwrap();
    assert_eq!(my_count(&t, &cara).await, 2);
    assert_eq!(integrity(&t).await, "ok");
}

#[tokio::test]
async fn a_transaction_the_database_rolled_back_itself_does_not_stop_later_writes() {
    // What a full disk does at COMMIT: SQLite rolls the transaction back on its own, behind
    // sqlx's back (here: a ROLLBACK sqlx does not see). Writes must go on working.
    let t = spawn_set_up_app().await;
    if sqlite_only(&t).is_none() {
        return;
    }
    let (cara, svc) = bookable(&t).await;
    {
        let mut tx = t.write_tx().await.unwrap();
        household_core::on!(&mut tx, |ex| sqlx::raw_sql("ROLLBACK")
            .execute(ex)
            .await
            .map(|_| ()))
        .unwrap();
        // Dropped: sqlx's own ROLLBACK fails ("no transaction is active").
    }
    for _ in 0..3 {
        customer::book(&t, &cara, long_booking(svc)).await.unwrap();
    }
    assert_eq!(my_count(&t, &cara).await, 3);
    assert_eq!(integrity(&t).await, "ok");
}
