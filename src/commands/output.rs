//! The process's two text channels: stdout (never failing on a closed pipe) and stderr for usage
//! errors, both masking secrets on the way out; and whether to colour.

use std::io::{IsTerminal, Write};

use crate::cli::ColorChoice;
use crate::error::Error;
use crate::redact::Redactor;

/// `--color auto` colours a terminal unless NO_COLOR is set.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// A command that could not start: the error on stderr, masked with `redact` and with the
/// secrets the error itself knows (a suite that did not load), and its exit code.
pub fn fail(error: &Error, redact: &Redactor) -> i32 {
    let text = error.render();
    let text = error.redactor().mask(&text).into_owned();
    eprintln!("{}", redact.mask(&text));
    error.exit_code()
}

/// Writes to stdout, its secrets masked, ignoring a closed pipe (`smokegate list | head`).
pub fn out(text: &str, redact: &Redactor) {
    let text = redact.mask(text);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
