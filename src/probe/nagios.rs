//! The `nagios` probe: run a Nagios-compatible plugin once and map its exit and output as
//! Nagios 4 does. Process handling belongs to `process`; this file must not signal or wait.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::ProbeCtx;
use crate::model::spec::NagiosSpec;
use crate::model::{Label, Outcome, State};
use crate::process::{self, Captured, Exit, Limits, Spawn};
use crate::{plugin_output, sanitize};

pub async fn run(spec: &NagiosSpec, ctx: &ProbeCtx) -> Outcome {
    let finished = match spawn_once(&spec.program, &spec.args, ctx).await {
        Ok(finished) => finished,
        Err(outcome) => return outcome,
    };

    let stdout = captured_text(&finished.stdout, &ctx.redact);
    let stderr = captured_text(&finished.stderr, &ctx.redact);
    let parsed = plugin_output::parse(&stdout);
    let text = if parsed.summary.is_empty() {
        let later = parsed.long_output.iter().find(|l| !l.trim().is_empty());
        match (later, stderr.lines().find(|l| !l.trim().is_empty())) {
            // Nagios shows an empty status line; say so, and show what came after it.
            (Some(line), _) => format!("(blank status line) {}", line.trim()),
            (None, Some(line)) => format!("(No output on stdout) stderr: {}", line.trim()),
            (None, None) => "(No output on stdout)".to_string(),
        }
    } else {
        parsed.summary.clone()
    };

    let (state, summary) = match finished.exit {
        // Stopped on the runner's request: it says why; keep only what the plugin printed.
        _ if finished.stopped => (State::Unknown, parsed.summary.clone()),
        Exit::Code(code) => match State::from_exit_code(code) {
            Some(state) => (state, text),
            None => (State::Unknown, format!("{}: {text}", describe_code(code))),
        },
        Exit::Signal(sig) => (
            State::Unknown,
            format!("killed by signal {sig}{}: {text}", signal_name(sig)),
        ),
    };

    let mut outcome = Outcome::new(state, summary);
    outcome.long_output = parsed.long_output;
    outcome.perfdata = parsed.perfdata;
    outcome = process_evidence(outcome, &spec.command_line(), &finished, &stderr);
    if !parsed.bad_perfdata.is_empty() {
        outcome = outcome.with_evidence(Label::UnparsedPerfdata, parsed.bad_perfdata.join(" "));
    }
    outcome
}

/// A captured stream as text, its secrets masked before it is split into status, perfdata and
/// long output (a secret with a `|` in it would be cut in two and each half missed); when it
/// was cut at the capture bound, a secret whose start made it in before the cut is masked too.
pub(super) fn captured_text(cap: &Captured, redact: &crate::redact::Redactor) -> String {
    let text = sanitize::text_from_bytes(&cap.head);
    if cap.dropped > 0 {
        redact.mask_cut(&text)
    } else {
        redact.mask(&text).into_owned()
    }
}

/// The evidence every child process leaves: the command, how it exited, its stderr, what was
/// cut from its output, and whether something it started outlived it.
pub(super) fn process_evidence(
    mut outcome: Outcome,
    command_line: &str,
    finished: &process::Finished,
    stderr: &str,
) -> Outcome {
    outcome = outcome.with_evidence(Label::Command, command_line);
    outcome = outcome.with_evidence(
        Label::Exit,
        match finished.exit {
            Exit::Code(code) => format!("exit code {code}"),
            Exit::Signal(sig) => format!("killed by signal {sig}{}", signal_name(sig)),
        },
    );
    if !stderr.trim().is_empty() {
        outcome = outcome.with_evidence(Label::Stderr, stderr.trim_end());
    }
    for (label, cap) in [
        (Label::StdoutTruncated, &finished.stdout),
        (Label::StderrTruncated, &finished.stderr),
    ] {
        if let Some(note) = truncation_note(cap) {
            outcome = outcome.with_evidence(label, note);
        }
    }
    if finished.leaked {
        outcome = outcome.with_evidence(
            Label::LeftoverProcess,
            "the command exited while a process it started still held its output; that process group was killed",
        );
    }
    outcome
}

/// Runs a program once through the process module, with the runner's stop request and limits;
/// a script without `#!` runs through `/bin/sh`, as execvp (and so Nagios) does. `Err` is the
/// UNKNOWN outcome of a program that could not be started.
pub(super) async fn spawn_once(
    program: &Path,
    args: &[String],
    ctx: &ProbeCtx,
) -> Result<process::Finished, Outcome> {
    let spawn = Spawn {
        program: program.to_path_buf(),
        args: args.to_vec(),
        env: Vec::new(),
    };
    let limits = Limits {
        capture: ctx.capture_limit,
        grace: ctx.grace,
        leak_wait: Duration::from_millis(100),
    };
    let mut result = process::run_in(Some(&ctx.shared.scope), &spawn, limits, &ctx.stop).await;
    if matches!(&result, Err(e) if e.raw_os_error() == Some(libc::ENOEXEC)) {
        let via_sh = Spawn {
            program: PathBuf::from("/bin/sh"),
            args: std::iter::once(program.display().to_string())
                .chain(args.iter().cloned())
                .collect(),
            env: Vec::new(),
        };
        result = process::run_in(Some(&ctx.shared.scope), &via_sh, limits, &ctx.stop).await;
    }
    result.map_err(|err| spawn_failure(program, args, &err))
}

fn spawn_failure(program: &Path, args: &[String], err: &io::Error) -> Outcome {
    let spec = NagiosSpec {
        program: program.to_path_buf(),
        args: args.to_vec(),
    };
    let path = spec.program.display();
    let summary = match err.kind() {
        io::ErrorKind::NotFound if spec.program.is_file() => {
            format!("exit code 127: the interpreter named on the #! line of {path} was not found")
        }
        io::ErrorKind::NotFound => format!("exit code 127: plugin not found: {path}"),
        io::ErrorKind::PermissionDenied => {
            format!("exit code 126: plugin is not executable: {path}")
        }
        _ => format!("could not start plugin {path}: {err}"),
    };
    Outcome::unknown(summary).with_evidence(Label::Command, spec.command_line())
}

pub(super) fn describe_code(code: i32) -> String {
    match code {
        126 => "exit code 126 (not executable)".to_string(),
        127 => "exit code 127 (not found)".to_string(),
        _ => format!("exit code {code}"),
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGHUP => " (SIGHUP)",
        libc::SIGINT => " (SIGINT)",
        libc::SIGQUIT => " (SIGQUIT)",
        libc::SIGABRT => " (SIGABRT)",
        libc::SIGKILL => " (SIGKILL)",
        libc::SIGSEGV => " (SIGSEGV)",
        libc::SIGPIPE => " (SIGPIPE)",
        libc::SIGTERM => " (SIGTERM)",
        _ => "",
    }
}

fn truncation_note(cap: &Captured) -> Option<String> {
    (cap.dropped > 0).then(|| {
        format!(
            "kept the first {} bytes, dropped {} more",
            cap.head.len(),
            cap.dropped
        )
    })
}
