//! `--html FILE`: one self-contained page (no network) people look at: the verdict, a row per
//! check with its state and evidence, screenshots inline, and a timeline of the run — when each
//! check waited (for a job slot, a browser session, a check it needs), ran, and retried. Reads
//! the verdict; decides nothing. Every text from outside is escaped.

use std::fmt::Write;

use base64::Engine;

use crate::format;
use crate::gate::Verdict;
use crate::model::{CheckResult, Label, RunRecord, State};

/// Screenshots larger than this are linked, not inlined.
const MAX_INLINE: u64 = 4 * 1024 * 1024;

const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:2em;color:#222}\
h1{font-size:1.4em}.PASSED{color:#17803d}.FAILED{color:#c0262d}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}\
.state{font-weight:bold;white-space:nowrap}.OK{color:#17803d}.WARNING{color:#a86500}.CRITICAL{color:#c0262d}.UNKNOWN{color:#7a3db8}\
pre{white-space:pre-wrap;margin:.3em 0;font-size:12px}img{max-width:640px;border:1px solid #ccc}\
.lane{position:relative;height:14px;background:#f3f3f3;min-width:300px}\
.bar{position:absolute;top:2px;height:10px}.wait{background:#d8d8d8}.run-OK{background:#2ea44f}\
.run-WARNING{background:#d89b00}.run-CRITICAL{background:#d73a49}.run-UNKNOWN{background:#8a63d2}";

pub fn render(run: &RunRecord, verdict: &Verdict) -> String {
    let total = run.duration.as_secs_f64().max(1e-6);
    let head = if verdict.passed { "PASSED" } else { "FAILED" };
    let labels: Vec<String> = run.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\
         <title>smokegate: gate {head}</title><style>{STYLE}</style></head><body>\n\
         <h1 id=\"verdict\" class=\"{head}\">gate {head}{}</h1>\n<p id=\"counts\">{} of {} checks fail the gate in {}</p>\n",
        if labels.is_empty() {
            String::new()
        } else {
            format!(" for {}", esc(&labels.join(", ")))
        },
        verdict.failing_count(),
        verdict.counts.total,
        format::duration(run.duration)
    );
    for problem in &verdict.problems {
        let _ = writeln!(out, "<p class=\"FAILED\">{}</p>", esc(problem));
    }
    if let Some(history) = &run.history {
        let class = if history.run.is_some() {
            ""
        } else {
            " class=\"FAILED\""
        };
        let _ = writeln!(out, "<p id=\"history\"{class}>{}</p>", esc(&history.line()));
    }
    // The answer first: what fails, what was already broken, what passed only on a retry.
    let answer = super::answer(run, verdict);
    if !answer.is_empty() {
        out.push_str("<ul id=\"answer\">");
        for (what, names) in answer {
            let names: Vec<String> = names.iter().map(|n| format!("<b>{}</b>", esc(n))).collect();
            let _ = write!(out, "<li>{what}: {}</li>", names.join(", "));
        }
        out.push_str("</ul>\n");
    }
    if let Some(c) = &verdict.baseline {
        let _ = writeln!(
            out,
            "<p id=\"baseline\">against {} ({}){}</p>",
            esc(&c.baseline.describe()),
            esc(&c.baseline.file),
            if c.only_new {
                ", --gate new: only failures this deploy may have caused count"
            } else {
                ""
            }
        );
        if !c.gone.is_empty() {
            let _ = writeln!(
                out,
                "<p id=\"gone\">gone since the baseline: {}</p>",
                esc(&c.gone.join(", "))
            );
        }
    }
    if let Some(soak) = &run.soak {
        let _ = write!(
            out,
            "<p id=\"soak\">soak: {} in {}",
            format::count(soak.runs as usize, "run"),
            format::duration(soak.elapsed)
        );
        if let Some(why) = &soak.stopped_early {
            let _ = write!(out, ", stopped early: {}", esc(why));
        }
        out.push_str("</p>\n");
    }
    out.push_str(
        "<table><thead><tr><th>state</th><th>check</th><th>gate</th><th>took</th><th>timeline</th><th>what it said</th></tr></thead><tbody>\n",
    );
    // Failures first, then what is not a plain pass, then the passes.
    let mut order = super::listed(verdict);
    let passes: Vec<usize> = (0..run.results.len())
        .filter(|i| !order.contains(i))
        .collect();
    order.extend(passes);
    for i in order {
        let r = &run.results[i];
        let v = &verdict.checks[i];
        let state = r.state().label();
        let shown = super::tag(r, v);
        let mut gate: Vec<String> = super::meaning(run, v).into_iter().collect();
        if let Some(class) = v.class.filter(|c| *c != crate::model::diff::Class::Same) {
            if v.disposition != crate::gate::Disposition::NotCounted {
                gate.push(class.to_string());
            }
        }
        if let Some(f) = run.soak.as_ref().and_then(|s| s.checks.get(i)) {
            gate.push(format!(
                "{} runs, {} failed, {} UNKNOWN, {} not run, {} state changes, flapping up to {:.0}%, p95 {}",
                f.runs,
                f.failures,
                f.unknowns,
                f.skipped,
                f.changes,
                f.max_flap_percent,
                format::duration(f.durations.quantile(0.95))
            ));
        }
        let _ = writeln!(
            out,
            "<tr class=\"check\" data-state=\"{state}\" data-disposition=\"{}\"><td class=\"state {state}\">{shown}</td><td class=\"name\">{}</td><td class=\"gate\">{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
            v.disposition.key(),
            esc(&r.check.name),
            esc(&gate.join("; ")),
            format::duration(r.duration()),
            timeline(run, r, total),
            esc(r.summary()),
            details(r)
        );
    }
    out.push_str("</tbody></table>\n</body></html>\n");
    out
}

/// The check's lane: waiting (grey) from when it could start — the run's start, or the end of
/// the last check it needs — to its first attempt, then each attempt in its state's colour.
fn timeline(run: &RunRecord, r: &CheckResult, total: f64) -> String {
    let pct = |secs: f64| (secs / total * 100.0).clamp(0.0, 100.0);
    let ready = r
        .check
        .needs
        .iter()
        .filter_map(|n| run.results.iter().find(|o| &o.check.name == n))
        .filter_map(|o| {
            o.attempts
                .last()
                .map(|a| (a.started + a.duration).as_secs_f64())
        })
        .fold(0.0, f64::max);
    let mut lane = String::from("<div class=\"lane\">");
    if let Some(first) = r.attempts.first() {
        let start = first.started.as_secs_f64();
        if start > ready {
            let _ = write!(
                lane,
                "<div class=\"bar wait\" title=\"waited {}\" style=\"left:{:.2}%;width:{:.2}%\"></div>",
                format::duration(first.started.saturating_sub(std::time::Duration::from_secs_f64(ready))),
                pct(ready),
                (pct(start) - pct(ready)).max(0.2)
            );
        }
    }
    for a in &r.attempts {
        let state = a.outcome.state.label();
        let _ = write!(
            lane,
            "<div class=\"bar run-{state}\" title=\"attempt {}: {state} in {}\" style=\"left:{:.2}%;width:{:.2}%\"></div>",
            a.number,
            format::duration(a.duration),
            pct(a.started.as_secs_f64()),
            pct(a.duration.as_secs_f64()).max(0.2)
        );
    }
    lane.push_str("</div>");
    lane
}

/// The evidence of a check that is not OK, with its screenshot inline.
fn details(r: &CheckResult) -> String {
    if r.state() == State::Ok && r.attempts.len() < 2 {
        return String::new();
    }
    let mut out = format!(
        "<details><summary>details</summary><pre>{}</pre>",
        esc(&super::details(r))
    );
    for ev in r
        .outcome()
        .map(|o| o.evidence.as_slice())
        .unwrap_or_default()
    {
        if ev.label != Label::Screenshot {
            continue;
        }
        let path = std::path::Path::new(&ev.text);
        let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_INLINE);
        match std::fs::read(path).ok().filter(|_| small) {
            Some(png) => {
                let _ = write!(
                    out,
                    "<img alt=\"screenshot\" src=\"data:image/png;base64,{}\">",
                    base64::engine::general_purpose::STANDARD.encode(png)
                );
            }
            None => {
                let _ = write!(out, "<p>screenshot: {}</p>", esc(&ev.text));
            }
        }
    }
    out.push_str("</details>");
    out
}

/// Text as HTML text or attribute value (its secrets are masked on the way out, entities
/// decoded).
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
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
    fn a_page_with_the_verdict_a_row_per_check_and_nothing_from_outside_as_markup() {
        let mut hostile = result(check("<b>x</b>"), &[State::Critical, State::Critical]);
        hostile.attempts[1].outcome.summary = "\"><script>alert(1)</script>".to_string();
        let run = record(vec![result(check("web"), &[State::Ok]), hostile], None);
        let page = render(&run, &gate::decide(&run, &Policy::default(), None));
        assert!(page.contains("<h1 id=\"verdict\" class=\"FAILED\">gate FAILED</h1>"));
        assert_eq!(page.matches("<tr class=\"check\"").count(), 2);
        assert!(
            !page.contains("<script>") && !page.contains("<b>x"),
            "{page}"
        );
        assert!(page.contains("&lt;b&gt;x&lt;/b&gt;</td><td class=\"gate\">fails the gate</td>"));
        // Two attempts, each a bar in its state's colour.
        assert_eq!(page.matches("class=\"bar run-CRITICAL\"").count(), 2);
        assert!(
            !page.contains("http://") && !page.contains("https://"),
            "no network"
        );
    }
}
