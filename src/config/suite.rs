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

/// What the values of a check (or of suite-level settings) are made from.
#[derive(Clone, Debug, Default)]
pub struct Needs {
    /// Environment variables read, set or not.
    pub env: BTreeSet<String>,
    /// Where one that is not set (and has no fallback) is needed: the value is unknown.
    pub unset: Vec<Diagnostic>,
}

impl Needs {
    pub fn add(&mut self, other: Needs) {
        self.env.extend(other.env);
        self.unset.extend(other.unset);
    }
}

/// One check of the suite as written, loaded or not.
#[derive(Debug)]
pub(super) struct Entry {
    pub name: String,
    pub tags: Vec<String>,
    pub source: SourceLoc,
    /// A browser check: it needs the `[browser]` settings.
    pub browser: bool,
    /// One check per host whose hosts are not known: any selection may reach it.
    pub hosts_unknown: bool,
    /// The check, or (with `needs.unset`) nothing when its values could not be established.
    pub check: Option<Arc<Check>>,
    pub needs: Needs,
}

impl Entry {
    /// A check that was built; without it when its values need an unset environment variable.
    pub fn loaded(check: Check, needs: Needs) -> Entry {
        Entry {
            name: check.name.clone(),
            tags: check.tags.clone(),
            source: check.source.clone(),
            browser: check.probe.needs_browser(),
            hosts_unknown: false,
            check: needs.unset.is_empty().then(|| Arc::new(check)),
            needs,
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
    pub(super) browser_needs: Needs,
    /// Read outside any check (a side project's path): read by every selection.
    pub(super) always_env: BTreeSet<String>,
    /// The names of every file's `[vars]` and `[secrets]`: what `--var` may set.
    pub vars: BTreeSet<String>,
}

/// The checks a selection admits, ready to run, and the environment variables they read.
#[derive(Debug, Default)]
pub struct Selected {
    pub checks: Vec<Arc<Check>>,
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

    /// The checks that `admits(name, tags)`, or the errors of those whose values need an unset
    /// environment variable (each place once, in file order).
    pub fn select(
        &self,
        admits: &dyn Fn(&str, &[String]) -> bool,
    ) -> Result<Selected, Diagnostics> {
        let mut selected = Selected::default();
        let mut needs = Needs {
            env: self.always_env.clone(),
            unset: Vec::new(),
        };
        let mut browser = false;
        for entry in &self.entries {
            if !entry.hosts_unknown && !admits(&entry.name, &entry.tags) {
                continue;
            }
            browser |= entry.browser;
            needs.add(entry.needs.clone());
            match &entry.check {
                Some(check) if entry.needs.unset.is_empty() => {
                    selected.checks.push(Arc::clone(check))
                }
                // Fail closed: a check without its values is never handed out.
                _ if entry.needs.unset.is_empty() => needs.unset.push(Diagnostic::file_level(
                    &entry.source.file,
                    format!("check `{}` could not be loaded", entry.name),
                )),
                _ => {}
            }
        }
        if browser {
            needs.add(self.browser_needs.clone());
        }
        selected.env = needs.env;
        if needs.unset.is_empty() {
            return Ok(selected);
        }
        let order = |d: &Diagnostic| {
            let file = self.files.iter().position(|f| *f == d.file);
            (file, d.file.clone(), d.span.start, d.span.end)
        };
        let mut unset = needs.unset;
        unset.sort_by_key(order);
        unset.dedup_by_key(|d| order(d));
        Err(Diagnostics(unset))
    }
}
