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

mod diff;
mod keys;

use diff::Edit;

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
    /// Where `after` differs from `before`, in order.
    edits: Vec<Edit>,
}

impl FilePlan {
    /// Whether the rewrite makes `fix`: a fix left out (overlapping another,
    /// or making a duplicate key) keeps its finding in the report.
    pub fn applies(&self, fix: &Fix) -> bool {
        let from = self
            .edits
            .partition_point(|edit| edit.before.start < fix.span.start);
        self.edits[from..]
            .iter()
            .take_while(|edit| edit.before.start == fix.span.start)
            .any(|edit| {
                edit.before == fix.span && self.after[edit.after.clone()] == fix.replacement
            })
    }
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
        by_file
            .entry(file_of(cwd, finding))
            .or_default()
            .push(finding);
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

/// The file a fix of `finding` rewrites: the exact path it was read from,
/// else its display path from `cwd`.
pub fn file_of(cwd: &Path, finding: &Finding) -> PathBuf {
    finding
        .source
        .disk_path()
        .map_or_else(|| cwd.join(finding.path()), Path::to_path_buf)
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
    let (after, edits) = apply_fixes(&before, &fixes);
    if edits.is_empty() || after == before {
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
        fixes: edits.len(),
        dropped,
        edits,
    }))
}

/// How many times one file's fixes are applied and its keys counted while
/// looking for the fixes that would make a duplicate key. Each check reads
/// the whole file, so this bounds the work at a few dozen passes over it
/// however many fixes the file has.
const MAX_DUPLICATE_KEY_CHECKS: usize = 64;

/// Keeps the fixes that, applied together, give no mapping in a JSON or
/// YAML file a key it did not have twice before (a parser would keep one
/// of the two and silently drop the other). Returns the kept fixes and a
/// reason for each dropped one.
///
/// All fixes are tried at once first, which settles the usual file in one
/// pass. When they clash, the fixes are halved until each clashing one is
/// found alone, so a few bad fixes among thousands cost a few dozen passes,
/// not one pass per fix. Past [`MAX_DUPLICATE_KEY_CHECKS`] the fixes not yet
/// checked are left out with one reason: the next run tries them again.
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
    let new_duplicate = |fixes: &[&Fix]| -> Option<String> {
        let (after, _) = apply_fixes(before, fixes);
        keys::duplicates(format, &after)
            .into_iter()
            .find(|(key, n)| baseline.get(key).is_none_or(|was| was < n))
            .map(|(key, _)| key)
    };
    let line_of = |fix: &Fix| {
        let end = fix.span.start.min(before.len());
        before.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    };
    let mut kept: Vec<&Fix> = Vec::new();
    let mut dropped = Vec::new();
    let mut checks_left = MAX_DUPLICATE_KEY_CHECKS;
    // Runs of fixes still to try, the next one last.
    let mut pending: Vec<&[&Fix]> = vec![fixes];
    while let Some(run) = pending.pop() {
        if run.is_empty() {
            continue;
        }
        if checks_left == 0 {
            let left: Vec<&Fix> = std::iter::once(run)
                .chain(pending.drain(..).rev())
                .flatten()
                .copied()
                .collect();
            let first = left
                .iter()
                .min_by_key(|fix| fix.span.start)
                .map_or(1, |fix| line_of(fix));
            dropped.push(format!(
                "skipped {} more fixes, the first on line {first}: several fixes of this file \
                 would make duplicate keys, and plumbline checks at most \
                 {MAX_DUPLICATE_KEY_CHECKS} combinations per file; merge the duplicate entries \
                 by hand, then run --fix again",
                left.len()
            ));
            break;
        }
        checks_left -= 1;
        let mut candidate = kept.clone();
        candidate.extend_from_slice(run);
        match new_duplicate(&candidate) {
            None => kept.extend_from_slice(run),
            Some(key) if run.len() == 1 => dropped.push(format!(
                "skipped the fix on line {}: it would make `{key}` a duplicate key of its \
                 mapping; merge the two entries by hand",
                line_of(run[0])
            )),
            Some(_) => {
                let (first, second) = run.split_at(run.len() / 2);
                pending.push(second);
                pending.push(first);
            }
        }
    }
    (kept, dropped)
}

/// Applies non-overlapping fixes. Where fixes overlap, the one that starts
/// last wins and the others are left for the next run. Returns the new text
/// and the edit each applied fix made, in one pass over the text.
fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, Vec<Edit>) {
    let mut fixes: Vec<&Fix> = fixes.to_vec();
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    fixes.dedup_by(|a, b| a.span == b.span && a.replacement == b.replacement);
    // Choose from the end, so a fix is kept when it ends before the start of
    // the one kept after it.
    let mut chosen: Vec<&Fix> = Vec::new();
    let mut floor = usize::MAX;
    for fix in fixes.iter().rev() {
        let in_bounds = fix.span.start <= fix.span.end
            && fix.span.end <= text.len()
            && text.is_char_boundary(fix.span.start)
            && text.is_char_boundary(fix.span.end);
        if in_bounds && fix.span.end <= floor {
            chosen.push(fix);
            floor = fix.span.start;
        }
    }
    let grows: usize = chosen.iter().map(|fix| fix.replacement.len()).sum();
    let mut out = String::with_capacity(text.len() + grows);
    let mut edits = Vec::with_capacity(chosen.len());
    let mut copied = 0;
    for fix in chosen.iter().rev() {
        out.push_str(&text[copied..fix.span.start]);
        let at = out.len();
        out.push_str(&fix.replacement);
        edits.push(Edit {
            before: fix.span.clone(),
            after: at..out.len(),
        });
        copied = fix.span.end;
    }
    out.push_str(&text[copied..]);
    (out, edits)
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
    diff::unified(
        &plan.before,
        &plan.after,
        &plan.edits,
        &format!("a/{}", plan.display),
        &format!("b/{}", plan.display),
    )
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
        let (out, edits) = apply_fixes("abc def ghi", &[&a, &b, &overlapping]);
        assert_eq!(edits.len(), 2);
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
