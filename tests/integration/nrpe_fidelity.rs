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

/// What the real NRPE 4.1 daemon does with an nrpe.cfg whose `include=` and `include_dir=` do
/// not exist, and with programs named without a path: it goes on without the includes, and its
/// shell finds a program in its own fixed PATH (/usr/bin:/bin:/usr/sbin:/sbin), whatever the
/// PATH it was started with. smokegate imports the same commands, with a warning per include,
/// and runs the same programs.
#[test]
fn missing_includes_and_bare_programs_as_the_nrpe_daemon_has_them() {
    use std::os::unix::fs::PermissionsExt;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = tempfile::Builder::new()
        .prefix("smokegate-nrpe-")
        .tempdir()
        .expect("tmp");
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let p = d.display();
    let defined = "command[check_path]=printenv PATH\n\
                    command[check_env]=env LANG=C /usr/lib/nagios/plugins/check_dummy 0 wrapped\n\
                    command[check_assigned]=LC_ALL=C /usr/lib/nagios/plugins/check_dummy 0 assigned\n";
    let cfg = d.join("nrpe.cfg");
    std::fs::write(
        &cfg,
        format!(
            "server_address=127.0.0.1\nserver_port={port}\nallowed_hosts=127.0.0.1\nnrpe_user=nagios\nnrpe_group=nagios\n\
             pid_file={p}/nrpe.pid\ndont_blame_nrpe=0\ncommand_timeout=30\n\
             include={p}/nrpe_local.cfg\ninclude_dir={p}/nrpe.d\n{defined}"
        ),
    )
    .expect("nrpe.cfg");
    let chown = Command::new("chown")
        .args(["-R", "nagios:nagios"])
        .arg(d)
        .status()
        .expect("chown");
    assert!(chown.success());
    let _nrpe = Daemon::start(
        Command::new("/usr/sbin/nrpe")
            .args(["-c", &cfg.display().to_string(), "-f", "-n"])
            .env("PATH", "/nowhere")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nrpe did not start: missing includes must not stop it"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let query = |command: &str| {
        let out = Command::new("/usr/lib/nagios/plugins/check_nrpe")
            .args([
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-n",
                "-t",
                "20",
                "-c",
                command,
            ])
            .output()
            .expect("check_nrpe");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(query("check_path"), "/usr/bin:/bin:/usr/sbin:/sbin");
    assert_eq!(query("check_env"), "OK: wrapped");
    assert_eq!(query("check_assigned"), "OK: assigned");

    let suite = format!("[import]\nnrpe = [\"{}\"]\n", cfg.display());
    let validate = Smokegate::new().suite(&suite).args(&["validate"]).run();
    validate.code(0);
    let file = cfg.display();
    assert_eq!(
        validate.stdout,
        format!(
            "ok: 3 checks selected from 1 suite file\n\
             skipped: {file}:9:9: `include={p}/nrpe_local.cfg`: no such file; NRPE logs it and goes on without it, and so does this import\n\
             skipped: {file}:10:13: `include_dir={p}/nrpe.d`: no such folder; NRPE logs it and goes on without it, and so does this import\n"
        )
    );
    // What the import left out is said before the run, as `validate` says it.
    let left_out: String = validate
        .stdout
        .lines()
        .skip(1)
        .map(|l| format!("{l}\n"))
        .collect();
    let summaries = |suite: &str, stderr: &str| -> BTreeMap<String, String> {
        let run = Smokegate::new()
            .suite(suite)
            .args(&["run", "--json", "r.json"])
            .run();
        run.code(0);
        assert_eq!(run.stderr, stderr);
        run.json("r.json")["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let field = |k: &str| c[k].as_str().unwrap_or_default().to_string();
                (field("name"), field("summary"))
            })
            .collect()
    };
    let ran = summaries(&suite, &left_out);
    assert_eq!(ran["check_env"], "OK: wrapped");
    assert_eq!(ran["check_assigned"], "OK: assigned");
    let imported = commands(Smokegate::new().suite(&suite));
    assert_eq!(imported["check_path"], "/usr/bin/printenv PATH");
    // The suite `import nrpe` prints runs the same programs, and they answer the same.
    let printed = Smokegate::new()
        .args(&["import", "nrpe", &cfg.display().to_string()])
        .run();
    printed.code(0);
    assert_eq!(printed.stderr, left_out);
    assert_eq!(commands(Smokegate::new().suite(&printed.stdout)), imported);
    let ran_printed = summaries(&printed.stdout, "");
    assert_eq!(ran_printed["check_env"], "OK: wrapped");
    assert_eq!(ran_printed["check_assigned"], "OK: assigned");
}
