//! Loading Selenium IDE projects (`.side`, format 2.0 and 3.x): select tests by name or by suite
//! and turn each test's commands into validated browser steps. An unsupported command or locator
//! is an error naming the file, the test, the command's index and the command, never a skipped
//! step. Must not drive a browser.

use std::path::Path;

use serde::Deserialize;

use crate::model::step::Step;

#[derive(Debug, Deserialize)]
struct RawProject {
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    tests: Vec<RawTest>,
    #[serde(default)]
    suites: Vec<RawSuite>,
}

#[derive(Debug, Deserialize)]
struct RawTest {
    id: String,
    name: String,
    #[serde(default)]
    commands: Vec<RawCommand>,
}

#[derive(Debug, Deserialize)]
struct RawCommand {
    #[serde(default)]
    command: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    value: String,
}

#[derive(Debug, Deserialize)]
struct RawSuite {
    name: String,
    #[serde(default)]
    tests: Vec<String>,
}

/// One test of a project, ready to run.
#[derive(Clone, Debug, PartialEq)]
pub struct SideTest {
    pub name: String,
    pub steps: Vec<Step>,
}

/// A parsed project: its base URL and its tests in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct SideProject {
    pub name: String,
    pub url: String,
    pub tests: Vec<SideTest>,
    suites: Vec<(String, Vec<String>)>,
}

impl SideProject {
    /// Parses a project. Every unsupported command in every test is reported.
    pub fn parse(file: &Path, text: &str) -> Result<SideProject, Vec<String>> {
        let raw: RawProject = serde_json::from_str(text).map_err(|e| {
            vec![format!(
                "{}:{}:{}: not a Selenium IDE project: {e}",
                file.display(),
                e.line(),
                e.column()
            )]
        })?;
        if !(raw.version.is_empty()
            || raw.version.starts_with("2.")
            || raw.version.starts_with("3."))
        {
            return Err(vec![format!(
                "{}: Selenium IDE format version {} is not supported (2.0 or 3.x)",
                file.display(),
                raw.version
            )]);
        }
        let mut errors = Vec::new();
        let mut tests = Vec::new();
        let mut id_to_name = Vec::new();
        for test in &raw.tests {
            id_to_name.push((test.id.clone(), test.name.clone()));
            let mut steps = Vec::new();
            for (i, cmd) in test.commands.iter().enumerate() {
                // An empty command is a blank row; a `//` prefix is a command disabled in the IDE.
                if cmd.command.trim().is_empty() || cmd.command.starts_with("//") {
                    continue;
                }
                match Step::new(&cmd.command, &cmd.target, &cmd.value) {
                    Ok(step) => steps.push(step),
                    Err(e) => errors.push(format!(
                        "{}: test `{}`, command {} (`{}`): {e}",
                        file.display(),
                        test.name,
                        i + 1,
                        cmd.command
                    )),
                }
            }
            tests.push(SideTest {
                name: test.name.clone(),
                steps,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let suites = raw
            .suites
            .iter()
            .map(|s| {
                let names = s
                    .tests
                    .iter()
                    .map(|id| {
                        id_to_name
                            .iter()
                            .find(|(tid, _)| tid == id)
                            .map_or_else(|| id.clone(), |(_, n)| n.clone())
                    })
                    .collect();
                (s.name.clone(), names)
            })
            .collect();
        Ok(SideProject {
            name: raw.name,
            url: raw.url,
            tests,
            suites,
        })
    }

    pub fn test(&self, name: &str) -> Option<&SideTest> {
        self.tests.iter().find(|t| t.name == name)
    }

    /// The tests of a suite, in the suite's order; `None` if there is no such suite.
    pub fn suite(&self, name: &str) -> Option<Vec<&SideTest>> {
        let (_, names) = self.suites.iter().find(|(n, _)| n == name)?;
        Some(names.iter().filter_map(|n| self.test(n)).collect())
    }

    pub fn test_names(&self) -> Vec<&str> {
        self.tests.iter().map(|t| t.name.as_str()).collect()
    }

    pub fn suite_names(&self) -> Vec<&str> {
        self.suites.iter().map(|(n, _)| n.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROJECT: &str = r#"{
      "id": "p", "version": "2.0", "name": "shop", "url": "http://127.0.0.1:8080",
      "tests": [
        {"id": "t1", "name": "login", "commands": [
          {"id": "c1", "comment": "", "command": "open", "target": "/login", "targets": [], "value": ""},
          {"id": "c2", "comment": "", "command": "type", "target": "id=user", "targets": [["id=user", "id"]], "value": "alice"},
          {"id": "c3", "comment": "", "command": "//click", "target": "id=nope", "targets": [], "value": ""},
          {"id": "c4", "comment": "", "command": "verifyText", "target": "css=h1", "targets": [], "value": "Hi"}
        ]},
        {"id": "t2", "name": "home", "commands": [
          {"id": "c5", "command": "open", "target": "/", "value": ""}
        ]}
      ],
      "suites": [{"id": "s1", "name": "smoke", "persistSession": false, "parallel": false, "timeout": 300, "tests": ["t2", "t1"]}],
      "urls": ["http://127.0.0.1:8080/"], "plugins": []
    }"#;

    #[test]
    fn parses_tests_and_suites() {
        let p = SideProject::parse(Path::new("shop.side"), PROJECT).expect("valid");
        assert_eq!(p.url, "http://127.0.0.1:8080");
        assert_eq!(p.test_names(), ["login", "home"]);
        let login = p.test("login").expect("login");
        assert_eq!(login.steps.len(), 3, "the disabled //click is left out");
        assert!(login.steps[2].verify);
        let smoke: Vec<&str> = p
            .suite("smoke")
            .expect("suite")
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(smoke, ["home", "login"]);
        assert!(p.suite("nope").is_none());
    }

    #[test]
    fn unsupported_commands_are_errors_with_their_place() {
        let text = PROJECT
            .replace(
                "\"command\": \"type\"",
                "\"command\": \"dragAndDropToObject\"",
            )
            .replace("\"target\": \"css=h1\"", "\"target\": \"dom=document.h1\"");
        let errors = SideProject::parse(Path::new("shop.side"), &text).expect_err("invalid");
        assert_eq!(
            errors,
            [
                "shop.side: test `login`, command 2 (`dragAndDropToObject`): unsupported command `dragAndDropToObject`",
                "shop.side: test `login`, command 4 (`verifyText`): `verifyText`: unsupported locator strategy `dom=`: use id=, name=, css=, xpath=, linkText= or partialLinkText="
            ]
        );
    }

    #[test]
    fn not_json_points_at_the_place() {
        let errors = SideProject::parse(Path::new("x.side"), "{\n  \"tests\": [ oops ]\n}")
            .expect_err("bad");
        assert!(
            errors[0].starts_with("x.side:2:14: not a Selenium IDE project"),
            "{}",
            errors[0]
        );
    }
}
