//! Nagios object configuration (files, folders, or a nagios.cfg's `cfg_file=`/`cfg_dir=`) resolved
//! into concrete service checks: `define command/host/hostgroup/service`, templates through
//! `use` (several, in order) and `register 0`, `check_command name!arg1!arg2` with `\!`, and the
//! macros `$USERn$`, `$ARGn$`, `$HOSTNAME$`, `$HOSTADDRESS$`, `$HOSTALIAS$`, `$SERVICEDESC$`,
//! `$_HOSTvar$`, `$_SERVICEvar$`. A host's own `check_command` is its host check, run as Nagios
//! runs it; a passive service or host (`active_checks_enabled 0`) is never run by Nagios and is
//! left out, each with a line saying so. Every problem points at file:line:col. Must not run
//! anything.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::nagios_resource::{Origin, UserMacroError, UserMacros};
use crate::source::diag::Diagnostic;

/// What to import and which part of it.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    pub config: Vec<PathBuf>,
    pub resource: Option<PathBuf>,
    pub hosts: Vec<String>,
    pub hostgroups: Vec<String>,
    /// Glob patterns on service_description.
    pub services: Vec<String>,
}

/// The spans of the `hosts`, `hostgroups` and `services` entries in the suite file that gave
/// them, index for index, so that an entry that selects nothing is an error at its place.
#[derive(Clone, Debug)]
pub struct SelectionSites {
    pub file: PathBuf,
    pub source: Arc<str>,
    pub hosts: Vec<Range<usize>>,
    pub hostgroups: Vec<Range<usize>>,
    pub services: Vec<Range<usize>>,
}

/// Which selection list an entry is in.
#[derive(Clone, Copy, Debug)]
enum Selector {
    Host,
    Hostgroup,
    Service,
}

/// The options and, for a suite file, where its selections were written.
struct Selection<'a> {
    opts: &'a ImportOptions,
    sites: Option<&'a SelectionSites>,
}

impl Selection<'_> {
    /// An error about entry `index` of a selection list: at its place in the suite file, or
    /// naming the command-line option that gave it.
    fn error(&self, which: Selector, index: usize, message: String) -> Diagnostic {
        let opts = self.opts;
        let (flag, values) = match which {
            Selector::Host => ("--host", &opts.hosts),
            Selector::Hostgroup => ("--hostgroup", &opts.hostgroups),
            Selector::Service => ("--service", &opts.services),
        };
        let site = self.sites.and_then(|s| {
            let spans = match which {
                Selector::Host => &s.hosts,
                Selector::Hostgroup => &s.hostgroups,
                Selector::Service => &s.services,
            };
            spans.get(index).map(|span| (s, span))
        });
        match site {
            Some((s, span)) => Diagnostic::new(&s.file, &s.source, span.clone(), message),
            None => {
                let value = values.get(index).map_or("", String::as_str);
                Diagnostic::file_level(Path::new(&format!("{flag} {value}")), message)
            }
        }
    }
}

/// One service on one host, or a host's own check, ready to run.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedService {
    pub host: String,
    /// The service_description; [`HOST_CHECK`] for a host check.
    pub service: String,
    /// The host's own `check_command`, not a service.
    pub host_check: bool,
    pub command_line: String,
    pub hostgroups: Vec<String>,
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    /// The `$USERn$` (name and value) its command line's program path starts with
    /// (`$USER1$/check_ping`): a path, shown as the macro in messages.
    pub path_macro: Option<(String, String)>,
}

/// What a host check is called in place of a service_description.
pub const HOST_CHECK: &str = "host check";

impl ImportedService {
    /// The check's name: `SERVICE @ HOST`, `host check @ HOST` for a host check.
    pub fn name(&self) -> String {
        format!("{} @ {}", self.service, self.host)
    }

    /// The check's tags: `nagios`, the host, its hostgroups, and `host-check` for a host check.
    pub fn tags(&self) -> Vec<String> {
        let mut tags = vec!["nagios".to_string(), self.host.clone()];
        tags.extend(self.hostgroups.iter().cloned());
        if self.host_check {
            tags.push("host-check".to_string());
        }
        tags
    }

    /// What the check is, for messages: ``service `S` on `H` `` or ``host check of `H` ``.
    pub fn what(&self) -> String {
        if self.host_check {
            format!("host check of `{}`", self.host)
        } else {
            format!("service `{}` on `{}`", self.service, self.host)
        }
    }
}

/// A service or host check that Nagios never runs itself, left out of the import: passive
/// (`active_checks_enabled 0`: its results come from outside), or a service on no host (a
/// hostgroup without members, which nagios4 accepts and runs nowhere).
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub file: PathBuf,
    pub line: usize,
    /// ``service `S` on `H1`, `H2` `` or ``host check of `H` ``.
    pub what: String,
    /// Why Nagios does not run it, ending with `not imported`.
    pub why: String,
}

/// Why a passive check is left out.
const PASSIVE: &str = "passive (active_checks_enabled 0), not imported";

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.what,
            self.why
        )
    }
}

/// A directive: value, and where the value starts in which file (a template's, when inherited).
#[derive(Clone, Debug)]
struct Directive {
    value: String,
    file: usize,
    at: usize,
}

#[derive(Clone, Debug)]
struct Object {
    kind: String,
    vars: BTreeMap<String, Directive>,
    file: usize,
    at: usize,
}

struct Sources {
    files: Vec<(PathBuf, Arc<str>)>,
}

impl Sources {
    fn diag(&self, file: usize, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let (path, source) = &self.files[file];
        Diagnostic::new(path, source, span, message)
    }
}

/// What an import yields: the services and host checks, what was left out as passive, and each
/// hostgroup's hosts as (host_name, address) for fanning other checks out to them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NagiosImport {
    pub services: Vec<ImportedService>,
    pub skipped: Vec<Skipped>,
    pub hostgroups: BTreeMap<String, Vec<(String, String)>>,
}

/// The `$USERn$` values read are added to `secrets`, also when the import fails: its errors may
/// show them.
pub fn import(
    opts: &ImportOptions,
    secrets: &mut Vec<String>,
) -> Result<NagiosImport, Vec<Diagnostic>> {
    import_from(opts, None, secrets)
}

/// [`import`] for a suite file's `[import] nagios`: a selection entry that selects nothing is an
/// error at its place in `sites`.
pub fn import_from(
    opts: &ImportOptions,
    sites: Option<&SelectionSites>,
    secrets: &mut Vec<String>,
) -> Result<NagiosImport, Vec<Diagnostic>> {
    let mut sources = Sources { files: Vec::new() };
    let mut diags = Vec::new();
    let mut collected = Collected::default();
    for p in &opts.config {
        collect(p, &mut collected, &mut diags, &mut Vec::new(), false, None);
    }
    let mut objects = Vec::new();
    for path in collected.files {
        match crate::source::files::read_bytes(&path) {
            Ok(bytes) => {
                let text: Arc<str> = Arc::from(String::from_utf8_lossy(&bytes).into_owned());
                sources.files.push((path, Arc::clone(&text)));
                parse(
                    &text,
                    sources.files.len() - 1,
                    &sources,
                    &mut objects,
                    &mut diags,
                );
            }
            Err(e) => diags.push(Diagnostic::file_level(
                &path,
                format!("cannot read Nagios config: {e}"),
            )),
        }
    }
    let mut user = UserMacros::read(&collected.resources, opts.resource.as_deref(), &mut diags);
    // Templates included: a command inherits its command_line.
    user.mark_paths(
        objects
            .iter()
            .filter(|o| o.kind == "command")
            .filter_map(|o| o.vars.get("command_line"))
            .filter_map(|d| program_macro(&d.value)),
    );
    secrets.extend(user.secrets().map(str::to_string));
    if !diags.is_empty() {
        return Err(diags);
    }
    let resolved = Resolver::new(&objects, &sources).resolve_all(&mut diags);
    let selection = Selection { opts, sites };
    let (services, skipped) = instantiate(
        &resolved,
        &user,
        &selection,
        &sources,
        collected.allow_empty_hostgroup,
        &mut diags,
    );
    let hostgroups = hostgroups(&resolved);
    if diags.is_empty() {
        Ok(NagiosImport {
            services,
            skipped,
            hostgroups,
        })
    } else {
        Err(diags)
    }
}

/// What a nagios.cfg and what it leads to give: the object files to read, and the resource
/// files its `resource_file=` lines name (each with that line).
#[derive(Default)]
struct Collected {
    files: Vec<PathBuf>,
    resources: Vec<(PathBuf, Origin)>,
    /// nagios.cfg's `allow_empty_hostgroup_assignment` (`atoi(value) > 0`, as nagios4 reads
    /// it): a service whose `hostgroup_name` gives no hostgroup is then run nowhere, not an
    /// error.
    allow_empty_hostgroup: bool,
}

/// Files to read: a nagios.cfg is followed through cfg_file=/cfg_dir= (to any depth; a file
/// that leads back to one on its own chain is a cycle, reported once) and its resource_file=
/// lines are kept; folders give *.cfg. Relative paths are taken from the nagios.cfg's folder, as
/// Nagios does. `scanned`: the file was found in a folder rather than named; `from`: the line
/// that named it.
fn collect(
    path: &Path,
    out: &mut Collected,
    diags: &mut Vec<Diagnostic>,
    chain: &mut Vec<(PathBuf, (u64, u64))>,
    scanned: bool,
    from: Option<&Origin>,
) {
    let fail = |diags: &mut Vec<Diagnostic>, message: String| match from {
        Some(origin) => diags.push(origin.diag(message)),
        None => diags.push(Diagnostic::file_level(path, message)),
    };
    if path.is_dir() {
        match crate::source::files::walk(path, &["cfg"]) {
            Ok(walked) => {
                for (refused, why) in walked.refused {
                    match from {
                        Some(origin) => {
                            diags.push(origin.diag(format!("{}: {why}", refused.display())))
                        }
                        None => diags.push(Diagnostic::file_level(&refused, why)),
                    }
                }
                for file in walked.files {
                    collect(&file, out, diags, chain, true, None);
                }
            }
            Err(e) => fail(diags, format!("cannot list folder {}: {e}", path.display())),
        }
        return;
    }
    let id = crate::source::files::identity(path);
    if let Some(id) = id {
        if let Some(at) = chain.iter().position(|(_, i)| *i == id) {
            let names: Vec<String> = chain[at..]
                .iter()
                .map(|(p, _)| p.display().to_string())
                .chain(std::iter::once(path.display().to_string()))
                .collect();
            fail(diags, format!("cfg_file cycle: {}", names.join(" -> ")));
            return;
        }
    }
    let text = match crate::source::files::read_bytes(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            fail(
                diags,
                format!("cannot read Nagios config {}: {e}", path.display()),
            );
            return;
        }
    };
    let source: Arc<str> = Arc::from(text);
    // A main config has cfg_file=/cfg_dir=/resource_file= lines and no object definitions.
    let mut mains: Vec<(&str, Origin)> = Vec::new();
    let mut offset = 0;
    for raw in source.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let Some((key, value)) = trimmed.split_once('=') else {
            continue;
        };
        if matches!(
            key.trim(),
            "use_regexp_matching" | "use_true_regexp_matching"
        ) && value.trim() == "1"
        {
            // Nagios would match this configuration's host and service names as regular
            // expressions; read literally, services would silently run on no host.
            let at = start + (line.len() - trimmed.len());
            diags.push(Origin {
                file: path.to_path_buf(),
                source: Arc::clone(&source),
                span: at..at + trimmed.trim_end().len(),
            }
            .diag(format!(
                "{}=1: Nagios matches names as regular expressions here, which smokegate does not; it would run services on other hosts than Nagios does",
                key.trim()
            )));
            continue;
        }
        if key.trim() == "allow_empty_hostgroup_assignment" {
            out.allow_empty_hostgroup = atoi(value) > 0;
            continue;
        }
        if let key @ ("cfg_file" | "cfg_dir" | "resource_file") = key.trim() {
            let value_at =
                start + (line.len() - trimmed.len()) + trimmed.find('=').unwrap_or(0) + 1;
            let lead = value.len() - value.trim_start().len();
            let span = value_at + lead..value_at + lead + value.trim().len();
            mains.push((
                key,
                Origin {
                    file: path.to_path_buf(),
                    source: Arc::clone(&source),
                    span,
                },
            ));
        }
    }
    if mains.is_empty() {
        // In a scanned folder, key=value files without objects (resource.cfg, cgi.cfg) are not
        // object files; a file named explicitly is read whatever it holds.
        let has_objects = source.lines().any(|l| l.trim_start().starts_with("define"));
        if (has_objects || !scanned) && !out.files.contains(&path.to_path_buf()) {
            out.files.push(path.to_path_buf());
        }
        return;
    }
    let base = path.parent().unwrap_or(Path::new("."));
    if let Some(id) = id {
        chain.push((path.to_path_buf(), id));
    }
    for (key, origin) in mains {
        let target = base.join(&origin.source[origin.span.clone()]);
        if key == "resource_file" {
            out.resources.push((target, origin));
        } else {
            collect(&target, out, diags, chain, false, Some(&origin));
        }
    }
    if id.is_some() {
        chain.pop();
    }
}

/// Cuts a line at an unescaped `;` (Nagios' inline comments) and unescapes `\;`.
fn strip_comment(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&';') => {
                out.push(';');
                chars.next();
            }
            ';' => break,
            c => out.push(c),
        }
    }
    out
}

fn parse(
    text: &str,
    file: usize,
    sources: &Sources,
    objects: &mut Vec<Object>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut current: Option<Object> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let lead = start + (line.len() - trimmed.len());
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let content = strip_comment(trimmed);
        let content = content.trim_end();
        match &mut current {
            None => {
                let Some(rest) = content.strip_prefix("define") else {
                    diags.push(sources.diag(
                        file,
                        lead..start + line.len(),
                        "expected `define TYPE {`",
                    ));
                    continue;
                };
                // As nagios4 reads it (xodtemplate_process_config_file): the type is the word
                // after `define`, up to a space, a tab or `{`, and the `{` may be left out.
                let rest = rest.trim_start();
                let end = rest.find([' ', '\t', '{']).unwrap_or(rest.len());
                let (kind, after) = rest.split_at(end);
                if kind.is_empty() {
                    diags.push(sources.diag(
                        file,
                        lead..start + line.len(),
                        "expected `define TYPE {`",
                    ));
                    continue;
                }
                if !matches!(after.trim(), "" | "{") {
                    // Nagios would pass over the rest of the line; the object is still read,
                    // so that its lines are not each an error.
                    diags.push(sources.diag(
                        file,
                        lead..start + line.len(),
                        "expected `{` after `define TYPE`",
                    ));
                }
                current = Some(Object {
                    kind: kind.to_string(),
                    vars: BTreeMap::new(),
                    file,
                    at: lead,
                });
            }
            Some(obj) => {
                if content == "}" {
                    if let Some(done) = current.take() {
                        objects.push(done);
                    }
                    continue;
                }
                let (key, value) = content
                    .split_once(char::is_whitespace)
                    .unwrap_or((content, ""));
                if key == "{" {
                    // nagios4 reads a `{` of its own line inside a definition as a directive,
                    // and rejects the configuration for it.
                    let (line_no, _) =
                        crate::source::diag::line_col(&sources.files[obj.file].1, obj.at);
                    diags.push(sources.diag(
                        file,
                        lead..lead + 1,
                        format!(
                            "`{{` on a line of its own in `define {kind}` (line {line_no}): nagios4 rejects it too (\"Invalid {kind} object directive '{{'\"); write `define {kind} {{` on one line",
                            kind = obj.kind
                        ),
                    ));
                    continue;
                }
                let value_at = lead
                    + key.len()
                    + (content[key.len()..].len() - content[key.len()..].trim_start().len());
                obj.vars.insert(
                    key.to_string(),
                    Directive {
                        value: value.trim().to_string(),
                        file,
                        at: value_at,
                    },
                );
            }
        }
    }
    if let Some(obj) = current {
        diags.push(sources.diag(
            obj.file,
            obj.at..obj.at + 6,
            format!("`define {}` is never closed with `}}`", obj.kind),
        ));
    }
}

/// Objects with their templates applied.
struct Resolver<'a> {
    objects: &'a [Object],
    sources: &'a Sources,
    templates: HashMap<(String, String), usize>,
}

impl<'a> Resolver<'a> {
    fn new(objects: &'a [Object], sources: &'a Sources) -> Resolver<'a> {
        let templates = objects
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                o.vars
                    .get("name")
                    .map(|n| ((o.kind.clone(), n.value.clone()), i))
            })
            .collect();
        Resolver {
            objects,
            sources,
            templates,
        }
    }

    /// Registered objects, each with every directive it has or inherits.
    fn resolve_all(&self, diags: &mut Vec<Diagnostic>) -> Vec<Object> {
        let mut out = Vec::new();
        for (i, obj) in self.objects.iter().enumerate() {
            if obj.vars.get("register").is_some_and(|r| r.value == "0") {
                continue;
            }
            let mut chain = vec![i];
            if let Some(vars) = self.inherit(i, &mut chain, diags) {
                out.push(Object {
                    vars,
                    ..obj.clone()
                });
            }
        }
        out
    }

    fn inherit(
        &self,
        i: usize,
        chain: &mut Vec<usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<BTreeMap<String, Directive>> {
        let obj = &self.objects[i];
        let mut vars = obj.vars.clone();
        let no_use = Directive {
            value: String::new(),
            file: obj.file,
            at: 0,
        };
        let uses = obj.vars.get("use").unwrap_or(&no_use);
        for name in uses
            .value
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let Some(&t) = self.templates.get(&(obj.kind.clone(), name.to_string())) else {
                diags.push(self.sources.diag(
                    obj.file,
                    uses.at..uses.at + uses.value.len(),
                    format!("unknown {} template `{name}`", obj.kind),
                ));
                return None;
            };
            if chain.contains(&t) {
                diags.push(self.sources.diag(
                    obj.file,
                    uses.at..uses.at + uses.value.len(),
                    format!("template cycle through `{name}`"),
                ));
                return None;
            }
            chain.push(t);
            let inherited = self.inherit(t, chain, diags)?;
            chain.pop();
            for (k, v) in inherited {
                // Own values, then earlier templates, win; `name`, `register` and `use` do not
                // inherit. An own `+value` is added to the inherited list (Nagios' additive
                // inheritance).
                if matches!(k.as_str(), "name" | "register" | "use") {
                    continue;
                }
                match vars.get_mut(&k) {
                    Some(own) if own.value.starts_with('+') => {
                        own.value = format!("{},{}", v.value, &own.value[1..]);
                    }
                    Some(_) => {}
                    None => {
                        vars.insert(k, v);
                    }
                }
            }
        }
        // `+value` with nothing to add to is the value; `null` means not set (and not inherited).
        for d in vars.values_mut() {
            if let Some(rest) = d.value.strip_prefix('+') {
                d.value = rest.to_string();
            }
        }
        if chain.len() == 1 {
            vars.retain(|_, d| d.value != "null");
        }
        Some(vars)
    }
}

fn list(value: Option<&Directive>) -> Vec<String> {
    value
        .map(|d| {
            d.value
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Hostgroup -> its hosts (name, address), from `members` (`*` for every host, `!host` to leave
/// one out), the hosts' `hostgroups`, and the hosts of the groups in `hostgroup_members`
/// (nested, as deep as they go), as Nagios expands them.
fn hostgroups(objects: &[Object]) -> BTreeMap<String, Vec<(String, String)>> {
    let value = |o: &Object, k: &str| o.vars.get(k).map(|d| d.value.clone());
    let hosts: Vec<(String, String)> = objects
        .iter()
        .filter(|o| o.kind == "host")
        .filter_map(|h| {
            let name = value(h, "host_name")?;
            let address = value(h, "address").unwrap_or_else(|| name.clone());
            Some((name, address))
        })
        .collect();
    let mut direct: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut nested: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for o in objects {
        if o.kind == "hostgroup" {
            if let Some(name) = value(o, "hostgroup_name") {
                let members = list(o.vars.get("members"));
                let excluded: Vec<&str> =
                    members.iter().filter_map(|m| m.strip_prefix('!')).collect();
                let mut named: Vec<String> = Vec::new();
                for m in members.iter().filter(|m| !m.starts_with('!')) {
                    if m == "*" {
                        named.extend(hosts.iter().map(|(h, _)| h.clone()));
                    } else {
                        named.push(m.clone());
                    }
                }
                named.retain(|h| !excluded.contains(&h.as_str()));
                direct.entry(name.clone()).or_default().extend(named);
                nested
                    .entry(name)
                    .or_default()
                    .extend(list(o.vars.get("hostgroup_members")));
            }
        } else if o.kind == "host" {
            if let Some(host) = value(o, "host_name") {
                for g in list(o.vars.get("hostgroups")) {
                    direct.entry(g).or_default().push(host.clone());
                }
            }
        }
    }
    let mut groups: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for group in direct.keys().chain(nested.keys()) {
        // The group and every group nested in it, each once (a cycle ends where it closes).
        let mut seen = vec![group.clone()];
        let mut i = 0;
        while i < seen.len() {
            for inner in nested.get(&seen[i]).into_iter().flatten() {
                if !seen.contains(inner) {
                    seen.push(inner.clone());
                }
            }
            i += 1;
        }
        let members = groups.entry(group.clone()).or_default();
        for g in &seen {
            for host in direct.get(g).into_iter().flatten() {
                if let Some(h) = hosts.iter().find(|(n, _)| n == host) {
                    if !members.contains(h) {
                        members.push(h.clone());
                    }
                }
            }
        }
    }
    groups
}

fn instantiate(
    objects: &[Object],
    user: &UserMacros,
    selection: &Selection<'_>,
    sources: &Sources,
    allow_empty_hostgroup: bool,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<ImportedService>, Vec<Skipped>) {
    let opts = selection.opts;
    let of = |kind: &'static str| objects.iter().filter(move |o| o.kind == kind);
    let commands: HashMap<String, &Object> = of("command")
        .filter_map(|o| o.vars.get("command_name").map(|n| (n.value.clone(), o)))
        .collect();
    let hosts: Vec<&Object> = of("host")
        .filter(|o| o.vars.contains_key("host_name"))
        .collect();
    let host_name = |o: &Object| {
        o.vars
            .get("host_name")
            .map(|d| d.value.clone())
            .unwrap_or_default()
    };
    // Hostgroup membership as Nagios expands it (members, hosts' hostgroups, nested groups).
    let groups: BTreeMap<String, Vec<String>> = hostgroups(objects)
        .into_iter()
        .map(|(g, members)| (g, members.into_iter().map(|(name, _)| name).collect()))
        .collect();
    // The hostgroups defined (registered), as a service's `hostgroup_name` may name them.
    let defined_groups: Vec<String> = of("hostgroup")
        .filter_map(|o| o.vars.get("hostgroup_name").map(|d| d.value.clone()))
        .collect();
    let groups_of = |host: &str| -> Vec<String> {
        groups
            .iter()
            .filter(|(_, m)| m.iter().any(|x| x == host))
            .map(|(g, _)| g.clone())
            .collect()
    };
    // Every entry of every selection list must select something: a typo must not shrink the
    // gate. `*_hits[i]`: entry i selected a service on a host.
    let mut host_hits = vec![false; opts.hosts.len()];
    let mut group_hits = vec![false; opts.hostgroups.len()];
    let mut service_hits = vec![false; opts.services.len()];
    let mut service_defined = vec![false; opts.services.len()];
    let mut patterns = Vec::new();
    for (i, p) in opts.services.iter().enumerate() {
        match globset::Glob::new(p) {
            Ok(g) => patterns.push(Some(g.compile_matcher())),
            Err(e) => {
                diags.push(selection.error(
                    Selector::Service,
                    i,
                    format!("invalid service pattern `{p}`: {e}"),
                ));
                patterns.push(None);
            }
        }
    }
    let host_selected = |h: &str| {
        (opts.hosts.is_empty() && opts.hostgroups.is_empty())
            || opts.hosts.iter().any(|x| x == h)
            || opts
                .hostgroups
                .iter()
                .any(|g| groups.get(g).is_some_and(|m| m.iter().any(|x| x == h)))
    };
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    let whereabouts = |o: &Object| {
        let (path, source) = &sources.files[o.file];
        let (line, col) = crate::source::diag::line_col(source, o.at);
        (path.clone(), line, col)
    };
    // Each selected host's own check_command, as Nagios runs it, before the services on it. A
    // `services` selection picks services only.
    let mut checked_hosts: Vec<String> = Vec::new();
    for host in hosts.iter().filter(|_| opts.services.is_empty()) {
        let name = host_name(host);
        if checked_hosts.contains(&name) || !host_selected(&name) {
            continue;
        }
        checked_hosts.push(name.clone());
        let Some(check) = host.vars.get("check_command") else {
            continue;
        };
        for (i, h) in opts.hosts.iter().enumerate() {
            host_hits[i] |= *h == name;
        }
        for (i, g) in opts.hostgroups.iter().enumerate() {
            group_hits[i] |= groups.get(g).is_some_and(|m| m.contains(&name));
        }
        let whose = format!("host check of `{name}`");
        let (file, line, col) = whereabouts(host);
        if passive(host) {
            skipped.push(Skipped {
                file,
                line,
                what: whose,
                why: PASSIVE.to_string(),
            });
            continue;
        }
        let Some((parts, command_line)) = command_of(check, &commands, sources, diags, &whose)
        else {
            continue;
        };
        match expand(&command_line.value, &parts[1..], user, host, None) {
            Ok(expanded) => out.push(ImportedService {
                hostgroups: groups_of(&name),
                host: name,
                service: HOST_CHECK.to_string(),
                host_check: true,
                command_line: expanded,
                file,
                line,
                col,
                path_macro: path_macro_of(&command_line.value, user),
            }),
            Err(e) => macro_error(e, command_line, &parts[0], &whose, sources, diags),
        }
    }
    for svc in of("service") {
        let desc = svc
            .vars
            .get("service_description")
            .map(|d| d.value.clone())
            .unwrap_or_default();
        let matching: Vec<usize> = patterns
            .iter()
            .enumerate()
            .filter(|(_, p)| p.as_ref().is_some_and(|p| p.is_match(&desc)))
            .map(|(i, _)| i)
            .collect();
        if !opts.services.is_empty() && matching.is_empty() {
            continue;
        }
        for &i in &matching {
            service_defined[i] = true;
        }
        let Some(targets) = service_hosts(
            svc,
            &desc,
            &hosts,
            &groups,
            &defined_groups,
            allow_empty_hostgroup,
            sources,
            diags,
        ) else {
            continue;
        };
        let (targets, excluded) = match targets {
            Targets::Hosts { on, excluded } => (on, excluded),
            Targets::Nowhere(why) => {
                let (file, line, _) = whereabouts(svc);
                skipped.push(Skipped {
                    file,
                    line,
                    what: format!("service `{desc}`"),
                    why,
                });
                continue;
            }
        };
        // The selected hosts it runs on, in definition order, each once. The selection is
        // credited before the service's own errors, which are reported for themselves.
        let mut selected: Vec<&Object> = Vec::new();
        for host in hosts
            .iter()
            .filter(|h| targets.contains(&host_name(h)) && !excluded.contains(&host_name(h)))
        {
            let name = host_name(host);
            if selected.iter().any(|h| host_name(h) == name) || !host_selected(&name) {
                continue;
            }
            selected.push(host);
            for &i in &matching {
                service_hits[i] = true;
            }
            for (i, h) in opts.hosts.iter().enumerate() {
                host_hits[i] |= *h == name;
            }
            for (i, g) in opts.hostgroups.iter().enumerate() {
                group_hits[i] |= groups.get(g).is_some_and(|m| m.contains(&name));
            }
        }
        if selected.is_empty() {
            continue;
        }
        let (file, line_no, col) = whereabouts(svc);
        if passive(svc) {
            let on: Vec<String> = selected
                .iter()
                .map(|h| format!("`{}`", host_name(h)))
                .collect();
            skipped.push(Skipped {
                file,
                line: line_no,
                what: format!("service `{desc}` on {}", on.join(", ")),
                why: PASSIVE.to_string(),
            });
            continue;
        }
        let Some(check) = svc.vars.get("check_command") else {
            diags.push(sources.diag(
                svc.file,
                svc.at..svc.at + 6,
                format!("service `{desc}` has no check_command"),
            ));
            continue;
        };
        let Some((parts, command_line)) = command_of(
            check,
            &commands,
            sources,
            diags,
            &format!("service `{desc}`"),
        ) else {
            continue;
        };
        for host in selected {
            let name = host_name(host);
            match expand(
                &command_line.value,
                &parts[1..],
                user,
                host,
                Some((svc, &desc)),
            ) {
                Ok(expanded) => out.push(ImportedService {
                    hostgroups: groups_of(&name),
                    host: name,
                    service: desc.clone(),
                    host_check: false,
                    command_line: expanded,
                    file: file.clone(),
                    line: line_no,
                    col,
                    path_macro: path_macro_of(&command_line.value, user),
                }),
                Err(e) => {
                    let whose = format!("service `{desc}` on `{name}`");
                    macro_error(e, command_line, &parts[0], &whose, sources, diags);
                }
            }
        }
    }
    let selected_service = if opts.services.is_empty() {
        "service"
    } else {
        "selected service"
    };
    for (i, h) in opts.hosts.iter().enumerate() {
        if host_hits[i] {
            continue;
        }
        let message = if hosts.iter().any(|o| &host_name(o) == h) {
            format!("host `{h}` runs no {selected_service}")
        } else {
            format!("no host `{h}` in the Nagios configuration")
        };
        diags.push(selection.error(Selector::Host, i, message));
    }
    for (i, g) in opts.hostgroups.iter().enumerate() {
        if group_hits[i] {
            continue;
        }
        let message = if groups.contains_key(g) {
            format!("no host of hostgroup `{g}` runs a {selected_service}")
        } else {
            format!("no hostgroup `{g}` in the Nagios configuration")
        };
        diags.push(selection.error(Selector::Hostgroup, i, message));
    }
    for (i, p) in opts.services.iter().enumerate() {
        if service_hits[i] || patterns[i].is_none() {
            continue;
        }
        let message = if service_defined[i] {
            format!("no service matching `{p}` runs on the selected hosts")
        } else {
            format!("no service matches `{p}` in the Nagios configuration")
        };
        diags.push(selection.error(Selector::Service, i, message));
    }
    out.sort_by_key(|s| hosts.iter().position(|h| host_name(h) == s.host));
    (out, skipped)
}

/// The `$USERn$` (`USER1`) a command line's program path starts with: the first word that is
/// not a `NAME=value` assignment begins with it, followed by `/` or nothing.
fn program_macro(line: &str) -> Option<String> {
    let word = line
        .split_whitespace()
        .find(|w| !super::nrpe::is_assignment(w))?;
    let (n, after) = word.strip_prefix("$USER")?.split_once('$')?;
    let digits = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    (digits && (after.is_empty() || after.starts_with('/'))).then(|| format!("USER{n}"))
}

/// The macro a command line's program path starts with and its value, when that value is a
/// path (see [`UserMacros::mark_paths`]).
fn path_macro_of(line: &str, user: &UserMacros) -> Option<(String, String)> {
    let name = program_macro(line)?;
    let value = user.path(&name)?.to_string();
    Some((name, value))
}

/// The hosts a service names, before selection.
enum Targets {
    /// Host names it runs on, and those it excludes.
    Hosts {
        on: Vec<String>,
        excluded: Vec<String>,
    },
    /// It runs on no host, which nagios4 accepts: why, for the skipped line.
    Nowhere(String),
}

/// The hosts a service's `host_name` and `hostgroup_name` give, as nagios4 expands them
/// (xodtemplate_duplicate_services): `*` is every host (every hostgroup), `!name` excludes; a
/// host or hostgroup that is not defined is an error at its place. A hostgroup without members
/// gives no host, which nagios4 accepts whatever `allow_empty_hostgroup_assignment` says; a
/// `hostgroup_name` that gives no hostgroup at all (`*` with none defined, or only `!group`s
/// that exclude nobody) is an error unless `allow_empty_hostgroup_assignment` is set. `None`
/// when that was an error.
#[allow(clippy::too_many_arguments)]
fn service_hosts(
    svc: &Object,
    desc: &str,
    hosts: &[&Object],
    groups: &BTreeMap<String, Vec<String>>,
    defined_groups: &[String],
    allow_empty_hostgroup: bool,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Targets> {
    let host_name = |o: &Object| {
        o.vars
            .get("host_name")
            .map(|d| d.value.clone())
            .unwrap_or_default()
    };
    let named_hosts = list(svc.vars.get("host_name"));
    let named_groups = list(svc.vars.get("hostgroup_name"));
    if named_hosts.is_empty() && named_groups.is_empty() {
        diags.push(sources.diag(
            svc.file,
            svc.at..svc.at + 6,
            format!("service `{desc}` names no host_name or hostgroup_name"),
        ));
        return None;
    }
    // Where `name` is written in the value of directive `key`, for an error about it.
    let at = |key: &str, name: &str| {
        let d = &svc.vars[key];
        let text = &sources.files[d.file].1;
        let value = text.get(d.at..d.at + d.value.len()).unwrap_or_default();
        let offset = value.find(name).unwrap_or(0);
        (d.file, d.at + offset..d.at + offset + name.len().max(1))
    };
    let mut on: Vec<String> = Vec::new();
    let mut excluded: Vec<String> = Vec::new();
    let mut ok = true;
    for h in &named_hosts {
        let (exclude, name) = match h.strip_prefix('!') {
            Some(x) => (true, x),
            None => (false, h.as_str()),
        };
        if name == "*" {
            on.extend(hosts.iter().map(|o| host_name(o)));
        } else if !hosts.iter().any(|o| host_name(o) == name) {
            let (file, span) = at("host_name", h);
            diags.push(sources.diag(
                file,
                span,
                format!("service `{desc}` names host `{name}`, which is not defined"),
            ));
            ok = false;
        } else if exclude {
            excluded.push(name.to_string());
        } else {
            on.push(name.to_string());
        }
    }
    // The hostgroups the list gives, and the hosts its `!group`s exclude: nagios4 fails a
    // service only when it gives neither.
    let mut given = 0;
    let mut rejected = 0;
    let mut empty: Vec<&str> = Vec::new();
    for g in &named_groups {
        let (exclude, name) = match g.strip_prefix('!') {
            Some(x) => (true, x),
            None => (false, g.as_str()),
        };
        let members = groups.get(name).cloned().unwrap_or_default();
        if name == "*" && !exclude {
            given += defined_groups.len();
            for group in defined_groups {
                on.extend(groups.get(group).cloned().unwrap_or_default());
            }
        } else if !defined_groups.iter().any(|d| d == name) {
            let (file, span) = at("hostgroup_name", g);
            diags.push(sources.diag(
                file,
                span,
                format!("service `{desc}` names hostgroup `{name}`, which is not defined"),
            ));
            ok = false;
        } else if exclude {
            rejected += members.len();
            excluded.extend(members);
        } else {
            given += 1;
            if members.is_empty() {
                empty.push(name);
            }
            on.extend(members);
        }
    }
    if !ok {
        return None;
    }
    if !named_groups.is_empty() && given == 0 && rejected == 0 && !allow_empty_hostgroup {
        let d = &svc.vars["hostgroup_name"];
        diags.push(
            sources
                .diag(
                    d.file,
                    d.at..d.at + d.value.len(),
                    format!(
                        "service `{desc}`: `hostgroup_name {}` gives no hostgroup to run on, which nagios4 rejects (\"Could not expand hostgroups and/or hosts specified in service\")",
                        d.value
                    ),
                )
                .with_note("set allow_empty_hostgroup_assignment=1 in nagios.cfg to have Nagios (and smokegate) run it nowhere instead"),
        );
        return None;
    }
    let runs = on.iter().any(|h| !excluded.contains(h));
    if runs {
        return Some(Targets::Hosts { on, excluded });
    }
    let why = if !empty.is_empty() {
        let names: Vec<String> = empty.iter().map(|g| format!("`{g}`")).collect();
        let (them, have) = if empty.len() == 1 {
            ("hostgroup", "has")
        } else {
            ("hostgroups", "have")
        };
        format!(
            "{them} {} {have} no members: Nagios runs it on no host, not imported",
            names.join(", ")
        )
    } else if given == 0 {
        "`hostgroup_name` gives no hostgroup (allow_empty_hostgroup_assignment=1): Nagios runs it on no host, not imported".to_string()
    } else {
        "every host it names is excluded: Nagios runs it on no host, not imported".to_string()
    };
    Some(Targets::Nowhere(why))
}

/// C's `atoi`, as nagios4 reads a number in nagios.cfg: digits after white space and a sign.
fn atoi(text: &str) -> i64 {
    super::nrpe::atoi(text)
}

/// Passive: Nagios never runs its check itself (`active_checks_enabled 0`, own or inherited;
/// the default is 1).
fn passive(o: &Object) -> bool {
    o.vars
        .get("active_checks_enabled")
        .is_some_and(|d| d.value == "0")
}

/// The `!` arguments of a `check_command` and the command_line of the command it names; or an
/// error at its place. `whose`: what runs it, for the message.
fn command_of<'o>(
    check: &Directive,
    commands: &HashMap<String, &'o Object>,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
    whose: &str,
) -> Option<(Vec<String>, &'o Directive)> {
    let parts = split_bang(&check.value);
    let Some(command) = commands.get(&parts[0]) else {
        diags.push(sources.diag(
            check.file,
            check.at..check.at + parts[0].len(),
            format!("unknown command `{}`", parts[0]),
        ));
        return None;
    };
    let Some(line) = command.vars.get("command_line") else {
        diags.push(sources.diag(
            command.file,
            command.at..command.at + 6,
            format!("command `{}` has no command_line ({whose})", parts[0]),
        ));
        return None;
    };
    Some((parts, line))
}

/// The error of a command line that cannot be expanded: an unknown macro at its place in the
/// command_line (the whole value when the text there is not the macro's: an additive value),
/// a `$USERn$` that cannot be used at its place in the resource file (once).
fn macro_error(
    e: MacroError,
    line: &Directive,
    command: &str,
    whose: &str,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    match e {
        MacroError::Unknown { name, note, at } => {
            let source = &sources.files[line.file].1;
            let text = format!("${name}$");
            let start = source_offset(source, line.at, at);
            let span = if source.get(start..start + text.len()) == Some(text.as_str()) {
                start..start + text.len()
            } else {
                line.at..line.at + line.value.len()
            };
            let d = sources.diag(
                line.file,
                span,
                format!("unknown macro `{text}` in command `{command}` ({whose})"),
            );
            diags.push(match note {
                Some(note) => d.with_note(note),
                None => d,
            });
        }
        MacroError::Resource(d) => {
            if !diags.iter().any(|x| x.file == d.file && x.span == d.span) {
                diags.push(d);
            }
        }
    }
}

/// Where byte `at` of a directive's value is in the file, the value starting at `start`: the
/// value has `;` where the file has `\;`.
fn source_offset(source: &str, start: usize, at: usize) -> usize {
    let mut offset = start;
    for _ in 0..at {
        offset += if source.as_bytes().get(offset..offset + 2) == Some(b"\\;") {
            2
        } else {
            1
        };
    }
    offset
}

/// `name!arg1!arg2` with `\!` for a literal `!`.
fn split_bang(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'!') => {
                if let Some(last) = parts.last_mut() {
                    last.push('!');
                }
                chars.next();
            }
            '!' => parts.push(String::new()),
            c => {
                if let Some(last) = parts.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    parts
}

/// Why a command line cannot be expanded.
enum MacroError {
    /// A macro without a value, by name, and where its `$` is in the command line.
    Unknown {
        name: String,
        note: Option<String>,
        at: usize,
    },
    /// A `$USERn$` whose value cannot be used, at its place in the resource file.
    Resource(Diagnostic),
}

/// Expands a command line's macros for a host and, for a service check, the service and its
/// description (a host check has no `$SERVICEDESC$` or `$_SERVICEvar$`).
fn expand(
    line: &str,
    args: &[String],
    user: &UserMacros,
    host: &Object,
    svc: Option<(&Object, &str)>,
) -> Result<String, MacroError> {
    let get = |o: &Object, k: &str| o.vars.get(k).map(|d| d.value.clone());
    let custom = |o: &Object, name: &str| {
        o.vars
            .iter()
            .find(|(k, _)| k.starts_with('_') && k[1..].eq_ignore_ascii_case(name))
            .map(|(_, d)| d.value.clone())
    };
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let at = line.len() - rest.len() + i;
        let after = &rest[i + 1..];
        let Some(end) = after.find('$') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let name = &after[..end];
        let value = if name.is_empty() {
            Some("$".to_string())
        } else if let Some(n) = name
            .strip_prefix("ARG")
            .and_then(|n| n.parse::<usize>().ok())
        {
            let arg = n
                .checked_sub(1)
                .and_then(|k| args.get(k))
                .cloned()
                .unwrap_or_default();
            // Nagios expands the macros an argument holds (`check_http!-H $HOSTADDRESS$`);
            // an argument cannot name another argument.
            match expand(&arg, &[], user, host, svc) {
                Ok(v) => Some(v),
                Err(MacroError::Unknown { name, note, .. }) => {
                    return Err(MacroError::Unknown { name, note, at })
                }
                Err(e) => return Err(e),
            }
        } else if name.starts_with("USER") {
            match user.get(name) {
                Ok(v) => Some(v.to_string()),
                Err(UserMacroError::TooShort(d)) => return Err(MacroError::Resource(d)),
                Err(UserMacroError::Unknown { note }) => {
                    return Err(MacroError::Unknown {
                        name: name.to_string(),
                        note,
                        at,
                    })
                }
            }
        } else {
            match name {
                "HOSTNAME" => get(host, "host_name"),
                "HOSTADDRESS" => get(host, "address").or_else(|| get(host, "host_name")),
                "HOSTALIAS" => get(host, "alias").or_else(|| get(host, "host_name")),
                "SERVICEDESC" => svc.map(|(_, desc)| desc.to_string()),
                n => n
                    .strip_prefix("_HOST")
                    .and_then(|v| custom(host, v))
                    .or_else(|| {
                        let (svc, _) = svc?;
                        n.strip_prefix("_SERVICE").and_then(|v| custom(svc, v))
                    }),
            }
        };
        match value {
            Some(v) => out.push_str(&v),
            None => {
                return Err(MacroError::Unknown {
                    name: name.to_string(),
                    note: None,
                    at,
                })
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/nagios")
    }

    #[test]
    fn the_fixture_tree_resolves_to_concrete_services() {
        let opts = ImportOptions {
            config: vec![fixture().join("nagios.cfg")],
            resource: Some(fixture().join("resource.cfg")),
            ..ImportOptions::default()
        };
        let imported = import(&opts, &mut Vec::new())
            .unwrap_or_else(|d| panic!("{}", crate::source::diag::Diagnostics::plain(d)));
        assert_eq!(
            imported.hostgroups["app"],
            [
                ("web1".to_string(), "127.0.0.1".to_string()),
                ("web2".to_string(), "127.0.0.2".to_string())
            ]
        );
        let services = imported.services;
        let got: Vec<(String, String, String)> = services
            .iter()
            .map(|s| (s.host.clone(), s.service.clone(), s.command_line.clone()))
            .collect();
        let p = "/usr/lib/nagios/plugins";
        let want = [
            (
                "web1",
                "HTTP says hello",
                format!("{p}/check_dummy 0 \"HTTP says hello on web1 (Web server 1, tier gold)\""),
            ),
            (
                "web1",
                "HTTP port",
                format!("{p}/check_tcp -H 127.0.0.1 -p 8080"),
            ),
            (
                "web1",
                "Dummy with bang",
                format!("{p}/check_dummy 0 \"it works!\""),
            ),
            (
                "web2",
                "HTTP says hello",
                format!("{p}/check_dummy 0 \"HTTP says hello on web2 (Web server 2, tier gold)\""),
            ),
            (
                "db1",
                "HTTP port",
                format!("{p}/check_tcp -H 127.0.0.3 -p 5432"),
            ),
            (
                "db1",
                "Dummy with bang",
                format!("{p}/check_dummy 0 \"it works!\""),
            ),
            ("db1", "DB procs", format!("{p}/check_procs -w 1: -c 1:")),
        ];
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(h, s, c)| (h.to_string(), s.to_string(), c.clone()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(services[0].hostgroups, ["app"]);
        assert_eq!(services[0].line, 1);
        assert!(services[0].file.ends_with("objects/services.cfg"));
    }

    #[test]
    fn selection_by_host_group_and_service() {
        let opts = ImportOptions {
            config: vec![fixture().join("objects")],
            resource: Some(fixture().join("resource.cfg")),
            hostgroups: vec!["app".into()],
            services: vec!["HTTP*".into()],
            ..ImportOptions::default()
        };
        let services = import(&opts, &mut Vec::new())
            .unwrap_or_else(|d| panic!("{}", crate::source::diag::Diagnostics::plain(d)))
            .services;
        let got: Vec<(&str, &str)> = services
            .iter()
            .map(|s| (s.host.as_str(), s.service.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("web1", "HTTP says hello"),
                ("web1", "HTTP port"),
                ("web2", "HTTP says hello")
            ]
        );
    }

    #[test]
    fn problems_point_at_their_place() {
        let dir = tempfile::tempdir().expect("tmp");
        let bad = dir.path().join("bad.cfg");
        std::fs::write(
            &bad,
            "define command {\n  command_name c\n  command_line /bin/echo $NOPE$\n}\n\
             define service {\n  use missing-template\n  host_name h\n  service_description s\n  check_command c\n}\n\
             define host {\n  host_name h\n}\n\
             define service {\n  host_name h\n  service_description t\n  check_command nosuch!1\n}\n\
             define host {\n  host_name unterminated\n",
        )
        .expect("write");
        let errors = import(
            &ImportOptions {
                config: vec![bad.clone()],
                ..ImportOptions::default()
            },
            &mut Vec::new(),
        )
        .expect_err("bad");
        let shown: Vec<String> = errors
            .iter()
            .map(|d| format!("{}:{}: {}", d.line_col().0, d.line_col().1, d.message))
            .collect();
        assert_eq!(shown, ["19:1: `define host` is never closed with `}`"]);
        std::fs::write(
            &bad,
            std::fs::read_to_string(&bad)
                .expect("read")
                .replace("  host_name unterminated\n", "  host_name x\n}\n"),
        )
        .expect("write");
        let errors = import(
            &ImportOptions {
                config: vec![bad],
                ..ImportOptions::default()
            },
            &mut Vec::new(),
        )
        .expect_err("bad");
        let shown: Vec<String> = errors
            .iter()
            .map(|d| format!("{}:{}: {}", d.line_col().0, d.line_col().1, d.message))
            .collect();
        assert_eq!(
            shown,
            [
                "6:7: unknown service template `missing-template`",
                "17:17: unknown command `nosuch`",
            ]
        );
        let macro_cfg = dir.path().join("macro.cfg");
        std::fs::write(
            &macro_cfg,
            "define command {\n  command_name c\n  command_line /bin/echo $NOPE$\n}\n\
             define host {\n  host_name h\n}\n\
             define service {\n  host_name h\n  service_description s\n  check_command c\n}\n",
        )
        .expect("write");
        let errors = import(
            &ImportOptions {
                config: vec![macro_cfg],
                ..ImportOptions::default()
            },
            &mut Vec::new(),
        )
        .expect_err("bad");
        let shown: Vec<String> = errors
            .iter()
            .map(|d| format!("{}:{}: {}", d.line_col().0, d.line_col().1, d.message))
            .collect();
        // At the macro, not at the whole command_line.
        assert_eq!(
            shown,
            ["3:26: unknown macro `$NOPE$` in command `c` (service `s` on `h`)"]
        );
        assert_eq!(
            errors[0].to_string(),
            format!(
                "error: unknown macro `$NOPE$` in command `c` (service `s` on `h`)\n \
                 --> {}:3:26\n  |\n3 |   command_line /bin/echo $NOPE$\n  |                          ^^^^^^",
                dir.path().join("macro.cfg").display()
            )
        );
    }

    /// The column of an unknown macro after an escaped `\;` (one character in the value, two
    /// in the file), in a command inherited from a template in another file, and in a host
    /// check, which has no `$SERVICEDESC$`.
    #[test]
    fn an_unknown_macro_is_pointed_at_where_it_is_written() {
        let dir = tempfile::tempdir().expect("tmp");
        let templates = dir.path().join("templates.cfg");
        std::fs::write(
            &templates,
            "define command {\n  name base\n  command_line /bin/echo a\\;b $HOSTNAME$ $BAD$\n  register 0\n}\n",
        )
        .expect("write");
        let objects = dir.path().join("objects.cfg");
        std::fs::write(
            &objects,
            "define command {\n  use base\n  command_name c\n}\n\
             define command {\n  command_name alive\n  command_line /bin/echo $HOSTADDRESS$ $SERVICEDESC$\n}\n\
             define host {\n  host_name h\n  check_command alive\n}\n\
             define service {\n  host_name h\n  service_description s\n  check_command c\n}\n",
        )
        .expect("write");
        let errors = import(
            &ImportOptions {
                config: vec![templates.clone(), objects.clone()],
                ..ImportOptions::default()
            },
            &mut Vec::new(),
        )
        .expect_err("bad");
        let shown: Vec<String> = errors
            .iter()
            .map(|d| {
                let (line, col) = d.line_col();
                let file = d.file.file_name().map(|f| f.to_string_lossy().into_owned());
                format!("{}:{line}:{col}: {}", file.unwrap_or_default(), d.message)
            })
            .collect();
        assert_eq!(
            shown,
            [
                "objects.cfg:7:40: unknown macro `$SERVICEDESC$` in command `alive` (host check of `h`)",
                "templates.cfg:3:42: unknown macro `$BAD$` in command `c` (service `s` on `h`)",
            ]
        );
        let caret = errors[1].to_string();
        let under = format!("  | {}^^^^^", " ".repeat(41));
        assert!(
            caret.ends_with(&format!(
                "3 |   command_line /bin/echo a\\;b $HOSTNAME$ $BAD$\n{under}"
            )),
            "{caret}"
        );
    }

    #[test]
    fn host_checks_run_and_passive_checks_are_left_out() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/nagios-host-checks");
        let imported = import(
            &ImportOptions {
                config: vec![dir.clone()],
                ..ImportOptions::default()
            },
            &mut Vec::new(),
        )
        .unwrap_or_else(|d| panic!("{}", crate::source::diag::Diagnostics::plain(d)));
        let got: Vec<(String, String, usize, bool)> = imported
            .services
            .iter()
            .map(|s| (s.name(), s.command_line.clone(), s.line, s.host_check))
            .collect();
        let dummy = "/usr/lib/nagios/plugins/check_dummy";
        let answers = (format!("{dummy} 0 \"answers\""), 51, false);
        let want = [
            (
                "host check @ app1",
                (
                    format!("{dummy} 0 \"app1 at 127.0.0.1 (Application 1) is up\""),
                    19,
                    true,
                ),
            ),
            ("Answers @ app1", answers.clone()),
            (
                "host check @ app2",
                (format!("{dummy} 0 \"app2 answers\""), 26, true),
            ),
            ("Answers @ app2", answers.clone()),
            ("Answers @ quiet", answers.clone()),
            ("Answers @ pushed", answers),
        ];
        let want: Vec<(String, String, usize, bool)> = want
            .into_iter()
            .map(|(n, (c, l, h))| (n.to_string(), c, l, h))
            .collect();
        assert_eq!(got, want);
        assert_eq!(
            imported.services[0].tags(),
            ["nagios", "app1", "host-check"]
        );
        let file = dir.join("objects.cfg").display().to_string();
        let skipped: Vec<String> = imported.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(
            skipped,
            [
                format!("{file}:38: host check of `pushed`: passive (active_checks_enabled 0), not imported"),
                format!("{file}:57: service `Backup result` on `app1`, `quiet`: passive (active_checks_enabled 0), not imported"),
                format!("{file}:64: service `Trap received` on `app2`: passive (active_checks_enabled 0), not imported"),
            ]
        );
        // A `services` selection picks services only; a host selection gets its host check.
        let only = |hosts: &[&str], services: &[&str]| {
            import(
                &ImportOptions {
                    config: vec![dir.clone()],
                    hosts: hosts.iter().map(|h| h.to_string()).collect(),
                    services: services.iter().map(|s| s.to_string()).collect(),
                    ..ImportOptions::default()
                },
                &mut Vec::new(),
            )
            .map(|i| {
                i.services
                    .iter()
                    .map(ImportedService::name)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_else(|d| panic!("{}", crate::source::diag::Diagnostics::plain(d)))
        };
        assert_eq!(only(&["app2"], &["Answers"]), ["Answers @ app2"]);
        assert_eq!(
            only(&["app2"], &[]),
            ["host check @ app2", "Answers @ app2"]
        );
    }

    /// nagios4 reads the type after `define` up to a space, a tab or `{`, the `{` optional; a
    /// `{` on a line of its own is one error (nagios4 rejects it too), not one per line.
    #[test]
    fn define_lines_as_nagios4_reads_them() {
        let dir = tempfile::tempdir().expect("tmp");
        let cfg = dir.path().join("objects.cfg");
        let load = |text: &str| {
            std::fs::write(&cfg, text).expect("write");
            import(
                &ImportOptions {
                    config: vec![cfg.clone()],
                    ..ImportOptions::default()
                },
                &mut Vec::new(),
            )
        };
        let objects = "define command\n  command_name c\n  command_line /usr/lib/nagios/plugins/check_dummy 0 up\n}\n\
                       define host{\n  host_name h\n}\n\
                       define service {\n  host_name h\n  service_description s\n  check_command c\n}\n";
        let imported = load(objects)
            .unwrap_or_else(|d| panic!("{}", crate::source::diag::Diagnostics::plain(d)));
        assert_eq!(imported.services.len(), 1);
        let allman = objects.replace(
            "define service {\n",
            "define service\n\n; the service\n  {\n",
        );
        let errors = load(&allman).expect_err("allman");
        let shown: Vec<String> = errors
            .iter()
            .map(|d| format!("{}:{}: {}", d.line_col().0, d.line_col().1, d.message))
            .collect();
        assert_eq!(
            shown,
            ["11:3: `{` on a line of its own in `define service` (line 8): nagios4 rejects it too (\"Invalid service object directive '{'\"); write `define service {` on one line"]
        );
    }

    #[test]
    fn bang_arguments_with_escapes() {
        assert_eq!(
            split_bang("check_http!-u /a\\!b!-s ok"),
            ["check_http", "-u /a!b", "-s ok"]
        );
        assert_eq!(split_bang("check_ping"), ["check_ping"]);
    }

    #[test]
    fn inline_comments() {
        assert_eq!(
            strip_comment("host_name web1 ; the first"),
            "host_name web1 "
        );
        assert_eq!(
            strip_comment("command_line echo a\\;b"),
            "command_line echo a;b"
        );
    }
}
