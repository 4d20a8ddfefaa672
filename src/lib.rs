//! smokegate: post-deploy smoke checks in parallel, one gate.
//!
//! CLI -> config (load, validate) -> selection -> runner (concurrency, timeouts, retries,
//! deadline, signals) -> probes -> events -> reports (human | junit | json | nagios) and gate.

pub mod config;
pub mod exit;
pub mod gate;
pub mod model;
pub mod plugin_output;
pub mod probe;
pub mod process;
pub mod runner;
pub mod sanitize;
pub mod select;
