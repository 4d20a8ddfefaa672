//! Turning imported Nagios configuration into checks: `[import] nrpe = [...]` (each
//! `command[NAME]` of an nrpe.cfg becomes a check NAME, tagged `nrpe`) and `[import] nagios`
//! (each service on each of its hosts becomes `SERVICE @ HOST`, tagged `nagios`, the host and its
//! hostgroups; a host's own check_command becomes `host check @ HOST`, also tagged `host-check`;
//! passive ones are left out with a line saying so). Must not run anything.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::Glob;
use toml::Spanned;

use super::nagios_objects::{self, ImportOptions, SelectionSites};
use super::nrpe::{self, NrpeCommand};
use super::raw::{Entries, PathOr, RawNagiosEntry, RawNrpeTable};
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
        imports: Option<&Spanned<Entries<RawNrpeTable>>>,
        defaults: &Defaults,
    ) -> Vec<Imported> {
        let mut out = Vec::new();
        for (span, import) in imports.map(Entries::entries).unwrap_or_default() {
            let (file, patterns, args, tags) = match import {
                PathOr::Path(f) => (f.as_str(), &[][..], None, &[][..]),
                PathOr::Table(t) => (
                    t.file.as_str(),
                    t.commands.as_deref().unwrap_or_default(),
                    t.args.as_ref(),
                    t.tags.as_deref().unwrap_or_default(),
                ),
            };
            let tags = self.text.tags(tags);
            let no_args = Default::default();
            let args = args.unwrap_or(&no_args);
            let path = self.text.relative(file);
            // The file's errors are reported with those of its commands: one does not hide the
            // others. What NRPE goes on without (a missing include) is a warning line.
            let read = nrpe::read_file(&path);
            self.text.diags.extend(read.diags);
            self.imported.skipped.extend(read.warnings);
            let commands = read.commands;
            let broken = read.broken;
            // A name or pattern that selects nothing is a typo until shown otherwise: the gate
            // would pass on the rest without the check that was meant. Each is an error at its
            // own place in the list.
            let mut globs = Vec::new();
            for p in patterns {
                let (pattern, at) = (p.get_ref(), p.span());
                match Glob::new(pattern) {
                    Ok(g) => {
                        let m = g.compile_matcher();
                        if !commands.iter().any(|c| m.is_match(&c.name))
                            && !broken.iter().any(|b| m.is_match(b))
                        {
                            let known: Vec<&str> =
                                commands.iter().map(|c| c.name.as_str()).collect();
                            self.text.error(
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
                    Err(e) => self
                        .text
                        .error(at, format!("invalid command pattern `{pattern}`: {e}")),
                }
            }
            if globs.len() < patterns.len() {
                continue;
            }
            for name in args.keys() {
                if !commands.iter().any(|c| &c.name == name) && !broken.contains(name) {
                    self.text.error(
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
                let given = args.get(&command.name).map(Vec::as_slice);
                // Named in `commands` as it is, it was meant: its missing arguments are an error.
                let named = patterns.iter().any(|p| p.get_ref() == &command.name);
                if given.is_none() && !named {
                    if let Some(line) = needs_args(command) {
                        self.imported.skipped.push(line);
                        continue;
                    }
                }
                let given = given.unwrap_or_default();
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
                self.text.diags.push(
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
        match command_line_probe(CommandForm::of(&line), defaults, &SearchPath::nrpe()) {
            Ok(probe) => Some(probe),
            Err(e) => {
                self.text.diags.push(Diagnostic::new(
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
            config: raw.config.iter().map(|c| self.text.relative(c)).collect(),
            resource: raw.resource.as_ref().map(|r| self.text.relative(r)),
            hosts: values(&raw.hosts),
            hostgroups: values(&raw.hostgroups),
            services: values(&raw.services),
        };
        let sites = SelectionSites {
            file: self.text.file.to_path_buf(),
            source: Arc::clone(self.text.source),
            hosts: spans(&raw.hosts),
            hostgroups: spans(&raw.hostgroups),
            services: spans(&raw.services),
        };
        let services = match nagios_objects::import_from(
            &opts,
            Some(&sites),
            &mut self.values.found_secrets,
        ) {
            Ok(imported) => {
                self.imported.hostgroups = imported.hostgroups;
                self.imported
                    .skipped
                    .extend(imported.skipped.iter().map(ToString::to_string));
                imported.services
            }
            Err(diags) => {
                self.text.diags.extend(diags);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for svc in services {
            let search = SearchPath::of_env((self.values.env)("PATH"));
            match command_line_probe(CommandForm::of_nagios(&svc.command_line), defaults, &search) {
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
                Err(e) => {
                    let e = match &svc.path_macro {
                        Some((name, value)) => with_path_macro(&e, name, value),
                        None => e,
                    };
                    self.text.error(
                        span.clone(),
                        format!("{} ({}:{}): {e}", svc.what(), svc.file.display(), svc.line),
                    )
                }
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

/// The skipped line of a command that uses `$ARGn$` when the suite gives it no `args`: it is
/// not imported (never run with a literal `$ARGn$`), and the line says how to give them, in the
/// syntax of an `[import] nrpe` entry. `None` when it uses none.
fn needs_args(command: &NrpeCommand) -> Option<String> {
    let used = nrpe::arg_numbers(&command.line);
    let last = *used.last()?;
    let macros: Vec<String> = used.iter().map(|n| format!("$ARG{n}$")).collect();
    let values = vec!["\"...\""; last].join(", ");
    let (line, col) = super::diag::line_col(&command.source, command.name_span.start);
    Some(format!(
        "{}:{line}:{col}: {} needs {}: give them as args = {{ {} = [{values}] }}; not imported",
        command.file.display(),
        command.name,
        macros.join(" "),
        toml_key(&command.name),
    ))
}

/// `name` as a TOML key: bare when it can be, else quoted.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        toml::Value::String(name.to_string()).to_string()
    }
}

/// A "does not exist" message about a program whose path starts with a `$USERn$` macro's value,
/// shown as the macro is written, with its value: `$USER1$/check_foo does not exist ($USER1$
/// is /usr/lib/nagios/plugin, which is no folder)`. The value is a path, never a secret (see
/// `nagios_resource::UserMacros::mark_paths`).
fn with_path_macro(message: &str, name: &str, value: &str) -> String {
    let shown = format!("`{value}/");
    if value.is_empty() || !message.contains(&shown) {
        return message.to_string();
    }
    let folder = if Path::new(value).is_dir() {
        "a folder"
    } else {
        "no folder"
    };
    format!(
        "{} (${name}$ is {value}, which is {folder})",
        message.replacen(&shown, &format!("`${name}$/"), 1)
    )
}

/// Where a bare program name is looked for, as the daemon's shell or `execvp` does, and how a
/// message names that.
pub(super) struct SearchPath {
    dirs: Vec<PathBuf>,
    label: String,
}

/// The `PATH` NRPE 4.1 runs its commands with: it clears its environment at start and sets
/// glibc's `_PATH_STDPATH` (src/utils.c `clean_environ`), whatever `keep_env_vars` says.
pub const NRPE_PATH: &str = "/usr/bin:/bin:/usr/sbin:/sbin";

impl SearchPath {
    /// NRPE's: its fixed `PATH`.
    pub(super) fn nrpe() -> SearchPath {
        SearchPath {
            dirs: std::env::split_paths(NRPE_PATH).collect(),
            label: format!("NRPE's PATH ({NRPE_PATH})"),
        }
    }

    /// Nagios': the `PATH` it inherits, taken to be smokegate's own.
    pub(super) fn of_env(path: Option<String>) -> SearchPath {
        let path = path.unwrap_or_default();
        SearchPath {
            dirs: std::env::split_paths(&path)
                .filter(|d| d.is_absolute())
                .collect(),
            label: "$PATH".to_string(),
        }
    }

    fn find(&self, name: &str, plugin_dirs: &[PathBuf]) -> Option<PathBuf> {
        let in_path = self
            .dirs
            .iter()
            .map(|d| d.join(name))
            .find(|p| is_program(p));
        in_path.or_else(|| {
            plugin_dirs
                .iter()
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    }
}

/// A file that can be run (as `execvp` and the shell look for one).
fn is_program(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The probe for a command line run as Nagios and NRPE run it: directly when it is a plain
/// command, through `/bin/sh -c` when it uses the shell. Leading `NAME=value` words set the
/// program's environment (as the shell and Nagios' runcmd do), through `env`. A bare program
/// name is looked for as the daemon looks for it, in `search` (its `PATH`), then in the plugin
/// dirs; one found nowhere is an error naming both.
pub(super) fn command_line_probe(
    form: Result<CommandForm, String>,
    defaults: &Defaults,
    search: &SearchPath,
) -> Result<ProbeSpec, String> {
    let words = match form? {
        CommandForm::Shell(line) => {
            return Ok(ProbeSpec::Nagios(NagiosSpec {
                program: SHELL.into(),
                args: vec!["-c".to_string(), line],
            }))
        }
        CommandForm::Words(words) => words,
    };
    let assignments = words.iter().take_while(|w| nrpe::is_assignment(w)).count();
    let Some(first) = words.get(assignments) else {
        return Err("the command line sets variables and runs nothing".to_string());
    };
    let program = if first.contains('/') {
        let program = PathBuf::from(first);
        if !program.is_file() {
            return Err(format!("plugin `{}` does not exist", program.display()));
        }
        program
    } else {
        let Some(found) = search.find(first, &defaults.plugin_dirs) else {
            let mut looked = vec![search.label.clone()];
            looked.extend(defaults.plugin_dirs.iter().map(|d| d.display().to_string()));
            return Err(format!(
                "program `{first}` not found: looked in {}",
                looked.join(", ")
            ));
        };
        found
    };
    let rest = words[assignments + 1..].iter().cloned();
    if assignments == 0 {
        return Ok(ProbeSpec::Nagios(NagiosSpec {
            program,
            args: rest.collect(),
        }));
    }
    let env = search
        .find("env", &[])
        .unwrap_or_else(|| PathBuf::from("/usr/bin/env"));
    let mut args: Vec<String> = words[..assignments].to_vec();
    args.push(program.display().to_string());
    args.extend(rest);
    Ok(ProbeSpec::Nagios(NagiosSpec { program: env, args }))
}

/// The shell Nagios and NRPE run command lines with.
pub const SHELL: &str = "/bin/sh";
