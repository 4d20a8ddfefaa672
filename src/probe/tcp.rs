//! The `tcp` probe: connect, optionally send a line and expect a banner, and time it, like
//! check_tcp. No process is spawned. Must not retry, time itself out or print.

use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::ProbeCtx;
use crate::model::spec::TcpSpec;
use crate::model::{Label, Outcome, Perfdata, State};
use crate::sanitize;

/// How much of a reply is read while looking for `expect`.
const MAX_REPLY: usize = 64 * 1024;

pub async fn run(spec: &TcpSpec, ctx: &ProbeCtx) -> Outcome {
    let start = Instant::now();
    let target = format!("{}:{}", spec.host, spec.port);
    ctx.phase.set(format!("connecting to {target}"));
    let mut stream = match tokio::net::TcpStream::connect((spec.host.as_str(), spec.port)).await {
        Ok(s) => s,
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
                _ => e.to_string(),
            };
            return Outcome::new(State::Critical, format!("TCP CRITICAL - {why} on {target}"));
        }
    };
    let _ = stream.set_nodelay(true);
    if let Some(send) = &spec.send {
        ctx.phase.set(format!("sending to {target}"));
        if let Err(e) = stream.write_all(send.as_bytes()).await {
            return Outcome::new(
                State::Critical,
                format!("TCP CRITICAL - cannot send to {target}: {e}"),
            );
        }
    }
    let mut reply = Vec::new();
    if let Some(expect) = &spec.expect {
        let mut buf = [0u8; 4096];
        let found = |reply: &[u8]| {
            let text = String::from_utf8_lossy(reply);
            super::http::find_text(&text, expect, spec.case_sensitive).is_some()
        };
        while !found(&reply) && reply.len() < MAX_REPLY {
            ctx.phase.set(format!(
                "waiting for a reply containing {expect:?} from {target} ({} bytes so far)",
                reply.len()
            ));
            match stream.read(&mut buf).await {
                Ok(0) => break,
                Ok(n) => reply.extend_from_slice(&buf[..n]),
                Err(e) => {
                    return Outcome::new(
                        State::Critical,
                        format!("TCP CRITICAL - reading from {target}: {e}"),
                    );
                }
            }
        }
        if !found(&reply) {
            let got = sanitize::text_from_bytes(&reply[..reply.len().min(512)]);
            let outcome = Outcome::new(
                State::Critical,
                format!("TCP CRITICAL - unexpected reply from {target}: expected {expect:?}"),
            );
            // A service that answered something else answers it again; one that closed the
            // connection first may be starting.
            return if got.is_empty() {
                outcome.with_evidence(Label::Reply, "(nothing before the connection closed)")
            } else {
                outcome.with_evidence(Label::Reply, got).settle()
            };
        }
    }
    let secs = super::tls::round_ms(start.elapsed().as_secs_f64());
    let state = spec.time.state(secs);
    let mut outcome = Outcome::new(
        state,
        format!("TCP {state} - {secs:.3} second response time on {target}"),
    );
    let mut perf = Perfdata::new("time", secs, "s");
    perf.warn = spec.time.warn.as_ref().map(ToString::to_string);
    perf.crit = spec.time.crit.as_ref().map(ToString::to_string);
    perf.min = Some(0.0);
    outcome.perfdata.push(perf);
    outcome
}
