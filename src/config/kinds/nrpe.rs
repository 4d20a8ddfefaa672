//! `nrpe = { command, hosts }`: an NRPE command run through check_nrpe on each host's daemon,
//! one check per host. Must not run anything.

use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::remote::{plugin_timeout, PerHost};
use super::{Building, Kind, Probes};
use crate::config::{Defaults, FileLoader};
use crate::source::vars::Vars;

/// `nrpe = { command = "check_load", hosts = ["web1", "web2"] }`: run an NRPE command on each
/// host through check_nrpe.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRemoteNrpe {
    /// The NRPE command's name, as the daemon's nrpe.cfg defines it.
    #[schemars(with = "String")]
    pub command: Spanned<String>,
    /// Hosts to run it on: one check each, named `NAME @ HOST`.
    #[schemars(with = "Option<Vec<String>>")]
    pub hosts: Option<Vec<Spanned<String>>>,
    /// Hostgroups of this file's `[import] nagios`; each host is reached at its address.
    #[schemars(with = "Option<Vec<String>>")]
    pub hostgroups: Option<Vec<Spanned<String>>>,
    /// The NRPE daemon's port (5666 if not given).
    pub port: Option<u16>,
    /// Arguments for a command that uses `$ARGn$`.
    #[schemars(with = "Option<Vec<String>>")]
    pub args: Option<Vec<Spanned<String>>>,
    /// false for daemons started with `-n`.
    pub ssl: Option<bool>,
}

impl Kind for RawRemoteNrpe {
    const KEY: &'static str = "nrpe";
    const FANS_OUT: bool = true;

    fn build(raw: Spanned<Self>, loader: &mut FileLoader<'_>, at: &Building<'_>) -> Option<Probes> {
        loader.remote_nrpe(raw, at.defaults, at.vars, at.timeout)
    }
}

impl FileLoader<'_> {
    fn remote_nrpe(
        &mut self,
        raw: Spanned<RawRemoteNrpe>,
        defaults: &Defaults,
        vars: &Vars,
        timeout: Option<Duration>,
    ) -> Option<PerHost> {
        let raw = raw.into_inner();
        // The hosts first: they name the checks, even when the command cannot be set.
        let targets = self.targets(
            &raw.command,
            raw.hosts.as_deref(),
            raw.hostgroups.as_deref(),
            vars,
        )?;
        let command = self.expand(&raw.command, vars)?;
        let mut extra = Vec::new();
        for a in raw.args.iter().flatten() {
            extra.push(self.expand(a, vars)?);
        }
        let secs = plugin_timeout(timeout);
        self.fan_out("check_nrpe", &raw.command, targets, defaults, |host| {
            let mut args = vec!["-H".to_string(), host.to_string()];
            if let Some(port) = raw.port {
                args.extend(["-p".to_string(), port.to_string()]);
            }
            if raw.ssl == Some(false) {
                args.push("-n".to_string());
            }
            args.extend([
                "-t".to_string(),
                secs.clone(),
                "-c".to_string(),
                command.clone(),
            ]);
            if !extra.is_empty() {
                args.push("-a".to_string());
                args.extend(extra.iter().cloned());
            }
            args
        })
    }
}
