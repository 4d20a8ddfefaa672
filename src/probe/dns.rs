//! The `dns` probe: resolve a name through the system resolver (as every client of the service
//! will) and compare with the expected addresses. Must not retry, time itself out or print.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::time::Instant;

use super::ProbeCtx;
use crate::model::spec::DnsSpec;
use crate::model::{Outcome, Perfdata, State};

pub async fn run(spec: &DnsSpec, _ctx: &ProbeCtx) -> Outcome {
    let start = Instant::now();
    let answers: BTreeSet<IpAddr> = match tokio::net::lookup_host((spec.name.as_str(), 0)).await {
        Ok(addrs) => addrs.map(|a| a.ip()).collect(),
        Err(e) => {
            return Outcome::new(
                State::Critical,
                format!("DNS CRITICAL - cannot resolve {}: {e}", spec.name),
            );
        }
    };
    let secs = super::tls::round_ms(start.elapsed().as_secs_f64());
    let shown: Vec<String> = answers.iter().map(ToString::to_string).collect();
    let missing: Vec<String> = spec
        .expect
        .iter()
        .filter(|ip| !answers.contains(ip))
        .map(ToString::to_string)
        .collect();
    let mut outcome = if missing.is_empty() {
        Outcome::new(
            State::Ok,
            format!("DNS OK - {} resolves to {}", spec.name, shown.join(", ")),
        )
    } else {
        Outcome::new(
            State::Critical,
            format!(
                "DNS CRITICAL - {} resolves to {}, expected {} as well",
                spec.name,
                shown.join(", "),
                missing.join(", ")
            ),
        )
    };
    outcome.perfdata.push(Perfdata::new("time", secs, "s"));
    outcome
}
