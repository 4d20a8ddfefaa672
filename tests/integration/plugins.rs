//! How a plugin is run: real Debian plugins, hostile fixture plugins (bad exits, hangs, floods, grandchildren), and that nothing a plugin started is left running.

use std::time::Duration;

use crate::harness::*;

#[test]
fn hostile_plugins_map_to_unknown_with_the_reason() {
    let suite = [
        check("exit 42", "{ plugin = \"${FIXTURES}/exit42\" }"),
        check("signal", "{ plugin = \"${FIXTURES}/die_by_signal\" }"),
        check(
            "not executable",
            "{ plugin = \"${FIXTURES}/not_executable\" }",
        ),
        check(
            "not found in shell",
            "{ command = \"/bin/sh -c 'no_such_command_smk'\" }",
        ),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let summary = |i: usize| {
        json["checks"][i]["summary"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    for i in 0..4 {
        assert_eq!(
            json["checks"][i]["state"],
            "UNKNOWN",
            "check {i}: {}",
            summary(i)
        );
    }
    assert!(summary(0).starts_with("exit code 42"), "{}", summary(0));
    assert!(summary(1).starts_with("killed by signal"), "{}", summary(1));
    assert!(summary(2).starts_with("exit code 126"), "{}", summary(2));
    assert!(summary(3).starts_with("exit code 127"), "{}", summary(3));
}

#[test]
fn a_hung_plugin_costs_its_timeout_plus_grace_and_leaves_nothing() {
    let marker = marker("hang");
    let suite = "[[check]]\nname = \"hangs\"\ntimeout = \"500ms\"\nnagios = { plugin = \"${FIXTURES}/hang\" }\n\n\
                 [[check]]\nname = \"ignores TERM\"\ntimeout = \"500ms\"\nnagios = { plugin = \"${FIXTURES}/ignore_term\" }\n";
    let out = Smokegate::new()
        .suite(suite)
        .marked(&marker)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    // 500 ms timeout + 1 s grace for the one that ignores SIGTERM, in parallel; the guard only
    // turns a hang (the plugins sleep 300 s) into a failure.
    assert!(
        out.elapsed >= Duration::from_millis(1400) && out.elapsed < Duration::from_secs(30),
        "took {:?}",
        out.elapsed
    );
    let json = out.json("r.json");
    for i in 0..2 {
        assert_eq!(json["checks"][i]["state"], "UNKNOWN");
        assert_eq!(json["checks"][i]["summary"], "timed out after 500ms");
    }
    // The one that obeys SIGTERM ended before the one that needed SIGKILL after the grace.
    let duration = |i: usize| json["checks"][i]["duration_s"].as_f64().unwrap_or(99.0);
    assert!(duration(0) < duration(1), "{json}");
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

#[test]
fn a_grandchild_holding_stdout_does_not_hold_the_check() {
    let marker = marker("grandchild");
    let out = Smokegate::new()
        .suite(&check(
            "daemonizes badly",
            "{ plugin = \"${FIXTURES}/grandchild_holds_stdout\" }",
        ))
        .marked(&marker)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(0);
    // The grandchild sleeps 300 s holding stdout: a guard against waiting for it.
    assert!(
        out.elapsed < Duration::from_secs(30),
        "took {:?}",
        out.elapsed
    );
    let json = out.json("r.json");
    assert_eq!(json["checks"][0]["summary"], "OK - parent done");
    let evidence = json["checks"][0]["evidence"].to_string();
    assert!(evidence.contains("leftover process"), "{evidence}");
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

#[test]
fn a_flood_of_output_is_bounded() {
    let out = Smokegate::new()
        .suite(&check("floods", "{ plugin = \"${FIXTURES}/flood\" }"))
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(0);
    let json = out.json("r.json");
    let evidence = json["checks"][0]["evidence"].to_string();
    assert!(evidence.contains("stdout truncated"), "{evidence}");
    assert!(
        evidence.contains("kept the first 65536 bytes"),
        "{evidence}"
    );
    assert!(
        out.read("r.json").len() < 1_000_000,
        "the report carries the head only"
    );
}

#[test]
fn real_plugins_against_loopback() {
    let open = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let open_port = open.local_addr().expect("addr").port();
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let http_port = http_server(200, "<h1>Welcome</h1>");
    let broken_port = http_server(500, "Traceback (most recent call last)");
    let suite = [
        check(
            "tcp open",
            &format!("{{ command = \"check_tcp -H 127.0.0.1 -p {open_port}\" }}"),
        ),
        check(
            "tcp closed",
            &format!("{{ command = \"check_tcp -H 127.0.0.1 -p {closed_port}\" }}"),
        ),
        check(
            "http ok",
            &format!("{{ command = \"check_http -H 127.0.0.1 -p {http_port} -u / -s Welcome\" }}"),
        ),
        check(
            "http 500",
            &format!("{{ command = \"check_http -H 127.0.0.1 -p {broken_port} -u /\" }}"),
        ),
        check("procs", "{ command = \"check_procs -w 1:100000 -c 1:\" }"),
        check("disk", "{ command = \"check_disk -w 1% -c 1% -p /\" }"),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let states: Vec<&str> = (0..6)
        .map(|i| json["checks"][i]["state"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        states,
        ["OK", "CRITICAL", "OK", "CRITICAL", "OK", "OK"],
        "{json:#}"
    );
    assert_eq!(json["checks"][0]["perfdata"][0]["label"], "time");
    assert_eq!(json["checks"][0]["perfdata"][0]["uom"], "s");
    assert!(
        json["checks"][3]["summary"]
            .as_str()
            .unwrap_or("")
            .contains("500"),
        "{}",
        json["checks"][3]["summary"]
    );
    assert_eq!(
        json["verdict"]["failing"],
        serde_json::json!(["tcp closed", "http 500"])
    );
    drop(open);
}

#[test]
fn a_process_that_leaves_the_group_still_ends_with_the_run() {
    let marker = marker("setsid");
    let out = Smokegate::new()
        .suite(&check(
            "escapes its group",
            "{ plugin = \"${FIXTURES}/setsid_grandchild\" }",
        ))
        .marked(&marker)
        .args(&["run"])
        .run();
    out.code(0);
    // A hang guard: the escaped grandchild sleeps 300 s.
    assert!(
        out.elapsed < Duration::from_secs(15),
        "took {:?}",
        out.elapsed
    );
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

#[test]
fn the_example_suite_passes_on_this_machine() {
    let out = Smokegate::in_repo()
        .args(&["run", "checks", "--color", "never"])
        .run();
    out.code(0);
    assert!(out.stdout.contains("gate PASSED"), "{}", out.stdout);
}
