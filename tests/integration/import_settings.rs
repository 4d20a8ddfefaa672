//! Imported checks are checks like any other: an import entry's `checks` gives them `optional`,
//! `needs`, `retries`, `timeout` and `fail_on` — all of them (`"*"`), some by glob, one by name —
//! and a feature scenario takes them from its tags too. A key that matches nothing is an error
//! at its place.

use crate::harness::*;

const NRPE: &str = "\
# /etc/nagios/nrpe.cfg, as Debian ships it (trimmed), with the site's commands
server_port=5666
allowed_hosts=127.0.0.1,::1
dont_blame_nrpe=0
command_timeout=60
command[check_users]=/usr/lib/nagios/plugins/check_dummy 0 \"USERS OK - 2 users\"
command[check_load]=/usr/lib/nagios/plugins/check_dummy 2 \"CRITICAL - load average: 9.1, 8.0, 7.2\"
command[check_swap]=/usr/lib/nagios/plugins/check_dummy 1 \"SWAP WARNING - 40% free\"
command[check_app]=/usr/lib/nagios/plugins/check_dummy 0 \"app OK\"
";

fn states(json: &serde_json::Value) -> Vec<(String, String, bool)> {
    json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["state"].as_str().unwrap_or_default().to_string(),
                c["optional"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

fn run(suite: &str, files: &[(&str, &str)]) -> (Output, serde_json::Value) {
    let mut sg = Smokegate::new().suite(suite).file("out/.keep", "");
    for (path, text) in files {
        sg = sg.file(path, text);
    }
    let out = sg
        .args(&["run", "--json", "out/r.json", "--fail-on", "warning"])
        .run();
    let json = if out.dir.path().join("out/r.json").is_file() {
        out.json("out/r.json")
    } else {
        serde_json::Value::Null
    };
    (out, json)
}

#[test]
fn monitoring_thresholds_of_an_nrpe_import_can_be_made_optional() {
    let bare = "[import]\nnrpe = [{ file = \"nrpe.cfg\" }]\n";
    let (out, _) = run(bare, &[("checks/nrpe.cfg", NRPE)]);
    out.code(1);
    let suite = "[import]\nnrpe = [{ file = \"nrpe.cfg\", checks = { \"check_[ls]*\" = { optional = true }, check_swap = { fail_on = \"critical\" }, check_load = { retries = 1, retry_delay = \"10ms\" } } }]\n";
    let (out, json) = run(suite, &[("checks/nrpe.cfg", NRPE)]);
    assert_eq!(
        states(&json),
        [
            ("check_users".to_string(), "OK".to_string(), false),
            ("check_load".into(), "CRITICAL".into(), true),
            ("check_swap".into(), "WARNING".into(), true),
            ("check_app".into(), "OK".into(), false),
        ],
        "{}",
        out.stdout
    );
    out.code(0);
    // A name over a glob: check_load is retried once, and stays optional.
    let attempts = |name: &str| {
        crate::browser_checks::result(&json, name)["attempts"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!((attempts("check_load"), attempts("check_users")), (2, 1));
}

#[test]
fn one_cause_down_skips_every_import_that_needs_it() {
    let feature = "\
Feature: Shop
  @needs:nginx
  Scenario: the home page
    Given I am on \"http://127.0.0.1:9/\"
    Then the response status code should be 200

  Scenario: the about page
    Given I am on \"http://127.0.0.1:9/about\"
    Then the response status code should be 200
";
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let suite = format!(
        "[[check]]\nname = \"nginx\"\ntcp = {{ host = \"127.0.0.1\", port = {port} }}\n\n\
         [import]\nnrpe = [{{ file = \"nrpe.cfg\", checks = {{ \"*\" = {{ needs = [\"nginx\"] }} }} }}]\n\
         features = [{{ path = \"shop.feature\", checks = {{ \"Shop / the about page\" = {{ needs = [\"nginx\"], retries = 2 }} }} }}]\n"
    );
    let (out, json) = run(
        &suite,
        &[("checks/nrpe.cfg", NRPE), ("checks/shop.feature", feature)],
    );
    out.code(1);
    let skipped: Vec<&str> = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["skipped_because"]["check"] == "nginx")
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        skipped,
        [
            "check_users",
            "check_load",
            "check_swap",
            "check_app",
            "Shop / the home page",
            "Shop / the about page"
        ],
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("gate FAILED: 1 of 7 checks fail the gate (0 ok, 1 critical, 6 skipped)"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_setting_for_no_check_of_the_import_is_an_error_at_its_place() {
    let suite = "[import]\nnrpe = [{ file = \"nrpe.cfg\", checks = { check_lod = { optional = true } } }]\n";
    let (out, json) = run(suite, &[("checks/nrpe.cfg", NRPE)]);
    out.code(2);
    assert!(json.is_null(), "nothing ran");
    let col = suite
        .lines()
        .nth(1)
        .unwrap_or_default()
        .find("{ optional")
        .unwrap_or_default()
        + 1;
    assert!(
        out.stderr.starts_with(&format!(
            "error: `check_lod` matches no check of this import (it has: check_users, check_load, check_swap, check_app)\n --> checks/suite.toml:2:{col}\n"
        )),
        "{}",
        out.stderr
    );
    let suite =
        "[import]\nnrpe = [{ file = \"nrpe.cfg\", checks = { \"*\" = { timeout = \"soon\" } } }]\n";
    let (out, _) = run(suite, &[("checks/nrpe.cfg", NRPE)]);
    out.code(2);
    assert!(
        out.stderr
            .contains("error: invalid duration `soon` for `timeout`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_feature_beside_the_suite_takes_its_settings_from_its_tags() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let feature = format!(
        "\
Feature: Shop
  @optional
  Scenario: the blog
    Given I am on \"http://127.0.0.1:{port}/blog\"
    Then the response status code should be 200

  @needs:nginx @retries:2
  Scenario: the home page
    Given I am on \"http://127.0.0.1:{port}/\"
    Then the response status code should be 200
"
    );
    let suite = format!(
        "[[check]]\nname = \"nginx\"\ntcp = {{ host = \"127.0.0.1\", port = {port} }}\noptional = true\n"
    );
    let (out, json) = run(&suite, &[("checks/shop.feature", &feature)]);
    assert_eq!(
        states(&json),
        [
            ("nginx".to_string(), "CRITICAL".to_string(), true),
            ("Shop / the blog".into(), "CRITICAL".into(), true),
            ("Shop / the home page".into(), "UNKNOWN".into(), false),
        ],
        "{}",
        out.stdout
    );
    let home = crate::browser_checks::result(&json, "Shop / the home page");
    assert_eq!(home["skipped_because"]["check"], "nginx", "{home}");
    // What never ran is not established, whatever made it wait: the gate fails on it alone.
    assert!(
        out.stdout
            .contains("SKIPPED  Shop / the home page (fails the gate, never ran behind 'nginx')"),
        "{}",
        out.stdout
    );
    out.code(1);
}

#[test]
fn a_feature_beside_suite_files_that_disagree_is_an_error_naming_them() {
    let feature = "\
Feature: Shop
  Scenario: the home page
    Given I am on \"{{site}}/\"
    Then the response status code should be 200
";
    let (out, json) = run(
        "[vars]\nsite = \"http://127.0.0.1:9\"\n",
        &[
            ("checks/shop.feature", feature),
            (
                "checks/other.toml",
                "[vars]\nsite = \"http://127.0.0.1:8\"\n",
            ),
        ],
    );
    out.code(2);
    assert!(json.is_null(), "nothing ran");
    assert_eq!(
        out.stderr.lines().next().unwrap_or_default(),
        "error: this feature file is beside suite files whose `[vars]`, `[secrets]` or `[defaults]` differ (checks/other.toml, checks/suite.toml): which ones it sees would be a guess; name it in the `[import] features` of the one it belongs to",
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--> checks/shop.feature"),
        "{}",
        out.stderr
    );
    // Suite files that agree are one setting: the feature sees it.
    let (out, _) = run(
        "[vars]\nsite = \"http://127.0.0.1:9\"\n",
        &[
            ("checks/shop.feature", feature),
            (
                "checks/other.toml",
                "[vars]\nsite = \"http://127.0.0.1:9\"\n",
            ),
        ],
    );
    out.code(1);
    assert!(
        out.stdout.contains("Shop / the home page"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_import_entry_may_be_a_path_alone_or_a_list() {
    let side = include_str!("../../fixtures/side/format-3.0.side");
    let feature = "Feature: Shop\n  Scenario: home\n    Given I am on \"http://127.0.0.1:9/\"\n    Then I should see \"Welcome\"\n";
    for suite in [
        "[import]\nside = \"p.side\"\nfeatures = \"f/\"\nnrpe = \"nrpe.cfg\"\n",
        "[import]\nside = [\"p.side\"]\nfeatures = [\"f/\"]\nnrpe = [\"nrpe.cfg\"]\n",
        "[import]\nside = { file = \"p.side\" }\nfeatures = { path = \"f/\" }\nnrpe = { file = \"nrpe.cfg\" }\n",
    ] {
        let out = Smokegate::new()
            .suite(suite)
            .file("checks/p.side", side)
            .file("checks/f/shop.feature", feature)
            .file("checks/nrpe.cfg", NRPE)
            .args(&["list"])
            .run();
        out.code(0);
        let names: Vec<&str> = out
            .stdout
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert!(
            out.stdout.contains("home 3.0")
                && out.stdout.contains("Shop / home")
                && out.stdout.contains("check_app"),
            "{suite}\n{}\n{names:?}",
            out.stdout
        );
    }
}
