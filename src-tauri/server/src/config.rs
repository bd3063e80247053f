//! The server's options: command line, then environment variables, then `server.toml` in the
//! data folder, then defaults (the first one that says something wins).

use clap::{Parser, Subcommand};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The port the server listens on by default.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:8443";

/// Household Services server: owns the business's database and serves every desktop (admin
/// offices, professionals' laptops, counter terminals) over HTTPS. Desktops connect with
/// "Connect to a server" on their first-run screen and confirm the certificate fingerprint
/// this server prints at start-up.
#[derive(Debug, Parser)]
#[command(name = "household-server", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub options: Options,
}

/// What to do (serving is the default).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Create the business's first administrator from this console (only while none exists).
    /// The password is read from the terminal (twice, not echoed) or, when stdin is not a
    /// terminal, from its first line.
    CreateAdmin {
        /// The administrator's full name.
        #[arg(long)]
        full_name: String,
        /// Their username (3-32 of a-z 0-9 . _ -).
        #[arg(long)]
        username: String,
        /// Their email address.
        #[arg(long)]
        email: String,
    },
    /// Print the SHA-256 fingerprint of the server's certificate (creating it if needed).
    Fingerprint,
    /// Add a terminal and print its one-time enrolment code (as Admin → Terminals does), for
    /// when no administrator can sign in to do it.
    EnrolTerminal {
        /// The computer's name, like "Counter 2".
        #[arg(long)]
        name: String,
        /// staff (any role signs in) or counter (customers only, kiosk).
        #[arg(long, default_value = "staff")]
        profile: String,
    },
    /// Copy a SQLite business (a desktop's or server's data folder, documents included) into a new, empty PostgreSQL database, verified table by table.
    Migrate {
        /// The data folder holding household.sqlite3 and documents/ (stop what uses it first).
        #[arg(long, value_name = "DIR")]
        from_sqlite: PathBuf,
        /// The empty PostgreSQL database (postgres://user:password@host:5432/household).
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Back up this server's SQLite business (database and documents) into one verified archive, while it runs.
    Backup {
        /// The folder to write it to (default: the backup folder set in Admin → Backups).
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
    },
    /// Restore a backup archive into this server's data folder (stop the server first); the replaced database is kept under before-restore/.
    Restore {
        /// The backup archive (household-backup-….tar.gz).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// Options shared by every command. Each can also be set by its environment variable or in
/// `server.toml` in the data folder (same names, with `_` instead of `-`).
#[derive(Debug, Clone, Default, clap::Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Folder of the database, uploaded documents, exports and the TLS certificate
    /// [default: $XDG_DATA_HOME/household-server, or ~/.local/share/household-server].
    #[arg(long, env = "HS_SERVER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// The business's PostgreSQL database (`postgres://user:password@host:5432/household`);
    /// without it the server keeps an embedded SQLite database in the data folder. Several
    /// server instances may share one PostgreSQL database.
    #[arg(long, env = "HS_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Folder of uploaded documents [default: <data dir>/documents]; with several server
    /// instances on one PostgreSQL, a folder they all share.
    #[arg(long, env = "HS_DOCUMENTS_DIR")]
    pub documents_dir: Option<PathBuf>,
    /// Address and port to listen on [default: 0.0.0.0:8443].
    #[arg(long, env = "HS_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// A CA-issued certificate chain (PEM) to use instead of the self-signed one.
    #[arg(long, env = "HS_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "HS_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Extra host names or IP addresses the self-signed certificate is made for (comma
    /// separated; localhost, 127.0.0.1 and this machine's host name are always included).
    #[arg(long, env = "HS_HOSTNAMES", value_delimiter = ',')]
    pub hostname: Option<Vec<String>>,
    /// Serve plain HTTP instead of HTTPS: only allowed when listening on a loopback address,
    /// behind the business's own TLS proxy on the same machine.
    #[arg(long, env = "HS_PLAIN_HTTP", num_args = 0..=1, default_missing_value = "true")]
    pub plain_http: Option<bool>,
    /// Log level or filter, e.g. info, debug, household_server=debug [default: info].
    #[arg(long, env = "HS_LOG")]
    pub log_level: Option<String>,
    /// Admit only enrolled machines (each enrolled by an admin with a one-time code)
    /// [default: true].
    #[arg(long, env = "HS_REQUIRE_ENROLMENT", num_args = 0..=1, default_missing_value = "true")]
    pub require_enrolment: Option<bool>,
    /// Pin the idle sign-out in seconds (overrides the business settings; tests, kiosks).
    #[arg(long, env = "HS_IDLE_TIMEOUT_SECS")]
    pub idle_timeout_secs: Option<u32>,
    /// The configuration file [default: <data dir>/server.toml].
    #[arg(long, env = "HS_SERVER_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
}

/// The options after merging every source.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// PostgreSQL instead of the embedded SQLite.
    pub database_url: Option<String>,
    pub documents_dir: Option<PathBuf>,
    pub listen: SocketAddr,
    pub tls: TlsSource,
    pub plain_http: bool,
    pub log_level: String,
    pub idle_timeout_secs: Option<u32>,
    /// Only enrolled machines may call.
    pub require_enrolment: bool,
}

impl Settings {
    /// A server on a free loopback port with its own self-signed certificate, warnings
    /// only, admitting machines without enrolment: what tests and benchmarks start.
    pub fn loopback(data_dir: impl Into<PathBuf>) -> Self {
        Settings {
            data_dir: data_dir.into(),
            database_url: None,
            documents_dir: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: TlsSource::SelfSigned {
                extra_names: vec![],
            },
            plain_http: false,
            log_level: "warn".into(),
            idle_timeout_secs: None,
            require_enrolment: false,
        }
    }
}

/// Where the server's certificate comes from.
#[derive(Debug, Clone)]
pub enum TlsSource {
    /// Made once and kept in `<data dir>/tls/`, for these extra names.
    SelfSigned { extra_names: Vec<String> },
    /// Configured files.
    Files { cert: PathBuf, key: PathBuf },
}

impl Options {
    /// Fills what this set leaves open from `other`.
    fn or(self, other: Options) -> Options {
        Options {
            data_dir: self.data_dir.or(other.data_dir),
            database_url: self.database_url.or(other.database_url),
            documents_dir: self.documents_dir.or(other.documents_dir),
            listen: self.listen.or(other.listen),
            tls_cert: self.tls_cert.or(other.tls_cert),
            tls_key: self.tls_key.or(other.tls_key),
            hostname: self.hostname.or(other.hostname),
            plain_http: self.plain_http.or(other.plain_http),
            log_level: self.log_level.or(other.log_level),
            idle_timeout_secs: self.idle_timeout_secs.or(other.idle_timeout_secs),
            require_enrolment: self.require_enrolment.or(other.require_enrolment),
            config: self.config.or(other.config),
        }
    }

    /// Merges the configuration file (if any) under these options and checks the result.
    pub fn resolve(self) -> Result<Settings, String> {
        let data_dir = self.data_dir.clone().unwrap_or_else(default_data_dir);
        let file = self
            .config
            .clone()
            .unwrap_or_else(|| data_dir.join("server.toml"));
        let merged = self.or(read_file(&file)?);
        let data_dir = merged.data_dir.unwrap_or(data_dir);
        let listen = match merged.listen {
            Some(l) => l,
            None => DEFAULT_LISTEN
                .parse()
                .map_err(|e| format!("default listen address: {e}"))?,
        };
        let plain_http = merged.plain_http.unwrap_or(false);
        if plain_http && !listen.ip().is_loopback() {
            return Err(format!(
                "--plain-http is only allowed on a loopback address (127.0.0.1 or ::1), not {listen}: \
                 put the business's TLS proxy in front, or let the server use TLS itself"
            ));
        }
        let tls = match (merged.tls_cert, merged.tls_key) {
            (Some(cert), Some(key)) => TlsSource::Files { cert, key },
            (None, None) => TlsSource::SelfSigned {
                extra_names: merged.hostname.unwrap_or_default(),
            },
            _ => return Err("tls_cert and tls_key go together".into()),
        };
        if let Some(url) = &merged.database_url {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(format!(
                    "database_url must be a PostgreSQL URL (postgres://user:password@host:5432/db), not {:?}",
                    redact(url)
                ));
            }
        }
        Ok(Settings {
            data_dir,
            database_url: merged.database_url,
            documents_dir: merged.documents_dir,
            listen,
            tls,
            plain_http,
            log_level: merged.log_level.unwrap_or_else(|| "info".into()),
            idle_timeout_secs: merged.idle_timeout_secs,
            require_enrolment: merged.require_enrolment.unwrap_or(true),
        })
    }
}

/// A database URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "(not a URL)".into(),
    }
}

fn read_file(path: &Path) -> Result<Options, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Options::default()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("household-server")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_wins_over_the_file_which_wins_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("server.toml"),
            "listen = \"127.0.0.1:9000\"\nlog_level = \"debug\"\nplain_http = true\n",
        )
        .unwrap();
        let cli = Options {
            data_dir: Some(dir.path().into()),
            log_level: Some("warn".into()),
            ..Default::default()
        };
        let s = cli.resolve().unwrap();
        assert_eq!(s.listen.to_string(), "127.0.0.1:9000");
        assert_eq!(s.log_level, "warn");
        assert!(s.plain_http);
        assert!(matches!(s.tls, TlsSource::SelfSigned { .. }));
    }

    #[test]
    fn migrate_takes_a_folder_and_a_url() {
        let cli = Cli::try_parse_from([
            "household-server",
            "migrate",
            "--from-sqlite",
            "/srv/old",
            "--to",
            "postgres://u@db/household",
        ])
        .unwrap();
        match cli.command {
            Some(Command::Migrate { from_sqlite, to }) => {
                assert_eq!(from_sqlite, PathBuf::from("/srv/old"));
                assert_eq!(to, "postgres://u@db/household");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            Cli::try_parse_from(["household-server", "migrate", "--to", "postgres://x"]).is_err()
        );
    }

    #[test]
    fn plain_http_only_on_loopback_and_unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = Options {
            data_dir: Some(dir.path().into()),
            listen: Some("0.0.0.0:8080".parse().unwrap()),
            plain_http: Some(true),
            ..Default::default()
        }
        .resolve()
        .unwrap_err();
        assert!(err.contains("loopback"), "{err}");
        std::fs::write(dir.path().join("server.toml"), "lisen = \"x\"\n").unwrap();
        let err = Options {
            data_dir: Some(dir.path().into()),
            ..Default::default()
        }
        .resolve()
        .unwrap_err();
        assert!(err.contains("server.toml"), "{err}");
    }
}
