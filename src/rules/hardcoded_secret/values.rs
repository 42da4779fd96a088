//! What a value bound to a credential name looks like when it is a real
//! secret: random, not words, not a placeholder, not something else; and
//! the shape of private key blocks.

use std::ops::Range;

use super::data::{DOCUMENTATION_VALUES, PLACEHOLDER_MARKERS, SHORT_WORDS, STOPWORDS};
use crate::facts::secret_formats::jwt_payload;
use crate::lang::SUBSTITUTION;

/// Whether a value is a stand-in: empty, templated, masked, a run of one
/// character or a sequence, spelled with a placeholder word, or a sample a
/// provider's documentation prints.
pub(super) fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 4 || DOCUMENTATION_VALUES.iter().any(|sample| v.contains(sample)) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if v.starts_with('$')
        || v.starts_with('<')
        || v.contains(['<', '>', '{', '}', '[', ']'])
        || v.contains(SUBSTITUTION)
    {
        return true;
    }
    if distinct(&lower) <= 3 {
        return true;
    }
    has_run(lower.as_bytes()) || is_sequential(lower.as_bytes()) || is_periodic(lower.as_bytes())
}

/// Mostly made of ascending or descending steps, between neighbours
/// (`abc123def456ghi789`) or every other character (`a1b2c3d4e5`): typed,
/// not generated. In a random alphabet of 16 symbols, 1 pair in 8 steps.
pub(super) fn is_sequential(b: &[u8]) -> bool {
    let step = |x: u8, y: u8| y == x.wrapping_add(1) || x == y.wrapping_add(1);
    (1..=2).any(|stride| {
        let pairs = b.len().saturating_sub(stride);
        let steps = (0..pairs).filter(|&i| step(b[i], b[i + stride])).count();
        b.len() >= 8 && steps * 10 >= pairs * 3
    })
}

/// A short unit repeated (`abcd1234abcd1234abcd1234`).
pub(super) fn is_periodic(b: &[u8]) -> bool {
    (1..=b.len() / 3).any(|p| b[p..].iter().zip(b).all(|(x, y)| x == y))
}

/// Five equal characters in a row, or six ascending or descending ones
/// (`00000`, `123456`, `abcdef`, `987654`): padding and sequences people
/// type into fake keys. Random tokens almost never have either.
pub(super) fn has_run(b: &[u8]) -> bool {
    let mut same = 1;
    let mut up = 1;
    let mut down = 1;
    for w in b.windows(2) {
        let alnum = w[0].is_ascii_alphanumeric() && w[1].is_ascii_alphanumeric();
        same = if w[0] == w[1] { same + 1 } else { 1 };
        up = if alnum && w[1] == w[0].wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if alnum && w[1].wrapping_add(1) == w[0] {
            down + 1
        } else {
            1
        };
        if same >= 5 || up >= 6 || down >= 6 {
            return true;
        }
    }
    false
}

/// Shannon entropy in bits per character.
pub(super) fn entropy(value: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in value.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = value.len() as f64;
    counts
        .iter()
        .filter(|&&k| k > 0)
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// How many different bytes a value uses.
pub(super) fn distinct(value: &str) -> usize {
    let mut seen = [false; 256];
    value.bytes().for_each(|b| seen[usize::from(b)] = true);
    seen.iter().filter(|&&s| s).count()
}

/// Whether a value reads as words rather than noise: every run of letters
/// and digits is a number, a Unicode escape (`u036f`), or words in any
/// case style with short numbers (`my-app-v2`, `base64`,
/// `ReviewSchema2Payload`, `HTTP_404`, `text-2xl`). Random tokens break
/// into short pieces (`K6cPTt9iOq` is `K 6 c P Tt 9 i Oq`) or interleave
/// many digit groups.
pub(super) fn is_word_like(value: &str) -> bool {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .all(is_word_segment)
}

pub(super) fn is_word_segment(segment: &str) -> bool {
    let b = segment.as_bytes();
    if b.iter().all(u8::is_ascii_digit) {
        return true;
    }
    if matches!(b.first(), Some(b'u' | b'x'))
        && (3..=5).contains(&b.len())
        && b[1..].iter().all(u8::is_ascii_hexdigit)
    {
        return true;
    }
    let pieces = camel_pieces(segment);
    let digit_pieces = pieces
        .iter()
        .filter(|p| p.as_bytes()[0].is_ascii_digit())
        .count();
    if digit_pieces >= 3 {
        return false;
    }
    if !b.iter().any(u8::is_ascii_lowercase) {
        // SCREAMING_CASE: `STATUSES3`, `HTTP2`, `SHA256`.
        return digit_pieces <= 1;
    }
    pieces.iter().enumerate().all(|(i, piece)| {
        let p = piece.as_bytes();
        if p[0].is_ascii_digit() {
            p.len() <= 4
        } else if p.iter().all(u8::is_ascii_uppercase) {
            p.len() <= 5
        } else {
            let first = i == 0 || (i == 1 && pieces[0].as_bytes()[0].is_ascii_digit());
            p.len() >= 3
                || (first && p[0].is_ascii_lowercase())
                || SHORT_WORDS.contains(&piece.to_ascii_lowercase().as_str())
        }
    })
}

/// Splits a run of letters and digits into acronyms, capitalised or
/// lowercase words, and numbers: `getOAuth2URL` is `get O Auth 2 URL`.
pub(super) fn camel_pieces(segment: &str) -> Vec<&str> {
    let b = segment.as_bytes();
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        } else if b[i].is_ascii_uppercase() {
            while i < b.len() && b[i].is_ascii_uppercase() {
                i += 1;
            }
            if i < b.len() && b[i].is_ascii_lowercase() {
                // `HTTPServer`: the last capital starts the next word.
                if i - start > 1 {
                    i -= 1;
                } else {
                    while i < b.len() && b[i].is_ascii_lowercase() {
                        i += 1;
                    }
                }
            }
        } else {
            while i < b.len() && b[i].is_ascii_lowercase() {
                i += 1;
            }
        }
        pieces.push(crate::source::slice(segment, start..i));
    }
    pieces
}

/// Values that are public by design or are not secrets at all although
/// they sit under a credential name.
pub(super) fn is_public_value(value: &str) -> bool {
    const PUBLIC_PREFIXES: &[&str] = &[
        "pk_live_",
        "pk_test_",
        "pk.",
        "sb_publishable_",
        "phc_",
        "0x",
    ];
    PUBLIC_PREFIXES.iter().any(|p| value.starts_with(p))
        || value.contains("://")
        || value.starts_with(['/', '~', '.', '#'])
        || is_email(value)
}

pub(super) fn is_uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub(super) fn is_email(value: &str) -> bool {
    value.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && host.contains('.')
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    })
}

/// Whether a value spells a [`STOPWORDS`] word, after a short provider
/// prefix such as `secret_` (Notion) that real tokens carry.
pub(super) fn has_stopword(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let body = match lower.find(['_', '-', '.']) {
        Some(i)
            if i <= 8
                && crate::source::slice(&lower, ..i)
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic()) =>
        {
            crate::source::slice(&lower, i + 1..)
        }
        _ => crate::source::slice(&lower, ..),
    };
    STOPWORDS.iter().any(|w| body.contains(w))
}

/// The heuristic for a value under a credential name: long enough,
/// printable without spaces, letters and digits, high entropy, not words,
/// not a placeholder and not something else (URL, path, address).
pub(super) fn looks_random(value: &str, min_length: usize) -> bool {
    let n = value.chars().count();
    if n < min_length || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    if !value.bytes().any(|b| b.is_ascii_alphabetic()) || !value.bytes().any(|b| b.is_ascii_digit())
    {
        return false;
    }
    if distinct(value) < 8 || entropy(value) < 3.0 {
        return false;
    }
    if is_word_like(value) || is_public_value(value) || is_placeholder(value) || has_stopword(value)
    {
        return false;
    }
    // Hex shorter than 128 bits is a hash or an id far more often than a
    // key; a UUID is an identifier (request, tenant, idempotency token).
    if (value.len() < 32 && value.bytes().all(|b| b.is_ascii_hexdigit())) || is_uuid(value) {
        return false;
    }
    if let Some(payload) = jwt_payload(value) {
        // Supabase's anon key and jwt.io's sample are published on purpose.
        let lower = payload.to_ascii_lowercase();
        if lower.contains("\"anon\"")
            || lower.contains("supabase-demo")
            || is_placeholder(&payload)
            || lower.contains("john doe")
        {
            return false;
        }
    }
    true
}

/// What a flagged secret is shown as: its format prefix, or a few leading
/// characters of a credential-named value, then `…REDACTED`.
pub(super) fn redacted(shown: &str) -> String {
    format!("{shown}…REDACTED")
}

/// How many leading characters of a credential-named value the message
/// may show: 2 to 4, fewer for shorter values.
pub(super) fn shown_prefix(value: &str) -> &str {
    let n = (value.chars().count() / 8).clamp(2, 4);
    let end = value.char_indices().nth(n).map_or(value.len(), |(i, _)| i);
    crate::source::slice(value, ..end)
}

/// Checks of a format's body beyond its alphabet: not a placeholder, not
/// one repeated character, enough distinct characters.
pub(super) fn body_is_random(body: &str) -> bool {
    distinct(body) >= (body.len() / 2).min(8) && !is_placeholder(body)
}

/// `-----BEGIN <KIND> PRIVATE KEY-----` at `start`: its range and what it
/// is called (`RSA private key`).
pub(super) fn key_header(value: &str, start: usize) -> Option<(Range<usize>, String)> {
    let after = crate::source::slice(value, start + "-----BEGIN ".len()..);
    let close = after.find("-----")?;
    let label = crate::source::slice(after, ..close);
    if label.len() > 40 || !label.ends_with("PRIVATE KEY") && !label.ends_with("PRIVATE KEY BLOCK")
    {
        return None;
    }
    let end = start + "-----BEGIN ".len() + close + "-----".len();
    let kind = label
        .trim_end_matches(" BLOCK")
        .trim_end_matches("PRIVATE KEY")
        .trim();
    let description = if kind.is_empty() {
        "private key".to_string()
    } else {
        format!("{kind} private key")
    };
    Some((start..end, description))
}

/// Whether a key block labelled `label` (`RSA PRIVATE KEY`) has a body
/// that decodes to some other structure: a DER private key (PKCS#1,
/// PKCS#8, SEC 1) starts with a sequence whose first field is the version
/// number, where a form's placeholder copied from a certificate starts
/// with a sequence. Bodies with PEM headers (`Proc-Type:`), other labels
/// (OpenSSH, PGP, encrypted PKCS#8) and bodies that do not decode are
/// left to the other checks.
pub(super) fn is_other_structure(label: &str, body: &str, runs: &[Range<usize>]) -> bool {
    if !matches!(
        label,
        "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "DSA PRIVATE KEY"
    ) || body.contains(':')
    {
        return false;
    }
    let mut head = String::new();
    for run in runs {
        head.push_str(crate::source::slice(body, run.clone()));
        if head.len() >= 16 {
            break;
        }
    }
    let head = crate::source::slice(&head, ..head.len().min(16) / 4 * 4);
    let Some(der) = crate::facts::secret_formats::base64_decode(head) else {
        return false;
    };
    let Some((&0x30, rest)) = der.split_first() else {
        return der.len() >= 2;
    };
    let length_bytes = match rest.first() {
        Some(&n) if n & 0x80 != 0 => usize::from(n & 0x7f),
        Some(_) => 0,
        None => return false,
    };
    match rest.get(1 + length_bytes..3 + length_bytes) {
        Some(version) => version != [0x02, 0x01],
        None => false,
    }
}

/// The range between a key header's end and its `-----END` footer.
pub(super) fn block_body(text: &str, from: usize) -> Option<Range<usize>> {
    let window = crate::source::slice(text, from..text.len().min(from + 20_000));
    let end = window.find("-----END ")?;
    Some(from..from + end)
}

/// The base64 runs of a key block's body, skipping escapes such as `\n`
/// and whatever joins string pieces, when there are enough of them to be a
/// key and they are not a placeholder.
pub(super) fn key_body_runs(body: &str) -> Option<Vec<Range<usize>>> {
    let b = body.as_bytes();
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    let mut count = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i].is_ascii_alphanumeric() || matches!(b[i], b'+' | b'/' | b'=') {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'+' | b'/' | b'='))
            {
                i += 1;
            }
            count += i - start;
            runs.push(start..i);
            continue;
        }
        i += 1;
    }
    let lower = body.to_ascii_lowercase();
    let placeholder = [
        "...",
        "…",
        "your",
        "example",
        "placeholder",
        "redacted",
        "xxxx",
        "<",
        "insert",
    ]
    .iter()
    .any(|m| lower.contains(m));
    // Headers such as `Proc-Type: 4,ENCRYPTED` sit in the body too; they
    // are not secret but masking them hides nothing useful.
    (count >= 64 && !placeholder).then_some(runs)
}

/// Whether a run of characters without spaces could contain a value that
/// [`looks_random`]: each of these holds for every run containing one
/// (its letter-and-digit segments are the value's, as the value is cut
/// out at quotes, `=` or spaces).
pub(super) fn could_hold_random(run: &str) -> bool {
    let (mut digit, mut alpha) = (false, false);
    let mut seen = 0u128;
    for &b in run.as_bytes() {
        digit |= b.is_ascii_digit();
        alpha |= b.is_ascii_alphabetic();
        seen |= 1 << (b & 0x7f);
    }
    digit && alpha && seen.count_ones() >= 8 && !is_word_like(run)
}

/// `KEY=value` inside one string (a Compose `environment` item, a CLI
/// argument): the key and where the value starts.
pub(super) fn env_assignment(value: &str) -> Option<(&str, usize)> {
    let eq = value.find('=')?;
    let key = crate::source::slice(value, ..eq);
    let mut chars = key.chars();
    let first = chars.next()?;
    ((first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some((key, eq + 1))
}
