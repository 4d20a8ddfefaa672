//! Run history: every gate run recorded in a store (an SQLite file; the store a `--history URL`
//! names), what each of its checks did, and each change of a check's state, so that "since
//! when, on which version, who ran it" is one lookup. Owns the store's schema, its versioned
//! migrations and the questions `smokegate history` and `--baseline last-pass` ask of it.
//! Must not decide anything: it keeps the gate's verdict as the gate gave it, and every text it
//! keeps is taken from the run's JSON report after the run's redactor masked it.

mod sqlite;

use crate::model::diff::{Baseline, Past};
use crate::model::State;
use crate::report::json::JsonReport;

pub use sqlite::Store;

/// Where a run was made and by whom: the OS user and host, and the CI job when there is one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Who {
    pub user: String,
    pub host: String,
    /// `github`, `gitlab` or `jenkins`.
    pub ci: Option<String>,
    /// The CI's user who started the job.
    pub actor: Option<String>,
    /// The CI job's page.
    pub job_url: Option<String>,
}

impl Who {
    /// This process's user and host, and the CI job from the variables GitHub Actions, GitLab CI
    /// and Jenkins set (`var` reads one; the environment in use, a map in tests).
    pub fn here(var: &dyn Fn(&str) -> Option<String>) -> Who {
        let set = |name: &str| var(name).filter(|v| !v.is_empty());
        let user = set("USER")
            .or_else(|| set("LOGNAME"))
            .or_else(os_user)
            .unwrap_or_else(|| format!("uid {}", unsafe_free_uid()));
        let host = os_host().unwrap_or_else(|| "unknown".to_string());
        let (ci, actor, job_url) = if set("GITHUB_ACTIONS").is_some() {
            let url = match (
                set("GITHUB_SERVER_URL"),
                set("GITHUB_REPOSITORY"),
                set("GITHUB_RUN_ID"),
            ) {
                (Some(server), Some(repo), Some(id)) => {
                    Some(format!("{server}/{repo}/actions/runs/{id}"))
                }
                _ => None,
            };
            (Some("github"), set("GITHUB_ACTOR"), url)
        } else if set("GITLAB_CI").is_some() {
            (Some("gitlab"), set("GITLAB_USER_LOGIN"), set("CI_JOB_URL"))
        } else if set("JENKINS_URL").is_some() {
            (Some("jenkins"), set("BUILD_USER_ID"), set("BUILD_URL"))
        } else {
            (None, None, None)
        };
        Who {
            user,
            host,
            ci: ci.map(str::to_string),
            actor,
            job_url,
        }
    }

    /// `alice@deploy-1`, and the CI actor and job when there is one.
    pub fn describe(&self) -> String {
        let mut text = format!("{}@{}", self.user, self.host);
        if let Some(ci) = &self.ci {
            text.push_str(&format!(" ({ci}"));
            if let Some(actor) = &self.actor {
                text.push_str(&format!(" {actor}"));
            }
            if let Some(url) = &self.job_url {
                text.push_str(&format!(" {url}"));
            }
            text.push(')');
        }
        text
    }
}

fn unsafe_free_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// The login name of this process's user, from the password database.
fn os_user() -> Option<String> {
    let mut buf = vec![0u8; 4096];
    // SAFETY: an all-zero passwd is a valid out-parameter; getpwuid_r writes into `buf` only
    // within its length and sets `found` to `pwd` or null.
    unsafe {
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(
            libc::getuid(),
            &mut pwd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut found,
        );
        if rc != 0 || found.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        Some(
            std::ffi::CStr::from_ptr(pwd.pw_name)
                .to_string_lossy()
                .into_owned(),
        )
    }
}

fn os_host() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `buf.len()` bytes into `buf`.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Some(String::from_utf8_lossy(&buf[..end]).into_owned())
}

/// What a run is recorded as, besides its JSON report.
#[derive(Clone, Debug)]
pub struct Context {
    /// `run` or `nagios`.
    pub command: String,
    /// The suite's identity: its paths, made absolute.
    pub suite: String,
    /// The selection (`--tag web --name 'api*'`), empty for the whole suite.
    pub selection: String,
    pub who: Who,
}

/// How recording a run went, for stderr and the reports: recording never changes the verdict.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recorded {
    /// The store, its password masked.
    pub store: String,
    /// The run's id in the store; `None` when it could not be recorded.
    pub run: Option<i64>,
    /// Why it could not be recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Recorded {
    /// The line the summary and stderr show.
    pub fn line(&self) -> String {
        match (&self.run, &self.error) {
            (Some(id), _) => format!("history: recorded as run {id} in {}", self.store),
            (None, Some(e)) => format!(
                "history: THIS RUN WAS NOT RECORDED in {}: {e} (the verdict stands)",
                self.store
            ),
            (None, None) => format!("history: this run was not recorded in {}", self.store),
        }
    }
}

/// Records a run in the store at `url`: its JSON report, masked by the run's redactor as every
/// output is, and `state`, the gate's Nagios state.
/// A store held by another process is waited for up to `wait`.
pub fn record(
    url: &str,
    report_json: &str,
    state: &str,
    ctx: &Context,
    wait: std::time::Duration,
) -> Recorded {
    let store = without_password(url);
    let recorded = (|| {
        let report: JsonReport = serde_json::from_str(report_json)
            .map_err(|e| format!("internal error: the run's JSON report does not read: {e}"))?;
        open_waiting(url, wait)?.record(&report, state, ctx)
    })();
    match recorded {
        Ok(id) => Recorded {
            store,
            run: Some(id),
            error: None,
        },
        Err(e) => Recorded {
            store,
            run: None,
            error: Some(e),
        },
    }
}

/// How long recording waits by default for a store another process holds.
pub const WAIT: std::time::Duration = sqlite::BUSY;

/// Replaces the verdict recorded for run `id` by the one in `report_json` (masked), for a
/// gate that failed after it was recorded (a report that could not be written).
pub fn amend(url: &str, id: i64, report_json: &str, state: &str) -> Result<(), String> {
    let report: JsonReport = serde_json::from_str(report_json)
        .map_err(|e| format!("internal error: the run's JSON report does not read: {e}"))?;
    open(url)?.amend(id, &report, state)
}

/// A history store by URL: a path or `sqlite:PATH` is an SQLite file, made when missing.
pub fn open(url: &str) -> Result<Store, String> {
    open_waiting(url, sqlite::BUSY)
}

/// A history store that must already exist, for the questions `smokegate history` asks: a
/// mistyped path is an error, not a new empty store.
pub fn open_existing(url: &str) -> Result<Store, String> {
    if let Some(path) = sqlite_path(url) {
        if !std::path::Path::new(path).exists() {
            return Err("no history store is there: nothing was ever recorded there".to_string());
        }
    }
    open(url)
}

/// The file an SQLite store's URL names; `None` for other kinds.
fn sqlite_path(url: &str) -> Option<&str> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return None;
    }
    let path = url.strip_prefix("sqlite:").unwrap_or(url);
    Some(path.strip_prefix("//").unwrap_or(path))
}

/// Like [`open`], waiting up to `wait` for a store another process holds.
pub fn open_waiting(url: &str, wait: std::time::Duration) -> Result<Store, String> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(format!(
            "`{}`: PostgreSQL history stores are not supported by this smokegate yet; use an SQLite file (a path or sqlite:PATH)",
            without_password(url)
        ));
    }
    let path = sqlite_path(url).unwrap_or_default();
    if path.is_empty() {
        return Err("the history store's path is empty".to_string());
    }
    Store::open(std::path::Path::new(path), wait)
}

/// A store's URL for messages: a password in it is never shown.
pub fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("****"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// One recorded run, as `history runs` lists it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RunRow {
    pub id: i64,
    pub started_at: String,
    pub duration_s: f64,
    pub passed: bool,
    pub state: String,
    pub exit_code: i32,
    pub command: String,
    pub version: String,
    pub suite: String,
    pub selection: String,
    pub labels: Vec<(String, String)>,
    pub baseline: Option<String>,
    pub user: String,
    pub host: String,
    pub ci: Option<String>,
    pub ci_actor: Option<String>,
    pub ci_job_url: Option<String>,
    pub total: i64,
    pub failing: Vec<String>,
    pub problems: Vec<String>,
    pub cancelled: Option<String>,
}

impl RunRow {
    pub fn who(&self) -> Who {
        Who {
            user: self.user.clone(),
            host: self.host.clone(),
            ci: self.ci.clone(),
            actor: self.ci_actor.clone(),
            job_url: self.ci_job_url.clone(),
        }
    }
}

/// One check of a recorded run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CheckRow {
    pub name: String,
    /// The host the run was made on: with the suite and the name, the check's identity.
    pub host: String,
    /// `OK`, `WARNING`, `CRITICAL`, `UNKNOWN`, or `NOT RUN`.
    pub state: String,
    pub disposition: String,
    pub fails_gate: bool,
    pub flaky: bool,
    pub optional: bool,
    pub attempts: i64,
    pub duration_s: f64,
    pub summary: String,
    /// Nagios perfdata, `label=value[uom];warn;crit;min;max` each.
    pub perfdata: String,
    pub fingerprint: Option<String>,
    /// Against the baseline: `new failure`, `still failing`, ...
    pub baseline: Option<String>,
    /// Over a soak: its figures, as the JSON report gives them.
    pub soak: Option<serde_json::Value>,
}

/// A change of a check's state, as `history check` lists them.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Change {
    pub run: RunRow,
    pub host: String,
    /// `None`: the first run that recorded the check.
    pub from: Option<String>,
    pub to: String,
    pub summary: String,
}

/// The state history keeps of a check: a check that did not run is `NOT RUN`, not UNKNOWN.
fn recorded_state(check: &crate::report::json::JsonCheck) -> String {
    if check.not_run.is_some() {
        "NOT RUN".to_string()
    } else {
        check.state.clone()
    }
}

fn perfdata_text(check: &crate::report::json::JsonCheck) -> String {
    check
        .perfdata
        .iter()
        .map(|p| {
            let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
            let mut text = format!(
                "{}={}{};{};{};{};{}",
                p.label,
                p.value.map_or("U".to_string(), |v| v.to_string()),
                p.uom,
                p.warn.clone().unwrap_or_default(),
                p.crit.clone().unwrap_or_default(),
                num(p.min),
                num(p.max)
            );
            while text.ends_with(';') {
                text.pop();
            }
            text
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A recorded run as the baseline of a new one (`--baseline last-pass`, `last`, `run:ID`).
pub fn baseline(run: &RunRow, checks: &[CheckRow]) -> Baseline {
    Baseline {
        file: format!("history run {}", run.id),
        started_at: run.started_at.clone(),
        labels: run.labels.clone(),
        checks: checks
            .iter()
            .map(|c| {
                let state = State::from_label(&c.state);
                Past {
                    name: c.name.clone(),
                    ran: c.state != "NOT RUN",
                    state,
                    flaky: c.flaky,
                    failed_then: c.fails_gate
                        || (c.optional && matches!(state, Some(State::Critical | State::Unknown))),
                    fingerprint: c.fingerprint.clone(),
                }
            })
            .collect(),
    }
}

/// Which recorded run a `--baseline` names, when it names one: `last-pass`, `last` (each
/// optionally with `:K=V,K=V`, labels the run must have had), or `run:ID`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    /// The latest run of the same suite and selection, having these labels, that passed.
    LastPass(Vec<(String, String)>),
    /// The latest run of the same suite and selection having these labels, whatever its gate.
    Last(Vec<(String, String)>),
    Run(i64),
}

impl Pick {
    /// `None`: the argument is a file.
    pub fn parse(arg: &str) -> Option<Result<Pick, String>> {
        let (word, after) = match arg.split_once(':') {
            Some((word, rest)) => (word, Some(rest)),
            None => (arg, None),
        };
        let labels = || -> Result<Vec<(String, String)>, String> {
            let Some(rest) = after else {
                return Ok(Vec::new());
            };
            rest.split(',')
                .map(|pair| match pair.split_once('=') {
                    Some((k, v)) if !k.trim().is_empty() => {
                        Ok((k.trim().to_string(), v.trim().to_string()))
                    }
                    _ => Err(format!(
                        "`{arg}`: labels of a recorded run are KEY=VALUE, comma-separated: {word}:env=prod"
                    )),
                })
                .collect()
        };
        match word {
            "last-pass" => Some(labels().map(Pick::LastPass)),
            "last" => Some(labels().map(Pick::Last)),
            "run" => Some(
                after
                    .and_then(|id| id.trim().parse::<i64>().ok())
                    .map(Pick::Run)
                    .ok_or_else(|| format!("`{arg}`: a recorded run is named run:ID, e.g. run:12")),
            ),
            _ => None,
        }
    }
}

/// `--keep` of `history prune`: a duration (`90d`) or a number of runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    Newer(std::time::Duration),
    Last(u64),
}

impl std::str::FromStr for Keep {
    type Err = String;
    fn from_str(s: &str) -> Result<Keep, String> {
        let s = s.trim();
        if let Ok(n) = s.parse::<u64>() {
            return Ok(Keep::Last(n));
        }
        humantime::parse_duration(s)
            .map(Keep::Newer)
            .map_err(|e| format!("`{s}`: keep a duration (90d, 12h) or a number of runs: {e}"))
    }
}

/// The report's checks as history rows, for the host the run was made on.
fn check_rows(report: &JsonReport, host: &str) -> Vec<CheckRow> {
    report
        .checks
        .iter()
        .map(|c| CheckRow {
            name: c.name.clone(),
            host: host.to_string(),
            state: recorded_state(c),
            disposition: c
                .disposition
                .clone()
                .unwrap_or_else(|| "unknown".to_string()),
            fails_gate: c.fails_gate,
            flaky: c.flaky,
            optional: c.optional,
            attempts: i64::try_from(c.attempts.len()).unwrap_or(i64::MAX),
            duration_s: c.duration_s,
            summary: c.summary.clone(),
            perfdata: perfdata_text(c),
            fingerprint: c.fingerprint.clone(),
            baseline: c.baseline.clone(),
            soak: c.soak.as_ref().and_then(|s| serde_json::to_value(s).ok()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_baseline_is_named_by_word_or_run_id_and_anything_else_is_a_file() {
        assert_eq!(
            Pick::parse("last-pass"),
            Some(Ok(Pick::LastPass(Vec::new())))
        );
        assert_eq!(
            Pick::parse("last-pass:env=prod, region=eu"),
            Some(Ok(Pick::LastPass(vec![
                ("env".into(), "prod".into()),
                ("region".into(), "eu".into())
            ])))
        );
        assert!(matches!(Pick::parse("last:env"), Some(Err(_))));
        assert_eq!(Pick::parse("last"), Some(Ok(Pick::Last(Vec::new()))));
        assert_eq!(Pick::parse("run:12"), Some(Ok(Pick::Run(12))));
        assert!(matches!(Pick::parse("run:x"), Some(Err(_))));
        assert_eq!(Pick::parse("./last-pass"), None);
        assert_eq!(Pick::parse("r.json"), None);
    }

    #[test]
    fn keep_is_a_duration_or_a_number_of_runs() {
        assert_eq!("30".parse::<Keep>(), Ok(Keep::Last(30)));
        assert_eq!(
            "90d".parse::<Keep>(),
            Ok(Keep::Newer(std::time::Duration::from_secs(90 * 86400)))
        );
        assert!("soon".parse::<Keep>().is_err());
    }

    #[test]
    fn the_ci_job_and_its_actor_come_from_the_ci_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let github = Who::here(&env(&[
            ("USER", "deploy"),
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_ACTOR", "alice"),
            ("GITHUB_SERVER_URL", "https://github.example"),
            ("GITHUB_REPOSITORY", "shop/web"),
            ("GITHUB_RUN_ID", "42"),
        ]));
        assert_eq!(github.user, "deploy");
        assert_eq!(github.ci.as_deref(), Some("github"));
        assert_eq!(github.actor.as_deref(), Some("alice"));
        assert_eq!(
            github.job_url.as_deref(),
            Some("https://github.example/shop/web/actions/runs/42")
        );
        let gitlab = Who::here(&env(&[
            ("GITLAB_CI", "true"),
            ("GITLAB_USER_LOGIN", "bob"),
            ("CI_JOB_URL", "https://gitlab.example/shop/web/-/jobs/7"),
        ]));
        assert_eq!(gitlab.ci.as_deref(), Some("gitlab"));
        assert_eq!(gitlab.actor.as_deref(), Some("bob"));
        assert_eq!(
            gitlab.job_url.as_deref(),
            Some("https://gitlab.example/shop/web/-/jobs/7")
        );
        let jenkins = Who::here(&env(&[
            ("JENKINS_URL", "https://ci.example/"),
            ("BUILD_URL", "https://ci.example/job/web/9/"),
        ]));
        assert_eq!(jenkins.ci.as_deref(), Some("jenkins"));
        assert_eq!(jenkins.actor, None);
        assert_eq!(
            jenkins.job_url.as_deref(),
            Some("https://ci.example/job/web/9/")
        );
        let terminal = Who::here(&env(&[("USER", "carol")]));
        assert_eq!((terminal.user.as_str(), terminal.ci), ("carol", None));
        assert!(!terminal.host.is_empty());
    }
}
