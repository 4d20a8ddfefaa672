//! A Behat project as it is: features that name no site, a `behat.yml` whose MinkExtension has
//! the `base_url` (per profile, from the environment in CI), suites with paths and tag filters,
//! `files_path` for attachments. Read through `[import] behat`, with `--base-url`, and
//! `BEHAT_PARAMS`; and feature files whose relative pages get their site from the run.

use crate::features::shop;
use crate::harness::*;

fn project() -> String {
    repo()
        .join("fixtures/behat/shop/behat.yml")
        .display()
        .to_string()
}

/// Every check's name and state, and its summary when it is not OK.
fn states(json: &serde_json::Value) -> Vec<(String, String)> {
    json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            let state = c["state"].as_str().unwrap_or_default();
            let shown = if state == "OK" {
                state.to_string()
            } else {
                format!("{state} {}", c["summary"].as_str().unwrap_or_default())
            };
            (c["name"].as_str().unwrap_or_default().to_string(), shown)
        })
        .collect()
}

fn ok(names: &[&str]) -> Vec<(String, String)> {
    names
        .iter()
        .map(|n| (n.to_string(), "OK".to_string()))
        .collect()
}

fn run(suite: &str, extra: &[&str], env: &[(&str, &str)]) -> (Output, serde_json::Value) {
    let mut sg = Smokegate::new()
        .suite(suite)
        .file("out/.keep", "")
        .env("BEHAT_PARAMS", "")
        .args(&["run", "--json", "out/r.json", "--color", "never"])
        .args(extra);
    for (k, v) in env {
        sg = sg.env(k, v);
    }
    let out = sg.run();
    let json = if out.dir.path().join("out/r.json").is_file() {
        out.json("out/r.json")
    } else {
        serde_json::Value::Null
    };
    (out, json)
}

const EVERY_SUITE: [&str; 4] = [
    "Browsing the shop / the home page",
    "Browsing the shop / the about page",
    "Ordering / an order with a photo",
    "Administration / the admin sends visitors to log in",
];

#[test]
fn a_behat_project_runs_as_behat_runs_it_on_the_site_the_run_names() {
    let port = shop();
    let site = format!("http://127.0.0.1:{port}");
    let suite = format!("[import]\nbehat = \"{}\"\n", project());
    // behat.yml's own base_url (localhost:8000) is replaced by --base-url; the @wip scenario is
    // left out by the shop suite's filter; the photo is found in files_path.
    let (out, json) = run(&suite, &["--base-url", &site], &[]);
    assert_eq!(states(&json), ok(&EVERY_SUITE), "{}", out.stdout);
    out.code(0);
}

#[test]
fn a_profile_takes_its_base_url_from_the_environment_and_its_filters() {
    let port = shop();
    let site = format!("http://127.0.0.1:{port}");
    let suite = format!(
        "[import]\nbehat = {{ file = \"{}\", profile = \"ci\" }}\n",
        project()
    );
    // The ci profile's `gherkin.filters` keep @smoke only, and its base_url is %env(SHOP_URL)%.
    let (out, json) = run(&suite, &[], &[("SHOP_URL", &site)]);
    assert_eq!(
        states(&json),
        ok(&[
            "Browsing the shop / the home page",
            "Browsing the shop / the about page",
            "Administration / the admin sends visitors to log in",
        ]),
        "{}",
        out.stdout
    );
    out.code(0);
    // Without SHOP_URL, the profile cannot be read: said at the entry, and nothing runs.
    let (out, _) = run(&suite, &[], &[]);
    out.code(2);
    let entry = format!(
        "error: {}: `%env(SHOP_URL)%` names an unset environment variable\n --> checks/suite.toml:2:9",
        project()
    );
    assert!(out.stderr.contains(&entry), "{}", out.stderr);
}

#[test]
fn behat_params_from_ci_go_over_behat_yml() {
    let port = shop();
    let params = format!(
        r#"{{"extensions":{{"Behat\\MinkExtension":{{"base_url":"http://127.0.0.1:{port}"}}}}}}"#
    );
    let suite = format!(
        "[import]\nbehat = {{ file = \"{}\", suites = [\"admin\"] }}\n",
        project()
    );
    let (out, json) = run(&suite, &[], &[("BEHAT_PARAMS", &params)]);
    assert_eq!(
        states(&json),
        ok(&["Administration / the admin sends visitors to log in"]),
        "{}",
        out.stdout
    );
    out.code(0);
}

#[test]
fn a_profile_or_suite_that_is_not_there_is_said_where_it_is_named() {
    let suite = format!(
        "[import]\nbehat = {{ file = \"{}\", suites = [\"shop\", \"checkout\"] }}\n",
        project()
    );
    let (out, json) = run(&suite, &[], &[]);
    out.code(2);
    assert!(json.is_null(), "nothing ran");
    let line = suite.lines().nth(1).unwrap_or_default();
    let col = line.find("\"checkout\"").unwrap_or_default() + 1;
    let want = format!(
        "error: {} has no suite `checkout` (it has: shop, admin)\n --> checks/suite.toml:2:{col}",
        project()
    );
    assert!(out.stderr.contains(&want), "{}", out.stderr);
    let suite = format!(
        "[import]\nbehat = {{ file = \"{}\", profile = \"prod\" }}\n",
        project()
    );
    let (out, _) = run(&suite, &[], &[]);
    out.code(2);
    let want = format!(
        "error: {}: no profile `prod` (it has: default, ci)\n --> checks/suite.toml:2:9",
        project()
    );
    assert!(out.stderr.contains(&want), "{}", out.stderr);
}

#[test]
fn relative_pages_take_the_site_of_the_run_over_http_and_in_a_browser() {
    let port = shop();
    let site = format!("http://127.0.0.1:{port}");
    let feature = "\
Feature: Pages of a site named elsewhere
  Scenario: over HTTP
    Given I am on \"/about\"
    Then I should see \"since 1999\"

  @javascript
  Scenario: in a browser
    Given I am on \"/about\"
    Then I should see \"since 1999\"
";
    // A browser's start on a loaded machine and a positive step's patience (5 s) fit well
    // within the timeout: a hang guard, not a speed bound.
    let plain = "[defaults]\ntimeout = \"60s\"\n\n[import]\nfeatures = [\"pages.feature\"]\n";
    let named = "[defaults]\ntimeout = \"60s\"\n\n[vars]\nsite = \"SITE\"\n\n[import]\nfeatures = [{ path = \"pages.feature\", base_url = \"{{site}}\" }]\n"
        .replace("SITE", &site);
    let names = [
        "Pages of a site named elsewhere / over HTTP",
        "Pages of a site named elsewhere / in a browser",
    ];
    // Validate and run agree: a relative page with no site to put it on can never open, in
    // either mode; both say so at its step before anything runs.
    let no_site = "`/about` is relative and no site is known: run with `--base-url`, give the import a `base_url` (or behat.yml one), or start with `Given the site \"https://…\"`";
    let said = format!(
        "error: {no_site}\n --> checks/pages.feature:3:5\n  |\n3 |     Given I am on \"/about\"\n  |     ^^^^^^^^^^^^^^^^^^^^^^\n\n\
         error: {no_site}\n --> checks/pages.feature:8:5\n  |\n8 |     Given I am on \"/about\"\n  |     ^^^^^^^^^^^^^^^^^^^^^^\n\n\
         error: the suite has 2 errors; nothing ran\n"
    );
    for command in [&["validate"][..], &["run", "--json", "out/r.json"][..]] {
        let check = Smokegate::new()
            .suite(plain)
            .file("checks/pages.feature", feature)
            .file("out/.keep", "")
            .args(command)
            .run();
        check.code(2);
        assert_eq!(check.stderr, said);
        assert!(!check.dir.path().join("out/r.json").exists(), "nothing ran");
    }
    let check = Smokegate::new()
        .suite(plain)
        .file("checks/pages.feature", feature)
        .args(&["validate", "--base-url", &site])
        .run();
    check.code(0);
    let sg = |suite: &str, extra: &[&str]| {
        let out = Smokegate::new()
            .suite(suite)
            .file("checks/pages.feature", feature)
            .file("out/.keep", "")
            .args(&["run", "--json", "out/r.json", "--color", "never"])
            .args(extra)
            .run();
        let json = out.json("out/r.json");
        (out, json)
    };
    let (out, json) = sg(plain, &["--base-url", &site]);
    assert_eq!(states(&json), ok(&names), "{}", out.stdout);
    out.code(0);
    let (out, json) = sg(&named, &[]);
    assert_eq!(states(&json), ok(&names), "{}", out.stdout);
    out.code(0);
    // `--base-url` replaces the import's site; a scenario that names its own keeps it, as an
    // absolute URL is kept.
    let elsewhere = format!(
        "http://127.0.0.1:{}",
        http_server(200, "<html><body><p>Another site</p></body></html>")
    );
    let (out, json) = sg(&named, &["--base-url", &elsewhere]);
    out.code(1);
    let missing = "Then I should see \"since 1999\" - the text \"since 1999\" is not on the page";
    assert_eq!(
        states(&json),
        vec![
            (names[0].to_string(), format!("CRITICAL {missing}")),
            (
                names[1].to_string(),
                format!("CRITICAL BROWSER CRITICAL - {missing}")
            ),
        ]
    );
    let own = feature.replace(
        "  Scenario: over HTTP\n",
        "  Scenario: over HTTP\n    Given the site \"{{site}}\"\n",
    );
    let own = own.replace(
        "  Scenario: in a browser\n",
        "  Scenario: in a browser\n    Given the site \"{{site}}\"\n",
    );
    let out = Smokegate::new()
        .suite(&named)
        .file("checks/pages.feature", &own)
        .file("out/.keep", "")
        .args(&["run", "--json", "out/r.json", "--base-url", &elsewhere])
        .run();
    assert_eq!(
        states(&out.json("out/r.json")),
        ok(&names),
        "{}",
        out.stdout
    );
    out.code(0);
}

#[test]
fn a_template_left_in_a_page_is_text_and_a_typo_of_a_var_is_an_error() {
    let port = shop();
    let feature = "\
Feature: Templates
  Scenario: nothing unrendered
    Given I am on \"{{base}}/\"
    Then I should not see \"{{ user.name }}\"
    And I should not see \"{{ user }}\"
    And I should not see \"${price}\"
    And I should not see \"${ user.total }\"
";
    let suite = format!(
        "[vars]\nbase = \"http://127.0.0.1:{port}\"\n\n[import]\nfeatures = [\"t.feature\"]\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .file("checks/t.feature", feature)
        .file("out/.keep", "")
        .args(&["run", "--json", "out/r.json"])
        .run();
    out.code(0);
    let typo = feature.replace("{{base}}/", "{{bsae}}/");
    let out = Smokegate::new()
        .suite(&suite)
        .file("checks/t.feature", &typo)
        .args(&["run"])
        .run();
    out.code(2);
    assert!(
        out.stderr.contains(
            "error: unknown variable `bsae` (did you mean `{{base}}`?)\n --> checks/t.feature:3:11"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_scenario_a_filter_leaves_out_is_not_read_and_a_password_in_the_site_is_masked() {
    let port = shop();
    let yml = "default:\n  suites:\n    default:\n      filters: { tags: '~@wip' }\n";
    // A @wip scenario with a step nobody wrote yet: Behat never reads it, nor does smokegate.
    let feature = "\u{feff}@smoke\n  Feature: Shop\n    Scenario: about\n      Given I am on \"/gone\"\n      Then the response status code should be 200\n\n    @wip\n    Scenario: tomorrow\n      Given the shop sells hats\n";
    let suite = "[import]\nbehat = \"behat.yml\"\n";
    let site = format!("http://deploy:Hunter2Secret@127.0.0.1:{port}");
    let out = Smokegate::new()
        .suite(suite)
        .file("checks/behat.yml", yml)
        .file("checks/features/shop.feature", feature)
        .file("out/.keep", "")
        .args(&[
            "run",
            "--json",
            "out/r.json",
            "--junit",
            "out/r.xml",
            "--base-url",
            &site,
        ])
        .run();
    out.code(1);
    let json = out.json("out/r.json");
    assert_eq!(
        states(&json),
        vec![(
            "Shop / about".to_string(),
            "CRITICAL Then the response status code should be 200 - the response status code is 404, expected 200".to_string()
        )]
    );
    for text in [
        out.stdout.clone(),
        out.stderr.clone(),
        json.to_string(),
        out.read("out/r.xml"),
    ] {
        assert!(!text.contains("Hunter2Secret"), "{text}");
    }
}

#[test]
fn a_base_url_that_is_no_site_is_a_usage_error() {
    for (given, why) in [
        (
            "notaurl",
            "relative URL without a base: write the whole URL, as `https://shop.example`",
        ),
        ("ftp://127.0.0.1/", "`ftp` is no http or https site"),
    ] {
        let out = Smokegate::new()
            .suite("[import]\nfeatures = [\"f.feature\"]\n")
            .file("checks/f.feature", "Feature: F\n  Scenario: s\n    Given I am on \"/\"\n    Then the response status code should be 200\n")
            .args(&["run", "--base-url", given])
            .run();
        out.code(2);
        assert!(
            out.stderr.contains(&format!(
                "invalid value '{given}' for '--base-url <URL>': {why}"
            )),
            "{}",
            out.stderr
        );
    }
}
