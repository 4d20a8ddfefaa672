//! Nagios plugin output grammar (Monitoring Plugins guidelines): status text, long output and
//! performance data. Owns parsing only; must not decide states or touch processes.

use crate::model::Perfdata;

/// A unit as written: the guidelines list `s`, `%`, `B`, `KB`..., but the references (the
/// Monitoring Plugins and Icinga 2) accept what plugins print — `kB`, `KiB`, `C`, `W`, `dBm`,
/// `V` — and so does smokegate, keeping it as written: letters, `%` and `/` (`req/s`).
fn is_unit(uom: &str) -> bool {
    uom.chars()
        .all(|c| c.is_alphabetic() || c == '%' || c == '/')
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PluginOutput {
    /// Text of the first line, before any `|`.
    pub summary: String,
    /// Lines after the first, without their perfdata parts.
    pub long_output: Vec<String>,
    pub perfdata: Vec<Perfdata>,
    /// Perfdata items that did not parse, as written (reported, never fatal).
    pub bad_perfdata: Vec<String>,
}

/// Parses sanitized plugin stdout: `TEXT | PERF` on the first line, long output on the next
/// lines, and everything after a `|` on a later line is more perfdata.
pub fn parse(stdout: &str) -> PluginOutput {
    let mut out = PluginOutput::default();
    let mut lines = stdout.lines();
    let mut perf = String::new();
    if let Some(first) = lines.next() {
        let (text, p) = split_pipe(first);
        out.summary = text.trim().to_string();
        perf.push_str(p);
    }
    let mut in_perf = false;
    for line in lines {
        if in_perf {
            perf.push(' ');
            perf.push_str(line);
            continue;
        }
        let (text, p) = split_pipe(line);
        if line.contains('|') {
            in_perf = true;
            if !text.trim().is_empty() {
                out.long_output.push(text.trim_end().to_string());
            }
            perf.push(' ');
            perf.push_str(p);
        } else {
            out.long_output.push(text.trim_end().to_string());
        }
    }
    while out.long_output.last().is_some_and(|l| l.trim().is_empty()) {
        out.long_output.pop();
    }
    // check_multi's `name::label`: the labels after one with a prefix inherit it, as check_multi
    // and Icinga read them (`test::a=3 b=4` is `test::b`).
    let mut prefix: Option<String> = None;
    for item in tokens(&perf) {
        match parse_item(&item) {
            Some(mut p) => {
                match p.label.rfind("::") {
                    Some(at) => prefix = Some(p.label[..at + 2].to_string()),
                    None => {
                        if let Some(prefix) = &prefix {
                            p.label = format!("{prefix}{}", p.label);
                        }
                    }
                }
                out.perfdata.push(p)
            }
            None => out.bad_perfdata.push(item),
        }
    }
    out
}

fn split_pipe(line: &str) -> (&str, &str) {
    line.split_once('|').unwrap_or((line, ""))
}

/// Splits perfdata into items at whitespace outside single-quoted labels.
fn tokens(perf: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in perf.chars() {
        if c == '\'' {
            quoted = !quoted; // `''` toggles twice: stays quoted
            current.push(c);
        } else if c.is_whitespace() && !quoted {
            if !current.is_empty() {
                items.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        items.push(current);
    }
    items
}

/// `'label'=value[UOM];[warn];[crit];[min];[max]`
fn parse_item(item: &str) -> Option<Perfdata> {
    let (label, rest) = if let Some(quoted) = item.strip_prefix('\'') {
        let mut label = String::new();
        let mut chars = quoted.char_indices().peekable();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().is_some_and(|&(_, n)| n == '\'') {
                    label.push('\'');
                    chars.next();
                } else {
                    end = Some(i + 1);
                    break;
                }
            } else {
                label.push(c);
            }
        }
        (label, quoted[end?..].strip_prefix('=')?)
    } else {
        let (label, rest) = item.split_once('=')?;
        (label.to_string(), rest)
    };
    if label.is_empty() {
        return None;
    }
    let mut fields = rest.split(';');
    let value_uom = fields.next()?;
    let (value, uom) = if let Some(uom) = value_uom.strip_prefix('U') {
        (None, uom)
    } else {
        let split = number_end(value_uom);
        let value: f64 = value_uom[..split].parse().ok()?;
        (Some(value), &value_uom[split..])
    };
    if !is_unit(uom) || value.is_some_and(|v| !v.is_finite()) {
        return None;
    }
    // A threshold is a range or nothing: garbage (`123,456`) makes the item invalid, as the
    // references have it.
    let range = |s: Option<&str>| -> Result<Option<String>, ()> {
        match s.filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => perf_range(s).then(|| Some(s.to_string())).ok_or(()),
        }
    };
    let warn = range(fields.next()).ok()?;
    let crit = range(fields.next()).ok()?;
    let num = |s: Option<&str>| -> Result<Option<f64>, ()> {
        match s.filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Some)
                .ok_or(()),
        }
    };
    let min = num(fields.next()).ok()?;
    let max = num(fields.next()).ok()?;
    if fields.any(|f| !f.is_empty()) {
        return None;
    }
    Some(Perfdata {
        label,
        value,
        uom: uom.to_string(),
        warn,
        crit,
        min,
        max,
    })
}

/// Whether a perfdata threshold is a range, its numbers in any notation the Monitoring Plugins'
/// Perl library and Icinga 2 read (`1.2e+1`, `~:1.5E2`, `@10:20`).
fn perf_range(s: &str) -> bool {
    let body = s.strip_prefix('@').unwrap_or(s);
    let number = |p: &str| {
        !p.is_empty() && number_end(p) == p.len() && p.parse::<f64>().is_ok_and(f64::is_finite)
    };
    match body.split_once(':') {
        Some((start, end)) => {
            (start.is_empty() || start == "~" || number(start))
                && (end.is_empty() || number(end))
                && !(start.is_empty() && end.is_empty())
        }
        None => number(body),
    }
}

/// Byte length of the leading decimal number (`-1.5`, `0.001`, `1e3`).
fn number_end(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'-' || b[j] == b'+') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(
        label: &str,
        value: Option<f64>,
        uom: &str,
        rest: [Option<&str>; 2],
        mm: [Option<f64>; 2],
    ) -> Perfdata {
        Perfdata {
            label: label.into(),
            value,
            uom: uom.into(),
            warn: rest[0].map(Into::into),
            crit: rest[1].map(Into::into),
            min: mm[0],
            max: mm[1],
        }
    }

    #[test]
    fn single_line_with_perfdata() {
        let out = parse("DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968\n");
        assert_eq!(out.summary, "DISK OK - free space: / 3326 MB (56%);");
        assert_eq!(
            out.perfdata,
            [p(
                "/",
                Some(2643.0),
                "MB",
                [Some("5948"), Some("5958")],
                [Some(0.0), Some(5968.0)]
            )]
        );
        assert!(out.long_output.is_empty() && out.bad_perfdata.is_empty());
    }

    #[test]
    fn guidelines_multi_line_example() {
        let text = "DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968\n\
                    / 15272 MB (77%);\n\
                    /boot 68 MB (69%);\n\
                    /home 69357 MB (27%);\n\
                    /var/log 819 MB (84%); | /boot=68MB;88;93;0;98\n\
                    /home=69357MB;253404;253409;0;253414 \n\
                    /var/log=818MB;970;975;0;980\n";
        let out = parse(text);
        assert_eq!(
            out.long_output,
            [
                "/ 15272 MB (77%);",
                "/boot 68 MB (69%);",
                "/home 69357 MB (27%);",
                "/var/log 819 MB (84%);"
            ]
        );
        let labels: Vec<&str> = out.perfdata.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["/", "/boot", "/home", "/var/log"]);
        assert!(out.bad_perfdata.is_empty());
    }

    #[test]
    fn real_plugin_outputs() {
        let load = parse("LOAD OK - total load average: 0.01, 0.05, 0.07|load1=0.010;15.000;30.000;0; load5=0.050;10.000;25.000;0; load15=0.070;5.000;20.000;0;");
        assert_eq!(
            load.perfdata[0],
            p(
                "load1",
                Some(0.01),
                "",
                [Some("15.000"), Some("30.000")],
                [Some(0.0), None]
            )
        );
        assert_eq!(load.perfdata.len(), 3);
        let ping = parse("PING OK - Packet loss = 0%, RTA = 0.08 ms|rta=0.080000ms;100.000000;500.000000;0.000000 pl=0%;20;60;0");
        assert_eq!(ping.perfdata[0].uom, "ms");
        assert_eq!(
            ping.perfdata[1],
            p(
                "pl",
                Some(0.0),
                "%",
                [Some("20"), Some("60")],
                [Some(0.0), None]
            )
        );
        let http = parse("HTTP OK: HTTP/1.1 200 OK - 312 bytes in 0.001 second response time |time=0.000623s;;;0.000000;10.000000 size=312B;;;0");
        assert_eq!(
            http.perfdata[0],
            p(
                "time",
                Some(0.000623),
                "s",
                [None, None],
                [Some(0.0), Some(10.0)]
            )
        );
        assert_eq!(http.perfdata[1].value, Some(312.0));
    }

    #[test]
    fn quoted_labels_and_unknown_values() {
        let out = parse("OK | '/var log'=91%;80;90;0;100 'it''s'=1 x=U;1;2");
        assert_eq!(out.perfdata[0].label, "/var log");
        assert_eq!(out.perfdata[1].label, "it's");
        assert_eq!(out.perfdata[2].value, None);
        assert_eq!(out.perfdata[2].warn.as_deref(), Some("1"));
        assert_eq!(out.perfdata[0].to_string(), "'/var log'=91%;80;90;0;100");
    }

    #[test]
    fn numbers_in_exponent_notation_are_kept() {
        let out = parse("OK | test=1.1E-1s;1.2e+1;1.3E-1;1.4e-2;1.5E2 r=2;@1e1:2E1;~:3e0");
        assert!(out.bad_perfdata.is_empty(), "{:?}", out.bad_perfdata);
        let p = &out.perfdata[0];
        assert_eq!(
            (
                p.value,
                p.uom.as_str(),
                p.warn.as_deref(),
                p.crit.as_deref()
            ),
            (Some(0.11), "s", Some("1.2e+1"), Some("1.3E-1"))
        );
        assert_eq!((p.min, p.max), (Some(0.014), Some(150.0)));
        assert_eq!(out.perfdata[1].warn.as_deref(), Some("@1e1:2E1"));
        // Still not numbers: kept aside, and said.
        let bad = parse("OK | a=1;1e b=1;e5 c=1;1e1e1");
        assert_eq!(bad.perfdata.len(), 0, "{:?}", bad.perfdata);
        assert_eq!(bad.bad_perfdata.len(), 3);
    }

    #[test]
    fn garbage_is_kept_aside_not_fatal() {
        let out = parse("OK | good=1 bad noequals=abc x=1.2.3 y=1;123,456;1 'open=1 last=2c");
        assert_eq!(
            out.perfdata
                .iter()
                .map(|p| p.label.as_str())
                .collect::<Vec<_>>(),
            ["good"]
        );
        assert_eq!(
            out.bad_perfdata,
            [
                "bad",
                "noequals=abc",
                "x=1.2.3",
                "y=1;123,456;1",
                "'open=1 last=2c"
            ]
        );
    }

    #[test]
    fn units_as_plugins_print_them_and_inherited_prefixes() {
        let out = parse("OK | t=21.5C p=3W s=-67dBm v=12.1V m=2048kB k=1KiB r=3req/s");
        let units: Vec<&str> = out.perfdata.iter().map(|p| p.uom.as_str()).collect();
        assert_eq!(units, ["C", "W", "dBm", "V", "kB", "KiB", "req/s"]);
        assert!(out.bad_perfdata.is_empty(), "{:?}", out.bad_perfdata);
        let out = parse("OK | test::a=3 b=4 other::c=1 d=2");
        let labels: Vec<&str> = out.perfdata.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["test::a", "test::b", "other::c", "other::d"]);
    }

    #[test]
    fn edge_shapes() {
        assert_eq!(parse(""), PluginOutput::default());
        let out = parse("CRITICAL - down |");
        assert_eq!(out.summary, "CRITICAL - down");
        assert!(out.perfdata.is_empty() && out.bad_perfdata.is_empty());
        let out = parse("OK\nline\n|\nrest=1s\n");
        assert_eq!(out.long_output, ["line"]);
        assert_eq!(out.perfdata[0].label, "rest");
        let out = parse("OK\n\nafter blank\n\n\n");
        assert_eq!(out.long_output, ["", "after blank"]);
        let out = parse("OK | a=-1.5;~:10;@10:20 b=1e3c");
        assert_eq!(out.perfdata[0].value, Some(-1.5));
        assert_eq!(out.perfdata[0].crit.as_deref(), Some("@10:20"));
        assert_eq!(out.perfdata[1].value, Some(1000.0));
    }

    #[test]
    fn display_round_trips() {
        let text =
            "OK | '/var log'=91%;80;90;0;100 'it''s'=1 load1=0.01;15;30;0 t=U rta=0.08ms;;;0";
        let first = parse(text).perfdata;
        let rendered: Vec<String> = first.iter().map(ToString::to_string).collect();
        let again = parse(&format!("OK | {}", rendered.join(" "))).perfdata;
        assert_eq!(first, again);
    }
}
