//! The data that flows from config through probes and the runner into reports and the gate:
//! what a check is and runs (`spec`, `step`), states, perfdata, outcomes of one attempt, and the
//! result of one check over all its attempts. Every other layer imports it; it imports none of
//! them. Owns no behaviour beyond small conversions; it must not run, print or decide a gate.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub mod diff;
pub mod flow;
pub mod range;
pub mod scenario;
pub mod soak;
pub mod spec;
pub mod step;
#[cfg(test)]
pub mod testing;
pub mod vocabulary;
pub mod vocabulary_i18n;

pub use spec::ProbeSpec;

/// The longest timeout, retry delay or deadline accepted: far past any real run, and far from
/// overflowing a clock.
pub const MAX_DURATION: Duration = Duration::from_secs(366 * 24 * 3600);
pub const MAX_DURATION_TEXT: &str = "366 days";

/// Which failed attempts a check's `retries` repeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RetryOn {
    /// Those a retry may change: no answer, a timeout, a 5xx, a plugin's result; not a whole
    /// answer that is wrong ([`Outcome::settled`]).
    #[default]
    Transient,
    /// Every failed attempt.
    Any,
}

/// Which states fail the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FailOn {
    /// WARNING, CRITICAL and UNKNOWN fail the gate.
    Warning,
    /// CRITICAL and UNKNOWN fail the gate; WARNING is reported but passes.
    #[default]
    Critical,
}

/// A Nagios service state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl State {
    /// Maps a plugin exit code the way Nagios 4 does; `None` for anything outside 0..=3.
    pub fn from_exit_code(code: i32) -> Option<State> {
        match code {
            0 => Some(State::Ok),
            1 => Some(State::Warning),
            2 => Some(State::Critical),
            3 => Some(State::Unknown),
            _ => None,
        }
    }

    pub fn exit_code(self) -> i32 {
        match self {
            State::Ok => 0,
            State::Warning => 1,
            State::Critical => 2,
            State::Unknown => 3,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Critical => "CRITICAL",
            State::Unknown => "UNKNOWN",
        }
    }

    /// The state a label names (`"CRITICAL"`), as reports write it.
    pub fn from_label(label: &str) -> Option<State> {
        [State::Ok, State::Warning, State::Critical, State::Unknown]
            .into_iter()
            .find(|s| s.label() == label)
    }

    /// Rank in the Monitoring Plugins' `max_state_alt` order: OK < UNKNOWN < WARNING < CRITICAL.
    fn alt_rank(self) -> u8 {
        match self {
            State::Ok => 0,
            State::Unknown => 1,
            State::Warning => 2,
            State::Critical => 3,
        }
    }

    /// The worse of two states in `max_state_alt` order.
    pub fn worst(self, other: State) -> State {
        if other.alt_rank() > self.alt_rank() {
            other
        } else {
            self
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One performance-data item, `'label'=value[UOM];[warn];[crit];[min];[max]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Perfdata {
    pub label: String,
    /// `None` when the plugin reported `U` (value could not be determined).
    pub value: Option<f64>,
    pub uom: String,
    pub warn: Option<String>,
    pub crit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Perfdata {
    pub fn new(label: impl Into<String>, value: f64, uom: impl Into<String>) -> Perfdata {
        Perfdata {
            label: label.into(),
            value: Some(value),
            uom: uom.into(),
            warn: None,
            crit: None,
            min: None,
            max: None,
        }
    }
}

impl fmt::Display for Perfdata {
    /// Renders in the plugin guidelines' grammar; labels are quoted when they need it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let needs_quotes = self
            .label
            .chars()
            .any(|c| c == ' ' || c == '\'' || c == '=' || c == '|');
        if needs_quotes {
            write!(f, "'{}'", self.label.replace('\'', "''"))?;
        } else {
            f.write_str(&self.label)?;
        }
        f.write_str("=")?;
        match self.value {
            Some(v) => write!(f, "{}{}", fmt_num(v), self.uom)?,
            None => f.write_str("U")?,
        }
        let opt_num = |v: Option<f64>| v.map(fmt_num).unwrap_or_default();
        let tail = [
            self.warn.clone().unwrap_or_default(),
            self.crit.clone().unwrap_or_default(),
            opt_num(self.min),
            opt_num(self.max),
        ];
        let used = tail
            .iter()
            .rposition(|s| !s.is_empty())
            .map_or(0, |i| i + 1);
        for part in &tail[..used] {
            write!(f, ";{part}")?;
        }
        Ok(())
    }
}

/// Formats a number without a trailing `.0` and without exponent notation for common sizes.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// What a piece of evidence is. Reports show its name; some are acted on: the runner drops
/// `Exit` from a stopped attempt (it says why itself), JUnit attaches a `Screenshot`, and
/// sanitizing leaves a screenshot's path alone (smokegate names that file).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// The command line a plugin or command ran with.
    Command,
    /// How a child process ended.
    Exit,
    Stderr,
    StdoutTruncated,
    StderrTruncated,
    LeftoverProcess,
    UnparsedPerfdata,
    /// What an `http` check asked.
    Request,
    FinalUrl,
    /// The status line and telling headers of a response.
    Response,
    Body,
    /// A body excerpt from a body cut at `max_body`.
    BodyFirstBytes,
    BodyTruncated,
    Certificate,
    Verification,
    /// Why a request got no response.
    Error,
    /// What a `tcp` check got back.
    Reply,
    Scenario,
    FailedStep,
    PageUrl,
    PageTitle,
    /// The path of a PNG smokegate saved.
    Screenshot,
    OutputBeforeStop,
    PerfdataCut,
}

impl Label {
    /// The name reports show (and the JSON report's `label`).
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Command => "command",
            Label::Exit => "exit",
            Label::Stderr => "stderr",
            Label::StdoutTruncated => "stdout truncated",
            Label::StderrTruncated => "stderr truncated",
            Label::LeftoverProcess => "leftover process",
            Label::UnparsedPerfdata => "unparsed perfdata",
            Label::Request => "request",
            Label::FinalUrl => "final url",
            Label::Response => "response",
            Label::Body => "body",
            Label::BodyFirstBytes => "body (first bytes read)",
            Label::BodyTruncated => "body truncated",
            Label::Certificate => "certificate",
            Label::Verification => "verification",
            Label::Error => "error",
            Label::Reply => "reply",
            Label::Scenario => "scenario",
            Label::FailedStep => "failed step",
            Label::PageUrl => "page url",
            Label::PageTitle => "page title",
            Label::Screenshot => "screenshot",
            Label::OutputBeforeStop => "output before it was stopped",
            Label::PerfdataCut => "perfdata cut",
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A labelled piece of evidence (exit code, stderr, the command that ran, a body excerpt...).
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    pub label: Label,
    pub text: String,
}

impl Evidence {
    pub fn new(label: Label, text: impl Into<String>) -> Evidence {
        Evidence {
            label,
            text: text.into(),
        }
    }
}

/// What one run of a probe established. Text fields are already sanitized.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub state: State,
    /// First line of output: the plugin's status text.
    pub summary: String,
    pub long_output: Vec<String>,
    pub perfdata: Vec<Perfdata>,
    pub evidence: Vec<Evidence>,
    /// A failure a retry cannot change: the service answered, whole, and the answer is wrong (a
    /// test string on a page that answered 200, a certificate about to expire). A refused
    /// connection, a timeout, a 5xx, a plugin's result are never settled.
    pub settled: bool,
}

impl Outcome {
    pub fn new(state: State, summary: impl Into<String>) -> Outcome {
        Outcome {
            state,
            summary: summary.into(),
            long_output: Vec::new(),
            perfdata: Vec::new(),
            evidence: Vec::new(),
            settled: false,
        }
    }

    /// This outcome, as a failure a retry cannot change (see [`Outcome::settled`]).
    pub fn settle(mut self) -> Outcome {
        self.settled = true;
        self
    }

    pub fn unknown(summary: impl Into<String>) -> Outcome {
        Outcome::new(State::Unknown, summary)
    }

    pub fn with_evidence(mut self, label: Label, text: impl Into<String>) -> Outcome {
        self.evidence.push(Evidence::new(label, text));
        self
    }

    /// Every secret in the outcome's text replaced by `****` (before anything is cut, so that no
    /// cut leaves part of one).
    pub fn masked(mut self, redactor: &crate::redact::Redactor) -> Outcome {
        let mask = |s: &mut String| {
            if let std::borrow::Cow::Owned(masked) = redactor.mask(s) {
                *s = masked;
            }
        };
        mask(&mut self.summary);
        self.long_output.iter_mut().for_each(mask);
        for e in &mut self.evidence {
            mask(&mut e.text);
        }
        for p in &mut self.perfdata {
            mask(&mut p.label);
        }
        self
    }

    /// Every text of the outcome made safe for every report (probes are asked to give sanitized
    /// text; this holds whatever a probe forgot: a certificate subject, a header, a JSON value).
    /// Leaves a screenshot's path alone: smokegate names that file itself.
    pub fn sanitized(mut self) -> Outcome {
        use crate::sanitize::untrusted;
        self.summary = untrusted(&self.summary);
        for line in &mut self.long_output {
            *line = untrusted(line);
        }
        for e in &mut self.evidence {
            if e.label != Label::Screenshot {
                e.text = untrusted(&e.text);
            }
        }
        for p in &mut self.perfdata {
            p.label = untrusted(&p.label);
            p.uom = untrusted(&p.uom);
        }
        self
    }

    /// Keeps about `limit` bytes of text: the summary, the long output (its first and last
    /// lines) and each piece of evidence (its start and end, where an error's cause often is),
    /// saying what was cut. What a run holds per attempt, whatever a check prints.
    pub fn bounded(mut self, limit: usize) -> Outcome {
        let limit = limit.max(256);
        self.summary = cut_middle(&self.summary, limit / 4);
        let total: usize = self.long_output.iter().map(|l| l.len() + 1).sum();
        if total > limit {
            let half = limit / 2;
            let mut head = Vec::new();
            let mut used = 0;
            for line in &self.long_output {
                if used + line.len() + 1 > half {
                    break;
                }
                used += line.len() + 1;
                head.push(line.clone());
            }
            let mut tail = Vec::new();
            used = 0;
            for line in self.long_output[head.len()..].iter().rev() {
                if used + line.len() + 1 > half {
                    break;
                }
                used += line.len() + 1;
                tail.push(line.clone());
            }
            let cut = self.long_output.len() - head.len() - tail.len();
            let cut_bytes = total - head.iter().chain(&tail).map(|l| l.len() + 1).sum::<usize>();
            head.push(format!("[... {cut} lines ({cut_bytes} bytes) cut ...]"));
            head.extend(tail.into_iter().rev());
            self.long_output = head;
        }
        for e in &mut self.evidence {
            e.text = cut_middle(&e.text, limit / 2);
        }
        const MAX_PERFDATA: usize = 256;
        if self.perfdata.len() > MAX_PERFDATA {
            let cut = self.perfdata.len() - MAX_PERFDATA;
            self.perfdata.truncate(MAX_PERFDATA);
            self.evidence.push(Evidence::new(
                Label::PerfdataCut,
                format!("kept the first {MAX_PERFDATA} items, dropped {cut} more"),
            ));
        }
        self
    }
}

/// `text` if it fits in `limit` bytes, else its start and end with the middle cut (on char
/// boundaries) and marked.
pub fn cut_middle(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let half = limit / 2;
    let mut start = half;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = text.len() - half;
    while !text.is_char_boundary(end) {
        end += 1;
    }
    format!(
        "{}[... {} bytes cut ...]{}",
        &text[..start],
        end - start,
        &text[end..]
    )
}

/// Where something was defined: a file and a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceLoc {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for SourceLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
    }
}

/// One check of the suite, fully resolved: variables expanded, defaults applied, plugin found.
#[derive(Clone, Debug)]
pub struct Check {
    /// Unique across the suite: the check's stable identity between runs.
    pub name: String,
    pub tags: Vec<String>,
    pub timeout: Duration,
    pub retries: u32,
    pub retry_delay: Duration,
    /// Which failed attempts are retried (`retries` of them at most).
    pub retry_on: RetryOn,
    pub optional: bool,
    /// Which states of this check fail the gate; `None` follows the run's `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// The suite file the check belongs to (one JUnit testsuite per file).
    pub suite: PathBuf,
    pub source: SourceLoc,
    pub probe: ProbeSpec,
    /// Checks (by name) that must end OK or WARNING before this one runs; otherwise it is
    /// skipped. Resolved at load: every name is a check of the suite, with no cycle.
    pub needs: Vec<String>,
    /// [`Check::digest`] with the suite's secrets, set once the suite is loaded: what a
    /// baseline compares.
    pub fingerprint: String,
}

impl Check {
    /// Whether this check's `retries` repeat an attempt that ended with `outcome`: any failure
    /// under `retry_on = "any"`, else only one another try may change (not [`Outcome::settled`]).
    pub fn retries_after(&self, outcome: &Outcome) -> bool {
        outcome.state != State::Ok && (self.retry_on == RetryOn::Any || !outcome.settled)
    }

    /// A digest of what the check does — its probe as resolved (command, URL, assertions,
    /// thresholds), its timeout and `fail_on` — to tell a changed check from the same one in an
    /// earlier run. Names, tags and retries are left out; secrets are masked before digesting.
    ///
    /// It is of what runs, never of where it is written: file names, lines and columns (a line
    /// added above a scenario) and the folder the suite sits in (another checkout path, another
    /// current directory) are left out. Only the secrets the loaders know are masked — not those
    /// met while running — so that the same definition always has the same digest.
    pub fn digest(&self, redactor: &crate::redact::Redactor) -> String {
        self.digest_among(redactor, &suite_folders(&self.suite))
    }

    /// [`Check::digest`], the suite's folders as [`suite_folders`] gives them (the same for
    /// every check of a suite file: a loader finds them once per folder).
    pub fn digest_among(&self, redactor: &crate::redact::Redactor, folders: &[String]) -> String {
        let definition = format!("{:?}|{:?}|{:?}", self.probe, self.timeout, self.fail_on);
        let definition = placeless(&definition, folders);
        let masked = redactor.mask_loaded(&definition);
        let digest = ring::digest::digest(&ring::digest::SHA256, masked.as_bytes());
        let hex: String = digest.as_ref()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("sha256:{hex}")
    }
}

/// A definition's debug text without where it was written: the fields that only say where
/// (`origin`, `file`, `source_line`, `line`, `col`) are dropped, and `folders` (the suite's, see
/// [`suite_folders`]) become `.`.
fn placeless(definition: &str, folders: &[String]) -> String {
    static WHERE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"\b(?:origin|file|source_line): (?:"(?:[^"\\]|\\.)*"|None|Some\("(?:[^"\\]|\\.)*"\)),? ?|\b(?:line|col): \d+,? ?"#,
        )
        .ok()
    });
    let mut text = match WHERE.as_ref() {
        Some(re) => re.replace_all(definition, "").into_owned(),
        None => definition.to_string(),
    };
    for folder in folders {
        text = text.replace(&format!("\"{folder}/"), "\"./");
    }
    text
}

/// The folder of the suite file `suite` (as given, made absolute, and with its links resolved)
/// and the current directory, longest first (a folder inside another is replaced whole): what a
/// digest leaves out.
pub fn suite_folders(suite: &std::path::Path) -> Vec<String> {
    let dir = suite.parent().unwrap_or(std::path::Path::new(""));
    let cwd = std::env::current_dir().ok();
    let mut folders: Vec<PathBuf> = Vec::new();
    if !dir.as_os_str().is_empty() {
        folders.push(dir.to_path_buf());
        if let Some(cwd) = &cwd {
            folders.push(cwd.join(dir));
        }
        if let Ok(real) = std::fs::canonicalize(dir) {
            folders.push(real);
        }
    }
    if let Some(cwd) = cwd {
        if let Ok(real) = std::fs::canonicalize(&cwd) {
            folders.push(real);
        }
        folders.push(cwd);
    }
    folders.sort_by_key(|f| std::cmp::Reverse(f.as_os_str().len()));
    folders
        .into_iter()
        .map(|f| f.display().to_string())
        .filter(|f| f.len() > 1)
        .collect()
}

/// One try of a check.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    /// 1-based.
    pub number: u32,
    /// Offset from the start of the run.
    pub started: Duration,
    pub duration: Duration,
    pub outcome: Outcome,
}

/// Why a selected check produced no outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotRun {
    /// The run's `--deadline` passed before the check started.
    Deadline,
    /// Ctrl-C or SIGTERM arrived before the check started.
    Interrupted,
    /// A check it needs did not end OK or WARNING: skipped.
    Needs(Unmet),
}

/// The first check a skipped check needed that did not end OK or WARNING.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmet {
    /// The needed check's name.
    pub check: String,
    /// Its state; `None` when it did not run either.
    pub state: Option<State>,
    reason: String,
}

impl Unmet {
    pub fn new(check: &str, state: Option<State>) -> Unmet {
        let why = match state {
            Some(state) => format!("which is {state}"),
            None => "which did not run".to_string(),
        };
        Unmet {
            check: check.to_string(),
            state,
            reason: format!("skipped: needs '{check}', {why}"),
        }
    }
}

impl NotRun {
    pub fn reason(&self) -> &str {
        match self {
            NotRun::Deadline => "not run: the run's deadline passed before it started",
            NotRun::Interrupted => "not run: the run was interrupted before it started",
            NotRun::Needs(unmet) => &unmet.reason,
        }
    }

    /// The check it needed, when it was skipped for that.
    pub fn unmet(&self) -> Option<&Unmet> {
        match self {
            NotRun::Needs(unmet) => Some(unmet),
            _ => None,
        }
    }
}

/// The result of one check: every attempt, the last one decides.
#[derive(Clone, Debug)]
pub struct CheckResult {
    pub check: Arc<Check>,
    pub attempts: Vec<Attempt>,
    pub not_run: Option<NotRun>,
}

impl CheckResult {
    /// The deciding outcome (the final attempt), if the check ran.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.attempts.last().map(|a| &a.outcome)
    }

    /// The state reports show; a check that did not run counts as UNKNOWN (fail closed).
    pub fn state(&self) -> State {
        self.outcome().map_or(State::Unknown, |o| o.state)
    }

    /// Wall time over all attempts and the delays between them.
    pub fn duration(&self) -> Duration {
        match (self.attempts.first(), self.attempts.last()) {
            (Some(first), Some(last)) => {
                (last.started + last.duration).saturating_sub(first.started)
            }
            _ => Duration::ZERO,
        }
    }

    /// The one line that says what happened.
    pub fn summary(&self) -> &str {
        match (&self.not_run, self.outcome()) {
            (Some(reason), _) => reason.reason(),
            (None, Some(o)) => &o.summary,
            (None, None) => "no outcome",
        }
    }

    /// Passed only on a retry: worth reporting as flaky.
    pub fn is_flaky(&self) -> bool {
        self.attempts.len() > 1 && self.state() == State::Ok
    }
}

/// Why the runner stopped early; a later, more serious reason replaces an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CancelReason {
    Deadline,
    Interrupt,
}

/// Everything a run produced, in suite order.
#[derive(Clone, Debug)]
pub struct RunRecord {
    pub results: Vec<CheckResult>,
    pub started_at: std::time::SystemTime,
    pub duration: Duration,
    pub cancelled: Option<CancelReason>,
    /// `--label version=1.4.2`: what this run was of, kept in its reports.
    pub labels: Vec<(String, String)>,
    /// With `--soak`: every check's figures over the repeated runs; `results` then hold each
    /// check's last failing result (its last result when it never failed).
    pub soak: Option<soak::Soak>,
    /// The run's secrets (the suite's and those met while running): what every output of the
    /// run is masked with.
    pub redactor: crate::redact::Redactor,
    /// With `--history`: the run's id in the store, or why it could not be recorded. Every
    /// report says it; the verdict never depends on it.
    pub history: Option<crate::history::Recorded>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_keeps_the_start_and_the_end_and_says_what_was_cut() {
        let mut o = Outcome::new(State::Critical, "s".repeat(10_000));
        o.long_output = (0..1000).map(|i| format!("line {i:04}")).collect();
        o = o.with_evidence(
            Label::Body,
            format!("start{}Error: the cause", "é".repeat(5000)),
        );
        let b = o.bounded(1024);
        assert!(b.summary.len() < 400, "{}", b.summary.len());
        assert_eq!(b.long_output.first().map(String::as_str), Some("line 0000"));
        assert_eq!(b.long_output.last().map(String::as_str), Some("line 0999"));
        assert!(b
            .long_output
            .iter()
            .any(|l| l.contains("lines (") && l.contains("cut")));
        let total: usize = b.long_output.iter().map(String::len).sum();
        assert!(total < 1200, "{total}");
        let body = &b.evidence[0].text;
        assert!(
            body.starts_with("start") && body.ends_with("Error: the cause"),
            "{body}"
        );
        assert!(body.len() < 700, "{}", body.len());
    }

    #[test]
    fn bounded_leaves_small_outcomes_alone() {
        let mut o = Outcome::new(State::Ok, "fine").with_evidence(Label::Command, "check_dummy 0");
        o.long_output = vec!["a".into(), "b".into()];
        assert_eq!(o.clone().bounded(16 * 1024), o);
    }
}
