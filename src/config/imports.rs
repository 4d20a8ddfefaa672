//! Turning imported Nagios configuration into checks: `[import] nrpe = [...]` (each
//! `command[NAME]` of an nrpe.cfg becomes a check NAME, tagged `nrpe`) and `[import] nagios`
//! (each service on each of its hosts becomes `SERVICE @ HOST`, tagged `nagios`, the host and its
//! hostgroups; a host's own check_command becomes `host check @ HOST`, also tagged `host-check`;
//! passive ones are left out with a line saying so). Must not run anything.

use std::ops::Range;
use std::sync::Arc;

use globset::Glob;
use toml::Spanned;

use super::nagios_objects::{self, ImportOptions, SelectionSites};
use super::nrpe::{self, NrpeCommand};
use super::raw::{RawNagiosEntry, RawNrpeImport, RawNrpeList};
use super::{Defaults, Diagnostic, FileLoader};
use crate::model::spec::NagiosSpec;
use crate::model::ProbeSpec;
use crate::model::SourceLoc;

/// A check made from an import: name, extra tags, probe, where it came from, and the span of
/// the import entry in the suite file.
pub(super) struct Imported {
    pub name: String,
    pub tags: Vec<String>,
    pub probe: ProbeSpec,
    pub source: SourceLoc,
    pub suite: std::path::PathBuf,
    pub span: Range<usize>,
}

impl FileLoader<'_> {
    pub(super) fn nrpe_imports(
        &mut self,
        imports: Option<&Spanned<RawNrpeList>>,
        defaults: &Defaults,
    ) -> Vec<Imported> {
        let mut out = Vec::new();
        for (span, import) in imports.map(RawNrpeList::entries).unwrap_or_default() {
            let (file, patterns, args, tags) = match import {
                RawNrpeImport::File(f) => (f.as_str(), &[][..], None, &[][..]),
                RawNrpeImport::Table(t) => (
                    t.file.as_str(),
                    t.commands.as_deref().unwrap_or_default(),
                    t.args.as_ref(),
                    t.tags.as_deref().unwrap_or_default(),
                ),
            };
            let tags = self.tags(tags);
            let no_args = Default::default();
            let args = args.unwrap_or(&no_args);
            let path = self.relative(file);
            let commands = match nrpe::load(&path) {
                Ok(c) => c,
                Err(diags) => {
                    self.diags.extend(diags);
                    continue;
                }
            };
            // A name or pattern that selects nothing is a typo until shown otherwise: the gate
            // would pass on the rest without the check that was meant. Each is an error at its
            // own place in the list.
            let mut globs = Vec::new();
            for p in patterns {
                let (pattern, at) = (p.get_ref(), p.span());
                match Glob::new(pattern) {
                    Ok(g) => {
                        let m = g.compile_matcher();
                        if !commands.iter().any(|c| m.is_match(&c.name)) {
                            let known: Vec<&str> =
                                commands.iter().map(|c| c.name.as_str()).collect();
                            self.error(
                                at,
                                format!(
                                    "`commands` has `{pattern}`, which matches no command of {} (it defines {})",
                                    path.display(),
                                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                                ),
                            );
                        }
                        globs.push(m);
                    }
                    Err(e) => self.error(at, format!("invalid command pattern `{pattern}`: {e}")),
                }
            }
            if globs.len() < patterns.len() {
                continue;
            }
            for name in args.keys() {
                if !commands.iter().any(|c| &c.name == name) {
                    self.error(
                        span.clone(),
                        format!(
                            "`args` names `{name}`, which {} does not define",
                            path.display()
                        ),
                    );
                }
            }
            for command in commands
                .iter()
                .filter(|c| globs.is_empty() || globs.iter().any(|g| g.is_match(&c.name)))
            {
                let given = args
                    .get(&command.name)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                if let Some(probe) = self.nrpe_probe(command, given, defaults) {
                    let mut all_tags = vec!["nrpe".to_string()];
                    all_tags.extend(tags.iter().cloned());
                    let (line, col) =
                        super::diag::line_col(&command.source, command.name_span.start);
                    out.push(Imported {
                        name: command.name.clone(),
                        tags: all_tags,
                        probe,
                        source: SourceLoc {
                            file: command.file.clone(),
                            line,
                            col,
                        },
                        suite: command.file.clone(),
                        span: span.clone(),
                    });
                }
            }
        }
        out
    }

    /// The probe for one command line, run as NRPE would: directly when it is a plain command,
    /// through `/bin/sh -c` when it uses the shell.
    fn nrpe_probe(
        &mut self,
        command: &NrpeCommand,
        args: &[String],
        defaults: &Defaults,
    ) -> Option<ProbeSpec> {
        let line = match nrpe::apply_args(&command.line, args) {
            Ok(line) => line,
            Err(n) => {
                self.diags.push(
                    Diagnostic::new(
                        &command.file,
                        &command.source,
                        command.span.clone(),
                        format!("command `{}` uses $ARG{n}$ but no argument {n} is given", command.name),
                    )
                    .with_note(format!(
                        "give them in the suite: nrpe = [{{ file = \"...\", args = {{ {} = [\"...\"] }} }}]",
                        command.name
                    )),
                );
                return None;
            }
        };
        match command_line_probe(CommandForm::of(&line), defaults) {
            Ok(probe) => Some(probe),
            Err(e) => {
                self.diags.push(Diagnostic::new(
                    &command.file,
                    &command.source,
                    command.span.clone(),
                    e,
                ));
                None
            }
        }
    }

    pub(super) fn nagios_imports(
        &mut self,
        raw: &Spanned<RawNagiosEntry>,
        defaults: &Defaults,
    ) -> Vec<Imported> {
        let span = raw.span();
        let raw = raw.get_ref().table();
        let values = |list: &Option<Vec<Spanned<String>>>| -> Vec<String> {
            list.iter().flatten().map(|s| s.get_ref().clone()).collect()
        };
        let spans = |list: &Option<Vec<Spanned<String>>>| -> Vec<Range<usize>> {
            list.iter().flatten().map(Spanned::span).collect()
        };
        let opts = ImportOptions {
            config: raw.config.iter().map(|c| self.relative(c)).collect(),
            resource: raw.resource.as_ref().map(|r| self.relative(r)),
            hosts: values(&raw.hosts),
            hostgroups: values(&raw.hostgroups),
            services: values(&raw.services),
        };
        let sites = SelectionSites {
            file: self.file.to_path_buf(),
            source: Arc::clone(self.source),
            hosts: spans(&raw.hosts),
            hostgroups: spans(&raw.hostgroups),
            services: spans(&raw.services),
        };
        let services =
            match nagios_objects::import_from(&opts, Some(&sites), &mut self.found_secrets) {
                Ok(imported) => {
                    self.hostgroups = imported.hostgroups;
                    self.skipped
                        .extend(imported.skipped.iter().map(ToString::to_string));
                    imported.services
                }
                Err(diags) => {
                    self.diags.extend(diags);
                    return Vec::new();
                }
            };
        let mut out = Vec::new();
        for svc in services {
            match command_line_probe(CommandForm::of_nagios(&svc.command_line), defaults) {
                Ok(probe) => {
                    out.push(Imported {
                        name: svc.name(),
                        tags: svc.tags(),
                        probe,
                        source: SourceLoc {
                            file: svc.file.clone(),
                            line: svc.line,
                            col: svc.col,
                        },
                        suite: svc.file.clone(),
                        span: span.clone(),
                    });
                }
                Err(e) => self.error(
                    span.clone(),
                    format!("{} ({}:{}): {e}", svc.what(), svc.file.display(), svc.line),
                ),
            }
        }
        out
    }
}

/// How Nagios and NRPE run a command line: through `/bin/sh -c` when it uses the shell,
/// otherwise as its words, the first naming the plugin.
#[derive(Clone, Debug, PartialEq)]
pub enum CommandForm {
    Shell(String),
    Words(Vec<String>),
}

impl CommandForm {
    /// As NRPE runs a line: every line through `/bin/sh`, so a line without the shell's special
    /// characters is its words as the shell splits them (`#` starts a comment).
    pub fn of(line: &str) -> Result<CommandForm, String> {
        if nrpe::needs_shell(line) {
            return Ok(CommandForm::Shell(line.to_string()));
        }
        CommandForm::words(shell_words::split(line))
    }

    /// As Nagios 4 runs a line: through `/bin/sh` only when it has a redirection, a pipe, a
    /// sub-command, job control, a wildcard or a shell variable; otherwise Nagios splits it
    /// itself, honouring quotes and backslashes but not `#` comments or `~`.
    pub fn of_nagios(line: &str) -> Result<CommandForm, String> {
        if line.chars().any(|c| {
            matches!(
                c,
                '|' | '&' | ';' | '<' | '>' | '`' | '$' | '*' | '?' | '(' | ')'
            )
        }) {
            return Ok(CommandForm::Shell(line.to_string()));
        }
        CommandForm::words(shell_words::split(&literal_hashes(line)))
    }

    fn words(split: Result<Vec<String>, shell_words::ParseError>) -> Result<CommandForm, String> {
        let words = split.map_err(|e| format!("cannot split the command line into words: {e}"))?;
        if words.is_empty() {
            return Err("the command line is empty".to_string());
        }
        Ok(CommandForm::Words(words))
    }
}

/// `line` with each `#` that would start a shell comment escaped (a `#` at the start of a word,
/// outside quotes): Nagios passes it on as a character.
fn literal_hashes(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let (mut single, mut double, mut escaped, mut word_start) = (false, false, false, true);
    for c in line.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' && !single {
            escaped = true;
        } else if c == '\'' && !double {
            single = !single;
        } else if c == '"' && !single {
            double = !double;
        } else if c == '#' && word_start && !single && !double {
            out.push('\\');
        }
        word_start = c.is_whitespace() && !single && !double;
        out.push(c);
    }
    out
}

/// The probe for a command line run as Nagios and NRPE run it: directly when it is a plain
/// command, through `/bin/sh -c` when it uses the shell. A bare plugin name is looked up in the
/// plugin dirs.
pub(super) fn command_line_probe(
    form: Result<CommandForm, String>,
    defaults: &Defaults,
) -> Result<ProbeSpec, String> {
    let mut words = match form? {
        CommandForm::Shell(line) => {
            return Ok(ProbeSpec::Nagios(NagiosSpec {
                program: SHELL.into(),
                args: vec!["-c".to_string(), line],
            }))
        }
        CommandForm::Words(words) => words.into_iter(),
    };
    let first = words.next().unwrap_or_default();
    let program = if first.contains('/') {
        std::path::PathBuf::from(&first)
    } else {
        defaults
            .plugin_dirs
            .iter()
            .map(|d| d.join(&first))
            .find(|p| p.is_file())
            .unwrap_or_else(|| std::path::PathBuf::from(&first))
    };
    if !program.is_file() {
        return Err(format!("plugin `{}` does not exist", program.display()));
    }
    Ok(ProbeSpec::Nagios(NagiosSpec {
        program,
        args: words.collect(),
    }))
}

/// The shell Nagios and NRPE run command lines with.
pub const SHELL: &str = "/bin/sh";
