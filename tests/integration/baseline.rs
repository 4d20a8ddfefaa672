//! `--baseline`: this run against an earlier run's JSON report, check by check: new failure,
//! still failing, fixed, changed, new check, gone; `--gate new`; labels kept in the baseline;
//! baselines that cannot be compared with are errors before anything runs.

use crate::harness::*;

/// A check whose state comes from `state/NAME` (its exit code), so that its definition stays the
/// same between two runs while its result changes.
pub fn stateful(name: &str) -> String {
    format!(
        "[[check]]\nname = \"{name}\"\nnagios = {{ command = \"/bin/sh -c 'echo {name} said $(cat state/{name}); exit $(cat state/{name})'\" }}\n\n"
    )
}

pub fn with_states(sg: Smokegate, states: &[(&str, u8)]) -> Smokegate {
    states.iter().fold(sg, |sg, (name, code)| {
        sg.file(&format!("state/{name}"), &format!("{code}\n"))
    })
}

/// The run before the deploy: web and disk...; its JSON report.
fn before() -> String {
    let suite = [
        stateful("web"),
        stateful("api"),
        stateful("disk"),
        stateful("old"),
        check("login", "{ command = \"check_dummy 0 'login page'\" }"),
    ]
    .concat();
    let out = with_states(
        Smokegate::new().suite(&suite),
        &[("web", 0), ("api", 2), ("disk", 2), ("old", 0)],
    )
    .args(&["run", "--json", "pre.json", "--label", "version=1.4.1"])
    .run();
    out.code(1);
    out.read("pre.json")
}

/// The run after it: web turns red, api stays red, disk is fixed, old is gone, login changed
/// (and fails), cache is new (and fails).
fn after(pre: &str) -> Smokegate {
    let suite = [
        stateful("web"),
        stateful("api"),
        stateful("disk"),
        check(
            "login",
            "{ command = \"check_dummy 2 'login page moved'\" }",
        ),
        stateful("cache"),
    ]
    .concat();
    with_states(
        Smokegate::new().suite(&suite).file("pre.json", pre),
        &[("web", 2), ("api", 2), ("disk", 0), ("cache", 2)],
    )
}

#[test]
fn every_check_is_classified_in_every_output() {
    let pre = before();
    let out = after(&pre)
        .args(&[
            "run",
            "--color",
            "never",
            "--baseline",
            "pre.json",
            "--label",
            "version=1.4.2",
            "--json",
            "post.json",
            "--junit",
            "post.xml",
        ])
        .run();
    out.code(1);
    assert!(
        out.stdout.contains(
            "\nagainst version=1.4.1 (pre.json):\n  new failure (did not fail on version=1.4.1): web\n  changed, fails: login\n  new check, fails: cache\n  still failing: api\n  fixed: disk\n  gone: old\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("CRITICAL web (fails the gate, new failure)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "\ngate FAILED for version=1.4.2: 4 of 5 checks fail the gate (1 ok, 4 critical) in "
        ),
        "{}",
        out.stdout
    );

    let json = out.json("post.json");
    let classes: Vec<(String, String)> = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["baseline"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected = [
        ("web", "new failure"),
        ("api", "still failing"),
        ("disk", "fixed"),
        ("login", "changed"),
        ("cache", "new check"),
    ];
    assert_eq!(
        classes,
        expected.map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(json["baseline"]["file"], "pre.json");
    assert_eq!(json["baseline"]["gate"], "all");
    assert_eq!(json["baseline"]["gone"], serde_json::json!(["old"]));
    assert_eq!(
        json["baseline"]["labels"],
        serde_json::json!({"version": "1.4.1"})
    );
    assert_eq!(json["labels"], serde_json::json!({"version": "1.4.2"}));
    assert!(
        json["checks"][0]["fingerprint"]
            .as_str()
            .is_some_and(|f| f.starts_with("sha256:")),
        "{}",
        json["checks"][0]
    );

    let report = quick_junit::Report::deserialize_from_str(&out.read("post.xml")).expect("JUnit");
    let web = report.test_suites[0]
        .test_cases
        .iter()
        .find(|c| c.name.as_str() == "web")
        .expect("web");
    match &web.status {
        quick_junit::TestCaseStatus::NonSuccess { message, .. } => {
            assert_eq!(message.as_deref(), Some("new failure: web said 2"))
        }
        other => panic!("web: {other:?}"),
    }
    let class = web
        .properties
        .iter()
        .find(|p| p.name.as_str() == "smokegate.baseline")
        .map(|p| p.value.as_str());
    assert_eq!(class, Some("new failure"));
    let label = report.test_suites[0]
        .properties
        .iter()
        .find(|p| p.name.as_str() == "smokegate.label.version")
        .map(|p| p.value.as_str());
    assert_eq!(label, Some("1.4.2"));

    let nagios = after(&pre)
        .args(&["nagios", "--baseline", "pre.json"])
        .run();
    nagios.code(2);
    let lines: Vec<&str> = nagios.stdout.lines().collect();
    assert_eq!(
        &lines[1..],
        [
            "CRITICAL: web (new failure) - web said 2",
            "CRITICAL: api (still failing) - api said 2",
            "CRITICAL: login (changed) - CRITICAL: login page moved",
            "CRITICAL: cache (new check) - cache said 2",
            "gone since version=1.4.1: old",
        ],
        "{}",
        nagios.stdout
    );
}

#[test]
fn gate_new_counts_only_what_this_run_may_have_caused() {
    let pre = before();
    let out = after(&pre)
        .args(&[
            "run",
            "--color",
            "never",
            "--baseline",
            "pre.json",
            "--gate",
            "new",
        ])
        .run();
    out.code(1);
    assert!(
        out.stdout
            .contains("CRITICAL api (still failing: not counted, --gate new)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("  still failing (not counted: --gate new): api\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("gate FAILED: 3 of 5 checks fail the gate with a new failure"),
        "{}",
        out.stdout
    );

    // Only what was already red is red: the deploy broke nothing new.
    let same = with_states(
        Smokegate::new()
            .suite(&[stateful("web"), stateful("api")].concat())
            .file("pre.json", &pre),
        &[("web", 0), ("api", 2)],
    )
    .args(&[
        "run",
        "--color",
        "never",
        "--baseline",
        "pre.json",
        "--gate",
        "new",
    ])
    .run();
    same.code(0);
    assert!(
        same.stdout.contains(
            "gate PASSED: 0 of 2 checks fail the gate with a new failure (1 ok, 1 critical)"
        ),
        "{}",
        same.stdout
    );
    assert!(
        same.stdout.contains("  still failing (not counted: --gate new): api\n  gone: disk, old, login\n  1 unchanged\n"),
        "{}",
        same.stdout
    );
    // The default gate still fails on it, and says it was already failing.
    let all = with_states(
        Smokegate::new()
            .suite(&[stateful("web"), stateful("api")].concat())
            .file("pre.json", &pre),
        &[("web", 0), ("api", 2)],
    )
    .args(&["run", "--color", "never", "--baseline", "pre.json"])
    .run();
    all.code(1);
    assert!(
        all.stdout
            .contains("CRITICAL api (fails the gate, still failing)"),
        "{}",
        all.stdout
    );
}

#[test]
fn baselines_that_cannot_be_compared_with_are_errors_before_anything_runs() {
    let pre = before();
    let newer = pre.replacen("\"format_version\": 1", "\"format_version\": 2", 1);
    let truncated = &pre[..pre.len() / 2];
    let cases: [(&str, &str, &str); 4] = [
        (
            "newer.json",
            &newer,
            "error: the baseline newer.json has format_version 2, newer than this smokegate reads (1): compare with the smokegate that wrote it, or a newer one\n",
        ),
        (
            "cut.json",
            truncated,
            "error: the baseline cut.json:",
        ),
        (
            "junit.xml",
            "<testsuites/>",
            "error: the baseline junit.xml:1:1 is not a smokegate JSON report: expected value at line 1 column 1\n",
        ),
        (
            "other.json",
            &pre.replace("\"name\": \"", "\"name\": \"other "),
            "error: the baseline other.json has none of the 2 selected checks (5 checks of its own): it is from another suite or selection\n",
        ),
    ];
    for (file, contents, error) in cases {
        let out = with_states(
            Smokegate::new()
                .suite(&[stateful("web"), stateful("api")].concat())
                .file(file, contents),
            &[("web", 0), ("api", 0)],
        )
        .marked(&marker("baseline"))
        .args(&["run", "--baseline", file])
        .run();
        out.code(2);
        assert!(out.stderr.starts_with(error), "{file}: {}", out.stderr);
        if file == "cut.json" {
            // Where the file ends, as file:line:col, and why.
            let lines = truncated.lines().count();
            assert!(
                out.stderr.contains(&format!(
                    "cut.json:{lines}:{} is not a smokegate JSON report: EOF while parsing",
                    truncated.lines().last().map_or(0, str::len)
                )),
                "{}",
                out.stderr
            );
        }
        assert!(out.stdout.is_empty(), "nothing ran: {}", out.stdout);
    }
    let missing = Smokegate::new()
        .suite(&stateful("web"))
        .args(&["run", "--baseline", "nowhere.json"])
        .run();
    missing.code(2);
    assert!(
        missing
            .stderr
            .starts_with("error: cannot read the baseline nowhere.json: "),
        "{}",
        missing.stderr
    );
    let unasked = Smokegate::new()
        .suite(&stateful("web"))
        .args(&["run", "--gate", "new"])
        .run();
    unasked.code(2);
    assert!(
        unasked
            .stderr
            .contains("--baseline <FILE|last-pass[:K=V,..]|last|run:ID>"),
        "{}",
        unasked.stderr
    );
}

/// `db` and `name`, which needs it: a baseline run with the `before` exit codes, then a
/// `--gate new` run against it with the `after` ones (and `more` arguments).
fn behind_db(name: &str, before: [u8; 2], after: [u8; 2], more: &[&str]) -> Output {
    let suite = format!(
        "{}{}\nneeds = [\"db\"]\n\n",
        stateful("db"),
        stateful(name).trim_end()
    );
    let pre = with_states(
        Smokegate::new().suite(&suite),
        &[("db", before[0]), (name, before[1])],
    )
    .args(&["run", "--json", "pre.json"])
    .run();
    pre.code(1);
    let pre = pre.read("pre.json");
    let mut args = vec![
        "run",
        "--color",
        "never",
        "--baseline",
        "pre.json",
        "--gate",
        "new",
    ];
    args.extend(more);
    with_states(
        Smokegate::new().suite(&suite).file("pre.json", &pre),
        &[("db", after[0]), (name, after[1])],
    )
    .args(&args)
    .run()
}

#[test]
fn a_check_that_did_not_run_before_and_fails_now_is_a_new_failure() {
    // Before the deploy db failed, so api, which needs it, was skipped: it has no past.
    let out = behind_db("api", [2, 2], [0, 2], &[]);
    out.code(1);
    assert!(
        out.stdout
            .contains("gate FAILED: 1 of 2 checks fail the gate with a new failure"),
        "{}",
        out.stdout
    );
}

#[test]
fn nagios_names_the_failing_checks_gate_new_does_not_count() {
    let pre = before();
    let out = after(&pre)
        .args(&["nagios", "--baseline", "pre.json", "--gate", "new"])
        .run();
    out.code(2);
    let first = out.stdout.lines().next().unwrap_or_default();
    assert!(
        first.contains(". 1 still failing, not counted: api |"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_check_skipped_behind_a_failure_gate_new_does_not_count_fails_the_gate() {
    // db fails before and after: still failing, not counted. app needs it, so it never runs:
    // nothing counted stands for it, and it fails the gate itself.
    let out = behind_db("app", [2, 0], [2, 0], &["--json", "post.json"]);
    out.code(1);
    let json = out.json("post.json");
    let app = json["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "app"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(app["fails_gate"], true, "{app}");
    let db = json["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "db"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(db["fails_gate"], false, "{db}");
}
