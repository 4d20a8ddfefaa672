//! The one judge of scenario steps: what a page must be for a step to hold, as a pure function
//! over the facts of the page (its address, status, redirects, the text a user sees, the
//! elements and controls a step names), for a scenario over HTTP and one in a browser alike.
//! Owns every verdict and its message. Must not fetch, drive a browser, parse HTML or wait: each
//! backend gathers [`Facts`] as it can see them (asked by [`need`]), and the browser decides how
//! long to keep asking.

use crate::model::scenario::{Action, LOGIN_SEGMENTS};
use crate::model::{Label, State};
use crate::redact::Redactor;
use url::Url;

/// Characters of a page's text shown under a failed step.
const EXCERPT: usize = 600;

/// What a step needs to know of the page beyond its address and status.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Need {
    /// The text a user sees.
    pub text: bool,
    /// The page as sent (its HTML source).
    pub source: bool,
    /// The body as text, for JSON.
    pub body: bool,
    /// The elements a CSS selector finds, and whether their HTML too.
    pub css: Option<String>,
    pub html: bool,
    /// The control a field step names, and the fields on the page should none be it.
    pub field: Option<String>,
    /// What a refusing response carries (`access is refused`).
    pub refusal: bool,
    /// The response headers.
    pub headers: bool,
}

/// One element a selector found.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Element {
    /// The text a user sees in it.
    pub text: String,
    /// Its HTML, when asked for.
    #[serde(default)]
    pub html: String,
}

/// A form control as a step finds it by name.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Control {
    /// `text field`, `checkbox field`, `select field`, ...
    pub kind: String,
    /// Its value now: typed, chosen, or as the page gave it.
    pub value: String,
    /// Whether it is ticked; `None` for a control that is no checkbox or radio button.
    pub checked: Option<bool>,
}

/// A response that refused (a redirect on the way, or the 401/403 itself) and what it carried.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Refusal {
    pub status: u16,
    pub url: String,
    /// Bytes of its body as sent; `None` when it is not known (a browser never shows a
    /// redirect's body).
    pub bytes: Option<usize>,
    /// The length of its Location header, for a redirect.
    pub location: usize,
    /// Characters of text a user would see in it, its links, and its table rows.
    pub chars: usize,
    pub links: usize,
    pub rows: usize,
    /// It holds a password field: a login form, not the protected page.
    pub password_field: bool,
}

/// The facts of the page a scenario is on, as one backend could establish them. A fact it
/// cannot establish is `None`, and a step that needs it cannot pass.
#[derive(Clone, Debug)]
pub struct Facts {
    pub url: Url,
    /// The scenario's site: a path is on it, not on whatever host a link led to.
    pub site: Option<Url>,
    pub status: Option<u16>,
    /// Whether the navigation was redirected on the way here.
    pub redirected: Option<bool>,
    /// The redirects on the way, then the final response if it refused, with what each carried.
    pub refusals: Vec<Refusal>,
    pub password_field: Option<bool>,
    /// Every value of every header, names as sent.
    pub headers: Option<Vec<(String, String)>>,
    /// Seconds from the request to the end of the response, redirects included.
    pub secs: Option<f64>,
    pub text: Option<String>,
    pub source: Option<String>,
    pub body: Option<String>,
    /// The elements the step's selector found, or why it is no selector.
    pub elements: Option<Result<Vec<Element>, String>>,
    /// The named control (`None` inside: no such field), and the fields the page has.
    pub control: Option<Option<Control>>,
    pub known_fields: String,
    /// Why the body is not all there (cut at the size limit, an encoding not decoded).
    pub partial: Option<String>,
}

impl Facts {
    /// A page at `url` of which nothing else is known yet.
    pub fn at(url: Url) -> Facts {
        Facts {
            url,
            site: None,
            status: None,
            redirected: None,
            refusals: Vec::new(),
            password_field: None,
            headers: None,
            secs: None,
            text: None,
            source: None,
            body: None,
            elements: None,
            control: None,
            known_fields: String::new(),
            partial: None,
        }
    }
}

/// Why a step does not hold: its state (CRITICAL, or UNKNOWN when it cannot be established),
/// what is wrong, and what of the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Miss {
    pub state: State,
    pub message: String,
    pub evidence: Vec<(Label, String)>,
}

impl Miss {
    fn critical(message: impl Into<String>) -> Miss {
        Miss {
            state: State::Critical,
            message: message.into(),
            evidence: Vec::new(),
        }
    }

    fn unknown(message: impl Into<String>) -> Miss {
        Miss {
            state: State::Unknown,
            message: message.into(),
            evidence: Vec::new(),
        }
    }

    fn with(mut self, label: Label, text: impl Into<String>) -> Miss {
        let text = text.into();
        if !text.is_empty() {
            self.evidence.push((label, text));
        }
        self
    }
}

/// The element a step acts on (a button, a link, a field), as a backend found it by name.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Target {
    pub found: bool,
    /// The page it was looked for on.
    pub url: String,
    /// What the page has instead, when it was not found (its fields, its links).
    #[serde(default)]
    pub known: String,
    #[serde(default)]
    pub disabled: bool,
    /// A select that takes one option.
    #[serde(default)]
    pub single: bool,
}

/// What a step that acts looks for: `("button", "Place order")`.
pub fn target(action: &Action) -> Option<(&'static str, &str)> {
    match action {
        Action::Press(n) => Some(("button", n)),
        Action::Follow(n) => Some(("link", n)),
        Action::Fill { field, .. }
        | Action::Select { field, .. }
        | Action::Check(field)
        | Action::Uncheck(field)
        | Action::Attach { field, .. } => Some(("field", field)),
        _ => None,
    }
}

/// Whether the step can act on the element it found: there is one, it is not disabled (a click
/// on it does nothing, and the scenario would go on as if it had worked), and a select adds an
/// option only to a list that takes several.
pub fn usable(action: &Action, found: &Target) -> Result<(), Miss> {
    let Some((what, named)) = target(action) else {
        return Ok(());
    };
    if !found.found {
        return Err(
            Miss::critical(format!("no {what} \"{named}\" on {}", found.url))
                .with(Label::Reply, found.known.clone()),
        );
    }
    if found.disabled {
        return Err(Miss::critical(format!(
            "{what} \"{named}\": it is disabled"
        )));
    }
    if found.single
        && matches!(
            action,
            Action::Select {
                additionally: true,
                ..
            }
        )
    {
        return Err(Miss::critical(format!(
            "{what} \"{named}\": it takes one option: use `select \"…\" from \"…\"`"
        )));
    }
    Ok(())
}

/// The facts `action` is judged by, beyond the address and the status.
pub fn need(action: &Action) -> Need {
    let mut need = Need::default();
    match action {
        Action::SeeText { .. } | Action::SeeMatch { .. } | Action::WaitText { .. } => {
            need.text = true
        }
        Action::ResponseContains { .. } => need.source = true,
        Action::Json { .. } => need.body = true,
        Action::ElementText { css, .. }
        | Action::ElementPresent { css, .. }
        | Action::ElementCount { css, .. }
        | Action::WaitElement { css, .. } => need.css = Some(css.clone()),
        Action::ElementHtml { css, .. } => {
            need.css = Some(css.clone());
            need.html = true;
        }
        Action::FieldValue { field, .. } | Action::Checkbox { field, .. } => {
            need.field = Some(field.clone())
        }
        Action::AccessRefused => need.refusal = true,
        Action::Header { .. } => need.headers = true,
        _ => {}
    }
    need
}

/// Whether a step judges the page by its body (its text, elements, fields or JSON), which a
/// page cut short or left encoded cannot tell.
fn reads_the_body(action: &Action) -> bool {
    let need = need(action);
    need.text || need.source || need.body || need.css.is_some() || need.field.is_some()
}

/// Whether `action` holds on the page `facts` describe. Only steps that look at a page come
/// here; the others (going, typing, services) are the backends' own.
pub fn judge(action: &Action, facts: &Facts, redact: &Redactor) -> Result<(), Miss> {
    if let Some(why) = facts.partial.as_ref().filter(|_| reads_the_body(action)) {
        return Err(Miss::unknown(format!("{why}: cannot establish this step")));
    }
    let expect = |ok: bool, message: String| {
        if ok {
            Ok(())
        } else {
            Err(Miss::critical(message))
        }
    };
    match action {
        Action::OnPage(expected) => {
            let url = &facts.url;
            let whole = Url::parse(expected).ok();
            let actual = match &whole {
                Some(_) => url.to_string(),
                None if expected.contains('?') => {
                    format!("{}?{}", url.path(), url.query().unwrap_or_default())
                }
                None => url.path().to_string(),
            };
            let wanted = whole.as_ref().map_or(expected.clone(), Url::to_string);
            // A path is on the site: the same path on another host is not "on" it.
            let off_site = whole.is_none()
                && facts
                    .site
                    .as_ref()
                    .is_some_and(|site| site.origin() != url.origin());
            expect(
                actual == wanted && !off_site,
                format!("expected to be on {wanted}, but the page is {url}"),
            )
        }
        Action::UrlMatches(pattern) => {
            let path = facts.url.path();
            expect(
                pattern.is_match(path),
                format!("the URL path `{path}` does not match `{pattern}`"),
            )
        }
        Action::Status { code, not } => {
            let actual = status(facts)?;
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
        Action::AccessRefused => access_refused(facts),
        Action::SeeText { text, not } => {
            let found = contains_ci(fact(&facts.text, "the text on the page")?, &collapse(text));
            see(found, *not, &format!("the text \"{text}\""), "on the page")
        }
        Action::WaitText { text, within } => {
            let found = contains_ci(fact(&facts.text, "the text on the page")?, &collapse(text));
            expect(
                found,
                format!(
                    "the text \"{text}\" did not appear within {} ms",
                    within.as_millis()
                ),
            )
        }
        Action::SeeMatch { pattern, not } => {
            let found = pattern.is_match(fact(&facts.text, "the text on the page")?);
            see(
                found,
                *not,
                &format!("text matching `{pattern}`"),
                "on the page",
            )
        }
        Action::ResponseContains { text, not } => see(
            contains_ci(fact(&facts.source, "the page as sent")?, text),
            *not,
            &format!("\"{text}\""),
            "in the response",
        ),
        // Every element the selector finds: "should see" in any of them, "should not see" in
        // none (the first alone would let a second one through).
        Action::ElementText { css, text, not } => {
            let elements = some_elements(facts, css)?;
            let needle = collapse(text);
            let found = elements.iter().find(|e| contains_ci(&e.text, &needle));
            see(
                found.is_some(),
                *not,
                &format!("the text \"{text}\""),
                &format!("in the \"{css}\" element"),
            )
            .map_err(|miss| {
                let shown = found.or(elements.first()).map_or("", |e| e.text.as_str());
                miss.with(
                    Label::Reply,
                    format!("its text: {}", excerpt(redact, shown)),
                )
            })
        }
        Action::ElementHtml { css, html, not } => {
            let found = some_elements(facts, css)?
                .iter()
                .any(|e| contains_ci(&e.html, html));
            see(
                found,
                *not,
                &format!("\"{html}\""),
                &format!("in the \"{css}\" element"),
            )
        }
        Action::ElementPresent { css, not } => {
            let n = elements(facts, css)?.len();
            see(n > 0, *not, &format!("a \"{css}\" element"), "on the page")
        }
        Action::WaitElement { css, within } => {
            let n = elements(facts, css)?.len();
            expect(
                n > 0,
                format!(
                    "no \"{css}\" element appeared within {} ms",
                    within.as_millis()
                ),
            )
        }
        Action::ElementCount { css, count } => {
            let n = elements(facts, css)?.len();
            expect(
                n == *count,
                format!("{n} \"{css}\" elements on the page, expected {count}"),
            )
        }
        Action::FieldValue { field, value, not } => {
            let control = control(facts, "field", field)?;
            let actual = &control.value;
            let equal = collapse(actual).to_lowercase() == collapse(value).to_lowercase();
            if *not {
                expect(
                    !equal,
                    format!("the \"{field}\" field contains \"{actual}\", which it should not"),
                )
            } else {
                expect(
                    equal,
                    format!("the \"{field}\" field contains \"{actual}\", expected \"{value}\""),
                )
            }
        }
        Action::Checkbox { field, checked } => {
            let control = control(facts, "checkbox", field)?;
            let Some(actual) = control.checked else {
                return Err(Miss::critical(format!(
                    "\"{field}\" is a {}, not a checkbox or a radio button",
                    control.kind
                ))
                .with(Label::Reply, facts.known_fields.clone()));
            };
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
            let body = fact(&facts.body, "the response body")?;
            let value: &serde_json::value::RawValue = serde_json::from_str(body)
                .map_err(|e| Miss::critical(format!("the response is not JSON: {e}")))?;
            match crate::probe::http::json_pointer(value, pointer) {
                None => Err(Miss::critical(format!(
                    "the JSON has no value at `{pointer}`"
                ))),
                Some(actual) if crate::probe::http::json_matches(actual, expected) => Ok(()),
                Some(actual) => Err(Miss::critical(format!(
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
            let all = fact(&facts.headers, "the response headers")?;
            let values: Vec<&str> = all
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
                .collect();
            if values.is_empty() {
                return Err(Miss::critical(format!(
                    "the response has no \"{name}\" header"
                )));
            }
            // A header sent several times is one value, its fields joined by commas (RFC 9110),
            // as a browser reads X-Frame-Options: ALLOWALL and DENY together are not DENY.
            // Set-Cookie alone is a list of separate cookies.
            let whole = values.join(", ");
            let holds = |v: &str| {
                if *contains {
                    contains_ci(v, value)
                } else {
                    v == value
                }
            };
            let ok = if name.eq_ignore_ascii_case("set-cookie") {
                values.iter().any(|v| holds(v))
            } else {
                holds(&whole)
            };
            expect(
                ok,
                format!(
                    "the \"{name}\" header is \"{whole}\", expected {}\"{value}\"",
                    if *contains { "it to contain " } else { "" }
                ),
            )
        }
        Action::ResponseTime(bound) => {
            let secs = fact(&facts.secs, "how long the response took")?;
            expect(
                *secs <= bound.as_secs_f64(),
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

/// 401 or 403, or redirects that end on a login form that loaded (a page at a login path, with a
/// password field, answered 2xx) — and no refusing response on the way carries a page.
fn access_refused(facts: &Facts) -> Result<(), Miss> {
    let status = status(facts)?;
    let redirected = *fact(&facts.redirected, "whether the page was redirected")?;
    let refused = matches!(status, 401 | 403)
        || (redirected
            && (200..300).contains(&status)
            && looks_like_login(&facts.url)
            && *fact(
                &facts.password_field,
                "whether the page has a password field",
            )?);
    if !refused {
        return Err(Miss::critical(format!(
            "access is not refused: {status}{} at {} (expected 401, 403, or a redirect to a login page with a password field)",
            reason(status),
            facts.url
        )));
    }
    match facts.refusals.iter().find_map(|r| carried(r).map(|why| (r, why))) {
        Some((r, why)) => Err(Miss::critical(format!(
            "access is refused, but the {}{} response from {} still carries a page ({why}): what it protects is sent anyway",
            r.status,
            reason(r.status),
            r.url
        ))),
        None => Ok(()),
    }
}

/// What a refusing response carries beyond a refusal, if anything. A redirect: a body larger
/// than its Location and 300 bytes, or more than one link (OWASP ZAP's "big redirect" and
/// "multiple HREFs" rules); a 401 or 403: more text than an error page says (1000 characters),
/// more than 3 links, or a table of rows. A login form is no protected page.
fn carried(r: &Refusal) -> Option<String> {
    if r.password_field {
        return None;
    }
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    if (300..400).contains(&r.status) {
        if let Some(bytes) = r.bytes.filter(|b| *b > r.location + 300) {
            return Some(plural(bytes, "byte"));
        }
        return (r.links > 1).then(|| plural(r.links, "link"));
    }
    if r.chars > 1000 {
        return Some(format!("{} of text", plural(r.chars, "character")));
    }
    if r.links > 3 {
        return Some(plural(r.links, "link"));
    }
    (r.rows > 1).then(|| plural(r.rows, "table row"))
}

fn reason(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map_or(String::new(), |r| format!(" {r}"))
}

fn status(facts: &Facts) -> Result<u16, Miss> {
    fact(&facts.status, "the response status code").copied()
}

/// A fact the backend could not establish is no pass.
fn fact<'a, T>(value: &'a Option<T>, what: &str) -> Result<&'a T, Miss> {
    value.as_ref().ok_or_else(|| {
        Miss::unknown(format!(
            "{what} is not known here: cannot establish this step"
        ))
    })
}

fn elements<'a>(facts: &'a Facts, css: &str) -> Result<&'a [Element], Miss> {
    match fact(&facts.elements, &format!("the \"{css}\" elements"))? {
        Ok(found) => Ok(found),
        Err(why) => Err(Miss::critical(why.clone())),
    }
}

/// Every element `css` selects; none is a failure (there is nothing to look into).
fn some_elements<'a>(facts: &'a Facts, css: &str) -> Result<&'a [Element], Miss> {
    let found = elements(facts, css)?;
    if found.is_empty() {
        return Err(Miss::critical(format!("no \"{css}\" element on the page")));
    }
    Ok(found)
}

fn control<'a>(facts: &'a Facts, what: &str, named: &str) -> Result<&'a Control, Miss> {
    fact(&facts.control, &format!("the \"{named}\" field"))?
        .as_ref()
        .ok_or_else(|| {
            Miss::critical(format!("no {what} \"{named}\" on {}", facts.url))
                .with(Label::Reply, facts.known_fields.clone())
        })
}

fn see(found: bool, not: bool, what: &str, place: &str) -> Result<(), Miss> {
    match (found, not) {
        (true, false) | (false, true) => Ok(()),
        (false, false) => Err(Miss::critical(format!("{what} is not {place}"))),
        (true, true) => Err(Miss::critical(format!(
            "{what} is {place}, and should not be"
        ))),
    }
}

/// Whitespace collapsed to single spaces, trimmed.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
    LOGIN_SEGMENTS.contains(&stem)
}

/// The start of a page's text for evidence, never cut inside a secret.
pub fn excerpt(redact: &Redactor, text: &str) -> String {
    match text.char_indices().nth(EXCERPT) {
        Some((i, _)) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str) -> Facts {
        let mut facts = Facts::at(Url::parse(url).unwrap());
        facts.status = Some(200);
        facts.redirected = Some(false);
        facts.password_field = Some(false);
        facts
    }

    fn text(action: Action, text: &str) -> Result<(), Miss> {
        let mut facts = page("http://shop.test/");
        facts.text = Some(text.into());
        judge(&action, &facts, &Redactor::none())
    }

    #[test]
    fn text_is_found_ignoring_case_and_spacing() {
        let see = |t: &str, not| Action::SeeText {
            text: t.into(),
            not,
        };
        assert!(text(see("order  CONFIRMED", false), "Your order confirmed").is_ok());
        let miss = text(see("Traceback", true), "a traceback here").unwrap_err();
        assert_eq!(
            miss.message,
            "the text \"Traceback\" is on the page, and should not be"
        );
        assert!(text(see("Paid", false), "Payment failed").is_err());
    }

    #[test]
    fn a_fact_not_established_is_no_pass() {
        let facts = Facts::at(Url::parse("http://shop.test/").unwrap());
        for action in [
            Action::SeeText {
                text: "x".into(),
                not: true,
            },
            Action::Status {
                code: 500,
                not: true,
            },
            Action::AccessRefused,
        ] {
            let miss = judge(&action, &facts, &Redactor::none()).unwrap_err();
            assert_eq!(miss.state, State::Unknown, "{action:?}");
        }
    }

    #[test]
    fn a_partial_body_cannot_tell_a_text_step() {
        let mut facts = page("http://shop.test/");
        facts.text = Some("fine".into());
        facts.partial = Some("body larger than max_body".into());
        let action = Action::SeeText {
            text: "Fatal".into(),
            not: true,
        };
        let miss = judge(&action, &facts, &Redactor::none()).unwrap_err();
        assert_eq!(
            (miss.state, miss.message.as_str()),
            (
                State::Unknown,
                "body larger than max_body: cannot establish this step"
            )
        );
        // The status is not in the body.
        assert!(judge(
            &Action::Status {
                code: 200,
                not: false
            },
            &facts,
            &Redactor::none()
        )
        .is_ok());
    }

    fn refusal(status: u16) -> Refusal {
        Refusal {
            status,
            url: "http://shop.test/admin".into(),
            bytes: Some(20),
            location: 6,
            ..Refusal::default()
        }
    }

    #[test]
    fn a_refusal_that_carries_the_page_is_no_refusal() {
        let mut facts = page("http://shop.test/admin");
        facts.status = Some(401);
        facts.refusals = vec![refusal(401)];
        assert!(judge(&Action::AccessRefused, &facts, &Redactor::none()).is_ok());
        facts.refusals[0].rows = 12;
        let miss = judge(&action_refused(), &facts, &Redactor::none()).unwrap_err();
        assert_eq!(
            miss.message,
            "access is refused, but the 401 Unauthorized response from http://shop.test/admin still carries a page (12 table rows): what it protects is sent anyway"
        );
        // A login form answered with 401 is a refusal.
        facts.refusals[0].password_field = true;
        assert!(judge(&action_refused(), &facts, &Redactor::none()).is_ok());
    }

    fn action_refused() -> Action {
        Action::AccessRefused
    }

    #[test]
    fn a_redirect_with_a_big_body_is_execution_after_redirect() {
        let mut facts = page("http://shop.test/login");
        facts.redirected = Some(true);
        facts.password_field = Some(true);
        facts.refusals = vec![refusal(302)];
        assert!(judge(&action_refused(), &facts, &Redactor::none()).is_ok());
        facts.refusals[0].bytes = Some(6 + 300);
        assert!(judge(&action_refused(), &facts, &Redactor::none()).is_ok());
        facts.refusals[0].bytes = Some(6 + 300 + 2);
        let miss = judge(&action_refused(), &facts, &Redactor::none()).unwrap_err();
        assert!(
            miss.message.contains(
                "302 Found response from http://shop.test/admin still carries a page (308 bytes)"
            ),
            "{}",
            miss.message
        );
        facts.refusals[0].bytes = None;
        facts.refusals[0].links = 2;
        assert!(judge(&action_refused(), &facts, &Redactor::none()).is_err());
    }

    #[test]
    fn a_path_on_another_host_is_not_on_the_site() {
        let mut facts = page("http://help.test/help");
        facts.site = Some(Url::parse("http://shop.test/").unwrap());
        let on = Action::OnPage("/help".into());
        assert!(judge(&on, &facts, &Redactor::none()).is_err());
        facts.site = Some(Url::parse("http://help.test/").unwrap());
        assert!(judge(&on, &facts, &Redactor::none()).is_ok());
    }

    #[test]
    fn a_header_sent_twice_is_one_value() {
        let mut facts = page("http://shop.test/");
        facts.headers = Some(vec![
            ("x-frame-options".into(), "ALLOWALL".into()),
            ("X-Frame-Options".into(), "DENY".into()),
        ]);
        let action = Action::Header {
            name: "X-Frame-Options".into(),
            value: "DENY".into(),
            contains: false,
        };
        let miss = judge(&action, &facts, &Redactor::none()).unwrap_err();
        assert_eq!(
            miss.message,
            "the \"X-Frame-Options\" header is \"ALLOWALL, DENY\", expected \"DENY\""
        );
    }
}
