//! The seed corpus: the repository's fixtures, its hook payloads and
//! project, and its built-in rule instances, read once at start.

use crate::gen::Lang;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One seed file: its path relative to the fixtures folder, and its bytes.
#[derive(Debug, Clone)]
pub struct SeedFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A built-in rule instance: its kind and its `[options]` table.
#[derive(Debug, Clone)]
pub struct RuleSeed {
    pub id: String,
    pub kind: String,
    pub options: toml::Table,
}

/// Everything the generators and mutators start from.
#[derive(Debug, Default)]
pub struct Seeds {
    /// Source and config files of every front end, by language.
    pub by_lang: BTreeMap<&'static str, Vec<SeedFile>>,
    /// Every `plumbline.toml` under the fixtures.
    pub configs: Vec<SeedFile>,
    /// Hook payloads by agent (`claude`, `codex`, …).
    pub payloads: BTreeMap<String, Vec<SeedFile>>,
    /// The project the hook payloads are written against.
    pub hook_project: Vec<SeedFile>,
    /// Built-in rule instances, to build project rules from.
    pub rules: Vec<RuleSeed>,
    /// Built-in rule ids.
    pub rule_ids: Vec<String>,
}

/// The name a language's seeds are filed under.
pub fn lang_key(lang: Lang) -> &'static str {
    match lang {
        Lang::TypeScript => "ts",
        Lang::JavaScript => "js",
        Lang::Python => "python",
        Lang::Rust => "rust",
        Lang::Sql => "sql",
        Lang::Prisma => "prisma",
        Lang::Env => "env",
        Lang::Json => "json",
        Lang::Yaml => "yaml",
        Lang::Toml => "toml",
    }
}

impl Seeds {
    /// Reads `repo/fixtures/**` and `repo/rules/*.toml`.
    pub fn load(repo: &Path) -> Result<Seeds, String> {
        let fixtures = repo.join("fixtures");
        let mut files = Vec::new();
        walk(&fixtures, &mut files)
            .map_err(|error| format!("cannot read {}: {error}", fixtures.display()))?;
        files.sort();
        let mut seeds = Seeds::default();
        for path in files {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let relative = path
                .strip_prefix(&fixtures)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let seed = SeedFile {
                path: relative.clone(),
                bytes,
            };
            if let Some(rest) = relative.strip_prefix("hooks/project/") {
                seeds.hook_project.push(SeedFile {
                    path: rest.to_string(),
                    bytes: seed.bytes.clone(),
                });
            }
            if let Some(rest) = relative.strip_prefix("hooks/") {
                if let Some((agent, _)) = rest.split_once('/') {
                    if relative.ends_with(".json") && agent != "project" {
                        seeds
                            .payloads
                            .entry(agent.to_string())
                            .or_default()
                            .push(seed.clone());
                    }
                }
            }
            if relative.ends_with("plumbline.toml") {
                seeds.configs.push(seed.clone());
            }
            if let Some(lang) = Lang::of_path(&relative) {
                seeds.by_lang.entry(lang_key(lang)).or_default().push(seed);
            }
        }
        seeds.load_rules(&repo.join("rules"))?;
        if seeds.by_lang.is_empty() || seeds.payloads.is_empty() || seeds.hook_project.is_empty() {
            return Err(format!(
                "{} holds no seed files; run from a plumbline checkout",
                fixtures.display()
            ));
        }
        Ok(seeds)
    }

    fn load_rules(&mut self, folder: &Path) -> Result<(), String> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
            .map_err(|error| format!("cannot read {}: {error}", folder.display()))?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            let table: toml::Table = text
                .parse()
                .map_err(|error| format!("{} is not TOML: {error}", path.display()))?;
            if let Some(id) = table.get("id").and_then(toml::Value::as_str) {
                self.rule_ids.push(id.to_string());
            }
            if let (Some(id), Some(kind), Some(options)) = (
                table.get("id").and_then(toml::Value::as_str),
                table.get("kind").and_then(toml::Value::as_str),
                table.get("options").and_then(toml::Value::as_table),
            ) {
                self.rules.push(RuleSeed {
                    id: id.to_string(),
                    kind: kind.to_string(),
                    options: options.clone(),
                });
            }
        }
        Ok(())
    }

    /// The seeds of one language (never empty for a language the fixtures
    /// cover; an empty slice otherwise).
    pub fn of(&self, lang: Lang) -> &[SeedFile] {
        self.by_lang
            .get(lang_key(lang))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}
