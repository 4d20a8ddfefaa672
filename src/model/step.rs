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
];

impl Command {
    /// Parses a Selenium IDE command name; returns the command and whether it is a `verify*`.
    pub fn from_side(name: &str) -> Option<(Command, bool)> {
        if let Some(&(_, c)) = NAMES.iter().find(|(n, _)| *n == name) {
            return Some((c, false));
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
        !matches!(
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
}

impl Step {
    /// Validates a (command, target, value) triple. The error names what is unsupported.
    pub fn new(name: &str, target: &str, value: &str) -> Result<Step, String> {
        let (command, verify) =
            Command::from_side(name).ok_or_else(|| format!("unsupported command `{name}`"))?;
        let locator = if command.takes_locator() {
            Some(Locator::parse(target).map_err(|e| format!("`{name}`: {e}"))?)
        } else {
            None
        };
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
        })
    }
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
        assert_eq!(Command::from_side("dragAndDropToObject"), None);
        assert_eq!(Command::from_side("assertWhatever"), None);
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
