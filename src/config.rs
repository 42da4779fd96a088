//! `plumbline.toml`: discovery, layering of nested configs, validation with
//! labelled errors, and compiling the effective rule set.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use miette::{Diagnostic, NamedSource, SourceSpan};

use crate::finding::Severity;
use crate::prefilter::Prefilter;
use crate::rules::{self, builtin_rules, CompiledRule, RuleMeta};

/// File names a config may have, in order of preference within a folder.
pub const CONFIG_NAMES: [&str; 2] = ["plumbline.toml", ".plumbline.toml"];

/// plumbline's own files (its config, its baseline) name the very hosts
/// and tables it forbids, so no front door lints them.
pub fn is_plumbline_file(file_name: &str) -> bool {
    CONFIG_NAMES.contains(&file_name) || file_name == crate::baseline::FILE_NAME
}

/// Default cap on the size of a file plumbline reads.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

/// Shared project facts: section → allowed keys. Rules read these through
/// their instance's `[shared]` mapping.
pub const SECTIONS: &[(&str, &[&str])] = &[
    ("gateway", &["url", "forbidden_hosts", "owned_hosts"]),
    ("oauth", &["owner", "allow"]),
    ("supabase", &["tables", "columns", "service_role_factories"]),
    ("connectors", &["interfaces", "required"]),
    ("files", &["include", "exclude", "max_file_size", "text"]),
    (
        "hook",
        &[
            "block",
            "honor_new_suppressions",
            "fail_closed",
            "max_file_size",
            "time_budget_ms",
        ],
    ),
    ("cache", &["dir", "verify"]),
];

/// A problem with configuration, pointing at the offending spot when there
/// is one.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
    #[source_code]
    pub source_code: Option<NamedSource<String>>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
    /// Further problems of the same file, in file order.
    #[related]
    pub related: Vec<ConfigError>,
}

impl ConfigError {
    /// One error reporting all of `errors` (non-empty), the first in file
    /// order leading.
    fn all(mut errors: Vec<ConfigError>) -> ConfigError {
        errors.sort_by_key(|e| e.span.map_or(0, |s| s.offset()));
        let mut first = errors.remove(0);
        first.related.extend(errors);
        first
    }

    pub fn plain(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            source_code: None,
            span: None,
            label: String::new(),
            help: None,
            related: Vec::new(),
        }
    }

    fn at(
        file: &ConfigFile,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        ConfigError {
            message: message.into(),
            source_code: Some(NamedSource::new(file.display.clone(), file.text.clone())),
            span: Some(span.into()),
            label: label.into(),
            help: None,
            related: Vec::new(),
        }
    }

    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// One config file, parsed, with the span of every key and value.
#[derive(Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub display: String,
    pub text: String,
    pub table: toml::Table,
    /// Dotted key path → (key span, value span); array items are numbered
    /// (`rule.0.kind`).
    spans: HashMap<String, (Range<usize>, Range<usize>)>,
    /// Rule instances the file defines (`[[rule]]`, or the whole file for a
    /// `.plumbline/rules/*.toml`).
    pub user_rules: Vec<Arc<RuleMeta>>,
    /// A `.plumbline/rules/*.toml` file: one rule, no project settings.
    pub is_rule_file: bool,
}

impl ConfigFile {
    pub fn load(path: &Path, display: String) -> Result<ConfigFile, ConfigError> {
        refuse_non_regular(path, &display)?;
        let bytes = std::fs::read(path)
            .map_err(|e| ConfigError::plain(format!("cannot read {display}: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| ConfigError::plain(format!("{display} is not valid UTF-8")))?;
        Self::parse(path.to_path_buf(), display, text)
    }

    pub fn parse(path: PathBuf, display: String, text: String) -> Result<ConfigFile, ConfigError> {
        Self::parse_as(path, display, text, false)
    }

    /// Reads a `.plumbline/rules/*.toml` file: one user-defined rule.
    pub fn load_rule_file(path: &Path, display: String) -> Result<ConfigFile, ConfigError> {
        refuse_non_regular(path, &display)?;
        let bytes = std::fs::read(path)
            .map_err(|e| ConfigError::plain(format!("cannot read {display}: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| ConfigError::plain(format!("{display} is not valid UTF-8")))?;
        Self::parse_as(path.to_path_buf(), display, text, true)
    }

    pub fn parse_as(
        path: PathBuf,
        display: String,
        text: String,
        is_rule_file: bool,
    ) -> Result<ConfigFile, ConfigError> {
        let spans = match toml::de::DeTable::parse(&text) {
            Ok(table) => {
                let mut spans = HashMap::new();
                collect_spans(table.get_ref(), "", &mut spans);
                spans
            }
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let message = e.message().trim().to_string();
                return Err(ConfigError {
                    message: format!("{display} is not valid TOML: {message}"),
                    source_code: Some(NamedSource::new(display, text)),
                    span: Some(span.into()),
                    label: message,
                    help: None,
                    related: Vec::new(),
                });
            }
        };
        let table: toml::Table = toml::from_str(&text).map_err(|e| {
            ConfigError::plain(format!("{display} is not valid TOML: {}", e.message()))
        })?;
        let mut file = ConfigFile {
            path,
            display,
            text,
            table,
            spans,
            user_rules: Vec::new(),
            is_rule_file,
        };
        if is_rule_file {
            let table = file.table.clone();
            let rule = file.user_rule(&table, "")?;
            file.user_rules.push(Arc::new(rule));
        } else {
            let mut errors = file.validate();
            match file.user_rules_of_config() {
                Ok(rules) => file.user_rules = rules,
                Err(e) => errors.push(e),
            }
            if !errors.is_empty() {
                return Err(ConfigError::all(errors));
            }
        }
        Ok(file)
    }

    /// The `[[rule]]` tables of a config file.
    fn user_rules_of_config(&self) -> Result<Vec<Arc<RuleMeta>>, ConfigError> {
        let Some(value) = self.table.get("rule") else {
            return Ok(Vec::new());
        };
        let Some(items) = value.as_array() else {
            return Err(self
                .error(
                    "rule",
                    false,
                    "`rule` must be an array of tables",
                    "expected [[rule]] tables",
                )
                .with_help(
                    "write each rule as a `[[rule]]` table with id, kind, message and options",
                ));
        };
        let mut rules: Vec<Arc<RuleMeta>> = Vec::new();
        let mut errors = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let prefix = format!("rule.{i}.");
            let Some(table) = item.as_table() else {
                errors.push(self.error(
                    &format!("rule.{i}"),
                    false,
                    "each `rule` must be a table",
                    "expected a table",
                ));
                continue;
            };
            let rule = match self.user_rule(table, &prefix) {
                Ok(rule) => rule,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            if rules.iter().any(|r| r.id == rule.id) {
                errors.push(self.error(
                    &format!("{prefix}id"),
                    false,
                    format!("rule `{}` is defined twice in {}", rule.id, self.display),
                    "second definition",
                ));
                continue;
            }
            rules.push(Arc::new(rule));
        }
        if errors.is_empty() {
            Ok(rules)
        } else {
            Err(ConfigError::all(errors))
        }
    }

    /// Reads one user-defined rule instance; `prefix` is its dotted key
    /// path in this file (empty for a rule file). Its options are compiled
    /// here so that a mistake is labelled where it was written.
    fn user_rule(&self, table: &toml::Table, prefix: &str) -> Result<RuleMeta, ConfigError> {
        const KEYS: &[&str] = &[
            "id",
            "kind",
            "severity",
            "summary",
            "message",
            "help",
            "description",
            "tags",
            "options",
            "paths",
            "exclude",
            "roles",
        ];
        let key = |k: &str| format!("{prefix}{k}");
        let whole = if prefix.is_empty() {
            0..0
        } else {
            self.span(prefix.trim_end_matches('.'), false)
        };
        for k in table.keys() {
            if !KEYS.contains(&k.as_str()) {
                return Err(self
                    .error(
                        &key(k),
                        true,
                        format!("unknown key `{k}` in a user-defined rule"),
                        "unknown key",
                    )
                    .with_help(format!("keys of a rule: {}", KEYS.join(", "))));
            }
        }
        let string = |k: &str| -> Result<Option<String>, ConfigError> {
            match table.get(k) {
                None => Ok(None),
                Some(toml::Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(self.error(
                    &key(k),
                    false,
                    format!("`{k}` must be a string"),
                    "expected a string",
                )),
            }
        };
        let required = |k: &str| -> Result<String, ConfigError> {
            string(k)?.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
                ConfigError::at(self, whole.clone(), format!("a user-defined rule needs `{k}`"), format!("`{k}` missing"))
                    .with_help("a rule needs id, kind and message; severity, help, summary, description and options are optional")
            })
        };
        let id = required("id")?;
        if !is_rule_id(&id) {
            return Err(self.error(
                &key("id"),
                false,
                format!("rule id `{id}` is not kebab-case"),
                "use lower-case words joined by `-`",
            ));
        }
        if builtin_rules().iter().any(|m| m.id == id) {
            return Err(self
                .error(
                    &key("id"),
                    false,
                    format!("`{id}` is a built-in rule"),
                    "id already taken",
                )
                .with_help(format!(
                    "pick another id, or tune the built-in rule under [rules.{id}]"
                )));
        }
        let kind_name = required("kind")?;
        let Some(kind) = rules::kind(&kind_name) else {
            let hint = closest(&kind_name, rules::KINDS.iter().map(|k| k.id()));
            let known: Vec<&str> = rules::KINDS.iter().map(|k| k.id()).collect();
            return Err(self
                .error(
                    &key("kind"),
                    false,
                    format!("unknown rule kind `{kind_name}`"),
                    "no kind has this id",
                )
                .with_help(match hint {
                    Some(h) => format!("did you mean `{h}`? kinds: {}", known.join(", ")),
                    None => format!("kinds: {}", known.join(", ")),
                }));
        };
        let mut off = false;
        let severity = match string("severity")? {
            None => Severity::Error,
            Some(text) => match parse_severity(&text) {
                Some(Some(s)) => s,
                Some(None) => {
                    off = true;
                    Severity::Error
                }
                None => {
                    return Err(self
                        .error(
                            &key("severity"),
                            false,
                            format!("invalid severity for `{id}`"),
                            "unknown severity",
                        )
                        .with_help("use one of: error, warning, info, off"))
                }
            },
        };
        let message = required("message")?;
        let help = string("help")?.unwrap_or_default();
        let summary = string("summary")?
            .unwrap_or_else(|| rules::render_template(&message, &[]).replace(['{', '}'], ""));
        let description = string("description")?.unwrap_or_default();
        let tags = match table.get("tags") {
            None => Vec::new(),
            Some(v) => v
                .as_array()
                .filter(|a| a.iter().all(toml::Value::is_str))
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(str::to_string))
                        .collect()
                })
                .ok_or_else(|| {
                    self.error(
                        &key("tags"),
                        false,
                        "`tags` must be a list of strings",
                        "expected a list of strings",
                    )
                })?,
        };
        let options = match table.get("options") {
            None => toml::Table::new(),
            Some(toml::Value::Table(t)) => t.clone(),
            Some(_) => {
                return Err(self.error(
                    &key("options"),
                    false,
                    "`options` must be a table",
                    "expected a table",
                ))
            }
        };
        for name in options.keys() {
            if !kind.options().iter().any(|o| o.name == name) {
                let known: Vec<&str> = kind.options().iter().map(|o| o.name).collect();
                return Err(self
                    .error(
                        &format!("{prefix}options.{name}"),
                        true,
                        format!("unknown option `{name}` for kind `{kind_name}`"),
                        "unknown option",
                    )
                    .with_help(format!("options of `{kind_name}`: {}", known.join(", "))));
            }
        }
        if let Err(e) = kind.compile(&options) {
            let message = format!("invalid options for rule `{id}`: {}", e.message);
            return Err(match &e.option {
                Some(option) => {
                    let dotted = format!("{prefix}options.{option}");
                    let mut span = self.span(&dotted, false);
                    if let Some(offset) = e.offset {
                        span = string_content_offset(&self.text, span, offset);
                    }
                    ConfigError::at(self, span, message, e.message.clone())
                }
                None => {
                    let span = self.span(&key("options"), false);
                    ConfigError::at(
                        self,
                        if span.is_empty() { whole } else { span },
                        message,
                        e.message.clone(),
                    )
                }
            });
        }
        let mut scope = toml::Table::new();
        for name in crate::scope::SCOPE_KEYS {
            if let Some(value) = table.get(*name) {
                self.check_scope_value(&key(name), name, value)?;
                scope.insert(name.to_string(), value.clone());
            }
        }
        Ok(RuleMeta {
            scope,
            off,
            id,
            kind: kind_name,
            severity,
            summary,
            message,
            help,
            description,
            tags,
            options,
            shared: BTreeMap::new(),
            aliases: BTreeMap::new(),
            user_defined: true,
        })
    }

    /// Checks a rule's `paths`, `exclude` or `roles` value, pointing at the
    /// bad list item when there is one.
    fn check_scope_value(
        &self,
        dotted: &str,
        key: &str,
        value: &toml::Value,
    ) -> Result<(), ConfigError> {
        crate::scope::check_value(key, value).map_err(|(message, index)| {
            let span = match index {
                Some(i) => self.array_item_span(dotted, i),
                None => self.span(dotted, false),
            };
            ConfigError::at(self, span, format!("invalid `{key}`: {message}"), message)
                .with_help(
                    "`paths` and `exclude` are lists of gitignore-style globs; `roles` lists file \
                     roles (production, test, fixture, docs, example, script, generated, vendored, all)",
                )
        })
    }

    /// Span of a key's value (or the key itself when `key_only`).
    fn span(&self, dotted: &str, key_only: bool) -> Range<usize> {
        self.spans
            .get(dotted)
            .map(|(k, v)| if key_only { k.clone() } else { v.clone() })
            .unwrap_or(0..0)
    }

    fn error(
        &self,
        dotted: &str,
        key_only: bool,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> ConfigError {
        ConfigError::at(self, self.span(dotted, key_only), message, label)
    }

    /// Every problem of the file's sections and `[rules.ID]` tables.
    fn validate(&self) -> Vec<ConfigError> {
        let mut errors = Vec::new();
        for (section, value) in &self.table {
            if section == "rules" {
                errors.extend(self.validate_rules(value));
                continue;
            }
            if section == "rule" {
                continue; // user-defined rules, read by `user_rules_of_config`
            }
            let Some((_, keys)) = SECTIONS.iter().find(|(name, _)| name == section) else {
                let known: Vec<&str> = SECTIONS
                    .iter()
                    .map(|(n, _)| *n)
                    .chain(["rules", "rule"])
                    .collect();
                errors.push(
                    self.error(
                        section,
                        true,
                        format!("unknown section `{section}`"),
                        "unknown section",
                    )
                    .with_help(did_you_mean(section, &known, "known sections")),
                );
                continue;
            };
            let Some(table) = value.as_table() else {
                errors.push(self.error(
                    section,
                    false,
                    format!("`{section}` must be a table"),
                    "expected a table",
                ));
                continue;
            };
            for (key, value) in table {
                let dotted = format!("{section}.{key}");
                if !keys.contains(&key.as_str()) {
                    errors.push(
                        self.error(
                            &dotted,
                            true,
                            format!("unknown key `{key}` in [{section}]"),
                            "unknown key",
                        )
                        .with_help(did_you_mean(
                            key,
                            keys,
                            &format!("keys of [{section}]"),
                        )),
                    );
                    continue;
                }
                if let Err(e) = self.validate_shared_value(&dotted, value) {
                    errors.push(e);
                }
            }
        }
        errors
    }

    fn validate_shared_value(&self, dotted: &str, value: &toml::Value) -> Result<(), ConfigError> {
        let expect_list = !matches!(
            dotted,
            "gateway.url"
                | "oauth.owner"
                | "files.max_file_size"
                | "hook.max_file_size"
                | "hook.time_budget_ms"
                | "hook.block"
                | "hook.honor_new_suppressions"
                | "hook.fail_closed"
                | "cache.dir"
                | "cache.verify"
        );
        if expect_list {
            let ok = value
                .as_array()
                .is_some_and(|items| items.iter().all(toml::Value::is_str));
            if !ok {
                return Err(self.error(
                    dotted,
                    false,
                    format!("`{dotted}` must be a list of strings"),
                    "expected a list of strings",
                ));
            }
            if matches!(
                dotted,
                "files.include" | "files.exclude" | "files.text" | "oauth.allow"
            ) {
                for (i, glob) in value.as_array().into_iter().flatten().enumerate() {
                    let glob = glob.as_str().unwrap_or_default();
                    if let Err(e) = validate_glob(glob) {
                        let span = self.array_item_span(dotted, i);
                        return Err(ConfigError::at(
                            self,
                            span,
                            format!("invalid glob `{}` in `{dotted}`", shorten_glob(glob)),
                            e,
                        ));
                    }
                }
            }
            return Ok(());
        }
        match dotted {
            "oauth.owner" => match value.as_str() {
                Some("gateway" | "app") => Ok(()),
                _ => Err(self
                    .error(dotted, false, "`oauth.owner` must be \"gateway\" or \"app\"", "unknown owner")
                    .with_help("\"gateway\": the gateway runs every OAuth flow; \"app\": the app owns its callbacks")),
            },
            "hook.block" => match value.as_str() {
                Some("new" | "all") => Ok(()),
                _ => Err(self
                    .error(dotted, false, "`hook.block` must be \"new\" or \"all\"", "unknown mode")
                    .with_help("\"new\": block only findings the edit introduces; \"all\": any finding in the touched files")),
            },
            "hook.honor_new_suppressions" | "hook.fail_closed" => match value.as_bool() {
                Some(_) => Ok(()),
                None => Err(self.error(dotted, false, format!("`{dotted}` must be true or false"), "expected a boolean")),
            },
            "hook.max_file_size" | "hook.time_budget_ms" => match value.as_integer() {
                Some(n) if n > 0 => Ok(()),
                _ => Err(self.error(dotted, false, format!("`{dotted}` must be a positive number ({})", if dotted == "hook.max_file_size" { "of bytes" } else { "of milliseconds" }), "expected a positive integer")),
            },
            "cache.verify" => match value.as_str() {
                Some("mtime" | "content") => Ok(()),
                _ => Err(self
                    .error(dotted, false, "`cache.verify` must be \"mtime\" or \"content\"", "unknown mode")
                    .with_help("\"mtime\": a file whose size and modification time are unchanged is not read again; \"content\": every file is read and its content hash compared")),
            },
            "files.max_file_size" => match value.as_integer() {
                Some(n) if n > 0 => Ok(()),
                _ => Err(self.error(dotted, false, "`files.max_file_size` must be a positive number of bytes", "expected a positive integer")),
            },
            "gateway.url" => match value.as_str() {
                Some(url) if is_http_url(url) => Ok(()),
                Some(_) => Err(self
                    .error(dotted, false, "`gateway.url` must be an http(s) URL", "not an http(s) URL")
                    .with_help("e.g. \"https://gateway.example.dev\": --fix writes it into code in place of a forbidden host")),
                None => Err(self.error(dotted, false, "`gateway.url` must be a string", "expected a string")),
            },
            _ => match value.as_str() {
                Some(_) => Ok(()),
                None => Err(self.error(dotted, false, format!("`{dotted}` must be a string"), "expected a string")),
            },
        }
    }

    /// Best-effort span of the i-th string of an array value.
    fn array_item_span(&self, dotted: &str, index: usize) -> Range<usize> {
        let whole = self.span(dotted, false);
        let text = &self.text[whole.clone()];
        let mut found = 0;
        let mut in_str: Option<(char, usize)> = None;
        for (i, c) in text.char_indices() {
            match in_str {
                None if c == '"' || c == '\'' => in_str = Some((c, i)),
                Some((q, start)) if c == q && !text[..i].ends_with('\\') => {
                    if found == index {
                        return whole.start + start..whole.start + i + 1;
                    }
                    found += 1;
                    in_str = None;
                }
                _ => {}
            }
        }
        whole
    }

    /// A `[rules.ID]` table: a severity and the rule's own options only.
    fn check_rule_settings(
        &self,
        meta: &RuleMeta,
        settings: &toml::Value,
    ) -> Result<(), ConfigError> {
        let id = &meta.id;
        let dotted = format!("rules.{id}");
        let Some(settings) = settings.as_table() else {
            return Err(self.error(
                &dotted,
                false,
                format!("`rules.{id}` must be a table"),
                "expected a table",
            ));
        };
        let option_names = rule_option_names(meta);
        for (key, value) in settings {
            let key_path = format!("{dotted}.{key}");
            if key == "severity" {
                if value.as_str().and_then(parse_severity).is_none() {
                    return Err(self
                        .error(
                            &key_path,
                            false,
                            format!("invalid severity for `{id}`"),
                            "unknown severity",
                        )
                        .with_help("use one of: error, warning, info, off"));
                }
                continue;
            }
            if crate::scope::SCOPE_KEYS.contains(&key.as_str())
                && !option_names.contains(&key.as_str())
            {
                self.check_scope_value(&key_path, key, value)?;
                continue;
            }
            let target = meta.option_for(key);
            if target != key && settings.contains_key(target) {
                return Err(self
                    .error(
                        &key_path,
                        true,
                        format!("`{key}` and `{target}` are one option of `{id}`, set twice"),
                        "set here and under its other name",
                    )
                    .with_help(format!(
                        "keep `{key}` (the documented name) and remove `{target}`"
                    )));
            }
            if !option_names.contains(&key.as_str()) {
                let mut known = vec!["severity"];
                known.extend(option_names.iter());
                known.extend(
                    crate::scope::SCOPE_KEYS
                        .iter()
                        .filter(|k| !option_names.contains(k)),
                );
                return Err(self
                    .error(
                        &key_path,
                        true,
                        format!("unknown option `{key}` for rule `{id}`"),
                        "unknown option",
                    )
                    .with_help(did_you_mean(key, &known, &format!("options of `{id}`"))));
            }
        }
        Ok(())
    }

    fn validate_rules(&self, value: &toml::Value) -> Vec<ConfigError> {
        let Some(rules) = value.as_table() else {
            return vec![self.error(
                "rules",
                false,
                "`rules` must be a table of rule ids",
                "expected a table",
            )];
        };
        let mut errors = Vec::new();
        for (id, settings) in rules {
            // Ids of user-defined rules are only known once every layer and
            // rule file is read: `RuleSet::compile` checks those.
            let Some(meta) = builtin_rules().iter().find(|m| &m.id == id) else {
                continue;
            };
            if let Err(e) = self.check_rule_settings(meta, settings) {
                errors.push(e);
            }
        }
        errors
    }
}

fn collect_spans(
    table: &toml::de::DeTable<'_>,
    prefix: &str,
    out: &mut HashMap<String, (Range<usize>, Range<usize>)>,
) {
    for (key, value) in table.iter() {
        let dotted = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        out.insert(dotted.clone(), (key.span(), value.span()));
        collect_value_spans(value, &dotted, out);
    }
}

fn collect_value_spans(
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    dotted: &str,
    out: &mut HashMap<String, (Range<usize>, Range<usize>)>,
) {
    match value.get_ref() {
        toml::de::DeValue::Table(inner) => collect_spans(inner, dotted, out),
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{dotted}.{i}");
                out.insert(item_path.clone(), (item.span(), item.span()));
                collect_value_spans(item, &item_path, out);
            }
        }
        _ => {}
    }
}

/// Kebab-case: lower-case ASCII words joined by single `-`.
pub fn is_rule_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// The span of byte `offset` of a TOML string's content, given the span of
/// the whole string value (quotes included). Exact for literal strings and
/// for basic strings without escapes before the offset.
fn string_content_offset(text: &str, value: Range<usize>, offset: usize) -> Range<usize> {
    let raw = text.get(value.clone()).unwrap_or_default();
    let mut open = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
        3
    } else if raw.starts_with(['\'', '"']) {
        1
    } else {
        return value;
    };
    // A newline right after `'''` / `"""` is not part of the string.
    if open == 3 {
        if raw[open..].starts_with("\r\n") {
            open += 2;
        } else if raw[open..].starts_with('\n') {
            open += 1;
        }
    }
    let start = (value.start + open + offset).min(value.end);
    // Label the word there (a misspelt node type), or one character.
    let word = text[start..value.end]
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(0);
    let mut end = start + word.max(1);
    while end < value.end && !text.is_char_boundary(end) {
        end += 1;
    }
    start..end.min(value.end)
}

/// `http://` or `https://`, a host of letters, digits, `-` and `.` (and an
/// optional port), then an optional path: what `--fix` may write into code.
fn is_http_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, port)| {
            if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
                host
            } else {
                authority
            }
        });
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !url.chars().any(char::is_whitespace)
}

/// Option names a user may set for a rule: the kind's own and their aliases.
fn rule_option_names(meta: &RuleMeta) -> Vec<&str> {
    let mut names: Vec<&str> = rules::kind(&meta.kind)
        .map(|k| k.options().iter().map(|o| o.name).collect())
        .unwrap_or_default();
    names.extend(meta.aliases.keys().map(String::as_str));
    names
}

pub fn parse_severity(text: &str) -> Option<Option<Severity>> {
    Some(match text {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        "off" => None,
        _ => return None,
    })
}

/// The closest known id by edit distance, for "did you mean".
pub fn closest<'a>(input: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(input, c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Globs follow `.gitignore` conventions: `*` stays within a path segment.
/// Deepest nesting of `{…}` alternatives a glob may have: each level
/// nests a group in the regular expression a glob set compiles to, and
/// the regex compiler refuses deep nesting with an unhelpful message.
pub const MAX_GLOB_BRACE_NESTING: usize = 10;

pub fn build_glob(pattern: &str) -> Result<Glob, String> {
    let depth = brace_nesting(pattern);
    if depth > MAX_GLOB_BRACE_NESTING {
        return Err(format!(
            "its `{{…}}` alternatives nest {depth} deep, more than the \
             {MAX_GLOB_BRACE_NESTING} plumbline accepts; list the patterns separately"
        ));
    }
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| e.kind().to_string())
}

/// [`build_glob`], then compiled alone: that catches what would fail
/// later, when the whole set is compiled and the error can no longer name
/// the glob.
fn validate_glob(pattern: &str) -> Result<Glob, String> {
    let glob = build_glob(pattern)?;
    GlobSetBuilder::new()
        .add(glob.clone())
        .build()
        .map_err(|e| format!("it is too complex to compile ({e})"))?;
    Ok(glob)
}

/// A glob as quoted in a message: at most 60 characters, then `…`.
fn shorten_glob(glob: &str) -> String {
    const SHOWN: usize = 60;
    match glob.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", glob.get(..cut).unwrap_or(glob)),
        None => glob.to_string(),
    }
}

/// `did you mean `x`? LIST: a, b` when a candidate is close, else the list.
fn did_you_mean(input: &str, candidates: &[&str], list_name: &str) -> String {
    match closest(input, candidates.iter().copied()) {
        Some(hint) => format!(
            "did you mean `{hint}`? {list_name}: {}",
            candidates.join(", ")
        ),
        None => format!("{list_name}: {}", candidates.join(", ")),
    }
}

/// Deepest nesting of unescaped `{` in a glob.
fn brace_nesting(pattern: &str) -> usize {
    let (mut depth, mut deepest, mut escaped) = (0usize, 0, false);
    for c in pattern.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

pub fn build_globset<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(build_glob(p)?);
    }
    builder.build().map_err(|e| e.to_string())
}

/// Finds the project's root config: the outermost config file in `dir` or
/// its ancestors, not looking above the repository that holds `dir` (a
/// folder with `.git`). Configs between it and `dir` layer over it.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let mut outermost = None;
    for ancestor in dir.ancestors() {
        if let Some(config) = config_in(ancestor) {
            outermost = Some(config);
        }
        if ancestor.join(".git").exists() {
            break;
        }
    }
    outermost
}

/// The config file directly inside `dir`, if any. Anything by a config
/// file's name counts, a folder or a broken link too: loading it then says
/// what it is, rather than its rules silently not applying.
pub fn config_in(dir: &Path) -> Option<PathBuf> {
    CONFIG_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|p| std::fs::symlink_metadata(p).is_ok())
}

/// Why `path` cannot be read as a config file, or `None` when it is a
/// regular file (through symbolic links). Never opens the file, so a FIFO
/// or a device is named rather than read.
pub fn not_a_regular_file(path: &Path) -> Option<String> {
    use std::os::unix::fs::FileTypeExt;
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => {
            let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            return Some(match e.kind() {
                std::io::ErrorKind::NotFound if link => {
                    "is a symbolic link to a file that does not exist".to_string()
                }
                std::io::ErrorKind::NotFound => "does not exist".to_string(),
                _ if e.raw_os_error() == Some(40) => {
                    "is a symbolic link loop (it never reaches a file)".to_string()
                }
                _ => format!("cannot be read ({e})"),
            });
        }
    };
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return None;
    } else if kind.is_dir() {
        "is a folder"
    } else if kind.is_fifo() {
        "is a FIFO (named pipe)"
    } else if kind.is_socket() {
        "is a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "is a device"
    } else {
        "is not a regular file"
    };
    Some(what.to_string())
}

/// A config error when `path` is not a regular file.
fn refuse_non_regular(path: &Path, display: &str) -> Result<(), ConfigError> {
    match not_a_regular_file(path) {
        None => Ok(()),
        Some(why) => Err(ConfigError::plain(format!(
            "config file {display} {why}, not a TOML file; make it a regular file or remove it"
        ))),
    }
}

/// Deep-merges `over` into `base`: tables merge key by key, anything else
/// (lists included) is replaced by the closer config's value.
pub fn merge_tables(base: &mut toml::Table, over: &toml::Table) {
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge_tables(b, o),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// What the command line asks for on top of the config files.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// Only these rules (when non-empty).
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Overrides {
    /// Every id named on the command line must be a rule of `catalogue`.
    pub fn validate(&self, catalogue: &[Arc<RuleMeta>]) -> Result<(), ConfigError> {
        for id in self.select.iter().chain(&self.ignore) {
            if !catalogue.iter().any(|m| &m.id == id) {
                let mut err =
                    ConfigError::plain(format!("unknown rule `{id}` on the command line"));
                err.help = Some(match closest(id, catalogue.iter().map(|m| m.id.as_str())) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "`plumbline rules` lists every rule".to_string(),
                });
                return Err(err);
            }
        }
        Ok(())
    }
}

/// `[hook]`: how the agent hook decides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HookSettings {
    /// Block on any finding in a touched file, not only new ones.
    pub block_all: bool,
    /// Honour `plumbline-ignore` comments the edit itself adds.
    pub honor_new_suppressions: bool,
    /// Deny when the hook itself fails.
    pub fail_closed: bool,
    /// `[hook] max_file_size`: the largest file (current or proposed) the
    /// hook reads, in bytes; 0 means the default.
    pub max_file_size: u64,
    /// `[hook] time_budget_ms`: how long the hook may take before it answers
    /// as if it had failed; 0 means the default.
    pub time_budget_ms: u64,
}

/// Default of `[hook] max_file_size`: 4 MiB.
pub const DEFAULT_HOOK_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;
/// Default of `[hook] time_budget_ms`: well inside every agent's hook timeout.
pub const DEFAULT_HOOK_TIME_BUDGET_MS: u64 = 8_000;

impl HookSettings {
    /// The size cap in force, in bytes.
    pub fn max_file_size(&self) -> u64 {
        if self.max_file_size == 0 {
            DEFAULT_HOOK_MAX_FILE_SIZE
        } else {
            self.max_file_size
        }
    }

    /// The time budget in force.
    pub fn time_budget(&self) -> std::time::Duration {
        std::time::Duration::from_millis(if self.time_budget_ms == 0 {
            DEFAULT_HOOK_TIME_BUDGET_MS
        } else {
            self.time_budget_ms
        })
    }
}

/// The effective configuration for some folder: its layers, merged.
pub struct RuleSet {
    pub rules: Vec<CompiledRule>,
    pub hook: HookSettings,
    /// Severity of the engine's own rules, `None` when off.
    pub invalid_suppression: Option<Severity>,
    pub unused_suppression: Option<Severity>,
    pub exclude: GlobSet,
    pub include: GlobSet,
    pub include_patterns: Vec<String>,
    pub exclude_patterns: Vec<String>,
    pub max_file_size: u64,
    /// `[files] text`: files of no language plumbline parses that the host
    /// rules read as plain text.
    pub text: GlobSet,
    pub prefilter: Prefilter,
    /// Every rule id a suppression may name.
    pub known_ids: BTreeSet<String>,
    /// Every rule this folder knows, built-in and user-defined, enabled or
    /// not: what `plumbline rules` lists and `explain` documents.
    pub catalogue: Vec<Arc<RuleMeta>>,
    /// The merged table, for `plumbline config --show`.
    pub effective: toml::Table,
}

impl RuleSet {
    /// The language a file is read as: by its name, or plain text when
    /// `[files] text` names it.
    pub fn language_of(&self, project_path: &str) -> Option<crate::lang::Language> {
        crate::lang::Language::from_path(project_path).or_else(|| {
            (!self.text.is_empty() && self.text.is_match(project_path))
                .then_some(crate::lang::Language::Text)
        })
    }
}

/// The built-in rules plus the user-defined rules of `layers`; a closer
/// layer's definition of an id replaces an outer one's.
pub fn catalogue(layers: &[Arc<ConfigFile>]) -> Vec<Arc<RuleMeta>> {
    let mut catalogue: Vec<Arc<RuleMeta>> = rules::builtin_catalogue().to_vec();
    for rule in layers.iter().flat_map(|l| &l.user_rules) {
        match catalogue.iter().position(|m| m.id == rule.id) {
            Some(i) => catalogue[i] = rule.clone(),
            None => catalogue.push(rule.clone()),
        }
    }
    catalogue
}

/// `[rules.ID]` tables must name a known rule and its options. Built-in
/// ids are checked when a file is read; user-defined ones once every layer
/// is known.
fn check_rule_tables(
    layers: &[Arc<ConfigFile>],
    catalogue: &[Arc<RuleMeta>],
) -> Result<(), ConfigError> {
    for layer in layers.iter().filter(|l| !l.is_rule_file) {
        let Some(tables) = layer.table.get("rules").and_then(toml::Value::as_table) else {
            continue;
        };
        for (id, settings) in tables {
            let dotted = format!("rules.{id}");
            let Some(meta) = catalogue.iter().find(|m| &m.id == id) else {
                let suggestion = closest(id, catalogue.iter().map(|m| m.id.as_str()));
                let mut err = layer.error(
                    &dotted,
                    true,
                    format!("unknown rule `{id}`"),
                    "no rule has this id",
                );
                err.help = Some(match suggestion {
                    Some(s) => format!("did you mean `{s}`? `plumbline rules` lists every rule"),
                    None => "`plumbline rules` lists every rule".to_string(),
                });
                return Err(err);
            };
            if meta.user_defined {
                layer.check_rule_settings(meta, settings)?;
            }
        }
    }
    Ok(())
}

impl RuleSet {
    /// Merges `layers` (outermost first) and compiles every enabled rule.
    pub fn compile(
        layers: &[Arc<ConfigFile>],
        overrides: &Overrides,
    ) -> Result<RuleSet, ConfigError> {
        let mut effective = toml::Table::new();
        for layer in layers.iter().filter(|l| !l.is_rule_file) {
            merge_tables(&mut effective, &layer.table);
        }
        let catalogue = catalogue(layers);
        check_rule_tables(layers, &catalogue)?;
        let shared = |dotted: &str| -> Option<&toml::Value> {
            let (section, key) = dotted.split_once('.')?;
            effective.get(section)?.as_table()?.get(key)
        };
        let rule_table = |id: &str| {
            effective
                .get("rules")
                .and_then(|r| r.get(id))
                .and_then(toml::Value::as_table)
        };

        let mut rules = Vec::new();
        let mut engine_severity: BTreeMap<&str, Option<Severity>> = BTreeMap::new();
        for meta in &catalogue {
            let configured = rule_table(&meta.id)
                .and_then(|t| t.get("severity"))
                .and_then(toml::Value::as_str)
                .and_then(parse_severity);
            let selected = overrides.select.iter().any(|s| s == &meta.id);
            let mut severity = match configured {
                Some(s) => s,
                None if meta.off => None,
                None => Some(meta.severity),
            };
            if selected && severity.is_none() {
                severity = Some(meta.severity);
            }
            if (!overrides.select.is_empty() && !selected && !meta.is_engine_rule())
                || overrides.ignore.iter().any(|s| s == &meta.id)
            {
                severity = None;
            }
            if meta.is_engine_rule() {
                engine_severity.insert(meta.id.as_str(), severity);
                continue;
            }
            let Some(severity) = severity else { continue };
            let kind = rules::kind(&meta.kind).unwrap_or_else(|| {
                panic!("built-in rule {} names unknown kind {}", meta.id, meta.kind)
            });

            let mut options = meta.options.clone();
            for (option, dotted) in &meta.shared {
                if let Some(v) = shared(dotted) {
                    options.insert(option.clone(), v.clone());
                }
            }
            let kind_options: Vec<&str> = kind.options().iter().map(|o| o.name).collect();
            let is_scope_key = |k: &str| {
                crate::scope::SCOPE_KEYS.contains(&k) && !kind_options.contains(&meta.option_for(k))
            };
            let mut scope_values = meta.scope.clone();
            if let Some(table) = rule_table(&meta.id) {
                for (k, v) in table {
                    if is_scope_key(k) {
                        scope_values.insert(k.clone(), v.clone());
                    } else if k != "severity" {
                        options.insert(meta.option_for(k).to_string(), v.clone());
                    }
                }
            }
            let scope = crate::scope::Scope::build(
                scope_values.get("paths"),
                scope_values.get("exclude"),
                scope_values.get("roles"),
                meta.user_defined
                    .then_some(crate::scope::DEFAULT_PROJECT_ROLES),
            )
            .map_err(|e| ConfigError::plain(format!("rule `{}`: {e}", meta.id)))?;
            let check = kind
                .compile(&options)
                .map_err(|e| option_error(layers, meta, e))?;
            rules.push(CompiledRule {
                id: Arc::from(meta.id.as_str()),
                meta: meta.clone(),
                severity,
                families: kind.families(),
                check,
                options: options.into_iter().collect(),
                scope,
            });
        }

        let files = effective.get("files").and_then(toml::Value::as_table);
        let patterns = |key: &str| -> Vec<String> {
            files
                .and_then(|f| f.get(key))
                .and_then(toml::Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let include_patterns = patterns("include");
        let exclude_patterns = patterns("exclude");
        let exclude = build_globset(exclude_patterns.iter().map(String::as_str))
            .map_err(ConfigError::plain)?;
        let include = build_globset(include_patterns.iter().map(String::as_str))
            .map_err(ConfigError::plain)?;
        // A glob without `/` names a file at any depth.
        let text = build_globset(
            patterns("text")
                .iter()
                .map(|p| {
                    if p.contains('/') {
                        p.trim_start_matches('/').to_string()
                    } else {
                        format!("**/{p}")
                    }
                })
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        )
        .map_err(ConfigError::plain)?;
        let max_file_size = files
            .and_then(|f| f.get("max_file_size"))
            .and_then(toml::Value::as_integer)
            .map_or(DEFAULT_MAX_FILE_SIZE, |n| n.max(1) as u64);

        let prefilter = Prefilter::build(&rules);
        let hook_table = effective.get("hook").and_then(toml::Value::as_table);
        let hook_flag = |key: &str| {
            hook_table
                .and_then(|h| h.get(key))
                .and_then(toml::Value::as_bool)
        };
        let hook_number = |key: &str| {
            hook_table
                .and_then(|h| h.get(key))
                .and_then(toml::Value::as_integer)
                .map_or(0, |n| n.max(0) as u64)
        };
        let hook = HookSettings {
            block_all: hook_table
                .and_then(|h| h.get("block"))
                .and_then(toml::Value::as_str)
                == Some("all"),
            honor_new_suppressions: hook_flag("honor_new_suppressions").unwrap_or(false),
            fail_closed: hook_flag("fail_closed").unwrap_or(false),
            max_file_size: hook_number("max_file_size"),
            time_budget_ms: hook_number("time_budget_ms"),
        };
        Ok(RuleSet {
            hook,
            invalid_suppression: engine_severity
                .get("invalid-suppression")
                .copied()
                .flatten(),
            unused_suppression: engine_severity.get("unused-suppression").copied().flatten(),
            rules,
            exclude,
            include,
            include_patterns,
            exclude_patterns,
            max_file_size,
            text,
            prefilter,
            known_ids: catalogue.iter().map(|m| m.id.clone()).collect(),
            catalogue,
            effective,
        })
    }
}

/// Points an option error at the closest config line that set the option.
fn option_error(layers: &[Arc<ConfigFile>], meta: &RuleMeta, e: rules::OptionError) -> ConfigError {
    let message = format!("invalid options for rule `{}`: {}", meta.id, e.message);
    if let Some(option) = &e.option {
        let mut candidates = vec![format!("rules.{}.{option}", meta.id)];
        candidates.extend(
            meta.aliases
                .iter()
                .filter(|(_, target)| *target == option)
                .map(|(alias, _)| format!("rules.{}.{alias}", meta.id)),
        );
        if let Some(shared) = meta.shared.get(option) {
            candidates.push(shared.clone());
        }
        for layer in layers.iter().rev() {
            for dotted in &candidates {
                if layer.spans.contains_key(dotted) {
                    return layer.error(dotted, false, message, e.message.clone());
                }
            }
        }
    }
    ConfigError::plain(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_url_must_be_an_http_url() {
        for good in [
            "https://gw.example.dev",
            "http://localhost:8787/v1",
            "https://a.b/c?d#e",
        ] {
            assert!(is_http_url(good), "{good}");
        }
        for bad in [
            "not a url",
            "gw.example.dev",
            "ftp://x.dev",
            "https://",
            "https://a b.dev",
            "https://x.dev:port",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
        let e = parse("[gateway]\nurl = \"not a url\"\n").unwrap_err();
        assert!(e.message.contains("http(s) URL"), "{}", e.message);
    }

    #[test]
    fn an_option_set_under_both_its_names_is_an_error() {
        let e =
            parse("[rules.forbidden-gateway-host]\nforbidden_hosts = [\"a\"]\nhosts = [\"b\"]\n")
                .unwrap_err();
        assert!(e.message.contains("set twice"), "{}", e.message);
    }

    fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
        ConfigFile::parse(
            PathBuf::from("plumbline.toml"),
            "plumbline.toml".into(),
            text.into(),
        )
    }

    #[test]
    fn unknown_keys_are_labelled() {
        let err = parse("[gateway]\nurll = \"x\"\n").unwrap_err();
        assert_eq!(err.message, "unknown key `urll` in [gateway]");
        assert_eq!(err.span, Some((10..14).into()));
        let file = parse("[rules.dead-oauth-calback]\nseverity = \"off\"\n").unwrap();
        let err = RuleSet::compile(&[Arc::new(file)], &Overrides::default())
            .err()
            .unwrap();
        assert_eq!(err.span, Some((7..25).into()));
        assert!(err.help.unwrap().contains("dead-oauth-callback"));
        let err = parse("[files]\nexclude = [\"ok/**\", \"bad[\"]\n").unwrap_err();
        assert_eq!(
            &"[files]\nexclude = [\"ok/**\", \"bad[\"]\n"[err.span.unwrap().offset()..][..6],
            "\"bad[\""
        );
    }

    #[test]
    fn user_rules_are_read_and_labelled() {
        let file = parse(
            "[[rule]]\nid = \"no-crm\"\nkind = \"forbidden-host\"\nmessage = \"m\"\n\
             [rule.options]\nhosts = [\"crm\"]\n[rules.no-crm]\nseverity = \"warning\"\n",
        )
        .unwrap();
        assert_eq!(file.user_rules[0].id, "no-crm");
        let rules = RuleSet::compile(&[Arc::new(file)], &Overrides::default()).unwrap();
        let rule = rules.rules.iter().find(|r| &*r.id == "no-crm").unwrap();
        assert_eq!(rule.severity, Severity::Warning);
        assert!(rules.known_ids.contains("no-crm"));

        let text = "[[rule]]\nid = \"q\"\nkind = \"tree-sitter-query\"\nmessage = \"m\"\n\
                    [rule.options]\nlanguage = \"python\"\nquery = '(call (identifer) @f)'\n";
        let err = parse(text).unwrap_err();
        let span = err.span.unwrap();
        assert_eq!(
            &text[span.offset()..span.offset() + span.len()],
            "identifer"
        );

        let err = parse("[[rule]]\nid = \"supabase-integration-table\"\nkind = \"forbidden-table\"\nmessage = \"m\"\n")
            .unwrap_err();
        assert!(err.message.contains("built-in"));
        let err =
            parse("[[rule]]\nid = \"x\"\nkind = \"forbidden-host\"\nmesage = \"m\"\n").unwrap_err();
        assert_eq!(err.message, "unknown key `mesage` in a user-defined rule");
    }

    #[test]
    fn merge_replaces_lists_and_merges_tables() {
        let mut base: toml::Table = toml::from_str("[a]\nx = [1]\ny = 2\n").unwrap();
        let over: toml::Table = toml::from_str("[a]\nx = [3]\n").unwrap();
        merge_tables(&mut base, &over);
        assert_eq!(base.to_string(), "[a]\nx = [3]\ny = 2\n");
    }
}
