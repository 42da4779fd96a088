//! Lexical nesting checks run before a parser sees a file, so that text
//! nested deeper than a parser can take is skipped with a note instead of
//! overflowing a stack or tripping an assertion in C code.

use super::Language;

/// Deepest Python indentation stack handed to tree-sitter. Its external
/// scanner serializes the stack into a 1,024-byte buffer (two bytes a
/// level, after up to 257 bytes of string delimiters) and asserts the
/// buffer did not overflow: beyond about 383 levels the process aborts.
pub const PYTHON_MAX_INDENT_DEPTH: usize = 300;

/// Deepest bracket nesting (`(`, `[`, `{`, and `<` after a name in Rust)
/// handed to syn, whose recursive descent parser, `Drop` and visitors use
/// stack in proportion to it.
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

/// The deepest nesting of brackets in Rust text, strings, characters and
/// comments not skipped: an overestimate is safe. A `<` right after a name
/// or `::` opens a generic argument list; `>` closes one unless it ends
/// `->` or `=>`; `{`, `}` and `;` close them all.
pub fn rust_bracket_depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut depth: usize = 0;
    let mut angles: usize = 0;
    let mut deepest = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            // A generic argument list never spans a block or a statement:
            // forgetting open `<` there keeps `i<n` comparisons from adding up.
            b'{' => (depth, angles) = (depth + 1, 0),
            b'}' => (depth, angles) = (depth.saturating_sub(1), 0),
            b';' => angles = 0,
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b'<' if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b':') => {
                angles += 1
            }
            b'>' if i == 0 || !matches!(bytes[i - 1], b'-' | b'=') => {
                angles = angles.saturating_sub(1)
            }
            _ => continue,
        }
        deepest = deepest.max(depth + angles);
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
    }
}
