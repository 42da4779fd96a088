//! Edits applied the way each client applies them. An agent's edit tool
//! does not require `old_string` to match byte for byte: each client falls
//! back to looser matching, and plumbline must see the file the client will
//! really write. The cascades are pinned to the client versions named here;
//! a new client version is a deliberate update of this file.

use regex::RegexBuilder;

/// Whose edit tool, and so which matching cascade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cascade {
    /// Claude Code 2.1.332 `Edit`: exact, then curly↔straight quotes, then
    /// `\uXXXX` escapes in `old_string` unescaped.
    ClaudeEdit,
    /// Gemini CLI 0.61.0 `replace`: exact, per-line trimmed, a
    /// whitespace-tolerant regex (tokens joined by `\s*`), then fuzzy
    /// (Levenshtein distance at most 10% of `old_string`).
    GeminiReplace,
    /// Copilot CLI 1.0.102 `edit`: exact, then tolerant of quote style and
    /// of indentation.
    CopilotEdit,
    /// Exact matching only (Cursor, other tools).
    Exact,
}

/// One text edit: `old` becomes `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub old: String,
    pub new: String,
    pub replace_all: bool,
}

/// Why an edit could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditFailure {
    /// No step of the cascade finds `old` exactly as often as the edit
    /// needs: the client would (most likely) refuse the edit.
    NotFound,
    /// The result would exceed the size cap.
    TooLarge,
}

/// Where `old` sits in the text, as byte ranges of the original.
type Ranges = Vec<(usize, usize)>;

/// Applies `edits` in order, each through `cascade`. The result may not
/// exceed `cap` bytes: applying stops as soon as it would.
pub fn apply_edits(
    before: Option<&str>,
    edits: &[TextEdit],
    cascade: Cascade,
    cap: usize,
) -> Result<String, EditFailure> {
    let mut text: Option<String> = before.map(str::to_string);
    for edit in edits {
        let current = match text.take() {
            Some(t) => t,
            // Editing a file that does not exist only works as a creation.
            None if edit.old.is_empty() => {
                if edit.new.len() > cap {
                    return Err(EditFailure::TooLarge);
                }
                text = Some(edit.new.clone());
                continue;
            }
            None => return Err(EditFailure::NotFound),
        };
        if edit.old.is_empty() {
            return Err(EditFailure::NotFound);
        }
        let (ranges, new) = locate(&current, edit, cascade).ok_or(EditFailure::NotFound)?;
        text = Some(splice(&current, &ranges, &new, cap)?);
    }
    text.ok_or(EditFailure::NotFound)
}

/// Replaces each range by `new`, refusing once the result passes `cap`.
fn splice(
    text: &str,
    ranges: &[(usize, usize)],
    new: &str,
    cap: usize,
) -> Result<String, EditFailure> {
    let removed: usize = ranges.iter().map(|(s, e)| e - s).sum();
    let size = (text.len() - removed).saturating_add(new.len().saturating_mul(ranges.len()));
    if size > cap {
        return Err(EditFailure::TooLarge);
    }
    let mut out = String::with_capacity(size);
    let mut last = 0;
    for &(start, end) in ranges {
        out.push_str(&text[last..start]);
        out.push_str(new);
        last = end;
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// The ranges `edit.old` covers in `text` under the cascade, with the text
/// that replaces each. `None` when no step matches as the edit needs
/// (exactly once, or at least once with `replace_all`).
fn locate(text: &str, edit: &TextEdit, cascade: Cascade) -> Option<(Ranges, String)> {
    let accept = |ranges: Ranges| -> Option<Ranges> {
        match ranges.len() {
            0 => None,
            1 => Some(ranges),
            _ if edit.replace_all => Some(ranges),
            // Ambiguous: the client refuses, and no looser step is tried.
            _ => Some(Vec::new()),
        }
    };
    let steps: &[Step] = match cascade {
        Cascade::Exact => &[Step::Exact],
        Cascade::ClaudeEdit => &[Step::Exact, Step::Quotes, Step::Unescaped],
        Cascade::GeminiReplace => &[Step::Exact, Step::TrimmedLines, Step::Regex, Step::Fuzzy],
        Cascade::CopilotEdit => &[Step::Exact, Step::Quotes, Step::TrimmedLines],
    };
    for step in steps {
        let found = match step {
            Step::Exact => exact(text, &edit.old),
            Step::Quotes => normalized(text, &edit.old, fold_quote),
            Step::Unescaped => {
                let unescaped = unescape_u(&edit.old)?;
                let found = exact(text, &unescaped);
                if found.is_empty() {
                    normalized(text, &unescaped, fold_quote)
                } else {
                    found
                }
            }
            Step::TrimmedLines => trimmed_lines(text, &edit.old),
            Step::Regex => whitespace_regex(text, &edit.old),
            Step::Fuzzy => fuzzy_lines(text, &edit.old),
        };
        if let Some(ranges) = accept(found) {
            if ranges.is_empty() {
                return None;
            }
            let new = match step {
                Step::Unescaped => unescape_u(&edit.new).unwrap_or_else(|| edit.new.clone()),
                // Matched whole lines take the first one's indentation.
                Step::TrimmedLines => {
                    let line = &text[ranges[0].0..];
                    let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
                    edit.new
                        .split('\n')
                        .map(|l| format!("{indent}{l}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                }
                _ => edit.new.clone(),
            };
            return Some((ranges, new));
        }
    }
    None
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Exact,
    Quotes,
    Unescaped,
    TrimmedLines,
    Regex,
    Fuzzy,
}

fn exact(text: &str, needle: &str) -> Ranges {
    text.match_indices(needle)
        .map(|(i, m)| (i, i + m.len()))
        .collect()
}

/// Curly quotes as their straight ASCII forms.
fn fold_quote(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        other => other,
    }
}

/// Unicode dashes, quotes and spaces folded to ASCII, as Codex 0.171.0's
/// last `apply_patch` pass does.
pub fn fold_punctuation(c: char) -> char {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
        other => fold_quote(other),
    }
}

/// Matches `needle` in `text` with every char of both folded by `fold`
/// (one char to one char), returning ranges of the original text.
fn normalized(text: &str, needle: &str, fold: fn(char) -> char) -> Ranges {
    let folded_needle: String = needle.chars().map(fold).collect();
    let mut folded = String::with_capacity(text.len());
    // Byte offset in `text` of each char boundary of `folded`.
    let mut origin = vec![0usize; 0];
    origin.reserve(text.len() + 1);
    for (i, c) in text.char_indices() {
        let f = fold(c);
        for _ in 0..f.len_utf8() {
            origin.push(i);
        }
        folded.push(f);
    }
    origin.push(text.len());
    folded
        .match_indices(&folded_needle)
        .map(|(s, m)| (origin[s], origin[s + m.len()]))
        .collect()
}

/// `\uXXXX` escapes decoded; `None` when there are none.
fn unescape_u(text: &str) -> Option<String> {
    if !text.contains("\\u") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\\u") {
        out.push_str(&rest[..at]);
        let hex = rest.get(at + 2..at + 6);
        match hex
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
        {
            Some(c) if hex.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())) => {
                out.push(c);
                rest = &rest[at + 6..];
            }
            _ => {
                out.push_str("\\u");
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Byte offsets where each line of `text` starts, plus the text's length.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    if *starts.last().unwrap_or(&0) != text.len() {
        starts.push(text.len());
    }
    starts
}

/// Windows of whole lines equal to `needle`'s lines once each is trimmed.
/// Candidates are found by the first line, so the search stays linear for
/// everyday text.
fn trimmed_lines(text: &str, needle: &str) -> Ranges {
    let wanted: Vec<&str> = needle.lines().map(str::trim).collect();
    if wanted.is_empty() || wanted.iter().all(|l| l.is_empty()) {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let starts = line_starts(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i + wanted.len() <= lines.len() {
        if lines[i].trim() == wanted[0]
            && wanted.iter().zip(&lines[i..]).all(|(w, l)| *w == l.trim())
        {
            let start = starts[i];
            let last = i + wanted.len() - 1;
            let end = starts[last] + lines[last].len();
            out.push((start, end));
            i += wanted.len();
        } else {
            i += 1;
        }
    }
    out
}

/// Gemini's regex step: `old_string` split into tokens at whitespace and
/// at brackets, colons and comparison signs, joined by `\s*`.
fn whitespace_regex(text: &str, needle: &str) -> Ranges {
    let mut tokens: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in needle.chars() {
        if c.is_whitespace() || "():[]{}<>=".contains(c) {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    if tokens.is_empty() {
        return Vec::new();
    }
    let pattern = tokens
        .iter()
        .map(|t| regex::escape(t))
        .collect::<Vec<_>>()
        .join(r"\s*");
    let Ok(re) = RegexBuilder::new(&pattern)
        .size_limit(1 << 22)
        .dfa_size_limit(1 << 22)
        .build()
    else {
        return Vec::new();
    };
    re.find_iter(text).map(|m| (m.start(), m.end())).collect()
}

/// Longest `old_string` the fuzzy step tries: longer ones are left to the
/// fragment check rather than risk an unbounded search.
const FUZZY_MAX_NEEDLE: usize = 4_000;
/// At most this many distance computations per edit.
const FUZZY_MAX_WINDOWS: usize = 20_000;

/// Gemini's fuzzy step: a window of as many whole lines as `old_string`
/// whose edit distance from it is at most 10% of its length. Only an
/// unambiguous best match counts.
fn fuzzy_lines(text: &str, needle: &str) -> Ranges {
    let needle_chars: Vec<char> = needle.chars().collect();
    if needle_chars.len() < 10 || needle.len() > FUZZY_MAX_NEEDLE {
        return Vec::new();
    }
    let threshold = needle_chars.len() / 10;
    let count = needle.lines().count().max(1);
    let lines: Vec<&str> = text.lines().collect();
    let starts = line_starts(text);
    let mut best: Option<(usize, (usize, usize))> = None;
    let mut ambiguous = false;
    for (tried, i) in (0..lines.len().saturating_sub(count - 1)).enumerate() {
        if tried >= FUZZY_MAX_WINDOWS {
            return Vec::new();
        }
        let last = i + count - 1;
        let (start, end) = (starts[i], starts[last] + lines[last].len());
        let window = &text[start..end];
        let window_len = window.chars().count();
        if window_len.abs_diff(needle_chars.len()) > threshold {
            continue;
        }
        let Some(distance) = bounded_levenshtein(window, &needle_chars, threshold) else {
            continue;
        };
        match best {
            Some((d, _)) if d < distance => {}
            Some((d, _)) if d == distance => ambiguous = true,
            _ => {
                best = Some((distance, (start, end)));
                ambiguous = false;
            }
        }
    }
    match best {
        Some((_, range)) if !ambiguous => vec![range],
        _ => Vec::new(),
    }
}

/// Edit distance between `a` and `b` if it is at most `limit`, computed
/// in a band of width `2 * limit + 1`.
fn bounded_levenshtein(a: &str, b: &[char], limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > limit {
        return None;
    }
    let big = limit + 1;
    let mut prev = vec![big; m + 1];
    let mut cur = vec![big; m + 1];
    for (j, slot) in prev.iter_mut().enumerate().take(limit.min(m) + 1) {
        *slot = j;
    }
    for i in 1..=n {
        let lo = i.saturating_sub(limit).max(1);
        let hi = (i + limit).min(m);
        cur.iter_mut().for_each(|c| *c = big);
        if i <= limit {
            cur[0] = i;
        }
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let v = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            cur[j] = v.min(big);
            row_min = row_min.min(cur[j]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= limit).then_some(prev[m])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(old: &str, new: &str, all: bool) -> TextEdit {
        TextEdit {
            old: old.into(),
            new: new.into(),
            replace_all: all,
        }
    }

    const CAP: usize = 1 << 20;

    fn apply(before: &str, e: TextEdit, cascade: Cascade) -> Option<String> {
        apply_edits(Some(before), &[e], cascade, CAP).ok()
    }

    #[test]
    fn exact_edits_apply_like_the_agent_would() {
        assert_eq!(
            apply("a b a", edit("b", "c", false), Cascade::Exact).as_deref(),
            Some("a c a")
        );
        assert_eq!(
            apply("a b a", edit("a", "x", true), Cascade::Exact).as_deref(),
            Some("x b x")
        );
        assert_eq!(apply("a b a", edit("a", "x", false), Cascade::Exact), None);
        assert_eq!(apply("a", edit("zzz", "x", false), Cascade::Exact), None);
        assert_eq!(
            apply_edits(None, &[edit("", "new file", false)], Cascade::Exact, CAP).as_deref(),
            Ok("new file")
        );
    }

    #[test]
    fn claude_folds_quotes_and_unescapes() {
        let file = "const s = \u{2018}old\u{2019};\n";
        assert_eq!(
            apply(file, edit("'old'", "'new'", false), Cascade::ClaudeEdit).as_deref(),
            Some("const s = 'new';\n")
        );
        assert_eq!(
            apply(file, edit("'old'", "'new'", false), Cascade::Exact),
            None
        );
        assert_eq!(
            apply(
                file,
                edit("\\u2018old\\u2019", "x", false),
                Cascade::ClaudeEdit
            )
            .as_deref(),
            Some("const s = x;\n")
        );
    }

    #[test]
    fn gemini_trims_lines_then_tolerates_whitespace_then_fuzzy() {
        let file = "function f() {\n    return 1;\n}\n";
        assert_eq!(
            apply(
                file,
                edit("return 1;", "return 2;", false),
                Cascade::GeminiReplace
            )
            .as_deref(),
            Some("function f() {\n    return 2;\n}\n")
        );
        assert_eq!(
            apply(
                file,
                edit("  return 1;\n  }", "X", false),
                Cascade::GeminiReplace
            )
            .as_deref(),
            Some("function f() {\n    X\n")
        );
        assert_eq!(
            apply(
                file,
                edit("function f(){ return 1; }", "Y", false),
                Cascade::GeminiReplace
            )
            .as_deref(),
            Some("Y\n")
        );
        let long = "const endpoint = compute(alpha, beta, gamma);\n";
        assert_eq!(
            apply(
                long,
                edit("const endpoint = compute(alpha, beta, gama);", "Z", false),
                Cascade::GeminiReplace
            )
            .as_deref(),
            Some("Z\n")
        );
    }

    #[test]
    fn amplification_stops_at_the_cap() {
        let mut edits = vec![edit("", "a", false)];
        edits.extend(std::iter::repeat_n(edit("a", "aa", true), 40));
        assert_eq!(
            apply_edits(None, &edits, Cascade::Exact, 1 << 16),
            Err(EditFailure::TooLarge)
        );
    }

    #[test]
    fn levenshtein_is_bounded() {
        let b: Vec<char> = "kitten".chars().collect();
        assert_eq!(bounded_levenshtein("sitting", &b, 3), Some(3));
        assert_eq!(bounded_levenshtein("sitting", &b, 2), None);
        assert_eq!(bounded_levenshtein("kitten", &b, 0), Some(0));
    }
}
