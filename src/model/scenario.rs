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

/// Waits this long for an element or a text in a browser before a step fails: pages may still
/// be loading after a click.
const BROWSER_WAIT_MS: u64 = 5000;

/// JSON compared in a page as over HTTP: numbers by their text's exact decimal value.
const JSON_EXACT: &str = r#"
function sgNum(k, v, c) { return typeof v === 'number' ? { sgNum: c && c.source !== undefined ? c.source : String(v) } : v; }
function sgDec(s) {
  var m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m) return s;
  var all = (m[2] + (m[3] || '')).replace(/^0+/, ''), t = all.replace(/0+$/, '');
  if (!t) return '0';
  return (m[1] ? '-' : '') + t + 'e' + (parseInt(m[4] || '0', 10) - (m[3] || '').length + all.length - t.length);
}
function sgSame(a, b) {
  if (a !== null && typeof a === 'object' && a.sgNum !== undefined) return b !== null && typeof b === 'object' && b.sgNum !== undefined && sgDec(a.sgNum) === sgDec(b.sgNum);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every(function (v, i) { return sgSame(v, b[i]); });
  if (a !== null && typeof a === 'object') {
    if (b === null || typeof b !== 'object' || Array.isArray(b) || b.sgNum !== undefined) return false;
    var ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every(function (k) { return Object.prototype.hasOwnProperty.call(b, k) && sgSame(a[k], b[k]); });
  }
  return a === b;
}
function sgShow(v) { return JSON.stringify(v, function (k, x) { return x !== null && typeof x === 'object' && x.sgNum !== undefined ? '\u0000' + x.sgNum + '\u0000' : x; }).replace(/"\\u0000([^"]*)\\u0000"/g, '$1'); }
"#;

/// JavaScript shared by the browser steps: finding fields, buttons and links as the HTTP
/// scenario does (id, name, label, placeholder, text, value, title, alt; exact, then partial).
const FINDERS: &str = r#"
function sgNorm(s) { return String(s == null ? '' : s).replace(/\s+/g, ' ').trim().toLowerCase(); }
function sgAll(css) { return Array.prototype.slice.call(document.querySelectorAll(css)); }
function sgLabels(e) { return Array.prototype.slice.call(e.labels || []).map(function (l) { return sgNorm(l.innerText); }); }
function sgPick(els, texts, n) {
  var w = sgNorm(n);
  return els.find(function (e) { return texts(e).some(function (t) { return sgNorm(t) === w; }); })
    || els.find(function (e) { return texts(e).some(function (t) { return sgNorm(t).indexOf(w) >= 0 && w !== ''; }); });
}
function sgField(n) {
  var els = sgAll('input, select, textarea').filter(function (e) { return !/^(submit|button|image|reset|hidden)$/i.test(e.type); });
  return els.find(function (e) { return e.id === n || e.name === n || sgNorm(e.placeholder) === sgNorm(n) || sgLabels(e).indexOf(sgNorm(n)) >= 0; })
    || els.find(function (e) { return sgLabels(e).some(function (l) { return l.indexOf(sgNorm(n)) >= 0; }); });
}
function sgButton(n) {
  return sgPick(sgAll('button, input[type=submit], input[type=button], input[type=image], input[type=reset]'),
    function (e) { return [e.id, e.name, e.value, e.title, e.alt, e.innerText]; }, n);
}
function sgLink(n) {
  return sgPick(sgAll('a[href]'), function (e) {
    return [e.innerText, e.id, e.title].concat(Array.prototype.slice.call(e.querySelectorAll('img[alt]')).map(function (i) { return i.alt; }));
  }, n);
}
function sgClipped(p, x) {
  for (var a = p; a && a !== document.documentElement; a = a.parentElement) {
    var st = getComputedStyle(a);
    if (st.overflowX === 'visible' && st.overflowY === 'visible') continue;
    var b = a.getBoundingClientRect();
    if (x.right <= b.left || x.left >= b.right || x.bottom <= b.top || x.top >= b.bottom) return true;
  }
  return false;
}
function sgShown(n) {
  var p = n.parentElement;
  if (!p || !p.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
  if (parseFloat(getComputedStyle(p).fontSize) === 0) return false;
  var r = document.createRange(); r.selectNodeContents(n);
  return Array.prototype.some.call(r.getClientRects(), function (x) {
    return x.width > 0 && x.height > 0 && x.right + scrollX > 0 && x.bottom + scrollY > 0 && !sgClipped(p, x);
  });
}
function sgBlock(n) {
  for (var a = n.parentElement; a; a = a.parentElement) { if (!/^inline/.test(getComputedStyle(a).display)) return a; }
  return null;
}
function sgVisibleRaw(root) {
  var out = '', last = null, w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT), n;
  while ((n = w.nextNode())) {
    if (n.nodeType === 1) { if (n.tagName === 'BR') out += ' '; continue; }
    if (!n.nodeValue.trim() || !sgShown(n)) continue;
    var b = sgBlock(n); if (b !== last) { out += ' '; last = b; }
    out += n.nodeValue;
  }
  return out.replace(/\s+/g, ' ').trim();
}
function sgVisible(root) { return sgNorm(sgVisibleRaw(root)); }
function sgText() { return sgVisible(document.body || document.documentElement); }
function sgNav() { return (performance.getEntriesByType('navigation') || [])[0] || {}; }
"#;

fn js(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".into())
}

/// A check in the page: `body` returns nothing when it holds, else what is wrong; it is tried
/// again until it holds or the wait is over (once, for `not` checks, which hold at once).
fn js_check(body: &str, retry: bool) -> String {
    let wait = if retry { BROWSER_WAIT_MS } else { 0 };
    format!(
        "{FINDERS}\nvar sgEnd = Date.now() + {wait};\nreturn new Promise(function (resolve) {{ (function poll() {{ var m; try {{ m = (function () {{ {body} }})(); }} catch (e) {{ m = String(e); }} if (!m || Date.now() >= sgEnd) {{ resolve(m ? String(m) : 'ok'); }} else {{ setTimeout(poll, 100); }} }})(); }});"
    )
}

/// Before an action on a marked element: a disabled control is the step's failure (a click on it
/// does nothing, and the scenario would go on as if it had worked), and a link or form that opens
/// another window (`target`) is followed in this one, as a scenario over HTTP follows it.
fn usable(
    check: &mut impl FnMut(String, bool) -> Result<(), (usize, String)>,
    at: &str,
    what: &str,
    named: &str,
) -> Result<(), (usize, String)> {
    check(
        format!(
            "var e = document.querySelector({c}); if (!e) return ''; if (e.matches(':disabled')) return {q} + ': it is disabled'; e.removeAttribute('target'); e.removeAttribute('formtarget'); if (e.form) e.form.removeAttribute('target'); return '';",
            c = js(at.trim_start_matches("css=")),
            q = js(&format!("{what} \"{named}\""))
        ),
        false,
    )
}

/// The scenario as browser steps: each feature step becomes a check in the page (its result
/// asserted) and, for actions, the WebDriver command on the element found. Steps that run
/// outside a page (services, certificates, plugins, response headers) are the error, by index.
pub fn browser_spec(spec: &ScenarioSpec) -> Result<super::spec::BrowserSpec, (usize, String)> {
    use super::step::Step;
    let mut steps = Vec::new();
    let mut of = Vec::new();
    let mut site: Option<url::Url> = spec
        .base_url
        .as_deref()
        .and_then(|b| url::Url::parse(b).ok());
    let mut marks = 0usize;
    for (index, s) in spec.steps.iter().enumerate() {
        let mut add = |name: &str, target: &str, value: &str| -> Result<(), (usize, String)> {
            let step = Step::new(name, target, value).map_err(|e| (index, e))?;
            steps.push(step);
            of.push(index);
            Ok(())
        };
        let mut check = |body: String, retry: bool| -> Result<(), (usize, String)> {
            add("executeAsyncScript", &js_check(&body, retry), "sgCheck")?;
            add("assert", "sgCheck", "ok")
        };
        // Finds an element with `finder`, marks it, and returns a CSS locator for the mark.
        let mut mark = |finder: &str, what: &str, named: &str| -> Result<String, (usize, String)> {
            marks += 1;
            let id = format!("sg{marks}");
            check(
                format!(
                    "var e = {finder}({n}); if (!e) return 'no {what} ' + {quoted} + ' on ' + location.href; e.setAttribute('data-smokegate', {id}); return '';",
                    n = js(named),
                    quoted = js(&format!("\"{named}\"")),
                    id = js(&id)
                ),
                true,
            )?;
            Ok(format!("css=[data-smokegate=\"{id}\"]"))
        };
        let outside = |what: &str| {
            Err((
                index,
                format!("{what} runs outside the page: it cannot be a step of a browser scenario (@browser); put it in a scenario of its own"),
            ))
        };
        match &s.action {
            Action::Site(url) => {
                site = Some(url::Url::parse(url).map_err(|e| (index, format!("`{url}` is not a URL: {e}")))?);
            }
            Action::Visit(target) => {
                let url = match (url::Url::parse(target), &site) {
                    (Ok(u), _) => u.to_string(),
                    (Err(_), Some(base)) => base
                        .join(target)
                        .map_err(|e| (index, format!("`{target}` is not a URL: {e}")))?
                        .to_string(),
                    (Err(_), None) => {
                        return Err((
                            index,
                            format!("`{target}` is relative and no site is known: start with `Given the site \"https://…\"`"),
                        ))
                    }
                };
                add("open", &url, "")?;
            }
            Action::Reload => {
                add("executeScript", "return location.href", "sgHere")?;
                add("open", "${sgHere}", "")?;
            }
            Action::Back | Action::Forward => {
                let delta = if matches!(s.action, Action::Back) { -1 } else { 1 };
                add(
                    "executeAsyncScript",
                    &format!("var before = location.href; history.go({delta}); return new Promise(function (r) {{ var end = Date.now() + {BROWSER_WAIT_MS}; (function poll() {{ if (location.href !== before && document.readyState === 'complete' || Date.now() > end) r(''); else setTimeout(poll, 50); }})(); }});"),
                    "",
                )?;
            }
            Action::Press(n) => {
                let at = mark("sgButton", "button", n)?;
                usable(&mut check, &at, "button", n)?;
                add("click", &at, "")?;
            }
            Action::Follow(n) => {
                let at = mark("sgLink", "link", n)?;
                usable(&mut check, &at, "link", n)?;
                add("click", &at, "")?;
            }
            Action::Fill { field, value } => {
                let at = mark("sgField", "field", field)?;
                add("type", &at, value)?;
            }
            Action::Select { field, option, additionally } => {
                let at = mark("sgField", "field", field)?;
                if *additionally {
                    // Selenium adds to a single select by replacing what was chosen.
                    check(
                        format!(
                            "var e = document.querySelector({c}); return e && e.tagName === 'SELECT' && !e.multiple ? 'field ' + {q} + ': it takes one option: use `select \"…\" from \"…\"`' : '';",
                            c = js(at.trim_start_matches("css=")),
                            q = js(&format!("\"{field}\""))
                        ),
                        false,
                    )?;
                }
                usable(&mut check, &at, "field", field)?;
                let command = if *additionally { "addSelection" } else { "select" };
                add(command, &at, &format!("label={option}"))?;
            }
            Action::Check(field) => {
                let at = mark("sgField", "field", field)?;
                usable(&mut check, &at, "field", field)?;
                add("check", &at, "")?;
            }
            Action::Uncheck(field) => {
                let at = mark("sgField", "field", field)?;
                usable(&mut check, &at, "field", field)?;
                add("uncheck", &at, "")?;
            }
            Action::Attach { field, path } => {
                let at = mark("sgField", "field", field)?;
                add("sendKeys", &at, &path.display().to_string())?;
            }
            Action::OnPage(expected) => check(
                format!(
                    "var w = {e}; var a = /^[a-z]+:/i.test(w) ? location.href : (w.indexOf('?') >= 0 ? location.pathname + location.search : location.pathname); return a === w ? '' : 'expected to be on ' + w + ', but the page is ' + location.href;",
                    e = js(expected)
                ),
                true,
            )?,
            Action::UrlMatches(pattern) => check(
                format!(
                    "return new RegExp({p}).test(location.pathname) ? '' : 'the URL path ' + location.pathname + ' does not match ' + {p};",
                    p = js(pattern.as_str())
                ),
                true,
            )?,
            Action::Status { code, not } => check(
                format!(
                    "var s = sgNav().responseStatus; if (s === undefined) return 'this browser does not tell the status code'; return (s === {code}) !== {not} ? '' : 'the response status code is ' + s + ', expected {}{code}';",
                    if *not { "anything but " } else { "" }
                ),
                !not,
            )?,
            Action::AccessRefused => check(
                format!(
                    "var s = sgNav().responseStatus; if (s === 401 || s === 403) return ''; var login = {segments}; var last = location.pathname.toLowerCase().split('/').filter(function (x) {{ return x; }}).pop() || ''; var atLogin = login.indexOf(last.split('.')[0]) >= 0; var redirected = sgNav().redirectCount > 0; if (redirected && s >= 200 && s < 300 && atLogin && document.querySelector('input[type=password]')) return ''; return 'access is not refused: ' + s + ' at ' + location.href + ' (expected 401, 403, or a redirect to a login page with a password field)';",
                    segments = serde_json::to_string(LOGIN_SEGMENTS).unwrap_or_default()
                ),
                true,
            )?,
            Action::SeeText { text, not } => check(
                format!(
                    "var f = sgText().indexOf(sgNorm({t})) >= 0; return f === {not} ? (f ? 'the text ' + {q} + ' is on the page, and should not be' : 'the text ' + {q} + ' is not on the page') : '';",
                    t = js(text),
                    q = js(&format!("\"{text}\""))
                ),
                !not,
            )?,
            Action::SeeMatch { pattern, not } => check(
                format!(
                    "var f = new RegExp({p}).test(sgVisibleRaw(document.body || document.documentElement)); return f === {not} ? 'text matching ' + {p} + (f ? ' is on the page, and should not be' : ' is not on the page') : '';",
                    p = js(pattern.as_str())
                ),
                !not,
            )?,
            Action::ResponseContains { text, not } => check(
                format!(
                    "var f = document.documentElement.outerHTML.toLowerCase().indexOf({t}.toLowerCase()) >= 0; return f === {not} ? {q} + (f ? ' is in the page source, and should not be' : ' is not in the page source') : '';",
                    t = js(text),
                    q = js(&format!("\"{text}\""))
                ),
                !not,
            )?,
            Action::ElementText { css, text, not } => check(
                format!(
                    "var es = document.querySelectorAll({c}); if (!es.length) return 'no ' + {cq} + ' element on the page'; var f = Array.prototype.some.call(es, function (e) {{ return sgVisible(e).indexOf(sgNorm({t})) >= 0; }}); return f === {not} ? 'the text ' + {q} + (f ? ' is in the ' : ' is not in the ') + {cq} + ' element' : '';",
                    c = js(css),
                    cq = js(&format!("\"{css}\"")),
                    t = js(text),
                    q = js(&format!("\"{text}\""))
                ),
                !not,
            )?,
            Action::ElementHtml { css, html, not } => check(
                format!(
                    "var es = document.querySelectorAll({c}); if (!es.length) return 'no ' + {cq} + ' element on the page'; var f = Array.prototype.some.call(es, function (e) {{ return e.outerHTML.toLowerCase().indexOf({t}.toLowerCase()) >= 0; }}); return f === {not} ? {q} + (f ? ' is in the ' : ' is not in the ') + {cq} + ' element' : '';",
                    c = js(css),
                    cq = js(&format!("\"{css}\"")),
                    t = js(html),
                    q = js(&format!("\"{html}\""))
                ),
                !not,
            )?,
            Action::ElementPresent { css, not } => check(
                format!(
                    "var f = !!document.querySelector({c}); return f === {not} ? (f ? 'a ' + {cq} + ' element is on the page, and should not be' : 'no ' + {cq} + ' element on the page') : '';",
                    c = js(css),
                    cq = js(&format!("\"{css}\""))
                ),
                !not,
            )?,
            Action::ElementCount { css, count } => check(
                format!(
                    "var n = document.querySelectorAll({c}).length; return n === {count} ? '' : n + ' ' + {cq} + ' elements on the page, expected {count}';",
                    c = js(css),
                    cq = js(&format!("\"{css}\""))
                ),
                true,
            )?,
            Action::FieldValue { field, value, not } => check(
                format!(
                    "var e = sgField({f}); if (!e) return 'no field ' + {fq} + ' on ' + location.href; var eq = sgNorm(e.value) === sgNorm({v}); return eq === {not} ? 'the ' + {fq} + ' field contains ' + JSON.stringify(e.value) + ({not} ? ', which it should not' : ', expected ' + {vq}) : '';",
                    f = js(field),
                    fq = js(&format!("\"{field}\"")),
                    v = js(value),
                    vq = js(&format!("\"{value}\""))
                ),
                !not,
            )?,
            Action::Checkbox { field, checked } => check(
                format!(
                    "var e = sgField({f}); if (!e) return 'no checkbox ' + {fq} + ' on ' + location.href; if (e.type !== 'checkbox' && e.type !== 'radio') return {fq} + ' is a ' + (e.type || e.tagName.toLowerCase()) + ' field, not a checkbox or a radio button'; return e.checked === {checked} ? '' : 'the ' + {fq} + ' checkbox is ' + (e.checked ? '' : 'not ') + 'checked';",
                    f = js(field),
                    fq = js(&format!("\"{field}\""))
                ),
                true,
            )?,
            // Numbers keep their text (JSON.parse source access) and compare by exact decimal
            // value, as over HTTP; only a member the value itself has, or an array index, is
            // followed (`/items/length` and `/__proto__` are no values).
            Action::Json { pointer, expected } => check(
                format!(
                    "{JSON_EXACT} var d, x; try {{ d = JSON.parse(document.body.innerText, sgNum); }} catch (e) {{ return 'the response is not JSON: ' + e; }} x = JSON.parse({x}, sgNum); var parts = {p}.split('/').slice(1).map(function (s) {{ return s.replace(/~1/g, '/').replace(/~0/g, '~'); }}); for (var i = 0; i < parts.length; i++) {{ var k = parts[i]; var own = Array.isArray(d) ? /^(0|[1-9][0-9]*)$/.test(k) && +k < d.length : d !== null && typeof d === 'object' && d.sgNum === undefined && Object.prototype.hasOwnProperty.call(d, k); if (!own) return 'the JSON has no value at ' + {p}; d = d[k]; }} return sgSame(d, x) ? '' : 'the JSON at ' + {p} + ' is ' + sgShow(d) + ', expected ' + sgShow(x);",
                    p = js(pointer),
                    x = js(&expected.to_string())
                ),
                true,
            )?,
            // The response, redirects included, as over HTTP: not the images and scripts after it.
            Action::ResponseTime(bound) => check(
                format!(
                    "var n = sgNav(); var d = n.responseEnd - n.startTime; return d <= {ms} ? '' : 'the response took ' + Math.round(d) + ' ms, more than {ms} ms';",
                    ms = bound.as_millis()
                ),
                false,
            )?,
            Action::WaitText { text, within } => {
                add(
                    "executeAsyncScript",
                    &format!(
                        "{FINDERS}\nvar end = Date.now() + {ms}; return new Promise(function (r) {{ (function poll() {{ if (sgText().indexOf(sgNorm({t})) >= 0) r('ok'); else if (Date.now() > end) r('the text ' + {q} + ' did not appear within {ms} ms'); else setTimeout(poll, 100); }})(); }});",
                        ms = within.as_millis(),
                        t = js(text),
                        q = js(&format!("\"{text}\""))
                    ),
                    "sgCheck",
                )?;
                add("assert", "sgCheck", "ok")?;
            }
            Action::WaitElement { css, within } => {
                add(
                    "executeAsyncScript",
                    &format!(
                        "var end = Date.now() + {ms}; return new Promise(function (r) {{ (function poll() {{ if (document.querySelector({c})) r('ok'); else if (Date.now() > end) r('no ' + {cq} + ' element appeared within {ms} ms'); else setTimeout(poll, 100); }})(); }});",
                        ms = within.as_millis(),
                        c = js(css),
                        cq = js(&format!("\"{css}\""))
                    ),
                    "sgCheck",
                )?;
                add("assert", "sgCheck", "ok")?;
            }
            Action::Header { .. } => return outside("a response header step"),
            Action::Service(_) => return outside("a service step"),
            Action::Certificate(_) => return outside("a certificate step"),
            Action::Plugin(_) => return outside("a Nagios plugin step"),
            Action::Note => {}
        }
    }
    Ok(super::spec::BrowserSpec {
        origin: spec.origin.clone(),
        base_url: site.map(|s| s.to_string()),
        steps,
        feature: Some(FeatureSteps {
            file: spec.file.clone(),
            steps: spec.steps.clone(),
            of,
        }),
    })
}
