//! `terminals`: the machines enrolled with a server (see `terminals`).

use super::{on, Ex};
use crate::terminals::TerminalProfile;
use crate::timestamp::Timestamp;

/// A terminal as the checks need it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TerminalRecord {
    pub id: i64,
    pub name: String,
    pub profile: TerminalProfile,
    pub code_expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub last_seen_at: Option<Timestamp>,
    pub app_version: Option<String>,
}

const RECORD: &str =
    "SELECT id, name, profile, code_expires_at, revoked_at, last_seen_at, app_version FROM terminals";

/// Adds a terminal awaiting enrolment with the code's hash; returns its id.
pub async fn insert(
    ex: impl Into<Ex<'_>>,
    name: &str,
    profile: TerminalProfile,
    code_hash: &str,
    code_expires_at: Timestamp,
    created_by: Option<i64>,
    now: Timestamp,
) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "INSERT INTO terminals (name, profile, code_hash, code_expires_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(name)
        .bind(profile)
        .bind(code_hash)
        .bind(code_expires_at)
        .bind(created_by)
        .bind(now)
        .fetch_one(ex)
        .await
    })
}

/// The terminal waiting for the code with this hash.
pub async fn by_code(
    ex: impl Into<Ex<'_>>,
    code_hash: &str,
) -> sqlx::Result<Option<TerminalRecord>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!("{RECORD} WHERE code_hash = $1"))
            .bind(code_hash)
            .fetch_optional(ex)
            .await
    })
}

/// The terminal holding the key with this hash.
pub async fn by_key(ex: impl Into<Ex<'_>>, key_hash: &str) -> sqlx::Result<Option<TerminalRecord>> {
    on!(ex, |ex| {
        sqlx::query_as(&format!("{RECORD} WHERE key_hash = $1"))
            .bind(key_hash)
            .fetch_optional(ex)
            .await
    })
}

/// Enrols terminal `id`: its code is used up and its key recorded. `false` when the code was
/// used meanwhile or the terminal revoked.
pub async fn enrol(
    ex: impl Into<Ex<'_>>,
    id: i64,
    key_hash: &str,
    app_version: &str,
    now: Timestamp,
) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE terminals SET key_hash = $1, code_hash = NULL, code_expires_at = NULL,
             enrolled_at = $2, last_seen_at = $2, app_version = $3
         WHERE id = $4 AND code_hash IS NOT NULL AND revoked_at IS NULL",
        )
        .bind(key_hash)
        .bind(now)
        .bind(app_version)
        .bind(id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Adds an already-enrolled terminal (the desktop that set the business up); returns its id.
pub async fn insert_enrolled(
    ex: impl Into<Ex<'_>>,
    name: &str,
    key_hash: &str,
    created_by: i64,
    now: Timestamp,
) -> sqlx::Result<i64> {
    on!(ex, |ex| {
        sqlx::query_scalar(
            "INSERT INTO terminals (name, profile, key_hash, enrolled_at, last_seen_at, created_by, created_at)
         VALUES ($1, 'staff', $2, $3, $3, $4, $3) RETURNING id",
        )
        .bind(name)
        .bind(key_hash)
        .bind(now)
        .bind(created_by)
        .fetch_one(ex)
        .await
    })
}

/// Records that terminal `id` was seen now, running `app_version` if it said so.
pub async fn touch(
    ex: impl Into<Ex<'_>>,
    id: i64,
    app_version: Option<&str>,
    now: Timestamp,
) -> sqlx::Result<()> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE terminals SET last_seen_at = $1, app_version = COALESCE($3, app_version) WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .bind(app_version)
        .execute(ex)
        .await
        .map(|_| ())
    })
}

/// Revokes terminal `id`; `false` if it does not exist or was revoked already.
pub async fn revoke(ex: impl Into<Ex<'_>>, id: i64, now: Timestamp) -> sqlx::Result<bool> {
    on!(ex, |ex| {
        sqlx::query(
            "UPDATE terminals SET revoked_at = $1, code_hash = NULL, code_expires_at = NULL
         WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// A terminal as the admin's list shows it.
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
pub struct TerminalRow {
    pub id: i64,
    pub name: String,
    pub profile: TerminalProfile,
    /// When its enrolment code stops working (while it waits for enrolment).
    pub code_expires_at: Option<Timestamp>,
    pub enrolled_at: Option<Timestamp>,
    pub last_seen_at: Option<Timestamp>,
    pub app_version: Option<String>,
    pub revoked_at: Option<Timestamp>,
    /// Who is signed in there now (full names), if anyone.
    pub signed_in: Option<String>,
}

/// Every terminal, revoked ones last.
pub async fn list(ex: impl Into<Ex<'_>>) -> sqlx::Result<Vec<TerminalRow>> {
    on!(ex, |ex| {
        sqlx::query_as(
            "SELECT t.id, t.name, t.profile, t.code_expires_at, t.enrolled_at, t.last_seen_at,
                t.app_version, t.revoked_at,
                (SELECT string_agg(u.full_name, ', ') FROM sessions s
                 JOIN users u ON u.id = s.user_id
                 WHERE s.terminal_id = t.id AND s.ended_at IS NULL) AS signed_in
         FROM terminals t
         ORDER BY t.revoked_at IS NOT NULL, t.name, t.id",
        )
        .fetch_all(ex)
        .await
    })
}
