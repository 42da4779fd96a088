//! `plumbline explain RULE`: a rule's full documentation.

use std::io::{self, Write};

use crate::config::closest;
use crate::rules::{self, RuleMeta};

use super::{ConfigOptions, ExitStatus};

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// A rule id, as `plumbline rules` lists it.
    pub rule: String,
    #[command(flatten)]
    pub config: ConfigOptions,
}

pub fn run(args: ExplainArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let Some(catalogue) = super::project_catalogue(&args.config)? else {
        return Ok(ExitStatus::Error);
    };
    let Some(meta) = catalogue.iter().find(|m| m.id == args.rule) else {
        let hint = closest(&args.rule, catalogue.iter().map(|m| m.id.as_str()))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        eprintln!(
            "plumbline: unknown rule `{}`{hint}; `plumbline rules` lists every rule",
            args.rule
        );
        return Ok(ExitStatus::Error);
    };
    write!(out, "{}", explain(meta))?;
    Ok(ExitStatus::Clean)
}

/// The text `explain` prints: the instance's own docs, then its kind's.
pub fn explain(meta: &RuleMeta) -> String {
    let mut text = format!(
        "# {}\n\n{}\n\nSeverity: {}\n",
        meta.id, meta.summary, meta.severity
    );
    if let Some(kind) = rules::kind(&meta.kind) {
        let languages: Vec<&str> = kind.families().iter().map(|f| f.name()).collect();
        text.push_str(&format!("Kind: {} ({})\n", meta.kind, languages.join(", ")));
    }
    if meta.user_defined {
        text.push_str("Defined by this project\n");
    } else {
        text.push_str(&format!("Docs: {}\n", meta.url()));
    }
    if !meta.help.is_empty() && !meta.help.contains('{') {
        text.push_str(&format!("Help: {}\n", meta.help));
    }
    if !meta.description.trim().is_empty() {
        text.push('\n');
        text.push_str(meta.description.trim());
        text.push('\n');
    }
    if !meta.options.is_empty() {
        text.push_str("\n## Options and defaults\n\n");
        for (name, value) in &meta.options {
            let user_name = meta
                .aliases
                .iter()
                .find(|(_, target)| *target == name)
                .map_or(name.as_str(), |(alias, _)| alias.as_str());
            let shared = meta
                .shared
                .get(name)
                .map(|s| format!(" (shared: `{s}`)"))
                .unwrap_or_default();
            text.push_str(&format!("- `{user_name} = {value}`{shared}\n"));
        }
        text.push_str(&format!(
            "\nSet them under `[rules.{}]` in plumbline.toml.\n",
            meta.id
        ));
    }
    if let Some(kind) = rules::kind(&meta.kind) {
        text.push_str(&format!("\n## Options of the `{}` kind\n\n", meta.kind));
        for option in kind.options() {
            text.push_str(&format!("- `{}`: {}\n", option.name, option.description));
        }
    }
    if let Some(kind) = rules::kind(&meta.kind) {
        text.push_str(&format!("\n## The `{}` kind\n\n", meta.kind));
        text.push_str(&unindent_docs(kind.docs()));
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
