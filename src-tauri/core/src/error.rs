//! The one error type of the core and its `{code, message}` form for the UI.

use serde::Serialize;
use specta::Type;

/// Result alias used by every core function.
pub type AppResult<T> = Result<T, AppError>;

/// Everything that can go wrong in a workflow. Messages are written for the user; internal
/// details only reach the log.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No live session (never signed in, logged out, or idle too long).
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but this role or this user may not do that.
    #[error("{0}")]
    Forbidden(String),
    /// The record does not exist (or is not visible to this user).
    #[error("{0}")]
    NotFound(String),
    /// Bad input; `field` names the form field it concerns.
    #[error("{message}")]
    Validation {
        field: &'static str,
        message: String,
    },
    /// The action clashes with the current state of the record.
    #[error("{0}")]
    Conflict(String),
    /// Too many failed attempts: try again after `retry_after_secs`.
    #[error("{message}")]
    Locked {
        message: String,
        retry_after_secs: u32,
    },
    /// The account was blocked by an administrator.
    #[error("{0}")]
    AccountBlocked(String),
    /// A professional whose documents have not been checked yet.
    #[error("{0}")]
    ApprovalPending(String),
    /// A professional whose application was rejected.
    #[error("{0}")]
    ApprovalRejected(String),
    /// Anything unexpected; the detail is logged, the user sees a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// Shorthand for a validation error on one field.
    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Validation {
            field,
            message: message.into(),
        }
    }

    /// Shorthand for an internal error carrying a loggable detail.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        AppError::Internal(detail.to_string())
    }

    /// The stable code the UI switches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Unauthorized(_) => ErrorCode::Unauthorized,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::Validation { .. } => ErrorCode::Validation,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::Locked { .. } => ErrorCode::Locked,
            AppError::AccountBlocked(_) => ErrorCode::AccountBlocked,
            AppError::ApprovalPending(_) => ErrorCode::ApprovalPending,
            AppError::ApprovalRejected(_) => ErrorCode::ApprovalRejected,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(format!("database: {e}"))
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        AppError::Internal(format!("database: {e}"))
    }
}

impl From<sqlx::migrate::MigrateError> for AppError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        AppError::Internal(format!("migration: {e}"))
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Internal(format!("io: {e}"))
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("background task: {e}"))
    }
}

/// Stable error codes, part of the UI contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthorized,
    Forbidden,
    NotFound,
    Validation,
    Conflict,
    Locked,
    AccountBlocked,
    ApprovalPending,
    ApprovalRejected,
    Internal,
}

/// What the webview receives for a failed command.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    pub retry_after_secs: Option<u32>,
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let code = e.code();
        let (message, field, retry_after_secs) = match e {
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    "Something went wrong on our side. Please try again; the details are in the log."
                        .to_string(),
                    None,
                    None,
                )
            }
            AppError::Validation { field, message } => (message, Some(field.to_string()), None),
            AppError::Locked {
                message,
                retry_after_secs,
            } => (message, None, Some(retry_after_secs)),
            other => (other.to_string(), None, None),
        };
        ApiError {
            code,
            message,
            field,
            retry_after_secs,
        }
    }
}

impl AppError {
    /// A background task that panicked or was cancelled.
    pub fn from_join(e: impl std::fmt::Display) -> Self {
        AppError::Internal(format!("background task: {e}"))
    }
}
