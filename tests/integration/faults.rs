//! Network faults, for real: smokegate and a target server run inside a network namespace this
//! test creates (`ip netns`), on that namespace's own loopback, with nftables rules in it that
//! drop everything, or drop 30% of the packets at random; and a target that answers 2 s late.
//! Native probes and plugins end within their timeouts with the right state, the run within its
//! deadline, and nothing is left running. The namespace is removed when the test ends.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::harness::*;

/// Answers `GET /late` after 2 s and anything else at once, on 127.0.0.1:PORT; prints "ready".
const SERVER: &str = r#"
import http.server, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/late":
            time.sleep(2)
        body = b"up and running"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H)
print("ready", flush=True)
srv.serve_forever()
"#;

const PORT: u16 = 8080;

/// A network namespace with its loopback up and a target server in it; both go on drop.
struct Netns {
    name: String,
    server: Option<Child>,
}

impl Netns {
    fn new(tag: &str) -> Netns {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "smk-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        ip(&["netns", "add", &name]);
        let mut ns = Netns { name, server: None };
        ip(&["-n", &ns.name, "link", "set", "lo", "up"]);
        let mut server = ns
            .command("python3")
            .args(["-c", SERVER, &PORT.to_string()])
            .stdout(Stdio::piped())
            // A client that gave up (the test's point) makes the server complain: not ours.
            .stderr(Stdio::null())
            .spawn()
            .expect("start the target server");
        let mut ready = String::new();
        if let Some(out) = server.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut ready);
        }
        ns.server = Some(server);
        assert_eq!(ready.trim(), "ready", "the target server did not start");
        ns
    }

    /// A command that runs inside the namespace.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name, program]);
        cmd
    }

    /// Loads an nftables ruleset into the namespace.
    fn nft(&self, rules: &str) {
        let status = self
            .command("nft")
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                if let Some(mut stdin) = child.stdin.take() {
                    stdin.write_all(rules.as_bytes())?;
                }
                child.wait()
            })
            .expect("run nft");
        assert!(status.success(), "nft -f failed for:\n{rules}");
    }

    /// Runs smokegate in the namespace on `suite`; the JSON report and the exit code.
    fn smokegate(&self, suite: &str, args: &[&str], marker: &str) -> (i32, serde_json::Value) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("suite.toml"), suite).expect("suite");
        let mut cmd = self.command(BIN);
        cmd.args(["run", "suite.toml", "--json", "r.json"])
            .args(args)
            .current_dir(dir.path())
            .env("SMOKEGATE_TEST_MARKER", marker)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        let mut child = cmd.spawn().expect("run smokegate");
        // A hang guard, well past every timeout and deadline in these tests.
        let mut code = None;
        for _ in 0..1200 {
            if let Ok(Some(status)) = child.try_wait() {
                code = status.code();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if code.is_none() {
            let _ = child.kill();
            let _ = child.wait();
            panic!("smokegate did not end within 60 s");
        }
        let json = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("r.json")).expect("report"),
        )
        .expect("valid JSON");
        (code.unwrap_or(-1), json)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.kill();
            let _ = server.wait();
        }
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

fn ip(args: &[&str]) {
    let status = Command::new("ip").args(args).status().expect("run ip");
    assert!(status.success(), "ip {args:?} failed");
}

/// Every check's state and summary, by name.
fn states(json: &serde_json::Value) -> Vec<(String, String, String)> {
    json["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["state"].as_str().unwrap_or_default().to_string(),
                c["summary"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// An http, a tcp and a check_http (plugin) check of the target, each with `timeout`.
fn suite(timeout: &str, path: &str) -> String {
    format!(
        "[[check]]\nname = \"http\"\ntimeout = \"{timeout}\"\nhttp = {{ url = \"http://127.0.0.1:{PORT}{path}\" }}\n\n\
         [[check]]\nname = \"tcp\"\ntimeout = \"{timeout}\"\ntcp = {{ host = \"127.0.0.1\", port = {PORT} }}\n\n\
         [[check]]\nname = \"plugin\"\ntimeout = \"{timeout}\"\nnagios = {{ command = \"check_http -H 127.0.0.1 -p {PORT} -u {path} -t 1\" }}\n"
    )
}

#[test]
fn a_target_that_drops_everything_is_critical_within_the_timeouts() {
    let ns = Netns::new("drop");
    ns.nft(&format!(
        "table inet fault {{\n  chain input {{\n    type filter hook input priority 0;\n    tcp dport {PORT} drop\n  }}\n}}\n"
    ));
    let marker = marker("dropall");
    let (code, json) = ns.smokegate(&suite("3s", "/"), &["--deadline", "20s"], &marker);
    assert_eq!(code, 1);
    let found = states(&json);
    for (name, state, summary) in &found {
        assert_eq!(state, "CRITICAL", "{name}: {summary}");
        match name.as_str() {
            // Native probes: the runner's timeout, saying what they waited for.
            "http" | "tcp" => assert!(
                summary.starts_with("timed out after 3s"),
                "{name}: {summary}"
            ),
            // check_http's own -t 1 answers first, as a plugin should.
            _ => assert!(summary.contains("Socket timeout"), "{name}: {summary}"),
        }
    }
    assert_eq!(found.len(), 3);
    assert!(json["duration_s"].as_f64().unwrap_or(99.0) < 20.0);
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

#[test]
fn a_target_behind_packet_loss_gives_an_answer_or_a_timeout_never_a_hang() {
    let ns = Netns::new("loss");
    // 30% of the packets towards the target are dropped at random: retransmissions, or nothing.
    ns.nft(&format!(
        "table inet fault {{\n  chain input {{\n    type filter hook input priority 0;\n    tcp dport {PORT} numgen random mod 10 < 3 drop\n  }}\n}}\n"
    ));
    let marker = marker("loss");
    let mut text = String::new();
    for i in 0..5 {
        text.push_str(&suite("3s", "/").replace("name = \"", &format!("name = \"{i} ")));
    }
    let (code, json) = ns.smokegate(&text, &["--deadline", "30s"], &marker);
    let found = states(&json);
    assert_eq!(found.len(), 15);
    for (name, state, summary) in &found {
        // Whatever got through: OK; whatever did not: CRITICAL with the reason. Never UNKNOWN
        // (the run had no trouble of its own), never a hang.
        match state.as_str() {
            "OK" => {}
            "CRITICAL" => assert!(
                summary.starts_with("timed out after 3s") || summary.contains("timeout"),
                "{name}: {summary}"
            ),
            _ => panic!("{name}: {state} {summary}"),
        }
    }
    let failing = found.iter().filter(|(_, s, _)| s != "OK").count();
    eprintln!("behind 30% loss: {failing} of 15 checks failed");
    assert_eq!(code, if failing == 0 { 0 } else { 1 });
    assert!(json["duration_s"].as_f64().unwrap_or(99.0) < 30.0);
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

#[test]
fn a_target_that_answers_late_is_judged_by_each_checks_timeout() {
    let ns = Netns::new("late");
    let marker = marker("late");
    let text = "[[check]]\nname = \"impatient\"\ntimeout = \"1s\"\nhttp = { url = \"http://127.0.0.1:8080/late\" }\n\n\
                [[check]]\nname = \"patient\"\ntimeout = \"10s\"\nhttp = { url = \"http://127.0.0.1:8080/late\" }\n\n\
                [[check]]\nname = \"plugin, patient\"\ntimeout = \"10s\"\nnagios = { command = \"check_http -H 127.0.0.1 -p 8080 -u /late -t 8\" }\n";
    let (code, json) = ns.smokegate(text, &[], &marker);
    assert_eq!(code, 1);
    let found = states(&json);
    assert_eq!(found[0].1, "CRITICAL", "{:?}", found[0]);
    assert!(
        found[0].2.starts_with("timed out after 1s"),
        "{:?}",
        found[0]
    );
    assert_eq!(found[1].1, "OK", "{:?}", found[1]);
    assert_eq!(found[2].1, "OK", "{:?}", found[2]);
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}
