//! Notifications: written to the outbox in the same transaction as every request transition
//! and admin decision about a user; read by the in-app centre and shown as OS notifications.

use crate::error::AppResult;
use crate::lifecycle::Action;
use crate::session::Actor;
use crate::store::{self, notifications::NotificationRow};
use crate::App;
use crate::Timestamp;
use serde::{Deserialize, Serialize};
use specta::Type;

/// The kind of notification a professional gets when a request is booked in their service
/// and PIN code (the UI's `NEW_REQUEST_KIND` sends it to the feed).
pub const NEW_REQUEST: &str = "request.new";

/// More unseen notifications than this are summarised into one OS notification.
pub const SUMMARY_THRESHOLD: usize = 3;

/// "Ravi Kumar" -> "Ravi K."
pub fn short_name(full: &str) -> String {
    let mut parts = full.split_whitespace();
    match (parts.next(), parts.last()) {
        (Some(first), Some(last)) => format!("{first} {}.", last.chars().next().unwrap_or(' ')),
        (Some(first), None) => first.to_string(),
        _ => full.to_string(),
    }
}

fn day(at: Timestamp) -> String {
    at.get().format("%-d %b").to_string()
}

/// Writes the notifications a transition causes (inside its transaction).
pub(crate) async fn on_transition(
    conn: &mut store::Tx,
    request_id: i64,
    action: Action,
    note: Option<&str>,
    now: Timestamp,
) -> AppResult<()> {
    let Some(r) = store::requests::find(&mut *conn, request_id).await? else {
        return Ok(());
    };
    let what = format!("{} on {}", r.service_name, day(r.scheduled_for));
    let pro = r
        .professional_name
        .as_deref()
        .map(short_name)
        .unwrap_or_else(|| "Your professional".into());
    let customer = short_name(&r.customer_name);
    let mut out: Vec<(i64, &str, String, String)> = Vec::new();
    // The completion code goes to the customer only (the professional types it in).
    let code = match action {
        Action::Accept | Action::Assign => store::requests::completion_code(&mut *conn, request_id)
            .await?
            .and_then(|(code, _, _)| code)
            .map(|c| {
                format!(" — your completion code is {c}: give it to them when the job is done")
            })
            .unwrap_or_default(),
        _ => String::new(),
    };
    match action {
        Action::Accept => out.push((
            r.customer_id,
            "request.assigned",
            "Request accepted".into(),
            format!("{what} accepted by {pro}{code}"),
        )),
        Action::Assign => {
            out.push((
                r.customer_id,
                "request.assigned",
                "Professional assigned".into(),
                format!("{pro} will do {what}{code}"),
            ));
            if let Some(p) = r.professional_id {
                out.push((
                    p,
                    "request.assigned",
                    "New job assigned".into(),
                    format!(
                        "The office gave you {what} for {customer} in PIN code {}",
                        r.pincode
                    ),
                ));
            }
        }
        Action::Complete => out.push((
            r.customer_id,
            "request.completed",
            "Job completed".into(),
            format!("{pro} completed {what}. Close it and leave a review."),
        )),
        Action::AdminComplete => {
            let why = note.unwrap_or("no reason given");
            out.push((
                r.customer_id,
                "request.completed",
                "Job completed".into(),
                format!("The office marked {what} completed: {why}. Close it and leave a review."),
            ));
            if let Some(p) = r.professional_id {
                out.push((
                    p,
                    "request.completed",
                    "Job completed by the office".into(),
                    format!("The office marked {what} for {customer} completed: {why}"),
                ));
            }
        }
        Action::Close => {
            if let Some(p) = r.professional_id {
                let stars = r.rating.map(|s| format!(" ({s}★)")).unwrap_or_default();
                out.push((
                    p,
                    "request.closed",
                    "Job closed".into(),
                    format!("{customer} closed {what}{stars}"),
                ));
            }
        }
        Action::Cancel => {
            if let Some(p) = r.professional_id {
                out.push((
                    p,
                    "request.cancelled",
                    "Job cancelled".into(),
                    format!("{customer} cancelled {what}"),
                ));
            }
        }
        Action::Reject => out.push((
            r.customer_id,
            "request.rejected",
            "Request rejected".into(),
            format!(
                "{what} could not be served: {}",
                note.unwrap_or("no professional is available")
            ),
        )),
        Action::AdminCancel => {
            let why = note.unwrap_or("no reason given");
            out.push((
                r.customer_id,
                "request.cancelled",
                "Request cancelled".into(),
                format!("{what} was cancelled by the office: {why}"),
            ));
            if let Some(p) = r.professional_id {
                out.push((
                    p,
                    "request.cancelled",
                    "Job cancelled".into(),
                    format!("{what} for {customer} was cancelled by the office: {why}"),
                ));
            }
        }
        Action::Release => out.push((
            r.customer_id,
            "request.reopened",
            "Request open again".into(),
            format!(
                "{what} is waiting for a new professional: the assigned one is no longer available"
            ),
        )),
    }
    for (user, kind, title, body) in out {
        write(conn, user, kind, &title, &body, Some(request_id), now).await?;
    }
    Ok(())
}

/// Tells a customer their open request expired, suggesting the next free times (inside the
/// expiring transaction).
pub(crate) async fn on_expiry(
    conn: &mut store::Tx,
    request_id: i64,
    next: &[String],
    now: Timestamp,
) -> AppResult<()> {
    let Some(r) = store::requests::find(&mut *conn, request_id).await? else {
        return Ok(());
    };
    let what = format!("{} on {}", r.service_name, day(r.scheduled_for));
    let body = if next.is_empty() {
        format!("Nobody could take {what} in time. No time is free in the next days: please try later or call the office.")
    } else {
        format!(
            "Nobody could take {what} in time. Book again: free times include {}.",
            next.join(", ")
        )
    };
    write(
        conn,
        r.customer_id,
        "request.expired",
        "Request expired",
        &body,
        Some(request_id),
        now,
    )
    .await
}

/// Tells a customer how the office resolved their complaint (inside the resolving
/// transaction).
pub(crate) async fn on_complaint_resolved(
    conn: &mut store::Tx,
    complaint: &store::complaints::ComplaintRow,
    note: &str,
    now: Timestamp,
) -> AppResult<()> {
    write(
        conn,
        complaint.customer_id,
        "complaint.resolved",
        "Complaint resolved",
        &format!(
            "Your complaint about {} was resolved: {note}",
            complaint.service_name
        ),
        Some(complaint.request_id),
        now,
    )
    .await
}

/// Tells the professionals who can take a newly booked request that it is in their feed
/// (inside the booking's transaction): on their desktops it is an OS notification and a bell
/// entry, delivered once like any other.
pub(crate) async fn on_booking(
    conn: &mut store::Tx,
    request_id: i64,
    now: Timestamp,
) -> AppResult<()> {
    let Some(r) = store::requests::find(&mut *conn, request_id).await? else {
        return Ok(());
    };
    let body = format!(
        "{} on {} in PIN code {} for {}",
        r.service_name,
        day(r.scheduled_for),
        r.pincode,
        short_name(&r.customer_name)
    );
    for pro in store::services::professionals_in(&mut *conn, r.service_id, &r.pincode).await? {
        write(
            conn,
            pro,
            NEW_REQUEST,
            "New request near you",
            &body,
            Some(request_id),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Writes a notification about an account decision (inside its transaction).
pub(crate) async fn on_account(
    conn: &mut store::Tx,
    user_id: i64,
    kind: &str,
    title: &str,
    body: &str,
    now: Timestamp,
) -> AppResult<()> {
    write(conn, user_id, kind, title, body, None, now).await
}

/// Writes one notification and the live event that brings it to the user's desktops.
async fn write(
    conn: &mut store::Tx,
    user_id: i64,
    kind: &str,
    title: &str,
    body: &str,
    request_id: Option<i64>,
    now: Timestamp,
) -> AppResult<()> {
    store::notifications::insert(&mut *conn, user_id, kind, title, body, request_id, now).await?;
    crate::live::record(
        conn,
        crate::live::Audience::User(user_id),
        &crate::live::LiveEvent::Notifications,
        now,
    )
    .await
}

/// The in-app notification centre's content.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct NotificationCentre {
    pub unread: i64,
    pub items: Vec<NotificationRow>,
}

/// What to show as OS notifications now: each one, or a summary when there are many.
#[derive(Debug, Clone, Serialize, Deserialize, Type, PartialEq, Eq, schemars::JsonSchema)]
pub struct OsNotification {
    pub title: String,
    pub body: String,
}

/// The signed-in user's latest notifications and unread count.
pub async fn centre(app: &App, actor: &Actor) -> AppResult<NotificationCentre> {
    Ok(NotificationCentre {
        unread: store::notifications::unread(&app.pool, actor.user_id).await?,
        items: store::notifications::list(&app.pool, actor.user_id, 50).await?,
    })
}

/// Marks one notification (or all with `None`) read.
pub async fn mark_read(app: &App, actor: &Actor, id: Option<i64>) -> AppResult<()> {
    store::notifications::mark_read(&app.pool, actor.user_id, id, app.now()).await?;
    Ok(())
}

/// Claims the user's unshown notifications and turns them into OS notifications: one each,
/// or a single summary when there are more than [`SUMMARY_THRESHOLD`] (no flood at login).
pub async fn take_for_os(app: &App, actor: &Actor) -> AppResult<Vec<OsNotification>> {
    let rows = store::notifications::claim_unshown(&app.pool, actor.user_id, app.now()).await?;
    Ok(summarise(&rows))
}

/// One OS notification per row, or one summary for many.
pub fn summarise(rows: &[NotificationRow]) -> Vec<OsNotification> {
    if rows.len() > SUMMARY_THRESHOLD {
        let latest: Vec<&str> = rows.iter().rev().take(2).map(|r| r.body.as_str()).collect();
        vec![OsNotification {
            title: format!("{} new notifications", rows.len()),
            body: format!("Latest: {}. Open the bell for the rest.", latest.join("; ")),
        }]
    } else {
        rows.iter()
            .map(|r| OsNotification {
                title: r.title.clone(),
                body: r.body.clone(),
            })
            .collect()
    }
}
