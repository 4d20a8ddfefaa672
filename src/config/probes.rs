//! Building native probe specs (`http`, `tls`, `tcp`, `dns`) from their tables: variables,
//! thresholds, patterns and sizes, with every problem pointing at its place in the file.
//! Must not run anything.

use std::net::IpAddr;

use toml::Spanned;

use super::raw::{
    NumOrText, RawCertDays, RawDns, RawHttp, RawStatus, RawTcp, RawThresholds, RawTls,
};
use super::FileLoader;
use crate::model::range::{Range, Thresholds};
use crate::model::spec::DnsSpec;
use crate::model::spec::TcpSpec;
use crate::model::spec::{Auth, HeaderRule, HttpSpec, StatusRule};
use crate::model::spec::{CertDays, TlsSpec};
use crate::model::ProbeSpec;

/// Default bound on a response body read by the http probe.
pub const DEFAULT_MAX_BODY: usize = 4 * 1024 * 1024;

use super::vars::Vars;

impl FileLoader<'_> {
    pub(super) fn http(&mut self, raw: Spanned<RawHttp>, vars: &Vars) -> Option<ProbeSpec> {
        let table = raw.span();
        let raw = raw.into_inner();
        let before = self.diags.len();
        let url_text = self.expand(&raw.url, vars);
        let url = url_text.and_then(|u| match reqwest::Url::parse(&u) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
            Ok(url) => {
                self.error(
                    raw.url.span(),
                    format!(
                        "unsupported URL scheme `{}`: use http or https",
                        url.scheme()
                    ),
                );
                None
            }
            Err(e) => {
                self.error(raw.url.span(), format!("invalid URL `{u}`: {e}"));
                None
            }
        });
        let method = match &raw.method {
            None => Some(reqwest::Method::GET),
            Some(m) => {
                match reqwest::Method::from_bytes(m.get_ref().to_ascii_uppercase().as_bytes()) {
                    Ok(method) => Some(method),
                    Err(_) => {
                        self.error(m.span(), format!("invalid HTTP method `{}`", m.get_ref()));
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
                None => self.error(table.clone(), format!("header `{name}` must be a string")),
            }
        }
        let body = raw.body.as_ref().and_then(|b| self.expand(b, vars));
        let auth = match (&raw.basic_auth, &raw.bearer) {
            (Some(_), Some(b)) => {
                self.error(b.span(), "give either `basic_auth` or `bearer`, not both");
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
                    self.error(
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
                    Err(e) => self.error(
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
                    self.error(
                        rules.span(),
                        format!("JSON pointer `{pointer}` must start with `/` (e.g. \"/status\")"),
                    );
                    continue;
                }
                match serde_json::to_value(expected) {
                    Ok(v) => json.push((pointer.clone(), v)),
                    Err(e) => self.error(
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
                self.error(
                    m.span(),
                    format!(
                        "a HEAD response has no body, so {} could never be checked: use GET",
                        body_rules.join(", ")
                    ),
                );
            }
        }
        if self.diags.len() > before {
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
            self.error(
                table,
                format!(
                    "a password or token of {} characters: a secret shorter than {} cannot be masked safely",
                    short.chars().count(),
                    crate::redact::MIN_LEN
                ),
            );
            return None;
        }
        self.found_secrets.extend(secrets.iter().cloned());
        Some(ProbeSpec::Http(Box::new(spec)))
    }

    pub(super) fn tls(&mut self, raw: Spanned<RawTls>, vars: &Vars) -> Option<ProbeSpec> {
        let raw = raw.into_inner();
        let before = self.diags.len();
        let host = self.expand(&raw.host, vars);
        let sni = raw.sni.as_ref().and_then(|s| self.expand(s, vars));
        let cert_days = raw
            .cert_days
            .as_ref()
            .map(|c| self.cert_days(c))
            .unwrap_or(CertDays {
                warn: Some(30),
                crit: Some(7),
            });
        let ca_cert = raw.ca_cert.as_ref().and_then(|c| self.ca_cert(c, vars));
        let port = match &raw.port {
            Some(p) => self.port(p, vars),
            None => Some(443),
        };
        if self.diags.len() > before {
            return None;
        }
        let host = host?;
        Some(ProbeSpec::Tls(TlsSpec {
            sni: sni.unwrap_or_else(|| host.clone()),
            host,
            port: port?,
            cert_days,
            ca_cert,
        }))
    }

    pub(super) fn tcp(&mut self, raw: Spanned<RawTcp>, vars: &Vars) -> Option<ProbeSpec> {
        let raw = raw.into_inner();
        let before = self.diags.len();
        let host = self.expand(&raw.host, vars);
        let send = raw.send.as_ref().and_then(|s| self.expand(s, vars));
        let expect = raw
            .expect
            .as_ref()
            .and_then(|s| self.needle("expect", s, vars));
        let time = raw
            .time
            .as_ref()
            .map(|t| self.thresholds(t))
            .unwrap_or_default();
        let port = self.port(&raw.port, vars);
        if self.diags.len() > before {
            return None;
        }
        Some(ProbeSpec::Tcp(TcpSpec {
            host: host?,
            port: port?,
            send,
            expect,
            case_sensitive: raw.case_sensitive.unwrap_or(false),
            time,
        }))
    }

    pub(super) fn dns(&mut self, raw: Spanned<RawDns>, vars: &Vars) -> Option<ProbeSpec> {
        let raw = raw.into_inner();
        let before = self.diags.len();
        let name = self.expand(&raw.name, vars);
        let mut expect = Vec::new();
        for addr in raw.expect.iter().flatten() {
            match addr.get_ref().parse::<IpAddr>() {
                Ok(ip) => expect.push(ip),
                Err(_) => self.error(
                    addr.span(),
                    format!("`{}` is not an IP address", addr.get_ref()),
                ),
            }
        }
        if self.diags.len() > before {
            return None;
        }
        Some(ProbeSpec::Dns(DnsSpec {
            name: name?,
            expect,
        }))
    }

    /// A port as a number or a string that may use variables (`"{{port}}"`).
    fn port(&mut self, raw: &Spanned<NumOrText>, vars: &Vars) -> Option<u16> {
        let text = match raw.get_ref() {
            NumOrText::Text(t) => self.expand(&Spanned::new(raw.span(), t.clone()), vars)?,
            other => other.text(),
        };
        match text.trim().parse::<u16>() {
            Ok(p) if p > 0 => Some(p),
            _ => {
                self.error(
                    raw.span(),
                    format!("invalid port `{text}`: write a number from 1 to 65535"),
                );
                None
            }
        }
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
                None => self.error(
                    raw.span(),
                    format!("invalid status `{}`: write a code (200), a class (\"2xx\") or a list of them", item.text()),
                ),
            }
        }
        rules
    }

    /// A text the probe looks for, expanded; empty is an error (it would be found in anything).
    fn needle(&mut self, key: &str, raw: &Spanned<String>, vars: &Vars) -> Option<String> {
        let text = self.expand(raw, vars)?;
        if text.is_empty() {
            let how = if raw.get_ref().is_empty() {
                String::new()
            } else {
                format!(" (`{}` expanded to nothing)", raw.get_ref())
            };
            self.error(
                raw.span(),
                format!("empty `{key}` value{how}: an empty text is found in any response, so it asserts nothing"),
            );
            return None;
        }
        Some(text)
    }

    fn needles(
        &mut self,
        key: &str,
        list: &Option<Vec<Spanned<String>>>,
        vars: &Vars,
    ) -> Vec<String> {
        list.iter()
            .flatten()
            .filter_map(|s| self.needle(key, s, vars))
            .collect()
    }

    fn regexes(
        &mut self,
        key: &str,
        list: &Option<Vec<Spanned<String>>>,
        vars: &Vars,
    ) -> Vec<regex::Regex> {
        let mut out = Vec::new();
        for pattern in list.iter().flatten() {
            let Some(text) = self.needle(key, pattern, vars) else {
                continue;
            };
            match regex::Regex::new(&text) {
                Ok(re) => out.push(re),
                Err(e) => self.error(
                    pattern.span(),
                    format!("invalid regular expression: {}", last_line(&e.to_string())),
                ),
            }
        }
        out
    }

    fn thresholds(&mut self, raw: &RawThresholds) -> Thresholds {
        let range = |this: &mut Self, value: &Option<Spanned<NumOrText>>| -> Option<Range> {
            let value = value.as_ref()?;
            match Range::parse(&value.get_ref().text()) {
                Ok(r) => Some(r),
                Err(e) => {
                    this.error(value.span(), e.to_string());
                    None
                }
            }
        };
        Thresholds {
            warn: range(self, &raw.warn),
            crit: range(self, &raw.crit),
        }
    }

    fn cert_days(&mut self, raw: &RawCertDays) -> CertDays {
        let days = |this: &mut Self, v: &Option<Spanned<i64>>| -> Option<i64> {
            let v = v.as_ref()?;
            if *v.get_ref() < 0 {
                this.error(v.span(), "days must not be negative");
                return None;
            }
            Some(*v.get_ref())
        };
        CertDays {
            warn: days(self, &raw.warn),
            crit: days(self, &raw.crit),
        }
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
                self.error(
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

    fn ca_cert(&mut self, raw: &Spanned<String>, vars: &Vars) -> Option<std::path::PathBuf> {
        let text = self.expand(raw, vars)?;
        let path = self.relative(&text);
        match crate::pem::read_certs(&path) {
            Ok(_) => Some(path),
            Err(e) => {
                self.error(raw.span(), e);
                None
            }
        }
    }
}

/// The line of a multi-line error message that says what is wrong (regex puts it last).
fn last_line(s: &str) -> &str {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
}
