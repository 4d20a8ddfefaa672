//! The suite file as written: serde types with spans, before variables, defaults and plugin
//! lookup are applied. Owns the accepted keys; must not resolve or validate meaning.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub timeout: Option<Spanned<String>>,
    pub retries: Option<Spanned<u32>>,
    pub retry_delay: Option<Spanned<String>>,
    pub tags: Option<Vec<Spanned<String>>>,
    pub plugin_dirs: Option<Vec<Spanned<String>>>,
    pub fail_on: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    pub name: Spanned<String>,
    pub tags: Option<Vec<Spanned<String>>>,
    pub timeout: Option<Spanned<String>>,
    pub retries: Option<Spanned<u32>>,
    pub retry_delay: Option<Spanned<String>>,
    pub optional: Option<bool>,
    /// `warning` or `critical`: which states of this check fail the gate, over `--fail-on`.
    pub fail_on: Option<Spanned<String>>,
    /// Names of checks that must end OK or WARNING before this one runs.
    pub needs: Option<Vec<Spanned<String>>>,
    pub nagios: Option<Spanned<RawNagios>>,
    pub exec: Option<Spanned<RawExec>>,
    pub http: Option<Spanned<RawHttp>>,
    pub tls: Option<Spanned<RawTls>>,
    pub tcp: Option<Spanned<RawTcp>>,
    pub dns: Option<Spanned<RawDns>>,
    pub browser: Option<Spanned<RawBrowser>>,
    pub nrpe: Option<Spanned<RawRemoteNrpe>>,
    pub ssh: Option<Spanned<RawRemoteSsh>>,
}

/// `ssh = { command = "check_load -w 5", hosts = ["web1"], user = "nagios" }`: run a plugin on
/// each host through check_by_ssh.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRemoteSsh {
    pub command: Spanned<String>,
    pub hosts: Option<Vec<Spanned<String>>>,
    pub hostgroups: Option<Vec<Spanned<String>>>,
    pub user: Option<Spanned<String>>,
    pub port: Option<u16>,
    pub identity: Option<Spanned<String>>,
    /// `ssh -o` options, e.g. "StrictHostKeyChecking=accept-new".
    pub options: Option<Vec<Spanned<String>>>,
}

/// `nrpe = { command = "check_load", hosts = ["web1", "web2"] }`: run an NRPE command on each
/// host through check_nrpe.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRemoteNrpe {
    pub command: Spanned<String>,
    pub hosts: Option<Vec<Spanned<String>>>,
    /// Hostgroups of this file's `[import] nagios`; each host is reached at its address.
    pub hostgroups: Option<Vec<Spanned<String>>>,
    pub port: Option<u16>,
    pub args: Option<Vec<Spanned<String>>>,
    /// false for daemons started with `-n`.
    pub ssl: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNagios {
    pub plugin: Option<Spanned<String>>,
    pub args: Option<Vec<Spanned<String>>>,
    pub command: Option<Spanned<String>>,
}

/// `exec = { command = "systemctl is-enabled worker" }` or `{ program, args }`: a plain
/// command, OK on exit 0 and CRITICAL otherwise.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExec {
    pub program: Option<Spanned<String>>,
    pub args: Option<Vec<Spanned<String>>>,
    pub command: Option<Spanned<String>>,
}

/// A number or a string, for thresholds written either way (`warn = 0.5`, `warn = "~:0.5"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum NumOrText {
    Int(i64),
    Float(f64),
    Text(String),
}

impl NumOrText {
    pub fn text(&self) -> String {
        match self {
            NumOrText::Int(i) => i.to_string(),
            NumOrText::Float(f) => f.to_string(),
            NumOrText::Text(t) => t.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawThresholds {
    pub warn: Option<Spanned<NumOrText>>,
    pub crit: Option<Spanned<NumOrText>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCertDays {
    pub warn: Option<Spanned<i64>>,
    pub crit: Option<Spanned<i64>>,
}

/// `200`, `"2xx"`, or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawStatus {
    One(NumOrText),
    Many(Vec<NumOrText>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBasicAuth {
    pub user: Spanned<String>,
    pub password: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHttp {
    pub url: Spanned<String>,
    pub method: Option<Spanned<String>>,
    pub headers: Option<toml::Table>,
    pub body: Option<Spanned<String>>,
    pub basic_auth: Option<RawBasicAuth>,
    pub bearer: Option<Spanned<String>>,
    pub follow_redirects: Option<bool>,
    pub insecure: Option<bool>,
    pub ca_cert: Option<Spanned<String>>,
    pub status: Option<Spanned<RawStatus>>,
    pub body_has: Option<Vec<Spanned<String>>>,
    pub body_lacks: Option<Vec<Spanned<String>>>,
    pub body_matches: Option<Vec<Spanned<String>>>,
    pub body_lacks_match: Option<Vec<Spanned<String>>>,
    pub case_sensitive: Option<bool>,
    pub response_headers: Option<Spanned<toml::Table>>,
    pub json: Option<Spanned<toml::Table>>,
    pub time: Option<RawThresholds>,
    pub max_body: Option<Spanned<NumOrText>>,
    pub cert_days: Option<RawCertDays>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    pub host: Spanned<String>,
    pub port: Option<Spanned<NumOrText>>,
    pub sni: Option<Spanned<String>>,
    pub cert_days: Option<RawCertDays>,
    pub ca_cert: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTcp {
    pub host: Spanned<String>,
    pub port: Spanned<NumOrText>,
    pub send: Option<Spanned<String>>,
    pub expect: Option<Spanned<String>>,
    pub case_sensitive: Option<bool>,
    pub time: Option<RawThresholds>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDns {
    pub name: Spanned<String>,
    pub expect: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBrowserSettings {
    pub driver: Option<Spanned<String>>,
    pub remote: Option<Spanned<String>>,
    pub binary: Option<Spanned<String>>,
    pub sessions: Option<Spanned<u32>>,
    pub implicit_wait: Option<Spanned<String>>,
    pub window: Option<Spanned<String>>,
    pub args: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBrowser {
    pub side: Option<Spanned<String>>,
    pub test: Option<Spanned<String>>,
    pub steps: Option<Spanned<Vec<Spanned<toml::Table>>>>,
    pub base_url: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawImport {
    pub side: Option<Vec<Spanned<RawSideImport>>>,
    pub nrpe: Option<Vec<Spanned<RawNrpeImport>>>,
    pub nagios: Option<Spanned<RawNagiosImport>>,
    /// Gherkin feature files or folders of them, relative to the suite file.
    pub features: Option<Vec<Spanned<String>>>,
}

/// `nagios = { config = ["/etc/nagios4/objects/"], resource = "...", hosts = [...], ... }`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNagiosImport {
    pub config: Vec<String>,
    pub resource: Option<String>,
    pub hosts: Option<Vec<Spanned<String>>>,
    pub hostgroups: Option<Vec<Spanned<String>>>,
    pub services: Option<Vec<Spanned<String>>>,
}

/// One entry of `[import] nrpe`: `"nrpe.cfg"` or a [`RawNrpeTable`], with the spans of what it
/// holds (an untagged enum would lose them).
#[derive(Debug)]
pub enum RawNrpeImport {
    File(String),
    Table(RawNrpeTable),
}

impl<'de> Deserialize<'de> for RawNrpeImport {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> serde::de::Visitor<'de> for Entry {
            type Value = RawNrpeImport;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an nrpe.cfg path or a table with `file`")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawNrpeImport, E> {
                Ok(RawNrpeImport::File(v.to_string()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RawNrpeImport, A::Error> {
                RawNrpeTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawNrpeImport::Table)
            }
        }
        deserializer.deserialize_any(Entry)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNrpeTable {
    pub file: String,
    pub commands: Option<Vec<Spanned<String>>>,
    pub args: Option<std::collections::BTreeMap<String, Vec<String>>>,
    pub tags: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSideImport {
    pub file: Spanned<String>,
    pub suites: Option<Vec<Spanned<String>>>,
    pub tests: Option<Vec<Spanned<String>>>,
    pub base_url: Option<Spanned<String>>,
    pub tags: Option<Vec<Spanned<String>>>,
}
