//! `needs = ["database answers"]`: which checks a check waits for, resolved once every suite
//! file is loaded. A name is a check of the suite; a fanned-out check (`app @ web1`) that needs
//! another fanned-out one on the same hosts waits for the instance on its own host; one that
//! needs a check fanned out over other hosts (the web hosts need the database hosts), or a
//! check that is not fanned out, waits for every instance. Unknown names, a host without an instance, and cycles
//! are errors at the `needs` element. Owns this resolution only; the runner does the waiting.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use super::diag::Diagnostic;
use super::suite::Entry;

/// The `needs` of one check instance, as written, with where each name is.
pub struct Written {
    /// The instance's name (`app @ web1` for a fanned-out check).
    pub check: String,
    /// The check's name as written (`app`).
    pub base: String,
    /// The host of a fanned-out instance.
    pub host: Option<String>,
    pub names: Vec<(String, Range<usize>)>,
    pub file: PathBuf,
    pub source: Arc<str>,
}

/// Sets `Check::needs` of every check of the suite's entries from what was written, or reports why it cannot be.
/// `failed` names checks that had errors of their own: needing one is not reported again.
pub fn resolve(
    checks: &mut [Entry],
    written: Vec<Written>,
    failed: &dyn Fn(&str) -> bool,
    diags: &mut Vec<Diagnostic>,
) {
    let index: HashMap<&str, usize> = checks
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    // Instances of fanned-out checks by the name as written: "app" -> [("web1", "app @ web1")].
    let mut instances: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for c in checks.iter() {
        if let Some(instance) = &c.instance {
            instances
                .entry(instance.base.as_str())
                .or_default()
                .push((instance.host.as_str(), &c.name));
        }
    }
    let mut resolved: Vec<(usize, Vec<String>)> = Vec::new();
    // Where each resolved edge was written, to point a cycle at it.
    let mut spans: HashMap<(usize, usize), (usize, Range<usize>)> = HashMap::new();
    for (w, written) in written.iter().enumerate() {
        let Some(&from) = index.get(written.check.as_str()) else {
            continue;
        };
        let mut needs = Vec::new();
        for (name, span) in &written.names {
            let error = |message: String| {
                Diagnostic::new(&written.file, &written.source, span.clone(), message)
            };
            let base = written.base.as_str();
            if name == &written.check || name == base {
                diags.push(error(format!("check `{base}` needs itself")));
                continue;
            }
            let targets: Vec<&str> = if index.contains_key(name.as_str()) {
                vec![name.as_str()]
            } else if let Some(all) = instances.get(name.as_str()) {
                let own_hosts = instances.get(base).map(Vec::as_slice).unwrap_or_default();
                let shares_hosts = all
                    .iter()
                    .any(|(h, _)| own_hosts.iter().any(|(o, _)| o == h));
                match written.host.as_ref().filter(|_| shares_hosts) {
                    Some(host) => match all.iter().find(|(h, _)| h == host) {
                        Some((_, instance)) => vec![*instance],
                        None => {
                            diags.push(error(format!(
                                "check `{name}` has no instance on `{host}`, which `{}` runs on",
                                written.check
                            )));
                            continue;
                        }
                    },
                    None => all.iter().map(|(_, instance)| *instance).collect(),
                }
            } else {
                if !failed(name) {
                    diags.push(error(format!(
                        "`needs`: no check named `{name}` in the suite"
                    )));
                }
                continue;
            };
            for target in targets {
                if !needs.iter().any(|n| n == target) {
                    needs.push(target.to_string());
                    spans.insert((from, index[target]), (w, span.clone()));
                }
            }
        }
        resolved.push((from, needs));
    }
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); checks.len()];
    for (from, needs) in &resolved {
        edges[*from] = needs.iter().map(|n| index[n.as_str()]).collect();
    }
    if let Some(cycle) = find_cycle(&edges) {
        let names: Vec<&str> = cycle.iter().map(|&i| checks[i].name.as_str()).collect();
        let (w, span) = &spans[&(cycle[0], cycle[1])];
        let written = &written[*w];
        diags.push(Diagnostic::new(
            &written.file,
            &written.source,
            span.clone(),
            format!("`needs` form a cycle: {}", names.join(" -> ")),
        ));
        return;
    }
    for (from, needs) in resolved {
        // A check whose values could not be established has no check to set; it never runs.
        if let Some(check) = &mut checks[from].check {
            Arc::make_mut(check).needs = needs;
        }
    }
}

/// A cycle as the nodes along it, first node repeated at the end; the first one found from the
/// lowest index.
fn find_cycle(edges: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::New; edges.len()];
    for root in 0..edges.len() {
        if marks[root] != Mark::New {
            continue;
        }
        // Depth-first without recursion: (node, next edge to follow).
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        marks[root] = Mark::OnPath;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            match edges[node].get(*next) {
                Some(&to) => {
                    *next += 1;
                    match marks[to] {
                        Mark::New => {
                            marks[to] = Mark::OnPath;
                            path.push((to, 0));
                        }
                        Mark::OnPath => {
                            let start = path.iter().position(|&(n, _)| n == to).unwrap_or(0);
                            let mut cycle: Vec<usize> =
                                path[start..].iter().map(|&(n, _)| n).collect();
                            cycle.push(to);
                            return Some(cycle);
                        }
                        Mark::Done => {}
                    }
                }
                None => {
                    marks[node] = Mark::Done;
                    path.pop();
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found_with_their_path() {
        assert_eq!(find_cycle(&[vec![1], vec![2], vec![]]), None);
        assert_eq!(
            find_cycle(&[vec![1, 2], vec![3], vec![3], vec![]]),
            None,
            "a diamond"
        );
        assert_eq!(
            find_cycle(&[vec![1], vec![2], vec![1]]),
            Some(vec![1, 2, 1])
        );
        assert_eq!(
            find_cycle(&[vec![], vec![0, 2], vec![1]]),
            Some(vec![1, 2, 1])
        );
    }
}
