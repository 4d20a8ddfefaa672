//! The process's two text channels: stdout (never failing on a closed pipe) and stderr for usage
//! errors, both masking secrets on the way out; and whether to colour.

use std::io::{IsTerminal, Write};

use crate::cli::ColorChoice;
use crate::error::Error;
use crate::secrets;

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

/// A command that could not start: the error on stderr (secrets masked), its exit code.
pub fn fail(error: &Error) -> i32 {
    eprintln!("{}", secrets::mask(&error.render()));
    error.exit_code()
}

/// Writes to stdout, ignoring a closed pipe (`smokegate list | head`).
pub fn out(text: &str) {
    let text = secrets::mask(text);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
