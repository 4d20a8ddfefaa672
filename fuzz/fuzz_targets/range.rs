//! Nagios threshold ranges, and what a parsed range says of values.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(range) = smokegate::model::range::Range::parse(text) {
        let _ = range.to_string();
        for v in [0.0, -1.0, 1e300, f64::NAN, f64::INFINITY] {
            let _ = range.alerts(v);
        }
    }
});
