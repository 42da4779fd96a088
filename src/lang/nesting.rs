//! Lexical nesting checks run before a parser sees a file, so that text
//! nested deeper than a parser can take is skipped with a note instead of
//! overflowing a stack or tripping an assertion in C code.

use super::Language;

/// Deepest Python indentation stack handed to tree-sitter. Its external
/// scanner serializes the stack into a 1,024-byte buffer (two bytes a
/// level, after up to 257 bytes of string delimiters) and asserts the
/// buffer did not overflow: beyond about 383 levels the process aborts.
pub const PYTHON_MAX_INDENT_DEPTH: usize = 300;

/// Deepest nesting (brackets, generics and prefix operators, see
/// [`rust_bracket_depth`]) handed to syn, whose recursive descent parser,
/// `Drop` and visitors use stack in proportion to it.
pub const RUST_MAX_NESTING: usize = 128;

/// Why `text` is not handed to the parser for `language`, if it is nested
/// too deeply.
pub fn too_deep(language: Language, text: &str) -> Option<String> {
    match language {
        Language::Python => {
            let depth = python_indent_depth(text);
            (depth > PYTHON_MAX_INDENT_DEPTH).then(|| {
                format!(
                    "not parsed: {depth} nested indentation levels, more than the \
                     {PYTHON_MAX_INDENT_DEPTH} plumbline reads"
                )
            })
        }
        Language::Rust => {
            let depth = rust_bracket_depth(text);
            (depth > RUST_MAX_NESTING).then(|| {
                format!(
                    "not parsed: brackets nested {depth} deep, more than the \
                     {RUST_MAX_NESTING} plumbline reads"
                )
            })
        }
        _ => None,
    }
}

/// The deepest indentation stack Python's tokenizer would build: a line
/// indented further than the one before pushes a level, a line indented
/// less pops every deeper level. Blank and comment lines do not count.
/// Continuation lines are counted too, so this never underestimates.
pub fn python_indent_depth(text: &str) -> usize {
    let mut stack: Vec<usize> = vec![0];
    let mut deepest = 0;
    for line in text.lines() {
        let mut width = 0;
        let mut rest = "";
        for (i, c) in line.char_indices() {
            match c {
                ' ' | '\u{c}' => width += 1,
                '\t' => width = (width / 8 + 1) * 8,
                _ => {
                    rest = line.get(i..).unwrap_or("");
                    break;
                }
            }
        }
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        while stack.last().is_some_and(|&top| width < top) {
            stack.pop();
        }
        if stack.last().is_none_or(|&top| width > top) {
            stack.push(width);
        }
        deepest = deepest.max(stack.len() - 1);
    }
    deepest
}

/// Words syn parses as a prefix of the expression after them, recursing
/// once per word.
const RUST_PREFIX_WORDS: &[&str] = &[
    "return", "break", "move", "mut", "async", "ref", "box", "yield", "static", "const",
];

/// The deepest nesting in Rust text, as syn's parser would recurse:
/// brackets, generic argument lists (a `<` right after a name or `::`,
/// closed by a `>` that does not end `->` or `=>`; `{`, `}` and `;` close
/// them all), and runs of prefix operators and words (`!!x`, `&&&x`,
/// `- - x`, `return return x`, `|| || x`) on top of them. Strings,
/// characters and comments are not skipped: an overestimate is safe.
pub fn rust_bracket_depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut depth: usize = 0;
    let mut angles: usize = 0;
    let mut prefixes: usize = 0;
    let mut deepest = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let after_name = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b':');
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => {}
            b'{' => (depth, angles, prefixes) = (depth + 1, 0, 0),
            b'}' => (depth, angles, prefixes) = (depth.saturating_sub(1), 0, 0),
            b';' => (angles, prefixes) = (0, 0),
            b'(' | b'[' => (depth, prefixes) = (depth + 1, 0),
            b')' | b']' => (depth, prefixes) = (depth.saturating_sub(1), 0),
            b'<' if after_name => (angles, prefixes) = (angles + 1, 0),
            b'>' if i == 0 || !matches!(bytes[i - 1], b'-' | b'=') => {
                (angles, prefixes) = (angles.saturating_sub(1), 0)
            }
            b'!' | b'-' | b'&' | b'*' | b'|' => prefixes += 1,
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let end = bytes[i..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                    .map_or(bytes.len(), |n| i + n);
                let word = text.get(i..end).unwrap_or("");
                prefixes = if RUST_PREFIX_WORDS.contains(&word) {
                    prefixes + 1
                } else {
                    0
                };
                i = end;
                continue;
            }
            _ => prefixes = 0,
        }
        deepest = deepest.max(depth + angles + prefixes);
        i += 1;
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_depth_counts_levels_not_columns() {
        assert_eq!(python_indent_depth("if a:\n    if b:\n        x\ny\n"), 2);
        assert_eq!(python_indent_depth("x\n\n# c\n"), 0);
        let deep: String = (0..400)
            .map(|i| format!("{}if x:\n", " ".repeat(i)))
            .collect();
        assert_eq!(python_indent_depth(&deep), 399);
        assert!(too_deep(Language::Python, &deep).is_some());
    }

    #[test]
    fn rust_depth_counts_brackets_and_generics() {
        assert_eq!(rust_bracket_depth("fn f() { g(x[0]) }"), 3);
        assert_eq!(rust_bracket_depth("type A = Vec<Vec<u8>>;"), 2);
        assert_eq!(
            rust_bracket_depth("fn f() -> u8 { if a < b { 1 } else { 2 } }"),
            2
        );
        assert!(too_deep(Language::Rust, &"(".repeat(1000)).is_some());
        assert!(too_deep(Language::Rust, "fn main() {}").is_none());
        let comparisons = "fn f() { if i<n { g(); } }\n".repeat(500);
        assert_eq!(rust_bracket_depth(&comparisons), 3);
        for prefix in ["!", "&", "- ", "return ", "|| "] {
            let deep = format!("fn f() {{ {}x; }}", prefix.repeat(1000));
            assert!(too_deep(Language::Rust, &deep).is_some(), "{prefix}");
        }
        let ordinary = "fn f(a: &mut Vec<u8>) -> bool { !a.is_empty() && *a != [1] || -1 < 0 }";
        assert!(rust_bracket_depth(ordinary) < 8);
    }
}
