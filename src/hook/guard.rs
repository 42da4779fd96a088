//! The policy guards itself: an edit that weakens plumbline's configuration
//! or removes its hook from an agent's settings is never silently allowed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::{ConfigFile, Overrides, RuleSet};

/// Agent settings files that may register plumbline's hook, or switch
/// hooks off: Claude Code (project and local settings), Gemini CLI, Cursor,
/// Codex (hooks file and config), and Copilot's `.github/hooks/*.json`.
const AGENT_SETTINGS: &[&str] = &[
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".gemini/settings.json",
    ".cursor/hooks.json",
    ".codex/hooks.json",
    ".codex/config.toml",
];

/// Folders whose deletion takes policy files with them.
const POLICY_FOLDERS: &[&str] = &[
    ".plumbline",
    ".claude",
    ".gemini",
    ".cursor",
    ".codex",
    ".github",
    ".github/hooks",
];

/// Whether a path or glob a shell command names could be one of
/// plumbline's policy files: its config, rule files, baseline, an agent's
/// settings file, or a folder holding them.
pub fn names_policy_file(word: &str) -> bool {
    let trimmed = word.trim_end_matches('/');
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    let name = trimmed.rsplit('/').next().unwrap_or(trimmed);
    let literal = |candidate: &str| {
        crate::config::is_plumbline_file(candidate)
            || AGENT_SETTINGS.iter().any(|s| trimmed.ends_with(s))
            || POLICY_FOLDERS
                .iter()
                .any(|f| trimmed == *f || trimmed.ends_with(&format!("/{f}")))
            || trimmed.contains(".plumbline/rules")
            || trimmed.contains(".github/hooks/")
    };
    if literal(name) {
        return true;
    }
    if !word.contains(['*', '?', '[', '{']) {
        return false;
    }
    // A glob: does it match a policy file's name?
    let Ok(glob) = globset::GlobBuilder::new(name)
        .literal_separator(true)
        .build()
    else {
        return true;
    };
    let matcher = glob.compile_matcher();
    crate::config::CONFIG_NAMES
        .iter()
        .copied()
        .chain([
            crate::baseline::FILE_NAME,
            "settings.json",
            "settings.local.json",
            "hooks.json",
            "config.toml",
        ])
        .chain(
            POLICY_FOLDERS
                .iter()
                .map(|f| f.rsplit('/').next().unwrap_or(f)),
        )
        .any(|candidate| matcher.is_match(candidate))
}

/// Options that list what is allowed or skipped: growing them weakens.
/// Every other list names what is forbidden: shrinking it weakens.
const ALLOW_LISTS: &[&str] = &["allow"];

pub fn is_config_file(project_path: &str) -> bool {
    let name = project_path.rsplit('/').next().unwrap_or(project_path);
    crate::config::is_plumbline_file(name) || project_path.starts_with(".plumbline/rules/")
}

pub fn is_agent_settings(project_path: &str) -> bool {
    AGENT_SETTINGS.contains(&project_path)
        || (project_path.starts_with(".github/hooks/") && project_path.ends_with(".json"))
        || project_path.ends_with("/.claude/settings.local.json")
}

/// What an edit to a guarded file would weaken, one line each; empty when
/// it keeps or tightens the policy.
///
/// `rule_files` are the project's `.plumbline/rules/*.toml`, which a config
/// may tune (`[rules.ID]` of a project rule) and which are compared like a
/// config when the edit touches one of them.
pub fn weakenings(
    project_path: &str,
    before: Option<&str>,
    after: Option<&str>,
    rule_files: &[Arc<ConfigFile>],
) -> Vec<String> {
    if is_agent_settings(project_path) {
        return settings_weakenings(project_path, before, after);
    }
    if !is_config_file(project_path) {
        return Vec::new();
    }
    let Some(before) = before else {
        return Vec::new();
    };
    let Some(after) = after else {
        return vec![format!("deletes {project_path}")];
    };
    if project_path.rsplit('/').next() == Some(crate::baseline::FILE_NAME) {
        // Every entry excuses a finding: growing the baseline hides debt.
        let entries = |text: &str| text.matches("\"fingerprint\"").count();
        let added = entries(after).saturating_sub(entries(before));
        return if added > 0 {
            vec![format!(
                "adds {added} entries to {project_path}, excusing findings"
            )]
        } else {
            Vec::new()
        };
    }
    let is_rule_file = project_path.starts_with(".plumbline/rules/");
    let parse = |text: &str| {
        ConfigFile::parse_as(
            PathBuf::from(project_path),
            project_path.to_string(),
            text.to_string(),
            is_rule_file,
        )
    };
    // The other rule files stay as they are on both sides.
    let context: Vec<Arc<ConfigFile>> = rule_files
        .iter()
        .filter(|f| !f.path.ends_with(project_path))
        .cloned()
        .collect();
    let layers = |file: ConfigFile| {
        let mut layers = context.clone();
        layers.push(Arc::new(file));
        layers
    };
    let Ok(old) = parse(before) else {
        // Repairing a broken config is always welcome.
        return Vec::new();
    };
    let new = match parse(after) {
        Ok(new) => new,
        Err(e) => return vec![format!("makes {project_path} invalid ({})", e.message)],
    };
    let (Ok(old_rules), Ok(new_rules)) = (
        RuleSet::compile(&layers(old), &Overrides::default()),
        RuleSet::compile(&layers(new), &Overrides::default()),
    ) else {
        return vec![format!("makes {project_path} invalid")];
    };
    compare(&old_rules, &new_rules)
}

/// plumbline's hook as an agent's settings register it: where (the keys
/// leading to it, so the event), for which tools (the matcher), and the
/// whole hook entry (command, timeout, `onFailure`, …).
#[derive(Debug, Clone, PartialEq)]
struct Registration {
    event: String,
    matcher: Option<serde_json::Value>,
    entry: serde_json::Value,
}

/// Settings as JSON: JSON files as they are, Codex's `config.toml`
/// converted. `None` when the text cannot be read.
fn settings_value(project_path: &str, text: &str) -> Option<serde_json::Value> {
    if project_path.ends_with(".toml") {
        let table: toml::Table = text.parse().ok()?;
        return serde_json::to_value(table).ok();
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).ok()
}

/// Whether a hook entry runs plumbline.
fn runs_plumbline(entry: &serde_json::Map<String, serde_json::Value>) -> bool {
    ["command", "bash", "powershell", "linux", "osx", "windows"]
        .iter()
        .any(|k| {
            entry
                .get(*k)
                .and_then(serde_json::Value::as_str)
                .is_some_and(|c| c.contains("plumbline"))
        })
}

/// Every registration of plumbline's hook in `value`.
fn registrations(value: &serde_json::Value) -> Vec<Registration> {
    fn walk(
        value: &serde_json::Value,
        path: &mut Vec<String>,
        matcher: Option<&serde_json::Value>,
        out: &mut Vec<Registration>,
    ) {
        match value {
            serde_json::Value::Object(map) => {
                if runs_plumbline(map) {
                    out.push(Registration {
                        event: path.join("."),
                        matcher: map.get("matcher").or(matcher).cloned(),
                        entry: value.clone(),
                    });
                    return;
                }
                let matcher = map.get("matcher").or(matcher);
                for (key, child) in map {
                    path.push(key.clone());
                    walk(child, path, matcher, out);
                    path.pop();
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    walk(item, path, matcher, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), None, &mut out);
    out
}

/// Switches that turn hooks off: `disableAllHooks` (Claude Code), any
/// `disable…` flag set, an `enabled` or hook flag cleared (Gemini's
/// `hooks.enabled`, Codex's `codex_hooks`), or a `disabled` list that grows
/// (Gemini's list of disabled hooks).
fn switches_off(before: Option<&serde_json::Value>, after: &serde_json::Value) -> Vec<String> {
    fn walk(
        before: Option<&serde_json::Value>,
        after: &serde_json::Value,
        path: &mut Vec<String>,
        out: &mut Vec<String>,
    ) {
        let key = path
            .last()
            .map(|k| k.to_ascii_lowercase())
            .unwrap_or_default();
        match after {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    path.push(k.clone());
                    walk(before.and_then(|b| b.get(k)), child, path, out);
                    path.pop();
                }
            }
            serde_json::Value::Bool(true) if key.contains("disable") && before != Some(after) => {
                out.push(format!("sets `{}` to true", path.join(".")));
            }
            serde_json::Value::Bool(false)
                if (key == "enabled" || key.contains("hook")) && before != Some(after) =>
            {
                out.push(format!("sets `{}` to false", path.join(".")));
            }
            serde_json::Value::Array(items) if key.contains("disable") => {
                let old = before.and_then(serde_json::Value::as_array);
                let added = items
                    .iter()
                    .filter(|i| !old.is_some_and(|o| o.contains(i)))
                    .count();
                if added > 0 {
                    out.push(format!("adds {added} entries to `{}`", path.join(".")));
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(before, after, &mut Vec::new(), &mut out);
    out
}

/// What an edit to an agent's settings file weakens: a registration of
/// plumbline's hook that does not survive unchanged (removed, its matcher,
/// command or options changed, or moved to another event), a switch that
/// turns hooks off, or settings the agent can no longer read.
fn settings_weakenings(
    project_path: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Vec<String> {
    let old = before.and_then(|t| settings_value(project_path, t));
    let old_registrations = old.as_ref().map(registrations).unwrap_or_default();
    let Some(after_text) = after else {
        return if old_registrations.is_empty() {
            Vec::new()
        } else {
            vec![format!(
                "deletes {project_path}, which registers plumbline's hook"
            )]
        };
    };
    let Some(new) = settings_value(project_path, after_text) else {
        return if old.is_some() {
            vec![format!(
                "makes {project_path} unreadable, so the agent may ignore its hooks"
            )]
        } else {
            Vec::new()
        };
    };
    let new_registrations = registrations(&new);
    let mut out = Vec::new();
    for registration in &old_registrations {
        if !new_registrations.contains(registration) {
            let how = if new_registrations.is_empty() {
                "removes plumbline's hook".to_string()
            } else {
                format!(
                    "changes plumbline's hook registration (under `{}`{})",
                    registration.event,
                    registration
                        .matcher
                        .as_ref()
                        .map(|m| format!(", matcher {m}"))
                        .unwrap_or_default()
                )
            };
            out.push(format!("{how} in {project_path}"));
        }
    }
    out.extend(
        switches_off(old.as_ref(), &new)
            .into_iter()
            .map(|s| format!("{s} in {project_path}, which switches hooks off")),
    );
    out
}

fn compare(old: &RuleSet, new: &RuleSet) -> Vec<String> {
    let mut out = Vec::new();
    let new_by_id: BTreeMap<&str, &crate::rules::CompiledRule> =
        new.rules.iter().map(|r| (&*r.id, r)).collect();
    for rule in &old.rules {
        let Some(after) = new_by_id.get(&*rule.id) else {
            out.push(format!("turns `{}` off", rule.id));
            continue;
        };
        if after.severity < rule.severity {
            out.push(format!(
                "lowers `{}` from {} to {}",
                rule.id, rule.severity, after.severity
            ));
        }
        for (option, old_value) in &rule.options {
            let new_value = after.options.get(option);
            out.extend(weakened_option(&rule.id, option, old_value, new_value));
        }
    }
    for (name, old_sev, new_sev) in [
        (
            "invalid-suppression",
            old.invalid_suppression,
            new.invalid_suppression,
        ),
        (
            "unused-suppression",
            old.unused_suppression,
            new.unused_suppression,
        ),
    ] {
        if old_sev.is_some() && new_sev < old_sev {
            out.push(format!("lowers `{name}`"));
        }
    }
    for glob in &new.exclude_patterns {
        if !old.exclude_patterns.contains(glob) {
            out.push(format!("excludes `{glob}` from linting"));
        }
    }
    out
}

fn weakened_option(
    rule: &str,
    option: &str,
    old: &toml::Value,
    new: Option<&toml::Value>,
) -> Vec<String> {
    let Some(new) = new else {
        return vec![format!("removes option `{option}` of `{rule}`")];
    };
    match (old, new) {
        (toml::Value::Array(old_items), toml::Value::Array(new_items)) => {
            if ALLOW_LISTS.contains(&option) {
                new_items
                    .iter()
                    .filter(|v| !old_items.contains(v))
                    .map(|v| format!("adds {v} to `{option}` of `{rule}`"))
                    .collect()
            } else {
                old_items
                    .iter()
                    .filter(|v| !new_items.contains(v))
                    .map(|v| format!("removes {v} from `{option}` of `{rule}`"))
                    .collect()
            }
        }
        (toml::Value::Boolean(true), toml::Value::Boolean(false)) => {
            vec![format!("turns `{option}` of `{rule}` off")]
        }
        (toml::Value::String(o), toml::Value::String(n))
            if option == "owner" && o == "gateway" && n != o =>
        {
            vec![format!("hands OAuth ownership to the app in `{rule}`")]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spots_weakened_config() {
        let before = "[gateway]\nforbidden_hosts = [\"chi-gateway\", \"old-gw\"]\n";
        assert!(weakenings("plumbline.toml", Some(before), Some(before), &[]).is_empty());
        let w = weakenings(
            "plumbline.toml",
            Some(before),
            Some("[gateway]\nforbidden_hosts = [\"chi-gateway\"]\n"),
            &[],
        );
        assert_eq!(
            w,
            ["removes \"old-gw\" from `hosts` of `forbidden-gateway-host`"]
        );
        let w = weakenings(
            "plumbline.toml",
            Some(before),
            Some(&format!(
                "{before}[rules.dead-oauth-callback]\nseverity = \"off\"\n"
            )),
            &[],
        );
        assert_eq!(w, ["turns `dead-oauth-callback` off"]);
        let w = weakenings(
            "plumbline.toml",
            Some(before),
            Some(&format!("{before}[oauth]\nallow = [\"**\"]\n")),
            &[],
        );
        assert_eq!(
            w,
            [
                "adds \"**\" to `allow` of `dead-oauth-callback`",
                "adds \"**\" to `allow` of `app-oauth-url-generation`"
            ]
        );
        let w = weakenings(
            "plumbline.toml",
            Some(before),
            Some(&format!("{before}[files]\nexclude = [\"src/**\"]\n")),
            &[],
        );
        assert_eq!(w, ["excludes `src/**` from linting"]);
        assert_eq!(
            weakenings("plumbline.toml", Some(before), None, &[]),
            ["deletes plumbline.toml"]
        );
    }

    #[test]
    fn tightening_and_repair_pass() {
        let before = "[gateway]\nforbidden_hosts = [\"chi-gateway\"]\n";
        let tighter = "[gateway]\nforbidden_hosts = [\"chi-gateway\", \"old-gw\"]\n";
        assert!(weakenings("plumbline.toml", Some(before), Some(tighter), &[]).is_empty());
        assert!(weakenings("plumbline.toml", Some("[gateway\n"), Some(before), &[]).is_empty());
        assert!(weakenings("plumbline.toml", None, Some(before), &[]).is_empty());
    }

    #[test]
    fn growing_the_baseline_needs_a_human() {
        let one = r#"{"version":1,"entries":[{"fingerprint":"a"}]}"#;
        let two = r#"{"version":1,"entries":[{"fingerprint":"a"},{"fingerprint":"b"}]}"#;
        assert_eq!(
            weakenings("plumbline-baseline.json", Some(one), Some(two), &[]).len(),
            1
        );
        assert!(
            weakenings("plumbline-baseline.json", Some(two), Some(one), &[]).is_empty(),
            "shrinking is fixing"
        );
    }

    #[test]
    fn spots_hook_removal_from_agent_settings() {
        let with = r#"{"hooks":{"PreToolUse":[{"hooks":[{"command":"plumbline hook claude"}]}]}}"#;
        assert_eq!(
            weakenings(".claude/settings.json", Some(with), Some("{}"), &[]).len(),
            1
        );
        assert!(weakenings(".claude/settings.json", Some(with), Some(with), &[]).is_empty());
    }

    #[test]
    fn every_way_to_switch_the_hook_off_is_seen() {
        let base = r#"{"hooks":{"PreToolUse":[{"matcher":"Edit|Write","hooks":[{"type":"command","command":"plumbline hook claude"}]}]}}"#;
        let changed = [
            r#"{"hooks":{"PreToolUse":[{"matcher":"NoSuchTool","hooks":[{"type":"command","command":"plumbline hook claude"}]}]}}"#,
            r#"{"hooks":{"PreToolUse":[{"matcher":"Edit|Write","hooks":[{"type":"command","command":"plumbline hook claude || true"}]}]}}"#,
            r#"{"hooks":{"PostToolUse":[{"matcher":"Edit|Write","hooks":[{"type":"command","command":"plumbline hook claude"}]}]}}"#,
            r#"{"disableAllHooks":true,"hooks":{"PreToolUse":[{"matcher":"Edit|Write","hooks":[{"type":"command","command":"plumbline hook claude"}]}]}}"#,
            "not json",
        ];
        for after in changed {
            assert_eq!(
                weakenings(".claude/settings.json", Some(base), Some(after), &[]).len(),
                1,
                "{after}"
            );
        }
        // Key order and whitespace do not matter.
        let reordered = r#"{ "hooks": { "PreToolUse": [ { "hooks": [ { "command": "plumbline hook claude", "type": "command" } ], "matcher": "Edit|Write" } ] } }"#;
        assert!(weakenings(".claude/settings.json", Some(base), Some(reordered), &[]).is_empty());
        // A new local settings file that disables hooks.
        assert_eq!(
            weakenings(
                ".claude/settings.local.json",
                None,
                Some(r#"{"disableAllHooks": true}"#),
                &[]
            )
            .len(),
            1
        );
        // Gemini and Codex switches.
        assert_eq!(
            weakenings(
                ".gemini/settings.json",
                Some(r#"{"hooks":{"enabled":true}}"#),
                Some(r#"{"hooks":{"enabled":false}}"#),
                &[]
            )
            .len(),
            1
        );
        assert_eq!(
            weakenings(
                ".gemini/settings.json",
                Some(r#"{"hooks":{"disabled":[]}}"#),
                Some(r#"{"hooks":{"disabled":["plumbline"]}}"#),
                &[]
            )
            .len(),
            1
        );
        assert_eq!(
            weakenings(
                ".codex/config.toml",
                Some("[features]\ncodex_hooks = true\n"),
                Some("[features]\ncodex_hooks = false\n"),
                &[]
            )
            .len(),
            1
        );
        let copilot = r#"{"version":1,"hooks":{"preToolUse":[{"type":"command","bash":"plumbline hook copilot","timeoutSec":30}]}}"#;
        let wrapped = r#"{"version":1,"hooks":{"preToolUse":[{"type":"command","bash":"echo plumbline hook copilot","timeoutSec":30}]}}"#;
        assert_eq!(
            weakenings(
                ".github/hooks/plumbline.json",
                Some(copilot),
                Some(wrapped),
                &[]
            )
            .len(),
            1
        );
    }

    #[test]
    fn policy_files_are_named_by_paths_and_globs() {
        for word in [
            "plumbline.toml",
            "./plumbline*",
            "*",
            ".claude",
            ".claude/settings.json",
            "sub/.plumbline.toml",
            ".plumbline/rules/x.toml",
            "*.toml",
            "plumbline-baseline.json",
        ] {
            assert!(names_policy_file(word), "{word}");
        }
        for word in ["src/x.ts", "*.ts", "README.md"] {
            assert!(!names_policy_file(word), "{word}");
        }
    }

    #[test]
    fn project_rule_files_are_guarded_too() {
        let path = ".plumbline/rules/no-crm.toml";
        let rule = |hosts: &str, severity: &str| {
            format!(
                "id = \"no-crm\"\nkind = \"forbidden-host\"\nseverity = \"{severity}\"\n\
                 message = \"m\"\n[options]\nhosts = [{hosts}]\n"
            )
        };
        let before = rule("\"crm\", \"old-crm\"", "error");
        assert!(weakenings(path, Some(&before), Some(&before), &[]).is_empty());
        assert_eq!(
            weakenings(path, Some(&before), Some(&rule("\"crm\"", "error")), &[]),
            ["removes \"old-crm\" from `hosts` of `no-crm`"]
        );
        assert_eq!(
            weakenings(
                path,
                Some(&before),
                Some(&rule("\"crm\", \"old-crm\"", "warning")),
                &[]
            ),
            ["lowers `no-crm` from error to warning"]
        );
        assert_eq!(
            weakenings(path, Some(&before), None, &[]),
            [format!("deletes {path}")]
        );
        // A config tuning a project rule is compared with the rule file in view.
        let file = ConfigFile::parse_as(path.into(), path.into(), before.clone(), true).unwrap();
        let files = [Arc::new(file)];
        let config = "[rules.no-crm]\nseverity = \"error\"\n";
        let off = "[rules.no-crm]\nseverity = \"off\"\n";
        assert_eq!(
            weakenings("plumbline.toml", Some(config), Some(off), &files),
            ["turns `no-crm` off"]
        );
    }
}
