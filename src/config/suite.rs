//! A loaded suite and the one way to take checks out of it: by a selection, with every value of
//! every selected check established. A check whose values need an environment variable that
//! is not set is kept with the errors that says so; it stops the run when it is selected, and
//! is left out without a word when it is not. Must not decide what is selected.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Diagnostic, Diagnostics};
use crate::model::spec::BrowserConfig;
use crate::model::{Check, SourceLoc};
pub use crate::source::vars::EnvUse;

/// One check of the suite as written, loaded or not.
#[derive(Debug)]
pub(super) struct Entry {
    pub name: String,
    pub tags: Vec<String>,
    pub source: SourceLoc,
    /// A browser check: it env_use the `[browser]` settings.
    pub browser: bool,
    /// One check per host whose hosts are not known: any selection may reach it.
    pub hosts_unknown: bool,
    /// The check, or (with `env_use.unset`) nothing when its values could not be established.
    pub check: Option<Arc<Check>>,
    pub env_use: EnvUse,
    /// For one host's instance of a check fanned out over hosts: the check as written and the
    /// host. Its name (`app @ web1`) is never parsed back: a check really named `a @ b` is no
    /// instance.
    pub instance: Option<Instance>,
}

/// One host's instance of a fanned-out check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Instance {
    pub base: String,
    pub host: String,
}

impl Entry {
    /// A check that was built; without it when its values need an unset environment variable.
    pub fn loaded(check: Check, env_use: EnvUse) -> Entry {
        Entry {
            name: check.name.clone(),
            tags: check.tags.clone(),
            source: check.source.clone(),
            browser: check.probe.needs_browser(),
            hosts_unknown: false,
            check: env_use.unset.is_empty().then(|| Arc::new(check)),
            env_use,
            instance: None,
        }
    }
}

/// A loaded suite: its checks in file order, then definition order.
#[derive(Debug, Default)]
pub struct Suite {
    pub(super) entries: Vec<Entry>,
    pub files: Vec<PathBuf>,
    /// `[browser]` settings, when a file gives them.
    pub browser: Option<BrowserConfig>,
    /// What the `[browser]` settings are made from: needed by browser checks only.
    pub(super) browser_env: EnvUse,
    /// `[history] url`, when a file gives it: where runs are recorded without `--history`.
    pub history: Option<String>,
    /// Read outside any check (a side project's path): read by every selection.
    pub(super) always_env: BTreeSet<String>,
    /// The names of every file's `[vars]` and `[secrets]`: what `--var` may set.
    pub vars: BTreeSet<String>,
    /// What imports left out and why (a passive Nagios service), one line each.
    pub skipped: Vec<String>,
    /// Masks every secret the suite's loading read, in every form.
    pub redactor: crate::redact::Redactor,
}

/// The checks a selection admits, ready to run, and the environment variables they read.
#[derive(Debug, Default)]
pub struct Selected {
    pub checks: Vec<Arc<Check>>,
    /// Checks not admitted but needed (`needs`) by admitted ones, brought in.
    pub pulled_in: Vec<String>,
    pub env: BTreeSet<String>,
}

impl Suite {
    /// How many checks the suite has, selected or not.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The checks that `admits(name, tags)` with the checks they need (and those need...)
    /// brought in, in suite order; or the errors of those whose values need an unset
    /// environment variable (each place once, in file order).
    pub fn select(
        &self,
        admits: &dyn Fn(&str, &[String]) -> bool,
    ) -> Result<Selected, Diagnostics> {
        let mut selected = Selected::default();
        let mut env_use = EnvUse {
            env: self.always_env.clone(),
            unset: Vec::new(),
        };
        let mut browser = false;
        let admitted: Vec<bool> = self
            .entries
            .iter()
            .map(|e| e.hosts_unknown || admits(&e.name, &e.tags))
            .collect();
        let chosen = with_needs(&self.entries, &admitted);
        for (i, entry) in self.entries.iter().enumerate() {
            if !chosen[i] {
                continue;
            }
            if !admitted[i] {
                selected.pulled_in.push(entry.name.clone());
            }
            browser |= entry.browser;
            env_use.add(entry.env_use.clone());
            match &entry.check {
                Some(check) if entry.env_use.unset.is_empty() => {
                    selected.checks.push(Arc::clone(check))
                }
                // Fail closed: a check without its values is never handed out.
                _ if entry.env_use.unset.is_empty() => env_use.unset.push(Diagnostic::file_level(
                    &entry.source.file,
                    format!("check `{}` could not be loaded", entry.name),
                )),
                _ => {}
            }
        }
        if browser {
            env_use.add(self.browser_env.clone());
        }
        selected.env = env_use.env;
        if env_use.unset.is_empty() {
            return Ok(selected);
        }
        let order = |d: &Diagnostic| {
            let file = self.files.iter().position(|f| *f == d.file);
            (file, d.file.clone(), d.span.start, d.span.end)
        };
        let mut unset = env_use.unset;
        unset.sort_by_key(order);
        unset.dedup_by_key(|d| order(d));
        Err(Diagnostics::new(unset, self.redactor.clone()))
    }
}

/// `admitted`, with what admitted checks need brought in, transitively: a check runs only after
/// what it needs ended OK or WARNING, so that must run too.
fn with_needs(entries: &[Entry], admitted: &[bool]) -> Vec<bool> {
    let index: std::collections::HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name.as_str(), i))
        .collect();
    let mut chosen = admitted.to_vec();
    let mut todo: Vec<usize> = (0..entries.len()).filter(|&i| chosen[i]).collect();
    while let Some(i) = todo.pop() {
        let Some(check) = &entries[i].check else {
            continue;
        };
        for need in &check.needs {
            if let Some(&n) = index.get(need.as_str()) {
                if !chosen[n] {
                    chosen[n] = true;
                    todo.push(n);
                }
            }
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::check;

    #[test]
    fn what_an_admitted_check_needs_is_brought_in_transitively() {
        let mut web = check("web");
        web.needs = vec!["app".to_string()];
        let mut app = check("app");
        app.needs = vec!["db".to_string()];
        let entries: Vec<Entry> = [check("db"), app, check("cron"), web]
            .into_iter()
            .map(|c| Entry::loaded(c, EnvUse::default()))
            .collect();
        let suite = Suite {
            entries,
            ..Suite::default()
        };
        let selected = suite.select(&|name, _| name == "web").expect("selects");
        let names: Vec<&str> = selected.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["db", "app", "web"], "suite order");
        assert_eq!(selected.pulled_in, ["db", "app"]);
    }
}
