//! The one error type of the core and its `{code, message}` form for the UI.

use serde::{Deserialize, Serialize};
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
    /// Bad input: every problem of the form at once, each naming its field (never empty).
    #[error("{}", join_messages(.0))]
    Validation(Vec<FieldError>),
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
    /// The server could not be reached (a connected desktop); nothing was done.
    #[error("{0}")]
    Unavailable(String),
    /// The calling machine is not enrolled with the server.
    #[error("{0}")]
    NotEnrolled(String),
    /// The calling machine was enrolled, and an administrator disconnected it.
    #[error("{0}")]
    Disconnected(String),
    /// The database cannot take writes now (disk full, read-only); the change was not saved,
    /// reads still work.
    #[error("{0}")]
    CannotSave(String),
}

impl AppError {
    /// Shorthand for a validation error on one field.
    /// The same error with a validation field renamed (a shared check reused by another form).
    pub fn renamed_field(self, from: &str, to: &str) -> Self {
        match self {
            AppError::Validation(mut fields) => {
                for f in &mut fields {
                    if f.field == from {
                        f.field = to.to_owned();
                    }
                }
                AppError::Validation(fields)
            }
            other => other,
        }
    }

    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// The field problems of a validation error (empty for any other error).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Validation(fields) => fields,
            _ => &[],
        }
    }

    /// The names of the fields a validation error concerns, in form order.
    pub fn fields(&self) -> Vec<&str> {
        self.field_errors()
            .iter()
            .map(|f| f.field.as_str())
            .collect()
    }

    /// The same validation error reported under another field name (a form that calls its
    /// password `new_password`); other errors pass through.
    pub fn renamed(self, from: &str, to: &str) -> Self {
        match self {
            AppError::Validation(fields) => AppError::Validation(
                fields
                    .into_iter()
                    .map(|f| FieldError {
                        field: if f.field == from {
                            to.to_string()
                        } else {
                            f.field
                        },
                        message: f.message,
                    })
                    .collect(),
            ),
            other => other,
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
            AppError::Validation(_) => ErrorCode::Validation,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::Locked { .. } => ErrorCode::Locked,
            AppError::AccountBlocked(_) => ErrorCode::AccountBlocked,
            AppError::ApprovalPending(_) => ErrorCode::ApprovalPending,
            AppError::ApprovalRejected(_) => ErrorCode::ApprovalRejected,
            AppError::Internal(_) => ErrorCode::Internal,
            AppError::Unavailable(_) => ErrorCode::Unavailable,
            AppError::CannotSave(_) => ErrorCode::CannotSave,
            AppError::NotEnrolled(_) => ErrorCode::NotEnrolled,
            AppError::Disconnected(_) => ErrorCode::Disconnected,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        let primary = match &e {
            sqlx::Error::Database(d) => d
                .code()
                .and_then(|c| c.parse::<i32>().ok())
                .map(|c| c & 0xff),
            _ => None,
        };
        match primary {
            Some(SQLITE_FULL) => AppError::CannotSave(
                "This change was not saved: the disk holding the database is full. Everything \
                 already saved is safe and can still be viewed; try again once space is freed."
                    .into(),
            ),
            Some(SQLITE_READONLY) => AppError::CannotSave(
                "This change was not saved: the database cannot be written to now (it is \
                 read-only). Everything already saved is safe and can still be viewed."
                    .into(),
            ),
            _ => AppError::Internal(format!("database: {e}")),
        }
    }
}

/// SQLite's primary result codes for a full disk and a database that cannot be written.
const SQLITE_FULL: i32 = 13;
const SQLITE_READONLY: i32 = 8;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
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
    Unavailable,
    CannotSave,
    NotEnrolled,
    Disconnected,
}

/// One problem with one form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct FieldError {
    /// The form field (the input's property name, e.g. `email`, `pincode`).
    pub field: String,
    /// What is wrong and how to fix it, written for the user.
    pub message: String,
}

fn join_messages(fields: &[FieldError]) -> String {
    fields
        .iter()
        .map(|f| f.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the webview receives for a failed command.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct ApiError {
    pub code: ErrorCode,
    /// One sentence for a toast or a banner; for validation errors, a summary of `fields`.
    pub message: String,
    /// Every field problem of a validation error, in form order; empty otherwise.
    pub fields: Vec<FieldError>,
    pub retry_after_secs: Option<u32>,
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let code = e.code();
        let (message, fields, retry_after_secs) = match e {
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    "Something went wrong on our side. Please try again; the details are in the log."
                        .to_string(),
                    Vec::new(),
                    None,
                )
            }
            AppError::Validation(fields) => {
                let message = match fields.as_slice() {
                    [one] => one.message.clone(),
                    many => format!("Please correct the {} fields marked below.", many.len()),
                };
                (message, fields, None)
            }
            AppError::Locked {
                message,
                retry_after_secs,
            } => (message, Vec::new(), Some(retry_after_secs)),
            other => (other.to_string(), Vec::new(), None),
        };
        ApiError {
            code,
            message,
            fields,
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

/// The `validation` error for an argument that did not parse: `path` is where in the
/// arguments it failed (`.` or empty at their root), `detail` serde's explanation. The field
/// is named as the forms name it (`email`, `query.page` → `page`... the last segment).
pub fn invalid_argument(path: &str, detail: &str) -> AppError {
    let detail = detail.trim();
    // serde reports a missing field at the struct that lacks it: name the field itself.
    let missing = detail
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let inner = path.trim_matches('.');
    let at = match (missing, inner) {
        (Some(m), "" | "?") => m.to_string(),
        (Some(m), p) => format!("{p}.{m}"),
        (None, p) => p.to_string(),
    };
    let field = at.rsplit('.').next().unwrap_or_default().to_string();
    let field = if field.is_empty() || field == "?" {
        "arguments".to_string()
    } else {
        field
    };
    let message = if missing.is_some() {
        format!("{field} is required.")
    } else {
        format!("{field} is not valid: {detail}.")
    };
    AppError::Validation(vec![FieldError { field, message }])
}

/// `Ok(())` when `ok`, else a validation error on `field`: one entry of an [`AllValid`]
/// tuple.
pub fn ensure(ok: bool, field: &str, message: impl Into<String>) -> AppResult<()> {
    if ok {
        Ok(())
    } else {
        Err(AppError::validation(field, message))
    }
}

/// Checks every field of a form before failing: a tuple of results becomes one result
/// holding all values, or one validation error listing every field problem at once (so a
/// form shows all its errors after one submit, not one per round trip).
pub trait AllValid {
    /// The tuple of validated values.
    type Output;
    /// All values, or every validation problem; a non-validation error wins as it is.
    fn all_valid(self) -> AppResult<Self::Output>;
}

fn absorb(errors: &mut Vec<FieldError>, other: &mut Option<AppError>, e: AppError) {
    match e {
        AppError::Validation(fields) => errors.extend(fields),
        e => {
            other.get_or_insert(e);
        }
    }
}

macro_rules! impl_all_valid {
    ($($t:ident $v:ident),+) => {
        impl<$($t),+> AllValid for ($(AppResult<$t>,)+) {
            type Output = ($($t,)+);
            fn all_valid(self) -> AppResult<Self::Output> {
                let ($($v,)+) = self;
                let mut errors = Vec::new();
                let mut other = None;
                $(
                    let $v = match $v {
                        Ok(v) => Some(v),
                        Err(e) => {
                            absorb(&mut errors, &mut other, e);
                            None
                        }
                    };
                )+
                if let Some(e) = other {
                    return Err(e);
                }
                if !errors.is_empty() {
                    return Err(AppError::Validation(errors));
                }
                let missing = || AppError::internal("a validated value went missing");
                Ok(($($v.ok_or_else(missing)?,)+))
            }
        }
    };
}

impl_all_valid!(A a, B b);
impl_all_valid!(A a, B b, C c);
impl_all_valid!(A a, B b, C c, D d);
impl_all_valid!(A a, B b, C c, D d, E e);
impl_all_valid!(A a, B b, C c, D d, E e, F f);
impl_all_valid!(A a, B b, C c, D d, E e, F f, G g);
impl_all_valid!(A a, B b, C c, D d, E e, F f, G g, H h);
impl_all_valid!(A a, B b, C c, D d, E e, F f, G g, H h, I i);
impl_all_valid!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j);
impl_all_valid!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k);
impl_all_valid!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_valid_collects_every_field_problem_in_order() {
        let r: AppResult<(i32, i32, i32)> = (
            Err(AppError::validation("email", "bad email")),
            Ok(2),
            Err(AppError::validation("phone", "bad phone")),
        )
            .all_valid();
        let e = r.expect_err("two problems");
        assert_eq!(e.fields(), ["email", "phone"]);
        let api = ApiError::from(e);
        assert_eq!(api.fields.len(), 2);
        assert_eq!(api.message, "Please correct the 2 fields marked below.");
    }

    #[test]
    fn all_valid_passes_values_and_other_errors_through() {
        assert_eq!((Ok::<_, AppError>(1), Ok(2)).all_valid().ok(), Some((1, 2)));
        let r: AppResult<(i32, i32)> = (
            Err(AppError::validation("a", "x")),
            Err(AppError::Conflict("taken".into())),
        )
            .all_valid();
        assert!(matches!(r, Err(AppError::Conflict(_))));
    }

    #[test]
    fn a_single_problem_is_its_own_message() {
        let api = ApiError::from(AppError::validation(
            "pincode",
            "PIN code must be 6 digits.",
        ));
        assert_eq!(api.message, "PIN code must be 6 digits.");
        assert_eq!(api.fields[0].field, "pincode");
    }
}
