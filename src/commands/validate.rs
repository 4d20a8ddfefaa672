//! `smokegate validate`: load and check the suite only; exit 0 or 2.

use super::output::{fail, out};
use super::suite::load_selected;
use crate::cli::SuiteArgs;
use crate::exit;

pub fn validate(args: &SuiteArgs) -> i32 {
    match load_selected(args) {
        Ok(loaded) => {
            out(&format!(
                "ok: {} checks selected from {} suite files\n",
                loaded.checks.len(),
                loaded.files
            ));
            exit::GATE_PASSED
        }
        Err(e) => fail(&e),
    }
}
