//! Account recovery: one-time reset codes issued by an administrator or sent by email.

use crate::common::*;
use household_core::email::{SmtpSettings, TlsMode};
use household_core::password_reset::{self, PasswordReset, EMAIL_SENT, WRONG_CODE};
use household_core::session::EndReason;
use household_core::settings::{self, BusinessSettings};
use household_core::{accounts, store, AppError, ErrorCode};

const NEW_PASSWORD: &str = "a brand new passphrase";

fn reset_form(login: &str, code: &str) -> PasswordReset {
    PasswordReset {
        login: login.into(),
        code: code.into(),
        new_password: NEW_PASSWORD.into(),
    }
}

/// The app with its admin signed in on the test desktop and a customer "cara".
async fn admin_and_cara() -> (TestApp, household_core::Actor, i64) {
    let t = spawn_set_up_app().await;
    registered_customer(&t, "cara").await;
    login(&t, "admin", PASSWORD).await.unwrap();
    let admin = t.actor().await.unwrap();
    let cara = user_id(&t, "cara").await;
    (t, admin, cara)
}

fn field_message(e: &AppError, field: &str) -> Option<String> {
    e.field_errors()
        .iter()
        .find(|f| f.field == field)
        .map(|f| f.message.clone())
}

#[tokio::test]
async fn an_admin_code_sets_a_new_password_once_and_ends_every_session() {
    let (t, admin, cara) = admin_and_cara().await;
    // Cara is signed in on two other computers.
    let a = accounts::login(&t, login_input("cara", PASSWORD), "counter 1")
        .await
        .unwrap();
    let b = accounts::login(&t, login_input("cara", PASSWORD), "counter 2")
        .await
        .unwrap();

    let code = password_reset::issue(&t, &admin, cara).await.unwrap();
    assert_eq!(
        code.expires_at.get(),
        t.now().get() + chrono::Duration::minutes(15)
    );
    // Typed loosely, as people do.
    let typed = code.code.to_lowercase().replace('-', " ");
    password_reset::reset(&t, reset_form("CARA", &typed))
        .await
        .unwrap();

    for s in [&a, &b] {
        assert!(t.app.actor(&s.token).await.is_err(), "the session ended");
        assert_eq!(
            t.session_end(&s.token).await.unwrap().map(|e| e.reason),
            Some(EndReason::PasswordChanged)
        );
    }
    assert!(login(&t, "cara", PASSWORD).await.is_err(), "old password");
    login(&t, "cara", NEW_PASSWORD).await.expect("new password");

    // Used once: the same code again is refused, and nothing changes.
    let mut again = reset_form("cara", &code.code);
    again.new_password = "yet another passphrase".into();
    let e = password_reset::reset(&t, again).await.unwrap_err();
    assert_eq!(field_message(&e, "code").as_deref(), Some(WRONG_CODE));
    login(&t, "cara", NEW_PASSWORD)
        .await
        .expect("still the new password");

    let actions = store::audit::actions_for(&t.pool, "user", cara)
        .await
        .unwrap();
    assert!(actions.contains(&"password.reset_issued".to_string()));
    assert!(actions.contains(&"password.reset".to_string()));
}

fn login_input(login: &str, password: &str) -> accounts::LoginInput {
    accounts::LoginInput {
        login: login.into(),
        password: password.into(),
    }
}

#[tokio::test]
async fn a_code_expires_after_15_minutes_and_a_newer_code_replaces_it() {
    let (t, admin, cara) = admin_and_cara().await;
    let first = password_reset::issue(&t, &admin, cara).await.unwrap();
    let second = password_reset::issue(&t, &admin, cara).await.unwrap();
    assert_ne!(first.code, second.code);
    let e = password_reset::reset(&t, reset_form("cara", &first.code))
        .await
        .unwrap_err();
    assert_eq!(
        field_message(&e, "code").as_deref(),
        Some(WRONG_CODE),
        "withdrawn"
    );

    t.clock.advance(chrono::Duration::minutes(15));
    let e = password_reset::reset(&t, reset_form("cara", &second.code))
        .await
        .unwrap_err();
    assert_eq!(
        field_message(&e, "code").as_deref(),
        Some(WRONG_CODE),
        "expired"
    );
    login(&t, "cara", PASSWORD)
        .await
        .expect("password unchanged");
}

#[tokio::test]
async fn another_users_code_an_unknown_login_and_a_malformed_code_get_the_same_answer() {
    let (t, admin, cara) = admin_and_cara().await;
    registered_customer(&t, "dev").await;
    let dev = user_id(&t, "dev").await;
    let code = password_reset::issue(&t, &admin, dev).await.unwrap();
    let _ = cara;
    for (who, typed) in [
        ("cara", code.code.as_str()),
        ("nobody", code.code.as_str()),
        ("cara", "not a code"),
    ] {
        let e = password_reset::reset(&t, reset_form(who, typed))
            .await
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Validation);
        assert_eq!(
            field_message(&e, "code").as_deref(),
            Some(WRONG_CODE),
            "{who} {typed}"
        );
    }
    // Dev's code still works for dev.
    password_reset::reset(&t, reset_form("dev", &code.code))
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_input_is_reported_by_field_before_any_code_is_used() {
    let (t, admin, cara) = admin_and_cara().await;
    let code = password_reset::issue(&t, &admin, cara).await.unwrap();
    let e = password_reset::reset(
        &t,
        PasswordReset {
            login: " ".into(),
            code: "".into(),
            new_password: "short".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.fields(), ["login", "code", "new_password"]);
    let mut weak = reset_form("cara", &code.code);
    weak.new_password = "short".into();
    password_reset::reset(&t, weak).await.unwrap_err();
    // The code was not used up by the refused attempt.
    password_reset::reset(&t, reset_form("cara", &code.code))
        .await
        .unwrap();
}

#[tokio::test]
async fn wrong_codes_are_throttled_per_login() {
    let (t, admin, cara) = admin_and_cara().await;
    let code = password_reset::issue(&t, &admin, cara).await.unwrap();
    for _ in 0..household_core::throttle::FREE_FAILURES {
        let e = password_reset::reset(&t, reset_form("cara", "AAAA-AAAA"))
            .await
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Validation);
    }
    let e = password_reset::reset(&t, reset_form("cara", "AAAA-AAAA"))
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::Validation,
        "the 6th failure is counted"
    );
    // Now even the right code waits: guessing cannot go on at full speed.
    let e = password_reset::reset(&t, reset_form("cara", &code.code))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Locked { message, .. } if message.contains("password-reset")),
        "{e:?}"
    );
    // Cara's sign-in is not locked by it.
    login(&t, "cara", PASSWORD)
        .await
        .expect("sign-in unaffected");
    t.clock.advance(chrono::Duration::seconds(3));
    password_reset::reset(&t, reset_form("cara", &code.code))
        .await
        .expect("after the back-off");
}

#[tokio::test]
async fn only_admins_issue_codes_and_not_for_themselves() {
    let (t, admin, cara) = admin_and_cara().await;
    let e = password_reset::issue(&t, &admin, admin.user_id)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    let e = password_reset::issue(&t, &admin, 9_999).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    login(&t, "cara", PASSWORD).await.unwrap();
    let customer = t.actor().await.unwrap();
    let e = password_reset::issue(&t, &customer, cara)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
}

#[tokio::test]
async fn two_resets_racing_with_one_code_let_exactly_one_through() {
    let (t, admin, cara) = admin_and_cara().await;
    let code = password_reset::issue(&t, &admin, cara).await.unwrap();
    let mut one = reset_form("cara", &code.code);
    one.new_password = "the first new passphrase".into();
    let mut two = reset_form("cara", &code.code);
    two.new_password = "the second new passphrase".into();
    let (a, b) = tokio::join!(
        password_reset::reset(&t, one),
        password_reset::reset(&t, two)
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    let winner = if a.is_ok() {
        "the first new passphrase"
    } else {
        "the second new passphrase"
    };
    login(&t, "cara", winner)
        .await
        .expect("the winner's password");
}

async fn with_smtp(t: &TestApp, admin: &household_core::Actor) {
    settings::save(
        t,
        admin,
        BusinessSettings {
            smtp: Some(SmtpSettings {
                host: "127.0.0.1".into(),
                port: 2525,
                tls: TlsMode::None,
                username: None,
                from_address: "bookings@example.com".into(),
                timeout_secs: 5,
            }),
            ..BusinessSettings::default()
        },
    )
    .await
    .unwrap();
}

async fn queued(t: &TestApp, admin: &household_core::Actor) -> Vec<store::email::EmailRow> {
    household_core::email::queue(t, admin).await.unwrap()
}

#[tokio::test]
async fn forgot_password_emails_a_working_code_and_reveals_nothing() {
    let (t, admin, cara) = admin_and_cara().await;
    // Without outgoing mail there is nothing to send: the UI offers no such link.
    let e = password_reset::request_by_email(&t, "cara")
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(
        !accounts::status(&t, None, None)
            .await
            .unwrap()
            .email_password_reset
    );

    with_smtp(&t, &admin).await;
    assert!(
        accounts::status(&t, None, None)
            .await
            .unwrap()
            .email_password_reset
    );
    let before = queued(&t, &admin).await.len();
    assert_eq!(
        password_reset::request_by_email(&t, "nobody")
            .await
            .unwrap(),
        EMAIL_SENT
    );
    assert_eq!(queued(&t, &admin).await.len(), before, "nothing for nobody");
    assert_eq!(
        password_reset::request_by_email(&t, "cara@example.com")
            .await
            .unwrap(),
        EMAIL_SENT
    );
    let mails = queued(&t, &admin).await;
    assert_eq!(mails.len(), before + 1);
    let mail = mails
        .iter()
        .find(|m| m.subject == "Your password reset code")
        .expect("the reset email");
    assert_eq!(mail.to_address, "cara@example.com");
    let code = mail
        .text_body
        .split_whitespace()
        .find(|w| w.len() == 10 && w.as_bytes()[4] == b'-')
        .expect("a code in the text")
        .trim_end_matches('.');
    password_reset::reset(&t, reset_form("cara", code))
        .await
        .unwrap();
    login(&t, "cara", NEW_PASSWORD).await.expect("new password");
    assert!(store::audit::actions_for(&t.pool, "user", cara)
        .await
        .unwrap()
        .contains(&"password.reset".to_string()));
}

#[tokio::test]
async fn forgot_password_requests_are_throttled_and_blocked_accounts_get_nothing() {
    let (t, admin, cara) = admin_and_cara().await;
    with_smtp(&t, &admin).await;
    household_core::admin::people::block(&t, &admin, cara, "unpaid visits")
        .await
        .unwrap();
    let before = queued(&t, &admin).await.len();
    assert_eq!(
        password_reset::request_by_email(&t, "cara").await.unwrap(),
        EMAIL_SENT
    );
    assert_eq!(queued(&t, &admin).await.len(), before, "blocked: no mail");
    for _ in 1..household_core::throttle::FREE_FAILURES + 1 {
        password_reset::request_by_email(&t, "cara").await.unwrap();
    }
    let e = password_reset::request_by_email(&t, "cara")
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Locked);
}
