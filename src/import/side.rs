//! Loading Selenium IDE projects (`.side`, formats 1.0, 1.1, 2.0 and 3.x): select tests by name or
//! by suite and turn each test's commands into validated browser steps, blocks linked and `run`
//! inlined. An unsupported command or locator
//! is an error naming the file, the test, the command's index and the command, never a skipped
//! step. Must not drive a browser.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::model::flow;
use crate::model::step::{Command, OpensWindow, Step};

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
    /// Plugin declarations (1.1 and later): their commands are not ours to run.
    #[serde(default)]
    plugins: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct RawTest {
    id: String,
    name: String,
    #[serde(default)]
    commands: Vec<RawCommand>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCommand {
    #[serde(default)]
    command: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    value: String,
    /// 2.0 and later: the command opens a window whose handle goes into `window_handle_name`.
    #[serde(default)]
    opens_window: bool,
    #[serde(default)]
    window_handle_name: String,
    #[serde(default)]
    window_timeout: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct RawSuite {
    name: String,
    /// Test ids (as the IDE saves them) or, in hand-edited and some older files, test names.
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
    /// Each suite's tests, as indices into `tests` (an id names one test even where two tests
    /// share a name).
    suites: Vec<(String, Vec<usize>)>,
}

/// The format versions Selenium IDE has saved: 1.0 and 1.1 (IDE 3.0 to 3.4), 2.0 (IDE 3.5 to
/// 3.17), 3.x (IDE 4).
fn supported_version(v: &str) -> bool {
    v.is_empty() || v == "1.0" || v == "1.1" || v == "2.0" || v.starts_with("3.")
}

/// How long an `opensWindow` command waits for its window unless the file says otherwise.
const WINDOW_TIMEOUT_MS: u64 = 2000;

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
        if !supported_version(&raw.version) {
            return Err(vec![format!(
                "{}: Selenium IDE format version {} is not supported (1.0, 1.1, 2.0 or 3.x)",
                file.display(),
                raw.version
            )]);
        }
        let plugins = !raw.plugins.is_empty();
        let mut errors = Vec::new();
        let mut parsed: Vec<Vec<Step>> = Vec::new();
        for test in &raw.tests {
            let at = |i: usize, cmd: &str| {
                format!(
                    "{}: test `{}`, command {} (`{cmd}`)",
                    file.display(),
                    test.name,
                    i + 1
                )
            };
            let mut steps = Vec::new();
            // The index in the file of each step, for errors found over the steps.
            let mut index = Vec::new();
            for (i, cmd) in test.commands.iter().enumerate() {
                // An empty command is a blank row or a comment; a `//` prefix is a command
                // disabled in the IDE.
                if cmd.command.trim().is_empty() || cmd.command.starts_with("//") {
                    continue;
                }
                match Step::new(&cmd.command, &cmd.target, &cmd.value) {
                    Ok(mut step) => {
                        if cmd.opens_window && !cmd.window_handle_name.is_empty() {
                            step.opens_window = Some(OpensWindow {
                                var: cmd.window_handle_name.clone(),
                                timeout: Duration::from_millis(
                                    cmd.window_timeout.unwrap_or(WINDOW_TIMEOUT_MS),
                                ),
                            });
                        }
                        if step.command == Command::Run
                            && !cmd.target.contains("${")
                            && !raw.tests.iter().any(|t| t.name == cmd.target)
                        {
                            errors.push(format!(
                                "{}: no test `{}` to run in this project",
                                at(i, &cmd.command),
                                cmd.target
                            ));
                        }
                        steps.push(step);
                        index.push(i);
                    }
                    Err(e) if plugins && e.starts_with("unsupported command") => errors.push(
                        format!("{}: {e} (the project declares plugins, whose commands smokegate does not run)", at(i, &cmd.command)),
                    ),
                    Err(e) => errors.push(format!("{}: {e}", at(i, &cmd.command))),
                }
            }
            if let Err((i, e)) = flow::link(&steps) {
                errors.push(format!("{}: {e}", at(index[i], &steps[i].name)));
            }
            parsed.push(steps);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let names: Vec<&str> = raw.tests.iter().map(|t| t.name.as_str()).collect();
        let mut tests = Vec::new();
        for (t, test) in raw.tests.iter().enumerate() {
            match inline_runs(&parsed, &names, t, &mut vec![t]) {
                Ok(steps) => tests.push(SideTest {
                    name: test.name.clone(),
                    steps,
                }),
                Err(e) => errors.push(format!("{}: test `{}`: {e}", file.display(), test.name)),
            }
        }
        let mut suites = Vec::new();
        for s in &raw.suites {
            let mut members = Vec::new();
            for r in &s.tests {
                let by_id = raw.tests.iter().position(|t| &t.id == r);
                match by_id.or_else(|| raw.tests.iter().position(|t| &t.name == r)) {
                    Some(t) => members.push(t),
                    None => errors.push(format!(
                        "{}: suite `{}` lists `{r}`, which is neither the id nor the name of a test",
                        file.display(),
                        s.name
                    )),
                }
            }
            suites.push((s.name.clone(), members));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
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

    /// The indices of the tests named `name` (two tests may share a name in the IDE).
    pub fn tests_named(&self, name: &str) -> Vec<usize> {
        (0..self.tests.len())
            .filter(|&i| self.tests[i].name == name)
            .collect()
    }

    /// The tests of a suite (indices into `tests`), in the suite's order; `None` if there is no
    /// such suite.
    pub fn suite(&self, name: &str) -> Option<Vec<usize>> {
        let (_, members) = self.suites.iter().find(|(n, _)| n == name)?;
        Some(members.clone())
    }

    pub fn test_names(&self) -> Vec<&str> {
        self.tests.iter().map(|t| t.name.as_str()).collect()
    }

    pub fn suite_names(&self) -> Vec<&str> {
        self.suites.iter().map(|(n, _)| n.as_str()).collect()
    }
}

/// The steps of test `t` with each `run` followed by the steps of the test it names (the `run`
/// step stays, as a marker). A test that ends up running itself is an error.
fn inline_runs(
    parsed: &[Vec<Step>],
    names: &[&str],
    t: usize,
    chain: &mut Vec<usize>,
) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    for step in &parsed[t] {
        out.push(step.clone());
        if step.command != Command::Run {
            continue;
        }
        if step.target.contains("${") {
            out.extend(dynamic_run(parsed, names, &step.target, chain)?);
            continue;
        }
        let Some(called) = names.iter().position(|n| *n == step.target) else {
            return Err(format!("no test `{}` to run", step.target));
        };
        if chain.contains(&called) {
            let path: Vec<&str> = chain.iter().map(|&i| names[i]).collect();
            return Err(format!(
                "`run` goes round in a circle: {} -> {}",
                path.join(" -> "),
                names[called]
            ));
        }
        chain.push(called);
        out.extend(inline_runs(parsed, names, called, chain)?);
        chain.pop();
    }
    Ok(out)
}

/// Steps that inline, at most, a project this large (a `run` of a test named by a variable
/// inlines every test it may name).
const MAX_INLINED_STEPS: usize = 20_000;

/// `run | ${testName}`: the test is named at run time. The IDE's semantics with the IDE's own
/// control flow: an `if`/`else if` over every test it may name (not those already running: that
/// would go round in a circle), each inlined, and an `else` that fails naming the test.
fn dynamic_run(
    parsed: &[Vec<Step>],
    names: &[&str],
    target: &str,
    chain: &mut Vec<usize>,
) -> Result<Vec<Step>, String> {
    let step = |command: &str, target: &str| {
        Step::new(command, target, "").map_err(|e| format!("`run | {target}`: {e}"))
    };
    let mut out = Vec::new();
    let mut first = true;
    for (called, name) in names.iter().enumerate() {
        if chain.contains(&called) {
            continue;
        }
        let literal = serde_json::to_string(name).map_err(|e| e.to_string())?;
        out.push(step(
            if first { "if" } else { "elseIf" },
            &format!("{target} === {literal}"),
        )?);
        first = false;
        chain.push(called);
        out.extend(inline_runs(parsed, names, called, chain)?);
        chain.pop();
        if out.len() > MAX_INLINED_STEPS {
            return Err(format!(
                "`run | {target}` would inline more than {MAX_INLINED_STEPS} steps"
            ));
        }
    }
    // No test of that name (or one already running): fails saying which name it was.
    let var = "the test `run` names";
    let fail = [
        Step::new("store", target, var).map_err(|e| format!("`run | {target}`: {e}"))?,
        Step::new("assert", var, "a test of this project that is not running")
            .map_err(|e| format!("`run | {target}`: {e}"))?,
    ];
    if first {
        out.extend(fail);
    } else {
        out.push(step("else", "")?);
        out.extend(fail);
        out.push(step("end", "")?);
    }
    Ok(out)
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
            .map(|&t| p.tests[t].name.as_str())
            .collect();
        assert_eq!(smoke, ["home", "login"]);
        assert!(p.suite("nope").is_none());
    }

    #[test]
    fn unsupported_commands_are_errors_with_their_place() {
        let text = PROJECT
            .replace("\"command\": \"type\"", "\"command\": \"storeEval\"")
            .replace("\"target\": \"css=h1\"", "\"target\": \"dom=document.h1\"");
        let errors = SideProject::parse(Path::new("shop.side"), &text).expect_err("invalid");
        assert_eq!(
            errors,
            [
                "shop.side: test `login`, command 2 (`storeEval`): unsupported command `storeEval`",
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

    fn project(version: &str, suite_tests: &str, commands: &str) -> String {
        format!(
            r#"{{"id": "p", "version": "{version}", "name": "p", "url": "http://x",
              "tests": [
                {{"id": "t1", "name": "one", "commands": [{commands}]}},
                {{"id": "t2", "name": "two", "commands": [
                  {{"id": "c", "comment": "", "command": "echo", "target": "two", "targets": [], "value": ""}}
                ]}}
              ],
              "suites": [{{"id": "s", "name": "all", "tests": [{suite_tests}]}}],
              "urls": [], "plugins": []}}"#
        )
    }

    #[test]
    fn every_format_version_the_ide_saved_loads() {
        for v in ["1.0", "1.1", "2.0", "3.0", "3.1"] {
            let p = SideProject::parse(Path::new("p.side"), &project(v, r#""t2""#, ""))
                .unwrap_or_else(|e| panic!("{v}: {e:?}"));
            assert_eq!(p.test_names(), ["one", "two"]);
        }
        let e = SideProject::parse(Path::new("p.side"), &project("4.0", "", "")).unwrap_err();
        assert_eq!(
            e,
            ["p.side: Selenium IDE format version 4.0 is not supported (1.0, 1.1, 2.0 or 3.x)"]
        );
    }

    #[test]
    fn suites_list_tests_by_id_or_by_name() {
        let p = SideProject::parse(Path::new("p.side"), &project("2.0", r#""t2", "one""#, ""))
            .expect("valid");
        let names: Vec<&str> = p
            .suite("all")
            .expect("suite")
            .iter()
            .map(|&t| p.tests[t].name.as_str())
            .collect();
        assert_eq!(names, ["two", "one"]);
        let e =
            SideProject::parse(Path::new("p.side"), &project("2.0", r#""t9""#, "")).unwrap_err();
        assert_eq!(
            e,
            ["p.side: suite `all` lists `t9`, which is neither the id nor the name of a test"]
        );
    }

    #[test]
    fn opens_window_and_run_are_read() {
        let cmds = r#"{"id": "a", "comment": "", "command": "click", "target": "id=pop", "targets": [["id=pop", "id"]], "value": "", "opensWindow": true, "windowHandleName": "win1", "windowTimeout": 3000},
                      {"id": "b", "comment": "", "command": "run", "target": "two", "targets": [], "value": ""}"#;
        let p = SideProject::parse(Path::new("p.side"), &project("2.0", "", cmds)).expect("valid");
        let one = p.test("one").expect("one");
        assert_eq!(
            one.steps[0].opens_window,
            Some(OpensWindow {
                var: "win1".into(),
                timeout: Duration::from_secs(3)
            })
        );
        let names: Vec<&str> = one.steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["click", "run", "echo"],
            "the run test's steps follow `run`"
        );
    }

    #[test]
    fn run_in_a_circle_and_unbalanced_blocks_are_errors() {
        let cmds = r#"{"id": "a", "command": "run", "target": "one", "value": ""}"#;
        let e = SideProject::parse(Path::new("p.side"), &project("2.0", "", cmds)).unwrap_err();
        assert_eq!(
            e,
            ["p.side: test `one`: `run` goes round in a circle: one -> one"]
        );
        let cmds = r#"{"id": "a", "command": "", "comment": "a note", "value": ""},
                      {"id": "b", "command": "if", "target": "true", "value": ""},
                      {"id": "c", "command": "echo", "target": "x", "value": ""}"#;
        let e = SideProject::parse(Path::new("p.side"), &project("2.0", "", cmds)).unwrap_err();
        assert_eq!(
            e,
            ["p.side: test `one`, command 2 (`if`): `if` has no matching `end`"]
        );
        let cmds = r#"{"id": "a", "command": "run", "target": "three", "value": ""}"#;
        let e = SideProject::parse(Path::new("p.side"), &project("2.0", "", cmds)).unwrap_err();
        assert_eq!(
            e,
            ["p.side: test `one`, command 1 (`run`): no test `three` to run in this project"]
        );
    }
}
