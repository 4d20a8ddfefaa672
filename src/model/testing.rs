//! Builders for unit tests of the layers above model (selection, runner, gate, reports): checks,
//! results and runs made directly, without a suite file or a probe. Test-only.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::spec::CommandSpec;
use super::{
    Attempt, CancelReason, Check, CheckResult, NotRun, Outcome, ProbeSpec, RunRecord, SourceLoc,
    State,
};

/// A check that runs `/bin/sh -c script`, from `suite.toml`.
pub fn shell_check(name: &str, script: &str) -> Check {
    Check {
        name: name.to_string(),
        tags: Vec::new(),
        timeout: Duration::from_secs(10),
        retries: 0,
        retry_delay: Duration::ZERO,
        retry_on: super::RetryOn::Transient,
        optional: false,
        fail_on: None,
        suite: PathBuf::from("suite.toml"),
        source: SourceLoc {
            file: PathBuf::from("suite.toml"),
            line: 1,
            col: 1,
        },
        probe: ProbeSpec::Exec(CommandSpec {
            program: PathBuf::from("/bin/sh"),
            args: vec!["-c".to_string(), script.to_string()],
        }),
        needs: Vec::new(),
        fingerprint: String::new(),
    }
}

/// A check that is never run, only judged and reported.
pub fn check(name: &str) -> Check {
    shell_check(name, "exit 0")
}

/// A result with one attempt per state given, in order; each attempt's summary names the state
/// and the check, and took 10 ms.
pub fn result(check: Check, states: &[State]) -> CheckResult {
    let attempts = states
        .iter()
        .enumerate()
        .map(|(i, &state)| Attempt {
            number: i as u32 + 1,
            started: Duration::from_millis(10 * i as u64),
            duration: Duration::from_millis(10),
            outcome: Outcome::new(state, format!("{state} - {}", check.name)),
        })
        .collect();
    CheckResult {
        check: Arc::new(check),
        attempts,
        not_run: None,
    }
}

pub fn not_run(check: Check, why: NotRun) -> CheckResult {
    CheckResult {
        check: Arc::new(check),
        attempts: Vec::new(),
        not_run: Some(why),
    }
}

pub fn record(results: Vec<CheckResult>, cancelled: Option<CancelReason>) -> RunRecord {
    RunRecord {
        results,
        started_at: SystemTime::UNIX_EPOCH,
        duration: Duration::from_millis(1500),
        cancelled,
        labels: Vec::new(),
        soak: None,
        redactor: crate::redact::Redactor::none(),
        history: None,
    }
}
