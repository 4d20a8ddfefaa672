//! What a run keeps of what checks print: bounded in memory and in every report, however much they print.

use crate::harness::*;

#[test]
fn two_thousand_noisy_checks_stay_bounded_in_memory_and_reports() {
    // Each check prints 64 KiB. Unbounded, this run held 1.4 GB and wrote a 395 MB JSON report.
    let mut suite = format!(
        "[defaults]\nplugin_dirs = [\"{}\"]\n\n",
        plugin("").trim_end_matches('/')
    );
    for i in 0..2000 {
        suite.push_str(&format!(
            "[[check]]\nname = \"noisy {i}\"\nnagios = {{ plugin = \"noisy_64k\" }}\n\n"
        ));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("suite.toml"), &suite).expect("suite");
    // Reaped below by wait4, which also gives its peak RSS.
    #[allow(clippy::zombie_processes)]
    let child = std::process::Command::new(BIN)
        .args(["run", "suite.toml", "--json", "r.json", "--junit", "r.xml"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn smokegate");
    let dir = dir.path();
    let pid = i32::try_from(child.id()).expect("pid");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child, with valid pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    assert_eq!(libc::WEXITSTATUS(status), 1);
    let peak_mb = usage.ru_maxrss / 1024;
    assert!(peak_mb < 300, "peak RSS {peak_mb} MB");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).expect("json"))
            .expect("valid JSON");
    let checks = json["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 2000);
    assert!(checks.iter().all(|c| c["state"] == "CRITICAL"));
    for report in ["r.json", "r.xml"] {
        let size = std::fs::metadata(dir.join(report)).expect("report").len();
        assert!(size < 100 * 1024 * 1024, "{report}: {size} bytes");
    }
}

#[test]
fn max_output_bounds_what_a_check_keeps() {
    let out = Smokegate::new()
        .suite(&check("noisy", "{ plugin = \"${FIXTURES}/noisy_64k\" }"))
        .args(&["run", "--max-output", "4KiB", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let lines = json["checks"][0]["long_output"]
        .as_array()
        .expect("long output");
    let kept: usize = lines.iter().filter_map(|l| l.as_str()).map(str::len).sum();
    assert!(kept <= 4096, "{kept} bytes kept");
    assert_eq!(
        lines.first().and_then(|l| l.as_str()),
        Some("x".repeat(63).as_str())
    );
    assert!(
        lines.iter().any(|l| l
            .as_str()
            .is_some_and(|l| l.contains("lines (") && l.contains("bytes) cut"))),
        "{lines:?}"
    );
    let bad = Smokegate::new()
        .suite(&check("noisy", "{ plugin = \"${FIXTURES}/noisy_64k\" }"))
        .args(&["run", "--max-output", "10"])
        .run();
    bad.code(2);
    assert!(
        bad.stderr.contains("must be between 1KiB and 64MiB"),
        "{}",
        bad.stderr
    );
}
