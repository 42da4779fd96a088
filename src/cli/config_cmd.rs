//! `plumbline config --show`: the effective configuration.

use std::io::{self, Write};

use crate::config::Overrides;
use crate::engine::Engine;

use super::{print_error, ConfigOptions, ExitStatus};

#[derive(clap::Args, Debug)]
pub struct ConfigArgs {
    /// Print the merged configuration, every rule with its effective
    /// severity and options (what `plumbline config` does anyway).
    #[arg(long)]
    pub show: bool,
    /// Print the JSON Schema of plumbline.toml instead (the repository's
    /// plumbline.schema.json), for editors' TOML support.
    #[arg(long, conflicts_with = "show")]
    pub schema: bool,
    #[command(flatten)]
    pub config: ConfigOptions,
}

pub fn run(args: ConfigArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    if args.schema {
        out.write_all(crate::schema::config_schema_text().as_bytes())?;
        return Ok(ExitStatus::Clean);
    }
    let cwd = super::current_dir()?;
    let engine = match Engine::new(&cwd, args.config.config.as_deref(), Overrides::default()) {
        Ok(e) => e,
        Err(e) => {
            print_error(&e);
            return Ok(ExitStatus::Error);
        }
    };
    let rules = match engine.rules_for_dir(&cwd) {
        Ok(r) => r,
        Err(e) => {
            print_error(&e);
            return Ok(ExitStatus::Error);
        }
    };
    let root = crate::source::slash_path(engine.root());
    writeln!(out, "# project root: {root}")?;
    let mut doc = toml::Table::new();
    for (section, value) in &rules.effective {
        if section != "rules" {
            doc.insert(section.clone(), value.clone());
        }
    }
    let mut rule_tables = toml::Table::new();
    for rule in &rules.rules {
        let mut t = toml::Table::new();
        t.insert(
            "severity".into(),
            toml::Value::String(rule.severity.to_string()),
        );
        for (k, v) in &rule.options {
            t.insert(k.clone(), v.clone());
        }
        rule_tables.insert(rule.id.to_string(), toml::Value::Table(t));
    }
    for (id, severity) in [
        ("invalid-suppression", rules.invalid_suppression),
        ("unused-suppression", rules.unused_suppression),
    ] {
        let mut t = toml::Table::new();
        let s = severity.map_or("off".to_string(), |s| s.to_string());
        t.insert("severity".into(), toml::Value::String(s));
        rule_tables.insert(id.into(), toml::Value::Table(t));
    }
    for meta in &rules.catalogue {
        if !rule_tables.contains_key(&meta.id) {
            let mut t = toml::Table::new();
            t.insert("severity".into(), toml::Value::String("off".into()));
            rule_tables.insert(meta.id.clone(), toml::Value::Table(t));
        }
    }
    doc.insert("rules".into(), toml::Value::Table(rule_tables));
    let text = toml::to_string_pretty(&doc).map_err(io::Error::other)?;
    write!(out, "{text}")?;
    Ok(ExitStatus::Clean)
}
