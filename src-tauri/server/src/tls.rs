//! The server's certificate: made once (self-signed, rcgen) and kept in `<data dir>/tls/`, or
//! configured (a CA-issued chain and key). Desktops pin its SHA-256 fingerprint.

use crate::config::TlsSource;
use household_client::Fingerprint;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The certificate chain and key the server presents.
pub struct ServerCert {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    /// Where it was read from (for the start-up message).
    pub source: PathBuf,
}

impl ServerCert {
    /// The SHA-256 of the leaf certificate: what desktops pin.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self.chain.first().map(|c| c.as_ref()).unwrap_or_default())
    }

    /// A rustls server configuration presenting this certificate (HTTP/2 and 1.1).
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS versions: {e}"))?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .map_err(|e| format!("the certificate and key do not fit together: {e}"))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Loads the configured certificate, or the self-signed one (making it on the first start).
pub fn load(source: &TlsSource, data_dir: &Path) -> Result<ServerCert, String> {
    match source {
        TlsSource::Files { cert, key } => read_pem(cert, key),
        TlsSource::SelfSigned { extra_names } => {
            let dir = data_dir.join("tls");
            let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
            if !cert.exists() || !key.exists() {
                make_self_signed(&dir, &cert, &key, extra_names)?;
            }
            read_pem(&cert, &key)
        }
    }
}

fn read_pem(cert: &Path, key: &Path) -> Result<ServerCert, String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("{}: {e}", cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no certificate in it", cert.display()));
    }
    let key_der =
        PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    Ok(ServerCert {
        chain,
        key: key_der,
        source: cert.to_path_buf(),
    })
}

/// Makes a self-signed certificate (ECDSA P-256; rcgen's default validity) for localhost, 127.0.0.1,
/// this machine's host name and `extra` names; the key file is readable by its owner only.
fn make_self_signed(dir: &Path, cert: &Path, key: &Path, extra: &[String]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names = vec!["localhost".to_string(), "127.0.0.1".into(), "::1".into()];
    if let Some(host) = host_name() {
        names.push(host);
    }
    names.extend(
        extra
            .iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
    );
    names.dedup();
    let mut params =
        rcgen::CertificateParams::new(names).map_err(|e| format!("certificate names: {e}"))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Household Services server");
    let key_pair = rcgen::KeyPair::generate().map_err(|e| format!("certificate key: {e}"))?;
    let certificate = params
        .self_signed(&key_pair)
        .map_err(|e| format!("self-signed certificate: {e}"))?;
    write_private(key, key_pair.serialize_pem().as_bytes())?;
    std::fs::write(cert, certificate.pem()).map_err(|e| format!("{}: {e}", cert.display()))?;
    tracing::info!(cert = %cert.display(), "made a self-signed certificate");
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn host_name() -> Option<String> {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}
