//! Where reports go: the path as given (a device stays a device, a symlink's target is written),
//! never two reports on one file, the umask respected, a missing folder made, and a report that
//! cannot be written fails the gate with the reason on the verdict line.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};

use crate::harness::*;

const SUITE: &str = "[[check]]\nname = \"ok\"\nnagios = { command = \"check_dummy 0 fine\" }\n";

#[test]
fn a_device_is_written_in_place_never_replaced() {
    let out = Smokegate::new()
        .suite(SUITE)
        .args(&["run", "--junit", "/dev/null", "--color", "never"])
        .run();
    out.code(0);
    let meta = std::fs::metadata("/dev/null").expect("/dev/null");
    assert!(meta.file_type().is_char_device(), "/dev/null was replaced");
}

#[test]
fn a_symlinked_report_writes_its_target_and_keeps_the_link() {
    let gate = Smokegate::new().suite(SUITE);
    std::os::unix::fs::symlink("archive/real.xml", gate.dir().join("link.xml")).expect("symlink");
    let out = gate.args(&["run", "--junit", "link.xml"]).run();
    out.code(0);
    let link = out.dir.path().join("link.xml");
    assert!(std::fs::symlink_metadata(&link)
        .expect("link")
        .file_type()
        .is_symlink());
    let real = out.read("archive/real.xml");
    assert!(real.contains("<testsuites"), "{real}");
}

#[test]
fn two_reports_on_one_file_are_a_usage_error_and_nothing_runs() {
    let out = Smokegate::new()
        .suite("[[check]]\nname = \"marks\"\nexec = { command = \"touch ran\" }\n")
        .args(&["run", "--junit", "r", "--json", "./r"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr.trim(),
        "error: --junit and --json name the same file ./r: each report needs its own"
    );
    assert!(!out.dir.path().join("ran").exists(), "a check ran");
}

#[test]
fn reports_respect_the_umask_and_get_their_folder_made() {
    let gate = Smokegate::new().suite(SUITE);
    let dir = gate.dir().to_path_buf();
    let status = std::process::Command::new("sh")
        .args([
            "-c",
            &format!("umask 022 && exec {BIN} run --json out/deep/r.json --junit out/r.xml"),
        ])
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run");
    assert_eq!(status.code(), Some(0));
    for report in ["out/deep/r.json", "out/r.xml"] {
        let mode = std::fs::metadata(dir.join(report))
            .expect("report written")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "{report}: {mode:o}");
    }
}

#[test]
fn a_report_that_cannot_be_written_fails_the_gate_and_says_why() {
    // /dev/full takes the open and refuses every byte (ENOSPC): the checks pass, the record
    // is lost, and the verdict line must say so.
    let out = Smokegate::new()
        .suite(SUITE)
        .args(&["run", "--json", "/dev/full", "--color", "never"])
        .run();
    out.code(1);
    let verdict = out.stdout.lines().last().unwrap_or_default();
    assert!(
        verdict.starts_with(
            "gate FAILED: the JSON report could not be written to /dev/full: No space left on device"
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("gate PASSED"), "{}", out.stdout);
}
