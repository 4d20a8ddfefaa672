//! What `nrpe` and `ssh` checks share: the Nagios ecosystem's own remote execution fanned out
//! over hosts (`hosts`, and `hostgroups` of this file's `[import] nagios`), one check per host.
//! No agent of ours. Must not run anything.

use std::time::Duration;

use toml::Spanned;

use crate::config::{Defaults, FileLoader, DEFAULT_TIMEOUT};
use crate::model::spec::NagiosSpec;
use crate::model::ProbeSpec;
use crate::source::vars::Vars;

pub(super) type PerHost = Vec<(Option<String>, ProbeSpec)>;

impl FileLoader<'_> {
    /// The hosts to reach, as (name for the check, address to connect to): `hosts` as given,
    /// then the members of `hostgroups` from this file's `[import] nagios`.
    pub(super) fn targets(
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
            match self.imported.hostgroups.get(group.get_ref()) {
                Some(members) => {
                    for m in members {
                        if !out.iter().any(|(n, _)| n == &m.0) {
                            out.push(m.clone());
                        }
                    }
                }
                None => self.text.error(
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
            self.text.error(
                command.span(),
                "no host to run on: give `hosts` or `hostgroups`",
            );
            return None;
        }
        self.fan_out_hosts = Some(out.iter().map(|(name, _)| name.clone()).collect());
        Some(out)
    }

    /// One probe per target running `plugin` with the arguments `args(address)` gives.
    pub(super) fn fan_out(
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
pub(super) fn plugin_timeout(timeout: Option<Duration>) -> String {
    (timeout.unwrap_or(DEFAULT_TIMEOUT).as_secs().max(1) + 1).to_string()
}
