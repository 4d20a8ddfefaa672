//! Retries: every attempt is recorded and the last one decides.

use crate::harness::*;

#[test]
fn retries_record_every_attempt_and_the_last_decides() {
    let state = tempfile::tempdir().expect("tmp");
    let counter = state.path().join("count");
    let suite = format!(
        "[[check]]\nname = \"comes up late\"\nretries = 3\nretry_delay = \"100ms\"\n\
         nagios = {{ plugin = \"${{FIXTURES}}/fail_then_pass\", args = [\"{}\", \"3\"] }}\n\n\
         [[check]]\nname = \"never comes up\"\nretries = 2\nretry_delay = \"50ms\"\n\
         nagios = {{ command = \"check_dummy 2 down\" }}\n",
        counter.display()
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json", "--color", "never"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let late = &json["checks"][0];
    assert_eq!(late["state"], "OK");
    assert_eq!(late["flaky"], true);
    let states: Vec<&str> = late["attempts"].as_array().map_or(vec![], |a| {
        a.iter().filter_map(|x| x["state"].as_str()).collect()
    });
    assert_eq!(states, ["CRITICAL", "CRITICAL", "OK"]);
    let never = &json["checks"][1];
    assert_eq!(never["attempts"].as_array().map(Vec::len), Some(3));
    assert_eq!(never["state"], "CRITICAL");
    assert!(out.stdout.contains("RETRY"), "{}", out.stdout);
    assert!(
        out.stdout.contains("(flaky: passed on attempt 3)"),
        "{}",
        out.stdout
    );
}
