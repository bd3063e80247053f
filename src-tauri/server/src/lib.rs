//! `household-server`: owns the business's database (embedded SQLite in its data folder),
//! serves every operation of the core to many desktops over HTTPS, and runs all background
//! work (email, scheduled reports and reminders, exports). No Tauri, GTK or WebKit here.

pub mod config;
pub mod console;
pub mod http;
pub mod limits;
pub mod openapi;
pub mod tls;

use clap::Parser;
use config::{Cli, Command, Settings};
use household_core::{App, AppConfig};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Runs the command line; the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let settings = match cli.options.clone().resolve() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("household-server: {e}");
            return 2;
        }
    };
    init_logging(&settings.log_level);
    household_client::install_crypto_provider();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("household-server: cannot start the async runtime: {e}");
            return 1;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve_until_signal(settings).await,
            Command::CreateAdmin {
                full_name,
                username,
                email,
            } => console::create_admin(&settings, full_name, username, email).await,
            Command::EnrolTerminal { name, profile } => {
                console::enrol_terminal(&settings, name, &profile).await
            }
            Command::Migrate { from_sqlite, to } => {
                console::migrate(&settings, &from_sqlite, &to).await
            }
            Command::Backup { to } => console::backup(&settings, to.as_deref()).await,
            Command::Restore { file } => console::restore(&settings, &file).await,
            Command::Fingerprint => {
                let cert = tls::load(&settings.tls, &settings.data_dir)?;
                println!("{}", cert.fingerprint());
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("household-server: {e}");
            1
        }
    }
}

fn init_logging(level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(level)
        .or_else(|_| tracing_subscriber::EnvFilter::try_new("info"))
        .unwrap_or_default();
    // A second init (tests start several servers) is harmless.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// Opens the database in the data folder and recovers what a crash interrupted.
pub async fn open_core(settings: &Settings) -> Result<Arc<App>, String> {
    std::fs::create_dir_all(&settings.data_dir)
        .map_err(|e| format!("{}: {e}", settings.data_dir.display()))?;
    let mut config = AppConfig::new(&settings.data_dir);
    config.idle_override_secs = settings.idle_timeout_secs;
    config.require_enrolment = settings.require_enrolment;
    config.database_url = settings.database_url.clone();
    config.documents_dir = settings.documents_dir.clone();
    let core = App::open(config)
        .await
        .map_err(|e| match &settings.database_url {
            Some(url) => format!("cannot open the database {}: {e}", config::redact(url)),
            None => format!(
                "cannot open the database in {}: {e}",
                settings.data_dir.display()
            ),
        })?;
    match household_core::exports::recover_interrupted(&core).await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            jobs = n,
            "exports interrupted by the last stop were marked failed"
        ),
        Err(e) => tracing::error!(error = %e, "could not recover interrupted exports"),
    }
    match household_core::email::recover_interrupted(&core).await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(emails = n, "emails interrupted mid-send were marked failed"),
        Err(e) => tracing::error!(error = %e, "could not recover interrupted emails"),
    }
    Ok(Arc::new(core))
}

/// A server running on this process's runtime.
pub struct RunningServer {
    /// The address it listens on (the real port when 0 was asked for).
    pub addr: SocketAddr,
    /// The fingerprint desktops pin (`None` for plain HTTP).
    pub fingerprint: Option<household_client::Fingerprint>,
    pub core: Arc<App>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    /// Stops accepting, lets requests in flight finish (briefly), and returns.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), self.task).await;
    }
}

/// Starts serving (and the background work); returns once it listens.
pub async fn start(settings: &Settings) -> Result<RunningServer, String> {
    let core = open_core(settings).await?;
    let tls = if settings.plain_http {
        None
    } else {
        Some(tls::load(&settings.tls, &settings.data_dir)?)
    };
    let listener = TcpListener::bind(settings.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("listening address: {e}"))?;
    household_core::background::start(core.clone());
    let (stop, stopped) = watch::channel(false);
    let state = Arc::new(http::ServerState {
        core: core.clone(),
        sign_ins: limits::SignInLimiter::default(),
        stopping: stopped.clone(),
    });
    let app = http::router(state);
    let acceptor = match &tls {
        Some(cert) => Some(tokio_rustls::TlsAcceptor::from(cert.server_config()?)),
        None => None,
    };
    let task = tokio::spawn(accept_loop(listener, acceptor, app, stopped));
    Ok(RunningServer {
        addr,
        fingerprint: tls.as_ref().map(tls::ServerCert::fingerprint),
        core,
        stop,
        task,
    })
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    app: axum::Router,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            },
            _ = stopped.changed() => break,
        };
        let service = app
            .clone()
            .layer(axum::Extension(axum::extract::ConnectInfo(peer)));
        let acceptor = acceptor.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let service = hyper_util::service::TowerToHyperService::new(service);
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let result = match acceptor {
                Some(acceptor) => {
                    let tls = match tokio::time::timeout(
                        std::time::Duration::from_secs(10),
                        acceptor.accept(tcp),
                    )
                    .await
                    {
                        Ok(Ok(s)) => s,
                        Ok(Err(e)) => {
                            tracing::debug!(%peer, error = %e, "TLS handshake failed");
                            return;
                        }
                        Err(_) => return,
                    };
                    let conn = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
                    tokio::pin!(conn);
                    tokio::select! {
                        r = conn.as_mut() => r,
                        _ = stopped.changed() => { conn.as_mut().graceful_shutdown(); conn.await }
                    }
                }
                None => {
                    let conn = builder.serve_connection_with_upgrades(TokioIo::new(tcp), service);
                    tokio::pin!(conn);
                    tokio::select! {
                        r = conn.as_mut() => r,
                        _ = stopped.changed() => { conn.as_mut().graceful_shutdown(); conn.await }
                    }
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
}

/// Serves until Ctrl-C or SIGTERM, printing where and with which fingerprint first.
async fn serve_until_signal(settings: Settings) -> Result<(), String> {
    let server = start(&settings).await?;
    let scheme = if server.fingerprint.is_some() {
        "https"
    } else {
        "http"
    };
    println!("Household Services server");
    println!("  listening on   {scheme}://{}", server.addr);
    println!("  data folder    {}", settings.data_dir.display());
    match &settings.database_url {
        Some(url) => println!("  database       PostgreSQL {}", config::redact(url)),
        None => println!("  database       embedded SQLite in the data folder"),
    }
    match &server.fingerprint {
        Some(f) => {
            println!("  certificate    SHA-256 {f}");
            println!(
                "Desktops connecting for the first time show this fingerprint: it must match."
            );
        }
        None => {
            println!("  plain HTTP on a loopback address: put the business's TLS proxy in front")
        }
    }
    if household_core::store::users::count_by_role(
        &server.core.pool,
        household_core::domain::Role::Admin,
    )
    .await
    .map_err(|e| e.to_string())?
        == 0
    {
        println!(
            "No administrator yet: the first desktop that connects offers the set-up screen, \
             or run `household-server create-admin`."
        );
    }
    shutdown_signal().await;
    tracing::info!("stopping");
    server.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
