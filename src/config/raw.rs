//! The suite file as written: serde types with spans, before variables, defaults and plugin
//! lookup are applied. Owns the accepted keys and the JSON Schema made from them (`smokegate
//! schema`); must not resolve or validate meaning.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::kinds::{FailOnName, RawCheck, RetryOnName};

/// A smokegate suite file (TOML): `[defaults]`, `[vars]`, `[secrets]`, `[browser]`, `[import]`
/// and `[[check]]`.
// The loader reads these top-level keys one by one (to report every error with its place); this
// type only describes them for the schema.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, title = "smokegate suite")]
#[allow(dead_code)]
pub struct RawSuiteFile {
    /// Settings for every check of this file.
    defaults: Option<RawDefaults>,
    /// Variables used as `{{name}}`: `host = "${APP_HOST:-127.0.0.1}"` (`${ENV}`,
    /// `${ENV:-fallback}`; `$$` is a literal `$`). A var may use vars defined before it.
    vars: Option<BTreeMap<String, String>>,
    /// Vars whose values are masked as `****` in every output (at least 4 characters).
    secrets: Option<BTreeMap<String, String>>,
    /// How browser checks get a browser: chromedriver (or a WebDriver remote) and Chromium.
    browser: Option<RawBrowserSettings>,
    /// Where runs of this suite are recorded (`--history` and SMOKEGATE_HISTORY win over it).
    history: Option<RawHistorySettings>,
    /// Checks made from other tools' files: Selenium IDE projects, nrpe.cfg, Nagios objects.
    import: Option<RawImport>,
    /// The checks: each has a unique `name` and exactly one probe table (`nagios`, `exec`,
    /// `http`, `tls`, `tcp`, `dns`, `browser`, `nrpe` or `ssh`).
    check: Option<Vec<RawCheck>>,
}

/// The JSON Schema (draft 2020-12) of a suite file, made from the types the loader reads it with.
pub fn suite_schema() -> serde_json::Value {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<RawSuiteFile>()
        .to_value();
    drop_null(&mut schema);
    schema
}

/// TOML has no null: an absent key is how an optional value is left out, so `Option`'s
/// "or null" is taken out of the schema (editors would offer it otherwise).
fn drop_null(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(types)) = object.get_mut("type") {
                types.retain(|t| t != "null");
                if let [only] = types.as_slice() {
                    let only = only.clone();
                    object.insert("type".to_string(), only);
                }
            }
            if let Some(Value::Array(alternatives)) = object.get_mut("anyOf") {
                alternatives.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                if let [only] = alternatives.as_slice() {
                    if let Value::Object(only) = only.clone() {
                        object.remove("anyOf");
                        for (key, v) in only {
                            object.entry(key).or_insert(v);
                        }
                    }
                }
            }
            object.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// `[defaults]`: settings for every check of this file.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    /// Per attempt, a human duration ("10s", "1m 30s"); 10s if not given.
    #[schemars(with = "Option<String>")]
    pub timeout: Option<Spanned<String>>,
    /// Attempts after a failed one (0 if not given).
    #[schemars(with = "Option<u32>")]
    pub retries: Option<Spanned<u32>>,
    /// Wait between attempts, a human duration ("1s" if not given).
    #[schemars(with = "Option<String>")]
    pub retry_delay: Option<Spanned<String>>,
    /// Tags added to every check of this file.
    #[schemars(with = "Option<Vec<String>>")]
    pub tags: Option<Vec<Spanned<String>>>,
    /// Where bare plugin names are looked up (default: /usr/lib/nagios/plugins,
    /// /usr/lib64/nagios/plugins, /usr/local/nagios/libexec); relative to this file.
    #[schemars(with = "Option<Vec<String>>")]
    pub plugin_dirs: Option<Vec<Spanned<String>>>,
    /// Which states of this file's checks fail the gate, over `--fail-on`.
    #[schemars(with = "Option<FailOnName>")]
    pub fail_on: Option<Spanned<String>>,
    /// Which failed attempts `retries` repeat: `transient` (the default) or `any`.
    #[schemars(with = "Option<RetryOnName>")]
    pub retry_on: Option<Spanned<String>>,
}

/// `[history]`: the store every run of the suite is recorded in.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHistorySettings {
    /// An SQLite file (a path, relative to this suite file, or `sqlite:PATH`), made when
    /// missing. Vars and `${ENV}` expand in it.
    #[schemars(with = "String")]
    pub url: Spanned<String>,
}

/// `[browser]`: how browser checks get a browser.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBrowserSettings {
    /// chromedriver, started once per run (default /usr/bin/chromedriver).
    #[schemars(with = "Option<String>")]
    pub driver: Option<Spanned<String>>,
    /// A WebDriver remote end by URL (Selenium Grid) instead of `driver`.
    #[schemars(with = "Option<String>")]
    pub remote: Option<Spanned<String>>,
    /// The Chromium binary (default: /usr/lib/chromium/chromium-headless-shell where installed,
    /// else /usr/bin/chromium).
    #[schemars(with = "Option<String>")]
    pub binary: Option<Spanned<String>>,
    /// Concurrent browser sessions, separate from -j (default: one per CPU for a headless shell,
    /// else one per two CPUs, at least one).
    #[schemars(with = "Option<u32>")]
    pub sessions: Option<Spanned<u32>>,
    /// How long each step waits for its element, a human duration ("5s").
    #[schemars(with = "Option<String>")]
    pub implicit_wait: Option<Spanned<String>>,
    /// The window size, "WIDTHxHEIGHT" ("1280x800").
    #[schemars(with = "Option<String>")]
    pub window: Option<Spanned<String>>,
    /// Extra Chromium arguments.
    #[schemars(with = "Option<Vec<String>>")]
    pub args: Option<Vec<Spanned<String>>>,
}

/// `[import]`: checks made from other tools' files.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawImport {
    /// Selenium IDE projects: every selected test becomes a check.
    #[schemars(with = "Option<Entries<RawSideImport>>")]
    pub side: Option<Spanned<Entries<RawSideImport>>>,
    /// nrpe.cfg files: every `command[NAME]=LINE` becomes a check NAME, tagged nrpe.
    #[schemars(with = "Option<Entries<RawNrpeTable>>")]
    pub nrpe: Option<Spanned<Entries<RawNrpeTable>>>,
    /// Nagios object configuration: every service on every host becomes a check.
    #[schemars(with = "Option<RawNagiosEntry>")]
    pub nagios: Option<Spanned<RawNagiosEntry>>,
    /// Gherkin `.feature` files, or folders of them, relative to the suite file: every scenario
    /// (every example row of an outline) becomes a check. A path, or
    /// `{ path = "features/", base_url = "{{base}}" }`.
    #[schemars(with = "Option<Entries<RawFeatureImport>>")]
    pub features: Option<Spanned<Entries<RawFeatureImport>>>,
    /// A Behat project's `behat.yml`: its suites' features, filtered as Behat filters them, on
    /// MinkExtension's `base_url`. A path, or `{ file = "behat.yml", profile = "ci" }`.
    #[schemars(with = "Option<RawBehatEntry>")]
    pub behat: Option<Spanned<RawBehatEntry>>,
}

/// `{ path = "features/", base_url = "{{base}}", files_path = "fixtures/" }`
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFeatureImport {
    /// A `.feature` file or a folder of them, relative to this file.
    pub path: String,
    /// The site relative pages are on (`--base-url` replaces it).
    #[schemars(with = "Option<String>")]
    pub base_url: Option<Spanned<String>>,
    /// Where `attach the file` looks first, relative to this file (Mink's `files_path`); then
    /// the feature file's folder.
    pub files_path: Option<String>,
    /// Settings for its checks, as a `[[check]]` has them, by name or glob (`"*"`: all):
    /// `checks = { "*" = { needs = ["nginx"] }, check_load = { optional = true } }`.
    #[schemars(with = "Option<std::collections::BTreeMap<String, super::settings::RawSettings>>")]
    pub checks: Option<super::settings::RawChecks>,
}

/// `{ file = "behat.yml", profile = "ci", suites = ["smoke"] }`
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBehatImport {
    /// The project's `behat.yml` (or `behat.yml.dist`), relative to this file.
    pub file: String,
    /// The profile, as `behat --profile` (default: `default`).
    pub profile: Option<String>,
    /// Only these suites, as `behat --suite`.
    #[schemars(with = "Option<Vec<String>>")]
    pub suites: Option<Vec<Spanned<String>>>,
    /// Replaces MinkExtension's `base_url` (`--base-url` replaces both).
    #[schemars(with = "Option<String>")]
    pub base_url: Option<Spanned<String>>,
    /// Settings for its checks, as a `[[check]]` has them, by name or glob (`"*"`: all):
    /// `checks = { "*" = { needs = ["nginx"] }, check_load = { optional = true } }`.
    #[schemars(with = "Option<std::collections::BTreeMap<String, super::settings::RawSettings>>")]
    pub checks: Option<super::settings::RawChecks>,
}

/// An import entry written as its path alone, or as its table.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(untagged)]
pub enum PathOr<T> {
    Path(String),
    Table(T),
}

pub type RawBehatEntry = PathOr<RawBehatImport>;

impl<'de, T: Deserialize<'de>> Deserialize<'de> for PathOr<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entry<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Entry<T> {
            type Value = PathOr<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a path, or a table")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PathOr<T>, E> {
                Ok(PathOr::Path(v.to_string()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<PathOr<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(PathOr::Table)
            }
        }
        deserializer.deserialize_any(Entry(std::marker::PhantomData))
    }
}

/// One import entry, or a list of them: `nrpe = "nrpe.cfg"`, `side = ["a.side", { file =
/// "b.side", suites = ["smoke"] }]`; each entry a path or a table, with where it is written.
#[derive(Debug, JsonSchema)]
#[schemars(untagged)]
pub enum Entries<T> {
    One(PathOr<T>),
    Many(#[schemars(with = "Vec<PathOr<T>>")] Vec<Spanned<PathOr<T>>>),
}

impl<T> Entries<T> {
    /// Each entry with where it is written (a lone entry is where the list would be).
    pub fn entries(list: &Spanned<Entries<T>>) -> Vec<(std::ops::Range<usize>, &PathOr<T>)> {
        match list.get_ref() {
            Entries::One(entry) => vec![(list.span(), entry)],
            Entries::Many(entries) => entries.iter().map(|e| (e.span(), e.get_ref())).collect(),
        }
    }

    /// [`Entries::entries`], taken out of the list.
    pub fn into_entries(list: Spanned<Entries<T>>) -> Vec<(std::ops::Range<usize>, PathOr<T>)> {
        let span = list.span();
        match list.into_inner() {
            Entries::One(entry) => vec![(span, entry)],
            Entries::Many(entries) => entries
                .into_iter()
                .map(|e| (e.span(), e.into_inner()))
                .collect(),
        }
    }
}

/// What an import entry of `T` is, in the words of an error: `an nrpe.cfg path, a table with
/// `file`, or a list of them`.
pub trait EntryOf {
    const EXPECTING: &'static str;
}

impl EntryOf for RawNrpeTable {
    const EXPECTING: &'static str = "an nrpe.cfg path, a table with `file`, or a list of them";
}

impl EntryOf for RawSideImport {
    const EXPECTING: &'static str =
        "a Selenium IDE project (.side) path, a table with `file`, or a list of them";
}

impl EntryOf for RawFeatureImport {
    const EXPECTING: &'static str =
        "a .feature file or folder, a table with `path`, or a list of them";
}

impl<'de, T: Deserialize<'de> + EntryOf> Deserialize<'de> for Entries<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct List<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + EntryOf> serde::de::Visitor<'de> for List<T> {
            type Value = Entries<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(T::EXPECTING)
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Entries<T>, E> {
                Ok(Entries::One(PathOr::Path(v.to_string())))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Entries<T>, A::Error> {
                Vec::<Spanned<PathOr<T>>>::deserialize(
                    serde::de::value::SeqAccessDeserializer::new(seq),
                )
                .map(Entries::Many)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Entries<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|t| Entries::One(PathOr::Table(t)))
            }
        }
        deserializer.deserialize_any(List(std::marker::PhantomData))
    }
}

/// `nagios = { config = ["/etc/nagios4/objects/"], resource = "...", hosts = [...], ... }`
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNagiosImport {
    /// Files, folders (*.cfg, recursively) or a nagios.cfg whose cfg_file/cfg_dir are followed.
    pub config: Vec<String>,
    /// A resource.cfg with the `$USERn$` macros.
    pub resource: Option<String>,
    /// Only these hosts.
    #[schemars(with = "Option<Vec<String>>")]
    pub hosts: Option<Vec<Spanned<String>>>,
    /// Only the hosts of these hostgroups.
    #[schemars(with = "Option<Vec<String>>")]
    pub hostgroups: Option<Vec<Spanned<String>>>,
    /// Only services whose description matches one of these globs.
    #[schemars(with = "Option<Vec<String>>")]
    pub services: Option<Vec<Spanned<String>>>,
    /// Settings for its checks, as a `[[check]]` has them, by name or glob (`"*"`: all):
    /// `checks = { "*" = { needs = ["nginx"] }, check_load = { optional = true } }`.
    #[schemars(with = "Option<std::collections::BTreeMap<String, super::settings::RawSettings>>")]
    pub checks: Option<super::settings::RawChecks>,
}

/// `[import] nagios`: `"/etc/nagios4/nagios.cfg"`, a list of such paths, or a table with `config`
/// and a selection.
#[derive(Debug, JsonSchema)]
#[schemars(untagged)]
pub enum RawNagiosEntry {
    Path(String),
    Paths(Vec<String>),
    Table(RawNagiosImport),
}

impl RawNagiosEntry {
    /// As the table it stands for: a path or a list is `config` and no selection.
    pub fn table(&self) -> std::borrow::Cow<'_, RawNagiosImport> {
        let config = match self {
            RawNagiosEntry::Table(table) => return std::borrow::Cow::Borrowed(table),
            RawNagiosEntry::Path(path) => vec![path.clone()],
            RawNagiosEntry::Paths(paths) => paths.clone(),
        };
        std::borrow::Cow::Owned(RawNagiosImport {
            config,
            resource: None,
            hosts: None,
            hostgroups: None,
            services: None,
            checks: None,
        })
    }
}

impl<'de> Deserialize<'de> for RawNagiosEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> serde::de::Visitor<'de> for Entry {
            type Value = RawNagiosEntry;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a nagios.cfg (or objects) path, a list of paths, or a table with `config`",
                )
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawNagiosEntry, E> {
                Ok(RawNagiosEntry::Path(v.to_string()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<RawNagiosEntry, A::Error> {
                Vec::<String>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(RawNagiosEntry::Paths)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RawNagiosEntry, A::Error> {
                RawNagiosImport::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawNagiosEntry::Table)
            }
        }
        deserializer.deserialize_any(Entry)
    }
}

/// `{ file = "/etc/nagios/nrpe.cfg", commands = ["check_*"], args = { check_disk = ["20%"] } }`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNrpeTable {
    /// The nrpe.cfg file; its include= and include_dir= are followed.
    pub file: String,
    /// Only commands whose name matches one of these globs.
    #[schemars(with = "Option<Vec<String>>")]
    pub commands: Option<Vec<Spanned<String>>>,
    /// Arguments (`$ARG1$`, ...) for commands that use them: command name = list.
    pub args: Option<BTreeMap<String, Vec<String>>>,
    /// Tags for these checks (besides nrpe).
    #[schemars(with = "Option<Vec<String>>")]
    pub tags: Option<Vec<Spanned<String>>>,
    /// Settings for its checks, as a `[[check]]` has them, by name or glob (`"*"`: all):
    /// `checks = { "*" = { needs = ["nginx"] }, check_load = { optional = true } }`.
    #[schemars(with = "Option<std::collections::BTreeMap<String, super::settings::RawSettings>>")]
    pub checks: Option<super::settings::RawChecks>,
}

/// `{ file = "shop.side", suites = ["smoke"], base_url = "{{base}}" }`, or `"shop.side"`: every
/// test of its suites.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSideImport {
    /// A Selenium IDE project (.side), relative to this file.
    #[schemars(with = "String")]
    pub file: Spanned<String>,
    /// Only the tests of these suites, by name.
    #[schemars(with = "Option<Vec<String>>")]
    pub suites: Option<Vec<Spanned<String>>>,
    /// Only these tests, by name.
    #[schemars(with = "Option<Vec<String>>")]
    pub tests: Option<Vec<Spanned<String>>>,
    /// Replaces the project's `url`.
    #[schemars(with = "Option<String>")]
    pub base_url: Option<Spanned<String>>,
    /// Tags for these checks.
    #[schemars(with = "Option<Vec<String>>")]
    pub tags: Option<Vec<Spanned<String>>>,
    /// Settings for its checks, as a `[[check]]` has them, by name or glob (`"*"`: all):
    /// `checks = { "*" = { needs = ["nginx"] }, check_load = { optional = true } }`.
    #[schemars(with = "Option<std::collections::BTreeMap<String, super::settings::RawSettings>>")]
    pub checks: Option<super::settings::RawChecks>,
}

impl RawSideImport {
    /// `side = "shop.side"`: the project's file, nothing else given.
    pub fn file(file: Spanned<String>) -> RawSideImport {
        RawSideImport {
            file,
            suites: None,
            tests: None,
            base_url: None,
            tags: None,
            checks: None,
        }
    }
}
