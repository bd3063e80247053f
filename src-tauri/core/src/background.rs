//! The background work of whoever owns the database (the standalone desktop or the server):
//! the email queue, the scheduled reports and reminders, and forgetting old sessions. Each
//! loop is driven by durable rows, so a restart resumes or fails work cleanly.

use crate::App;
use std::sync::Arc;
use std::time::Duration;

/// Starts every loop on the current tokio runtime.
pub fn start(app: Arc<App>) {
    tokio::spawn(email_sender(app.clone()));
    tokio::spawn(scheduler(app.clone()));
    tokio::spawn(session_purge(app));
}

/// Sends due emails every 30 s: through the business's SMTP server when configured, else to
/// the outbox folder (`<data dir>/outbox/*.eml`) where it is visible and nothing is lost.
pub async fn email_sender(app: Arc<App>) {
    let mut tick = tokio::time::interval(Duration::from_secs(30));
    loop {
        tick.tick().await;
        if app.engine() == crate::store::Engine::Postgres {
            // Another instance may have died mid-send since start-up.
            match crate::email::recover_interrupted(&app).await {
                Ok(0) => {}
                Ok(n) => tracing::warn!(
                    emails = n,
                    "emails whose sender was lost were marked failed"
                ),
                Err(e) => tracing::warn!(error = %e, "could not recover lost emails"),
            }
        }
        let mailer = match crate::email::Mailer::for_business(&app).await {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "no mail transport");
                continue;
            }
        };
        match crate::email::send_due(&app, &mailer, 50).await {
            Ok(r) if r.sent + r.retried + r.failed > 0 => tracing::info!(
                sent = r.sent,
                retried = r.retried,
                failed = r.failed,
                "email pass"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "email pass failed"),
        }
    }
}

/// Runs the scheduled reports and reminders, and expires open requests whose time passed:
/// once at start-up (catching up on a missed period) and then every minute; `job_runs` makes
/// each period run once, and each request expires once.
pub async fn scheduler(app: Arc<App>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let result = match crate::scheduler::business_schedule(&app).await {
            Ok(schedule) => crate::scheduler::run_due(&app, &schedule).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "scheduled jobs failed");
        }
        match crate::expiry::run_due(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(requests = n, "requests expired"),
            Err(e) => tracing::warn!(error = %e, "expiring requests failed"),
        }
    }
}

/// Forgets sessions that ended, and replies kept for retries, more than a day ago, and live
/// events older than `live::KEEP_EVENTS_DAYS`; hourly.
pub async fn session_purge(app: Arc<App>) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let before = app.now() - chrono::Duration::days(1);
        match crate::store::sessions::purge_ended(&app.pool, before).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(sessions = n, "ended sessions forgotten"),
            Err(e) => tracing::warn!(error = %e, "could not forget old sessions"),
        }
        if let Err(e) = crate::store::idempotency::purge(&app.pool, before).await {
            tracing::warn!(error = %e, "could not forget old replies");
        }
        if let Err(e) = crate::live::purge_old(&app).await {
            tracing::warn!(error = %e, "could not forget old events");
        }
        if app.engine() == crate::store::Engine::Postgres {
            // Another instance may have died mid-export since start-up.
            if let Err(e) = crate::exports::recover_interrupted(&app).await {
                tracing::warn!(error = %e, "could not recover lost exports");
            }
        }
    }
}
