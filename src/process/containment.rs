//! Containment: everything a run starts, however deep and wherever it moved (its own process
//! group, `setsid`, a double fork), ends with that run, and with smokegate itself when smokegate
//! is killed hard (SIGKILL leaves no chance to clean up).
//!
//! Where Linux gives the means (cgroup v2 mounted and writable, as for root), each run gets a
//! cgroup of its own under one cgroup of this process; every child joins its run's cgroup before
//! it runs (so nothing it starts can be outside), and the end of the run is `cgroup.kill` on it.
//! A watchdog (a small shell, started once, in its own session) holds a pipe from us: when the
//! pipe closes — smokegate exited, or was killed — it kills this process's cgroup and removes
//! it. Without cgroups: each direct child gets a parent-death signal, orphans that left their
//! group are adopted (subreaper) and stopped when no run is active, and a second watchdog is told
//! every process group a child starts in: when its pipe closes it sends SIGKILL to those groups
//! and to every process that still carries this run's `SMOKEGATE_SCOPE` token in its environment
//! (which catches a `setsid` escape that kept its environment).
//!
//! Owns cgroups, the watchdogs and orphan reaping; must not decide when a check stops.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// Runs active in this process (fallback mode reaps orphans only when none is).
static ACTIVE_RUNS: AtomicUsize = AtomicUsize::new(0);

/// Without cgroups: the watchdog of the process groups children were started in, started on
/// first need; `None` when it could not be started.
static GROUP_WATCHDOG: OnceLock<Option<(u32, Mutex<std::process::ChildStdin>)>> = OnceLock::new();

/// This process's cgroup and its watchdog, set up on first need; `None` when cgroups cannot be
/// used here.
static PROCESS_CGROUP: OnceLock<Option<ProcessCgroup>> = OnceLock::new();

struct ProcessCgroup {
    dir: PathBuf,
    watchdog_pid: u32,
    next: AtomicUsize,
    /// The write end of the watchdog's pipe: never written, closed only by our exit.
    _watchdog: Mutex<Option<std::process::ChildStdin>>,
}

/// What one run's children are kept in.
#[derive(Debug)]
pub struct Scope {
    state: Mutex<State>,
    created: OnceLock<()>,
}

#[derive(Debug)]
enum State {
    /// No child started yet.
    Unused,
    Contained(RunCgroup),
    /// No cgroup could be had: parent-death signals and adopted orphans.
    Fallback,
    Closed,
}

#[derive(Debug)]
struct RunCgroup {
    dir: PathBuf,
    /// `cgroup.procs` of the run's cgroup, opened once: a child writes "0" to it before exec.
    procs: File,
}

impl Default for Scope {
    fn default() -> Scope {
        Scope::new()
    }
}

impl Scope {
    /// A scope for one run; its cgroup is made when the first child is about to start.
    pub fn new() -> Scope {
        ACTIVE_RUNS.fetch_add(1, Ordering::SeqCst);
        Scope {
            state: Mutex::new(State::Unused),
            created: OnceLock::new(),
        }
    }

    /// Whether children of this scope are contained by a cgroup (else: the fallback).
    pub fn contained(&self) -> bool {
        self.procs_fd().is_some()
    }

    /// Without a cgroup (a user who may not write one: `nagios`, a CI runner, a container), a
    /// child's process group is told to a watchdog that kills it if smokegate dies without
    /// ending it (`kill -9`): the parent-death signal reaches only the child itself, not what it
    /// started in its group. Returns whether the group is watched (then [`unwatch_group`] it
    /// once it has ended).
    pub(super) fn watch_group(&self, pgid: i32) -> bool {
        let fallback = matches!(
            *self.state.lock().unwrap_or_else(PoisonError::into_inner),
            State::Fallback
        );
        fallback && pgid > 1 && tell_group_watchdog(&pgid.to_string())
    }

    /// The fd a child writes "0" to, to join the run's cgroup; `None` without cgroups.
    pub(super) fn procs_fd(&self) -> Option<RawFd> {
        self.created.get_or_init(|| {
            let made = process_cgroup().and_then(|pc| {
                let n = pc.next.fetch_add(1, Ordering::SeqCst);
                let dir = pc.dir.join(format!("run-{n}"));
                std::fs::create_dir(&dir).ok()?;
                let procs = OpenOptions::new()
                    .write(true)
                    .open(dir.join("cgroup.procs"))
                    .ok()?;
                Some(RunCgroup { dir, procs })
            });
            // Orphans that left their group come to us: in the fallback, to be stopped at the
            // end; with a cgroup, to be reaped once it is killed (an init that does not reap,
            // as in many containers, would keep their zombies, and the cgroup, forever).
            adopt_orphans();
            *self.state.lock().unwrap_or_else(PoisonError::into_inner) = match made {
                Some(cgroup) => State::Contained(cgroup),
                None => State::Fallback,
            };
        });
        match &*self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            State::Contained(cgroup) => Some(cgroup.procs.as_raw_fd()),
            _ => None,
        }
    }

    /// Ends everything the run started that is still alive, and reaps what was ours. Returns
    /// how many processes were stopped.
    pub fn close(&self) -> usize {
        let state = std::mem::replace(
            &mut *self.state.lock().unwrap_or_else(PoisonError::into_inner),
            State::Closed,
        );
        match state {
            State::Contained(cgroup) => kill_cgroup(&cgroup.dir),
            // Orphans adopted by this process belong to whichever run is active; they are
            // stopped when the last one ends.
            State::Fallback if ACTIVE_RUNS.load(Ordering::SeqCst) <= 1 => stop_adopted(),
            State::Fallback | State::Unused | State::Closed => 0,
        }
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.close();
        ACTIVE_RUNS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Called in the child between fork and exec: join the run's cgroup (or, without one, die
/// with smokegate). Only async-signal-safe calls.
pub(super) fn in_child(procs: Option<RawFd>) -> io::Result<()> {
    match procs {
        Some(fd) => {
            // SAFETY: write(2) on an fd that stays open in the parent, from the forked child.
            let n = unsafe { libc::write(fd, b"0".as_ptr().cast(), 1) };
            if n == 1 {
                Ok(())
            } else {
                Err(io::Error::last_os_error())
            }
        }
        None => {
            // SAFETY: prctl only sets a flag on this (child) process.
            unsafe {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
            }
            Ok(())
        }
    }
}

/// This process's cgroup (made on first use, with its watchdog), if cgroup v2 is usable.
fn process_cgroup() -> Option<&'static ProcessCgroup> {
    PROCESS_CGROUP
        .get_or_init(|| {
            let base = own_cgroup_dir()?;
            let dir = base.join(format!("smokegate-{}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => {}
                // A previous process with our pid died without its watchdog: reuse.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(_) => return None,
            }
            if !dir.join("cgroup.kill").exists() {
                let _ = std::fs::remove_dir(&dir);
                return None;
            }
            let Some((watchdog_pid, pipe)) = start_watchdog(&dir) else {
                let _ = std::fs::remove_dir(&dir);
                return None;
            };
            Some(ProcessCgroup {
                dir,
                watchdog_pid,
                next: AtomicUsize::new(0),
                _watchdog: Mutex::new(Some(pipe)),
            })
        })
        .as_ref()
}

/// The directory of this process's own cgroup v2, from /proc/self/cgroup and mountinfo.
fn own_cgroup_dir() -> Option<PathBuf> {
    let cgroups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let own = cgroups.lines().find_map(|l| l.strip_prefix("0::"))?;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    let mount = mountinfo.lines().find_map(|line| {
        // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS... - FSTYPE SOURCE SUPER"
        let (left, right) = line.split_once(" - ")?;
        (right.split_whitespace().next()? == "cgroup2")
            .then(|| left.split_whitespace().nth(4).map(PathBuf::from))
            .flatten()
    })?;
    let dir = mount.join(own.trim_start_matches('/'));
    dir.is_dir().then_some(dir)
}

/// The watchdog: a shell that waits until its stdin (a pipe whose write end only smokegate
/// holds) closes — smokegate exited or was killed — then kills everything in the cgroup `$1`
/// and removes it (retrying while the dead are not yet reaped).
const WATCHDOG: &str = r#"while read -r _; do :; done
echo 1 > "$1/cgroup.kill" 2>/dev/null
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  find "$1" -depth -type d -exec rmdir {} + 2>/dev/null
  [ -d "$1" ] || exit 0
  sleep 0.1
done"#;

/// The watchdog of process groups, without cgroups: it reads a group id a line (`-ID`: that
/// group ended, forget it) until its stdin closes — smokegate exited or was killed — then kills
/// every group it still holds, and every process that carries this smokegate's [`SCOPE_ENV`]
/// (`$1`): what left its group (`setsid`, a double fork) and so outlived the group kill.
const GROUP_WATCHDOG_SCRIPT: &str = r#"list=" "
while read -r g; do
  case "$g" in
    -*) n=${g#-}; case "$list" in *" $n "*) list="${list%%" $n "*} ${list#*" $n "}";; esac ;;
    *) list="$list$g " ;;
  esac
done
for g in $list; do kill -9 "-$g" 2>/dev/null; done
for _ in 1 2 3; do
  for p in /proc/[0-9]*; do
    grep -qsxz "SMOKEGATE_SCOPE=$1" "$p/environ" && kill -9 "${p#/proc/}" 2>/dev/null
  done
done"#;

/// The variable every child gets without a cgroup: what the group watchdog finds the
/// descendants by that left their group and session (`setsid`) once smokegate is gone.
pub(super) const SCOPE_ENV: &str = "SMOKEGATE_SCOPE";

/// This process's value of [`SCOPE_ENV`].
pub(super) fn scope_token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("{}-{nanos}", std::process::id())
    })
}

/// Tells the group watchdog a line (starting it on first need); whether it was told.
fn tell_group_watchdog(line: &str) -> bool {
    let watchdog = GROUP_WATCHDOG.get_or_init(|| {
        spawn_watchdog(GROUP_WATCHDOG_SCRIPT, Some(Path::new(scope_token())))
            .map(|(pid, pipe)| (pid, Mutex::new(pipe)))
    });
    match watchdog {
        Some((_, pipe)) => writeln!(
            pipe.lock().unwrap_or_else(PoisonError::into_inner),
            "{line}"
        )
        .is_ok(),
        None => false,
    }
}

/// A watched process group ended: the watchdog forgets it (its id may be reused).
pub(super) fn unwatch_group(pgid: i32) {
    if GROUP_WATCHDOG.get().is_some() {
        tell_group_watchdog(&format!("-{pgid}"));
    }
}

/// Starts the watchdog of `dir` in its own session (a kill of smokegate's process group must
/// not take it along), holding the read end of a pipe whose write end only we hold.
fn start_watchdog(dir: &Path) -> Option<(u32, std::process::ChildStdin)> {
    spawn_watchdog(WATCHDOG, Some(dir))
}

/// Starts `script` as a watchdog in its own session, with `arg` as `$1`; its pid and the write
/// end of its stdin (never inherited by children: the pipe is close-on-exec).
fn spawn_watchdog(script: &str, arg: Option<&Path>) -> Option<(u32, std::process::ChildStdin)> {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new("/bin/sh");
    cmd.args(["-c", script, "smokegate-watchdog"])
        .args(arg)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // SAFETY: setsid in the forked child only detaches it from our session and group.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let mut child = cmd.spawn().ok()?;
    let pid = child.id();
    let stdin = child.stdin.take();
    // Never waited for here: it outlives us by design. At our normal end it is an orphan that
    // init reaps; while we live it only waits.
    std::mem::forget(child);
    stdin.map(|s| (pid, s))
}

/// Kills every process in `dir` and its child cgroups, reaps those that were our children,
/// and removes the cgroups. Returns how many processes it found alive.
fn kill_cgroup(dir: &Path) -> usize {
    let found = procs_under(dir);
    if let Ok(mut kill) = OpenOptions::new().write(true).open(dir.join("cgroup.kill")) {
        let _ = kill.write_all(b"1");
    }
    // Killed processes leave the cgroup once they are dead (as zombies of their parent, if it
    // lives); those that were our children are reaped. Bounded: 2 s.
    let until = Instant::now() + Duration::from_secs(2);
    while !procs_under(dir).is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    reap_ours(&found);
    remove_tree(dir);
    found.len()
}

/// Pids in the cgroup `dir` and below.
fn procs_under(dir: &Path) -> Vec<i32> {
    let mut pids: Vec<i32> = std::fs::read_to_string(dir.join("cgroup.procs"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pids.extend(procs_under(&entry.path()));
            }
        }
    }
    pids
}

/// Reaps those of `pids` (killed) that are our children, bounded: an unreaped zombie keeps its
/// cgroup from being removed.
fn reap_ours(pids: &[i32]) {
    let me = std::process::id();
    let mut ours: Vec<i32> = pids
        .iter()
        .copied()
        .filter(|&pid| parent_of(pid) == Some(me))
        .collect();
    let until = Instant::now() + Duration::from_secs(1);
    while !ours.is_empty() && Instant::now() < until {
        // SAFETY: reaping children of ours without blocking.
        ours.retain(|&pid| unsafe { libc::waitpid(pid, std::ptr::null_mut(), libc::WNOHANG) } == 0);
        if !ours.is_empty() {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// Removes `dir` and the cgroups below it; retried briefly while a dead process in it is not
/// yet reaped by its parent (bounded: 1 s).
fn remove_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_tree(&entry.path());
            }
        }
    }
    let until = Instant::now() + Duration::from_secs(1);
    while std::fs::remove_dir(dir).is_err() && dir.exists() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The parent pid of `pid`, from /proc.
fn parent_of(pid: i32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')')?.1;
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// Makes this process the reaper of orphaned descendants (Linux), so that in the fallback a
/// process that left its check's group (setsid, double fork) is still ours to stop.
fn adopt_orphans() {
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

/// Fallback: kills and reaps every child of this process, again and again while killing one
/// hands us its own orphans (a double fork), bounded. Called when no check is running.
fn stop_adopted() -> usize {
    let me = std::process::id();
    // The watchdogs are ours too, and must outlive every run.
    let watchdogs: Vec<u32> = PROCESS_CGROUP
        .get()
        .and_then(Option::as_ref)
        .map(|pc| pc.watchdog_pid)
        .into_iter()
        .chain(
            GROUP_WATCHDOG
                .get()
                .and_then(Option::as_ref)
                .map(|(pid, _)| *pid),
        )
        .collect();
    let mut stopped = 0;
    for _ in 0..50 {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return stopped;
        };
        let children: Vec<i32> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()))
            .filter(|&pid| parent_of(pid) == Some(me))
            .filter(|&pid| u32::try_from(pid).is_ok_and(|p| !watchdogs.contains(&p)))
            .collect();
        if children.is_empty() {
            break;
        }
        for pid in children {
            // SAFETY: signalling (its whole group too) and reaping a child of ours.
            unsafe {
                let pgid = libc::getpgid(pid);
                if pgid > 1 && pgid != libc::getpgrp() {
                    libc::killpg(pgid, libc::SIGKILL);
                }
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, std::ptr::null_mut(), 0);
            }
            stopped += 1;
        }
    }
    stopped
}
