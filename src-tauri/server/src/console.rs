//! Commands run on the server's console.

use crate::config::Settings;
use household_core::accounts::{self, NewAdmin};
use household_core::terminals::{self, NewTerminal, TerminalProfile};
use household_core::AppError;
use std::io::{BufRead, IsTerminal, Write};

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
