//! Running one browser scenario: open a session, execute each step (waiting for elements up to
//! the implicit wait), and on failure gather the evidence — the step, what was expected and
//! found, the page URL and title, a screenshot — then quit the session whatever happened.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;
use thirtyfour::ChromeCapabilities;

use super::Pool;
use crate::model::spec::BrowserSpec;
use crate::model::step::{Command, Locator, Step};
use crate::model::{Label, Outcome, Perfdata, State};
use crate::probe::ProbeCtx;
use crate::sanitize;

/// How often a step looks again for its element or condition.
const POLL: Duration = Duration::from_millis(100);

/// What a failing step found.
struct Failure {
    expected: String,
    found: String,
    /// The browser or the driver itself failed (crashed, session gone): nothing about the page
    /// was established, so the check is UNKNOWN rather than CRITICAL.
    broken: bool,
}

impl Failure {
    fn new(expected: impl Into<String>, found: impl Into<String>) -> Failure {
        Failure {
            expected: expected.into(),
            found: found.into(),
            broken: false,
        }
    }
}

/// Quits the session when dropped without `finish` (a check stopped at its timeout).
struct Session(Option<WebDriver>);

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(driver) = self.0.take() {
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                handle.spawn(async move {
                    let _ = driver.quit().await;
                });
            }
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
        None => match new_session(pool).await {
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
        match new_session(pool).await {
            Ok((driver, profile)) => (driver, profile, 0),
            Err(outcome) => return outcome,
        }
    } else {
        (driver, profile, served)
    };
    let session_secs = opened.elapsed().as_secs_f64();
    let session = Session(Some(driver));
    let mut outcome = match &session.0 {
        Some(driver) => scenario(spec, pool, driver).await,
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
    // costs a browser start. One that failed to clean is quit.
    let mut session = session;
    if let Some(driver) = session.0.take() {
        if reset(&driver).await {
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
async fn new_session(pool: &Pool) -> Result<(WebDriver, tempfile::TempDir), Outcome> {
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
    let driver = WebDriver::new(endpoint.as_str(), caps).await.map_err(|e| {
        Outcome::unknown(format!(
            "cannot start a browser session: {}",
            first_line(&e.to_string())
        ))
    })?;
    Ok((driver, profile))
}

/// Clears what one scenario leaves behind (storage and cookies of the page it ended on, frames)
/// so the next starts clean. False when the session does not answer.
async fn reset(driver: &WebDriver) -> bool {
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
    caps.set_binary(&pool.config.binary.display().to_string())?;
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
        format!("--user-data-dir={}", profile.display()),
    ]
    .into_iter()
    .chain(pool.config.args.iter().cloned())
    {
        caps.add_arg(&arg)?;
    }
    Ok(caps)
}

async fn scenario(spec: &BrowserSpec, pool: &Pool, driver: &WebDriver) -> Outcome {
    let started = Instant::now();
    let mut run = StepRun {
        spec,
        driver,
        wait: pool.config.implicit_wait,
        vars: HashMap::new(),
        echoes: Vec::new(),
    };
    // Every failing step, in order; the first decides the message and the evidence.
    let mut failures: Vec<(usize, String)> = Vec::new();
    let mut broken = false;
    for (i, step) in spec.steps.iter().enumerate() {
        let target = substitute(&step.target, &run.vars);
        let value = substitute(&step.value, &run.vars);
        let result = run.execute(step, &target, &value).await;
        if let Err(f) = result {
            broken |= f.broken;
            failures.push((
                i,
                format!(
                    "step {} `{}`: expected {}, found {}",
                    i + 1,
                    step,
                    f.expected,
                    f.found
                ),
            ));
            // A verify* failure marks the check failed and the scenario goes on, as in the IDE.
            if !step.verify || f.broken {
                break;
            }
        }
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
        outcome = outcome.with_evidence(Label::Scenario, spec.origin.clone());
        outcome = outcome.with_evidence(
            Label::FailedStep,
            format!(
                "#{}: {} | target: {} | value: {}",
                index + 1,
                step.name,
                sanitize::clean(&step.target),
                sanitize::clean(&step.value)
            ),
        );
        if let Ok(url) = driver.current_url().await {
            outcome = outcome.with_evidence(Label::PageUrl, url.to_string());
        }
        if let Ok(title) = driver.title().await {
            outcome = outcome.with_evidence(Label::PageTitle, sanitize::clean(&title));
        }
        match screenshot(pool, driver, &spec.origin).await {
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
    // A file name is an output too: no secret in it.
    let origin = crate::secrets::mask(origin);
    let name: String = origin
        .rsplit('/')
        .next()
        .unwrap_or(&origin)
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

/// `${name}` from stored variables, and `${KEY_ENTER}`-style keys.
fn substitute(text: &str, vars: &HashMap<String, String>) -> String {
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
                    (Some(v), _) => out.push_str(v),
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

/// The element, waiting up to `wait` for it to appear.
async fn find(
    driver: &WebDriver,
    locator: &Locator,
    wait: Duration,
) -> Result<WebElement, Failure> {
    let deadline = Instant::now() + wait;
    loop {
        if let Ok(el) = driver.find(by(locator)).await {
            return Ok(el);
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

async fn present(driver: &WebDriver, locator: &Locator) -> bool {
    driver
        .find_all(by(locator))
        .await
        .is_ok_and(|v| !v.is_empty())
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
        ..Failure::new(
            "the browser to carry out the step",
            format!("an error: {text}"),
        )
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

fn first_line(s: &str) -> String {
    sanitize::clean(s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim())
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
    wait: Duration,
    vars: HashMap<String, String>,
    echoes: Vec<String>,
}

impl StepRun<'_> {
    /// Carries out one step (its target and value already substituted).
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
            Command::Open => {
                let url = join_url(spec.base_url.as_deref(), target);
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
                el.clear().await.map_err(wd)?;
                el.send_keys(value).await.map_err(wd)
            }
            Command::SendKeys => find(driver, loc()?, wait)
                .await?
                .send_keys(value)
                .await
                .map_err(wd),
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
                vars.insert(value.to_string(), target.to_string());
                Ok(())
            }
            Command::StoreText => {
                let text = find(driver, loc()?, wait).await?.text().await.map_err(wd)?;
                vars.insert(value.to_string(), text);
                Ok(())
            }
            Command::StoreValue => {
                let v = find(driver, loc()?, wait)
                    .await?
                    .value()
                    .await
                    .map_err(wd)?;
                vars.insert(value.to_string(), v.unwrap_or_default());
                Ok(())
            }
            Command::StoreTitle => {
                let title = driver.title().await.map_err(wd)?;
                let name = if value.is_empty() { target } else { value };
                vars.insert(name.to_string(), title);
                Ok(())
            }
            Command::Echo => {
                echoes.push(sanitize::clean(target));
                Ok(())
            }
            Command::ExecuteScript | Command::RunScript => {
                let ret = driver.execute(target, Vec::new()).await.map_err(wd)?;
                if step.command == Command::ExecuteScript && !value.is_empty() {
                    let v = match ret.json() {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    vars.insert(value.to_string(), v);
                }
                Ok(())
            }
            Command::AssertText => {
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
                let v = find(driver, loc()?, wait)
                    .await?
                    .value()
                    .await
                    .map_err(wd)?
                    .unwrap_or_default();
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
                if present(driver, locator).await {
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
            Command::AssertEditable | Command::WaitForElementEditable => {
                let budget = if step.command == Command::WaitForElementEditable {
                    millis(value, wait)
                } else {
                    wait
                };
                let locator = loc()?;
                eventually(budget, || async {
                    let el = find(driver, locator, Duration::ZERO).await?;
                    let enabled = el.is_enabled().await.map_err(wd)?;
                    let readonly = el.attr("readonly").await.map_err(wd)?.is_some();
                    if enabled && !readonly {
                        Ok(())
                    } else {
                        Err(Failure::new(
                            "an editable element",
                            if readonly { "read-only" } else { "disabled" },
                        ))
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
                    if present(driver, locator).await {
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
                        Ok(el) => el.is_displayed().await.unwrap_or(false),
                        Err(_) => false,
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
        }
    }
}

/// Joins a relative `open` target to the base URL; an absolute one is used as it is.
fn join_url(base: Option<&str>, target: &str) -> String {
    if target.contains("://") || target.starts_with("about:") || target.starts_with("data:") {
        return target.to_string();
    }
    match base {
        Some(base) => format!(
            "{}/{}",
            base.trim_end_matches('/'),
            target.trim_start_matches('/')
        ),
        None => target.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_like_selenium_ide() {
        assert_eq!(
            join_url(Some("http://x:8080/"), "/login"),
            "http://x:8080/login"
        );
        assert_eq!(
            join_url(Some("http://x:8080"), "login"),
            "http://x:8080/login"
        );
        assert_eq!(join_url(Some("http://x"), "https://y/z"), "https://y/z");
    }

    #[test]
    fn variables_and_keys() {
        let vars = HashMap::from([("user".to_string(), "alice".to_string())]);
        assert_eq!(substitute("hi ${user}!", &vars), "hi alice!");
        assert_eq!(substitute("${nope} stays", &vars), "${nope} stays");
        assert_eq!(
            substitute("go${KEY_ENTER}", &vars),
            format!("go{}", Key::Enter.value())
        );
        assert_eq!(substitute("open ${", &vars), "open ${");
    }
}
