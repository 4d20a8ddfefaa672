//! `dns = { name, expect }`: a name resolved, optionally to the expected addresses. Must not
//! resolve anything.

use std::net::IpAddr;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::{Building, Kind, Probes};
use crate::config::FileLoader;
use crate::model::spec::DnsSpec;
use crate::model::ProbeSpec;
use crate::source::vars::Vars;

/// `dns = { name = "shop.example.com", expect = ["192.0.2.10"] }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDns {
    /// The name to resolve.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Addresses the name must resolve to.
    #[schemars(with = "Option<Vec<String>>")]
    pub expect: Option<Vec<Spanned<String>>>,
}

impl Kind for RawDns {
    const KEY: &'static str = "dns";

    fn build(raw: Spanned<Self>, loader: &mut FileLoader<'_>, at: &Building<'_>) -> Option<Probes> {
        loader.dns(raw, at.vars).map(super::one)
    }
}

impl FileLoader<'_> {
    fn dns(&mut self, raw: Spanned<RawDns>, vars: &Vars) -> Option<ProbeSpec> {
        let raw = raw.into_inner();
        let before = self.text.diags.len();
        let name = self.expand(&raw.name, vars);
        let mut expect = Vec::new();
        for addr in raw.expect.iter().flatten() {
            match addr.get_ref().parse::<IpAddr>() {
                Ok(ip) => expect.push(ip),
                Err(_) => self.text.error(
                    addr.span(),
                    format!("`{}` is not an IP address", addr.get_ref()),
                ),
            }
        }
        if self.text.diags.len() > before {
            return None;
        }
        Some(ProbeSpec::Dns(DnsSpec {
            name: name?,
            expect,
        }))
    }
}
