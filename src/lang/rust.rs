//! Rust front end: syn for items, plus a token walk for string literals that
//! live inside macro calls (`format!`, `concat!`), which syn leaves unparsed.

use std::ops::Range;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::tree::StrLit;

/// The parsed file, or why syn could not parse it. A parse failure is a
/// note, not a crash: rules that need items skip the file.
pub enum RustSyntax {
    Parsed(syn::File),
    Failed { message: String, span: Range<usize> },
}

pub fn parse(text: &str) -> RustSyntax {
    match syn::parse_file(text) {
        Ok(file) => RustSyntax::Parsed(file),
        Err(err) => RustSyntax::Failed {
            message: err.to_string(),
            span: err.span().byte_range(),
        },
    }
}

impl RustSyntax {
    pub fn file(&self) -> Option<&syn::File> {
        match self {
            RustSyntax::Parsed(f) => Some(f),
            RustSyntax::Failed { .. } => None,
        }
    }
}

/// Byte range of a syn span within its file.
pub fn span_range(span: proc_macro2::Span) -> Range<usize> {
    span.byte_range()
}

/// Byte range covering a syntax node from its first to its last token.
pub fn node_range<T: byte_span::ByteSpan>(node: &T) -> Range<usize> {
    node.range()
}

/// A tiny stand-in for `syn::spanned::Spanned` that returns byte ranges
/// (syn's trait joins spans, which only works on nightly).
pub mod byte_span {
    use std::ops::Range;

    use proc_macro2::TokenStream;
    use quote::ToTokens;

    pub trait ByteSpan {
        fn range(&self) -> Range<usize>;
    }

    impl<T: ToTokens> ByteSpan for T {
        fn range(&self) -> Range<usize> {
            let tokens: TokenStream = self.to_token_stream();
            let mut iter = tokens.into_iter();
            let Some(first) = iter.next() else {
                return 0..0;
            };
            let start = first.span().byte_range();
            let end = iter.last().map_or(start.clone(), |t| t.span().byte_range());
            start.start..end.end
        }
    }
}

/// Every string literal in the file's tokens, including inside macros and
/// attributes other than doc comments, with `concat!` arguments folded.
pub fn string_literals(file: &syn::File) -> Vec<StrLit> {
    use quote::ToTokens;
    let mut out = Vec::new();
    collect_strings(file.to_token_stream(), &mut out);
    out
}

fn collect_strings(stream: TokenStream, out: &mut Vec<StrLit>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            // `#[doc = "..."]` is a comment as far as rules are concerned.
            TokenTree::Punct(p) if p.as_char() == '#' => {
                let group = match tokens.get(i + 1) {
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => Some(g),
                    Some(TokenTree::Punct(bang)) if bang.as_char() == '!' => {
                        match tokens.get(i + 2) {
                            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
                                Some(g)
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                };
                if let Some(g) = group {
                    let is_doc = matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(id)) if id == "doc");
                    if !is_doc {
                        collect_strings(g.stream(), out);
                    }
                    i += if matches!(tokens.get(i + 1), Some(TokenTree::Group(_))) {
                        2
                    } else {
                        3
                    };
                    continue;
                }
            }
            TokenTree::Ident(id) if id == "concat" => {
                if let (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(g))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    if bang.as_char() == '!' {
                        if let Some(folded) = fold_concat(g.stream()) {
                            out.push(folded);
                            i += 3;
                            continue;
                        }
                    }
                }
            }
            TokenTree::Group(g) => collect_strings(g.stream(), out),
            TokenTree::Literal(lit) => {
                if let Some(s) = literal_string(lit) {
                    out.push(s);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Folds `concat!("a", "b", 1)` into one literal; non-literal arguments
/// become substitutions.
fn fold_concat(stream: TokenStream) -> Option<StrLit> {
    let mut folded: Option<StrLit> = None;
    for token in stream {
        let piece = match &token {
            TokenTree::Punct(p) if p.as_char() == ',' => continue,
            TokenTree::Literal(lit) => literal_string(lit).unwrap_or_else(|| {
                let mut s = StrLit::empty(lit.span().byte_range());
                s.push_piece(lit.span().byte_range().start, &lit.to_string());
                s
            }),
            other => {
                let mut s = StrLit::empty(other.span().byte_range());
                s.push_substitution();
                s
            }
        };
        folded = Some(match folded {
            Some(f) => f.concat(piece),
            None => piece,
        });
    }
    folded
}

/// A `"..."` or `r#"..."#` literal as a [`StrLit`] (escapes kept verbatim).
fn literal_string(lit: &proc_macro2::Literal) -> Option<StrLit> {
    let repr = lit.to_string();
    let span = lit.span().byte_range();
    let (prefix_len, quote_tail) = if let Some(rest) = repr.strip_prefix('"') {
        (1, rest.strip_suffix('"')?.len())
    } else if let Some(raw) = repr.strip_prefix('r') {
        let hashes = raw.chars().take_while(|&c| c == '#').count();
        let open = 1 + hashes + 1;
        if repr.as_bytes().get(open - 1) != Some(&b'"') || repr.len() < open + 1 + hashes {
            return None;
        }
        (open, repr.len() - open - 1 - hashes)
    } else {
        return None;
    };
    let content = crate::source::slice(&repr, prefix_len..prefix_len + quote_tail);
    let mut s = StrLit::empty(span.clone());
    s.push_piece(span.start + prefix_len, content);
    Some(s)
}

/// The `"…"` string literals of Rust source syn could not parse: a lexical
/// pass that skips comments, char literals (`'"'`, `'\''`) and lifetimes;
/// raw strings are read up to their first `"`, which is enough to find a
/// token or a host in them. The one reader every rule falls back to.
pub fn string_literals_lexically(text: &str) -> Vec<StrLit> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = crate::source::slice(text, i..)
                    .find('\n')
                    .map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = crate::source::slice(text, i + 2..)
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 4 + n);
            }
            b'\'' => {
                // `'"'` and `'\''` are chars; `'a` is a lifetime.
                i += if bytes.get(i + 1) == Some(&b'\\') {
                    bytes
                        .get(i + 3..(i + 12).min(bytes.len()))
                        .and_then(|rest| rest.iter().position(|b| *b == b'\''))
                        .map_or(1, |end| end + 4)
                } else if bytes.get(i + 2) == Some(&b'\'') {
                    3
                } else {
                    1
                };
            }
            b'"' => {
                let start = i + 1;
                i = start;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(bytes.len());
                if let Some(content) = text.get(start..end) {
                    let mut lit = StrLit::empty(start - 1..(end + 1).min(bytes.len()));
                    lit.push_piece(start, content);
                    out.push(lit);
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_strings_in_macros_and_folds_concat() {
        let src = r###"
/// doc "https://skip.me"
const A: &str = "plain";
fn f() { let _ = format!("https://x/{}", 1); let _ = concat!("ab", "cd"); let _ = r#"raw"#; }
"###;
        let RustSyntax::Parsed(file) = parse(src) else {
            panic!("parses")
        };
        let values: Vec<String> = string_literals(&file)
            .into_iter()
            .map(|s| s.value)
            .collect();
        assert_eq!(values, ["plain", "https://x/{}", "abcd", "raw"]);
        let strings = string_literals(&file);
        let plain = &strings[0];
        assert_eq!(&src[plain.file_span(0..5)], "plain");
        proc_macro2::extra::invalidate_current_thread_spans();
    }
}
