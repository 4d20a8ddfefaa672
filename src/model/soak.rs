//! Soak figures: what a check did over repeated runs of the selection (`--soak`), kept as
//! figures, not attempts, so that memory stays flat however long the soak: counts, state
//! changes, flap detection as Nagios does it (the last 21 states, weighted), and durations in a
//! fixed log-scale histogram. Owns the arithmetic; the runner feeds it, the gate reads it.

use std::collections::VecDeque;
use std::time::Duration;

use super::State;

/// States Nagios keeps for flap detection: 21 states, 20 changes between them.
const FLAP_STATES: usize = 21;
/// Nagios' default service flap thresholds (`low_service_flap_threshold`,
/// `high_service_flap_threshold`), in percent: flapping starts at or above the high one and
/// stops at or below the low one.
pub const FLAP_LOW: f64 = 5.0;
pub const FLAP_HIGH: f64 = 20.0;

/// Percent state change over `states` (oldest first), as Nagios weighs it: each change between
/// two neighbours counts from 0.75 (the oldest) to 1.25 (the newest), over 20 possible changes.
pub fn flap_percent(states: &[State]) -> f64 {
    let changes = FLAP_STATES - 1;
    let mut sum = 0.0;
    // The newest changes sit at the end of the window, however few states there are yet.
    let offset = changes.saturating_sub(states.len().saturating_sub(1));
    for (i, pair) in states.windows(2).enumerate() {
        if pair[0] != pair[1] {
            let position = (offset + i) as f64;
            sum += 0.75 + 0.5 * position / (changes - 1) as f64;
        }
    }
    sum * 100.0 / changes as f64
}

/// Durations in buckets 2% wide on a log scale from 100 µs to about 3 hours: percentiles
/// within 2%, in a fixed 4 KiB per check.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    counts: Vec<u32>,
    total: u64,
    max: Duration,
}

const HIST_MIN_US: f64 = 100.0;
const HIST_STEP: f64 = 1.02;
const HIST_BUCKETS: usize = 930;

impl Default for Histogram {
    fn default() -> Histogram {
        Histogram {
            counts: vec![0; HIST_BUCKETS],
            total: 0,
            max: Duration::ZERO,
        }
    }
}

impl Histogram {
    pub fn add(&mut self, d: Duration) {
        let us = d.as_secs_f64() * 1e6;
        let bucket = if us <= HIST_MIN_US {
            0
        } else {
            ((us / HIST_MIN_US).ln() / HIST_STEP.ln()).ceil() as usize
        };
        let bucket = bucket.min(HIST_BUCKETS - 1);
        self.counts[bucket] = self.counts[bucket].saturating_add(1);
        self.total += 1;
        self.max = self.max.max(d);
    }

    /// The duration at quantile `q` (0.5 for the median), as the upper edge of its bucket but
    /// never above the longest seen; zero when nothing was added.
    pub fn quantile(&self, q: f64) -> Duration {
        if self.total == 0 {
            return Duration::ZERO;
        }
        let rank = ((q * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (bucket, &count) in self.counts.iter().enumerate() {
            seen += u64::from(count);
            if seen >= rank {
                let us = HIST_MIN_US * HIST_STEP.powi(bucket as i32);
                return Duration::from_secs_f64(us / 1e6).min(self.max);
            }
        }
        self.max
    }

    pub fn max(&self) -> Duration {
        self.max
    }
}

/// How one run of a check counts in the soak.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tally {
    /// Passed (OK, or a WARNING the policy lets pass).
    Pass,
    /// WARNING or CRITICAL that the policy fails on (or a flaky pass under `--fail-on-flaky`).
    Failure,
    /// UNKNOWN, or did not run: counted apart, never excused.
    Unknown,
    /// Skipped because a check it needs failed: that one is counted, not this.
    Excused,
}

/// One check over the soak.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    pub runs: u32,
    pub failures: u32,
    pub unknowns: u32,
    /// Runs in which it did not run at all (skipped behind what it needs, or stopped).
    pub skipped: u32,
    /// Changes between two consecutive states.
    pub changes: u32,
    /// Flapping now, by Nagios' hysteresis.
    pub flapping: bool,
    /// Whether it was flapping at any time during the soak.
    pub flapped: bool,
    /// The highest percent state change seen.
    pub max_flap_percent: f64,
    recent: VecDeque<State>,
    pub durations: Histogram,
}

impl Figures {
    /// One run's result: its state, how it counts, how long it took, and whether it ran at all.
    pub fn record(&mut self, state: State, tally: Tally, duration: Duration, ran: bool) {
        self.runs += 1;
        self.skipped += u32::from(!ran);
        match tally {
            Tally::Failure => self.failures += 1,
            Tally::Unknown => self.unknowns += 1,
            Tally::Pass | Tally::Excused => {}
        }
        if self.recent.back().is_some_and(|last| *last != state) {
            self.changes += 1;
        }
        if self.recent.len() == FLAP_STATES {
            self.recent.pop_front();
        }
        self.recent.push_back(state);
        let percent = flap_percent(self.recent.make_contiguous());
        self.max_flap_percent = self.max_flap_percent.max(percent);
        if percent >= FLAP_HIGH {
            self.flapping = true;
        } else if percent <= FLAP_LOW {
            self.flapping = false;
        }
        self.flapped |= self.flapping;
        if tally != Tally::Excused {
            self.durations.add(duration);
        }
    }
}

/// The soak of a run: the figures of every check (in the run's order) and how it went.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Soak {
    pub checks: Vec<Figures>,
    /// Runs of the selection completed.
    pub runs: u32,
    /// How long from the first run's start to the last one's end.
    pub elapsed: Duration,
    /// Why it stopped before its window ended or its count was reached.
    pub stopped_early: Option<String>,
    /// `--soak-failures`: failures a check may have and still pass.
    pub allowed_failures: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flap_percent_weighs_recent_changes_more() {
        use State::{Critical as C, Ok as O};
        assert_eq!(flap_percent(&[O; 21]), 0.0);
        // Every one of the 20 changes: 20 changes averaging 1.0 each = 100%.
        let alternating: Vec<State> = (0..21).map(|i| if i % 2 == 0 { O } else { C }).collect();
        assert!((flap_percent(&alternating) - 100.0).abs() < 1e-9);
        // One change, oldest: 0.75 / 20 = 3.75%; newest: 1.25 / 20 = 6.25%.
        let mut oldest = vec![C];
        oldest.extend([O; 20]);
        assert!((flap_percent(&oldest) - 3.75).abs() < 1e-9);
        let mut newest = vec![O; 20];
        newest.push(C);
        assert!((flap_percent(&newest) - 6.25).abs() < 1e-9);
        // Few states yet: their changes are the newest ones.
        assert!((flap_percent(&[O, C]) - 6.25).abs() < 1e-9);
    }

    #[test]
    fn flapping_starts_at_the_high_threshold_and_stops_at_the_low_one() {
        let mut f = Figures::default();
        let mut seen = Vec::new();
        for i in 0..8 {
            let state = if i % 2 == 0 {
                State::Ok
            } else {
                State::Critical
            };
            f.record(state, Tally::Pass, Duration::from_millis(5), true);
            seen.push(f.flapping);
        }
        // 3 changes weigh 1.25 + 1.225 + 1.2 = 3.675, 18.4%; the 4th makes it 24.2%.
        assert_eq!(seen, [false, false, false, false, true, true, true, true]);
        for _ in 0..20 {
            f.record(State::Ok, Tally::Pass, Duration::from_millis(5), true);
        }
        assert!(!f.flapping, "steady again");
        assert!(f.flapped, "but it flapped during the soak");
        assert_eq!((f.runs, f.changes), (28, 8), "7 changes, then back to OK");
    }

    #[test]
    fn percentiles_stay_within_two_percent_in_fixed_memory() {
        let mut h = Histogram::default();
        for ms in 1..=1000u64 {
            h.add(Duration::from_millis(ms));
        }
        let within = |got: Duration, want: f64| {
            let got = got.as_secs_f64() * 1000.0;
            (got - want).abs() <= want * 0.021
        };
        assert!(within(h.quantile(0.5), 500.0), "{:?}", h.quantile(0.5));
        assert!(within(h.quantile(0.95), 950.0), "{:?}", h.quantile(0.95));
        assert_eq!(h.max(), Duration::from_millis(1000));
        assert_eq!(h.quantile(1.0), Duration::from_millis(1000));
        assert_eq!(Histogram::default().quantile(0.5), Duration::ZERO);
    }
}
