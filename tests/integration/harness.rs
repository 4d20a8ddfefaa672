//! A small builder around the real `smokegate` binary: files in a temp dir, args, env; the
//! result carries stdout, stderr, exit code and wall time.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_smokegate");

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Absolute path of a fixture plugin.
pub fn plugin(name: &str) -> String {
    repo()
        .join("fixtures/plugins")
        .join(name)
        .display()
        .to_string()
}

pub struct Smokegate {
    args: Vec<String>,
    env: Vec<(String, String)>,
    dir: tempfile::TempDir,
    in_repo: bool,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    pub dir: tempfile::TempDir,
}

impl Smokegate {
    /// Runs in a fresh temp dir (the default suite path `checks/` is inside it).
    pub fn new() -> Smokegate {
        Smokegate {
            args: Vec::new(),
            env: vec![(
                "FIXTURES".into(),
                repo().join("fixtures/plugins").display().to_string(),
            )],
            dir: tempfile::tempdir().expect("temp dir"),
            in_repo: false,
        }
    }

    /// Runs with the repository as working directory, for committed fixtures.
    pub fn in_repo() -> Smokegate {
        Smokegate {
            in_repo: true,
            ..Smokegate::new()
        }
    }

    pub fn file(self, path: &str, contents: &str) -> Smokegate {
        let full = self.dir.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(full, contents).expect("write file");
        self
    }

    /// Writes `checks/suite.toml`.
    pub fn suite(self, contents: &str) -> Smokegate {
        self.file("checks/suite.toml", contents)
    }

    pub fn args(mut self, args: &[&str]) -> Smokegate {
        self.args.extend(args.iter().map(|s| s.to_string()));
        self
    }

    /// Tags every process this run starts with `marker` (see [`processes_with`]).
    pub fn marked(self, marker: &str) -> Smokegate {
        self.env("SMOKEGATE_TEST_MARKER", marker)
    }

    pub fn env(mut self, key: &str, value: &str) -> Smokegate {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(&self.args)
            .current_dir(if self.in_repo {
                repo()
            } else {
                self.dir.path().to_path_buf()
            })
            .env_remove("NO_COLOR")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    pub fn run(self) -> Output {
        let start = Instant::now();
        let out = self.command().output().expect("run smokegate");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed: start.elapsed(),
            dir: self.dir,
        }
    }

    /// Starts the binary and hands back the child, for signal tests.
    pub fn spawn(self) -> (std::process::Child, tempfile::TempDir) {
        let child = self.command().spawn().expect("spawn smokegate");
        (child, self.dir)
    }
}

impl Output {
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Output {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(path)).expect("read output file")
    }

    pub fn json(&self, path: &str) -> serde_json::Value {
        serde_json::from_str(&self.read(path)).expect("valid JSON")
    }
}

/// A copy of `fixtures/nrpe` in a temp dir, its `@HERE@` replaced by the copy's absolute path
/// (NRPE reads relative include paths from its working directory, so the fixture has none);
/// the dir, and the path of its nrpe.cfg.
pub fn nrpe_fixture() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let here = dir.path().display().to_string();
    for file in ["nrpe.cfg", "local.cfg", "nrpe.d/web.cfg"] {
        let text =
            std::fs::read_to_string(repo().join("fixtures/nrpe").join(file)).expect("nrpe fixture");
        let to = dir.path().join(file);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::write(to, text.replace("@HERE@", &here)).expect("write fixture");
    }
    let cfg = dir.path().join("nrpe.cfg").display().to_string();
    (dir, cfg)
}

/// insta filters that make snapshots stable: durations, timestamps, temp paths, the version.
pub fn stable() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    // A live line's duration is right-aligned: its padding changes with its width.
    settings.add_filter(
        r"(?m)^(OK|WARNING|CRITICAL|UNKNOWN|NOT RUN|RETRY)\s+\d+(\.\d+)?(ms|s) ",
        "$1 [DUR] ",
    );
    settings.add_filter(r#"time="[0-9.]+""#, r#"time="[T]""#);
    settings.add_filter(r#"timestamp="[^"]+""#, r#"timestamp="[TS]""#);
    settings.add_filter(r#""(started_at)": "[^"]+""#, r#""$1": "[TS]""#);
    settings.add_filter(r#""(duration_s|started_s)": [0-9.]+"#, r#""$1": [S]"#);
    settings.add_filter(r"\b\d+(\.\d+)?(ms|s)\b", "[DUR]");
    settings.add_filter(r"time=[0-9.]+s", "time=[S]s");
    settings.add_filter(r"/tmp/\.tmp[A-Za-z0-9]+", "[TMP]");
    // A digest of resolved paths, which differ between checkouts.
    settings.add_filter(
        r#""fingerprint": "sha256:[0-9a-f]+""#,
        r#""fingerprint": "[FP]""#,
    );
    settings.add_filter(&regex::escape(&repo().display().to_string()), "[REPO]");
    settings.add_filter(&regex::escape(env!("CARGO_PKG_VERSION")), "[VERSION]");
    settings
}

/// Processes whose environment or command line contains `marker`: a test sets
/// `SMOKEGATE_TEST_MARKER` on the binary, and every descendant inherits it.
pub fn processes_with(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let env_text = String::from_utf8_lossy(&environ);
        let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if env_text.contains(marker) || text.contains(marker) {
            found.push(format!("{}: {text}", name.to_string_lossy()));
        }
    }
    found
}

/// Waits (bounded) until no process carries `marker`; returns what is left.
pub fn leftovers(marker: &str) -> Vec<String> {
    for _ in 0..40 {
        let left = processes_with(marker);
        if left.is_empty() {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    processes_with(marker)
}

/// A daemon started in a process group of its own and killed with that whole group (then reaped)
/// when the test ends, pass or fail, so that workers it forked go with it.
pub struct Daemon(std::process::Child);

impl Daemon {
    /// Starts `command` with stdin from /dev/null; stdout and stderr are the caller's choice.
    pub fn start(command: &mut Command) -> Daemon {
        use std::os::unix::process::CommandExt;
        let child = command
            .process_group(0)
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {:?}: {e}", command.get_program()));
        Daemon(child)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the process group of a child we started, not yet reaped.
        unsafe {
            libc::kill(-(self.0.id() as i32), libc::SIGKILL);
        }
        let _ = self.0.wait();
    }
}

/// A unique marker for one test's processes.
pub fn marker(test: &str) -> String {
    format!("smk{}x{}", test, std::process::id())
}

/// A loopback HTTP server answering every request with `status` and `body`, on its own thread.
pub fn http_server(status: u16, body: &'static str) -> u16 {
    http_server_with(move |_| status, body)
}

/// A loopback HTTP server (at most 1000 requests) whose answer to request N (from 0) has the
/// status `status(N)`: an endpoint that flaps on a schedule.
pub fn http_server_with(status: impl Fn(usize) -> u16 + Send + 'static, body: &'static str) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().flatten().take(1000).enumerate() {
            let mut stream = stream;
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let status = status(n);
            let reason = if status == 200 { "OK" } else { "Error" };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

/// What a routed test server answers: status, header lines, body.
pub type Reply = (u16, Vec<String>, Vec<u8>);

/// A request as a routed test server hands it over.
pub struct Request {
    pub target: String,
    /// The header lines as sent, each ending in CRLF.
    pub headers: String,
    pub body: String,
}

/// A loopback HTTP server answering each request with `route(request)`, one request per
/// connection (`Connection: close`); at most 500 connections. HTML unless a Content-Type is given.
pub fn serve_routes(route: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> u16 {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    let route = std::sync::Arc::new(route);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(500) {
            let route = std::sync::Arc::clone(&route);
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let Ok(clone) = stream.try_clone() else {
                    return;
                };
                let mut reader = BufReader::new(clone);
                let mut stream = stream;
                let mut first = String::new();
                if reader.read_line(&mut first).unwrap_or(0) == 0 {
                    return;
                }
                let (mut length, mut headers) = (0usize, String::new());
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) if line == "\r\n" => break,
                        Ok(_) => {
                            if let Some(v) =
                                line.to_ascii_lowercase().strip_prefix("content-length:")
                            {
                                length = v.trim().parse().unwrap_or(0);
                            }
                            headers.push_str(&line);
                        }
                    }
                }
                let mut body = vec![0u8; length.min(1 << 20)];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let request = Request {
                    target: first.split_whitespace().nth(1).unwrap_or("/").to_string(),
                    headers,
                    body: String::from_utf8_lossy(&body).into_owned(),
                };
                let (status, lines, text) = route(&request);
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                    text.len()
                );
                if !lines
                    .iter()
                    .any(|h| h.to_ascii_lowercase().starts_with("content-type"))
                {
                    head.push_str("Content-Type: text/html; charset=utf-8\r\n");
                }
                for h in lines {
                    head.push_str(&h);
                    head.push_str("\r\n");
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&text);
            });
        }
    });
    port
}

/// A `[[check]]` table running a Nagios probe (`{ command = ... }` or `{ plugin = ... }`).
pub fn check(name: &str, probe: &str) -> String {
    format!("[[check]]\nname = \"{name}\"\nnagios = {probe}\n\n")
}
