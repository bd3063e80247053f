//! `customers` table.

use super::{on, Ex};

/// Inserts a customer profile for an existing user.
pub async fn insert(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    phone: &str,
    address: &str,
    pincode: &str,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO customers (user_id, phone, address, pincode) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(phone)
        .bind(address)
        .bind(pincode)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// A customer's profile.
#[derive(
    Debug,
    Clone,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::FromRow,
    PartialEq,
    schemars::JsonSchema,
)]
pub struct CustomerProfile {
    pub full_name: String,
    pub username: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub pincode: String,
    pub rating_avg: Option<f64>,
    pub rating_count: i64,
}

/// Reads a customer's profile.
pub async fn profile(ex: impl Into<Ex<'_>>, user_id: i64) -> sqlx::Result<Option<CustomerProfile>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT u.full_name, u.username, u.email, c.phone, c.address, c.pincode,
                CASE WHEN c.rating_count > 0 THEN CAST(c.rating_sum AS DOUBLE PRECISION) / c.rating_count END AS rating_avg,
                c.rating_count
         FROM customers c JOIN users u ON u.id = c.user_id WHERE c.user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(ex)
        .await
    })
}

/// Updates a customer's contact details.
pub async fn update(
    ex: impl Into<Ex<'_>>,
    user_id: i64,
    phone: &str,
    address: &str,
    pincode: &str,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE customers SET phone = $1, address = $2, pincode = $3 WHERE user_id = $4",
        )
        .bind(phone)
        .bind(address)
        .bind(pincode)
        .bind(user_id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })
}
