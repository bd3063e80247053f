//! The admin's dispatch board: one day, a column per professional of a service (and area),
//! the open requests of that day beside them; an admin assigns an open request to a free
//! professional (race-safe like accepting), or completes a job without its code.

use crate::availability::{self, Calendar, DayHours};
use crate::domain::{optional_text, RequestStatus, Role};
use crate::error::{AppError, AppResult};
use crate::lifecycle::Action;
use crate::requests_common::{apply, apply_to, load};
use crate::session::Actor;
use crate::store::{
    self,
    availability::{BusyJob, OpenRequest},
};
use crate::timestamp::Timestamp;
use crate::App;
use chrono::{Datelike, Duration};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Which board to show.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct BoardQuery {
    /// The day, "YYYY-MM-DD" (local); today when empty.
    pub day: String,
    pub service_id: i64,
    /// One PIN code, or every area when `None`.
    pub pincode: Option<String>,
}

/// One professional's column.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct BoardColumn {
    pub professional_id: i64,
    pub name: String,
    pub pincode: String,
    /// Their hours that day (`None`: not working).
    pub hours: Option<DayHours>,
    pub day_off: bool,
    pub jobs: Vec<BusyJob>,
}

/// An open request on the side, with the professionals free to take it.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct BoardRequest {
    pub request: OpenRequest,
    /// Columns (professional ids) that work then, in its area, with no overlapping job.
    pub free_professionals: Vec<i64>,
}

/// The board of one day.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct DispatchBoard {
    pub day: String,
    pub columns: Vec<BoardColumn>,
    pub open: Vec<BoardRequest>,
}

/// Most open requests one board lists.
const MAX_OPEN: i64 = 200;

fn area(pincode: Option<&str>) -> AppResult<Option<String>> {
    match pincode.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Ok(Some(crate::domain::Pincode::parse(p)?.as_str().to_owned())),
        None => Ok(None),
    }
}

/// The dispatch board of a day for a service (and area).
pub async fn board(app: &App, actor: &Actor, q: BoardQuery) -> AppResult<DispatchBoard> {
    actor.require(Role::Admin)?;
    let day = if q.day.trim().is_empty() {
        app.clock.local_today()
    } else {
        availability::parse_day("day", &q.day)?
    };
    let pincode = area(q.pincode.as_deref())?;
    if store::services::find(&app.pool, q.service_id)
        .await?
        .is_none()
    {
        return Err(AppError::validation("service_id", "Choose a service."));
    }
    let offset = app.clock.local_offset();
    let from = Timestamp::from(crate::clock::local_day_start(day, offset));
    let to = from + Duration::days(1);
    let cals = availability::calendars(
        &mut store::Ex::from(&app.pool),
        q.service_id,
        pincode.as_deref(),
        from,
        to,
    )
    .await?;
    let open = store::availability::open_between(
        &app.pool,
        q.service_id,
        pincode.as_deref(),
        from,
        to,
        MAX_OPEN,
    )
    .await?;
    let columns = cals
        .iter()
        .map(|(c, cal)| BoardColumn {
            professional_id: c.user_id,
            name: c.full_name.clone(),
            pincode: c.pincode.clone(),
            hours: cal.hours_on(day).map(|(s, e)| DayHours {
                weekday: day.weekday().num_days_from_monday() as u8,
                start: format!("{:02}:{:02}", s / 60, s % 60),
                end: format!("{:02}:{:02}", e / 60, e % 60),
            }),
            day_off: cal.is_day_off(day),
            jobs: cal
                .jobs
                .iter()
                .filter(|j| j.scheduled_for >= from && j.scheduled_for < to)
                .cloned()
                .collect(),
        })
        .collect();
    let open = open
        .into_iter()
        .map(|r| BoardRequest {
            free_professionals: cals
                .iter()
                .filter(|(c, cal)| {
                    c.pincode == r.pincode
                        && cal.can_take(r.scheduled_for, r.duration_minutes, offset, None)
                })
                .map(|(c, _)| c.user_id)
                .collect(),
            request: r,
        })
        .collect();
    Ok(DispatchBoard {
        day: day.format("%Y-%m-%d").to_string(),
        columns,
        open,
    })
}

/// Assigns an open request to a professional: approved, not blocked, of the request's
/// service and PIN code, working then and free. Of two admins assigning at once (or an
/// admin and an accepting professional) exactly one wins; the other gets `conflict`.
pub async fn assign(
    app: &App,
    actor: &Actor,
    request_id: i64,
    professional_id: i64,
) -> AppResult<()> {
    actor.require(Role::Admin)?;
    let mut tx = app.write_tx().await?;
    let (state, status) = load(&mut tx, request_id).await?;
    if status != RequestStatus::Requested {
        return Err(if status == RequestStatus::Assigned {
            AppError::Conflict("This request was assigned meanwhile.".into())
        } else {
            crate::lifecycle::illegal(status, Action::Assign)
        });
    }
    let fits = store::availability::candidates(&mut tx, state.service_id, Some(&state.pincode))
        .await?
        .iter()
        .any(|c| c.user_id == professional_id);
    if !fits {
        return Err(AppError::validation(
            "professional_id",
            "Choose an approved, active professional of this service in the request's PIN code.",
        ));
    }
    let start = state.scheduled_for;
    let cal = Calendar::load(
        &mut store::Ex::from(&mut tx),
        professional_id,
        start,
        start + Duration::minutes(state.duration_minutes),
    )
    .await?;
    if !cal.works(start, state.duration_minutes, app.clock.local_offset()) {
        return Err(AppError::Conflict(
            "That professional does not work at this request's time.".into(),
        ));
    }
    availability::ensure_free(
        app,
        &mut tx,
        professional_id,
        &state,
        availability::Taker::Assigned,
    )
    .await?;
    let now = app.now();
    apply_to(
        app,
        &mut tx,
        actor,
        &state,
        status,
        Action::Assign,
        Some("Assigned by the office"),
        Some(professional_id),
    )
    .await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "request.assigned",
        "request",
        Some(request_id),
        &format!("to professional {professional_id}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An admin marks an assigned job completed without the customer's code, with a reason
/// (audited; the history and both people's notifications carry the reason).
pub async fn complete_without_code(
    app: &App,
    actor: &Actor,
    request_id: i64,
    reason: &str,
) -> AppResult<()> {
    actor.require(Role::Admin)?;
    let reason = optional_text("reason", reason, "Reason", 500)?;
    if reason.is_empty() {
        return Err(AppError::validation(
            "reason",
            "Say why the job is completed without the customer's code.",
        ));
    }
    let mut tx = app.write_tx().await?;
    let (state, status) = load(&mut tx, request_id).await?;
    apply(
        app,
        &mut tx,
        actor,
        &state,
        status,
        Action::AdminComplete,
        Some(&reason),
    )
    .await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "request.completed_without_code",
        "request",
        Some(request_id),
        &reason,
        app.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
