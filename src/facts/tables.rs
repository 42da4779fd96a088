//! Table names in code and SQL: the configured tables a rule looks for and
//! where a file names them (query-builder calls, table declarations, SQL
//! statements and SQL embedded in code).

use std::ops::Range;

use tree_sitter::Node;

use crate::facts::sql_calls::ts_embedded_sql;
use crate::lang::sql::{self, SqlStatement};
use crate::lang::tree::{named_children, text, walk, NodeExt, StrLit};
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};
use crate::rules::OptionError;

/// The configured tables, matched by their last name part.
pub struct TableSet {
    tables: Vec<TableName>,
}

struct TableName {
    /// As configured, for messages.
    display: String,
    schema: Option<String>,
    name: String,
}

impl TableSet {
    pub fn new(option: &str, tables: &[String]) -> Result<TableSet, OptionError> {
        if tables.is_empty() {
            return Err(OptionError::new(option, "list at least one table"));
        }
        let mut out = Vec::new();
        for table in tables {
            let (schema, name) = match table.rsplit_once('.') {
                Some((schema, name)) => (Some(schema.trim().to_ascii_lowercase()), name.trim()),
                None => (None, table.trim()),
            };
            if name.is_empty()
                || schema.as_deref() == Some("")
                || name.contains(char::is_whitespace)
            {
                return Err(OptionError::new(
                    option,
                    format!("`{table}` is not a table name (write `table` or `schema.table`)"),
                ));
            }
            out.push(TableName {
                display: table.trim().to_string(),
                schema,
                name: name.to_ascii_lowercase(),
            });
        }
        Ok(TableSet { tables: out })
    }

    /// Prefilter literals: every reference spells the table's name.
    pub fn literals(&self) -> Vec<String> {
        self.tables.iter().map(|t| t.name.clone()).collect()
    }

    /// The configured table a reference `[schema.]name` names, if any.
    fn find(&self, schema: Option<&str>, name: &str) -> Option<&str> {
        self.tables
            .iter()
            .find(|t| {
                t.name.eq_ignore_ascii_case(name)
                    && match (&t.schema, schema) {
                        (Some(want), Some(got)) => want.eq_ignore_ascii_case(got),
                        _ => true,
                    }
            })
            .map(|t| t.display.as_str())
    }

    /// A table name given as a string to a query builder: `t` or `schema.t`.
    pub fn find_string(&self, value: &str) -> Option<&str> {
        match value.rsplit_once('.') {
            Some((schema, name)) => self.find(Some(schema), name),
            None => self.find(None, value),
        }
    }
}

/// Methods of JS query builders whose first argument names a table:
/// supabase-js and knex `.from`, knex `.into`/`.table` and schema builders,
/// Kysely's statement starters.
const JS_TABLE_METHODS: &[&str] = &[
    "from",
    "into",
    "table",
    "selectFrom",
    "insertInto",
    "updateTable",
    "deleteFrom",
    "mergeInto",
    "createTable",
    "createTableIfNotExists",
    "alterTable",
];

/// Functions that declare a table (Drizzle schemas).
const JS_TABLE_FUNCTIONS: &[&str] = &["pgTable", "mysqlTable", "sqliteTable"];

/// Calls inside `scope` that name a forbidden table. JS family: `x.from(t)`
/// and the other query-builder methods above, Drizzle's `pgTable(t, …)`,
/// realtime filters `.on(…, { table: t })`, and SQL in `` sql`…` `` templates
/// or `.query('…')`. Python: `x.table(t)`, `x.from_(t)`, SQLAlchemy
/// `Table(t, …)` and `__tablename__ = t`. `root` is the file's root, where
/// constants are looked up. Reports the span of the name.
pub fn table_references<'t>(
    file: &ParsedFile,
    root: Node<'t>,
    scope: Node<'t>,
    tables: &TableSet,
    found: &mut dyn FnMut(Range<usize>, &str),
) {
    let src = file.text();
    match file.language.family() {
        Family::Js => walk(scope, |node| {
            ts_table_reference(root, src, node, tables, found);
            true
        }),
        Family::Python => walk(scope, |node| {
            py_table_reference(root, src, node, tables, found);
            true
        }),
        _ => {}
    }
}

fn ts_table_reference(
    root: Node<'_>,
    src: &str,
    node: Node<'_>,
    tables: &TableSet,
    found: &mut dyn FnMut(Range<usize>, &str),
) {
    if let Some(lit) = ts_embedded_sql(node, src) {
        embedded_sql_references(&lit, tables, found);
        return;
    }
    let Some(call) = ts::call(node) else { return };
    let name = text(call.name, src);
    let names_table = if call.receiver.is_some() {
        JS_TABLE_METHODS.contains(&name)
    } else {
        JS_TABLE_FUNCTIONS.contains(&name)
    };
    if names_table {
        if let Some(arg) = call.args.first() {
            if let Some(value) = ts_static_string(root, src, *arg, 0) {
                // knex and Kysely accept `'table as alias'`.
                let value = value.value.split_whitespace().next().unwrap_or_default();
                if let Some(table) = tables.find_string(value) {
                    found(arg.byte_range(), table);
                }
            }
        }
    } else if name == "on" && call.receiver.is_some() {
        // supabase.channel(…).on('postgres_changes', { schema, table: 't' }, …)
        for arg in &call.args {
            if let Some(value) = ts_object_member(ts::unwrap_expression(*arg), src, "table") {
                if let Some(lit) = ts_static_string(root, src, value, 0) {
                    if let Some(table) = tables.find_string(&lit.value) {
                        found(value.byte_range(), table);
                    }
                }
            }
        }
    }
}

fn py_table_reference(
    root: Node<'_>,
    src: &str,
    node: Node<'_>,
    tables: &TableSet,
    found: &mut dyn FnMut(Range<usize>, &str),
) {
    if node.kind_str() == "assignment" {
        // class Model(Base): __tablename__ = "t"
        let left = node.field("left");
        if left.is_some_and(|l| text(l, src) == "__tablename__") {
            if let Some(value) = node.field("right") {
                if let Some(lit) = py::fold_string(value, src).filter(|l| l.is_static()) {
                    if let Some(table) = tables.find_string(&lit.value) {
                        found(value.byte_range(), table);
                    }
                }
            }
        }
        return;
    }
    let Some(call) = py::call(node) else { return };
    let name = text(call.name, src);
    let arg = match name {
        "table" | "from_" if call.receiver.is_some() => call.args.first().copied().or_else(|| {
            call.kwargs
                .iter()
                .find(|(k, _)| matches!(text(*k, src), "table_name" | "table"))
                .map(|(_, v)| *v)
        }),
        // SQLAlchemy: Table("t", metadata, …)
        "Table" if call.args.len() >= 2 => call.args.first().copied(),
        _ => None,
    };
    if let Some(arg) = arg {
        if let Some(value) = py_static_string(root, src, arg, 0) {
            if let Some(table) = tables.find_string(&value.value) {
                found(arg.byte_range(), table);
            }
        }
    }
}

/// Table names in SQL held by a string in code. Only names in a table
/// position count (`from t`, `join t`, `into t`, `update t`, `table t`,
/// `references t`, `on t`), so prose in the string is never read as SQL.
fn embedded_sql_references(
    lit: &StrLit,
    tables: &TableSet,
    found: &mut dyn FnMut(Range<usize>, &str),
) {
    const TABLE_POSITION: &[&str] = &[
        "from",
        "join",
        "into",
        "update",
        "table",
        "references",
        "on",
        "only",
        "exists",
    ];
    let value = &lit.value;
    for statement in sql::parse_statements(value) {
        let end = drop_command(&statement, value).unwrap_or(statement.tokens.len());
        let mut i = 1;
        while i < end {
            let after_keyword = TABLE_POSITION
                .iter()
                .any(|k| statement.tokens[i - 1].is_keyword(value, k));
            if !after_keyword {
                i += 1;
                continue;
            }
            match sql::qualified_name_at(&statement, i, value) {
                Some((parts, span, next)) => {
                    if let Some((last, qualifiers)) = parts.split_last() {
                        let schema = qualifiers.last().map(|s| s.as_ref());
                        if let Some(table) = tables.find(schema, last) {
                            found(lit.file_span(span), table);
                        }
                    }
                    i = next.max(i + 1);
                }
                None => i += 1,
            }
        }
    }
}

/// How many constant hops a name may take before we give up.
const MAX_HOPS: usize = 4;

/// The static string an expression stands for: a literal, a folded
/// concatenation, or a constant (`const T = '…'`, `TABLES.X` of a const
/// object literal, `this.t` of a class field) declared in the file.
fn ts_static_string(root: Node<'_>, src: &str, node: Node<'_>, hops: usize) -> Option<StrLit> {
    let node = ts::unwrap_expression(node);
    if let Some(lit) = ts::fold_string(node, src) {
        return lit.is_static().then_some(lit);
    }
    if hops >= MAX_HOPS {
        return None;
    }
    match node.kind_str() {
        "identifier" => {
            let value = ts::const_initializer(root, src, text(node, src), node.start_byte())?;
            ts_static_string(root, src, value, hops + 1)
        }
        "member_expression" => {
            let object = ts::unwrap_expression(node.field("object")?);
            let property = text(node.field("property")?, src);
            match object.kind_str() {
                "identifier" => {
                    let value =
                        ts::const_initializer(root, src, text(object, src), node.start_byte())?;
                    let value = ts::unwrap_expression(value);
                    let member = ts_object_member(value, src, property)?;
                    ts_static_string(root, src, member, hops + 1)
                }
                "this" => {
                    let class = crate::lang::tree::ancestor(node, &["class_body"])?;
                    let field = named_children(class).into_iter().find(|f| {
                        matches!(f.kind_str(), "public_field_definition" | "field_definition")
                            && f.field("name").is_some_and(|n| text(n, src) == property)
                    })?;
                    ts_static_string(root, src, field.field("value")?, hops + 1)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The value of `key` in an object literal.
fn ts_object_member<'t>(object: Node<'t>, src: &str, key: &str) -> Option<Node<'t>> {
    if object.kind_str() != "object" {
        return None;
    }
    named_children(object).into_iter().find_map(|pair| {
        if pair.kind_str() != "pair" {
            return None;
        }
        let k = ts::property_key(pair.field("key")?, src)?;
        (k == key).then(|| pair.field("value")).flatten()
    })
}

/// The Python counterpart of [`ts_static_string`]: literals, adjacent
/// literals, and `NAME = "…"` / `self.NAME` / `Cls.NAME` assignments.
fn py_static_string(root: Node<'_>, src: &str, node: Node<'_>, hops: usize) -> Option<StrLit> {
    let node = py::unwrap_expression(node);
    if let Some(lit) = py::fold_string(node, src) {
        return lit.is_static().then_some(lit);
    }
    if hops >= MAX_HOPS {
        return None;
    }
    let name = match node.kind_str() {
        "identifier" => node,
        "attribute" => node.field("attribute")?,
        _ => return None,
    };
    let value = py::assignment_value(root, src, text(name, src), node.start_byte())?;
    py_static_string(root, src, value, hops + 1)
}

/// Qualified names in one SQL statement that name a forbidden table, up to
/// the `drop` command (if any) the statement carries out.
pub fn sql_table_references(
    statement: &SqlStatement,
    text: &str,
    tables: &TableSet,
    found: &mut dyn FnMut(Range<usize>, &str),
) {
    let end = drop_command(statement, text).unwrap_or(statement.tokens.len());
    let mut i = 0;
    while i < end {
        match sql::qualified_name_at(statement, i, text) {
            Some((parts, span, next)) => {
                if let Some((last, qualifiers)) = parts.split_last() {
                    let schema = qualifiers.last().map(|s| s.as_ref());
                    if let Some(table) = tables.find(schema, last) {
                        found(span, table);
                    }
                }
                i = next.max(i + 1);
            }
            None => i += 1,
        }
    }
}

/// Index of a `drop` that starts a command: the statement's first token, or
/// one following a plpgsql block keyword (`begin drop …`, `then drop …`).
fn drop_command(statement: &SqlStatement, text: &str) -> Option<usize> {
    const BLOCK_KEYWORDS: &[&str] = &["begin", "then", "else", "loop", "do"];
    statement.tokens.iter().enumerate().find_map(|(i, token)| {
        let starts_command = i == 0
            || BLOCK_KEYWORDS
                .iter()
                .any(|k| statement.tokens[i - 1].is_keyword(text, k));
        (starts_command && token.is_keyword(text, "drop")).then_some(i)
    })
}
