//! Certificate pinning: trust the one certificate whose SHA-256 the person confirmed.

use household_core::error::AppError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The SHA-256 of a certificate (DER), shown as 32 colon-separated hex pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER certificate.
    pub fn of(der: &[u8]) -> Self {
        Fingerprint(Sha256::digest(der).into())
    }

    /// Parses `AB:CD:…` (case, colons and spaces are optional).
    pub fn parse(text: &str) -> Option<Self> {
        let hex: String = text
            .chars()
            .filter(|c| !matches!(c, ':' | ' ' | '-'))
            .collect();
        let bytes = hex::decode(hex).ok()?;
        Some(Fingerprint(bytes.try_into().ok()?))
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|b| format!("{b:02X}")).collect();
        f.write_str(&parts.join(":"))
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Accepts the server's certificate only if it is the pinned one; remembers what it saw
/// otherwise, so the refusal can name it.
#[derive(Debug)]
pub(crate) struct PinnedVerifier {
    expected: Fingerprint,
    mismatch: Mutex<Option<Fingerprint>>,
    provider: Arc<CryptoProvider>,
}

impl PinnedVerifier {
    pub(crate) fn new(expected: Fingerprint) -> Self {
        PinnedVerifier {
            expected,
            mismatch: Mutex::default(),
            provider: provider(),
        }
    }

    /// The fingerprint of a refused certificate, if the last handshake refused one.
    pub(crate) fn mismatch(&self) -> Option<Fingerprint> {
        *self.mismatch.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = Fingerprint::of(end_entity.as_ref());
        let mut mismatch = self.mismatch.lock().unwrap_or_else(|p| p.into_inner());
        if seen == self.expected {
            *mismatch = None;
            Ok(ServerCertVerified::assertion())
        } else {
            *mismatch = Some(seen);
            Err(rustls::Error::General(format!(
                "certificate {seen} is not the pinned one"
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A TLS client configuration that trusts what `verifier` trusts.
pub(crate) fn client_config(verifier: Arc<dyn ServerCertVerifier>) -> rustls::ClientConfig {
    let mut config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|_| {
            rustls::ClientConfig::builder_with_provider(provider())
                .with_protocol_versions(rustls::DEFAULT_VERSIONS)
                .unwrap_or_else(|e| panic!("ring supports the default TLS versions: {e}"))
        })
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config
}

/// Records the certificate it is shown and accepts it: only for [`probe_fingerprint`],
/// which sends nothing over the connection.
#[derive(Debug)]
struct Recorder {
    seen: Mutex<Option<Fingerprint>>,
    inner: PinnedVerifier,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(Fingerprint::of(end_entity.as_ref()));
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Connects to a server, completes the TLS handshake and returns its certificate's
/// fingerprint, for the person to compare with the one the server printed. Nothing is sent.
pub async fn probe_fingerprint(address: &crate::ServerAddress) -> Result<Fingerprint, AppError> {
    crate::install_crypto_provider();
    let (host, port) = address.host_port();
    let unreachable = |what: String| {
        AppError::Unavailable(format!(
            "Could not reach a server at {address}: {what}. Check the address and that the server runs."
        ))
    };
    let recorder = Arc::new(Recorder {
        seen: Mutex::default(),
        inner: PinnedVerifier::new(Fingerprint([0; 32])),
    });
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config(recorder.clone())));
    let name = ServerName::try_from(host.clone())
        .map_err(|_| AppError::validation("address", "That is not a valid host name."))?;
    let attempt = async {
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        connector
            .connect(name, tcp)
            .await
            .map_err(|e| unreachable(format!("TLS handshake failed ({e})")))
    };
    let _stream = tokio::time::timeout(Duration::from_secs(5), attempt)
        .await
        .map_err(|_| unreachable("no answer within 5 seconds".into()))??;
    let seen = *recorder.seen.lock().unwrap_or_else(|p| p.into_inner());
    seen.ok_or_else(|| unreachable("no certificate was presented".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_print_and_parse() {
        let f = Fingerprint::of(b"certificate");
        let text = f.to_string();
        assert_eq!(text.len(), 32 * 3 - 1);
        assert_eq!(Fingerprint::parse(&text), Some(f));
        assert_eq!(
            Fingerprint::parse(&text.replace(':', "").to_lowercase()),
            Some(f)
        );
        assert_eq!(Fingerprint::parse("AB:CD"), None);
    }
}
