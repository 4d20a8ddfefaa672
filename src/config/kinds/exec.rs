//! `exec = { command }` or `{ program, args }`: a plain command, OK on exit 0. Must not run
//! anything.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::{Building, Kind, Probes};
use crate::config::programs::EXEC_PROGRAM;
use crate::config::FileLoader;
use crate::model::spec::ExecSpec;
use crate::model::ProbeSpec;

/// `exec = { command = "systemctl is-enabled worker" }` or `{ program, args }`: a plain
/// command, OK on exit 0 and CRITICAL otherwise.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExec {
    /// A bare name (looked up in `plugin_dirs`, then $PATH) or a path.
    #[schemars(with = "Option<String>")]
    pub program: Option<Spanned<String>>,
    /// The program's arguments, passed as they are (with `program`).
    #[schemars(with = "Option<Vec<String>>")]
    pub args: Option<Vec<Spanned<String>>>,
    /// One command line, split into words as a shell would, without a shell.
    #[schemars(with = "Option<String>")]
    pub command: Option<Spanned<String>>,
}

impl Kind for RawExec {
    const KEY: &'static str = "exec";

    fn build(raw: Spanned<Self>, loader: &mut FileLoader<'_>, at: &Building<'_>) -> Option<Probes> {
        let table_span = raw.span();
        let raw = raw.into_inner();
        let (program, args) = loader.command_of(
            EXEC_PROGRAM,
            (raw.program, raw.args, raw.command),
            table_span,
            at.defaults,
            at.vars,
        )?;
        Some(super::one(ProbeSpec::Exec(ExecSpec { program, args })))
    }
}
