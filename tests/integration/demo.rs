//! `smokegate demo`: offline, a passing gate then a failing one with the evidence of each
//! classic mistake; `--write` gives a suite that validates.

use std::time::Duration;

use crate::harness::*;

#[test]
fn the_demo_shows_a_green_then_a_red_gate_with_evidence() {
    let out = Smokegate::new().args(&["demo", "--color", "never"]).run();
    out.code(0);
    // Offline, the demo answers in well under a second; the guard only catches a hang.
    assert!(
        out.elapsed < Duration::from_secs(30),
        "took {:?}",
        out.elapsed
    );
    let passed = out
        .stdout
        .find("gate PASSED: 0 of 5 checks fail the gate (5 ok)")
        .expect("a green gate");
    let failed = out
        .stdout
        .find("gate FAILED: 4 of 5 checks fail the gate (1 ok, 4 critical)")
        .expect("a red gate");
    assert!(passed < failed);
    for evidence in [
        "body contains \"Lorem ipsum\"",
        "<p class=\"promo\">Lorem ipsum dolor sit amet, TODO replace before launch.</p>",
        "status 200 OK, expected 401 or 403",
        "JSON /worker/status is \"stale\", expected \"ok\"",
        "status 500 Internal Server Error, expected 200",
        "Traceback (most recent call last):",
    ] {
        assert!(
            out.stdout.contains(evidence),
            "missing {evidence:?} in\n{}",
            out.stdout
        );
    }
    assert!(
        out.stdout.ends_with("point the suite at your own app.\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn demo_write_gives_a_suite_that_validates_and_is_not_overwritten() {
    let out = Smokegate::new().args(&["demo", "--write", "mine"]).run();
    out.code(0);
    assert_eq!(
        out.stdout,
        "wrote mine/demo.toml: run it with `BASE_HOST=... BASE_PORT=... smokegate run mine`\n"
    );
    let written = out.read("mine/demo.toml");
    let check = Smokegate::new()
        .file("mine/demo.toml", &written)
        .args(&["validate", "mine"])
        .run();
    check.code(0);
    assert_eq!(
        check.stdout,
        "ok: 5 checks selected from 1 suite file\nenvironment: BASE_HOST, BASE_PORT\n"
    );
    let again = Smokegate::new()
        .file("mine/demo.toml", &written)
        .args(&["demo", "--write", "mine"])
        .run();
    again.code(2);
    assert_eq!(
        again.stderr,
        "error: mine/demo.toml exists; not overwriting it\n"
    );
}
