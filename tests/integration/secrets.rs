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
