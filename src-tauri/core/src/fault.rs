//! Crash points for the tests of what survives a `kill -9` at the worst moment: a debug build
//! run with `HS_CRASH_AT=<name>` aborts the process at that point, as a power cut would.
//! Release builds compile them to nothing.

/// Aborts the process here when `HS_CRASH_AT` names this point (debug builds only).
pub fn point(name: &str) {
    if cfg!(debug_assertions) && std::env::var("HS_CRASH_AT").is_ok_and(|at| at == name) {
        std::process::abort();
    }
}
