//! Retries: every attempt is recorded and the last one decides.

use crate::harness::*;

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

/// A check that fails once, then passes: flaky.
fn flaky_suite(counter: &std::path::Path) -> String {
    format!(
        "[[check]]\nname = \"comes up late\"\nretries = 1\nretry_delay = \"10ms\"\n\
         nagios = {{ plugin = \"${{FIXTURES}}/fail_then_pass\", args = [\"{}\", \"2\"] }}\n\n\
         [[check]]\nname = \"steady\"\nnagios = {{ command = \"check_dummy 0 fine\" }}\n",
        counter.display()
    )
}

#[test]
fn a_flaky_pass_is_said_where_ci_readers_look_and_fails_the_gate_only_when_asked() {
    let state = tempfile::tempdir().expect("tmp");
    let out = Smokegate::new()
        .suite(&flaky_suite(&state.path().join("count")))
        .args(&["run", "--junit", "r.xml", "--color", "never"])
        .run();
    out.code(0);
    let report = quick_junit::Report::deserialize_from_str(&out.read("r.xml")).expect("JUnit");
    let case = &report.test_suites[0].test_cases[0];
    assert!(
        matches!(&case.status, quick_junit::TestCaseStatus::Success { flaky_runs } if flaky_runs.len() == 1)
    );
    let flaky = case
        .properties
        .iter()
        .find(|p| p.name.as_str() == "smokegate.flaky")
        .map(|p| p.value.as_str());
    assert_eq!(flaky, Some("true"));
    let system_out = case
        .system_out
        .as_ref()
        .map(|s| s.as_str())
        .unwrap_or_default();
    assert!(
        system_out.contains("flaky: passed on attempt 2 (attempt 1: "),
        "{system_out}"
    );

    let strict_state = tempfile::tempdir().expect("tmp");
    let strict = Smokegate::new()
        .suite(&flaky_suite(&strict_state.path().join("count")))
        .args(&[
            "run",
            "--fail-on-flaky",
            "--junit",
            "r.xml",
            "--color",
            "never",
        ])
        .run();
    strict.code(1);
    assert!(
        strict
            .stdout
            .contains("FLAKY    comes up late (fails the gate, --fail-on-flaky)\n"),
        "{}",
        strict.stdout
    );
    assert!(
        strict
            .stdout
            .contains("gate FAILED: 1 of 2 checks fail the gate (2 ok, 1 passed only on a retry)"),
        "{}",
        strict.stdout
    );
    let report = quick_junit::Report::deserialize_from_str(&strict.read("r.xml")).expect("JUnit");
    match &report.test_suites[0].test_cases[0].status {
        quick_junit::TestCaseStatus::NonSuccess { message, ty, .. } => {
            assert!(
                message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("flaky: passed on attempt 2 (attempt 1: ")),
                "{message:?}"
            );
            assert_eq!(ty.as_deref(), Some("FLAKY"));
        }
        other => panic!("{other:?}"),
    }

    let nagios_state = tempfile::tempdir().expect("tmp");
    let nagios = Smokegate::new()
        .suite(&flaky_suite(&nagios_state.path().join("count")))
        .args(&["nagios", "--fail-on-flaky"])
        .run();
    nagios.code(1);
    assert!(
        nagios
            .stdout
            .starts_with("SMOKEGATE WARNING - 1/2 checks failing: comes up late |"),
        "{}",
        nagios.stdout
    );
    // Its own line says why, as the terminal does: not `OK`.
    assert!(
        nagios
            .stdout
            .contains("\nFLAKY: comes up late - flaky: passed on attempt 2 (attempt 1: "),
        "{}",
        nagios.stdout
    );
    let summary_state = tempfile::tempdir().expect("tmp");
    let summary = Smokegate::new()
        .suite(&flaky_suite(&summary_state.path().join("count")))
        .args(&["run", "--fail-on-flaky", "--summary", "s.md"])
        .run();
    summary.code(1);
    let md = summary.read("s.md");
    assert!(
        md.contains("| ❌ | FLAKY | comes up late | fails the gate, --fail-on-flaky | flaky: passed on attempt 2 (attempt 1: "),
        "{md}"
    );
}
