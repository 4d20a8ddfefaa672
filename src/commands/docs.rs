//! `smokegate completions SHELL`, `smokegate man [COMMAND]` and `smokegate steps`: shell
//! completion scripts and manual pages generated from the command-line definitions, and the
//! feature-file vocabulary from its own table, so they never drift from them.
//! Must not load suites or run anything.

use clap::CommandFactory;

use super::output::{fail, out};
use crate::cli::Cli;
use crate::error::Error;
use crate::exit;

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "smokegate", &mut script);
    out(
        &String::from_utf8_lossy(&script),
        &crate::redact::Redactor::none(),
    );
    exit::GATE_PASSED
}

/// The page of smokegate (`smokegate(1)`), or of one of its commands (`smokegate-run(1)`).
pub fn man(command: Option<&str>) -> i32 {
    let root = Cli::command().name("smokegate");
    let page = match command {
        None => root,
        Some(name) => {
            let names: Vec<String> = root
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            match root.find_subcommand(name) {
                Some(sub) => {
                    let full = format!("smokegate-{name}");
                    sub.clone()
                        .name(full.clone())
                        .display_name(full)
                        .version(env!("CARGO_PKG_VERSION"))
                }
                None => {
                    return fail(
                        &Error::Usage(format!("no command `{name}`: one of {}", names.join(", "))),
                        &crate::redact::Redactor::none(),
                    )
                }
            }
        }
    };
    let mut roff = Vec::new();
    match clap_mangen::Man::new(page).render(&mut roff) {
        Ok(()) => {
            out(
                &String::from_utf8_lossy(&roff),
                &crate::redact::Redactor::none(),
            );
            exit::GATE_PASSED
        }
        Err(e) => fail(
            &Error::Usage(format!("cannot render the manual page: {e}")),
            &crate::redact::Redactor::none(),
        ),
    }
}

/// `smokegate steps`: every phrasing of the feature-file vocabulary, by group, with an example.
pub fn steps() -> i32 {
    let mut text = String::from(
        "Steps of .feature files. \"I \" is optional where an example has it; \"...\" is any quoted text,\n\
         numbers are whole numbers. Scenarios run over HTTP; @browser (or @javascript), and the\n\
         waiting steps, run them in a browser.\n",
    );
    let mut group = "";
    for phrase in crate::model::vocabulary::phrases() {
        if phrase.group != group {
            group = phrase.group;
            text.push_str(&format!("\n{group}\n"));
        }
        for (i, line) in phrase.example.lines().enumerate() {
            text.push_str(if i == 0 { "  " } else { "    " });
            text.push_str(line);
            text.push('\n');
        }
    }
    self::out(&text, &crate::redact::Redactor::none());
    exit::GATE_PASSED
}
