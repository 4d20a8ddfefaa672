//! One suite file as text: where it is, its line index, and the diagnostics its loading finds,
//! each at its place; and the plain values read from it (durations, tags, `fail_on`, paths
//! relative to it). Must not expand vars or build checks.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use toml::Spanned;

use super::diag::{self, Diagnostic};
use super::in_toml_words;
use crate::model::SourceLoc;

pub(super) struct FileText<'a> {
    pub file: &'a Path,
    pub source: &'a Arc<str>,
    pub lines: diag::LineIndex,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl<'a> FileText<'a> {
    pub fn new(file: &'a Path, source: &'a Arc<str>, diags: &'a mut Vec<Diagnostic>) -> Self {
        FileText {
            file,
            source,
            lines: diag::LineIndex::new(source),
            diags,
        }
    }

    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::new(self.file, self.source, span, message));
    }

    pub fn toml_error(&mut self, err: &toml::de::Error, fallback: Range<usize>) {
        let message = in_toml_words(err.message().trim());
        self.error(err.span().unwrap_or(fallback), message);
    }

    pub fn loc(&self, offset: usize) -> SourceLoc {
        let (line, col) = self.lines.line_col(self.source, offset);
        SourceLoc {
            file: self.file.to_path_buf(),
            line,
            col,
        }
    }

    /// The source span of `text[offset..offset+len]` where `text` is the value of a string
    /// literal at `span`; the whole literal when escapes make the mapping inexact.
    pub fn inner_span(
        &self,
        span: Range<usize>,
        text: &str,
        offset: usize,
        len: usize,
    ) -> Range<usize> {
        let literal = self.source.get(span.clone()).unwrap_or("");
        let exact = [("\"", "\""), ("'", "'")].iter().any(|(q, e)| {
            literal.len() == text.len() + 2
                && literal.starts_with(q)
                && literal.ends_with(e)
                && &literal[1..literal.len() - 1] == text
        });
        if exact {
            let start = span.start + 1 + offset;
            start..start + len
        } else {
            span
        }
    }

    pub fn relative(&self, path: &str) -> PathBuf {
        let path = Path::new(path);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            let tidy: PathBuf = path
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .collect();
            // Never a bare name: `./true` next to `suite.toml` must not become `true`, which
            // a spawn would look up in $PATH.
            let dir = self
                .file
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            dir.join(tidy)
        }
    }

    pub fn duration(&mut self, value: &Spanned<String>, key: &str) -> Option<Duration> {
        match humantime::parse_duration(value.get_ref().trim()) {
            Ok(d) if d.is_zero() && key == "timeout" => {
                self.error(value.span(), "timeout must be greater than zero");
                None
            }
            Ok(d) if d > crate::model::MAX_DURATION => {
                self.error(
                    value.span(),
                    format!(
                        "`{key}` must be at most {}",
                        crate::model::MAX_DURATION_TEXT
                    ),
                );
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                self.error(
                    value.span(),
                    format!(
                        "invalid duration `{}` for `{key}`: {e} (write e.g. \"500ms\", \"10s\", \"2m\")",
                        value.get_ref()
                    ),
                );
                None
            }
        }
    }

    pub fn tags(&mut self, tags: &[Spanned<String>]) -> Vec<String> {
        let mut out = Vec::new();
        for tag in tags {
            let t = tag.get_ref();
            if t.is_empty()
                || t.chars()
                    .any(|c| c.is_whitespace() || c == ',' || c.is_control())
            {
                self.error(
                    tag.span(),
                    format!("invalid tag `{t}`: tags are single words without commas"),
                );
            } else if !out.contains(t) {
                out.push(t.clone());
            }
        }
        out
    }

    pub fn retry_on(&mut self, value: &Spanned<String>) -> Option<crate::model::RetryOn> {
        match value.get_ref().as_str() {
            "transient" => Some(crate::model::RetryOn::Transient),
            "any" => Some(crate::model::RetryOn::Any),
            other => {
                self.error(
                    value.span(),
                    format!("`retry_on` is `transient` or `any`, not `{other}`"),
                );
                None
            }
        }
    }

    pub fn fail_on(&mut self, value: &Spanned<String>) -> Option<crate::model::FailOn> {
        match value.get_ref().as_str() {
            "warning" => Some(crate::model::FailOn::Warning),
            "critical" => Some(crate::model::FailOn::Critical),
            other => {
                self.error(
                    value.span(),
                    format!("`fail_on` is `warning` or `critical`, not `{other}`"),
                );
                None
            }
        }
    }
}
