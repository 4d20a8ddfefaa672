//! `smokegate schema`: what a real JSON Schema validator (check-jsonschema, from PyPI) makes of
//! it and of suite files converted to JSON by Python's `tomllib`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::*;

/// The schema, written to a file in `dir`.
fn schema_file(dir: &Path) -> PathBuf {
    let out = Smokegate::new().args(&["schema"]).run();
    out.code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let path = dir.join("suite.schema.json");
    std::fs::write(&path, &out.stdout).expect("write schema");
    path
}

/// A TOML suite as JSON, converted by Python's own TOML reader.
fn as_json(toml: &Path, dir: &Path) -> PathBuf {
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys, tomllib; json.dump(tomllib.load(open(sys.argv[1], 'rb')), sys.stdout)",
        ])
        .arg(toml)
        .output()
        .expect("python3 (installed by ci/setup)");
    assert!(
        out.status.success(),
        "{}: {}",
        toml.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let name = toml.file_name().expect("a file").to_string_lossy();
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, out.stdout).expect("write json");
    path
}

/// check-jsonschema's verdict on `instance`: success, and what it printed.
fn validate(schema: &Path, instance: &Path) -> (bool, String) {
    let out = Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(schema)
        .arg(instance)
        .output()
        .expect("check-jsonschema (installed by ci/setup)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn suite_file(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write suite");
    path
}

#[test]
fn schema_is_json_and_a_valid_2020_12_schema() {
    let dir = tempfile::tempdir().expect("tmp");
    let schema = schema_file(dir.path());
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema).expect("read")).expect("JSON");
    assert_eq!(
        value["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(value["additionalProperties"], false);
    let mut keys: Vec<&str> = value["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    // The top-level keys the loader accepts (its "unknown key" error lists the same).
    assert_eq!(
        keys,
        ["browser", "check", "defaults", "history", "import", "secrets", "vars"]
    );
    // Field doc comments are carried into the schema for editors.
    assert_eq!(
        value["$defs"]["RawCheck"]["properties"]["needs"]["description"],
        "Names of checks that must end OK or WARNING before this one runs."
    );
    let out = Command::new("check-jsonschema")
        .arg("--check-metaschema")
        .arg(&schema)
        .output()
        .expect("check-jsonschema (installed by ci/setup)");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn schema_accepts_every_suite_the_loader_reads() {
    let dir = tempfile::tempdir().expect("tmp");
    let schema = schema_file(dir.path());
    let mut suites = vec![repo().join("src/demo/suite.toml")];
    for entry in std::fs::read_dir(repo().join("checks")).expect("checks/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            suites.push(path);
        }
    }
    // What `import` prints is a suite too (its own test has `validate` accept it).
    let (_nrpe_fixture, nrpe_cfg) = nrpe_fixture();
    for (name, args) in [
        ("nrpe-import.toml", ["import", "nrpe", nrpe_cfg.as_str()]),
        (
            "nagios-import.toml",
            ["import", "nagios", "fixtures/nagios/nagios.cfg"],
        ),
    ] {
        let out = Smokegate::in_repo().args(&args).run();
        out.code(0);
        suites.push(suite_file(dir.path(), name, &out.stdout));
    }
    // Fixtures the loader rejects for what their values mean, not for their keys or types: the
    // schema, which knows only keys and types, must accept them.
    for name in [
        "bad_duration",
        "browser_unsupported",
        "duplicate_name",
        "no_probe",
        "plugin_and_command",
        "plugin_not_found",
        "probe_bad_range",
        "probe_bad_url",
        "probe_bad_values",
        "probe_two_probes",
        "unknown_var",
        "unset_env",
        "var_cycle",
    ] {
        suites.push(repo().join(format!("fixtures/bad/{name}.toml")));
    }
    for suite in &suites {
        let (ok, text) = validate(&schema, &as_json(suite, dir.path()));
        assert!(ok, "{}: {text}", suite.display());
    }
}

#[test]
fn schema_rejects_a_misspelled_key_naming_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let schema = schema_file(dir.path());
    let suite = suite_file(
        dir.path(),
        "misspelled.toml",
        "[[check]]\nname = \"home\"\nhttp = { url = \"http://127.0.0.1/\", body_hass = [\"Shop\"] }\n",
    );
    let (ok, text) = validate(&schema, &as_json(&suite, dir.path()));
    assert!(!ok, "{text}");
    assert!(
        text.contains(
            "$.check[0].http: Additional properties are not allowed ('body_hass' was unexpected)"
        ),
        "{text}"
    );
    // The committed fixtures the loader rejects for their keys.
    for (fixture, message) in [
        (
            "unknown_field",
            "$.check[0]: Additional properties are not allowed ('timeot' was unexpected)",
        ),
        (
            "unknown_top_level",
            "$: Additional properties are not allowed ('checks' was unexpected)",
        ),
    ] {
        let path = repo().join(format!("fixtures/bad/{fixture}.toml"));
        let (ok, text) = validate(&schema, &as_json(&path, dir.path()));
        assert!(!ok && text.contains(message), "{fixture}: {text}");
    }
}

#[test]
fn schema_rejects_a_wrong_type_naming_the_key() {
    let dir = tempfile::tempdir().expect("tmp");
    let schema = schema_file(dir.path());
    for (contents, message) in [
        (
            "[defaults]\nretries = \"2\"\n",
            "$.defaults.retries: '2' is not of type 'integer'",
        ),
        (
            "[[check]]\nname = \"disk\"\ntimeout = 10\nnagios = { command = \"check_disk\" }\n",
            "$.check[0].timeout: 10 is not of type 'string'",
        ),
        (
            "[[check]]\nname = \"disk\"\nfail_on = \"warn\"\nnagios = { command = \"check_disk\" }\n",
            "$.check[0].fail_on: 'warn' is not one of ['warning', 'critical']",
        ),
    ] {
        let suite = suite_file(dir.path(), "wrong_type.toml", contents);
        let (ok, text) = validate(&schema, &as_json(&suite, dir.path()));
        assert!(!ok && text.contains(message), "{contents}\n{text}");
    }
}
