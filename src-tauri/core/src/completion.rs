//! Verified completion: when a job is assigned its customer gets a six-digit code, and the
//! professional marks the job completed by typing the code the customer reads out. Wrong
//! codes are counted per job; after [`MAX_FAILURES`] in a row the job is locked for
//! [`LOCK_MINUTES`]. An admin can complete a job without the code, with a reason (audited).
//! A job assigned before codes existed has none and completes without one.

use crate::error::{AppError, AppResult};
use crate::store;
use crate::timestamp::Timestamp;
use crate::App;
use chrono::Duration;

/// Digits in a completion code.
pub const CODE_LEN: usize = 6;
/// Wrong codes in a row before a job is locked.
pub const MAX_FAILURES: i64 = 5;
/// How long a job stays locked after too many wrong codes.
pub const LOCK_MINUTES: i64 = 15;

/// A new random code, e.g. "042917".
pub fn new_code() -> String {
    format!("{:06}", rand::random::<u32>() % 1_000_000)
}

/// Gives an assigned job a new code (inside the assigning transaction).
pub(crate) async fn issue(tx: &mut store::Tx, request_id: i64) -> AppResult<String> {
    let code = new_code();
    store::requests::set_completion_code(&mut *tx, request_id, Some(&code)).await?;
    Ok(code)
}

/// Checks a typed code for a job inside the completing transaction. A wrong code is counted
/// and the caller must COMMIT before returning the error (`Ok(Err(..))`), so the count
/// survives; a right one resets the count.
pub(crate) async fn check(
    app: &App,
    tx: &mut store::Tx,
    request_id: i64,
    typed: &str,
) -> AppResult<Result<(), AppError>> {
    let now = app.now();
    let (code, failures, locked_until) = store::requests::completion_code(&mut *tx, request_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That request does not exist.".into()))?;
    if let Some(until) = locked_until.filter(|u| *u > now) {
        let secs = (until - now).num_seconds().max(1);
        return Ok(Err(AppError::Locked {
            message: format!(
                "Too many wrong codes for this job. Try again in {} minute(s), or ask the office to complete it.",
                (secs + 59) / 60
            ),
            retry_after_secs: u32::try_from(secs).unwrap_or(u32::MAX),
        }));
    }
    let Some(code) = code else {
        // Assigned before completion codes existed (a business that upgraded): its customer
        // was never given one, so none is asked.
        return Ok(Ok(()));
    };
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == CODE_LEN && constant_time_eq(digits.as_bytes(), code.as_bytes()) {
        store::requests::set_code_failures(&mut *tx, request_id, 0, None).await?;
        return Ok(Ok(()));
    }
    // A lock-out that has passed starts a new count.
    let failures = if locked_until.is_some() {
        1
    } else {
        failures + 1
    };
    if failures >= MAX_FAILURES {
        let until = Timestamp::from(now.get() + Duration::minutes(LOCK_MINUTES));
        store::requests::set_code_failures(&mut *tx, request_id, failures, Some(until)).await?;
        return Ok(Err(AppError::Locked {
            message: format!(
                "That code is not right, and this was the {MAX_FAILURES}th wrong try: the job is locked for {LOCK_MINUTES} minutes. Ask the customer for the code again, or ask the office to complete it."
            ),
            retry_after_secs: (LOCK_MINUTES * 60) as u32,
        }));
    }
    store::requests::set_code_failures(&mut *tx, request_id, failures, None).await?;
    Ok(Err(AppError::validation(
        "code",
        format!(
            "That code is not right: ask the customer for the {CODE_LEN}-digit code on their request. {} tr{} left.",
            MAX_FAILURES - failures,
            if MAX_FAILURES - failures == 1 { "y" } else { "ies" }
        ),
    )))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let c = super::new_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()), "{c}");
        }
    }
}
