//! The API document (`/api/v1/openapi.json`, OpenAPI 3.1), made from the operation table and
//! the JSON Schemas of the very types the operations take and return (schemars).

use household_core::ops::{Access, OPERATIONS};
use serde_json::{json, Map, Value};

/// The OpenAPI document of every route.
pub fn document() -> Value {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = settings.into_generator();
    let schemas: std::collections::HashMap<&str, (schemars::Schema, schemars::Schema)> =
        household_core::ops::schemas(&mut generator)
            .into_iter()
            .map(|(name, args, reply)| (name, (args, reply)))
            .collect();
    generator.subschema_for::<household_core::ApiError>();
    let live = generator.subschema_for::<household_core::live::LiveMessage>();
    let components: Map<String, Value> = generator.take_definitions(true);
    let mut paths = Map::new();
    for op in OPERATIONS {
        let security = if op.access.needs_session() {
            json!([{ "session": [] }])
        } else {
            json!([])
        };
        let who = match op.access {
            Access::Open => "anyone, also from a machine the server has not enrolled",
            Access::Enrol => "anyone, also from a machine the server has not enrolled; counted against the per-address sign-in limit",
            Access::Public => "anyone (from an enrolled machine where the server requires enrolment)",
            Access::Recover => "anyone (from an enrolled machine where the server requires enrolment); counted against the per-address sign-in limit",
            Access::SignIn => "anyone; starts a session (the reply carries its token)",
            Access::SignOut => "a signed-in user; ends their session",
            Access::Session | Access::Passive => "any signed-in user",
            Access::Admin => "administrators",
            Access::Customer => "customers",
            Access::Professional => "professionals",
        };
        let (args, reply) = schemas
            .get(op.name)
            .map(|(a, r)| (a.as_value().clone(), r.as_value().clone()))
            .unwrap_or_default();
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
                        "content": { "application/json": { "schema": args } }
                    },
                    "responses": {
                        "200": { "description": "The result", "content": { "application/json": { "schema": reply } } },
                        "default": { "$ref": "#/components/responses/Error" }
                    }
                }
            }),
        );
    }
    paths.insert(
        format!("/{}", household_client::EVENTS_PATH),
        json!({ "get": {
            "operationId": "events",
            "summary": "The live updates of the caller's session, as server-sent events.",
            "description": format!(
                "Each event is named `{}`; its data is a LiveMessage (JSON) and, when it has one, \
                 its id is the SSE id. Send the last id seen as Last-Event-ID to resume after a \
                 dropped connection: the events missed follow, in order, once. A keep-alive \
                 comment every {} s. The stream ends after a `session_ended` event.",
                household_client::LIVE_SSE_EVENT,
                household_client::EVENTS_KEEP_ALIVE.as_secs()
            ),
            "security": [{ "session": [] }],
            "parameters": [{ "name": "Last-Event-ID", "in": "header", "required": false,
                             "schema": { "type": "integer", "minimum": 0 } }],
            "responses": {
                "200": { "description": "The event stream", "content": { "text/event-stream": { "schema": live } } },
                "default": { "$ref": "#/components/responses/Error" }
            }
        } }),
    );
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
            "schemas": components,
            "responses": {
                "Error": { "description": "Any failure", "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/ApiError" } } } }
            }
        }
    })
}
