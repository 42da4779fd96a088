//! Co-occurrence: a rule whose literals are everyday words (`log`, `error`,
//! `token`) needs a file only where its literals meet, not wherever each
//! occurs. A [`Near`] names the literals that open a region (`anchors`),
//! the literals that must start inside one (`within`), and how far a
//! region reaches ([`Region`]).

use crate::lang::Family;

/// Where two sets of literals must meet for a rule to need a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Near {
    /// Literals (ASCII case-insensitive) that open a region.
    pub anchors: Vec<String>,
    /// Literals (ASCII case-insensitive), one of which must start inside a
    /// region an anchor opens.
    pub within: Vec<String>,
    pub region: Region,
    /// Count a `within` literal only where it ends a word: what follows it,
    /// past any digits and `_`, is not a letter or digit (`accessToken`,
    /// `API_KEY_2`, `token.value`, but not `tokenId` or `tokens`).
    pub within_ends_word: bool,
}

/// Whether the match ending at `end` ends a word (see
/// [`Near::within_ends_word`]).
pub fn ends_word(bytes: &[u8], end: usize) -> bool {
    let rest = bytes.get(end..).unwrap_or_default();
    let next = rest.iter().find(|&&b| !(b.is_ascii_digit() || b == b'_'));
    !next.is_some_and(|&b| b.is_ascii_alphabetic() || b >= 0x80)
}

/// How far the region an anchor opens reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// The anchor's line and this many lines before and after it.
    Lines(usize),
    /// From the anchor to the end of the call the anchor is part of the
    /// callee of: `logger.info(…)`, `logging.getLogger(…).info(…)`,
    /// `console.log?.(…)`, `info!(…)`, through the bracket that closes the
    /// last argument list of the chain, over any number of lines. Brackets
    /// inside strings and comments do not count. An anchor no bracket
    /// follows (`catch (error) {`) opens no region; an argument list that
    /// never closes reaches the end of the file. A `within` literal in the
    /// text of a message, a string holding a space (`"refreshing token
    /// for %s"`), does not count; in an interpolation (`${token}`,
    /// `f"{token}"`, Rust's `"{token}"`) or a key-like string (`"api_key"`)
    /// it does.
    Call,
}

/// Whether some `within` position starts inside a region opened by an
/// anchor position. Both lists hold byte offsets of match starts, sorted.
pub fn meets(
    bytes: &[u8],
    family: Family,
    region: Region,
    anchors: &[usize],
    within: &[usize],
) -> bool {
    if anchors.is_empty() || within.is_empty() {
        return false;
    }
    let mut prose = Vec::new();
    let regions = match region {
        Region::Lines(lines) => line_regions(bytes, anchors, lines),
        Region::Call => call_regions(bytes, family, anchors, &mut prose),
    };
    // Both lists are sorted and hold disjoint spans: the last one starting
    // at or before `p` is the only one that can hold it.
    let inside = |spans: &[(usize, usize)], p: usize| {
        let i = spans.partition_point(|r| r.0 <= p);
        i > 0 && p < spans[i - 1].1
    };
    within
        .iter()
        .any(|&p| inside(&regions, p) && !inside(&prose, p))
}

/// Regions of `lines` lines around each anchor's line, merged.
fn line_regions(bytes: &[u8], anchors: &[usize], lines: usize) -> Vec<(usize, usize)> {
    // Offsets where lines start, then the end of the text.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .chain(std::iter::once(bytes.len() + 1))
        .collect();
    let mut regions: Vec<(usize, usize)> = Vec::new();
    for &anchor in anchors {
        // The anchor's line: the last line start at or before it.
        let line = starts.partition_point(|&s| s <= anchor).saturating_sub(1);
        let first = line.saturating_sub(lines);
        let last = (line + lines + 1).min(starts.len() - 1);
        let (start, end) = (starts[first], starts[last].min(bytes.len()));
        match regions.last_mut() {
            Some(previous) if start <= previous.1 => previous.1 = previous.1.max(end),
            _ => regions.push((start, end)),
        }
    }
    regions
}

/// The call region of each anchor, sorted and disjoint. An anchor inside
/// the stretch another anchor's scan already covered is skipped: its scan
/// would follow the same bytes to the same end (or, inside an argument
/// list, end within it), and skipping keeps the work linear in the file.
fn call_regions(
    bytes: &[u8],
    family: Family,
    anchors: &[usize],
    prose: &mut Vec<(usize, usize)>,
) -> Vec<(usize, usize)> {
    let mut regions = Vec::new();
    let mut covered = 0;
    for &anchor in anchors {
        if anchor < covered {
            continue;
        }
        let (end, scanned) = call_end(bytes, anchor, family, prose);
        covered = scanned.max(anchor + 1);
        if let Some(end) = end {
            regions.push((anchor, end));
            covered = covered.max(end);
        }
    }
    regions
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Scans the callee chain from `start`: the end of its last bracket group
/// (if it has one), and how far the scan read.
fn call_end(
    bytes: &[u8],
    start: usize,
    family: Family,
    prose: &mut Vec<(usize, usize)>,
) -> (Option<usize>, usize) {
    let mut i = start;
    let mut end = None;
    // Just past a bracket group: only `.`, `?.`, `!`, `::` or another
    // group continue the chain.
    let mut after_group = false;
    let mut previous = 0u8;
    while let Some(&c) = bytes.get(i) {
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            _ if is_word(c) => {
                if after_group {
                    break;
                }
            }
            b'.' | b'?' | b':' | b'!' => after_group = false,
            // `(console).log(…)`, `logger.info<T>(…)`.
            b')' | b'<' | b'>' if !after_group => {}
            b'(' | b'[' => match skip_group(bytes, i, family, prose) {
                Some(close) => {
                    i = close;
                    end = Some(close);
                    after_group = true;
                    previous = c;
                    continue;
                }
                None => return (Some(bytes.len()), bytes.len()),
            },
            // A Rust macro may take braces: `info! { … }`.
            b'{' if previous == b'!' => match skip_group(bytes, i, family, prose) {
                Some(close) => {
                    i = close;
                    end = Some(close);
                    after_group = true;
                    previous = c;
                    continue;
                }
                None => return (Some(bytes.len()), bytes.len()),
            },
            _ => break,
        }
        previous = c;
        i += 1;
    }
    (end, i)
}

/// The offset just past the bracket that closes the one at `open`, or
/// `None` when the file ends first. Every kind of bracket counts the same;
/// strings and comments are skipped in the file's language.
fn skip_group(
    bytes: &[u8],
    open: usize,
    family: Family,
    prose: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' | b'\'' | b'`' => {
                let end = skip_string(bytes, i, family)?;
                message_text(bytes, i, end, family, prose);
                i = end;
                continue;
            }
            b'/' if family != Family::Python => match bytes.get(i + 1) {
                Some(b'/') => {
                    i = line_end(bytes, i);
                    continue;
                }
                Some(b'*') => {
                    i = find(bytes, i + 2, b"*/").map(|e| e + 2)?;
                    continue;
                }
                _ => {}
            },
            b'#' if family == Family::Python => {
                i = line_end(bytes, i);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Records the text spans of the string `open..end` when it reads as a
/// message (it holds a space or a tab): the whole string, or, in a
/// template literal, an f-string or a Rust format string, the parts
/// between its interpolations.
fn message_text(
    bytes: &[u8],
    open: usize,
    end: usize,
    family: Family,
    prose: &mut Vec<(usize, usize)>,
) {
    let string = &bytes[open..end];
    if !string.iter().any(|&b| b == b' ' || b == b'\t') {
        return;
    }
    let quote = bytes[open];
    let prefix = bytes[..open]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphabetic())
        .take(2);
    let opener: Option<&[u8]> = match family {
        Family::Js if quote == b'`' => Some(b"${"),
        Family::Python if prefix.into_iter().any(|b| matches!(b, b'f' | b'F')) => Some(b"{"),
        Family::Rust if quote == b'"' => Some(b"{"),
        _ => None,
    };
    let Some(opener) = opener else {
        prose.push((open, end));
        return;
    };
    let mut text_start = open;
    let mut i = open + 1;
    while i < end {
        let escaped_brace = opener == b"{" && bytes[i..end].starts_with(b"{{");
        if bytes[i..end].starts_with(opener) && !escaped_brace {
            prose.push((text_start, i));
            // Past the interpolation's closing brace.
            let mut depth = 0usize;
            while i < end {
                match bytes[i] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            text_start = i + 1;
        } else if escaped_brace {
            i += 1;
        }
        i += 1;
    }
    if text_start < end {
        prose.push((text_start, end));
    }
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The offset just past the string (or Rust char literal) opening at
/// `open`; `None` when the file ends inside it.
fn skip_string(bytes: &[u8], open: usize, family: Family) -> Option<usize> {
    let quote = bytes[open];
    match family {
        Family::Python => {
            if bytes[open..].starts_with(&[quote; 3]) {
                let close = find_unescaped(bytes, open + 3, &[quote; 3])?;
                return Some(close + 3);
            }
            one_line_string(bytes, open)
        }
        Family::Rust => match quote {
            b'"' => {
                // `r"…"`, `r#"…"#`, `br##"…"##`: no escapes, closed by the
                // quote and as many `#`.
                let hashes = bytes[..open]
                    .iter()
                    .rev()
                    .take_while(|&&b| b == b'#')
                    .count();
                let raw = open
                    .checked_sub(hashes + 1)
                    .is_some_and(|r| bytes[r] == b'r');
                if raw {
                    let mut closer = vec![b'"'];
                    closer.extend(std::iter::repeat_n(b'#', hashes));
                    return find(bytes, open + 1, &closer).map(|c| c + closer.len());
                }
                find_unescaped(bytes, open + 1, b"\"").map(|c| c + 1)
            }
            // A char literal (`'x'`, `'\n'`, `'\u{1F600}'`) or a lifetime.
            b'\'' => Some(rust_char_end(bytes, open).unwrap_or(open + 1)),
            _ => Some(open + 1),
        },
        _ => match quote {
            b'`' => find_unescaped(bytes, open + 1, b"`").map(|c| c + 1),
            _ => one_line_string(bytes, open),
        },
    }
}

/// A quoted string that ends at its quote or, unterminated, at the end of
/// the line (so a stray apostrophe in a comment cannot swallow code).
fn one_line_string(bytes: &[u8], open: usize) -> Option<usize> {
    let quote = bytes[open];
    let mut i = open + 1;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\\' => i += 2,
            b'\n' => return Some(i),
            _ if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The offset of `closer` at or after `from`, skipping backslash escapes.
fn find_unescaped(bytes: &[u8], from: usize, closer: &[u8]) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i..].starts_with(closer) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The end of a Rust char literal at `open`, or `None` for a lifetime.
fn rust_char_end(bytes: &[u8], open: usize) -> Option<usize> {
    let rest = bytes.get(open + 1..)?;
    if rest.first() == Some(&b'\\') {
        // An escape: up to the next quote within a few bytes (`'\u{10FFFF}'`).
        let close = rest.iter().take(12).skip(1).position(|&b| b == b'\'')?;
        return Some(open + 1 + 1 + close + 1);
    }
    // One character, in UTF-8, then the quote.
    let width = match rest.first()? {
        b if *b < 0x80 => 1,
        b if *b >= 0xF0 => 4,
        b if *b >= 0xE0 => 3,
        _ => 2,
    };
    (rest.get(width) == Some(&b'\'')).then_some(open + 1 + width + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positions(text: &str, word: &str) -> Vec<usize> {
        text.match_indices(word).map(|(i, _)| i).collect()
    }

    fn call_meets(text: &str, family: Family) -> bool {
        meets(
            text.as_bytes(),
            family,
            Region::Call,
            &positions(text, "log"),
            &positions(text, "token"),
        )
    }

    #[test]
    fn a_name_inside_the_logging_call_meets_it() {
        assert!(call_meets("console.log('x', token);", Family::Js));
        assert!(call_meets(
            "logger.info(\n  'a',\n  {\n    a: 1,\n    b: 2,\n    c: token,\n  },\n);",
            Family::Js
        ));
        assert!(call_meets(
            "logging.getLogger(__name__).info('%s', token)",
            Family::Python
        ));
        assert!(call_meets("console.log?.(token)", Family::Js));
        assert!(call_meets("(console as any).log(token)", Family::Js));
        assert!(call_meets(
            "this.logger\n  .child({})\n  .info(token)",
            Family::Js
        ));
        assert!(call_meets("log::info! { token = %token }", Family::Rust));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_close_the_call() {
        assert!(call_meets("console.log(':)', token)", Family::Js));
        assert!(call_meets("console.log(\")\", `${a})`, token)", Family::Js));
        assert!(call_meets("console.log(a, // )\n token)", Family::Js));
        assert!(call_meets("console.log(a /* ) */, token)", Family::Js));
        assert!(call_meets("log(a, # )\n token)", Family::Python));
        assert!(call_meets("log('''\n)\n''', token)", Family::Python));
        assert!(call_meets("log!(\"{}\", ')', token)", Family::Rust));
        assert!(call_meets("log!(r#\")\"#, token)", Family::Rust));
        assert!(call_meets("log!(x::<'a>(y), token)", Family::Rust));
    }

    #[test]
    fn a_name_outside_every_call_does_not_meet() {
        assert!(!call_meets(
            "console.log('x');\nconst token = 1;",
            Family::Js
        ));
        assert!(!call_meets("token = get()\nlog(x)", Family::Python));
        assert!(!call_meets("catch (log) {\n  use(token);\n}", Family::Js));
        assert!(!call_meets("const log = 1; f(token)", Family::Js));
    }

    #[test]
    fn an_argument_list_that_never_closes_reaches_the_end() {
        assert!(call_meets("console.log(a,\n\n token", Family::Js));
        assert!(call_meets("console.log('unterminated\n, token", Family::Js));
    }

    #[test]
    fn a_name_in_a_message_does_not_meet() {
        for (text, family) in [
            ("console.log('refreshing token for', user.id)", Family::Js),
            ("logger.info(\"token refreshed\")", Family::Python),
            ("log.info(`refreshed the token of ${user.id}`)", Family::Js),
            (
                "logger.info(f\"token {{refreshed}} for {user}\")",
                Family::Python,
            ),
            ("log::info!(\"token refreshed for {}\", user)", Family::Rust),
        ] {
            assert!(!call_meets(text, family), "{text}");
        }
        for (text, family) in [
            ("log.info(`refreshed ${token} now`)", Family::Js),
            ("logger.info(f\"refreshed {token} now\")", Family::Python),
            ("logger.info(\"refreshed %s\", token)", Family::Python),
            ("log::info!(\"refreshed {token} now\")", Family::Rust),
            ("console.log(data['token'])", Family::Js),
            ("console.log('x', `${a} ${token}`)", Family::Js),
        ] {
            assert!(call_meets(text, family), "{text}");
        }
    }

    #[test]
    fn nested_anchors_are_read_once() {
        // Quadratic scanning would take seconds here.
        let text = format!("{}token", "log(".repeat(200_000));
        assert!(call_meets(&text, Family::Js));
        let text = "log ".repeat(200_000);
        assert!(!call_meets(&text, Family::Js));
    }

    #[test]
    fn a_word_ends_at_anything_but_a_letter_or_digit() {
        let ends = |text: &str| ends_word(text.as_bytes(), "token".len());
        for text in [
            "token",
            "token)",
            "token.value",
            "token_2 ",
            "token2",
            "token$",
            "token\"\n",
        ] {
            assert!(ends(text), "{text}");
        }
        for text in ["tokenId", "tokens", "token_id", "token2fa", "tokenß"] {
            assert!(!ends(text), "{text}");
        }
    }

    #[test]
    fn line_regions_reach_the_given_lines() {
        let text = "a\nlog\nb\nc\ntoken\n";
        let (anchors, within) = (positions(text, "log"), positions(text, "token"));
        let lines = |n| {
            meets(
                text.as_bytes(),
                Family::Js,
                Region::Lines(n),
                &anchors,
                &within,
            )
        };
        assert!(!lines(1));
        assert!(!lines(2));
        assert!(lines(3));
        let same = "log token\nx";
        assert!(meets(
            same.as_bytes(),
            Family::Js,
            Region::Lines(0),
            &positions(same, "log"),
            &positions(same, "token")
        ));
    }
}
