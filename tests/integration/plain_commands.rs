//! Plain commands (`exec`), per-check `fail_on`, and where a relative or bare program name is
//! looked up: the ways a command that is not a Nagios plugin could pass a broken deploy.

use std::os::unix::fs::PermissionsExt;

use crate::harness::*;

/// Writes an executable shell script into the test's folder.
fn script(gate: Smokegate, path: &str, body: &str) -> Smokegate {
    let gate = gate.file(path, &format!("#!/bin/sh\n{body}\n"));
    let full = gate.dir().join(path);
    std::fs::set_permissions(&full, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    gate
}

#[test]
fn a_plain_command_that_fails_fails_the_gate() {
    // `systemctl is-enabled worker` on a disabled unit: prints "disabled", exits 1. As a Nagios
    // plugin that is a WARNING, which passes the default gate: the "service not re-enabled"
    // mistake. As `exec` it is CRITICAL.
    let gate = script(
        Smokegate::new(),
        "checks/is-enabled",
        "echo disabled; echo 'unit worker.service' >&2; exit 1",
    );
    let out = gate
        .suite(
            "[[check]]\nname = \"worker is enabled\"\nexec = { command = \"./is-enabled worker\" }\n\n\
             [[check]]\nname = \"as a plugin\"\nnagios = { command = \"./is-enabled worker\" }\n",
        )
        .args(&["run", "--color", "never", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let results = json["checks"].as_array().expect("results");
    let by_name = |n: &str| {
        results
            .iter()
            .find(|r| r["name"] == n)
            .unwrap_or_else(|| panic!("no result {n}: {json}"))
    };
    assert_eq!(by_name("worker is enabled")["state"], "CRITICAL");
    assert_eq!(
        by_name("worker is enabled")["summary"],
        "exit code 1: disabled"
    );
    assert_eq!(by_name("as a plugin")["state"], "WARNING");
    assert!(
        out.stdout
            .contains("gate FAILED: 1 of 2 checks fail the gate"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_plain_command_that_succeeds_passes_and_bare_names_search_path() {
    // `test` is found in $PATH for exec (after plugin_dirs), never for nagios.
    let out = Smokegate::new()
        .suite("[[check]]\nname = \"a folder exists\"\nexec = { program = \"test\", args = [\"-d\", \"/\"] }\n")
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(0);
    let json = out.json("r.json");
    assert_eq!(json["checks"][0]["state"], "OK");
    assert_eq!(json["checks"][0]["summary"], "exit code 0");

    let not_found = Smokegate::new()
        .suite("[[check]]\nname = \"x\"\nnagios = { command = \"test -d /\" }\n")
        .args(&["validate"])
        .run();
    not_found.code(2);
    assert!(
        not_found.stderr.contains("plugin `test` not found"),
        "{}",
        not_found.stderr
    );
}

#[test]
fn a_hung_plain_command_is_critical_at_its_timeout() {
    let out = Smokegate::new()
        .suite(
            "[[check]]\nname = \"hangs\"\ntimeout = \"300ms\"\nexec = { command = \"sleep 30\" }\n",
        )
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    assert_eq!(json["checks"][0]["state"], "CRITICAL");
    assert!(
        json["checks"][0]["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("timed out after 300ms")),
        "{json}"
    );
}

#[test]
fn fail_on_per_check_and_in_defaults() {
    let suite = "[[check]]\nname = \"disk\"\nfail_on = \"warning\"\nnagios = { command = \"check_dummy 1 'disk 85%'\" }\n\n\
                 [[check]]\nname = \"load\"\nnagios = { command = \"check_dummy 1 'load 3'\" }\n";
    let out = Smokegate::new()
        .suite(suite)
        .args(&["run", "--color", "never"])
        .run();
    out.code(1);
    assert!(
        out.stdout
            .contains("gate FAILED: 1 of 2 checks fail the gate"),
        "{}",
        out.stdout
    );

    // A check's own `fail_on` wins over `--fail-on`, both ways.
    let relaxed = "[defaults]\nfail_on = \"critical\"\n\n[[check]]\nname = \"load\"\nnagios = { command = \"check_dummy 1 'load 3'\" }\n";
    let out = Smokegate::new()
        .suite(relaxed)
        .args(&["run", "--fail-on", "warning", "--color", "never"])
        .run();
    out.code(0);

    let bad = Smokegate::new()
        .suite("[[check]]\nname = \"x\"\nfail_on = \"warn\"\nnagios = { command = \"check_dummy 0\" }\n")
        .args(&["validate"])
        .run();
    bad.code(2);
    assert!(
        bad.stderr
            .contains("`fail_on` is `warning` or `critical`, not `warn`"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr.contains("checks/suite.toml:3:11"),
        "{}",
        bad.stderr
    );
}

#[test]
fn dot_slash_runs_the_file_beside_the_suite_never_one_from_path() {
    // The suite given without a folder part: `./true` is the script beside it, which fails.
    let gate = script(
        Smokegate::new(),
        "true",
        "echo 'CRITICAL - the local one'; exit 2",
    );
    let out = gate
        .file(
            "suite.toml",
            "[[check]]\nname = \"local\"\nnagios = { command = \"./true\" }\n\n\
             [[check]]\nname = \"local plugin dir\"\nnagios = { plugin = \"true\" }\n",
        )
        .file(
            "dirs.toml",
            "[defaults]\nplugin_dirs = [\".\"]\n\n[[check]]\nname = \"from dirs\"\nnagios = { plugin = \"true\" }\n",
        )
        .args(&["run", "dirs.toml", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    assert_eq!(json["checks"][0]["state"], "CRITICAL", "{json}");
    assert_eq!(json["checks"][0]["summary"], "CRITICAL - the local one");

    let gate = script(
        Smokegate::new(),
        "true",
        "echo 'CRITICAL - the local one'; exit 2",
    );
    let out = gate
        .file(
            "suite.toml",
            "[[check]]\nname = \"local\"\nnagios = { command = \"./true\" }\n",
        )
        .args(&["run", "suite.toml", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    assert_eq!(json["checks"][0]["summary"], "CRITICAL - the local one");

    let missing = Smokegate::new()
        .file(
            "suite.toml",
            "[[check]]\nname = \"local\"\nnagios = { command = \"./nothere\" }\n",
        )
        .args(&["validate", "suite.toml"])
        .run();
    missing.code(2);
    assert!(
        missing.stderr.contains("plugin `./nothere` does not exist"),
        "{}",
        missing.stderr
    );
}

#[test]
fn a_blank_status_line_is_said_as_such() {
    let gate = script(
        Smokegate::new(),
        "checks/blank_first",
        "echo; echo 'second line says what is wrong'; exit 2",
    );
    let out = gate
        .suite("[[check]]\nname = \"b\"\nnagios = { command = \"./blank_first\" }\n")
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    assert_eq!(
        json["checks"][0]["summary"],
        "(blank status line) second line says what is wrong"
    );
}
