//! An nrpe.cfg, loaded as `[import] nrpe` loads it. Includes are dropped from the input: they
//! would make the fuzzer read the machine's files.
#![no_main]
use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.windows(7).any(|w| w == b"include") {
        return;
    }
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    match smokegate::import::nrpe::load(file.path()) {
        Ok(commands) => {
            for c in commands {
                let _ = smokegate::import::nrpe::apply_args(&c.line, &["a".to_string()]);
                let _ = smokegate::import::nrpe::needs_shell(&c.line);
            }
        }
        Err(diags) => {
            for d in diags {
                let _ = d.to_string();
            }
        }
    }
});
