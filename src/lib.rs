//! smokegate: post-deploy smoke checks in parallel, one gate.
//!
//! CLI -> config (load, validate) -> selection -> runner (concurrency, timeouts, retries,
//! deadline, signals) -> probes -> events -> reports (human | junit | json | nagios) and gate.
//! This file parses the command line and hands it to `commands`, one function per command;
//! the work lives in the modules. Linux only: the process module uses `prctl`, cgroups and
//! `/proc`.

#[cfg(not(target_os = "linux"))]
compile_error!("smokegate runs on Linux: it contains checks with prctl, cgroups and /proc");

pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod error;
pub mod exit;
pub mod format;
pub mod gate;
pub mod history;
pub mod import;
pub mod model;
pub mod pem;
pub mod plugin_output;
pub mod probe;
pub mod process;
pub mod redact;
pub mod report;
pub mod runner;
pub mod sanitize;
pub mod select;
pub mod source;

use std::ffi::OsString;

use clap::Parser;

use cli::{Cli, Command};

/// Parses `args` (including the program name), runs the command and returns the exit code.
pub fn main_with(args: Vec<OsString>) -> i32 {
    let nagios_mode = args.get(1).is_some_and(|a| a == "nagios");
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if nagios_mode => return commands::nagios::usage_error(&e),
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::GATE_PASSED
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::USAGE;
        }
    };
    let code = runtime.block_on(async {
        match cli.command {
            Command::Run(args) => commands::run::run(*args).await,
            Command::List(args) => commands::list::list(&args),
            Command::Validate(args) => commands::validate::validate(&args),
            Command::Nagios(args) => commands::nagios::nagios(args).await,
            Command::Demo(args) => demo::run(args).await,
            Command::Import(what) => commands::import::import(what),
            Command::Steps => commands::docs::steps(),
            Command::Completions { shell } => commands::docs::completions(shell),
            Command::Man { command } => commands::docs::man(command.as_deref()),
            Command::Schema => commands::schema::schema(),
            Command::History(what) => commands::history::history(what),
        }
    });
    // The verdict is known and the reports are written: a blocking lookup (getaddrinfo on a
    // resolver that never answers) must not keep the process alive past it.
    runtime.shutdown_background();
    code
}
