//! What a SQL migration changes in the schema, as later migrations see it:
//! the tables it drops, the columns it drops or renames away, and the
//! columns it declares with a type (`create table`, `add column`, `alter
//! column … type`). Replaying the migrations of a folder in order tells
//! whether a column an earlier one created is still there.

use crate::lang::sql::{self, SqlStatement};

/// The schema changes of one SQL file. Names are the last part of a
/// qualified name, as [`sql::SqlToken::ident`] gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaChanges {
    /// `drop table a, b`.
    pub dropped_tables: Vec<String>,
    /// `(table, column)` of `alter table … drop column` and of the old name
    /// of `alter table … rename column … to …`.
    pub removed_columns: Vec<(String, String)>,
    /// `(table, column, type)` of every column declared with a type.
    pub declared: Vec<(String, String, String)>,
}

impl SchemaChanges {
    /// Whether `column` of `table` no longer exists after these changes, or
    /// now has a type `keeps_type` refuses.
    pub fn ends(&self, table: &str, column: &str, keeps_type: impl Fn(&str) -> bool) -> bool {
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        self.dropped_tables.iter().any(|t| same(t, table))
            || self
                .removed_columns
                .iter()
                .any(|(t, c)| same(t, table) && same(c, column))
            || self
                .declared
                .iter()
                .any(|(t, c, ty)| same(t, table) && same(c, column) && !keeps_type(ty))
    }
}

/// Lower-cased, with SQL's spellings of one type reduced to one name.
pub fn normalize_type(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    let collapsed: Vec<&str> = lower.split_whitespace().collect();
    match collapsed.join(" ").as_str() {
        "character varying" | "char varying" => "varchar".to_string(),
        "character" | "bpchar" => "char".to_string(),
        "national character varying" | "national char varying" => "nvarchar".to_string(),
        "national character" | "national char" => "nchar".to_string(),
        other => other.to_string(),
    }
}

/// Reads the schema changes of SQL text.
pub fn read(text: &str) -> SchemaChanges {
    let mut changes = SchemaChanges::default();
    for statement in sql::parse_statements(text) {
        for def in sql::column_definitions(&statement, text) {
            if let Some(table) = def.table.last() {
                changes
                    .declared
                    .push((table.clone(), def.name.clone(), def.type_name.clone()));
            }
        }
        dropped_tables(&statement, text, &mut changes.dropped_tables);
        removed_columns(&statement, text, &mut changes.removed_columns);
    }
    changes
}

/// `drop table [if exists] a [, b …] [cascade]`.
fn dropped_tables(statement: &SqlStatement, text: &str, out: &mut Vec<String>) {
    let tokens = &statement.tokens;
    let kw = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is_keyword(text, k));
    if !(kw(0, "drop") && kw(1, "table")) {
        return;
    }
    let mut i = 2;
    if kw(i, "if") && kw(i + 1, "exists") {
        i += 2;
    }
    while let Some((parts, _, next)) = sql::qualified_name_at(statement, i, text) {
        if let Some(last) = parts.last() {
            out.push(last.to_string());
        }
        if tokens.get(next).map(|t| t.kind) != Some(sql::SqlTokenKind::Punct(',')) {
            break;
        }
        i = next + 1;
    }
}

/// `alter table [if exists] [only] t drop [column] [if exists] c, rename
/// [column] c to d, …`.
fn removed_columns(statement: &SqlStatement, text: &str, out: &mut Vec<(String, String)>) {
    let tokens = &statement.tokens;
    let kw = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is_keyword(text, k));
    if !(kw(0, "alter") && kw(1, "table")) {
        return;
    }
    let mut i = 2;
    if kw(i, "if") && kw(i + 1, "exists") {
        i += 2;
    }
    if kw(i, "only") {
        i += 1;
    }
    let Some((table, _, mut i)) = sql::qualified_name_at(statement, i, text) else {
        return;
    };
    let Some(table) = table.last().map(|t| t.to_string()) else {
        return;
    };
    // Each action starts the statement's remainder or follows a top-level comma.
    let mut depth = 0usize;
    let mut action_start = true;
    while i < tokens.len() {
        if action_start {
            action_start = false;
            let mut j = i;
            let dropping = kw(j, "drop");
            let renaming = kw(j, "rename");
            if dropping || renaming {
                j += 1;
                if kw(j, "column") {
                    j += 1;
                } else if dropping && kw(j, "constraint") || renaming && kw(j, "to") {
                    i += 1;
                    continue;
                }
                if dropping && kw(j, "if") && kw(j + 1, "exists") {
                    j += 2;
                }
                if let Some(column) = tokens.get(j).and_then(|t| t.ident(text)) {
                    out.push((table.clone(), column.into_owned()));
                }
            }
        }
        match tokens[i].kind {
            sql::SqlTokenKind::Punct('(') => depth += 1,
            sql::SqlTokenKind::Punct(')') => depth = depth.saturating_sub(1),
            sql::SqlTokenKind::Punct(',') if depth == 0 => action_start = true,
            _ => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_renames_and_retyping() {
        let changes = read(
            "drop table if exists public.github_app_authorizations, \"Legacy\" cascade;\n\
             alter table only public.users drop column if exists access_token, add column x int,\n\
               rename column api_key to api_key_hash, drop constraint users_pk;\n\
             ALTER TABLE \"User\" DROP COLUMN \"accessToken\";\n\
             alter table accounts alter column refresh_token type bytea using null;\n\
             alter table accounts rename to linked_accounts;\n",
        );
        assert_eq!(
            changes.dropped_tables,
            ["github_app_authorizations", "Legacy"]
        );
        assert_eq!(
            changes.removed_columns,
            [
                ("users".to_string(), "access_token".to_string()),
                ("users".to_string(), "api_key".to_string()),
                ("User".to_string(), "accessToken".to_string()),
            ]
        );
        let text = |ty: &str| ty == "text";
        assert!(changes.ends("accounts", "refresh_token", text));
        assert!(changes.ends("USERS", "ACCESS_TOKEN", text));
        assert!(!changes.ends("users", "x", |_| true));
        assert!(!changes.ends("accounts", "id_token", text));
    }
}
