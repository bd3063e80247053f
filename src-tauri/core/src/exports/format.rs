//! How an export row becomes a CSV record: the header of each kind, formula neutralisation
//! (OWASP CSV injection), decimal money, numbers and text straight from the engine's buffers.

use super::ExportKind;
use crate::store::exports::{Cell, Cells};
use std::io::Write as _;

/// True when a cell would start a spreadsheet formula: `=`, `+`, `-`, `@`, tab or CR.
fn is_formula_start(cell: &[u8]) -> bool {
    matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// Neutralises spreadsheet formulas (OWASP CSV injection): a cell starting with `=`, `+`,
/// `-`, `@`, tab or carriage return gets a leading apostrophe.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if is_formula_start(cell.as_bytes()) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Money in minor units as a decimal string ("499.00").
pub fn money(minor: i64) -> String {
    Money(minor).to_string()
}

/// Displays minor units as a decimal amount.
struct Money(i64);

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let m = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", m / 100, m % 100)
    }
}

/// The header row of each kind.
pub fn header(kind: ExportKind) -> &'static [&'static str] {
    match kind {
        ExportKind::ClosedRequests => &[
            "request_id",
            "service",
            "customer",
            "customer_email",
            "professional",
            "requested_at",
            "completed_at",
            "closed_at",
            "remarks",
            "rating",
            "review_comment",
            "base_price",
        ],
        ExportKind::Requests => &[
            "request_id",
            "status",
            "service",
            "customer",
            "professional",
            "scheduled_for",
            "address",
            "pincode",
            "remarks",
            "requested_at",
            "assigned_at",
            "completed_at",
            "closed_at",
            "cancelled_at",
            "rating",
            "base_price",
        ],
        ExportKind::Professionals => &[
            "user_id",
            "full_name",
            "username",
            "email",
            "phone",
            "pincode",
            "service",
            "experience_years",
            "verification_status",
            "account_status",
            "rating_avg",
            "rating_count",
            "completed_jobs",
            "registered_at",
        ],
        ExportKind::Customers => &[
            "user_id",
            "full_name",
            "username",
            "email",
            "phone",
            "address",
            "pincode",
            "account_status",
            "requests",
            "rating_avg",
            "rating_count",
            "registered_at",
        ],
        ExportKind::Receipts => &[
            "receipt_number",
            "request_id",
            "issued_at",
            "business_name",
            "customer",
            "professional",
            "service",
            "visit_at",
            "base_price",
            "extras",
            "total",
            "payment_method",
            "payment_reference",
        ],
    }
}

/// The headers of the columns holding money in minor units, written as decimal amounts.
const MONEY_HEADERS: &[&str] = &["base_price", "extras", "total"];

/// The columns of a kind holding money, as a bit set (bit `i`: column `i`).
pub(super) fn money_columns(kind: ExportKind) -> u64 {
    header(kind)
        .iter()
        .enumerate()
        .filter(|(_, h)| MONEY_HEADERS.contains(h))
        .fold(0, |set, (i, _)| set | (1 << i))
}

/// Writes one database row as a CSV record: NULL as an empty cell, integers as they are,
/// reals with two decimals, text neutralised, the money columns as decimal amounts.
pub(super) fn write_row<W: std::io::Write>(
    writer: &mut csv::Writer<W>,
    columns: usize,
    money_columns: u64,
    row: &impl Cells,
    scratch: &mut Vec<u8>,
) -> Result<(), RowError> {
    for i in 0..columns {
        scratch.clear();
        match row.cell(i)? {
            Cell::Null => {}
            Cell::Int(v) if money_columns & (1 << i) != 0 => write!(scratch, "{}", Money(v))?,
            Cell::Int(v) => write!(scratch, "{v}")?,
            Cell::Real(v) => write!(scratch, "{v:.2}")?,
            Cell::Time(t) => write_time(scratch, t),
            Cell::Text(t) => {
                if is_formula_start(&t) {
                    scratch.push(b'\'');
                    scratch.extend_from_slice(&t);
                } else {
                    // Most cells: straight from the engine's buffer, no copy.
                    writer.write_field(&*t)?;
                    continue;
                }
            }
        }
        writer.write_field(&*scratch)?;
    }
    writer.write_record(None::<&[u8]>)?;
    Ok(())
}

/// Writes `t` as the stored text (`2026-11-21T09:00:00Z`, as `Timestamp`'s `Display`) digit
/// by digit: chrono's general formatter, three times a row, was a third of a PostgreSQL
/// export's time.
fn write_time(out: &mut Vec<u8>, t: crate::Timestamp) {
    use chrono::{Datelike, Timelike};
    let t = t.get();
    let digits = |out: &mut Vec<u8>, v: u32, width: u32| {
        for p in (0..width).rev() {
            out.push(b'0' + (v / 10u32.pow(p) % 10) as u8);
        }
    };
    digits(out, t.year().clamp(0, 9999) as u32, 4);
    for (sep, v) in [
        (b'-', t.month()),
        (b'-', t.day()),
        (b'T', t.hour()),
        (b':', t.minute()),
        (b':', t.second()),
    ] {
        out.push(sep);
        digits(out, v, 2);
    }
    out.push(b'Z');
}

#[cfg(test)]
mod tests {
    use super::write_time;
    use crate::Timestamp;

    #[test]
    fn times_are_written_as_stored() {
        for text in [
            "2026-11-21T09:00:00Z",
            "1999-01-02T03:04:05Z",
            "2030-12-31T23:59:59Z",
            "0987-06-07T00:00:09Z",
        ] {
            let t = Timestamp::parse(text).unwrap();
            let mut out = Vec::new();
            write_time(&mut out, t);
            assert_eq!(String::from_utf8(out).unwrap(), t.to_string());
            assert_eq!(t.to_string(), text);
        }
    }
}

/// Why a row could not be written.
#[derive(Debug, thiserror::Error)]
pub(super) enum RowError {
    #[error("Reading the database failed: {0}")]
    Read(#[from] crate::store::exports::CellError),
    #[error("Writing the file failed: {0}")]
    Write(#[from] csv::Error),
    #[error("Writing the file failed: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for RowError {
    fn from(e: rusqlite::Error) -> Self {
        RowError::Read(e.into())
    }
}

impl From<sqlx::Error> for RowError {
    fn from(e: sqlx::Error) -> Self {
        RowError::Read(e.into())
    }
}
