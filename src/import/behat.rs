//! A Behat project's `behat.yml`, read as Behat reads it: the `default` profile, or a named one
//! over it; the files it `imports`; `BEHAT_PARAMS` over all; each suite's `paths` (default
//! `%paths.base%/features`) and `filters` (`tags`, `name`, and the profile's `gherkin.filters`);
//! MinkExtension's `base_url` and `files_path`. Owns reading that file into a [`Project`]; must
//! not load feature files (config::features does) nor run anything.

use std::path::{Path, PathBuf};

use serde_norway::{Mapping, Value};

/// What a `behat.yml` says smokegate needs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Project {
    /// The suites, in the file's order.
    pub suites: Vec<Suite>,
    /// MinkExtension's `base_url`: where relative pages are.
    pub base_url: Option<String>,
    /// MinkExtension's `files_path`: where `attach the file` looks first.
    pub files_path: Option<PathBuf>,
    /// What smokegate reads differently from Behat, one line each (a setting it does not use).
    pub notes: Vec<String>,
}

/// One Behat suite: where its features are and which scenarios of them it runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Suite {
    pub name: String,
    /// Files or folders of `.feature` files.
    pub paths: Vec<PathBuf>,
    pub filters: Filters,
}

/// Behat's scenario filters. Every one given must match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filters {
    /// Tag expressions (Behat's `@a&&~@b,@c`); the profile's and the suite's both apply.
    pub tags: Vec<String>,
    /// Name filters: a text in the feature's or the scenario's title, or a `/regex/`.
    pub names: Vec<String>,
}

impl Filters {
    /// Whether a scenario with these tags (feature's and its own, without `@`) and this
    /// feature and scenario title passes every filter.
    pub fn admit(&self, tags: &[String], feature: &str, scenario: &str) -> bool {
        self.tags.iter().all(|t| tags_match(t, tags))
            && self
                .names
                .iter()
                .all(|n| name_matches(n, feature) || name_matches(n, scenario))
    }
}

/// Behat's tag filter: `&&` joins conditions that must all hold, `,` separates tags of which
/// one must, `~` negates a tag; `@` is optional.
pub fn tags_match(filter: &str, tags: &[String]) -> bool {
    filter.split("&&").all(|any| {
        any.split(',').any(|tag| {
            let tag = tag.trim().replace('@', "");
            match tag.strip_prefix('~') {
                Some(not) => !tags.iter().any(|t| *t == not),
                None => tags.contains(&tag),
            }
        })
    })
}

/// Behat's name filter: a `/regex/flags` matches as a pattern, anything else as a text within.
fn name_matches(filter: &str, title: &str) -> bool {
    let pattern = filter
        .strip_prefix('/')
        .and_then(|p| p.rsplit_once('/'))
        .filter(|(_, flags)| flags.chars().all(|c| "imsxu".contains(c)));
    match pattern {
        Some((body, flags)) => {
            let flags: String = flags.chars().filter(|c| "imsx".contains(*c)).collect();
            let full = if flags.is_empty() {
                body.to_string()
            } else {
                format!("(?{flags}){body}")
            };
            regex::Regex::new(&full).is_ok_and(|r| r.is_match(title))
        }
        None => title.contains(filter),
    }
}

/// Why a `behat.yml` cannot be read: the message, and where in which file when that is known
/// (a byte offset).
#[derive(Clone, Debug, PartialEq)]
pub struct BehatError {
    pub file: PathBuf,
    pub at: Option<usize>,
    pub message: String,
}

/// How deep `imports` may nest before it is taken for a loop.
const MAX_IMPORTS: usize = 16;

/// Reads `file` (already read as `text`) with `profile` (`default` when none), as Behat would
/// run it. `env` gives environment variables (`BEHAT_PARAMS`, `%env(NAME)%`).
pub fn read(
    file: &Path,
    text: &str,
    profile: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Project, BehatError> {
    let base = file.parent().unwrap_or(Path::new(".")).to_path_buf();
    let root = with_imports(file, text, 0)?;
    let profiles = root.as_mapping().cloned().unwrap_or_default();
    let mut config = profiles
        .get("default")
        .cloned()
        .unwrap_or(Value::Mapping(Mapping::new()));
    match profile {
        None | Some("default") => {}
        Some(name) => match profiles.get(name) {
            // A profile left empty (`ci: ~`) is `default` as it is.
            Some(Value::Null) => {}
            Some(over @ Value::Mapping(_)) => merge(&mut config, over.clone()),
            Some(_) => {
                return Err(BehatError {
                    file: file.to_path_buf(),
                    at: None,
                    message: format!("profile `{name}` is not a mapping of settings"),
                })
            }
            None => {
                let known: Vec<String> = profiles
                    .keys()
                    .filter_map(Value::as_str)
                    .filter(|k| *k != "imports")
                    .map(str::to_string)
                    .collect();
                return Err(BehatError {
                    file: file.to_path_buf(),
                    at: None,
                    message: format!(
                        "no profile `{name}` (it has: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                });
            }
        },
    }
    // BEHAT_PARAMS: a profile's settings in JSON, over the files' (as CI sets base_url).
    if let Some(params) = env("BEHAT_PARAMS").filter(|p| !p.trim().is_empty()) {
        let over: Value = serde_json::from_str(&params).map_err(|e| BehatError {
            file: file.to_path_buf(),
            at: None,
            message: format!("BEHAT_PARAMS is not JSON: {e}"),
        })?;
        merge(&mut config, over);
    }
    let place = Placeholders { base: &base, env };
    project(file, &config, &place)
}

/// The file with what it imports under it: an imported file's settings first, the importing
/// file's over them, as Behat's loader does.
fn with_imports(file: &Path, text: &str, depth: usize) -> Result<Value, BehatError> {
    let mut value = parse(file, text)?;
    let imports: Vec<String> = match value.get("imports") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Sequence(list)) => list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(_) => {
            return Err(BehatError {
                file: file.to_path_buf(),
                at: None,
                message: "`imports` is a list of files".into(),
            })
        }
    };
    if imports.is_empty() {
        return Ok(value);
    }
    if depth >= MAX_IMPORTS {
        return Err(BehatError {
            file: file.to_path_buf(),
            at: None,
            message: format!("imports nest more than {MAX_IMPORTS} deep: is there a loop?"),
        });
    }
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut merged = Value::Mapping(Mapping::new());
    for import in imports {
        let path = dir.join(import.replace("%paths.base%", &dir.display().to_string()));
        let text = std::fs::read_to_string(&path).map_err(|e| BehatError {
            file: file.to_path_buf(),
            at: None,
            message: format!("cannot read the import {}: {e}", path.display()),
        })?;
        merge(&mut merged, with_imports(&path, &text, depth + 1)?);
    }
    if let Value::Mapping(own) = &mut value {
        own.remove("imports");
    }
    merge(&mut merged, value);
    Ok(merged)
}

/// The YAML, tolerating what Behat's older Symfony YAML read: a plain value that starts with
/// `%` (`paths: [ %paths.base%/features ]`).
fn parse(file: &Path, text: &str) -> Result<Value, BehatError> {
    let strict = serde_norway::from_str::<Value>(text);
    let read = match strict {
        Err(_) => serde_norway::from_str::<Value>(&quote_percent(text)).or(strict),
        ok => ok,
    };
    // `<<: *common`, as Symfony YAML applies it.
    let read = read.and_then(|mut v| v.apply_merge().map(|()| v));
    read.map_err(|e| {
        let at = e.location().map(|l| {
            let line_start: usize = text
                .split_inclusive('\n')
                .take(l.line().saturating_sub(1))
                .map(str::len)
                .sum();
            line_start + l.column().saturating_sub(1)
        });
        let message = e.to_string();
        let message = match message.split_once(" at line ") {
            Some((head, _)) => head.to_string(),
            None => message,
        };
        BehatError {
            file: file.to_path_buf(),
            at,
            message: format!("not YAML: {message}"),
        }
    })
}

/// Quotes plain scalars that start with `%` (after `: `, `- `, `[` or `,`), which YAML 1.2
/// reserves for directives and Symfony YAML once took as text.
fn quote_percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let mut fixed = String::with_capacity(body.len());
        let mut rest = body;
        let mut after_indicator = true; // the line's start, for `- %x` lists
        while let Some(c) = rest.chars().next() {
            if c == '%' && after_indicator {
                let len = rest.find([',', ']', '}', '#']).unwrap_or(rest.len());
                let value = rest[..len].trim_end();
                fixed.push('\'');
                fixed.push_str(&value.replace('\'', "''"));
                fixed.push('\'');
                fixed.push_str(&rest[value.len()..len]);
                rest = &rest[len..];
                after_indicator = false;
                continue;
            }
            if c == '"' || c == '\'' || (c == '#' && after_indicator) {
                // Quoted text and comments are as written.
                fixed.push_str(rest);
                break;
            }
            after_indicator = match c {
                ':' | '-' | '[' | ',' | '{' => true,
                ' ' | '\t' => after_indicator,
                _ => false,
            };
            if c == ':' || c == '-' {
                // `a:b` or `a-b` within a word is no indicator: one needs a space after it.
                after_indicator = rest[1..].starts_with([' ', '\t']) || rest.len() == 1;
            }
            fixed.push(c);
            rest = &rest[c.len_utf8()..];
        }
        out.push_str(&fixed);
        out.push_str(end);
    }
    out
}

/// Deep merge, as Behat's profiles and imports combine: mappings key by key, anything else
/// replaced.
fn merge(into: &mut Value, over: Value) {
    match (into, over) {
        (Value::Mapping(into), Value::Mapping(over)) => {
            for (k, v) in over {
                match into.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        into.insert(k, v);
                    }
                }
            }
        }
        (into, over) => *into = over,
    }
}

/// `%paths.base%` and `%env(NAME)%` in a setting.
struct Placeholders<'a> {
    base: &'a Path,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Placeholders<'_> {
    fn expand(&self, text: &str) -> Result<String, String> {
        let mut out = text.replace("%paths.base%", &self.base.display().to_string());
        while let Some(start) = out.find("%env(") {
            let Some(len) = out[start..].find(")%") else {
                break;
            };
            let name = out[start + 5..start + len].to_string();
            let value = (self.env)(&name)
                .ok_or_else(|| format!("`%env({name})%` names an unset environment variable"))?;
            out.replace_range(start..start + len + 2, &value);
        }
        Ok(out)
    }

    /// A path setting: relative to the folder of behat.yml, as Behat's locator takes it.
    fn path(&self, text: &str) -> Result<PathBuf, String> {
        let expanded = self.expand(text)?;
        let path = PathBuf::from(&expanded);
        // `%paths.base%/x` is already under the folder, whether that is absolute or not.
        Ok(
            if path.is_absolute() || text.trim_start().starts_with("%paths.base%") {
                path
            } else {
                self.base.join(path)
            },
        )
    }
}

/// Symfony's config keys take `-` for `_` (`base-url`).
fn key<'v>(map: &'v Mapping, name: &str) -> Option<&'v Value> {
    map.get(name)
        .or_else(|| map.get(name.replace('_', "-").as_str()))
}

fn project(file: &Path, config: &Value, place: &Placeholders) -> Result<Project, BehatError> {
    let fail = |message: String| BehatError {
        file: file.to_path_buf(),
        at: None,
        message,
    };
    let empty = Mapping::new();
    let config = config.as_mapping().unwrap_or(&empty);
    let mut project = Project::default();
    // MinkExtension, under any of the names it has been registered by.
    let extensions = key(config, "extensions").and_then(Value::as_mapping);
    // MinkExtension under every name it is registered by (`Behat\MinkExtension`, its
    // `…\ServiceContainer\MinkExtension` class, Drupal's `Drupal\MinkExtension`): one
    // extension, the later settings over the earlier (BEHAT_PARAMS come last).
    let mut merged = Value::Mapping(Mapping::new());
    for (k, v) in extensions.into_iter().flatten() {
        let is_mink = k.as_str().is_some_and(|k| {
            k.trim_start_matches('\\')
                .split('\\')
                .any(|part| part == "MinkExtension")
        });
        if is_mink && v.is_mapping() {
            merge(&mut merged, v.clone());
        }
    }
    let mink = Some(&merged);
    if let Some(mink) = mink.and_then(Value::as_mapping) {
        if let Some(url) = key(mink, "base_url").and_then(scalar) {
            project.base_url = Some(place.expand(&url).map_err(fail)?);
        }
        if let Some(path) = key(mink, "files_path").and_then(scalar) {
            project.files_path = Some(place.path(&path).map_err(fail)?);
        }
    }
    let mut global = Filters::default();
    if let Some(filters) = key(config, "gherkin")
        .and_then(Value::as_mapping)
        .and_then(|g| key(g, "filters"))
    {
        read_filters(filters, "gherkin.filters", &mut global, &mut project.notes);
    }
    let suites = key(config, "suites").and_then(Value::as_mapping);
    let default_suite = Mapping::new();
    let listed: Vec<(String, &Mapping)> = match suites {
        Some(suites) if !suites.is_empty() => suites
            .iter()
            .map(|(k, v)| {
                let name = scalar(k).unwrap_or_default();
                (name, v.as_mapping().unwrap_or(&default_suite))
            })
            .collect(),
        _ => vec![("default".to_string(), &default_suite)],
    };
    for (name, suite) in listed {
        if key(suite, "enabled").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let paths: Vec<String> = match key(suite, "paths").or_else(|| key(suite, "path")) {
            None | Some(Value::Null) => vec!["%paths.base%/features".to_string()],
            Some(Value::Sequence(list)) => list.iter().filter_map(scalar).collect(),
            // A map of paths, as Symfony allows (`paths: { features: … }`).
            Some(Value::Mapping(map)) => map.values().filter_map(scalar).collect(),
            Some(one) => scalar(one).into_iter().collect(),
        };
        let mut filters = global.clone();
        if let Some(own) = key(suite, "filters") {
            read_filters(
                own,
                &format!("suites.{name}.filters"),
                &mut filters,
                &mut project.notes,
            );
        }
        let paths = paths
            .iter()
            .map(|p| place.path(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        project.suites.push(Suite {
            name,
            paths,
            filters,
        });
    }
    Ok(project)
}

fn read_filters(value: &Value, at: &str, filters: &mut Filters, notes: &mut Vec<String>) {
    let Some(map) = value.as_mapping() else {
        return;
    };
    for (k, v) in map {
        let (Some(k), Some(v)) = (k.as_str(), scalar(v)) else {
            continue;
        };
        match k {
            "tags" => filters.tags.push(v),
            "name" => filters.names.push(v),
            other => notes.push(format!(
                "`{at}.{other}` is not read: smokegate filters by `tags` and `name`"
            )),
        }
    }
}

/// A setting's value as text (YAML reads `8080` or `true` as non-strings).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn tag_filters_read_as_behat_reads_them() {
        let t = tags(&["smoke", "checkout"]);
        assert!(tags_match("@smoke", &t));
        assert!(tags_match("smoke", &t));
        assert!(!tags_match("@wip", &t));
        assert!(tags_match("~@wip", &t));
        assert!(!tags_match("~@smoke", &t));
        assert!(tags_match("@wip,@smoke", &t));
        assert!(tags_match("@smoke&&~@wip", &t));
        assert!(!tags_match("@smoke&&@wip", &t));
        // `&&` binds looser than `,`: smoke AND (wip OR checkout).
        assert!(tags_match("@smoke&&@wip,@checkout", &t));
        assert!(!tags_match("@admin&&@wip,@checkout", &t));
    }

    #[test]
    fn name_filters_are_a_text_or_a_pattern() {
        let f = Filters {
            tags: vec![],
            names: vec!["/^Check(out)?/i".into()],
        };
        assert!(f.admit(&[], "checkout", "pays"));
        assert!(!f.admit(&[], "Login", "signs in"));
        let f = Filters {
            tags: vec![],
            names: vec!["signs".into()],
        };
        assert!(f.admit(&[], "Login", "signs in"));
    }

    #[test]
    fn a_profile_goes_over_default_and_behat_params_over_both() {
        let yml = "\
default:
  suites:
    default:
      paths: [ '%paths.base%/features' ]
      filters: { tags: '~@wip' }
  extensions:
    Behat\\MinkExtension:
      base_url: 'http://localhost:8080'
      files_path: fixtures
      sessions: { default: { goutte: ~ } }
ci:
  extensions:
    Behat\\MinkExtension:
      base_url: https://staging.example
";
        let file = Path::new("/p/behat.yml");
        let p = read(file, yml, None, &no_env).expect("reads");
        assert_eq!(p.base_url.as_deref(), Some("http://localhost:8080"));
        assert_eq!(p.files_path, Some(PathBuf::from("/p/fixtures")));
        assert_eq!(p.suites.len(), 1);
        assert_eq!(p.suites[0].paths, vec![PathBuf::from("/p/features")]);
        assert_eq!(p.suites[0].filters.tags, vec!["~@wip".to_string()]);
        let p = read(file, yml, Some("ci"), &no_env).expect("reads");
        assert_eq!(p.base_url.as_deref(), Some("https://staging.example"));
        let params = |name: &str| {
            (name == "BEHAT_PARAMS").then(|| {
                r#"{"extensions":{"Behat\\MinkExtension":{"base_url":"http://127.0.0.1:9"}}}"#
                    .to_string()
            })
        };
        let p = read(file, yml, Some("ci"), &params).expect("reads");
        assert_eq!(p.base_url.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(
            read(file, yml, Some("prod"), &no_env)
                .expect_err("no such profile")
                .message,
            "no profile `prod` (it has: default, ci)"
        );
    }

    #[test]
    fn no_suites_is_one_default_suite_on_features() {
        let p = read(Path::new("/p/behat.yml"), "default: {}\n", None, &no_env).expect("reads");
        assert_eq!(
            p.suites,
            vec![Suite {
                name: "default".into(),
                paths: vec![PathBuf::from("/p/features")],
                filters: Filters::default(),
            }]
        );
        let p = read(Path::new("/p/behat.yml"), "", None, &no_env).expect("an empty file");
        assert_eq!(p.suites.len(), 1);
    }

    #[test]
    fn old_unquoted_percent_values_and_hyphenated_keys_are_read() {
        let yml = "\
default:
  suites:
    admin:
      path: %paths.base%/admin   # one path
      filters:
        tags: \"@admin\"
        role: editor
    shop:
      paths:
        - %paths.base%/shop
        - more
  extensions:
    Behat\\MinkExtension\\ServiceContainer\\MinkExtension:
      base-url: http://shop.local:8080/
";
        let p = read(Path::new("/p/behat.yml"), yml, None, &no_env).expect("reads");
        assert_eq!(p.base_url.as_deref(), Some("http://shop.local:8080/"));
        let names: Vec<_> = p.suites.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["admin", "shop"]);
        assert_eq!(p.suites[0].paths, vec![PathBuf::from("/p/admin")]);
        assert_eq!(
            p.suites[1].paths,
            vec![PathBuf::from("/p/shop"), PathBuf::from("/p/more")]
        );
        assert_eq!(
            p.notes,
            vec!["`suites.admin.filters.role` is not read: smokegate filters by `tags` and `name`"]
        );
    }

    #[test]
    fn merge_keys_every_name_of_mink_and_empty_profiles_are_read_as_behat_reads_them() {
        let yml = "\
common: &common
  extensions:
    Drupal\\MinkExtension:
      base_url: http://drupal.local
      files_path: files
default:
  <<: *common
ci: ~
broken: 'oops'
";
        let file = Path::new("/p/behat.yml");
        let p = read(file, yml, None, &no_env).expect("reads");
        assert_eq!(p.base_url.as_deref(), Some("http://drupal.local"));
        let p = read(file, yml, Some("ci"), &no_env).expect("an empty profile is default");
        assert_eq!(p.base_url.as_deref(), Some("http://drupal.local"));
        assert_eq!(
            read(file, yml, Some("broken"), &no_env)
                .expect_err("not a mapping")
                .message,
            "profile `broken` is not a mapping of settings"
        );
        // BEHAT_PARAMS under the extension's class name is the same extension.
        let params = |name: &str| {
            (name == "BEHAT_PARAMS").then(|| {
                r#"{"extensions":{"Behat\\MinkExtension\\ServiceContainer\\MinkExtension":{"base_url":"http://127.0.0.1:7"}}}"#
                    .to_string()
            })
        };
        let p = read(file, yml, None, &params).expect("reads");
        assert_eq!(p.base_url.as_deref(), Some("http://127.0.0.1:7"));
        assert_eq!(p.files_path, Some(PathBuf::from("/p/files")));
    }

    #[test]
    fn env_placeholders_and_broken_yaml_say_where() {
        let yml = "default:\n  extensions:\n    Behat\\MinkExtension:\n      base_url: '%env(SITE)%/shop'\n";
        let env = |n: &str| (n == "SITE").then(|| "http://127.0.0.1:8".to_string());
        let p = read(Path::new("/p/behat.yml"), yml, None, &env).expect("reads");
        assert_eq!(p.base_url.as_deref(), Some("http://127.0.0.1:8/shop"));
        assert_eq!(
            read(Path::new("/p/behat.yml"), yml, None, &no_env)
                .expect_err("unset")
                .message,
            "`%env(SITE)%` names an unset environment variable"
        );
        let broken = "default:\n  suites: [a\n";
        let e = read(Path::new("/p/behat.yml"), broken, None, &no_env).expect_err("broken");
        assert!(e.message.starts_with("not YAML: "), "{}", e.message);
        assert!(e.at.is_some());
    }
}
