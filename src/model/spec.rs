//! What a check runs, as config produces it and probes consume it: one definition per probe
//! kind, with no behaviour beyond describing itself. Must not run anything or read files.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use globset::GlobMatcher;
use regex::Regex;

use super::step::Step;
use super::State;
use crate::model::range::Thresholds;

/// What a check runs, one variant per probe kind.
#[derive(Clone, Debug)]
pub enum ProbeSpec {
    Nagios(NagiosSpec),
    Exec(ExecSpec),
    Http(Box<HttpSpec>),
    Tls(TlsSpec),
    Tcp(TcpSpec),
    Dns(DnsSpec),
    Browser(Box<BrowserSpec>),
    /// A Gherkin scenario over HTTP.
    Scenario(Box<super::scenario::ScenarioSpec>),
}

impl ProbeSpec {
    pub fn kind(&self) -> &'static str {
        match self {
            ProbeSpec::Nagios(_) => "nagios",
            ProbeSpec::Exec(_) => "exec",
            ProbeSpec::Http(_) => "http",
            ProbeSpec::Tls(_) => "tls",
            ProbeSpec::Tcp(_) => "tcp",
            ProbeSpec::Dns(_) => "dns",
            ProbeSpec::Browser(_) => "browser",
            ProbeSpec::Scenario(_) => "scenario",
        }
    }

    /// A one-line description for `list` and for evidence (e.g. the command line).
    pub fn describe(&self) -> String {
        match self {
            ProbeSpec::Nagios(spec) => spec.command_line(),
            ProbeSpec::Exec(spec) => spec.command_line(),
            ProbeSpec::Http(spec) => spec.describe(),
            ProbeSpec::Tls(spec) => format!("tls {}:{} (sni {})", spec.host, spec.port, spec.sni),
            ProbeSpec::Tcp(spec) => format!("tcp {}:{}", spec.host, spec.port),
            ProbeSpec::Dns(spec) => format!("dns {}", spec.name),
            ProbeSpec::Browser(spec) => {
                format!("browser {} ({} steps)", spec.origin, spec.steps.len())
            }
            ProbeSpec::Scenario(spec) => {
                format!("scenario {} ({} steps)", spec.origin, spec.steps.len())
            }
        }
    }

    /// The state of an attempt the runner had to stop at its timeout: a plugin that does not
    /// answer is UNKNOWN (as in Nagios); a service that does not answer a native probe is down
    /// (CRITICAL, as check_http and check_tcp say on a socket timeout).
    /// Whether a stopped attempt should be given the grace period to wind down (a child process
    /// gets TERM, then KILL); other probes are simply dropped.
    pub fn stops_gracefully(&self) -> bool {
        match self {
            ProbeSpec::Nagios(_) | ProbeSpec::Exec(_) => true,
            ProbeSpec::Scenario(spec) => spec
                .steps
                .iter()
                .any(|s| matches!(s.action, super::scenario::Action::Plugin(_))),
            ProbeSpec::Http(_)
            | ProbeSpec::Tls(_)
            | ProbeSpec::Tcp(_)
            | ProbeSpec::Dns(_)
            | ProbeSpec::Browser(_) => false,
        }
    }

    /// Browser checks need a session slot besides a job slot.
    pub fn needs_browser(&self) -> bool {
        match self {
            ProbeSpec::Browser(_) => true,
            ProbeSpec::Nagios(_)
            | ProbeSpec::Exec(_)
            | ProbeSpec::Http(_)
            | ProbeSpec::Tls(_)
            | ProbeSpec::Tcp(_)
            | ProbeSpec::Dns(_)
            | ProbeSpec::Scenario(_) => false,
        }
    }

    pub fn timeout_state(&self) -> State {
        match self {
            ProbeSpec::Nagios(_) => State::Unknown,
            // A command that does not finish did not succeed; a service that does not answer
            // is down.
            ProbeSpec::Exec(_)
            | ProbeSpec::Http(_)
            | ProbeSpec::Tls(_)
            | ProbeSpec::Tcp(_)
            | ProbeSpec::Dns(_)
            | ProbeSpec::Browser(_)
            | ProbeSpec::Scenario(_) => State::Critical,
        }
    }
}

/// A program and its arguments: what a `nagios` check (a plugin, judged by its exit code as
/// Nagios does) and an `exec` check (a plain command: exit 0 passes) run.
#[derive(Clone, Debug)]
pub struct CommandSpec {
    pub program: PathBuf,
    pub args: Vec<String>,
}

impl CommandSpec {
    pub fn command_line(&self) -> String {
        let mut words = vec![self.program.display().to_string()];
        words.extend(self.args.iter().cloned());
        shell_words::join(words)
    }
}

pub type NagiosSpec = CommandSpec;
pub type ExecSpec = CommandSpec;

#[derive(Clone, Debug)]
pub enum Auth {
    Basic { user: String, password: String },
    Bearer(String),
}

/// One accepted status: an exact code or a class (`2` for "2xx").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusRule {
    Code(u16),
    Class(u16),
}

impl StatusRule {
    pub fn accepts(self, code: u16) -> bool {
        match self {
            StatusRule::Code(c) => c == code,
            StatusRule::Class(k) => code / 100 == k,
        }
    }

    pub fn describe(self) -> String {
        match self {
            StatusRule::Code(c) => c.to_string(),
            StatusRule::Class(k) => format!("{k}xx"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct HeaderRule {
    pub name: String,
    pub pattern: String,
    pub matcher: GlobMatcher,
}

#[derive(Clone, Debug)]
pub struct HttpSpec {
    pub url: reqwest::Url,
    pub method: reqwest::Method,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub auth: Option<Auth>,
    pub follow_redirects: bool,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
    /// Empty: 2xx or 3xx.
    pub status: Vec<StatusRule>,
    pub body_has: Vec<String>,
    pub body_lacks: Vec<String>,
    pub body_matches: Vec<Regex>,
    pub body_lacks_match: Vec<Regex>,
    /// Off by default: `body_has` and `body_lacks` ignore case (regexes are as written).
    pub case_sensitive: bool,
    pub response_headers: Vec<HeaderRule>,
    /// JSON Pointer -> expected value.
    pub json: Vec<(String, serde_json::Value)>,
    /// Seconds, in Nagios range syntax.
    pub time: Thresholds,
    pub max_body: usize,
    pub cert_days: Option<CertDays>,
}

impl HttpSpec {
    /// A request with no assertion of its own, not following redirects: its caller judges the
    /// response (a scenario step, a test).
    pub fn request(method: reqwest::Method, url: reqwest::Url, max_body: usize) -> HttpSpec {
        HttpSpec {
            url,
            method,
            headers: Vec::new(),
            body: None,
            auth: None,
            follow_redirects: false,
            insecure: false,
            ca_cert: None,
            status: Vec::new(),
            body_has: Vec::new(),
            body_lacks: Vec::new(),
            body_matches: Vec::new(),
            body_lacks_match: Vec::new(),
            case_sensitive: false,
            response_headers: Vec::new(),
            json: Vec::new(),
            time: Default::default(),
            max_body,
            cert_days: None,
        }
    }

    pub fn describe(&self) -> String {
        format!("{} {}", self.method, self.url)
    }

    /// Values that must never appear in any output.
    pub fn secrets(&self) -> Vec<String> {
        use base64::Engine as _;
        // The Authorization header carries `user:password` in base64: a server that echoes
        // request headers must not show it either.
        let basic = |user: &str, password: &str| {
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        };
        let mut secrets = Vec::new();
        match &self.auth {
            Some(Auth::Basic { user, password }) if !password.is_empty() => {
                secrets.push(password.clone());
                secrets.push(basic(user, password));
            }
            Some(Auth::Bearer(token)) if !token.is_empty() => secrets.push(token.clone()),
            _ => {}
        }
        if let Some(pw) = self.url.password() {
            secrets.push(pw.to_string());
            let user = self.url.username();
            let decode = |s: &str| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map_or_else(|| s.to_string(), |(_, v)| v.into_owned())
            };
            secrets.push(basic(&decode(user), &decode(pw)));
        }
        secrets
    }
}

/// `cert_days = { warn = 30, crit = 7 }`: fewer days left than this raises the state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CertDays {
    pub warn: Option<i64>,
    pub crit: Option<i64>,
}

impl CertDays {
    pub fn state(&self, days_left: i64) -> State {
        if self.crit.is_some_and(|c| days_left < c) {
            State::Critical
        } else if self.warn.is_some_and(|w| days_left < w) {
            State::Warning
        } else {
            State::Ok
        }
    }
}

#[derive(Clone, Debug)]
pub struct TlsSpec {
    pub host: String,
    pub port: u16,
    /// Server name sent in the handshake and verified; defaults to `host`.
    pub sni: String,
    pub cert_days: CertDays,
    /// Extra trusted root certificates (PEM).
    pub ca_cert: Option<PathBuf>,
}

#[derive(Clone, Debug)]
pub struct TcpSpec {
    pub host: String,
    pub port: u16,
    pub send: Option<String>,
    pub expect: Option<String>,
    /// Off by default: `expect` is found whatever its case.
    pub case_sensitive: bool,
    /// Seconds, in Nagios range syntax.
    pub time: Thresholds,
}

#[derive(Clone, Debug)]
pub struct DnsSpec {
    pub name: String,
    /// Every one of these must be among the answers; extra answers are reported, not failed.
    pub expect: Vec<IpAddr>,
}

/// `[browser]` settings of a suite.
#[derive(Clone, Debug, PartialEq)]
pub struct BrowserConfig {
    /// chromedriver to start; ignored when `remote` is set.
    pub driver: PathBuf,
    /// A WebDriver remote end (Selenium Grid) by URL.
    pub remote: Option<String>,
    /// The browser to run; unset: Debian's Chromium headless shell locally where it is
    /// installed, else Debian's Chromium, and on a remote end the browser its node is
    /// configured with (a path here is a path on the node).
    pub binary: Option<PathBuf>,
    /// Concurrent sessions, separate from `-j`; by default [`BrowserConfig::default_sessions`].
    pub sessions: usize,
    /// How long each step waits for its element.
    pub implicit_wait: Duration,
    pub window: (u32, u32),
    /// Extra Chromium arguments, after the ones smokegate always passes.
    pub args: Vec<String>,
}

/// The browsers started locally when `[browser] binary` is not set, the first installed one:
/// Debian's `chromium-headless-shell` (the headless-only build: a session starts in about a
/// third of the time, in half the memory, BENCHMARKS.md P3), then Debian's Chromium.
pub const DEFAULT_BINARIES: [&str; 2] = [
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/bin/chromium",
];

impl BrowserConfig {
    /// The browser a local session starts: `binary`, or the first installed default.
    pub fn local_binary(&self) -> PathBuf {
        match &self.binary {
            Some(binary) => binary.clone(),
            None => PathBuf::from(
                DEFAULT_BINARIES
                    .iter()
                    .find(|b| Path::new(b).exists())
                    .unwrap_or(&DEFAULT_BINARIES[DEFAULT_BINARIES.len() - 1]),
            ),
        }
    }

    /// Whether the local browser is a Chromium headless shell: it takes no `--user-data-dir`
    /// of ours (given one, it never answers the new-session request; chromedriver makes one).
    pub fn headless_shell(&self) -> bool {
        self.remote.is_none() && is_headless_shell(&self.local_binary())
    }

    /// How many sessions run at once unless `[browser] sessions` says: one per CPU for the
    /// headless shell (a session keeps about one core busy: on two cores two are fastest, P3),
    /// one per two CPUs, at least one, for a full Chromium (a session keeps about two busy: on
    /// two cores one is fastest), and on a remote end as for a full Chromium.
    pub fn default_sessions(&self) -> usize {
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        if self.headless_shell() {
            cpus
        } else {
            (cpus / 2).max(1)
        }
    }
}

/// A Chromium headless shell by its file name (Debian's `chromium-headless-shell`, Chrome for
/// Testing's `chrome-headless-shell`), the wrapper script or the binary.
pub fn is_headless_shell(binary: &Path) -> bool {
    binary
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains("headless-shell") || n.contains("headless_shell"))
}

impl Default for BrowserConfig {
    fn default() -> BrowserConfig {
        let mut config = BrowserConfig {
            driver: PathBuf::from("/usr/bin/chromedriver"),
            remote: None,
            binary: None,
            sessions: 1,
            implicit_wait: Duration::from_secs(5),
            window: (1280, 800),
            args: Vec::new(),
        };
        config.sessions = config.default_sessions();
        config
    }
}

/// One browser check: where it came from and what it does.
#[derive(Clone, Debug)]
pub struct BrowserSpec {
    /// `file.side test "login"` or `steps`, for messages.
    pub origin: String,
    /// Relative `open` targets are joined to this.
    pub base_url: Option<String>,
    pub steps: Vec<Step>,
    /// When the check is a Gherkin scenario: its steps as written, and which made each step.
    pub feature: Option<super::scenario::FeatureSteps>,
}
