//! What stops a command before anything runs, as one type: each variant knows its exit code and
//! is rendered once for people (`error: ...` on stderr) and once as a Nagios UNKNOWN line.
//! Must not print.

use crate::config::Diagnostics;
use crate::exit;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The suite did not load: every problem, with file:line:col.
    #[error("{0}")]
    Suite(Diagnostics),
    #[error("invalid selection: {0}")]
    Selection(String),
    /// `--var NAME=...` for a NAME that no loaded suite file defines.
    #[error("unknown variable `{name}` in --var {}", defined_vars(.defined))]
    UnknownVar { name: String, defined: Vec<String> },
    #[error("the suite has no checks; nothing to gate on")]
    NoChecks,
    #[error("the selection matches none of the suite's {0} checks; nothing to gate on")]
    NothingSelected(usize),
    #[error("cannot prepare browser profiles: {0}")]
    BrowserProfiles(std::io::Error),
    /// A report path that cannot take a report, found before anything ran.
    #[error("{0}")]
    ReportPath(String),
    /// A command line that asks for something that does not exist.
    #[error("{0}")]
    Usage(String),
    /// A `--baseline` that cannot be compared with: unreadable, not a report, newer, foreign.
    #[error("{0}")]
    Baseline(String),
    /// A history store that cannot be opened or asked (`smokegate history`, `--baseline
    /// last-pass`).
    #[error("history: {0}")]
    History(String),
}

fn defined_vars(defined: &[String]) -> String {
    if defined.is_empty() {
        "(the suite has no [vars] or [secrets])".to_string()
    } else {
        format!("(defined: {})", defined.join(", "))
    }
}

impl Error {
    /// Every one of these is a usage or configuration error: nothing ran.
    pub fn exit_code(&self) -> i32 {
        exit::USAGE
    }

    /// For people, on stderr: each line a problem (`error: ...`), diagnostics as rendered.
    /// The secrets this error may show: those of a suite that did not load.
    pub fn redactor(&self) -> crate::redact::Redactor {
        match self {
            Error::Suite(diags) => diags.redactor().clone(),
            _ => crate::redact::Redactor::none(),
        }
    }

    pub fn render(&self) -> String {
        match self {
            Error::Suite(diags) => diags.to_string(),
            other => format!("error: {other}"),
        }
    }

    /// The first line of a Nagios plugin's answer to this, and the rest as long output.
    pub fn nagios_lines(&self) -> (String, String) {
        let first = match self {
            Error::Suite(diags) => diags.list.first().map_or_else(
                || "the suite did not load".to_string(),
                |d| d.message.clone(),
            ),
            other => other.to_string(),
        };
        (first, self.render())
    }
}
