//! The process ends when the verdict is known: nothing the run started (a blocking DNS lookup on
//! a resolver that never answers) keeps a deploy script, or Nagios, waiting after the answer.

use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;

/// Runs `smokegate ARGS` in its own mount namespace whose /etc/resolv.conf names a resolver that
/// receives queries and never answers (a UDP socket on `ip`:53 held by this test; each test
/// has its own loopback address).
/// Returns the exit code, stdout and how long the process lived; `None` if it outlived `guard`.
fn with_silent_resolver(
    ip: &str,
    dir: &std::path::Path,
    args: &[&str],
    guard: Duration,
) -> Option<(i32, String, Duration)> {
    let silent = UdpSocket::bind((ip, 53)).expect("bind port 53 on loopback (tests run as root)");
    let resolv = dir.join("resolv.conf");
    // glibc would give up after timeout x attempts per query: 60 s x 3, far past every bound here.
    std::fs::write(
        &resolv,
        format!("nameserver {ip}\noptions timeout:30 attempts:3\n"),
    )
    .expect("resolv.conf");
    let script = format!(
        "mount --bind {} /etc/resolv.conf && exec {BIN} \"$@\"",
        resolv.display()
    );
    let started = Instant::now();
    let mut child = Command::new("unshare")
        .args([
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            &script,
            "smokegate",
        ])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("unshare");
    let code = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status.code();
        }
        if started.elapsed() > guard {
            let _ = child.kill();
            let _ = child.wait();
            drop(silent);
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let lived = started.elapsed();
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        use std::io::Read;
        let _ = out.read_to_string(&mut stdout);
    }
    drop(silent);
    Some((code.unwrap_or(-1), stdout, lived))
}

#[test]
fn a_dns_lookup_that_never_answers_does_not_hold_the_process() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("suite.toml"),
        "[[check]]\nname = \"resolves\"\ntimeout = \"1s\"\ndns = { name = \"app.smokegate-test.example\" }\n",
    )
    .expect("suite");
    // The check times out after 1 s; the process must end right after its verdict, not when
    // the resolver thread gives up (3 minutes). 10 s is a hang guard, not a speed target.
    let run = with_silent_resolver(
        "127.0.0.1",
        dir.path(),
        &["run", "suite.toml", "--color", "never"],
        Duration::from_secs(10),
    );
    let (code, stdout, _) = run.expect("smokegate run outlived its verdict by more than 9 s");
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("timed out after 1s"), "{stdout}");
    assert!(stdout.contains("gate FAILED"), "{stdout}");
}

#[test]
fn nagios_mode_meets_its_timeout_with_a_silent_resolver() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("suite.toml"),
        "[[check]]\nname = \"resolves\"\ntimeout = \"30s\"\ndns = { name = \"app.smokegate-test.example\" }\n",
    )
    .expect("suite");
    // `-t 3`: Nagios kills the plugin at 3 s and loses the answer. Only here is time the
    // behaviour under test: the answer must come inside the plugin timeout (guard: 3 s).
    let run = with_silent_resolver(
        "127.0.0.2",
        dir.path(),
        &["nagios", "-t", "3", "suite.toml"],
        Duration::from_secs(15),
    );
    let (code, stdout, lived) = run.expect("smokegate nagios hung");
    assert!(
        lived < Duration::from_secs(3),
        "answered after {lived:?}: past -t 3\n{stdout}"
    );
    // The check had not answered when the run stopped: UNKNOWN, never OK.
    assert_eq!(code, 3, "{stdout}");
    assert!(
        stdout.starts_with("SMOKEGATE UNKNOWN - 1/1 checks failing: resolves"),
        "{stdout}"
    );
}
