//! Turning imported Nagios configuration into checks: `[import] nrpe = [...]` (each
//! `command[NAME]` of an nrpe.cfg becomes a check NAME, tagged `nrpe`). Must not run anything.

use std::ops::Range;

use globset::{Glob, GlobSetBuilder};
use toml::Spanned;

use super::nrpe::{self, NrpeCommand};
use serde::Deserialize;

use super::raw::RawNrpeTable;
use super::{Defaults, Diagnostic, FileLoader};
use crate::model::SourceLoc;
use crate::probe::nagios::NagiosSpec;
use crate::probe::ProbeSpec;

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
        imports: &[Spanned<toml::Value>],
        defaults: &Defaults,
    ) -> Vec<Imported> {
        let mut out = Vec::new();
        for import in imports {
            let span = import.span();
            let table = match import.get_ref() {
                toml::Value::String(f) => RawNrpeTable {
                    file: f.clone(),
                    commands: None,
                    args: None,
                    tags: None,
                },
                other => match RawNrpeTable::deserialize(other.clone()) {
                    Ok(t) => t,
                    Err(e) => {
                        self.error(
                            span.clone(),
                            format!("invalid nrpe import: {}", e.message()),
                        );
                        continue;
                    }
                },
            };
            let tag_spans: Vec<Spanned<String>> = table
                .tags
                .iter()
                .flatten()
                .map(|t| Spanned::new(span.clone(), t.clone()))
                .collect();
            let tags = self.tags(&tag_spans);
            let file = table.file;
            let patterns = table.commands.unwrap_or_default();
            let args = table.args.unwrap_or_default();
            let path = self.relative(&file);
            let commands = match nrpe::load(&path) {
                Ok(c) => c,
                Err(diags) => {
                    self.diags.extend(diags);
                    continue;
                }
            };
            let mut globs = GlobSetBuilder::new();
            for p in &patterns {
                match Glob::new(p) {
                    Ok(g) => {
                        globs.add(g);
                    }
                    Err(e) => {
                        self.error(span.clone(), format!("invalid command pattern `{p}`: {e}"))
                    }
                }
            }
            let Ok(globs) = globs.build() else { continue };
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
                .filter(|c| patterns.is_empty() || globs.is_match(&c.name))
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
        if nrpe::needs_shell(&line) {
            return Some(ProbeSpec::Nagios(NagiosSpec {
                program: "/bin/sh".into(),
                args: vec!["-c".to_string(), line],
            }));
        }
        let mut words = match shell_words::split(&line) {
            Ok(w) => w.into_iter(),
            Err(e) => {
                self.diags.push(Diagnostic::new(
                    &command.file,
                    &command.source,
                    command.span.clone(),
                    format!("cannot split the command line into words: {e}"),
                ));
                return None;
            }
        };
        let first = words.next()?;
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
            self.diags.push(Diagnostic::new(
                &command.file,
                &command.source,
                command.span.clone(),
                format!("plugin `{}` does not exist", program.display()),
            ));
            return None;
        }
        Some(ProbeSpec::Nagios(NagiosSpec {
            program,
            args: words.collect(),
        }))
    }
}
