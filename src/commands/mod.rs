//! One function per command, each reading as its flow: load -> select -> run -> gate -> report.
//! Shared steps: `suite` (load and select, the probes' shared resources) and `output`.

pub mod docs;
pub mod history;
pub mod import;
pub mod list;
pub mod nagios;
pub mod output;
pub mod run;
pub mod schema;
pub mod suite;
pub mod validate;
