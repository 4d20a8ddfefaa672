//! Where a feature step's page is, over HTTP and in a real headless Chromium alike: each
//! relative page on the site in effect at its own step (a later `the site` step moves none of
//! the earlier ones); without a site, on the origin of the page the scenario is on; and a status
//! step on a page that has no HTTP status (`data:`, `file:`, `about:blank`) fails closed.

use crate::harness::*;

/// A loopback site whose every page says which site and path it is: `site A: /one`.
fn site(name: &'static str) -> String {
    let port = serve_routes(move |r| {
        let path = r.target.split('?').next().unwrap_or("/").to_string();
        let body = format!("<html><head><title>{name}</title></head><body><p>site {name}: {path}</p></body></html>");
        (200, Vec::new(), body.into_bytes())
    });
    format!("http://127.0.0.1:{port}")
}

/// The two modes: over HTTP, and tagged for a browser.
const MODES: [&str; 2] = ["", "@browser\n"];

/// A hang guard for a browser's start on a loaded machine and a step's patience (5 s), not a
/// speed bound.
const DEFAULTS: &str = "[defaults]\ntimeout = \"60s\"\n\n";

/// Every check's name and what it ended with: `OK`, or its state and summary.
fn states(out: &Output) -> Vec<(String, String)> {
    let json = out.json("out/r.json");
    json["checks"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
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

/// Runs `feature` (as `checks/sites.feature`) with `suite` and hands back the output.
fn run(suite: &str, feature: &str) -> Output {
    Smokegate::new()
        .suite(suite)
        .file("checks/sites.feature", feature)
        .file("out/.keep", "")
        .args(&["run", "--json", "out/r.json", "--color", "never"])
        .run()
}

/// What a failing scenario's summary says in `mode`: the browser's names its probe and state.
fn failed(mode: &str, state: &str, why: &str) -> String {
    if mode.is_empty() {
        format!("{state} {why}")
    } else {
        format!("{state} BROWSER {state} - {why}")
    }
}

/// `Sites / {name}` and its state, per scenario.
fn named(list: &[(&str, String)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, s)| (format!("Sites / {n}"), s.clone()))
        .collect()
}

#[test]
fn each_relative_page_is_on_the_site_in_effect_at_its_own_step() {
    let (a, b) = (site("A"), site("B"));
    // The import's site is A; the scenario names B half way.
    let suite = format!(
        "{DEFAULTS}[import]\nfeatures = [{{ path = \"sites.feature\", base_url = \"{a}\" }}]\n"
    );
    let steps = format!(
        "\
Feature: Sites
  Scenario: earlier pages stay on their site
    Given I am on \"/one\"
    Then I should see \"site A: /one\"
    And I should be on \"/one\"
    Given the site \"{b}\"
    When I go to \"/two\"
    Then I should see \"site B: /two\"
    When I move backward one page
    Then I should see \"site A: /one\"
    When I reload the page
    Then I should see \"site A: /one\"
    When I move forward one page
    Then I should see \"site B: /two\"
    When I go to the homepage
    Then I should see \"site B: /\"
    And I should be on the homepage

  Scenario: a path is on the site in effect at its step
    Given I am on the homepage
    And the site \"{b}\"
    Then I should be on the homepage
"
    );
    for mode in MODES {
        let out = run(&suite, &format!("{mode}{steps}"));
        let off =
            format!("Then I should be on the homepage - expected to be on /, but the page is {a}/");
        assert_eq!(
            states(&out),
            named(&[
                ("earlier pages stay on their site", "OK".into()),
                (
                    "a path is on the site in effect at its step",
                    failed(mode, "CRITICAL", &off)
                ),
            ]),
            "{mode}{}",
            out.stdout
        );
        out.code(1);
    }
}

/// `--base-url` is the run's site: the pages before a `the site` step are on it, in a browser
/// as over HTTP; the step still names its own.
#[test]
fn the_run_s_site_holds_until_a_scenario_names_its_own() {
    let (a, b, c) = (site("A"), site("B"), site("C"));
    let suite = format!(
        "{DEFAULTS}[import]\nfeatures = [{{ path = \"sites.feature\", base_url = \"{a}\" }}]\n"
    );
    let steps = format!(
        "\
Feature: Sites
  Scenario: the run's site, then the scenario's
    Given I am on \"/one\"
    Then I should see \"site C: /one\"
    Given the site \"{b}\"
    When I go to \"/two\"
    Then I should see \"site B: /two\"
"
    );
    for mode in MODES {
        let out = Smokegate::new()
            .suite(&suite)
            .file("checks/sites.feature", &format!("{mode}{steps}"))
            .file("out/.keep", "")
            .args(&["run", "--json", "out/r.json", "--base-url", &c])
            .run();
        assert_eq!(
            states(&out),
            named(&[("the run's site, then the scenario's", "OK".into())]),
            "{mode}{}",
            out.stdout
        );
        out.code(0);
    }
}

#[test]
fn a_relative_page_without_a_site_is_on_the_origin_of_the_page_the_scenario_is_on() {
    let (a, b) = (site("A"), site("B"));
    let b_host = b.trim_start_matches("http:");
    let b_path = b.trim_start_matches("http://");
    let steps = format!(
        "\
Feature: Sites
  Scenario: after a whole URL
    Given I am on \"{a}/deep/page\"
    When I go to \"/two\"
    Then I should see \"site A: /two\"
    When I go to \"three?x=1\"
    Then I should see \"site A: /three\"
    And I should be on \"/three?x=1\"
    When I go to the homepage
    Then I should see \"site A: /\"

  Scenario: a path like another host's stays on the page's origin
    Given I am on \"{a}/\"
    When I go to \"{b_host}/two\"
    Then I should see \"site A: /{b_path}/two\"
"
    );
    for mode in MODES {
        let out = run(DEFAULTS, &format!("{mode}{steps}"));
        assert_eq!(
            states(&out),
            named(&[
                ("after a whole URL", "OK".into()),
                (
                    "a path like another host's stays on the page's origin",
                    "OK".into()
                ),
            ]),
            "{mode}{}",
            out.stdout
        );
        out.code(0);
        // Before any page, with no site, a relative page can never open: an error at its step
        // before anything runs, in both modes.
        let before = format!(
            "{mode}Feature: Sites\n  Scenario: before any page\n    Given I am on \"/one\"\n    Then I should see \"site A\"\n"
        );
        let out = run(DEFAULTS, &before);
        out.code(2);
        let line = if mode.is_empty() { 3 } else { 4 };
        assert!(
            out.stderr.starts_with(&format!(
                "error: `/one` is relative and no site is known: run with `--base-url`, give the import a `base_url` (or behat.yml one), or start with `Given the site \"https://…\"`\n --> checks/sites.feature:{line}:5\n"
            )),
            "{mode}{}",
            out.stderr
        );
        assert!(!out.dir.path().join("out/r.json").exists(), "nothing ran");
    }
}

#[test]
fn a_status_step_on_a_page_without_an_http_status_fails_closed() {
    let a = site("A");
    let file = format!(
        "file://{}",
        repo().join("fixtures/feature_sites/page.html").display()
    );
    let pages = [
        ("data", "data:text/html,<p>inline</p>".to_string()),
        ("file", file),
        ("blank", "about:blank".to_string()),
    ];
    let checks = [
        "the response status code should be 200",
        "the response status code should not be 500",
        "access is refused",
        "the response time should be under 60 s",
    ];
    for mode in MODES {
        let mut feature = format!(
            "{mode}Feature: Sites\n  Scenario: an http page\n    Given I am on \"{a}/\"\n    Then the response status code should be 200\n    And the response status code should not be 500\n    And the response time should be under 60 s\n\n"
        );
        let mut want = vec![("an http page", "OK".to_string())];
        let names: Vec<String> = pages
            .iter()
            .flat_map(|(name, _)| (0..checks.len()).map(move |i| format!("{name} {i}")))
            .collect();
        for (at, (_, page)) in pages.iter().enumerate() {
            for (i, check) in checks.iter().enumerate() {
                let name = &names[at * checks.len() + i];
                feature.push_str(&format!(
                    "  Scenario: {name}\n    Given I am on \"{page}\"\n    Then {check}\n\n"
                ));
                let why = if mode.is_empty() {
                    // No request can fetch such a page: the scenario stops where it goes there.
                    failed(
                        mode,
                        "CRITICAL",
                        &format!("Given I am on \"{page}\" - `{page}` is not an http or https page: a scenario over HTTP cannot open it"),
                    )
                } else {
                    let what = if check.starts_with("the response time") {
                        "how long the response took"
                    } else {
                        "the response status code"
                    };
                    failed(
                        mode,
                        "UNKNOWN",
                        &format!(
                            "Then {check} - {what} is not known here: cannot establish this step"
                        ),
                    )
                };
                want.push((name, why));
            }
        }
        let out = run(DEFAULTS, &feature);
        let mut got = states(&out);
        got.sort();
        let mut want = named(&want);
        want.sort();
        assert_eq!(got, want, "{mode}{}", out.stdout);
        out.code(1);
    }
}
