//! The `tree-sitter-query` rule kind: the escape hatch for a pattern no
//! other kind covers, written as a raw tree-sitter query.

use regex::Regex;
use serde::Deserialize;
use tree_sitter::{Query, QueryCursor, StreamingIterator};

use crate::lang::{tree, Family, Language, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Runs a [tree-sitter query](https://tree-sitter.github.io/tree-sitter/using-parsers/queries/)
    /// over every file of one language and reports one capture of each
    /// match. The query's own predicates (`#eq?`, `#match?`, `#any-of?`,
    /// `#not-eq?`…) are honoured, and `matches` / `not_matches` filter the
    /// reported capture's text with a regular expression. The message may
    /// use `{text}` (the captured text, first line only) and `{capture}`.
    ///
    /// The query is compiled when the configuration is read: a query that
    /// does not compile is a configuration error labelled at the offending
    /// spot of the query text.
    ///
    /// Queries run on the grammars plumbline parses with: TypeScript for
    /// `.ts`/`.mts`/`.cts`, TSX for `.tsx` and all JavaScript, and Python.
    ///
    /// ## Why is this bad?
    /// It depends on the rule: this kind lets a team forbid a shape of code
    /// that is specific to its own architecture, with the same suppressions,
    /// reports and hooks as every built-in rule.
    ///
    /// ## Example
    /// ```toml
    /// [[rule]]
    /// id = "no-direct-stripe-client"
    /// kind = "tree-sitter-query"
    /// message = "`new Stripe(…)` outside the payments service"
    /// help = "import the client from @acme/payments"
    /// [rule.options]
    /// language = "typescript"
    /// query = '(new_expression constructor: (identifier) @ctor (#eq? @ctor "Stripe")) @new'
    /// capture = "new"
    /// literals = ["Stripe"]
    /// ```
    ///
    /// flags
    ///
    /// ```ts
    /// const stripe = new Stripe(process.env.STRIPE_KEY!);
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// import { stripe } from '@acme/payments';
    /// ```
    ///
    /// ## Options
    /// - `language`: `"typescript"` (also applies to `.tsx` and JavaScript
    ///   files, compiled for each grammar), `"tsx"`, `"javascript"` (JS and
    ///   JSX files) or `"python"`.
    /// - `query`: the tree-sitter query (S-expression syntax).
    /// - `capture`: the capture to report, without `@`; may be left out when
    ///   the query has exactly one capture.
    /// - `matches`: a regular expression the captured text must match.
    /// - `not_matches`: a regular expression the captured text must not match.
    /// - `literals`: words at least one of which a file must contain
    ///   (case-insensitively) to be parsed at all. Without it every file of
    ///   the language is parsed, which is slower; give the most specific word
    ///   the pattern needs.
    pub struct TreeSitterQuery;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "language",
        description: "\"typescript\", \"tsx\", \"javascript\" or \"python\".",
    },
    OptionDoc {
        name: "query",
        description: "The tree-sitter query.",
    },
    OptionDoc {
        name: "capture",
        description: "The capture to report (optional when the query has one capture).",
    },
    OptionDoc {
        name: "matches",
        description: "Regular expression the captured text must match.",
    },
    OptionDoc {
        name: "not_matches",
        description: "Regular expression the captured text must not match.",
    },
    OptionDoc {
        name: "literals",
        description: "Prefilter words; a file containing none is never parsed.",
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    language: String,
    query: String,
    #[serde(default)]
    capture: Option<String>,
    #[serde(default)]
    matches: Option<String>,
    #[serde(default)]
    not_matches: Option<String>,
    #[serde(default)]
    literals: Vec<String>,
}

impl Kind for TreeSitterQuery {
    fn id(&self) -> &'static str {
        "tree-sitter-query"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        let languages: &[Language] = match options.language.as_str() {
            "typescript" => &[Language::TypeScript, Language::Tsx, Language::JavaScript],
            "tsx" => &[Language::Tsx],
            "javascript" => &[Language::JavaScript],
            "python" => &[Language::Python],
            other => {
                return Err(OptionError::new(
                    "language",
                    format!(
                        "unknown language `{other}`; use typescript, tsx, javascript or python"
                    ),
                ))
            }
        };
        if let Some(offset) = too_deep_at(&options.query) {
            return Err(OptionError::new(
                "query",
                format!(
                    "the query nests parentheses and brackets more than {MAX_QUERY_NESTING} \
                     deep; write a flatter pattern (a capture deep in a tree is usually \
                     reached with fewer levels, or with a predicate)"
                ),
            )
            .at_offset(offset));
        }
        if let Some(offset) = predicate_in_alternation_at(&options.query) {
            return Err(OptionError::new(
                "query",
                "a predicate inside an alternation `[...]` applies to the whole pattern, \
                 not to its branch (tree-sitter's rule), so branches with different \
                 conditions match nothing or too much; write one rule per branch, or move \
                 the condition out of the brackets as one predicate, e.g. \
                 (#match? @name \"^(a|b)$\")",
            )
            .at_offset(offset));
        }
        let mut queries = Vec::new();
        for (i, &language) in languages.iter().enumerate() {
            let grammar = tree::grammar(language).expect("tree-sitter languages have a grammar");
            match Query::new(&grammar, &options.query) {
                Ok(query) => queries.push((language, query)),
                // The first grammar is the one the user named: its errors
                // are theirs. A query written for TypeScript may use node
                // types the TSX grammar lacks; then it runs on .ts only.
                Err(e) if i == 0 => {
                    return Err(OptionError::new(
                        "query",
                        format!(
                        "the query does not compile for {} ({:?} error at line {}, column {}){}",
                        options.language,
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
                    .at_offset(e.offset))
                }
                Err(_) => {}
            }
        }
        let first = &queries[0].1;
        let capture = match &options.capture {
            Some(name) => {
                let name = name.trim_start_matches('@');
                if first.capture_index_for_name(name).is_none() {
                    return Err(OptionError::new(
                        "capture",
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
                    return Err(OptionError::new(
                        "query",
                        "the query captures nothing; add a capture such as `@match`",
                    ))
                }
                _ => {
                    return Err(OptionError::new(
                        "capture",
                        format!(
                            "the query has several captures ({}); name the one to report",
                            capture_list(first)
                        ),
                    ))
                }
            },
        };
        let regex =
            |option: &str, pattern: &Option<String>| -> Result<Option<Regex>, OptionError> {
                pattern
                    .as_deref()
                    .map(|p| {
                        Regex::new(p).map_err(|e| {
                            OptionError::new(option, format!("invalid regular expression: {e}"))
                        })
                    })
                    .transpose()
            };
        if options.literals.iter().any(|l| l.trim().is_empty()) {
            return Err(OptionError::new("literals", "literals must not be empty"));
        }
        Ok(Box::new(QueryCheck {
            matches: regex("matches", &options.matches)?,
            not_matches: regex("not_matches", &options.not_matches)?,
            queries,
            capture,
            literals: options.literals,
        }))
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

struct QueryCheck {
    queries: Vec<(Language, Query)>,
    capture: String,
    matches: Option<Regex>,
    not_matches: Option<Regex>,
    literals: Vec<String>,
}

impl Check for QueryCheck {
    /// The user's `literals`; without them every file of the language
    /// is checked (an empty path glob set would never trigger).
    fn literals(&self) -> Vec<String> {
        self.literals.clone()
    }

    fn path_triggers(&self) -> Vec<String> {
        if !self.literals.is_empty() {
            return Vec::new();
        }
        let mut globs = Vec::new();
        for (language, _) in &self.queries {
            let extensions: &[&str] = match language {
                Language::TypeScript => &["ts", "mts", "cts"],
                Language::Tsx => &["tsx"],
                Language::JavaScript => &["js", "jsx", "mjs", "cjs"],
                Language::Python => &["py", "pyi"],
                _ => &[],
            };
            globs.extend(extensions.iter().map(|e| format!("**/*.{e}")));
        }
        globs
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let Some((_, query)) = self.queries.iter().find(|(l, _)| *l == file.language) else {
            return;
        };
        let Some(tree) = file.tree() else { return };
        let Some(index) = query.capture_index_for_name(&self.capture) else {
            return;
        };
        let src = file.text();
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(query, tree.root_node(), src.as_bytes());
        let mut seen = Vec::new();
        while let Some(m) = matches.next() {
            for capture in m.captures.iter().filter(|c| c.index == index) {
                let range = capture.node.byte_range();
                if seen.contains(&range) {
                    continue;
                }
                let text = crate::source::slice(src, range.clone());
                if self.matches.as_ref().is_some_and(|r| !r.is_match(text))
                    || self.not_matches.as_ref().is_some_and(|r| r.is_match(text))
                {
                    continue;
                }
                seen.push(range.clone());
                let first_line = text.lines().next().unwrap_or_default();
                out.report(
                    Report::at(range)
                        .var("text", first_line.to_string())
                        .var("capture", self.capture.clone()),
                );
            }
        }
    }
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

    fn compile(options: &str) -> Result<Box<dyn Check>, OptionError> {
        TreeSitterQuery.compile(&toml::from_str(options).unwrap())
    }

    #[test]
    fn invalid_queries_point_at_the_error() {
        let err = compile("language = \"python\"\nquery = \"(call function: (identifier) @f\"")
            .err()
            .unwrap();
        assert_eq!(err.option.as_deref(), Some("query"));
        assert!(err.offset.is_some());
        let err = compile("language = \"python\"\nquery = \"(no_such_node) @x\"")
            .err()
            .unwrap();
        assert!(err.message.contains("NodeType"), "{}", err.message);
        let err = compile("language = \"cobol\"\nquery = \"(x)\"")
            .err()
            .unwrap();
        assert_eq!(err.option.as_deref(), Some("language"));
    }

    #[test]
    fn captures_are_named_or_unique() {
        assert!(compile("language = \"python\"\nquery = \"(call) @c\"").is_ok());
        let err = compile("language = \"python\"\nquery = \"(call function: (identifier) @f) @c\"")
            .err()
            .unwrap();
        assert_eq!(err.option.as_deref(), Some("capture"));
        let err = compile("language = \"python\"\nquery = \"(call) @c\"\ncapture = \"nope\"")
            .err()
            .unwrap();
        assert!(err.message.contains("@c"));
    }
}
