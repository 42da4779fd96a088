//! Config-file scalar scanners: owns finding every key and scalar value, with exact
//! byte spans, in `.env`, JSON/JSONC/JSON5, YAML and TOML files while never looking
//! inside comments, so rules can flag forbidden values at the precise spot without a
//! full parser per format.

use std::borrow::Cow;
use std::ops::Range;

/// The formats we can scan; chosen from the file name because config files rarely
/// announce their format any other way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigFormat {
    Env,
    Json,
    Yaml,
    Toml,
}

impl ConfigFormat {
    /// Picks the scanner from the file name (the directory part is ignored). `.env` and
    /// `.env.<anything>` are Env, but a structured extension wins (`.env.schema.json` is
    /// JSON), since scanning JSON as KEY=value lines would find nothing. `.envrc` and
    /// `foo.env` are shell scripts, not dotenv files, so they are not claimed.
    pub fn from_path(path: &str) -> Option<ConfigFormat> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if let Some((_, ext)) = name.rsplit_once('.') {
            let is = |e: &str| ext.eq_ignore_ascii_case(e);
            if is("json") || is("jsonc") || is("json5") {
                return Some(ConfigFormat::Json);
            }
            if is("yaml") || is("yml") {
                return Some(ConfigFormat::Yaml);
            }
            if is("toml") {
                return Some(ConfigFormat::Toml);
            }
        }
        if name == ".env" || name.starts_with(".env.") {
            return Some(ConfigFormat::Env);
        }
        None
    }
}

/// One key or scalar value found in a config file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigScalar<'a> {
    /// The raw token including quotes, for labelling the whole literal.
    pub span: Range<usize>,
    /// The content inside the quotes (equal to `span` for unquoted scalars), for
    /// labelling just the value.
    pub value_span: Range<usize>,
    /// The value with escapes resolved; borrowed when that equals the raw content, so
    /// scanning stays allocation-free for ordinary files.
    pub value: Cow<'a, str>,
    /// Keys and values are reported separately because rules often treat them
    /// differently (a hostname as a key is usually a lookup table, not a connection).
    pub is_key: bool,
}

/// Returns every key and scalar value of `text` in source order. Best effort on
/// malformed input: an unterminated quote yields a scalar up to the end of its line
/// (or of the file, for formats with multi-line strings), never a panic.
pub fn scan(format: ConfigFormat, text: &str) -> Vec<ConfigScalar<'_>> {
    match format {
        ConfigFormat::Env => scan_env(text),
        ConfigFormat::Json => scan_json(text),
        ConfigFormat::Yaml => Yaml::new(text).run(),
        ConfigFormat::Toml => Toml::new(text).run(),
    }
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// Builds a decoded value lazily: stays a borrowed slice until the first escape, so
/// only values that really differ from the source allocate.
struct Decoder<'a> {
    text: &'a str,
    start: usize,
    /// Start of the raw text not yet copied into `buf`.
    run: usize,
    buf: Option<String>,
}

impl<'a> Decoder<'a> {
    fn new(text: &'a str, start: usize) -> Self {
        Decoder {
            text,
            start,
            run: start,
            buf: None,
        }
    }

    /// Drops the raw text `at..resume` (an escape) and returns the buffer so the caller
    /// can push its replacement.
    fn splice(&mut self, at: usize, resume: usize) -> &mut String {
        let buf = self.buf.get_or_insert_with(String::new);
        if self.run < at {
            buf.push_str(slice(self.text, self.run..at));
        }
        self.run = resume;
        buf
    }

    fn finish(self, end: usize) -> Cow<'a, str> {
        match self.buf {
            None => Cow::Borrowed(slice(self.text, self.start..end)),
            Some(mut buf) => {
                if self.run < end {
                    buf.push_str(slice(self.text, self.run..end));
                }
                Cow::Owned(buf)
            }
        }
    }
}

/// Slicing that cannot panic: every position we compute sits on an ASCII byte, but a
/// linter must never crash on a file, so a bad range degrades to an empty string.
fn slice(text: &str, r: Range<usize>) -> &str {
    text.get(r).unwrap_or_default()
}

fn scalar(
    text: &str,
    span: Range<usize>,
    value_span: Range<usize>,
    is_key: bool,
) -> ConfigScalar<'_> {
    ConfigScalar {
        value: Cow::Borrowed(slice(text, value_span.clone())),
        span,
        value_span,
        is_key,
    }
}

fn line_end(b: &[u8], from: usize) -> usize {
    let from = from.min(b.len());
    b[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| from + p)
}

fn next_line(b: &[u8], from: usize) -> usize {
    (line_end(b, from) + 1).min(b.len())
}

fn skip_blanks(b: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && matches!(b[end - 1], b' ' | b'\t' | b'\r') {
        end -= 1;
    }
    end
}

fn is_space(c: Option<&u8>) -> bool {
    matches!(c, None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

fn hex(b: &[u8], i: usize, n: usize) -> Option<u32> {
    b.get(i..i + n)?.iter().try_fold(0u32, |acc, &c| {
        char::from(c).to_digit(16).map(|d| acc * 16 + d)
    })
}

/// Decodes `n` hex digits at `i`. A high surrogate followed by `\u` and a low one is
/// combined, because JSON and YAML emitters write astral characters that way; anything
/// else that is not a Unicode scalar becomes U+FFFD. Returns the char and the resume
/// position, or None if the digits are missing.
fn code_point(b: &[u8], i: usize, n: usize) -> Option<(char, usize)> {
    let cp = hex(b, i, n)?;
    let after = i + n;
    if (0xD800..0xDC00).contains(&cp) && b.get(after..after + 2) == Some(b"\\u") {
        if let Some(lo) = hex(b, after + 2, 4).filter(|lo| (0xDC00..0xE000).contains(lo)) {
            let c = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            return Some((
                char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER),
                after + 6,
            ));
        }
    }
    Some((
        char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER),
        after,
    ))
}

/// The char starting at byte `i` (a char boundary), for escapes that keep an unknown
/// escaped character as is.
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

// ---------------------------------------------------------------------------
// .env
// ---------------------------------------------------------------------------

fn scan_env(text: &str) -> Vec<ConfigScalar<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Per quote kind, the earliest opening quote known to have no closing quote after
    // it: later ones cannot close either, so we skip the search (keeps scans linear).
    let mut no_close = [usize::MAX; 3];
    let mut pos = 0;
    while pos < b.len() {
        let eol = line_end(b, pos);
        let next = (eol + 1).min(b.len());
        let mut i = skip_blanks(b, pos, eol);
        if i >= eol || b[i] == b'#' {
            pos = next;
            continue;
        }
        if b[i..].starts_with(b"export") && matches!(b.get(i + 6), Some(b' ' | b'\t')) {
            let j = skip_blanks(b, i + 6, eol);
            if j < eol && b[j] != b'=' {
                i = j;
            }
        }
        let key_start = i;
        while i < eol && !matches!(b[i], b'=' | b' ' | b'\t' | b'\r') {
            i += 1;
        }
        let key_end = i;
        i = skip_blanks(b, i, eol);
        if key_end == key_start || i >= eol || b[i] != b'=' {
            pos = next;
            continue;
        }
        out.push(scalar(text, key_start..key_end, key_start..key_end, true));
        i = skip_blanks(b, i + 1, eol);
        match b.get(i) {
            Some(&q @ (b'"' | b'\'' | b'`')) if i < eol => {
                let (value, end) = env_quoted(text, i, q, &mut no_close);
                out.push(value);
                pos = next_line(b, end);
            }
            _ => {
                let start = i;
                let mut end = i;
                while i < eol {
                    let c = b[i];
                    // ` #` starts an inline comment; a `#` glued to text is data.
                    if c == b'#' && matches!(b[i - 1], b' ' | b'\t') {
                        break;
                    }
                    if !matches!(c, b' ' | b'\t' | b'\r') {
                        end = i + 1;
                    }
                    i += 1;
                }
                if end > start {
                    out.push(scalar(text, start..end, start..end, false));
                }
                pos = next;
            }
        }
    }
    out
}

/// A quoted env value; double quotes take `\n \r \t \" \\` escapes (other backslashes
/// stay as written, as dotenv loaders do) and any quote may span lines. Without a
/// closing quote the value runs to the end of its line.
fn env_quoted<'a>(
    text: &'a str,
    open: usize,
    q: u8,
    no_close: &mut [usize; 3],
) -> (ConfigScalar<'a>, usize) {
    let b = text.as_bytes();
    let kind = match q {
        b'"' => 0,
        b'\'' => 1,
        _ => 2,
    };
    if open < no_close[kind] {
        let mut dec = Decoder::new(text, open + 1);
        let mut i = open + 1;
        while i < b.len() {
            let c = b[i];
            if c == q {
                let s = ConfigScalar {
                    span: open..i + 1,
                    value_span: open + 1..i,
                    value: dec.finish(i),
                    is_key: false,
                };
                return (s, i + 1);
            }
            if q == b'"' && c == b'\\' {
                let rep = match b.get(i + 1) {
                    Some(b'n') => Some('\n'),
                    Some(b'r') => Some('\r'),
                    Some(b't') => Some('\t'),
                    Some(b'"') => Some('"'),
                    Some(b'\\') => Some('\\'),
                    _ => None,
                };
                if let Some(ch) = rep {
                    dec.splice(i, i + 2).push(ch);
                    i += 2;
                    continue;
                }
            }
            i += 1;
        }
        no_close[kind] = open;
    }
    let end = trim_end(b, open + 1, line_end(b, open));
    (scalar(text, open..end, open + 1..end, false), end)
}

// ---------------------------------------------------------------------------
// JSON / JSONC / JSON5
// ---------------------------------------------------------------------------

fn scan_json(text: &str) -> Vec<ConfigScalar<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' | b'\'' => {
                let (end, content_end, value) = json_string(text, i, c);
                let after = skip_json_trivia(b, end);
                let is_key = b.get(after) == Some(&b':');
                out.push(ConfigScalar {
                    span: i..end,
                    value_span: i + 1..content_end,
                    value,
                    is_key,
                });
                i = if is_key { after + 1 } else { after };
            }
            b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => i = skip_json_trivia(b, i),
            // JSON5 unquoted keys; bare literals (true, null, numbers) are skipped.
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 => {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'$') || b[i] >= 0x80)
                {
                    i += 1;
                }
                let after = skip_json_trivia(b, i);
                if b.get(after) == Some(&b':') {
                    out.push(scalar(text, start..i, start..i, true));
                    i = after + 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Skips whitespace and `//`/`/* */` comments, which JSONC tolerates anywhere; used
/// between a string and its `:` too, so `"k" /* c */ : 1` still reads as a key.
fn skip_json_trivia(b: &[u8], mut i: usize) -> usize {
    loop {
        match (b.get(i), b.get(i + 1)) {
            (Some(b' ' | b'\t' | b'\n' | b'\r'), _) => i += 1,
            (Some(b'/'), Some(b'/')) => i = line_end(b, i),
            (Some(b'/'), Some(b'*')) => {
                i = b[i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(b.len(), |p| i + 2 + p + 2);
            }
            _ => return i,
        }
    }
}

/// A JSON (or JSON5 single-quoted) string starting at `open`. Raw line breaks are not
/// allowed in JSON strings, so an unterminated string stops at the end of its line
/// instead of swallowing the rest of the file. Returns the token end, content end and
/// decoded value.
fn json_string(text: &str, open: usize, q: u8) -> (usize, usize, Cow<'_, str>) {
    let b = text.as_bytes();
    let mut dec = Decoder::new(text, open + 1);
    let mut i = open + 1;
    while i < b.len() {
        let c = b[i];
        if c == q {
            return (i + 1, i, dec.finish(i));
        }
        if matches!(c, b'\n' | b'\r') {
            break;
        }
        if c != b'\\' {
            i += 1;
            continue;
        }
        let Some(&e) = b.get(i + 1) else {
            i += 1;
            break;
        };
        let simple = match e {
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            b'v' => Some('\u{b}'),
            b'0' => Some('\0'),
            _ => None,
        };
        if let Some(ch) = simple {
            dec.splice(i, i + 2).push(ch);
            i += 2;
            continue;
        }
        match e {
            b'u' | b'x' => {
                let n = if e == b'u' { 4 } else { 2 };
                let (ch, resume) =
                    code_point(b, i + 2, n).unwrap_or((char::REPLACEMENT_CHARACTER, i + 2));
                dec.splice(i, resume).push(ch);
                i = resume;
            }
            // JSON5 line continuation.
            b'\n' | b'\r' => {
                let mut resume = i + 2;
                if e == b'\r' && b.get(resume) == Some(&b'\n') {
                    resume += 1;
                }
                dec.splice(i, resume);
                i = resume;
            }
            _ => {
                let ch = char_at(text, i + 1).unwrap_or(char::REPLACEMENT_CHARACTER);
                let resume = i + 1 + ch.len_utf8();
                dec.splice(i, resume).push(ch);
                i = resume;
            }
        }
    }
    let end = i.min(b.len());
    (end, end, dec.finish(end))
}

// ---------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------

struct Yaml<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    out: Vec<ConfigScalar<'a>>,
    /// Per quote kind (`"`, `'`): earliest opening quote known to have no closing quote,
    /// so repeated failed searches cannot make the scan quadratic.
    no_close: [usize; 2],
    /// Set by a `? ` indicator: the next scalar is a key even without a `:` after it.
    explicit_key: bool,
}

impl<'a> Yaml<'a> {
    fn new(text: &'a str) -> Self {
        Yaml {
            text,
            b: text.as_bytes(),
            pos: 0,
            out: Vec::new(),
            no_close: [usize::MAX; 2],
            explicit_key: false,
        }
    }

    fn run(mut self) -> Vec<ConfigScalar<'a>> {
        while self.pos < self.b.len() {
            let start = self.pos;
            self.line();
            if self.pos <= start {
                self.pos = next_line(self.b, start);
            }
        }
        self.out
    }

    /// Handles one line starting at `self.pos` (and whatever multi-line construct
    /// starts on it), leaving `pos` at the start of a later line.
    fn line(&mut self) {
        let b = self.b;
        let ls = self.pos;
        if b[ls] == b'%' {
            self.pos = next_line(b, ls);
            return;
        }
        if (b[ls..].starts_with(b"---") || b[ls..].starts_with(b"...")) && is_space(b.get(ls + 3)) {
            self.pos = ls + 3;
            self.explicit_key = false;
        }
        self.content();
    }

    /// Block-context tokens up to the end of the line.
    fn content(&mut self) {
        let b = self.b;
        loop {
            self.pos = skip_blanks(b, self.pos, b.len());
            let p = self.pos;
            let Some(&c) = b.get(p) else {
                return;
            };
            match c {
                b'\n' => {
                    self.pos += 1;
                    return;
                }
                b'\r' => self.pos += 1,
                b'#' if p == 0 || matches!(b[p - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                    self.pos = line_end(b, p);
                }
                b'-' | b'?' | b':' if is_space(b.get(p + 1)) => {
                    self.indicator(c);
                }
                b'&' | b'!' | b'*' => self.skip_property(false),
                b'|' | b'>' => {
                    if self.block_scalar() {
                        return;
                    }
                    self.plain(false);
                }
                b'"' | b'\'' => self.quoted(),
                b'[' | b'{' => self.flow(),
                _ => self.plain(false),
            }
        }
    }

    fn indicator(&mut self, c: u8) {
        match c {
            b'?' => self.explicit_key = true,
            b':' => self.explicit_key = false,
            _ => {}
        }
        self.pos += 1;
    }

    /// Anchors, aliases and tags carry no scalar text of their own; the scalar that
    /// follows them is what matters.
    fn skip_property(&mut self, flow: bool) {
        let b = self.b;
        let mut i = self.pos + 1;
        if b[self.pos] == b'!' && b.get(i) == Some(&b'<') {
            while i < b.len() && !matches!(b[i], b'>' | b'\n') {
                i += 1;
            }
            if b.get(i) == Some(&b'>') {
                i += 1;
            }
        } else {
            while i < b.len()
                && !matches!(b[i], b' ' | b'\t' | b'\r' | b'\n')
                && !(flow && is_flow_indicator(b[i]))
            {
                i += 1;
            }
        }
        self.pos = i;
    }

    fn take_key(&mut self, is_key: bool) -> bool {
        std::mem::take(&mut self.explicit_key) || is_key
    }

    /// An unquoted scalar: up to the end of the line, a `: ` (making it a key) or a
    /// ` #` comment, trimmed; in flow context also up to `,[]{}`. Continuation lines of
    /// multi-line plain scalars come out as separate scalars.
    fn plain(&mut self, flow: bool) {
        let b = self.b;
        let start = self.pos;
        let mut i = start;
        let mut end = start;
        let mut is_key = false;
        while i < b.len() {
            let c = b[i];
            match c {
                b'\n' | b'\r' => break,
                b':' if is_space(b.get(i + 1))
                    || (flow && b.get(i + 1).is_some_and(|&n| is_flow_indicator(n))) =>
                {
                    is_key = true;
                    break;
                }
                b'#' if i > start && matches!(b[i - 1], b' ' | b'\t') => break,
                b',' | b'[' | b']' | b'{' | b'}' if flow => break,
                b' ' | b'\t' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        self.pos = if is_key { i + 1 } else { i };
        if end > start {
            let is_key = self.take_key(is_key);
            self.out
                .push(scalar(self.text, start..end, start..end, is_key));
        }
        if self.pos == start {
            self.pos += 1;
        }
    }

    /// A single- or double-quoted scalar, possibly spanning lines (line breaks fold to
    /// spaces as YAML specifies). A `:` right after the closing quote makes it a key.
    fn quoted(&mut self) {
        let b = self.b;
        let open = self.pos;
        let q = b[open];
        let kind = usize::from(q == b'\'');
        let found = if open < self.no_close[kind] {
            self.quoted_body(open, q)
        } else if q == b'\'' {
            // The failed search read this quote as half of a `''` pair; starting here
            // shifts the pairing, so a run of quotes of even length now closes.
            let run = b[open..].iter().take_while(|&&c| c == b'\'').count();
            (run % 2 == 0).then(|| {
                let value = if run == 2 {
                    Cow::Borrowed("")
                } else {
                    Cow::Owned("'".repeat((run - 2) / 2))
                };
                (open + run - 1, value)
            })
        } else {
            None
        };
        let (span, value_span, value) = match found {
            Some((close, value)) => (open..close + 1, open + 1..close, value),
            None => {
                self.no_close[kind] = self.no_close[kind].min(open);
                let end = trim_end(b, open + 1, line_end(b, open));
                let value = Cow::Borrowed(slice(self.text, open + 1..end));
                (open..end, open + 1..end, value)
            }
        };
        self.pos = span.end.max(open + 1);
        let after = skip_blanks(b, self.pos, b.len());
        let is_key = b.get(after) == Some(&b':');
        if is_key {
            self.pos = after + 1;
        }
        let is_key = self.take_key(is_key);
        self.out.push(ConfigScalar {
            span,
            value_span,
            value,
            is_key,
        });
    }

    fn quoted_body(&self, open: usize, q: u8) -> Option<(usize, Cow<'a, str>)> {
        let b = self.b;
        let mut dec = Decoder::new(self.text, open + 1);
        let mut i = open + 1;
        while i < b.len() {
            let c = b[i];
            if c == q {
                if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    dec.splice(i, i + 2).push('\'');
                    i += 2;
                    continue;
                }
                return Some((i, dec.finish(i)));
            }
            if c == b'\\' && q == b'"' {
                i = self.escape(&mut dec, i);
            } else if matches!(c, b'\n' | b'\r') {
                i = self.fold(&mut dec, i);
            } else {
                i += 1;
            }
        }
        None
    }

    /// Line folding inside quoted scalars: trailing blanks are dropped, one line break
    /// becomes a space, and each further (empty) line becomes a newline.
    fn fold(&self, dec: &mut Decoder<'a>, i: usize) -> usize {
        let b = self.b;
        let mut ws = i;
        while ws > dec.run && matches!(b[ws - 1], b' ' | b'\t') {
            ws -= 1;
        }
        let mut j = i;
        let mut breaks = 0usize;
        loop {
            match b.get(j) {
                Some(b'\r') => j += if b.get(j + 1) == Some(&b'\n') { 2 } else { 1 },
                Some(b'\n') => j += 1,
                _ => break,
            }
            breaks += 1;
            j = skip_blanks(b, j, b.len());
        }
        let buf = dec.splice(ws, j);
        if breaks <= 1 {
            buf.push(' ');
        } else {
            buf.extend(std::iter::repeat_n('\n', breaks - 1));
        }
        j
    }

    fn escape(&self, dec: &mut Decoder<'a>, i: usize) -> usize {
        let b = self.b;
        let Some(&e) = b.get(i + 1) else {
            return i + 1;
        };
        let simple = match e {
            b'0' => Some('\0'),
            b'a' => Some('\u{7}'),
            b'b' => Some('\u{8}'),
            b't' | b'\t' => Some('\t'),
            b'n' => Some('\n'),
            b'v' => Some('\u{b}'),
            b'f' => Some('\u{c}'),
            b'r' => Some('\r'),
            b'e' => Some('\u{1b}'),
            b' ' => Some(' '),
            b'"' => Some('"'),
            b'/' => Some('/'),
            b'\\' => Some('\\'),
            b'N' => Some('\u{85}'),
            b'_' => Some('\u{a0}'),
            b'L' => Some('\u{2028}'),
            b'P' => Some('\u{2029}'),
            _ => None,
        };
        if let Some(ch) = simple {
            dec.splice(i, i + 2).push(ch);
            return i + 2;
        }
        let n = match e {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            b'\n' | b'\r' => {
                // Escaped line break: joins the lines without a space.
                let mut j = i + 2;
                if e == b'\r' && b.get(j) == Some(&b'\n') {
                    j += 1;
                }
                let j = skip_blanks(b, j, b.len());
                dec.splice(i, j);
                return j;
            }
            // Unknown escape: keep it as written.
            _ => return i + 1,
        };
        match code_point(b, i + 2, n) {
            Some((ch, resume)) => {
                dec.splice(i, resume).push(ch);
                resume
            }
            None => i + 1,
        }
    }

    /// `|` / `>` block scalars: each non-empty content line is one scalar, since rules
    /// care about where a value sits, not how YAML folds it. Returns false when the
    /// header is malformed, so the text is read as a plain scalar instead.
    fn block_scalar(&mut self) -> bool {
        let b = self.b;
        let hdr = self.pos;
        let mut i = hdr + 1;
        let mut explicit = None;
        for _ in 0..2 {
            match b.get(i) {
                Some(&d @ b'1'..=b'9') if explicit.is_none() => {
                    explicit = Some(usize::from(d - b'0'));
                    i += 1;
                }
                Some(b'+' | b'-') => i += 1,
                _ => break,
            }
        }
        if !is_space(b.get(i)) {
            return false;
        }
        self.explicit_key = false;
        let parent = line_indent(b, hdr);
        let mut p = next_line(b, i);
        let indent = match explicit {
            Some(d) => parent + d,
            None => {
                let mut q = p;
                let mut found = None;
                while q < b.len() {
                    let s = count_spaces(b, q);
                    let e = line_end(b, q);
                    if skip_blanks(b, q + s, e) < trim_end(b, q + s, e) {
                        found = Some(s);
                        break;
                    }
                    q = next_line(b, e);
                }
                match found {
                    Some(s) if s > parent => s,
                    _ => {
                        self.pos = p;
                        return true;
                    }
                }
            }
        };
        while p < b.len() {
            let s = count_spaces(b, p);
            let e = line_end(b, p);
            let t = skip_blanks(b, p + s, e);
            let te = trim_end(b, t, e);
            if te > t {
                if s < indent {
                    break;
                }
                self.out.push(scalar(self.text, t..te, t..te, false));
            }
            p = next_line(b, e);
        }
        self.pos = p;
        true
    }

    /// A flow collection (`[..]`/`{..}`), possibly nested and spanning lines; scalars
    /// are split at `,` and keys recognised by a following `:`.
    fn flow(&mut self) {
        let b = self.b;
        let mut depth = 0usize;
        while self.pos < b.len() {
            let p = self.pos;
            let c = b[p];
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b',' => self.pos += 1,
                b'[' | b'{' => {
                    depth += 1;
                    self.pos += 1;
                }
                b']' | b'}' => {
                    self.pos += 1;
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                b'#' if matches!(b[p - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                    self.pos = line_end(b, p)
                }
                b'?' | b':'
                    if is_space(b.get(p + 1))
                        || b.get(p + 1).is_some_and(|&n| is_flow_indicator(n)) =>
                {
                    self.indicator(c);
                }
                b'&' | b'!' | b'*' => self.skip_property(true),
                b'"' | b'\'' => self.quoted(),
                _ => self.plain(true),
            }
        }
    }
}

fn is_flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

fn count_spaces(b: &[u8], from: usize) -> usize {
    b.get(from..)
        .map_or(0, |s| s.iter().take_while(|&&c| c == b' ').count())
}

/// Indentation of the line containing `pos`: the reference a block scalar's content
/// must exceed.
fn line_indent(b: &[u8], pos: usize) -> usize {
    let start = b[..pos.min(b.len())]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    count_spaces(b, start)
}

// ---------------------------------------------------------------------------
// TOML
// ---------------------------------------------------------------------------

struct Toml<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    out: Vec<ConfigScalar<'a>>,
    /// Nesting of arrays and inline tables; `inline_bits` records which levels (up to
    /// 64, deeper ones count as arrays) are inline tables, so `,` knows whether a key
    /// comes next, without a heap-allocated stack.
    depth: usize,
    inline_bits: u64,
    expect_key: bool,
}

/// A scanned string: end of the raw token, content range, decoded value, and whether
/// it was terminated (an unterminated quoted key is not a key).
type Str<'a> = (usize, Range<usize>, Cow<'a, str>, bool);

impl<'a> Toml<'a> {
    fn new(text: &'a str) -> Self {
        Toml {
            text,
            b: text.as_bytes(),
            pos: 0,
            out: Vec::new(),
            depth: 0,
            inline_bits: 0,
            expect_key: true,
        }
    }

    fn push(&mut self, inline: bool) {
        if self.depth < 64 {
            if inline {
                self.inline_bits |= 1 << self.depth;
            } else {
                self.inline_bits &= !(1 << self.depth);
            }
        }
        self.depth += 1;
    }

    fn pop(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn in_inline_table(&self) -> bool {
        self.depth > 0 && self.depth <= 64 && self.inline_bits & (1 << (self.depth - 1)) != 0
    }

    fn run(mut self) -> Vec<ConfigScalar<'a>> {
        let b = self.b;
        while self.pos < b.len() {
            let p = self.pos;
            let c = b[p];
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    if self.depth == 0 {
                        self.expect_key = true;
                    }
                }
                b'#' => self.pos = line_end(b, p),
                _ if self.expect_key => {
                    if c == b'[' && self.depth == 0 {
                        self.header();
                    } else if c == b'}' && self.in_inline_table() {
                        self.pop();
                        self.pos += 1;
                        self.expect_key = false;
                    } else if c == b',' && self.in_inline_table() {
                        self.pos += 1;
                    } else {
                        self.key_value();
                    }
                }
                b'"' | b'\'' => {
                    let (end, value_span, value, _) =
                        if b[p..].starts_with(b"\"\"\"") || b[p..].starts_with(b"'''") {
                            self.multiline(p, c)
                        } else if c == b'"' {
                            self.basic(p)
                        } else {
                            self.literal(p)
                        };
                    self.out.push(ConfigScalar {
                        span: p..end,
                        value_span,
                        value,
                        is_key: false,
                    });
                    self.pos = end.max(p + 1);
                }
                b'[' => {
                    self.push(false);
                    self.pos += 1;
                }
                b'{' => {
                    self.push(true);
                    self.pos += 1;
                    self.expect_key = true;
                }
                b']' | b'}' => {
                    self.pop();
                    self.pos += 1;
                }
                b',' => {
                    self.pos += 1;
                    self.expect_key = self.in_inline_table();
                }
                _ => self.bare_value(),
            }
        }
        self.out
    }

    /// Numbers, booleans and dates: skipped. A bare word followed by `=` inside an
    /// array means an unterminated array swallowed a `key = value` line, so we resync
    /// there rather than lose every key that follows.
    fn bare_value(&mut self) {
        let b = self.b;
        let start = self.pos;
        let mut i = start;
        while i < b.len()
            && !matches!(
                b[i],
                b' ' | b'\t'
                    | b'\r'
                    | b'\n'
                    | b','
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'#'
                    | b'"'
                    | b'\''
                    | b'='
            )
        {
            i += 1;
        }
        if i == start {
            self.pos = start + 1;
            return;
        }
        if self.depth > 0
            && !self.in_inline_table()
            && b.get(skip_blanks(b, i, b.len())) == Some(&b'=')
        {
            self.depth = 0;
            self.expect_key = true;
            self.pos = start;
            self.key_value();
            return;
        }
        self.pos = i;
    }

    /// A (dotted) key up to `=`; each part is its own key scalar. A line that is not a
    /// valid key is dropped whole and nesting is reset, to resync on the next line.
    fn key_value(&mut self) {
        let b = self.b;
        let mark = self.out.len();
        let mut i = self.pos;
        loop {
            i = skip_blanks(b, i, b.len());
            let Some(next) = self.key_part(i) else {
                break;
            };
            i = skip_blanks(b, next, b.len());
            match b.get(i) {
                Some(b'.') => i += 1,
                Some(b'=') => {
                    self.pos = i + 1;
                    self.expect_key = false;
                    return;
                }
                _ => break,
            }
        }
        self.out.truncate(mark);
        self.pos = line_end(b, self.pos).max(self.pos + 1);
        self.depth = 0;
        self.expect_key = true;
    }

    /// `[a.b]` and `[[a]]` headers; each part is a key scalar.
    fn header(&mut self) {
        let b = self.b;
        let mark = self.out.len();
        let mut i = self.pos + 1;
        let double = b.get(i) == Some(&b'[');
        if double {
            i += 1;
        }
        loop {
            i = skip_blanks(b, i, b.len());
            let Some(next) = self.key_part(i) else {
                break;
            };
            i = skip_blanks(b, next, b.len());
            match b.get(i) {
                Some(b'.') => i += 1,
                Some(b']') if !double || b.get(i + 1) == Some(&b']') => {
                    self.pos = i + if double { 2 } else { 1 };
                    return;
                }
                _ => break,
            }
        }
        self.out.truncate(mark);
        self.pos = line_end(b, self.pos).max(self.pos + 1);
    }

    fn key_part(&mut self, i: usize) -> Option<usize> {
        let b = self.b;
        let c = *b.get(i)?;
        let (end, value_span, value) = match c {
            b'"' | b'\'' => {
                let (end, value_span, value, closed) = if c == b'"' {
                    self.basic(i)
                } else {
                    self.literal(i)
                };
                if !closed {
                    return None;
                }
                (end, value_span, value)
            }
            _ => {
                let mut j = i;
                while j < b.len()
                    && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'_' | b'-') || b[j] >= 0x80)
                {
                    j += 1;
                }
                if j == i {
                    return None;
                }
                (j, i..j, Cow::Borrowed(slice(self.text, i..j)))
            }
        };
        self.out.push(ConfigScalar {
            span: i..end,
            value_span,
            value,
            is_key: true,
        });
        Some(end)
    }

    /// `"..."`: ends at the closing quote or, unterminated, at the end of the line.
    fn basic(&self, open: usize) -> Str<'a> {
        let b = self.b;
        let mut dec = Decoder::new(self.text, open + 1);
        let mut i = open + 1;
        while i < b.len() {
            match b[i] {
                b'"' => return (i + 1, open + 1..i, dec.finish(i), true),
                b'\n' | b'\r' => break,
                b'\\' => i = self.escape(&mut dec, i, false),
                _ => i += 1,
            }
        }
        (i, open + 1..i, dec.finish(i), false)
    }

    /// `'...'`: no escapes at all.
    fn literal(&self, open: usize) -> Str<'a> {
        let b = self.b;
        let mut i = open + 1;
        while i < b.len() {
            match b[i] {
                b'\'' => {
                    return (
                        i + 1,
                        open + 1..i,
                        Cow::Borrowed(slice(self.text, open + 1..i)),
                        true,
                    )
                }
                b'\n' | b'\r' => break,
                _ => i += 1,
            }
        }
        (
            i,
            open + 1..i,
            Cow::Borrowed(slice(self.text, open + 1..i)),
            false,
        )
    }

    /// `"""..."""` and `'''...'''`. A newline right after the opening delimiter is not
    /// content, and up to two quotes may precede the closing delimiter (`""""` ends
    /// with a quote in the value).
    fn multiline(&self, open: usize, q: u8) -> Str<'a> {
        let b = self.b;
        let mut s = open + 3;
        if b.get(s) == Some(&b'\n') {
            s += 1;
        } else if b.get(s..s + 2) == Some(b"\r\n") {
            s += 2;
        }
        let mut dec = Decoder::new(self.text, s);
        let mut i = s;
        while i < b.len() {
            let c = b[i];
            if c == q {
                let n = b[i..].iter().take_while(|&&x| x == q).count();
                if n >= 3 {
                    let end = i + (n - 3).min(2);
                    return (end + 3, s..end, dec.finish(end), true);
                }
                i += n;
            } else if c == b'\\' && q == b'"' {
                i = self.escape(&mut dec, i, true);
            } else {
                i += 1;
            }
        }
        let end = b.len();
        (end, s.min(end)..end, dec.finish(end), false)
    }

    /// Basic-string escapes; unknown ones stay as written. In multi-line strings a
    /// backslash ending a line swallows the line break and following whitespace.
    fn escape(&self, dec: &mut Decoder<'a>, i: usize, multiline: bool) -> usize {
        let b = self.b;
        let Some(&e) = b.get(i + 1) else {
            return i + 1;
        };
        let simple = match e {
            b'b' => Some('\u{8}'),
            b't' => Some('\t'),
            b'n' => Some('\n'),
            b'f' => Some('\u{c}'),
            b'r' => Some('\r'),
            b'e' => Some('\u{1b}'),
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            _ => None,
        };
        if let Some(ch) = simple {
            dec.splice(i, i + 2).push(ch);
            return i + 2;
        }
        let n = match e {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            b' ' | b'\t' | b'\r' | b'\n' if multiline => {
                let j = skip_blanks(b, i + 1, b.len());
                if !matches!(b.get(j), Some(b'\n' | b'\r')) {
                    return i + 1;
                }
                let mut j = j;
                while matches!(b.get(j), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                    j += 1;
                }
                dec.splice(i, j);
                return j;
            }
            _ => return i + 1,
        };
        match code_point(b, i + 2, n) {
            Some((ch, resume)) => {
                dec.splice(i, resume).push(ch);
                resume
            }
            None => i + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (value_span text, decoded value, is_key) for compact assertions.
    fn view(format: ConfigFormat, text: &str) -> Vec<(&str, String, bool)> {
        scan(format, text)
            .into_iter()
            .map(|s| (&text[s.value_span.clone()], s.value.into_owned(), s.is_key))
            .collect()
    }

    fn raw(format: ConfigFormat, text: &str) -> Vec<(&str, bool)> {
        scan(format, text)
            .into_iter()
            .map(|s| (&text[s.value_span.clone()], s.is_key))
            .collect()
    }

    fn values(format: ConfigFormat, text: &str) -> Vec<String> {
        scan(format, text)
            .into_iter()
            .map(|s| s.value.into_owned())
            .collect()
    }

    #[test]
    fn format_from_path() {
        use ConfigFormat::*;
        let cases = [
            (".env", Some(Env)),
            ("app/.env.local", Some(Env)),
            ("C:\\x\\.env.production", Some(Env)),
            (".envrc", None),
            ("foo.env", None),
            ("env", None),
            ("a/b/package.json", Some(Json)),
            ("tsconfig.JSONC", Some(Json)),
            ("x.json5", Some(Json)),
            (".env.schema.json", Some(Json)),
            ("ci.yml", Some(Yaml)),
            ("docker-compose.yaml", Some(Yaml)),
            ("Cargo.toml", Some(Toml)),
            ("README.md", None),
            ("json", None),
        ];
        for (path, want) in cases {
            assert_eq!(ConfigFormat::from_path(path), want, "{path}");
        }
    }

    #[test]
    fn env_values_keys_and_comments() {
        let text = "# DB_HOST=db.evil.com\n\
export API_URL=https://api.example.com/#frag # the api\n\
KEY = value with spaces   \n\
QUOTED=\"a # b\"  # comment\n\
SINGLE='it\\n # stays'\n\
ESC=\"line\\nnext \\\"q\\\" \\\\ \\$HOME\"\n\
MULTI=\"first\nsecond\"\n\
EMPTY=\n\
HASH=#notcomment\n\
export=1\n\
  \n\
not a pair\n\
WIN=crlf\r\n";
        let got = view(ConfigFormat::Env, text);
        let want: Vec<(&str, &str, bool)> = vec![
            ("API_URL", "API_URL", true),
            (
                "https://api.example.com/#frag",
                "https://api.example.com/#frag",
                false,
            ),
            ("KEY", "KEY", true),
            ("value with spaces", "value with spaces", false),
            ("QUOTED", "QUOTED", true),
            ("a # b", "a # b", false),
            ("SINGLE", "SINGLE", true),
            ("it\\n # stays", "it\\n # stays", false),
            ("ESC", "ESC", true),
            (
                "line\\nnext \\\"q\\\" \\\\ \\$HOME",
                "line\nnext \"q\" \\ \\$HOME",
                false,
            ),
            ("MULTI", "MULTI", true),
            ("first\nsecond", "first\nsecond", false),
            ("EMPTY", "EMPTY", true),
            ("HASH", "HASH", true),
            ("#notcomment", "#notcomment", false),
            ("export", "export", true),
            ("1", "1", false),
            ("WIN", "WIN", true),
            ("crlf", "crlf", false),
        ];
        let got: Vec<(&str, &str, bool)> =
            got.iter().map(|(a, b, c)| (*a, b.as_str(), *c)).collect();
        assert_eq!(got, want);
        let s = &scan(ConfigFormat::Env, text)[5];
        assert_eq!(&text[s.span.clone()], "\"a # b\"");
        assert!(matches!(s.value, Cow::Borrowed(_)));
    }

    #[test]
    fn env_unterminated_quote() {
        let text = "A=\"abc # x\nB=2\nC='zz";
        assert_eq!(
            raw(ConfigFormat::Env, text),
            vec![
                ("A", true),
                ("abc # x", false),
                ("B", true),
                ("2", false),
                ("C", true),
                ("zz", false)
            ]
        );
    }

    #[test]
    fn json_keys_values_comments_and_escapes() {
        let text = r#"{
  // "commented": "https://evil.example.com"
  "url": "https://a.example.com/#x", /* "b": "c" */
  "esc": "q\"\\\/\n\u00e9\ud83d\ude00\ud800x\u12",
  "arr": ["a", 'single', true, null, 1.5e3,],
  "k" /* c */ : "v",
  unquoted: "json5",
}"#;
        let got = view(ConfigFormat::Json, text);
        let keys: Vec<_> = got.iter().filter(|s| s.2).map(|s| s.0).collect();
        assert_eq!(keys, vec!["url", "esc", "arr", "k", "unquoted"]);
        let vals: Vec<_> = got.iter().filter(|s| !s.2).map(|s| s.1.as_str()).collect();
        assert_eq!(
            vals,
            vec![
                "https://a.example.com/#x",
                "q\"\\/\né😀\u{fffd}x\u{fffd}12",
                "a",
                "single",
                "v",
                "json5"
            ]
        );
        let url = &scan(ConfigFormat::Json, text)[1];
        assert_eq!(&text[url.span.clone()], "\"https://a.example.com/#x\"");
        assert!(matches!(url.value, Cow::Borrowed(_)));
    }

    #[test]
    fn json_unterminated_string_stops_at_line_end() {
        let text = "{\"a\": \"open\n, \"b\": \"c\"}";
        assert_eq!(
            raw(ConfigFormat::Json, text),
            vec![("a", true), ("open", false), ("b", true), ("c", false)]
        );
        assert_eq!(raw(ConfigFormat::Json, "\"x\\"), vec![("x\\", false)]);
        assert_eq!(raw(ConfigFormat::Json, "/* never closed \"a\""), vec![]);
    }

    #[test]
    fn yaml_block_mapping_and_sequences() {
        let text = "# host: evil.example.com
%YAML 1.2
---
server:
  host: db.example.com # primary
  url: http://x.example.com:8080/#anchor
  \"quoted key\": 'it''s # fine'
  'single': \"tab\\tnew\\nline \\u00e9 \\x41\"
  list:
    - plain item
    - key: value
      other: 2
    - - nested
  anchors: &a !!str tagged
  alias: *a
  empty:
  spaced key : v
  a#b: c#d
...
";
        let got = raw(ConfigFormat::Yaml, text);
        assert_eq!(
            got,
            vec![
                ("server", true),
                ("host", true),
                ("db.example.com", false),
                ("url", true),
                ("http://x.example.com:8080/#anchor", false),
                ("quoted key", true),
                ("it''s # fine", false),
                ("single", true),
                ("tab\\tnew\\nline \\u00e9 \\x41", false),
                ("list", true),
                ("plain item", false),
                ("key", true),
                ("value", false),
                ("other", true),
                ("2", false),
                ("nested", false),
                ("anchors", true),
                ("tagged", false),
                ("alias", true),
                ("empty", true),
                ("spaced key", true),
                ("v", false),
                ("a#b", true),
                ("c#d", false),
            ]
        );
        let vals = values(ConfigFormat::Yaml, text);
        assert_eq!(vals[6], "it's # fine");
        assert_eq!(vals[8], "tab\tnew\nline é A");
    }

    #[test]
    fn yaml_flow_collections() {
        let text = "a: [x, \"y, z\", 'w']\nb: {k: v, \"q\": [1, two], m: {n: o}} # c\nc: [\n  multi,\n  line # comment\n]\nd: {\"j\":\"s\"}\n";
        assert_eq!(
            raw(ConfigFormat::Yaml, text),
            vec![
                ("a", true),
                ("x", false),
                ("y, z", false),
                ("w", false),
                ("b", true),
                ("k", true),
                ("v", false),
                ("q", true),
                ("1", false),
                ("two", false),
                ("m", true),
                ("n", true),
                ("o", false),
                ("c", true),
                ("multi", false),
                ("line", false),
                ("d", true),
                ("j", true),
                ("s", false),
            ]
        );
    }

    #[test]
    fn yaml_block_scalars() {
        let text = "script: |
  echo https://a.example.com
  # not a comment inside a block

    indented more
after: >-2
  folded
   text
seq:
  - |+
    item line
  - next
top: |
not content
empty: >
";
        assert_eq!(
            raw(ConfigFormat::Yaml, text),
            vec![
                ("script", true),
                ("echo https://a.example.com", false),
                ("# not a comment inside a block", false),
                ("indented more", false),
                ("after", true),
                ("folded", false),
                ("text", false),
                ("seq", true),
                ("item line", false),
                ("next", false),
                ("top", true),
                ("not content", false),
                ("empty", true),
            ]
        );
    }

    #[test]
    fn yaml_multiline_quoted_and_explicit_keys() {
        let text = "k: \"one\n   two\n\n   three \\\n   four\"\nq: 'a\n  b'\n? complex\n: val\n";
        let got = scan(ConfigFormat::Yaml, text);
        assert_eq!(got[1].value, "one two\nthree four");
        assert_eq!(
            &text[got[1].value_span.clone()],
            "one\n   two\n\n   three \\\n   four"
        );
        assert_eq!(got[3].value, "a b");
        assert_eq!((got[4].value.as_ref(), got[4].is_key), ("complex", true));
        assert_eq!((got[5].value.as_ref(), got[5].is_key), ("val", false));
    }

    #[test]
    fn yaml_quotes_after_an_unterminated_one() {
        // The first quote never closes (every later quote pairs up as `''`), so the
        // later scalars are read by the shortcut, which must still see them close.
        let text = "a: 'open\nb: ''\nc: ''''''\ne: \"q\"\n";
        let got = scan(ConfigFormat::Yaml, text);
        let got: Vec<_> = got
            .iter()
            .map(|s| (&text[s.span.clone()], s.value.as_ref(), s.is_key))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", "a", true),
                ("'open", "open", false),
                ("b", "b", true),
                ("''", "", false),
                ("c", "c", true),
                ("''''''", "''", false),
                ("e", "e", true),
                ("\"q\"", "q", false),
            ]
        );
    }

    #[test]
    fn yaml_unterminated_quote_recovers_next_line() {
        let text = "a: \"open # x\nb: 'also\nc: d\n";
        assert_eq!(
            raw(ConfigFormat::Yaml, text),
            vec![
                ("a", true),
                ("open # x", false),
                ("b", true),
                ("also", false),
                ("c", true),
                ("d", false)
            ]
        );
    }

    #[test]
    fn toml_tables_keys_and_strings() {
        let text = r#"# url = "https://evil.example.com"
title = "TOML # not a comment" # comment
[server.'quoted.part'."basic"]
host = 'db.example.com'
site.url = "https://a.example.com"
"key with space" = 1
[[products]]
name = "esc \t \"q\" \u00e9 \U0001F600 \x41"
tags = [ "a", 'b', 1, [ "c" ], ]
inline = { x = "y", z.w = 'v', n = { m = "o" } }
date = 1979-05-27 07:32:00Z
multi = """
line one \
    continued
ends with quote"""""
lit = '''
raw \n text'''
"#;
        let got = raw(ConfigFormat::Toml, text);
        assert_eq!(
            got,
            vec![
                ("title", true),
                ("TOML # not a comment", false),
                ("server", true),
                ("quoted.part", true),
                ("basic", true),
                ("host", true),
                ("db.example.com", false),
                ("site", true),
                ("url", true),
                ("https://a.example.com", false),
                ("key with space", true),
                ("products", true),
                ("name", true),
                ("esc \\t \\\"q\\\" \\u00e9 \\U0001F600 \\x41", false),
                ("tags", true),
                ("a", false),
                ("b", false),
                ("c", false),
                ("inline", true),
                ("x", true),
                ("y", false),
                ("z", true),
                ("w", true),
                ("v", false),
                ("n", true),
                ("m", true),
                ("o", false),
                ("date", true),
                ("multi", true),
                ("line one \\\n    continued\nends with quote\"\"", false),
                ("lit", true),
                ("raw \\n text", false),
            ]
        );
        let vals = values(ConfigFormat::Toml, text);
        assert_eq!(vals[13], "esc \t \"q\" é 😀 A");
        assert_eq!(vals[29], "line one continued\nends with quote\"\"");
        let s = &scan(ConfigFormat::Toml, text)[1];
        assert_eq!(&text[s.span.clone()], "\"TOML # not a comment\"");
        assert!(matches!(s.value, Cow::Borrowed(_)));
    }

    #[test]
    fn toml_malformed_input_recovers() {
        let text =
            "a = \"open\nb = 'x'\nbad line here\nc = [1, 2\nd = \"e\"\n[t\nf = \"\"\"never closed";
        assert_eq!(
            raw(ConfigFormat::Toml, text),
            vec![
                ("a", true),
                ("open", false),
                ("b", true),
                ("x", false),
                ("c", true),
                ("d", true),
                ("e", false),
                ("f", true),
                ("never closed", false),
            ]
        );
    }

    fn check_invariants(format: ConfigFormat, text: &str) {
        let mut prev_end = 0;
        for s in scan(format, text) {
            assert!(s.span.start >= prev_end, "{format:?} {text:?} {s:?}");
            prev_end = s.span.end;
            assert!(
                text.get(s.span.clone()).is_some(),
                "{format:?} {text:?} {s:?}"
            );
            assert!(
                text.get(s.value_span.clone()).is_some(),
                "{format:?} {text:?} {s:?}"
            );
            assert!(
                s.span.start <= s.value_span.start && s.value_span.end <= s.span.end,
                "{format:?} {text:?} {s:?}"
            );
            if let Cow::Borrowed(v) = s.value {
                assert_eq!(v, &text[s.value_span.clone()], "{format:?} {text:?}");
            }
        }
    }

    const FORMATS: [ConfigFormat; 4] = [
        ConfigFormat::Env,
        ConfigFormat::Json,
        ConfigFormat::Yaml,
        ConfigFormat::Toml,
    ];

    const TRICKY: &[&str] = &[
        "A=\"x\\\"y\nz\" # c\nexport B='q'\nC=`t`\n",
        "{\"a\\u00e9\\ud83d\\ude00\": ['b', /* c */ \"d\\x41\\\ne\"], f: 1} // x\n/* y",
        "--- |2-\n  a: \"b\\\n  c\" 'd''e'\n- [x, {y: z}, ? k : v] &a !<t,x> *a\n... # e\n? q\n: > \n  é\n",
        "[a.\"b\\u00e9\".'c']\n[[d]]\ne = \"\"\"\\\n f\"\"\"\"\"\ng = '''h''''\ni = [{j = \"k\"}, [\"l\"]]\n",
        "é: 'ü' # ☃\n\"☃\" = \"\\U0001F600\"",
    ];

    #[test]
    fn never_panics_on_prefixes() {
        for text in TRICKY {
            let bytes = text.as_bytes();
            for n in 0..=bytes.len() {
                let prefix = String::from_utf8_lossy(&bytes[..n]);
                for format in FORMATS {
                    check_invariants(format, &prefix);
                }
            }
        }
    }

    #[test]
    fn never_panics_on_random_bytes() {
        let alphabet = b"\"\"''``\\\\##::==,,[]{}//**-?|>&!%.\n\n\r\t  aeuxU0189\xc3\xa9\xff";
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let len = (rand() % 80) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    let r = rand();
                    if r % 5 == 0 {
                        (r >> 8) as u8
                    } else {
                        alphabet[(r >> 8) as usize % alphabet.len()]
                    }
                })
                .collect();
            let text = String::from_utf8_lossy(&bytes);
            for format in FORMATS {
                check_invariants(format, &text);
            }
        }
        // Random edits of the tricky inputs keep most of their structure.
        for base in TRICKY {
            for _ in 0..300 {
                let mut bytes = base.as_bytes().to_vec();
                for _ in 0..1 + rand() % 4 {
                    let at = (rand() as usize) % (bytes.len() + 1);
                    let r = rand();
                    match r % 3 {
                        0 => bytes.insert(at, alphabet[(r >> 8) as usize % alphabet.len()]),
                        1 if at < bytes.len() => {
                            bytes.remove(at);
                        }
                        _ => bytes.truncate(at),
                    }
                }
                let text = String::from_utf8_lossy(&bytes);
                for format in FORMATS {
                    check_invariants(format, &text);
                }
            }
        }
    }

    #[test]
    fn deep_toml_nesting_is_harmless() {
        let text = format!("a = {}\"x\"{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(
            raw(ConfigFormat::Toml, &text),
            vec![("a", true), ("x", false)]
        );
        let text = format!(
            "a = {}\"x\"{}\nc = 'd'",
            "{ b = ".repeat(100),
            " }".repeat(100)
        );
        let got = raw(ConfigFormat::Toml, &text);
        assert_eq!(got.len(), 104);
        assert!(got[1..101].iter().all(|s| *s == ("b", true)));
        assert_eq!(got[101..], [("x", false), ("c", true), ("d", false)]);
    }
}
