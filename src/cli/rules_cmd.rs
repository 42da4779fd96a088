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
