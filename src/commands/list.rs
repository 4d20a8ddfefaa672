//! `smokegate list`: what would run, after selection: name, kind, tags, file:line.

use super::output::{fail, out};
use super::suite::load_selected;
use crate::cli::SuiteArgs;
use crate::exit;

pub fn list(args: &SuiteArgs) -> i32 {
    let checks = match load_selected(args) {
        Ok(loaded) => loaded.checks,
        Err(e) => return fail(&e),
    };
    let rows: Vec<[String; 4]> = checks
        .iter()
        .map(|c| {
            [
                c.name.clone(),
                c.probe.kind().to_string(),
                c.tags.join(","),
                c.source.to_string(),
            ]
        })
        .collect();
    let header = ["NAME", "KIND", "TAGS", "SOURCE"].map(String::from);
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in [&header].into_iter().chain(&rows) {
        let line = format!(
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text.push_str(&format!("{} checks\n", rows.len()));
    out(&text);
    exit::GATE_PASSED
}
