//! `smokegate import nrpe|nagios`: another tool's configuration printed as a suite a team can own
//! and curate, and on stderr what it left out. Prints only; secrets are masked on the way out.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::output::{fail, out};
use crate::cli::ImportCommand;
use crate::error::Error;
use crate::model::spec::NagiosSpec;
use crate::model::ProbeSpec;
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

    /// The `nagios` table of a check running `spec`, the program an import resolved for
    /// `line`: written as `line` when that is what it runs.
    fn resolved(&mut self, spec: &NagiosSpec, line: &str) -> toml::Table {
        let mut nagios = toml::Table::new();
        // A relative path is taken from where the import ran; the suite would take it from
        // its own folder.
        let program = if spec.program.is_relative() {
            std::env::current_dir()
                .map(|cwd| cwd.join(&spec.program))
                .unwrap_or_else(|_| spec.program.clone())
        } else {
            spec.program.clone()
        };
        let program = program.display().to_string();
        if program == config::SHELL {
            nagios.insert("plugin".into(), program.into());
            let args = spec.args.iter().map(|a| self.literal(a).into()).collect();
            nagios.insert("args".into(), toml::Value::Array(args));
            return nagios;
        }
        let mut words = vec![program];
        words.extend(spec.args.iter().cloned());
        let joined = if shell_words::split(line).ok().as_ref() == Some(&words) {
            line.to_string()
        } else {
            shell_words::join(&words)
        };
        nagios.insert("command".into(), self.literal(&joined).into());
        nagios
    }

    /// One imported check running `command_line` as a TOML `[[check]]` table, with where it
    /// came from.
    fn check(&mut self, name: &str, tags: &[String], command_line: &str, origin: &str) -> String {
        let probe = self.probe(command_line);
        self.table(name, tags, probe, origin)
    }

    /// One imported check as a TOML `[[check]]` table, with where it came from.
    fn table(&mut self, name: &str, tags: &[String], nagios: toml::Table, origin: &str) -> String {
        let mut check = toml::Table::new();
        check.insert("name".into(), name.into());
        check.insert(
            "tags".into(),
            toml::Value::Array(tags.iter().map(|t| t.as_str().into()).collect()),
        );
        check.insert("nagios".into(), nagios.into());
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
        } => nagios(crate::import::nagios_objects::ImportOptions {
            config,
            resource,
            hosts,
            hostgroups,
            services,
        }),
    }
}

/// `smokegate import nrpe`: the commands as a suite a team can own and curate, each running
/// the program `[import] nrpe` resolves for it. What NRPE goes on without (a missing include)
/// and the commands left commented out (they need `$ARGn$`) are said on stderr, a `skipped:`
/// line each, as `validate` says them; a command whose program was not found is printed as
/// written, with a `warning:` line.
fn nrpe(files: &[PathBuf]) -> i32 {
    let mut printer = Printer {
        lbrace: false,
        nagios: false,
    };
    let mut text = String::new();
    let mut diags = Vec::new();
    let mut notes = String::new();
    for file in files {
        let read = crate::import::nrpe::read_file(file);
        for warning in &read.warnings {
            notes.push_str(&format!("skipped: {warning}\n"));
        }
        if !read.diags.is_empty() {
            diags.extend(read.diags);
            continue;
        }
        let (programs, unresolved) = resolve_nrpe(file, &read.commands);
        for c in &read.commands {
            let (line, col) = crate::source::diag::line_col(&c.source, c.name_span.start);
            let origin = format!("{}:{line}", c.file.display());
            // The line as NRPE runs it: its `$` macros processed (`$$` is `$`).
            let Ok(processed) = crate::import::nrpe::apply_args(&c.line, &[]) else {
                let used: Vec<String> = crate::import::nrpe::arg_numbers(&c.line)
                    .iter()
                    .map(|n| format!("$ARG{n}$"))
                    .collect();
                notes.push_str(&format!(
                    "skipped: {}:{line}:{col}: {} needs {}: printed commented out; fill them in, then uncomment\n",
                    c.file.display(),
                    c.name,
                    used.join(" ")
                ));
                text.push_str(&needs_args(c, &origin));
                continue;
            };
            if let Some(why) = unresolved.iter().find(|d| is_at(d, c)) {
                notes.push_str(&format!(
                    "warning: {}:{line}:{col}: {}: {}; printed as written\n",
                    c.file.display(),
                    c.name,
                    why.message
                ));
            }
            let probe = match programs.get(&c.name) {
                Some(spec) => printer.resolved(spec, &processed),
                // The suite reports it at its place, as the import does.
                None => printer.probe(&processed),
            };
            text.push_str(&printer.table(&c.name, &["nrpe".to_string()], probe, &origin));
        }
    }
    eprint!("{notes}");
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

/// A command that uses `$ARGn$`, commented out with its `$ARGn$` as they are, to be replaced
/// by the values.
fn needs_args(c: &crate::import::nrpe::NrpeCommand, origin: &str) -> String {
    let mut rendered = Printer {
        lbrace: false,
        nagios: false,
    }
    .check(
        &c.name,
        &["nrpe".to_string()],
        &crate::import::nrpe::with_arg_placeholders(&c.line),
        origin,
    );
    for n in 1..=32 {
        rendered = rendered.replace(&format!("$$ARG{n}$$"), &format!("$ARG{n}$"));
    }
    let mut text =
        format!("\n# {origin}: needs arguments for $ARGn$; fill them in, then uncomment\n");
    for l in rendered.lines().skip(2) {
        text.push_str(&format!("# {l}\n"));
    }
    text
}

/// Whether `d` is the error of command `c` (at its command line).
fn is_at(d: &config::Diagnostic, c: &crate::import::nrpe::NrpeCommand) -> bool {
    let same = |a: &Path, b: &Path| std::path::absolute(a).ok() == std::path::absolute(b).ok();
    d.span == c.span && same(&d.file, &c.file)
}

/// What `[import] nrpe = ["FILE"]` runs for each command of `file` (NRPE's PATH, then the
/// plugin folders; leading `NAME=value` words through `env`), by name, found by importing it
/// as a suite does; and the errors of the commands it could not resolve. A command that needs
/// `$ARGn$` is in neither. When the file has other errors, nothing is resolved.
fn resolve_nrpe(
    file: &Path,
    commands: &[crate::import::nrpe::NrpeCommand],
) -> (HashMap<String, NagiosSpec>, Vec<config::Diagnostic>) {
    let file = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let import = |only: Option<Vec<String>>| {
        let mut entry = toml::Table::new();
        entry.insert("file".into(), file.display().to_string().into());
        if let Some(only) = only {
            let only = only.into_iter().map(toml::Value::String).collect();
            entry.insert("commands".into(), toml::Value::Array(only));
        }
        let suite = format!("[import]\nnrpe = [{}]\n", toml::Value::Table(entry));
        let env = |name: &str| std::env::var(name).ok();
        let loaded = config::load_text(Path::new("import.toml"), &suite, &env)?;
        let selected = loaded.select(&|_, _| true)?;
        Ok::<_, config::Diagnostics>(
            selected
                .checks
                .iter()
                .filter_map(|c| match &c.probe {
                    ProbeSpec::Nagios(spec) => Some((c.name.clone(), spec.clone())),
                    _ => None,
                })
                .collect::<HashMap<_, _>>(),
        )
    };
    let diags = match import(None) {
        Ok(programs) => return (programs, Vec::new()),
        Err(d) => d.list,
    };
    if !diags.iter().all(|d| commands.iter().any(|c| is_at(d, c))) {
        return (HashMap::new(), Vec::new());
    }
    // The others, each named exactly.
    let rest: Vec<String> = commands
        .iter()
        .filter(|c| crate::import::nrpe::arg_numbers(&c.line).is_empty())
        .filter(|c| !diags.iter().any(|d| is_at(d, c)))
        .map(|c| globset::escape(&c.name).replace('\\', "\\\\"))
        .collect();
    if rest.is_empty() {
        return (HashMap::new(), diags);
    }
    (import(Some(rest)).unwrap_or_default(), diags)
}

/// `smokegate import nagios`: every service on every selected host as a check.
fn nagios(opts: crate::import::nagios_objects::ImportOptions) -> i32 {
    let mut secrets = Vec::new();
    let imported = crate::import::nagios_objects::import(&opts, &mut secrets);
    let programs = resolve_nagios(&opts);
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
                let probe = match programs.get(&s.name()) {
                    Some(spec) => printer.resolved(spec, &s.command_line),
                    // The suite reports it at its place, as the import does.
                    None => printer.probe(&s.command_line),
                };
                text.push_str(&printer.table(&s.name(), &s.tags(), probe, &origin));
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

/// What `[import] nagios` runs for each check of `opts` (a bare program through `$PATH`, then
/// the plugin folders), by name, found by importing it as a suite does; none when that import
/// has errors (each is then reported at its place by the printed suite's `validate`).
fn resolve_nagios(
    opts: &crate::import::nagios_objects::ImportOptions,
) -> HashMap<String, NagiosSpec> {
    let paths = |list: &[PathBuf]| -> toml::Value {
        let absolute = |p: &PathBuf| std::path::absolute(p).unwrap_or_else(|_| p.clone());
        toml::Value::Array(
            list.iter()
                .map(|p| absolute(p).display().to_string().into())
                .collect(),
        )
    };
    let words = |list: &[String]| -> toml::Value {
        toml::Value::Array(list.iter().map(|w| w.as_str().into()).collect())
    };
    let mut entry = toml::Table::new();
    entry.insert("config".into(), paths(&opts.config));
    if let Some(resource) = &opts.resource {
        if let toml::Value::Array(mut one) = paths(std::slice::from_ref(resource)) {
            if let Some(path) = one.pop() {
                entry.insert("resource".into(), path);
            }
        }
    }
    for (key, list) in [
        ("hosts", &opts.hosts),
        ("hostgroups", &opts.hostgroups),
        ("services", &opts.services),
    ] {
        if !list.is_empty() {
            entry.insert(key.into(), words(list));
        }
    }
    let suite = format!("[import]\nnagios = {}\n", toml::Value::Table(entry));
    let env = |name: &str| std::env::var(name).ok();
    let Ok(loaded) = config::load_text(Path::new("import.toml"), &suite, &env) else {
        return HashMap::new();
    };
    let Ok(selected) = loaded.select(&|_, _| true) else {
        return HashMap::new();
    };
    selected
        .checks
        .iter()
        .filter_map(|c| match &c.probe {
            ProbeSpec::Nagios(spec) => Some((c.name.clone(), spec.clone())),
            _ => None,
        })
        .collect()
}
