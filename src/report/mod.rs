//! Reports: each format turns the collected results (and the gate's verdict) into text.
//! None of them decides pass or fail; they read `Verdict` for that.

pub mod human;
pub mod json;
pub mod junit;
pub mod nagios;

use std::io;
use std::path::Path;

use crate::model::CheckResult;
use crate::runner::fmt_duration;

/// The evidence of one result as indented plain text: the same block in the terminal summary and
/// in the JUnit failure body, so a CI page shows what the terminal shows.
pub fn details(result: &CheckResult) -> String {
    let mut out = String::new();
    let check = &result.check;
    out.push_str(&format!("source: {}\n", check.source));
    if let Some(outcome) = result.outcome() {
        for line in &outcome.long_output {
            out.push_str(&format!("| {line}\n"));
        }
        if !outcome.perfdata.is_empty() {
            let items: Vec<String> = outcome.perfdata.iter().map(ToString::to_string).collect();
            out.push_str(&format!("perfdata: {}\n", items.join(" ")));
        }
        for ev in &outcome.evidence {
            let mut lines = ev.text.lines();
            out.push_str(&format!("{}: {}\n", ev.label, lines.next().unwrap_or("")));
            for line in lines {
                out.push_str(&format!("  {line}\n"));
            }
        }
    } else {
        out.push_str(&format!("command: {}\n", check.probe.describe()));
    }
    if result.attempts.len() > 1 {
        let states: Vec<String> = result
            .attempts
            .iter()
            .map(|a| format!("{} in {}", a.outcome.state, fmt_duration(a.duration)))
            .collect();
        out.push_str(&format!("attempts: {}\n", states.join(", ")));
    }
    out
}

/// Writes a report file atomically: a temp file beside it, then a rename.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".smokegate-")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
