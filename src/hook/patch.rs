//! The `apply_patch` format coding agents (Codex) write edits in:
//! `*** Begin Patch`, then `Add File`, `Update File` (with `Move to` and
//! `@@` context hunks) and `Delete File` sections, then `*** End Patch`.

/// One file operation of a patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchOp {
    Add {
        path: String,
        content: String,
    },
    Delete {
        path: String,
    },
    Update {
        path: String,
        move_to: Option<String>,
        hunks: Vec<Hunk>,
    },
}

/// A change: `old` lines (context and removals) become `new` lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hunk {
    /// Text after `@@`, a line to find before the hunk applies.
    pub anchor: Option<String>,
    pub old: Vec<String>,
    pub new: Vec<String>,
    pub end_of_file: bool,
}

/// Why a patch cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError(pub String);

/// Parses patch text. Lenient where agents are: the envelope lines may be
/// missing, and blank lines in a hunk count as empty context.
pub fn parse(text: &str) -> Result<Vec<PatchOp>, PatchError> {
    let mut ops = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.trim_end_matches('\r');
        if let Some(path) = line.strip_prefix("*** Add File: ") {
            let mut content = String::new();
            while let Some(next) = lines.peek() {
                if next.starts_with("*** ") {
                    break;
                }
                let next = lines.next().unwrap_or_default().trim_end_matches('\r');
                content.push_str(next.strip_prefix('+').unwrap_or(next));
                content.push('\n');
            }
            ops.push(PatchOp::Add {
                path: path.trim().to_string(),
                content,
            });
        } else if let Some(path) = line.strip_prefix("*** Delete File: ") {
            ops.push(PatchOp::Delete {
                path: path.trim().to_string(),
            });
        } else if let Some(path) = line.strip_prefix("*** Update File: ") {
            let mut move_to = None;
            if let Some(next) = lines.peek() {
                if let Some(target) = next.strip_prefix("*** Move to: ") {
                    move_to = Some(target.trim().to_string());
                    lines.next();
                }
            }
            let mut hunks: Vec<Hunk> = Vec::new();
            let mut current = Hunk::default();
            while let Some(next) = lines.peek() {
                let next = next.trim_end_matches('\r');
                if next == "*** End of File" {
                    current.end_of_file = true;
                    lines.next();
                    continue;
                }
                if next.starts_with("*** ") {
                    break;
                }
                let next = lines.next().unwrap_or_default().trim_end_matches('\r');
                if let Some(anchor) = next.strip_prefix("@@") {
                    if !current.old.is_empty() || !current.new.is_empty() {
                        hunks.push(std::mem::take(&mut current));
                    }
                    let anchor = anchor.trim();
                    current.anchor = (!anchor.is_empty()).then(|| anchor.to_string());
                    continue;
                }
                match next.chars().next() {
                    Some('+') => current.new.push(next[1..].to_string()),
                    Some('-') => current.old.push(next[1..].to_string()),
                    Some(' ') => {
                        current.old.push(next[1..].to_string());
                        current.new.push(next[1..].to_string());
                    }
                    None => {
                        current.old.push(String::new());
                        current.new.push(String::new());
                    }
                    Some(_) => {
                        return Err(PatchError(format!(
                            "unexpected line in the hunk for {path}: `{next}`"
                        )))
                    }
                }
            }
            if !current.old.is_empty() || !current.new.is_empty() {
                hunks.push(current);
            }
            ops.push(PatchOp::Update {
                path: path.trim().to_string(),
                move_to,
                hunks,
            });
        } else if line.starts_with("*** Begin Patch")
            || line.starts_with("*** End Patch")
            || line.trim().is_empty()
        {
            continue;
        } else if ops.is_empty() && !line.starts_with("***") {
            // Text before the envelope (a shell heredoc wrapper) is ignored.
            continue;
        } else {
            return Err(PatchError(format!("unexpected patch line `{line}`")));
        }
    }
    if ops.is_empty() {
        return Err(PatchError("the patch names no file".to_string()));
    }
    Ok(ops)
}

/// Applies an update's hunks to `original`, or `None` when a hunk's lines
/// are not found (the agent's own edit would then fail too).
pub fn apply_hunks(original: &str, hunks: &[Hunk]) -> Option<String> {
    let trailing_newline = original.ends_with('\n') || original.is_empty();
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    let mut cursor = 0;
    for hunk in hunks {
        if let Some(anchor) = &hunk.anchor {
            if let Some(i) = find_line(&lines, cursor, anchor) {
                cursor = i + 1;
            }
        }
        let at = if hunk.old.is_empty() {
            if hunk.end_of_file || hunk.anchor.is_none() {
                lines.len()
            } else {
                cursor
            }
        } else if hunk.end_of_file {
            let start = lines.len().checked_sub(hunk.old.len())?;
            matches_at(&lines, start, &hunk.old).then_some(start)?
        } else {
            find_block(&lines, cursor, &hunk.old)?
        };
        lines.splice(at..at + hunk.old.len(), hunk.new.iter().cloned());
        cursor = at + hunk.new.len();
    }
    let mut out = lines.join("\n");
    if trailing_newline && !out.is_empty() {
        out.push('\n');
    }
    Some(out)
}

fn find_line(lines: &[String], from: usize, needle: &str) -> Option<usize> {
    let needle = needle.trim();
    (from..lines.len()).find(|&i| lines[i].trim() == needle)
}

/// How Codex 0.171.0's `apply_patch` compares a hunk's lines with the
/// file, loosest last: exactly, ignoring trailing whitespace, ignoring all
/// surrounding whitespace, then with Unicode dashes, quotes and spaces
/// folded to ASCII.
const NORMALIZERS: [fn(&str) -> std::borrow::Cow<'_, str>; 4] = [
    |s| std::borrow::Cow::Borrowed(s),
    |s| std::borrow::Cow::Borrowed(s.trim_end()),
    |s| std::borrow::Cow::Borrowed(s.trim()),
    |s| {
        std::borrow::Cow::Owned(
            s.trim()
                .chars()
                .map(super::apply::fold_punctuation)
                .collect(),
        )
    },
];

/// Where `block` starts in `lines`, searching from `from` to the end and
/// then from the top, under each normalizer in turn. Windows are compared
/// by a rolling hash of their lines' hashes, and only a window whose hash
/// matches is compared line by line, so each pass is linear in the file.
fn find_block(lines: &[String], from: usize, block: &[String]) -> Option<usize> {
    if block.is_empty() || block.len() > lines.len() {
        return None;
    }
    for normalize in NORMALIZERS {
        let hash = |s: &str| -> u64 {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            normalize(s).hash(&mut h);
            h.finish()
        };
        let line_hashes: Vec<u64> = lines.iter().map(|l| hash(l)).collect();
        let windows = rolling_hashes(&line_hashes, block.len());
        let wanted = rolling_hashes(
            &block.iter().map(|l| hash(l)).collect::<Vec<_>>(),
            block.len(),
        )[0];
        let order = (from.min(windows.len())..windows.len()).chain(0..from.min(windows.len()));
        for start in order {
            if windows[start] == wanted
                && block
                    .iter()
                    .zip(&lines[start..])
                    .all(|(b, l)| normalize(b) == normalize(l))
            {
                return Some(start);
            }
        }
    }
    None
}

/// The polynomial hash of every window of `width` consecutive values.
fn rolling_hashes(values: &[u64], width: usize) -> Vec<u64> {
    const BASE: u64 = 0x100_0000_01b3;
    if width == 0 || width > values.len() {
        return Vec::new();
    }
    let top = (1..width).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let mut hash = values[..width]
        .iter()
        .fold(0u64, |h, v| h.wrapping_mul(BASE).wrapping_add(*v));
    let mut out = Vec::with_capacity(values.len() - width + 1);
    out.push(hash);
    for i in width..values.len() {
        hash = hash
            .wrapping_sub(values[i - width].wrapping_mul(top))
            .wrapping_mul(BASE)
            .wrapping_add(values[i]);
        out.push(hash);
    }
    out
}

fn matches_at(lines: &[String], start: usize, block: &[String]) -> bool {
    block
        .iter()
        .zip(&lines[start..])
        .all(|(b, l)| b.trim_end() == l.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "*** Begin Patch\n*** Add File: src/new.ts\n+export const a = 1;\n+export const b = 2;\n*** Update File: src/old.ts\n@@ function f() {\n   const x = 1;\n-  return x;\n+  return x + 1;\n*** Delete File: src/gone.ts\n*** End Patch\n";

    #[test]
    fn parses_every_operation() {
        let ops = parse(PATCH).unwrap();
        assert_eq!(ops.len(), 3);
        assert_eq!(
            ops[0],
            PatchOp::Add {
                path: "src/new.ts".into(),
                content: "export const a = 1;\nexport const b = 2;\n".into()
            }
        );
        let PatchOp::Update { hunks, .. } = &ops[1] else {
            panic!()
        };
        assert_eq!(hunks[0].anchor.as_deref(), Some("function f() {"));
        assert_eq!(hunks[0].old, ["  const x = 1;", "  return x;"]);
        assert_eq!(
            ops[2],
            PatchOp::Delete {
                path: "src/gone.ts".into()
            }
        );
    }

    #[test]
    fn applies_context_hunks_after_their_anchor() {
        let ops = parse(PATCH).unwrap();
        let PatchOp::Update { hunks, .. } = &ops[1] else {
            panic!()
        };
        let original = "function g() {\n  const x = 1;\n  return x;\n}\nfunction f() {\n  const x = 1;\n  return x;\n}\n";
        let applied = apply_hunks(original, hunks).unwrap();
        assert_eq!(
            applied,
            "function g() {\n  const x = 1;\n  return x;\n}\nfunction f() {\n  const x = 1;\n  return x + 1;\n}\n"
        );
        assert_eq!(apply_hunks("nothing here\n", hunks), None);
    }

    #[test]
    fn loose_matching_follows_codex() {
        let hunk = Hunk {
            anchor: None,
            old: vec!["const MSG = \"Don't retry - down\";".into()],
            new: vec!["const MSG = \"x\";".into()],
            end_of_file: false,
        };
        let file = "  const MSG = \u{201C}Don\u{2019}t retry \u{2013} down\u{201D};  \n";
        assert_eq!(
            apply_hunks(file, std::slice::from_ref(&hunk)).as_deref(),
            Some("const MSG = \"x\";\n")
        );
    }

    #[test]
    fn identical_lines_do_not_make_location_quadratic() {
        let file = format!("{}END\n", "\n".repeat(20_000));
        let mut old = vec![String::new(); 10_000];
        old.push("END".into());
        let mut new = old.clone();
        new.push("x".into());
        let hunk = Hunk {
            anchor: None,
            old,
            new,
            end_of_file: false,
        };
        let start = std::time::Instant::now();
        let out = apply_hunks(&file, &[hunk]).unwrap();
        assert!(out.ends_with("END\nx\n"));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse("hello").is_err());
        assert!(parse("*** Update File: a\n@@\n?what\n").is_err());
    }
}
