//! The HTTP API: `POST /api/v1/ops/<name>` for every operation of the core's table (one route
//! each, from the same table), `GET /healthz`, `GET /api/v1/openapi.json`. Errors are always
//! the `{code, message, fields, retry_after_secs}` every other failure uses.

use crate::limits::SignInLimiter;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{FixedOffset, Offset};
use household_client::{
    APP_VERSION_HEADER, CLIENT_HEADER, EVENTS_KEEP_ALIVE, EVENTS_PATH, IDEMPOTENCY_HEADER,
    LIVE_SSE_EVENT, OFFSET_HEADER, PASSIVE_HEADER, TERMINAL_HEADER,
};
use household_core::error::{ApiError, AppError, ErrorCode};
use household_core::ops::{self, Caller, OPERATIONS};
use household_core::session::SessionToken;
use household_core::App;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The largest request body: a 5 MiB document is about 6.7 MiB as base64, plus the form.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// What every request handler shares.
pub struct ServerState {
    pub core: Arc<App>,
    pub sign_ins: SignInLimiter,
    /// Turns true when the server stops: open event streams end then.
    pub stopping: tokio::sync::watch::Receiver<bool>,
}

/// The API router (without the transport: TLS or plain is the caller's business).
pub fn router(state: Arc<ServerState>) -> Router {
    let mut api = Router::new();
    for op in OPERATIONS {
        let name = op.name;
        api = api.route(
            &format!("/api/v1/ops/{name}"),
            post(
                move |state: State<Arc<ServerState>>,
                      ConnectInfo(peer): ConnectInfo<SocketAddr>,
                      headers: HeaderMap,
                      body: Result<Bytes, BytesRejection>| {
                    run_op(state, Some(peer), headers, body, name)
                },
            ),
        );
    }
    api.route("/healthz", get(health))
        .route(&format!("/{EVENTS_PATH}"), get(events))
        .route("/api/v1/exports/{id}/file", get(export_file))
        .route("/api/v1/openapi.json", get(openapi))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn health() -> Response {
    (
        StatusCode::OK,
        axum::Json(serde_json::json!({ "status": "ok" })),
    )
        .into_response()
}

async fn openapi() -> Response {
    (StatusCode::OK, axum::Json(crate::openapi::document())).into_response()
}

/// A finished export's CSV, for the admin's desktop to save where they chose.
async fn export_file(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Response {
    let caller = caller(&headers, None);
    let path = async {
        let actor = state.core.actor(caller.token()?).await?;
        household_core::exports::server_file(&state.core, &actor, id).await
    }
    .await;
    let path = match path {
        Ok(p) => p,
        Err(e) => return error_response(ApiError::from(e)),
    };
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) => return error_response(ApiError::from(AppError::from(e))),
    };
    let len = file.metadata().await.map(|m| m.len()).ok();
    let stream = tokio_util::io::ReaderStream::new(file);
    let mut resp = axum::body::Body::from_stream(stream).into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Some(len) = len.and_then(|l| HeaderValue::from_str(&l.to_string()).ok()) {
        headers.insert(header::CONTENT_LENGTH, len);
    }
    resp
}

/// The live event stream of the caller's session (server-sent events), resuming after the
/// `Last-Event-ID` the desktop sends. Ends when the session ends (after saying why) or the
/// server stops; the desktop then reconnects with its cursor.
async fn events(State(state): State<Arc<ServerState>>, headers: HeaderMap) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let caller = caller(&headers, None);
    let token = match caller.token() {
        Ok(t) => t.clone(),
        Err(e) => return error_response(ApiError::from(e)),
    };
    let after = match headers.get("last-event-id").map(|v| v.to_str()) {
        None => None,
        Some(text) => match text.ok().and_then(|t| t.trim().parse::<i64>().ok()) {
            Some(id) if id >= 0 => Some(id),
            _ => {
                return error_response(ApiError::from(AppError::validation(
                    "last_event_id",
                    "Last-Event-ID is the number of the last event received.",
                )))
            }
        },
    };
    let sub = match household_core::live::subscribe_at(
        state.core.clone(),
        token,
        caller.terminal.as_ref(),
        after,
    )
    .await
    {
        Ok(s) => s,
        Err(e) => return error_response(ApiError::from(e)),
    };
    let stopping = state.stopping.clone();
    let stream =
        futures_util::stream::unfold((sub, stopping), |(mut sub, mut stopping)| async move {
            if *stopping.borrow() {
                return None;
            }
            let msg = tokio::select! {
                msg = sub.next() => msg?,
                _ = stopping.changed() => return None,
            };
            let mut event = match Event::default().event(LIVE_SSE_EVENT).json_data(&msg) {
                Ok(e) => e,
                Err(e) => {
                    tracing::error!(error = %e, "could not encode a live event");
                    return None;
                }
            };
            if let Some(id) = msg.id {
                event = event.id(id.to_string());
            }
            Some((Ok::<_, std::convert::Infallible>(event), (sub, stopping)))
        });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(EVENTS_KEEP_ALIVE))
        .into_response()
}

async fn not_found() -> Response {
    error_response(ApiError::from(AppError::NotFound(
        "There is no such address on this server.".into(),
    )))
}

/// Who is calling: the bearer token, the desktop's UTC offset and a label with its address.
fn caller(headers: &HeaderMap, peer: Option<SocketAddr>) -> Caller {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(SessionToken::parse);
    let offset = headers
        .get(OFFSET_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i32>().ok())
        .and_then(FixedOffset::east_opt)
        .unwrap_or_else(|| FixedOffset::east_opt(0).unwrap_or(chrono::Utc.fix()));
    let label: String = headers
        .get(CLIENT_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unnamed desktop")
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect();
    let client = match peer {
        Some(p) => format!("{label} ({})", p.ip()),
        None => label,
    };
    let idempotency_key = headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty());
    let terminal = headers
        .get(TERMINAL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(household_core::terminals::TerminalKey::parse);
    let passive = headers
        .get(PASSIVE_HEADER)
        .is_some_and(|v| v.as_bytes() == b"1");
    let app_version = headers
        .get(APP_VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.chars()
                .filter(|c| !c.is_control())
                .take(40)
                .collect::<String>()
        })
        .filter(|v| !v.trim().is_empty());
    Caller {
        token,
        client,
        offset,
        idempotency_key,
        terminal,
        passive,
        app_version,
    }
}

async fn run_op(
    State(state): State<Arc<ServerState>>,
    peer: Option<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
    name: &'static str,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(rejection) => return body_rejection(rejection),
    };
    let args: serde_json::Value = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return error_response(ApiError::from(AppError::validation(
                    "body",
                    format!("The request body is not valid JSON: {e}."),
                )))
            }
        }
    };
    let is_sign_in = OPERATIONS
        .iter()
        .any(|o| o.name == name && o.access.throttled());
    if is_sign_in {
        if let Some(ip) = peer.map(|p| p.ip()) {
            if let Err(retry_after_secs) = state.sign_ins.check(ip) {
                return error_response(ApiError::from(AppError::Locked {
                    message: format!(
                        "Too many sign-in attempts from this computer. Please wait {retry_after_secs} second(s)."
                    ),
                    retry_after_secs,
                }));
            }
        }
    }
    let caller = caller(&headers, peer);
    match ops::dispatch(&state.core, &caller, name, args).await {
        Ok(value) => (StatusCode::OK, axum::Json(value)).into_response(),
        Err(e) => error_response(e),
    }
}

fn body_rejection(rejection: BytesRejection) -> Response {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        let e = ApiError::from(AppError::validation(
            "body",
            format!(
                "The request is too large (at most {} MiB).",
                MAX_BODY_BYTES / (1024 * 1024)
            ),
        ));
        return (status, axum::Json(e)).into_response();
    }
    error_response(ApiError::from(AppError::validation(
        "body",
        format!("The request body could not be read: {rejection}."),
    )))
}

/// The HTTP status of an error code.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Validation => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden
        | ErrorCode::AccountBlocked
        | ErrorCode::ApprovalPending
        | ErrorCode::ApprovalRejected => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::Locked => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::CannotSave => StatusCode::INSUFFICIENT_STORAGE,
        ErrorCode::NotEnrolled | ErrorCode::Disconnected => StatusCode::FORBIDDEN,
    }
}

fn error_response(e: ApiError) -> Response {
    let mut resp = (status_of(e.code), axum::Json(&e)).into_response();
    if let Some(secs) = e.retry_after_secs {
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    resp
}
