//! Scenario steps over HTTP that must not pass on pages that only look right to a text search:
//! text the HTML hides or splits across tags, a body cut at the size limit or left encoded, a
//! redirect to a page that is not a login form, a path after a link to another host, JSON
//! numbers past a double's precision, a header sent twice, fields in a disabled fieldset, a
//! checkbox step on a text field, the second of several elements, a disabled option, and an
//! outline placeholder that no example fills. In a browser besides: text the page does not show
//! (transparent, off-screen, clipped, zero-sized, not rendered), a disabled button, a link to
//! another window, JSON members and numbers. Each failing step beside a passing one.

use crate::harness::*;

fn html(body: &str) -> Reply {
    (
        200,
        Vec::new(),
        format!("<html><head><title>t</title></head><body>{body}</body></html>").into_bytes(),
    )
}

fn redirect(status: u16, to: &str) -> Reply {
    (status, vec![format!("Location: {to}")], Vec::new())
}

const LOGIN_FORM: &str = r#"<form method="post" action="/session"><input name="user"><input type="password" name="pass"><button>Sign in</button></form>"#;

/// An admin page of the kind a broken deploy sends with its refusal.
const DASHBOARD: &str = "<html><body><nav><a href=\"/\">Home</a><a href=\"/orders\">Orders</a></nav><h1>Customers</h1><table><tr><th>Name</th><th>Email</th></tr><tr><td>Ada</td><td>ada@shop.test</td></tr><tr><td>Bob</td><td>bob@shop.test</td></tr></table></body></html>";

/// The site under test: pages that look right to a naive reading and are not.
fn site(other: u16) -> u16 {
    serve_routes(move |r| {
        match r.target.as_str() {
        "/hidden" => html(
            r#"<p>Payment failed</p><div hidden>Order confirmed</div><div style="display: none">Thanks for your order</div><p style="color:red; visibility:hidden !important">Shipped</p>"#,
        ),
        "/split" => html(
            "<p>Total: <span>$</span>0.00</p><p><b>Ex</b>ception</p><ul><li>one</li><li>two</li></ul>",
        ),
        "/big" => {
            let mut page = "<html><body><p>".to_string();
            page.push_str(&"filler ".repeat(750_000));
            page.push_str("Fatal error</p></body></html>");
            (200, Vec::new(), page.into_bytes())
        }
        "/encoded" => (
            200,
            vec!["Content-Encoding: gzip, gzip".into()],
            b"Fatal error".to_vec(),
        ),
        "/admin" => redirect(301, "/admin/"),
        "/admin/" => html(&format!(
            "<h1>Admin dashboard</h1><label>New password <input type=password name=p></label>{LOGIN_FORM}"
        )),
        "/old-authors" => redirect(302, "/authors"),
        "/authors" => html(&format!("<h1>Our authors</h1>{LOGIN_FORM}")),
        "/reports" => redirect(302, "/login"),
        "/login" => (500, Vec::new(), format!("<p>Server error</p>{LOGIN_FORM}").into_bytes()),
        "/account" => redirect(302, "/users/sign_in?next=/account"),
        "/users/sign_in?next=/account" => html(LOGIN_FORM),
        "/staff" => (403, Vec::new(), b"Forbidden".to_vec()),
        "/" => html(&format!(
            r#"<a href="http://127.0.0.1:{other}/help">Help centre</a>"#
        )),
        "/open" => html("<h1>Open admin</h1>"),
        "/json" => (
            200,
            vec!["Content-Type: application/json".into()],
            br#"{"id":9007199254740992,"status":"ok"}"#.to_vec(),
        ),
        "/xfo" => (
            200,
            vec![
                "X-Frame-Options: ALLOWALL".into(),
                "X-Frame-Options: DENY".into(),
            ],
            b"<p>framed</p>".to_vec(),
        ),
        "/coupon" => html(
            r#"<form method="post" action="/apply"><fieldset disabled><legend>Promo</legend><label for="c">Coupon</label><input id="c" name="coupon" value="OLD"></fieldset><label for="e">Email</label><input id="e" name="email"><button>Apply</button></form>"#,
        ),
        "/apply" => html(&format!("<p>posted: {}</p>", r.body)),
        "/prefs" => html(
            r#"<label for="n">Newsletter</label><input id="n" name="newsletter_text"><label><input type="checkbox" name="news" checked> Send news</label>"#,
        ),
        "/alerts" => html(r#"<div class="alert">All good</div><div class="alert">Error: disk full</div>"#),
        "/visibility" => html(
            r#"<p>Shown text</p><p style="opacity:0">Faded text</p><p style="position:absolute;left:-9999px">Far text</p><div style="height:0;overflow:hidden"><p>Folded text</p></div><span style="font-size:0">Tiny text</span><div class="msg" style="display:none">Payment accepted</div>"#,
        ),
        "/order" => html(
            r#"<form method="post" action="/apply"><button disabled>Place order</button></form><a href="/boom" target="_blank">Open receipt</a>"#,
        ),
        "/boom" => (500, Vec::new(), b"<p>Server exploded</p>".to_vec()),
        "/json2" => (
            200,
            vec!["Content-Type: application/json".into()],
            br#"{"items":[1,2],"big":1e400,"dec":1.00000000000000001}"#.to_vec(),
        ),
        "/shown" => html(
            r#"<div hidden style="display:block">Traceback one</div><p style="display:none; display:block">Traceback two</p><div style="visibility:hidden"><span style="visibility:visible">Traceback three</span><span>Quiet</span></div>"#,
        ),
        "/drawn" => html(
            r#"<details><summary>More</summary>Traceback (most recent call last)</details><dialog>Internal Server Error</dialog><p>Lo&shy;rem ip&#x200B;sum</p><p style="color: rgba(0, 0, 0, 0)">Debug <b>mode</b></p>"#,
        ),
        "/signin" => html(LOGIN_FORM),
        // Drawn where a text search would not look, and hidden where it would.
        "/painted" => html(concat!(
            r#"<div id="host"></div><script>document.getElementById('host').attachShadow({mode: 'open'}).innerHTML = '<p>Shadow error</p>';</script>"#,
            r#"<iframe srcdoc="<p>Framed error</p>" style="width:300px;height:60px"></iframe>"#,
            r#"<p style="color: transparent">Clear words</p><p style="-webkit-text-fill-color: transparent">Unfilled words</p>"#,
            r#"<div style="background:#fff"><p style="color:#fff">White words</p></div>"#,
            r#"<p style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)">Clipped words</p>"#,
            r#"<div style="position:relative;height:40px"><p style="margin:0">Covered words</p><div style="position:absolute;inset:0;background:#eee"></div></div>"#,
            r#"<div style="position:relative;height:40px"><p style="margin:0">Dimmed words</p><div style="position:absolute;inset:0;background:rgba(0,0,0,0.3)"></div></div>"#,
        )),
        "/customers" => (401, Vec::new(), DASHBOARD.as_bytes().to_vec()),
        // Execution after redirect: the refusal still sends what it protects.
        "/dashboard" => (302, vec!["Location: /session/login".into()], DASHBOARD.as_bytes().to_vec()),
        "/session/login" => html(LOGIN_FORM),
        "/orders" => (302, vec!["Location: /session/login".into()], b"Found. Redirecting to /session/login".to_vec()),
        "/invoices" => (401, Vec::new(), b"<h1>401 Unauthorized</h1><p>Sign in to see this page.</p><a href=\"/\">Home</a>".to_vec()),
        "/auth/admin" => redirect(301, "/auth/admin/"),
        "/auth/admin/" => html(&format!(
            "<h1>Admin</h1><label>Reset password <input type=password name=p></label>{LOGIN_FORM}"
        )),
        "/ship" => html(
            r#"<form action="/apply"><select name="ship"><option>Standard</option><option disabled>Express</option></select><button>Go</button></form>"#,
        ),
        _ => (404, Vec::new(), b"<p>Not found</p>".to_vec()),
    }
    })
}

/// Another host: its /admin refuses, which must not stand in for the site's.
fn elsewhere() -> u16 {
    serve_routes(|r| match r.target.as_str() {
        "/help" => html("<h1>Help</h1>"),
        "/admin" => (403, Vec::new(), b"Forbidden".to_vec()),
        _ => (404, Vec::new(), Vec::new()),
    })
}

const TRUTH: &str = r#"Feature: Truth
  Background:
    Given the site "{{base}}"

  Scenario: hidden text is not seen
    When I go to "/hidden"
    Then I should see "Payment failed"
    And I should not see "Thanks for your order"
    And I should not see "Shipped"
    And I should see "Order confirmed"

  Scenario: text split by inline tags is one word
    When I go to "/split"
    Then I should see "one two"
    And I should not see "onetwo"
    And I should not see "$0.00"

  Scenario: a pattern over text split by inline tags
    When I go to "/split"
    Then I should not see text matching "(?i)exception"

  Scenario: a page cut at the size limit
    When I go to "/big"
    Then the response status code should be 200
    And I should not see "Fatal error"

  Scenario: a body left encoded
    When I go to "/encoded"
    Then the response should not contain "Fatal error"

  Scenario: a redirect to the same page with a slash
    When I go to "/admin"
    Then access is refused

  Scenario: a redirect to a path that merely contains the word
    When I go to "/old-authors"
    Then access is refused

  Scenario: a redirect to a login page that fails
    When I go to "/reports"
    Then access is refused

  Scenario: a redirect to a login form
    When I go to "/account"
    Then access is refused

  Scenario: a refusal
    When I go to "/staff"
    Then access is refused

  Scenario: a path after a link to another host
    Given I am on "/"
    When I follow "Help centre"
    And I go to "/open"
    Then I should see "Open admin"
    And I should be on "/open"

  Scenario: the other host's page is not the site's
    Given I am on "/"
    When I follow "Help centre"
    Then I should be on "/help"

  Scenario: a JSON number past a double's precision
    When I go to "/json"
    Then the JSON at "/id" should be "9007199254740992"
    And the JSON at "/id" should be "9007199254740993"

  Scenario: a header sent twice
    When I go to "/xfo"
    Then the "X-Frame-Options" header should contain "DENY"
    And the "X-Frame-Options" header should be "DENY"

  Scenario: a field in a disabled fieldset is not sent
    When I go to "/coupon"
    And I fill in "Email" with "a@example.com"
    And I press "Apply"
    Then I should see "email=a%40example.com"
    And I should not see "coupon="

  Scenario: a field in a disabled fieldset cannot be filled
    When I go to "/coupon"
    And I fill in "Coupon" with "SAVE10"
    And I press "Apply"
    Then I should see "coupon=SAVE10"

  Scenario: a checkbox step on a text field
    When I go to "/prefs"
    Then the "Send news" checkbox should be checked
    And the "Newsletter" checkbox should not be checked

  Scenario: every element a selector finds
    When I go to "/alerts"
    Then I should see "Error" in the ".alert" element
    And I should not see "Error" in the ".alert" element

  Scenario: a disabled option
    When I go to "/ship"
    And I select "Express" from "ship"
    Then the "ship" field should contain "Express"

  Scenario: a trailing-slash redirect under /auth
    When I go to "/auth/admin"
    Then access is refused

  Scenario: text the HTML shows after all
    When I go to "/shown"
    Then I should see "Traceback one"
    And I should see "Traceback two"
    And I should see "Traceback three"
    And I should not see "Quiet"
    And I should not see "Traceback"

  Scenario: a closed details shows its summary only
    When I go to "/drawn"
    Then I should see "More"
    And I should see "Traceback"

  Scenario: a dialog not open is not seen
    When I go to "/drawn"
    Then I should see "Internal Server Error"

  Scenario: characters that draw nothing do not hide a word
    When I go to "/drawn"
    Then I should not see "lorem ipsum"

  Scenario: transparent text is not seen
    When I go to "/drawn"
    Then I should see "Debug mode"

  Scenario: a redirect that sends the page it protects
    When I go to "/dashboard"
    Then access is refused

  Scenario: a redirect that says only where to go
    When I go to "/orders"
    Then access is refused

  Scenario: a 401 that sends the data it protects
    When I go to "/customers"
    Then access is refused

  Scenario: a 401 that only says so
    When I go to "/invoices"
    Then access is refused
"#;

/// Runs `feature` against the site (and the other host); the base URL, the other host's port and
/// the JSON report. The gate fails: every feature here has failing scenarios.
fn run_truth(feature: &str) -> (String, u16, serde_json::Value) {
    let other = elsewhere();
    let base = format!("http://127.0.0.1:{}", site(other));
    let out = Smokegate::new()
        .file(
            "checks/suite.toml",
            &format!("[vars]\nbase = \"{base}\"\n\n[defaults]\ntimeout = \"60s\"\n\n[import]\nfeatures = [\"../features/truth.feature\"]\n"),
        )
        .file("features/truth.feature", feature)
        .args(&["run", "--json", "out/r.json", "-j", "4"])
        .file("out/.keep", "")
        .run();
    out.code(1);
    let json = out.json("out/r.json");
    (base, other, json)
}

#[test]
fn steps_do_not_pass_on_pages_that_only_look_right() {
    let (base, other, json) = run_truth(TRUTH);
    let expect = [
        ("hidden text is not seen", "CRITICAL", "And I should see \"Order confirmed\" - the text \"Order confirmed\" is not on the page".to_string()),
        ("text split by inline tags is one word", "CRITICAL", "And I should not see \"$0.00\" - the text \"$0.00\" is on the page, and should not be".into()),
        ("a pattern over text split by inline tags", "CRITICAL", "Then I should not see text matching \"(?i)exception\" - text matching `(?i)exception` is on the page, and should not be".into()),
        ("a body left encoded", "UNKNOWN", "Then the response should not contain \"Fatal error\" - body has Content-Encoding \"gzip, gzip\", which smokegate does not decode: cannot establish this step".into()),
        ("a redirect to the same page with a slash", "CRITICAL", format!("Then access is refused - access is not refused: 200 OK at {base}/admin/ (expected 401, 403, or a redirect to a login page with a password field)")),
        ("a redirect to a path that merely contains the word", "CRITICAL", format!("Then access is refused - access is not refused: 200 OK at {base}/authors (expected 401, 403, or a redirect to a login page with a password field)")),
        ("a redirect to a login page that fails", "CRITICAL", format!("Then access is refused - access is not refused: 500 Internal Server Error at {base}/login (expected 401, 403, or a redirect to a login page with a password field)")),
        ("a redirect to a login form", "OK", "SCENARIO OK - 3 steps passed".into()),
        ("a refusal", "OK", "SCENARIO OK - 3 steps passed".into()),
        ("a path after a link to another host", "OK", "SCENARIO OK - 6 steps passed".into()),
        ("the other host's page is not the site's", "CRITICAL", format!("Then I should be on \"/help\" - expected to be on /help, but the page is http://127.0.0.1:{other}/help")),
        ("a JSON number past a double's precision", "CRITICAL", "And the JSON at \"/id\" should be \"9007199254740993\" - the JSON at `/id` is 9007199254740992, expected 9007199254740993".into()),
        ("a header sent twice", "CRITICAL", "And the \"X-Frame-Options\" header should be \"DENY\" - the \"X-Frame-Options\" header is \"ALLOWALL, DENY\", expected \"DENY\"".into()),
        ("a field in a disabled fieldset is not sent", "OK", "SCENARIO OK - 6 steps passed".into()),
        ("a field in a disabled fieldset cannot be filled", "CRITICAL", "And I fill in \"Coupon\" with \"SAVE10\" - field \"Coupon\": it is disabled".into()),
        ("a checkbox step on a text field", "CRITICAL", "And the \"Newsletter\" checkbox should not be checked - \"Newsletter\" is a text field, not a checkbox or a radio button".into()),
        ("every element a selector finds", "CRITICAL", "And I should not see \"Error\" in the \".alert\" element - the text \"Error\" is in the \".alert\" element, and should not be".into()),
        ("text the HTML shows after all", "CRITICAL", "And I should not see \"Traceback\" - the text \"Traceback\" is on the page, and should not be".into()),
        ("a disabled option", "CRITICAL", "And I select \"Express\" from \"ship\" - field \"ship\": its option `Express` is disabled".into()),
        ("a trailing-slash redirect under /auth", "CRITICAL", format!("Then access is refused - access is not refused: 200 OK at {base}/auth/admin/ (expected 401, 403, or a redirect to a login page with a password field)")),
        ("a closed details shows its summary only", "CRITICAL", "And I should see \"Traceback\" - the text \"Traceback\" is not on the page".into()),
        ("a dialog not open is not seen", "CRITICAL", "Then I should see \"Internal Server Error\" - the text \"Internal Server Error\" is not on the page".into()),
        ("characters that draw nothing do not hide a word", "CRITICAL", "Then I should not see \"lorem ipsum\" - the text \"lorem ipsum\" is on the page, and should not be".into()),
        ("transparent text is not seen", "CRITICAL", "Then I should see \"Debug mode\" - the text \"Debug mode\" is not on the page".into()),
        ("a redirect that sends the page it protects", "CRITICAL", format!("Then access is refused - access is refused, but the 302 Found response from {base}/dashboard still carries a page (2 links): what it protects is sent anyway")),
        ("a redirect that says only where to go", "OK", "SCENARIO OK - 3 steps passed".into()),
        ("a 401 that sends the data it protects", "CRITICAL", format!("Then access is refused - access is refused, but the 401 Unauthorized response from {base}/customers still carries a page (2 table rows): what it protects is sent anyway")),
        ("a 401 that only says so", "OK", "SCENARIO OK - 3 steps passed".into()),
    ];
    for (scenario, state, summary) in &expect {
        let check = crate::browser_checks::result(&json, &format!("Truth / {scenario}"));
        assert_eq!(
            (
                check["state"].as_str().unwrap_or_default(),
                check["summary"].as_str().unwrap_or_default()
            ),
            (*state, summary.as_str()),
            "{scenario}"
        );
    }
    // The cut page: UNKNOWN, saying why, whatever the exact count of bytes read.
    let big = crate::browser_checks::result(&json, "Truth / a page cut at the size limit");
    assert_eq!(big["state"], "UNKNOWN", "{}", big["summary"]);
    let summary = big["summary"].as_str().unwrap_or_default();
    assert!(
        summary.starts_with("And I should not see \"Fatal error\" - body larger than max_body (")
            && summary.ends_with(" bytes read): cannot establish this step"),
        "{summary}"
    );
}

#[test]
fn an_outline_placeholder_that_no_example_fills_is_a_load_error() {
    let marker = marker("outline-placeholder");
    let out = Smokegate::new()
        .file(
            "checks/o.feature",
            "Feature: Pages\n  Scenario Outline: no test strings\n    Given the site \"http://127.0.0.1:9\"\n    When I go to \"<page>\"\n    Then the \"main\" element should contain \"<b>\"\n    And I should not see \"<word>\"\n\n    Examples:\n      | path     | word  |\n      | /missing | lorem |\n",
        )
        .marked(&marker)
        .args(&["run"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: `<page>` is not a column of the examples\n --> checks/o.feature:4:19\n  |\n4 |     When I go to \"<page>\"\n  |                   ^^^^^^\n  = note: the examples have: <path>, <word>\n\nerror: the suite has 1 error; nothing ran\n"
    );
    assert!(leftovers(&marker).is_empty());
}

const TRUTH_IN_A_BROWSER: &str = r#"@browser
Feature: Truth in a browser
  Background:
    Given the site "{{base}}"

  Scenario: text drawn in a shadow root is seen
    When I go to "/painted"
    Then I should see "Dimmed words"
    And I should not see "Shadow error"

  Scenario: text in a frame is seen
    When I go to "/painted"
    Then I should not see "Framed error"

  Scenario: transparent text is not seen
    When I go to "/painted"
    Then I should see "Clear words"

  Scenario: text without a fill is not seen
    When I go to "/painted"
    Then I should see "Unfilled words"

  Scenario: text in its background's colour is not seen
    When I go to "/painted"
    Then I should see "White words"

  Scenario: text clipped away is not seen
    When I go to "/painted"
    Then I should see "Clipped words"

  Scenario: text under an opaque element is not seen
    When I go to "/painted"
    Then I should see "Covered words"

  Scenario: a 401 that sends the data it protects
    When I go to "/customers"
    Then access is refused

  Scenario: hidden text is not seen
    When I go to "/hidden"
    Then I should see "Payment failed"
    And I should see "Order confirmed"

  Scenario: a redirect to the same page with a slash
    When I go to "/admin"
    Then access is refused

  Scenario: a redirect to a login form
    When I go to "/account"
    Then access is refused

  Scenario: a JSON number past a double's precision
    When I go to "/json"
    Then the JSON at "/status" should be "ok"
    And the JSON at "/id" should be "9007199254740993"

  Scenario: a checkbox step on a text field
    When I go to "/prefs"
    Then the "Send news" checkbox should be checked
    And the "Newsletter" checkbox should not be checked

  Scenario: every element a selector finds
    When I go to "/alerts"
    Then I should see "Error" in the ".alert" element
    And I should not see "Error" in the ".alert" element

  Scenario: text the page does not show
    When I go to "/visibility"
    Then I should see "Shown text"
    And I should not see "Faded text"
    And I should not see "Far text"
    And I should not see "Folded text"
    And I should not see "Tiny text"
    And I should see "Payment accepted" in the ".msg" element

  Scenario: a disabled button
    When I go to "/order"
    And I press "Place order"
    Then the response status code should be 200

  Scenario: a link to another window
    When I go to "/order"
    And I follow "Open receipt"
    Then the response status code should be 200

  Scenario: a member no JSON value has
    When I go to "/json2"
    Then the JSON at "/items/1" should be "2"
    And the JSON at "/items/length" should be "2"

  Scenario: a number past a double
    When I go to "/json2"
    Then the JSON at "/big" should be "null"

  Scenario: a decimal past a double
    When I go to "/json2"
    Then the JSON at "/dec" should be "1"

  Scenario: a login form visited directly
    When I go to "/signin"
    Then access is refused

  Scenario: a trailing-slash redirect under /auth
    When I go to "/auth/admin"
    Then access is refused
"#;

#[test]
fn in_a_browser_the_same_steps_do_not_pass_either() {
    let (base, _, json) = run_truth(TRUTH_IN_A_BROWSER);
    let expect = [
        ("hidden text is not seen", "CRITICAL", "BROWSER CRITICAL - And I should see \"Order confirmed\" - the text \"Order confirmed\" is not on the page".to_string()),
        ("a redirect to the same page with a slash", "CRITICAL", format!("BROWSER CRITICAL - Then access is refused - access is not refused: 200 OK at {base}/admin/ (expected 401, 403, or a redirect to a login page with a password field)")),
        ("a redirect to a login form", "OK", String::new()),
        ("a JSON number past a double's precision", "CRITICAL", "BROWSER CRITICAL - And the JSON at \"/id\" should be \"9007199254740993\" - the JSON at `/id` is 9007199254740992, expected 9007199254740993".into()),
        ("text the page does not show", "CRITICAL", "BROWSER CRITICAL - And I should see \"Payment accepted\" in the \".msg\" element - the text \"Payment accepted\" is not in the \".msg\" element".into()),
        ("a disabled button", "CRITICAL", "BROWSER CRITICAL - And I press \"Place order\" - button \"Place order\": it is disabled".into()),
        ("a link to another window", "CRITICAL", "BROWSER CRITICAL - Then the response status code should be 200 - the response status code is 500, expected 200".into()),
        ("a member no JSON value has", "CRITICAL", "BROWSER CRITICAL - And the JSON at \"/items/length\" should be \"2\" - the JSON has no value at `/items/length`".into()),
        ("a number past a double", "CRITICAL", "BROWSER CRITICAL - Then the JSON at \"/big\" should be \"null\" - the JSON at `/big` is 1e400, expected null".into()),
        ("a decimal past a double", "CRITICAL", "BROWSER CRITICAL - Then the JSON at \"/dec\" should be \"1\" - the JSON at `/dec` is 1.00000000000000001, expected 1".into()),
        ("a login form visited directly", "CRITICAL", format!("BROWSER CRITICAL - Then access is refused - access is not refused: 200 OK at {base}/signin (expected 401, 403, or a redirect to a login page with a password field)")),
        ("a trailing-slash redirect under /auth", "CRITICAL", format!("BROWSER CRITICAL - Then access is refused - access is not refused: 200 OK at {base}/auth/admin/ (expected 401, 403, or a redirect to a login page with a password field)")),
        ("text drawn in a shadow root is seen", "CRITICAL", "BROWSER CRITICAL - And I should not see \"Shadow error\" - the text \"Shadow error\" is on the page, and should not be".into()),
        ("text in a frame is seen", "CRITICAL", "BROWSER CRITICAL - Then I should not see \"Framed error\" - the text \"Framed error\" is on the page, and should not be".into()),
        ("transparent text is not seen", "CRITICAL", "BROWSER CRITICAL - Then I should see \"Clear words\" - the text \"Clear words\" is not on the page".into()),
        ("text without a fill is not seen", "CRITICAL", "BROWSER CRITICAL - Then I should see \"Unfilled words\" - the text \"Unfilled words\" is not on the page".into()),
        ("text in its background's colour is not seen", "CRITICAL", "BROWSER CRITICAL - Then I should see \"White words\" - the text \"White words\" is not on the page".into()),
        ("text clipped away is not seen", "CRITICAL", "BROWSER CRITICAL - Then I should see \"Clipped words\" - the text \"Clipped words\" is not on the page".into()),
        ("text under an opaque element is not seen", "CRITICAL", "BROWSER CRITICAL - Then I should see \"Covered words\" - the text \"Covered words\" is not on the page".into()),
        ("a 401 that sends the data it protects", "CRITICAL", format!("BROWSER CRITICAL - Then access is refused - access is refused, but the 401 Unauthorized response from {base}/customers still carries a page (2 table rows): what it protects is sent anyway")),
        ("a checkbox step on a text field", "CRITICAL", "BROWSER CRITICAL - And the \"Newsletter\" checkbox should not be checked - \"Newsletter\" is a text field, not a checkbox or a radio button".into()),
        ("every element a selector finds", "CRITICAL", "BROWSER CRITICAL - And I should not see \"Error\" in the \".alert\" element - the text \"Error\" is in the \".alert\" element, and should not be".into()),
    ];
    for (scenario, state, summary) in &expect {
        let check =
            crate::browser_checks::result(&json, &format!("Truth in a browser / {scenario}"));
        assert_eq!(check["state"], *state, "{scenario}: {}", check["summary"]);
        if !summary.is_empty() {
            assert_eq!(check["summary"], *summary, "{scenario}");
        }
    }
}

#[test]
fn a_scenario_that_checks_nothing_is_a_load_error() {
    let marker = marker("checks-nothing");
    let out = Smokegate::new()
        .file(
            "checks/n.feature",
            "Feature: Pages\n  Background:\n    Given the site \"http://127.0.0.1:9\"\n  Scenario: the error page\n    Given I am on \"/s500\"\n    When I follow \"Home\"\n  Scenario: fine\n    Given I am on \"/\"\n    Then the response status code should be 200\n",
        )
        .marked(&marker)
        .args(&["run"])
        .run();
    out.code(2);
    assert_eq!(
        out.stderr,
        "error: scenario \"the error page\" checks nothing\n --> checks/n.feature:4:3\n  |\n4 |   Scenario: the error page\n  |   ^^^^^^^^\n  = note: every step only acts (goes, follows, presses, types): add one that checks, such as `Then the response status code should be 200`\n\nerror: the suite has 1 error; nothing ran\n"
    );
    assert!(leftovers(&marker).is_empty());
}
