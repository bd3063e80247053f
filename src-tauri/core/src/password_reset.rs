//! Account recovery with one-time reset codes.
//!
//! - At the counter: an administrator issues a code for the user (shown once to the admin, who
//!   hands it over) — [`issue`].
//! - With outgoing mail configured, "Forgot password" emails a code to the account's address,
//!   with the same answer whether or not the account exists — [`request_by_email`].
//!
//! A code works once, for [`VALID_MINUTES`]; a newer code withdraws older ones. Setting a new
//! password with it ([`reset`]) ends every session of the user. Wrong codes and repeated
//! requests are throttled like sign-in failures, per login typed. Every step is audited.

use crate::domain::{NewPassword, Role, UserStatus};
use crate::error::{ensure, AllValid, AppError, AppResult};
use crate::session::{Actor, EndReason};
use crate::store::{self, password_resets::ResetChannel};
use crate::{email, one_time_code, password, throttle, App, Timestamp};
use serde::{Deserialize, Serialize};
use specta::Type;

/// How long a reset code works.
pub const VALID_MINUTES: i64 = 15;
/// What a wrong, used or expired code (or an unknown login) is told: nothing more.
pub const WRONG_CODE: &str =
    "That reset code is not valid for this account, or it has expired or been used. Ask for a new one.";
/// What "Forgot password" answers, whether or not the account exists.
pub const EMAIL_SENT: &str =
    "If an account with that username or email exists, a reset code is on its way to its email address. It works for 15 minutes.";

/// A code an administrator issued, shown to them once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct ResetCode {
    /// Like `K7QM-3XPA`.
    pub code: String,
    pub expires_at: Timestamp,
}

/// The form that sets a new password with a code.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct PasswordReset {
    /// The username or email of the account.
    pub login: String,
    pub code: String,
    pub new_password: String,
}

/// The throttle key of reset attempts for a typed login (apart from sign-in failures, so
/// that asking for codes never locks the owner's sign-in).
fn throttle_key(login: &str) -> String {
    format!("reset:{}", login.trim().to_lowercase())
}

/// Says "too many attempts" in this workflow's words.
fn reworded(e: AppError) -> AppError {
    match e {
        AppError::Locked {
            retry_after_secs, ..
        } => AppError::Locked {
            message: format!(
                "Too many password-reset attempts for this account. Please wait {retry_after_secs} second(s) and try again."
            ),
            retry_after_secs,
        },
        other => other,
    }
}

/// Records a new code for `user_id` (withdrawing older ones) and returns it.
async fn new_code(
    tx: &mut store::Tx,
    user_id: i64,
    channel: ResetChannel,
    issued_by: Option<i64>,
    now: Timestamp,
) -> AppResult<ResetCode> {
    let (code, hash) = one_time_code::generate();
    let expires_at = now + chrono::Duration::minutes(VALID_MINUTES);
    store::password_resets::withdraw_all(&mut *tx, user_id, now).await?;
    store::password_resets::insert(
        &mut *tx, user_id, &hash, channel, issued_by, now, expires_at,
    )
    .await?;
    Ok(ResetCode { code, expires_at })
}

/// An administrator issues a one-time reset code for another user (their own password they
/// change on the Settings page). Audited.
pub async fn issue(app: &App, actor: &Actor, user_id: i64) -> AppResult<ResetCode> {
    actor.require(Role::Admin)?;
    if user_id == actor.user_id {
        return Err(AppError::Forbidden(
            "Change your own password on the Settings page.".into(),
        ));
    }
    let user = store::users::find_by_id(&app.pool, user_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That user does not exist.".into()))?;
    let now = app.now();
    let mut tx = app.write_tx().await?;
    let code = new_code(
        &mut tx,
        user.id,
        ResetChannel::Admin,
        Some(actor.user_id),
        now,
    )
    .await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "password.reset_issued",
        "user",
        Some(user.id),
        "by an administrator",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(code)
}

/// "Forgot password": when outgoing mail is configured, emails a code to the account with
/// this username or email. The answer is [`EMAIL_SENT`] whether or not the account exists
/// (or may use it: a blocked account gets nothing); requests are throttled per login.
pub async fn request_by_email(app: &App, login: &str) -> AppResult<String> {
    let key = login.trim().to_lowercase();
    if key.is_empty() {
        return Err(AppError::validation(
            "login",
            "Enter your username or email.",
        ));
    }
    if crate::settings::current(app).await?.smtp.is_none() {
        return Err(AppError::Conflict(
            "Password reset by email is not set up for this business. Ask an administrator for a reset code."
                .into(),
        ));
    }
    if key.chars().count() > 254 {
        return Ok(EMAIL_SENT.into());
    }
    let throttled = throttle_key(&key);
    throttle::check(&app.pool, &throttled, app.clock.now())
        .await
        .map_err(reworded)?;
    // Every request counts, so that nobody can flood an inbox (or probe) at full speed.
    throttle::record_failure(&app.pool, &throttled, app.clock.now()).await?;
    let Some(user) = store::users::find_by_login(&app.pool, &key).await? else {
        return Ok(EMAIL_SENT.into());
    };
    if user.status != UserStatus::Active {
        return Ok(EMAIL_SENT.into());
    }
    let now = app.now();
    let mut tx = app.write_tx().await?;
    let code = new_code(&mut tx, user.id, ResetChannel::Email, None, now).await?;
    let (text, html) = email::render(
        RESET_TXT,
        RESET_HTML,
        &serde_json::json!({
            "name": user.full_name,
            "code": code.code,
            "minutes": VALID_MINUTES,
        }),
    )?;
    store::email::enqueue(
        &mut tx,
        &user.email,
        "Your password reset code",
        &text,
        &html,
        None,
        now,
    )
    .await?;
    store::audit::append(
        &mut tx,
        None,
        "password.reset_issued",
        "user",
        Some(user.id),
        "by email",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(EMAIL_SENT.into())
}

/// Sets a new password with a reset code: the code is used up, the user's other codes are
/// withdrawn and every session of theirs ends. A wrong code, an unknown login and an expired
/// or used code get the same answer ([`WRONG_CODE`]) and count against the login's throttle.
pub async fn reset(app: &App, input: PasswordReset) -> AppResult<()> {
    let key = input.login.trim().to_lowercase();
    let ((), (), new) = (
        ensure(!key.is_empty(), "login", "Enter your username or email."),
        ensure(
            !input.code.trim().is_empty(),
            "code",
            "Enter the reset code.",
        ),
        NewPassword::parse(&input.new_password).map_err(|e| e.renamed("password", "new_password")),
    )
        .all_valid()?;
    let throttled = throttle_key(&key);
    throttle::check(&app.pool, &throttled, app.clock.now())
        .await
        .map_err(reworded)?;
    let wrong = || AppError::validation("code", WRONG_CODE);
    let user = match (
        one_time_code::hash_typed(&input.code),
        store::users::find_by_login(&app.pool, &key).await?,
    ) {
        (Some(hash), Some(user)) if key.chars().count() <= 254 => Some((hash, user)),
        _ => None,
    };
    // The new password is hashed before the code is checked, so a wrong code takes as long
    // as a right one.
    let hash = password::hash(new.expose().to_string()).await?;
    let Some((code_hash, user)) = user else {
        throttle::record_failure(&app.pool, &throttled, app.clock.now()).await?;
        return Err(wrong());
    };
    let now = app.now();
    let mut tx = app.write_tx().await?;
    let Some(channel) = store::password_resets::consume(&mut tx, user.id, &code_hash, now).await?
    else {
        drop(tx);
        throttle::record_failure(&app.pool, &throttled, app.clock.now()).await?;
        return Err(wrong());
    };
    store::password_resets::withdraw_all(&mut tx, user.id, now).await?;
    store::users::set_password_hash(&mut tx, user.id, &hash, now).await?;
    store::sessions::end_all_of_user(&mut tx, user.id, EndReason::PasswordChanged, None, now)
        .await?;
    store::audit::append(
        &mut tx,
        Some(user.id),
        "password.reset",
        "user",
        Some(user.id),
        match channel {
            ResetChannel::Admin => "with a code from an administrator",
            ResetChannel::Email => "with a code sent by email",
        },
        now,
    )
    .await?;
    crate::live::person_changed(&mut tx, user.id, now).await?;
    tx.commit().await?;
    throttle::clear(&app.pool, &throttled).await?;
    Ok(())
}

const RESET_TXT: &str = "Hello {{ name }},

Your password reset code is {{ code }}. Enter it with your new password in the app's
\"Forgot password\" form. It works once, for {{ minutes }} minutes.

If you did not ask for it, ignore this email: your password stays as it is.

Household Services";

const RESET_HTML: &str = "<p>Hello {{ name }},</p><p>Your password reset code is <strong style=\"font-size:1.3em;letter-spacing:.1em\">{{ code }}</strong>. Enter it with your new password in the app's “Forgot password” form. It works once, for {{ minutes }} minutes.</p><p>If you did not ask for it, ignore this email: your password stays as it is.</p><p>Household Services</p>";
