//! One verdict per check, decided by the gate: a broken deploy that `--baseline`, `--gate new`,
//! `--soak` and `needs` once let pass now fails; a baseline is judged under this run's policy;
//! fingerprints are of what runs, not where it is written; every report says what the gate
//! decided, within Nagios' 8 KiB.

use crate::baseline::{stateful, with_states};
use crate::harness::*;
use crate::soak::scripted;

/// The first run's JSON report, as a baseline for the next.
fn baseline_of(sg: Smokegate, args: &[&str], code: i32) -> String {
    let mut all = vec!["run", "--json", "pre.json"];
    all.extend(args);
    let out = sg.args(&all).run();
    out.code(code);
    out.read("pre.json")
}

/// A check's entry in a JSON report.
fn entry(json: &serde_json::Value, name: &str) -> serde_json::Value {
    json["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_baseline_failure_is_judged_under_this_runs_fail_on() {
    // WARNING failed the baseline's gate (`--fail-on warning`); CRITICAL now, under the default
    // policy, where WARNING passes: web did not fail before, so this is a new failure.
    let pre = baseline_of(
        with_states(Smokegate::new().suite(&stateful("web")), &[("web", 1)]),
        &["--fail-on", "warning"],
        1,
    );
    let after = || {
        with_states(
            Smokegate::new()
                .suite(&stateful("web"))
                .file("pre.json", &pre),
            &[("web", 2)],
        )
    };
    let out = after()
        .args(&[
            "run",
            "--color",
            "never",
            "--baseline",
            "pre.json",
            "--gate",
            "new",
            "--json",
            "post.json",
        ])
        .run();
    out.code(1);
    assert_eq!(
        entry(&out.json("post.json"), "web")["baseline"],
        "new failure"
    );
    assert!(
        out.stdout
            .contains("gate FAILED: 1 of 1 checks fail the gate with a new failure"),
        "{}",
        out.stdout
    );
    let nagios = after()
        .args(&["nagios", "--baseline", "pre.json", "--gate", "new"])
        .run();
    nagios.code(2);
    assert!(
        nagios
            .stdout
            .starts_with("SMOKEGATE CRITICAL - 1/1 checks failing: web"),
        "{}",
        nagios.stdout
    );
}

#[test]
fn a_pass_on_a_retry_is_no_past_failure_without_fail_on_flaky() {
    // Passed on its second attempt: a failure of the baseline's `--fail-on-flaky` gate, a pass
    // under this run's policy. CRITICAL now is new.
    let suite = format!("{}retries = 1\nretry_delay = \"10ms\"\n", scripted("api"));
    let pre = baseline_of(
        Smokegate::new().suite(&suite).file("api.states", "2\n0\n"),
        &["--fail-on-flaky"],
        1,
    );
    let out = Smokegate::new()
        .suite(&suite)
        .file("api.states", "2\n")
        .file("pre.json", &pre)
        .args(&[
            "run",
            "--baseline",
            "pre.json",
            "--gate",
            "new",
            "--json",
            "post.json",
        ])
        .run();
    out.code(1);
    let api = entry(&out.json("post.json"), "api");
    assert_eq!(
        (&api["baseline"], &api["disposition"]),
        (&"new failure".into(), &"failed".into()),
        "{api}"
    );
}

#[test]
fn a_soak_fails_on_a_check_that_newly_flaps_between_passing_states() {
    // OK in the baseline; over the soak OK and WARNING by turns: it passes every run, flaps,
    // and the flapping is new.
    let pre = baseline_of(
        Smokegate::new()
            .suite(&scripted("web"))
            .file("web.states", "0\n"),
        &[],
        0,
    );
    let out = Smokegate::new()
        .suite(&scripted("web"))
        .file("web.states", "0\n1\n0\n1\n0\n1\n0\n1\n")
        .file("pre.json", &pre)
        .args(&[
            "run",
            "--color",
            "never",
            "--soak-count",
            "8",
            "--every",
            "0",
            "--baseline",
            "pre.json",
            "--gate",
            "new",
            "--json",
            "post.json",
            "--summary",
            "summary.md",
            "--junit",
            "post.xml",
        ])
        .run();
    out.code(1);
    let web = entry(&out.json("post.json"), "web");
    assert_eq!(web["baseline"], "new failure", "{web}");
    assert_eq!(web["fails_gate"], true, "{web}");
    assert!(
        web["soak"]["fails_because"]
            .as_str()
            .is_some_and(|w| w.contains("flapped")),
        "{web}"
    );
    // Nothing was retried: it is not called flaky anywhere.
    assert!(!out.stdout.contains("FLAKY"), "{}", out.stdout);
    let summary = out.read("summary.md");
    assert!(summary.contains("fails the soak: flapped"), "{summary}");
    let junit = out.read("post.xml");
    assert!(
        junit.contains("name=\"smokegate.soak.fails_because\" value=\"flapped"),
        "{junit}"
    );
}

#[test]
fn a_soak_under_gate_new_does_not_stop_on_a_failure_it_does_not_count() {
    // api fails in the baseline and in every run: still failing, not counted. web breaks on the
    // third run: the soak must have gone on to see it.
    let suite = [scripted("api"), scripted("web")].concat();
    let pre = baseline_of(
        Smokegate::new()
            .suite(&suite)
            .file("api.states", "2\n")
            .file("web.states", "0\n"),
        &[],
        1,
    );
    let out = Smokegate::new()
        .suite(&suite)
        .file("api.states", "2\n")
        .file("web.states", "0\n0\n2\n0\n")
        .file("pre.json", &pre)
        .args(&[
            "run",
            "--color",
            "never",
            "--soak-count",
            "4",
            "--every",
            "0",
            "--baseline",
            "pre.json",
            "--gate",
            "new",
            "--json",
            "post.json",
        ])
        .run();
    out.code(1);
    let json = out.json("post.json");
    assert_eq!(json["verdict"]["failing"], serde_json::json!(["web"]));
    assert_eq!(entry(&json, "api")["disposition"], "not_counted");
    assert_eq!(json["soak"]["runs"], 3, "stopped once web could not pass");

    // With nothing new failing, the soak runs to its end and passes.
    let quiet = Smokegate::new()
        .suite(&suite)
        .file("api.states", "2\n")
        .file("web.states", "0\n")
        .file("pre.json", &pre)
        .args(&[
            "run",
            "--soak-count",
            "3",
            "--every",
            "0",
            "--baseline",
            "pre.json",
            "--gate",
            "new",
            "--json",
            "post.json",
        ])
        .run();
    quiet.code(0);
    assert_eq!(quiet.json("post.json")["soak"]["runs"], 3);
}

#[test]
fn a_check_that_never_ran_in_a_whole_soak_fails_it() {
    // db fails every run, within `--soak-failures 3`; app needs it, so app never runs.
    let suite = format!(
        "{}{}needs = [\"db\"]\n",
        check("db", "{ command = \"check_dummy 2 'db down'\" }"),
        check("app", "{ command = \"check_dummy 0 'app fine'\" }")
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&[
            "run",
            "--color",
            "never",
            "--soak-count",
            "3",
            "--every",
            "0",
            "--soak-failures",
            "3",
            "--json",
            "post.json",
        ])
        .run();
    out.code(1);
    let json = out.json("post.json");
    let app = entry(&json, "app");
    assert_eq!(app["disposition"], "not_run", "{app}");
    assert_eq!(app["soak"]["not_run"], 3, "{app}");
    assert_eq!(entry(&json, "db")["disposition"], "tolerated");
    assert!(
        out.stdout.contains("never ran: skipped in all 3 runs"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_deadline_bounds_the_whole_soak() {
    let out = Smokegate::new()
        .suite(&check("steady", "{ command = \"check_dummy 0 fine\" }"))
        .args(&[
            "run",
            "--color",
            "never",
            "--soak-count",
            "1000",
            "--every",
            "100ms",
            "--deadline",
            "1s",
            "--json",
            "post.json",
        ])
        .run();
    out.code(1);
    let json = out.json("post.json");
    assert_eq!(json["verdict"]["cancelled"], "deadline", "{json}");
    let runs = json["soak"]["runs"].as_u64().unwrap_or(0);
    assert!((1..1000).contains(&runs), "{runs} runs");
    assert!(
        json["soak"]["stopped_early"]
            .as_str()
            .is_some_and(|s| s.contains("--deadline")),
        "{json}"
    );
}

/// A failing feature scenario and a failing http check with headers and retries.
fn placed(feature: &str) -> Smokegate {
    let http = "[[check]]\nname = \"api\"\nretries = 1\nretry_delay = \"10ms\"\n\
                http = { url = \"http://127.0.0.1:1/health\", response_headers = { \"x-a\" = \"1\", \"x-b\" = \"2\" } }\n";
    Smokegate::new()
        .suite(http)
        .file("checks/features/shop.feature", feature)
}

const SHOP: &str =
    "Feature: Shop\n  Scenario: home\n    When I go to \"http://127.0.0.1:1/\"\n    Then I should see \"Welcome\"\n";

#[test]
fn fingerprints_are_of_what_runs_not_where_it_is_written() {
    let first = placed(SHOP);
    let suite = first.dir().join("checks").display().to_string();
    let out = first.args(&["run", &suite, "--json", "pre.json"]).run();
    out.code(1);
    let pre = out.read("pre.json");

    // Another checkout path, the suite named relatively, a comment line above the scenario.
    let second = placed(&format!("# moved down a line\n{SHOP}")).file("pre.json", &pre);
    let out = second
        .args(&[
            "run",
            "checks",
            "--baseline",
            "pre.json",
            "--json",
            "post.json",
        ])
        .run();
    out.code(1);
    let json = out.json("post.json");
    for name in ["api", "Shop / home"] {
        assert_eq!(
            entry(&json, name)["baseline"],
            "still failing",
            "{name}: {json}"
        );
    }
    let before: serde_json::Value = serde_json::from_str(&pre).unwrap_or_default();
    for name in ["api", "Shop / home"] {
        assert_eq!(
            entry(&before, name)["fingerprint"],
            entry(&json, name)["fingerprint"],
            "{name}"
        );
    }
}

#[test]
fn a_state_change_that_passes_is_shown_not_unchanged() {
    let pre = baseline_of(
        with_states(Smokegate::new().suite(&stateful("disk")), &[("disk", 0)]),
        &[],
        0,
    );
    let out = with_states(
        Smokegate::new()
            .suite(&stateful("disk"))
            .file("pre.json", &pre),
        &[("disk", 1)],
    )
    .args(&[
        "run",
        "--color",
        "never",
        "--baseline",
        "pre.json",
        "--json",
        "post.json",
    ])
    .run();
    out.code(0);
    assert_eq!(
        entry(&out.json("post.json"), "disk")["baseline"],
        "state changed"
    );
    assert!(
        out.stdout
            .contains("  passes, state changed: disk (was OK, now WARNING)\n"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("1 unchanged"), "{}", out.stdout);
}

#[test]
fn nagios_output_with_a_baseline_stays_within_what_nagios_keeps() {
    let long = "x".repeat(70);
    let now: String = (0..60)
        .map(|i| {
            check(
                &format!("{long}{i}"),
                &format!("{{ command = \"check_dummy 2 '{}'\" }}", "y".repeat(300)),
            )
        })
        .collect();
    let pre = baseline_of(Smokegate::new().suite(&now), &[], 1);
    // The baseline had 200 more checks with long names, gone now.
    let mut json: serde_json::Value = serde_json::from_str(&pre).unwrap_or_default();
    let template = json["checks"][0].clone();
    if let Some(checks) = json["checks"].as_array_mut() {
        for i in 0..200 {
            let mut gone = template.clone();
            gone["name"] = format!("gone-{long}-{i}").into();
            checks.push(gone);
        }
    }
    let out = Smokegate::new()
        .suite(&now)
        .file("pre.json", &json.to_string())
        .args(&["nagios", "--baseline", "pre.json"])
        .run();
    out.code(2);
    assert!(out.stdout.len() <= 8000, "{} bytes", out.stdout.len());
    assert!(out.stdout.contains("gone since "), "{}", out.stdout);
}

#[test]
fn names_and_labels_from_a_baseline_file_are_escaped_on_the_terminal() {
    let pre = baseline_of(
        Smokegate::new().suite(&check("web", "{ command = \"check_dummy 0 fine\" }")),
        &["--label", "version=1"],
        0,
    );
    let mut json: serde_json::Value = serde_json::from_str(&pre).unwrap_or_default();
    json["labels"]["version"] = "1\u{1b}[2J\u{202e}evil\r".into();
    let mut gone = json["checks"][0].clone();
    gone["name"] = "old\u{1b}]0;title\u{7}\u{202e}".into();
    if let Some(checks) = json["checks"].as_array_mut() {
        checks.push(gone);
    }
    let out = Smokegate::new()
        .suite(&check("web", "{ command = \"check_dummy 0 fine\" }"))
        .file("pre.json", &json.to_string())
        .args(&["run", "--color", "never", "--baseline", "pre.json"])
        .run();
    out.code(0);
    for bad in ['\u{1b}', '\r', '\u{202e}', '\u{7}'] {
        assert!(!out.stdout.contains(bad), "{bad:?} in {:?}", out.stdout);
    }
    assert!(out.stdout.contains("gone: old"), "{}", out.stdout);
}

#[test]
fn each_soak_progress_line_gives_that_runs_result() {
    let out = Smokegate::new()
        .suite(&scripted("web"))
        .file("web.states", "0\n2\n0\n")
        .args(&[
            "run",
            "--color",
            "never",
            "--soak-count",
            "3",
            "--every",
            "0",
            "--soak-failures",
            "1",
        ])
        .run();
    out.code(0);
    let line = |n: u32| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(&format!("soak run {n} at ")))
            .map(|l| l.split_once(": ").map_or("", |(_, rest)| rest).to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        line(2),
        "web CRITICAL; so far: web (1 failure)",
        "{}",
        out.stdout
    );
    assert_eq!(
        line(3),
        "1 check passed; so far: web (1 failure)",
        "{}",
        out.stdout
    );
}
