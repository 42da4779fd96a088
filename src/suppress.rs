//! Inline `plumbline-ignore: RULE -- reason` comments: which findings they
//! remove, and the findings they are themselves when malformed or unused.

use std::ops::Range;

use crate::lang::Language;
use crate::prefilter::SUPPRESSION_MARKER;
use crate::source::SourceFile;

/// One parsed suppression comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// The line whose findings it suppresses (1-based).
    pub target_line: usize,
    /// Span of the comment text from the marker to the end of the comment.
    pub span: Range<usize>,
    pub rules: Vec<(String, Range<usize>)>,
    pub reason: Option<String>,
}

/// Finds suppression comments. A comment alone on its line applies to the
/// next line; a trailing comment applies to its own line.
pub fn parse(source: &SourceFile, language: Language) -> Vec<Suppression> {
    let text = &source.text;
    let markers = language.comment_markers();
    let mut out = Vec::new();
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
        let body_start = at + SUPPRESSION_MARKER.len();
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
        out.push(Suppression {
            target_line: if own_line { line_no + 1 } else { line_no },
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
        assert_eq!(s[0].target_line, 2);
        assert_eq!(s[0].rules[0].0, "a-rule");
        assert_eq!(&src.text[s[0].rules[0].1.clone()], "a-rule");
        assert_eq!(s[0].reason.as_deref(), Some("legacy"));
        assert_eq!(s[1].target_line, 3);
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
}
