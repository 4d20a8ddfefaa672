//! `smokegate nagios`: one plugin line with perfdata, long output, exit 0/1/2/3 in
//! `max_state_alt` order, stdout only, and an answer inside `-t`.

use std::time::Duration;

use crate::harness::*;

fn nagios(suite: &str, args: &[&str]) -> Output {
    let mut all = vec!["nagios"];
    all.extend_from_slice(args);
    let out = Smokegate::new().suite(suite).args(&all).run();
    assert_eq!(out.stderr, "", "a Nagios plugin writes nothing on stderr");
    out
}

fn dummy(name: &str, state: u8) -> String {
    format!("[[check]]\nname = \"{name}\"\nnagios = {{ command = \"check_dummy {state} '{name} says {state}'\" }}\n\n")
}

#[test]
fn all_ok() {
    let out = nagios(&[dummy("a", 0), dummy("b", 0)].concat(), &[]);
    out.code(0);
    stable().bind(|| insta::assert_snapshot!(out.stdout));
}

#[test]
fn worst_state_wins_in_max_state_alt_order() {
    // OK < UNKNOWN < WARNING < CRITICAL
    let cases: [(&[u8], i32); 5] = [
        (&[0, 3], 3),
        (&[3, 1], 1),
        (&[1, 2], 2),
        (&[3, 2, 1], 2),
        (&[0, 1], 1),
    ];
    for (states, expected) in cases {
        let suite: String = states
            .iter()
            .enumerate()
            .map(|(i, s)| dummy(&format!("c{i}"), *s))
            .collect();
        let out = nagios(&suite, &[]);
        assert_eq!(out.code, expected, "states {states:?}: {}", out.stdout);
    }
}

#[test]
fn failing_output_has_perfdata_and_long_output() {
    let suite = [
        dummy("web", 0),
        dummy("worker", 2),
        dummy("queue", 1),
        dummy("cache | redis", 3),
    ]
    .concat();
    let out = nagios(&suite, &[]);
    out.code(2);
    let first = out.stdout.lines().next().unwrap_or("");
    assert!(first.starts_with("SMOKEGATE CRITICAL - 2/4 checks failing: worker, cache / redis. 1 warning: queue | checks=4 ok=1 warning=1 critical=1 unknown=1 time="), "{first}");
    assert_eq!(first.matches('|').count(), 1, "only the perfdata separator");
    stable().bind(|| insta::assert_snapshot!(out.stdout));
}

#[test]
fn answers_inside_the_timeout_with_a_hung_plugin() {
    let suite = [
        dummy("fine", 0),
        "[[check]]\nname = \"hung\"\ntimeout = \"60s\"\nnagios = { plugin = \"${FIXTURES}/ignore_term\" }\n".to_string(),
    ]
    .concat();
    let out = nagios(&suite, &["-t", "3"]);
    out.code(3);
    assert!(
        out.elapsed < Duration::from_secs(3),
        "answered after {:?}",
        out.elapsed
    );
    assert!(
        out.stdout.starts_with(
            "SMOKEGATE UNKNOWN - 1/2 checks failing: hung (run stopped at the -t deadline)"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("UNKNOWN: hung - stopped at the run's deadline after"),
        "{}",
        out.stdout
    );
}

#[test]
fn config_and_usage_problems_are_unknown_on_stdout() {
    let out = nagios(
        "[[check]]\nname = \"x\"\nnagios = { plugin = \"check_nope\" }\n",
        &[],
    );
    out.code(3);
    assert!(
        out.stdout
            .starts_with("SMOKEGATE UNKNOWN - suite not loaded: plugin `check_nope` not found\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("checks/suite.toml:3:21"),
        "{}",
        out.stdout
    );

    let out = nagios(&dummy("a", 0), &["--bogus"]);
    out.code(3);
    assert!(
        out.stdout
            .starts_with("SMOKEGATE UNKNOWN - usage: unexpected argument '--bogus'"),
        "{}",
        out.stdout
    );

    let out = nagios(&dummy("a", 0), &["-t", "1"]);
    out.code(3);
}

#[test]
fn version_and_help_follow_the_plugin_guidelines() {
    let out = nagios(&dummy("a", 0), &["-V"]);
    out.code(3);
    assert!(
        out.stdout.starts_with("smokegate-nagios ")
            || out.stdout.starts_with("smokegate nagios ")
            || out.stdout.contains(env!("CARGO_PKG_VERSION")),
        "{}",
        out.stdout
    );
    let out = nagios(&dummy("a", 0), &["-h"]);
    out.code(3);
    assert!(
        out.stdout.contains("-t, --timeout <SECONDS>"),
        "{}",
        out.stdout
    );
}

#[test]
fn output_fits_what_nagios_and_nrpe_keep() {
    let suite: String = (0..400)
        .map(|i| dummy(&format!("failing check number {i:03} with a long name"), 2))
        .collect();
    let out = nagios(&suite, &["-j", "64"]);
    out.code(2);
    assert!(out.stdout.len() <= 8000, "{} bytes", out.stdout.len());
    assert!(out.stdout.starts_with("SMOKEGATE CRITICAL - 400/400 checks failing: failing check number 000 with a long name"), "{}", &out.stdout[..200]);
    let last = out.stdout.lines().last().unwrap_or("");
    assert!(
        last.starts_with("... ")
            && last.ends_with(" more not OK (Nagios keeps 8 KiB of output: see `smokegate run`)"),
        "{last}"
    );
}
