//! The bulk generator makes a consistent data set that the workflows can use.

use crate::common::*;
use household_core::domain::{RequestStatus, Role};
use household_core::generator::{generate, GenSize};
use household_core::professional::{self, FeedQuery};
use household_core::{store, Actor};

#[tokio::test]
async fn generated_data_is_consistent_and_usable() {
    let t = spawn_set_up_app().await;
    let size = GenSize::for_requests(5_000);
    let report = generate(&t, size).await.unwrap();
    assert_eq!(report.requests, 5_000);
    let count = |sql: &'static str| {
        let pool = t.pool.clone();
        async move {
            household_core::on!(&pool, |ex| sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(ex)
                .await)
            .unwrap()
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM service_requests").await, 5_000);
    assert_eq!(
        count("SELECT COUNT(*) FROM customers").await,
        size.customers
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM professionals").await,
        size.professionals
    );
    for s in RequestStatus::ALL {
        assert!(
            store::requests::count_by_status(&t.pool, *s).await.unwrap() > 0,
            "{s:?}"
        );
    }
    // PostgreSQL checks every foreign key as rows go in; SQLite's generator defers them.
    if let Some(pool) = t.pool.as_sqlite() {
        let fk_problems: Vec<(String, i64, String, i64)> =
            sqlx::query_as("PRAGMA foreign_key_check")
                .fetch_all(pool)
                .await
                .unwrap();
        assert!(fk_problems.is_empty(), "{fk_problems:?}");
    }
    // Requests carry their service's price.
    assert_eq!(count("SELECT COUNT(*) FROM service_requests r JOIN services s ON s.id = r.service_id WHERE r.price_minor <> s.base_price_minor").await, 0);
    // Assigned requests go to a professional of the same service.
    assert_eq!(count("SELECT COUNT(*) FROM service_requests r JOIN professionals p ON p.user_id = r.professional_id WHERE p.service_id <> r.service_id").await, 0);
    // Jobs are spread over the professionals: each status reaches most of them (the status
    // and the service once followed the same digits of the request id, and all assigned jobs
    // sat with 8 professionals).
    for status in ["assigned", "completed", "closed"] {
        let holders: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
            "SELECT COUNT(DISTINCT professional_id) FROM service_requests WHERE status = $1",
        )
        .bind(status)
        .fetch_one(ex)
        .await)
        .unwrap();
        assert!(
            holders * 10 >= size.professionals * 8,
            "{status}: {holders} of {} professionals hold such jobs",
            size.professionals
        );
    }
    let services_booked =
        count("SELECT COUNT(DISTINCT service_id) FROM service_requests WHERE status = 'requested'")
            .await;
    assert_eq!(services_booked, size.services);
    // Roll-ups equal the reviews they summarise.
    assert_eq!(count("SELECT COUNT(*) FROM services s WHERE s.rating_count <> (SELECT COUNT(v.rating) FROM reviews v JOIN service_requests r ON r.id = v.request_id WHERE r.service_id = s.id)").await, 0);
    assert_eq!(
        count("SELECT CAST(SUM(rating_count) AS BIGINT) FROM professionals").await,
        count("SELECT COUNT(rating) FROM reviews").await
    );
    // A generated professional has a working feed.
    let pro = user_id(&t, "pro1").await;
    let feed = professional::feed(
        &t,
        &Actor {
            user_id: pro,
            role: Role::Professional,
        },
        FeedQuery {
            page: 1,
            per_page: 50,
        },
    )
    .await
    .unwrap();
    let (service_id, pincode) = store::professionals::service_area(&t.pool, pro)
        .await
        .unwrap()
        .unwrap();
    let open_here: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar("SELECT COUNT(*) FROM service_requests WHERE status = 'requested' AND service_id = $1 AND pincode = $2")
        .bind(service_id).bind(&pincode).fetch_one(ex).await).unwrap();
    assert_eq!(feed.items.len() as i64, open_here.min(50));
    assert!(login(&t, "cust1", household_core::demo::DEMO_PASSWORD)
        .await
        .is_ok());
}
