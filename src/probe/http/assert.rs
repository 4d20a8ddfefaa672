//! Every assertion of an `http` check, one function each over a response that has been read
//! (status, body text, headers, JSON, time, certificate days), and the outcome they add up to,
//! with its perfdata and evidence. Unit-tested on synthetic responses. Must not do I/O.

use std::collections::BTreeMap;
use std::ops::Range;

use serde_json::value::RawValue;

use super::tls::{self, CertInfo};
use crate::model::spec::HttpSpec;
use crate::model::{Label, Outcome, Perfdata, State};
use crate::sanitize;

use super::decode::{decode_body, BodyText};
use super::Response;

/// Bytes of body shown around a match.
const EXCERPT: usize = 160;
/// Bytes of body shown from its start and from its end (a Traceback's last line is the clue).
const BODY_ENDS: usize = 600;

/// What the assertions found: failures in order, and the evidence that explains them.
#[derive(Default)]
struct Findings {
    /// Cuts the excerpts shown without splitting a secret.
    redact: crate::redact::Redactor,
    failures: Vec<(State, String)>,
    body_evidence: Option<String>,
    /// Body assertions a cut body could not settle either way.
    unsettled: Vec<String>,
    /// `cert_days`: the days-left perfdata, and the certificate when it is why the check fails.
    cert_perf: Option<Perfdata>,
    cert_evidence: Option<String>,
    /// A failure another try may not repeat: the response was slow.
    transient: bool,
}

impl Findings {
    fn fail(&mut self, message: String) {
        self.failures.push((State::Critical, message));
    }

    /// Shows the body's start and end unless a more telling excerpt was chosen.
    fn show_body(&mut self, text: &str) {
        let redact = &self.redact;
        self.body_evidence
            .get_or_insert_with(|| body_ends(redact, text));
    }

    fn state(&self) -> State {
        self.failures
            .iter()
            .fold(State::Ok, |acc, (s, _)| acc.worst(*s))
    }
}

/// Every assertion over one response, then the outcome with perfdata and evidence.
pub(super) fn judge_response(
    spec: &HttpSpec,
    response: &Response,
    redact: &crate::redact::Redactor,
) -> Outcome {
    let body = decode_body(&response.body, &response.headers, response.truncated);
    let text = body.text.as_str();
    let partial = why_partial(response);
    let mut found = Findings {
        redact: redact.clone(),
        ..Findings::default()
    };
    check_status(spec, response.status, &response.headers, text, &mut found);
    check_text(spec, &body, partial.is_some(), &mut found);
    check_headers(spec, &response.headers, &mut found);
    check_json(spec, text, partial.is_some(), &mut found);
    if let Some(why) = partial {
        check_unsettled(&why, text, &mut found);
    }
    check_time(spec, response.secs, &mut found);
    check_cert(spec, response.cert.as_ref(), &mut found);
    outcome(spec, response, found)
}

/// Why the text seen may not be the whole body.
pub(crate) fn why_partial(response: &Response) -> Option<String> {
    match &response.undecoded {
        Some(coding) => Some(format!(
            "body has Content-Encoding {coding:?}, which smokegate does not decode"
        )),
        None => response.truncated.then(|| {
            format!(
                "body larger than max_body ({} bytes read)",
                response.body.len()
            )
        }),
    }
}

/// The assertions a partial body could not settle fail together, saying why.
fn check_unsettled(why: &str, text: &str, found: &mut Findings) {
    if found.unsettled.is_empty() {
        return;
    }
    found.fail(format!(
        "{why}: cannot establish {}",
        found.unsettled.join(", ")
    ));
    found.show_body(text);
}

/// `time`: the response time against its Nagios ranges.
fn check_time(spec: &HttpSpec, secs: f64, found: &mut Findings) {
    let state = spec.time.state(secs);
    if state != State::Ok {
        found.transient = true;
        found.failures.push((
            state,
            format!(
                "response took {secs:.3} s (thresholds: warn {}, crit {})",
                show(&spec.time.warn),
                show(&spec.time.crit)
            ),
        ));
    }
}

/// `cert_days`: days left on the certificate the server presented. No certificate to look at
/// (plain http) is UNKNOWN, never a pass.
fn check_cert(spec: &HttpSpec, cert: Option<&Result<CertInfo, String>>, found: &mut Findings) {
    let Some(days) = &spec.cert_days else {
        return;
    };
    match cert {
        Some(Ok(info)) => {
            let judged = tls::judge(info, &Ok(()), days);
            if judged.state != State::Ok {
                found.failures.push((judged.state, judged.summary.clone()));
                found.cert_evidence = Some(info.evidence());
            }
            found.cert_perf = judged.perfdata.into_iter().next();
        }
        Some(Err(e)) => found.failures.push((State::Unknown, e.clone())),
        None => found.failures.push((
            State::Unknown,
            "no certificate to check (is the URL https?)".to_string(),
        )),
    }
}

/// The outcome the findings add up to: summary, perfdata, and evidence when something is wrong.
fn outcome(spec: &HttpSpec, response: &Response, found: Findings) -> Outcome {
    let (status, secs, size) = (response.status, response.secs, response.body.len());
    let state = found.state();
    let summary = if found.failures.is_empty() {
        format!("HTTP OK: {status} - {size} bytes in {secs:.3} s")
    } else {
        let messages: Vec<&str> = found.failures.iter().map(|(_, m)| m.as_str()).collect();
        format!("HTTP {state}: {}", messages.join("; "))
    };
    let mut outcome = Outcome::new(state, summary);
    let mut time = Perfdata::new("time", secs, "s");
    time.warn = spec.time.warn.as_ref().map(ToString::to_string);
    time.crit = spec.time.crit.as_ref().map(ToString::to_string);
    time.min = Some(0.0);
    let mut size_perf = Perfdata::new("size", size as f64, "B");
    size_perf.min = Some(0.0);
    outcome.perfdata = vec![time, size_perf];
    outcome.perfdata.extend(found.cert_perf);
    if state != State::Ok {
        outcome = outcome.with_evidence(Label::Request, spec.describe());
        if response.final_url != spec.url {
            outcome = outcome.with_evidence(Label::FinalUrl, response.final_url.to_string());
        }
        outcome = outcome.with_evidence(
            Label::Response,
            status_line(&response.version, status, &response.headers),
        );
        if let Some(b) = found.body_evidence {
            let label = if response.truncated {
                Label::BodyFirstBytes
            } else {
                Label::Body
            };
            outcome = outcome.with_evidence(label, b);
        }
        if let Some(c) = found.cert_evidence {
            outcome = outcome.with_evidence(Label::Certificate, c);
        }
    }
    if response.truncated {
        outcome = outcome.with_evidence(
            Label::BodyTruncated,
            format!("read the first {} bytes (max_body)", spec.max_body),
        );
    }
    // The server answered, whole and below 500, and the answer is wrong: asking again gets the
    // same answer. A slow answer, a 5xx, or what could not be established (UNKNOWN) may differ.
    if matches!(state, State::Warning | State::Critical)
        && !found.transient
        && status.as_u16() < 500
    {
        outcome = outcome.settle();
    }
    outcome
}

fn check_status(
    spec: &HttpSpec,
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    text: &str,
    found: &mut Findings,
) {
    let code = status.as_u16();
    let status_ok = if spec.status.is_empty() {
        status.is_success() || status.is_redirection()
    } else {
        spec.status.iter().any(|r| r.accepts(code))
    };
    if status_ok {
        return;
    }
    let wanted = if spec.status.is_empty() {
        "2xx or 3xx".to_string()
    } else {
        spec.status
            .iter()
            .map(|r| r.describe())
            .collect::<Vec<_>>()
            .join(" or ")
    };
    let location = headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|l| format!(" (Location: {l})"))
        .unwrap_or_default();
    found.fail(format!("status {status}, expected {wanted}{location}"));
    found.show_body(text);
}

/// `body_has`, `body_lacks` (case-insensitive unless `case_sensitive`), `body_matches` and
/// `body_lacks_match`. On a partial body, only what was seen settles an assertion; what must be
/// absent is also looked for in the bytes read as UTF-8, and as UTF-16 where they look like it
/// (a wrong charset label must not hide it).
fn check_text(spec: &HttpSpec, body: &BodyText, partial: bool, found: &mut Findings) {
    let text = body.text.as_str();
    let needles = !(spec.body_has.is_empty() && spec.body_lacks.is_empty());
    let views: Vec<(&str, Option<String>)> = std::iter::once(text)
        .chain(body.as_utf8.as_deref())
        .chain(body.as_utf16.as_deref())
        .map(|view| (view, (needles && !spec.case_sensitive).then(|| fold(view))))
        .collect();
    let find = |(view, folded): &(&str, Option<String>), needle: &str| match folded {
        Some(folded) => find_folded(view, folded, needle),
        None => view.find(needle).map(|at| at..at + needle.len()),
    };
    for needle in &spec.body_has {
        if find(&views[0], needle).is_none() {
            if partial {
                found.unsettled.push(format!("body_has {needle:?}"));
            } else {
                found.fail(format!("body lacks {needle:?}"));
                found.show_body(text);
            }
        }
    }
    for needle in &spec.body_lacks {
        let hit = views
            .iter()
            .find_map(|view| find(view, needle).map(|at| (view.0, at)));
        match hit {
            Some((view, at)) => {
                found.fail(format!("body contains {needle:?}"));
                found.body_evidence = Some(excerpt(&found.redact, view, at.start, at.len()));
            }
            None if partial => found.unsettled.push(format!("body_lacks {needle:?}")),
            None => {}
        }
    }
    for re in &spec.body_matches {
        // On a cut body a match that reaches the cut may only exist because of it (`$`, `\b`).
        let settled = re.find(text).filter(|m| !partial || m.end() < text.len());
        if settled.is_none() {
            if partial {
                found.unsettled.push(format!("body_matches /{re}/"));
            } else {
                found.fail(format!("body does not match /{re}/"));
                found.show_body(text);
            }
        }
    }
    for re in &spec.body_lacks_match {
        let hit = views
            .iter()
            .find_map(|(view, _)| re.find(view).map(|m| (*view, m)));
        match hit {
            Some((view, m)) => {
                found.fail(format!("body matches /{re}/: {:?}", m.as_str()));
                found.body_evidence = Some(excerpt(&found.redact, view, m.start(), m.len()));
            }
            None if partial => found.unsettled.push(format!("body_lacks_match /{re}/")),
            None => {}
        }
    }
}

/// `response_headers`: a header sent several times is one value, its fields joined by commas
/// (RFC 9110) — `X-Frame-Options: ALLOWALL` and `DENY` are not `DENY` to a browser. Set-Cookie
/// alone is separate cookies: it passes when any of them matches.
fn check_headers(spec: &HttpSpec, headers: &reqwest::header::HeaderMap, found: &mut Findings) {
    for rule in &spec.response_headers {
        let values: Vec<String> = headers
            .get_all(&rule.name)
            .iter()
            .map(|v| sanitize::text_from_bytes(v.as_bytes()))
            .collect();
        match values.as_slice() {
            [] => found.fail(format!(
                "header {} is missing, expected {:?}",
                rule.name, rule.pattern
            )),
            values
                if rule.name.eq_ignore_ascii_case("set-cookie")
                    && values.iter().any(|v| rule.matcher.is_match(v)) => {}
            [one] if rule.matcher.is_match(one) => {}
            [one] => found.fail(format!(
                "header {}: {one:?} does not match {:?}",
                rule.name, rule.pattern
            )),
            many if !rule.name.eq_ignore_ascii_case("set-cookie") => {
                let whole = many.join(", ");
                if !rule.matcher.is_match(&whole) {
                    found.fail(format!(
                        "header {}: {whole:?} (sent {} times, one value) does not match {:?}",
                        rule.name,
                        many.len(),
                        rule.pattern
                    ));
                }
            }
            many => found.fail(format!(
                "header {}: none of its {} values ({}) matches {:?}",
                rule.name,
                many.len(),
                many.iter()
                    .map(|v| format!("{v:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                rule.pattern
            )),
        }
    }
}

/// `json`: each pointer's value, numbers compared exactly by their decimal value.
fn check_json(spec: &HttpSpec, text: &str, partial: bool, found: &mut Findings) {
    if spec.json.is_empty() {
        return;
    }
    if partial {
        found.unsettled.extend(
            spec.json
                .iter()
                .map(|(pointer, _)| format!("json {pointer}")),
        );
        return;
    }
    let doc = match serde_json::from_str::<&RawValue>(text) {
        Ok(doc) => doc,
        Err(e) => {
            found.fail(format!("body is not JSON: {e}"));
            found.show_body(text);
            return;
        }
    };
    for (pointer, expected) in &spec.json {
        match json_pointer(doc, pointer) {
            None => found.fail(format!("JSON {pointer} is missing, expected {expected}")),
            Some(value) if !json_matches(value, expected) => found.fail(format!(
                "JSON {pointer} is {}, expected {expected}",
                shorten(&found.redact, value.get().trim(), EXCERPT)
            )),
            Some(_) => {}
        }
    }
}

/// The status line and the headers that explain failures.
pub(super) fn status_line(
    proto: &str,
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
) -> String {
    let mut out = format!("{proto} {status}");
    for name in [
        "content-type",
        "content-length",
        "location",
        "server",
        "www-authenticate",
        "cache-control",
    ] {
        if let Some(v) = headers.get(name) {
            out.push_str(&format!(
                "\n{name}: {}",
                sanitize::text_from_bytes(v.as_bytes())
            ));
        }
    }
    out
}

/// Up to EXCERPT characters around `text[at..at+len]` (or from the start), escaped.
pub(super) fn excerpt(
    redact: &crate::redact::Redactor,
    text: &str,
    at: usize,
    len: usize,
) -> String {
    if text.is_empty() {
        return "(empty body)".to_string();
    }
    let start = floor(text, at.saturating_sub(EXCERPT / 2));
    let end = floor(
        text,
        (at + len + EXCERPT / 2)
            .max(start + EXCERPT)
            .min(text.len()),
    );
    // No secret is cut in two (half of one would escape the mask).
    let (start, end) = redact.widen(text, start, end);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&sanitize::clean(&text[start..end]));
    if end < text.len() {
        out.push('…');
    }
    out
}

/// The body's first and last BODY_ENDS bytes (all of it when short), escaped.
pub(super) fn body_ends(redact: &crate::redact::Redactor, text: &str) -> String {
    if text.is_empty() {
        return "(empty body)".to_string();
    }
    if text.len() <= 2 * BODY_ENDS + EXCERPT {
        return sanitize::clean(text);
    }
    let (_, head) = redact.widen(text, 0, floor(text, BODY_ENDS));
    let (tail, _) = redact.widen(text, ceil(text, text.len() - BODY_ENDS), text.len());
    let tail = tail.max(head);
    format!(
        "{}\n… ({} bytes) …\n{}",
        sanitize::clean(&text[..head]),
        tail - head,
        sanitize::clean(&text[tail..])
    )
}

/// At most `max` bytes of `text`, escaped, with "…" when cut.
pub(super) fn shorten(redact: &crate::redact::Redactor, text: &str, max: usize) -> String {
    let (_, end) = redact.widen(text, 0, floor(text, max));
    let more = if end < text.len() { "…" } else { "" };
    format!("{}{more}", sanitize::clean(&text[..end]))
}

use crate::sanitize::{ceil_boundary as ceil, floor_boundary as floor};

/// Unicode lowercase, char by char, with the final sigma folded to sigma: what
/// case-insensitive text assertions compare.
fn fold_char(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l })
}

fn fold(text: &str) -> String {
    text.chars().flat_map(fold_char).collect()
}

/// Where `needle` is in `text`, ignoring case: searched in `folded` (= `fold(text)`) and mapped
/// back to `text`'s bytes.
fn find_folded(text: &str, folded: &str, needle: &str) -> Option<Range<usize>> {
    let needle = fold(needle);
    let at = folded.find(&needle)?;
    Some(original_range(text, at..at + needle.len()))
}

/// The bytes of `text` whose folded form covers `range` of the folded text.
fn original_range(text: &str, range: Range<usize>) -> Range<usize> {
    let mut folded = 0;
    let mut start = text.len();
    for (i, c) in text.char_indices() {
        let next = folded + fold_char(c).map(char::len_utf8).sum::<usize>();
        if start == text.len() && next > range.start {
            start = i;
        }
        if next >= range.end && start != text.len() {
            return start..i + c.len_utf8();
        }
        folded = next;
    }
    start..text.len()
}

/// Where `needle` is in `text`, ignoring case (Unicode lowercase) unless `case_sensitive`.
pub(crate) fn find_text(text: &str, needle: &str, case_sensitive: bool) -> Option<Range<usize>> {
    if case_sensitive {
        text.find(needle).map(|at| at..at + needle.len())
    } else {
        find_folded(text, &fold(text), needle)
    }
}

/// The value at a JSON Pointer (RFC 6901), as its raw text.
pub(crate) fn json_pointer<'a>(doc: &'a RawValue, pointer: &str) -> Option<&'a RawValue> {
    if pointer.is_empty() {
        return Some(doc);
    }
    let mut current = doc;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        let raw = current.get().trim_start();
        current = if raw.starts_with('{') {
            let mut object: BTreeMap<String, &'a RawValue> =
                serde_json::from_str(current.get()).ok()?;
            object.remove(&token)?
        } else if raw.starts_with('[') {
            let array: Vec<&'a RawValue> = serde_json::from_str(current.get()).ok()?;
            if token.starts_with('+') || (token.len() > 1 && token.starts_with('0')) {
                return None;
            }
            *array.get(token.parse::<usize>().ok()?)?
        } else {
            return None;
        };
    }
    Some(current)
}

/// Whether a value found in the body equals the expected one: numbers by exact decimal value
/// (`1` = `1.0`, `9007199254740993` ≠ `9007199254740992`), everything else structurally.
pub(crate) fn json_matches(found: &RawValue, expected: &serde_json::Value) -> bool {
    use serde_json::Value;
    let raw = found.get().trim();
    match expected {
        Value::Number(n) => match (decimal(raw), decimal(&n.to_string())) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        Value::Array(items) => serde_json::from_str::<Vec<&RawValue>>(raw).is_ok_and(|values| {
            values.len() == items.len() && values.iter().zip(items).all(|(f, e)| json_matches(f, e))
        }),
        Value::Object(fields) => serde_json::from_str::<BTreeMap<String, &RawValue>>(raw)
            .is_ok_and(|values| {
                values.len() == fields.len()
                    && fields
                        .iter()
                        .all(|(k, e)| values.get(k).is_some_and(|f| json_matches(f, e)))
            }),
        other => serde_json::from_str::<Value>(raw).is_ok_and(|v| &v == other),
    }
}

/// A JSON number's exact value as (negative, significant digits, exponent of the last digit);
/// zero is (false, "", 0). None for text that is not a JSON number.
fn decimal(text: &str) -> Option<(bool, String, i128)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i128>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits_only(int) || !digits_only(frac) || mantissa.ends_with('.') {
        return None;
    }
    let all = format!("{int}{frac}");
    let significant = all.trim_start_matches('0');
    let trimmed = significant.trim_end_matches('0');
    if trimmed.is_empty() {
        return Some((false, String::new(), 0));
    }
    let dropped = (significant.len() - trimmed.len()) as i128;
    let exponent = exponent - frac.len() as i128 + dropped;
    Some((negative, trimmed.to_string(), exponent))
}

fn show(range: &Option<crate::model::range::Range>) -> String {
    range.as_ref().map_or("-".to_string(), ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::range::{Range, Thresholds};
    use crate::model::spec::{CertDays, HeaderRule, StatusRule};
    use crate::redact::Redactor;
    use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

    // Synthetic responses, judged without a server: one test per assertion kind.

    fn spec() -> HttpSpec {
        HttpSpec::request(
            reqwest::Method::GET,
            reqwest::Url::parse("http://shop.test/").expect("url"),
            1 << 20,
        )
    }

    fn response(code: u16, headers: &[(&str, &str)], body: &str) -> Response {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        Response {
            status: reqwest::StatusCode::from_u16(code).expect("status"),
            version: "HTTP/1.1".to_string(),
            final_url: reqwest::Url::parse("http://shop.test/").expect("url"),
            headers: map,
            cert: None,
            body: body.as_bytes().to_vec(),
            truncated: false,
            undecoded: None,
            secs: 0.042,
        }
    }

    fn evidence(outcome: &Outcome, label: Label) -> Option<&str> {
        outcome
            .evidence
            .iter()
            .find(|e| e.label == label)
            .map(|e| e.text.as_str())
    }

    #[test]
    fn a_response_that_meets_everything_is_ok_with_time_and_size() {
        let outcome = judge_response(&spec(), &response(200, &[], "hello"), &Redactor::none());
        assert_eq!(outcome.state, State::Ok);
        assert_eq!(outcome.summary, "HTTP OK: 200 OK - 5 bytes in 0.042 s");
        let perf: Vec<(&str, Option<f64>)> = outcome
            .perfdata
            .iter()
            .map(|p| (p.label.as_str(), p.value))
            .collect();
        assert_eq!(perf, [("time", Some(0.042)), ("size", Some(5.0))]);
        assert!(outcome.evidence.is_empty());
    }

    #[test]
    fn status_defaults_to_2xx_or_3xx_and_names_a_redirect_target() {
        let redirect = response(302, &[("location", "/login")], "");
        assert_eq!(
            judge_response(&spec(), &redirect, &Redactor::none()).state,
            State::Ok
        );
        let mut exact = spec();
        exact.status = vec![StatusRule::Code(200), StatusRule::Class(2)];
        let outcome = judge_response(&exact, &redirect, &Redactor::none());
        assert_eq!(outcome.state, State::Critical);
        assert_eq!(
            outcome.summary,
            "HTTP CRITICAL: status 302 Found, expected 200 or 2xx (Location: /login)"
        );
        let missing = judge_response(
            &spec(),
            &response(404, &[], "no such page"),
            &Redactor::none(),
        );
        assert_eq!(
            missing.summary,
            "HTTP CRITICAL: status 404 Not Found, expected 2xx or 3xx"
        );
        assert_eq!(evidence(&missing, Label::Body), Some("no such page"));
        assert_eq!(
            evidence(&missing, Label::Response).map(|r| r.lines().next()),
            Some(Some("HTTP/1.1 404 Not Found"))
        );
    }

    #[test]
    fn body_text_ignores_case_unless_told_and_shows_where_it_was_found() {
        let mut has = spec();
        has.body_has = vec!["welcome".to_string()];
        assert_eq!(
            judge_response(&has, &response(200, &[], "WELCOME back"), &Redactor::none()).state,
            State::Ok
        );
        has.case_sensitive = true;
        let outcome = judge_response(&has, &response(200, &[], "WELCOME back"), &Redactor::none());
        assert_eq!(outcome.summary, "HTTP CRITICAL: body lacks \"welcome\"");

        let mut lacks = spec();
        lacks.body_lacks = vec!["lorem ipsum".to_string()];
        let outcome = judge_response(
            &lacks,
            &response(200, &[], "Our shop. Lorem Ipsum dolor"),
            &Redactor::none(),
        );
        assert_eq!(
            outcome.summary,
            "HTTP CRITICAL: body contains \"lorem ipsum\""
        );
        assert!(evidence(&outcome, Label::Body).is_some_and(|b| b.contains("Lorem Ipsum")));
    }

    #[test]
    fn regexes_must_match_or_must_not() {
        let mut re = spec();
        re.body_matches = vec![regex::Regex::new(r"v\d+\.\d+").expect("re")];
        re.body_lacks_match = vec![regex::Regex::new(r"(?i)traceback").expect("re")];
        assert_eq!(
            judge_response(&re, &response(200, &[], "version v1.4"), &Redactor::none()).state,
            State::Ok
        );
        let outcome = judge_response(
            &re,
            &response(200, &[], "Traceback (most recent)"),
            &Redactor::none(),
        );
        assert_eq!(
            outcome.summary,
            "HTTP CRITICAL: body does not match /v\\d+\\.\\d+/; body matches /(?i)traceback/: \"Traceback\""
        );
    }

    #[test]
    fn a_cut_body_settles_only_what_it_shows() {
        let mut cut = spec();
        cut.body_has = vec!["footer".to_string()];
        cut.body_lacks = vec!["secret".to_string(), "debug".to_string()];
        let mut partial = response(200, &[], "header DEBUG");
        partial.truncated = true;
        let outcome = judge_response(&cut, &partial, &Redactor::none());
        assert_eq!(outcome.state, State::Critical);
        assert_eq!(
            outcome.summary,
            "HTTP CRITICAL: body contains \"debug\"; body larger than max_body (12 bytes read): \
             cannot establish body_has \"footer\", body_lacks \"secret\""
        );
        assert!(evidence(&outcome, Label::BodyTruncated).is_some());
        let mut undecoded = response(200, &[], "xyz");
        undecoded.undecoded = Some("zstd".to_string());
        let mut lacks = spec();
        lacks.body_lacks = vec!["secret".to_string()];
        assert_eq!(
            judge_response(&lacks, &undecoded, &Redactor::none()).summary,
            "HTTP CRITICAL: body has Content-Encoding \"zstd\", which smokegate does not decode: \
             cannot establish body_lacks \"secret\""
        );
    }

    #[test]
    fn headers_pass_when_any_repeated_value_matches() {
        let rule = |name: &str, pattern: &str| HeaderRule {
            name: name.to_string(),
            pattern: pattern.to_string(),
            matcher: globset::Glob::new(pattern).expect("glob").compile_matcher(),
        };
        let mut headers = spec();
        headers.response_headers = vec![rule("set-cookie", "session=*")];
        let two = response(
            200,
            &[("set-cookie", "a=1"), ("set-cookie", "session=x")],
            "",
        );
        assert_eq!(
            judge_response(&headers, &two, &Redactor::none()).state,
            State::Ok
        );
        headers.response_headers =
            vec![rule("set-cookie", "sid=*"), rule("x-frame-options", "DENY")];
        let outcome = judge_response(&headers, &two, &Redactor::none());
        assert_eq!(
            outcome.summary,
            "HTTP CRITICAL: header set-cookie: none of its 2 values (\"a=1\", \"session=x\") \
             matches \"sid=*\"; header x-frame-options is missing, expected \"DENY\""
        );
    }

    #[test]
    fn json_values_compare_exactly_and_a_non_json_body_says_so() {
        let mut json = spec();
        json.json = vec![
            ("/version".to_string(), serde_json::json!("1.4.2")),
            ("/count".to_string(), serde_json::json!(3)),
        ];
        let ok = response(200, &[], r#"{"version": "1.4.2", "count": 3.0}"#);
        assert_eq!(
            judge_response(&json, &ok, &Redactor::none()).state,
            State::Ok
        );
        let wrong = response(200, &[], r#"{"version": "1.4.1"}"#);
        assert_eq!(
            judge_response(&json, &wrong, &Redactor::none()).summary,
            "HTTP CRITICAL: JSON /version is \"1.4.1\", expected \"1.4.2\"; \
             JSON /count is missing, expected 3"
        );
        let html = judge_response(&json, &response(200, &[], "<html>"), &Redactor::none());
        assert!(
            html.summary
                .starts_with("HTTP CRITICAL: body is not JSON: "),
            "{}",
            html.summary
        );
    }

    /// A whole answer below 500 that is wrong is settled (a retry gets it again); a slow one, a
    /// 5xx, or one that passes is not.
    #[test]
    fn only_a_whole_wrong_answer_below_500_is_settled() {
        let mut lacks = spec();
        lacks.body_has = vec!["Welcome".into()];
        let settled = |spec: &HttpSpec, code: u16| {
            let outcome = judge_response(spec, &response(code, &[], "hello"), &Redactor::none());
            (outcome.state, outcome.settled)
        };
        assert_eq!(settled(&lacks, 200), (State::Critical, true));
        assert_eq!(settled(&lacks, 404), (State::Critical, true));
        assert_eq!(settled(&lacks, 503), (State::Critical, false));
        assert_eq!(settled(&spec(), 200), (State::Ok, false));
        let mut slow = lacks.clone();
        slow.time = Thresholds {
            warn: Some(Range::parse("0.01").expect("range")),
            crit: None,
        };
        assert_eq!(settled(&slow, 200), (State::Critical, false));
    }

    #[test]
    fn slow_responses_raise_the_state_their_range_gives() {
        let mut slow = spec();
        slow.time = Thresholds {
            warn: Some(Range::parse("0.01").expect("range")),
            crit: Some(Range::parse("1").expect("range")),
        };
        let outcome = judge_response(&slow, &response(200, &[], ""), &Redactor::none());
        assert_eq!(outcome.state, State::Warning);
        assert_eq!(
            outcome.summary,
            "HTTP WARNING: response took 0.042 s (thresholds: warn 0.01, crit 1)"
        );
        assert_eq!(outcome.perfdata[0].warn.as_deref(), Some("0.01"));
    }

    #[test]
    fn certificate_days_without_a_certificate_are_unknown_never_a_pass() {
        let mut days = spec();
        days.cert_days = Some(CertDays {
            warn: Some(30),
            crit: Some(7),
        });
        let outcome = judge_response(&days, &response(200, &[], ""), &Redactor::none());
        assert_eq!(outcome.state, State::Unknown);
        assert_eq!(
            outcome.summary,
            "HTTP UNKNOWN: no certificate to check (is the URL https?)"
        );
        let mut broken = response(200, &[], "");
        broken.cert = Some(Err("cannot parse the certificate".to_string()));
        assert_eq!(
            judge_response(&days, &broken, &Redactor::none()).summary,
            "HTTP UNKNOWN: cannot parse the certificate"
        );
    }

    #[test]
    fn decimals_compare_by_exact_value() {
        let eq = |a: &str, b: &str| decimal(a).is_some() && decimal(a) == decimal(b);
        assert!(eq("1", "1.0"));
        assert!(eq("100", "1e2"));
        assert!(eq("0.25", "25E-2"));
        assert!(eq("-0", "0.000"));
        assert!(eq("1e400", "10e399"));
        assert!(!eq("9007199254740993", "9007199254740992"));
        assert!(!eq("0.1", "0.10000000000000001"));
        assert!(!eq("-1", "1"));
        for not_a_number in ["", "-", "1.", ".5", "01x", "1e", "\"1\"", "true"] {
            assert_eq!(decimal(not_a_number), None, "{not_a_number}");
        }
    }

    #[test]
    fn json_values_are_found_by_pointer_and_compared_on_their_text() {
        let doc: &RawValue =
            serde_json::from_str(r#"{"a/b": {"~x": [10, 2.50]}, "n": 9007199254740993}"#)
                .expect("json");
        let at = |p: &str| json_pointer(doc, p).map(|v| v.get().to_string());
        assert_eq!(at("/a~1b/~0x/1").as_deref(), Some("2.50"));
        assert_eq!(at("/a~1b/~0x/01"), None);
        assert_eq!(at("/missing"), None);
        let n = json_pointer(doc, "/n").expect("n");
        assert!(json_matches(n, &serde_json::json!(9007199254740993_u64)));
        assert!(!json_matches(n, &serde_json::json!(9007199254740992_u64)));
        let list = json_pointer(doc, "/a~1b/~0x").expect("list");
        assert!(json_matches(list, &serde_json::json!([10.0, 2.5])));
        assert!(!json_matches(list, &serde_json::json!([10, 2.5, 1])));
    }

    #[test]
    fn case_insensitive_matches_map_back_to_the_text_as_written() {
        let text = "İİ ΟΔΟΣ Lorem Ipsum";
        let at = find_text(text, "lorem ipsum", false).expect("found");
        assert_eq!(&text[at], "Lorem Ipsum");
        let at = find_text(text, "οδος", false).expect("final sigma");
        assert_eq!(&text[at], "ΟΔΟΣ");
        let at = find_text(text, "i̇i̇", false).expect("dotted capital I");
        assert_eq!(&text[at], "İİ");
        assert_eq!(find_text(text, "lorem", true), None);
    }

    #[test]
    fn long_bodies_show_their_start_and_end() {
        let body = format!("{}{}{}", "head ", "x".repeat(5000), " tail");
        let shown = body_ends(&crate::redact::Redactor::none(), &body);
        assert!(shown.starts_with("head xx"));
        assert!(shown.ends_with("xx tail"));
        assert!(shown.contains("\n… (3810 bytes) …\n"), "{shown}");
        assert_eq!(
            body_ends(&crate::redact::Redactor::none(), "short"),
            "short"
        );
    }
}
