//! Span-based edits of a JSON document that has already been validated:
//! find an object's members or an array's elements by byte offset and
//! insert new text beside them, so every byte outside the insertion (number
//! text, key order, duplicate keys, line endings, indentation) stays as it
//! was.

use std::ops::Range;

use serde_json::Value;

/// One `"key": value` member of an object.
#[derive(Debug)]
pub struct Member {
    /// The key, decoded.
    pub key: String,
    /// From the key's opening quote to the end of the value.
    pub whole: Range<usize>,
    /// The value, from its first byte to just after its last.
    pub value: Range<usize>,
}

/// How inserted text is laid out, taken from the document.
pub struct Style {
    /// `\r\n` when the document uses it, else `\n`.
    pub newline: &'static str,
    /// One level of indentation.
    pub indent: String,
    /// Whether the document spreads over several lines (else inserted
    /// text is compact, on the same line).
    pub pretty: bool,
}

impl Style {
    pub fn of(text: &str) -> Style {
        Style {
            newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
            indent: detect_indent(text),
            pretty: text.trim_end().contains('\n'),
        }
    }
}

/// One insertion: `text` goes at byte `at`, replacing `replaces` bytes
/// (the blank inside an empty container).
#[derive(Debug)]
pub struct Insertion {
    pub at: usize,
    pub replaces: usize,
    pub text: String,
}

impl Insertion {
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + self.text.len());
        out.push_str(&text[..self.at]);
        out.push_str(&self.text);
        out.push_str(&text[self.at + self.replaces..]);
        out
    }
}

/// The first byte of the top-level value.
pub fn root(text: &str) -> usize {
    skip_blank(text.as_bytes(), 0)
}

/// The members of the object whose `{` is at `open`, in order (duplicate
/// keys included), and the offset of its `}`.
pub fn members(text: &str, open: usize) -> (Vec<Member>, usize) {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_blank(bytes, open + 1);
    while i < bytes.len() && bytes[i] != b'}' {
        let key_start = i;
        let key_end = value_end(bytes, i);
        let key = serde_json::from_str::<String>(&text[i..key_end]).unwrap_or_default();
        i = skip_blank(bytes, key_end);
        // The colon.
        i = skip_blank(bytes, i + 1);
        let end = value_end(bytes, i);
        out.push(Member {
            key,
            whole: key_start..end,
            value: i..end,
        });
        i = skip_blank(bytes, end);
        if bytes.get(i) == Some(&b',') {
            i = skip_blank(bytes, i + 1);
        }
    }
    (out, i)
}

/// The elements of the array whose `[` is at `open`, and the offset of its
/// `]`.
pub fn elements(text: &str, open: usize) -> (Vec<Range<usize>>, usize) {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_blank(bytes, open + 1);
    while i < bytes.len() && bytes[i] != b']' {
        let end = value_end(bytes, i);
        out.push(i..end);
        i = skip_blank(bytes, end);
        if bytes.get(i) == Some(&b',') {
            i = skip_blank(bytes, i + 1);
        }
    }
    (out, i)
}

/// An item to insert: an array element, or an object member with its key.
pub struct Item<'a> {
    pub key: Option<&'a str>,
    pub value: Value,
}

/// Inserts `items` as the last items of the container that opens at
/// `open`, closes at `close`, and holds `existing` items. A container
/// written on one line gets compact items on that line; one spread over
/// lines (or an empty one in a multi-line document) gets one item per
/// line at the indentation of its first item.
pub fn append(
    text: &str,
    open: usize,
    close: usize,
    existing: &[Range<usize>],
    items: &[Item],
    style: &Style,
) -> Insertion {
    let pretty = style.pretty && (existing.is_empty() || text[open..close].contains('\n'));
    let style = Style {
        newline: style.newline,
        indent: style.indent.clone(),
        pretty,
    };
    let outer = line_indent(text, open);
    let inner = match existing.first() {
        Some(first) if starts_line(text, first.start) => line_indent(text, first.start),
        _ => format!("{outer}{}", style.indent),
    };
    let separator = if pretty {
        format!(",{}{inner}", style.newline)
    } else {
        ",".to_string()
    };
    let joined = items
        .iter()
        .map(|item| {
            let rendered = match item.key {
                Some(key) => render_member(key, &item.value, &style),
                None => render(&item.value, &style),
            };
            reindent(&rendered, &inner, style.newline)
        })
        .collect::<Vec<_>>()
        .join(&separator);
    match existing.last() {
        Some(last) => Insertion {
            at: last.end,
            replaces: 0,
            text: format!("{separator}{joined}"),
        },
        None if pretty => Insertion {
            at: open + 1,
            replaces: close - open - 1,
            text: format!("{nl}{inner}{joined}{nl}{outer}", nl = style.newline),
        },
        None => Insertion {
            at: open + 1,
            replaces: close - open - 1,
            text: joined,
        },
    }
}

/// `value` as JSON in the document's style (its lines not yet indented
/// past the first).
pub fn render(value: &Value, style: &Style) -> String {
    if !style.pretty {
        return value.to_string();
    }
    use serde::Serialize;
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(style.indent.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    value.serialize(&mut ser).expect("a JSON value serializes");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// `"key": value`, rendered.
pub fn render_member(key: &str, value: &Value, style: &Style) -> String {
    let key = Value::from(key).to_string();
    if style.pretty {
        format!("{key}: {}", render(value, style))
    } else {
        format!("{key}:{}", render(value, style))
    }
}

/// Indents every line after the first by `indent` and uses `newline`.
fn reindent(item: &str, indent: &str, newline: &str) -> String {
    item.split('\n')
        .enumerate()
        .map(|(n, line)| {
            if n == 0 {
                line.to_string()
            } else {
                format!("{indent}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join(newline)
}

/// The whitespace that starts the line holding `at`.
fn line_indent(text: &str, at: usize) -> String {
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let line = &text[start..];
    line[..line.len() - line.trim_start_matches([' ', '\t']).len()].to_string()
}

/// Whether only whitespace stands before `at` on its line.
fn starts_line(text: &str, at: usize) -> bool {
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    text[start..at].trim_matches([' ', '\t']).is_empty()
}

/// The indentation of the first indented line (two spaces when none is).
fn detect_indent(text: &str) -> String {
    text.lines()
        .skip(1)
        .map(|l| &l[..l.len() - l.trim_start_matches([' ', '\t']).len()])
        .find(|ws| !ws.is_empty())
        .unwrap_or("  ")
        .to_string()
}

fn skip_blank(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// The end of the value starting at `i`: bracket depth counted without
/// recursion, strings skipped with their escapes.
fn value_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                if depth == 0 {
                    return i.min(bytes.len());
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 0 {
                    return i;
                }
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b',' | b' ' | b'\t' | b'\r' | b'\n' | b':' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_members_with_duplicates_and_odd_numbers() {
        let text = "{\"a\": 1E2, \"b\": {\"x\": [1, 2]}, \"a\": \"s\\\"}\"}";
        let (members, close) = members(text, root(text));
        let keys: Vec<&str> = members.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "a"]);
        assert_eq!(&text[members[0].value.clone()], "1E2");
        assert_eq!(&text[members[1].value.clone()], "{\"x\": [1, 2]}");
        assert_eq!(&text[members[2].value.clone()], "\"s\\\"}\"");
        assert_eq!(close, text.len() - 1);
    }
}
