//! `--var NAME=VALUE` on the command line: it replaces a var of the suite before any expansion,
//! is refused for a name no suite file defines, and keeps a secret masked.

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
