//! Integration tests: the real binary against real Debian plugins, fixture plugins with hostile
//! behaviour, and loopback servers started here. One test binary; one file per behaviour.

mod harness;

mod baseline;
mod browser_checks;
mod config_errors;
mod containment;
mod deadline_and_signals;
mod demo;
mod distro_configs;
mod docs;
mod faults;
mod features;
mod features_truth;
mod features_vocabulary;
mod grid;
mod hangs;
mod hostile_text;
mod html_report;
mod icinga;
mod imports;
mod junit_readers;
mod nagios_daemons;
mod nagios_fidelity;
mod nagios_mode;
mod native;
mod needs;
mod nrpe_fidelity;
mod output_bounds;
mod parallelism;
mod plain_commands;
mod plugins;
mod policy;
mod report_files;
mod reports;
mod retries;
mod schema;
mod secrets;
mod selection;
mod side_projects;
mod soak;
mod suite_files;
mod summary;
mod vars;
mod verdicts;
