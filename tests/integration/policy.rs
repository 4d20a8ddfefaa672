//! The gate's policy: which states fail it, and optional checks that never do.

use crate::harness::*;

#[test]
fn states_and_the_default_policy() {
    let suite = [
        check("ok", "{ command = \"check_dummy 0 fine\" }"),
        check("warn", "{ command = \"check_dummy 1 'a bit slow'\" }"),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--color", "never"])
        .run();
    out.code(0);
    assert!(
        out.stdout
            .contains("gate PASSED: 0 of 2 checks fail the gate (1 ok, 1 warning)"),
        "{}",
        out.stdout
    );

    let strict = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--fail-on", "warning"])
        .run();
    strict.code(1);
    assert!(
        strict
            .stdout
            .contains("gate FAILED: 1 of 2 checks fail the gate"),
        "{}",
        strict.stdout
    );
}

#[test]
fn critical_and_unknown_fail_the_gate_optional_never_does() {
    for (probe, code) in [
        ("{ command = \"check_dummy 2 down\" }", 1),
        ("{ command = \"check_dummy 3 unsure\" }", 1),
        ("{ plugin = \"${FIXTURES}/exit42\" }", 1),
    ] {
        let out = Smokegate::new()
            .suite(&check("c", probe))
            .args(&["run"])
            .run();
        out.code(code);
    }
    let optional = "[[check]]\nname = \"nice to have\"\noptional = true\nnagios = { command = \"check_dummy 2 down\" }\n\n";
    let out = Smokegate::new()
        .suite(&[optional, &check("fine", "{ command = \"check_dummy 0\" }")].concat())
        .args(&["run", "--color", "never"])
        .run();
    out.code(0);
    assert!(
        out.stdout.contains("CRITICAL nice to have (optional)"),
        "{}",
        out.stdout
    );
}
