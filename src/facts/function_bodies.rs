//! What the functions of a TS/JS or Python file do, read on demand: the
//! functions by name, the routes whose handler is one of them (Express,
//! Hono and Koa registrations, Next.js route files, FastAPI and Flask
//! decorators), the functions that call a name, and a body's calls, strings,
//! embedded SQL and Python `del` statements in source order. One record
//! shape for both languages; a rule decides on the records.

mod js;
mod python;

pub use js::{next_route, pages_api_route};

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use crate::lang::sql;
use crate::lang::tree::{text, walk, NodeExt};
use crate::lang::{Family, ParsedFile};

/// HTTP methods that name route handlers (`router.post`, `export function POST`).
pub const HTTP_METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

/// A function of the file (stable while the file's tree lives).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FunctionId(usize);

/// A function of the file known by a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedFunction {
    pub function: FunctionId,
    /// As written, without a private field's `#`.
    pub name: String,
    pub span: Range<usize>,
}

/// A route whose handler is a function of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub function: FunctionId,
    /// The HTTP methods it answers, lower-case (`all` for `app.all`); none
    /// for a Pages Router API file, which answers every method.
    pub methods: Vec<String>,
    /// The full path with substitutions as `x`, for matching.
    pub path: String,
    /// The full path as written, for messages.
    pub display: String,
    /// Where the route is named: its path argument, an exported handler's
    /// name, a default export.
    pub span: Range<usize>,
}

/// A call, reduced to what deciding what it deletes needs; built from
/// either grammar.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct CallShape {
    pub name: String,
    /// Names along the receiver, root first: `this.tokenStore` →
    /// `["this", "tokenStore"]`; method names of calls in the chain are
    /// included (`supabase.from('t')` → `["supabase", "from"]`).
    pub receiver: Vec<String>,
    pub has_receiver: bool,
    /// Calls in the receiver chain with their first static string argument
    /// or first name argument; a call at the root (`knex('t')`) too.
    pub chain: Vec<(String, Option<String>, Option<String>)>,
    pub first_string: Option<String>,
    pub first_name: Option<String>,
    pub first_is_object_with_where: bool,
    pub arg_count: usize,
}

/// A call in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyCall {
    /// The callee's last name: `delete` of `db.tokens.delete(…)`.
    pub name: String,
    /// The names the arguments spell (`tokens`, `schema.oauthTokens` as
    /// `oauthTokens`); Python keyword arguments too.
    pub arg_names: Vec<String>,
    /// The keys of object arguments (`returning({ accessToken: … })` →
    /// `accessToken`); Python keyword names.
    pub arg_keys: Vec<String>,
    pub shape: CallShape,
    /// The value of the first argument folded to a string, as written.
    pub first_text: Option<String>,
    /// A call of the file's own functions: no receiver, or `this`/`super`
    /// (`self`/`cls` in Python).
    pub local: bool,
    /// Where the call is labelled: its callee when that fits on one line,
    /// else the method and its arguments.
    pub label_span: Range<usize>,
    /// The callee expression (the whole call when there is none).
    pub callee_span: Range<usize>,
    /// The call as a message shows it, at most 70 characters.
    pub rendered: String,
}

/// A subscript a Python `del` statement deletes: `del self._tokens[key]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelSubscript {
    /// The mapping's last name: `_tokens`.
    pub mapping: String,
    /// The first dotted name of the mapping: `self`.
    pub root: String,
    /// The mapping as written.
    pub written: String,
}

/// What a body holds, in source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEvent {
    /// A string literal (substitutions as `x`).
    Text(String),
    /// SQL embedded in a call (a `sql` tag, a raw query).
    Sql {
        value: String,
        span: Range<usize>,
    },
    Call(Box<BodyCall>),
    /// A Python `del` statement and the subscripts it deletes.
    Del {
        subscripts: Vec<DelSubscript>,
        span: Range<usize>,
    },
}

/// The functions of one file.
pub struct FileFunctions<'t> {
    family: Family,
    src: &'t str,
    root: Node<'t>,
    /// Every function node by id.
    nodes: HashMap<usize, Node<'t>>,
    /// Named functions by name.
    defs: HashMap<String, Vec<FunctionId>>,
    /// Functions known by a name, in source order.
    pub functions: Vec<NamedFunction>,
    /// Routes in the order they are read: Next.js exports, a Pages Router
    /// default export, then registrations (TS/JS); decorated functions
    /// (Python).
    pub routes: Vec<Route>,
}

impl<'t> FileFunctions<'t> {
    /// Reads a TS/JS or Python file's functions and routes (`None` for
    /// other languages or without a tree).
    pub fn read(file: &'t ParsedFile) -> Option<FileFunctions<'t>> {
        let tree = file.tree()?;
        let family = file.language.family();
        let mut facts = FileFunctions {
            family,
            src: file.text(),
            root: tree.root_node(),
            nodes: HashMap::new(),
            defs: HashMap::new(),
            functions: Vec::new(),
            routes: Vec::new(),
        };
        match family {
            Family::Js => js::read(&mut facts, file.path()),
            Family::Python => python::read(&mut facts),
            _ => return None,
        }
        Some(facts)
    }

    fn add_function(&mut self, node: Node<'t>) -> FunctionId {
        self.nodes.insert(node.id(), node);
        FunctionId(node.id())
    }

    fn add_named(&mut self, node: Node<'t>, name: &str, span: Range<usize>) {
        let function = self.add_function(node);
        self.defs
            .entry(name.to_string())
            .or_default()
            .push(function);
        self.functions.push(NamedFunction {
            function,
            name: name.to_string(),
            span,
        });
    }

    /// The functions of the file named `name`.
    pub fn defined(&self, name: &str) -> &[FunctionId] {
        self.defs.get(name).map_or(&[], Vec::as_slice)
    }

    /// The name of the class a function is a method of.
    pub fn class_name(&self, function: FunctionId) -> Option<&'t str> {
        let kinds: &[&str] = match self.family {
            Family::Js => &["class_declaration", "class"],
            _ => &["class_definition"],
        };
        let node = self.nodes.get(&function.0)?;
        let class = node
            .parent()
            .and_then(|p| crate::lang::tree::ancestor(p, kinds))?;
        class.field("name").map(|name| text(name, self.src))
    }

    /// The functions of the file that call `name` (the nearest function
    /// around each call).
    pub fn callers(&self, name: &str) -> Vec<FunctionId> {
        let kinds: &[&str] = match self.family {
            Family::Js => crate::lang::typescript::FUNCTION_KINDS,
            _ => &["function_definition"],
        };
        let mut out = Vec::new();
        walk(self.root, |node| {
            let callee = match self.family {
                Family::Js => crate::lang::typescript::call(node).map(|c| text(c.name, self.src)),
                _ => crate::lang::python::call(node).map(|c| text(c.name, self.src)),
            };
            if callee == Some(name) {
                if let Some(caller) = node
                    .parent()
                    .and_then(|p| crate::lang::tree::ancestor(p, kinds))
                {
                    out.push(FunctionId(caller.id()));
                }
            }
            true
        });
        out
    }

    /// What a function's body holds, in source order (empty without a
    /// body).
    pub fn body(&self, function: FunctionId) -> Vec<BodyEvent> {
        let Some(body) = self
            .nodes
            .get(&function.0)
            .and_then(|node| node.field("body"))
        else {
            return Vec::new();
        };
        match self.family {
            Family::Js => js::body(body, self.src),
            _ => python::body(body, self.src),
        }
    }
}

/// A table a SQL `delete from t` statement deletes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedTable {
    /// The table's last name part.
    pub table: String,
    /// `delete from public.tokens`, as written.
    pub written: String,
}

/// The tables the `delete` statements of a SQL text delete from, in order
/// (none unless the text starts with `delete`).
pub fn sql_deleted_tables(value: &str) -> Vec<DeletedTable> {
    let mut out = Vec::new();
    if !value
        .trim_start()
        .get(..6)
        .is_some_and(|head| head.eq_ignore_ascii_case("delete"))
    {
        return out;
    }
    for statement in sql::parse_statements(value) {
        let tokens = &statement.tokens;
        if !tokens
            .first()
            .is_some_and(|t| t.is_keyword(value, "delete"))
        {
            continue;
        }
        let Some(from) = statement.find_keyword(value, "from", 1) else {
            continue;
        };
        let mut at = from + 1;
        if tokens.get(at).is_some_and(|t| t.is_keyword(value, "only")) {
            at += 1;
        }
        if let Some((parts, span, _)) = sql::qualified_name_at(&statement, at, value) {
            if let Some(table) = parts.last() {
                out.push(DeletedTable {
                    table: table.to_string(),
                    written: format!("delete from {}", crate::source::slice(value, span)),
                });
            }
        }
    }
    out
}

/// A call as the message shows it: `supabase.from('connections').delete()`,
/// with long or complex arguments as `…`; at most 70 characters.
fn shorten(rendered: String) -> String {
    let count = rendered.chars().count();
    if count <= 70 {
        return rendered;
    }
    let tail: String = rendered.chars().skip(count - 69).collect();
    format!("…{tail}")
}

/// A lone argument as written when it is a short string or a name, else
/// `…`.
fn render_args(args: &[Node<'_>], src: &str, plain: &[&str]) -> String {
    match args {
        [] => String::new(),
        [only] if plain.contains(&only.kind_str()) => {
            let written = text(*only, src);
            if written.len() <= 40 && !written.contains('\n') {
                written.to_string()
            } else {
                "…".to_string()
            }
        }
        _ => "…".to_string(),
    }
}

/// Where a call is labelled: its callee when that fits on one line, else
/// the method and its arguments (`delete()` at the end of a long chain).
fn label_span(call: Node<'_>, name: Node<'_>, src: &str) -> Range<usize> {
    let callee = call
        .field("function")
        .map_or(call.byte_range(), |f| f.byte_range());
    if crate::source::slice(src, callee.clone()).contains('\n') {
        name.start_byte()..call.end_byte()
    } else {
        callee
    }
}

/// The callee expression of a call, else the whole call.
fn callee_span(call: Node<'_>) -> Range<usize> {
    call.field("function")
        .map_or(call.byte_range(), |f| f.byte_range())
}
