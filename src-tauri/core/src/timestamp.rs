//! [`Timestamp`]: an instant in UTC, whole seconds, the one time type below the UI.
//!
//! On SQLite it is stored as ISO-8601 text (`2026-11-21T09:00:00Z`): fixed width and always
//! `Z`, so text comparison in SQL orders instants correctly; on PostgreSQL as `timestamptz`. (sqlx's own `DateTime<Utc>`
//! encoding writes `+00:00`, which would not compare correctly with the rows already stored.)
//! The UI receives the same text.

use chrono::{DateTime, Duration, DurationRound, FixedOffset, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use specta::datatype::{DataType, PrimitiveType};
use specta::{Generics, Type, TypeCollection};
use std::fmt;
use std::ops::{Add, Sub};

/// An instant in UTC with whole-second precision.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// The instant, truncated to whole seconds (what the database keeps).
    pub fn new(at: DateTime<Utc>) -> Self {
        Timestamp(at.duration_trunc(Duration::seconds(1)).unwrap_or(at))
    }

    /// Parses RFC 3339 text (any offset; stored rows use `Z`).
    pub fn parse(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|t| Timestamp::new(t.with_timezone(&Utc)))
    }

    /// The instant as a chrono value.
    pub fn get(self) -> DateTime<Utc> {
        self.0
    }

    /// The same instant in a terminal's time zone.
    pub fn at_offset(self, offset: FixedOffset) -> DateTime<FixedOffset> {
        self.0.with_timezone(&offset)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Timestamp::new(at)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl Add<Duration> for Timestamp {
    type Output = Timestamp;
    fn add(self, rhs: Duration) -> Timestamp {
        Timestamp::new(self.0 + rhs)
    }
}

impl Sub<Duration> for Timestamp {
    type Output = Timestamp;
    fn sub(self, rhs: Duration) -> Timestamp {
        Timestamp::new(self.0 - rhs)
    }
}

impl Sub for Timestamp {
    type Output = Duration;
    fn sub(self, rhs: Timestamp) -> Duration {
        self.0 - rhs.0
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}")))
    }
}

impl Type for Timestamp {
    fn inline(_types: &mut TypeCollection, _generics: Generics) -> DataType {
        DataType::Primitive(PrimitiveType::String)
    }
}

impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "An instant in UTC, whole seconds: 2026-11-21T09:00:00Z",
        })
    }
}

impl sqlx::Type<sqlx::Sqlite> for Timestamp {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <str as sqlx::Type<sqlx::Sqlite>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Sqlite> for Timestamp {
    fn encode_by_ref(
        &self,
        args: &mut Vec<sqlx::sqlite::SqliteArgumentValue<'q>>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as sqlx::Encode<'q, sqlx::Sqlite>>::encode(self.to_string(), args)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for Timestamp {
    fn decode(value: sqlx::sqlite::SqliteValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <&str as sqlx::Decode<'r, sqlx::Sqlite>>::decode(value)?;
        Timestamp::parse(text).ok_or_else(|| format!("malformed stored time {text:?}").into())
    }
}

// On PostgreSQL it is a native `timestamptz`.
impl sqlx::Type<sqlx::Postgres> for Timestamp {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <DateTime<Utc> as sqlx::Type<sqlx::Postgres>>::type_info()
    }
}

impl sqlx::Encode<'_, sqlx::Postgres> for Timestamp {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <DateTime<Utc> as sqlx::Encode<'_, sqlx::Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Postgres> for Timestamp {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(Timestamp::new(<DateTime<Utc> as sqlx::Decode<
            'r,
            sqlx::Postgres,
        >>::decode(value)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn stored_text_is_fixed_width_utc_and_round_trips() {
        let t = Timestamp::from(
            Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap() + Duration::milliseconds(750),
        );
        assert_eq!(t.to_string(), "2026-11-21T09:00:00Z");
        assert_eq!(Timestamp::parse("2026-11-21T14:30:00+05:30"), Some(t));
        assert_eq!(Timestamp::parse(&t.to_string()), Some(t));
        assert_eq!(Timestamp::parse("21/11/2026"), None);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2026-11-21T09:00:00Z\""
        );
        let later = t + Duration::hours(1);
        assert!(later > t && later.to_string() > t.to_string());
    }
}
