//! The browser scenario model shared by every loader (.side projects, TOML steps): Selenium IDE's
//! (command, target, value) triple, validated into a known command and a parsed locator at load
//! time so that nothing unsupported reaches a browser. Owns the vocabulary; must not drive one.

use std::fmt;

/// Where an element is found. Selenium IDE's `id=`, `name=`, `css=`, `xpath=`, `linkText=`,
/// `partialLinkText=` prefixes, and a bare `//...` XPath.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Locator {
    Id(String),
    Name(String),
    Css(String),
    XPath(String),
    LinkText(String),
    PartialLinkText(String),
}

impl Locator {
    pub fn parse(text: &str) -> Result<Locator, String> {
        let text = text.trim();
        if text.starts_with("//") || text.starts_with("(//") {
            return Ok(Locator::XPath(text.to_string()));
        }
        let Some((kind, rest)) = text.split_once('=') else {
            return Err(format!(
                "locator `{text}` has no strategy: write id=, name=, css=, xpath=, linkText= or partialLinkText="
            ));
        };
        if rest.is_empty() {
            return Err(format!("locator `{text}` is empty after `{kind}=`"));
        }
        let rest = rest.to_string();
        match kind {
            "id" => Ok(Locator::Id(rest)),
            "name" => Ok(Locator::Name(rest)),
            "css" => Ok(Locator::Css(rest)),
            "xpath" => Ok(Locator::XPath(rest)),
            "linkText" | "link" => Ok(Locator::LinkText(rest)),
            "partialLinkText" => Ok(Locator::PartialLinkText(rest)),
            other => Err(format!(
                "unsupported locator strategy `{other}=`: use id=, name=, css=, xpath=, linkText= or partialLinkText="
            )),
        }
    }
}

impl fmt::Display for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Locator::Id(s) => write!(f, "id={s}"),
            Locator::Name(s) => write!(f, "name={s}"),
            Locator::Css(s) => write!(f, "css={s}"),
            Locator::XPath(s) => write!(f, "xpath={s}"),
            Locator::LinkText(s) => write!(f, "linkText={s}"),
            Locator::PartialLinkText(s) => write!(f, "partialLinkText={s}"),
        }
    }
}

/// The supported commands. `assert*` and `verify*` share a variant; `Step::verify` tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Open,
    Click,
    ClickAt,
    DoubleClick,
    Type,
    SendKeys,
    Select,
    Check,
    Uncheck,
    Submit,
    MouseOver,
    Pause,
    SetWindowSize,
    SelectFrame,
    Store,
    StoreText,
    StoreValue,
    StoreTitle,
    Echo,
    ExecuteScript,
    RunScript,
    AssertText,
    AssertNotText,
    AssertTitle,
    AssertValue,
    AssertElementPresent,
    AssertElementNotPresent,
    AssertChecked,
    AssertNotChecked,
    AssertSelectedValue,
    AssertEditable,
    WaitForElementPresent,
    WaitForElementNotPresent,
    WaitForElementVisible,
    WaitForElementNotVisible,
    WaitForElementEditable,
    // Control flow: linked into blocks at load (see `flow`), carried out by the runner.
    If,
    ElseIf,
    Else,
    End,
    While,
    Do,
    RepeatIf,
    Times,
    ForEach,
    Break,
    /// Another test of the same project, inlined at load.
    Run,
    /// Accepted and ignored: `setSpeed`, `debugger`.
    NoOp,
    /// `assert`/`verify` on a stored variable.
    AssertVar,
    StoreAttribute,
    StoreXpathCount,
    StoreJson,
    StoreWindowHandle,
    ExecuteAsyncScript,
    MouseDown,
    MouseDownAt,
    MouseUp,
    MouseUpAt,
    MouseMoveAt,
    MouseOut,
    DragAndDropToObject,
    DoubleClickAt,
    EditContent,
    AddSelection,
    RemoveSelection,
    AssertSelectedLabel,
    AssertNotSelectedValue,
    AssertNotEditable,
    WaitForElementNotEditable,
    WaitForText,
    AnswerOnNextPrompt,
    ChooseOkOnNextConfirmation,
    ChooseCancelOnNextConfirmation,
    ChooseCancelOnNextPrompt,
    AssertAlert,
    AssertConfirmation,
    AssertPrompt,
    WebdriverAnswerOnVisiblePrompt,
    WebdriverChooseOkOnVisibleConfirmation,
    WebdriverChooseCancelOnVisibleConfirmation,
    WebdriverChooseCancelOnVisiblePrompt,
    SelectWindow,
    Close,
    // Made by a Gherkin scenario run in a browser, never named in a Selenium IDE file: the
    // feature step they were made from says what to find or judge.
    /// Judges the page against the feature step (`probe/judge`).
    Judge,
    /// Finds and marks the element the feature step acts on (its target: the mark).
    Find,
    Back,
    Forward,
}

/// Selenium IDE names (camelCase) of the commands, without the assert/verify prefix split.
const NAMES: &[(&str, Command)] = &[
    ("open", Command::Open),
    ("click", Command::Click),
    ("clickAt", Command::ClickAt),
    ("doubleClick", Command::DoubleClick),
    ("type", Command::Type),
    ("sendKeys", Command::SendKeys),
    ("select", Command::Select),
    ("check", Command::Check),
    ("uncheck", Command::Uncheck),
    ("submit", Command::Submit),
    ("mouseOver", Command::MouseOver),
    ("pause", Command::Pause),
    ("setWindowSize", Command::SetWindowSize),
    ("selectFrame", Command::SelectFrame),
    ("store", Command::Store),
    ("storeText", Command::StoreText),
    ("storeValue", Command::StoreValue),
    ("storeTitle", Command::StoreTitle),
    ("echo", Command::Echo),
    ("executeScript", Command::ExecuteScript),
    ("runScript", Command::RunScript),
    ("waitForElementPresent", Command::WaitForElementPresent),
    (
        "waitForElementNotPresent",
        Command::WaitForElementNotPresent,
    ),
    ("waitForElementVisible", Command::WaitForElementVisible),
    (
        "waitForElementNotVisible",
        Command::WaitForElementNotVisible,
    ),
    ("waitForElementEditable", Command::WaitForElementEditable),
    ("if", Command::If),
    ("elseIf", Command::ElseIf),
    ("else", Command::Else),
    ("end", Command::End),
    ("while", Command::While),
    ("do", Command::Do),
    ("repeatIf", Command::RepeatIf),
    ("times", Command::Times),
    ("forEach", Command::ForEach),
    ("break", Command::Break),
    ("run", Command::Run),
    ("setSpeed", Command::NoOp),
    ("debugger", Command::NoOp),
    ("storeAttribute", Command::StoreAttribute),
    ("storeXpathCount", Command::StoreXpathCount),
    ("storeElementCount", Command::StoreXpathCount),
    ("storeJson", Command::StoreJson),
    ("storeWindowHandle", Command::StoreWindowHandle),
    ("executeAsyncScript", Command::ExecuteAsyncScript),
    ("mouseDown", Command::MouseDown),
    ("mouseDownAt", Command::MouseDownAt),
    ("mouseUp", Command::MouseUp),
    ("mouseUpAt", Command::MouseUpAt),
    ("mouseMoveAt", Command::MouseMoveAt),
    ("mouseOut", Command::MouseOut),
    ("dragAndDropToObject", Command::DragAndDropToObject),
    ("doubleClickAt", Command::DoubleClickAt),
    ("editContent", Command::EditContent),
    ("addSelection", Command::AddSelection),
    ("removeSelection", Command::RemoveSelection),
    (
        "waitForElementNotEditable",
        Command::WaitForElementNotEditable,
    ),
    ("waitForText", Command::WaitForText),
    ("answerOnNextPrompt", Command::AnswerOnNextPrompt),
    (
        "chooseOkOnNextConfirmation",
        Command::ChooseOkOnNextConfirmation,
    ),
    (
        "chooseCancelOnNextConfirmation",
        Command::ChooseCancelOnNextConfirmation,
    ),
    (
        "chooseCancelOnNextPrompt",
        Command::ChooseCancelOnNextPrompt,
    ),
    ("assertAlert", Command::AssertAlert),
    ("assertConfirmation", Command::AssertConfirmation),
    ("assertPrompt", Command::AssertPrompt),
    (
        "webdriverAnswerOnVisiblePrompt",
        Command::WebdriverAnswerOnVisiblePrompt,
    ),
    (
        "webdriverChooseOkOnVisibleConfirmation",
        Command::WebdriverChooseOkOnVisibleConfirmation,
    ),
    (
        "webdriverChooseCancelOnVisibleConfirmation",
        Command::WebdriverChooseCancelOnVisibleConfirmation,
    ),
    (
        "webdriverChooseCancelOnVisiblePrompt",
        Command::WebdriverChooseCancelOnVisiblePrompt,
    ),
    ("selectWindow", Command::SelectWindow),
    ("close", Command::Close),
    // Selenium IDE 4's names for answering the dialog that is open now.
    (
        "acceptAlert",
        Command::WebdriverChooseOkOnVisibleConfirmation,
    ),
    (
        "acceptConfirmation",
        Command::WebdriverChooseOkOnVisibleConfirmation,
    ),
    (
        "dismissConfirmation",
        Command::WebdriverChooseCancelOnVisibleConfirmation,
    ),
    ("answerPrompt", Command::WebdriverAnswerOnVisiblePrompt),
    (
        "dismissPrompt",
        Command::WebdriverChooseCancelOnVisiblePrompt,
    ),
];

/// Selenium IDE's command reference (<https://www.selenium.dev/selenium-ide/docs/en/api/commands>),
/// for the README's table and the test that every one of them loads.
pub const IDE_REFERENCE: &[&str] = &[
    "addSelection",
    "answerOnNextPrompt",
    "assert",
    "assertAlert",
    "assertChecked",
    "assertConfirmation",
    "assertEditable",
    "assertElementPresent",
    "assertElementNotPresent",
    "assertNotChecked",
    "assertNotEditable",
    "assertNotSelectedValue",
    "assertNotText",
    "assertPrompt",
    "assertSelectedValue",
    "assertSelectedLabel",
    "assertText",
    "assertTitle",
    "assertValue",
    "check",
    "chooseCancelOnNextConfirmation",
    "chooseCancelOnNextPrompt",
    "chooseOkOnNextConfirmation",
    "click",
    "clickAt",
    "close",
    "debugger",
    "do",
    "doubleClick",
    "doubleClickAt",
    "dragAndDropToObject",
    "echo",
    "editContent",
    "else",
    "elseIf",
    "end",
    "executeScript",
    "executeAsyncScript",
    "forEach",
    "if",
    "mouseDown",
    "mouseDownAt",
    "mouseMoveAt",
    "mouseOut",
    "mouseOver",
    "mouseUp",
    "mouseUpAt",
    "open",
    "pause",
    "removeSelection",
    "repeatIf",
    "run",
    "runScript",
    "select",
    "selectFrame",
    "selectWindow",
    "sendKeys",
    "setSpeed",
    "setWindowSize",
    "store",
    "storeAttribute",
    "storeJson",
    "storeText",
    "storeTitle",
    "storeValue",
    "storeWindowHandle",
    "storeXpathCount",
    "submit",
    "times",
    "type",
    "uncheck",
    "verify",
    "verifyChecked",
    "verifyEditable",
    "verifyElementPresent",
    "verifyElementNotPresent",
    "verifyNotChecked",
    "verifyNotEditable",
    "verifyNotSelectedValue",
    "verifyNotText",
    "verifySelectedLabel",
    "verifySelectedValue",
    "verifyText",
    "verifyTitle",
    "verifyValue",
    "waitForElementEditable",
    "waitForElementNotEditable",
    "waitForElementNotPresent",
    "waitForElementNotVisible",
    "waitForElementPresent",
    "waitForElementVisible",
    "waitForText",
    "webdriverAnswerOnVisiblePrompt",
    "webdriverChooseCancelOnVisibleConfirmation",
    "webdriverChooseCancelOnVisiblePrompt",
    "webdriverChooseOkOnVisibleConfirmation",
    "while",
];

/// The assert/verify family, by the part after the prefix.
const CHECKS: &[(&str, Command)] = &[
    ("Text", Command::AssertText),
    ("NotText", Command::AssertNotText),
    ("Title", Command::AssertTitle),
    ("Value", Command::AssertValue),
    ("ElementPresent", Command::AssertElementPresent),
    ("ElementNotPresent", Command::AssertElementNotPresent),
    ("Checked", Command::AssertChecked),
    ("NotChecked", Command::AssertNotChecked),
    ("SelectedValue", Command::AssertSelectedValue),
    ("Editable", Command::AssertEditable),
    ("", Command::AssertVar),
    ("SelectedLabel", Command::AssertSelectedLabel),
    ("NotSelectedValue", Command::AssertNotSelectedValue),
    ("NotEditable", Command::AssertNotEditable),
];

impl Command {
    /// Parses a Selenium IDE command name; returns the command and whether it is a `verify*`.
    pub fn from_side(name: &str) -> Option<(Command, bool)> {
        if let Some(&(_, c)) = NAMES.iter().find(|(n, _)| *n == name) {
            return Some((c, false));
        }
        // Older projects save some names in lower case (`elseif`, `foreach`, `repeatif`).
        if let Some(&(_, c)) = NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            if matches!(c, Command::ElseIf | Command::ForEach | Command::RepeatIf) {
                return Some((c, false));
            }
        }
        for (prefix, verify) in [("assert", false), ("verify", true)] {
            if let Some(rest) = name.strip_prefix(prefix) {
                if let Some(&(_, c)) = CHECKS.iter().find(|(n, _)| *n == rest) {
                    return Some((c, verify));
                }
            }
        }
        None
    }

    /// Whether the target is a locator that must parse at load time.
    pub fn takes_locator(self) -> bool {
        !self.is_flow()
            && !matches!(
                self,
                Command::NoOp
                    | Command::AssertVar
                    | Command::StoreAttribute
                    | Command::StoreJson
                    | Command::StoreWindowHandle
                    | Command::ExecuteAsyncScript
                    | Command::AnswerOnNextPrompt
                    | Command::ChooseOkOnNextConfirmation
                    | Command::ChooseCancelOnNextConfirmation
                    | Command::ChooseCancelOnNextPrompt
                    | Command::AssertAlert
                    | Command::AssertConfirmation
                    | Command::AssertPrompt
                    | Command::WebdriverAnswerOnVisiblePrompt
                    | Command::WebdriverChooseOkOnVisibleConfirmation
                    | Command::WebdriverChooseCancelOnVisibleConfirmation
                    | Command::WebdriverChooseCancelOnVisiblePrompt
                    | Command::SelectWindow
                    | Command::Close
                    | Command::Judge
                    | Command::Find
                    | Command::Back
                    | Command::Forward
            )
            && !matches!(
                self,
                Command::Open
                    | Command::Pause
                    | Command::SetWindowSize
                    | Command::SelectFrame
                    | Command::Store
                    | Command::StoreTitle
                    | Command::Echo
                    | Command::ExecuteScript
                    | Command::RunScript
                    | Command::AssertTitle
            )
    }

    /// A control-flow command: it moves the runner rather than the browser.
    pub fn is_flow(self) -> bool {
        matches!(
            self,
            Command::If
                | Command::ElseIf
                | Command::Else
                | Command::End
                | Command::While
                | Command::Do
                | Command::RepeatIf
                | Command::Times
                | Command::ForEach
                | Command::Break
                | Command::Run
        )
    }

    /// Commands that act on the page, after which a dialog it opened is answered.
    pub fn may_open_dialog(self) -> bool {
        !self.is_flow()
            && !matches!(
                self,
                Command::NoOp
                    | Command::Store
                    | Command::Echo
                    | Command::AssertVar
                    | Command::Judge
                    | Command::Find
                    | Command::StoreJson
                    | Command::AnswerOnNextPrompt
                    | Command::ChooseOkOnNextConfirmation
                    | Command::ChooseCancelOnNextConfirmation
                    | Command::ChooseCancelOnNextPrompt
                    | Command::AssertAlert
                    | Command::AssertConfirmation
                    | Command::AssertPrompt
                    | Command::WebdriverAnswerOnVisiblePrompt
                    | Command::WebdriverChooseOkOnVisibleConfirmation
                    | Command::WebdriverChooseCancelOnVisibleConfirmation
                    | Command::WebdriverChooseCancelOnVisiblePrompt
            )
    }

    /// The `webdriver*Visible*` family: acts on a dialog that is open now.
    pub fn on_visible_dialog(self) -> bool {
        matches!(
            self,
            Command::WebdriverAnswerOnVisiblePrompt
                | Command::WebdriverChooseOkOnVisibleConfirmation
                | Command::WebdriverChooseCancelOnVisibleConfirmation
                | Command::WebdriverChooseCancelOnVisiblePrompt
        )
    }
}

/// A command that opens a window (`opensWindow` in a .side file): the new window's handle is
/// stored under `var` once it appears, waiting up to `timeout`.
#[derive(Clone, Debug, PartialEq)]
pub struct OpensWindow {
    pub var: String,
    pub timeout: std::time::Duration,
}

/// One validated step of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub command: Command,
    /// A verify*: a failure marks the check failed but the scenario goes on.
    pub verify: bool,
    /// The command as written, for evidence (`assertText`).
    pub name: String,
    pub target: String,
    pub value: String,
    /// Parsed from `target` when the command takes a locator.
    pub locator: Option<Locator>,
    pub opens_window: Option<OpensWindow>,
}

impl Step {
    /// A step of a Gherkin scenario in a browser that no Selenium IDE file can name.
    pub fn internal(command: Command, name: &str, target: &str) -> Step {
        Step {
            command,
            verify: false,
            name: name.to_string(),
            target: target.to_string(),
            value: String::new(),
            locator: None,
            opens_window: None,
        }
    }

    /// Validates a (command, target, value) triple. The error names what is unsupported.
    pub fn new(name: &str, target: &str, value: &str) -> Result<Step, String> {
        let (command, verify) =
            Command::from_side(name).ok_or_else(|| format!("unsupported command `{name}`"))?;
        let locator = if command.takes_locator() {
            Some(Locator::parse(target).map_err(|e| format!("`{name}`: {e}"))?)
        } else {
            None
        };
        match command {
            Command::StoreAttribute => {
                let (loc, attr) = target
                    .rsplit_once('@')
                    .ok_or_else(|| format!("`{name}` needs `locator@attribute`, got `{target}`"))?;
                if attr.is_empty() {
                    return Err(format!("`{name}`: no attribute after `@` in `{target}`"));
                }
                Locator::parse(loc).map_err(|e| format!("`{name}`: {e}"))?;
            }
            Command::DragAndDropToObject => {
                Locator::parse(value).map_err(|e| format!("`{name}` (drop target): {e}"))?;
            }
            Command::StoreJson => {
                serde_json::from_str::<serde_json::Value>(target)
                    .map_err(|e| format!("`{name}`: not JSON: {e}"))?;
            }
            Command::MouseDownAt
            | Command::MouseUpAt
            | Command::MouseMoveAt
            | Command::DoubleClickAt
                if !value.is_empty() && !value.contains("${") =>
            {
                coordinates(value).ok_or_else(|| {
                    format!("`{name}` needs coordinates like `10,20`, got `{value}`")
                })?;
            }
            _ => {}
        }
        if command == Command::Pause
            && value.trim().parse::<u64>().is_err()
            && target.trim().parse::<u64>().is_err()
        {
            return Err(format!(
                "`pause` needs milliseconds, got `{target}` / `{value}`"
            ));
        }
        Ok(Step {
            command,
            verify,
            name: name.to_string(),
            target: target.to_string(),
            value: value.to_string(),
            locator,
            opens_window: None,
        })
    }
}

/// `x,y` pixel coordinates, as `clickAt` and friends take them; the IDE records fractions
/// (`125.5,71.1015625`), which are rounded to the pixel.
pub fn coordinates(text: &str) -> Option<(i64, i64)> {
    let (x, y) = text.split_once(',')?;
    let pixel = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && v.abs() < 1e9)
            .map(|v| v.round() as i64)
    };
    Some((pixel(x)?, pixel(y)?))
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        if !self.target.is_empty() {
            write!(f, " | {}", self.target)?;
        }
        if !self.value.is_empty() {
            write!(f, " | {}", self.value)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_as_the_ide_records_them() {
        assert_eq!(coordinates("10,20"), Some((10, 20)));
        assert_eq!(coordinates("125.5,71.1015625"), Some((126, 71)));
        assert_eq!(coordinates(" -3 , 4 "), Some((-3, 4)));
        for bad in ["", "10", "a,b", "1,NaN", "1e99,2"] {
            assert_eq!(coordinates(bad), None, "{bad}");
        }
    }

    #[test]
    fn commands_and_the_verify_family() {
        assert_eq!(Command::from_side("open"), Some((Command::Open, false)));
        assert_eq!(
            Command::from_side("verifyText"),
            Some((Command::AssertText, true))
        );
        assert_eq!(
            Command::from_side("assertNotChecked"),
            Some((Command::AssertNotChecked, false))
        );
        assert_eq!(
            Command::from_side("verify"),
            Some((Command::AssertVar, true))
        );
        assert_eq!(Command::from_side("elseif"), Some((Command::ElseIf, false)));
        assert_eq!(Command::from_side("storeEval"), None);
        assert_eq!(Command::from_side("assertWhatever"), None);
    }

    #[test]
    fn every_command_of_the_ide_reference_loads() {
        let missing: Vec<&str> = IDE_REFERENCE
            .iter()
            .copied()
            .filter(|n| Command::from_side(n).is_none())
            .collect();
        assert_eq!(missing, Vec::<&str>::new());
        assert_eq!(IDE_REFERENCE.len(), 97);
    }

    #[test]
    fn locators() {
        assert_eq!(Locator::parse("id=user"), Ok(Locator::Id("user".into())));
        assert_eq!(
            Locator::parse("css=h1.title"),
            Ok(Locator::Css("h1.title".into()))
        );
        assert_eq!(
            Locator::parse("//div[@id='x']"),
            Ok(Locator::XPath("//div[@id='x']".into()))
        );
        assert_eq!(
            Locator::parse("linkText=Log in"),
            Ok(Locator::LinkText("Log in".into()))
        );
        assert!(Locator::parse("dom=document.forms[0]").is_err());
        assert!(Locator::parse("user").is_err());
    }

    #[test]
    fn steps_validate_at_load() {
        let step = Step::new("click", "css=button[type=submit]", "").expect("valid");
        assert_eq!(
            step.locator,
            Some(Locator::Css("button[type=submit]".into()))
        );
        assert_eq!(
            Step::new("click", "dom=x", "").unwrap_err(),
            "`click`: unsupported locator strategy `dom=`: use id=, name=, css=, xpath=, linkText= or partialLinkText="
        );
        assert_eq!(
            Step::new("storeEval", "1+1", "x").unwrap_err(),
            "unsupported command `storeEval`"
        );
        assert!(Step::new("open", "/login", "").is_ok());
        assert!(Step::new("pause", "", "500").is_ok());
        assert!(Step::new("pause", "", "soon").is_err());
    }
}
