//! The JUnit report as the readers CI servers and CI actions use read it: junitparser and
//! xunitparser (PyPI), test-results-parser (npm), xmllint. `ci/setup` installs them. A run with
//! every case kind — pass, warning, failure, error, skipped, flaky — and the counts each reports.

use std::process::Command;

use crate::harness::*;

/// One run with a case of each kind, and its JUnit file.
fn every_kind() -> Output {
    let state = tempfile::tempdir().expect("tmp");
    let counter = state.path().join("count");
    let suite = [
        check("passes", "{ command = \"check_dummy 0 fine\" }"),
        check("warns", "{ command = \"check_dummy 1 'a bit slow'\" }"),
        check("fails", "{ command = \"check_dummy 2 down\" }"),
        check("errs", "{ command = \"check_dummy 3 'cannot tell'\" }"),
        "[[check]]\nname = \"skipped\"\nneeds = [\"fails\"]\nnagios = { command = \"check_dummy 0\" }\n\n".to_string(),
        format!(
            "[[check]]\nname = \"flaky\"\nretries = 1\nretry_delay = \"10ms\"\n\
             nagios = {{ plugin = \"${{FIXTURES}}/fail_then_pass\", args = [\"{}\", \"2\"] }}\n\n",
            counter.display()
        ),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--junit", "r.xml"])
        .run();
    out.code(1);
    out
}

/// The counts junitparser reads from the first `<testsuite>`'s attributes.
const SUITE_COUNTS: &str = "import junitparser as j\n\
    s = list(j.JUnitXml.fromfile('r.xml'))[0]\n\
    print(f'tests={s.tests} failures={s.failures} errors={s.errors} skipped={s.skipped}')";

fn tool(program: &str, args: &[&str], out: &Output) -> String {
    let node_path = Command::new("npm")
        .args(["root", "-g"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let result = Command::new(program)
        .args(args)
        .current_dir(out.dir.path())
        .env("NODE_PATH", node_path)
        .output()
        .unwrap_or_else(|e| panic!("{program} (installed by ci/setup): {e}"));
    assert!(
        result.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    String::from_utf8_lossy(&result.stdout).trim().to_string()
}

#[test]
fn every_reader_counts_every_case_kind_right() {
    let out = every_kind();
    // passes, warns (passes the default gate) and flaky pass; one failure, one error, one skip.
    let expected = "total=6 passed=3 failed=1 errors=1 skipped=1";

    let junitparser = tool(
        "python3",
        &[
            "-c",
            "import junitparser as j\n\
             xml = j.JUnitXml.fromfile('r.xml')\n\
             cases = [c for s in xml for c in s]\n\
             kind = lambda c: type(c.result[0]).__name__ if c.result else 'Pass'\n\
             n = lambda k: sum(1 for c in cases if kind(c) == k)\n\
             t = sum(s.tests for s in xml)\n\
             print(f'total={t} passed={n(\"Pass\")} failed={n(\"Failure\")} errors={n(\"Error\")} skipped={n(\"Skipped\")}')",
        ],
        &out,
    );
    assert_eq!(junitparser, expected, "junitparser");

    let suite_attributes = tool("python3", &["-c", SUITE_COUNTS], &out);
    assert_eq!(
        suite_attributes, "tests=6 failures=1 errors=1 skipped=1",
        "the counts in the testsuite's attributes"
    );

    let xunitparser = tool(
        "python3",
        &[
            "-c",
            "import xunitparser\n\
             ts, tr = xunitparser.parse(open('r.xml'))\n\
             print(f'total={tr.testsRun} passed={tr.testsRun - len(tr.failures) - len(tr.errors) - len(tr.skipped)} failed={len(tr.failures)} errors={len(tr.errors)} skipped={len(tr.skipped)}')",
        ],
        &out,
    );
    assert_eq!(xunitparser, expected, "xunitparser");

    let test_results_parser = tool(
        "node",
        &[
            "-e",
            "const p = require('test-results-parser');\n\
             const r = p.parse({ type: 'junit', files: ['r.xml'] });\n\
             console.log(`total=${r.total} passed=${r.passed} failed=${r.failed} errors=${r.errors} skipped=${r.skipped}`);",
        ],
        &out,
    );
    // Its `total` is the cases that ran (tests minus skipped), by its own definition.
    assert_eq!(
        test_results_parser, "total=5 passed=3 failed=1 errors=1 skipped=1",
        "test-results-parser"
    );

    tool("xmllint", &["--noout", "r.xml"], &out);
}

#[test]
fn a_check_that_could_not_run_and_fails_the_gate_is_an_error_to_every_reader() {
    // The check it needs is optional: its failure fails no gate, so the skip fails it (closed).
    let suite = [
        "[[check]]\nname = \"cache\"\noptional = true\nnagios = { command = \"check_dummy 2 down\" }\n\n",
        "[[check]]\nname = \"api\"\nneeds = [\"cache\"]\nnagios = { command = \"check_dummy 0\" }\n\n",
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--junit", "r.xml"])
        .run();
    out.code(1);
    let counts = tool("python3", &["-c", SUITE_COUNTS], &out);
    assert_eq!(counts, "tests=2 failures=0 errors=1 skipped=0");
    let xunit = tool(
        "python3",
        &[
            "-c",
            "import xunitparser\n\
             ts, tr = xunitparser.parse(open('r.xml'))\n\
             print('success' if tr.wasSuccessful() else 'failed')",
        ],
        &out,
    );
    assert_eq!(xunit, "failed", "a CI server must not show this run green");
}

#[test]
fn characters_xml_does_not_allow_keep_the_report_readable() {
    // A name written in the suite with U+FFFF, and a label with U+FFFE.
    let out = Smokegate::new()
        .suite("[[check]]\nname = \"api\\uFFFF\"\nnagios = { command = \"check_dummy 0 fine\" }\n")
        .args(&["run", "--junit", "r.xml", "--label", "v=1\u{FFFE}"])
        .run();
    out.code(0);
    let lint = Command::new("xmllint")
        .args(["--noout", "r.xml"])
        .current_dir(out.dir.path())
        .output()
        .expect("xmllint (installed by ci/setup)");
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    let names = tool(
        "python3",
        &[
            "-c",
            "import junitparser as j\nprint([c.name for s in j.JUnitXml.fromfile('r.xml') for c in s])",
        ],
        &out,
    );
    assert_eq!(names, "['api\u{FFFD}']");
}
