//! `--soak`: after the first run of the selection, run it again every interval until the window
//! ends (or a count is reached), keeping figures per check instead of every attempt. Owns the
//! soak's time: when a run starts, the wait between runs, Ctrl-C while waiting. How a result
//! counts and when the soak can no longer pass are the gate's, handed in by the caller.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::{run, Event, RunOptions, SoakProgress};
use crate::model::soak::{Figures, Soak, Tally};
use crate::model::{CancelReason, Check, CheckResult, RunRecord};
use crate::probe;

#[derive(Clone, Debug)]
pub struct SoakOptions {
    /// Runs start until this long after the first one started.
    pub window: Option<Duration>,
    /// At most this many runs.
    pub count: Option<u32>,
    /// From the start of one run to the start of the next (back to back when a run takes
    /// longer, or with zero).
    pub every: Duration,
    /// `--soak-failures`: failures a check may have and still pass.
    pub allowed_failures: u32,
}

/// What the soak needs from its caller: fresh shared resources for each run (each run contains
/// and ends its own children), how each result of a run counts, and why the soak can no longer
/// pass (it stops then).
pub struct SoakHooks<'a> {
    pub shared: &'a dyn Fn() -> Result<Arc<probe::Shared>, String>,
    pub tallies: &'a dyn Fn(&RunRecord) -> Vec<Tally>,
    pub hopeless: &'a dyn Fn(&Soak) -> Option<String>,
}

/// Runs the selection again and again; the record holds each check's last failing result (or
/// its last result) and the soak's figures. The first run's events are passed on as they come;
/// after that, one `SoakRun` event per run.
pub async fn soak(
    checks: Vec<Arc<Check>>,
    opts: RunOptions,
    soak_opts: SoakOptions,
    hooks: SoakHooks<'_>,
    events: mpsc::UnboundedSender<Event>,
) -> RunRecord {
    let start = Instant::now();
    let mut figures = Soak {
        checks: vec![Figures::default(); checks.len()],
        allowed_failures: soak_opts.allowed_failures,
        ..Soak::default()
    };
    let mut last: Vec<Option<CheckResult>> = vec![None; checks.len()];
    let mut last_failing: Vec<Option<CheckResult>> = vec![None; checks.len()];
    let mut record = RunRecord {
        results: Vec::new(),
        started_at: std::time::SystemTime::now(),
        duration: Duration::ZERO,
        cancelled: None,
        labels: Vec::new(),
        soak: None,
        redactor: opts.redactor.clone(),
        history: None,
    };
    let mut signals = Signals::new(opts.handle_signals);
    let mut number = 0u32;
    loop {
        number += 1;
        let run_started = Instant::now();
        let shared = match (hooks.shared)() {
            Ok(shared) => shared,
            Err(e) => {
                figures.stopped_early = Some(format!("run {number} could not start: {e}"));
                break;
            }
        };
        // The first run is shown check by check; later runs by one line each.
        let run_events = if number == 1 {
            events.clone()
        } else {
            mpsc::unbounded_channel().0
        };
        // `--deadline` bounds the whole soak: each run gets what is left of it.
        let mut run_opts = opts.clone();
        if let Some(deadline) = opts.deadline {
            run_opts.deadline = Some(deadline.saturating_sub(start.elapsed()));
        }
        let ran = run(checks.clone(), run_opts, shared, run_events).await;
        let tallies = (hooks.tallies)(&ran);
        let this_run: Vec<(usize, &'static str)> = ran
            .results
            .iter()
            .zip(&tallies)
            .enumerate()
            .filter(|(_, (_, tally))| **tally != Tally::Pass)
            .map(|(i, (r, _))| {
                let word = match &r.not_run {
                    Some(n) if n.unmet().is_some() => "SKIPPED",
                    Some(_) => "NOT RUN",
                    None => r.state().label(),
                };
                (i, word)
            })
            .collect();
        for (i, (result, tally)) in ran.results.into_iter().zip(tallies).enumerate() {
            figures.checks[i].record(
                result.state(),
                tally,
                result.duration(),
                result.not_run.is_none(),
            );
            if matches!(tally, Tally::Failure | Tally::Unknown) {
                last_failing[i] = Some(result.clone());
            }
            last[i] = Some(result);
        }
        figures.runs = number;
        figures.elapsed = start.elapsed();
        let _ = events.send(Event::SoakRun(SoakProgress {
            run: number,
            elapsed: figures.elapsed,
            this_run,
            troubled: figures
                .checks
                .iter()
                .enumerate()
                .filter(|(_, f)| f.failures > 0 || f.unknowns > 0 || f.flapping)
                .map(|(i, f)| (i, f.failures, f.unknowns, f.flapping))
                .collect(),
        }));
        if ran.cancelled.is_some() {
            record.cancelled = ran.cancelled;
            break;
        }
        if let Some(why) = (hooks.hopeless)(&figures) {
            figures.stopped_early = Some(why);
            break;
        }
        if soak_opts.count.is_some_and(|count| number >= count) {
            break;
        }
        let next = run_started + soak_opts.every;
        if soak_opts
            .window
            .is_some_and(|window| next.max(Instant::now()) >= start + window)
        {
            break;
        }
        // A soak the deadline cuts short did not establish what it was asked to: fail closed.
        if opts
            .deadline
            .is_some_and(|deadline| next.max(Instant::now()) >= start + deadline)
        {
            figures.stopped_early =
                Some(format!("the --deadline ended the soak after {number} runs"));
            record.cancelled = Some(CancelReason::Deadline);
            break;
        }
        if let Some(reason) = signals.sleep_until(next).await {
            let _ = events.send(Event::Cancelling(reason));
            record.cancelled = Some(reason);
            break;
        }
    }
    record.results = results(&checks, &last, &last_failing);
    record.duration = start.elapsed();
    record.soak = Some(figures);
    record
}

/// Each check's last failing result, or its last one; a check no run reached has none, which
/// the caller never sees: the first run gives every check a result.
fn results(
    checks: &[Arc<Check>],
    last: &[Option<CheckResult>],
    last_failing: &[Option<CheckResult>],
) -> Vec<CheckResult> {
    checks
        .iter()
        .enumerate()
        .map(|(i, check)| {
            last_failing[i]
                .clone()
                .or_else(|| last[i].clone())
                .unwrap_or_else(|| CheckResult {
                    check: Arc::clone(check),
                    attempts: Vec::new(),
                    not_run: Some(crate::model::NotRun::Interrupted),
                })
        })
        .collect()
}

/// Ctrl-C and SIGTERM between runs (during a run, the run itself listens).
struct Signals {
    sigint: Option<tokio::signal::unix::Signal>,
    sigterm: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new(enabled: bool) -> Signals {
        use tokio::signal::unix::{signal, SignalKind};
        Signals {
            sigint: enabled
                .then(|| signal(SignalKind::interrupt()).ok())
                .flatten(),
            sigterm: enabled
                .then(|| signal(SignalKind::terminate()).ok())
                .flatten(),
        }
    }

    /// Waits until `when`; `Some` when a signal came first.
    async fn sleep_until(&mut self, when: Instant) -> Option<CancelReason> {
        let until = tokio::time::Instant::from_std(when);
        tokio::select! {
            () = tokio::time::sleep_until(until) => None,
            Some(()) = async { match self.sigint.as_mut() { Some(s) => s.recv().await, None => std::future::pending().await } } => Some(CancelReason::Interrupt),
            Some(()) = async { match self.sigterm.as_mut() { Some(s) => s.recv().await, None => std::future::pending().await } } => Some(CancelReason::Interrupt),
        }
    }
}
