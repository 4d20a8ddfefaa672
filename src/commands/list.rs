//! `smokegate list`: what would run, after selection: name, kind, tags, file:line; and what
//! imports left out, and why.

use super::output::{fail, out};
use super::suite::load_selected;
use crate::cli::ListArgs;
use crate::exit;
use crate::model::Check;

pub fn list(args: &ListArgs) -> i32 {
    let loaded = match load_selected(&args.suite) {
        Ok(loaded) => loaded,
        Err(e) => return fail(&e, &crate::redact::Redactor::none()),
    };
    let checks = &loaded.checks;
    if args.json {
        out(&json(checks), &loaded.redactor);
        return exit::GATE_PASSED;
    }
    // Which checks wait on which, when any does.
    let with_needs = checks.iter().any(|c| !c.needs.is_empty());
    let mut header = vec!["NAME", "KIND", "TAGS", "SOURCE"];
    if with_needs {
        header.push("NEEDS");
    }
    let rows: Vec<Vec<String>> = checks
        .iter()
        .map(|c| {
            let mut row = vec![
                c.name.clone(),
                c.probe.kind().to_string(),
                c.tags.join(","),
                c.source.to_string(),
            ];
            if with_needs {
                row.push(c.needs.join(", "));
            }
            row
        })
        .collect();
    let header: Vec<String> = header.into_iter().map(String::from).collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in [&header].into_iter().chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| format!("{cell:w$}"))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text.push_str(&format!("{} checks", rows.len()));
    if !loaded.pulled_in.is_empty() {
        text.push_str(&format!(
            " ({} not selected but needed: {})",
            loaded.pulled_in.len(),
            loaded.pulled_in.join(", ")
        ));
    }
    text.push('\n');
    for skipped in &loaded.skipped {
        text.push_str(&format!("skipped: {skipped}\n"));
    }
    if checks.iter().any(|c| c.probe.needs_browser()) {
        let config = loaded.browser.clone().unwrap_or_default();
        let rule = if config.headless_shell() {
            format!(
                "one per CPU for the headless shell {}",
                config.local_binary().display()
            )
        } else if config.remote.is_some() {
            "one per two CPUs, at least one, on a remote end".to_string()
        } else {
            format!(
                "one per two CPUs, at least one, for {}",
                config.local_binary().display()
            )
        };
        let why = if config.sessions == config.default_sessions() {
            format!("{rule}; [browser] sessions sets it")
        } else {
            format!("[browser] sessions; by default {rule}")
        };
        text.push_str(&format!(
            "browser sessions at once: {} ({why})\n",
            config.sessions
        ));
    }
    out(&text, &loaded.redactor);
    exit::GATE_PASSED
}

/// `list --json`: each check's name, kind, tags, source, needs and what it runs.
fn json(checks: &[std::sync::Arc<Check>]) -> String {
    let checks: Vec<serde_json::Value> = checks
        .iter()
        .map(|c| {
            serde_json::json!({
                "name": c.name,
                "kind": c.probe.kind(),
                "tags": c.tags,
                "source": c.source.to_string(),
                "needs": c.needs,
                "command": c.probe.describe(),
            })
        })
        .collect();
    let mut text =
        serde_json::to_string_pretty(&serde_json::json!({ "checks": checks })).unwrap_or_default();
    text.push('\n');
    text
}
