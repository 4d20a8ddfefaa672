//! Loading `nrpe.cfg`: every `command[NAME]=LINE` becomes a check named NAME, following
//! `include=` and `include_dir=` as NRPE does. `$ARGn$` must be given arguments in the suite,
//! never run literally. Must not run anything.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::diag::Diagnostic;

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

/// Reads `file` and what it includes; commands in definition order (a later definition of the
/// same name replaces an earlier one, as in NRPE).
pub fn load(file: &Path) -> Result<Vec<NrpeCommand>, Vec<Diagnostic>> {
    let mut commands: Vec<NrpeCommand> = Vec::new();
    let mut diags = Vec::new();
    let mut prefix = None;
    read(
        file,
        &mut Vec::new(),
        &mut commands,
        &mut diags,
        None,
        &mut prefix,
    );
    // NRPE puts `command_prefix=` (sudo, say) before every command it runs.
    if let Some(prefix) = prefix.filter(|p| !p.trim().is_empty()) {
        for c in &mut commands {
            c.line = format!("{} {}", prefix.trim(), c.line);
        }
    }
    if diags.is_empty() {
        Ok(commands)
    } else {
        Err(diags)
    }
}

/// Reads one file; `including` is the chain of files that included it (an include of any of
/// them is a cycle, reported once at its line, not followed).
fn read(
    file: &Path,
    including: &mut Vec<(PathBuf, (u64, u64))>,
    commands: &mut Vec<NrpeCommand>,
    diags: &mut Vec<Diagnostic>,
    from: Option<(&Path, &Arc<str>, Range<usize>)>,
    prefix: &mut Option<String>,
) {
    let fail = |diags: &mut Vec<Diagnostic>, message: String| match from {
        Some((f, src, span)) => diags.push(Diagnostic::new(f, src, span, message)),
        None => diags.push(Diagnostic::file_level(file, message)),
    };
    let id = super::files::identity(file);
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
    let text = match super::files::read_bytes(file) {
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
    read_lines(file, &source, including, commands, diags, prefix);
    if id.is_some() {
        including.pop();
    }
}

fn read_lines(
    file: &Path,
    source: &Arc<str>,
    including: &mut Vec<(PathBuf, (u64, u64))>,
    commands: &mut Vec<NrpeCommand>,
    diags: &mut Vec<Diagnostic>,
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
        if let Some(rest) = key.strip_prefix("command[") {
            let Some(name) = rest.strip_suffix(']') else {
                diags.push(Diagnostic::new(
                    file,
                    source,
                    at..at + key.len(),
                    "expected `command[NAME]=COMMAND LINE`",
                ));
                continue;
            };
            let name_span = at + "command[".len()..at + "command[".len() + name.len();
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
                continue;
            }
            commands.retain(|c| c.name != name);
            commands.push(NrpeCommand {
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
        } else if key == "include" || key == "include_dir" {
            let target = resolve(file, value.trim());
            let here = Some((file, source, value_span.clone()));
            if key == "include" {
                read(&target, including, commands, diags, here, prefix);
            } else {
                match super::files::walk(&target, &["cfg"]) {
                    Ok(walked) => {
                        for (refused, why) in walked.refused {
                            diags.push(Diagnostic::new(
                                file,
                                source,
                                value_span.clone(),
                                format!("{}: {why}", refused.display()),
                            ));
                        }
                        for f in walked.files {
                            read(&f, including, commands, diags, here.clone(), prefix);
                        }
                    }
                    Err(e) => diags.push(Diagnostic::new(
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

/// Relative include paths are taken from the including file's folder.
fn resolve(from: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        from.parent().unwrap_or(Path::new(".")).join(p)
    }
}

/// Replaces `$ARGn$` with the given arguments; `Err(n)` names the first one missing.
pub fn apply_args(line: &str, args: &[String]) -> Result<String, usize> {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("$ARG") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && after[digits.len()..].starts_with('$') {
            let n: usize = digits.parse().unwrap_or(0);
            match n.checked_sub(1).and_then(|k| args.get(k)) {
                Some(v) => out.push_str(v),
                None => return Err(n),
            }
            rest = &after[digits.len() + 1..];
        } else {
            out.push_str("$ARG");
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
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
        assert_eq!(
            apply_args("cost $ARGUMENT $5", &[]),
            Ok("cost $ARGUMENT $5".into())
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
