//! `smokegate run` end to end: parallelism, timeouts, retries, the deadline, signals, the gate's
//! policy, real Debian plugins and hostile fixture plugins; and that nothing is left running.

use std::time::Duration;

use crate::harness::*;

fn check(name: &str, probe: &str) -> String {
    format!("[[check]]\nname = \"{name}\"\nnagios = {probe}\n\n")
}

/// The most attempts that were running at the same moment, from the JSON report's attempt
/// start offsets and durations.
fn max_overlap(json: &serde_json::Value) -> usize {
    let mut edges = Vec::new();
    for check in json["checks"].as_array().into_iter().flatten() {
        for a in check["attempts"].as_array().into_iter().flatten() {
            let start = a["started_s"].as_f64().unwrap_or(0.0);
            // The report rounds both figures to the millisecond: an attempt that started as
            // another ended may seem to overlap it by one or two.
            let end = start + a["duration_s"].as_f64().unwrap_or(0.0) - 0.0025;
            edges.push((start, 1i32));
            edges.push((end, -1i32));
        }
    }
    // At equal times an end comes before a start: touching is not overlapping.
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i32, 0i32);
    for (_, delta) in edges {
        now += delta;
        most = most.max(now);
    }
    usize::try_from(most).unwrap_or(0)
}

#[test]
fn twenty_plugins_at_j20_all_run_at_once() {
    let suite: String = (0..20)
        .map(|i| {
            check(
                &format!("sleeper {i:02}"),
                "{ plugin = \"${FIXTURES}/sleep1\" }",
            )
        })
        .collect();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "-j", "20", "--json", "r.json"])
        .run();
    out.code(0);
    let json = out.json("r.json");
    assert_eq!(json["verdict"]["ok"], 20);
    assert_eq!(max_overlap(&json), 20, "{json}");
}

#[test]
fn jobs_bound_the_parallelism() {
    let suite: String = (0..4)
        .map(|i| {
            check(
                &format!("sleeper {i}"),
                "{ plugin = \"${FIXTURES}/sleep1\" }",
            )
        })
        .collect();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "-j", "2", "--json", "r.json"])
        .run();
    out.code(0);
    assert_eq!(max_overlap(&out.json("r.json")), 2);
}

#[test]
fn states_and_the_default_policy() {
    let suite = [
        check("ok", "{ command = \"check_dummy 0 fine\" }"),
        check("warn", "{ command = \"check_dummy 1 'a bit slow'\" }"),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--color", "never"])
        .run();
    out.code(0);
    assert!(
        out.stdout
            .contains("gate PASSED: 0 of 2 checks fail the gate (1 ok, 1 warning)"),
        "{}",
        out.stdout
    );

    let strict = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--fail-on", "warning"])
        .run();
    strict.code(1);
    assert!(
        strict
            .stdout
            .contains("gate FAILED: 1 of 2 checks fail the gate"),
        "{}",
        strict.stdout
    );
}

#[test]
fn critical_and_unknown_fail_the_gate_optional_never_does() {
    for (probe, code) in [
        ("{ command = \"check_dummy 2 down\" }", 1),
        ("{ command = \"check_dummy 3 unsure\" }", 1),
        ("{ plugin = \"${FIXTURES}/exit42\" }", 1),
    ] {
        let out = Smokegate::new()
            .suite(&check("c", probe))
            .args(&["run"])
            .run();
        out.code(code);
    }
    let optional = "[[check]]\nname = \"nice to have\"\noptional = true\nnagios = { command = \"check_dummy 2 down\" }\n\n";
    let out = Smokegate::new()
        .suite(&[optional, &check("fine", "{ command = \"check_dummy 0\" }")].concat())
        .args(&["run", "--color", "never"])
        .run();
    out.code(0);
    assert!(
        out.stdout.contains("CRITICAL nice to have (optional)"),
        "{}",
        out.stdout
    );
}

#[test]
fn hostile_plugins_map_to_unknown_with_the_reason() {
    let suite = [
        check("exit 42", "{ plugin = \"${FIXTURES}/exit42\" }"),
        check("signal", "{ plugin = \"${FIXTURES}/die_by_signal\" }"),
        check(
            "not executable",
            "{ plugin = \"${FIXTURES}/not_executable\" }",
        ),
        check(
            "not found in shell",
            "{ command = \"/bin/sh -c 'no_such_command_smk'\" }",
        ),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let summary = |i: usize| {
        json["checks"][i]["summary"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    for i in 0..4 {
        assert_eq!(
            json["checks"][i]["state"],
            "UNKNOWN",
            "check {i}: {}",
            summary(i)
        );
    }
    assert!(summary(0).starts_with("exit code 42"), "{}", summary(0));
    assert!(summary(1).starts_with("killed by signal"), "{}", summary(1));
    assert!(summary(2).starts_with("exit code 126"), "{}", summary(2));
    assert!(summary(3).starts_with("exit code 127"), "{}", summary(3));
}

#[test]
fn a_hung_plugin_costs_its_timeout_plus_grace_and_leaves_nothing() {
    let marker = marker("hang");
    let suite = "[[check]]\nname = \"hangs\"\ntimeout = \"500ms\"\nnagios = { plugin = \"${FIXTURES}/hang\" }\n\n\
                 [[check]]\nname = \"ignores TERM\"\ntimeout = \"500ms\"\nnagios = { plugin = \"${FIXTURES}/ignore_term\" }\n";
    let out = Smokegate::new()
        .suite(suite)
        .marked(&marker)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    // 500 ms timeout + 1 s grace for the one that ignores SIGTERM, in parallel; the guard only
    // turns a hang (the plugins sleep 300 s) into a failure.
    assert!(
        out.elapsed >= Duration::from_millis(1400) && out.elapsed < Duration::from_secs(30),
        "took {:?}",
        out.elapsed
    );
    let json = out.json("r.json");
    for i in 0..2 {
        assert_eq!(json["checks"][i]["state"], "UNKNOWN");
        assert_eq!(json["checks"][i]["summary"], "timed out after 500ms");
    }
    // The one that obeys SIGTERM ended before the one that needed SIGKILL after the grace.
    let duration = |i: usize| json["checks"][i]["duration_s"].as_f64().unwrap_or(99.0);
    assert!(duration(0) < duration(1), "{json}");
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

#[test]
fn a_grandchild_holding_stdout_does_not_hold_the_check() {
    let marker = marker("grandchild");
    let out = Smokegate::new()
        .suite(&check(
            "daemonizes badly",
            "{ plugin = \"${FIXTURES}/grandchild_holds_stdout\" }",
        ))
        .marked(&marker)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(0);
    // The grandchild sleeps 300 s holding stdout: a guard against waiting for it.
    assert!(
        out.elapsed < Duration::from_secs(30),
        "took {:?}",
        out.elapsed
    );
    let json = out.json("r.json");
    assert_eq!(json["checks"][0]["summary"], "OK - parent done");
    let evidence = json["checks"][0]["evidence"].to_string();
    assert!(evidence.contains("leftover process"), "{evidence}");
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

#[test]
fn a_flood_of_output_is_bounded() {
    let out = Smokegate::new()
        .suite(&check("floods", "{ plugin = \"${FIXTURES}/flood\" }"))
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(0);
    let json = out.json("r.json");
    let evidence = json["checks"][0]["evidence"].to_string();
    assert!(evidence.contains("stdout truncated"), "{evidence}");
    assert!(
        evidence.contains("kept the first 65536 bytes"),
        "{evidence}"
    );
    assert!(
        out.read("r.json").len() < 1_000_000,
        "the report carries the head only"
    );
}

#[test]
fn retries_record_every_attempt_and_the_last_decides() {
    let state = tempfile::tempdir().expect("tmp");
    let counter = state.path().join("count");
    let suite = format!(
        "[[check]]\nname = \"comes up late\"\nretries = 3\nretry_delay = \"100ms\"\n\
         nagios = {{ plugin = \"${{FIXTURES}}/fail_then_pass\", args = [\"{}\", \"3\"] }}\n\n\
         [[check]]\nname = \"never comes up\"\nretries = 2\nretry_delay = \"50ms\"\n\
         nagios = {{ command = \"check_dummy 2 down\" }}\n",
        counter.display()
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json", "--color", "never"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let late = &json["checks"][0];
    assert_eq!(late["state"], "OK");
    assert_eq!(late["flaky"], true);
    let states: Vec<&str> = late["attempts"].as_array().map_or(vec![], |a| {
        a.iter().filter_map(|x| x["state"].as_str()).collect()
    });
    assert_eq!(states, ["CRITICAL", "CRITICAL", "OK"]);
    let never = &json["checks"][1];
    assert_eq!(never["attempts"].as_array().map(Vec::len), Some(3));
    assert_eq!(never["state"], "CRITICAL");
    assert!(out.stdout.contains("RETRY"), "{}", out.stdout);
    assert!(
        out.stdout.contains("(flaky: passed on attempt 3)"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_deadline_stops_the_run_and_unstarted_checks_are_not_run() {
    let suite: String = (0..4)
        .map(|i| {
            check(
                &format!("sleeper {i}"),
                "{ plugin = \"${FIXTURES}/sleep1\" }",
            )
        })
        .collect();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&[
            "run",
            "-j",
            "1",
            "--deadline",
            "1500ms",
            "--json",
            "r.json",
            "--junit",
            "r.xml",
        ])
        .run();
    out.code(1);
    assert!(
        out.elapsed < Duration::from_millis(3500),
        "took {:?}",
        out.elapsed
    );
    let json = out.json("r.json");
    assert_eq!(json["verdict"]["cancelled"], "deadline");
    assert_eq!(json["checks"][0]["state"], "OK");
    assert_eq!(json["checks"][1]["state"], "UNKNOWN");
    assert!(json["checks"][1]["summary"]
        .as_str()
        .unwrap_or("")
        .starts_with("stopped at the run's deadline"));
    for i in 2..4 {
        assert_eq!(json["checks"][i]["not_run"], "deadline");
    }
    assert_eq!(out.read("r.xml").matches("<skipped").count(), 2);
}

#[test]
fn sigint_stops_children_writes_reports_and_exits_130() {
    let marker = marker("sigint");
    let suite = [
        check("hangs a", "{ plugin = \"${FIXTURES}/hang\" }"),
        check("hangs b", "{ plugin = \"${FIXTURES}/ignore_term\" }"),
        check("waits", "{ command = \"check_dummy 0\" }"),
    ]
    .concat();
    let (mut child, dir) = Smokegate::new()
        .suite(&suite)
        .marked(&marker)
        .args(&["run", "-j", "2", "--json", "r.json", "--junit", "r.xml"])
        .spawn();
    // Give the run time to start both hanging checks.
    std::thread::sleep(Duration::from_millis(700));
    // SAFETY: plain kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let status = wait_bounded(&mut child, Duration::from_secs(5));
    assert_eq!(status, Some(130));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("r.json")).expect("json written"),
    )
    .expect("valid");
    assert_eq!(json["verdict"]["cancelled"], "interrupt");
    assert!(json["checks"][0]["summary"]
        .as_str()
        .unwrap_or("")
        .starts_with("interrupted after"));
    assert_eq!(json["checks"][2]["not_run"], "interrupted");
    assert!(dir.path().join("r.xml").exists());
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

fn wait_bounded(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    None
}

#[test]
fn real_plugins_against_loopback() {
    let open = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let open_port = open.local_addr().expect("addr").port();
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let http_port = http_server(200, "<h1>Welcome</h1>");
    let broken_port = http_server(500, "Traceback (most recent call last)");
    let suite = [
        check(
            "tcp open",
            &format!("{{ command = \"check_tcp -H 127.0.0.1 -p {open_port}\" }}"),
        ),
        check(
            "tcp closed",
            &format!("{{ command = \"check_tcp -H 127.0.0.1 -p {closed_port}\" }}"),
        ),
        check(
            "http ok",
            &format!("{{ command = \"check_http -H 127.0.0.1 -p {http_port} -u / -s Welcome\" }}"),
        ),
        check(
            "http 500",
            &format!("{{ command = \"check_http -H 127.0.0.1 -p {broken_port} -u /\" }}"),
        ),
        check("procs", "{ command = \"check_procs -w 1:100000 -c 1:\" }"),
        check("disk", "{ command = \"check_disk -w 1% -c 1% -p /\" }"),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let states: Vec<&str> = (0..6)
        .map(|i| json["checks"][i]["state"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        states,
        ["OK", "CRITICAL", "OK", "CRITICAL", "OK", "OK"],
        "{json:#}"
    );
    assert_eq!(json["checks"][0]["perfdata"][0]["label"], "time");
    assert_eq!(json["checks"][0]["perfdata"][0]["uom"], "s");
    assert!(
        json["checks"][3]["summary"]
            .as_str()
            .unwrap_or("")
            .contains("500"),
        "{}",
        json["checks"][3]["summary"]
    );
    assert_eq!(
        json["verdict"]["failing"],
        serde_json::json!(["tcp closed", "http 500"])
    );
    drop(open);
}

#[test]
fn selection_by_tag_skip_tag_and_name() {
    let suite = "[defaults]\ntags = [\"all\"]\n\n\
        [[check]]\nname = \"web home\"\ntags = [\"web\"]\nnagios = { command = \"check_dummy 0\" }\n\n\
        [[check]]\nname = \"web admin\"\ntags = [\"web\", \"slow\"]\nnagios = { command = \"check_dummy 0\" }\n\n\
        [[check]]\nname = \"db ping\"\ntags = [\"db\"]\nnagios = { command = \"check_dummy 0\" }\n";
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list"];
        all.extend_from_slice(args);
        let out = Smokegate::new().suite(suite).args(&all).run();
        out.code(0);
        out.stdout
            .lines()
            .skip(1)
            .filter(|l| !l.ends_with(" checks"))
            .map(|l| l.split("  ").next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(names(&[]), ["web home", "web admin", "db ping"]);
    assert_eq!(names(&["--tag", "web"]), ["web home", "web admin"]);
    assert_eq!(
        names(&["--tag", "web", "--tag", "db"]),
        ["web home", "web admin", "db ping"]
    );
    assert_eq!(names(&["--tag", "web", "--skip-tag", "slow"]), ["web home"]);
    assert_eq!(names(&["--name", "web h*"]), ["web home"]);
    assert_eq!(
        names(&["--name", "*admin", "--name", "db*"]),
        ["web admin", "db ping"]
    );
}

#[test]
fn list_and_validate_show_the_suite() {
    let out = Smokegate::in_repo().args(&["list", "checks"]).run();
    out.code(0);
    insta::assert_snapshot!(out.stdout);
    let out = Smokegate::in_repo().args(&["validate", "checks"]).run();
    out.code(0);
    assert_eq!(out.stdout, "ok: 5 checks selected from 1 suite file\n");
}

#[test]
fn the_example_suite_passes_on_this_machine() {
    let out = Smokegate::in_repo()
        .args(&["run", "checks", "--color", "never"])
        .run();
    out.code(0);
    assert!(out.stdout.contains("gate PASSED"), "{}", out.stdout);
}

#[test]
fn version_and_help() {
    let out = Smokegate::new().args(&["--version"]).run();
    out.code(0);
    assert_eq!(
        out.stdout,
        format!("smokegate {}\n", env!("CARGO_PKG_VERSION"))
    );
    let out = Smokegate::new().args(&["run", "--help"]).run();
    out.code(0);
    assert!(out.stdout.contains("--fail-on <FAIL_ON>"), "{}", out.stdout);
}

#[test]
fn a_process_that_leaves_the_group_still_ends_with_the_run() {
    let marker = marker("setsid");
    let out = Smokegate::new()
        .suite(&check(
            "escapes its group",
            "{ plugin = \"${FIXTURES}/setsid_grandchild\" }",
        ))
        .marked(&marker)
        .args(&["run"])
        .run();
    out.code(0);
    assert!(
        out.elapsed < Duration::from_secs(3),
        "took {:?}",
        out.elapsed
    );
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

#[test]
fn durations_past_any_clock_are_refused_not_a_panic() {
    let suite = check("ok", "{ command = \"check_dummy 0\" }");
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--deadline", "500000000000y"])
        .run();
    out.code(2);
    assert!(
        out.stderr.contains(
            "invalid value '500000000000y' for '--deadline <DURATION>': must be at most 366 days"
        ),
        "{}",
        out.stderr
    );
    let out = Smokegate::new()
        .suite("[[check]]\nname = \"x\"\ntimeout = \"500000000000y\"\nnagios = { command = \"check_dummy 0\" }\n")
        .args(&["validate"])
        .run();
    out.code(2);
    assert!(
        out.stderr.contains("`timeout` must be at most 366 days")
            && out.stderr.contains("checks/suite.toml:3:11"),
        "{}",
        out.stderr
    );
}

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
