//! `nagios = { command }` or `{ plugin, args }`: a Nagios plugin, judged by its exit code as
//! Nagios does. Must not run anything.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::{Building, Kind, Probes};
use crate::config::programs::NAGIOS_PROGRAM;
use crate::config::FileLoader;
use crate::model::spec::NagiosSpec;
use crate::model::ProbeSpec;

/// `nagios = { command = "check_disk -w 20% -c 10%" }` or `{ plugin, args }`: a Nagios plugin,
/// its exit code the state (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNagios {
    /// A bare name looked up in `plugin_dirs` (never in $PATH), or a path relative to this file.
    #[schemars(with = "Option<String>")]
    pub plugin: Option<Spanned<String>>,
    /// The plugin's arguments, passed as they are (with `plugin`).
    #[schemars(with = "Option<Vec<String>>")]
    pub args: Option<Vec<Spanned<String>>>,
    /// One command line, split into words as a shell would, without a shell.
    #[schemars(with = "Option<String>")]
    pub command: Option<Spanned<String>>,
}

impl Kind for RawNagios {
    const KEY: &'static str = "nagios";

    fn build(raw: Spanned<Self>, loader: &mut FileLoader<'_>, at: &Building<'_>) -> Option<Probes> {
        let table_span = raw.span();
        let raw = raw.into_inner();
        let (program, args) = loader.command_of(
            NAGIOS_PROGRAM,
            (raw.plugin, raw.args, raw.command),
            table_span,
            at.defaults,
            at.vars,
        )?;
        Some(super::one(ProbeSpec::Nagios(NagiosSpec { program, args })))
    }
}
