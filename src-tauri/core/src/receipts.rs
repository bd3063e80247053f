//! Receipts: a completed job's extra line items (parts, extra time) added by its
//! professional, the total the customer accepts when closing, the payment they record, and
//! the receipt issued in the closing transaction with a number that runs without gaps.
//! No payment gateway: the method and its reference are recorded, nothing is charged.

use crate::domain::{RequestStatus, Role};
use crate::error::{AppError, AppResult};
use crate::session::Actor;
use crate::store::{self, receipts::ReceiptLine, receipts::ReceiptRow};
use crate::timestamp::Timestamp;
use crate::App;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Most extra line items on one job.
pub const MAX_EXTRAS: usize = 20;
/// The largest amount of one line, in minor units (₹10,00,000.00).
pub const MAX_LINE_MINOR: i64 = 100_000_000;
/// What a receipt says when the business has not set its name.
pub const DEFAULT_BUSINESS_NAME: &str = "Household Services";

/// How the customer paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    /// A UPI transfer (its transaction reference is recorded).
    Upi,
    /// A card payment on the professional's terminal (its reference is recorded).
    Card,
}

impl PaymentMethod {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Upi => "upi",
            PaymentMethod::Card => "card",
        }
    }

    /// A stored name read back.
    pub fn parse(text: &str) -> Option<PaymentMethod> {
        [PaymentMethod::Cash, PaymentMethod::Upi, PaymentMethod::Card]
            .into_iter()
            .find(|m| m.as_str() == text)
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "Cash",
            PaymentMethod::Upi => "UPI",
            PaymentMethod::Card => "Card",
        }
    }
}

/// What the customer confirms when closing: the total they saw and how they paid.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct Payment {
    pub method: PaymentMethod,
    /// The UPI or card reference; empty for cash.
    pub reference: String,
    /// The total the customer was shown and accepts, in minor units.
    pub accepted_total_minor: i64,
}

/// What a completed job costs: the booked price plus the professional's extra lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct Bill {
    pub base_minor: i64,
    pub extras: Vec<ReceiptLine>,
    pub total_minor: i64,
}

/// An issued receipt, as shown, printed and saved as PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct Receipt {
    pub number: i64,
    pub request_id: i64,
    pub issued_at: Timestamp,
    pub business_name: String,
    pub business_address: String,
    pub customer_name: String,
    pub professional_name: String,
    pub service_name: String,
    pub visit_at: Timestamp,
    /// The service at its booked price first, then the extras.
    pub lines: Vec<ReceiptLine>,
    pub total_minor: i64,
    pub payment_method: PaymentMethod,
    pub payment_reference: String,
}

/// Checks extra line items: every problem named under `extras`.
pub fn validate_extras(items: &[ReceiptLine]) -> AppResult<Vec<ReceiptLine>> {
    if items.len() > MAX_EXTRAS {
        return Err(AppError::validation(
            "extras",
            format!("At most {MAX_EXTRAS} extra items can be added to a job."),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let description = crate::domain::optional_text(
                "extras",
                &item.description,
                &format!("Item {}'s description", i + 1),
                200,
            )?;
            if description.is_empty() {
                return Err(AppError::validation(
                    "extras",
                    format!("Item {} needs a description (e.g. \"Washer\").", i + 1),
                ));
            }
            if !(1..=MAX_LINE_MINOR).contains(&item.amount_minor) {
                return Err(AppError::validation(
                    "extras",
                    format!(
                        "Item {}'s amount must be more than zero and at most ₹10,00,000.",
                        i + 1
                    ),
                ));
            }
            Ok(ReceiptLine {
                description,
                amount_minor: item.amount_minor,
            })
        })
        .collect()
}

/// A request's bill as it stands.
pub async fn bill(ex: &mut store::Ex<'_>, request_id: i64) -> AppResult<Bill> {
    let record = store::requests::find(ex.reborrow(), request_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That request does not exist.".into()))?;
    let extras = store::receipts::extras(ex.reborrow(), request_id).await?;
    let total_minor = record.price_minor + extras.iter().map(|l| l.amount_minor).sum::<i64>();
    Ok(Bill {
        base_minor: record.price_minor,
        extras,
        total_minor,
    })
}

/// The signed-in professional replaces the extra items of their completed job (until the
/// customer closes it).
pub async fn set_extras(
    app: &App,
    actor: &Actor,
    request_id: i64,
    items: Vec<ReceiptLine>,
) -> AppResult<Bill> {
    actor.require(Role::Professional)?;
    let items = validate_extras(&items)?;
    let mut tx = app.write_tx().await?;
    let state = store::requests::state(&mut tx, request_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That request does not exist.".into()))?;
    if state.professional_id != Some(actor.user_id) {
        return Err(AppError::Forbidden(
            "This job is not assigned to you.".into(),
        ));
    }
    if state.status != RequestStatus::Completed {
        return Err(AppError::Conflict(format!(
            "This job is {}: extra items can be changed after completing it and until the customer closes it.",
            state.status.as_str()
        )));
    }
    let now = app.now();
    store::receipts::replace_extras(&mut tx, request_id, &items, now).await?;
    crate::live::request_changed(&mut tx, request_id, now).await?;
    tx.commit().await?;
    bill(&mut store::Ex::from(&app.pool), request_id).await
}

/// Checks the customer's payment against the bill, inside the closing transaction.
pub(crate) fn check_payment(payment: &Payment, bill: &Bill) -> AppResult<String> {
    let reference = payment.reference.trim().to_owned();
    if payment.method != PaymentMethod::Cash {
        if reference.is_empty() {
            return Err(AppError::validation(
                "reference",
                format!(
                    "Enter the {} reference of the payment.",
                    payment.method.label()
                ),
            ));
        }
        if reference.chars().count() > 64 || reference.chars().any(char::is_control) {
            return Err(AppError::validation(
                "reference",
                "The payment reference must be at most 64 characters.",
            ));
        }
    }
    if payment.accepted_total_minor != bill.total_minor {
        return Err(AppError::Conflict(format!(
            "The total of this job is now {}: check it and close again.",
            rupees(bill.total_minor)
        )));
    }
    Ok(if payment.method == PaymentMethod::Cash {
        String::new()
    } else {
        reference
    })
}

/// Issues the receipt of a request being closed, inside the closing transaction; returns
/// its number.
pub(crate) async fn issue(
    app: &App,
    tx: &mut store::Tx,
    request_id: i64,
    bill: &Bill,
    method: PaymentMethod,
    reference: &str,
) -> AppResult<i64> {
    let record = store::requests::find(&mut *tx, request_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That request does not exist.".into()))?;
    let settings = crate::settings::current_in(&mut *tx).await?;
    let number = store::receipts::next_number(&mut *tx).await?;
    let name = settings.business_name.trim();
    store::receipts::insert(
        &mut *tx,
        &ReceiptRow {
            number,
            request_id,
            issued_at: app.now(),
            business_name: if name.is_empty() {
                DEFAULT_BUSINESS_NAME.to_owned()
            } else {
                name.to_owned()
            },
            business_address: settings.business_address.trim().to_owned(),
            customer_name: record.customer_name,
            professional_name: record.professional_name.unwrap_or_default(),
            service_name: record.service_name,
            visit_at: record.scheduled_for,
            base_minor: bill.base_minor,
            extras_minor: bill.total_minor - bill.base_minor,
            total_minor: bill.total_minor,
            payment_method: method.as_str().to_owned(),
            payment_reference: reference.to_owned(),
        },
    )
    .await?;
    Ok(number)
}

async fn load(app: &App, request_id: i64) -> AppResult<Receipt> {
    let row = store::receipts::for_request(&app.pool, request_id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(
                "This request has no receipt yet: it gets one when it is closed.".into(),
            )
        })?;
    let extras = store::receipts::extras(&app.pool, request_id).await?;
    Ok(to_receipt(row, extras))
}

/// A stored receipt with its extra lines, as shown.
pub fn to_receipt(row: ReceiptRow, extras: Vec<ReceiptLine>) -> Receipt {
    let mut lines = vec![ReceiptLine {
        description: row.service_name.clone(),
        amount_minor: row.base_minor,
    }];
    lines.extend(extras);
    Receipt {
        number: row.number,
        request_id: row.request_id,
        issued_at: row.issued_at,
        business_name: row.business_name,
        business_address: row.business_address,
        customer_name: row.customer_name,
        professional_name: row.professional_name,
        service_name: row.service_name,
        visit_at: row.visit_at,
        lines,
        total_minor: row.total_minor,
        payment_method: PaymentMethod::parse(&row.payment_method).unwrap_or(PaymentMethod::Cash),
        payment_reference: row.payment_reference,
    }
}

/// Who may see a request's bill and receipt: admins, its professional, its customer. Another
/// customer is told it does not exist (as for every customer record); another
/// professional is refused.
fn mine(actor: &Actor, state: &store::requests::RequestState) -> AppResult<()> {
    match actor.role {
        Role::Admin => Ok(()),
        Role::Customer if state.customer_id == actor.user_id => Ok(()),
        Role::Customer => Err(AppError::NotFound("That request does not exist.".into())),
        Role::Professional if state.professional_id == Some(actor.user_id) => Ok(()),
        Role::Professional => Err(AppError::Forbidden(
            "This job is not assigned to you.".into(),
        )),
    }
}

/// A receipt for whoever may see it: the request's customer, its professional, or an admin.
pub async fn get(app: &App, actor: &Actor, request_id: i64) -> AppResult<Receipt> {
    let state = store::requests::state(&app.pool, request_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That request does not exist.".into()))?;
    mine(actor, &state)?;
    load(app, request_id).await
}

/// The bill of a completed request, for its customer (what they accept when closing) or its
/// professional.
pub async fn bill_for(app: &App, actor: &Actor, request_id: i64) -> AppResult<Bill> {
    let state = store::requests::state(&app.pool, request_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That request does not exist.".into()))?;
    mine(actor, &state)?;
    bill(&mut store::Ex::from(&app.pool), request_id).await
}

/// An amount in minor units as rupees, e.g. "₹1234.50".
pub fn rupees(minor: i64) -> String {
    format!("₹{}.{:02}", minor / 100, (minor % 100).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extras_are_checked() {
        let line = |d: &str, a: i64| ReceiptLine {
            description: d.into(),
            amount_minor: a,
        };
        assert!(validate_extras(&[line("Washer", 4_000)]).is_ok());
        for bad in [
            line("", 100),
            line("Washer", 0),
            line("Washer", -5),
            line("x", MAX_LINE_MINOR + 1),
        ] {
            assert_eq!(validate_extras(&[bad]).unwrap_err().fields(), ["extras"]);
        }
        let many = vec![line("Part", 100); MAX_EXTRAS + 1];
        assert!(validate_extras(&many).is_err());
    }

    #[test]
    fn a_payment_must_match_the_bill_and_name_its_reference() {
        let bill = Bill {
            base_minor: 49_900,
            extras: vec![],
            total_minor: 49_900,
        };
        let pay = |method, reference: &str, total| Payment {
            method,
            reference: reference.into(),
            accepted_total_minor: total,
        };
        assert_eq!(
            check_payment(&pay(PaymentMethod::Cash, "ignored", 49_900), &bill).unwrap(),
            ""
        );
        assert_eq!(
            check_payment(&pay(PaymentMethod::Upi, " 4321 ", 49_900), &bill).unwrap(),
            "4321"
        );
        assert_eq!(
            check_payment(&pay(PaymentMethod::Card, "", 49_900), &bill)
                .unwrap_err()
                .fields(),
            ["reference"]
        );
        assert_eq!(
            check_payment(&pay(PaymentMethod::Cash, "", 40_000), &bill)
                .unwrap_err()
                .code(),
            crate::error::ErrorCode::Conflict
        );
    }
}
