//! `smokegate nagios`: the whole flow as one Nagios plugin: stdout only, an answer inside `-t`,
//! exit 0/1/2/3.

use std::path::PathBuf;
use std::time::Duration;

use super::output::out;
use super::suite::{baseline_for, load_selected, recording_for, shared_for};
use crate::cli::{GateArg, NagiosArgs};
use crate::error::Error;
use crate::model::State;
use crate::redact::Redactor;
use crate::runner::{self, RunOptions};
use crate::{gate, report};

pub async fn nagios(args: NagiosArgs) -> i32 {
    let loaded = match load_selected(&args.suite) {
        Ok(loaded) => loaded,
        Err(e) => return unknown(&e, &Redactor::none()),
    };
    let redact = loaded.redactor.clone();
    let started = std::time::Instant::now();
    let recording = recording_for(
        &args.suite,
        &args.compare.history,
        loaded.history.as_deref(),
        "nagios",
    );
    let baseline = match baseline_for(
        args.compare.baseline.as_deref(),
        &loaded.checks,
        recording.as_ref(),
    ) {
        Ok(baseline) => baseline,
        Err(e) => return unknown(&e, &redact),
    };
    let budget = Duration::from_secs(u64::from(args.timeout));
    let grace = (budget / 20).min(Duration::from_secs(1));
    let margin = (budget / 10).clamp(Duration::from_millis(300), Duration::from_secs(2));
    let opts = RunOptions {
        jobs: args.jobs,
        deadline: Some(budget.saturating_sub(grace + margin + runner::STOP_SLACK)),
        grace,
        redactor: redact.clone(),
        ..RunOptions::default()
    };
    let shared = match shared_for(
        &loaded.checks,
        loaded.browser,
        PathBuf::from("smokegate-artifacts"),
    ) {
        Ok(shared) => shared,
        Err(e) => return unknown(&e, &redact),
    };
    let (tx, _) = tokio::sync::mpsc::unbounded_channel();
    let mut record = runner::run(loaded.checks, opts, shared, tx).await;
    record.labels = args.compare.labels.clone();
    let policy = gate::Policy {
        fail_on: args.fail_on.into(),
        fail_on_flaky: args.fail_on_flaky,
    };
    let against = baseline.as_ref().map(|baseline| gate::Against {
        baseline,
        only_new: args.compare.gate == GateArg::New,
    });
    let verdict = gate::decide(&record, &policy, against);
    let report = report::nagios::render(&record, &verdict);
    let mut text = report.text.clone();
    if let Some(recording) = &recording {
        // Within what is left of -t: a store another process holds is not waited for longer.
        let left = budget.saturating_sub(started.elapsed() + grace);
        let json = report::json::render(&record, &verdict, &policy, &[]);
        let outcome = crate::history::record(
            &recording.url,
            &redact.mask(&json),
            verdict.state.label(),
            &recording.ctx,
            left,
        );
        if outcome.run.is_none() {
            // Loud on stderr and in the long output; the state stands.
            let line = redact.mask(&outcome.line()).replace('|', "/");
            eprintln!("smokegate: {line}");
            text.push_str(&line);
            text.push('\n');
        }
    }
    out(&text, &redact);
    report.state.exit_code()
}

/// What a plugin says when it could not start its work: UNKNOWN with the reason on the first
/// line and the whole of it as long output (no `|`, which would start perfdata).
fn unknown(error: &Error, redact: &Redactor) -> i32 {
    let (first, all) = error.nagios_lines();
    // Masked before `|` is rewritten: a secret holding one would escape the mask after.
    let mask = |s: &str| redact.mask(&error.redactor().mask(s)).into_owned();
    let (first, all) = (mask(&first), mask(&all));
    let mut text = format!(
        "SMOKEGATE UNKNOWN - suite not loaded: {}\n",
        first.replace('|', "/")
    );
    for line in all.lines() {
        text.push_str(&line.replace('|', "/"));
        text.push('\n');
    }
    out(&text, redact);
    State::Unknown.exit_code()
}

/// A usage problem in Nagios mode: a plugin speaks on stdout only and answers it with UNKNOWN
/// (help and version are printed as asked, and exit 3 as the Debian plugins do).
pub fn usage_error(e: &clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            out(&e.to_string(), &Redactor::none())
        }
        _ => {
            let text = e.to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            out(
                &format!("SMOKEGATE UNKNOWN - usage: {first}\n"),
                &Redactor::none(),
            );
        }
    }
    State::Unknown.exit_code()
}
