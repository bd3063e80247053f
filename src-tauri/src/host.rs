//! Where this desktop's operations run: in this process on the embedded SQLite (standalone)
//! or on a `household-server` over HTTPS (connected). The pages cannot tell: every command
//! goes through [`on_host!`]. The session token lives here, in Rust: the webview never sees it.

use chrono::Offset;
use household_client::{CallContext, Client, Fingerprint, ServerAddress};
use household_core::error::{ApiError, AppError};
use household_core::ops::{Caller, NewSession};
use household_core::session::{SessionToken, SessionView};
use household_core::terminals::{Enrolment, TerminalKey};
use household_core::App;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

/// Writes a connected desktop retries by itself after a lost reply, with one idempotency key
/// for every attempt (the server applies them once). Other calls are not repeated: a failure
/// is reported, and the person decides.
pub const RETRIED_WRITES: &[&str] = &[
    "customer_book",
    "professional_accept",
    "professional_complete",
    "customer_close_request",
    "customer_review_request",
    "admin_start_server_export",
];

/// The one operation that reports the person's activity (the UI calls it on input); every
/// other call from this desktop is marked passive, so refreshes after live updates never keep
/// an idle session alive.
pub const ACTIVITY_OP: &str = "touch_session";

/// A connection to a server.
pub struct Remote {
    pub client: Client,
    pub fingerprint: Fingerprint,
}

impl Remote {
    /// Runs operation `op` on the server. A write in [`RETRIED_WRITES`] that could not get an
    /// answer is sent again (three attempts in all, a moment apart) with the same key.
    pub async fn call<A: Serialize, T: DeserializeOwned>(
        &self,
        op: &str,
        caller: &Caller,
        args: &A,
    ) -> Result<T, ApiError> {
        let retried = RETRIED_WRITES.contains(&op);
        let key = retried.then(|| hex::encode(rand::random::<[u8; 16]>()));
        let token = caller.token.as_ref().map(|t| t.expose().to_string());
        let terminal = caller.terminal.as_ref().map(|k| k.expose().to_string());
        let ctx = CallContext {
            token: token.as_deref(),
            offset_secs: caller.offset.local_minus_utc(),
            client: &caller.client,
            idempotency_key: key.as_deref(),
            terminal: terminal.as_deref(),
            passive: caller.passive,
        };
        let attempts = if retried { 3 } else { 1 };
        let mut delay = Duration::from_millis(500);
        let mut last = None;
        for attempt in 1..=attempts {
            match self.client.call(op, &ctx, args).await {
                Err(e)
                    if e.code == household_core::ErrorCode::Unavailable && attempt < attempts =>
                {
                    tracing::info!(op, attempt, "no answer from the server; trying again");
                    last = Some(e);
                    tokio::time::sleep(delay).await;
                    delay *= 3;
                }
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| ApiError::from(AppError::Unavailable("No answer.".into()))))
    }
}

/// Where operations run now.
pub enum Backend {
    /// Standalone: the core in this process.
    Local(Arc<App>),
    /// Connected: a server.
    Remote(Remote),
}

/// The host: the backend (switchable when the person connects or disconnects), this window's
/// session token and whether the server answers.
pub struct Host {
    backend: RwLock<Arc<Backend>>,
    token: Mutex<Option<SessionToken>>,
    online: AtomicBool,
    /// The standalone background tasks, stopped when the desktop connects to a server.
    local_tasks: Mutex<Vec<tauri::async_runtime::JoinHandle<()>>>,
    /// Bumped whenever the session or the backend changes (the live updates follow it).
    session_changes: tokio::sync::watch::Sender<u64>,
    /// This machine's terminal key for the server it is connected to, once enrolled.
    terminal: Mutex<Option<TerminalKey>>,
    /// Where that key is kept (see `terminal_key`).
    key_file: std::path::PathBuf,
}

impl Host {
    /// A host on `backend` with nobody signed in; the terminal key is kept in `data_dir`.
    pub fn new(backend: Backend, data_dir: &std::path::Path) -> Self {
        let key_file = crate::terminal_key::path_in(data_dir);
        let terminal = Mutex::new(key_for(&backend, &key_file));
        Host {
            terminal,
            key_file,
            backend: RwLock::new(Arc::new(backend)),
            token: Mutex::default(),
            online: AtomicBool::new(true),
            local_tasks: Mutex::default(),
            session_changes: tokio::sync::watch::Sender::new(0),
        }
    }

    /// Tells of every change of session or backend.
    pub fn session_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.session_changes.subscribe()
    }

    fn session_changed(&self) {
        self.session_changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The backend now (a snapshot: a switch does not disturb calls in flight).
    pub fn backend(&self) -> Arc<Backend> {
        self.backend
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Switches to another backend: the session (which belonged to the old one) is
    /// forgotten and the standalone background work stops.
    pub fn switch(&self, backend: Backend) {
        for task in self
            .local_tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            task.abort();
        }
        *self.terminal.lock().unwrap_or_else(|p| p.into_inner()) =
            key_for(&backend, &self.key_file);
        *self.backend.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(backend);
        self.signed_out();
        self.online.store(true, Ordering::Relaxed);
    }

    /// Remembers background tasks that belong to the standalone backend.
    pub fn own_local_tasks(&self, tasks: Vec<tauri::async_runtime::JoinHandle<()>>) {
        self.local_tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(tasks);
    }

    /// The core, when it runs in this process.
    pub fn local_core(&self) -> Option<Arc<App>> {
        match &*self.backend() {
            Backend::Local(core) => Some(core.clone()),
            Backend::Remote(_) => None,
        }
    }

    /// The caller of operation `op`: this window's session token, this machine's terminal
    /// key and UTC offset; passive unless `op` reports activity ([`ACTIVITY_OP`]).
    pub fn caller_for(&self, op: &str) -> Caller {
        Caller {
            token: self.token(),
            client: client_label(),
            offset: chrono::Local::now().offset().fix(),
            idempotency_key: None,
            terminal: self.terminal(),
            passive: op != ACTIVITY_OP,
            app_version: Some(household_client::APP_VERSION.into()),
        }
    }

    /// This machine's terminal key, once enrolled with the server it is connected to.
    pub fn terminal(&self) -> Option<TerminalKey> {
        self.terminal
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Keeps the key an enrolment gave this machine (for this server, across restarts).
    pub fn enrolled(&self, enrolment: &Enrolment) -> Result<(), ApiError> {
        let key = TerminalKey::parse(&enrolment.key)
            .ok_or_else(|| AppError::internal("the server sent a malformed terminal key"))?;
        if let Backend::Remote(remote) = &*self.backend() {
            crate::terminal_key::save(&self.key_file, &remote.client.address().to_string(), &key)
                .map_err(|e| AppError::internal(format!("cannot keep the terminal key: {e}")))?;
        }
        *self.terminal.lock().unwrap_or_else(|p| p.into_inner()) = Some(key);
        Ok(())
    }

    /// The session token, if someone is signed in on this window.
    pub fn token(&self) -> Option<SessionToken> {
        self.token.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Keeps a new session's token and returns what the UI may see of it.
    pub fn keep_session(&self, s: NewSession) -> SessionView {
        if let Some(enrolment) = &s.enrolment {
            if let Err(e) = self.enrolled(enrolment) {
                tracing::error!(error = %e.message, "could not keep this computer's enrolment");
            }
        }
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = SessionToken::parse(&s.token);
        self.session_changed();
        s.session
    }

    /// Forgets the session (after logout, or when the core says it ended).
    pub fn signed_out(&self) {
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.session_changed();
    }

    /// Whether the server answered last time (always true standalone).
    pub fn online(&self) -> bool {
        self.online.load(Ordering::Relaxed)
    }

    /// Records whether the server answers; `true` when that changed.
    pub fn set_online(&self, online: bool) -> bool {
        self.online.swap(online, Ordering::Relaxed) != online
    }
}

/// Runs an operation of the core's table where the host says: `on_host!(host, name(args))`
/// gives `Result<Output, ApiError>`; `on_host!(sign_in host, name(args))` gives the
/// [`NewSession`] of a sign-in (its token for the host, its view for the UI).
#[macro_export]
macro_rules! on_host {
    (sign_in $host:expr, $name:ident ( $($arg:ident),* )) => {{
        let host: &$crate::host::Host = $host;
        let caller = host.caller_for(stringify!($name));
        match &*host.backend() {
            $crate::host::Backend::Local(core) => household_core::ops::$name(core, &caller, $($arg),*)
                .await
                .map(household_core::ops::NewSession::from)
                .map_err(household_core::ApiError::from),
            $crate::host::Backend::Remote(remote) => {
                let result = remote
                    .call::<_, household_core::ops::NewSession>(
                        stringify!($name),
                        &caller,
                        &household_core::ops::args::$name { $($arg),* },
                    )
                    .await;
                host.note_reachability(&result);
                result
            }
        }
    }};
    ($host:expr, $name:ident ( $($arg:ident),* )) => {{
        let host: &$crate::host::Host = $host;
        let caller = host.caller_for(stringify!($name));
        match &*host.backend() {
            $crate::host::Backend::Local(core) => household_core::ops::$name(core, &caller, $($arg),*)
                .await
                .map_err(household_core::ApiError::from),
            $crate::host::Backend::Remote(remote) => {
                let result = remote
                    .call(
                        stringify!($name),
                        &caller,
                        &household_core::ops::args::$name { $($arg),* },
                    )
                    .await;
                host.note_reachability(&result);
                result
            }
        }
    }};
}

impl Host {
    /// Notes from a call's result whether the server answers (the connection watcher tells
    /// the UI when that changes).
    pub fn note_reachability<T>(&self, result: &Result<T, ApiError>) {
        let offline = matches!(result, Err(e) if e.code == household_core::ErrorCode::Unavailable);
        self.online.store(!offline, Ordering::Relaxed);
    }
}

/// Connects to the server at `address`, trusting only the certificate `fingerprint`, and
/// checks that it answers with it.
pub async fn connect(address: &str, fingerprint: &str) -> Result<Remote, ApiError> {
    let address = ServerAddress::parse(address)?;
    let fingerprint = Fingerprint::parse(fingerprint).ok_or_else(|| {
        AppError::validation(
            "fingerprint",
            "The fingerprint is 64 hexadecimal digits (in pairs, separated by colons).",
        )
    })?;
    let client = Client::new(address, fingerprint)?;
    client.health().await?;
    Ok(Remote {
        client,
        fingerprint,
    })
}

/// A connection to a server that does not answer now (remembered from an earlier start):
/// calls fail as unreachable until it answers again.
pub fn offline_remote(address: &str, fingerprint: &str) -> Result<Remote, ApiError> {
    let address = ServerAddress::parse(address)?;
    let fingerprint = Fingerprint::parse(fingerprint).ok_or_else(|| {
        AppError::validation("fingerprint", "The stored fingerprint is not valid.")
    })?;
    Ok(Remote {
        client: Client::new(address, fingerprint)?,
        fingerprint,
    })
}

/// The key kept for the server `backend` talks to (none standalone).
fn key_for(backend: &Backend, file: &std::path::Path) -> Option<TerminalKey> {
    match backend {
        Backend::Remote(remote) => {
            crate::terminal_key::load(file, &remote.client.address().to_string())
        }
        Backend::Local(_) => None,
    }
}

/// How sessions started here are labelled for the admin ("desktop on <host name>").
fn client_label() -> String {
    static LABEL: OnceLock<String> = OnceLock::new();
    LABEL
        .get_or_init(|| {
            let host = std::env::var("HOSTNAME")
                .ok()
                .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "this computer".into());
            format!("desktop on {host}")
        })
        .clone()
}
