//! The `browser` probe: a WebDriver scenario (steps from TOML or a Selenium IDE test) in real
//! headless Chromium. Owns the browser pool of a run: one chromedriver started on first use
//! through the process module (or a remote WebDriver end by URL), sessions bounded by
//! `sessions`, all stopped at the end. Must not retry, time itself out or print.

mod commands;
mod exec;
mod gherkin;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, OnceCell, Semaphore};

use crate::model::spec::BrowserConfig;
use crate::process::{Scope, Service, Spawn};

/// A session that finished a scenario cleanly, kept for the next browser check.
pub(crate) struct IdleSession {
    pub driver: thirtyfour::WebDriver,
    /// Its profile folder, removed when the session is dropped for good.
    pub profile: tempfile::TempDir,
    /// How many checks it has served.
    pub served: u32,
}

/// The run's browsers: settings, the driver endpoint (started once, on first use), the
/// session slots, and where screenshots go.
pub struct Pool {
    pub config: BrowserConfig,
    pub artifacts: PathBuf,
    slots: Arc<Semaphore>,
    endpoint: OnceCell<Result<String, String>>,
    service: Mutex<Option<Service>>,
    /// Sessions that finished cleanly, ready for the next check, with their profiles.
    pub(crate) idle: Mutex<Vec<IdleSession>>,
    /// Remote session requests and quits of sessions whose check was stopped, waited for
    /// (bounded) at shutdown: on a remote end a session nobody deletes holds a Grid slot until
    /// the Grid times it out.
    quitting: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>,
    profiles: tempfile::TempDir,
    scope: Arc<Scope>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("config", &self.config)
            .finish()
    }
}

impl Pool {
    /// A pool whose chromedriver (and so its browsers) is contained in the run's `scope`.
    pub fn new(
        config: BrowserConfig,
        artifacts: PathBuf,
        scope: Arc<Scope>,
    ) -> std::io::Result<Pool> {
        Ok(Pool {
            scope,
            slots: Arc::new(Semaphore::new(config.sessions.max(1))),
            config,
            artifacts,
            endpoint: OnceCell::new(),
            service: Mutex::new(None),
            idle: Mutex::new(Vec::new()),
            quitting: std::sync::Mutex::new(Vec::new()),
            profiles: tempfile::Builder::new()
                .prefix("smokegate-browser-")
                .tempdir()?,
        })
    }

    /// Session slots: the runner holds one while a browser check runs.
    pub fn slots(&self) -> Arc<Semaphore> {
        Arc::clone(&self.slots)
    }

    /// A fresh profile folder for one session (removed with the pool).
    fn profile_dir(&self) -> std::io::Result<tempfile::TempDir> {
        tempfile::Builder::new()
            .prefix("profile-")
            .tempdir_in(self.profiles.path())
    }

    /// The WebDriver URL: the remote end, or a chromedriver started now on a free loopback port.
    async fn endpoint(&self) -> Result<String, String> {
        self.endpoint
            .get_or_init(|| async {
                if let Some(remote) = &self.config.remote {
                    return Ok(remote.clone());
                }
                self.start_driver().await
            })
            .await
            .clone()
    }

    async fn start_driver(&self) -> Result<String, String> {
        let driver = &self.config.driver;
        if !driver.is_file() {
            return Err(format!("chromedriver not found at {} (install chromium-driver, or set [browser] driver or remote)", driver.display()));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| format!("no free loopback port for chromedriver: {e}"))?;
        let spawn = Spawn {
            program: driver.clone(),
            args: vec![
                format!("--port={port}"),
                "--allowed-ips=127.0.0.1".to_string(),
            ],
            env: Vec::new(),
        };
        let mut service = Service::start(Some(&self.scope), &spawn)
            .map_err(|e| format!("cannot start {}: {e}", driver.display()))?;
        let url = format!("http://127.0.0.1:{port}");
        // Wait (bounded) until it accepts connections.
        let ready = async {
            for _ in 0..200 {
                if tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
                {
                    return true;
                }
                if !service.is_running() {
                    return false;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            false
        }
        .await;
        if !ready {
            service.stop(Duration::from_millis(200)).await;
            return Err(format!(
                "{} did not start listening on 127.0.0.1:{port}",
                driver.display()
            ));
        }
        *self.service.lock().await = Some(service);
        Ok(url)
    }

    /// Quits a session in the background (from a `Drop`, which cannot wait). A local one also
    /// ends with chromedriver; a remote one is waited for at shutdown.
    pub(crate) fn quit_later(&self, driver: thirtyfour::WebDriver) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let task = runtime.spawn(async move {
                let _ = driver.quit().await;
            });
            if self.config.remote.is_some() {
                self.track(task);
            }
        }
    }

    /// A task that deletes (or may have to delete) a remote session, waited for at shutdown.
    pub(crate) fn track(&self, task: tokio::task::JoinHandle<()>) {
        let mut tasks = self
            .quitting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        tasks.retain(|t| !t.is_finished());
        tasks.push(task);
    }

    /// Stops chromedriver and every browser it started; on a remote end, deletes every session
    /// this run still has.
    pub async fn shutdown(&self) {
        for idle in self.idle.lock().await.drain(..) {
            let _ = tokio::time::timeout(Duration::from_secs(2), idle.driver.quit()).await;
        }
        let quitting: Vec<_> = self
            .quitting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .drain(..)
            .collect();
        let all = async {
            for task in quitting {
                let _ = task.await;
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(5), all).await;
        if let Some(service) = self.service.lock().await.take() {
            service.stop(Duration::from_secs(1)).await;
        }
    }
}

pub use exec::run;
