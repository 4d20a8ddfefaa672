//! Feature files into a suite: `[import] features` and `[import] behat` entries (a Behat
//! project's suites, profiles and filters, read by `import::behat`), and the loose `.feature`
//! files beside a suite file, which see its folder's vars, secrets and defaults. Must not parse
//! Gherkin (that is `import::features`).

use super::*;

/// Where an import's feature files are and what they are loaded with.
#[derive(Clone, Debug, Default)]
pub(super) struct FeatureSource {
    /// A `.feature` file or a folder of them.
    pub path: PathBuf,
    pub base_url: Option<String>,
    pub files_path: Option<PathBuf>,
    /// Behat's filters of the suite it is in: only the scenarios they admit.
    pub filters: Option<behat::Filters>,
    /// Files already loaded by another suite of the same project, as the file system names
    /// them.
    pub skip: Vec<PathBuf>,
    /// Only what is at these lines of the file (Behat's `cart.feature:12`).
    pub lines: Option<Vec<usize>>,
}

impl FeatureSource {
    pub(super) fn at(path: PathBuf) -> FeatureSource {
        FeatureSource {
            path,
            ..FeatureSource::default()
        }
    }
}

/// A feature file given on the command line or found in a suite folder: the environment for
/// `${ENV}`; the vars, secrets and defaults of the suite file it is beside (`owner`), if any, or
/// none and the default plugin folders and timeout.
pub(super) fn standalone_feature(
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
                retry_on: crate::model::RetryOn::Transient,
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

impl FileLoader<'_> {
    /// The scenarios of a `behat.yml`: each enabled suite's paths (or the suites named), on the
    /// profile's MinkExtension `base_url`, filtered as Behat filters them.
    pub(super) fn behat_import(
        &mut self,
        entry: &Spanned<raw::RawBehatEntry>,
        vars: &Vars,
        defaults: &Defaults,
    ) -> Vec<(Entry, Range<usize>)> {
        let span = entry.span();
        let (file, profile, only, base_url) = match entry.get_ref() {
            raw::PathOr::Path(path) => (self.text.relative(path), None, None, None),
            raw::PathOr::Table(t) => (
                self.text.relative(&t.file),
                t.profile.clone(),
                t.suites.clone(),
                t.base_url.as_ref().and_then(|b| self.expand(b, vars)),
            ),
        };
        let text = match files::read_text(&file) {
            Ok(text) => text,
            Err(e) => {
                self.text
                    .error(span, format!("cannot read {}: {e}", file.display()));
                return Vec::new();
            }
        };
        let project = match behat::read(&file, &text, profile.as_deref(), self.values.env) {
            Ok(project) => project,
            Err(e) => {
                // The error may be in a file behat.yml `imports`: shown in that file's text.
                let in_text = if e.file == file {
                    Some(text.clone())
                } else {
                    files::read_text(&e.file).ok()
                };
                match (e.at, in_text) {
                    (Some(at), Some(in_text)) => self.text.diags.push(Diagnostic::new(
                        &e.file,
                        &Arc::from(in_text.as_str()),
                        at..(at + 1).min(in_text.len()),
                        e.message,
                    )),
                    _ => self
                        .text
                        .error(span, format!("{}: {}", e.file.display(), e.message)),
                }
                return Vec::new();
            }
        };
        for note in &project.notes {
            self.imported
                .skipped
                .push(format!("{}: {note}", file.display()));
        }
        let mut suites: Vec<&behat::Suite> = project.suites.iter().collect();
        if let Some(only) = &only {
            for name in only {
                if !project.suites.iter().any(|s| s.name == *name.get_ref()) {
                    let known: Vec<&str> = project.suites.iter().map(|s| s.name.as_str()).collect();
                    self.text.error(
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
        let first = self.imported.imported_features.len();
        for suite in suites {
            for path in &suite.paths {
                let source = FeatureSource {
                    base_url: base_url.clone().or_else(|| project.base_url.clone()),
                    files_path: project.files_path.clone(),
                    filters: Some(suite.filters.clone()),
                    // A file two suites share is loaded once, by the first.
                    skip: self.imported.imported_features[first..].to_vec(),
                    lines: suite.lines_of(path).map(<[usize]>::to_vec),
                    ..FeatureSource::at(path.clone())
                };
                out.extend(self.feature_import(span.clone(), &source, vars, defaults));
            }
        }
        out
    }

    /// The scenarios of `[import] features` entry: a feature file or a folder of them.
    pub(super) fn feature_import(
        &mut self,
        span: Range<usize>,
        from: &FeatureSource,
        vars: &Vars,
        defaults: &Defaults,
    ) -> Vec<(Entry, Range<usize>)> {
        // A password in the site is a secret, as one in a check's URL is.
        if let Some(password) = from.base_url.as_deref().and_then(url_password) {
            self.values.found_secrets.push(password);
        }
        let at = &from.path;
        let files = match features::feature_files(at) {
            Ok(files) if files.is_empty() => {
                self.text
                    .error(span, format!("no `.feature` files in {}", at.display()));
                return Vec::new();
            }
            Ok(files) => files,
            Err(e) => {
                self.text.error(
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
            self.imported.imported_features.push(named);
            let source: Arc<str> = match files::read_text(&file) {
                Ok(text) => Arc::from(text),
                Err(e) => {
                    self.text
                        .error(span.clone(), format!("cannot read {}: {e}", file.display()));
                    continue;
                }
            };
            let base = file.parent().unwrap_or(Path::new(".")).to_path_buf();
            let dirs = defaults.plugin_dirs.clone();
            let plugin = |line: &str| features::plugin_command(line, &dirs, &base);
            let found = std::cell::RefCell::new(Vec::new());
            let broken = self.values.broken_vars.clone();
            let ctx = features::FeatureContext {
                vars,
                env: self.values.env,
                plugin: &plugin,
                secrets: &found,
                broken: &broken,
                base_url: from.base_url.as_deref(),
                files_path: from.files_path.as_deref(),
                admit: admit
                    .as_ref()
                    .map(|a| a as &dyn Fn(&[String], &str, &str) -> bool),
            };
            let loaded =
                features::load_lines(&file, &source, &ctx, from.lines.as_deref(), self.text.diags);
            self.values.found_secrets.append(&mut found.into_inner());
            for f in loaded {
                let steps = match &f.probe {
                    ProbeSpec::Scenario(spec) => Some(&spec.steps),
                    ProbeSpec::Browser(spec) => spec.feature.as_ref().map(|f| &f.steps),
                    _ => None,
                };
                for step in steps.into_iter().flatten() {
                    if let crate::model::scenario::Action::Site(site) = &step.action {
                        self.values.found_secrets.extend(url_password(site));
                    }
                }
                let suite = self.text.file.to_path_buf();
                let check = defaults.imported(&f.name, f.tags, suite, f.source, f.probe);
                out.push((Entry::loaded(check, f.env_use), span.clone()));
            }
        }
        out
    }
}
