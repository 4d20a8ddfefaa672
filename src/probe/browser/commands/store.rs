//! Variables: `store`, `storeText`, `storeValue`, `storeTitle`, `storeAttribute`,
//! `storeXpathCount`, `storeJson`, `storeWindowHandle`, `echo`, and `assertVar` that checks one.
//! Must not act on the page (click, type, navigate) nor answer dialogs.

use serde_json::Value;

use crate::model::step::Locator;
use crate::probe::browser::exec::{by, find, js_string, quoted, wd, Act, Failure};
use crate::sanitize;

/// `store`: the target, as text, into the variable the value names.
pub(crate) fn store(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    act.run
        .vars
        .insert(act.value.to_string(), Value::String(act.target.to_string()));
    Ok(())
}

/// `storeText`: the element's text.
pub(crate) async fn store_text(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let text = find(driver, act.loc()?, wait)
        .await?
        .text()
        .await
        .map_err(wd)?;
    act.run.vars.insert(value.to_string(), Value::String(text));
    Ok(())
}

/// `storeValue`: the element's value (none is empty).
pub(crate) async fn store_value(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let v = find(driver, act.loc()?, wait)
        .await?
        .value()
        .await
        .map_err(wd)?;
    act.run
        .vars
        .insert(value.to_string(), Value::String(v.unwrap_or_default()));
    Ok(())
}

/// `storeTitle`: the page's title, into the value's variable (else the target's).
pub(crate) async fn store_title(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    let (driver, target, value) = (act.run.driver, act.target, act.value);
    let title = driver.title().await.map_err(wd)?;
    let name = if value.is_empty() { target } else { value };
    act.run.vars.insert(name.to_string(), Value::String(title));
    Ok(())
}

/// `storeAttribute`: a target `locator@attribute`.
pub(crate) async fn store_attribute(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, target, value) = (act.run.driver, act.run.wait, act.target, act.value);
    let (at, attr) = target
        .rsplit_once('@')
        .ok_or_else(|| Failure::new("`locator@attribute`", quoted(target)))?;
    let locator = Locator::parse(at).map_err(|e| Failure::new("a valid locator", e))?;
    match find(driver, &locator, wait)
        .await?
        .attr(attr)
        .await
        .map_err(wd)?
    {
        Some(v) => {
            act.run.vars.insert(value.to_string(), Value::String(v));
            Ok(())
        }
        None => Err(Failure::new(
            format!("an attribute `{attr}` on {locator}"),
            "none",
        )),
    }
}

/// `storeXpathCount`: how many elements the locator finds now.
pub(crate) async fn store_xpath_count(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    let (driver, value) = (act.run.driver, act.value);
    let n = driver.find_all(by(act.loc()?)).await.map_err(wd)?.len();
    act.run.vars.insert(value.to_string(), Value::from(n));
    Ok(())
}

/// `storeJson`: the target parsed as JSON.
pub(crate) fn store_json(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    let json =
        serde_json::from_str(act.target).map_err(|e| Failure::new("JSON", format!("{e}")))?;
    act.run.vars.insert(act.value.to_string(), json);
    Ok(())
}

/// `storeWindowHandle`: the current window's handle, into the target's variable.
pub(crate) async fn store_window_handle(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    let handle = act.run.driver.window().await.map_err(wd)?;
    act.run
        .vars
        .insert(act.target.to_string(), Value::String(handle.to_string()));
    Ok(())
}

/// `echo`: the target, kept for the check's long output.
pub(crate) fn echo(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    act.run.echoes.push(sanitize::clean(act.target));
    Ok(())
}

/// `assertVar`/`verifyVar`: a stored variable, as text, is the value.
pub(crate) fn assert_var(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (target, value) = (act.target, act.value);
    match act.run.vars.get(target).map(js_string) {
        None => Err(Failure::new(
            format!("a variable `{target}`"),
            "none stored",
        )),
        Some(v) if v == value => Ok(()),
        Some(v) => Err(Failure::new(
            format!("`{target}` to be {}", quoted(value)),
            quoted(&v),
        )),
    }
}
