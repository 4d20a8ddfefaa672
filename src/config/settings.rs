//! What a check of an import may be given, as a `[[check]]` is: `timeout`, `retries`,
//! `retry_delay`, `retry_on`, `optional`, `fail_on` and `needs`, by the `checks` table of an
//! import entry — `"*"` for all of its checks, a glob or an exact name for some (`check_load`,
//! `"Shop / *"`) — and, for a feature scenario, by its tags (`@optional`, `@needs:nginx`,
//! `@retries:2`, `@timeout:30s`, `@retry_delay:5s`, `@retry_on:any`, `@fail_on:critical`).
//! Applied in one place, to every importer's checks; must not load another tool's files.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::{needs, FileLoader};
use crate::config::suite::Entry;

/// `{ optional = true, needs = ["nginx"], timeout = "20s" }` for some checks of an import.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    /// Per attempt, a human duration ("5s"), over `[defaults] timeout`.
    #[schemars(with = "Option<String>")]
    pub timeout: Option<Spanned<String>>,
    /// Attempts after a failed one, over `[defaults] retries`.
    #[schemars(with = "Option<u32>")]
    pub retries: Option<Spanned<u32>>,
    /// Wait between attempts, a human duration.
    #[schemars(with = "Option<String>")]
    pub retry_delay: Option<Spanned<String>>,
    /// `transient` or `any`: which failed attempts `retries` repeat.
    #[schemars(with = "Option<String>")]
    pub retry_on: Option<Spanned<String>>,
    /// A failure is reported but does not fail the gate.
    pub optional: Option<bool>,
    /// `warning` or `critical`: which states fail the gate.
    #[schemars(with = "Option<String>")]
    pub fail_on: Option<Spanned<String>>,
    /// Checks that must end OK or WARNING first; otherwise this one is skipped.
    #[schemars(with = "Option<Vec<String>>")]
    pub needs: Option<Vec<Spanned<String>>>,
}

/// An import entry's `checks`: settings by check name or glob (`"*"`: all its checks).
pub type RawChecks = BTreeMap<String, Spanned<RawSettings>>;

/// The tags of a scenario that set what `checks` would: `optional`, `needs:NAME`, `retries:N`,
/// `timeout:D`, `retry_delay:D`, `fail_on:STATE`.
fn from_tags(tags: &[String], span: &Range<usize>) -> Option<RawSettings> {
    let mut settings = RawSettings::default();
    let mut any = false;
    let spanned = |v: &str| Spanned::new(span.clone(), v.to_string());
    for tag in tags {
        let (key, value) = tag.split_once([':', '=']).unwrap_or((tag, ""));
        match key {
            "optional" if value.is_empty() => settings.optional = Some(true),
            "needs" if !value.is_empty() => settings
                .needs
                .get_or_insert_with(Vec::new)
                .push(spanned(value)),
            "retries" => match value.parse::<u32>() {
                Ok(n) => settings.retries = Some(Spanned::new(span.clone(), n)),
                Err(_) => continue,
            },
            "timeout" if !value.is_empty() => settings.timeout = Some(spanned(value)),
            "retry_delay" if !value.is_empty() => settings.retry_delay = Some(spanned(value)),
            "fail_on" if !value.is_empty() => settings.fail_on = Some(spanned(value)),
            "retry_on" if !value.is_empty() => settings.retry_on = Some(spanned(value)),
            _ => continue,
        }
        any = true;
    }
    any.then_some(settings)
}

impl FileLoader<'_> {
    /// Applies an import entry's `checks` (and a scenario's tags, when `tagged`) to the entries
    /// it made: in order, `"*"`, then globs, then exact names, later over earlier. A key that
    /// matches none of them is an error at its place (a typo would silently apply nothing).
    pub(super) fn apply_settings(
        &mut self,
        entries: &mut [(Entry, Range<usize>)],
        checks: Option<&RawChecks>,
        tagged: bool,
    ) {
        if entries.is_empty() {
            // The import made nothing (its error is said): nothing to match.
            return;
        }
        let mut keys: Vec<(&String, &Spanned<RawSettings>)> =
            checks.map(|c| c.iter().collect()).unwrap_or_default();
        let rank = |k: &str| match k {
            "*" => 0,
            k if k.contains(['*', '?', '[']) => 1,
            _ => 2,
        };
        keys.sort_by_key(|(k, _)| rank(k));
        for (key, settings) in keys {
            let matcher = match globset::Glob::new(key) {
                Ok(g) => g.compile_matcher(),
                Err(e) => {
                    self.text
                        .error(settings.span(), format!("`{key}` is not a glob: {e}"));
                    continue;
                }
            };
            let mut matched = false;
            for (entry, _) in entries.iter_mut() {
                if entry.name == *key || matcher.is_match(&entry.name) {
                    matched = true;
                    self.settle(entry, settings.get_ref());
                }
            }
            if !matched {
                let names: Vec<&str> = entries.iter().map(|(e, _)| e.name.as_str()).collect();
                self.text.error(
                    settings.span(),
                    format!(
                        "`{key}` matches no check of this import (it has: {})",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ),
                );
            }
        }
        if tagged {
            for (entry, span) in entries.iter_mut() {
                if let Some(settings) = from_tags(&entry.tags, span) {
                    self.settle(entry, &settings);
                }
            }
        }
    }

    /// One entry given `settings`.
    fn settle(&mut self, entry: &mut Entry, settings: &RawSettings) {
        let timeout = settings
            .timeout
            .as_ref()
            .and_then(|t| self.text.duration(t, "timeout"));
        let retry_delay = settings
            .retry_delay
            .as_ref()
            .and_then(|t| self.text.duration(t, "retry_delay"));
        let fail_on = settings.fail_on.as_ref().and_then(|f| self.text.fail_on(f));
        let retry_on = settings
            .retry_on
            .as_ref()
            .and_then(|r| self.text.retry_on(r));
        if let Some(names) = &settings.needs {
            let names: Vec<(String, Range<usize>)> = names
                .iter()
                .map(|n| (n.get_ref().clone(), n.span()))
                .collect();
            match self
                .written_needs
                .iter_mut()
                .find(|w| w.check == entry.name)
            {
                Some(written) => written.names.extend(names),
                None => self.written_needs.push(needs::Written {
                    check: entry.name.clone(),
                    base: entry.name.clone(),
                    host: None,
                    names,
                    file: self.text.file.to_path_buf(),
                    source: Arc::clone(self.text.source),
                }),
            }
        }
        let Some(check) = entry.check.as_mut() else {
            return;
        };
        let check = Arc::make_mut(check);
        if let Some(t) = timeout {
            check.timeout = t;
        }
        if let Some(d) = retry_delay {
            check.retry_delay = d;
        }
        if let Some(r) = &settings.retries {
            check.retries = *r.get_ref();
        }
        if let Some(o) = settings.optional {
            check.optional = o;
        }
        if fail_on.is_some() {
            check.fail_on = fail_on;
        }
        if let Some(retry_on) = retry_on {
            check.retry_on = retry_on;
        }
    }
}
