//! Dialogs (alerts, confirmations, prompts): `answerOnNextPrompt`, `chooseCancelOnNextPrompt`,
//! `chooseOk/CancelOnNextConfirmation` (the answer queued for the next one),
//! `assertAlert`/`assertConfirmation`/`assertPrompt` (the text of the next one), and the
//! `webdriver*Visible*` commands that answer the one open now. Answering a dialog a step opened
//! is `exec`'s (`StepRun::settle_dialog`). Must not act on the page.

use std::time::Instant;

use crate::model::step::Command;
use crate::probe::browser::exec::{first_line, quoted, wd, Act, Failure, StepRun, POLL};
use crate::sanitize;

/// `answerOnNextPrompt`: the next prompt is answered with the target.
pub(crate) fn answer_on_next_prompt(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    act.run.dialogs.prompt = Some(Some(act.target.to_string()));
    Ok(())
}

/// `chooseCancelOnNextPrompt`: the next prompt is dismissed.
pub(crate) fn cancel_on_next_prompt(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    act.run.dialogs.prompt = Some(None);
    Ok(())
}

/// `chooseOkOnNextConfirmation` and `chooseCancelOnNextConfirmation`.
pub(crate) fn on_next_confirmation(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    act.run.dialogs.confirm = Some(act.step.command == Command::ChooseOkOnNextConfirmation);
    Ok(())
}

/// `assertAlert`, `assertConfirmation` and `assertPrompt`: the next dialog's text is the target.
pub(crate) async fn assert_text(act: &mut Act<'_, '_>) -> Result<(), Failure> {
    let (step, target) = (act.step, act.target);
    let kind = match step.command {
        Command::AssertAlert => "an alert",
        Command::AssertConfirmation => "a confirmation",
        _ => "a prompt",
    };
    let text = next_dialog(act.run)
        .await
        .map_err(|f| Failure::new(format!("{kind} {}", quoted(target)), f.found))?;
    if text == target {
        Ok(())
    } else {
        Err(Failure::new(
            format!("{kind} {}", quoted(target)),
            format!("{kind} {}", quoted(&text)),
        ))
    }
}

/// `webdriverAnswerOnVisiblePrompt`, `webdriverChooseOkOnVisibleConfirmation`,
/// `webdriverChooseCancelOnVisibleConfirmation` and `webdriverChooseCancelOnVisiblePrompt`:
/// the dialog open now (or within the implicit wait) answered.
pub(crate) async fn on_visible(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, step, target) = (act.run.driver, act.step, act.target);
    dialog_open(act.run).await?;
    match step.command {
        Command::WebdriverAnswerOnVisiblePrompt => {
            driver.send_alert_text(target).await.map_err(|e| {
                Failure::new(
                    "a prompt",
                    format!(
                        "a dialog that takes no text ({})",
                        first_line(&e.to_string())
                    ),
                )
            })?;
            driver.accept_alert().await.map_err(wd)
        }
        Command::WebdriverChooseOkOnVisibleConfirmation => driver.accept_alert().await.map_err(wd),
        _ => driver.dismiss_alert().await.map_err(wd),
    }
}

/// Waits up to the implicit wait for a dialog to be open.
async fn dialog_open(run: &StepRun<'_>) -> Result<String, Failure> {
    let deadline = Instant::now() + run.wait;
    loop {
        if let Ok(text) = run.driver.get_alert_text().await {
            return Ok(sanitize::clean(&text));
        }
        if Instant::now() >= deadline {
            return Err(Failure::new(
                "a dialog",
                format!("none after {}", crate::format::duration(run.wait)),
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The text of the next dialog: one answered already, or one that opens within the wait.
async fn next_dialog(run: &mut StepRun<'_>) -> Result<String, Failure> {
    if let Some(text) = run.dialogs.seen.pop_front() {
        return Ok(text);
    }
    let text = dialog_open(run).await?;
    if run.leave_dialog_open {
        return Ok(text);
    }
    run.settle_dialog().await;
    Ok(run.dialogs.seen.pop_front().unwrap_or(text))
}
