//! `smokegate validate`: load and check the suite only; exit 0 or 2.

use super::output::{fail, out};
use super::suite::load_selected;
use crate::cli::SuiteArgs;
use crate::redact::Redactor;
use crate::{exit, format};

pub fn validate(args: &SuiteArgs) -> i32 {
    match load_selected(args) {
        Ok(loaded) => {
            let mut text = format!(
                "ok: {} selected from {}\n",
                format::count(loaded.checks.len(), "check"),
                format::count(loaded.files, "suite file")
            );
            // Names only: what a run of this selection reads, never a value.
            if !loaded.env.is_empty() {
                let names: Vec<&str> = loaded.env.iter().map(String::as_str).collect();
                text.push_str(&format!("environment: {}\n", names.join(", ")));
            }
            for skipped in &loaded.skipped {
                text.push_str(&format!("skipped: {skipped}\n"));
            }
            out(&text, &loaded.redactor);
            exit::GATE_PASSED
        }
        Err(e) => fail(&e, &Redactor::none()),
    }
}
