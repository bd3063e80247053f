//! The figures on each role's home page, from aggregate queries.

use crate::domain::{RequestStatus, Role, UserStatus, VerificationStatus};
use crate::error::{AppError, AppResult};
use crate::session::Actor;
use crate::store;
use crate::App;
use serde::{Deserialize, Serialize};
use specta::Type;

/// One figure on a home page.
#[derive(Debug, Clone, Serialize, Deserialize, Type, PartialEq, Eq, schemars::JsonSchema)]
pub struct SummaryCard {
    /// Stable identifier (tests and UI icons key on it).
    pub key: String,
    pub label: String,
    pub value: i64,
    pub hint: String,
}

/// A role's home page figures.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct HomeSummary {
    pub role: Role,
    pub cards: Vec<SummaryCard>,
}

fn card(key: &str, label: &str, value: i64, hint: &str) -> SummaryCard {
    SummaryCard {
        key: key.into(),
        label: label.into(),
        value,
        hint: hint.into(),
    }
}

/// The acting user's home figures; each role sees only its own.
pub async fn summary(app: &App, actor: &Actor) -> AppResult<HomeSummary> {
    let pool = &app.pool;
    let cards = match actor.role {
        Role::Admin => vec![
            card(
                "customers",
                "Active customers",
                store::users::count_by_role_status(pool, Role::Customer, UserStatus::Active)
                    .await?,
                "Customers who can book",
            ),
            card(
                "approved_professionals",
                "Approved professionals",
                store::professionals::count_by_verification(pool, VerificationStatus::Approved)
                    .await?,
                "Verified and able to take jobs",
            ),
            card(
                "pending_professionals",
                "Awaiting approval",
                store::professionals::count_by_verification(pool, VerificationStatus::Pending)
                    .await?,
                "Documents to check",
            ),
            card(
                "active_services",
                "Active services",
                store::services::count_active(pool).await?,
                "In the catalogue",
            ),
            card(
                "open_requests",
                "Open requests",
                store::requests::count_by_status(pool, RequestStatus::Requested).await?,
                "Waiting for a professional",
            ),
            card(
                "assigned_requests",
                "Jobs in progress",
                store::requests::count_by_status(pool, RequestStatus::Assigned).await?,
                "Assigned, not yet completed",
            ),
        ],
        Role::Customer => {
            let id = actor.user_id;
            vec![
                card(
                    "open_requests",
                    "Open requests",
                    store::requests::count_for_customer(pool, id, RequestStatus::Requested).await?,
                    "Waiting for a professional",
                ),
                card(
                    "assigned_requests",
                    "Assigned",
                    store::requests::count_for_customer(pool, id, RequestStatus::Assigned).await?,
                    "A professional is on it",
                ),
                card(
                    "completed_requests",
                    "To review",
                    store::requests::count_for_customer(pool, id, RequestStatus::Completed).await?,
                    "Completed: close them with a review",
                ),
                card(
                    "closed_requests",
                    "Closed",
                    store::requests::count_for_customer(pool, id, RequestStatus::Closed).await?,
                    "Finished jobs",
                ),
            ]
        }
        Role::Professional => {
            let id = actor.user_id;
            let (service_id, pincode) = store::professionals::service_area(pool, id)
                .await?
                .ok_or_else(|| AppError::internal(format!("professional {id} has no profile")))?;
            let (_, reviews) = store::reviews::professional_rating(pool, id).await?;
            vec![
                card(
                    "feed_requests",
                    "Open in your area",
                    store::requests::count_open_for_area(pool, id, service_id, &pincode).await?,
                    "Requests you can accept",
                ),
                card(
                    "assigned_requests",
                    "Assigned to you",
                    store::requests::count_for_professional(pool, id, RequestStatus::Assigned)
                        .await?,
                    "Jobs to complete",
                ),
                card(
                    "completed_requests",
                    "Completed",
                    store::requests::count_for_professional(pool, id, RequestStatus::Completed)
                        .await?,
                    "Waiting for the customer to close",
                ),
                card("reviews", "Reviews", reviews, "Ratings from customers"),
            ]
        }
    };
    Ok(HomeSummary {
        role: actor.role,
        cards,
    })
}
