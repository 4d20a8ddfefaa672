//! `smokegate schema`: the JSON Schema of suite files, made from the types the loader reads them
//! with, so that editors (taplo, Even Better TOML) complete keys and show their help. Must not
//! load suites or run anything.

use super::output::{fail, out};
use crate::error::Error;
use crate::exit;

pub fn schema() -> i32 {
    match serde_json::to_string_pretty(&crate::config::suite_schema()) {
        Ok(text) => {
            out(&text, &crate::redact::Redactor::none());
            out("\n", &crate::redact::Redactor::none());
            exit::GATE_PASSED
        }
        Err(e) => fail(
            &Error::Usage(format!("cannot write the schema: {e}")),
            &crate::redact::Redactor::none(),
        ),
    }
}
