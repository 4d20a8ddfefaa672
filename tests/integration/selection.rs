//! Selection by tag, skip-tag and name; `list`, `validate`, `--version` and `--help`.

use crate::harness::*;

#[test]
fn selection_by_tag_skip_tag_and_name() {
    let suite = "[defaults]\ntags = [\"all\"]\n\n\
        [[check]]\nname = \"web home\"\ntags = [\"web\"]\nnagios = { command = \"check_dummy 0\" }\n\n\
        [[check]]\nname = \"web admin\"\ntags = [\"web\", \"slow\"]\nnagios = { command = \"check_dummy 0\" }\n\n\
        [[check]]\nname = \"db ping\"\ntags = [\"db\"]\nnagios = { command = \"check_dummy 0\" }\n";
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list"];
        all.extend_from_slice(args);
        let out = Smokegate::new().suite(suite).args(&all).run();
        out.code(0);
        out.stdout
            .lines()
            .skip(1)
            .filter(|l| !l.ends_with(" checks"))
            .map(|l| l.split("  ").next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(names(&[]), ["web home", "web admin", "db ping"]);
    assert_eq!(names(&["--tag", "web"]), ["web home", "web admin"]);
    assert_eq!(
        names(&["--tag", "web", "--tag", "db"]),
        ["web home", "web admin", "db ping"]
    );
    assert_eq!(names(&["--tag", "web", "--skip-tag", "slow"]), ["web home"]);
    assert_eq!(names(&["--name", "web h*"]), ["web home"]);
    assert_eq!(
        names(&["--name", "*admin", "--name", "db*"]),
        ["web admin", "db ping"]
    );
}

#[test]
fn list_and_validate_show_the_suite() {
    let out = Smokegate::in_repo().args(&["list", "checks"]).run();
    out.code(0);
    insta::assert_snapshot!(out.stdout);
    let out = Smokegate::in_repo().args(&["validate", "checks"]).run();
    out.code(0);
    assert_eq!(
        out.stdout,
        "ok: 5 checks selected from 1 suite file\nenvironment: SMOKE_ROOT_FS\n"
    );
}

#[test]
fn version_and_help() {
    let out = Smokegate::new().args(&["--version"]).run();
    out.code(0);
    assert_eq!(
        out.stdout,
        format!("smokegate {}\n", env!("CARGO_PKG_VERSION"))
    );
    let out = Smokegate::new().args(&["run", "--help"]).run();
    out.code(0);
    assert!(out.stdout.contains("--fail-on <FAIL_ON>"), "{}", out.stdout);
}

#[test]
fn list_says_how_many_browser_sessions_run_at_once_and_why() {
    let browser = "[[check]]\nname = \"login\"\nbrowser = { base_url = \"http://127.0.0.1:9\", steps = [{ open = \"/\" }] }\n\n";
    let sessions = (std::thread::available_parallelism().map_or(1, usize::from) / 2).max(1);
    let out = Smokegate::new().suite(browser).args(&["list"]).run();
    out.code(0);
    assert!(
        out.stdout.ends_with(&format!(
            "browser sessions at once: {sessions} (one per two CPUs; [browser] sessions sets it)\n"
        )),
        "{}",
        out.stdout
    );
    let set = Smokegate::new()
        .suite(&format!("[browser]\nsessions = 3\n\n{browser}"))
        .args(&["list"])
        .run();
    set.code(0);
    assert!(
        set.stdout
            .ends_with("browser sessions at once: 3 ([browser] sessions, or one per two CPUs)\n"),
        "{}",
        set.stdout
    );
}
