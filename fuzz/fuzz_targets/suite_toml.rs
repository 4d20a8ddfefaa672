//! A suite file with vars, as `validate` loads it, and its diagnostics rendered. Inputs that
//! import other files are skipped: they would make the fuzzer walk the machine's folders.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if text.contains("import") {
        return;
    }
    let env = |name: &str| match name {
        "HOST" => Some("web1".to_string()),
        "EMPTY" => Some(String::new()),
        _ => None,
    };
    if let Err(diags) = smokegate::config::load_text(std::path::Path::new("fuzz.toml"), text, &env) {
        let _ = diags.to_string();
    }
});
