//! A small, realistic demo data set: services, approved and pending professionals, customers
//! and requests in every status, so a newcomer can explore every role at once.

use crate::documents::{self, DocumentUpload};
use crate::domain::{RequestStatus, Role, VerificationStatus};
use crate::error::{AppError, AppResult};
use crate::session::Actor;
use crate::store::{self, users::NewUser};
use crate::Timestamp;
use crate::{password, App};
use base64::Engine;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use specta::Type;

/// The password of every demo account (shown in the UI and the README; demo data only).
pub const DEMO_PASSWORD: &str = "demo-password-2026";

/// One demo login.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub note: String,
}

/// What was created.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct DemoSummary {
    pub services: u32,
    pub professionals: u32,
    pub customers: u32,
    pub requests: u32,
    pub demo_password: String,
    pub accounts: Vec<DemoAccount>,
}

/// A minimal but valid one-page PDF standing in for an uploaded certificate.
const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

const SERVICES: &[(&str, &str, i64, i64)] = &[
    (
        "Plumbing",
        "Leaks, taps, blocked drains and fittings.",
        49_900,
        60,
    ),
    (
        "Electrical repairs",
        "Switches, wiring faults, fans and lights.",
        59_900,
        60,
    ),
    (
        "Home deep cleaning",
        "Kitchen, bathrooms and living areas, top to bottom.",
        249_900,
        240,
    ),
    (
        "AC servicing",
        "Filter cleaning, gas check and cooling tune-up.",
        89_900,
        90,
    ),
    (
        "Carpentry",
        "Furniture repair, doors, hinges and shelves.",
        69_900,
        90,
    ),
    (
        "Pest control",
        "Cockroach, ant and termite treatment.",
        129_900,
        120,
    ),
];

// (username, full name, service index, pincode, years, verification)
const PROFESSIONALS: &[(&str, &str, usize, &str, i64, VerificationStatus)] = &[
    (
        "ravi.k",
        "Ravi Kumar",
        0,
        "560001",
        8,
        VerificationStatus::Approved,
    ),
    (
        "meena.s",
        "Meena Sharma",
        1,
        "560001",
        5,
        VerificationStatus::Approved,
    ),
    (
        "arjun.n",
        "Arjun Nair",
        2,
        "560034",
        3,
        VerificationStatus::Approved,
    ),
    (
        "farah.a",
        "Farah Ali",
        3,
        "560001",
        6,
        VerificationStatus::Approved,
    ),
    (
        "kiran.r",
        "Kiran Rao",
        4,
        "560034",
        2,
        VerificationStatus::Pending,
    ),
    (
        "sanjay.p",
        "Sanjay Patil",
        5,
        "560001",
        10,
        VerificationStatus::Pending,
    ),
    (
        "deepa.m",
        "Deepa Menon",
        0,
        "560034",
        1,
        VerificationStatus::Rejected,
    ),
];

// (username, full name, pincode, address)
const CUSTOMERS: &[(&str, &str, &str, &str)] = &[
    ("anita.d", "Anita Desai", "560001", "12 MG Road, Bengaluru"),
    (
        "rahul.v",
        "Rahul Verma",
        "560001",
        "45 Residency Road, Bengaluru",
    ),
    (
        "priya.s",
        "Priya Singh",
        "560034",
        "7 Koramangala 5th Block, Bengaluru",
    ),
    (
        "vikram.j",
        "Vikram Joshi",
        "560034",
        "88 Koramangala 1st Block, Bengaluru",
    ),
    (
        "neha.g",
        "Neha Gupta",
        "560001",
        "3 Brigade Road, Bengaluru",
    ),
];

// (customer index, service index, status, days ago created, rating)
const REQUESTS: &[(usize, usize, RequestStatus, i64, Option<i64>)] = &[
    (0, 0, RequestStatus::Closed, 20, Some(5)),
    (1, 1, RequestStatus::Closed, 18, Some(4)),
    (2, 2, RequestStatus::Closed, 15, Some(5)),
    (4, 3, RequestStatus::Closed, 12, Some(3)),
    (0, 1, RequestStatus::Completed, 6, None),
    (3, 2, RequestStatus::Completed, 5, None),
    (1, 0, RequestStatus::Assigned, 3, None),
    (4, 3, RequestStatus::Assigned, 2, None),
    (0, 3, RequestStatus::Requested, 1, None),
    (1, 0, RequestStatus::Requested, 1, None),
    (2, 2, RequestStatus::Requested, 0, None),
    (3, 4, RequestStatus::Requested, 0, None),
    (4, 1, RequestStatus::Cancelled, 9, None),
    (2, 5, RequestStatus::Rejected, 11, None),
    (3, 0, RequestStatus::Expired, 10, None),
];

/// True when the database holds no business data (no services, no non-admin users).
pub async fn is_available(app: &App) -> AppResult<bool> {
    Ok(store::users::business_data_count(&app.pool).await? == 0)
}

/// Loads the demo data for a signed-in admin.
pub async fn load_for_admin(app: &App, actor: &Actor) -> AppResult<DemoSummary> {
    actor.require(Role::Admin)?;
    seed(app, Some(actor.user_id)).await
}

/// Loads the demo data into an empty database (also used by the `--demo` start-up flag).
pub async fn seed(app: &App, admin_id: Option<i64>) -> AppResult<DemoSummary> {
    if !is_available(app).await? {
        return Err(AppError::Conflict(
            "Demo data can only be loaded into an empty database (no services or users yet)."
                .into(),
        ));
    }
    let hash = password::hash(DEMO_PASSWORD.to_string()).await?;
    let document = documents::check(&DocumentUpload {
        file_name: "certificate.pdf".into(),
        content_base64: base64::engine::general_purpose::STANDARD.encode(DEMO_PDF),
    })?;
    documents::store(&app.documents_dir(), &document).await?;

    let now = app.clock.now();
    let stamp = Timestamp::from(now);
    let mut accounts = Vec::new();
    let mut tx = app.write_tx().await?;

    let mut service_ids = Vec::new();
    for (name, description, price, minutes) in SERVICES {
        service_ids.push(
            store::services::insert(&mut tx, name, description, *price, *minutes, stamp).await?,
        );
    }

    let mut pro_ids = Vec::new();
    for (username, full_name, service, pincode, years, verification) in PROFESSIONALS {
        let email = format!("{username}@demo.example.com");
        let id = store::users::insert(
            &mut tx,
            &NewUser {
                username,
                email: &email,
                full_name,
                password_hash: &hash,
                role: Role::Professional,
                now: stamp,
            },
        )
        .await?;
        let phone = format!("98450{:05}", id);
        store::professionals::insert(
            &mut tx,
            &store::professionals::NewProfessional {
                user_id: id,
                service_id: service_ids[*service],
                experience_years: *years,
                description: "Demo professional: punctual, tidy, brings own tools.",
                phone: &phone,
                pincode,
                document_sha256: &document.sha256,
                document_mime: document.mime,
                document_name: "certificate.pdf",
                document_size: i64::try_from(document.bytes.len()).map_err(AppError::internal)?,
                now: stamp,
            },
        )
        .await?;
        if *verification != VerificationStatus::Pending {
            let note = (*verification == VerificationStatus::Rejected)
                .then_some("The certificate could not be verified.");
            store::professionals::set_verification(
                &mut tx,
                id,
                *verification,
                note,
                admin_id,
                stamp,
            )
            .await?;
        }
        pro_ids.push((id, *service, *pincode));
        accounts.push(DemoAccount {
            username: username.to_string(),
            role: Role::Professional,
            note: format!("{} — {}, {}", SERVICES[*service].0, pincode, verification),
        });
    }

    let mut customer_ids = Vec::new();
    for (username, full_name, pincode, address) in CUSTOMERS {
        let email = format!("{username}@demo.example.com");
        let id = store::users::insert(
            &mut tx,
            &NewUser {
                username,
                email: &email,
                full_name,
                password_hash: &hash,
                role: Role::Customer,
                now: stamp,
            },
        )
        .await?;
        let phone = format!("99000{:05}", id);
        store::customers::insert(&mut tx, id, &phone, address, pincode).await?;
        customer_ids.push((id, *pincode, *address));
        accounts.push(DemoAccount {
            username: username.to_string(),
            role: Role::Customer,
            note: format!("Customer in {pincode}"),
        });
    }

    for (customer, service, status, days_ago, rating) in REQUESTS {
        let (customer_id, pincode, address) = customer_ids[*customer];
        // An approved professional of that service, if the demo has one.
        let pro = pro_ids
            .iter()
            .zip(PROFESSIONALS)
            .find(|((_, s, _), p)| s == service && p.5 == VerificationStatus::Approved)
            .map(|((id, _, _), _)| *id);
        let created = now - Duration::days(*days_ago) - Duration::hours(3);
        let t = |h: i64| Timestamp::from(created + Duration::hours(h));
        let scheduled = Timestamp::from(
            (created + Duration::days(2))
                .date_naive()
                .and_hms_opt(10, 0, 0)
                .map(|d| d.and_utc())
                .unwrap_or(created),
        );
        let needs_pro = matches!(
            *status,
            RequestStatus::Assigned | RequestStatus::Completed | RequestStatus::Closed
        );
        let professional_id = if needs_pro { pro } else { None };
        if needs_pro && professional_id.is_none() {
            continue;
        }
        let (assigned, completed, closed, cancelled) = (t(2), t(30), t(40), t(5));
        // How far along the happy path (requested → assigned → completed → closed) it got.
        let order = [
            RequestStatus::Requested,
            RequestStatus::Assigned,
            RequestStatus::Completed,
            RequestStatus::Closed,
        ];
        let reached = |s: RequestStatus| -> bool {
            let (a, b) = (
                order.iter().position(|x| *x == s),
                order.iter().position(|x| x == status),
            );
            matches!((a, b), (Some(a), Some(b)) if a <= b)
        };
        let id = store::requests::insert(
            &mut tx,
            &store::requests::NewRequest {
                service_id: service_ids[*service],
                customer_id,
                professional_id,
                status: *status,
                scheduled_for: scheduled,
                address,
                pincode,
                remarks: "Demo request — please call before arriving.",
                created_at: t(0),
                assigned_at: reached(RequestStatus::Assigned).then_some(assigned),
                completed_at: reached(RequestStatus::Completed).then_some(completed),
                closed_at: reached(RequestStatus::Closed).then_some(closed),
                cancelled_at: (*status == RequestStatus::Cancelled).then_some(cancelled),
                client_key: None,
            },
        )
        .await?
        .ok_or_else(|| AppError::internal("demo service is not active"))?;
        store::requests::append_event(
            &mut tx,
            id,
            Some(customer_id),
            None,
            RequestStatus::Requested,
            None,
            t(0),
        )
        .await?;
        let mut from = RequestStatus::Requested;
        for (step, at, actor) in [
            (RequestStatus::Assigned, &assigned, professional_id),
            (RequestStatus::Completed, &completed, professional_id),
            (RequestStatus::Closed, &closed, Some(customer_id)),
        ] {
            if reached(step) {
                store::requests::append_event(&mut tx, id, actor, Some(from), step, None, *at)
                    .await?;
                from = step;
            }
        }
        match *status {
            RequestStatus::Cancelled => {
                store::requests::append_event(
                    &mut tx,
                    id,
                    Some(customer_id),
                    Some(RequestStatus::Requested),
                    RequestStatus::Cancelled,
                    Some("Plans changed"),
                    cancelled,
                )
                .await?;
            }
            RequestStatus::Rejected => {
                store::requests::append_event(
                    &mut tx,
                    id,
                    None,
                    Some(RequestStatus::Requested),
                    RequestStatus::Rejected,
                    Some("No professional available in this area"),
                    t(48),
                )
                .await?;
            }
            RequestStatus::Expired => {
                store::requests::append_event(
                    &mut tx,
                    id,
                    None,
                    Some(RequestStatus::Requested),
                    RequestStatus::Expired,
                    Some("No professional accepted it before its visit time"),
                    scheduled,
                )
                .await?;
            }
            RequestStatus::Assigned => {
                crate::completion::issue(&mut tx, id).await?;
            }
            _ => {}
        }
        if let Some(r) = rating {
            store::reviews::set_job_review(
                &mut tx,
                id,
                *r,
                Some("Demo review: arrived on time and did a neat job."),
                closed,
            )
            .await?;
            store::reviews::set_customer_rating(
                &mut tx,
                id,
                5,
                Some("Polite and clear about the problem."),
                completed,
            )
            .await?;
            if let Some(pro) = professional_id {
                store::reviews::add_job_rating(&mut tx, service_ids[*service], pro, *r).await?;
            }
            store::reviews::add_customer_rating(&mut tx, customer_id, 5).await?;
        }
    }
    store::audit::append(&mut tx, admin_id, "demo.loaded", "system", None, "", stamp).await?;
    tx.commit().await?;

    let requests = store::requests::count_all(&app.pool).await?;
    Ok(DemoSummary {
        services: SERVICES.len() as u32,
        professionals: PROFESSIONALS.len() as u32,
        customers: CUSTOMERS.len() as u32,
        requests: u32::try_from(requests).unwrap_or(0),
        demo_password: DEMO_PASSWORD.to_string(),
        accounts,
    })
}
