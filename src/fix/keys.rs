//! Duplicate keys in JSON and YAML mappings, so a fix that renames a key
//! never makes it collide with a sibling.

use std::collections::BTreeMap;

use crate::lang::config_files::{scan, ConfigFormat};

/// The formats whose parsers silently keep one of two equal keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

/// For each key name, how many times it repeats within one mapping, summed
/// over the file's mappings. Names that never repeat are absent.
pub fn duplicates(format: Format, text: &str) -> BTreeMap<String, usize> {
    let config = match format {
        Format::Json => ConfigFormat::Json,
        Format::Yaml => ConfigFormat::Yaml,
    };
    let keys: Vec<(usize, String)> = scan(config, text)
        .into_iter()
        .filter(|s| s.is_key)
        .map(|s| (s.span.start, s.value.into_owned()))
        .collect();
    let starts: Vec<usize> = keys.iter().map(|(start, _)| *start).collect();
    let mappings = match format {
        Format::Json => json_mappings(text, &starts),
        Format::Yaml => yaml_mappings(text, &starts),
    };
    let mut seen: BTreeMap<(usize, &str), usize> = BTreeMap::new();
    for ((_, name), mapping) in keys.iter().zip(mappings) {
        *seen.entry((mapping, name.as_str())).or_default() += 1;
    }
    let mut repeats = BTreeMap::new();
    for ((_, name), count) in seen {
        if count > 1 {
            *repeats.entry(name.to_string()).or_default() += count - 1;
        }
    }
    repeats
}

/// The offset of the `{` that opens the object holding each key (keys
/// given by their start offsets, in order). Skips strings and comments.
fn json_mappings(text: &str, keys: &[usize]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(keys.len());
    let mut next = keys.iter().peekable();
    let mut i = 0;
    while i < bytes.len() {
        while next.peek().is_some_and(|&&k| k <= i) {
            next.next();
            out.push(open.last().copied().unwrap_or(usize::MAX));
        }
        match bytes[i] {
            b'{' => open.push(i),
            b'}' => {
                open.pop();
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.extend(next.map(|_| open.last().copied().unwrap_or(usize::MAX)));
    out
}

/// A mapping id for each YAML key: block keys at the same indentation with
/// no shallower key between them share one; a `- ` item starts a new one;
/// keys of a flow mapping share their line's.
fn yaml_mappings(text: &str, keys: &[usize]) -> Vec<usize> {
    let mut levels: Vec<(usize, usize)> = Vec::new();
    // The previous key and the start of its line: keys come in order, so
    // each line start is searched for from there, not from the file's start.
    let mut previous = (0, 0);
    keys.iter()
        .map(|&start| {
            let (from, from_line) = if previous.0 <= start {
                previous
            } else {
                (0, 0)
            };
            let line_start = text.as_bytes()[from..start]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(from_line, |n| from + n + 1);
            previous = (start, line_start);
            let prefix = &text[line_start..start];
            let lead = prefix.trim_start_matches([' ', '-']);
            if !lead.is_empty() {
                // Inside a flow mapping or after another key on the line.
                return line_start;
            }
            let column = prefix.len();
            let item = prefix.contains('-');
            while levels.last().is_some_and(|&(c, _)| c > column) {
                levels.pop();
            }
            match levels.last_mut() {
                Some((c, id)) if *c == column => {
                    if item {
                        *id = start;
                    }
                    *id
                }
                _ => {
                    levels.push((column, start));
                    start
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_counts_repeats_per_object() {
        let text = r#"{"a": {"x": 1, "y": 2}, "b": {"x": 1, "x": 2}}"#;
        let dups = duplicates(Format::Json, text);
        assert_eq!(dups.get("x"), Some(&1));
        assert_eq!(dups.len(), 1);
    }

    #[test]
    fn yaml_counts_repeats_per_mapping() {
        let text = "a:\n  x: 1\n  y: 2\nb:\n  x: 1\nitems:\n  - x: 1\n  - x: 2\nc: 1\nc: 2\n";
        let dups = duplicates(Format::Yaml, text);
        assert_eq!(dups.get("c"), Some(&1));
        assert_eq!(dups.get("x"), None, "{dups:?}");
    }
}
