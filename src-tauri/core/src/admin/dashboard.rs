//! The admin dashboard, from aggregate queries.

use crate::clock::local_day_start;
use crate::domain::{Role, VerificationStatus};
use crate::error::AppResult;
use crate::session::Actor;
use crate::store::{
    self,
    dashboard::{LabelCount, ServiceStat},
};
use crate::App;
use crate::Timestamp;
use chrono::{Duration, FixedOffset};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Days shown on the requests-per-day chart.
pub const DAYS: i64 = 30;

/// Everything on the dashboard.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct Dashboard {
    /// Every status, zero included.
    pub by_status: Vec<LabelCount>,
    /// The last 30 local days (today included), zero days included, oldest first.
    pub per_day: Vec<LabelCount>,
    pub top_services: Vec<ServiceStat>,
    pub rating_avg: Option<f64>,
    pub rating_count: i64,
    pub pending_professionals: i64,
}

/// The dashboard figures.
pub async fn get(app: &App, actor: &Actor, offset: FixedOffset) -> AppResult<Dashboard> {
    actor.require(Role::Admin)?;
    // Days are the terminal's local days, like every date the UI shows.
    let today = app.clock.local_today();
    let first = today - Duration::days(DAYS - 1);
    let counted = store::dashboard::by_status(&app.pool).await?;
    let by_status = crate::domain::RequestStatus::ALL
        .iter()
        .map(|s| LabelCount {
            label: s.as_str().to_string(),
            count: counted
                .iter()
                .find(|c| c.label == s.as_str())
                .map_or(0, |c| c.count),
        })
        .collect();
    let days = store::dashboard::per_day(
        &app.pool,
        Timestamp::from(local_day_start(first, offset)),
        offset.local_minus_utc() / 60,
    )
    .await?;
    let per_day = (0..DAYS)
        .map(|i| {
            let label = (first + Duration::days(i)).format("%Y-%m-%d").to_string();
            let count = days
                .iter()
                .find(|d| d.label == label)
                .map_or(0, |d| d.count);
            LabelCount { label, count }
        })
        .collect();
    let (rating_avg, rating_count) = store::dashboard::overall_rating(&app.pool).await?;
    Ok(Dashboard {
        by_status,
        per_day,
        top_services: store::dashboard::top_services(&app.pool, 5).await?,
        rating_avg,
        rating_count,
        pending_professionals: store::professionals::count_by_verification(
            &app.pool,
            VerificationStatus::Pending,
        )
        .await?,
    })
}
