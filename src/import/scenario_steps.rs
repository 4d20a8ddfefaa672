//! A Gherkin scenario tagged `@browser` as browser steps, made at load: each feature step that
//! acts becomes the WebDriver command on the element it names (found and marked first), each
//! that checks becomes one `judge` step, and each step that runs outside a page is a load error
//! at its place. Pure data: it holds no JavaScript and judges nothing (the browser probe finds,
//! gathers facts and asks `probe/judge`).

use crate::model::scenario::{is_whole_url, page_on_site, Action, FeatureSteps, ScenarioSpec};
use crate::model::spec::BrowserSpec;
use crate::model::step::{Command, Step};

/// The scenario as browser steps, or the index of the feature step in error and why.
pub fn browser_steps(spec: &ScenarioSpec) -> Result<BrowserSpec, (usize, String)> {
    let mut steps = Vec::new();
    let mut of = Vec::new();
    // The site the last `the site` step named; until one, pages are relative to the run's base
    // URL, joined when they run (`browser::commands::navigate`), as are pages without any site.
    let mut site: Option<url::Url> = None;
    let mut marks = 0usize;
    for (index, s) in spec.steps.iter().enumerate() {
        let mut add = |step: Step| {
            steps.push(step);
            of.push(index);
        };
        let selenium = |name: &str, target: &str, value: &str| {
            Step::new(name, target, value).map_err(|e| (index, e))
        };
        // The element the step acts on: found and marked, then named by its mark.
        let mut mark = |add: &mut dyn FnMut(Step)| {
            marks += 1;
            let id = format!("sg{marks}");
            add(Step::internal(Command::Find, "find", &id));
            format!("css=[data-smokegate=\"{id}\"]")
        };
        let outside = |what: &str| {
            Err((
                index,
                format!("{what} runs outside the page: it cannot be a step of a browser scenario (@browser); put it in a scenario of its own"),
            ))
        };
        match &s.action {
            Action::Site(url) => {
                site = Some(
                    url::Url::parse(url)
                        .map_err(|e| (index, format!("`{url}` is not a URL: {e}")))?,
                );
            }
            Action::Visit(target) => {
                // Without a site in the scenario yet, a relative page is joined when it runs: to
                // the base URL the run gives (`--base-url`, the import's, behat.yml's), or to the
                // origin of the page the browser is on.
                let url = match &site {
                    _ if is_whole_url(target) => url::Url::parse(target)
                        .map_err(|e| (index, format!("`{target}` is not a URL: {e}")))?
                        .to_string(),
                    Some(base) => page_on_site(base, target)
                        .map_err(|e| (index, e))?
                        .to_string(),
                    None => target.clone(),
                };
                add(selenium("open", &url, "")?);
            }
            Action::Reload => {
                add(selenium("executeScript", "return location.href", "sgHere")?);
                add(selenium("open", "${sgHere}", "")?);
            }
            Action::Back => add(Step::internal(Command::Back, "back", "")),
            Action::Forward => add(Step::internal(Command::Forward, "forward", "")),
            Action::Press(_) | Action::Follow(_) | Action::Check(_) => {
                let at = mark(&mut add);
                let name = if matches!(s.action, Action::Check(_)) {
                    "check"
                } else {
                    "click"
                };
                add(selenium(name, &at, "")?);
            }
            Action::Uncheck(_) => {
                let at = mark(&mut add);
                add(selenium("uncheck", &at, "")?);
            }
            Action::Fill { value, .. } => {
                let at = mark(&mut add);
                add(selenium("type", &at, value)?);
            }
            Action::Select {
                option,
                additionally,
                ..
            } => {
                let at = mark(&mut add);
                let name = if *additionally {
                    "addSelection"
                } else {
                    "select"
                };
                add(selenium(name, &at, &format!("label={option}"))?);
            }
            Action::Attach { path, .. } => {
                let at = mark(&mut add);
                add(selenium("sendKeys", &at, &path.display().to_string())?);
            }
            Action::Header { .. } => return outside("a response header step"),
            Action::Service(_) => return outside("a service step"),
            Action::Certificate(_) => return outside("a certificate step"),
            Action::Plugin(_) => return outside("a Nagios plugin step"),
            Action::Note => {}
            _ => add(Step::internal(Command::Judge, "judge", "")),
        }
    }
    Ok(BrowserSpec {
        origin: spec.origin.clone(),
        // The run's site, not the last one the scenario names: a page before a `the site`
        // step is on the site in effect at its own step (`FeatureSteps::site_at`).
        base_url: spec.base_url.clone(),
        steps,
        feature: Some(FeatureSteps {
            file: spec.file.clone(),
            steps: spec.steps.clone(),
            of,
        }),
    })
}
