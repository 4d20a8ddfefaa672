//! Native probes against real loopback servers started here: HTTPS with certificates generated
//! at test time (valid, 30 days left, expired, self-signed, wrong host), a server that never
//! answers, a slowloris, a redirect loop, a 1 GB body, secrets in a failing response, and
//! refused ports. States, messages, evidence and time bounds.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use crate::harness::*;

/// Serves each connection on its own thread with `respond` (bounded: 200 connections).
fn serve(respond: impl Fn(std::net::TcpStream, String) + Send + Sync + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    let respond = Arc::new(respond);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(200) {
            let respond = Arc::clone(&respond);
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let mut reader = BufReader::new(match stream.try_clone() {
                    Ok(s) => s,
                    Err(_) => return,
                });
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) if line == "\r\n" => break,
                        Ok(_) => head.push_str(&line),
                    }
                }
                respond(stream, head);
            });
        }
    });
    port
}

fn check(name: &str, probe: &str) -> String {
    format!("[[check]]\nname = \"{name}\"\ntimeout = \"3s\"\n{probe}\n\n")
}

fn run_json(suite: &str) -> (Output, serde_json::Value) {
    let out = Smokegate::new()
        .suite(suite)
        .args(&[
            "run", "--json", "r.json", "--junit", "r.xml", "--color", "never",
        ])
        .run();
    let json = out.json("r.json");
    (out, json)
}

fn result<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["checks"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["name"] == name))
        .unwrap_or(&serde_json::Value::Null)
}

fn summary(json: &serde_json::Value, name: &str) -> String {
    result(json, name)["summary"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_server_that_never_answers_or_trickles_is_critical_at_the_timeout() {
    let silent = serve(|stream, _| {
        std::thread::sleep(Duration::from_secs(8));
        drop(stream);
    });
    let slowloris = serve(|mut stream, _| {
        for b in b"HTTP/1.1 200 OK\r\nX-Slow: yes" {
            if stream.write_all(&[*b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let suite = [
        check(
            "silent",
            &format!("http = {{ url = \"http://127.0.0.1:{silent}/\" }}"),
        )
        .replace("3s", "1s"),
        check(
            "slowloris",
            &format!("http = {{ url = \"http://127.0.0.1:{slowloris}/\" }}"),
        )
        .replace("3s", "1s"),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    // A hang guard (the servers never finish answering), not a speed target.
    assert!(
        out.elapsed < Duration::from_secs(10),
        "took {:?}",
        out.elapsed
    );
    for (name, port) in [("silent", silent), ("slowloris", slowloris)] {
        assert_eq!(result(&json, name)["state"], "CRITICAL", "{name}");
        assert_eq!(
            summary(&json, name),
            format!(
                "timed out after 1s waiting for response headers from http://127.0.0.1:{port}/"
            )
        );
    }
}

#[test]
fn a_one_gigabyte_body_costs_bounded_time_and_memory() {
    let port = serve(|mut stream, _| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\nContent-Type: text/plain\r\n\r\n",
        );
        let chunk = vec![b'x'; 64 * 1024];
        for _ in 0..(1024 * 1024 * 1024 / chunk.len()) {
            if stream.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let suite = check(
        "huge",
        &format!("http = {{ url = \"http://127.0.0.1:{port}/\", max_body = \"1MiB\", body_lacks = [\"lorem\"] }}"),
    );
    let (out, json) = run_json(&suite);
    out.code(1);
    // A hang guard: reading the whole gigabyte is what must not happen.
    assert!(
        out.elapsed < Duration::from_secs(20),
        "took {:?}",
        out.elapsed
    );
    assert_eq!(
        summary(&json, "huge"),
        "HTTP CRITICAL: body larger than max_body (1048576 bytes read): cannot establish body_lacks \"lorem\""
    );
    let evidence = result(&json, "huge")["evidence"].to_string();
    assert!(evidence.contains("body truncated"), "{evidence}");
    assert_eq!(result(&json, "huge")["perfdata"][1]["value"], 1_048_576.0);
}

#[test]
fn redirects_are_not_followed_unless_asked_and_a_loop_is_critical() {
    let port = serve(|mut stream, head| {
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        let next = if path == "/a" { "/b" } else { "/a" };
        let _ = write!(stream, "HTTP/1.1 302 Found\r\nLocation: {next}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    let suite = [
        check(
            "redirect accepted",
            &format!("http = {{ url = \"http://127.0.0.1:{port}/a\" }}"),
        ),
        check(
            "must be 200",
            &format!("http = {{ url = \"http://127.0.0.1:{port}/a\", status = 200 }}"),
        ),
        check(
            "loop",
            &format!("http = {{ url = \"http://127.0.0.1:{port}/a\", follow_redirects = true }}"),
        ),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    assert_eq!(result(&json, "redirect accepted")["state"], "OK");
    assert_eq!(
        summary(&json, "must be 200"),
        "HTTP CRITICAL: status 302 Found, expected 200 (Location: /b)"
    );
    assert_eq!(result(&json, "loop")["state"], "CRITICAL");
    assert!(
        summary(&json, "loop").contains("redirect loop"),
        "{}",
        summary(&json, "loop")
    );
    // A hang guard against following the loop forever.
    assert!(out.elapsed < Duration::from_secs(20));
}

#[test]
fn credentials_never_reach_any_report() {
    let port = serve(|mut stream, head| {
        let auth = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
            .unwrap_or("none")
            .to_string();
        let body = format!("Traceback: refused {auth}");
        let _ = write!(
            stream,
            "HTTP/1.1 500 Oops\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    let suite = [
        check("bearer", &format!("http = {{ url = \"http://127.0.0.1:{port}/\", bearer = \"tok-SECRET-123\" }}")),
        check(
            "basic",
            &format!("http = {{ url = \"http://127.0.0.1:{port}/\", basic_auth = {{ user = \"bob\", password = \"pw-SECRET-456\" }} }}"),
        ),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    let everything = format!("{}{}{}{}", out.stdout, out.stderr, json, out.read("r.xml"));
    assert!(
        everything.contains("Bearer ****"),
        "the excerpt shows the header, masked"
    );
    assert!(
        everything.contains("Basic ****"),
        "a Basic credential echoed back is masked in its base64 form"
    );
    for secret in [
        "tok-SECRET-123",
        "pw-SECRET-456",
        "cHctU0VDUkVULTQ1Ni",
        "SECRET",
    ] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }
}

#[test]
fn status_body_headers_json_and_time_assertions() {
    let port = serve(|mut stream, head| {
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        if path == "/slow" {
            std::thread::sleep(Duration::from_millis(600));
        }
        let (ctype, body) = if path == "/api" {
            (
                "application/json",
                r#"{"status":"ok","items":[{"id":3}],"debug":false}"#.to_string(),
            )
        } else {
            (
                "text/html; charset=utf-8",
                "<h1>Welcome</h1><p>lorem ipsum dolor</p><!-- build 1234 -->".to_string(),
            )
        };
        let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    });
    let base = format!("http://127.0.0.1:{port}");
    let suite = [
        check("class", &format!("http = {{ url = \"{base}/\", status = \"2xx\", body_has = [\"Welcome\"], response_headers = {{ \"Content-Type\" = \"text/html*\" }} }}")),
        check("lacks", &format!("http = {{ url = \"{base}/\", body_lacks = [\"lorem ipsum\"] }}")),
        check("regex", &format!("http = {{ url = \"{base}/\", body_matches = [\"build \\\\d+\"], body_lacks_match = [\"(?i)debug|traceback\"] }}")),
        check("json ok", &format!("http = {{ url = \"{base}/api\", json = {{ \"/status\" = \"ok\", \"/items/0/id\" = 3.0, \"/debug\" = false }} }}")),
        check("json wrong", &format!("http = {{ url = \"{base}/api\", json = {{ \"/status\" = \"down\", \"/missing\" = 1 }} }}")),
        check("header wrong", &format!("http = {{ url = \"{base}/\", response_headers = {{ \"content-type\" = \"application/json\" }} }}")),
        check("slow", &format!("http = {{ url = \"{base}/slow\", time = {{ warn = \"0.5\", crit = \"5\" }} }}")),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    assert_eq!(result(&json, "class")["state"], "OK");
    assert_eq!(result(&json, "regex")["state"], "OK");
    assert_eq!(
        result(&json, "json ok")["state"],
        "OK",
        "{}",
        summary(&json, "json ok")
    );
    assert_eq!(
        summary(&json, "lacks"),
        "HTTP CRITICAL: body contains \"lorem ipsum\""
    );
    let excerpt = result(&json, "lacks")["evidence"].to_string();
    assert!(
        excerpt.contains("<p>lorem ipsum dolor</p>"),
        "the excerpt shows the match: {excerpt}"
    );
    assert_eq!(
        summary(&json, "json wrong"),
        "HTTP CRITICAL: JSON /status is \"ok\", expected \"down\"; JSON /missing is missing, expected 1"
    );
    assert_eq!(
        summary(&json, "header wrong"),
        "HTTP CRITICAL: header content-type: \"text/html; charset=utf-8\" does not match \"application/json\""
    );
    assert_eq!(result(&json, "slow")["state"], "WARNING");
    assert!(
        summary(&json, "slow").starts_with("HTTP WARNING: response took 0.6"),
        "{}",
        summary(&json, "slow")
    );
}

#[test]
fn tcp_send_expect_and_refused_and_dns() {
    let banner = serve(|mut stream, _| {
        let _ = stream.write_all(b"+PONG\r\n");
    });
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let suite = format!(
        "[vars]\nport = \"{banner}\"\n\n{}{}{}{}{}{}",
        check("pong", "tcp = { host = \"127.0.0.1\", port = \"{{port}}\", send = \"PING\\r\\n\\r\\n\", expect = \"PONG\" }"),
        check("wrong banner", "tcp = { host = \"127.0.0.1\", port = \"{{port}}\", send = \"PING\\r\\n\\r\\n\", expect = \"HELLO\" }"),
        check("refused", &format!("tcp = {{ host = \"127.0.0.1\", port = {closed} }}")),
        check("localhost", "dns = { name = \"localhost\", expect = [\"127.0.0.1\"] }"),
        check("wrong address", "dns = { name = \"localhost\", expect = [\"192.0.2.1\"] }"),
        check("no such name", "dns = { name = \"nothing.invalid\" }"),
    );
    let (out, json) = run_json(&suite);
    out.code(1);
    assert_eq!(result(&json, "pong")["state"], "OK");
    assert_eq!(result(&json, "pong")["perfdata"][0]["label"], "time");
    assert_eq!(result(&json, "wrong banner")["state"], "CRITICAL");
    assert!(result(&json, "wrong banner")["evidence"]
        .to_string()
        .contains("+PONG"));
    assert_eq!(
        summary(&json, "refused"),
        format!("TCP CRITICAL - connection refused on 127.0.0.1:{closed}")
    );
    assert_eq!(result(&json, "localhost")["state"], "OK");
    assert_eq!(result(&json, "wrong address")["state"], "CRITICAL");
    assert_eq!(result(&json, "no such name")["state"], "CRITICAL");
}

/// Test certificates: a CA and leaves signed by it (or not).
pub(crate) struct Pki {
    pub(crate) ca_pem: String,
}

pub(crate) struct Leaf {
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
}

pub(crate) fn pki() -> (Pki, rcgen::Issuer<'static, rcgen::KeyPair>) {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "smokegate test CA");
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = params.self_signed(&key).expect("ca");
    let pem = cert.pem();
    (Pki { ca_pem: pem }, rcgen::Issuer::new(params, key))
}

pub(crate) fn leaf(
    names: &[&str],
    days: Option<(i64, i64)>,
    issuer: Option<&rcgen::Issuer<'static, rcgen::KeyPair>>,
) -> Leaf {
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, names[0]);
    if let Some((from, to)) = days {
        let (y, m, d) = today();
        params.not_before = shift(rcgen::date_time_ymd(y, m, d), from);
        params.not_after = shift(rcgen::date_time_ymd(y, m, d), to);
    }
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = match issuer {
        Some(issuer) => params.signed_by(&key, issuer).expect("signed"),
        None => params.self_signed(&key).expect("self-signed"),
    };
    Leaf {
        chain: vec![cert.der().clone()],
        key: rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    }
}

fn shift<T: std::ops::Add<Duration, Output = T> + std::ops::Sub<Duration, Output = T>>(
    t: T,
    days: i64,
) -> T {
    let span = Duration::from_secs(days.unsigned_abs() * 86_400);
    if days >= 0 {
        t + span
    } else {
        t - span
    }
}

/// Today's civil date (UTC), from the Unix clock.
fn today() -> (i32, u8, u8) {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m as u8, d as u8)
}

/// An HTTPS server on loopback presenting `leaf`, answering every request with 200.
pub(crate) fn tls_server(leaf: Leaf) -> u16 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(leaf.chain, leaf.key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
            for _ in 0..200 {
                let Ok((tcp, _)) = listener.accept().await else { return };
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    if let Ok(mut tls) = acceptor.accept(tcp).await {
                        let mut buf = [0u8; 4096];
                        let _ = tls.read(&mut buf).await;
                        let _ = tls
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                            .await;
                        let _ = tls.shutdown().await;
                    }
                });
            }
        });
    });
    port
}

#[test]
fn certificates_valid_expiring_expired_self_signed_and_for_another_host() {
    let (pki, ca) = pki();
    let dir = tempfile::tempdir().expect("tmp");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &pki.ca_pem).expect("write ca");
    let ca_path = ca_file.display().to_string();
    let valid = tls_server(leaf(
        &["localhost", "127.0.0.1"],
        Some((-1, 365)),
        Some(&ca),
    ));
    let soon = tls_server(leaf(&["localhost"], Some((-60, 30)), Some(&ca)));
    let expired = tls_server(leaf(&["localhost"], Some((-400, -3)), Some(&ca)));
    let selfsigned = tls_server(leaf(&["localhost"], Some((-1, 365)), None));
    let other = tls_server(leaf(&["other.example"], Some((-1, 365)), Some(&ca)));
    let tls = |name: &str, port: u16| {
        check(
            name,
            &format!("tls = {{ host = \"127.0.0.1\", port = {port}, sni = \"localhost\", ca_cert = \"{ca_path}\", cert_days = {{ warn = 40, crit = 7 }} }}"),
        )
    };
    let suite = [
        tls("valid", valid),
        tls("expiring", soon),
        tls("expired", expired),
        tls("self-signed", selfsigned),
        tls("wrong host", other),
        check("https ok", &format!("http = {{ url = \"https://localhost:{valid}/\", ca_cert = \"{ca_path}\", cert_days = {{ warn = 40, crit = 7 }} }}")),
        check("https expired", &format!("http = {{ url = \"https://localhost:{expired}/\", ca_cert = \"{ca_path}\" }}")),
        check("https insecure", &format!("http = {{ url = \"https://localhost:{selfsigned}/\", insecure = true }}")),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    assert_eq!(
        result(&json, "valid")["state"],
        "OK",
        "{}",
        summary(&json, "valid")
    );
    let days = result(&json, "valid")["perfdata"][0].clone();
    assert_eq!(days["label"], "cert_days");
    assert!(days["value"].as_f64().unwrap_or(0.0) >= 363.0, "{days}");
    assert_eq!(
        result(&json, "expiring")["state"],
        "WARNING",
        "{}",
        summary(&json, "expiring")
    );
    assert!(
        summary(&json, "expiring").contains("certificate expires in 2"),
        "{}",
        summary(&json, "expiring")
    );
    for name in ["expired", "https expired"] {
        assert_eq!(result(&json, name)["state"], "CRITICAL");
        assert!(
            summary(&json, name).contains("certificate expired 3 days ago"),
            "{name}: {}",
            summary(&json, name)
        );
        let evidence = result(&json, name)["evidence"].to_string();
        assert!(
            evidence.contains("smokegate test CA") && evidence.contains("CN=localhost"),
            "{evidence}"
        );
    }
    assert_eq!(result(&json, "self-signed")["state"], "CRITICAL");
    assert!(result(&json, "self-signed")["evidence"]
        .to_string()
        .contains("(self-signed)"));
    assert_eq!(result(&json, "wrong host")["state"], "CRITICAL");
    assert!(
        summary(&json, "wrong host").contains("not trusted"),
        "{}",
        summary(&json, "wrong host")
    );
    assert_eq!(
        result(&json, "https ok")["state"],
        "OK",
        "{}",
        summary(&json, "https ok")
    );
    assert_eq!(
        result(&json, "https insecure")["state"],
        "OK",
        "{}",
        summary(&json, "https insecure")
    );
}

#[test]
fn refused_ports_are_critical_with_the_reason() {
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let (out, json) = run_json(&check(
        "down",
        &format!("http = {{ url = \"http://127.0.0.1:{closed}/\" }}"),
    ));
    out.code(1);
    assert_eq!(
        summary(&json, "down"),
        format!("HTTP CRITICAL - connection refused: http://127.0.0.1:{closed}/")
    );
}

/// Writes a whole response: status line, headers, Content-Length, and `body`.
fn reply(mut stream: std::net::TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn path_of(head: &str) -> String {
    head.split_whitespace().nth(1).unwrap_or("/").to_string()
}

/// A server that counts the connections it accepts (and answers 200 "ok").
fn counting_server() -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = Arc::clone(&hits);
    let port = serve(move |stream, _| {
        seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        reply(stream, "200 OK", &[], b"ok");
    });
    (port, hits)
}

#[test]
fn empty_expectations_after_expansion_are_config_errors() {
    let (port, hits) = counting_server();
    let suite = format!(
        "[vars]\nnothing = \"\"\n\n{}{}{}{}",
        check("version", &format!("http = {{ url = \"http://127.0.0.1:{port}/\", body_has = [\"${{EXPECTED_VERSION}}\"] }}")),
        check("lacks", &format!("http = {{ url = \"http://127.0.0.1:{port}/\", body_lacks = [\"{{{{nothing}}}}\"], body_matches = [\"\"] }}")),
        check("control", &format!("http = {{ url = \"http://127.0.0.1:{port}/\" }}")),
        check("banner", &format!("tcp = {{ host = \"127.0.0.1\", port = {port}, expect = \"{{{{nothing}}}}\" }}")),
    );
    let out = Smokegate::new()
        .suite(&suite)
        .env("EXPECTED_VERSION", "")
        .args(&["run", "--json", "r.json", "--color", "never"])
        .run();
    out.code(2);
    let stderr = &out.stderr;
    for (message, at) in [
        ("error: empty `body_has` value (`${EXPECTED_VERSION}` expanded to nothing): an empty text is found in any response, so it asserts nothing\n", "checks/suite.toml:7:"),
        ("error: empty `body_lacks` value (`{{nothing}}` expanded to nothing)", "checks/suite.toml:12:"),
        ("error: empty `body_matches` value: an empty text", "checks/suite.toml:12:"),
        ("error: empty `expect` value (`{{nothing}}` expanded to nothing)", "checks/suite.toml:22:"),
    ] {
        let found = stderr.find(message).unwrap_or_else(|| panic!("missing {message:?} in\n{stderr}"));
        assert!(
            stderr[found..].lines().nth(1).is_some_and(|l| l.contains(at)),
            "{message:?} should point at {at} in\n{stderr}"
        );
    }
    assert!(
        stderr.contains(&format!(
            " {}\n",
            "^".repeat("\"${EXPECTED_VERSION}\"".len())
        )),
        "a caret under the whole value:\n{stderr}"
    );
    assert!(
        stderr.ends_with("error: the suite has 4 errors; nothing ran\n"),
        "{stderr}"
    );
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing ran"
    );
    assert!(!out.dir.path().join("r.json").exists(), "no report");
}

#[test]
fn head_with_a_body_assertion_is_a_config_error() {
    let (port, hits) = counting_server();
    let suite = check(
        "head",
        &format!("http = {{ url = \"http://127.0.0.1:{port}/\", method = \"HEAD\", body_lacks = [\"Traceback\"], json = {{ \"/ok\" = true }} }}"),
    );
    let out = Smokegate::new().suite(&suite).args(&["run"]).run();
    out.code(2);
    assert!(
        out.stderr.contains("error: a HEAD response has no body, so body_lacks, json could never be checked: use GET\n --> checks/suite.toml:4:"),
        "{}",
        out.stderr
    );
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing ran"
    );
}

#[test]
fn bodies_are_decoded_before_they_are_asserted() {
    let port = serve(|stream, head| {
        let traceback: &[u8] = b"<pre>Traceback (most recent call last):\n  File \"app.py\"</pre>";
        let html = |coding: &str, body: &[u8]| {
            let headers = [("Content-Type", "text/html"), ("Content-Encoding", coding)];
            reply(stream.try_clone().expect("clone"), "200 OK", &headers, body)
        };
        match path_of(&head).as_str() {
            "/gzip" => {
                let mut gz =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                let _ = gz.write_all(traceback);
                html("gzip", &gz.finish().unwrap_or_default());
            }
            "/deflate" => {
                let mut z =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                let _ = z.write_all(traceback);
                html("deflate", &z.finish().unwrap_or_default());
            }
            "/raw-deflate" => {
                let mut z =
                    flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
                let _ = z.write_all(traceback);
                html("deflate", &z.finish().unwrap_or_default());
            }
            "/br" => {
                let mut out = Vec::new();
                {
                    let mut br = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                    let _ = br.write_all(traceback);
                }
                html("br", &out);
            }
            "/zstd" => html("zstd", b"\x28\xb5\x2f\xfd not really zstd"),
            "/empty-gzip" => html("gzip", b""),
            "/corrupt-gzip" => html("gzip", b"this is not gzip"),
            "/mislabelled" => reply(
                stream,
                "200 OK",
                &[("Content-Type", "text/html; charset=utf-16le")],
                traceback,
            ),
            // UTF-16 without a byte-order mark, labelled UTF-8: the label must not hide it.
            "/utf16-as-utf8" => {
                let body: Vec<u8> = String::from_utf8_lossy(traceback)
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect();
                reply(
                    stream,
                    "200 OK",
                    &[("Content-Type", "text/html; charset=utf-8")],
                    &body,
                );
            }
            "/latin1" => reply(
                stream,
                "200 OK",
                &[("Content-Type", "text/html; charset=ISO-8859-1")],
                b"<h1>Caf\xe9 du march\xe9</h1>",
            ),
            "/undeclared" => reply(
                stream,
                "200 OK",
                &[("Content-Type", "text/html")],
                b"<h1>Caf\xe9</h1>",
            ),
            "/utf16" => {
                let mut body = vec![0xFF, 0xFE];
                body.extend("<h1>Café</h1>".encode_utf16().flat_map(u16::to_le_bytes));
                reply(stream, "200 OK", &[("Content-Type", "text/html")], &body);
            }
            _ => {
                let body: Vec<u8> = "{\"menu\":\"Café\"}"
                    .encode_utf16()
                    .flat_map(u16::to_be_bytes)
                    .collect();
                reply(
                    stream,
                    "200 OK",
                    &[("Content-Type", "application/json; charset=\"utf-16be\"")],
                    &body,
                );
            }
        }
    });
    let base = format!("http://127.0.0.1:{port}");
    let lacks = |name: &str, path: &str| {
        check(
            name,
            &format!("http = {{ url = \"{base}{path}\", body_lacks = [\"Traceback\"] }}"),
        )
    };
    let suite = [
        lacks("gzip", "/gzip"),
        lacks("deflate", "/deflate"),
        lacks("raw deflate", "/raw-deflate"),
        lacks("br", "/br"),
        lacks("zstd", "/zstd"),
        lacks("mislabelled charset", "/mislabelled"),
        lacks("utf-16 labelled utf-8", "/utf16-as-utf8"),
        check("gzip regex", &format!("http = {{ url = \"{base}/gzip\", body_lacks_match = [\"Trace\\\\w+\"] }}")),
        check("encoding header kept", &format!("http = {{ url = \"{base}/gzip\", response_headers = {{ \"content-encoding\" = \"gzip\" }}, body_has = [\"most recent call\"] }}")),
        check("empty gzip", &format!("http = {{ url = \"{base}/empty-gzip\" }}")),
        check("corrupt gzip", &format!("http = {{ url = \"{base}/corrupt-gzip\" }}")),
        check("latin-1", &format!("http = {{ url = \"{base}/latin1\", body_has = [\"Café du marché\"], case_sensitive = true }}")),
        check("undeclared latin-1", &format!("http = {{ url = \"{base}/undeclared\", body_matches = [\"Caf[é]\"] }}")),
        check("utf-16 with BOM", &format!("http = {{ url = \"{base}/utf16\", body_has = [\"Café\"] }}")),
        check("utf-16be json", &format!("http = {{ url = \"{base}/json\", json = {{ \"/menu\" = \"Café\" }} }}")),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    for name in [
        "gzip",
        "deflate",
        "raw deflate",
        "br",
        "mislabelled charset",
        "utf-16 labelled utf-8",
    ] {
        assert_eq!(
            summary(&json, name),
            "HTTP CRITICAL: body contains \"Traceback\"",
            "{name}"
        );
        let evidence = result(&json, name)["evidence"].to_string();
        assert!(
            evidence.contains("Traceback (most recent call last)"),
            "{name}: {evidence}"
        );
    }
    assert_eq!(result(&json, "gzip regex")["state"], "CRITICAL");
    assert!(
        summary(&json, "corrupt gzip").starts_with(&format!(
            "HTTP CRITICAL - cannot decode the gzip body of {base}/corrupt-gzip: "
        )),
        "a browser could not show it either: {}",
        summary(&json, "corrupt gzip")
    );
    assert_eq!(
        summary(&json, "zstd"),
        "HTTP CRITICAL: body has Content-Encoding \"zstd\", which smokegate does not decode: cannot establish body_lacks \"Traceback\""
    );
    for name in [
        "encoding header kept",
        "empty gzip",
        "latin-1",
        "undeclared latin-1",
        "utf-16 with BOM",
        "utf-16be json",
    ] {
        assert_eq!(
            result(&json, name)["state"],
            "OK",
            "{name}: {}",
            summary(&json, name)
        );
    }
}

#[test]
fn a_cut_body_never_passes_a_body_assertion() {
    let port = serve(|stream, _| {
        let mut body = b"<html>start of the page ".to_vec();
        body.extend(std::iter::repeat_n(b'x', 64 * 1024));
        body.extend_from_slice(b" Traceback at the end</html>");
        reply(stream, "200 OK", &[("Content-Type", "text/html")], &body);
    });
    let url = format!("http://127.0.0.1:{port}/");
    let suite = [
        check("lacks", &format!("http = {{ url = \"{url}\", max_body = 1024, body_lacks = [\"Traceback\"] }}")),
        check("lacks match", &format!("http = {{ url = \"{url}\", max_body = 1024, body_lacks_match = [\"Trace\\\\w+\"] }}")),
        check("has at the end", &format!("http = {{ url = \"{url}\", max_body = 1024, body_has = [\"</html>\"] }}")),
        check("matches the cut", &format!("http = {{ url = \"{url}\", max_body = 1024, body_matches = [\"x+$\"] }}")),
        check("json", &format!("http = {{ url = \"{url}\", max_body = 1024, json = {{ \"/ok\" = true }} }}")),
        check("has at the start", &format!("http = {{ url = \"{url}\", max_body = 1024, body_has = [\"start of the page\"], body_matches = [\"<html>\"] }}")),
        check("no body assertion", &format!("http = {{ url = \"{url}\", max_body = 1024 }}")),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    for (name, what) in [
        ("lacks", "body_lacks \"Traceback\""),
        ("lacks match", "body_lacks_match /Trace\\w+/"),
        ("has at the end", "body_has \"</html>\""),
        ("matches the cut", "body_matches /x+$/"),
        ("json", "json /ok"),
    ] {
        assert_eq!(
            summary(&json, name),
            format!("HTTP CRITICAL: body larger than max_body (1024 bytes read): cannot establish {what}"),
            "{name}"
        );
        let evidence = result(&json, name)["evidence"].to_string();
        assert!(evidence.contains("body truncated"), "{name}: {evidence}");
    }
    assert_eq!(
        result(&json, "has at the start")["state"],
        "OK",
        "{}",
        summary(&json, "has at the start")
    );
    assert_eq!(result(&json, "no body assertion")["state"], "OK");
}

#[test]
fn json_numbers_compare_by_exact_value() {
    let port = serve(|stream, _| {
        let body = br#"{"id": 9007199254740993, "count": 1, "ratio": 1.0, "big": 1e400, "list": [1, 2.50], "nested": {"a": 1e2, "b": "x"}}"#;
        reply(
            stream,
            "200 OK",
            &[("Content-Type", "application/json")],
            body,
        );
    });
    let url = format!("http://127.0.0.1:{port}/");
    let suite = [
        check("id off by one", &format!("http = {{ url = \"{url}\", json = {{ \"/id\" = 9007199254740992 }} }}")),
        check("id exact", &format!("http = {{ url = \"{url}\", json = {{ \"/id\" = 9007199254740993 }} }}")),
        check("1 is 1.0", &format!("http = {{ url = \"{url}\", json = {{ \"/count\" = 1.0, \"/ratio\" = 1, \"/list\" = [1.0, 2.5], \"/nested\" = {{ a = 100, b = \"x\" }} }} }}")),
        check("huge is not 1", &format!("http = {{ url = \"{url}\", json = {{ \"/big\" = 1 }} }}")),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    assert_eq!(
        summary(&json, "id off by one"),
        "HTTP CRITICAL: JSON /id is 9007199254740993, expected 9007199254740992"
    );
    assert_eq!(
        result(&json, "id exact")["state"],
        "OK",
        "{}",
        summary(&json, "id exact")
    );
    assert_eq!(
        result(&json, "1 is 1.0")["state"],
        "OK",
        "{}",
        summary(&json, "1 is 1.0")
    );
    assert_eq!(
        summary(&json, "huge is not 1"),
        "HTTP CRITICAL: JSON /big is 1e400, expected 1"
    );
}

#[test]
fn text_assertions_ignore_case_unless_asked() {
    let port = serve(|stream, _| {
        let body = "<p>İstanbul İzmir ΟΔΟΣ</p><p>Lorem Ipsum dolor</p><footer>CAFÉ</footer>";
        reply(
            stream,
            "200 OK",
            &[("Content-Type", "text/html; charset=utf-8")],
            body.as_bytes(),
        );
    });
    let banner = serve(|mut stream, _| {
        let _ = stream.write_all(b"+PONG\r\n");
    });
    let url = format!("http://127.0.0.1:{port}/");
    let suite = [
        check("lacks", &format!("http = {{ url = \"{url}\", body_lacks = [\"lorem ipsum\"] }}")),
        check("has", &format!("http = {{ url = \"{url}\", body_has = [\"café\", \"οδος\", \"İSTANBUL\"] }}")),
        check("sensitive lacks", &format!("http = {{ url = \"{url}\", body_lacks = [\"lorem ipsum\"], case_sensitive = true }}")),
        check("sensitive has", &format!("http = {{ url = \"{url}\", body_has = [\"café\"], case_sensitive = true }}")),
        check("regex as written", &format!("http = {{ url = \"{url}\", body_lacks_match = [\"lorem\"] }}")),
        check("tcp", &format!("tcp = {{ host = \"127.0.0.1\", port = {banner}, send = \"PING\\r\\n\\r\\n\", expect = \"pong\" }}")),
        check("tcp sensitive", &format!("tcp = {{ host = \"127.0.0.1\", port = {banner}, send = \"PING\\r\\n\\r\\n\", expect = \"pong\", case_sensitive = true }}")),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    assert_eq!(
        summary(&json, "lacks"),
        "HTTP CRITICAL: body contains \"lorem ipsum\""
    );
    let evidence = result(&json, "lacks")["evidence"].to_string();
    assert!(
        evidence.contains("<p>Lorem Ipsum dolor</p>"),
        "the excerpt shows the match as written: {evidence}"
    );
    assert_eq!(
        result(&json, "has")["state"],
        "OK",
        "{}",
        summary(&json, "has")
    );
    assert_eq!(result(&json, "sensitive lacks")["state"], "OK");
    assert_eq!(
        summary(&json, "sensitive has"),
        "HTTP CRITICAL: body lacks \"café\""
    );
    assert_eq!(result(&json, "regex as written")["state"], "OK");
    assert_eq!(
        result(&json, "tcp")["state"],
        "OK",
        "{}",
        summary(&json, "tcp")
    );
    assert_eq!(result(&json, "tcp sensitive")["state"], "CRITICAL");
}

#[test]
fn every_value_of_a_repeated_header_is_checked() {
    let port = serve(|stream, _| {
        reply(
            stream,
            "200 OK",
            &[
                ("Set-Cookie", "theme=dark"),
                ("Set-Cookie", "session=abc; Secure; HttpOnly"),
                ("X-Frame-Options", "ALLOWALL"),
                ("X-Frame-Options", "DENY"),
            ],
            b"ok",
        );
    });
    let url = format!("http://127.0.0.1:{port}/");
    let suite = [
        check("any value", &format!("http = {{ url = \"{url}\", response_headers = {{ \"set-cookie\" = \"*Secure*\" }} }}")),
        check("no value", &format!("http = {{ url = \"{url}\", response_headers = {{ \"Set-Cookie\" = \"*SameSite*\" }} }}")),
        check("one value", &format!("http = {{ url = \"{url}\", response_headers = {{ \"X-Frame-Options\" = \"DENY\" }} }}")),
        check("one value contains", &format!("http = {{ url = \"{url}\", response_headers = {{ \"X-Frame-Options\" = \"*DENY*\" }} }}")),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    assert_eq!(
        result(&json, "any value")["state"],
        "OK",
        "{}",
        summary(&json, "any value")
    );
    assert_eq!(
        summary(&json, "no value"),
        "HTTP CRITICAL: header set-cookie: none of its 2 values (\"theme=dark\", \"session=abc; Secure; HttpOnly\") matches \"*SameSite*\""
    );
    // Any other header sent twice is one value, as a browser reads it.
    assert_eq!(
        summary(&json, "one value"),
        "HTTP CRITICAL: header x-frame-options: \"ALLOWALL, DENY\" (sent 2 times, one value) does not match \"DENY\""
    );
    assert_eq!(result(&json, "one value contains")["state"], "OK");
}

#[test]
fn error_evidence_keeps_the_start_and_the_end_of_the_body() {
    let port = serve(|stream, _| {
        let mut body = String::from("Traceback (most recent call last):\n");
        for i in 0..80 {
            body.push_str(&format!("  File \"/srv/app/module_{i}.py\", line {i}, in handler\n    return next_layer(request)\n"));
        }
        body.push_str("ModuleNotFoundError: No module named 'x'\n");
        reply(
            stream,
            "500 Internal Server Error",
            &[("Content-Type", "text/plain")],
            body.as_bytes(),
        );
    });
    let (out, json) = run_json(&check(
        "500",
        &format!("http = {{ url = \"http://127.0.0.1:{port}/\" }}"),
    ));
    out.code(1);
    let evidence = result(&json, "500")["evidence"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["label"] == "body"))
        .and_then(|e| e["text"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        evidence.starts_with("Traceback (most recent call last):\n"),
        "{evidence}"
    );
    assert!(
        evidence.ends_with("ModuleNotFoundError: No module named 'x'\n"),
        "{evidence}"
    );
    assert!(
        evidence.contains(" bytes) …\n"),
        "says what was left out: {evidence}"
    );
    assert!(
        evidence.len() < 1500,
        "an excerpt, not the body: {} bytes",
        evidence.len()
    );
}

#[test]
fn many_response_headers_are_read_and_too_many_say_whose_limit() {
    let port = serve(|stream, head| {
        let n: usize = path_of(&head).trim_start_matches('/').parse().unwrap_or(1);
        let names: Vec<String> = (0..n).map(|i| format!("X-Header-{i}")).collect();
        let headers: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
        reply(stream, "200 OK", &headers, b"ok");
    });
    let suite = [
        check(
            "150 headers",
            &format!("http = {{ url = \"http://127.0.0.1:{port}/150\" }}"),
        ),
        check(
            "1500 headers",
            &format!("http = {{ url = \"http://127.0.0.1:{port}/1500\" }}"),
        ),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    assert_eq!(
        result(&json, "150 headers")["state"],
        "OK",
        "{}",
        summary(&json, "150 headers")
    );
    assert_eq!(
        summary(&json, "1500 headers"),
        format!("HTTP CRITICAL - the response head from http://127.0.0.1:{port}/1500 is larger than smokegate's HTTP client accepts (at most 1000 header lines and 408 KiB)")
    );
}

#[test]
fn a_certificate_that_expired_hours_ago_says_so() {
    let (pki, ca) = pki();
    let dir = tempfile::tempdir().expect("tmp");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &pki.ca_pem).expect("write ca");
    let ca_path = ca_file.display().to_string();
    let since_midnight = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() % 86_400);
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    let (y, m, d) = today();
    let now = rcgen::date_time_ymd(y, m, d) + Duration::from_secs(since_midnight);
    params.not_before = shift(now, -10);
    params.not_after = now - Duration::from_secs(5 * 3600);
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, &ca).expect("signed");
    let port = tls_server(Leaf {
        chain: vec![cert.der().clone()],
        key: rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    });
    let suite = [
        check("tls", &format!("tls = {{ host = \"127.0.0.1\", port = {port}, sni = \"localhost\", ca_cert = \"{ca_path}\" }}")),
        check("https", &format!("http = {{ url = \"https://localhost:{port}/\", ca_cert = \"{ca_path}\" }}")),
        check("https insecure", &format!("http = {{ url = \"https://localhost:{port}/\", insecure = true, cert_days = {{ crit = 7 }} }}")),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    for name in ["tls", "https", "https insecure"] {
        assert_eq!(result(&json, name)["state"], "CRITICAL", "{name}");
        let text = summary(&json, name);
        assert!(
            text.contains("certificate expired 5h ago (not after "),
            "{name}: {text}"
        );
        assert!(!text.contains("expires in"), "{name}: {text}");
    }
}

#[test]
fn a_timeout_says_what_the_probe_was_waiting_for() {
    let silent = serve(|stream, _| {
        std::thread::sleep(Duration::from_secs(4));
        drop(stream);
    });
    let trickle = serve(|mut stream, _| {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nstart");
        std::thread::sleep(Duration::from_secs(4));
    });
    // Accepts connections and never speaks: no TLS handshake, no banner.
    let mute = TcpListener::bind("127.0.0.1:0").expect("bind");
    let mute_port = mute.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let held: Vec<_> = mute.incoming().take(20).collect();
        std::thread::sleep(Duration::from_secs(4));
        drop(held);
    });
    let short = |name: &str, probe: String| check(name, &probe).replace("3s", "1s");
    let suite = [
        short(
            "headers",
            format!("http = {{ url = \"http://127.0.0.1:{silent}/x\" }}"),
        ),
        short(
            "body",
            format!("http = {{ url = \"http://127.0.0.1:{trickle}/y\" }}"),
        ),
        short(
            "handshake",
            format!("http = {{ url = \"https://127.0.0.1:{mute_port}/z\" }}"),
        ),
        short(
            "tls",
            format!("tls = {{ host = \"127.0.0.1\", port = {mute_port}, sni = \"localhost\" }}"),
        ),
        short(
            "tcp",
            format!("tcp = {{ host = \"127.0.0.1\", port = {mute_port}, expect = \"220\" }}"),
        ),
    ]
    .concat();
    let (out, json) = run_json(&suite);
    out.code(1);
    let expected = [
        ("headers", format!("timed out after 1s waiting for response headers from http://127.0.0.1:{silent}/x")),
        ("body", format!("timed out after 1s reading the body of http://127.0.0.1:{trickle}/y (5 bytes so far)")),
        ("handshake", format!("timed out after 1s connecting to 127.0.0.1:{mute_port} (TCP connect and TLS handshake)")),
        ("tls", format!("timed out after 1s in the TLS handshake with 127.0.0.1:{mute_port} (SNI localhost)")),
        ("tcp", format!("timed out after 1s waiting for a reply containing \"220\" from 127.0.0.1:{mute_port} (0 bytes so far)")),
    ];
    for (name, message) in expected {
        assert_eq!(result(&json, name)["state"], "CRITICAL", "{name}");
        assert_eq!(summary(&json, name), message, "{name}");
    }
}

/// What servers make of a secret they echo: Python's `json.dumps` (`\u00c4`), `html.escape`
/// (`&#x27;`), `urllib.parse.quote` (`/` kept, `%40`) in the followed redirect's final URL and
/// `quote_plus` in the body. The forms are as Python 3 prints them for `Äp'fel@home/42`.
#[test]
fn a_secret_echoed_in_any_encoding_reaches_no_output() {
    let port = serve(|mut stream, head| {
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        let reply = if path == "/" {
            "HTTP/1.1 302 Found\r\nLocation: /next?v=%C3%84p%27fel%40home/42\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
        } else {
            let body = "Traceback: {\"echo\": \"\\u00c4p'fel@home/42\"} <b>\u{c4}p&#x27;fel@home/42</b> q=%C3%84p%27fel%40home%2F42";
            format!(
                "HTTP/1.1 500 Oops\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        };
        let _ = stream.write_all(reply.as_bytes());
    });
    let suite = format!(
        "[secrets]\ntok = \"\u{c4}p'fel@home/42\"\n\n{}",
        check(
            "echo",
            &format!("http = {{ url = \"http://127.0.0.1:{port}/\", follow_redirects = true, headers = {{ X-Token = \"{{{{tok}}}}\" }} }}"),
        )
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&[
            "run",
            "--json",
            "r.json",
            "--junit",
            "r.xml",
            "--html",
            "r.html",
            "--summary",
            "r.md",
            "--color",
            "never",
        ])
        .run();
    out.code(1);
    let json = out.json("r.json");
    let everything = format!(
        "{}{}{}{}{}{}",
        out.stdout,
        out.stderr,
        json,
        out.read("r.xml"),
        out.read("r.html"),
        out.read("r.md")
    );
    assert!(
        everything.contains("Traceback"),
        "the body is shown: {everything}"
    );
    for form in ["fel@home", "fel%40home", "\\u00c4p", "&#x27;fel", "p%27fel"] {
        assert!(!everything.contains(form), "{form} leaked: {everything}");
    }
    assert!(
        everything.contains("next?v=****"),
        "the final URL is shown, masked"
    );
}
