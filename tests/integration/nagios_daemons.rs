//! smokegate inside the Nagios world, for real: as the plugin behind an NRPE command queried
//! with check_nrpe, and as a service's check_command under the nagios4 daemon — state, plugin
//! output, long output and perfdata arrive intact. Both daemons run on loopback with their own
//! configuration in a temp dir and are stopped at the end.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;

/// A folder the `nagios` user can read and write: daemons drop to it.
fn nagios_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("smokegate-nagios-")
        .tempdir()
        .expect("tmp");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

fn chown_nagios(path: &Path) {
    let status = Command::new("chown")
        .args(["-R", "nagios:nagios"])
        .arg(path)
        .status()
        .expect("chown");
    assert!(status.success());
}

/// The binary and a suite (one OK, one WARNING check, one OK check with perfdata of its own)
/// copied where the `nagios` user reaches.
fn install(dir: &Path) -> (PathBuf, PathBuf) {
    let bin = dir.join("smokegate");
    std::fs::copy(BIN, &bin).expect("copy binary");
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let checks = dir.join("checks");
    std::fs::create_dir_all(&checks).expect("mkdir");
    std::fs::write(
        checks.join("suite.toml"),
        "[[check]]\nname = \"web\"\nnagios = { command = \"check_dummy 0 'home page fine'\" }\n\n\
         [[check]]\nname = \"queue\"\nnagios = { command = \"check_dummy 1 'queue is long'\" }\n\n\
         [[check]]\nname = \"disk\"\nnagios = { command = \"/bin/sh -c 'echo \\\"DISK OK | /=91%;95;98;0;100 temp=21.5C\\\"'\" }\n",
    )
    .expect("suite");
    (bin, checks)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn wait_for_port(address: &str, port: u16) {
    let start = Instant::now();
    while std::net::TcpStream::connect((address, port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "daemon did not listen on {address}:{port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

const EXPECTED_FIRST: &str = "SMOKEGATE WARNING - 0/3 checks failing. 1 warning: queue | checks=3 ok=2 warning=1 critical=0 unknown=0 time=";

#[test]
fn as_an_nrpe_command_queried_with_check_nrpe() {
    let dir = nagios_dir();
    let (bin, checks) = install(dir.path());
    let port = free_port();
    let cfg = dir.path().join("nrpe.cfg");
    std::fs::write(
        &cfg,
        format!(
            "server_address=127.0.0.1\nserver_port={port}\nallowed_hosts=127.0.0.1\nnrpe_user=nagios\nnrpe_group=nagios\n\
             pid_file={pid}\ndont_blame_nrpe=0\ncommand_timeout=30\n\
             command[smoke]={bin} nagios {checks} -t 8\n",
            pid = dir.path().join("nrpe.pid").display(),
            bin = bin.display(),
            checks = checks.display()
        ),
    )
    .expect("nrpe.cfg");
    chown_nagios(dir.path());
    let _nrpe = Daemon::start(
        Command::new("/usr/sbin/nrpe")
            .args(["-c", &cfg.display().to_string(), "-f", "-n"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_for_port("127.0.0.1", port);
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
            "smoke",
        ])
        .output()
        .expect("check_nrpe");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "WARNING arrives as exit 1: {stdout}"
    );
    let mut lines = stdout.lines();
    let first = lines.next().unwrap_or("");
    assert!(first.starts_with(EXPECTED_FIRST), "{stdout}");
    assert!(
        first.ends_with(" disk::/=91%;95;98;0;100 disk::temp=21.5C"),
        "each check's perfdata, under its name, after the counts: {stdout}"
    );
    assert_eq!(
        lines.next(),
        Some("WARNING: queue - WARNING: queue is long")
    );
}

#[test]
fn as_a_service_check_under_the_nagios4_daemon() {
    let dir = nagios_dir();
    let (bin, checks) = install(dir.path());
    let d = dir.path().display().to_string();
    std::fs::create_dir_all(dir.path().join("checkresults")).expect("mkdir");
    let days = [
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
    ]
    .map(|day| format!("  {day} 00:00-24:00\n"))
    .concat();
    std::fs::write(
        dir.path().join("objects.cfg"),
        format!(
            "define timeperiod {{\n  timeperiod_name 24x7\n  alias always\n{days}}}\n\
             define command {{\n  command_name notify\n  command_line /bin/true\n}}\n\
             define command {{\n  command_name check_ok\n  command_line /usr/lib/nagios/plugins/check_dummy 0 up\n}}\n\
             define command {{\n  command_name smokegate\n  command_line {bin} nagios {checks} -t 8\n}}\n\
             define contact {{\n  contact_name admin\n  alias admin\n  service_notification_period 24x7\n  host_notification_period 24x7\n\
               service_notification_options n\n  host_notification_options n\n  service_notification_commands notify\n  host_notification_commands notify\n}}\n\
             define host {{\n  host_name web1\n  address 127.0.0.1\n  check_command check_ok\n  max_check_attempts 1\n  check_interval 1\n\
               retry_interval 1\n  check_period 24x7\n  contacts admin\n  notification_interval 0\n  notification_period 24x7\n}}\n\
             define service {{\n  host_name web1\n  service_description smoke\n  check_command smokegate\n  max_check_attempts 1\n\
               check_interval 2\n  retry_interval 2\n  check_period 24x7\n  contacts admin\n  notification_interval 0\n  notification_period 24x7\n}}\n",
            bin = bin.display(),
            checks = checks.display()
        ),
    )
    .expect("objects");
    let cfg = dir.path().join("nagios.cfg");
    std::fs::write(
        &cfg,
        format!(
            "log_file={d}/nagios.log\ncfg_file={d}/objects.cfg\nobject_cache_file={d}/objects.cache\n\
             precached_object_file={d}/objects.precache\nstatus_file={d}/status.dat\nstatus_update_interval=1\n\
             nagios_user=nagios\nnagios_group=nagios\ncheck_external_commands=0\ncommand_file={d}/nagios.cmd\n\
             lock_file={d}/nagios.lock\ntemp_file={d}/nagios.tmp\ntemp_path={d}\ncheck_result_path={d}/checkresults\n\
             state_retention_file={d}/retention.dat\nretain_state_information=0\nuse_retained_scheduling_info=0\n\
             interval_length=1\nmax_service_check_spread=1\nmax_host_check_spread=1\nservice_inter_check_delay_method=n\n\
             host_inter_check_delay_method=n\nenable_notifications=0\nservice_check_timeout=30\nillegal_macro_output_chars=`~$&|'\"<>\n"
        ),
    )
    .expect("nagios.cfg");
    chown_nagios(dir.path());
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
    let _nagios = Daemon::start(
        Command::new("/usr/sbin/nagios4")
            .arg(&cfg)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let status_file = dir.path().join("status.dat");
    let start = Instant::now();
    let service = loop {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "nagios4 never checked the service"
        );
        if let Some(block) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|text| smoke_status(&text))
        {
            break block;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let field = |name: &str| {
        service
            .lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{name}=")))
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(field("current_state"), "1", "{service}");
    assert_eq!(
        field("plugin_output"),
        "SMOKEGATE WARNING - 0/3 checks failing. 1 warning: queue"
    );
    assert_eq!(
        field("long_plugin_output"),
        "WARNING: queue - WARNING: queue is long"
    );
    // What Nagios recorded: the counts, and every check's own perfdata under its name.
    let perf = field("performance_data");
    assert!(
        perf.starts_with("checks=3 ok=2 warning=1 critical=0 unknown=0 time="),
        "{service}"
    );
    assert!(
        perf.ends_with(" disk::/=91%;95;98;0;100 disk::temp=21.5C"),
        "{service}"
    );
}

/// The `servicestatus` block of the `smoke` service once it has been checked.
fn smoke_status(status: &str) -> Option<String> {
    status
        .split("servicestatus {")
        .skip(1)
        .map(|b| b.split('}').next().unwrap_or("").to_string())
        .find(|b| b.contains("service_description=smoke") && b.contains("has_been_checked=1"))
}

/// An NRPE daemon on `address:port` (no SSL) with these `command[...]` lines.
fn start_nrpe(dir: &Path, address: &str, port: u16, commands: &str) -> Daemon {
    let cfg = dir.join(format!("nrpe-{address}.cfg"));
    std::fs::write(
        &cfg,
        format!(
            "server_address={address}\nserver_port={port}\nallowed_hosts=127.0.0.0/8\nnrpe_user=nagios\nnrpe_group=nagios\n\
             pid_file={pid}\ndont_blame_nrpe=0\ncommand_timeout=30\n{commands}",
            pid = dir.join(format!("nrpe-{address}.pid")).display(),
        ),
    )
    .expect("nrpe.cfg");
    chown_nagios(dir);
    let daemon = Daemon::start(
        Command::new("/usr/sbin/nrpe")
            .args(["-c", &cfg.display().to_string(), "-f", "-n"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_for_port(address, port);
    daemon
}

#[test]
fn an_nrpe_command_fans_out_to_every_host_in_parallel() {
    let dir = nagios_dir();
    let port = free_port();
    let _web1 = start_nrpe(
        dir.path(),
        "127.0.0.1",
        port,
        "command[check_app]=/usr/lib/nagios/plugins/check_dummy 0 \"app up on web1\"\n",
    );
    let _web2 = start_nrpe(
        dir.path(),
        "127.0.0.2",
        port,
        "command[check_app]=/usr/lib/nagios/plugins/check_dummy 2 \"app down on web2\"\n",
    );
    let suite = format!(
        "[[check]]\nname = \"app\"\ntags = [\"app\"]\nnrpe = {{ command = \"check_app\", hosts = [\"127.0.0.1\", \"127.0.0.2\", \"127.0.0.3\"], port = {port}, ssl = false }}\n"
    );
    let listed = Smokegate::new()
        .suite(&suite)
        .args(&["list", "--tag", "127.0.0.2"])
        .run();
    listed.code(0);
    assert!(
        listed
            .stdout
            .contains("app @ 127.0.0.2  nagios  app,127.0.0.2"),
        "{}",
        listed.stdout
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let states: Vec<(String, String)> = json["checks"]
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
        states[0],
        (
            "app @ 127.0.0.1".to_string(),
            "OK: app up on web1".to_string()
        )
    );
    assert_eq!(
        states[1],
        (
            "app @ 127.0.0.2".to_string(),
            "CRITICAL: app down on web2".to_string()
        )
    );
    assert_eq!(json["checks"][2]["name"], "app @ 127.0.0.3");
    assert_ne!(
        json["checks"][2]["state"], "OK",
        "no daemon on 127.0.0.3: never a pass"
    );
}

#[test]
fn a_plugin_fans_out_over_ssh_with_check_by_ssh() {
    let dir = nagios_dir();
    let d = dir.path();
    for key in ["host_key", "client_key"] {
        let status = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(d.join(key))
            .status()
            .expect("ssh-keygen");
        assert!(status.success());
    }
    std::fs::copy(d.join("client_key.pub"), d.join("authorized_keys")).expect("authorized_keys");
    std::fs::create_dir_all("/run/sshd").expect("privilege separation dir");
    let port = free_port();
    std::fs::write(
        d.join("sshd_config"),
        format!(
            "ListenAddress 127.0.0.1\nPort {port}\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n\
             StrictModes no\nUsePAM no\nPidFile {d}/sshd.pid\n",
            d = d.display()
        ),
    )
    .expect("sshd_config");
    let _sshd = Daemon::start(
        Command::new("/usr/sbin/sshd")
            .arg("-f")
            .arg(d.join("sshd_config"))
            .args(["-D", "-e"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_for_port("127.0.0.1", port);
    let user = String::from_utf8_lossy(&Command::new("id").arg("-un").output().expect("id").stdout)
        .trim()
        .to_string();
    let suite = format!(
        "[[check]]\nname = \"queue\"\ntimeout = \"15s\"\n\
         ssh = {{ command = \"/usr/lib/nagios/plugins/check_dummy 1 'queue is long'\", hosts = [\"127.0.0.1\", \"127.0.0.2\"], \
         user = \"{user}\", port = {port}, identity = \"{key}\", \
         options = [\"StrictHostKeyChecking=no\", \"UserKnownHostsFile=/dev/null\"] }}\n",
        key = d.join("client_key").display()
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    assert_eq!(json["checks"][0]["name"], "queue @ 127.0.0.1");
    assert_eq!(
        json["checks"][0]["state"], "WARNING",
        "{}",
        json["checks"][0]["summary"]
    );
    assert_eq!(json["checks"][0]["summary"], "WARNING: queue is long");
    assert_eq!(json["checks"][1]["name"], "queue @ 127.0.0.2");
    assert_ne!(
        json["checks"][1]["state"], "OK",
        "no sshd listens on 127.0.0.2: never a pass"
    );
}
