//! Starting a check's child as fast as the machine allows, contained: `clone(CLONE_VM |
//! CLONE_VFORK)` on a stack of its own, as posix_spawn starts a child, and in that child only what
//! std's fork path would do before exec (join the run's cgroup, or take a parent-death signal;
//! its own process group; stdin from /dev/null, stdout and stderr to pipes; default signal
//! dispositions and an empty mask). A fork copies the page tables of the whole (multi-threaded,
//! tens of MB) smokegate for every child; this copies nothing. The child is awaited through a
//! pidfd. Owns the start and the reaping of such children; must not decide when they stop.

use std::ffi::{CString, OsStr, OsString};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;

use tokio::io::unix::AsyncFd;

use super::Spawn;

/// The child's stack: it runs a few system calls and exec, nothing more.
const STACK: usize = 64 * 1024;

/// A child started by [`start`], reaped by [`Child::wait`] or, if dropped first, in the
/// background.
pub(super) struct Child {
    pub pid: i32,
    pidfd: Option<AsyncFd<OwnedFd>>,
    status: Option<ExitStatus>,
    pub stdout: Option<tokio::net::unix::pipe::Receiver>,
    pub stderr: Option<tokio::net::unix::pipe::Receiver>,
}

/// Everything the child reads, made before the clone: it must not allocate.
struct ChildArgs {
    path: *const libc::c_char,
    argv: *const *const libc::c_char,
    envp: *const *const libc::c_char,
    /// `cgroup.procs` of the run's cgroup, or -1: then a parent-death signal.
    procs: RawFd,
    null: RawFd,
    stdout: RawFd,
    stderr: RawFd,
    /// Where the child writes its errno when it cannot exec (close-on-exec: EOF on success).
    report: RawFd,
}

/// Starts `spawn`, its stdout and stderr piped, joined to the cgroup behind `procs` when given.
/// `extra_env` is added after `spawn.env`.
pub(super) fn start(
    spawn: &Spawn,
    procs: Option<RawFd>,
    extra_env: &[(OsString, OsString)],
) -> io::Result<Child> {
    let path = cstring(resolve(&spawn.program, &spawn.env).as_os_str())?;
    let mut args = vec![cstring(spawn.program.as_os_str())?];
    for a in &spawn.args {
        args.push(cstring(OsStr::new(a))?);
    }
    let env = environment(&spawn.env, extra_env)?;
    let argv = pointers(&args);
    let envp = pointers(&env);
    let null = open_null()?;
    let (out_r, out_w) = pipe()?;
    let (err_r, err_w) = pipe()?;
    let (report_r, report_w) = pipe()?;
    let child_args = ChildArgs {
        path: path.as_ptr(),
        argv: argv.as_ptr(),
        envp: envp.as_ptr(),
        procs: procs.unwrap_or(-1),
        null: null.as_raw_fd(),
        stdout: out_w.as_raw_fd(),
        stderr: err_w.as_raw_fd(),
        report: report_w.as_raw_fd(),
    };
    // Written only by the child, below its top: no need to zero it first.
    let mut stack: Vec<u8> = Vec::with_capacity(STACK);
    // The stack grows down from its end, 16-byte aligned.
    let top = (stack.as_mut_ptr() as usize + STACK) & !15;
    let mut pidfd: libc::c_int = -1;
    let pid = {
        // No handler of ours may run in the child, which shares our memory until it execs:
        // every signal is blocked around the clone, and the child sets handlers to default
        // before it unblocks them.
        let _blocked = BlockedSignals::new();
        // SAFETY: `child` only makes async-signal-safe calls on what `child_args` points at,
        // which outlives the call: CLONE_VFORK suspends this thread until the child has exec'd
        // or exited, and the child runs on `stack`, not on ours.
        unsafe {
            libc::clone(
                child,
                top as *mut libc::c_void,
                libc::CLONE_VM | libc::CLONE_VFORK | libc::CLONE_PIDFD | libc::SIGCHLD,
                std::ptr::addr_of!(child_args) as *mut libc::c_void,
                std::ptr::addr_of_mut!(pidfd),
            )
        }
    };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    drop((out_w, err_w, report_w, null));
    // SAFETY: CLONE_PIDFD stored a new descriptor of the child in `pidfd`, ours to own.
    let pidfd = (pidfd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(pidfd) });
    let mut errno = [0u8; 4];
    let n = read_full(&report_r, &mut errno);
    let mut started = Child {
        pid,
        pidfd: None,
        status: None,
        stdout: None,
        stderr: None,
    };
    if n == errno.len() {
        // It could not exec: reap it now and say why, as std's spawn does.
        started.reap_blocking();
        return Err(io::Error::from_raw_os_error(i32::from_ne_bytes(errno)));
    }
    started.pidfd = match pidfd {
        // SAFETY: the AsyncFd owns `fd`, which stays open and the same until it is dropped.
        Some(fd) => Some(
            unsafe { AsyncFd::register_with_interest(fd, tokio::io::Interest::READABLE) }
                .map_err(|e| e.into_parts().1)?,
        ),
        None => None,
    };
    started.stdout = Some(receiver(out_r)?);
    started.stderr = Some(receiver(err_r)?);
    Ok(started)
}

impl Child {
    /// Waits for the child to exit and reaps it (cancel-safe).
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        if let Some(status) = self.status {
            return Ok(status);
        }
        match &self.pidfd {
            Some(fd) => loop {
                let mut ready = fd.readable().await?;
                if let Some(status) = reap(self.pid)? {
                    self.status = Some(status);
                    return Ok(status);
                }
                ready.clear_ready();
            },
            // No pidfd (an old kernel): poll, as the last resort.
            None => loop {
                if let Some(status) = reap(self.pid)? {
                    self.status = Some(status);
                    return Ok(status);
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            },
        }
    }

    fn reap_blocking(&mut self) {
        let mut status: libc::c_int = 0;
        // SAFETY: as in try_reap; the child is about to exit (it could not exec).
        let r = unsafe { libc::waitpid(self.pid, &mut status, 0) };
        if r == self.pid {
            self.status = Some(ExitStatus::from_raw(status));
        }
    }
}

impl Drop for Child {
    /// A child dropped before it was reaped (its run was cancelled; its group has been killed)
    /// is reaped in the background, never left a zombie.
    fn drop(&mut self) {
        if self.status.is_some() {
            return;
        }
        if matches!(reap(self.pid), Ok(Some(_)) | Err(_)) {
            return;
        }
        let mut rest = Child {
            pid: self.pid,
            pidfd: self.pidfd.take(),
            status: None,
            stdout: None,
            stderr: None,
        };
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(async move {
                    let _ = rest.wait().await;
                });
            }
            Err(_) => rest.reap_blocking(),
        }
    }
}

/// The child's exit status once it has exited (it is reaped then), `None` while it runs.
fn reap(pid: i32) -> io::Result<Option<ExitStatus>> {
    let mut status: libc::c_int = 0;
    // SAFETY: waitpid on our own child's pid, which no one else reaps while we hold it.
    let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
    match r {
        0 => Ok(None),
        r if r == pid => Ok(Some(ExitStatus::from_raw(status))),
        _ => Err(io::Error::last_os_error()),
    }
}

/// The child, between clone and exec: only async-signal-safe system calls, no allocation, no
/// lock; it returns only when exec failed (its errno is written to `report`).
extern "C" fn child(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `arg` is the parent's `ChildArgs`, alive while the parent is suspended; every
    // call below is a plain system call on values it holds.
    unsafe {
        let a = &*(arg as *const ChildArgs);
        let fail = |a: &ChildArgs| -> libc::c_int {
            let errno = *libc::__errno_location();
            let bytes = errno.to_ne_bytes();
            libc::write(a.report, bytes.as_ptr().cast(), bytes.len());
            libc::_exit(127)
        };
        // Handlers are the parent's code: back to default before any signal is let through.
        // SIGPIPE too (Rust ignores it in the parent; a plugin's pipeline must see it).
        for sig in 1..=libc::SIGRTMAX() {
            if sig == libc::SIGKILL || sig == libc::SIGSTOP {
                continue;
            }
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(sig, std::ptr::null(), &mut old) != 0 {
                continue;
            }
            let keep_ignored = old.sa_sigaction == libc::SIG_IGN && sig != libc::SIGPIPE;
            if old.sa_sigaction != libc::SIG_DFL && !keep_ignored {
                let mut dfl: libc::sigaction = std::mem::zeroed();
                dfl.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(sig, &dfl, std::ptr::null_mut());
            }
        }
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
        if a.procs >= 0 {
            if libc::write(a.procs, b"0".as_ptr().cast(), 1) != 1 {
                return fail(a);
            }
        } else {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
        }
        if libc::setpgid(0, 0) != 0 {
            return fail(a);
        }
        // A descriptor already in place (smokegate started with that stream closed) only loses
        // its close-on-exec flag.
        let onto = |fd: RawFd, target: RawFd| -> bool {
            if fd == target {
                libc::fcntl(fd, libc::F_SETFD, 0) == 0
            } else {
                libc::dup2(fd, target) >= 0
            }
        };
        if !onto(a.null, 0) || !onto(a.stdout, 1) || !onto(a.stderr, 2) {
            return fail(a);
        }
        libc::execve(a.path, a.argv, a.envp);
        fail(a)
    }
}

/// All signals blocked on this thread while it lives; the mask before is put back on drop.
struct BlockedSignals(libc::sigset_t);

impl BlockedSignals {
    fn new() -> BlockedSignals {
        // SAFETY: sigset operations on local values; pthread_sigmask on this thread only.
        unsafe {
            let mut all: libc::sigset_t = std::mem::zeroed();
            libc::sigfillset(&mut all);
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
            BlockedSignals(old)
        }
    }
}

impl Drop for BlockedSignals {
    fn drop(&mut self) {
        // SAFETY: restores this thread's own mask.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.0, std::ptr::null_mut());
        }
    }
}

/// A program named without a `/` is looked up in `$PATH` (the child's, when `env` sets it), as
/// std's spawn does; otherwise it is taken as it is.
fn resolve(program: &Path, env: &[(OsString, OsString)]) -> PathBuf {
    if program.as_os_str().as_bytes().contains(&b'/') {
        return program.to_path_buf();
    }
    let path = env
        .iter()
        .rev()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .or_else(|| std::env::var_os("PATH"))
        .unwrap_or_else(|| OsString::from("/usr/bin:/bin"));
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
        .unwrap_or_else(|| program.to_path_buf())
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// This process's environment with `set` over it, then `extra`, as `NAME=value` strings.
fn environment(
    set: &[(OsString, OsString)],
    extra: &[(OsString, OsString)],
) -> io::Result<Vec<CString>> {
    let mut vars: Vec<(OsString, OsString)> = std::env::vars_os().collect();
    for (k, v) in set.iter().chain(extra) {
        match vars.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = v.clone(),
            None => vars.push((k.clone(), v.clone())),
        }
    }
    vars.into_iter()
        .map(|(k, v)| {
            let mut entry = k.into_vec();
            entry.push(b'=');
            entry.extend(v.into_vec());
            CString::new(entry).map_err(|_| nul_error())
        })
        .collect()
}

fn cstring(s: &OsStr) -> io::Result<CString> {
    CString::new(s.as_bytes()).map_err(|_| nul_error())
}

fn nul_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "nul byte found in provided data",
    )
}

/// A null-terminated array of pointers into `strings`.
fn pointers(strings: &[CString]) -> Vec<*const libc::c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect()
}

fn open_null() -> io::Result<OwnedFd> {
    // SAFETY: open(2) with a static path; the result is checked.
    let fd = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a new descriptor, ours to own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A close-on-exec pipe: (read end, write end).
fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: pipe2 fills `fds` with two new descriptors on success.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both are new descriptors, ours to own.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Reads until `buf` is full or EOF; how much was read.
fn read_full(fd: &OwnedFd, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        // SAFETY: read(2) into the rest of `buf`.
        let r = unsafe { libc::read(fd.as_raw_fd(), buf[n..].as_mut_ptr().cast(), buf.len() - n) };
        match r {
            0 => break,
            r if r > 0 => n += r as usize,
            _ if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => {}
            _ => break,
        }
    }
    n
}

fn receiver(fd: OwnedFd) -> io::Result<tokio::net::unix::pipe::Receiver> {
    tokio::net::unix::pipe::Receiver::from_owned_fd(fd)
}
