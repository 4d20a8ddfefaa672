//! `smokegate demo`: start the sample app, run the demo suite against it as deployed well (green
//! gate), make the classic mistakes and run it again (red gate, with evidence). Offline, nothing
//! to install. Uses the product's flow as a user would; the product never uses this module.

mod app;

use std::path::Path;

use crate::cli::DemoArgs;
use crate::report::human::Style;
use crate::runner::RunOptions;
use crate::{config, exit, gate};

/// The demo suite, as `--write` puts it on disk.
pub const SUITE: &str = include_str!("suite.toml");

pub async fn run(args: DemoArgs) -> i32 {
    if let Some(dir) = &args.write {
        return write_suite(dir);
    }
    let style = Style {
        color: crate::commands::output::use_color(args.color),
    };
    let app = match app::SampleApp::start().await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: cannot start the sample app on 127.0.0.1: {e}");
            return exit::USAGE;
        }
    };
    let port = app.addr.port().to_string();
    let env = |name: &str| match name {
        "BASE_HOST" => Some("127.0.0.1".to_string()),
        "BASE_PORT" => Some(port.clone()),
        _ => None,
    };
    let checks = match config::load_text(Path::new("demo.toml"), SUITE, &env)
        .and_then(|suite| suite.select(&|_, _| true))
    {
        Ok(selected) => selected.checks,
        Err(diags) => {
            eprintln!("{diags}");
            return exit::USAGE;
        }
    };
    let policy = gate::Policy::default();
    let bold = |s: &str| {
        if style.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };

    out(&format!(
        "smokegate demo: a sample shop runs on http://{}; the demo suite has {} checks.\n\n{}\n",
        app.addr,
        checks.len(),
        bold("== 1/2  right after a good deploy ==")
    ));
    let (record, good) = crate::commands::run::execute(
        checks.clone(),
        RunOptions::default(),
        Default::default(),
        &policy,
        None,
        style,
        true,
    )
    .await;
    out(&crate::report::human::summary(&record, &good, style));

    app.break_it();
    out(&format!(
        "\n{}\n(a test string left on the home page, the admin page open to anonymous visitors,\n the background worker stopped, the orders API failing with a Traceback)\n",
        bold("== 2/2  after a deploy with the classic mistakes ==")
    ));
    let (record, bad) = crate::commands::run::execute(
        checks.clone(),
        RunOptions::default(),
        Default::default(),
        &policy,
        None,
        style,
        true,
    )
    .await;
    out(&crate::report::human::summary(&record, &bad, style));

    if good.passed && !bad.passed {
        out("\ndemo OK: the good deploy passed the gate; the broken one failed it, with the evidence above.\n\
             Next: `smokegate demo --write checks/` and point the suite at your own app.\n");
        exit::GATE_PASSED
    } else {
        out(&format!(
            "\ndemo FAILED: expected a passing then a failing gate, got {} then {}.\n",
            if good.passed { "passed" } else { "failed" },
            if bad.passed { "passed" } else { "failed" }
        ));
        exit::GATE_FAILED
    }
}

/// The demo's text to stdout: its suite has no secrets.
fn out(text: &str) {
    crate::commands::output::out(text, &crate::redact::Redactor::none());
}

fn write_suite(dir: &Path) -> i32 {
    let path = dir.join("demo.toml");
    if path.exists() {
        eprintln!("error: {} exists; not overwriting it", path.display());
        return exit::USAGE;
    }
    if let Err(e) = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, SUITE)) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return exit::USAGE;
    }
    out(&format!(
        "wrote {}: run it with `BASE_HOST=... BASE_PORT=... smokegate run {}`\n",
        path.display(),
        dir.display()
    ));
    exit::GATE_PASSED
}
