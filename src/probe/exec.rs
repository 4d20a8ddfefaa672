//! The `exec` probe: run a plain command once (`systemctl is-enabled worker`, `test -f ...`) and
//! judge it by its exit status alone: 0 is OK, anything else CRITICAL. For commands that are not
//! Nagios plugins, whose exit 1 means failure rather than WARNING. Process handling belongs to
//! `process`; this file must not signal or wait.

use super::nagios::{captured_text, describe_code, process_evidence, spawn_once};
use super::ProbeCtx;
use crate::model::spec::ExecSpec;
use crate::model::{Outcome, State};
use crate::process::Exit;

pub async fn run(spec: &ExecSpec, ctx: &ProbeCtx) -> Outcome {
    let finished = match spawn_once(&spec.program, &spec.args, ctx).await {
        Ok(finished) => finished,
        Err(outcome) => return outcome,
    };
    let stdout = captured_text(&finished.stdout, &ctx.redact);
    let stderr = captured_text(&finished.stderr, &ctx.redact);
    let mut lines = stdout.lines().filter(|l| !l.trim().is_empty());
    let first = lines
        .next()
        .or_else(|| stderr.lines().find(|l| !l.trim().is_empty()))
        .map(|l| l.trim().to_string());
    let long_output: Vec<String> = lines.map(|l| l.trim_end().to_string()).collect();
    let said = first.map(|l| format!(": {l}")).unwrap_or_default();
    let (state, summary) = match finished.exit {
        // Stopped on the runner's request: it says why.
        _ if finished.stopped => (State::Unknown, String::new()),
        Exit::Code(0) => (State::Ok, format!("exit code 0{said}")),
        Exit::Code(code) => (State::Critical, format!("{}{said}", describe_code(code))),
        Exit::Signal(sig) => (State::Critical, format!("killed by signal {sig}{said}")),
    };
    let mut outcome = Outcome::new(state, summary);
    outcome.long_output = long_output;
    process_evidence(outcome, &spec.command_line(), &finished, &stderr)
}
