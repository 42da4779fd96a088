//! Prisma schema reader: owns finding the blocks of a `schema.prisma`
//! (models, views, composite types) and their fields with exact byte spans,
//! so rules can label a field without a Prisma grammar. Comments (`//` and
//! `///`) never produce tokens.

use std::ops::Range;

/// A `model`, `view` or `type` block and its fields. Other blocks
/// (`enum`, `datasource`, `generator`) are skipped: they hold no columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrismaBlock {
    /// `model`, `view` or `type`.
    pub keyword: String,
    pub name: String,
    pub name_span: Range<usize>,
    /// The table name given by `@@map("…")`, if any.
    pub mapped: Option<String>,
    /// The database schema given by `@@schema("…")` (multi-schema
    /// projects), if any.
    pub schema: Option<String>,
    pub fields: Vec<PrismaField>,
}

/// One field line: `name Type? @attr(…) @db.Text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrismaField {
    pub name: String,
    pub name_span: Range<usize>,
    /// The type as written without `?` or `[]`: `String`, `Bytes`, `User`.
    pub ty: String,
    pub ty_span: Range<usize>,
    pub optional: bool,
    pub list: bool,
    pub attributes: Vec<PrismaAttribute>,
}

/// A field or block attribute such as `@map("x")` or `@db.VarChar(255)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrismaAttribute {
    /// Without the `@`/`@@`: `map`, `db.Text`, `default`.
    pub name: String,
    /// From the `@` to the closing parenthesis (or the name's end).
    pub span: Range<usize>,
    /// Value of the first string argument given positionally or as `name:`
    /// (what `@map` and `@@map` take).
    pub name_arg: Option<String>,
}

impl PrismaField {
    /// The column name in the database: `@map("…")`, else the field name.
    pub fn column_name(&self) -> &str {
        self.attributes
            .iter()
            .find(|a| a.name == "map")
            .and_then(|a| a.name_arg.as_deref())
            .unwrap_or(&self.name)
    }

    /// The native database type of `@db.Text` / `@db.VarChar(255)`: `Text`.
    pub fn native_type(&self) -> Option<&PrismaAttribute> {
        self.attributes.iter().find(|a| a.name.starts_with("db."))
    }
}

impl PrismaBlock {
    /// The table name in the database: `@@map("…")`, else the block name.
    pub fn table_name(&self) -> &str {
        self.mapped.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    Str,
    Punct(char),
    Newline,
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    span: Range<usize>,
}

fn tokenize(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            out.push(Token {
                kind: Kind::Newline,
                span: i..i + 1,
            });
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'"' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            if b.get(i - 1) == Some(&b'\n') {
                i -= 1;
            }
            out.push(Token {
                kind: Kind::Str,
                span: start..i,
            });
        } else if c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80 {
            let start = i;
            while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric() || b[i] >= 0x80) {
                i += 1;
            }
            // Keep spans on char boundaries whatever the bytes are.
            while !text.is_char_boundary(i) {
                i += 1;
            }
            out.push(Token {
                kind: Kind::Ident,
                span: start..i,
            });
        } else {
            let ch = crate::source::slice(text, i..)
                .chars()
                .next()
                .unwrap_or('?');
            out.push(Token {
                kind: Kind::Punct(ch),
                span: i..i + ch.len_utf8(),
            });
            i += ch.len_utf8();
        }
    }
    out
}

/// The model-like blocks of a schema, in file order. Malformed input is read
/// best-effort: a field line that does not parse is skipped.
pub fn parse(text: &str) -> Vec<PrismaBlock> {
    let tokens = tokenize(text);
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let is_block = tokens[i].kind == Kind::Ident
            && tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Ident)
            && tokens
                .get(i + 2)
                .is_some_and(|t| t.kind == Kind::Punct('{'));
        if !is_block {
            i += 1;
            continue;
        }
        let keyword = crate::source::slice(text, tokens[i].span.clone());
        let close = matching_brace(&tokens, i + 2);
        if matches!(keyword, "model" | "view" | "type") {
            let name = &tokens[i + 1];
            let mut block = PrismaBlock {
                keyword: keyword.to_string(),
                name: crate::source::slice(text, name.span.clone()).to_string(),
                name_span: name.span.clone(),
                mapped: None,
                schema: None,
                fields: Vec::new(),
            };
            for line in lines(&tokens[i + 3..close]) {
                read_line(line, text, &mut block);
            }
            blocks.push(block);
        }
        i = close + 1;
    }
    blocks
}

/// Index of the `}` closing the `{` at `open` (or the end of the tokens).
fn matching_brace(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (j, t) in tokens.iter().enumerate().skip(open) {
        match t.kind {
            Kind::Punct('{') => depth += 1,
            Kind::Punct('}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// Splits a block body into lines; a newline inside `(…)` or `[…]` (a
/// multi-line attribute argument list) does not end a line.
fn lines(tokens: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (j, t) in tokens.iter().enumerate() {
        match t.kind {
            Kind::Punct('(' | '[') => depth += 1,
            Kind::Punct(')' | ']') => depth = depth.saturating_sub(1),
            Kind::Newline if depth == 0 => {
                if j > start {
                    out.push(&tokens[start..j]);
                }
                start = j + 1;
            }
            _ => {}
        }
    }
    if tokens.len() > start {
        out.push(&tokens[start..]);
    }
    out
}

fn read_line(line: &[Token], text: &str, block: &mut PrismaBlock) {
    let line: Vec<&Token> = line.iter().filter(|t| t.kind != Kind::Newline).collect();
    let is = |j: usize, k: Kind| line.get(j).is_some_and(|t| t.kind == k);
    if is(0, Kind::Punct('@')) && is(1, Kind::Punct('@')) {
        let (attribute, _) = read_attribute(&line, 0, 2, text);
        match attribute {
            Some(a) if a.name == "map" => block.mapped = a.name_arg,
            Some(a) if a.name == "schema" => block.schema = a.name_arg,
            _ => {}
        }
        return;
    }
    if !(is(0, Kind::Ident) && is(1, Kind::Ident)) {
        return;
    }
    let mut field = PrismaField {
        name: crate::source::slice(text, line[0].span.clone()).to_string(),
        name_span: line[0].span.clone(),
        ty: crate::source::slice(text, line[1].span.clone()).to_string(),
        ty_span: line[1].span.clone(),
        optional: false,
        list: false,
        attributes: Vec::new(),
    };
    let mut j = 2;
    if is(j, Kind::Punct('(')) {
        // Unsupported("…")
        j = skip_group(&line, j);
    }
    loop {
        if is(j, Kind::Punct('?')) {
            field.optional = true;
            j += 1;
        } else if is(j, Kind::Punct('[')) && is(j + 1, Kind::Punct(']')) {
            field.list = true;
            j += 2;
        } else {
            break;
        }
    }
    while is(j, Kind::Punct('@')) {
        let (attribute, next) = read_attribute(&line, j, j + 1, text);
        field.attributes.extend(attribute);
        if next <= j {
            break;
        }
        j = next;
    }
    block.fields.push(field);
}

/// Reads `@name.part(args)` whose name starts at `name_at`; `at` is the
/// first `@`. Returns the attribute and the index after it.
fn read_attribute(
    line: &[&Token],
    at: usize,
    name_at: usize,
    text: &str,
) -> (Option<PrismaAttribute>, usize) {
    let mut j = name_at;
    let mut name = String::new();
    while let Some(t) = line.get(j).filter(|t| t.kind == Kind::Ident) {
        name.push_str(crate::source::slice(text, t.span.clone()));
        j += 1;
        if line.get(j).is_some_and(|t| t.kind == Kind::Punct('.'))
            && line.get(j + 1).is_some_and(|t| t.kind == Kind::Ident)
        {
            name.push('.');
            j += 1;
        } else {
            break;
        }
    }
    if name.is_empty() {
        return (None, name_at);
    }
    let mut end = line[j - 1].span.end;
    let mut name_arg = None;
    if line.get(j).is_some_and(|t| t.kind == Kind::Punct('(')) {
        let close = skip_group(line, j);
        end = line
            .get(close - 1)
            .map_or(end, |t| t.span.end)
            .max(line[j].span.end);
        name_arg = first_name_argument(&line[j + 1..close.saturating_sub(1).max(j + 1)], text);
        j = close;
    }
    let attribute = PrismaAttribute {
        name,
        span: line[at].span.start..end,
        name_arg,
    };
    (Some(attribute), j)
}

/// The index after the group opened at `open` (balanced `()`/`[]`).
fn skip_group(line: &[&Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (j, t) in line.iter().enumerate().skip(open) {
        match t.kind {
            Kind::Punct('(' | '[') => depth += 1,
            Kind::Punct(')' | ']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
    }
    line.len()
}

/// The first string argument of an argument list that is positional or
/// named `name:`.
fn first_name_argument(args: &[&Token], text: &str) -> Option<String> {
    let mut depth = 0usize;
    let mut positional = true;
    for (j, t) in args.iter().enumerate() {
        match t.kind {
            Kind::Punct('(' | '[') => depth += 1,
            Kind::Punct(')' | ']') => depth = depth.saturating_sub(1),
            Kind::Punct(',') if depth == 0 => positional = true,
            Kind::Ident
                if depth == 0 && args.get(j + 1).is_some_and(|n| n.kind == Kind::Punct(':')) =>
            {
                positional = crate::source::slice(text, t.span.clone()) == "name";
            }
            Kind::Str if depth == 0 && positional => {
                let raw = crate::source::slice(text, t.span.clone());
                let inner = raw
                    .strip_prefix('"')
                    .map(|r| r.strip_suffix('"').unwrap_or(r))
                    .unwrap_or(raw);
                return Some(inner.replace("\\\"", "\"").replace("\\\\", "\\"));
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"// NextAuth models
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL") // not a field
}

generator client { provider = "prisma-client-js" }

enum Role { USER ADMIN }

/// An OAuth account
model Account {
  id                String  @id @default(cuid())
  userId            String  @map("user_id")
  refresh_token     String? @db.Text // "quoted // text"
  accessToken       String? @map(name: "access_token") @db.VarChar(255)
  scopes            String[]
  user              User    @relation(fields: [userId],
                                      references: [id], onDelete: Cascade)
  blob              Unsupported("tsvector")?
  // secret String
  @@unique([provider, providerAccountId])
  @@map("accounts")
  @@schema("public")
}

type Address {
  street String
}
"#;

    #[test]
    fn reads_models_fields_and_attributes() {
        let blocks = parse(SCHEMA);
        let names: Vec<_> = blocks.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["Account", "Address"]);
        let account = &blocks[0];
        assert_eq!(account.table_name(), "accounts");
        assert_eq!(account.schema.as_deref(), Some("public"));
        assert_eq!(&SCHEMA[account.name_span.clone()], "Account");
        let fields: Vec<_> = account
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.ty.as_str(), f.column_name()))
            .collect();
        assert_eq!(
            fields,
            [
                ("id", "String", "id"),
                ("userId", "String", "user_id"),
                ("refresh_token", "String", "refresh_token"),
                ("accessToken", "String", "access_token"),
                ("scopes", "String", "scopes"),
                ("user", "User", "user"),
                ("blob", "Unsupported", "blob"),
            ]
        );
        let refresh = &account.fields[2];
        assert!(refresh.optional && !refresh.list);
        assert_eq!(&SCHEMA[refresh.name_span.clone()], "refresh_token");
        assert_eq!(refresh.native_type().unwrap().name, "db.Text");
        let access = &account.fields[3];
        let native = access.native_type().unwrap();
        assert_eq!(&SCHEMA[native.span.clone()], "@db.VarChar(255)");
        assert!(account.fields[4].list);
        assert!(account.fields[6].optional);
        assert_eq!(account.fields[5].attributes[0].name, "relation");
    }

    #[test]
    fn never_panics_on_prefixes() {
        let text = "model A { a String @map(\"x\\\"y\") @db.VarChar(2) // c\n b Bytes? } model é { ü String }";
        for n in 0..=text.len() {
            if text.is_char_boundary(n) {
                let _ = parse(&text[..n]);
            }
        }
        assert_eq!(parse(text)[0].fields[0].column_name(), "x\"y");
    }
}
