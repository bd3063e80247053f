//! Failed logins back off exponentially, bounded, and never reveal whether an account exists.

use crate::common::*;
use chrono::Duration;
use household_core::throttle::{FREE_FAILURES, MAX_DELAY_SECS};
use household_core::{AppError, ErrorCode};

async fn fail(t: &TestApp, who: &str) -> AppError {
    login(t, who, "not the password!").await.unwrap_err()
}

#[tokio::test]
async fn locks_after_the_free_failures_and_unlocks_after_the_delay() {
    let t = spawn_set_up_app().await;
    registered_customer(&t, "cara").await;
    for _ in 0..FREE_FAILURES {
        assert_eq!(fail(&t, "cara").await.code(), ErrorCode::Unauthorized);
    }
    // The next failure starts a 2 s back-off...
    assert_eq!(fail(&t, "cara").await.code(), ErrorCode::Unauthorized);
    // ...during which even the right password is refused without being checked.
    match login(&t, "cara", PASSWORD).await.unwrap_err() {
        AppError::Locked {
            retry_after_secs, ..
        } => assert_eq!(retry_after_secs, 2),
        other => panic!("expected locked, got {other:?}"),
    }
    t.clock.advance(Duration::seconds(2));
    assert!(
        login(&t, "cara", PASSWORD).await.is_ok(),
        "unlocked after the delay"
    );
    t.logout().await;
    // Success forgets the failures: the owner gets their free attempts back.
    for _ in 0..FREE_FAILURES {
        assert_eq!(fail(&t, "cara").await.code(), ErrorCode::Unauthorized);
    }
}

#[tokio::test]
async fn back_off_doubles_and_is_capped() {
    let t = spawn_set_up_app().await;
    registered_customer(&t, "cara").await;
    let mut delays = Vec::new();
    for _ in 0..40 {
        // Each attempt is either refused by the lock (wait it out) or counted as a failure.
        if let AppError::Locked {
            retry_after_secs, ..
        } = fail(&t, "cara").await
        {
            delays.push(retry_after_secs);
            t.clock
                .advance(Duration::seconds(i64::from(retry_after_secs)));
        }
    }
    assert_eq!(&delays[..4], &[2, 4, 8, 16], "{delays:?}");
    assert!(
        delays.iter().all(|d| i64::from(*d) <= MAX_DELAY_SECS),
        "{delays:?}"
    );
    assert_eq!(i64::from(*delays.last().unwrap()), MAX_DELAY_SECS);
    // The owner is never locked out for longer than the cap.
    t.clock.advance(Duration::seconds(MAX_DELAY_SECS));
    assert!(login(&t, "cara", PASSWORD).await.is_ok());
}

#[tokio::test]
async fn unknown_accounts_are_throttled_exactly_like_real_ones() {
    let t = spawn_set_up_app().await;
    registered_customer(&t, "cara").await;
    let mut real = Vec::new();
    let mut ghost = Vec::new();
    for _ in 0..(FREE_FAILURES + 2) {
        real.push(fail(&t, "cara").await.code());
        ghost.push(fail(&t, "ghost@example.com").await.code());
    }
    assert_eq!(real, ghost);
    assert_eq!(real.last(), Some(&ErrorCode::Locked));
}

#[tokio::test]
async fn old_failures_are_forgotten() {
    let t = spawn_set_up_app().await;
    registered_customer(&t, "cara").await;
    for _ in 0..FREE_FAILURES {
        fail(&t, "cara").await;
    }
    t.clock.advance(Duration::hours(2));
    // A fresh failure after a long quiet spell counts as the first again: no lock.
    fail(&t, "cara").await;
    assert!(login(&t, "cara", PASSWORD).await.is_ok());
}
