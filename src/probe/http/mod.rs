//! The `http` probe: one request through a client shared by the run, the body decoded
//! (Content-Encoding, then charset) up to `max_body`, then every assertion (status, body,
//! headers, JSON, time, certificate days), each failing with its own message — an assertion that
//! a cut body cannot settle fails too — and evidence (status line, headers, a body excerpt) when
//! something is wrong. Secrets given for authentication are masked in everything it returns.
//! Must not retry, time itself out or print; it tells the runner what it waits for (`Phase`).

mod assert;
mod decode;
mod phase;

pub(super) use assert::{find_text, json_matches, json_pointer, why_partial};
use assert::{judge_response, status_line};
pub(super) use decode::decode_body;
use decode::{Decoder, ACCEPT_ENCODING};
use phase::{connecting_phase, PhaseLayer, PhaseScript, PHASE};

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use super::tls::{self, CertInfo};
use super::{Phase, ProbeCtx};
use crate::model::spec::{Auth, HttpSpec};
use crate::model::{Label, Outcome, State};
use crate::sanitize;

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
    match fetch(spec, None, ctx).await {
        Ok(response) => judge_response(spec, &response, &ctx.redact),
        Err(outcome) => outcome,
    }
}

/// What came back: everything the assertions look at.
pub(super) struct Response {
    pub(super) status: reqwest::StatusCode,
    pub(super) version: String,
    pub(super) final_url: reqwest::Url,
    pub(super) headers: reqwest::header::HeaderMap,
    pub(super) cert: Option<Result<CertInfo, String>>,
    /// At most `max_body` bytes, after content-encoding (gzip, br, deflate) was undone.
    pub(super) body: Vec<u8>,
    /// The body was longer than `max_body` and was cut there.
    pub(super) truncated: bool,
    /// A Content-Encoding smokegate cannot undo: `body` is as sent.
    pub(super) undecoded: Option<String>,
    pub(super) secs: f64,
}

/// Sends the request and reads at most `max_body` bytes of the (decoded) body.
/// `raw_body`, when given, is sent instead of the spec's text body (a multipart form).
pub(super) async fn fetch(
    spec: &HttpSpec,
    raw_body: Option<Vec<u8>>,
    ctx: &ProbeCtx,
) -> Result<Response, Outcome> {
    let client = ctx.shared.http.get(spec).map_err(Outcome::unknown)?;
    let mut request = client.request(spec.method.clone(), spec.url.clone());
    for (name, value) in &spec.headers {
        request = request.header(name, value);
    }
    if let Some(raw) = raw_body {
        request = request.body(raw);
    } else if let Some(body) = &spec.body {
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
            .with_evidence(Label::Response, status_line(&version, status, &headers))
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

/// The request never got a response: say why, and describe a certificate that broke the handshake.
async fn request_failed(spec: &HttpSpec, err: &reqwest::Error, phase: &Phase) -> Outcome {
    let chain = error_chain(err);
    let target = spec.url.as_str();
    if err.is_redirect() {
        return Outcome::new(
            State::Critical,
            format!("HTTP CRITICAL - redirect loop or more than {MAX_REDIRECTS} redirects from {target}"),
        )
        .with_evidence(Label::Error, chain);
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
        .with_evidence(Label::Error, chain);
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
            .with_evidence(Label::Certificate, inspection.cert.evidence())
            .with_evidence(Label::Error, chain);
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
