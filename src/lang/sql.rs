//! SQL migration reader: owns tokenizing Postgres/Supabase-flavoured SQL and
//! splitting it into statements, including the plpgsql bodies of functions and
//! `DO` blocks, so rules can find table and column names without a SQL grammar.

use std::borrow::Cow;
use std::ops::Range;

/// Re-parsing dollar-quoted bodies recurses; each level needs a distinct tag, so real
/// code stays shallow, and the cap keeps hostile input from exhausting the stack.
const MAX_BODY_DEPTH: usize = 8;

/// One lexical token. Comments and whitespace never produce tokens, so rules can look
/// at neighbouring tokens without tripping over a `-- users` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlToken {
    pub kind: SqlTokenKind,
    /// Byte span in the original text (also for tokens found inside function bodies),
    /// so a finding can be labelled at the exact spot.
    pub span: Range<usize>,
}

/// Coarse token classes: enough to tell names from literals without knowing the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlTokenKind {
    /// Unquoted identifier or keyword; without a grammar the two cannot be told apart.
    Word,
    /// `"name"` or `U&"name"`: case-sensitive identifier.
    QuotedIdent,
    /// `'..'`, `E'..'`, `B'..'`, `X'..'`, `N'..'`, `U&'..'` or a dollar-quoted string.
    String,
    /// Numeric literal; positional parameters such as `$1` are reported here too, since
    /// like numbers they can never name a table.
    Number,
    /// Single-character punctuation: `( ) , . [ ] :` and any stray character. (`;` only
    /// separates statements and never appears in one.)
    Punct(char),
    /// A run of operator characters, plus `::` and `:=`.
    Operator,
}

/// One statement: the tokens between top-level semicolons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlStatement {
    /// Never empty; the terminating `;` is not included.
    pub tokens: Vec<SqlToken>,
    /// From the first token's start to the last token's end, in the original text.
    pub span: Range<usize>,
}

impl SqlToken {
    /// The raw source text of the token; empty if the span does not fit `text`, so a
    /// token paired with the wrong text degrades instead of panicking.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.span.clone()).unwrap_or_default()
    }

    /// Identifier value as Postgres sees it: unquoted words lower-cased, "quoted" ones
    /// unescaped (`""` -> `"`) and kept as is. Rules compare names through this so that
    /// `Users`, `users` and `"users"` all match. None for non-identifier tokens.
    pub fn ident<'a>(&self, text: &'a str) -> Option<Cow<'a, str>> {
        let raw = text.get(self.span.clone())?;
        match self.kind {
            SqlTokenKind::Word => {
                if raw.bytes().any(|c| c.is_ascii_uppercase()) {
                    Some(Cow::Owned(raw.to_ascii_lowercase()))
                } else {
                    Some(Cow::Borrowed(raw))
                }
            }
            SqlTokenKind::QuotedIdent => {
                let start = self.span.start;
                Some(if raw.starts_with('"') {
                    decode_quoted(text, start, self.span.end, b'"', Escapes::None)
                } else {
                    // U&"..."
                    decode_quoted(text, start + 2, self.span.end, b'"', Escapes::Unicode)
                })
            }
            _ => None,
        }
    }

    /// Decoded value of a string literal (quotes removed, escapes resolved), so rules can
    /// inspect literals such as hostnames. None for non-string tokens.
    pub fn string_value<'a>(&self, text: &'a str) -> Option<Cow<'a, str>> {
        if self.kind != SqlTokenKind::String {
            return None;
        }
        let raw = text.get(self.span.clone())?;
        let start = self.span.start;
        let end = self.span.end;
        let bytes = raw.as_bytes();
        Some(match bytes.first()? {
            b'$' => {
                let body = dollar_body(raw)?;
                Cow::Borrowed(text.get(start + body.start..start + body.end)?)
            }
            b'\'' => decode_quoted(text, start, end, b'\'', Escapes::None),
            b'e' | b'E' => decode_quoted(text, start + 1, end, b'\'', Escapes::Backslash),
            b'u' | b'U' => decode_quoted(text, start + 2, end, b'\'', Escapes::Unicode),
            _ => decode_quoted(text, start + 1, end, b'\'', Escapes::None),
        })
    }

    /// ASCII case-insensitive match of a Word, the way SQL keywords compare.
    pub fn is_keyword(&self, text: &str, kw: &str) -> bool {
        self.kind == SqlTokenKind::Word && self.text(text).eq_ignore_ascii_case(kw)
    }
}

impl SqlStatement {
    /// The leading word (skipping opening parentheses), raw as written, for classifying
    /// the statement as CREATE/ALTER/INSERT/UPDATE/DELETE/SELECT/DROP/WITH/...; compare
    /// it with `eq_ignore_ascii_case`.
    pub fn first_keyword<'a>(&self, text: &'a str) -> Option<&'a str> {
        let tok = self
            .tokens
            .iter()
            .find(|t| t.kind != SqlTokenKind::Punct('('))?;
        (tok.kind == SqlTokenKind::Word).then(|| tok.text(text))
    }

    /// Index of the first Word equal to `kw` at or after token `from`, so rules can hop
    /// to `INTO`, `ON`, `TABLE`... and read the name after it with [`qualified_name_at`].
    pub fn find_keyword(&self, text: &str, kw: &str, from: usize) -> Option<usize> {
        let rest = self.tokens.get(from..)?;
        rest.iter()
            .position(|t| t.is_keyword(text, kw))
            .map(|p| p + from)
    }
}

/// Tokenizes `text` and splits it into statements. Statements found inside the
/// dollar-quoted body of `CREATE FUNCTION`/`CREATE PROCEDURE ... AS $$...$$` and
/// `DO $$...$$` (language sql or plpgsql) follow their enclosing statement, with spans
/// in the original text. Splitting happens at every `;` outside strings, comments and
/// quotes, regardless of parentheses, so one unbalanced `(` cannot swallow the file.
pub fn parse_statements(text: &str) -> Vec<SqlStatement> {
    let mut out = Vec::new();
    parse_range(text, 0..text.len(), Dialect::Sql, 0, &mut out);
    out
}

/// Reads a possibly schema-qualified name (`a`, `s.t`, `"S"."T".c`) starting at token
/// `i`. Returns the identifier parts (as [`SqlToken::ident`] gives them), the byte span
/// covering the whole name and the index of the token after it. A trailing `.*` or a
/// dangling dot is not part of the name.
pub fn qualified_name_at<'a>(
    stmt: &SqlStatement,
    i: usize,
    text: &'a str,
) -> Option<(Vec<Cow<'a, str>>, Range<usize>, usize)> {
    let toks = &stmt.tokens;
    let first = toks.get(i)?;
    let mut parts = vec![first.ident(text)?];
    let mut end = first.span.end;
    let mut next = i + 1;
    while let (Some(dot), Some(part)) = (toks.get(next), toks.get(next + 1)) {
        if dot.kind != SqlTokenKind::Punct('.') {
            break;
        }
        let Some(value) = part.ident(text) else {
            break;
        };
        parts.push(value);
        end = part.span.end;
        next += 2;
    }
    Some((parts, first.span.start..end, next))
}

/// A column that a statement declares with a type: a column definition of
/// `create table`, `alter table … add [column]`, or the new type of `alter
/// table … alter [column] … [set data] type`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlColumnDef {
    /// The table's name parts as [`SqlToken::ident`] gives them.
    pub table: Vec<String>,
    /// The column name as Postgres sees it (see [`SqlToken::ident`]).
    pub name: String,
    pub name_span: Range<usize>,
    /// The type's name, lower-cased, without schema, length or array
    /// suffix; multi-word names are joined by one space (`character
    /// varying`, `double precision`).
    pub type_name: String,
    /// From the type's first token to the end of its modifiers.
    pub type_span: Range<usize>,
}

/// Keywords that start a table constraint rather than a column definition.
const TABLE_CONSTRAINTS: &[&str] = &[
    "constraint",
    "primary",
    "unique",
    "foreign",
    "check",
    "exclude",
    "like",
];

/// Columns a statement declares with a type (see [`SqlColumnDef`]). Other
/// statements, and `create table … as select`, yield nothing.
pub fn column_definitions(stmt: &SqlStatement, text: &str) -> Vec<SqlColumnDef> {
    let tokens = &stmt.tokens;
    let kw = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is_keyword(text, k));
    let mut out = Vec::new();
    if kw(0, "create") {
        // create [or replace] [global|local] [temp|temporary|unlogged|foreign] table [if not exists] name (
        const MODIFIERS: &[&str] = &[
            "or",
            "replace",
            "global",
            "local",
            "temp",
            "temporary",
            "unlogged",
            "foreign",
        ];
        let mut i = 1;
        while MODIFIERS.iter().any(|m| kw(i, m)) {
            i += 1;
        }
        if !kw(i, "table") {
            return out;
        }
        i += 1;
        if kw(i, "if") && kw(i + 1, "not") && kw(i + 2, "exists") {
            i += 3;
        }
        let Some((table, _, open)) = qualified_name_at(stmt, i, text) else {
            return out;
        };
        if tokens.get(open).map(|t| t.kind) != Some(SqlTokenKind::Punct('(')) {
            return out;
        }
        let table: Vec<String> = table.into_iter().map(Cow::into_owned).collect();
        let mut depth = 0usize;
        let mut head = true;
        for (j, token) in tokens.iter().enumerate().skip(open) {
            match token.kind {
                SqlTokenKind::Punct('(' | '[') => {
                    depth += 1;
                    if depth == 1 {
                        continue;
                    }
                }
                SqlTokenKind::Punct(')' | ']') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                SqlTokenKind::Punct(',') if depth == 1 => {
                    head = true;
                    continue;
                }
                _ => {}
            }
            if head && depth == 1 {
                out.extend(column_def_at(stmt, &table, j, text));
            }
            head = false;
        }
    } else if kw(0, "alter") && kw(1, "table") {
        let mut i = 2;
        if kw(i, "if") && kw(i + 1, "exists") {
            i += 2;
        }
        if kw(i, "only") {
            i += 1;
        }
        let Some((table, _, after)) = qualified_name_at(stmt, i, text) else {
            return out;
        };
        let table: Vec<String> = table.into_iter().map(Cow::into_owned).collect();
        let mut depth = 0usize;
        let mut action_start = true;
        for j in after..tokens.len() {
            match tokens[j].kind {
                SqlTokenKind::Punct('(' | '[') => depth += 1,
                SqlTokenKind::Punct(')' | ']') => depth = depth.saturating_sub(1),
                SqlTokenKind::Punct(',') if depth == 0 => {
                    action_start = true;
                    continue;
                }
                _ => {}
            }
            if depth > 0 || !action_start {
                continue;
            }
            if kw(j, "add") {
                action_start = false;
                let mut k = j + 1;
                if kw(k, "column") {
                    k += 1;
                }
                if kw(k, "if") && kw(k + 1, "not") && kw(k + 2, "exists") {
                    k += 3;
                }
                out.extend(column_def_at(stmt, &table, k, text));
            } else if kw(j, "alter") {
                action_start = false;
                let mut k = j + 1;
                if kw(k, "column") {
                    k += 1;
                }
                let Some(name) = tokens.get(k).and_then(|t| t.ident(text)) else {
                    continue;
                };
                let mut ty = k + 1;
                if kw(ty, "set") && kw(ty + 1, "data") {
                    ty += 2;
                }
                if kw(ty, "type") {
                    if let Some((type_name, type_span)) = type_at(stmt, ty + 1, text) {
                        out.push(SqlColumnDef {
                            table: table.clone(),
                            name: name.into_owned(),
                            name_span: tokens[k].span.clone(),
                            type_name,
                            type_span,
                        });
                    }
                }
            } else if tokens[j].kind == SqlTokenKind::Word {
                action_start = false;
            }
        }
    }
    out
}

/// `name type …` at token `i`, unless `i` starts a table constraint.
fn column_def_at(
    stmt: &SqlStatement,
    table: &[String],
    i: usize,
    text: &str,
) -> Option<SqlColumnDef> {
    let token = stmt.tokens.get(i)?;
    if TABLE_CONSTRAINTS.iter().any(|k| token.is_keyword(text, k)) {
        return None;
    }
    let name = token.ident(text)?;
    let (type_name, type_span) = type_at(stmt, i + 1, text)?;
    Some(SqlColumnDef {
        table: table.to_vec(),
        name: name.into_owned(),
        name_span: token.span.clone(),
        type_name,
        type_span,
    })
}

/// Reads a type name at token `i`: `text`, `public.citext`, `"text"`,
/// `varchar(255)`, `character varying(40)[]`, `double precision`.
fn type_at(stmt: &SqlStatement, i: usize, text: &str) -> Option<(String, Range<usize>)> {
    const SECOND_WORDS: &[(&str, &str)] = &[
        ("character", "varying"),
        ("char", "varying"),
        ("bit", "varying"),
        ("double", "precision"),
        ("national", "character"),
        ("national", "char"),
    ];
    let tokens = &stmt.tokens;
    let (parts, span, mut next) = qualified_name_at(stmt, i, text)?;
    let mut name = parts.last()?.to_ascii_lowercase();
    let mut end = span.end;
    while let Some(t) = tokens.get(next) {
        let word = t.text(text).to_ascii_lowercase();
        if t.kind == SqlTokenKind::Word
            && SECOND_WORDS.contains(&(name.rsplit(' ').next()?, word.as_str()))
        {
            name.push(' ');
            name.push_str(&word);
            end = t.span.end;
            next += 1;
        } else {
            break;
        }
    }
    // (n[, m]) and [] suffixes
    while let Some(SqlTokenKind::Punct(open @ ('(' | '['))) = tokens.get(next).map(|t| t.kind) {
        let close = if open == '(' { ')' } else { ']' };
        let Some(offset) = tokens[next..]
            .iter()
            .position(|t| t.kind == SqlTokenKind::Punct(close))
        else {
            break;
        };
        end = tokens[next + offset].span.end;
        next += offset + 1;
    }
    Some((name, span.start..end))
}

/// How a range is split: plpgsql bodies additionally break after block keywords so
/// that `BEGIN INSERT INTO t ...` comes out as its own `INSERT` statement.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sql,
    Plpgsql,
}

fn parse_range(
    text: &str,
    range: Range<usize>,
    dialect: Dialect,
    depth: usize,
    out: &mut Vec<SqlStatement>,
) {
    let mut lexer = Lexer {
        b: text.as_bytes(),
        pos: range.start,
        end: range.end.min(text.len()),
    };
    let mut tokens: Vec<SqlToken> = Vec::new();
    let mut parens = 0usize;
    let mut cases = 0usize;
    while let Some(tok) = lexer.next_token() {
        match tok.kind {
            SqlTokenKind::Punct(';') => {
                flush(text, &mut tokens, depth, out);
                parens = 0;
                cases = 0;
                continue;
            }
            SqlTokenKind::Punct('(') => parens += 1,
            SqlTokenKind::Punct(')') => parens = parens.saturating_sub(1),
            _ => {}
        }
        let is_word = tok.kind == SqlTokenKind::Word;
        tokens.push(tok);
        if dialect == Dialect::Plpgsql && is_word && splits_block(text, &tokens, parens, &mut cases)
        {
            flush(text, &mut tokens, depth, out);
            parens = 0;
            cases = 0;
        }
    }
    flush(text, &mut tokens, depth, out);
}

/// Decides whether the word just pushed ends a plpgsql block header (`BEGIN`,
/// `DECLARE`, `EXCEPTION`, `... THEN`, `ELSE`, `... LOOP`). `THEN`/`ELSE` inside a CASE
/// expression, parentheses or a MERGE belong to the SQL statement and do not split.
fn splits_block(text: &str, tokens: &[SqlToken], parens: usize, cases: &mut usize) -> bool {
    let Some((last, before)) = tokens.split_last() else {
        return false;
    };
    let word = last.text(text);
    let is = |kw: &str| word.eq_ignore_ascii_case(kw);
    if is("case") {
        // A statement-initial CASE is the plpgsql CASE statement and `END CASE` closes
        // one; only CASE expressions nest.
        let stmt_case =
            before.is_empty() || before.last().is_some_and(|t| t.is_keyword(text, "end"));
        if !stmt_case {
            *cases += 1;
        }
        return false;
    }
    if is("end") {
        *cases = cases.saturating_sub(1);
        return false;
    }
    if is("begin") || is("declare") {
        return true;
    }
    if is("exception") {
        return !before.last().is_some_and(|t| t.is_keyword(text, "raise"));
    }
    if is("then") || is("else") || is("loop") {
        let merge = tokens.first().is_some_and(|t| t.is_keyword(text, "merge"));
        return parens == 0 && *cases == 0 && !merge;
    }
    false
}

fn flush(text: &str, tokens: &mut Vec<SqlToken>, depth: usize, out: &mut Vec<SqlStatement>) {
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return;
    };
    let span = first.span.start..last.span.end;
    let stmt = SqlStatement {
        tokens: std::mem::take(tokens),
        span,
    };
    let body = body_kind(&stmt, text);
    out.push(stmt);
    let Some((kind, dialect)) = body else {
        return;
    };
    if depth >= MAX_BODY_DEPTH {
        return;
    }
    let idx = out.len() - 1;
    let mut i = 0;
    while let Some(tok) = out[idx].tokens.get(i) {
        let is_body = tok.kind == SqlTokenKind::String
            && text.as_bytes().get(tok.span.start) == Some(&b'$')
            && match kind {
                BodyKind::Do => true,
                BodyKind::Function => i > 0 && out[idx].tokens[i - 1].is_keyword(text, "as"),
            };
        if is_body {
            let start = tok.span.start;
            if let Some(body) = dollar_body(tok.text(text)) {
                let range = start + body.start..start + body.end;
                parse_range(text, range, dialect, depth + 1, out);
            }
        }
        i += 1;
    }
}

#[derive(Clone, Copy)]
enum BodyKind {
    Function,
    Do,
}

/// Recognises statements whose dollar-quoted body is itself SQL. Bodies in other
/// languages (plpython, plv8, C...) are left alone: lexing them as SQL would invent
/// statements out of foreign code.
fn body_kind(stmt: &SqlStatement, text: &str) -> Option<(BodyKind, Dialect)> {
    let toks = &stmt.tokens;
    let first = toks.first()?;
    let kind = if first.is_keyword(text, "do") {
        BodyKind::Do
    } else if first.is_keyword(text, "create") {
        let mut i = 1;
        if toks.get(i).is_some_and(|t| t.is_keyword(text, "or"))
            && toks
                .get(i + 1)
                .is_some_and(|t| t.is_keyword(text, "replace"))
        {
            i += 2;
        }
        let obj = toks.get(i)?;
        if !(obj.is_keyword(text, "function") || obj.is_keyword(text, "procedure")) {
            return None;
        }
        BodyKind::Function
    } else {
        return None;
    };
    // Only a LANGUAGE clause outside parentheses counts: `RETURNS TABLE (language text)`
    // names a column.
    let mut parens = 0usize;
    let mut lang = None;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            SqlTokenKind::Punct('(') => parens += 1,
            SqlTokenKind::Punct(')') => parens = parens.saturating_sub(1),
            _ if parens == 0 && t.is_keyword(text, "language") => {
                lang = toks
                    .get(i + 1)
                    .and_then(|t| t.ident(text).or_else(|| t.string_value(text)));
                break;
            }
            _ => {}
        }
    }
    let dialect = match lang {
        None => Dialect::Plpgsql,
        Some(l) if l.eq_ignore_ascii_case("plpgsql") => Dialect::Plpgsql,
        Some(l) if l.eq_ignore_ascii_case("sql") => Dialect::Sql,
        Some(_) => return None,
    };
    Some((kind, dialect))
}

/// Content range (relative to `raw`) of a dollar-quoted string token `$tag$...$tag$`;
/// an unterminated one runs to the end of the token.
fn dollar_body(raw: &str) -> Option<Range<usize>> {
    let b = raw.as_bytes();
    if b.first() != Some(&b'$') {
        return None;
    }
    let tag_len = b[1..].iter().position(|&c| c == b'$')? + 2;
    let tag = &b[..tag_len];
    let end = if b.len() >= 2 * tag_len && b.ends_with(tag) {
        b.len() - tag_len
    } else {
        b.len()
    };
    Some(tag_len..end)
}

struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
    end: usize,
}

impl Lexer<'_> {
    /// Byte at `i`, or 0 past the end, so look-ahead never needs its own bounds check.
    fn at(&self, i: usize) -> u8 {
        if i < self.end {
            self.b[i]
        } else {
            0
        }
    }

    fn next_token(&mut self) -> Option<SqlToken> {
        use SqlTokenKind as K;
        while self.pos < self.end {
            let start = self.pos;
            let c = self.b[start];
            let (kind, end) = match c {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                    self.pos += 1;
                    continue;
                }
                b'-' if self.at(start + 1) == b'-' => {
                    self.pos = self.find_byte(start + 2, b'\n');
                    continue;
                }
                b'/' if self.at(start + 1) == b'*' => {
                    self.pos = self.block_comment_end(start + 2);
                    continue;
                }
                b'\'' => (K::String, self.quoted_end(start + 1, b'\'', false)),
                b'"' => (K::QuotedIdent, self.quoted_end(start + 1, b'"', false)),
                b'$' => self.dollar(start),
                b'0'..=b'9' => (K::Number, self.number_end(start)),
                // plpgsql's range operator in `FOR i IN 1..10`.
                b'.' if self.at(start + 1) == b'.' => (K::Operator, start + 2),
                b'.' if self.at(start + 1).is_ascii_digit() => (K::Number, self.number_end(start)),
                b':' => match self.at(start + 1) {
                    b':' | b'=' => (K::Operator, start + 2),
                    _ => (K::Punct(':'), start + 1),
                },
                c if is_op_char(c) => (K::Operator, self.operator_end(start)),
                c if is_ident_start(c) => self.word(start),
                c => (K::Punct(char::from(c)), start + 1),
            };
            let end = end.min(self.end);
            self.pos = end;
            return Some(SqlToken {
                kind,
                span: start..end,
            });
        }
        None
    }

    fn find_byte(&self, from: usize, byte: u8) -> usize {
        let from = from.min(self.end);
        self.b[from..self.end]
            .iter()
            .position(|&c| c == byte)
            .map_or(self.end, |p| from + p)
    }

    /// Postgres block comments nest, unlike C ones.
    fn block_comment_end(&self, mut i: usize) -> usize {
        let mut depth = 1usize;
        while i < self.end {
            match (self.b[i], self.at(i + 1)) {
                (b'/', b'*') => {
                    depth += 1;
                    i += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return i;
                    }
                }
                _ => i += 1,
            }
        }
        self.end
    }

    /// End of a quoted token whose content starts at `i`; a doubled quote is an escape.
    /// Unterminated tokens run to the end of input (best effort).
    fn quoted_end(&self, mut i: usize, quote: u8, backslash: bool) -> usize {
        while i < self.end {
            let c = self.b[i];
            if backslash && c == b'\\' {
                i += 2;
            } else if c == quote {
                if self.at(i + 1) == quote {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i += 1;
            }
        }
        self.end
    }

    fn dollar(&self, start: usize) -> (SqlTokenKind, usize) {
        let next = self.at(start + 1);
        let tag_end = if next == b'$' {
            start + 2
        } else if is_ident_start(next) {
            let mut j = start + 1;
            while j < self.end && is_tag_char(self.b[j]) {
                j += 1;
            }
            if self.at(j) != b'$' {
                return (SqlTokenKind::Punct('$'), start + 1);
            }
            j + 1
        } else if next.is_ascii_digit() {
            let mut j = start + 1;
            while self.at(j).is_ascii_digit() {
                j += 1;
            }
            return (SqlTokenKind::Number, j);
        } else {
            return (SqlTokenKind::Punct('$'), start + 1);
        };
        let tag = &self.b[start..tag_end];
        let end =
            find_sub(&self.b[tag_end..self.end], tag).map_or(self.end, |p| tag_end + p + tag.len());
        (SqlTokenKind::String, end)
    }

    fn number_end(&self, start: usize) -> usize {
        let digit = |c: u8| c.is_ascii_digit() || c == b'_';
        let mut i = start;
        if self.at(i) == b'0'
            && matches!(self.at(i + 1), b'x' | b'X' | b'o' | b'O' | b'b' | b'B')
            && self.at(i + 2).is_ascii_alphanumeric()
        {
            i += 2;
            while self.at(i).is_ascii_alphanumeric() || self.at(i) == b'_' {
                i += 1;
            }
            return i;
        }
        while digit(self.at(i)) {
            i += 1;
        }
        // `1..10` in a plpgsql FOR loop is a range, not a decimal point.
        if self.at(i) == b'.' && self.at(i + 1) != b'.' {
            i += 1;
            while digit(self.at(i)) {
                i += 1;
            }
        }
        if matches!(self.at(i), b'e' | b'E') {
            let mut j = i + 1;
            if matches!(self.at(j), b'+' | b'-') {
                j += 1;
            }
            if self.at(j).is_ascii_digit() {
                i = j;
                while self.at(i).is_ascii_digit() {
                    i += 1;
                }
            }
        }
        i
    }

    fn operator_end(&self, start: usize) -> usize {
        let mut i = start + 1;
        while i < self.end && is_op_char(self.b[i]) {
            let (c, n) = (self.b[i], self.at(i + 1));
            if (c == b'-' && n == b'-') || (c == b'/' && n == b'*') {
                break;
            }
            i += 1;
        }
        // Postgres: a multi-character operator may only end in + or - if it contains one
        // of ~!@#%^&|`?, which is what makes `x=-1` read as `=` and `-1`.
        if i - start > 1 && !self.b[start..i].iter().any(|c| b"~!@#%^&|`?".contains(c)) {
            while i - start > 1 && matches!(self.b[i - 1], b'+' | b'-') {
                i -= 1;
            }
        }
        i
    }

    fn word(&self, start: usize) -> (SqlTokenKind, usize) {
        let c = self.b[start];
        let next = self.at(start + 1);
        if next == b'\'' {
            match c {
                b'e' | b'E' => {
                    return (
                        SqlTokenKind::String,
                        self.quoted_end(start + 2, b'\'', true),
                    )
                }
                b'b' | b'B' | b'x' | b'X' | b'n' | b'N' => {
                    return (
                        SqlTokenKind::String,
                        self.quoted_end(start + 2, b'\'', false),
                    )
                }
                _ => {}
            }
        }
        if matches!(c, b'u' | b'U') && next == b'&' {
            match self.at(start + 2) {
                b'\'' => {
                    return (
                        SqlTokenKind::String,
                        self.quoted_end(start + 3, b'\'', false),
                    )
                }
                b'"' => {
                    return (
                        SqlTokenKind::QuotedIdent,
                        self.quoted_end(start + 3, b'"', false),
                    )
                }
                _ => {}
            }
        }
        let mut i = start + 1;
        while i < self.end && is_ident_char(self.b[i]) {
            i += 1;
        }
        (SqlTokenKind::Word, i)
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_char(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || c == b'$'
}

fn is_tag_char(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit()
}

fn is_op_char(c: u8) -> bool {
    b"+-*/<>=~!@#%^&|`?".contains(&c)
}

fn find_sub(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        let p = hay[i..].iter().position(|&c| c == first)?;
        i += p;
        if hay[i..].starts_with(needle) {
            return Some(i);
        }
        i += 1;
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Escapes {
    None,
    /// `E'...'`: C-like backslash escapes.
    Backslash,
    /// `U&'...'`/`U&"..."`: `\XXXX`, `\+XXXXXX` and `\\` (the UESCAPE clause is ignored).
    Unicode,
}

/// Decodes the content of a quoted token whose opening quote is at `open` and which ends
/// at `end`. Stays borrowed unless an escape changes the text. Works on bytes so octal
/// and hex escapes can form UTF-8 sequences; invalid results become U+FFFD.
fn decode_quoted(text: &str, open: usize, end: usize, quote: u8, esc: Escapes) -> Cow<'_, str> {
    let b = text.as_bytes();
    let end = end.min(b.len());
    let start = (open + 1).min(end);
    let mut buf: Option<Vec<u8>> = None;
    let mut run = start;
    let mut i = start;
    let mut close = end;
    while i < end {
        let c = b[i];
        let (decoded, resume): (Decoded, usize) = if c == quote {
            if i + 1 < end && b[i + 1] == quote {
                (Decoded::Byte(quote), i + 2)
            } else {
                close = i;
                break;
            }
        } else if c == b'\\' && esc != Escapes::None {
            match esc {
                Escapes::Backslash => backslash_escape(text, i, end),
                _ => unicode_escape(b, i, end),
            }
        } else {
            i += 1;
            continue;
        };
        let out = buf.get_or_insert_with(Vec::new);
        out.extend_from_slice(&b[run..i]);
        match decoded {
            Decoded::Byte(x) => out.push(x),
            Decoded::Char(ch) => out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes()),
            Decoded::Nothing => {}
        }
        i = resume.min(end);
        run = i;
    }
    match buf {
        None => Cow::Borrowed(text.get(start..close).unwrap_or_default()),
        Some(mut out) => {
            if run < close {
                out.extend_from_slice(&b[run..close]);
            }
            match String::from_utf8(out) {
                Ok(s) => Cow::Owned(s),
                Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
            }
        }
    }
}

enum Decoded {
    Byte(u8),
    Char(char),
    Nothing,
}

fn hex_at(b: &[u8], i: usize, n: usize, end: usize) -> Option<u32> {
    if i + n > end {
        return None;
    }
    b[i..i + n].iter().try_fold(0u32, |acc, &c| {
        char::from(c).to_digit(16).map(|d| acc * 16 + d)
    })
}

/// `\uD83D\uDE00`-style pairs are accepted because Postgres accepts them.
fn code_point(b: &[u8], i: usize, end: usize, n: usize) -> Option<(char, usize)> {
    let cp = hex_at(b, i + 2, n, end)?;
    let after = i + 2 + n;
    if n == 4 && (0xD800..0xDC00).contains(&cp) {
        if b.get(after) == Some(&b'\\') && b.get(after + 1) == Some(&b'u') {
            if let Some(lo) = hex_at(b, after + 2, 4, end) {
                if (0xDC00..0xE000).contains(&lo) {
                    let c = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    return Some((char::from_u32(c)?, after + 6));
                }
            }
        }
        return Some((char::REPLACEMENT_CHARACTER, after));
    }
    Some((
        char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER),
        after,
    ))
}

fn backslash_escape(text: &str, i: usize, end: usize) -> (Decoded, usize) {
    let b = text.as_bytes();
    let Some(&n) = b.get(i + 1).filter(|_| i + 1 < end) else {
        return (Decoded::Nothing, end);
    };
    match n {
        b'b' => (Decoded::Byte(0x08), i + 2),
        b'f' => (Decoded::Byte(0x0c), i + 2),
        b'n' => (Decoded::Byte(b'\n'), i + 2),
        b'r' => (Decoded::Byte(b'\r'), i + 2),
        b't' => (Decoded::Byte(b'\t'), i + 2),
        b'0'..=b'7' => {
            let mut v = 0u32;
            let mut j = i + 1;
            while j < end && j < i + 4 && (b'0'..=b'7').contains(&b[j]) {
                v = v * 8 + u32::from(b[j] - b'0');
                j += 1;
            }
            (Decoded::Byte((v & 0xff) as u8), j)
        }
        b'x' => {
            let mut v = 0u32;
            let mut j = i + 2;
            while j < end && j < i + 4 && b[j].is_ascii_hexdigit() {
                v = v * 16 + char::from(b[j]).to_digit(16).unwrap_or(0);
                j += 1;
            }
            if j == i + 2 {
                (Decoded::Byte(b'x'), j)
            } else {
                (Decoded::Byte(v as u8), j)
            }
        }
        b'u' | b'U' => {
            let digits = if n == b'u' { 4 } else { 8 };
            match code_point(b, i, end, digits) {
                Some((c, resume)) => (Decoded::Char(c), resume),
                None => (Decoded::Byte(n), i + 2),
            }
        }
        _ => match text.get(i + 1..).and_then(|s| s.chars().next()) {
            Some(c) => (Decoded::Char(c), i + 1 + c.len_utf8()),
            None => (Decoded::Nothing, end),
        },
    }
}

fn unicode_escape(b: &[u8], i: usize, end: usize) -> (Decoded, usize) {
    let next = if i + 1 < end { b[i + 1] } else { 0 };
    let decoded = match next {
        b'\\' => return (Decoded::Byte(b'\\'), i + 2),
        b'+' => hex_at(b, i + 2, 6, end).map(|cp| (cp, i + 8)),
        _ => hex_at(b, i + 1, 4, end).map(|cp| (cp, i + 5)),
    };
    match decoded {
        Some((cp, resume)) => (
            Decoded::Char(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER)),
            resume,
        ),
        // Not an escape: keep the backslash literally.
        None => (Decoded::Byte(b'\\'), i + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(stmt: &SqlStatement, text: &str) -> Vec<String> {
        stmt.tokens
            .iter()
            .map(|t| t.text(text).to_string())
            .collect()
    }

    fn kinds(text: &str) -> Vec<(SqlTokenKind, &str)> {
        parse_statements(text)
            .iter()
            .flat_map(|s| {
                s.tokens
                    .iter()
                    .map(|t| (t.kind, t.text(text)))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn splits_on_top_level_semicolons() {
        let text =
            "select 1; insert into t values ('a;b', \"x;y\"); -- c;d\n/* e;f */ delete from t";
        let stmts = parse_statements(text);
        assert_eq!(stmts.len(), 3);
        assert_eq!(&text[stmts[0].span.clone()], "select 1");
        assert_eq!(
            &text[stmts[1].span.clone()],
            "insert into t values ('a;b', \"x;y\")"
        );
        assert_eq!(&text[stmts[2].span.clone()], "delete from t");
        assert_eq!(stmts[2].first_keyword(text), Some("delete"));
        assert!(parse_statements(" ;; -- only\n ; ").is_empty());
    }

    #[test]
    fn schema_qualified_and_quoted_names() {
        let text = r#"ALTER TABLE Public."My""Table" ADD COLUMN "Email" text;"#;
        let stmts = parse_statements(text);
        let s = &stmts[0];
        assert!(s.tokens[1].is_keyword(text, "table"));
        let (parts, span, next) = qualified_name_at(s, 2, text).unwrap();
        assert_eq!(parts, vec!["public", "My\"Table"]);
        assert_eq!(&text[span], r#"Public."My""Table""#);
        assert!(s.tokens[next].is_keyword(text, "ADD"));
        let (parts, _, _) = qualified_name_at(s, next + 2, text).unwrap();
        assert_eq!(parts, vec!["Email"]);
        assert!(matches!(parts[0], Cow::Borrowed(_)));

        // A trailing `.*` or a literal is not part of the name.
        let text = "select t.* from s.t";
        let s = &parse_statements(text)[0];
        let (parts, _, next) = qualified_name_at(s, 1, text).unwrap();
        assert_eq!((parts, next), (vec![Cow::Borrowed("t")], 2));
        assert!(qualified_name_at(&parse_statements("select 'x'")[0], 1, "select 'x'").is_none());
        assert!(qualified_name_at(s, 99, text).is_none());
    }

    #[test]
    fn comments_and_strings_hide_names() {
        let text = "-- insert into secrets\nselect /* from /* nested */ secrets */ 'secrets', \"Secrets\" from logs";
        let toks = kinds(text);
        assert_eq!(
            toks,
            vec![
                (SqlTokenKind::Word, "select"),
                (SqlTokenKind::String, "'secrets'"),
                (SqlTokenKind::Punct(','), ","),
                (SqlTokenKind::QuotedIdent, "\"Secrets\""),
                (SqlTokenKind::Word, "from"),
                (SqlTokenKind::Word, "logs"),
            ]
        );
        let s = &parse_statements(text)[0];
        assert_eq!(&text[s.span.clone()], &text[23..]);
        assert_eq!(s.tokens[1].ident(text), None);
        assert_eq!(s.tokens[1].string_value(text).unwrap(), "secrets");
    }

    #[test]
    fn string_escapes() {
        let text = r#"select 'it''s', E'a\'b\n\x41\101\u00e9\uD83D\uDE00', e'\\', U&'d\0061t\+000061', U&"\0074""x", B'101', $$a'b$$"#;
        let s = &parse_statements(text)[0];
        let vals: Vec<_> = s
            .tokens
            .iter()
            .filter_map(|t| t.string_value(text).or_else(|| t.ident(text)))
            .collect();
        assert_eq!(
            vals,
            vec![
                "select",
                "it's",
                "a'b\nAAé😀",
                "\\",
                "data",
                "t\"x",
                "101",
                "a'b"
            ]
        );
        assert!(matches!(vals[6], Cow::Borrowed(_)));
        assert!(matches!(vals[7], Cow::Borrowed(_)));
    }

    #[test]
    fn operators_numbers_and_params() {
        let toks = kinds("x::int := a<>-1.5e3 FOR i IN 1..10 $1 .5 0x1F");
        let got: Vec<_> = toks.iter().map(|(_, s)| *s).collect();
        assert_eq!(
            got,
            vec![
                "x", "::", "int", ":=", "a", "<>", "-", "1.5e3", "FOR", "i", "IN", "1", "..", "10",
                "$1", ".5", "0x1F"
            ]
        );
        assert_eq!(toks[14].0, SqlTokenKind::Number);
        assert_eq!(toks[12].0, SqlTokenKind::Operator);
    }

    #[test]
    fn create_policy() {
        let text = r#"create policy "Users read own rows" on "public"."profiles"
  for select to authenticated using ( (select auth.uid()) = user_id );"#;
        let stmts = parse_statements(text);
        assert_eq!(stmts.len(), 1);
        let s = &stmts[0];
        assert_eq!(s.first_keyword(text), Some("create"));
        assert!(s.tokens[1].is_keyword(text, "POLICY"));
        assert_eq!(s.tokens[2].ident(text).unwrap(), "Users read own rows");
        let on = s.find_keyword(text, "on", 0).unwrap();
        let (parts, span, next) = qualified_name_at(s, on + 1, text).unwrap();
        assert_eq!(parts, vec!["public", "profiles"]);
        assert_eq!(&text[span], r#""public"."profiles""#);
        assert!(s.tokens[next].is_keyword(text, "for"));
        let auth = s.find_keyword(text, "auth", 0).unwrap();
        let (parts, _, _) = qualified_name_at(s, auth, text).unwrap();
        assert_eq!(parts, vec!["auth", "uid"]);
    }

    #[test]
    fn function_body_statements_are_appended() {
        let text = "create or replace function public.handle_new_user()
returns trigger language plpgsql security definer set search_path = '' as $$
declare
  n int := 0;
begin
  insert into public.profiles (id, email) values (new.id, new.email);
  if new.email like '%;%' then
    update audit.log set n = n + 1 where id = new.id;
  end if;
  return new;
end;
$$;
create trigger on_auth_user_created after insert on auth.users";
        let stmts = parse_statements(text);
        let firsts: Vec<_> = stmts
            .iter()
            .map(|s| s.first_keyword(text).unwrap())
            .collect();
        assert_eq!(
            firsts,
            vec![
                "create", "declare", "n", "begin", "insert", "if", "update", "end", "return",
                "end", "create"
            ]
        );
        let ins = &stmts[4];
        assert_eq!(
            &text[ins.span.clone()],
            "insert into public.profiles (id, email) values (new.id, new.email)"
        );
        let (parts, span, _) = qualified_name_at(ins, 2, text).unwrap();
        assert_eq!(parts, vec!["public", "profiles"]);
        assert_eq!(&text[span], "public.profiles");
        let upd = &stmts[6];
        assert_eq!(words(upd, text)[..4], ["update", "audit", ".", "log"]);
        assert!(text[stmts[0].span.clone()].ends_with("$$"));
        assert!(stmts[10].tokens[1].is_keyword(text, "trigger"));
    }

    #[test]
    fn tagged_bodies_do_blocks_and_foreign_languages() {
        let text = "DO $body$ BEGIN UPDATE t SET x = $$inner; text$$; END $body$;
CREATE FUNCTION f() RETURNS int AS $fn$ SELECT count(*) FROM secrets $fn$ LANGUAGE sql;
CREATE FUNCTION py() RETURNS int LANGUAGE plpython3u AS $$ cur.execute('insert into t'); x $$;
CREATE FUNCTION g() RETURNS TABLE (language text) AS $a$ select 1 $a$ LANGUAGE 'plpgsql'";
        let stmts = parse_statements(text);
        let spans: Vec<_> = stmts.iter().map(|s| &text[s.span.clone()]).collect();
        assert_eq!(
            spans,
            vec![
                "DO $body$ BEGIN UPDATE t SET x = $$inner; text$$; END $body$",
                "BEGIN",
                "UPDATE t SET x = $$inner; text$$",
                "END",
                "CREATE FUNCTION f() RETURNS int AS $fn$ SELECT count(*) FROM secrets $fn$ LANGUAGE sql",
                "SELECT count(*) FROM secrets",
                "CREATE FUNCTION py() RETURNS int LANGUAGE plpython3u AS $$ cur.execute('insert into t'); x $$",
                "CREATE FUNCTION g() RETURNS TABLE (language text) AS $a$ select 1 $a$ LANGUAGE 'plpgsql'",
                "select 1",
            ]
        );
    }

    #[test]
    fn plpgsql_case_and_raise_do_not_split_sql() {
        let text = "do $$ begin
  select case when a then 1 else 2 end into x from t;
  raise exception 'bad %', x;
  for r in select * from t loop delete from u where id = r.id; end loop;
exception when others then insert into errors values (1);
end $$";
        let stmts = parse_statements(text);
        let spans: Vec<_> = stmts
            .iter()
            .skip(1)
            .map(|s| &text[s.span.clone()])
            .collect();
        assert_eq!(
            spans,
            vec![
                "begin",
                "select case when a then 1 else 2 end into x from t",
                "raise exception 'bad %', x",
                "for r in select * from t loop",
                "delete from u where id = r.id",
                "end loop",
                "exception",
                "when others then",
                "insert into errors values (1)",
                "end",
            ]
        );
    }

    #[test]
    fn unterminated_input_is_best_effort() {
        let text = "insert into t values ('abc; drop table x";
        let stmts = parse_statements(text);
        assert_eq!(stmts.len(), 1);
        let last = stmts[0].tokens.last().unwrap();
        assert_eq!(last.kind, SqlTokenKind::String);
        assert_eq!(last.span.end, text.len());
        assert_eq!(last.string_value(text).unwrap(), "abc; drop table x");
        for text in [
            "select \"abc",
            "select $$abc",
            "select $a$ x $a",
            "do $$ insert into t",
            "select E'\\",
        ] {
            let stmts = parse_statements(text);
            assert_eq!(stmts.last().unwrap().span.end, text.len(), "{text}");
        }
        assert_eq!(parse_statements("select /* x; y").len(), 1);
        let text = "do $$ insert into t values (1)";
        let stmts = parse_statements(text);
        assert_eq!(stmts.len(), 2);
        assert_eq!(&text[stmts[1].span.clone()], "insert into t values (1)");
    }

    fn check_invariants(text: &str) {
        for s in parse_statements(text) {
            assert!(!s.tokens.is_empty());
            assert!(text.get(s.span.clone()).is_some());
            let mut prev_end = 0;
            for t in &s.tokens {
                assert!(t.span.start < t.span.end, "{text:?} {t:?}");
                assert!(t.span.start >= prev_end, "{text:?} {t:?}");
                prev_end = t.span.end;
                assert!(s.span.start <= t.span.start && t.span.end <= s.span.end);
                assert!(text.get(t.span.clone()).is_some(), "{text:?} {t:?}");
                let _ = (t.ident(text), t.string_value(text));
            }
            for i in 0..s.tokens.len() {
                let _ = qualified_name_at(&s, i, text);
            }
            let _ = s.first_keyword(text);
            for def in column_definitions(&s, text) {
                assert!(text.get(def.name_span.clone()).is_some());
                assert!(text.get(def.type_span.clone()).is_some());
            }
        }
    }

    const TRICKY: &[&str] = &[
        "create function f() as $x$ begin insert into \"a\"\"b\".c values (E'\\'', U&'\\+01F600'); if a then update t set b = 'é''x' where c::int > $1; end if; end $x$ language plpgsql; do $$ begin execute $q$ select 1 $q$; end $$;",
        "/* a /* b */ c */ -- d\nselect 1.5e+3, .5, 0x1g, a$b, $1$, $, x --",
        "U&\"\\0041\" u&'\\' E'\\x' e'\\u12' $ä$ ü $ä$ \"ä\"\"",
        "do $$ do $b$ do $c$ select 1 $c$ $b$ $$",
        "create table if not exists s.\"t\" (a character varying(2)[], b public.citext, constraint c check (a <> '')); alter table only t add column if not exists x text, alter column y set data type bytea using (1);",
    ];

    #[test]
    fn never_panics_on_prefixes() {
        for text in TRICKY {
            let bytes = text.as_bytes();
            for n in 0..=bytes.len() {
                check_invariants(&String::from_utf8_lossy(&bytes[..n]));
            }
        }
    }

    #[test]
    fn never_panics_on_random_bytes() {
        let alphabet = b"$$''\"\"--//**;;()..::\\\\eEuU&+abtx019 \n\t\xc3\xa9\xff";
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let len = (rand() % 64) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    let r = rand();
                    if r % 4 == 0 {
                        (r >> 8) as u8
                    } else {
                        alphabet[(r >> 8) as usize % alphabet.len()]
                    }
                })
                .collect();
            check_invariants(&String::from_utf8_lossy(&bytes));
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
                check_invariants(&text);
            }
        }
    }

    #[test]
    fn column_definitions_with_types() {
        let text = r#"create table if not exists public."OAuth_Tokens" (
  id uuid primary key,
  "accessToken" character varying(255)[] not null,
  refresh_token text default '',
  amount numeric(10, 2),
  constraint k check (refresh_token <> ''),
  primary key (id)
);
alter table only oauth_tokens add column if not exists api_key public.citext, add secret "text",
  alter column refresh_token set data type bytea using null, alter id type text, drop column x,
  add constraint c unique (api_key);
create table t as select 1;
create unlogged table u (x double precision)"#;
        let defs: Vec<(String, String, String, &str)> = parse_statements(text)
            .iter()
            .flat_map(|s| column_definitions(s, text))
            .map(|d| {
                (
                    d.table.join("."),
                    d.name,
                    d.type_name,
                    &text[d.type_span.clone()],
                )
            })
            .collect();
        let expected = [
            ("public.OAuth_Tokens", "id", "uuid", "uuid"),
            (
                "public.OAuth_Tokens",
                "accessToken",
                "character varying",
                "character varying(255)[]",
            ),
            ("public.OAuth_Tokens", "refresh_token", "text", "text"),
            ("public.OAuth_Tokens", "amount", "numeric", "numeric(10, 2)"),
            ("oauth_tokens", "api_key", "citext", "public.citext"),
            ("oauth_tokens", "secret", "text", "\"text\""),
            ("oauth_tokens", "refresh_token", "bytea", "bytea"),
            ("oauth_tokens", "id", "text", "text"),
            ("u", "x", "double precision", "double precision"),
        ];
        let got: Vec<_> = defs
            .iter()
            .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), *d))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn deep_nesting_is_capped() {
        let mut text = String::from("select 1");
        for i in 0..200 {
            text = format!("do $t{i}$ {text} $t{i}$");
        }
        let stmts = parse_statements(&text);
        assert_eq!(stmts.len(), MAX_BODY_DEPTH + 1);
    }
}
