//! Plugin output and perfdata: any bytes a plugin prints, as the nagios probe sees them.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = smokegate::sanitize::text_from_bytes(data);
    let parsed = smokegate::plugin_output::parse(&text);
    for p in &parsed.perfdata {
        let _ = p.to_string();
    }
});
