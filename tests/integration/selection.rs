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
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let list = |suite: &str| {
        let out = Smokegate::new().suite(suite).args(&["list"]).run();
        out.code(0);
        out.stdout.lines().last().unwrap_or_default().to_string()
    };
    // A full Chromium keeps about two cores busy: one session per two CPUs, at least one.
    assert_eq!(
        list(&format!(
            "[browser]\nbinary = \"/usr/bin/chromium\"\n\n{browser}"
        )),
        format!(
            "browser sessions at once: {} (one per two CPUs, at least one, for /usr/bin/chromium; \
             [browser] sessions sets it)",
            (cpus / 2).max(1)
        )
    );
    // The headless shell keeps about one busy: one per CPU.
    let shell = "/usr/lib/chromium/chromium-headless-shell";
    assert_eq!(
        list(&format!("[browser]\nbinary = \"{shell}\"\n\n{browser}")),
        format!(
            "browser sessions at once: {cpus} (one per CPU for the headless shell {shell}; \
             [browser] sessions sets it)"
        )
    );
    // Without `binary`: the headless shell where it is installed, Chromium otherwise.
    let default = if std::path::Path::new(shell).exists() {
        format!("{cpus} (one per CPU for the headless shell {shell}")
    } else {
        format!(
            "{} (one per two CPUs, at least one, for /usr/bin/chromium",
            (cpus / 2).max(1)
        )
    };
    assert_eq!(
        list(browser),
        format!("browser sessions at once: {default}; [browser] sessions sets it)")
    );
    // A number of its own is the suite's word; the rule it replaces is named.
    assert_eq!(
        list(&format!(
            "[browser]\nbinary = \"/usr/bin/chromium\"\nsessions = {}\n\n{browser}",
            cpus + 3
        )),
        format!(
            "browser sessions at once: {} ([browser] sessions; by default one per two CPUs, at \
             least one, for /usr/bin/chromium)",
            cpus + 3
        )
    );
}
