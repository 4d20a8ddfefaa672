//! Turning untrusted bytes (plugin output, remote text) into text that is safe in every report.
//! Owns escaping; must not parse or interpret the text.

use std::fmt::Write;

/// Decodes bytes as UTF-8, escaping invalid bytes as `\xNN` and control characters other than
/// `\n` and `\t` (NUL, ESC, DEL, C1, line/paragraph separators, bidi overrides) as `\u{NN}`.
/// `\r\n` becomes `\n`; a lone `\r` is escaped.
pub fn text_from_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        let mut chars = valid.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' | '\t' => out.push(c),
                c if is_unsafe(c) => {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// Same as [`text_from_bytes`] for text already in a `String` (e.g. from a config file).
pub fn clean(text: &str) -> String {
    text_from_bytes(text.as_bytes())
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || is_noncharacter(c)
}

/// Unicode noncharacters (U+FDD0..U+FDEF and the last two of every plane): U+FFFE and U+FFFF
/// make an XML document invalid, the others have no business in a report.
fn is_noncharacter(c: char) -> bool {
    let u = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE
}

/// The Jenkins/GitLab attachment marker: only smokegate's own screenshot lines may form one.
const MARKER: &str = "[[ATTACHMENT|";

/// Text from outside (a plugin, a server) with every `[[ATTACHMENT|` broken up, so that a CI
/// server never attaches a file a remote party named.
pub fn defuse_markers(text: &str) -> String {
    if !text.to_ascii_uppercase().contains(MARKER) {
        return text.to_string();
    }
    let upper = text.to_ascii_uppercase();
    let mut out = String::with_capacity(text.len() + 8);
    let mut last = 0;
    for (at, _) in upper.match_indices(MARKER) {
        out.push_str(&text[last..at]);
        out.push_str("[ [");
        last = at + 2;
    }
    out.push_str(&text[last..]);
    out
}

/// Text from outside made safe for every report: escaped (see [`text_from_bytes`]) and with
/// attachment markers broken up.
pub fn untrusted(text: &str) -> String {
    defuse_markers(&clean(text))
}

/// `i` made a char boundary of `s` by moving it back (and into `s`).
pub fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `i` made a char boundary of `s` by moving it forward (and into `s`).
pub fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(
            text_from_bytes("OK - é ünïcode\n\tline 2".as_bytes()),
            "OK - é ünïcode\n\tline 2"
        );
    }

    #[test]
    fn invalid_utf8_and_controls_are_escaped() {
        assert_eq!(text_from_bytes(b"a\xff\xfeb"), "a\\xFF\\xFEb");
        assert_eq!(
            text_from_bytes(b"\x1b[31mred\x1b[0m"),
            "\\u{1b}[31mred\\u{1b}[0m"
        );
        assert_eq!(
            text_from_bytes(b"nul\0bel\x07del\x7f"),
            "nul\\u{0}bel\\u{7}del\\u{7f}"
        );
        assert_eq!(
            text_from_bytes("c1\u{85}rtl\u{202e}".as_bytes()),
            "c1\\u{85}rtl\\u{202e}"
        );
        assert_eq!(text_from_bytes(b"cut \xe2\x82"), "cut \\xE2\\x82");
    }

    #[test]
    fn noncharacters_and_attachment_markers() {
        assert_eq!(
            clean("a\u{ffff}b\u{fffe}c\u{fdd0}"),
            "a\\u{ffff}b\\u{fffe}c\\u{fdd0}"
        );
        assert_eq!(
            untrusted("see [[ATTACHMENT|/etc/shadow]] and [[attachment|/x]]"),
            "see [ [ATTACHMENT|/etc/shadow]] and [ [attachment|/x]]"
        );
        assert_eq!(untrusted("[[ plain ]]"), "[[ plain ]]");
    }

    #[test]
    fn carriage_returns() {
        assert_eq!(text_from_bytes(b"a\r\nb\rc"), "a\nb\\u{d}c");
    }

    #[test]
    fn cdata_terminator_passes_as_text() {
        // `]]>` is plain text here; XML escaping is the JUnit writer's job.
        assert_eq!(text_from_bytes(b"x ]]> y"), "x ]]> y");
    }
}
