//! Secrets never leave: a known secret, given to a plugin that echoes it everywhere it can, is
//! nowhere in any output channel — live view, summary, JUnit, JSON, Nagios output, config error
//! messages, `import` output — also when the echo is cut at the 64 KiB capture bound.

use crate::harness::*;

const SECRET: &str = "Zq9-hunter2-s3cret";

fn suite(args: &str) -> String {
    format!(
        "[secrets]\ndb_pass = \"${{SMOKEGATE_TEST_DB_PASS}}\"\n\n\
         [[check]]\nname = \"db login\"\nnagios = {{ plugin = \"${{FIXTURES}}/echo_args\", args = [{args}] }}\n"
    )
}

fn assert_nowhere(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "the secret is in {what}:\n{text}");
    assert!(
        !text.contains("Zq9-h"),
        "a part of the secret is in {what}:\n{text}"
    );
}

#[test]
fn a_secret_echoed_by_a_plugin_is_in_no_run_output() {
    let out = Smokegate::new()
        .suite(&suite("\"{{db_pass}}\""))
        .env("SMOKEGATE_TEST_DB_PASS", SECRET)
        .args(&[
            "run", "--junit", "r.xml", "--json", "r.json", "--color", "never",
        ])
        .run();
    out.code(1);
    assert_nowhere("the live view and summary", &out.stdout);
    assert_nowhere("stderr", &out.stderr);
    assert_nowhere("the JUnit report", &out.read("r.xml"));
    assert_nowhere("the JSON report", &out.read("r.json"));
    assert!(
        out.stdout.contains("CRITICAL - login with **** refused"),
        "{}",
        out.stdout
    );
    assert!(out.read("r.json").contains("detail: password=****"));

    let nagios = Smokegate::new()
        .suite(&suite("\"{{db_pass}}\""))
        .env("SMOKEGATE_TEST_DB_PASS", SECRET)
        .args(&["nagios"])
        .run();
    nagios.code(2);
    assert_nowhere("the Nagios output", &nagios.stdout);
    assert!(
        nagios.stdout.contains("login with **** refused"),
        "{}",
        nagios.stdout
    );
}

#[test]
fn a_secret_cut_at_the_capture_bound_is_masked_too() {
    // 65 531 bytes of `x`, then the status line: the 64 KiB kept end five characters into the
    // secret.
    let out = Smokegate::new()
        .suite(&suite("\"{{db_pass}}\", \"65507\""))
        .env("SMOKEGATE_TEST_DB_PASS", SECRET)
        .args(&[
            "run", "--json", "r.json", "--junit", "r.xml", "--color", "never",
        ])
        .run();
    out.code(1);
    let json = out.read("r.json");
    assert!(
        json.contains("stdout truncated"),
        "the capture was not cut: {json}"
    );
    assert_nowhere("the JSON report", &json);
    assert_nowhere("the JUnit report", &out.read("r.xml"));
    assert_nowhere("the live view", &out.stdout);
}

#[test]
fn secrets_are_masked_in_config_errors_and_import_output() {
    let out = Smokegate::new()
        .suite("[secrets]\ndb_pass = \"${SMOKEGATE_TEST_DB_PASS}\"\n\n[[check]]\nname = \"x\"\nnagios = { command = \"/nonexistent/{{db_pass}}\" }\n")
        .env("SMOKEGATE_TEST_DB_PASS", SECRET)
        .args(&["validate"])
        .run();
    out.code(2);
    assert_nowhere("the config error", &out.stderr);
    assert!(
        out.stderr
            .contains("plugin `/nonexistent/****` does not exist"),
        "{}",
        out.stderr
    );

    let short = Smokegate::new()
        .suite("[secrets]\npin = \"123\"\n\n[[check]]\nname = \"x\"\nnagios = { command = \"check_dummy 0\" }\n")
        .args(&["validate"])
        .run();
    short.code(2);
    assert!(
        short.stderr.contains(
            "error: secret `pin` is 3 characters long: a secret shorter than 4 cannot be masked safely\n --> checks/suite.toml:2:7"
        ),
        "{}",
        short.stderr
    );

    // $USERn$ of a resource file are secrets, in `import nagios` as in a run.
    let gate = Smokegate::new()
        .file("nagios/resource.cfg", &format!("$USER1$=/usr/lib/nagios/plugins\n$USER3$={SECRET}\n"))
        .file(
            "nagios/objects.cfg",
            "define command {\n  command_name check_db\n  command_line $USER1$/check_dummy 2 \"login $USER3$ refused\"\n}\n\
             define host {\n  host_name db1\n  address 127.0.0.1\n}\n\
             define service {\n  host_name db1\n  service_description DB\n  check_command check_db\n}\n",
        );
    let out = gate
        .args(&[
            "import",
            "nagios",
            "nagios/objects.cfg",
            "--resource",
            "nagios/resource.cfg",
        ])
        .run();
    out.code(0);
    assert_nowhere("the import output", &out.stdout);
    assert!(
        out.stdout.contains(r#"check_dummy 2 "login **** refused""#),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("declare them in [secrets]"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_secret_in_a_name_is_masked_in_list() {
    let out = Smokegate::new()
        .suite(&format!(
            "[secrets]\ndb_pass = \"${{SMOKEGATE_TEST_DB_PASS}}\"\n\n\
             [[check]]\nname = \"login as {SECRET}\"\nnagios = {{ command = \"check_dummy 0\" }}\n"
        ))
        .env("SMOKEGATE_TEST_DB_PASS", SECRET)
        .args(&["list"])
        .run();
    out.code(0);
    assert_nowhere("list", &out.stdout);
    assert!(out.stdout.contains("login as ****"), "{}", out.stdout);
}

/// A server that echoes what it is sent: form values and query strings decoded, request
/// headers, and a page that puts a query value at a given byte of its body.
fn echo_server() -> u16 {
    serve_routes(|r| {
        let (path, query) = r.target.split_once('?').unwrap_or((&r.target, ""));
        let decoded = |s: &str| -> Vec<String> {
            url::form_urlencoded::parse(s.as_bytes())
                .map(|(_, v)| v.into_owned())
                .collect()
        };
        let form = |method: &str| {
            format!(
                r#"<form method="{method}" action="/echo"><label for="user">User</label><input id="user" name="user"><label for="pass">Password</label><input type="password" id="pass" name="pass"><label for="note">Note</label><input id="note" name="note"><textarea id="comment" name="comment"></textarea><button>Sign in</button></form>"#
            )
        };
        let page = match path {
            "/login" => form("post"),
            "/login-get" => form("get"),
            "/echo" => {
                let mut values = decoded(query);
                values.extend(decoded(&r.body));
                format!(
                    "<p>You sent: {}</p><p>raw: {query}</p><p>Bad login</p>",
                    values.join(" ")
                )
            }
            "/headers" => format!("<pre>{}</pre><p>Bad</p>", r.headers),
            // The value of `s` straddling byte 600 of the body, where evidence cuts.
            "/cut" => {
                let s = decoded(query).join("");
                format!("{}{s}{}", "p".repeat(595), "q".repeat(2000))
            }
            _ => "<p>Not found</p>".to_string(),
        };
        (200, Vec::new(), page.into_bytes())
    })
}

/// Every output a run can write, and the Nagios output of the same suite.
fn every_output(suite: impl Fn() -> Smokegate, env: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut run = suite().args(&[
        "run",
        "--json",
        "out/r.json",
        "--junit",
        "out/r.xml",
        "--html",
        "out/r.html",
        "--summary",
        "out/r.md",
        "--color",
        "never",
    ]);
    for (k, v) in env {
        run = run.env(k, v);
    }
    let out = run.file("out/.keep", "").run();
    out.code(1);
    let mut nagios = suite().args(&["nagios"]);
    for (k, v) in env {
        nagios = nagios.env(k, v);
    }
    let n = nagios.run();
    vec![
        ("stdout".into(), out.stdout.clone()),
        ("stderr".into(), out.stderr.clone()),
        ("JSON".into(), out.read("out/r.json")),
        ("JUnit".into(), out.read("out/r.xml")),
        ("HTML".into(), out.read("out/r.html")),
        ("Markdown".into(), out.read("out/r.md")),
        ("Nagios".into(), n.stdout),
    ]
}

#[test]
fn secrets_in_scenarios_and_checks_reach_no_output_in_any_form() {
    let port = echo_server();
    let base = format!("http://127.0.0.1:{port}");
    let feature = r#"Feature: Leaks
  Background:
    Given the site "{{base}}"

  Scenario: a table row and a doc string from the environment
    Given I am on "/login"
    When I fill in the following:
      | note | ${SG_TABLE_PW} |
    And I fill in "comment" with:
      """
      ${SG_DOC_PW}
      """
    And I press "Sign in"
    Then I should see "Welcome"

  Scenario: a var that reads the environment
    Given I am on "/login"
    When I fill in "note" with "{{via_var}}"
    And I press "Sign in"
    Then I should see "Welcome"

  Scenario: a token in a URL
    When I go to "/echo?token=${SG_URL_TOKEN}"
    Then I should see "Welcome"

  Scenario: a password with two spaces, sent by a GET form
    Given I am on "/login-get"
    When I fill in "Password" with "Dbl  Sp4ce  &=/+99"
    And I press "Sign in"
    Then I should see "Welcome"

  Scenario Outline: a row typed into a password field, in the name
    Given I am on "/login"
    When I fill in "Password" with "<pw>"
    And I press "Sign in"
    Then I should see "Welcome"

    Examples:
      | pw          |
      | Ou't;Lx\|t77 |
"#;
    let suite = format!(
        "[vars]\nbase = \"{base}\"\nvia_var = \"${{SG_VAR_PW}}\"\n\n\
         [secrets]\nquote_pw = \"Pa'ss9word\"\npipe_pw = \"PipeSec|Word77\"\nbasic_pw = \"BasicPw1234zz\"\ncut_pw = \"CutSecretAbc123\"\n\n\
         [import]\nfeatures = [\"../features/leaks.feature\"]\n\n\
         [[check]]\nname = \"a quote in a secret argument\"\nexec = {{ program = \"/bin/false\", args = [\"--password\", \"{{{{quote_pw}}}}\"] }}\n\n\
         [[check]]\nname = \"a pipe in a secret a plugin echoes\"\nnagios = {{ plugin = \"/bin/sh\", args = [\"-c\", \"echo \\\"CRITICAL - login failed for $0\\\"; exit 2\", \"{{{{pipe_pw}}}}\"] }}\n\n\
         [[check]]\nname = \"basic auth echoed\"\nhttp = {{ url = \"{base}/headers\", basic_auth = {{ user = \"alice\", password = \"{{{{basic_pw}}}}\" }}, body_has = [\"Welcome\"] }}\n\n\
         [[check]]\nname = \"a secret where the evidence is cut\"\nhttp = {{ url = \"{base}/cut?s={{{{cut_pw}}}}\", body_has = [\"Welcome\"] }}\n"
    );
    let sg = || {
        Smokegate::new()
            .suite(&suite)
            .file("features/leaks.feature", feature)
    };
    let env = [
        ("SG_TABLE_PW", "TableCcc333x"),
        ("SG_DOC_PW", "DocStrDdd444"),
        ("SG_VAR_PW", "ViaVarEee555"),
        ("SG_URL_TOKEN", "QueryFff666x"),
    ];
    let outputs = every_output(sg, &env);
    // Each secret as it is, and the forms a page, a URL, a shell line or a cut would give it.
    let forms = [
        "TableCcc333x",
        "DocStrDdd444",
        "ViaVarEee555",
        "QueryFff666x",
        "Dbl  Sp4ce",
        "Dbl Sp4ce",
        "Dbl+Sp4ce",
        "Dbl%20%20Sp4ce",
        "Ou't;Lx",
        "Ou&#39;t",
        "Ou't:Lx",
        "Lx\\|t77",
        "Lx|t77",
        "Lx/t77",
        "Pa'ss9word",
        "ss9word",
        "PipeSec",
        "Word77",
        "BasicPw1234zz",
        "YWxpY2U6QmFzaWNQdzEyMzR6eg",
        "CutSecretAbc",
        "CutSec",
    ];
    for (what, text) in &outputs {
        for form in forms {
            assert!(
                !text.contains(form),
                "`{form}` is in the {what} output:\n{text}"
            );
        }
    }
    // And the checks ran and said so, masked.
    let stdout = &outputs[0].1;
    assert!(stdout.contains("login failed for ****"), "{stdout}");
    assert!(stdout.contains("authorization: Basic ****"), "{stdout}");
}

#[test]
fn a_password_typed_in_a_browser_scenario_reaches_no_output() {
    let port = echo_server();
    let feature = "@browser\nFeature: Leaks in a browser\n  Scenario: a literal password\n    Given the site \"{{base}}\"\n    And I am on \"/login\"\n    When I fill in \"Password\" with \"BrLiteralXxx222\"\n    And I press \"Sign in\"\n    Then I should see \"Welcome\"\n";
    let suite = format!(
        "[vars]\nbase = \"http://127.0.0.1:{port}\"\n\n[defaults]\ntimeout = \"60s\"\n\n[import]\nfeatures = [\"../features/b.feature\"]\n"
    );
    let sg = || {
        Smokegate::new()
            .suite(&suite)
            .file("features/b.feature", feature)
    };
    let outputs = every_output(sg, &[]);
    for (what, text) in &outputs {
        assert!(
            !text.contains("BrLiteral"),
            "the password is in the {what} output:\n{text}"
        );
    }
    // The scenario did type it, and failed after.
    let stdout = &outputs[0].1;
    assert!(
        stdout.contains("passed     6: When I fill in \"Password\" with \"****\""),
        "{stdout}"
    );
}

/// A secret in `command = "..."` is put in after the line is split into words: a value with a
/// space, quotes and a backslash reaches the program exact, as one argument, and no output shows
/// it (`list --json` too).
#[test]
fn a_secret_in_a_command_reaches_the_program_exact_as_one_argument() {
    let secret = r#"p a"ss\w'rd 1"#;
    let suite = "[secrets]\ntok = \"${SMOKEGATE_TEST_TOK}\"\n\n[[check]]\nname = \"exact\"\nexec = { command = \"/bin/sh -c 'test $# = 1 && test \\\"$1\\\" = \\\"$SMOKEGATE_TEST_TOK\\\" && echo got it: $1' x {{tok}}\" }\n";
    let run = Smokegate::new()
        .suite(suite)
        .env("SMOKEGATE_TEST_TOK", secret)
        .args(&["run", "--json", "r.json", "--color", "never"])
        .run();
    run.code(0);
    let json = run.read("r.json");
    assert!(json.contains("got it: ****"), "{json}");
    let listed = Smokegate::new()
        .suite(suite)
        .env("SMOKEGATE_TEST_TOK", secret)
        .args(&["list", "--json"])
        .run();
    listed.code(0);
    for (what, text) in [
        ("run stdout", run.stdout.as_str()),
        ("JSON", json.as_str()),
        ("list --json", listed.stdout.as_str()),
    ] {
        for part in ["ss\\", "ss\\\\w", "rd 1", "p a"] {
            assert!(
                !text.contains(part),
                "{part:?} of the secret in {what}: {text}"
            );
        }
    }
}

/// An empty secret (Nagios and cron start smokegate with an empty environment) is said once, at
/// its definition: a feature that uses it is not a second, misleading "unknown variable".
#[test]
fn an_empty_secret_is_said_once_clearly() {
    let out = Smokegate::new()
        .file(
            "checks/s.toml",
            "[secrets]\nshop_pass = \"${SMOKEGATE_TEST_SHOP_PASS}\"\n\n[vars]\nbase = \"http://127.0.0.1:9\"\n\n[import]\nfeatures = [\"../features/f.feature\"]\n",
        )
        .file(
            "features/f.feature",
            "Feature: F\n  Scenario: S\n    Given the site \"{{base}}\"\n    When I go to \"/login\"\n    And I fill in \"Password\" with \"{{shop_pass}}\"\n    Then I should see \"Hello\"\n",
        )
        .env("SMOKEGATE_TEST_SHOP_PASS", "")
        .args(&["validate", "checks"])
        .run();
    out.code(2);
    assert!(
        out.stderr.starts_with("error: secret `shop_pass` is empty (what it is made of is set to nothing): a secret has 4 characters or more\n --> checks/s.toml:2:13"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("unknown variable"), "{}", out.stderr);
    assert!(
        out.stderr.contains("the suite has 1 error; nothing ran"),
        "{}",
        out.stderr
    );
}

/// Nagios runs plugins with an empty environment: a secret can come from a file instead, one
/// that only its owner may read (any other is refused at its place, and nothing runs).
#[test]
fn a_secret_is_read_from_a_file_only_its_owner_may_read() {
    use std::os::unix::fs::PermissionsExt;
    let suite = "[secrets]\ndb_pass = { file = \"db_pass\" }\n\n[[check]]\nname = \"db\"\nnagios = { command = \"check_dummy 0 'pw={{db_pass}}'\" }\n";
    let gate = Smokegate::new()
        .file("checks/db_pass", "s3cr3t $HOME {{x}}\n")
        .file("checks/suite.toml", suite);
    let secret_file = gate.dir().join("checks/db_pass");
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = gate
        .args(&["run", "checks", "--json", "r.json", "--color", "never"])
        .run();
    out.code(0);
    let json = out.json("r.json");
    assert_eq!(json["checks"][0]["summary"], "OK: pw=****", "{json}");
    assert!(!out.stdout.contains("s3cr3t"), "{}", out.stdout);

    let gate = Smokegate::new()
        .file("checks/db_pass", "s3cr3t\n")
        .file("checks/suite.toml", suite);
    let secret_file = gate.dir().join("checks/db_pass");
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = gate.args(&["run", "checks", "--json", "r.json"]).run();
    out.code(2);
    let expected = "error: secret `db_pass`: checks/db_pass may be read by others (mode 644): make it its owner's only (`chmod 600`)\n --> checks/suite.toml:2:20";
    assert!(
        out.stderr.contains(expected),
        "missing {expected:?} in\n{}",
        out.stderr
    );
    assert!(!out.stderr.contains("unknown variable"), "{}", out.stderr);
    assert!(!out.dir.path().join("r.json").exists(), "nothing ran");
}
