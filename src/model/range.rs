//! Nagios threshold ranges (`10`, `10:`, `~:10`, `10:20`, `@10:20`) as the Monitoring Plugins
//! guidelines define them, evaluated by the nagios-range crate behind a guard for the inputs it
//! accepts but should not (`-10` without a colon, `NaN`, `inf`, a bare `:`, a start above the
//! end). Owns the grammar and evaluation; must not know about probes or config files.

use std::fmt;

use super::State;

/// A parsed threshold range; shown as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    text: String,
    inner: nagios_range::NagiosRange,
}

/// Why a range string was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeError(pub String);

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RangeError {}

impl Range {
    pub fn parse(text: &str) -> Result<Range, RangeError> {
        let err = |why: &str| RangeError(format!("invalid range `{text}`: {why}"));
        let body = text.strip_prefix('@').unwrap_or(text);
        if body.is_empty() {
            return Err(err(
                "it is empty (write e.g. `10`, `10:`, `~:10`, `10:20` or `@10:20`)",
            ));
        }
        let (start, end) = match body.split_once(':') {
            Some((s, e)) => (Some(s), e),
            None => (None, body),
        };
        if start == Some("") && end.is_empty() {
            return Err(err("a bare `:` gives no bounds"));
        }
        for part in [start.unwrap_or(""), end] {
            if !(part.is_empty() || part == "~" || is_decimal(part)) {
                return Err(err(&format!("`{part}` is not a number")));
            }
        }
        if start == Some("~") && end.is_empty() {
            return Err(err("`~:` gives no bounds"));
        }
        if end == "~" {
            return Err(err(
                "`~` means minus infinity and only stands before the colon",
            ));
        }
        if start.is_none() && end.starts_with('-') {
            return Err(err(&format!(
                "a range without a colon starts at 0, so a negative end is empty; write `{end}:` or `~:{end}`"
            )));
        }
        let inner = nagios_range::NagiosRange::from(text).map_err(|e| match e {
            nagios_range::Error::StartGreaterThanEnd => err("the start is above the end"),
            other => err(&other.to_string()),
        })?;
        Ok(Range {
            text: text.to_string(),
            inner,
        })
    }

    /// True when `value` is in the alert zone.
    pub fn alerts(&self, value: f64) -> bool {
        // NaN is never "inside" anything: treat it as alerting (fail closed).
        value.is_nan() || self.inner.check(value)
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn is_decimal(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    all_digits(int)
        && frac.is_none_or(all_digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()))
}

/// Warning and critical thresholds of one measured value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Thresholds {
    pub warn: Option<Range>,
    pub crit: Option<Range>,
}

impl Thresholds {
    /// CRITICAL when the critical range alerts, else WARNING when the warning range does, else OK.
    pub fn state(&self, value: f64) -> State {
        if self.crit.as_ref().is_some_and(|r| r.alerts(value)) {
            State::Critical
        } else if self.warn.as_ref().is_some_and(|r| r.alerts(value)) {
            State::Warning
        } else {
            State::Ok
        }
    }

    pub fn is_empty(&self) -> bool {
        self.warn.is_none() && self.crit.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alerts(range: &str, value: f64) -> bool {
        Range::parse(range)
            .map(|r| r.alerts(value))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn guideline_table() {
        // 10: alert outside 0..10
        assert!(
            alerts("10", -0.1) && !alerts("10", 0.0) && !alerts("10", 10.0) && alerts("10", 10.1)
        );
        // 10: alert below 10
        assert!(alerts("10:", 9.9) && !alerts("10:", 10.0) && !alerts("10:", 1e9));
        // ~:10 alert above 10
        assert!(!alerts("~:10", -1e9) && !alerts("~:10", 10.0) && alerts("~:10", 10.5));
        // 10:20 alert outside
        assert!(
            alerts("10:20", 9.0)
                && !alerts("10:20", 10.0)
                && !alerts("10:20", 20.0)
                && alerts("10:20", 21.0)
        );
        // @10:20 alert inside
        assert!(
            !alerts("@10:20", 9.0)
                && alerts("@10:20", 10.0)
                && alerts("@10:20", 20.0)
                && !alerts("@10:20", 21.0)
        );
        assert!(alerts("0.5", 0.6) && !alerts("0.5", 0.5));
        assert!(!alerts("-10:10", -10.0) && alerts("-10:10", -10.5));
    }

    #[test]
    fn refuses_what_the_crate_would_accept() {
        for (input, why) in [
            ("-10", "a negative end is empty"),
            ("NaN", "`NaN` is not a number"),
            ("nan:", "`nan` is not a number"),
            ("inf", "`inf` is not a number"),
            (":", "a bare `:`"),
            ("", "it is empty"),
            ("@", "it is empty"),
            ("20:10", "the start is above the end"),
            ("~:", "`~:` gives no bounds"),
            ("1:~", "only stands before the colon"),
            ("1e3", "`1e3` is not a number"),
            ("10s", "`10s` is not a number"),
            ("1..2", "`1..2` is not a number"),
        ] {
            let err = Range::parse(input).expect_err(input);
            assert!(
                err.0.starts_with(&format!("invalid range `{input}`: ")),
                "{err}"
            );
            assert!(err.0.contains(why), "{input}: {err}");
        }
        // The crate's own view, to show the guard is needed.
        assert!(nagios_range::NagiosRange::from("NaN").is_ok());
        assert!(nagios_range::NagiosRange::from("-10").is_ok());
    }

    #[test]
    fn thresholds_pick_the_worst() {
        let t = Thresholds {
            warn: Some(Range::parse("0.5").expect("valid")),
            crit: Some(Range::parse("2").expect("valid")),
        };
        assert_eq!(t.state(0.1), State::Ok);
        assert_eq!(t.state(0.7), State::Warning);
        assert_eq!(t.state(2.5), State::Critical);
        assert_eq!(t.state(f64::NAN), State::Critical);
        assert_eq!(Thresholds::default().state(100.0), State::Ok);
        assert_eq!(Range::parse("@10:20").expect("valid").to_string(), "@10:20");
    }
}
