//! Email: a durable queue sent by a background task through lettre, with retries and
//! exponential back-off. Without SMTP settings mail goes to an outbox folder of `.eml` files
//! (lettre's file transport), so nothing is lost and everything is visible.

use crate::error::{AppError, AppResult};
use crate::store::{self, email::EmailRow};
use crate::App;
use crate::Timestamp;
use chrono::Duration;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::PathBuf;

/// Attempts before a message is given up (and shown to the admin as failed).
pub const MAX_ATTEMPTS: i64 = 6;

/// Wait before the next attempt: 1 min, 4 min, 16 min ... capped at 6 h.
pub fn backoff(attempts: i64) -> Duration {
    let exp = u32::try_from((attempts - 1).clamp(0, 10)).unwrap_or(10);
    Duration::minutes(4i64.pow(exp).min(6 * 60))
}

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// Plain text (a local relay only).
    None,
    /// STARTTLS upgrade (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// SMTP settings (the password is passed separately: it is never stored with preferences).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: Option<String>,
    pub from_address: String,
    pub timeout_secs: u32,
}

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum Transport {
    /// `.eml` files in this folder (no SMTP configured).
    Outbox(PathBuf),
    /// An SMTP server.
    Smtp {
        settings: SmtpSettings,
        password: Option<String>,
    },
}

/// Sends queued messages through one transport.
#[derive(Debug, Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    /// A mailer writing `.eml` files to the app's outbox folder.
    pub fn outbox(app: &App) -> AppResult<Self> {
        let address = lettre::Address::new("no-reply", "household-services.invalid")
            .map_err(AppError::internal)?;
        Ok(Mailer {
            transport: Transport::Outbox(app.data_dir().join("outbox")),
            from: Mailbox::new(Some("Household Services".into()), address),
        })
    }

    /// The mailer the business settings call for: their SMTP server (with the password an
    /// admin entered since this process started) or, without one, the outbox folder.
    pub async fn for_business(app: &App) -> AppResult<Self> {
        match crate::settings::current(app).await?.smtp {
            Some(smtp) => Mailer::smtp(smtp, app.smtp_password()),
            None => Mailer::outbox(app),
        }
    }

    /// A mailer for an SMTP server.
    pub fn smtp(settings: SmtpSettings, password: Option<String>) -> AppResult<Self> {
        let from: Mailbox = settings.from_address.parse().map_err(|_| {
            AppError::validation(
                "from_address",
                "Enter the sender as an email address, e.g. bookings@example.com.",
            )
        })?;
        if settings.host.trim().is_empty() {
            return Err(AppError::validation(
                "host",
                "Enter the SMTP server's host name.",
            ));
        }
        Ok(Mailer {
            transport: Transport::Smtp { settings, password },
            from,
        })
    }

    /// Builds the MIME message: a plain-text part and an HTML alternative.
    fn message(&self, row: &EmailRow) -> Result<Message, String> {
        let to: Mailbox = row
            .to_address
            .parse()
            .map_err(|e| format!("bad recipient {}: {e}", row.to_address))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(row.text_body.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(row.html_body.clone()),
                    ),
            )
            .map_err(|e| format!("building the message: {e}"))
    }

    /// Sends one message; the error text is what the admin will see.
    pub async fn send(&self, row: &EmailRow) -> Result<(), String> {
        let message = self.message(row)?;
        match &self.transport {
            Transport::Outbox(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("outbox folder {}: {e}", dir.display()))?;
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map(drop)
                    .map_err(|e| format!("writing to the outbox: {e}"))
            }
            Transport::Smtp { settings, password } => {
                let host = settings.host.trim();
                let tls = match settings.tls {
                    TlsMode::None => Tls::None,
                    TlsMode::StartTls => Tls::Required(
                        TlsParameters::new(host.to_string()).map_err(|e| e.to_string())?,
                    ),
                    TlsMode::Tls => Tls::Wrapper(
                        TlsParameters::new(host.to_string()).map_err(|e| e.to_string())?,
                    ),
                };
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    .port(settings.port)
                    .tls(tls)
                    .timeout(Some(std::time::Duration::from_secs(u64::from(
                        settings.timeout_secs.max(1),
                    ))));
                if let Some(user) = settings.username.as_ref().filter(|u| !u.is_empty()) {
                    builder = builder.credentials(Credentials::new(
                        user.clone(),
                        password.clone().unwrap_or_default(),
                    ));
                }
                // lettre's timeout does not cover a server that accepts and never greets: bound
                // the whole exchange ourselves.
                let limit =
                    std::time::Duration::from_secs(u64::from(settings.timeout_secs.max(1)) * 3);
                match tokio::time::timeout(limit, builder.build().send(message)).await {
                    Ok(result) => result.map(drop).map_err(|e| format!("SMTP: {e}")),
                    Err(_) => Err(format!(
                        "SMTP: no answer from {host}:{} within {} s (timed out)",
                        settings.port,
                        limit.as_secs()
                    )),
                }
            }
        }
    }
}

/// What one pass of the sender did.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema,
)]
pub struct SendReport {
    pub sent: u32,
    pub retried: u32,
    pub failed: u32,
}

/// Queues an email (deduplicated by `dedupe_key` when given).
pub async fn enqueue(
    app: &App,
    to: &str,
    subject: &str,
    text: &str,
    html: &str,
    dedupe_key: Option<&str>,
) -> AppResult<bool> {
    Ok(store::email::enqueue(&app.pool, to, subject, text, html, dedupe_key, app.now()).await?)
}

/// Sends every due message once: successes are marked sent, failures retried later with
/// back-off, or failed after [`MAX_ATTEMPTS`]. A message is claimed before sending, so it is
/// never sent twice.
pub async fn send_due(app: &App, mailer: &Mailer, max: u32) -> AppResult<SendReport> {
    let mut report = SendReport::default();
    for _ in 0..max {
        let now = app.clock.now();
        let now = Timestamp::from(now);
        let Some(row) = store::email::claim_due(&app.pool, now, now + SEND_LEASE).await? else {
            break;
        };
        match mailer.send(&row).await {
            Ok(()) => {
                store::email::mark_sent(&app.pool, row.id, app.now()).await?;
                report.sent += 1;
            }
            Err(error) => {
                tracing::warn!(email = row.id, attempt = row.attempts, %error, "email not sent");
                let retry = (row.attempts < MAX_ATTEMPTS).then(|| now + backoff(row.attempts));
                store::email::mark_attempt_failed(&app.pool, row.id, &error, retry).await?;
                if retry.is_some() {
                    report.retried += 1
                } else {
                    report.failed += 1
                }
            }
        }
    }
    Ok(report)
}

/// The queue for the admin (newest first), errors included.
pub async fn queue(app: &App, actor: &crate::Actor) -> AppResult<Vec<EmailRow>> {
    actor.require(crate::domain::Role::Admin)?;
    Ok(store::email::list(&app.pool, 200).await?)
}

/// Sends a test message right away (not queued) through `mailer`; the error text on failure.
pub async fn send_test(
    app: &App,
    actor: &crate::Actor,
    mailer: &Mailer,
    to: &str,
) -> AppResult<()> {
    actor.require(crate::domain::Role::Admin)?;
    let to = crate::domain::Email::parse(to)?;
    let row = EmailRow {
        id: 0,
        to_address: to.to_string(),
        subject: "Household Services test email".into(),
        text_body: "This is a test message: your email settings work.".into(),
        html_body: "<p>This is a test message: your email settings work.</p>".into(),
        status: crate::domain::EmailStatus::Sending,
        attempts: 1,
        next_attempt_at: app.now(),
        last_error: None,
        created_at: app.now(),
        sent_at: None,
    };
    mailer
        .send(&row)
        .await
        .map_err(|e| AppError::Conflict(format!("The test email was not sent: {e}")))
}

/// How long a sender's claim on a message holds (far beyond the SMTP timeouts): after it,
/// a message still `sending` was lost with its sender.
pub const SEND_LEASE: chrono::Duration = chrono::Duration::minutes(10);

/// Messages a crash left mid-send are failed, not re-sent (they may have gone). On SQLite,
/// at start-up, every one: this process owns the database. On PostgreSQL, where other
/// instances may be sending right now, only those whose claim ran out ([`SEND_LEASE`]);
/// the sender's loop looks again on every pass.
pub async fn recover_interrupted(app: &App) -> AppResult<u64> {
    let ended_by = match app.engine() {
        store::Engine::Sqlite => None,
        store::Engine::Postgres => Some(app.now()),
    };
    Ok(store::email::fail_interrupted(&app.pool, ended_by).await?)
}

/// Renders a template pair (text and HTML) with minijinja; HTML is auto-escaped.
pub fn render(
    text_template: &str,
    html_template: &str,
    context: &serde_json::Value,
) -> AppResult<(String, String)> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    env.add_template("mail.txt", text_template)
        .map_err(AppError::internal)?;
    env.add_template("mail.html", html_template)
        .map_err(AppError::internal)?;
    let text = env
        .get_template("mail.txt")
        .and_then(|t| t.render(context))
        .map_err(AppError::internal)?;
    let html = env
        .get_template("mail.html")
        .and_then(|t| t.render(context))
        .map_err(AppError::internal)?;
    Ok((text, html))
}
