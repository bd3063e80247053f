//! The desktop's side of live updates. One task follows the signed-in session's events, from
//! the core in this process (standalone) or from the server's event stream (connected), the
//! same way in both: new notifications become OS notifications, the end of the session takes
//! the window back to the login screen with the reason, and every change reaches the pages as
//! a [`LiveUpdate`] so they refresh what they show. A dropped stream is reopened with a short
//! back-off from the last event seen, so nothing is lost or shown twice.

use crate::host::{Backend, Host};
use crate::prefs::Prefs;
use futures_util::StreamExt;
use household_core::error::{ApiError, ErrorCode};
use household_core::live::{LiveEvent, LiveMessage, Subscription};
use household_core::session::{EndReason, SessionEnded, SessionToken};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tauri::{Emitter, Manager};
use tauri_specta::Event;

/// A change the pages may need to show (generated into the TypeScript bindings as
/// `events.liveUpdate`).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct LiveUpdate(pub LiveEvent);

/// Event sent to the UI when the session ends on its own (payload: reason and message).
pub const SESSION_ENDED_EVENT: &str = "session-ended";
/// Event telling the UI that the signed-in user's notifications changed (refresh the bell).
pub const NOTIFICATIONS_EVENT: &str = "notifications-changed";

/// The first wait before reopening a dropped stream; it doubles up to [`RETRY_MAX`].
const RETRY_MIN: Duration = Duration::from_millis(250);
/// The longest wait between attempts: a server back after a crash is followed within it.
const RETRY_MAX: Duration = Duration::from_secs(2);
/// Notifications arriving this close together are shown together (one summary if many).
const NOTIFICATION_GATHER: Duration = Duration::from_millis(250);

/// Starts following the live updates of whoever signs in on this window.
pub fn start(handle: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        ask_notification_permission(&handle);
        follow(handle).await;
    });
}

/// Where the events come from.
enum Source {
    Local(Subscription),
    Remote(household_client::LiveStream),
}

impl Source {
    async fn next(&mut self) -> Option<Result<LiveMessage, ApiError>> {
        match self {
            Source::Local(sub) => sub.next().await.map(Ok),
            Source::Remote(stream) => stream.next().await,
        }
    }
}

async fn open(
    host: &Host,
    backend: &Backend,
    token: &SessionToken,
    after: Option<i64>,
) -> Result<Source, ApiError> {
    match backend {
        Backend::Local(core) => household_core::live::subscribe(core.clone(), token.clone(), after)
            .await
            .map(Source::Local)
            .map_err(ApiError::from),
        Backend::Remote(remote) => {
            let caller = host.caller_for("events");
            let terminal = caller.terminal.as_ref().map(|k| k.expose().to_string());
            let ctx = household_client::CallContext {
                token: Some(token.expose()),
                offset_secs: chrono::Offset::fix(&caller.offset).local_minus_utc(),
                client: &caller.client,
                idempotency_key: None,
                terminal: terminal.as_deref(),
                passive: true,
            };
            let result = remote.client.events(&ctx, after).await;
            host.note_reachability(&result);
            result.map(Source::Remote)
        }
    }
}

async fn follow(handle: tauri::AppHandle) {
    let host = handle.state::<Host>();
    let mut changes = host.session_changes();
    let mut retry = RETRY_MIN;
    // The cursor belongs to one session on one backend: a new sign-in starts from now.
    let mut cursor: Option<i64> = None;
    let mut following: Option<(Arc<Backend>, SessionToken)> = None;
    loop {
        changes.borrow_and_update();
        let Some(token) = host.token() else {
            following = None;
            let _ = changes.changed().await;
            continue;
        };
        let backend = host.backend();
        let same = following
            .as_ref()
            .is_some_and(|(b, t)| Arc::ptr_eq(b, &backend) && *t == token);
        if !same {
            cursor = None;
            following = Some((backend.clone(), token.clone()));
        }
        let mut source = match open(&host, &backend, &token, cursor).await {
            Ok(s) => s,
            Err(e) if matches!(e.code, ErrorCode::Unauthorized | ErrorCode::AccountBlocked) => {
                // It ended while we were away (idle, blocked, signed out elsewhere).
                let reason = ended_reason(&host).await;
                session_ended(
                    &handle,
                    &host,
                    SessionEnded {
                        reason,
                        message: e.message,
                    },
                );
                continue;
            }
            Err(e) => {
                tracing::debug!(error = %e.message, "live updates unavailable; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(retry) => {}
                    _ = changes.changed() => {}
                }
                retry = (retry * 2).min(RETRY_MAX);
                continue;
            }
        };
        retry = RETRY_MIN;
        // What piled up while this desktop was away or signing in.
        deliver_notifications(&handle, &host).await;
        loop {
            let message = tokio::select! {
                m = source.next() => m,
                _ = changes.changed() => break,
            };
            let message = match message {
                Some(Ok(m)) => m,
                Some(Err(e)) => {
                    tracing::info!(error = %e.message, "live updates interrupted; resuming");
                    break;
                }
                None => break,
            };
            if let Some(id) = message.id {
                cursor = Some(id);
            }
            match message.event {
                LiveEvent::SessionEnded { reason, message } => {
                    session_ended(&handle, &host, SessionEnded { reason, message });
                    break;
                }
                LiveEvent::Notifications => {
                    tokio::time::sleep(NOTIFICATION_GATHER).await;
                    deliver_notifications(&handle, &host).await;
                    tell_pages(&handle, LiveEvent::Notifications);
                }
                event => tell_pages(&handle, event),
            }
        }
    }
}

fn tell_pages(handle: &tauri::AppHandle, event: LiveEvent) {
    if let Err(e) = LiveUpdate(event).emit(handle) {
        tracing::warn!(error = %e, "could not pass a live update to the UI");
    }
}

/// Why the session ended, as the core recorded it.
async fn ended_reason(host: &Host) -> EndReason {
    match crate::on_host!(host, session_end()) {
        Ok(Some(ended)) => ended.reason,
        _ => EndReason::Logout,
    }
}

/// Forgets the session and tells the UI why it ended.
fn session_ended(handle: &tauri::AppHandle, host: &Host, ended: SessionEnded) {
    tracing::info!(reason = ?ended.reason, "session ended");
    host.signed_out();
    if let Err(e) = handle.emit(SESSION_ENDED_EVENT, &ended) {
        tracing::warn!(error = %e, "could not tell the UI that the session ended");
    }
}

/// Shows the signed-in user's unshown notifications as OS notifications (one summary when
/// many came at once) and tells the bell. The core hands each one out once, whichever desktop
/// asks, so a notification is never shown twice.
async fn deliver_notifications(handle: &tauri::AppHandle, host: &Host) {
    use tauri_plugin_notification::NotificationExt;
    let batch = match crate::on_host!(host, notifications_take_for_os()) {
        Ok(b) => b,
        // An ended session or an unreachable server is the stream's business.
        Err(e) if matches!(e.code, ErrorCode::Unauthorized | ErrorCode::AccountBlocked) => return,
        Err(e) if e.code == ErrorCode::Unavailable => return,
        Err(e) => {
            tracing::warn!(error = %e.message, "could not read notifications");
            return;
        }
    };
    if batch.is_empty() {
        return;
    }
    let enabled = handle.state::<Prefs>().get().notifications_enabled;
    for n in batch.iter().filter(|_| enabled) {
        // A denied permission or a missing notification daemon must not break the app: the
        // in-app centre still has everything; the failure is logged.
        if let Err(e) = handle
            .notification()
            .builder()
            .title(&n.title)
            .body(&n.body)
            .show()
        {
            tracing::warn!(error = %e, "native notification failed; the in-app centre still has it");
        }
    }
    if let Err(e) = handle.emit(NOTIFICATIONS_EVENT, batch.len()) {
        tracing::warn!(error = %e, "could not tell the UI about new notifications");
    }
}

/// Asks once, politely, at start-up; a refusal only turns off the pop-ups (the bell keeps
/// working) and is logged.
fn ask_notification_permission(handle: &tauri::AppHandle) {
    use tauri_plugin_notification::{NotificationExt, PermissionState};
    match handle.notification().permission_state() {
        Ok(PermissionState::Granted) => {}
        Ok(_) => match handle.notification().request_permission() {
            Ok(PermissionState::Granted) => tracing::info!("notification permission granted"),
            Ok(state) => tracing::warn!(
                ?state,
                "notification permission not granted; the in-app centre still works"
            ),
            Err(e) => tracing::warn!(error = %e, "could not ask for notification permission"),
        },
        Err(e) => tracing::warn!(error = %e, "could not read the notification permission"),
    }
}
