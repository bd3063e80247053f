//! Customer workflows: profile, service search, booking, editing/cancelling, closing with a
//! review. Every function checks the customer role and ownership of the request.

use crate::admin::requests::RequestDetail;
use crate::admin::{limit_offset, PageInfo};
use crate::domain::{
    optional_text, review_comment, Address, Phone, Pincode, Rating, RequestStatus, Role,
};
use crate::error::{AllValid, AppError, AppResult};
use crate::lifecycle::Action;
use crate::requests_common::{apply, load};
use crate::session::Actor;
use crate::store::{
    self,
    customers::CustomerProfile,
    requests::RequestRow,
    services::{SearchOrder, ServiceSearchRow},
};
use crate::App;
use crate::Timestamp;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// How far ahead a booking may be made.
pub const MAX_DAYS_AHEAD: i64 = 90;

/// The editable part of a customer's profile.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct CustomerProfileInput {
    pub phone: String,
    pub address: String,
    pub pincode: String,
}

/// Search sort orders offered to customers.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ServiceSort {
    #[default]
    Name,
    PriceAsc,
    PriceDesc,
    Rating,
}

/// The search form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct ServiceSearch {
    pub text: Option<String>,
    /// Only services bookable in this pincode; `None` for all active services.
    pub pincode: Option<String>,
    pub sort: ServiceSort,
}

/// The booking form.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct BookingInput {
    pub service_id: i64,
    /// RFC 3339 instant of the visit (the UI sends the local slot with its offset).
    pub scheduled_for: String,
    /// Defaults to the profile's address when empty.
    pub address: Option<String>,
    /// Defaults to the profile's pincode when empty.
    pub pincode: Option<String>,
    pub remarks: String,
}

/// Changes to an open request.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct RequestEdit {
    pub scheduled_for: String,
    pub address: String,
    pub remarks: String,
}

/// Which requests to list.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RequestScope {
    #[default]
    Current,
    Past,
    All,
}

/// Paging for "my requests".
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct MyRequestsQuery {
    pub scope: RequestScope,
    pub page: u32,
    pub per_page: u32,
}

/// A page of the customer's requests.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct MyRequestsPage {
    pub items: Vec<RequestRow>,
    pub page: PageInfo,
    pub has_more: bool,
}

/// A review (stars and optional comment).
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct ReviewInput {
    pub rating: u8,
    pub comment: Option<String>,
}

fn scheduled(app: &App, raw: &str) -> AppResult<DateTime<Utc>> {
    let at = DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| AppError::validation("scheduled_for", "Choose a date and a time slot."))?;
    let now = app.clock.now();
    if at <= now {
        return Err(AppError::validation(
            "scheduled_for",
            "That time is in the past: choose a later slot.",
        ));
    }
    if at > now + Duration::days(MAX_DAYS_AHEAD) {
        return Err(AppError::validation(
            "scheduled_for",
            format!("Bookings can be made up to {MAX_DAYS_AHEAD} days ahead."),
        ));
    }
    Ok(at)
}

/// The customer's own profile.
pub async fn profile(app: &App, actor: &Actor) -> AppResult<CustomerProfile> {
    actor.require(Role::Customer)?;
    store::customers::profile(&app.pool, actor.user_id)
        .await?
        .ok_or_else(|| AppError::internal(format!("customer {} has no profile", actor.user_id)))
}

/// Updates phone, address and pincode.
pub async fn update_profile(
    app: &App,
    actor: &Actor,
    input: CustomerProfileInput,
) -> AppResult<CustomerProfile> {
    actor.require(Role::Customer)?;
    let (phone, address, pincode) = (
        Phone::parse(&input.phone),
        Address::parse(&input.address),
        Pincode::parse(&input.pincode),
    )
        .all_valid()?;
    store::customers::update(
        &app.pool,
        actor.user_id,
        phone.as_str(),
        address.as_str(),
        pincode.as_str(),
    )
    .await?;
    profile(app, actor).await
}

/// Searches active services; with a pincode only those bookable there.
pub async fn search(
    app: &App,
    actor: &Actor,
    q: ServiceSearch,
) -> AppResult<Vec<ServiceSearchRow>> {
    actor.require(Role::Customer)?;
    let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if text.is_some_and(|t| t.chars().count() > 100) {
        return Err(AppError::validation(
            "text",
            "The search text must be at most 100 characters.",
        ));
    }
    let pincode = match q
        .pincode
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => Some(Pincode::parse(p)?),
        None => None,
    };
    let order = match q.sort {
        ServiceSort::Name => SearchOrder::Name,
        ServiceSort::PriceAsc => SearchOrder::PriceAsc,
        ServiceSort::PriceDesc => SearchOrder::PriceDesc,
        ServiceSort::Rating => SearchOrder::Rating,
    };
    Ok(store::services::search(
        &app.pool,
        text,
        pincode.as_ref().map(Pincode::as_str),
        order,
    )
    .await?)
}

/// Books a service; the request starts as `requested`. Returns its id.
pub async fn book(app: &App, actor: &Actor, input: BookingInput) -> AppResult<i64> {
    book_once(app, actor, input, None).await
}

/// Books a service once per `key`: a retry of an attempt whose reply was lost (same key)
/// returns the request that attempt made instead of booking again.
pub async fn book_once(
    app: &App,
    actor: &Actor,
    input: BookingInput,
    key: Option<&str>,
) -> AppResult<i64> {
    actor.require(Role::Customer)?;
    let me = profile(app, actor).await?;
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
    };
    let (at, address, pincode, remarks) = (
        scheduled(app, &input.scheduled_for),
        match given(&input.address) {
            Some(a) => Address::parse(&a).map(|a| a.to_string()),
            None => Ok(me.address.clone()),
        },
        match given(&input.pincode) {
            Some(p) => Pincode::parse(&p).map(|p| p.to_string()),
            None => Ok(me.pincode.clone()),
        },
        optional_text("remarks", &input.remarks, "Remarks", 500),
    )
        .all_valid()?;
    let now = app.now();
    // The service checks run under the write lock, and the insert itself re-checks that the
    // service is active: a service deactivated meanwhile is never booked.
    let mut tx = app.write_tx().await?;
    if let Some(key) = key {
        if let Some(id) = store::requests::by_client_key(&mut tx, actor.user_id, key).await? {
            return Ok(id);
        }
    }
    let Some((name, active)) = store::services::find(&mut tx, input.service_id).await? else {
        return Err(AppError::validation(
            "service_id",
            "Choose one of the offered services.",
        ));
    };
    if !active {
        return Err(AppError::validation(
            "service_id",
            "This service is no longer offered.",
        ));
    }
    if !store::services::bookable_in(&mut tx, input.service_id, &pincode).await? {
        return Err(AppError::validation(
            "pincode",
            format!("No verified professional offers {name} in PIN code {pincode} yet."),
        ));
    }
    let minutes = crate::availability::visit_minutes(&mut tx, input.service_id).await?;
    crate::availability::ensure_bookable(
        app,
        &mut tx,
        input.service_id,
        &pincode,
        Timestamp::from(at),
        minutes,
    )
    .await?;
    let id = store::requests::insert(
        &mut tx,
        &store::requests::NewRequest {
            service_id: input.service_id,
            customer_id: actor.user_id,
            professional_id: None,
            status: RequestStatus::Requested,
            scheduled_for: Timestamp::from(at),
            address: &address,
            pincode: &pincode,
            remarks: &remarks,
            created_at: now,
            assigned_at: None,
            completed_at: None,
            closed_at: None,
            cancelled_at: None,
            client_key: key,
        },
    )
    .await?
    .ok_or_else(|| AppError::validation("service_id", "This service is no longer offered."))?;
    store::requests::append_event(
        &mut tx,
        id,
        Some(actor.user_id),
        None,
        RequestStatus::Requested,
        None,
        now,
    )
    .await?;
    crate::notifications::on_booking(&mut tx, id, now).await?;
    crate::live::request_changed(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(id)
}

async fn owned(
    tx: &mut store::Tx,
    actor: &Actor,
    id: i64,
) -> AppResult<(store::requests::RequestState, RequestStatus)> {
    let (state, status) = load(tx, id).await?;
    // Another customer's request does not exist as far as this customer can tell.
    if state.customer_id != actor.user_id {
        return Err(AppError::NotFound("That request does not exist.".into()));
    }
    Ok((state, status))
}

/// Changes date/time, address or remarks while the request is still open.
pub async fn edit(app: &App, actor: &Actor, id: i64, input: RequestEdit) -> AppResult<()> {
    actor.require(Role::Customer)?;
    let (at, address, remarks) = (
        scheduled(app, &input.scheduled_for),
        Address::parse(&input.address),
        optional_text("remarks", &input.remarks, "Remarks", 500),
    )
        .all_valid()?;
    let mut tx = app.write_tx().await?;
    let (state, status) = owned(&mut tx, actor, id).await?;
    if status != RequestStatus::Requested {
        return Err(AppError::Conflict(format!(
            "This request is {} and can no longer be edited: only open requests can be changed.",
            status.as_str()
        )));
    }
    let at = Timestamp::from(at);
    if at != state.scheduled_for {
        // A new time must be one a professional can take, as when booking.
        crate::availability::ensure_bookable(
            app,
            &mut tx,
            state.service_id,
            &state.pincode,
            at,
            state.duration_minutes,
        )
        .await?;
    }
    let now = app.now();
    if !store::requests::edit_open(
        &mut tx,
        id,
        actor.user_id,
        at,
        address.as_str(),
        &remarks,
        now,
    )
    .await?
    {
        return Err(AppError::Conflict(
            "This request changed meanwhile; please reload it.".into(),
        ));
    }
    store::requests::append_event(
        &mut tx,
        id,
        Some(actor.user_id),
        Some(RequestStatus::Requested),
        RequestStatus::Requested,
        Some("Details changed by the customer"),
        now,
    )
    .await?;
    crate::live::request_changed(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels a request that is not yet completed.
pub async fn cancel(app: &App, actor: &Actor, id: i64) -> AppResult<()> {
    actor.require(Role::Customer)?;
    let mut tx = app.write_tx().await?;
    let (state, status) = owned(&mut tx, actor, id).await?;
    apply(app, &mut tx, actor, &state, status, Action::Cancel, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Closes a completed request, with an optional review: the customer accepts the total
/// and records how they paid, and the receipt is issued in the same transaction. Returns
/// the receipt's number.
pub async fn close(
    app: &App,
    actor: &Actor,
    id: i64,
    review: Option<ReviewInput>,
    payment: crate::receipts::Payment,
) -> AppResult<i64> {
    actor.require(Role::Customer)?;
    let parsed = match &review {
        Some(r) => Some(
            (
                Rating::parse(r.rating),
                review_comment(r.comment.as_deref()),
            )
                .all_valid()?,
        ),
        None => None,
    };
    let mut tx = app.write_tx().await?;
    let (state, status) = owned(&mut tx, actor, id).await?;
    if crate::lifecycle::next(status, Action::Close).is_none() {
        return Err(crate::lifecycle::illegal(status, Action::Close));
    }
    let bill = crate::receipts::bill(&mut store::Ex::from(&mut tx), id).await?;
    let reference = crate::receipts::check_payment(&payment, &bill)?;
    // The review first, so the professional's "closed" notification can carry the stars.
    if let Some((rating, comment)) = parsed {
        write_review(app, &mut tx, &state, rating, comment.as_deref()).await?;
    }
    apply(app, &mut tx, actor, &state, status, Action::Close, None).await?;
    let number =
        crate::receipts::issue(app, &mut tx, id, &bill, payment.method, &reference).await?;
    tx.commit().await?;
    Ok(number)
}

/// Reviews a closed request that has no review yet (one review per request).
pub async fn review(app: &App, actor: &Actor, id: i64, review: ReviewInput) -> AppResult<()> {
    actor.require(Role::Customer)?;
    let (rating, comment) = (
        Rating::parse(review.rating),
        review_comment(review.comment.as_deref()),
    )
        .all_valid()?;
    let mut tx = app.write_tx().await?;
    let (state, status) = owned(&mut tx, actor, id).await?;
    if status != RequestStatus::Closed {
        return Err(AppError::Conflict(format!(
            "This request is {}: it can be reviewed once it is closed.",
            status.as_str()
        )));
    }
    write_review(app, &mut tx, &state, rating, comment.as_deref()).await?;
    crate::live::request_changed(&mut tx, id, app.now()).await?;
    tx.commit().await?;
    Ok(())
}

async fn write_review(
    app: &App,
    tx: &mut store::Tx,
    state: &store::requests::RequestState,
    rating: Rating,
    comment: Option<&str>,
) -> AppResult<()> {
    let now = app.now();
    if !store::reviews::set_job_review(&mut *tx, state.id, rating.get(), comment, now).await? {
        return Err(AppError::Conflict(
            "This request already has a review.".into(),
        ));
    }
    let professional = state.professional_id.ok_or_else(|| {
        AppError::internal(format!("closed request {} has no professional", state.id))
    })?;
    store::reviews::add_job_rating(tx, state.service_id, professional, rating.get()).await?;
    Ok(())
}

/// The customer's requests, newest first.
pub async fn my_requests(
    app: &App,
    actor: &Actor,
    q: MyRequestsQuery,
) -> AppResult<MyRequestsPage> {
    actor.require(Role::Customer)?;
    let (limit, offset) = limit_offset(q.page, q.per_page);
    let past = match q.scope {
        RequestScope::Current => Some(false),
        RequestScope::Past => Some(true),
        RequestScope::All => None,
    };
    // One extra row tells whether there is a next page without counting them all.
    let items =
        store::requests::list_for_customer(&app.pool, actor.user_id, past, limit + 1, offset)
            .await?;
    let (items, page, has_more) = crate::admin::trim_page(items, q.page, q.per_page, limit, offset);
    Ok(MyRequestsPage {
        items,
        page,
        has_more,
    })
}

/// One of the customer's requests with its status timeline.
pub async fn request_detail(app: &App, actor: &Actor, id: i64) -> AppResult<RequestDetail> {
    actor.require(Role::Customer)?;
    let request = store::requests::find(&app.pool, id)
        .await?
        .filter(|r| r.customer_id == actor.user_id)
        .ok_or_else(|| AppError::NotFound("That request does not exist.".into()))?;
    let history = store::requests::history(&app.pool, id)
        .await?
        .into_iter()
        .map(|mut e| {
            // A professional declining an open request is their business, not the customer's.
            if e.from_status == Some(RequestStatus::Requested)
                && e.to_status == RequestStatus::Requested
                && e.actor_id != Some(actor.user_id)
            {
                e.actor_id = None;
                e.actor_name = None;
            }
            e
        })
        .collect();
    let completion_code = if request.status == RequestStatus::Assigned {
        store::requests::completion_code(&app.pool, id)
            .await?
            .and_then(|(code, _, _)| code)
    } else {
        None
    };
    let receipt_number = store::receipts::for_request(&app.pool, id)
        .await?
        .map(|r| r.number);
    Ok(RequestDetail {
        request,
        history,
        completion_code,
        receipt_number,
    })
}
