//! Every bad-input fixture under fixtures/bad: the exact rendered error (file:line:col, the line,
//! a caret), exit 2, and nothing run.

use crate::harness::*;

fn validate(fixture: &str) -> String {
    let out = Smokegate::in_repo()
        .args(&["validate", &format!("fixtures/bad/{fixture}")])
        .run();
    out.code(2);
    assert_eq!(out.stdout, "", "validate prints errors on stderr only");
    out.stderr
}

macro_rules! bad_input {
    ($name:ident, $file:literal, $location:literal) => {
        #[test]
        fn $name() {
            let stderr = validate($file);
            assert!(
                stderr.contains(concat!(" --> fixtures/bad/", $file, ":", $location, "\n")),
                "expected location {}:{} in\n{stderr}",
                $file,
                $location
            );
            insta::assert_snapshot!(stderr);
        }
    };
}

bad_input!(unknown_field, "unknown_field.toml", "3:1");
bad_input!(unknown_top_level_key, "unknown_top_level.toml", "1:3");
bad_input!(duplicate_name, "duplicate_name.toml", "6:8");
bad_input!(plugin_and_command, "plugin_and_command.toml", "3:46");
bad_input!(no_probe, "no_probe.toml", "2:8");
bad_input!(bad_duration, "bad_duration.toml", "2:15");
bad_input!(plugin_not_found, "plugin_not_found.toml", "3:21");
bad_input!(unset_env, "unset_env.toml", "2:9");
bad_input!(unknown_var, "unknown_var.toml", "6:50");
bad_input!(syntax_error, "syntax_error.toml", "2:21");
bad_input!(wrong_type, "wrong_type.toml", "3:11");
bad_input!(unclosed_quote, "unclosed_quote.toml", "3:22");
bad_input!(several_errors, "several_errors.toml", "3:11");

#[test]
fn every_independent_error_is_reported() {
    let stderr = validate("several_errors.toml");
    for loc in ["3:11", "7:21", "11:11", "16:9"] {
        assert!(
            stderr.contains(&format!("several_errors.toml:{loc}\n")),
            "missing {loc} in\n{stderr}"
        );
    }
    assert!(
        stderr.ends_with("error: the suite has 4 errors; nothing ran\n"),
        "{stderr}"
    );
    let plugin_errors = validate("plugin_not_found.toml");
    assert!(
        plugin_errors.contains("plugin_not_found.toml:7:22"),
        "{plugin_errors}"
    );
}

#[test]
fn a_bad_file_means_nothing_runs_and_no_report_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let marker = dir.path().join("ran");
    let good = format!(
        "[[check]]\nname = \"would touch\"\nnagios = {{ command = \"/usr/bin/touch {}\" }}\n",
        marker.display()
    );
    let out = Smokegate::new()
        .file("checks/good.toml", &good)
        .file(
            "checks/bad.toml",
            "[[check]]\nname = \"bad\"\nnagios = { plugin = \"check_nope\" }\n",
        )
        .args(&["run", "--junit", "out.xml", "--json", "out.json"])
        .run();
    out.code(2);
    assert!(
        out.stderr.contains("checks/bad.toml:3:21"),
        "{}",
        out.stderr
    );
    assert!(
        !marker.exists(),
        "a check ran although the suite had an error"
    );
    assert!(!out.dir.path().join("out.xml").exists());
    assert!(!out.dir.path().join("out.json").exists());
}

#[test]
fn a_missing_suite_path_is_a_usage_error() {
    let out = Smokegate::new().args(&["run"]).run();
    out.code(2);
    assert_eq!(out.stderr, "error: cannot open suite path: No such file or directory (os error 2)\n --> checks\n\nerror: the suite has 1 error; nothing ran\n");
}

#[test]
fn an_empty_selection_is_an_error_not_a_green_gate() {
    let out = Smokegate::new()
        .suite(
            "[[check]]\nname = \"a\"\ntags = [\"web\"]\nnagios = { command = \"check_dummy 0\" }\n",
        )
        .args(&["run", "--tag", "db"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: the selection matches none of the suite's 1 checks; nothing to gate on\n"
    );
    let empty = Smokegate::new()
        .suite("# no checks yet\n")
        .args(&["run"])
        .run();
    empty.code(2);
    assert_eq!(
        empty.stderr,
        "error: the suite has no checks; nothing to gate on\n"
    );
}

#[test]
fn bad_cli_values_are_usage_errors() {
    let out = Smokegate::new().args(&["run", "--deadline", "soon"]).run();
    out.code(2);
    assert!(
        out.stderr
            .contains("invalid value 'soon' for '--deadline <DURATION>'"),
        "{}",
        out.stderr
    );
    let out = Smokegate::new().args(&["run", "-j", "0"]).run();
    out.code(2);
    let out = Smokegate::new()
        .suite("[[check]]\nname = \"a\"\nnagios = { command = \"check_dummy 0\" }\n")
        .file("reports/keep", "")
        .args(&["run", "--junit", "reports"])
        .run();
    out.code(2);
    assert!(
        out.stderr
            .starts_with("error: report path reports is a folder"),
        "{}",
        out.stderr
    );
}

bad_input!(probe_two_probes, "probe_two_probes.toml", "4:8");
bad_input!(probe_bad_url, "probe_bad_url.toml", "7:16");
bad_input!(probe_bad_range, "probe_bad_range.toml", "11:53");
bad_input!(probe_bad_values, "probe_bad_values.toml", "31:39");

#[test]
fn every_probe_value_error_is_reported_at_its_place() {
    let stderr = validate("probe_bad_values.toml");
    for loc in [
        "3:46", "7:53", "11:48", "15:36", "19:39", "23:44", "27:91", "31:39",
    ] {
        assert!(
            stderr.contains(&format!("probe_bad_values.toml:{loc}\n")),
            "missing {loc} in\n{stderr}"
        );
    }
    assert!(
        stderr.contains("error: invalid regular expression: error: unclosed group"),
        "{stderr}"
    );
    let ranges = validate("probe_bad_range.toml");
    for loc in ["3:53", "7:56", "11:53"] {
        assert!(
            ranges.contains(&format!("probe_bad_range.toml:{loc}\n")),
            "missing {loc} in\n{ranges}"
        );
    }
}

bad_input!(var_cycle, "var_cycle.toml", "3:13");

#[test]
fn a_var_cycle_is_one_error_naming_it_and_uses_of_it_say_why() {
    let stderr = validate("var_cycle.toml");
    assert!(
        stderr.contains("error: variables refer to each other in a cycle: b -> c -> b\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: variable `b` could not be set (see its error)\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("unknown variable"), "{stderr}");
    assert!(
        stderr.ends_with("error: the suite has 3 errors; nothing ran\n"),
        "{stderr}"
    );
}

#[test]
fn a_value_of_the_wrong_type_is_named_in_toml_words_not_ours() {
    let out = Smokegate::new()
        .suite("[[check]]\nname = \"a\"\nhttp = \"http://127.0.0.1:9/\"\n\n[import]\nside = 7\n")
        .args(&["validate"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: invalid type: integer `7`, expected a Selenium IDE project (.side) path, a table with `file`, or a list of them\n --> checks/suite.toml:6:8\n  |\n6 | side = 7\n  |        ^\n\nerror: invalid type: string \"http://127.0.0.1:9/\", expected a table `{ key = value, ... }`\n --> checks/suite.toml:3:8\n  |\n3 | http = \"http://127.0.0.1:9/\"\n  |        ^^^^^^^^^^^^^^^^^^^^^\n\nerror: the suite has 2 errors; nothing ran\n"
    );
}

#[test]
fn an_error_in_a_background_shared_by_scenarios_is_reported_once() {
    let out = Smokegate::new()
        .file(
            "checks/f.feature",
            "Feature: F\n  Background:\n    Given the site \"{{base}}\"\n  Scenario: a\n    When I go to \"/a\"\n  Scenario: b\n    When I go to \"/b\"\n",
        )
        .args(&["validate"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: unknown variable `base`: this file has no [vars]\n --> checks/f.feature:3:11\n  |\n3 |     Given the site \"{{base}}\"\n  |           ^^^^^^^^^^^^^^^^^^^\n\nerror: the suite has 1 error; nothing ran\n"
    );
}
