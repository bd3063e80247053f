//! People: the searchable list, details, professional verification, blocking.

use super::{limit_offset, reason, PageInfo};
use crate::documents;
use crate::domain::{Role, UserStatus, VerificationStatus};
use crate::error::{AppError, AppResult};
use crate::session::{Actor, EndReason};
use crate::store::{
    self,
    audit::AuditEntry,
    people::{PeopleFilter, PersonRow, ProfessionalProfile},
};
use crate::App;
use base64::Engine;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Filters and paging of the people list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct PeopleQuery {
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    pub verification: Option<VerificationStatus>,
    pub service_id: Option<i64>,
    pub pincode: Option<String>,
    pub search: Option<String>,
    /// Only professionals with an open complaint.
    #[serde(default)]
    pub open_complaints: bool,
    pub page: u32,
    pub per_page: u32,
}

/// One page of people.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct PeoplePage {
    pub items: Vec<PersonRow>,
    pub page: PageInfo,
}

/// Everything the admin sees about one person.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct PersonDetail {
    pub person: PersonRow,
    pub professional: Option<ProfessionalProfile>,
    /// Admin actions and account events about this person, newest first.
    pub audit: Vec<AuditEntry>,
    /// Sessions not ended yet (signed in on that many computers, or idle and not yet noticed).
    pub live_sessions: i64,
}

/// An uploaded document, for viewing in the app.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct DocumentView {
    pub file_name: String,
    pub mime: String,
    pub content_base64: String,
}

/// The people list, filtered and paginated in the database.
pub async fn list(app: &App, actor: &Actor, q: PeopleQuery) -> AppResult<PeoplePage> {
    actor.require(Role::Admin)?;
    let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if search.is_some_and(|s| s.chars().count() > 100) {
        return Err(AppError::validation(
            "search",
            "The search text must be at most 100 characters.",
        ));
    }
    let pincode = q
        .pincode
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let filter = PeopleFilter {
        role: q.role,
        status: q.status,
        verification: q.verification,
        service_id: q.service_id,
        pincode,
        search,
        open_complaints: q.open_complaints,
    };
    let (limit, offset) = limit_offset(q.page, q.per_page);
    let (items, total) = store::people::list(&app.pool, &filter, limit, offset).await?;
    Ok(PeoplePage {
        items,
        page: PageInfo::new(q.page, q.per_page, total),
    })
}

/// One person's profile, figures and audit trail.
pub async fn detail(app: &App, actor: &Actor, user_id: i64) -> AppResult<PersonDetail> {
    actor.require(Role::Admin)?;
    let person = store::people::find(&app.pool, user_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That user does not exist.".into()))?;
    let professional = store::people::professional_profile(&app.pool, user_id).await?;
    let audit = store::audit::entries_for(&app.pool, "user", user_id).await?;
    let live_sessions = store::sessions::live_count(&app.pool, user_id).await?;
    Ok(PersonDetail {
        person,
        professional,
        audit,
        live_sessions,
    })
}

/// Signs a user out everywhere at once (a lost laptop, a shared password): every live session
/// ends, and each of their desktops returns to the login screen with the reason. Audited.
pub async fn end_sessions(app: &App, actor: &Actor, user_id: i64) -> AppResult<u64> {
    actor.require(Role::Admin)?;
    let now = app.now();
    let mut tx = app.write_tx().await?;
    if store::users::find_by_id(&mut tx, user_id).await?.is_none() {
        return Err(AppError::NotFound("That user does not exist.".into()));
    }
    let ended =
        store::sessions::end_all_of_user(&mut tx, user_id, EndReason::Revoked, None, now).await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "sessions.revoked",
        "user",
        Some(user_id),
        &format!("{ended} session(s) ended"),
        now,
    )
    .await?;
    crate::live::person_changed(&mut tx, user_id, now).await?;
    tx.commit().await?;
    Ok(ended)
}

/// A professional's uploaded document, read from the app-data folder by its hash.
pub async fn document(app: &App, actor: &Actor, user_id: i64) -> AppResult<DocumentView> {
    let (profile, path) = document_path(app, actor, user_id).await?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        AppError::internal(format!(
            "document of user {user_id} unreadable at {}: {e}",
            path.display()
        ))
    })?;
    Ok(DocumentView {
        file_name: profile.document_name,
        mime: profile.document_mime,
        content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// Where a professional's document is stored (for opening it with the OS viewer). The path is
/// derived from the database, never taken from the UI.
pub async fn document_path(
    app: &App,
    actor: &Actor,
    user_id: i64,
) -> AppResult<(ProfessionalProfile, std::path::PathBuf)> {
    actor.require(Role::Admin)?;
    let profile = store::people::professional_profile(&app.pool, user_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That user is not a professional.".into()))?;
    let ext = match profile.document_mime.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    if profile.document_sha256.len() != 64
        || !profile
            .document_sha256
            .chars()
            .all(|c| c.is_ascii_hexdigit())
    {
        return Err(AppError::internal(format!(
            "bad document hash for user {user_id}"
        )));
    }
    let path = documents::stored_path(&app.documents_dir(), &profile.document_sha256, ext);
    Ok((profile, path))
}

async fn professional_status(app: &App, user_id: i64) -> AppResult<VerificationStatus> {
    store::professionals::verification(&app.pool, user_id)
        .await?
        .map(|(s, _)| s)
        .ok_or_else(|| AppError::NotFound("That user is not a professional.".into()))
}

/// Approves a professional after their documents were checked.
pub async fn approve(app: &App, actor: &Actor, user_id: i64) -> AppResult<()> {
    actor.require(Role::Admin)?;
    if professional_status(app, user_id).await? == VerificationStatus::Approved {
        return Err(AppError::Conflict(
            "This professional is already approved.".into(),
        ));
    }
    let now = app.now();
    let mut tx = app.write_tx().await?;
    store::professionals::set_verification(
        &mut tx,
        user_id,
        VerificationStatus::Approved,
        None,
        Some(actor.user_id),
        now,
    )
    .await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "professional.approved",
        "user",
        Some(user_id),
        "",
        now,
    )
    .await?;
    crate::notifications::on_account(
        &mut tx,
        user_id,
        "account.approved",
        "Account approved",
        "Your documents were checked: you can now accept jobs.",
        now,
    )
    .await?;
    crate::live::person_changed(&mut tx, user_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Rejects a professional's application (or withdraws an approval), with the reason they will
/// be shown; an approved professional's assigned jobs go back to the open pool.
pub async fn reject(app: &App, actor: &Actor, user_id: i64, why: &str) -> AppResult<BlockOutcome> {
    actor.require(Role::Admin)?;
    let why = reason(why)?;
    if professional_status(app, user_id).await? == VerificationStatus::Rejected {
        return Err(AppError::Conflict(
            "This application is already rejected.".into(),
        ));
    }
    let now = app.now();
    let mut tx = app.write_tx().await?;
    store::professionals::set_verification(
        &mut tx,
        user_id,
        VerificationStatus::Rejected,
        Some(&why),
        Some(actor.user_id),
        now,
    )
    .await?;
    store::sessions::end_all_of_user(&mut tx, user_id, EndReason::Revoked, None, now).await?;
    // An approved professional who is rejected later loses their open jobs like a blocked one.
    let released = release_assigned(
        app,
        &mut tx,
        actor,
        user_id,
        "the professional's approval was withdrawn",
    )
    .await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "professional.rejected",
        "user",
        Some(user_id),
        &why,
        now,
    )
    .await?;
    crate::notifications::on_account(
        &mut tx,
        user_id,
        "account.rejected",
        "Application not approved",
        &format!("Reason: {why}"),
        now,
    )
    .await?;
    crate::live::person_changed(&mut tx, user_id, now).await?;
    tx.commit().await?;
    Ok(BlockOutcome {
        released_requests: released,
    })
}

/// Outcome of a block or a withdrawn approval: the professional's jobs that went back to the
/// open pool.
#[derive(Debug, Clone, Serialize, Deserialize, Type, PartialEq, Eq, schemars::JsonSchema)]
pub struct BlockOutcome {
    pub released_requests: Vec<i64>,
}

/// Blocks a user at once: their session dies on its next command, login is refused, and a
/// professional's assigned-but-unfinished requests return to the open pool. Admins cannot
/// block themselves or the last active admin.
pub async fn block(app: &App, actor: &Actor, user_id: i64, why: &str) -> AppResult<BlockOutcome> {
    actor.require(Role::Admin)?;
    let why = reason(why)?;
    if user_id == actor.user_id {
        return Err(AppError::Conflict(
            "You cannot block your own account.".into(),
        ));
    }
    let now = app.now();
    let mut tx = app.write_tx().await?;
    let target = store::users::find_by_id(&mut tx, user_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That user does not exist.".into()))?;
    if target.status == UserStatus::Blocked {
        return Err(AppError::Conflict("This user is already blocked.".into()));
    }
    if target.role == Role::Admin
        && store::people::other_active_admins(&mut tx, user_id).await? == 0
    {
        return Err(AppError::Conflict(
            "The last active administrator cannot be blocked.".into(),
        ));
    }
    store::users::set_status(&mut tx, user_id, UserStatus::Blocked, Some(&why), now).await?;
    store::sessions::end_all_of_user(&mut tx, user_id, EndReason::Blocked, None, now).await?;
    let released =
        release_assigned(app, &mut tx, actor, user_id, "the professional was blocked").await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "user.blocked",
        "user",
        Some(user_id),
        &why,
        now,
    )
    .await?;
    crate::notifications::on_account(
        &mut tx,
        user_id,
        "account.blocked",
        "Account blocked",
        &format!("Reason: {why}"),
        now,
    )
    .await?;
    crate::live::person_changed(&mut tx, user_id, now).await?;
    tx.commit().await?;
    tracing::info!(user_id, released = released.len(), "user blocked");
    Ok(BlockOutcome {
        released_requests: released,
    })
}

/// Lifts a block.
pub async fn unblock(app: &App, actor: &Actor, user_id: i64) -> AppResult<()> {
    actor.require(Role::Admin)?;
    let now = app.now();
    let mut tx = app.write_tx().await?;
    let target = store::users::find_by_id(&mut tx, user_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That user does not exist.".into()))?;
    if target.status != UserStatus::Blocked {
        return Err(AppError::Conflict("This user is not blocked.".into()));
    }
    store::users::set_status(&mut tx, user_id, UserStatus::Active, None, now).await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "user.unblocked",
        "user",
        Some(user_id),
        "",
        now,
    )
    .await?;
    crate::live::person_changed(&mut tx, user_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Returns a professional's assigned requests to the pool through the state machine's
/// `Release` (guarded update, history entry and notification), recording why.
async fn release_assigned(
    app: &App,
    tx: &mut store::Tx,
    actor: &Actor,
    professional_id: i64,
    why: &str,
) -> AppResult<Vec<i64>> {
    let note = format!("Returned to the open pool: {why}.");
    let mut released = Vec::new();
    for id in store::requests::assigned_to(&mut *tx, professional_id).await? {
        let (state, status) = crate::requests_common::load(tx, id).await?;
        crate::requests_common::apply(
            app,
            tx,
            actor,
            &state,
            status,
            crate::lifecycle::Action::Release,
            Some(&note),
        )
        .await?;
        released.push(id);
    }
    Ok(released)
}
