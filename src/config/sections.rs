//! A suite file's own sections besides its checks: `[defaults]`, `[vars]` and `[secrets]` (and
//! secret files), read into what its checks are built with. Must not build checks.

use super::*;

impl FileLoader<'_> {
    pub(super) fn defaults(&mut self, value: Option<Spanned<DeValue<'_>>>) -> Defaults {
        let mut defaults = Defaults {
            timeout: DEFAULT_TIMEOUT,
            retries: 0,
            retry_delay: DEFAULT_RETRY_DELAY,
            tags: Vec::new(),
            plugin_dirs: DEFAULT_PLUGIN_DIRS.iter().map(PathBuf::from).collect(),
            fail_on: None,
            retry_on: crate::model::RetryOn::Transient,
        };
        let Some(value) = value else {
            return defaults;
        };
        let span = value.span();
        let raw = match RawDefaults::deserialize(ValueDeserializer::from(value)) {
            Ok(raw) => raw,
            Err(e) => {
                self.text.toml_error(&e, span);
                return defaults;
            }
        };
        if let Some(t) = raw
            .timeout
            .as_ref()
            .and_then(|t| self.text.duration(t, "timeout"))
        {
            defaults.timeout = t;
        }
        if let Some(d) = raw
            .retry_delay
            .as_ref()
            .and_then(|d| self.text.duration(d, "retry_delay"))
        {
            defaults.retry_delay = d;
        }
        if let Some(r) = raw.retries {
            defaults.retries = *r.get_ref();
        }
        defaults.tags = self.text.tags(raw.tags.as_deref().unwrap_or_default());
        defaults.fail_on = raw.fail_on.as_ref().and_then(|f| self.text.fail_on(f));
        if let Some(r) = raw.retry_on.as_ref().and_then(|r| self.text.retry_on(r)) {
            defaults.retry_on = r;
        }
        if let Some(dirs) = raw.plugin_dirs {
            defaults.plugin_dirs = dirs
                .iter()
                .map(|d| self.text.relative(d.get_ref()))
                .collect();
        }
        defaults
    }

    pub(super) fn vars(&mut self, value: Option<Spanned<DeValue<'_>>>) -> Vars {
        let mut raw = Vec::new();
        let mut spans = Vec::new();
        if let Some(value) = value {
            let span = value.span();
            match value.into_inner() {
                DeValue::Table(table) => {
                    for (key, value) in table {
                        match value.get_ref().as_str() {
                            Some(s) => {
                                raw.push((key.get_ref().to_string(), s.to_string()));
                                spans.push(value.span());
                                self.values.var_sources.insert(
                                    key.get_ref().to_string(),
                                    (value.span(), s.to_string()),
                                );
                            }
                            None => self.text.error(
                                value.span(),
                                format!("variable `{}` must be a string", key.get_ref()),
                            ),
                        }
                    }
                }
                _ => self
                    .text
                    .error(span, "`vars` must be a table: write `[vars]`"),
            }
        }
        self.values
            .var_names
            .extend(raw.iter().map(|(name, _)| name.clone()));
        let (map, errors) = vars::resolve(&raw, self.overrides, self.values.env);
        self.values.broken_vars = raw
            .iter()
            .filter(|(name, _)| !map.contains_key(name))
            .map(|(name, _)| name.clone())
            .collect();
        for (i, e) in errors {
            let span = self
                .text
                .inner_span(spans[i].clone(), &raw[i].1, e.offset, e.len);
            self.text.error(span, e.message);
        }
        map
    }

    /// `[secrets]`: like `[vars]` (usable as `{{name}}`), but their values are masked in every
    /// output. Each is expanded from the environment (and the vars); a value shorter than
    /// [`crate::redact::MIN_LEN`] cannot be masked safely and is an error.
    pub(super) fn secrets(&mut self, value: Option<Spanned<DeValue<'_>>>, vars: &mut Vars) {
        let Some(value) = value else { return };
        let span = value.span();
        let DeValue::Table(table) = value.into_inner() else {
            self.text
                .error(span, "`secrets` must be a table: write `[secrets]`");
            return;
        };
        for (key, value) in table {
            let name = key.get_ref().to_string();
            let mut from_file = None;
            let text = match value.get_ref() {
                DeValue::Table(t) => match self.secret_file(&name, t, value.span()) {
                    Some(contents) => {
                        from_file = Some(contents);
                        String::new()
                    }
                    None => {
                        self.values.var_names.insert(name.clone());
                        self.values.broken_vars.insert(name);
                        continue;
                    }
                },
                other => match other.as_str() {
                    Some(text) => text.to_string(),
                    None => {
                        self.text.error(
                            value.span(),
                            format!("secret `{name}` must be a string or `{{ file = \"...\" }}`"),
                        );
                        continue;
                    }
                },
            };
            let text = text.as_str();
            if vars.contains_key(&name) {
                self.text
                    .error(key.span(), format!("`{name}` is both a var and a secret"));
                continue;
            }
            self.values.var_names.insert(name.clone());
            self.values
                .var_sources
                .insert(name.clone(), (value.span(), text.to_string()));
            let overridden = self.overrides.get(&name);
            let expanded = match (overridden, &from_file) {
                (Some(value), _) => vars::Expanded::literal(value),
                // Taken as it is: nothing in a file is expanded.
                (None, Some(contents)) => vars::Expanded::literal(contents),
                (None, None) => {
                    let text = Spanned::new(value.span(), text.to_string());
                    let Some(mut expanded) = self.values.expand_text(&mut self.text, &text, vars)
                    else {
                        self.values.broken_vars.insert(name);
                        continue;
                    };
                    for unset in &mut expanded.unset {
                        unset.var.get_or_insert_with(|| name.clone());
                    }
                    expanded
                }
            };
            // Without its environment it has no value yet: an error only where it is used.
            let Some(secret) = expanded.value().map(str::to_string) else {
                vars.insert(name, expanded);
                continue;
            };
            if secret.chars().count() < crate::redact::MIN_LEN {
                let diag = Diagnostic::new(
                    self.text.file,
                    self.text.source,
                    value.span(),
                    if secret.is_empty() {
                        format!(
                            "secret `{name}` is empty (what it is made of is set to nothing): a secret has {} characters or more",
                            crate::redact::MIN_LEN
                        )
                    } else {
                        format!(
                            "secret `{name}` is {} characters long: a secret shorter than {} cannot be masked safely",
                            secret.chars().count(),
                            crate::redact::MIN_LEN
                        )
                    },
                );
                self.text.diags.push(match overridden {
                    Some(_) => diag.with_note(format!("its value comes from `--var {name}=...`")),
                    None => diag,
                });
                self.values.broken_vars.insert(name);
                continue;
            }
            self.values.found_secrets.push(secret.clone());
            vars.insert(name, expanded);
        }
    }

    /// `name = { file = "..." }` of `[secrets]`: the file's text (one line ending dropped), read
    /// where the environment cannot carry it (Nagios and cron give plugins an empty one). A file
    /// others may read is refused: the secret would be no secret.
    pub(super) fn secret_file(
        &mut self,
        name: &str,
        table: &DeTable<'_>,
        span: Range<usize>,
    ) -> Option<String> {
        use std::os::unix::fs::PermissionsExt;
        let mut path = None;
        for (key, value) in table {
            match (key.get_ref().as_ref(), value.get_ref().as_str()) {
                ("file", Some(p)) => path = Some((p.to_string(), value.span())),
                ("file", None) => {
                    self.text.error(
                        value.span(),
                        format!("secret `{name}`: `file` must be a string"),
                    );
                    return None;
                }
                (other, _) => {
                    self.text.error(
                        key.span(),
                        format!("secret `{name}`: unknown key `{other}`, expected `file`"),
                    );
                    return None;
                }
            }
        }
        let Some((written, at)) = path else {
            self.text.error(
                span,
                format!("secret `{name}`: write `{{ file = \"...\" }}`"),
            );
            return None;
        };
        let base = self.text.file.parent().unwrap_or(Path::new("."));
        let file = base.join(&written);
        let mode = match std::fs::metadata(&file) {
            Ok(m) if m.is_file() => m.permissions().mode(),
            Ok(_) => {
                self.text.error(
                    at,
                    format!("secret `{name}`: {} is not a file", file.display()),
                );
                return None;
            }
            Err(e) => {
                self.text.error(
                    at,
                    format!("secret `{name}`: cannot read {}: {e}", file.display()),
                );
                return None;
            }
        };
        if mode & 0o077 != 0 {
            self.text.error(
                at,
                format!(
                    "secret `{name}`: {} may be read by others (mode {:o}): make it its owner's only (`chmod 600`)",
                    file.display(),
                    mode & 0o777
                ),
            );
            return None;
        }
        match std::fs::read_to_string(&file) {
            Ok(text) => {
                let text = text.strip_suffix('\n').unwrap_or(&text);
                Some(text.strip_suffix('\r').unwrap_or(text).to_string())
            }
            Err(e) => {
                self.text.error(
                    at,
                    format!("secret `{name}`: cannot read {}: {e}", file.display()),
                );
                None
            }
        }
    }
}
