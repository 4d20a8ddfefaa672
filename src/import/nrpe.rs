//! Loading `nrpe.cfg`: every `command[NAME]=LINE` becomes a check named NAME, following
//! `include=` (`include_file=`) and `include_dir=` as NRPE 4.1 does (one that does not exist is
//! logged and passed over by NRPE, and is a warning here), and the line's `$` macros processed
//! as NRPE processes them. `$ARGn$` must be given arguments in the suite, never run literally.
//! Must not run anything.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::source::diag::Diagnostic;

/// One `command[...]` definition.
#[derive(Clone, Debug, PartialEq)]
pub struct NrpeCommand {
    pub name: String,
    pub line: String,
    pub file: PathBuf,
    pub source: Arc<str>,
    /// Span of the command line (after `=`) in `source`.
    pub span: Range<usize>,
    /// Span of the name (inside `[...]`).
    pub name_span: Range<usize>,
}

/// What reading an nrpe.cfg gives: the commands that are well defined, the errors of the rest
/// (each at its place), and warnings: what NRPE logs and goes on without (an `include=` or
/// `include_dir=` that does not exist), one line each with its file:line:col.
#[derive(Debug, Default)]
pub struct NrpeFile {
    pub commands: Vec<NrpeCommand>,
    pub diags: Vec<Diagnostic>,
    pub warnings: Vec<String>,
    /// Names of `command[NAME]` definitions that had an error: not "undefined" for a selection.
    pub broken: Vec<String>,
}

/// Reads `file` and what it includes; commands in definition order (a later definition of the
/// same name replaces an earlier one, as in NRPE). Errors do not hide the other commands.
pub fn read_file(file: &Path) -> NrpeFile {
    let mut out = NrpeFile::default();
    let mut prefix = None;
    read(file, &mut Vec::new(), &mut out, None, &mut prefix);
    // NRPE puts `command_prefix=` (sudo, say) before every command it runs.
    if let Some(prefix) = prefix.filter(|p| !p.trim().is_empty()) {
        for c in &mut out.commands {
            c.line = format!("{} {}", prefix.trim(), c.line);
        }
    }
    out
}

/// [`read_file`] as all or nothing: the commands, or every error. Warnings are dropped.
pub fn load(file: &Path) -> Result<Vec<NrpeCommand>, Vec<Diagnostic>> {
    let read = read_file(file);
    if read.diags.is_empty() {
        Ok(read.commands)
    } else {
        Err(read.diags)
    }
}

/// Where an include line points, as a warning's prefix: `file:line:col`.
fn place(file: &Path, source: &str, at: usize) -> String {
    let (line, col) = crate::source::diag::line_col(source, at);
    format!("{}:{line}:{col}", file.display())
}

/// Whether `path` does not exist (a dangling symlink does not either), as opposed to existing
/// and not being readable.
fn missing(path: &Path) -> bool {
    matches!(std::fs::metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
}

/// Reads one file; `including` is the chain of files that included it (an include of any of
/// them is a cycle, reported once at its line, not followed).
fn read(
    file: &Path,
    including: &mut Vec<(PathBuf, (u64, u64))>,
    out: &mut NrpeFile,
    from: Option<(&Path, &Arc<str>, Range<usize>)>,
    prefix: &mut Option<String>,
) {
    let diags = &mut out.diags;
    let fail = |diags: &mut Vec<Diagnostic>, message: String| match from {
        Some((f, src, span)) => diags.push(Diagnostic::new(f, src, span, message)),
        None => diags.push(Diagnostic::file_level(file, message)),
    };
    let id = crate::source::files::identity(file);
    if let Some(id) = id {
        if let Some(at) = including.iter().position(|(_, i)| *i == id) {
            let chain: Vec<String> = including[at..]
                .iter()
                .map(|(p, _)| p.display().to_string())
                .chain(std::iter::once(file.display().to_string()))
                .collect();
            fail(
                diags,
                format!("include cycle: {}", chain.join(" includes ")),
            );
            return;
        }
    }
    let text = match crate::source::files::read_bytes(file) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            fail(
                diags,
                format!("cannot read NRPE config {}: {e}", file.display()),
            );
            return;
        }
    };
    let source: Arc<str> = Arc::from(text);
    if let Some(id) = id {
        including.push((file.to_path_buf(), id));
    }
    read_lines(file, &source, including, out, prefix);
    if id.is_some() {
        including.pop();
    }
}

fn read_lines(
    file: &Path,
    source: &Arc<str>,
    including: &mut Vec<(PathBuf, (u64, u64))>,
    out: &mut NrpeFile,
    prefix: &mut Option<String>,
) {
    let mut offset = 0;
    for raw_line in source.split_inclusive('\n') {
        let start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let lead = line.len() - trimmed.len();
        let at = start + lead;
        let diags = &mut out.diags;
        let Some((key, value)) = trimmed.split_once('=') else {
            diags.push(Diagnostic::new(
                file,
                source,
                at..start + line.len(),
                "expected `key=value`",
            ));
            continue;
        };
        let value_start = at + key.len() + 1;
        let value_span = value_start..start + line.len();
        // NRPE finds `command[` anywhere in a name: a byte-order mark before a file's first line
        // does not hide it (it does hide any other setting's name, which NRPE then ignores), nor
        // do spaces before `=`.
        let bom = if start == 0 && key.starts_with(BOM) {
            BOM.len_utf8()
        } else {
            0
        };
        if let Some(rest) = key[bom..].trim_end().strip_prefix("command[") {
            let Some(name) = rest.strip_suffix(']') else {
                diags.push(Diagnostic::new(
                    file,
                    source,
                    at..at + key.len(),
                    "expected `command[NAME]=COMMAND LINE`",
                ));
                continue;
            };
            let name_start = at + bom + "command[".len();
            let name_span = name_start..name_start + name.len();
            if name.is_empty() {
                diags.push(Diagnostic::new(
                    file,
                    source,
                    name_span,
                    "empty command name",
                ));
                continue;
            }
            if value.trim().is_empty() {
                diags.push(Diagnostic::new(
                    file,
                    source,
                    value_span,
                    format!("command `{name}` has no command line"),
                ));
                out.broken.push(name.to_string());
                continue;
            }
            out.commands.retain(|c| c.name != name);
            out.commands.push(NrpeCommand {
                name: name.to_string(),
                line: value.trim().to_string(),
                file: file.to_path_buf(),
                source: Arc::clone(source),
                span: value_span,
                name_span,
            });
        } else if key == "command_prefix" {
            // The last one read wins, as in NRPE.
            *prefix = Some(value.trim().to_string());
        } else if matches!(key, "include" | "include_file" | "include_dir") {
            let path = value.trim();
            let path_start = value_start + (value.len() - value.trim_start().len());
            let path_span = path_start..path_start + path.len();
            if !Path::new(path).is_absolute() {
                // NRPE opens it as given, from its working directory (`/` under systemd): read
                // from this file's folder it would define commands the daemon never has.
                let message = if path.is_empty() {
                    format!("`{key}=` has no path")
                } else {
                    format!(
                        "`{key}={path}` is a relative path: NRPE reads it from its working directory (`/` under systemd), not from this file's folder; write an absolute path"
                    )
                };
                diags.push(Diagnostic::new(
                    file,
                    source,
                    if path.is_empty() {
                        value_span
                    } else {
                        path_span
                    },
                    message,
                ));
                continue;
            }
            let target = Path::new(path);
            // NRPE 4.1 logs one it cannot open ("Unable to open config file", "Could not open
            // config directory") and goes on: the daemon runs without its commands.
            if missing(target) {
                let what = if key == "include_dir" {
                    "no such folder"
                } else {
                    "no such file"
                };
                out.warnings.push(format!(
                    "{}: `{key}={path}`: {what}; NRPE logs it and goes on without it, and so does this import",
                    place(file, source, path_start)
                ));
                continue;
            }
            let here = Some((file, source, value_span.clone()));
            if key != "include_dir" {
                read(target, including, out, here, prefix);
            } else {
                // NRPE reads every `*.cfg` below, hidden files included, but not hidden folders.
                match crate::source::files::walk_skipping_hidden_dirs(target, &["cfg"]) {
                    Ok(walked) => {
                        for (refused, why) in walked.refused {
                            out.diags.push(Diagnostic::new(
                                file,
                                source,
                                value_span.clone(),
                                format!("{}: {why}", refused.display()),
                            ));
                        }
                        for f in walked.files {
                            read(&f, including, out, here.clone(), prefix);
                        }
                    }
                    Err(e) => out.diags.push(Diagnostic::new(
                        file,
                        source,
                        value_span,
                        format!("cannot list include_dir {}: {e}", target.display()),
                    )),
                }
            }
        }
        // Every other key (server_port, allowed_hosts, ...) is the daemon's business.
    }
}

/// The byte-order mark some editors put at the start of a file.
const BOM: char = '\u{FEFF}';

/// NRPE's `$ARGn$` arguments: `$ARG1$` to `$ARG16$`.
const MAX_ARGS: usize = 16;

/// NRPE's macro processing of the line it runs (`command_prefix` included): replaces `$ARGn$`
/// with the given arguments; `Err(n)` names the first one missing.
pub fn apply_args(line: &str, args: &[String]) -> Result<String, usize> {
    process_macros(line, |n| args.get(n - 1).cloned().ok_or(n))
}

/// The `$ARGn$` a line uses, as NRPE reads them (1 to 16), each once, in order.
pub fn arg_numbers(line: &str) -> Vec<usize> {
    let mut used = Vec::new();
    let _ = process_macros(line, |n| {
        used.push(n);
        Ok::<_, usize>(String::new())
    });
    used.sort_unstable();
    used.dedup();
    used
}

/// The line as NRPE runs it, with each `$ARGn$` left as `$ARGn$`, for a person to fill in.
pub fn with_arg_placeholders(line: &str) -> String {
    process_macros(line, |n| Ok::<_, usize>(format!("$ARG{n}$"))).unwrap_or_default()
}

/// NRPE 4.1's `process_macros`: the line is cut at every `$`, and the pieces are by turns
/// text, kept as it is, and a macro: `ARGn` (n as C's `atoi` reads it) is argument n, nothing
/// when n is not 1 to 16; an empty one (`$$`) is `$`; any other is kept between two `$`, so an
/// unpaired `$` at the end gains a second one (`echo $HOME` runs `echo $HOME$`).
fn process_macros(
    line: &str,
    mut arg: impl FnMut(usize) -> Result<String, usize>,
) -> Result<String, usize> {
    let mut out = String::new();
    for (i, piece) in line.split('$').enumerate() {
        if i % 2 == 0 {
            out.push_str(piece);
        } else if let Some(n) = piece.strip_prefix("ARG") {
            let n = atoi(n);
            if (1..=MAX_ARGS as i64).contains(&n) {
                out.push_str(&arg(n as usize)?);
            }
        } else if piece.is_empty() {
            out.push('$');
        } else {
            out.push('$');
            out.push_str(piece);
            out.push('$');
        }
    }
    Ok(out)
}

/// C's `atoi`: leading white space, a sign, then digits; 0 when there are none.
pub(crate) fn atoi(text: &str) -> i64 {
    let text = text.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => (-1, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let n = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |n, d| {
            n.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        });
    sign * n
}

/// Whether a command line needs a shell (NRPE runs every line with `/bin/sh -c`).
pub fn needs_shell(line: &str) -> bool {
    line.chars().any(|c| {
        matches!(
            c,
            '|' | '&' | ';' | '<' | '>' | '`' | '$' | '*' | '?' | '(' | ')' | '~'
        )
    })
}

/// A shell variable assignment word (`LANG=C`): a name of letters, digits and `_`, not starting
/// with a digit, then `=`.
pub(crate) fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        name.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_are_applied_or_named_when_missing() {
        assert_eq!(
            apply_args(
                "check_disk -w $ARG1$ -c $ARG2$",
                &["20%".into(), "10%".into()]
            ),
            Ok("check_disk -w 20% -c 10%".into())
        );
        assert_eq!(apply_args("x $ARG2$", &["a".into()]), Err(2));
        // What NRPE 4.1 ran for these lines (a plugin logging its argv, queried with check_nrpe).
        assert_eq!(
            apply_args("cost $ARGUMENT $5 end", &[]),
            Ok("cost 5 end".into())
        );
        assert_eq!(
            apply_args("x $ARG1$ $ARG0$ $ARG17$ y", &["a".into()]),
            Ok("x a   y".into())
        );
    }

    #[test]
    fn dollars_are_processed_as_nrpe_processes_them() {
        // Each line as written in nrpe.cfg, then what NRPE 4.1 gave /bin/sh -c.
        for (line, runs) in [
            ("p -u app -p 'pa$$word'", "p -u app -p 'pa$word'"),
            ("p -f /run/app.$$", "p -f /run/app.$"),
            ("p 'a$$$b'", "p 'a$$b'$"),
            ("p x '$$ARG1$' y", "p x '$ARG1$' y$"),
            ("p 'a$b$c' d", "p 'a$b$c' d"),
            ("p echo $HOME", "p echo $HOME$"),
            ("p '{x} ${HOME} $$ done'", "p '{x} ${HOME} $$ done'$"),
        ] {
            assert_eq!(apply_args(line, &[]), Ok(runs.to_string()), "{line}");
        }
    }

    #[test]
    fn the_arg_macros_a_line_uses() {
        assert_eq!(
            arg_numbers("c -w $ARG2$ -c $ARG1$ -x $ARG2$ $ARG17$ 'pa$$ARG3$'"),
            [1, 2]
        );
        assert!(arg_numbers("c -w 1 -p 'pa$$word'").is_empty());
    }

    #[test]
    fn a_missing_include_is_a_warning_and_the_rest_still_loads() {
        let dir = tempfile::tempdir().expect("tmp");
        let cfg = dir.path().join("nrpe.cfg");
        let gone = dir.path().join("nrpe.d");
        std::fs::write(
            &cfg,
            format!(
                "include_dir={}\ninclude_file={}/local.cfg\ncommand[a]=/bin/true\ncommand[b]=\n",
                gone.display(),
                dir.path().display()
            ),
        )
        .expect("write");
        let read = read_file(&cfg);
        assert_eq!(read.commands.len(), 1);
        assert_eq!(read.broken, ["b"]);
        assert_eq!(read.diags.len(), 1);
        assert_eq!(read.diags[0].line_col(), (4, 12));
        assert_eq!(read.warnings.len(), 2);
        assert!(
            read.warnings[0].starts_with(&format!("{}:1:13: `include_dir=", cfg.display())),
            "{:?}",
            read.warnings
        );
        assert!(read.warnings[1].contains(": no such file; NRPE logs it"));
    }

    #[test]
    fn placeholders_keep_arg_macros_and_process_the_rest() {
        assert_eq!(
            with_arg_placeholders("p -p 'pa$$word' -w $ARG1$ $ARG20$"),
            "p -p 'pa$word' -w $ARG1$ "
        );
    }

    #[test]
    fn shell_detection() {
        assert!(!needs_shell(
            "/usr/lib/nagios/plugins/check_load -w 15,10,5 -c 30,25,20"
        ));
        assert!(needs_shell("check_procs | grep x"));
        assert!(needs_shell("echo $HOME"));
    }
}
