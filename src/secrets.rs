//! Secrets: values that must never reach an output — `[secrets]` of a suite, `$USERn$` of a
//! Nagios resource file, passwords and tokens of http checks. Loaders register them here; every
//! output channel (stdout, stderr, report files) masks them on the way out, and the runner masks
//! each outcome before it is kept, so that a secret a plugin or a server echoes back is `****`
//! everywhere, also JSON- or XML-escaped, also cut at a capture bound.
//! Owns the registry and masking; must not decide what is a secret beyond what it is given.

use std::borrow::Cow;
use std::sync::{PoisonError, RwLock};

/// What a secret becomes in every output.
pub const MASK: &str = "****";

/// A secret must be at least this long: a shorter one would mask innocent text everywhere and
/// be guessed from what is left.
pub const MIN_LEN: usize = 4;

/// Every secret this process has seen, longest first (so that a secret containing another is
/// masked whole), with the escaped forms reports may give it.
static REGISTRY: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// The secrets the loaders registered (a subset of [`REGISTRY`]): what a check's definition is
/// masked with before it is digested, the same in every run.
static LOADED: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Adds secrets a loader found; values shorter than [`MIN_LEN`] are the loader's error to
/// report, not kept.
pub fn register<I, S>(values: I)
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let values = owned(values);
    add(&REGISTRY, &values);
    add(&LOADED, &values);
}

fn owned<I, S>(values: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    values.into_iter().map(|v| v.as_ref().to_string()).collect()
}

/// Adds secrets met while running (a value typed into a password field).
pub fn register_seen<I, S>(values: I)
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    add(&REGISTRY, &owned(values));
}

fn add(registry: &RwLock<Vec<String>>, values: &[String]) {
    let mut registry = registry.write().unwrap_or_else(PoisonError::into_inner);
    for value in values {
        let value = value.as_str();
        if value.chars().count() < MIN_LEN {
            continue;
        }
        for form in forms(value) {
            if !registry.contains(&form) {
                registry.push(form);
            }
        }
    }
    registry.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// The forms a secret can take in our outputs: as it is, with its runs of spaces collapsed
/// (page text), percent-encoded in a form, a query or a path (a URL a form or a redirect made),
/// and inside single quotes as a shell command line shows it; each of those as is,
/// JSON-escaped, XML- and HTML-escaped, and as the sanitizer escapes control characters.
fn forms(value: &str) -> Vec<String> {
    let form: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let encodings = [
        value.to_string(),
        value.split_whitespace().collect::<Vec<_>>().join(" "),
        form.replace('+', "%20"),
        form,
        percent(value, " \"#<>"),
        percent(value, " \"#<>?`{}"),
        value.replace('\'', "'\\''"),
    ];
    let mut out: Vec<String> = Vec::new();
    for encoded in encodings {
        let json = serde_json::to_string(&encoded).unwrap_or_default();
        let json = json.trim_matches('"').to_string();
        let xml = encoded
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        let escaped = [
            xml.replace('\'', "&apos;"),
            xml.replace('\'', "&#39;"),
            json,
            crate::sanitize::clean(&encoded),
        ];
        for form in std::iter::once(encoded).chain(escaped) {
            if form.chars().count() >= MIN_LEN && !out.contains(&form) {
                out.push(form);
            }
        }
    }
    out
}

/// `value` with each of `chars` (and every non-ASCII or control byte) percent-encoded.
fn percent(value: &str, chars: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        if chars.contains(c) || c.is_control() || !c.is_ascii() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` with every registered secret replaced by [`MASK`].
pub fn mask(text: &str) -> Cow<'_, str> {
    mask_with(&REGISTRY, text)
}

/// [`mask`] with only the secrets the loaders registered: the same whatever a run met.
pub fn mask_loaded(text: &str) -> Cow<'_, str> {
    mask_with(&LOADED, text)
}

fn mask_with<'a>(registry: &RwLock<Vec<String>>, text: &'a str) -> Cow<'a, str> {
    let registry = registry.read().unwrap_or_else(PoisonError::into_inner);
    if registry.is_empty() || !registry.iter().any(|s| text.contains(s.as_str())) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for secret in registry.iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    Cow::Owned(out)
}

/// `start..end` of `text`, widened so that no secret in `text` is cut by it: an excerpt of the
/// range then holds each secret whole or not at all, and [`mask`] masks what it holds.
pub fn widen(text: &str, start: usize, end: usize) -> (usize, usize) {
    let registry = REGISTRY.read().unwrap_or_else(PoisonError::into_inner);
    let (mut start, mut end) = (start.min(text.len()), end.min(text.len()));
    for secret in registry.iter() {
        for (at, _) in text.match_indices(secret.as_str()) {
            let stop = at + secret.len();
            if at < start && stop > start {
                start = at;
            }
            if at < end && stop > end {
                end = stop;
            }
        }
    }
    (start, end)
}

/// [`mask`] for text that was cut at a bound: a secret whose start made it in before the cut is
/// masked too.
pub fn mask_cut(text: &str) -> String {
    let mut out = mask(text).into_owned();
    let registry = REGISTRY.read().unwrap_or_else(PoisonError::into_inner);
    let tail = registry
        .iter()
        .filter_map(|secret| {
            // Two characters or more: a single one would mask half the cuts there are.
            (2..secret.len())
                .rev()
                .filter(|&n| secret.is_char_boundary(n))
                .find(|&n| out.ends_with(&secret[..n]))
        })
        .max();
    if let Some(n) = tail {
        out.truncate(out.len() - n);
        out.push_str(MASK);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_in_every_form_and_at_a_cut() {
        register(["s3cr&t<pw>", "t1ny", "no"]);
        assert_eq!(mask("user=s3cr&t<pw>;"), "user=****;");
        assert_eq!(mask("{\"pw\":\"s3cr&t<pw>\"}"), "{\"pw\":\"****\"}");
        assert_eq!(mask("<p>s3cr&amp;t&lt;pw&gt;</p>"), "<p>****</p>");
        assert_eq!(mask("a t1ny thing"), "a **** thing");
        assert_eq!(
            mask("no no"),
            "no no",
            "shorter than MIN_LEN: never a secret"
        );
        assert_eq!(mask_cut("the password is s3cr&t<"), "the password is ****");
        assert_eq!(mask_cut("nothing cut here"), "nothing cut here");
        let text = "head s3cr&t<pw> tail";
        assert_eq!(
            widen(text, 8, 12),
            (5, 15),
            "a cut inside a secret takes it whole"
        );
        assert_eq!(widen(text, 0, 4), (0, 4));
        assert_eq!(
            mask_cut("cut at t"),
            "cut at t",
            "one character is not enough to tell"
        );
    }
}
