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
    /// Files or folders of `.feature` files; a file given with a line (`cart.feature:12`)
    /// without it.
    pub paths: Vec<PathBuf>,
    /// The files of `paths` given with a line (`features/cart.feature:12`, as Behat's CLI and
    /// paths take it), and those lines: of such a file, only the scenario, outline or example
    /// row at one of them is in the suite. A file also given without a line is not here.
    pub lines: Vec<(PathBuf, Vec<usize>)>,
    pub filters: Filters,
}

impl Suite {
    /// The lines of `file` the suite is limited to; `None`: the whole file.
    pub fn lines_of(&self, file: &Path) -> Option<&[usize]> {
        self.lines
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, lines)| lines.as_slice())
    }
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

/// Behat's name filter: one that starts with `/` is a PCRE `/pattern/flags` (as Behat hands it
/// to `preg_match`), anything else a text within the title. A pattern that cannot be read
/// matches nothing, as in Behat; [`read`] refuses one.
fn name_matches(filter: &str, title: &str) -> bool {
    match name_pattern(filter) {
        Ok(Some(pattern)) => pattern.is_match(title),
        Ok(None) => title.contains(filter),
        Err(_) => false,
    }
}

/// A name filter's pattern, `None` for a text; why it cannot be matched as Behat matches it.
fn name_pattern(filter: &str) -> Result<Option<regex::Regex>, String> {
    let Some(written) = filter.strip_prefix('/') else {
        return Ok(None);
    };
    let fail = |why: String| format!("name filter `{filter}` {why}");
    // The pattern ends at the first `/` not escaped, as in PHP; the rest are its flags.
    let mut end = None;
    let mut escaped = false;
    for (i, c) in written.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '/' => {
                end = Some(i);
                break;
            }
            _ => {}
        }
    }
    let Some(end) = end else {
        return Err(fail(format!(
            "has no closing `/`: Behat reads a name that starts with `/` as `/pattern/flags` (write `{filter}/`, or the text without its `/`)"
        )));
    };
    let (body, flags) = (&written[..end], &written[end + 1..]);
    let mut inline = String::new();
    let mut anchored = false;
    for flag in flags.chars() {
        match flag {
            'i' | 'm' | 's' | 'x' | 'U' => inline.push(flag),
            // UTF-8 (the regex crate's own; `\w` and the like Unicode: see below), `$` at the very end only (titles have no final
            // line break), study, extra checks (the crate's own), no auto-capture, duplicate
            // names: nothing a match or no match depends on.
            'u' | 'D' | 'S' | 'X' | 'n' | 'J' => {}
            'A' => anchored = true,
            other => {
                let hint = if flags.contains('/') {
                    " (a `/` inside the pattern is written `\\/`)"
                } else {
                    ""
                };
                return Err(fail(format!(
                    "has `{other}` after its closing `/`, which is no PCRE flag{hint}"
                )));
            }
        }
    }
    let translated =
        pcre_to_rust(body, flags.contains('u')).map_err(|why| fail(format!("uses {why}")))?;
    let mut full = String::new();
    if !inline.is_empty() {
        full.push_str(&format!("(?{inline})"));
    }
    if anchored {
        full.push_str(&format!("\\A(?:{translated})"));
    } else {
        full.push_str(&translated);
    }
    regex::Regex::new(&full).map(Some).map_err(|e| {
        let why = e.to_string();
        let why = why
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("error: "))
            .unwrap_or(why.as_str())
            .to_string();
        fail(format!("is not a pattern smokegate can read: {why}"))
    })
}

/// PCRE's vertical and horizontal white space, as the inside of a class.
const PCRE_VERTICAL: &str = r"\n\x0B\x0C\r\x{85}\x{2028}\x{2029}";
const PCRE_HORIZONTAL: &str =
    r"\t\x20\xA0\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}";

/// A PCRE pattern as the regex crate writes what it means for a match or no match: `\d`, `\w`,
/// `\s`, `\b` are ASCII unless `unicode` (PHP's `/u` makes them Unicode); `\h`, `\v`, `\R` PCRE's white space;
/// `\K` (where a match starts), `(?#…)` and `\E` nothing; `\Z` the end or before a final line
/// break; `\G` the start; `(?|` a group; `\Q…\E` text; `\e` escape; `\<` and any other escaped
/// sign itself; a `[` or `&&` in a class itself. What the crate cannot do (possessive
/// quantifiers, atomic groups, look-around, backreferences, recursion, conditionals, verbs) is
/// the error, as "a lookbehind `(?<=`, which only PCRE has".
fn pcre_to_rust(body: &str, unicode: bool) -> Result<String, String> {
    let pcre_only = |what: &str, written: &str| format!("{what} `{written}`, which only PCRE has");
    // Up to and with the `)` that ends what starts `rest`.
    let to_paren = |rest: &str| rest.find(')').map_or(rest.len(), |e| e + 1);
    let mut out = String::with_capacity(body.len());
    // Inside a class: whether nothing of it is written yet (a `]` there is itself).
    let mut class: Option<bool> = None;
    // The quantifier just written: a `+` after it makes it possessive.
    let mut quantifier: Option<&str> = None;
    let mut i = 0;
    while let Some(c) = body[i..].chars().next() {
        let rest = &body[i..];
        let last_quantifier = quantifier.take();
        let first_in_class = class == Some(true);
        if class.is_some() {
            class = Some(false);
        }
        if c == '\\' {
            let Some(e) = rest[1..].chars().next() else {
                // A pattern may not end in `\`: the crate says so.
                out.push('\\');
                break;
            };
            i += 1 + e.len_utf8();
            let in_class = class.is_some();
            let set = |inner: &str, negated: bool| match (in_class, negated) {
                (true, false) => inner.to_string(),
                (_, true) => format!("[^{inner}]"),
                (false, false) => format!("[{inner}]"),
            };
            match e {
                'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'b' | 'B' if unicode => {
                    out.push('\\');
                    out.push(e);
                }
                'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                    let name = match e.to_ascii_lowercase() {
                        'd' => "digit",
                        'w' => "word",
                        _ => "space",
                    };
                    let not = if e.is_ascii_uppercase() { "^" } else { "" };
                    out.push_str(&set(&format!("[:{not}{name}:]"), false));
                }
                'b' if in_class => out.push_str(r"\x08"),
                'b' | 'B' => out.push_str(&format!("(?-u:\\{e})")),
                'h' | 'H' => out.push_str(&set(PCRE_HORIZONTAL, e == 'H')),
                'v' | 'V' => out.push_str(&set(PCRE_VERTICAL, e == 'V')),
                'R' if !in_class => out.push_str(&format!("(?:\\r\\n|[{PCRE_VERTICAL}])")),
                'e' => out.push_str(r"\x1B"),
                'K' | 'E' if !in_class => {}
                'Z' if !in_class => out.push_str(r"(?:\n?\z)"),
                'G' if !in_class => out.push_str(r"\A"),
                'Q' => {
                    let quoted = &body[i..];
                    let len = quoted.find(r"\E").unwrap_or(quoted.len());
                    out.push_str(&regex::escape(&quoted[..len]));
                    i += (len + 2).min(quoted.len());
                }
                '1'..='9' | 'g' | 'k' if !in_class => {
                    let written = match rest[2..].chars().next() {
                        Some(open @ ('{' | '<' | '\'')) => {
                            let close = match open {
                                '{' => '}',
                                '<' => '>',
                                _ => '\'',
                            };
                            rest[3..].find(close).map_or(&rest[..2], |e| &rest[..e + 4])
                        }
                        _ => &rest[..2],
                    };
                    return Err(pcre_only("a backreference", written));
                }
                'C' => return Err(pcre_only("a single byte", r"\C")),
                'X' => return Err(pcre_only("a grapheme cluster", r"\X")),
                // An escaped sign is the sign (`\<` is not a word's start, as in the crate);
                // white space and `#` stay escaped for `/x`.
                sign if !sign.is_ascii_alphanumeric() => {
                    let escaped = regex::escape(&sign.to_string());
                    if escaped.len() == sign.len_utf8() && (sign.is_whitespace() || sign == '#') {
                        out.push('\\');
                    }
                    out.push_str(&escaped);
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
            continue;
        }
        i += c.len_utf8();
        if class.is_some() {
            if c == ']' && !first_in_class {
                class = None;
                out.push(']');
            } else if let Some(len) = rest
                .strip_prefix("[:")
                .and_then(|r| r.find(":]"))
                .filter(|_| c == '[')
            {
                // A POSIX class, `[:alpha:]`, is written the same.
                out.push_str(&rest[..len + 4]);
                i += len + 3;
            } else if matches!(c, ']' | '[' | '&' | '~') {
                // Itself in PCRE; a nested class or a set operation in the crate.
                out.push('\\');
                out.push(c);
            } else {
                out.push(c);
            }
            continue;
        }
        match c {
            '[' => {
                out.push('[');
                if body[i..].starts_with('^') {
                    out.push('^');
                    i += 1;
                }
                class = Some(true);
            }
            '(' if rest.starts_with("(?#") => i += to_paren(rest) - 1,
            '(' if rest.starts_with("(?|") => {
                out.push_str("(?:");
                i += 2;
            }
            '(' if rest.starts_with("(?'") => {
                // PCRE's other way to name a group.
                let name_len = rest[3..].find('\'').unwrap_or(0);
                out.push_str(&format!("(?P<{}>", &rest[3..3 + name_len]));
                i += name_len + 3;
            }
            '(' if rest.starts_with("(*") => {
                return Err(pcre_only("a verb", &rest[..to_paren(rest)]));
            }
            '(' if rest.starts_with("(?") => {
                let group = &rest[2..];
                // `(?R)`, `(?1)`, `(?-1)`: recursion.
                let recursion = group.find(')').is_some_and(|e| {
                    let n = group[..e].trim_start_matches(['+', '-']);
                    n == "R" || (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                });
                let refused = [
                    ("<=", "a lookbehind"),
                    ("<!", "a negative lookbehind"),
                    ("=", "a lookahead"),
                    ("!", "a negative lookahead"),
                    (">", "an atomic group"),
                    ("(", "a conditional"),
                ]
                .iter()
                .find(|(opens, _)| group.starts_with(opens))
                .map(|(opens, what)| (*what, &rest[..2 + opens.len()]))
                .or_else(|| {
                    let whole = &rest[..to_paren(rest)];
                    if group.starts_with("P=") {
                        Some(("a backreference", whole))
                    } else if group.starts_with("P>") || group.starts_with('&') || recursion {
                        Some(("a recursion", whole))
                    } else {
                        None
                    }
                });
                if let Some((what, written)) = refused {
                    return Err(pcre_only(what, written));
                }
                out.push_str("(?");
                i += 1;
            }
            '+' if last_quantifier.is_some() => {
                let q = last_quantifier.unwrap_or_default();
                return Err(pcre_only("a possessive quantifier", &format!("{q}+")));
            }
            // Lazy: a quantifier still, for nothing after it.
            '?' if last_quantifier.is_some() => out.push('?'),
            '*' | '+' | '?' => {
                out.push(c);
                quantifier = Some(&rest[..1]);
            }
            '{' => {
                let counted = rest[1..].find('}').filter(|&e| {
                    let inner = &rest[1..1 + e];
                    inner.starts_with(|c: char| c.is_ascii_digit())
                        && inner.chars().all(|c| c.is_ascii_digit() || c == ',')
                        && inner.matches(',').count() <= 1
                });
                match counted {
                    Some(e) => {
                        out.push_str(&rest[..e + 2]);
                        quantifier = Some(&rest[..e + 2]);
                        i += e + 1;
                    }
                    // PCRE takes a `{` that starts no count as itself.
                    None => out.push_str(r"\{"),
                }
            }
            '}' => out.push_str(r"\}"),
            _ => out.push(c),
        }
    }
    Ok(out)
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
    project(file, text, &config, &place)
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

fn project(
    file: &Path,
    text: &str,
    config: &Value,
    place: &Placeholders,
) -> Result<Project, BehatError> {
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
        read_filters(filters, "gherkin.filters", &mut global, &mut project.notes).map_err(
            |(message, value)| BehatError {
                file: file.to_path_buf(),
                at: place_of(text, &value),
                message,
            },
        )?;
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
            )
            .map_err(|(message, value)| BehatError {
                file: file.to_path_buf(),
                at: place_of(text, &value),
                message,
            })?;
        }
        let mut suite = Suite {
            name,
            filters,
            ..Suite::default()
        };
        for written in &paths {
            let (path, line) = match line_suffix(written) {
                Some((path, line)) => (place.path(path).map_err(fail)?, Some(line)),
                None => (place.path(written).map_err(fail)?, None),
            };
            let whole_before = suite.paths.contains(&path) && suite.lines_of(&path).is_none();
            if !suite.paths.contains(&path) {
                suite.paths.push(path.clone());
            }
            match (line, suite.lines.iter().position(|(f, _)| *f == path)) {
                // Given whole once: the whole file.
                (None, Some(at)) => {
                    suite.lines.remove(at);
                }
                (Some(line), Some(at)) => suite.lines[at].1.push(line),
                (Some(line), None) if !whole_before => suite.lines.push((path, vec![line])),
                _ => {}
            }
        }
        project.suites.push(suite);
    }
    Ok(project)
}

/// `features/cart.feature:12`: the file and the line, as Behat's paths take them.
fn line_suffix(written: &str) -> Option<(&str, usize)> {
    let (path, line) = written.trim_end().rsplit_once(':')?;
    let line = line.parse::<usize>().ok().filter(|l| *l > 0)?;
    path.ends_with(".feature").then_some((path, line))
}

/// Where `value` is written in `text` as a setting's value (plain, quoted or double-quoted with
/// its backslashes doubled), the first time after a `name` key when there is one.
fn place_of(text: &str, value: &str) -> Option<usize> {
    let forms = [
        value.to_string(),
        value.replace('\\', "\\\\"),
        value.replace('\'', "''"),
    ];
    let found: Vec<usize> = forms
        .iter()
        .flat_map(|form| text.match_indices(form.as_str()).map(|(i, _)| i))
        .collect();
    let after_name = |i: &usize| {
        let line_start = text[..*i].rfind('\n').map_or(0, |l| l + 1);
        text[line_start..*i].contains("name")
    };
    found
        .iter()
        .copied()
        .filter(after_name)
        .min()
        .or_else(|| found.iter().copied().min())
}

/// Reads a `filters` mapping; a name filter that cannot be matched is the error, with the
/// value it is.
fn read_filters(
    value: &Value,
    at: &str,
    filters: &mut Filters,
    notes: &mut Vec<String>,
) -> Result<(), (String, String)> {
    let Some(map) = value.as_mapping() else {
        return Ok(());
    };
    for (k, v) in map {
        let (Some(k), Some(v)) = (k.as_str(), scalar(v)) else {
            continue;
        };
        match k {
            "tags" => filters.tags.push(v),
            "name" => {
                name_pattern(&v).map_err(|why| (why, v.clone()))?;
                filters.names.push(v);
            }
            other => notes.push(format!(
                "`{at}.{other}` is not read: smokegate filters by `tags` and `name`"
            )),
        }
    }
    Ok(())
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
    fn name_patterns_are_read_as_pcre_reads_them() {
        let matches = |filter: &str, title: &str| {
            name_pattern(filter)
                .expect("a pattern")
                .is_some_and(|p| p.is_match(title))
        };
        assert!(matches("/login/i", "LOGIN as admin"));
        assert!(matches("/^LOG/i", "login"));
        assert!(!matches("/login/", "Login"));
        assert!(matches("/a\\Kb/", "xab"));
        assert!(matches("/cart\\Z/", "the cart"));
        assert!(matches("/^\\w+$/", "cart_2"));
        assert!(!matches("/^\\w+$/", "café"));
        assert!(matches("/^\\w+$/u", "café"));
        assert!(matches("/a\\hb/", "a\tb"));
        assert!(!matches("/a\\vb/", "a\u{b}c"));
        assert!(matches("/\\<b>/", "<b>"));
        assert!(matches("/(?|a|b)c(?# why)/", "bc"));
        assert!(matches("/[]a]/", "]"));
        assert!(matches("/[a&&b]/", "&"));
        assert!(matches("/x{2}|y{/", "y{"));
        assert!(matches("/\\Q1+1\\E/", "1+1=2"));
        assert!(matches("/in \\/ out/", "in / out"));
        assert!(matches("/^(?'w'pay)/A", "pay by card"));
        assert!(!matches("/pay/A", "to pay"));
        assert!(name_pattern("checkout").expect("a text").is_none());
        let why = |filter: &str| name_pattern(filter).expect_err("refused");
        assert_eq!(
            why("/a++b/"),
            "name filter `/a++b/` uses a possessive quantifier `++`, which only PCRE has"
        );
        assert_eq!(
            why("/a{2,}+/"),
            "name filter `/a{2,}+/` uses a possessive quantifier `{2,}+`, which only PCRE has"
        );
        assert!(matches("/a+?b/", "aab"));
        assert_eq!(
            why("/(?<=x)a/"),
            "name filter `/(?<=x)a/` uses a lookbehind `(?<=`, which only PCRE has"
        );
        assert_eq!(
            why("/a(?!b)/"),
            "name filter `/a(?!b)/` uses a negative lookahead `(?!`, which only PCRE has"
        );
        assert_eq!(
            why("/(?>ab)/"),
            "name filter `/(?>ab)/` uses an atomic group `(?>`, which only PCRE has"
        );
        assert_eq!(
            why("/(a)\\1/"),
            "name filter `/(a)\\1/` uses a backreference `\\1`, which only PCRE has"
        );
        assert_eq!(
            why("/(?<n>a)\\k<n>/"),
            "name filter `/(?<n>a)\\k<n>/` uses a backreference `\\k<n>`, which only PCRE has"
        );
        assert_eq!(
            why("/\\((?R)?\\)/"),
            "name filter `/\\((?R)?\\)/` uses a recursion `(?R)`, which only PCRE has"
        );
        assert_eq!(
            why("/(*UTF8)a/"),
            "name filter `/(*UTF8)a/` uses a verb `(*UTF8)`, which only PCRE has"
        );
        assert_eq!(why("/login"), "name filter `/login` has no closing `/`: Behat reads a name that starts with `/` as `/pattern/flags` (write `/login/`, or the text without its `/`)");
        assert_eq!(
            why("/a/q"),
            "name filter `/a/q` has `q` after its closing `/`, which is no PCRE flag"
        );
        assert_eq!(why("/a/b/i"), "name filter `/a/b/i` has `b` after its closing `/`, which is no PCRE flag (a `/` inside the pattern is written `\\/`)");
        assert_eq!(
            why("/a(b/"),
            "name filter `/a(b/` is not a pattern smokegate can read: unclosed group"
        );
    }

    #[test]
    fn a_name_filter_that_cannot_be_matched_is_an_error_at_its_place() {
        let yml = "default:\n  suites:\n    shop:\n      filters:\n        tags: '@smoke'\n        name: \"/^Pay(?=ment)/\"\n";
        let e = read(Path::new("/p/behat.yml"), yml, None, &no_env).expect_err("refused");
        assert_eq!(
            e.message,
            "name filter `/^Pay(?=ment)/` uses a lookahead `(?=`, which only PCRE has"
        );
        assert_eq!(e.at, yml.find("/^Pay"));
        let yml = "default:\n  gherkin:\n    filters: { name: '/a\\d++/' }\n";
        let e = read(Path::new("/p/behat.yml"), yml, None, &no_env).expect_err("refused");
        assert_eq!(
            e.message,
            "name filter `/a\\d++/` uses a possessive quantifier `++`, which only PCRE has"
        );
        assert_eq!(e.at, yml.find("/a\\d"));
    }

    #[test]
    fn a_path_with_a_line_is_that_file_at_that_line() {
        let yml = "\
default:
  suites:
    checkout:
      paths:
        - features/checkout.feature:12
        - '%paths.base%/features/checkout.feature:30'
        - features/cart.feature:4
        - features/cart.feature
        - features/admin
        - 'C:/shop/x.feature:notaline'
";
        let p = read(Path::new("/p/behat.yml"), yml, None, &no_env).expect("reads");
        let suite = &p.suites[0];
        assert_eq!(
            suite.paths,
            [
                PathBuf::from("/p/features/checkout.feature"),
                PathBuf::from("/p/features/cart.feature"),
                PathBuf::from("/p/features/admin"),
                PathBuf::from("/p/C:/shop/x.feature:notaline"),
            ]
        );
        assert_eq!(
            suite.lines,
            [(PathBuf::from("/p/features/checkout.feature"), vec![12, 30])]
        );
        assert_eq!(
            suite.lines_of(Path::new("/p/features/checkout.feature")),
            Some(&[12, 30][..])
        );
        assert_eq!(suite.lines_of(Path::new("/p/features/cart.feature")), None);
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
                lines: Vec::new(),
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
