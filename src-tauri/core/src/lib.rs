//! Household Services core: domain types, business rules and the SQL store.
//!
//! This crate has no Tauri dependency: every workflow is testable headless on a temporary
//! database. The Tauri shell (`household-app`) only maps commands onto the functions here.

pub mod accounts;
pub mod admin;
pub mod api;
pub mod app;
pub mod availability;
pub mod background;
pub mod backup;
pub mod clock;
pub mod complaints;
pub mod completion;
pub mod customer;
pub mod db;
pub mod demo;
pub mod dispatch;
pub mod documents;
pub mod domain;
pub mod email;
pub mod error;
pub mod expiry;
pub mod exports;
pub mod fault;

pub mod home;
pub mod lifecycle;
pub mod live;
pub mod migrate;
pub mod notifications;
pub mod one_time_code;
pub mod ops;
pub mod password;
pub mod password_reset;
pub mod professional;
pub mod receipt_pdf;
pub mod receipts;
pub(crate) mod requests_common;
pub mod scheduler;
mod secret;
pub mod session;
pub mod settings;
pub mod store;
pub mod terminals;
pub mod throttle;
pub mod timestamp;

pub use app::{App, AppConfig};
pub use error::{ApiError, AppError, AppResult, ErrorCode};
pub use session::Actor;
/// The bulk data generator (SQL, so it lives with the store).
pub use store::generator;
pub use timestamp::Timestamp;
