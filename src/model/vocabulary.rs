//! The built-in step vocabulary of feature files: Behat MinkContext's phrasings (with and without
//! "I"), plus what deploy checks need (access refused, JSON, headers, response time, waiting,
//! services, certificates, Nagios plugins). Matches one step's text to exactly one phrasing (in
//! English, or in Mink's translation into the file's language: `vocabulary_i18n`) and builds its
//! [`Action`]; an unknown step gets the closest phrasings, an ambiguous one both.
//! Owns the phrasings; must not read files or run anything.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use regex::Regex;

use super::scenario::Action;
use super::spec::{CertDays, CommandSpec, TcpSpec, TlsSpec};
use super::vocabulary_i18n;

/// What a step carries besides its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extra {
    None,
    /// A doc string (`"""`).
    DocString,
    /// A data table.
    Table,
}

/// What the loader lends the vocabulary to build actions: how a plugin command line becomes a
/// program, where relative file paths start, and the language the feature file declares.
pub struct Context<'a> {
    pub plugin: &'a dyn Fn(&str) -> Result<CommandSpec, String>,
    pub dir: &'a Path,
    /// `# language:` of the feature file (`fr`, `zh-CN`), or empty: Mink's translations of its
    /// phrasings into it apply besides the English ones ([`super::vocabulary_i18n`]).
    pub language: &'a str,
}

/// A step's text and what came with it.
pub struct Written<'a> {
    pub text: &'a str,
    pub docstring: Option<&'a str>,
    pub table: Option<&'a [Vec<String>]>,
}

/// One phrasing: a pattern over the step text (`Q` is a quoted string, `N` a whole number),
/// an example, and the group it is listed under.
pub struct Phrase {
    pub group: &'static str,
    pub pattern: &'static str,
    pub example: &'static str,
    pub extra: Extra,
    build: fn(&[String], &Written, &Context) -> Result<Action, String>,
}

/// A matched step: one action, or (`fill in the following:`) several.
pub type Actions = Vec<Action>;

const Q: &str = r#""((?:[^"\\]|\\.)*)""#;

macro_rules! phrase {
    ($group:literal, $pattern:literal, $example:literal, $extra:expr, $build:expr) => {
        Phrase {
            group: $group,
            pattern: $pattern,
            example: $example,
            extra: $extra,
            build: $build,
        }
    };
}

fn text(a: &[String], i: usize) -> String {
    a.get(i).cloned().unwrap_or_default()
}

fn number(a: &[String], i: usize) -> Result<u64, String> {
    let t = text(a, i);
    t.parse::<u64>()
        .map_err(|_| format!("`{t}` is not a whole number"))
}

fn regex(pattern: &str) -> Result<Regex, String> {
    // Mink writes patterns with delimiters, as PHP does: "/hello/i".
    let (body, flags) = match pattern.strip_prefix('/').and_then(|p| p.rsplit_once('/')) {
        Some((body, flags)) if flags.chars().all(|c| "imsxu".contains(c)) => (body, flags),
        _ => (pattern, ""),
    };
    let flags: String = flags.chars().filter(|c| "imsx".contains(*c)).collect();
    let full = if flags.is_empty() {
        body.to_string()
    } else {
        format!("(?{flags}){body}")
    };
    Regex::new(&full).map_err(|e| format!("invalid pattern `{pattern}`: {e}"))
}

fn seconds(amount: &str, unit: &str) -> Result<Duration, String> {
    let value: f64 = amount
        .parse()
        .map_err(|_| format!("`{amount}` is not a number"))?;
    let secs = if unit.starts_with("ms") || unit.starts_with("milli") {
        value / 1000.0
    } else {
        value
    };
    if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
        return Err(format!(
            "`{amount} {unit}` must be more than 0 and at most an hour"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn host_port(text: &str, default: Option<u16>) -> Result<(String, u16), String> {
    let text = text.trim();
    let (host, port) = match text.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') => (h, Some(p)),
        _ => (text, None),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = match (port, default) {
        (Some(p), _) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("`{p}` is not a port in `{text}`"))?,
        (None, Some(d)) => d,
        (None, None) => return Err(format!("`{text}` has no port: write host:port")),
    };
    if host.is_empty() {
        return Err(format!("`{text}` has no host"));
    }
    Ok((host.to_string(), port))
}

/// Every phrasing, in the order `smokegate steps` lists them.
pub fn phrases() -> &'static [Phrase] {
    use Extra::{DocString, None as Plain, Table};
    static PHRASES: &[Phrase] = &[
        phrase!(
            "Pages",
            r"the site Q",
            r#"Given the site "https://shop.example""#,
            Plain,
            |a, _, _| site(&text(a, 0))
        ),
        phrase!(
            "Pages",
            r"(?:I )?am on (?:the )?homepage",
            "Given I am on the homepage",
            Plain,
            |_, _, _| Ok(Action::Visit("/".into()))
        ),
        phrase!(
            "Pages",
            r"(?:I )?go to (?:the )?homepage",
            "When I go to the homepage",
            Plain,
            |_, _, _| Ok(Action::Visit("/".into()))
        ),
        phrase!(
            "Pages",
            r"(?:I )?am on Q",
            r#"Given I am on "/login""#,
            Plain,
            |a, _, _| Ok(Action::Visit(text(a, 0)))
        ),
        phrase!(
            "Pages",
            r"(?:I )?go to Q",
            r#"When I go to "/admin""#,
            Plain,
            |a, _, _| Ok(Action::Visit(text(a, 0)))
        ),
        phrase!(
            "Pages",
            r"(?:I )?reload the page",
            "When I reload the page",
            Plain,
            |_, _, _| Ok(Action::Reload)
        ),
        phrase!(
            "Pages",
            r"(?:I )?move backward one page",
            "When I move backward one page",
            Plain,
            |_, _, _| Ok(Action::Back)
        ),
        phrase!(
            "Pages",
            r"(?:I )?move forward one page",
            "When I move forward one page",
            Plain,
            |_, _, _| Ok(Action::Forward)
        ),
        phrase!(
            "Pages",
            r"(?:I )?should be on Q",
            r#"Then I should be on "/account""#,
            Plain,
            |a, _, _| Ok(Action::OnPage(text(a, 0)))
        ),
        phrase!(
            "Pages",
            r"(?:I )?should be on (?:the )?homepage",
            "Then I should be on the homepage",
            Plain,
            |_, _, _| Ok(Action::OnPage("/".into()))
        ),
        phrase!(
            "Pages",
            r"the (?i:url) should match Q",
            r#"Then the url should match "^/orders/\d+$""#,
            Plain,
            |a, _, _| Ok(Action::UrlMatches(regex(&text(a, 0))?))
        ),
        phrase!(
            "Pages",
            r"the response status code should be N",
            "Then the response status code should be 200",
            Plain,
            |a, _, _| status(a, false)
        ),
        phrase!(
            "Pages",
            r"the response status code should not be N",
            "Then the response status code should not be 500",
            Plain,
            |a, _, _| status(a, true)
        ),
        phrase!(
            "Pages",
            r"access (?:is|should be) refused",
            "Then access is refused",
            Plain,
            |_, _, _| Ok(Action::AccessRefused)
        ),
        phrase!(
            "Pages",
            r"(?:I )?(?:print current URL|print last response|show last response)",
            "Then print last response",
            Plain,
            |_, _, _| Ok(Action::Note)
        ),
        phrase!(
            "Forms and links",
            r"(?:I )?press Q",
            r#"When I press "Sign in""#,
            Plain,
            |a, _, _| Ok(Action::Press(text(a, 0)))
        ),
        phrase!(
            "Forms and links",
            r"(?:I )?follow Q",
            r#"When I follow "About us""#,
            Plain,
            |a, _, _| Ok(Action::Follow(text(a, 0)))
        ),
        phrase!(
            "Forms and links",
            r"(?:I )?fill in Q with Q",
            r#"When I fill in "user" with "bob""#,
            Plain,
            |a, _, _| Ok(Action::Fill {
                field: text(a, 0),
                value: text(a, 1)
            })
        ),
        phrase!(
            "Forms and links",
            r"(?:I )?fill in Q with:",
            "When I fill in \"comment\" with:\n  \"\"\"\n  two lines\n  \"\"\"",
            DocString,
            |a, w, _| Ok(Action::Fill {
                field: text(a, 0),
                value: w.docstring.unwrap_or_default().to_string()
            })
        ),
        phrase!(
            "Forms and links",
            r"(?:I )?fill in Q for Q",
            r#"When I fill in "bob" for "user""#,
            Plain,
            |a, _, _| Ok(Action::Fill {
                field: text(a, 1),
                value: text(a, 0)
            })
        ),
        phrase!(
            "Forms and links",
            r"(?:I )?fill in the following:",
            "When I fill in the following:\n  | user | bob |\n  | pass | secret |",
            Table,
            |_, _, _| Ok(Action::Note)
        ),
        phrase!(
            "Forms and links",
            r"(?:I )?select Q from Q",
            r#"When I select "Express" from "shipping""#,
            Plain,
            |a, _, _| Ok(Action::Select {
                field: text(a, 1),
                option: text(a, 0),
                additionally: false
            })
        ),
        phrase!(
            "Forms and links",
            r"(?:I )?additionally select Q from Q",
            r#"When I additionally select "Gift wrap" from "extras""#,
            Plain,
            |a, _, _| Ok(Action::Select {
                field: text(a, 1),
                option: text(a, 0),
                additionally: true
            })
        ),
        phrase!(
            "Forms and links",
            r"(?:I )?check Q",
            r#"When I check "Remember me""#,
            Plain,
            |a, _, _| Ok(Action::Check(text(a, 0)))
        ),
        phrase!(
            "Forms and links",
            r"(?:I )?uncheck Q",
            r#"When I uncheck "Newsletter""#,
            Plain,
            |a, _, _| Ok(Action::Uncheck(text(a, 0)))
        ),
        phrase!(
            "Forms and links",
            r"(?:I )?attach the file Q to Q",
            r#"When I attach the file "avatar.png" to "photo""#,
            Plain,
            |a, _, c| Ok(Action::Attach {
                field: text(a, 1),
                path: c.dir.join(text(a, 0))
            })
        ),
        phrase!(
            "Content",
            r"(?:I )?should see Q",
            r#"Then I should see "Hello, shopper""#,
            Plain,
            |a, _, _| Ok(Action::SeeText {
                text: text(a, 0),
                not: false
            })
        ),
        phrase!(
            "Content",
            r"(?:I )?should not see Q",
            r#"Then I should not see "lorem ipsum""#,
            Plain,
            |a, _, _| Ok(Action::SeeText {
                text: text(a, 0),
                not: true
            })
        ),
        phrase!(
            "Content",
            r"(?:I )?should see text matching Q",
            r#"Then I should see text matching "Order #\d+""#,
            Plain,
            |a, _, _| Ok(Action::SeeMatch {
                pattern: regex(&text(a, 0))?,
                not: false
            })
        ),
        phrase!(
            "Content",
            r"(?:I )?should not see text matching Q",
            r#"Then I should not see text matching "(?i)exception""#,
            Plain,
            |a, _, _| Ok(Action::SeeMatch {
                pattern: regex(&text(a, 0))?,
                not: true
            })
        ),
        phrase!(
            "Content",
            r"the response should contain Q",
            r#"Then the response should contain "<meta name=\"robots\"""#,
            Plain,
            |a, _, _| Ok(Action::ResponseContains {
                text: text(a, 0),
                not: false
            })
        ),
        phrase!(
            "Content",
            r"the response should not contain Q",
            r#"Then the response should not contain "debug=true""#,
            Plain,
            |a, _, _| Ok(Action::ResponseContains {
                text: text(a, 0),
                not: true
            })
        ),
        phrase!(
            "Content",
            r"(?:I )?should see Q in the Q element",
            r##"Then I should see "3 items" in the "#cart" element"##,
            Plain,
            |a, _, _| Ok(Action::ElementText {
                css: text(a, 1),
                text: text(a, 0),
                not: false
            })
        ),
        phrase!(
            "Content",
            r"(?:I )?should not see Q in the Q element",
            r#"Then I should not see "Error" in the "main" element"#,
            Plain,
            |a, _, _| Ok(Action::ElementText {
                css: text(a, 1),
                text: text(a, 0),
                not: true
            })
        ),
        phrase!(
            "Content",
            r"the Q element should contain Q",
            r#"Then the "footer" element should contain "<a href=\"/imprint\">""#,
            Plain,
            |a, _, _| Ok(Action::ElementHtml {
                css: text(a, 0),
                html: text(a, 1),
                not: false
            })
        ),
        phrase!(
            "Content",
            r"the Q element should not contain Q",
            r#"Then the "head" element should not contain "noindex""#,
            Plain,
            |a, _, _| Ok(Action::ElementHtml {
                css: text(a, 0),
                html: text(a, 1),
                not: true
            })
        ),
        phrase!(
            "Content",
            r"(?:I )?should see an? Q element",
            r#"Then I should see a "form#login" element"#,
            Plain,
            |a, _, _| Ok(Action::ElementPresent {
                css: text(a, 0),
                not: false
            })
        ),
        phrase!(
            "Content",
            r"(?:I )?should not see an? Q element",
            r#"Then I should not see an ".debug-toolbar" element"#,
            Plain,
            |a, _, _| Ok(Action::ElementPresent {
                css: text(a, 0),
                not: true
            })
        ),
        phrase!(
            "Content",
            r"(?:I )?should see N Q elements?",
            r#"Then I should see 3 "li.product" elements"#,
            Plain,
            |a, _, _| Ok(Action::ElementCount {
                count: number(a, 0)? as usize,
                css: text(a, 1)
            })
        ),
        phrase!(
            "Content",
            r"the Q field should contain Q",
            r#"Then the "user" field should contain "bob""#,
            Plain,
            |a, _, _| Ok(Action::FieldValue {
                field: text(a, 0),
                value: text(a, 1),
                not: false
            })
        ),
        phrase!(
            "Content",
            r"the Q field should not contain Q",
            r#"Then the "coupon" field should not contain "TEST""#,
            Plain,
            |a, _, _| Ok(Action::FieldValue {
                field: text(a, 0),
                value: text(a, 1),
                not: true
            })
        ),
        phrase!(
            "Content",
            r"the Q checkbox should be checked",
            r#"Then the "Remember me" checkbox should be checked"#,
            Plain,
            |a, _, _| Ok(Action::Checkbox {
                field: text(a, 0),
                checked: true
            })
        ),
        phrase!(
            "Content",
            r"the Q checkbox is checked",
            r#"Then the "Remember me" checkbox is checked"#,
            Plain,
            |a, _, _| Ok(Action::Checkbox {
                field: text(a, 0),
                checked: true
            })
        ),
        phrase!(
            "Content",
            r"the checkbox Q (?:is|should be) checked",
            r#"Then the checkbox "Remember me" is checked"#,
            Plain,
            |a, _, _| Ok(Action::Checkbox {
                field: text(a, 0),
                checked: true
            })
        ),
        phrase!(
            "Content",
            r"the Q checkbox should (?:be unchecked|not be checked)",
            r#"Then the "Newsletter" checkbox should not be checked"#,
            Plain,
            |a, _, _| Ok(Action::Checkbox {
                field: text(a, 0),
                checked: false
            })
        ),
        phrase!(
            "Content",
            r"the Q checkbox is (?:unchecked|not checked)",
            r#"Then the "Terms" checkbox is not checked"#,
            Plain,
            |a, _, _| Ok(Action::Checkbox {
                field: text(a, 0),
                checked: false
            })
        ),
        phrase!(
            "Content",
            r"the checkbox Q (?:should be|is) (?:unchecked|not checked)",
            r#"Then the checkbox "Newsletter" is unchecked"#,
            Plain,
            |a, _, _| Ok(Action::Checkbox {
                field: text(a, 0),
                checked: false
            })
        ),
        phrase!(
            "Content",
            r"the checkbox Q should not be checked",
            r#"Then the checkbox "Newsletter" should not be checked"#,
            Plain,
            |a, _, _| Ok(Action::Checkbox {
                field: text(a, 0),
                checked: false
            })
        ),
        phrase!(
            "Responses",
            r#"the JSON (?:value )?at Q should be (?:Q|([^\s"]+))"#,
            r#"Then the JSON at "/status" should be "ok""#,
            Plain,
            |a, _, _| json(a)
        ),
        phrase!(
            "Responses",
            r"the Q (?:response )?header should be Q",
            r#"Then the "Cache-Control" header should be "no-store""#,
            Plain,
            |a, _, _| Ok(Action::Header {
                name: text(a, 0),
                value: text(a, 1),
                contains: false
            })
        ),
        phrase!(
            "Responses",
            r"the Q (?:response )?header should contain Q",
            r#"Then the "Content-Type" response header should contain "json""#,
            Plain,
            |a, _, _| Ok(Action::Header {
                name: text(a, 0),
                value: text(a, 1),
                contains: true
            })
        ),
        phrase!(
            "Responses",
            r"the response time should be (?:under|less than|below) (\d+(?:\.\d+)?) ?(ms|milliseconds?|s|seconds?)",
            "Then the response time should be under 800 ms",
            Plain,
            |a, _, _| Ok(Action::ResponseTime(seconds(&text(a, 0), &text(a, 1))?))
        ),
        phrase!(
            "Waiting (in a browser)",
            r"(?:I )?wait (?:up to|at most) (\d+(?:\.\d+)?) ?(ms|milliseconds?|s|seconds?) (?:for|to see) Q",
            r#"Then I wait up to 5 seconds to see "Payment accepted""#,
            Plain,
            |a, _, _| Ok(Action::WaitText {
                within: seconds(&text(a, 0), &text(a, 1))?,
                text: text(a, 2)
            })
        ),
        phrase!(
            "Waiting (in a browser)",
            r"(?:I )?wait (?:up to|at most) (\d+(?:\.\d+)?) ?(ms|milliseconds?|s|seconds?) for (?:an? |the )?Q element",
            r##"When I wait up to 10 seconds for the "#results li" element"##,
            Plain,
            |a, _, _| Ok(Action::WaitElement {
                within: seconds(&text(a, 0), &text(a, 1))?,
                css: text(a, 2)
            })
        ),
        phrase!(
            "Services",
            r"the service (?:at|on) Q (?:answers|is up|accepts connections)",
            r#"Then the service at "db.internal:5432" answers"#,
            Plain,
            |a, _, _| service(a)
        ),
        phrase!(
            "Services",
            r"the certificate (?:of|for) Q (?:is|should be) valid for (?:at least )?N (?:more )?days?",
            r#"Then the certificate of "shop.example" is valid for 14 more days"#,
            Plain,
            |a, _, _| certificate(a)
        ),
        phrase!(
            "Services",
            r"the Nagios plugin Q (?:is|should be) OK",
            r#"Then the Nagios plugin "check_disk -w 10% -c 5% -p /" is OK"#,
            Plain,
            |a, _, c| Ok(Action::Plugin((c.plugin)(&text(a, 0))?))
        ),
    ];
    // `fill in the following:` expands its table in `parse`; `DocString`/`Table` are in use.
    let _ = (DocString, Table);
    PHRASES
}

/// A site is a whole URL: relative pages are joined to it.
fn site(text: &str) -> Result<Action, String> {
    match url::Url::parse(text) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(Action::Site(text.to_string())),
        Ok(u) => Err(format!(
            "the site `{text}` is not an http or https URL (it is {}:)",
            u.scheme()
        )),
        Err(e) => Err(format!(
            "the site `{text}` is not a URL ({e}): write it whole, as `https://{text}`"
        )),
    }
}

fn status(a: &[String], not: bool) -> Result<Action, String> {
    let code = number(a, 0)?;
    if !(100..=599).contains(&code) {
        return Err(format!("{code} is not an HTTP status code"));
    }
    Ok(Action::Status {
        code: code as u16,
        not,
    })
}

fn json(a: &[String]) -> Result<Action, String> {
    let pointer = text(a, 0);
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(format!(
            "`{pointer}` is not a JSON Pointer: it starts with `/` (or is empty for the whole document)"
        ));
    }
    let bare = text(a, 2);
    let expected = if bare.is_empty() {
        // A quoted value that reads as JSON ("3", "true") is compared as one.
        let raw = text(a, 1);
        serde_json::from_str(&raw).unwrap_or(serde_json::Value::String(raw))
    } else {
        serde_json::from_str(&bare)
            .map_err(|_| format!("`{bare}` is not a JSON value: quote a string (\"{bare}\")"))?
    };
    Ok(Action::Json { pointer, expected })
}

fn service(a: &[String]) -> Result<Action, String> {
    let (host, port) = host_port(&text(a, 0), None)?;
    Ok(Action::Service(TcpSpec {
        host,
        port,
        send: None,
        expect: None,
        case_sensitive: false,
        time: Default::default(),
    }))
}

fn certificate(a: &[String]) -> Result<Action, String> {
    let (host, port) = host_port(&text(a, 0), Some(443))?;
    let days = number(a, 1)? as i64;
    Ok(Action::Certificate(TlsSpec {
        sni: host.clone(),
        host,
        port,
        cert_days: CertDays {
            warn: None,
            crit: Some(days),
        },
        ca_cert: None,
    }))
}

struct Compiled {
    /// The phrasing anchored, compiled when a step first needs its captures: a suite uses a few
    /// of the phrasings, and the set finds which.
    pattern: String,
    regex: OnceLock<Regex>,
    /// The example, in the shape unknown steps are compared in.
    shape: String,
}

impl Compiled {
    fn regex(&self) -> &Regex {
        // Every pattern is a constant checked by the tests below.
        self.regex.get_or_init(|| {
            Regex::new(&self.pattern)
                .unwrap_or_else(|e| panic!("phrase `{}` does not compile: {e}", self.pattern))
        })
    }
}

fn compiled() -> &'static [Compiled] {
    &vocabulary().0
}

/// The values of a phrasing's example as written (quotes off, escapes kept), in order.
pub(super) fn example_values(phrase: usize) -> Vec<&'static str> {
    let (Some(c), Some(p)) = (compiled().get(phrase), phrases().get(phrase)) else {
        return Vec::new();
    };
    c.regex()
        .captures(example_step(p.example))
        .map(|caps| {
            caps.iter()
                .skip(1)
                .map(|m| m.map_or("", |m| m.as_str()))
                .collect()
        })
        .unwrap_or_default()
}

/// Every phrasing compiled, and all of them as one set: a step is matched against the set in
/// one pass, and only the phrasings it matches capture their values.
fn vocabulary() -> &'static (Vec<Compiled>, regex::RegexSet) {
    static COMPILED: OnceLock<(Vec<Compiled>, regex::RegexSet)> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let anchored: Vec<String> = phrases()
            .iter()
            .map(|p| format!("^{}$", placeholders(p.pattern)))
            .collect();
        let compiled = phrases()
            .iter()
            .zip(&anchored)
            .map(|(p, pattern)| Compiled {
                pattern: pattern.clone(),
                regex: OnceLock::new(),
                shape: shape(example_step(p.example)),
            })
            .collect();
        let set = regex::RegexSet::new(&anchored)
            .unwrap_or_else(|e| panic!("the phrasings do not compile as a set: {e}"));
        (compiled, set)
    })
}

/// `Q` (a quoted string) and `N` (a whole number) made regexes, where they stand apart from ASCII
/// letters and digits: `fill in Q with Q`, `Q を表示`, but not the N of `JSON`.
pub(super) fn placeholders(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() * 2);
    for (i, c) in chars.iter().enumerate() {
        match placeholder_at(&chars, i) {
            Some('Q') => out.push_str(Q),
            Some(_) => out.push_str(r"(\d+)"),
            None => out.push(*c),
        }
    }
    out
}

/// `Q` or `N` when the character at `i` of a pattern is that placeholder.
pub(super) fn placeholder_at(chars: &[char], i: usize) -> Option<char> {
    let apart = |c: Option<&char>| !c.is_some_and(char::is_ascii_alphanumeric);
    let c = *chars.get(i)?;
    let before = i.checked_sub(1).and_then(|j| chars.get(j));
    (matches!(c, 'Q' | 'N') && apart(before) && apart(chars.get(i + 1))).then_some(c)
}

/// The step of an example without its keyword and what follows its first line.
pub(super) fn example_step(example: &str) -> &str {
    let first = example.lines().next().unwrap_or_default();
    first.split_once(' ').map_or(first, |(_, rest)| rest)
}

/// A step with its quoted values and numbers replaced: what "close to" compares.
pub(super) fn shape(text: &str) -> String {
    static QUOTED: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (quoted, digits) = QUOTED.get_or_init(|| {
        (
            Regex::new(Q).unwrap_or_else(|e| panic!("{e}")),
            Regex::new(r"\d+").unwrap_or_else(|e| panic!("{e}")),
        )
    });
    let text = quoted.replace_all(text, "\"…\"");
    digits.replace_all(&text, "N").to_lowercase()
}

/// Why a step does not load.
#[derive(Debug, PartialEq, Eq)]
pub enum StepError {
    /// No phrasing matches; the closest examples.
    Unknown { closest: Vec<&'static str> },
    /// More than one matches: their examples.
    Ambiguous(Vec<&'static str>),
    /// It matches, but its values are wrong, or it lacks (or has) a table or doc string.
    Invalid(String),
}

/// Matches one step's text (keyword removed) to its actions.
pub fn parse(written: &Written, context: &Context) -> Result<Actions, StepError> {
    let text = written.text.trim();
    let (compiled, set) = vocabulary();
    let all = phrases();
    let mut matches: Vec<(usize, Vec<String>, &'static str)> = set
        .matches(text)
        .iter()
        .filter_map(|i| {
            compiled[i].regex().captures(text).map(|caps| {
                let values = caps
                    .iter()
                    .skip(1)
                    .map(|m| unescape(m.map_or("", |m| m.as_str())))
                    .collect();
                (i, values, all[i].example)
            })
        })
        .collect();
    // A translation that reads as another of the same phrasing, with the same values, is one.
    for found in vocabulary_i18n::matches(context.language, text) {
        if !matches.iter().any(|m| (m.0, &m.1) == (found.0, &found.1)) {
            matches.push(found);
        }
    }
    match matches.as_slice() {
        [] => Err(StepError::Unknown {
            closest: closest(text, context.language),
        }),
        [(i, values, _)] => {
            let phrase = &all[*i];
            let has = match (written.docstring, written.table) {
                (Some(_), _) => Extra::DocString,
                (None, Some(_)) => Extra::Table,
                _ => Extra::None,
            };
            if has != phrase.extra {
                return Err(StepError::Invalid(match phrase.extra {
                    Extra::None => format!(
                        "this step takes no {}",
                        if has == Extra::Table {
                            "table"
                        } else {
                            "doc string"
                        }
                    ),
                    Extra::DocString => "this step needs a doc string (\"\"\") below it".into(),
                    Extra::Table => "this step needs a table below it".into(),
                }));
            }
            if phrase.extra == Extra::Table {
                return fill_table(written.table.unwrap_or_default());
            }
            (phrase.build)(values, written, context)
                .map(|a| vec![a])
                .map_err(StepError::Invalid)
        }
        many => Err(StepError::Ambiguous(
            many.iter().map(|(_, _, example)| *example).collect(),
        )),
    }
}

/// `fill in the following:` with `| field | value |` rows.
fn fill_table(rows: &[Vec<String>]) -> Result<Actions, StepError> {
    if rows.is_empty() {
        return Err(StepError::Invalid("the table has no rows".into()));
    }
    rows.iter()
        .map(|row| match row.as_slice() {
            [field, value] => Ok(Action::Fill {
                field: field.clone(),
                value: value.clone(),
            }),
            _ => Err(StepError::Invalid(format!(
                "each row is `| field | value |`; this one has {} cells",
                row.len()
            ))),
        })
        .collect()
}

pub(super) fn unescape(text: &str) -> String {
    text.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// The three examples closest in shape to an unknown step, in English or the file's language.
fn closest(text: &str, language: &str) -> Vec<&'static str> {
    let wanted = shape(text);
    let mut scored: Vec<(f64, &'static str)> = compiled()
        .iter()
        .zip(phrases())
        .map(|(c, p)| (c.shape.as_str(), p.example))
        .chain(vocabulary_i18n::examples(language))
        .map(|(shape, example)| (strsim::normalized_levenshtein(&wanted, shape), example))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<&'static str> = Vec::new();
    for (_, example) in scored {
        if !out.contains(&example) {
            out.push(example);
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn context() -> Context<'static> {
        fn plugin(line: &str) -> Result<CommandSpec, String> {
            let words = shell_words::split(line).map_err(|e| e.to_string())?;
            Ok(CommandSpec {
                program: words.first().cloned().unwrap_or_default().into(),
                args: words[1..].to_vec(),
            })
        }
        Context {
            plugin: &plugin,
            dir: Path::new("/features"),
            language: "",
        }
    }

    fn one(text: &str) -> Result<Actions, StepError> {
        parse(
            &Written {
                text,
                docstring: None,
                table: None,
            },
            &context(),
        )
    }

    /// Each example parses to exactly one phrasing, its own: no two phrasings overlap there.
    /// An example as a feature file has it: its step, then doc string or table lines.
    pub(crate) struct Example {
        pub(crate) first: String,
        doc: String,
        table: Vec<Vec<String>>,
    }

    impl Example {
        pub(crate) fn of(example: &str) -> Example {
            let mut lines = example.lines();
            let first = example_step(lines.next().unwrap_or_default()).to_string();
            let rest: Vec<&str> = lines.map(str::trim).collect();
            let doc = rest
                .iter()
                .filter(|l| !l.starts_with("\"\"\""))
                .copied()
                .collect::<Vec<_>>()
                .join("\n");
            let table = rest
                .iter()
                .filter(|l| l.starts_with('|'))
                .map(|l| {
                    l.trim_matches('|')
                        .split('|')
                        .map(|c| c.trim().to_string())
                        .collect()
                })
                .collect();
            Example { first, doc, table }
        }

        pub(crate) fn written(&self, extra: Extra) -> Written<'_> {
            Written {
                text: &self.first,
                docstring: (extra == Extra::DocString).then_some(self.doc.as_str()),
                table: (extra == Extra::Table).then_some(self.table.as_slice()),
            }
        }
    }

    #[test]
    fn every_example_parses_as_its_own_phrase() {
        for (i, p) in phrases().iter().enumerate() {
            let example = Example::of(p.example);
            let first = example.first.as_str();
            let written = example.written(p.extra);
            let matched: Vec<usize> = compiled()
                .iter()
                .enumerate()
                .filter(|(_, c)| c.regex().is_match(first))
                .map(|(j, _)| j)
                .collect();
            assert_eq!(matched, vec![i], "example `{}`", p.example);
            assert!(
                parse(&written, &context()).is_ok(),
                "example `{}` does not build",
                p.example
            );
        }
    }

    #[test]
    fn phrasings_with_and_without_i_and_escaped_quotes() {
        let a = one(r#"I fill in "q" with "say \"hi\"""#).expect("parses");
        assert!(
            matches!(&a[0], Action::Fill { field, value } if field == "q" && value == "say \"hi\"")
        );
        let b = one(r#"fill in "q" with "x""#).expect("parses");
        assert!(matches!(&b[0], Action::Fill { .. }));
        assert!(matches!(
            one("the response status code should be 404").expect("parses")[0],
            Action::Status {
                code: 404,
                not: false
            }
        ));
    }

    #[test]
    fn unknown_steps_get_the_closest_phrasings() {
        let Err(StepError::Unknown { closest }) = one(r#"I shuold see "Welcome""#) else {
            panic!("expected unknown");
        };
        assert_eq!(closest[0], r#"Then I should see "Hello, shopper""#);
        let Err(StepError::Unknown { closest }) = one(r#"I click on "Sign in""#) else {
            panic!("expected unknown");
        };
        assert!(closest.len() == 3, "{closest:?}");
    }

    #[test]
    fn values_are_checked_when_the_step_loads() {
        assert_eq!(
            one("the response status code should be 999").unwrap_err(),
            StepError::Invalid("999 is not an HTTP status code".into())
        );
        assert_eq!(
            one(r#"the JSON at "status" should be "ok""#).unwrap_err(),
            StepError::Invalid(
                "`status` is not a JSON Pointer: it starts with `/` (or is empty for the whole document)"
                    .into()
            )
        );
        assert_eq!(
            one(r#"the service at "db" answers"#).unwrap_err(),
            StepError::Invalid("`db` has no port: write host:port".into())
        );
        assert_eq!(
            one(r#"the site "shop.example""#).unwrap_err(),
            StepError::Invalid(
                "the site `shop.example` is not a URL (relative URL without a base): write it whole, as `https://shop.example`"
                    .into()
            )
        );
        assert_eq!(
            one("I fill in the following:").unwrap_err(),
            StepError::Invalid("this step needs a table below it".into())
        );
        assert_eq!(
            one(r#"I should see text matching "(""#)
                .map(|_| ())
                .unwrap_err(),
            StepError::Invalid(
                "invalid pattern `(`: regex parse error:\n    (\n    ^\nerror: unclosed group"
                    .into()
            )
        );
    }

    /// The steps of a fixture feature file as (scenario, step text without its keyword), in
    /// order; doc strings and table rows left out.
    fn fixture_steps(name: &str) -> Vec<(String, String)> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/features")
            .join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut steps = Vec::new();
        let mut scenario = String::new();
        let mut in_doc = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("\"\"\"") {
                in_doc = !in_doc;
                continue;
            }
            if in_doc {
                continue;
            }
            if let Some(name) = line.strip_prefix("Scenario:") {
                scenario = name.trim().to_string();
            } else if let Some((keyword, step)) = line.split_once(' ') {
                if ["Given", "When", "Then", "And", "But"].contains(&keyword) {
                    steps.push((scenario.clone(), step.to_string()));
                }
            }
        }
        steps
    }

    /// The one phrasing a fixture step is written in.
    fn phrase_of(step: &str) -> usize {
        let matched: Vec<usize> = compiled()
            .iter()
            .enumerate()
            .filter(|(_, c)| c.regex().is_match(step))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(
            matched.len(),
            1,
            "fixture step `{step}` matches {matched:?}"
        );
        matched[0]
    }

    /// The phrasings that cannot fail when a scenario runs: they do nothing, or (the site) what
    /// is wrong with them is a load error (`values_are_checked_when_the_step_loads`).
    const CANNOT_FAIL: &[&str] = &[
        "Then print last response",
        r#"Given the site "https://shop.example""#,
    ];

    /// Every phrasing passes in `vocabulary.feature` (over HTTP) or `vocabulary_browser.feature`,
    /// and is the failing (last, or last before a status step that never runs) step of a
    /// scenario of `vocabulary_failing.feature` or
    /// `vocabulary_browser_failing.feature`, which `tests/integration/features_vocabulary.rs`
    /// runs: a phrasing added without being tested both ways fails here.
    #[test]
    fn every_phrasing_is_exercised_by_the_fixtures_passing_and_failing() {
        let mut passing = vec![false; phrases().len()];
        for file in ["vocabulary.feature", "vocabulary_browser.feature"] {
            for (_, step) in fixture_steps(file) {
                passing[phrase_of(&step)] = true;
            }
        }
        let mut failing = vec![false; phrases().len()];
        for file in [
            "vocabulary_failing.feature",
            "vocabulary_browser_failing.feature",
        ] {
            let steps = fixture_steps(file);
            // A scenario whose failing step is an action ends with a status step that never
            // runs (a scenario must check something): the step before it is the failing one.
            const NEVER_RUNS: &str = "the response status code should not be 599";
            for (i, (scenario, step)) in steps.iter().enumerate() {
                let last = steps.get(i + 1).is_none_or(|next| &next.0 != scenario);
                let acts_only = |s: &str| {
                    steps
                        .iter()
                        .filter(|(sc, st)| sc == s && st.as_str() != NEVER_RUNS)
                        .all(|(_, st)| !phrases()[phrase_of(st)].example.starts_with("Then"))
                };
                let before_never_runs = steps.get(i + 1).is_some_and(|next| {
                    &next.0 == scenario
                        && next.1 == NEVER_RUNS
                        && steps.get(i + 2).is_none_or(|after| &after.0 != scenario)
                        && acts_only(scenario)
                });
                if (last && !(step == NEVER_RUNS && acts_only(scenario))) || before_never_runs {
                    failing[phrase_of(step)] = true;
                }
            }
        }
        let missing = |hit: &[bool], skip: &[&str]| -> Vec<&str> {
            phrases()
                .iter()
                .zip(hit)
                .filter(|(p, hit)| !**hit && !skip.contains(&p.example))
                .map(|(p, _)| p.example)
                .collect()
        };
        assert_eq!(missing(&passing, &[]), Vec::<&str>::new(), "never passing");
        assert_eq!(
            missing(&failing, CANNOT_FAIL),
            Vec::<&str>::new(),
            "never failing"
        );
        for example in CANNOT_FAIL {
            assert!(phrases().iter().any(|p| p.example == *example), "{example}");
        }
    }

    #[test]
    fn mink_patterns_keep_their_delimiters_and_flags() {
        let Action::SeeMatch { pattern, .. } =
            &one(r#"I should see text matching "/hello/i""#).expect("parses")[0]
        else {
            panic!("not a match step");
        };
        assert!(pattern.is_match("HELLO there"));
    }
}
