//! Pieces shared by the customer and professional workflows: one transition, with history.

use crate::domain::RequestStatus;
use crate::error::{AppError, AppResult};
use crate::lifecycle::{self, Action};
use crate::session::Actor;
use crate::store::{
    self,
    requests::{RequestState, Transition},
};
use crate::App;

/// Loads a request's state, `not_found` when missing.
pub(crate) async fn load(
    conn: &mut store::Tx,
    id: i64,
) -> AppResult<(RequestState, RequestStatus)> {
    let state = store::requests::state(&mut *conn, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That request does not exist.".into()))?;
    let status = state.status;
    Ok((state, status))
}

/// Applies `action` by `actor` inside `tx` as one guarded UPDATE plus a history entry. The
/// caller has checked role and ownership; the guard re-checks status and ownership atomically.
pub(crate) async fn apply(
    app: &App,
    tx: &mut store::Tx,
    actor: &Actor,
    state: &RequestState,
    from: RequestStatus,
    action: Action,
    note: Option<&str>,
) -> AppResult<RequestStatus> {
    apply_to(app, tx, actor, state, from, action, note, None).await
}

/// [`apply`], naming the professional an admin's `Assign` gives the request to.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply_to(
    app: &App,
    tx: &mut store::Tx,
    actor: &Actor,
    state: &RequestState,
    from: RequestStatus,
    action: Action,
    note: Option<&str>,
    assignee: Option<i64>,
) -> AppResult<RequestStatus> {
    let to = lifecycle::next(from, action).ok_or_else(|| lifecycle::illegal(from, action))?;
    let now = app.now();
    let assign_to = match action {
        Action::Accept => Some(actor.user_id),
        Action::Assign => Some(
            assignee
                .ok_or_else(|| AppError::internal("an assignment must name its professional"))?,
        ),
        _ => None,
    };
    let applied = store::requests::transition(
        &mut *tx,
        &Transition {
            id: state.id,
            from,
            to,
            customer_id: matches!(action, Action::Close | Action::Cancel).then_some(actor.user_id),
            // Completing needs the job to be the actor's; a release (or an admin's completion)
            // acts on the professional it was read with, and only them.
            professional_id: match action {
                Action::Complete => Some(actor.user_id),
                Action::Release | Action::AdminComplete => state.professional_id,
                _ => None,
            },
            assign_to,
            unassign: action == Action::Release,
            completion_note: if matches!(action, Action::Complete | Action::AdminComplete) {
                note
            } else {
                None
            },
            now,
        },
    )
    .await?;
    if !applied {
        // Someone changed it between our read and our write (e.g. another professional won).
        let (_, current) = load(tx, state.id).await?;
        return Err(
            if matches!(action, Action::Accept | Action::Assign)
                && current == RequestStatus::Assigned
            {
                AppError::Conflict("Another professional accepted this request first.".into())
            } else {
                lifecycle::illegal(current, action)
            },
        );
    }
    match action {
        Action::Accept | Action::Assign => {
            crate::completion::issue(tx, state.id).await?;
        }
        // The code is only needed while the job is assigned.
        Action::Release
        | Action::Complete
        | Action::AdminComplete
        | Action::Cancel
        | Action::AdminCancel => {
            store::requests::set_completion_code(&mut *tx, state.id, None).await?;
        }
        Action::Close | Action::Reject => {}
    }
    store::requests::append_event(
        &mut *tx,
        state.id,
        Some(actor.user_id),
        Some(from),
        to,
        note,
        now,
    )
    .await?;
    crate::notifications::on_transition(tx, state.id, action, note, now).await?;
    crate::live::request_changed(tx, state.id, now).await?;
    Ok(to)
}
