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
use crate::fsutil::WriteOptions;
use crate::lang::{Family, Language, ParsedFile};
use crate::source::{digest, SourceFile};

mod keys;

/// The rewrite of one file.
#[derive(Debug)]
pub struct FilePlan {
    pub path: PathBuf,
    pub display: String,
    pub before: String,
    pub after: String,
    /// How many findings the rewrite fixes.
    pub fixes: usize,
    /// Why fixes of this file were left out.
    dropped: Vec<String>,
}

/// Why a file with fixes was left alone.
#[derive(Debug)]
pub struct Skipped {
    pub display: String,
    pub reason: String,
}

/// Plans the rewrite of every file that has fixable findings. A finding
/// names its file by the exact path it was read from; `cwd` resolves the
/// display path of one that has none.
pub fn plan(cwd: &Path, findings: &[Finding]) -> (Vec<FilePlan>, Vec<Skipped>) {
    let mut by_file: BTreeMap<PathBuf, Vec<&Finding>> = BTreeMap::new();
    for finding in findings.iter().filter(|f| f.fix.is_some()) {
        let path = finding
            .source
            .disk_path()
            .map_or_else(|| cwd.join(finding.path()), Path::to_path_buf);
        by_file.entry(path).or_default().push(finding);
    }
    let mut plans = Vec::new();
    let mut skipped = Vec::new();
    for (path, findings) in by_file {
        let display = findings[0].path().to_string();
        match plan_file(path, &display, &findings) {
            Ok(Some(plan)) => plans.push(plan),
            Ok(None) => {}
            Err(reason) => skipped.push(Skipped { display, reason }),
        }
        // A fix dropped for a duplicate key is reported, the rest still
        // apply.
        if let Some(plan) = plans.last_mut() {
            for reason in std::mem::take(&mut plan.dropped) {
                skipped.push(Skipped {
                    display: plan.display.clone(),
                    reason,
                });
            }
        }
    }
    (plans, skipped)
}

/// Plans one file's rewrite: `Ok(None)` when nothing changes, `Err` with
/// the reason it is left alone.
fn plan_file(
    path: PathBuf,
    display: &str,
    findings: &[&Finding],
) -> Result<Option<FilePlan>, String> {
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read it: {e}"))?;
    let before = String::from_utf8(bytes).map_err(|_| "it is no longer UTF-8".to_string())?;
    if digest(&before) != findings[0].source.read_digest() {
        return Err("it changed on disk since it was linted".to_string());
    }
    let language = findings[0].source.language();
    if let Some(problem) = language.and_then(|l| syntax_problem(l, &before)) {
        return Err(format!(
            "plumbline could not parse it ({problem}); no fix touches a file it cannot parse"
        ));
    }
    let fixes: Vec<&Fix> = findings.iter().filter_map(|f| f.fix.as_ref()).collect();
    let (fixes, dropped) = match language {
        Some(language) => without_duplicate_keys(language, &before, &fixes),
        None => (fixes, Vec::new()),
    };
    let (after, applied) = apply_fixes(&before, &fixes);
    if applied == 0 || after == before {
        return match dropped.into_iter().next() {
            Some(reason) => Err(reason),
            None => Ok(None),
        };
    }
    if let Some(problem) = language.and_then(|l| syntax_problem(l, &after)) {
        return Err(format!(
            "the fixed text would not parse ({problem}); left unchanged"
        ));
    }
    Ok(Some(FilePlan {
        path,
        display: display.to_string(),
        before,
        after,
        fixes: applied,
        dropped,
    }))
}

/// Keeps the fixes that, applied together, give no mapping in a JSON or
/// YAML file a key it did not have twice before (a parser would keep one
/// of the two and silently drop the other). Returns the kept fixes and a
/// reason for each dropped one.
fn without_duplicate_keys<'f>(
    language: Language,
    before: &str,
    fixes: &[&'f Fix],
) -> (Vec<&'f Fix>, Vec<String>) {
    let format = match language {
        Language::Json => keys::Format::Json,
        Language::Yaml => keys::Format::Yaml,
        _ => return (fixes.to_vec(), Vec::new()),
    };
    let baseline = keys::duplicates(format, before);
    let mut kept: Vec<&Fix> = Vec::new();
    let mut dropped = Vec::new();
    for fix in fixes {
        let mut candidate = kept.clone();
        candidate.push(fix);
        let (after, _) = apply_fixes(before, &candidate);
        let duplicates = keys::duplicates(format, &after);
        match duplicates
            .iter()
            .find(|(key, n)| baseline.get(*key).is_none_or(|was| was < n))
        {
            Some((key, _)) => {
                let line = before[..fix.span.start.min(before.len())]
                    .matches('\n')
                    .count()
                    + 1;
                dropped.push(format!(
                    "skipped the fix on line {line}: it would make `{key}` a duplicate key of its \
                     mapping; merge the two entries by hand"
                ));
            }
            None => kept.push(fix),
        }
    }
    (kept, dropped)
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

/// Writes each plan, unless its file changed since it was read: the
/// content is compared once more right before the rename.
pub fn write(plans: &[FilePlan]) -> Vec<(String, Result<usize, String>)> {
    write_with(plans, None)
}

/// [`write`], calling `before_check` with each file's path after its new
/// text is written and synced and before the last comparison.
#[doc(hidden)]
pub fn write_with(
    plans: &[FilePlan],
    before_check: Option<&dyn Fn(&Path)>,
) -> Vec<(String, Result<usize, String>)> {
    plans
        .iter()
        .map(|plan| {
            let options = WriteOptions {
                expected: Some(plan.before.as_bytes()),
                before_check,
                ..WriteOptions::default()
            };
            let outcome = crate::fsutil::write_file(&plan.path, plan.after.as_bytes(), &options)
                .map(|()| plan.fixes)
                .map_err(|e| e.reason());
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
