//! Nagios plugin output grammar (Monitoring Plugins guidelines): status text, long output and
//! performance data. Owns parsing only; must not decide states or touch processes.

use crate::model::Perfdata;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PluginOutput {
    /// Text of the first line, before any `|`.
    pub summary: String,
    /// Lines after the first, without their perfdata parts.
    pub long_output: Vec<String>,
    pub perfdata: Vec<Perfdata>,
    /// Perfdata items that did not parse, as written (reported, never fatal).
    pub bad_perfdata: Vec<String>,
}

/// Parses sanitized plugin stdout.
pub fn parse(stdout: &str) -> PluginOutput {
    let _ = stdout;
    todo!()
}
