//! `EXPLAIN QUERY PLAN` of the list queries that must stay index-driven at a million requests
//! (checked by a test, looked at by the bench).

use super::requests::{self, RequestFilter, RequestSortColumn};
use super::services::{self, SearchOrder};
use sqlx::SqlitePool;

/// One query's plan: a name and SQLite's plan lines.
pub type Plan = (&'static str, Vec<String>);

async fn explain(
    pool: &SqlitePool,
    name: &'static str,
    mut q: sqlx::QueryBuilder<'_, sqlx::Sqlite>,
) -> sqlx::Result<Plan> {
    // Prefixing keeps the exact SQL and binds the store uses.
    let sql = format!("EXPLAIN QUERY PLAN {}", q.sql());
    let _ = &mut q;
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&sql).fetch_all(pool).await?;
    Ok((name, rows.into_iter().map(|r| r.3).collect()))
}

async fn explain_sql(pool: &SqlitePool, name: &'static str, sql: &str) -> sqlx::Result<Plan> {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(pool)
        .await?;
    Ok((name, rows.into_iter().map(|r| r.3).collect()))
}

/// Plans of the customer search, the professional feed, the customer's request list, the
/// professional's jobs and the admin request list (several filter/sort shapes).
pub async fn list_query_plans(pool: &SqlitePool) -> sqlx::Result<Vec<Plan>> {
    let mut plans = vec![
        explain_sql(
            pool,
            "customer search",
            &services::search_sql(SearchOrder::Rating),
        )
        .await?,
        explain_sql(pool, "professional feed", requests::FEED_SQL).await?,
        explain_sql(
            pool,
            "customer requests",
            &requests::customer_list_sql(Some(false), super::Engine::Sqlite),
        )
        .await?,
        explain_sql(pool, "professional jobs", requests::PAST_JOBS_SQL).await?,
        explain_sql(
            pool,
            "professional upcoming jobs",
            requests::UPCOMING_JOBS_SQL,
        )
        .await?,
    ];
    let shapes: [(&'static str, RequestFilter, RequestSortColumn); 5] = [
        (
            "admin requests, newest first",
            RequestFilter::default(),
            RequestSortColumn::CreatedAt,
        ),
        (
            "admin requests by status",
            RequestFilter {
                status: Some(crate::domain::RequestStatus::Closed),
                ..Default::default()
            },
            RequestSortColumn::CreatedAt,
        ),
        (
            "admin requests by service",
            RequestFilter {
                service_id: Some(1),
                ..Default::default()
            },
            RequestSortColumn::CreatedAt,
        ),
        (
            "admin requests by schedule",
            RequestFilter::default(),
            RequestSortColumn::ScheduledFor,
        ),
        (
            "admin requests by customer",
            RequestFilter {
                customer_id: Some(1),
                ..Default::default()
            },
            RequestSortColumn::CreatedAt,
        ),
    ];
    for (name, filter, sort) in shapes {
        plans.push(explain(pool, name, requests::list_query(&filter, sort, true, 20, 0)).await?);
    }
    plans.push(
        explain(
            pool,
            "admin requests count",
            requests::count_query(&RequestFilter {
                status: Some(crate::domain::RequestStatus::Closed),
                ..Default::default()
            }),
        )
        .await?,
    );
    Ok(plans)
}
