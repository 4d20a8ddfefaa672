//! A stakeholder scenario as the runner sees it: the steps of one Gherkin scenario (one example
//! row of an outline), each matched at load to an [`Action`] of the built-in vocabulary
//! (`model::vocabulary`), with the line it was written on for evidence. Owns the data only; it
//! must not parse Gherkin (config does) or run a step (the scenario and browser probes do).

use std::path::PathBuf;
use std::time::Duration;

use regex::Regex;

use super::spec::{CommandSpec, TcpSpec, TlsSpec};

/// One scenario, ready to run over HTTP (a cookie jar, forms as a browser submits them).
#[derive(Clone, Debug)]
pub struct ScenarioSpec {
    /// `features/shop.feature:12`, for messages.
    pub origin: String,
    pub file: PathBuf,
    /// Relative pages are joined to this; set by a `the site "..."` step or `base_url`.
    pub base_url: Option<String>,
    pub steps: Vec<ScenarioStep>,
}

/// A page of a feature step on its site, as Mink's `locatePath` joins it to `base_url`: a path
/// starts at the site as given (a site under a path keeps its path), whatever its leading `/`.
/// Whatever the text (`//other.host/x`, ` //x`, `\\\\x`, `/http://x`), the page stays on the
/// site: a result on another scheme, host or port is an error, never a request elsewhere.
pub fn page_on_site(site: &url::Url, target: &str) -> Result<url::Url, String> {
    let joined = format!(
        "{}/{}",
        site.as_str().trim_end_matches('/'),
        target.trim_start_matches(['/', '\\'])
    );
    let url = url::Url::parse(&joined).map_err(|e| format!("`{target}` is not a URL: {e}"))?;
    if url.origin() != site.origin() {
        return Err(format!(
            "`{target}` leads off the site {}: write the whole URL to go elsewhere",
            site.origin().ascii_serialization()
        ));
    }
    Ok(url)
}

/// Whether a feature step's page is a whole URL (`https://…`, `about:blank`) rather than a path
/// on the site (`/r?to=http://x`, `localhost:8080/x`).
pub fn is_whole_url(target: &str) -> bool {
    let Some((scheme, rest)) = target.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    scheme_ok && (rest.starts_with("//") || matches!(scheme, "about" | "data" | "mailto"))
}

/// The site a relative page is on when the scenario has none: the origin of the page it is on,
/// when that page is on an http(s) site (`about:blank`, `data:` and `file:` pages have none).
pub fn site_of_page(page: &url::Url) -> Option<url::Url> {
    if !has_http_response(page) {
        return None;
    }
    url::Url::parse(&page.origin().ascii_serialization()).ok()
}

/// Where a feature step's page is, over HTTP and in a browser alike: a whole URL as it is; a
/// path on the site in effect at the step ([`page_on_site`]); without a site, on the origin of
/// the page the scenario is on ([`site_of_page`]); with neither, the [`no_site`] error.
pub fn resolve_page(
    site: Option<&url::Url>,
    current: Option<&url::Url>,
    target: &str,
) -> Result<url::Url, String> {
    if is_whole_url(target) {
        return url::Url::parse(target).map_err(|e| format!("`{target}` is not a URL: {e}"));
    }
    match site.cloned().or_else(|| current.and_then(site_of_page)) {
        Some(site) => page_on_site(&site, target),
        None => Err(no_site(target)),
    }
}

/// Whether a page was loaded over HTTP, so that it has a response status (and redirects and a
/// response time); `about:blank`, `data:`, `file:` and `ftp:` pages have none.
pub fn has_http_response(page: &url::Url) -> bool {
    matches!(page.scheme(), "http" | "https")
}

/// The first step of `steps` that opens a relative page with no site to put it on: none given
/// (`base`: the run's, the import's, behat.yml's), no `the site` step before it, and no page on
/// an http(s) site opened before it (whose origin it would be on, [`resolve_page`]). Known
/// before anything runs: such a step can never open its page.
pub fn first_siteless_page<'s>(
    base: Option<&str>,
    steps: &'s [ScenarioStep],
) -> Option<(&'s ScenarioStep, String)> {
    let mut site = base.is_some();
    let mut on_page = false;
    for step in steps {
        match &step.action {
            Action::Site(_) => site = true,
            Action::Visit(target) if is_whole_url(target) => {
                on_page |= url::Url::parse(target).is_ok_and(|u| has_http_response(&u));
            }
            Action::Visit(target) if !site && !on_page => return Some((step, no_site(target))),
            _ => {}
        }
    }
    None
}

/// Why a relative page of a feature step cannot be opened: no site was given anywhere.
pub fn no_site(target: &str) -> String {
    format!(
        "`{target}` is relative and no site is known: run with `--base-url`, give the import a `base_url` (or behat.yml one), or start with `Given the site \"https://…\"`"
    )
}

/// One step as written and what it does.
#[derive(Clone, Debug)]
pub struct ScenarioStep {
    /// `When I go to "/admin"`, keyword included, after outline and variable substitution —
    /// with secrets masked.
    pub text: String,
    /// The line of the feature file as written, for a caret under the step.
    pub source_line: String,
    pub line: usize,
    pub col: usize,
    pub action: Action,
}

impl ScenarioStep {
    /// `features/shop.feature:12:5` and the line with a caret under the step.
    pub fn locate(&self, file: &std::path::Path) -> String {
        let width = self.source_line.trim_end().chars().count().max(self.col) - self.col + 1;
        format!(
            "{}:{}:{}\n{:>4} | {}\n     | {}{}",
            file.display(),
            self.line,
            self.col,
            self.line,
            self.source_line.trim_end(),
            " ".repeat(self.col.saturating_sub(1)),
            "^".repeat(width.max(1))
        )
    }
}

/// A Gherkin scenario run as browser steps: its feature steps, and per browser step the index of
/// the feature step it was made from (one feature step is often several browser steps).
#[derive(Clone, Debug)]
pub struct FeatureSteps {
    pub file: PathBuf,
    pub steps: Vec<ScenarioStep>,
    pub of: Vec<usize>,
}

impl FeatureSteps {
    /// The feature step that browser step `index` was made from.
    pub fn step_of(&self, index: usize) -> Option<&ScenarioStep> {
        self.of.get(index).and_then(|&i| self.steps.get(i))
    }

    /// The site in effect at browser step `index`, as over HTTP: the last `the site` step
    /// written before (or at) its feature step, else `base` (the run's, the import's).
    pub fn site_at(&self, index: usize, base: Option<&str>) -> Option<url::Url> {
        let upto = self.of.get(index).map_or(0, |&i| i + 1);
        let named = self
            .steps
            .iter()
            .take(upto)
            .rev()
            .find_map(|s| match &s.action {
                Action::Site(site) => Some(site.as_str()),
                _ => None,
            });
        named.or(base).and_then(|s| url::Url::parse(s).ok())
    }
}

/// Each step of a scenario on a line, marked passed, FAILED or skipped around the failed one.
pub fn step_list(steps: &[ScenarioStep], failed: usize) -> String {
    let marked = steps.iter().enumerate().map(|(i, s)| {
        let mark = match i.cmp(&failed) {
            std::cmp::Ordering::Less => "passed ",
            std::cmp::Ordering::Equal => "FAILED ",
            std::cmp::Ordering::Greater => "skipped",
        };
        format!("{mark} {:>4}: {}", s.line, s.text.trim())
    });
    marked.collect::<Vec<_>>().join("\n")
}

/// Last path segments (before any extension) that name a login page, for `access is refused`:
/// `/login`, `/users/sign_in`, `/wp-login.php`, Keycloak's `.../openid-connect/auth`.
pub const LOGIN_SEGMENTS: &[&str] = &[
    "login",
    "log-in",
    "log_in",
    "signin",
    "sign-in",
    "sign_in",
    "logon",
    "wp-login",
    "auth",
    "authenticate",
    "sso",
];

/// A form field, a button or a link, as a stakeholder names it: its id, name, label, placeholder
/// or (buttons and links) its text, value or title.
pub type Named = String;

#[derive(Clone, Debug)]
pub enum Action {
    /// `the site "https://shop.example"`: where relative pages are.
    Site(String),
    Visit(String),
    Reload,
    Back,
    Forward,
    Press(Named),
    Follow(Named),
    Fill {
        field: Named,
        value: String,
    },
    Select {
        field: Named,
        option: String,
        additionally: bool,
    },
    Check(Named),
    Uncheck(Named),
    Attach {
        field: Named,
        path: PathBuf,
    },
    /// `should be on "/account"`: the path (and query, when given), or the whole URL.
    OnPage(String),
    UrlMatches(Regex),
    Status {
        code: u16,
        not: bool,
    },
    /// 401 or 403, or a redirect that ends on a page with a password field or a login URL.
    AccessRefused,
    /// In the page's text (tags dropped, whitespace collapsed), ignoring case as Mink does.
    SeeText {
        text: String,
        not: bool,
    },
    SeeMatch {
        pattern: Regex,
        not: bool,
    },
    /// In the response as sent (HTML source).
    ResponseContains {
        text: String,
        not: bool,
    },
    /// In the text of the elements a CSS selector finds.
    ElementText {
        css: String,
        text: String,
        not: bool,
    },
    /// In the HTML of the elements a CSS selector finds.
    ElementHtml {
        css: String,
        html: String,
        not: bool,
    },
    ElementPresent {
        css: String,
        not: bool,
    },
    ElementCount {
        css: String,
        count: usize,
    },
    FieldValue {
        field: Named,
        value: String,
        not: bool,
    },
    Checkbox {
        field: Named,
        checked: bool,
    },
    /// The value at a JSON Pointer of the response body.
    Json {
        pointer: String,
        expected: serde_json::Value,
    },
    Header {
        name: String,
        value: String,
        contains: bool,
    },
    ResponseTime(Duration),
    /// Browser only: waits up to the bound for the text to appear.
    WaitText {
        text: String,
        within: Duration,
    },
    WaitElement {
        css: String,
        within: Duration,
    },
    Service(TcpSpec),
    Certificate(TlsSpec),
    Plugin(CommandSpec),
    /// `print last response`, `print current URL`: accepted, nothing to do in a gate.
    Note,
}

impl Action {
    /// Only a browser can do it (JavaScript runs, the page changes after it loaded).
    /// Whether the step checks something (a `Then`): going somewhere, pressing and typing
    /// only act, and a scenario of those alone would pass on an error page.
    pub fn checks(&self) -> bool {
        !matches!(
            self,
            Action::Site(_)
                | Action::Visit(_)
                | Action::Reload
                | Action::Back
                | Action::Forward
                | Action::Press(_)
                | Action::Follow(_)
                | Action::Fill { .. }
                | Action::Select { .. }
                | Action::Check(_)
                | Action::Uncheck(_)
                | Action::Attach { .. }
                | Action::Note
        )
    }

    /// What of the step's expectation is empty or blank, if any: a page always holds an empty
    /// text (and never lacks one), so such a step would pass on a 500 Traceback page. Also when
    /// a `${VAR}` or a `{{var}}` expanded to nothing.
    pub fn blank_expectation(&self) -> Option<&'static str> {
        let blank = |s: &str| s.trim().is_empty();
        match self {
            Action::OnPage(url) if blank(url) => Some("URL"),
            Action::UrlMatches(re) | Action::SeeMatch { pattern: re, .. } if blank(re.as_str()) => {
                Some("pattern")
            }
            Action::SeeText { text, .. }
            | Action::ResponseContains { text, .. }
            | Action::WaitText { text, .. }
                if blank(text) =>
            {
                Some("text")
            }
            Action::ElementText { css, .. }
            | Action::ElementHtml { css, .. }
            | Action::ElementPresent { css, .. }
            | Action::ElementCount { css, .. }
            | Action::WaitElement { css, .. }
                if blank(css) =>
            {
                Some("selector")
            }
            Action::ElementText { text, .. } if blank(text) => Some("text"),
            Action::ElementHtml { html, .. } if blank(html) => Some("HTML"),
            Action::FieldValue { value, .. } if blank(value) => Some("value"),
            Action::Header {
                value,
                contains: true,
                ..
            } if blank(value) => Some("value"),
            _ => None,
        }
    }

    pub fn needs_browser(&self) -> bool {
        matches!(self, Action::WaitText { .. } | Action::WaitElement { .. })
    }
}

#[cfg(test)]
mod site_tests {
    use super::*;

    #[test]
    fn a_page_of_a_feature_stays_on_its_site_whatever_its_text() {
        let site = url::Url::parse("http://127.0.0.1:8/app").expect("a URL");
        let on = |t: &str| page_on_site(&site, t).map(|u| u.to_string());
        assert_eq!(on("/x").as_deref(), Ok("http://127.0.0.1:8/app/x"));
        assert_eq!(on("x").as_deref(), Ok("http://127.0.0.1:8/app/x"));
        assert_eq!(on("?q=1").as_deref(), Ok("http://127.0.0.1:8/app/?q=1"));
        for off in [
            "//127.0.0.2:8/x",
            "\\\\127.0.0.2:8/x",
            "/\\/127.0.0.2:8/x",
            "/http://127.0.0.2:8/x",
            " //127.0.0.2:8/x",
            "\t//127.0.0.2:8/x",
        ] {
            // On the site, or an error: never a request to another host.
            if let Ok(url) = page_on_site(&site, off) {
                assert_eq!(url.origin(), site.origin(), "{off:?} went to {url}");
            }
        }
        assert!(is_whole_url("https://shop.example/"));
        assert!(is_whole_url("about:blank"));
        assert!(!is_whole_url("/r?to=http://a.example/"));
        assert!(!is_whole_url("localhost:8080/x"));
        assert!(!is_whole_url("/http://x"));
    }

    #[test]
    fn a_browser_step_is_on_the_site_in_effect_at_its_own_feature_step() {
        let step = |action: Action| ScenarioStep {
            text: String::new(),
            source_line: String::new(),
            line: 1,
            col: 1,
            action,
        };
        let feature = FeatureSteps {
            file: PathBuf::from("f.feature"),
            steps: vec![
                step(Action::Visit("/one".into())),
                step(Action::Site("http://b.example".into())),
                step(Action::Visit("/two".into())),
            ],
            of: vec![0, 1, 2, 2],
        };
        let at = |i: usize, base: Option<&str>| feature.site_at(i, base).map(|u| u.to_string());
        assert_eq!(
            at(0, Some("http://a.example")).as_deref(),
            Some("http://a.example/")
        );
        assert_eq!(at(0, None), None);
        assert_eq!(at(1, None).as_deref(), Some("http://b.example/"));
        assert_eq!(
            at(3, Some("http://a.example")).as_deref(),
            Some("http://b.example/")
        );
    }

    #[test]
    fn a_relative_page_without_a_site_is_on_the_origin_of_the_page_it_is_on() {
        let url = |s: &str| url::Url::parse(s).expect("a URL");
        let page = url("http://127.0.0.1:8/deep/page?q=1");
        let on = |site: Option<&url::Url>, current: Option<&url::Url>, t: &str| {
            resolve_page(site, current, t).map(|u| u.to_string())
        };
        let site = url("http://127.0.0.1:9/app");
        assert_eq!(
            on(Some(&site), Some(&page), "x").as_deref(),
            Ok("http://127.0.0.1:9/app/x")
        );
        assert_eq!(
            on(None, Some(&page), "x?y=2").as_deref(),
            Ok("http://127.0.0.1:8/x?y=2")
        );
        assert_eq!(
            on(None, Some(&page), "//127.0.0.2:8/x"),
            Ok("http://127.0.0.1:8/127.0.0.2:8/x".into())
        );
        assert_eq!(on(None, None, "/x"), Err(no_site("/x")));
        for opaque in ["about:blank", "data:text/html,x", "file:///tmp/x.html"] {
            assert_eq!(on(None, Some(&url(opaque)), "/x"), Err(no_site("/x")));
            assert!(!has_http_response(&url(opaque)));
        }
        assert_eq!(on(None, None, "about:blank").as_deref(), Ok("about:blank"));
    }
}
