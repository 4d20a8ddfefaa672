//! The `scenario` probe: one Gherkin scenario played over HTTP as a browser without JavaScript
//! would — a cookie jar, redirects followed one by one, links followed and forms submitted as
//! the page defines them — through the `http` probe's requests, so a step costs what the same
//! request costs there. Stops at the first failing step and returns it with a caret under its
//! line, what was expected and found, the page, and which steps ran and which were skipped.
//! Must not retry, time itself out or print.

mod page;

use std::fmt::Write as _;
use std::time::Instant;

use reqwest::cookie::CookieStore;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use scraper::Html;

use super::http::{self, decode_body};
use super::ProbeCtx;
use crate::model::scenario::{step_list, Action, ScenarioSpec};
use crate::model::spec::HttpSpec;
use crate::model::{Label, Outcome, Perfdata, State};
use page::{Field, Form};

/// Redirects followed per navigation, as a browser would before giving up.
const MAX_REDIRECTS: usize = 20;
/// Bytes of a page kept: enough for any real page, bounded for a hostile one.
const MAX_PAGE: usize = 4 * 1024 * 1024;

pub async fn run(spec: &ScenarioSpec, ctx: &ProbeCtx) -> Outcome {
    play(spec, ctx).await
}

/// The page the scenario is on.
struct Current {
    url: Url,
    status: reqwest::StatusCode,
    version: String,
    headers: HeaderMap,
    html: String,
    /// Statuses and URLs of the redirects that led here.
    redirects: Vec<(u16, Url)>,
    /// Seconds the navigation took, redirects included.
    secs: f64,
    form: Form,
    /// Why the body is not all there (cut at the size limit, an encoding not decoded): no step
    /// may judge the page by it.
    partial: Option<String>,
}

/// One step's failure: the state it gives the scenario and what went wrong.
struct Fail {
    state: State,
    message: String,
    evidence: Vec<(Label, String)>,
}

fn fail(message: impl Into<String>) -> Fail {
    Fail {
        state: State::Critical,
        message: message.into(),
        evidence: Vec::new(),
    }
}

struct Session<'a> {
    spec: &'a ScenarioSpec,
    redact: &'a crate::redact::Redactor,
    jar: reqwest::cookie::Jar,
    base: Option<Url>,
    page: Option<Current>,
    /// Visited URLs and where in them the scenario is.
    history: Vec<Url>,
    at: usize,
}

async fn play(spec: &ScenarioSpec, ctx: &ProbeCtx) -> Outcome {
    let start = Instant::now();
    let mut session = Session {
        spec,
        redact: &ctx.redact,
        jar: Default::default(),
        base: spec.base_url.as_deref().and_then(|b| Url::parse(b).ok()),
        page: None,
        history: Vec::new(),
        at: 0,
    };
    for (i, step) in spec.steps.iter().enumerate() {
        ctx.phase.set(format!(
            "step {} of {}: {}",
            i + 1,
            spec.steps.len(),
            step.text
        ));
        if let Err(f) = session.step(&step.action, ctx).await {
            return session.failed(i, f);
        }
    }
    let secs = crate::probe::tls::round_ms(start.elapsed().as_secs_f64());
    let mut outcome = Outcome::new(
        State::Ok,
        format!("SCENARIO OK - {} steps passed", spec.steps.len()),
    );
    outcome.perfdata.push(Perfdata::new("time", secs, "s"));
    outcome
}

impl Session<'_> {
    fn failed(&self, index: usize, f: Fail) -> Outcome {
        let steps = &self.spec.steps;
        let step = &steps[index];
        let mut outcome = Outcome::new(f.state, format!("{} - {}", step.text.trim(), f.message))
            .with_evidence(Label::FailedStep, step.locate(&self.spec.file));
        outcome = outcome.with_evidence(Label::Scenario, step_list(steps, index));
        for (label, text) in f.evidence {
            outcome = outcome.with_evidence(label, text);
        }
        if let Some(page) = &self.page {
            let mut at = page.url.to_string();
            for (status, url) in &page.redirects {
                let _ = write!(at, "\n  after {status} from {url}");
            }
            outcome = outcome
                .with_evidence(Label::PageUrl, at)
                .with_evidence(Label::Response, format!("{} {}", page.version, page.status));
            let text = page::page_text(&Html::parse_document(&page.html));
            if !text.is_empty() {
                outcome = outcome.with_evidence(Label::Body, excerpt(self.redact, &text));
            }
        }
        outcome
    }

    fn page(&self) -> Result<&Current, Fail> {
        self.page
            .as_ref()
            .ok_or_else(|| fail("no page is open yet: go to one first"))
    }

    /// Where `go to`/`am on` goes: a whole URL as it is; a path on the site, as Mink joins it to
    /// its base_url (never to whatever host a followed link led to); without a site, against
    /// the current page.
    fn resolve(&self, target: &str) -> Result<Url, Fail> {
        if let Ok(url) = Url::parse(target) {
            return Ok(url);
        }
        let joined = if let Some(site) = &self.base {
            // A path starts at the site's root as given (a site under a path keeps its path).
            let mut root = site.clone();
            if !root.path().ends_with('/') {
                root.set_path(&format!("{}/", root.path()));
            }
            root.join(target.trim_start_matches('/'))
        } else {
            let page = self.page.as_ref().ok_or_else(|| {
                fail(format!(
                    "`{target}` is relative and no site is known: start with `Given the site \"https://…\"`"
                ))
            })?;
            page.url.join(target)
        };
        joined.map_err(|e| fail(format!("`{target}` is not a URL: {e}")))
    }

    async fn step(&mut self, action: &Action, ctx: &ProbeCtx) -> Result<(), Fail> {
        match action {
            Action::Site(site) => {
                let url =
                    Url::parse(site).map_err(|e| fail(format!("`{site}` is not a URL: {e}")))?;
                self.base = Some(url);
                Ok(())
            }
            Action::Visit(target) => {
                let url = self.resolve(target)?;
                self.navigate(Method::GET, url, Vec::new(), false, ctx)
                    .await
            }
            Action::Reload => {
                let url = self.page()?.url.clone();
                self.load(Method::GET, url, None, ctx).await
            }
            Action::Back | Action::Forward => {
                let back = matches!(action, Action::Back);
                let to = if back {
                    self.at.checked_sub(1)
                } else {
                    Some(self.at + 1).filter(|i| *i < self.history.len())
                }
                .ok_or_else(|| {
                    fail(format!(
                        "there is no page to go {}",
                        if back { "back to" } else { "forward to" }
                    ))
                })?;
                self.at = to;
                let url = self.history[to].clone();
                self.load(Method::GET, url, None, ctx).await
            }
            Action::Follow(named) => {
                let href = {
                    let page = self.page()?;
                    let doc = Html::parse_document(&page.html);
                    let link = page::find_link(&doc, named).ok_or_else(|| {
                        fail(format!("no link \"{named}\" on {}", page.url))
                            .with(Label::Reply, known_links(&doc))
                    })?;
                    let href = link.attr("href").unwrap_or_default();
                    page.url
                        .join(href.trim())
                        .map_err(|e| fail(format!("the link's href `{href}` is not a URL: {e}")))?
                };
                self.navigate(Method::GET, href, Vec::new(), false, ctx)
                    .await
            }
            Action::Press(named) => {
                let submit = {
                    let page = self.page()?;
                    let doc = Html::parse_document(&page.html);
                    let button = page::find_button(&doc, named)
                        .ok_or_else(|| fail(format!("no button \"{named}\" on {}", page.url)))?;
                    page.form
                        .submit(&doc, button, &page.url)
                        .map_err(|e| fail(format!("button \"{named}\": {e}")))?
                };
                self.navigate(
                    submit.method,
                    submit.url,
                    submit.fields,
                    submit.multipart,
                    ctx,
                )
                .await
            }
            Action::Fill { field, value } => {
                let redact = self.redact;
                self.on_field(field, |form, _, el| form.fill(el, value, redact))
            }
            Action::Select {
                field,
                option,
                additionally,
            } => self.on_field(field, |form, doc, el| {
                form.select(doc, el, option, *additionally)
            }),
            Action::Check(field) => self.on_field(field, |form, doc, el| form.check(doc, el, true)),
            Action::Uncheck(field) => {
                self.on_field(field, |form, doc, el| form.check(doc, el, false))
            }
            Action::Attach { field, path } => {
                if !path.is_file() {
                    return Err(Fail {
                        state: State::Unknown,
                        message: format!("cannot attach {}: no such file", path.display()),
                        evidence: Vec::new(),
                    });
                }
                self.on_field(field, |form, _, el| form.attach(el, path.clone()))
            }
            _ => self.assert(action, ctx).await,
        }
    }

    /// Finds a field of the current page and changes it.
    fn on_field(
        &mut self,
        named: &str,
        change: impl FnOnce(&mut Form, &Html, scraper::ElementRef) -> Result<(), String>,
    ) -> Result<(), Fail> {
        let page = self
            .page
            .as_mut()
            .ok_or_else(|| fail("no page is open yet: go to one first"))?;
        let doc = Html::parse_document(&page.html);
        let el = page::find_field(&doc, named).ok_or_else(|| {
            fail(format!("no field \"{named}\" on {}", page.url))
                .with(Label::Reply, known_fields(&doc))
        })?;
        if page::is_disabled(el) {
            return Err(fail(format!("field \"{named}\": it is disabled")));
        }
        change(&mut page.form, &doc, el).map_err(|e| fail(format!("field \"{named}\": {e}")))
    }

    /// A new page: the request, its redirects, and a place in the history.
    async fn navigate(
        &mut self,
        method: Method,
        url: Url,
        fields: Vec<(String, Field)>,
        multipart: bool,
        ctx: &ProbeCtx,
    ) -> Result<(), Fail> {
        let body = if method == Method::GET {
            None
        } else {
            Some(encode(fields, multipart)?)
        };
        self.load(method, url, body, ctx).await?;
        if let Some(page) = &self.page {
            self.history.truncate(self.at + 1);
            if !self.history.is_empty() || self.at > 0 {
                self.at = self.history.len();
            }
            self.history.push(page.url.clone());
            self.at = self.history.len() - 1;
        }
        Ok(())
    }

    /// Requests `url` and follows redirects one by one, keeping cookies, as a browser does.
    async fn load(
        &mut self,
        mut method: Method,
        mut url: Url,
        mut body: Option<(String, Vec<u8>)>,
        ctx: &ProbeCtx,
    ) -> Result<(), Fail> {
        let start = Instant::now();
        let mut redirects = Vec::new();
        loop {
            let mut headers = vec![(
                "Accept".to_string(),
                "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8".to_string(),
            )];
            if let Some(cookie) = self
                .jar
                .cookies(&url)
                .and_then(|c| c.to_str().map(str::to_string).ok())
            {
                headers.push(("Cookie".into(), cookie));
            }
            if let Some(page) = &self.page {
                headers.push(("Referer".into(), page.url.to_string()));
            }
            if let Some((content_type, _)) = &body {
                headers.push(("Content-Type".into(), content_type.clone()));
            }
            let spec = request_spec(method.clone(), url.clone(), headers);
            let response = http::fetch(&spec, body.as_ref().map(|b| b.1.clone()), ctx)
                .await
                .map_err(|outcome| Fail {
                    state: outcome.state,
                    message: outcome
                        .summary
                        .trim_start_matches("HTTP CRITICAL - ")
                        .to_string(),
                    evidence: outcome
                        .evidence
                        .into_iter()
                        .map(|e| (e.label, e.text))
                        .collect(),
                })?;
            let set_cookies: Vec<&HeaderValue> = response
                .headers
                .get_all(reqwest::header::SET_COOKIE)
                .iter()
                .collect();
            self.jar.set_cookies(&mut set_cookies.into_iter(), &url);
            let location = response
                .headers
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .filter(|_| response.status.is_redirection());
            if let Some(location) = location {
                if redirects.len() == MAX_REDIRECTS {
                    return Err(fail(format!(
                        "more than {MAX_REDIRECTS} redirects from {}",
                        redirects.first().map_or(&url, |(_, u): &(u16, Url)| u)
                    )));
                }
                let next = url.join(location).map_err(|e| {
                    fail(format!("redirect to `{location}`, which is not a URL: {e}"))
                })?;
                redirects.push((response.status.as_u16(), url));
                let code = response.status.as_u16();
                if code == 303 || (matches!(code, 301 | 302) && method == Method::POST) {
                    method = Method::GET;
                    body = None;
                }
                url = next;
                continue;
            }
            let html = decode_body(&response.body, &response.headers, response.truncated).text;
            let partial = http::why_partial(&response);
            self.page = Some(Current {
                partial,
                url: response.final_url,
                status: response.status,
                version: response.version,
                headers: response.headers,
                html,
                redirects,
                secs: start.elapsed().as_secs_f64(),
                form: Form::default(),
            });
            return Ok(());
        }
    }

    async fn assert(&mut self, action: &Action, ctx: &ProbeCtx) -> Result<(), Fail> {
        match action {
            Action::Service(spec) => return nested(super::tcp::run(spec, ctx).await),
            Action::Certificate(spec) => return nested(super::tls::run(spec, ctx).await),
            Action::Plugin(spec) => return nested(super::nagios::run(spec, ctx).await),
            Action::Note => return Ok(()),
            Action::WaitText { .. } | Action::WaitElement { .. } => {
                return Err(Fail {
                    state: State::Unknown,
                    message: "waiting needs a browser: tag the scenario @browser".into(),
                    evidence: Vec::new(),
                })
            }
            _ => {}
        }
        let page = self.page()?;
        if let Some(why) = page.partial.as_ref().filter(|_| reads_the_page(action)) {
            return Err(Fail {
                state: State::Unknown,
                message: format!("{why}: cannot establish this step"),
                evidence: Vec::new(),
            });
        }
        // Parsed only for the steps that look into the page.
        let parsed = std::cell::OnceCell::new();
        let doc = || parsed.get_or_init(|| Html::parse_document(&page.html));
        let expect = |ok: bool, message: String| if ok { Ok(()) } else { Err(fail(message)) };
        match action {
            Action::OnPage(expected) => {
                let actual = if Url::parse(expected).is_ok() {
                    page.url.to_string()
                } else if expected.contains('?') {
                    format!(
                        "{}?{}",
                        page.url.path(),
                        page.url.query().unwrap_or_default()
                    )
                } else {
                    page.url.path().to_string()
                };
                let wanted = Url::parse(expected).map_or(expected.clone(), |u| u.to_string());
                // A path is on the site: the same path on another host is not "on" it.
                let off_site = self.base.as_ref().is_some_and(|site| {
                    Url::parse(expected).is_err() && site.origin() != page.url.origin()
                });
                expect(
                    actual == wanted && !off_site,
                    format!("expected to be on {wanted}, but the page is {}", page.url),
                )
            }
            Action::UrlMatches(pattern) => {
                let path = page.url.path();
                expect(
                    pattern.is_match(path),
                    format!("the URL path `{path}` does not match `{pattern}`"),
                )
            }
            Action::Status { code, not } => {
                let actual = page.status.as_u16();
                if *not {
                    expect(
                        actual != *code,
                        format!("the response status code is {actual}, which it should not be"),
                    )
                } else {
                    expect(
                        actual == *code,
                        format!("the response status code is {actual}, expected {code}"),
                    )
                }
            }
            Action::AccessRefused => {
                let status = page.status.as_u16();
                // A redirect counts only when it lands on a login form that loaded: a page at a
                // login path, with a password field, answered 2xx.
                let refused = matches!(status, 401 | 403)
                    || (!page.redirects.is_empty()
                        && page.status.is_success()
                        && looks_like_login(&page.url)
                        && has_password_field(doc()));
                expect(refused, format!(
                    "access is not refused: {} {} at {} (expected 401, 403, or a redirect to a login page with a password field)",
                    status,
                    page.status.canonical_reason().unwrap_or_default(),
                    page.url
                ))
            }
            Action::SeeText { text, not } => {
                let found = contains_ci(&page::page_text(doc()), &page::collapse(text));
                see(found, *not, &format!("the text \"{text}\""), "on the page")
            }
            Action::SeeMatch { pattern, not } => {
                let found = pattern.is_match(&page::page_text(doc()));
                see(
                    found,
                    *not,
                    &format!("text matching `{pattern}`"),
                    "on the page",
                )
            }
            Action::ResponseContains { text, not } => see(
                contains_ci(&page.html, text),
                *not,
                &format!("\"{text}\""),
                "in the response",
            ),
            // Every element the selector finds: "should see" in any of them, "should not
            // see" in none (the first alone would let a second one through).
            Action::ElementText { css, text, not } => {
                let texts: Vec<String> = all(doc(), css)?
                    .into_iter()
                    .map(page::element_text)
                    .collect();
                let needle = page::collapse(text);
                let found = texts.iter().find(|t| contains_ci(t, &needle));
                see(
                    found.is_some(),
                    *not,
                    &format!("the text \"{text}\""),
                    &format!("in the \"{css}\" element"),
                )
                .map_err(|f| {
                    let shown = found.or(texts.first()).map_or("", String::as_str);
                    f.with(
                        Label::Reply,
                        format!("its text: {}", excerpt(self.redact, shown)),
                    )
                })
            }
            Action::ElementHtml { css, html, not } => {
                let found = all(doc(), css)?
                    .into_iter()
                    .any(|el| contains_ci(&el.html(), html));
                see(
                    found,
                    *not,
                    &format!("\"{html}\""),
                    &format!("in the \"{css}\" element"),
                )
            }
            Action::ElementPresent { css, not } => {
                let n = doc().select(&page::parse_css(css).map_err(fail)?).count();
                see(n > 0, *not, &format!("a \"{css}\" element"), "on the page")
            }
            Action::ElementCount { css, count } => {
                let n = doc().select(&page::parse_css(css).map_err(fail)?).count();
                expect(
                    n == *count,
                    format!("{n} \"{css}\" elements on the page, expected {count}"),
                )
            }
            Action::FieldValue { field, value, not } => {
                let el = page::find_field(doc(), field).ok_or_else(|| {
                    fail(format!("no field \"{field}\" on {}", page.url))
                        .with(Label::Reply, known_fields(doc()))
                })?;
                let actual = page.form.value(el);
                let equal = actual.trim().eq_ignore_ascii_case(value.trim());
                if *not {
                    expect(
                        !equal,
                        format!("the \"{field}\" field contains \"{actual}\", which it should not"),
                    )
                } else {
                    expect(
                        equal,
                        format!(
                            "the \"{field}\" field contains \"{actual}\", expected \"{value}\""
                        ),
                    )
                }
            }
            Action::Checkbox { field, checked } => {
                let el = page::find_field(doc(), field).ok_or_else(|| {
                    fail(format!("no checkbox \"{field}\" on {}", page.url))
                        .with(Label::Reply, known_fields(doc()))
                })?;
                if !page::is_checkable(el) {
                    return Err(fail(format!(
                        "\"{field}\" is a {}, not a checkbox or a radio button",
                        page::control_kind(el)
                    ))
                    .with(Label::Reply, known_fields(doc())));
                }
                let actual = page.form.checked(el);
                expect(
                    actual == *checked,
                    format!(
                        "the \"{field}\" checkbox is {}checked",
                        if actual { "" } else { "not " }
                    ),
                )
            }
            Action::Json { pointer, expected } => {
                // Numbers by their exact decimal value, as the http probe compares them.
                let value: &serde_json::value::RawValue = serde_json::from_str(&page.html)
                    .map_err(|e| fail(format!("the response is not JSON: {e}")))?;
                match http::json_pointer(value, pointer) {
                    None => Err(fail(format!("the JSON has no value at `{pointer}`"))),
                    Some(actual) if http::json_matches(actual, expected) => Ok(()),
                    Some(actual) => Err(fail(format!(
                        "the JSON at `{pointer}` is {}, expected {expected}",
                        actual.get().trim()
                    ))),
                }
            }
            Action::Header {
                name,
                value,
                contains,
            } => {
                let values: Vec<String> = page
                    .headers
                    .get_all(name.as_str())
                    .iter()
                    .map(|v| crate::sanitize::text_from_bytes(v.as_bytes()))
                    .collect();
                if values.is_empty() {
                    return Err(fail(format!("the response has no \"{name}\" header")));
                }
                // A header sent several times is one value, its fields joined by commas
                // (RFC 9110), as a browser reads X-Frame-Options: ALLOWALL and DENY together
                // are not DENY. Set-Cookie alone is a list of separate cookies.
                let whole = values.join(", ");
                let ok = if name.eq_ignore_ascii_case("set-cookie") {
                    values.iter().any(|v| {
                        if *contains {
                            contains_ci(v, value)
                        } else {
                            v == value
                        }
                    })
                } else if *contains {
                    contains_ci(&whole, value)
                } else {
                    whole == *value
                };
                expect(
                    ok,
                    format!(
                        "the \"{name}\" header is \"{}\", expected {}\"{value}\"",
                        values.join(", "),
                        if *contains { "it to contain " } else { "" }
                    ),
                )
            }
            Action::ResponseTime(bound) => {
                let secs = page.secs;
                expect(
                    secs <= bound.as_secs_f64(),
                    format!(
                        "the response took {:.0} ms, more than {:.0} ms",
                        secs * 1000.0,
                        bound.as_secs_f64() * 1000.0
                    ),
                )
            }
            _ => Ok(()),
        }
    }
}

impl Fail {
    fn with(mut self, label: Label, text: impl Into<String>) -> Fail {
        let text = text.into();
        if !text.is_empty() {
            self.evidence.push((label, text));
        }
        self
    }
}

/// A step made of another probe: it must be OK; its outcome is the evidence.
fn nested(outcome: Outcome) -> Result<(), Fail> {
    if outcome.state == State::Ok {
        return Ok(());
    }
    Err(Fail {
        state: if outcome.state == State::Unknown {
            State::Unknown
        } else {
            State::Critical
        },
        message: outcome.summary,
        evidence: outcome
            .evidence
            .into_iter()
            .map(|e| (e.label, e.text))
            .collect(),
    })
}

fn see(found: bool, not: bool, what: &str, place: &str) -> Result<(), Fail> {
    match (found, not) {
        (true, false) | (false, true) => Ok(()),
        (false, false) => Err(fail(format!("{what} is not {place}"))),
        (true, true) => Err(fail(format!("{what} is {place}, and should not be"))),
    }
}

/// Every element `css` selects; none is a failure (there is nothing to look into).
fn all<'a>(doc: &'a Html, css: &str) -> Result<Vec<scraper::ElementRef<'a>>, Fail> {
    let selector = page::parse_css(css).map_err(fail)?;
    let found: Vec<_> = doc.select(&selector).collect();
    if found.is_empty() {
        return Err(fail(format!("no \"{css}\" element on the page")));
    }
    Ok(found)
}

/// Whether a step judges the page by its body (its text, elements, fields or JSON).
fn reads_the_page(action: &Action) -> bool {
    matches!(
        action,
        Action::SeeText { .. }
            | Action::SeeMatch { .. }
            | Action::ResponseContains { .. }
            | Action::ElementText { .. }
            | Action::ElementHtml { .. }
            | Action::ElementPresent { .. }
            | Action::ElementCount { .. }
            | Action::FieldValue { .. }
            | Action::Checkbox { .. }
            | Action::Json { .. }
    )
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    crate::probe::http::find_text(haystack, needle, false).is_some()
}

/// A login page's address: its last path segment (its extension aside) names signing in —
/// `/login`, `/users/sign_in`, `/wp-login.php`, Keycloak's `.../openid-connect/auth` — not a
/// path that merely contains the word (`/authors`, `/blog/login-tips`, `/auth/admin/`).
fn looks_like_login(url: &Url) -> bool {
    let last = url
        .path_segments()
        .into_iter()
        .flatten()
        .rfind(|s| !s.is_empty())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let stem = last.split('.').next().unwrap_or_default();
    crate::model::scenario::LOGIN_SEGMENTS.contains(&stem)
}

fn has_password_field(doc: &Html) -> bool {
    page::parse_css("input[type=password]").is_ok_and(|s| doc.select(&s).next().is_some())
}

fn excerpt(redact: &crate::redact::Redactor, text: &str) -> String {
    const MAX: usize = 600;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => {
            // No secret is cut in two (half of one would escape the mask).
            let (_, end) = redact.widen(text, 0, i);
            if end < text.len() {
                format!("{}…", &text[..end])
            } else {
                text.to_string()
            }
        }
        None => text.to_string(),
    }
}

fn known_fields(doc: &Html) -> String {
    let Ok(sel) = page::parse_css("input[name], input[id], select, textarea") else {
        return String::new();
    };
    let names: Vec<String> = doc
        .select(&sel)
        .filter(|e| {
            !matches!(
                e.attr("type"),
                Some("hidden" | "submit" | "button" | "image" | "reset")
            )
        })
        .filter_map(|e| e.attr("name").or(e.attr("id")).map(str::to_string))
        .collect();
    if names.is_empty() {
        "the page has no form fields".into()
    } else {
        format!("fields on the page: {}", names.join(", "))
    }
}

fn known_links(doc: &Html) -> String {
    let Ok(sel) = page::parse_css("a[href]") else {
        return String::new();
    };
    let texts: Vec<String> = doc
        .select(&sel)
        .map(page::element_text)
        .filter(|t| !t.is_empty())
        .take(20)
        .map(|t| format!("\"{t}\""))
        .collect();
    if texts.is_empty() {
        "the page has no links".into()
    } else {
        format!("links on the page: {}", texts.join(", "))
    }
}

/// A form's fields as a request body: (Content-Type, bytes).
fn encode(fields: Vec<(String, Field)>, multipart: bool) -> Result<(String, Vec<u8>), Fail> {
    if !multipart {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &fields {
            if let Field::Text(v) = value {
                out.append_pair(name, v);
            }
        }
        return Ok((
            "application/x-www-form-urlencoded".into(),
            out.finish().into_bytes(),
        ));
    }
    let boundary = format!("smokegate-{:016x}", rand_u64());
    let mut body = Vec::new();
    for (name, value) in fields {
        let name = name.replace('"', "%22");
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match value {
            Field::Text(v) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{v}\r\n")
                        .as_bytes(),
                );
            }
            Field::File(path) => {
                let (filename, bytes) = if path.as_os_str().is_empty() {
                    (String::new(), Vec::new())
                } else {
                    let bytes = std::fs::read(&path).map_err(|e| Fail {
                        state: State::Unknown,
                        message: format!("cannot read {}: {e}", path.display()),
                        evidence: Vec::new(),
                    })?;
                    let filename = path
                        .file_name()
                        .map(|f| f.to_string_lossy().replace('"', "%22"))
                        .unwrap_or_default();
                    (filename, bytes)
                };
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(&bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((format!("multipart/form-data; boundary={boundary}"), body))
}

/// A boundary that no file is likely to contain.
fn rand_u64() -> u64 {
    let mut bytes = [0u8; 8];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes);
    u64::from_le_bytes(bytes)
}

/// A GET (or form submission) without assertions: the scenario judges the page itself.
fn request_spec(method: Method, url: Url, headers: Vec<(String, String)>) -> HttpSpec {
    HttpSpec {
        headers,
        ..HttpSpec::request(method, url, MAX_PAGE)
    }
}
