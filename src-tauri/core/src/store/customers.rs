//! `customers` table.

use sqlx::SqliteExecutor;

/// Inserts a customer profile for an existing user.
pub async fn insert(
    ex: impl SqliteExecutor<'_>,
    user_id: i64,
    phone: &str,
    address: &str,
    pincode: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO customers (user_id, phone, address, pincode) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(phone)
        .bind(address)
        .bind(pincode)
        .execute(ex)
        .await
        .map(|_| ())
}
