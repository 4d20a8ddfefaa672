//! Selection: the curated subset of a suite to run, by tag, skipped tag and name glob.
//! Owns matching only; must not load, run or report.

use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::model::Check;

/// `--tag` (any of), `--skip-tag` (none of), `--name` globs (any of).
#[derive(Debug, Default)]
pub struct Selection {
    tags: Vec<String>,
    skip_tags: Vec<String>,
    names: Option<GlobSet>,
}

impl Selection {
    pub fn new(
        tags: &[String],
        skip_tags: &[String],
        names: &[String],
    ) -> Result<Selection, String> {
        let names = if names.is_empty() {
            None
        } else {
            let mut builder = GlobSetBuilder::new();
            for pattern in names {
                let glob = Glob::new(pattern)
                    .map_err(|e| format!("invalid --name pattern `{pattern}`: {e}"))?;
                builder.add(glob);
            }
            Some(
                builder
                    .build()
                    .map_err(|e| format!("invalid --name patterns: {e}"))?,
            )
        };
        Ok(Selection {
            tags: tags.to_vec(),
            skip_tags: skip_tags.to_vec(),
            names,
        })
    }

    pub fn matches(&self, check: &Check) -> bool {
        let has = |t: &String| check.tags.contains(t);
        (self.tags.is_empty() || self.tags.iter().any(has))
            && !self.skip_tags.iter().any(has)
            && self
                .names
                .as_ref()
                .is_none_or(|set| set.is_match(&check.name))
    }

    pub fn apply(&self, checks: &[Arc<Check>]) -> Vec<Arc<Check>> {
        checks.iter().filter(|c| self.matches(c)).cloned().collect()
    }

    pub fn is_everything(&self) -> bool {
        self.tags.is_empty() && self.skip_tags.is_empty() && self.names.is_none()
    }
}
