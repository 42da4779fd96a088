//! The properties a case's results must have beyond "no crash": a proper
//! hook answer, no writes from read-only commands, parseable JSON output,
//! and `--fix` changing exactly the spans it reported.

use crate::case::{changed_paths, Entry, Snapshot};
use crate::gen::Lang;
use crate::runner::{Exit, Outcome};
use serde_json::Value;
use std::collections::BTreeMap;

/// A property that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The summary's class (`wrote`, `bad-answer`, `fix-outside-span`, …).
    pub class: &'static str,
    /// Stable across inputs that break the property the same way.
    pub signature: String,
    pub message: String,
}

impl Violation {
    fn new(class: &'static str, signature: impl Into<String>, message: impl Into<String>) -> Self {
        Violation {
            class,
            signature: signature.into(),
            message: message.into(),
        }
    }
}

/// Nothing under the project changed.
pub fn unchanged(command: &str, before: &Snapshot, after: &Snapshot) -> Option<Violation> {
    let changed = changed_paths(before, after);
    (!changed.is_empty()).then(|| {
        Violation::new(
            "wrote",
            format!("{command} wrote"),
            format!("{command} changed {}", changed.join(", ")),
        )
    })
}

/// The most a command may print: reports grow with findings, but no input
/// the harness makes needs this much.
pub const OUTPUT_LIMIT: usize = 32 << 20;

/// The output stayed within `OUTPUT_LIMIT`.
pub fn output_size(outcome: &Outcome, target: &str) -> Option<Violation> {
    (outcome.stdout_len > OUTPUT_LIMIT).then(|| {
        Violation::new(
            "huge-output",
            format!("huge output in {target}"),
            format!("printed {} MB", outcome.stdout_len >> 20),
        )
    })
}

/// `--format json` or `sarif` output of a finished run parses as JSON.
pub fn json_output(outcome: &Outcome) -> Option<Violation> {
    if !matches!(outcome.exit, Exit::Code(0 | 1)) || outcome.stdout_len > outcome.stdout.len() {
        return None;
    }
    match serde_json::from_slice::<Value>(&outcome.stdout) {
        Ok(_) => None,
        Err(error) => Some(Violation::new(
            "bad-output",
            "check json output does not parse",
            format!("the JSON report does not parse: {error}"),
        )),
    }
}

/// The hook answered in its protocol: exit 0 with nothing or a JSON object
/// on stdout, or (failing open) an error exit with a line on stderr. With
/// `--fail-closed` and a named agent, every outcome is an answer: exit 0,
/// or exit 2, which every supported agent reads as a deny.
pub fn hook_answer(outcome: &Outcome, fail_closed: bool, named_agent: bool) -> Option<Violation> {
    let stdout = String::from_utf8_lossy(&outcome.stdout);
    match outcome.exit {
        Exit::Code(0) => {
            if stdout.trim().is_empty() {
                return None;
            }
            match serde_json::from_str::<Value>(stdout.trim()) {
                Ok(Value::Object(_)) => None,
                _ => Some(Violation::new(
                    "bad-answer",
                    "hook stdout is not a JSON object",
                    format!(
                        "exit 0 with stdout that is not a JSON object: {}",
                        stdout.chars().take(200).collect::<String>()
                    ),
                )),
            }
        }
        Exit::Code(code) if fail_closed && named_agent && code != 2 => Some(Violation::new(
            "fail-open",
            format!("hook --fail-closed exit {code}"),
            format!(
                "with --fail-closed the hook exited {code} instead of denying: {}",
                String::from_utf8_lossy(&outcome.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            ),
        )),
        _ => None,
    }
}

/// A machine-applicable fix reported by `check --format json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixSpan {
    pub offset: usize,
    pub length: usize,
    pub replacement: Vec<u8>,
}

/// The fixes of a JSON report, by reported path (`./` removed).
pub fn fixes_by_path(report: &[u8]) -> BTreeMap<String, Vec<FixSpan>> {
    let mut out: BTreeMap<String, Vec<FixSpan>> = BTreeMap::new();
    let Ok(value) = serde_json::from_slice::<Value>(report) else {
        return out;
    };
    let findings = value["findings"].as_array().cloned().unwrap_or_default();
    for finding in findings {
        let fix = &finding["fix"];
        let (Some(path), Some(offset), Some(length), Some(replacement)) = (
            finding["path"].as_str(),
            fix["offset"].as_u64(),
            fix["length"].as_u64(),
            fix["replacement"].as_str(),
        ) else {
            continue;
        };
        out.entry(path.trim_start_matches("./").to_string())
            .or_default()
            .push(FixSpan {
                offset: offset as usize,
                length: length as usize,
                replacement: replacement.as_bytes().to_vec(),
            });
    }
    for spans in out.values_mut() {
        spans.sort_by_key(|span| (span.offset, span.length));
        spans.dedup();
    }
    out
}

/// True when `after` is `before` with each span either left alone or
/// replaced by its replacement, and nothing else changed.
pub fn only_spans_changed(before: &[u8], after: &[u8], spans: &[FixSpan]) -> bool {
    // Overlapping spans cannot both apply; such a report is judged on the
    // spans that do not overlap an earlier one.
    let mut kept: Vec<&FixSpan> = Vec::new();
    for span in spans {
        let end = span.offset + span.length;
        if end > before.len() {
            return false;
        }
        if kept
            .last()
            .is_none_or(|last| last.offset + last.length <= span.offset)
        {
            kept.push(span);
        }
    }
    matches_from(before, after, &kept, 0, 0, 0, &mut 0)
}

/// Matches `after[at..]` against `before[from..]` with spans `next..`,
/// each span as original or replacement. The search is bounded.
fn matches_from(
    before: &[u8],
    after: &[u8],
    spans: &[&FixSpan],
    next: usize,
    from: usize,
    at: usize,
    steps: &mut usize,
) -> bool {
    *steps += 1;
    if *steps > 10_000 {
        return false;
    }
    let Some(span) = spans.get(next) else {
        return after.get(at..) == before.get(from..);
    };
    let gap = &before[from..span.offset];
    if after.get(at..at + gap.len()) != Some(gap) {
        return false;
    }
    let at = at + gap.len();
    let original = &before[span.offset..span.offset + span.length];
    let resume = span.offset + span.length;
    for choice in [span.replacement.as_slice(), original] {
        if after.get(at..at + choice.len()) == Some(choice)
            && matches_from(
                before,
                after,
                spans,
                next + 1,
                resume,
                at + choice.len(),
                steps,
            )
        {
            return true;
        }
    }
    false
}

/// Whether a text parses without syntax errors, for the languages the
/// harness can parse in its own process; `None` when it cannot tell.
///
/// Deeply nested or very large text is not parsed here: the parsers recurse
/// and the harness must not crash on what it is testing.
pub fn parses(lang: Lang, path: &str, text: &[u8]) -> Option<bool> {
    if text.len() > 256 * 1024 || nesting(text) > 64 {
        return None;
    }
    let text_str = std::str::from_utf8(text).ok()?;
    match lang {
        Lang::TypeScript | Lang::JavaScript => {
            let language: tree_sitter::Language =
                if path.ends_with(".ts") || path.ends_with(".mts") || path.ends_with(".cts") {
                    tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()
                } else {
                    tree_sitter_typescript::LANGUAGE_TSX.into()
                };
            tree_sitter_ok(language, text)
        }
        Lang::Python => tree_sitter_ok(tree_sitter_python::LANGUAGE.into(), text),
        Lang::Rust => Some(syn::parse_file(text_str).is_ok()),
        Lang::Json if path.ends_with(".json") => {
            Some(serde_json::from_str::<serde::de::IgnoredAny>(text_str).is_ok())
        }
        Lang::Toml => Some(text_str.parse::<toml::Table>().is_ok()),
        _ => None,
    }
}

fn tree_sitter_ok(language: tree_sitter::Language, text: &[u8]) -> Option<bool> {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&language).ok()?;
    let tree = parser.parse(text, None)?;
    Some(!tree.root_node().has_error())
}

/// The deepest bracket nesting, and the deepest indentation in steps of
/// four columns, whichever is larger.
fn nesting(text: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for &byte in text {
        match byte {
            b'(' | b'[' | b'{' | b'<' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' | b'>' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let indent = text
        .split(|&b| b == b'\n')
        .map(|line| {
            line.iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count()
                / 4
        })
        .max()
        .unwrap_or(0);
    deepest.max(indent)
}

/// The `--fix` property over a project's snapshots before and after, given
/// the fixes the JSON report listed.
pub fn fix_result(
    before: &Snapshot,
    after: &Snapshot,
    fixes: &BTreeMap<String, Vec<FixSpan>>,
) -> Option<Violation> {
    for (path, entry) in after {
        if !before.contains_key(path) {
            return Some(Violation::new(
                "fix-new-file",
                "fix created a file",
                format!("--fix created {}", String::from_utf8_lossy(path)),
            ));
        }
        let _ = entry;
    }
    for (path, old) in before {
        let name = String::from_utf8_lossy(path).into_owned();
        let Some(new) = after.get(path) else {
            return Some(Violation::new(
                "fix-removed-file",
                "fix removed a file",
                format!("--fix removed {name}"),
            ));
        };
        if old == new {
            continue;
        }
        let (
            Entry::File {
                bytes: old_bytes,
                mode: old_mode,
            },
            Entry::File {
                bytes: new_bytes,
                mode: new_mode,
            },
        ) = (old, new)
        else {
            return Some(Violation::new(
                "fix-changed-kind",
                "fix changed a non-file",
                format!("--fix changed what {name} is"),
            ));
        };
        let lang = Lang::of_path(&name);
        let lang_text = lang.map_or("other", crate::seeds::lang_key);
        if old_mode != new_mode {
            return Some(Violation::new(
                "fix-mode",
                format!("fix changed the mode ({lang_text})"),
                format!("--fix changed the mode of {name} from {old_mode:o} to {new_mode:o}"),
            ));
        }
        let Some(spans) = fixes.get(&name) else {
            return Some(Violation::new(
                "fix-unfixable-file",
                format!("fix changed a file with no reported fix ({lang_text})"),
                format!("--fix changed {name}, for which the JSON report lists no fix"),
            ));
        };
        if !only_spans_changed(old_bytes, new_bytes, spans) {
            return Some(Violation::new(
                "fix-outside-span",
                format!("fix changed bytes outside its spans ({lang_text})"),
                format!(
                    "--fix changed {name} outside the {} reported fix span(s)",
                    spans.len()
                ),
            ));
        }
        if let Some(lang) = lang {
            if parses(lang, &name, old_bytes) == Some(true)
                && parses(lang, &name, new_bytes) == Some(false)
            {
                return Some(Violation::new(
                    "fix-broke-parse",
                    format!("fix made a file unparseable ({lang_text})"),
                    format!("{name} parsed before --fix and does not after"),
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(offset: usize, length: usize, replacement: &str) -> FixSpan {
        FixSpan {
            offset,
            length,
            replacement: replacement.as_bytes().to_vec(),
        }
    }

    #[test]
    fn only_the_reported_spans_may_change() {
        let before = b"a = 'OLD'; b = 'OLD';";
        let spans = [span(5, 3, "NEW!"), span(16, 3, "NEW!")];
        assert!(only_spans_changed(
            before,
            b"a = 'NEW!'; b = 'NEW!';",
            &spans
        ));
        assert!(only_spans_changed(
            before,
            b"a = 'OLD'; b = 'NEW!';",
            &spans
        ));
        assert!(only_spans_changed(before, before, &spans));
        assert!(!only_spans_changed(
            before,
            b"a = 'NEW!'; b = 'NEW!'; ",
            &spans
        ));
        assert!(!only_spans_changed(
            before,
            b"A = 'NEW!'; b = 'NEW!';",
            &spans
        ));
        assert!(!only_spans_changed(
            before,
            b"a = 'NEW'; b = 'OLD';",
            &spans
        ));
    }

    #[test]
    fn a_span_past_the_end_never_matches() {
        assert!(!only_spans_changed(b"abc", b"abc", &[span(2, 5, "x")]));
    }

    #[test]
    fn fixes_are_read_from_the_json_report() {
        let report = br#"{"findings":[
            {"path":"src/a.ts","fix":{"offset":4,"length":2,"replacement":"xy"}},
            {"path":"src/a.ts"},
            {"path":"./b.py","fix":{"offset":0,"length":1,"replacement":""}}]}"#;
        let fixes = fixes_by_path(report);
        assert_eq!(fixes["src/a.ts"], vec![span(4, 2, "xy")]);
        assert_eq!(fixes["b.py"], vec![span(0, 1, "")]);
    }

    fn file(text: &str) -> Entry {
        Entry::File {
            bytes: text.as_bytes().to_vec(),
            mode: 0o644,
        }
    }

    #[test]
    fn the_fix_property_catches_each_kind_of_damage() {
        let before: Snapshot = [
            (b"a.ts".to_vec(), file("const u = 'OLD';\n")),
            (b"b.ts".to_vec(), file("const v = 1;\n")),
        ]
        .into();
        let fixes: BTreeMap<String, Vec<FixSpan>> =
            [("a.ts".to_string(), vec![span(11, 3, "NEW")])].into();
        let mut good = before.clone();
        good.insert(b"a.ts".to_vec(), file("const u = 'NEW';\n"));
        assert_eq!(fix_result(&before, &good, &fixes), None);

        let mut untouched_changed = good.clone();
        untouched_changed.insert(b"b.ts".to_vec(), file("const v = 2;\n"));
        assert_eq!(
            fix_result(&before, &untouched_changed, &fixes)
                .unwrap()
                .class,
            "fix-unfixable-file"
        );

        let mut outside = before.clone();
        outside.insert(b"a.ts".to_vec(), file("const w = 'NEW';\n"));
        assert_eq!(
            fix_result(&before, &outside, &fixes).unwrap().class,
            "fix-outside-span"
        );

        let mut broken = before.clone();
        broken.insert(b"a.ts".to_vec(), file("const u = 'NEW;;\n"));
        let fixes_broken: BTreeMap<String, Vec<FixSpan>> =
            [("a.ts".to_string(), vec![span(10, 5, "'NEW;")])].into();
        assert_eq!(
            fix_result(&before, &broken, &fixes_broken).unwrap().class,
            "fix-broke-parse"
        );

        let mut extra = good.clone();
        extra.insert(b"a\xef\xbf\xbd.ts".to_vec(), file("x"));
        assert_eq!(
            fix_result(&before, &extra, &fixes).unwrap().class,
            "fix-new-file"
        );
    }

    #[test]
    fn hook_answers_are_judged_by_the_protocol() {
        let outcome = |code: i32, stdout: &str| Outcome {
            exit: Exit::Code(code),
            stdout: stdout.as_bytes().to_vec(),
            stderr: b"error: bad payload\n".to_vec(),
            stdout_len: stdout.len(),
            elapsed: std::time::Duration::ZERO,
        };
        assert_eq!(hook_answer(&outcome(0, ""), false, true), None);
        assert_eq!(
            hook_answer(&outcome(0, "{\"decision\":\"block\"}"), true, true),
            None
        );
        assert_eq!(hook_answer(&outcome(1, ""), false, true), None);
        assert_eq!(
            hook_answer(&outcome(0, "deny"), false, true).unwrap().class,
            "bad-answer"
        );
        assert_eq!(
            hook_answer(&outcome(1, ""), true, true).unwrap().class,
            "fail-open"
        );
        assert_eq!(hook_answer(&outcome(1, ""), true, false), None);
        assert_eq!(hook_answer(&outcome(2, ""), true, true), None);
    }

    #[test]
    fn deep_text_is_not_parsed_in_process() {
        let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(parses(Lang::Rust, "a.rs", deep.as_bytes()), None);
        assert_eq!(parses(Lang::Rust, "a.rs", b"fn main() {}"), Some(true));
        assert_eq!(parses(Lang::Python, "a.py", b"def f(:\n"), Some(false));
    }
}
