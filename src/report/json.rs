//! The JSON report: every result and the verdict, with stable field names (documented in the
//! README) and a version, so that a later run can read it back and compare. Decides nothing.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::gate::{Policy, Verdict};
use crate::model::diff::{Baseline, Past};
use crate::model::FailOn;
use crate::model::{CancelReason, CheckResult, NotRun, Outcome, Perfdata, RunRecord, State};

/// Bumped when a field changes meaning or disappears; adding fields keeps the version.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonReport {
    pub format_version: u32,
    pub smokegate_version: String,
    pub started_at: String,
    pub duration_s: f64,
    /// `--label`s of the run (`{"version": "1.4.2"}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    pub verdict: JsonVerdict,
    /// This run against `--baseline`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<JsonBaseline>,
    /// With `--soak`: how it went; each check has its own figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soak: Option<JsonSoak>,
    /// What the suite's imports left out and why, one line each, as `validate` prints them
    /// (a command that needs `$ARGn$`, a missing include, a passive service). None of them is a
    /// check: the verdict does not count them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
    /// With `--history`: the run's id in the store, or why it could not be recorded (the
    /// verdict stands either way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<crate::history::Recorded>,
    pub checks: Vec<JsonCheck>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonBaseline {
    /// The file it was read from.
    pub file: String,
    pub started_at: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// `"all"` (the default gate) or `"new"` (`--gate new`).
    pub gate: String,
    /// Checks of the baseline this run did not have.
    pub gone: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonVerdict {
    pub passed: bool,
    pub exit_code: i32,
    pub fail_on: String,
    /// `null`, `"deadline"` or `"interrupt"`.
    pub cancelled: Option<String>,
    pub total: usize,
    pub ok: usize,
    pub warning: usize,
    pub critical: usize,
    pub unknown: usize,
    pub not_run: usize,
    /// Of `not_run`, those skipped because a check they need did not end OK or WARNING.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped: usize,
    /// Names of the checks that fail the gate, in suite order.
    pub failing: Vec<String>,
    /// What failed the gate besides its checks (a report that could not be written).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonCheck {
    pub name: String,
    pub kind: String,
    pub command: String,
    pub tags: Vec<String>,
    pub optional: bool,
    pub suite: String,
    /// `file:line:col` of the check's name.
    pub source: String,
    /// A digest of its resolved definition, to tell a changed check in a later comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Against `--baseline`: `new failure`, `still failing`, `fixed`, `unchanged`, `changed`,
    /// `new check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// `OK`, `WARNING`, `CRITICAL` or `UNKNOWN` (a check that did not run is `UNKNOWN`).
    pub state: String,
    pub fails_gate: bool,
    /// What the gate decided of it: `passed`, `passed_on_retry`, `warned`, `failed`,
    /// `failed_on_retry`, `not_run`, `skipped` (counted under the check it needs), `optional`,
    /// `not_counted` (`--gate new`: still failing) or `tolerated` (within `--soak-failures`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
    /// `null`, or why the check did not run: `"deadline"`, `"interrupted"` or `"needs"`.
    pub not_run: Option<String>,
    /// Checks (by name) that must end OK or WARNING before this one runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// When `not_run` is `"needs"`: the needed check that did not end OK or WARNING.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_because: Option<JsonUnmet>,
    /// Its figures over a `--soak`; its other fields are then of its last failing run (or its
    /// last run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soak: Option<JsonFigures>,
    pub flaky: bool,
    pub summary: String,
    pub duration_s: f64,
    pub long_output: Vec<String>,
    pub perfdata: Vec<JsonPerfdata>,
    pub evidence: Vec<JsonEvidence>,
    pub attempts: Vec<JsonAttempt>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonSoak {
    pub runs: u32,
    pub elapsed_s: f64,
    /// `--soak-failures`.
    pub allowed_failures: u32,
    /// Why it stopped before its window or count, or `null`.
    pub stopped_early: Option<String>,
}

/// One check over a soak.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonFigures {
    pub runs: u32,
    pub failures: u32,
    /// UNKNOWN or not run.
    pub unknowns: u32,
    /// Runs in which it did not run at all (skipped behind what it needs, or stopped).
    #[serde(default)]
    pub not_run: u32,
    pub state_changes: u32,
    /// Flapping at any time, by Nagios' algorithm (last 21 states, 5%/20% thresholds).
    pub flapped: bool,
    pub max_flap_percent: f64,
    pub p50_s: f64,
    pub p95_s: f64,
    pub max_s: f64,
    /// Why it fails the soak, when it does.
    pub fails_because: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonUnmet {
    pub check: String,
    /// Its state, or `null` when it did not run either.
    pub state: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonAttempt {
    pub number: u32,
    pub started_s: f64,
    pub duration_s: f64,
    pub state: String,
    pub summary: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonPerfdata {
    pub label: String,
    /// `null` when the plugin reported `U`.
    pub value: Option<f64>,
    pub uom: String,
    pub warn: Option<String>,
    pub crit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonEvidence {
    pub label: String,
    pub text: String,
}

/// `skipped`: what the suite's imports left out, one line each.
pub fn build(
    run: &RunRecord,
    verdict: &Verdict,
    policy: &Policy,
    skipped: &[String],
) -> JsonReport {
    JsonReport {
        format_version: FORMAT_VERSION,
        smokegate_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at: humantime::format_rfc3339_millis(run.started_at).to_string(),
        duration_s: secs(run.duration),
        labels: run.labels.iter().cloned().collect(),
        soak: run.soak.as_ref().map(|s| JsonSoak {
            runs: s.runs,
            elapsed_s: secs(s.elapsed),
            allowed_failures: s.allowed_failures,
            stopped_early: s.stopped_early.clone(),
        }),
        baseline: verdict.baseline.as_ref().map(|c| JsonBaseline {
            file: c.baseline.file.clone(),
            started_at: c.baseline.started_at.clone(),
            labels: c.baseline.labels.iter().cloned().collect(),
            gate: if c.only_new { "new" } else { "all" }.to_string(),
            gone: c.gone.clone(),
        }),
        verdict: JsonVerdict {
            passed: verdict.passed,
            exit_code: verdict.exit_code(),
            fail_on: match policy.fail_on {
                FailOn::Warning => "warning",
                FailOn::Critical => "critical",
            }
            .to_string(),
            cancelled: verdict.cancelled.map(|c| match c {
                CancelReason::Deadline => "deadline".to_string(),
                CancelReason::Interrupt => "interrupt".to_string(),
            }),
            total: verdict.counts.total,
            ok: verdict.counts.ok,
            warning: verdict.counts.warning,
            critical: verdict.counts.critical,
            unknown: verdict.counts.unknown,
            not_run: verdict.counts.not_run,
            skipped: verdict.counts.skipped,
            failing: verdict
                .failing()
                .map(|i| run.results[i].check.name.clone())
                .collect(),
            problems: verdict.problems.clone(),
        },
        skipped: skipped.to_vec(),
        history: run.history.clone(),
        checks: run
            .results
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let v = &verdict.checks[i];
                let mut check = check(r, v.counted());
                check.disposition = Some(v.disposition.key().to_string());
                check.baseline = v.class.map(|c| c.label().to_string());
                check.soak = run.soak.as_ref().map(|s| {
                    let f = &s.checks[i];
                    JsonFigures {
                        runs: f.runs,
                        failures: f.failures,
                        unknowns: f.unknowns,
                        state_changes: f.changes,
                        flapped: f.flapped,
                        max_flap_percent: (f.max_flap_percent * 10.0).round() / 10.0,
                        p50_s: secs(f.durations.quantile(0.5)),
                        p95_s: secs(f.durations.quantile(0.95)),
                        max_s: secs(f.durations.max()),
                        not_run: f.skipped,
                        fails_because: v.soak.clone(),
                    }
                });
                check
            })
            .collect(),
    }
}

pub fn render(run: &RunRecord, verdict: &Verdict, policy: &Policy, skipped: &[String]) -> String {
    let report = build(run, verdict, policy, skipped);
    let mut text =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

fn check(r: &CheckResult, fails_gate: bool) -> JsonCheck {
    let c = &r.check;
    let empty = Outcome::unknown("");
    let outcome = r.outcome().unwrap_or(&empty);
    JsonCheck {
        name: c.name.clone(),
        kind: c.probe.kind().to_string(),
        command: c.probe.describe(),
        tags: c.tags.clone(),
        optional: c.optional,
        suite: c.suite.display().to_string(),
        source: c.source.to_string(),
        fingerprint: Some(c.fingerprint.clone()),
        baseline: None,
        state: r.state().label().to_string(),
        fails_gate,
        disposition: None,
        not_run: r.not_run.as_ref().map(|n| {
            match n {
                NotRun::Deadline => "deadline",
                NotRun::Interrupted => "interrupted",
                NotRun::Needs(_) => "needs",
            }
            .to_string()
        }),
        needs: c.needs.clone(),
        soak: None,
        skipped_because: r
            .not_run
            .as_ref()
            .and_then(NotRun::unmet)
            .map(|u| JsonUnmet {
                check: u.check.clone(),
                state: u.state.map(|s| s.label().to_string()),
            }),
        flaky: r.is_flaky(),
        summary: r.summary().to_string(),
        duration_s: secs(r.duration()),
        long_output: outcome.long_output.clone(),
        perfdata: outcome.perfdata.iter().map(perfdata).collect(),
        evidence: outcome
            .evidence
            .iter()
            .map(|e| JsonEvidence {
                label: e.label.to_string(),
                text: e.text.clone(),
            })
            .collect(),
        attempts: r
            .attempts
            .iter()
            .map(|a| JsonAttempt {
                number: a.number,
                started_s: secs(a.started),
                duration_s: secs(a.duration),
                state: a.outcome.state.label().to_string(),
                summary: a.outcome.summary.clone(),
            })
            .collect(),
    }
}

fn perfdata(p: &Perfdata) -> JsonPerfdata {
    JsonPerfdata {
        label: p.label.clone(),
        value: p.value,
        uom: p.uom.clone(),
        warn: p.warn.clone(),
        crit: p.crit.clone(),
        min: p.min,
        max: p.max,
    }
}

/// Seconds with millisecond precision.
fn secs(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

/// The parts of a JSON report a later run compares against, read leniently: fields added by
/// later versions of the same format are ignored.
#[derive(Deserialize)]
struct BaselineFile {
    started_at: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    checks: Vec<BaselineCheck>,
}

#[derive(Deserialize)]
struct BaselineCheck {
    name: String,
    state: String,
    fails_gate: bool,
    #[serde(default)]
    optional: bool,
    not_run: Option<String>,
    #[serde(default)]
    fingerprint: Option<String>,
    #[serde(default)]
    flaky: bool,
    /// Present over a soak: its state is then of one run, not what the soak decided.
    #[serde(default)]
    soak: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct VersionOnly {
    format_version: u32,
}

/// Reads an earlier run's JSON report (`--json`) as a baseline. A file that is not one — not
/// JSON, cut short, of a newer format — is an error that says where and why.
pub fn read_baseline(path: &Path) -> Result<Baseline, String> {
    let shown = path.display();
    let text = crate::source::files::read_text(path)
        .map_err(|e| format!("cannot read the baseline {shown}: {e}"))?;
    let at = |e: &serde_json::Error| {
        format!(
            "the baseline {shown}:{}:{} is not a smokegate JSON report: {e}",
            e.line(),
            e.column()
        )
    };
    let version: VersionOnly = serde_json::from_str(&text).map_err(|e| at(&e))?;
    if version.format_version > FORMAT_VERSION {
        return Err(format!(
            "the baseline {shown} has format_version {}, newer than this smokegate reads ({FORMAT_VERSION}): compare with the smokegate that wrote it, or a newer one",
            version.format_version
        ));
    }
    let file: BaselineFile = serde_json::from_str(&text).map_err(|e| at(&e))?;
    let checks = file
        .checks
        .into_iter()
        .map(|c| {
            let state = State::from_label(&c.state);
            // An optional check does not fail its gate, but its own failure still counts here.
            let failed_then = c.fails_gate
                || (c.optional && matches!(state, Some(State::Critical | State::Unknown)));
            Past {
                name: c.name,
                // A check that did not run then (skipped behind what it needs, stopped by the
                // deadline) has no past to excuse a failure now: that failure counts as new.
                ran: c.not_run.is_none(),
                // Read as data; what it means under this run's policy is the gate's to judge.
                state: if c.soak.is_some() { None } else { state },
                flaky: c.flaky,
                failed_then,
                fingerprint: c.fingerprint,
            }
        })
        .collect();
    Ok(Baseline {
        file: shown.to_string(),
        started_at: file.started_at,
        labels: file.labels.into_iter().collect(),
        checks,
    })
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
