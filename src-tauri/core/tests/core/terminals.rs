//! Enrolled terminals on a core that requires enrolment (a server's): the first run, codes,
//! every operation refused to an unenrolled machine, counter terminals admitting customers
//! only, and revocation ending sessions at once.

use crate::common::*;
use chrono::{Duration, FixedOffset};
use household_core::accounts::LoginInput;
use household_core::customer;
use household_core::domain::Role;
use household_core::ops::{self, Caller, NewSession, OPERATIONS};
use household_core::session::{EndReason, SessionToken};
use household_core::terminals::{
    self, EnrolmentCode, NewTerminal, TerminalKey, TerminalProfile, TerminalState,
};
use household_core::{Actor, ErrorCode};
use serde_json::json;

/// The app version the test machines say they run (enrolled at 0.1.0, upgraded since).
const MACHINE_VERSION: &str = "2.4.0";

/// A machine: its terminal key (if enrolled) and its session token (if signed in).
#[derive(Clone, Default)]
struct Machine {
    key: Option<TerminalKey>,
    token: Option<SessionToken>,
}

impl Machine {
    fn caller(&self) -> Caller {
        Caller {
            token: self.token.clone(),
            client: "test desktop".into(),
            offset: FixedOffset::east_opt(0).unwrap(),
            idempotency_key: None,
            terminal: self.key.clone(),
            passive: false,
            app_version: Some(MACHINE_VERSION.into()),
        }
    }

    async fn login(
        &mut self,
        t: &TestApp,
        who: &str,
    ) -> Result<NewSession, household_core::ApiError> {
        let input = json!({ "input": LoginInput { login: who.into(), password: PASSWORD.into() } });
        let v = ops::dispatch(t, &self.caller(), "login", input).await?;
        let s: NewSession = serde_json::from_value(v).unwrap();
        self.token = SessionToken::parse(&s.token);
        Ok(s)
    }
}

async fn enrolling_app() -> TestApp {
    spawn_app_with(|c| c.require_enrolment = true).await
}

/// The first run on an empty server: the first admin's machine is enrolled by it.
async fn set_up(t: &TestApp) -> (Machine, Actor) {
    let mut office = Machine::default();
    let v = ops::dispatch(
        t,
        &office.caller(),
        "create_first_admin",
        json!({ "input": admin_form() }),
    )
    .await
    .expect("the first run needs no enrolment");
    let s: NewSession = serde_json::from_value(v).unwrap();
    let enrolment = s.enrolment.expect("the first admin's machine is enrolled");
    assert_eq!(enrolment.terminal.profile, TerminalProfile::Staff);
    office.key = TerminalKey::parse(&enrolment.key);
    office.token = SessionToken::parse(&s.token);
    let admin = Actor {
        user_id: s.session.user_id,
        role: Role::Admin,
    };
    (office, admin)
}

async fn new_terminal(
    t: &TestApp,
    admin: &Actor,
    name: &str,
    profile: TerminalProfile,
) -> EnrolmentCode {
    terminals::create(
        t,
        admin,
        NewTerminal {
            name: name.into(),
            profile,
        },
    )
    .await
    .unwrap()
}

async fn enrolled(t: &TestApp, code: &str) -> Machine {
    let e = terminals::enrol(t, code, "0.1.0").await.expect("enrol");
    Machine {
        key: TerminalKey::parse(&e.key),
        token: None,
    }
}

#[tokio::test]
async fn an_unenrolled_machine_is_refused_on_every_operation_but_status_and_enrolment() {
    let t = enrolling_app().await;
    let (office, _) = set_up(&t).await;
    let stranger = Machine {
        key: None,
        // Even with a valid session token from elsewhere.
        token: office.token.clone(),
    };
    let forged = Machine {
        key: TerminalKey::parse(&"cd".repeat(32)),
        token: office.token.clone(),
    };
    for op in OPERATIONS {
        for m in [&stranger, &forged] {
            let r = ops::dispatch(&t, &m.caller(), op.name, json!({})).await;
            if op.access.before_enrolment() {
                assert!(
                    !matches!(&r, Err(e) if e.code == ErrorCode::NotEnrolled),
                    "{} refused: {r:?}",
                    op.name
                );
            } else {
                let e = r.expect_err(op.name);
                assert_eq!(e.code, ErrorCode::NotEnrolled, "{}: {e:?}", op.name);
                assert!(
                    e.message.contains("ask an administrator to enrol"),
                    "{}",
                    e.message
                );
            }
        }
    }
    let status = ops::dispatch(&t, &stranger.caller(), "app_status", json!({}))
        .await
        .unwrap();
    assert_eq!(status["terminal"]["state"], "not_enrolled");
    // The enrolled office machine works.
    ops::dispatch(&t, &office.caller(), "home_summary", json!({}))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_code_enrols_one_machine_once_within_a_day() {
    let t = enrolling_app().await;
    let (_, admin) = set_up(&t).await;
    let code = new_terminal(&t, &admin, "Laptop of Ravi", TerminalProfile::Staff).await;
    assert_eq!(code.code.len(), 9, "XXXX-XXXX");
    // Typed loosely: lower case, a space instead of the dash.
    let typed = code.code.to_lowercase().replace('-', " ");
    let laptop = enrolled(&t, &typed).await;
    let status = ops::dispatch(&t, &laptop.caller(), "app_status", json!({}))
        .await
        .unwrap();
    assert_eq!(status["terminal"]["state"], "enrolled");
    assert_eq!(status["terminal"]["terminal"]["name"], "Laptop of Ravi");
    // Used up.
    let again = terminals::enrol(&t, &code.code, "0.1.0").await.unwrap_err();
    assert_eq!(again.code(), ErrorCode::Validation);
    assert_eq!(again.fields(), vec!["code"]);
    // Expired after 24 hours.
    let late = new_terminal(&t, &admin, "Counter 1", TerminalProfile::Counter).await;
    t.clock.advance(Duration::hours(24) + Duration::seconds(1));
    let e = terminals::enrol(&t, &late.code, "0.1.0").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
    assert!(terminals::enrol(&t, "nonsense", "0.1.0").await.is_err());
}

#[tokio::test]
async fn a_counter_terminal_admits_customers_only() {
    let t = enrolling_app().await;
    let (office, admin) = set_up(&t).await;
    let code = new_terminal(&t, &admin, "Counter 1", TerminalProfile::Counter).await;
    let svc = a_service(&t).await;
    // Staff register and are approved at the office.
    let mut form = professional_form("ravi", svc);
    form.full_name = "Ravi Kumar".into();
    ops::dispatch(
        &t,
        &office.caller(),
        "register_professional",
        json!({ "input": form }),
    )
    .await
    .unwrap();
    household_core::admin::people::approve(&t, &admin, user_id(&t, "ravi").await)
        .await
        .unwrap();
    let mut counter = enrolled(&t, &code.code).await;
    for who in ["admin", "ravi"] {
        let e = counter.login(&t, who).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{who}: {e:?}");
        assert!(e.message.contains("counter terminal"), "{}", e.message);
    }
    // No session was left behind by the refusals.
    let live: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL AND terminal_id IS NOT NULL AND user_id <> $1")
        .bind(admin.user_id)
        .fetch_one(ex).await)
        .unwrap();
    assert_eq!(live, 0);
    // Nor does a staff session started elsewhere work there: the professional signs in at
    // the office, and that token, taken to the counter, is refused (operations and the live
    // stream alike); at the office it still works.
    let mut at_office = Machine {
        key: office.key.clone(),
        token: None,
    };
    at_office.login(&t, "ravi").await.unwrap();
    let carried = Machine {
        key: counter.key.clone(),
        token: at_office.token.clone(),
    };
    let e = ops::dispatch(
        &t,
        &carried.caller(),
        "professional_feed",
        json!({ "query": { "page": 1, "per_page": 5 } }),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized, "{e:?}");
    assert!(e.message.contains("another computer"), "{}", e.message);
    let e = household_core::live::subscribe_at(
        t.app.clone(),
        carried.token.clone().unwrap(),
        carried.key.as_ref(),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unauthorized, "{e:?}");
    ops::dispatch(
        &t,
        &at_office.caller(),
        "professional_feed",
        json!({ "query": { "page": 1, "per_page": 5 } }),
    )
    .await
    .unwrap();
    // The live stream, too, is only for enrolled machines.
    let e = household_core::live::subscribe_at(
        t.app.clone(),
        at_office.token.clone().unwrap(),
        None,
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotEnrolled, "{e:?}");
    // A professional cannot register there either; a customer can, and signs in.
    let e = ops::dispatch(
        &t,
        &counter.caller(),
        "register_professional",
        json!({ "input": professional_form("raj", svc) }),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let v = ops::dispatch(
        &t,
        &counter.caller(),
        "register_customer",
        json!({ "input": customer_form("cara") }),
    )
    .await
    .unwrap();
    counter.token = SessionToken::parse(v["token"].as_str().unwrap());
    ops::dispatch(&t, &counter.caller(), "customer_profile", json!({}))
        .await
        .unwrap();
    // No OS notification pops up at the counter (the bell keeps them).
    let id = customer::book(
        &t,
        &Actor {
            user_id: user_id(&t, "cara").await,
            role: Role::Customer,
        },
        booking(svc),
    )
    .await
    .unwrap();
    household_core::professional::accept(
        &t,
        &Actor {
            user_id: user_id(&t, "ravi").await,
            role: Role::Professional,
        },
        id,
    )
    .await
    .unwrap();
    let popped = ops::dispatch(
        &t,
        &counter.caller(),
        "notifications_take_for_os",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(popped, json!([]));
    let centre = ops::dispatch(&t, &counter.caller(), "notifications_centre", json!({}))
        .await
        .unwrap();
    assert_eq!(centre["unread"], 1);
    // A public machine: at most 2 minutes idle, whatever the business policy says (15 min by
    // default, or raised later).
    assert_eq!(
        v["session"]["idle_timeout_secs"],
        terminals::COUNTER_IDLE_SECS
    );
    t.apply_idle_policy(30 * 60).await.unwrap();
    let office_view = t
        .session_view(office.token.as_ref().unwrap(), false)
        .await
        .unwrap();
    assert_eq!(office_view.idle_timeout_secs, 30 * 60);
    // The admin sees who is signed in where.
    let rows = terminals::list(&t, &admin).await.unwrap();
    let row = rows.iter().find(|r| r.name == "Counter 1").unwrap();
    assert_eq!(row.signed_in.as_deref(), Some("Customer cara"));
    // Enrolled at 0.1.0, its calls say it runs 2.4.0 now: the list shows what it runs; the
    // office computer (enrolled by the first run, which names no version) shows its too.
    assert_eq!(row.app_version.as_deref(), Some(MACHINE_VERSION));
    let office_row = rows
        .iter()
        .find(|r| r.name == "First office computer")
        .unwrap();
    assert_eq!(office_row.app_version.as_deref(), Some(MACHINE_VERSION));
    assert!(row.last_seen_at.is_some());
    // Two minutes without activity end the customer's session at the counter.
    t.clock
        .advance(Duration::seconds(i64::from(terminals::COUNTER_IDLE_SECS)));
    let e = ops::dispatch(&t, &counter.caller(), "customer_profile", json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized, "{e:?}");
}

#[tokio::test]
async fn revoking_a_terminal_ends_its_sessions_at_once_and_its_key_stops_working() {
    let t = enrolling_app().await;
    let (office, admin) = set_up(&t).await;
    let code = new_terminal(&t, &admin, "Counter 1", TerminalProfile::Counter).await;
    registered_customer_at(&t, &office).await;
    let mut counter = enrolled(&t, &code.code).await;
    counter.login(&t, "cara").await.unwrap();
    ops::dispatch(&t, &counter.caller(), "customer_profile", json!({}))
        .await
        .unwrap();
    let ended = terminals::revoke(&t, &admin, code.terminal_id)
        .await
        .unwrap();
    assert_eq!(ended, 1);
    // The customer's session there is over, with the reason.
    let why = t
        .session_end(counter.token.as_ref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(why.reason, EndReason::Disconnected);
    assert_eq!(why.message, terminals::DISCONNECTED);
    // The key no longer opens anything, and the machine is told why.
    let e = ops::dispatch(&t, &counter.caller(), "customer_profile", json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Disconnected);
    assert_eq!(e.message, terminals::DISCONNECTED);
    let status = ops::dispatch(&t, &counter.caller(), "app_status", json!({}))
        .await
        .unwrap();
    assert_eq!(status["terminal"]["state"], "disconnected");
    assert_eq!(
        terminals::state(&t, counter.key.as_ref()).await.unwrap(),
        TerminalState::Disconnected
    );
    // Revoking twice is refused; the office is untouched.
    assert!(terminals::revoke(&t, &admin, code.terminal_id)
        .await
        .is_err());
    ops::dispatch(&t, &office.caller(), "home_summary", json!({}))
        .await
        .unwrap();
}

/// Registers "cara" from the office machine (and signs her out there).
async fn registered_customer_at(t: &TestApp, office: &Machine) {
    let v = ops::dispatch(
        t,
        &office.caller(),
        "register_customer",
        json!({ "input": customer_form("cara") }),
    )
    .await
    .unwrap();
    let token = SessionToken::parse(v["token"].as_str().unwrap()).unwrap();
    t.end_session(&token).await.unwrap();
}

#[tokio::test]
async fn a_core_that_does_not_require_enrolment_admits_everyone_but_honours_keys() {
    let t = spawn_set_up_app().await;
    let m = Machine::default();
    ops::dispatch(&t, &m.caller(), "list_public_services", json!({}))
        .await
        .unwrap();
    let status = ops::dispatch(&t, &m.caller(), "app_status", json!({}))
        .await
        .unwrap();
    assert_eq!(status["terminal"]["state"], "not_required");
    // A forged key is still refused: a key, when sent, must be real.
    let forged = Machine {
        key: TerminalKey::parse(&"ef".repeat(32)),
        token: None,
    };
    let e = ops::dispatch(&t, &forged.caller(), "list_public_services", json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotEnrolled);
}

#[tokio::test]
async fn only_an_administrators_credentials_unlock_a_kiosk_and_no_session_starts() {
    let t = enrolling_app().await;
    let (office, admin) = set_up(&t).await;
    let code = new_terminal(&t, &admin, "Counter 1", TerminalProfile::Counter).await;
    registered_customer_at(&t, &office).await;
    let counter = enrolled(&t, &code.code).await;
    let unlock = |who: &str, password: &str| json!({ "input": LoginInput { login: who.into(), password: password.into() } });
    let sessions = || async {
        household_core::on!(&t.pool, |ex| sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM sessions"
        )
        .fetch_one(ex)
        .await)
        .unwrap()
    };
    let before = sessions().await;
    ops::dispatch(
        &t,
        &counter.caller(),
        "kiosk_unlock",
        unlock("admin", PASSWORD),
    )
    .await
    .expect("an admin unlocks");
    assert_eq!(sessions().await, before, "no session was started");
    let e = ops::dispatch(
        &t,
        &counter.caller(),
        "kiosk_unlock",
        unlock("cara", PASSWORD),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let e = ops::dispatch(
        &t,
        &counter.caller(),
        "kiosk_unlock",
        unlock("admin", "wrong password"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    let audited: i64 = household_core::on!(&t.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'kiosk.unlocked'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(audited, 1);
}
