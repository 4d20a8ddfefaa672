//! The suite file as written: serde types with spans, before variables, defaults and plugin
//! lookup are applied. Owns the accepted keys; must not resolve or validate meaning.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub timeout: Option<Spanned<String>>,
    pub retries: Option<Spanned<u32>>,
    pub retry_delay: Option<Spanned<String>>,
    pub tags: Option<Vec<Spanned<String>>>,
    pub plugin_dirs: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    pub name: Spanned<String>,
    pub tags: Option<Vec<Spanned<String>>>,
    pub timeout: Option<Spanned<String>>,
    pub retries: Option<Spanned<u32>>,
    pub retry_delay: Option<Spanned<String>>,
    pub optional: Option<bool>,
    pub nagios: Option<Spanned<RawNagios>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNagios {
    pub plugin: Option<Spanned<String>>,
    pub args: Option<Vec<Spanned<String>>>,
    pub command: Option<Spanned<String>>,
}
