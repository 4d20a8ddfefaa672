//! What a review of the Behat import found, each on a project shaped as real ones are: tags,
//! comments and blank lines before an indented keyword (CRLF too); `$$` and `${lower}` in step
//! text as written; a typo of a var that names the var; name filters in PCRE syntax the regex
//! crate cannot match; `paths` entries with a line (`checkout.feature:26`).

use crate::harness::*;

fn storefront() -> String {
    repo()
        .join("fixtures/behat/storefront/behat.yml")
        .display()
        .to_string()
}

/// `smokegate list` of the storefront project with `profile`, the repository's path shown as
/// `<repo>`.
fn list(profile: &str) -> Output {
    let suite = format!(
        "[import]\nbehat = {{ file = \"{}\", profile = \"{profile}\" }}\n",
        storefront()
    );
    let mut out = Smokegate::new()
        .suite(&suite)
        .env("BEHAT_PARAMS", "")
        .args(&["list"])
        .run();
    let repo = repo().display().to_string();
    out.stdout = out.stdout.replace(&repo, "<repo>");
    out.stderr = out.stderr.replace(&repo, "<repo>");
    out
}

#[test]
fn tags_comments_and_blank_lines_before_an_indented_keyword_load_as_behat_loads_them() {
    // home.feature has CRLF line ends, `@smoke # run after every deploy`, a comment between
    // the feature's tags and its indented `Feature:`, and scenario tags over three lines with
    // a comment and a blank line between; prices.feature an indented outline and `Examples:`
    // after tags and comments. The checkout suite's `/CART|pay/i` ignores case.
    let out = list("default");
    out.code(0);
    assert_eq!(
        out.stdout,
        "\
NAME                              KIND      TAGS                                     SOURCE
Storefront / the home page        scenario  scenario,storefront,smoke,home,critical  <repo>/fixtures/behat/storefront/features/storefront/home.feature:12:5
Prices / the price list in us     scenario  scenario,prices,catalog,us               <repo>/fixtures/behat/storefront/features/storefront/prices.feature:6:7
Prices / the price list in de     scenario  scenario,prices,catalog,eu               <repo>/fixtures/behat/storefront/features/storefront/prices.feature:6:7
Prices / the price list in fr     scenario  scenario,prices,catalog,eu               <repo>/fixtures/behat/storefront/features/storefront/prices.feature:6:7
Checkout / the empty cart         scenario  scenario,checkout,smoke                  <repo>/fixtures/behat/storefront/features/checkout.feature:9:3
Checkout / paying by card in USD  scenario  scenario,checkout                        <repo>/fixtures/behat/storefront/features/checkout.feature:18:3
Checkout / paying by card in EUR  scenario  scenario,checkout                        <repo>/fixtures/behat/storefront/features/checkout.feature:18:3
Checkout / paying by card in GBP  scenario  scenario,checkout                        <repo>/fixtures/behat/storefront/features/checkout.feature:18:3
8 checks
",
        "{}",
        out.stderr
    );
}

/// A behat.yml path with a line (`checkout.feature:26`) imports what is at that line only; a
/// line that holds no scenario is an error at it.
#[test]
fn a_path_with_a_line_imports_the_scenario_or_row_at_that_line() {
    let out = list("deploy");
    out.code(0);
    assert!(
        out.stdout.contains("Checkout / the empty cart ")
            && out.stdout.contains("Checkout / paying by card in EUR ")
            && !out.stdout.contains("in USD")
            && !out.stdout.contains("in GBP"),
        "{}",
        out.stdout
    );
    let yml =
        "default:\n  suites:\n    checkout:\n      paths: [ 'features/checkout.feature:10' ]\n";
    let feature =
        std::fs::read_to_string(repo().join("fixtures/behat/storefront/features/checkout.feature"))
            .expect("the fixture");
    let out = Smokegate::new()
        .suite("[import]\nbehat = \"behat.yml\"\n")
        .file("checks/behat.yml", yml)
        .file("checks/features/checkout.feature", &feature)
        .env("BEHAT_PARAMS", "")
        .args(&["validate"])
        .run();
    out.code(2);
    assert!(
        out.stderr.starts_with(
            "error: `checks/features/checkout.feature:10` selects nothing: line 10 holds no scenario, outline or example row\n --> checks/features/checkout.feature:10:5\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn dollars_and_lower_case_templates_in_step_text_are_as_written() {
    let port = http_server(200, "<p>Everything for $5: ${price} shown raw</p>");
    let feature = format!(
        "Feature: Deals\n  Scenario: as written\n    Given the site \"http://127.0.0.1:{port}\"\n    When I go to \"/\"\n    Then I should not see \"$$\"\n    And I should see \"${{price}}\"\n    And I should see \"for $\"\n\n  Scenario: two dollars\n    Given the site \"http://127.0.0.1:{port}\"\n    When I go to \"/\"\n    Then I should see \"$$5\"\n"
    );
    let out = Smokegate::new()
        .suite("[import]\nfeatures = [\"deals.feature\"]\n")
        .file("checks/deals.feature", &feature)
        .file("out/.keep", "")
        .args(&["run", "--json", "out/r.json", "--color", "never"])
        .run();
    out.code(1);
    let json = out.json("out/r.json");
    let shown: Vec<(String, String, String)> = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (text("name"), text("state"), text("summary"))
        })
        .collect();
    assert_eq!(shown[0].0, "Deals / as written");
    assert_eq!(shown[0].1, "OK", "{shown:?}");
    assert_eq!(shown[1].0, "Deals / two dollars");
    assert_eq!(
        shown[1].2,
        "Then I should see \"$$5\" - the text \"$$5\" is not on the page"
    );
}

#[test]
fn a_typo_of_a_var_names_the_var_it_is_close_to() {
    let feature = "Feature: Account\n  Scenario: the greeting\n    Given I am on \"{{base}}/account\"\n    Then I should see \"Hello {{ user.nme }}\"\n";
    let out = Smokegate::new()
        .suite("[vars]\nbase = \"http://127.0.0.1:9\"\n\"user.name\" = \"Ada\"\n\n[import]\nfeatures = [\"account.feature\"]\n")
        .file("checks/account.feature", feature)
        .args(&["validate"])
        .run();
    out.code(2);
    assert!(
        out.stderr.starts_with(
            "error: unknown variable `user.nme` (did you mean `{{user.name}}`?)\n --> checks/account.feature:4:10\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_name_filter_in_pcre_only_syntax_is_an_error_at_its_place() {
    let cases = [
        ("'/pay++ment/'", "a possessive quantifier `++`", 25),
        ("\"/(?<=card )payment/\"", "a lookbehind `(?<=`", 25),
        ("\"/(a)\\\\1/i\"", "a backreference `\\1`", 25),
    ];
    for (written, why, col) in cases {
        let yml = format!(
            "default:\n  suites:\n    checkout:\n      paths: [ features ]\n      filters: {{ name: {written} }}\n"
        );
        let out = Smokegate::new()
            .suite("[import]\nbehat = \"behat.yml\"\n")
            .file("checks/behat.yml", &yml)
            .file("checks/features/pay.feature", "Feature: Pay\n  Scenario: pay\n    Given I am on \"http://127.0.0.1:9/\"\n    Then the response status code should be 200\n")
            .env("BEHAT_PARAMS", "")
            .args(&["validate"])
            .run();
        out.code(2);
        let value: String = written.trim_matches(['\'', '"']).replace("\\\\", "\\");
        let expected = format!(
            "error: name filter `{value}` uses {why}, which only PCRE has\n --> checks/behat.yml:5:{col}\n"
        );
        assert!(
            out.stderr.starts_with(&expected),
            "{expected}\n{}",
            out.stderr
        );
    }
}
