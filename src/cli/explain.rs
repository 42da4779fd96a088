//! `plumbline explain RULE|KIND`: a rule's full documentation, or a rule
//! kind's: what it checks, its options and message variables, and the rules
//! built on it.

use std::io::{self, Write};

use crate::config::closest;
use crate::rules::{self, Kind, RuleMeta};

use super::{ConfigOptions, ExitStatus};

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// A rule id, as `plumbline rules` lists it, or a rule kind, as
    /// `plumbline rules --kinds` lists it.
    pub rule: String,
    #[command(flatten)]
    pub config: ConfigOptions,
}

pub fn run(args: ExplainArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let Some(catalogue) = super::project_catalogue(&args.config)? else {
        return Ok(ExitStatus::Error);
    };
    if let Some(meta) = catalogue.iter().find(|m| m.id == args.rule) {
        write!(out, "{}", explain(meta))?;
        return Ok(ExitStatus::Clean);
    }
    if let Some(kind) = rules::kind(&args.rule) {
        let instances: Vec<&RuleMeta> = catalogue
            .iter()
            .filter(|m| m.kind == kind.id())
            .map(|m| m.as_ref())
            .collect();
        write!(out, "{}", explain_kind(kind, &instances))?;
        return Ok(ExitStatus::Clean);
    }
    let names = catalogue
        .iter()
        .map(|m| m.id.as_str())
        .chain(rules::KINDS.iter().map(|k| k.id()));
    let hint = closest(&args.rule, names)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    eprintln!(
        "plumbline: unknown rule or kind `{}`{hint}; `plumbline rules` lists every rule, \
         `plumbline rules --kinds` every kind",
        args.rule
    );
    Ok(ExitStatus::Error)
}

/// The text `explain` prints for a rule: the instance's own docs, one list
/// of its options (value and meaning), then what its kind does.
pub fn explain(meta: &RuleMeta) -> String {
    let kind = rules::kind(&meta.kind);
    let mut text = format!(
        "# {}\n\n{}\n\nSeverity: {}\n",
        meta.id, meta.summary, meta.severity
    );
    if let Some(kind) = kind {
        text.push_str(&format!(
            "Kind: {} ({}); `plumbline explain {}` documents the kind\n",
            meta.kind,
            languages(kind),
            meta.kind
        ));
    }
    if meta.user_defined {
        text.push_str("Defined by this project\n");
    } else {
        text.push_str(&format!("Docs: {}\n", meta.url()));
    }
    if !meta.help.is_empty() && !meta.help.contains('{') {
        text.push_str(&format!("Help: {}\n", meta.help));
    }
    let description = meta.description.trim();
    if !description.is_empty() {
        text.push('\n');
        text.push_str(description);
        text.push('\n');
    }
    if let Some(kind) = kind {
        text.push_str("\n## Options\n\n");
        text.push_str(&option_list(kind, meta));
        text.push_str(&format!(
            "\nSet them under `[rules.{}]` in plumbline.toml.\n",
            meta.id
        ));
        let mut shown = vec!["Options"];
        if description.contains("## Example") {
            shown.push("Example");
        }
        text.push_str(&format!("\n## About the `{}` kind\n\n", meta.kind));
        text.push_str(&kind_body(kind, &shown));
    }
    text
}

/// The text `explain KIND` prints: languages, options, the rules of this
/// catalogue that use the kind, then the kind's documentation.
pub fn explain_kind(kind: &dyn Kind, instances: &[&RuleMeta]) -> String {
    let mut text = format!(
        "# The `{}` rule kind\n\nLanguages: {}\n",
        kind.id(),
        languages(kind)
    );
    text.push_str("\n## Rules of this kind\n\n");
    if instances.is_empty() {
        text.push_str("None in this configuration.\n");
    }
    for meta in instances {
        let origin = if meta.user_defined {
            " (project rule)"
        } else {
            ""
        };
        text.push_str(&format!("- `{}`{origin}: {}\n", meta.id, meta.summary));
    }
    text.push_str(&format!(
        "\nA project rule of this kind: a `[[rule]]` table in plumbline.toml with \
         `kind = \"{0}\"`, or `plumbline new-rule ID --kind {0}`.\n\n",
        kind.id()
    ));
    text.push_str(&kind_body(kind, &[]));
    text
}

fn languages(kind: &dyn Kind) -> String {
    kind.families()
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line per option of the kind: the name a user writes, the rule's
/// value, and what the option means.
fn option_list(kind: &dyn Kind, meta: &RuleMeta) -> String {
    let mut text = String::new();
    for option in kind.options() {
        let user_name = meta
            .aliases
            .iter()
            .find(|(_, target)| target.as_str() == option.name)
            .map_or(option.name, |(alias, _)| alias.as_str());
        let value = meta
            .options
            .get(option.name)
            .map(|v| format!(" = {v}"))
            .unwrap_or_default();
        let shared = meta
            .shared
            .get(option.name)
            .map(|s| format!(" (shared: `{s}`)"))
            .unwrap_or_default();
        text.push_str(&format!(
            "- `{user_name}{value}`{shared}: {}\n",
            option.description
        ));
    }
    text
}

/// The kind's documentation with its headings one level down, so they sit
/// under the heading that introduces them, less the sections (by heading)
/// the rule's text has already shown.
fn kind_body(kind: &dyn Kind, shown: &[&str]) -> String {
    let docs = unindent_docs(kind.docs());
    let mut text = String::new();
    let mut skipping = false;
    for line in docs.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            skipping = shown.contains(&heading.trim());
            if !skipping {
                text.push_str("### ");
                text.push_str(heading);
                text.push('\n');
            }
            continue;
        }
        if !skipping {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

/// `///` lines keep one leading space each; drop it.
pub fn unindent_docs(docs: &str) -> String {
    docs.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
