//! smokegate: post-deploy smoke checks in parallel, one gate.
//!
//! CLI -> config (load, validate) -> selection -> runner (concurrency, timeouts, retries,
//! deadline, signals) -> probes -> events -> reports (human | junit | json | nagios) and gate.
//! This file is that flow, one function per command; the work lives in the modules.

pub mod cli;
pub mod config;
pub mod demo;
pub mod exit;
pub mod gate;
pub mod model;
pub mod plugin_output;
pub mod probe;
pub mod process;
pub mod range;
pub mod report;
pub mod runner;
pub mod sanitize;
pub mod secrets;
pub mod select;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

use cli::{Cli, ColorChoice, Command, NagiosArgs, RunArgs, SuiteArgs};
use model::{Check, State};
use report::human::{self, Style};
use runner::{Event, RunOptions};

/// Parses `args` (including the program name), runs the command and returns the exit code.
pub fn main_with(args: Vec<OsString>) -> i32 {
    let nagios_mode = args.get(1).is_some_and(|a| a == "nagios");
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        // A Nagios plugin speaks on stdout only and answers usage problems with UNKNOWN.
        Err(e) if nagios_mode => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => out(&e.to_string()),
                _ => {
                    let first = e.to_string();
                    let first = first
                        .lines()
                        .next()
                        .unwrap_or("")
                        .trim_start_matches("error: ");
                    out(&format!("SMOKEGATE UNKNOWN - usage: {first}\n"));
                }
            }
            return State::Unknown.exit_code();
        }
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::GATE_PASSED
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::USAGE;
        }
    };
    let code = runtime.block_on(async {
        match cli.command {
            Command::Run(args) => run(args).await,
            Command::List(args) => list(&args),
            Command::Validate(args) => validate(&args),
            Command::Nagios(args) => nagios(args).await,
            Command::Demo(args) => demo::run(args).await,
            Command::Import(cli::ImportCommand::Nrpe { files }) => import_nrpe(&files),
            Command::Import(cli::ImportCommand::Nagios {
                config,
                resource,
                hosts,
                hostgroups,
                services,
            }) => import_nagios(config::nagios_objects::ImportOptions {
                config,
                resource,
                hosts,
                hostgroups,
                services,
            }),
        }
    });
    // The verdict is known and the reports are written: a blocking lookup (getaddrinfo on a
    // resolver that never answers) must not keep the process alive past it.
    runtime.shutdown_background();
    code
}

/// What a command runs: the selected checks and the run-level settings of the suite.
struct Loaded {
    checks: Vec<Arc<Check>>,
    files: usize,
    browser: Option<probe::browser::BrowserConfig>,
}

/// The probes' shared resources for these checks; a browser pool only when a check needs one.
fn shared_for(
    checks: &[Arc<Check>],
    browser: Option<probe::browser::BrowserConfig>,
    artifacts: PathBuf,
) -> Result<Arc<probe::Shared>, String> {
    let mut shared = probe::Shared::default();
    if checks.iter().any(|c| c.probe.needs_browser()) {
        let scope = Arc::clone(&shared.scope);
        let pool = probe::browser::Pool::new(browser.unwrap_or_default(), artifacts, scope)
            .map_err(|e| format!("error: cannot prepare browser profiles: {e}"))?;
        shared.browser = Some(pool);
    }
    Ok(Arc::new(shared))
}

/// `--base-url` replaces the base URL of every browser check.
fn with_base_url(checks: Vec<Arc<Check>>, base_url: Option<&str>) -> Vec<Arc<Check>> {
    let Some(base) = base_url else { return checks };
    checks
        .into_iter()
        .map(|c| match &c.probe {
            probe::ProbeSpec::Browser(spec) => {
                let mut spec = spec.clone();
                spec.base_url = Some(base.to_string());
                let mut check = (*c).clone();
                check.probe = probe::ProbeSpec::Browser(spec);
                Arc::new(check)
            }
            _ => c,
        })
        .collect()
}

/// Load the suite and apply the selection; on failure, the message to show.
fn load_selected(args: &SuiteArgs) -> Result<Loaded, String> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("checks")]
    } else {
        args.paths.clone()
    };
    let suite = config::load(&paths).map_err(|d| d.to_string())?;
    let selection = select::Selection::new(&args.tags, &args.skip_tags, &args.names)?;
    let selected = selection.apply(&suite.checks);
    if selected.is_empty() {
        return Err(if suite.checks.is_empty() {
            "error: the suite has no checks; nothing to gate on".to_string()
        } else {
            format!(
                "error: the selection matches none of the suite's {} checks; nothing to gate on",
                suite.checks.len()
            )
        });
    }
    Ok(Loaded {
        checks: selected,
        files: suite.files.len(),
        browser: suite.browser,
    })
}

/// One imported check as a TOML `[[check]]` table, with where it came from.
fn check_toml(name: &str, tags: &[String], command_line: &str, origin: &str) -> String {
    let mut check = toml::Table::new();
    check.insert("name".into(), name.into());
    check.insert(
        "tags".into(),
        toml::Value::Array(tags.iter().map(|t| t.as_str().into()).collect()),
    );
    let mut nagios = toml::Table::new();
    nagios.insert("command".into(), command_line.into());
    check.insert("nagios".into(), nagios.into());
    let mut doc = toml::Table::new();
    doc.insert("check".into(), toml::Value::Array(vec![check.into()]));
    format!(
        "\n# {origin}\n{}",
        toml::to_string(&doc).unwrap_or_default()
    )
}

/// `smokegate import nrpe`: the commands as a suite a team can own and curate.
fn import_nrpe(files: &[PathBuf]) -> i32 {
    let mut text =
        String::from("# Imported by `smokegate import nrpe`: one check per NRPE command.\n");
    let mut diags = Vec::new();
    for file in files {
        match config::nrpe::load(file) {
            Ok(commands) => {
                for c in commands {
                    let (line, _) = config::diag::line_col(&c.source, c.name_span.start);
                    let origin = format!("{}:{line}", c.file.display());
                    let rendered = check_toml(&c.name, &["nrpe".to_string()], &c.line, &origin);
                    if config::nrpe::apply_args(&c.line, &[]).is_err() {
                        text.push_str(&format!("\n# {origin}: needs arguments for $ARGn$; fill them in, then uncomment\n"));
                        for l in rendered.lines().skip(2) {
                            text.push_str(&format!("# {l}\n"));
                        }
                    } else {
                        text.push_str(&rendered);
                    }
                }
            }
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return fail_usage(&config::Diagnostics(diags).to_string());
    }
    out(&text);
    exit::GATE_PASSED
}

/// `smokegate import nagios`: every service on every selected host as a check.
fn import_nagios(opts: config::nagios_objects::ImportOptions) -> i32 {
    match config::nagios_objects::import(&opts) {
        Ok(imported) => {
            let mut text = String::from(
                "# Imported by `smokegate import nagios`: one check per service and host.\n",
            );
            // $USERn$ values are secrets: shown as ****, to be given to the suite in [secrets].
            let any_secret = imported
                .services
                .iter()
                .any(|s| secrets::mask(&s.command_line) != s.command_line.as_str());
            if any_secret {
                text.push_str("# Values from the resource file are secrets and show as ****: declare them in [secrets]\n# (e.g. db_pass = \"${DB_PASS}\") and use {{db_pass}} in the command.\n");
            }
            for s in imported.services {
                let mut tags = vec!["nagios".to_string(), s.host.clone()];
                tags.extend(s.hostgroups.iter().cloned());
                let origin = format!("{}:{}", s.file.display(), s.line);
                text.push_str(&check_toml(
                    &format!("{} @ {}", s.service, s.host),
                    &tags,
                    &s.command_line,
                    &origin,
                ));
            }
            out(&text);
            exit::GATE_PASSED
        }
        Err(diags) => fail_usage(&config::Diagnostics(diags).to_string()),
    }
}

fn validate(args: &SuiteArgs) -> i32 {
    match load_selected(args) {
        Ok(loaded) => {
            out(&format!(
                "ok: {} checks selected from {} suite files\n",
                loaded.checks.len(),
                loaded.files
            ));
            exit::GATE_PASSED
        }
        Err(message) => fail_usage(&message),
    }
}

fn list(args: &SuiteArgs) -> i32 {
    let checks = match load_selected(args) {
        Ok(loaded) => loaded.checks,
        Err(message) => return fail_usage(&message),
    };
    let rows: Vec<[String; 4]> = checks
        .iter()
        .map(|c| {
            [
                c.name.clone(),
                c.probe.kind().to_string(),
                c.tags.join(","),
                c.source.to_string(),
            ]
        })
        .collect();
    let header = ["NAME", "KIND", "TAGS", "SOURCE"].map(String::from);
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in [&header].into_iter().chain(&rows) {
        let line = format!(
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text.push_str(&format!("{} checks\n", rows.len()));
    out(&text);
    exit::GATE_PASSED
}

async fn run(args: RunArgs) -> i32 {
    let loaded = match load_selected(&args.suite) {
        Ok(loaded) => loaded,
        Err(message) => return fail_usage(&message),
    };
    let reports: Vec<(&str, &std::path::Path)> = [("--junit", &args.junit), ("--json", &args.json)]
        .into_iter()
        .filter_map(|(flag, path)| path.as_deref().map(|p| (flag, p)))
        .collect();
    if let Err(message) = report::prepare(&reports) {
        return fail_usage(&message);
    }
    let artifacts = args.artifacts.clone().unwrap_or_else(|| {
        let beside = args
            .junit
            .as_ref()
            .or(args.json.as_ref())
            .and_then(|p| p.parent());
        beside
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."))
            .join("smokegate-artifacts")
    });
    let checks = with_base_url(loaded.checks, args.base_url.as_deref());
    let shared = match shared_for(&checks, loaded.browser, artifacts) {
        Ok(shared) => shared,
        Err(message) => return fail_usage(&message),
    };
    let style = Style {
        color: use_color(args.color),
    };
    let policy = gate::Policy {
        fail_on: args.fail_on,
    };
    let opts = RunOptions {
        jobs: args.jobs,
        deadline: args.deadline,
        keep_output: args.max_output,
        ..RunOptions::default()
    };
    let (record, verdict) = execute(checks, opts, shared, &policy, style, !args.quiet).await;
    // The record is written before the verdict is printed: a gate whose record is lost is
    // not a pass, and the verdict line says why.
    let mut unrecorded = Vec::new();
    let reports = [
        (
            "JUnit",
            &args.junit,
            report::junit::render(&record, &verdict),
        ),
        (
            "JSON",
            &args.json,
            report::json::render(&record, &verdict, &policy),
        ),
    ];
    for (what, path, text) in reports {
        if let Some(path) = path {
            if let Err(e) = report::write(path, text.as_bytes()) {
                unrecorded.push(format!(
                    "the {what} report could not be written to {}: {e}",
                    path.display()
                ));
            }
        }
    }
    let verdict = gate::unrecorded(verdict, unrecorded);
    out(&human::summary(&record, &verdict, style));
    verdict.exit_code()
}

/// Runs checks with live progress lines (unless `live` is false) and decides the gate; the
/// caller prints the summary (after writing what must be written). Shared by `run` and `demo`.
pub async fn execute(
    checks: Vec<Arc<Check>>,
    opts: RunOptions,
    shared: Arc<probe::Shared>,
    policy: &gate::Policy,
    style: Style,
    live: bool,
) -> (model::RunRecord, gate::Verdict) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let live = live.then_some(checks.clone());
    let printer = tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            let Some(checks) = &live else { continue };
            let line = match &event {
                Event::Finished { result, .. } => human::finished_line(result, style),
                Event::Retrying {
                    index,
                    attempt,
                    delay,
                } => {
                    let check = &checks[*index];
                    human::retry_line(&check.name, attempt, check.retries + 1, *delay, style)
                }
                Event::Cancelling(model::CancelReason::Interrupt) => {
                    "interrupted: stopping running checks, writing reports".to_string()
                }
                Event::Cancelling(model::CancelReason::Deadline) => {
                    "deadline reached: stopping running checks".to_string()
                }
                Event::AttemptStarted { .. } => continue,
            };
            out(&format!("{line}\n"));
        }
    });
    let record = runner::run(checks, opts, shared, tx).await;
    let _ = printer.await;
    let verdict = gate::decide(&record, policy);
    (record, verdict)
}

/// `--color auto` colours a terminal unless NO_COLOR is set.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

async fn nagios(args: NagiosArgs) -> i32 {
    let loaded = match load_selected(&args.suite) {
        Ok(loaded) => loaded,
        Err(message) => {
            let mut lines = message.lines().filter(|l| !l.trim().is_empty());
            let first = lines
                .next()
                .unwrap_or("error")
                .trim_start_matches("error: ")
                .to_string();
            let mut text = format!(
                "SMOKEGATE UNKNOWN - suite not loaded: {}\n",
                first.replace('|', "/")
            );
            for line in message.lines() {
                text.push_str(&line.replace('|', "/"));
                text.push('\n');
            }
            out(&text);
            return State::Unknown.exit_code();
        }
    };
    let budget = Duration::from_secs(u64::from(args.timeout));
    let grace = (budget / 20).min(Duration::from_secs(1));
    let margin = (budget / 10).clamp(Duration::from_millis(300), Duration::from_secs(2));
    let opts = RunOptions {
        jobs: args.jobs,
        deadline: Some(budget.saturating_sub(grace + margin + runner::STOP_SLACK)),
        grace,
        ..RunOptions::default()
    };
    let shared = match shared_for(
        &loaded.checks,
        loaded.browser,
        PathBuf::from("smokegate-artifacts"),
    ) {
        Ok(shared) => shared,
        Err(message) => {
            out(&format!(
                "SMOKEGATE UNKNOWN - {}\n",
                message.trim_start_matches("error: ")
            ));
            return State::Unknown.exit_code();
        }
    };
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let record = runner::run(loaded.checks, opts, shared, tx).await;
    let verdict = gate::decide(
        &record,
        &gate::Policy {
            fail_on: args.fail_on,
        },
    );
    let report = report::nagios::render(&record, &verdict);
    out(&report.text);
    report.state.exit_code()
}

pub fn fail_usage(message: &str) -> i32 {
    eprintln!("{}", secrets::mask(message));
    exit::USAGE
}

/// Writes to stdout, ignoring a closed pipe (`smokegate list | head`).
pub fn out(text: &str) {
    let text = secrets::mask(text);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
