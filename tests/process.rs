//! Library-level tests, in a test target of their own apart from the binary's: `process` (spawn,
//! bounded capture, TERM -> grace -> KILL, leak detection) and the `nagios` probe, against the
//! hostile plugins in `fixtures/plugins/` and the real Debian monitoring-plugins in
//! `/usr/lib/nagios/plugins`.
//!
//! Every run that could leave a process behind carries a unique marker in its environment
//! (`SMOKEGATE_TEST_MARKER`, inherited by grandchildren); afterwards `/proc` is scanned for it.
//! A `Reaper` kills anything still carrying the marker when a test ends, pass or fail, so a failing
//! test does not leave 300-second sleeps on the machine.

use std::ffi::OsString;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use smokegate::model::spec::NagiosSpec;
use smokegate::model::{Outcome, State};
use smokegate::probe::nagios;
use smokegate::probe::ProbeCtx;
use smokegate::process::{self, Exit, Finished, Limits, Spawn};
use tokio_util::sync::CancellationToken;

const PLUGINS: &str = "/usr/lib/nagios/plugins";
const MARKER_VAR: &str = "SMOKEGATE_TEST_MARKER";
const CAPTURE: usize = 64 * 1024;
/// What the nagios probe uses; the process tests use the same so that both see the same timing.
const LEAK_WAIT: Duration = Duration::from_millis(100);
const STOP_AFTER: Duration = Duration::from_millis(300);
/// A bound on how long something may take, only to turn a hang into a failure: at least five
/// times what it should take here. What these tests assert is what happened (the signal that
/// ended a child, the leak flag, nothing left), never how fast.
const HANG_GUARD: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Helpers

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/plugins")
        .join(name)
}

fn plugin(name: &str) -> PathBuf {
    Path::new(PLUGINS).join(name)
}

/// A token no other process on the machine carries: pid, a per-process counter and the clock.
fn unique_marker() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "sg-test-{}-{}-{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn spawn(program: impl Into<PathBuf>, args: &[&str], marker: &str) -> Spawn {
    Spawn {
        program: program.into(),
        args: args.iter().map(|s| (*s).to_string()).collect(),
        env: vec![(OsString::from(MARKER_VAR), OsString::from(marker))],
    }
}

fn limits(grace: Duration) -> Limits {
    Limits {
        capture: CAPTURE,
        grace,
        leak_wait: LEAK_WAIT,
    }
}

/// The nagios probe cannot set the environment, so marked probe runs go through `/usr/bin/env`.
fn marked_spec(program: &Path, args: &[&str], marker: &str) -> NagiosSpec {
    let mut all = vec![
        format!("{MARKER_VAR}={marker}"),
        program.display().to_string(),
    ];
    all.extend(args.iter().map(|s| (*s).to_string()));
    NagiosSpec {
        program: PathBuf::from("/usr/bin/env"),
        args: all,
    }
}

fn spec(program: &Path, args: &[&str]) -> NagiosSpec {
    NagiosSpec {
        program: program.to_path_buf(),
        args: args.iter().map(|s| (*s).to_string()).collect(),
    }
}

fn ctx(stop: CancellationToken) -> ProbeCtx {
    ProbeCtx {
        stop,
        grace: Duration::from_millis(500),
        capture_limit: CAPTURE,
        shared: Default::default(),
        phase: Default::default(),
        timeout: Duration::from_secs(60),
        redact: Default::default(),
    }
}

/// Cancels `token` after `after`: the stimulus of the stop tests, not a synchronisation.
fn cancel_after(token: &CancellationToken, after: Duration) {
    let token = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        token.cancel();
    });
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Live (non-zombie) processes whose command line or environment contains `marker`.
fn processes_with(marker: &str) -> Vec<(i32, String)> {
    let needle = marker.as_bytes();
    let contains = |hay: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    let own = std::process::id();
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        if u32::try_from(pid).is_ok_and(|p| p == own) {
            continue;
        }
        let dir = entry.path();
        // A zombie is already dead; its parent (init here) reaps it when it gets to it.
        let stat = std::fs::read_to_string(dir.join("stat")).unwrap_or_default();
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.trim_start().chars().next());
        if matches!(state, None | Some('Z' | 'X')) {
            continue;
        }
        let cmdline = std::fs::read(dir.join("cmdline")).unwrap_or_default();
        let environ = std::fs::read(dir.join("environ")).unwrap_or_default();
        if contains(&cmdline) || contains(&environ) {
            let shown = text(&cmdline).replace('\0', " ");
            found.push((pid, shown.trim_end().to_string()));
        }
    }
    found
}

/// Polls (at most 50 times over about a second) until no process carries `marker`.
async fn assert_none_left(marker: &str) {
    let mut left = processes_with(marker);
    for _ in 0..50 {
        if left.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        left = processes_with(marker);
    }
    assert!(left.is_empty(), "processes left behind: {left:?}");
}

/// Polls (at most 100 times over about two seconds) until some process carries `marker`.
async fn wait_for_process_with(marker: &str) {
    for _ in 0..100 {
        if !processes_with(marker).is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no process with marker {marker} appeared within 2s");
}

/// Kills whatever still carries the marker when dropped, so that a failed assertion does not
/// leave fixtures running for five minutes.
struct Reaper(String);

impl Reaper {
    fn new() -> Reaper {
        Reaper(unique_marker())
    }

    fn marker(&self) -> &str {
        &self.0
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        for (pid, _) in processes_with(&self.0) {
            // SAFETY: kill only sends a signal to a process we found carrying our marker.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

/// Peak resident set size of this test process, in KiB (`VmHWM` in /proc/self/status).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

async fn run_ok(spawn: &Spawn, limits: Limits, stop: &CancellationToken) -> (Finished, Duration) {
    let started = Instant::now();
    let finished = process::run(spawn, limits, stop)
        .await
        .unwrap_or_else(|e| panic!("spawning {}: {e}", spawn.program.display()));
    (finished, started.elapsed())
}

/// Asserts that no text of the outcome holds a raw control character, ESC, NUL, DEL or C1 code.
fn assert_clean(outcome: &Outcome) {
    let bad = |c: char| c.is_control() || c == '\u{FFFD}';
    assert!(
        !outcome.summary.chars().any(bad),
        "summary holds a control character: {:?}",
        outcome.summary
    );
    for line in &outcome.long_output {
        assert!(
            !line.chars().any(|c| c != '\t' && bad(c)),
            "long output holds a control character: {line:?}"
        );
    }
    for ev in &outcome.evidence {
        assert!(
            !ev.text.chars().any(|c| c != '\n' && c != '\t' && bad(c)),
            "evidence {:?} holds a control character: {:?}",
            ev.label,
            ev.text
        );
    }
}

fn evidence<'a>(outcome: &'a Outcome, label: &str) -> Option<&'a str> {
    outcome
        .evidence
        .iter()
        .find(|e| e.label.as_str() == label)
        .map(|e| e.text.as_str())
}

// ---------------------------------------------------------------------------------------------
// process::run — exits

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_reports_check_dummy_exit_codes_and_output() {
    let stop = CancellationToken::new();
    for (code, label) in [(0, "OK"), (1, "WARNING"), (2, "CRITICAL"), (3, "UNKNOWN")] {
        let code_arg = code.to_string();
        let spawn = spawn(plugin("check_dummy"), &[&code_arg, "some text"], "unused");
        let (finished, _) = run_ok(&spawn, Limits::default(), &stop).await;
        assert_eq!(finished.exit, Exit::Code(code));
        assert_eq!(text(&finished.stdout.head), format!("{label}: some text\n"));
        assert_eq!(finished.stdout.dropped, 0);
        assert!(finished.stderr.head.is_empty());
        assert!(!finished.stopped);
        assert!(!finished.leaked);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_reports_exit_code_42() {
    let spawn = spawn(fixture("exit42"), &[], "unused");
    let (finished, _) = run_ok(&spawn, Limits::default(), &CancellationToken::new()).await;
    assert_eq!(finished.exit, Exit::Code(42));
    assert_eq!(text(&finished.stdout.head), "OK - but exit code 42\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_reports_death_by_signal() {
    let spawn = spawn(fixture("die_by_signal"), &[], "unused");
    let (finished, _) = run_ok(&spawn, Limits::default(), &CancellationToken::new()).await;
    assert_eq!(finished.exit, Exit::Signal(libc::SIGKILL));
    assert_eq!(text(&finished.stdout.head), "OK - about to die\n");
    assert!(!finished.stopped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_refuses_a_file_without_the_executable_bit() {
    let path = fixture("not_executable");
    let mode = std::fs::metadata(&path)
        .expect("fixture exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0, "fixture must stay mode 0644, is {mode:o}");
    let err = process::run(
        &spawn(&path, &[], "unused"),
        Limits::default(),
        &CancellationToken::new(),
    )
    .await
    .expect_err("a non-executable file must not run");
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_reports_a_missing_program_as_not_found() {
    let spawn = spawn("/nonexistent/check_nothing", &[], "unused");
    let err = process::run(&spawn, Limits::default(), &CancellationToken::new())
        .await
        .expect_err("a missing program must not run");
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_reports_shell_command_not_found_as_127() {
    let spawn = spawn("/bin/sh", &["-c", "nonexistent_cmd_xyz"], "unused");
    let (finished, _) = run_ok(&spawn, Limits::default(), &CancellationToken::new()).await;
    assert_eq!(finished.exit, Exit::Code(127));
    assert!(finished.stdout.head.is_empty());
    let stderr = text(&finished.stderr.head);
    assert!(
        stderr.contains("nonexistent_cmd_xyz") && stderr.contains("not found"),
        "{stderr:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_keeps_stderr_apart_from_stdout() {
    let spawn = spawn(fixture("stderr_only"), &[], "unused");
    let (finished, _) = run_ok(&spawn, Limits::default(), &CancellationToken::new()).await;
    assert_eq!(finished.exit, Exit::Code(2));
    assert!(finished.stdout.head.is_empty());
    assert_eq!(
        text(&finished.stderr.head),
        "CRITICAL - only on stderr\nsecond stderr line\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_captures_bytes_verbatim() {
    let spawn = spawn(fixture("invalid_utf8"), &[], "unused");
    let (finished, _) = run_ok(&spawn, Limits::default(), &CancellationToken::new()).await;
    assert_eq!(finished.exit, Exit::Code(2));
    let expected: &[u8] =
        b"CRITICAL - bad \xff\xfe nul \0 esc \x1b[31mred\x1b[0m cdata ]]> end | bytes=42B;;;0\n\
        second \x1b[2J line\rover \xc2\x85 next\n";
    assert_eq!(finished.stdout.head, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_passes_the_given_environment() {
    let marker = unique_marker();
    let mut spawn = spawn(fixture("print_env"), &[], &marker);
    spawn.env.push((
        OsString::from("SMOKEGATE_TEST_EXTRA"),
        OsString::from("a b=c"),
    ));
    let (finished, _) = run_ok(&spawn, Limits::default(), &CancellationToken::new()).await;
    assert_eq!(finished.exit, Exit::Code(0));
    let out = text(&finished.stdout.head);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.first(), Some(&"OK - environment follows"));
    assert!(
        lines.contains(&format!("{MARKER_VAR}={marker}").as_str()),
        "{out}"
    );
    assert!(lines.contains(&"SMOKEGATE_TEST_EXTRA=a b=c"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_runs_fail_then_pass_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("count");
    let state_arg = state.display().to_string();
    let spawn = spawn(fixture("fail_then_pass"), &[&state_arg, "3"], "unused");
    let stop = CancellationToken::new();
    let mut seen = Vec::new();
    for _ in 0..4 {
        let (finished, _) = run_ok(&spawn, Limits::default(), &stop).await;
        seen.push(finished.exit);
    }
    assert_eq!(
        seen,
        [Exit::Code(2), Exit::Code(2), Exit::Code(0), Exit::Code(0)]
    );
    assert_eq!(std::fs::read_to_string(&state).expect("state file"), "4\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_runs_children_concurrently() {
    let stop = CancellationToken::new();
    let spawn = spawn(fixture("sleep1"), &[], "unused");
    // Each run notes when it started and ended: all four must have started before any ended.
    let timed = || async {
        let started = Instant::now();
        let finished = process::run(&spawn, Limits::default(), &stop).await;
        (started, Instant::now(), finished)
    };
    let (a, b, c, d) = tokio::join!(timed(), timed(), timed(), timed());
    let runs = [a, b, c, d];
    for (_, _, finished) in &runs {
        let finished = finished.as_ref().expect("sleep1 runs");
        assert_eq!(finished.exit, Exit::Code(0));
        assert_eq!(text(&finished.stdout.head), "OK - slept 1s | slept=1s\n");
    }
    let last_start = runs.iter().map(|r| r.0).max().expect("four runs");
    let first_end = runs.iter().map(|r| r.1).min().expect("four runs");
    assert!(
        last_start < first_end,
        "a run started only after another had ended: not concurrent"
    );
}

// ---------------------------------------------------------------------------------------------
// process::run — stopping

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_stop_ends_a_hang_with_sigterm() {
    let reaper = Reaper::new();
    let stop = CancellationToken::new();
    let spawn = spawn(fixture("hang"), &[], reaper.marker());
    // A long grace: if SIGTERM did not work, KILL would only come after 5s and the bound fails.
    cancel_after(&stop, STOP_AFTER);
    let (finished, elapsed) = run_ok(&spawn, limits(Duration::from_secs(5)), &stop).await;
    eprintln!("hang stopped after {elapsed:?}");
    assert!(elapsed >= STOP_AFTER, "{elapsed:?}");
    assert!(elapsed < HANG_GUARD, "{elapsed:?}");
    assert!(finished.stopped);
    assert!(!finished.leaked);
    assert_eq!(finished.exit, Exit::Signal(libc::SIGTERM));
    assert_eq!(text(&finished.stdout.head), "OK - hang fixture started\n");
    assert_none_left(reaper.marker()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_stop_escalates_to_sigkill_after_the_grace() {
    let reaper = Reaper::new();
    let stop = CancellationToken::new();
    let grace = Duration::from_millis(500);
    let spawn = spawn(fixture("ignore_term"), &[], reaper.marker());
    cancel_after(&stop, STOP_AFTER);
    let (finished, elapsed) = run_ok(&spawn, limits(grace), &stop).await;
    eprintln!("ignore_term stopped after {elapsed:?}");
    assert!(elapsed >= STOP_AFTER + grace, "{elapsed:?}");
    assert!(elapsed < HANG_GUARD, "{elapsed:?}");
    assert!(finished.stopped);
    assert_eq!(finished.exit, Exit::Signal(libc::SIGKILL));
    assert_eq!(text(&finished.stdout.head), "OK - ignoring TERM\n");
    assert_none_left(reaper.marker()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_stop_requested_before_start_ends_promptly() {
    let reaper = Reaper::new();
    let stop = CancellationToken::new();
    stop.cancel();
    let spawn = spawn(fixture("hang"), &[], reaper.marker());
    let (finished, elapsed) = run_ok(&spawn, limits(Duration::from_secs(5)), &stop).await;
    eprintln!("hang with a stop already requested ended after {elapsed:?}");
    // The grace is 5 s: a SIGTERM exit shows the stop came at once, not after a KILL.
    assert!(elapsed < HANG_GUARD, "{elapsed:?}");
    assert!(finished.stopped);
    assert_eq!(finished.exit, Exit::Signal(libc::SIGTERM));
    assert_none_left(reaper.marker()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_dropping_the_future_kills_the_group() {
    let reaper = Reaper::new();
    let stop = CancellationToken::new();
    let spawn = spawn(fixture("ignore_term"), &[], reaper.marker());
    let run = process::run(&spawn, limits(Duration::from_secs(5)), &stop);
    let started = Instant::now();
    let result = tokio::time::timeout(STOP_AFTER, run).await;
    assert!(result.is_err(), "ignore_term cannot finish by itself");
    // The future is gone: the group must be killed without a stop request or a grace period.
    assert_none_left(reaper.marker()).await;
    let elapsed = started.elapsed();
    eprintln!("dropped future: group gone after {elapsed:?}");
    assert!(elapsed < HANG_GUARD, "{elapsed:?}");
}

// ---------------------------------------------------------------------------------------------
// process::run — leaks and floods

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_grandchild_holding_stdout_is_a_leak_not_a_wait() {
    let reaper = Reaper::new();
    let spawn = spawn(fixture("grandchild_holds_stdout"), &[], reaper.marker());
    let (finished, elapsed) = run_ok(
        &spawn,
        limits(Duration::from_secs(1)),
        &CancellationToken::new(),
    )
    .await;
    eprintln!("grandchild_holds_stdout returned after {elapsed:?}");
    // The grandchild sleeps 300 s holding stdout: waiting for it would trip the guard.
    assert!(elapsed < HANG_GUARD, "{elapsed:?}");
    assert!(finished.leaked);
    assert!(!finished.stopped);
    assert_eq!(finished.exit, Exit::Code(0));
    assert_eq!(text(&finished.stdout.head), "OK - parent done\n");
    assert_none_left(reaper.marker()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_grandchild_outside_the_group_cannot_hold_the_run() {
    // The grandchild escapes with setsid, out of reach of killpg: `run` must still return, within
    // leak_wait plus its 500ms bound on the streams. The escaped process is the Reaper's to kill;
    // see the report of this branch for what that means for the process module.
    let reaper = Reaper::new();
    let spawn = spawn(fixture("setsid_grandchild"), &[], reaper.marker());
    let (finished, elapsed) = run_ok(
        &spawn,
        limits(Duration::from_secs(1)),
        &CancellationToken::new(),
    )
    .await;
    eprintln!("setsid_grandchild returned after {elapsed:?}");
    assert!(elapsed < HANG_GUARD, "{elapsed:?}");
    assert!(finished.leaked);
    assert_eq!(finished.exit, Exit::Code(0));
    assert_eq!(
        text(&finished.stdout.head),
        "OK - parent done, grandchild escaped\n"
    );
    eprintln!(
        "setsid_grandchild: still alive after run returned: {:?}",
        processes_with(reaper.marker())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_flood_is_bounded_in_capture_and_memory() {
    // VmHWM is the whole test process's peak, shared with tests running in parallel threads: a
    // coarse bound. Buffering the 100 MB flood would blow it; keeping 64 KiB cannot.
    let before = peak_rss_kib();
    let spawn = spawn(fixture("flood"), &[], "unused");
    let (finished, elapsed) = run_ok(&spawn, Limits::default(), &CancellationToken::new()).await;
    let after = peak_rss_kib();
    eprintln!(
        "flood: {elapsed:?}, peak RSS {before} KiB -> {after} KiB, dropped {}",
        finished.stdout.dropped
    );
    assert_eq!(finished.exit, Exit::Code(0));
    assert!(!finished.leaked);
    assert_eq!(finished.stdout.head.len(), CAPTURE);
    assert!(finished.stdout.head.starts_with(b"OK - flooding\ny\ny\n"));
    assert_eq!(
        finished.stdout.head.len() as u64 + finished.stdout.dropped,
        100_000_014
    );
    assert!(
        after.saturating_sub(before) < 50 * 1024,
        "peak RSS grew from {before} KiB to {after} KiB"
    );
}

// ---------------------------------------------------------------------------------------------
// nagios probe — states from exits (spawn failures do not reach the sanitizer)

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nagios_not_executable_is_unknown_126() {
    let outcome = nagios::run(
        &spec(&fixture("not_executable"), &[]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(outcome.state, State::Unknown);
    assert!(
        outcome.summary.contains("exit code 126"),
        "{}",
        outcome.summary
    );
    assert!(
        outcome.summary.contains("not_executable"),
        "{}",
        outcome.summary
    );
    assert!(evidence(&outcome, "command").is_some_and(|c| c.ends_with("not_executable")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nagios_missing_plugin_is_unknown_127() {
    let outcome = nagios::run(
        &spec(Path::new("/nonexistent/check_nothing"), &[]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(outcome.state, State::Unknown);
    assert!(
        outcome.summary.contains("exit code 127"),
        "{}",
        outcome.summary
    );
    assert!(
        outcome.summary.contains("/nonexistent/check_nothing"),
        "{}",
        outcome.summary
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nagios_missing_interpreter_is_unknown() {
    // Fail closed. The summary currently says "plugin not found" although the plugin exists and
    // its #! interpreter is what is missing (see the report of this branch).
    let path = fixture("bad_interpreter");
    assert!(path.is_file());
    let outcome = nagios::run(&spec(&path, &[]), &ctx(CancellationToken::new())).await;
    assert_eq!(outcome.state, State::Unknown);
    assert!(
        outcome.summary.contains("exit code 127"),
        "{}",
        outcome.summary
    );
    assert!(
        outcome.summary.contains("bad_interpreter"),
        "{}",
        outcome.summary
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nagios_script_without_shebang_runs_through_sh_like_execvp() {
    // posix_spawnp refuses it with ENOEXEC; Nagios (execvp) and NRPE (/bin/sh -c) run it through
    // /bin/sh, and so does the nagios probe: existing plugins run as they are.
    let err = process::run(
        &spawn(fixture("no_shebang"), &[], "unused"),
        Limits::default(),
        &CancellationToken::new(),
    )
    .await
    .expect_err("posix_spawnp does not fall back to /bin/sh");
    assert_eq!(err.raw_os_error(), Some(libc::ENOEXEC), "{err}");
    let outcome = nagios::run(
        &spec(&fixture("no_shebang"), &[]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(outcome.state, State::Ok);
    assert_eq!(outcome.summary, "OK - ran without a shebang");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nagios_maps_check_dummy_exit_codes_to_states() {
    let cases = [
        ("0", "ok text", State::Ok, "OK: ok text"),
        ("1", "warn text", State::Warning, "WARNING: warn text"),
        ("2", "crit text", State::Critical, "CRITICAL: crit text"),
        ("3", "unknown text", State::Unknown, "UNKNOWN: unknown text"),
    ];
    for (code, arg, state, summary) in cases {
        let outcome = nagios::run(
            &spec(&plugin("check_dummy"), &[code, arg]),
            &ctx(CancellationToken::new()),
        )
        .await;
        assert_eq!(outcome.state, state, "{outcome:?}");
        assert_eq!(outcome.summary, summary);
        assert!(outcome.long_output.is_empty());
        assert!(outcome.perfdata.is_empty());
        assert_eq!(
            evidence(&outcome, "exit"),
            Some(format!("exit code {code}").as_str())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_exit_42_is_unknown() {
    let outcome = nagios::run(
        &spec(&fixture("exit42"), &[]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(outcome.state, State::Unknown);
    assert!(
        outcome.summary.contains("exit code 42"),
        "{}",
        outcome.summary
    );
    assert!(
        outcome.summary.contains("OK - but exit code 42"),
        "{}",
        outcome.summary
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_death_by_signal_is_unknown() {
    let outcome = nagios::run(
        &spec(&fixture("die_by_signal"), &[]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(outcome.state, State::Unknown);
    assert!(
        outcome.summary.contains("killed by signal 9 (SIGKILL)"),
        "{}",
        outcome.summary
    );
    assert_eq!(
        evidence(&outcome, "exit"),
        Some("killed by signal 9 (SIGKILL)")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_shell_command_not_found_is_unknown_127() {
    let outcome = nagios::run(
        &spec(Path::new("/bin/sh"), &["-c", "nonexistent_cmd_xyz"]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(outcome.state, State::Unknown);
    assert!(
        outcome.summary.contains("exit code 127"),
        "{}",
        outcome.summary
    );
    assert!(
        outcome.summary.contains("nonexistent_cmd_xyz"),
        "stderr should explain an empty stdout: {}",
        outcome.summary
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_stderr_only_keeps_the_exit_state_and_explains() {
    let outcome = nagios::run(
        &spec(&fixture("stderr_only"), &[]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(outcome.state, State::Critical);
    assert_eq!(
        outcome.summary,
        "(No output on stdout) stderr: CRITICAL - only on stderr"
    );
    let stderr = evidence(&outcome, "stderr").expect("stderr evidence");
    assert!(stderr.contains("second stderr line"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_long_output_and_perfdata_on_later_lines() {
    let outcome = nagios::run(
        &spec(&fixture("long_output"), &[]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(outcome.state, State::Warning);
    assert_eq!(
        outcome.summary.trim_end(),
        "DISK WARNING - free space: / 3326 MB (56%);"
    );
    let long: Vec<&str> = outcome.long_output.iter().map(|l| l.trim_end()).collect();
    assert_eq!(
        long,
        [
            "/ 15272 MB (77%);",
            "/boot 68 MB (69%);",
            "/home 69357 MB (27%);",
            "/var/log 819 MB (84%);"
        ]
    );
    let labels: Vec<&str> = outcome.perfdata.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["/", "/boot", "/home", "/var/log"]);
    let root = &outcome.perfdata[0];
    assert_eq!(root.value, Some(2643.0));
    assert_eq!(root.uom, "MB");
    assert_eq!(root.warn.as_deref(), Some("5948"));
    assert_eq!(root.crit.as_deref(), Some("5958"));
    assert_eq!((root.min, root.max), (Some(0.0), Some(5968.0)));
    assert_eq!(outcome.perfdata[3].value, Some(818.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_invalid_utf8_and_controls_are_escaped() {
    let outcome = nagios::run(
        &spec(&fixture("invalid_utf8"), &[]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(outcome.state, State::Critical);
    assert_clean(&outcome);
    assert!(!outcome.summary.contains('\n'));
    let lower = outcome.summary.to_ascii_lowercase();
    assert!(lower.contains("\\xff\\xfe"), "{}", outcome.summary);
    assert!(
        outcome.summary.starts_with("CRITICAL - bad "),
        "{}",
        outcome.summary
    );
    // Escaping is all the sanitizer does: text around the controls and XML-hostile text stay.
    assert!(outcome.summary.contains("red"), "{}", outcome.summary);
    assert!(
        outcome.summary.contains("cdata ]]> end"),
        "{}",
        outcome.summary
    );
    assert_eq!(outcome.long_output.len(), 1, "{:?}", outcome.long_output);
    assert!(
        outcome.long_output[0].contains("next"),
        "{:?}",
        outcome.long_output
    );
    let labels: Vec<&str> = outcome.perfdata.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["bytes"]);
    assert_eq!(outcome.perfdata[0].value, Some(42.0));
    assert_eq!(outcome.perfdata[0].uom, "B");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_fail_then_pass_reports_each_attempt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("count");
    let state_arg = state.display().to_string();
    let spec = spec(&fixture("fail_then_pass"), &[&state_arg, "2"]);
    let first = nagios::run(&spec, &ctx(CancellationToken::new())).await;
    let second = nagios::run(&spec, &ctx(CancellationToken::new())).await;
    assert_eq!(first.state, State::Critical);
    assert_eq!(first.summary.trim_end(), "CRITICAL - attempt 1 of 2 fails");
    assert_eq!(second.state, State::Ok);
    assert_eq!(second.summary.trim_end(), "OK - passed on attempt 2");
    assert_eq!(second.perfdata.first().and_then(|p| p.value), Some(2.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_sleep1_is_ok_with_perfdata() {
    let started = Instant::now();
    let outcome = nagios::run(
        &spec(&fixture("sleep1"), &[]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(outcome.state, State::Ok);
    assert_eq!(outcome.summary.trim_end(), "OK - slept 1s");
    assert_eq!(outcome.perfdata.len(), 1);
    assert_eq!(outcome.perfdata[0].label, "slept");
    assert_eq!(outcome.perfdata[0].value, Some(1.0));
    assert_eq!(outcome.perfdata[0].uom, "s");
}

// ---------------------------------------------------------------------------------------------
// nagios probe — stop, leak, flood

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_stopped_plugin_is_unknown_and_keeps_its_output() {
    let reaper = Reaper::new();
    let stop = CancellationToken::new();
    cancel_after(&stop, STOP_AFTER);
    let started = Instant::now();
    let outcome = nagios::run(
        &marked_spec(&fixture("hang"), &[], reaper.marker()),
        &ctx(stop),
    )
    .await;
    let elapsed = started.elapsed();
    eprintln!("nagios hang stopped after {elapsed:?}");
    assert!(elapsed >= STOP_AFTER && elapsed < HANG_GUARD, "{elapsed:?}");
    assert_eq!(outcome.state, State::Unknown);
    assert_eq!(outcome.summary.trim_end(), "OK - hang fixture started");
    assert_eq!(
        evidence(&outcome, "exit"),
        Some("killed by signal 15 (SIGTERM)")
    );
    assert_none_left(reaper.marker()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_leaked_grandchild_is_reported_as_evidence() {
    let reaper = Reaper::new();
    let started = Instant::now();
    let outcome = nagios::run(
        &marked_spec(&fixture("grandchild_holds_stdout"), &[], reaper.marker()),
        &ctx(CancellationToken::new()),
    )
    .await;
    let elapsed = started.elapsed();
    assert!(elapsed < HANG_GUARD, "{elapsed:?}");
    assert_eq!(outcome.state, State::Ok);
    assert_eq!(outcome.summary, "OK - parent done");
    assert!(
        evidence(&outcome, "leftover process").is_some(),
        "{outcome:?}"
    );
    assert_none_left(reaper.marker()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_flood_is_truncated_with_a_note() {
    let outcome = nagios::run(
        &spec(&fixture("flood"), &[]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(outcome.state, State::Ok);
    assert_eq!(outcome.summary, "OK - flooding");
    let note = evidence(&outcome, "stdout truncated").expect("truncation evidence");
    assert_eq!(
        note,
        format!(
            "kept the first {CAPTURE} bytes, dropped {} more",
            100_000_014 - CAPTURE
        )
    );
}

// ---------------------------------------------------------------------------------------------
// nagios probe — real Debian plugins

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_check_tcp_against_a_listening_port_is_ok() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port().to_string();
    let outcome = nagios::run(
        &spec(&plugin("check_tcp"), &["-H", "127.0.0.1", "-p", &port]),
        &ctx(CancellationToken::new()),
    )
    .await;
    drop(listener);
    assert_eq!(outcome.state, State::Ok, "{outcome:?}");
    assert!(outcome.summary.starts_with("TCP OK"), "{}", outcome.summary);
    assert!(
        outcome.summary.contains(&format!("port {port}")),
        "{}",
        outcome.summary
    );
    let time = outcome
        .perfdata
        .iter()
        .find(|p| p.label == "time")
        .expect("time perfdata");
    assert_eq!(time.uom, "s");
    assert!(
        time.value.is_some_and(|v| (0.0..10.0).contains(&v)),
        "{time:?}"
    );
    assert_eq!((time.min, time.max), (Some(0.0), Some(10.0)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_check_tcp_against_a_closed_port_is_critical() {
    // Bind to learn a free port, then close it: nothing listens there any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind")
        .port()
        .to_string();
    let outcome = nagios::run(
        &spec(&plugin("check_tcp"), &["-H", "127.0.0.1", "-p", &port]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(outcome.state, State::Critical, "{outcome:?}");
    assert!(
        outcome.summary.contains("Connection refused"),
        "{}",
        outcome.summary
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn nagios_check_procs_counts_a_marked_process() {
    let reaper = Reaper::new();
    let marker = reaper.marker().to_string();
    // `sh -c 'sleep 300; :'` stays a shell (two commands), so its command line keeps the marker.
    let holder = spawn("/bin/sh", &["-c", "sleep 300; :", &marker], &marker);
    let stop = CancellationToken::new();
    let task = {
        let stop = stop.clone();
        tokio::spawn(async move {
            process::run(&holder, limits(Duration::from_millis(500)), &stop).await
        })
    };
    wait_for_process_with(&marker).await;

    let present = nagios::run(
        &spec(
            &plugin("check_procs"),
            &["-w", "1:1", "-c", "1:", "-a", &marker],
        ),
        &ctx(CancellationToken::new()),
    )
    .await;
    stop.cancel();
    let holder = task.await.expect("join").expect("holder ran");
    assert!(holder.stopped);
    assert_none_left(&marker).await;

    assert_eq!(present.state, State::Ok, "{present:?}");
    let procs = present
        .perfdata
        .iter()
        .find(|p| p.label == "procs")
        .expect("procs perfdata");
    assert_eq!(procs.value, Some(1.0));
    assert_eq!(procs.warn.as_deref(), Some("1:1"));
    assert_eq!(procs.crit.as_deref(), Some("1:"));
    assert_eq!(procs.min, Some(0.0));

    let absent = nagios::run(
        &spec(&plugin("check_procs"), &["-c", "1:", "-a", &marker]),
        &ctx(CancellationToken::new()),
    )
    .await;
    assert_eq!(absent.state, State::Critical, "{absent:?}");
    assert_eq!(
        absent.perfdata.first().map(|p| (p.label.as_str(), p.value)),
        Some(("procs", Some(0.0)))
    );
}

/// A child starts as std's spawn would start it: no signal blocked, SIGPIPE at its default
/// (smokegate ignores it; a plugin's pipeline must end on it), stdin /dev/null, its own process
/// group, the variables given over the environment, a bare name looked up in `$PATH`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_starts_with_default_signals_its_own_group_and_its_environment() {
    let stop = CancellationToken::new();
    let script = "grep -E '^Sig(Blk|Ign):' /proc/self/status; \
                  test \"$(ps -o pgid= -p $$ | tr -d ' ')\" = \"$$\" && echo own-group; \
                  readlink /proc/self/fd/0; echo \"marker=$SMOKEGATE_TEST_MARKER\"; \
                  yes | head -n 1";
    let spawn = spawn("sh", &["-c", script], "m-42");
    let (finished, _) = run_ok(&spawn, Limits::default(), &stop).await;
    assert_eq!(
        finished.exit,
        Exit::Code(0),
        "{}",
        text(&finished.stderr.head)
    );
    let out = text(&finished.stdout.head);
    let ignored = out
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .map(str::trim)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .expect("SigIgn");
    assert_eq!(ignored & (1 << (libc::SIGPIPE - 1)), 0, "{out}");
    assert!(out.contains("SigBlk:\t0000000000000000\n"), "{out}");
    assert!(
        out.contains("own-group\n/dev/null\nmarker=m-42\ny\n"),
        "{out}"
    );
    // `yes` ended on SIGPIPE, silently; with it ignored it would say "Broken pipe".
    assert_eq!(text(&finished.stderr.head), "");
}

/// A program that cannot be executed is the spawn's error, as std's spawn gives it; nothing is
/// left behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_that_cannot_run_is_a_spawn_error() {
    let stop = CancellationToken::new();
    let missing = spawn("/nonexistent/check_x", &[], "unused");
    let err = process::run(&missing, Limits::default(), &stop)
        .await
        .expect_err("no such program");
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    let not_executable = spawn(fixture("README.md"), &[], "unused");
    let err = process::run(&not_executable, Limits::default(), &stop)
        .await
        .expect_err("not executable");
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied, "{err}");
    let bare = spawn("no-such-program-anywhere", &[], "unused");
    let err = process::run(&bare, Limits::default(), &stop)
        .await
        .expect_err("not in PATH");
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}
