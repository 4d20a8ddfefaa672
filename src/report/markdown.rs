//! `--summary FILE`: the verdict and the checks that are not OK as Markdown, for CI job summaries
//! (GitHub's `$GITHUB_STEP_SUMMARY`, GitLab's and others' Markdown reports). Reads the verdict;
//! decides nothing.

use crate::format;
use crate::gate::Verdict;
use crate::model::RunRecord;

/// At most this many rows of checks; the rest are counted.
const MAX_ROWS: usize = 200;

pub fn render(run: &RunRecord, verdict: &Verdict) -> String {
    let redact = &run.redactor;
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
        format!(" for {}", cell(redact, &labels.join(", ")))
    };
    let mut out = format!(
        "### smokegate: {head}{labels}\n\n{} of {} checks fail the gate ({} ok, {} warning, {} critical, {} unknown, {} not run) in {}.\n",
        verdict.failing_count(),
        c.total,
        c.ok,
        c.warning,
        c.critical,
        c.unknown,
        c.not_run,
        format::duration(run.duration)
    );
    for problem in &verdict.problems {
        out.push_str(&format!("\n**{}**\n", cell(redact, problem)));
    }
    if let Some(history) = &run.history {
        let line = cell(redact, &history.line());
        if history.run.is_some() {
            out.push_str(&format!("\n{line}\n"));
        } else {
            out.push_str(&format!("\n**{line}**\n"));
        }
    }
    let answer = super::answer(run, verdict);
    if !answer.is_empty() {
        out.push('\n');
        for (what, names) in answer {
            let names: Vec<String> = names
                .iter()
                .map(|n| format!("**{}**", cell(redact, n)))
                .collect();
            out.push_str(&format!("- {what}: {}\n", names.join(", ")));
        }
    }
    if let Some(soak) = &run.soak {
        out.push_str(&format!(
            "\nSoak: {} in {}.",
            format::count(soak.runs as usize, "run"),
            format::duration(soak.elapsed)
        ));
        if let Some(why) = &soak.stopped_early {
            out.push_str(&format!(" Stopped early: {}.", cell(redact, why)));
        }
        out.push('\n');
    }
    if let Some(c) = verdict.baseline.as_ref().filter(|c| !c.gone.is_empty()) {
        out.push_str(&format!(
            "\nGone since {}: {}\n",
            cell(redact, &c.baseline.describe()),
            cell(redact, &c.gone.join(", "))
        ));
    }
    let listed = super::listed(verdict);
    if listed.is_empty() {
        return out;
    }
    let with_class = verdict.baseline.is_some();
    out.push_str(if with_class {
        "\n| | state | check | gate | against the baseline | what it said |\n|---|---|---|---|---|---|\n"
    } else {
        "\n| | state | check | gate | what it said |\n|---|---|---|---|---|\n"
    });
    for &i in listed.iter().take(MAX_ROWS) {
        let r = &run.results[i];
        let v = &verdict.checks[i];
        let mark = if v.counted() { "❌" } else { "⚠️" };
        let said = if v.disposition.on_retry() {
            super::flaky_note(r)
        } else {
            None
        };
        let class = v
            .class
            .map(|c| format!(" {} |", cell(redact, &c.to_string())))
            .unwrap_or_else(|| {
                if with_class {
                    " |".to_string()
                } else {
                    String::new()
                }
            });
        out.push_str(&format!(
            "| {mark} | {} | {} | {} |{class} {} |\n",
            super::tag(r, v),
            cell(redact, &r.check.name),
            cell(redact, &super::meaning(run, v).unwrap_or_default()),
            cell(redact, said.as_deref().unwrap_or(r.summary()))
        ));
    }
    if listed.len() > MAX_ROWS {
        out.push_str(&format!(
            "\n{} more not OK: see the JSON or JUnit report.\n",
            listed.len() - MAX_ROWS
        ));
    }
    out
}

/// Text for a table cell: one line; `|`, Markdown emphasis and GitHub's strikethrough escaped, and `<`, `>`, `&` as
/// entities, so that text from outside neither breaks the table nor brings markup.
fn cell(redact: &crate::redact::Redactor, text: &str) -> String {
    // Masked before it is escaped: `\|` in a secret would escape the mask on the way out.
    let one_line: String = redact
        .mask(text)
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
    use crate::model::State;

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
        let text = render(&run, &gate::decide(&run, &Policy::default(), None));
        assert_eq!(
            text,
            "### smokegate: ❌ gate FAILED\n\n1 of 3 checks fail the gate (1 ok, 1 warning, 1 critical, 0 unknown, 0 not run) in 1.5s.\n\n\
             - failing: **grep \\| wc**\n\n\
             | | state | check | gate | what it said |\n|---|---|---|---|---|\n\
             | ❌ | CRITICAL | grep \\| wc | fails the gate | found \\*3\\* \\| expected &lt;0&gt; |\n\
             | ⚠️ | WARNING | disk | does not fail the gate | WARNING - disk |\n"
        );
    }
}
