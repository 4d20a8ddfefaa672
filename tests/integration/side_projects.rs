//! Selenium IDE projects as the IDE saved them over the years (formats 1.0, 1.1, 2.0 and 3.x),
//! control flow, and each family of commands, run in headless Chromium against the loopback test
//! app: passing, and failing with their exact messages.

use crate::browser_checks::{result, webapp};
use crate::harness::*;

fn fixture(name: &str) -> String {
    repo()
        .join("fixtures/side")
        .join(name)
        .display()
        .to_string()
}

/// Runs every test of the given projects (`file`, suites) against the test app; the JSON report.
fn run(test: &str, imports: &[(&str, &[&str])], code: i32) -> serde_json::Value {
    let port = webapp();
    let marker = marker(test);
    let entries: Vec<String> = imports
        .iter()
        .map(|(file, suites)| {
            let suites: Vec<String> = suites.iter().map(|s| format!("\"{s}\"")).collect();
            format!(
                "{{ file = \"{}\", suites = [{}], base_url = \"http://127.0.0.1:{port}\" }}",
                fixture(file),
                suites.join(", ")
            )
        })
        .collect();
    let suite = format!(
        "[browser]\nsessions = 2\nimplicit_wait = \"2s\"\n\n[defaults]\ntimeout = \"40s\"\n\n\
         [import]\nside = [{}]\n",
        entries.join(", ")
    );
    let out = Smokegate::new()
        .suite(&suite)
        .marked(&marker)
        .args(&["run", "--json", "r.json"])
        .run();
    assert_eq!(out.code, code, "{}", out.stderr);
    let json = out.json("r.json");
    assert_eq!(leftovers(&marker), Vec::<String>::new(), "no browser left");
    json
}

fn assert_ok(json: &serde_json::Value, names: &[&str]) {
    for name in names {
        let r = result(json, name);
        assert_eq!(
            r["state"], "OK",
            "{name}: {} {}",
            r["summary"], r["long_output"]
        );
    }
}

fn summary(json: &serde_json::Value, name: &str) -> String {
    result(json, name)["summary"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn side_every_format_version_runs() {
    let json = run(
        "sideformats",
        &[
            ("format-1.0.side", &["smoke"]),
            ("format-1.1.side", &["smoke"]),
            ("format-2.0.side", &["smoke"]),
            ("format-3.0.side", &["smoke"]),
        ],
        0,
    );
    assert_ok(&json, &["home 1.0", "log in", "popup", "home 3.0"]);
    assert_eq!(json["checks"].as_array().map(Vec::len), Some(4));
}

#[test]
fn side_control_flow_runs_as_in_the_ide() {
    let json = run("sideflow", &[("flow.side", &["pass", "fail"])], 1);
    assert_ok(&json, &["branches", "loops", "runs another"]);
    assert_eq!(
        summary(&json, "runaway"),
        "BROWSER CRITICAL - step 2 `while | true | 50`: expected the loop to end within its limit of 50 iterations, found it still running (a larger limit goes in the command's value)"
    );
    let bad = summary(&json, "bad condition");
    assert!(
        bad.starts_with("BROWSER CRITICAL - step 2 `if | nosuchthing > 1`: expected a condition that evaluates, found an error: ")
            && bad.contains("nosuchthing is not defined"),
        "{bad}"
    );
}

#[test]
fn side_command_families_pass_and_fail_with_their_messages() {
    let json = run("sidecommands", &[("commands.side", &["pass", "fail"])], 1);
    assert_ok(
        &json,
        &["variables", "mouse", "forms", "dialogs", "windows"],
    );
    for (name, message) in [
        ("wrong alert", "step 3 `assertAlert | Deleted`: expected an alert \"Deleted\", found an alert \"Saved\""),
        ("no dialog", "step 2 `assertConfirmation | Delete it?`: expected a confirmation \"Delete it?\", found none after 2s"),
        ("wrong variable", "step 2 `verify | user | bob`: expected `user` to be \"bob\", found \"alice\""),
        ("no window", "step 2 `click | css=h1`: expected a new window, found none after 500ms"),
        ("not editable", "step 2 `editContent | id=plain | x`: expected a content-editable element, found one that is not"),
        ("wrong label", "step 2 `assertSelectedLabel | id=size | Small`: expected selected label \"Small\", found \"Large\""),
        ("rejected", "step 2 `executeAsyncScript | return Promise.reject(new Error('nope')) | x`: expected the script's promise to resolve, found it rejected: Error: nope"),
    ] {
        assert_eq!(summary(&json, name), format!("BROWSER CRITICAL - {message}"), "{name}");
    }
    // verify goes on: the assert after it failed too.
    assert_eq!(
        result(&json, "wrong variable")["long_output"],
        serde_json::json!([
            "also: step 3 `assert | nobody | x`: expected a variable `nobody`, found none stored"
        ])
    );
}

#[test]
fn side_unbalanced_blocks_are_load_errors() {
    let bad = r#"{"id": "p", "version": "2.0", "name": "bad", "url": "http://127.0.0.1:1",
      "tests": [{"id": "t", "name": "loop", "commands": [
        {"id": "1", "comment": "", "command": "open", "target": "/", "targets": [], "value": ""},
        {"id": "2", "comment": "", "command": "while", "target": "true", "targets": [], "value": ""},
        {"id": "3", "comment": "", "command": "echo", "target": "x", "targets": [], "value": ""}
      ]}], "suites": [], "urls": [], "plugins": []}"#;
    let out = Smokegate::new()
        .file("bad.side", bad)
        .suite("[import]\nside = [{ file = \"../bad.side\" }]\n")
        .args(&["validate"])
        .run();
    out.code(2);
    assert!(
        out.stderr
            .contains("bad.side: test `loop`, command 2 (`while`): `while` has no matching `end`"),
        "{}",
        out.stderr
    );
}

#[test]
fn side_control_flow_in_toml_steps_is_checked_at_load() {
    let out = Smokegate::new()
        .suite(
            "[[check]]\nname = \"loop\"\nbrowser = { steps = [\n  { open = \"about:blank\" },\n  { while = \"true\" },\n] }\n",
        )
        .args(&["validate"])
        .run();
    out.code(2);
    assert!(
        out.stderr
            .contains("error: `while` has no matching `end`\n --> checks/suite.toml:5:3"),
        "{}",
        out.stderr
    );
}

/// Selenium IDE 4 answers the dialog that is open (`acceptAlert`, `dismissConfirmation`,
/// `answerPrompt`...) after asserting it, and records fractional coordinates.
#[test]
fn side_ide4_dialog_commands_answer_the_open_dialog() {
    let json = run("sideide4", &[("ide4-dialogs.side", &["dialogs"])], 0);
    assert_ok(
        &json,
        &[
            "alert accepted",
            "confirmation dismissed",
            "confirmation accepted",
            "prompt answered",
            "prompt dismissed",
        ],
    );
}

/// `run | ${var}`: the test to run is named at run time, as the IDE allows.
#[test]
fn side_run_names_its_test_by_a_variable() {
    let json = run("siderunvar", &[("run-by-variable.side", &["run"])], 1);
    assert_ok(&json, &["outer"]);
    let missing = summary(&json, "names a missing test");
    assert!(
        missing.ends_with(
            "expected `the test `run` names` to be \"a test of this project that is not running\", found \"no such test\""
        ),
        "{missing}"
    );
}

#[test]
fn side_checks_that_cannot_see_do_not_pass() {
    // A locator the browser refuses and a dialog in the way are failures, never "not there";
    // an element without a value and a select with nothing selected have no empty value.
    let json = run("sidetruth", &[("truth.side", &["truth"])], 1);
    assert_ok(&json, &["truth control"]);
    let invalid = "expected the browser to carry out the step, found an invalid locator: the browser cannot search with it";
    let dialog = "expected the browser to carry out the step, found a dialog that opened (answer it with assertAlert, acceptAlert or a webdriver*Visible* command)";
    for (name, expected) in [
        ("not present, broken css", format!("BROWSER CRITICAL - step 2 `assertElementNotPresent | css=[[[`: {invalid}")),
        ("not present, xpath to text", format!("BROWSER CRITICAL - step 2 `assertElementNotPresent | xpath=string(//h1)`: {invalid}")),
        ("wait not present through an alert", format!("BROWSER CRITICAL - step 3 `waitForElementNotPresent | id=h | 3000`: {dialog}")),
        ("wait not visible through an alert", format!("BROWSER CRITICAL - step 3 `waitForElementNotVisible | id=h | 3000`: {dialog}")),
        ("value of a div", "BROWSER CRITICAL - step 2 `assertValue | id=plain`: expected value \"\", found an element without a value".to_string()),
        ("label with nothing selected", "BROWSER CRITICAL - step 2 `assertSelectedLabel | id=multi`: expected selected label \"\", found no option selected".to_string()),
    ] {
        assert_eq!(summary(&json, name), expected, "{name}");
    }
}

#[test]
fn side_tests_of_one_name_and_tests_with_nothing_to_run_are_load_errors() {
    let file = fixture("truth-at-load.side");
    let suite = |name: &str| {
        format!("[import]\nside = [{{ file = \"{file}\", suites = [\"{name}\"], base_url = \"http://127.0.0.1:9\" }}]\n")
    };
    let at = |name: &str| {
        let line = suite(name).lines().nth(1).unwrap_or_default().to_string();
        format!(
            " --> checks/suite.toml:2:9\n  |\n2 | {line}\n  |         {}",
            "^".repeat(line.len() - 9)
        )
    };
    // A suite lists the second of two tests named `dup` by its id: that one is the check.
    let second = Smokegate::new()
        .suite(&suite("second dup"))
        .args(&["list", "--json"])
        .run();
    second.code(0);
    let listed: serde_json::Value = serde_json::from_str(&second.stdout).expect("list --json");
    assert_eq!(listed["checks"].as_array().map(Vec::len), Some(1));
    let both = Smokegate::new()
        .suite(&suite("both dups"))
        .args(&["validate"])
        .run();
    both.code(2);
    assert_eq!(
        both.stderr,
        format!("error: two selected tests of {file} are named `dup`: each becomes a check named after its test; rename one in the IDE\n{}\n\nerror: the suite has 1 error; nothing ran\n", at("both dups"))
    );
    // Named one by one, tests with nothing to run are errors; a suite's are left out (below).
    let named = |_: &str| {
        format!("[import]\nside = [{{ file = \"{file}\", tests = [\"empty\", \"disabled only\"], base_url = \"http://127.0.0.1:9\" }}]\n")
    };
    let at = |_: &str| {
        let line = named("").lines().nth(1).unwrap_or_default().to_string();
        format!(
            " --> checks/suite.toml:2:9\n  |\n2 | {line}\n  |         {}",
            "^".repeat(line.len() - 9)
        )
    };
    let nothing = Smokegate::new().suite(&named("")).args(&["validate"]).run();
    nothing.code(2);
    assert_eq!(
        nothing.stderr,
        format!(
            "error: test `empty` of {file} has no command to run (all are empty, comments or disabled with //): it would pass having checked nothing\n{at}\n\n\
             error: test `disabled only` of {file} has no command to run (all are empty, comments or disabled with //): it would pass having checked nothing\n{at}\n\n\
             error: the suite has 2 errors; nothing ran\n",
            at = at("nothing to run")
        )
    );
}

#[test]
fn a_new_ide_project_runs_its_suites_and_leaves_out_the_empty_untitled_test() {
    // As the IDE saves a new project: the empty "Untitled" test it made, in "Default Suite"
    // with the one recorded since, and a test in no suite.
    let file = fixture("new-project.side");
    let out = Smokegate::new()
        .suite(&format!("[import]\nside = [{{ file = \"{file}\" }}]\n"))
        .args(&["validate"])
        .run();
    out.code(0);
    assert_eq!(
        out.stdout,
        format!(
            "ok: 1 check selected from 1 suite file\n\
             skipped: test `draft` of {file} is in no suite: name it (`tests = [\"draft\"]`) to import it\n\
             skipped: test `Untitled` of {file} has no command to run: it is left out\n"
        )
    );
    let listed = Smokegate::new()
        .suite(&format!(
            "[import]\nside = [{{ file = \"{file}\", tests = [\"draft\"] }}]\n"
        ))
        .args(&["list", "--json"])
        .run();
    listed.code(0);
    let json: serde_json::Value = serde_json::from_str(&listed.stdout).expect("list --json");
    let names: Vec<&str> = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["draft"]);
}
