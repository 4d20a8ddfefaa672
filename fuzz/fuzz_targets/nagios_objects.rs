//! Nagios object configuration (templates, macros, hostgroups), imported as
//! `smokegate import nagios` does. `cfg_file=`/`cfg_dir=` lines are skipped: they would make
//! the fuzzer read the machine's files.
#![no_main]
use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.windows(4).any(|w| w == b"cfg_") {
        return;
    }
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    let opts = smokegate::import::nagios_objects::ImportOptions {
        config: vec![file.path().to_path_buf()],
        resource: None,
        hosts: Vec::new(),
        hostgroups: Vec::new(),
        services: Vec::new(),
    };
    if let Err(diags) = smokegate::import::nagios_objects::import(&opts, &mut Vec::new()) {
        for d in diags {
            let _ = d.to_string();
        }
    }
});
