//! `--var NAME=VALUE` on the command line: it replaces a var of the suite before any expansion,
//! is refused for a name no suite file defines, and keeps a secret masked. And the environment:
//! only the selected checks need theirs, and `validate` names what a run reads.

use crate::harness::*;

/// A check that passes only when its one argument is `expected`, and prints what it got.
fn expects(name: &str, arg: &str, expected: &str) -> String {
    format!(
        "[[check]]\nname = \"{name}\"\n\
         exec = {{ program = \"/bin/sh\", args = [\"-c\", \"echo \\\"got $1\\\"; test \\\"$1\\\" = '{expected}'\", \"_\", \"{arg}\"] }}\n\n"
    )
}

#[test]
fn an_override_changes_the_url_a_real_check_hits() {
    let port = http_server(200, "shop is up");
    let suite = "[vars]\nbase = \"http://127.0.0.1:9\"\n\n\
        [[check]]\nname = \"shop\"\nhttp = { url = \"{{base}}/health\", body_has = [\"shop is up\"] }\n";
    let base = format!("base=http://127.0.0.1:{port}");
    let out = Smokegate::new()
        .suite(suite)
        .args(&["run", "--color", "never", "--var", &base])
        .run();
    out.code(0);
    assert!(
        out.stdout.contains("shop - HTTP OK: 200 OK - 10 bytes"),
        "{}",
        out.stdout
    );
    let without = Smokegate::new()
        .suite(suite)
        .args(&["run", "--color", "never"])
        .run();
    without.code(1);
}

#[test]
fn vars_and_fallbacks_that_refer_to_an_overridden_var_see_the_override() {
    let suite = format!(
        "[vars]\nbase = \"${{SMOKEGATE_TEST_UNSET_BASE:-https://a.example.com}}\"\n\
         login = \"{{{{base}}}}/login\"\n\
         api = \"${{SMOKEGATE_TEST_UNSET_API:-{{{{base}}}}/api}}\"\n\n{}{}",
        expects("login", "{{login}}", "https://b.example.com/login"),
        expects("api", "{{api}}", "https://b.example.com/api"),
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&[
            "run",
            "--color",
            "never",
            "--var",
            "base=https://b.example.com",
        ])
        .run();
    out.code(0);
    let without = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--color", "never"])
        .run();
    without.code(1);
    assert!(
        without.stdout.contains("got https://a.example.com/login"),
        "{}",
        without.stdout
    );
}

#[test]
fn an_override_is_taken_as_it_is_and_the_last_one_wins() {
    // The override is the value: its `${...}` and `{{...}}` are not expanded, and the
    // definition it replaces is not read (its environment variable need not be set).
    let suite = "[vars]\nv = \"${SMOKEGATE_TEST_UNSET_V}\"\n\n\
        [[check]]\nname = \"literal\"\nexec = { program = \"/bin/echo\", args = [\"got {{v}}\"] }\n";
    let out = Smokegate::new()
        .suite(suite)
        .args(&[
            "run",
            "--color",
            "never",
            "--var",
            "v=first",
            "--var",
            "v=${HOME}{{v}}",
        ])
        .run();
    out.code(0);
    assert!(
        out.stdout
            .contains("literal - exit code 0: got ${HOME}{{v}}\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_name_no_suite_file_defines_is_a_usage_error_listing_the_vars() {
    let suite = format!(
        "[vars]\nbase = \"https://a.example.com\"\nuser = \"smoke\"\n\n\
         [secrets]\ntoken = \"s3cret-token\"\n\n{}",
        expects("a", "{{base}}", "https://a.example.com")
    );
    for command in ["run", "list", "validate"] {
        let out = Smokegate::new()
            .suite(&suite)
            .args(&[command, "--var", "bse=https://b.example.com"])
            .run();
        out.code(2);
        assert_eq!(out.stdout, "");
        assert_eq!(
            out.stderr,
            "error: unknown variable `bse` in --var (defined: base, token, user)\n"
        );
    }
    let out = Smokegate::new()
        .suite(&expects("a", "x", "x"))
        .args(&["validate", "--var", "base=x"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: unknown variable `base` in --var (the suite has no [vars] or [secrets])\n"
    );
    let nagios = Smokegate::new()
        .suite(&suite)
        .args(&["nagios", "--var", "bse=x"])
        .run();
    nagios.code(3);
    assert_eq!(
        nagios.stdout,
        "SMOKEGATE UNKNOWN - suite not loaded: unknown variable `bse` in --var (defined: base, token, user)\n\
         error: unknown variable `bse` in --var (defined: base, token, user)\n"
    );
}

#[test]
fn a_malformed_argument_is_a_usage_error_naming_it() {
    let suite = "[vars]\nbase = \"x\"\n\n";
    let out = Smokegate::new()
        .suite(suite)
        .args(&["validate", "--var", "base"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: invalid value 'base' for '--var <NAME=VALUE>': write NAME=VALUE: there is no `=`\n\n\
         For more information, try '--help'.\n"
    );
    let out = Smokegate::new()
        .suite(suite)
        .args(&["run", "--var", "=x"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: invalid value '=x' for '--var <NAME=VALUE>': write NAME=VALUE: the name is empty\n\n\
         For more information, try '--help'.\n"
    );
}

#[test]
fn a_secret_given_with_var_stays_masked() {
    const SECRET: &str = "Zq9-from-the-command-line";
    let suite = "[secrets]\ndb_pass = \"${SMOKEGATE_TEST_UNSET_DB_PASS:-default-pass}\"\n\n\
        [[check]]\nname = \"db login\"\nnagios = { plugin = \"${FIXTURES}/echo_args\", args = [\"{{db_pass}}\"] }\n";
    let var = format!("db_pass={SECRET}");
    let out = Smokegate::new()
        .suite(suite)
        .args(&["run", "--color", "never", "--json", "r.json", "--var", &var])
        .run();
    out.code(1);
    let json = out.read("r.json");
    for (what, text) in [
        ("stdout", &out.stdout),
        ("stderr", &out.stderr),
        ("JSON", &json),
    ] {
        assert!(!text.contains("Zq9-"), "the secret is in {what}:\n{text}");
    }
    assert!(
        out.stdout.contains("CRITICAL - login with **** refused"),
        "{}",
        out.stdout
    );
    let short = Smokegate::new()
        .suite(suite)
        .args(&["validate", "--var", "db_pass=abc"])
        .run();
    short.code(2);
    assert_eq!(
        short.stderr,
        "error: secret `db_pass` is 3 characters long: a secret shorter than 4 cannot be masked safely\n \
         --> checks/suite.toml:2:11\n  |\n\
         2 | db_pass = \"${SMOKEGATE_TEST_UNSET_DB_PASS:-default-pass}\"\n  \
         |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  \
         = note: its value comes from `--var db_pass=...`\n\n\
         error: variable `db_pass` could not be set (see its error)\n \
         --> checks/suite.toml:6:55\n  |\n\
         6 | nagios = { plugin = \"${FIXTURES}/echo_args\", args = [\"{{db_pass}}\"] }\n  \
         |                                                       ^^^^^^^^^^^\n\n\
         error: the suite has 2 errors; nothing ran\n"
    );
}

/// A staging check, and production checks that need production secrets (never set here).
const STAGING_AND_PROD: &str = r#"[vars]
stage = "${SMOKEGATE_TEST_UNSET_STAGE:-https://stage.example.com}"
prod = "https://prod.example.com/?token=${SMOKEGATE_TEST_PROD_TOKEN}"

[[check]]
name = "staging home"
tags = ["staging"]
exec = { program = "/bin/sh", args = ["-c", "echo \"$1\" > staging-ran", "_", "{{stage}}"] }

[[check]]
name = "production home"
tags = ["prod"]
exec = { program = "/bin/sh", args = ["-c", "touch prod-ran", "_", "{{prod}}"] }

[[check]]
name = "production login"
tags = ["prod"]
timeout = "5s"
exec = { program = "/bin/sh", args = ["-c", "touch prod-ran", "_", "${SMOKEGATE_TEST_SHOP_PASS}"] }
"#;

#[test]
fn an_unset_variable_only_deselected_checks_use_need_not_be_set() {
    let out = Smokegate::new()
        .suite(STAGING_AND_PROD)
        .args(&["validate", "--tag", "staging"])
        .run();
    out.code(0);
    assert_eq!(
        out.stdout,
        "ok: 1 check selected from 1 suite file\nenvironment: SMOKEGATE_TEST_UNSET_STAGE\n"
    );
    assert_eq!(out.stderr, "");
    let out = Smokegate::new()
        .suite(STAGING_AND_PROD)
        .args(&["run", "--color", "never", "--skip-tag", "prod"])
        .run();
    out.code(0);
    assert!(
        out.stdout
            .contains("gate PASSED: 0 of 1 checks fail the gate (1 ok)"),
        "{}",
        out.stdout
    );
    assert_eq!(out.read("staging-ran"), "https://stage.example.com\n");
    assert!(!out.dir.path().join("prod-ran").exists());
    let out = Smokegate::new()
        .suite(STAGING_AND_PROD)
        .args(&["list", "--name", "staging*"])
        .run();
    out.code(0);
}

#[test]
fn an_unset_variable_a_selected_check_uses_stops_the_run_with_where_it_is_needed() {
    let out = Smokegate::new()
        .suite(STAGING_AND_PROD)
        .args(&["run", "--color", "never"])
        .run();
    out.code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: environment variable `SMOKEGATE_TEST_PROD_TOKEN` is not set (write `${SMOKEGATE_TEST_PROD_TOKEN:-fallback}` for a default)\n \
         --> checks/suite.toml:3:41\n  |\n\
         3 | prod = \"https://prod.example.com/?token=${SMOKEGATE_TEST_PROD_TOKEN}\"\n  \
         |                                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\n\
         error: environment variable `SMOKEGATE_TEST_SHOP_PASS` is not set (write `${SMOKEGATE_TEST_SHOP_PASS:-fallback}` for a default)\n \
         --> checks/suite.toml:19:69\n   |\n\
         19 | exec = { program = \"/bin/sh\", args = [\"-c\", \"touch prod-ran\", \"_\", \"${SMOKEGATE_TEST_SHOP_PASS}\"] }\n   \
         |                                                                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\n\
         error: the suite has 2 errors; nothing ran\n"
    );
    assert!(!out.dir.path().join("staging-ran").exists());
    assert!(!out.dir.path().join("prod-ran").exists());
    // Selected by name, one check is enough to need its variable.
    let out = Smokegate::new()
        .suite(STAGING_AND_PROD)
        .args(&["validate", "--name", "production login"])
        .run();
    out.code(2);
    assert!(
        out.stderr.starts_with(
            "error: environment variable `SMOKEGATE_TEST_SHOP_PASS` is not set (write `${SMOKEGATE_TEST_SHOP_PASS:-fallback}` for a default)\n \
             --> checks/suite.toml:19:69\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .ends_with("error: the suite has 1 error; nothing ran\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn validate_names_the_environment_a_run_reads_never_values() {
    let out = Smokegate::new()
        .suite(STAGING_AND_PROD)
        .env("SMOKEGATE_TEST_PROD_TOKEN", "tok-value-1")
        .env("SMOKEGATE_TEST_SHOP_PASS", "pass-value-2")
        .args(&["validate"])
        .run();
    out.code(0);
    assert_eq!(
        out.stdout,
        "ok: 3 checks selected from 1 suite file\n\
         environment: SMOKEGATE_TEST_PROD_TOKEN, SMOKEGATE_TEST_SHOP_PASS, SMOKEGATE_TEST_UNSET_STAGE\n"
    );
    // An override is not read from the environment; a suite without `${...}` prints no line.
    let out = Smokegate::new()
        .suite(STAGING_AND_PROD)
        .args(&["validate", "--tag", "staging", "--var", "stage=https://s"])
        .run();
    out.code(0);
    assert_eq!(out.stdout, "ok: 1 check selected from 1 suite file\n");
}

#[test]
fn a_deselected_check_is_still_checked_for_everything_else() {
    let suite = format!(
        "{STAGING_AND_PROD}\n[[check]]\nname = \"broken\"\ntags = [\"prod\"]\ntimeout = \"soon\"\n\
         exec = {{ program = \"/bin/true\", args = [\"${{SMOKEGATE_TEST_PROD_TOKEN}}\", \"{{{{nope}}}}\"] }}\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["validate", "--tag", "staging"])
        .run();
    out.code(2);
    assert!(
        out.stderr
            .starts_with("error: invalid duration `soon` for `timeout`: "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "error: unknown variable `nope` (defined: prod, stage)\n --> checks/suite.toml:25:74\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .ends_with("error: the suite has 2 errors; nothing ran\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_check_per_host_is_selected_by_its_host_before_its_command_can_be_set() {
    let suite = format!(
        "{STAGING_AND_PROD}\n[[check]]\nname = \"load\"\n\
         nrpe = {{ command = \"check_load ${{SMOKEGATE_TEST_PROD_TOKEN}}\", hosts = [\"web1\", \"web2\"] }}\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["validate", "--tag", "staging", "--skip-tag", "web2"])
        .run();
    out.code(0);
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["validate", "--tag", "staging", "--tag", "web2"])
        .run();
    out.code(2);
    assert!(
        out.stderr.starts_with(
            "error: environment variable `SMOKEGATE_TEST_PROD_TOKEN` is not set (write `${SMOKEGATE_TEST_PROD_TOKEN:-fallback}` for a default)\n \
             --> checks/suite.toml:23:32\n"
        ),
        "{}",
        out.stderr
    );
}
