//! What code does to a table, and the ORMs and query builders that name a
//! table by a model rather than a string: the verb of a table reference
//! (read, write, delete, schema) from the statement or the call chain, and
//! the table uses of Knex's callable form, Drizzle, Prisma, SQLAlchemy and
//! Django. A model or instance defined in another module is left as a name
//! for the project model ([`ModuleModels`], read per module).

use std::ops::Range;

use serde::{Deserialize, Serialize};
use tree_sitter::Node;

use crate::lang::tree::{named_children, text, walk, NodeExt};
use crate::lang::{python as py, typescript as ts, Family, Language, ParsedFile};

/// What a statement or call does to a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Verb {
    /// `select`, `join`, a `returning` read, `findMany`, `session.query`.
    Read,
    /// `insert`, `update`, `upsert`, `merge`, `create`, `session.add`.
    Write,
    /// `delete`, `truncate`.
    Delete,
    /// Creating, altering or declaring the table: `create table`, `alter
    /// table`, policies, indexes, grants, Drizzle `pgTable`, SQLAlchemy
    /// `Table`/`__tablename__`, knex `createTable`.
    Schema,
}

impl Verb {
    pub const ALL: [Verb; 4] = [Verb::Read, Verb::Write, Verb::Delete, Verb::Schema];

    pub fn name(self) -> &'static str {
        match self {
            Verb::Read => "read",
            Verb::Write => "write",
            Verb::Delete => "delete",
            Verb::Schema => "schema",
        }
    }

    pub fn parse(name: &str) -> Option<Verb> {
        Verb::ALL.into_iter().find(|v| v.name() == name.trim())
    }

    /// The verbs of a rule's `verbs` option; `None` for every use (the
    /// option left out, or all four listed).
    pub fn parse_option(verbs: Option<&[String]>) -> Result<Option<Vec<Verb>>, String> {
        let Some(verbs) = verbs else {
            return Ok(None);
        };
        if verbs.is_empty() {
            return Err(
                "list at least one of `read`, `write`, `delete`, `schema` (or leave `verbs` out for all)"
                    .to_string(),
            );
        }
        let mut parsed = Vec::new();
        for verb in verbs {
            let Some(v) = Verb::parse(verb) else {
                return Err(format!(
                    "`{verb}` is not a verb: use `read`, `write`, `delete` or `schema`"
                ));
            };
            parsed.push(v);
        }
        Ok((!Verb::ALL.iter().all(|v| parsed.contains(v))).then_some(parsed))
    }
}

/// Words of a file that uses ORM models: the ORMs' names and calls only
/// their users write (a model imported from another module need not spell
/// its table).
pub const ORM_MARKERS: &[&str] = &[
    "prisma",
    "drizzle",
    "sqlalchemy",
    "sqlmodel",
    ".objects.",
    "session.query(",
    "session.add(",
];

/// The stem of a table name that a model or field named after it spells,
/// compared without case or `_`: `ledgerentr` of `ledger_entries`, which
/// `LedgerEntry` and `ledgerEntries` spell.
pub fn table_stem(table: &str) -> String {
    let bare: String = table
        .rsplit('.')
        .next()
        .unwrap_or(table)
        .chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let keep = bare.len().saturating_sub(3).max(4.min(bare.len()));
    bare.chars().take(keep).collect()
}

/// Whether a model's name spells a table's stem.
pub fn model_resembles(model: &str, stem: &str) -> bool {
    let model: String = model
        .chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    !stem.is_empty() && model.contains(stem)
}

// ---- the verb of a reference ------------------------------------------------

/// Starters that say the verb themselves: Kysely, knex `into`, schema
/// builders, table declarations.
fn starter_verb(name: &str) -> Option<Verb> {
    Some(match name {
        "selectFrom" => Verb::Read,
        "insertInto" | "replaceInto" | "mergeInto" | "updateTable" | "into" => Verb::Write,
        "deleteFrom" => Verb::Delete,
        "createTable"
        | "createTableIfNotExists"
        | "alterTable"
        | "pgTable"
        | "mysqlTable"
        | "sqliteTable"
        | "Table" => Verb::Schema,
        _ => return None,
    })
}

/// A method later in a query-builder chain that says what the query does
/// (supabase-js/py, knex, Kysely, Drizzle).
fn chain_verb(name: &str) -> Option<Verb> {
    Some(match name {
        "select" | "selectAll" | "first" | "pluck" | "count" | "countDistinct" | "min" | "max"
        | "sum" | "avg" | "exists" => Verb::Read,
        "insert" | "update" | "upsert" | "increment" | "decrement" | "set" | "values" => {
            Verb::Write
        }
        "delete" | "del" | "truncate" => Verb::Delete,
        _ => return None,
    })
}

/// The verb of the table reference at `span` of a TS/JS or Python file:
/// the call naming it (`selectFrom`, `pgTable`), else the first method of
/// its chain that says (`.from('t').update(…)`), else the SQL statement it
/// is in. `None` when the code does not say.
pub fn code_verb(file: &ParsedFile, root: Node<'_>, span: Range<usize>) -> Option<Verb> {
    let node = root.descendant_for_byte_range(span.start, span.end)?;
    if node.byte_range() != span {
        // A name inside a string: SQL handed to the database.
        return sql_verb(file.text(), span.start);
    }
    let python = file.language.family() == Family::Python;
    let parent = node.parent()?;
    match parent.kind_str() {
        // __tablename__ = "t"
        "assignment" => Some(Verb::Schema),
        // .on('postgres_changes', { table: 't' }, …): a subscription reads.
        "pair" => Some(Verb::Read),
        "arguments" | "argument_list" => {
            let call = parent.parent()?;
            let name = call_name(call, file.text(), python)?;
            starter_verb(&name).or_else(|| verb_along_chain(call, file.text(), python))
        }
        _ => None,
    }
}

/// The method or function name of a call.
fn call_name(call: Node<'_>, src: &str, python: bool) -> Option<String> {
    let name = if python {
        py::call(call)?.name
    } else {
        ts::call(call)?.name
    };
    Some(text(name, src).to_string())
}

/// How many calls of a chain [`verb_along_chain`] reads.
const MAX_CHAIN: usize = 32;

/// The first verb of the calls chained on `call`: `x.from('t').select()`.
pub fn verb_along_chain(call: Node<'_>, src: &str, python: bool) -> Option<Verb> {
    let mut current = call;
    for _ in 0..MAX_CHAIN {
        let (member_kind, object_field, property_field, call_kind) = if python {
            ("attribute", "object", "attribute", "call")
        } else {
            ("member_expression", "object", "property", "call_expression")
        };
        let mut member = current.parent()?;
        // `x.from('t')!.select()`.
        if member.kind_str() == "non_null_expression" {
            member = member.parent()?;
        }
        if member.kind_str() != member_kind
            || member.field(object_field).map(|o| o.end_byte()) != Some(current.end_byte())
        {
            return None;
        }
        let next = member.parent().filter(|c| c.kind_str() == call_kind)?;
        if let Some(verb) = member
            .field(property_field)
            .and_then(|p| chain_verb(text(p, src)))
        {
            return Some(verb);
        }
        current = next;
    }
    None
}

/// The verb of the SQL statement that names a table at `at` of `text` (a
/// SQL file, or a string in code), from the keywords before the name.
pub fn sql_verb(text: &str, at: usize) -> Option<Verb> {
    let mut words = PreviousWords { text, at };
    let mut word = words.next()?;
    while matches!(word.as_str(), "only" | "exists" | "not" | "if") {
        word = words.next()?;
    }
    match word.as_str() {
        "from" => Some(if words.next().as_deref() == Some("delete") {
            Verb::Delete
        } else {
            Verb::Read
        }),
        "join" | "using" => Some(Verb::Read),
        "into" | "update" => Some(Verb::Write),
        "truncate" => Some(Verb::Delete),
        "references" | "on" => Some(Verb::Schema),
        "table" => match words.next().as_deref() {
            Some("truncate") => Some(Verb::Delete),
            Some("create" | "alter" | "temporary" | "temp" | "unlogged") => Some(Verb::Schema),
            Some("into") => Some(Verb::Write),
            _ => None,
        },
        _ => None,
    }
}

/// Words of `text` before `at`, nearest first, lower-cased; quotes,
/// brackets and punctuation between them are skipped, a `;` ends them.
struct PreviousWords<'t> {
    text: &'t str,
    at: usize,
}

/// How far back [`PreviousWords`] looks for one word: a keyword is near
/// its table, and a long run of punctuation or one huge word must not make
/// each reference scan the file.
const WORD_REACH: usize = 64;

impl Iterator for PreviousWords<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        let bytes = self.text.as_bytes();
        let mut end = self.at.min(bytes.len());
        let floor = end.saturating_sub(WORD_REACH);
        while end > floor && !is_word_byte(bytes[end - 1]) {
            if bytes[end - 1] == b';' {
                return None;
            }
            end -= 1;
        }
        let floor = end.saturating_sub(WORD_REACH);
        let mut start = end;
        while start > floor && is_word_byte(bytes[start - 1]) {
            start -= 1;
        }
        if start == end {
            return None;
        }
        self.at = start;
        Some(crate::source::slice(self.text, start..end).to_ascii_lowercase())
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

// ---- models and instances a module defines --------------------------------

/// The table models and query-builder instances a module defines at its top
/// level, for another module that uses them by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleModels {
    /// Model or table object → the table it maps to: Drizzle `const users
    /// = pgTable('users', …)`, SQLAlchemy `__tablename__`/`Table("t", …)`,
    /// Django `Meta.db_table`.
    pub models: Vec<(String, String)>,
    /// Name → the factory it was made by: `const db = knex(config)`.
    pub instances: Vec<(String, String)>,
}

impl ModuleModels {
    pub fn model(&self, name: &str) -> Option<&str> {
        self.models
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    }

    pub fn instance(&self, name: &str) -> Option<&str> {
        self.instances
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f.as_str())
    }
}

/// Factories whose result is a Knex instance, callable as `db('t')`.
pub const KNEX_FACTORIES: &[&str] = &["knex", "Knex"];

/// Drizzle's table declarations.
const DRIZZLE_TABLES: &[&str] = &["pgTable", "mysqlTable", "sqliteTable"];

/// Reads the models and instances a module defines at its top level.
pub fn module_models(language: Language, root: Node<'_>, src: &str) -> ModuleModels {
    let mut out = ModuleModels::default();
    match language.family() {
        Family::Js => {
            for statement in named_children(root) {
                let statement = match statement.kind_str() {
                    "export_statement" => match statement.field("declaration") {
                        Some(d) => d,
                        None => continue,
                    },
                    _ => statement,
                };
                if !matches!(
                    statement.kind_str(),
                    "lexical_declaration" | "variable_declaration"
                ) {
                    continue;
                }
                for declarator in named_children(statement) {
                    let (Some(name), Some(value)) =
                        (declarator.field("name"), declarator.field("value"))
                    else {
                        continue;
                    };
                    if name.kind_str() != "identifier" {
                        continue;
                    }
                    js_binding(text(name, src), value, src, &mut out);
                }
            }
        }
        Family::Python => {
            for statement in named_children(root) {
                let statement = match statement.kind_str() {
                    "decorated_definition" => match statement.field("definition") {
                        Some(d) => d,
                        None => continue,
                    },
                    _ => statement,
                };
                match statement.kind_str() {
                    "class_definition" => {
                        if let (Some(name), Some(table)) =
                            (statement.field("name"), py_class_table(statement, src))
                        {
                            out.models.push((text(name, src).to_string(), table));
                        }
                    }
                    "expression_statement" => py_binding(statement, src, &mut out),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out
}

/// `name = <value>` in TS/JS: a Drizzle table or a Knex instance.
fn js_binding(name: &str, value: Node<'_>, src: &str, out: &mut ModuleModels) {
    let value = ts::unwrap_expression(value);
    if let Some(table) = drizzle_table(value, src) {
        out.models.push((name.to_string(), table));
    } else if let Some(factory) = knex_factory(value, src) {
        out.instances.push((name.to_string(), factory));
    }
}

/// `pgTable('t', …)`: the table it declares.
pub fn drizzle_table(value: Node<'_>, src: &str) -> Option<String> {
    let call = ts::call(ts::unwrap_expression(value))?;
    if call.receiver.is_some() || !DRIZZLE_TABLES.contains(&text(call.name, src)) {
        return None;
    }
    let lit = ts::fold_string(ts::unwrap_expression(*call.args.first()?), src)?;
    lit.is_static().then_some(lit.value)
}

/// `knex(config)`, `Knex(config)`, `Knex.knex(config)` or
/// `require('knex')(config)`: the factory's name.
pub fn knex_factory(value: Node<'_>, src: &str) -> Option<String> {
    let value = ts::unwrap_expression(value);
    if value.kind_str() != "call_expression" {
        return None;
    }
    let function = ts::unwrap_expression(value.field("function")?);
    let name = match function.kind_str() {
        "identifier" => text(function, src).to_string(),
        "member_expression" => text(function.field("property")?, src).to_string(),
        "call_expression" => {
            // require('knex')(config)
            let inner = ts::call(function)?;
            let module = inner.args.first()?;
            if text(inner.name, src) != "require"
                || ts::fold_string(*module, src).map(|l| l.value).as_deref() != Some("knex")
            {
                return None;
            }
            "knex".to_string()
        }
        _ => return None,
    };
    KNEX_FACTORIES.contains(&name.as_str()).then_some(name)
}

/// `name = Table("t", metadata, …)` at a Python module's top level.
fn py_binding(statement: Node<'_>, src: &str, out: &mut ModuleModels) {
    let Some(assignment) = statement
        .named_child(0)
        .filter(|a| a.kind_str() == "assignment")
    else {
        return;
    };
    let (Some(left), Some(right)) = (assignment.field("left"), assignment.field("right")) else {
        return;
    };
    if left.kind_str() != "identifier" {
        return;
    }
    if let Some(table) = sqlalchemy_table(right, src) {
        out.models.push((text(left, src).to_string(), table));
    }
}

/// `Table("t", metadata, …)` (also `sa.Table`).
fn sqlalchemy_table(value: Node<'_>, src: &str) -> Option<String> {
    let call = py::call(value)?;
    if text(call.name, src) != "Table" || call.args.len() < 2 {
        return None;
    }
    let lit = py::fold_string(*call.args.first()?, src)?;
    lit.is_static().then_some(lit.value)
}

/// The table of a Python model class: `__tablename__ = "t"` or a Django
/// `class Meta: db_table = "t"`.
fn py_class_table(class: Node<'_>, src: &str) -> Option<String> {
    let body = class.field("body")?;
    for statement in named_children(body) {
        match statement.kind_str() {
            "expression_statement" => {
                if let Some(value) = class_constant(statement, src, "__tablename__") {
                    return Some(value);
                }
            }
            "class_definition"
                if statement
                    .field("name")
                    .is_some_and(|n| text(n, src) == "Meta") =>
            {
                let meta = statement.field("body")?;
                for inner in named_children(meta) {
                    if let Some(value) = class_constant(inner, src, "db_table") {
                        return Some(value);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// `NAME = "value"` as a statement of a class body.
fn class_constant(statement: Node<'_>, src: &str, wanted: &str) -> Option<String> {
    let assignment = statement
        .named_child(0)
        .filter(|a| a.kind_str() == "assignment")?;
    let left = assignment.field("left")?;
    if text(left, src) != wanted {
        return None;
    }
    let lit = py::fold_string(assignment.field("right")?, src)?;
    lit.is_static().then_some(lit.value)
}

// ---- table uses through models and instances -------------------------------

/// What names the table of an ORM use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrmTable {
    /// A table name known in this file.
    Named(String),
    /// A model or table object defined in another module: `users` in
    /// `db.insert(users)`, `Ledger` in `select(Ledger)`.
    Model(String),
    /// A Prisma model accessor: `ledgerEntry` in
    /// `prisma.ledgerEntry.create(…)`.
    Prisma(String),
    /// A table named by a string to a callable of another module that may
    /// be a Knex instance: `db('ledger')` with `db` imported.
    KnexCall { callee: String, table: String },
}

/// One use of a table through an ORM or query builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrmUse {
    pub span: Range<usize>,
    pub table: OrmTable,
    pub verb: Option<Verb>,
}

/// Drizzle's statement starters on a database object and the verb each
/// starts; `from` and joins follow `db.select()`.
fn drizzle_verb(name: &str) -> Option<Verb> {
    Some(match name {
        "insert" => Verb::Write,
        "update" => Verb::Write,
        "delete" => Verb::Delete,
        "from" | "innerJoin" | "leftJoin" | "rightJoin" | "fullJoin" => Verb::Read,
        _ => return None,
    })
}

/// Prisma model methods and their verbs.
fn prisma_verb(name: &str) -> Option<Verb> {
    Some(match name {
        "findMany" | "findUnique" | "findFirst" | "findUniqueOrThrow" | "findFirstOrThrow"
        | "count" | "aggregate" | "groupBy" => Verb::Read,
        "create"
        | "createMany"
        | "createManyAndReturn"
        | "update"
        | "updateMany"
        | "updateManyAndReturn"
        | "upsert" => Verb::Write,
        "delete" | "deleteMany" => Verb::Delete,
        _ => return None,
    })
}

/// SQLAlchemy statement functions and session methods, and their verbs.
fn sqlalchemy_verb(name: &str, method: bool) -> Option<Verb> {
    Some(match (name, method) {
        ("select", false) | ("query" | "get", true) => Verb::Read,
        ("insert" | "update", false) => Verb::Write,
        ("delete", false) => Verb::Delete,
        _ => return None,
    })
}

/// Django manager methods and their verbs.
fn django_verb(name: &str) -> Option<Verb> {
    Some(match name {
        "all" | "filter" | "exclude" | "get" | "first" | "last" | "count" | "exists" | "values"
        | "values_list" | "aggregate" | "annotate" | "order_by" | "raw" => Verb::Read,
        "create" | "bulk_create" | "update" | "bulk_update" | "get_or_create"
        | "update_or_create" => Verb::Write,
        "delete" => Verb::Delete,
        _ => return None,
    })
}

/// The table uses of a TS/JS or Python file through Knex's callable form,
/// Drizzle, Prisma, SQLAlchemy and Django. `imported` says whether a name
/// is bound by an import (only those are left to the project model).
pub fn orm_uses(file: &ParsedFile, root: Node<'_>, imported: &dyn Fn(&str) -> bool) -> Vec<OrmUse> {
    let src = file.text();
    let local = module_models(file.language, root, src);
    let mut out = Vec::new();
    match file.language.family() {
        Family::Js => walk(root, |node| {
            if let Some(call) = ts::call(node) {
                js_use(&call, src, &local, imported, &mut out);
            }
            true
        }),
        Family::Python => walk(root, |node| {
            if let Some(call) = py::call(node) {
                py_use(&call, src, &local, imported, &mut out);
            }
            true
        }),
        _ => {}
    }
    out
}

/// The table a model name stands for: known in this file, or left to the
/// model when imported.
fn model_table(
    name: &str,
    local: &ModuleModels,
    imported: &dyn Fn(&str) -> bool,
) -> Option<OrmTable> {
    match local.model(name) {
        Some(table) => Some(OrmTable::Named(table.to_string())),
        None if imported(name) => Some(OrmTable::Model(name.to_string())),
        None => None,
    }
}

fn js_use(
    call: &ts::Call<'_>,
    src: &str,
    local: &ModuleModels,
    imported: &dyn Fn(&str) -> bool,
    out: &mut Vec<OrmUse>,
) {
    let name = text(call.name, src);
    match call.receiver.map(ts::unwrap_expression) {
        // db('ledger').where(…).update(…)
        None => {
            let Some(arg) = call.args.first() else { return };
            let Some(lit) = ts::fold_string(ts::unwrap_expression(*arg), src) else {
                return;
            };
            if !lit.is_static() {
                return;
            }
            let table = lit
                .value
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            let target = if local.instance(name).is_some() {
                OrmTable::Named(table)
            } else if imported(name) {
                OrmTable::KnexCall {
                    callee: name.to_string(),
                    table,
                }
            } else {
                return;
            };
            out.push(OrmUse {
                span: arg.byte_range(),
                table: target,
                verb: verb_along_chain(call.node, src, false),
            });
        }
        Some(receiver) => {
            // prisma.ledgerEntry.create(…), tx.ledgerEntry.delete(…)
            if let Some(verb) = prisma_verb(name) {
                if let Some(model) = prisma_accessor(receiver, src) {
                    out.push(OrmUse {
                        span: model.byte_range(),
                        table: OrmTable::Prisma(text(model, src).to_string()),
                        verb: Some(verb),
                    });
                }
            }
            // db.insert(users), db.select().from(users)
            if let Some(verb) = drizzle_verb(name) {
                let Some(arg) = call.args.first().map(|a| ts::unwrap_expression(*a)) else {
                    return;
                };
                if arg.kind_str() != "identifier" {
                    return;
                }
                if let Some(table) = model_table(text(arg, src), local, imported) {
                    out.push(OrmUse {
                        span: arg.byte_range(),
                        table,
                        verb: Some(verb),
                    });
                }
            }
        }
    }
}

/// The model accessor of `client.model` when the client is a Prisma
/// client: its name says Prisma (`prisma`, `this.prisma`, `ctx.prisma`), or
/// it is an interactive transaction's `tx`.
fn prisma_accessor<'t>(receiver: Node<'t>, src: &str) -> Option<Node<'t>> {
    if receiver.kind_str() != "member_expression" {
        return None;
    }
    let client = text(receiver.field("object")?, src);
    (client.to_ascii_lowercase().contains("prisma") || client == "tx")
        .then(|| receiver.field("property"))
        .flatten()
}

fn py_use(
    call: &py::Call<'_>,
    src: &str,
    local: &ModuleModels,
    imported: &dyn Fn(&str) -> bool,
    out: &mut Vec<OrmUse>,
) {
    let name = text(call.name, src);
    let method = call.receiver.is_some();
    // select(Ledger), session.query(Ledger), insert(ledger_table)
    if let Some(verb) = sqlalchemy_verb(name, method) {
        if let Some(arg) = call.args.first() {
            push_py_model(*arg, src, local, imported, Some(verb), out);
        }
    }
    // session.add(Ledger(...)), session.add_all([Ledger(...)])
    if method && matches!(name, "add" | "add_all" | "merge") {
        for arg in &call.args {
            let items = if arg.kind_str() == "list" {
                named_children(*arg)
            } else {
                vec![*arg]
            };
            for item in items {
                if let Some(constructor) = py::call(item).filter(|c| c.receiver.is_none()) {
                    push_py_model(
                        constructor.name,
                        src,
                        local,
                        imported,
                        Some(Verb::Write),
                        out,
                    );
                }
            }
        }
    }
    // Ledger.objects.create(...)
    if let (Some(verb), Some(receiver)) = (django_verb(name), call.receiver) {
        let manager = receiver
            .kind_str()
            .eq("attribute")
            .then(|| receiver.field("attribute"))
            .flatten()
            .is_some_and(|a| text(a, src) == "objects");
        if manager {
            if let Some(model) = receiver.field("object") {
                let verb = django_chain_verb(call.node, src).unwrap_or(verb);
                push_py_model(model, src, local, imported, Some(verb), out);
            }
        }
    }
}

/// A write or delete later in a Django queryset chain:
/// `Entry.objects.filter(…).update(…)`.
fn django_chain_verb(call: Node<'_>, src: &str) -> Option<Verb> {
    let mut current = call;
    for _ in 0..MAX_CHAIN {
        let member = current.parent().filter(|m| m.kind_str() == "attribute")?;
        let next = member.parent().filter(|c| c.kind_str() == "call")?;
        let verb = member
            .field("attribute")
            .and_then(|a| django_verb(text(a, src)));
        if matches!(verb, Some(Verb::Write | Verb::Delete)) {
            return verb;
        }
        current = next;
    }
    None
}

/// Table names in SQL a Python call hands to the database
/// (`text("…")`, `cursor.execute("…")`), with the span of each name.
pub fn py_embedded_sql(
    root: Node<'_>,
    src: &str,
    tables: &crate::facts::tables::TableSet,
    found: &mut dyn FnMut(Range<usize>, &str),
) {
    walk(root, |node| {
        let Some(call) = py::call(node) else {
            return true;
        };
        if !crate::facts::sql_calls::is_sql_call(text(call.name, src)) {
            return true;
        }
        if let Some(lit) = call.args.first().and_then(|a| py::fold_string(*a, src)) {
            crate::facts::tables::embedded_sql_references(&lit, tables, found);
        }
        true
    });
}

fn push_py_model(
    node: Node<'_>,
    src: &str,
    local: &ModuleModels,
    imported: &dyn Fn(&str) -> bool,
    verb: Option<Verb>,
    out: &mut Vec<OrmUse>,
) {
    if node.kind_str() != "identifier" {
        return;
    }
    if let Some(table) = model_table(text(node, src), local, imported) {
        out.push(OrmUse {
            span: node.byte_range(),
            table,
            verb,
        });
    }
}

/// Prisma's default table of a model accessed as `accessor`
/// (`ledgerEntry` → model `LedgerEntry`), and whether `table` is it by
/// name: the model's name itself, or its snake_case.
pub fn prisma_names_table(accessor: &str, table: &str) -> bool {
    let mut snake = String::new();
    for (i, c) in accessor.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    table.eq_ignore_ascii_case(accessor) || table.eq_ignore_ascii_case(&snake)
}

/// The table a Prisma model accessor maps to in a `schema.prisma` text:
/// the model's `@@map("t")`, else the model's name. `None` when no model
/// answers to the accessor.
pub fn prisma_table(schema: &str, accessor: &str) -> Option<String> {
    let mut lines = schema.lines();
    while let Some(line) = lines.next() {
        let mut words = line.split_whitespace();
        if words.next() != Some("model") {
            continue;
        }
        let Some(model) = words.next() else { continue };
        let mut first = model.chars();
        let lowered: String = first
            .next()
            .map(|c| c.to_ascii_lowercase())
            .into_iter()
            .chain(first)
            .collect();
        if lowered != accessor {
            continue;
        }
        for line in lines.by_ref() {
            let line = line.trim();
            if line.starts_with('}') {
                break;
            }
            if let Some(rest) = line.strip_prefix("@@map(") {
                let name = rest.trim_start().trim_start_matches("name:").trim();
                if let Some(value) = name.strip_prefix('"').and_then(|r| r.split('"').next()) {
                    return Some(value.to_string());
                }
            }
        }
        return Some(model.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_verbs_come_from_the_keywords_before_the_name() {
        let cases = [
            ("select * from ledger where id = 1", Some(Verb::Read)),
            ("delete from ledger where id = 1", Some(Verb::Delete)),
            ("delete from only ledger", Some(Verb::Delete)),
            ("insert into ledger (id) values (1)", Some(Verb::Write)),
            ("update ledger set x = 1", Some(Verb::Write)),
            ("truncate table ledger", Some(Verb::Delete)),
            ("truncate ledger", Some(Verb::Delete)),
            (
                "create table if not exists ledger (id int)",
                Some(Verb::Schema),
            ),
            ("alter table ledger add column x int", Some(Verb::Schema)),
            ("select * from a join ledger on true", Some(Verb::Read)),
            ("create index ledger_idx on ledger (id)", Some(Verb::Schema)),
            ("merge into ledger using staged on true", Some(Verb::Write)),
            ("select 1; ledger", None),
        ];
        for (sql, verb) in cases {
            let at = sql.rfind("ledger").unwrap();
            assert_eq!(sql_verb(sql, at), verb, "{sql}");
        }
        let sql = "insert into ledger select * from staged_ledger";
        assert_eq!(sql_verb(sql, sql.find("staged").unwrap()), Some(Verb::Read));
    }

    #[test]
    fn models_resemble_the_tables_they_are_named_after() {
        let stem = table_stem("public.ledger_entries");
        assert_eq!(stem, "ledgerentr");
        assert!(model_resembles("LedgerEntry", &stem));
        assert!(model_resembles("ledgerEntries", &stem));
        assert!(!model_resembles("accounts", &stem));
        assert_eq!(table_stem("users"), "user");
        assert_eq!(table_stem("t"), "t");
    }

    #[test]
    fn prisma_tables_follow_map_or_the_model_name() {
        let schema = "model LedgerEntry {\n  id Int @id\n  @@map(\"ledger_entries\")\n}\n\nmodel User {\n  id Int @id\n}\n";
        assert_eq!(
            prisma_table(schema, "ledgerEntry").as_deref(),
            Some("ledger_entries")
        );
        assert_eq!(prisma_table(schema, "user").as_deref(), Some("User"));
        assert_eq!(prisma_table(schema, "account"), None);
        assert!(prisma_names_table("ledgerEntry", "ledger_entry"));
        assert!(prisma_names_table("ledgerEntry", "LedgerEntry"));
        assert!(!prisma_names_table("ledgerEntry", "ledger_entries"));
    }
}
