//! The probe kinds a check may have, one file each: its table as written (`Raw…`) and how the
//! loader builds that table into probe specs ([`Kind`]). A new kind is a new file here and one
//! line in the `kinds` list of `check_table!` below; the compiler then asks for its
//! `ProbeSpec` arms (what it is called, how it runs). Must not run anything.

pub(super) mod browser;
mod dns;
mod exec;
mod http;
mod nagios;
mod nrpe;
mod remote;
mod ssh;
mod tcp;
mod tls;
mod values;

use std::ops::Range;
use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::{Defaults, FileLoader};
use crate::model::ProbeSpec;
use crate::source::vars::Vars;

/// What a probe table is built into: one probe, or one per host (named by the host) for a
/// kind that fans out.
pub(super) type Probes = Vec<(Option<String>, ProbeSpec)>;

/// What building a table may use besides the table: the file's defaults, its vars and the
/// check's timeout (a remote plugin is given one that ends before ours).
pub(super) struct Building<'b> {
    pub defaults: &'b Defaults,
    pub vars: &'b Vars,
    pub timeout: Option<Duration>,
}

/// A probe table of a check, as written.
pub(super) trait Kind: Sized {
    /// The check's key for this kind: `tcp = { … }`.
    const KEY: &'static str;
    /// One check per host (`nrpe`, `ssh`): while its hosts are unknown it stands for several.
    const FANS_OUT: bool = false;
    /// Its checks need a browser session.
    const BROWSER: bool = false;

    /// The table's probes, or `None` with every problem said in `loader`'s diagnostics.
    fn build(raw: Spanned<Self>, loader: &mut FileLoader<'_>, at: &Building<'_>) -> Option<Probes>;
}

fn one(probe: ProbeSpec) -> Probes {
    vec![(None, probe)]
}

/// How one table is built, its kind's [`Kind::build`] with the table in it.
type Build = Box<dyn FnOnce(&mut FileLoader<'_>, &Building<'_>) -> Option<Probes>>;

/// One probe table of a check, its kind known only by what it can do.
pub(super) struct Table {
    pub key: &'static str,
    pub span: Range<usize>,
    pub fans_out: bool,
    pub browser: bool,
    build: Build,
}

impl Table {
    fn new<K: Kind + 'static>(raw: Spanned<K>) -> Table {
        Table {
            key: K::KEY,
            span: raw.span(),
            fans_out: K::FANS_OUT,
            browser: K::BROWSER,
            build: Box::new(move |loader, at| K::build(raw, loader, at)),
        }
    }

    pub fn build(self, loader: &mut FileLoader<'_>, at: &Building<'_>) -> Option<Probes> {
        (self.build)(loader, at)
    }
}

/// `warning` or `critical`.
// Schema only: the loader reads a string and names a wrong one.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
#[allow(dead_code)]
pub(super) enum FailOnName {
    Warning,
    Critical,
}

/// `transient` or `any`.
// Schema only: the loader reads a string and names a wrong one.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
#[allow(dead_code)]
pub(super) enum RetryOnName {
    Transient,
    Any,
}

/// `RawCheck` with one optional field per kind, and the list of those kinds, from one list.
macro_rules! check_table {
    (
        $(#[$meta:meta])*
        pub struct RawCheck { $($common:tt)* }
        kinds { $( $(#[$doc:meta])* $key:ident: $raw:ty = $schema:tt, )+ }
    ) => {
        $(#[$meta])*
        pub struct RawCheck {
            $($common)*
            $( $(#[$doc])* #[schemars(with = $schema)] pub $key: Option<Spanned<$raw>>, )+
        }

        /// Every kind's key, in the order of the list.
        pub(super) const KEYS: &[&str] = &[$(stringify!($key)),+];

        impl RawCheck {
            /// The probe tables the check has, taken out of it, in the order of the list.
            pub(super) fn take_tables(&mut self) -> Vec<Table> {
                let mut tables = Vec::new();
                $( if let Some(raw) = self.$key.take() { tables.push(Table::new(raw)); } )+
                tables
            }
        }
    };
}

check_table! {
    /// `[[check]]`: one check, with exactly one probe table.
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct RawCheck {
            /// Unique across the suite: the check's identity in every report.
            #[schemars(with = "String")]
            pub name: Spanned<String>,
            /// Tags for `--tag` and `--skip-tag`, besides those of `[defaults]`.
            #[schemars(with = "Option<Vec<String>>")]
            pub tags: Option<Vec<Spanned<String>>>,
            /// Per attempt, a human duration ("5s"), over `[defaults] timeout`.
            #[schemars(with = "Option<String>")]
            pub timeout: Option<Spanned<String>>,
            /// Attempts after a failed one, over `[defaults] retries`.
            #[schemars(with = "Option<u32>")]
            pub retries: Option<Spanned<u32>>,
            /// Wait between attempts, a human duration, over `[defaults] retry_delay`.
            #[schemars(with = "Option<String>")]
            pub retry_delay: Option<Spanned<String>>,
            /// `transient` (the default: a failure a retry may change; not a whole answer that is
            /// wrong, such as a test string on a page that answered 200) or `any`: which failed
            /// attempts `retries` repeat.
            #[schemars(with = "Option<RetryOnName>")]
            pub retry_on: Option<Spanned<String>>,
            /// Reported, never fails the gate.
            pub optional: Option<bool>,
            /// `warning` or `critical`: which states of this check fail the gate, over `--fail-on`.
            #[schemars(with = "Option<FailOnName>")]
            pub fail_on: Option<Spanned<String>>,
            /// Names of checks that must end OK or WARNING before this one runs.
            #[schemars(with = "Option<Vec<String>>")]
            pub needs: Option<Vec<Spanned<String>>>,
    }
    kinds {
        /// Run a Nagios plugin: its exit code is the state.
        nagios: nagios::RawNagios = "Option<nagios::RawNagios>",
        /// Run a plain command: OK on exit 0, CRITICAL otherwise.
        exec: exec::RawExec = "Option<exec::RawExec>",
        /// Send an HTTP request and assert on the response.
        http: http::RawHttp = "Option<http::RawHttp>",
        /// Connect with TLS and check the certificate.
        tls: tls::RawTls = "Option<tls::RawTls>",
        /// Connect over TCP, optionally send and expect text.
        tcp: tcp::RawTcp = "Option<tcp::RawTcp>",
        /// Resolve a name, optionally to the expected addresses.
        dns: dns::RawDns = "Option<dns::RawDns>",
        /// Run a Selenium IDE test or TOML steps in headless Chromium.
        browser: browser::RawBrowser = "Option<browser::RawBrowser>",
        /// Run an NRPE command on each host (one check per host).
        nrpe: nrpe::RawRemoteNrpe = "Option<nrpe::RawRemoteNrpe>",
        /// Run a plugin on each host over SSH (one check per host).
        ssh: ssh::RawRemoteSsh = "Option<ssh::RawRemoteSsh>",
    }
}
