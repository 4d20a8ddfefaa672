//! The one place a child process is spawned, captured and stopped. Every child (plugins today,
//! chromedriver later) goes through here: its own process group, stdin from /dev/null, stdout and
//! stderr captured up to a bound, and TERM -> grace -> KILL to the whole group when asked to stop.
//! A run's children are contained in its [`Scope`] (see `containment`): nothing they start
//! outlives the run, or a `kill -9` of smokegate. A check's child is started by `spawn` (a
//! vfork-style clone that joins the scope before exec, copying nothing of this process); a
//! service, one per run, through std's `Command`.
//! This module decides nothing about states or time limits: the caller says when to stop.

use std::ffi::OsString;
use std::io;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

mod containment;
mod spawn;
pub use containment::Scope;

/// What to run. The program is executed directly, never through a shell.
#[derive(Clone, Debug)]
pub struct Spawn {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(OsString, OsString)>,
}

/// Bounds on what a child may cost us.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Bytes kept per stream; the rest is read, counted and dropped.
    pub capture: usize,
    /// Time between SIGTERM and SIGKILL to the group.
    pub grace: Duration,
    /// After the child exits, how long to wait for its output streams to close before deciding
    /// that a grandchild holds them, and killing the group.
    pub leak_wait: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            capture: 64 * 1024,
            grace: Duration::from_secs(1),
            leak_wait: Duration::from_millis(100),
        }
    }
}

/// The head of one output stream and how much of it was dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Captured {
    pub head: Vec<u8>,
    pub dropped: u64,
}

/// How the child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

/// What happened to a child that was started.
#[derive(Clone, Debug)]
pub struct Finished {
    pub exit: Exit,
    pub stdout: Captured,
    pub stderr: Captured,
    /// We were asked to stop it before it exited by itself.
    pub stopped: bool,
    /// It exited but something it started still held its output open; the group was killed.
    pub leaked: bool,
}

/// Runs `spawn` to completion, or until `stop` is cancelled (then TERM, grace, KILL).
/// No process of the child's group outlives this call, nor the drop of its future.
pub async fn run(spawn: &Spawn, limits: Limits, stop: &CancellationToken) -> io::Result<Finished> {
    run_in(None, spawn, limits, stop).await
}

/// [`run`], the child contained in a run's [`Scope`]: what it starts, however it detaches,
/// ends with the scope, and with smokegate if smokegate is killed.
pub async fn run_in(
    scope: Option<&Scope>,
    spawn: &Spawn,
    limits: Limits,
    stop: &CancellationToken,
) -> io::Result<Finished> {
    let procs = scope.and_then(Scope::procs_fd);
    // Without a cgroup, what a check starts is found by this if smokegate is killed.
    let extra: Vec<(OsString, OsString)> = match scope {
        Some(_) if procs.is_none() => vec![(
            containment::SCOPE_ENV.into(),
            containment::scope_token().into(),
        )],
        _ => Vec::new(),
    };
    let mut child = spawn::start(spawn, procs, &extra)?;
    let guard = GroupGuard::new(scope, u32::try_from(child.pid).ok());

    let mut stdout = Reader::start(child.stdout.take(), limits.capture);
    let mut stderr = Reader::start(child.stderr.take(), limits.capture);

    let mut stopped = false;
    let status: ExitStatus = tokio::select! {
        // An exit that races a stop request is still the real result.
        biased;
        status = child.wait() => status?,
        () = stop.cancelled() => {
            stopped = true;
            guard.signal(libc::SIGTERM);
            match tokio::time::timeout(limits.grace, child.wait()).await {
                Ok(status) => status?,
                Err(_) => {
                    guard.signal(libc::SIGKILL);
                    child.wait().await?
                }
            }
        }
    };

    // The child is gone. Give its streams a moment to close; a grandchild holding them open is
    // a leak: the group is killed and we keep what was read.
    let streams_closed = tokio::time::timeout(limits.leak_wait, async {
        stdout.wait().await;
        stderr.wait().await;
    })
    .await
    .is_ok();
    // Nothing the check started outlives it, whether or not it held the streams.
    guard.signal(libc::SIGKILL);
    if !streams_closed {
        // Killing the group closes the pipes unless a process left the group (setsid); bound it.
        let _ = tokio::time::timeout(Duration::from_millis(500), async {
            stdout.wait().await;
            stderr.wait().await;
        })
        .await;
    }
    guard.disarm();
    Ok(Finished {
        exit: exit_of(status),
        stdout: stdout.finish(),
        stderr: stderr.finish(),
        stopped,
        leaked: !streams_closed,
    })
}

/// The command for a child: its own process group, stdin from /dev/null, and (in a scope) its
/// run's containment joined before it runs.
fn command(scope: Option<&Scope>, spawn: &Spawn) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(&spawn.program);
    cmd.args(&spawn.args)
        .envs(spawn.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .process_group(0);
    if let Some(scope) = scope {
        let procs = scope.procs_fd();
        if procs.is_none() {
            // Without a cgroup, what a check starts is found by this if smokegate is killed.
            cmd.env(containment::SCOPE_ENV, containment::scope_token());
        }
        // SAFETY: the closure runs in the forked child and makes only async-signal-safe calls
        // (write, prctl) on values copied before the fork.
        unsafe {
            cmd.pre_exec(move || containment::in_child(procs));
        }
    }
    cmd
}

fn exit_of(status: ExitStatus) -> Exit {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(sig)) => Exit::Signal(sig),
        // Neither is impossible on Unix; report it as a signal 0 rather than invent a code.
        (None, None) => Exit::Signal(0),
    }
}

/// Kills the process group with SIGKILL when dropped, so a cancelled future leaves nothing;
/// without a cgroup, the group is watched meanwhile, so that a `kill -9` of smokegate does not
/// leave it running.
struct GroupGuard {
    pgid: Option<i32>,
    watched: Option<i32>,
}

impl GroupGuard {
    /// The guard of a child just started in its own group (its pid is the group's id).
    fn new(scope: Option<&Scope>, pid: Option<u32>) -> GroupGuard {
        let pgid = pid.and_then(|pid| i32::try_from(pid).ok());
        let watched = pgid.filter(|&g| scope.is_some_and(|s| s.watch_group(g)));
        GroupGuard { pgid, watched }
    }

    /// The group was killed after its leader exited: no further signal may reach a reused id.
    fn disarm(mut self) {
        self.pgid = None;
    }

    fn signal(&self, sig: libc::c_int) {
        if let Some(pgid) = self.pgid.filter(|&p| p > 1) {
            // SAFETY: killpg only sends a signal; ESRCH (group already gone) is expected.
            unsafe {
                libc::killpg(pgid, sig);
            }
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.signal(libc::SIGKILL);
        if let Some(pgid) = self.watched {
            containment::unwatch_group(pgid);
        }
    }
}

/// A task draining one stream into a bounded buffer shared with the caller.
struct Reader {
    buf: Arc<Mutex<Captured>>,
    task: Option<JoinHandle<()>>,
}

impl Reader {
    fn start<R: AsyncRead + Unpin + Send + 'static>(stream: Option<R>, limit: usize) -> Reader {
        let buf = Arc::new(Mutex::new(Captured::default()));
        let task = stream.map(|mut stream| {
            let buf = Arc::clone(&buf);
            tokio::spawn(async move {
                let mut chunk = vec![0u8; 16 * 1024];
                loop {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            let mut cap = buf.lock().unwrap_or_else(PoisonError::into_inner);
                            let room = limit.saturating_sub(cap.head.len()).min(n);
                            cap.head.extend_from_slice(&chunk[..room]);
                            cap.dropped += (n - room) as u64;
                        }
                    }
                }
            })
        });
        Reader { buf, task }
    }

    /// Waits until the stream is closed (cancel-safe: may be called again after a timeout).
    async fn wait(&mut self) {
        if let Some(task) = &mut self.task {
            let _ = task.await;
            self.task = None;
        }
    }

    fn finish(mut self) -> Captured {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        let cap = self.buf.lock().unwrap_or_else(PoisonError::into_inner);
        cap.clone()
    }
}

impl Drop for Reader {
    /// A pipe held open by a process that escaped the group must not keep a task alive.
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// A long-running child (chromedriver): its own process group, output discarded, stopped with
/// TERM -> grace -> KILL to the whole group (the browsers it started go with it).
pub struct Service {
    child: tokio::process::Child,
    guard: Option<GroupGuard>,
}

impl Service {
    pub fn start(scope: Option<&Scope>, spawn: &Spawn) -> io::Result<Service> {
        let mut cmd = command(scope, spawn);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let child = cmd.spawn()?;
        let guard = GroupGuard::new(scope, child.id());
        Ok(Service {
            child,
            guard: Some(guard),
        })
    }

    /// True while the service's main process has not exited.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub async fn stop(mut self, grace: Duration) {
        if let Some(guard) = self.guard.take() {
            guard.signal(libc::SIGTERM);
            if tokio::time::timeout(grace, self.child.wait())
                .await
                .is_err()
            {
                guard.signal(libc::SIGKILL);
                let _ = self.child.wait().await;
            }
            // Whatever the service started in its group goes too.
            guard.signal(libc::SIGKILL);
            guard.disarm();
        }
    }
}
