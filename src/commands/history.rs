//! `smokegate history runs | show | check | prune`: what the history store remembers, as
//! tables for people and JSON for machines. Reads the store through `history`; never records.

use super::output::{fail, out};
use crate::cli::{HistoryArg, HistoryCommand};
use crate::error::Error;
use crate::exit;
use crate::history::{self, Change, CheckRow, RunRow, Store};
use crate::redact::Redactor;

/// An error of the store at `url`, said with the store's name.
fn in_store(url: &str, e: String) -> Error {
    Error::History(format!("{}: {e}", history::without_password(url)))
}

/// The store `--history` or SMOKEGATE_HISTORY names.
pub fn store(arg: &HistoryArg) -> Result<Store, Error> {
    let url = arg.url.as_deref().ok_or_else(|| {
        Error::Usage("no history store: give --history URL or set SMOKEGATE_HISTORY".to_string())
    })?;
    history::open_existing(url).map_err(|e| in_store(url, e))
}

pub fn history(command: HistoryCommand) -> i32 {
    let none = Redactor::none();
    let done = match command {
        HistoryCommand::Runs {
            history,
            labels,
            last,
            json,
        } => store(&history).and_then(|s| {
            let runs = s.runs(&labels, last).map_err(Error::History)?;
            Ok(if json {
                to_json(&runs)
            } else {
                runs_table(&runs)
            })
        }),
        HistoryCommand::Show { run, history, json } => store(&history).and_then(|s| {
            let (row, checks) = s
                .show(run)
                .map_err(Error::History)?
                .ok_or_else(|| Error::History(format!("no run {run} is recorded")))?;
            Ok(if json {
                to_json(&serde_json::json!({ "run": row, "checks": checks }))
            } else {
                show(&row, &checks)
            })
        }),
        HistoryCommand::Check {
            name,
            history,
            json,
        } => store(&history).and_then(|s| {
            let changes = s.check(&name).map_err(Error::History)?;
            if changes.is_empty() {
                return Err(Error::History(format!(
                    "no recorded run has a check named `{name}`"
                )));
            }
            Ok(if json {
                to_json(&changes)
            } else {
                timeline(&name, &changes)
            })
        }),
        HistoryCommand::Prune { keep, history } => store(&history).and_then(|mut s| {
            let n = s.prune(keep).map_err(Error::History)?;
            Ok(format!("pruned {n} runs\n"))
        }),
    };
    match done {
        Ok(text) => {
            out(&text, &none);
            exit::GATE_PASSED
        }
        Err(e) => fail(&e, &none),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn labels(run: &RunRow) -> String {
    run.labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn gate(run: &RunRow) -> &'static str {
    if run.passed {
        "passed"
    } else {
        "FAILED"
    }
}

/// Rows of cells, each column as wide as its widest cell, the last one not padded.
fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

fn runs_table(runs: &[RunRow]) -> String {
    if runs.is_empty() {
        return "no runs recorded\n".to_string();
    }
    let mut rows = vec![[
        "RUN", "STARTED", "GATE", "STATE", "CHECKS", "FAILING", "LABELS", "WHO",
    ]
    .map(String::from)
    .to_vec()];
    for run in runs {
        rows.push(vec![
            run.id.to_string(),
            run.started_at.clone(),
            gate(run).to_string(),
            run.state.clone(),
            run.total.to_string(),
            run.failing.len().to_string(),
            labels(run),
            run.who().describe(),
        ]);
    }
    table(&rows)
}

fn show(run: &RunRow, checks: &[CheckRow]) -> String {
    let mut text = format!(
        "run {}: gate {} ({}), exit {}, started {}, {:.3} s\n",
        run.id,
        gate(run),
        run.state,
        run.exit_code,
        run.started_at,
        run.duration_s
    );
    text.push_str(&format!(
        "suite {}{}\n",
        run.suite,
        if run.selection.is_empty() {
            String::new()
        } else {
            format!(", selection {}", run.selection)
        }
    ));
    if !run.labels.is_empty() {
        text.push_str(&format!("labels {}\n", labels(run)));
    }
    text.push_str(&format!(
        "by {} with smokegate {} {}\n",
        run.who().describe(),
        run.version,
        run.command
    ));
    if let Some(baseline) = &run.baseline {
        text.push_str(&format!("against {baseline}\n"));
    }
    if let Some(cancelled) = &run.cancelled {
        text.push_str(&format!("stopped: {cancelled}\n"));
    }
    for problem in &run.problems {
        text.push_str(&format!("problem: {problem}\n"));
    }
    let mut rows = Vec::new();
    for c in checks {
        let mut what = c.summary.clone();
        if !c.perfdata.is_empty() {
            what.push_str(&format!(" | {}", c.perfdata));
        }
        rows.push(vec![
            format!("  {}", c.state),
            c.name.clone(),
            c.disposition.clone(),
            format!("{:.3} s", c.duration_s),
            what,
        ]);
    }
    text.push_str(&table(&rows));
    text
}

fn timeline(name: &str, changes: &[Change]) -> String {
    let mut text = format!("check `{name}`: each change of its state\n");
    let mut rows = Vec::new();
    for c in changes {
        rows.push(vec![
            format!("  run {}", c.run.id),
            c.run.started_at.clone(),
            match &c.from {
                Some(from) => format!("{from} -> {}", c.to),
                None => format!("first seen {}", c.to),
            },
            labels(&c.run),
            format!("{} on {}", c.run.who().describe(), c.host),
            c.summary.clone(),
        ]);
    }
    text.push_str(&table(&rows));
    // The latest state of each host the check runs on, and since when.
    let mut hosts: Vec<&str> = changes.iter().map(|c| c.host.as_str()).collect();
    hosts.sort_unstable();
    hosts.dedup();
    for host in hosts {
        if let Some(last) = changes.iter().rev().find(|c| c.host == host) {
            let on = if labels(&last.run).is_empty() {
                String::new()
            } else {
                format!(" ({})", labels(&last.run))
            };
            text.push_str(&format!(
                "{} on {host} since run {}, {}{on}\n",
                last.to, last.run.id, last.run.started_at
            ));
        }
    }
    text
}
