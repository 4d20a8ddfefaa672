//! What every command starts with: the suite loaded and the selection applied, and the shared
//! resources the selected checks' probes need. Must not run, print or decide anything.

use std::path::PathBuf;
use std::sync::Arc;

use crate::cli::SuiteArgs;
use crate::error::Error;
use crate::model::Check;
use crate::{config, probe, select};

/// What a command runs: the selected checks and the run-level settings of the suite.
pub struct Loaded {
    pub checks: Vec<Arc<Check>>,
    /// Checks not selected but needed by selected ones, brought in.
    pub pulled_in: Vec<String>,
    /// The environment variables the checks' values are made from, set or not.
    pub env: std::collections::BTreeSet<String>,
    pub files: usize,
    pub browser: Option<crate::model::spec::BrowserConfig>,
    /// `[history] url` of the suite.
    pub history: Option<String>,
    /// What imports left out and why, one line each.
    pub skipped: Vec<String>,
    /// Masks the suite's secrets in everything the command prints or writes.
    pub redactor: crate::redact::Redactor,
}

/// The probes' shared resources for these checks; a browser pool only when a check needs one.
pub fn shared_for(
    checks: &[Arc<Check>],
    browser: Option<crate::model::spec::BrowserConfig>,
    artifacts: PathBuf,
) -> Result<Arc<probe::Shared>, Error> {
    let mut shared = probe::Shared::default();
    if checks.iter().any(|c| c.probe.needs_browser()) {
        let scope = Arc::clone(&shared.scope);
        let pool = probe::browser::Pool::new(browser.unwrap_or_default(), artifacts, scope)
            .map_err(Error::BrowserProfiles)?;
        shared.browser = Some(pool);
    }
    Ok(Arc::new(shared))
}

/// `--base-url` replaces the base URL of every browser check and of every scenario (as
/// selenium-side-runner's and Behat's do): a `the site` step written in a scenario still names
/// its own site, as an absolute URL does.
pub fn with_base_url(checks: Vec<Arc<Check>>, base_url: Option<&str>) -> Vec<Arc<Check>> {
    use crate::model::ProbeSpec;
    let Some(base) = base_url else { return checks };
    checks
        .into_iter()
        .map(|c| {
            let probe = match &c.probe {
                // A feature's own `the site` steps are in its steps, not in its base URL: each
                // page before one is on the run's site, in a browser as over HTTP.
                ProbeSpec::Browser(spec) => {
                    let mut spec = spec.clone();
                    spec.base_url = Some(base.to_string());
                    ProbeSpec::Browser(spec)
                }
                ProbeSpec::Scenario(spec) => {
                    let mut spec = spec.clone();
                    spec.base_url = Some(base.to_string());
                    ProbeSpec::Scenario(spec)
                }
                _ => return c,
            };
            let mut check = (*c).clone();
            check.probe = probe;
            Arc::new(check)
        })
        .collect()
}

/// Load the suite and apply the selection: the checks to run, or why there are none.
pub fn load_selected(args: &SuiteArgs) -> Result<Loaded, Error> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("checks")]
    } else {
        args.paths.clone()
    };
    // The last `--var` of a name wins.
    let overrides: config::Overrides = args.vars.iter().cloned().collect();
    let suite = config::load(&paths, &overrides).map_err(Error::Suite)?;
    if let Some((name, _)) = args
        .vars
        .iter()
        .find(|(name, _)| !suite.vars.contains(name))
    {
        return Err(Error::UnknownVar {
            name: name.clone(),
            defined: suite.vars.iter().cloned().collect(),
        });
    }
    let selection = select::Selection::new(&args.tags, &args.skip_tags, &args.names)
        .map_err(Error::Selection)?;
    let selected = suite
        .select(&|name, tags| selection.admits(name, tags))
        .map_err(Error::Suite)?;
    if selected.checks.is_empty() {
        return Err(if suite.is_empty() {
            Error::NoChecks
        } else {
            Error::NothingSelected(suite.len())
        });
    }
    // A password in the run's site is a secret, as one in a check's URL is.
    if let Some(password) = args.base_url.as_deref().and_then(config::url_password) {
        suite.redactor.see([password]);
    }
    let checks = with_base_url(selected.checks, args.base_url.as_deref());
    let siteless = siteless_pages(&checks);
    if !siteless.is_empty() {
        return Err(Error::Suite(config::Diagnostics::new(
            siteless,
            suite.redactor.clone(),
        )));
    }
    Ok(Loaded {
        checks,
        pulled_in: selected.pulled_in,
        env: selected.env,
        files: suite.files.len(),
        browser: suite.browser,
        history: suite.history,
        skipped: suite.skipped,
        redactor: suite.redactor,
    })
}

/// A scenario's step that opens a relative page with no site to put it on can never open it:
/// an error at its place before anything runs, as `validate` says it (`--base-url`, the
/// import's `base_url` or behat.yml's gives one).
fn siteless_pages(checks: &[Arc<Check>]) -> Vec<config::Diagnostic> {
    use crate::model::scenario::first_siteless_page;
    use crate::model::ProbeSpec;
    checks
        .iter()
        .filter_map(|c| match &c.probe {
            ProbeSpec::Scenario(spec) => first_siteless_page(spec.base_url.as_deref(), &spec.steps)
                .map(|found| (&spec.file, found)),
            ProbeSpec::Browser(spec) => spec.feature.as_ref().and_then(|f| {
                first_siteless_page(spec.base_url.as_deref(), &f.steps)
                    .map(|found| (&f.file, found))
            }),
            _ => None,
        })
        .map(|(file, (step, message))| {
            config::Diagnostic::at_line(file, step.line, step.col, &step.source_line, message)
        })
        .collect()
}

/// `--baseline`: the earlier run to compare with, read before anything runs. A baseline that
/// shares no check name with the selection is from another suite: an error, never a silent
/// "everything is new".
/// Where a run is recorded (`--history`), and as what.
pub struct Recording {
    pub url: String,
    pub ctx: crate::history::Context,
}

/// The recording of a run of this suite and selection by `command`, when a store is named.
pub fn recording_for(
    args: &SuiteArgs,
    history: &crate::cli::HistoryArg,
    suite_history: Option<&str>,
    command: &str,
) -> Option<Recording> {
    // --history (or SMOKEGATE_HISTORY) wins over the suite's `[history] url`.
    let url = history
        .url
        .clone()
        .filter(|u| !u.is_empty())
        .or_else(|| suite_history.map(str::to_string))?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("checks")]
    } else {
        args.paths.clone()
    };
    let suite = paths
        .iter()
        .map(|p| {
            std::path::absolute(p)
                .unwrap_or_else(|_| p.clone())
                .display()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut selection = Vec::new();
    for (flag, values) in [
        ("--tag", &args.tags),
        ("--skip-tag", &args.skip_tags),
        ("--name", &args.names),
    ] {
        for value in values {
            selection.push(format!("{flag} {value}"));
        }
    }
    Some(Recording {
        url,
        ctx: crate::history::Context {
            command: command.to_string(),
            suite,
            selection: selection.join(" "),
            who: crate::history::Who::here(&|name| std::env::var(name).ok()),
        },
    })
}

/// The baseline `--baseline` names: a JSON report's file, or a recorded run (`last-pass`,
/// `last`, `run:ID`) of the store `recording` names. A recorded
/// run that is not there yet (the first run recorded) is said on stderr, and the run is
/// compared with nothing: every failure counts.
pub fn baseline_for(
    path: Option<&std::path::Path>,
    checks: &[Arc<Check>],
    recording: Option<&Recording>,
) -> Result<Option<crate::model::diff::Baseline>, Error> {
    let Some(path) = path else { return Ok(None) };
    let pick = path.to_str().and_then(crate::history::Pick::parse);
    let baseline = match pick {
        None => crate::report::json::read_baseline(path).map_err(Error::Baseline)?,
        Some(Err(e)) => return Err(Error::Baseline(e)),
        Some(Ok(pick)) => {
            let Some(recording) = recording else {
                return Err(Error::Baseline(format!(
                    "--baseline {} names a recorded run: give --history URL (or set SMOKEGATE_HISTORY)",
                    path.display()
                )));
            };
            let store = crate::history::open(&recording.url).map_err(Error::History)?;
            let found = store
                .pick(&pick, &recording.ctx.suite, &recording.ctx.selection)
                .map_err(Error::History)?;
            match found {
                Some((run, past)) => crate::history::baseline(&run, &past),
                None if matches!(pick, crate::history::Pick::Run(_)) => {
                    return Err(Error::Baseline(format!(
                        "--baseline {}: no such run in {}",
                        path.display(),
                        crate::history::without_password(&recording.url)
                    )));
                }
                None => {
                    eprintln!(
                        "smokegate: --baseline {}: no recorded run of this suite and selection{} yet: nothing to compare with, every failure counts",
                        path.display(),
                        if matches!(pick, crate::history::Pick::LastPass(_)) { " passed its gate" } else { "" }
                    );
                    return Ok(None);
                }
            }
        }
    };
    let names: std::collections::HashSet<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    if !baseline
        .checks
        .iter()
        .any(|p| names.contains(p.name.as_str()))
    {
        return Err(Error::Baseline(format!(
            "the baseline {} has none of the {} selected checks ({} checks of its own): it is from another suite or selection",
            baseline.file,
            checks.len(),
            baseline.checks.len()
        )));
    }
    Ok(Some(baseline))
}
