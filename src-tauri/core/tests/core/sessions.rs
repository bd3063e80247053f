//! Sessions are server-side and per desktop: a bearer token each, stored only as a hash;
//! logout, idle time, a block, a password change and an admin's revocation end one at once.

use crate::common::*;
use chrono::{Duration, FixedOffset};
use household_core::accounts::{self, LoginInput, PasswordChange};
use household_core::admin::people;
use household_core::customer::BookingInput;
use household_core::domain::{Role, UserStatus};
use household_core::ops::{self, Caller};
use household_core::session::{EndReason, SessionToken};
use household_core::{store, Actor, ErrorCode};

/// A desktop: a caller with its own token (none until it signs in).
fn desktop(token: Option<SessionToken>) -> Caller {
    Caller {
        token,
        client: "test desktop".into(),
        offset: FixedOffset::east_opt(0).unwrap(),
        idempotency_key: None,
        terminal: None,
        passive: false,
        app_version: None,
    }
}

async fn sign_in(t: &TestApp, who: &str) -> Caller {
    let s = accounts::login(
        t,
        LoginInput {
            login: who.into(),
            password: PASSWORD.into(),
        },
        "test desktop",
    )
    .await
    .unwrap();
    desktop(Some(s.token))
}

#[tokio::test]
async fn no_session_means_unauthorized() {
    let t = spawn_set_up_app().await;
    assert_eq!(t.actor().await.unwrap_err().code(), ErrorCode::Unauthorized);
    let err = ops::home_summary(&t, &desktop(None)).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn only_a_hash_of_the_token_is_stored() {
    let t = spawn_set_up_app().await;
    login(&t, "admin", PASSWORD).await.unwrap();
    let token = t.token();
    let stored: Vec<String> = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT token_hash FROM sessions"
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    assert!(!stored.is_empty());
    assert!(stored.iter().all(|h| h != token.expose() && h.len() == 64));
    assert_eq!(token.expose().len(), 64, "256 bits as hex");
    assert_eq!(format!("{token:?}"), "SessionToken(***)");
}

#[tokio::test]
async fn logout_ends_the_session() {
    let t = spawn_set_up_app().await;
    login(&t, "admin", PASSWORD).await.unwrap();
    assert!(t.actor().await.is_ok());
    t.logout().await;
    let err = t.actor().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert!(err.to_string().contains("signed out"), "{err}");
}

#[tokio::test]
async fn idle_session_ends_and_activity_keeps_it_alive() {
    let t = spawn_set_up_app().await;
    t.apply_idle_policy(120).await.unwrap();
    let s = login(&t, "admin", PASSWORD).await.unwrap();
    assert_eq!(s.idle_timeout_secs, 120);

    // Activity every 100 s keeps it going well past the timeout.
    for _ in 0..5 {
        t.clock.advance(Duration::seconds(100));
        assert!(t.actor().await.is_ok());
    }
    assert_eq!(t.session_end(&t.token()).await.unwrap(), None);

    t.clock.advance(Duration::seconds(119));
    assert_eq!(
        t.session_end(&t.token()).await.unwrap(),
        None,
        "not idle yet"
    );
    t.clock.advance(Duration::seconds(1));
    let ended = t.session_end(&t.token()).await.unwrap().expect("ended");
    assert_eq!(ended.reason, EndReason::Idle);
    assert!(
        ended.message.contains("2 minute(s) without activity"),
        "{ended:?}"
    );
    let err = t.actor().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn an_expired_session_is_refused_even_without_the_watcher() {
    let t = spawn_set_up_app().await;
    t.apply_idle_policy(60).await.unwrap();
    login(&t, "admin", PASSWORD).await.unwrap();
    t.clock.advance(Duration::seconds(61));
    let err = t.actor().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert!(err.to_string().contains("without activity"), "{err}");
}

#[tokio::test]
async fn a_new_idle_policy_applies_to_live_sessions() {
    let t = spawn_set_up_app().await;
    login(&t, "admin", PASSWORD).await.unwrap();
    t.apply_idle_policy(300).await.unwrap();
    assert_eq!(t.touch().await.unwrap().idle_timeout_secs, 300);
    t.clock.advance(Duration::seconds(301));
    assert_eq!(t.actor().await.unwrap_err().code(), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn blocking_ends_a_live_session_at_once_with_the_reason() {
    let t = spawn_set_up_app().await;
    let admin = sign_in(&t, "admin").await;
    let c = registered_customer(&t, "cara").await;
    let cara = sign_in(&t, "cara").await;
    assert!(ops::home_summary(&t, &cara).await.is_ok());
    ops::admin_block_user(&t, &admin, c.user_id, "Abusive messages".into())
        .await
        .unwrap();
    let ended = t
        .session_end(cara.token.as_ref().unwrap())
        .await
        .unwrap()
        .expect("ended by the block");
    assert_eq!(ended.reason, EndReason::Blocked);
    assert!(ended.message.contains("Abusive messages"), "{ended:?}");
    for _ in 0..2 {
        let err = ops::home_summary(&t, &cara).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::AccountBlocked);
    }
    // Unblocking does not bring the old session back: Cara signs in again.
    ops::admin_unblock_user(&t, &admin, c.user_id)
        .await
        .unwrap();
    assert!(ops::home_summary(&t, &cara).await.is_err());
    assert!(ops::home_summary(&t, &sign_in(&t, "cara").await)
        .await
        .is_ok());
}

#[tokio::test]
async fn a_block_made_outside_the_workflows_is_noticed_on_the_next_command() {
    let t = spawn_set_up_app().await;
    let c = registered_customer(&t, "cara").await;
    login(&t, "cara", PASSWORD).await.unwrap();
    store::users::set_status(
        &t.pool,
        c.user_id,
        UserStatus::Blocked,
        Some("Abusive messages"),
        ts("2026-11-21T09:00:00Z"),
    )
    .await
    .unwrap();
    assert_eq!(
        t.actor().await.unwrap_err().code(),
        ErrorCode::AccountBlocked
    );
    let ended = t.session_end(&t.token()).await.unwrap().expect("ended");
    assert_eq!(ended.reason, EndReason::Blocked);
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_keeps_this_one() {
    let t = spawn_set_up_app().await;
    registered_customer(&t, "cara").await;
    let laptop = sign_in(&t, "cara").await;
    let counter = sign_in(&t, "cara").await;
    ops::change_password(
        &t,
        &laptop,
        PasswordChange {
            current_password: PASSWORD.into(),
            new_password: "a brand new passphrase".into(),
        },
    )
    .await
    .unwrap();
    assert!(ops::home_summary(&t, &laptop).await.is_ok());
    let err = ops::home_summary(&t, &counter).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert!(err.to_string().contains("password was changed"), "{err}");
}

#[tokio::test]
async fn an_admin_can_sign_a_user_out_everywhere() {
    let t = spawn_set_up_app().await;
    let admin = sign_in(&t, "admin").await;
    let c = registered_customer(&t, "cara").await;
    let one = sign_in(&t, "cara").await;
    let two = sign_in(&t, "cara").await;
    let detail = ops::admin_person_detail(&t, &admin, c.user_id)
        .await
        .unwrap();
    assert_eq!(detail.live_sessions, 2);
    assert_eq!(
        ops::admin_end_sessions(&t, &admin, c.user_id)
            .await
            .unwrap(),
        2
    );
    for caller in [&one, &two] {
        let err = ops::home_summary(&t, caller).await.unwrap_err();
        assert!(err.to_string().contains("administrator ended"), "{err}");
    }
    // Only admins may do it; the admin's own session is untouched.
    let c2 = sign_in(&t, "cara").await;
    let err = ops::admin_end_sessions(&t, &c2, c.user_id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    assert!(ops::home_summary(&t, &admin).await.is_ok());
    let audit = people::detail(
        &t,
        &Actor {
            user_id: user_id(&t, "admin").await,
            role: Role::Admin,
        },
        c.user_id,
    )
    .await
    .unwrap()
    .audit;
    assert!(audit.iter().any(|e| e.action == "sessions.revoked"));
}

#[tokio::test]
async fn two_roles_at_once_on_one_core_each_see_their_own() {
    let t = spawn_set_up_app().await;
    let admin = sign_in(&t, "admin").await;
    registered_customer(&t, "cara").await;
    let cara = sign_in(&t, "cara").await;
    // Interleaved: each desktop keeps its own identity.
    let a = ops::home_summary(&t, &admin).await.unwrap();
    let c = ops::home_summary(&t, &cara).await.unwrap();
    assert_eq!((a.role, c.role), (Role::Admin, Role::Customer));
    assert!(ops::admin_list_services(&t, &admin).await.is_ok());
    assert_eq!(
        ops::admin_list_services(&t, &cara)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    assert!(ops::customer_profile(&t, &cara).await.is_ok());
    assert_eq!(
        ops::customer_profile(&t, &admin).await.unwrap_err().code(),
        ErrorCode::Forbidden
    );
    // Signing one out leaves the other signed in.
    ops::logout(&t, &cara).await.unwrap();
    assert!(ops::home_summary(&t, &admin).await.is_ok());
    assert!(ops::home_summary(&t, &cara).await.is_err());
}

#[tokio::test]
async fn one_customers_token_never_reaches_another_customers_request() {
    let t = spawn_set_up_app().await;
    let admin = sign_in(&t, "admin").await;
    let svc = ops::admin_create_service(
        &t,
        &admin,
        household_core::admin::catalog::ServiceInput {
            name: "Plumbing".into(),
            description: String::new(),
            base_price_minor: 49_900,
            estimated_minutes: 60,
        },
    )
    .await
    .unwrap();
    accounts::register_professional(&t, professional_form("ravi", svc))
        .await
        .unwrap();
    ops::admin_approve_professional(&t, &admin, user_id(&t, "ravi").await)
        .await
        .unwrap();
    registered_customer(&t, "cara").await;
    registered_customer(&t, "dev").await;
    let cara = sign_in(&t, "cara").await;
    let dev = sign_in(&t, "dev").await;
    let id = ops::customer_book(
        &t,
        &cara,
        BookingInput {
            service_id: svc,
            scheduled_for: (t.now() + Duration::days(1)).to_string(),
            address: None,
            pincode: None,
            remarks: String::new(),
        },
    )
    .await
    .unwrap();
    assert!(ops::customer_request_detail(&t, &cara, id).await.is_ok());
    for err in [
        ops::customer_request_detail(&t, &dev, id)
            .await
            .unwrap_err(),
        ops::customer_cancel_request(&t, &dev, id)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.code(), ErrorCode::NotFound);
    }
    assert!(ops::customer_my_requests(&t, &dev, Default::default())
        .await
        .unwrap()
        .items
        .is_empty());
}

#[tokio::test]
async fn passive_checks_do_not_keep_an_idle_session_alive() {
    let t = spawn_set_up_app().await;
    t.apply_idle_policy(60).await.unwrap();
    login(&t, "admin", PASSWORD).await.unwrap();
    for _ in 0..5 {
        t.clock.advance(Duration::seconds(11));
        assert!(t.actor_passive().await.is_ok());
    }
    t.clock.advance(Duration::seconds(6));
    assert_eq!(
        t.actor_passive().await.unwrap_err().code(),
        ErrorCode::Unauthorized
    );
}

#[tokio::test]
async fn malformed_tokens_are_refused() {
    assert!(SessionToken::parse("short").is_none());
    assert!(SessionToken::parse(&"g".repeat(64)).is_none());
    assert!(SessionToken::parse(&"a".repeat(64)).is_some());
}

/// Business settings (with the SMTP server) are an administrator's: nothing of them reaches
/// a caller without a session or with another role; a new idle policy reaches live sessions.
#[tokio::test]
async fn business_settings_are_for_administrators_only() {
    let t = spawn_set_up_app().await;
    let admin = sign_in(&t, "admin").await;
    registered_customer(&t, "cara").await;
    let cara = sign_in(&t, "cara").await;
    let anonymous = desktop(None);
    let err = ops::admin_business_settings(&t, &anonymous)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    let err = ops::admin_business_settings(&t, &cara).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let mut s = ops::admin_business_settings(&t, &admin).await.unwrap();
    s.idle_timeout_minutes = 3;
    let err = ops::admin_save_business_settings(&t, &cara, s.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    ops::admin_save_business_settings(&t, &admin, s)
        .await
        .unwrap();
    let view = t
        .session_view(cara.token.as_ref().unwrap(), false)
        .await
        .unwrap();
    assert_eq!(
        view.idle_timeout_secs, 180,
        "the live session follows the new policy"
    );
}
