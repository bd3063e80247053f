//! Role checks and per-role data: deny by default, each role sees only its own figures.

use crate::common::*;
use household_core::domain::{Role, VerificationStatus};
use household_core::{accounts, demo, home, store, ErrorCode};

#[tokio::test]
async fn demo_data_is_admin_only_and_only_once() {
    let t = spawn_set_up_app().await;
    registered_customer(&t, "cara").await;
    login(&t, "cara", PASSWORD).await.unwrap();
    let customer = t.actor().await.unwrap();
    assert_eq!(
        demo::load_for_admin(&t, &customer)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}

#[tokio::test]
async fn demo_data_covers_every_status_and_its_accounts_work() {
    let t = spawn_set_up_app().await;
    login(&t, "admin", PASSWORD).await.unwrap();
    let admin = t.actor().await.unwrap();
    let summary = demo::load_for_admin(&t, &admin).await.unwrap();
    assert!(summary.requests >= 10);
    for status in household_core::domain::RequestStatus::ALL {
        let n = store::requests::count_by_status(&t.pool, *status)
            .await
            .unwrap();
        assert!(n > 0, "no demo request in status {}", status.as_str());
    }
    assert!(
        store::professionals::count_by_verification(&t.pool, VerificationStatus::Pending)
            .await
            .unwrap()
            > 0
    );
    assert!(
        store::professionals::count_by_verification(&t.pool, VerificationStatus::Approved)
            .await
            .unwrap()
            > 0
    );
    let again = demo::load_for_admin(&t, &admin).await.unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    assert!(
        !accounts::status(&t, Some(&t.token()), None)
            .await
            .unwrap()
            .demo_available
    );

    t.logout().await;
    let pro = summary
        .accounts
        .iter()
        .find(|a| a.role == Role::Professional && a.note.ends_with("approved"))
        .unwrap();
    assert!(login(&t, &pro.username, demo::DEMO_PASSWORD).await.is_ok());
    t.logout().await;
    let pending = summary
        .accounts
        .iter()
        .find(|a| a.note.ends_with("pending"))
        .unwrap();
    assert_eq!(
        login(&t, &pending.username, demo::DEMO_PASSWORD)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ApprovalPending
    );
    let cust = summary
        .accounts
        .iter()
        .find(|a| a.role == Role::Customer)
        .unwrap();
    assert!(login(&t, &cust.username, demo::DEMO_PASSWORD).await.is_ok());
}

#[tokio::test]
async fn each_role_gets_its_own_home_figures() {
    let t = spawn_set_up_app().await;
    login(&t, "admin", PASSWORD).await.unwrap();
    let admin = t.actor().await.unwrap();
    demo::load_for_admin(&t, &admin).await.unwrap();
    let a = home::summary(&t, &admin).await.unwrap();
    let value = |cards: &[home::SummaryCard], key: &str| {
        cards.iter().find(|c| c.key == key).map(|c| c.value)
    };
    assert_eq!(value(&a.cards, "pending_professionals"), Some(2));
    assert_eq!(value(&a.cards, "active_services"), Some(6));
    t.logout().await;

    // anita.d has one open request, one completed, one closed in the demo set.
    login(&t, "anita.d", demo::DEMO_PASSWORD).await.unwrap();
    let c = t.actor().await.unwrap();
    let cs = home::summary(&t, &c).await.unwrap();
    assert_eq!(cs.role, Role::Customer);
    assert_eq!(value(&cs.cards, "open_requests"), Some(1));
    assert_eq!(value(&cs.cards, "closed_requests"), Some(1));
    assert_eq!(
        value(&cs.cards, "pending_professionals"),
        None,
        "no admin figures for customers"
    );
    t.logout().await;

    // ravi.k: plumber in 560001; rahul's open plumbing request in 560001 is in his feed.
    login(&t, "ravi.k", demo::DEMO_PASSWORD).await.unwrap();
    let p = t.actor().await.unwrap();
    let ps = home::summary(&t, &p).await.unwrap();
    assert_eq!(value(&ps.cards, "feed_requests"), Some(1));
    assert_eq!(value(&ps.cards, "reviews"), Some(1));
}

#[tokio::test]
async fn require_denies_every_other_role() {
    for (role, allowed) in [
        (Role::Admin, Role::Admin),
        (Role::Customer, Role::Customer),
        (Role::Professional, Role::Professional),
    ] {
        for other in [Role::Admin, Role::Customer, Role::Professional] {
            let actor = household_core::Actor {
                user_id: 1,
                role: other,
            };
            assert_eq!(actor.require(role).is_ok(), other == allowed);
            if other != allowed {
                assert_eq!(
                    actor.require(role).unwrap_err().code(),
                    ErrorCode::Forbidden
                );
            }
        }
    }
}
