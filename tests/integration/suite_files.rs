//! What a suite path may lead to, and what loading it must never do: walk a symlink loop
//! forever, block on a FIFO, read `/dev/zero` until memory runs out, read a file twice, hide one
//! error behind another, or echo a 200 KB line. Every run here has a hang guard.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;

const CHECK: &str = "[[check]]\nname = \"a\"\nnagios = { command = \"check_dummy 0 fine\" }\n";

/// Runs the binary in `dir` with a 20 s hang guard: exit code, stdout, stderr.
fn bounded(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out_path = dir.join(".stdout");
    let err_path = dir.join(".stderr");
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    let code = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status.code().unwrap_or(-1);
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("smokegate {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap_or_default();
    (code, read(&out_path), read(&err_path))
}

fn suite_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("checks")).expect("checks");
    std::fs::write(dir.path().join("checks/a.toml"), CHECK).expect("suite");
    dir
}

#[test]
fn symlink_loops_in_a_suite_folder_are_named_not_walked() {
    let dir = suite_dir();
    std::os::unix::fs::symlink(".", dir.path().join("checks/loop1")).expect("symlink");
    std::os::unix::fs::symlink(".", dir.path().join("checks/loop2")).expect("symlink");
    let (code, _, stderr) = bounded(dir.path(), &["validate", "checks"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: symlink loop: leads back to checks\n --> checks/loop1\n\n\
         error: symlink loop: leads back to checks\n --> checks/loop2\n\n\
         error: the suite has 2 errors; nothing ran\n"
    );
}

#[test]
fn fifos_devices_and_huge_files_are_refused() {
    let dir = suite_dir();
    let fifo = dir.path().join("checks/x.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let (code, _, stderr) = bounded(dir.path(), &["validate", "checks"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: not a regular file (a FIFO)\n --> checks/x.toml\n"),
        "{stderr}"
    );
    let (code, _, stderr) = bounded(dir.path(), &["validate", "checks/x.toml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error: cannot read suite file: not a regular file (a FIFO)\n --> checks/x.toml\n"
        ),
        "{stderr}"
    );
    let (code, _, stderr) = bounded(dir.path(), &["validate", "/dev/zero"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error: cannot read suite file: not a regular file (a character device)\n --> /dev/zero\n"
        ),
        "{stderr}"
    );
    std::fs::remove_file(&fifo).expect("rm fifo");
    let big = std::fs::File::create(dir.path().join("checks/big.toml")).expect("big");
    big.set_len(17 * 1024 * 1024).expect("sparse 17 MiB");
    let (code, _, stderr) = bounded(dir.path(), &["validate", "checks"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: cannot read suite file: 17825792 bytes, more than the 16 MiB a file may have here\n --> checks/big.toml\n"),
        "{stderr}"
    );
}

#[test]
fn a_file_named_twice_is_read_once() {
    let dir = suite_dir();
    let (code, stdout, stderr) = bounded(
        dir.path(),
        &["validate", "checks/a.toml", "checks/a.toml", "checks"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "ok: 1 check selected from 1 suite file\n");
}

#[test]
fn every_independent_error_is_reported_in_one_pass() {
    // The duplicate name belongs to a check that also has an unknown var: both are reported,
    // with the error in another check, in one run of validate.
    let dir = suite_dir();
    std::fs::write(
        dir.path().join("checks/b.toml"),
        "[[check]]\nname = \"a\"\nnagios = { command = \"check_dummy {{nope}}\" }\n\n\
         [[check]]\nname = \"c\"\ntimeout = \"soon\"\nnagios = { command = \"check_dummy 0\" }\n",
    )
    .expect("suite");
    let (code, _, stderr) = bounded(dir.path(), &["validate", "checks"]);
    assert_eq!(code, 2);
    for expected in [
        "error: unknown variable `nope`: this file has no [vars]\n --> checks/b.toml:3:35",
        "error: invalid duration `soon` for `timeout`",
        "error: duplicate check name `a`\n --> checks/b.toml:2:8",
        "error: the suite has 3 errors; nothing ran",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in\n{stderr}"
        );
    }
}

#[test]
fn a_parse_error_on_a_huge_line_shows_a_window_of_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let line = format!("x = \"{}\" oops\n", "a".repeat(200_000));
    std::fs::write(dir.path().join("s.toml"), line).expect("suite");
    let (code, _, stderr) = bounded(dir.path(), &["validate", "s.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.len() < 1000, "{} bytes of error", stderr.len());
    assert!(stderr.contains(" --> s.toml:1:200008"), "{stderr}");
    assert!(stderr.contains("...aaa"), "{stderr}");
}

#[test]
fn vars_nest_and_self_references_say_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("s.toml"),
        "[[check]]\nname = \"nested\"\nnagios = { command = \"check_dummy 0 ${SMOKEGATE_NOPE_1:-${SMOKEGATE_NOPE_2:-deep}}\" }\n",
    )
    .expect("suite");
    let (code, _, stderr) = bounded(dir.path(), &["run", "s.toml", "--json", "r.json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).expect("r.json"))
            .expect("json");
    assert_eq!(json["checks"][0]["summary"], "OK: deep");

    std::fs::write(
        dir.path().join("s.toml"),
        "[vars]\na = \"{{a}}\"\n\n[[check]]\nname = \"x\"\nnagios = { command = \"check_dummy 0\" }\n",
    )
    .expect("suite");
    let (code, _, stderr) = bounded(dir.path(), &["validate", "s.toml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: variable `a` refers to itself\n --> s.toml:2:6"),
        "{stderr}"
    );
}
