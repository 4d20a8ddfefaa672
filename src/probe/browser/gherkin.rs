//! The steps a Gherkin scenario becomes in a browser (`config/scenario_steps`): finding and
//! marking the element a feature step acts on, judging the page against a feature step, going
//! back and forward. The page is read through one script, `page.js`, with JSON arguments; the
//! verdicts are `probe/judge`'s. Owns how long a step keeps looking; must not judge.

use std::time::{Duration, Instant};

use serde_json::json;
use thirtyfour::prelude::*;

use crate::model::scenario::Action;
use crate::probe::judge::{self, Element, Facts, Miss, Need, Refusal, Target};
use crate::redact::Redactor;

const PAGE_JS: &str = include_str!("page.js");

/// How long a step looks for an element, or waits for the page to hold, before it fails: pages
/// may still be loading after a click.
const WAIT: Duration = Duration::from_millis(5000);
const POLL: Duration = Duration::from_millis(100);

/// Why a step in the browser did not hold: the judge's miss, or the browser failing.
pub(super) enum Wrong {
    Miss(Miss),
    Browser(WebDriverError),
}

/// What `page.js` says of the page.
#[derive(serde::Deserialize)]
struct Seen {
    url: String,
    status: Option<u16>,
    redirected: Option<bool>,
    #[serde(default)]
    password_field: bool,
    secs: Option<f64>,
    text: Option<String>,
    source: Option<String>,
    body: Option<String>,
    elements: Option<Vec<Element>>,
    elements_error: Option<String>,
    #[serde(default)]
    control: Option<judge::Control>,
    #[serde(default)]
    known_fields: String,
    #[serde(default)]
    links: usize,
    #[serde(default)]
    rows: usize,
}

/// How long a check may take to hold: a `should not` holds at once or never (waiting would only
/// give a page time to hide what it showed), a wait step says its own.
fn patience(action: &Action) -> Duration {
    match action {
        Action::WaitText { within, .. } | Action::WaitElement { within, .. } => *within,
        Action::SeeText { not: true, .. }
        | Action::SeeMatch { not: true, .. }
        | Action::ResponseContains { not: true, .. }
        | Action::ElementText { not: true, .. }
        | Action::ElementHtml { not: true, .. }
        | Action::ElementPresent { not: true, .. }
        | Action::FieldValue { not: true, .. }
        | Action::Status { not: true, .. }
        | Action::ResponseTime(_) => Duration::ZERO,
        _ => WAIT,
    }
}

/// Runs `page.js`; a page that unloads under it (a form still navigating) is asked again.
async fn ask(driver: &WebDriver, arg: serde_json::Value) -> Result<serde_json::Value, Wrong> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match driver.execute(PAGE_JS, vec![arg.clone()]).await {
            Ok(ret) => return Ok(ret.json().clone()),
            Err(e) if attempt < 3 && super::exec::page_went_away(&e.to_string()) => {}
            Err(e) => return Err(Wrong::Browser(e)),
        }
    }
}

fn unreadable(e: impl std::fmt::Display) -> Wrong {
    Wrong::Miss(Miss {
        state: crate::model::State::Unknown,
        message: format!("the page's facts could not be read: {e}"),
        evidence: Vec::new(),
    })
}

async fn facts(driver: &WebDriver, need: &Need, site: Option<&url::Url>) -> Result<Facts, Wrong> {
    let seen: Seen =
        serde_json::from_value(ask(driver, json!({"op": "facts", "need": need})).await?)
            .map_err(unreadable)?;
    let url = url::Url::parse(&seen.url).map_err(unreadable)?;
    // Chromium gives `about:blank`, `data:` and `file:` pages a status of their own making
    // (200): only a page loaded over HTTP has a status, redirects and a response time, and a
    // step on one of them fails closed, as the judge fails a fact that is not known.
    let http = crate::model::scenario::has_http_response(&url);
    let mut facts = Facts::at(url);
    facts.site = site.cloned();
    facts.status = seen.status.filter(|_| http);
    facts.redirected = seen.redirected.filter(|_| http);
    facts.password_field = Some(seen.password_field);
    facts.secs = seen.secs.filter(|_| http);
    if need.refusal && matches!(facts.status, Some(401 | 403)) {
        facts.refusals.push(Refusal {
            status: seen.status.unwrap_or_default(),
            url: seen.url.clone(),
            bytes: None,
            location: 0,
            chars: seen.text.as_deref().map_or(0, |t| t.chars().count()),
            links: seen.links,
            rows: seen.rows,
            password_field: seen.password_field,
        });
    }
    facts.text = seen.text.filter(|_| need.text);
    facts.source = seen.source;
    facts.body = seen.body;
    if need.css.is_some() {
        facts.elements = Some(match seen.elements_error {
            Some(why) => Err(why),
            None => Ok(seen.elements.unwrap_or_default()),
        });
    }
    if need.field.is_some() {
        facts.control = Some(seen.control);
        facts.known_fields = seen.known_fields;
    }
    Ok(facts)
}

/// Judges the page against `action`, asking again until it holds or its patience is over.
pub(super) async fn judge_page(
    driver: &WebDriver,
    action: &Action,
    site: Option<&url::Url>,
    redact: &Redactor,
) -> Result<(), Wrong> {
    let need = judge::need(action);
    let deadline = Instant::now() + patience(action);
    loop {
        let verdict = match facts(driver, &need, site).await {
            Ok(facts) => judge::judge(action, &facts, redact).map_err(Wrong::Miss),
            Err(wrong) => Err(wrong),
        };
        match verdict {
            Ok(()) => return Ok(()),
            Err(Wrong::Miss(_)) if Instant::now() < deadline => tokio::time::sleep(POLL).await,
            Err(wrong) => return Err(wrong),
        }
    }
}

/// Finds the element `action` acts on and marks it `mark`, looking until it is there.
pub(super) async fn find(driver: &WebDriver, action: &Action, mark: &str) -> Result<(), Wrong> {
    let Some((kind, name)) = judge::target(action) else {
        return Ok(());
    };
    let arg = json!({"op": "find", "kind": kind, "name": name, "mark": mark});
    let deadline = Instant::now() + WAIT;
    loop {
        let found: Target =
            serde_json::from_value(ask(driver, arg.clone()).await?).map_err(unreadable)?;
        if found.found || Instant::now() >= deadline {
            return judge::usable(action, &found).map_err(Wrong::Miss);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Back or forward in the session's history, waiting (bounded) for the page to load.
pub(super) async fn go(driver: &WebDriver, back: bool) -> Result<(), Wrong> {
    let result = if back {
        driver.back().await
    } else {
        driver.forward().await
    };
    result.map_err(Wrong::Browser)
}
