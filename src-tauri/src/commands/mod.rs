//! The commands the webview may call. Every UI operation's command is generated from the
//! core's operation table (`ops`); the desktop adds its own for what only a desktop does
//! (its preferences, native dialogs, opening files). The acting user always comes from the
//! session the Rust side holds, never from the webview.

pub mod about;
pub mod arg;
pub mod backups;
pub mod desktop;
pub mod exports;
pub mod ops;
pub mod receipts;

pub use arg::Arg;
use household_core::ApiError;

/// What every command returns to the webview.
pub type CmdResult<T> = Result<T, ApiError>;
