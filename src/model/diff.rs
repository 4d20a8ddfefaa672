//! A run compared with an earlier one (`--baseline`), check by check, by name: what an earlier
//! run said of each check, the class each check of this run falls in, and the checks that are
//! gone. The gate classifies; reports show the classes. Owns the vocabulary only.

use std::fmt;

use super::State;

/// What the earlier run said of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Past {
    pub name: String,
    /// It ran then. A check that did not run has no failure to compare with: whatever it does
    /// now is new.
    pub ran: bool,
    /// Its state then (`None` when the report does not say).
    pub state: Option<State>,
    /// It passed only on a retry then.
    pub flaky: bool,
    /// What that run's gate said of it (for an optional check, whether it failed on its own):
    /// only for a report that does not give the state, since "failed before" is judged under
    /// this run's policy.
    pub failed_then: bool,
    /// Of its resolved definition; `None` in a report written before fingerprints were kept.
    pub fingerprint: Option<String>,
}

/// The earlier run, as read from its JSON report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Baseline {
    /// The file it was read from, for messages.
    pub file: String,
    pub started_at: String,
    /// Its `--label`s (`version=1.4.1`).
    pub labels: Vec<(String, String)>,
    pub checks: Vec<Past>,
}

impl Baseline {
    /// `version=1.4.1, env=prod`, or the time it started when it has no labels.
    pub fn describe(&self) -> String {
        if self.labels.is_empty() {
            format!("the run of {}", self.started_at)
        } else {
            let labels: Vec<String> = self
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            labels.join(", ")
        }
    }
}

/// Where one check of this run stands against the baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Passed before, fails now (same definition).
    NewFailure,
    /// Failed before and fails now, with the same definition.
    StillFailing,
    /// Failed before, passes now.
    Fixed,
    /// Passed before and passes now, in the same state.
    Same,
    /// Passed before and passes now, in another state (OK then, WARNING now).
    Shifted { was: State, now: State },
    /// Its definition changed (command, URL, assertions, thresholds, timeout); `fails` now or not.
    Changed { fails: bool },
    /// Not in the baseline; `fails` now or not.
    NewCheck { fails: bool },
}

impl Class {
    pub fn label(self) -> &'static str {
        match self {
            Class::NewFailure => "new failure",
            Class::StillFailing => "still failing",
            Class::Fixed => "fixed",
            Class::Same => "unchanged",
            Class::Shifted { .. } => "state changed",
            Class::Changed { .. } => "changed",
            Class::NewCheck { .. } => "new check",
        }
    }

    /// Whether this deploy may have caused the failure: what `--gate new` counts.
    pub fn is_new_failure(self) -> bool {
        matches!(
            self,
            Class::NewFailure | Class::Changed { fails: true } | Class::NewCheck { fails: true }
        )
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Class::Shifted { was, now } => write!(f, "was {was}, now {now}"),
            _ => f.write_str(self.label()),
        }
    }
}

/// This run against the baseline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub baseline: Baseline,
    /// Checks of the baseline this run did not have (or did not select).
    pub gone: Vec<String>,
    /// `--gate new`: only new failures fail the gate.
    pub only_new: bool,
}
