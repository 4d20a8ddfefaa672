//! Every phrasing of the step vocabulary, passing and failing, over HTTP against the shop of
//! `features.rs` (forms of every kind, a multipart upload, a slow page), a loopback listener, TLS
//! servers with rcgen certificates and `check_dummy`; the in-page phrasings in Chromium. Each
//! failing scenario is asserted with its whole summary ("step as written - what went wrong").
//! `src/model/vocabulary.rs` checks that the fixtures use every phrasing.

use std::net::TcpListener;
use std::path::PathBuf;

use crate::features::{features, shop};
use crate::harness::*;
use crate::native::{leaf, pki, tls_server};

/// What the fixture features talk to.
struct World {
    shop: u16,
    /// An HTTPS server with a certificate for 127.0.0.1 from a test CA, valid for a year.
    tls: u16,
    /// The same, self-signed.
    selfsigned: u16,
    /// A port nothing listens on.
    closed: u16,
    ca: PathBuf,
    _dir: tempfile::TempDir,
}

fn world() -> World {
    let (pki, ca) = pki();
    let dir = tempfile::tempdir().expect("tmp");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &pki.ca_pem).expect("write ca");
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    World {
        shop: shop(),
        tls: tls_server(leaf(&["127.0.0.1"], Some((-1, 365)), Some(&ca))),
        selfsigned: tls_server(leaf(&["127.0.0.1"], Some((-1, 365)), None)),
        closed,
        ca: ca_file,
        _dir: dir,
    }
}

/// Runs the features against the world; the test CA is trusted the way a system trusts one
/// (`SSL_CERT_FILE`), since the certificate step has no CA option.
fn run(world: &World, files: &[&str], browser: bool) -> (Output, serde_json::Value) {
    let list: Vec<String> = files
        .iter()
        .map(|f| format!("\"{}/{f}\"", features()))
        .collect();
    let suite = format!(
        "{}[vars]\nbase = \"http://127.0.0.1:{shop}\"\nservice = \"127.0.0.1:{shop}\"\nclosed = \"127.0.0.1:{closed}\"\ntls = \"127.0.0.1:{tls}\"\nselfsigned = \"127.0.0.1:{selfsigned}\"\n\n[defaults]\ntimeout = \"30s\"\n\n[import]\nfeatures = [{}]\n",
        if browser { "[browser]\nsessions = 2\n\n" } else { "" },
        list.join(", "),
        shop = world.shop,
        closed = world.closed,
        tls = world.tls,
        selfsigned = world.selfsigned,
    );
    let out = Smokegate::new()
        .suite(&suite)
        .env("SSL_CERT_FILE", &world.ca.display().to_string())
        .args(&["run", "--json", "out/r.json", "--color", "never"])
        .file("out/.keep", "")
        .run();
    let json = out.json("out/r.json");
    (out, json)
}

fn checks(json: &serde_json::Value) -> Vec<(String, String, String)> {
    json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("name"), s("state"), s("summary"))
        })
        .collect()
}

/// Every check is OK; the listed ones with exactly these summaries.
#[track_caller]
fn all_ok(json: &serde_json::Value, summaries: &[(&str, &str)]) {
    for (name, state, summary) in checks(json) {
        assert_eq!(state, "OK", "{name}: {summary}");
        if let Some((_, want)) = summaries.iter().find(|(n, _)| *n == name) {
            assert_eq!(summary, *want, "{name}");
        }
    }
}

/// The checks are exactly `expected` (name, state, summary), in order; every difference at once.
#[track_caller]
fn exactly(json: &serde_json::Value, expected: &[(String, &str, String)]) {
    let actual = checks(json);
    let mut wrong = Vec::new();
    for (name, state, summary) in expected {
        match actual.iter().find(|a| &a.0 == name) {
            None => wrong.push(format!("missing: {name}")),
            Some(a) if (&a.1, &a.2) != (&state.to_string(), summary) => wrong.push(format!(
                "{name}:\n  want {state} {summary}\n  got  {} {}",
                a.1, a.2
            )),
            Some(_) => {}
        }
    }
    for a in &actual {
        if !expected.iter().any(|e| e.0 == a.0) {
            wrong.push(format!("not expected: {} {} {}", a.0, a.1, a.2));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_phrasing_passes_over_http() {
    let world = world();
    let (out, json) = run(&world, &["vocabulary.feature"], false);
    out.code(0);
    assert_eq!(checks(&json).len(), 7, "{}", out.stdout);
    all_ok(
        &json,
        &[
            (
                "Every phrasing passes / an order with a control of every kind, and a file",
                "SCENARIO OK - 35 steps passed",
            ),
            (
                "Every phrasing passes / the services behind the shop",
                "SCENARIO OK - 4 steps passed",
            ),
        ],
    );
}

#[test]
fn every_phrasing_fails_over_http_with_its_message() {
    let world = world();
    let (out, json) = run(&world, &["vocabulary_failing.feature"], false);
    out.code(1);
    let shop = format!("http://127.0.0.1:{}", world.shop);
    let closed = format!("127.0.0.1:{}", world.closed);
    let order = format!("{shop}/order");
    let dir = features();
    let c = "CRITICAL";
    let expected: Vec<(&str, &str, String)> = vec![
        ("being on the homepage of a closed port", c, format!("Given I am on the homepage - connection refused: http://{closed}/")),
        ("the homepage of a closed port", c, format!("When I go to the homepage - connection refused: http://{closed}/")),
        ("being on a page on a closed port", c, format!("Given I am on \"/login\" - connection refused: http://{closed}/login")),
        ("a page on a closed port", c, format!("When I go to \"/login\" - connection refused: http://{closed}/login")),
        ("nothing to reload", c, "When I reload the page - no page is open yet: go to one first".into()),
        ("nothing to go back to", c, "When I move backward one page - there is no page to go back to".into()),
        ("nothing to go forward to", c, "When I move forward one page - there is no page to go forward to".into()),
        ("on another page", c, format!("Then I should be on \"/login\" - expected to be on /login, but the page is {shop}/about")),
        ("not on the homepage", c, format!("Then I should be on the homepage - expected to be on /, but the page is {shop}/about")),
        ("the url does not match", c, "Then the url should match \"^/search$\" - the URL path `/about` does not match `^/search$`".into()),
        ("a missing page", c, "Then the response status code should be 200 - the response status code is 404, expected 200".into()),
        ("a server error", c, "Then the response status code should not be 500 - the response status code is 500, which it should not be".into()),
        ("the admin is open", c, format!("Then access is refused - access is not refused: 200 OK at {shop}/open-admin (expected 401, 403, or a redirect to a login page with a password field)")),
        ("no such button", c, format!("When I press \"Pay now\" - no button \"Pay now\" on {order}")),
        ("no such link", c, format!("When I follow \"Careers\" - no link \"Careers\" on {order}")),
        ("typing into a checkbox", c, "When I fill in \"Newsletter\" with \"yes\" - field \"Newsletter\": it is a checkbox field: use `check \"…\"`".into()),
        ("no field for a doc string", c, format!("When I fill in \"Phone\" with: - no field \"Phone\" on {order}")),
        ("typing into a select", c, "When I fill in \"Gift wrap\" for \"Extras\" - field \"Extras\": it is a select field: use `select \"…\" from \"…\"`".into()),
        ("typing a file name into a file field", c, "When I fill in the following: - field \"Photo\": it is a file field: use `attach the file \"…\" to \"…\"`".into()),
        ("no such option", c, "When I select \"Overnight\" from \"shipping\" - field \"shipping\": it has no option `Overnight` (it has: Standard, Express)".into()),
        ("additionally selecting in a text field", c, "When I additionally select \"Box\" from \"Your name\" - field \"Your name\": it is a text field, not a select".into()),
        ("additionally selecting in a single select", c, "And I additionally select \"Express\" from \"shipping\" - field \"shipping\": it takes one option: use `select \"…\" from \"…\"`".into()),
        ("checking a text field", c, "When I check \"Your name\" - field \"Your name\": it is a text field, not a checkbox".into()),
        ("unchecking a radio button", c, "When I uncheck \"Invoice\" - field \"Invoice\": it is a radio field, not a checkbox".into()),
        ("attaching a file that is not there", "UNKNOWN", format!("When I attach the file \"missing.txt\" to \"Photo\" - cannot attach {dir}/missing.txt: no such file")),
        ("a text that is not there", c, "Then I should see \"Free shipping\" - the text \"Free shipping\" is not on the page".into()),
        ("a text that is there", c, "Then I should not see \"Place order\" - the text \"Place order\" is on the page, and should not be".into()),
        ("no text matching", c, "Then I should see text matching \"Order #\\d+\" - text matching `Order #\\d+` is not on the page".into()),
        ("a text matching", c, "Then I should not see text matching \"(?i)place ORDER\" - text matching `(?i)place ORDER` is on the page, and should not be".into()),
        ("not in the response", c, "Then the response should contain \"noindex\" - \"noindex\" is not in the response".into()),
        ("in the response", c, "Then the response should not contain \"<footer\" - \"<footer\" is in the response, and should not be".into()),
        ("a text not in an element", c, "Then I should see \"Careers\" in the \"footer\" element - the text \"Careers\" is not in the \"footer\" element".into()),
        ("a text in an element", c, "Then I should not see \"Imprint\" in the \"footer\" element - the text \"Imprint\" is in the \"footer\" element, and should not be".into()),
        ("HTML not in an element", c, "Then the \"footer\" element should contain \"<a href=\\\"/careers\\\">\" - \"<a href=\"/careers\">\" is not in the \"footer\" element".into()),
        ("HTML in an element", c, "Then the \"head\" element should not contain \"robots\" - \"robots\" is in the \"head\" element, and should not be".into()),
        ("no such element", c, "Then I should see a \".cart\" element - a \".cart\" element is not on the page".into()),
        ("an element that should not be there", c, "Then I should not see a \"footer\" element - a \"footer\" element is on the page, and should not be".into()),
        ("a wrong number of elements", c, "Then I should see 3 \"option\" elements - 5 \"option\" elements on the page, expected 3".into()),
        ("a field with another value", c, "Then the \"coupon\" field should contain \"SAVE10\" - the \"coupon\" field contains \"NONE\", expected \"SAVE10\"".into()),
        ("a field with the value it should not have", c, "Then the \"coupon\" field should not contain \"none\" - the \"coupon\" field contains \"NONE\", which it should not".into()),
        ("an unchecked checkbox that should be checked", c, "Then the \"terms\" checkbox should be checked - the \"terms\" checkbox is not checked".into()),
        ("an unchecked checkbox that is said to be checked", c, "Then the checkbox \"Terms\" is checked - the \"Terms\" checkbox is not checked".into()),
        ("a checked checkbox that should be unchecked", c, "Then the \"newsletter\" checkbox should not be checked - the \"newsletter\" checkbox is checked".into()),
        ("a checked checkbox that is said to be unchecked", c, "Then the checkbox \"Newsletter\" is unchecked - the \"Newsletter\" checkbox is checked".into()),
        ("an unchecked checkbox that is checked, it says", c, "Then the \"Terms\" checkbox is checked - the \"Terms\" checkbox is not checked".into()),
        ("a checked checkbox that is not checked, it says", c, "Then the \"Newsletter\" checkbox is not checked - the \"Newsletter\" checkbox is checked".into()),
        ("a checked checkbox that should not be checked", c, "Then the checkbox \"newsletter\" should not be checked - the \"newsletter\" checkbox is checked".into()),
        ("another JSON value", c, "Then the JSON at \"/status\" should be \"down\" - the JSON at `/status` is \"ok\", expected \"down\"".into()),
        ("another header", c, "Then the \"Cache-Control\" header should be \"public\" - the \"Cache-Control\" header is \"no-store\", expected \"public\"".into()),
        ("a header without the text", c, "Then the \"Content-Type\" response header should contain \"xml\" - the \"Content-Type\" header is \"application/json\", expected it to contain \"xml\"".into()),
        ("a closed port", c, format!("Then the service at \"{{{{closed}}}}\" answers - TCP CRITICAL - connection refused on {closed}")),
        ("a self-signed certificate", c, "Then the certificate of \"{{selfsigned}}\" is valid for 1 day - TLS CRITICAL: certificate not trusted: invalid peer certificate: UnknownIssuer (127.0.0.1)".into()),
        ("a critical plugin", c, "Then the Nagios plugin \"check_dummy 2 broken\" is OK - CRITICAL: broken".into()),
        ("a plugin that does not know", "UNKNOWN", "Then the Nagios plugin \"check_dummy 3 unsure\" is OK - UNKNOWN: unsure".into()),
    ];
    let mut expected: Vec<(String, &str, String)> = expected
        .into_iter()
        .map(|(n, s, m)| (format!("Every phrasing fails / {n}"), s, m))
        .collect();
    // What a slow page and a year-long certificate measured is not known before: their start
    // and end are, and the numbers are checked on their own.
    let actual = checks(&json);
    for (name, head, tail, least) in [
        (
            "a slow page",
            "Then the response time should be under 200 ms - the response took ",
            " ms, more than 200 ms",
            1500,
        ),
        (
            "a certificate that expires too soon",
            "Then the certificate of \"{{tls}}\" is valid for 400 days - TLS CRITICAL: certificate expires in ",
            " days (127.0.0.1)",
            363,
        ),
    ] {
        let name = format!("Every phrasing fails / {name}");
        let got = actual
            .iter()
            .find(|a| a.0 == name)
            .unwrap_or_else(|| panic!("missing {name}"));
        let number: u64 = got
            .2
            .strip_prefix(head)
            .and_then(|rest| rest.strip_suffix(tail))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{name}: {}", got.2));
        assert!(number >= least, "{name}: {}", got.2);
        assert_eq!(got.1, "CRITICAL", "{name}");
        expected.push((name, "CRITICAL", got.2.clone()));
    }
    exactly(&json, &expected);
    // What the page has instead of the field it names.
    let missing =
        crate::browser_checks::result(&json, "Every phrasing fails / no field for a doc string");
    assert_eq!(
        crate::features::evidence(missing, "reply"),
        ORDER_FIELDS,
        "{missing}"
    );
}

/// The fields of the shop's order form, as the judge names them when a step names another.
const ORDER_FIELDS: &str =
    "fields on the page: name, coupon, comment, shipping, extras, pay, newsletter, terms, photo";

#[test]
fn in_page_phrasings_pass_and_fail_in_chromium() {
    let world = world();
    let marker = marker("vocabulary-browser");
    let (out, json) = run(
        &world,
        &[
            "vocabulary_browser.feature",
            "vocabulary_browser_failing.feature",
        ],
        true,
    );
    out.code(1);
    let pass = "Every in-page phrasing passes in a browser / an order, an API and a late receipt";
    let fail = |n: &str| format!("In-page phrasings fail in a browser / {n}");
    // Its summary ends with how long it took.
    let passed = checks(&json)
        .into_iter()
        .find(|c| c.0 == pass)
        .map(|c| c.2)
        .unwrap_or_default();
    let steps = format!(
        "BROWSER OK - 41 steps of {}/vocabulary_browser.feature:5 in ",
        features()
    );
    assert!(passed.starts_with(&steps), "{passed}");
    exactly(
        &json,
        &[
            (pass.to_string(), "OK", passed.clone()),
            (
                fail("a text that never appears"),
                "CRITICAL",
                "BROWSER CRITICAL - Then I wait up to 1 second to see \"Refund issued\" - the text \"Refund issued\" did not appear within 1000 ms".into(),
            ),
            (
                fail("an element that never appears"),
                "CRITICAL",
                "BROWSER CRITICAL - Then I wait up to 1 second for the \"#refund\" element - no \"#refund\" element appeared within 1000 ms".into(),
            ),
            (
                fail("additionally selecting in a single select"),
                "CRITICAL",
                "BROWSER CRITICAL - When I additionally select \"Express\" from \"shipping\" - field \"shipping\": it takes one option: use `select \"…\" from \"…\"`".into(),
            ),
            (
                fail("a field with the value it should not have"),
                "CRITICAL",
                // The same words as over HTTP.
                "BROWSER CRITICAL - Then the \"coupon\" field should not contain \"none\" - the \"coupon\" field contains \"NONE\", which it should not".into(),
            ),
            (
                fail("no field by that name"),
                "CRITICAL",
                format!("BROWSER CRITICAL - When I fill in \"Phone\" with \"0123\" - no field \"Phone\" on http://127.0.0.1:{}/order", world.shop),
            ),
        ],
    );
    // The judge's evidence reaches the report as over HTTP: what fields the page has instead.
    let missing = crate::browser_checks::result(&json, &fail("no field by that name"));
    assert_eq!(
        crate::features::evidence(missing, "reply"),
        ORDER_FIELDS,
        "{missing}"
    );
    assert!(leftovers(&marker).is_empty(), "{:?}", leftovers(&marker));
}
