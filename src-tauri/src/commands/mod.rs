//! `#[tauri::command]`s grouped by role. Each is a thin mapping onto a core function: the
//! acting user always comes from the Rust session, never from the webview.

pub mod admin;
pub mod arg;
pub mod auth;
pub mod customer;
pub mod exports;
pub mod home;
pub mod jobs;
pub mod notifications;
pub mod professional;
pub mod settings;
pub mod setup;

pub use arg::Arg;
use household_core::ApiError;

/// What every command returns to the webview.
pub type CmdResult<T> = Result<T, ApiError>;
