//! JavaScript in the page: `executeScript`/`runScript` and `executeAsyncScript` (its promise
//! awaited), `${var}` passed as values (`arguments[i]`) as the IDE does. Must not act on
//! elements or dialogs itself.

use serde_json::Value;

use crate::model::step::Command;
use crate::probe::browser::exec::{interpolate, js_string, wd, Act, Failure};
use crate::sanitize;

/// `executeScript` (its result stored when the value names a variable) and `runScript`.
pub(crate) async fn execute(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    let (driver, step, value) = (act.run.driver, act.step, act.value);
    // `${var}` reaches a script as a value (`arguments[i]`), as in the IDE.
    let (js, args) = interpolate(&step.target, &act.run.vars);
    let ret = driver.execute(js, args).await.map_err(wd)?;
    if step.command == Command::ExecuteScript && !value.is_empty() {
        act.run.vars.insert(value.to_string(), ret.json().clone());
    }
    Ok(())
}

/// `executeAsyncScript`: the script's promise awaited, what it resolves to stored.
pub(crate) async fn execute_async(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    let (driver, step, value) = (act.run.driver, act.step, act.value);
    let (js, args) = interpolate(&step.target, &act.run.vars);
    let script = format!(
        "var done = arguments[arguments.length - 1]; \
         var args = Array.prototype.slice.call(arguments, 0, -1); \
         Promise.resolve().then(function () {{ return (function () {{ {js}\n}}).apply(null, args); }}) \
         .then(function (v) {{ done({{ ok: v === undefined ? null : v }}); }}, \
               function (e) {{ done({{ error: String(e) }}); }});"
    );
    let ret = driver.execute_async(script, args).await.map_err(wd)?;
    let ret = ret.json();
    if let Some(e) = ret.get("error") {
        return Err(Failure::new(
            "the script's promise to resolve",
            format!("it rejected: {}", sanitize::clean(&js_string(e))),
        ));
    }
    if !value.is_empty() {
        act.run.vars.insert(
            value.to_string(),
            ret.get("ok").cloned().unwrap_or(Value::Null),
        );
    }
    Ok(())
}
