//! The `forbidden-table` rule kind: a database table that must not be used,
//! found in query-builder calls (`.from('t')`, `.table("t")`) and in SQL.

use crate::lang::tree::NodeExt;
use std::ops::Range;

use serde::Deserialize;
use tree_sitter::Node;

use crate::lang::sql::{self, SqlStatement};
use crate::lang::tree::{named_children, text, walk, StrLit};
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags every use of a table that must not exist in the database:
    ///
    /// - TypeScript/JavaScript: a query-builder call naming it, with any chain
    ///   after it (`supabase.from('t')`, also `?.from`, `.schema('s').from`,
    ///   knex `.into('t')`/`.table('t')`, Kysely `.selectFrom('t')` and
    ///   friends, `knex.schema.createTable('t')`), a Drizzle `pgTable('t', …)`,
    ///   a realtime filter `.on(…, { table: 't' })`, and SQL handed to the
    ///   database in `` sql`…` `` templates or `.query('…')`;
    /// - Python: `.table("t")` and `.from_("t")` (supabase-py), SQLAlchemy
    ///   `Table("t", metadata)` and `__tablename__ = "t"`;
    /// - SQL files: every statement naming it (`create table`, `alter table`,
    ///   `insert into`, `update`, `delete from`, `select … from`, `join`,
    ///   `references`, `create policy/index/trigger … on`, `grant … on`),
    ///   schema-qualified or quoted, including plpgsql function bodies.
    ///
    /// The name counts when it is a string literal, a template literal without
    /// substitutions, or a constant of the same file (`const TABLE = 't'`,
    /// `TABLES.X` of a const object, a class field read through `this`,
    /// `TABLE = "t"` in Python). Comments, log messages and other prose that
    /// merely mention the name are not flagged, and neither is a `drop`
    /// statement: removing the table is the fix.
    ///
    /// ## Why is this bad?
    /// The table holds state that belongs to another system of record. Each
    /// read or write keeps a second, drifting copy alive, and a table the
    /// browser can reach is a poor home for anything credential-like.
    ///
    /// ## Example
    /// ```ts
    /// const { data } = await supabase.from('legacy_state').select('*');
    /// ```
    ///
    /// ```sql
    /// create table public.legacy_state (id uuid primary key);
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// const state = await api.get('/v1/state');
    /// ```
    ///
    /// ```sql
    /// drop table if exists public.legacy_state;
    /// ```
    ///
    /// ## Options
    /// - `tables`: names of the forbidden tables. A name matches whatever the
    ///   schema it is qualified with; write `schema.table` to forbid the table
    ///   in one schema only. Unquoted SQL names match case-insensitively.
    pub struct ForbiddenTable;
}

const OPTIONS: &[OptionDoc] = &[OptionDoc {
    name: "tables",
    description: "Names of the forbidden tables (`table` or `schema.table`).",
}];

impl Kind for ForbiddenTable {
    fn id(&self) -> &'static str {
        "forbidden-table"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python, Family::Sql]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        Ok(Box::new(ForbiddenTableCheck {
            tables: TableSet::new("tables", &options.tables)?,
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    tables: Vec<String>,
}

/// The configured tables, matched by their last name part.
pub(super) struct TableSet {
    tables: Vec<TableName>,
}

struct TableName {
    /// As configured, for messages.
    display: String,
    schema: Option<String>,
    name: String,
}

impl TableSet {
    pub(super) fn new(option: &str, tables: &[String]) -> Result<TableSet, OptionError> {
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
    pub(super) fn literals(&self) -> Vec<String> {
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
    pub(super) fn find_string(&self, value: &str) -> Option<&str> {
        match value.rsplit_once('.') {
            Some((schema, name)) => self.find(Some(schema), name),
            None => self.find(None, value),
        }
    }
}

struct ForbiddenTableCheck {
    tables: TableSet,
}

impl Check for ForbiddenTableCheck {
    fn literals(&self) -> Vec<String> {
        self.tables.literals()
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let report = |out: &mut Reporter<'_>, span: Range<usize>, table: &str| {
            out.report(
                Report::at(span)
                    .var("table", table)
                    .label("forbidden table"),
            );
        };
        match file.language.family() {
            Family::Js | Family::Python => {
                let Some(tree) = file.tree() else { return };
                let root = tree.root_node();
                let mut found = Vec::new();
                table_references(file, root, root, &self.tables, &mut |span, table| {
                    found.push((span, table.to_string()));
                });
                for (span, table) in found {
                    report(out, span, &table);
                }
            }
            Family::Sql => {
                let text = file.text();
                for statement in file.sql() {
                    sql_table_references(statement, text, &self.tables, &mut |span, table| {
                        report(out, span, table);
                    });
                }
            }
            _ => {}
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

/// Tags of template literals that hold SQL, and methods whose first string
/// argument is SQL (node-postgres, Prisma).
const JS_SQL_TAGS: &[&str] = &["sql", "$queryRaw", "$executeRaw"];
const JS_SQL_METHODS: &[&str] = &["query", "$queryRawUnsafe", "$executeRawUnsafe"];

/// Calls inside `scope` that name a forbidden table. JS family: `x.from(t)`
/// and the other query-builder methods above, Drizzle's `pgTable(t, …)`,
/// realtime filters `.on(…, { table: t })`, and SQL in `` sql`…` `` templates
/// or `.query('…')`. Python: `x.table(t)`, `x.from_(t)`, SQLAlchemy
/// `Table(t, …)` and `__tablename__ = t`. `root` is the file's root, where
/// constants are looked up. Reports the span of the name.
pub(super) fn table_references<'t>(
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

/// The SQL a call hands to the database: `` sql`…` `` and
/// `` prisma.$queryRaw`…` `` templates, `pool.query('…')`.
pub(super) fn ts_embedded_sql(node: Node<'_>, src: &str) -> Option<StrLit> {
    if node.kind_str() != "call_expression" {
        return None;
    }
    let function = node.field("function")?;
    let arguments = node.field("arguments")?;
    let (name, is_method) = match function.kind_str() {
        "identifier" => (function, false),
        "member_expression" => (function.field("property")?, true),
        _ => return None,
    };
    let name = text(name, src);
    if arguments.kind_str() == "arguments" {
        // `db.query('…')`: the name decides before the arguments are read.
        if !(is_method && JS_SQL_METHODS.contains(&name)) {
            return None;
        }
        let first = ts::call(node)?.args.into_iter().next()?;
        return ts::fold_string(ts::unwrap_expression(first), src);
    }
    // A tagged template: sql`…`.
    if JS_SQL_TAGS.contains(&name) {
        ts::string_literal(arguments, src)
    } else {
        None
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
fn sql_table_references(
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

#[cfg(test)]
mod tests {

    use crate::Finding;

    fn lint(path: &str, text: &str) -> Vec<Finding> {
        crate::rules::lint_with_only("supabase-integration-table", &[(path, text)])
    }

    fn flagged(path: &str, text: &str) -> Vec<String> {
        lint(path, text)
            .iter()
            .map(|f| text[f.span.clone()].to_string())
            .collect()
    }

    const T: &str = "cloud_provider_integrations";

    #[test]
    fn js_from_calls() {
        let src = format!(
            "const a = await supabase\n  .from('{T}')\n  .select('*');\n\
             supabase?.from(\"{T}\").delete();\n\
             db.schema('public').from(`{T}`).insert(rows);\n\
             db.from('public.{T}');\n\
             db.from(`${{x}}_{T}`);\n\
             db.from('{T}_archive');\n\
             console.log('moving {T} to the API');\n\
             // supabase.from('{T}')\n"
        );
        let found = flagged("a.ts", &src);
        assert_eq!(
            found,
            vec![
                format!("'{T}'"),
                format!("\"{T}\""),
                format!("`{T}`"),
                format!("'public.{T}'"),
            ]
        );
        let findings = lint("a.ts", &src);
        assert_eq!(
            findings[0].message,
            format!("`{T}` is an integration table; integration state must not live in Supabase")
        );
    }

    #[test]
    fn js_constants_resolve() {
        let src = format!(
            "const TABLE = '{T}' as const;\n\
             const TABLES = {{ INTEGRATIONS: '{T}', ORGS: 'organizations' }};\n\
             class Repo {{ private table = '{T}';\n  load() {{ return this.db.from(this.table).select(); }} }}\n\
             db.from(TABLE);\n db.from(TABLES.INTEGRATIONS);\n db.from(TABLES.ORGS);\n db.from(Imported.X);\n"
        );
        assert_eq!(
            flagged("a.ts", &src),
            vec!["this.table", "TABLE", "TABLES.INTEGRATIONS"]
        );
    }

    #[test]
    fn python_calls() {
        let src = format!(
            "TABLE = \"{T}\"\n\
             supabase.table(\"{T}\").select(\"*\").execute()\n\
             await client.from_('{T}').delete().execute()\n\
             self._client.table(TABLE).select('x')\n\
             supabase.table(\"organizations\")\n\
             logger.info(\"{T} gone\")\n\
             # supabase.table(\"{T}\")\n"
        );
        assert_eq!(
            flagged("a.py", &src),
            vec![format!("\"{T}\""), format!("'{T}'"), "TABLE".to_string()]
        );
    }

    #[test]
    fn other_query_builders() {
        let src = format!(
            "knex.insert(row).into('{T}');\n\
             db.selectFrom('{T} as c').selectAll();\n\
             knex.schema.createTable('{T}', (t) => {{}});\n\
             export const cpi = pgTable('{T}', {{ id: uuid('id') }});\n\
             supabase.channel('x').on('postgres_changes', {{ event: '*', schema: 'public', table: '{T}' }}, cb);\n\
             await sql`select * from public.{T} where org_id = ${{id}}`;\n\
             await pool.query('delete from {T} where id = $1', [id]);\n\
             await sql`drop table if exists {T}`;\n\
             await pool.query('{T} is gone');\n\
             from('{T}');\n"
        );
        assert_eq!(
            flagged("a.ts", &src),
            vec![
                format!("'{T}'"),
                format!("'{T} as c'"),
                format!("'{T}'"),
                format!("'{T}'"),
                format!("'{T}'"),
                format!("public.{T}"),
                T.to_string(),
            ]
        );
        let py = format!(
            "class Cpi(Base):\n    __tablename__ = \"{T}\"\n\
             cpi = sa.Table(\"{T}\", metadata, sa.Column(\"id\"))\n\
             client.query(\"select * from {T}\")\n"
        );
        assert_eq!(
            flagged("a.py", &py),
            vec![format!("\"{T}\""), format!("\"{T}\"")]
        );
    }

    #[test]
    fn sql_statements() {
        let src = format!(
            "-- create table {T} (id int);\n\
             /* insert into {T} */\n\
             create table if not exists public.{T} (id uuid, org uuid references organizations (id));\n\
             alter table only public.\"{T}\" enable row level security;\n\
             ALTER TABLE Public.Cloud_Provider_Integrations ADD COLUMN region text;\n\
             create table runs (i uuid references {T} (id));\n\
             comment on table organizations is 'formerly {T}';\n\
             select * from organizations o left join {T} c on c.org_id = o.id;\n\
             drop policy if exists \"p\" on public.{T};\n\
             drop table if exists public.{T} cascade;\n\
             create table {T}_archive (id int);\n\
             create function f() returns trigger language plpgsql as $$\n\
             begin insert into {T} (a) values (1); drop table {T}; return new; end; $$;\n"
        );
        assert_eq!(
            flagged("m.sql", &src),
            vec![
                format!("public.{T}"),
                format!("public.\"{T}\""),
                "Public.Cloud_Provider_Integrations".to_string(),
                T.to_string(),
                T.to_string(),
                T.to_string(),
            ]
        );
    }

    #[test]
    fn files_without_the_name_are_skipped() {
        assert!(flagged("a.ts", "db.from(TABLE)").is_empty());
    }

    #[test]
    fn options_are_validated() {
        use crate::rules::Kind;
        let compile = |text: &str| super::ForbiddenTable.compile(&toml::from_str(text).unwrap());
        assert_eq!(
            compile("tables = []").err().unwrap().option.as_deref(),
            Some("tables")
        );
        assert_eq!(
            compile("tables = ['a b']").err().unwrap().option.as_deref(),
            Some("tables")
        );
        assert!(compile("tabels = ['x']")
            .err()
            .unwrap()
            .message
            .contains("tabels"));
        let check = compile("tables = ['public.Legacy']").ok().unwrap();
        assert_eq!(check.literals(), vec!["legacy"]);
    }
}
