//! The configuration a distribution ships loads as it is: Debian's /etc/nagios4/nagios.cfg
//! (with its resource_file= and the monitoring-plugins command definitions of its cfg_dir=) and
//! /etc/nagios/nrpe.cfg (with include= and include_dir=). And what `smokegate import` prints
//! runs exactly what `[import]` of the same file runs.

use std::collections::BTreeMap;

use crate::harness::*;

const DEBIAN_NAGIOS: &str = "/etc/nagios4/nagios.cfg";
const DEBIAN_NRPE: &str = "/etc/nagios/nrpe.cfg";

/// Each selected check's name and command line, from `list --json` of `suite` (a suite text).
fn commands(suite: &str) -> BTreeMap<String, String> {
    let out = Smokegate::new()
        .suite(suite)
        .args(&["list", "--json"])
        .run();
    out.code(0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("list --json");
    json["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["command"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The suite `smokegate import ARGS` prints.
fn printed(args: &[&str]) -> String {
    let mut all = vec!["import"];
    all.extend(args);
    let out = Smokegate::new().args(&all).run();
    out.code(0);
    out.stdout
}

/// `[import] nrpe` and the printed suite of `file` run the same command lines. Commands that
/// need `$ARGn$` are printed commented out; `args` gives them to the import, which then has
/// them besides.
fn nrpe_both_ways(file: &str, args: &str) -> BTreeMap<String, String> {
    let imported = commands(&format!(
        "[import]\nnrpe = [{{ file = \"{file}\"{args} }}]\n"
    ));
    let printed = commands(&printed(&["nrpe", file]));
    assert!(!printed.is_empty(), "{file}: nothing printed");
    for (name, command) in &printed {
        assert_eq!(
            imported.get(name),
            Some(command),
            "{file}: `{name}` runs differently from the import"
        );
    }
    imported
}

fn nagios_both_ways(config: &str) -> BTreeMap<String, String> {
    let imported = commands(&format!(
        "[import]\nnagios = {{ config = [\"{config}\"] }}\n"
    ));
    let printed = commands(&printed(&["nagios", config]));
    assert!(!imported.is_empty(), "{config}: nothing imported");
    assert_eq!(printed, imported, "{config}");
    imported
}

#[test]
fn what_import_prints_runs_what_the_import_runs() {
    let fixture = |p: &str| repo().join("fixtures").join(p).display().to_string();

    let (_nrpe_fixture, nrpe_cfg) = nrpe_fixture();
    let nrpe = nrpe_both_ways(
        &nrpe_cfg,
        ", args = { check_disk_arg = [\"20%\", \"10%\", \"/\"] }",
    );
    assert_eq!(nrpe.len(), 8);

    let shell = nrpe_both_ways(&fixture("nrpe-shell/nrpe.cfg"), "");
    let plugins = "/usr/lib/nagios/plugins";
    assert_eq!(
        shell["check_load_first"],
        format!("/bin/sh -c '{plugins}/check_load -r -w 15,10,5 -c 30,25,20 | head -1'"),
        "a pipeline runs through the shell, not as arguments of check_load"
    );
    assert_eq!(
        shell["check_plain_braces"],
        format!("{plugins}/check_dummy 0 {{{{literal}}}}")
    );
    assert_eq!(
        shell["check_bare"],
        format!("{plugins}/check_dummy 0 found in the plugin dirs")
    );
    assert_eq!(shell.len(), 6);
    // And they run: the shell expands what NRPE's shell would.
    let out = Smokegate::new()
        .suite(&printed(&["nrpe", &fixture("nrpe-shell/nrpe.cfg")]))
        .args(&[
            "run",
            "--json",
            "r.json",
            "--name",
            "check_braces",
            "--name",
            "check_plain_braces",
            "--name",
            "check_home",
        ])
        .env("HOME", "/home/someone")
        .run();
    out.code(0);
    let summaries: Vec<String> = out.json("r.json")["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["summary"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        summaries,
        [
            // As NRPE 4.1 ran them: its macro pass closes the unpaired `$` with another.
            "OK: {{not a var}} {x} ${HOME} $$ done$",
            "OK: home is /home/someone$",
            "OK: {{literal}}",
        ]
    );

    let nagios = nagios_both_ways(&fixture("nagios/nagios.cfg"));
    assert_eq!(nagios.len(), 7);
    // Host checks too (passive checks are left out both ways).
    let hosts = nagios_both_ways(&fixture("nagios-host-checks/objects.cfg"));
    assert_eq!(hosts.len(), 6, "{hosts:?}");
    assert_eq!(
        hosts["host check @ app2"],
        format!("{plugins}/check_dummy 0 'app2 answers'")
    );

    // Debian's own files as installed.
    let nrpe = nrpe_both_ways(DEBIAN_NRPE, "");
    assert_eq!(nrpe.len(), 5, "{nrpe:?}");
    let nagios = nagios_both_ways(DEBIAN_NAGIOS);
    assert_eq!(nagios.len(), 9, "{nagios:?}");
    assert_eq!(
        nagios["host check @ localhost"],
        "/usr/lib/nagios/plugins/check_ping -H 127.0.0.1 -w '5000,100%' -c '5000,100%' -p 1"
    );
}

/// The names of the checks of a `list --json` output.
fn listed(stdout: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(stdout).expect("list --json");
    json["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn debians_nagios_cfg_loads_lists_and_runs_as_installed() {
    // No `resource`: $USER1$ comes from nagios.cfg's resource_file=, the commands of the
    // services from the monitoring-plugins definitions its cfg_dir= names.
    let suite = format!(
        "[import]\nnagios = {{ config = [\"{DEBIAN_NAGIOS}\"], hosts = [\"localhost\"] }}\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["list", "--json"])
        .run();
    out.code(0);
    // localhost's check-host-alive (from the linux-server template) is its host check: check_ping
    // as the monitoring-plugins definition gives it.
    assert_eq!(
        listed(&out.stdout),
        [
            "host check @ localhost",
            "PING @ localhost",
            "Root Partition @ localhost",
            "Current Users @ localhost",
            "Total Processes @ localhost",
            "Current Load @ localhost",
            "Swap Usage @ localhost",
            "SSH @ localhost",
            "HTTP @ localhost",
        ]
    );
    let by_name = commands(&suite);
    assert_eq!(
        by_name["host check @ localhost"],
        "/usr/lib/nagios/plugins/check_ping -H 127.0.0.1 -w '5000,100%' -c '5000,100%' -p 1"
    );
    assert_eq!(
        by_name["Current Load @ localhost"],
        "/usr/lib/nagios/plugins/check_load -w 5.0,4.0,3.0 -c 10.0,6.0,4.0"
    );
    assert_eq!(
        by_name["HTTP @ localhost"],
        "/usr/lib/nagios/plugins/check_http -H 127.0.0.1 -I 127.0.0.1 ''"
    );

    // Load, disk, swap, processes, a web or SSH server, whether ping may send ICMP here (the
    // host check and PING): this machine's state. Each must be a real answer of its plugin.
    let run = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    assert!([0, 1].contains(&run.code), "{}", run.stderr);
    let json = run.json("r.json");
    let checks = json["checks"].as_array().cloned().unwrap_or_default();
    assert_eq!(checks.len(), 9);
    for check in checks {
        let state = check["state"].as_str().unwrap_or_default();
        assert!(
            ["OK", "WARNING", "CRITICAL", "UNKNOWN"].contains(&state),
            "{}: {state} {}",
            check["name"],
            check["summary"]
        );
    }
}

#[test]
fn every_sample_object_file_debian_ships_loads() {
    // nagios.cfg leaves printer.cfg, switch.cfg and windows.cfg commented out; with them, every
    // host of the samples has its services, commands from both objects/commands.cfg and
    // /etc/nagios-plugins/config.
    let out = Smokegate::new()
        .suite(
            "[import]\nnagios = { config = [\"/etc/nagios4/objects\", \"/etc/nagios-plugins/config\"], \
             resource = \"/etc/nagios4/resource.cfg\" }\n",
        )
        .args(&["list", "--json"])
        .run();
    out.code(0);
    let names = listed(&out.stdout);
    // 21 services, and each host's check-host-alive as its host check.
    assert_eq!(names.len(), 25, "{names:?}");
    for host in ["localhost", "hplj2605dn", "linksys-srw224p", "winserver"] {
        assert!(
            names.iter().any(|n| n.ends_with(&format!(" @ {host}"))),
            "{host}: {names:?}"
        );
        assert!(
            names.contains(&format!("host check @ {host}")),
            "{host}: {names:?}"
        );
    }
}

#[test]
fn debians_nrpe_cfg_loads_and_runs_as_installed() {
    // include=/etc/nagios/nrpe_local.cfg (comments only) and include_dir=/etc/nagios/nrpe.d/
    // (empty) as packaged.
    let suite = format!("[import]\nnrpe = [\"{DEBIAN_NRPE}\"]\n");
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["list", "--json"])
        .run();
    out.code(0);
    assert_eq!(
        listed(&out.stdout),
        [
            "check_users",
            "check_load",
            "check_hda1",
            "check_zombie_procs",
            "check_total_procs"
        ]
    );
    let run = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    assert!([0, 1].contains(&run.code), "{}", run.stderr);
    for check in run.json("r.json")["checks"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let state = check["state"].as_str().unwrap_or_default();
        assert!(
            ["OK", "WARNING", "CRITICAL", "UNKNOWN"].contains(&state),
            "{}: {state} {}",
            check["name"],
            check["summary"]
        );
    }
}

#[test]
fn what_a_nagios_cfg_names_but_cannot_be_read_is_an_error_at_its_line() {
    let out = Smokegate::new()
        .file(
            "nagios/nagios.cfg",
            "log_file=/var/log/nagios4/nagios.log\ncfg_dir=/nonexistent/conf.d\n  cfg_file=missing.cfg\n",
        )
        .suite("[import]\nnagios = { config = [\"../nagios/nagios.cfg\"] }\n")
        .args(&["validate"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: cannot read Nagios config /nonexistent/conf.d: No such file or directory (os error 2)\n \
         --> checks/../nagios/nagios.cfg:2:9\n  |\n2 | cfg_dir=/nonexistent/conf.d\n  |         ^^^^^^^^^^^^^^^^^^^\n\n\
         error: cannot read Nagios config checks/../nagios/missing.cfg: No such file or directory (os error 2)\n \
         --> checks/../nagios/nagios.cfg:3:12\n  |\n3 |   cfg_file=missing.cfg\n  |            ^^^^^^^^^^^\n\n\
         error: the suite has 2 errors; nothing ran\n"
    );
}

#[test]
fn a_config_path_alone_imports_as_the_table_and_the_list_do() {
    let nagios_table = commands(&format!(
        "[import]\nnagios = {{ config = [\"{DEBIAN_NAGIOS}\"] }}\n"
    ));
    assert!(!nagios_table.is_empty());
    for short in [
        format!("nagios = \"{DEBIAN_NAGIOS}\""),
        format!("nagios = [\"{DEBIAN_NAGIOS}\"]"),
    ] {
        assert_eq!(
            commands(&format!("[import]\n{short}\n")),
            nagios_table,
            "{short}"
        );
    }
    let nrpe_list = commands(&format!("[import]\nnrpe = [\"{DEBIAN_NRPE}\"]\n"));
    assert!(!nrpe_list.is_empty());
    for short in [
        format!("nrpe = \"{DEBIAN_NRPE}\""),
        format!("nrpe = {{ file = \"{DEBIAN_NRPE}\" }}"),
    ] {
        assert_eq!(
            commands(&format!("[import]\n{short}\n")),
            nrpe_list,
            "{short}"
        );
    }
}

#[test]
fn an_import_of_the_wrong_type_says_what_it_takes() {
    for (line, expected) in [
        (
            "nagios = 3",
            "error: invalid type: integer `3`, expected a nagios.cfg (or objects) path, a list of paths, or a table with `config`\n --> checks/suite.toml:2:10",
        ),
        (
            "nrpe = true",
            "error: invalid type: boolean `true`, expected an nrpe.cfg path, a table with `file`, or a list of them\n --> checks/suite.toml:2:8",
        ),
        (
            "features = 1.5",
            "error: invalid type: floating point `1.5`, expected a .feature file or folder, a table with `path`, or a list of them\n --> checks/suite.toml:2:12",
        ),
    ] {
        let out = Smokegate::new()
            .suite(&format!("[import]\n{line}\n"))
            .args(&["validate"])
            .run();
        out.code(2);
        assert!(out.stderr.contains(expected), "{line}: {}", out.stderr);
    }
}
