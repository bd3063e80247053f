//! How a desktop (and the tests and benchmarks) talk to a `household-server`: HTTPS to the
//! server's `/api/v1/ops/<name>` routes, trusting exactly the certificate whose SHA-256
//! fingerprint the person confirmed when connecting (no certificate authority is involved,
//! so a self-signed certificate is as good as a bought one, and no other certificate is).

mod pin;

pub use pin::{probe_fingerprint, Fingerprint};

use futures_util::StreamExt;
use household_core::error::{ApiError, AppError};
use household_core::live::LiveMessage;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

/// The header carrying the caller's UTC offset in seconds.
pub const OFFSET_HEADER: &str = "x-utc-offset";
/// The header carrying a label for the calling desktop (kept with its sessions).
pub const CLIENT_HEADER: &str = "x-client";
/// The header that makes a retried write apply once.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// The header carrying the machine's terminal key (see `household_core::terminals`).
pub const TERMINAL_HEADER: &str = "x-terminal-key";
/// The header marking a call that is not the person's doing (`1`).
pub const PASSIVE_HEADER: &str = "x-passive";
/// The header carrying the calling app's version (shown with its terminal).
pub const APP_VERSION_HEADER: &str = "x-app-version";
/// This build's version: the workspace's, which the desktop app and this client share.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The live event stream (server-sent events), relative to the server's address.
pub const EVENTS_PATH: &str = "api/v1/events";
/// The SSE event name of live updates (the data is a `LiveMessage` as JSON).
pub const LIVE_SSE_EVENT: &str = "live";
/// How often the server writes a keep-alive on a quiet event stream.
pub const EVENTS_KEEP_ALIVE: Duration = Duration::from_secs(10);
/// A stream silent for this long is taken for dead (the desktop reconnects and resumes).
const EVENTS_SILENT_LIMIT: Duration = Duration::from_secs(30);

/// The live updates of one session, as they arrive; ends (or yields an error) when the
/// connection drops.
pub type LiveStream = std::pin::Pin<
    Box<dyn futures_util::Stream<Item = Result<LiveMessage, ApiError>> + Send + 'static>,
>;

/// A TLS client configuration trusting only the certificate with fingerprint `pin` (for
/// callers that build their own HTTP client, such as tests and benchmarks).
pub fn pinned_tls_config(pin: Fingerprint) -> rustls::ClientConfig {
    pin::client_config(Arc::new(pin::PinnedVerifier::new(pin)))
}

/// Makes `ring` this process's TLS provider (the only one compiled in); calling it again does
/// nothing.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err means another provider was installed first; that one is used then.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A server address as people type it: `host`, `host:port` or `https://host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerAddress {
    base: url::Url,
}

/// The port a server listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8443;

impl ServerAddress {
    /// Parses an address; plain `http://` is accepted only for loopback (a server behind the
    /// business's own TLS proxy on the same machine, and tests).
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let text = text.trim();
        let with_scheme = if text.contains("://") {
            text.to_string()
        } else {
            format!("https://{text}")
        };
        let mut base = url::Url::parse(&with_scheme).map_err(|_| bad_address())?;
        if base.host_str().is_none_or(str::is_empty) {
            return Err(bad_address());
        }
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&base) => {}
            "http" => {
                return Err(AppError::validation(
                    "address",
                    "Use https: plain http is only allowed to this computer (127.0.0.1).",
                ))
            }
            _ => return Err(bad_address()),
        }
        if base.port().is_none() && base.scheme() == "https" && !text.contains("://") {
            base.set_port(Some(DEFAULT_PORT))
                .map_err(|_| bad_address())?;
        }
        base.set_path("/");
        base.set_query(None);
        base.set_fragment(None);
        Ok(ServerAddress { base })
    }

    /// `host:port`, for connecting.
    pub fn host_port(&self) -> (String, u16) {
        (
            self.base.host_str().unwrap_or_default().to_string(),
            self.base.port_or_known_default().unwrap_or(DEFAULT_PORT),
        )
    }

    /// Whether the connection is TLS (always, except a loopback `http://`).
    pub fn is_tls(&self) -> bool {
        self.base.scheme() == "https"
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }
}

impl std::fmt::Display for ServerAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.base.as_str().trim_end_matches('/'))
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

fn bad_address() -> AppError {
    AppError::validation(
        "address",
        "Enter the server's address, like server.local or 192.168.1.20:8443.",
    )
}

/// Adds the app's version, the machine's terminal key and the passive mark to a request.
fn with_machine(
    mut req: reqwest::RequestBuilder,
    ctx: &CallContext<'_>,
) -> reqwest::RequestBuilder {
    req = req.header(APP_VERSION_HEADER, APP_VERSION);
    if let Some(key) = ctx.terminal {
        req = req.header(TERMINAL_HEADER, key);
    }
    if ctx.passive {
        req = req.header(PASSIVE_HEADER, "1");
    }
    req
}

/// Who is calling, sent with every request.
#[derive(Debug, Clone, Default)]
pub struct CallContext<'a> {
    /// The session token, once signed in.
    pub token: Option<&'a str>,
    /// The desktop's UTC offset in seconds.
    pub offset_secs: i32,
    /// A label for the desktop ("desktop on <host>").
    pub client: &'a str,
    /// For writes a retry could repeat: the same key on every attempt applies it once.
    pub idempotency_key: Option<&'a str>,
    /// This machine's terminal key, once enrolled.
    pub terminal: Option<&'a str>,
    /// Not the person's doing (a refresh): does not count as activity for the idle sign-out.
    pub passive: bool,
}

/// A connection to one server.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// For the long-lived event stream: no overall time limit, only a limit on silence.
    streams: reqwest::Client,
    address: ServerAddress,
    /// The verifier of the pinned certificate (to tell a mismatch from other failures).
    pin: Option<Arc<pin::PinnedVerifier>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client that trusts only the certificate with fingerprint `pin` (ignored for a
    /// loopback `http://` address).
    pub fn new(address: ServerAddress, pin: Fingerprint) -> Result<Self, AppError> {
        install_crypto_provider();
        let verifier = address
            .is_tls()
            .then(|| Arc::new(pin::PinnedVerifier::new(pin)));
        let build = |builder: reqwest::ClientBuilder| {
            let builder = builder
                .connect_timeout(Duration::from_secs(5))
                .pool_idle_timeout(Duration::from_secs(60));
            let builder = match &verifier {
                Some(v) => builder.use_preconfigured_tls(pin::client_config(v.clone())),
                None => builder,
            };
            builder
                .build()
                .map_err(|e| AppError::internal(format!("http client: {e}")))
        };
        let http = build(reqwest::Client::builder().timeout(Duration::from_secs(60)))?;
        let streams = build(reqwest::Client::builder().read_timeout(EVENTS_SILENT_LIMIT))?;
        Ok(Client {
            http,
            streams,
            address,
            pin: verifier,
        })
    }

    /// The server's address.
    pub fn address(&self) -> &ServerAddress {
        &self.address
    }

    /// Runs the operation `op` with `args` (a JSON object of its named arguments).
    pub async fn call_json(
        &self,
        op: &str,
        ctx: &CallContext<'_>,
        args: &serde_json::Value,
    ) -> Result<serde_json::Value, ApiError> {
        let mut req = self
            .http
            .post(self.address.url(&format!("api/v1/ops/{op}")))
            .header(OFFSET_HEADER, ctx.offset_secs.to_string())
            .header(CLIENT_HEADER, ctx.client)
            .json(args);
        if let Some(token) = ctx.token {
            req = req.bearer_auth(token);
        }
        if let Some(key) = ctx.idempotency_key {
            req = req.header(IDEMPOTENCY_HEADER, key);
        }
        req = with_machine(req, ctx);
        let resp = req.send().await.map_err(|e| self.transport_error(&e))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| self.transport_error(&e))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| {
                ApiError::from(AppError::internal(format!("unreadable reply to {op}: {e}")))
            });
        }
        Err(
            serde_json::from_slice::<ApiError>(&bytes).unwrap_or_else(|_| {
                ApiError::from(AppError::internal(format!(
                    "the server answered {op} with {status}"
                )))
            }),
        )
    }

    /// Runs `op` with typed arguments and result.
    pub async fn call<A: Serialize, T: DeserializeOwned>(
        &self,
        op: &str,
        ctx: &CallContext<'_>,
        args: &A,
    ) -> Result<T, ApiError> {
        let args = serde_json::to_value(args)
            .map_err(|e| ApiError::from(AppError::internal(format!("arguments of {op}: {e}"))))?;
        let value = self.call_json(op, ctx, &args).await?;
        serde_json::from_value(value).map_err(|e| {
            ApiError::from(AppError::internal(format!("unreadable reply to {op}: {e}")))
        })
    }

    /// `GET /healthz`: whether the server answers (and is the pinned one).
    pub async fn health(&self) -> Result<(), ApiError> {
        let resp = self
            .http
            .get(self.address.url("healthz"))
            .send()
            .await
            .map_err(|e| self.transport_error(&e))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(ApiError::from(AppError::Unavailable(format!(
                "The server answered {}.",
                resp.status()
            ))))
        }
    }

    /// Downloads `path` (an authenticated GET) as a byte stream, for export files.
    pub async fn get(&self, path: &str, token: &str) -> Result<reqwest::Response, ApiError> {
        let resp = self
            .http
            .get(self.address.url(path))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| self.transport_error(&e))?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status();
        let bytes = resp.bytes().await.unwrap_or_default();
        Err(
            serde_json::from_slice::<ApiError>(&bytes).unwrap_or_else(|_| {
                ApiError::from(AppError::internal(format!("the server answered {status}")))
            }),
        )
    }

    /// Opens the live event stream of the session in `ctx`, resuming after event `after`
    /// (the last one this desktop saw; `None`: from now on). Fails like a command when the
    /// session is not live.
    pub async fn events(
        &self,
        ctx: &CallContext<'_>,
        after: Option<i64>,
    ) -> Result<LiveStream, ApiError> {
        let mut req = self
            .streams
            .get(self.address.url(EVENTS_PATH))
            .header(OFFSET_HEADER, ctx.offset_secs.to_string())
            .header(CLIENT_HEADER, ctx.client)
            .header(reqwest::header::ACCEPT, "text/event-stream");
        if let Some(token) = ctx.token {
            req = req.bearer_auth(token);
        }
        if let Some(after) = after {
            req = req.header("last-event-id", after.to_string());
        }
        req = with_machine(req, ctx);
        let resp = req.send().await.map_err(|e| self.transport_error(&e))?;
        let status = resp.status();
        if !status.is_success() {
            let bytes = resp.bytes().await.unwrap_or_default();
            return Err(
                serde_json::from_slice::<ApiError>(&bytes).unwrap_or_else(|_| {
                    ApiError::from(AppError::internal(format!(
                        "the server answered the event stream with {status}"
                    )))
                }),
            );
        }
        let me = self.clone();
        let stream =
            eventsource_stream::EventStream::new(resp.bytes_stream()).filter_map(move |item| {
                let me = me.clone();
                async move {
                    match item {
                        Ok(e) if e.event == LIVE_SSE_EVENT => {
                            Some(serde_json::from_str::<LiveMessage>(&e.data).map_err(|e| {
                                ApiError::from(AppError::internal(format!(
                                    "unreadable live event: {e}"
                                )))
                            }))
                        }
                        // Another kind of event from a newer server: not for this version.
                        Ok(_) => None,
                        Err(eventsource_stream::EventStreamError::Transport(e)) => {
                            Some(Err(me.transport_error(&e)))
                        }
                        Err(e) => Some(Err(ApiError::from(AppError::Unavailable(format!(
                            "The event stream from {} broke off: {e}.",
                            me.address
                        ))))),
                    }
                }
            });
        Ok(Box::pin(stream))
    }

    /// A failure before any answer: the pinned certificate did not match, or the server could
    /// not be reached (nothing was done then, or for a write, perhaps done: see idempotency).
    fn transport_error(&self, e: &reqwest::Error) -> ApiError {
        if let Some(found) = self.pin.as_ref().and_then(|v| v.mismatch()) {
            return ApiError::from(AppError::Unavailable(format!(
                "The server at {} presented a different certificate (fingerprint {found}) \
                 than the one this computer trusts. Nothing was sent. If the server's \
                 certificate was replaced on purpose, connect to it again in Settings.",
                self.address
            )));
        }
        let what = if e.is_timeout() {
            "did not answer in time"
        } else {
            "cannot be reached"
        };
        ApiError::from(AppError::Unavailable(format!(
            "The server at {} {what}. Check the network; the app keeps trying.",
            self.address
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_people_type_them() {
        let a = ServerAddress::parse("server.local").unwrap();
        assert_eq!(a.to_string(), "https://server.local:8443");
        let a = ServerAddress::parse(" 192.168.1.20:9000 ").unwrap();
        assert_eq!(a.host_port(), ("192.168.1.20".into(), 9000));
        assert!(ServerAddress::parse("http://127.0.0.1:8080").is_ok());
        assert!(
            ServerAddress::parse("http://server.local").is_err(),
            "plain http off-host"
        );
        assert!(ServerAddress::parse("").is_err());
        assert!(ServerAddress::parse("ftp://x").is_err());
    }
}
