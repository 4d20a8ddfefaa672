//! Running one browser scenario: open a session, execute each step (waiting for elements up to
//! the implicit wait), and on failure gather the evidence — the step, what was expected and
//! found, the page URL and title, a screenshot — then quit the session whatever happened.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use thirtyfour::prelude::*;
use thirtyfour::ChromeCapabilities;

use super::Pool;
use crate::model::flow::{self, Link};
use crate::model::scenario::step_list;
use crate::model::spec::BrowserSpec;
use crate::model::step::{Command, Locator, Step};
use crate::model::{Label, Outcome, Perfdata, State};
use crate::probe::ProbeCtx;
use crate::sanitize;

/// How often a step looks again for its element or condition.
pub(super) const POLL: Duration = Duration::from_millis(100);

/// The least time a request to a remote end may take (thirtyfour's default), and what is added
/// to the check's timeout so that the runner, not the client, ends a slow one.
const REMOTE_REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
const REMOTE_REQUEST_SLACK: Duration = Duration::from_secs(5);

/// What a failing step found.
pub(super) struct Failure {
    pub(super) expected: String,
    pub(super) found: String,
    /// The browser or the driver itself failed (crashed, session gone): nothing about the page
    /// was established, so the check is UNKNOWN rather than CRITICAL.
    pub(super) broken: bool,
    /// `found` is the whole of what is wrong (the judge's word on a feature step).
    pub(super) said: bool,
    /// What is wrong could not be established: the check is UNKNOWN.
    pub(super) unknown: bool,
    /// What of the page shows it (the judge's evidence: the fields it knows, the text it saw).
    pub(super) evidence: Vec<(Label, String)>,
}

impl Failure {
    pub(super) fn new(expected: impl Into<String>, found: impl Into<String>) -> Failure {
        Failure {
            expected: expected.into(),
            found: found.into(),
            broken: false,
            said: false,
            unknown: false,
            evidence: Vec::new(),
        }
    }
}

/// Quits the session when dropped without `finish` (a check stopped at its timeout); the pool
/// waits for that quit before the run ends.
struct Session<'a> {
    driver: Option<WebDriver>,
    pool: &'a Pool,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if let Some(driver) = self.driver.take() {
            self.pool.quit_later(driver);
        }
    }
}

pub async fn run(spec: &BrowserSpec, ctx: &ProbeCtx) -> Outcome {
    let Some(pool) = ctx.shared.browser.as_ref() else {
        return Outcome::unknown("internal error: no browser pool for a browser check");
    };
    let opened = Instant::now();
    let idle = pool.idle.lock().await.pop();
    let (driver, profile, served) = match idle {
        Some(idle) => (idle.driver, idle.profile, idle.served),
        None => match new_session(pool, ctx).await {
            Ok((driver, profile)) => (driver, profile, 0),
            Err(outcome) => return outcome,
        },
    };
    // A session still shows the last check's page (a new one, Chromium's start page); a
    // scenario that does not start by opening one of its own starts from a blank page.
    let opens = spec
        .steps
        .first()
        .is_some_and(|s| s.command == Command::Open);
    let (driver, profile, served) = if !opens && driver.goto("about:blank").await.is_err() {
        let _ = driver.quit().await;
        match new_session(pool, ctx).await {
            Ok((driver, profile)) => (driver, profile, 0),
            Err(outcome) => return outcome,
        }
    } else {
        (driver, profile, served)
    };
    // A remote end deletes a session only once its driver answers, which a page that never
    // loads holds up for the default 300 s: here a navigation gives up when the check does.
    if pool.config.remote.is_some() {
        let left = ctx.timeout.saturating_sub(opened.elapsed());
        let _ = driver
            .set_page_load_timeout(left.max(Duration::from_secs(1)))
            .await;
    }
    let session_secs = opened.elapsed().as_secs_f64();
    let mut session = Session {
        driver: Some(driver),
        pool,
    };
    let mut outcome = match &session.driver {
        Some(driver) => scenario(spec, pool, driver, &ctx.redact).await,
        None => Outcome::unknown("internal error: session lost"),
    };
    outcome.perfdata.push(Perfdata::new(
        "session_start",
        crate::probe::tls::round_ms(session_secs),
        "s",
    ));
    // How many checks this browser session has served, this one included (1: a new session).
    outcome
        .perfdata
        .push(Perfdata::new("session_checks", f64::from(served + 1), ""));
    // A session that finished its scenario is cleaned and kept for the next check: a new one
    // costs a browser start. One that failed to clean is quit, and so is every session on a
    // remote end: an idle session there holds a slot of a Grid that other clients (and this
    // run's next check, when the node is full) are queueing for.
    if let Some(driver) = session.driver.take() {
        if pool.config.remote.is_some() {
            let _ = driver.quit().await;
        } else if reset(&driver).await {
            pool.idle.lock().await.push(super::IdleSession {
                driver,
                profile,
                served: served + 1,
            });
        } else {
            let _ = driver.quit().await;
        }
    }
    outcome
}

/// Starts a session with a fresh profile; an UNKNOWN outcome when that is not possible.
async fn new_session(
    pool: &Pool,
    ctx: &ProbeCtx,
) -> Result<(WebDriver, tempfile::TempDir), Outcome> {
    let endpoint = pool
        .endpoint()
        .await
        .map_err(|e| Outcome::unknown(format!("no browser: {e}")))?;
    let profile = pool
        .profile_dir()
        .map_err(|e| Outcome::unknown(format!("cannot create a browser profile folder: {e}")))?;
    let caps = capabilities(pool, profile.path())
        .map_err(|e| Outcome::unknown(format!("invalid browser capabilities: {e}")))?;
    crate::probe::tls::install_crypto();
    let driver = match &pool.config.remote {
        None => WebDriver::new(endpoint.as_str(), caps).await.map_err(|e| {
            Outcome::unknown(format!(
                "cannot start a browser session: {}",
                first_line(&e.to_string())
            ))
        })?,
        // A Grid queues a new-session request until a node has a free slot: the check's own
        // timeout (the runner's) bounds that wait, not the client's shorter default.
        Some(remote) => {
            // A Grid makes the session even when the check stopped waiting for it: the request
            // runs on its own, and a session nobody took any more is deleted.
            let request = WebDriver::builder(endpoint.as_str(), caps)
                .request_timeout(ctx.timeout.max(REMOTE_REQUEST_TIMEOUT) + REMOTE_REQUEST_SLACK);
            let (tx, rx) = tokio::sync::oneshot::channel();
            pool.track(tokio::spawn(async move {
                if let Err(Ok(orphan)) = tx.send(request.await) {
                    let _ = orphan.quit().await;
                }
            }));
            let made = rx
                .await
                .map_err(|_| Outcome::unknown("internal error: the session request was lost"))?;
            made.map_err(|e| {
                Outcome::unknown(format!(
                    "cannot start a browser session at the remote WebDriver end {remote}: {}",
                    first_line(&e.to_string())
                ))
            })?
        }
    };
    Ok((driver, profile))
}

/// Clears what one scenario leaves behind (storage and cookies of the page it ended on, frames)
/// so the next starts clean. False when the session does not answer.
async fn reset(driver: &WebDriver) -> bool {
    let _ = driver.dismiss_alert().await;
    // Windows the scenario opened are closed; the first one stays.
    let Ok(handles) = driver.windows().await else {
        return false;
    };
    for extra in handles.iter().skip(1) {
        if driver.switch_to_window(extra.clone()).await.is_err()
            || driver.close_window().await.is_err()
        {
            return false;
        }
    }
    match handles.first() {
        Some(first) if driver.switch_to_window(first.clone()).await.is_ok() => {}
        _ => return false,
    }
    let cleared = driver
        .execute(
            "try { window.localStorage.clear(); window.sessionStorage.clear(); } catch (e) {}",
            Vec::new(),
        )
        .await
        .is_ok();
    cleared
        && driver.enter_default_frame().await.is_ok()
        && driver.delete_all_cookies().await.is_ok()
}

fn capabilities(pool: &Pool, profile: &std::path::Path) -> WebDriverResult<ChromeCapabilities> {
    let mut caps = DesiredCapabilities::chrome();
    let remote = pool.config.remote.is_some();
    match &pool.config.binary {
        Some(binary) => caps.set_binary(&binary.display().to_string())?,
        None if !remote => caps.set_binary(&pool.config.local_binary().display().to_string())?,
        // The node's configured browser (its stereotype's, or its driver's own choice).
        None => {}
    }
    // A folder here is no folder on a remote node: there its driver makes and removes one, and
    // so does chromedriver for a headless shell, which never answers with one of ours.
    let own_profile = !remote && !pool.config.headless_shell();
    // A dialog stays open until a step answers it (or the one after each step does).
    caps.set("unhandledPromptBehavior", "ignore")?;
    let (w, h) = pool.config.window;
    for arg in [
        "--headless".to_string(),
        "--no-sandbox".to_string(),
        "--disable-gpu".to_string(),
        "--disable-dev-shm-usage".to_string(),
        "--no-first-run".to_string(),
        "--no-default-browser-check".to_string(),
        "--disable-background-networking".to_string(),
        "--disable-component-update".to_string(),
        "--disable-sync".to_string(),
        "--disable-extensions".to_string(),
        // Offline, these services stall the first navigation of about one session in three by
        // 1-5 s (measured: 7 of 30 sessions without, 0 of 30 with).
        "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication"
            .to_string(),
        format!("--window-size={w},{h}"),
    ]
    .into_iter()
    .chain(own_profile.then(|| format!("--user-data-dir={}", profile.display())))
    .chain(pool.config.args.iter().cloned())
    {
        caps.add_arg(&arg)?;
    }
    Ok(caps)
}

async fn scenario(
    spec: &BrowserSpec,
    pool: &Pool,
    driver: &WebDriver,
    redact: &crate::redact::Redactor,
) -> Outcome {
    let started = Instant::now();
    let links = match flow::link(&spec.steps) {
        Ok(links) => links,
        Err((i, e)) => {
            return Outcome::unknown(format!("internal error: step {}: {e}", i + 1));
        }
    };
    let mut run = StepRun {
        spec,
        driver,
        redact,
        wait: pool.config.implicit_wait,
        vars: HashMap::new(),
        echoes: Vec::new(),
        links: &links,
        counts: HashMap::new(),
        dialogs: DialogState::default(),
        leave_dialog_open: false,
        at: 0,
    };
    // Every failing step, in order; the first decides the message and the evidence.
    let mut failures: Vec<(usize, String)> = Vec::new();
    let mut broken = false;
    let mut unknown = false;
    let mut settled = false;
    let mut shown: Vec<(Label, String)> = Vec::new();
    let (mut pc, mut jumped) = (0, false);
    while let Some(step) = spec.steps.get(pc) {
        let i = pc;
        let result = if step.command.is_flow() {
            run.flow(step, pc, jumped).await
        } else {
            let target = substitute(&step.target, &run.vars);
            let value = substitute(&step.value, &run.vars);
            // A dialog stays open for a `webdriver*Visible*` command that follows (perhaps
            // after the assertion of its text); any other is answered as the test asked.
            let ahead = |n: usize| spec.steps.get(pc + n).map(|s| s.command);
            run.leave_dialog_open = ahead(1).is_some_and(Command::on_visible_dialog)
                || (ahead(1).is_some_and(is_dialog_assert)
                    && ahead(2).is_some_and(Command::on_visible_dialog));
            run.at = pc;
            let mut result = run.opening(step, &target, &value).await;
            if result.is_ok() && step.command.may_open_dialog() && !run.leave_dialog_open {
                run.settle_dialog().await;
            }
            if let Err(f) = &mut result {
                if f.found.contains("unexpected alert open") {
                    f.found = "a dialog still open (answer it with a webdriver*Visible* command)"
                        .to_string();
                }
            }
            result.map(|()| (pc + 1, false))
        };
        match result {
            Ok((next, j)) => (pc, jumped) = (next, j),
            Err(f) => {
                broken |= f.broken;
                if failures.is_empty() {
                    unknown = f.unknown;
                    // The judge's word on a page the browser showed: the same page shows the same.
                    settled = f.said && !f.broken && !f.unknown;
                    shown = f.evidence;
                }
                let written = spec.feature.as_ref().and_then(|f| f.step_of(i));
                let message = match written {
                    // A Gherkin step: named as written; the judge says what is wrong.
                    Some(written) => {
                        let text = written.text.trim();
                        if f.said {
                            format!("{text} - {}", f.found)
                        } else {
                            format!("{text} - expected {}, found {}", f.expected, f.found)
                        }
                    }
                    None => format!(
                        "step {} `{}`: expected {}, found {}",
                        i + 1,
                        step,
                        f.expected,
                        f.found
                    ),
                };
                failures.push((i, message));
                // A verify* failure marks the check failed and the scenario goes on, as in the IDE.
                if !step.verify || f.broken {
                    break;
                }
                (pc, jumped) = (pc + 1, false);
            }
        }
        // A loop of steps that never wait must still let a timeout stop it.
        tokio::task::yield_now().await;
    }
    let secs = crate::probe::tls::round_ms(started.elapsed().as_secs_f64());
    let first_failure = failures.first().cloned();
    let mut outcome = match &first_failure {
        None => Outcome::new(
            State::Ok,
            format!(
                "BROWSER OK - {} steps of {} in {secs:.3} s",
                spec.steps.len(),
                spec.origin
            ),
        ),
        Some((_, message)) if unknown => {
            Outcome::new(State::Unknown, format!("BROWSER UNKNOWN - {message}"))
        }
        Some((_, message)) => {
            let outcome = Outcome::new(State::Critical, format!("BROWSER CRITICAL - {message}"));
            if settled {
                outcome.settle()
            } else {
                outcome
            }
        }
    };
    outcome
        .long_output
        .extend(run.echoes.into_iter().map(|e| format!("echo: {e}")));
    outcome
        .long_output
        .extend(failures.iter().skip(1).map(|(_, f)| format!("also: {f}")));
    outcome.perfdata.push(Perfdata::new("time", secs, "s"));
    if let Some((index, _)) = first_failure {
        let step = &spec.steps[index];
        let feature = spec.feature.as_ref();
        let scenario = match feature.and_then(|f| Some((f, f.of.get(index)?))) {
            Some((f, &at)) => format!("{}\n{}", spec.origin, step_list(&f.steps, at)),
            None => spec.origin.clone(),
        };
        outcome = outcome.with_evidence(Label::Scenario, scenario);
        let failed = match feature.and_then(|f| Some((f, f.step_of(index)?))) {
            Some((f, written)) => written.locate(&f.file),
            None => format!(
                "#{}: {} | target: {} | value: {}",
                index + 1,
                step.name,
                sanitize::clean(&step.target),
                sanitize::clean(&step.value)
            ),
        };
        outcome = outcome.with_evidence(Label::FailedStep, failed);
        for (label, text) in shown {
            outcome = outcome.with_evidence(label, text);
        }
        if let Ok(url) = driver.current_url().await {
            outcome = outcome.with_evidence(Label::PageUrl, url.to_string());
        }
        if let Ok(title) = driver.title().await {
            outcome = outcome.with_evidence(Label::PageTitle, sanitize::clean(&title));
        }
        match screenshot(pool, driver, &redact.mask(&spec.origin)).await {
            _ if broken => {}
            Ok(path) => outcome = outcome.with_evidence(Label::Screenshot, path),
            Err(e) => outcome = outcome.with_evidence(Label::Screenshot, format!("not taken: {e}")),
        }
    }
    outcome
}

async fn screenshot(pool: &Pool, driver: &WebDriver, origin: &str) -> Result<String, String> {
    let png = driver
        .screenshot_as_png()
        .await
        .map_err(|e| first_line(&e.to_string()))?;
    std::fs::create_dir_all(&pool.artifacts)
        .map_err(|e| format!("{}: {e}", pool.artifacts.display()))?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    // A file name is an output too: `origin` comes masked.
    let name: String = origin
        .rsplit('/')
        .next()
        .unwrap_or(origin)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = pool
        .artifacts
        .join(format!("{}-{stamp}.png", name.trim_matches('_')));
    std::fs::write(&path, png).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path.display().to_string())
}

/// A stored value as JavaScript would turn it into text (`${var}` in a target or value).
pub(super) fn js_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                if i.is_null() {
                    String::new()
                } else {
                    js_string(i)
                }
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_string(),
        other => other.to_string(),
    }
}

/// A script with each `${name}` of a stored variable turned into `arguments[i]`, and the values.
pub(super) fn interpolate(script: &str, vars: &HashMap<String, Value>) -> (String, Vec<Value>) {
    let mut out = String::new();
    let mut names: Vec<&str> = Vec::new();
    let mut args = Vec::new();
    let mut rest = script;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            break;
        };
        let name = &after[..end];
        out.push_str(&rest[..start]);
        match vars.get(name) {
            Some(v) => {
                let i = match names.iter().position(|n| *n == name) {
                    Some(i) => i,
                    None => {
                        names.push(name);
                        args.push(v.clone());
                        names.len() - 1
                    }
                };
                out.push_str(&format!("arguments[{i}]"));
            }
            None => out.push_str(&rest[start..start + 3 + end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    (out, args)
}

/// `${name}` from stored variables, and `${KEY_ENTER}`-style keys.
fn substitute(text: &str, vars: &HashMap<String, Value>) -> String {
    if !text.contains("${") {
        return text.to_string();
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match (vars.get(name), key(name)) {
                    (Some(v), _) => out.push_str(&js_string(v)),
                    (None, Some(k)) => out.push(k.value()),
                    (None, None) => out.push_str(&rest[start..start + 3 + end]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn key(name: &str) -> Option<Key> {
    Some(match name.strip_prefix("KEY_")? {
        "ENTER" => Key::Enter,
        "RETURN" => Key::Return,
        "TAB" => Key::Tab,
        "ESC" | "ESCAPE" => Key::Escape,
        "BACKSPACE" | "BKSP" => Key::Backspace,
        "DELETE" | "DEL" => Key::Delete,
        "SPACE" => Key::Space,
        "UP" => Key::Up,
        "DOWN" => Key::Down,
        "LEFT" => Key::Left,
        "RIGHT" => Key::Right,
        "HOME" => Key::Home,
        "END" => Key::End,
        "PAGE_UP" => Key::PageUp,
        "PAGE_DOWN" => Key::PageDown,
        _ => return None,
    })
}

pub(super) fn by(locator: &Locator) -> By {
    match locator {
        Locator::Id(s) => By::Id(s.as_str()),
        Locator::Name(s) => By::Name(s.as_str()),
        Locator::Css(s) => By::Css(s.as_str()),
        Locator::XPath(s) => By::XPath(s.as_str()),
        Locator::LinkText(s) => By::LinkText(s.as_str()),
        Locator::PartialLinkText(s) => By::PartialLinkText(s.as_str()),
    }
}

/// The element, waiting up to `wait` for it to appear. An invalid locator or a dialog in the way
/// fails at once, with what the browser said; anything else is waited out.
pub(super) async fn find(
    driver: &WebDriver,
    locator: &Locator,
    wait: Duration,
) -> Result<WebElement, Failure> {
    let deadline = Instant::now() + wait;
    loop {
        match driver.find(by(locator)).await {
            Ok(el) => return Ok(el),
            Err(e) if never_found(&e) => return Err(wd(e)),
            Err(_) => {}
        }
        if Instant::now() >= deadline {
            return Err(Failure::new(
                format!("an element at {locator}"),
                format!("none after {}", crate::format::duration(wait)),
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Whether an element is at `locator`. Only an answer of "none" is absent: an invalid locator
/// (`css=[[[`, an XPath that selects text, not elements) or a dialog in the way is the step's
/// failure, never a pass of a "not present" check.
pub(super) async fn present(driver: &WebDriver, locator: &Locator) -> Result<bool, Failure> {
    match driver.find_all(by(locator)).await {
        Ok(found) => Ok(!found.is_empty()),
        Err(e) => Err(wd(e)),
    }
}

/// Whether a WebDriver error says no search can succeed: the locator is invalid, or a dialog
/// is in the way.
fn never_found(e: &WebDriverError) -> bool {
    use thirtyfour::error::WebDriverErrorInner as E;
    matches!(**e, E::InvalidSelector(_) | E::UnexpectedAlertOpen(_))
}

/// Polls `check` until it returns Ok or `wait` passes; the last failure is reported.
pub(super) async fn eventually<F, Fut>(wait: Duration, mut check: F) -> Result<(), Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), Failure>>,
{
    let deadline = Instant::now() + wait;
    loop {
        match check().await {
            Ok(()) => return Ok(()),
            Err(f) if Instant::now() >= deadline => return Err(f),
            Err(_) => tokio::time::sleep(POLL).await,
        }
    }
}

pub(super) fn wd(e: WebDriverError) -> Failure {
    use thirtyfour::error::WebDriverErrorInner as E;
    let found = match &*e {
        E::UnexpectedAlertOpen(_) => {
            "a dialog that opened (answer it with assertAlert, acceptAlert or a webdriver*Visible* command)".to_string()
        }
        E::InvalidSelector(_) => "an invalid locator: the browser cannot search with it".to_string(),
        _ => {
            let text = first_line(&e.to_string());
            format!("an error: {}", text.trim_end_matches([':', ' ']))
        }
    };
    let text = first_line(&e.to_string());
    let lower = text.to_lowercase();
    let broken = [
        "invalid session id",
        "session deleted",
        "not reachable",
        "disconnected",
        "tab crashed",
        "connection refused",
        "error sending request",
    ]
    .iter()
    .any(|needle| lower.contains(needle));
    Failure {
        broken,
        ..Failure::new("the browser to carry out the step", found)
    }
}

/// The page's own message in a script error (`ReferenceError: x is not defined`), else its first line.
fn script_error(text: &str) -> String {
    const MARK: &str = "javascript error: ";
    match text.find(MARK) {
        Some(at) => first_line(&text[at + MARK.len()..]),
        None => first_line(text),
    }
}

pub(super) fn first_line(s: &str) -> String {
    sanitize::clean(s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim())
}

/// Whether a script error says the page it ran in went away (navigation), not that it failed.
pub(super) fn page_went_away(error: &str) -> bool {
    let error = error.to_ascii_lowercase();
    [
        "script timeout",
        "unloaded",
        "execution context",
        "detached",
        "navigat",
    ]
    .iter()
    .any(|w| error.contains(w))
}

pub(super) fn quoted(s: &str) -> String {
    format!("{:?}", sanitize::clean(s))
}

/// Milliseconds from a step's value (or target), else the default.
pub(super) fn millis(text: &str, default: Duration) -> Duration {
    text.trim()
        .parse::<u64>()
        .map(Duration::from_millis)
        .unwrap_or(default)
}

/// One scenario's run: where it runs, how long a step waits, and what its steps stored and
/// echoed so far.
pub(super) struct StepRun<'a> {
    pub(super) spec: &'a BrowserSpec,
    pub(super) driver: &'a WebDriver,
    pub(super) redact: &'a crate::redact::Redactor,
    pub(super) wait: Duration,
    pub(super) vars: HashMap<String, Value>,
    pub(super) echoes: Vec<String>,
    links: &'a [Link],
    /// Iterations so far of each running loop, by the index of the step that counts them.
    counts: HashMap<usize, u64>,
    pub(super) dialogs: DialogState,
    /// The next step acts on a dialog that is open now: leave it open.
    pub(super) leave_dialog_open: bool,
    /// The index of the step running.
    pub(super) at: usize,
}

/// What the test asked of the next dialogs, and the text of those answered but not yet asserted.
#[derive(Default)]
pub(super) struct DialogState {
    /// `chooseOk/CancelOnNextConfirmation`: accept or dismiss the next confirmation.
    pub(super) confirm: Option<bool>,
    /// `answerOnNextPrompt` (Some(answer)) or `chooseCancelOnNextPrompt` (None).
    pub(super) prompt: Option<Option<String>>,
    pub(super) seen: std::collections::VecDeque<String>,
}

/// The loop limit of `while`, `times` and `repeat if` unless their value gives one, as in the IDE.
const LOOP_LIMIT: u64 = 1000;

fn is_dialog_assert(c: Command) -> bool {
    matches!(
        c,
        Command::AssertAlert | Command::AssertConfirmation | Command::AssertPrompt
    )
}

impl StepRun<'_> {
    /// A control-flow step: where to go next, and whether it is a jump to a branch whose
    /// condition must be evaluated.
    async fn flow(
        &mut self,
        step: &Step,
        pc: usize,
        jumped: bool,
    ) -> Result<(usize, bool), Failure> {
        let steps = &self.spec.steps;
        let link = &self.links[pc];
        let missing = || Failure::new("a linked block", "none");
        let end = || link.end.ok_or_else(missing);
        let limit = substitute(&step.value, &self.vars)
            .trim()
            .parse::<u64>()
            .unwrap_or(LOOP_LIMIT);
        let over = |limit: u64| {
            Failure::new(
                format!("the loop to end within its limit of {limit} iterations"),
                "it still running (a larger limit goes in the command's value)",
            )
        };
        match step.command {
            Command::If => self.branch(step, pc, link.next.ok_or_else(missing)?).await,
            Command::ElseIf if jumped => {
                self.branch(step, pc, link.next.ok_or_else(missing)?).await
            }
            Command::Else if jumped => Ok((pc + 1, false)),
            // Reached from the end of the branch before: the block is done.
            Command::ElseIf | Command::Else => Ok((end()? + 1, false)),
            Command::End => {
                let start = link.start.ok_or_else(missing)?;
                match steps[start].command {
                    Command::If => Ok((pc + 1, false)),
                    _ => Ok((start, false)),
                }
            }
            Command::While => {
                let n = self.counts.entry(pc).or_insert(0);
                *n += 1;
                if *n > limit {
                    return Err(over(limit));
                }
                if self.condition(&step.target).await? {
                    Ok((pc + 1, false))
                } else {
                    self.counts.remove(&pc);
                    Ok((end()? + 1, false))
                }
            }
            Command::Times => {
                let text = substitute(&step.target, &self.vars);
                let times = text
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| Failure::new("a number of times", quoted(&text)))?;
                if times > limit {
                    return Err(over(limit));
                }
                let n = self.counts.entry(pc).or_insert(0);
                *n += 1;
                if *n > times {
                    self.counts.remove(&pc);
                    Ok((end()? + 1, false))
                } else {
                    Ok((pc + 1, false))
                }
            }
            Command::ForEach => {
                let name = substitute(&step.target, &self.vars);
                let items = match self.vars.get(&name) {
                    Some(Value::Array(items)) => items.clone(),
                    Some(other) => {
                        return Err(Failure::new(
                            format!("an array in `{name}`"),
                            quoted(&js_string(other)),
                        ))
                    }
                    None => {
                        return Err(Failure::new(
                            format!("an array in `{name}`"),
                            "no such variable",
                        ))
                    }
                };
                let n = self.counts.entry(pc).or_insert(0);
                match items.get(*n as usize) {
                    Some(item) => {
                        *n += 1;
                        let var = substitute(&step.value, &self.vars);
                        self.vars.insert(var, item.clone());
                        Ok((pc + 1, false))
                    }
                    None => {
                        self.counts.remove(&pc);
                        Ok((end()? + 1, false))
                    }
                }
            }
            Command::RepeatIf => {
                let n = self.counts.entry(pc).or_insert(0);
                *n += 1;
                if *n >= limit {
                    return Err(over(limit));
                }
                if self.condition(&step.target).await? {
                    Ok((link.start.ok_or_else(missing)? + 1, false))
                } else {
                    self.counts.remove(&pc);
                    Ok((pc + 1, false))
                }
            }
            Command::Break => {
                let end = end()?;
                self.counts.remove(&end);
                if let Some(start) = self.links[end].start {
                    self.counts.remove(&start);
                }
                Ok((end + 1, false))
            }
            // `do`, and `run` (the steps of the test it runs follow it).
            _ => Ok((pc + 1, false)),
        }
    }

    /// `if`/`else if`: into the branch when the condition holds, else to the next branch.
    async fn branch(
        &mut self,
        step: &Step,
        pc: usize,
        next: usize,
    ) -> Result<(usize, bool), Failure> {
        if self.condition(&step.target).await? {
            return Ok((pc + 1, false));
        }
        match self.spec.steps[next].command {
            Command::ElseIf => Ok((next, true)),
            _ => Ok((next + 1, false)),
        }
    }

    /// A condition: JavaScript run in the page, `${var}` passed as values as the IDE does.
    async fn condition(&self, script: &str) -> Result<bool, Failure> {
        let (js, args) = interpolate(script, &self.vars);
        let ret = self
            .driver
            .execute(format!("return !!({js}\n);"), args)
            .await
            .map_err(|e| {
                Failure::new(
                    "a condition that evaluates",
                    format!("an error: {}", script_error(&e.to_string())),
                )
            })?;
        Ok(ret.json().as_bool() == Some(true))
    }

    /// A step, and for one marked `opensWindow` the handle of the window it opened.
    async fn opening(&mut self, step: &Step, target: &str, value: &str) -> Result<(), Failure> {
        let Some(opens) = &step.opens_window else {
            return self.execute(step, target, value).await;
        };
        let before = self.driver.windows().await.map_err(wd)?;
        self.execute(step, target, value).await?;
        let deadline = Instant::now() + opens.timeout;
        loop {
            let now = self.driver.windows().await.map_err(wd)?;
            if let Some(new) = now.iter().find(|h| !before.contains(h)) {
                self.vars
                    .insert(opens.var.clone(), Value::String(new.to_string()));
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(Failure::new(
                    "a new window",
                    format!("none after {}", crate::format::duration(opens.timeout)),
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Answers a dialog the last step opened, as the test asked (accept unless told otherwise),
    /// and keeps its text for `assertAlert`/`assertConfirmation`/`assertPrompt`.
    pub(super) async fn settle_dialog(&mut self) -> bool {
        let Ok(text) = self.driver.get_alert_text().await else {
            return false;
        };
        let driver = self.driver;
        let mut answered = false;
        if let Some(prompt) = self.dialogs.prompt.take() {
            match &prompt {
                // Only a prompt takes text: an alert or a confirmation leaves the answer queued.
                Some(answer) => {
                    if driver.send_alert_text(answer.as_str()).await.is_ok() {
                        answered = driver.accept_alert().await.is_ok();
                    } else {
                        self.dialogs.prompt = Some(prompt);
                    }
                }
                None => answered = driver.dismiss_alert().await.is_ok(),
            }
        }
        if !answered {
            let _ = if self.dialogs.confirm.take().unwrap_or(true) {
                driver.accept_alert().await
            } else {
                driver.dismiss_alert().await
            };
        }
        self.dialogs.seen.push_back(sanitize::clean(&text));
        true
    }

    /// Carries out one step (its target and value already substituted): one line per command,
    /// its body in `commands`.
    async fn execute(&mut self, step: &Step, target: &str, value: &str) -> Result<(), Failure> {
        use super::commands::{
            assert, dialog, feature, form, keyboard, navigate, pointer, script, store, wait,
        };
        // The locator was validated at load; variables may have changed its text since.
        let locator = match &step.locator {
            Some(_) => {
                Some(Locator::parse(target).map_err(|e| Failure::new("a valid locator", e))?)
            }
            None => None,
        };
        let act = &mut Act {
            run: self,
            step,
            target,
            value,
            locator,
        };
        match step.command {
            Command::Judge | Command::Find | Command::Back | Command::Forward => {
                feature::step(act).await
            }
            Command::Open => navigate::open(act).await,
            Command::SetWindowSize => navigate::set_window_size(act).await,
            Command::SelectFrame => navigate::select_frame(act).await,
            Command::SelectWindow => navigate::select_window(act).await,
            Command::Close => navigate::close(act).await,
            Command::Click | Command::ClickAt => pointer::click(act).await,
            Command::DoubleClick => pointer::double_click(act).await,
            Command::MouseOver => pointer::mouse_over(act).await,
            Command::MouseOut => pointer::mouse_out(act).await,
            Command::MouseDown
            | Command::MouseUp
            | Command::MouseDownAt
            | Command::MouseUpAt
            | Command::MouseMoveAt
            | Command::DoubleClickAt => pointer::mouse(act).await,
            Command::DragAndDropToObject => pointer::drag_and_drop(act).await,
            Command::Type => keyboard::type_text(act).await,
            Command::SendKeys => keyboard::send_keys(act).await,
            Command::EditContent => keyboard::edit_content(act).await,
            Command::Select => form::select(act).await,
            Command::AddSelection | Command::RemoveSelection => form::selection(act).await,
            Command::Check | Command::Uncheck => form::check(act).await,
            Command::Submit => form::submit(act).await,
            Command::Store => store::store(act),
            Command::StoreText => store::store_text(act).await,
            Command::StoreValue => store::store_value(act).await,
            Command::StoreTitle => store::store_title(act).await,
            Command::StoreAttribute => store::store_attribute(act).await,
            Command::StoreXpathCount => store::store_xpath_count(act).await,
            Command::StoreJson => store::store_json(act),
            Command::StoreWindowHandle => store::store_window_handle(act).await,
            Command::Echo => store::echo(act),
            Command::AssertVar => store::assert_var(act),
            Command::ExecuteScript | Command::RunScript => script::execute(act).await,
            Command::ExecuteAsyncScript => script::execute_async(act).await,
            Command::AssertText | Command::WaitForText => assert::text(act).await,
            Command::AssertNotText => assert::not_text(act).await,
            Command::AssertTitle => assert::title(act).await,
            Command::AssertValue => assert::value(act).await,
            Command::AssertSelectedValue => assert::selected_value(act).await,
            Command::AssertNotSelectedValue => assert::not_selected_value(act).await,
            Command::AssertSelectedLabel => assert::selected_label(act).await,
            Command::AssertElementPresent => assert::element_present(act).await,
            Command::AssertElementNotPresent => assert::element_not_present(act).await,
            Command::AssertChecked | Command::AssertNotChecked => assert::checked(act).await,
            Command::AssertEditable
            | Command::WaitForElementEditable
            | Command::AssertNotEditable
            | Command::WaitForElementNotEditable => assert::editable(act).await,
            Command::Pause => wait::pause(act).await,
            Command::WaitForElementPresent => wait::element_present(act).await,
            Command::WaitForElementNotPresent => wait::element_not_present(act).await,
            Command::WaitForElementVisible | Command::WaitForElementNotVisible => {
                wait::element_visible(act).await
            }
            Command::AnswerOnNextPrompt => dialog::answer_on_next_prompt(act),
            Command::ChooseCancelOnNextPrompt => dialog::cancel_on_next_prompt(act),
            Command::ChooseOkOnNextConfirmation | Command::ChooseCancelOnNextConfirmation => {
                dialog::on_next_confirmation(act)
            }
            Command::AssertAlert | Command::AssertConfirmation | Command::AssertPrompt => {
                dialog::assert_text(act).await
            }
            Command::WebdriverAnswerOnVisiblePrompt
            | Command::WebdriverChooseOkOnVisibleConfirmation
            | Command::WebdriverChooseCancelOnVisibleConfirmation
            | Command::WebdriverChooseCancelOnVisiblePrompt => dialog::on_visible(act).await,
            // Control flow is `flow`'s: carried out as a step, it does nothing.
            Command::If
            | Command::ElseIf
            | Command::Else
            | Command::End
            | Command::While
            | Command::Do
            | Command::RepeatIf
            | Command::Times
            | Command::ForEach
            | Command::Break
            | Command::Run
            | Command::NoOp => Ok(()),
        }
    }
}

/// One step being carried out, as `commands` see it: the run it is part of, the step, its
/// target and value (variables substituted), and the locator its target names.
pub(super) struct Act<'r, 'a> {
    pub(super) run: &'r mut StepRun<'a>,
    pub(super) step: &'r Step,
    pub(super) target: &'r str,
    pub(super) value: &'r str,
    locator: Option<Locator>,
}

impl Act<'_, '_> {
    /// The step's locator; a command that needs one fails without it.
    pub(super) fn loc(&self) -> Result<&Locator, Failure> {
        self.locator
            .as_ref()
            .ok_or_else(|| Failure::new("a locator", "none"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_and_keys() {
        let vars = HashMap::from([
            ("user".to_string(), Value::from("alice")),
            ("list".to_string(), serde_json::json!([1, "b", null])),
        ]);
        assert_eq!(substitute("${list}", &vars), "1,b,");
        assert_eq!(
            interpolate("${user} === 'alice' && ${user} && ${nope}", &vars),
            (
                "arguments[0] === 'alice' && arguments[0] && ${nope}".to_string(),
                vec![Value::from("alice")]
            )
        );
        assert_eq!(substitute("hi ${user}!", &vars), "hi alice!");
        assert_eq!(substitute("${nope} stays", &vars), "${nope} stays");
        assert_eq!(
            substitute("go${KEY_ENTER}", &vars),
            format!("go{}", Key::Enter.value())
        );
        assert_eq!(substitute("open ${", &vars), "open ${");
    }
}
