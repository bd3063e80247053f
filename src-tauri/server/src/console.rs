//! Commands run on the server's console.

use crate::config::{redact, Settings};
use household_core::accounts::{self, NewAdmin};
use household_core::migrate::MigrationReport;
use household_core::terminals::{self, NewTerminal, TerminalProfile};
use household_core::AppError;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

/// Adds a terminal and prints its one-time enrolment code.
pub async fn enrol_terminal(
    settings: &Settings,
    name: String,
    profile: &str,
) -> Result<(), String> {
    let profile = match profile.trim() {
        "staff" => TerminalProfile::Staff,
        "counter" => TerminalProfile::Counter,
        other => return Err(format!("--profile is staff or counter, not {other:?}")),
    };
    let core = crate::open_core(settings).await?;
    let code = terminals::create_on_console(&core, NewTerminal { name, profile })
        .await
        .map_err(|e| match e {
            AppError::Validation(fields) => fields
                .iter()
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
                .join("\n"),
            other => other.to_string(),
        })?;
    println!(
        "Enrolment code: {}  (type it on that computer when it connects; works once, until {})",
        code.code,
        code.expires_at.get().format("%Y-%m-%d %H:%M UTC")
    );
    Ok(())
}

/// Creates the first administrator (refused once one exists), as the first-run screen does.
pub async fn create_admin(
    settings: &Settings,
    full_name: String,
    username: String,
    email: String,
) -> Result<(), String> {
    let password = read_password()?;
    let core = crate::open_core(settings).await?;
    let input = NewAdmin {
        full_name,
        username,
        email,
        password,
    };
    match accounts::create_first_admin(&core, input, "server console").await {
        Ok(s) => {
            // The console needs no session: end the one sign-up starts.
            let _ = core.end_session(&s.token).await;
            println!(
                "Administrator {} created. Sign in from any desktop connected to this server.",
                s.view.username
            );
            Ok(())
        }
        Err(AppError::Validation(fields)) => Err(fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("\n")),
        Err(e) => Err(e.to_string()),
    }
}

/// The password: typed twice on a terminal (with the text hidden by the terminal's own
/// no-echo mode where `stty` exists), or the first line of stdin otherwise (scripts, tests).
fn read_password() -> Result<String, String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("reading the password: {e}"))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = prompt_hidden("Password (at least 12 characters): ")?;
    let again = prompt_hidden("The same password again: ")?;
    if first != again {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}

fn prompt_hidden(prompt: &str) -> Result<String, String> {
    print!("{prompt}");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let hide = std::process::Command::new("stty")
        .arg("-echo")
        .status()
        .is_ok();
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if hide {
        let _ = std::process::Command::new("stty").arg("echo").status();
        println!();
    }
    read.map_err(|e| format!("reading the password: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Backs the business up into `to` (or the configured backup folder) and prints what the
/// verified archive holds.
pub async fn backup(settings: &Settings, to: Option<&Path>) -> Result<(), String> {
    let core = crate::open_core(settings).await?;
    let made = match to {
        Some(dir) => {
            household_core::backup::create(
                &core.pool,
                core.database_url(),
                &core.documents_dir(),
                dir,
                core.clock.now(),
            )
            .await
        }
        None => household_core::admin::backups::scheduled_now(&core).await,
    }
    .map_err(|e| format!("backup failed: {e}"))?;
    println!("{}", describe(&made));
    Ok(())
}

/// Restores a backup into this server's data folder (the server must be stopped).
pub async fn restore(settings: &Settings, file: &Path) -> Result<(), String> {
    let core = crate::open_core(settings).await?;
    let outcome = household_core::admin::backups::restore(&core, file)
        .await
        .map_err(|e| format!("restore failed, nothing changed: {e}"))?;
    println!("Restored {}", describe(&outcome.restored));
    println!(
        "The database it replaced is kept as {}",
        outcome.safety_copy
    );
    Ok(())
}

fn describe(b: &household_core::backup::BackupSummary) -> String {
    format!(
        "{} ({} bytes, verified): made {} by version {}; {} users, {} services, {} requests, {} documents",
        b.path,
        b.size_bytes,
        b.created_at.get().format("%Y-%m-%d %H:%M UTC"),
        b.app_version,
        b.users,
        b.services,
        b.requests,
        b.documents
    )
}

/// Moves the SQLite business in `from` into the empty PostgreSQL database `to`, its documents
/// into this server's documents folder, printing each step and then the verified tables.
pub async fn migrate(settings: &Settings, from: &Path, to: &str) -> Result<(), String> {
    let documents = settings
        .documents_dir
        .clone()
        .unwrap_or_else(|| settings.data_dir.join("documents"));
    println!("Migrating the SQLite business in {}", from.display());
    println!("  to PostgreSQL   {}", redact(to));
    println!("  documents to    {}", documents.display());
    let report = household_core::migrate::sqlite_to_postgres(from, to, &documents, |line| {
        println!("  {line}")
    })
    .await
    .map_err(|e| format!("migration failed: {e}"))?;
    println!();
    print!("{}", report_table(&report));
    println!(
        "Start the server on it with --database-url {} (or database_url in server.toml){}.",
        redact(to),
        match &settings.documents_dir {
            Some(dir) => format!(" and --documents-dir {}", dir.display()),
            None => String::new(),
        }
    );
    Ok(())
}

/// The final report: one line per table (rows, checksum, next id), then the documents.
pub fn report_table(report: &MigrationReport) -> String {
    let width = report
        .tables
        .iter()
        .map(|t| t.table.len())
        .chain(["table".len()])
        .max()
        .unwrap_or(5);
    let mut out = format!(
        "{:<width$}  {:>10}  {:>9}  checksum (SHA-256, equal in SQLite and PostgreSQL)\n",
        "table", "rows", "next id"
    );
    for t in &report.tables {
        let next = t.next_id.map(|n| n.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{:<width$}  {:>10}  {:>9}  {}\n",
            t.table, t.rows, next, t.checksum
        ));
    }
    let rows: u64 = report.tables.iter().map(|t| t.rows).sum();
    out.push_str(&format!(
        "{} tables, {rows} rows; documents: {} copied ({} bytes), {} already there; {:.1} s\n",
        report.tables.len(),
        report.documents.copied,
        report.documents.bytes_copied,
        report.documents.already_present,
        report.elapsed_ms as f64 / 1000.0
    ));
    out
}
