//! Gherkin feature files as checks, against a small shop served here on loopback that keeps a
//! session in a cookie and takes forms as a browser posts them: scenarios, outlines, rules and
//! backgrounds passing over HTTP; failing steps with their line, what was expected and found;
//! unknown and ambiguous steps as load errors at their place; a French feature; `steps`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use crate::harness::*;

const LOGIN: &str = r#"<html><head><title>Log in</title></head><body><h1>Log in</h1>
<form method="post" action="/login">
  <label for="user">User name</label> <input id="user" name="user">
  <input name="pass" type="password" placeholder="Password">
  <label><input type="checkbox" name="remember" value="yes"> Remember me</label>
  <select name="lang"><option value="en">English</option><option value="de">Deutsch</option></select>
  <input type="hidden" name="csrf" value="t0ken">
  <button type="submit" name="go" value="1">Sign in</button>
</form>MESSAGE</body></html>"#;

fn page(title: &str, body: &str) -> String {
    format!("<html><head><title>{title}</title></head><body>{body}</body></html>")
}

fn form_values(text: &str) -> HashMap<String, String> {
    url_decode_pairs(text).into_iter().collect()
}

fn url_decode_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&String::from_utf8_lossy(&bytes[i + 1..i + 3]), 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// (status, extra headers, body) for one request.
fn route(method: &str, target: &str, cookie: &str, body: &str) -> (u16, Vec<String>, String) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let session = cookie
        .split("; ")
        .find_map(|c| c.strip_prefix("session="))
        .unwrap_or_default()
        .to_string();
    let html = |b: String| (200, Vec::new(), b);
    match (method, path) {
        ("GET", "/") => html(page(
            "Shop",
            "<h1>Welcome to the shop</h1><a href=\"/about\">About us</a> <a href=\"/login\">Log in</a>\
             <form action=\"/search\"><input name=\"q\" placeholder=\"Search\"><input type=\"submit\" value=\"Search\"></form>",
        )),
        ("GET", "/about") => html(page("About", "<h1>About</h1><p>About the shop: since 1999.</p>")),
        ("GET", "/login") => html(LOGIN.replace("MESSAGE", "")),
        ("POST", "/login") => {
            let form = form_values(body);
            if form.get("user").map(String::as_str) == Some("bob")
                && form.get("pass").map(String::as_str) == Some("hunter22")
                && form.get("csrf").map(String::as_str) == Some("t0ken")
                && form.get("go").map(String::as_str) == Some("1")
            {
                let lang = form.get("lang").cloned().unwrap_or_default();
                let remember = form.get("remember").cloned().unwrap_or_default();
                (
                    303,
                    vec![
                        "Location: /account".into(),
                        format!("Set-Cookie: session=bob-{lang}-{remember}; Path=/; HttpOnly"),
                    ],
                    String::new(),
                )
            } else {
                html(LOGIN.replace("MESSAGE", "<p id=\"message\">Wrong password</p>"))
            }
        }
        ("GET", "/account") if session.starts_with("bob-") => {
            let parts: Vec<&str> = session.split('-').collect();
            let hello = if parts.get(1) == Some(&"de") { "Hallo" } else { "Hello" };
            html(page(
                "Account",
                &format!(
                    "<h1>Account</h1><p>Hello, shopper</p><p id=\"greeting\">{hello}, bob</p>\
                     <form><label><input type=\"checkbox\" name=\"remember\" {}> Remember me</label></form>",
                    if parts.get(2) == Some(&"yes") { "checked" } else { "" }
                ),
            ))
        }
        ("GET", "/account" | "/admin") => (
            302,
            vec![format!("Location: /login?next={path}")],
            String::new(),
        ),
        ("GET", "/later") => html(page(
            "Paying",
            "<h1>Paying</h1><div id=\"out\"></div><script>setTimeout(function () { document.getElementById('out').innerHTML = '<p id=\"receipt\">Payment accepted</p>'; }, 400);</script>",
        )),
        ("GET", "/open-admin") => html(page("Admin", "<h1>Admin</h1><p>All orders</p>")),
        ("GET", "/api/status") => (
            200,
            vec![
                "Content-Type: application/json".into(),
                "Cache-Control: no-store".into(),
            ],
            r#"{"status":"ok","version":3}"#.into(),
        ),
        ("GET", "/broken") => (500, Vec::new(), page("Error", "<h1>Error</h1><p>Lorem ipsum dolor</p>")),
        ("GET", "/search") => {
            let q = form_values(query).get("q").cloned().unwrap_or_default();
            html(page(
                "Search",
                &format!(
                    "<h1>Search</h1><form action=\"/search\"><input name=\"q\" value=\"{q}\"><input type=\"submit\" value=\"Search\"></form>\
                     <p>Results for {q}</p><ul><li class=\"result\">{q} (red)</li><li class=\"result\">{q} (blue)</li></ul>"
                ),
            ))
        }
        ("GET", "/order") => html(ORDER.into()),
        ("POST", "/order") => html(order_received(body)),
        ("GET", "/slow") => {
            std::thread::sleep(Duration::from_millis(1500));
            html(page("Slow", "<h1>Slow</h1><p>At last</p>"))
        }
        _ => (404, Vec::new(), page("Not found", "<h1>Not found</h1>")),
    }
}

/// A form with a control of every kind, posted as multipart (a file field is in it).
const ORDER: &str = r#"<html><head><title>Order</title><meta name="robots" content="index"></head><body>
<h1>Order</h1>
<form method="post" action="/order" enctype="multipart/form-data">
  <label for="name">Your name</label> <input id="name" name="name">
  <input name="coupon" placeholder="Coupon code" value="NONE">
  <label for="comment">Comment</label> <textarea id="comment" name="comment"></textarea>
  <label for="shipping">Shipping</label>
  <select id="shipping" name="shipping"><option value="std">Standard</option><option value="exp">Express</option></select>
  <label for="extras">Extras</label>
  <select id="extras" name="extras" multiple><option value="wrap">Gift wrap</option><option value="card">Card</option><option value="box">Box</option></select>
  <label><input type="radio" name="pay" value="card" checked> Credit card</label>
  <label><input type="radio" name="pay" value="invoice"> Invoice</label>
  <label><input type="checkbox" name="newsletter" value="yes" checked> Newsletter</label>
  <label><input type="checkbox" name="terms" value="yes"> Terms</label>
  <label for="photo">Photo</label> <input type="file" id="photo" name="photo">
  <button type="submit">Place order</button>
</form>
<footer><a href="/imprint">Imprint</a></footer>
</body></html>"#;

/// The parts of a multipart/form-data body: (name, file name, content). The boundary is the
/// body's first line, as a browser (and smokegate) writes it.
fn multipart(body: &str) -> Vec<(String, Option<String>, String)> {
    let Some(boundary) = body.lines().next().filter(|b| b.starts_with("--")) else {
        return Vec::new();
    };
    let quoted = |head: &str, key: &str| {
        head.split(&format!("{key}=\""))
            .nth(1)
            .and_then(|rest| rest.split_once('"'))
            .map(|(v, _)| v.to_string())
    };
    body.split(boundary)
        .filter_map(|part| {
            let part = part.strip_prefix("\r\n")?;
            let (head, content) = part.split_once("\r\n\r\n")?;
            let content = content.strip_suffix("\r\n").unwrap_or(content);
            Some((
                quoted(head, " name")?,
                quoted(head, "filename"),
                content.to_string(),
            ))
        })
        .collect()
}

/// The order as the server received it: every field, and the file's name, size and bytes.
fn order_received(body: &str) -> String {
    let parts = multipart(body);
    let all = |name: &str| -> Vec<String> {
        parts
            .iter()
            .filter(|p| p.0 == name)
            .map(|p| p.2.clone())
            .collect()
    };
    let one = |name: &str| all(name).join(", ");
    let file = parts
        .iter()
        .find(|p| p.0 == "photo")
        .map(|p| {
            format!(
                "{}, {} bytes: {}",
                p.1.clone().unwrap_or_default(),
                p.2.len(),
                p.2
            )
        })
        .unwrap_or_else(|| "none".into());
    let yes_no = |name: &str| if all(name).is_empty() { "no" } else { "yes" };
    page(
        "Order received",
        &format!(
            "<h1>Order received</h1><p>Name: {}</p><p>Coupon: {}</p><p>Comment: {}</p>\
             <p>Shipping: {}</p><p>Extras: {}</p><p>Pay: {}</p><p>Newsletter: {}</p>\
             <p>Terms: {}</p><p>File: {file}</p><a href=\"/\">Back to the shop</a>",
            one("name"),
            one("coupon"),
            one("comment").replace("\r\n", " | ").replace('\n', " | "),
            one("shipping"),
            one("extras"),
            one("pay"),
            yes_no("newsletter"),
            yes_no("terms"),
        ),
    )
}

/// Serves the shop on loopback. Bounded in connections.
pub(crate) fn shop() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(2000) {
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let Ok(clone) = stream.try_clone() else {
                    return;
                };
                let mut reader = BufReader::new(clone);
                let mut stream = stream;
                // Keep-alive: answer requests until the client closes.
                for _ in 0..100 {
                    let mut first = String::new();
                    if reader.read_line(&mut first).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut length = 0usize;
                    let mut cookie = String::new();
                    loop {
                        let mut line = String::new();
                        match reader.read_line(&mut line) {
                            Ok(0) | Err(_) => return,
                            Ok(_) if line == "\r\n" => break,
                            Ok(_) => {
                                let lower = line.to_ascii_lowercase();
                                if let Some(v) = lower.strip_prefix("content-length:") {
                                    length = v.trim().parse().unwrap_or(0);
                                }
                                if lower.starts_with("cookie:") {
                                    cookie = line[7..].trim().to_string();
                                }
                            }
                        }
                    }
                    let mut body = vec![0u8; length.min(1 << 20)];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let mut words = first.split_whitespace();
                    let method = words.next().unwrap_or("GET").to_string();
                    let target = words.next().unwrap_or("/").to_string();
                    let (status, headers, text) =
                        route(&method, &target, &cookie, &String::from_utf8_lossy(&body));
                    let mut head =
                        format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", text.len());
                    if !headers.iter().any(|h| h.starts_with("Content-Type")) {
                        head.push_str("Content-Type: text/html; charset=utf-8\r\n");
                    }
                    for h in headers {
                        head.push_str(&h);
                        head.push_str("\r\n");
                    }
                    head.push_str("\r\n");
                    if stream.write_all(head.as_bytes()).is_err()
                        || stream.write_all(text.as_bytes()).is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    port
}

pub(crate) fn features() -> String {
    repo().join("fixtures/features").display().to_string()
}

fn suite(port: u16, files: &[&str]) -> String {
    let list: Vec<String> = files
        .iter()
        .map(|f| format!("\"{}/{f}\"", features()))
        .collect();
    format!(
        "[vars]\nbase = \"http://127.0.0.1:{port}\"\n\n[defaults]\ntimeout = \"30s\"\n\n[import]\nfeatures = [{}]\n",
        list.join(", ")
    )
}

fn result<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    crate::browser_checks::result(json, name)
}

pub(crate) fn evidence(check: &serde_json::Value, label: &str) -> String {
    check["evidence"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["label"] == label))
        .and_then(|e| e["text"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_stakeholder_feature_runs_over_http_and_passes() {
    let port = shop();
    let out = Smokegate::new()
        .suite(&suite(port, &["shop.feature"]))
        .env("SHOP_PASS", "hunter22")
        .args(&[
            "run",
            "--json",
            "out/r.json",
            "--junit",
            "out/r.xml",
            "--color",
            "never",
        ])
        .file("out/.keep", "")
        .run();
    out.code(0);
    let json = out.json("out/r.json");
    let names: Vec<&str> = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Shop after the release / anonymous visitors cannot reach the admin",
            "Shop after the release / a shopper can log in",
            "Shop after the release / the API says it is up",
            "Shop after the release / pages without test strings (page=/)",
            "Shop after the release / pages without test strings (page=/about)",
            "Shop after the release / the about page is linked from the home page",
            "Shop after the release / searching finds what was asked",
        ]
    );
    for check in json["checks"].as_array().expect("checks") {
        assert_eq!(
            check["state"], "OK",
            "{}: {}",
            check["name"], check["summary"]
        );
    }
    assert_eq!(
        result(&json, "Shop after the release / the API says it is up")["tags"],
        serde_json::json!(["scenario", "smoke", "api"])
    );
    assert_eq!(
        result(&json, "Shop after the release / a shopper can log in")["summary"],
        "SCENARIO OK - 11 steps passed"
    );
    // The password came from the environment; it reaches no report.
    for report in ["out/r.json", "out/r.xml"] {
        assert!(!out.read(report).contains("hunter22"), "{report}");
    }
    assert!(!out.stdout.contains("hunter22"));
}

#[test]
fn a_failing_step_shows_its_line_what_was_expected_and_found_and_what_was_skipped() {
    let port = shop();
    let out = Smokegate::new()
        .suite(&suite(port, &["broken.feature"]))
        .args(&["run", "--json", "out/r.json", "--color", "never"])
        .file("out/.keep", "")
        .run();
    out.code(1);
    let json = out.json("out/r.json");
    let open = result(&json, "Broken release / the admin is open to anyone");
    assert_eq!(open["state"], "CRITICAL");
    assert_eq!(
        open["summary"],
        format!("Then access is refused - access is not refused: 200 OK at http://127.0.0.1:{port}/open-admin (expected 401, 403, or a redirect to a login page with a password field)")
    );
    let file = format!("{}/broken.feature", features());
    assert_eq!(
        evidence(open, "failed step"),
        format!("{file}:5:5\n   5 |     Then access is refused\n     |     ^^^^^^^^^^^^^^^^^^^^^^")
    );
    assert_eq!(
        evidence(open, "scenario"),
        "passed     3: Given the site \"{{base}}\"\npassed     4: When I go to \"/open-admin\"\nFAILED     5: Then access is refused\nskipped    6: And I should see \"never reached\""
    );
    assert_eq!(
        evidence(open, "page url"),
        format!("http://127.0.0.1:{port}/open-admin")
    );
    assert_eq!(evidence(open, "body"), "Admin All orders");
    let broken = result(&json, "Broken release / test strings reached the live site");
    assert_eq!(
        broken["summary"],
        "Then the response status code should not be 500 - the response status code is 500, which it should not be"
    );
    assert!(
        out.stdout.contains("Then access is refused"),
        "{}",
        out.stdout
    );
}

#[test]
fn unknown_and_ambiguous_steps_are_load_errors_at_their_place_and_nothing_runs() {
    let marker = marker("feature-errors");
    let out = Smokegate::new()
        .file(
            "checks/f.feature",
            "Feature: F\n  Scenario: S\n    Given the site \"http://127.0.0.1:9\"\n    When I go to \"/\"\n    Then I shuold see \"Welcome\"\n    And the response status code should be 999\n    And the Nagios plugin \"check_nothing_here\" is OK\n",
        )
        .file("checks/empty.feature", "Feature: Nothing here\n")
        .file("checks/bad.feature", "Feature: F\n  Scenario: S\n    Given I go to \"/\"\n  | a | b |\n  | c |\n")
        .file("checks/not.feature", "Feature: F\n  Scenario: S\n    Gven I go to \"/\"\n")
        .marked(&marker)
        .args(&["validate"])
        .run();
    out.code(2);
    let err = &out.stderr;
    for expected in [
        "error: unknown step `I shuold see \"Welcome\"`\n --> checks/f.feature:5:10",
        "closest known steps:\n  Then I should see \"Hello, shopper\"",
        "error: step `the response status code should be 999`: 999 is not an HTTP status code\n --> checks/f.feature:6:9",
        "error: step `the Nagios plugin \"check_nothing_here\" is OK`: plugin `check_nothing_here` not found (looked in /usr/lib/nagios/plugins, /usr/lib64/nagios/plugins, /usr/local/nagios/libexec)\n --> checks/f.feature:7:9",
        "error: feature \"Nothing here\" has no scenarios\n --> checks/empty.feature:1:1",
        "error: not Gherkin: this line is not a keyword line (Feature, Rule, Background, Scenario, Scenario Outline, Examples, Given, When, Then, And, But), a table row, a doc string, a tag or a comment\n --> checks/bad.feature:6:1",
        "= note: a table above has rows with different numbers of cells",
        "error: scenario \"S\" has no steps\n --> checks/not.feature:2:3",
        "its description reads `Gven I go to \"/\"`: a step with a misspelled keyword (Given, When, Then, And, But)?",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in\n{err}");
    }
    assert!(leftovers(&marker).is_empty());
}

#[test]
fn a_step_outside_the_page_in_a_browser_scenario_is_a_load_error_and_nothing_runs() {
    let marker = marker("feature-browser-outside");
    let out = Smokegate::new()
        .file(
            "checks/b.feature",
            "@browser\nFeature: F\n  Scenario: S\n    Given I am on \"http://127.0.0.1:9/\"\n    Then the service at \"127.0.0.1:9\" answers\n",
        )
        .marked(&marker)
        .args(&["run"])
        .run();
    out.code(2);
    assert!(
        out.stderr.contains(
            "error: a service step runs outside the page: it cannot be a step of a browser scenario (@browser); put it in a scenario of its own\n --> checks/b.feature:5:5\n  |\n5 |     Then the service at \"127.0.0.1:9\" answers\n  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\nerror: the suite has 1 error; nothing ran"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(leftovers(&marker).is_empty());
}

#[test]
fn an_outline_row_a_rule_and_a_french_feature_load_as_written() {
    let port = shop();
    let out = Smokegate::new()
        .suite(&suite(port, &["fonctionnalite.feature"]))
        .args(&["run", "--json", "out/r.json", "--color", "never"])
        .file("out/.keep", "")
        .run();
    out.code(0);
    let json = out.json("out/r.json");
    let check = result(
        &json,
        "La boutique après la mise en production / la page d'accueil répond",
    );
    assert_eq!(check["state"], "OK", "{}", check["summary"]);
    assert_eq!(check["summary"], "SCENARIO OK - 4 steps passed");
}

#[test]
fn steps_lists_every_phrasing_with_an_example() {
    let out = Smokegate::new().args(&["steps"]).run();
    out.code(0);
    for line in [
        "Pages",
        "  Then access is refused",
        "Forms and links",
        "  When I fill in \"user\" with \"bob\"",
        "Content",
        "Responses",
        "Waiting (in a browser)",
        "Services",
        "  Then the Nagios plugin \"check_disk -w 10% -c 5% -p /\" is OK",
    ] {
        assert!(
            out.stdout.lines().any(|l| l == line),
            "missing {line:?} in\n{}",
            out.stdout
        );
    }
}

#[test]
fn browser_scenarios_run_in_chromium_with_the_same_steps() {
    let port = shop();
    let marker = marker("feature-browser");
    let suite = format!(
        "[browser]\nsessions = 2\n\n{}",
        suite(port, &["browser.feature"])
    );
    let out = Smokegate::new()
        .suite(&suite)
        .env("SHOP_PASS", "hunter22")
        .marked(&marker)
        .args(&[
            "run",
            "--json",
            "out/r.json",
            "--junit",
            "out/r.xml",
            "--color",
            "never",
        ])
        .file("out/.keep", "")
        .run();
    out.code(1);
    let json = out.json("out/r.json");
    for name in [
        "Shop in a real browser / a shopper logs in",
        "Shop in a real browser / a payment confirmation appears after the page loaded",
        "Shop in a real browser / the admin is refused",
    ] {
        let check = result(&json, name);
        assert_eq!(
            check["state"], "OK",
            "{name}: {} {}",
            check["summary"], check["evidence"]
        );
        assert_eq!(check["tags"], serde_json::json!(["scenario", "browser"]));
    }
    let missing = result(
        &json,
        "Shop in a real browser / a missing text fails at its line",
    );
    assert_eq!(missing["state"], "CRITICAL");
    let file = format!("{}/browser.feature", features());
    assert_eq!(
        evidence(missing, "failed step"),
        format!(
            "{file}:31:5\n  31 |     When I follow \"nowhere\"\n     |     ^^^^^^^^^^^^^^^^^^^^^^^"
        )
    );
    assert_eq!(
        evidence(missing, "scenario"),
        format!("{file}:29\npassed     5: Given the site \"{{{{base}}}}\"\npassed    30: Given I am on \"/about\"\nFAILED    31: When I follow \"nowhere\"\nskipped   32: Then I should see \"Free shipping\"")
    );
    assert_eq!(
        missing["summary"],
        format!("BROWSER CRITICAL - When I follow \"nowhere\" - no link \"nowhere\" on http://127.0.0.1:{port}/about")
    );
    for report in ["out/r.json", "out/r.xml"] {
        assert!(!out.read(report).contains("hunter22"), "{report}");
    }
    assert!(leftovers(&marker).is_empty(), "{:?}", leftovers(&marker));
}

#[test]
fn a_feature_file_on_the_command_line_runs_and_lists_as_scenarios() {
    let port = shop();
    let feature = format!(
        "@api\nFeature: Status\n  Scenario: up\n    Given the site \"http://127.0.0.1:{port}\"\n    When I go to \"/api/status\"\n    Then the JSON at \"/status\" should be \"ok\"\n"
    );
    let listed = Smokegate::new()
        .file("status.feature", &feature)
        .args(&["list", "status.feature"])
        .run();
    listed.code(0);
    assert!(
        listed.stdout.contains("Status / up") && listed.stdout.contains("scenario"),
        "{}",
        listed.stdout
    );
    let out = Smokegate::new()
        .file("status.feature", &feature)
        .args(&["run", "status.feature", "--tag", "api", "--color", "never"])
        .run();
    out.code(0);
    assert!(
        out.stdout
            .contains("Status / up - SCENARIO OK - 3 steps passed"),
        "{}",
        out.stdout
    );
}

/// A value a step reads from the environment is a secret: one too short to be masked (it would
/// show in the page URL, an echoed body, the step list) is a load error at its place.
#[test]
fn a_step_value_from_the_environment_too_short_to_mask_is_a_load_error() {
    let marker = marker("feature-short-secret");
    let out = Smokegate::new()
        .file(
            "checks/f.feature",
            "Feature: F\n  Scenario: S\n    Given the site \"http://127.0.0.1:9\"\n    When I go to \"/login\"\n    And I fill in \"Password\" with \"${SHOP_PASS}\"\n",
        )
        .env("SHOP_PASS", "q7z")
        .marked(&marker)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(2);
    let err = &out.stderr;
    assert!(
        err.contains("error: `SHOP_PASS` is 3 characters long: a value a step reads from the environment is a secret, and a secret shorter than 4 cannot be masked safely\n --> checks/f.feature:5:36"),
        "{err}"
    );
    assert!(!err.contains("q7z"), "{err}");
    assert!(!out.dir.path().join("r.json").exists(), "nothing ran");
    assert!(leftovers(&marker).is_empty());
}

/// A password typed into a password field is a secret; one too short to be masked is not typed,
/// and the scenario fails saying why.
#[test]
fn a_password_too_short_to_mask_is_not_typed_and_fails_the_scenario() {
    let port = shop();
    // Over HTTP and in Chromium alike.
    for tag in ["", "@browser\n"] {
        let out = Smokegate::new()
            .file(
                "checks/f.feature",
                &format!("{tag}Feature: F\n  Scenario: S\n    Given the site \"http://127.0.0.1:{port}\"\n    And I am on \"/login\"\n    When I fill in \"User name\" with \"bob\"\n    And I fill in \"Password\" with \"q7z\"\n    And I press \"Sign in\"\n    Then I should see \"Hello, shopper\"\n"),
            )
            .args(&["run", "--json", "r.json", "--color", "never"])
            .run();
        out.code(1);
        let json = out.json("r.json");
        let check = &json["checks"][0];
        assert_eq!(check["state"], "CRITICAL", "{tag}{check}");
        let summary = check["summary"].as_str().unwrap_or_default();
        // The step that failed is the one that would have typed it.
        assert!(
            summary
                .trim_start_matches("BROWSER CRITICAL - ")
                .starts_with("And I fill in \"Password\" with \"q7z\" - ")
                && summary.contains(
                    "a password of 3 characters cannot be masked safely (a secret has 4 or more): it was not typed"
                ),
            "{tag}{check}"
        );
    }
}

/// An expectation that is empty or blank — written so, or a `${VAR}` that expanded to nothing —
/// is met by every page (a 500 Traceback too): a load error at the step, for every kind.
#[test]
fn an_empty_expectation_is_a_load_error_also_after_expansion() {
    let marker = marker("feature-empty-expectation");
    let steps = [
        "Then I should see \"${EXPECTED_VERSION}\"",
        "Then the response should contain \"${BLANK}\"",
        "Then I should see text matching \"${EXPECTED_VERSION}\"",
        "Then the \"Content-Type\" response header should contain \"${EXPECTED_VERSION}\"",
        "Then the url should match \"\"",
        "Then I should see \"v1\" in the \"${BLANK}\" element",
        "Then I should not see \"  \"",
    ];
    let mut feature = String::from("Feature: F\n");
    for (i, step) in steps.iter().enumerate() {
        feature.push_str(&format!(
            "  Scenario: S{i}\n    Given the site \"http://127.0.0.1:9\"\n    When I go to \"/\"\n    {step}\n"
        ));
    }
    let out = Smokegate::new()
        .file("checks/f.feature", &feature)
        .env("EXPECTED_VERSION", "")
        .env("BLANK", "   ")
        .marked(&marker)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(2);
    let err = &out.stderr;
    for (i, (what, expanded)) in [
        ("text", true),
        ("text", true),
        ("pattern", true),
        ("value", true),
        ("pattern", false),
        ("selector", true),
        ("text", false),
    ]
    .iter()
    .enumerate()
    {
        let written = steps[i].trim_start_matches("Then ");
        let note = if *expanded {
            " (after what the step names was expanded)"
        } else {
            ""
        };
        let line = 5 + 4 * i;
        let expected = format!(
            "error: step `{written}`: the expected {what} is empty{note}: every page would meet it\n --> checks/f.feature:{line}:10"
        );
        assert!(err.contains(&expected), "missing {expected:?} in\n{err}");
    }
    assert!(err.contains("the suite has 7 errors; nothing ran"), "{err}");
    assert!(!out.dir.path().join("r.json").exists(), "nothing ran");
    assert!(leftovers(&marker).is_empty());
}
