//! Where this desktop's operations run. Standalone, the core runs in this process on the
//! embedded SQLite ([`Host::Local`]); the pages cannot tell, they call the same commands.
//! The session token lives here, in Rust: the webview never sees it.

use chrono::Offset;
use household_core::ops::{Caller, NewSession};
use household_core::session::{SessionToken, SignedIn};
use household_core::{App, AppResult};
use std::sync::{Arc, Mutex, OnceLock};

/// The core in this process, and the one session of this window.
pub struct LocalHost {
    pub core: Arc<App>,
    token: Mutex<Option<SessionToken>>,
}

impl LocalHost {
    /// A host for `core` with nobody signed in.
    pub fn new(core: Arc<App>) -> Self {
        LocalHost {
            core,
            token: Mutex::default(),
        }
    }
}

/// Where operations run.
pub enum Host {
    /// Standalone: the core in this process.
    Local(LocalHost),
}

impl Host {
    /// The current caller: this window's session token and this machine's UTC offset.
    pub fn caller(&self) -> Caller {
        Caller {
            token: self.token(),
            client: client_label(),
            offset: chrono::Local::now().offset().fix(),
            idempotency_key: None,
        }
    }

    /// The session token, if someone is signed in on this window.
    pub fn token(&self) -> Option<SessionToken> {
        match self {
            Host::Local(l) => l.token.lock().unwrap_or_else(|p| p.into_inner()).clone(),
        }
    }

    fn set_token(&self, token: Option<SessionToken>) {
        match self {
            Host::Local(l) => *l.token.lock().unwrap_or_else(|p| p.into_inner()) = token,
        }
    }

    /// Keeps a new session's token and returns what the UI may see of it.
    pub fn signed_in(
        &self,
        s: AppResult<SignedIn>,
    ) -> AppResult<household_core::session::SessionView> {
        let s = NewSession::from(s?);
        self.set_token(SessionToken::parse(&s.token));
        Ok(s.session)
    }

    /// Forgets the session (after logout, or when the core says it ended).
    pub fn signed_out(&self) {
        self.set_token(None);
    }

    /// The core, when it runs in this process.
    pub fn local_core(&self) -> Option<&Arc<App>> {
        match self {
            Host::Local(l) => Some(&l.core),
        }
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
