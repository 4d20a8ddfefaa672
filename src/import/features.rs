//! Gherkin feature files as checks: every scenario (every example row of an outline) becomes one
//! check named "Feature / Scenario", its steps matched to the built-in vocabulary at load, the
//! feature's, rule's and scenario's tags its tags. Backgrounds go before each scenario; outline
//! values, `{{var}}` and `${ENV}` are substituted before a step is matched. An unknown or
//! ambiguous step is an error at its file:line:col. Must not run anything.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gherkin::{Feature, GherkinEnv, Scenario, Step as GStep};

use crate::model::scenario::{ScenarioSpec, ScenarioStep};
use crate::model::spec::CommandSpec;
use crate::model::vocabulary::{self, Context, StepError, Written};
use crate::model::{ProbeSpec, SourceLoc};
use crate::source::diag::Diagnostic;
use crate::source::vars::EnvUse;
use crate::source::vars::{self, Vars};

/// Whether a scenario is loaded, by its tags, feature title and scenario title.
pub type Admit<'a> = &'a dyn Fn(&[String], &str, &str) -> bool;

/// What a feature file is loaded with: the suite's vars, the environment, and how a plugin
/// command line becomes a program.
pub struct FeatureContext<'a> {
    pub vars: &'a Vars,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub plugin: &'a dyn Fn(&str) -> Result<CommandSpec, String>,
    /// Where the secrets the steps read go.
    pub secrets: &'a std::cell::RefCell<Vec<String>>,
    /// Vars and secrets whose definition is in error (said there): a use of one is not another
    /// error.
    pub broken: &'a std::collections::BTreeSet<String>,
    /// The site relative pages are on, as the import gives it (its `base_url`, behat.yml's
    /// MinkExtension `base_url`); `--base-url` replaces it when the suite runs.
    pub base_url: Option<&'a str>,
    /// Where `attach the file` looks first (Mink's `files_path`), then the feature's folder.
    pub files_path: Option<&'a Path>,
    /// Which scenarios are loaded at all, by their tags, feature and scenario title (Behat's
    /// filters); none: every one.
    pub admit: Option<Admit<'a>>,
}

/// One scenario as a check, before the suite's defaults are applied.
pub struct FeatureCheck {
    pub name: String,
    /// The scenario's keyword line in the feature file.
    pub span: Range<usize>,
    pub tags: Vec<String>,
    pub probe: ProbeSpec,
    pub source: SourceLoc,
    pub env_use: EnvUse,
}

/// The source as the gherkin crate takes what Behat and cucumber accept: the keyword line after
/// tags may be indented (`@smoke` then `  Feature: Shop`), with comments, blank lines and more
/// tag lines between (`@smoke # later`, `# owner: web`). The indentation moves to the end of
/// the line before (before its `\r\n`), so every byte keeps its offset and every message its
/// line and column. A leading byte order mark (as Windows editors save) is read as the spaces
/// it is as wide as.
fn tolerated(source: &str) -> std::borrow::Cow<'_, str> {
    let mut out = String::new();
    let mut after_tags = false;
    let mut changed = false;
    // A byte order mark (as Windows editors save) is three spaces to the parser.
    let unmarked = source
        .strip_prefix('\u{feff}')
        .map(|rest| format!("   {rest}"));
    changed |= unmarked.is_some();
    let text = unmarked.as_deref().unwrap_or(source);
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches([' ', '\t']);
        let indent = &line[..line.len() - body.len()];
        let blank = body.trim().is_empty();
        if after_tags && !blank && !indent.is_empty() && !body.starts_with(['@', '#']) {
            let end = out.trim_end_matches(['\n', '\r']).len();
            out.insert_str(end, indent);
            out.push_str(body);
            changed = true;
        } else {
            out.push_str(line);
        }
        // Comments and blank lines between the tags and their keyword line (or between tag
        // lines) leave the keyword after tags.
        if !blank && !body.starts_with('#') {
            after_tags = body.starts_with('@');
        }
    }
    if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(source)
    }
}

/// Tags that make a scenario run in a browser: smokegate's, and Behat's.
const BROWSER_TAGS: &[&str] = &["browser", "javascript"];

/// Loads one feature file's scenarios; errors go to `diags`.
pub fn load(
    file: &Path,
    source: &Arc<str>,
    ctx: &FeatureContext,
    diags: &mut Vec<Diagnostic>,
) -> Vec<FeatureCheck> {
    load_lines(file, source, ctx, None, diags)
}

/// As [`load`], of only what is at `lines` when given (Behat's `cart.feature:12`): the
/// scenario or outline whose keyword line it is, the example row on it, every row of the
/// `Examples:` on it, every scenario of the `Feature:` or `Rule:` on it. A line that holds
/// none of them is an error at it.
pub fn load_lines(
    file: &Path,
    source: &Arc<str>,
    ctx: &FeatureContext,
    lines: Option<&[usize]>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<FeatureCheck> {
    let env = GherkinEnv::default();
    let feature = match Feature::parse(tolerated(source).as_ref(), env) {
        Ok(f) => f,
        Err(e) => {
            let mut d = parse_error(file, source, &e.to_string());
            // What the parser knows beyond a position, it only tells for a file it read itself.
            if let Err(gherkin::ParseFileError::Parsing {
                error: Some(why), ..
            }) = Feature::parse_path(file, GherkinEnv::default())
            {
                d = d.with_note(match why {
                    gherkin::EnvError::InconsistentCellCount(_) => {
                        "a table above has rows with different numbers of cells".to_string()
                    }
                    other => other.to_string(),
                });
            }
            diags.push(d);
            return Vec::new();
        }
    };
    let index = crate::source::diag::LineIndex::new(source);
    let only = match lines {
        Some(lines) => match at_lines(&feature, source, &index, lines) {
            Ok(only) => Some(only),
            Err(line) => {
                diags.push(no_scenario_at(file, source, &index, line, &feature));
                return Vec::new();
            }
        },
        None => None,
    };
    let mut loader = Loader {
        file,
        source,
        ctx,
        diags,
        lines: index,
        only,
    };
    let mut out = Vec::new();
    let background: Vec<&GStep> = feature.background.iter().flat_map(|b| &b.steps).collect();
    for scenario in &feature.scenarios {
        out.extend(loader.scenario(&feature, &[], &background, scenario));
    }
    for rule in &feature.rules {
        let mut steps = background.clone();
        steps.extend(rule.background.iter().flat_map(|b| &b.steps));
        for scenario in &rule.scenarios {
            out.extend(loader.scenario(&feature, &rule.tags, &steps, scenario));
        }
    }
    if out.is_empty() && feature.scenarios.is_empty() && feature.rules.is_empty() {
        loader.error(
            feature.span.start..feature.span.start,
            format!("feature \"{}\" has no scenarios", feature.name.trim()),
        );
    }
    out
}

/// What of a feature `lines` select: (the offset of a scenario's keyword, the index of one of
/// its example rows counted over all its examples, or every row); the first line that
/// selects nothing is the error.
fn at_lines(
    feature: &Feature,
    source: &str,
    index: &crate::source::diag::LineIndex,
    lines: &[usize],
) -> Result<Vec<(usize, Option<usize>)>, usize> {
    let line_of = |offset: usize| index.line_col(source, offset).0;
    let scenarios: Vec<(usize, &Scenario)> = feature
        .scenarios
        .iter()
        .map(|s| (feature.span.start, s))
        .chain(
            feature
                .rules
                .iter()
                .flat_map(|r| r.scenarios.iter().map(move |s| (r.span.start, s))),
        )
        .collect();
    let mut only = Vec::new();
    for &line in lines {
        let before = only.len();
        for &(parent, scenario) in &scenarios {
            if line == line_of(feature.span.start)
                || line == line_of(parent)
                || line == line_of(scenario.span.start)
            {
                only.push((scenario.span.start, None));
                continue;
            }
            let mut row = 0;
            for examples in &scenario.examples {
                let rows = examples
                    .table
                    .as_ref()
                    .map_or(0, |t| t.rows.len().saturating_sub(1));
                if line == line_of(examples.span.start) {
                    only.extend((row..row + rows).map(|r| (scenario.span.start, Some(r))));
                } else if let Some(table) = &examples.table {
                    let at = row_lines(source, line_of(table.span.start))
                        .iter()
                        .skip(1)
                        .position(|l| *l == line);
                    if let Some(at) = at.filter(|at| *at < rows) {
                        only.push((scenario.span.start, Some(row + at)));
                    }
                }
                row += rows;
            }
        }
        if only.len() == before {
            return Err(line);
        }
    }
    Ok(only)
}

/// The lines of a table's rows, from its first (comments and blank lines between rows are
/// neither).
fn row_lines(source: &str, first: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for (n, text) in source.lines().enumerate().skip(first.saturating_sub(1)) {
        let text = text.trim();
        if text.starts_with('|') {
            out.push(n + 1);
        } else if !(text.is_empty() || text.starts_with('#')) {
            break;
        }
    }
    out
}

/// The error for a line of a feature file that holds no scenario, at that line (or the end).
fn no_scenario_at(
    file: &Path,
    source: &Arc<str>,
    index: &crate::source::diag::LineIndex,
    line: usize,
    feature: &Feature,
) -> Diagnostic {
    let count = source.lines().count();
    let at = if line <= count {
        index.offset(source, line, 1)
    } else {
        source.len()
    };
    let text = source[at..].lines().next().unwrap_or_default().trim_end();
    let start = at + text.len() - text.trim_start().len();
    let end = at + text.len();
    let starts: Vec<String> = feature
        .scenarios
        .iter()
        .chain(feature.rules.iter().flat_map(|r| &r.scenarios))
        .map(|s| index.line_col(source, s.span.start).0.to_string())
        .collect();
    let what = if line > count {
        format!("the file has {count} lines")
    } else {
        format!("line {line} holds no scenario, outline or example row")
    };
    Diagnostic::new(
        file,
        source,
        start..end,
        format!("`{}:{line}` selects nothing: {what}", file.display()),
    )
    .with_note(format!(
        "its scenarios start at lines {}",
        starts.join(", ")
    ))
}

/// The parser says `Error at L:C: {expected tokens}`; the position is only in that text.
fn parse_error(file: &Path, source: &Arc<str>, message: &str) -> Diagnostic {
    let position = message
        .strip_prefix("Error at ")
        .and_then(|rest| rest.split_once(": "))
        .and_then(|(at, _)| at.split_once(':'))
        .and_then(|(l, c)| Some((l.parse::<usize>().ok()?, c.parse::<usize>().ok()?)));
    let offset = position.map_or(0, |(line, col)| {
        crate::source::diag::LineIndex::new(source).offset(source, line, col)
    });
    let line_text = source[offset.min(source.len())..]
        .lines()
        .next()
        .unwrap_or_default();
    let what = if line_text.trim().is_empty() {
        "this line".to_string()
    } else {
        format!("`{}`", line_text.trim())
    };
    Diagnostic::new(
        file,
        source,
        offset..offset + line_text.trim_end().len(),
        format!("not Gherkin: {what} is not a keyword line (Feature, Rule, Background, Scenario, Scenario Outline, Examples, Given, When, Then, And, But), a table row, a doc string, a tag or a comment"),
    )
}

/// An outline's example row: (column, value) pairs.
type Row = Vec<(String, String)>;

struct Loader<'a> {
    file: &'a Path,
    source: &'a Arc<str>,
    ctx: &'a FeatureContext<'a>,
    diags: &'a mut Vec<Diagnostic>,
    lines: crate::source::diag::LineIndex,
    /// Only these scenarios (by their keyword's offset) and rows, when given: [`at_lines`].
    only: Option<Vec<(usize, Option<usize>)>>,
}

fn clean_tag(tag: &str) -> String {
    tag.trim_start_matches('@').to_string()
}

impl Loader<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::new(self.file, self.source, span, message));
    }

    fn scenario(
        &mut self,
        feature: &Feature,
        rule_tags: &[String],
        background: &[&GStep],
        scenario: &Scenario,
    ) -> Vec<FeatureCheck> {
        let chosen: Option<Vec<Option<usize>>> = self.only.as_ref().map(|only| {
            only.iter()
                .filter(|(at, _)| *at == scenario.span.start)
                .map(|(_, row)| *row)
                .collect()
        });
        if chosen.as_ref().is_some_and(Vec::is_empty) {
            return Vec::new();
        }
        let mut tags: Vec<String> = vec!["scenario".into()];
        for t in feature.tags.iter().chain(rule_tags).chain(&scenario.tags) {
            let t = clean_tag(t);
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let title = format!("{} / {}", feature.name.trim(), scenario.name.trim());
        // An outline is one check per row; a plain scenario is one with no values.
        let mut rows: Vec<(Row, Vec<String>)> = Vec::new();
        for examples in &scenario.examples {
            let Some(table) = &examples.table else {
                continue;
            };
            let Some((header, body)) = table.rows.split_first() else {
                continue;
            };
            let example_tags: Vec<String> = examples.tags.iter().map(|t| clean_tag(t)).collect();
            for row in body {
                rows.push((
                    header.iter().cloned().zip(row.iter().cloned()).collect(),
                    example_tags.clone(),
                ));
            }
        }
        if !scenario.examples.is_empty() && rows.is_empty() {
            self.error(
                scenario.span.start..scenario.span.start,
                format!(
                    "scenario outline \"{}\" has no example rows",
                    scenario.name.trim()
                ),
            );
            return Vec::new();
        }
        if !scenario.examples.is_empty() && !self.placeholders_known(scenario) {
            return Vec::new();
        }
        if rows.is_empty() {
            rows.push((Vec::new(), Vec::new()));
        }
        if background.is_empty() && scenario.steps.is_empty() {
            // A scenario without steps would pass having checked nothing; a misspelled keyword
            // makes its steps a description.
            let mut d = Diagnostic::new(
                self.file,
                self.source,
                scenario.span.start..scenario.span.start + scenario.keyword.len(),
                format!("scenario \"{}\" has no steps", scenario.name.trim()),
            );
            if let Some(text) = scenario
                .description
                .as_deref()
                .filter(|t| !t.trim().is_empty())
            {
                let first = text.trim().lines().next().unwrap_or_default().trim();
                d = d.with_note(format!(
                    "its description reads `{first}`: a step with a misspelled keyword (Given, When, Then, And, But)?"
                ));
            }
            self.diags.push(d);
            return Vec::new();
        }
        let mut out = Vec::new();
        for (row, (values, example_tags)) in rows.into_iter().enumerate() {
            if let Some(chosen) = &chosen {
                if !chosen.iter().any(|c| c.is_none_or(|r| r == row)) {
                    continue;
                }
            }
            let name = if values.is_empty() {
                title.clone()
            } else if title.contains('<') {
                substitute(&title, &values)
            } else {
                let shown: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{title} ({})", shown.join(", "))
            };
            let mut row_tags = tags.clone();
            row_tags.extend(example_tags.into_iter().filter(|t| !tags.contains(t)));
            // Behat filters before it reads a step: a scenario left out (`~@wip`) may hold
            // steps nobody has written yet.
            if let Some(admit) = self.ctx.admit {
                if !admit(&row_tags, feature.name.trim(), scenario.name.trim()) {
                    continue;
                }
            }
            if let Some(check) = self.check(name, row_tags, background, scenario, &values) {
                out.push(check);
            }
        }
        out
    }

    /// Every `<placeholder>` in an outline's steps is a column of its examples: one that is not
    /// would be sent as written (`/%3Cpage%3E`) and a step could pass on that page. HTML in a
    /// step (`"<a href=…>"`, `"<b>"`) is not a placeholder. Reports each unknown one.
    fn placeholders_known(&mut self, scenario: &Scenario) -> bool {
        let columns: Vec<&String> = scenario
            .examples
            .iter()
            .filter_map(|e| e.table.as_ref()?.rows.first())
            .flatten()
            .collect();
        let mut ok = true;
        for step in &scenario.steps {
            let mut texts = vec![step.value.as_str()];
            texts.extend(step.docstring.as_deref());
            texts.extend(
                step.table
                    .iter()
                    .flat_map(|t| &t.rows)
                    .flatten()
                    .map(String::as_str),
            );
            for text in texts {
                let mut rest = text;
                while let Some(open) = rest.find('<') {
                    let after = &rest[open + 1..];
                    let Some(close) = after.find(['>', '<', '\n']) else {
                        break;
                    };
                    let name = &after[..close];
                    rest = &after[close..];
                    if !after[close..].starts_with('>')
                        || name.is_empty()
                        || looks_like_html(name)
                        || columns.iter().any(|c| c.as_str() == name)
                    {
                        continue;
                    }
                    let written = &self.source[step.span.start..step.span.end];
                    let at = written
                        .find(&format!("<{name}>"))
                        .map_or(step.span.start, |i| step.span.start + i);
                    let mut shown: Vec<String> = columns.iter().map(|c| format!("<{c}>")).collect();
                    shown.dedup();
                    let d = Diagnostic::new(
                        self.file,
                        self.source,
                        at..at + name.len() + 2,
                        format!("`<{name}>` is not a column of the examples"),
                    )
                    .with_note(format!("the examples have: {}", shown.join(", ")));
                    self.diags.push(d);
                    ok = false;
                }
            }
        }
        ok
    }

    fn check(
        &mut self,
        name: String,
        mut tags: Vec<String>,
        background: &[&GStep],
        scenario: &Scenario,
        values: &[(String, String)],
    ) -> Option<FeatureCheck> {
        let mut steps = Vec::new();
        let mut env_use = EnvUse::default();
        let mut broken = false;
        let dir = self.file.parent().unwrap_or(Path::new(".")).to_path_buf();
        for step in background.iter().copied().chain(&scenario.steps) {
            match self.step(step, values, &dir, &mut env_use) {
                Some(made) => steps.extend(made),
                None => broken = true,
            }
        }
        // A file to attach is looked for in `files_path` first, as Mink does; then beside the
        // feature file.
        if let Some(files) = self.ctx.files_path {
            for step in &mut steps {
                if let crate::model::scenario::Action::Attach { path, .. } = &mut step.action {
                    let rel = path.strip_prefix(&dir).unwrap_or(path);
                    let first = files.join(rel);
                    if first.is_file() || !path.is_file() {
                        *path = first;
                    }
                }
            }
        }
        if broken {
            return None;
        }
        if !steps.iter().any(|s| s.action.checks()) {
            // Going to a page that answers 500 is no failure by itself: without a step that
            // checks, the scenario would pass on it.
            let keyword = scenario.keyword.len();
            let d = Diagnostic::new(
                self.file,
                self.source,
                scenario.span.start..scenario.span.start + keyword,
                format!("scenario \"{}\" checks nothing", scenario.name.trim()),
            )
            .with_note(
                "every step only acts (goes, follows, presses, types): add one that checks, such as `Then the response status code should be 200`",
            );
            self.diags.push(d);
            return None;
        }
        let browser = tags.iter().any(|t| BROWSER_TAGS.contains(&t.as_str()))
            || steps
                .iter()
                .any(|s: &ScenarioStep| s.action.needs_browser());
        let (line, col) = self.lines.line_col(self.source, scenario.span.start);
        let source = SourceLoc {
            file: self.file.to_path_buf(),
            line,
            col,
        };
        let spec = ScenarioSpec {
            origin: format!("{}:{line}", self.file.display()),
            file: self.file.to_path_buf(),
            base_url: self.ctx.base_url.map(str::to_string),
            steps,
        };
        let probe = if browser {
            if !tags.iter().any(|t| t == "browser") {
                tags.push("browser".into());
            }
            match super::scenario_steps::browser_steps(&spec) {
                Ok(b) => ProbeSpec::Browser(Box::new(b)),
                Err((index, message)) => {
                    let step = &spec.steps[index];
                    let at = self.offset(step.line, step.col);
                    self.error(at..at + step.source_line.trim().len(), message);
                    return None;
                }
            }
        } else {
            ProbeSpec::Scenario(Box::new(spec))
        };
        let line_len = self.source[scenario.span.start..]
            .lines()
            .next()
            .map_or(0, |l| l.trim_end().len());
        Some(FeatureCheck {
            name,
            span: scenario.span.start..scenario.span.start + line_len,
            tags,
            probe,
            source,
            env_use,
        })
    }

    fn offset(&self, line: usize, col: usize) -> usize {
        self.lines.offset(self.source, line, col)
    }

    /// One step matched to its actions; `None` after reporting why it cannot be.
    fn step(
        &mut self,
        step: &GStep,
        values: &[(String, String)],
        dir: &Path,
        env_use: &mut EnvUse,
    ) -> Option<Vec<ScenarioStep>> {
        // What this step reads from the environment, apart: its form values are secrets.
        let mut step_env = EnvUse::default();
        let found = self.step_with(step, values, dir, &mut step_env);
        let read_named: Vec<(String, String)> = step_env
            .env
            .iter()
            .filter_map(|name| (self.ctx.env)(name).map(|v| (name.clone(), v)))
            .collect();
        env_use.add(step_env);
        // A value a step reads from the environment is a credential until shown otherwise — a
        // password typed inline, in a table row or a doc string, or through a var; a token in a
        // URL: it must reach no output, whatever the page does with it. The site's address
        // alone is not (an unreadable step's values are masked in its error either way).
        let site_only = found.as_ref().is_some_and(|steps| {
            steps
                .iter()
                .all(|s| matches!(s.action, crate::model::scenario::Action::Site(_)))
        });
        if !site_only {
            let values = read_named.iter().map(|(_, v)| v.clone());
            self.ctx.secrets.borrow_mut().extend(values);
        }
        let steps = found?;
        if let Some(what) = steps.iter().find_map(|s| s.action.blank_expectation()) {
            let at = step.span.start..step.span.end;
            let written = &self.source[at.clone()];
            let text_at = at.start + written.find(step.value.as_str()).unwrap_or(0);
            let expanded = if ["${", "{{", "<"].iter().any(|m| step.value.contains(m)) {
                " (after what the step names was expanded)"
            } else {
                ""
            };
            self.error(
                text_at..text_at + step.value.len(),
                format!(
                    "step `{}`: the expected {what} is empty{expanded}: every page would meet it",
                    step.value
                ),
            );
            return None;
        }
        if !site_only {
            // A secret too short to be masked would show wherever the page puts it.
            if let Some((name, value)) = read_named
                .iter()
                .find(|(_, v)| v.chars().count() < crate::redact::MIN_LEN)
            {
                let at = step.span.start..step.span.end;
                let text = &self.source[at.clone()];
                let span = text
                    .find(&format!("${{{name}}}"))
                    .map_or(at.clone(), |i| at.start + i..at.start + i + name.len() + 3);
                let len = value.chars().count();
                self.error(
                    span,
                    format!(
                        "`{name}` is {len} character{} long: a value a step reads from the environment is a secret, and a secret shorter than {} cannot be masked safely",
                        if len == 1 { "" } else { "s" },
                        crate::redact::MIN_LEN
                    ),
                );
                return None;
            }
        }
        Some(steps)
    }

    fn step_with(
        &mut self,
        step: &GStep,
        values: &[(String, String)],
        dir: &Path,
        env_use: &mut EnvUse,
    ) -> Option<Vec<ScenarioStep>> {
        let span = step.span.start..step.span.end;
        let written_line = &self.source[span.clone()];
        // Where the step's text starts, after its keyword: errors point at the text.
        let text_at = span.start
            + written_line
                .find(step.value.as_str())
                .unwrap_or(step.keyword.len());
        let text_span = text_at..text_at + step.value.len();
        let text = substitute(&step.value, values);
        let expanded = self.expand(&text, text_span.clone(), env_use)?;
        let docstring = step
            .docstring
            .as_ref()
            .map(|d| substitute(&docstring_content(d), values))
            .map(|d| self.expand(&d, text_span.clone(), env_use))
            .map_or(Some(None), |d| d.map(Some))?;
        let table: Option<Vec<Vec<String>>> = match &step.table {
            Some(t) => {
                let mut rows = Vec::new();
                for row in &t.rows {
                    let mut cells = Vec::new();
                    for cell in row {
                        cells.push(self.expand(
                            &substitute(cell, values),
                            text_span.clone(),
                            env_use,
                        )?);
                    }
                    rows.push(cells);
                }
                Some(rows)
            }
            None => None,
        };
        let plugin = self.ctx.plugin;
        let language = crate::model::vocabulary_i18n::declared_language(self.source);
        let context = Context {
            plugin,
            dir,
            language,
        };
        let written = Written {
            text: &expanded,
            docstring: docstring.as_deref(),
            table: table.as_deref(),
        };
        let actions = match vocabulary::parse(&written, &context) {
            Ok(actions) => actions,
            Err(e) => {
                let (message, note) = match e {
                    StepError::Unknown { closest } => (
                        format!("unknown step `{}`", step.value),
                        Some(format!(
                            "closest known steps:\n  {}\n(`smokegate steps` lists them all)",
                            closest.join("\n  ")
                        )),
                    ),
                    StepError::Ambiguous(examples) => (
                        format!(
                            "ambiguous step `{}`: more than one phrasing matches it",
                            step.value
                        ),
                        Some(format!("it matches:\n  {}", examples.join("\n  "))),
                    ),
                    StepError::Invalid(why) => (format!("step `{}`: {why}", step.value), None),
                };
                let mut d = Diagnostic::new(self.file, self.source, text_span, message);
                if let Some(n) = note {
                    d = d.with_note(n);
                }
                self.diags.push(d);
                return None;
            }
        };
        let (line, col) = self.lines.line_col(self.source, span.start);
        let source_line = self.source[self.offset(line, 1)..]
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        let shown = format!("{} {}", step.keyword.trim(), text);
        Some(
            actions
                .into_iter()
                .map(|action| ScenarioStep {
                    text: shown.clone(),
                    source_line: source_line.clone(),
                    line,
                    col,
                    action,
                })
                .collect(),
        )
    }

    /// `{{var}}` and `${ENV}` in a step's text; an unset variable is noted in `env_use`.
    fn expand(&mut self, text: &str, span: Range<usize>, env_use: &mut EnvUse) -> Option<String> {
        match vars::expand_feature(text, self.ctx.vars, self.ctx.env) {
            Ok(expanded) => {
                for unset in &expanded.unset {
                    env_use.unset.push(Diagnostic::new(
                        self.file,
                        self.source,
                        span.clone(),
                        vars::unset_message(&unset.name),
                    ));
                }
                env_use.env.extend(expanded.env.iter().cloned());
                Some(expanded.text)
            }
            // A var whose own definition is in error was said there, once.
            Err(e)
                if e.unknown
                    .as_ref()
                    .is_some_and(|n| self.ctx.broken.contains(n)) =>
            {
                None
            }
            Err(e) => {
                self.error(span, e.message);
                None
            }
        }
    }
}

/// A doc string's text as Gherkin defines it: the lines between its delimiters, without their
/// common indentation. The parser also keeps the rest of the opening line (nothing, or a content
/// type such as `json`, which then keeps the indentation too) and the line break before the
/// closing delimiter, which would reach a form field typed with it.
fn docstring_content(raw: &str) -> String {
    let body = raw.split_once('\n').map_or("", |(_, rest)| rest);
    let body = body.strip_suffix('\n').unwrap_or(body);
    let lines: Vec<&str> = body.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let common = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(common..).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `<name>` of an outline replaced by the row's value.
/// `b`, `/p`, `a href="/x"`, `!-- note --`: markup a step checks for, not a placeholder.
fn looks_like_html(name: &str) -> bool {
    const TAGS: &[&str] = &[
        "a", "abbr", "b", "body", "br", "button", "code", "div", "em", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "head", "hr", "html", "i", "img", "input", "label", "li", "link", "meta",
        "ol", "option", "p", "pre", "script", "select", "small", "span", "strong", "style", "sub",
        "sup", "table", "td", "textarea", "th", "title", "tr", "u", "ul",
    ];
    let first = name.split_whitespace().next().unwrap_or_default();
    name.starts_with(['/', '!', '?'])
        || name.contains(['=', '"', '\''])
        || name.ends_with('/')
        || TAGS.contains(&first.to_ascii_lowercase().as_str())
}

fn substitute(text: &str, values: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (k, v) in values {
        out = out.replace(&format!("<{k}>"), v);
    }
    out
}

/// Every `*.feature` under a path, as `[import] features` names them.
pub fn feature_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let walked = crate::source::files::walk(path, &["feature"]).map_err(|e| e.to_string())?;
    if let Some((refused, why)) = walked.refused.first() {
        return Err(format!("{}: {why}", refused.display()));
    }
    Ok(walked.files)
}

/// A Nagios plugin's command line, as a step gives it: a bare name is looked up in the plugin
/// folders, a path is taken relative to the feature file's folder.
pub fn plugin_command(line: &str, dirs: &[PathBuf], base: &Path) -> Result<CommandSpec, String> {
    let words = shell_words::split(line).map_err(|e| format!("cannot split `{line}`: {e}"))?;
    let Some((first, args)) = words.split_first() else {
        return Err("the plugin's command line is empty".into());
    };
    let program = if first.contains('/') {
        let path = base.join(first);
        if !path.is_file() {
            return Err(format!("plugin `{}` does not exist", path.display()));
        }
        path
    } else {
        dirs.iter()
            .map(|d| d.join(first))
            .find(|p| p.is_file())
            .ok_or_else(|| {
                let looked: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
                format!(
                    "plugin `{first}` not found (looked in {})",
                    looked.join(", ")
                )
            })?
    };
    Ok(CommandSpec {
        program,
        args: args.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docstring_of(feature: &str) -> String {
        let parsed = Feature::parse(feature, GherkinEnv::default()).expect("parses");
        let raw = parsed.scenarios[0].steps[0]
            .docstring
            .clone()
            .expect("a doc string");
        docstring_content(&raw)
    }

    /// The names of the checks `lines` of `source` load, or the errors.
    fn at(source: &str, lines: &[usize]) -> Result<Vec<String>, Vec<String>> {
        let vars = Vars::new();
        let no_env = |_: &str| None;
        let plugin = |_: &str| Err("no plugins".to_string());
        let secrets = std::cell::RefCell::new(Vec::new());
        let broken = std::collections::BTreeSet::new();
        let ctx = FeatureContext {
            vars: &vars,
            env: &no_env,
            plugin: &plugin,
            secrets: &secrets,
            broken: &broken,
            base_url: Some("http://127.0.0.1:9"),
            files_path: None,
            admit: None,
        };
        let mut diags = Vec::new();
        let source: Arc<str> = Arc::from(source);
        let loaded = load_lines(
            Path::new("f.feature"),
            &source,
            &ctx,
            Some(lines),
            &mut diags,
        );
        if diags.is_empty() {
            Ok(loaded.into_iter().map(|c| c.name).collect())
        } else {
            Err(diags.iter().map(|d| d.to_string()).collect())
        }
    }

    const CHECKOUT: &str = "\
Feature: Checkout

  Scenario: empty
    Given I am on \"/cart\"
    Then the response status code should be 200

  Rule: cards
    Scenario Outline: pay in <c>
      Given I am on \"/pay/<c>\"
      Then the response status code should be 200

      Examples:
        | c   |
        | USD |
        # euro since 2025
        | EUR |

      Examples: later
        | c   |
        | GBP |
";

    #[test]
    fn a_line_selects_the_scenario_row_or_table_on_it() {
        let names = |lines: &[usize]| at(CHECKOUT, lines).expect("loads");
        assert_eq!(names(&[3]), ["Checkout / empty"]);
        assert_eq!(names(&[16]), ["Checkout / pay in EUR"]);
        assert_eq!(
            names(&[14, 20]),
            ["Checkout / pay in USD", "Checkout / pay in GBP"]
        );
        assert_eq!(names(&[18]), ["Checkout / pay in GBP"]);
        assert_eq!(
            names(&[8]),
            [
                "Checkout / pay in USD",
                "Checkout / pay in EUR",
                "Checkout / pay in GBP"
            ]
        );
        assert_eq!(names(&[7]).len(), 3);
        assert_eq!(names(&[1]).len(), 4);
    }

    #[test]
    fn a_line_that_holds_no_scenario_is_an_error_at_it() {
        assert_eq!(
            at(CHECKOUT, &[4]).expect_err("a step"),
            ["error: `f.feature:4` selects nothing: line 4 holds no scenario, outline or example row\n --> f.feature:4:5\n  |\n4 |     Given I am on \"/cart\"\n  |     ^^^^^^^^^^^^^^^^^^^^^\n  = note: its scenarios start at lines 3, 8"]
        );
        let past = at(CHECKOUT, &[13, 99]).expect_err("a header, the end");
        assert!(
            past[0].starts_with("error: `f.feature:13` selects nothing: line 13 holds no scenario"),
            "{past:?}"
        );
        let past = at(CHECKOUT, &[99]).expect_err("the end");
        assert!(
            past[0].starts_with(
                "error: `f.feature:99` selects nothing: the file has 20 lines\n --> f.feature:21:1"
            ),
            "{past:?}"
        );
    }

    #[test]
    fn comments_blank_lines_and_more_tags_may_come_between_tags_and_their_keyword() {
        let cases = [
            "@a\n# c\n  Feature: F\n  Scenario: S\n    Given x\n",
            "@a\n  # c\n\n  Feature: F\n  Scenario: S\n    Given x\n",
            "@a # later\n# c\n@b\n  Feature: F\n  Scenario: S\n    Given x\n",
            "@a\r\n# c\r\n  Feature: F\r\n  @s\r\n  # c\r\n    Scenario: S\r\n    Given x\r\n",
            "\u{feff}@a\n# c\n  Feature: F\n  Scenario: S\n    Given x\n",
            "Feature: F\n  @o\n\t# c\n    Scenario Outline: S\n    Given <x>\n  @e # eu\n  # c\n\n      Examples:\n    | x |\n    | 1 |\n",
        ];
        for case in cases {
            let fixed = tolerated(case);
            assert_eq!(fixed.len(), case.len(), "{case:?}");
            let parsed = Feature::parse(fixed.as_ref(), GherkinEnv::default());
            assert!(parsed.is_ok(), "{case:?}: {parsed:?}");
        }
    }

    #[test]
    fn a_doc_string_is_the_lines_between_its_delimiters() {
        assert_eq!(
            docstring_of("Feature: F\n  Scenario: S\n    When I fill in \"c\" with:\n      \"\"\"\n      two\n        lines\n      \"\"\"\n"),
            "two\n  lines"
        );
        assert_eq!(
            docstring_of("Feature: F\n  Scenario: S\n    When I fill in \"c\" with:\n      ```json\n      {}\n      ```\n"),
            "{}"
        );
        assert_eq!(
            docstring_of("Feature: F\n  Scenario: S\n    When I fill in \"c\" with:\n      \"\"\"\n      \"\"\"\n"),
            ""
        );
    }
}
