//! Fan-out over the Nagios ecosystem's own remote execution: `nrpe = { command, hosts }` runs
//! check_nrpe against each host's NRPE daemon, `ssh = { command, hosts }` runs check_by_ssh;
//! one check per host. No agent of ours. Must not run anything.

use std::collections::BTreeMap;
use std::time::Duration;

use toml::Spanned;

use super::raw::{RawRemoteNrpe, RawRemoteSsh};
use super::{Defaults, FileLoader, DEFAULT_TIMEOUT};
use crate::probe::nagios::NagiosSpec;
use crate::probe::ProbeSpec;

type Vars = BTreeMap<String, String>;
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
        let command = self.expand(&raw.command, vars)?;
        let mut extra = Vec::new();
        for a in raw.args.iter().flatten() {
            extra.push(self.expand(a, vars)?);
        }
        let secs = plugin_timeout(timeout);
        self.fan_out(
            "check_nrpe",
            &raw.command,
            &raw.hosts,
            defaults,
            vars,
            |host| {
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
            },
        )
    }

    pub(super) fn remote_ssh(
        &mut self,
        raw: Spanned<RawRemoteSsh>,
        defaults: &Defaults,
        vars: &Vars,
        timeout: Option<Duration>,
    ) -> Option<PerHost> {
        let raw = raw.into_inner();
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
        self.fan_out(
            "check_by_ssh",
            &raw.command,
            &raw.hosts,
            defaults,
            vars,
            |host| {
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
            },
        )
    }

    /// One probe per host running `plugin` with the arguments `args(host)` gives.
    fn fan_out(
        &mut self,
        plugin: &str,
        command: &Spanned<String>,
        hosts: &Spanned<Vec<Spanned<String>>>,
        defaults: &Defaults,
        vars: &Vars,
        args: impl Fn(&str) -> Vec<String>,
    ) -> Option<PerHost> {
        let program = self.resolve_plugin(plugin, command.span(), defaults)?;
        if hosts.get_ref().is_empty() {
            self.error(hosts.span(), "`hosts` lists no host");
            return None;
        }
        let mut out = Vec::new();
        for host in hosts.get_ref() {
            let host = self.expand(host, vars)?;
            let spec = NagiosSpec {
                program: program.clone(),
                args: args(&host),
            };
            out.push((Some(host), ProbeSpec::Nagios(spec)));
        }
        Some(out)
    }
}

/// The remote plugin's own timeout sits just above the check's, so that ours decides.
fn plugin_timeout(timeout: Option<Duration>) -> String {
    (timeout.unwrap_or(DEFAULT_TIMEOUT).as_secs().max(1) + 1).to_string()
}
