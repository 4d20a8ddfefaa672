//! `exec = { command }` or `{ program, args }`: a plain command, OK on exit 0. Must not run
//! anything.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::{Building, Kind, Probes};
use crate::config::programs::EXEC_PROGRAM;
use crate::config::{Defaults, FileLoader};
use crate::model::spec::ExecSpec;
use crate::model::ProbeSpec;
use crate::source::vars::Vars;

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
        loader.exec(raw, at.defaults, at.vars).map(super::one)
    }
}

impl FileLoader<'_> {
    fn exec(
        &mut self,
        raw: Spanned<RawExec>,
        defaults: &Defaults,
        vars: &Vars,
    ) -> Option<ProbeSpec> {
        let table_span = raw.span();
        let raw = raw.into_inner();
        let (program, args) = self.command_of(
            EXEC_PROGRAM,
            (raw.program, raw.args, raw.command),
            table_span,
            defaults,
            vars,
        )?;
        Some(ProbeSpec::Exec(ExecSpec { program, args }))
    }
}
