//! Admin workflows: service catalogue, people (verification, blocking), request oversight and
//! the dashboard. Every function starts with the admin role check: deny by default.

pub mod catalog;
pub mod dashboard;
pub mod people;
pub mod requests;

use crate::error::{AppError, AppResult};
use serde::Serialize;
use specta::Type;

/// Largest page the admin lists serve.
pub const MAX_PER_PAGE: u32 = 100;

/// Turns a 1-based page and a page size into SQL `LIMIT`/`OFFSET`, bounded.
pub(crate) fn limit_offset(page: u32, per_page: u32) -> (i64, i64) {
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let page = page.max(1);
    (
        i64::from(per_page),
        i64::from(page - 1) * i64::from(per_page),
    )
}

/// A reason an admin gives (rejection, block): required, 3-500 characters.
pub(crate) fn reason(raw: &str) -> AppResult<String> {
    let r = raw.trim();
    if r.chars().count() < 3 {
        return Err(AppError::validation(
            "reason",
            "Please give a reason (at least 3 characters).",
        ));
    }
    if r.chars().count() > 500 {
        return Err(AppError::validation(
            "reason",
            "The reason must be at most 500 characters.",
        ));
    }
    Ok(r.to_string())
}

/// Paging information returned with every list.
#[derive(Debug, Clone, Serialize, Type, PartialEq, Eq)]
pub struct PageInfo {
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

impl PageInfo {
    pub(crate) fn new(page: u32, per_page: u32, total: i64) -> Self {
        PageInfo {
            page: page.max(1),
            per_page: per_page.clamp(1, MAX_PER_PAGE),
            total,
        }
    }
}
