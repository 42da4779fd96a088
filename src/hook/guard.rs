//! The policy guards itself: an edit that weakens plumbline's configuration
//! or removes its hook from an agent's settings is never silently allowed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::{ConfigFile, Overrides, RuleSet};

/// Agent settings files that may register plumbline's hook.
const AGENT_SETTINGS: &[&str] = &[
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".gemini/settings.json",
    ".cursor/hooks.json",
    ".codex/hooks.json",
    ".codex/config.toml",
];

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
        let had = before.is_some_and(|t| t.contains("plumbline hook"));
        let has = after.is_some_and(|t| t.contains("plumbline hook"));
        return if had && !has {
            vec![format!("removes plumbline's hook from {project_path}")]
        } else {
            Vec::new()
        };
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
