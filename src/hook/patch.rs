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

/// Exact match first, then ignoring trailing and finally all surrounding
/// whitespace, as the agents' own appliers do.
fn find_block(lines: &[String], from: usize, block: &[String]) -> Option<usize> {
    let normalizers: [fn(&str) -> &str; 3] = [|s| s, str::trim_end, str::trim];
    for normalize in normalizers {
        for start in
            (from..=lines.len().saturating_sub(block.len())).chain(0..from.min(lines.len()))
        {
            if start + block.len() <= lines.len()
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
    fn rejects_garbage() {
        assert!(parse("hello").is_err());
        assert!(parse("*** Update File: a\n@@\n?what\n").is_err());
    }
}
