//! Cheap text tests made before a file is parsed: whether it may register
//! a route (`router.delete('/x', …)`, `@router.delete(…)`) or spell a name
//! in any case convention.

/// A name or text as far as name matching can tell it apart: lower-case,
/// without `_` and `-` (camelCase, snake_case and kebab-case spell the
/// same), and without the quotes, `+`, parentheses and white space that
/// string concatenation puts between pieces of one folded string. Other
/// characters are upper-cased then lower-cased, as camelCase conversion
/// upper-cases a word's first letter.
pub fn name_spelling(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '_' | '-' | '\'' | '"' | '`' | '+' | '(' | ')' => {}
            c if c.is_whitespace() => {}
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_uppercase().flat_map(char::to_lowercase)),
        }
    }
    out
}

pub fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    find_ignore_ascii_case(text.as_bytes(), needle.as_bytes()).is_some()
}

/// Whether `text` holds `token` (ASCII case-insensitively) not inside a
/// longer ASCII identifier.
pub fn contains_identifier(text: &str, token: &str) -> bool {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let n = token.len();
    (0..bytes.len().saturating_sub(n - 1)).any(|i| {
        bytes[i..i + n].eq_ignore_ascii_case(token.as_bytes())
            && (i == 0 || !ident(bytes[i - 1]))
            && bytes.get(i + n).is_none_or(|&b| !ident(b))
    })
}

/// Whether `text` calls `.token(` with a string first argument, the only
/// shape of a route registration the kind reads outside route files
/// (`router.delete('/connections/:id', …)`, `@router.delete(f"/{id}")`,
/// `@router.delete(path="/x")`). `map.delete(key)` is not one.
pub fn registers_route(text: &str, token: &str) -> bool {
    let bytes = text.as_bytes();
    let n = token.len();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut from = 0;
    while let Some(found) = find_ignore_ascii_case(&bytes[from..], token.as_bytes()) {
        let i = from + found;
        from = i + 1;
        if i == 0 || bytes[i - 1] != b'.' || bytes.get(i + n).is_some_and(|&b| ident(b)) {
            continue;
        }
        // A Python decorator registers a route whatever its arguments are
        // (`@router.delete(status_code=204, path="/x")`, `PREFIX + "/x"`).
        let line_start = bytes[..i]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        if bytes[line_start..i]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b'@')
        {
            return true;
        }
        let mut j = skip_blank(bytes, i + n);
        // Type arguments: `router.delete<Params>(…)`.
        if bytes.get(j) == Some(&b'<') {
            let mut depth = 0usize;
            let limit = j + 256;
            while let Some(&b) = bytes.get(j).filter(|_| j < limit) {
                j += 1;
                match b {
                    b'<' => depth += 1,
                    b'>' => depth -= 1,
                    b';' => break,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
            j = skip_blank(bytes, j);
        }
        if bytes.get(j) != Some(&b'(') {
            continue;
        }
        j = skip_blank(bytes, j + 1);
        let rest = &bytes[j.min(bytes.len())..];
        let prefix = rest
            .iter()
            .take(2)
            .take_while(|b| b"fFrRbBuU".contains(b))
            .count();
        if matches!(rest.get(prefix), Some(b'\'' | b'"' | b'`'))
            || rest.first() == Some(&b'(')
            || rest.starts_with(b"path")
        {
            return true;
        }
    }
    false
}

/// The index of the first byte at or after `i` that is not white space or
/// part of a comment (`// …`, `/* … */`, Python's `# …`).
fn skip_blank(bytes: &[u8], mut i: usize) -> usize {
    loop {
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b), _) if b.is_ascii_whitespace() => i += 1,
            (Some(b'/'), Some(b'/')) | (Some(b'#'), _) => {
                while bytes.get(i).is_some_and(|&b| b != b'\n') {
                    i += 1;
                }
            }
            (Some(b'/'), Some(b'*')) => {
                i += 2;
                while i < bytes.len() && !bytes[i..].starts_with(b"*/") {
                    i += 1;
                }
                i += 2;
            }
            _ => return i,
        }
    }
}

fn find_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}
