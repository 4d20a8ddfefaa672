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
    fn carriage_returns() {
        assert_eq!(text_from_bytes(b"a\r\nb\rc"), "a\nb\\u{d}c");
    }

    #[test]
    fn cdata_terminator_passes_as_text() {
        // `]]>` is plain text here; XML escaping is the JUnit writer's job.
        assert_eq!(text_from_bytes(b"x ]]> y"), "x ]]> y");
    }
}
