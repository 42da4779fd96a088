//! Suppression comments, and the findings they are themselves when
//! malformed or unused:
//!
//! - `plumbline-ignore: RULE -- reason`: on its own line, the next line; after
//!   code, its own line.
//! - `plumbline-ignore-file: RULE -- reason`: the whole file.
//! - `plumbline-ignore-start: RULE -- reason` … `plumbline-ignore-end`: the
//!   lines between (an end naming rules closes the start with those rules;
//!   a start never closed reaches the end of the file).

use std::ops::Range;

use crate::lang::Language;
use crate::prefilter::SUPPRESSION_MARKER;
use crate::source::SourceFile;

/// The lines a suppression covers (1-based, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lines {
    pub first: usize,
    pub last: usize,
}

/// One parsed suppression comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// The lines whose findings it suppresses.
    pub lines: Lines,
    /// Span of the comment text from the marker to the end of the comment.
    pub span: Range<usize>,
    pub rules: Vec<(String, Range<usize>)>,
    pub reason: Option<String>,
}

impl Suppression {
    pub fn covers(&self, line: usize) -> bool {
        self.lines.first <= line && line <= self.lines.last
    }
}

/// What a marker's suffix makes of a comment.
#[derive(PartialEq)]
enum Form {
    Line,
    File,
    Start,
    End,
}

/// Finds suppression comments. A comment alone on its line applies to the
/// next line; a trailing comment applies to its own line.
pub fn parse(source: &SourceFile, language: Language) -> Vec<Suppression> {
    let text = &source.text;
    let markers = language.comment_markers();
    let mut out: Vec<Suppression> = Vec::new();
    // Block starts not yet closed: indices into `out`.
    let mut open: Vec<usize> = Vec::new();
    let mut line_no = 0;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        line_no += 1;
        let start = line_start;
        line_start += line.len();
        let Some(at) = line.find(SUPPRESSION_MARKER) else {
            continue;
        };
        let before = &line[..at];
        let Some(opener) = markers
            .iter()
            .filter_map(|m| before.rfind(m).map(|i| (i, *m)))
            .max_by_key(|(i, _)| *i)
        else {
            continue;
        };
        // An opener after an unbalanced quote sits inside a string literal.
        let ahead = &before[..opener.0];
        if ['"', '\'', '`']
            .iter()
            .any(|q| ahead.matches(*q).count() % 2 == 1)
        {
            continue;
        }
        let own_line = before[..opener.0].trim().is_empty()
            || (language.family() == crate::lang::Family::Js && before[..opener.0].trim() == "{");
        let mut body_start = at + SUPPRESSION_MARKER.len();
        let rest = &line[body_start..];
        let form = [
            ("-file", Form::File),
            ("-start", Form::Start),
            ("-end", Form::End),
        ]
        .into_iter()
        .find(|(suffix, _)| {
            rest.strip_prefix(suffix).is_some_and(|after| {
                after.is_empty() || after.starts_with([':', ' ', '\t', '\n', '\r', '*', '-'])
            })
        });
        let form = match form {
            Some((suffix, form)) => {
                body_start += suffix.len();
                form
            }
            None => Form::Line,
        };
        let mut body = line[body_start..].trim_end_matches(['\n', '\r']);
        for closer in ["*/", "-->"] {
            if let Some(i) = body.find(closer) {
                body = &body[..i];
            }
        }
        let body_offset = start + body_start;
        let (ids_text, reason) = match body.find("--") {
            Some(i) => (&body[..i], Some(body[i + 2..].trim().to_string())),
            None => (body, None),
        };
        let ids_text_start = body_offset;
        let mut rules = Vec::new();
        let mut offset = 0;
        for piece in ids_text.split(|c: char| c == ',' || c.is_whitespace() || c == ':') {
            if !piece.is_empty() {
                let s = ids_text_start + offset;
                rules.push((piece.to_string(), s..s + piece.len()));
            }
            offset += piece.len() + 1;
        }
        if form == Form::End {
            // Closes the latest start naming these rules (or the latest).
            let closes = open.iter().rposition(|&i| {
                rules.is_empty()
                    || rules
                        .iter()
                        .all(|(id, _)| out[i].rules.iter().any(|(r, _)| r == id))
            });
            if let Some(position) = closes {
                let index = open.remove(position);
                out[index].lines.last = line_no;
            }
            continue;
        }
        let lines = match form {
            Form::File => Lines {
                first: 1,
                last: usize::MAX,
            },
            Form::Start => Lines {
                first: line_no,
                last: usize::MAX,
            },
            _ => {
                let target = if own_line { line_no + 1 } else { line_no };
                Lines {
                    first: target,
                    last: target,
                }
            }
        };
        if form == Form::Start {
            open.push(out.len());
        }
        out.push(Suppression {
            lines,
            span: start + at..body_offset + body.trim_end().len(),
            rules,
            reason: reason.filter(|r| !r.is_empty()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_line_and_trailing_comments() {
        let src = SourceFile::in_memory(
            "a.ts",
            "// plumbline-ignore: a-rule -- legacy\nx();\ny(); // plumbline-ignore: b, c\n",
        );
        let s = parse(&src, Language::TypeScript);
        assert_eq!(s.len(), 2);
        assert!(s[0].covers(2) && !s[0].covers(1) && !s[0].covers(3));
        assert_eq!(s[0].rules[0].0, "a-rule");
        assert_eq!(&src.text[s[0].rules[0].1.clone()], "a-rule");
        assert_eq!(s[0].reason.as_deref(), Some("legacy"));
        assert!(s[1].covers(3) && !s[1].covers(2));
        assert_eq!(s[1].rules.len(), 2);
        assert_eq!(s[1].reason, None);
    }

    #[test]
    fn ignores_marker_outside_comments() {
        let src = SourceFile::in_memory("a.py", "x = 'plumbline-ignore: a -- b'\n");
        assert!(parse(&src, Language::Python).is_empty());
        let src = SourceFile::in_memory("a.rs", "let s = \"// plumbline-ignore: a -- b\";\n");
        assert!(parse(&src, Language::Rust).is_empty());
    }

    #[test]
    fn file_and_block_suppressions_cover_their_lines() {
        let src = SourceFile::in_memory(
            "a.ts",
            "// plumbline-ignore-file: a -- generated\n\
             x();\n\
             // plumbline-ignore-start: b, c -- legacy block\n\
             y();\n\
             // plumbline-ignore-end\n\
             z();\n\
             /* plumbline-ignore-start: d -- until the end */\n\
             w();\n",
        );
        let found = parse(&src, Language::TypeScript);
        let covers = |i: usize, line: usize| found[i].covers(line);
        assert_eq!(found.len(), 3);
        assert!(covers(0, 1) && covers(0, 8));
        assert_eq!(
            found[1]
                .rules
                .iter()
                .map(|(r, _)| r.as_str())
                .collect::<Vec<_>>(),
            ["b", "c"]
        );
        assert!(covers(1, 4) && !covers(1, 6));
        assert_eq!(found[1].reason.as_deref(), Some("legacy block"));
        assert!(covers(2, 8) && covers(2, 1000));
    }
}
