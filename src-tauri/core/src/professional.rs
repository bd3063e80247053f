//! Professional workflows: profile, the feed of open requests, accepting (race-safe),
//! declining, completing, and rating customers.

use crate::admin::{limit_offset, PageInfo};
use crate::customer::ReviewInput;
use crate::domain::{
    optional_text, review_comment, Phone, Pincode, Rating, RequestStatus, Role, VerificationStatus,
};
use crate::error::{AllValid, AppError, AppResult};
use crate::lifecycle::Action;
use crate::requests_common::{apply, load};
use crate::session::Actor;
use crate::store::{
    self,
    professionals::ProfessionalOwnProfile,
    receipts::ReceiptLine,
    requests::{FeedItem, JobItem},
};
use crate::timestamp::Timestamp;
use crate::App;
use chrono::FixedOffset;
use serde::{Deserialize, Serialize};
use specta::Type;

/// The editable part of a professional's profile.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct ProfessionalProfileInput {
    pub phone: String,
    pub pincode: String,
    pub experience_years: u32,
    pub description: String,
}

/// Paging of the feed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct FeedQuery {
    pub page: u32,
    pub per_page: u32,
}

/// A page of the feed.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    pub page: PageInfo,
    pub has_more: bool,
}

/// Which jobs to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct JobsQuery {
    /// `assigned`, `completed`, `closed` or `cancelled`; all of theirs when `None`.
    pub status: Option<RequestStatus>,
    pub page: u32,
    pub per_page: u32,
}

/// A page of jobs.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct JobsPage {
    pub items: Vec<JobItem>,
    pub page: PageInfo,
    pub has_more: bool,
}

/// Most open requests the feed looks at (oldest first) before filtering by availability.
const FEED_CANDIDATES: i64 = 2_000;

/// Fails unless the actor is a professional whose application is approved.
async fn approved_professional(app: &App, actor: &Actor) -> AppResult<(i64, String)> {
    actor.require(Role::Professional)?;
    let (status, _) = store::professionals::verification(&app.pool, actor.user_id)
        .await?
        .ok_or_else(|| {
            AppError::internal(format!("professional {} has no profile", actor.user_id))
        })?;
    if status != VerificationStatus::Approved {
        return Err(AppError::Forbidden(
            "Your account is not approved to take jobs.".into(),
        ));
    }
    store::professionals::service_area(&app.pool, actor.user_id)
        .await?
        .ok_or_else(|| AppError::internal(format!("professional {} has no profile", actor.user_id)))
}

/// The professional's own profile.
pub async fn profile(app: &App, actor: &Actor) -> AppResult<ProfessionalOwnProfile> {
    actor.require(Role::Professional)?;
    store::professionals::own_profile(&app.pool, actor.user_id)
        .await?
        .ok_or_else(|| AppError::internal(format!("professional {} has no profile", actor.user_id)))
}

/// Updates phone, service area, experience and description.
pub async fn update_profile(
    app: &App,
    actor: &Actor,
    input: ProfessionalProfileInput,
) -> AppResult<ProfessionalOwnProfile> {
    actor.require(Role::Professional)?;
    let (phone, pincode, experience, description) = (
        Phone::parse(&input.phone),
        Pincode::parse(&input.pincode),
        crate::accounts::experience_years(input.experience_years),
        optional_text("description", &input.description, "Description", 1000),
    )
        .all_valid()?;
    store::professionals::update_profile(
        &app.pool,
        actor.user_id,
        phone.as_str(),
        pincode.as_str(),
        experience,
        &description,
    )
    .await?;
    profile(app, actor).await
}

/// Open requests for the professional's service in their pincode, oldest first.
pub async fn feed(app: &App, actor: &Actor, q: FeedQuery) -> AppResult<FeedPage> {
    let (service_id, pincode) = approved_professional(app, actor).await?;
    let (limit, offset) = limit_offset(q.page, q.per_page);
    // Only requests they can take: in the future, in their hours, not on a day off, and not
    // overlapping one of their jobs. The open requests of one service and PIN code are few,
    // so they are filtered here and paged after (capped, oldest first).
    let now = app.now();
    let candidates = store::requests::feed(
        &app.pool,
        actor.user_id,
        service_id,
        &pincode,
        FEED_CANDIDATES,
        0,
    )
    .await?;
    let (from, to) = candidates
        .iter()
        .fold(None, |span: Option<(Timestamp, Timestamp)>, r| {
            let end = r.scheduled_for + chrono::Duration::minutes(r.duration_minutes);
            Some(match span {
                None => (r.scheduled_for, end),
                Some((a, b)) => (a.min(r.scheduled_for), b.max(end)),
            })
        })
        .unwrap_or((now, now));
    let cal = crate::availability::Calendar::load(
        &mut store::Ex::from(&app.pool),
        actor.user_id,
        from,
        to,
    )
    .await?;
    let offset_local = app.clock.local_offset();
    let items: Vec<FeedItem> = candidates
        .into_iter()
        .filter(|r| {
            r.scheduled_for > now
                && cal.can_take(r.scheduled_for, r.duration_minutes, offset_local, None)
        })
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(usize::try_from(limit + 1).unwrap_or(usize::MAX))
        .collect();
    let (items, page, has_more) = crate::admin::trim_page(items, q.page, q.per_page, limit, offset);
    Ok(FeedPage {
        items,
        page,
        has_more,
    })
}

/// Accepts an open request. Race-safe: of two professionals accepting at once exactly one
/// wins; the other gets `conflict`.
pub async fn accept(app: &App, actor: &Actor, id: i64) -> AppResult<()> {
    let (service_id, pincode) = approved_professional(app, actor).await?;
    let mut tx = app.write_tx().await?;
    let (state, status) = load(&mut tx, id).await?;
    if state.service_id != service_id || state.pincode != pincode {
        return Err(AppError::Forbidden(
            "This request is for another service or area.".into(),
        ));
    }
    if status == RequestStatus::Assigned {
        // Accepting twice (a double click, a retried request) is no error: it is theirs.
        if state.professional_id == Some(actor.user_id) {
            return Ok(());
        }
        return Err(AppError::Conflict(
            "Another professional accepted this request first.".into(),
        ));
    }
    if store::requests::declined_by(&mut tx, id, actor.user_id).await? {
        return Err(AppError::Conflict(
            "You declined this request earlier.".into(),
        ));
    }
    if status == RequestStatus::Requested {
        crate::availability::ensure_free(
            app,
            &mut tx,
            actor.user_id,
            &state,
            crate::availability::Taker::Themselves,
        )
        .await?;
    }
    apply(app, &mut tx, actor, &state, status, Action::Accept, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Declines an open request: hidden from this professional's feed, still open for others.
pub async fn decline(app: &App, actor: &Actor, id: i64) -> AppResult<()> {
    let (service_id, pincode) = approved_professional(app, actor).await?;
    let mut tx = app.write_tx().await?;
    let (state, status) = load(&mut tx, id).await?;
    if state.service_id != service_id || state.pincode != pincode {
        return Err(AppError::Forbidden(
            "This request is for another service or area.".into(),
        ));
    }
    if status != RequestStatus::Requested {
        return Err(AppError::Conflict(format!(
            "This request is {} and can no longer be declined.",
            status.as_str()
        )));
    }
    let now = app.now();
    if store::requests::decline(&mut tx, id, actor.user_id, now).await? {
        store::requests::append_event(
            &mut tx,
            id,
            Some(actor.user_id),
            Some(RequestStatus::Requested),
            RequestStatus::Requested,
            Some("Declined by a professional"),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn own_job(
    tx: &mut store::Tx,
    actor: &Actor,
    id: i64,
) -> AppResult<(store::requests::RequestState, RequestStatus)> {
    let (state, status) = load(tx, id).await?;
    match state.professional_id {
        Some(p) if p == actor.user_id => Ok((state, status)),
        Some(_) => Err(AppError::Forbidden(
            "This job is not assigned to you.".into(),
        )),
        None => Err(AppError::Conflict(format!(
            "This request is {} and has no professional assigned.",
            status.as_str()
        ))),
    }
}

/// A job cannot be completed before its visit was due to start.
fn ensure_visit_started(
    app: &App,
    state: &store::requests::RequestState,
    offset: FixedOffset,
) -> AppResult<()> {
    let visit = state.scheduled_for;
    if app.now() < visit {
        let local = visit.at_offset(offset);
        return Err(AppError::Conflict(format!(
            "This visit is scheduled for {}: it can be marked completed once it has started.",
            local.format("%-d %b %Y, %H:%M")
        )));
    }
    Ok(())
}

/// What the professional sends to mark a job completed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct Completion {
    /// The six-digit code the customer reads out.
    pub code: String,
    pub note: Option<String>,
    /// Extra line items (parts, extra time) added to the booked price.
    #[serde(default)]
    pub extras: Vec<ReceiptLine>,
}

/// Marks an assigned job completed with the customer's completion code, an optional note
/// and extra line items; not before the visit's time. A wrong code is counted (and locks
/// the job after `completion::MAX_FAILURES` in a row). `offset` is the caller's terminal's
/// (the refusal names the visit time in its local time).
pub async fn complete(
    app: &App,
    actor: &Actor,
    id: i64,
    input: Completion,
    offset: FixedOffset,
) -> AppResult<()> {
    approved_professional(app, actor).await?;
    let (note, extras) = (
        optional_text("note", input.note.as_deref().unwrap_or(""), "Note", 500),
        crate::receipts::validate_extras(&input.extras),
    )
        .all_valid()?;
    let mut tx = app.write_tx().await?;
    let (state, status) = own_job(&mut tx, actor, id).await?;
    if status == RequestStatus::Assigned {
        ensure_visit_started(app, &state, offset)?;
        if let Err(wrong) = crate::completion::check(app, &mut tx, id, &input.code).await? {
            // The wrong try is counted even though the job stays as it was.
            tx.commit().await?;
            return Err(wrong);
        }
    }
    let note = (!note.is_empty()).then_some(note);
    apply(
        app,
        &mut tx,
        actor,
        &state,
        status,
        Action::Complete,
        note.as_deref(),
    )
    .await?;
    store::receipts::replace_extras(&mut tx, id, &extras, app.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Rates the customer of a completed or closed job, once.
pub async fn rate_customer(
    app: &App,
    actor: &Actor,
    id: i64,
    review: ReviewInput,
) -> AppResult<()> {
    actor.require(Role::Professional)?;
    let (rating, comment) = (
        Rating::parse(review.rating),
        review_comment(review.comment.as_deref()),
    )
        .all_valid()?;
    let mut tx = app.write_tx().await?;
    let (state, status) = own_job(&mut tx, actor, id).await?;
    if !matches!(status, RequestStatus::Completed | RequestStatus::Closed) {
        return Err(AppError::Conflict(format!(
            "This job is {}: customers can be rated after completion.",
            status.as_str()
        )));
    }
    let now = app.now();
    if !store::reviews::set_customer_rating(&mut tx, id, rating.get(), comment.as_deref(), now)
        .await?
    {
        return Err(AppError::Conflict(
            "You already rated this customer for this job.".into(),
        ));
    }
    store::reviews::add_customer_rating(&mut tx, state.customer_id, rating.get()).await?;
    tx.commit().await?;
    Ok(())
}

/// The professional's jobs by visit time (assigned: the next first; others: the latest
/// first), each flagged `overdue` when assigned and its time has passed.
pub async fn jobs(app: &App, actor: &Actor, q: JobsQuery) -> AppResult<JobsPage> {
    actor.require(Role::Professional)?;
    let (limit, offset) = limit_offset(q.page, q.per_page);
    let items = store::requests::jobs_for_professional(
        &app.pool,
        actor.user_id,
        q.status,
        app.now(),
        limit + 1,
        offset,
    )
    .await?;
    let (items, page, has_more) = crate::admin::trim_page(items, q.page, q.per_page, limit, offset);
    Ok(JobsPage {
        items,
        page,
        has_more,
    })
}
