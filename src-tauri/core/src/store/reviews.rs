//! `reviews` table and the rating roll-ups on services, professionals and customers.

use super::{on, Ex};
use crate::timestamp::Timestamp;

/// Writes the customer's review of a job unless one exists; returns whether it was written.
pub async fn set_job_review(
    ex: impl Into<Ex<'_>>,
    request_id: i64,
    rating: i64,
    comment: Option<&str>,
    at: Timestamp,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO reviews (request_id, rating, comment, reviewed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (request_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment,
             reviewed_at = excluded.reviewed_at
         WHERE reviews.rating IS NULL",
        )
        .bind(request_id)
        .bind(rating)
        .bind(comment)
        .bind(at)
        .execute(ex)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Writes the professional's rating of the customer unless one exists; returns whether it was.
pub async fn set_customer_rating(
    ex: impl Into<Ex<'_>>,
    request_id: i64,
    rating: i64,
    comment: Option<&str>,
    at: Timestamp,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query(
            "INSERT INTO reviews (request_id, customer_rating, customer_comment, customer_rated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (request_id) DO UPDATE SET customer_rating = excluded.customer_rating,
             customer_comment = excluded.customer_comment, customer_rated_at = excluded.customer_rated_at
         WHERE reviews.customer_rating IS NULL",
        )
        .bind(request_id)
        .bind(rating)
        .bind(comment)
        .bind(at)
        .execute(ex)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Adds a job rating to the service's and the professional's roll-ups (same transaction).
pub async fn add_job_rating(
    tx: &mut super::Tx,
    service_id: i64,
    professional_id: i64,
    rating: i64,
) -> sqlx::Result<()> {
    on!(tx, |ex| {
        let mut ex = ex;
        sqlx::query("UPDATE services SET rating_sum = rating_sum + $1, rating_count = rating_count + 1 WHERE id = $2")
            .bind(rating)
            .bind(service_id)
            .execute(ex.re())
            .await?;
        sqlx::query("UPDATE professionals SET rating_sum = rating_sum + $1, rating_count = rating_count + 1 WHERE user_id = $2")
            .bind(rating)
            .bind(professional_id)
            .execute(ex)
            .await?;
        Ok(())
    })
}

/// Adds a customer rating to the customer's roll-up (same transaction).
pub async fn add_customer_rating(
    ex: impl Into<Ex<'_>>,
    customer_id: i64,
    rating: i64,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query("UPDATE customers SET rating_sum = rating_sum + $1, rating_count = rating_count + 1 WHERE user_id = $2")
            .bind(rating)
            .bind(customer_id)
            .execute(ex)
            .await
            .map(|_| ())
    })
}

/// A professional's average rating and review count (from the roll-up).
pub async fn professional_rating(
    ex: impl Into<Ex<'_>>,
    professional_id: i64,
) -> sqlx::Result<(Option<f64>, i64)> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT CASE WHEN rating_count > 0 THEN CAST(rating_sum AS DOUBLE PRECISION) / rating_count END, rating_count
         FROM professionals WHERE user_id = $1",
        )
        .bind(professional_id)
        .fetch_optional(ex)
        .await
        .map(|r| r.unwrap_or((None, 0)))
    })
}
