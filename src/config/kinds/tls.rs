//! `tls = { host, port, cert_days, … }`: a TLS handshake and the certificate's days left, issuer
//! and subject. Must not connect.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::values::{NumOrText, RawCertDays};
use super::{Building, Kind, Probes};
use crate::config::FileLoader;
use crate::model::spec::{CertDays, TlsSpec};
use crate::model::ProbeSpec;
use crate::source::vars::Vars;

/// `tls = { host = "shop.example.com", port = 443 }`: a TLS handshake, and the certificate's
/// days left, issuer and subject.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    /// The host to connect to.
    #[schemars(with = "String")]
    pub host: Spanned<String>,
    /// A number, or a string that may use vars (`"{{port}}"`); 443 if not given.
    #[schemars(with = "Option<NumOrText>")]
    pub port: Option<Spanned<NumOrText>>,
    /// The server name sent (the host if not given).
    #[schemars(with = "Option<String>")]
    pub sni: Option<Spanned<String>>,
    /// Days left thresholds (warn 30, crit 7 if not given).
    pub cert_days: Option<RawCertDays>,
    /// A PEM file of extra trusted roots.
    #[schemars(with = "Option<String>")]
    pub ca_cert: Option<Spanned<String>>,
}

impl Kind for RawTls {
    const KEY: &'static str = "tls";

    fn build(raw: Spanned<Self>, loader: &mut FileLoader<'_>, at: &Building<'_>) -> Option<Probes> {
        loader.tls(raw, at.vars).map(super::one)
    }
}

impl FileLoader<'_> {
    fn tls(&mut self, raw: Spanned<RawTls>, vars: &Vars) -> Option<ProbeSpec> {
        let raw = raw.into_inner();
        let before = self.text.diags.len();
        let host = self.expand(&raw.host, vars);
        let sni = raw.sni.as_ref().and_then(|s| self.expand(s, vars));
        let cert_days = raw
            .cert_days
            .as_ref()
            .map(|c| self.cert_days(c))
            .unwrap_or(CertDays {
                warn: Some(30),
                crit: Some(7),
            });
        let ca_cert = raw.ca_cert.as_ref().and_then(|c| self.ca_cert(c, vars));
        let port = match &raw.port {
            Some(p) => self.port(p, vars),
            None => Some(443),
        };
        if self.text.diags.len() > before {
            return None;
        }
        let host = host?;
        Some(ProbeSpec::Tls(TlsSpec {
            sni: sni.unwrap_or_else(|| host.clone()),
            host,
            port: port?,
            cert_days,
            ca_cert,
        }))
    }
}
