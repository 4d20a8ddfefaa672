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

#[test]
fn reports_written_before_another_is_lost_say_the_gate_failed() {
    // The JSON and Markdown reports are written before the HTML one, which cannot be.
    let out = Smokegate::new()
        .suite(SUITE)
        .args(&[
            "run",
            "--json",
            "r.json",
            "--summary",
            "s.md",
            "--html",
            "/dev/full",
            "--color",
            "never",
        ])
        .run();
    out.code(1);
    let json = out.json("r.json");
    assert_eq!(json["verdict"]["passed"], false, "{json}");
    assert_eq!(json["verdict"]["exit_code"], 1, "{json}");
    assert!(
        json["verdict"]["problems"][0]
            .as_str()
            .is_some_and(|p| p.starts_with("the HTML report could not be written to /dev/full")),
        "{json}"
    );
    let md = out.read("s.md");
    assert!(md.starts_with("### smokegate: ❌ gate FAILED"), "{md}");
    assert!(
        md.contains("**the HTML report could not be written"),
        "{md}"
    );
}

#[test]
fn a_fifo_no_process_reads_fails_the_gate_instead_of_hanging() {
    // Opening a FIFO for writing waits for a reader: with none, smokegate would never end.
    let dir = tempfile::tempdir().expect("tmp");
    let fifo = dir.path().join("junit.xml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let path = fifo.display().to_string();
    let out = Smokegate::new()
        .suite(SUITE)
        .args(&["run", "--junit", &path, "--color", "never"])
        .run();
    out.code(1);
    let verdict = out.stdout.lines().last().unwrap_or_default();
    assert!(
        verdict.starts_with(&format!(
            "gate FAILED: the JUnit report could not be written to {path}: a FIFO that no process is reading"
        )),
        "{}",
        out.stdout
    );
    // With a reader, it is written in place.
    let reader = std::thread::spawn({
        let fifo = fifo.clone();
        move || std::fs::read_to_string(fifo).expect("read fifo")
    });
    // The reader opens first: retry the run until it has (bounded).
    let mut written = None;
    for _ in 0..50 {
        let out = Smokegate::new()
            .suite(SUITE)
            .args(&["run", "--junit", &path, "--color", "never"])
            .run();
        if out.code == 0 {
            written = Some(out);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(written.is_some(), "never written with a reader");
    let xml = reader.join().expect("reader");
    assert!(xml.contains("<testsuites"), "{xml}");
}

#[test]
fn dev_stdout_into_a_pipe_is_written_in_place() {
    // The harness reads stdout through a pipe: /dev/stdout leads to `pipe:[N]`, no path.
    let out = Smokegate::new()
        .suite(SUITE)
        .args(&["run", "--json", "/dev/stdout", "-q", "--color", "never"])
        .run();
    out.code(0);
    assert!(out.stdout.contains("\"format_version\""), "{}", out.stdout);
}
