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
use super::judge;
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
    /// The redirects that led here.
    redirects: Vec<Hop>,
    /// Seconds the navigation took, redirects included.
    secs: f64,
    form: Form,
    /// Why the body is not all there (cut at the size limit, an encoding not decoded): no step
    /// may judge the page by it.
    partial: Option<String>,
}

/// A redirect on the way to a page: its status and URL, and what it sent besides its Location
/// (read only by `access is refused`).
struct Hop {
    status: u16,
    url: Url,
    body: String,
    location: usize,
}

/// One step's failure: the state it gives the scenario and what went wrong.
struct Fail {
    state: State,
    message: String,
    evidence: Vec<(Label, String)>,
    /// The page the step judged is wrong as it was served: another try of the same scenario
    /// gets the same page (unless the server answered 5xx).
    settled: bool,
}

fn fail(message: impl Into<String>) -> Fail {
    Fail {
        state: State::Critical,
        message: message.into(),
        evidence: Vec::new(),
        settled: false,
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
        let served = self.page.as_ref().is_some_and(|p| p.status.as_u16() < 500);
        if f.settled && served && matches!(f.state, State::Warning | State::Critical) {
            outcome = outcome.settle();
        }
        if let Some(page) = &self.page {
            let mut at = page.url.to_string();
            for hop in &page.redirects {
                let _ = write!(at, "\n  after {} from {}", hop.status, hop.url);
            }
            outcome = outcome
                .with_evidence(Label::PageUrl, at)
                .with_evidence(Label::Response, format!("{} {}", page.version, page.status));
            let text = page::page_text(&Html::parse_document(&page.html));
            if !text.is_empty() {
                outcome = outcome.with_evidence(Label::Body, judge::excerpt(self.redact, &text));
            }
        }
        outcome
    }

    fn page(&self) -> Result<&Current, Fail> {
        self.page
            .as_ref()
            .ok_or_else(|| fail("no page is open yet: go to one first"))
    }

    /// Where `go to`/`am on` goes, as in a browser (`model::scenario::resolve_page`): a whole
    /// URL as it is; a path on the site in effect, as Mink joins it to its base_url (never to
    /// whatever host a followed link led to); without a site, on the current page's origin.
    fn resolve(&self, target: &str) -> Result<Url, Fail> {
        let current = self.page.as_ref().map(|p| &p.url);
        crate::model::scenario::resolve_page(self.base.as_ref(), current, target).map_err(fail)
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
            Action::Follow(_) => {
                let href = {
                    let page = self.page()?;
                    let doc = Html::parse_document(&page.html);
                    let link = page::find_link(&doc, named_of(action));
                    usable(action, page, link, || known_links(&doc))?;
                    let href = link.and_then(|l| l.attr("href")).unwrap_or_default();
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
                    let button = page::find_button(&doc, named);
                    usable(action, page, button, String::new)?;
                    let Some(button) = button else {
                        return Err(fail(format!("no button \"{named}\"")));
                    };
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
            Action::Fill { value, .. } => {
                let redact = self.redact;
                self.on_field(action, |form, _, el| form.fill(el, value, redact))
            }
            Action::Select {
                option,
                additionally,
                ..
            } => self.on_field(action, |form, doc, el| {
                form.select(doc, el, option, *additionally)
            }),
            Action::Check(_) => self.on_field(action, |form, doc, el| form.check(doc, el, true)),
            Action::Uncheck(_) => self.on_field(action, |form, doc, el| form.check(doc, el, false)),
            Action::Attach { path, .. } => {
                if !path.is_file() {
                    return Err(Fail {
                        state: State::Unknown,
                        message: format!("cannot attach {}: no such file", path.display()),
                        evidence: Vec::new(),
                        settled: false,
                    });
                }
                self.on_field(action, |form, _, el| form.attach(el, path.clone()))
            }
            _ => self.assert(action, ctx).await,
        }
    }

    /// Finds the field of the current page that `action` names and changes it.
    fn on_field(
        &mut self,
        action: &Action,
        change: impl FnOnce(&mut Form, &Html, scraper::ElementRef) -> Result<(), String>,
    ) -> Result<(), Fail> {
        let named = named_of(action);
        let page = self
            .page
            .as_mut()
            .ok_or_else(|| fail("no page is open yet: go to one first"))?;
        let doc = Html::parse_document(&page.html);
        let el = page::find_field(&doc, named);
        usable(action, page, el, || known_fields(&doc))?;
        let Some(el) = el else {
            return Err(fail(format!("no field \"{named}\"")));
        };
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
        let mut redirects: Vec<Hop> = Vec::new();
        loop {
            // `about:blank`, `data:`, `file:`: no request can fetch them, nor give them a status.
            if !crate::model::scenario::has_http_response(&url) {
                return Err(fail(format!(
                    "`{url}` is not an http or https page: a scenario over HTTP cannot open it"
                )));
            }
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
                    settled: false,
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
                        redirects.first().map_or(&url, |hop| &hop.url)
                    )));
                }
                let next = url.join(location).map_err(|e| {
                    fail(format!("redirect to `{location}`, which is not a URL: {e}"))
                })?;
                redirects.push(Hop {
                    status: response.status.as_u16(),
                    url,
                    body: decode_body(&response.body, &response.headers, response.truncated).text,
                    location: location.len(),
                });
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
                    settled: false,
                })
            }
            _ => {}
        }
        let page = self.page()?;
        let facts = self.facts(page, &judge::need(action));
        judge::judge(action, &facts, self.redact).map_err(|miss| Fail {
            // A slow answer may be quick the next time.
            settled: !matches!(action, Action::ResponseTime(_)),
            ..Fail::from(miss)
        })
    }

    /// The facts of the page a step needs, as a browser without JavaScript sees them. The page
    /// is parsed only for a step that looks into it.
    fn facts(&self, page: &Current, need: &judge::Need) -> judge::Facts {
        let parsed = std::cell::OnceCell::new();
        let doc = || parsed.get_or_init(|| Html::parse_document(&page.html));
        let mut facts = judge::Facts::at(page.url.clone());
        facts.site = self.base.clone();
        facts.status = Some(page.status.as_u16());
        facts.redirected = Some(!page.redirects.is_empty());
        facts.secs = Some(page.secs);
        facts.partial = page.partial.clone();
        if need.headers {
            facts.headers = Some(
                page.headers
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.as_str().to_string(),
                            crate::sanitize::text_from_bytes(v.as_bytes()),
                        )
                    })
                    .collect(),
            );
        }
        if need.text {
            facts.text = Some(page::page_text(doc()));
        }
        if need.source {
            facts.source = Some(page.html.clone());
        }
        if need.body {
            facts.body = Some(page.html.clone());
        }
        if let Some(css) = &need.css {
            facts.elements = Some(page::parse_css(css).map(|selector| {
                doc()
                    .select(&selector)
                    .map(|el| judge::Element {
                        text: page::element_text(el),
                        html: if need.html { el.html() } else { String::new() },
                    })
                    .collect()
            }));
        }
        if let Some(named) = &need.field {
            facts.control = Some(page::find_field(doc(), named).map(|el| judge::Control {
                kind: page::control_kind(el),
                value: page.form.value(el),
                checked: page::is_checkable(el).then(|| page.form.checked(el)),
            }));
            facts.known_fields = known_fields(doc());
        }
        if need.refusal {
            facts.password_field = Some(has_password_field(doc()));
            facts.refusals = page
                .redirects
                .iter()
                .map(|hop| {
                    let sent = Html::parse_document(&hop.body);
                    page::refusal(&sent, hop.status, &hop.url, hop.body.len(), hop.location)
                })
                .collect();
            let status = page.status.as_u16();
            if matches!(status, 401 | 403) {
                let bytes = page.html.len();
                facts
                    .refusals
                    .push(page::refusal(doc(), status, &page.url, bytes, 0));
            }
        }
        facts
    }
}

/// The name of what `action` acts on.
fn named_of(action: &Action) -> &str {
    judge::target(action).map_or("", |(_, named)| named)
}

/// Whether `action` can act on the element found (or not) on `page`, asked of the judge.
fn usable(
    action: &Action,
    page: &Current,
    el: Option<scraper::ElementRef>,
    known: impl FnOnce() -> String,
) -> Result<(), Fail> {
    let found = judge::Target {
        found: el.is_some(),
        url: page.url.to_string(),
        known: if el.is_none() { known() } else { String::new() },
        disabled: el.is_some_and(page::is_disabled),
        single: false,
    };
    judge::usable(action, &found).map_err(Fail::from)
}

impl From<judge::Miss> for Fail {
    fn from(miss: judge::Miss) -> Fail {
        Fail {
            state: miss.state,
            message: miss.message,
            evidence: miss.evidence,
            settled: true,
        }
    }
}

/// A step made of another probe: it must be OK; its outcome is the evidence.
fn nested(outcome: Outcome) -> Result<(), Fail> {
    if outcome.state == State::Ok {
        return Ok(());
    }
    Err(Fail {
        settled: outcome.settled,
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

fn has_password_field(doc: &Html) -> bool {
    page::parse_css("input[type=password]").is_ok_and(|s| doc.select(&s).next().is_some())
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
        .fold(Vec::new(), |mut names, name| {
            // A radio group is one field.
            if !names.contains(&name) {
                names.push(name);
            }
            names
        });
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
                        settled: false,
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
