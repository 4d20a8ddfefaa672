//! Diagnostics for user input: a message, `--> file:line:col`, the source line and a caret under
//! the problem. Owns rendering only; it must not decide what is an error.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::redact::Redactor;

/// One problem in one input file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub message: String,
    pub file: PathBuf,
    /// The file's text, shared by all diagnostics of that file.
    pub source: Arc<str>,
    /// Byte range of the problem in `source`.
    pub span: Range<usize>,
    /// A hint or related location, printed after the snippet.
    pub note: Option<String>,
}

impl Diagnostic {
    pub fn new(
        file: &Path,
        source: &Arc<str>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            message: message.into(),
            file: file.to_path_buf(),
            source: Arc::clone(source),
            span,
            note: None,
        }
    }

    /// A diagnostic about a whole file (it could not be read, say).
    pub fn file_level(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic::new(file, &Arc::from(""), 0..0, message)
    }

    /// A diagnostic at `line`:`col` (1-based, `col` in characters) of a file whose line there
    /// reads `text`: for a problem found after the file was read, from what was kept of it.
    pub fn at_line(
        file: &Path,
        line: usize,
        col: usize,
        text: &str,
        message: impl Into<String>,
    ) -> Self {
        let mut source = "\n".repeat(line.saturating_sub(1));
        let start = source.len()
            + text
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
        source.push_str(text);
        let end = source.trim_end().len().max(start);
        Diagnostic::new(file, &Arc::from(source), start..end, message)
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// 1-based line and column (in characters) of the start of the span.
    pub fn line_col(&self) -> (usize, usize) {
        line_col(&self.source, self.span.start)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = crate::sanitize::floor_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = source[line_start..offset].chars().count() + 1;
    (line, col)
}

/// Line starts of one text, for many offset -> line:col lookups without rescanning the text.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// Same as [`line_col`], in O(log lines + line length).
    pub fn line_col(&self, source: &str, offset: usize) -> (usize, usize) {
        let offset = crate::sanitize::floor_boundary(source, offset.min(source.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        (line.max(1), source[start..offset].chars().count() + 1)
    }

    /// The byte offset of a 1-based line and column (in characters), the inverse of
    /// [`LineIndex::line_col`]; the end of the line, or of the text, when they are past it.
    pub fn offset(&self, source: &str, line: usize, col: usize) -> usize {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(source.len())
            .min(source.len());
        let text = source[start..].lines().next().unwrap_or_default();
        start
            + text
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i)
    }
}

/// Characters of a long source line shown on each side of a problem (a line of up to three
/// times as many is shown whole).
const WINDOW: usize = 80;

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        if self.source.is_empty() {
            write!(f, " --> {}", self.file.display())?;
        } else {
            let (line, col) = self.line_col();
            writeln!(f, " --> {}:{line}:{col}", self.file.display())?;
            let text = self.source.lines().nth(line - 1).unwrap_or("");
            let gutter = line.to_string().len();
            let pad = " ".repeat(gutter);
            let text_chars = text.chars().count();
            let start = crate::sanitize::floor_boundary(
                &self.source,
                self.span.start.min(self.source.len()),
            );
            let end =
                crate::sanitize::floor_boundary(&self.source, self.span.end.min(self.source.len()));
            let width = self.source[start..end.max(start)]
                .lines()
                .next()
                .map_or(1, |s| s.chars().count())
                .clamp(1, text_chars.saturating_sub(col - 1).max(1));
            // A long line is shown as a window around the column, so that a 200 KB line does
            // not flood the terminal: WINDOW characters each side, `...` where it is cut.
            let chars: Vec<char> = text.chars().collect();
            let (from, to) = if chars.len() <= 3 * WINDOW {
                (0, chars.len())
            } else {
                (
                    (col - 1).saturating_sub(WINDOW),
                    (col - 1 + width.min(WINDOW) + WINDOW).min(chars.len()),
                )
            };
            let lead = if from > 0 { "..." } else { "" };
            let tail = if to < chars.len() { "..." } else { "" };
            let shown: String = chars[from..to.max(from)].iter().collect();
            let shown = crate::sanitize::clean(&shown);
            let caret_at = col - 1 - from + lead.len();
            let width = width.min(to.saturating_sub(col - 1)).max(1);
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line} | {lead}{shown}{tail}")?;
            write!(f, "{pad} | {}{}", " ".repeat(caret_at), "^".repeat(width))?;
        }
        if let Some(note) = &self.note {
            write!(f, "\n  = note: {note}")?;
        }
        Ok(())
    }
}

/// Every problem found while loading, in file order, with the secrets the loading found: what
/// is shown of the problems never holds one (a source line, a value quoted in a message).
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub list: Vec<Diagnostic>,
    redactor: Redactor,
}

impl Diagnostics {
    pub fn new(list: Vec<Diagnostic>, redactor: Redactor) -> Diagnostics {
        Diagnostics { list, redactor }
    }

    /// The secrets read while loading.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Problems found where no secret was read.
    pub fn plain(list: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics::new(list, Redactor::none())
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.render();
        f.write_str(&self.redactor.mask(&text))
    }
}

impl Diagnostics {
    /// Each problem once: a background step shared by every scenario of a feature, or a var
    /// every check of a file uses, is one error at its one place.
    fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut f = String::new();
        let mut shown: Vec<&Diagnostic> = Vec::new();
        for d in &self.list {
            let same = |e: &&Diagnostic| {
                e.file == d.file && e.span == d.span && e.message == d.message && e.note == d.note
            };
            if shown.iter().any(same) {
                continue;
            }
            if !shown.is_empty() {
                f.push_str("\n\n");
            }
            let _ = write!(f, "{d}");
            shown.push(d);
        }
        let n = shown.len();
        let _ = write!(
            f,
            "\n\nerror: the suite has {n} error{}; nothing ran",
            if n == 1 { "" } else { "s" }
        );
        f
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_span() {
        let src: Arc<str> = Arc::from("a = 1\ntimeot = \"10s\"\n");
        let d = Diagnostic::new(Path::new("x.toml"), &src, 6..12, "unknown field `timeot`");
        assert_eq!(
            d.to_string(),
            "error: unknown field `timeot`\n --> x.toml:2:1\n  |\n2 | timeot = \"10s\"\n  | ^^^^^^"
        );
    }

    #[test]
    fn the_index_agrees_with_the_scan() {
        let text = "a = 1\nbé = \"x\"\n\n[[check]]\nname = \"n\"";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            assert_eq!(
                index.line_col(text, offset),
                line_col(text, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_long_line_is_shown_around_the_problem() {
        let source = format!(
            "x = \"{}\" oops = {}\n",
            "a".repeat(200_000),
            "b".repeat(100)
        );
        let at = source.find("oops").expect("oops");
        let d = Diagnostic::new(
            Path::new("s.toml"),
            &Arc::from(source.as_str()),
            at..at + 4,
            "bad",
        );
        let text = d.to_string();
        assert!(text.len() < 400, "{} bytes", text.len());
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[3].starts_with("1 | ...aaa") && lines[3].contains("\" oops = bbb"),
            "{text}"
        );
        assert!(lines[3].ends_with("..."), "{text}");
        let caret = lines[4].find('^').expect("caret");
        assert_eq!(&lines[3][caret..caret + 4], "oops", "{text}");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_col("é = 1\nx", 5), (1, 5));
        assert_eq!(line_col("é = 1\nx", 7), (2, 1));
    }
}
