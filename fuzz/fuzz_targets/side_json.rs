//! A Selenium IDE project (`.side` JSON), parsed as `[import] side` parses it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(project) = smokegate::import::side::SideProject::parse(std::path::Path::new("fuzz.side"), text) {
        for name in project.test_names() {
            let _ = project.test(name);
        }
        for name in project.suite_names() {
            let _ = project.suite(name);
        }
    }
});
