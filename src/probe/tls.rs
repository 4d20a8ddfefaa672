//! The `tls` probe and certificate inspection shared with `http`: connect, handshake, and report
//! the certificate's days left, issuer and subject — also when it is expired, self-signed or for
//! another host, where a plain client would only say "handshake failed".
//! Must not retry, time itself out or print.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use super::{Phase, ProbeCtx};
use crate::model::spec::{CertDays, TlsSpec};
use crate::model::{Label, Outcome, Perfdata, State};

/// What the presented leaf certificate says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub not_after: String,
    /// Whole days left, rounded down: an expired certificate has a negative count.
    pub days_left: i64,
    /// Seconds left (negative once expired): hours matter on the last day.
    pub secs_left: i64,
    pub expired: bool,
    pub self_signed: bool,
}

impl CertInfo {
    pub fn parse(der: &[u8]) -> Result<CertInfo, String> {
        let (_, cert) = x509_parser::parse_x509_certificate(der)
            .map_err(|e| format!("cannot parse the server certificate: {e}"))?;
        let not_after = cert.validity().not_after;
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let secs_left = not_after.timestamp() - now;
        Ok(CertInfo {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_after: not_after.to_string(),
            days_left: secs_left.div_euclid(86_400),
            secs_left,
            expired: secs_left < 0,
            self_signed: cert.subject() == cert.issuer(),
        })
    }

    /// "expires in 41 days" / "expired 3 days ago (not after ...)" / "expired 5h ago (...)".
    pub fn describe_days(&self) -> String {
        if self.expired {
            let ago = self.secs_left.unsigned_abs();
            let when = match ago {
                0..=59 => format!("{ago}s"),
                60..=3599 => format!("{}min", ago / 60),
                3600..=86_399 => format!("{}h", ago / 3600),
                _ => {
                    let days = ago / 86_400;
                    format!("{days} day{}", if days == 1 { "" } else { "s" })
                }
            };
            format!(
                "certificate expired {when} ago (not after {})",
                self.not_after
            )
        } else if self.secs_left < 86_400 {
            let left = self.secs_left;
            let when = if left < 3600 {
                format!("{}min", left / 60)
            } else {
                format!("{}h", left / 3600)
            };
            format!(
                "certificate expires in {when} (not after {})",
                self.not_after
            )
        } else {
            let d = self.days_left;
            format!(
                "certificate expires in {d} day{}",
                if d == 1 { "" } else { "s" }
            )
        }
    }

    pub fn evidence(&self) -> String {
        format!(
            "subject: {}\nissuer: {}{}\nnot after: {}",
            self.subject,
            self.issuer,
            if self.self_signed {
                " (self-signed)"
            } else {
                ""
            },
            self.not_after
        )
    }
}

/// Makes ring the process's rustls provider (idempotent): reqwest and thirtyfour are built
/// without one of their own.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Trusted roots: the system store, Mozilla's roots, and an optional extra PEM file.
pub fn root_store(ca_cert: Option<&std::path::Path>) -> Result<rustls::RootCertStore, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_cert {
        for cert in crate::pem::read_certs(path)? {
            roots
                .add(cert)
                .map_err(|e| format!("cannot trust {}: {e}", path.display()))?;
        }
    }
    Ok(roots)
}

/// The presented leaf (DER) and the verdict of a real verification.
type Seen = (Vec<u8>, Result<(), String>);

/// A verifier that runs the real WebPKI verification, records its verdict and the presented
/// leaf, and lets the handshake finish so that a bad certificate can still be described.
#[derive(Debug)]
struct Recording {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
    seen: Mutex<Option<Seen>>,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map(|_| ())
            .map_err(|e| e.to_string());
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((end_entity.to_vec(), verdict));
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

/// The result of one handshake: the leaf certificate and whether it verified.
pub struct Inspection {
    pub cert: CertInfo,
    pub verified: Result<(), String>,
}

/// Connects and completes a handshake whatever the certificate, then reports on it.
pub async fn inspect(
    host: &str,
    port: u16,
    sni: &str,
    ca_cert: Option<&std::path::Path>,
    phase: Option<&Phase>,
) -> Result<Inspection, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = Arc::new(root_store(ca_cert)?);
    let inner =
        rustls::client::WebPkiServerVerifier::builder_with_provider(roots, Arc::clone(&provider))
            .build()
            .map_err(|e| format!("cannot set up certificate verification: {e}"))?;
    let recording = Arc::new(Recording {
        inner,
        seen: Mutex::new(None),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::clone(&recording) as Arc<dyn ServerCertVerifier>)
        .with_no_client_auth();
    let name = ServerName::try_from(sni.to_string())
        .map_err(|e| format!("invalid server name `{sni}`: {e}"))?;
    if let Some(phase) = phase {
        phase.set(format!("connecting to {host}:{port}"));
    }
    let tcp = tokio::net::TcpStream::connect((host, port))
        .await
        .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
    if let Some(phase) = phase {
        phase.set(format!(
            "in the TLS handshake with {host}:{port} (SNI {sni})"
        ));
    }
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let handshake = connector.connect(name, tcp).await;
    let seen = recording
        .seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    let Some((der, verified)) = seen else {
        return Err(match handshake {
            Err(e) => format!("TLS handshake with {host}:{port} failed: {e}"),
            Ok(_) => "the server presented no certificate".to_string(),
        });
    };
    if let Err(e) = handshake {
        return Err(format!("TLS handshake with {host}:{port} failed: {e}"));
    }
    Ok(Inspection {
        cert: CertInfo::parse(&der)?,
        verified,
    })
}

/// The state and message for a certificate under `cert_days`, with perfdata and evidence.
pub fn judge(cert: &CertInfo, verified: &Result<(), String>, days: &CertDays) -> Outcome {
    let (state, summary) = match verified {
        _ if cert.expired => (State::Critical, cert.describe_days()),
        Err(why) => (State::Critical, format!("certificate not trusted: {why}")),
        Ok(()) => (days.state(cert.days_left), cert.describe_days()),
    };
    let mut perf = Perfdata::new("cert_days", cert.days_left as f64, "");
    perf.warn = days.warn.map(|w| format!("{w}:"));
    perf.crit = days.crit.map(|c| format!("{c}:"));
    let mut outcome =
        Outcome::new(state, summary).with_evidence(Label::Certificate, cert.evidence());
    if let Err(why) = verified {
        outcome = outcome.with_evidence(Label::Verification, why.clone());
    }
    outcome.perfdata.push(perf);
    // The certificate the server presents: asking again shows the same one.
    if state != State::Ok {
        outcome = outcome.settle();
    }
    outcome
}

pub async fn run(spec: &TlsSpec, ctx: &ProbeCtx) -> Outcome {
    let start = Instant::now();
    let inspection = inspect(
        &spec.host,
        spec.port,
        &spec.sni,
        spec.ca_cert.as_deref(),
        Some(&ctx.phase),
    );
    match inspection.await {
        Ok(inspection) => {
            let mut outcome = judge(&inspection.cert, &inspection.verified, &spec.cert_days);
            outcome.summary = format!("TLS {}: {} ({})", outcome.state, outcome.summary, spec.sni);
            outcome.perfdata.push(Perfdata::new(
                "time",
                round_ms(start.elapsed().as_secs_f64()),
                "s",
            ));
            outcome
        }
        Err(why) => Outcome::new(State::Critical, format!("TLS CRITICAL: {why}")),
    }
}

/// Seconds rounded to the microsecond, for perfdata.
pub fn round_ms(secs: f64) -> f64 {
    (secs * 1_000_000.0).round() / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(secs_left: i64) -> CertInfo {
        CertInfo {
            subject: "CN=x".into(),
            issuer: "CN=ca".into(),
            not_after: "Jan  1 00:00:00 2030 +00:00".into(),
            days_left: secs_left.div_euclid(86_400),
            secs_left,
            expired: secs_left < 0,
            self_signed: false,
        }
    }

    #[test]
    fn expiry_is_told_in_the_unit_that_matters() {
        let said = |secs: i64| cert(secs).describe_days();
        assert_eq!(
            said(-5 * 3600 - 60),
            "certificate expired 5h ago (not after Jan  1 00:00:00 2030 +00:00)"
        );
        assert!(said(-3 * 86_400 - 7200).starts_with("certificate expired 3 days ago (not after"));
        assert!(said(-90).starts_with("certificate expired 1min ago"));
        assert!(said(5 * 3600 + 10).starts_with("certificate expires in 5h (not after"));
        assert_eq!(said(41 * 86_400 + 5), "certificate expires in 41 days");
        assert_eq!(
            cert(-5 * 3600).days_left,
            -1,
            "an expired certificate has no day left"
        );
        let judged = judge(&cert(-5 * 3600), &Ok(()), &CertDays::default());
        assert_eq!(judged.state, State::Critical);
    }
}
