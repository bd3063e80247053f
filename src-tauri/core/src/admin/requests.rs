//! Request oversight: the filtered, sorted, paginated list and the detail with its history.

use super::{limit_offset, PageInfo};
use crate::clock::local_day_start;
use crate::domain::{RequestStatus, Role};
use crate::error::{AllValid, AppError, AppResult};
use crate::lifecycle::Action;
use crate::session::Actor;
use crate::store::{
    self,
    requests::{RequestEvent, RequestFilter, RequestRecord, RequestRow, RequestSortColumn},
};
use crate::App;
use crate::Timestamp;
use chrono::{FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Sort columns the UI may ask for (mapped to SQL through an allow-list).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RequestSort {
    #[default]
    CreatedAt,
    ScheduledFor,
    Status,
}

/// Filters, sort and paging of the admin request list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct RequestQuery {
    pub status: Option<RequestStatus>,
    pub service_id: Option<i64>,
    pub professional_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// `YYYY-MM-DD`, inclusive, on the creation date in the terminal's time zone.
    pub created_from: Option<String>,
    pub created_to: Option<String>,
    pub sort: RequestSort,
    pub descending: bool,
    pub page: u32,
    pub per_page: u32,
}

/// One page of requests.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct RequestPage {
    pub items: Vec<RequestRow>,
    pub page: PageInfo,
}

/// A request with its full status history.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct RequestDetail {
    pub request: RequestRecord,
    pub history: Vec<RequestEvent>,
    /// The completion code, for the customer only, while the job is assigned.
    #[serde(default)]
    pub completion_code: Option<String>,
    /// The receipt's number, once the request is closed.
    #[serde(default)]
    pub receipt_number: Option<i64>,
}

fn date(field: &'static str, raw: Option<&str>) -> AppResult<Option<NaiveDate>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::validation(field, "Enter a date as YYYY-MM-DD.")),
    }
}

/// Validates the date range of a query: `YYYY-MM-DD`, start not after end.
pub(crate) fn parse_dates(q: &RequestQuery) -> AppResult<(Option<NaiveDate>, Option<NaiveDate>)> {
    let (from, to) = (
        date("created_from", q.created_from.as_deref()),
        date("created_to", q.created_to.as_deref()),
    )
        .all_valid()?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(AppError::validation(
                "created_to",
                "The end date is before the start date.",
            ));
        }
    }
    Ok((from, to))
}

/// A filter on local creation days (both ends included) as stored-timestamp bounds.
pub(crate) fn created_filter(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    offset: FixedOffset,
) -> (Option<Timestamp>, Option<Timestamp>) {
    (
        from.map(|d| Timestamp::from(local_day_start(d, offset))),
        to.and_then(|d| d.succ_opt())
            .map(|d| Timestamp::from(local_day_start(d, offset))),
    )
}

/// The request list, filtered, sorted and paginated in the database.
/// `offset` is the caller's terminal's: the date filters are its local days.
pub async fn list(
    app: &App,
    actor: &Actor,
    q: RequestQuery,
    offset: FixedOffset,
) -> AppResult<RequestPage> {
    actor.require(Role::Admin)?;
    let (from, to) = parse_dates(&q)?;
    let (created_since, created_before) = created_filter(from, to, offset);
    let filter = RequestFilter {
        status: q.status,
        service_id: q.service_id,
        professional_id: q.professional_id,
        customer_id: q.customer_id,
        created_since,
        created_before,
    };
    let sort = match q.sort {
        RequestSort::CreatedAt => RequestSortColumn::CreatedAt,
        RequestSort::ScheduledFor => RequestSortColumn::ScheduledFor,
        RequestSort::Status => RequestSortColumn::Status,
    };
    let (limit, offset) = limit_offset(q.page, q.per_page);
    let (items, total) =
        store::requests::list(&app.pool, &filter, sort, q.descending, limit, offset).await?;
    Ok(RequestPage {
        items,
        page: PageInfo::capped(q.page, q.per_page, total, store::requests::COUNT_CAP),
    })
}

/// One request and its history (who changed what, when).
pub async fn detail(app: &App, actor: &Actor, id: i64) -> AppResult<RequestDetail> {
    actor.require(Role::Admin)?;
    let request = store::requests::find(&app.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That request does not exist.".into()))?;
    let history = store::requests::history(&app.pool, id).await?;
    let receipt_number = store::receipts::for_request(&app.pool, id)
        .await?
        .map(|r| r.number);
    Ok(RequestDetail {
        request,
        history,
        completion_code: None,
        receipt_number,
    })
}

/// Rejects an open request nobody can serve, with a reason for the customer (notified and
/// audited).
pub async fn reject(app: &App, actor: &Actor, id: i64, why: &str) -> AppResult<()> {
    decide(app, actor, id, why, Action::Reject, "request.rejected").await
}

/// Cancels an open or assigned request for the customer (e.g. they phoned the office), with a
/// reason; the customer and any assigned professional are notified, and it is audited.
pub async fn cancel(app: &App, actor: &Actor, id: i64, why: &str) -> AppResult<()> {
    decide(
        app,
        actor,
        id,
        why,
        Action::AdminCancel,
        "request.cancelled",
    )
    .await
}

async fn decide(
    app: &App,
    actor: &Actor,
    id: i64,
    why: &str,
    action: Action,
    audit_action: &str,
) -> AppResult<()> {
    actor.require(Role::Admin)?;
    let why = super::reason(why)?;
    let mut tx = app.write_tx().await?;
    let (state, status) = crate::requests_common::load(&mut tx, id).await?;
    crate::requests_common::apply(app, &mut tx, actor, &state, status, action, Some(&why)).await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        audit_action,
        "request",
        Some(id),
        &why,
        app.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
