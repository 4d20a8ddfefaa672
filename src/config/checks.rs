//! One `[[check]]` of a suite file into entries: its name, tags, timeout, retries, `fail_on`
//! and `needs`, and its one probe table built by its kind (`kinds`); a check whose values need
//! an unset environment variable is kept by name, to be left out or to stop the run. Must not
//! run anything.

use super::*;

impl FileLoader<'_> {
    pub(super) fn check(
        &mut self,
        mut raw: RawCheck,
        defaults: &Defaults,
        vars: &Vars,
    ) -> Vec<Entry> {
        let tables = raw.take_tables();
        let errors_before = self.text.diags.len();
        let name_span = raw.name.span();
        let name = raw.name.into_inner();
        let needs: Vec<(String, Range<usize>)> = raw
            .needs
            .iter()
            .flatten()
            .map(|n| (n.get_ref().clone(), n.span()))
            .collect();
        if name.trim().is_empty() {
            self.text.error(name_span.clone(), "check name is empty");
        } else if name.chars().any(char::is_control) {
            self.text
                .error(name_span.clone(), "check name contains a control character");
        }
        let timeout = match &raw.timeout {
            Some(t) => self.text.duration(t, "timeout"),
            None => Some(defaults.timeout),
        };
        let retry_delay = match &raw.retry_delay {
            Some(d) => self.text.duration(d, "retry_delay"),
            None => Some(defaults.retry_delay),
        };
        let retry_on = match &raw.retry_on {
            Some(r) => self.text.retry_on(r).unwrap_or_default(),
            None => defaults.retry_on,
        };
        let fail_on = match &raw.fail_on {
            Some(f) => self.text.fail_on(f),
            None => defaults.fail_on,
        };
        let mut tags = defaults.tags.clone();
        for tag in self.text.tags(raw.tags.as_deref().unwrap_or_default()) {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let fans_out = tables.iter().any(|t| t.fans_out);
        let browser = tables.iter().any(|t| t.browser);
        // One probe, or one per host for a fanned-out NRPE command.
        let mut tables = tables.into_iter();
        let probes: Option<Vec<(Option<String>, ProbeSpec)>> = match (tables.next(), tables.next())
        {
            (None, _) => {
                self.text.error(
                    name_span.clone(),
                    format!("check `{name}` has no probe: add one of {}", kinds_named()),
                );
                None
            }
            (Some(table), None) => {
                let at = kinds::Building {
                    defaults,
                    vars,
                    timeout,
                };
                table.build(self, &at)
            }
            (Some(first), Some(second)) => {
                self.text.error(
                    second.span.clone(),
                    format!(
                        "check `{name}` has two probes, `{}` and `{}`: a check runs exactly one",
                        first.key, second.key
                    ),
                );
                None
            }
        };
        if self.text.diags.len() > errors_before {
            return Vec::new();
        }
        let source = self.text.loc(name_span.start);
        let (Some(probes), Some(timeout), Some(retry_delay)) = (probes, timeout, retry_delay)
        else {
            // Values that need an unset environment variable: the check keeps its name and
            // tags, so that a selection can leave it out.
            let unknown = |name: String, tags: Vec<String>, hosts_unknown| Entry {
                name,
                tags,
                source: source.clone(),
                browser,
                hosts_unknown,
                check: None,
                env_use: EnvUse::default(),
                instance: None,
            };
            return match self.fan_out_hosts.take().filter(|_| fans_out) {
                Some(hosts) => hosts
                    .into_iter()
                    .map(|h| {
                        let mut tags = tags.clone();
                        if !tags.contains(&h) {
                            tags.push(h.clone());
                        }
                        Entry {
                            instance: Some(suite::Instance {
                                base: name.clone(),
                                host: h.clone(),
                            }),
                            ..unknown(
                                crate::sanitize::untrusted(&format!("{name} @ {h}")),
                                tags,
                                false,
                            )
                        }
                    })
                    .collect(),
                None => vec![unknown(name, tags, fans_out)],
            };
        };
        let retries = raw.retries.map_or(defaults.retries, |r| *r.get_ref());
        let optional = raw.optional.unwrap_or(false);
        probes
            .into_iter()
            .map(|(host, probe)| {
                let base = name.clone();
                if !needs.is_empty() {
                    let check = match &host {
                        Some(h) => crate::sanitize::untrusted(&format!("{name} @ {h}")),
                        None => name.clone(),
                    };
                    self.written_needs.push(needs::Written {
                        check,
                        base: base.clone(),
                        host: host.clone(),
                        names: needs.clone(),
                        file: self.text.file.to_path_buf(),
                        source: Arc::clone(self.text.source),
                    });
                }
                let mut tags = tags.clone();
                let name = match &host {
                    Some(h) => {
                        if !tags.contains(h) {
                            tags.push(h.clone());
                        }
                        crate::sanitize::untrusted(&format!("{name} @ {h}"))
                    }
                    None => name.clone(),
                };
                let check = Check {
                    source: source.clone(),
                    name,
                    tags,
                    timeout,
                    retries,
                    retry_delay,
                    retry_on,
                    optional,
                    fail_on,
                    suite: self.text.file.to_path_buf(),
                    probe,
                    needs: Vec::new(),
                    fingerprint: String::new(),
                };
                Entry {
                    instance: host.map(|host| suite::Instance {
                        base: base.clone(),
                        host,
                    }),
                    ..Entry::loaded(check, EnvUse::default())
                }
            })
            .collect()
    }
}

/// The kinds a check may have, as a sentence names them: `` `nagios`, `exec`, … or `ssh` ``.
pub(super) fn kinds_named() -> String {
    let keys: Vec<String> = kinds::KEYS.iter().map(|k| format!("`{k}`")).collect();
    match keys.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
