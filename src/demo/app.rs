//! The demo's sample web app: a tiny shop on a loopback port that can be switched from "good
//! deploy" to "the classic mistakes". It exists only for `smokegate demo`; nothing in the
//! product's flow depends on it.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio_util::sync::CancellationToken;

/// Seconds after which the background worker's heartbeat is stale.
const STALE_AFTER: u64 = 60;

#[derive(Default)]
struct State {
    broken: AtomicBool,
    /// Unix seconds of the worker's last heartbeat.
    last_beat: AtomicU64,
}

/// A running sample app; stopped when dropped.
pub struct SampleApp {
    pub addr: SocketAddr,
    state: Arc<State>,
    stop: CancellationToken,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl SampleApp {
    /// Starts the app on an ephemeral loopback port, with its background worker.
    pub async fn start() -> std::io::Result<SampleApp> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::default());
        state.last_beat.store(now(), Ordering::Relaxed);
        let stop = CancellationToken::new();

        let worker_state = Arc::clone(&state);
        let worker_stop = stop.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = worker_stop.cancelled() => return,
                    () = tokio::time::sleep(Duration::from_millis(500)) => {}
                }
                if !worker_state.broken.load(Ordering::Relaxed) {
                    worker_state.last_beat.store(now(), Ordering::Relaxed);
                }
            }
        });

        let server_state = Arc::clone(&state);
        let server_stop = stop.clone();
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    () = server_stop.cancelled() => return,
                    accepted = listener.accept() => accepted,
                };
                let Ok((stream, _)) = accepted else { continue };
                let state = Arc::clone(&server_state);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let state = Arc::clone(&state);
                        async move { Ok::<_, Infallible>(handle(&req, &state)) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(SampleApp { addr, state, stop })
    }

    /// Makes the classic deploy mistakes: a test string on the home page, the admin page open to
    /// anonymous visitors, the background worker stopped long ago, the orders API failing.
    pub fn break_it(&self) {
        self.state.broken.store(true, Ordering::Relaxed);
        self.state
            .last_beat
            .store(now().saturating_sub(20 * 60), Ordering::Relaxed);
    }
}

impl Drop for SampleApp {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn respond(status: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(v) = content_type.parse() {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, v);
    }
    response
}

fn handle(req: &Request<hyper::body::Incoming>, state: &State) -> Response<Full<Bytes>> {
    let broken = state.broken.load(Ordering::Relaxed);
    match req.uri().path() {
        "/" => {
            let extra = if broken {
                "\n  <p class=\"promo\">Lorem ipsum dolor sit amet, TODO replace before launch.</p>"
            } else {
                ""
            };
            respond(
                StatusCode::OK,
                "text/html; charset=utf-8",
                format!(
                    "<!doctype html>\n<html><head><title>Acme Shop</title></head><body>\n  <h1>Acme Shop</h1>\n  <p>Fresh coffee beans, roasted daily.</p>{extra}\n</body></html>\n"
                ),
            )
        }
        "/admin" if broken => respond(
            StatusCode::OK,
            "text/html; charset=utf-8",
            "<h1>Admin dashboard</h1><p>Orders: 1,204 · Customers: 311</p>\n".to_string(),
        ),
        "/admin" => {
            let mut r = respond(StatusCode::UNAUTHORIZED, "text/plain", "login required\n".to_string());
            if let Ok(v) = "Basic realm=\"admin\"".parse() {
                r.headers_mut().insert(hyper::header::WWW_AUTHENTICATE, v);
            }
            r
        }
        "/health" => {
            let age = now().saturating_sub(state.last_beat.load(Ordering::Relaxed));
            let worker = if age < STALE_AFTER { "ok" } else { "stale" };
            respond(
                StatusCode::OK,
                "application/json",
                format!("{{\"status\":\"ok\",\"worker\":{{\"status\":\"{worker}\",\"heartbeat_age_s\":{age}}}}}\n"),
            )
        }
        "/api/orders" if broken => respond(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/plain",
            "Traceback (most recent call last):\n  File \"/srv/shop/venv-old/lib/python3.9/site-packages/shop/api.py\", line 42, in orders\n    rows = db.execute(\"SELECT * FROM orders\")\nsqlite3.OperationalError: no such table: orders\n".to_string(),
        ),
        "/api/orders" => respond(
            StatusCode::OK,
            "application/json",
            "{\"ok\":true,\"orders\":[{\"id\":1,\"item\":\"beans\"},{\"id\":2,\"item\":\"grinder\"}]}\n".to_string(),
        ),
        _ => respond(StatusCode::NOT_FOUND, "text/plain", "not found\n".to_string()),
    }
}
