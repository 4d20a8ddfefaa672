//! Turning untrusted bytes (plugin output, remote text) into text that is safe in every report.
//! Owns escaping; must not parse or interpret the text.

/// Decodes bytes as UTF-8, escaping invalid bytes as `\xNN` and control characters other than
/// `\n` and `\t` (NUL, ESC, DEL, C1, ...) as `\u{NN}`. `\r\n` becomes `\n`; a lone `\r` is escaped.
pub fn text_from_bytes(bytes: &[u8]) -> String {
    let _ = bytes;
    todo!()
}

/// Same as [`text_from_bytes`] for text already in a `String` (e.g. from a config file).
pub fn clean(text: &str) -> String {
    text_from_bytes(text.as_bytes())
}
