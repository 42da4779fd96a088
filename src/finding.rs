//! The one `Finding` type every output format is built from.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::source::SourceFile;

/// How bad a finding is. Ordered so that `Error > Warning > Info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A secondary span with its own text, e.g. the handler of a dead route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Range<usize>,
    pub message: String,
}

/// A machine-applicable replacement of one byte range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub description: String,
    pub span: Range<usize>,
    pub replacement: String,
}

/// One rule violation at one place.
///
/// Rules never build this directly: they report a span and message variables
/// and the engine stamps in the rule's id, severity, help and docs url, so no
/// output format can disagree with the rule's own metadata.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Arc<str>,
    pub severity: Severity,
    pub source: Arc<SourceFile>,
    pub span: Range<usize>,
    pub start: Position,
    pub end: Position,
    pub message: String,
    /// Text of the primary label; defaults to the message when empty.
    pub label: String,
    pub labels: Vec<Label>,
    pub help: String,
    pub url: String,
    pub fix: Option<Fix>,
    /// Project-wide facts whose presence cancels this finding (e.g. a trait
    /// in another file that gives the missing member a real default body).
    pub unless: Vec<String>,
}

impl Finding {
    pub fn path(&self) -> &str {
        self.source.display_path()
    }

    /// The flagged code with whitespace collapsed: stable across edits that
    /// only move it, so it can key baselines and before/after comparisons.
    pub fn normalized_snippet(&self) -> String {
        let text = self.source.text.get(self.span.clone()).unwrap_or_default();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The key findings are sorted by: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, usize) {
        (
            self.path(),
            self.start.line,
            self.start.column,
            &self.rule,
            self.span.end,
        )
    }
}
