//! Admin workflows: service catalogue, people (verification, blocking), request oversight and
//! the dashboard. Every function starts with the admin role check: deny by default.

pub mod backups;
pub mod catalog;
pub mod dashboard;
pub mod people;
pub mod requests;

use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};
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
#[derive(Debug, Clone, Serialize, Deserialize, Type, PartialEq, Eq, schemars::JsonSchema)]
pub struct PageInfo {
    pub page: u32,
    pub per_page: u32,
    /// Matching rows; a lower bound when `total_is_capped`.
    pub total: i64,
    /// The count stopped at a cap (huge result sets are not counted to the end).
    pub total_is_capped: bool,
}

impl PageInfo {
    pub(crate) fn new(page: u32, per_page: u32, total: i64) -> Self {
        PageInfo {
            page: page.max(1),
            per_page: per_page.clamp(1, MAX_PER_PAGE),
            total,
            total_is_capped: false,
        }
    }

    /// Page info for a count that stops at `cap + 1`.
    pub(crate) fn capped(page: u32, per_page: u32, counted: i64, cap: i64) -> Self {
        PageInfo {
            total: counted.min(cap),
            total_is_capped: counted > cap,
            ..PageInfo::new(page, per_page, counted)
        }
    }
}

/// Finishes a list fetched with one extra row (`limit + 1`): trims it to the page and says
/// whether more follow, without counting every match.
pub(crate) fn trim_page<T>(
    mut items: Vec<T>,
    page: u32,
    per_page: u32,
    limit: i64,
    offset: i64,
) -> (Vec<T>, PageInfo, bool) {
    let has_more = items.len() as i64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let shown = offset + items.len() as i64;
    (
        items,
        PageInfo::new(page, per_page, shown + i64::from(has_more)),
        has_more,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_extra_row_means_more_pages() {
        let (items, page, more) = trim_page(vec![1, 2, 3], 1, 2, 2, 0);
        assert_eq!((items, more, page.total), (vec![1, 2], true, 3));
        let (items, page, more) = trim_page(vec![5], 3, 2, 2, 4);
        assert_eq!((items, more, page.total), (vec![5], false, 5));
        assert_eq!(limit_offset(0, 500), (100, 0), "page and size are bounded");
    }
}
