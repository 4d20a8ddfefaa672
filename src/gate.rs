//! The gate: a pure function from results and a policy to a verdict and an exit code.
//! Owns what fails a gate; must not print, time, or look at anything but its arguments.

use crate::exit;
use crate::model::diff::{Baseline, Class, Comparison};
use crate::model::soak::{Soak, Tally};
use crate::model::{CancelReason, CheckResult, FailOn, RunRecord, State};

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub passed: bool,
    pub counts: Counts,
    /// Indices (into the results) of checks that fail the gate, in suite order.
    pub failing: Vec<usize>,
    /// The state the gate stands for, as a Nagios plugin reports it: the worst (in the Monitoring
    /// Plugins' order) of the checks that count — optional ones never raise it — and UNKNOWN
    /// when nothing ran.
    pub state: State,
    pub cancelled: Option<CancelReason>,
    /// What failed the gate besides its checks: a report that could not be written.
    pub problems: Vec<String>,
    /// This run against an earlier one (`--baseline`), when asked.
    pub baseline: Option<Comparison>,
    /// Over a soak: why each failing check fails it (its figures), by result index.
    pub soak_reasons: Vec<(usize, String)>,
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
    !result.check.optional && failed(result, policy)
}

pub fn decide(run: &RunRecord, policy: &Policy) -> Verdict {
    let mut counts = Counts {
        total: run.results.len(),
        ..Counts::default()
    };
    let excused = excused(run, policy);
    let mut worst = State::Ok;
    for (i, r) in run.results.iter().enumerate() {
        if r.not_run.is_some() {
            counts.not_run += 1;
            counts.skipped += usize::from(r.not_run.as_ref().is_some_and(|n| n.unmet().is_some()));
        } else {
            match r.state() {
                State::Ok => counts.ok += 1,
                State::Warning => counts.warning += 1,
                State::Critical => counts.critical += 1,
                State::Unknown => counts.unknown += 1,
            }
        }
        if !r.check.optional && !excused[i] {
            // A flaky pass that fails the gate (`--fail-on-flaky`) is a WARNING to Nagios.
            let flaky = r.state() == State::Ok && fails_gate(r, policy);
            worst = worst.worst(if flaky { State::Warning } else { r.state() });
        }
    }
    // Over a soak, a check fails by its figures over every run.
    let soak_reasons = match &run.soak {
        Some(soak) => {
            let optional: Vec<bool> = run.results.iter().map(|r| r.check.optional).collect();
            soak_failing(&optional, soak)
        }
        None => Vec::new(),
    };
    let failing: Vec<usize> = match &run.soak {
        Some(_) => soak_reasons.iter().map(|(i, _)| *i).collect(),
        None => (0..run.results.len())
            .filter(|&i| !excused[i] && fails_gate(&run.results[i], policy))
            .collect(),
    };
    if run.soak.is_some() {
        // Results hold each check's last failure: the state is that of the ones that fail.
        worst = failing
            .iter()
            .fold(State::Ok, |w, &i| w.worst(run.results[i].state()));
    }
    if run.results.is_empty() {
        worst = State::Unknown;
    }
    Verdict {
        // An empty run never passes: nothing was established.
        passed: failing.is_empty() && !run.results.is_empty() && run.cancelled.is_none(),
        counts,
        failing,
        state: worst,
        cancelled: run.cancelled,
        problems: Vec::new(),
        baseline: None,
        soak_reasons,
    }
}

/// Did this check fail, whatever `optional` says: not run (fail closed), or a state the policy
/// fails on, or flaky under `--fail-on-flaky`.
fn failed(result: &CheckResult, policy: &Policy) -> bool {
    result.not_run.is_some()
        || match result.state() {
            State::Ok => policy.fail_on_flaky && result.is_flaky(),
            State::Warning => result.check.fail_on.unwrap_or(policy.fail_on) == FailOn::Warning,
            State::Critical | State::Unknown => true,
        }
}

/// How each result of one run of a soak counts: a pass, a failure, an UNKNOWN (or not run), or
/// a skip behind a failure that is counted itself.
pub fn tallies(run: &RunRecord, policy: &Policy) -> Vec<Tally> {
    let excused = excused(run, policy);
    run.results
        .iter()
        .zip(excused)
        .map(|(r, excused)| {
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

/// The checks that fail a soak, with why: more failures than `--soak-failures` allows, any
/// UNKNOWN (never excused: fail closed), or flapping at any time. Optional checks never do.
/// Figures only grow, so a check that fails the soak can never pass it again.
pub fn soak_failing(optional: &[bool], soak: &Soak) -> Vec<(usize, String)> {
    optional
        .iter()
        .zip(&soak.checks)
        .enumerate()
        .filter(|(_, (optional, _))| !**optional)
        .filter_map(|(i, (_, f))| {
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
            (!why.is_empty()).then(|| (i, why.join(", ")))
        })
        .collect()
}

/// The verdict with this run compared against `baseline`, check by check by name. With
/// `only_new` (`--gate new`) only failures this run may have caused fail the gate: a new
/// failure, a changed check that fails, a new check that fails. Still-failing checks are
/// reported, never hidden, but do not count then.
pub fn compare(
    mut verdict: Verdict,
    run: &RunRecord,
    policy: &Policy,
    baseline: Baseline,
    only_new: bool,
) -> Verdict {
    let past: std::collections::HashMap<&str, &crate::model::diff::Past> = baseline
        .checks
        .iter()
        .map(|p| (p.name.as_str(), p))
        .collect();
    let classes: Vec<Class> = run
        .results
        .iter()
        .map(|r| {
            let fails = failed(r, policy);
            match past.get(r.check.name.as_str()) {
                None => Class::NewCheck { fails },
                // Without a fingerprint to compare, the definition cannot be shown unchanged.
                Some(p) if p.fingerprint.as_deref() != Some(r.check.fingerprint().as_str()) => {
                    Class::Changed { fails }
                }
                Some(p) => match (p.failed, fails) {
                    (false, true) => Class::NewFailure,
                    (true, true) => Class::StillFailing,
                    (true, false) => Class::Fixed,
                    (false, false) => Class::Same,
                },
            }
        })
        .collect();
    let here: std::collections::HashSet<&str> =
        run.results.iter().map(|r| r.check.name.as_str()).collect();
    let gone = baseline
        .checks
        .iter()
        .filter(|p| !here.contains(p.name.as_str()))
        .map(|p| p.name.clone())
        .collect();
    if only_new {
        let excused = excused(run, policy);
        verdict.failing.retain(|&i| classes[i].is_new_failure());
        // A check skipped behind one whose failure is no longer counted could not run, and
        // nothing counted stands for it: it fails the gate itself (closed), as a skip behind
        // an optional check does.
        let uncovered: Vec<usize> = (0..run.results.len())
            .filter(|&i| {
                excused[i]
                    && !run.results[i].check.optional
                    && root_cause(run, i).is_some_and(|c| !verdict.failing.contains(&c))
            })
            .collect();
        verdict.failing.extend(&uncovered);
        verdict.failing.sort_unstable();
        verdict.failing.dedup();
        let mut worst = State::Ok;
        for (i, r) in run.results.iter().enumerate() {
            let not_counted = failed(r, policy) && !classes[i].is_new_failure();
            let counted = uncovered.contains(&i) || (!excused[i] && !not_counted);
            if !r.check.optional && counted {
                worst = worst.worst(r.state());
            }
        }
        verdict.state = if run.results.is_empty() {
            State::Unknown
        } else {
            worst
        };
        verdict.passed = verdict.failing.is_empty()
            && !run.results.is_empty()
            && run.cancelled.is_none()
            && verdict.problems.is_empty();
    }
    verdict.baseline = Some(Comparison {
        baseline,
        classes,
        gone,
        only_new,
    });
    verdict
}

/// Which results were skipped for a needed check whose failure already fails the gate (through
/// a chain of skipped checks, the first one that ran or did not run for another reason): the
/// gate fails for that cause, so they do not count again. A check skipped for a cause that does
/// not fail the gate (an optional check that failed) is not excused: it did not run.
fn excused(run: &RunRecord, policy: &Policy) -> Vec<bool> {
    (0..run.results.len())
        .map(|i| root_cause(run, i).is_some_and(|c| fails_gate(&run.results[c], policy)))
        .collect()
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
        );
        assert_eq!(
            (v.passed, v.failing.clone(), v.exit_code()),
            (false, vec![1], exit::GATE_FAILED)
        );

        let v = decide(&record(vec![], None), &p);
        assert!(!v.passed, "an empty run establishes nothing");

        let v = decide(
            &record(
                vec![result(Some(State::Ok), false)],
                Some(CancelReason::Interrupt),
            ),
            &p,
        );
        assert_eq!(v.exit_code(), exit::INTERRUPTED);
        let v = decide(
            &record(
                vec![result(Some(State::Ok), false)],
                Some(CancelReason::Deadline),
            ),
            &p,
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
        );
        assert_eq!(v.state, State::Warning, "an optional check never raises it");
        assert_eq!(decide(&record(vec![], None), &p).state, State::Unknown);
    }

    #[test]
    fn worst_state_uses_max_state_alt_order() {
        assert_eq!(State::Ok.worst(State::Unknown), State::Unknown);
        assert_eq!(State::Unknown.worst(State::Warning), State::Warning);
        assert_eq!(State::Critical.worst(State::Unknown), State::Critical);
    }
}
