//! `--summary FILE`: the verdict and the checks that are not OK as Markdown, for CI job summaries
//! (GitHub's `$GITHUB_STEP_SUMMARY`, GitLab's and others' Markdown reports). Reads the verdict;
//! decides nothing.

use crate::format;
use crate::gate::Verdict;
use crate::model::{CheckResult, RunRecord, State};

/// At most this many rows of checks; the rest are counted.
const MAX_ROWS: usize = 200;

pub fn render(run: &RunRecord, verdict: &Verdict) -> String {
    let c = &verdict.counts;
    let head = if verdict.passed {
        "✅ gate PASSED"
    } else {
        "❌ gate FAILED"
    };
    let labels: Vec<String> = run.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let labels = if labels.is_empty() {
        String::new()
    } else {
        format!(" for {}", cell(&labels.join(", ")))
    };
    let mut out = format!(
        "### smokegate: {head}{labels}\n\n{} of {} checks fail the gate ({} ok, {} warning, {} critical, {} unknown, {} not run) in {}.\n",
        verdict.failing.len(),
        c.total,
        c.ok,
        c.warning,
        c.critical,
        c.unknown,
        c.not_run,
        format::duration(run.duration)
    );
    for problem in &verdict.problems {
        out.push_str(&format!("\n**{}**\n", cell(problem)));
    }
    let not_ok: Vec<(usize, &CheckResult)> = run
        .results
        .iter()
        .enumerate()
        .filter(|(i, r)| r.state() != State::Ok || verdict.failing.contains(i))
        .collect();
    if not_ok.is_empty() {
        return out;
    }
    let with_class = verdict.baseline.is_some();
    out.push_str(if with_class {
        "\n| | state | check | against the baseline | what it said |\n|---|---|---|---|---|\n"
    } else {
        "\n| | state | check | what it said |\n|---|---|---|---|\n"
    });
    for (i, r) in not_ok.iter().take(MAX_ROWS) {
        let mark = if verdict.failing.contains(i) {
            "❌"
        } else {
            "⚠️"
        };
        // A pass on a retry that fails the gate (`--fail-on-flaky`) says so, not OK.
        let flaky = (r.is_flaky() && r.state() == crate::model::State::Ok)
            .then(|| super::flaky_note(r))
            .flatten();
        let state = match &r.not_run {
            Some(n) if n.unmet().is_some() => "SKIPPED",
            Some(_) => "NOT RUN",
            None if flaky.is_some() => "FLAKY",
            None => r.state().label(),
        };
        let class = verdict
            .baseline
            .as_ref()
            .map(|c| format!(" {} |", c.classes[*i]))
            .unwrap_or_default();
        out.push_str(&format!(
            "| {mark} | {state} | {} |{class} {} |\n",
            cell(&r.check.name),
            cell(flaky.as_deref().unwrap_or(r.summary()))
        ));
    }
    if not_ok.len() > MAX_ROWS {
        out.push_str(&format!(
            "\n{} more not OK: see the JSON or JUnit report.\n",
            not_ok.len() - MAX_ROWS
        ));
    }
    out
}

/// Text for a table cell: one line; `|`, Markdown emphasis and GitHub's strikethrough escaped, and `<`, `>`, `&` as
/// entities, so that text from outside neither breaks the table nor brings markup.
fn cell(text: &str) -> String {
    // Masked before it is escaped: `\|` in a secret would escape the mask on the way out.
    let one_line: String = crate::secrets::mask(text)
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(one_line.len());
    for c in one_line.chars().take(300) {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::{self, Policy};
    use crate::model::testing::{check, record, result};

    #[test]
    fn the_verdict_and_each_check_that_is_not_ok_in_a_table() {
        let mut piped = result(check("grep | wc"), &[State::Critical]);
        piped.attempts[0].outcome.summary = "found *3* | expected <0>".to_string();
        let run = record(
            vec![
                result(check("web"), &[State::Ok]),
                result(check("disk"), &[State::Warning]),
                piped,
            ],
            None,
        );
        let text = render(&run, &gate::decide(&run, &Policy::default()));
        assert_eq!(
            text,
            "### smokegate: ❌ gate FAILED\n\n1 of 3 checks fail the gate (1 ok, 1 warning, 1 critical, 0 unknown, 0 not run) in 1.5s.\n\n\
             | | state | check | what it said |\n|---|---|---|---|\n\
             | ⚠️ | WARNING | disk | WARNING - disk |\n\
             | ❌ | CRITICAL | grep \\| wc | found \\*3\\* \\| expected &lt;0&gt; |\n"
        );
    }
}
