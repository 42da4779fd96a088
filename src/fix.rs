//! `check --fix` and `--diff`: applying the machine-applicable fixes that
//! findings carry, safely.
//!
//! A file is rewritten only when all of these hold: it still has exactly
//! the text the run linted (checked again right before the rename), it
//! parses without syntax errors before the fix, and the fixed text parses
//! without new ones. The write is atomic (a temporary file in the same
//! folder, then a rename), so a reader sees the old file or the new one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::finding::{Finding, Fix};
use crate::lang::{Family, Language, ParsedFile};
use crate::source::{digest, SourceFile};

/// The rewrite of one file.
#[derive(Debug)]
pub struct FilePlan {
    pub path: PathBuf,
    pub display: String,
    pub before: String,
    pub after: String,
    /// How many findings the rewrite fixes.
    pub fixes: usize,
}

/// Why a file with fixes was left alone.
#[derive(Debug)]
pub struct Skipped {
    pub display: String,
    pub reason: String,
}

/// Plans the rewrite of every file that has fixable findings. `cwd` is what
/// display paths are relative to.
pub fn plan(cwd: &Path, findings: &[Finding]) -> (Vec<FilePlan>, Vec<Skipped>) {
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in findings.iter().filter(|f| f.fix.is_some()) {
        by_file.entry(finding.path()).or_default().push(finding);
    }
    let mut plans = Vec::new();
    let mut skipped = Vec::new();
    for (display, findings) in by_file {
        let skip = |reason: String| Skipped {
            display: display.to_string(),
            reason,
        };
        let path = cwd.join(display);
        let before = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                skipped.push(skip(format!("cannot read it: {e}")));
                continue;
            }
        };
        if digest(&before) != findings[0].source.read_digest() {
            skipped.push(skip("it changed on disk since it was linted".to_string()));
            continue;
        }
        let language = findings[0].source.language();
        if let Some(problem) = language.and_then(|l| syntax_problem(l, &before)) {
            skipped.push(skip(format!(
                "plumbline could not parse it ({problem}); no fix touches a file it cannot parse"
            )));
            continue;
        }
        let fixes: Vec<&Fix> = findings.iter().filter_map(|f| f.fix.as_ref()).collect();
        let (after, applied) = apply_fixes(&before, &fixes);
        if applied == 0 || after == before {
            continue;
        }
        if let Some(problem) = language.and_then(|l| syntax_problem(l, &after)) {
            skipped.push(skip(format!(
                "the fixed text would not parse ({problem}); left unchanged"
            )));
            continue;
        }
        plans.push(FilePlan {
            path,
            display: display.to_string(),
            before,
            after,
            fixes: applied,
        });
    }
    (plans, skipped)
}

/// Applies non-overlapping fixes, last first so earlier spans stay valid.
/// Returns the new text and how many fixes it applied.
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut fixes: Vec<&Fix> = fixes.to_vec();
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    fixes.dedup_by(|a, b| a.span == b.span && a.replacement == b.replacement);
    let mut out = text.to_string();
    let mut applied = 0;
    let mut floor = usize::MAX;
    for fix in fixes.iter().rev() {
        let in_bounds = fix.span.end <= text.len()
            && text.is_char_boundary(fix.span.start)
            && text.is_char_boundary(fix.span.end);
        // A fix overlapping one already applied is left for the next run.
        if !in_bounds || fix.span.end > floor {
            continue;
        }
        out.replace_range(fix.span.clone(), &fix.replacement);
        floor = fix.span.start;
        applied += 1;
    }
    (out, applied)
}

/// A syntax error plumbline's parser for the language finds, if any.
fn syntax_problem(language: Language, text: &str) -> Option<String> {
    let file = ParsedFile::new(Arc::new(SourceFile::in_memory("fix", text)), language);
    match language.family() {
        Family::Js | Family::Python => {
            let tree = file.tree()?;
            let root = tree.root_node();
            if !root.has_error() {
                return None;
            }
            let mut at = None;
            crate::lang::tree::walk(root, |node| {
                if at.is_none() && (node.is_error() || node.is_missing()) {
                    at = Some(node.start_position());
                }
                at.is_none()
            });
            let at = at.unwrap_or_else(|| root.start_position());
            Some(format!("syntax error at {}:{}", at.row + 1, at.column + 1))
        }
        Family::Rust => match file.rust() {
            crate::lang::rust::RustSyntax::Failed { message, .. } => Some(message.clone()),
            _ => None,
        },
        Family::Config if language == Language::Json => {
            serde_json::from_str::<serde_json::Value>(text)
                .err()
                .map(|e| e.to_string())
        }
        Family::Config if language == Language::Toml => toml::from_str::<toml::Table>(text)
            .err()
            .map(|e| e.message().to_string()),
        _ => None,
    }
}

/// Writes each plan, unless its file changed since it was read.
pub fn write(plans: &[FilePlan]) -> Vec<(String, Result<usize, String>)> {
    plans
        .iter()
        .map(|plan| {
            let outcome = match std::fs::read_to_string(&plan.path) {
                Ok(now) if now != plan.before => {
                    Err("it changed on disk while fixing; left unchanged".to_string())
                }
                Err(e) => Err(format!("cannot read it: {e}")),
                Ok(_) => crate::fsutil::write_atomically(&plan.path, plan.after.as_bytes(), None)
                    .map(|()| plan.fixes)
                    .map_err(|e| format!("cannot write it: {e}")),
            };
            (plan.display.clone(), outcome)
        })
        .collect()
}

/// A unified diff of one plan, as `git diff` would show it.
pub fn unified_diff(plan: &FilePlan) -> String {
    similar::TextDiff::from_lines(&plan.before, &plan.after)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{}", plan.display),
            &format!("b/{}", plan.display),
        )
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(span: std::ops::Range<usize>, replacement: &str) -> Fix {
        Fix {
            description: String::new(),
            span,
            replacement: replacement.to_string(),
        }
    }

    #[test]
    fn fixes_apply_from_the_end_and_skip_overlaps() {
        let a = fix(0..3, "X");
        let b = fix(4..7, "YY");
        let overlapping = fix(5..9, "Z");
        let (out, n) = apply_fixes("abc def ghi", &[&a, &b, &overlapping]);
        assert_eq!(n, 2);
        assert_eq!(out, "X dZhi");
    }

    #[test]
    fn broken_files_are_recognised() {
        assert!(syntax_problem(Language::TypeScript, "const x = ;").is_some());
        assert!(syntax_problem(Language::TypeScript, "const x = 1;").is_none());
        assert!(syntax_problem(Language::Json, "{\"a\": }").is_some());
        assert!(syntax_problem(Language::Python, "x = (1,\n").is_some());
    }
}
