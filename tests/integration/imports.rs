//! Zero-rewrite adoption: nrpe.cfg commands (with include= and include_dir=) become checks,
//! `$ARGn$` needs arguments from the suite, and `smokegate import nrpe` prints a suite that
//! `validate` accepts.

use crate::harness::*;

#[test]
fn nrpe_commands_become_checks_with_their_origin() {
    let (_fixture, nrpe_cfg) = nrpe_fixture();
    let suite = format!(
        "[import]\nnrpe = [{{ file = \"{}\", args = {{ check_disk_arg = [\"20%\", \"10%\", \"/\"] }} }}]\n",
        nrpe_cfg
    );
    let out = Smokegate::new().suite(&suite).args(&["list"]).run();
    out.code(0);
    stable().bind(|| insta::assert_snapshot!(out.stdout));
    // The later definition in nrpe.d/ replaced the one in nrpe.cfg, as NRPE does.
    assert!(out.stdout.contains("/nrpe.d/web.cfg:3:9"), "{}", out.stdout);

    let run = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    let json = run.json("r.json");
    // Load, disk, users and process counts are this machine's state (zombies left by other
    // tests' killed processes until init reaps them): each must be a real plugin answer; the
    // commands that depend on nothing else must pass.
    for check in json["checks"].as_array().into_iter().flatten() {
        let name = check["name"].as_str().unwrap_or_default();
        let state = check["state"].as_str().unwrap_or_default();
        if [
            "check_app_heartbeat",
            "check_shell_pipeline",
            "check_disk_arg",
        ]
        .contains(&name)
        {
            assert_eq!(state, "OK", "{name}: {}", check["summary"]);
        } else {
            assert!(
                ["OK", "WARNING", "CRITICAL"].contains(&state),
                "{name}: {state} {}",
                check["summary"]
            );
        }
    }
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
        // NRPE 4.1 closes the unpaired `$` of `$(...)` with another before its shell runs it.
        "OK: via shell$",
        "run through /bin/sh -c as NRPE does"
    );
    assert_eq!(
        by_name("check_users")["command"],
        "/usr/lib/nagios/plugins/check_users -w 60 -c 120"
    );
}

/// A command that uses `$ARGn$` with no `args` in the suite is left out saying how to give
/// them; the file's other commands are imported. It is never run (with the literal `$ARGn$` or
/// otherwise) and never counted: the run's counts do not have it, and selecting it alone
/// selects nothing.
#[test]
fn arg_macros_without_arguments_are_skipped_saying_how_to_give_them() {
    let (_fixture, nrpe_cfg) = nrpe_fixture();
    let suite = format!("[import]\nnrpe = [\"{}\"]\n", nrpe_cfg);
    let out = Smokegate::new().suite(&suite).args(&["validate"]).run();
    out.code(0);
    assert_eq!(
        out.stdout,
        format!(
            "ok: 7 checks selected from 1 suite file\n\
             skipped: {nrpe_cfg}:21:9: check_disk_arg needs $ARG1$ $ARG2$ $ARG3$: give them as args = {{ check_disk_arg = [\"...\", \"...\", \"...\"] }}; not imported\n"
        )
    );
    let list = Smokegate::new().suite(&suite).args(&["list"]).run();
    list.code(0);
    assert!(
        list.stdout.contains("\n7 checks\nskipped: "),
        "{}",
        list.stdout
    );
    assert!(!list.stdout.contains("check_disk_arg  "), "{}", list.stdout);
    for name in [
        "check_users",
        "check_load",
        "check_root_disk",
        "check_app_heartbeat",
    ] {
        assert!(list.stdout.contains(name), "{name} lost: {}", list.stdout);
    }
    let run = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    let json = run.json("r.json");
    let names: Vec<&str> = json["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(!names.contains(&"check_disk_arg"), "{names:?}");
    assert_eq!(json["verdict"]["total"], 7, "{}", json["verdict"]);
    let alone = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--name", "check_disk_arg"])
        .run();
    assert_eq!(alone.code, 2, "{}{}", alone.stdout, alone.stderr);
}

/// Arguments given for a command but too few, or a command named in `commands` as it is without
/// its arguments: meant to run, so an error at its line.
#[test]
fn arg_macros_of_a_command_meant_to_run_are_an_error_at_their_line() {
    let (_fixture, nrpe_cfg) = nrpe_fixture();
    for entry in [
        format!("{{ file = \"{nrpe_cfg}\", args = {{ check_disk_arg = [\"20%\"] }} }}"),
        format!("{{ file = \"{nrpe_cfg}\", commands = [\"check_load\", \"check_disk_arg\"] }}"),
    ] {
        let out = Smokegate::new()
            .suite(&format!("[import]\nnrpe = [{entry}]\n"))
            .args(&["validate"])
            .run();
        out.code(2);
        let n = if entry.contains("20%") { 2 } else { 1 };
        assert!(
            out.stderr.starts_with(&format!(
                "error: command `check_disk_arg` uses $ARG{n}$ but no argument {n} is given\n --> {nrpe_cfg}:21:25\n"
            )),
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
}

/// A copy of `fixtures/NAME` in a temp dir with `@HERE@` replaced by the copy's path, and the
/// path of its nrpe.cfg.
fn fixture_copy(name: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let here = dir.path().display().to_string();
    let from = repo().join("fixtures").join(name);
    for entry in std::fs::read_dir(&from).expect("fixture") {
        let entry = entry.expect("entry");
        let text = std::fs::read_to_string(entry.path()).expect("read fixture");
        std::fs::write(
            dir.path().join(entry.file_name()),
            text.replace("@HERE@", &here),
        )
        .expect("write fixture");
    }
    let cfg = dir.path().join("nrpe.cfg").display().to_string();
    (dir, cfg)
}

/// An `include=` and an `include_dir=` that do not exist: NRPE 4.1 logs each and goes on; so
/// does the import, with a warning line at each, and every command of the file is imported.
/// Wrapped (`env LANG=C ...`, `LC_ALL=C ...`, `timeout 50 ...`) and bare (`uptime`) programs
/// are found in NRPE's PATH.
#[test]
fn a_missing_include_is_a_warning_and_wrapped_programs_are_found_in_nrpes_path() {
    let (_fixture, nrpe_cfg) = fixture_copy("nrpe-wrapped");
    let here = std::path::Path::new(&nrpe_cfg)
        .parent()
        .expect("dir")
        .display()
        .to_string();
    let suite = format!(
        "[import]\nnrpe = [{{ file = \"{nrpe_cfg}\", args = {{ check_disk = [\"20%\", \"10%\"] }} }}]\n"
    );
    let out = Smokegate::new().suite(&suite).args(&["validate"]).run();
    out.code(0);
    assert_eq!(
        out.stdout,
        format!(
            "ok: 5 checks selected from 1 suite file\n\
             skipped: {nrpe_cfg}:29:9: `include={here}/nrpe_local.cfg`: no such file; NRPE logs it and goes on without it, and so does this import\n\
             skipped: {nrpe_cfg}:30:13: `include_dir={here}/nrpe.d/`: no such folder; NRPE logs it and goes on without it, and so does this import\n\
             skipped: {nrpe_cfg}:26:9: check_procs_arg needs $ARG1$ $ARG2$ $ARG3$: give them as args = {{ check_procs_arg = [\"...\", \"...\", \"...\"] }}; not imported\n"
        )
    );
    let list = Smokegate::new()
        .suite(&suite)
        .args(&["list", "--json"])
        .run();
    list.code(0);
    let json: serde_json::Value = serde_json::from_str(&list.stdout).expect("json");
    let commands: Vec<(String, String)> = json["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (field("name"), field("command"))
        })
        .collect();
    let p = "/usr/lib/nagios/plugins";
    let want: Vec<(String, String)> = [
        (
            "check_load",
            format!("/usr/bin/env 'LANG=C' {p}/check_load -r -w 15,10,5 -c 30,25,20"),
        ),
        (
            "check_users",
            format!("/usr/bin/env 'LC_ALL=C' {p}/check_users -w 50 -c 100"),
        ),
        (
            "check_slow_disk",
            format!("/usr/bin/timeout 50 {p}/check_disk -w '10%' -c '5%' -p /"),
        ),
        ("check_uptime", "/usr/bin/uptime".to_string()),
        ("check_disk", format!("{p}/check_disk -w '20%' -c '10%'")),
    ]
    .into_iter()
    .map(|(n, c)| (n.to_string(), c))
    .collect();
    assert_eq!(commands, want);
    // The wrapped plugins really run.
    let run = Smokegate::new()
        .suite(&suite)
        .args(&[
            "run",
            "--json",
            "r.json",
            "--name",
            "check_load",
            "--name",
            "check_uptime",
        ])
        .run();
    for check in run.json("r.json")["checks"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let state = check["state"].as_str().unwrap_or_default();
        assert!(["OK", "WARNING", "CRITICAL"].contains(&state), "{check}");
    }
}

/// A missing include_dir does not hide the file's other errors: each is reported at its place,
/// the file's own and its commands'. A program found nowhere names where it was looked for.
#[test]
fn a_missing_include_dir_does_not_hide_the_files_other_errors() {
    let gate = Smokegate::new();
    let gone = gate.dir().join("nrpe.d").display().to_string();
    let out = gate
        .file(
            "nrpe.cfg",
            &format!(
                "server_port=5666\ninclude_dir={gone}\ncommand[check_ok]=/usr/lib/nagios/plugins/check_dummy 0 fine\n\
                 command[]=/bin/true\ncommand[check_foo]=check_foo -w 1\n"
            ),
        )
        .suite("[import]\nnrpe = [\"../nrpe.cfg\"]\n")
        .args(&["validate"])
        .run();
    out.code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: empty command name\n --> checks/../nrpe.cfg:4:9\n  |\n4 | command[]=/bin/true\n  |         ^\n\n\
         error: program `check_foo` not found: looked in NRPE's PATH (/usr/bin:/bin:/usr/sbin:/sbin), /usr/lib/nagios/plugins, /usr/lib64/nagios/plugins, /usr/local/nagios/libexec\n \
         --> checks/../nrpe.cfg:5:20\n  |\n5 | command[check_foo]=check_foo -w 1\n  |                    ^^^^^^^^^^^^^^\n\n\
         error: the suite has 2 errors; nothing ran\n"
    );
}

#[test]
fn selecting_commands_and_tagging_them() {
    let (_fixture, nrpe_cfg) = nrpe_fixture();
    let suite = format!(
        "[import]\nnrpe = [{{ file = \"{}\", commands = [\"check_*_procs\", \"check_load\"], tags = [\"web\"] }}]\n",
        nrpe_cfg
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

/// `name` and `command` of each check `list --json` shows.
fn listed_commands(list: &Output) -> Vec<(String, String)> {
    list.code(0);
    let json: serde_json::Value = serde_json::from_str(&list.stdout).expect("json");
    json["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (field("name"), field("command"))
        })
        .collect()
}

/// `smokegate import nrpe` prints each command with the program `[import] nrpe` resolves
/// (`env`, `timeout` and `uptime` from NRPE's PATH, `NAME=value` through `env`): the printed
/// suite validates and runs what the import runs. What it leaves out is said on stderr.
#[test]
fn import_nrpe_round_trips_wrapped_and_bare_programs() {
    let (_fixture, nrpe_cfg) = fixture_copy("nrpe-wrapped");
    let here = std::path::Path::new(&nrpe_cfg)
        .parent()
        .expect("dir")
        .display()
        .to_string();
    let printed = Smokegate::new().args(&["import", "nrpe", &nrpe_cfg]).run();
    printed.code(0);
    assert_eq!(
        printed.stderr,
        format!(
            "skipped: {nrpe_cfg}:29:9: `include={here}/nrpe_local.cfg`: no such file; NRPE logs it and goes on without it, and so does this import\n\
             skipped: {nrpe_cfg}:30:13: `include_dir={here}/nrpe.d/`: no such folder; NRPE logs it and goes on without it, and so does this import\n\
             skipped: {nrpe_cfg}:25:9: check_disk needs $ARG1$ $ARG2$: printed commented out; fill them in, then uncomment\n\
             skipped: {nrpe_cfg}:26:9: check_procs_arg needs $ARG1$ $ARG2$ $ARG3$: printed commented out; fill them in, then uncomment\n"
        )
    );
    stable().bind(|| insta::assert_snapshot!(printed.stdout));

    let converted = Smokegate::new().suite(&printed.stdout);
    let validate = converted.args(&["validate"]).run();
    validate.code(0);
    assert_eq!(validate.stdout, "ok: 4 checks selected from 1 suite file\n");
    assert_eq!(validate.stderr, "");

    let from_import = Smokegate::new()
        .suite(&format!("[import]\nnrpe = [\"{nrpe_cfg}\"]\n"))
        .args(&["list", "--json"])
        .run();
    let from_printed = Smokegate::new()
        .suite(&printed.stdout)
        .args(&["list", "--json"])
        .run();
    let p = "/usr/lib/nagios/plugins";
    let want: Vec<(String, String)> = [
        (
            "check_load",
            format!("/usr/bin/env 'LANG=C' {p}/check_load -r -w 15,10,5 -c 30,25,20"),
        ),
        (
            "check_users",
            format!("/usr/bin/env 'LC_ALL=C' {p}/check_users -w 50 -c 100"),
        ),
        (
            "check_slow_disk",
            format!("/usr/bin/timeout 50 {p}/check_disk -w '10%' -c '5%' -p /"),
        ),
        ("check_uptime", "/usr/bin/uptime".to_string()),
    ]
    .into_iter()
    .map(|(n, c)| (n.to_string(), c))
    .collect();
    assert_eq!(listed_commands(&from_import), want);
    assert_eq!(listed_commands(&from_printed), want);

    // And it runs: uptime says nothing a plugin would, and exit 0 is OK.
    let run = Smokegate::new()
        .suite(&printed.stdout)
        .args(&["run", "--name", "check_uptime", "--json", "r.json"])
        .run();
    run.code(0);
    assert_eq!(run.stderr, "");
    assert_eq!(run.json("r.json")["checks"][0]["state"], "OK");
}

/// A command whose program is found nowhere is printed as written, with a warning; the other
/// commands of the file (one with a glob character in its name) still name their program.
#[test]
fn import_nrpe_prints_an_unresolved_program_as_written_with_a_warning() {
    let gate = Smokegate::new().file(
        "nrpe.cfg",
        "command[check_foo]=check_foo -w 1\ncommand[up*]=uptime\n",
    );
    let cfg = gate.dir().join("nrpe.cfg").display().to_string();
    let printed = gate.args(&["import", "nrpe", &cfg]).run();
    printed.code(0);
    assert_eq!(
        printed.stderr,
        format!(
            "warning: {cfg}:1:9: check_foo: program `check_foo` not found: looked in NRPE's PATH (/usr/bin:/bin:/usr/sbin:/sbin), /usr/lib/nagios/plugins, /usr/lib64/nagios/plugins, /usr/local/nagios/libexec; printed as written\n"
        )
    );
    assert_eq!(
        printed.stdout,
        format!(
            "# Imported by `smokegate import nrpe`: one check per NRPE command.\n\
             \n# {cfg}:1\n[[check]]\nname = \"check_foo\"\ntags = [\"nrpe\"]\n\n[check.nagios]\ncommand = \"check_foo -w 1\"\n\
             \n# {cfg}:2\n[[check]]\nname = \"up*\"\ntags = [\"nrpe\"]\n\n[check.nagios]\ncommand = \"/usr/bin/uptime\"\n"
        )
    );
}

/// `run` says what imports left out, on stderr before the run, and the JSON report lists it;
/// the gate's verdict does not count it. A secret in such a line is masked, as everywhere.
#[test]
fn run_says_what_imports_left_out_and_the_json_report_lists_it() {
    let (fixture, nrpe_cfg) = fixture_copy("nrpe-wrapped");
    // The fixture's folder name doubles as a secret: every line naming the file shows ****.
    let secret = fixture
        .path()
        .file_name()
        .expect("name")
        .to_string_lossy()
        .to_string();
    let masked = nrpe_cfg.replace(&secret, "****");
    let suite = format!(
        "[secrets]\nfolder = \"{secret}\"\n\n[import]\nnrpe = [{{ file = \"{nrpe_cfg}\", args = {{ check_disk = [\"20%\", \"10%\"] }} }}]\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&[
            "run",
            "--name",
            "check_uptime",
            "--json",
            "r.json",
            "--junit",
            "r.xml",
        ])
        .run();
    out.code(0);
    let here = std::path::Path::new(&masked)
        .parent()
        .expect("dir")
        .display()
        .to_string();
    let lines = [
        format!("{masked}:29:9: `include={here}/nrpe_local.cfg`: no such file; NRPE logs it and goes on without it, and so does this import"),
        format!("{masked}:30:13: `include_dir={here}/nrpe.d/`: no such folder; NRPE logs it and goes on without it, and so does this import"),
        format!("{masked}:26:9: check_procs_arg needs $ARG1$ $ARG2$ $ARG3$: give them as args = {{ check_procs_arg = [\"...\", \"...\", \"...\"] }}; not imported"),
    ];
    let said: String = lines.iter().map(|l| format!("skipped: {l}\n")).collect();
    assert_eq!(out.stderr, said);
    assert!(!out.stdout.contains(&secret), "{}", out.stdout);
    let validate = Smokegate::new().suite(&suite).args(&["validate"]).run();
    assert_eq!(
        validate.stdout,
        format!("ok: 5 checks selected from 1 suite file\n{said}")
    );
    let json = out.json("r.json");
    assert_eq!(json["skipped"], serde_json::json!(lines));
    assert_eq!(json["verdict"]["passed"], true);
    assert_eq!(json["verdict"]["total"], 1);
    assert!(!out.read("r.json").contains(&secret));
    // The JUnit report keeps them as properties of its testsuite, as it keeps labels.
    let junit = quick_junit::Report::deserialize_from_str(&out.read("r.xml")).expect("JUnit");
    let kept: Vec<String> = junit.test_suites[0]
        .properties
        .iter()
        .filter(|p| p.name.as_str() == "smokegate.skipped")
        .map(|p| p.value.to_string())
        .collect();
    assert_eq!(kept, lines);
    assert!(!out.read("r.xml").contains(&secret));
}

#[test]
fn import_nrpe_prints_a_suite_that_validates() {
    let (_fixture, nrpe_cfg) = nrpe_fixture();
    let printed = Smokegate::new().args(&["import", "nrpe", &nrpe_cfg]).run();
    printed.code(0);
    assert!(
        printed.stdout.contains("nrpe.cfg:21: needs arguments for $ARGn$; fill them in, then uncomment\n# [[check]]\n# name = \"check_disk_arg\""),
        "{}",
        printed.stdout
    );
    let out = Smokegate::new()
        .suite(&printed.stdout)
        .args(&["validate"])
        .run();
    out.code(0);
    assert_eq!(out.stdout, "ok: 7 checks selected from 1 suite file\n");
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

fn nagios_import(extra: &str) -> String {
    let dir = repo().join("fixtures/nagios");
    format!(
        "[import]\nnagios = {{ config = [\"{}\"], resource = \"{}\"{extra} }}\n",
        dir.join("nagios.cfg").display(),
        dir.join("resource.cfg").display()
    )
}

#[test]
fn nagios_services_become_one_check_per_host() {
    let out = Smokegate::new()
        .suite(&nagios_import(""))
        .args(&["list"])
        .run();
    out.code(0);
    stable().bind(|| insta::assert_snapshot!(out.stdout));
    let run = Smokegate::new()
        .suite(&nagios_import(
            ", hostgroups = [\"app\"], services = [\"HTTP says*\", \"Dummy*\"]",
        ))
        .args(&["run", "--json", "r.json"])
        .run();
    run.code(0);
    let json = run.json("r.json");
    let got: Vec<(String, String)> = json["checks"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        c["name"].as_str().unwrap_or("").to_string(),
                        c["summary"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        got,
        [
            (
                "HTTP says hello @ web1".to_string(),
                "OK: HTTP says hello on web1 (Web server 1, tier gold)".to_string()
            ),
            (
                "Dummy with bang @ web1".to_string(),
                "OK: it works!".to_string()
            ),
            (
                "HTTP says hello @ web2".to_string(),
                "OK: HTTP says hello on web2 (Web server 2, tier gold)".to_string()
            ),
        ]
    );
    assert_eq!(
        json["checks"][0]["tags"],
        serde_json::json!(["nagios", "web1", "app"])
    );
}

#[test]
fn nagios_config_errors_point_at_their_place() {
    let out = Smokegate::in_repo()
        .args(&["import", "nagios", "fixtures/bad/nagios_objects.cfg"])
        .run();
    out.code(2);
    for loc in [
        "nagios_objects.cfg:11:29",
        "nagios_objects.cfg:20:29",
        // At the macro in the command_line, not at the start of the line's value.
        "nagios_objects.cfg:3:59",
    ] {
        assert!(
            out.stderr.contains(&format!("{loc}\n")),
            "missing {loc}: {}",
            out.stderr
        );
    }
    insta::assert_snapshot!(out.stderr);
    let out = Smokegate::in_repo()
        .args(&["import", "nagios", "fixtures/bad/nagios_unterminated.cfg"])
        .run();
    out.code(2);
    insta::assert_snapshot!(out.stderr);
    let out = Smokegate::in_repo()
        .args(&["import", "nagios", "fixtures/nagios", "--host", "web9"])
        .run();
    out.code(2);
    assert!(
        out.stderr
            .contains("no host `web9` in the Nagios configuration"),
        "{}",
        out.stderr
    );
}

#[test]
fn import_nagios_prints_a_suite_that_validates() {
    let printed = Smokegate::in_repo()
        .args(&[
            "import",
            "nagios",
            "fixtures/nagios/nagios.cfg",
            "--resource",
            "fixtures/nagios/resource.cfg",
        ])
        .run();
    printed.code(0);
    let out = Smokegate::new()
        .suite(&printed.stdout)
        .args(&["validate"])
        .run();
    out.code(0);
    assert_eq!(out.stdout, "ok: 7 checks selected from 1 suite file\n");
}

#[test]
fn import_selections_that_select_nothing_are_errors() {
    let (_fixture, nrpe_cfg) = nrpe_fixture();
    // A typo in a selection would drop the check it meant while the gate passes on the rest.
    let suite = format!(
        "[import]\nnrpe = [{{ file = \"{}\", commands = [\"check_dsik\", \"check_*\"] }}]\n",
        nrpe_cfg
    );
    let out = Smokegate::new().suite(&suite).args(&["validate"]).run();
    out.code(2);
    assert!(
        out.stderr
            .contains("error: `commands` has `check_dsik`, which matches no command of"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(" --> checks/suite.toml:2:"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("`check_*`"), "{}", out.stderr);

    let nagios = repo().join("fixtures/nagios/nagios.cfg");
    let suite = format!(
        "[import]\nnagios = {{ config = [\"{}\"], resource = \"{}\", services = [\"HTPP*\", \"HTTP*\"] }}\n",
        nagios.display(),
        repo().join("fixtures/nagios/resource.cfg").display()
    );
    let out = Smokegate::new().suite(&suite).args(&["validate"]).run();
    out.code(2);
    assert!(
        out.stderr
            .contains("error: no service matches `HTPP*` in the Nagios configuration"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("`HTTP*`"), "{}", out.stderr);
}

#[test]
fn an_nrpe_include_cycle_is_one_error_at_its_line() {
    // include= of itself, twice: 131 072 errors before, and three times it hung.
    let gate = Smokegate::new();
    let this = gate.dir().join("checks/self.cfg").display().to_string();
    let gate = gate.file(
        "checks/self.cfg",
        &format!("include={this}\ninclude={this}\ninclude={this}\ncommand[x]=/bin/true\n"),
    );
    let out = gate
        .suite("[import]\nnrpe = [\"self.cfg\"]\n")
        .args(&["validate"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr.matches("error: include cycle:").count(),
        3,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "error: include cycle: checks/self.cfg includes {this}\n --> checks/self.cfg:1:9"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .ends_with("error: the suite has 3 errors; nothing ran\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn nagios_cfg_file_chains_have_no_silent_depth_limit() {
    // main0.cfg -> main1.cfg -> ... -> main11.cfg -> objects.cfg: twelve levels, all followed.
    let mut gate = Smokegate::new();
    for i in 0..12 {
        let next = if i == 11 {
            "objects.cfg".to_string()
        } else {
            format!("main{}.cfg", i + 1)
        };
        gate = gate.file(
            &format!("nagios/main{i}.cfg"),
            &format!("cfg_file={next}\n"),
        );
    }
    gate = gate.file(
        "nagios/objects.cfg",
        "define command {\n  command_name check_ok\n  command_line /usr/lib/nagios/plugins/check_dummy 0 deep\n}\n\
         define host {\n  host_name deep\n  address 127.0.0.1\n}\n\
         define service {\n  host_name deep\n  service_description Deep\n  check_command check_ok\n}\n",
    );
    let out = gate
        .suite("[import]\nnagios = { config = [\"../nagios/main0.cfg\"] }\n")
        .args(&["list"])
        .run();
    out.code(0);
    assert!(out.stdout.contains("Deep @ deep"), "{}", out.stdout);
}

/// A check that leaves `ran` in the run's folder when it runs, to prove that nothing did.
fn witness(gate: &Smokegate) -> String {
    format!(
        "[[check]]\nname = \"witness\"\nnagios = {{ command = \"/usr/bin/touch {}\" }}\n",
        gate.dir().join("ran").display()
    )
}

#[test]
fn every_selection_entry_that_selects_nothing_is_an_error_at_its_place() {
    let (_fixture, nrpe_cfg) = nrpe_fixture();
    // Each entry is on a line of its own; the error is at that entry, not at the whole import.
    let nagios = repo().join("fixtures/nagios");
    let gate = Smokegate::new();
    let suite = format!(
        "{}\n[[import.nrpe]]\nfile = \"{}\"\ncommands = [\"check_load\", \"check_dsik\", \"check_*_procs\"]\n\n\
         [import.nagios]\nconfig = [\"{}\"]\nresource = \"{}\"\n\
         hosts = [\"web1\", \"web9\", \"db1\"]\nhostgroups = [\"ap\"]\nservices = [\n  \"HTTP*\",\n  \"HTPP*\",\n  \"DB procs\",\n  \"Dummy*\",\n]\n",
        witness(&gate),
        nrpe_cfg,
        nagios.join("nagios.cfg").display(),
        nagios.join("resource.cfg").display(),
    );
    let out = gate.suite(&suite).args(&["run"]).run();
    out.code(2);
    assert!(
        !out.dir.path().join("ran").exists(),
        "a check ran although the suite had an error"
    );
    // check_dsik; web9 (no such host); ap (no such hostgroup); HTPP* (no such service).
    for loc in ["7:27", "12:18", "13:15", "16:3"] {
        assert!(
            out.stderr
                .contains(&format!(" --> checks/suite.toml:{loc}\n")),
            "missing {loc} in\n{}",
            out.stderr
        );
    }
    stable().bind(|| insta::assert_snapshot!(out.stderr));

    // Entries that exist but select nothing together with the rest of the selection.
    let import = |selection: &str| {
        format!(
            "[import.nagios]\nconfig = [\"{}\"]\nresource = \"{}\"\n{selection}",
            nagios.join("nagios.cfg").display(),
            nagios.join("resource.cfg").display(),
        )
    };
    let out = Smokegate::new()
        .file(
            "checks/a.toml",
            &import("hosts = [\"db1\"]\nhostgroups = [\"app\"]\nservices = [\"HTTP says*\"]\n"),
        )
        .file(
            "checks/b.toml",
            &import("hostgroups = [\"app\"]\nservices = [\"DB procs\"]\n"),
        )
        .args(&["validate"])
        .run();
    out.code(2);
    insta::assert_snapshot!("selects_nothing_with_the_rest", out.stderr);

    // From the command line, the error names the option that gave the entry.
    let out = Smokegate::in_repo()
        .args(&["import", "nagios", "fixtures/nagios", "--service", "HTPP*"])
        .run();
    out.code(2);
    assert!(
        out.stderr.starts_with(
            "error: no service matches `HTPP*` in the Nagios configuration\n --> --service HTPP*\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn resource_file_lines_of_nagios_cfg_define_user_macros() {
    // Two resource_file= lines, relative to nagios.cfg's folder; the later one replaces $USER2$,
    // and an explicit `resource` wins for the macros it defines.
    let gate = Smokegate::new()
        .file(
            "nagios/nagios.cfg",
            "cfg_file=objects.cfg\nresource_file=private/resource.cfg\nresource_file={DIR}/nagios/more.cfg\n",
        )
        .file(
            "nagios/private/resource.cfg",
            "$USER1$=/usr/lib/nagios/plugins\n$USER2$=from-first-file\n$USER3$=from-first-file\n",
        )
        .file("nagios/more.cfg", "$USER2$=from-second-file\n")
        .file("mine.cfg", "$USER3$=from-the-suite\n")
        .file(
            "nagios/objects.cfg",
            "define command {\n  command_name says\n  command_line $USER1$/check_dummy 0 \"$USER2$ $USER3$\"\n}\n\
             define host {\n  host_name h\n}\n\
             define service {\n  host_name h\n  service_description Says\n  check_command says\n}\n",
        );
    let dir = gate.dir().display().to_string();
    let main = gate.dir().join("nagios/nagios.cfg");
    std::fs::write(
        &main,
        std::fs::read_to_string(&main)
            .expect("read")
            .replace("{DIR}", &dir),
    )
    .expect("write");
    let run = gate
        .suite("[import]\nnagios = { config = [\"../nagios/nagios.cfg\"], resource = \"../mine.cfg\" }\n")
        .args(&["run", "--json", "r.json"])
        .run();
    run.code(0);
    // The values are secrets: masked in every report.
    assert_eq!(run.json("r.json")["checks"][0]["summary"], "OK: **** ****");
    let printed = Smokegate::new()
        .args(&["import", "nagios", &main.display().to_string()])
        .run();
    printed.code(0);
    assert!(
        printed
            .stdout
            .contains("command = '/usr/lib/nagios/plugins/check_dummy 0 \"**** ****\"'"),
        "{}",
        printed.stdout
    );
}

#[test]
fn a_resource_file_that_cannot_be_read_is_an_error_at_its_line() {
    let gate = Smokegate::new()
        .file(
            "nagios/nagios.cfg",
            "cfg_dir=objects\nresource_file=/nonexistent/resource.cfg\n",
        )
        .file(
            "nagios/objects/o.cfg",
            "define command {\n  command_name c\n  command_line $USER1$/check_dummy 0\n}\n\
             define host {\n  host_name h\n}\n\
             define service {\n  host_name h\n  service_description S\n  check_command c\n}\n",
        );
    let out = gate
        .suite("[import]\nnagios = { config = [\"../nagios/nagios.cfg\"] }\n")
        .args(&["validate"])
        .run();
    out.code(2);
    assert!(
        out.stderr.starts_with(
            "error: cannot read resource file /nonexistent/resource.cfg: No such file or directory (os error 2)\n \
             --> checks/../nagios/nagios.cfg:2:15\n"
        ),
        "{}",
        out.stderr
    );
    // With the macros given in the suite, the unreadable file does not matter.
    let out = Smokegate::new()
        .file(
            "nagios/nagios.cfg",
            "cfg_dir=objects\nresource_file=/nonexistent/resource.cfg\n",
        )
        .file(
            "nagios/objects/o.cfg",
            "define command {\n  command_name c\n  command_line $USER1$/check_dummy 0 $USER2$\n}\n\
             define host {\n  host_name h\n}\n\
             define service {\n  host_name h\n  service_description S\n  check_command c\n}\n",
        )
        .file("nagios/mine.cfg", "$USER1$=/usr/lib/nagios/plugins\n")
        .suite("[import]\nnagios = { config = [\"../nagios/nagios.cfg\"], resource = \"../nagios/mine.cfg\" }\n")
        .args(&["validate"])
        .run();
    out.code(2);
    // ... unless a macro it might have defined is missing: then it is named.
    assert!(
        out.stderr.contains(
            "error: unknown macro `$USER2$` in command `c` (service `S` on `h`)\n \
             --> checks/../nagios/objects/o.cfg:3:38\n  |\n\
             3 |   command_line $USER1$/check_dummy 0 $USER2$\n  |                                      ^^^^^^^\n"
        ) && out.stderr.contains(
            "cannot read resource file /nonexistent/resource.cfg: No such file or directory (os error 2)"
        ),
        "{}",
        out.stderr
    );
}

/// Nagios' additive inheritance: an own `+value` is added to what a template gives, and `null`
/// stops a directive from being inherited.
#[test]
fn nagios_additive_inheritance_and_null_as_nagios_reads_them() {
    let objects = "\
define command {
  command_name check_ok
  command_line /usr/lib/nagios/plugins/check_dummy 0 $HOSTNAME$
}
define host {
  name            base-host
  hostgroups      web
  register        0
}
define host {
  use             base-host
  host_name       app1
  address         127.0.0.1
  hostgroups      +db
}
define host {
  use             base-host
  host_name       lone
  address         127.0.0.1
  hostgroups      null
}
define hostgroup {
  hostgroup_name  web
}
define hostgroup {
  hostgroup_name  db
}
define service {
  name                 in-web
  hostgroup_name       web
  register             0
}
define service {
  use                  in-web
  service_description  Web
  check_command        check_ok
}
define service {
  use                  in-web
  service_description  Db
  hostgroup_name       +db
  check_command        check_ok
}
";
    let out = Smokegate::new()
        .file("nagios/objects.cfg", objects)
        .suite("[import]\nnagios = { config = [\"../nagios/objects.cfg\"] }\n")
        .args(&["list", "--json"])
        .run();
    out.code(0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("list --json");
    let names: Vec<&str> = json["checks"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    // app1 is in web (inherited) and db (added); lone is in no group (null): no service runs there.
    assert_eq!(names, ["Web @ app1", "Db @ app1"], "{}", out.stdout);
}

/// nrpe.cfg's `command_prefix=` goes before every command, as NRPE runs them (the last one wins).
#[test]
fn nrpe_command_prefix_goes_before_every_command() {
    let cfg = "command_prefix=/usr/bin/nice\ncommand[fine]=/usr/lib/nagios/plugins/check_dummy 0 fine\n\
               command_prefix=/usr/bin/env\ncommand[later]=/usr/lib/nagios/plugins/check_dummy 0 later\n";
    let out = Smokegate::new()
        .file("nrpe.cfg", cfg)
        .suite("[import]\nnrpe = [\"../nrpe.cfg\"]\n")
        .args(&["list", "--json"])
        .run();
    out.code(0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("list --json");
    let commands: Vec<&str> = json["checks"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["command"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        commands,
        [
            "/usr/bin/env /usr/lib/nagios/plugins/check_dummy 0 fine",
            "/usr/bin/env /usr/lib/nagios/plugins/check_dummy 0 later"
        ]
    );
    let ran = Smokegate::new()
        .file("nrpe.cfg", cfg)
        .suite("[import]\nnrpe = [\"../nrpe.cfg\"]\n")
        .args(&["run", "--color", "never"])
        .run();
    ran.code(0);
}

/// A host's own check_command is its host check, run as Nagios runs it; passive checks
/// (active_checks_enabled 0, own or from a template) are never run by Nagios and are left out,
/// each with a line in `list`, `validate` and `import`.
#[test]
fn nagios_host_checks_run_and_passive_checks_are_left_out_saying_so() {
    let dir = repo().join("fixtures/nagios-host-checks");
    let file = dir.join("objects.cfg").display().to_string();
    let suite = format!("[import]\nnagios = {{ config = [\"{file}\"] }}\n");
    let skipped = format!(
        "skipped: {file}:38: host check of `pushed`: passive (active_checks_enabled 0), not imported\n\
         skipped: {file}:57: service `Backup result` on `app1`, `quiet`: passive (active_checks_enabled 0), not imported\n\
         skipped: {file}:64: service `Trap received` on `app2`: passive (active_checks_enabled 0), not imported\n"
    );
    let out = Smokegate::new().suite(&suite).args(&["validate"]).run();
    out.code(0);
    assert_eq!(
        out.stdout,
        format!("ok: 6 checks selected from 1 suite file\n{skipped}")
    );
    let out = Smokegate::new().suite(&suite).args(&["list"]).run();
    out.code(0);
    assert!(
        out.stdout.ends_with(&format!("\n6 checks\n{skipped}")),
        "{}",
        out.stdout
    );
    let names: Vec<&str> = out
        .stdout
        .lines()
        .skip(1)
        .take(6)
        .map(|l| l.split("  ").next().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        [
            "host check @ app1",
            "Answers @ app1",
            "host check @ app2",
            "Answers @ app2",
            "Answers @ quiet",
            "Answers @ pushed"
        ]
    );

    // The host checks run with their host's macros; `--skip-tag host-check` leaves them out.
    let run = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json", "--tag", "host-check"])
        .run();
    run.code(0);
    let summaries: Vec<(String, String)> = run.json("r.json")["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["summary"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        summaries,
        [
            (
                "host check @ app1".to_string(),
                "OK: app1 at 127.0.0.1 (Application 1) is up".to_string()
            ),
            (
                "host check @ app2".to_string(),
                "OK: app2 answers".to_string()
            ),
        ]
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["validate", "--skip-tag", "host-check"])
        .run();
    out.code(0);
    assert!(
        out.stdout.starts_with("ok: 4 checks selected"),
        "{}",
        out.stdout
    );

    // `import` says the same as comments, and what it prints validates to the same checks.
    let printed = Smokegate::new().args(&["import", "nagios", &file]).run();
    printed.code(0);
    let commented: String = skipped.lines().map(|l| format!("# {l}\n")).collect();
    assert!(
        printed.stdout.starts_with(&format!(
            "# Imported by `smokegate import nagios`: one check per service and host.\n{commented}\n"
        )),
        "{}",
        printed.stdout
    );
    let out = Smokegate::new()
        .suite(&printed.stdout)
        .args(&["validate"])
        .run();
    out.code(0);
    assert_eq!(out.stdout, "ok: 6 checks selected from 1 suite file\n");
}

fn empty_groups(file: &str) -> String {
    repo()
        .join("fixtures/nagios-empty-groups")
        .join(file)
        .display()
        .to_string()
}

/// `allow_empty_hostgroup_assignment=1`, as a staging nagios.cfg has it: services on hostgroups
/// without members run nowhere under nagios4 and are left out saying so; the rest is imported.
/// A `$USERn$` holding a password stays masked.
#[test]
fn services_on_empty_hostgroups_are_left_out_saying_so() {
    let services = empty_groups("objects/services.cfg");
    let suite = format!("[import]\nnagios = \"{}\"\n", empty_groups("nagios.cfg"));
    let out = Smokegate::new().suite(&suite).args(&["validate"]).run();
    out.code(0);
    assert_eq!(
        out.stdout,
        format!(
            "ok: 2 checks selected from 1 suite file\n\
             skipped: {services}:11: service `MySQL login`: hostgroup `database-servers` has no members: Nagios runs it on no host, not imported\n\
             skipped: {services}:17: service `Ping`: hostgroups `database-servers`, `mail-servers` have no members: Nagios runs it on no host, not imported\n"
        )
    );
    let list = Smokegate::new()
        .suite(&suite)
        .args(&["list", "--json"])
        .run();
    list.code(0);
    assert!(
        list.stdout.contains("\"Current Load @ web1\""),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout
            .contains("/usr/lib/nagios/plugins/check_dummy 0 'mysql login as nagios with -p ****'"),
        "{}",
        list.stdout
    );
    assert!(!list.stdout.contains("4711"), "{}", list.stdout);
}

/// With the option at 0 (Debian's default), nagios4 still accepts a service on a hostgroup
/// that exists without members (it runs it nowhere); it rejects one whose `hostgroup_name`
/// gives no hostgroup at all, which is then an error at the value.
#[test]
fn a_hostgroup_name_that_gives_no_hostgroup_is_an_error_unless_allowed() {
    let objects = "define command {\n    command_name  c\n    command_line  /usr/lib/nagios/plugins/check_dummy 0 up\n}\n\
                   define host {\n    host_name     web1\n    hostgroups    web\n}\n\
                   define hostgroup {\n    hostgroup_name  web\n}\n\
                   define hostgroup {\n    hostgroup_name  empty\n}\n\
                   define service {\n    hostgroup_name       !empty\n    service_description  not on empty\n    check_command        c\n}\n\
                   define service {\n    hostgroup_name       empty\n    service_description  on empty\n    check_command        c\n}\n\
                   define service {\n    host_name            web1\n    service_description  kept\n    check_command        c\n}\n";
    let load = |option: &str| {
        Smokegate::new()
            .file(
                "nagios/nagios.cfg",
                &format!("cfg_file=objects.cfg\nallow_empty_hostgroup_assignment={option}\n"),
            )
            .file("nagios/objects.cfg", objects)
            .suite("[import]\nnagios = \"../nagios/nagios.cfg\"\n")
            .args(&["validate"])
            .run()
    };
    let strict = load("0");
    strict.code(2);
    assert_eq!(
        strict.stderr,
        "error: service `not on empty`: `hostgroup_name !empty` gives no hostgroup to run on, which nagios4 rejects (\"Could not expand hostgroups and/or hosts specified in service\")\n \
         --> checks/../nagios/objects.cfg:16:26\n   |\n16 |     hostgroup_name       !empty\n   |                          ^^^^^^\n  \
         = note: set allow_empty_hostgroup_assignment=1 in nagios.cfg to have Nagios (and smokegate) run it nowhere instead\n\n\
         error: the suite has 1 error; nothing ran\n"
    );
    let allowed = load("1");
    allowed.code(0);
    assert_eq!(
        allowed.stdout,
        "ok: 1 check selected from 1 suite file\n\
         skipped: checks/../nagios/objects.cfg:15: service `not on empty`: `hostgroup_name` gives no hostgroup (allow_empty_hostgroup_assignment=1): Nagios runs it on no host, not imported\n\
         skipped: checks/../nagios/objects.cfg:20: service `on empty`: hostgroup `empty` has no members: Nagios runs it on no host, not imported\n"
    );
}

/// A `$USER1$` that names no folder is shown as the macro and its value where the plugin is
/// missing: a value a command line starts its program with is a path. The password macro used
/// as an argument in the same configuration is never shown.
#[test]
fn a_plugin_path_macro_is_shown_and_a_password_macro_is_not() {
    let services = empty_groups("objects/services.cfg");
    let suite = format!(
        "[import]\nnagios = {{ config = [\"{}\"], resource = \"{}\" }}\n",
        empty_groups("nagios.cfg"),
        empty_groups("resource-typo.cfg")
    );
    let out = Smokegate::new().suite(&suite).args(&["validate"]).run();
    out.code(2);
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(
        errors,
        [
            format!("error: service `Current Load` on `web1` ({services}:5): plugin `$USER1$/check_load` does not exist ($USER1$ is /usr/lib/nagios/plugin, which is no folder)"),
            format!("error: service `MySQL login from web` on `web1` ({services}:23): plugin `$USER1$/check_dummy` does not exist ($USER1$ is /usr/lib/nagios/plugin, which is no folder)"),
            "error: the suite has 2 errors; nothing ran".to_string(),
        ]
    );
    assert!(!out.stderr.contains("4711"), "{}", out.stderr);
    // Nor in what `import nagios` prints.
    let printed = Smokegate::new()
        .args(&[
            "import",
            "nagios",
            &empty_groups("nagios.cfg"),
            "--resource",
            &empty_groups("resource-typo.cfg"),
        ])
        .run();
    assert!(!printed.stdout.contains("4711"), "{}", printed.stdout);
    assert!(!printed.stderr.contains("4711"), "{}", printed.stderr);
    assert!(printed.stdout.contains("-p ****"), "{}", printed.stdout);
}

/// `import nagios` prints the program `[import] nagios` runs: a bare name found in `$PATH` (as
/// nagios4's `execvp` finds it), `$USERn$` paths put in; the printed suite runs the same.
#[test]
fn import_nagios_prints_the_programs_the_import_resolves() {
    let objects = "\
define command {
    command_name    check_uptime
    command_line    uptime
}
define command {
    command_name    check_env
    command_line    env LANG=C $USER1$/check_dummy 0 \"env OK\"
}
define host {
    host_name   web1
    address     127.0.0.1
}
define service {
    host_name            web1
    service_description  Uptime
    check_command        check_uptime
}
define service {
    host_name            web1
    service_description  Env
    check_command        check_env
}
";
    let gate = Smokegate::new()
        .file("objects.cfg", objects)
        .file("resource.cfg", "$USER1$=/usr/lib/nagios/plugins\n");
    let dir = gate.dir().to_path_buf();
    let at = |f: &str| dir.join(f).display().to_string();
    let printed = gate
        .args(&[
            "import",
            "nagios",
            &at("objects.cfg"),
            "--resource",
            &at("resource.cfg"),
        ])
        .run();
    printed.code(0);
    assert_eq!(printed.stderr, "");
    let cfg = at("objects.cfg");
    assert_eq!(
        printed.stdout,
        format!(
            "# Imported by `smokegate import nagios`: one check per service and host.\n\
             \n# {cfg}:13\n[[check]]\nname = \"Uptime @ web1\"\ntags = [\"nagios\", \"web1\"]\n\n[check.nagios]\ncommand = \"/usr/bin/uptime\"\n\
             \n# {cfg}:18\n[[check]]\nname = \"Env @ web1\"\ntags = [\"nagios\", \"web1\"]\n\n[check.nagios]\ncommand = \"/usr/bin/env 'LANG=C' /usr/lib/nagios/plugins/check_dummy 0 'env OK'\"\n"
        )
    );
    let run = Smokegate::new()
        .suite(&printed.stdout)
        .args(&["run", "--json", "r.json"])
        .run();
    run.code(0);
    let json = run.json("r.json");
    let outputs: Vec<&str> = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["state"].as_str())
        .collect();
    assert_eq!(outputs, ["OK", "OK"], "{}", run.stdout);
    assert!(run.stdout.contains("env OK"), "{}", run.stdout);
}
