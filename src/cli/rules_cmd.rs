//! `plumbline rules`: the rule list.

use std::io::{self, Write};

use crate::lang::Family;
use crate::rules;

use super::{ConfigOptions, ExitStatus};

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    #[command(flatten)]
    pub config: ConfigOptions,
    /// Print the prefilter's trigger literals of the default rules, one per
    /// line (what the benchmark greps for).
    #[arg(long)]
    pub literals: bool,
    /// List the rule kinds instead: id, languages, and the rules of each.
    #[arg(long, conflicts_with = "literals")]
    pub kinds: bool,
    /// `text` (a table) or `json` (one object per rule, for tools).
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

pub fn run(args: RulesArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    if args.literals {
        let rule_set = match crate::config::RuleSet::compile(&[], &Default::default()) {
            Ok(r) => r,
            Err(e) => {
                super::print_error(&e);
                return Ok(ExitStatus::Error);
            }
        };
        let mut literals: Vec<String> = rule_set
            .rules
            .iter()
            .flat_map(|r| {
                let mut all = r.check.literals();
                all.extend(r.check.required_literals().into_iter().flatten());
                all
            })
            .map(|l| l.to_ascii_lowercase())
            .collect();
        literals.sort();
        literals.dedup();
        for l in literals {
            writeln!(out, "{l}")?;
        }
        return Ok(ExitStatus::Clean);
    }
    let Some(catalogue) = super::project_catalogue(&args.config)? else {
        return Ok(ExitStatus::Error);
    };
    if args.format == ListFormat::Json {
        return list_json(&catalogue, args.kinds, out);
    }
    if args.kinds {
        return list_kinds(&catalogue, out);
    }
    let width = catalogue.iter().map(|m| m.id.len()).max().unwrap_or(0);
    for meta in &catalogue {
        let languages = match rules::kind(&meta.kind) {
            Some(kind) => kind
                .families()
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(","),
            None => all_families(),
        };
        let origin = if meta.user_defined {
            "  (project rule)"
        } else {
            ""
        };
        writeln!(
            out,
            "{:<width$}  {:<7}  {:<36}  {}{origin}",
            meta.id, meta.severity, languages, meta.summary
        )?;
    }
    Ok(ExitStatus::Clean)
}

/// `rules --format json`: every rule (or, with `--kinds`, every kind) as a
/// JSON array, with what `plumbline explain` knows of it.
fn list_json(
    catalogue: &[std::sync::Arc<rules::RuleMeta>],
    kinds: bool,
    out: &mut dyn Write,
) -> io::Result<ExitStatus> {
    let families = |kind: &str| -> Vec<&'static str> {
        rules::kind(kind)
            .map(|k| k.families().iter().map(|f| f.name()).collect())
            .unwrap_or_default()
    };
    let value: Vec<serde_json::Value> = if kinds {
        rules::KINDS
            .iter()
            .map(|kind| {
                serde_json::json!({
                    "kind": kind.id(),
                    "languages": families(kind.id()),
                    "options": kind.options().iter().map(|o| serde_json::json!({
                        "name": o.name,
                        "description": o.description,
                    })).collect::<Vec<_>>(),
                    "rules": catalogue.iter().filter(|m| m.kind == kind.id())
                        .map(|m| m.id.as_str()).collect::<Vec<_>>(),
                })
            })
            .collect()
    } else {
        catalogue
            .iter()
            .map(|meta| {
                serde_json::json!({
                    "id": meta.id,
                    "kind": meta.kind,
                    "severity": meta.severity.as_str(),
                    "summary": meta.summary,
                    "languages": families(&meta.kind),
                    "tags": meta.tags,
                    "project_rule": meta.user_defined,
                    "url": meta.url(),
                })
            })
            .collect()
    };
    let text = serde_json::to_string_pretty(&value).map_err(io::Error::other)?;
    writeln!(out, "{text}")?;
    Ok(ExitStatus::Clean)
}

/// `rules --kinds`: one line per kind, with the rules that use it.
fn list_kinds(
    catalogue: &[std::sync::Arc<rules::RuleMeta>],
    out: &mut dyn Write,
) -> io::Result<ExitStatus> {
    let width = rules::KINDS.iter().map(|k| k.id().len()).max().unwrap_or(0);
    for kind in rules::KINDS {
        let languages: Vec<&str> = kind.families().iter().map(|f| f.name()).collect();
        let used_by: Vec<&str> = catalogue
            .iter()
            .filter(|m| m.kind == kind.id())
            .map(|m| m.id.as_str())
            .collect();
        let used_by = if used_by.is_empty() {
            "-".to_string()
        } else {
            used_by.join(", ")
        };
        writeln!(
            out,
            "{:<width$}  {:<36}  {used_by}",
            kind.id(),
            languages.join(",")
        )?;
    }
    writeln!(
        out,
        "\n`plumbline explain KIND` documents a kind: its options and what it checks."
    )?;
    Ok(ExitStatus::Clean)
}

fn all_families() -> String {
    [
        Family::Js,
        Family::Python,
        Family::Rust,
        Family::Sql,
        Family::Prisma,
        Family::Config,
    ]
    .iter()
    .map(|f| f.name())
    .collect::<Vec<_>>()
    .join(",")
}
