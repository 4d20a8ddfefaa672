//! Browser checks from the suite: the `[browser]` settings, `browser = { side, test }` and
//! `browser = { steps = [...] }` checks, and `[import] side = [...]` (every selected test of a
//! Selenium IDE project becomes a check). Must not start a browser.

use std::path::Path;

use toml::Spanned;

use super::kinds::browser::non_empty;
use super::raw::{RawBrowserSettings, RawSideImport};
use super::side::SideProject;
use super::{EnvUse, FileLoader};
use crate::model::spec::{BrowserConfig, BrowserSpec};
use crate::model::ProbeSpec;

use super::vars::Vars;

/// A test of an imported Selenium IDE project, as a check to be.
pub(super) struct SideCheck {
    pub name: String,
    pub tags: Vec<String>,
    pub probe: ProbeSpec,
    /// The span of its `[import] side` entry.
    pub span: std::ops::Range<usize>,
    /// What the entry's values (`base_url`) are made from.
    pub env_use: EnvUse,
}

impl FileLoader<'_> {
    pub(super) fn browser_settings(
        &mut self,
        raw: &RawBrowserSettings,
        vars: &Vars,
    ) -> BrowserConfig {
        let mut config = BrowserConfig::default();
        if let Some(d) = raw.driver.as_ref().and_then(|d| self.expand(d, vars)) {
            config.driver = self.text.relative(&d);
        }
        if let Some(b) = raw.binary.as_ref().and_then(|b| self.expand(b, vars)) {
            config.binary = Some(self.text.relative(&b));
        }
        if let Some(r) = &raw.remote {
            match self.expand(r, vars).map(|u| (reqwest::Url::parse(&u), u)) {
                Some((Ok(_), u)) => config.remote = Some(u),
                Some((Err(e), u)) => self
                    .text
                    .error(r.span(), format!("invalid remote WebDriver URL `{u}`: {e}")),
                None => {}
            }
        }
        // The default follows the browser: `binary` and `remote` are read above.
        config.sessions = config.default_sessions();
        if let Some(n) = &raw.sessions {
            if *n.get_ref() == 0 {
                self.text.error(n.span(), "sessions must be at least 1");
            } else {
                config.sessions = *n.get_ref() as usize;
            }
        }
        if let Some(w) = raw
            .implicit_wait
            .as_ref()
            .and_then(|w| self.text.duration(w, "implicit_wait"))
        {
            config.implicit_wait = w;
        }
        if let Some(win) = &raw.window {
            match win.get_ref().split_once('x').and_then(|(w, h)| {
                Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?))
            }) {
                Some(size) => config.window = size,
                None => self.text.error(
                    win.span(),
                    format!(
                        "invalid window size `{}`: write e.g. \"1280x800\"",
                        win.get_ref()
                    ),
                ),
            }
        }
        for arg in raw.args.iter().flatten() {
            if let Some(a) = self.expand(arg, vars) {
                config.args.push(a);
            }
        }
        config
    }

    pub(super) fn side_project(
        &mut self,
        file: &Spanned<String>,
        vars: &Vars,
    ) -> Option<SideProject> {
        let name = self.expand(file, vars)?;
        let path = self.text.relative(&name);
        let text = match super::files::read_text(&path) {
            Ok(t) => t,
            Err(e) => {
                self.text.error(
                    file.span(),
                    format!("cannot read Selenium IDE project {}: {e}", path.display()),
                );
                return None;
            }
        };
        match SideProject::parse(&path, &text) {
            Ok(p) => Some(p),
            Err(errors) => {
                for e in errors {
                    self.text.error(file.span(), e);
                }
                None
            }
        }
    }

    /// `[import] side = [...]`: one check per selected test, named after the test.
    pub(super) fn side_imports(
        &mut self,
        imports: &[(std::ops::Range<usize>, RawSideImport)],
        vars: &Vars,
    ) -> Vec<SideCheck> {
        let mut out = Vec::new();
        for (span, raw) in imports {
            let span = span.clone();
            let Some(project) = self.side_project(&raw.file, vars) else {
                continue;
            };
            let mut selected: Vec<usize> = Vec::new();
            let mut named: Vec<usize> = Vec::new();
            for suite in raw.suites.iter().flatten() {
                match project.suite(suite.get_ref()) {
                    Some(tests) => selected.extend(tests),
                    None => self.text.error(
                        suite.span(),
                        format!(
                            "no suite `{}` in {} (it has: {})",
                            suite.get_ref(),
                            raw.file.get_ref(),
                            project.suite_names().join(", ")
                        ),
                    ),
                }
            }
            for test in raw.tests.iter().flatten() {
                let found = project.tests_named(test.get_ref());
                if found.is_empty() {
                    self.text.error(
                        test.span(),
                        format!(
                            "no test `{}` in {} (it has: {})",
                            test.get_ref(),
                            raw.file.get_ref(),
                            project.test_names().join(", ")
                        ),
                    );
                }
                named.extend(found.iter().copied());
                selected.extend(found);
            }
            if raw.suites.is_none() && raw.tests.is_none() {
                // As selenium-side-runner: the project's suites say what runs; a test in none
                // is imported only when named. A project without suites runs every test.
                let names = project.suite_names();
                if names.is_empty() {
                    selected = (0..project.tests.len()).collect();
                } else {
                    for name in names {
                        selected.extend(project.suite(name).unwrap_or_default());
                    }
                    for (i, test) in project.tests.iter().enumerate() {
                        if !selected.contains(&i) {
                            self.imported.skipped.push(format!(
                                "test `{}` of {} is in no suite: name it (`tests = [\"{}\"]`) to import it",
                                test.name,
                                raw.file.get_ref(),
                                test.name
                            ));
                        }
                    }
                }
            }
            let mut unique: Vec<usize> = Vec::new();
            for i in selected {
                if !unique.contains(&i) {
                    unique.push(i);
                }
            }
            let selected = unique;
            // A check is named by its test: two selected tests of one name would be one check
            // and the other lost, or the wrong one run.
            let mut named_twice = Vec::new();
            for (k, &i) in selected.iter().enumerate() {
                let name = &project.tests[i].name;
                if selected[..k]
                    .iter()
                    .any(|&j| &project.tests[j].name == name)
                    && !named_twice.contains(name)
                {
                    named_twice.push(name.clone());
                    self.text.error(
                        span.clone(),
                        format!(
                            "two selected tests of {} are named `{name}`: each becomes a check named after its test; rename one in the IDE",
                            raw.file.get_ref()
                        ),
                    );
                }
            }
            for &i in &selected {
                if project.tests[i].steps.is_empty() && !named.contains(&i) {
                    // The IDE leaves an empty "Untitled" test in a new project: it is left out,
                    // and said, never a check that passes having checked nothing.
                    self.imported.skipped.push(format!(
                        "test `{}` of {} has no command to run: it is left out",
                        project.tests[i].name,
                        raw.file.get_ref()
                    ));
                } else if project.tests[i].steps.is_empty() {
                    self.text.error(
                        span.clone(),
                        format!(
                            "test `{}` of {} has no command to run (all are empty, comments or disabled with //): it would pass having checked nothing",
                            project.tests[i].name,
                            raw.file.get_ref()
                        ),
                    );
                }
            }
            // The project's tests share its `base_url`, and what it is made from.
            let outer = self.values.scope.replace(EnvUse::default());
            let base_url = raw.base_url.as_ref().and_then(|b| self.expand(b, vars));
            let env_use = std::mem::replace(&mut self.values.scope, outer).unwrap_or_default();
            let mut tags = vec!["browser".to_string(), "side".to_string()];
            tags.extend(self.text.tags(raw.tags.as_deref().unwrap_or_default()));
            let file = Path::new(raw.file.get_ref());
            for i in selected {
                let test = &project.tests[i];
                if test.steps.is_empty() || named_twice.contains(&test.name) {
                    continue;
                }
                let name = test.name.clone();
                let spec = BrowserSpec {
                    origin: format!("{} test \"{}\"", file.display(), test.name),
                    base_url: base_url.clone().or_else(|| non_empty(&project.url)),
                    steps: test.steps.clone(),
                    feature: None,
                };
                out.push(SideCheck {
                    name,
                    tags: tags.clone(),
                    probe: ProbeSpec::Browser(Box::new(spec)),
                    span: span.clone(),
                    env_use: env_use.clone(),
                });
            }
        }
        out
    }
}
