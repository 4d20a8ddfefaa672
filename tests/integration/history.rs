//! `--history`: every run recorded in an SQLite store (who ran it, its labels, each check and
//! each change of a check's state), asked by `smokegate history runs | show | check | prune`
//! and by `--baseline last-pass | last | run:ID`; a store that cannot be written is said loudly
//! and never changes the verdict; many processes on one file lose no run; no secret reaches it.

use std::collections::BTreeSet;

use crate::baseline::{stateful, with_states};
use crate::harness::*;

/// web and api, their exit codes from `state/NAME`, and login (check_dummy, with perfdata).
fn suite() -> String {
    [
        stateful("web"),
        stateful("api"),
        check(
            "login",
            "{ command = \"check_dummy 0 'login page|time=0.25s;1;2;0'\" }",
        ),
    ]
    .concat()
}

fn at(states: &[(&str, u8)]) -> Smokegate {
    with_states(Smokegate::new().suite(&suite()), states)
}

/// Runs `smokegate ARGS` in `dir` (a store left there by an earlier run).
fn in_dir(dir: &std::path::Path, args: &[&str]) -> Output {
    let sg = Smokegate::new().args(args);
    copy_dir(dir, sg.dir());
    sg.run()
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Runs the suite again in the folder an earlier run left, with new states.
fn again(out: &Output, states: &[(&str, u8)], args: &[&str]) -> Output {
    for (name, code) in states {
        std::fs::write(out.dir.path().join("state").join(name), format!("{code}\n"))
            .expect("state");
    }
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_smokegate"));
    let done = cmd
        .args(args)
        .current_dir(out.dir.path())
        .env("FIXTURES", repo().join("fixtures/plugins"))
        .env_remove("SMOKEGATE_HISTORY")
        .output()
        .expect("run smokegate");
    Output {
        code: done.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&done.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&done.stderr).into_owned(),
        elapsed: std::time::Duration::ZERO,
        dir: tempfile::tempdir().expect("temp dir"),
    }
}

fn history_json(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["history"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--history", "h.db", "--json"]);
    let out = in_dir(dir, &all);
    out.code(0);
    serde_json::from_str(&out.stdout).expect("history JSON")
}

#[test]
fn every_run_is_recorded_with_its_checks_its_labels_and_who_ran_it() {
    let out = at(&[("web", 0), ("api", 2)])
        .env("USER", "deploy")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_ACTOR", "alice")
        .env("GITHUB_SERVER_URL", "https://github.example")
        .env("GITHUB_REPOSITORY", "shop/web")
        .env("GITHUB_RUN_ID", "42")
        .args(&[
            "run",
            "--color",
            "never",
            "--history",
            "h.db",
            "--label",
            "version=1.4.2",
            "--label",
            "env=prod",
            "--json",
            "r.json",
            "--summary",
            "r.md",
            "--junit",
            "r.xml",
        ])
        .run();
    out.code(1);
    assert!(
        out.stdout.contains("history: recorded as run 1 in h.db\n"),
        "{}",
        out.stdout
    );
    let report = out.json("r.json");
    assert_eq!(
        report["history"],
        serde_json::json!({"store": "h.db", "run": 1})
    );
    assert!(out
        .read("r.md")
        .contains("\nhistory: recorded as run 1 in h.db\n"));
    assert!(out.read("r.xml").contains(
        "<property name=\"smokegate.history\" value=\"history: recorded as run 1 in h.db\"/>"
    ));

    let runs = history_json(out.dir.path(), &["runs"]);
    let run = &runs[0];
    assert_eq!(runs.as_array().map(Vec::len), Some(1));
    assert_eq!(run["id"], 1);
    assert_eq!(run["passed"], false);
    assert_eq!(run["state"], "CRITICAL");
    assert_eq!(run["exit_code"], 1);
    assert_eq!(run["command"], "run");
    assert_eq!(run["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["total"], 3);
    assert_eq!(run["failing"], serde_json::json!(["api"]));
    assert_eq!(
        run["labels"],
        serde_json::json!([["env", "prod"], ["version", "1.4.2"]])
    );
    assert_eq!(run["user"], "deploy");
    assert_eq!(run["ci"], "github");
    assert_eq!(run["ci_actor"], "alice");
    assert_eq!(
        run["ci_job_url"],
        "https://github.example/shop/web/actions/runs/42"
    );
    let suite_path = std::fs::canonicalize(out.dir.path().join("checks")).expect("suite");
    assert_eq!(run["suite"], suite_path.display().to_string());
    assert_eq!(run["selection"], "");

    let shown = history_json(out.dir.path(), &["show", "1"]);
    let checks = shown["checks"].as_array().expect("checks");
    let by_name = |name: &str| {
        checks
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {shown}"))
    };
    assert_eq!(checks.len(), 3);
    assert_eq!(by_name("web")["state"], "OK");
    assert_eq!(by_name("api")["state"], "CRITICAL");
    assert_eq!(by_name("api")["fails_gate"], true);
    assert_eq!(by_name("api")["summary"], "api said 2");
    assert_eq!(by_name("api")["attempts"], 1);
    assert_eq!(by_name("login")["perfdata"], "time=0.25s;1;2;0");

    let table = in_dir(out.dir.path(), &["history", "runs", "--history", "h.db"]);
    table.code(0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", table.stdout);
    assert!(lines[0].starts_with("RUN  STARTED"), "{}", table.stdout);
    for cell in [
        "FAILED",
        "CRITICAL",
        "env=prod,version=1.4.2",
        "(github alice https://github.example/shop/web/actions/runs/42)",
    ] {
        assert!(lines[1].contains(cell), "{cell} in {}", table.stdout);
    }
    let show = in_dir(
        out.dir.path(),
        &["history", "show", "1", "--history", "h.db"],
    );
    show.code(0);
    assert!(
        show.stdout
            .starts_with("run 1: gate FAILED (CRITICAL), exit 1, started "),
        "{}",
        show.stdout
    );
    assert!(show.stdout.contains("labels env=prod,version=1.4.2\n"));
    assert!(
        show.stdout.contains("login page | time=0.25s;1;2;0"),
        "{}",
        show.stdout
    );
}

#[test]
fn since_when_is_one_lookup_of_a_checks_changes_of_state() {
    let first = at(&[("web", 0), ("api", 0)])
        .env("SMOKEGATE_HISTORY", "h.db")
        .args(&["run", "--label", "version=1"])
        .run();
    first.code(0);
    let keep = first;
    for (n, api) in [(2, 2), (3, 2), (4, 0), (5, 0)] {
        let version = format!("version={n}");
        let out = again(
            &keep,
            &[("api", api)],
            &["run", "--history", "h.db", "--label", &version],
        );
        out.code(if api == 0 { 0 } else { 1 });
        assert!(
            out.stdout
                .contains(&format!("history: recorded as run {n} in h.db")),
            "{}",
            out.stdout
        );
    }
    let changes = history_json(keep.dir.path(), &["check", "api"]);
    let seen: Vec<(i64, Option<String>, String)> = changes
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["run"]["id"].as_i64().expect("id"),
                c["from"].as_str().map(str::to_string),
                c["to"].as_str().expect("to").to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (1, None, "OK".to_string()),
            (2, Some("OK".to_string()), "CRITICAL".to_string()),
            (4, Some("CRITICAL".to_string()), "OK".to_string()),
        ]
    );
    let web = history_json(keep.dir.path(), &["check", "web"]);
    assert_eq!(web.as_array().map(Vec::len), Some(1), "{web}");

    let human = in_dir(
        keep.dir.path(),
        &["history", "check", "api", "--history", "h.db"],
    );
    human.code(0);
    let last = human.stdout.lines().last().unwrap_or_default().to_string();
    assert!(
        last.starts_with("OK on ")
            && last.contains(" since run 4, ")
            && last.ends_with("(version=4)"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("OK -> CRITICAL"), "{}", human.stdout);
    assert!(human.stdout.contains("first seen OK"), "{}", human.stdout);

    let missing = in_dir(
        keep.dir.path(),
        &["history", "check", "nope", "--history", "h.db"],
    );
    missing.code(2);
    assert_eq!(
        missing.stderr,
        "error: history: no recorded run has a check named `nope`\n"
    );
}

#[test]
fn last_pass_is_the_latest_passing_run_of_the_same_suite_selection_and_labels() {
    // 1: prod passes; 2: staging passes; 3: prod fails on api; 4 (web only) passes.
    let keep = at(&[("web", 0), ("api", 0)])
        .args(&["run", "--history", "h.db", "--label", "env=prod"])
        .run();
    keep.code(0);
    again(
        &keep,
        &[],
        &["run", "--history", "h.db", "--label", "env=staging"],
    )
    .code(0);
    again(
        &keep,
        &[("api", 2)],
        &["run", "--history", "h.db", "--label", "env=prod"],
    )
    .code(1);
    again(
        &keep,
        &[],
        &[
            "run",
            "--history",
            "h.db",
            "--label",
            "env=prod",
            "--name",
            "web",
        ],
    )
    .code(0);

    let compare = |baseline: &str, gate: &str| {
        again(
            &keep,
            &[("api", 2), ("web", 0)],
            &[
                "run",
                "--color",
                "never",
                "--history",
                "h.db",
                "--label",
                "env=prod",
                "--baseline",
                baseline,
                "--gate",
                gate,
                "--json",
                "/dev/stdout",
                "--quiet",
            ],
        )
    };
    let baseline_of = |out: &Output| -> (String, String) {
        let json_end = out.stdout.rfind("\n}\n").map(|i| i + 3).unwrap_or(0);
        let report: serde_json::Value =
            serde_json::from_str(&out.stdout[..json_end]).expect("JSON report on stdout");
        let api = report["checks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["name"] == "api"))
            .expect("api")
            .clone();
        (
            report["baseline"]["file"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            api["baseline"].as_str().unwrap_or("").to_string(),
        )
    };
    for (baseline, code, run, api) in [
        // The last passing run of prod, the whole suite: run 1; api is a new failure.
        ("last-pass:env=prod", 1, "history run 1", "new failure"),
        // Of any label: run 2 (staging).
        ("last-pass", 1, "history run 2", "new failure"),
        // The last run of prod whatever its gate: the one before, where api failed already.
        ("last:env=prod", 0, "history run 6", "still failing"),
        ("run:2", 1, "history run 2", "new failure"),
    ] {
        let out = compare(baseline, "new");
        out.code(code);
        assert_eq!(
            baseline_of(&out),
            (run.to_string(), api.to_string()),
            "{baseline}"
        );
    }

    let out = compare("last-pass:env=qa", "new");
    out.code(1);
    assert!(
        out.stderr.contains(
            "smokegate: --baseline last-pass:env=qa: no recorded run of this suite and selection passed its gate yet: nothing to compare with, every failure counts"
        ),
        "{}",
        out.stderr
    );
    let out = compare("run:99", "new");
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: --baseline run:99: no such run in h.db\n"
    );
    let out = compare("run:x", "new");
    out.code(2);
    assert!(
        out.stderr
            .contains("`run:x`: a recorded run is named run:ID, e.g. run:12"),
        "{}",
        out.stderr
    );
    let runs = history_json(keep.dir.path(), &["runs", "--last", "100"]);
    // Runs that compared were recorded too (4 before, 5 that ran); run:99 and run:x ran nothing.
    assert_eq!(runs.as_array().map(Vec::len), Some(9), "{runs}");
}

#[test]
fn a_recorded_baseline_without_a_store_is_an_error_before_anything_runs() {
    let out = at(&[("web", 0), ("api", 0)])
        .args(&["run", "--baseline", "last-pass"])
        .env("SMOKEGATE_TEST_MARKER", "unused")
        .run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: --baseline last-pass names a recorded run: give --history URL (or set SMOKEGATE_HISTORY)\n"
    );
    assert_eq!(out.stdout, "");
}

const SECRET: &str = "Zq9-hunter2-s3cret";

#[test]
fn no_secret_reaches_the_store() {
    let suite = "[secrets]\ndb_pass = \"${SMOKEGATE_TEST_DB_PASS}\"\n\n\
         [[check]]\nname = \"db login\"\nnagios = { plugin = \"${FIXTURES}/echo_args\", args = [\"{{db_pass}}\"] }\n";
    let out = Smokegate::new()
        .suite(suite)
        .env("SMOKEGATE_TEST_DB_PASS", SECRET)
        .args(&[
            "run",
            "--history",
            "h.db",
            "--label",
            &format!("pass={SECRET}"),
        ])
        .run();
    out.code(1);
    let mut bytes = Vec::new();
    for file in ["h.db", "h.db-wal"] {
        if let Ok(b) = std::fs::read(out.dir.path().join(file)) {
            bytes.extend(b);
        }
    }
    assert!(bytes.len() > 4096, "the store has data");
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains(SECRET), "the secret is in the store");
    assert!(
        !text.contains("Zq9-h"),
        "a part of the secret is in the store"
    );
    let shown = history_json(out.dir.path(), &["show", "1"]);
    assert!(
        shown["checks"][0]["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("login with **** refused"),
        "{shown}"
    );
    assert_eq!(
        shown["run"]["labels"],
        serde_json::json!([["pass", "****"]])
    );
}

#[test]
fn a_store_that_cannot_be_written_is_said_loudly_and_the_verdict_stands() {
    // A folder where the file would be, and a file that is no database: each run keeps its
    // verdict (pass and fail), says it was not recorded on stderr and in every report.
    for (what, setup, states, code) in [
        ("a folder", "folder", [("web", 0), ("api", 0)], 0),
        ("not a database", "garbage", [("web", 0), ("api", 2)], 1),
    ] {
        let mut sg = at(&states);
        sg = match setup {
            "folder" => sg.file("h.db/keep", ""),
            _ => sg.file("h.db", &"not sqlite\n".repeat(400)),
        };
        let out = sg
            .args(&[
                "run",
                "--color",
                "never",
                "--history",
                "h.db",
                "--json",
                "r.json",
                "--summary",
                "r.md",
                "--junit",
                "r.xml",
                "--html",
                "r.html",
            ])
            .run();
        out.code(code);
        let said = out
            .stderr
            .lines()
            .find(|l| l.starts_with("smokegate: history: THIS RUN WAS NOT RECORDED in h.db: "))
            .unwrap_or_else(|| panic!("{what}: not said on stderr:\n{}", out.stderr))
            .to_string();
        assert!(said.ends_with(" (the verdict stands)"), "{said}");
        let line = said.trim_start_matches("smokegate: ");
        assert!(out.stdout.contains(line), "{what}: {}", out.stdout);
        let report = out.json("r.json");
        assert_eq!(report["history"]["run"], serde_json::Value::Null, "{what}");
        assert!(
            line.contains(report["history"]["error"].as_str().unwrap_or("none")),
            "{what}: {report}"
        );
        assert_eq!(report["verdict"]["passed"], code == 0);
        assert!(out.read("r.md").contains(&format!("**{line}**")), "{what}");
        assert!(
            out.read("r.xml").contains("name=\"smokegate.history\""),
            "{what}"
        );
        assert!(
            out.read("r.html")
                .contains("<p id=\"history\" class=\"FAILED\">history: THIS RUN WAS NOT RECORDED"),
            "{what}"
        );
    }
}

#[test]
fn a_store_another_process_holds_is_waited_for_within_the_nagios_timeout_only() {
    let first = at(&[("web", 0), ("api", 0)])
        .args(&["nagios", "--history", "h.db"])
        .run();
    first.code(0);
    assert!(!first.stdout.contains("history"), "{}", first.stdout);
    let db = rusqlite::Connection::open(first.dir.path().join("h.db")).expect("open");
    db.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    let out = again(&first, &[], &["nagios", "--history", "h.db", "-t", "4"]);
    db.execute_batch("ROLLBACK").expect("unlock");
    out.code(0);
    assert!(out.stdout.starts_with("SMOKEGATE OK"), "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "history: THIS RUN WAS NOT RECORDED in h.db: database is locked (the verdict stands)"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("THIS RUN WAS NOT RECORDED"),
        "{}",
        out.stderr
    );
    let runs = history_json(first.dir.path(), &["runs"]);
    assert_eq!(runs.as_array().map(Vec::len), Some(1));
}

#[test]
fn twenty_processes_on_one_new_file_lose_no_run() {
    let sg = at(&[("web", 0), ("api", 0)]);
    let dir = sg.dir().to_path_buf();
    let children: Vec<_> = (0..20)
        .map(|n| {
            std::process::Command::new(env!("CARGO_BIN_EXE_smokegate"))
                .args(["run", "--history", "h.db", "--label", &format!("n={n}")])
                .current_dir(&dir)
                .env("FIXTURES", repo().join("fixtures/plugins"))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut ids = BTreeSet::new();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let id = stdout
            .lines()
            .find_map(|l| l.strip_prefix("history: recorded as run "))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or_else(|| panic!("not recorded: {stdout}"));
        ids.insert(id);
    }
    assert_eq!(ids, (1..=20).collect::<BTreeSet<i64>>());
    let runs = history_json(&dir, &["runs", "--last", "100"]);
    let labels: BTreeSet<String> = runs
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["labels"][0][1].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(labels, (0..20).map(|n| n.to_string()).collect());
    let web = history_json(&dir, &["check", "web"]);
    assert_eq!(
        web.as_array().map(Vec::len),
        Some(1),
        "one change: first seen"
    );
    drop(sg);
}

#[test]
fn prune_keeps_the_last_runs_or_those_newer_than_a_duration() {
    let keep = at(&[("web", 0), ("api", 2)])
        .args(&["run", "--history", "h.db"])
        .run();
    keep.code(1);
    for api in [0, 2] {
        again(&keep, &[("api", api)], &["run", "--history", "h.db"]).code(i32::from(api != 0));
    }
    let prune = |keep_arg: &str| {
        let out = again(
            &keep,
            &[],
            &["history", "prune", "--keep", keep_arg, "--history", "h.db"],
        );
        out.code(0);
        out.stdout
    };
    assert_eq!(prune("90d"), "pruned 0 runs\n");
    assert_eq!(prune("2"), "pruned 1 runs\n");
    let runs = history_json(keep.dir.path(), &["runs"]);
    let ids: Vec<i64> = runs
        .as_array()
        .expect("runs")
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![3, 2]);
    let gone = again(&keep, &[], &["history", "show", "1", "--history", "h.db"]);
    gone.code(2);
    assert_eq!(gone.stderr, "error: history: no run 1 is recorded\n");
    // The changes the pruned run saw went with it; those of the kept runs stay.
    let api = history_json(keep.dir.path(), &["check", "api"]);
    let runs_of: Vec<i64> = api
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["run"]["id"].as_i64())
        .collect();
    assert_eq!(runs_of, vec![2, 3]);
    assert_eq!(prune("0s"), "pruned 2 runs\n");
    let bad = again(
        &keep,
        &[],
        &["history", "prune", "--keep", "soon", "--history", "h.db"],
    );
    bad.code(2);
    assert!(
        bad.stderr
            .contains("`soon`: keep a duration (90d, 12h) or a number of runs"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_store_from_a_newer_smokegate_is_left_untouched_and_the_run_is_not_recorded() {
    let sg = at(&[("web", 0), ("api", 0)]);
    let path = sg.dir().join("h.db");
    let db = rusqlite::Connection::open(&path).expect("db");
    db.pragma_update(None, "user_version", 99).expect("version");
    drop(db);
    let out = sg.args(&["run", "--history", "h.db"]).run();
    out.code(0);
    assert!(
        out.stderr.contains(
            "history: THIS RUN WAS NOT RECORDED in h.db: the store has history schema 99, newer than this smokegate knows (1)"
        ),
        "{}",
        out.stderr
    );
    let db = rusqlite::Connection::open(out.dir.path().join("h.db")).expect("db");
    let version: i64 = db
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    let tables: i64 = db
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .expect("tables");
    assert_eq!((version, tables), (99, 0));
}

#[test]
fn asking_a_store_that_is_not_there_is_an_error_and_makes_none() {
    let out = Smokegate::new()
        .args(&["history", "runs", "--history", "nowhere.db"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: history: nowhere.db: no history store is there: nothing was ever recorded there\n"
    );
    assert!(!out.dir.path().join("nowhere.db").exists());
    let out = Smokegate::new().args(&["history", "runs"]).run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: no history store: give --history URL or set SMOKEGATE_HISTORY\n"
    );
}

#[test]
fn a_suite_names_its_store_and_the_command_line_wins() {
    let named = format!("[history]\nurl = \"runs.db\"\n\n{}", suite());
    let out = with_states(Smokegate::new().suite(&named), &[("web", 0), ("api", 0)])
        .args(&["run"])
        .run();
    out.code(0);
    assert!(
        out.stdout
            .contains("history: recorded as run 1 in checks/runs.db"),
        "{}",
        out.stdout
    );
    assert!(out.dir.path().join("checks/runs.db").exists());
    let out = again(&out, &[], &["run", "--history", "other.db"]);
    out.code(0);
    assert!(
        out.stdout.contains("recorded as run 1 in other.db"),
        "{}",
        out.stdout
    );

    let bad = Smokegate::new()
        .suite(&format!("[history]\nuri = \"runs.db\"\n\n{}", suite()))
        .args(&["run"])
        .run();
    bad.code(2);
    assert!(
        bad.stderr.contains("checks/suite.toml:2:1"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr.contains("unknown field `uri`, expected `url`"),
        "{}",
        bad.stderr
    );
    assert_eq!(bad.stdout, "");

    let two = Smokegate::new()
        .suite(&format!("[history]\nurl = \"a.db\"\n\n{}", suite()))
        .file(
            "checks/more.toml",
            "[history]\nurl = \"b.db\"\n\n[[check]]\nname = \"more\"\nnagios = { command = \"check_dummy 0\" }\n",
        )
        .args(&["run"])
        .run();
    two.code(2);
    assert!(
        two.stderr.contains(
            "`[history]` differs from the one in another suite file: one run is recorded in one store"
        ),
        "{}",
        two.stderr
    );
}

#[test]
fn a_report_lost_after_the_run_was_recorded_amends_the_recorded_verdict() {
    let out = at(&[("web", 0), ("api", 0)])
        .args(&[
            "run",
            "--history",
            "h.db",
            "--json",
            "/dev/full",
            "--summary",
            "r.md",
        ])
        .run();
    out.code(1);
    assert!(
        out.stdout.contains("history: recorded as run 1 in h.db"),
        "{}",
        out.stdout
    );
    let md = out.read("r.md");
    assert!(md.contains("gate FAILED"), "{md}");
    assert!(
        md.contains("\nhistory: recorded as run 1 in h.db\n"),
        "{md}"
    );
    let run = &history_json(out.dir.path(), &["runs"])[0];
    assert_eq!(run["passed"], false, "{run}");
    assert_eq!(run["exit_code"], 1);
    assert_eq!(
        run["problems"],
        serde_json::json!(["the JSON report could not be written to /dev/full: No space left on device (os error 28)"])
    );
}
