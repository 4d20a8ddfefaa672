//! `needs`: a check runs only after the checks it needs ended OK or WARNING, otherwise it is
//! skipped with the reason; independent checks keep running in parallel; cycles and unknown
//! names are config errors at the `needs` element.

use crate::harness::*;

/// A `[[check]]` running a Nagios plugin, waiting for `needs`.
fn needing(name: &str, command: &str, needs: &[&str]) -> String {
    let needs: Vec<String> = needs.iter().map(|n| format!("\"{n}\"")).collect();
    format!(
        "[[check]]\nname = \"{name}\"\nneeds = [{}]\nnagios = {{ command = \"{command}\" }}\n\n",
        needs.join(", ")
    )
}

#[test]
fn a_failing_root_skips_what_depends_on_it_and_fails_the_gate_once() {
    let suite = [
        needing("web", "check_dummy 0 web", &["app"]),
        needing("app", "check_dummy 0 app", &["database answers"]),
        check(
            "database answers",
            "{ command = \"check_dummy 2 'connection refused'\" }",
        ),
        check("cron", "{ command = \"check_dummy 0 ran\" }"),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&[
            "run", "--color", "never", "--json", "r.json", "--junit", "r.xml",
        ])
        .run();
    out.code(1);
    assert!(
        out.stdout.contains(
            "SKIPPED  app (counted under 'database answers')\n    skipped: needs 'database answers', which is CRITICAL\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "SKIPPED  web (counted under 'database answers')\n    skipped: needs 'app', which did not run\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("gate FAILED: 1 of 4 checks fail the gate (1 ok, 1 critical, 2 skipped)"),
        "{}",
        out.stdout
    );

    let json = out.json("r.json");
    assert_eq!(
        json["verdict"]["failing"],
        serde_json::json!(["database answers"])
    );
    assert_eq!(json["verdict"]["skipped"], 2);
    let app = &json["checks"][1];
    assert_eq!(app["name"], "app");
    assert_eq!(app["not_run"], "needs");
    assert_eq!(app["needs"], serde_json::json!(["database answers"]));
    assert_eq!(
        app["skipped_because"],
        serde_json::json!({"check": "database answers", "state": "CRITICAL"})
    );
    assert_eq!(
        json["checks"][0]["skipped_because"],
        serde_json::json!({"check": "app", "state": null})
    );
    assert_eq!(app["fails_gate"], false);
    assert!(
        app["attempts"].as_array().is_some_and(Vec::is_empty),
        "app never ran"
    );

    let xml = out.read("r.xml");
    let report = quick_junit::Report::deserialize_from_str(&xml).expect("JUnit");
    let case = report.test_suites[0]
        .test_cases
        .iter()
        .find(|c| c.name.as_str() == "app")
        .expect("app");
    match &case.status {
        quick_junit::TestCaseStatus::Skipped { message, .. } => assert_eq!(
            message.as_deref(),
            Some("skipped: needs 'database answers', which is CRITICAL (counted under 'database answers')")
        ),
        other => panic!("app: {other:?}"),
    }
}

#[test]
fn a_diamond_runs_in_order_and_independent_branches_overlap() {
    // Each check leaves a file when it is done and requires the files of what it needs, so the
    // run passes only in dependency order; b and c each hold until the other has started, so
    // they pass only side by side.
    let dir = tempfile::tempdir().expect("tempdir");
    let flag = |n: &str| dir.path().join(n).display().to_string();
    let step = |me: &str, needs: &[&str], body: String| {
        let required: Vec<String> = needs
            .iter()
            .map(|n| format!("test -e {} && ", flag(&format!("{n}-done"))))
            .collect();
        let listed: Vec<String> = needs.iter().map(|n| format!("\"{n}\"")).collect();
        format!(
            "[[check]]\nname = \"{me}\"\nneeds = [{}]\nexec = {{ command = \"/bin/sh -c '{}{body} && touch {}'\" }}\n\n",
            listed.join(", "),
            required.concat(),
            flag(&format!("{me}-done"))
        )
    };
    let meet = |me: &str, other: &str| {
        format!(
            "touch {}; i=0; while [ ! -e {} ] && [ $i -lt 250 ]; do sleep 0.02; i=$((i+1)); done; test -e {}",
            flag(me),
            flag(other),
            flag(other)
        )
    };
    let suite = [
        step("d", &["b", "c"], "true".to_string()),
        step("b", &["a"], meet("b", "c")),
        step("c", &["a"], meet("c", "b")),
        step("a", &[], "true".to_string()),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "-j", "4", "--color", "never"])
        .run();
    out.code(0);
    assert!(out.stdout.contains("(4 ok)"), "{}", out.stdout);
}

#[test]
fn waiting_never_holds_a_slot_so_one_job_slot_does_not_deadlock() {
    // The dependent comes first in the suite; with one slot it must not sit on it.
    let suite = [
        needing("app", "check_dummy 0 app", &["db"]),
        check("db", "{ command = \"check_dummy 0 db\" }"),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "-j", "1", "--color", "never"])
        .run();
    out.code(0);
    assert!(out.stdout.contains("2 ok"), "{}", out.stdout);
}

#[test]
fn a_warning_is_enough_an_optional_failure_is_not_and_fails_closed() {
    let warn = [
        needing("app", "check_dummy 0 app", &["disk"]),
        check("disk", "{ command = \"check_dummy 1 'almost full'\" }"),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&warn)
        .args(&["run", "--color", "never"])
        .run();
    out.code(0);
    assert!(
        out.stdout.contains("OK") && out.stdout.contains("app - OK: app"),
        "{}",
        out.stdout
    );

    // The optional check's failure does not fail the gate, so the check that could not run does.
    let optional = [
        needing("app", "check_dummy 0 app", &["cdn"]).as_str(),
        "[[check]]\nname = \"cdn\"\noptional = true\nnagios = { command = \"check_dummy 2 down\" }\n\n",
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&optional)
        .args(&["run", "--color", "never"])
        .run();
    out.code(1);
    assert!(
        out.stdout
            .contains("SKIPPED  app (fails the gate, never ran behind 'cdn')\n    skipped: needs 'cdn', which is CRITICAL"),
        "{}",
        out.stdout
    );
}

#[test]
fn selecting_a_check_brings_in_what_it_needs_and_list_shows_the_order() {
    let suite = [
        "[[check]]\nname = \"web\"\ntags = [\"smoke\"]\nneeds = [\"app\"]\nnagios = { command = \"check_dummy 0\" }\n\n",
        &needing("app", "check_dummy 0", &["db"]),
        &check("db", "{ command = \"check_dummy 0\" }"),
        &check("cron", "{ command = \"check_dummy 0\" }"),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["list", "--tag", "smoke"])
        .run();
    out.code(0);
    assert_eq!(
        out.stdout,
        "NAME  KIND    TAGS   SOURCE                  NEEDS\n\
         web   nagios  smoke  checks/suite.toml:2:8   app\n\
         app   nagios         checks/suite.toml:8:8   db\n\
         db    nagios         checks/suite.toml:13:8\n\
         3 checks (2 not selected but needed: app, db)\n"
    );
    let ran = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--tag", "smoke", "--color", "never"])
        .run();
    ran.code(0);
    assert!(ran.stdout.contains("(3 ok)"), "{}", ran.stdout);
}

#[test]
fn fanned_out_checks_wait_for_the_instance_on_their_host_or_for_every_other_host() {
    let suite = "\
[[check]]
name = \"app\"
needs = [\"load\", \"db\"]
nrpe = { command = \"check_app\", hosts = [\"web1\", \"web2\"] }

[[check]]
name = \"load\"
nrpe = { command = \"check_load\", hosts = [\"web2\", \"web1\"] }

[[check]]
name = \"db\"
nrpe = { command = \"check_db\", hosts = [\"db1\", \"db2\"] }

[[check]]
name = \"report\"
needs = [\"load\"]
nagios = { command = \"check_dummy 0\" }
";
    let out = Smokegate::new().suite(suite).args(&["list"]).run();
    out.code(0);
    let needs: Vec<(String, String)> = out
        .stdout
        .lines()
        .skip(1)
        .filter_map(|l| {
            let name = l.split("  ").next()?.trim().to_string();
            let needs = l
                .split("checks/suite.toml")
                .nth(1)?
                .split_once(' ')?
                .1
                .trim()
                .to_string();
            Some((name, needs))
        })
        .collect();
    let find = |n: &str| {
        needs
            .iter()
            .find(|(name, _)| name == n)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(
        find("app @ web1"),
        Some("load @ web1, db @ db1, db @ db2"),
        "{}",
        out.stdout
    );
    assert_eq!(
        find("app @ web2"),
        Some("load @ web2, db @ db1, db @ db2"),
        "{}",
        out.stdout
    );
    assert_eq!(
        find("report"),
        Some("load @ web2, load @ web1"),
        "{}",
        out.stdout
    );
}

#[test]
fn cycles_unknown_names_and_missing_hosts_are_errors_at_the_need() {
    let cycle = [
        needing("a", "check_dummy 0", &["b"]),
        needing("b", "check_dummy 0", &["c"]),
        needing("c", "check_dummy 0", &["b"]),
    ]
    .concat();
    let out = Smokegate::new().suite(&cycle).args(&["run"]).run();
    out.code(2);
    assert!(
        out.stderr
            .contains("error: `needs` form a cycle: b -> c -> b\n --> checks/suite.toml:8:10"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "nothing ran: {}", out.stdout);

    let unknown = [
        needing("a", "check_dummy 0", &["databse"]),
        needing("b", "check_dummy 0", &["b"]),
        check("database", "{ command = \"check_dummy 0\" }"),
    ]
    .concat();
    let out = Smokegate::new().suite(&unknown).args(&["validate"]).run();
    out.code(2);
    assert!(
        out.stderr.contains(
            "error: `needs`: no check named `databse` in the suite\n --> checks/suite.toml:3:10"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("error: check `b` needs itself\n --> checks/suite.toml:8:10"),
        "{}",
        out.stderr
    );

    // A check really named `db @ primary` is no instance of a fanned-out `db`.
    let named = [
        needing("a", "check_dummy 0", &["db"]),
        check("db @ primary", "{ command = \"check_dummy 0\" }"),
    ]
    .concat();
    let out = Smokegate::new().suite(&named).args(&["validate"]).run();
    out.code(2);
    assert!(
        out.stderr.contains(
            "error: `needs`: no check named `db` in the suite\n --> checks/suite.toml:3:10"
        ),
        "{}",
        out.stderr
    );

    let host = "\
[[check]]
name = \"app\"
needs = [\"load\"]
nrpe = { command = \"check_app\", hosts = [\"web1\", \"web3\"] }

[[check]]
name = \"load\"
nrpe = { command = \"check_load\", hosts = [\"web1\", \"web2\"] }
";
    let out = Smokegate::new().suite(host).args(&["validate"]).run();
    out.code(2);
    assert!(
        out.stderr.contains(
            "error: check `load` has no instance on `web3`, which `app @ web3` runs on\n --> checks/suite.toml:3:10"
        ),
        "{}",
        out.stderr
    );
}
