//! Running one browser scenario: open a session, execute each step (waiting for elements up to
//! the implicit wait), and on failure gather the evidence — the step, what was expected and
//! found, the page URL and title, a screenshot — then quit the session whatever happened.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;
use thirtyfour::ChromeCapabilities;

use super::Pool;
use crate::model::flow::{self, Link};
use crate::model::scenario::step_list;
use crate::model::spec::BrowserSpec;
use crate::model::step::{coordinates, Command, Locator, Step};
use crate::model::{Label, Outcome, Perfdata, State};
use crate::probe::ProbeCtx;
use crate::sanitize;

/// How often a step looks again for its element or condition.
const POLL: Duration = Duration::from_millis(100);

/// The browser started locally when `[browser] binary` is not set.
const DEFAULT_BINARY: &str = "/usr/bin/chromium";

/// The least time a request to a remote end may take (thirtyfour's default), and what is added
/// to the check's timeout so that the runner, not the client, ends a slow one.
const REMOTE_REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
const REMOTE_REQUEST_SLACK: Duration = Duration::from_secs(5);

/// What a failing step found.
struct Failure {
    expected: String,
    found: String,
    /// The browser or the driver itself failed (crashed, session gone): nothing about the page
    /// was established, so the check is UNKNOWN rather than CRITICAL.
    broken: bool,
    /// `found` is the whole of what is wrong (the judge's word on a feature step).
    said: bool,
    /// What is wrong could not be established: the check is UNKNOWN.
    unknown: bool,
}

impl Failure {
    fn new(expected: impl Into<String>, found: impl Into<String>) -> Failure {
        Failure {
            expected: expected.into(),
            found: found.into(),
            broken: false,
            said: false,
            unknown: false,
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
        None if !remote => caps.set_binary(DEFAULT_BINARY)?,
        // The node's configured browser (its stereotype's, or its driver's own choice).
        None => {}
    }
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
    // A folder here is no folder on a remote node: there its driver makes and removes one.
    .chain((!remote).then(|| format!("--user-data-dir={}", profile.display())))
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
                }
                let written = spec.feature.as_ref().and_then(|f| f.step_of(i));
                let message = match written {
                    // A Gherkin step: named as written; its in-page check says what is wrong.
                    Some(written) => {
                        let text = written.text.trim();
                        if f.said {
                            format!("{text} - {}", f.found)
                        } else if step.command == Command::AssertVar
                            && step.target == SCENARIO_CHECK
                        {
                            let found = serde_json::from_str::<String>(&f.found)
                                .unwrap_or_else(|_| f.found.clone());
                            format!("{text} - {found}")
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
            Outcome::new(State::Critical, format!("BROWSER CRITICAL - {message}"))
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
fn js_string(v: &Value) -> String {
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
fn interpolate(script: &str, vars: &HashMap<String, Value>) -> (String, Vec<Value>) {
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

fn by(locator: &Locator) -> By {
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
async fn find(
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
async fn present(driver: &WebDriver, locator: &Locator) -> Result<bool, Failure> {
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

/// Whether a WebDriver error says only that no element matched.
fn none_found(e: &WebDriverError) -> bool {
    matches!(
        **e,
        thirtyfour::error::WebDriverErrorInner::NoSuchElement(_)
    )
}

/// Polls `check` until it returns Ok or `wait` passes; the last failure is reported.
async fn eventually<F, Fut>(wait: Duration, mut check: F) -> Result<(), Failure>
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

fn wd(e: WebDriverError) -> Failure {
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

/// The network error (`ERR_EMPTY_RESPONSE`, ...) when the page shown is Chromium's own error
/// page rather than one the server sent.
async fn error_page(driver: &WebDriver) -> Option<String> {
    let script = "if (!String(document.URL).startsWith('chrome-error://')) { return null; } \
                  var code = document.querySelector('.error-code'); \
                  return code && code.textContent ? code.textContent : 'a network error';";
    match driver.execute(script, Vec::new()).await {
        Ok(ret) => match ret.json() {
            serde_json::Value::String(code) => {
                Some(format!("net::{}", sanitize::clean(code.trim())))
            }
            _ => None,
        },
        Err(_) => None,
    }
}

/// `net::ERR_...` named anywhere in a driver error (the first line is often just "unknown error").
fn net_error(text: &str) -> Option<String> {
    let at = text.find("net::ERR_")?;
    let name: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    Some(sanitize::clean(&name))
}

/// The page's own message in a script error (`ReferenceError: x is not defined`), else its first line.
fn script_error(text: &str) -> String {
    const MARK: &str = "javascript error: ";
    match text.find(MARK) {
        Some(at) => first_line(&text[at + MARK.len()..]),
        None => first_line(text),
    }
}

fn first_line(s: &str) -> String {
    sanitize::clean(s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim())
}

/// What is typed into a password field never reaches an output, as over HTTP.
/// A password too short to be masked is not typed: the step fails.
async fn secret_if_password(
    el: &WebElement,
    value: &str,
    redact: &crate::redact::Redactor,
) -> Result<(), Failure> {
    // Keys (`${KEY_ENTER}`, WebDriver's private-use codes) are pressed, not typed.
    let typed: String = value
        .chars()
        .filter(|c| !('\u{E000}'..='\u{F8FF}').contains(c))
        .collect();
    if typed.is_empty() {
        return Ok(());
    }
    if let Ok(Some(kind)) = el.attr("type").await {
        if kind.eq_ignore_ascii_case("password") {
            if let Some(why) = crate::redact::too_short_to_type(&typed) {
                return Err(Failure::new("a password that can be masked", why));
            }
            redact.see([typed]);
        }
    }
    Ok(())
}

/// The variable a Gherkin scenario's in-page check stores its verdict in (`model::scenario`).
const SCENARIO_CHECK: &str = "sgCheck";

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

fn quoted(s: &str) -> String {
    format!("{:?}", sanitize::clean(s))
}

/// Milliseconds from a step's value (or target), else the default.
fn millis(text: &str, default: Duration) -> Duration {
    text.trim()
        .parse::<u64>()
        .map(Duration::from_millis)
        .unwrap_or(default)
}

/// One scenario's run: where it runs, how long a step waits, and what its steps stored and
/// echoed so far.
struct StepRun<'a> {
    spec: &'a BrowserSpec,
    driver: &'a WebDriver,
    redact: &'a crate::redact::Redactor,
    wait: Duration,
    vars: HashMap<String, Value>,
    echoes: Vec<String>,
    links: &'a [Link],
    /// Iterations so far of each running loop, by the index of the step that counts them.
    counts: HashMap<usize, u64>,
    dialogs: DialogState,
    /// The next step acts on a dialog that is open now: leave it open.
    leave_dialog_open: bool,
    /// The index of the step running.
    at: usize,
}

/// What the test asked of the next dialogs, and the text of those answered but not yet asserted.
#[derive(Default)]
struct DialogState {
    /// `chooseOk/CancelOnNextConfirmation`: accept or dismiss the next confirmation.
    confirm: Option<bool>,
    /// `answerOnNextPrompt` (Some(answer)) or `chooseCancelOnNextPrompt` (None).
    prompt: Option<Option<String>>,
    seen: std::collections::VecDeque<String>,
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
    async fn settle_dialog(&mut self) -> bool {
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

    /// Waits up to the implicit wait for a dialog to be open.
    async fn dialog_open(&self) -> Result<String, Failure> {
        let deadline = Instant::now() + self.wait;
        loop {
            if let Ok(text) = self.driver.get_alert_text().await {
                return Ok(sanitize::clean(&text));
            }
            if Instant::now() >= deadline {
                return Err(Failure::new(
                    "a dialog",
                    format!("none after {}", crate::format::duration(self.wait)),
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The text of the next dialog: one answered already, or one that opens within the wait.
    async fn next_dialog(&mut self) -> Result<String, Failure> {
        if let Some(text) = self.dialogs.seen.pop_front() {
            return Ok(text);
        }
        let text = self.dialog_open().await?;
        if self.leave_dialog_open {
            return Ok(text);
        }
        self.settle_dialog().await;
        Ok(self.dialogs.seen.pop_front().unwrap_or(text))
    }

    /// Carries out one step (its target and value already substituted).
    /// A step a Gherkin scenario became: the feature step it was made from says what it does.
    async fn gherkin(&self, step: &Step, target: &str) -> Result<(), Failure> {
        use super::gherkin::{self, Wrong};
        let action = self
            .spec
            .feature
            .as_ref()
            .and_then(|f| f.step_of(self.at))
            .map(|s| &s.action)
            .ok_or_else(|| Failure::new("the feature step of this step", "none"))?;
        let site = self
            .spec
            .base_url
            .as_deref()
            .and_then(|b| url::Url::parse(b).ok());
        let driver = self.driver;
        let result = match step.command {
            Command::Judge => gherkin::judge_page(driver, action, site.as_ref(), self.redact).await,
            Command::Find => gherkin::find(driver, action, target).await,
            Command::Back => gherkin::go(driver, true).await,
            _ => gherkin::go(driver, false).await,
        };
        result.map_err(|wrong| match wrong {
            Wrong::Browser(e) => wd(e),
            Wrong::Miss(miss) => Failure {
                said: true,
                unknown: miss.state == State::Unknown,
                ..Failure::new("", miss.message)
            },
        })
    }

    async fn execute(&mut self, step: &Step, target: &str, value: &str) -> Result<(), Failure> {
        let (spec, driver, wait) = (self.spec, self.driver, self.wait);
        let vars = &mut self.vars;
        let echoes = &mut self.echoes;
        // The locator was validated at load; variables may have changed its text since.
        let locator = match &step.locator {
            Some(_) => {
                Some(Locator::parse(target).map_err(|e| Failure::new("a valid locator", e))?)
            }
            None => None,
        };
        let loc = || {
            locator
                .as_ref()
                .ok_or_else(|| Failure::new("a locator", "none"))
        };
        match step.command {
            Command::Judge | Command::Find | Command::Back | Command::Forward => {
                self.gherkin(step, target).await
            }
            Command::Open => {
                let url = join_url(spec.base_url.as_deref(), target)
                    .map_err(|why| Failure::new("a URL to open", why))?;
                let expected = || format!("{} to load", quoted(&url));
                match driver.goto(url.as_str()).await {
                    // Chromium answers a failed navigation with its own error page, which the
                    // driver reports as a success: that page must never pass a check.
                    Ok(()) => match error_page(driver).await {
                        Some(code) => Err(Failure::new(
                            expected(),
                            format!("the browser's error page: {code}"),
                        )),
                        None => Ok(()),
                    },
                    Err(e) => match net_error(&e.to_string()) {
                        Some(code) => Err(Failure::new(expected(), code)),
                        None => Err(wd(e)),
                    },
                }
            }
            Command::Click | Command::ClickAt => {
                find(driver, loc()?, wait).await?.click().await.map_err(wd)
            }
            Command::DoubleClick => {
                let el = find(driver, loc()?, wait).await?;
                driver
                    .action_chain()
                    .double_click_element(&el)
                    .perform()
                    .await
                    .map_err(wd)
            }
            Command::Type => {
                let el = find(driver, loc()?, wait).await?;
                secret_if_password(&el, value, self.redact).await?;
                el.clear().await.map_err(wd)?;
                el.send_keys(value).await.map_err(wd)
            }
            Command::SendKeys => {
                let el = find(driver, loc()?, wait).await?;
                secret_if_password(&el, value, self.redact).await?;
                el.send_keys(value).await.map_err(wd)
            }
            Command::Select => {
                let el = find(driver, loc()?, wait).await?;
                let select = SelectElement::new(&el).await.map_err(wd)?;
                let (how, what) = value.split_once('=').unwrap_or(("label", value));
                let done = match how {
                    "label" => select.select_by_visible_text(what).await,
                    "value" => select.select_by_value(what).await,
                    "index" => match what.parse::<u32>() {
                        Ok(i) => select.select_by_index(i).await,
                        Err(_) => return Err(Failure::new("an option index", quoted(what))),
                    },
                    _ => select.select_by_visible_text(value).await,
                };
                done.map_err(|_| {
                    Failure::new(format!("an option {}", quoted(value)), "no such option")
                })
            }
            Command::Check | Command::Uncheck => {
                let el = find(driver, loc()?, wait).await?;
                let want = step.command == Command::Check;
                if el.is_selected().await.map_err(wd)? != want {
                    el.click().await.map_err(wd)?;
                }
                Ok(())
            }
            Command::Submit => {
                let el = find(driver, loc()?, wait).await?;
                let arg = el.to_json().map_err(wd)?;
                driver
                    .execute("var e = arguments[0]; (e.form || e).submit();", vec![arg])
                    .await
                    .map(|_| ())
                    .map_err(wd)
            }
            Command::MouseOver => {
                let el = find(driver, loc()?, wait).await?;
                driver
                    .action_chain()
                    .move_to_element_center(&el)
                    .perform()
                    .await
                    .map_err(wd)
            }
            Command::Pause => {
                let ms = if value.trim().is_empty() {
                    target
                } else {
                    value
                };
                tokio::time::sleep(millis(ms, Duration::ZERO)).await;
                Ok(())
            }
            Command::SetWindowSize => {
                let (w, h) = target
                    .split_once('x')
                    .and_then(|(w, h)| {
                        Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?))
                    })
                    .ok_or_else(|| Failure::new("a size like 1280x800", quoted(target)))?;
                driver.set_window_rect(0, 0, w, h).await.map_err(wd)
            }
            Command::SelectFrame => match target {
                "relative=top" => driver.enter_default_frame().await.map_err(wd),
                "relative=parent" => driver.enter_parent_frame().await.map_err(wd),
                t if t.starts_with("index=") => {
                    let n = t["index=".len()..]
                        .parse::<u16>()
                        .map_err(|_| Failure::new("a frame index", quoted(t)))?;
                    driver.enter_frame(n).await.map_err(wd)
                }
                t => {
                    let frame =
                        Locator::parse(t).map_err(|e| Failure::new("a frame locator", e))?;
                    find(driver, &frame, wait)
                        .await?
                        .enter_frame()
                        .await
                        .map_err(wd)
                }
            },
            Command::Store => {
                vars.insert(value.to_string(), Value::String(target.to_string()));
                Ok(())
            }
            Command::StoreText => {
                let text = find(driver, loc()?, wait).await?.text().await.map_err(wd)?;
                vars.insert(value.to_string(), Value::String(text));
                Ok(())
            }
            Command::StoreValue => {
                let v = find(driver, loc()?, wait)
                    .await?
                    .value()
                    .await
                    .map_err(wd)?;
                vars.insert(value.to_string(), Value::String(v.unwrap_or_default()));
                Ok(())
            }
            Command::StoreTitle => {
                let title = driver.title().await.map_err(wd)?;
                let name = if value.is_empty() { target } else { value };
                vars.insert(name.to_string(), Value::String(title));
                Ok(())
            }
            Command::Echo => {
                echoes.push(sanitize::clean(target));
                Ok(())
            }
            Command::ExecuteScript | Command::RunScript => {
                // `${var}` reaches a script as a value (`arguments[i]`), as in the IDE.
                let (js, args) = interpolate(&step.target, vars);
                let ret = driver.execute(js, args).await.map_err(wd)?;
                if step.command == Command::ExecuteScript && !value.is_empty() {
                    vars.insert(value.to_string(), ret.json().clone());
                }
                Ok(())
            }
            // Both wait up to the implicit wait for the text, as every element step does.
            Command::AssertText | Command::WaitForText => {
                let locator = loc()?;
                eventually(wait, || async {
                    let text = find(driver, locator, Duration::ZERO)
                        .await?
                        .text()
                        .await
                        .map_err(wd)?;
                    if text.trim() == value.trim() {
                        Ok(())
                    } else {
                        Err(Failure::new(
                            format!("text {}", quoted(value)),
                            format!("text {}", quoted(&text)),
                        ))
                    }
                })
                .await
            }
            Command::AssertNotText => {
                let text = find(driver, loc()?, wait).await?.text().await.map_err(wd)?;
                if text.trim() == value.trim() {
                    Err(Failure::new(
                        format!("text other than {}", quoted(value)),
                        format!("text {}", quoted(&text)),
                    ))
                } else {
                    Ok(())
                }
            }
            Command::AssertTitle => {
                eventually(wait, || async {
                    let title = driver.title().await.map_err(wd)?;
                    if title.trim() == target.trim() {
                        Ok(())
                    } else {
                        Err(Failure::new(
                            format!("title {}", quoted(target)),
                            format!("title {}", quoted(&title)),
                        ))
                    }
                })
                .await
            }
            Command::AssertValue => {
                // An element without a value (a div) has none, which no expected value is —
                // not even an empty one (the IDE compares null).
                let Some(v) = find(driver, loc()?, wait)
                    .await?
                    .value()
                    .await
                    .map_err(wd)?
                else {
                    return Err(Failure::new(
                        format!("value {}", quoted(value)),
                        "an element without a value",
                    ));
                };
                if v == value {
                    Ok(())
                } else {
                    Err(Failure::new(
                        format!("value {}", quoted(value)),
                        format!("value {}", quoted(&v)),
                    ))
                }
            }
            Command::AssertSelectedValue => {
                let el = find(driver, loc()?, wait).await?;
                let v = el.value().await.map_err(wd)?.unwrap_or_default();
                if v == value {
                    Ok(())
                } else {
                    Err(Failure::new(
                        format!("selected value {}", quoted(value)),
                        quoted(&v),
                    ))
                }
            }
            Command::AssertElementPresent => find(driver, loc()?, wait).await.map(|_| ()),
            Command::AssertElementNotPresent => {
                let locator = loc()?;
                if present(driver, locator).await? {
                    Err(Failure::new(format!("no element at {locator}"), "one"))
                } else {
                    Ok(())
                }
            }
            Command::AssertChecked | Command::AssertNotChecked => {
                let want = step.command == Command::AssertChecked;
                let checked = find(driver, loc()?, wait)
                    .await?
                    .is_selected()
                    .await
                    .map_err(wd)?;
                if checked == want {
                    Ok(())
                } else {
                    let word = |b: bool| if b { "checked" } else { "not checked" };
                    Err(Failure::new(word(want), word(checked)))
                }
            }
            Command::AssertEditable
            | Command::WaitForElementEditable
            | Command::AssertNotEditable
            | Command::WaitForElementNotEditable => {
                let waits = matches!(
                    step.command,
                    Command::WaitForElementEditable | Command::WaitForElementNotEditable
                );
                let want = matches!(
                    step.command,
                    Command::AssertEditable | Command::WaitForElementEditable
                );
                let budget = if waits { millis(value, wait) } else { wait };
                let locator = loc()?;
                eventually(budget, || async {
                    let el = find(driver, locator, Duration::ZERO).await?;
                    let enabled = el.is_enabled().await.map_err(wd)?;
                    let readonly = el.attr("readonly").await.map_err(wd)?.is_some();
                    let editable = enabled && !readonly;
                    if editable == want {
                        Ok(())
                    } else if want {
                        Err(Failure::new(
                            "an editable element",
                            if readonly { "read-only" } else { "disabled" },
                        ))
                    } else {
                        Err(Failure::new("an element that is not editable", "editable"))
                    }
                })
                .await
            }
            Command::WaitForElementPresent => {
                find(driver, loc()?, millis(value, wait)).await.map(|_| ())
            }
            Command::WaitForElementNotPresent => {
                let locator = loc()?;
                eventually(millis(value, wait), || async {
                    if present(driver, locator).await? {
                        Err(Failure::new(
                            format!("no element at {locator}"),
                            "one still present",
                        ))
                    } else {
                        Ok(())
                    }
                })
                .await
            }
            Command::WaitForElementVisible | Command::WaitForElementNotVisible => {
                let want = step.command == Command::WaitForElementVisible;
                let locator = loc()?;
                eventually(millis(value, wait), || async {
                    let visible = match driver.find(by(locator)).await {
                        Ok(el) => el.is_displayed().await.map_err(wd)?,
                        Err(e) if none_found(&e) => false,
                        Err(e) => return Err(wd(e)),
                    };
                    if visible == want {
                        Ok(())
                    } else {
                        let word = |b: bool| if b { "visible" } else { "not visible" };
                        Err(Failure::new(
                            format!("{locator} {}", word(want)),
                            word(visible),
                        ))
                    }
                })
                .await
            }
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
            Command::AssertVar => match vars.get(target).map(js_string) {
                None => Err(Failure::new(
                    format!("a variable `{target}`"),
                    "none stored",
                )),
                Some(v) if v == value => Ok(()),
                Some(v) => Err(Failure::new(
                    format!("`{target}` to be {}", quoted(value)),
                    quoted(&v),
                )),
            },
            Command::StoreAttribute => {
                let (at, attr) = target
                    .rsplit_once('@')
                    .ok_or_else(|| Failure::new("`locator@attribute`", quoted(target)))?;
                let locator = Locator::parse(at).map_err(|e| Failure::new("a valid locator", e))?;
                match find(driver, &locator, wait)
                    .await?
                    .attr(attr)
                    .await
                    .map_err(wd)?
                {
                    Some(v) => {
                        vars.insert(value.to_string(), Value::String(v));
                        Ok(())
                    }
                    None => Err(Failure::new(
                        format!("an attribute `{attr}` on {locator}"),
                        "none",
                    )),
                }
            }
            Command::StoreXpathCount => {
                let n = driver.find_all(by(loc()?)).await.map_err(wd)?.len();
                vars.insert(value.to_string(), Value::from(n));
                Ok(())
            }
            Command::StoreJson => {
                let json = serde_json::from_str(target)
                    .map_err(|e| Failure::new("JSON", format!("{e}")))?;
                vars.insert(value.to_string(), json);
                Ok(())
            }
            Command::StoreWindowHandle => {
                let handle = driver.window().await.map_err(wd)?;
                vars.insert(target.to_string(), Value::String(handle.to_string()));
                Ok(())
            }
            Command::ExecuteAsyncScript => {
                let (js, args) = interpolate(&step.target, vars);
                let script = format!(
                    "var done = arguments[arguments.length - 1]; \
                     var args = Array.prototype.slice.call(arguments, 0, -1); \
                     Promise.resolve().then(function () {{ return (function () {{ {js}\n}}).apply(null, args); }}) \
                     .then(function (v) {{ done({{ ok: v === undefined ? null : v }}); }}, \
                           function (e) {{ done({{ error: String(e) }}); }});"
                );
                // A scenario's in-page check only reads the page, so it may run again: when the
                // page it started on unloads under it (a form a step before submitted is still
                // navigating), the browser drops it, and it runs on the page that came.
                let rerun = value == SCENARIO_CHECK;
                let mut attempt = 0;
                let ret = loop {
                    attempt += 1;
                    match driver.execute_async(script.clone(), args.clone()).await {
                        Ok(ret) => break ret,
                        Err(e) if rerun && attempt < 3 && page_went_away(&e.to_string()) => {}
                        Err(e) => return Err(wd(e)),
                    }
                };
                let ret = ret.json();
                if let Some(e) = ret.get("error") {
                    return Err(Failure::new(
                        "the script's promise to resolve",
                        format!("it rejected: {}", sanitize::clean(&js_string(e))),
                    ));
                }
                if !value.is_empty() {
                    vars.insert(
                        value.to_string(),
                        ret.get("ok").cloned().unwrap_or(Value::Null),
                    );
                }
                Ok(())
            }
            Command::MouseDown
            | Command::MouseUp
            | Command::MouseDownAt
            | Command::MouseUpAt
            | Command::MouseMoveAt
            | Command::DoubleClickAt => {
                let el = find(driver, loc()?, wait).await?;
                let at = matches!(
                    step.command,
                    Command::MouseDownAt
                        | Command::MouseUpAt
                        | Command::MouseMoveAt
                        | Command::DoubleClickAt
                );
                let chain = if at {
                    let (x, y) = coordinates(value)
                        .ok_or_else(|| Failure::new("coordinates like 10,20", quoted(value)))?;
                    let rect = el.rect().await.map_err(wd)?;
                    // The IDE counts from the element's corner, WebDriver from its centre.
                    let dx = (x as f64 - rect.width / 2.0).round() as i64;
                    let dy = (y as f64 - rect.height / 2.0).round() as i64;
                    driver
                        .action_chain()
                        .move_to_element_with_offset(&el, dx, dy)
                } else {
                    driver.action_chain().move_to_element_center(&el)
                };
                let chain = match step.command {
                    Command::MouseDown | Command::MouseDownAt => chain.click_and_hold(),
                    Command::MouseUp | Command::MouseUpAt => chain.release(),
                    Command::DoubleClickAt => chain.double_click(),
                    _ => chain,
                };
                chain.perform().await.map_err(wd)
            }
            Command::MouseOut => {
                let el = find(driver, loc()?, wait).await?;
                let rect = el.rect().await.map_err(wd)?;
                // Just outside the element: above it, else left of it, else below it.
                let (w, h) = (
                    (rect.width / 2.0).ceil() as i64,
                    (rect.height / 2.0).ceil() as i64,
                );
                let (dx, dy) = if rect.y >= 1.0 {
                    (0, -h - 1)
                } else if rect.x >= 1.0 {
                    (-w - 1, 0)
                } else {
                    (0, h + 1)
                };
                driver
                    .action_chain()
                    .move_to_element_with_offset(&el, dx, dy)
                    .perform()
                    .await
                    .map_err(wd)
            }
            Command::DragAndDropToObject => {
                let from = find(driver, loc()?, wait).await?;
                let onto =
                    Locator::parse(value).map_err(|e| Failure::new("a valid drop locator", e))?;
                let to = find(driver, &onto, wait).await?;
                driver
                    .action_chain()
                    .click_and_hold_element(&from)
                    .move_to_element_center(&to)
                    .release()
                    .perform()
                    .await
                    .map_err(wd)
            }
            Command::EditContent => {
                let el = find(driver, loc()?, wait).await?;
                let arg = el.to_json().map_err(wd)?;
                let ret = driver
                    .execute(
                        "var e = arguments[0]; if (!e.isContentEditable) { return false; } \
                         e.innerHTML = arguments[1]; return true;",
                        vec![arg, Value::String(value.to_string())],
                    )
                    .await
                    .map_err(wd)?;
                if ret.json().as_bool() == Some(true) {
                    Ok(())
                } else {
                    Err(Failure::new(
                        "a content-editable element",
                        "one that is not",
                    ))
                }
            }
            Command::AddSelection | Command::RemoveSelection => {
                let el = find(driver, loc()?, wait).await?;
                let select = SelectElement::new(&el).await.map_err(wd)?;
                let add = step.command == Command::AddSelection;
                let (how, what) = value.split_once('=').unwrap_or(("label", value));
                let done = match (how, add) {
                    ("value", true) => select.select_by_value(what).await,
                    ("value", false) => select.deselect_by_value(what).await,
                    ("index", _) => match what.parse::<u32>() {
                        Ok(i) if add => select.select_by_index(i).await,
                        Ok(i) => select.deselect_by_index(i).await,
                        Err(_) => return Err(Failure::new("an option index", quoted(what))),
                    },
                    ("label", true) => select.select_by_visible_text(what).await,
                    ("label", false) => select.deselect_by_visible_text(what).await,
                    (_, true) => select.select_by_visible_text(value).await,
                    (_, false) => select.deselect_by_visible_text(value).await,
                };
                done.map_err(|_| {
                    Failure::new(format!("an option {}", quoted(value)), "no such option")
                })
            }
            Command::AssertSelectedLabel => {
                let el = find(driver, loc()?, wait).await?;
                let arg = el.to_json().map_err(wd)?;
                let ret = driver
                    .execute(
                        "var s = arguments[0]; return s.selectedIndex < 0 || !s.options ? null : s.options[s.selectedIndex].text;",
                        vec![arg],
                    )
                    .await
                    .map_err(wd)?;
                // Nothing selected is no label, not an empty one (the IDE finds no option).
                if ret.json().is_null() {
                    return Err(Failure::new(
                        format!("selected label {}", quoted(value)),
                        "no option selected",
                    ));
                }
                let label = js_string(ret.json());
                if label.trim() == value.trim() {
                    Ok(())
                } else {
                    Err(Failure::new(
                        format!("selected label {}", quoted(value)),
                        quoted(&label),
                    ))
                }
            }
            Command::AssertNotSelectedValue => {
                let el = find(driver, loc()?, wait).await?;
                let v = el.value().await.map_err(wd)?.unwrap_or_default();
                if v == value {
                    Err(Failure::new(
                        format!("a selected value other than {}", quoted(value)),
                        quoted(&v),
                    ))
                } else {
                    Ok(())
                }
            }
            Command::AnswerOnNextPrompt => {
                self.dialogs.prompt = Some(Some(target.to_string()));
                Ok(())
            }
            Command::ChooseCancelOnNextPrompt => {
                self.dialogs.prompt = Some(None);
                Ok(())
            }
            Command::ChooseOkOnNextConfirmation | Command::ChooseCancelOnNextConfirmation => {
                self.dialogs.confirm = Some(step.command == Command::ChooseOkOnNextConfirmation);
                Ok(())
            }
            Command::AssertAlert | Command::AssertConfirmation | Command::AssertPrompt => {
                let kind = match step.command {
                    Command::AssertAlert => "an alert",
                    Command::AssertConfirmation => "a confirmation",
                    _ => "a prompt",
                };
                let text = self
                    .next_dialog()
                    .await
                    .map_err(|f| Failure::new(format!("{kind} {}", quoted(target)), f.found))?;
                if text == target {
                    Ok(())
                } else {
                    Err(Failure::new(
                        format!("{kind} {}", quoted(target)),
                        format!("{kind} {}", quoted(&text)),
                    ))
                }
            }
            Command::WebdriverAnswerOnVisiblePrompt
            | Command::WebdriverChooseOkOnVisibleConfirmation
            | Command::WebdriverChooseCancelOnVisibleConfirmation
            | Command::WebdriverChooseCancelOnVisiblePrompt => {
                self.dialog_open().await?;
                match step.command {
                    Command::WebdriverAnswerOnVisiblePrompt => {
                        driver.send_alert_text(target).await.map_err(|e| {
                            Failure::new(
                                "a prompt",
                                format!(
                                    "a dialog that takes no text ({})",
                                    first_line(&e.to_string())
                                ),
                            )
                        })?;
                        driver.accept_alert().await.map_err(wd)
                    }
                    Command::WebdriverChooseOkOnVisibleConfirmation => {
                        driver.accept_alert().await.map_err(wd)
                    }
                    _ => driver.dismiss_alert().await.map_err(wd),
                }
            }
            Command::SelectWindow => {
                let handles = driver.windows().await.map_err(wd)?;
                let wanted = if let Some(h) = target.strip_prefix("handle=") {
                    handles.iter().find(|w| w.to_string() == h).cloned()
                } else if target == "win_ser_local" {
                    handles.first().cloned()
                } else if let Some(n) = target.strip_prefix("win_ser_") {
                    n.parse::<usize>()
                        .ok()
                        .and_then(|n| handles.get(n).cloned())
                } else if let Some(name) = target.strip_prefix("name=") {
                    let mut found = None;
                    for h in &handles {
                        if driver.switch_to_window(h.clone()).await.is_ok() {
                            let n = driver
                                .execute("return window.name;", Vec::new())
                                .await
                                .map_err(wd)?;
                            if js_string(n.json()) == name {
                                found = Some(h.clone());
                                break;
                            }
                        }
                    }
                    found
                } else {
                    return Err(Failure::new(
                        "handle=, name=, win_ser_local or win_ser_N",
                        quoted(target),
                    ));
                };
                match wanted {
                    Some(h) => driver.switch_to_window(h).await.map_err(wd),
                    None => Err(Failure::new(
                        format!("a window {}", quoted(target)),
                        format!("{} other windows", handles.len()),
                    )),
                }
            }
            Command::Close => driver.close_window().await.map_err(wd),
        }
    }
}

/// Joins a relative `open` target to the base URL; an absolute one is used as it is.
/// `target` joined to the base URL as Selenium IDE joins them. A relative target without a base
/// is an error: the browser would read `/index.html` as the host `index.html`.
fn join_url(base: Option<&str>, target: &str) -> Result<String, String> {
    if target.contains("://") || target.starts_with("about:") || target.starts_with("data:") {
        return Ok(target.to_string());
    }
    match base {
        Some(base) => Ok(format!(
            "{}/{}",
            base.trim_end_matches('/'),
            target.trim_start_matches('/')
        )),
        None => Err(format!(
            "`{target}` is relative and there is no base URL: set the project's url, or base_url"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_like_selenium_ide() {
        let join = |base, target| join_url(base, target).unwrap_or_else(|e| e);
        assert_eq!(
            join(Some("http://x:8080/"), "/login"),
            "http://x:8080/login"
        );
        assert_eq!(join(Some("http://x:8080"), "login"), "http://x:8080/login");
        assert_eq!(join(Some("http://x"), "https://y/z"), "https://y/z");
        assert_eq!(join(None, "https://y/z"), "https://y/z");
        assert_eq!(
            join(None, "/index.html"),
            "`/index.html` is relative and there is no base URL: set the project's url, or base_url"
        );
    }

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
