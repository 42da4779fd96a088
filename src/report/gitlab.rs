//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues).

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Finding, Severity};

use super::sarif::fingerprints;

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// GitLab's scale is info, minor, major, critical, blocker; a plumbline
/// error is an architecture decision broken, so it ranks critical.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn write(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let issues: Vec<Issue<'_>> = findings
        .iter()
        .zip(fingerprints(findings))
        .map(|(f, fingerprint)| Issue {
            description: &f.message,
            check_name: &f.rule,
            fingerprint,
            severity: severity(f.severity),
            location: Location {
                path: f.source.project_path(),
                lines: Lines {
                    begin: f.start.line,
                },
            },
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
