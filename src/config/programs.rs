//! The program of a `nagios` or `exec` table, and of an imported command: `plugin`/`program`
//! with `args`, or one `command` line split as a shell would (without one), secrets put in
//! after the split; bare names looked up in the plugin folders (and `$PATH` for `exec`).
//! Must not run anything.

use super::*;

/// A `nagios` or `exec` table's program, its `args`, or one `command` line, as written.
pub(super) type RawCommand = (
    Option<Spanned<String>>,
    Option<Vec<Spanned<String>>>,
    Option<Spanned<String>>,
);

/// What a `nagios` or `exec` table calls its program, and whether bare names search `$PATH`.
pub(super) struct Program {
    key: &'static str,
    probe: &'static str,
    search_path: bool,
}

/// A Nagios plugin: by name in the plugin dirs only, or by path.
pub(super) const NAGIOS_PROGRAM: Program = Program {
    key: "plugin",
    probe: "nagios",
    search_path: false,
};

/// A plain command: by name in the plugin dirs, then `$PATH`, or by path.
pub(super) const EXEC_PROGRAM: Program = Program {
    key: "program",
    probe: "exec",
    search_path: true,
};

/// `vars` with each secret's value replaced by a placeholder that no shell splits or unquotes
/// (private-use characters around a number), and the placeholders with their values.
pub(super) fn hold_secrets(vars: &Vars, secrets: &[String]) -> (Vars, Vec<(String, String)>) {
    let mut held = vars.clone();
    let mut placeholders = Vec::new();
    for value in held.values_mut() {
        if secrets.contains(&value.text) {
            let placeholder = format!("\u{E000}{}\u{E001}", placeholders.len());
            placeholders.push((
                placeholder.clone(),
                std::mem::replace(&mut value.text, placeholder),
            ));
        }
    }
    (held, placeholders)
}

/// A word with the secrets [`hold_secrets`] held put back.
pub(super) fn put_back(word: String, placeholders: &[(String, String)]) -> String {
    if !word.contains('\u{E000}') {
        return word;
    }
    placeholders.iter().fold(word, |w, (placeholder, value)| {
        w.replace(placeholder.as_str(), value)
    })
}

impl FileLoader<'_> {
    /// The program and arguments of a `nagios` or `exec` table: `plugin`/`program` with `args`,
    /// or one `command` string split into words as a shell would (without running a shell).
    pub(super) fn command_of(
        &mut self,
        kind: Program,
        (program, args, command): RawCommand,
        table_span: Range<usize>,
        defaults: &Defaults,
        vars: &Vars,
    ) -> Option<(PathBuf, Vec<String>)> {
        let key = kind.key;
        match (program, command) {
            (Some(program), None) => {
                let name = self.expand(&program, vars)?;
                let mut expanded = Vec::new();
                for arg in args.unwrap_or_default() {
                    expanded.push(self.expand(&arg, vars));
                }
                let path = self.resolve_program(&kind, &name, program.span(), defaults)?;
                Some((path, expanded.into_iter().collect::<Option<Vec<_>>>()?))
            }
            (None, Some(command)) => {
                if let Some(args) = &args {
                    let span = args.first().map_or(table_span.clone(), Spanned::span);
                    self.text.error(
                        span,
                        format!("`args` goes with `{key}`; `command` carries its arguments in one string"),
                    );
                    return None;
                }
                // A secret is put in after the line is split into words: whatever it holds
                // (a space, a quote, a backslash), the program gets it exact, within its word.
                let (held, placeholders) = hold_secrets(vars, &self.values.found_secrets);
                let line = self.expand(&command, &held)?;
                let mut words = match shell_words::split(&line) {
                    Ok(words) => words.into_iter().map(|w| put_back(w, &placeholders)),
                    Err(e) => {
                        self.text.error(
                            command.span(),
                            format!("cannot split command into words: {e}"),
                        );
                        return None;
                    }
                };
                let Some(first) = words.next() else {
                    self.text.error(command.span(), "command is empty");
                    return None;
                };
                let path = self.resolve_program(&kind, &first, command.span(), defaults)?;
                Some((path, words.collect()))
            }
            (Some(_), Some(command)) => {
                self.text.error(
                    command.span(),
                    format!("give either `{key}` (with `args`) or `command`, not both"),
                );
                None
            }
            (None, None) => {
                self.text.error(
                    table_span,
                    format!(
                        "the {} probe needs `{key}` (with `args`) or `command`",
                        kind.probe
                    ),
                );
                None
            }
        }
    }

    /// A path is taken relative to the suite file's folder, never searched for. A bare name is
    /// looked up in the plugin dirs, and for `exec` then in `$PATH`.
    pub(super) fn resolve_program(
        &mut self,
        kind: &Program,
        name: &str,
        span: Range<usize>,
        defaults: &Defaults,
    ) -> Option<PathBuf> {
        let what = if kind.search_path {
            "program"
        } else {
            "plugin"
        };
        if name.contains('/') {
            let path = self.text.relative(name);
            if path.is_file() {
                return Some(path);
            }
            self.text
                .error(span, format!("{what} `{}` does not exist", path.display()));
            return None;
        }
        let mut dirs = defaults.plugin_dirs.clone();
        if kind.search_path {
            let path = (self.values.env)("PATH").unwrap_or_default();
            dirs.extend(
                std::env::split_paths(&path)
                    .filter(|d| d.is_absolute())
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(found) = dirs.iter().map(|dir| dir.join(name)).find(|p| p.is_file()) {
            return Some(found);
        }
        let mut looked: Vec<String> = defaults
            .plugin_dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        if kind.search_path {
            looked.push("$PATH".to_string());
        }
        self.text.diags.push(
            Diagnostic::new(
                self.text.file,
                self.text.source,
                span,
                format!("{what} `{name}` not found"),
            )
            .with_note(format!(
                "looked in {}; set `[defaults] plugin_dirs` or give a path (`./{name}` is relative to the suite file)",
                looked.join(", ")
            )),
        );
        None
    }

    /// A Nagios plugin by name or path (never through `$PATH`).
    pub(super) fn resolve_plugin(
        &mut self,
        name: &str,
        span: Range<usize>,
        defaults: &Defaults,
    ) -> Option<PathBuf> {
        self.resolve_program(&NAGIOS_PROGRAM, name, span, defaults)
    }
}
