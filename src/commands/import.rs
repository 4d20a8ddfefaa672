//! `smokegate import nrpe|nagios`: another tool's configuration printed as a suite a team can own
//! and curate. Prints only; secrets are masked on the way out.

use std::path::PathBuf;

use super::output::{fail, out};
use crate::cli::ImportCommand;
use crate::error::Error;
use crate::{config, exit, secrets};

/// One imported check as a TOML `[[check]]` table, with where it came from.
fn check_toml(name: &str, tags: &[String], command_line: &str, origin: &str) -> String {
    let mut check = toml::Table::new();
    check.insert("name".into(), name.into());
    check.insert(
        "tags".into(),
        toml::Value::Array(tags.iter().map(|t| t.as_str().into()).collect()),
    );
    let mut nagios = toml::Table::new();
    nagios.insert("command".into(), command_line.into());
    check.insert("nagios".into(), nagios.into());
    let mut doc = toml::Table::new();
    doc.insert("check".into(), toml::Value::Array(vec![check.into()]));
    format!(
        "\n# {origin}\n{}",
        toml::to_string(&doc).unwrap_or_default()
    )
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
    let mut text =
        String::from("# Imported by `smokegate import nrpe`: one check per NRPE command.\n");
    let mut diags = Vec::new();
    for file in files {
        match config::nrpe::load(file) {
            Ok(commands) => {
                for c in commands {
                    let (line, _) = config::diag::line_col(&c.source, c.name_span.start);
                    let origin = format!("{}:{line}", c.file.display());
                    let rendered = check_toml(&c.name, &["nrpe".to_string()], &c.line, &origin);
                    if config::nrpe::apply_args(&c.line, &[]).is_err() {
                        text.push_str(&format!("\n# {origin}: needs arguments for $ARGn$; fill them in, then uncomment\n"));
                        for l in rendered.lines().skip(2) {
                            text.push_str(&format!("# {l}\n"));
                        }
                    } else {
                        text.push_str(&rendered);
                    }
                }
            }
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return fail(&Error::Suite(config::Diagnostics(diags)));
    }
    out(&text);
    exit::GATE_PASSED
}

/// `smokegate import nagios`: every service on every selected host as a check.
fn nagios(opts: config::nagios_objects::ImportOptions) -> i32 {
    match config::nagios_objects::import(&opts) {
        Ok(imported) => {
            let mut text = String::from(
                "# Imported by `smokegate import nagios`: one check per service and host.\n",
            );
            // $USERn$ values are secrets: shown as ****, to be given to the suite in [secrets].
            let any_secret = imported
                .services
                .iter()
                .any(|s| secrets::mask(&s.command_line) != s.command_line.as_str());
            if any_secret {
                text.push_str("# Values from the resource file are secrets and show as ****: declare them in [secrets]\n# (e.g. db_pass = \"${DB_PASS}\") and use {{db_pass}} in the command.\n");
            }
            for s in imported.services {
                let mut tags = vec!["nagios".to_string(), s.host.clone()];
                tags.extend(s.hostgroups.iter().cloned());
                let origin = format!("{}:{}", s.file.display(), s.line);
                text.push_str(&check_toml(
                    &format!("{} @ {}", s.service, s.host),
                    &tags,
                    &s.command_line,
                    &origin,
                ));
            }
            out(&text);
            exit::GATE_PASSED
        }
        Err(diags) => fail(&Error::Suite(config::Diagnostics(diags))),
    }
}
