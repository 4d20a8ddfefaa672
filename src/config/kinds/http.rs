//! `http = { url, status, body_has, … }`: one request and assertions on its response, built
//! with every problem at its place in the file. Must not send anything.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::values::{NumOrText, RawCertDays, RawThresholds};
use super::{Building, Kind, Probes};
use crate::config::FileLoader;
use crate::model::spec::{Auth, HeaderRule, HttpSpec, StatusRule};
use crate::model::ProbeSpec;
use crate::source::vars::Vars;

/// Default bound on a response body read by the http probe.
pub const DEFAULT_MAX_BODY: usize = 4 * 1024 * 1024;

/// `http = { url = "{{base}}/health", status = 200, body_has = ["ok"] }`: one request, and
/// assertions on its response.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHttp {
    /// An http or https URL.
    #[schemars(with = "String")]
    pub url: Spanned<String>,
    /// The request method (GET if not given).
    #[schemars(with = "Option<String>")]
    pub method: Option<Spanned<String>>,
    /// Request headers: name = value.
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub headers: Option<toml::Table>,
    /// The request body.
    #[schemars(with = "Option<String>")]
    pub body: Option<Spanned<String>>,
    /// Basic authentication (or `bearer`, not both).
    pub basic_auth: Option<RawBasicAuth>,
    /// A bearer token, masked in every output.
    #[schemars(with = "Option<String>")]
    pub bearer: Option<Spanned<String>>,
    /// Follow redirects (off if not given, like check_http; a loop is CRITICAL).
    pub follow_redirects: Option<bool>,
    /// Skip certificate verification.
    pub insecure: Option<bool>,
    /// A PEM file of extra trusted roots.
    #[schemars(with = "Option<String>")]
    pub ca_cert: Option<Spanned<String>>,
    /// Expected status: a code (`200`), a class (`"2xx"`) or a list (default 2xx or 3xx).
    #[schemars(with = "Option<RawStatus>")]
    pub status: Option<Spanned<RawStatus>>,
    /// Texts the body must contain (case-insensitive unless `case_sensitive`).
    #[schemars(with = "Option<Vec<String>>")]
    pub body_has: Option<Vec<Spanned<String>>>,
    /// Texts the body must not contain (case-insensitive unless `case_sensitive`).
    #[schemars(with = "Option<Vec<String>>")]
    pub body_lacks: Option<Vec<Spanned<String>>>,
    /// Regexes the body must match.
    #[schemars(with = "Option<Vec<String>>")]
    pub body_matches: Option<Vec<Spanned<String>>>,
    /// Regexes the body must not match.
    #[schemars(with = "Option<Vec<String>>")]
    pub body_lacks_match: Option<Vec<Spanned<String>>>,
    /// Compare `body_has` and `body_lacks` as written.
    pub case_sensitive: Option<bool>,
    /// Response headers: name = glob, case-insensitive.
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub response_headers: Option<Spanned<toml::Table>>,
    /// JSON Pointer = expected value (`{ "/status" = "ok" }`).
    #[schemars(with = "Option<BTreeMap<String, serde_json::Value>>")]
    pub json: Option<Spanned<toml::Table>>,
    /// Response time thresholds, in seconds.
    pub time: Option<RawThresholds>,
    /// Body bytes read at most ("4MiB" if not given); a larger body is cut.
    #[schemars(with = "Option<NumOrText>")]
    pub max_body: Option<Spanned<NumOrText>>,
    /// Days left on the https certificate.
    pub cert_days: Option<RawCertDays>,
}

/// `basic_auth = { user, password }`: HTTP basic authentication; the password is masked.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBasicAuth {
    /// The user name.
    #[schemars(with = "String")]
    pub user: Spanned<String>,
    /// The password, masked in every output.
    #[schemars(with = "String")]
    pub password: Spanned<String>,
}

/// `200`, `"2xx"`, or a list of them.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawStatus {
    One(NumOrText),
    Many(Vec<NumOrText>),
}

impl Kind for RawHttp {
    const KEY: &'static str = "http";

    fn build(raw: Spanned<Self>, loader: &mut FileLoader<'_>, at: &Building<'_>) -> Option<Probes> {
        loader.http(raw, at.vars).map(super::one)
    }
}

impl FileLoader<'_> {
    fn http(&mut self, raw: Spanned<RawHttp>, vars: &Vars) -> Option<ProbeSpec> {
        let table = raw.span();
        let raw = raw.into_inner();
        let before = self.text.diags.len();
        let url_text = self.expand(&raw.url, vars);
        let url = url_text.and_then(|u| match reqwest::Url::parse(&u) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
            Ok(url) => {
                self.text.error(
                    raw.url.span(),
                    format!(
                        "unsupported URL scheme `{}`: use http or https",
                        url.scheme()
                    ),
                );
                None
            }
            Err(e) => {
                self.text
                    .error(raw.url.span(), format!("invalid URL `{u}`: {e}"));
                None
            }
        });
        let method = match &raw.method {
            None => Some(reqwest::Method::GET),
            Some(m) => {
                match reqwest::Method::from_bytes(m.get_ref().to_ascii_uppercase().as_bytes()) {
                    Ok(method) => Some(method),
                    Err(_) => {
                        self.text
                            .error(m.span(), format!("invalid HTTP method `{}`", m.get_ref()));
                        None
                    }
                }
            }
        };
        let mut headers = Vec::new();
        for (name, value) in raw.headers.iter().flatten() {
            match value.as_str() {
                Some(v) => {
                    let v = Spanned::new(table.clone(), v.to_string());
                    if let Some(v) = self.expand(&v, vars) {
                        headers.push((name.clone(), v));
                    }
                }
                None => self
                    .text
                    .error(table.clone(), format!("header `{name}` must be a string")),
            }
        }
        let body = raw.body.as_ref().and_then(|b| self.expand(b, vars));
        let auth = match (&raw.basic_auth, &raw.bearer) {
            (Some(_), Some(b)) => {
                self.text
                    .error(b.span(), "give either `basic_auth` or `bearer`, not both");
                None
            }
            (Some(basic), None) => Some(Auth::Basic {
                user: self.expand(&basic.user, vars).unwrap_or_default(),
                password: self.expand(&basic.password, vars).unwrap_or_default(),
            }),
            (None, Some(token)) => self.expand(token, vars).map(Auth::Bearer),
            (None, None) => None,
        };
        let status = raw
            .status
            .as_ref()
            .map(|s| self.status(s))
            .unwrap_or_default();
        let body_has = self.needles("body_has", &raw.body_has, vars);
        let body_lacks = self.needles("body_lacks", &raw.body_lacks, vars);
        let body_matches = self.regexes("body_matches", &raw.body_matches, vars);
        let body_lacks_match = self.regexes("body_lacks_match", &raw.body_lacks_match, vars);
        let mut response_headers = Vec::new();
        if let Some(rules) = &raw.response_headers {
            for (name, pattern) in rules.get_ref() {
                let Some(pattern) = pattern.as_str() else {
                    self.text.error(
                        rules.span(),
                        format!("response header `{name}` must map to a pattern string"),
                    );
                    continue;
                };
                match globset::GlobBuilder::new(pattern)
                    .case_insensitive(true)
                    .build()
                {
                    Ok(glob) => response_headers.push(HeaderRule {
                        name: name.to_ascii_lowercase(),
                        pattern: pattern.to_string(),
                        matcher: glob.compile_matcher(),
                    }),
                    Err(e) => self.text.error(
                        rules.span(),
                        format!("invalid pattern for header `{name}`: {e}"),
                    ),
                }
            }
        }
        let mut json = Vec::new();
        if let Some(rules) = &raw.json {
            for (pointer, expected) in rules.get_ref() {
                if !(pointer.is_empty() || pointer.starts_with('/')) {
                    self.text.error(
                        rules.span(),
                        format!("JSON pointer `{pointer}` must start with `/` (e.g. \"/status\")"),
                    );
                    continue;
                }
                match serde_json::to_value(expected) {
                    Ok(v) => json.push((pointer.clone(), v)),
                    Err(e) => self.text.error(
                        rules.span(),
                        format!("cannot compare JSON {pointer} with {expected}: {e}"),
                    ),
                }
            }
        }
        let time = raw
            .time
            .as_ref()
            .map(|t| self.thresholds(t))
            .unwrap_or_default();
        let max_body = match &raw.max_body {
            None => DEFAULT_MAX_BODY,
            Some(size) => self.size(size).unwrap_or(DEFAULT_MAX_BODY),
        };
        let cert_days = raw.cert_days.as_ref().map(|c| self.cert_days(c));
        let ca_cert = raw.ca_cert.as_ref().and_then(|c| self.ca_cert(c, vars));
        if let (Some(m), Some(method)) = (&raw.method, &method) {
            let body_rules: Vec<&str> = [
                ("body_has", raw.body_has.is_some()),
                ("body_lacks", raw.body_lacks.is_some()),
                ("body_matches", raw.body_matches.is_some()),
                ("body_lacks_match", raw.body_lacks_match.is_some()),
                ("json", raw.json.is_some()),
            ]
            .into_iter()
            .filter_map(|(key, given)| given.then_some(key))
            .collect();
            if *method == reqwest::Method::HEAD && !body_rules.is_empty() {
                self.text.error(
                    m.span(),
                    format!(
                        "a HEAD response has no body, so {} could never be checked: use GET",
                        body_rules.join(", ")
                    ),
                );
            }
        }
        if self.text.diags.len() > before {
            return None;
        }
        let spec = HttpSpec {
            url: url?,
            method: method?,
            headers,
            body,
            auth,
            follow_redirects: raw.follow_redirects.unwrap_or(false),
            insecure: raw.insecure.unwrap_or(false),
            ca_cert,
            status,
            body_has,
            body_lacks,
            body_matches,
            body_lacks_match,
            case_sensitive: raw.case_sensitive.unwrap_or(false),
            response_headers,
            json,
            time,
            max_body,
            cert_days,
        };
        // Passwords and tokens are secrets: masked in every output, so long enough to mask.
        let secrets = spec.secrets();
        if let Some(short) = secrets
            .iter()
            .find(|s| s.chars().count() < crate::redact::MIN_LEN)
        {
            self.text.error(
                table,
                format!(
                    "a password or token of {} characters: a secret shorter than {} cannot be masked safely",
                    short.chars().count(),
                    crate::redact::MIN_LEN
                ),
            );
            return None;
        }
        self.values.found_secrets.extend(secrets.iter().cloned());
        Some(ProbeSpec::Http(Box::new(spec)))
    }

    fn status(&mut self, raw: &Spanned<RawStatus>) -> Vec<StatusRule> {
        let items: Vec<&NumOrText> = match raw.get_ref() {
            RawStatus::One(one) => vec![one],
            RawStatus::Many(many) => many.iter().collect(),
        };
        let mut rules = Vec::new();
        for item in items {
            let rule = match item {
                NumOrText::Int(code) if (100..=599).contains(code) => {
                    u16::try_from(*code).ok().map(StatusRule::Code)
                }
                NumOrText::Text(t) if t.len() == 3 && t[1..].eq_ignore_ascii_case("xx") => t[..1]
                    .parse::<u16>()
                    .ok()
                    .filter(|k| (1..=5).contains(k))
                    .map(StatusRule::Class),
                _ => None,
            };
            match rule {
                Some(rule) => rules.push(rule),
                None => self.text.error(
                    raw.span(),
                    format!("invalid status `{}`: write a code (200), a class (\"2xx\") or a list of them", item.text()),
                ),
            }
        }
        rules
    }

    fn size(&mut self, raw: &Spanned<NumOrText>) -> Option<usize> {
        let parsed = match raw.get_ref() {
            NumOrText::Int(n) => u64::try_from(*n).ok(),
            NumOrText::Text(t) => t.parse::<bytesize::ByteSize>().ok().map(|b| b.as_u64()),
            NumOrText::Float(_) => None,
        };
        match parsed
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n > 0)
        {
            Some(n) => Some(n),
            None => {
                self.text.error(
                    raw.span(),
                    format!(
                        "invalid size `{}`: write bytes (65536) or e.g. \"4MiB\"",
                        raw.get_ref().text()
                    ),
                );
                None
            }
        }
    }
}
