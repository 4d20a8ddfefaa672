//! Fan-out over the Nagios ecosystem's own remote execution: `nrpe = { command, hosts }` runs
//! check_nrpe against each host's NRPE daemon, `ssh = { command, hosts }` runs check_by_ssh;
//! one check per host. No agent of ours. Must not run anything.

use std::time::Duration;

use toml::Spanned;

use super::raw::{RawRemoteNrpe, RawRemoteSsh};
use super::{Defaults, FileLoader, DEFAULT_TIMEOUT};
use crate::model::spec::NagiosSpec;
use crate::model::ProbeSpec;

use super::vars::Vars;
type PerHost = Vec<(Option<String>, ProbeSpec)>;

impl FileLoader<'_> {
    pub(super) fn remote_nrpe(
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

    pub(super) fn remote_ssh(
        &mut self,
        raw: Spanned<RawRemoteSsh>,
        defaults: &Defaults,
        vars: &Vars,
        timeout: Option<Duration>,
    ) -> Option<PerHost> {
        let raw = raw.into_inner();
        let targets = self.targets(
            &raw.command,
            raw.hosts.as_deref(),
            raw.hostgroups.as_deref(),
            vars,
        )?;
        let command = self.expand(&raw.command, vars)?;
        let user = match &raw.user {
            Some(u) => Some(self.expand(u, vars)?),
            None => None,
        };
        let identity = match &raw.identity {
            Some(i) => {
                let text = self.expand(i, vars)?;
                let path = self.relative(&text);
                if !path.is_file() {
                    self.error(
                        i.span(),
                        format!("identity file {} does not exist", path.display()),
                    );
                    return None;
                }
                Some(path)
            }
            None => None,
        };
        // Never prompt, and keep ssh's own chatter out of the plugin's stderr (check_by_ssh
        // reports any stderr as a failure).
        let mut options = vec!["BatchMode=yes".to_string(), "LogLevel=ERROR".to_string()];
        for o in raw.options.iter().flatten() {
            options.push(self.expand(o, vars)?);
        }
        let secs = plugin_timeout(timeout);
        self.fan_out("check_by_ssh", &raw.command, targets, defaults, |host| {
            let mut args = vec!["-H".to_string(), host.to_string()];
            if let Some(port) = raw.port {
                args.extend(["-p".to_string(), port.to_string()]);
            }
            if let Some(user) = &user {
                args.extend(["-l".to_string(), user.clone()]);
            }
            if let Some(identity) = &identity {
                args.extend(["-i".to_string(), identity.display().to_string()]);
            }
            for o in &options {
                args.extend(["-o".to_string(), o.clone()]);
            }
            args.extend([
                "-t".to_string(),
                secs.clone(),
                "-C".to_string(),
                command.clone(),
            ]);
            args
        })
    }

    /// The hosts to reach, as (name for the check, address to connect to): `hosts` as given,
    /// then the members of `hostgroups` from this file's `[import] nagios`.
    fn targets(
        &mut self,
        command: &Spanned<String>,
        hosts: Option<&[Spanned<String>]>,
        hostgroups: Option<&[Spanned<String>]>,
        vars: &Vars,
    ) -> Option<Vec<(String, String)>> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut known = true;
        for host in hosts.unwrap_or_default() {
            match self.expand(host, vars) {
                Some(host) => out.push((host.clone(), host)),
                None => known = false,
            }
        }
        for group in hostgroups.unwrap_or_default() {
            match self.hostgroups.get(group.get_ref()) {
                Some(members) => {
                    for m in members {
                        if !out.iter().any(|(n, _)| n == &m.0) {
                            out.push(m.clone());
                        }
                    }
                }
                None => self.error(
                    group.span(),
                    format!(
                        "no hostgroup `{}` in this file's [import] nagios",
                        group.get_ref()
                    ),
                ),
            }
        }
        if !known {
            return None;
        }
        if out.is_empty() {
            self.error(
                command.span(),
                "no host to run on: give `hosts` or `hostgroups`",
            );
            return None;
        }
        self.fan_out_hosts = Some(out.iter().map(|(name, _)| name.clone()).collect());
        Some(out)
    }

    /// One probe per target running `plugin` with the arguments `args(address)` gives.
    fn fan_out(
        &mut self,
        plugin: &str,
        command: &Spanned<String>,
        targets: Vec<(String, String)>,
        defaults: &Defaults,
        args: impl Fn(&str) -> Vec<String>,
    ) -> Option<PerHost> {
        let program = self.resolve_plugin(plugin, command.span(), defaults)?;
        Some(
            targets
                .into_iter()
                .map(|(name, address)| {
                    let spec = NagiosSpec {
                        program: program.clone(),
                        args: args(&address),
                    };
                    (Some(name), ProbeSpec::Nagios(spec))
                })
                .collect(),
        )
    }
}

/// The remote plugin's own timeout sits just above the check's, so that ours decides.
fn plugin_timeout(timeout: Option<Duration>) -> String {
    (timeout.unwrap_or(DEFAULT_TIMEOUT).as_secs().max(1) + 1).to_string()
}
