//! The gate: a pure function from results and a policy to a verdict and an exit code.
//! Owns what fails a gate; must not print, time, or look at anything but its arguments.

use crate::exit;
use crate::model::{CancelReason, CheckResult, RunRecord, State};

/// Which states fail the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    /// WARNING, CRITICAL and UNKNOWN fail the gate.
    Warning,
    /// CRITICAL and UNKNOWN fail the gate; WARNING is reported but passes.
    #[default]
    Critical,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Policy {
    pub fail_on: FailOn,
}

/// How many results ended in each state (not-run checks are counted apart).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub ok: usize,
    pub warning: usize,
    pub critical: usize,
    pub unknown: usize,
    pub not_run: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub passed: bool,
    pub counts: Counts,
    /// Indices (into the results) of checks that fail the gate, in suite order.
    pub failing: Vec<usize>,
    /// The worst state over all results, optional ones included (Nagios semantics).
    pub worst: State,
    pub cancelled: Option<CancelReason>,
}

impl Verdict {
    /// The process exit code for `smokegate run`.
    pub fn exit_code(&self) -> i32 {
        if self.cancelled == Some(CancelReason::Interrupt) {
            exit::INTERRUPTED
        } else if self.passed {
            exit::GATE_PASSED
        } else {
            exit::GATE_FAILED
        }
    }
}

/// Does this one result fail the gate under this policy?
pub fn fails_gate(result: &CheckResult, policy: &Policy) -> bool {
    if result.check.optional {
        return false;
    }
    if result.not_run.is_some() {
        return true;
    }
    match result.state() {
        State::Ok => false,
        State::Warning => policy.fail_on == FailOn::Warning,
        State::Critical | State::Unknown => true,
    }
}

pub fn decide(run: &RunRecord, policy: &Policy) -> Verdict {
    let mut counts = Counts {
        total: run.results.len(),
        ..Counts::default()
    };
    let mut worst = State::Ok;
    for r in &run.results {
        if r.not_run.is_some() {
            counts.not_run += 1;
        } else {
            match r.state() {
                State::Ok => counts.ok += 1,
                State::Warning => counts.warning += 1,
                State::Critical => counts.critical += 1,
                State::Unknown => counts.unknown += 1,
            }
        }
        worst = worst.worst(r.state());
    }
    let failing: Vec<usize> = (0..run.results.len())
        .filter(|&i| fails_gate(&run.results[i], policy))
        .collect();
    Verdict {
        // An empty run never passes: nothing was established.
        passed: failing.is_empty() && !run.results.is_empty() && run.cancelled.is_none(),
        counts,
        failing,
        worst,
        cancelled: run.cancelled,
    }
}
