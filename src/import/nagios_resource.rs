//! Nagios resource files: the `$USERn$` macros of every `resource_file=` of a nagios.cfg (in
//! order, a later one replacing an earlier value) and of an explicit `resource` (which wins for
//! the macros it defines). Values are secrets unless they are paths (see [`UserMacros::mark_paths`]).
//! Must not know about objects or checks.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::source::diag::Diagnostic;

/// Where something was written: a file, its text and a span in it.
#[derive(Clone, Debug)]
pub struct Origin {
    pub file: PathBuf,
    pub source: Arc<str>,
    pub span: Range<usize>,
}

impl Origin {
    pub fn diag(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.file, &self.source, self.span.clone(), message)
    }
}

/// One `$USERn$=value` line.
#[derive(Clone, Debug)]
struct UserMacro {
    value: String,
    /// The value's place in its resource file.
    at: Origin,
}

/// The `$USERn$` macros, by name without `$` (`USER1`).
#[derive(Debug, Default)]
pub struct UserMacros {
    macros: HashMap<String, UserMacro>,
    /// Resource files named by a nagios.cfg that could not be read while an explicit `resource`
    /// was given: not an error unless a macro is missing, then named with it.
    unread: Vec<String>,
    /// Lines Nagios passes over that look like a macro's (`$USER2$ = x`, with spaces around
    /// `=`), by macro name: named beside the macro when it is missing.
    ignored: HashMap<String, String>,
    /// Macros the configuration uses as the start of a program's path.
    paths: HashSet<String>,
}

/// Why a `$USERn$` has no usable value.
#[derive(Debug)]
pub enum UserMacroError {
    Unknown { note: Option<String> },
    TooShort(Diagnostic),
}

impl UserMacros {
    /// Reads the resource files of nagios.cfg files (each with the `resource_file=` line that
    /// named it), then `explicit`. An unreadable file is an error at the line that named it,
    /// except that with an explicit resource file it only explains a missing macro.
    pub fn read(
        from_main: &[(PathBuf, Origin)],
        explicit: Option<&Path>,
        diags: &mut Vec<Diagnostic>,
    ) -> UserMacros {
        let mut out = UserMacros::default();
        for (path, origin) in from_main {
            if let Err(e) = out.read_file(path) {
                let message = format!("cannot read resource file {}: {e}", path.display());
                if explicit.is_some() {
                    out.unread.push(message);
                } else {
                    diags.push(origin.diag(message).with_note(
                        "run as a user who can read it (as Nagios does), or give `resource =` (`--resource`) with the macros",
                    ));
                }
            }
        }
        if let Some(path) = explicit {
            if let Err(e) = out.read_file(path) {
                diags.push(Diagnostic::file_level(
                    path,
                    format!("cannot read resource file: {e}"),
                ));
            }
        }
        out
    }

    fn read_file(&mut self, path: &Path) -> Result<(), String> {
        let text = crate::source::files::read_text(path)?;
        let source: Arc<str> = Arc::from(text.as_str());
        let mut offset = 0;
        for raw_line in text.split_inclusive('\n') {
            let start = offset;
            offset += raw_line.len();
            let line = raw_line.trim();
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            if k != k.trim_end() {
                // Nagios reads `$USERn$=value` only: with a space before `=` the line is passed
                // over and the macro stays undefined.
                if let Some(n) = k
                    .trim()
                    .strip_prefix("$USER")
                    .and_then(|n| n.strip_suffix('$'))
                {
                    let (line_no, _) = crate::source::diag::line_col(&source, start);
                    self.ignored.entry(format!("USER{n}")).or_insert(format!(
                        "{}:{line_no} defines it with spaces around `=`, which Nagios passes over: write `$USER{n}$=...`",
                        path.display()
                    ));
                }
                continue;
            }
            let (k, v) = (k.trim(), v.trim());
            let Some(name) = k
                .strip_prefix("$USER")
                .and_then(|n| n.strip_suffix('$'))
                .filter(|n| n.parse::<u16>().is_ok_and(|n| (1..=256).contains(&n)))
            else {
                continue;
            };
            // Nagios keeps passwords here so that they are not shown: every $USERn$ is a
            // secret, except a folder that exists ($USER1$, the plugins).
            let at = start + raw_line.find(v).unwrap_or(0);
            self.macros.insert(
                format!("USER{name}"),
                UserMacro {
                    value: v.to_string(),
                    at: Origin {
                        file: path.to_path_buf(),
                        source: Arc::clone(&source),
                        span: at..at + v.len().max(1),
                    },
                },
            );
        }
        Ok(())
    }

    /// Marks the macros (`USER1`) a command line starts its program's path with
    /// (`command_line $USER1$/check_ping ...`).
    ///
    /// The rule: Nagios keeps passwords here so that they are not shown, so every `$USERn$` is
    /// a secret, masked everywhere, except a path: an absolute value that is a folder that
    /// exists, or an absolute value some command line starts its program with. A program path
    /// is not a password, and masking it would hide the one fact needed to fix a wrong one
    /// (`$USER1$=/usr/lib/nagios/plugin`). A macro used only as an argument, or anywhere else in
    /// a command line, or whose value is not absolute, stays a secret.
    pub fn mark_paths(&mut self, names: impl IntoIterator<Item = String>) {
        self.paths.extend(names);
    }

    /// Whether the value of `name` is a secret (see [`UserMacros::mark_paths`]).
    fn is_secret(&self, name: &str, value: &str) -> bool {
        let absolute = Path::new(value).is_absolute();
        !(is_folder(value) || (absolute && self.paths.contains(name)))
    }

    /// Every value that is a secret (see [`UserMacros::mark_paths`]).
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.macros
            .iter()
            .filter(|(name, m)| self.is_secret(name, &m.value))
            .map(|(_, m)| m.value.as_str())
    }

    /// The value of `name` when it is a path, not a secret.
    pub fn path(&self, name: &str) -> Option<&str> {
        let m = self.macros.get(name)?;
        (!self.is_secret(name, &m.value)).then_some(m.value.as_str())
    }

    /// The value of `name` (`USER3`). A secret too short to be masked is an error at its line.
    pub fn get(&self, name: &str) -> Result<&str, UserMacroError> {
        let Some(m) = self.macros.get(name) else {
            let mut notes: Vec<String> = self.ignored.get(name).cloned().into_iter().collect();
            notes.extend(self.unread.iter().cloned());
            let note = (!notes.is_empty()).then(|| notes.join("; "));
            return Err(UserMacroError::Unknown { note });
        };
        let len = m.value.chars().count();
        if self.is_secret(name, &m.value) && len < crate::redact::MIN_LEN {
            return Err(UserMacroError::TooShort(m.at.diag(format!(
                "${name}$ is {len} characters long: a secret shorter than {} cannot be masked safely",
                crate::redact::MIN_LEN
            ))));
        }
        Ok(&m.value)
    }
}

fn is_folder(value: &str) -> bool {
    Path::new(value).is_absolute() && Path::new(value).is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(file: &Path) -> Origin {
        Origin {
            file: file.to_path_buf(),
            source: Arc::from("resource_file=x\n"),
            span: 14..15,
        }
    }

    #[test]
    fn later_files_replace_and_the_explicit_one_wins() {
        let dir = tempfile::tempdir().expect("tmp");
        let a = dir.path().join("a.cfg");
        let b = dir.path().join("b.cfg");
        let explicit = dir.path().join("mine.cfg");
        std::fs::write(
            &a,
            "$USER1$=/usr\n$USER2$=first-value\n$USER3$=kept-value\n",
        )
        .expect("write");
        std::fs::write(&b, "# b\n$USER2$=second-value\n$USER4$=ab\n").expect("write");
        std::fs::write(&explicit, "$USER3$=explicit-value\n").expect("write");
        let mut diags = Vec::new();
        let macros = UserMacros::read(
            &[(a.clone(), origin(&a)), (b.clone(), origin(&b))],
            Some(&explicit),
            &mut diags,
        );
        assert!(diags.is_empty());
        assert_eq!(macros.get("USER1").ok(), Some("/usr"));
        assert_eq!(macros.get("USER2").ok(), Some("second-value"));
        assert_eq!(macros.get("USER3").ok(), Some("explicit-value"));
        match macros.get("USER4") {
            Err(UserMacroError::TooShort(d)) => {
                assert_eq!(d.line_col(), (3, 9));
                assert_eq!(
                    d.message,
                    "$USER4$ is 2 characters long: a secret shorter than 4 cannot be masked safely"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            macros.get("USER9"),
            Err(UserMacroError::Unknown { note: None })
        ));
    }

    /// Only an absolute value that a command line starts its program with, or an existing
    /// folder, is a path; every other value is a secret, also one that looks like a path.
    #[test]
    fn a_program_path_macro_is_a_path_and_the_rest_are_secrets() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("resource.cfg");
        std::fs::write(
            &file,
            "$USER1$=/usr/lib/nagios/plugin\n$USER2$=/usr\n$USER3$=/opt/Db-Pass\n$USER4$=relative/plugins\n",
        )
        .expect("write");
        let mut macros = UserMacros::read(&[], Some(&file), &mut Vec::new());
        macros.mark_paths(["USER1".to_string(), "USER4".to_string()]);
        let mut secrets: Vec<&str> = macros.secrets().collect();
        secrets.sort_unstable();
        assert_eq!(secrets, ["/opt/Db-Pass", "relative/plugins"]);
        assert_eq!(macros.path("USER1"), Some("/usr/lib/nagios/plugin"));
        assert_eq!(macros.path("USER2"), Some("/usr"));
        assert_eq!(macros.path("USER3"), None);
        assert_eq!(macros.path("USER4"), None);
    }

    #[test]
    fn an_unreadable_file_is_an_error_at_its_line_unless_one_is_given() {
        let dir = tempfile::tempdir().expect("tmp");
        let missing = dir.path().join("missing.cfg");
        let explicit = dir.path().join("mine.cfg");
        std::fs::write(&explicit, "$USER1$=/usr\n").expect("write");
        let mut diags = Vec::new();
        UserMacros::read(&[(missing.clone(), origin(&missing))], None, &mut diags);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line_col(), (1, 15));
        let mut diags = Vec::new();
        let macros = UserMacros::read(
            &[(missing.clone(), origin(&missing))],
            Some(&explicit),
            &mut diags,
        );
        assert!(diags.is_empty());
        match macros.get("USER2") {
            Err(UserMacroError::Unknown { note: Some(note) }) => {
                assert!(note.starts_with("cannot read resource file"), "{note}")
            }
            other => panic!("{other:?}"),
        }
    }
}
