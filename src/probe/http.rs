//! The `http` probe: one request through a client shared by the run, the body decoded
//! (Content-Encoding, then charset) up to `max_body`, then every assertion (status, body,
//! headers, JSON, time, certificate days), each failing with its own message — an assertion that
//! a cut body cannot settle fails too — and evidence (status line, headers, a body excerpt) when
//! something is wrong. Secrets given for authentication are masked in everything it returns.
//! Must not retry, time itself out or print; it tells the runner what it waits for (`Phase`).

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::ops::Range;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;

use serde_json::value::RawValue;

use super::tls::{self, CertInfo};
use super::{Phase, ProbeCtx};
use crate::model::spec::{Auth, HttpSpec};
use crate::model::{Outcome, Perfdata, State};
use crate::sanitize;

/// Bytes of body shown around a match.
const EXCERPT: usize = 160;
/// Bytes of body shown from its start and from its end (a Traceback's last line is the clue).
const BODY_ENDS: usize = 600;
/// Redirects followed before a loop is declared.
const MAX_REDIRECTS: usize = 10;
/// Header lines accepted in an HTTP/1 response head (hyper's default is 100).
const MAX_HEADERS: usize = 1000;
/// hyper's bound on an HTTP/1 response head, in bytes (not configurable through reqwest).
const MAX_HEAD_BYTES: usize = 8192 + 4096 * 100;

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
            .http1_max_headers(MAX_HEADERS)
            .connector_layer(PhaseLayer)
            .no_proxy()
            .pool_max_idle_per_host(256);
        if let Some(path) = &spec.ca_cert {
            for der in crate::pem::read_certs(path)? {
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

/// What came back: everything the assertions look at.
struct Response {
    status: reqwest::StatusCode,
    version: String,
    final_url: reqwest::Url,
    headers: reqwest::header::HeaderMap,
    cert: Option<Result<CertInfo, String>>,
    /// At most `max_body` bytes, after content-encoding (gzip, br, deflate) was undone.
    body: Vec<u8>,
    /// The body was longer than `max_body` and was cut there.
    truncated: bool,
    /// A Content-Encoding smokegate cannot undo: `body` is as sent.
    undecoded: Option<String>,
    secs: f64,
}

async fn run_unmasked(spec: &HttpSpec, ctx: &ProbeCtx) -> Outcome {
    match fetch(spec, ctx).await {
        Ok(response) => judge_response(spec, &response),
        Err(outcome) => outcome,
    }
}

/// Sends the request and reads at most `max_body` bytes of the (decoded) body.
async fn fetch(spec: &HttpSpec, ctx: &ProbeCtx) -> Result<Response, Outcome> {
    let client = ctx.shared.http.get(spec).map_err(Outcome::unknown)?;
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
    let chose_encoding = spec
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("accept-encoding"));
    if !chose_encoding {
        request = request.header(reqwest::header::ACCEPT_ENCODING, ACCEPT_ENCODING);
    }

    let start = Instant::now();
    let waiting = format!("waiting for response headers from {}", spec.url);
    ctx.phase.set(waiting.clone());
    let script = PhaseScript {
        phase: ctx.phase.clone(),
        connecting: connecting_phase(&spec.url),
        waiting,
    };
    let mut response = match PHASE.scope(script, request.send()).await {
        Ok(r) => r,
        Err(e) => return Err(request_failed(spec, &e, &ctx.phase).await),
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

    // Read and decode at most max_body bytes; a larger body is cut, not buffered.
    let coding = headers
        .get(reqwest::header::CONTENT_ENCODING)
        .map(|v| sanitize::text_from_bytes(v.as_bytes()));
    let mut decoder = Decoder::new(coding.as_deref(), spec.max_body);
    let broken = |what: String| {
        Outcome::new(State::Critical, format!("HTTP CRITICAL - {what}"))
            .with_evidence("response", status_line(&version, status, &headers))
    };
    let mut wire = 0usize;
    loop {
        ctx.phase.set(format!(
            "reading the body of {final_url} ({wire} bytes so far)"
        ));
        match response.chunk().await {
            Ok(Some(chunk)) => {
                wire += chunk.len();
                if let Err(e) = decoder.push(&chunk) {
                    return Err(broken(format!(
                        "cannot decode the {} body of {final_url}: {e}",
                        decoder.coding
                    )));
                }
                if decoder.is_full() {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                return Err(broken(format!(
                    "reading the body of {final_url}: {}",
                    error_chain(&e)
                )))
            }
        }
    }
    drop(response);
    let coding = decoder.coding.clone();
    let undecoded = decoder.undecoded.clone();
    let (body, truncated) = decoder.finish().map_err(|e| {
        broken(format!(
            "cannot decode the {coding} body of {final_url}: {e}"
        ))
    })?;
    Ok(Response {
        status,
        version,
        final_url,
        headers,
        cert,
        body,
        truncated,
        undecoded,
        secs: tls::round_ms(start.elapsed().as_secs_f64()),
    })
}

/// `Content-Encoding`s this probe undoes, offered unless the check sets its own Accept-Encoding.
const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// Undoes a Content-Encoding chunk by chunk into at most `limit` bytes. Headers stay as sent
/// (an HTTP client that decodes drops Content-Encoding, which a check may assert).
struct Decoder {
    /// "gzip", "deflate", "br", or "identity".
    coding: String,
    /// The coding when it is one this probe cannot undo (the body is kept as sent).
    undecoded: Option<String>,
    state: Decoding,
    /// Some bytes came (an empty body with a Content-Encoding, as HEAD gets, is fine).
    pushed: bool,
}

enum Decoding {
    Identity(Capped),
    Gzip(Box<flate2::write::MultiGzDecoder<Capped>>),
    /// zlib-wrapped (as RFC 9110 says) or raw (as some servers send): the first bytes decide.
    Deflate(DeflateStart),
    Zlib(Box<flate2::write::ZlibDecoder<Capped>>),
    RawDeflate(Box<flate2::write::DeflateDecoder<Capped>>),
    Brotli(Box<brotli_decompressor::DecompressorWriter<Capped>>),
}

/// The first bytes of a deflate body, until there are enough to tell zlib from raw deflate.
struct DeflateStart {
    first: Vec<u8>,
    out: Capped,
}

/// A writer that keeps the first `limit` bytes and notes that more came.
struct Capped {
    bytes: Vec<u8>,
    limit: usize,
    cut: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.limit.saturating_sub(self.bytes.len());
        if buf.len() > room {
            self.cut = true;
        }
        self.bytes.extend_from_slice(&buf[..buf.len().min(room)]);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Decoder {
    fn new(content_encoding: Option<&str>, limit: usize) -> Decoder {
        let out = Capped {
            bytes: Vec::new(),
            limit,
            cut: false,
        };
        let codings: Vec<String> = content_encoding
            .unwrap_or_default()
            .split(',')
            .map(|c| c.trim().to_ascii_lowercase())
            .filter(|c| !c.is_empty() && c != "identity")
            .collect();
        let (coding, state) = match codings.as_slice() {
            [] => ("identity", Decoding::Identity(out)),
            [c] if c == "gzip" || c == "x-gzip" => (
                "gzip",
                Decoding::Gzip(Box::new(flate2::write::MultiGzDecoder::new(out))),
            ),
            [c] if c == "deflate" => (
                "deflate",
                Decoding::Deflate(DeflateStart {
                    first: Vec::new(),
                    out,
                }),
            ),
            [c] if c == "br" => (
                "br",
                Decoding::Brotli(Box::new(brotli_decompressor::DecompressorWriter::new(
                    out, 8192,
                ))),
            ),
            _ => {
                let all = codings.join(", ");
                return Decoder {
                    coding: all.clone(),
                    undecoded: Some(all),
                    state: Decoding::Identity(out),
                    pushed: false,
                };
            }
        };
        Decoder {
            coding: coding.to_string(),
            undecoded: None,
            state,
            pushed: false,
        }
    }

    fn push(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        self.pushed |= !chunk.is_empty();
        match &mut self.state {
            Decoding::Identity(out) => out.write_all(chunk),
            Decoding::Gzip(d) => d.write_all(chunk),
            Decoding::Zlib(d) => d.write_all(chunk),
            Decoding::RawDeflate(d) => d.write_all(chunk),
            Decoding::Brotli(d) => d.write_all(chunk),
            Decoding::Deflate(start) => {
                start.first.extend_from_slice(chunk);
                if start.first.len() >= 2 {
                    self.start_deflate()?;
                }
                Ok(())
            }
        }
    }

    /// Chooses zlib or raw deflate from the first two bytes and feeds it what came so far.
    fn start_deflate(&mut self) -> std::io::Result<()> {
        use std::io::Write;
        let placeholder = Decoding::Identity(Capped {
            bytes: Vec::new(),
            limit: 0,
            cut: false,
        });
        let Decoding::Deflate(start) = std::mem::replace(&mut self.state, placeholder) else {
            return Ok(());
        };
        let zlib = match start.first.as_slice() {
            [cmf, flg, ..] => cmf & 0x0F == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
            _ => false,
        };
        self.state = if zlib {
            let mut d = flate2::write::ZlibDecoder::new(start.out);
            d.write_all(&start.first)?;
            Decoding::Zlib(Box::new(d))
        } else {
            let mut d = flate2::write::DeflateDecoder::new(start.out);
            d.write_all(&start.first)?;
            Decoding::RawDeflate(Box::new(d))
        };
        Ok(())
    }

    fn out(&self) -> &Capped {
        match &self.state {
            Decoding::Identity(out) => out,
            Decoding::Gzip(d) => d.get_ref(),
            Decoding::Zlib(d) => d.get_ref(),
            Decoding::RawDeflate(d) => d.get_ref(),
            Decoding::Brotli(d) => d.get_ref(),
            Decoding::Deflate(start) => &start.out,
        }
    }

    /// `max_body` bytes are there: reading more would only be thrown away.
    fn is_full(&self) -> bool {
        self.out().cut
    }

    /// The decoded bytes and whether they were cut at the limit. A cut body is not flushed: its
    /// compressed stream is incomplete by design.
    fn finish(mut self) -> std::io::Result<(Vec<u8>, bool)> {
        if self.is_full() || !self.pushed {
            let out = self.out();
            return Ok((out.bytes.clone(), out.cut));
        }
        if matches!(self.state, Decoding::Deflate(_)) {
            self.start_deflate()?;
        }
        let out = match self.state {
            Decoding::Identity(out) => out,
            Decoding::Deflate(start) => start.out,
            Decoding::Gzip(d) => (*d).finish()?,
            Decoding::Zlib(d) => (*d).finish()?,
            Decoding::RawDeflate(d) => (*d).finish()?,
            Decoding::Brotli(mut d) => {
                d.close()?;
                d.into_inner().unwrap_or_else(|out| out)
            }
        };
        Ok((out.bytes, out.cut))
    }
}

/// What the assertions found: failures in order, and the body excerpt that explains them.
#[derive(Default)]
struct Findings {
    failures: Vec<(State, String)>,
    body_evidence: Option<String>,
    /// Body assertions a cut body could not settle either way.
    unsettled: Vec<String>,
}

impl Findings {
    fn fail(&mut self, message: String) {
        self.failures.push((State::Critical, message));
    }

    /// Shows the body's start and end unless a more telling excerpt was chosen.
    fn show_body(&mut self, text: &str) {
        self.body_evidence.get_or_insert_with(|| body_ends(text));
    }
}

/// Every assertion over one response, then the outcome with perfdata and evidence.
fn judge_response(spec: &HttpSpec, response: &Response) -> Outcome {
    let Response {
        status,
        version,
        final_url,
        headers,
        cert,
        body,
        truncated,
        undecoded,
        secs,
    } = response;
    let (status, secs, truncated) = (*status, *secs, *truncated);
    // Why the text seen may not be the whole body.
    let partial = match undecoded {
        Some(coding) => Some(format!(
            "body has Content-Encoding {coding:?}, which smokegate does not decode"
        )),
        None => truncated.then(|| format!("body larger than max_body ({} bytes read)", body.len())),
    };
    let body_text = decode_body(body, headers, truncated);
    let text = body_text.text.as_str();
    let mut found = Findings::default();

    check_status(spec, status, headers, text, &mut found);
    check_text(spec, &body_text, partial.is_some(), &mut found);
    check_headers(spec, headers, &mut found);
    check_json(spec, text, partial.is_some(), &mut found);
    if let Some(why) = partial.filter(|_| !found.unsettled.is_empty()) {
        found.fail(format!(
            "{why}: cannot establish {}",
            found.unsettled.join(", ")
        ));
        found.show_body(text);
    }

    let time_state = spec.time.state(secs);
    if time_state != State::Ok {
        found.failures.push((
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
        match cert {
            Some(Ok(info)) => {
                let judged = tls::judge(info, &Ok(()), days);
                if judged.state != State::Ok {
                    found.failures.push((judged.state, judged.summary.clone()));
                    cert_evidence = Some(info.evidence());
                }
                cert_perf = judged.perfdata.into_iter().next();
            }
            Some(Err(e)) => found.failures.push((State::Unknown, e.clone())),
            None => found.failures.push((
                State::Unknown,
                "no certificate to check (is the URL https?)".to_string(),
            )),
        }
    }

    let failures = found.failures;
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
        if *final_url != spec.url {
            outcome = outcome.with_evidence("final url", final_url.to_string());
        }
        outcome = outcome.with_evidence("response", status_line(version, status, headers));
        if let Some(b) = found.body_evidence {
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
/// absent is also looked for in the bytes read as UTF-8 (a wrong charset label must not hide it).
fn check_text(spec: &HttpSpec, body: &BodyText, partial: bool, found: &mut Findings) {
    let text = body.text.as_str();
    let needles = !(spec.body_has.is_empty() && spec.body_lacks.is_empty());
    let views: Vec<(&str, Option<String>)> = std::iter::once(text)
        .chain(body.as_utf8.as_deref())
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
                found.body_evidence = Some(excerpt(view, at.start, at.len()));
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
                found.body_evidence = Some(excerpt(view, m.start(), m.len()));
            }
            None if partial => found.unsettled.push(format!("body_lacks_match /{re}/")),
            None => {}
        }
    }
}

/// `response_headers`: a repeated header (two `set-cookie`) passes when any of its values matches.
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
            values if values.iter().any(|v| rule.matcher.is_match(v)) => {}
            [one] => found.fail(format!(
                "header {}: {one:?} does not match {:?}",
                rule.name, rule.pattern
            )),
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
                shorten(value.get().trim(), EXCERPT)
            )),
            Some(_) => {}
        }
    }
}

/// The request never got a response: say why, and describe a certificate that broke the handshake.
async fn request_failed(spec: &HttpSpec, err: &reqwest::Error, phase: &Phase) -> Outcome {
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
    if lower.contains("message head is too large") {
        return Outcome::new(
            State::Critical,
            format!(
                "HTTP CRITICAL - the response head from {target} is larger than smokegate's HTTP client accepts (at most {MAX_HEADERS} header lines and {} KiB)",
                MAX_HEAD_BYTES / 1024
            ),
        )
        .with_evidence("error", chain);
    }
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
        if let Ok(inspection) =
            tls::inspect(host, port, host, spec.ca_cert.as_deref(), Some(phase)).await
        {
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

/// The body's first and last BODY_ENDS bytes (all of it when short), escaped.
fn body_ends(text: &str) -> String {
    if text.is_empty() {
        return "(empty body)".to_string();
    }
    if text.len() <= 2 * BODY_ENDS + EXCERPT {
        return sanitize::clean(text);
    }
    let head = floor(text, BODY_ENDS);
    let tail = ceil(text, text.len() - BODY_ENDS);
    format!(
        "{}\n… ({} bytes) …\n{}",
        sanitize::clean(&text[..head]),
        tail - head,
        sanitize::clean(&text[tail..])
    )
}

/// At most `max` bytes of `text`, escaped, with "…" when cut.
fn shorten(text: &str, max: usize) -> String {
    let end = floor(text, max);
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

fn ceil(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// The body as text, and the same bytes read as UTF-8 when its charset is another one.
struct BodyText {
    text: String,
    as_utf8: Option<String>,
}

/// The body as text: a byte-order mark decides, then the Content-Type charset, then UTF-8 —
/// or windows-1252 (latin-1) for bytes that are not UTF-8, as browsers read undeclared pages.
fn decode_body(body: &[u8], headers: &reqwest::header::HeaderMap, cut: bool) -> BodyText {
    let (encoding, start) = match encoding_rs::Encoding::for_bom(body) {
        Some((encoding, bom)) => (encoding, bom),
        None => {
            let declared = headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(charset)
                .and_then(|label| {
                    encoding_rs::Encoding::for_label_no_replacement(label.as_bytes())
                });
            let encoding = declared.unwrap_or_else(|| match std::str::from_utf8(body) {
                Ok(_) => encoding_rs::UTF_8,
                // A character cut at max_body is still UTF-8.
                Err(e) if cut && e.error_len().is_none() => encoding_rs::UTF_8,
                Err(_) => encoding_rs::WINDOWS_1252,
            });
            (encoding, 0)
        }
    };
    let text = encoding
        .decode_without_bom_handling(&body[start..])
        .0
        .into_owned();
    let as_utf8 = (encoding != encoding_rs::UTF_8)
        .then(|| String::from_utf8_lossy(body).into_owned())
        .filter(|utf8| *utf8 != text);
    BodyText { text, as_utf8 }
}

/// The `charset` parameter of a Content-Type value.
fn charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"'))
    })
}

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
pub(super) fn find_text(text: &str, needle: &str, case_sensitive: bool) -> Option<Range<usize>> {
    if case_sensitive {
        text.find(needle).map(|at| at..at + needle.len())
    } else {
        find_folded(text, &fold(text), needle)
    }
}

/// The value at a JSON Pointer (RFC 6901), as its raw text.
fn json_pointer<'a>(doc: &'a RawValue, pointer: &str) -> Option<&'a RawValue> {
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
fn json_matches(found: &RawValue, expected: &serde_json::Value) -> bool {
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

/// What the connector layer does while a request of this probe opens a connection.
#[derive(Clone)]
struct PhaseScript {
    phase: Phase,
    connecting: String,
    /// Restored once connected.
    waiting: String,
}

tokio::task_local! {
    /// The phase of the http attempt whose request is being sent (the client is shared, so the
    /// connector learns whose connection it opens from the task).
    static PHASE: PhaseScript;
}

fn connecting_phase(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(80);
    if url.scheme() == "https" {
        format!("connecting to {host}:{port} (TCP connect and TLS handshake)")
    } else {
        format!("connecting to {host}:{port}")
    }
}

/// Marks the attempt "connecting" while the shared client opens a connection for it.
#[derive(Clone, Copy)]
struct PhaseLayer;

impl<S> tower_layer::Layer<S> for PhaseLayer {
    type Service = PhaseService<S>;

    fn layer(&self, inner: S) -> PhaseService<S> {
        PhaseService(inner)
    }
}

#[derive(Clone)]
struct PhaseService<S>(S);

impl<S, R> tower_service::Service<R> for PhaseService<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let script = PHASE.try_with(PhaseScript::clone).ok();
        if let Some(s) = &script {
            s.phase.set(s.connecting.clone());
        }
        let connecting = self.0.call(request);
        Box::pin(async move {
            let connected = connecting.await;
            if let Some(s) = script.filter(|_| connected.is_ok()) {
                s.phase.replace(&s.connecting, s.waiting.clone());
            }
            connected
        })
    }
}

fn show(range: &Option<crate::model::range::Range>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn charsets_come_from_the_bom_then_the_content_type() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(decode_body(b"Caf\xc3\xa9", &headers, false).text, "Café");
        assert_eq!(decode_body(b"Caf\xe9", &headers, false).text, "Café");
        assert_eq!(
            decode_body(b"Caf\xc3", &headers, true).text,
            "Caf\u{fffd}",
            "a cut character"
        );
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("text/plain; Charset=\"latin1\""),
        );
        let latin = decode_body(b"Caf\xe9 Traceback", &headers, false);
        assert_eq!(latin.text, "Café Traceback");
        assert_eq!(latin.as_utf8.as_deref(), Some("Caf\u{fffd} Traceback"));
        assert_eq!(
            decode_body(b"\xef\xbb\xbfCaf\xc3\xa9", &headers, false).text,
            "Café"
        );
    }

    #[test]
    fn decoding_stops_at_the_limit() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b'a'; 1 << 20]).expect("gzip");
        let compressed = gz.finish().expect("gzip");
        let mut decoder = Decoder::new(Some("GZIP"), 1000);
        for chunk in compressed.chunks(64) {
            decoder.push(chunk).expect("decodes");
            if decoder.is_full() {
                break;
            }
        }
        assert!(decoder.is_full());
        let (body, cut) = decoder.finish().expect("finish");
        assert_eq!((body.len(), cut), (1000, true));
        let mut unknown = Decoder::new(Some("gzip, zstd"), 1000);
        unknown.push(b"raw").expect("kept as is");
        assert_eq!(unknown.undecoded.as_deref(), Some("gzip, zstd"));
        assert_eq!(unknown.finish().expect("raw").0, b"raw");
    }

    #[test]
    fn long_bodies_show_their_start_and_end() {
        let body = format!("{}{}{}", "head ", "x".repeat(5000), " tail");
        let shown = body_ends(&body);
        assert!(shown.starts_with("head xx"));
        assert!(shown.ends_with("xx tail"));
        assert!(shown.contains("\n… (3810 bytes) …\n"), "{shown}");
        assert_eq!(body_ends("short"), "short");
    }
}
