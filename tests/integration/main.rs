//! Integration tests: the real binary against real Debian plugins, fixture plugins with hostile
//! behaviour, and loopback servers started here. One test binary; one module per area.

mod hangs;
mod harness;

mod browser_checks;
mod config_errors;
mod containment;
mod demo;
mod faults;
mod hostile_text;
mod imports;
mod nagios_daemons;
mod nagios_mode;
mod native;
mod plain_commands;
mod process;
mod report_files;
mod reports;
mod run;
mod secrets;
mod suite_files;
