//! `ssh = { command, hosts, user }`: a plugin run through check_by_ssh on each host, one check
//! per host. Must not run anything.

use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::remote::{plugin_timeout, PerHost};
use super::{Building, Kind, Probes};
use crate::config::{Defaults, FileLoader};
use crate::source::vars::Vars;

/// `ssh = { command = "check_load -w 5", hosts = ["web1"], user = "nagios" }`: run a plugin on
/// each host through check_by_ssh.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRemoteSsh {
    /// The plugin's command line on the remote host.
    #[schemars(with = "String")]
    pub command: Spanned<String>,
    /// Hosts to run it on: one check each, named `NAME @ HOST`.
    #[schemars(with = "Option<Vec<String>>")]
    pub hosts: Option<Vec<Spanned<String>>>,
    /// Hostgroups of this file's `[import] nagios`; each host is reached at its address.
    #[schemars(with = "Option<Vec<String>>")]
    pub hostgroups: Option<Vec<Spanned<String>>>,
    /// The remote user.
    #[schemars(with = "Option<String>")]
    pub user: Option<Spanned<String>>,
    /// The SSH port (22 if not given).
    pub port: Option<u16>,
    /// A private key file.
    #[schemars(with = "Option<String>")]
    pub identity: Option<Spanned<String>>,
    /// `ssh -o` options, e.g. "StrictHostKeyChecking=accept-new".
    #[schemars(with = "Option<Vec<String>>")]
    pub options: Option<Vec<Spanned<String>>>,
}

impl Kind for RawRemoteSsh {
    const KEY: &'static str = "ssh";
    const FANS_OUT: bool = true;

    fn build(raw: Spanned<Self>, loader: &mut FileLoader<'_>, at: &Building<'_>) -> Option<Probes> {
        loader.remote_ssh(raw, at.defaults, at.vars, at.timeout)
    }
}

impl FileLoader<'_> {
    fn remote_ssh(
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
                let path = self.text.relative(&text);
                if !path.is_file() {
                    self.text.error(
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
}
