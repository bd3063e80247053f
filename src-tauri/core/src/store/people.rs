//! Admin views over users, customers and professionals (list with filters, details).

use super::{on, Arg, Dialect, Ex};
use crate::domain::{Role, UserStatus, VerificationStatus};
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::QueryBuilder;

/// Filters of the admin's people list; every field optional.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter<'a> {
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    pub verification: Option<VerificationStatus>,
    pub service_id: Option<i64>,
    pub pincode: Option<&'a str>,
    /// Substring of name, username, email or phone.
    pub search: Option<&'a str>,
    /// Only professionals with an open complaint about their work.
    pub open_complaints: bool,
}

/// One row of the people list, with the figures block decisions rest on.
#[derive(
    Debug, Clone, Serialize, Deserialize, Type, sqlx::FromRow, PartialEq, schemars::JsonSchema,
)]
pub struct PersonRow {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub role: Role,
    pub status: UserStatus,
    pub blocked_reason: Option<String>,
    pub phone: Option<String>,
    pub pincode: Option<String>,
    pub created_at: Timestamp,
    /// Professionals: their service and verification status.
    pub service_id: Option<i64>,
    pub service_name: Option<String>,
    pub verification_status: Option<VerificationStatus>,
    /// Professionals: average rating received and count; jobs completed (completed or closed).
    pub rating_avg: Option<f64>,
    pub rating_count: i64,
    pub completed_jobs: i64,
    /// Customers: requests made and the professionals' average rating of them.
    pub request_count: i64,
    pub customer_rating_avg: Option<f64>,
    pub customer_rating_count: i64,
    /// Professionals: complaints about their jobs, and how many are still open.
    pub complaint_count: i64,
    pub open_complaint_count: i64,
}

const SELECT: &str = "SELECT u.id, u.username, u.full_name, u.email, u.role, u.status, u.blocked_reason,
        COALESCE(p.phone, c.phone) AS phone, COALESCE(p.pincode, c.pincode) AS pincode, u.created_at,
        p.service_id, s.name AS service_name, p.verification_status,
        CASE WHEN p.rating_count > 0 THEN CAST(p.rating_sum AS DOUBLE PRECISION) / p.rating_count END AS rating_avg,
        COALESCE(p.rating_count, 0) AS rating_count,
        (SELECT COUNT(*) FROM service_requests r WHERE r.professional_id = u.id
          AND r.status IN ('completed', 'closed')) AS completed_jobs,
        (SELECT COUNT(*) FROM service_requests r WHERE r.customer_id = u.id) AS request_count,
        CASE WHEN c.rating_count > 0 THEN CAST(c.rating_sum AS DOUBLE PRECISION) / c.rating_count END AS customer_rating_avg,
        COALESCE(c.rating_count, 0) AS customer_rating_count,
        (SELECT COUNT(*) FROM complaints k WHERE k.professional_id = u.id) AS complaint_count,
        (SELECT COUNT(*) FROM complaints k WHERE k.professional_id = u.id AND k.status = 'open')
          AS open_complaint_count
    FROM users u
    LEFT JOIN professionals p ON p.user_id = u.id
    LEFT JOIN customers c ON c.user_id = u.id
    LEFT JOIN services s ON s.id = p.service_id";

fn push_filters<DB: Dialect>(q: &mut QueryBuilder<'_, DB>, f: &PeopleFilter<'_>) {
    q.push(" WHERE 1 = 1");
    if let Some(role) = f.role {
        q.push(" AND u.role = ");
        DB::push_arg(q, Arg::Text(role.as_str().to_owned()));
    }
    if let Some(status) = f.status {
        q.push(" AND u.status = ");
        DB::push_arg(q, Arg::Text(status.as_str().to_owned()));
    }
    if let Some(v) = f.verification {
        q.push(" AND p.verification_status = ");
        DB::push_arg(q, Arg::Text(v.as_str().to_owned()));
    }
    if let Some(s) = f.service_id {
        q.push(" AND p.service_id = ");
        DB::push_arg(q, Arg::Int(s));
    }
    if let Some(pin) = f.pincode {
        q.push(" AND COALESCE(p.pincode, c.pincode) = ");
        DB::push_arg(q, Arg::Text(pin.to_owned()));
    }
    if f.open_complaints {
        q.push(
            " AND EXISTS (SELECT 1 FROM complaints k WHERE k.professional_id = u.id AND k.status = 'open')",
        );
    }
    if let Some(search) = f.search {
        let like = format!(
            "%{}%",
            search
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        for (i, column) in [
            "lower(u.full_name)",
            "u.username",
            "u.email",
            "COALESCE(p.phone, c.phone, '')",
        ]
        .into_iter()
        .enumerate()
        {
            q.push(if i == 0 { " AND (" } else { " OR " })
                .push(column)
                .push(" LIKE ");
            DB::push_arg(q, Arg::Text(like.clone()));
            q.push(" ESCAPE '\\'");
        }
        q.push(")");
    }
}

/// One page of people matching the filter, newest first, and the total count.
pub async fn list(
    pool: &super::Pool,
    f: &PeopleFilter<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<PersonRow>, i64)> {
    on!(pool, |ex| {
        let mut ex = ex;
        let mut count = QueryBuilder::new(
            "SELECT COUNT(*) FROM users u LEFT JOIN professionals p ON p.user_id = u.id
             LEFT JOIN customers c ON c.user_id = u.id",
        );
        push_filters(&mut count, f);
        let total: i64 = count.build_query_scalar().fetch_one(ex.re()).await?;
        let mut q = QueryBuilder::new(SELECT);
        push_filters(&mut q, f);
        q.push(" ORDER BY u.created_at DESC, u.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows = q.build_query_as().fetch_all(ex).await?;
        Ok((rows, total))
    })
}

/// One person by id, with the same figures as the list.
pub async fn find(ex: impl Into<Ex<'_>>, id: i64) -> sqlx::Result<Option<PersonRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!("{SELECT} WHERE u.id = $1"))
            .bind(id)
            .fetch_optional(ex)
            .await
    })
}

/// A professional's profile details beyond the list row.
#[derive(
    Debug, Clone, Serialize, Deserialize, Type, sqlx::FromRow, PartialEq, schemars::JsonSchema,
)]
pub struct ProfessionalProfile {
    pub experience_years: i64,
    pub description: String,
    pub verification_note: Option<String>,
    pub verified_at: Option<Timestamp>,
    pub document_name: String,
    pub document_mime: String,
    pub document_size: i64,
    pub document_uploaded_at: Timestamp,
    #[serde(skip)]
    #[specta(skip)]
    pub document_sha256: String,
}

/// A professional's profile, if the user is one.
pub async fn professional_profile(
    ex: impl Into<Ex<'_>>,
    id: i64,
) -> sqlx::Result<Option<ProfessionalProfile>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT experience_years, description, verification_note, verified_at, document_name,
                document_mime, document_size, document_uploaded_at, document_sha256
         FROM professionals WHERE user_id = $1",
        )
        .bind(id)
        .fetch_optional(ex)
        .await
    })
}

/// Active admins other than `except`.
pub async fn other_active_admins(ex: impl Into<Ex<'_>>, except: i64) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND status = 'active' AND id <> $1",
        )
        .bind(except)
        .fetch_one(ex)
        .await
    })
}
