//! Reports: each format turns the collected results (and the gate's verdict) into text.
//! None of them decides pass or fail; they read `Verdict` for that.

pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod nagios;

use std::io;
use std::path::{Path, PathBuf};

use crate::format::duration as fmt_duration;
use crate::gate::{CheckVerdict, Disposition, Verdict};
use crate::model::diff::Class;
use crate::model::{CheckResult, RunRecord};

/// The word every report shows for a check: what the gate decided, and where that leaves it to
/// the result, the state it ended in — the same words in every format.
pub fn tag(result: &CheckResult, verdict: &CheckVerdict) -> &'static str {
    let ended = || match &result.not_run {
        Some(n) if n.unmet().is_some() => "SKIPPED",
        Some(_) => "NOT RUN",
        None => result.state().label(),
    };
    match verdict.disposition {
        Disposition::Passed => "OK",
        Disposition::PassedOnRetry | Disposition::FailedOnRetry => "FLAKY",
        Disposition::Warned => "WARNING",
        Disposition::Skipped { .. } => "SKIPPED",
        Disposition::NotRun { .. }
        | Disposition::Failed
        | Disposition::Optional
        | Disposition::NotCounted
        | Disposition::Tolerated => ended(),
    }
}

/// What the gate made of a check, in the words every report uses; `None` for a plain pass.
pub fn meaning(run: &RunRecord, verdict: &CheckVerdict) -> Option<String> {
    let name = |i: usize| run.results.get(i).map_or("?", |r| r.check.name.as_str());
    let fails = match &verdict.soak {
        Some(why) => format!("fails the soak: {why}"),
        None => "fails the gate".to_string(),
    };
    Some(match verdict.disposition {
        Disposition::Passed => return None,
        Disposition::PassedOnRetry => "passed only on a retry".to_string(),
        Disposition::Warned => "does not fail the gate".to_string(),
        Disposition::Failed => fails,
        Disposition::FailedOnRetry => "fails the gate, --fail-on-flaky".to_string(),
        Disposition::NotRun {
            behind: Some(cause),
        } => {
            format!("{fails}, never ran behind '{}'", name(cause))
        }
        Disposition::NotRun { behind: None } => fails,
        Disposition::Skipped { cause } => format!("counted under '{}'", name(cause)),
        Disposition::Optional => "optional".to_string(),
        Disposition::NotCounted => match verdict.class {
            Some(class) => format!("{class}: not counted, --gate new"),
            None => "not counted, --gate new".to_string(),
        },
        Disposition::Tolerated => "failed within --soak-failures".to_string(),
    })
}

/// The class against the baseline worth showing beside the meaning: not "unchanged", and not
/// again when the meaning already says it.
pub fn class_note(verdict: &CheckVerdict) -> Option<Class> {
    verdict
        .class
        .filter(|c| *c != Class::Same && verdict.disposition != Disposition::NotCounted)
}

/// The answer a report opens with, as (what, names) groups in that order: what fails the gate
/// (broken by this deploy, when there is a baseline), what was already broken and is not
/// counted, what passed only on a retry, and the checks others were skipped behind.
pub fn answer<'a>(run: &'a RunRecord, verdict: &Verdict) -> Vec<(&'static str, Vec<&'a str>)> {
    let name = |i: usize| run.results[i].check.name.as_str();
    let with = |wanted: &dyn Fn(Disposition) -> bool| -> Vec<&'a str> {
        (0..verdict.checks.len())
            .filter(|&i| wanted(verdict.checks[i].disposition))
            .map(name)
            .collect()
    };
    let mut causes: Vec<usize> = verdict
        .checks
        .iter()
        .filter_map(|c| match c.disposition {
            Disposition::Skipped { cause }
            | Disposition::NotRun {
                behind: Some(cause),
            } => Some(cause),
            _ => None,
        })
        .collect();
    causes.sort_unstable();
    causes.dedup();
    let failing = if verdict.baseline.is_some() {
        "broken by this deploy"
    } else {
        "failing"
    };
    [
        (failing, with(&Disposition::counted)),
        (
            "already broken, not counted",
            with(&|d| d == Disposition::NotCounted),
        ),
        ("passed only on a retry", with(&Disposition::on_retry)),
        (
            "others skipped behind",
            causes.into_iter().map(name).collect(),
        ),
    ]
    .into_iter()
    .filter(|(_, names)| !names.is_empty())
    .collect()
}

/// The checks a report lists, in the order it lists them: those that fail the gate first, then
/// every other that is not a plain pass, each group in suite order.
pub fn listed(verdict: &Verdict) -> Vec<usize> {
    let shown = |c: &CheckVerdict| c.disposition != Disposition::Passed;
    let (mut first, rest): (Vec<usize>, Vec<usize>) = verdict
        .checks
        .iter()
        .enumerate()
        .filter(|(_, c)| shown(c))
        .map(|(i, _)| i)
        .partition(|&i| verdict.checks[i].counted());
    first.extend(rest);
    first
}

/// The evidence of one result as indented plain text: the same block in the terminal summary and
/// in the JUnit failure body, so a CI page shows what the terminal shows.
pub fn details(result: &CheckResult) -> String {
    let mut out = String::new();
    let check = &result.check;
    out.push_str(&format!("source: {}\n", check.source));
    if let Some(outcome) = result.outcome() {
        // Long output under a label of its own, indented like every multi-line evidence
        // (a leading `|` would read as a perfdata separator).
        if !outcome.long_output.is_empty() {
            out.push_str("output:\n");
            for line in &outcome.long_output {
                out.push_str(&format!("  {line}\n"));
            }
        }
        if !outcome.perfdata.is_empty() {
            let items: Vec<String> = outcome.perfdata.iter().map(ToString::to_string).collect();
            out.push_str(&format!("perfdata: {}\n", items.join(" ")));
        }
        for ev in &outcome.evidence {
            let mut lines = ev.text.lines();
            out.push_str(&format!("{}: {}\n", ev.label, lines.next().unwrap_or("")));
            for line in lines {
                out.push_str(&format!("  {line}\n"));
            }
        }
    } else {
        out.push_str(&format!("command: {}\n", check.probe.describe()));
    }
    if result.attempts.len() > 1 {
        let states: Vec<String> = result
            .attempts
            .iter()
            .map(|a| format!("{} in {}", a.outcome.state, fmt_duration(a.duration)))
            .collect();
        out.push_str(&format!("attempts: {}\n", states.join(", ")));
    }
    let futile = result
        .outcome()
        .is_some_and(|o| o.state != crate::model::State::Ok && !check.retries_after(o));
    if futile && result.attempts.len() == 1 && check.retries > 0 {
        out.push_str(
            "not retried: the answer came whole and is wrong, so another try gets it again (retry_on = \"any\" retries it)\n",
        );
    }
    out
}

/// For a check that passed only on a retry: which attempt passed and what the failed ones said.
pub fn flaky_note(result: &CheckResult) -> Option<String> {
    if !result.is_flaky() {
        return None;
    }
    let earlier: Vec<String> = result.attempts[..result.attempts.len() - 1]
        .iter()
        .map(|a| format!("attempt {}: {}", a.number, a.outcome.summary))
        .collect();
    Some(format!(
        "flaky: passed on attempt {} ({})",
        result.attempts.len(),
        earlier.join("; ")
    ))
}

/// Where a report path really leads: through symlinks (a dangling one too) to the file that
/// will be written. Relative link targets are taken from the link's folder.
pub fn resolve(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&current) {
            Ok(target) => {
                let next = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
                // A kernel link (`/dev/stdout` to a pipe: `pipe:[123]`) names no path; the
                // link itself opens what it stands for.
                if std::fs::symlink_metadata(&next).is_err() && std::fs::metadata(&current).is_ok()
                {
                    break;
                }
                current = next;
            }
            Err(_) => break,
        }
    }
    // The folder made absolute (it may not exist yet, then as given), the name kept.
    match (current.parent(), current.file_name()) {
        (Some(dir), Some(name)) => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            std::fs::canonicalize(dir)
                .unwrap_or_else(|_| dir.to_path_buf())
                .join(name)
        }
        _ => current,
    }
}

/// Checks, before anything runs, that each report can be written: distinct targets, a folder
/// that exists (made if missing) and takes files, and no folder in the report's place.
pub fn prepare(reports: &[(&str, &Path)]) -> Result<(), crate::error::Error> {
    prepare_paths(reports).map_err(crate::error::Error::ReportPath)
}

fn prepare_paths(reports: &[(&str, &Path)]) -> Result<(), String> {
    let mut seen: Vec<(&str, PathBuf)> = Vec::new();
    for &(flag, path) in reports {
        let target = resolve(path);
        if let Some((other, _)) = seen.iter().find(|(_, t)| *t == target) {
            return Err(format!(
                "{other} and {flag} name the same file {}: each report needs its own",
                path.display()
            ));
        }
        if target.is_dir() {
            return Err(format!("report path {} is a folder", path.display()));
        }
        let dir = target.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the report folder {}: {e}", dir.display()))?;
        if !is_special(&target) {
            let probe = dir.join(format!(".smokegate-probe-{}", std::process::id()));
            std::fs::File::create(&probe)
                .and_then(|_| std::fs::remove_file(&probe))
                .map_err(|e| format!("cannot write reports to {}: {e}", dir.display()))?;
        }
        seen.push((flag, target));
    }
    Ok(())
}

/// Clears `O_NONBLOCK` on an open file.
fn blocking(file: &std::fs::File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl(2) on a descriptor this function borrows for the call; no memory is passed.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    // SAFETY: as above.
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A path that exists and is not a regular file: a device (`/dev/null`), a FIFO, a socket.
fn is_special(target: &Path) -> bool {
    std::fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Writes a report to the path as given: a regular file (or a new one) is replaced whole — a
/// temp file in the same folder as the file a symlink leads to, then a rename, with the mode a
/// plain create would give (the umask applies) or the mode the file already had; a device or
/// a FIFO is written in place. A missing folder is made.
pub fn write(path: &Path, contents: &[u8], redact: &crate::redact::Redactor) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    // No secret leaves in a report, whatever put it in the text (no copy when none is there).
    let text = String::from_utf8_lossy(contents);
    let masked = redact.mask(&text);
    let contents = masked.as_bytes();
    let target = resolve(path);
    if is_special(&target) {
        // Opened without blocking: a FIFO no process reads would hold smokegate forever (a
        // deploy script's timeout could not stop it); that is an error now. Then written as usual.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&target)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::ENXIO) => io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    "a FIFO that no process is reading",
                ),
                _ => e,
            })?;
        blocking(&file)?;
        return file.write_all(contents);
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.smokegate-{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o666)
            .open(&tmp)?;
        if let Ok(existing) = std::fs::metadata(&target) {
            file.set_permissions(std::fs::Permissions::from_mode(
                existing.permissions().mode() & 0o7777,
            ))?;
        }
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&tmp, &target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
