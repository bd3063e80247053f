//! The API document (`/api/v1/openapi.json`, OpenAPI 3.1), made from the operation table.

use household_core::ops::{Access, OPERATIONS};
use serde_json::{json, Map, Value};

/// The OpenAPI document of every route.
pub fn document() -> Value {
    let mut paths = Map::new();
    for op in OPERATIONS {
        let security = if op.access.needs_session() {
            json!([{ "session": [] }])
        } else {
            json!([])
        };
        let who = match op.access {
            Access::Public => "anyone",
            Access::SignIn => "anyone; starts a session (the reply carries its token)",
            Access::SignOut => "a signed-in user; ends their session",
            Access::Session | Access::Passive => "any signed-in user",
            Access::Admin => "administrators",
            Access::Customer => "customers",
            Access::Professional => "professionals",
        };
        let properties: Map<String, Value> = op
            .args
            .iter()
            .map(|a| ((*a).to_string(), json!({})))
            .collect();
        paths.insert(
            format!("/api/v1/ops/{}", op.name),
            json!({
                "post": {
                    "operationId": op.name,
                    "summary": op.doc.trim(),
                    "description": format!("Who may call it: {who}."),
                    "security": security,
                    "requestBody": {
                        "required": !op.args.is_empty(),
                        "content": { "application/json": { "schema": {
                            "type": "object",
                            "properties": properties,
                            "required": op.args,
                        } } }
                    },
                    "responses": {
                        "200": { "description": "The result", "content": { "application/json": { "schema": {} } } },
                        "default": { "$ref": "#/components/responses/Error" }
                    }
                }
            }),
        );
    }
    paths.insert(
        "/healthz".into(),
        json!({ "get": { "operationId": "healthz", "summary": "Whether the server answers.",
            "responses": { "200": { "description": "ok" } } } }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Household Services API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Every operation of the app, defined once in the core's operation table."
        },
        "paths": paths,
        "components": {
            "securitySchemes": { "session": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "ApiError": {
                    "type": "object",
                    "required": ["code", "message", "fields"],
                    "properties": {
                        "code": { "type": "string", "enum": [
                            "unauthorized", "forbidden", "not_found", "validation", "conflict", "locked",
                            "account_blocked", "approval_pending", "approval_rejected", "internal", "unavailable"
                        ] },
                        "message": { "type": "string" },
                        "fields": { "type": "array", "items": { "type": "object",
                            "properties": { "field": { "type": "string" }, "message": { "type": "string" } } } },
                        "retry_after_secs": { "type": ["integer", "null"] }
                    }
                }
            },
            "responses": {
                "Error": { "description": "Any failure", "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/ApiError" } } } }
            }
        }
    })
}
