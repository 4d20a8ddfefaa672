//! What a suite file's values are made from: its `[vars]` and `[secrets]` (names, values as
//! written, those in error), the environment and which of its variables were read, and the
//! secrets found on the way. Expands a suite string with every problem at its place. Must not
//! build checks.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use toml::Spanned;

use super::text::FileText;
use super::{Diagnostic, EnvUse};
use crate::source::vars::{self, Vars};

pub(super) struct Values<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// `[vars]` entries that could not be set: a use of one says so, not that it is unknown.
    pub broken_vars: BTreeSet<String>,
    /// The names this file's `[vars]` and `[secrets]` define.
    pub var_names: BTreeSet<String>,
    /// Each var's and secret's value as written, and its span: where an unset environment
    /// variable it uses is pointed at.
    pub var_sources: HashMap<String, (Range<usize>, String)>,
    /// What the values being expanded are made from: a check's, or `[browser]`'s. Outside of
    /// one (`None`), an unset environment variable is an error at once.
    pub scope: Option<EnvUse>,
    /// Environment variables read outside of a scope.
    pub always_env: BTreeSet<String>,
    /// Every secret this file's loading read: `[secrets]`, http passwords, `$USERn$`, values
    /// feature steps read from the environment.
    pub found_secrets: Vec<String>,
}

impl<'a> Values<'a> {
    pub fn new(env: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Values {
            env,
            broken_vars: BTreeSet::new(),
            var_names: BTreeSet::new(),
            var_sources: HashMap::new(),
            scope: None,
            always_env: BTreeSet::new(),
            found_secrets: Vec::new(),
        }
    }

    /// The value of a suite string, when it has one. An unset environment variable it needs
    /// goes to the scope being loaded (a check, `[browser]`), and is an error at once outside
    /// of one; either way the value is unknown.
    pub fn expand(
        &mut self,
        text: &mut FileText<'_>,
        value: &Spanned<String>,
        vars: &Vars,
    ) -> Option<String> {
        let expanded = self.expand_text(text, value, vars)?;
        let unset: Vec<Diagnostic> = expanded
            .unset
            .iter()
            .map(|u| self.unset_error(text, value, u))
            .collect();
        let env_use = EnvUse {
            env: expanded.env,
            unset,
        };
        let established = env_use.unset.is_empty();
        match &mut self.scope {
            Some(scope) => scope.add(env_use),
            None => {
                self.always_env.extend(env_use.env);
                text.diags.extend(env_use.unset);
            }
        }
        established.then_some(expanded.text)
    }

    /// Where an unset environment variable is written: in `value`, or in a var's definition.
    fn unset_error(
        &self,
        text: &FileText<'_>,
        value: &Spanned<String>,
        unset: &vars::Unset,
    ) -> Diagnostic {
        let (span, written) = unset
            .var
            .as_ref()
            .and_then(|var| self.var_sources.get(var).cloned())
            .unwrap_or_else(|| (value.span(), value.get_ref().clone()));
        let span = text.inner_span(span, &written, unset.offset, unset.len);
        Diagnostic::new(
            text.file,
            text.source,
            span,
            vars::unset_message(&unset.name),
        )
    }

    /// A suite string expanded, its errors reported; unset environment variables are the
    /// caller's to judge.
    pub fn expand_text(
        &mut self,
        text: &mut FileText<'_>,
        value: &Spanned<String>,
        vars: &Vars,
    ) -> Option<vars::Expanded> {
        match vars::expand(value.get_ref(), vars, self.env) {
            Ok(expanded) => Some(expanded),
            Err(mut e) => {
                if let Some(name) = e.unknown.as_ref().filter(|n| self.broken_vars.contains(*n)) {
                    e.message = format!("variable `{name}` could not be set (see its error)");
                }
                let span = text.inner_span(value.span(), value.get_ref(), e.offset, e.len);
                text.error(span, e.message);
                None
            }
        }
    }
}
