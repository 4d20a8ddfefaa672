//! `--soak`: the selection again and again after the first run, with figures per check; the
//! gate fails on more failures than allowed, any UNKNOWN, or flapping, and stops as soon as it
//! can no longer pass; Ctrl-C ends it with a verdict over what ran.

use std::time::Duration;

use crate::harness::*;

/// An exec check that passes on even runs and fails on odd ones: it flaps on a schedule.
const FLAPPY: &str = "[[check]]\nname = \"flappy\"\nexec = { command = \"/bin/sh -c 'n=$(cat flappy.n 2>/dev/null || echo 0); n=$((n+1)); echo $n > flappy.n; test $((n % 2)) = 0'\" }\n\n";

/// A Nagios check whose state on run N is line N of `NAME.states` (then the last line again).
pub fn scripted(name: &str) -> String {
    format!(
        "[[check]]\nname = \"{name}\"\nnagios = {{ command = \"/bin/sh -c 'n=$(cat {name}.n 2>/dev/null || echo 0); n=$((n+1)); echo $n > {name}.n; s=$(sed -n \\\"$n p\\\" {name}.states); [ -n \\\"$s\\\" ] || s=$(tail -n 1 {name}.states); echo {name} run $n; exit $s'\" }}\n\n"
    )
}

fn steady() -> String {
    check("steady", "{ command = \"check_dummy 0 fine\" }")
}

#[test]
fn a_steady_soak_passes_with_figures_for_every_check() {
    let out = Smokegate::new()
        .suite(&steady())
        .args(&[
            "run",
            "--soak-count",
            "3",
            "--every",
            "0",
            "--json",
            "r.json",
            "--junit",
            "r.xml",
            "--color",
            "never",
        ])
        .run();
    out.code(0);
    assert!(out.stdout.contains("soak run 3 at "), "{}", out.stdout);
    assert!(out.stdout.contains("\nsoak: 3 runs in "), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("gate PASSED: 0 of 1 checks fail the soak (1 ok)"),
        "{}",
        out.stdout
    );
    let json = out.json("r.json");
    assert_eq!(json["soak"]["runs"], 3);
    assert_eq!(json["soak"]["stopped_early"], serde_json::Value::Null);
    let figures = &json["checks"][0]["soak"];
    assert_eq!(
        (
            &figures["runs"],
            &figures["failures"],
            &figures["unknowns"],
            &figures["state_changes"],
            &figures["flapped"]
        ),
        (
            &serde_json::json!(3),
            &serde_json::json!(0),
            &serde_json::json!(0),
            &serde_json::json!(0),
            &serde_json::json!(false)
        )
    );
    assert!(figures["p95_s"]
        .as_f64()
        .is_some_and(|p| p >= figures["p50_s"].as_f64().unwrap_or(f64::MAX)));
    let report = quick_junit::Report::deserialize_from_str(&out.read("r.xml")).expect("JUnit");
    let runs = report.test_suites[0].test_cases[0]
        .properties
        .iter()
        .find(|p| p.name.as_str() == "smokegate.soak.runs")
        .map(|p| p.value.as_str());
    assert_eq!(runs, Some("3"));
}

#[test]
fn a_check_that_flaps_fails_the_soak_and_stops_it_early() {
    let out = Smokegate::new()
        .suite(&[steady(), FLAPPY.to_string()].concat())
        .args(&[
            "run",
            "--soak-count",
            "20",
            "--every",
            "0",
            "--soak-failures",
            "10",
            "--json",
            "r.json",
            "--color",
            "never",
        ])
        .run();
    out.code(1);
    // Failing on runs 1, 3 and 5, the state-change weight passes 20% on run 5.
    assert!(
        out.stdout.contains("soak run 5 at ") && !out.stdout.contains("soak run 6 at "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("  stopped early: `flappy` flapped (up to 24% state change)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("CRITICAL flappy (fails the soak: flapped (up to 24% state change))"),
        "{}",
        out.stdout
    );
    let json = out.json("r.json");
    let flappy = &json["checks"][1]["soak"];
    assert_eq!(flappy["runs"], 5);
    assert_eq!(flappy["failures"], 3);
    assert_eq!(flappy["state_changes"], 4);
    assert_eq!(flappy["flapped"], true);
    assert_eq!(flappy["max_flap_percent"], 24.2);
    assert_eq!(json["verdict"]["failing"], serde_json::json!(["flappy"]));
}

#[test]
fn an_endpoint_that_flaps_on_a_schedule_is_caught_by_a_real_http_check() {
    // 200 for four requests, then 503 and 200 in turn: steady first, flapping after.
    let port = http_server_with(|n| if n < 3 || n % 2 == 1 { 200 } else { 503 }, "shop");
    let suite = format!(
        "[[check]]\nname = \"shop answers\"\nhttp = {{ url = \"http://127.0.0.1:{port}/\" }}\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&[
            "run",
            "--soak-count",
            "40",
            "--every",
            "0",
            "--soak-failures",
            "40",
            "--json",
            "r.json",
            "--color",
            "never",
        ])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let figures = &json["checks"][0]["soak"];
    assert_eq!(figures["flapped"], true, "{figures}");
    // Runs 5 and 7 fail: with the changes 4->5, 5->6, 6->7, 7->8 it is at 24% after run 8.
    assert_eq!(figures["runs"], 8, "{figures}");
    assert_eq!(figures["failures"], 2, "{figures}");
    assert_eq!(figures["state_changes"], 4, "{figures}");
    assert!(
        json["checks"][0]["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("HTTP CRITICAL: status 503")),
        "the last failure is kept: {}",
        json["checks"][0]
    );
}

#[test]
fn failures_count_against_the_allowance_unknown_never_does() {
    // Fails on run 1 only, then passes.
    let once = |sg: Smokegate| sg.suite(&scripted("late")).file("late.states", "2\n0\n");
    let allowed = once(Smokegate::new())
        .args(&[
            "run",
            "--soak-count",
            "3",
            "--every",
            "0",
            "--soak-failures",
            "1",
            "--color",
            "never",
        ])
        .run();
    allowed.code(0);
    assert!(allowed.stdout.contains("gate PASSED"), "{}", allowed.stdout);

    let strict = once(Smokegate::new())
        .args(&[
            "run",
            "--soak-count",
            "3",
            "--every",
            "0",
            "--color",
            "never",
        ])
        .run();
    strict.code(1);
    assert!(
        strict
            .stdout
            .contains("  stopped early: `late` failed 1 of 1 runs (0 allowed)\n"),
        "{}",
        strict.stdout
    );
    assert!(
        !strict.stdout.contains("soak run 2 at "),
        "{}",
        strict.stdout
    );

    // UNKNOWN on run 2: counted apart, and no allowance excuses it.
    let unknown = Smokegate::new()
        .suite(&scripted("plugin"))
        .file("plugin.states", "0\n3\n0\n")
        .args(&[
            "run",
            "--soak-count",
            "3",
            "--every",
            "0",
            "--soak-failures",
            "5",
            "--color",
            "never",
        ])
        .run();
    unknown.code(1);
    assert!(
        unknown
            .stdout
            .contains("stopped early: `plugin` UNKNOWN or not run in 1 of 2 runs"),
        "{}",
        unknown.stdout
    );
    assert!(
        unknown.stdout.contains("UNKNOWN  plugin (fails the soak: UNKNOWN or not run in 1 of 2 runs)\n    plugin run 2\n"),
        "the last failing run is the one shown: {}",
        unknown.stdout
    );
}

#[test]
fn the_window_bounds_when_runs_start() {
    // The next run would start after the window: one run only, and no waiting for it.
    let out = Smokegate::new()
        .suite(&steady())
        .args(&["run", "--soak", "2s", "--every", "1h", "--color", "never"])
        .run();
    out.code(0);
    assert!(out.stdout.contains("\nsoak: 1 run in "), "{}", out.stdout);
    assert!(
        out.elapsed < Duration::from_secs(60),
        "a hang guard: {:?}",
        out.elapsed
    );
    // A count ends a long window.
    let counted = Smokegate::new()
        .suite(&steady())
        .args(&[
            "run",
            "--soak",
            "1h",
            "--soak-count",
            "2",
            "--every",
            "0",
            "--color",
            "never",
        ])
        .run();
    counted.code(0);
    assert!(
        counted.stdout.contains("\nsoak: 2 runs in "),
        "{}",
        counted.stdout
    );
}

#[test]
fn ctrl_c_ends_a_soak_with_a_verdict_over_what_ran() {
    let marker = marker("soak-sigint");
    let (mut child, dir) = Smokegate::new()
        .suite(&scripted("ran"))
        .file("ran.states", "0\n")
        .marked(&marker)
        .args(&["run", "--soak", "3h", "--every", "1h", "--json", "r.json"])
        .spawn();
    // The first run has started once the check counted it (a hang guard bounds the wait).
    let counter = dir.path().join("ran.n");
    let start = std::time::Instant::now();
    while !counter.exists() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: plain kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let limit = std::time::Instant::now();
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status.code();
        }
        if limit.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status, Some(130), "interrupted, not left waiting an hour");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("r.json")).expect("json written"),
    )
    .expect("valid");
    assert_eq!(json["verdict"]["cancelled"], "interrupt");
    assert_eq!(json["soak"]["runs"], 1);
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}
