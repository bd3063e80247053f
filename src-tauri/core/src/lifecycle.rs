//! The request lifecycle: one explicit state machine, in one place.
//!
//! ```text
//! requested ──accept──▶ assigned ──complete──▶ completed ──close──▶ closed
//!     │ ▲                  │
//!  │  │ └──────release─────┤            (admin, when a professional is blocked/withdrawn)
//!  │  ├──cancel──▶ cancelled ◀──cancel──┘   (the customer, or an admin with a reason)
//!  │  └──reject──▶ rejected              (admin: nobody can do the job)
//!  └──(visit time passed)──▶ expired     (the background scheduler: `expire`)
//! ```
//! An admin may also `assign` an open request to a professional (the dispatch board) and
//! `admin_complete` an assigned job without the customer's completion code, with a reason.
//! Every transition is one guarded `UPDATE ... WHERE id = ? AND status = ?` (plus the actor's
//! ownership), so two professionals racing for one request cannot both win; every transition
//! is appended to the request's history in the same transaction.

use crate::domain::{RequestStatus, Role};
use crate::error::AppError;

/// Something an actor does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// A professional takes an open request.
    Accept,
    /// The assigned professional finished the job.
    Complete,
    /// The customer confirms completion (optionally with a review).
    Close,
    /// The customer calls it off (until the job is completed).
    Cancel,
    /// An admin declares an open request impossible to serve.
    Reject,
    /// An admin returns an assigned request to the open pool.
    Release,
    /// An admin calls off an open or assigned request, with a reason.
    AdminCancel,
    /// An admin gives an open request to a professional (the dispatch board).
    Assign,
    /// An admin marks an assigned job completed without the customer's code, with a reason.
    AdminComplete,
}

impl Action {
    /// Every action (for table-driven tests).
    pub const ALL: [Action; 9] = [
        Action::Accept,
        Action::Complete,
        Action::Close,
        Action::Cancel,
        Action::Reject,
        Action::Release,
        Action::AdminCancel,
        Action::Assign,
        Action::AdminComplete,
    ];

    /// The only role that may perform this action.
    pub fn role(self) -> Role {
        match self {
            Action::Accept | Action::Complete => Role::Professional,
            Action::Close | Action::Cancel => Role::Customer,
            Action::Reject
            | Action::Release
            | Action::AdminCancel
            | Action::Assign
            | Action::AdminComplete => Role::Admin,
        }
    }

    /// A verb for messages.
    pub fn verb(self) -> &'static str {
        match self {
            Action::Accept => "accepted",
            Action::Assign => "assigned",
            Action::Complete | Action::AdminComplete => "marked completed",
            Action::Close => "closed",
            Action::Cancel | Action::AdminCancel => "cancelled",
            Action::Reject => "rejected",
            Action::Release => "returned to the open pool",
        }
    }
}

/// The status an action leads to from `from`, or `None` when it is not allowed there.
pub fn next(from: RequestStatus, action: Action) -> Option<RequestStatus> {
    use RequestStatus::*;
    match (from, action) {
        (Requested, Action::Accept | Action::Assign) => Some(Assigned),
        (Assigned, Action::Complete | Action::AdminComplete) => Some(Completed),
        (Completed, Action::Close) => Some(Closed),
        (Requested | Assigned, Action::Cancel | Action::AdminCancel) => Some(Cancelled),
        (Requested, Action::Reject) => Some(Rejected),
        (Assigned, Action::Release) => Some(Requested),
        _ => None,
    }
}

/// The status a request reaches when its visit time passes in `from`: only an open request
/// expires (nobody took it in time); every other status stays.
pub fn expire(from: RequestStatus) -> Option<RequestStatus> {
    (from == RequestStatus::Requested).then_some(RequestStatus::Expired)
}

/// The `conflict` error for an action that the current status does not allow.
pub fn illegal(current: RequestStatus, action: Action) -> AppError {
    AppError::Conflict(format!(
        "This request is {} and can no longer be {}.",
        current.as_str(),
        action.verb()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestStatus::*;

    #[test]
    fn the_happy_path_and_the_branches() {
        assert_eq!(next(Requested, Action::Accept), Some(Assigned));
        assert_eq!(next(Assigned, Action::Complete), Some(Completed));
        assert_eq!(next(Completed, Action::Close), Some(Closed));
        assert_eq!(next(Assigned, Action::Cancel), Some(Cancelled));
        assert_eq!(
            next(Completed, Action::Cancel),
            None,
            "too late to cancel a completed job"
        );
        assert_eq!(next(Closed, Action::Close), None);
        // Terminal states have no way out.
        for s in [Closed, Cancelled, Rejected, Expired] {
            for a in Action::ALL {
                assert_eq!(next(s, a), None, "{s:?} --{a:?}-->");
            }
            assert_eq!(expire(s), None);
        }
        assert_eq!(expire(Requested), Some(Expired));
        assert_eq!(expire(Assigned), None, "a taken job does not expire");
    }
}
