//! How smokegate writes durations and counts for people, in one voice wherever they appear
//! (the live view, the summary, JUnit, messages of the runner and the probes). A leaf: it uses
//! nothing of the crate.

use std::time::Duration;

/// "250ms" under a second; from a second on, tenths of a second without a trailing ".0":
/// "1.5s", "3s", "90s"; whole minutes as "2m".
pub fn duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let tenths = (ms + 50) / 100;
    if tenths % 600 == 0 {
        format!("{}m", tenths / 600)
    } else if tenths % 10 == 0 {
        format!("{}s", tenths / 10)
    } else {
        format!("{}.{}s", tenths / 10, tenths % 10)
    }
}

/// "1 suite file", "2 suite files".
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_voice_for_durations() {
        let ms = Duration::from_millis;
        assert_eq!(duration(ms(250)), "250ms");
        assert_eq!(duration(ms(2000)), "2s");
        assert_eq!(duration(ms(1999)), "2s", "never 2.0s beside 2s");
        assert_eq!(duration(ms(2950)), "3s");
        assert_eq!(duration(ms(1500)), "1.5s");
        assert_eq!(duration(ms(120_000)), "2m");
        assert_eq!(duration(ms(90_000)), "90s");
    }

    #[test]
    fn counts() {
        assert_eq!(count(1, "suite file"), "1 suite file");
        assert_eq!(count(3, "suite file"), "3 suite files");
    }
}
