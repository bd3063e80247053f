//! Domain types parsed at the boundary: once a value has one of these types it is valid.

use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::fmt;

/// Who a user is to the business.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Type,
    sqlx::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Role {
    Admin,
    Professional,
    Customer,
}

/// Whether an account may be used.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Type,
    sqlx::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Blocked,
}

/// Where a professional's application stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Type,
    sqlx::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum VerificationStatus {
    Pending,
    Approved,
    Rejected,
}

/// Where an export job stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Type,
    sqlx::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ExportStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl ExportStatus {
    /// Still queued or running.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }
}

/// What to export (stored in `export_jobs.kind`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Type,
    sqlx::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ExportKind {
    /// Closed service requests with their reviews (the original report).
    ClosedRequests,
    /// All requests matching the admin list's filters.
    Requests,
    Professionals,
    Customers,
    /// Every receipt issued, by number.
    Receipts,
}

/// Where a queued email stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Type,
    sqlx::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum EmailStatus {
    Queued,
    Sending,
    Sent,
    Failed,
}

/// How a scheduled job's run for one period went.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Type,
    sqlx::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum RunStatus {
    Running,
    Succeeded,
    Failed,
}

/// The states of a service request (stored as TEXT, typed as a string union in TypeScript).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Type,
    sqlx::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum RequestStatus {
    Requested,
    Assigned,
    Completed,
    Closed,
    Rejected,
    Cancelled,
    /// Nobody accepted it before its visit time passed.
    Expired,
}

/// The stored (and serialised) name of each variant of a status-like enum, once: `as_str`,
/// `Display` and `ALL` (every variant, in declaration order) from one list.
macro_rules! stored_names {
    ($t:ident { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$t] = &[$($t::$v),+];

            /// The value stored in the database (the same as the serialised one).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($t::$v => $s),+
                }
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

stored_names!(Role { Admin => "admin", Professional => "professional", Customer => "customer" });
stored_names!(UserStatus { Active => "active", Blocked => "blocked" });
stored_names!(VerificationStatus { Pending => "pending", Approved => "approved", Rejected => "rejected" });
stored_names!(ExportStatus {
    Queued => "queued",
    Running => "running",
    Succeeded => "succeeded",
    Failed => "failed",
    Cancelled => "cancelled",
});
stored_names!(ExportKind {
    ClosedRequests => "closed_requests",
    Requests => "requests",
    Professionals => "professionals",
    Customers => "customers",
    Receipts => "receipts",
});
stored_names!(EmailStatus { Queued => "queued", Sending => "sending", Sent => "sent", Failed => "failed" });
stored_names!(RunStatus { Running => "running", Succeeded => "succeeded", Failed => "failed" });
stored_names!(RequestStatus {
    Requested => "requested",
    Assigned => "assigned",
    Completed => "completed",
    Closed => "closed",
    Rejected => "rejected",
    Cancelled => "cancelled",
    Expired => "expired",
});

fn trimmed(
    field: &'static str,
    raw: &str,
    label: &str,
    min: usize,
    max: usize,
) -> AppResult<String> {
    let s = raw.trim();
    let n = s.chars().count();
    if n < min {
        return Err(AppError::validation(
            field,
            if min <= 1 {
                format!("{label} is required.")
            } else {
                format!("{label} must be at least {min} characters.")
            },
        ));
    }
    if n > max {
        return Err(AppError::validation(
            field,
            format!("{label} must be at most {max} characters."),
        ));
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(AppError::validation(
            field,
            format!("{label} contains characters that are not allowed."),
        ));
    }
    Ok(s.to_string())
}

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// The validated value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_newtype!(
    /// A syntactically valid e-mail address, lower-cased.
    Email
);
string_newtype!(
    /// A login name: 3-32 of `a-z 0-9 . _ -`, lower-cased.
    Username
);
string_newtype!(
    /// A person's display name.
    FullName
);
string_newtype!(
    /// A phone number: 10-15 digits, optional leading `+`.
    Phone
);
string_newtype!(
    /// A six-digit postal code (PIN code).
    Pincode
);
string_newtype!(
    /// A postal address.
    Address
);

impl Email {
    /// Validates and normalises an e-mail address.
    pub fn parse(raw: &str) -> AppResult<Self> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(AppError::validation("email", "Email is required."));
        }
        if s.len() > 254 || !email_address::EmailAddress::is_valid(&s) || !s.contains('.') {
            return Err(AppError::validation(
                "email",
                "Enter a valid email address, like name@example.com.",
            ));
        }
        Ok(Email(s))
    }
}

impl Username {
    /// Validates and normalises a username.
    pub fn parse(raw: &str) -> AppResult<Self> {
        let s = raw.trim().to_lowercase();
        let n = s.chars().count();
        if !(3..=32).contains(&n) {
            return Err(AppError::validation(
                "username",
                "Username must be 3 to 32 characters.",
            ));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            return Err(AppError::validation(
                "username",
                "Username may only use letters, digits, '.', '_' and '-'.",
            ));
        }
        if s.contains('@') {
            return Err(AppError::validation(
                "username",
                "Username cannot contain '@'.",
            ));
        }
        Ok(Username(s))
    }
}

impl FullName {
    /// Validates a display name (1-100 characters).
    pub fn parse(raw: &str) -> AppResult<Self> {
        trimmed("full_name", raw, "Full name", 1, 100).map(FullName)
    }
}

impl Phone {
    /// Validates a phone number; spaces and dashes are dropped.
    pub fn parse(raw: &str) -> AppResult<Self> {
        let compact: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
            .collect();
        let digits = compact.strip_prefix('+').unwrap_or(&compact);
        if !(10..=15).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(AppError::validation(
                "phone",
                "Enter a phone number of 10 to 15 digits.",
            ));
        }
        Ok(Phone(compact))
    }
}

impl Pincode {
    /// Validates a six-digit PIN code.
    pub fn parse(raw: &str) -> AppResult<Self> {
        let s = raw.trim();
        if s.len() != 6 || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(AppError::validation(
                "pincode",
                "PIN code must be exactly 6 digits.",
            ));
        }
        Ok(Pincode(s.to_string()))
    }
}

impl Address {
    /// Validates a postal address (5-300 characters).
    pub fn parse(raw: &str) -> AppResult<Self> {
        trimmed("address", raw, "Address", 5, 300).map(Address)
    }
}

/// A new password that meets the policy (12-128 characters, not only spaces).
#[derive(Clone)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Minimum length, following NIST SP 800-63B's advice to favour length over composition.
    pub const MIN_LEN: usize = 12;
    /// Maximum length: argon2 takes any length, this only bounds the work per request.
    pub const MAX_LEN: usize = 128;

    /// Checks a password against the policy.
    pub fn parse(raw: &str) -> AppResult<Self> {
        let n = raw.chars().count();
        if n < Self::MIN_LEN {
            return Err(AppError::validation(
                "password",
                format!("Password must be at least {} characters.", Self::MIN_LEN),
            ));
        }
        if n > Self::MAX_LEN {
            return Err(AppError::validation(
                "password",
                format!("Password must be at most {} characters.", Self::MAX_LEN),
            ));
        }
        if raw.trim().is_empty() {
            return Err(AppError::validation(
                "password",
                "Password cannot be only spaces.",
            ));
        }
        Ok(NewPassword(raw.to_string()))
    }

    /// The plain text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Free text limited in length (descriptions, remarks); may be empty.
pub fn optional_text(field: &'static str, raw: &str, label: &str, max: usize) -> AppResult<String> {
    trimmed(field, raw, label, 0, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").map(|e| e.0).ok(),
            Some("ann@example.com".into())
        );
        for bad in ["", "ann", "ann@", "@x.com", "a b@x.com", "ann@localhost"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn username_rules() {
        assert_eq!(
            Username::parse("Ravi.K").map(|u| u.0).ok(),
            Some("ravi.k".into())
        );
        for bad in ["ab", "has space", "x@y", &"a".repeat(33), "ümlaut"] {
            assert!(Username::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn phone_pincode_password() {
        assert_eq!(
            Phone::parse("+91 98765-43210").map(|p| p.0).ok(),
            Some("+919876543210".into())
        );
        assert!(Phone::parse("12345").is_err());
        assert!(Phone::parse("98765abcde").is_err());
        assert!(Pincode::parse("560001").is_ok());
        for bad in ["56001", "5600011", "56000a", ""] {
            assert!(Pincode::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse(&" ".repeat(20)).is_err());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        assert!(NewPassword::parse("correct horse battery").is_ok());
    }

    #[test]
    fn stored_names_are_the_serialised_names() {
        fn check<T: Serialize + fmt::Display>(all: &[T]) {
            for v in all {
                assert_eq!(
                    serde_json::to_value(v).ok(),
                    Some(serde_json::Value::String(v.to_string()))
                );
            }
        }
        check(Role::ALL);
        check(UserStatus::ALL);
        check(VerificationStatus::ALL);
        check(ExportStatus::ALL);
        check(ExportKind::ALL);
        check(EmailStatus::ALL);
        check(RunStatus::ALL);
        check(RequestStatus::ALL);
        assert_eq!(RequestStatus::ALL.len(), 7);
    }

    #[test]
    fn validation_errors_name_their_field() {
        match Pincode::parse("1") {
            Err(e @ AppError::Validation(_)) => assert_eq!(e.fields(), ["pincode"]),
            other => panic!("unexpected {other:?}"),
        }
        match FullName::parse("bad\u{0007}name") {
            Err(e @ AppError::Validation(_)) => assert_eq!(e.fields(), ["full_name"]),
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// A star rating, 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rating(u8);

impl Rating {
    /// Validates a rating.
    pub fn parse(raw: u8) -> AppResult<Self> {
        if (1..=5).contains(&raw) {
            Ok(Rating(raw))
        } else {
            Err(AppError::validation(
                "rating",
                "Choose a rating from 1 to 5 stars.",
            ))
        }
    }

    /// The number of stars.
    pub fn get(self) -> i64 {
        i64::from(self.0)
    }
}

/// An optional review comment: trimmed, at most 1000 characters, `None` when empty.
pub fn review_comment(raw: Option<&str>) -> AppResult<Option<String>> {
    let c = optional_text("comment", raw.unwrap_or(""), "Comment", 1000)?;
    Ok((!c.is_empty()).then_some(c))
}
