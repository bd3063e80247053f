//! The desktop's log: to stderr as before, and to a daily file in the OS log folder
//! (`household-services.YYYY-MM-DD.log`, the newest 7 kept) through tracing-appender. The
//! folder is only known once Tauri has started, so the file layer writes nowhere until
//! [`start_file`] opens it. With an explicit `--data-dir` (tests, several instances side by
//! side) the log goes to `<data-dir>/logs` instead, so instances do not share one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tracing_appender::non_blocking::{NonBlocking, WorkerGuard};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Log files start with this.
pub const FILE_PREFIX: &str = "household-services";
/// Daily files kept.
pub const KEEP_FILES: usize = 7;

/// The file writer once it is open.
#[derive(Clone, Default)]
pub struct LateFile(Arc<OnceLock<NonBlocking>>);

/// Where the log goes, for the About dialog; keeps the writer's flushing thread alive.
pub struct LogFolder {
    pub dir: PathBuf,
    _guard: WorkerGuard,
}

/// A writer to the file, or to nowhere before it is open.
pub enum LateWriter {
    File(NonBlocking),
    Nowhere,
}

impl Write for LateWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            LateWriter::File(w) => w.write(buf),
            LateWriter::Nowhere => Ok(buf.len()),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            LateWriter::File(w) => w.flush(),
            LateWriter::Nowhere => Ok(()),
        }
    }
}

impl<'a> MakeWriter<'a> for LateFile {
    type Writer = LateWriter;
    fn make_writer(&'a self) -> Self::Writer {
        match self.0.get() {
            Some(w) => LateWriter::File(w.clone()),
            None => LateWriter::Nowhere,
        }
    }
}

/// Installs the global subscriber (stderr now, the file once opened); returns the file's
/// handle for [`start_file`].
pub fn init() -> LateFile {
    let file = LateFile::default();
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "info,sqlx=warn".into())
    };
    let _ = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_filter(filter()))
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(file.clone())
                .with_filter(filter()),
        )
        .try_init();
    file
}

use tracing_subscriber::Layer as _;

/// Opens the daily log file in `dir` (created if needed).
pub fn start_file(file: &LateFile, dir: &Path) -> Result<LogFolder, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("log folder {}: {e}", dir.display()))?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(|e| format!("log file in {}: {e}", dir.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let _ = file.0.set(writer);
    Ok(LogFolder {
        dir: dir.to_path_buf(),
        _guard: guard,
    })
}

/// The last `n` lines of the newest log file in `dir`, with anything that looks like a
/// secret masked (a diagnostics report must never carry a token or a password).
pub fn last_lines(dir: &Path, n: usize) -> Vec<String> {
    let newest = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(FILE_PREFIX))
        .max_by_key(|e| e.file_name());
    let Some(newest) = newest else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(newest.path()).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| redact(l))
        .collect()
}

/// Masks runs of 32+ hex digits (session tokens, terminal keys) and the value after
/// `password`, `token` or `key` (`=`/`:`).
pub fn redact(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        if run >= 32 {
            out.push_str("[redacted]");
            i += run;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    for word in ["password", "token", "key"] {
        out = mask_after(&out, word);
    }
    out
}

fn mask_after(line: &str, word: &str) -> String {
    let lower = line.to_ascii_lowercase();
    let mut out = String::new();
    let mut rest = 0;
    let mut search = 0;
    while let Some(at) = lower[search..].find(word) {
        let start = search + at + word.len();
        let after = &line[start..];
        let sep = after
            .char_indices()
            .take_while(|(_, c)| matches!(c, '=' | ':' | ' ' | '"'))
            .last()
            .map(|(i, c)| i + c.len_utf8());
        match sep {
            Some(len) if after[..len].contains(['=', ':']) => {
                let value_start = start + len;
                let value_len = line[value_start..]
                    .find(|c: char| c.is_whitespace() || c == '"' || c == ',')
                    .unwrap_or(line.len() - value_start);
                if value_len > 0 {
                    out.push_str(&line[rest..value_start]);
                    out.push_str("[redacted]");
                    rest = value_start + value_len;
                }
                search = value_start + value_len.max(1).min(line.len() - value_start);
            }
            _ => search = start,
        }
        if search >= line.len() {
            break;
        }
    }
    out.push_str(&line[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_reach_a_diagnostics_report() {
        let token = "a".repeat(64);
        assert_eq!(
            redact(&format!("session {token} ended")),
            "session [redacted] ended"
        );
        assert_eq!(
            redact("smtp password=hunter2 host=mail"),
            "smtp password=[redacted] host=mail"
        );
        assert_eq!(
            redact(r#"{"token": "abc", "x": 1}"#),
            r#"{"token": "[redacted]", "x": 1}"#
        );
        assert_eq!(redact("key: s3cret"), "key: [redacted]");
        // Ordinary lines are left alone.
        assert_eq!(
            redact("INFO starting data_dir=/tmp/x"),
            "INFO starting data_dir=/tmp/x"
        );
        assert_eq!(redact("keyboard shortcut"), "keyboard shortcut");
    }

    #[test]
    fn the_newest_file_gives_the_last_lines() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("household-services.2026-12-01.log"),
            "old\n",
        )
        .unwrap();
        let lines: String = (1..=50).map(|i| format!("line {i}\n")).collect();
        std::fs::write(dir.path().join("household-services.2026-12-02.log"), lines).unwrap();
        assert_eq!(last_lines(dir.path(), 2), ["line 49", "line 50"]);
        assert!(last_lines(&dir.path().join("none"), 5).is_empty());
    }
}
