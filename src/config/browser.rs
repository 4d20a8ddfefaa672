//! Browser checks from the suite: the `[browser]` settings, `browser = { side, test }` and
//! `browser = { steps = [...] }` checks, and `[import] side = [...]` (every selected test of a
//! Selenium IDE project becomes a check). Must not start a browser.

use std::path::Path;

use toml::Spanned;

use super::raw::{RawBrowser, RawBrowserSettings, RawSideImport};
use super::side::SideProject;
use super::{EnvUse, FileLoader};
use crate::model::flow;
use crate::model::spec::{BrowserConfig, BrowserSpec};
use crate::model::step::{Command, Step};
use crate::model::ProbeSpec;

use super::vars::Vars;

/// TOML step keys are Selenium IDE commands in snake_case: `assert_text` -> `assertText`.
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

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
            config.driver = self.relative(&d);
        }
        if let Some(b) = raw.binary.as_ref().and_then(|b| self.expand(b, vars)) {
            config.binary = Some(self.relative(&b));
        }
        if let Some(r) = &raw.remote {
            match self.expand(r, vars).map(|u| (reqwest::Url::parse(&u), u)) {
                Some((Ok(_), u)) => config.remote = Some(u),
                Some((Err(e), u)) => {
                    self.error(r.span(), format!("invalid remote WebDriver URL `{u}`: {e}"))
                }
                None => {}
            }
        }
        if let Some(n) = &raw.sessions {
            if *n.get_ref() == 0 {
                self.error(n.span(), "sessions must be at least 1");
            } else {
                config.sessions = *n.get_ref() as usize;
            }
        }
        if let Some(w) = raw
            .implicit_wait
            .as_ref()
            .and_then(|w| self.duration(w, "implicit_wait"))
        {
            config.implicit_wait = w;
        }
        if let Some(win) = &raw.window {
            match win.get_ref().split_once('x').and_then(|(w, h)| {
                Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?))
            }) {
                Some(size) => config.window = size,
                None => self.error(
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

    pub(super) fn browser(&mut self, raw: Spanned<RawBrowser>, vars: &Vars) -> Option<ProbeSpec> {
        let table = raw.span();
        let raw = raw.into_inner();
        let base_url = raw.base_url.as_ref().and_then(|b| self.expand(b, vars));
        match (&raw.side, &raw.steps) {
            (Some(side), None) => {
                let Some(test) = &raw.test else {
                    self.error(side.span(), "a `side` check names its `test`");
                    return None;
                };
                let project = self.side_project(side, vars)?;
                let Some(found) = project.test(test.get_ref()) else {
                    self.error(
                        test.span(),
                        format!(
                            "no test `{}` in {} (it has: {})",
                            test.get_ref(),
                            side.get_ref(),
                            project.test_names().join(", ")
                        ),
                    );
                    return None;
                };
                if project.tests_named(test.get_ref()).len() > 1 {
                    self.error(
                        test.span(),
                        format!(
                            "{} has more than one test named `{}`: rename one in the IDE",
                            side.get_ref(),
                            test.get_ref()
                        ),
                    );
                    return None;
                }
                if found.steps.is_empty() {
                    self.error(
                        test.span(),
                        format!(
                            "test `{}` has no command to run (all are empty, comments or disabled with //): it would pass having checked nothing",
                            found.name
                        ),
                    );
                    return None;
                }
                Some(ProbeSpec::Browser(Box::new(BrowserSpec {
                    origin: format!("{} test \"{}\"", side.get_ref(), found.name),
                    base_url: base_url.or_else(|| non_empty(&project.url)),
                    steps: found.steps.clone(),
                    feature: None,
                })))
            }
            (None, Some(steps)) => {
                if let Some(test) = &raw.test {
                    self.error(test.span(), "`test` goes with `side`");
                    return None;
                }
                let steps = self.toml_steps(steps, vars)?;
                Some(ProbeSpec::Browser(Box::new(BrowserSpec {
                    origin: "steps".to_string(),
                    base_url,
                    steps,
                    feature: None,
                })))
            }
            (Some(_), Some(steps)) => {
                self.error(
                    steps.span(),
                    "give either `side` (with `test`) or `steps`, not both",
                );
                None
            }
            (None, None) => {
                self.error(
                    table,
                    "the browser probe needs `side` (with `test`) or `steps`",
                );
                None
            }
        }
    }

    fn side_project(&mut self, file: &Spanned<String>, vars: &Vars) -> Option<SideProject> {
        let name = self.expand(file, vars)?;
        let path = self.relative(&name);
        let text = match super::files::read_text(&path) {
            Ok(t) => t,
            Err(e) => {
                self.error(
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
                    self.error(file.span(), e);
                }
                None
            }
        }
    }

    fn toml_steps(
        &mut self,
        steps: &Spanned<Vec<Spanned<toml::Table>>>,
        vars: &Vars,
    ) -> Option<Vec<Step>> {
        let before = self.diags.len();
        let mut out = Vec::new();
        let mut spans = Vec::new();
        if steps.get_ref().is_empty() {
            self.error(steps.span(), "a browser check needs at least one step");
        }
        for step in steps.get_ref() {
            let span = step.span();
            let mut entries = step.get_ref().iter();
            let (Some((key, value)), None) = (entries.next(), entries.next()) else {
                self.error(span, "each step is one command: `{ open = \"/\" }`, `{ click = \"css=button\" }`, ...");
                continue;
            };
            let (target, value) = match value {
                toml::Value::String(s) => (s.clone(), String::new()),
                toml::Value::Integer(n) => (String::new(), n.to_string()),
                toml::Value::Table(t) => {
                    let pick = |names: &[&str]| {
                        names.iter().find_map(|n| t.get(*n)).map(|v| match v {
                            toml::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                    };
                    let known = [
                        "locator", "target", "url", "script", "text", "value", "var", "ms",
                    ];
                    if let Some(bad) = t.keys().find(|k| !known.contains(&k.as_str())) {
                        self.error(span, format!("unknown key `{bad}` in step `{key}` (use locator, text, value, var, ...)"));
                        continue;
                    }
                    (
                        pick(&["locator", "target", "url", "script"]).unwrap_or_default(),
                        pick(&["text", "value", "var", "ms"]).unwrap_or_default(),
                    )
                }
                _ => {
                    self.error(span, format!("step `{key}` takes a string or a table"));
                    continue;
                }
            };
            // `{{var}}` from the suite; `${name}` is Selenium's own (stored values, `${KEY_ENTER}`)
            // and passes through untouched.
            let expand = |this: &mut Self, s: &str| -> Option<String> {
                this.expand(&Spanned::new(span.clone(), s.replace("${", "$${")), vars)
            };
            let (Some(target), Some(value)) = (expand(self, &target), expand(self, &value)) else {
                continue;
            };
            match Step::new(&camel(key), &target, &value) {
                Ok(s) if s.command == Command::Run => self.error(
                    span,
                    "`run` calls a test of a Selenium IDE project; TOML steps have none",
                ),
                Ok(s) => {
                    spans.push(span);
                    out.push(s)
                }
                Err(e) => self.error(span, e),
            }
        }
        if let Err((i, e)) = flow::link(&out) {
            self.error(spans[i].clone(), e);
        }
        (self.diags.len() == before).then_some(out)
    }

    /// `[import] side = [...]`: one check per selected test, named after the test.
    pub(super) fn side_imports(
        &mut self,
        imports: &[Spanned<RawSideImport>],
        vars: &Vars,
    ) -> Vec<SideCheck> {
        let mut out = Vec::new();
        for import in imports {
            let span = import.span();
            let raw = import.get_ref();
            let Some(project) = self.side_project(&raw.file, vars) else {
                continue;
            };
            let mut selected: Vec<usize> = Vec::new();
            let mut named: Vec<usize> = Vec::new();
            for suite in raw.suites.iter().flatten() {
                match project.suite(suite.get_ref()) {
                    Some(tests) => selected.extend(tests),
                    None => self.error(
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
                    self.error(
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
                            self.skipped.push(format!(
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
                    self.error(
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
                    self.skipped.push(format!(
                        "test `{}` of {} has no command to run: it is left out",
                        project.tests[i].name,
                        raw.file.get_ref()
                    ));
                } else if project.tests[i].steps.is_empty() {
                    self.error(
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
            let outer = self.scope.replace(EnvUse::default());
            let base_url = raw.base_url.as_ref().and_then(|b| self.expand(b, vars));
            let env_use = std::mem::replace(&mut self.scope, outer).unwrap_or_default();
            let mut tags = vec!["browser".to_string(), "side".to_string()];
            tags.extend(self.tags(raw.tags.as_deref().unwrap_or_default()));
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

fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn snake_to_camel() {
        assert_eq!(super::camel("assert_text"), "assertText");
        assert_eq!(
            super::camel("wait_for_element_visible"),
            "waitForElementVisible"
        );
        assert_eq!(super::camel("open"), "open");
    }
}
