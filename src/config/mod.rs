//! Loading a suite: TOML files and folders -> validated, fully resolved checks, or every problem
//! found, each with file:line:col. Owns defaults, variables and plugin lookup; must not run
//! anything or select checks.

mod browser;
use crate::import::{behat, features, nagios_objects, nrpe, side};
pub use crate::source::{diag, files, vars};
mod imports;
pub use imports::{CommandForm, SHELL};
mod kinds;
mod needs;
mod raw;
mod settings;
mod suite;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

pub use diag::{Diagnostic, Diagnostics};
use kinds::RawCheck;
pub use raw::suite_schema;
use raw::{RawBrowserSettings, RawDefaults, RawImport};
use suite::Entry;
pub use suite::{EnvUse, Selected, Suite};
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
    for entry in &mut suite.entries {
        if let Some(check) = &mut entry.check {
            let check = Arc::make_mut(check);
            check.fingerprint = check.digest(&redactor);
        }
    }
    if diags.is_empty() {
        suite.redactor = redactor;
        Ok(suite)
    } else {
        Err(Diagnostics::new(diags, redactor))
    }
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
    // import's; the others see the `[vars]`, `[secrets]` and `[defaults]` of the first suite file
    // in their folder.
    let mut loose = Vec::new();
    let mut imported_features: BTreeSet<PathBuf> = BTreeSet::new();
    let mut folders: Vec<(PathBuf, PathBuf, Vars, Defaults)> = Vec::new();
    for (file, source) in sources {
        if file.extension().is_some_and(|e| e == "feature") {
            loose.push((file, source));
            continue;
        }
        let mut loader = FileLoader {
            file,
            source,
            env,
            overrides,
            diags,
            browser: None,
            lines: diag::LineIndex::new(source),
            hostgroups: Default::default(),
            skipped: Vec::new(),
            failed: Vec::new(),
            broken_vars: Default::default(),
            var_names: Default::default(),
            var_sources: Default::default(),
            scope: None,
            always_env: BTreeSet::new(),
            fan_out_hosts: None,
            written_needs: Vec::new(),
            found_secrets: Vec::new(),
            imported_features: Vec::new(),
            kept: None,
        };
        let loaded = loader.load();
        imported_features.extend(std::mem::take(&mut loader.imported_features));
        if let Some((vars, defaults)) = loader.kept.take() {
            let folder = file.parent().unwrap_or(Path::new("")).to_path_buf();
            if !folders.iter().any(|(f, ..)| *f == folder) {
                folders.push((folder, file.to_path_buf(), vars, defaults));
            }
        }
        suite.vars.append(&mut loader.var_names);
        suite.always_env.append(&mut loader.always_env);
        suite.skipped.append(&mut loader.skipped);
        written_needs.append(&mut loader.written_needs);
        secrets.append(&mut loader.found_secrets);
        let failed = std::mem::take(&mut loader.failed);
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
        admit(loaded, failed, file, source, &mut seen, &mut suite, diags);
    }
    for (file, source) in loose {
        if imported_features.contains(&canonical(file)) {
            continue;
        }
        let folder = file.parent().unwrap_or(Path::new(""));
        let owner = folders
            .iter()
            .find(|(f, ..)| f == folder)
            .map(|(_, toml, vars, defaults)| (toml.as_path(), vars, defaults));
        let loaded = standalone_feature(file, source, env, owner, secrets, diags);
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

/// A feature file given on the command line or found in a suite folder: the environment for
/// `${ENV}`; the vars, secrets and defaults of the suite file it is beside (`owner`), if any, or
/// none and the default plugin folders and timeout.
fn standalone_feature(
    file: &Path,
    source: &Arc<str>,
    env: &dyn Fn(&str) -> Option<String>,
    owner: Option<(&Path, &Vars, &Defaults)>,
    secrets: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Entry, Range<usize>)> {
    let dirs: Vec<PathBuf> = match owner {
        Some((_, _, defaults)) => defaults.plugin_dirs.clone(),
        None => DEFAULT_PLUGIN_DIRS.iter().map(PathBuf::from).collect(),
    };
    let base = file.parent().unwrap_or(Path::new(".")).to_path_buf();
    let plugin = |line: &str| features::plugin_command(line, &dirs, &base);
    let none = Vars::new();
    let vars = owner.map_or(&none, |(_, vars, _)| vars);
    let found = std::cell::RefCell::new(Vec::new());
    let ctx = features::FeatureContext {
        vars,
        env,
        plugin: &plugin,
        secrets: &found,
        broken: &Default::default(),
        base_url: None,
        files_path: None,
        admit: None,
    };
    let checks = features::load(file, source, &ctx, diags);
    secrets.append(&mut found.into_inner());
    checks
        .into_iter()
        .map(|f| {
            if let Some((suite, _, defaults)) = owner {
                let check =
                    defaults.imported(&f.name, f.tags, suite.to_path_buf(), f.source, f.probe);
                return (Entry::loaded(check, f.env_use), f.span);
            }
            let check = Check {
                name: crate::sanitize::untrusted(&f.name),
                tags: f.tags,
                timeout: DEFAULT_TIMEOUT,
                retries: 0,
                retry_delay: DEFAULT_RETRY_DELAY,
                optional: false,
                fail_on: None,
                suite: file.to_path_buf(),
                source: f.source,
                probe: f.probe,
                needs: Vec::new(),
                fingerprint: String::new(),
            };
            (Entry::loaded(check, f.env_use), f.span)
        })
        .collect()
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
#[derive(Clone)]
struct Defaults {
    timeout: Duration,
    retries: u32,
    retry_delay: Duration,
    tags: Vec<String>,
    plugin_dirs: Vec<PathBuf>,
    fail_on: Option<crate::model::FailOn>,
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
            suite,
            source,
            probe,
            needs: Vec::new(),
            fingerprint: String::new(),
        }
    }
}

/// A `nagios` or `exec` table's program, its `args`, or one `command` line, as written.
type RawCommand = (
    Option<Spanned<String>>,
    Option<Vec<Spanned<String>>>,
    Option<Spanned<String>>,
);

/// What a `nagios` or `exec` table calls its program, and whether bare names search `$PATH`.
struct Program {
    key: &'static str,
    probe: &'static str,
    search_path: bool,
}

/// A Nagios plugin: by name in the plugin dirs only, or by path.
const NAGIOS_PROGRAM: Program = Program {
    key: "plugin",
    probe: "nagios",
    search_path: false,
};

/// `vars` with each secret's value replaced by a placeholder that no shell splits or unquotes
/// (private-use characters around a number), and the placeholders with their values.
fn hold_secrets(vars: &Vars, secrets: &[String]) -> (Vars, Vec<(String, String)>) {
    let mut held = vars.clone();
    let mut placeholders = Vec::new();
    for value in held.values_mut() {
        if secrets.contains(&value.text) {
            let placeholder = format!("\u{E000}{}\u{E001}", placeholders.len());
            placeholders.push((
                placeholder.clone(),
                std::mem::replace(&mut value.text, placeholder),
            ));
        }
    }
    (held, placeholders)
}

/// A word with the secrets [`hold_secrets`] held put back.
fn put_back(word: String, placeholders: &[(String, String)]) -> String {
    if !word.contains('\u{E000}') {
        return word;
    }
    placeholders.iter().fold(word, |w, (placeholder, value)| {
        w.replace(placeholder.as_str(), value)
    })
}

/// A plain command: by name in the plugin dirs, then `$PATH`, or by path.
const EXEC_PROGRAM: Program = Program {
    key: "program",
    probe: "exec",
    search_path: true,
};

struct FileLoader<'a> {
    file: &'a Path,
    source: &'a Arc<str>,
    env: &'a dyn Fn(&str) -> Option<String>,
    overrides: &'a Overrides,
    diags: &'a mut Vec<Diagnostic>,
    /// `[browser]` of this file, the span of its table and what its values are made from.
    browser: Option<(BrowserConfig, Range<usize>, EnvUse)>,
    lines: diag::LineIndex,
    /// Hostgroups of this file's `[import] nagios`: name -> (host, address).
    hostgroups: std::collections::BTreeMap<String, Vec<(String, String)>>,
    /// What this file's imports left out and why, one line each.
    skipped: Vec<String>,
    /// Checks that had errors, by name: still taken into account for duplicate names.
    failed: Vec<(String, Range<usize>)>,
    /// `[vars]` entries that could not be set: a use of one says so, not that it is unknown.
    broken_vars: std::collections::BTreeSet<String>,
    /// `needs` as written, resolved once every file is loaded.
    written_needs: Vec<needs::Written>,
    /// The names this file's `[vars]` and `[secrets]` define.
    var_names: BTreeSet<String>,
    /// Each var's and secret's value as written, and its span: where an unset environment
    /// variable it uses is pointed at.
    var_sources: HashMap<String, (Range<usize>, String)>,
    /// What the values being expanded are made from: a check's, or `[browser]`'s. Outside of
    /// one (`None`), an unset environment variable is an error at once.
    scope: Option<EnvUse>,
    /// Environment variables read outside of a scope.
    always_env: BTreeSet<String>,
    /// The hosts of the check being loaded, once known, when it fans out.
    fan_out_hosts: Option<Vec<String>>,
    /// Every secret this file's loading read: `[secrets]`, http passwords, `$USERn$`, values
    /// feature steps read from the environment.
    found_secrets: Vec<String>,
    /// The feature files its imports loaded, as the file system names them.
    imported_features: Vec<PathBuf>,
    /// Its vars (secrets among them) and defaults, for the feature files beside it.
    kept: Option<(Vars, Defaults)>,
}

impl FileLoader<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::new(self.file, self.source, span, message));
    }

    fn toml_error(&mut self, err: &toml::de::Error, fallback: Range<usize>) {
        let message = in_toml_words(err.message().trim());
        self.error(err.span().unwrap_or(fallback), message);
    }

    fn loc(&self, offset: usize) -> SourceLoc {
        let (line, col) = self.lines.line_col(self.source, offset);
        SourceLoc {
            file: self.file.to_path_buf(),
            line,
            col,
        }
    }

    /// The file's checks, each with the span of its name.
    fn load(&mut self) -> Vec<(Entry, Range<usize>)> {
        let source = Arc::clone(self.source);
        let (root, errors) = DeTable::parse_recoverable(&source);
        if !errors.is_empty() {
            for e in &errors {
                self.toml_error(e, 0..0);
            }
            return Vec::new();
        }
        let mut raw_defaults = None;
        let mut raw_vars = None;
        let mut raw_secrets = None;
        let mut raw_checks = None;
        let mut raw_browser = None;
        let mut raw_import = None;
        for (key, value) in root.into_inner() {
            match key.get_ref().as_ref() {
                "defaults" => raw_defaults = Some(value),
                "vars" => raw_vars = Some(value),
                "secrets" => raw_secrets = Some(value),
                "check" => raw_checks = Some(value),
                "browser" => raw_browser = Some(value),
                "import" => raw_import = Some(value),
                other => {
                    let hint = if other == "checks" {
                        " (did you mean `[[check]]`?)"
                    } else {
                        ""
                    };
                    self.error(
                        key.span(),
                        format!(
                            "unknown key `{other}`, expected `defaults`, `vars`, `secrets`, `browser`, `import` or `check`{hint}"
                        ),
                    );
                }
            }
        }
        let defaults = self.defaults(raw_defaults);
        let mut vars = self.vars(raw_vars);
        self.secrets(raw_secrets, &mut vars);
        self.kept = Some((vars.clone(), defaults.clone()));
        if let Some(value) = raw_browser {
            let span = value.span();
            match RawBrowserSettings::deserialize(ValueDeserializer::from(value)) {
                Ok(raw) => {
                    self.scope = Some(EnvUse::default());
                    let config = self.browser_settings(&raw, &vars);
                    let env_use = self.scope.take().unwrap_or_default();
                    self.browser = Some((config, span, env_use));
                }
                Err(e) => self.toml_error(&e, span),
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
                        for (span, entry) in raw::RawNrpeList::entries(nrpe) {
                            let checks = match entry {
                                raw::RawNrpeImport::Table(t) => t.checks.clone(),
                                _ => None,
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
                    for entry in raw.features.iter().flatten() {
                        let span = entry.span();
                        let (source, checks) = match entry.get_ref() {
                            raw::PathOr::Path(path) => {
                                (FeatureSource::at(self.relative(path)), None)
                            }
                            raw::PathOr::Table(t) => (
                                FeatureSource {
                                    base_url: t
                                        .base_url
                                        .as_ref()
                                        .and_then(|b| self.expand(b, &vars)),
                                    files_path: t.files_path.as_ref().map(|f| self.relative(f)),
                                    ..FeatureSource::at(self.relative(&t.path))
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
                    let imports = raw.side.unwrap_or_default();
                    for side in &imports {
                        groups.push((side.span(), side.get_ref().checks.clone(), false));
                    }
                    for side in self.side_imports(&imports, &vars) {
                        let browser::SideCheck {
                            name,
                            tags,
                            probe,
                            span,
                            env_use,
                        } = side;
                        let suite = self.file.to_path_buf();
                        let check =
                            defaults.imported(&name, tags, suite, self.loc(span.start), probe);
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
                Err(e) => self.toml_error(&e, span),
            }
        }
        let Some(checks) = raw_checks else {
            return out;
        };
        let span = checks.span();
        let DeValue::Array(items) = checks.into_inner() else {
            self.error(
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
                    self.scope = Some(EnvUse::default());
                    self.fan_out_hosts = None;
                    let entries = self.check(raw, &defaults, &vars);
                    let env_use = self.scope.take().unwrap_or_default();
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
                Err(e) => self.toml_error(&e, span),
            }
        }
        out
    }

    fn defaults(&mut self, value: Option<Spanned<DeValue<'_>>>) -> Defaults {
        let mut defaults = Defaults {
            timeout: DEFAULT_TIMEOUT,
            retries: 0,
            retry_delay: DEFAULT_RETRY_DELAY,
            tags: Vec::new(),
            plugin_dirs: DEFAULT_PLUGIN_DIRS.iter().map(PathBuf::from).collect(),
            fail_on: None,
        };
        let Some(value) = value else {
            return defaults;
        };
        let span = value.span();
        let raw = match RawDefaults::deserialize(ValueDeserializer::from(value)) {
            Ok(raw) => raw,
            Err(e) => {
                self.toml_error(&e, span);
                return defaults;
            }
        };
        if let Some(t) = raw
            .timeout
            .as_ref()
            .and_then(|t| self.duration(t, "timeout"))
        {
            defaults.timeout = t;
        }
        if let Some(d) = raw
            .retry_delay
            .as_ref()
            .and_then(|d| self.duration(d, "retry_delay"))
        {
            defaults.retry_delay = d;
        }
        if let Some(r) = raw.retries {
            defaults.retries = *r.get_ref();
        }
        defaults.tags = self.tags(raw.tags.as_deref().unwrap_or_default());
        defaults.fail_on = raw.fail_on.as_ref().and_then(|f| self.fail_on(f));
        if let Some(dirs) = raw.plugin_dirs {
            defaults.plugin_dirs = dirs.iter().map(|d| self.relative(d.get_ref())).collect();
        }
        defaults
    }

    fn vars(&mut self, value: Option<Spanned<DeValue<'_>>>) -> Vars {
        let mut raw = Vec::new();
        let mut spans = Vec::new();
        if let Some(value) = value {
            let span = value.span();
            match value.into_inner() {
                DeValue::Table(table) => {
                    for (key, value) in table {
                        match value.get_ref().as_str() {
                            Some(s) => {
                                raw.push((key.get_ref().to_string(), s.to_string()));
                                spans.push(value.span());
                                self.var_sources.insert(
                                    key.get_ref().to_string(),
                                    (value.span(), s.to_string()),
                                );
                            }
                            None => self.error(
                                value.span(),
                                format!("variable `{}` must be a string", key.get_ref()),
                            ),
                        }
                    }
                }
                _ => self.error(span, "`vars` must be a table: write `[vars]`"),
            }
        }
        self.var_names
            .extend(raw.iter().map(|(name, _)| name.clone()));
        let (map, errors) = vars::resolve(&raw, self.overrides, self.env);
        self.broken_vars = raw
            .iter()
            .filter(|(name, _)| !map.contains_key(name))
            .map(|(name, _)| name.clone())
            .collect();
        for (i, e) in errors {
            let span = self.inner_span(spans[i].clone(), &raw[i].1, e.offset, e.len);
            self.error(span, e.message);
        }
        map
    }

    /// `[secrets]`: like `[vars]` (usable as `{{name}}`), but their values are masked in every
    /// output. Each is expanded from the environment (and the vars); a value shorter than
    /// [`crate::redact::MIN_LEN`] cannot be masked safely and is an error.
    fn secrets(&mut self, value: Option<Spanned<DeValue<'_>>>, vars: &mut Vars) {
        let Some(value) = value else { return };
        let span = value.span();
        let DeValue::Table(table) = value.into_inner() else {
            self.error(span, "`secrets` must be a table: write `[secrets]`");
            return;
        };
        for (key, value) in table {
            let name = key.get_ref().to_string();
            let mut from_file = None;
            let text = match value.get_ref() {
                DeValue::Table(t) => match self.secret_file(&name, t, value.span()) {
                    Some(contents) => {
                        from_file = Some(contents);
                        String::new()
                    }
                    None => {
                        self.var_names.insert(name.clone());
                        self.broken_vars.insert(name);
                        continue;
                    }
                },
                other => match other.as_str() {
                    Some(text) => text.to_string(),
                    None => {
                        self.error(
                            value.span(),
                            format!("secret `{name}` must be a string or `{{ file = \"...\" }}`"),
                        );
                        continue;
                    }
                },
            };
            let text = text.as_str();
            if vars.contains_key(&name) {
                self.error(key.span(), format!("`{name}` is both a var and a secret"));
                continue;
            }
            self.var_names.insert(name.clone());
            self.var_sources
                .insert(name.clone(), (value.span(), text.to_string()));
            let overridden = self.overrides.get(&name);
            let expanded = match (overridden, &from_file) {
                (Some(value), _) => vars::Expanded::literal(value),
                // Taken as it is: nothing in a file is expanded.
                (None, Some(contents)) => vars::Expanded::literal(contents),
                (None, None) => {
                    let text = Spanned::new(value.span(), text.to_string());
                    let Some(mut expanded) = self.expand_text(&text, vars) else {
                        self.broken_vars.insert(name);
                        continue;
                    };
                    for unset in &mut expanded.unset {
                        unset.var.get_or_insert_with(|| name.clone());
                    }
                    expanded
                }
            };
            // Without its environment it has no value yet: an error only where it is used.
            let Some(secret) = expanded.value().map(str::to_string) else {
                vars.insert(name, expanded);
                continue;
            };
            if secret.chars().count() < crate::redact::MIN_LEN {
                let diag = Diagnostic::new(
                    self.file,
                    self.source,
                    value.span(),
                    if secret.is_empty() {
                        format!(
                            "secret `{name}` is empty (what it is made of is set to nothing): a secret has {} characters or more",
                            crate::redact::MIN_LEN
                        )
                    } else {
                        format!(
                            "secret `{name}` is {} characters long: a secret shorter than {} cannot be masked safely",
                            secret.chars().count(),
                            crate::redact::MIN_LEN
                        )
                    },
                );
                self.diags.push(match overridden {
                    Some(_) => diag.with_note(format!("its value comes from `--var {name}=...`")),
                    None => diag,
                });
                self.broken_vars.insert(name);
                continue;
            }
            self.found_secrets.push(secret.clone());
            vars.insert(name, expanded);
        }
    }

    /// `name = { file = "..." }` of `[secrets]`: the file's text (one line ending dropped), read
    /// where the environment cannot carry it (Nagios and cron give plugins an empty one). A file
    /// others may read is refused: the secret would be no secret.
    fn secret_file(
        &mut self,
        name: &str,
        table: &DeTable<'_>,
        span: Range<usize>,
    ) -> Option<String> {
        use std::os::unix::fs::PermissionsExt;
        let mut path = None;
        for (key, value) in table {
            match (key.get_ref().as_ref(), value.get_ref().as_str()) {
                ("file", Some(p)) => path = Some((p.to_string(), value.span())),
                ("file", None) => {
                    self.error(
                        value.span(),
                        format!("secret `{name}`: `file` must be a string"),
                    );
                    return None;
                }
                (other, _) => {
                    self.error(
                        key.span(),
                        format!("secret `{name}`: unknown key `{other}`, expected `file`"),
                    );
                    return None;
                }
            }
        }
        let Some((written, at)) = path else {
            self.error(
                span,
                format!("secret `{name}`: write `{{ file = \"...\" }}`"),
            );
            return None;
        };
        let base = self.file.parent().unwrap_or(Path::new("."));
        let file = base.join(&written);
        let mode = match std::fs::metadata(&file) {
            Ok(m) if m.is_file() => m.permissions().mode(),
            Ok(_) => {
                self.error(
                    at,
                    format!("secret `{name}`: {} is not a file", file.display()),
                );
                return None;
            }
            Err(e) => {
                self.error(
                    at,
                    format!("secret `{name}`: cannot read {}: {e}", file.display()),
                );
                return None;
            }
        };
        if mode & 0o077 != 0 {
            self.error(
                at,
                format!(
                    "secret `{name}`: {} may be read by others (mode {:o}): make it its owner's only (`chmod 600`)",
                    file.display(),
                    mode & 0o777
                ),
            );
            return None;
        }
        match std::fs::read_to_string(&file) {
            Ok(text) => {
                let text = text.strip_suffix('\n').unwrap_or(&text);
                Some(text.strip_suffix('\r').unwrap_or(text).to_string())
            }
            Err(e) => {
                self.error(
                    at,
                    format!("secret `{name}`: cannot read {}: {e}", file.display()),
                );
                None
            }
        }
    }

    fn check(&mut self, mut raw: RawCheck, defaults: &Defaults, vars: &Vars) -> Vec<Entry> {
        let tables = raw.take_tables();
        let errors_before = self.diags.len();
        let name_span = raw.name.span();
        let name = raw.name.into_inner();
        let needs: Vec<(String, Range<usize>)> = raw
            .needs
            .iter()
            .flatten()
            .map(|n| (n.get_ref().clone(), n.span()))
            .collect();
        if name.trim().is_empty() {
            self.error(name_span.clone(), "check name is empty");
        } else if name.chars().any(char::is_control) {
            self.error(name_span.clone(), "check name contains a control character");
        }
        let timeout = match &raw.timeout {
            Some(t) => self.duration(t, "timeout"),
            None => Some(defaults.timeout),
        };
        let retry_delay = match &raw.retry_delay {
            Some(d) => self.duration(d, "retry_delay"),
            None => Some(defaults.retry_delay),
        };
        let fail_on = match &raw.fail_on {
            Some(f) => self.fail_on(f),
            None => defaults.fail_on,
        };
        let mut tags = defaults.tags.clone();
        for tag in self.tags(raw.tags.as_deref().unwrap_or_default()) {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let fans_out = tables.iter().any(|t| t.fans_out);
        let browser = tables.iter().any(|t| t.browser);
        // One probe, or one per host for a fanned-out NRPE command.
        let mut tables = tables.into_iter();
        let probes: Option<Vec<(Option<String>, ProbeSpec)>> = match (tables.next(), tables.next())
        {
            (None, _) => {
                self.error(
                    name_span.clone(),
                    format!("check `{name}` has no probe: add one of {}", kinds_named()),
                );
                None
            }
            (Some(table), None) => {
                let at = kinds::Building {
                    defaults,
                    vars,
                    timeout,
                };
                table.build(self, &at)
            }
            (Some(first), Some(second)) => {
                self.error(
                    second.span.clone(),
                    format!(
                        "check `{name}` has two probes, `{}` and `{}`: a check runs exactly one",
                        first.key, second.key
                    ),
                );
                None
            }
        };
        if self.diags.len() > errors_before {
            return Vec::new();
        }
        let source = self.loc(name_span.start);
        let (Some(probes), Some(timeout), Some(retry_delay)) = (probes, timeout, retry_delay)
        else {
            // Values that need an unset environment variable: the check keeps its name and
            // tags, so that a selection can leave it out.
            let unknown = |name: String, tags: Vec<String>, hosts_unknown| Entry {
                name,
                tags,
                source: source.clone(),
                browser,
                hosts_unknown,
                check: None,
                env_use: EnvUse::default(),
                instance: None,
            };
            return match self.fan_out_hosts.take().filter(|_| fans_out) {
                Some(hosts) => hosts
                    .into_iter()
                    .map(|h| {
                        let mut tags = tags.clone();
                        if !tags.contains(&h) {
                            tags.push(h.clone());
                        }
                        Entry {
                            instance: Some(suite::Instance {
                                base: name.clone(),
                                host: h.clone(),
                            }),
                            ..unknown(
                                crate::sanitize::untrusted(&format!("{name} @ {h}")),
                                tags,
                                false,
                            )
                        }
                    })
                    .collect(),
                None => vec![unknown(name, tags, fans_out)],
            };
        };
        let retries = raw.retries.map_or(defaults.retries, |r| *r.get_ref());
        let optional = raw.optional.unwrap_or(false);
        probes
            .into_iter()
            .map(|(host, probe)| {
                let base = name.clone();
                if !needs.is_empty() {
                    let check = match &host {
                        Some(h) => crate::sanitize::untrusted(&format!("{name} @ {h}")),
                        None => name.clone(),
                    };
                    self.written_needs.push(needs::Written {
                        check,
                        base: base.clone(),
                        host: host.clone(),
                        names: needs.clone(),
                        file: self.file.to_path_buf(),
                        source: Arc::clone(self.source),
                    });
                }
                let mut tags = tags.clone();
                let name = match &host {
                    Some(h) => {
                        if !tags.contains(h) {
                            tags.push(h.clone());
                        }
                        crate::sanitize::untrusted(&format!("{name} @ {h}"))
                    }
                    None => name.clone(),
                };
                let check = Check {
                    source: source.clone(),
                    name,
                    tags,
                    timeout,
                    retries,
                    retry_delay,
                    optional,
                    fail_on,
                    suite: self.file.to_path_buf(),
                    probe,
                    needs: Vec::new(),
                    fingerprint: String::new(),
                };
                Entry {
                    instance: host.map(|host| suite::Instance {
                        base: base.clone(),
                        host,
                    }),
                    ..Entry::loaded(check, EnvUse::default())
                }
            })
            .collect()
    }

    /// The program and arguments of a `nagios` or `exec` table: `plugin`/`program` with `args`,
    /// or one `command` string split into words as a shell would (without running a shell).
    fn command_of(
        &mut self,
        kind: Program,
        (program, args, command): RawCommand,
        table_span: Range<usize>,
        defaults: &Defaults,
        vars: &Vars,
    ) -> Option<(PathBuf, Vec<String>)> {
        let key = kind.key;
        match (program, command) {
            (Some(program), None) => {
                let name = self.expand(&program, vars)?;
                let mut expanded = Vec::new();
                for arg in args.unwrap_or_default() {
                    expanded.push(self.expand(&arg, vars));
                }
                let path = self.resolve_program(&kind, &name, program.span(), defaults)?;
                Some((path, expanded.into_iter().collect::<Option<Vec<_>>>()?))
            }
            (None, Some(command)) => {
                if let Some(args) = &args {
                    let span = args.first().map_or(table_span.clone(), Spanned::span);
                    self.error(
                        span,
                        format!("`args` goes with `{key}`; `command` carries its arguments in one string"),
                    );
                    return None;
                }
                // A secret is put in after the line is split into words: whatever it holds
                // (a space, a quote, a backslash), the program gets it exact, within its word.
                let (held, placeholders) = hold_secrets(vars, &self.found_secrets);
                let line = self.expand(&command, &held)?;
                let mut words = match shell_words::split(&line) {
                    Ok(words) => words.into_iter().map(|w| put_back(w, &placeholders)),
                    Err(e) => {
                        self.error(
                            command.span(),
                            format!("cannot split command into words: {e}"),
                        );
                        return None;
                    }
                };
                let Some(first) = words.next() else {
                    self.error(command.span(), "command is empty");
                    return None;
                };
                let path = self.resolve_program(&kind, &first, command.span(), defaults)?;
                Some((path, words.collect()))
            }
            (Some(_), Some(command)) => {
                self.error(
                    command.span(),
                    format!("give either `{key}` (with `args`) or `command`, not both"),
                );
                None
            }
            (None, None) => {
                self.error(
                    table_span,
                    format!(
                        "the {} probe needs `{key}` (with `args`) or `command`",
                        kind.probe
                    ),
                );
                None
            }
        }
    }

    /// A path is taken relative to the suite file's folder, never searched for. A bare name is
    /// looked up in the plugin dirs, and for `exec` then in `$PATH`.
    fn resolve_program(
        &mut self,
        kind: &Program,
        name: &str,
        span: Range<usize>,
        defaults: &Defaults,
    ) -> Option<PathBuf> {
        let what = if kind.search_path {
            "program"
        } else {
            "plugin"
        };
        if name.contains('/') {
            let path = self.relative(name);
            if path.is_file() {
                return Some(path);
            }
            self.error(span, format!("{what} `{}` does not exist", path.display()));
            return None;
        }
        let mut dirs = defaults.plugin_dirs.clone();
        if kind.search_path {
            let path = (self.env)("PATH").unwrap_or_default();
            dirs.extend(
                std::env::split_paths(&path)
                    .filter(|d| d.is_absolute())
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(found) = dirs.iter().map(|dir| dir.join(name)).find(|p| p.is_file()) {
            return Some(found);
        }
        let mut looked: Vec<String> = defaults
            .plugin_dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        if kind.search_path {
            looked.push("$PATH".to_string());
        }
        self.diags.push(
            Diagnostic::new(
                self.file,
                self.source,
                span,
                format!("{what} `{name}` not found"),
            )
            .with_note(format!(
                "looked in {}; set `[defaults] plugin_dirs` or give a path (`./{name}` is relative to the suite file)",
                looked.join(", ")
            )),
        );
        None
    }

    /// The scenarios of a `behat.yml`: each enabled suite's paths (or the suites named), on the
    /// profile's MinkExtension `base_url`, filtered as Behat filters them.
    fn behat_import(
        &mut self,
        entry: &Spanned<raw::RawBehatEntry>,
        vars: &Vars,
        defaults: &Defaults,
    ) -> Vec<(Entry, Range<usize>)> {
        let span = entry.span();
        let (file, profile, only, base_url) = match entry.get_ref() {
            raw::PathOr::Path(path) => (self.relative(path), None, None, None),
            raw::PathOr::Table(t) => (
                self.relative(&t.file),
                t.profile.clone(),
                t.suites.clone(),
                t.base_url.as_ref().and_then(|b| self.expand(b, vars)),
            ),
        };
        let text = match files::read_text(&file) {
            Ok(text) => text,
            Err(e) => {
                self.error(span, format!("cannot read {}: {e}", file.display()));
                return Vec::new();
            }
        };
        let project = match behat::read(&file, &text, profile.as_deref(), self.env) {
            Ok(project) => project,
            Err(e) => {
                match e.at {
                    Some(at) => self.diags.push(Diagnostic::new(
                        &e.file,
                        &Arc::from(text.as_str()),
                        at..(at + 1).min(text.len()),
                        e.message,
                    )),
                    None => self.error(span, format!("{}: {}", e.file.display(), e.message)),
                }
                return Vec::new();
            }
        };
        for note in &project.notes {
            self.skipped.push(format!("{}: {note}", file.display()));
        }
        let mut suites: Vec<&behat::Suite> = project.suites.iter().collect();
        if let Some(only) = &only {
            for name in only {
                if !project.suites.iter().any(|s| s.name == *name.get_ref()) {
                    let known: Vec<&str> = project.suites.iter().map(|s| s.name.as_str()).collect();
                    self.error(
                        name.span(),
                        format!(
                            "{} has no suite `{}` (it has: {})",
                            file.display(),
                            name.get_ref(),
                            known.join(", ")
                        ),
                    );
                }
            }
            suites.retain(|s| only.iter().any(|n| *n.get_ref() == s.name));
        }
        let mut out = Vec::new();
        let first = self.imported_features.len();
        for suite in suites {
            for path in &suite.paths {
                let source = FeatureSource {
                    base_url: base_url.clone().or_else(|| project.base_url.clone()),
                    files_path: project.files_path.clone(),
                    filters: Some(suite.filters.clone()),
                    // A file two suites share is loaded once, by the first.
                    skip: self.imported_features[first..].to_vec(),
                    ..FeatureSource::at(path.clone())
                };
                out.extend(self.feature_import(span.clone(), &source, vars, defaults));
            }
        }
        out
    }

    /// The scenarios of `[import] features` entry: a feature file or a folder of them.
    fn feature_import(
        &mut self,
        span: Range<usize>,
        from: &FeatureSource,
        vars: &Vars,
        defaults: &Defaults,
    ) -> Vec<(Entry, Range<usize>)> {
        // A password in the site is a secret, as one in a check's URL is.
        if let Some(password) = from.base_url.as_deref().and_then(url_password) {
            self.found_secrets.push(password);
        }
        let at = &from.path;
        let files = match features::feature_files(at) {
            Ok(files) if files.is_empty() => {
                self.error(span, format!("no `.feature` files in {}", at.display()));
                return Vec::new();
            }
            Ok(files) => files,
            Err(e) => {
                self.error(
                    span,
                    format!("cannot read features at {}: {e}", at.display()),
                );
                return Vec::new();
            }
        };
        let admit = from.filters.as_ref().map(|f| {
            move |tags: &[String], feature: &str, scenario: &str| f.admit(tags, feature, scenario)
        });
        let mut out = Vec::new();
        for file in files {
            let named = canonical(&file);
            if from.skip.contains(&named) {
                continue;
            }
            self.imported_features.push(named);
            let source: Arc<str> = match files::read_text(&file) {
                Ok(text) => Arc::from(text),
                Err(e) => {
                    self.error(span.clone(), format!("cannot read {}: {e}", file.display()));
                    continue;
                }
            };
            let base = file.parent().unwrap_or(Path::new(".")).to_path_buf();
            let dirs = defaults.plugin_dirs.clone();
            let plugin = |line: &str| features::plugin_command(line, &dirs, &base);
            let found = std::cell::RefCell::new(Vec::new());
            let broken = self.broken_vars.clone();
            let ctx = features::FeatureContext {
                vars,
                env: self.env,
                plugin: &plugin,
                secrets: &found,
                broken: &broken,
                base_url: from.base_url.as_deref(),
                files_path: from.files_path.as_deref(),
                admit: admit
                    .as_ref()
                    .map(|a| a as &dyn Fn(&[String], &str, &str) -> bool),
            };
            let loaded = features::load(&file, &source, &ctx, self.diags);
            self.found_secrets.append(&mut found.into_inner());
            for f in loaded {
                let steps = match &f.probe {
                    ProbeSpec::Scenario(spec) => Some(&spec.steps),
                    ProbeSpec::Browser(spec) => spec.feature.as_ref().map(|f| &f.steps),
                    _ => None,
                };
                for step in steps.into_iter().flatten() {
                    if let crate::model::scenario::Action::Site(site) = &step.action {
                        self.found_secrets.extend(url_password(site));
                    }
                }
                let suite = self.file.to_path_buf();
                let check = defaults.imported(&f.name, f.tags, suite, f.source, f.probe);
                out.push((Entry::loaded(check, f.env_use), span.clone()));
            }
        }
        out
    }

    /// A Nagios plugin by name or path (never through `$PATH`).
    fn resolve_plugin(
        &mut self,
        name: &str,
        span: Range<usize>,
        defaults: &Defaults,
    ) -> Option<PathBuf> {
        self.resolve_program(&NAGIOS_PROGRAM, name, span, defaults)
    }

    fn fail_on(&mut self, value: &Spanned<String>) -> Option<crate::model::FailOn> {
        match value.get_ref().as_str() {
            "warning" => Some(crate::model::FailOn::Warning),
            "critical" => Some(crate::model::FailOn::Critical),
            other => {
                self.error(
                    value.span(),
                    format!("`fail_on` is `warning` or `critical`, not `{other}`"),
                );
                None
            }
        }
    }

    fn relative(&self, path: &str) -> PathBuf {
        let path = Path::new(path);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            let tidy: PathBuf = path
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .collect();
            // Never a bare name: `./true` next to `suite.toml` must not become `true`, which
            // a spawn would look up in $PATH.
            let dir = self
                .file
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            dir.join(tidy)
        }
    }

    /// The value of a suite string, when it has one. An unset environment variable it needs
    /// goes to the scope being loaded (a check, `[browser]`), and is an error at once outside
    /// of one; either way the value is unknown.
    fn expand(&mut self, value: &Spanned<String>, vars: &Vars) -> Option<String> {
        let expanded = self.expand_text(value, vars)?;
        let unset: Vec<Diagnostic> = expanded
            .unset
            .iter()
            .map(|u| self.unset_error(value, u))
            .collect();
        let env_use = EnvUse {
            env: expanded.env,
            unset,
        };
        let established = env_use.unset.is_empty();
        match &mut self.scope {
            Some(scope) => scope.add(env_use),
            None => {
                self.always_env.extend(env_use.env);
                self.diags.extend(env_use.unset);
            }
        }
        established.then_some(expanded.text)
    }

    /// Where an unset environment variable is written: in `value`, or in a var's definition.
    fn unset_error(&self, value: &Spanned<String>, unset: &vars::Unset) -> Diagnostic {
        let (span, text) = unset
            .var
            .as_ref()
            .and_then(|var| self.var_sources.get(var).cloned())
            .unwrap_or_else(|| (value.span(), value.get_ref().clone()));
        let span = self.inner_span(span, &text, unset.offset, unset.len);
        Diagnostic::new(
            self.file,
            self.source,
            span,
            vars::unset_message(&unset.name),
        )
    }

    /// A suite string expanded, its errors reported; unset environment variables are the
    /// caller's to judge.
    fn expand_text(&mut self, value: &Spanned<String>, vars: &Vars) -> Option<vars::Expanded> {
        match vars::expand(value.get_ref(), vars, self.env) {
            Ok(expanded) => Some(expanded),
            Err(mut e) => {
                if let Some(name) = e.unknown.as_ref().filter(|n| self.broken_vars.contains(*n)) {
                    e.message = format!("variable `{name}` could not be set (see its error)");
                }
                let span = self.inner_span(value.span(), value.get_ref(), e.offset, e.len);
                self.error(span, e.message);
                None
            }
        }
    }

    /// The source span of `text[offset..offset+len]` where `text` is the value of a string
    /// literal at `span`; the whole literal when escapes make the mapping inexact.
    fn inner_span(
        &self,
        span: Range<usize>,
        text: &str,
        offset: usize,
        len: usize,
    ) -> Range<usize> {
        let literal = self.source.get(span.clone()).unwrap_or("");
        let exact = [("\"", "\""), ("'", "'")].iter().any(|(q, e)| {
            literal.len() == text.len() + 2
                && literal.starts_with(q)
                && literal.ends_with(e)
                && &literal[1..literal.len() - 1] == text
        });
        if exact {
            let start = span.start + 1 + offset;
            start..start + len
        } else {
            span
        }
    }

    fn duration(&mut self, value: &Spanned<String>, key: &str) -> Option<Duration> {
        match humantime::parse_duration(value.get_ref().trim()) {
            Ok(d) if d.is_zero() && key == "timeout" => {
                self.error(value.span(), "timeout must be greater than zero");
                None
            }
            Ok(d) if d > crate::model::MAX_DURATION => {
                self.error(
                    value.span(),
                    format!(
                        "`{key}` must be at most {}",
                        crate::model::MAX_DURATION_TEXT
                    ),
                );
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                self.error(
                    value.span(),
                    format!(
                        "invalid duration `{}` for `{key}`: {e} (write e.g. \"500ms\", \"10s\", \"2m\")",
                        value.get_ref()
                    ),
                );
                None
            }
        }
    }

    fn tags(&mut self, tags: &[Spanned<String>]) -> Vec<String> {
        let mut out = Vec::new();
        for tag in tags {
            let t = tag.get_ref();
            if t.is_empty()
                || t.chars()
                    .any(|c| c.is_whitespace() || c == ',' || c.is_control())
            {
                self.error(
                    tag.span(),
                    format!("invalid tag `{t}`: tags are single words without commas"),
                );
            } else if !out.contains(t) {
                out.push(t.clone());
            }
        }
        out
    }
}

/// Where an import's feature files are and what they are loaded with.
#[derive(Clone, Debug, Default)]
struct FeatureSource {
    /// A `.feature` file or a folder of them.
    path: PathBuf,
    base_url: Option<String>,
    files_path: Option<PathBuf>,
    /// Behat's filters of the suite it is in: only the scenarios they admit.
    filters: Option<behat::Filters>,
    /// Files already loaded by another suite of the same project, as the file system names
    /// them.
    skip: Vec<PathBuf>,
}

impl FeatureSource {
    fn at(path: PathBuf) -> FeatureSource {
        FeatureSource {
            path,
            ..FeatureSource::default()
        }
    }
}

/// The kinds a check may have, as a sentence names them: `` `nagios`, `exec`, … or `ssh` ``.
fn kinds_named() -> String {
    let keys: Vec<String> = kinds::KEYS.iter().map(|k| format!("`{k}`")).collect();
    match keys.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
