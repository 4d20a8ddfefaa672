//! Zero-rewrite adoption: nrpe.cfg commands (with include= and include_dir=) become checks,
//! `$ARGn$` needs arguments from the suite, and `smokegate import nrpe` prints a suite that
//! `validate` accepts.

use crate::harness::*;

fn nrpe_cfg() -> String {
    repo().join("fixtures/nrpe/nrpe.cfg").display().to_string()
}

#[test]
fn nrpe_commands_become_checks_with_their_origin() {
    let suite = format!(
        "[import]\nnrpe = [{{ file = \"{}\", args = {{ check_disk_arg = [\"20%\", \"10%\", \"/\"] }} }}]\n",
        nrpe_cfg()
    );
    let out = Smokegate::new().suite(&suite).args(&["list"]).run();
    out.code(0);
    stable().bind(|| insta::assert_snapshot!(out.stdout));
    // The later definition in nrpe.d/ replaced the one in nrpe.cfg, as NRPE does.
    assert!(
        out.stdout.contains(
            "check_users           nagios  nrpe  [REPO]/fixtures/nrpe/nrpe.d/web.cfg:3:9"
        ) || out.stdout.contains("nrpe.d/web.cfg:3:9")
    );

    let run = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    run.code(0);
    let json = run.json("r.json");
    let names: Vec<&str> = json["checks"].as_array().map_or(vec![], |a| {
        a.iter().filter_map(|c| c["name"].as_str()).collect()
    });
    assert_eq!(names.len(), 8);
    let by_name = |n: &str| {
        json["checks"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["name"] == n))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        by_name("check_disk_arg")["command"],
        "/usr/lib/nagios/plugins/check_disk -w '20%' -c '10%' -p /"
    );
    assert_eq!(
        by_name("check_shell_pipeline")["summary"],
        "OK: via shell",
        "run through /bin/sh -c as NRPE does"
    );
    assert_eq!(
        by_name("check_users")["command"],
        "/usr/lib/nagios/plugins/check_users -w 60 -c 120"
    );
}

#[test]
fn arg_macros_without_arguments_are_an_error_at_their_line() {
    let suite = format!("[import]\nnrpe = [\"{}\"]\n", nrpe_cfg());
    let out = Smokegate::new().suite(&suite).args(&["validate"]).run();
    out.code(2);
    assert!(
        out.stderr.contains("fixtures/nrpe/nrpe.cfg:21:25"),
        "{}",
        out.stderr
    );
    stable().bind(|| insta::assert_snapshot!(out.stderr));
}

#[test]
fn selecting_commands_and_tagging_them() {
    let suite = format!(
        "[import]\nnrpe = [{{ file = \"{}\", commands = [\"check_*_procs\", \"check_load\"], tags = [\"web\"] }}]\n",
        nrpe_cfg()
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["list", "--tag", "web"])
        .run();
    out.code(0);
    let names: Vec<&str> = out
        .stdout
        .lines()
        .skip(1)
        .filter(|l| !l.ends_with("checks"))
        .map(|l| l.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        ["check_load", "check_zombie_procs", "check_web_procs"]
    );
}

#[test]
fn import_nrpe_prints_a_suite_that_validates() {
    let printed = Smokegate::new()
        .args(&["import", "nrpe", &nrpe_cfg()])
        .run();
    printed.code(0);
    assert!(
        printed.stdout.contains("# needs arguments for $ARGn$"),
        "{}",
        printed.stdout
    );
    let out = Smokegate::new()
        .suite(&printed.stdout)
        .args(&["validate"])
        .run();
    out.code(0);
    assert_eq!(out.stdout, "ok: 7 checks selected from 1 suite files\n");
    let missing = Smokegate::new()
        .args(&["import", "nrpe", "/nonexistent/nrpe.cfg"])
        .run();
    missing.code(2);
    assert!(
        missing
            .stderr
            .contains("cannot read NRPE config /nonexistent/nrpe.cfg"),
        "{}",
        missing.stderr
    );
}
