//! `users` table.

use super::{on, Ex};
use crate::domain::{Role, UserStatus};
use crate::timestamp::Timestamp;

/// A row of `users`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub password_hash: String,
    pub role: Role,
    pub status: UserStatus,
    pub blocked_reason: Option<String>,
}

/// Fields of a new user.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub now: Timestamp,
}

const COLUMNS: &str = "id, username, email, full_name, password_hash, role, status, blocked_reason";

/// Inserts a user and returns its id.
pub async fn insert(ex: impl Into<Ex<'_>>, u: &NewUser<'_>) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "INSERT INTO users (username, email, full_name, password_hash, role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(u.username)
        .bind(u.email)
        .bind(u.full_name)
        .bind(u.password_hash)
        .bind(u.role)
        .bind(u.now)
        .fetch_one(ex)
        .await
    })
}

/// Inserts the first admin only if no admin exists yet, atomically; `None` when one exists.
pub async fn insert_first_admin(
    ex: impl Into<Ex<'_>>,
    u: &NewUser<'_>,
) -> sqlx::Result<Option<i64>> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "INSERT INTO users (username, email, full_name, password_hash, role, created_at, updated_at)
         SELECT $1, $2, $3, $4, 'admin', $5, $5
         WHERE NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin')
         RETURNING id",
        )
        .bind(u.username)
        .bind(u.email)
        .bind(u.full_name)
        .bind(u.password_hash)
        .bind(u.now)
        .fetch_optional(ex)
        .await
    })
}

/// Finds a user by id.
pub async fn find_by_id(ex: impl Into<Ex<'_>>, id: i64) -> sqlx::Result<Option<UserRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(ex)
            .await
    })
}

/// Finds a user by username or email (both stored lower-case).
pub async fn find_by_login(ex: impl Into<Ex<'_>>, login: &str) -> sqlx::Result<Option<UserRow>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM users WHERE username = $1 OR email = $1 LIMIT 1"
        ))
        .bind(login)
        .fetch_optional(ex)
        .await
    })
}

/// Whether a username is taken.
pub async fn username_taken(ex: impl Into<Ex<'_>>, username: &str) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)")
            .bind(username)
            .fetch_one(ex)
            .await
    })
}

/// Whether an email is taken.
pub async fn email_taken(ex: impl Into<Ex<'_>>, email: &str) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)")
            .bind(email)
            .fetch_one(ex)
            .await
    })
}

/// Number of users with a role.
pub async fn count_by_role(ex: impl Into<Ex<'_>>, role: Role) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1")
            .bind(role)
            .fetch_one(ex)
            .await
    })
}

/// Number of users with a role and status.
pub async fn count_by_role_status(
    ex: impl Into<Ex<'_>>,
    role: Role,
    status: UserStatus,
) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1 AND status = $2")
            .bind(role)
            .bind(status)
            .fetch_one(ex)
            .await
    })
}

/// Records a successful login.
pub async fn touch_last_login(ex: impl Into<Ex<'_>>, id: i64, now: Timestamp) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(ex)
            .await
            .map(|_| ())
    })
}

/// Blocks or unblocks a user (used by tests now, by the admin workflows later).
pub async fn set_status(
    ex: impl Into<Ex<'_>>,
    id: i64,
    status: UserStatus,
    reason: Option<&str>,
    now: Timestamp,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE users SET status = $1, blocked_reason = $2,
                blocked_at = CASE WHEN $1 = 'blocked' THEN $3 ELSE NULL END, updated_at = $3
         WHERE id = $4",
        )
        .bind(status)
        .bind(reason)
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })
}

/// Replaces a user's password hash.
pub async fn set_password_hash(
    ex: impl Into<Ex<'_>>,
    id: i64,
    hash: &str,
    now: Timestamp,
) -> sqlx::Result<u64> {
    on!(ex, |ex| {
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(now)
            .bind(id)
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })
}

/// Services plus non-admin users: zero on a database with no business data yet.
pub async fn business_data_count(ex: impl Into<Ex<'_>>) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM services) + (SELECT COUNT(*) FROM users WHERE role <> 'admin')")
            .fetch_one(ex)
            .await
    })
}
