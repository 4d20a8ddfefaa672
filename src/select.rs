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
        self.admits(&check.name, &check.tags)
    }

    /// Whether a check of this name and these tags is selected.
    pub fn admits(&self, name: &str, tags: &[String]) -> bool {
        let has = |t: &String| tags.contains(t);
        (self.tags.is_empty() || self.tags.iter().any(has))
            && !self.skip_tags.iter().any(has)
            && self.names.as_ref().is_none_or(|set| set.is_match(name))
    }

    pub fn apply(&self, checks: &[Arc<Check>]) -> Vec<Arc<Check>> {
        checks.iter().filter(|c| self.matches(c)).cloned().collect()
    }

    pub fn is_everything(&self) -> bool {
        self.tags.is_empty() && self.skip_tags.is_empty() && self.names.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::check;

    fn tagged(name: &str, tags: &[&str]) -> Arc<Check> {
        let mut c = check(name);
        c.tags = tags.iter().map(ToString::to_string).collect();
        Arc::new(c)
    }

    fn names(selection: &Selection, checks: &[Arc<Check>]) -> Vec<String> {
        selection
            .apply(checks)
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn tags_are_any_of_skip_tags_none_of_names_any_glob_in_suite_order() {
        let checks = [
            tagged("web home", &["smoke", "web"]),
            tagged("web admin", &["web", "slow"]),
            tagged("db", &["smoke"]),
            tagged("cron", &[]),
        ];
        let all = Selection::default();
        assert!(all.is_everything());
        assert_eq!(names(&all, &checks).len(), 4);
        let smoke = Selection::new(&strings(&["smoke", "web"]), &strings(&["slow"]), &[])
            .expect("selection");
        assert_eq!(names(&smoke, &checks), ["web home", "db"]);
        let by_name = Selection::new(&[], &[], &strings(&["web *", "cr?n"])).expect("selection");
        assert!(!by_name.is_everything());
        assert_eq!(names(&by_name, &checks), ["web home", "web admin", "cron"]);
        let both = Selection::new(&strings(&["smoke"]), &[], &strings(&["d*"])).expect("selection");
        assert_eq!(
            names(&both, &checks),
            ["db"],
            "tags and names must both match"
        );
    }

    #[test]
    fn a_bad_name_pattern_says_which() {
        let err = Selection::new(&[], &[], &strings(&["web[", "db"])).expect_err("bad glob");
        assert!(err.starts_with("invalid --name pattern `web[`: "), "{err}");
    }
}
