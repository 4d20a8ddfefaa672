//! Interpolation in suite strings: `${ENV}`, `${ENV:-fallback}` from the environment and `{{var}}`
//! from `[vars]`; `$$` is a literal `$`. Owns the grammar; must not know about checks or files.

use std::collections::BTreeMap;

/// A problem at a byte offset of the interpolated text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    /// For an unknown `{{var}}`: its name.
    pub unknown: Option<String>,
}

/// Expands one string. `lookup_env` reads the environment (injected for tests).
pub fn expand(
    text: &str,
    vars: &BTreeMap<String, String>,
    lookup_env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, VarError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut pos = 0;
    while let Some(i) = rest.find(['$', '{']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let at = pos + i;
        let consumed = if let Some(after) = tail.strip_prefix("$$") {
            let _ = after;
            out.push('$');
            2
        } else if let Some(body) = tail.strip_prefix("${") {
            let end = closing_brace(body).ok_or_else(|| VarError {
                offset: at,
                len: 2,
                message:
                    "unclosed `${`: write `${NAME}` or `${NAME:-fallback}` (`$$` for a literal `$`)"
                        .to_string(),
                unknown: None,
            })?;
            let inner = &body[..end];
            let (name, fallback) = match inner.split_once(":-") {
                Some((name, fallback)) => (name, Some(fallback)),
                None => (inner, None),
            };
            let len = end + 3;
            if !is_env_name(name) {
                return Err(VarError {
                    offset: at,
                    len,
                    message: format!("`{name}` is not an environment variable name"),
                    unknown: None,
                });
            }
            // A fallback is itself expanded: `${A:-${B:-default}}`, `${PORT:-{{port}}}`.
            let fallback_at = at + 2 + name.len() + 2;
            let expand_fallback = |fb: &str| {
                expand(fb, vars, lookup_env).map_err(|mut e| {
                    e.offset += fallback_at;
                    e
                })
            };
            match (lookup_env(name), fallback) {
                (Some(v), Some(fb)) if v.is_empty() => out.push_str(&expand_fallback(fb)?),
                (Some(v), _) => out.push_str(&v),
                (None, Some(fb)) => out.push_str(&expand_fallback(fb)?),
                (None, None) => {
                    return Err(VarError {
                        offset: at,
                        len,
                        message: format!(
                            "environment variable `{name}` is not set (write `${{{name}:-fallback}}` for a default)"
                        ),
                        unknown: None,
                    })
                }
            }
            len
        } else if let Some(body) = tail.strip_prefix("{{") {
            let end = body.find("}}").ok_or_else(|| VarError {
                offset: at,
                len: 2,
                message: "unclosed `{{`: write `{{name}}`".to_string(),
                unknown: None,
            })?;
            let name = body[..end].trim();
            let len = end + 4;
            match vars.get(name) {
                Some(v) => out.push_str(v),
                None => {
                    let known: Vec<&str> = vars.keys().map(String::as_str).collect();
                    return Err(VarError {
                        offset: at,
                        len,
                        message: if known.is_empty() {
                            format!("unknown variable `{name}`: this file has no [vars]")
                        } else {
                            format!("unknown variable `{name}` (defined: {})", known.join(", "))
                        },
                        unknown: Some(name.to_string()),
                    });
                }
            }
            len
        } else {
            out.push_str(&tail[..1]);
            1
        };
        rest = &tail[consumed..];
        pos = at + consumed;
    }
    out.push_str(rest);
    Ok(out)
}

/// The index in `body` (the text after `${`) of the `}` that closes it, past any `${...}` and
/// `{{...}}` nested in a fallback.
fn closing_brace(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"$$") {
            i += 2;
        } else if bytes[i..].starts_with(b"${") {
            depth += 1;
            i += 2;
        } else if bytes[i..].starts_with(b"{{") {
            i += body[i..].find("}}")? + 2;
        } else if bytes[i] == b'}' {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
            i += 1;
        } else {
            i += 1;
        }
    }
    None
}

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Resolves `[vars]` in order of definition: a var may use the environment and vars defined
/// before it. A var in `overrides` (`--var NAME=VALUE`) takes that value as it is, unexpanded,
/// in place of its definition. Returns the map and, per failing var, its index and error. Vars
/// that refer to each other in a cycle are one error, at the first of them, naming the cycle.
pub fn resolve(
    raw: &[(String, String)],
    overrides: &BTreeMap<String, String>,
    lookup_env: &dyn Fn(&str) -> Option<String>,
) -> (BTreeMap<String, String>, Vec<(usize, VarError)>) {
    // An overridden definition is never read, so its references take part in no cycle.
    let raw: Vec<(String, String)> = raw
        .iter()
        .map(|(name, value)| {
            let read = !overrides.contains_key(name);
            (
                name.clone(),
                if read { value.clone() } else { String::new() },
            )
        })
        .collect();
    let raw = raw.as_slice();
    let mut vars = BTreeMap::new();
    let mut errors = Vec::new();
    // Vars of a cycle already reported: their references to each other add nothing.
    let mut in_cycle = std::collections::BTreeSet::new();
    for (i, (name, value)) in raw.iter().enumerate() {
        if let Some(value) = overrides.get(name) {
            vars.insert(name.clone(), value.clone());
            continue;
        }
        match expand(value, &vars, lookup_env) {
            Ok(v) => {
                vars.insert(name.clone(), v);
            }
            Err(mut e) => {
                // Say what is really wrong with a reference to a var that does exist.
                let other = e
                    .unknown
                    .as_deref()
                    .and_then(|other| raw.iter().position(|(n, _)| n == other));
                match other {
                    Some(j) if in_cycle.contains(&i) && in_cycle.contains(&j) => continue,
                    Some(j) if j == i => {
                        e.message = format!("variable `{name}` refers to itself");
                    }
                    Some(j) if j > i => match path_back(raw, j, i) {
                        Some(path) => {
                            let names: Vec<&str> = std::iter::once(i)
                                .chain(path.iter().copied())
                                .map(|k| raw[k].0.as_str())
                                .collect();
                            e.message = format!(
                                "variables refer to each other in a cycle: {}",
                                names.join(" -> ")
                            );
                            in_cycle.extend(path);
                        }
                        None => {
                            e.message = format!(
                                "variable `{}` is defined after `{name}`: a var may use only the vars defined before it",
                                raw[j].0
                            );
                        }
                    },
                    Some(j) => {
                        e.message =
                            format!("variable `{}` could not be set (see its error)", raw[j].0);
                    }
                    None => {}
                }
                errors.push((i, e));
            }
        }
    }
    (vars, errors)
}

/// The `{{name}}`s written in a var's text, those in fallbacks too.
fn references(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    out
}

/// The vars from `from` to `to` (both included) along `{{...}}` references, when `to` can be
/// reached from `from`: the rest of a cycle that starts at `to`.
fn path_back(raw: &[(String, String)], from: usize, to: usize) -> Option<Vec<usize>> {
    let mut seen = vec![false; raw.len()];
    let mut path = vec![from];
    seen[from] = true;
    fn walk(raw: &[(String, String)], to: usize, path: &mut Vec<usize>, seen: &mut [bool]) -> bool {
        let Some(&here) = path.last() else {
            return false;
        };
        if here == to {
            return true;
        }
        for name in references(&raw[here].1) {
            let Some(next) = raw.iter().position(|(n, _)| n == name) else {
                continue;
            };
            if next == to || !seen[next] {
                seen[next] = true;
                path.push(next);
                if walk(raw, to, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    walk(raw, to, &mut path, &mut seen).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "HOST" => Some("web1".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    fn vars() -> BTreeMap<String, String> {
        BTreeMap::from([("base".to_string(), "http://x".to_string())])
    }

    #[test]
    fn expands_env_fallbacks_and_vars() {
        let v = vars();
        assert_eq!(expand("${HOST}", &v, &env).as_deref(), Ok("web1"));
        assert_eq!(expand("${NOPE:-a b}", &v, &env).as_deref(), Ok("a b"));
        assert_eq!(expand("${EMPTY:-d}", &v, &env).as_deref(), Ok("d"));
        assert_eq!(expand("${EMPTY}", &v, &env).as_deref(), Ok(""));
        assert_eq!(expand("{{base}}/x", &v, &env).as_deref(), Ok("http://x/x"));
        assert_eq!(expand("{{ base }}", &v, &env).as_deref(), Ok("http://x"));
        assert_eq!(
            expand("cost $5 $$ {x} ok$", &v, &env).as_deref(),
            Ok("cost $5 $ {x} ok$")
        );
    }

    #[test]
    fn errors_point_at_the_reference() {
        let v = vars();
        let e = expand("a ${NOPE} b", &v, &env).unwrap_err();
        assert_eq!((e.offset, e.len), (2, 7));
        assert!(e.message.contains("`NOPE` is not set"), "{}", e.message);
        let e = expand("x {{nope}}", &v, &env).unwrap_err();
        assert_eq!((e.offset, e.len), (2, 8));
        assert_eq!(e.message, "unknown variable `nope` (defined: base)");
        let e = expand("${HOST", &v, &env).unwrap_err();
        assert_eq!(e.offset, 0);
        assert!(expand("${1X}", &v, &env).is_err());
    }

    #[test]
    fn fallbacks_nest() {
        let v = vars();
        assert_eq!(
            expand("${NOPE:-${NADA:-def}}", &v, &env).as_deref(),
            Ok("def")
        );
        assert_eq!(
            expand("${NOPE:-${HOST:-x}}/y", &v, &env).as_deref(),
            Ok("web1/y")
        );
        assert_eq!(
            expand("${NOPE:-{{base}}}", &v, &env).as_deref(),
            Ok("http://x")
        );
        assert_eq!(expand("${HOST:-${NOPE}}", &v, &env).as_deref(), Ok("web1"));
        let e = expand("a ${NOPE:-${NADA}}", &v, &env).unwrap_err();
        assert!(e.message.contains("`NADA` is not set"), "{}", e.message);
        assert_eq!(e.offset, 10);
    }

    #[test]
    fn a_var_that_refers_to_itself_or_a_later_one_says_so() {
        let raw = vec![
            ("a".to_string(), "{{a}}".to_string()),
            ("b".to_string(), "{{c}}".to_string()),
            ("c".to_string(), "x".to_string()),
        ];
        let (_, errs) = resolve(&raw, &BTreeMap::new(), &env);
        assert_eq!(errs[0].1.message, "variable `a` refers to itself");
        assert_eq!(
            errs[1].1.message,
            "variable `c` is defined after `b`: a var may use only the vars defined before it"
        );
    }

    #[test]
    fn a_cycle_is_one_error_that_names_it() {
        let raw = vec![
            ("a".to_string(), "x{{b}}".to_string()),
            ("b".to_string(), "${NOPE:-{{c}}}".to_string()),
            ("c".to_string(), "{{ a }}".to_string()),
            ("d".to_string(), "{{a}}/d".to_string()),
        ];
        let (map, errs) = resolve(&raw, &BTreeMap::new(), &env);
        assert!(map.is_empty(), "{map:?}");
        let shown: Vec<(usize, usize, usize, &str)> = errs
            .iter()
            .map(|(i, e)| (*i, e.offset, e.len, e.message.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    0,
                    1,
                    5,
                    "variables refer to each other in a cycle: a -> b -> c -> a"
                ),
                (3, 0, 5, "variable `a` could not be set (see its error)"),
            ]
        );
    }

    #[test]
    fn an_override_replaces_a_definition_before_expansion() {
        let raw = vec![
            ("base".to_string(), "${NOPE}".to_string()),
            ("login".to_string(), "{{base}}/login".to_string()),
            ("port".to_string(), "${NOPE:-{{base}}}".to_string()),
            ("a".to_string(), "{{b}}".to_string()),
            ("b".to_string(), "{{a}}".to_string()),
        ];
        let overrides = BTreeMap::from([
            (
                "base".to_string(),
                "https://b.example.com/{{x}}$".to_string(),
            ),
            ("a".to_string(), "A".to_string()),
        ]);
        let (map, errs) = resolve(&raw, &overrides, &env);
        assert_eq!(errs, []);
        assert_eq!(map["base"], "https://b.example.com/{{x}}$");
        assert_eq!(map["login"], "https://b.example.com/{{x}}$/login");
        assert_eq!(map["port"], "https://b.example.com/{{x}}$");
        assert_eq!(map["b"], "A");
    }

    #[test]
    fn vars_resolve_in_order() {
        let raw = vec![
            ("a".to_string(), "${HOST:-h}".to_string()),
            ("b".to_string(), "{{a}}:80".to_string()),
            ("c".to_string(), "{{d}}".to_string()),
        ];
        let (map, errs) = resolve(&raw, &BTreeMap::new(), &env);
        assert_eq!(map["b"], "web1:80");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 2);
    }
}
