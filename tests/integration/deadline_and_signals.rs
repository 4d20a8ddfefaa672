//! The run's deadline and Ctrl-C/SIGTERM: running checks stopped, unstarted ones not run, reports still written; durations no clock can hold are refused.

use std::time::Duration;

use crate::harness::*;

#[test]
fn the_deadline_stops_the_run_and_unstarted_checks_are_not_run() {
    // -j 1: a quick check, then one that hangs (stopped at the deadline), then two that never
    // start. Nothing here depends on how fast the machine is: the quick one has the whole
    // second, the hung one never ends by itself.
    let suite = [
        check("quick", "{ command = \"check_dummy 0 fine\" }"),
        check("hangs", "{ plugin = \"${FIXTURES}/hang\" }"),
        check("never 1", "{ command = \"check_dummy 0 fine\" }"),
        check("never 2", "{ command = \"check_dummy 0 fine\" }"),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&[
            "run",
            "-j",
            "1",
            "--deadline",
            "1s",
            "--json",
            "r.json",
            "--junit",
            "r.xml",
        ])
        .run();
    out.code(1);
    // A hang guard: the hung plugin sleeps 300 s.
    assert!(
        out.elapsed < Duration::from_secs(15),
        "took {:?}",
        out.elapsed
    );
    let json = out.json("r.json");
    assert_eq!(json["verdict"]["cancelled"], "deadline");
    assert_eq!(json["checks"][0]["state"], "OK");
    assert_eq!(json["checks"][1]["state"], "UNKNOWN");
    assert!(json["checks"][1]["summary"]
        .as_str()
        .unwrap_or("")
        .starts_with("stopped at the run's deadline"));
    for i in 2..4 {
        assert_eq!(json["checks"][i]["not_run"], "deadline");
    }
    // Not run, they fail the gate: errors a CI server shows red, not skips.
    let xml = out.read("r.xml");
    assert_eq!(xml.matches("<skipped").count(), 0, "{xml}");
    assert_eq!(xml.matches("type=\"NOT RUN\"").count(), 2, "{xml}");
}

#[test]
fn sigint_stops_children_writes_reports_and_exits_130() {
    let marker = marker("sigint");
    let suite = [
        check("hangs a", "{ plugin = \"${FIXTURES}/hang\" }"),
        check("hangs b", "{ plugin = \"${FIXTURES}/ignore_term\" }"),
        check("waits", "{ command = \"check_dummy 0\" }"),
    ]
    .concat();
    let (mut child, dir) = Smokegate::new()
        .suite(&suite)
        .marked(&marker)
        .args(&["run", "-j", "2", "--json", "r.json", "--junit", "r.xml"])
        .spawn();
    // Wait (bounded: a hang guard) until both hanging checks run, whatever the machine's pace.
    let start = std::time::Instant::now();
    while processes_with(&marker)
        .iter()
        .filter(|p| p.contains("sleep 300"))
        .count()
        < 2
        && start.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: plain kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    // TERM, the 1 s grace, KILL: a guard of ten times that.
    let status = wait_bounded(&mut child, Duration::from_secs(15));
    assert_eq!(status, Some(130));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("r.json")).expect("json written"),
    )
    .expect("valid");
    assert_eq!(json["verdict"]["cancelled"], "interrupt");
    assert!(json["checks"][0]["summary"]
        .as_str()
        .unwrap_or("")
        .starts_with("interrupted after"));
    assert_eq!(json["checks"][2]["not_run"], "interrupted");
    assert!(dir.path().join("r.xml").exists());
    assert_eq!(leftovers(&marker), Vec::<String>::new());
}

fn wait_bounded(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    None
}

#[test]
fn durations_past_any_clock_are_refused_not_a_panic() {
    let suite = check("ok", "{ command = \"check_dummy 0\" }");
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--deadline", "500000000000y"])
        .run();
    out.code(2);
    assert!(
        out.stderr.contains(
            "invalid value '500000000000y' for '--deadline <DURATION>': must be at most 366 days"
        ),
        "{}",
        out.stderr
    );
    let out = Smokegate::new()
        .suite("[[check]]\nname = \"x\"\ntimeout = \"500000000000y\"\nnagios = { command = \"check_dummy 0\" }\n")
        .args(&["validate"])
        .run();
    out.code(2);
    assert!(
        out.stderr.contains("`timeout` must be at most 366 days")
            && out.stderr.contains("checks/suite.toml:3:11"),
        "{}",
        out.stderr
    );
}
