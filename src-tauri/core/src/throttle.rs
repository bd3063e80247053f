//! Failed-login throttling: exponential back-off per login string, bounded so that it can
//! slow an attacker down but never lock the owner out for long.
//!
//! The key is the normalised text typed into the login field, not a user id, so unknown
//! accounts are throttled exactly like real ones and the response reveals nothing.

use crate::error::{AppError, AppResult};
use crate::store;
use crate::Timestamp;
use chrono::{DateTime, Duration, Utc};

/// Failures allowed before any delay.
pub const FREE_FAILURES: i64 = 5;
/// First delay once the free failures are used up; doubles with each further failure.
pub const BASE_DELAY_SECS: i64 = 2;
/// Upper bound of a single lock: the owner is never kept out longer than this.
pub const MAX_DELAY_SECS: i64 = 300;
/// Failures older than this are forgotten.
pub const FORGET_AFTER_SECS: i64 = 3600;

/// The lock length after `failures` consecutive failures (0 while still free).
pub fn delay_after(failures: i64) -> Duration {
    if failures <= FREE_FAILURES {
        return Duration::zero();
    }
    let exp = (failures - FREE_FAILURES - 1).min(20) as u32;
    Duration::seconds((BASE_DELAY_SECS << exp).min(MAX_DELAY_SECS))
}

/// Fails with `locked` while the key is in a back-off window.
pub async fn check(pool: &store::Pool, key: &str, now: DateTime<Utc>) -> AppResult<()> {
    let Some(row) = store::throttle::get(pool, key).await? else {
        return Ok(());
    };
    let Some(until) = row.locked_until.map(Timestamp::get) else {
        return Ok(());
    };
    if until > now {
        let secs = (until - now).num_seconds().max(1);
        return Err(AppError::Locked {
            message: format!(
                "Too many failed sign-in attempts. Please wait {secs} second(s) and try again."
            ),
            retry_after_secs: u32::try_from(secs).unwrap_or(u32::MAX),
        });
    }
    Ok(())
}

/// Counts one failure and sets the next back-off window.
pub async fn record_failure(pool: &store::Pool, key: &str, now: DateTime<Utc>) -> AppResult<()> {
    let previous = store::throttle::get(pool, key).await?;
    let failures = match previous {
        Some(row) if now - row.last_failure_at.get() < Duration::seconds(FORGET_AFTER_SECS) => {
            row.failures + 1
        }
        _ => 1,
    };
    let delay = delay_after(failures);
    let locked_until = (delay > Duration::zero()).then(|| Timestamp::from(now + delay));
    store::throttle::put(pool, key, failures, Timestamp::from(now), locked_until).await?;
    Ok(())
}

/// Forgets the failures of a key after a successful login.
pub async fn clear(pool: &store::Pool, key: &str) -> AppResult<()> {
    store::throttle::clear(pool, key).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_grows_exponentially_and_is_capped() {
        assert_eq!(delay_after(FREE_FAILURES), Duration::zero());
        assert_eq!(delay_after(FREE_FAILURES + 1), Duration::seconds(2));
        assert_eq!(delay_after(FREE_FAILURES + 2), Duration::seconds(4));
        assert_eq!(delay_after(FREE_FAILURES + 3), Duration::seconds(8));
        assert_eq!(delay_after(1000), Duration::seconds(MAX_DELAY_SECS));
    }
}
