//! Probes: run one check once and return an outcome with evidence.
//! They do not retry, choose timeouts or print; a stop request comes from the runner.

pub mod nagios;

use std::time::Duration;

use crate::model::Outcome;

/// What a check runs, one variant per probe kind.
#[derive(Clone, Debug)]
pub enum ProbeSpec {
    Nagios(nagios::NagiosSpec),
}

impl ProbeSpec {
    pub fn kind(&self) -> &'static str {
        match self {
            ProbeSpec::Nagios(_) => "nagios",
        }
    }

    /// A one-line description for `list` and for evidence (e.g. the command line).
    pub fn describe(&self) -> String {
        match self {
            ProbeSpec::Nagios(spec) => spec.command_line(),
        }
    }
}

/// What the runner hands a probe for one attempt.
#[derive(Clone, Debug)]
pub struct ProbeCtx {
    /// Cancelled by the runner when the attempt must end (timeout, deadline, interrupt).
    pub stop: tokio_util::sync::CancellationToken,
    /// Time between SIGTERM and SIGKILL when a child must be stopped.
    pub grace: Duration,
    /// Bytes kept per output stream of a child.
    pub capture_limit: usize,
}

pub async fn run(spec: &ProbeSpec, ctx: &ProbeCtx) -> Outcome {
    match spec {
        ProbeSpec::Nagios(spec) => nagios::run(spec, ctx).await,
    }
}
