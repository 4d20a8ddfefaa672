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

    /// The checks selected, with the checks they need (and those need, and so on) brought in:
    /// a check runs only after what it needs ended OK or WARNING, so those must run too. In
    /// suite order; the second list names the checks brought in.
    pub fn apply(&self, checks: &[Arc<Check>]) -> (Vec<Arc<Check>>, Vec<String>) {
        let mut chosen: Vec<bool> = checks.iter().map(|c| self.matches(c)).collect();
        let index: std::collections::HashMap<&str, usize> = checks
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.as_str(), i))
            .collect();
        let mut pulled = vec![false; checks.len()];
        let mut todo: Vec<usize> = (0..checks.len()).filter(|&i| chosen[i]).collect();
        while let Some(i) = todo.pop() {
            for need in &checks[i].needs {
                if let Some(&n) = index.get(need.as_str()) {
                    if !chosen[n] {
                        chosen[n] = true;
                        pulled[n] = true;
                        todo.push(n);
                    }
                }
            }
        }
        let selected = (0..checks.len())
            .filter(|&i| chosen[i])
            .map(|i| Arc::clone(&checks[i]))
            .collect();
        let pulled = (0..checks.len())
            .filter(|&i| pulled[i])
            .map(|i| checks[i].name.clone())
            .collect();
        (selected, pulled)
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
            .0
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
    fn what_a_selected_check_needs_is_brought_in_transitively() {
        let mut web = (*tagged("web", &["smoke"])).clone();
        web.needs = vec!["app".to_string()];
        let mut app = (*tagged("app", &[])).clone();
        app.needs = vec!["db".to_string()];
        let checks = [
            tagged("db", &[]),
            Arc::new(app),
            tagged("cron", &[]),
            Arc::new(web),
        ];
        let smoke = Selection::new(&strings(&["smoke"]), &[], &[]).expect("selection");
        let (selected, pulled) = smoke.apply(&checks);
        let selected: Vec<&str> = selected.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(selected, ["db", "app", "web"], "suite order");
        assert_eq!(pulled, ["db", "app"]);
    }

    #[test]
    fn a_bad_name_pattern_says_which() {
        let err = Selection::new(&[], &[], &strings(&["web[", "db"])).expect_err("bad glob");
        assert!(err.starts_with("invalid --name pattern `web[`: "), "{err}");
    }
}
