//! `[import] nrpe` runs what the NRPE 4.1 daemon runs: each expected command here is what the
//! real daemon gave `/bin/sh -c` (or would not define) for the same nrpe.cfg, found with a plugin
//! logging its argv and queried with check_nrpe.

use std::collections::BTreeMap;

use crate::harness::*;

const SUITE: &str = "[import]\nnrpe = [\"nrpe.cfg\"]\n";

/// Each check's name and command as `list --json` shows them.
fn commands(gate: Smokegate) -> BTreeMap<String, String> {
    let out = gate.args(&["list", "--json"]).run();
    out.code(0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("list --json");
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

fn expected(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(n, c)| (n.to_string(), c.to_string()))
        .collect()
}

#[test]
fn double_dollars_run_as_one_dollar_as_nrpe_runs_them() {
    let nrpe_cfg = "command[check_db]=/bin/echo -u app -p 'pa$$word'\n\
                    command[check_pid]=/bin/echo -f /run/app.$$\n\
                    command[check_home]=/bin/echo home is $HOME\n";
    let want = expected(&[
        (
            "check_db",
            r#"/bin/sh -c '/bin/echo -u app -p '\''pa$word'\'''"#,
        ),
        ("check_pid", "/bin/sh -c '/bin/echo -f /run/app.$'"),
        // NRPE closes an unpaired `$` with a second one.
        ("check_home", "/bin/sh -c '/bin/echo home is $HOME$'"),
    ]);
    let gate = || Smokegate::new().file("checks/nrpe.cfg", nrpe_cfg);
    assert_eq!(commands(gate().suite(SUITE)), want);

    // The suite `smokegate import nrpe` prints runs the same lines.
    let printed = gate().args(&["import", "nrpe", "checks/nrpe.cfg"]).run();
    printed.code(0);
    assert_eq!(commands(Smokegate::new().suite(&printed.stdout)), want);

    // And the shell gets them as NRPE's shell does.
    let out = gate()
        .suite(SUITE)
        .env("HOME", "/home/someone")
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(0);
    let summaries: BTreeMap<String, String> = out.json("r.json")["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (field("name"), field("summary"))
        })
        .collect();
    assert_eq!(
        summaries,
        expected(&[
            ("check_db", "-u app -p pa$word"),
            ("check_pid", "-f /run/app.$"),
            ("check_home", "home is /home/someone$"),
        ])
    );
}

#[test]
fn a_byte_order_mark_does_not_hide_a_files_first_command() {
    let gate = Smokegate::new();
    let included = gate.dir().join("checks/more.cfg").display().to_string();
    let gate = gate
        .file(
            "checks/nrpe.cfg",
            &format!(
                "\u{feff}command[check_first]=/bin/echo first\n\
                 command[check_second]=/bin/echo second\ninclude={included}\n"
            ),
        )
        .file(
            "checks/more.cfg",
            "\u{feff}command[check_included]=/bin/echo included\n",
        )
        .suite(SUITE);
    assert_eq!(
        commands(gate),
        expected(&[
            ("check_first", "/bin/echo first"),
            ("check_second", "/bin/echo second"),
            ("check_included", "/bin/echo included"),
        ])
    );
}

#[test]
fn a_byte_order_mark_hides_any_other_first_setting_as_in_nrpe() {
    // NRPE reads the mark as part of the name: `\u{feff}include` is no setting it knows.
    let gate = Smokegate::new();
    let included = gate.dir().join("checks/more.cfg").display().to_string();
    let gate = gate
        .file(
            "checks/nrpe.cfg",
            &format!("\u{feff}include={included}\ncommand[check_x]=/bin/echo x\n"),
        )
        .file("checks/more.cfg", "command[check_more]=/bin/echo more\n")
        .suite(SUITE);
    assert_eq!(commands(gate), expected(&[("check_x", "/bin/echo x")]));
}

#[test]
fn include_dir_skips_hidden_folders_but_reads_hidden_files() {
    let gate = Smokegate::new();
    let dir = gate.dir().join("checks/nrpe.d").display().to_string();
    let gate = gate
        .file(
            "checks/nrpe.cfg",
            &format!("command[check_app]=/bin/echo app current\ninclude_dir={dir}\n"),
        )
        .file(
            "checks/nrpe.d/.old/app.cfg",
            "command[check_app]=/bin/echo app OLD\ncommand[check_gone]=/bin/echo gone\n",
        )
        .file(
            "checks/nrpe.d/.hidden.cfg",
            "command[check_hidden]=/bin/echo hidden file\n",
        )
        .file(
            "checks/nrpe.d/sub/sub.cfg",
            "command[check_sub]=/bin/echo sub\n",
        )
        .suite(SUITE);
    assert_eq!(
        commands(gate),
        expected(&[
            ("check_app", "/bin/echo app current"),
            ("check_hidden", "/bin/echo hidden file"),
            ("check_sub", "/bin/echo sub"),
        ])
    );
}

#[test]
fn a_relative_include_path_is_an_error_at_its_line() {
    let out = Smokegate::new()
        .file(
            "checks/nrpe.cfg",
            "command[check_x]=/bin/echo x\ninclude=inc/rel.cfg\ninclude_dir= nrpe.d\n",
        )
        .file("checks/inc/rel.cfg", "command[check_rel]=/bin/echo rel\n")
        .file("checks/nrpe.d/a.cfg", "command[check_a]=/bin/echo a\n")
        .suite(SUITE)
        .args(&["list", "--json"])
        .run();
    out.code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: `include=inc/rel.cfg` is a relative path: NRPE reads it from its working directory (`/` under systemd), not from this file's folder; write an absolute path\n \
         --> checks/nrpe.cfg:2:9\n  |\n2 | include=inc/rel.cfg\n  |         ^^^^^^^^^^^\n\n\
         error: `include_dir=nrpe.d` is a relative path: NRPE reads it from its working directory (`/` under systemd), not from this file's folder; write an absolute path\n \
         --> checks/nrpe.cfg:3:14\n  |\n3 | include_dir= nrpe.d\n  |              ^^^^^^\n\n\
         error: the suite has 2 errors; nothing ran\n"
    );
}

#[test]
fn spaces_around_the_equals_sign_of_a_command_are_accepted() {
    let gate = Smokegate::new()
        .file(
            "checks/nrpe.cfg",
            "command[check_spaced] = /bin/echo spaced  \ncommand[check_tab]\t=\t/bin/echo tab\n",
        )
        .suite(SUITE);
    assert_eq!(
        commands(gate),
        expected(&[
            ("check_spaced", "/bin/echo spaced"),
            ("check_tab", "/bin/echo tab"),
        ])
    );
}
