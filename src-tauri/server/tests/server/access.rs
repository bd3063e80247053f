//! The access matrix, generated from the operation table: every operation × every role
//! (anonymous, admin, customer, professional), plus other users' records.

use crate::common::*;
use household_core::error::ErrorCode;
use household_core::ops::{Access, OPERATIONS};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Admin,
    Customer,
    Professional,
}

fn allowed(access: Access, who: Who) -> bool {
    match access {
        Access::Open | Access::Enrol | Access::Public | Access::Recover | Access::SignIn => true,
        Access::SignOut | Access::Session | Access::Passive => who != Who::Anonymous,
        Access::Admin => who == Who::Admin,
        Access::Customer => who == Who::Customer,
        Access::Professional => who == Who::Professional,
    }
}

/// Calling with an empty argument object: a caller who may not call an operation is refused
/// (401 without a session, 403 with the wrong role) before its arguments are even read; one
/// who may gets anything but a refusal (usually `validation`, for the missing arguments).
#[tokio::test(flavor = "multi_thread")]
async fn every_operation_by_every_role() {
    let w = world().await;
    let mut checked = 0;
    for op in OPERATIONS {
        for who in [Who::Anonymous, Who::Admin, Who::Customer, Who::Professional] {
            // Signing out needs a session of its own, not one the other checks still use.
            let throwaway;
            let token = match who {
                Who::Anonymous => None,
                _ if op.access == Access::SignOut => {
                    throwaway =
                        w.t.login(match who {
                            Who::Admin => "admin",
                            Who::Customer => "cara",
                            _ => "ravi",
                        })
                        .await;
                    Some(throwaway.as_str())
                }
                Who::Admin => Some(w.admin.as_str()),
                Who::Customer => Some(w.customer.as_str()),
                Who::Professional => Some(w.pro.as_str()),
            };
            if op.name == "load_demo_data" && who == Who::Admin {
                continue; // it would run: covered by the core's tests
            }
            let result = w.t.call(op.name, token, json!({})).await;
            let refused = matches!(
                &result,
                Err(e) if e.code == ErrorCode::Unauthorized || e.code == ErrorCode::Forbidden
            );
            if allowed(op.access, who) {
                assert!(!refused, "{} by {who:?} was refused: {result:?}", op.name);
            } else {
                let code = result.as_ref().err().map(|e| e.code);
                let expected = if who == Who::Anonymous {
                    ErrorCode::Unauthorized
                } else {
                    ErrorCode::Forbidden
                };
                assert_eq!(code, Some(expected), "{} by {who:?}: {result:?}", op.name);
            }
            checked += 1;
        }
    }
    assert!(checked >= OPERATIONS.len() * 4 - 1);
    w.t.server.stop().await;
}

/// With valid arguments, a customer never reaches another customer's request and a
/// professional never another professional's job. Every customer or professional operation
/// that takes a record id must be listed here, so a new one cannot skip the check.
#[tokio::test(flavor = "multi_thread")]
async fn other_users_records_stay_out_of_reach() {
    let w = world().await;
    let tomorrow = offered_time(&w.t, &w.customer, w.service_id, 0).await;
    let booked =
        w.t.call(
            "customer_book",
            Some(&w.customer),
            json!({ "input": { "service_id": w.service_id, "scheduled_for": tomorrow,
                               "address": null, "pincode": null, "remarks": "" } }),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    w.t.call("professional_accept", Some(&w.pro), json!({ "id": booked }))
        .await
        .unwrap();
    let review = json!({ "rating": 5, "comment": null });
    let customer_ops = [
        ("customer_request_detail", json!({ "id": booked })),
        (
            "customer_edit_request",
            json!({ "id": booked, "input": { "scheduled_for": tomorrow, "address": "1 Elsewhere Road", "remarks": "" } }),
        ),
        ("customer_cancel_request", json!({ "id": booked })),
        (
            "customer_close_request",
            json!({ "id": booked, "review": review,
                    "payment": { "method": "cash", "reference": "", "accepted_total_minor": 0 } }),
        ),
        ("customer_bill", json!({ "id": booked })),
        ("customer_receipt", json!({ "id": booked })),
        (
            "customer_raise_complaint",
            json!({ "id": booked, "input": { "category": "other", "body": "x", "photo": null } }),
        ),
        ("customer_complaints", json!({ "id": booked })),
        (
            "customer_review_request",
            json!({ "id": booked, "review": review }),
        ),
    ];
    let pro_ops = [
        (
            "professional_complete",
            json!({ "id": booked, "input": { "code": "000000", "note": null, "extras": [] } }),
        ),
        (
            "professional_set_extras",
            json!({ "id": booked, "extras": [] }),
        ),
        ("professional_receipt", json!({ "id": booked })),
        (
            "professional_rate_customer",
            json!({ "id": booked, "review": review }),
        ),
    ];
    let listed: Vec<&str> = customer_ops
        .iter()
        .chain(pro_ops.iter())
        .map(|(n, _)| *n)
        .collect();
    for op in OPERATIONS.iter().filter(|o| {
        matches!(o.access, Access::Customer | Access::Professional) && o.args.contains(&"id")
    }) {
        // Accept and decline act on open requests anyone of the trade may take.
        if matches!(op.name, "professional_accept" | "professional_decline") {
            continue;
        }
        assert!(listed.contains(&op.name), "{} is not in this test", op.name);
    }
    for (op, args) in &customer_ops {
        let err =
            w.t.call(op, Some(&w.other_customer), args.clone())
                .await
                .unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{op}: {err:?}");
    }
    for (op, args) in &pro_ops {
        let err =
            w.t.call(op, Some(&w.other_pro), args.clone())
                .await
                .unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden, "{op}: {err:?}");
    }
    // And the owner still can.
    assert!(w
        .t
        .call(
            "customer_request_detail",
            Some(&w.customer),
            json!({ "id": booked })
        )
        .await
        .is_ok());
    w.t.server.stop().await;
}
