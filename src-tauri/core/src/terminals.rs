//! Enrolled terminals: which machines may talk to a server, and who may sign in on each.
//!
//! An admin adds a terminal (a name and a profile) and gets a one-time code; typed on that
//! machine, the code enrols it: the server gives the machine a random 256-bit key (stored
//! only as a hash) that its desktop sends with every call. A server that requires enrolment
//! (the default for `household-server`) refuses every operation from a machine without a
//! valid key, except asking for its status and enrolling. A **counter terminal** admits only
//! customers: staff credentials are refused there by the server, not only hidden by the UI.
//! Revoking a terminal ends its sessions at once and its key stops working.
//!
//! Until the business has an administrator nobody could enrol anything, so nothing is
//! required then; the desktop that creates the first administrator is enrolled as a staff
//! terminal by that same step.

use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::session::{Actor, EndReason, SignedIn};
use crate::{one_time_code, store};
use crate::{App, Timestamp};
use serde::{Deserialize, Serialize};
use specta::Type;

/// What a revoked terminal's desktop is told.
pub const DISCONNECTED: &str = "This computer was disconnected by an administrator.";
/// What an unenrolled machine is told.
pub const NOT_ENROLLED: &str =
    "This computer is not enrolled with the server: ask an administrator to enrol it.";
/// The longest idle time-out of a session on a counter terminal (a public machine), whatever
/// the business settings say.
pub const COUNTER_IDLE_SECS: u32 = 120;
/// How long an enrolment code works.
pub const CODE_VALID_HOURS: i64 = 24;
/// Last-seen times are written at most this often per terminal.
const TOUCH_EVERY_SECS: i64 = 60;

/// Who may sign in on a terminal.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Type,
    sqlx::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum TerminalProfile {
    /// Office desks and professionals' laptops: any role.
    Staff,
    /// A public machine at the counter: customers only, in kiosk mode.
    Counter,
}

/// A terminal as its desktop and the checks know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct Terminal {
    pub id: i64,
    pub name: String,
    pub profile: TerminalProfile,
}

crate::secret::random_secret! {
    /// A terminal's key as its desktop sends it: 32 random bytes as 64 hex digits. Only its
    /// hash is stored; its `Debug` never prints it.
    TerminalKey
}

/// What an enrolment gives the machine's desktop: its key (kept by the desktop's Rust side,
/// never shown) and what it now is.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Enrolment {
    pub key: String,
    pub terminal: Terminal,
}

/// The admin's form for a new terminal.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct NewTerminal {
    pub name: String,
    pub profile: TerminalProfile,
}

/// A new terminal's one-time code, shown to the admin once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct EnrolmentCode {
    pub terminal_id: i64,
    /// Like `K7QM-3XPA`.
    pub code: String,
    pub expires_at: Timestamp,
}

/// Adds a terminal and returns the code to type on it. Audited.
pub async fn create(app: &App, actor: &Actor, input: NewTerminal) -> AppResult<EnrolmentCode> {
    actor.require(Role::Admin)?;
    create_by(app, Some(actor.user_id), input).await
}

/// The same from the server's console (no administrator signed in).
pub async fn create_on_console(app: &App, input: NewTerminal) -> AppResult<EnrolmentCode> {
    create_by(app, None, input).await
}

async fn create_by(app: &App, by: Option<i64>, input: NewTerminal) -> AppResult<EnrolmentCode> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::validation(
            "name",
            "Give the computer a name of 1 to 60 characters, like \"Counter 2\".",
        ));
    }
    let (code, code_hash) = one_time_code::generate();
    let now = app.now();
    let expires_at = now + chrono::Duration::hours(CODE_VALID_HOURS);
    let mut tx = app.write_tx().await?;
    let id = store::terminals::insert(
        &mut tx,
        name,
        input.profile,
        &code_hash,
        expires_at,
        by,
        now,
    )
    .await?;
    store::audit::append(
        &mut tx,
        by,
        "terminal.created",
        "terminal",
        Some(id),
        name,
        now,
    )
    .await?;
    crate::live::terminals_changed(&mut tx, now).await?;
    tx.commit().await?;
    Ok(EnrolmentCode {
        terminal_id: id,
        code,
        expires_at,
    })
}

/// Enrols this machine with a code an admin gave; the key goes to its desktop.
pub async fn enrol(app: &App, code: &str, app_version: &str) -> AppResult<Enrolment> {
    let wrong = || {
        AppError::validation(
            "code",
            "That code is not valid (codes are 8 letters and digits, work once and for 24 hours). Ask an administrator for a new one.",
        )
    };
    let Some(code_hash) = one_time_code::hash_typed(code) else {
        return Err(wrong());
    };
    let now = app.now();
    let version: String = app_version.chars().take(40).collect();
    let key = TerminalKey::generate();
    let mut tx = app.write_tx().await?;
    let terminal = match store::terminals::by_code(&mut tx, &code_hash).await? {
        Some(t) if t.revoked_at.is_none() && t.code_expires_at.is_some_and(|e| e > now) => t,
        _ => return Err(wrong()),
    };
    if !store::terminals::enrol(&mut tx, terminal.id, &key.hash(), &version, now).await? {
        return Err(wrong());
    }
    store::audit::append(
        &mut tx,
        None,
        "terminal.enrolled",
        "terminal",
        Some(terminal.id),
        &version,
        now,
    )
    .await?;
    crate::live::terminals_changed(&mut tx, now).await?;
    tx.commit().await?;
    Ok(Enrolment {
        key: key.expose().to_string(),
        terminal: Terminal {
            id: terminal.id,
            name: terminal.name,
            profile: terminal.profile,
        },
    })
}

/// Every terminal, for the admin.
pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<store::terminals::TerminalRow>> {
    actor.require(Role::Admin)?;
    Ok(store::terminals::list(&app.pool).await?)
}

/// Disconnects a terminal: its key stops working and everyone signed in there is signed out
/// at once, told why. Audited.
pub async fn revoke(app: &App, actor: &Actor, id: i64) -> AppResult<u64> {
    actor.require(Role::Admin)?;
    let now = app.now();
    let mut tx = app.write_tx().await?;
    if !store::terminals::revoke(&mut tx, id, now).await? {
        return Err(AppError::NotFound(
            "That computer does not exist or was disconnected already.".into(),
        ));
    }
    let ended =
        store::sessions::end_all_on_terminal(&mut tx, id, EndReason::Disconnected, now).await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "terminal.revoked",
        "terminal",
        Some(id),
        &format!("{ended} session(s) ended"),
        now,
    )
    .await?;
    crate::live::terminals_changed(&mut tx, now).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Where a machine stands with this server (for its start-up screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TerminalState {
    /// This server does not enrol machines (standalone, or a server set up so).
    NotRequired,
    /// Enrolment is required and this machine has no valid key.
    NotEnrolled,
    /// This machine's terminal was revoked.
    Disconnected,
    /// Enrolled as this terminal.
    Enrolled { terminal: Terminal },
}

/// The state of the machine whose key is `key`.
pub async fn state(app: &App, key: Option<&TerminalKey>) -> AppResult<TerminalState> {
    let found = match key {
        Some(k) => store::terminals::by_key(&app.pool, &k.hash()).await?,
        None => None,
    };
    Ok(match found {
        Some(t) if t.revoked_at.is_some() => TerminalState::Disconnected,
        Some(t) => TerminalState::Enrolled {
            terminal: Terminal {
                id: t.id,
                name: t.name,
                profile: t.profile,
            },
        },
        None if app.enrolment_required().await? => TerminalState::NotEnrolled,
        None => TerminalState::NotRequired,
    })
}

/// The caller's terminal for an operation that needs one: refused with `not_enrolled` when
/// the server requires enrolment and the key is missing, unknown or revoked. A valid key is
/// honoured (and its terminal's profile applied) whether enrolment is required or not. The
/// terminal's last-seen time (and the app version the caller runs, when it says) is noted.
pub(crate) async fn of_caller(
    app: &App,
    key: Option<&TerminalKey>,
    app_version: Option<&str>,
) -> AppResult<Option<Terminal>> {
    let Some(key) = key else {
        return if app.enrolment_required().await? {
            Err(AppError::NotEnrolled(NOT_ENROLLED.into()))
        } else {
            Ok(None)
        };
    };
    let Some(t) = store::terminals::by_key(&app.pool, &key.hash()).await? else {
        return Err(AppError::NotEnrolled(NOT_ENROLLED.into()));
    };
    if t.revoked_at.is_some() {
        return Err(AppError::Disconnected(DISCONNECTED.into()));
    }
    let now = app.now();
    // At most 40 characters, sliced without a copy: this runs on every call.
    let version = app_version.map(|v| v.char_indices().nth(40).map_or(v, |(end, _)| &v[..end]));
    let upgraded = version.is_some_and(|v| t.app_version.as_deref() != Some(v));
    if upgraded
        || t.last_seen_at
            .is_none_or(|seen| now - seen >= chrono::Duration::seconds(TOUCH_EVERY_SECS))
    {
        // Bookkeeping only: a database that cannot be written must not refuse the caller.
        if let Err(e) = store::terminals::touch(&app.pool, t.id, version, now).await {
            tracing::warn!(error = %e, "could not record when a terminal was last seen");
        }
    }
    Ok(Some(Terminal {
        id: t.id,
        name: t.name,
        profile: t.profile,
    }))
}

/// Lets a new session through on the caller's terminal: on a counter terminal only
/// customers (the session is discarded before its token leaves the server otherwise); the
/// session remembers its terminal. The desktop that creates the first administrator on a
/// server that enrols its machines is enrolled by that step, as a staff terminal.
pub(crate) async fn admit(
    app: &App,
    terminal: Option<&Terminal>,
    mut signed: SignedIn,
) -> AppResult<SignedIn> {
    let hash = signed.token.hash();
    match terminal {
        Some(t) if t.profile == TerminalProfile::Counter && signed.view.role != Role::Customer => {
            store::sessions::discard(&app.pool, &hash).await?;
            Err(AppError::Forbidden(format!(
                "\"{}\" is a counter terminal: only customers sign in here. Please use a staff computer.",
                t.name
            )))
        }
        Some(t) => {
            if t.profile == TerminalProfile::Counter {
                signed.view.idle_timeout_secs =
                    signed.view.idle_timeout_secs.min(COUNTER_IDLE_SECS);
            }
            let idle = i64::from(signed.view.idle_timeout_secs);
            store::sessions::bind_terminal(&app.pool, &hash, t.id, idle).await?;
            Ok(signed)
        }
        None if app.require_enrolment() && signed.view.role == Role::Admin => {
            let key = TerminalKey::generate();
            let now = app.now();
            let name = "First office computer";
            let id = store::terminals::insert_enrolled(
                &app.pool,
                name,
                &key.hash(),
                signed.view.user_id,
                now,
            )
            .await?;
            let idle = i64::from(signed.view.idle_timeout_secs);
            store::sessions::bind_terminal(&app.pool, &hash, id, idle).await?;
            signed.enrolment = Some(Enrolment {
                key: key.expose().to_string(),
                terminal: Terminal {
                    id,
                    name: name.into(),
                    profile: TerminalProfile::Staff,
                },
            });
            Ok(signed)
        }
        None => Ok(signed),
    }
}

/// Whether the machine with `key` is a counter terminal (a public machine: no OS
/// notifications pop up there; the bell keeps them for the customer).
pub async fn is_counter(app: &App, key: Option<&TerminalKey>) -> AppResult<bool> {
    Ok(matches!(
        of_caller(app, key, None).await?,
        Some(Terminal {
            profile: TerminalProfile::Counter,
            ..
        })
    ))
}

/// Refuses registering a professional on a counter terminal (a public machine).
pub async fn allow_staff_registration(app: &App, key: Option<&TerminalKey>) -> AppResult<()> {
    match of_caller(app, key, None).await?.as_ref() {
        Some(t) if t.profile == TerminalProfile::Counter => Err(AppError::Forbidden(
            "Professionals register on a staff computer, not at the counter.".into(),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_strictly_and_never_print() {
        assert!(TerminalKey::parse("xyz").is_none());
        let k = TerminalKey::generate();
        assert_eq!(TerminalKey::parse(k.expose()), Some(k.clone()));
        assert_eq!(format!("{k:?}"), "TerminalKey(***)");
    }
}
