//! `request_extras` (a completed job's extra line items) and `receipts` (issued on closing).

use super::{on, Ex, Tx};
use crate::timestamp::Timestamp;

/// One extra line item of a job.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::FromRow,
    schemars::JsonSchema,
)]
pub struct ReceiptLine {
    pub description: String,
    pub amount_minor: i64,
}

/// A job's extra line items, in the order they were added.
pub async fn extras(ex: impl Into<Ex<'_>>, request_id: i64) -> sqlx::Result<Vec<ReceiptLine>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT description, amount_minor FROM request_extras WHERE request_id = $1 ORDER BY id",
        )
        .bind(request_id)
        .fetch_all(ex)
        .await
    })
}

/// Replaces a job's extra line items.
pub async fn replace_extras(
    tx: &mut Tx,
    request_id: i64,
    items: &[ReceiptLine],
    now: Timestamp,
) -> sqlx::Result<()> {
    on!(&mut *tx, |ex| {
        sqlx::query("DELETE FROM request_extras WHERE request_id = $1")
            .bind(request_id)
            .execute(ex)
            .await
            .map(|_| ())
    })?;
    for item in items {
        on!(&mut *tx, |ex| {
            sqlx::query(
                "INSERT INTO request_extras (request_id, description, amount_minor, created_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(request_id)
            .bind(&item.description)
            .bind(item.amount_minor)
            .bind(now)
            .execute(ex)
            .await
            .map(|_| ())
        })?;
    }
    Ok(())
}

/// The number the next receipt gets: one more than the last (run under the write lock, so
/// numbers have no gaps; the UNIQUE constraint backs it).
pub async fn next_number(ex: impl Into<Ex<'_>>) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM receipts")
            .fetch_one(ex)
            .await
    })
}

/// A stored receipt (without its lines, which are the request's extras).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReceiptRow {
    pub number: i64,
    pub request_id: i64,
    pub issued_at: Timestamp,
    pub business_name: String,
    pub business_address: String,
    pub customer_name: String,
    pub professional_name: String,
    pub service_name: String,
    pub visit_at: Timestamp,
    pub base_minor: i64,
    pub extras_minor: i64,
    pub total_minor: i64,
    pub payment_method: String,
    pub payment_reference: String,
}

/// Stores a receipt.
pub async fn insert(ex: impl Into<Ex<'_>>, r: &ReceiptRow) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO receipts (number, request_id, issued_at, business_name, business_address,
                customer_name, professional_name, service_name, visit_at, base_minor, extras_minor,
                total_minor, payment_method, payment_reference)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(r.number)
        .bind(r.request_id)
        .bind(r.issued_at)
        .bind(&r.business_name)
        .bind(&r.business_address)
        .bind(&r.customer_name)
        .bind(&r.professional_name)
        .bind(&r.service_name)
        .bind(r.visit_at)
        .bind(r.base_minor)
        .bind(r.extras_minor)
        .bind(r.total_minor)
        .bind(&r.payment_method)
        .bind(&r.payment_reference)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

const COLUMNS: &str =
    "number, request_id, issued_at, business_name, business_address, customer_name,
    professional_name, service_name, visit_at, base_minor, extras_minor, total_minor,
    payment_method, payment_reference";

/// The receipt of a request, if it has one.
pub async fn for_request(
    ex: impl Into<Ex<'_>>,
    request_id: i64,
) -> sqlx::Result<Option<ReceiptRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM receipts WHERE request_id = $1"
        ))
        .bind(request_id)
        .fetch_optional(ex)
        .await
    })
}

/// Every receipt issued in `[from, to)`, by number (the receipts export).
pub async fn issued_between(
    ex: impl Into<Ex<'_>>,
    from: Option<Timestamp>,
    to: Option<Timestamp>,
) -> sqlx::Result<Vec<ReceiptRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM receipts
             WHERE ($1 IS NULL OR issued_at >= $1) AND ($2 IS NULL OR issued_at < $2)
             ORDER BY number"
        ))
        .bind(from)
        .bind(to)
        .fetch_all(ex)
        .await
    })
}
