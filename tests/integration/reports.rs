//! Every output format: snapshots with durations redacted, plus a validity check (JUnit parsed
//! back as XML and by a JUnit reader, JSON read back into its documented shape), written
//! atomically, and hostile plugin text escaped everywhere.

use crate::harness::*;

/// A suite with one check per state, an optional failure, retries and hostile output.
const MIXED: &str = r#"
[[check]]
name = "all good"
tags = ["web"]
nagios = { command = "check_dummy 0 'all good'" }

[[check]]
name = "slow page"
nagios = { command = "check_dummy 1 'response took 1.7 seconds'" }

[[check]]
name = "worker down"
retries = 1
retry_delay = "10ms"
nagios = { command = "check_dummy 2 'no worker process'" }

[[check]]
name = "unsure"
nagios = { command = "check_dummy 3 'cannot tell'" }

[[check]]
name = "optional extra"
optional = true
nagios = { command = "check_dummy 2 'extra is down'" }

[[check]]
name = "hostile output"
nagios = { plugin = "${FIXTURES}/invalid_utf8" }

[[check]]
name = "long output"
nagios = { plugin = "${FIXTURES}/long_output" }
"#;

fn mixed_run() -> Output {
    let out = Smokegate::new()
        .file("checks/mixed.toml", MIXED)
        .args(&[
            "run",
            "-j",
            "1",
            "--junit",
            "out/r.xml",
            "--json",
            "out/r.json",
            "--color",
            "never",
        ])
        .file("out/.keep", "")
        .run();
    out.code(1);
    out
}

#[test]
fn human_output() {
    let out = mixed_run();
    // Live lines come in the order checks finish, which timing decides: compare them sorted.
    let (live, rest) = out.stdout.split_once("\n\n").unwrap_or((&out.stdout, ""));
    let mut live: Vec<&str> = live.lines().collect();
    // Sorted on the state and the rest of the line, not on the (padded) duration between them.
    live.sort_by_key(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        (words.first().copied(), words.get(2..).map(|w| w.join(" ")))
    });
    let shown = format!("{}\n\n{rest}", live.join("\n"));
    stable().bind(|| insta::assert_snapshot!(shown));
    assert_eq!(out.stderr, "");
    assert!(
        !out.stdout.contains('\u{1b}'),
        "no escape sequences from plugins or colour with --color never"
    );
}

#[test]
fn colour_only_when_asked() {
    let suite = "[[check]]\nname = \"x\"\nnagios = { command = \"check_dummy 2 down\" }\n";
    let always = Smokegate::new()
        .suite(suite)
        .args(&["run", "--color", "always"])
        .run();
    assert!(always.stdout.contains("\u{1b}[1;31m"), "{}", always.stdout);
    let auto = Smokegate::new().suite(suite).args(&["run"]).run();
    assert!(
        !auto.stdout.contains('\u{1b}'),
        "auto: stdout is not a TTY here"
    );
}

#[test]
fn junit_is_well_formed_and_readable_by_a_junit_reader() {
    let out = mixed_run();
    let xml = out.read("out/r.xml");
    // Well-formed XML: every event parses.
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "malformed JUnit at {}: {e}\n{xml}",
                reader.buffer_position()
            ),
        }
    }
    let report =
        quick_junit::Report::deserialize_from_str(&xml).expect("a JUnit reader accepts it");
    assert_eq!(report.test_suites.len(), 1);
    let suite = &report.test_suites[0];
    assert_eq!(suite.test_cases.len(), 7);
    assert_eq!(suite.failures, 2, "worker down, hostile output (CRITICAL)");
    assert_eq!(suite.errors, 1, "unsure (UNKNOWN)");
    assert!(
        !xml.contains("]]>"),
        "no raw CDATA terminator from plugin text"
    );
    assert!(!xml.contains('\u{1b}'));
    stable().bind(|| insta::assert_snapshot!(xml));
}

#[test]
fn json_reads_back_into_its_documented_shape() {
    let out = mixed_run();
    let text = out.read("out/r.json");
    let report: smokegate::report::json::JsonReport =
        serde_json::from_str(&text).expect("read back");
    assert_eq!(report.format_version, 1);
    assert!(!report.verdict.passed);
    assert_eq!(report.verdict.exit_code, 1);
    assert_eq!(
        report.verdict.failing,
        ["worker down", "unsure", "hostile output"]
    );
    let worker = &report.checks[2];
    assert_eq!(worker.attempts.len(), 2);
    assert_eq!(worker.source, "checks/mixed.toml:12:8");
    stable().bind(|| insta::assert_snapshot!(text));
}

#[test]
fn report_files_are_replaced_atomically() {
    let out = mixed_run();
    let leftovers: Vec<_> = std::fs::read_dir(out.dir.path().join("out"))
        .expect("out dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".smokegate-"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}
