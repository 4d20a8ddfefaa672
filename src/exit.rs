//! Process exit codes of `smokegate run`, `list` and `validate`, as named constants.
//! (`smokegate nagios` exits with the Nagios state code instead.)

/// Every selected check passed the gate's policy.
pub const GATE_PASSED: i32 = 0;
/// At least one selected check failed the gate, or did not run.
pub const GATE_FAILED: i32 = 1;
/// Usage or configuration error: nothing ran.
pub const USAGE: i32 = 2;
/// Ctrl-C or SIGTERM: children were stopped, reports were still written.
pub const INTERRUPTED: i32 = 130;
