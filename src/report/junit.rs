//! JUnit XML as Jenkins, GitLab and GitHub read it, through quick-junit (which escapes every
//! character XML cannot carry). One testsuite per suite file, one testcase per check.
//! Reads the gate's verdict; decides nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quick_junit::{
    NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestRerun, TestSuite,
};

use crate::gate::{CheckVerdict, Disposition, Verdict};
use crate::model::soak::Figures;
use crate::model::{CheckResult, RunRecord, State};

/// `junit_dir`: the folder the report is written to. Screenshots under it are attached by a path
/// relative to it (GitLab links only those, from the job's artifacts); others by absolute path.
/// `skipped`: what the suite's imports left out, one line each, kept as a `smokegate.skipped`
/// property of every testsuite (as labels are): no check, but a reader of the report sees it.
pub fn render(
    run: &RunRecord,
    verdict: &Verdict,
    junit_dir: Option<&Path>,
    skipped: &[String],
) -> String {
    let mut report = Report::new("smokegate");
    report.set_time(run.duration);
    report.set_timestamp(to_datetime(run.started_at));
    let mut suites: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    let mut order: Vec<PathBuf> = Vec::new();
    for (i, r) in run.results.iter().enumerate() {
        let suite = r.check.suite.clone();
        if !suites.contains_key(&suite) {
            order.push(suite.clone());
        }
        suites.entry(suite).or_default().push(i);
    }
    for suite_path in order {
        let indices = &suites[&suite_path];
        let mut suite = TestSuite::new(suite_path.display().to_string());
        suite.set_timestamp(to_datetime(run.started_at));
        suite.set_time(run.duration);
        for (key, value) in &run.labels {
            suite.add_property(Property::new(
                format!("smokegate.label.{key}"),
                value.clone(),
            ));
        }
        for line in skipped {
            suite.add_property(Property::new("smokegate.skipped", line.clone()));
        }
        if let Some(history) = &run.history {
            suite.add_property(Property::new("smokegate.history", history.line()));
        }
        for &i in indices {
            let v = &verdict.checks[i];
            let mut case = test_case(run, &run.results[i], v, junit_dir);
            if let Some(soak) = &run.soak {
                add_soak(&mut case, &soak.checks[i], v.soak.as_deref());
            }
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    let xml = report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- smokegate could not serialize the report: {e} -->\n"));
    xml_chars(&xml)
}

/// The text with every character XML 1.0 does not allow (control characters but tab and line
/// ends, U+FFFE, U+FFFF) as U+FFFD: one in a check name or a label must not make the whole
/// report unreadable to a CI server.
fn xml_chars(xml: &str) -> String {
    xml.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// One check as a test case, by what the gate decided: what fails the gate is a failure (an
/// error for UNKNOWN and for a check that did not run: a CI server must see it red, not
/// skipped); a check skipped behind a counted failure is skipped; the rest pass, with the
/// gate's words in `smokegate.disposition`. Its message starts with the baseline class, so that
/// a CI page shows "new failure: ..." without opening the report.
fn test_case(
    run: &RunRecord,
    result: &CheckResult,
    verdict: &CheckVerdict,
    junit_dir: Option<&Path>,
) -> TestCase {
    let check = &result.check;
    let tag = super::tag(result, verdict);
    let meaning = super::meaning(run, verdict);
    let with_class = |message: String| match verdict.class {
        Some(class) => format!("{class}: {message}"),
        None => message,
    };
    let failing = |kind: NonSuccessKind, message: String| {
        let mut s = TestCaseStatus::non_success(kind);
        s.set_type(tag);
        s.set_message(with_class(message));
        s.set_description(super::details(result));
        add_reruns(&mut s, result);
        s
    };
    let status = match verdict.disposition {
        Disposition::NotRun { .. } => {
            let why = result
                .not_run
                .as_ref()
                .map_or("did not run", |n| n.reason());
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
            s.set_type("NOT RUN");
            s.set_message(with_class(match verdict.disposition {
                Disposition::NotRun { behind: Some(_) } => {
                    format!("{why} ({})", meaning.unwrap_or_default())
                }
                _ => why.to_string(),
            }));
            s
        }
        Disposition::Failed if result.not_run.is_some() || result.state() == State::Unknown => {
            failing(NonSuccessKind::Error, result.summary().to_string())
        }
        Disposition::Failed => failing(NonSuccessKind::Failure, result.summary().to_string()),
        Disposition::FailedOnRetry => failing(
            NonSuccessKind::Failure,
            super::flaky_note(result).unwrap_or_else(|| result.summary().to_string()),
        ),
        Disposition::Skipped { .. } => {
            let why = result.not_run.as_ref().map_or("skipped", |n| n.reason());
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("{why} ({})", meaning.unwrap_or_default()));
            s
        }
        Disposition::Optional | Disposition::NotCounted | Disposition::Tolerated
            if result.not_run.is_some() =>
        {
            let why = result
                .not_run
                .as_ref()
                .map_or("did not run", |n| n.reason());
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("{why} ({})", meaning.unwrap_or_default()));
            s
        }
        Disposition::Passed
        | Disposition::PassedOnRetry
        | Disposition::Warned
        | Disposition::Optional
        | Disposition::NotCounted
        | Disposition::Tolerated => {
            let mut s = TestCaseStatus::success();
            add_reruns(&mut s, result);
            s
        }
    };
    let mut case = TestCase::new(check.name.clone(), status);
    case.set_classname(classname(&check.suite));
    case.set_time(result.duration());
    if let Some(outcome) = result.outcome() {
        let mut out = format!("{}\n", outcome.summary);
        for line in &outcome.long_output {
            out.push_str(line);
            out.push('\n');
        }
        // Several CI readers (GitLab, GitHub reporters) ignore <flakyFailure>: say it here too.
        if let Some(note) = super::flaky_note(result) {
            out.push_str(&note);
            out.push('\n');
        }
        // Jenkins (JUnit Attachments) and GitLab read this convention from system-out.
        for ev in outcome
            .evidence
            .iter()
            .filter(|e| e.label == crate::model::Label::Screenshot)
        {
            if std::path::Path::new(&ev.text).is_file() {
                out.push_str(&format!(
                    "[[ATTACHMENT|{}]]\n",
                    attachment(&ev.text, junit_dir)
                ));
            }
        }
        case.set_system_out(out);
        for p in &outcome.perfdata {
            case.add_property(Property::new(
                format!("perfdata.{}", p.label),
                p.to_string(),
            ));
        }
    }
    case.add_property(Property::new("smokegate.state", result.state().label()));
    if result.is_flaky() {
        case.add_property(Property::new("smokegate.flaky", "true"));
    }
    case.add_property(Property::new(
        "smokegate.disposition",
        verdict.disposition.key(),
    ));
    if let Some(class) = verdict.class {
        case.add_property(Property::new("smokegate.baseline", class.label()));
    }
    case.add_property(Property::new("smokegate.kind", check.probe.kind()));
    case.add_property(Property::new("smokegate.source", check.source.to_string()));
    if !check.tags.is_empty() {
        case.add_property(Property::new("smokegate.tags", check.tags.join(",")));
    }
    if check.optional {
        case.add_property(Property::new("smokegate.optional", "true"));
    }
    case
}

/// A check's figures over a soak as properties; why it fails the soak leads its message.
fn add_soak(case: &mut TestCase, f: &Figures, why: Option<&str>) {
    let secs = |d: std::time::Duration| format!("{:.3}", d.as_secs_f64());
    for (name, value) in [
        ("runs", f.runs.to_string()),
        ("failures", f.failures.to_string()),
        ("unknowns", f.unknowns.to_string()),
        ("not_run", f.skipped.to_string()),
        ("state_changes", f.changes.to_string()),
        ("flapped", f.flapped.to_string()),
        ("max_flap_percent", format!("{:.1}", f.max_flap_percent)),
        ("p50_s", secs(f.durations.quantile(0.5))),
        ("p95_s", secs(f.durations.quantile(0.95))),
        ("max_s", secs(f.durations.max())),
    ] {
        case.add_property(Property::new(format!("smokegate.soak.{name}"), value));
    }
    if let Some(why) = why {
        case.add_property(Property::new("smokegate.soak.fails_because", why));
    }
    if let (Some(why), TestCaseStatus::NonSuccess { message, .. }) = (why, &mut case.status) {
        let last = message.as_deref().unwrap_or_default().to_string();
        *message = Some(format!("{why}; last failure: {last}").into());
    }
}

/// Earlier attempts: flaky ones when the last passed, reruns when it failed too.
fn add_reruns(status: &mut TestCaseStatus, result: &CheckResult) {
    let Some((_, earlier)) = result.attempts.split_last() else {
        return;
    };
    for attempt in earlier {
        let kind = if attempt.outcome.state == State::Unknown {
            NonSuccessKind::Error
        } else {
            NonSuccessKind::Failure
        };
        let mut rerun = TestRerun::new(kind);
        rerun.set_time(attempt.duration);
        rerun.set_message(format!(
            "attempt {}: {}: {}",
            attempt.number, attempt.outcome.state, attempt.outcome.summary
        ));
        rerun.set_type(attempt.outcome.state.label());
        status.add_rerun(rerun);
    }
}

/// A screenshot's path as CI servers resolve it: relative to the report's folder when it lies
/// under it (GitLab resolves attachments from the job's artifacts), absolute otherwise (Jenkins).
fn attachment(path: &str, junit_dir: Option<&Path>) -> String {
    let Ok(absolute) = std::fs::canonicalize(path) else {
        return path.to_string();
    };
    junit_dir
        .and_then(|dir| std::fs::canonicalize(dir).ok())
        .and_then(|dir| absolute.strip_prefix(dir).ok().map(Path::to_path_buf))
        .unwrap_or(absolute)
        .display()
        .to_string()
}

/// `checks/web.toml` -> `checks.web`: how CI servers group test classes.
fn classname(suite: &std::path::Path) -> String {
    let s = suite.with_extension("").display().to_string();
    s.trim_start_matches("./").replace(['/', '\\'], ".")
}

fn to_datetime(t: std::time::SystemTime) -> chrono::DateTime<chrono::FixedOffset> {
    let utc: chrono::DateTime<chrono::Utc> = t.into();
    utc.fixed_offset()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::{self, Policy};
    use crate::model::testing::{check, not_run, record, result};
    use crate::model::NotRun;

    fn parsed(run: &RunRecord) -> Report {
        let xml = render(run, &gate::decide(run, &Policy::default(), None), None, &[]);
        Report::deserialize_from_str(&xml).expect("a JUnit reader reads it back")
    }

    fn case<'a>(report: &'a Report, name: &str) -> &'a TestCase {
        report
            .test_suites
            .iter()
            .flat_map(|s| &s.test_cases)
            .find(|c| c.name.as_str() == name)
            .expect("test case")
    }

    #[test]
    fn each_state_becomes_the_junit_status_a_ci_server_understands() {
        let mut b_suite = check("api");
        b_suite.suite = PathBuf::from("b.toml");
        let run = record(
            vec![
                result(check("web"), &[State::Ok]),
                result(check("disk"), &[State::Warning]),
                result(check("db"), &[State::Critical]),
                result(check("plugin"), &[State::Unknown]),
                not_run(check("late"), NotRun::Deadline),
                result(b_suite, &[State::Ok]),
            ],
            None,
        );
        let report = parsed(&run);
        let suites: Vec<&str> = report.test_suites.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            suites,
            ["suite.toml", "b.toml"],
            "one testsuite per suite file, in order"
        );
        assert!(matches!(
            case(&report, "web").status,
            TestCaseStatus::Success { .. }
        ));
        assert!(
            matches!(case(&report, "disk").status, TestCaseStatus::Success { .. }),
            "WARNING passes the default gate"
        );
        match &case(&report, "db").status {
            TestCaseStatus::NonSuccess {
                kind, message, ty, ..
            } => {
                assert_eq!(*kind, NonSuccessKind::Failure);
                assert_eq!(message.as_deref(), Some("CRITICAL - db"));
                assert_eq!(ty.as_deref(), Some("CRITICAL"));
            }
            other => panic!("db: {other:?}"),
        }
        assert!(matches!(
            case(&report, "plugin").status,
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Error,
                ..
            }
        ));
        // It fails the gate: an error a CI server shows red, never a skip it shows green.
        match &case(&report, "late").status {
            TestCaseStatus::NonSuccess {
                kind, message, ty, ..
            } => {
                assert_eq!(*kind, NonSuccessKind::Error);
                assert_eq!(
                    message.as_deref(),
                    Some("not run: the run's deadline passed before it started")
                );
                assert_eq!(ty.as_deref(), Some("NOT RUN"));
            }
            other => panic!("late: {other:?}"),
        }
        let state = case(&report, "disk")
            .properties
            .iter()
            .find(|p| p.name.as_str() == "smokegate.state")
            .map(|p| p.value.as_str());
        assert_eq!(state, Some("WARNING"));
    }

    #[test]
    fn a_pass_after_a_failure_is_flaky_and_two_failures_are_a_rerun() {
        let run = record(
            vec![
                result(check("flaky"), &[State::Critical, State::Ok]),
                result(check("broken"), &[State::Critical, State::Critical]),
            ],
            None,
        );
        let report = parsed(&run);
        match &case(&report, "flaky").status {
            TestCaseStatus::Success { flaky_runs } => assert_eq!(flaky_runs.len(), 1),
            other => panic!("flaky: {other:?}"),
        }
        match &case(&report, "broken").status {
            TestCaseStatus::NonSuccess { reruns, .. } => assert_eq!(reruns.runs.len(), 1),
            other => panic!("broken: {other:?}"),
        }
    }
}
