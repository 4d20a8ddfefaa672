//! What the native probes' tables share: ports, needles, patterns, thresholds, certificate days
//! and CA files, read with every problem at its place in the file. Must not run anything.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::config::FileLoader;
use crate::model::range::{Range, Thresholds};
use crate::model::spec::CertDays;
use crate::source::vars::Vars;

/// A number or a string, for thresholds written either way (`warn = 0.5`, `warn = "~:0.5"`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NumOrText {
    Int(i64),
    Float(f64),
    Text(String),
}

impl NumOrText {
    pub fn text(&self) -> String {
        match self {
            NumOrText::Int(i) => i.to_string(),
            NumOrText::Float(f) => f.to_string(),
            NumOrText::Text(t) => t.clone(),
        }
    }
}

/// Seconds, as Nagios ranges (`0.5`, `"~:0.5"`, `"@1:2"`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawThresholds {
    /// WARNING outside this range.
    #[schemars(with = "Option<NumOrText>")]
    pub warn: Option<Spanned<NumOrText>>,
    /// CRITICAL outside this range.
    #[schemars(with = "Option<NumOrText>")]
    pub crit: Option<Spanned<NumOrText>>,
}

/// Days left before the certificate expires.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCertDays {
    /// WARNING with fewer days left than this (30 for `tls`).
    #[schemars(with = "Option<i64>")]
    pub warn: Option<Spanned<i64>>,
    /// CRITICAL with fewer days left than this (7 for `tls`).
    #[schemars(with = "Option<i64>")]
    pub crit: Option<Spanned<i64>>,
}

impl FileLoader<'_> {
    /// A port as a number or a string that may use variables (`"{{port}}"`).
    pub(super) fn port(&mut self, raw: &Spanned<NumOrText>, vars: &Vars) -> Option<u16> {
        let text = match raw.get_ref() {
            NumOrText::Text(t) => self.expand(&Spanned::new(raw.span(), t.clone()), vars)?,
            other => other.text(),
        };
        match text.trim().parse::<u16>() {
            Ok(p) if p > 0 => Some(p),
            _ => {
                self.text.error(
                    raw.span(),
                    format!("invalid port `{text}`: write a number from 1 to 65535"),
                );
                None
            }
        }
    }

    /// A text the probe looks for, expanded; empty is an error (it would be found in anything).
    pub(super) fn needle(
        &mut self,
        key: &str,
        raw: &Spanned<String>,
        vars: &Vars,
    ) -> Option<String> {
        let text = self.expand(raw, vars)?;
        if text.is_empty() {
            let how = if raw.get_ref().is_empty() {
                String::new()
            } else {
                format!(" (`{}` expanded to nothing)", raw.get_ref())
            };
            self.text.error(
                raw.span(),
                format!("empty `{key}` value{how}: an empty text is found in any response, so it asserts nothing"),
            );
            return None;
        }
        Some(text)
    }

    pub(super) fn needles(
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

    pub(super) fn regexes(
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
                Err(e) => self.text.error(
                    pattern.span(),
                    format!("invalid regular expression: {}", last_line(&e.to_string())),
                ),
            }
        }
        out
    }

    pub(super) fn thresholds(&mut self, raw: &RawThresholds) -> Thresholds {
        let range = |this: &mut Self, value: &Option<Spanned<NumOrText>>| -> Option<Range> {
            let value = value.as_ref()?;
            match Range::parse(&value.get_ref().text()) {
                Ok(r) => Some(r),
                Err(e) => {
                    this.text.error(value.span(), e.to_string());
                    None
                }
            }
        };
        Thresholds {
            warn: range(self, &raw.warn),
            crit: range(self, &raw.crit),
        }
    }

    pub(super) fn cert_days(&mut self, raw: &RawCertDays) -> CertDays {
        let days = |this: &mut Self, v: &Option<Spanned<i64>>| -> Option<i64> {
            let v = v.as_ref()?;
            if *v.get_ref() < 0 {
                this.text.error(v.span(), "days must not be negative");
                return None;
            }
            Some(*v.get_ref())
        };
        CertDays {
            warn: days(self, &raw.warn),
            crit: days(self, &raw.crit),
        }
    }

    pub(super) fn ca_cert(
        &mut self,
        raw: &Spanned<String>,
        vars: &Vars,
    ) -> Option<std::path::PathBuf> {
        let text = self.expand(raw, vars)?;
        let path = self.text.relative(&text);
        match crate::pem::read_certs(&path) {
            Ok(_) => Some(path),
            Err(e) => {
                self.text.error(raw.span(), e);
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
