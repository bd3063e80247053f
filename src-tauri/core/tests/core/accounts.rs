//! First-run admin, registration and login stories.

use crate::common::*;
use household_core::accounts::{self, GENERIC_LOGIN_FAILURE};
use household_core::domain::{Role, UserStatus, VerificationStatus};
use household_core::{store, AppError, ErrorCode};

#[tokio::test]
async fn first_run_creates_exactly_one_admin_and_signs_it_in() {
    let t = spawn_app().await;
    let status = accounts::status(&t, Some(&t.token()), None).await.unwrap();
    assert!(status.needs_setup);
    assert!(status.session.is_none());
    assert!(status.demo_available);

    let s = t
        .keep(accounts::create_first_admin(&t, admin_form(), "test").await)
        .unwrap();
    assert_eq!(s.role, Role::Admin);
    assert_eq!(
        accounts::status(&t, Some(&t.token()), None)
            .await
            .unwrap()
            .session
            .map(|s| s.username),
        Some("admin".into())
    );
    assert!(
        !accounts::status(&t, Some(&t.token()), None)
            .await
            .unwrap()
            .needs_setup
    );

    let mut again = admin_form();
    again.username = "second".into();
    again.email = "second@example.com".into();
    let err = accounts::create_first_admin(&t, again, "test")
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(
        store::users::count_by_role(&t.pool, Role::Admin)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn racing_first_run_forms_create_one_admin() {
    let t = spawn_app().await;
    let forms: Vec<_> = (0..4)
        .map(|i| {
            let mut f = admin_form();
            f.username = format!("admin{i}");
            f.email = format!("admin{i}@example.com");
            f
        })
        .collect();
    let results = futures_join(&t, forms).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert_eq!(
        store::users::count_by_role(&t.pool, Role::Admin)
            .await
            .unwrap(),
        1
    );
}

async fn futures_join(
    t: &TestApp,
    forms: Vec<accounts::NewAdmin>,
) -> Vec<household_core::AppResult<household_core::session::SessionView>> {
    let mut it = forms.into_iter();
    let (a, b, c, d) = (
        it.next().unwrap(),
        it.next().unwrap(),
        it.next().unwrap(),
        it.next().unwrap(),
    );
    let (ra, rb, rc, rd) = tokio::join!(
        accounts::create_first_admin(t, a, "test"),
        accounts::create_first_admin(t, b, "test"),
        accounts::create_first_admin(t, c, "test"),
        accounts::create_first_admin(t, d, "test"),
    );
    [ra, rb, rc, rd]
        .into_iter()
        .map(|r| r.map(|s| s.view))
        .collect()
}

#[tokio::test]
async fn registration_needs_an_admin_first() {
    let t = spawn_app().await;
    let err = accounts::register_customer(&t, customer_form("early"), "test")
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
}

#[tokio::test]
async fn customer_registers_and_logs_in_by_email_or_username() {
    let t = spawn_set_up_app().await;
    let s = t
        .keep(accounts::register_customer(&t, customer_form("Cara"), "test").await)
        .unwrap();
    assert_eq!((s.role, s.username.as_str()), (Role::Customer, "cara"));
    t.logout().await;
    assert!(accounts::status(&t, Some(&t.token()), None)
        .await
        .unwrap()
        .session
        .is_none());

    let by_email = login(&t, "CARA@example.com", PASSWORD).await.unwrap();
    assert_eq!(by_email.user_id, s.user_id);
    t.logout().await;
    let by_name = login(&t, " cara ", PASSWORD).await.unwrap();
    assert_eq!(by_name.user_id, s.user_id);

    let (phone, pincode): (String, String) = household_core::on!(&t.pool, |ex| sqlx::query_as(
        "SELECT phone, pincode FROM customers WHERE user_id = $1"
    )
    .bind(s.user_id)
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!((phone.as_str(), pincode.as_str()), ("9876543210", "560001"));
    let hash: String = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT password_hash FROM users WHERE id = $1"
    )
    .bind(s.user_id)
    .fetch_one(ex)
    .await)
    .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "not argon2id/OWASP: {hash}"
    );
}

#[tokio::test]
async fn duplicate_and_invalid_registrations_name_the_field_and_store_nothing() {
    let t = spawn_set_up_app().await;
    registered_customer(&t, "cara").await;
    let before: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users"
    )
    .fetch_one(ex)
    .await)
    .unwrap();

    let mut same_email = customer_form("other");
    same_email.email = "CARA@example.com".into();
    let cases = vec![
        (customer_form("cara"), vec!["username", "email"]),
        (same_email, vec!["email"]),
        (
            CustomerReg {
                pincode: "12345".into(),
                ..customer_form("user1")
            },
            vec!["pincode"],
        ),
        (
            CustomerReg {
                phone: "12".into(),
                ..customer_form("user2")
            },
            vec!["phone"],
        ),
        (
            CustomerReg {
                password: "short".into(),
                ..customer_form("user3")
            },
            vec!["password"],
        ),
        (
            CustomerReg {
                email: "not-an-email".into(),
                ..customer_form("user4")
            },
            vec!["email"],
        ),
        (
            CustomerReg {
                address: "".into(),
                ..customer_form("user5")
            },
            vec!["address"],
        ),
        (
            CustomerReg {
                full_name: "   ".into(),
                ..customer_form("user6")
            },
            vec!["full_name"],
        ),
    ];
    for (form, fields) in cases {
        match accounts::register_customer(&t, form, "test").await {
            Err(e @ AppError::Validation(_)) => assert_eq!(e.fields(), fields),
            other => panic!("expected validation on {fields:?}, got {other:?}"),
        }
    }
    let after: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(before, after);
}

/// Struct-update syntax helper for the registration form.
type CustomerReg = household_core::accounts::CustomerRegistration;

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let t = spawn_set_up_app().await;
    registered_customer(&t, "cara").await;
    let wrong = login(&t, "cara", "wrong password here").await.unwrap_err();
    let unknown = login(&t, "nobody@example.com", "wrong password here")
        .await
        .unwrap_err();
    for e in [&wrong, &unknown] {
        assert_eq!(e.code(), ErrorCode::Unauthorized);
        assert_eq!(e.to_string(), GENERIC_LOGIN_FAILURE);
    }
    assert!(accounts::status(&t, Some(&t.token()), None)
        .await
        .unwrap()
        .session
        .is_none());
    let empty = login(&t, "  ", PASSWORD).await.unwrap_err();
    assert_eq!(empty.code(), ErrorCode::Validation);
}

#[tokio::test]
async fn blocked_user_is_told_why_only_after_the_right_password() {
    let t = spawn_set_up_app().await;
    let c = registered_customer(&t, "cara").await;
    store::users::set_status(
        &t.pool,
        c.user_id,
        UserStatus::Blocked,
        Some("Repeated no-shows"),
        ts("2026-11-21T09:00:00Z"),
    )
    .await
    .unwrap();
    let wrong = login(&t, "cara", "wrong password here").await.unwrap_err();
    assert_eq!(
        wrong.code(),
        ErrorCode::Unauthorized,
        "a wrong password must not reveal the block"
    );
    let right = login(&t, "cara", PASSWORD).await.unwrap_err();
    assert_eq!(right.code(), ErrorCode::AccountBlocked);
    assert!(right.to_string().contains("Repeated no-shows"));
    assert!(accounts::status(&t, Some(&t.token()), None)
        .await
        .unwrap()
        .session
        .is_none());
}

#[tokio::test]
async fn professional_registers_with_a_document_and_waits_for_approval() {
    let t = spawn_set_up_app().await;
    let svc = a_service(&t).await;
    accounts::register_professional(&t, professional_form("ravi", svc))
        .await
        .unwrap();
    assert!(
        accounts::status(&t, Some(&t.token()), None)
            .await
            .unwrap()
            .session
            .is_none(),
        "a pending professional is not signed in"
    );

    let (sha, mime, name, size, status): (String, String, String, i64, String) =
        household_core::on!(&t.pool, |ex| {
            sqlx::query_as(
        "SELECT document_sha256, document_mime, document_name, document_size, verification_status
         FROM professionals p JOIN users u ON u.id = p.user_id WHERE u.username = 'ravi'",
    )
    .fetch_one(ex).await
        })
        .unwrap();
    assert_eq!(
        (mime.as_str(), name.as_str(), size, status.as_str()),
        (
            "application/pdf",
            "licence.pdf",
            PDF.len() as i64,
            "pending"
        )
    );
    let stored = household_core::documents::stored_path(&t.documents_dir(), &sha, "pdf");
    assert_eq!(
        std::fs::read(&stored).unwrap(),
        PDF,
        "document stored by content hash"
    );
    assert!(stored.starts_with(t.data_dir()));

    let pending = login(&t, "ravi", PASSWORD).await.unwrap_err();
    assert_eq!(pending.code(), ErrorCode::ApprovalPending);

    let id = user_id(&t, "ravi").await;
    store::professionals::set_verification(
        &t.pool,
        id,
        VerificationStatus::Rejected,
        Some("Licence expired"),
        None,
        ts("2026-11-21T10:00:00Z"),
    )
    .await
    .unwrap();
    let rejected = login(&t, "ravi", PASSWORD).await.unwrap_err();
    assert_eq!(rejected.code(), ErrorCode::ApprovalRejected);
    assert!(rejected.to_string().contains("Licence expired"));

    store::professionals::set_verification(
        &t.pool,
        id,
        VerificationStatus::Approved,
        None,
        None,
        ts("2026-11-21T10:00:00Z"),
    )
    .await
    .unwrap();
    let s = login(&t, "ravi", PASSWORD).await.unwrap();
    assert_eq!(s.role, Role::Professional);
}

#[tokio::test]
async fn professional_registration_rejects_bad_documents_and_services() {
    let t = spawn_set_up_app().await;
    let svc = a_service(&t).await;
    let mut exe = professional_form("pro1", svc);
    exe.document.content_base64 = base64_of(b"MZ\x90\x00\x03 definitely not a pdf");
    exe.document.file_name = "cert.pdf".into();
    let mut no_service = professional_form("pro2", svc);
    no_service.service_id = 9999;
    let mut old = professional_form("pro3", svc);
    old.experience_years = 99;
    for (form, field) in [
        (exe, "document"),
        (no_service, "service_id"),
        (old, "experience_years"),
    ] {
        match accounts::register_professional(&t, form).await {
            Err(e @ AppError::Validation(_)) => assert_eq!(e.fields(), [field]),
            other => panic!("expected validation on {field}, got {other:?}"),
        }
    }
    let pros: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM professionals"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(pros, 0);
    assert!(
        !t.documents_dir().exists()
            || std::fs::read_dir(t.documents_dir())
                .unwrap()
                .next()
                .is_none(),
        "nothing written for rejected uploads"
    );
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The form from the issue: five bad fields come back together, in form order, after one
/// submit (not one per round trip), and nothing is stored.
#[tokio::test]
async fn every_field_error_of_a_registration_comes_back_at_once() {
    let t = spawn_set_up_app().await;
    let form = CustomerReg {
        email: "not-an-email".into(),
        password: "abc".into(),
        phone: "12".into(),
        address: "x".into(),
        pincode: "5600".into(),
        ..customer_form("asha")
    };
    let err = accounts::register_customer(&t, form, "test")
        .await
        .unwrap_err();
    assert_eq!(
        err.fields(),
        ["email", "password", "phone", "address", "pincode"]
    );
    let api = household_core::ApiError::from(err);
    assert_eq!(api.fields.len(), 5);
    assert!(
        api.fields[1].message.contains("12 characters"),
        "{:?}",
        api.fields[1]
    );
    let users: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(users, 1, "only the admin");
}
