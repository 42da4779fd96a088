//! `--format json`: plumbline's own documented, versioned document.

use std::io::{self, Write};

use serde::Serialize;

use crate::engine::RunResult;
use crate::finding::{Finding, Position, Severity};

/// Bumped on any incompatible change to the document's shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
    /// Present only when the run was asked for `--timings`.
    #[serde(skip_serializing_if = "Option::is_none")]
    timings: Option<&'a crate::timings::Timings>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    path: &'a str,
    start: Position,
    end: Position,
    offset: usize,
    length: usize,
    message: &'a str,
    help: &'a str,
    url: &'a str,
    labels: Vec<JsonLabel<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    start: Position,
    end: Position,
    offset: usize,
    length: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    offset: usize,
    length: usize,
    replacement: &'a str,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    infos: usize,
    files_with_findings: usize,
    files_scanned: usize,
    skipped: Vec<Skipped>,
    unreadable: Vec<Skipped>,
}

#[derive(Serialize)]
struct Skipped {
    path: String,
    reason: String,
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule: &f.rule,
        severity: f.severity,
        path: f.path(),
        start: f.start,
        end: f.end,
        offset: f.span.start,
        length: f.span.len(),
        message: &f.message,
        help: &f.help,
        url: &f.url,
        labels: f
            .labels
            .iter()
            .map(|l| JsonLabel {
                start: f.source.position(l.span.start),
                end: f.source.position(l.span.end),
                offset: l.span.start,
                length: l.span.len(),
                message: &l.message,
            })
            .collect(),
        fix: f.fix.as_ref().map(|fix| JsonFix {
            description: &fix.description,
            offset: fix.span.start,
            length: fix.span.len(),
            replacement: &fix.replacement,
        }),
    }
}

pub fn write(out: &mut dyn Write, result: &RunResult) -> io::Result<()> {
    write_with_timings(out, result, None)
}

/// [`write`], with the run's `--timings` under the `timings` key.
pub fn write_with_timings(
    out: &mut dyn Write,
    result: &RunResult,
    timings: Option<&crate::timings::Timings>,
) -> io::Result<()> {
    let s = &result.summary;
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "plumbline",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: result.findings.iter().map(finding).collect(),
        summary: Summary {
            errors: result.count(Severity::Error),
            warnings: result.count(Severity::Warning),
            infos: result.count(Severity::Info),
            files_with_findings: result.files_with_findings(),
            files_scanned: s.files_scanned,
            skipped: s
                .skipped
                .iter()
                .map(|(path, reason)| Skipped {
                    path: path.clone(),
                    reason: reason.describe().to_string(),
                })
                .collect(),
            unreadable: s
                .unreadable
                .iter()
                .map(|(path, reason)| Skipped {
                    path: path.clone(),
                    reason: reason.clone(),
                })
                .collect(),
        },
        timings,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
