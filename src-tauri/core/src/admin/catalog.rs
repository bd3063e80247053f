//! The service catalogue: create, edit, (de)activate, delete when unused.

use crate::domain::{optional_text, Role};
use crate::error::{ensure, AllValid, AppError, AppResult};
use crate::session::Actor;
use crate::store::{self, services::ServiceAdminRow};
use crate::App;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Most a service may cost: 10 million in major units (a typo guard, not a business rule).
pub const MAX_PRICE_MINOR: i64 = 1_000_000_000;

/// The service form.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct ServiceInput {
    pub name: String,
    pub description: String,
    /// Base price in minor units (paise/cents).
    pub base_price_minor: i64,
    pub estimated_minutes: u32,
}

struct ValidService {
    name: String,
    description: String,
    price: i64,
    minutes: i64,
}

fn service_name(raw: &str) -> AppResult<String> {
    let name = raw.trim();
    if name.chars().count() < 2 || name.chars().count() > 80 {
        return Err(AppError::validation(
            "name",
            "The service name must be 2 to 80 characters.",
        ));
    }
    ensure(
        !name.chars().any(char::is_control),
        "name",
        "The service name contains characters that are not allowed.",
    )?;
    Ok(name.to_string())
}

fn validate(input: &ServiceInput) -> AppResult<ValidService> {
    let (name, description, (), ()) = (
        service_name(&input.name),
        optional_text("description", &input.description, "Description", 1000),
        ensure(
            (0..=MAX_PRICE_MINOR).contains(&input.base_price_minor),
            "base_price_minor",
            "The base price must be between 0 and 10,000,000.",
        ),
        ensure(
            (5..=24 * 60).contains(&input.estimated_minutes),
            "estimated_minutes",
            "The estimated time must be between 5 minutes and 24 hours.",
        ),
    )
        .all_valid()?;
    Ok(ValidService {
        name,
        description,
        price: input.base_price_minor,
        minutes: i64::from(input.estimated_minutes),
    })
}

/// Every service with usage figures (inactive ones included).
pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<ServiceAdminRow>> {
    actor.require(Role::Admin)?;
    Ok(store::services::list_all(&app.pool).await?)
}

/// Creates a service; names are unique regardless of case.
pub async fn create(app: &App, actor: &Actor, input: ServiceInput) -> AppResult<i64> {
    actor.require(Role::Admin)?;
    let v = validate(&input)?;
    let mut tx = app.write_tx().await?;
    if store::services::name_taken(&mut tx, &v.name, None).await? {
        return Err(AppError::validation(
            "name",
            "A service with this name already exists.",
        ));
    }
    let now = app.now();
    let id =
        store::services::insert(&mut tx, &v.name, &v.description, v.price, v.minutes, now).await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "service.created",
        "service",
        Some(id),
        &v.name,
        now,
    )
    .await?;
    crate::live::catalog_changed(&mut tx, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Edits a service.
pub async fn update(app: &App, actor: &Actor, id: i64, input: ServiceInput) -> AppResult<()> {
    actor.require(Role::Admin)?;
    let v = validate(&input)?;
    let mut tx = app.write_tx().await?;
    if store::services::find(&mut tx, id).await?.is_none() {
        return Err(AppError::NotFound("That service does not exist.".into()));
    }
    if store::services::name_taken(&mut tx, &v.name, Some(id)).await? {
        return Err(AppError::validation(
            "name",
            "A service with this name already exists.",
        ));
    }
    let now = app.now();
    store::services::update(
        &mut tx,
        id,
        &v.name,
        &v.description,
        v.price,
        v.minutes,
        now,
    )
    .await?;
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "service.updated",
        "service",
        Some(id),
        &v.name,
        now,
    )
    .await?;
    crate::live::catalog_changed(&mut tx, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Hides a service from customers (kept for history and reports) or shows it again.
pub async fn set_active(app: &App, actor: &Actor, id: i64, active: bool) -> AppResult<()> {
    actor.require(Role::Admin)?;
    let mut tx = app.write_tx().await?;
    let Some((name, was_active)) = store::services::find(&mut tx, id).await? else {
        return Err(AppError::NotFound("That service does not exist.".into()));
    };
    if was_active == active {
        return Ok(());
    }
    let now = app.now();
    store::services::set_active(&mut tx, id, active, now).await?;
    let action = if active {
        "service.activated"
    } else {
        "service.deactivated"
    };
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        action,
        "service",
        Some(id),
        &name,
        now,
    )
    .await?;
    crate::live::catalog_changed(&mut tx, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a service that has never been used; one with history must be deactivated instead.
pub async fn delete(app: &App, actor: &Actor, id: i64) -> AppResult<()> {
    actor.require(Role::Admin)?;
    let mut tx = app.write_tx().await?;
    let Some((name, _)) = store::services::find(&mut tx, id).await? else {
        return Err(AppError::NotFound("That service does not exist.".into()));
    };
    if store::services::delete_unused(&mut tx, id).await? == 0 {
        return Err(AppError::Conflict(format!(
            "\"{name}\" has requests or professionals on record, so it cannot be deleted. Deactivate it instead: it will be hidden from customers and kept for reports."
        )));
    }
    let now = app.now();
    store::audit::append(
        &mut tx,
        Some(actor.user_id),
        "service.deleted",
        "service",
        Some(id),
        &name,
        now,
    )
    .await?;
    crate::live::catalog_changed(&mut tx, now).await?;
    tx.commit().await?;
    Ok(())
}
