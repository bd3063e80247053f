//! Live updates: what changed, pushed to every desktop that may know of it.
//!
//! A change writes its events into the durable `events` log in its own transaction (so an
//! event exists exactly when the change does). After every write transaction a single pump
//! reads the new rows once and broadcasts them in memory; each subscriber (a desktop's event
//! stream, in this process or over the server's `/api/v1/events`) keeps a cursor, the id of
//! the last event it saw, and forwards what its viewer may hear of. A subscriber that falls
//! behind, or a desktop that reconnects with its cursor after a dropped connection or a
//! server restart, reads what it missed from the log: nothing lost, nothing twice. Events
//! carry only what changed; the desktop fetches the details through the usual checked
//! operations. Export progress is the one kind that is not logged: it is a passing state the
//! export history shows anyway.

use crate::domain::Role;
use crate::error::AppResult;
use crate::session::{EndReason, SessionToken};
use crate::store::{self, events::EventRow};
use crate::terminals::TerminalKey;
use crate::{App, Timestamp};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, Notify};

/// One change a desktop hears of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// The signed-in user has new notifications.
    Notifications,
    /// A service request was booked, edited or moved through its states.
    Request { request_id: i64 },
    /// The service catalogue changed.
    Catalog,
    /// A person's account changed (registered, approved, rejected, blocked, profile).
    People { user_id: i64 },
    /// An export job progressed or ended.
    Export { job_id: i64 },
    /// The business settings changed.
    Settings,
    /// A terminal was added, enrolled or disconnected.
    Terminals,
    /// Events were missed beyond what the log keeps: reload whatever is shown.
    Resync,
    /// This session ended; the stream closes after this event.
    SessionEnded { reason: EndReason, message: String },
}

impl LiveEvent {
    /// How the event is stored: its kind and subject id.
    fn stored(&self) -> (&'static str, Option<i64>) {
        match self {
            LiveEvent::Notifications => ("notifications", None),
            LiveEvent::Request { request_id } => ("request", Some(*request_id)),
            LiveEvent::Catalog => ("catalog", None),
            LiveEvent::People { user_id } => ("people", Some(*user_id)),
            LiveEvent::Export { job_id } => ("export", Some(*job_id)),
            LiveEvent::Settings => ("settings", None),
            LiveEvent::Terminals => ("terminals", None),
            LiveEvent::Resync => ("resync", None),
            LiveEvent::SessionEnded { .. } => ("session_ended", None),
        }
    }

    /// The event of a stored row (`None` for a kind this version does not know).
    fn from_stored(kind: &str, subject: Option<i64>) -> Option<Self> {
        Some(match (kind, subject) {
            ("notifications", _) => LiveEvent::Notifications,
            ("request", Some(request_id)) => LiveEvent::Request { request_id },
            ("catalog", _) => LiveEvent::Catalog,
            ("people", Some(user_id)) => LiveEvent::People { user_id },
            ("export", Some(job_id)) => LiveEvent::Export { job_id },
            ("settings", _) => LiveEvent::Settings,
            ("terminals", _) => LiveEvent::Terminals,
            _ => return None,
        })
    }
}

/// An event with its place in the log (`None` for events that are not logged): the cursor a
/// desktop resumes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct LiveMessage {
    pub id: Option<i64>,
    pub event: LiveEvent,
}

/// Who may hear of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Everyone signed in.
    Everyone,
    /// One user.
    User(i64),
    /// Everyone of a role.
    Role(Role),
    /// The professionals of one service (in one PIN code, if set), but one (who hears of it
    /// as a user already).
    ServiceProfessionals {
        service: i64,
        pincode: Option<u32>,
        except: Option<i64>,
    },
}

impl Audience {
    /// The audience columns of the log: user, role, service, left-out user, PIN code.
    fn columns(self) -> AudienceColumns {
        match self {
            Audience::Everyone => (None, None, None, None, None),
            Audience::User(id) => (Some(id), None, None, None, None),
            Audience::Role(role) => (None, Some(role), None, None, None),
            Audience::ServiceProfessionals {
                service,
                pincode,
                except,
            } => (
                None,
                Some(Role::Professional),
                Some(service),
                except,
                pincode.map(|p| format!("{p:06}")),
            ),
        }
    }

    fn of_row(row: &EventRow) -> Self {
        match (row.to_user, row.to_role, row.to_service) {
            (Some(user), _, _) => Audience::User(user),
            (None, Some(Role::Professional), Some(service)) => Audience::ServiceProfessionals {
                service,
                pincode: row.to_pincode.as_deref().and_then(pincode_number),
                except: row.except_user,
            },
            (None, Some(role), _) => Audience::Role(role),
            (None, None, _) => Audience::Everyone,
        }
    }

    /// Whether `viewer` may hear of an event meant for this audience.
    pub fn reaches(self, viewer: &Viewer) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::User(id) => viewer.user_id == id,
            Audience::Role(role) => viewer.role == role,
            Audience::ServiceProfessionals {
                service,
                pincode,
                except,
            } => {
                viewer.role == Role::Professional
                    && viewer.service_id == Some(service)
                    && (pincode.is_none() || viewer.pincode == pincode)
                    && except != Some(viewer.user_id)
            }
        }
    }
}

/// The log's audience columns: user, role, service, left-out user, PIN code.
type AudienceColumns = (
    Option<i64>,
    Option<Role>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// A PIN code as a number (they are six digits), for a cheap comparison per event.
fn pincode_number(text: &str) -> Option<u32> {
    text.trim().parse().ok()
}

/// Who a subscription listens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    pub role: Role,
    /// A professional's service.
    pub service_id: Option<i64>,
    /// A professional's PIN code.
    pub pincode: Option<u32>,
}

#[derive(Debug)]
struct Envelope {
    id: Option<i64>,
    audience: Audience,
    event: LiveEvent,
}

type Batch = Arc<[Envelope]>;

/// How many batches the in-memory broadcast keeps for slow subscribers; one that falls
/// further behind reads the log instead (memory stays bounded whatever a client does).
const BROADCAST_BATCHES: usize = 256;
/// The pump also looks at the log this often, for writes it was not woken for (another
/// process on the same database, such as `household-server create-admin`).
const POLL_EVERY: Duration = Duration::from_secs(1);
/// Rows read from the log at a time.
const PAGE: i64 = 500;
/// A subscription checks its session this often (idle time-out, block, revocation).
const SESSION_CHECK_EVERY: Duration = Duration::from_secs(1);
/// Events a subscription holds for its consumer before it waits.
const SUBSCRIPTION_BUFFER: usize = 64;
/// A consumer that takes nothing for this long is dropped; it resumes from its cursor when
/// it comes back, and never holds up the others.
const STALLED_AFTER: Duration = Duration::from_secs(30);
/// How long the log keeps events (a desktop away longer gets [`LiveEvent::Resync`]).
pub const KEEP_EVENTS_DAYS: i64 = 7;

/// The in-process side of live updates: the pump's wake-up and the broadcast of new events.
#[derive(Debug)]
pub struct EventHub {
    wake: Arc<Notify>,
    sender: broadcast::Sender<Batch>,
}

impl EventHub {
    /// A hub whose pump is woken through `wake` (each committed write transaction pings it).
    pub(crate) fn new(wake: Arc<Notify>) -> Arc<Self> {
        let (sender, _) = broadcast::channel(BROADCAST_BATCHES);
        Arc::new(EventHub { wake, sender })
    }

    /// Starts the pump that broadcasts logged events from `after` on; it stops when the hub
    /// is dropped.
    pub(crate) fn start_pump(self: &Arc<Self>, pool: store::Pool, after: i64) {
        let hub = Arc::downgrade(self);
        let wake = self.wake.clone();
        tokio::spawn(pump(hub, wake, pool, after));
    }

    /// Sends an event that is not logged (export progress) to the subscribers now.
    pub fn publish(&self, audience: Audience, event: LiveEvent) {
        // No subscriber is not an error.
        let _ = self.sender.send(Arc::from([Envelope {
            id: None,
            audience,
            event,
        }]));
    }

    /// Wakes the pump (after a write transaction).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// What a write transaction pings when it commits.
    pub(crate) fn wake_handle(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}

async fn pump(hub: Weak<EventHub>, wake: Arc<Notify>, pool: store::Pool, mut published: i64) {
    loop {
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(POLL_EVERY) => {}
        }
        let Some(hub) = hub.upgrade() else { return };
        loop {
            let rows = match store::events::after(&pool, published, PAGE).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read the event log");
                    break;
                }
            };
            let Some(last) = rows.last().map(|r| r.id) else {
                break;
            };
            let full = rows.len() as i64 == PAGE;
            published = last;
            let batch: Vec<Envelope> = rows.iter().filter_map(envelope).collect();
            let _ = hub.sender.send(Batch::from(batch));
            if !full {
                break;
            }
        }
    }
}

fn envelope(row: &EventRow) -> Option<Envelope> {
    Some(Envelope {
        id: Some(row.id),
        audience: Audience::of_row(row),
        event: LiveEvent::from_stored(&row.kind, row.subject_id)?,
    })
}

/// Logs an event for `audience` (inside the transaction of the change it reports).
pub(crate) async fn record(
    conn: &mut store::Tx,
    audience: Audience,
    event: &LiveEvent,
    now: Timestamp,
) -> AppResult<()> {
    let (kind, subject) = event.stored();
    let (to_user, to_role, to_service, except_user, to_pincode) = audience.columns();
    let row = store::events::NewEvent {
        kind,
        subject_id: subject,
        to_user,
        to_role,
        to_service,
        except_user,
        to_pincode: to_pincode.as_deref(),
    };
    store::events::insert(conn, &row, now).await?;
    Ok(())
}

/// Logs that request `id` changed, for everyone who sees it: its customer and professional,
/// the admins and the professionals of its service (inside the change's transaction).
pub(crate) async fn request_changed(
    conn: &mut store::Tx,
    id: i64,
    now: Timestamp,
) -> AppResult<()> {
    let (kind, _) = LiveEvent::Request { request_id: id }.stored();
    store::events::insert_for_request(conn, kind, id, now).await?;
    Ok(())
}

/// Logs a change to user `user_id`'s account, for the admins.
pub(crate) async fn person_changed(
    conn: &mut store::Tx,
    user_id: i64,
    now: Timestamp,
) -> AppResult<()> {
    record(
        conn,
        Audience::Role(Role::Admin),
        &LiveEvent::People { user_id },
        now,
    )
    .await
}

/// Logs a change to the service catalogue, for everyone.
pub(crate) async fn catalog_changed(conn: &mut store::Tx, now: Timestamp) -> AppResult<()> {
    record(conn, Audience::Everyone, &LiveEvent::Catalog, now).await
}

/// Logs a change to the terminals, for the admins.
pub(crate) async fn terminals_changed(conn: &mut store::Tx, now: Timestamp) -> AppResult<()> {
    record(
        conn,
        Audience::Role(Role::Admin),
        &LiveEvent::Terminals,
        now,
    )
    .await
}

/// A live subscription: the events for one session, in order, from a cursor on.
#[derive(Debug)]
pub struct Subscription {
    receiver: mpsc::Receiver<LiveMessage>,
}

impl Subscription {
    /// The next event; `None` when the subscription ended (its session ended, its consumer
    /// stalled, or the core stopped).
    pub async fn next(&mut self) -> Option<LiveMessage> {
        self.receiver.recv().await
    }
}

/// Subscribes the session of `token` to the events it may hear of, from `after` (the id of
/// the last event the desktop saw; `None`: from now on). Fails like any command when the
/// session is not live. Checking the session does not count as activity.
pub async fn subscribe(
    app: Arc<App>,
    token: SessionToken,
    after: Option<i64>,
) -> AppResult<Subscription> {
    subscribe_at(app, token, None, after).await
}

/// [`subscribe`] for a caller at the machine with `terminal` key: refused like any operation
/// to a machine the server has not enrolled (or has disconnected), and to a session started
/// on another enrolled machine.
pub async fn subscribe_at(
    app: Arc<App>,
    token: SessionToken,
    terminal: Option<&TerminalKey>,
    after: Option<i64>,
) -> AppResult<Subscription> {
    let at = crate::terminals::of_caller(&app, terminal, None).await?;
    let actor = app
        .actor_at(&token, false, at.as_ref().map(|t| t.id))
        .await?;
    let area = if actor.role == Role::Professional {
        store::professionals::service_area(&app.pool, actor.user_id).await?
    } else {
        None
    };
    let viewer = Viewer {
        user_id: actor.user_id,
        role: actor.role,
        service_id: area.as_ref().map(|(service, _)| *service),
        pincode: area.as_ref().and_then(|(_, pin)| pincode_number(pin)),
    };
    // Subscribe before reading the log, so nothing falls between the two.
    let live = app.live.sender.subscribe();
    let last = store::events::last_id(&app.pool).await?;
    let first = store::events::first_id(&app.pool).await?;
    let (cursor, resync) = match after {
        None => (last, false),
        // A cursor from another database (restored, replaced) or beyond what is kept.
        Some(after) if after > last => (last, true),
        Some(after) if after < last && first.is_none_or(|f| after < f - 1) => (last, true),
        Some(after) => (after, false),
    };
    let (sender, receiver) = mpsc::channel(SUBSCRIPTION_BUFFER);
    tokio::spawn(async move {
        let mut sub = Subscriber {
            app,
            token,
            viewer,
            cursor,
            out: sender,
        };
        if resync && sub.send(None, LiveEvent::Resync).await.is_err() {
            return;
        }
        sub.run(live).await;
    });
    Ok(Subscription { receiver })
}

struct Subscriber {
    app: Arc<App>,
    token: SessionToken,
    viewer: Viewer,
    cursor: i64,
    out: mpsc::Sender<LiveMessage>,
}

/// The consumer is gone or stalled: the subscription ends.
struct Gone;

impl Subscriber {
    async fn run(&mut self, mut live: broadcast::Receiver<Batch>) {
        if self.catch_up().await.is_err() {
            return;
        }
        let mut check = tokio::time::interval(SESSION_CHECK_EVERY);
        check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let step = tokio::select! {
                batch = live.recv() => match batch {
                    Ok(batch) => self.forward(&batch).await,
                    Err(broadcast::error::RecvError::Lagged(_)) => self.catch_up().await,
                    Err(broadcast::error::RecvError::Closed) => Err(Gone),
                },
                _ = check.tick() => self.check_session().await,
            };
            if step.is_err() {
                return;
            }
        }
    }

    async fn send(&self, id: Option<i64>, event: LiveEvent) -> Result<(), Gone> {
        match tokio::time::timeout(STALLED_AFTER, self.out.send(LiveMessage { id, event })).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Gone),
            Err(_) => {
                tracing::info!(
                    user = self.viewer.user_id,
                    "a live subscriber stalled; dropped (it resumes from its cursor)"
                );
                Err(Gone)
            }
        }
    }

    /// Forwards what the log holds after the cursor.
    async fn catch_up(&mut self) -> Result<(), Gone> {
        loop {
            let rows = match store::events::after(&self.app.pool, self.cursor, PAGE).await {
                Ok(rows) => rows,
                Err(e) => {
                    // The stream ends; the desktop reconnects and resumes from its cursor.
                    tracing::warn!(error = %e, "could not read the event log");
                    return Err(Gone);
                }
            };
            let full = rows.len() as i64 == PAGE;
            for row in &rows {
                self.cursor = row.id;
                if let Some(env) = envelope(row) {
                    if env.audience.reaches(&self.viewer) {
                        self.send(env.id, env.event).await?;
                    }
                }
            }
            if !full {
                return Ok(());
            }
        }
    }

    async fn forward(&mut self, batch: &[Envelope]) -> Result<(), Gone> {
        for env in batch {
            if let Some(id) = env.id {
                // Already sent while catching up.
                if id <= self.cursor {
                    continue;
                }
                self.cursor = id;
            }
            if env.audience.reaches(&self.viewer) {
                self.send(env.id, env.event.clone()).await?;
            }
        }
        Ok(())
    }

    async fn check_session(&self) -> Result<(), Gone> {
        if self.out.is_closed() {
            return Err(Gone);
        }
        match self.app.session_end(&self.token).await {
            Ok(None) => Ok(()),
            Ok(Some(ended)) => {
                let _ = self
                    .send(
                        None,
                        LiveEvent::SessionEnded {
                            reason: ended.reason,
                            message: ended.message,
                        },
                    )
                    .await;
                Err(Gone)
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not check a live subscriber's session");
                Ok(())
            }
        }
    }
}

/// Forgets events older than [`KEEP_EVENTS_DAYS`]; returns how many.
pub async fn purge_old(app: &App) -> AppResult<u64> {
    let before = app.now() - chrono::Duration::days(KEEP_EVENTS_DAYS);
    Ok(store::events::purge(&app.pool, before).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_logged_kind_reads_back_as_itself() {
        let events = [
            LiveEvent::Notifications,
            LiveEvent::Request { request_id: 7 },
            LiveEvent::Catalog,
            LiveEvent::People { user_id: 3 },
            LiveEvent::Export { job_id: 9 },
            LiveEvent::Settings,
            LiveEvent::Terminals,
        ];
        for event in events {
            let (kind, subject) = event.stored();
            assert_eq!(LiveEvent::from_stored(kind, subject), Some(event.clone()));
            // The stored kind is the kind the desktops see.
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json["kind"], kind);
        }
        assert_eq!(LiveEvent::from_stored("resync", None), None);
        assert_eq!(LiveEvent::from_stored("request", None), None);
    }

    #[test]
    fn audiences_reach_only_their_viewers() {
        let pro = Viewer {
            user_id: 5,
            role: Role::Professional,
            service_id: Some(2),
            pincode: Some(560_001),
        };
        let admin = Viewer {
            user_id: 1,
            role: Role::Admin,
            service_id: None,
            pincode: None,
        };
        let service = |service, except| Audience::ServiceProfessionals {
            service,
            pincode: None,
            except,
        };
        let area = |pincode| Audience::ServiceProfessionals {
            service: 2,
            pincode: Some(pincode),
            except: None,
        };
        assert!(area(560_001).reaches(&pro));
        assert!(!area(560_002).reaches(&pro));
        assert!(!area(560_001).reaches(&admin));
        assert!(service(2, None).reaches(&pro));
        assert!(service(2, Some(6)).reaches(&pro));
        assert!(!service(2, Some(5)).reaches(&pro));
        assert!(!service(3, None).reaches(&pro));
        assert!(!service(2, None).reaches(&admin));
        assert!(Audience::User(5).reaches(&pro));
        assert!(!Audience::User(5).reaches(&admin));
        assert!(Audience::Role(Role::Admin).reaches(&admin));
        assert!(!Audience::Role(Role::Admin).reaches(&pro));
        assert!(Audience::Everyone.reaches(&pro));
        for a in [
            Audience::Everyone,
            Audience::User(5),
            Audience::Role(Role::Customer),
            service(2, None),
            service(2, Some(5)),
            area(560_001),
        ] {
            let (to_user, to_role, to_service, except_user, to_pincode) = a.columns();
            let row = EventRow {
                id: 1,
                kind: "catalog".into(),
                subject_id: None,
                to_user,
                to_role,
                to_service,
                except_user,
                to_pincode,
            };
            assert_eq!(Audience::of_row(&row), a);
        }
    }
}
