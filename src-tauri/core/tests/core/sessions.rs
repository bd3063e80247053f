//! Sessions live in Rust: logout, idle timeout, blocking mid-session.

use crate::common::*;
use chrono::Duration;
use household_core::accounts;
use household_core::domain::UserStatus;
use household_core::session::EndReason;
use household_core::{store, ErrorCode};

#[tokio::test]
async fn no_session_means_unauthorized() {
    let t = spawn_set_up_app().await;
    assert_eq!(t.actor().await.unwrap_err().code(), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn logout_ends_the_session_in_rust() {
    let t = spawn_set_up_app().await;
    login(&t, "admin", PASSWORD).await.unwrap();
    assert!(t.actor().await.is_ok());
    accounts::logout(&t);
    assert_eq!(t.actor().await.unwrap_err().code(), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn idle_session_ends_and_activity_keeps_it_alive() {
    let t = spawn_set_up_app().await;
    t.set_idle_timeout_secs(120);
    let s = login(&t, "admin", PASSWORD).await.unwrap();
    assert_eq!(s.idle_timeout_secs, 120);

    // Activity every 100 s keeps it going well past the timeout.
    for _ in 0..5 {
        t.clock.advance(Duration::seconds(100));
        assert!(t.actor().await.is_ok());
    }
    assert_eq!(t.expire_idle(), None);

    t.clock.advance(Duration::seconds(119));
    assert_eq!(t.expire_idle(), None, "not idle yet");
    t.clock.advance(Duration::seconds(1));
    assert_eq!(t.expire_idle(), Some(EndReason::Idle));
    assert!(t.peek_session().is_none());
    let err = t.actor().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn an_expired_session_is_refused_even_without_the_watcher() {
    let t = spawn_set_up_app().await;
    t.set_idle_timeout_secs(60);
    login(&t, "admin", PASSWORD).await.unwrap();
    t.clock.advance(Duration::seconds(61));
    let err = t.actor().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert!(err.to_string().contains("without activity"), "{err}");
}

#[tokio::test]
async fn blocking_ends_a_live_session_on_its_next_command() {
    let t = spawn_set_up_app().await;
    let c = registered_customer(&t, "cara").await;
    login(&t, "cara", PASSWORD).await.unwrap();
    assert!(t.actor().await.is_ok());
    store::users::set_status(
        &t.pool,
        c.user_id,
        UserStatus::Blocked,
        Some("Abusive messages"),
        ts("2026-11-21T09:00:00Z"),
    )
    .await
    .unwrap();
    let err = t.actor().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AccountBlocked);
    assert!(
        t.peek_session().is_none(),
        "the session is gone, not just refused once"
    );
    assert_eq!(t.actor().await.unwrap_err().code(), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn touch_reports_the_current_timeout() {
    let t = spawn_set_up_app().await;
    login(&t, "admin", PASSWORD).await.unwrap();
    t.set_idle_timeout_secs(300);
    assert_eq!(t.touch().await.unwrap().idle_timeout_secs, 300);
}

#[tokio::test]
async fn passive_checks_do_not_keep_an_idle_session_alive() {
    let t = spawn_set_up_app().await;
    t.set_idle_timeout_secs(60);
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
