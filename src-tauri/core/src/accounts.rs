//! Accounts: first-run admin, self-registration, login and logout.

use crate::documents::{self, DocumentUpload};
use crate::domain::{
    optional_text, Address, Email, FullName, NewPassword, Phone, Pincode, Role, UserStatus,
    Username, VerificationStatus,
};
use crate::error::{ensure, AllValid, AppError, AppResult};
use crate::session::{EndReason, SessionToken, SessionView, SignedIn};
use crate::store::{self, users::NewUser};
use crate::{password, throttle, App};
use serde::{Deserialize, Serialize};
use specta::Type;

/// The one message for an unknown account and a wrong password, so neither is revealed.
pub const GENERIC_LOGIN_FAILURE: &str = "The username/email or password is incorrect.";

/// What the UI needs at start-up.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct AppStatus {
    /// No admin exists yet: show the first-run screen.
    pub needs_setup: bool,
    /// The live session, if any.
    pub session: Option<SessionView>,
    /// The database holds no business data yet, so demo data can be loaded.
    pub demo_available: bool,
    /// Where this machine stands with the server (enrolled terminal, or not).
    pub terminal: crate::terminals::TerminalState,
    /// "Forgot password" can email a reset code (outgoing mail is set up).
    pub email_password_reset: bool,
}

/// The first-run form.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct NewAdmin {
    pub full_name: String,
    pub username: String,
    pub email: String,
    pub password: String,
}

/// The login form.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct LoginInput {
    /// Username or email.
    pub login: String,
    pub password: String,
}

/// The customer registration form.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct CustomerRegistration {
    pub full_name: String,
    pub username: String,
    pub email: String,
    pub password: String,
    pub phone: String,
    pub address: String,
    pub pincode: String,
}

/// The professional registration form.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct ProfessionalRegistration {
    pub full_name: String,
    pub username: String,
    pub email: String,
    pub password: String,
    pub phone: String,
    pub pincode: String,
    pub service_id: i64,
    pub experience_years: u32,
    pub description: String,
    pub document: DocumentUpload,
}

/// Years of experience, 0 to 70 (registration and profile forms).
pub fn experience_years(years: u32) -> AppResult<i64> {
    if years > 70 {
        return Err(AppError::validation(
            "experience_years",
            "Years of experience must be between 0 and 70.",
        ));
    }
    Ok(i64::from(years))
}

/// The message a blocked user sees.
pub fn blocked_message(reason: Option<&str>) -> String {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => format!("Your account has been blocked by an administrator. Reason: {r}"),
        None => "Your account has been blocked by an administrator.".to_string(),
    }
}

/// Start-up status: first run or not, the caller's live session (if `token` is one; not
/// counted as activity), whether demo data can be loaded.
pub async fn status(
    app: &App,
    token: Option<&SessionToken>,
    terminal: Option<&crate::terminals::TerminalKey>,
) -> AppResult<AppStatus> {
    let needs_setup = store::users::count_by_role(&app.pool, Role::Admin).await? == 0;
    let session = match token {
        Some(t) => app.session_view(t, false).await.ok(),
        None => None,
    };
    Ok(AppStatus {
        needs_setup,
        session,
        demo_available: crate::demo::is_available(app).await?,
        terminal: crate::terminals::state(app, terminal).await?,
        email_password_reset: crate::settings::current(app).await?.smtp.is_some(),
    })
}

/// The services a professional can register for (no session needed).
pub async fn public_services(app: &App) -> AppResult<Vec<store::services::ServiceSummary>> {
    Ok(store::services::list_active(&app.pool).await?)
}

/// Identity fields shared by every registration form.
struct Identity {
    full_name: FullName,
    username: Username,
    email: Email,
    password: NewPassword,
}

impl Identity {
    /// The four identity fields, each checked: every problem is reported at once (and merges
    /// with the other fields' problems in an [`AllValid`] tuple).
    fn parse(full_name: &str, username: &str, email: &str, password: &str) -> AppResult<Self> {
        let (full_name, username, email, password) = (
            FullName::parse(full_name),
            Username::parse(username),
            Email::parse(email),
            NewPassword::parse(password),
        )
            .all_valid()?;
        Ok(Identity {
            full_name,
            username,
            email,
            password,
        })
    }

    /// Friendly field errors for taken names, both at once (the UNIQUE constraints still
    /// guard races).
    async fn ensure_free(&self, app: &App) -> AppResult<()> {
        let mut taken = Vec::new();
        if store::users::username_taken(&app.pool, self.username.as_str()).await? {
            taken.push(AppError::validation(
                "username",
                "This username is already taken.",
            ));
        }
        if store::users::email_taken(&app.pool, self.email.as_str()).await? {
            taken.push(AppError::validation(
                "email",
                "An account with this email already exists.",
            ));
        }
        let fields: Vec<_> = taken
            .iter()
            .flat_map(|e| e.field_errors().iter().cloned())
            .collect();
        if fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(fields))
        }
    }
}

fn unique_to_validation(e: sqlx::Error) -> AppError {
    if store::is_unique_violation(&e) {
        AppError::validation("username", "This username or email is already registered.")
    } else {
        e.into()
    }
}

fn view_of(id: i64, identity: &Identity, role: Role) -> SessionView {
    SessionView {
        user_id: id,
        username: identity.username.to_string(),
        full_name: identity.full_name.to_string(),
        email: identity.email.to_string(),
        role,
        idle_timeout_secs: 0,
    }
}

async fn ensure_set_up(app: &App) -> AppResult<()> {
    if store::users::count_by_role(&app.pool, Role::Admin).await? == 0 {
        return Err(AppError::Conflict(
            "This app is not set up yet: the administrator account must be created first.".into(),
        ));
    }
    Ok(())
}

/// Creates the one-time administrator account (only while none exists) and signs it in.
pub async fn create_first_admin(app: &App, input: NewAdmin, client: &str) -> AppResult<SignedIn> {
    let identity = Identity::parse(
        &input.full_name,
        &input.username,
        &input.email,
        &input.password,
    )?;
    let hash = password::hash(identity.password.expose().to_string()).await?;
    let now = app.now();
    let mut tx = app.write_tx().await?;
    let id = store::users::insert_first_admin(
        &mut tx,
        &NewUser {
            username: identity.username.as_str(),
            email: identity.email.as_str(),
            full_name: identity.full_name.as_str(),
            password_hash: &hash,
            role: Role::Admin,
            now,
        },
    )
    .await
    .map_err(unique_to_validation)?
    .ok_or_else(|| {
        AppError::Conflict("An administrator account already exists. Please sign in.".into())
    })?;
    store::audit::append(
        &mut tx,
        Some(id),
        "admin.created",
        "user",
        Some(id),
        "first-run setup",
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = id, "first administrator created");
    app.start_session(view_of(id, &identity, Role::Admin), client)
        .await
}

/// Registers a customer and signs them in.
pub async fn register_customer(
    app: &App,
    input: CustomerRegistration,
    client: &str,
) -> AppResult<SignedIn> {
    ensure_set_up(app).await?;
    let (identity, phone, address, pincode) = (
        Identity::parse(
            &input.full_name,
            &input.username,
            &input.email,
            &input.password,
        ),
        Phone::parse(&input.phone),
        Address::parse(&input.address),
        Pincode::parse(&input.pincode),
    )
        .all_valid()?;
    identity.ensure_free(app).await?;
    let hash = password::hash(identity.password.expose().to_string()).await?;
    let now = app.now();
    let mut tx = app.write_tx().await?;
    let id = store::users::insert(
        &mut tx,
        &NewUser {
            username: identity.username.as_str(),
            email: identity.email.as_str(),
            full_name: identity.full_name.as_str(),
            password_hash: &hash,
            role: Role::Customer,
            now,
        },
    )
    .await
    .map_err(unique_to_validation)?;
    store::customers::insert(
        &mut tx,
        id,
        phone.as_str(),
        address.as_str(),
        pincode.as_str(),
    )
    .await?;
    store::audit::append(
        &mut tx,
        Some(id),
        "customer.registered",
        "user",
        Some(id),
        "",
        now,
    )
    .await?;
    crate::live::person_changed(&mut tx, id, now).await?;
    tx.commit().await?;
    store::users::touch_last_login(&app.pool, id, now).await?;
    app.start_session(view_of(id, &identity, Role::Customer), client)
        .await
}

/// Registers a professional, stores their document, and leaves them awaiting approval.
pub async fn register_professional(app: &App, input: ProfessionalRegistration) -> AppResult<()> {
    ensure_set_up(app).await?;
    let offered = store::services::is_active(&app.pool, input.service_id).await?;
    let (identity, phone, pincode, (), experience, description, document) = (
        Identity::parse(
            &input.full_name,
            &input.username,
            &input.email,
            &input.password,
        ),
        Phone::parse(&input.phone),
        Pincode::parse(&input.pincode),
        ensure(offered, "service_id", "Choose one of the offered services."),
        experience_years(input.experience_years),
        optional_text("description", &input.description, "Description", 1000),
        documents::check(&input.document),
    )
        .all_valid()?;
    identity.ensure_free(app).await?;
    let hash = password::hash(identity.password.expose().to_string()).await?;
    documents::store(&app.documents_dir(), &document).await?;
    let now = app.now();
    let mut tx = app.write_tx().await?;
    let id = store::users::insert(
        &mut tx,
        &NewUser {
            username: identity.username.as_str(),
            email: identity.email.as_str(),
            full_name: identity.full_name.as_str(),
            password_hash: &hash,
            role: Role::Professional,
            now,
        },
    )
    .await
    .map_err(unique_to_validation)?;
    store::professionals::insert(
        &mut tx,
        &store::professionals::NewProfessional {
            user_id: id,
            service_id: input.service_id,
            experience_years: experience,
            description: &description,
            phone: phone.as_str(),
            pincode: pincode.as_str(),
            document_sha256: &document.sha256,
            document_mime: document.mime,
            document_name: &document.display_name,
            document_size: i64::try_from(document.bytes.len()).map_err(AppError::internal)?,
            now,
        },
    )
    .await?;
    store::audit::append(
        &mut tx,
        Some(id),
        "professional.registered",
        "user",
        Some(id),
        "",
        now,
    )
    .await?;
    crate::live::person_changed(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a login and password: unknown account and wrong password give the same message
/// after the same argon2 work, repeated failures are throttled, a blocked user is told why
/// (only once they proved they know the password).
async fn authenticate(app: &App, input: LoginInput) -> AppResult<store::users::UserRow> {
    let key = input.login.trim().to_lowercase();
    if key.is_empty() {
        return Err(AppError::validation(
            "login",
            "Enter your username or email.",
        ));
    }
    if input.password.is_empty() {
        return Err(AppError::validation("password", "Enter your password."));
    }
    if key.chars().count() > 254 || input.password.chars().count() > NewPassword::MAX_LEN {
        return Err(AppError::Unauthorized(GENERIC_LOGIN_FAILURE.into()));
    }
    throttle::check(&app.pool, &key, app.clock.now()).await?;
    let user = store::users::find_by_login(&app.pool, &key).await?;
    let verified = match &user {
        Some(u) => password::verify(u.password_hash.clone(), input.password).await?,
        None => password::verify_dummy(input.password).await?,
    };
    let user = match user {
        Some(u) if verified => u,
        _ => {
            throttle::record_failure(&app.pool, &key, app.clock.now()).await?;
            return Err(AppError::Unauthorized(GENERIC_LOGIN_FAILURE.into()));
        }
    };
    throttle::clear(&app.pool, &key).await?;
    if user.status != UserStatus::Active {
        return Err(AppError::AccountBlocked(blocked_message(
            user.blocked_reason.as_deref(),
        )));
    }
    Ok(user)
}

/// Checks an administrator's credentials without starting a session (unlocking a counter
/// terminal's kiosk for maintenance): the same messages, work and throttling as signing in.
/// Audited.
pub async fn verify_admin(app: &App, input: LoginInput) -> AppResult<()> {
    let user = authenticate(app, input).await?;
    if user.role != Role::Admin {
        return Err(AppError::Forbidden(
            "Only an administrator can unlock this computer.".into(),
        ));
    }
    store::audit::append(
        &app.pool,
        Some(user.id),
        "kiosk.unlocked",
        "user",
        Some(user.id),
        "",
        app.now(),
    )
    .await?;
    Ok(())
}

/// Signs in by username or email. Unknown account and wrong password give the same message
/// after the same argon2 work; repeated failures are throttled; blocked users and professionals
/// not (yet) approved are told why, but only once they proved they know the password.
pub async fn login(app: &App, input: LoginInput, client: &str) -> AppResult<SignedIn> {
    let user = authenticate(app, input).await?;
    let role = user.role;
    if role == Role::Professional {
        let (status, note) = store::professionals::verification(&app.pool, user.id)
            .await?
            .ok_or_else(|| {
                AppError::internal(format!("professional {} has no profile", user.id))
            })?;
        match status {
            VerificationStatus::Approved => {}
            VerificationStatus::Rejected => {
                let why = note.filter(|n| !n.trim().is_empty()).map(|n| format!(" Reason: {n}")).unwrap_or_default();
                return Err(AppError::ApprovalRejected(format!(
                    "Your application as a service professional was not approved.{why}"
                )));
            }
            VerificationStatus::Pending => {
                return Err(AppError::ApprovalPending(
                    "Your account is awaiting approval: an administrator is checking your documents. You can sign in once it is approved."
                        .into(),
                ))
            }
        }
    }
    let now = app.now();
    store::users::touch_last_login(&app.pool, user.id, now).await?;
    app.start_session(
        SessionView {
            user_id: user.id,
            username: user.username,
            full_name: user.full_name,
            email: user.email,
            role,
            idle_timeout_secs: 0,
        },
        client,
    )
    .await
}

/// Ends the session of `token`.
pub async fn logout(app: &App, token: &SessionToken) -> AppResult<()> {
    app.end_session(token).await
}

/// The change-password form.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the signed-in user's password; the current one is required. Every other session
/// of the user ends at once (this one, `current`, goes on).
pub async fn change_password(
    app: &App,
    actor: &crate::Actor,
    current: &SessionToken,
    input: PasswordChange,
) -> AppResult<()> {
    let keep = app.session_id(current).await?;
    let user = store::users::find_by_id(&app.pool, actor.user_id)
        .await?
        .ok_or_else(|| AppError::Unauthorized("Please sign in to continue.".into()))?;
    let current_ok = password::verify(user.password_hash, input.current_password).await?;
    let ((), new) = (
        ensure(
            current_ok,
            "current_password",
            "The current password is not correct.",
        ),
        NewPassword::parse(&input.new_password).map_err(|e| e.renamed("password", "new_password")),
    )
        .all_valid()?;
    let hash = password::hash(new.expose().to_string()).await?;
    let now = app.now();
    let mut tx = app.write_tx().await?;
    store::users::set_password_hash(&mut tx, actor.user_id, &hash, now).await?;
    store::sessions::end_all_of_user(
        &mut tx,
        actor.user_id,
        EndReason::PasswordChanged,
        Some(keep),
        now,
    )
    .await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "password.changed",
        "user",
        Some(actor.user_id),
        "",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
