//! Assertions on the page (`assert*`, and `verify*` which share their variants): text, title,
//! value, selected value and label, checked, editable, element present. `waitForText` and
//! `waitForElement(Not)Editable` share the implementation of their assertion. Must not change
//! the page (click, type, select, navigate) nor store variables.

use std::time::Duration;

use crate::model::step::Command;
use crate::probe::browser::exec::{
    eventually, find, js_string, millis, present, quoted, wd, Act, Failure,
};

/// `assertText` and `waitForText`: the element's text, trimmed, is the value. Both wait up to
/// the implicit wait for the text, as every element step does.
pub(crate) async fn text(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let locator = act.loc()?;
    eventually(wait, || async {
        let text = find(driver, locator, Duration::ZERO)
            .await?
            .text()
            .await
            .map_err(wd)?;
        if text.trim() == value.trim() {
            Ok(())
        } else {
            Err(Failure::new(
                format!("text {}", quoted(value)),
                format!("text {}", quoted(&text)),
            ))
        }
    })
    .await
}

/// `assertNotText`.
pub(crate) async fn not_text(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let text = find(driver, act.loc()?, wait)
        .await?
        .text()
        .await
        .map_err(wd)?;
    if text.trim() == value.trim() {
        Err(Failure::new(
            format!("text other than {}", quoted(value)),
            format!("text {}", quoted(&text)),
        ))
    } else {
        Ok(())
    }
}

/// `assertTitle`: the page's title, trimmed, is the target (within the implicit wait).
pub(crate) async fn title(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, target) = (act.run.driver, act.run.wait, act.target);
    eventually(wait, || async {
        let title = driver.title().await.map_err(wd)?;
        if title.trim() == target.trim() {
            Ok(())
        } else {
            Err(Failure::new(
                format!("title {}", quoted(target)),
                format!("title {}", quoted(&title)),
            ))
        }
    })
    .await
}

/// `assertValue`: the element's value is the value, exactly.
pub(crate) async fn value(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    // An element without a value (a div) has none, which no expected value is —
    // not even an empty one (the IDE compares null).
    let Some(v) = find(driver, act.loc()?, wait)
        .await?
        .value()
        .await
        .map_err(wd)?
    else {
        return Err(Failure::new(
            format!("value {}", quoted(value)),
            "an element without a value",
        ));
    };
    if v == value {
        Ok(())
    } else {
        Err(Failure::new(
            format!("value {}", quoted(value)),
            format!("value {}", quoted(&v)),
        ))
    }
}

/// `assertSelectedValue`.
pub(crate) async fn selected_value(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let el = find(driver, act.loc()?, wait).await?;
    let v = el.value().await.map_err(wd)?.unwrap_or_default();
    if v == value {
        Ok(())
    } else {
        Err(Failure::new(
            format!("selected value {}", quoted(value)),
            quoted(&v),
        ))
    }
}

/// `assertNotSelectedValue`.
pub(crate) async fn not_selected_value(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let el = find(driver, act.loc()?, wait).await?;
    let v = el.value().await.map_err(wd)?.unwrap_or_default();
    if v == value {
        Err(Failure::new(
            format!("a selected value other than {}", quoted(value)),
            quoted(&v),
        ))
    } else {
        Ok(())
    }
}

/// `assertSelectedLabel`: the text of the selected option, trimmed, is the value.
pub(crate) async fn selected_label(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let el = find(driver, act.loc()?, wait).await?;
    let arg = el.to_json().map_err(wd)?;
    let ret = driver
        .execute(
            "var s = arguments[0]; return s.selectedIndex < 0 || !s.options ? null : s.options[s.selectedIndex].text;",
            vec![arg],
        )
        .await
        .map_err(wd)?;
    // Nothing selected is no label, not an empty one (the IDE finds no option).
    if ret.json().is_null() {
        return Err(Failure::new(
            format!("selected label {}", quoted(value)),
            "no option selected",
        ));
    }
    let label = js_string(ret.json());
    if label.trim() == value.trim() {
        Ok(())
    } else {
        Err(Failure::new(
            format!("selected label {}", quoted(value)),
            quoted(&label),
        ))
    }
}

/// `assertElementPresent`: found within the implicit wait.
pub(crate) async fn element_present(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait) = (act.run.driver, act.run.wait);
    find(driver, act.loc()?, wait).await.map(|_| ())
}

/// `assertElementNotPresent`: none now.
pub(crate) async fn element_not_present(act: &Act<'_, '_>) -> Result<(), Failure> {
    let driver = act.run.driver;
    let locator = act.loc()?;
    if present(driver, locator).await? {
        Err(Failure::new(format!("no element at {locator}"), "one"))
    } else {
        Ok(())
    }
}

/// `assertChecked` and `assertNotChecked`.
pub(crate) async fn checked(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, step) = (act.run.driver, act.run.wait, act.step);
    let want = step.command == Command::AssertChecked;
    let checked = find(driver, act.loc()?, wait)
        .await?
        .is_selected()
        .await
        .map_err(wd)?;
    if checked == want {
        Ok(())
    } else {
        let word = |b: bool| if b { "checked" } else { "not checked" };
        Err(Failure::new(word(want), word(checked)))
    }
}

/// `assertEditable`, `assertNotEditable`, and `waitForElementEditable`/`NotEditable` which wait
/// the value's milliseconds (else the implicit wait).
pub(crate) async fn editable(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, step, value) = (act.run.driver, act.run.wait, act.step, act.value);
    let waits = matches!(
        step.command,
        Command::WaitForElementEditable | Command::WaitForElementNotEditable
    );
    let want = matches!(
        step.command,
        Command::AssertEditable | Command::WaitForElementEditable
    );
    let budget = if waits { millis(value, wait) } else { wait };
    let locator = act.loc()?;
    eventually(budget, || async {
        let el = find(driver, locator, Duration::ZERO).await?;
        let enabled = el.is_enabled().await.map_err(wd)?;
        let readonly = el.attr("readonly").await.map_err(wd)?.is_some();
        let editable = enabled && !readonly;
        if editable == want {
            Ok(())
        } else if want {
            Err(Failure::new(
                "an editable element",
                if readonly { "read-only" } else { "disabled" },
            ))
        } else {
            Err(Failure::new("an element that is not editable", "editable"))
        }
    })
    .await
}
