//! The redactor: the one place that knows what a secret looks like in text. Built once from the
//! secrets the loaders found in a suite (`[secrets]`, `$USERn$` of a Nagios resource file, http
//! passwords and tokens, values feature steps read from the environment), handed to the runner
//! and to every output, and told the secrets a run meets (a value typed into a password field).
//!
//! It matches after normalising, not by listing encodings: the text is read as it is and then,
//! layer by layer, with one more round of the escapes servers and tools echo values back in
//! decoded (`%XX` in any case, HTML and XML entities, `\uXXXX`, `\u{X}`, `\xHH`, backslash-escaped
//! quotes and slashes, a shell's `'\''`), every layer with its whitespace runs (also `+`, NBSP
//! and line breaks) made one space and invisible characters (soft hyphen, zero-width ones)
//! dropped. Secrets are normalised alike, and found in every layer by one aho-corasick automaton
//! whose matches map back to the bytes of the text as given. A secret's base64 forms (in each of
//! the three alignments, standard and URL-safe) are patterns too, for a Basic credential echoed.
//!
//! Owns matching, masking and cutting without splitting a secret; must not decide what is a
//! secret beyond what it is given, nor write anything anywhere.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, PoisonError, RwLock};

use aho_corasick::AhoCorasick;

use crate::sanitize::{ceil_boundary, floor_boundary};

/// What a secret becomes in every output.
pub const MASK: &str = "****";

/// A secret must be at least this long: a shorter one would mask innocent text everywhere and
/// be guessed from what is left.
pub const MIN_LEN: usize = 4;

/// Rounds of decoding after the text as given: a value escaped for JSON inside a URL inside
/// HTML is three.
const DECODE_ROUNDS: usize = 3;

/// A base64 form shorter than this (a short secret out of alignment) matches too much.
const MIN_BASE64: usize = 6;

/// The secrets of one suite and one run. Clones share what they know: a secret one probe meets is
/// masked in every output from then on.
#[derive(Clone, Default)]
pub struct Redactor(Arc<RwLock<State>>);

#[derive(Default)]
struct State {
    loaded: Vec<String>,
    seen: Vec<String>,
    /// Every secret, loaded and seen (the loaded ones' own until one is seen).
    all: Arc<Matcher>,
    /// The loaded secrets only: what a check's definition is masked with before it is
    /// digested, the same in every run.
    loaded_only: Arc<Matcher>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.0.read().unwrap_or_else(PoisonError::into_inner);
        write!(
            f,
            "Redactor({} loaded, {} seen)",
            state.loaded.len(),
            state.seen.len()
        )
    }
}

impl Redactor {
    /// A redactor for `secrets`; values shorter than [`MIN_LEN`] are the loader's error to
    /// report, not kept.
    pub fn new<I, S>(secrets: I) -> Redactor
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let loaded = keep(secrets);
        let loaded_only = Arc::new(Matcher::new(&loaded));
        Redactor(Arc::new(RwLock::new(State {
            loaded,
            seen: Vec::new(),
            all: Arc::clone(&loaded_only),
            loaded_only,
        })))
    }

    /// A redactor that knows no secret (before a suite is loaded).
    pub fn none() -> Redactor {
        Redactor::default()
    }

    /// Adds secrets met while running (a value typed into a password field).
    pub fn see<I, S>(&self, values: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let values = keep(values);
        let mut state = self.0.write().unwrap_or_else(PoisonError::into_inner);
        let before = state.seen.len();
        for v in values {
            if !state.loaded.contains(&v) && !state.seen.contains(&v) {
                state.seen.push(v);
            }
        }
        if state.seen.len() != before {
            let every: Vec<String> = state.loaded.iter().chain(&state.seen).cloned().collect();
            state.all = Arc::new(Matcher::new(&every));
        }
    }

    /// `text` with every secret, in any form, replaced by [`MASK`].
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let state = self.0.read().unwrap_or_else(PoisonError::into_inner);
        state.all.mask(text)
    }

    /// [`Redactor::mask`] with only the loaded secrets: the same whatever a run met.
    pub fn mask_loaded<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let state = self.0.read().unwrap_or_else(PoisonError::into_inner);
        state.loaded_only.mask(text)
    }

    /// Whether `text` holds a secret in any form.
    pub fn holds_secret(&self, text: &str) -> bool {
        let state = self.0.read().unwrap_or_else(PoisonError::into_inner);
        !state.all.find(text).is_empty()
    }

    /// `start..end` of `text`, widened so that no secret in `text` is cut by it: an excerpt of the
    /// range then holds each secret whole or not at all, and [`Redactor::mask`] masks what it
    /// holds. Offsets are made char boundaries.
    pub fn widen(&self, text: &str, start: usize, end: usize) -> (usize, usize) {
        let mut start = floor_boundary(text, start);
        let mut end = ceil_boundary(text, end);
        let state = self.0.read().unwrap_or_else(PoisonError::into_inner);
        for span in state.all.find(text) {
            if span.start < start && span.end > start {
                start = span.start;
            }
            if span.start < end && span.end > end {
                end = span.end;
            }
        }
        (start, end.max(start))
    }

    /// At most `max` bytes of `text` from its start, cut at a char boundary and never inside a
    /// secret (a secret the cut would split is left out whole).
    pub fn head<'a>(&self, text: &'a str, max: usize) -> &'a str {
        if text.len() <= max {
            return text;
        }
        let cut = floor_boundary(text, max);
        let state = self.0.read().unwrap_or_else(PoisonError::into_inner);
        let cut = state
            .all
            .find(text)
            .iter()
            .filter(|s| s.start < cut && s.end > cut)
            .map(|s| s.start)
            .min()
            .unwrap_or(cut);
        &text[..cut]
    }

    /// [`Redactor::mask`] for text that was cut at a bound by someone else (a child's output at
    /// the capture limit): a secret whose start made it in before the cut is masked too.
    pub fn mask_cut(&self, text: &str) -> String {
        let state = self.0.read().unwrap_or_else(PoisonError::into_inner);
        let mut out = state.all.mask(text).into_owned();
        if let Some(at) = state.all.cut_tail(&out) {
            out.truncate(at);
            out.push_str(MASK);
        }
        out
    }
}

/// Why a password typed while running cannot be kept secret, when it is too short to mask.
pub fn too_short_to_type(value: &str) -> Option<String> {
    let n = value.chars().count();
    (n < MIN_LEN).then(|| {
        format!(
            "a password of {n} character{} cannot be masked safely (a secret has {MIN_LEN} or more): it was not typed",
            if n == 1 { "" } else { "s" }
        )
    })
}

/// The values long enough to be secrets, once each.
fn keep<I, S>(values: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = v.as_ref();
        if v.chars().count() >= MIN_LEN && !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

/// One automaton over the normalised forms of a set of secrets.
#[derive(Default)]
struct Matcher {
    automaton: Option<AhoCorasick>,
    /// The secrets normalised (not their base64 forms): what a cut's tail is compared with.
    plain: Vec<String>,
}

impl Matcher {
    fn new(secrets: &[String]) -> Matcher {
        let mut plain: Vec<String> = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let add = |list: &mut Vec<String>, p: String| {
            if !p.is_empty() && !list.contains(&p) {
                list.push(p);
            }
        };
        for secret in secrets {
            let normal = normalised(secret);
            // A secret that is mostly blanks is matched as it is written.
            let normal = if normal.chars().count() >= MIN_LEN {
                normal
            } else {
                secret.clone()
            };
            add(&mut plain, normal.clone());
            add(&mut patterns, normal);
            for form in base64_forms(secret) {
                add(&mut patterns, normalised(&form));
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            // Standard semantics: overlapping matches are all found, so a secret inside another
            // and two that overlap are masked together.
            AhoCorasick::new(&patterns).ok()
        };
        Matcher { automaton, plain }
    }

    /// The byte ranges of `text` that hold a secret, sorted and merged.
    fn find(&self, text: &str) -> Vec<Range<usize>> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut spans = Vec::new();
        for_each_layer(text, |layers| {
            let top = layers.last().map_or("", |l| l.text.as_str());
            for m in automaton.find_overlapping_iter(top) {
                spans.push(map_back(layers, m.start(), m.end()));
            }
        });
        merge(spans)
    }

    fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let spans = self.find(text);
        if spans.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for span in spans {
            out.push_str(&text[at..span.start]);
            out.push_str(MASK);
            at = span.end;
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }

    /// Where a secret starts that `text` ends in the middle of (two characters of it or more,
    /// in any layer), as an offset of `text`.
    fn cut_tail(&self, text: &str) -> Option<usize> {
        if self.plain.is_empty() {
            return None;
        }
        let mut found: Option<usize> = None;
        for_each_layer(text, |layers| {
            let top = layers.last().map_or("", |l| l.text.as_str());
            let longest = self
                .plain
                .iter()
                .filter_map(|secret| {
                    secret
                        .char_indices()
                        .map(|(i, _)| i)
                        .filter(|&n| n > 0 && secret[..n].chars().count() >= 2)
                        .rev()
                        .find(|&n| top.ends_with(&secret[..n]))
                })
                .max();
            if let Some(n) = longest {
                let start = map_back(layers, top.len() - n, top.len()).start;
                found = Some(found.map_or(start, |f| f.min(start)));
            }
        });
        found
    }
}

/// Calls `each` with the layers of `text`: as given (normalised), then each round of decoding
/// that changed something, up to [`DECODE_ROUNDS`].
fn for_each_layer(text: &str, mut each: impl FnMut(&[Layer])) {
    let mut layers = vec![normalise(text, false).0];
    each(&layers);
    if !text.contains(['%', '&', '\\', '\'']) {
        return;
    }
    for _ in 0..DECODE_ROUNDS {
        let (next, changed) = normalise(&layers[layers.len() - 1].text, true);
        if !changed {
            break;
        }
        layers.push(next);
        each(&layers);
    }
}

/// A span of the top layer as a span of the text as given.
fn map_back(layers: &[Layer], start: usize, end: usize) -> Range<usize> {
    let (mut start, mut end) = (start, end);
    for layer in layers.iter().rev() {
        start = layer.start_below(start);
        end = layer.end_below(end);
    }
    start..end.max(start)
}

fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<Range<usize>> = Vec::new();
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// A text normalised, with where each of its bytes came from in the text below it.
struct Layer {
    text: String,
    /// Contiguous, in order, covering `text`.
    segs: Vec<Seg>,
}

/// A run of a layer's bytes: either copied byte for byte from the layer below (`copy`), or made
/// of a whole run below (an escape decoded, blanks made one space).
#[derive(Clone, Copy)]
struct Seg {
    at: usize,
    len: usize,
    from: usize,
    from_len: usize,
    copy: bool,
}

impl Layer {
    fn seg(&self, offset: usize) -> Option<&Seg> {
        let i = self.segs.partition_point(|s| s.at + s.len <= offset);
        self.segs.get(i)
    }

    fn start_below(&self, offset: usize) -> usize {
        match self.seg(offset) {
            Some(s) if s.copy => s.from + (offset - s.at),
            Some(s) => s.from,
            None => self.segs.last().map_or(0, |s| s.from + s.from_len),
        }
    }

    fn end_below(&self, offset: usize) -> usize {
        if offset == 0 {
            return self.segs.first().map_or(0, |s| s.from);
        }
        match self.seg(offset - 1) {
            Some(s) if s.copy => s.from + (offset - s.at),
            Some(s) => s.from + s.from_len,
            None => self.segs.last().map_or(0, |s| s.from + s.from_len),
        }
    }
}

/// Builds a layer char by char, normalising as it goes.
#[derive(Default)]
struct Builder {
    text: String,
    segs: Vec<Seg>,
    /// The last char out was a blank made a space (a following one joins it).
    blank: bool,
}

impl Builder {
    /// `c`, made of `from..from + from_len` of the text below.
    fn push(&mut self, c: char, from: usize, from_len: usize) {
        if is_invisible(c) {
            return;
        }
        if c.is_whitespace() || c == '+' {
            if self.blank {
                // The run grows the one space it is.
                if let Some(last) = self.segs.last_mut() {
                    last.from_len = from + from_len - last.from;
                    last.copy = false;
                }
                return;
            }
            self.blank = true;
            // A plain space copied is a copy; anything else made one is not. Either way it is a
            // seg of its own, so that the run can grow it.
            let copy = c == ' ' && from_len == 1;
            self.seg(" ", from, from_len, copy, false);
            return;
        }
        self.blank = false;
        let mut buf = [0u8; 4];
        let s = c.encode_utf8(&mut buf);
        let copy = from_len == s.len();
        self.seg(s, from, from_len, copy, copy);
    }

    /// `s` out, made of `from..from + from_len` below; joined to the seg before when both are
    /// copies of adjacent bytes and `join`.
    fn seg(&mut self, s: &str, from: usize, from_len: usize, copy: bool, join: bool) {
        let at = self.text.len();
        self.text.push_str(s);
        if let Some(last) = self.segs.last_mut() {
            if join && last.copy && last.from + last.from_len == from {
                last.len += s.len();
                last.from_len += from_len;
                return;
            }
        }
        self.segs.push(Seg {
            at,
            len: s.len(),
            from,
            from_len,
            copy,
        });
    }
}

/// Characters that draw nothing: they do not separate the letters around them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}'
    )
}

/// A secret as the layers hold it.
fn normalised(secret: &str) -> String {
    normalise(secret, false).0.text.trim().to_string()
}

/// `text` normalised, and with one round of escapes decoded when `decode`; whether any escape
/// was decoded.
fn normalise(text: &str, decode: bool) -> (Layer, bool) {
    let mut b = Builder::default();
    let mut changed = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if let Some((c, used)) = escape(rest, bytes, i).filter(|_| decode) {
            b.push(c, i, used);
            changed = true;
            i += used;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        b.push(c, i, c.len_utf8());
        i += c.len_utf8();
    }
    (
        Layer {
            text: b.text,
            segs: b.segs,
        },
        changed,
    )
}

/// The escape `rest` starts with, decoded, and how many bytes it takes.
fn escape(rest: &str, bytes: &[u8], at: usize) -> Option<(char, usize)> {
    match bytes[at] {
        b'%' => utf8_run(rest, 3, |s| hex2(s.strip_prefix('%')?)),
        b'&' => entity(rest),
        b'\\' => backslash(rest),
        b'\'' if rest.starts_with("'\\''") => Some(('\'', 4)),
        _ => None,
    }
}

/// A UTF-8 char written as a run of byte escapes of `width` bytes each (`%C3%84`, `\xc3\x84`).
fn utf8_run(rest: &str, width: usize, byte: impl Fn(&str) -> Option<u8>) -> Option<(char, usize)> {
    let first = byte(rest)?;
    let n = match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => return None,
    };
    let mut buf = Vec::with_capacity(n);
    buf.push(first);
    for k in 1..n {
        buf.push(byte(rest.get(k * width..)?)?);
    }
    let s = std::str::from_utf8(&buf).ok()?;
    Some((s.chars().next()?, n * width))
}

/// An HTML or XML character reference.
fn entity(rest: &str) -> Option<(char, usize)> {
    let end = rest.bytes().take(12).position(|b| b == b';')?;
    let name = &rest[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{00A0}',
        "sol" => '/',
        "colon" => ':',
        "equals" => '=',
        "plus" => '+',
        "num" => '#',
        "percnt" => '%',
        "commat" => '@',
        "excl" => '!',
        "quest" => '?',
        "dollar" => '$',
        "lpar" => '(',
        "rpar" => ')',
        "ast" => '*',
        "comma" => ',',
        "period" => '.',
        "semi" => ';',
        "grave" => '`',
        "bsol" => '\\',
        "Auml" => 'Ä',
        "auml" => 'ä',
        "Ouml" => 'Ö',
        "ouml" => 'ö',
        "Uuml" => 'Ü',
        "uuml" => 'ü',
        "szlig" => 'ß',
        "eacute" => 'é',
        "egrave" => 'è',
        "euro" => '€',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse::<u32>().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

/// A backslash escape of JSON, JavaScript, Python, a shell or Markdown.
fn backslash(rest: &str) -> Option<(char, usize)> {
    let next = rest[1..].chars().next()?;
    match next {
        'u' => {
            if let Some(braced) = rest.get(2..).and_then(|s| s.strip_prefix('{')) {
                let close = braced.bytes().take(8).position(|b| b == b'}')?;
                let code = u32::from_str_radix(&braced[..close], 16).ok()?;
                return Some((char::from_u32(code)?, 3 + close + 1));
            }
            let unit = hex4(rest.get(2..6)?)?;
            if (0xD800..0xDC00).contains(&unit) {
                let low = rest.get(6..12).filter(|s| s.starts_with("\\u"))?;
                let low = hex4(&low[2..])?;
                if !(0xDC00..0xE000).contains(&low) {
                    return None;
                }
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return Some((char::from_u32(code)?, 12));
            }
            Some((char::from_u32(unit)?, 6))
        }
        'x' => {
            let byte = |s: &str| hex2(s.strip_prefix("\\x")?);
            // UTF-8 bytes as Python shows them, else one Latin-1 char as JavaScript means it.
            utf8_run(rest, 4, byte).or_else(|| Some((char::from(byte(rest)?), 4)))
        }
        // JSON's `\"` `\\` `\/`, a shell's `\ ` and `\$`, Markdown's `\|` `\*` `\_`...
        c if c.is_ascii_punctuation() || c == ' ' => Some((c, 2)),
        'n' | 't' | 'r' => Some((' ', 2)),
        _ => None,
    }
}

/// The byte two hex digits at the start of `s` make.
fn hex2(s: &str) -> Option<u8> {
    let h = s.as_bytes().get(..2)?;
    if h.iter().all(u8::is_ascii_hexdigit) {
        u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
    } else {
        None
    }
}

fn hex4(s: &str) -> Option<u32> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(s, 16).ok()
    } else {
        None
    }
}

/// The parts of `secret`'s base64 forms that do not depend on what is around it, in each of
/// the three alignments, in the standard and the URL-safe alphabets.
fn base64_forms(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    let engines = [
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let n = secret.len();
    let mut out = Vec::new();
    for engine in &engines {
        for pad in 0..3usize {
            let mut bytes = vec![0u8; pad];
            bytes.extend_from_slice(secret.as_bytes());
            let encoded = engine.encode(&bytes);
            // Chars made of the secret's bits only: from the first whole sextet after the pad to
            // the last whole one before whatever follows.
            let from = (pad * 8).div_ceil(6);
            let to = ((pad + n) * 8) / 6;
            if to >= from + MIN_BASE64 {
                if let Some(part) = encoded.get(from..to) {
                    out.push(part.to_string());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(secrets: &[&str], text: &str) -> String {
        Redactor::new(secrets).mask(text).into_owned()
    }

    #[test]
    fn secrets_are_masked_as_given_and_escaped_for_json_xml_and_html() {
        let r = Redactor::new(["s3cr&t<pw>", "t1ny", "no"]);
        assert_eq!(r.mask("user=s3cr&t<pw>;"), "user=****;");
        assert_eq!(r.mask("{\"pw\":\"s3cr&t<pw>\"}"), "{\"pw\":\"****\"}");
        assert_eq!(r.mask("<p>s3cr&amp;t&lt;pw&gt;</p>"), "<p>****</p>");
        assert_eq!(r.mask("<p>s3cr&#38;t&#x3C;pw&#x3e;</p>"), "<p>****</p>");
        assert_eq!(r.mask("a t1ny thing"), "a **** thing");
        assert_eq!(
            r.mask("no no"),
            "no no",
            "shorter than MIN_LEN: never a secret"
        );
        assert_eq!(r.mask("nothing here"), "nothing here");
    }

    #[test]
    fn what_python_makes_of_a_secret_is_masked() {
        // json.dumps("pä'ss w@rd/x"), html.escape("it's s3cret"), urllib.parse.quote("us@r/pw 1").
        assert_eq!(
            masked(&["pä'ss w@rd/x"], r#"{"echo": "p\u00e4'ss w@rd/x"}"#),
            r#"{"echo": "****"}"#
        );
        assert_eq!(
            masked(&["it's s3cret"], "<b>it&#x27;s s3cret</b>"),
            "<b>****</b>"
        );
        assert_eq!(
            masked(&["us@r/pw 1"], "https://h/next?to=us%40r/pw%201&x=1"),
            "https://h/next?to=****&x=1"
        );
        assert_eq!(
            masked(&["us@r/pw 1"], "https://h/next?to=us%40r%2Fpw+1"),
            "https://h/next?to=****"
        );
        // Python bytes repr and JavaScript escapes.
        assert_eq!(masked(&["Äpfel99"], r"b'\xc3\x84pfel99'"), "b'****'");
        assert_eq!(masked(&["Äpfel99"], r"'\u{c4}pfel99'"), "'****'");
        assert_eq!(masked(&["🙂smile"], r#""\ud83d\ude42smile""#), "\"****\"");
    }

    #[test]
    fn double_encoded_and_shell_quoted_secrets_are_masked() {
        assert_eq!(masked(&["a&b c=d"], "x=a%2526b%2520c%253Dd"), "x=****");
        assert_eq!(
            masked(&["it's-pw"], "check_x -p 'it'\\''s-pw'"),
            "check_x -p '****'"
        );
        assert_eq!(
            masked(&["quo\"te\\pw"], r#"{"a":"quo\"te\\pw"}"#),
            r#"{"a":"****"}"#
        );
    }

    #[test]
    fn blanks_and_invisible_characters_do_not_hide_a_secret() {
        assert_eq!(
            masked(&["two  words"], "<p>two\n   words</p>"),
            "<p>****</p>"
        );
        assert_eq!(masked(&["two words"], "two\u{a0}words!"), "****!");
        assert_eq!(masked(&["password1"], "pass\u{ad}word\u{200b}1."), "****.");
        assert_eq!(masked(&["two words"], "q=two+words"), "q=****");
    }

    #[test]
    fn base64_of_a_credential_is_masked_in_any_alignment() {
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        for user in ["u", "us", "usr"] {
            let header = format!(
                "Authorization: Basic {}",
                b64(&format!("{user}:hunter2hunter2"))
            );
            let out = masked(&["hunter2hunter2"], &header);
            // What is left of the credential: the user's part, and at most the last char and
            // the padding, which the secret shares with what follows it.
            let (before, after) = out
                .rsplit_once(MASK)
                .unwrap_or_else(|| panic!("{user}: {out}"));
            assert!(before.starts_with("Authorization: Basic "), "{out}");
            assert!(before.len() <= "Authorization: Basic ".len() + 6, "{out}");
            assert!(after.len() <= 3, "{user}: {out}");
        }
    }

    #[test]
    fn overlapping_secrets_are_masked_together() {
        assert_eq!(masked(&["abcdef", "defghi"], "x abcdefghi y"), "x **** y");
        assert_eq!(masked(&["abcdefgh", "cdef"], "abcdefgh cdef"), "**** ****");
    }

    #[test]
    fn a_cut_never_splits_a_secret() {
        let r = Redactor::new(["s3cr&t<pw>"]);
        assert_eq!(
            r.mask_cut("the password is s3cr&t<"),
            "the password is ****"
        );
        assert_eq!(
            r.mask_cut("the password is s3cr&amp;t"),
            "the password is ****"
        );
        assert_eq!(r.mask_cut("nothing cut here"), "nothing cut here");
        assert_eq!(
            r.mask_cut("cut at s"),
            "cut at s",
            "one character is not enough to tell"
        );
        let text = "head s3cr&t<pw> tail";
        assert_eq!(
            r.widen(text, 8, 12),
            (5, 15),
            "a cut inside a secret takes it whole"
        );
        assert_eq!(r.widen(text, 0, 4), (0, 4));
        assert_eq!(r.head(text, 9), "head ");
        assert_eq!(r.head(text, 100), text);
        let escaped = "head s3cr%26t%3Cpw%3E tail";
        assert_eq!(r.widen(escaped, 10, 11), (5, 21));
    }

    #[test]
    fn a_secret_seen_while_running_is_masked_from_then_on_but_not_in_a_fingerprint() {
        let r = Redactor::new(["loaded-pw"]);
        let copy = r.clone();
        copy.see(["typed-pw"]);
        assert_eq!(r.mask("loaded-pw typed-pw"), "**** ****");
        assert_eq!(r.mask_loaded("loaded-pw typed-pw"), "**** typed-pw");
        assert!(r.holds_secret("x typed%2Dpw"));
        assert!(!Redactor::none().holds_secret("loaded-pw"));
    }

    #[test]
    fn text_without_secrets_is_kept_byte_for_byte() {
        let r = Redactor::new(["hunter22"]);
        for text in [
            "a  b\n\tc &amp; %41 \\u0041 'x'\\'' ",
            "\u{ad}\u{200b}+ + ",
            "%E2%82 half an escape %",
            "&#xZZ; &#99999999; \\ud800 \\x",
        ] {
            assert!(
                matches!(r.mask(text), Cow::Borrowed(t) if t == text),
                "{text:?}"
            );
        }
    }
}
