//! Output formats. Every format reads the same [`Finding`]s.

pub mod concise;
pub mod excerpt;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::io::{self, Write};

use crate::config::RuleSet;
use crate::engine::{RunResult, SkipReason};
use crate::finding::{Finding, Severity};
use crate::rules::meta::RuleMeta;

/// The formats `--format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette reports with source snippets.
    Human,
    /// One line per finding: `path:line:col: severity[rule] message`.
    Concise,
    /// A versioned JSON document (see the README).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// JUnit XML, one test case per enabled rule.
    Junit,
}

/// A rule that was in force for a run, at the severity it ran with.
#[derive(Clone, Debug)]
pub struct EnabledRule {
    pub meta: std::sync::Arc<RuleMeta>,
    pub severity: Severity,
}

/// The rules a run had enabled, sorted by id: those the project root's
/// config enables, plus any rule that reported a finding (a nested config
/// may enable a rule the root turns off).
pub fn enabled_rules(root_rules: &RuleSet, findings: &[Finding]) -> Vec<EnabledRule> {
    let mut enabled: Vec<EnabledRule> = root_rules
        .catalogue
        .iter()
        .filter_map(|meta| {
            let severity = if meta.is_engine_rule() {
                match meta.id.as_str() {
                    "invalid-suppression" => root_rules.invalid_suppression,
                    "unused-suppression" => root_rules.unused_suppression,
                    _ => None,
                }
            } else {
                root_rules
                    .rules
                    .iter()
                    .find(|r| *r.id == *meta.id)
                    .map(|r| r.severity)
            };
            let severity = severity.or_else(|| {
                findings
                    .iter()
                    .filter(|f| *f.rule == *meta.id)
                    .map(|f| f.severity)
                    .max()
            })?;
            Some(EnabledRule {
                meta: meta.clone(),
                severity,
            })
        })
        .collect();
    enabled.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    enabled
}

/// The closing summary line: `N errors, M warnings in K files (S files
/// scanned)`, then what was skipped, unreadable or fixable.
pub fn summary_line(result: &RunResult) -> String {
    summary_line_with(result, "`--fix`")
}

/// [`summary_line`], naming how to apply fixes as `fix_command` (the git
/// hook has no `--fix` of its own).
pub fn summary_line_with(result: &RunResult, fix_command: &str) -> String {
    let errors = result.count(Severity::Error);
    let warnings = result.count(Severity::Warning);
    let infos = result.count(Severity::Info);
    let s = &result.summary;
    let mut line = format!(
        "{} {}, {} {}",
        errors,
        plural(errors, "error", "errors"),
        warnings,
        plural(warnings, "warning", "warnings"),
    );
    if infos > 0 {
        line.push_str(&format!(", {infos} info"));
    }
    let files = result.files_with_findings();
    line.push_str(&format!(
        " in {} {} ({} {} scanned)",
        files,
        plural(files, "file", "files"),
        s.files_scanned,
        plural(s.files_scanned, "file", "files"),
    ));
    let mut skipped = Vec::new();
    for reason in [
        SkipReason::Binary,
        SkipReason::NotUtf8,
        SkipReason::TooLarge,
        SkipReason::Unsupported,
        SkipReason::NotRegularFile,
    ] {
        let n = s.skipped_count(reason);
        if n > 0 {
            skipped.push(format!("{n} {}", reason.describe()));
        }
    }
    if !skipped.is_empty() {
        line.push_str(&format!("; skipped {}", skipped.join(", ")));
    }
    if !s.unreadable.is_empty() {
        line.push_str(&format!("; {} unreadable", s.unreadable.len()));
    }
    let fixable = result.findings.iter().filter(|f| f.fix.is_some()).count();
    if fixable > 0 {
        line.push_str(&format!("; {fixable} fixable with {fix_command}"));
    }
    if !s.notes.is_empty() {
        line.push_str(&format!(
            "; {} {}",
            s.notes.len(),
            plural(s.notes.len(), "note", "notes")
        ));
    }
    line
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Lists skipped and unreadable files and notes (`--verbose`).
pub fn write_details(out: &mut dyn Write, result: &RunResult) -> io::Result<()> {
    if result.summary.cached == 0 {
        writeln!(
            out,
            "{} of {} files needed parsing (the rest had no trigger literal)",
            result.summary.files_parsed, result.summary.files_scanned
        )?;
    } else {
        writeln!(
            out,
            "{} of {} files needed parsing ({} came from the cache; the rest had no trigger literal)",
            result.summary.files_parsed, result.summary.files_scanned, result.summary.cached
        )?;
    }
    for (path, reason) in &result.summary.skipped {
        if *reason != SkipReason::NotRegularFile {
            writeln!(out, "skipped {path}: {}", reason.describe())?;
        }
    }
    for path in &result.summary.unsupported {
        writeln!(out, "not read {path}: not a file type plumbline reads")?;
    }
    const SHOWN: usize = 200;
    for (path, why) in result.summary.left_out.iter().take(SHOWN) {
        writeln!(out, "not walked {path}: {why}")?;
    }
    if result.summary.left_out.len() > SHOWN {
        writeln!(
            out,
            "not walked: {} more hidden or ignored paths",
            result.summary.left_out.len() - SHOWN
        )?;
    }
    for (path, note) in &result.summary.notes {
        writeln!(out, "note: {path}: {note}")?;
    }
    Ok(())
}

/// Unreadable files are warnings shown even without `--verbose`, and
/// internal errors (a rule that failed on a file) are errors.
pub fn write_unreadable(out: &mut dyn Write, result: &RunResult) -> io::Result<()> {
    for (path, error) in &result.summary.unreadable {
        writeln!(out, "warning: cannot read {path}: {error}")?;
    }
    // Named on the command line, so always said (`--verbose` or not).
    for (path, reason) in &result.summary.skipped {
        if *reason == SkipReason::NotRegularFile {
            writeln!(out, "warning: skipped {path}: {}", reason.describe())?;
        }
    }
    for (path, error) in &result.summary.internal_errors {
        writeln!(out, "error: {path}: {error}")?;
    }
    Ok(())
}
