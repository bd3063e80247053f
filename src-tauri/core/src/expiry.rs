//! Expiring requests: an open request whose visit time passes before anyone accepts it
//! becomes `expired`, with a history entry and a notification to its customer suggesting
//! the next free times. The background scheduler sweeps every minute; each request is
//! expired by one guarded UPDATE under the write lock, so it happens once however many
//! sweeps (restarts, server instances) race for it.

use crate::domain::RequestStatus;
use crate::error::AppResult;
use crate::store;
use crate::timestamp::Timestamp;
use crate::App;

/// Most requests one sweep expires (the next sweep takes the rest).
const BATCH: i64 = 200;
/// How many next free times the customer's notification suggests.
const SUGGESTIONS: usize = 3;
/// How many days ahead the suggestions look.
const SUGGESTION_DAYS: u32 = 7;

/// Expires every open request whose visit time has passed; returns how many this sweep did.
pub async fn run_due(app: &App) -> AppResult<usize> {
    let now = app.now();
    let mut done = 0;
    for id in store::requests::overdue_open(&app.pool, now, BATCH).await? {
        if expire_one(app, id, now).await? {
            done += 1;
        }
    }
    Ok(done)
}

/// The next free times for a service in a PIN code, in the business's local time.
async fn suggestions(app: &App, service_id: i64, pincode: &str) -> AppResult<Vec<String>> {
    let offset = app.clock.local_offset();
    let days = crate::availability::offered_slots(
        app,
        service_id,
        pincode,
        app.clock.local_today(),
        SUGGESTION_DAYS,
    )
    .await?;
    Ok(days
        .iter()
        .flat_map(|d| d.slots.iter())
        .take(SUGGESTIONS)
        .map(|t| t.at_offset(offset).format("%a %-d %b %H:%M").to_string())
        .collect())
}

async fn expire_one(app: &App, id: i64, now: Timestamp) -> AppResult<bool> {
    let Some(seen) = store::requests::state(&app.pool, id).await? else {
        return Ok(false);
    };
    if crate::lifecycle::expire(seen.status).is_none() {
        return Ok(false);
    }
    // Read before taking the write lock; the sweep does not hold it while it looks.
    let next = suggestions(app, seen.service_id, &seen.pincode).await?;
    let mut tx = app.write_tx().await?;
    if !store::requests::expire(&mut tx, id, now).await? {
        return Ok(false); // taken, cancelled or expired meanwhile
    }
    store::requests::append_event(
        &mut tx,
        id,
        None,
        Some(RequestStatus::Requested),
        RequestStatus::Expired,
        Some("No professional accepted it before its visit time"),
        now,
    )
    .await?;
    crate::notifications::on_expiry(&mut tx, id, &next, now).await?;
    crate::live::request_changed(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(true)
}
