//! The email queue: outbox files, a real SMTP round trip, a refusing server, a silent server,
//! retries with back-off, never twice.

use crate::common::*;
use chrono::Duration;
use household_core::domain::EmailStatus;
use household_core::email::{self, backoff, Mailer, SmtpSettings, TlsMode, MAX_ATTEMPTS};
use household_core::store;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

async fn queue_one(t: &TestApp) {
    let (text, html) = email::render(
        "Hello {{ name }},\nyour report is ready.",
        "<p>Hello {{ name }},</p><p>your report is ready.</p>",
        &serde_json::json!({ "name": "Ravi <script>" }),
    )
    .unwrap();
    assert!(
        html.contains("Ravi &lt;script&gt;"),
        "HTML is escaped: {html}"
    );
    assert!(text.contains("Ravi <script>"));
    assert!(email::enqueue(
        t,
        "ravi@example.com",
        "Your October report",
        &text,
        &html,
        Some("report:2026-10:7")
    )
    .await
    .unwrap());
    // The same key never queues twice.
    assert!(!email::enqueue(
        t,
        "ravi@example.com",
        "Your October report",
        &text,
        &html,
        Some("report:2026-10:7")
    )
    .await
    .unwrap());
}

fn smtp(port: u16, timeout_secs: u32) -> Mailer {
    Mailer::smtp(
        SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            tls: TlsMode::None,
            username: None,
            from_address: "bookings@example.com".into(),
            timeout_secs,
        },
        None,
    )
    .unwrap()
}

#[tokio::test]
async fn without_smtp_mail_lands_in_the_outbox_folder_once() {
    let t = spawn_set_up_app().await;
    queue_one(&t).await;
    let mailer = Mailer::outbox(&t).unwrap();
    let r = email::send_due(&t, &mailer, 10).await.unwrap();
    assert_eq!((r.sent, r.retried, r.failed), (1, 0, 0));
    assert_eq!(
        email::send_due(&t, &mailer, 10).await.unwrap().sent,
        0,
        "never sent twice"
    );
    let files: Vec<_> = std::fs::read_dir(t.data_dir().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("Subject: Your October report"));
    assert!(eml.contains("multipart/alternative"));
    assert!(eml.contains("text/plain") && eml.contains("text/html"));
    let rows = store::email::list(&t.pool, 10).await.unwrap();
    assert_eq!(rows[0].status, EmailStatus::Sent);
}

/// A minimal SMTP server that accepts one message and hands back what it received.
async fn smtp_sink() -> (u16, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let (sock, _) = listener.accept().await.unwrap();
        let (read, mut write) = sock.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Some(line) = lines.next_line().await.unwrap() {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let verb = line
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 sink\r\n",
                "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 ok\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"502 not implemented\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
        data
    });
    (port, handle)
}

#[tokio::test]
async fn a_real_smtp_round_trip_delivers_the_message() {
    let t = spawn_set_up_app().await;
    queue_one(&t).await;
    let (port, sink) = smtp_sink().await;
    let r = email::send_due(&t, &smtp(port, 5), 10).await.unwrap();
    assert_eq!(
        r.sent,
        1,
        "{r:?} {:?}",
        store::email::list(&t.pool, 1).await.unwrap()
    );
    let received = tokio::time::timeout(std::time::Duration::from_secs(5), sink)
        .await
        .unwrap()
        .unwrap();
    assert!(
        received.contains("Subject: Your October report"),
        "{received}"
    );
    assert!(received.contains("To: ravi@example.com"));
    assert!(received.contains("From: bookings@example.com"));
    assert!(received.contains("your report is ready."));
}

#[tokio::test]
async fn a_refusing_server_is_retried_with_back_off_then_failed_with_the_error_kept() {
    let t = spawn_set_up_app().await;
    queue_one(&t).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                break;
            };
            let _ = sock.write_all(b"554 5.3.2 no service here\r\n").await;
        }
    });
    let mailer = smtp(port, 5);
    for attempt in 1..=MAX_ATTEMPTS {
        let r = email::send_due(&t, &mailer, 10).await.unwrap();
        let row = store::email::list(&t.pool, 1).await.unwrap().remove(0);
        assert_eq!(row.attempts, attempt);
        assert!(
            row.last_error.as_deref().unwrap_or("").contains("SMTP"),
            "{row:?}"
        );
        if attempt < MAX_ATTEMPTS {
            assert_eq!((r.retried, row.status), (1, EmailStatus::Queued));
            // Not due again before the back-off has passed.
            assert_eq!(
                email::send_due(&t, &mailer, 10).await.unwrap(),
                Default::default()
            );
            t.clock.advance(backoff(attempt));
        } else {
            assert_eq!((r.failed, row.status), (1, EmailStatus::Failed));
        }
    }
    t.clock.advance(Duration::days(1));
    assert_eq!(
        email::send_due(&t, &mailer, 10).await.unwrap(),
        Default::default(),
        "a failed message stays failed"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let t = spawn_set_up_app().await;
    queue_one(&t).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let _keep = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock); // accept and say nothing
        }
    });
    let started = std::time::Instant::now();
    let r = email::send_due(&t, &smtp(port, 1), 10).await.unwrap();
    assert_eq!(r.retried, 1);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "the timeout applies"
    );
    let row = store::email::list(&t.pool, 1).await.unwrap().remove(0);
    assert_eq!(row.status, EmailStatus::Queued);
    assert!(
        row.last_error.unwrap().to_lowercase().contains("time"),
        "timeout reported"
    );
}

#[tokio::test]
async fn a_crash_mid_send_is_never_resent() {
    let t = spawn_set_up_app().await;
    queue_one(&t).await;
    t.clock.advance(Duration::days(3650)); // past its send time
    let now = t.now();
    let claimed = store::email::claim_due(&t.pool, now, now + email::SEND_LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.status, EmailStatus::Sending);
    // The sender dies; after its claim ran out (at once on SQLite, which one process owns;
    // after the lease on PostgreSQL, where other instances may be sending) it is failed.
    t.clock.advance(email::SEND_LEASE + Duration::seconds(1));
    assert_eq!(email::recover_interrupted(&t).await.unwrap(), 1);
    let row = store::email::list(&t.pool, 1).await.unwrap().remove(0);
    assert_eq!(row.status, EmailStatus::Failed);
    let r = email::send_due(&t, &Mailer::outbox(&t).unwrap(), 10)
        .await
        .unwrap();
    assert_eq!(r.sent, 0);
    assert_eq!(backoff(1), Duration::minutes(1));
    assert_eq!(backoff(2), Duration::minutes(4));
    assert_eq!(backoff(20), Duration::hours(6));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn senders_claiming_at_once_take_each_message_once() {
    // Two server instances' senders on one database (or two tasks of one) race for the queue.
    let t = spawn_set_up_app().await;
    let now = ts("2026-11-21T09:00:00Z");
    for i in 0..40 {
        store::email::enqueue(
            &t.pool,
            "a@example.com",
            &format!("m{i}"),
            "t",
            "h",
            None,
            now,
        )
        .await
        .unwrap();
    }
    let second = std::sync::Arc::new(household_core::App::open(t.config_again()).await.unwrap());
    let first = t.app.clone();
    let claimers: Vec<_> = (0..8)
        .map(|i| {
            let app = if i % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            tokio::spawn(async move {
                let mut mine = Vec::new();
                let later = ts("2030-01-01T00:00:00Z");
                while let Some(row) =
                    store::email::claim_due(&app.pool, later, later + email::SEND_LEASE)
                        .await
                        .unwrap()
                {
                    mine.push(row.id);
                }
                mine
            })
        })
        .collect();
    let mut all = Vec::new();
    for c in claimers {
        all.extend(c.await.unwrap());
    }
    let claimed = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), claimed, "a message was claimed twice");
    assert_eq!(claimed, 40, "every message was claimed");
}

#[tokio::test]
async fn a_starting_instance_leaves_another_instances_sending_alone() {
    if !household_core::db::testing::on_postgres() {
        eprintln!("several instances share PostgreSQL only: run with HS_TEST_ENGINE=postgres");
        return;
    }
    let t = spawn_set_up_app().await;
    queue_one(&t).await;
    t.clock.advance(Duration::days(3650));
    let now = t.now();
    let claimed = store::email::claim_due(&t.pool, now, now + email::SEND_LEASE)
        .await
        .unwrap()
        .unwrap();
    // A second instance starts (and recovers) while the first is still sending.
    let second = household_core::App::open(t.config_again()).await.unwrap();
    assert_eq!(email::recover_interrupted(&second).await.unwrap(), 0);
    let row = store::email::list(&t.pool, 1).await.unwrap().remove(0);
    assert_eq!((row.id, row.status), (claimed.id, EmailStatus::Sending));
    // Once the claim has run out, the sender is taken for lost.
    t.clock.advance(email::SEND_LEASE + Duration::seconds(1));
    assert_eq!(email::recover_interrupted(&second).await.unwrap(), 1);
}
