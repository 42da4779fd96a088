//! A JSON Schema for `plumbline.toml`, built from the same tables the
//! config loader checks against, so editors (taplo, Even Better TOML) can
//! complete and validate it. `plumbline config --schema` prints it; the
//! repository keeps a copy in `plumbline.schema.json`.

use serde_json::{json, Map, Value};

use crate::config::SECTIONS;
use crate::rules::{self, builtin_rules};

/// The schema's `$id`, where the copy in the repository is published.
pub const SCHEMA_ID: &str =
    "https://raw.githubusercontent.com/plumbline-dev/plumbline/main/plumbline.schema.json";

/// The schema of one shared key, `section.key`.
fn shared_key(dotted: &str) -> Value {
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    match dotted {
        "gateway.url" => json!({ "type": "string", "format": "uri" }),
        "oauth.owner" => json!({ "enum": ["gateway", "app"] }),
        "hook.block" => json!({ "enum": ["new", "all"] }),
        "cache.dir" => json!({ "type": "string" }),
        "cache.verify" => json!({ "enum": ["mtime", "content"] }),
        "hook.honor_new_suppressions" | "hook.fail_closed" => json!({ "type": "boolean" }),
        "files.max_file_size" => json!({ "type": "integer", "minimum": 1 }),
        key if key.starts_with("hook.") && key.ends_with("_ms") => {
            json!({ "type": "integer", "minimum": 1 })
        }
        key if key.ends_with("max_file_size") || key.ends_with("_bytes") => {
            json!({ "type": "integer", "minimum": 1 })
        }
        _ => strings,
    }
}

/// The schema a rule option's default value implies.
fn option_value(default: Option<&toml::Value>) -> Value {
    match default {
        Some(toml::Value::String(_)) => json!({ "type": "string" }),
        Some(toml::Value::Boolean(_)) => json!({ "type": "boolean" }),
        Some(toml::Value::Integer(_)) => json!({ "type": "integer" }),
        Some(toml::Value::Float(_)) => json!({ "type": "number" }),
        Some(toml::Value::Array(items)) if items.iter().all(toml::Value::is_str) => {
            json!({ "type": "array", "items": { "type": "string" } })
        }
        Some(toml::Value::Array(_)) => json!({ "type": "array" }),
        Some(toml::Value::Table(_)) => json!({ "type": "object" }),
        _ => json!({}),
    }
}

/// `paths`, `exclude` and `roles`, which every rule takes (see
/// [`crate::scope`]).
fn scope_properties() -> Map<String, Value> {
    let globs = |what: &str| {
        json!({
            "type": "array",
            "items": { "type": "string" },
            "description": format!("Gitignore-style globs over project paths {what}."),
        })
    };
    let mut roles: Vec<&str> = crate::roles::Role::ALL.iter().map(|r| r.name()).collect();
    roles.push("all");
    let mut properties = Map::new();
    properties.insert("paths".into(), globs("the rule reads (only these)"));
    properties.insert("exclude".into(), globs("the rule never reads"));
    properties.insert(
        "roles".into(),
        json!({
            "type": "array",
            "items": { "enum": roles },
            "description": "File roles the rule reads. Project rules default to production and script; built-in rules to all.",
        }),
    );
    properties
}

fn severity(with_off: bool) -> Value {
    let mut levels = vec!["error", "warning", "info"];
    if with_off {
        levels.push("off");
    }
    json!({ "enum": levels })
}

/// `[rules.ID]` for every built-in rule: `severity` and its kind's options,
/// under the name a user writes and the kind's own.
fn builtin_rule_tables() -> Map<String, Value> {
    let mut tables = Map::new();
    for meta in builtin_rules() {
        let mut properties = scope_properties();
        properties.insert("severity".into(), severity(true));
        if let Some(kind) = rules::kind(&meta.kind) {
            for option in kind.options() {
                let mut schema = option_value(meta.options.get(option.name));
                schema["description"] = json!(option.description);
                for (alias, target) in &meta.aliases {
                    if target == option.name {
                        properties.insert(alias.clone(), schema.clone());
                    }
                }
                properties.insert(option.name.into(), schema);
            }
        }
        tables.insert(
            meta.id.clone(),
            json!({
                "type": "object",
                "description": meta.summary,
                "properties": properties,
                "additionalProperties": false,
            }),
        );
    }
    tables
}

/// A project rule: a `[[rule]]` entry or a `.plumbline/rules/ID.toml` file.
pub fn project_rule() -> Value {
    let kinds: Vec<&str> = rules::KINDS.iter().map(|k| k.id()).collect();
    let mut properties = scope_properties();
    let fixed = json!({
        "id": { "type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$" },
        "kind": { "enum": kinds, "description": "`plumbline explain KIND` documents a kind's options" },
        "severity": severity(true),
        "summary": { "type": "string" },
        "message": { "type": "string" },
        "help": { "type": "string" },
        "description": { "type": "string" },
        "tags": { "type": "array", "items": { "type": "string" } },
        "options": { "type": "object" },
    });
    if let Value::Object(fixed) = fixed {
        properties.extend(fixed);
    }
    json!({
        "type": "object",
        "required": ["id", "kind", "message"],
        "properties": properties,
        "additionalProperties": false,
    })
}

/// `[rules.ID]` of a project rule: severity and scope (its options are
/// checked against its kind once the rule is known).
fn project_rule_settings() -> Map<String, Value> {
    let mut properties = scope_properties();
    properties.insert("severity".into(), severity(true));
    properties
}

/// The whole schema of `plumbline.toml`.
pub fn config_schema() -> Value {
    let mut properties = Map::new();
    for (section, keys) in SECTIONS {
        let keys: Map<String, Value> = keys
            .iter()
            .map(|key| (key.to_string(), shared_key(&format!("{section}.{key}"))))
            .collect();
        properties.insert(
            section.to_string(),
            json!({ "type": "object", "properties": keys, "additionalProperties": false }),
        );
    }
    properties.insert(
        "rules".into(),
        json!({
            "type": "object",
            "description": "Per rule: severity and options. A project rule's id is allowed too.",
            "properties": builtin_rule_tables(),
            "additionalProperties": {
                "type": "object",
                "properties": project_rule_settings(),
            },
        }),
    );
    properties.insert(
        "rule".into(),
        json!({ "type": "array", "items": project_rule() }),
    );
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "plumbline.toml",
        "description": "Configuration of plumbline, the integration-architecture policy linter.",
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    })
}

/// The schema as the repository keeps it: pretty JSON ending in a newline.
pub fn config_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&config_schema()).unwrap_or_default();
    text.push('\n');
    text
}
