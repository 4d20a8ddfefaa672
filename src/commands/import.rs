//! `smokegate import nrpe|nagios`: another tool's configuration printed as a suite a team can own
//! and curate. Prints only; secrets are masked on the way out.

use std::path::PathBuf;

use super::output::{fail, out};
use crate::cli::ImportCommand;
use crate::error::Error;
use crate::redact::Redactor;
use crate::{config, exit};

/// The suite text of an imported command line: run as the import runs it (through `/bin/sh -c`
/// when it uses the shell, otherwise as its words), with `$` and `{{` kept literal.
struct Printer {
    /// Whether some text needed `{{lbrace}}`, declared in `[vars]`.
    lbrace: bool,
    /// Lines are Nagios' (split as Nagios 4 splits them), else NRPE's (as `/bin/sh` does).
    nagios: bool,
}

impl Printer {
    /// `text` as a suite string whose interpolation gives back `text`.
    fn literal(&mut self, text: &str) -> String {
        let text = text.replace('$', "$$");
        if text.contains("{{") {
            self.lbrace = true;
            text.replace('{', "{{lbrace}}")
        } else {
            text
        }
    }

    /// The `nagios` table of a check running `line` as Nagios and NRPE run it.
    fn probe(&mut self, line: &str) -> toml::Table {
        let mut nagios = toml::Table::new();
        let form = if self.nagios {
            config::CommandForm::of_nagios(line)
        } else {
            config::CommandForm::of(line)
        };
        match form {
            Ok(config::CommandForm::Shell(line)) => {
                nagios.insert("plugin".into(), config::SHELL.into());
                let args = vec!["-c".into(), self.literal(&line).into()];
                nagios.insert("args".into(), toml::Value::Array(args));
            }
            Ok(config::CommandForm::Words(mut words)) => {
                // A relative path is taken from where the import ran; the suite would take it
                // from its own folder.
                // The words as written, unless splitting the line again would not give them
                // back (a `#` Nagios passes on, which a suite's `command` would cut).
                let mut joined = if shell_words::split(line).ok().as_ref() == Some(&words) {
                    line.to_string()
                } else {
                    shell_words::join(&words)
                };
                if let Some(first) = words.first_mut() {
                    let path = std::path::Path::new(first.as_str());
                    if first.contains('/') && path.is_relative() {
                        if let Ok(cwd) = std::env::current_dir() {
                            *first = cwd.join(path).display().to_string();
                            joined = shell_words::join(&words);
                        }
                    }
                }
                nagios.insert("command".into(), self.literal(&joined).into());
            }
            // The suite reports it at its place, as the import does.
            Err(_) => {
                nagios.insert("command".into(), self.literal(line).into());
            }
        }
        nagios
    }

    /// One imported check as a TOML `[[check]]` table, with where it came from.
    fn check(&mut self, name: &str, tags: &[String], command_line: &str, origin: &str) -> String {
        let mut check = toml::Table::new();
        check.insert("name".into(), name.into());
        check.insert(
            "tags".into(),
            toml::Value::Array(tags.iter().map(|t| t.as_str().into()).collect()),
        );
        check.insert("nagios".into(), self.probe(command_line).into());
        let mut doc = toml::Table::new();
        doc.insert("check".into(), toml::Value::Array(vec![check.into()]));
        format!(
            "\n# {origin}\n{}",
            toml::to_string(&doc).unwrap_or_default()
        )
    }

    /// The suite: `header`, the `[vars]` the checks need, then the checks.
    fn suite(&self, header: &str, checks: &str) -> String {
        let vars = if self.lbrace {
            "\n# `{{` is not interpolation in the imported lines: each `{` is written {{lbrace}}.\n[vars]\nlbrace = \"{\"\n"
        } else {
            ""
        };
        format!("{header}{vars}{checks}")
    }
}

/// `smokegate import nrpe|nagios`.
pub fn import(what: ImportCommand) -> i32 {
    match what {
        ImportCommand::Nrpe { files } => nrpe(&files),
        ImportCommand::Nagios {
            config,
            resource,
            hosts,
            hostgroups,
            services,
        } => nagios(config::nagios_objects::ImportOptions {
            config,
            resource,
            hosts,
            hostgroups,
            services,
        }),
    }
}

/// `smokegate import nrpe`: the commands as a suite a team can own and curate.
fn nrpe(files: &[PathBuf]) -> i32 {
    let mut printer = Printer {
        lbrace: false,
        nagios: false,
    };
    let mut text = String::new();
    let mut diags = Vec::new();
    for file in files {
        match config::nrpe::load(file) {
            Ok(commands) => {
                for c in commands {
                    let (line, _) = config::diag::line_col(&c.source, c.name_span.start);
                    let origin = format!("{}:{line}", c.file.display());
                    // The line as NRPE runs it: its `$` macros processed (`$$` is `$`).
                    if let Ok(line) = config::nrpe::apply_args(&c.line, &[]) {
                        text.push_str(&printer.check(
                            &c.name,
                            &["nrpe".to_string()],
                            &line,
                            &origin,
                        ));
                    } else {
                        // Shown with its `$ARGn$` as they are, to be replaced by the values.
                        let mut rendered = Printer {
                            lbrace: false,
                            nagios: false,
                        }
                        .check(
                            &c.name,
                            &["nrpe".to_string()],
                            &config::nrpe::with_arg_placeholders(&c.line),
                            &origin,
                        );
                        for n in 1..=32 {
                            rendered =
                                rendered.replace(&format!("$$ARG{n}$$"), &format!("$ARG{n}$"));
                        }
                        text.push_str(&format!("\n# {origin}: needs arguments for $ARGn$; fill them in, then uncomment\n"));
                        for l in rendered.lines().skip(2) {
                            text.push_str(&format!("# {l}\n"));
                        }
                    }
                }
            }
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return fail(
            &Error::Suite(config::Diagnostics::plain(diags)),
            &Redactor::none(),
        );
    }
    out(
        &printer.suite(
            "# Imported by `smokegate import nrpe`: one check per NRPE command.\n",
            &text,
        ),
        &Redactor::none(),
    );
    exit::GATE_PASSED
}

/// `smokegate import nagios`: every service on every selected host as a check.
fn nagios(opts: config::nagios_objects::ImportOptions) -> i32 {
    let mut secrets = Vec::new();
    let imported = config::nagios_objects::import(&opts, &mut secrets);
    let redact = Redactor::new(secrets);
    match imported {
        Ok(imported) => {
            let mut header = String::from(
                "# Imported by `smokegate import nagios`: one check per service and host.\n",
            );
            let mut printer = Printer {
                lbrace: false,
                nagios: true,
            };
            let mut text = String::new();
            // $USERn$ values are secrets: shown as ****, to be given to the suite in [secrets].
            let any_secret = imported
                .services
                .iter()
                .any(|s| redact.holds_secret(&s.command_line));
            if any_secret {
                header.push_str("# Values from the resource file are secrets and show as ****: declare them in [secrets]\n# (e.g. db_pass = \"${DB_PASS}\") and use {{db_pass}} in the command.\n");
            }
            // Left out as `[import] nagios` leaves them out: Nagios never runs them itself.
            for skipped in &imported.skipped {
                header.push_str(&format!("# skipped: {skipped}\n"));
            }
            for s in imported.services {
                let origin = format!("{}:{}", s.file.display(), s.line);
                // Masked on the way out, in whatever quoting TOML gives it.
                text.push_str(&printer.check(&s.name(), &s.tags(), &s.command_line, &origin));
            }
            out(&printer.suite(&header, &text), &redact);
            exit::GATE_PASSED
        }
        Err(diags) => fail(
            &Error::Suite(config::Diagnostics::new(diags, redact.clone())),
            &redact,
        ),
    }
}
