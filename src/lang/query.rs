//! Raw tree-sitter queries written by users: checked before tree-sitter
//! compiles them (nesting depth, predicates inside alternations), compiled
//! for each grammar they are meant for, and run to find one capture's
//! spans.

use std::ops::Range;

use tree_sitter::{Query, QueryCursor, StreamingIterator};

use crate::lang::{tree, Language, ParsedFile};

/// What a query is wrong about: the query itself or the capture named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryPart {
    Query,
    Capture,
}

/// Why a query cannot run, with the byte offset in the query where the
/// problem is when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub part: QueryPart,
    pub message: String,
    pub offset: Option<usize>,
}

impl QueryError {
    fn new(part: QueryPart, message: impl Into<String>) -> QueryError {
        QueryError {
            part,
            message: message.into(),
            offset: None,
        }
    }

    fn at(mut self, offset: usize) -> QueryError {
        self.offset = Some(offset);
        self
    }
}

/// A query compiled for one or more grammars, reporting one capture.
pub struct CaptureQuery {
    queries: Vec<(Language, Query)>,
    capture: String,
}

impl CaptureQuery {
    /// Compiles `source` for each of `languages`. The first is the one the
    /// user named (`named`, for messages): its errors are theirs; a query
    /// written for TypeScript may use node types the TSX grammar lacks, and
    /// then runs on the languages it compiles for. `capture` names the
    /// capture to report (with or without `@`); without one the query must
    /// have exactly one.
    pub fn compile(
        named: &str,
        languages: &[Language],
        source: &str,
        capture: Option<&str>,
    ) -> Result<CaptureQuery, QueryError> {
        if let Some(offset) = too_deep_at(source) {
            return Err(QueryError::new(
                QueryPart::Query,
                format!(
                    "the query nests parentheses and brackets more than {MAX_QUERY_NESTING} \
                     deep; write a flatter pattern (a capture deep in a tree is usually \
                     reached with fewer levels, or with a predicate)"
                ),
            )
            .at(offset));
        }
        if let Some(offset) = predicate_in_alternation_at(source) {
            return Err(QueryError::new(
                QueryPart::Query,
                "a predicate inside an alternation `[...]` applies to the whole pattern, \
                 not to its branch (tree-sitter's rule), so branches with different \
                 conditions match nothing or too much; write one rule per branch, or move \
                 the condition out of the brackets as one predicate, e.g. \
                 (#match? @name \"^(a|b)$\")",
            )
            .at(offset));
        }
        let mut queries = Vec::new();
        for (i, &language) in languages.iter().enumerate() {
            let grammar = tree::grammar(language).expect("tree-sitter languages have a grammar");
            match Query::new(&grammar, source) {
                Ok(query) => queries.push((language, query)),
                Err(e) if i == 0 => {
                    return Err(QueryError::new(
                        QueryPart::Query,
                        format!(
                            "the query does not compile for {named} ({:?} error at line {}, column {}){}",
                            e.kind,
                            e.row + 1,
                            e.column + 1,
                            if e.message.is_empty() {
                                String::new()
                            } else {
                                format!(": {}", error_excerpt(e.message.trim(), e.column))
                            }
                        ),
                    )
                    .at(e.offset))
                }
                Err(_) => {}
            }
        }
        let Some((_, first)) = queries.first() else {
            return Err(QueryError::new(
                QueryPart::Query,
                "no language to compile the query for",
            ));
        };
        let capture = match capture {
            Some(name) => {
                let name = name.trim_start_matches('@');
                if first.capture_index_for_name(name).is_none() {
                    return Err(QueryError::new(
                        QueryPart::Capture,
                        format!(
                            "the query has no capture `@{name}` (captures: {})",
                            capture_list(first)
                        ),
                    ));
                }
                name.to_string()
            }
            None => match first.capture_names() {
                [only] => only.to_string(),
                [] => {
                    return Err(QueryError::new(
                        QueryPart::Query,
                        "the query captures nothing; add a capture such as `@match`",
                    ))
                }
                _ => {
                    return Err(QueryError::new(
                        QueryPart::Capture,
                        format!(
                            "the query has several captures ({}); name the one to report",
                            capture_list(first)
                        ),
                    ))
                }
            },
        };
        Ok(CaptureQuery { queries, capture })
    }

    /// The capture reported, without `@`.
    pub fn capture(&self) -> &str {
        &self.capture
    }

    /// The languages the query compiled for.
    pub fn languages(&self) -> impl Iterator<Item = Language> + '_ {
        self.queries.iter().map(|(language, _)| *language)
    }

    /// The spans the capture takes in a file, each once, in the order the
    /// matches find them; none when the query is not for the file's
    /// language.
    pub fn captures(&self, file: &ParsedFile) -> Vec<Range<usize>> {
        let Some((_, query)) = self.queries.iter().find(|(l, _)| *l == file.language) else {
            return Vec::new();
        };
        let Some(tree) = file.tree() else {
            return Vec::new();
        };
        let Some(index) = query.capture_index_for_name(&self.capture) else {
            return Vec::new();
        };
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(query, tree.root_node(), file.text().as_bytes());
        let mut spans: Vec<Range<usize>> = Vec::new();
        while let Some(m) = matches.next() {
            for capture in m.captures.iter().filter(|c| c.index == index) {
                let range = capture.node.byte_range();
                if !spans.contains(&range) {
                    spans.push(range);
                }
            }
        }
        spans
    }
}

fn capture_list(query: &Query) -> String {
    query
        .capture_names()
        .iter()
        .map(|n| format!("@{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Deepest nesting of `(` and `[` a query may have. tree-sitter compiles a
/// query with a recursive parser: far deeper nesting overflows the stack.
pub const MAX_QUERY_NESTING: usize = 100;

/// The brackets of a query (`(`, `)`, `[`, `]`) with their offsets, strings
/// and `;` comments skipped.
fn query_brackets(query: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let bytes = query.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i;
            i += 1;
            match bytes[at] {
                b'"' => {
                    while i < bytes.len() && bytes[i] != b'"' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                b';' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b @ (b'(' | b')' | b'[' | b']') => return Some((at, b)),
                _ => {}
            }
        }
        None
    })
}

/// The offset of the first bracket that nests deeper than
/// [`MAX_QUERY_NESTING`].
fn too_deep_at(query: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, bracket) in query_brackets(query) {
        if matches!(bracket, b'(' | b'[') {
            depth += 1;
            if depth > MAX_QUERY_NESTING {
                return Some(at);
            }
        } else {
            depth = depth.saturating_sub(1);
        }
    }
    None
}

/// The offset of the first predicate (`(#eq? …)`, `(#match? …)`, …) written
/// inside an alternation.
fn predicate_in_alternation_at(query: &str) -> Option<usize> {
    let bytes = query.as_bytes();
    let mut open: Vec<u8> = Vec::new();
    for (at, bracket) in query_brackets(query) {
        match bracket {
            b'(' => {
                let next = bytes[at + 1..].iter().find(|b| !b.is_ascii_whitespace());
                if next == Some(&b'#') && open.contains(&b'[') {
                    return Some(at);
                }
                open.push(b'(');
            }
            b'[' => open.push(b'['),
            _ => {
                open.pop();
            }
        }
    }
    None
}

/// Most characters of the query shown on each side of an error.
const EXCERPT_RADIUS: usize = 60;

/// tree-sitter's message for a syntax error quotes the whole line of the
/// query and marks the column under it; a long line is cut to a window
/// around the column so the message stays readable.
fn error_excerpt(message: &str, column: usize) -> String {
    let mut lines = message.lines();
    let (Some(line), Some(marker)) = (lines.next(), lines.next()) else {
        return shorten(message, 0);
    };
    if line.chars().count() <= 2 * EXCERPT_RADIUS || !marker.trim_start().starts_with('^') {
        return message.to_string();
    }
    let column = column.min(line.len());
    let from = crate::source::floor_char_boundary(line, column.saturating_sub(EXCERPT_RADIUS));
    let to = crate::source::floor_char_boundary(line, (column + EXCERPT_RADIUS).min(line.len()));
    let window = line.get(from..to).unwrap_or("");
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < line.len() { "…" } else { "" };
    let caret = line.get(from..column).map_or(0, |s| s.chars().count()) + lead.chars().count();
    format!("{lead}{window}{tail}\n{}^", " ".repeat(caret))
}

/// At most `2 * EXCERPT_RADIUS` characters of `text`, starting at `from`.
fn shorten(text: &str, from: usize) -> String {
    let cut: String = text.chars().skip(from).take(2 * EXCERPT_RADIUS).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_predicate_inside_an_alternation_is_refused() {
        let query =
            "[\n  ((identifier) @x (#eq? @x \"a\"))\n  ((identifier) @x (#eq? @x \"b\"))\n] @hit";
        let offset = predicate_in_alternation_at(query).expect("refused");
        assert_eq!(&query[offset..offset + 5], "(#eq?");
        // Outside brackets, and inside strings or comments, a predicate is fine.
        for fine in [
            "((identifier) @x (#match? @x \"^(a|b)$\"))",
            "[(identifier) (property_identifier)] @x (#eq? @x \"[(#\")",
            "; [ (#eq? in a comment\n(identifier) @x",
        ] {
            assert_eq!(predicate_in_alternation_at(fine), None, "{fine}");
        }
    }
}
