//! The runner owns time: how many checks run at once, each attempt's timeout, retries and their
//! delay, the run's deadline, and Ctrl-C/SIGTERM. It emits events and returns results; it never
//! prints and knows nothing of output formats or of what fails the gate.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::model::{
    Attempt, CancelReason, Check, CheckResult, Label, NotRun, Outcome, RunRecord, State, Unmet,
};
use crate::probe::{self, ProbeCtx};

mod soak;
pub use soak::{soak, SoakHooks, SoakOptions};

/// After asking a probe to stop, how much longer than the grace period we wait for it to wind
/// down (reading the last output) before dropping it; dropping kills its process group anyway.
pub const STOP_SLACK: Duration = Duration::from_millis(750);

/// Default parallelism: checks mostly wait on I/O, so this is not tied to the CPU count.
pub const DEFAULT_JOBS: usize = 32;

#[derive(Clone, Debug)]
pub struct RunOptions {
    pub jobs: usize,
    /// The whole run must end by then; checks not started are reported as not run.
    pub deadline: Option<Duration>,
    /// SIGTERM -> SIGKILL grace for children being stopped.
    pub grace: Duration,
    /// Bytes kept per child output stream.
    pub capture_limit: usize,
    /// Listen for SIGINT/SIGTERM and stop the run on them.
    pub handle_signals: bool,
    /// Bytes of text (output, evidence) kept per attempt, so that what a run holds is bounded
    /// whatever its checks print.
    pub keep_output: usize,
    /// Masks the suite's secrets, and those the run meets, in every outcome.
    pub redactor: crate::redact::Redactor,
}

/// Default for [`RunOptions::keep_output`]: twice what Nagios keeps of a plugin's output.
pub const DEFAULT_KEEP_OUTPUT: usize = 16 * 1024;

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            jobs: DEFAULT_JOBS,
            deadline: None,
            grace: Duration::from_secs(1),
            capture_limit: 64 * 1024,
            handle_signals: true,
            keep_output: DEFAULT_KEEP_OUTPUT,
            redactor: crate::redact::Redactor::none(),
        }
    }
}

/// What the runner reports while it works. `index` is the check's position in the run.
#[derive(Clone, Debug)]
pub enum Event {
    AttemptStarted {
        index: usize,
        attempt: u32,
    },
    /// An attempt failed and another will follow after `delay`.
    Retrying {
        index: usize,
        attempt: Attempt,
        delay: Duration,
    },
    Finished {
        index: usize,
        result: CheckResult,
    },
    Cancelling(CancelReason),
    /// A soak's run of the selection ended (`run` counts from 1).
    SoakRun(SoakProgress),
}

/// Where a soak stands after one of its runs: the checks with a failure so far.
#[derive(Clone, Debug)]
pub struct SoakProgress {
    pub run: u32,
    pub elapsed: Duration,
    /// This run's result of each check that did not pass in it: (check index, state or
    /// `SKIPPED` / `NOT RUN`).
    pub this_run: Vec<(usize, &'static str)>,
    /// (check index, failures, UNKNOWN or not run, flapping now) of checks with any so far.
    pub troubled: Vec<(usize, u32, u32, bool)>,
}

/// The strongest cancel reason seen so far; a later, more serious reason replaces an earlier one.
#[derive(Default)]
struct Cancel {
    token: CancellationToken,
    reason: Mutex<Option<CancelReason>>,
}

impl Cancel {
    fn raise(&self, reason: CancelReason) -> bool {
        let mut current = self.reason.lock().unwrap_or_else(PoisonError::into_inner);
        let raised = current.is_none_or(|c| reason > c);
        if raised {
            *current = Some(reason);
        }
        self.token.cancel();
        raised
    }

    fn reason(&self) -> Option<CancelReason> {
        *self.reason.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs the checks and returns one result per check, in the order given.
pub async fn run(
    checks: Vec<Arc<Check>>,
    opts: RunOptions,
    shared: Arc<probe::Shared>,
    events: mpsc::UnboundedSender<Event>,
) -> RunRecord {
    let started_at = SystemTime::now();
    let start = Instant::now();
    let redactor = opts.redactor.clone();
    let cancel = Arc::new(Cancel::default());
    let slots = Arc::new(Semaphore::new(opts.jobs.max(1)));
    let all_done = CancellationToken::new();

    let watcher = tokio::spawn(watch(
        Arc::clone(&cancel),
        opts.deadline
            .and_then(|d| tokio::time::Instant::from_std(start).checked_add(d)),
        opts.handle_signals,
        events.clone(),
        all_done.clone(),
    ));

    // Browser checks get their first session slot in suite order too, from one task, so that
    // a check that starts after another finished gets that one's cleaned session.
    let mut session_tickets = session_dispatcher(&checks, &shared, &cancel);
    // Each check's end, for the checks that need it.
    // Each sender lives in its check's task only, so a task that fails closes its channel.
    let (mut ends, ended): (Vec<Option<watch::Sender<End>>>, Vec<watch::Receiver<End>>) = checks
        .iter()
        .map(|_| {
            let (tx, rx) = watch::channel(None);
            (Some(tx), rx)
        })
        .unzip();
    let needs = needed_indices(&checks);

    // Checks start in suite order: a slot is taken here before each unit is spawned.
    let mut set = JoinSet::new();
    let mut unstarted = Vec::new();
    for (index, check) in checks.iter().enumerate() {
        // A browser check first waits for a session slot; it takes its job slot itself so
        // that the checks after it are not held up meanwhile.
        let first_session = session_tickets.remove(&index);
        // A check that waits for others takes its slot once they ended, so that waiting never
        // holds a slot another check needs.
        let first_slot = if check.probe.needs_browser() || !needs[index].is_empty() {
            None
        } else {
            let permit = tokio::select! {
                biased;
                () = cancel.token.cancelled() => None,
                permit = Arc::clone(&slots).acquire_owned() => permit.ok(),
            };
            if permit.is_none() {
                unstarted.push(index);
                continue;
            }
            permit
        };
        let unit = Unit {
            index,
            check: Arc::clone(check),
            start,
            opts: opts.clone(),
            cancel: Arc::clone(&cancel),
            slots: Arc::clone(&slots),
            events: events.clone(),
            shared: Arc::clone(&shared),
            needs: needs[index]
                .iter()
                .map(|&n| (checks[n].name.clone(), ended[n].clone()))
                .collect(),
            end: ends[index].take(),
        };
        set.spawn(unit.run(first_slot, first_session));
    }
    let not_run = not_run_reason(cancel.reason());
    for index in unstarted {
        if let Some(end) = ends[index].take() {
            end.send_replace(Some(None));
        }
        let result = CheckResult {
            check: Arc::clone(&checks[index]),
            attempts: Vec::new(),
            not_run: Some(not_run.clone()),
        };
        let _ = events.send(Event::Finished {
            index,
            result: result.clone(),
        });
        set.spawn(std::future::ready((index, result)));
    }
    let mut results: Vec<Option<CheckResult>> = vec![None; checks.len()];
    while let Some(joined) = set.join_next().await {
        if let Ok((index, result)) = joined {
            results[index] = Some(result);
        }
    }
    all_done.cancel();
    let _ = watcher.await;
    // Whatever the run started and is still alive — escaped from a check's process group by
    // setsid or a double fork, or chromedriver's browsers — ends with the run, and only that.
    shared.shutdown().await;

    let cancelled = cancel.reason();
    let results = results
        .into_iter()
        .zip(checks)
        .map(|(r, check)| {
            // A unit that panicked has no result: fail closed.
            r.unwrap_or_else(|| CheckResult {
                check,
                attempts: vec![Attempt {
                    number: 1,
                    started: Duration::ZERO,
                    duration: Duration::ZERO,
                    outcome: Outcome::unknown("internal error: the check's task failed"),
                }],
                not_run: None,
            })
        })
        .collect();
    RunRecord {
        results,
        started_at,
        duration: start.elapsed(),
        cancelled,
        labels: Vec::new(),
        soak: None,
        redactor,
        history: None,
    }
}

/// How a check ended, for the checks that need it: `None` while it runs, then its final state
/// (`None` inside when it did not run).
type End = Option<Option<State>>;

/// For each check, the positions in this run of the checks it needs. A needed check that is not
/// in the run is not waited for here: selection brings needed checks in.
fn needed_indices(checks: &[Arc<Check>]) -> Vec<Vec<usize>> {
    let index: std::collections::HashMap<&str, usize> = checks
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    checks
        .iter()
        .map(|c| {
            c.needs
                .iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect()
        })
        .collect()
}

/// The first session slot of each browser check, handed out in suite order by one task; the
/// receiver yields `None` when the run was cancelled first.
type SessionTicket = tokio::sync::oneshot::Receiver<Option<OwnedSemaphorePermit>>;

fn session_dispatcher(
    checks: &[Arc<Check>],
    shared: &Arc<probe::Shared>,
    cancel: &Arc<Cancel>,
) -> std::collections::HashMap<usize, SessionTicket> {
    let mut tickets = std::collections::HashMap::new();
    let Some(pool) = shared.browser.as_ref() else {
        return tickets;
    };
    let mut senders = Vec::new();
    for (index, check) in checks.iter().enumerate() {
        // A check that waits for others first must not hold a session meanwhile.
        if check.probe.needs_browser() && check.needs.is_empty() {
            let (tx, rx) = tokio::sync::oneshot::channel();
            senders.push(tx);
            tickets.insert(index, rx);
        }
    }
    let slots = pool.slots();
    let cancel = Arc::clone(cancel);
    tokio::spawn(async move {
        for tx in senders {
            let permit = tokio::select! {
                biased;
                () = cancel.token.cancelled() => None,
                permit = Arc::clone(&slots).acquire_owned() => permit.ok(),
            };
            // A unit that is gone (its task failed) drops the permit with the message.
            let _ = tx.send(permit);
        }
    });
    tickets
}

/// Raises the cancel reason on the deadline or a signal, until the run is done.
async fn watch(
    cancel: Arc<Cancel>,
    deadline: Option<tokio::time::Instant>,
    handle_signals: bool,
    events: mpsc::UnboundedSender<Event>,
    done: CancellationToken,
) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut sigint = handle_signals
        .then(|| signal(SignalKind::interrupt()).ok())
        .flatten();
    let mut sigterm = handle_signals
        .then(|| signal(SignalKind::terminate()).ok())
        .flatten();
    let mut deadline = deadline;
    loop {
        let reason = tokio::select! {
            () = done.cancelled() => return,
            () = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                deadline = None;
                CancelReason::Deadline
            }
            Some(()) = async { match sigint.as_mut() { Some(s) => s.recv().await, None => std::future::pending().await } } => CancelReason::Interrupt,
            Some(()) = async { match sigterm.as_mut() { Some(s) => s.recv().await, None => std::future::pending().await } } => CancelReason::Interrupt,
        };
        if cancel.raise(reason) {
            let _ = events.send(Event::Cancelling(reason));
        }
    }
}

/// One check's life in the run: wait for a slot, attempt, maybe retry.
struct Unit {
    index: usize,
    check: Arc<Check>,
    start: Instant,
    opts: RunOptions,
    cancel: Arc<Cancel>,
    slots: Arc<Semaphore>,
    events: mpsc::UnboundedSender<Event>,
    shared: Arc<probe::Shared>,
    /// The checks this one needs, by name, and how each ended.
    needs: Vec<(String, watch::Receiver<End>)>,
    /// Where this check's end is told to the checks that need it.
    end: Option<watch::Sender<End>>,
}

impl Unit {
    async fn run(
        self,
        first_slot: Option<OwnedSemaphorePermit>,
        first_session: Option<SessionTicket>,
    ) -> (usize, CheckResult) {
        let result = match self.unmet_need().await {
            Ok(()) => self.attempts(first_slot, first_session).await,
            Err(not_run) => CheckResult {
                check: Arc::clone(&self.check),
                attempts: Vec::new(),
                not_run: Some(not_run),
            },
        };
        if let Some(end) = &self.end {
            end.send_replace(Some(result.outcome().map(|o| o.state)));
        }
        let _ = self.events.send(Event::Finished {
            index: self.index,
            result: result.clone(),
        });
        (self.index, result)
    }

    /// Waits until every check this one needs has ended; `Err` says why this one does not run:
    /// the first that did not end OK or WARNING, or the run was cancelled meanwhile.
    async fn unmet_need(&self) -> Result<(), NotRun> {
        for (name, end) in &self.needs {
            let mut end = end.clone();
            let ended = tokio::select! {
                biased;
                () = self.cancel.token.cancelled() => return Err(self.not_run_reason()),
                // A closed channel: the needed check's task failed; it did not run.
                ended = end.wait_for(Option::is_some) => ended.map(|e| e.flatten()).ok().flatten(),
            };
            match ended {
                Some(State::Ok | State::Warning) => {}
                state => return Err(NotRun::Needs(Unmet::new(name, state))),
            }
        }
        Ok(())
    }

    async fn attempts(
        &self,
        first_slot: Option<OwnedSemaphorePermit>,
        mut first_session: Option<SessionTicket>,
    ) -> CheckResult {
        let mut attempts: Vec<Attempt> = Vec::new();
        let max_attempts = self.check.retries.saturating_add(1);
        let mut slot = first_slot;
        let mut not_run = None;
        for number in 1..=max_attempts {
            let session = match first_session.take() {
                Some(ticket) => ticket.await.ok().flatten().map(Some).ok_or(()),
                None => self.session_slot().await,
            };
            let session = match session {
                Ok(session) => session,
                Err(()) => {
                    not_run = attempts.is_empty().then(|| self.not_run_reason());
                    break;
                }
            };
            let permit = match slot.take() {
                Some(permit) => permit,
                None => {
                    let permit = tokio::select! {
                        biased;
                        () = self.cancel.token.cancelled() => None,
                        permit = Arc::clone(&self.slots).acquire_owned() => permit.ok(),
                    };
                    match permit {
                        Some(permit) => permit,
                        None => {
                            not_run = attempts.is_empty().then(|| self.not_run_reason());
                            break;
                        }
                    }
                }
            };
            let _ = self.events.send(Event::AttemptStarted {
                index: self.index,
                attempt: number,
            });
            let attempt = self.attempt(number).await;
            drop(permit);
            drop(session);
            // A whole answer that is wrong is not asked again, unless the check says so.
            let last = number == max_attempts
                || !self.check.retries_after(&attempt.outcome)
                || self.cancel.token.is_cancelled();
            if last {
                attempts.push(attempt);
                break;
            }
            let _ = self.events.send(Event::Retrying {
                index: self.index,
                attempt: attempt.clone(),
                delay: self.check.retry_delay,
            });
            attempts.push(attempt);
            tokio::select! {
                () = self.cancel.token.cancelled() => break,
                () = tokio::time::sleep(self.check.retry_delay) => {}
            }
        }
        CheckResult {
            check: Arc::clone(&self.check),
            attempts,
            not_run,
        }
    }

    /// A browser session slot for browser checks; `Err` when the run was cancelled meanwhile.
    async fn session_slot(&self) -> Result<Option<OwnedSemaphorePermit>, ()> {
        let Some(pool) = self
            .shared
            .browser
            .as_ref()
            .filter(|_| self.check.probe.needs_browser())
        else {
            return Ok(None);
        };
        tokio::select! {
            biased;
            () = self.cancel.token.cancelled() => Err(()),
            permit = pool.slots().acquire_owned() => permit.map(Some).map_err(|_| ()),
        }
    }

    fn not_run_reason(&self) -> NotRun {
        not_run_reason(self.cancel.reason())
    }

    async fn attempt(&self, number: u32) -> Attempt {
        let began = Instant::now();
        let stop = self.cancel.token.child_token();
        let ctx = ProbeCtx {
            stop: stop.clone(),
            grace: self.opts.grace,
            capture_limit: self.opts.capture_limit,
            shared: Arc::clone(&self.shared),
            phase: probe::Phase::default(),
            timeout: self.check.timeout,
            redact: self.opts.redactor.clone(),
        };
        let timeout = self.check.timeout;
        let probe = probe::run(&self.check.probe, &ctx);
        tokio::pin!(probe);
        // Biased, the run's cancellation first: the probe's stop token is a child of it, so a
        // probe that ends because the run was cancelled must be told as stopped, whichever of
        // the two a loaded machine wakes first.
        let outcome = tokio::select! {
            biased;
            () = self.cancel.token.cancelled() => {
                let partial = self.stop_probe(&stop, probe).await;
                let why = match self.cancel.reason() {
                    Some(CancelReason::Deadline) => "stopped at the run's deadline",
                    _ => "interrupted",
                };
                stopped(format!("{why} after {}", crate::format::duration(began.elapsed())), partial)
            }
            outcome = &mut probe => outcome,
            () = tokio::time::sleep(timeout) => {
                let partial = self.stop_probe(&stop, probe).await;
                let waiting = ctx.phase.get().map(|p| format!(" {p}")).unwrap_or_default();
                let mut outcome = stopped(format!("timed out after {}{waiting}", crate::format::duration(timeout)), partial);
                outcome.state = self.check.probe.timeout_state();
                outcome
            }
        };
        Attempt {
            number,
            started: began.duration_since(self.start),
            duration: began.elapsed(),
            outcome: outcome
                .masked(&self.opts.redactor)
                .bounded(self.opts.keep_output)
                .sanitized(),
        }
    }

    /// Asks the probe to stop and gives it the grace period (and a little more) to do so.
    async fn stop_probe(
        &self,
        stop: &CancellationToken,
        probe: std::pin::Pin<&mut impl std::future::Future<Output = Outcome>>,
    ) -> Option<Outcome> {
        stop.cancel();
        if !self.check.probe.stops_gracefully() {
            return None;
        }
        let bound = self.opts.grace + STOP_SLACK;
        tokio::time::timeout(bound, probe).await.ok()
    }
}

fn not_run_reason(reason: Option<CancelReason>) -> NotRun {
    match reason {
        Some(CancelReason::Deadline) => NotRun::Deadline,
        _ => NotRun::Interrupted,
    }
}

/// An UNKNOWN outcome for a stopped attempt, keeping what the probe had gathered as evidence.
fn stopped(summary: String, partial: Option<Outcome>) -> Outcome {
    let mut outcome = Outcome::unknown(summary);
    if let Some(partial) = partial {
        if !partial.summary.is_empty() {
            outcome = outcome.with_evidence(Label::OutputBeforeStop, partial.summary);
        }
        outcome.long_output = partial.long_output;
        outcome.evidence.extend(
            partial
                .evidence
                .into_iter()
                .filter(|e| e.label != Label::Exit),
        );
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::shell_check;

    /// A bound only to turn a hang into a failure: far past what each run here takes.
    const HANG_GUARD: Duration = Duration::from_secs(60);

    async fn run_checks(checks: Vec<Check>, opts: RunOptions) -> (RunRecord, Vec<Event>) {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let checks = checks.into_iter().map(Arc::new).collect();
        let opts = RunOptions {
            handle_signals: false,
            ..opts
        };
        let record = tokio::time::timeout(
            HANG_GUARD,
            run(checks, opts, Arc::new(probe::Shared::default()), tx),
        )
        .await
        .expect("the run ends");
        let mut events = Vec::new();
        while let Ok(event) = rx.try_recv() {
            events.push(event);
        }
        (record, events)
    }

    fn states(record: &RunRecord) -> Vec<Vec<State>> {
        record
            .results
            .iter()
            .map(|r| r.attempts.iter().map(|a| a.outcome.state).collect())
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn results_come_back_in_suite_order_whatever_order_they_finish_in() {
        // The first check finishes last: it waits for a file this test writes only once it has
        // seen the second check finish.
        let dir = tempfile::tempdir().expect("tempdir");
        let flag = dir.path().join("second-done");
        let wait = format!(
            "i=0; while [ ! -e '{0}' ] && [ $i -lt 1500 ]; do sleep 0.02; i=$((i+1)); done; test -e '{0}'",
            flag.display()
        );
        let checks: Vec<Arc<Check>> = vec![
            shell_check("first", &wait),
            shell_check("second", "exit 0"),
            shell_check("third", "exit 2"),
        ]
        .into_iter()
        .map(Arc::new)
        .collect();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let opts = RunOptions {
            handle_signals: false,
            ..RunOptions::default()
        };
        let running = tokio::spawn(run(checks, opts, Arc::new(probe::Shared::default()), tx));
        let mut finished = Vec::new();
        let watched = tokio::time::timeout(HANG_GUARD, async {
            while let Some(event) = rx.recv().await {
                if let Event::Finished { index, .. } = event {
                    finished.push(index);
                    if index == 1 {
                        std::fs::write(&flag, "").expect("flag");
                    }
                }
            }
        });
        watched.await.expect("the run ends");
        let record = running.await.expect("the run's task");
        let names: Vec<&str> = record
            .results
            .iter()
            .map(|r| r.check.name.as_str())
            .collect();
        assert_eq!(names, ["first", "second", "third"]);
        assert_eq!(
            states(&record),
            [vec![State::Ok], vec![State::Ok], vec![State::Critical]]
        );
        assert_eq!(finished.len(), 3, "one Finished event per check");
        assert_eq!(
            finished.last(),
            Some(&0),
            "the first check finished last: {finished:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_attempt_is_retried_and_announced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mark = dir.path().join("tried");
        let mut flaky = shell_check(
            "flaky",
            &format!(
                "test -e '{0}' || {{ touch '{0}'; exit 1; }}",
                mark.display()
            ),
        );
        flaky.retries = 2;
        let mut broken = shell_check("broken", "exit 1");
        broken.retries = 1;
        let (record, events) = run_checks(vec![flaky, broken], RunOptions::default()).await;
        assert_eq!(
            states(&record),
            [
                vec![State::Critical, State::Ok],
                vec![State::Critical, State::Critical]
            ],
            "a pass ends the retries; retries are bounded"
        );
        let retries = events
            .iter()
            .filter(|e| matches!(e, Event::Retrying { .. }))
            .count();
        assert_eq!(retries, 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_timeout_stops_the_attempt_and_says_so() {
        let mut slow = shell_check("slow", "sleep 30");
        slow.timeout = Duration::from_millis(300);
        let opts = RunOptions {
            grace: Duration::from_millis(200),
            ..RunOptions::default()
        };
        let (record, _) = run_checks(vec![slow], opts).await;
        let outcome = record.results[0].outcome().expect("ran");
        // A command that does not finish did not succeed (a plugin would be UNKNOWN).
        assert_eq!(outcome.state, State::Critical);
        assert!(
            outcome.summary.starts_with("timed out after 300ms"),
            "{}",
            outcome.summary
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checks_not_started_by_the_deadline_are_not_run() {
        let mut hung = shell_check("hung", "sleep 30");
        hung.timeout = Duration::from_secs(30);
        let opts = RunOptions {
            jobs: 1,
            deadline: Some(Duration::from_millis(300)),
            grace: Duration::from_millis(200),
            ..RunOptions::default()
        };
        let (record, events) = run_checks(vec![hung, shell_check("after", "exit 0")], opts).await;
        assert_eq!(record.cancelled, Some(CancelReason::Deadline));
        assert_eq!(record.results[0].state(), State::Unknown);
        assert_eq!(record.results[1].not_run, Some(NotRun::Deadline));
        assert!(events
            .iter()
            .any(|e| matches!(e, Event::Cancelling(CancelReason::Deadline))));
    }
}
