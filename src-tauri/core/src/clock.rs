//! Time source, injectable so tests can move time (idle timeouts, throttling, schedules).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Offset, Utc};
use std::sync::Mutex;

/// Anything that can say what time it is.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant in UTC.
    fn now(&self) -> DateTime<Utc>;

    /// The terminal's UTC offset now: "today" and date filters mean local days.
    fn local_offset(&self) -> FixedOffset {
        chrono::Local::now().offset().fix()
    }

    /// Today's date on the terminal.
    fn local_today(&self) -> NaiveDate {
        self.now().with_timezone(&self.local_offset()).date_naive()
    }
}

/// The instant a local day starts, for comparing with stored UTC timestamps.
pub fn local_day_start(day: NaiveDate, offset: FixedOffset) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
        - Duration::seconds(i64::from(offset.local_minus_utc()))
}

/// The real wall clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to (tests); its terminal is on UTC unless told otherwise.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>, Mutex<FixedOffset>);

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock(Mutex::new(start), Mutex::new(Utc.fix()))
    }

    /// Puts the terminal in another time zone.
    pub fn set_local_offset(&self, offset: FixedOffset) {
        *self.1.lock().unwrap_or_else(|p| p.into_inner()) = offset;
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn local_offset(&self) -> FixedOffset {
        *self.1.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Formats an instant the way the database stores it: ISO-8601 UTC, second precision.
pub fn to_db(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parses a stored timestamp; `None` for anything malformed.
pub fn from_db(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
