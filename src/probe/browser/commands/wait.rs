//! Waiting: `pause`, and `waitForElementPresent`/`NotPresent`/`Visible`/`NotVisible`, each up to
//! the value's milliseconds (else the implicit wait). `waitForText` and
//! `waitForElement(Not)Editable` are `assert`'s. Must not change the page nor store variables.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::model::step::Command;
use crate::probe::browser::exec::{by, eventually, find, millis, present, wd, Act, Failure};

/// `pause`: the value's milliseconds (else the target's; none is no pause).
pub(crate) async fn pause(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (target, value) = (act.target, act.value);
    let ms = if value.trim().is_empty() {
        target
    } else {
        value
    };
    tokio::time::sleep(millis(ms, Duration::ZERO)).await;
    Ok(())
}

/// `waitForElementPresent`.
pub(crate) async fn element_present(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    find(driver, act.loc()?, millis(value, wait))
        .await
        .map(|_| ())
}

/// `waitForElementNotPresent`.
pub(crate) async fn element_not_present(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let locator = act.loc()?;
    eventually(millis(value, wait), || async {
        if present(driver, locator).await? {
            Err(Failure::new(
                format!("no element at {locator}"),
                "one still present",
            ))
        } else {
            Ok(())
        }
    })
    .await
}

/// `waitForElementVisible` and `waitForElementNotVisible` (no element is not visible).
pub(crate) async fn element_visible(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, step, value) = (act.run.driver, act.run.wait, act.step, act.value);
    let want = step.command == Command::WaitForElementVisible;
    let locator = act.loc()?;
    eventually(millis(value, wait), || async {
        let visible = match driver.find(by(locator)).await {
            Ok(el) => el.is_displayed().await.map_err(wd)?,
            Err(e) if none_found(&e) => false,
            Err(e) => return Err(wd(e)),
        };
        if visible == want {
            Ok(())
        } else {
            let word = |b: bool| if b { "visible" } else { "not visible" };
            Err(Failure::new(
                format!("{locator} {}", word(want)),
                word(visible),
            ))
        }
    })
    .await
}

/// Whether a WebDriver error says only that no element matched.
fn none_found(e: &WebDriverError) -> bool {
    matches!(
        **e,
        thirtyfour::error::WebDriverErrorInner::NoSuchElement(_)
    )
}
