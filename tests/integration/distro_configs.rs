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

    let nrpe = nrpe_both_ways(
        &fixture("nrpe/nrpe.cfg"),
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
            "OK: {{not a var}} {x} ${HOME} $$ done",
            "OK: home is /home/someone",
            "OK: {{literal}}",
        ]
    );

    let nagios = nagios_both_ways(&fixture("nagios/nagios.cfg"));
    assert_eq!(nagios.len(), 7);

    // Debian's own files as installed.
    let nrpe = nrpe_both_ways(DEBIAN_NRPE, "");
    assert_eq!(nrpe.len(), 5, "{nrpe:?}");
    let nagios = nagios_both_ways(DEBIAN_NAGIOS);
    assert_eq!(nagios.len(), 8, "{nagios:?}");
}
