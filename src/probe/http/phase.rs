//! What an `http` attempt is waiting for (connecting, sending, response headers), told to the
//! runner through `Phase` from inside the shared client's connector. Must not judge anything.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::Phase;

/// What the connector layer does while a request of this probe opens a connection.
#[derive(Clone)]
pub(super) struct PhaseScript {
    pub(super) phase: Phase,
    pub(super) connecting: String,
    /// Restored once connected.
    pub(super) waiting: String,
}

tokio::task_local! {
    /// The phase of the http attempt whose request is being sent (the client is shared, so the
    /// connector learns whose connection it opens from the task).
    pub(super) static PHASE: PhaseScript;
}

pub(super) fn connecting_phase(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(80);
    if url.scheme() == "https" {
        format!("connecting to {host}:{port} (TCP connect and TLS handshake)")
    } else {
        format!("connecting to {host}:{port}")
    }
}

/// Marks the attempt "connecting" while the shared client opens a connection for it.
#[derive(Clone, Copy)]
pub(super) struct PhaseLayer;

impl<S> tower_layer::Layer<S> for PhaseLayer {
    type Service = PhaseService<S>;

    fn layer(&self, inner: S) -> PhaseService<S> {
        PhaseService(inner)
    }
}

#[derive(Clone)]
pub(super) struct PhaseService<S>(S);

impl<S, R> tower_service::Service<R> for PhaseService<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let script = PHASE.try_with(PhaseScript::clone).ok();
        if let Some(s) = &script {
            s.phase.set(s.connecting.clone());
        }
        let connecting = self.0.call(request);
        Box::pin(async move {
            let connected = connecting.await;
            if let Some(s) = script.filter(|_| connected.is_ok()) {
                s.phase.replace(&s.connecting, s.waiting.clone());
            }
            connected
        })
    }
}
