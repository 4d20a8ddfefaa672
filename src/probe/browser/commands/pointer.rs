//! The mouse: `click`/`clickAt`, `doubleClick`, `mouseOver`, `mouseOut`, `mouseDown`/`mouseUp`
//! (and their `*At` forms, `mouseMoveAt`, `doubleClickAt`) and `dragAndDropToObject`. The IDE
//! counts `*At` coordinates from the element's corner. Must not type, read or assert on the
//! page, nor store variables.

use crate::model::step::{coordinates, Command, Locator};
use crate::probe::browser::exec::{find, quoted, wd, Act, Failure};

/// `click` and `clickAt` (which clicks the element, as the IDE does).
pub(crate) async fn click(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait) = (act.run.driver, act.run.wait);
    find(driver, act.loc()?, wait)
        .await?
        .click()
        .await
        .map_err(wd)
}

/// `doubleClick`.
pub(crate) async fn double_click(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait) = (act.run.driver, act.run.wait);
    let el = find(driver, act.loc()?, wait).await?;
    driver
        .action_chain()
        .double_click_element(&el)
        .perform()
        .await
        .map_err(wd)
}

/// `mouseOver`: to the element's centre.
pub(crate) async fn mouse_over(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait) = (act.run.driver, act.run.wait);
    let el = find(driver, act.loc()?, wait).await?;
    driver
        .action_chain()
        .move_to_element_center(&el)
        .perform()
        .await
        .map_err(wd)
}

/// `mouseDown`, `mouseUp`, `mouseDownAt`, `mouseUpAt`, `mouseMoveAt` and `doubleClickAt`.
pub(crate) async fn mouse(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, step, value) = (act.run.driver, act.run.wait, act.step, act.value);
    let el = find(driver, act.loc()?, wait).await?;
    let at = matches!(
        step.command,
        Command::MouseDownAt | Command::MouseUpAt | Command::MouseMoveAt | Command::DoubleClickAt
    );
    let chain = if at {
        let (x, y) = coordinates(value)
            .ok_or_else(|| Failure::new("coordinates like 10,20", quoted(value)))?;
        let rect = el.rect().await.map_err(wd)?;
        // The IDE counts from the element's corner, WebDriver from its centre.
        let dx = (x as f64 - rect.width / 2.0).round() as i64;
        let dy = (y as f64 - rect.height / 2.0).round() as i64;
        driver
            .action_chain()
            .move_to_element_with_offset(&el, dx, dy)
    } else {
        driver.action_chain().move_to_element_center(&el)
    };
    let chain = match step.command {
        Command::MouseDown | Command::MouseDownAt => chain.click_and_hold(),
        Command::MouseUp | Command::MouseUpAt => chain.release(),
        Command::DoubleClickAt => chain.double_click(),
        _ => chain,
    };
    chain.perform().await.map_err(wd)
}

/// `mouseOut`: to just outside the element.
pub(crate) async fn mouse_out(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait) = (act.run.driver, act.run.wait);
    let el = find(driver, act.loc()?, wait).await?;
    let rect = el.rect().await.map_err(wd)?;
    // Just outside the element: above it, else left of it, else below it.
    let (w, h) = (
        (rect.width / 2.0).ceil() as i64,
        (rect.height / 2.0).ceil() as i64,
    );
    let (dx, dy) = if rect.y >= 1.0 {
        (0, -h - 1)
    } else if rect.x >= 1.0 {
        (-w - 1, 0)
    } else {
        (0, h + 1)
    };
    driver
        .action_chain()
        .move_to_element_with_offset(&el, dx, dy)
        .perform()
        .await
        .map_err(wd)
}

/// `dragAndDropToObject`: the target's element onto the value's.
pub(crate) async fn drag_and_drop(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let from = find(driver, act.loc()?, wait).await?;
    let onto = Locator::parse(value).map_err(|e| Failure::new("a valid drop locator", e))?;
    let to = find(driver, &onto, wait).await?;
    driver
        .action_chain()
        .click_and_hold_element(&from)
        .move_to_element_center(&to)
        .release()
        .perform()
        .await
        .map_err(wd)
}
