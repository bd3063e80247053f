//! Counter terminals run in kiosk mode: the window fills the screen without decorations and
//! cannot be closed or left from the UI. The server decides which machine is a counter
//! terminal (its enrolment); this side only follows what the server last said (kept in the
//! preferences, so a counter starts locked even while the server is down). Only an
//! administrator's credentials, checked by the server, unlock it for maintenance, until it is
//! locked again or the app restarts. The webview can neither decide nor lift the lock.

use crate::host::Host;
use crate::prefs::Prefs;
use household_core::terminals::{TerminalProfile, TerminalState};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::Manager;

/// The kiosk's state on this machine.
#[derive(Debug, Default)]
pub struct Kiosk {
    counter: AtomicBool,
    unlocked: AtomicBool,
}

/// Sent to the UI whenever the kiosk's state is applied (the server's word may arrive after
/// the UI first asked); generated into the bindings as `events.kioskChanged`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct KioskChanged(pub KioskStatus);

/// What the UI may know of it: a counter terminal shows its "Done" button and countdown,
/// and the maintenance controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct KioskStatus {
    /// This machine is a counter terminal.
    pub counter: bool,
    /// The kiosk lock is on (a counter terminal not unlocked for maintenance).
    pub locked: bool,
}

impl Kiosk {
    /// A kiosk that starts as the preferences last said.
    pub fn new(counter: bool) -> Self {
        Kiosk {
            counter: AtomicBool::new(counter),
            unlocked: AtomicBool::new(false),
        }
    }

    /// Now.
    pub fn status(&self) -> KioskStatus {
        let counter = self.counter.load(Ordering::Relaxed);
        KioskStatus {
            counter,
            locked: counter && !self.unlocked.load(Ordering::Relaxed),
        }
    }
}

/// Puts the main window in the shape the kiosk's state asks for.
pub fn apply(handle: &tauri::AppHandle) {
    let status = handle.state::<Kiosk>().status();
    let Some(window) = handle.get_webview_window("main") else {
        return;
    };
    let locked = status.locked;
    // Each call may fail on a platform or window manager that lacks it; the lock on closing
    // (see `on_close_requested`) holds regardless.
    let results = [
        window.set_decorations(!locked),
        window.set_fullscreen(locked),
        window.set_always_on_top(locked),
        window.set_closable(!locked),
        window.set_minimizable(!locked),
    ];
    for r in results {
        if let Err(e) = r {
            tracing::warn!(error = %e, "could not change the window for the kiosk");
        }
    }
    if let Err(e) = tauri_specta::Event::emit(&KioskChanged(status), handle) {
        tracing::warn!(error = %e, "could not tell the UI about the kiosk");
    }
}

/// Whether a request to close the window must be refused (a locked kiosk).
pub fn refuses_close(handle: &tauri::AppHandle) -> bool {
    handle.state::<Kiosk>().status().locked
}

/// Follows what the server says this machine is (after start-up, connecting or enrolling).
pub async fn follow_server(handle: &tauri::AppHandle) {
    let host = handle.state::<Host>();
    let state = match crate::on_host!(&host, app_status()) {
        Ok(s) => s.terminal,
        // The server is away: keep what it said last.
        Err(e) => {
            tracing::debug!(error = %e.message, "terminal state unknown for now");
            return;
        }
    };
    let counter = match state {
        TerminalState::Enrolled { terminal } => terminal.profile == TerminalProfile::Counter,
        // A disconnected counter stays a public machine until an admin unlocks it.
        TerminalState::Disconnected | TerminalState::NotEnrolled => {
            handle.state::<Kiosk>().counter.load(Ordering::Relaxed)
        }
        TerminalState::NotRequired => false,
    };
    set_counter(handle, counter);
}

/// Records whether this machine is a counter terminal, and shapes the window.
pub fn set_counter(handle: &tauri::AppHandle, counter: bool) {
    let kiosk = handle.state::<Kiosk>();
    let was = kiosk.counter.swap(counter, Ordering::Relaxed);
    if was != counter {
        let prefs = handle.state::<Prefs>();
        let mut p = prefs.get();
        p.counter_terminal = counter;
        if let Err(e) = prefs.save(p) {
            tracing::warn!(error = %e, "could not remember the terminal's profile");
        }
        tracing::info!(counter, "terminal profile");
    }
    apply(handle);
}

/// Lifts the lock for maintenance (after the server accepted an admin's credentials).
pub fn unlock(handle: &tauri::AppHandle) {
    handle
        .state::<Kiosk>()
        .unlocked
        .store(true, Ordering::Relaxed);
    apply(handle);
}

/// Puts the lock back.
pub fn lock(handle: &tauri::AppHandle) {
    handle
        .state::<Kiosk>()
        .unlocked
        .store(false, Ordering::Relaxed);
    apply(handle);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_counter_terminal_is_locked_and_unlocking_lifts_it() {
        let k = Kiosk::new(false);
        assert_eq!(
            k.status(),
            KioskStatus {
                counter: false,
                locked: false
            }
        );
        let k = Kiosk::new(true);
        assert!(k.status().locked);
        k.unlocked.store(true, Ordering::Relaxed);
        assert_eq!(
            k.status(),
            KioskStatus {
                counter: true,
                locked: false
            }
        );
    }
}
