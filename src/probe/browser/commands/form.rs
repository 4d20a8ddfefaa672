//! Form controls: `select`, `addSelection`/`removeSelection` (by `label=`, `value=` or
//! `index=`), `check`/`uncheck` and `submit`. Must not type, assert on what is selected or
//! checked (that is `assert`'s), nor store variables.

use thirtyfour::components::SelectElement;

use crate::model::step::Command;
use crate::probe::browser::exec::{find, quoted, wd, Act, Failure};

/// `select`: the one option of a `<select>` chosen by `label=`, `value=` or `index=`.
pub(crate) async fn select(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, value) = (act.run.driver, act.run.wait, act.value);
    let el = find(driver, act.loc()?, wait).await?;
    let select = SelectElement::new(&el).await.map_err(wd)?;
    let (how, what) = value.split_once('=').unwrap_or(("label", value));
    let done = match how {
        "label" => select.select_by_visible_text(what).await,
        "value" => select.select_by_value(what).await,
        "index" => match what.parse::<u32>() {
            Ok(i) => select.select_by_index(i).await,
            Err(_) => return Err(Failure::new("an option index", quoted(what))),
        },
        _ => select.select_by_visible_text(value).await,
    };
    done.map_err(|_| Failure::new(format!("an option {}", quoted(value)), "no such option"))
}

/// `addSelection` and `removeSelection`: one option of a multiple `<select>` added or removed.
pub(crate) async fn selection(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, step, value) = (act.run.driver, act.run.wait, act.step, act.value);
    let el = find(driver, act.loc()?, wait).await?;
    let select = SelectElement::new(&el).await.map_err(wd)?;
    let add = step.command == Command::AddSelection;
    let (how, what) = value.split_once('=').unwrap_or(("label", value));
    let done = match (how, add) {
        ("value", true) => select.select_by_value(what).await,
        ("value", false) => select.deselect_by_value(what).await,
        ("index", _) => match what.parse::<u32>() {
            Ok(i) if add => select.select_by_index(i).await,
            Ok(i) => select.deselect_by_index(i).await,
            Err(_) => return Err(Failure::new("an option index", quoted(what))),
        },
        ("label", true) => select.select_by_visible_text(what).await,
        ("label", false) => select.deselect_by_visible_text(what).await,
        (_, true) => select.select_by_visible_text(value).await,
        (_, false) => select.deselect_by_visible_text(value).await,
    };
    done.map_err(|_| Failure::new(format!("an option {}", quoted(value)), "no such option"))
}

/// `check` and `uncheck`: clicked only when not already as wanted.
pub(crate) async fn check(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, step) = (act.run.driver, act.run.wait, act.step);
    let el = find(driver, act.loc()?, wait).await?;
    let want = step.command == Command::Check;
    if el.is_selected().await.map_err(wd)? != want {
        el.click().await.map_err(wd)?;
    }
    Ok(())
}

/// `submit`: the element's form (or the element, a form itself) submitted.
pub(crate) async fn submit(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait) = (act.run.driver, act.run.wait);
    let el = find(driver, act.loc()?, wait).await?;
    let arg = el.to_json().map_err(wd)?;
    driver
        .execute("var e = arguments[0]; (e.form || e).submit();", vec![arg])
        .await
        .map(|_| ())
        .map_err(wd)
}
