//! `tcp = { host, port, send, expect }`: a connection, and optionally a line sent and text
//! expected. Must not connect.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::values::{NumOrText, RawThresholds};
use super::{Building, Kind, Probes};
use crate::config::FileLoader;
use crate::model::spec::TcpSpec;
use crate::model::ProbeSpec;
use crate::source::vars::Vars;

/// `tcp = { host = "{{host}}", port = 5672, send = "PING\r\n", expect = "PONG" }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTcp {
    /// The host to connect to.
    #[schemars(with = "String")]
    pub host: Spanned<String>,
    /// A number, or a string that may use vars (`"{{port}}"`).
    #[schemars(with = "NumOrText")]
    pub port: Spanned<NumOrText>,
    /// Text sent once connected.
    #[schemars(with = "Option<String>")]
    pub send: Option<Spanned<String>>,
    /// Text the reply must contain (case-insensitive unless `case_sensitive`).
    #[schemars(with = "Option<String>")]
    pub expect: Option<Spanned<String>>,
    /// Compare `expect` as written.
    pub case_sensitive: Option<bool>,
    /// Connect (and reply) time thresholds, in seconds.
    pub time: Option<RawThresholds>,
}

impl Kind for RawTcp {
    const KEY: &'static str = "tcp";

    fn build(raw: Spanned<Self>, loader: &mut FileLoader<'_>, at: &Building<'_>) -> Option<Probes> {
        loader.tcp(raw, at.vars).map(super::one)
    }
}

impl FileLoader<'_> {
    fn tcp(&mut self, raw: Spanned<RawTcp>, vars: &Vars) -> Option<ProbeSpec> {
        let raw = raw.into_inner();
        let before = self.text.diags.len();
        let host = self.expand(&raw.host, vars);
        let send = raw.send.as_ref().and_then(|s| self.expand(s, vars));
        let expect = raw
            .expect
            .as_ref()
            .and_then(|s| self.needle("expect", s, vars));
        let time = raw
            .time
            .as_ref()
            .map(|t| self.thresholds(t))
            .unwrap_or_default();
        let port = self.port(&raw.port, vars);
        if self.text.diags.len() > before {
            return None;
        }
        Some(ProbeSpec::Tcp(TcpSpec {
            host: host?,
            port: port?,
            send,
            expect,
            case_sensitive: raw.case_sensitive.unwrap_or(false),
            time,
        }))
    }
}
