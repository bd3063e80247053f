//! `reviews` table.

use sqlx::SqliteExecutor;

/// Writes the customer's review of a request (demo data now; closing workflow later).
pub async fn insert_customer_review(
    ex: impl SqliteExecutor<'_>,
    request_id: i64,
    rating: i64,
    comment: Option<&str>,
    at: &str,
) -> sqlx::Result<()> {
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
    .map(|_| ())
}

/// Writes the professional's rating of the customer on a request.
pub async fn insert_customer_rating(
    ex: impl SqliteExecutor<'_>,
    request_id: i64,
    rating: i64,
    comment: Option<&str>,
    at: &str,
) -> sqlx::Result<()> {
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
    .map(|_| ())
}

/// A professional's average rating and review count.
pub async fn professional_rating(
    ex: impl SqliteExecutor<'_>,
    professional_id: i64,
) -> sqlx::Result<(Option<f64>, i64)> {
    sqlx::query_as(
        "SELECT AVG(v.rating), COUNT(v.rating) FROM reviews v
         JOIN service_requests r ON r.id = v.request_id
         WHERE r.professional_id = $1",
    )
    .bind(professional_id)
    .fetch_one(ex)
    .await
}
