//! `smokegate nagios` output, by the Monitoring Plugins guidelines: one status line with
//! perfdata, then one long-output line per non-OK check. The state shown is the worst state of
//! the checks that count (optional ones are listed but never raise it); exit code = that state.
//! Decides nothing beyond reading the verdict and the results.

use crate::gate::Verdict;
use crate::model::{CheckResult, RunRecord, State};

/// Nagios 4 keeps at most 8 KiB of plugin output (MAX_PLUGIN_OUTPUT_LENGTH) and NRPE 3/4 packets
/// carry as much; long output is cut to fit, with a line saying how much was left out.
pub const MAX_OUTPUT: usize = 8000;

/// How many failing names the first line lists before "and N more".
/// (No `;` in the text: Nagios turns it into `:` in plugin output.)
const NAMES_ON_FIRST_LINE: usize = 5;

pub struct NagiosReport {
    pub state: State,
    pub text: String,
}

pub fn render(run: &RunRecord, verdict: &Verdict) -> NagiosReport {
    let counted = run.results.iter().filter(|r| !r.check.optional);
    let state = counted.fold(State::Ok, |acc, r| acc.worst(r.state()));
    let state = if run.results.is_empty() {
        State::Unknown
    } else {
        state
    };
    let total = run.results.len();
    let failing: Vec<&CheckResult> = verdict.failing.iter().map(|&i| &run.results[i]).collect();
    let warnings: Vec<&CheckResult> = run
        .results
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            r.state() == State::Warning && !verdict.failing.contains(i) && !r.check.optional
        })
        .map(|(_, r)| r)
        .collect();

    let optional: Vec<&CheckResult> = run
        .results
        .iter()
        .filter(|r| r.check.optional && r.state() != State::Ok)
        .collect();
    let mut first = if failing.is_empty() && warnings.is_empty() && optional.is_empty() {
        format!("SMOKEGATE {state} - {total}/{total} checks OK")
    } else {
        let mut s = format!(
            "SMOKEGATE {state} - {}/{total} checks failing",
            failing.len()
        );
        if !failing.is_empty() {
            s.push_str(": ");
            s.push_str(&name_list(&failing));
        }
        for (list, what) in [(&warnings, "warning"), (&optional, "optional not OK")] {
            if !list.is_empty() {
                s.push_str(&format!(". {} {what}: {}", list.len(), name_list(list)));
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
    let mut text = format!("{} | {perf}\n", no_pipe(&first));
    let not_ok: Vec<&CheckResult> = run
        .results
        .iter()
        .filter(|r| r.state() != State::Ok)
        .collect();
    for (i, r) in not_ok.iter().enumerate() {
        let optional = if r.check.optional { " (optional)" } else { "" };
        let line = no_pipe(&format!(
            "{}: {}{optional} - {}\n",
            r.state(),
            r.check.name,
            r.summary()
        ));
        let left = not_ok.len() - i;
        if text.len() + line.len() + 80 > MAX_OUTPUT {
            text.push_str(&format!(
                "... {left} more not OK (Nagios keeps 8 KiB of output: see `smokegate run`)\n"
            ));
            break;
        }
        text.push_str(&line);
    }
    NagiosReport { state, text }
}

fn name_list(results: &[&CheckResult]) -> String {
    let mut names: Vec<&str> = results
        .iter()
        .take(NAMES_ON_FIRST_LINE)
        .map(|r| r.check.name.as_str())
        .collect();
    let more = results.len().saturating_sub(NAMES_ON_FIRST_LINE);
    let more = (more > 0).then(|| format!("and {more} more"));
    names.extend(more.as_deref());
    names.join(", ")
}

/// A `|` in text would start perfdata for Nagios: replace it.
fn no_pipe(s: &str) -> String {
    s.replace('|', "/")
}
