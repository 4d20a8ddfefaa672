//! The `http` probe: one request through a client shared by the run, then every assertion
//! (status, body, headers, JSON, time, certificate days), each failing with its own message, and
//! evidence (status line, headers, a body excerpt) when something is wrong. Secrets given for
//! authentication are masked in everything it returns. Must not retry, time itself out or print.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use globset::GlobMatcher;
use regex::Regex;

use super::tls::{self, CertDays, CertInfo};
use super::ProbeCtx;
use crate::model::{Outcome, Perfdata, State};
use crate::range::Thresholds;
use crate::sanitize;

/// Bytes of body shown around a match.
const EXCERPT: usize = 160;
/// Bytes of body shown from its start (a Traceback or an error page is the clue).
const BODY_START: usize = 600;
/// Redirects followed before a loop is declared.
const MAX_REDIRECTS: usize = 10;

#[derive(Clone, Debug)]
pub enum Auth {
    Basic { user: String, password: String },
    Bearer(String),
}

/// One accepted status: an exact code or a class (`2` for "2xx").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusRule {
    Code(u16),
    Class(u16),
}

impl StatusRule {
    fn accepts(self, code: u16) -> bool {
        match self {
            StatusRule::Code(c) => c == code,
            StatusRule::Class(k) => code / 100 == k,
        }
    }

    fn describe(self) -> String {
        match self {
            StatusRule::Code(c) => c.to_string(),
            StatusRule::Class(k) => format!("{k}xx"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct HeaderRule {
    pub name: String,
    pub pattern: String,
    pub matcher: GlobMatcher,
}

#[derive(Clone, Debug)]
pub struct HttpSpec {
    pub url: reqwest::Url,
    pub method: reqwest::Method,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub auth: Option<Auth>,
    pub follow_redirects: bool,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
    /// Empty: 2xx or 3xx.
    pub status: Vec<StatusRule>,
    pub body_has: Vec<String>,
    pub body_lacks: Vec<String>,
    pub body_matches: Vec<Regex>,
    pub body_lacks_match: Vec<Regex>,
    pub response_headers: Vec<HeaderRule>,
    /// JSON Pointer -> expected value.
    pub json: Vec<(String, serde_json::Value)>,
    /// Seconds, in Nagios range syntax.
    pub time: Thresholds,
    pub max_body: usize,
    pub cert_days: Option<CertDays>,
}

impl HttpSpec {
    pub fn describe(&self) -> String {
        format!("{} {}", self.method, self.url)
    }

    /// Values that must never appear in any output.
    fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        match &self.auth {
            Some(Auth::Basic { password, .. }) if !password.is_empty() => {
                secrets.push(password.clone())
            }
            Some(Auth::Bearer(token)) if !token.is_empty() => secrets.push(token.clone()),
            _ => {}
        }
        if let Some(pw) = self.url.password() {
            secrets.push(pw.to_string());
        }
        secrets
    }
}

/// insecure, follow_redirects, ca_cert: what makes two checks need different clients.
type ClientKey = (bool, bool, Option<PathBuf>);

/// HTTP clients shared by a run, one per combination of client settings, so that checks against
/// the same host reuse connections.
#[derive(Default)]
pub struct Clients {
    by_settings: Mutex<HashMap<ClientKey, reqwest::Client>>,
}

impl std::fmt::Debug for Clients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clients")
    }
}

impl Clients {
    fn get(&self, spec: &HttpSpec) -> Result<reqwest::Client, String> {
        let key = (spec.insecure, spec.follow_redirects, spec.ca_cert.clone());
        let mut map = self
            .by_settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = map.get(&key) {
            return Ok(client.clone());
        }
        tls::install_crypto();
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("smokegate/", env!("CARGO_PKG_VERSION")))
            .redirect(if spec.follow_redirects {
                reqwest::redirect::Policy::limited(MAX_REDIRECTS)
            } else {
                reqwest::redirect::Policy::none()
            })
            .danger_accept_invalid_certs(spec.insecure)
            .tls_info(true)
            .no_proxy()
            .pool_max_idle_per_host(256);
        if let Some(path) = &spec.ca_cert {
            for der in tls::read_pem_certs(path)? {
                let cert = reqwest::Certificate::from_der(&der).map_err(|e| e.to_string())?;
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        map.insert(key, client.clone());
        Ok(client)
    }
}

pub async fn run(spec: &HttpSpec, ctx: &ProbeCtx) -> Outcome {
    let outcome = run_unmasked(spec, ctx).await;
    mask(outcome, &spec.secrets())
}

async fn run_unmasked(spec: &HttpSpec, ctx: &ProbeCtx) -> Outcome {
    let client = match ctx.shared.http.get(spec) {
        Ok(c) => c,
        Err(e) => return Outcome::unknown(e),
    };
    let mut request = client.request(spec.method.clone(), spec.url.clone());
    for (name, value) in &spec.headers {
        request = request.header(name, value);
    }
    if let Some(body) = &spec.body {
        request = request.body(body.clone());
    }
    match &spec.auth {
        Some(Auth::Basic { user, password }) => request = request.basic_auth(user, Some(password)),
        Some(Auth::Bearer(token)) => request = request.bearer_auth(token),
        None => {}
    }

    let start = Instant::now();
    let mut response = match request.send().await {
        Ok(r) => r,
        Err(e) => return request_failed(spec, &e).await,
    };
    let status = response.status();
    let version = format!("{:?}", response.version());
    let final_url = response.url().clone();
    let headers = response.headers().clone();
    let cert = response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate())
        .map(CertInfo::parse);

    // Read at most max_body bytes; a larger body is cut, not buffered.
    let mut body = Vec::new();
    let mut truncated = false;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = spec.max_body.saturating_sub(body.len());
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                return Outcome::new(
                    State::Critical,
                    format!(
                        "HTTP CRITICAL - reading the body of {}: {}",
                        spec.url,
                        error_chain(&e)
                    ),
                )
                .with_evidence("response", status_line(&version, status, &headers));
            }
        }
    }
    drop(response);
    let secs = tls::round_ms(start.elapsed().as_secs_f64());
    let text = String::from_utf8_lossy(&body);

    let mut failures: Vec<(State, String)> = Vec::new();
    let mut evidence_body: Option<String> = None;

    let code = status.as_u16();
    let status_ok = if spec.status.is_empty() {
        status.is_success() || status.is_redirection()
    } else {
        spec.status.iter().any(|r| r.accepts(code))
    };
    if !status_ok {
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
        failures.push((
            State::Critical,
            format!("status {status}, expected {wanted}{location}"),
        ));
        evidence_body.get_or_insert_with(|| body_start(&text));
    }
    for needle in &spec.body_has {
        if !text.contains(needle.as_str()) {
            failures.push((State::Critical, format!("body lacks {needle:?}")));
            evidence_body.get_or_insert_with(|| body_start(&text));
        }
    }
    for needle in &spec.body_lacks {
        if let Some(at) = text.find(needle.as_str()) {
            failures.push((State::Critical, format!("body contains {needle:?}")));
            evidence_body = Some(excerpt(&text, at, needle.len()));
        }
    }
    for re in &spec.body_matches {
        if !re.is_match(&text) {
            failures.push((State::Critical, format!("body does not match /{re}/")));
            evidence_body.get_or_insert_with(|| body_start(&text));
        }
    }
    for re in &spec.body_lacks_match {
        if let Some(m) = re.find(&text) {
            failures.push((
                State::Critical,
                format!("body matches /{re}/: {:?}", m.as_str()),
            ));
            evidence_body = Some(excerpt(&text, m.start(), m.len()));
        }
    }
    for rule in &spec.response_headers {
        match headers
            .get(&rule.name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        {
            None => failures.push((
                State::Critical,
                format!(
                    "header {} is missing, expected {:?}",
                    rule.name, rule.pattern
                ),
            )),
            Some(v) if !rule.matcher.is_match(&v) => failures.push((
                State::Critical,
                format!(
                    "header {}: {v:?} does not match {:?}",
                    rule.name, rule.pattern
                ),
            )),
            Some(_) => {}
        }
    }
    if !spec.json.is_empty() {
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Err(e) => {
                failures.push((State::Critical, format!("body is not JSON: {e}")));
                evidence_body.get_or_insert_with(|| body_start(&text));
            }
            Ok(doc) => {
                for (pointer, expected) in &spec.json {
                    match doc.pointer(pointer) {
                        None => failures.push((
                            State::Critical,
                            format!("JSON {pointer} is missing, expected {expected}"),
                        )),
                        Some(found) if !json_equal(found, expected) => failures.push((
                            State::Critical,
                            format!("JSON {pointer} is {found}, expected {expected}"),
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
    }
    let time_state = spec.time.state(secs);
    if time_state != State::Ok {
        failures.push((
            time_state,
            format!(
                "response took {secs:.3} s (thresholds: warn {}, crit {})",
                show(&spec.time.warn),
                show(&spec.time.crit)
            ),
        ));
    }
    let mut cert_perf = None;
    let mut cert_evidence = None;
    if let Some(days) = &spec.cert_days {
        match &cert {
            Some(Ok(info)) => {
                let judged = tls::judge(info, &Ok(()), days);
                if judged.state != State::Ok {
                    failures.push((judged.state, judged.summary.clone()));
                    cert_evidence = Some(info.evidence());
                }
                cert_perf = judged.perfdata.into_iter().next();
            }
            Some(Err(e)) => failures.push((State::Unknown, e.clone())),
            None => failures.push((
                State::Unknown,
                "no certificate to check (is the URL https?)".to_string(),
            )),
        }
    }

    let state = failures.iter().fold(State::Ok, |acc, (s, _)| acc.worst(*s));
    let size = body.len();
    let summary = if failures.is_empty() {
        format!("HTTP OK: {status} - {size} bytes in {secs:.3} s")
    } else {
        let messages: Vec<&str> = failures.iter().map(|(_, m)| m.as_str()).collect();
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
    outcome.perfdata.extend(cert_perf);
    if state != State::Ok {
        outcome = outcome.with_evidence("request", spec.describe());
        if final_url != spec.url {
            outcome = outcome.with_evidence("final url", final_url.to_string());
        }
        outcome = outcome.with_evidence("response", status_line(&version, status, &headers));
        if let Some(b) = evidence_body {
            outcome = outcome.with_evidence(
                if truncated {
                    "body (first bytes read)"
                } else {
                    "body"
                },
                b,
            );
        }
        if let Some(c) = cert_evidence {
            outcome = outcome.with_evidence("certificate", c);
        }
    }
    if truncated {
        outcome = outcome.with_evidence(
            "body truncated",
            format!("read the first {} bytes (max_body)", spec.max_body),
        );
    }
    outcome
}

/// The request never got a response: say why, and describe a certificate that broke the handshake.
async fn request_failed(spec: &HttpSpec, err: &reqwest::Error) -> Outcome {
    let chain = error_chain(err);
    let target = spec.url.as_str();
    if err.is_redirect() {
        return Outcome::new(
            State::Critical,
            format!("HTTP CRITICAL - redirect loop or more than {MAX_REDIRECTS} redirects from {target}"),
        )
        .with_evidence("error", chain);
    }
    let lower = chain.to_lowercase();
    if lower.contains("connection refused") {
        return Outcome::new(
            State::Critical,
            format!("HTTP CRITICAL - connection refused: {target}"),
        );
    }
    let looks_tls = spec.url.scheme() == "https"
        && (lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake"));
    if looks_tls {
        let host = spec.url.host_str().unwrap_or_default();
        let port = spec.url.port_or_known_default().unwrap_or(443);
        if let Ok(inspection) = tls::inspect(host, port, host, spec.ca_cert.as_deref()).await {
            let judged = tls::judge(
                &inspection.cert,
                &inspection.verified,
                &spec.cert_days.unwrap_or_default(),
            );
            let mut outcome = Outcome::new(
                State::Critical,
                format!("HTTP CRITICAL - {}", judged.summary),
            )
            .with_evidence("certificate", inspection.cert.evidence())
            .with_evidence("error", chain);
            outcome.perfdata = judged.perfdata;
            return outcome;
        }
    }
    Outcome::new(
        State::Critical,
        format!("HTTP CRITICAL - {target}: {chain}"),
    )
}

/// An error and its sources, joined: reqwest's top-level message alone says too little.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// The status line and the headers that explain failures.
fn status_line(
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
fn excerpt(text: &str, at: usize, len: usize) -> String {
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

fn body_start(text: &str) -> String {
    if text.is_empty() {
        return "(empty body)".to_string();
    }
    let end = floor(text, BODY_START);
    let more = if end < text.len() { "…" } else { "" };
    format!("{}{more}", sanitize::clean(&text[..end]))
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Numbers compare by value (3 == 3.0); everything else structurally.
fn json_equal(found: &serde_json::Value, expected: &serde_json::Value) -> bool {
    match (found.as_f64(), expected.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => found == expected,
    }
}

fn show(range: &Option<crate::range::Range>) -> String {
    range.as_ref().map_or("-".to_string(), ToString::to_string)
}

/// Replaces every secret in every text of the outcome.
fn mask(mut outcome: Outcome, secrets: &[String]) -> Outcome {
    if secrets.is_empty() {
        return outcome;
    }
    let hide = |s: &mut String| {
        for secret in secrets {
            if s.contains(secret.as_str()) {
                *s = s.replace(secret.as_str(), "********");
            }
        }
    };
    hide(&mut outcome.summary);
    outcome.long_output.iter_mut().for_each(hide);
    for ev in &mut outcome.evidence {
        hide(&mut ev.text);
    }
    outcome
}
