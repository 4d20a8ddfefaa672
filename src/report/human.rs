//! The terminal report: what imports left out (before the run, on stderr), a line per check as
//! it finishes (fed by runner events, printed by one writer in arrival order), then the non-OK
//! checks with their evidence, then the verdict line.
//! Colour only when asked or on a TTY. Reads the verdict; decides nothing.

use crate::gate::Verdict;
use std::sync::Arc;

use crate::format::duration as fmt_duration;
use crate::model::diff::{Class, Comparison};
use crate::model::soak::Soak;
use crate::model::{Attempt, CancelReason, Check, CheckResult, RunRecord, State};
use crate::runner::{Event, SoakProgress};

#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn state(self, state: State, text: &str) -> String {
        let code = match state {
            State::Ok => "32",
            State::Warning => "33",
            State::Critical => "1;31",
            State::Unknown => "35",
        };
        self.paint(code, text)
    }

    fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// What the suite's imports left out and why, a `skipped:` line each (as `validate` and `list`
/// say them): no check, so no state, but a person must see it.
pub fn skipped_lines(skipped: &[String]) -> String {
    skipped.iter().map(|s| format!("skipped: {s}\n")).collect()
}

/// The live line for a finished check.
pub fn finished_line(result: &CheckResult, style: Style) -> String {
    let label = not_ok_label(result);
    let flaky = if result.is_flaky() {
        format!(" (flaky: passed on attempt {})", result.attempts.len())
    } else {
        String::new()
    };
    format!(
        "{} {:>7} {}{} {} {}",
        style.state(result.state(), &format!("{label:<8}")),
        fmt_duration(result.duration()),
        result.check.name,
        flaky,
        style.dim("-"),
        result.summary()
    )
}

/// `SKIPPED` (a needed check failed), `NOT RUN` (deadline, interrupt), or the state.
fn not_ok_label(result: &CheckResult) -> &'static str {
    match &result.not_run {
        Some(n) if n.unmet().is_some() => "SKIPPED",
        Some(_) => "NOT RUN",
        None => result.state().label(),
    }
}

/// The live line for a runner event, if it has one: a finished check, a retry, a stop.
pub fn event_line(event: &Event, checks: &[Arc<Check>], style: Style) -> Option<String> {
    Some(match event {
        Event::Finished { result, .. } => finished_line(result, style),
        Event::Retrying {
            index,
            attempt,
            delay,
        } => {
            let check = checks.get(*index)?;
            retry_line(&check.name, attempt, check.retries + 1, *delay, style)
        }
        Event::Cancelling(CancelReason::Interrupt) => {
            "interrupted: stopping running checks, writing reports".to_string()
        }
        Event::Cancelling(CancelReason::Deadline) => {
            "deadline reached: stopping running checks".to_string()
        }
        Event::AttemptStarted { .. } => return None,
        Event::SoakRun(progress) => soak_line(progress, checks, style),
    })
}

/// One line per run of a soak: how far it is, what this run gave (the checks that did not pass
/// in it), and the checks with a failure so far.
fn soak_line(progress: &SoakProgress, checks: &[Arc<Check>], style: Style) -> String {
    let head = format!(
        "soak run {} at {}:",
        progress.run,
        fmt_duration(progress.elapsed)
    );
    let name = |i: usize| checks.get(i).map_or("?", |c| c.name.as_str());
    let listed = |items: Vec<String>| {
        let more = items.len().saturating_sub(5);
        let mut shown: Vec<String> = items.into_iter().take(5).collect();
        if more > 0 {
            shown.push(format!("and {more} more"));
        }
        shown.join(", ")
    };
    let this_run = if progress.this_run.is_empty() {
        style.state(
            State::Ok,
            &format!("{} passed", crate::format::count(checks.len(), "check")),
        )
    } else {
        let items = progress
            .this_run
            .iter()
            .map(|&(i, word)| format!("{} {word}", name(i)))
            .collect();
        style.state(State::Critical, &listed(items))
    };
    if progress.troubled.is_empty() {
        return format!("{} {this_run}", style.dim(&head));
    }
    let so_far = progress
        .troubled
        .iter()
        .map(|&(i, failures, unknowns, flapping)| {
            let mut what = Vec::new();
            if failures > 0 {
                what.push(crate::format::count(failures as usize, "failure"));
            }
            if unknowns > 0 {
                what.push(format!("{unknowns} UNKNOWN"));
            }
            if flapping {
                what.push("flapping".to_string());
            }
            format!("{} ({})", name(i), what.join(", "))
        })
        .collect();
    format!(
        "{} {this_run}{}",
        style.dim(&head),
        style.dim(&format!("; so far: {}", listed(so_far)))
    )
}

/// The live line for an attempt that will be retried.
pub fn retry_line(
    result_name: &str,
    attempt: &Attempt,
    of: u32,
    delay: std::time::Duration,
    style: Style,
) -> String {
    format!(
        "{} {:>7} {} {} attempt {}/{}: {}; retrying in {}",
        style.paint("36", &format!("{:<8}", "RETRY")),
        fmt_duration(attempt.duration),
        result_name,
        style.dim("-"),
        attempt.number,
        of,
        attempt.outcome.summary,
        fmt_duration(delay)
    )
}

/// Lines of a check's details shown in the terminal summary: its first and its last ones.
const TERMINAL_HEAD: usize = 40;
const TERMINAL_TAIL: usize = 10;

/// Everything after the live lines: details of non-OK checks, then the verdict line.
pub fn summary(run: &RunRecord, verdict: &Verdict, style: Style) -> String {
    let mut out = String::new();
    let listed = super::listed(verdict);
    if !listed.is_empty() {
        out.push('\n');
        for i in listed {
            let r = &run.results[i];
            let v = &verdict.checks[i];
            let label = super::tag(r, v);
            let meaning = super::meaning(run, v).unwrap_or_default();
            if let crate::gate::Disposition::Skipped { .. } = v.disposition {
                // The check it is counted under is shown on its own.
                out.push_str(&format!(
                    "{} {} {}\n    {}\n",
                    style.state(r.state(), &format!("{label:<8}")),
                    style.paint("1", &r.check.name),
                    style.dim(&format!("({meaning})")),
                    r.summary()
                ));
                continue;
            }
            let mut notes = vec![meaning];
            if let Some(class) = super::class_note(v) {
                notes.push(class.to_string());
            }
            out.push_str(&format!(
                "{} {} {}\n",
                style.state(r.state(), &format!("{label:<8}")),
                style.paint("1", &r.check.name),
                style.dim(&format!("({})", notes.join(", ")))
            ));
            out.push_str(&format!("    {}\n", r.summary()));
            // The terminal shows the start and the end of long details; the reports have all
            // that was kept.
            let details = super::details(r);
            let lines: Vec<&str> = details.lines().collect();
            let shown: Vec<String> = if lines.len() > TERMINAL_HEAD + TERMINAL_TAIL {
                let cut = lines.len() - TERMINAL_HEAD - TERMINAL_TAIL;
                lines[..TERMINAL_HEAD]
                    .iter()
                    .map(|l| (*l).to_string())
                    .chain(std::iter::once(format!(
                        "[... {cut} lines not shown here: see --json or --junit ...]"
                    )))
                    .chain(
                        lines[lines.len() - TERMINAL_TAIL..]
                            .iter()
                            .map(|l| (*l).to_string()),
                    )
                    .collect()
            } else {
                lines.iter().map(|l| (*l).to_string()).collect()
            };
            for line in shown {
                out.push_str(&format!("    {}\n", style.dim(&line)));
            }
        }
    }
    if let Some(soak) = &run.soak {
        out.push_str(&soak_table(run, soak, style));
    }
    if let Some(comparison) = &verdict.baseline {
        out.push_str(&against(run, verdict, comparison, style));
    }
    out.push('\n');
    out.push_str(&verdict_line(run, verdict, style));
    out.push('\n');
    out
}

/// Every check's figures over a soak, in suite order, and why the soak stopped early.
fn soak_table(run: &RunRecord, soak: &Soak, style: Style) -> String {
    let mut out = format!(
        "\nsoak: {} in {}\n",
        crate::format::count(soak.runs as usize, "run"),
        fmt_duration(soak.elapsed)
    );
    let header = [
        "CHECK", "RUNS", "FAILURES", "UNKNOWN", "CHANGES", "FLAPPING", "P50", "P95", "MAX",
    ]
    .map(String::from);
    let rows: Vec<[String; 9]> = run
        .results
        .iter()
        .zip(&soak.checks)
        .map(|(r, f)| {
            [
                r.check.name.clone(),
                f.runs.to_string(),
                f.failures.to_string(),
                f.unknowns.to_string(),
                f.changes.to_string(),
                format!(
                    "{} ({:.0}%)",
                    if f.flapped { "yes" } else { "no" },
                    f.max_flap_percent
                ),
                fmt_duration(f.durations.quantile(0.5)),
                fmt_duration(f.durations.quantile(0.95)),
                fmt_duration(f.durations.max()),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..9)
        .map(|c| {
            rows.iter()
                .chain([&header])
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in [&header].into_iter().chain(&rows) {
        // The name to the left, the figures to the right.
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let w = widths[c];
                if c == 0 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        out.push_str(&format!("  {}\n", cells.join("  ")));
    }
    if let Some(why) = &soak.stopped_early {
        out.push_str(&format!(
            "  {}\n",
            style.paint("1;31", &format!("stopped early: {why}"))
        ));
    }
    out
}

/// This run against `--baseline`, grouped by class: what this deploy broke first. Names and
/// labels read from the baseline file are outside text: escaped like any other.
fn against(run: &RunRecord, verdict: &Verdict, comparison: &Comparison, style: Style) -> String {
    let clean = crate::sanitize::clean;
    let mut out = format!(
        "\nagainst {} ({}):\n",
        clean(&comparison.baseline.describe()),
        clean(&comparison.baseline.file)
    );
    let named = |wanted: &dyn Fn(Class) -> bool| -> Vec<&str> {
        run.results
            .iter()
            .zip(&verdict.checks)
            .filter(|(_, v)| v.class.is_some_and(wanted))
            .map(|(r, _)| r.check.name.as_str())
            .collect()
    };
    let still = if comparison.only_new {
        "still failing (not counted: --gate new)"
    } else {
        "still failing"
    };
    let new_failure = format!(
        "new failure (did not fail on {})",
        clean(&comparison.baseline.describe())
    );
    let shifted: Vec<String> = run
        .results
        .iter()
        .zip(&verdict.checks)
        .filter_map(|(r, v)| match v.class {
            Some(c @ Class::Shifted { .. }) => Some(format!("{} ({c})", r.check.name)),
            _ => None,
        })
        .collect();
    let shifted: Vec<&str> = shifted.iter().map(String::as_str).collect();
    let rows: [(&str, Vec<&str>, &str); 7] = [
        (&new_failure, named(&|c| c == Class::NewFailure), "1;31"),
        (
            "changed, fails",
            named(&|c| c == Class::Changed { fails: true }),
            "1;31",
        ),
        (
            "new check, fails",
            named(&|c| c == Class::NewCheck { fails: true }),
            "1;31",
        ),
        (still, named(&|c| c == Class::StillFailing), "33"),
        ("fixed", named(&|c| c == Class::Fixed), "32"),
        ("passes, state changed", shifted, "33"),
        (
            "changed, passes",
            named(&|c| {
                matches!(
                    c,
                    Class::Changed { fails: false } | Class::NewCheck { fails: false }
                )
            }),
            "2",
        ),
    ];
    for (what, names, colour) in rows {
        if !names.is_empty() {
            out.push_str(&format!(
                "  {}: {}\n",
                style.paint(colour, what),
                names.join(", ")
            ));
        }
    }
    if !comparison.gone.is_empty() {
        out.push_str(&format!(
            "  {}: {}\n",
            style.dim("gone"),
            clean(&comparison.gone.join(", "))
        ));
    }
    let same = named(&|c| c == Class::Same).len();
    if same > 0 {
        out.push_str(&format!("  {}\n", style.dim(&format!("{same} unchanged"))));
    }
    out
}

pub fn verdict_line(run: &RunRecord, verdict: &Verdict, style: Style) -> String {
    let c = &verdict.counts;
    let mut parts = vec![format!("{} ok", c.ok)];
    for (n, what) in [
        (c.warning, "warning"),
        (c.critical, "critical"),
        (c.unknown, "unknown"),
        (c.not_run - c.skipped, "not run"),
        (c.skipped, "skipped"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    let flaky = verdict
        .checks
        .iter()
        .filter(|c| c.disposition.on_retry())
        .count();
    if flaky > 0 {
        parts.push(format!("{flaky} passed only on a retry"));
    }
    let head = if verdict.passed {
        style.paint("1;32", "gate PASSED")
    } else {
        style.paint("1;31", "gate FAILED")
    };
    let cancelled = match verdict.cancelled {
        Some(crate::model::CancelReason::Deadline) => " (deadline reached)",
        Some(crate::model::CancelReason::Interrupt) => " (interrupted)",
        None => "",
    };
    let problems: String = verdict.problems.iter().map(|p| format!("{p}; ")).collect();
    let labels: Vec<String> = run.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let head = if labels.is_empty() {
        head
    } else {
        format!("{head} for {}", labels.join(", "))
    };
    let gate = if run.soak.is_some() { "soak" } else { "gate" };
    let which = match &verdict.baseline {
        Some(c) if c.only_new => " with a new failure",
        _ => "",
    };
    format!(
        "{head}: {problems}{} of {} checks fail the {gate}{which} ({}) in {}{cancelled}",
        verdict.failing_count(),
        c.total,
        parts.join(", "),
        fmt_duration(run.duration)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::{self, Policy};
    use crate::model::testing::{check, not_run, record, result};
    use crate::model::{Label, NotRun};

    const PLAIN: Style = Style { color: false };

    fn summary_of(run: &RunRecord) -> String {
        summary(run, &gate::decide(run, &Policy::default(), None), PLAIN)
    }

    #[test]
    fn a_green_run_is_only_the_verdict_line() {
        let run = record(vec![result(check("web"), &[State::Ok])], None);
        assert_eq!(
            summary_of(&run),
            "\ngate PASSED: 0 of 1 checks fail the gate (1 ok) in 1.5s\n"
        );
    }

    #[test]
    fn non_ok_checks_show_why_and_whether_they_fail_the_gate() {
        let mut failing = result(check("web"), &[State::Critical, State::Critical]);
        failing.attempts[1].outcome = failing.attempts[1]
            .outcome
            .clone()
            .with_evidence(Label::Command, "check_http -H web");
        let run = record(
            vec![
                failing,
                result(check("disk"), &[State::Warning]),
                not_run(check("late"), NotRun::Deadline),
            ],
            Some(CancelReason::Deadline),
        );
        assert_eq!(
            summary_of(&run),
            "\nCRITICAL web (fails the gate)\n    CRITICAL - web\n    source: suite.toml:1:1\n    \
             command: check_http -H web\n    attempts: CRITICAL in 10ms, CRITICAL in 10ms\n\
             NOT RUN  late (fails the gate)\n    not run: the run's deadline passed before it started\n    \
             source: suite.toml:1:1\n    command: /bin/sh -c 'exit 0'\n\
             WARNING  disk (does not fail the gate)\n    WARNING - disk\n    source: suite.toml:1:1\n\
             \ngate FAILED: 2 of 3 checks fail the gate (0 ok, 1 warning, 1 critical, 1 not run) \
             in 1.5s (deadline reached)\n"
        );
    }

    #[test]
    fn long_details_show_their_start_and_end_in_the_terminal() {
        let mut long = result(check("plugin"), &[State::Critical]);
        long.attempts[0].outcome.long_output = (1..=100).map(|i| format!("line {i}")).collect();
        let text = summary_of(&record(vec![long], None));
        // 102 lines of details (source, output:, 100 lines): the first 40, the last 10.
        assert!(
            text.contains(
                "      line 38\n    [... 52 lines not shown here: see --json or --junit ...]\n      \
                 line 91\n"
            ),
            "{text}"
        );
        assert!(!text.contains("line 39\n"));
    }

    #[test]
    fn colour_only_when_asked() {
        let run = record(vec![result(check("web"), &[State::Critical])], None);
        let verdict = gate::decide(&run, &Policy::default(), None);
        assert!(!summary(&run, &verdict, PLAIN).contains('\x1b'));
        assert!(summary(&run, &verdict, Style { color: true }).contains("\x1b[1;31mgate FAILED"));
    }
}
