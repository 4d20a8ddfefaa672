//! The steps a Gherkin scenario became (`judge`, `find`, `back`, `forward`): the feature step
//! each was made from says what it does, and `browser::gherkin` does it. Owns only the
//! translation of its verdict into a step's `Failure`. Must not judge a page itself, nor touch
//! variables or dialogs.

use crate::model::step::Command;
use crate::model::State;
use crate::probe::browser::exec::{wd, Act, Failure};

/// A step a Gherkin scenario became: the feature step it was made from says what it does.
pub(crate) async fn step(act: &Act<'_, '_>) -> Result<(), Failure> {
    use crate::probe::browser::gherkin::{self, Wrong};
    let (run, step, target) = (&*act.run, act.step, act.target);
    let feature = run
        .spec
        .feature
        .as_ref()
        .ok_or_else(|| Failure::new("the feature step of this step", "none"))?;
    let action = feature
        .step_of(run.at)
        .map(|s| &s.action)
        .ok_or_else(|| Failure::new("the feature step of this step", "none"))?;
    // The site in effect at this step, as over HTTP: a path is on it (`should be on "/"`).
    let site = feature.site_at(run.at, run.spec.base_url.as_deref());
    let driver = run.driver;
    let result = match step.command {
        Command::Judge => gherkin::judge_page(driver, action, site.as_ref(), run.redact).await,
        Command::Find => gherkin::find(driver, action, target).await,
        Command::Back => gherkin::go(driver, true).await,
        _ => gherkin::go(driver, false).await,
    };
    result.map_err(|wrong| match wrong {
        Wrong::Browser(e) => wd(e),
        Wrong::Miss(miss) => Failure {
            said: true,
            unknown: miss.state == State::Unknown,
            evidence: miss.evidence,
            ..Failure::new("", miss.message)
        },
    })
}
