//! Nothing a check started outlives its run: not a daemonizing plugin's double fork, not what a
//! plugin or chromedriver started when smokegate is killed with SIGKILL, and a run's clean-up
//! never touches another run's children in the same process.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use smokegate::model::State;
use smokegate::probe::Shared;
use smokegate::runner::{self, RunOptions};

use crate::harness::*;

/// Waits (bounded: 20 s, a hang guard) until `ready` holds for the processes carrying `marker`.
fn wait_for(marker: &str, ready: impl Fn(&[String]) -> bool) -> Vec<String> {
    let start = Instant::now();
    loop {
        let found = processes_with(marker);
        if ready(&found) || start.elapsed() > Duration::from_secs(20) {
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_daemonizing_plugin_ends_with_the_run() {
    // setsid sh -c "sleep 3131 & wait" &: the session leader is adopted and killed, and its own
    // child must not escape to PID 1.
    let marker = marker("doublefork");
    let out = Smokegate::new()
        .suite(
            "[[check]]\nname = \"daemonizes\"\nnagios = { plugin = \"${FIXTURES}/double_fork\" }\n",
        )
        .marked(&marker)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(0);
    assert_eq!(
        out.json("r.json")["checks"][0]["summary"],
        "OK - started a daemon"
    );
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

#[test]
fn a_sigkill_of_smokegate_leaves_no_check_process_and_no_browser() {
    // A page that never answers: the connection is accepted by the kernel, never served.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let marker = marker("sigkill");
    let suite = format!(
        "[[check]]\nname = \"tree\"\ntimeout = \"60s\"\nnagios = {{ plugin = \"${{FIXTURES}}/spawn_tree\" }}\n\n\
         [[check]]\nname = \"page\"\ntimeout = \"60s\"\nbrowser = {{ steps = [{{ open = \"http://127.0.0.1:{port}/\" }}] }}\n"
    );
    let (mut child, _dir) = Smokegate::new()
        .suite(&suite)
        .marked(&marker)
        .args(&["run"])
        .spawn();
    // The plugin's tree (in and out of its group), chromedriver, and Chromium itself.
    // Debian's /usr/bin/chromium is a launcher script; the browser is what it starts.
    let browser = |f: &String| f.contains("/usr/lib/chromium/chromium");
    let all_up = |found: &[String]| {
        ["sleep 3132", "sleep 3133", "sleep 3134", "chromedriver"]
            .iter()
            .all(|p| found.iter().any(|f| f.contains(p)))
            && found.iter().any(browser)
    };
    let running = wait_for(&marker, all_up);
    assert!(all_up(&running), "the checks did not start: {running:#?}");
    child.kill().expect("SIGKILL smokegate");
    child.wait().expect("reap smokegate");
    assert_eq!(leftovers(&marker), Vec::<String>::new());
    drop(silent);
}

#[test]
fn a_sigkill_of_smokegate_run_by_a_user_without_cgroups_leaves_no_check_process() {
    // The `nagios` user, a CI runner's, a container's: no cgroup can be made, so the plugin's
    // group and what left it must still end with smokegate. Run as `nobody` (from root), from
    // copies only that user can reach.
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let open = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    open(dir.path(), 0o777);
    let bin = dir.path().join("smokegate");
    std::fs::copy(BIN, &bin).expect("copy the binary");
    let tree = dir.path().join("spawn_tree");
    std::fs::copy(plugin("spawn_tree"), &tree).expect("copy the plugin");
    open(&bin, 0o755);
    open(&tree, 0o755);
    let marker = marker("nocgroup");
    let suite = dir.path().join("suite.toml");
    std::fs::write(
        &suite,
        format!(
            "[[check]]\nname = \"tree\"\ntimeout = \"60s\"\nnagios = {{ command = \"{}\" }}\n",
            tree.display()
        ),
    )
    .expect("suite");
    open(&suite, 0o644);
    // SAFETY: geteuid only reads this process's user id.
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let mut cmd = std::process::Command::new("setpriv");
        cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .arg(&bin);
        cmd
    } else {
        std::process::Command::new(&bin)
    };
    let mut child = cmd
        .arg("run")
        .arg(&suite)
        .current_dir(dir.path())
        .env("SMOKEGATE_TEST_MARKER", &marker)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start smokegate");
    let all_up = |found: &[String]| {
        ["sleep 3132", "sleep 3133", "sleep 3134"]
            .iter()
            .all(|p| found.iter().any(|f| f.contains(p)))
    };
    let running = wait_for(&marker, all_up);
    assert!(all_up(&running), "the check did not start: {running:#?}");
    child.kill().expect("SIGKILL smokegate");
    child.wait().expect("reap smokegate");
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

/// A run of `suite` (a suite text) in this process, with its own shared resources.
async fn run_suite(name: &str, suite: &str) -> smokegate::model::RunRecord {
    let loaded = smokegate::config::load_text(std::path::Path::new(name), suite, &|_| None)
        .and_then(|suite| suite.select(&|_, _| true))
        .expect("suite loads");
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let opts = RunOptions {
        handle_signals: false,
        ..RunOptions::default()
    };
    runner::run(loaded.checks, opts, Arc::new(Shared::default()), tx).await
}

fn marked(marker: &str, command: &str) -> String {
    format!("/usr/bin/env SMOKEGATE_TEST_MARKER={marker} {command}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runs_in_one_process_end_only_their_own_children() {
    let double_fork = plugin("double_fork");
    let (a, b) = (marker("runa"), marker("runb"));
    let gate = tempfile::tempdir().expect("tmp");
    let open = gate.path().join("open");
    // Run B: a daemonizing plugin, and one that waits until this test opens the gate.
    let b_suite = format!(
        "[[check]]\nname = \"b daemon\"\nnagios = {{ command = \"{}\" }}\n\n\
         [[check]]\nname = \"b waits\"\ntimeout = \"60s\"\nnagios = {{ command = \"{}\" }}\n",
        marked(&b, &double_fork),
        marked(
            &format!("{b}-waiter"),
            &format!(
                "/bin/sh -c 'for i in $(seq 600); do [ -e {} ] && echo OK - opened && exit 0; sleep 0.05; done; exit 2'",
                open.display()
            )
        ),
    );
    let run_b = tokio::spawn(async move { run_suite("b.toml", &b_suite).await });
    let b_daemon = wait_for(&b, |found| found.iter().any(|p| p.contains("sleep 3131")));
    assert!(!b_daemon.is_empty(), "run B's daemon did not start");

    // Run A, with its own daemon, starts and ends while B is running.
    let a_suite = format!(
        "[[check]]\nname = \"a daemon\"\nnagios = {{ command = \"{}\" }}\n",
        marked(&a, &double_fork)
    );
    let record_a = run_suite("a.toml", &a_suite).await;
    assert_eq!(record_a.results[0].state(), State::Ok);
    assert_eq!(
        leftovers(&a),
        Vec::<String>::new(),
        "run A's daemon outlived run A"
    );
    assert!(
        processes_with(&b).iter().any(|p| p.contains("sleep 3131")),
        "run A's end killed run B's daemon"
    );
    assert!(
        !processes_with(&format!("{b}-waiter")).is_empty(),
        "run A's end killed run B's running check"
    );

    std::fs::write(&open, "").expect("open the gate");
    let record_b = tokio::time::timeout(Duration::from_secs(60), run_b)
        .await
        .expect("run B ends")
        .expect("run B's task");
    for result in &record_b.results {
        assert_eq!(
            result.state(),
            State::Ok,
            "{}: {}",
            result.check.name,
            result.summary()
        );
    }
    assert_eq!(
        leftovers(&b),
        Vec::<String>::new(),
        "run B's daemon outlived run B"
    );
}
