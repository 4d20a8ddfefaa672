//! An imported Nagios configuration runs exactly the commands the real nagios4 daemon runs:
//! one object configuration, run first by nagios4 and then by smokegate, with a plugin that
//! logs its arguments; the two logs must hold the same command lines. It covers macros inside
//! `check_command` arguments, a `#` and a `~` that Nagios passes on as they are, nested
//! hostgroups, `members *` with an exclusion, and hidden entries of a `cfg_dir` (which Nagios
//! passes over). And what Nagios reads differently is said at load: regular-expression name
//! matching, and a resource line with a space before `=`.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;

const TIMEPERIOD: &str = "define timeperiod {\n timeperiod_name 24x7\n alias always\n sunday 00:00-24:00\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n}\n\
define command {\n command_name notify\n command_line /bin/true\n}\n\
define contact {\n contact_name admin\n alias admin\n service_notification_period 24x7\n host_notification_period 24x7\n service_notification_options n\n host_notification_options n\n service_notification_commands notify\n host_notification_commands notify\n}\n";

/// Hosts, groups and services whose commands Nagios builds in the ways a naive reading gets wrong.
fn objects(plugin: &str) -> String {
    let host = |name: &str, extra: &str| {
        format!("define host {{\n host_name {name}\n address 10.0.0.{}\n max_check_attempts 1\n check_period 24x7\n contacts admin\n notification_period 24x7\n{extra}}}\n", name.len())
    };
    let service = |desc: &str, on: &str, command: &str| {
        format!("define service {{\n service_description {desc}\n {on}\n check_command {command}\n max_check_attempts 1\n check_interval 600\n retry_interval 600\n check_period 24x7\n contacts admin\n notification_period 24x7\n}}\n")
    };
    [
        format!("define command {{\n command_name log\n command_line {plugin} $SERVICEDESC$ $HOSTNAME$ $ARG1$ $ARG2$\n}}\n"),
        format!("define command {{\n command_name hash\n command_line {plugin} $SERVICEDESC$ -s #c d\n}}\n"),
        format!("define command {{\n command_name tilde\n command_line {plugin} $SERVICEDESC$ ~nagios/state ~/x\n}}\n"),
        host("web1", " _PORT 8443\n"),
        host("web2", ""),
        host("db1", ""),
        host("lb", ""),
        "define hostgroup {\n hostgroup_name web\n alias web\n members web1,web2\n}\n".into(),
        "define hostgroup {\n hostgroup_name app\n alias app\n members db1\n hostgroup_members web\n}\n".into(),
        "define hostgroup {\n hostgroup_name everyone\n alias everyone\n members *,!lb\n}\n".into(),
        service("macros", "host_name web1", "log!-H $HOSTADDRESS$!-p $_HOSTPORT$"),
        service("hash", "host_name web1", "hash"),
        service("tilde", "host_name web1", "tilde"),
        service("nested", "hostgroup_name app", "log!nested"),
        service("everyone", "hostgroup_name everyone", "log!all"),
    ]
    .concat()
}

/// `servicestatus` blocks of `status.dat`, and whether each has been checked.
fn all_checked(status: &str) -> Option<usize> {
    let blocks: Vec<&str> = status
        .split("servicestatus {")
        .skip(1)
        .map(|b| b.split('}').next().unwrap_or_default())
        .collect();
    (!blocks.is_empty() && blocks.iter().all(|b| b.contains("has_been_checked=1")))
        .then_some(blocks.len())
}

fn lines(path: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn an_imported_configuration_runs_what_nagios4_runs() {
    let dir = tempfile::Builder::new()
        .prefix("smokegate-fidelity-")
        .tempdir()
        .expect("tmp");
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let log = d.join("argv.log");
    let plugin = d.join("p");
    std::fs::write(
        &plugin,
        format!(
            // One write per run (an appended line is not interleaved with another run's).
            "#!/bin/sh\nline=''\nfor a in \"$@\"; do line=\"$line[$a]\"; done\nprintf '%s\\n' \"$line\" >> {log}\necho OK\n",
            log = log.display()
        ),
    )
    .expect("plugin");
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let objects_dir = d.join("objects");
    std::fs::create_dir_all(objects_dir.join(".attic")).expect("mkdir");
    std::fs::write(objects_dir.join("base.cfg"), TIMEPERIOD).expect("base");
    std::fs::write(
        objects_dir.join("checks.cfg"),
        objects(&plugin.display().to_string()),
    )
    .expect("objects");
    // Hidden entries, which Nagios passes over: they would add a service on web2.
    let hidden = "define service {\n service_description hidden\n host_name web2\n check_command log!hidden\n max_check_attempts 1\n check_interval 600\n retry_interval 600\n check_period 24x7\n contacts admin\n notification_period 24x7\n}\n";
    std::fs::write(objects_dir.join(".disabled.cfg"), hidden).expect("hidden");
    std::fs::write(objects_dir.join(".attic/old.cfg"), hidden).expect("hidden");
    std::fs::create_dir_all(d.join("checkresults")).expect("mkdir");
    let cfg = d.join("nagios.cfg");
    let p = d.display();
    std::fs::write(
        &cfg,
        format!(
            "log_file={p}/nagios.log\ncfg_dir={p}/objects\nobject_cache_file={p}/objects.cache\n\
             precached_object_file={p}/objects.precache\nstatus_file={p}/status.dat\nstatus_update_interval=1\n\
             nagios_user=nagios\nnagios_group=nagios\ncheck_external_commands=0\ncommand_file={p}/nagios.cmd\n\
             lock_file={p}/nagios.lock\ntemp_file={p}/nagios.tmp\ntemp_path={p}\ncheck_result_path={p}/checkresults\n\
             state_retention_file={p}/retention.dat\nretain_state_information=0\nuse_retained_scheduling_info=0\n\
             interval_length=1\nmax_service_check_spread=1\nmax_host_check_spread=1\nservice_inter_check_delay_method=n\n\
             host_inter_check_delay_method=n\nenable_notifications=0\nservice_check_timeout=30\n"
        ),
    )
    .expect("nagios.cfg");
    let chown = Command::new("chown")
        .args(["-R", "nagios:nagios"])
        .arg(d)
        .status()
        .expect("chown");
    assert!(chown.success());
    let verify = Command::new("/usr/sbin/nagios4")
        .arg("-v")
        .arg(&cfg)
        .output()
        .expect("nagios4 -v");
    assert!(
        verify.status.success(),
        "nagios4 -v: {}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let services = {
        let _nagios = Daemon::start(
            Command::new("/usr/sbin/nagios4")
                .arg(&cfg)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let start = Instant::now();
        loop {
            // A hang guard: nagios4 checks every service within seconds.
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "nagios4 did not check every service"
            );
            if let Some(n) = std::fs::read_to_string(d.join("status.dat"))
                .ok()
                .and_then(|s| all_checked(&s))
            {
                break n;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    };
    let by_nagios = lines(&log);
    std::fs::remove_file(&log).expect("rm log");
    // macros 1, hash 1, tilde 1, nested on db1, web1, web2, everyone on four hosts but lb.
    assert_eq!(services, 9, "services nagios4 scheduled");
    assert_eq!(by_nagios.len(), 9, "{by_nagios:#?}");
    let out = Smokegate::new()
        .suite(&format!(
            "[import]\nnagios = \"{}\"\n\n[defaults]\ntimeout = \"30s\"\n",
            cfg.display()
        ))
        .args(&["run", "--color", "never"])
        .run();
    out.code(0);
    assert_eq!(
        lines(&log),
        by_nagios,
        "smokegate ran other commands than nagios4"
    );
}

#[test]
fn what_nagios_reads_otherwise_is_said_at_load() {
    let objects = "define command {\n command_name c\n command_line /bin/echo $USER2$\n}\ndefine host {\n host_name web1\n}\ndefine service {\n service_description s\n host_name web1\n check_command c\n}\n";
    let load = |main: &str| {
        Smokegate::new()
            .file("nagios/nagios.cfg", main)
            .file("nagios/objects.cfg", objects)
            .file(
                "nagios/resource.cfg",
                "$USER1$=/usr/lib/nagios/plugins\n$USER2$ = secret\n",
            )
            .suite("[import]\nnagios = \"../nagios/nagios.cfg\"\n")
            .args(&["validate"])
            .run()
    };
    let regexp = load("use_regexp_matching=1\ncfg_file=objects.cfg\nresource_file=resource.cfg\n");
    regexp.code(2);
    assert!(
        regexp.stderr.starts_with("error: use_regexp_matching=1: Nagios matches names as regular expressions here, which smokegate does not; it would run services on other hosts than Nagios does\n --> checks/../nagios/nagios.cfg:1:1"),
        "{}",
        regexp.stderr
    );
    let spaced = load("cfg_file=objects.cfg\nresource_file=resource.cfg\n");
    spaced.code(2);
    assert!(
        spaced.stderr.contains(
            "defines it with spaces around `=`, which Nagios passes over: write `$USER2$=...`"
        ),
        "{}",
        spaced.stderr
    );
    assert!(!spaced.stderr.contains("secret"), "{}", spaced.stderr);
}

/// Whether `nagios4 -v` accepts `objects` (with a 24x7 period, a contact and host `web1`) under
/// a nagios.cfg with `main` added, and what `smokegate validate` says of the same files.
fn nagios4_and_smokegate(main: &str, objects: &str) -> (bool, String, Output) {
    let dir = tempfile::Builder::new()
        .prefix("smokegate-verify-")
        .tempdir()
        .expect("tmp");
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::create_dir_all(d.join("checkresults")).expect("mkdir");
    let host = "define host {\n host_name web1\n address 127.0.0.1\n max_check_attempts 1\n check_period 24x7\n contacts admin\n notification_period 24x7\n}\n";
    std::fs::write(d.join("base.cfg"), format!("{TIMEPERIOD}{host}")).expect("base");
    std::fs::write(d.join("objects.cfg"), objects).expect("objects");
    let p = d.display();
    let cfg = d.join("nagios.cfg");
    std::fs::write(
        &cfg,
        format!(
            "cfg_file={p}/base.cfg\ncfg_file={p}/objects.cfg\ncheck_result_path={p}/checkresults\n\
             lock_file={p}/nagios.lock\ntemp_file={p}/nagios.tmp\nillegal_macro_output_chars=`\n{main}"
        ),
    )
    .expect("nagios.cfg");
    let chown = Command::new("chown")
        .args(["-R", "nagios:nagios"])
        .arg(d)
        .status()
        .expect("chown");
    assert!(chown.success());
    let verify = Command::new("/usr/sbin/nagios4")
        .arg("-v")
        .arg(&cfg)
        .output()
        .expect("nagios4 -v");
    let said = String::from_utf8_lossy(&verify.stdout).into_owned();
    let out = Smokegate::new()
        .suite(&format!("[import]\nnagios = \"{}\"\n", cfg.display()))
        .args(&["validate"])
        .run();
    // The temp dir goes with the test; smokegate has read what it needs.
    drop(dir);
    (verify.status.success(), said, out)
}

fn service(desc: &str, on: &str) -> String {
    format!("define service {{\n service_description {desc}\n {on}\n check_command c\n max_check_attempts 1\n check_interval 600\n retry_interval 600\n check_period 24x7\n contacts admin\n notification_period 24x7\n notification_interval 0\n}}\n")
}

const COMMAND: &str =
    "define command {\n command_name c\n command_line /usr/lib/nagios/plugins/check_dummy 0 up\n}\n";

/// nagios4 reads the type after `define` up to a space, a tab or `{`, and leaves the `{` out
/// if it likes: a `define command` line without one is accepted by both. A `{` on the next line
/// (Allman style) is a directive `{` to nagios4, which rejects it; smokegate says so once, at
/// the brace, instead of an error per line.
#[test]
fn brace_placement_as_nagios4_reads_it() {
    let braceless = COMMAND.replace("define command {", "define command");
    let (accepted, said, out) = nagios4_and_smokegate(
        "",
        &format!("{braceless}{}", service("s", "host_name web1")),
    );
    assert!(accepted, "nagios4 -v: {said}");
    out.code(0);
    assert_eq!(out.stdout, "ok: 1 check selected from 1 suite file\n");

    for allman in ["define command\n{\n", "define command\n\n# the check\n{\n"] {
        let objects = format!(
            "{}{}",
            COMMAND.replace("define command {\n", allman),
            service("s", "host_name web1")
        );
        let (accepted, said, out) = nagios4_and_smokegate("", &objects);
        assert!(!accepted, "nagios4 -v accepted it: {said}");
        assert!(
            said.contains("Error: Invalid command object directive '{'."),
            "{said}"
        );
        out.code(2);
        let line = allman.lines().count();
        let errors: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.starts_with("error: ") || l.starts_with(" --> "))
            .collect();
        assert_eq!(errors.len(), 3, "one error, then the count: {}", out.stderr);
        assert_eq!(
            errors[0],
            "error: `{` on a line of its own in `define command` (line 1): nagios4 rejects it too (\"Invalid command object directive '{'\"); write `define command {` on one line"
        );
        assert!(
            errors[1].ends_with(&format!("/objects.cfg:{line}:1")),
            "{}",
            out.stderr
        );
    }
}

/// `allow_empty_hostgroup_assignment` as nagios4 applies it: a service on a hostgroup that
/// exists without members is accepted (run nowhere) whatever the option says; one whose
/// `hostgroup_name` gives no hostgroup (`!group` only) is rejected unless the option is 1.
#[test]
fn empty_hostgroups_as_nagios4_reads_them() {
    let groups = "define hostgroup {\n hostgroup_name empty\n alias empty\n}\n";
    let on_empty = format!(
        "{COMMAND}{groups}{}{}",
        service("kept", "host_name web1"),
        service("on empty", "hostgroup_name empty")
    );
    let (accepted, said, out) =
        nagios4_and_smokegate("allow_empty_hostgroup_assignment=0\n", &on_empty);
    assert!(accepted, "nagios4 -v: {said}");
    assert!(said.contains("Checked 1 services."), "{said}");
    out.code(0);
    assert!(
        out.stdout
            .starts_with("ok: 1 check selected from 1 suite file\nskipped: "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(": service `on empty`: hostgroup `empty` has no members: Nagios runs it on no host, not imported\n"), "{}", out.stdout);

    let excluding = format!(
        "{COMMAND}{groups}{}{}",
        service("kept", "host_name web1"),
        service("not on empty", "hostgroup_name !empty")
    );
    let (accepted, said, out) =
        nagios4_and_smokegate("allow_empty_hostgroup_assignment=0\n", &excluding);
    assert!(!accepted, "nagios4 -v accepted it: {said}");
    assert!(
        said.contains("Could not expand hostgroups and/or hosts specified in service"),
        "{said}"
    );
    out.code(2);
    assert!(
        out.stderr.starts_with(
            "error: service `not on empty`: `hostgroup_name !empty` gives no hostgroup to run on"
        ),
        "{}",
        out.stderr
    );

    let (accepted, said, out) =
        nagios4_and_smokegate("allow_empty_hostgroup_assignment=1\n", &excluding);
    assert!(accepted, "nagios4 -v: {said}");
    assert!(said.contains("Checked 1 services."), "{said}");
    out.code(0);
    assert!(out.stdout.contains(": service `not on empty`: `hostgroup_name` gives no hostgroup (allow_empty_hostgroup_assignment=1): Nagios runs it on no host, not imported\n"), "{}", out.stdout);
}
