//! `plumbline test`: runs a project's own rule fixtures.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::engine::Engine;
use crate::testing::{self, Outcome};

use super::{ConfigOptions, ExitStatus};

/// Where a project keeps its rule fixtures, below its root.
pub const TESTS_DIR: &str = ".plumbline/tests";

#[derive(clap::Args, Debug)]
pub struct TestArgs {
    /// Folder of fixtures: `<rule-id>/fail/<case>` and `<rule-id>/pass/<case>`
    /// [default: .plumbline/tests in the project root].
    pub dir: Option<PathBuf>,
    /// Only these rules' cases.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub rule: Vec<String>,
    /// Write each fail case's diagnostics to `<case>.expected`.
    #[arg(long)]
    pub update: bool,
    #[command(flatten)]
    pub config: ConfigOptions,
}

pub fn run(args: TestArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let cwd = super::current_dir()?;
    let engine = match Engine::new(&cwd, args.config.config.as_deref(), Default::default()) {
        Ok(e) => e,
        Err(e) => {
            super::print_error(&e);
            return Ok(ExitStatus::Error);
        }
    };
    let catalogue = crate::config::catalogue(engine.base_layers());
    if let Some(unknown) = args
        .rule
        .iter()
        .find(|id| !catalogue.iter().any(|m| &m.id == *id))
    {
        let hint = crate::config::closest(unknown, catalogue.iter().map(|m| m.id.as_str()))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        eprintln!("plumbline: unknown rule `{unknown}`{hint}; `plumbline rules` lists every rule");
        return Ok(ExitStatus::Error);
    }
    let dir = args
        .dir
        .map(|d| cwd.join(d))
        .unwrap_or_else(|| engine.root().join(TESTS_DIR));
    let cases = match testing::discover(&dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("plumbline: cannot read {}: {e}", dir.display());
            return Ok(ExitStatus::Error);
        }
    };
    let cases: Vec<_> = cases
        .into_iter()
        .filter(|c| args.rule.is_empty() || args.rule.contains(&c.rule))
        .collect();
    if cases.is_empty() {
        eprintln!(
            "plumbline: no cases in {} (expected <rule-id>/fail/<case> and <rule-id>/pass/<case>)",
            dir.display()
        );
        return Ok(ExitStatus::Error);
    }
    let (mut passed, mut failed) = (0, 0);
    for case in &cases {
        let label = format!("{}/{}/{}", case.rule, case.outcome.folder(), case.name());
        if !catalogue.iter().any(|m| m.id == case.rule) {
            failed += 1;
            writeln!(out, "FAIL {label}: no rule `{}` in this project", case.rule)?;
            continue;
        }
        let result = testing::run_case(case, engine.base_layers());
        let mut problem = result.problem;
        if args.update && case.outcome == Outcome::Fail && !result.rendered.is_empty() {
            crate::fsutil::write_atomically(
                &case.expected_path(),
                result.rendered.as_bytes(),
                None,
            )?;
            if problem
                .as_deref()
                .is_some_and(|p| p.starts_with("diagnostics differ"))
            {
                problem = None;
            }
        }
        match problem {
            None => {
                passed += 1;
                writeln!(out, "ok   {label}")?;
            }
            Some(problem) => {
                failed += 1;
                writeln!(out, "FAIL {label}: {}", problem.trim_end())?;
            }
        }
    }
    writeln!(
        out,
        "\n{} cases: {passed} passed, {failed} failed",
        passed + failed
    )?;
    Ok(if failed == 0 {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    })
}
