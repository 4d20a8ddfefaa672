//! Probes: run one check once and return an outcome with evidence.
//! They do not retry, choose timeouts or print; a stop request comes from the runner.

pub mod browser;
pub mod dns;
pub mod exec;
pub mod http;
pub mod judge;
pub mod nagios;
pub mod scenario;
pub mod tcp;
pub mod tls;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::model::{Outcome, ProbeSpec};

/// Resources shared by all probes of one run.
#[derive(Debug, Default)]
pub struct Shared {
    pub http: http::Clients,
    /// Present when the run has browser checks.
    pub browser: Option<browser::Pool>,
    /// Every child process of the run is contained here.
    pub scope: Arc<crate::process::Scope>,
}

impl Shared {
    /// Stops what the run started for its probes (chromedriver and its browsers), then
    /// whatever else the run's children left behind.
    pub async fn shutdown(&self) {
        if let Some(pool) = &self.browser {
            pool.shutdown().await;
        }
        self.scope.close();
    }
}

/// What the runner hands a probe for one attempt.
#[derive(Clone, Debug)]
pub struct ProbeCtx {
    /// Cancelled by the runner when the attempt must end (timeout, deadline, interrupt).
    pub stop: tokio_util::sync::CancellationToken,
    /// Time between SIGTERM and SIGKILL when a child must be stopped.
    pub grace: Duration,
    /// Bytes kept per output stream of a child.
    pub capture_limit: usize,
    pub shared: Arc<Shared>,
    /// What the probe is waiting for, set by native probes and read by the runner at a timeout.
    pub phase: Phase,
    /// The attempt's time limit, which the runner enforces: a probe only makes sure that nothing
    /// of its own (a client's request timeout) gives up before it.
    pub timeout: Duration,
    /// Masks secrets in what a probe keeps or cuts, and is told those it meets (a password
    /// typed).
    pub redact: crate::redact::Redactor,
}

/// What an attempt is doing now ("waiting for response headers from http://..."), shared
/// between a probe that sets it and the runner that names it when the attempt times out.
#[derive(Clone, Debug, Default)]
pub struct Phase(Arc<Mutex<Option<String>>>);

impl Phase {
    pub fn set(&self, what: impl Into<String>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(what.into());
    }

    /// Sets `what` only while the phase is still `expected` (a late update must not undo a
    /// later phase).
    pub fn replace(&self, expected: &str, what: impl Into<String>) {
        let mut current = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if current.as_deref() == Some(expected) {
            *current = Some(what.into());
        }
    }

    pub fn get(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

pub async fn run(spec: &ProbeSpec, ctx: &ProbeCtx) -> Outcome {
    match spec {
        ProbeSpec::Nagios(spec) => nagios::run(spec, ctx).await,
        ProbeSpec::Exec(spec) => exec::run(spec, ctx).await,
        ProbeSpec::Http(spec) => http::run(spec, ctx).await,
        ProbeSpec::Tls(spec) => tls::run(spec, ctx).await,
        ProbeSpec::Tcp(spec) => tcp::run(spec, ctx).await,
        ProbeSpec::Dns(spec) => dns::run(spec, ctx).await,
        ProbeSpec::Browser(spec) => browser::run(spec, ctx).await,
        ProbeSpec::Scenario(spec) => scenario::run(spec, ctx).await,
    }
}
