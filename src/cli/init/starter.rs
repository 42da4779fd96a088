//! `plumbline init` without `--agent`: a commented starter `plumbline.toml`
//! written from what the repository shows (its languages, whether it uses
//! Supabase, where connectors and migrations live, which interfaces look
//! like a connector contract, which gateway URLs its code calls). Nothing
//! detected is guessed into a rule: what the walk found is written as a
//! value, the rest stays commented with the built-in default beside it.

use std::collections::BTreeSet;
use std::path::Path;

/// Files read while surveying; a larger tree is sampled.
const SURVEY_FILES: usize = 20_000;
/// Largest file read while surveying.
const SURVEY_FILE_SIZE: u64 = 512 * 1024;

/// What the survey of a repository found.
#[derive(Debug, Default)]
pub struct Survey {
    pub files: usize,
    pub languages: BTreeSet<&'static str>,
    pub uses_supabase: bool,
    /// Folders holding SQL migrations.
    pub migration_dirs: BTreeSet<String>,
    /// Folders named like connectors or integrations.
    pub connector_dirs: BTreeSet<String>,
    /// Interfaces, abstract classes and traits named `*Connector`,
    /// `*Provider`, `*Integration`.
    pub contracts: BTreeSet<String>,
    /// Tables created in migrations whose names speak of integrations or
    /// credentials.
    pub integration_tables: BTreeSet<String>,
    /// Hosts with `gateway` in a label, from URLs in code.
    pub gateway_urls: BTreeSet<String>,
    /// Generated-code folders.
    pub generated_dirs: BTreeSet<String>,
}

/// Walks `root` (honouring .gitignore) and notes what a starter config
/// needs.
pub fn survey(root: &Path) -> Survey {
    let mut survey = Survey::default();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .filter_entry(|e| e.file_name() != "node_modules" && e.file_name() != ".git")
        .build();
    for entry in walker.flatten() {
        if survey.files >= SURVEY_FILES {
            break;
        }
        let Ok(relative) = entry.path().strip_prefix(root) else {
            continue;
        };
        let path = relative.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_some_and(|t| t.is_dir()) {
            note_folder(&mut survey, &path);
            continue;
        }
        survey.files += 1;
        let Some(language) = crate::lang::Language::from_path(&path) else {
            continue;
        };
        survey.languages.insert(language.family().name());
        let too_big = entry
            .metadata()
            .map(|m| m.len() > SURVEY_FILE_SIZE)
            .unwrap_or(true);
        if too_big {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        note_file(&mut survey, &path, &text);
    }
    survey
}

fn note_folder(survey: &mut Survey, path: &str) {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    match name.as_str() {
        "connectors" | "integrations" | "providers" => {
            survey.connector_dirs.insert(path.to_string());
        }
        "migrations" => {
            survey.migration_dirs.insert(path.to_string());
        }
        "generated" | "__generated__" => {
            survey.generated_dirs.insert(path.to_string());
        }
        _ => {}
    }
}

fn note_file(survey: &mut Survey, path: &str, text: &str) {
    if text.contains("@supabase/supabase-js")
        || text.contains("from supabase import")
        || text.contains("import supabase")
        || path.ends_with("supabase/config.toml")
    {
        survey.uses_supabase = true;
    }
    if path.ends_with(".sql") {
        for table in created_tables(text) {
            let lower = table.to_ascii_lowercase();
            if ["integration", "connection", "credential", "oauth", "token"]
                .iter()
                .any(|w| lower.contains(w))
            {
                survey.integration_tables.insert(table);
            }
        }
        return;
    }
    for name in contract_names(text) {
        survey.contracts.insert(name);
    }
    for host in gateway_urls(text) {
        survey.gateway_urls.insert(host);
    }
}

/// `create table [if not exists] [schema.]name`.
fn created_tables(sql: &str) -> Vec<String> {
    let lower = sql.to_ascii_lowercase();
    let mut tables = Vec::new();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("create table") {
        rest = &rest[at + "create table".len()..];
        let after = rest.trim_start();
        let after = after
            .strip_prefix("if not exists")
            .unwrap_or(after)
            .trim_start();
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.' || *c == '"')
            .collect();
        let name = name.replace('"', "");
        let name = name.rsplit('.').next().unwrap_or("").to_string();
        if !name.is_empty() {
            tables.push(name);
        }
    }
    tables
}

/// Names declared as `interface X`, `abstract class X`, `trait X`, or a
/// Python class deriving `ABC`/`Protocol`, ending in Connector, Provider or
/// Integration.
fn contract_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let line = line
            .trim_start()
            .trim_start_matches("export ")
            .trim_start_matches("pub ");
        let declared = ["interface ", "abstract class ", "trait "]
            .iter()
            .find_map(|kw| line.strip_prefix(kw))
            .or_else(|| {
                let rest = line.strip_prefix("class ")?;
                let bases = rest.split_once('(')?.1;
                (bases.contains("ABC") || bases.contains("Protocol")).then_some(rest)
            });
        let Some(declared) = declared else { continue };
        let name: String = declared
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if ["Connector", "Provider", "Integration"]
            .iter()
            .any(|suffix| name.ends_with(suffix) && name.len() <= 40)
        {
            names.push(name);
        }
    }
    names
}

/// `https://…gateway…` URLs' scheme and host.
fn gateway_urls(text: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("https://") {
        rest = &rest[at + "https://".len()..];
        let host: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
            .collect();
        if host.split('.').any(|label| label.contains("gateway")) && host.contains('.') {
            urls.push(format!("https://{host}"));
        }
    }
    urls
}

fn toml_list(items: &BTreeSet<String>, glob_suffix: &str) -> String {
    let quoted: Vec<String> = items
        .iter()
        .take(8)
        .map(|i| toml::Value::String(format!("{i}{glob_suffix}")).to_string())
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// The starter `plumbline.toml` for what `survey` found.
pub fn starter_config(survey: &Survey) -> String {
    let mut text = String::from(
        "#:schema https://raw.githubusercontent.com/plumbline-dev/plumbline/main/plumbline.schema.json\n\
         # plumbline configuration, written by `plumbline init` from what it saw in this\n\
         # repository. Values found in the code are set; the rest are commented out with\n\
         # the built-in default. `plumbline config` prints the effective configuration,\n\
         # `plumbline rules` lists the rules and `plumbline explain ID` documents one.\n",
    );
    let languages: Vec<&str> = survey.languages.iter().copied().collect();
    text.push_str(&format!(
        "# Seen: {} files ({}).\n\n",
        survey.files,
        if languages.is_empty() {
            "no language plumbline reads".to_string()
        } else {
            languages.join(", ")
        }
    ));

    text.push_str("[gateway]\n# The one sanctioned integration gateway (the fix target of forbidden-gateway-host).\n");
    match survey.gateway_urls.iter().next() {
        Some(url) if survey.gateway_urls.len() == 1 => {
            text.push_str(&format!("url = {}\n", toml::Value::String(url.clone())));
        }
        Some(_) => {
            text.push_str(&format!(
                "# Gateway URLs seen in the code: {}. Keep the sanctioned one as `url` and\n\
                 # list the retired ones' host labels in `forbidden_hosts`.\n\
                 # url = \"https://gateway.example.dev\"\n",
                survey
                    .gateway_urls
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        None => text.push_str("# url = \"https://gateway.example.dev\"\n"),
    }
    text.push_str(
        "# Host labels nobody may call any more (a retired gateway); then turn on\n\
         # forbidden-gateway-host below.\n\
         # forbidden_hosts = [\"old-gateway\"]\n\
         # Provider APIs only the gateway may call, each optionally with a path prefix.\n\
         # owned_hosts = [\"gmail.googleapis.com\", \"www.googleapis.com/drive\"]\n\n",
    );

    text.push_str("[oauth]\n# \"gateway\": the gateway runs every OAuth flow, so in-app callbacks are dead code;\n# \"app\": the app owns its flows and only unreferenced callbacks are reported.\n");
    text.push_str("# owner = \"gateway\"\nallow = []\n\n");

    text.push_str("[supabase]\n");
    if survey.uses_supabase {
        text.push_str("# This repository uses Supabase. Tables and columns that hold integration state,\n# which must live behind the API instead:\n");
    } else {
        text.push_str("# No Supabase client was seen; these rules stay quiet without it.\n");
    }
    if survey.integration_tables.is_empty() {
        text.push_str("# tables = [\"cloud_provider_integrations\"]\n");
    } else {
        text.push_str(&format!(
            "# Integration-looking tables created in migrations: review before keeping.\ntables = {}\n",
            toml_list(&survey.integration_tables, "")
        ));
    }
    text.push_str("# columns = [\"integration_*_status\"]\n# service_role_factories = [\"createServiceRoleClient\"]\n\n");

    text.push_str("[connectors]\n# Interfaces, base classes or traits every connector implements, and the members\n# each must have (connector-missing-revoke, connector-revoke-stub).\n");
    if survey.contracts.is_empty() {
        text.push_str("# interfaces = [\"Connector\"]\n");
    } else {
        text.push_str(&format!(
            "interfaces = {}\n",
            toml_list(&survey.contracts, "")
        ));
    }
    if !survey.connector_dirs.is_empty() {
        text.push_str(&format!(
            "# Connector code seen in: {}\n",
            survey
                .connector_dirs
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    text.push_str("required = [\"revoke\"]\n\n");

    text.push_str("[files]\n");
    if survey.generated_dirs.is_empty() {
        text.push_str("exclude = []  # e.g. [\"**/generated/**\"]\n");
    } else {
        text.push_str(&format!(
            "exclude = {}\n",
            toml_list(&survey.generated_dirs, "/**")
        ));
    }
    if !survey.migration_dirs.is_empty() {
        text.push_str(&format!(
            "# SQL migrations seen in: {} (read by the Supabase and credential-column rules).\n",
            survey
                .migration_dirs
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    text.push_str(
        "\n[rules.forbidden-gateway-host]\n\
         severity = \"off\"  # on once [gateway] forbidden_hosts names a retired host\n",
    );
    text.push_str(
        "\n# Tune one rule: [rules.ID] with severity (error | warning | info | off), its options,\n\
         # and where it applies (paths, exclude, roles). Write the team's own rules as\n\
         # [[rule]] tables: `plumbline new-rule ID --kind KIND` scaffolds one.\n",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survey_finds_contracts_tables_gateways_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |path: &str, text: &str| {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        };
        write(
            "package.json",
            r#"{"dependencies":{"@supabase/supabase-js":"2"}}"#,
        );
        write(
            "packages/connectors/src/types.ts",
            "export interface SyncProvider { sync(): Promise<void> }\nexport interface Thing {}\n",
        );
        write(
            "services/worker/app/base.py",
            "from abc import ABC\nclass BaseIntegration(ABC):\n    pass\n",
        );
        write(
            "supabase/migrations/001.sql",
            "create table if not exists public.oauth_connections (id int);\ncreate table users (id int);\n",
        );
        write(
            "apps/web/src/api.ts",
            "fetch('https://acme-gateway.example.dev/v1/x')\n",
        );
        write("apps/web/src/generated/client.ts", "export {}\n");
        let survey = survey(root);
        assert!(survey.uses_supabase);
        assert_eq!(
            survey.contracts.iter().collect::<Vec<_>>(),
            ["BaseIntegration", "SyncProvider"]
        );
        assert_eq!(
            survey.integration_tables.iter().collect::<Vec<_>>(),
            ["oauth_connections"]
        );
        assert_eq!(
            survey.gateway_urls.iter().collect::<Vec<_>>(),
            ["https://acme-gateway.example.dev"]
        );
        let config = starter_config(&survey);
        let parsed = crate::config::ConfigFile::parse(
            root.join("plumbline.toml"),
            "plumbline.toml".into(),
            config.clone(),
        );
        let parsed = std::sync::Arc::new(parsed.unwrap_or_else(|e| panic!("{config}\n{e:?}")));
        let compiled = crate::config::RuleSet::compile(&[parsed], &Default::default());
        assert!(compiled.is_ok(), "{config}\n{:?}", compiled.err());
        assert!(config.contains("interfaces = [\"BaseIntegration\", \"SyncProvider\"]"));
        let empty = starter_config(&Survey::default());
        let parsed =
            crate::config::ConfigFile::parse(root.join("p.toml"), "p.toml".into(), empty.clone())
                .unwrap_or_else(|e| panic!("{empty}\n{e:?}"));
        let compiled =
            crate::config::RuleSet::compile(&[std::sync::Arc::new(parsed)], &Default::default());
        assert!(compiled.is_ok(), "{empty}\n{:?}", compiled.err());
        assert!(config.contains("exclude = [\"apps/web/src/generated/**\"]"));
    }
}
