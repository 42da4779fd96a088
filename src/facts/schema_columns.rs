//! Columns a schema declares with a type, read from SQL (`create table`,
//! `alter table … add/alter column`) and Prisma models, in one record shape
//! for both.

use std::ops::Range;

use crate::lang::sql::{self, SqlStatement, SqlTokenKind};
use crate::lang::{Family, ParsedFile};

/// One declared column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredColumn {
    /// The column's names: as declared first, then its database name when a
    /// Prisma `@map("…")` gives one.
    pub names: Vec<String>,
    pub name_span: Range<usize>,
    /// The table's names: SQL's last name part (empty when unknown); a
    /// Prisma model's name, then its `@@map("…")` table name.
    pub tables: Vec<String>,
    /// The table as written: `public.integrations`, a Prisma model's name.
    pub table_display: String,
    /// The database schema: the part before the table in SQL, Prisma's
    /// `@@schema("…")`.
    pub schema: Option<String>,
    /// The declared types, each as written: SQL's type; a Prisma scalar
    /// type, then its native type without `db.` (`Text`) when it has one.
    pub types: Vec<String>,
    /// The type for messages: `text`, `varchar(255)`, `String @db.Text`.
    pub type_display: String,
    /// A `security label for pgsodium on column …` of the same file puts
    /// the column under transparent column encryption.
    pub encrypted: bool,
}

/// The columns a SQL or Prisma file declares (none for other languages).
pub fn read(file: &ParsedFile) -> Vec<DeclaredColumn> {
    match file.language.family() {
        Family::Sql => read_sql(file),
        Family::Prisma => read_prisma(file),
        _ => Vec::new(),
    }
}

fn read_sql(file: &ParsedFile) -> Vec<DeclaredColumn> {
    let text = file.text();
    let statements = file.sql();
    let encrypted = pgsodium_labels(statements, text);
    let mut out = Vec::new();
    for statement in statements {
        for def in sql::column_definitions(statement, text) {
            let table = def.table.last().map_or("", String::as_str);
            let schema = def.table.len().checked_sub(2).map(|i| def.table[i].clone());
            let is_encrypted = encrypted
                .iter()
                .any(|(t, c)| *c == def.name && t.as_deref().is_none_or(|t| t == table));
            out.push(DeclaredColumn {
                names: vec![def.name.clone()],
                name_span: def.name_span.clone(),
                tables: vec![table.to_string()],
                table_display: def.table.join("."),
                schema,
                types: vec![def.type_name.clone()],
                type_display: crate::source::slice(text, def.type_span.clone()).replace('"', ""),
                encrypted: is_encrypted,
            });
        }
    }
    out
}

fn read_prisma(file: &ParsedFile) -> Vec<DeclaredColumn> {
    let text = file.text();
    let mut out = Vec::new();
    for block in file.prisma() {
        for field in &block.fields {
            let native = field.native_type();
            let mut types = vec![field.ty.clone()];
            types.extend(native.map(|a| a.name.trim_start_matches("db.").to_string()));
            let type_display = match native {
                Some(native) => format!(
                    "{} {}",
                    field.ty,
                    crate::source::slice(text, native.span.clone())
                ),
                None => field.ty.clone(),
            };
            out.push(DeclaredColumn {
                names: vec![field.name.clone(), field.column_name().to_string()],
                name_span: field.name_span.clone(),
                tables: vec![block.name.clone(), block.table_name().to_string()],
                table_display: block.name.clone(),
                schema: block.schema.clone(),
                types,
                type_display,
                encrypted: annotated_encrypted(text, field.name_span.start),
            });
        }
    }
    out
}

/// Whether the comment closing a Prisma field's line marks it encrypted
/// by the client (`token String /// @encrypted`, the annotation of
/// prisma-field-encryption).
fn annotated_encrypted(text: &str, field_start: usize) -> bool {
    let rest = crate::source::slice(text, field_start..);
    let line = rest.split('\n').next().unwrap_or_default();
    line.find("//")
        .is_some_and(|comment| line[comment..].contains("@encrypted"))
}

/// Columns that `security label for pgsodium on column [t.]c is 'ENCRYPT …'`
/// puts under transparent column encryption: (table, column).
fn pgsodium_labels(statements: &[SqlStatement], text: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    for statement in statements {
        let tokens = &statement.tokens;
        let kw = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is_keyword(text, k));
        if !(kw(0, "security") && kw(1, "label")) {
            continue;
        }
        let Some(on) = statement.find_keyword(text, "on", 2) else {
            continue;
        };
        if !kw(on + 1, "column") {
            continue;
        }
        let Some((parts, _, next)) = sql::qualified_name_at(statement, on + 2, text) else {
            continue;
        };
        let says_encrypt = tokens[next..].iter().any(|t| {
            t.kind == SqlTokenKind::String
                && t.string_value(text)
                    .is_some_and(|v| v.to_ascii_uppercase().contains("ENCRYPT"))
        });
        if !says_encrypt || parts.len() < 2 {
            continue;
        }
        let column = parts[parts.len() - 1].to_string();
        let table = parts[parts.len() - 2].to_string();
        out.push((Some(table), column));
    }
    out
}
