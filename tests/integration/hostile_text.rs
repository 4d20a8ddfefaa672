//! Text from outside — plugin output, a server's JSON, names from imported files — cannot forge
//! a report: no raw escape sequence or bidi control reaches the terminal or Nagios, the JUnit
//! stays valid XML, and no remote text forms a CI attachment marker. Nagios output keeps its
//! status line and perfdata inside what Nagios keeps, and names every failing check.

use crate::harness::*;

/// The characters that must never reach a report raw.
fn raw_hostile(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n' && *c != '\t')
                || matches!(c, '\u{202e}' | '\u{2028}' | '\u{ffff}' | '\u{fffe}')
        })
        .collect()
}

/// Reads every event of an XML document; the first error, if any.
fn xml_error(xml: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return None,
            Ok(quick_xml::events::Event::Text(t)) => {
                if let Err(e) = t.unescape() {
                    return Some(e.to_string());
                }
            }
            Ok(_) => {}
            Err(e) => return Some(e.to_string()),
        }
    }
}

#[test]
fn plugin_output_cannot_forge_the_terminal_junit_or_nagios() {
    let suite = "[[check]]\nname = \"forger\"\nnagios = { plugin = \"${FIXTURES}/forger\" }\n";
    let out = Smokegate::new()
        .suite(suite)
        .args(&["run", "--junit", "r.xml", "--color", "never"])
        .run();
    out.code(1);
    assert_eq!(
        raw_hostile(&out.stdout),
        Vec::<char>::new(),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\\u{1b}[2J"), "{}", out.stdout);
    let xml = out.read("r.xml");
    assert_eq!(xml_error(&xml), None, "{xml}");
    assert!(!xml.contains("[[ATTACHMENT|"), "{xml}");
    assert!(
        !xml.contains('\u{ffff}') && !xml.contains("&#xFFFF;"),
        "{xml}"
    );
    assert!(xml.contains("[ [ATTACHMENT|/etc/shadow]]"), "{xml}");

    let nagios = Smokegate::new().suite(suite).args(&["nagios"]).run();
    nagios.code(2);
    assert_eq!(
        raw_hostile(&nagios.stdout),
        Vec::<char>::new(),
        "{}",
        nagios.stdout
    );
}

#[test]
fn a_servers_json_cannot_forge_the_terminal() {
    let port = http_server(
        200,
        "{\"msg\": \"\\u001b[2J\\u001b[32mOK all good \\u202e [[ATTACHMENT|/etc/shadow]]\"}",
    );
    let suite = format!(
        "[[check]]\nname = \"api\"\nhttp = {{ url = \"http://127.0.0.1:{port}/\", json = {{ \"/msg\" = \"ok\" }} }}\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--junit", "r.xml", "--color", "never"])
        .run();
    out.code(1);
    assert_eq!(
        raw_hostile(&out.stdout),
        Vec::<char>::new(),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\\u001b[2J"),
        "the found value is shown: {}",
        out.stdout
    );
    let xml = out.read("r.xml");
    assert_eq!(xml_error(&xml), None, "{xml}");
    assert!(!xml.contains("[[ATTACHMENT|"), "{xml}");
}

#[test]
fn nagios_output_keeps_its_status_line_and_names_every_failing_check() {
    let mut suite = String::from(
        "[[check]]\nname = \"semi;colon\"\nnagios = { command = \"check_dummy 2 down\" }\n\n\
         [[check]]\nname = \"long status\"\nnagios = { plugin = \"${FIXTURES}/long_status\" }\n\n",
    );
    for i in 0..12 {
        suite.push_str(&format!(
            "[[check]]\nname = \"later {i}\"\nnagios = {{ command = \"check_dummy 2 'later {i} is down'\" }}\n\n"
        ));
    }
    let out = Smokegate::new().suite(&suite).args(&["nagios"]).run();
    out.code(2);
    let first = out.stdout.lines().next().unwrap_or_default();
    assert!(first.len() <= 1200, "status line of {} bytes", first.len());
    assert!(
        first.starts_with("SMOKEGATE CRITICAL - 14/14 checks failing: semi:colon, long status,"),
        "{first}"
    );
    assert!(
        first.contains(" | checks=14 ok=0 warning=0 critical=14 unknown=0 time="),
        "{first}"
    );
    assert!(!out.stdout.contains(';'), "{}", out.stdout);
    assert!(out.stdout.len() <= 8000, "{} bytes", out.stdout.len());
    for i in 0..12 {
        assert!(
            out.stdout.contains(&format!(
                "CRITICAL: later {i} - CRITICAL: later {i} is down"
            )),
            "later {i} is not named:\n{}",
            out.stdout
        );
    }
    assert!(
        out.stdout
            .contains("CRITICAL: long status - CRITICAL - xxx"),
        "{}",
        out.stdout
    );
}
