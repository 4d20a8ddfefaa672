//! Browser checks in real headless Chromium through Debian's chromedriver, against the test web
//! app in fixtures/webapp served here on loopback: Selenium IDE tests and TOML steps passing and
//! failing with evidence (step, page, screenshot), load errors, a missing driver, a hung page,
//! and no browser process left behind.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use crate::harness::*;

/// Serves fixtures/webapp on loopback; `/hang` accepts and never answers. Bounded in connections.
pub(crate) fn webapp() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(500) {
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let Ok(clone) = stream.try_clone() else {
                    return;
                };
                let mut reader = BufReader::new(clone);
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    return;
                }
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) if line == "\r\n" => break,
                        Ok(_) => {}
                    }
                }
                let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
                let mut stream = stream;
                if path == "/hang" {
                    std::thread::sleep(Duration::from_secs(30));
                    return;
                }
                let file = repo()
                    .join("fixtures/webapp")
                    .join(path.trim_start_matches('/'));
                let (status, body) = match std::fs::read(&file) {
                    Ok(body) if file.is_file() => ("200 OK", body),
                    _ => ("404 Not Found", b"not found".to_vec()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            });
        }
    });
    port
}

fn side() -> String {
    repo()
        .join("fixtures/webapp/shop.side")
        .display()
        .to_string()
}

pub(crate) fn result<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["checks"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["name"] == name))
        .unwrap_or(&serde_json::Value::Null)
}

#[test]
fn selenium_ide_tests_pass_and_fail_with_evidence() {
    let port = webapp();
    let marker = marker("browser");
    let suite = format!(
        "[browser]\nsessions = 2\nimplicit_wait = \"2s\"\n\n[defaults]\ntimeout = \"40s\"\n\n\
         [import]\nside = [{{ file = \"{}\", suites = [\"smoke\", \"broken\"], base_url = \"http://127.0.0.1:{port}\" }}]\n",
        side()
    );
    let out = Smokegate::new()
        .suite(&suite)
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
    for name in ["home", "login", "slow element", "frame"] {
        assert_eq!(
            result(&json, name)["state"],
            "OK",
            "{name}: {}",
            result(&json, name)["summary"]
        );
        assert_eq!(
            result(&json, name)["tags"],
            serde_json::json!(["browser", "side"])
        );
    }
    let wrong = result(&json, "wrong password");
    assert_eq!(wrong["state"], "CRITICAL");
    assert_eq!(
        wrong["summary"],
        "BROWSER CRITICAL - step 5 `verifyText | id=message | Welcome, alice`: expected text \"Welcome, alice\", found text \"Wrong password\""
    );
    // verify* goes on: the assertTitle after it failed too, and is reported.
    assert!(
        wrong["long_output"]
            .to_string()
            .contains("also: step 6 `assertTitle | Account - Acme Shop`"),
        "{}",
        wrong["long_output"]
    );
    let evidence = |label: &str| {
        wrong["evidence"]
            .as_array()
            .and_then(|a| a.iter().find(|e| e["label"] == label))
            .and_then(|e| e["text"].as_str())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(
        evidence("failed step"),
        "#5: verifyText | target: id=message | value: Welcome, alice"
    );
    assert_eq!(
        evidence("page url"),
        format!("http://127.0.0.1:{port}/login.html")
    );
    assert_eq!(evidence("page title"), "Log in - Acme Shop");
    let shot = evidence("screenshot");
    assert!(
        shot.starts_with("out/smokegate-artifacts/"),
        "screenshots go beside the reports: {shot}"
    );
    let png = std::fs::read(out.dir.path().join(&shot)).expect("screenshot written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let xml = out.read("out/r.xml");
    // Under the report's folder: relative to it, as GitLab resolves attachments.
    let attached = shot.trim_start_matches("out/");
    assert!(
        xml.contains(&format!("[[ATTACHMENT|{attached}]]\n")),
        "JUnit links the screenshot relative to itself: {xml}"
    );
    assert!(out.dir.path().join("out").join(attached).is_file());
    assert_eq!(
        leftovers(&marker),
        Vec::<String>::new(),
        "no chromedriver or chromium left"
    );
}

#[test]
fn toml_steps_with_vars_stored_values_and_keys() {
    let port = webapp();
    let suite = format!(
        "[vars]\nbase = \"http://127.0.0.1:{port}\"\n\n[browser]\nimplicit_wait = \"2s\"\n\n\
         [[check]]\nname = \"log in by keyboard\"\ntimeout = \"30s\"\n\
         browser = {{ base_url = \"{{{{base}}}}\", steps = [\n\
           {{ open = \"/login.html\" }},\n\
           {{ type = {{ locator = \"id=user\", text = \"alice\" }} }},\n\
           {{ type = {{ locator = \"id=password\", text = \"s3cret\" }} }},\n\
           {{ send_keys = {{ locator = \"id=password\", text = \"${{KEY_ENTER}}\" }} }},\n\
           {{ store_text = {{ locator = \"id=message\", var = \"greeting\" }} }},\n\
           {{ echo = \"said: ${{greeting}}\" }},\n\
           {{ assert_text = {{ locator = \"id=message\", text = \"Welcome, alice\" }} }},\n\
           {{ assert_element_not_present = \"css=.debug\" }},\n\
           {{ assert_editable = \"id=user\" }},\n\
         ] }}\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(0);
    let json = out.json("r.json");
    let check = result(&json, "log in by keyboard");
    assert_eq!(check["state"], "OK", "{}", check["summary"]);
    assert_eq!(
        check["long_output"],
        serde_json::json!(["echo: said: Welcome, alice"])
    );
}

#[test]
fn unsupported_commands_and_bad_steps_are_load_errors() {
    let out = Smokegate::in_repo()
        .args(&["validate", "fixtures/bad/browser_unsupported.toml"])
        .run();
    out.code(2);
    assert!(out.stderr.contains(
        "error: fixtures/bad/legacy.side: test `drag things`, command 2 (`storeEval`): unsupported command `storeEval`\n --> fixtures/bad/browser_unsupported.toml:2:18"
    ), "{}", out.stderr);
    insta::assert_snapshot!(out.stderr);
    let out = Smokegate::in_repo()
        .args(&["validate", "fixtures/bad/browser_bad_steps.toml"])
        .run();
    out.code(2);
    for loc in ["3:50", "7:22", "11:22", "15:22"] {
        assert!(
            out.stderr
                .contains(&format!("browser_bad_steps.toml:{loc}\n")),
            "missing {loc}: {}",
            out.stderr
        );
    }
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn a_missing_driver_is_unknown_and_the_rest_still_runs() {
    let suite = "[browser]\ndriver = \"/nonexistent/chromedriver\"\n\n\
        [[check]]\nname = \"needs a browser\"\nbrowser = { steps = [{ open = \"about:blank\" }] }\n\n\
        [[check]]\nname = \"plain plugin\"\nnagios = { command = \"check_dummy 0 fine\" }\n";
    let out = Smokegate::new()
        .suite(suite)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    assert_eq!(result(&json, "plain plugin")["state"], "OK");
    assert_eq!(result(&json, "needs a browser")["state"], "UNKNOWN");
    assert_eq!(
        result(&json, "needs a browser")["summary"],
        "no browser: chromedriver not found at /nonexistent/chromedriver (install chromium-driver, or set [browser] driver or remote)"
    );
}

#[test]
fn a_hung_page_ends_at_the_timeout_and_leaves_no_browser() {
    let port = webapp();
    let marker = marker("hungpage");
    let suite = format!(
        "[[check]]\nname = \"hangs\"\ntimeout = \"4s\"\nbrowser = {{ steps = [{{ open = \"http://127.0.0.1:{port}/hang\" }}] }}\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .marked(&marker)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    // The page never answers: a guard (5x the 4 s timeout) against waiting for it.
    assert!(
        out.elapsed < Duration::from_secs(20),
        "took {:?}",
        out.elapsed
    );
    let json = out.json("r.json");
    assert_eq!(result(&json, "hangs")["state"], "CRITICAL");
    assert_eq!(result(&json, "hangs")["summary"], "timed out after 4s");
    assert_eq!(
        leftovers(&marker),
        Vec::<String>::new(),
        "no chromedriver or chromium left"
    );
}

#[test]
fn an_interrupted_run_leaves_no_browser_behind() {
    let port = webapp();
    let marker = marker("browsersigint");
    let suite = format!(
        "[[check]]\nname = \"hangs\"\ntimeout = \"60s\"\nbrowser = {{ steps = [{{ open = \"http://127.0.0.1:{port}/hang\" }}] }}\n\n\
         [[check]]\nname = \"quick\"\nnagios = {{ command = \"check_dummy 0\" }}\n"
    );
    let (mut child, dir) = Smokegate::new()
        .suite(&suite)
        .marked(&marker)
        .args(&["run", "--json", "r.json"])
        .spawn();
    // Wait (bounded) until Chromium is up, then interrupt.
    let start = std::time::Instant::now();
    while !processes_with(&marker).iter().any(|p| p.contains("chrom"))
        && start.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: plain kill(2) on our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let mut code = None;
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(15) {
        if let Ok(Some(status)) = child.try_wait() {
            code = status.code();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if code.is_none() {
        let _ = child.kill();
    }
    assert_eq!(code, Some(130));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("r.json")).expect("report written"),
    )
    .expect("json");
    assert_eq!(json["verdict"]["cancelled"], "interrupt");
    assert_eq!(
        leftovers(&marker),
        Vec::<String>::new(),
        "no chromedriver or chromium left"
    );
}

#[test]
fn a_reused_session_starts_clean() {
    let port = webapp();
    let suite = format!(
        "[browser]\nsessions = 1\nimplicit_wait = \"1s\"\n\n\
         [[check]]\nname = \"first\"\ntimeout = \"30s\"\nbrowser = {{ steps = [{{ open = \"http://127.0.0.1:{port}/login.html\" }}, {{ type = {{ locator = \"id=user\", text = \"alice\" }} }}] }}\n\n\
         [[check]]\nname = \"second\"\ntimeout = \"30s\"\nbrowser = {{ steps = [{{ assert_element_not_present = \"id=user\" }}, {{ store_title = \"t\" }}, {{ echo = \"title=[${{t}}]\" }}] }}\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "-j", "1", "--json", "r.json"])
        .run();
    out.code(0);
    let json = out.json("r.json");
    let second = result(&json, "second");
    assert_eq!(second["state"], "OK", "{}", second["summary"]);
    assert_eq!(second["long_output"], serde_json::json!(["echo: title=[]"]));
    let served = |name: &str| {
        result(&json, name)["perfdata"]
            .as_array()
            .and_then(|p| p.iter().find(|x| x["label"] == "session_checks"))
            .and_then(|x| x["value"].as_f64())
    };
    assert_eq!(
        served("first"),
        Some(1.0),
        "the first check starts a session"
    );
    assert_eq!(
        served("second"),
        Some(2.0),
        "the second check reuses the first one's cleaned session"
    );
}

/// A loopback server that reads each request and answers with `reply` (nothing: just close).
/// Bounded in connections.
fn broken_server(reply: &'static [u8]) -> u16 {
    use std::io::Read;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten().take(50) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(reply);
        }
    });
    port
}

#[test]
fn the_browsers_own_error_page_never_passes() {
    // Each check has only a negative assertion, which Chromium's "This page isn't working"
    // page would satisfy.
    let empty = broken_server(b"");
    let garbage = broken_server(b"HELLO THERE\r\n\r\n");
    let refused = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let check = |name: &str, url: &str| {
        format!("[[check]]\nname = \"{name}\"\ntimeout = \"30s\"\nbrowser = {{ steps = [{{ open = \"{url}\" }}, {{ assert_not_text = {{ locator = \"css=body\", text = \"Traceback\" }} }}] }}\n\n")
    };
    let suite = [
        "[browser]\nsessions = 1\nimplicit_wait = \"1s\"\n\n".to_string(),
        check("empty", &format!("http://127.0.0.1:{empty}/")),
        check("garbage", &format!("http://127.0.0.1:{garbage}/")),
        // Chromium refuses port 6000 (X11) without connecting.
        check("blocked port", "http://127.0.0.1:6000/"),
        check("refused", &format!("http://127.0.0.1:{refused}/")),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "r.json"])
        .run();
    out.code(1);
    let json = out.json("r.json");
    for (name, code) in [
        ("empty", "net::ERR_EMPTY_RESPONSE"),
        ("garbage", "net::ERR_INVALID_HTTP_RESPONSE"),
        ("blocked port", "net::ERR_UNSAFE_PORT"),
        ("refused", "net::ERR_CONNECTION_REFUSED"),
    ] {
        let r = result(&json, name);
        assert_eq!(r["state"], "CRITICAL", "{name}: {}", r["summary"]);
        let summary = r["summary"].as_str().unwrap_or_default();
        assert!(
            summary.contains("step 1 `open") && summary.contains(code),
            "{name}: {summary}"
        );
    }
}
