//! The `nagios` probe: run a Nagios-compatible plugin once and map its exit and output as
//! Nagios 4 does. Process handling belongs to `process`; this file must not signal or wait.

use std::path::PathBuf;

use super::ProbeCtx;
use crate::model::Outcome;

#[derive(Clone, Debug)]
pub struct NagiosSpec {
    pub program: PathBuf,
    pub args: Vec<String>,
}

impl NagiosSpec {
    pub fn command_line(&self) -> String {
        let mut words = vec![self.program.display().to_string()];
        words.extend(self.args.iter().cloned());
        shell_words::join(words)
    }
}

pub async fn run(spec: &NagiosSpec, ctx: &ProbeCtx) -> Outcome {
    let _ = (spec, ctx);
    todo!()
}
