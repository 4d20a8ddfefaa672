//! `smokegate run`: load -> select -> say what imports left out -> run (with the live view) ->
//! gate -> write the reports -> print the verdict. `execute` is the part `demo` shares.

use std::path::Path;
use std::sync::Arc;

use super::output::{fail, out, use_color};
use super::suite::{baseline_for, load_selected, recording_for, shared_for};
use crate::cli::{GateArg, RunArgs};
use crate::model::{self, Check};
use crate::redact::Redactor;
use crate::report::human::{self, Style};
use crate::runner::{self, RunOptions, SoakHooks, SoakOptions};
use crate::{gate, probe, report};

pub async fn run(args: RunArgs) -> i32 {
    let loaded = match load_selected(&args.suite) {
        Ok(loaded) => loaded,
        Err(e) => return fail(&e, &Redactor::none()),
    };
    let redact = loaded.redactor.clone();
    let reports: Vec<(&str, &std::path::Path)> = [
        ("--junit", &args.junit),
        ("--json", &args.json),
        ("--summary", &args.summary),
        ("--html", &args.html),
    ]
    .into_iter()
    .filter_map(|(flag, path)| path.as_deref().map(|p| (flag, p)))
    .collect();
    if let Err(e) = report::prepare(&reports) {
        return fail(&e, &redact);
    }
    let recording = recording_for(
        &args.suite,
        &args.compare.history,
        loaded.history.as_deref(),
        "run",
    );
    let baseline = match baseline_for(
        args.compare.baseline.as_deref(),
        &loaded.checks,
        recording.as_ref(),
    ) {
        Ok(baseline) => baseline,
        Err(e) => return fail(&e, &redact),
    };
    let artifacts = args.artifacts.clone().unwrap_or_else(|| {
        let beside = args
            .junit
            .as_ref()
            .or(args.json.as_ref())
            .or(args.html.as_ref())
            .and_then(|p| p.parent());
        beside
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."))
            .join("smokegate-artifacts")
    });
    let checks = loaded.checks;
    let shared = match shared_for(&checks, loaded.browser.clone(), artifacts.clone()) {
        Ok(shared) => shared,
        Err(e) => return fail(&e, &redact),
    };
    let style = Style {
        color: use_color(args.color),
    };
    let policy = gate::Policy {
        fail_on: args.fail_on.into(),
        fail_on_flaky: args.fail_on_flaky,
    };
    let opts = RunOptions {
        jobs: args.jobs,
        deadline: args.deadline,
        keep_output: args.max_output,
        redactor: redact.clone(),
        ..RunOptions::default()
    };
    let soak = (args.soak.is_some() || args.soak_count.is_some()).then_some(SoakOptions {
        window: args.soak,
        count: args.soak_count,
        every: args.every,
        allowed_failures: args.soak_failures,
    });
    let against = baseline.as_ref().map(|baseline| gate::Against {
        baseline,
        only_new: args.compare.gate == GateArg::New,
    });
    // A command an import left out is no check and does not change the verdict; but a gate
    // must not pass without a person seeing that it never ran.
    eprint!("{}", redact.mask(&human::skipped_lines(&loaded.skipped)));
    let (mut record, verdict) = match soak {
        None => execute(checks, opts, shared, &policy, against, style, !args.quiet).await,
        Some(soak) => {
            // Each run of a soak contains and ends its own children: fresh shared resources.
            drop(shared);
            let fresh = |checks: &[Arc<Check>]| {
                shared_for(checks, loaded.browser.clone(), artifacts.clone())
                    .map_err(|e| e.to_string())
            };
            let gate = Gate {
                policy: &policy,
                against,
            };
            execute_soak(checks, opts, soak, &fresh, gate, style, !args.quiet).await
        }
    };
    record.labels = args.compare.labels.clone();
    // The record is written before the verdict is printed: a gate whose record is lost is
    // not a pass, and the verdict line says why.
    let mut unrecorded = Vec::new();
    // Recorded in history before any report is written, so that every report says how that
    // went; a report lost after it amends the recorded verdict.
    let mut history_run = None;
    if let Some(recording) = &recording {
        let json = report::json::render(&record, &verdict, &policy, &loaded.skipped);
        let outcome = crate::history::record(
            &recording.url,
            &redact.mask(&json),
            verdict.state.label(),
            &recording.ctx,
            crate::history::WAIT,
        );
        if outcome.run.is_none() {
            // Loud, but the verdict stands: every report says it too.
            eprintln!("smokegate: {}", redact.mask(&outcome.line()));
        }
        history_run = outcome.run;
        record.history = Some(outcome);
    }
    // One at a time, and only those asked for: each is rendered, written and dropped before
    // the next (a big run's reports are tens of megabytes each).
    type Render<'a> = Box<dyn Fn(&gate::Verdict) -> String + 'a>;
    let reports: [(&str, &Option<std::path::PathBuf>, Render); 4] = [
        (
            "JUnit",
            &args.junit,
            Box::new(|verdict| {
                let dir = args.junit.as_deref().map(report::resolve).and_then(|p| {
                    p.parent().map(|d| {
                        if d.as_os_str().is_empty() {
                            Path::new(".").to_path_buf()
                        } else {
                            d.to_path_buf()
                        }
                    })
                });
                report::junit::render(&record, verdict, dir.as_deref(), &loaded.skipped)
            }),
        ),
        (
            "JSON",
            &args.json,
            Box::new(|verdict| report::json::render(&record, verdict, &policy, &loaded.skipped)),
        ),
        (
            "Markdown summary",
            &args.summary,
            Box::new(|verdict| report::markdown::render(&record, verdict)),
        ),
        (
            "HTML",
            &args.html,
            Box::new(|verdict| report::html::render(&record, verdict)),
        ),
    ];
    let mut written = Vec::new();
    for (what, path, render) in &reports {
        if let Some(path) = path {
            match report::write(path, render(&verdict).as_bytes(), &redact) {
                Ok(()) => written.push((path, render)),
                Err(e) => unrecorded.push(format!(
                    "the {what} report could not be written to {}: {e}",
                    path.display()
                )),
            }
        }
    }
    let lost = !unrecorded.is_empty();
    let verdict = gate::unrecorded(verdict, unrecorded);
    // A report already written said what the gate was before another was lost: written again,
    // it says the gate failed and why.
    if lost {
        for (path, render) in written {
            let _ = report::write(path, render(&verdict).as_bytes(), &redact);
        }
    }
    if let (Some(recording), Some(id), true) = (&recording, history_run, lost) {
        let json = report::json::render(&record, &verdict, &policy, &loaded.skipped);
        if let Err(e) = crate::history::amend(
            &recording.url,
            id,
            &redact.mask(&json),
            verdict.state.label(),
        ) {
            eprintln!(
                "smokegate: {}",
                redact.mask(&format!(
                    "history: run {id} is recorded as the gate was before a report was lost, not as it ended: {e}"
                ))
            );
        }
    }
    if let Some(outcome) = &record.history {
        out(&format!("{}\n", outcome.line()), &redact);
    }
    out(&human::summary(&record, &verdict, style), &redact);
    verdict.exit_code()
}

/// Runs checks with live progress lines (unless `live` is false) and decides the gate; the
/// caller prints the summary (after writing what must be written). Shared by `run` and `demo`.
pub async fn execute(
    checks: Vec<Arc<Check>>,
    opts: RunOptions,
    shared: Arc<probe::Shared>,
    policy: &gate::Policy,
    against: Option<gate::Against<'_>>,
    style: Style,
    live: bool,
) -> (model::RunRecord, gate::Verdict) {
    let (tx, printer) = printer(live.then(|| checks.clone()), style, &opts.redactor);
    let record = runner::run(checks, opts, shared, tx).await;
    let _ = printer.await;
    let verdict = gate::decide(&record, policy, against);
    (record, verdict)
}

/// What the gate judges by: the policy, and the baseline when there is one.
#[derive(Clone, Copy)]
pub struct Gate<'a> {
    pub policy: &'a gate::Policy,
    pub against: Option<gate::Against<'a>>,
}

/// Fresh shared resources for one run of a soak, or why they cannot be had.
pub type FreshShared<'a> = dyn Fn(&[Arc<Check>]) -> Result<Arc<probe::Shared>, String> + 'a;

/// Like `execute`, over a soak: the first run check by check, then a line per run; the gate
/// decides on every check's figures, and the soak stops as soon as it can no longer pass.
pub async fn execute_soak(
    checks: Vec<Arc<Check>>,
    opts: RunOptions,
    soak: SoakOptions,
    fresh: &FreshShared<'_>,
    gate: Gate<'_>,
    style: Style,
    live: bool,
) -> (model::RunRecord, gate::Verdict) {
    let (tx, printer) = printer(live.then(|| checks.clone()), style, &opts.redactor);
    // A soak stops early only when it can no longer pass under the gate in force.
    let counted = gate::soak_counts(&checks, gate.policy, gate.against);
    let shared = || fresh(&checks);
    let tallies = |run: &model::RunRecord| gate::tallies(run, gate.policy);
    let hopeless = |figures: &model::soak::Soak| {
        gate::soak_hopeless(&counted, figures).map(|(i, why)| format!("`{}` {why}", checks[i].name))
    };
    let hooks = SoakHooks {
        shared: &shared,
        tallies: &tallies,
        hopeless: &hopeless,
    };
    let record = runner::soak(checks.clone(), opts, soak, hooks, tx).await;
    let _ = printer.await;
    let verdict = gate::decide(&record, gate.policy, gate.against);
    (record, verdict)
}

/// One writer prints the live lines of `checks` (none when `None`), in the order events arrive.
fn printer(
    checks: Option<Vec<Arc<Check>>>,
    style: Style,
    redact: &Redactor,
) -> (
    tokio::sync::mpsc::UnboundedSender<runner::Event>,
    tokio::task::JoinHandle<()>,
) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let redact = redact.clone();
    let printer = tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            let Some(checks) = &checks else { continue };
            if let Some(line) = human::event_line(&event, checks, style) {
                out(&format!("{line}\n"), &redact);
            }
        }
    });
    (tx, printer)
}
