//! Interpolation in suite strings: `${ENV}`, `${ENV:-fallback}` from the environment and `{{var}}`
//! from `[vars]`; `$$` is a literal `$` (in a suite string; a feature's text keeps it). Owns the
//! grammar; must not know about checks or files.
//! An unset environment variable is not an error here: the expansion says where it is needed,
//! and whoever uses the text decides.

use std::collections::{BTreeMap, BTreeSet};

use super::diag::Diagnostic;

/// What the values of a check (or of suite-level settings) are made from.
#[derive(Clone, Debug, Default)]
pub struct EnvUse {
    /// Environment variables read, set or not.
    pub env: BTreeSet<String>,
    /// Where one that is not set (and has no fallback) is needed: the value is unknown.
    pub unset: Vec<Diagnostic>,
}

impl EnvUse {
    pub fn add(&mut self, other: EnvUse) {
        self.env.extend(other.env);
        self.unset.extend(other.unset);
    }
}

/// A problem at a byte offset of the interpolated text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    /// For an unknown `{{var}}`: its name.
    pub unknown: Option<String>,
}

/// `${NAME}` without a fallback where `NAME` is not set: the text has no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unset {
    pub name: String,
    /// The var whose definition it is written in, when it came through `{{var}}`; `None` when
    /// it is written in the expanded text itself.
    pub var: Option<String>,
    /// Byte offset and length of the `${...}` in that text.
    pub offset: usize,
    pub len: usize,
}

/// One expanded text, and what it was made from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The text; it is the value only when nothing is `unset`.
    pub text: String,
    /// Environment variables read, set or not, also through vars.
    pub env: BTreeSet<String>,
    pub unset: Vec<Unset>,
}

impl Expanded {
    /// A value given as it is (`--var`), made of nothing else.
    pub fn literal(text: &str) -> Expanded {
        Expanded {
            text: text.to_string(),
            ..Expanded::default()
        }
    }

    /// The value, when every environment variable it needs is set.
    pub fn value(&self) -> Option<&str> {
        self.unset.is_empty().then_some(self.text.as_str())
    }
}

/// Resolved `[vars]` (and `[secrets]`) by name.
pub type Vars = BTreeMap<String, Expanded>;

/// The message for an unset environment variable without a fallback.
pub fn unset_message(name: &str) -> String {
    format!(
        "environment variable `{name}` is not set (write `${{{name}:-fallback}}` for a default)"
    )
}

/// Expands one string. `lookup_env` reads the environment (injected for tests). Errors are
/// those of the text itself; an unset environment variable is in [`Expanded::unset`].
pub fn expand(
    text: &str,
    vars: &Vars,
    lookup_env: &dyn Fn(&str) -> Option<String>,
) -> Result<Expanded, VarError> {
    let mut out = Expanded::default();
    expand_into(text, 0, vars, lookup_env, false, &mut out)?;
    Ok(out)
}

/// As [`expand`], for the text of a feature step, which Behat keeps as written: a template a
/// page must not show (`{{ user.name }}`, `${price}`) is text. `{{name}}`, written as smokegate
/// writes vars, is a var (unknown: an error); `{{ … }}` otherwise (spaces inside, dots) is a var
/// when it names a defined one, an error when it is two edits or fewer from one (a typo), and
/// text otherwise; an unknown one close to a defined var names it (`did you mean`). `${NAME}` is
/// the environment when NAME is upper case (`${SHOP_URL}`); `${x}`, `${user.name}`, `$$`, a lone
/// `$` are text as written (`$$` stays two dollars: it is a suite string's escape only).
pub fn expand_feature(
    text: &str,
    vars: &Vars,
    lookup_env: &dyn Fn(&str) -> Option<String>,
) -> Result<Expanded, VarError> {
    let mut out = Expanded::default();
    expand_into(text, 0, vars, lookup_env, true, &mut out)?;
    Ok(out)
}

/// `base`, `shop-url`, `port_2`: a name a `[vars]` key can be.
fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c == '-' || c.is_ascii_alphanumeric())
}

/// `SHOP_URL`, `HOME`, `_X1`: a name written as the environment's are.
fn is_upper_env_name(name: &str) -> bool {
    is_env_name(name) && !name.chars().any(|c| c.is_ascii_lowercase())
}

/// A defined var `name` is within two edits of: a typo of it.
fn typo_of<'v>(name: &str, vars: &'v Vars) -> Option<&'v str> {
    vars.keys()
        .map(String::as_str)
        .filter(|k| strsim::levenshtein(k, name) <= 2 && !k.is_empty() && name.len() > 2)
        .min_by_key(|k| strsim::levenshtein(k, name))
}

/// Expands `text`, found at byte `base` of the text being expanded, onto `out`.
fn expand_into(
    text: &str,
    base: usize,
    vars: &Vars,
    lookup_env: &dyn Fn(&str) -> Option<String>,
    text_as_written: bool,
    out: &mut Expanded,
) -> Result<(), VarError> {
    let mut rest = text;
    let mut pos = 0;
    while let Some(i) = rest.find(['$', '{']) {
        out.text.push_str(&rest[..i]);
        let tail = &rest[i..];
        let at = pos + i;
        let consumed = if tail.starts_with("$$") {
            // A suite string's escape; in a feature's text, as Behat keeps it, two dollars.
            out.text.push_str(if text_as_written { "$$" } else { "$" });
            2
        } else if let Some(literal) = tail
            .strip_prefix("${")
            .filter(|_| text_as_written)
            .and_then(|body| {
                let end = closing_brace(body);
                let name = end.map_or("", |e| body[..e].split(":-").next().unwrap_or_default());
                // Not the environment: the text as written, up to its `}`.
                (!is_upper_env_name(name)).then_some(end.map_or(2, |e| e + 3))
            })
        {
            out.text.push_str(&tail[..literal]);
            literal
        } else if let Some(body) = tail.strip_prefix("${") {
            let end = closing_brace(body).ok_or_else(|| VarError {
                offset: base + at,
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
                    offset: base + at,
                    len,
                    message: format!("`{name}` is not an environment variable name"),
                    unknown: None,
                });
            }
            // A fallback is itself expanded: `${A:-${B:-default}}`, `${PORT:-{{port}}}`.
            let fallback_at = base + at + 2 + name.len() + 2;
            out.env.insert(name.to_string());
            match (lookup_env(name), fallback) {
                (Some(v), Some(fb)) if v.is_empty() => {
                    expand_into(fb, fallback_at, vars, lookup_env, text_as_written, out)?;
                }
                (Some(v), _) => out.text.push_str(&v),
                (None, Some(fb)) => {
                    expand_into(fb, fallback_at, vars, lookup_env, text_as_written, out)?
                }
                (None, None) => out.unset.push(Unset {
                    name: name.to_string(),
                    var: None,
                    offset: base + at,
                    len,
                }),
            }
            len
        } else if let Some(literal) = tail
            .strip_prefix("{{")
            .filter(|_| text_as_written)
            .and_then(|body| {
                let Some(end) = body.find("}}") else {
                    return Some(2);
                };
                let inner = &body[..end];
                let name = inner.trim();
                // `{{name}}` as smokegate writes it is always a var (unknown: an error).
                let ours = inner == name && is_var_name(name);
                (!ours && vars.get(name).is_none() && typo_of(name, vars).is_none())
                    .then_some(end + 4)
            })
        {
            out.text.push_str(&tail[..literal]);
            literal
        } else if let Some(body) = tail.strip_prefix("{{") {
            let end = body.find("}}").ok_or_else(|| VarError {
                offset: base + at,
                len: 2,
                message: "unclosed `{{`: write `{{name}}`".to_string(),
                unknown: None,
            })?;
            let name = body[..end].trim();
            let len = end + 4;
            match vars.get(name) {
                Some(v) => {
                    out.text.push_str(&v.text);
                    out.env.extend(v.env.iter().cloned());
                    out.unset.extend(v.unset.iter().cloned());
                }
                None => {
                    let known: Vec<&str> = vars.keys().map(String::as_str).collect();
                    let typo = typo_of(name, vars).filter(|_| text_as_written);
                    return Err(VarError {
                        offset: base + at,
                        len,
                        message: if let Some(meant) = typo {
                            format!("unknown variable `{name}` (did you mean `{{{{{meant}}}}}`?)")
                        } else if known.is_empty() {
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
            out.text.push_str(&tail[..1]);
            1
        };
        rest = &tail[consumed..];
        pos = at + consumed;
    }
    out.text.push_str(rest);
    Ok(())
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
/// A var that needs an unset environment variable is no error: its [`Unset`]s name it.
pub fn resolve(
    raw: &[(String, String)],
    overrides: &BTreeMap<String, String>,
    lookup_env: &dyn Fn(&str) -> Option<String>,
) -> (Vars, Vec<(usize, VarError)>) {
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
            vars.insert(name.clone(), Expanded::literal(value));
            continue;
        }
        match expand(value, &vars, lookup_env) {
            Ok(mut v) => {
                for unset in &mut v.unset {
                    unset.var.get_or_insert_with(|| name.clone());
                }
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

    fn vars() -> Vars {
        BTreeMap::from([("base".to_string(), Expanded::literal("http://x"))])
    }

    /// The value of a text, when it has one.
    fn value(text: &str, vars: &Vars) -> Option<String> {
        let expanded = expand(text, vars, &env).expect("no error");
        expanded.value().map(str::to_string)
    }

    #[test]
    fn expands_env_fallbacks_and_vars() {
        let v = vars();
        assert_eq!(value("${HOST}", &v).as_deref(), Some("web1"));
        assert_eq!(value("${NOPE:-a b}", &v).as_deref(), Some("a b"));
        assert_eq!(value("${EMPTY:-d}", &v).as_deref(), Some("d"));
        assert_eq!(value("${EMPTY}", &v).as_deref(), Some(""));
        assert_eq!(value("{{base}}/x", &v).as_deref(), Some("http://x/x"));
        assert_eq!(value("{{ base }}", &v).as_deref(), Some("http://x"));
        assert_eq!(
            value("cost $5 $$ {x} ok$", &v).as_deref(),
            Some("cost $5 $ {x} ok$")
        );
    }

    #[test]
    fn errors_point_at_the_reference() {
        let v = vars();
        let e = expand("x {{nope}}", &v, &env).unwrap_err();
        assert_eq!((e.offset, e.len), (2, 8));
        assert_eq!(e.message, "unknown variable `nope` (defined: base)");
        let e = expand("${HOST", &v, &env).unwrap_err();
        assert_eq!(e.offset, 0);
        assert!(expand("${1X}", &v, &env).is_err());
    }

    #[test]
    fn a_feature_keeps_dollars_and_templates_as_written() {
        let v = vars();
        let feature = |text: &str| {
            expand_feature(text, &v, &env)
                .expect("no error")
                .value()
                .map(str::to_string)
        };
        assert_eq!(feature("cost $$5").as_deref(), Some("cost $$5"));
        assert_eq!(feature("$$").as_deref(), Some("$$"));
        assert_eq!(feature("total: $").as_deref(), Some("total: $"));
        assert_eq!(
            feature("${price} ${ x }").as_deref(),
            Some("${price} ${ x }")
        );
        assert_eq!(feature("$${HOST}").as_deref(), Some("$${HOST}"));
        assert_eq!(feature("${HOST}$").as_deref(), Some("web1$"));
        assert_eq!(feature("${NOPE:-a$$b}").as_deref(), Some("a$$b"));
        // A suite string keeps its own rule.
        assert_eq!(value("cost $$5 $", &v).as_deref(), Some("cost $5 $"));
    }

    #[test]
    fn a_typo_of_a_var_in_a_feature_names_the_var() {
        let v: Vars = BTreeMap::from([
            ("user.name".to_string(), Expanded::literal("ann")),
            ("base".to_string(), Expanded::literal("http://x")),
        ]);
        let e = expand_feature("hi {{ user.nme }}", &v, &env).unwrap_err();
        assert_eq!((e.offset, e.len), (3, 14));
        assert_eq!(
            e.message,
            "unknown variable `user.nme` (did you mean `{{user.name}}`?)"
        );
        let e = expand_feature("{{bsae}}", &v, &env).unwrap_err();
        assert_eq!(
            e.message,
            "unknown variable `bsae` (did you mean `{{base}}`?)"
        );
        // Far from every var: text, or (written as a var) an error that lists them.
        let shown = expand_feature("{{ order.total }}", &v, &env).expect("text");
        assert_eq!(shown.text, "{{ order.total }}");
        let e = expand_feature("{{total}}", &v, &env).unwrap_err();
        assert_eq!(
            e.message,
            "unknown variable `total` (defined: base, user.name)"
        );
        // A suite string's message is as it was.
        let e = expand("{{bsae}}", &v, &env).unwrap_err();
        assert_eq!(
            e.message,
            "unknown variable `bsae` (defined: base, user.name)"
        );
    }

    #[test]
    fn fallbacks_nest() {
        let v = vars();
        assert_eq!(value("${NOPE:-${NADA:-def}}", &v).as_deref(), Some("def"));
        assert_eq!(
            value("${NOPE:-${HOST:-x}}/y", &v).as_deref(),
            Some("web1/y")
        );
        assert_eq!(value("${NOPE:-{{base}}}", &v).as_deref(), Some("http://x"));
        assert_eq!(value("${HOST:-${NOPE}}", &v).as_deref(), Some("web1"));
    }

    #[test]
    fn an_unset_variable_has_no_value_and_says_where_it_is_needed() {
        let unset = |name: &str, var: Option<&str>, offset, len| Unset {
            name: name.to_string(),
            var: var.map(str::to_string),
            offset,
            len,
        };
        let v = vars();
        let e = expand("a ${NOPE} b ${HOST} ${NOPE:-${NADA}}", &v, &env).expect("no error");
        assert_eq!(e.value(), None);
        assert_eq!(
            e.unset,
            [unset("NOPE", None, 2, 7), unset("NADA", None, 28, 7)]
        );
        assert_eq!(e.env.iter().collect::<Vec<_>>(), ["HOST", "NADA", "NOPE"]);
        let raw = vec![
            ("a".to_string(), "x${NOPE}".to_string()),
            ("b".to_string(), "{{a}}/${HOST}".to_string()),
        ];
        let (map, errs) = resolve(&raw, &BTreeMap::new(), &env);
        assert_eq!(errs, []);
        assert_eq!(map["b"].unset, [unset("NOPE", Some("a"), 1, 7)]);
        assert_eq!(map["b"].env.iter().collect::<Vec<_>>(), ["HOST", "NOPE"]);
        let e = expand("{{b}}", &map, &env).expect("no error");
        assert_eq!(e.unset, [unset("NOPE", Some("a"), 1, 7)]);
        assert_eq!(
            expand("x {{b}}", &map, &env).expect("no error").value(),
            None
        );
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
        assert_eq!(map["base"].value(), Some("https://b.example.com/{{x}}$"));
        assert_eq!(
            map["login"].value(),
            Some("https://b.example.com/{{x}}$/login")
        );
        assert_eq!(map["port"].value(), Some("https://b.example.com/{{x}}$"));
        assert_eq!(map["b"].value(), Some("A"));
    }

    #[test]
    fn vars_resolve_in_order() {
        let raw = vec![
            ("a".to_string(), "${HOST:-h}".to_string()),
            ("b".to_string(), "{{a}}:80".to_string()),
            ("c".to_string(), "{{d}}".to_string()),
        ];
        let (map, errs) = resolve(&raw, &BTreeMap::new(), &env);
        assert_eq!(map["b"].value(), Some("web1:80"));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 2);
    }
}
