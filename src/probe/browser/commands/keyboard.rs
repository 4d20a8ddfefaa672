//! Text into elements: `type` (cleared first), `sendKeys` and `editContent` (a content-editable
//! element's HTML). What is typed into a password field is handed to the redactor before it is
//! typed. Must not click, read or assert on the page, nor store variables.

use serde_json::Value;
use thirtyfour::prelude::*;

use crate::probe::browser::exec::{find, wd, Act, Failure};

/// `type`: the element cleared, then the value typed.
pub(crate) async fn type_text(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let el = find(driver, act.loc()?, wait).await?;
    secret_if_password(&el, value, act.run.redact).await?;
    el.clear().await.map_err(wd)?;
    el.send_keys(value).await.map_err(wd)
}

/// `sendKeys`: the value typed after what the element holds.
pub(crate) async fn send_keys(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let el = find(driver, act.loc()?, wait).await?;
    secret_if_password(&el, value, act.run.redact).await?;
    el.send_keys(value).await.map_err(wd)
}

/// `editContent`: a content-editable element's HTML set to the value.
pub(crate) async fn edit_content(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let el = find(driver, act.loc()?, wait).await?;
    let arg = el.to_json().map_err(wd)?;
    let ret = driver
        .execute(
            "var e = arguments[0]; if (!e.isContentEditable) { return false; } \
             e.innerHTML = arguments[1]; return true;",
            vec![arg, Value::String(value.to_string())],
        )
        .await
        .map_err(wd)?;
    if ret.json().as_bool() == Some(true) {
        Ok(())
    } else {
        Err(Failure::new(
            "a content-editable element",
            "one that is not",
        ))
    }
}

/// What is typed into a password field never reaches an output, as over HTTP.
/// A password too short to be masked is not typed: the step fails.
async fn secret_if_password(
    el: &WebElement,
    value: &str,
    redact: &crate::redact::Redactor,
) -> Result<(), Failure> {
    // Keys (`${KEY_ENTER}`, WebDriver's private-use codes) are pressed, not typed.
    let typed: String = value
        .chars()
        .filter(|c| !('\u{E000}'..='\u{F8FF}').contains(c))
        .collect();
    if typed.is_empty() {
        return Ok(());
    }
    if let Ok(Some(kind)) = el.attr("type").await {
        if kind.eq_ignore_ascii_case("password") {
            if let Some(why) = crate::redact::too_short_to_type(&typed) {
                return Err(Failure::new("a password that can be masked", why));
            }
            redact.see([typed]);
        }
    }
    Ok(())
}
