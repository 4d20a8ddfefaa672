//! Command-line definitions (clap) only: what can be typed, with help text. No behaviour.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::FailOn;

#[derive(Debug, Parser)]
#[command(
    name = "smokegate",
    version,
    about = "Post-deploy smoke checks in parallel, one gate: go, or roll back.",
    after_help = "Exit codes: 0 gate passed, 1 gate failed, 2 usage or config error (nothing ran), \
                  130 interrupted. `smokegate nagios` exits with the Nagios state (0/1/2/3)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the selected checks and gate on their results.
    Run(Box<RunArgs>),
    /// Show what would run, after selection: name, kind, tags, file:line.
    List(ListArgs),
    /// Load and check the suite only; exit 0 or 2.
    Validate(SuiteArgs),
    /// Print existing Nagios configuration as an equivalent smokegate suite (TOML).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Show what smokegate is for: a built-in sample app checked after a good and a bad deploy.
    Demo(DemoArgs),
    /// Behave as one Nagios plugin: one status line, perfdata, long output, exit 0/1/2/3.
    #[command(version, disable_help_flag = false)]
    Nagios(NagiosArgs),
    /// Print the step vocabulary of feature files, with an example of each phrasing.
    Steps,
    /// Print a shell completion script: `source <(smokegate completions bash)`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of smokegate, or of one of its commands: `smokegate man run |
    /// man -l -`.
    Man {
        /// A command (`run`, `nagios`...); without it, the page of smokegate itself.
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
    /// Print the JSON Schema of suite files, for editors: `smokegate schema > suite.schema.json`.
    Schema,
    /// Ask the history store (--history) what it remembers: runs, one run, a check's timeline.
    #[command(subcommand)]
    History(HistoryCommand),
}

#[derive(Debug, Args, Clone)]
pub struct SuiteArgs {
    /// Suite files, `.feature` files, or folders of *.toml and *.feature (default: ./checks).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Run checks having this tag (repeatable: any of them).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Leave out checks having this tag (repeatable).
    #[arg(long = "skip-tag", value_name = "TAG")]
    pub skip_tags: Vec<String>,
    /// Run checks whose name matches this glob (repeatable: any of them).
    #[arg(long = "name", value_name = "GLOB")]
    pub names: Vec<String>,
    /// Set a var of the suite's `[vars]` or `[secrets]`, replacing its value (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// The site of the run: the base URL of browser checks (over each check's or .side
    /// project's) and of scenarios' relative pages (over the import's or behat.yml's).
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct ListArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// Print JSON instead, with what each check runs (`command`: the command line, each word
    /// quoted as a shell would need it).
    #[arg(long)]
    pub json: bool,
}

/// `--baseline`, `--gate` and `--label`, for `run` and `nagios`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Compare with an earlier run, check by check: new failure, still failing, fixed,
    /// changed, new check, gone. A JSON report (`--json`), or with --history a recorded run:
    /// `last-pass` (the latest of this suite and selection that passed its gate), `last`
    /// (whatever its gate), each optionally `:env=prod,...` (labels it had), or `run:ID`.
    #[arg(long, value_name = "FILE|last-pass[:K=V,..]|last|run:ID")]
    pub baseline: Option<PathBuf>,
    /// Which failures fail the gate: `all`, or `new` ones only (with --baseline: new failures,
    /// changed checks and new checks that fail; still-failing ones are reported, not counted).
    #[arg(long, value_enum, default_value_t = GateArg::All, requires = "baseline")]
    pub gate: GateArg,
    /// What this run is of, kept in its reports and shown in the verdict (repeatable):
    /// `--label version=1.4.2`.
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = parse_label)]
    pub labels: Vec<(String, String)>,
    #[command(flatten)]
    pub history: HistoryArg,
}

/// `--history`: the store runs are recorded in.
#[derive(Debug, Args, Clone)]
pub struct HistoryArg {
    /// Record the run in this history store: a path or sqlite:PATH (an SQLite file, made when
    /// missing). Recording never changes the verdict; a store that cannot be written is said
    /// on stderr and in the reports.
    #[arg(long = "history", value_name = "URL", env = "SMOKEGATE_HISTORY")]
    pub url: Option<String>,
}

/// `smokegate history ...`: what the history store remembers.
#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// The latest recorded runs, newest first: verdict, labels, who ran them.
    Runs {
        #[command(flatten)]
        history: HistoryArg,
        /// Only runs having this label (repeatable: all of them).
        #[arg(long = "label", value_name = "KEY=VALUE", value_parser = parse_label)]
        labels: Vec<(String, String)>,
        /// How many runs at most.
        #[arg(long, value_name = "N", default_value_t = 20)]
        last: usize,
        /// Print JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// One recorded run and each of its checks.
    Show {
        /// The run's id, as `history runs` lists it.
        #[arg(value_name = "RUN")]
        run: i64,
        #[command(flatten)]
        history: HistoryArg,
        /// Print JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// A check's timeline: each change of its state, with the run, its labels and who ran it.
    Check {
        /// The check's name.
        #[arg(value_name = "NAME")]
        name: String,
        #[command(flatten)]
        history: HistoryArg,
        /// Print JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Delete old runs: keep those newer than a duration (`90d`) or the last N.
    Prune {
        #[arg(long, value_name = "90d|N")]
        keep: crate::history::Keep,
        #[command(flatten)]
        history: HistoryArg,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// How many checks run at once.
    #[arg(short = 'j', long, value_name = "N", default_value_t = crate::runner::DEFAULT_JOBS,
          value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u16).range(1..), usize::from))]
    pub jobs: usize,
    /// Which states fail the gate: `critical` (CRITICAL, UNKNOWN) or `warning` (WARNING too).
    #[arg(long, value_enum, default_value_t = FailOnArg::Critical)]
    pub fail_on: FailOnArg,
    /// A check that passed only on a retry (flaky) fails the gate too.
    #[arg(long)]
    pub fail_on_flaky: bool,
    #[command(flatten)]
    pub compare: CompareArgs,
    /// After the first run, run the selection again every --every until this long has passed
    /// ("10m"): is the release holding up? Fails on more failures than --soak-failures, any
    /// UNKNOWN, or flapping.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub soak: Option<Duration>,
    /// Soak for this many runs of the selection (with or without --soak).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub soak_count: Option<u32>,
    /// Between the starts of two soak runs ("30s"; "0" runs them back to back).
    #[arg(long, value_name = "DURATION", value_parser = parse_interval, default_value = "30s")]
    pub every: Duration,
    /// Failures a check may have over a soak and still pass.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub soak_failures: u32,
    /// Bound the whole run ("90s", "2m"); checks not started by then count as not run.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub deadline: Option<Duration>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write one self-contained HTML page here: the verdict, each check with its evidence and
    /// screenshots, and a timeline of the run.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the verdict and the checks that are not OK as Markdown here (a CI job summary:
    /// `--summary "$GITHUB_STEP_SUMMARY"`).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Where browser checks put screenshots (default: `smokegate-artifacts` beside the reports).
    #[arg(long, value_name = "DIR")]
    pub artifacts: Option<PathBuf>,
    /// No live progress: only non-OK checks and the verdict.
    #[arg(short, long)]
    pub quiet: bool,
    /// Text kept per attempt of a check (output and evidence: its start and its end), in
    /// memory and in every report ("16KiB", "1MiB").
    #[arg(long, value_name = "SIZE", default_value = "16KiB", value_parser = parse_size)]
    pub max_output: usize,
    /// Colour the terminal output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Every `command[NAME]=...` of these nrpe.cfg files (and their includes) as a check.
    Nrpe {
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Every service on every host of Nagios object configuration (files, folders or nagios.cfg).
    Nagios {
        #[arg(value_name = "CONFIG", required = true)]
        config: Vec<PathBuf>,
        /// resource.cfg with the $USERn$ macros.
        #[arg(long, value_name = "FILE")]
        resource: Option<PathBuf>,
        /// Only these hosts (repeatable).
        #[arg(long = "host", value_name = "HOST")]
        hosts: Vec<String>,
        /// Only the hosts of these hostgroups (repeatable).
        #[arg(long = "hostgroup", value_name = "GROUP")]
        hostgroups: Vec<String>,
        /// Only services whose description matches this glob (repeatable).
        #[arg(long = "service", value_name = "GLOB")]
        services: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Write the demo suite into this folder (as demo.toml) instead of running the demo.
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
    /// Colour the terminal output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct NagiosArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// Seconds before the caller gives up; the answer is printed before then.
    #[arg(short = 't', long = "timeout", value_name = "SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(2..=86_400))]
    pub timeout: u32,
    /// How many checks run at once.
    #[arg(short = 'j', long, value_name = "N", default_value_t = crate::runner::DEFAULT_JOBS,
          value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u16).range(1..), usize::from))]
    pub jobs: usize,
    /// Which states count as failing in the status line.
    #[arg(long, value_enum, default_value_t = FailOnArg::Critical)]
    pub fail_on: FailOnArg,
    /// A check that passed only on a retry (flaky) fails the gate too.
    #[arg(long)]
    pub fail_on_flaky: bool,
    #[command(flatten)]
    pub compare: CompareArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        None => Err("write NAME=VALUE: there is no `=`".to_string()),
        Some((name, _)) if name.trim().is_empty() => {
            Err("write NAME=VALUE: the name is empty".to_string())
        }
        Some((name, value)) => Ok((name.to_string(), value.to_string())),
    }
}

/// A whole http(s) URL: anything else would send every relative page nowhere, or elsewhere.
fn parse_base_url(s: &str) -> Result<String, String> {
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(s.to_string()),
        Ok(u) => Err(format!("`{}` is no http or https site", u.scheme())),
        Err(e) => Err(format!(
            "{e}: write the whole URL, as `https://shop.example`"
        )),
    }
}

fn parse_size(s: &str) -> Result<usize, String> {
    let bytes = s
        .parse::<bytesize::ByteSize>()
        .map_err(|e| format!("{e} (write e.g. \"16KiB\", \"1MiB\")"))?
        .as_u64();
    match usize::try_from(bytes) {
        Ok(n) if (1024..=64 * 1024 * 1024).contains(&n) => Ok(n),
        _ => Err("must be between 1KiB and 64MiB".to_string()),
    }
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s) {
        Ok(d) if d.is_zero() => Err("must be greater than zero".to_string()),
        Ok(d) if d > crate::model::MAX_DURATION => Err(format!(
            "must be at most {}",
            crate::model::MAX_DURATION_TEXT
        )),
        Ok(d) => Ok(d),
        Err(e) => Err(format!("{e} (write e.g. \"90s\", \"2m\")")),
    }
}

/// A duration that may be zero (`--every 0`).
fn parse_interval(s: &str) -> Result<Duration, String> {
    if s.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    parse_duration(s)
}

/// `--fail-on`: which states fail the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOnArg {
    /// WARNING, CRITICAL and UNKNOWN fail the gate.
    Warning,
    /// CRITICAL and UNKNOWN fail the gate; WARNING is reported but passes.
    Critical,
}

impl From<FailOnArg> for FailOn {
    fn from(arg: FailOnArg) -> FailOn {
        match arg {
            FailOnArg::Warning => FailOn::Warning,
            FailOnArg::Critical => FailOn::Critical,
        }
    }
}

/// `--gate`: which failures fail the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GateArg {
    /// Every failure (the default).
    All,
    /// Only failures this run may have caused, against --baseline.
    New,
}

/// `KEY=VALUE` for `--label`: a key of letters, digits, `_`, `-` and `.`; any printable value.
fn parse_label(s: &str) -> Result<(String, String), String> {
    let (key, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not KEY=VALUE"))?;
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(format!(
            "label key `{key}` must be letters, digits, `_`, `-` or `.`"
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(format!(
            "label `{key}` has a control character in its value"
        ));
    }
    Ok((key.to_string(), value.to_string()))
}
