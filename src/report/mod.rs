//! Output formats. Every format reads the same [`Finding`]s.

pub mod concise;
pub mod human;
pub mod json;

use std::io::{self, Write};

use crate::engine::{RunResult, SkipReason};
use crate::finding::Severity;

/// The formats `--format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette reports with source snippets.
    Human,
    /// One line per finding: `path:line:col: severity[rule] message`.
    Concise,
    /// A versioned JSON document (see the README).
    Json,
}

/// The closing summary line: `N errors, M warnings in K files (S files scanned)`.
pub fn summary_line(result: &RunResult) -> String {
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
    writeln!(
        out,
        "{} of {} files needed parsing (the rest had no trigger literal)",
        result.summary.files_parsed, result.summary.files_scanned
    )?;
    for (path, reason) in &result.summary.skipped {
        writeln!(out, "skipped {path}: {}", reason.describe())?;
    }
    for (path, note) in &result.summary.notes {
        writeln!(out, "note: {path}: {note}")?;
    }
    Ok(())
}

/// Unreadable files are warnings shown even without `--verbose`.
pub fn write_unreadable(out: &mut dyn Write, result: &RunResult) -> io::Result<()> {
    for (path, error) in &result.summary.unreadable {
        writeln!(out, "warning: cannot read {path}: {error}")?;
    }
    Ok(())
}
