//! Loading a suite: TOML files and folders -> validated, fully resolved checks, or every problem
//! found, each with file:line:col. Owns defaults, variables and plugin lookup; must not run
//! anything or select checks.

mod browser;
mod checks;
mod feature_imports;
mod programs;
mod sections;
use crate::import::{behat, features, nagios_objects, nrpe, side};
pub use crate::source::{diag, files, vars};
mod imports;
pub use imports::{CommandForm, SHELL};
mod expand;
mod kinds;
mod needs;
mod raw;
mod settings;
mod suite;
mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

pub use diag::{Diagnostic, Diagnostics};
use expand::Values;
use feature_imports::{standalone_feature, FeatureSource};
use kinds::RawCheck;
pub use raw::suite_schema;
use raw::{RawBrowserSettings, RawDefaults, RawHistorySettings, RawImport};
use suite::Entry;
pub use suite::{EnvUse, Selected, Suite};
use text::FileText;
use vars::Vars;

use crate::model::spec::BrowserConfig;
use crate::model::ProbeSpec;
use crate::model::{Check, SourceLoc};

/// Where bare plugin names are looked up when `[defaults] plugin_dirs` is not given.
pub const DEFAULT_PLUGIN_DIRS: &[&str] = &[
    "/usr/lib/nagios/plugins",
    "/usr/lib64/nagios/plugins",
    "/usr/local/nagios/libexec",
];
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_secs(1);

/// `--var NAME=VALUE`: values that replace those of `[vars]` and `[secrets]`, unexpanded.
pub type Overrides = BTreeMap<String, String>;

/// Loads every `*.toml` under `paths` (files as given, folders recursively, sorted).
pub fn load(paths: &[PathBuf], overrides: &Overrides) -> Result<Suite, Diagnostics> {
    let env = |name: &str| std::env::var(name).ok();
    load_with_env(paths, overrides, &env)
}

pub fn load_with_env(
    paths: &[PathBuf],
    overrides: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Suite, Diagnostics> {
    let mut diags = Vec::new();
    let mut found = Vec::new();
    for path in paths {
        collect_files(path, &mut found, &mut diags);
    }
    // A file named twice (itself and its folder, or two paths to it) is one file.
    let mut seen = std::collections::HashSet::new();
    let files: Vec<PathBuf> = found
        .into_iter()
        .filter(|f| files::identity(f).is_none_or(|id| seen.insert(id)))
        .collect();
    let mut sources = Vec::new();
    for file in &files {
        match files::read_text(file) {
            Ok(text) => sources.push((file.clone(), Arc::from(text))),
            Err(e) => diags.push(Diagnostic::file_level(
                file,
                format!("cannot read suite file: {e}"),
            )),
        }
    }
    let mut secrets = Vec::new();
    let mut suite = load_sources(&sources, overrides, env, &mut secrets, &mut diags);
    suite.files = files;
    loaded(suite, secrets, diags)
}

/// The suite, or its problems, each with a redactor for the secrets read.
fn loaded(
    mut suite: Suite,
    secrets: Vec<String>,
    diags: Vec<Diagnostic>,
) -> Result<Suite, Diagnostics> {
    let redactor = crate::redact::Redactor::new(secrets);
    if !diags.is_empty() {
        return Err(Diagnostics::new(diags, redactor));
    }
    // A suite file's folders are found once, not once for each of its checks.
    let mut folders: HashMap<PathBuf, Vec<String>> = HashMap::new();
    for entry in &mut suite.entries {
        if let Some(check) = &mut entry.check {
            let check = Arc::make_mut(check);
            let folders = folders
                .entry(check.suite.clone())
                .or_insert_with(|| crate::model::suite_folders(&check.suite));
            check.fingerprint = check.digest_among(&redactor, folders);
        }
    }
    suite.redactor = redactor;
    Ok(suite)
}

/// Loads suite texts that are already in memory, each under the name its diagnostics show.
pub fn load_text(
    name: &Path,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Suite, Diagnostics> {
    let mut diags = Vec::new();
    let source = [(name.to_path_buf(), Arc::from(text))];
    let mut secrets = Vec::new();
    let mut suite = load_sources(&source, &Overrides::new(), env, &mut secrets, &mut diags);
    suite.files = vec![name.to_path_buf()];
    loaded(suite, secrets, diags)
}

/// `secrets` gets every secret read, also from files that have errors (which may show them).
fn load_sources(
    sources: &[(PathBuf, Arc<str>)],
    overrides: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
    secrets: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Suite {
    let mut suite = Suite::default();
    let mut seen: HashMap<String, SourceLoc> = HashMap::new();
    let mut written_needs = Vec::new();
    // Feature files found beside suite files load after them: one an import names is that
    // import's; the others see the `[vars]`, `[secrets]` and `[defaults]` of the suite file in
    // their folder, which must be one (or several that agree: which one would be a guess).
    let mut loose = Vec::new();
    let mut imported_features: BTreeSet<PathBuf> = BTreeSet::new();
    let mut folders: Vec<Folder> = Vec::new();
    for (file, source) in sources {
        if file.extension().is_some_and(|e| e == "feature") {
            loose.push((file, source));
            continue;
        }
        let mut loader = FileLoader::new(file, source, env, overrides, diags);
        let loaded = loader.load();
        imported_features.extend(std::mem::take(&mut loader.imported.imported_features));
        if let Some((vars, defaults)) = loader.imported.kept.take() {
            let folder = file.parent().unwrap_or(Path::new("")).to_path_buf();
            match folders.iter_mut().find(|f| f.path == folder) {
                Some(known) if known.vars == vars && known.defaults == defaults => {}
                Some(known) => known.disagree.push(file.to_path_buf()),
                None => folders.push(Folder {
                    path: folder,
                    suite: file.to_path_buf(),
                    vars,
                    defaults,
                    disagree: Vec::new(),
                }),
            }
        }
        suite.vars.append(&mut loader.values.var_names);
        suite.always_env.append(&mut loader.values.always_env);
        suite.skipped.append(&mut loader.imported.skipped);
        written_needs.append(&mut loader.written_needs);
        secrets.append(&mut loader.values.found_secrets);
        let failed = std::mem::take(&mut loader.failed);
        let history = loader.history.take();
        if let Some((config, span, env_use)) = loader.browser.take() {
            match &suite.browser {
                Some(existing) if *existing != config => diags.push(Diagnostic::new(
                    file,
                    source,
                    span,
                    "`[browser]` differs from the one in another suite file: one run has one browser setup",
                )),
                _ => suite.browser = Some(config),
            }
            suite.browser_env.add(env_use);
        }
        if let Some((url, span)) = history {
            match &suite.history {
                Some(existing) if *existing != url => diags.push(Diagnostic::new(
                    file,
                    source,
                    span,
                    "`[history]` differs from the one in another suite file: one run is recorded in one store",
                )),
                _ => suite.history = Some(url),
            }
        }
        admit(loaded, failed, file, source, &mut seen, &mut suite, diags);
    }
    for (file, source) in loose {
        if imported_features.contains(&canonical(file)) {
            continue;
        }
        let folder = file.parent().unwrap_or(Path::new(""));
        let owner = folders.iter().find(|f| f.path == folder);
        if let Some(owner) = owner.filter(|o| !o.disagree.is_empty()) {
            let mut names = vec![owner.suite.display().to_string()];
            names.extend(owner.disagree.iter().map(|f| f.display().to_string()));
            diags.push(Diagnostic::file_level(
                file,
                format!(
                    "this feature file is beside suite files whose `[vars]`, `[secrets]` or `[defaults]` differ ({}): which ones it sees would be a guess; name it in the `[import] features` of the one it belongs to",
                    names.join(", ")
                ),
            ));
            continue;
        }
        let owner = owner.map(|o| (o.suite.as_path(), &o.vars, &o.defaults));
        let mut loaded = standalone_feature(file, source, env, owner, secrets, diags);
        // Its scenarios' tags (`@optional`, `@timeout:20s`, `@needs:x`) as in an import.
        let mut tags = FileLoader::new(file, source, env, overrides, diags);
        tags.apply_settings(&mut loaded, None, true);
        written_needs.append(&mut tags.written_needs);
        admit(
            loaded,
            Vec::new(),
            file,
            source,
            &mut seen,
            &mut suite,
            diags,
        );
    }
    let loaded: std::collections::HashSet<&str> =
        suite.entries.iter().map(|e| e.name.as_str()).collect();
    let failed: std::collections::HashSet<String> = seen
        .into_keys()
        .filter(|name| !loaded.contains(name.as_str()))
        .collect();
    needs::resolve(
        &mut suite.entries,
        written_needs,
        &|name| {
            failed.contains(name) || failed.iter().any(|f| f.starts_with(&format!("{name} @ ")))
        },
        diags,
    );
    suite
}

/// A file's checks into the suite, in file order, with one error per name already taken.
/// `failed` are the names of checks that had errors (still taken into account).
fn admit(
    loaded: Vec<(Entry, Range<usize>)>,
    failed: Vec<(String, Range<usize>)>,
    file: &Path,
    source: &Arc<str>,
    seen: &mut HashMap<String, SourceLoc>,
    suite: &mut Suite,
    diags: &mut Vec<Diagnostic>,
) {
    let mut entries: Vec<(Option<Entry>, String, Range<usize>)> = loaded
        .into_iter()
        .map(|(entry, span)| (entry.name.clone(), span, entry))
        .map(|(name, span, entry)| (Some(entry), name, span))
        .chain(failed.into_iter().map(|(name, span)| (None, name, span)))
        .collect();
    entries.sort_by_key(|(_, _, span)| span.start);
    let lines = diag::LineIndex::new(source);
    for (entry, name, name_span) in entries {
        match seen.get(&name) {
            Some(first) => {
                diags.push(
                    Diagnostic::new(
                        file,
                        source,
                        name_span,
                        format!("duplicate check name `{name}`"),
                    )
                    .with_note(format!(
                        "first defined at {first}; names are unique across the suite"
                    )),
                );
            }
            None => {
                let (line, col) = lines.line_col(source, name_span.start);
                let here = SourceLoc {
                    file: file.to_path_buf(),
                    line,
                    col,
                };
                seen.insert(name, entry.as_ref().map_or(here, |e| e.source.clone()));
                if let Some(entry) = entry {
                    suite.entries.push(entry);
                }
            }
        }
    }
}

/// The password a URL carries (`https://user:pass@host/`), which is a secret.
pub fn url_password(url: &str) -> Option<String> {
    url::Url::parse(url).ok()?.password().map(str::to_string)
}

/// A file's path as the file system names it, to compare two ways of writing it.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn collect_files(path: &Path, out: &mut Vec<PathBuf>, diags: &mut Vec<Diagnostic>) {
    match std::fs::metadata(path) {
        Err(e) => diags.push(Diagnostic::file_level(
            path,
            format!("cannot open suite path: {e}"),
        )),
        // Suites, and the feature files a team drops beside them.
        Ok(meta) if meta.is_dir() => match files::walk(path, &["toml", "feature"]) {
            Ok(walked) => {
                out.extend(walked.files);
                for (refused, why) in walked.refused {
                    diags.push(Diagnostic::file_level(&refused, why));
                }
            }
            Err(e) => diags.push(Diagnostic::file_level(
                path,
                format!("cannot list folder: {e}"),
            )),
        },
        // Not a folder: read_text says what is wrong with anything but a regular file.
        Ok(_) => out.push(path.to_path_buf()),
    }
}

/// Settings from `[defaults]`, already parsed.
#[derive(Clone, PartialEq)]
struct Defaults {
    timeout: Duration,
    retries: u32,
    retry_delay: Duration,
    tags: Vec<String>,
    plugin_dirs: Vec<PathBuf>,
    fail_on: Option<crate::model::FailOn>,
    retry_on: crate::model::RetryOn,
}

/// A deserializer's message in the words of the file: `expected struct RawHttp` names our own
/// type, which no user wrote; `a sequence` is a TOML array.
fn in_toml_words(message: &str) -> String {
    let mut out = message.replace("expected a sequence", "expected an array `[...]`");
    if let Some(at) = out.find("expected struct ") {
        let rest = &out[at + "expected struct ".len()..];
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        out = format!(
            "{}expected a table `{{ key = value, ... }}`{}",
            &out[..at],
            &rest[name_len..]
        );
    }
    out
}

impl Defaults {
    /// A check brought in by an import (Nagios, NRPE, Selenium IDE, features): the suite's
    /// timeout, retries and `fail_on`, its default tags before the check's own, and its name
    /// sanitized (names from other tools' files reach every report).
    fn imported(
        &self,
        name: &str,
        tags: Vec<String>,
        suite: PathBuf,
        source: SourceLoc,
        probe: ProbeSpec,
    ) -> Check {
        let mut all_tags = self.tags.clone();
        all_tags.extend(tags.into_iter().filter(|t| !self.tags.contains(t)));
        Check {
            name: crate::sanitize::untrusted(name),
            tags: all_tags,
            timeout: self.timeout,
            retries: self.retries,
            retry_delay: self.retry_delay,
            optional: false,
            fail_on: self.fail_on,
            retry_on: self.retry_on,
            suite,
            source,
            probe,
            needs: Vec::new(),
            fingerprint: String::new(),
        }
    }
}

struct FileLoader<'a> {
    /// The file, and what is wrong in it.
    text: FileText<'a>,
    /// What its values are made from: its `[vars]` and `[secrets]`, the environment.
    values: Values<'a>,
    overrides: &'a Overrides,
    /// `[browser]` of this file, the span of its table and what its values are made from.
    browser: Option<(BrowserConfig, Range<usize>, EnvUse)>,
    /// `[history] url` of this file, and the span of its table.
    history: Option<(String, Range<usize>)>,
    /// What its imports brought in beside checks, and what they left out.
    imported: Imported,
    /// Checks that had errors, by name: still taken into account for duplicate names.
    failed: Vec<(String, Range<usize>)>,
    /// `needs` as written, resolved once every file is loaded.
    written_needs: Vec<needs::Written>,
    /// The hosts of the check being loaded, once known, when it fans out.
    fan_out_hosts: Option<Vec<String>>,
}

/// A folder of suite files, for the feature files beside them: what they see.
struct Folder {
    path: PathBuf,
    /// The first suite file in it.
    suite: PathBuf,
    vars: Vars,
    defaults: Defaults,
    /// Other suite files in it whose vars, secrets or defaults are not the first's.
    disagree: Vec<PathBuf>,
}

/// What a file's imports brought in beside checks, and what they left out.
#[derive(Default)]
struct Imported {
    /// Hostgroups of this file's `[import] nagios`: name -> (host, address).
    hostgroups: BTreeMap<String, Vec<(String, String)>>,
    /// What this file's imports left out and why, one line each.
    skipped: Vec<String>,
    /// The feature files its imports loaded, as the file system names them.
    imported_features: Vec<PathBuf>,
    /// Its vars (secrets among them) and defaults, for the feature files beside it.
    kept: Option<(Vars, Defaults)>,
}

impl<'a> FileLoader<'a> {
    fn new(
        file: &'a Path,
        source: &'a Arc<str>,
        env: &'a dyn Fn(&str) -> Option<String>,
        overrides: &'a Overrides,
        diags: &'a mut Vec<Diagnostic>,
    ) -> Self {
        FileLoader {
            text: FileText::new(file, source, diags),
            values: Values::new(env),
            overrides,
            browser: None,
            history: None,
            imported: Imported::default(),
            failed: Vec::new(),
            written_needs: Vec::new(),
            fan_out_hosts: None,
        }
    }

    /// The value of a suite string, when it has one (see [`Values::expand`]).
    fn expand(&mut self, value: &Spanned<String>, vars: &Vars) -> Option<String> {
        self.values.expand(&mut self.text, value, vars)
    }

    /// A history store's URL as a suite file writes it: a path is relative to the file.
    fn history_url(&self, url: &str) -> String {
        if url.contains("://") && !url.starts_with("sqlite:") {
            return url.to_string();
        }
        let path = url.strip_prefix("sqlite:").unwrap_or(url);
        self.text.relative(path).display().to_string()
    }

    /// The file's checks, each with the span of its name.
    fn load(&mut self) -> Vec<(Entry, Range<usize>)> {
        let source = Arc::clone(self.text.source);
        let (root, errors) = DeTable::parse_recoverable(&source);
        if !errors.is_empty() {
            for e in &errors {
                self.text.toml_error(e, 0..0);
            }
            return Vec::new();
        }
        let mut raw_defaults = None;
        let mut raw_vars = None;
        let mut raw_secrets = None;
        let mut raw_checks = None;
        let mut raw_browser = None;
        let mut raw_history = None;
        let mut raw_import = None;
        for (key, value) in root.into_inner() {
            match key.get_ref().as_ref() {
                "defaults" => raw_defaults = Some(value),
                "vars" => raw_vars = Some(value),
                "secrets" => raw_secrets = Some(value),
                "check" => raw_checks = Some(value),
                "browser" => raw_browser = Some(value),
                "history" => raw_history = Some(value),
                "import" => raw_import = Some(value),
                other => {
                    let hint = if other == "checks" {
                        " (did you mean `[[check]]`?)"
                    } else {
                        ""
                    };
                    self.text.error(
                        key.span(),
                        format!(
                            "unknown key `{other}`, expected `defaults`, `vars`, `secrets`, `browser`, `history`, `import` or `check`{hint}"
                        ),
                    );
                }
            }
        }
        let defaults = self.defaults(raw_defaults);
        let mut vars = self.vars(raw_vars);
        self.secrets(raw_secrets, &mut vars);
        self.imported.kept = Some((vars.clone(), defaults.clone()));
        if let Some(value) = raw_browser {
            let span = value.span();
            match RawBrowserSettings::deserialize(ValueDeserializer::from(value)) {
                Ok(raw) => {
                    self.values.scope = Some(EnvUse::default());
                    let config = self.browser_settings(&raw, &vars);
                    let env_use = self.values.scope.take().unwrap_or_default();
                    self.browser = Some((config, span, env_use));
                }
                Err(e) => self.text.toml_error(&e, span),
            }
        }
        if let Some(value) = raw_history {
            let span = value.span();
            match RawHistorySettings::deserialize(ValueDeserializer::from(value)) {
                Ok(raw) => {
                    if let Some(url) = self.expand(&raw.url, &vars) {
                        self.history = Some((self.history_url(&url), span));
                    }
                }
                Err(e) => self.text.toml_error(&e, span),
            }
        }
        let mut out = Vec::new();
        if let Some(value) = raw_import {
            let span = value.span();
            match RawImport::deserialize(ValueDeserializer::from(value)) {
                Ok(raw) => {
                    // Each entry's checks, and the settings its `checks` gives them.
                    let mut groups: Vec<(Range<usize>, Option<settings::RawChecks>, bool)> =
                        Vec::new();
                    let mut made = Vec::new();
                    if let Some(nrpe) = &raw.nrpe {
                        for (span, entry) in raw::Entries::entries(nrpe) {
                            let checks = match entry {
                                raw::PathOr::Table(t) => t.checks.clone(),
                                raw::PathOr::Path(_) => None,
                            };
                            groups.push((span, checks, false));
                        }
                    }
                    let mut imported_checks = self.nrpe_imports(raw.nrpe.as_ref(), &defaults);
                    if let Some(nagios) = &raw.nagios {
                        groups.push((
                            nagios.span(),
                            nagios.get_ref().table().checks.clone(),
                            false,
                        ));
                        imported_checks.extend(self.nagios_imports(nagios, &defaults));
                    }
                    for imported in imported_checks {
                        let check = defaults.imported(
                            &imported.name,
                            imported.tags,
                            imported.suite,
                            imported.source,
                            imported.probe,
                        );
                        made.push((Entry::loaded(check, EnvUse::default()), imported.span));
                    }
                    let features = raw.features.as_ref().map(raw::Entries::entries);
                    for (span, entry) in features.unwrap_or_default() {
                        let (source, checks) = match entry {
                            raw::PathOr::Path(path) => {
                                (FeatureSource::at(self.text.relative(path)), None)
                            }
                            raw::PathOr::Table(t) => (
                                FeatureSource {
                                    base_url: t
                                        .base_url
                                        .as_ref()
                                        .and_then(|b| self.expand(b, &vars)),
                                    files_path: t
                                        .files_path
                                        .as_ref()
                                        .map(|f| self.text.relative(f)),
                                    ..FeatureSource::at(self.text.relative(&t.path))
                                },
                                t.checks.clone(),
                            ),
                        };
                        groups.push((span.clone(), checks, true));
                        made.extend(self.feature_import(span, &source, &vars, &defaults));
                    }
                    if let Some(entry) = &raw.behat {
                        let checks = match entry.get_ref() {
                            raw::PathOr::Table(t) => t.checks.clone(),
                            raw::PathOr::Path(_) => None,
                        };
                        groups.push((entry.span(), checks, true));
                        made.extend(self.behat_import(entry, &vars, &defaults));
                    }
                    let imports: Vec<(Range<usize>, raw::RawSideImport)> = raw
                        .side
                        .map(raw::Entries::into_entries)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(span, entry)| {
                            let side = match entry {
                                raw::PathOr::Table(t) => t,
                                raw::PathOr::Path(file) => {
                                    raw::RawSideImport::file(Spanned::new(span.clone(), file))
                                }
                            };
                            (span, side)
                        })
                        .collect();
                    for (span, side) in &imports {
                        groups.push((span.clone(), side.checks.clone(), false));
                    }
                    for side in self.side_imports(&imports, &vars) {
                        let browser::SideCheck {
                            name,
                            tags,
                            probe,
                            span,
                            env_use,
                        } = side;
                        let suite = self.text.file.to_path_buf();
                        let check =
                            defaults.imported(&name, tags, suite, self.text.loc(span.start), probe);
                        made.push((Entry::loaded(check, env_use), span));
                    }
                    for (span, checks, tagged) in groups {
                        let (mut mine, rest): (Vec<_>, Vec<_>) =
                            made.into_iter().partition(|(_, s)| *s == span);
                        self.apply_settings(&mut mine, checks.as_ref(), tagged);
                        out.extend(mine);
                        made = rest;
                    }
                    out.extend(made);
                }
                Err(e) => self.text.toml_error(&e, span),
            }
        }
        let Some(checks) = raw_checks else {
            return out;
        };
        let span = checks.span();
        let DeValue::Array(items) = checks.into_inner() else {
            self.text.error(
                span,
                "`check` must be an array of tables: write `[[check]]`",
            );
            return out;
        };
        for item in items {
            let span = item.span();
            match RawCheck::deserialize(ValueDeserializer::from(item)) {
                Ok(raw) => {
                    let name_span = raw.name.span();
                    let name = raw.name.get_ref().clone();
                    self.values.scope = Some(EnvUse::default());
                    self.fan_out_hosts = None;
                    let entries = self.check(raw, &defaults, &vars);
                    let env_use = self.values.scope.take().unwrap_or_default();
                    if entries.is_empty() && !name.trim().is_empty() {
                        // Its other errors are reported; a duplicate name must be too.
                        self.failed.push((name, name_span.clone()));
                    }
                    for mut entry in entries {
                        if !env_use.unset.is_empty() {
                            entry.check = None;
                        }
                        entry.env_use = env_use.clone();
                        out.push((entry, name_span.clone()));
                    }
                }
                Err(e) => self.text.toml_error(&e, span),
            }
        }
        out
    }
}
