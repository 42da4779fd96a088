//! Baselines: today's findings, recorded so that an old codebase can adopt
//! plumbline and be held only to what is new.
//!
//! An entry is keyed by rule, project path and the finding's fingerprint
//! (the SARIF `primaryLocationLineHash`: a hash of the path, the rule and
//! the flagged code with whitespace collapsed, plus `:N` for the Nth such
//! finding in the file). No line number takes part, so code that moves
//! keeps its entry. Each entry excuses at most one finding.

use std::collections::HashMap;
use std::path::Path;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::report::sarif::fingerprints;
use crate::source::floor_char_boundary;

/// What a baseline is called. plumbline never lints a file of this name
/// (in any folder): its excerpts quote the very code it excuses.
pub const FILE_NAME: &str = "plumbline-baseline.json";

/// The file format's version; bumped only on an incompatible change.
pub const VERSION: u32 = 1;

/// How much of the flagged code an entry keeps for reviewers.
const EXCERPT_CHARS: usize = 80;

/// A baseline file as it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// One recorded finding. Field order is the sort order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Relative to the project root, `/`-separated.
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    /// The start of the flagged code, for whoever reviews the baseline.
    pub excerpt: String,
}

/// Why a baseline could not be read.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {error}")]
    #[diagnostic(
        code(plumbline::baseline),
        help("create one with `plumbline check --write-baseline {path}`")
    )]
    Unreadable { path: String, error: String },
    #[error("baseline {path} is not a plumbline baseline: {message}")]
    #[diagnostic(
        code(plumbline::baseline),
        help("regenerate it with `plumbline check --write-baseline {path}`")
    )]
    Malformed {
        path: String,
        message: String,
        #[source_code]
        source_code: NamedSource<String>,
        #[label("here")]
        span: SourceSpan,
    },
    #[error("baseline {path} has version {found}; this plumbline reads version {VERSION}")]
    #[diagnostic(
        code(plumbline::baseline),
        help("regenerate it with `plumbline check --write-baseline {path}`")
    )]
    Version { path: String, found: u32 },
}

impl Baseline {
    /// Records `findings` (sorted as the engine sorts them).
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .zip(fingerprints(findings))
            .map(|(f, fingerprint)| Entry {
                path: f.source.project_path().to_string(),
                rule: f.rule.to_string(),
                fingerprint,
                excerpt: excerpt(&f.normalized_snippet()),
            })
            .collect();
        entries.sort();
        Baseline {
            version: VERSION,
            entries,
        }
    }

    /// Pretty JSON with a trailing newline: the same findings always give
    /// the same bytes, so the file diffs well in review.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a baseline serializes");
        text.push('\n');
        text
    }

    /// Reads a baseline; `display` names it in errors.
    pub fn load(path: &Path, display: &str) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Unreadable {
            path: display.to_string(),
            error: e.to_string(),
        })?;
        Baseline::parse(&text, display)
    }

    pub fn parse(text: &str, display: &str) -> Result<Baseline, BaselineError> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| {
            let offset = offset_of(text, e.line(), e.column());
            BaselineError::Malformed {
                path: display.to_string(),
                message: e.to_string(),
                source_code: NamedSource::new(display, text.to_string()),
                span: SourceSpan::from(offset..offset),
            }
        })?;
        if baseline.version != VERSION {
            return Err(BaselineError::Version {
                path: display.to_string(),
                found: baseline.version,
            });
        }
        Ok(baseline)
    }

    /// Splits `findings` into those the baseline does not excuse (returned,
    /// in order) and reports which entries excused nothing. `in_scope`
    /// says whether an entry's file and rule were linted at all: an entry
    /// for a file this run did not look at is not fixed, only unseen.
    pub fn apply(
        &self,
        findings: Vec<Finding>,
        in_scope: &dyn Fn(&Entry) -> bool,
    ) -> (Vec<Finding>, Applied) {
        let mut remaining: HashMap<(&str, &str, &str), usize> = HashMap::new();
        for entry in &self.entries {
            *remaining
                .entry((&entry.path, &entry.rule, &entry.fingerprint))
                .or_default() += 1;
        }
        let keys = fingerprints(&findings);
        let excused: Vec<bool> = findings
            .iter()
            .zip(&keys)
            .map(|(finding, fingerprint)| {
                let key = (
                    finding.source.project_path(),
                    &*finding.rule,
                    fingerprint.as_str(),
                );
                match remaining.get_mut(&key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        true
                    }
                    _ => false,
                }
            })
            .collect();
        let matched = excused.iter().filter(|e| **e).count();
        // Walk the entries (sorted) so the fixed list comes out sorted.
        let mut fixed = Vec::new();
        for entry in &self.entries {
            let key = (
                entry.path.as_str(),
                entry.rule.as_str(),
                entry.fingerprint.as_str(),
            );
            if let Some(n) = remaining.get_mut(&key) {
                if *n > 0 {
                    *n -= 1;
                    if in_scope(entry) {
                        fixed.push(entry.clone());
                    }
                }
            }
        }
        let new = findings
            .into_iter()
            .zip(excused)
            .filter_map(|(f, excused)| (!excused).then_some(f))
            .collect();
        (new, Applied { matched, fixed })
    }
}

/// What applying a baseline did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Findings the baseline excused.
    pub matched: usize,
    /// Entries in scope that matched no finding: the debt was paid.
    pub fixed: Vec<Entry>,
}

impl Applied {
    /// What the summary line says about the baseline, e.g. `3 in
    /// baseline; 1 baseline entry no longer matches (fixed)`.
    pub fn summary(&self) -> String {
        let mut line = format!("{} in baseline", self.matched);
        match self.fixed.len() {
            0 => {}
            1 => line.push_str("; 1 baseline entry no longer matches (fixed)"),
            n => line.push_str(&format!("; {n} baseline entries no longer match (fixed)")),
        }
        line
    }

    /// The fixed entries, one line each (`--verbose`).
    pub fn write_fixed(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for entry in &self.fixed {
            writeln!(
                out,
                "fixed: {} {} `{}` (remove it from the baseline with --write-baseline)",
                entry.path, entry.rule, entry.excerpt
            )?;
        }
        Ok(())
    }
}

fn excerpt(snippet: &str) -> String {
    match snippet.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &snippet[..cut]),
        None => snippet.to_string(),
    }
}

/// Byte offset of serde_json's 1-based line and column (0 for "at the end").
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let offset = (line_start + column.saturating_sub(1)).min(text.len());
    floor_char_boundary(text, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_cut_on_char_boundaries() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(100);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn malformed_json_points_at_the_spot() {
        let text = "{\n  \"version\": 1,\n  \"entries\": [oops]\n}\n";
        let Err(BaselineError::Malformed { span, .. }) = Baseline::parse(text, "b.json") else {
            panic!("expected a malformed baseline");
        };
        assert_eq!(&text[span.offset()..span.offset() + 4], "oops");
    }

    #[test]
    fn other_versions_are_refused() {
        let err = Baseline::parse(r#"{"version": 2, "entries": []}"#, "b.json").unwrap_err();
        assert!(matches!(err, BaselineError::Version { found: 2, .. }));
    }
}
