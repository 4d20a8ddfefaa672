//! `browser = { side, test }` or `{ base_url, steps = [...] }`: a Selenium IDE test or TOML
//! steps, built into browser steps at load. Must not start a browser.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::{Building, Kind, Probes};
use crate::config::FileLoader;
use crate::model::flow;
use crate::model::spec::BrowserSpec;
use crate::model::step::{Command, Step};
use crate::model::ProbeSpec;
use crate::source::vars::Vars;

/// `browser = { side = "shop.side", test = "login" }` or `{ base_url, steps = [...] }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBrowser {
    /// A Selenium IDE project (.side), relative to this file.
    #[schemars(with = "Option<String>")]
    pub side: Option<Spanned<String>>,
    /// The test of the `side` project to run, by name.
    #[schemars(with = "Option<String>")]
    pub test: Option<Spanned<String>>,
    /// Steps in TOML, each one Selenium IDE command in snake_case: `{ open = "/" }`.
    #[schemars(with = "Option<Vec<RawStep>>")]
    pub steps: Option<Spanned<Vec<Spanned<toml::Table>>>>,
    /// Replaces the project's `url`; relative `open` targets are taken from it.
    #[schemars(with = "Option<String>")]
    pub base_url: Option<Spanned<String>>,
}

/// One browser step: a single Selenium IDE command in snake_case, whose value is its target
/// (`{ click = "css=button" }`), a number (`{ pause = 500 }`) or a table
/// (`{ assert_text = { locator = "css=h1", text = "Welcome" } }`).
// Schema only: the loader reads each step as a table and names what is wrong in it.
#[derive(JsonSchema)]
#[schemars(extend("minProperties" = 1, "maxProperties" = 1))]
#[allow(dead_code)]
struct RawStep(BTreeMap<String, RawStepValue>);

#[derive(JsonSchema)]
#[schemars(untagged)]
#[allow(dead_code)]
enum RawStepValue {
    Target(String),
    Number(i64),
    Table(Box<RawStepTable>),
}

/// A step's target and value, by name.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct RawStepTable {
    /// The element: `id=`, `name=`, `css=`, `xpath=`, `linkText=`, `partialLinkText=`.
    locator: Option<serde_json::Value>,
    /// The command's target, as in Selenium IDE.
    target: Option<serde_json::Value>,
    /// A URL, for `open`.
    url: Option<serde_json::Value>,
    /// JavaScript, for `execute_script` and the like.
    script: Option<serde_json::Value>,
    /// The expected text.
    text: Option<serde_json::Value>,
    /// The command's value, as in Selenium IDE.
    value: Option<serde_json::Value>,
    /// A variable's name, for `store*`.
    var: Option<serde_json::Value>,
    /// Milliseconds, for `pause`.
    ms: Option<serde_json::Value>,
}

impl Kind for RawBrowser {
    const KEY: &'static str = "browser";
    const BROWSER: bool = true;

    fn build(raw: Spanned<Self>, loader: &mut FileLoader<'_>, at: &Building<'_>) -> Option<Probes> {
        loader.browser(raw, at.vars).map(super::one)
    }
}

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

/// Text that says something, trimmed; `None` when it is only blanks.
pub(in crate::config) fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_string())
}

impl FileLoader<'_> {
    fn browser(&mut self, raw: Spanned<RawBrowser>, vars: &Vars) -> Option<ProbeSpec> {
        let table = raw.span();
        let raw = raw.into_inner();
        let base_url = raw.base_url.as_ref().and_then(|b| self.expand(b, vars));
        match (&raw.side, &raw.steps) {
            (Some(side), None) => {
                let Some(test) = &raw.test else {
                    self.text
                        .error(side.span(), "a `side` check names its `test`");
                    return None;
                };
                let project = self.side_project(side, vars)?;
                let Some(found) = project.test(test.get_ref()) else {
                    self.text.error(
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
                    self.text.error(
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
                    self.text.error(
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
                    self.text.error(test.span(), "`test` goes with `side`");
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
                self.text.error(
                    steps.span(),
                    "give either `side` (with `test`) or `steps`, not both",
                );
                None
            }
            (None, None) => {
                self.text.error(
                    table,
                    "the browser probe needs `side` (with `test`) or `steps`",
                );
                None
            }
        }
    }

    fn toml_steps(
        &mut self,
        steps: &Spanned<Vec<Spanned<toml::Table>>>,
        vars: &Vars,
    ) -> Option<Vec<Step>> {
        let before = self.text.diags.len();
        let mut out = Vec::new();
        let mut spans = Vec::new();
        if steps.get_ref().is_empty() {
            self.text
                .error(steps.span(), "a browser check needs at least one step");
        }
        for step in steps.get_ref() {
            let span = step.span();
            let mut entries = step.get_ref().iter();
            let (Some((key, value)), None) = (entries.next(), entries.next()) else {
                self.text.error(span, "each step is one command: `{ open = \"/\" }`, `{ click = \"css=button\" }`, ...");
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
                        self.text.error(span, format!("unknown key `{bad}` in step `{key}` (use locator, text, value, var, ...)"));
                        continue;
                    }
                    (
                        pick(&["locator", "target", "url", "script"]).unwrap_or_default(),
                        pick(&["text", "value", "var", "ms"]).unwrap_or_default(),
                    )
                }
                _ => {
                    self.text
                        .error(span, format!("step `{key}` takes a string or a table"));
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
                Ok(s) if s.command == Command::Run => self.text.error(
                    span,
                    "`run` calls a test of a Selenium IDE project; TOML steps have none",
                ),
                Ok(s) => {
                    spans.push(span);
                    out.push(s)
                }
                Err(e) => self.text.error(span, e),
            }
        }
        if let Err((i, e)) = flow::link(&out) {
            self.text.error(spans[i].clone(), e);
        }
        (self.text.diags.len() == before).then_some(out)
    }
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
