//! The gate: a pure function from results and a policy (and, when asked, a baseline and a soak's
//! figures) to one verdict per check and the run's verdict. Owns what fails a gate and what each
//! check's result means for it; reports only render [`CheckVerdict`]s. Must not print, time, or
//! look at anything but its arguments.

use std::collections::HashMap;

use crate::exit;
use crate::model::diff::{Baseline, Class, Comparison, Past};
use crate::model::soak::{Soak, Tally};
use crate::model::{CancelReason, Check, CheckResult, FailOn, RunRecord, State};

#[derive(Clone, Copy, Debug, Default)]
pub struct Policy {
    pub fail_on: FailOn,
    /// `--fail-on-flaky`: a check that passed only on a retry fails the gate.
    pub fail_on_flaky: bool,
}

/// How many results ended in each state (not-run checks are counted apart).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub ok: usize,
    pub warning: usize,
    pub critical: usize,
    pub unknown: usize,
    /// Did not run: deadline or interrupt, or skipped because a needed check failed.
    pub not_run: usize,
    /// Of `not_run`, those skipped because a check they need did not end OK or WARNING.
    pub skipped: usize,
}

/// What the gate decided of one check's result. Every report matches on it and on nothing
/// else to say what a result meant: a new variant is a compile error in each of them until it
/// is handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Ended OK on its first attempt (over a soak: in every run).
    Passed,
    /// Ended OK only on a retry, which the gate lets pass.
    PassedOnRetry,
    /// Ended WARNING, which the gate lets pass.
    Warned,
    /// Ended in a state the gate fails on (over a soak: its figures fail it). Counted.
    Failed,
    /// Passed only on a retry, which fails the gate (`--fail-on-flaky`). Counted.
    FailedOnRetry,
    /// Did not run — the deadline, an interrupt, or a skip behind a check whose failure the gate
    /// does not count (`behind`, the root of the chain of skips): nothing counted stands for it,
    /// so it fails the gate itself (closed). Counted.
    NotRun { behind: Option<usize> },
    /// Skipped because `cause` (the root of the chain of skips) failed, and that failure is
    /// counted: the gate fails for it once, not again here.
    Skipped { cause: usize },
    /// An optional check that did not pass or did not run: shown, never counted.
    Optional,
    /// `--gate new`: it fails, but it failed in the baseline too (still failing): shown, not
    /// counted.
    NotCounted,
    /// Over a soak: it failed in some runs, no more than `--soak-failures` allows.
    Tolerated,
}

impl Disposition {
    /// Its name in the JSON report.
    pub fn key(self) -> &'static str {
        match self {
            Disposition::Passed => "passed",
            Disposition::PassedOnRetry => "passed_on_retry",
            Disposition::Warned => "warned",
            Disposition::Failed => "failed",
            Disposition::FailedOnRetry => "failed_on_retry",
            Disposition::NotRun { .. } => "not_run",
            Disposition::Skipped { .. } => "skipped",
            Disposition::Optional => "optional",
            Disposition::NotCounted => "not_counted",
            Disposition::Tolerated => "tolerated",
        }
    }

    /// Whether it passed only on a retry (flaky), whether or not that fails the gate.
    pub fn on_retry(self) -> bool {
        matches!(
            self,
            Disposition::PassedOnRetry | Disposition::FailedOnRetry
        )
    }

    /// Whether this check fails the gate.
    pub fn counted(self) -> bool {
        matches!(
            self,
            Disposition::Failed | Disposition::FailedOnRetry | Disposition::NotRun { .. }
        )
    }
}

/// One check's verdict: its disposition, where it stands against the baseline, and over a soak
/// why it fails the soak.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckVerdict {
    pub disposition: Disposition,
    /// Against `--baseline`, when asked.
    pub class: Option<Class>,
    /// Over a soak: why it fails (or would fail, were it counted) the soak, from its figures.
    pub soak: Option<String>,
}

impl CheckVerdict {
    pub fn counted(&self) -> bool {
        self.disposition.counted()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub passed: bool,
    pub counts: Counts,
    /// One per result, in the same order.
    pub checks: Vec<CheckVerdict>,
    /// The state the gate stands for, as a Nagios plugin reports it: the worst (in the Monitoring
    /// Plugins' order) of the checks that count — optional and not-counted ones never raise it;
    /// a counted pass on a retry is a WARNING — and UNKNOWN when nothing ran.
    pub state: State,
    pub cancelled: Option<CancelReason>,
    /// What failed the gate besides its checks: a report that could not be written.
    pub problems: Vec<String>,
    /// This run against an earlier one (`--baseline`), when asked.
    pub baseline: Option<Comparison>,
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

    /// Indices of the checks that fail the gate, in suite order.
    pub fn failing(&self) -> impl Iterator<Item = usize> + '_ {
        self.checks
            .iter()
            .enumerate()
            .filter(|(_, c)| c.counted())
            .map(|(i, _)| i)
    }

    pub fn failing_count(&self) -> usize {
        self.failing().count()
    }
}

/// The baseline, when the verdict is to be compared with one: `only_new` is `--gate new`.
#[derive(Clone, Copy)]
pub struct Against<'a> {
    pub baseline: &'a Baseline,
    pub only_new: bool,
}

/// The verdict over one run, or over a soak (`run.soak`), alone or against a baseline.
pub fn decide(run: &RunRecord, policy: &Policy, against: Option<Against<'_>>) -> Verdict {
    let n = run.results.len();
    let mut counts = Counts {
        total: n,
        ..Counts::default()
    };
    for r in &run.results {
        if let Some(not_run) = &r.not_run {
            counts.not_run += 1;
            counts.skipped += usize::from(not_run.unmet().is_some());
        } else {
            match r.state() {
                State::Ok => counts.ok += 1,
                State::Warning => counts.warning += 1,
                State::Critical => counts.critical += 1,
                State::Unknown => counts.unknown += 1,
            }
        }
    }
    // What each check did, whatever `optional` and the baseline say: over a soak by its figures.
    let soak_reasons: Vec<Option<String>> = match &run.soak {
        Some(soak) => (0..n).map(|i| soak_reason(soak, i)).collect(),
        None => vec![None; n],
    };
    let fails: Vec<bool> = (0..n)
        .map(|i| match &run.soak {
            Some(_) => soak_reasons[i].is_some(),
            None => failed(&run.results[i], policy),
        })
        .collect();
    let classes: Vec<Option<Class>> = match against {
        Some(a) => {
            let past = past_by_name(a.baseline);
            (0..n)
                .map(|i| {
                    let r = &run.results[i];
                    let now = r.not_run.is_none().then(|| r.state());
                    let p = past.get(r.check.name.as_str()).copied();
                    Some(classify(&r.check, fails[i], now, p, policy))
                })
                .collect()
        }
        None => vec![None; n],
    };
    let only_new = against.is_some_and(|a| a.only_new);
    // A failure the gate counts: not optional, and under `--gate new` one this run may have caused.
    let counts_failure = |i: usize| {
        fails[i]
            && !run.results[i].check.optional
            && (!only_new || classes[i].is_some_and(Class::is_new_failure))
    };
    let checks: Vec<CheckVerdict> = (0..n)
        .map(|i| {
            let r = &run.results[i];
            let never_ran = match &run.soak {
                Some(soak) => soak
                    .checks
                    .get(i)
                    .is_some_and(|f| f.runs > 0 && f.skipped == f.runs),
                None => r.not_run.is_some(),
            };
            let disposition = if never_ran {
                match root_cause(run, i) {
                    _ if r.check.optional => Disposition::Optional,
                    Some(cause) if counts_failure(cause) => Disposition::Skipped { cause },
                    behind => Disposition::NotRun { behind },
                }
            } else if !fails[i] {
                match &run.soak {
                    Some(soak) if soak.checks.get(i).is_some_and(|f| f.failures > 0) => {
                        if r.check.optional {
                            Disposition::Optional
                        } else {
                            Disposition::Tolerated
                        }
                    }
                    _ => match r.state() {
                        State::Ok if r.is_flaky() => Disposition::PassedOnRetry,
                        State::Ok => Disposition::Passed,
                        State::Warning => Disposition::Warned,
                        // A state that does not fail is OK or WARNING; anything else fails.
                        State::Critical | State::Unknown => Disposition::Failed,
                    },
                }
            } else if r.check.optional {
                Disposition::Optional
            } else if !counts_failure(i) {
                Disposition::NotCounted
            } else if r.state() == State::Ok && run.soak.is_none() {
                Disposition::FailedOnRetry
            } else {
                Disposition::Failed
            };
            CheckVerdict {
                disposition,
                class: classes[i],
                soak: soak_reasons[i].clone(),
            }
        })
        .collect();
    // The state the checks that stand for the gate ended in: not optional, not-counted or
    // skipped-behind ones, nor a failure a soak tolerates.
    let mut state = checks
        .iter()
        .zip(&run.results)
        .filter_map(|(c, r)| match c.disposition {
            Disposition::Passed | Disposition::PassedOnRetry => Some(State::Ok),
            Disposition::Warned => Some(State::Warning),
            // A flaky pass that fails the gate is a WARNING to Nagios.
            Disposition::FailedOnRetry => Some(State::Warning),
            Disposition::NotRun { .. } => Some(State::Unknown),
            // Over a soak, a check that flapped between passing states still fails it.
            Disposition::Failed if r.state() == State::Ok => Some(State::Warning),
            Disposition::Failed => Some(r.state()),
            Disposition::Skipped { .. }
            | Disposition::Optional
            | Disposition::NotCounted
            | Disposition::Tolerated => None,
        })
        .fold(State::Ok, State::worst);
    // A run stopped before its end established nothing more than it ran: never OK.
    if n == 0 || (run.cancelled.is_some() && state == State::Ok) {
        state = State::Unknown;
    }
    let baseline = against.map(|a| {
        let here: std::collections::HashSet<&str> =
            run.results.iter().map(|r| r.check.name.as_str()).collect();
        Comparison {
            baseline: a.baseline.clone(),
            gone: a
                .baseline
                .checks
                .iter()
                .filter(|p| !here.contains(p.name.as_str()))
                .map(|p| p.name.clone())
                .collect(),
            only_new: a.only_new,
        }
    });
    Verdict {
        // An empty run never passes: nothing was established.
        passed: !checks.iter().any(CheckVerdict::counted) && n > 0 && run.cancelled.is_none(),
        counts,
        checks,
        state,
        cancelled: run.cancelled,
        problems: Vec::new(),
        baseline,
    }
}

/// Did this check fail, whatever `optional` says: not run (fail closed), or a state the policy
/// fails on, or flaky under `--fail-on-flaky`.
fn failed(result: &CheckResult, policy: &Policy) -> bool {
    result.not_run.is_some()
        || state_fails(&result.check, result.state(), result.is_flaky(), policy)
}

/// Whether a check that ended in `state` fails under `policy` (the check's own `fail_on` first).
fn state_fails(check: &Check, state: State, flaky: bool, policy: &Policy) -> bool {
    match state {
        State::Ok => policy.fail_on_flaky && flaky,
        State::Warning => check.fail_on.unwrap_or(policy.fail_on) == FailOn::Warning,
        State::Critical | State::Unknown => true,
    }
}

/// Whether the baseline's run of a check failed, judged under this run's policy (and this
/// check's `fail_on`: with the same fingerprint it is the same definition). A check that did
/// not run then has no failure to excuse one now.
fn failed_before(past: &Past, check: &Check, policy: &Policy) -> bool {
    past.ran
        && match past.state {
            Some(state) => state_fails(check, state, past.flaky, policy),
            // A report that does not say its state: what its gate said, or for an optional
            // check, whether it failed on its own.
            None => past.failed_then,
        }
}

fn past_by_name(baseline: &Baseline) -> HashMap<&str, &Past> {
    baseline
        .checks
        .iter()
        .map(|p| (p.name.as_str(), p))
        .collect()
}

/// Where a check of this run stands against its `past`; `fails` is whether it fails now, `now`
/// the state it ended in (`None`: it did not run).
fn classify(
    check: &Check,
    fails: bool,
    now: Option<State>,
    past: Option<&Past>,
    policy: &Policy,
) -> Class {
    let Some(past) = past else {
        return Class::NewCheck { fails };
    };
    // Without a fingerprint to compare, the definition cannot be shown unchanged.
    if past.fingerprint.as_deref() != Some(check.fingerprint.as_str()) {
        return Class::Changed { fails };
    }
    match (failed_before(past, check, policy), fails) {
        (false, true) => Class::NewFailure,
        (true, true) => Class::StillFailing,
        (true, false) => Class::Fixed,
        (false, false) => match (past.state, now) {
            (Some(was), Some(now)) if was != now => Class::Shifted { was, now },
            _ => Class::Same,
        },
    }
}

/// Over a soak, for each check that could be counted by a failure, whether it would be under
/// `--gate new` (it is not still failing): the soak stops early only when a counted check can
/// no longer pass. Without a baseline every check counts.
pub fn soak_counts(
    checks: &[std::sync::Arc<Check>],
    policy: &Policy,
    against: Option<Against<'_>>,
) -> Vec<bool> {
    let past = against.map(|a| past_by_name(a.baseline));
    checks
        .iter()
        .map(|c| {
            !c.optional
                && match (&past, against) {
                    (Some(past), Some(a)) if a.only_new => {
                        let p = past.get(c.name.as_str()).copied();
                        classify(c, true, None, p, policy).is_new_failure()
                    }
                    _ => true,
                }
        })
        .collect()
}

/// How each result of one run of a soak counts: a pass, a failure, an UNKNOWN (or not run), or
/// a skip behind a failure that is counted itself.
pub fn tallies(run: &RunRecord, policy: &Policy) -> Vec<Tally> {
    (0..run.results.len())
        .map(|i| {
            let r = &run.results[i];
            let excused = root_cause(run, i)
                .is_some_and(|c| !run.results[c].check.optional && failed(&run.results[c], policy));
            if excused {
                Tally::Excused
            } else if !failed(r, policy) {
                Tally::Pass
            } else if r.not_run.is_some() || r.state() == State::Unknown {
                Tally::Unknown
            } else {
                Tally::Failure
            }
        })
        .collect()
}

/// Why a check's figures fail a soak so far: more failures than `--soak-failures` allows, any
/// UNKNOWN (never excused: fail closed), or flapping at any time. Figures only grow, so a check
/// these fail can never pass the soak again.
fn figures_fail(soak: &Soak, i: usize) -> Vec<String> {
    let Some(f) = soak.checks.get(i) else {
        return vec!["no figures".to_string()];
    };
    let mut why = Vec::new();
    if f.failures > soak.allowed_failures {
        why.push(format!(
            "failed {} of {} runs ({} allowed)",
            f.failures, f.runs, soak.allowed_failures
        ));
    }
    if f.unknowns > 0 {
        why.push(format!(
            "UNKNOWN or not run in {} of {} runs",
            f.unknowns, f.runs
        ));
    }
    if f.flapped {
        why.push(format!(
            "flapped (up to {:.0}% state change)",
            f.max_flap_percent
        ));
    }
    why
}

/// Why a check fails the whole soak: its figures, or that it never ran in any run (skipped
/// behind what it needs every time: nothing was established of it).
fn soak_reason(soak: &Soak, i: usize) -> Option<String> {
    let mut why = figures_fail(soak, i);
    if let Some(f) = soak
        .checks
        .get(i)
        .filter(|f| f.runs > 0 && f.skipped == f.runs)
    {
        why.push(format!("never ran: skipped in all {} runs", f.runs));
    }
    (!why.is_empty()).then(|| why.join(", "))
}

/// The first check whose figures mean the soak can no longer pass, with why: one that would be
/// counted (`counts`, from [`soak_counts`]) and already fails.
pub fn soak_hopeless(counts: &[bool], soak: &Soak) -> Option<(usize, String)> {
    (0..soak.checks.len())
        .filter(|&i| counts.get(i).copied().unwrap_or(true))
        .find_map(|i| {
            let why = figures_fail(soak, i);
            (!why.is_empty()).then(|| (i, why.join(", ")))
        })
}

/// The check a skipped one was skipped for, down a chain of skipped checks: the first that ran
/// (or did not run for another reason). `None` for a check that was not skipped for a need.
fn root_cause(run: &RunRecord, i: usize) -> Option<usize> {
    let mut current = i;
    for _ in 0..run.results.len() {
        let Some(unmet) = run.results[current]
            .not_run
            .as_ref()
            .and_then(|n| n.unmet())
        else {
            return (current != i).then_some(current);
        };
        current = run
            .results
            .iter()
            .position(|r| r.check.name == unmet.check)?;
    }
    None
}

/// The verdict once the run's record is (or is not) written: a gate whose record could not be
/// kept does not pass, whatever its checks said.
pub fn unrecorded(mut verdict: Verdict, problems: Vec<String>) -> Verdict {
    if !problems.is_empty() {
        verdict.passed = false;
        verdict.problems.extend(problems);
    }
    verdict
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{testing, NotRun};

    fn result(state: Option<State>, optional: bool) -> CheckResult {
        let mut c = testing::check("c");
        c.optional = optional;
        match state {
            Some(s) => testing::result(c, &[s]),
            None => testing::not_run(c, NotRun::Deadline),
        }
    }

    fn record(results: Vec<CheckResult>, cancelled: Option<CancelReason>) -> RunRecord {
        testing::record(results, cancelled)
    }

    /// Whether this one result fails the gate of a run of it alone.
    fn fails_gate(result: &CheckResult, policy: &Policy) -> bool {
        decide(&record(vec![result.clone()], None), policy, None).checks[0].counted()
    }

    #[test]
    fn default_policy_passes_warnings_fails_critical_and_unknown() {
        let p = Policy::default();
        assert!(!fails_gate(&result(Some(State::Ok), false), &p));
        assert!(!fails_gate(&result(Some(State::Warning), false), &p));
        assert!(fails_gate(&result(Some(State::Critical), false), &p));
        assert!(fails_gate(&result(Some(State::Unknown), false), &p));
        assert!(fails_gate(&result(None, false), &p), "not run fails closed");
        let strict = Policy {
            fail_on: FailOn::Warning,
            ..Policy::default()
        };
        assert!(fails_gate(&result(Some(State::Warning), false), &strict));
    }

    #[test]
    fn optional_checks_never_fail_the_gate() {
        let p = Policy {
            fail_on: FailOn::Warning,
            fail_on_flaky: true,
        };
        for s in [Some(State::Critical), Some(State::Unknown), None] {
            assert!(!fails_gate(&result(s, true), &p));
        }
    }

    #[test]
    fn verdicts_and_exit_codes() {
        let p = Policy::default();
        let v = decide(
            &record(
                vec![
                    result(Some(State::Ok), false),
                    result(Some(State::Warning), false),
                ],
                None,
            ),
            &p,
            None,
        );
        assert!(v.passed);
        assert_eq!(v.exit_code(), exit::GATE_PASSED);
        assert_eq!(v.state, State::Warning);

        let v = decide(
            &record(
                vec![
                    result(Some(State::Ok), false),
                    result(Some(State::Critical), false),
                ],
                None,
            ),
            &p,
            None,
        );
        assert_eq!(
            (v.passed, v.failing().collect::<Vec<_>>(), v.exit_code()),
            (false, vec![1], exit::GATE_FAILED)
        );

        let v = decide(&record(vec![], None), &p, None);
        assert!(!v.passed, "an empty run establishes nothing");

        let v = decide(
            &record(
                vec![result(Some(State::Ok), false)],
                Some(CancelReason::Interrupt),
            ),
            &p,
            None,
        );
        assert_eq!(v.exit_code(), exit::INTERRUPTED);
        let v = decide(
            &record(
                vec![result(Some(State::Ok), false)],
                Some(CancelReason::Deadline),
            ),
            &p,
            None,
        );
        assert_eq!(v.exit_code(), exit::GATE_FAILED);
    }

    #[test]
    fn the_state_is_the_worst_of_the_checks_that_count() {
        let p = Policy::default();
        let v = decide(
            &record(
                vec![
                    result(Some(State::Warning), false),
                    result(Some(State::Critical), true),
                ],
                None,
            ),
            &p,
            None,
        );
        assert_eq!(v.state, State::Warning, "an optional check never raises it");
        assert_eq!(
            decide(&record(vec![], None), &p, None).state,
            State::Unknown
        );
    }

    #[test]
    fn worst_state_uses_max_state_alt_order() {
        assert_eq!(State::Ok.worst(State::Unknown), State::Unknown);
        assert_eq!(State::Unknown.worst(State::Warning), State::Warning);
        assert_eq!(State::Critical.worst(State::Unknown), State::Critical);
    }
}
