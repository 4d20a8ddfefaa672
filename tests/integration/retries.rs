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

fn attempts(json: &serde_json::Value, name: &str) -> Vec<String> {
    json["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == name)
        .and_then(|c| c["attempts"].as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x["state"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Retries repeat what another try may change — no answer, a 5xx, a slow answer, a plugin's
/// result — not a whole answer that is wrong (a test string on a page that answered 200, a
/// scenario's step on such a page); `retry_on = "any"` (on a check, in `[defaults]`, in an
/// import's `checks`, as a scenario's tag) retries those too.
#[test]
fn retries_repeat_what_another_try_may_change_and_retry_on_any_repeats_the_rest() {
    let page = http_server(
        200,
        "<html><body><p>Lorem ipsum test string</p></body></html>",
    );
    let down = http_server(503, "<html><body>Service Unavailable</body></html>");
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let feature = format!(
        "Feature: Shop\n  Scenario: home\n    Given I am on \"http://127.0.0.1:{page}/\"\n    Then I should see \"Welcome\"\n\n  \
         @retry_on:any\n  Scenario: home again\n    Given I am on \"http://127.0.0.1:{page}/\"\n    Then I should see \"Welcome\"\n"
    );
    let suite = format!(
        "[defaults]\nretries = 2\nretry_delay = \"10ms\"\n\n\
         [[check]]\nname = \"wrong page\"\nhttp = {{ url = \"http://127.0.0.1:{page}/\", body_has = [\"Welcome\"] }}\n\n\
         [[check]]\nname = \"wrong page, any\"\nretry_on = \"any\"\nhttp = {{ url = \"http://127.0.0.1:{page}/\", body_has = [\"Welcome\"] }}\n\n\
         [[check]]\nname = \"down\"\nhttp = {{ url = \"http://127.0.0.1:{down}/\" }}\n\n\
         [[check]]\nname = \"refused\"\nhttp = {{ url = \"http://127.0.0.1:{closed}/\" }}\n\n\
         [[check]]\nname = \"plugin\"\nnagios = {{ command = \"check_dummy 2 down\" }}\n\n\
         [import]\nfeatures = [\"shop.feature\"]\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .file("checks/shop.feature", &feature)
        .args(&["run", "--json", "r.json", "--color", "never"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let three = vec!["CRITICAL".to_string(); 3];
    assert_eq!(attempts(&json, "wrong page"), ["CRITICAL"]);
    assert_eq!(attempts(&json, "wrong page, any"), three);
    assert_eq!(attempts(&json, "down"), three);
    assert_eq!(attempts(&json, "refused"), three);
    assert_eq!(attempts(&json, "plugin"), three);
    assert_eq!(attempts(&json, "Shop / home"), ["CRITICAL"]);
    assert_eq!(attempts(&json, "Shop / home again"), three);
    assert!(
        out.stdout.contains(
            "not retried: the answer came whole and is wrong, so another try gets it again (retry_on = \"any\" retries it)"
        ),
        "{}",
        out.stdout
    );
    // `[defaults] retry_on = "any"` retries every check of the file.
    let any = suite.replace(
        "retry_delay = \"10ms\"\n",
        "retry_delay = \"10ms\"\nretry_on = \"any\"\n",
    );
    let out = Smokegate::new()
        .suite(&any)
        .file("checks/shop.feature", &feature)
        .args(&["run", "--json", "r.json", "--color", "never"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    assert_eq!(attempts(&json, "wrong page"), three);
    assert_eq!(attempts(&json, "Shop / home"), three);
}

#[test]
fn a_retry_on_that_is_neither_is_an_error_at_its_place() {
    let suite = "[[check]]\nname = \"a\"\nretry_on = \"always\"\nnagios = { command = \"check_dummy 0\" }\n";
    let out = Smokegate::new().suite(suite).args(&["validate"]).run();
    out.code(2);
    assert!(
        out.stderr.starts_with(
            "error: `retry_on` is `transient` or `any`, not `always`\n --> checks/suite.toml:3:12\n"
        ),
        "{}",
        out.stderr
    );
}
