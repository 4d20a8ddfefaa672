//! `smokegate nagios` output, by the Monitoring Plugins guidelines: one status line with
//! perfdata, then one long-output line per non-OK check. The state shown is the worst state of
//! the checks that count (optional ones are listed but never raise it); exit code = that state.
//! Decides nothing beyond reading the verdict and the results.

use crate::gate::{Disposition, Verdict};
use crate::model::{CheckResult, RunRecord, State};

/// Nagios 4 keeps at most 8 KiB of plugin output (MAX_PLUGIN_OUTPUT_LENGTH) and NRPE 3/4 packets
/// carry as much; long output is cut to fit, with a line saying how much was left out.
pub const MAX_OUTPUT: usize = 8000;

/// How many failing names the first line lists before "and N more".
/// (No `;` in the text: Nagios turns it into `:` in plugin output.)
const NAMES_ON_FIRST_LINE: usize = 5;
/// Said once, at the end, when a `|` in a check's text was shown as `/`.
const PIPE_NOTE: &str =
    "(a | in check output is shown as /: Nagios reads | as the start of perfdata)";
/// Bounds that keep the status line and its perfdata inside what Nagios keeps, and let every
/// non-OK check be named in the long output.
const MAX_NAME: usize = 80;
const MAX_FIRST_LINE: usize = 1000;
const MIN_LINE: usize = 100;
const MAX_LINE: usize = 400;

pub struct NagiosReport {
    pub state: State,
    pub text: String,
}

pub fn render(run: &RunRecord, verdict: &Verdict) -> NagiosReport {
    let redact = &run.redactor;
    let state = verdict.state;
    let total = run.results.len();
    let with = |wanted: &dyn Fn(Disposition) -> bool| -> Vec<&CheckResult> {
        run.results
            .iter()
            .zip(&verdict.checks)
            .filter(|(_, v)| wanted(v.disposition))
            .map(|(r, _)| r)
            .collect()
    };
    let failing = with(&Disposition::counted);
    let others = [
        (with(&|d| d == Disposition::Warned), "warning"),
        (with(&|d| d == Disposition::Optional), "optional not OK"),
        (
            with(&|d| d == Disposition::NotCounted),
            "still failing, not counted",
        ),
        (
            with(&|d| d == Disposition::PassedOnRetry),
            "passed only on a retry",
        ),
        (
            with(&|d| d == Disposition::Tolerated),
            "failed within --soak-failures",
        ),
    ];
    let mut first = if failing.is_empty() && others.iter().all(|(l, _)| l.is_empty()) {
        format!("SMOKEGATE {state} - {total}/{total} checks OK")
    } else {
        let mut s = format!(
            "SMOKEGATE {state} - {}/{total} checks failing",
            failing.len()
        );
        if !failing.is_empty() {
            s.push_str(": ");
            s.push_str(&name_list(redact, &failing));
        }
        for (list, what) in &others {
            if !list.is_empty() {
                s.push_str(&format!(
                    ". {} {what}: {}",
                    list.len(),
                    name_list(redact, list)
                ));
            }
        }
        s
    };
    if let Some(reason) = verdict.cancelled {
        first.push_str(match reason {
            crate::model::CancelReason::Deadline => " (run stopped at the -t deadline)",
            crate::model::CancelReason::Interrupt => " (run interrupted)",
        });
    }
    let c = &verdict.counts;
    let perf = format!(
        "checks={} ok={} warning={} critical={} unknown={} time={:.3}s",
        c.total,
        c.ok,
        c.warning,
        c.critical,
        c.unknown + c.not_run,
        run.duration.as_secs_f64()
    );
    // A `|` would start perfdata where Nagios reads it: it is shown as `/`, and a last line says
    // so when that happened.
    let mut piped = first.contains('|');
    let mut text = format!(
        "{} | {perf}\n",
        cut(&nagios_text(redact, &first), MAX_FIRST_LINE)
    );
    // What goes after the check lines is known first, so that the budget holds it too.
    let gone = verdict
        .baseline
        .as_ref()
        .filter(|c| !c.gone.is_empty())
        .map(|c| {
            let gone = format!(
                "gone since {}: {}",
                c.baseline.describe(),
                c.gone.join(", ")
            );
            piped |= gone.contains('|');
            format!("{}\n", cut(&nagios_text(redact, &gone), MAX_LINE))
        })
        .unwrap_or_default();
    let listed = super::listed(verdict);
    // The tail: the gone line, the pipe note, a "more not OK" line and a perfdata note.
    let reserved = gone.len() + PIPE_NOTE.len() + 1 + MORE_LINE + PERF_NOTE;
    // Every listed check gets a line of its own where the room allows: the room is shared out,
    // so that one long summary cannot hide the checks after it.
    let room = MAX_OUTPUT.saturating_sub(text.len() + reserved);
    let per_line = (room / listed.len().max(1)).clamp(MIN_LINE, MAX_LINE);
    for (n, &i) in listed.iter().enumerate() {
        let r = &run.results[i];
        let v = &verdict.checks[i];
        // The state word says what a plain failure or warning means; the rest is said.
        let plain = matches!(
            v.disposition,
            Disposition::Failed
                | Disposition::FailedOnRetry
                | Disposition::Warned
                | Disposition::NotRun { behind: None }
        ) && v.soak.is_none();
        let mut notes: Vec<String> = super::meaning(run, v)
            .filter(|_| !plain)
            .into_iter()
            .collect();
        if let Some(class) = super::class_note(v) {
            notes.push(class.to_string());
        }
        let said = if v.disposition.on_retry() {
            super::flaky_note(r)
        } else {
            None
        };
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join(", "))
        };
        let raw = format!(
            "{}: {}{notes} - {}",
            super::tag(r, v),
            cut(&redact.mask(&r.check.name), MAX_NAME),
            said.as_deref().unwrap_or(r.summary())
        );
        let line = format!("{}\n", cut(&nagios_text(redact, &raw), per_line));
        if text.len() + line.len() + reserved > MAX_OUTPUT {
            text.push_str(&format!(
                "... {} more not OK (Nagios keeps 8 KiB of output: see `smokegate run`)\n",
                listed.len() - n
            ));
            break;
        }
        piped |= raw.contains('|');
        text.push_str(&line);
    }
    text.push_str(&gone);
    if piped {
        text.push_str(PIPE_NOTE);
        text.push('\n');
    }
    // Every check's perfdata goes on the status line, after the counts: the one place both
    // Nagios and Icinga 2 read it from alike. (Icinga 2 takes perfdata only from lines that have a
    // `|` and joins the pieces with a space of its own, so perfdata lines after the guidelines'
    // `LONG TEXT | PERFDATA` became text there, and a space after that `|` — which Nagios needs —
    // became part of the next label, `' disk::/'`.)
    let (checks_perf, left_out) =
        checks_perfdata(run, MAX_OUTPUT.saturating_sub(text.len() + PERF_NOTE));
    if !checks_perf.is_empty() {
        let end = text.find('\n').unwrap_or(text.len());
        text.insert_str(end, &format!(" {checks_perf}"));
    }
    if left_out > 0 {
        text.push_str(&format!(
            "(perfdata of {left_out} more checks left out: Nagios keeps 8 KiB of output)\n"
        ));
    }
    NagiosReport { state, text }
}

/// Room kept for the "... N more not OK" line and for the perfdata note.
const MORE_LINE: usize = 100;
const PERF_NOTE: usize = 100;

/// Every check's own perfdata, so that the graphs a team has for `check_http`'s time or
/// `check_disk`'s usage keep their data behind smokegate: labels prefixed with the check's name
/// (check_multi's `name::label`), space-separated, within `room` bytes. What does not fit is left
/// out whole, check by check; the second value says for how many checks.
fn checks_perfdata(run: &RunRecord, room: usize) -> (String, usize) {
    let checks: Vec<String> = run
        .results
        .iter()
        .filter_map(|r| {
            let outcome = r.outcome()?;
            let name = label_text(&cut(&run.redactor.mask(&r.check.name), MAX_NAME));
            let items: Vec<String> = outcome
                .perfdata
                .iter()
                .map(|p| {
                    let mut p = p.clone();
                    p.label = format!("{name}::{}", label_text(&p.label));
                    p.to_string()
                })
                .collect();
            (!items.is_empty()).then(|| items.join(" "))
        })
        .collect();
    let mut used = 0;
    let mut kept = Vec::new();
    for items in &checks {
        used += items.len() + 1;
        if used > room {
            break;
        }
        kept.push(items.as_str());
    }
    (kept.join(" "), checks.len() - kept.len())
}

/// Text for a perfdata label: `=` and `|` cannot stand in one (Nagios and Icinga split there),
/// so they are percent-encoded, with `%` itself: readable (`(page%3D/)`), and two names that
/// differ give two labels. Quotes are kept: a label with one is quoted, `'` doubled.
fn label_text(s: &str) -> String {
    s.replace('%', "%25")
        .replace('=', "%3D")
        .replace('|', "%7C")
}

fn name_list(redact: &crate::redact::Redactor, results: &[&CheckResult]) -> String {
    let mut names: Vec<String> = results
        .iter()
        .take(NAMES_ON_FIRST_LINE)
        .map(|r| cut(&redact.mask(&r.check.name), MAX_NAME))
        .collect();
    let more = results.len().saturating_sub(NAMES_ON_FIRST_LINE);
    if more > 0 {
        names.push(format!("and {more} more"));
    }
    names.join(", ")
}

/// Text for Nagios: a `|` would start perfdata (shown as `/`, and `PIPE_NOTE` says so) and
/// Nagios itself rewrites `;` as `:`; control characters and the like are escaped.
fn nagios_text(redact: &crate::redact::Redactor, s: &str) -> String {
    // Masked before it is rewritten: a secret with `|` or `;` would escape the mask after.
    let s = redact.mask(s);
    crate::sanitize::clean(&s.replace('|', "/").replace(';', ":"))
}

/// At most `max` bytes of `s` (on a char boundary), with `...` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max.saturating_sub(3);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::{self, Policy};
    use crate::model::testing::{check, not_run, record, result};
    use crate::model::NotRun;

    fn nagios(run: &RunRecord) -> NagiosReport {
        render(run, &gate::decide(run, &Policy::default(), None))
    }

    #[test]
    fn all_ok_is_one_line_with_counts_as_perfdata() {
        let run = record(vec![result(check("web"), &[State::Ok])], None);
        let report = nagios(&run);
        assert_eq!(report.state, State::Ok);
        assert_eq!(
            report.text,
            "SMOKEGATE OK - 1/1 checks OK | checks=1 ok=1 warning=0 critical=0 unknown=0 \
             time=1.500s\n"
        );
    }

    #[test]
    fn failing_warning_and_optional_checks_are_each_named() {
        let mut optional = check("cdn");
        optional.optional = true;
        let run = record(
            vec![
                result(check("web"), &[State::Critical]),
                result(check("disk"), &[State::Warning]),
                result(optional, &[State::Critical]),
                not_run(check("db"), NotRun::Deadline),
                result(check("dns"), &[State::Ok]),
            ],
            None,
        );
        let report = nagios(&run);
        // max_state_alt: CRITICAL ranks above UNKNOWN.
        assert_eq!(report.state, State::Critical);
        let lines: Vec<&str> = report.text.lines().collect();
        assert_eq!(
            lines[0],
            "SMOKEGATE CRITICAL - 2/5 checks failing: web, db. 1 warning: disk. 1 optional not OK: \
             cdn | checks=5 ok=1 warning=1 critical=2 unknown=1 time=1.500s"
        );
        assert_eq!(
            &lines[1..],
            [
                "CRITICAL: web - CRITICAL - web",
                "NOT RUN: db - not run: the run's deadline passed before it started",
                "WARNING: disk - WARNING - disk",
                "CRITICAL: cdn (optional) - CRITICAL - cdn",
            ]
        );
    }

    #[test]
    fn perfdata_labels_stay_readable_and_distinct() {
        use crate::model::Perfdata;
        let named = |name: &str| {
            let mut r = result(check(name), &[State::Ok]);
            r.attempts[0].outcome.perfdata = vec![Perfdata::new("time", 1.0, "s")];
            r
        };
        let report = nagios(&record(
            vec![
                named("Shop / home (page=/)"),
                named("api|v1"),
                named("api=v1"),
                named("50%"),
            ],
            None,
        ));
        let first = report.text.lines().next().unwrap_or_default();
        for label in [
            "'Shop / home (page%3D/)::time'=1s",
            "api%7Cv1::time=1s",
            "api%3Dv1::time=1s",
            "50%25::time=1s",
        ] {
            assert!(first.contains(label), "{label} in {first}");
        }
    }

    #[test]
    fn every_checks_perfdata_is_carried_up_under_its_name_within_what_nagios_keeps() {
        use crate::model::Perfdata;
        let mut web = result(check("web shop"), &[State::Ok]);
        web.attempts[0].outcome.perfdata = vec![
            Perfdata::new("time", 0.25, "s"),
            Perfdata::new("size", 512.0, "B"),
        ];
        let mut disk = result(check("disk"), &[State::Critical]);
        disk.attempts[0].outcome.perfdata = vec![Perfdata::new("/", 91.0, "%")];
        let report = nagios(&record(vec![web, disk], None));
        let lines: Vec<&str> = report.text.lines().collect();
        // All on the status line, where Nagios and Icinga 2 both read it: Icinga 2 takes no
        // perfdata from a line without a `|`, and Nagios none from the text before one.
        assert_eq!(
            lines,
            [
                "SMOKEGATE CRITICAL - 1/2 checks failing: disk | checks=2 ok=1 warning=0 \
                 critical=1 unknown=0 time=1.500s 'web shop::time'=0.25s 'web shop::size'=512B \
                 disk::/=91%",
                "CRITICAL: disk - CRITICAL - disk",
            ]
        );
        // Many checks: what does not fit is left out whole, and said before the `|`.
        let many: Vec<CheckResult> = (0..400)
            .map(|i| {
                let mut r = result(check(&format!("check number {i}")), &[State::Ok]);
                r.attempts[0].outcome.perfdata = vec![Perfdata::new("time", 0.001, "s")];
                r
            })
            .collect();
        let report = nagios(&record(many, None));
        assert!(report.text.len() <= MAX_OUTPUT, "{}", report.text.len());
        let lines: Vec<&str> = report.text.lines().collect();
        assert!(
            lines[0].contains(" time=1.500s 'check number 0::time'=0.001s "),
            "{}",
            lines[0]
        );
        // The note is the last line; the one `|` is still the status line's.
        let note = lines.last().copied().unwrap_or("");
        assert!(
            note.starts_with("(perfdata of ")
                && note.ends_with(" more checks left out: Nagios keeps 8 KiB of output)"),
            "{note}"
        );
        assert_eq!(report.text.matches('|').count(), 1);
    }

    #[test]
    fn a_pipe_in_check_text_is_shown_as_a_slash_and_said_once() {
        let mut piped = result(check("grep | wc"), &[State::Critical]);
        piped.attempts[0].outcome.summary = "found 3 | expected 0".to_string();
        let report = nagios(&record(vec![piped], None));
        let lines: Vec<&str> = report.text.lines().collect();
        assert!(
            lines[0].starts_with("SMOKEGATE CRITICAL - 1/1 checks failing: grep / wc | checks=1")
        );
        assert_eq!(lines[1], "CRITICAL: grep / wc - found 3 / expected 0");
        assert_eq!(lines[2], PIPE_NOTE);
        assert_eq!(lines.len(), 3);
        let plain = nagios(&record(
            vec![result(check("web"), &[State::Critical])],
            None,
        ));
        assert!(!plain.text.contains(PIPE_NOTE));
    }
}
