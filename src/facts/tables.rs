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

    /// The configured tables, as configured.
    pub fn displays(&self) -> impl Iterator<Item = &str> {
        self.tables.iter().map(|t| t.display.as_str())
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
pub const JS_TABLE_METHODS: &[&str] = &[
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

/// Methods of Python query builders whose first argument names a table
/// (supabase-py).
pub const PY_TABLE_METHODS: &[&str] = &["table", "from_"];

/// Globals that are never query builders: `Array.from(xs)`,
/// `Buffer.from(s)`, typed arrays, `console.table(rows)`.
const JS_BUILTIN_RECEIVERS: &[&str] = &[
    "Array",
    "console",
    "Buffer",
    "Uint8Array",
    "Uint8ClampedArray",
    "Uint16Array",
    "Uint32Array",
    "Int8Array",
    "Int16Array",
    "Int32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
    "Iterator",
];

/// Whether a call's receiver is a JS global that is never a query builder.
pub fn is_builtin_receiver(receiver: Node<'_>, src: &str) -> bool {
    let receiver = ts::unwrap_expression(receiver);
    receiver.kind_str() == "identifier" && JS_BUILTIN_RECEIVERS.contains(&text(receiver, src))
}

/// Whether `call`'s first argument names a table: a query-builder method (`db.from(t)`, not `Array.from(xs)`), a
/// Drizzle table function, or a query-builder method bound to a local name
/// (`const from = db.from.bind(db); from(t)`).
fn ts_is_table_call(root: Node<'_>, src: &str, call: &ts::Call<'_>) -> bool {
    let name = text(call.name, src);
    match call.receiver {
        Some(receiver) => JS_TABLE_METHODS.contains(&name) && !is_builtin_receiver(receiver, src),
        None => JS_TABLE_FUNCTIONS.contains(&name) || ts_bound_table_method(root, src, call.name),
    }
}

/// Whether `name` is declared as `db.from.bind(db)` (any table method, any
/// receiver but a builtin).
fn ts_bound_table_method(root: Node<'_>, src: &str, name: Node<'_>) -> bool {
    let Some(value) = ts::const_initializer(root, src, text(name, src), name.start_byte()) else {
        return false;
    };
    let Some(bind) = ts::call(ts::unwrap_expression(value)) else {
        return false;
    };
    if text(bind.name, src) != "bind" {
        return false;
    }
    let Some(method) = bind.receiver.map(ts::unwrap_expression) else {
        return false;
    };
    method.kind_str() == "member_expression"
        && method
            .field("property")
            .is_some_and(|p| JS_TABLE_METHODS.contains(&text(p, src)))
        && method
            .field("object")
            .is_some_and(|o| !is_builtin_receiver(o, src))
}

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
    if ts_is_table_call(root, src, &call) {
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
pub fn embedded_sql_references(
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
                    let value = ts_this_field_value(node, src, property)?;
                    ts_static_string(root, src, value, hops + 1)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The value a class field read through `this` is given: its initializer,
/// the default of a constructor parameter property (`constructor(private
/// table = 't')`), or what the constructor assigns (`this.table = T`).
fn ts_this_field_value<'t>(node: Node<'t>, src: &str, property: &str) -> Option<Node<'t>> {
    let class = crate::lang::tree::ancestor(node, &["class_body"])?;
    let members = named_children(class);
    let field = members.iter().find(|f| {
        matches!(f.kind_str(), "public_field_definition" | "field_definition")
            && f.field("name").is_some_and(|n| text(n, src) == property)
    });
    if let Some(value) = field.and_then(|f| f.field("value")) {
        return Some(value);
    }
    let constructor = members.into_iter().find(|m| {
        m.kind_str() == "method_definition"
            && m.field("name")
                .is_some_and(|n| text(n, src) == "constructor")
    })?;
    let parameter_default = constructor.field("parameters").and_then(|parameters| {
        named_children(parameters).into_iter().find_map(|p| {
            let is_property = matches!(p.kind_str(), "required_parameter" | "optional_parameter")
                && named_children(p).iter().any(|c| {
                    c.kind_str() == "accessibility_modifier" || text(*c, src) == "readonly"
                })
                && p.field("pattern").is_some_and(|n| text(n, src) == property);
            if is_property {
                p.field("value")
            } else {
                None
            }
        })
    });
    if parameter_default.is_some() {
        return parameter_default;
    }
    let mut assigned = None;
    walk(constructor.field("body")?, |n| {
        if assigned.is_some() {
            return false;
        }
        if n.kind_str() == "assignment_expression" {
            let left = n.field("left");
            let is_field = left.is_some_and(|l| {
                l.kind_str() == "member_expression"
                    && l.field("object").is_some_and(|o| o.kind_str() == "this")
                    && l.field("property")
                        .is_some_and(|p| text(p, src) == property)
            });
            if is_field {
                assigned = n.field("right");
            }
        }
        true
    });
    assigned
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

// ---- references another module decides -----------------------------------------

/// Whether the text has a table call whose argument is a name rather than a
/// string (`db.from(TABLE)`, `.from<Row>(this.table)`, `.table(T)`): the
/// only way a file that never spells a table can still name one. A cheap
/// scan that spares the parse of files such as `Array.from(items)`-only
/// ones.
pub fn may_name_table_through_constant(text: &str) -> bool {
    table_call_arguments(text).any(|c| c.is_alphabetic() || c == '_' || c == '$')
}

/// Whether the text has a table call on a receiver that is not a builtin
/// (`db.from(`, `.from<Row>(`, `.table(`), whatever its argument.
pub fn has_table_call(text: &str) -> bool {
    table_call_arguments(text).next().is_some()
}

/// The first character of the argument of each table call in the text.
fn table_call_arguments(text: &str) -> impl Iterator<Item = char> + '_ {
    [".from", ".table"].into_iter().flat_map(move |method| {
        text.match_indices(method).filter_map(move |(at, _)| {
            let receiver = text
                .get(..at)
                .unwrap_or_default()
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .next()
                .unwrap_or_default();
            if JS_BUILTIN_RECEIVERS.contains(&receiver) {
                return None;
            }
            let mut after = text.get(at + method.len()..).unwrap_or_default();
            after = after.strip_prefix('_').unwrap_or(after);
            if let Some(generic) = after.strip_prefix('<') {
                // `.from<Row>(…)`: skip a short type argument.
                match generic
                    .get(..generic.len().min(200))
                    .and_then(|g| g.find('>'))
                {
                    Some(close) => after = generic.get(close + 1..).unwrap_or_default(),
                    None => return None,
                }
            }
            after
                .trim_start()
                .strip_prefix('(')
                .and_then(|arg| arg.trim_start().chars().next())
        })
    })
}

/// A table reference the project model decides, because a name in it is
/// defined in another module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableElsewhere {
    /// A table call's argument is a constant this file imports
    /// (`db.from(INTEGRATIONS)`, `this.table` set from `TABLES.x`): the
    /// constant as written.
    Constant { span: Range<usize>, name: String },
    /// A call of a function (imported, or defined in this file) with a
    /// table name as its argument `param`: `table('t')`.
    HelperCall {
        span: Range<usize>,
        callee: String,
        param: usize,
        table: HelperArgument,
    },
}

/// The table a helper call passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelperArgument {
    /// A configured table, as configured.
    Table(String),
    /// A constant this file imports.
    Constant(String),
}

/// What this file's own syntax says about its names, for deciding which
/// questions are worth asking the project model.
pub struct LocalNames {
    facts: crate::facts::modules::ModuleFacts,
}

impl LocalNames {
    pub fn read(file: &ParsedFile, root: Node<'_>) -> LocalNames {
        LocalNames {
            facts: crate::facts::modules::read(file.language, root, file.text())
                .unwrap_or_default(),
        }
    }

    /// Whether `name` (possibly dotted) starts with a name an import binds.
    pub fn is_imported(&self, name: &str) -> bool {
        self.facts.imports.iter().any(|i| {
            name == i.local
                || name
                    .strip_prefix(i.local.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }

    /// Whether a call of `callee` may reach a helper: an imported function
    /// or one defined at the top level of this file.
    pub fn may_be_helper(&self, callee: &str) -> bool {
        self.is_imported(callee) || self.facts.defines(callee)
    }
}

/// Table references in the file whose table is a constant of another module
/// or that pass a table to a helper: the candidates the project model
/// decides. References this file decides alone are left to
/// [`table_references`].
pub fn table_references_elsewhere(
    file: &ParsedFile,
    root: Node<'_>,
    tables: &TableSet,
    found: &mut dyn FnMut(TableElsewhere),
) {
    let src = file.text();
    let names = LocalNames::read(file, root);
    match file.language.family() {
        Family::Js => walk(root, |node| {
            if let Some(call) = ts::call(node) {
                ts_elsewhere_call(root, src, &call, tables, &names, found);
            }
            true
        }),
        Family::Python => walk(root, |node| {
            if let Some(call) = py::call(node) {
                py_elsewhere_call(root, src, &call, tables, &names, found);
            }
            true
        }),
        _ => {}
    }
}

fn ts_elsewhere_call(
    root: Node<'_>,
    src: &str,
    call: &ts::Call<'_>,
    tables: &TableSet,
    names: &LocalNames,
    found: &mut dyn FnMut(TableElsewhere),
) {
    if ts_is_table_call(root, src, call) {
        let Some(arg) = call.args.first() else { return };
        if ts_static_string(root, src, *arg, 0).is_some() {
            return;
        }
        if let Some(name) = ts_elsewhere_name(root, src, *arg, 0).filter(|n| names.is_imported(n)) {
            found(TableElsewhere::Constant {
                span: arg.byte_range(),
                name,
            });
        }
        return;
    }
    let Some(callee) = call
        .node
        .field("function")
        .and_then(|f| crate::facts::flow::ts_dotted_name(f, src))
        .filter(|c| names.may_be_helper(c))
    else {
        return;
    };
    for (param, arg) in call.args.iter().enumerate() {
        let table = match ts_static_string(root, src, *arg, 0) {
            Some(lit) => {
                let value = lit.value.split_whitespace().next().unwrap_or_default();
                tables
                    .find_string(value)
                    .map(|t| HelperArgument::Table(t.to_string()))
            }
            None => ts_elsewhere_name(root, src, *arg, 0)
                .filter(|n| names.is_imported(n))
                .map(HelperArgument::Constant),
        };
        if let Some(table) = table {
            found(TableElsewhere::HelperCall {
                span: arg.byte_range(),
                callee: callee.clone(),
                param,
                table,
            });
        }
    }
}

/// The name, as written where it is defined, that an expression this file
/// cannot fold stands for: an identifier or `a.b` whose head is not a local
/// constant, followed through local constants and `this` fields.
fn ts_elsewhere_name(root: Node<'_>, src: &str, node: Node<'_>, hops: usize) -> Option<String> {
    let node = ts::unwrap_expression(node);
    if hops >= MAX_HOPS {
        return None;
    }
    match node.kind_str() {
        "identifier" => {
            let name = text(node, src);
            match ts::const_initializer(root, src, name, node.start_byte()) {
                Some(value) => ts_elsewhere_name(root, src, value, hops + 1),
                None => Some(name.to_string()),
            }
        }
        "member_expression" => {
            let object = ts::unwrap_expression(node.field("object")?);
            if object.kind_str() == "this" {
                let property = text(node.field("property")?, src);
                let value = ts_this_field_value(node, src, property)?;
                return ts_elsewhere_name(root, src, value, hops + 1);
            }
            let dotted = crate::facts::flow::ts_dotted_name(node, src)?;
            let head = dotted.split('.').next().unwrap_or_default();
            ts::const_initializer(root, src, head, node.start_byte())
                .is_none()
                .then_some(dotted)
        }
        _ => None,
    }
}

fn py_elsewhere_call(
    root: Node<'_>,
    src: &str,
    call: &py::Call<'_>,
    tables: &TableSet,
    names: &LocalNames,
    found: &mut dyn FnMut(TableElsewhere),
) {
    let name = text(call.name, src);
    if call.receiver.is_some() && PY_TABLE_METHODS.contains(&name) {
        let Some(arg) = call.args.first() else { return };
        if py_static_string(root, src, *arg, 0).is_some() {
            return;
        }
        if let Some(name) = py_elsewhere_name(root, src, *arg, 0).filter(|n| names.is_imported(n)) {
            found(TableElsewhere::Constant {
                span: arg.byte_range(),
                name,
            });
        }
        return;
    }
    let Some(callee) = call
        .node
        .field("function")
        .and_then(|f| py::dotted_name(f, src))
        .filter(|c| names.may_be_helper(c))
    else {
        return;
    };
    for (param, arg) in call.args.iter().enumerate() {
        let table = match py_static_string(root, src, *arg, 0) {
            Some(lit) => tables
                .find_string(&lit.value)
                .map(|t| HelperArgument::Table(t.to_string())),
            None => py_elsewhere_name(root, src, *arg, 0)
                .filter(|n| names.is_imported(n))
                .map(HelperArgument::Constant),
        };
        if let Some(table) = table {
            found(TableElsewhere::HelperCall {
                span: arg.byte_range(),
                callee: callee.clone(),
                param,
                table,
            });
        }
    }
}

/// The Python counterpart of [`ts_elsewhere_name`]: a name with no local
/// assignment, followed through local assignments and `self.x = …` in the
/// enclosing class.
fn py_elsewhere_name(root: Node<'_>, src: &str, node: Node<'_>, hops: usize) -> Option<String> {
    let node = py::unwrap_expression(node);
    if hops >= MAX_HOPS {
        return None;
    }
    match node.kind_str() {
        "identifier" => {
            let name = text(node, src);
            match py::assignment_value(root, src, name, node.start_byte()) {
                Some(value) => py_elsewhere_name(root, src, value, hops + 1),
                None => Some(name.to_string()),
            }
        }
        "attribute" => {
            let object = node.field("object")?;
            if object.kind_str() == "identifier" && text(object, src) == "self" {
                let attribute = text(node.field("attribute")?, src);
                let value = py_self_field_value(node, src, attribute)?;
                return py_elsewhere_name(root, src, value, hops + 1);
            }
            let dotted = py::dotted_name(node, src)?;
            let head = dotted.split('.').next().unwrap_or_default();
            py::assignment_value(root, src, head, node.start_byte())
                .is_none()
                .then_some(dotted)
        }
        _ => None,
    }
}

/// What the enclosing class assigns to `self.<attribute>`.
fn py_self_field_value<'t>(node: Node<'t>, src: &str, attribute: &str) -> Option<Node<'t>> {
    let class = crate::lang::tree::ancestor(node, &["class_definition"])?;
    let mut assigned = None;
    walk(class, |n| {
        if assigned.is_some() {
            return false;
        }
        if n.kind_str() == "assignment" {
            let is_field = n.field("left").is_some_and(|l| {
                l.kind_str() == "attribute"
                    && l.field("object").is_some_and(|o| text(o, src) == "self")
                    && l.field("attribute")
                        .is_some_and(|a| text(a, src) == attribute)
            });
            if is_field {
                assigned = n.field("right");
            }
        }
        true
    });
    assigned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scan_for_table_calls_through_names_skips_builtins_and_strings() {
        assert!(may_name_table_through_constant("db.from(TABLE)"));
        assert!(may_name_table_through_constant(
            "qb.from<{ id: string }>(this.table)"
        ));
        assert!(may_name_table_through_constant("supabase.table(T)"));
        assert!(may_name_table_through_constant("client.from_(T)"));
        assert!(!may_name_table_through_constant("Array.from(items)"));
        assert!(!may_name_table_through_constant("console.table(rows)"));
        assert!(!may_name_table_through_constant("db.from('orgs')"));
        assert!(!may_name_table_through_constant("Object.fromEntries(x)"));
        assert!(has_table_call("db.from('orgs')"));
        assert!(!has_table_call("Buffer.from(s)"));
    }
}
