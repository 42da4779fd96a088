//! The unified diff of a fix plan, computed around the edits the fixes made.
//!
//! A line diff of two whole files costs time in proportion to the file's
//! length times the number of changed lines, which is minutes for a large
//! file with thousands of fixes. The fixes say where the text changed, so
//! only the lines around each edit are diffed; the lines between edits are
//! known to be equal. The output is the one a whole-file diff gives, in
//! `git diff`'s format.

use std::fmt::Write as _;
use std::ops::Range;
use std::time::{Duration, Instant};

use similar::{group_diff_ops, Algorithm, DiffOp, DiffableStr};

/// Lines of context around each change, as `git diff` shows.
const CONTEXT: usize = 3;

/// How long the line diffs of one file may take before they settle for a
/// coarser (still correct) answer.
const DIFF_TIME: Duration = Duration::from_secs(2);

/// One replacement the fixes made: the bytes it replaced in the old text
/// and the bytes it wrote in the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub before: Range<usize>,
    pub after: Range<usize>,
}

/// The unified diff of `before` and `after`, which differ only by `edits`
/// (in order, not overlapping). Empty when nothing changed.
pub fn unified(
    before: &str,
    after: &str,
    edits: &[Edit],
    old_name: &str,
    new_name: &str,
) -> String {
    let old_lines = before.tokenize_lines();
    let new_lines = after.tokenize_lines();
    let deadline = Instant::now() + DIFF_TIME;
    let ops = ops_around_edits(&old_lines, &new_lines, edits, deadline).unwrap_or_else(|| {
        similar::capture_diff_slices_deadline(
            Algorithm::Myers,
            &old_lines,
            &new_lines,
            Some(deadline),
        )
    });
    let mut out = String::new();
    for hunk in group_diff_ops(ops, CONTEXT) {
        if out.is_empty() {
            let _ = writeln!(out, "--- {old_name}\n+++ {new_name}");
        }
        let _ = writeln!(out, "{}", similar::udiff::UnifiedHunkHeader::new(&hunk));
        for op in &hunk {
            for change in op.iter_changes(&old_lines, &new_lines) {
                let line = change.value();
                let _ = write!(out, "{}{line}", change.tag());
                if !line.ends_with(['\r', '\n']) {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

/// The diff operations of the whole file, from a line diff of each region
/// the edits touch and equal runs between them. `None` when the lines
/// between two regions do not match, which the edits rule out, so the
/// caller diffs the whole file instead.
fn ops_around_edits(
    old_lines: &[&str],
    new_lines: &[&str],
    edits: &[Edit],
    deadline: Instant,
) -> Option<Vec<DiffOp>> {
    let old_starts = line_starts(old_lines);
    let new_starts = line_starts(new_lines);
    let mut ops = Vec::new();
    let (mut old_done, mut new_done) = (0, 0);
    for (old_region, new_region) in regions(&old_starts, &new_starts, edits) {
        let (old_gap, new_gap) = (old_done..old_region.start, new_done..new_region.start);
        if old_gap.len() != new_gap.len() || old_lines[old_gap.clone()] != new_lines[new_gap] {
            return None;
        }
        push_equal(&mut ops, old_done, new_done, old_gap.len());
        let region_ops = similar::capture_diff_slices_deadline(
            Algorithm::Myers,
            &old_lines[old_region.clone()],
            &new_lines[new_region.clone()],
            Some(deadline),
        );
        for op in region_ops {
            push_op(&mut ops, shifted(op, old_region.start, new_region.start));
        }
        (old_done, new_done) = (old_region.end, new_region.end);
    }
    let (old_gap, new_gap) = (old_done..old_lines.len(), new_done..new_lines.len());
    if old_gap.len() != new_gap.len() || old_lines[old_gap.clone()] != new_lines[new_gap] {
        return None;
    }
    push_equal(&mut ops, old_done, new_done, old_gap.len());
    Some(ops)
}

/// The byte offset where each line starts.
fn line_starts(lines: &[&str]) -> Vec<usize> {
    let mut offset = 0;
    lines
        .iter()
        .map(|line| {
            let start = offset;
            offset += line.len();
            start
        })
        .collect()
}

/// The lines each edit touches, widened by one line on each side (a line
/// break the edit removes or adds can join or split its neighbours) and
/// merged where they meet, as pairs of old and new line ranges.
fn regions(
    old_starts: &[usize],
    new_starts: &[usize],
    edits: &[Edit],
) -> Vec<(Range<usize>, Range<usize>)> {
    let around = |starts: &[usize], bytes: &Range<usize>| -> Range<usize> {
        let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let first = line_of(bytes.start).saturating_sub(1);
        let last = (line_of(bytes.end) + 2).min(starts.len());
        first.min(last)..last
    };
    let mut out: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for edit in edits {
        let (old, new) = (
            around(old_starts, &edit.before),
            around(new_starts, &edit.after),
        );
        match out.last_mut() {
            Some((last_old, last_new))
                if old.start <= last_old.end || new.start <= last_new.end =>
            {
                last_old.end = last_old.end.max(old.end);
                last_new.end = last_new.end.max(new.end);
            }
            _ => out.push((old, new)),
        }
    }
    out
}

/// `op` moved from a region's line numbers to the file's.
fn shifted(op: DiffOp, old_base: usize, new_base: usize) -> DiffOp {
    match op {
        DiffOp::Equal {
            old_index,
            new_index,
            len,
        } => DiffOp::Equal {
            old_index: old_index + old_base,
            new_index: new_index + new_base,
            len,
        },
        DiffOp::Delete {
            old_index,
            old_len,
            new_index,
        } => DiffOp::Delete {
            old_index: old_index + old_base,
            old_len,
            new_index: new_index + new_base,
        },
        DiffOp::Insert {
            old_index,
            new_index,
            new_len,
        } => DiffOp::Insert {
            old_index: old_index + old_base,
            new_index: new_index + new_base,
            new_len,
        },
        DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } => DiffOp::Replace {
            old_index: old_index + old_base,
            old_len,
            new_index: new_index + new_base,
            new_len,
        },
    }
}

fn push_equal(ops: &mut Vec<DiffOp>, old_index: usize, new_index: usize, len: usize) {
    push_op(
        ops,
        DiffOp::Equal {
            old_index,
            new_index,
            len,
        },
    );
}

/// Appends `op`, joining it to an equal run before it: the hunk grouping
/// expects one equal op between two changes.
fn push_op(ops: &mut Vec<DiffOp>, op: DiffOp) {
    if let DiffOp::Equal { len, .. } = op {
        if len == 0 {
            return;
        }
        if let Some(DiffOp::Equal { len: last_len, .. }) = ops.last_mut() {
            *last_len += len;
            return;
        }
    }
    ops.push(op);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies `(start, end, replacement)` edits in order, as the fixes do.
    fn edited(before: &str, replacements: &[(usize, usize, &str)]) -> (String, Vec<Edit>) {
        let mut after = String::new();
        let mut edits = Vec::new();
        let mut copied = 0;
        for &(start, end, replacement) in replacements {
            after.push_str(&before[copied..start]);
            let at = after.len();
            after.push_str(replacement);
            edits.push(Edit {
                before: start..end,
                after: at..after.len(),
            });
            copied = end;
        }
        after.push_str(&before[copied..]);
        (after, edits)
    }

    fn whole_file(before: &str, after: &str) -> String {
        similar::TextDiff::from_lines(before, after)
            .unified_diff()
            .context_radius(CONTEXT)
            .header("a", "b")
            .to_string()
    }

    #[test]
    fn the_diff_around_edits_is_the_whole_file_diff() {
        let text: String = (0..40).map(|i| format!("line {i}\n")).collect();
        let at = |line: usize| {
            text.match_indices('\n')
                .nth(line - 1)
                .map_or(0, |(i, _)| i + 1)
        };
        let cases: Vec<Vec<(usize, usize, &str)>> = vec![
            vec![(at(5), at(5) + 4, "LINE")],
            vec![(at(5), at(5) + 4, "LINE"), (at(8), at(8), "new\n")],
            vec![(at(1), at(3), ""), (at(20), at(20) + 6, "x\ny\nz")],
            vec![(at(39), text.len(), "end without newline")],
            vec![(0, 0, "first\n"), (at(10) - 1, at(10), "")],
            vec![
                (at(12), at(12) + 7, "line 11"),
                (at(30), at(31), "line 9\n"),
            ],
        ];
        for replacements in cases {
            let (after, edits) = edited(&text, &replacements);
            assert_eq!(
                unified(&text, &after, &edits, "a", "b"),
                whole_file(&text, &after),
                "{replacements:?}"
            );
        }
    }

    #[test]
    fn crlf_and_missing_final_newlines_diff_as_whole_files_do() {
        let text = "a\r\nb\r\nc\r\nd";
        for replacements in [
            vec![(1, 2, "")],
            vec![(2, 3, "x")],
            vec![(9, 10, "D\n")],
            vec![(0, 10, "")],
        ] {
            let (after, edits) = edited(text, &replacements);
            assert_eq!(
                unified(text, &after, &edits, "a", "b"),
                whole_file(text, &after),
                "{replacements:?}"
            );
        }
    }

    #[test]
    fn nothing_changed_is_an_empty_diff() {
        assert_eq!(unified("a\n", "a\n", &[], "a", "b"), "");
    }

    #[test]
    fn a_large_file_with_many_changes_keeps_one_hunk_per_change() {
        // A whole-file diff of this takes minutes; one that ran out of time
        // would merge the changes into one coarse hunk.
        let lines = 100_000;
        let text: String = (0..lines)
            .map(|i| format!("value: http://x/{i}\n"))
            .collect();
        let mut replacements = Vec::new();
        let mut offset = 0;
        for i in 0..lines {
            if i % 10 == 0 {
                let start = offset + "value: ".len();
                replacements.push((start, start + "http://x".len(), "https://y"));
            }
            offset += format!("value: http://x/{i}\n").len();
        }
        let (after, edits) = edited(&text, &replacements);
        let diff = unified(&text, &after, &edits, "a", "b");
        assert_eq!(diff.matches("\n@@ ").count(), lines / 10);
        assert_eq!(diff.matches("\n-value: http://x/").count(), lines / 10);
        assert_eq!(diff.matches("\n+value: https://y/").count(), lines / 10);
    }
}
