//! `plumbline explain RULE`: a rule's full documentation.

use std::io::{self, Write};

use crate::config::closest;
use crate::rules::{self, builtin_rules, RuleMeta};

use super::ExitStatus;

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// A rule id, as `plumbline rules` lists it.
    pub rule: String,
}

pub fn run(args: ExplainArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let Some(meta) = builtin_rules().iter().find(|m| m.id == args.rule) else {
        let hint = closest(&args.rule, builtin_rules().iter().map(|m| m.id.as_str()))
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
    text.push_str(&format!("Docs: {}\n", meta.url()));
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
