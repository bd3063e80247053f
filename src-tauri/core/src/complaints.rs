//! Complaints: the customer of a closed request raises one (a category, what happened, an
//! optional photo under the document upload rules); admins see the open ones with the
//! request's history and resolve them with a note, which the customer is told.

use crate::admin::people::DocumentView;
use crate::admin::requests::RequestDetail;
use crate::documents::{self, DocumentUpload};
use crate::domain::{optional_text, RequestStatus, Role};
use crate::error::{AppError, AppResult};
use crate::session::Actor;
use crate::store::{self, complaints::ComplaintRow};
use crate::App;
use base64::Engine;
use serde::{Deserialize, Serialize};
use specta::Type;

/// The kinds of complaint, as stored.
pub const CATEGORIES: &[&str] = &[
    "quality", "damage", "conduct", "billing", "lateness", "other",
];

/// A new complaint.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct ComplaintInput {
    /// One of [`CATEGORIES`].
    pub category: String,
    pub body: String,
    pub photo: Option<DocumentUpload>,
}

/// A complaint with its request, for the admin.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct ComplaintDetail {
    pub complaint: ComplaintRow,
    pub request: RequestDetail,
}

/// Raises a complaint on one of the customer's closed requests; returns its id.
pub async fn raise(
    app: &App,
    actor: &Actor,
    request_id: i64,
    input: ComplaintInput,
) -> AppResult<i64> {
    actor.require(Role::Customer)?;
    let category = input.category.trim().to_owned();
    let problems = (
        crate::error::ensure(
            CATEGORIES.contains(&category.as_str()),
            "category",
            "Choose what the complaint is about.",
        ),
        optional_text("body", &input.body, "The description", 2000).and_then(|b| {
            if b.is_empty() {
                Err(AppError::validation("body", "Say what went wrong."))
            } else {
                Ok(b)
            }
        }),
        input
            .photo
            .as_ref()
            .map(|p| documents::check(p).map_err(|e| e.renamed_field("document", "photo")))
            .transpose(),
    );
    let ((), body, photo) = crate::error::AllValid::all_valid(problems)?;
    let state = store::requests::state(&app.pool, request_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That request does not exist.".into()))?;
    if state.customer_id != actor.user_id {
        return Err(AppError::NotFound("That request does not exist.".into()));
    }
    if state.status != RequestStatus::Closed {
        return Err(AppError::Conflict(format!(
            "This request is {}: a complaint can be raised once it is closed.",
            state.status.as_str()
        )));
    }
    if let Some(p) = &photo {
        documents::store(&app.documents_dir(), p).await?;
    }
    let now = app.now();
    let size = photo
        .as_ref()
        .map(|p| i64::try_from(p.bytes.len()).map_err(AppError::internal))
        .transpose()?;
    let mut tx = app.write_tx().await?;
    let id = store::complaints::insert(
        &mut tx,
        &store::complaints::NewComplaint {
            request_id,
            customer_id: actor.user_id,
            professional_id: state.professional_id,
            category: &category,
            body: &body,
            photo: photo
                .as_ref()
                .zip(size)
                .map(|(p, size)| (p.sha256.as_str(), p.mime, p.display_name.as_str(), size)),
            created_at: now,
        },
    )
    .await?;
    crate::live::request_changed(&mut tx, request_id, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The customer's complaints about one of their requests.
pub async fn for_customer(
    app: &App,
    actor: &Actor,
    request_id: i64,
) -> AppResult<Vec<ComplaintRow>> {
    actor.require(Role::Customer)?;
    let state = store::requests::state(&app.pool, request_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That request does not exist.".into()))?;
    if state.customer_id != actor.user_id {
        return Err(AppError::NotFound("That request does not exist.".into()));
    }
    Ok(store::complaints::for_request(&app.pool, request_id).await?)
}

/// Complaints for the admin: open ones (or all), newest first.
pub async fn list(app: &App, actor: &Actor, open_only: bool) -> AppResult<Vec<ComplaintRow>> {
    actor.require(Role::Admin)?;
    Ok(store::complaints::list(&app.pool, open_only.then_some("open"), 500).await?)
}

/// One complaint with its request's history.
pub async fn detail(app: &App, actor: &Actor, id: i64) -> AppResult<ComplaintDetail> {
    actor.require(Role::Admin)?;
    let complaint = store::complaints::find(&app.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That complaint does not exist.".into()))?;
    let request = crate::admin::requests::detail(app, actor, complaint.request_id).await?;
    Ok(ComplaintDetail { complaint, request })
}

/// A complaint's photo, for the admin to view.
pub async fn photo(app: &App, actor: &Actor, id: i64) -> AppResult<DocumentView> {
    actor.require(Role::Admin)?;
    let (sha, mime, name) = store::complaints::photo(&app.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That complaint has no photo.".into()))?;
    let ext = match mime.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::internal(format!(
            "bad photo hash for complaint {id}"
        )));
    }
    let path = documents::stored_path(&app.documents_dir(), &sha, ext);
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        AppError::internal(format!(
            "photo of complaint {id} unreadable at {}: {e}",
            path.display()
        ))
    })?;
    Ok(DocumentView {
        file_name: name,
        mime,
        content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// Resolves an open complaint with a note; its customer is notified.
pub async fn resolve(app: &App, actor: &Actor, id: i64, note: &str) -> AppResult<()> {
    actor.require(Role::Admin)?;
    let note = optional_text("note", note, "The resolution", 1000)?;
    if note.is_empty() {
        return Err(AppError::validation(
            "note",
            "Say how the complaint was resolved (the customer sees it).",
        ));
    }
    let now = app.now();
    let mut tx = app.write_tx().await?;
    let complaint = store::complaints::find(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That complaint does not exist.".into()))?;
    if !store::complaints::resolve(&mut tx, id, &note, actor.user_id, now).await? {
        return Err(AppError::Conflict(
            "This complaint is already resolved.".into(),
        ));
    }
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "complaint.resolved",
        "request",
        Some(complaint.request_id),
        &note,
        now,
    )
    .await?;
    crate::notifications::on_complaint_resolved(&mut tx, &complaint, &note, now).await?;
    crate::live::request_changed(&mut tx, complaint.request_id, now).await?;
    tx.commit().await?;
    Ok(())
}
