//! The `cached-factory-result` rule kind: the result of a must-not-cache
//! factory kept somewhere that outlives one use.

use crate::lang::tree::NodeExt;
use std::ops::Range;

use serde::Deserialize;
use tree_sitter::Node;

use super::forbidden_definition::FunctionNames;
use crate::lang::tree::{named_children, text, walk};
use crate::lang::typescript::FUNCTION_KINDS;
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};
use crate::roles::is_test_path;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags the result of a call to one of `factories` (by default
    /// `getUncachable*Client`) stored where it outlives one use:
    ///
    /// - module scope: `const gmail = await getUncachableGmailClient()` at the
    ///   top of a module (also without `await`, destructured from
    ///   `Promise.all`, wrapped as `new GmailService(await …)`, inside an
    ///   exported object, or as the default export), and Python module-level
    ///   assignments (also in a top-level `try`/`with`);
    /// - a module-level variable assigned from anywhere, which covers the
    ///   memo `let c; … if (!c) c = await …`, `c ??= await …`, `c ||= …` and
    ///   Python's `global client` followed by an assignment;
    /// - a property of a module-level object, class or import
    ///   (`clients.gmail = …`, `GmailService.client = …`), and application
    ///   state (`app.state.gmail`, `app.locals.gmail`);
    /// - a global: `globalThis.x`, `global.x`, `window.x`;
    /// - a class static: `static client = …`, `this.client = …` in a static
    ///   method or static block, `this.constructor.client = …`, Python class
    ///   attributes and `cls.client = …`;
    /// - a keyed cache: `cache.set(key, await …)`, `cache[key] = …`,
    ///   `clients.push(…)`, `cache.setdefault(key, …)` on a module-level or
    ///   instance container;
    /// - a local of a setup function that a long-lived callback reads: a
    ///   route handler registered in it (`app.get('/path', …)`, FastAPI or
    ///   Flask `@app.get("/path")`), `app.use(…)` middleware, a
    ///   `setInterval` callback or a cron job (`cron.schedule`, `new
    ///   CronJob`), as in Express's `registerRoutes(app)`;
    /// - a closure's memo: `let c; return async () => (c ??= await …)`, a
    ///   guarded assignment to a variable of an enclosing function;
    /// - a memoizing wrapper: the result returned from a function decorated
    ///   with `@lru_cache`, `@cache`, `@functools.lru_cache(maxsize=…)`,
    ///   `@cached_property`, `@cached`, `@alru_cache`, `@st.cache_resource`,
    ///   or TS `@Memoize()`; a function (or the factory itself) passed to
    ///   `memoize`, `_.memoize`, `once`, `pMemoize`, `memoizeOne`, `moize`,
    ///   `mem`, or Python `functools.cache(…)`.
    ///
    /// Instance fields are a judgement call: an object made per request may
    /// keep a client for that request. So `this.client = …` (or
    /// `self.client = …`) is flagged only when the instance outlives
    /// requests or the field is used as a cache: the class is instantiated
    /// at module scope in the same file (`export const gmail = new
    /// GmailService()`), is a NestJS/typedi `@Injectable()`/`@Service()`
    /// singleton (not request- or transient-scoped), the assignment is a
    /// memo (`this.client ??= …`, `if (!this.client) this.client = …`,
    /// `if self._client is None: …`), or the field is a keyed cache.
    ///
    /// Not flagged: a local `const client = await getUncachableX()` in a
    /// function, returning it, passing it on, calling a method on it
    /// directly (`(await getUncachableX()).send(…)`), functions named like
    /// the factory, the factory's own definition, imports, a script's
    /// `if __name__ == "__main__":` block and loop bodies. Test files
    /// (`tests/`, `__tests__/`, `*.test.*`, `*.spec.*`, `test_*.py`) are
    /// skipped.
    ///
    /// The finding is labelled on the factory call (on the factory's name
    /// when the factory itself is handed to a memoizing wrapper); the
    /// message says where the result is kept.
    ///
    /// ## Why is this bad?
    /// Such factories build a client from a short-lived token that the
    /// platform refreshes behind the scenes. A cached client keeps the token
    /// it was built with and starts failing with 401s once that token
    /// expires, typically hours after a deploy and only in long-lived
    /// processes.
    ///
    /// ## Example
    /// ```ts
    /// const gmail = await getUncachableGmailClient();
    ///
    /// export async function sendDigest(to: string) {
    ///   await gmail.users.messages.send({ userId: 'me', requestBody: build(to) });
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// export async function sendDigest(to: string) {
    ///   const gmail = await getUncachableGmailClient();
    ///   await gmail.users.messages.send({ userId: 'me', requestBody: build(to) });
    /// }
    /// ```
    ///
    /// ## Options
    /// - `factories`: globs over the factory names, in camelCase; `*` matches
    ///   any run of characters and the glob must match the whole name.
    ///   Python calls also match the snake_case form
    ///   (`get_uncachable_*_client`).
    pub struct CachedFactoryResult;
}

const OPTIONS: &[OptionDoc] = &[OptionDoc {
    name: "factories",
    description: "Globs over the names of factories whose result must not be cached (camelCase; Python also matches snake_case).",
}];

impl Kind for CachedFactoryResult {
    fn id(&self) -> &'static str {
        "cached-factory-result"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        Ok(Box::new(CachedFactoryCheck {
            factories: FunctionNames::new("factories", &options.factories)?,
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    factories: Vec<String>,
}

struct CachedFactoryCheck {
    factories: FunctionNames,
}

/// Where a factory's result is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    Module(String),
    ModuleCache(String),
    AppState(String),
    Global(String),
    ClassStatic(String),
    InstanceMemo(String),
    InstanceCache(String),
    Singleton {
        field: String,
        instance: String,
    },
    Decorated {
        decorator: String,
        function: String,
    },
    Wrapper(String),
    DefaultExport,
    /// A variable of an outer function, memoized by a closure.
    ClosureMemo(String),
    /// A local of a setup function that a long-lived callback keeps.
    Captured {
        name: String,
        by: String,
        function: String,
    },
}

impl Place {
    fn describe(&self) -> String {
        match self {
            Place::Module(name) => format!("in module-scope `{name}`"),
            Place::ModuleCache(name) => format!("in module-scope cache `{name}`"),
            Place::AppState(name) => format!("in application state `{name}`"),
            Place::Global(name) => format!("in global `{name}`"),
            Place::ClassStatic(name) => format!("in class static `{name}`"),
            Place::InstanceMemo(name) => format!("in memoized field `{name}`"),
            Place::InstanceCache(name) => format!("in instance cache `{name}`"),
            Place::Singleton { field, instance } => {
                format!("in `{field}` of {instance}")
            }
            Place::Decorated {
                decorator,
                function,
            } => format!("by `{decorator}` on `{function}`"),
            Place::Wrapper(wrapper) => format!("by `{wrapper}(…)`"),
            Place::DefaultExport => "in the module's default export".to_string(),
            Place::ClosureMemo(name) => format!("in `{name}`, memoized by a closure"),
            Place::Captured { name, by, function } => {
                format!("in `{name}` of {function}, kept by {by}")
            }
        }
    }
}

struct Found {
    span: Range<usize>,
    factory: String,
    place: Place,
}

impl Check for CachedFactoryCheck {
    fn literals(&self) -> Vec<String> {
        self.factories.literals()
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        if is_test_path(file.path()) {
            return;
        }
        let Some(tree) = file.tree() else { return };
        let src = file.text();
        let root = tree.root_node();
        let family = file.language.family();
        let mut found = Vec::new();
        walk(root, |node| {
            match family {
                Family::Js => self.js_node(node, root, src, &mut found),
                Family::Python => self.py_node(node, root, src, &mut found),
                _ => {}
            }
            true
        });
        for f in found {
            out.report(
                Report::at(f.span)
                    .var("factory", f.factory)
                    .var("where", f.place.describe())
                    .label("cached here"),
            );
        }
    }
}

/// Source text with all whitespace removed, for a target compared with
/// code (`this.client` in `if (!this.client)`).
fn compact(node: Node<'_>, src: &str) -> String {
    text(node, src).split_whitespace().collect()
}

/// Source text on one line, for names in messages.
fn one_line(node: Node<'_>, src: &str) -> String {
    text(node, src)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// TypeScript / JavaScript

/// Wrappers that memoize the function they are given.
const JS_MEMO_WRAPPERS: &[&str] = &[
    "memoize",
    "memoizeOne",
    "memoizee",
    "moize",
    "pMemoize",
    "mem",
    "once",
    "onetime",
];
/// Method decorators that memoize (compared ignoring case).
const JS_MEMO_DECORATORS: &[&str] = &[
    "memoize",
    "memoized",
    "memoizeasync",
    "cacheable",
    "cached",
    "once",
];
/// Class decorators of singleton services.
const JS_SINGLETON_DECORATORS: &[&str] = &["Injectable", "Service", "Singleton"];
/// Container methods that keep their argument.
const JS_STORE_METHODS: &[&str] = &["set", "push", "unshift", "add"];
const JS_GLOBALS: &[&str] = &["globalThis", "global", "window"];
const JS_PROMISE_COMBINATORS: &[&str] = &[
    "Promise.all",
    "Promise.allSettled",
    "Promise.resolve",
    "Promise.race",
    "Promise.any",
];

fn js_unwrap(node: Node<'_>) -> Node<'_> {
    ts::unwrap_expression(node)
}

/// `a.b.c` style path of an expression, or `None` when it has calls or
/// computed parts.
fn js_dotted(node: Node<'_>, src: &str) -> Option<String> {
    let node = js_unwrap(node);
    match node.kind_str() {
        "identifier" | "this" => Some(text(node, src).to_string()),
        "member_expression" => Some(format!(
            "{}.{}",
            js_dotted(node.field("object")?, src)?,
            text(node.field("property")?, src)
        )),
        _ => None,
    }
}

/// The memo wrapper a call is (`memoize(…)`, `_.memoize(…)`), if any.
fn js_memo_wrapper(call: Node<'_>, src: &str) -> Option<String> {
    let function = js_unwrap(call.field("function")?);
    let name = match function.kind_str() {
        "identifier" => text(function, src),
        "member_expression" => {
            let object = function.field("object")?;
            if !matches!(text(object, src), "_" | "lodash" | "R") {
                return None;
            }
            text(function.field("property")?, src)
        }
        _ => return None,
    };
    JS_MEMO_WRAPPERS
        .contains(&name)
        .then(|| text(function, src).to_string())
}

/// The decorators of a class member or class: its own, those written
/// before it in a class body, and those on its `export`.
fn js_decorator_nodes(node: Node<'_>) -> Vec<Node<'_>> {
    let mut decorators: Vec<Node<'_>> = named_children(node)
        .into_iter()
        .filter(|c| c.kind_str() == "decorator")
        .collect();
    let mut sibling = node.prev_named_sibling();
    while let Some(s) = sibling.filter(|s| s.kind_str() == "decorator") {
        decorators.push(s);
        sibling = s.prev_named_sibling();
    }
    if let Some(parent) = node.parent().filter(|p| p.kind_str() == "export_statement") {
        decorators.extend(
            named_children(parent)
                .into_iter()
                .filter(|c| c.kind_str() == "decorator"),
        );
    }
    decorators
}

/// A decorator's name without `@`, module path or arguments
/// (`@nest.Injectable({…})` is `Injectable`).
fn js_decorator_name<'a>(decorator: Node<'_>, src: &'a str) -> Option<&'a str> {
    let expression = decorator.named_child(0)?;
    let callee = if expression.kind_str() == "call_expression" {
        expression.field("function")?
    } else {
        expression
    };
    let name = text(callee, src);
    Some(name.rsplit('.').next().unwrap_or(name))
}

fn js_enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = node.parent();
    while let Some(n) = current {
        if FUNCTION_KINDS.contains(&n.kind_str()) {
            return Some(n);
        }
        current = n.parent();
    }
    None
}

fn js_enclosing_class(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = node.parent();
    while let Some(n) = current {
        if matches!(
            n.kind_str(),
            "class_declaration" | "class" | "abstract_class_declaration"
        ) {
            return Some(n);
        }
        current = n.parent();
    }
    None
}

fn js_class_name(class: Node<'_>, src: &str) -> Option<String> {
    if let Some(name) = class.field("name") {
        return Some(text(name, src).to_string());
    }
    // `const Foo = class { … }`
    let parent = class.parent()?;
    (parent.kind_str() == "variable_declarator")
        .then(|| parent.field("name"))
        .flatten()
        .map(|n| text(n, src).to_string())
}

fn has_static(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| c.kind_str() == "static");
    found
}

/// What a name refers to at a point in the file.
#[derive(PartialEq, Eq)]
enum Binding {
    /// A parameter or variable of an enclosing function.
    Local,
    /// Declared at the top of the module (`class` for classes).
    Module {
        class: bool,
    },
    Unknown,
}

/// Whether `name` is bound in a binding position below `node`.
fn js_binds(node: Node<'_>, src: &str, name: &str) -> bool {
    let mut found = false;
    walk(node, |n| {
        if found {
            return false;
        }
        match n.kind_str() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                if text(n, src) == name {
                    found = true;
                }
                false
            }
            // `{ a: b }` binds `b`; the type of a parameter binds nothing.
            "pair_pattern" => {
                if let Some(value) = n.field("value") {
                    found |= js_binds(value, src, name);
                }
                false
            }
            "type_annotation" => false,
            "assignment_pattern" | "required_parameter" | "optional_parameter" => {
                for field in ["left", "pattern"] {
                    if let Some(p) = n.child_by_field_name(field) {
                        found |= js_binds(p, src, name);
                    }
                }
                false
            }
            _ => true,
        }
    });
    found
}

/// Whether a function declares `name`: a parameter, or a variable,
/// function, class, loop or catch binding in its own body.
fn js_function_declares(function: Node<'_>, src: &str, name: &str) -> bool {
    for field in ["parameters", "parameter"] {
        if let Some(p) = function.child_by_field_name(field) {
            if js_binds(p, src, name) {
                return true;
            }
        }
    }
    let Some(body) = function.field("body") else {
        return false;
    };
    let mut found = false;
    walk(body, |n| {
        if found {
            return false;
        }
        if n != body && FUNCTION_KINDS.contains(&n.kind_str()) {
            if n.kind_str() == "function_declaration" {
                found |= n.field("name").is_some_and(|id| text(id, src) == name);
            }
            return false;
        }
        match n.kind_str() {
            "variable_declarator" => {
                if let Some(pattern) = n.field("name") {
                    found |= js_binds(pattern, src, name);
                }
            }
            "class_declaration" => {
                found |= n.field("name").is_some_and(|id| text(id, src) == name);
            }
            "for_in_statement" if n.field("kind").is_some() => {
                if let Some(left) = n.field("left") {
                    found |= js_binds(left, src, name);
                }
            }
            "catch_clause" => {
                if let Some(p) = n.field("parameter") {
                    found |= js_binds(p, src, name);
                }
            }
            _ => {}
        }
        true
    });
    found
}

/// Top-level statements, seen through `export`.
fn js_top_level(root: Node<'_>) -> Vec<Node<'_>> {
    named_children(root)
        .into_iter()
        .map(|s| {
            if s.kind_str() == "export_statement" {
                s.field("declaration").unwrap_or(s)
            } else {
                s
            }
        })
        .collect()
}

fn js_module_binding(root: Node<'_>, src: &str, name: &str) -> Option<Binding> {
    for statement in js_top_level(root) {
        match statement.kind_str() {
            "lexical_declaration" | "variable_declaration" => {
                for declarator in named_children(statement) {
                    if declarator.kind_str() == "variable_declarator"
                        && declarator
                            .field("name")
                            .is_some_and(|p| js_binds(p, src, name))
                    {
                        let class = declarator
                            .field("value")
                            .is_some_and(|v| js_unwrap(v).kind_str() == "class");
                        return Some(Binding::Module { class });
                    }
                }
            }
            "class_declaration" | "abstract_class_declaration" | "function_declaration"
                if statement
                    .field("name")
                    .is_some_and(|n| text(n, src) == name) =>
            {
                return Some(Binding::Module {
                    class: statement.kind_str() != "function_declaration",
                });
            }
            "import_statement" => {
                let mut bound = false;
                walk(statement, |n| {
                    if n.kind_str() == "string" {
                        return false;
                    }
                    if n.kind_str() == "identifier" && text(n, src) == name {
                        // `import { a as b }` binds `b` only.
                        let renamed_away = n.parent().is_some_and(|p| {
                            p.kind_str() == "import_specifier"
                                && p.field("alias").is_some()
                                && p.field("name") == Some(n)
                        });
                        bound |= !renamed_away;
                    }
                    true
                });
                if bound {
                    return Some(Binding::Module { class: false });
                }
            }
            _ => {}
        }
    }
    None
}

fn js_resolve(at: Node<'_>, root: Node<'_>, src: &str, name: &str) -> Binding {
    js_resolve_scope(at, root, src, name).0
}

/// The binding of `name` at `at`, and for a local, whether it belongs to
/// an outer function (a closure's captured variable) rather than the
/// innermost one.
fn js_resolve_scope(at: Node<'_>, root: Node<'_>, src: &str, name: &str) -> (Binding, bool) {
    let mut current = js_enclosing_function(at);
    let mut outer = false;
    while let Some(function) = current {
        if js_function_declares(function, src, name) {
            return (Binding::Local, outer);
        }
        outer = true;
        current = js_enclosing_function(function);
    }
    (
        js_module_binding(root, src, name).unwrap_or(Binding::Unknown),
        false,
    )
}

fn js_is_module_level(declarator: Node<'_>) -> bool {
    let Some(declaration) = declarator.parent() else {
        return false;
    };
    if !matches!(
        declaration.kind_str(),
        "lexical_declaration" | "variable_declaration"
    ) {
        return false;
    }
    match declaration.parent() {
        Some(p) if p.kind_str() == "program" => true,
        Some(p) if p.kind_str() == "export_statement" => {
            p.parent().is_some_and(|pp| pp.kind_str() == "program")
        }
        _ => false,
    }
}

/// Whether a function's result is memoized: it is passed to a memo
/// wrapper or is a method with a memoizing decorator.
fn js_memo_function(function: Node<'_>, src: &str) -> Option<Place> {
    match function.kind_str() {
        "method_definition" => {
            let decorator = js_decorator_nodes(function)
                .into_iter()
                .filter_map(|d| js_decorator_name(d, src))
                .find(|d| JS_MEMO_DECORATORS.contains(&d.to_ascii_lowercase().as_str()))?;
            let name = function
                .field("name")
                .map_or(String::new(), |n| text(n, src).to_string());
            Some(Place::Decorated {
                decorator: format!("@{decorator}"),
                function: name,
            })
        }
        "arrow_function" | "function_expression" | "function" => {
            let mut node = function;
            while let Some(p) = node
                .parent()
                .filter(|p| p.kind_str() == "parenthesized_expression")
            {
                node = p;
            }
            let arguments = node.parent().filter(|p| p.kind_str() == "arguments")?;
            let call = arguments.parent()?;
            js_memo_wrapper(call, src).map(Place::Wrapper)
        }
        _ => None,
    }
}

/// Whether a function returns `name` (`return client;`, `=> client`).
fn js_returns_name(function: Node<'_>, src: &str, name: &str) -> bool {
    let Some(body) = function.field("body") else {
        return false;
    };
    if body.kind_str() != "statement_block" {
        return text(js_unwrap(body), src) == name;
    }
    let mut found = false;
    walk(body, |n| {
        if n != body && FUNCTION_KINDS.contains(&n.kind_str()) {
            return false;
        }
        if n.kind_str() == "return_statement" {
            found |= n
                .named_child(0)
                .is_some_and(|v| text(js_unwrap(v), src) == name);
        }
        true
    });
    found
}

/// Whether an assignment to `target` is guarded as a memo: `??=`/`||=`, an
/// enclosing `if` (in the same function) that tests the target, or a right
/// side that reads it (`c = c ?? …`).
fn is_memo_assignment(assignment: Node<'_>, target: &str, src: &str) -> bool {
    if let Some(op) = assignment.field("operator") {
        if matches!(text(op, src), "??=" | "||=") {
            return true;
        }
    }
    if let Some(right) = assignment.field("right") {
        if mentions(&one_line(right, src), target) {
            return true;
        }
    }
    let mut current = assignment.parent();
    while let Some(n) = current {
        if FUNCTION_KINDS.contains(&n.kind_str())
            || matches!(
                n.kind_str(),
                "function_definition" | "lambda" | "class_body" | "class_definition"
            )
        {
            break;
        }
        if n.kind_str() == "if_statement" {
            if let Some(condition) = n.field("condition") {
                if mentions(&one_line(condition, src), target) {
                    return true;
                }
            }
        }
        current = n.parent();
    }
    false
}

/// HTTP methods whose `x.get('/path', handler)` registers a route.
const ROUTE_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "all", "options", "head",
];

/// Whether a function is registered as a callback that lives as long as
/// the process: a route handler (`app.get('/path', …)`), middleware
/// (`app.use(…)`), a `setInterval` callback or a cron job. Returns how to
/// name it.
fn js_long_lived_callback(function: Node<'_>, src: &str) -> Option<String> {
    let mut node = function;
    while let Some(p) = node
        .parent()
        .filter(|p| p.kind_str() == "parenthesized_expression")
    {
        node = p;
    }
    let arguments = node.parent().filter(|p| p.kind_str() == "arguments")?;
    let call = arguments.parent()?;
    let args: Vec<Node<'_>> = named_children(arguments);
    if call.kind_str() == "new_expression" {
        let constructor = call.field("constructor")?;
        return (text(constructor, src) == "CronJob").then(|| "a cron job".to_string());
    }
    let function_node = js_unwrap(call.field("function")?);
    match function_node.kind_str() {
        "identifier" => (text(function_node, src) == "setInterval")
            .then(|| "a `setInterval` callback".to_string()),
        "member_expression" => {
            let method = text(function_node.field("property")?, src);
            let receiver = function_node.field("object").map_or("", |o| text(o, src));
            let path = args
                .first()
                .and_then(|a| ts::string_literal(*a, src))
                .filter(|l| l.value.starts_with('/'));
            if ROUTE_METHODS.contains(&method) {
                return path.map(|p| format!("the route handler for `{}`", p.value));
            }
            match method {
                "use" => Some("a middleware".to_string()),
                "setInterval" => Some("a `setInterval` callback".to_string()),
                "schedule" if receiver.to_ascii_lowercase().ends_with("cron") => {
                    Some("a cron job".to_string())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether a function reads `name` (not counting functions that declare
/// their own `name`).
fn js_mentions(function: Node<'_>, src: &str, name: &str) -> bool {
    if js_function_declares(function, src, name) {
        return false;
    }
    let mut found = false;
    walk(function, |n| {
        found |= !found && n.kind_str() == "identifier" && text(n, src) == name;
        !found
    });
    found
}

/// The first long-lived callback defined in `function` that reads `name`.
fn js_captured(function: Node<'_>, src: &str, name: &str) -> Option<String> {
    let body = function.field("body")?;
    let mut by = None;
    walk(body, |n| {
        if by.is_some() {
            return false;
        }
        if FUNCTION_KINDS.contains(&n.kind_str()) {
            if let Some(what) = js_long_lived_callback(n, src) {
                if js_mentions(n, src, name) {
                    by = Some(what);
                    return false;
                }
            }
        }
        true
    });
    by
}

/// How to name a function in a message: its name, or `an anonymous function`.
fn js_function_label(function: Node<'_>, src: &str) -> String {
    ts::function_name(function).map_or_else(
        || "an anonymous function".to_string(),
        |n| format!("`{}`", text(n, src)),
    )
}

/// Whether `code` reads `target` (`client`,
/// `this.client`) as a whole: not as part of `clients` or `x.client`.
fn mentions(code: &str, target: &str) -> bool {
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '#';
    code.match_indices(target).any(|(i, _)| {
        let before = crate::source::slice(code, ..i).chars().next_back();
        let after = crate::source::slice(code, i + target.len()..)
            .chars()
            .next();
        !before.is_some_and(|c| is_name(c) || c == '.') && !after.is_some_and(is_name)
    })
}

/// A module-level `new Class(…)` in the file, as the name it is bound to.
fn js_module_instance(root: Node<'_>, src: &str, class: &str) -> Option<String> {
    let is_new = |value: Node<'_>| {
        let value = js_unwrap(value);
        value.kind_str() == "new_expression"
            && value
                .field("constructor")
                .is_some_and(|c| text(c, src) == class)
    };
    for statement in named_children(root) {
        if statement.kind_str() == "export_statement" {
            if let Some(value) = statement.field("value") {
                if is_new(value) {
                    return Some("the module's default export".to_string());
                }
            }
        }
    }
    for statement in js_top_level(root) {
        if !matches!(
            statement.kind_str(),
            "lexical_declaration" | "variable_declaration"
        ) {
            continue;
        }
        for declarator in named_children(statement) {
            if let (Some(name), Some(value)) = (declarator.field("name"), declarator.field("value"))
            {
                if is_new(value) {
                    return Some(format!("module-level singleton `{}`", text(name, src)));
                }
            }
        }
    }
    None
}

impl CachedFactoryCheck {
    fn js_node(&self, node: Node<'_>, root: Node<'_>, src: &str, found: &mut Vec<Found>) {
        match node.kind_str() {
            "call_expression" => {
                let Some(call) = ts::call(node) else { return };
                let name = text(call.name, src);
                if !self.factories.is_match(Family::Js, name) {
                    return;
                }
                if let Some(place) = js_storage(node, root, src) {
                    found.push(Found {
                        span: node.byte_range(),
                        factory: name.to_string(),
                        place,
                    });
                }
            }
            // `memoize(getUncachableGmailClient)`
            "identifier" | "member_expression" => {
                let name = match node.kind_str() {
                    "identifier" => text(node, src),
                    _ => match node.field("property") {
                        Some(p) => text(p, src),
                        None => return,
                    },
                };
                if !self.factories.is_match(Family::Js, name) {
                    return;
                }
                let Some(arguments) = node.parent().filter(|p| p.kind_str() == "arguments") else {
                    return;
                };
                if let Some(wrapper) = arguments.parent().and_then(|c| js_memo_wrapper(c, src)) {
                    found.push(Found {
                        span: node.byte_range(),
                        factory: name.to_string(),
                        place: Place::Wrapper(wrapper),
                    });
                }
            }
            _ => {}
        }
    }
}

/// Follows a factory call's value up to where it is kept.
fn js_storage(call: Node<'_>, root: Node<'_>, src: &str) -> Option<Place> {
    let mut current = call;
    let mut array_index: Option<usize> = None;
    loop {
        let parent = current.parent()?;
        match parent.kind_str() {
            "await_expression"
            | "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
            | "type_assertion"
            | "object"
            | "spread_element" => {}
            "array" => {
                array_index = named_children(parent).iter().position(|c| *c == current);
            }
            "pair" => {
                if parent.field("value") != Some(current) {
                    return None;
                }
            }
            "ternary_expression" => {
                if parent.field("condition") == Some(current) {
                    return None;
                }
            }
            "binary_expression" => {
                let op = parent.field("operator").map_or("", |o| text(o, src));
                let right = parent.field("right") == Some(current);
                if !(matches!(op, "||" | "??") || (op == "&&" && right)) {
                    return None;
                }
            }
            "arguments" => {
                let holder = parent.parent()?;
                match holder.kind_str() {
                    "new_expression" => {
                        current = holder;
                        continue;
                    }
                    "call_expression" => {
                        let function = holder.field("function")?;
                        let path = js_dotted(function, src);
                        if path
                            .as_deref()
                            .is_some_and(|p| JS_PROMISE_COMBINATORS.contains(&p))
                        {
                            current = holder;
                            continue;
                        }
                        let call = ts::call(holder)?;
                        let receiver = call.receiver?;
                        if JS_STORE_METHODS.contains(&text(call.name, src)) {
                            return js_store_target(receiver, holder, root, src, true);
                        }
                        return None;
                    }
                    _ => return None,
                }
            }
            "member_expression" => {
                // `getX().catch(…)` still yields the client.
                let property = parent.field("property")?;
                let holder = parent.parent()?;
                if parent.field("object") == Some(current)
                    && matches!(text(property, src), "catch" | "finally")
                    && holder.kind_str() == "call_expression"
                    && holder.field("function") == Some(parent)
                {
                    current = holder;
                    continue;
                }
                return None;
            }
            "variable_declarator" => {
                if parent.field("value") != Some(current) {
                    return None;
                }
                let pattern = parent.field("name")?;
                let name = match (pattern.kind_str(), array_index) {
                    ("array_pattern", Some(i)) => named_children(pattern)
                        .get(i)
                        .map_or_else(|| one_line(pattern, src), |n| one_line(*n, src)),
                    _ => one_line(pattern, src),
                };
                if js_is_module_level(parent) {
                    return Some(Place::Module(name));
                }
                let function = js_enclosing_function(parent)?;
                if let Some(place) = js_memo_function(function, src) {
                    return js_returns_name(function, src, &name).then_some(place);
                }
                if pattern.kind_str() != "identifier" {
                    return None;
                }
                return js_captured(function, src, &name).map(|by| Place::Captured {
                    name,
                    by,
                    function: js_function_label(function, src),
                });
            }
            "assignment_expression" | "augmented_assignment_expression" => {
                if parent.field("right") != Some(current) {
                    return None;
                }
                let left = parent.field("left")?;
                return js_store_target(left, parent, root, src, false);
            }
            "public_field_definition" | "field_definition" => {
                if parent.field("value") != Some(current) {
                    return None;
                }
                let class = js_enclosing_class(parent)?;
                let class_name = js_class_name(class, src).unwrap_or_default();
                let field = parent
                    .field("name")
                    .map_or(String::new(), |n| text(n, src).to_string());
                if has_static(parent) {
                    return Some(Place::ClassStatic(format!("{class_name}.{field}")));
                }
                return js_singleton(class, root, src, format!("this.{field}"));
            }
            "export_statement" => {
                return (parent.field("value") == Some(current)).then_some(Place::DefaultExport);
            }
            "return_statement" => {
                return js_memo_function(js_enclosing_function(parent)?, src);
            }
            "arrow_function" => {
                if parent.field("body") != Some(current) {
                    return None;
                }
                return js_memo_function(parent, src);
            }
            _ => return None,
        }
        current = parent;
    }
}

/// The place an assignment (or a `.set`/`.push` on a container) keeps the
/// value, if it outlives the function.
fn js_store_target(
    target: Node<'_>,
    statement: Node<'_>,
    root: Node<'_>,
    src: &str,
    mut keyed: bool,
) -> Option<Place> {
    let target = js_unwrap(target);
    let target_text = js_dotted(target, src).unwrap_or_else(|| one_line(target, src));
    match target.kind_str() {
        "identifier" => match js_resolve_scope(statement, root, src, &target_text) {
            (Binding::Module { .. }, _) if keyed => Some(Place::ModuleCache(target_text)),
            (Binding::Module { .. }, _) => Some(Place::Module(target_text)),
            // `let c; return async () => (c ??= await …)`: a memo kept by a
            // closure that outlives the call that made it.
            (Binding::Local, true)
                if !keyed && is_memo_assignment(statement, &target_text, src) =>
            {
                Some(Place::ClosureMemo(target_text))
            }
            _ => None,
        },
        "member_expression" | "subscript_expression" => {
            keyed |= target.kind_str() == "subscript_expression";
            let container = if target.kind_str() == "subscript_expression" {
                let object = target.field("object")?;
                js_dotted(object, src).unwrap_or_else(|| one_line(object, src))
            } else {
                target_text.clone()
            };
            let mut base = target;
            while matches!(
                base.kind_str(),
                "member_expression" | "subscript_expression"
            ) {
                base = js_unwrap(base.field("object")?);
            }
            if is_app_state(&target_text) {
                return Some(Place::AppState(target_text));
            }
            match base.kind_str() {
                "identifier" => {
                    let name = text(base, src);
                    let binding = js_resolve(statement, root, src, name);
                    if JS_GLOBALS.contains(&name) && binding != Binding::Local {
                        return Some(Place::Global(target_text));
                    }
                    if matches!(name, "module" | "exports") && binding == Binding::Unknown {
                        return Some(Place::Module(target_text));
                    }
                    match binding {
                        Binding::Module { class: true } => Some(Place::ClassStatic(target_text)),
                        Binding::Module { .. } if keyed => Some(Place::ModuleCache(container)),
                        Binding::Module { .. } => Some(Place::Module(target_text)),
                        _ => None,
                    }
                }
                "this" => js_this_target(target, statement, root, src, keyed, container),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `this.x = …`: a class static in a static method or block, else an
/// instance field.
fn js_this_target(
    target: Node<'_>,
    statement: Node<'_>,
    root: Node<'_>,
    src: &str,
    keyed: bool,
    container: String,
) -> Option<Place> {
    let target_text = js_dotted(target, src).unwrap_or_else(|| one_line(target, src));
    if let Some(member) = target_text.strip_prefix("this.constructor.") {
        let class = js_enclosing_class(statement).and_then(|c| js_class_name(c, src));
        return Some(Place::ClassStatic(match class {
            Some(class) => format!("{class}.{member}"),
            None => target_text,
        }));
    }
    // `this` is the one of the nearest non-arrow function or static block.
    let mut owner = statement.parent();
    while let Some(n) = owner {
        if (FUNCTION_KINDS.contains(&n.kind_str()) && n.kind_str() != "arrow_function")
            || n.kind_str() == "class_static_block"
        {
            break;
        }
        owner = n.parent();
    }
    let owner = owner?;
    let class = js_enclosing_class(owner)?;
    let class_name = js_class_name(class, src).unwrap_or_default();
    match owner.kind_str() {
        "class_static_block" => Some(Place::ClassStatic(format!(
            "{class_name}.{}",
            target_text.trim_start_matches("this.")
        ))),
        "method_definition" if has_static(owner) => Some(Place::ClassStatic(format!(
            "{class_name}.{}",
            target_text.trim_start_matches("this.")
        ))),
        "method_definition" => {
            if keyed {
                return Some(Place::InstanceCache(container));
            }
            if statement.kind_str() != "call_expression"
                && is_memo_assignment(statement, &compact(target, src), src)
            {
                return Some(Place::InstanceMemo(target_text));
            }
            js_singleton(class, root, src, target_text)
        }
        _ => None,
    }
}

/// An instance field of a class whose one instance lives as long as the
/// process: a DI singleton or a module-level `new`.
fn js_singleton(class: Node<'_>, root: Node<'_>, src: &str, field: String) -> Option<Place> {
    let class_name = js_class_name(class, src).unwrap_or_default();
    for decorator in js_decorator_nodes(class) {
        let whole = text(decorator, src);
        let singleton = js_decorator_name(decorator, src)
            .is_some_and(|name| JS_SINGLETON_DECORATORS.contains(&name));
        // Request- and transient-scoped providers are made per use.
        if singleton
            && !whole.contains("REQUEST")
            && !whole.contains("TRANSIENT")
            && !whole.contains("Transient")
        {
            return Some(Place::Singleton {
                field,
                instance: format!("singleton service `{class_name}`"),
            });
        }
    }
    if class_name.is_empty() {
        return None;
    }
    js_module_instance(root, src, &class_name).map(|instance| Place::Singleton { field, instance })
}

/// `app.state.x` (Starlette/FastAPI) and `app.locals.x` (Express) live as
/// long as the application.
fn is_app_state(target: &str) -> bool {
    let segments: Vec<&str> = target.split('.').collect();
    segments.windows(3).any(|w| {
        matches!(w[0], "app" | "application")
            && matches!(w[1], "state" | "locals")
            && !w[2].is_empty()
    })
}

// ---------------------------------------------------------------------------
// Python

/// Decorators and wrappers that memoize a function's result.
const PY_CACHE_DECORATORS: &[&str] = &[
    "lru_cache",
    "cache",
    "cached_property",
    "cached",
    "alru_cache",
    "memoize",
    "memoized",
    "cache_resource",
];
const PY_STORE_METHODS: &[&str] = &[
    "setdefault",
    "append",
    "appendleft",
    "add",
    "insert",
    "update",
];

fn py_last_name<'a>(node: Node<'_>, src: &'a str) -> Option<&'a str> {
    match node.kind_str() {
        "identifier" => Some(text(node, src)),
        "attribute" => Some(text(node.field("attribute")?, src)),
        "call" => py_last_name(node.field("function")?, src),
        _ => None,
    }
}

/// The memoizing decorator on a function, as written.
fn py_cache_decorator(function: Node<'_>, src: &str) -> Option<String> {
    let decorated = function
        .parent()
        .filter(|p| p.kind_str() == "decorated_definition")?;
    named_children(decorated)
        .into_iter()
        .filter(|d| d.kind_str() == "decorator")
        .find(|d| {
            d.named_child(0)
                .and_then(|e| py_last_name(e, src))
                .is_some_and(|n| PY_CACHE_DECORATORS.contains(&n))
        })
        .map(|d| one_line(d, src))
}

fn py_function_name(function: Node<'_>, src: &str) -> String {
    function
        .field("name")
        .map_or(String::new(), |n| text(n, src).to_string())
}

/// The nearest enclosing `def`, `lambda` or `class`.
fn py_scope(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = node.parent();
    while let Some(n) = current {
        if matches!(
            n.kind_str(),
            "function_definition" | "lambda" | "class_definition"
        ) {
            return Some(n);
        }
        current = n.parent();
    }
    None
}

/// Whether a module-level statement runs once for the module's lifetime:
/// not in a loop body and not in a script's `if __name__ == "__main__":`.
fn py_runs_at_import(node: Node<'_>, src: &str) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        match n.kind_str() {
            "for_statement" | "while_statement" => return false,
            "if_statement" => {
                let condition = n.field("condition").map_or("", |c| text(c, src));
                if condition.contains("__name__") {
                    return false;
                }
            }
            _ => {}
        }
        current = n.parent();
    }
    true
}

/// Whether `name` is bound at module level: assigned, imported, or a
/// `def`/`class` (the latter reported as a class).
fn py_module_binding(root: Node<'_>, src: &str, name: &str) -> Option<Binding> {
    let mut found = None;
    walk(root, |n| {
        if found.is_some() {
            return false;
        }
        match n.kind_str() {
            "class_definition" | "function_definition" => {
                if n.field("name").is_some_and(|id| text(id, src) == name) {
                    found = Some(Binding::Module {
                        class: n.kind_str() == "class_definition",
                    });
                }
                false
            }
            "lambda" => false,
            "assignment" => {
                if n.field("left")
                    .is_some_and(|l| l.kind_str() == "identifier" && text(l, src) == name)
                {
                    found = Some(Binding::Module { class: false });
                }
                true
            }
            "import_statement" | "import_from_statement" => {
                let mut bound = false;
                for child in named_children(n) {
                    let bound_name = match child.kind_str() {
                        "aliased_import" => child.field("alias"),
                        "dotted_name" => child.named_child(0),
                        _ => None,
                    };
                    if n.kind_str() == "import_from_statement"
                        && n.field("module_name") == Some(child)
                    {
                        continue;
                    }
                    bound |= bound_name.is_some_and(|b| text(b, src) == name);
                }
                if bound {
                    found = Some(Binding::Module { class: false });
                }
                false
            }
            _ => true,
        }
    });
    found
}

/// Whether a function binds `name` locally: a parameter, or an assignment
/// in its own body without a `global` declaration.
fn py_function_declares(function: Node<'_>, src: &str, name: &str) -> bool {
    if let Some(parameters) = function.field("parameters") {
        let mut found = false;
        walk(parameters, |n| {
            if n.kind_str() == "identifier" && text(n, src) == name {
                let is_default_value = n.parent().is_some_and(|p| {
                    matches!(
                        p.kind_str(),
                        "default_parameter" | "typed_default_parameter"
                    ) && p.field("value") == Some(n)
                });
                found |= !is_default_value;
            }
            !matches!(n.kind_str(), "type")
        });
        if found {
            return true;
        }
    }
    let Some(body) = function.field("body") else {
        return false;
    };
    if py_declares_global(function, src, name) {
        return false;
    }
    let mut found = false;
    walk(body, |n| {
        if found
            || matches!(
                n.kind_str(),
                "function_definition" | "class_definition" | "lambda"
            )
        {
            return false;
        }
        if matches!(n.kind_str(), "assignment" | "for_statement" | "with_item") {
            let target = n.field("left").or_else(|| n.field("alias"));
            if let Some(target) = target {
                // `x[k] = …` and `x.a = …` bind nothing.
                walk(target, |t| {
                    found |= t.kind_str() == "identifier" && text(t, src) == name;
                    !matches!(t.kind_str(), "subscript" | "attribute")
                });
            }
        }
        true
    });
    found
}

fn py_declares_global(function: Node<'_>, src: &str, name: &str) -> bool {
    let Some(body) = function.field("body") else {
        return false;
    };
    let mut found = false;
    walk(body, |n| {
        if found
            || (n != body && matches!(n.kind_str(), "function_definition" | "class_definition"))
        {
            return false;
        }
        if n.kind_str() == "global_statement" {
            found |= named_children(n).iter().any(|id| text(*id, src) == name);
        }
        true
    });
    found
}

fn py_resolve(at: Node<'_>, root: Node<'_>, src: &str, name: &str) -> Binding {
    let mut current = py_scope(at);
    while let Some(scope) = current {
        if scope.kind_str() == "function_definition" && py_function_declares(scope, src, name) {
            return Binding::Local;
        }
        if scope.kind_str() == "lambda" {
            return Binding::Unknown;
        }
        current = py_scope(scope);
    }
    py_module_binding(root, src, name).unwrap_or(Binding::Unknown)
}

/// Whether a function returns `name`.
fn py_returns_name(function: Node<'_>, src: &str, name: &str) -> bool {
    let Some(body) = function.field("body") else {
        return false;
    };
    let mut found = false;
    walk(body, |n| {
        if matches!(
            n.kind_str(),
            "function_definition" | "class_definition" | "lambda"
        ) {
            return false;
        }
        if n.kind_str() == "return_statement" {
            found |= n
                .named_child(0)
                .is_some_and(|v| text(py::unwrap_expression(v), src) == name);
        }
        true
    });
    found
}

/// Route decorators: `@app.get("/path")`, `@router.post(…)`,
/// `@app.route(…)`, `@bp.websocket(…)`.
const PY_ROUTE_DECORATORS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "options",
    "head",
    "route",
    "api_route",
    "websocket",
];

/// The first nested route handler of `function` that reads `name`.
fn py_captured(function: Node<'_>, src: &str, name: &str) -> Option<String> {
    let body = function.field("body")?;
    let mut by = None;
    walk(body, |n| {
        if by.is_some() {
            return false;
        }
        if n.kind_str() != "decorated_definition" {
            return true;
        }
        let Some(definition) = n.field("definition") else {
            return false;
        };
        let route = named_children(n)
            .into_iter()
            .filter(|d| d.kind_str() == "decorator")
            .filter_map(|d| d.named_child(0))
            .filter(|e| e.kind_str() == "call")
            .find_map(|call| {
                let method = call
                    .field("function")
                    .filter(|f| f.kind_str() == "attribute")
                    .and_then(|f| f.field("attribute"))?;
                if !PY_ROUTE_DECORATORS.contains(&text(method, src)) {
                    return None;
                }
                let first = call.field("arguments").and_then(|a| a.named_child(0))?;
                py::string_literal(first, src).filter(|l| l.value.starts_with('/'))
            });
        if let Some(route) = route {
            if definition.kind_str() == "function_definition"
                && !py_function_declares(definition, src, name)
            {
                let mut mentions = false;
                walk(definition, |m| {
                    mentions |= m.kind_str() == "identifier" && text(m, src) == name;
                    !mentions
                });
                if mentions {
                    by = Some(format!("the route handler for `{}`", route.value));
                }
            }
        }
        false
    });
    by
}

/// A module-level `x = Class(…)` in the file, as the name it is bound to.
fn py_module_instance(root: Node<'_>, src: &str, class: &str) -> Option<String> {
    let mut found = None;
    walk(root, |n| {
        if found.is_some() || matches!(n.kind_str(), "function_definition" | "class_definition") {
            return false;
        }
        if n.kind_str() == "assignment" && py_runs_at_import(n, src) {
            if let (Some(left), Some(right)) = (n.field("left"), n.field("right")) {
                let right = py::unwrap_expression(right);
                let calls_class = right.kind_str() == "call"
                    && right
                        .field("function")
                        .is_some_and(|f| text(f, src) == class);
                if calls_class && left.kind_str() == "identifier" {
                    found = Some(format!("module-level singleton `{}`", text(left, src)));
                }
            }
        }
        true
    });
    found
}

impl CachedFactoryCheck {
    fn py_node(&self, node: Node<'_>, root: Node<'_>, src: &str, found: &mut Vec<Found>) {
        match node.kind_str() {
            "call" => {
                let Some(call) = py::call(node) else { return };
                let name = text(call.name, src);
                if !self.factories.is_match(Family::Python, name) {
                    return;
                }
                if let Some(place) = py_storage(node, root, src) {
                    found.push(Found {
                        span: node.byte_range(),
                        factory: name.to_string(),
                        place,
                    });
                }
            }
            // `functools.cache(get_uncachable_gmail_client)`
            "identifier" | "attribute" => {
                let name = match node.kind_str() {
                    "identifier" => text(node, src),
                    _ => match node.field("attribute") {
                        Some(a) => text(a, src),
                        None => return,
                    },
                };
                if !self.factories.is_match(Family::Python, name) {
                    return;
                }
                let Some(wrapper) = node
                    .parent()
                    .filter(|p| p.kind_str() == "argument_list")
                    .and_then(|a| a.parent())
                else {
                    return;
                };
                let wrapper_name = wrapper.field("function").and_then(|f| py_last_name(f, src));
                if wrapper_name.is_some_and(|n| PY_CACHE_DECORATORS.contains(&n)) {
                    let written = wrapper
                        .field("function")
                        .map_or(String::new(), |f| one_line(f, src));
                    found.push(Found {
                        span: node.byte_range(),
                        factory: name.to_string(),
                        place: Place::Wrapper(written),
                    });
                }
            }
            _ => {}
        }
    }
}

fn py_storage(call: Node<'_>, root: Node<'_>, src: &str) -> Option<Place> {
    let mut current = call;
    loop {
        let parent = current.parent()?;
        match parent.kind_str() {
            "await"
            | "parenthesized_expression"
            | "list"
            | "tuple"
            | "set"
            | "dictionary"
            | "expression_list" => {}
            "pair" | "keyword_argument" => {
                if parent.field("value") != Some(current) {
                    return None;
                }
            }
            "conditional_expression" => {
                if named_children(parent).get(1) == Some(&current) {
                    return None;
                }
            }
            "boolean_operator" => {
                let op = parent.field("operator").map_or("", |o| text(o, src));
                let right = parent.field("right") == Some(current);
                if !(op == "or" || right) {
                    return None;
                }
            }
            "argument_list" => {
                let holder = parent.parent()?;
                let call = py::call(holder)?;
                let name = text(call.name, src);
                // `GmailService(client)` keeps it; `asyncio.gather(…)` yields it.
                if name.starts_with(|c: char| c.is_ascii_uppercase()) || name == "gather" {
                    current = holder;
                    continue;
                }
                if PY_STORE_METHODS.contains(&name) {
                    return py_store_target(call.receiver?, holder, root, src, true);
                }
                return None;
            }
            "assignment" => {
                if parent.field("right") != Some(current) {
                    return None;
                }
                let left = parent.field("left")?;
                return py_store_target(left, parent, root, src, false);
            }
            "return_statement" => {
                let function =
                    py_scope(parent).filter(|s| s.kind_str() == "function_definition")?;
                let decorator = py_cache_decorator(function, src)?;
                return Some(Place::Decorated {
                    decorator,
                    function: py_function_name(function, src),
                });
            }
            _ => return None,
        }
        current = parent;
    }
}

fn py_store_target(
    target: Node<'_>,
    statement: Node<'_>,
    root: Node<'_>,
    src: &str,
    mut keyed: bool,
) -> Option<Place> {
    let target_text = one_line(target, src);
    let scope = py_scope(statement);
    match target.kind_str() {
        "identifier" => match scope.map(|s| (s.kind_str(), s)) {
            None => {
                if !py_runs_at_import(statement, src) {
                    return None;
                }
                if keyed {
                    return match py_module_binding(root, src, &target_text) {
                        Some(Binding::Module { .. }) => Some(Place::ModuleCache(target_text)),
                        _ => None,
                    };
                }
                Some(Place::Module(target_text))
            }
            Some(("class_definition", class)) if !keyed => {
                let class_name = py_function_name(class, src);
                Some(Place::ClassStatic(format!("{class_name}.{target_text}")))
            }
            Some(("function_definition", function)) => {
                if py_declares_global(function, src, &target_text) {
                    return Some(if keyed {
                        Place::ModuleCache(target_text)
                    } else {
                        Place::Module(target_text)
                    });
                }
                if keyed {
                    return match py_resolve(statement, root, src, &target_text) {
                        Binding::Module { .. } => Some(Place::ModuleCache(target_text)),
                        _ => None,
                    };
                }
                if let Some(decorator) = py_cache_decorator(function, src) {
                    return py_returns_name(function, src, &target_text).then(|| {
                        Place::Decorated {
                            decorator,
                            function: py_function_name(function, src),
                        }
                    });
                }
                py_captured(function, src, &target_text).map(|by| Place::Captured {
                    name: target_text,
                    by,
                    function: format!("`{}`", py_function_name(function, src)),
                })
            }
            _ => None,
        },
        "attribute" | "subscript" => {
            keyed |= target.kind_str() == "subscript";
            let container = if target.kind_str() == "subscript" {
                one_line(target.field("value")?, src)
            } else {
                target_text.clone()
            };
            if is_app_state(&target_text) {
                return Some(Place::AppState(target_text));
            }
            let mut base = target;
            while matches!(base.kind_str(), "attribute" | "subscript") {
                let field = if base.kind_str() == "attribute" {
                    "object"
                } else {
                    "value"
                };
                base = py::unwrap_expression(base.child_by_field_name(field)?);
            }
            if base.kind_str() != "identifier"
                || (scope.is_none() && !py_runs_at_import(statement, src))
            {
                return None;
            }
            let name = text(base, src);
            let function = scope.filter(|s| s.kind_str() == "function_definition");
            let decorators = function
                .and_then(|f| f.parent())
                .filter(|p| p.kind_str() == "decorated_definition")
                .map(|d| {
                    named_children(d)
                        .into_iter()
                        .filter(|c| c.kind_str() == "decorator")
                        .map(|c| compact(c, src))
                        .collect::<String>()
                })
                .unwrap_or_default();
            match name {
                "cls" if function.is_some() => {
                    let class = function
                        .and_then(py_scope)
                        .filter(|c| c.kind_str() == "class_definition");
                    Some(Place::ClassStatic(match class {
                        Some(class) => format!(
                            "{}{}",
                            py_function_name(class, src),
                            target_text.trim_start_matches("cls")
                        ),
                        None => target_text,
                    }))
                }
                "self" if function.is_some() => {
                    if decorators.contains("@classmethod") {
                        return Some(Place::ClassStatic(target_text));
                    }
                    if keyed {
                        return Some(Place::InstanceCache(container));
                    }
                    if statement.kind_str() == "assignment"
                        && is_memo_assignment(statement, &compact(target, src), src)
                    {
                        return Some(Place::InstanceMemo(target_text));
                    }
                    let class =
                        py_scope(function?).filter(|c| c.kind_str() == "class_definition")?;
                    let class_name = py_function_name(class, src);
                    py_module_instance(root, src, &class_name).map(|instance| Place::Singleton {
                        field: target_text,
                        instance,
                    })
                }
                _ => match py_resolve(statement, root, src, name) {
                    Binding::Module { class: true } => Some(Place::ClassStatic(target_text)),
                    Binding::Module { .. } if keyed => Some(Place::ModuleCache(container)),
                    Binding::Module { .. } => Some(Place::Module(target_text)),
                    _ => None,
                },
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Kind;

    const RULE: &str = "cached-connector-client";

    /// `flagged text | where` for each finding in one file.
    fn flagged(path: &str, text: &str) -> Vec<String> {
        crate::rules::lint_with_only(RULE, &[(path, text)])
            .iter()
            .map(|f| {
                let place = f
                    .message
                    .split_once(" result is cached ")
                    .map_or("", |(_, w)| w);
                format!("{} | {place}", &text[f.span.clone()])
            })
            .collect()
    }

    #[test]
    fn message_names_factory_and_place() {
        let found = crate::rules::lint_with_only(
            RULE,
            &[("a.ts", "const gmail = await getUncachableGmailClient();")],
        );
        assert_eq!(
            found[0].message,
            "`getUncachableGmailClient()` result is cached in module-scope `gmail`"
        );
        assert_eq!(found[0].label, "cached here");
    }

    #[test]
    fn js_module_scope() {
        let src = r#"
const a = await getUncachableGmailClient();
export let b = getUncachableDriveClient();
var c = connectors.getUncachableSlackClient().catch(() => null);
const d = existing ?? (await getUncachableGmailClient());
const e = { gmail: await getUncachableGmailClient() };
const f = new Service(await getUncachableGmailClient());
const [g, h] = await Promise.all([getUncachableGmailClient(), getUncachableDriveClient()]);
export default getUncachableGmailClient();
const i = ready ? getUncachableGmailClient() : null;
const j = (await getUncachableGmailClient()) as Gmail;
"#;
        assert_eq!(
            flagged("a.ts", src),
            [
                "getUncachableGmailClient() | in module-scope `a`",
                "getUncachableDriveClient() | in module-scope `b`",
                "connectors.getUncachableSlackClient() | in module-scope `c`",
                "getUncachableGmailClient() | in module-scope `d`",
                "getUncachableGmailClient() | in module-scope `e`",
                "getUncachableGmailClient() | in module-scope `f`",
                "getUncachableGmailClient() | in module-scope `g`",
                "getUncachableDriveClient() | in module-scope `h`",
                "getUncachableGmailClient() | in the module's default export",
                "getUncachableGmailClient() | in module-scope `i`",
                "getUncachableGmailClient() | in module-scope `j`",
            ]
        );
    }

    #[test]
    fn js_assignments_that_outlive_the_call() {
        let src = r#"
import * as state from './state';
let client;
const cache = new Map();
const box = {};
class Holder {}
export async function f(key) {
  client = await getUncachableGmailClient();
  if (!client) client = await getUncachableGmailClient();
  client ??= await getUncachableGmailClient();
  client ||= getUncachableGmailClient();
  cache.set(key, await getUncachableGmailClient());
  box[key] = await getUncachableGmailClient();
  box.gmail = await getUncachableGmailClient();
  state.gmail = await getUncachableGmailClient();
  Holder.client = await getUncachableGmailClient();
  globalThis.gmail = await getUncachableGmailClient();
  (global as any).gmail = getUncachableGmailClient();
  window['gmail'] = getUncachableGmailClient();
  exports.gmail = getUncachableGmailClient();
}
"#;
        assert_eq!(
            flagged("a.ts", src),
            [
                "getUncachableGmailClient() | in module-scope `client`",
                "getUncachableGmailClient() | in module-scope `client`",
                "getUncachableGmailClient() | in module-scope `client`",
                "getUncachableGmailClient() | in module-scope `client`",
                "getUncachableGmailClient() | in module-scope cache `cache`",
                "getUncachableGmailClient() | in module-scope cache `box`",
                "getUncachableGmailClient() | in module-scope `box.gmail`",
                "getUncachableGmailClient() | in module-scope `state.gmail`",
                "getUncachableGmailClient() | in class static `Holder.client`",
                "getUncachableGmailClient() | in global `globalThis.gmail`",
                "getUncachableGmailClient() | in global `global.gmail`",
                "getUncachableGmailClient() | in global `window['gmail']`",
                "getUncachableGmailClient() | in module-scope `exports.gmail`",
            ]
        );
    }

    #[test]
    fn js_locals_are_fine() {
        let src = r#"
let client;
export async function a(client) {
  client = await getUncachableGmailClient();
}
export async function b() {
  let client;
  client = await getUncachableGmailClient();
  const { data } = await (await getUncachableGmailClient()).users.labels.list();
  const cache = new Map();
  cache.set('k', await getUncachableGmailClient());
  const box = {};
  box.gmail = await getUncachableGmailClient();
  await send(await getUncachableGmailClient());
  return getUncachableGmailClient();
}
export const c = async () => getUncachableGmailClient();
export const d = await getUncachableGmailClient().then((g) => g.users);
export const e = fetchProfile(getUncachableGmailClient());
export function getUncachableGmailClient() { return build(); }
const f = getUncachableGmailClient;
try {
  const g = await getUncachableGmailClient();
} catch (err) {}
undeclared = await getUncachableGmailClient();
const h = getCachedGmailClient();
const i = getUncachableGmailClientOptions();
"#;
        assert!(
            flagged("a.ts", src).is_empty(),
            "{:?}",
            flagged("a.ts", src)
        );
    }

    #[test]
    fn js_classes() {
        let src = r#"
class A {
  static client = getUncachableGmailClient();
  static { this.other = getUncachableGmailClient(); }
  static async get() { return (this.cached ??= await getUncachableGmailClient()); }
  field = getUncachableGmailClient();
  constructor() { this.client = getUncachableGmailClient(); }
  async memo() {
    if (!this.gmail) {
      this.gmail = await getUncachableGmailClient();
    }
    return this.gmail;
  }
  async keyed(id) { this.clients.set(id, await getUncachableGmailClient()); this.byId[id] = await getUncachableGmailClient(); }
  async reset() { this.constructor.client = getUncachableGmailClient(); }
  async plain() { this.latest = await getUncachableGmailClient(); }
  @Memoize()
  async decorated() { return getUncachableGmailClient(); }
  async local() { const c = await getUncachableGmailClient(); return c; }
}
"#;
        assert_eq!(
            flagged("a.ts", src),
            [
                "getUncachableGmailClient() | in class static `A.client`",
                "getUncachableGmailClient() | in class static `A.other`",
                "getUncachableGmailClient() | in class static `A.cached`",
                "getUncachableGmailClient() | in memoized field `this.gmail`",
                "getUncachableGmailClient() | in instance cache `this.clients`",
                "getUncachableGmailClient() | in instance cache `this.byId`",
                "getUncachableGmailClient() | in class static `A.client`",
                "getUncachableGmailClient() | by `@Memoize` on `decorated`",
            ]
        );
    }

    #[test]
    fn js_singletons() {
        let module_instance = r#"
class Gmail {
  client = getUncachableGmailClient();
  constructor() { this.other = getUncachableGmailClient(); }
}
export const gmail = new Gmail();
"#;
        assert_eq!(
            flagged("a.ts", module_instance),
            [
                "getUncachableGmailClient() | in `this.client` of module-level singleton `gmail`",
                "getUncachableGmailClient() | in `this.other` of module-level singleton `gmail`",
            ]
        );
        let default_export = "class G { constructor() { this.c = getUncachableGmailClient(); } }\nexport default new G();\n";
        assert_eq!(
            flagged("a.ts", default_export),
            ["getUncachableGmailClient() | in `this.c` of the module's default export"]
        );
        let nest = "@Injectable()\nexport class S { async onModuleInit() { this.c = await getUncachableGmailClient(); } }\n";
        assert_eq!(
            flagged("a.ts", nest),
            ["getUncachableGmailClient() | in `this.c` of singleton service `S`"]
        );
        for scoped in [
            "@Injectable({ scope: Scope.REQUEST })",
            "@Injectable({ scope: Scope.TRANSIENT })",
            "",
        ] {
            let src = format!("{scoped}\nexport class S {{ async init() {{ this.c = await getUncachableGmailClient(); }} }}\n");
            assert!(flagged("a.ts", &src).is_empty(), "{scoped}");
        }
    }

    #[test]
    fn js_memo_wrappers() {
        let src = r#"
export const a = memoize(async () => getUncachableGmailClient());
export const b = _.once(async () => { return await getUncachableGmailClient(); });
export const c = pMemoize(getUncachableGmailClient);
export const d = memoizeOne(async () => { const g = await getUncachableGmailClient(); return g; });
export const e = cache(async () => getUncachableGmailClient());
emitter.once('ready', async () => getUncachableGmailClient());
export const f = useCallback(async () => getUncachableGmailClient(), []);
"#;
        assert_eq!(
            flagged("a.ts", src),
            [
                "getUncachableGmailClient() | by `memoize(…)`",
                "getUncachableGmailClient() | by `_.once(…)`",
                "getUncachableGmailClient | by `pMemoize(…)`",
                "getUncachableGmailClient() | by `memoizeOne(…)`",
            ]
        );
    }

    #[test]
    fn python_places() {
        let src = r#"
import functools
from state import registry

gmail = get_uncachable_gmail_client()
drive: Drive = get_uncachable_drive_client()
_clients = {}
try:
    slack = get_uncachable_slack_client()
except Exception:
    slack = None
pair = (get_uncachable_gmail_client(), 1)
service = GmailService(get_uncachable_gmail_client())

def memo():
    global gmail
    if gmail is None:
        gmail = get_uncachable_gmail_client()
    return gmail

def keyed(key):
    _clients[key] = get_uncachable_gmail_client()
    _clients.setdefault(key, get_uncachable_gmail_client())
    registry.gmail = get_uncachable_gmail_client()

@functools.lru_cache(maxsize=None)
def cached():
    return get_uncachable_gmail_client()

@cache
def cached_local():
    client = get_uncachable_gmail_client()
    return client

get_gmail = functools.cache(get_uncachable_gmail_client)

class Conf:
    client = get_uncachable_gmail_client()

    @classmethod
    def refresh(cls):
        cls.client = get_uncachable_gmail_client()

    @cached_property
    def lazy(self):
        return get_uncachable_gmail_client()

    def memo(self):
        self._c = self._c or get_uncachable_gmail_client()
        return self._c
"#;
        assert_eq!(
            flagged("a.py", src),
            [
                "get_uncachable_gmail_client() | in module-scope `gmail`",
                "get_uncachable_drive_client() | in module-scope `drive`",
                "get_uncachable_slack_client() | in module-scope `slack`",
                "get_uncachable_gmail_client() | in module-scope `pair`",
                "get_uncachable_gmail_client() | in module-scope `service`",
                "get_uncachable_gmail_client() | in module-scope `gmail`",
                "get_uncachable_gmail_client() | in module-scope cache `_clients`",
                "get_uncachable_gmail_client() | in module-scope cache `_clients`",
                "get_uncachable_gmail_client() | in module-scope `registry.gmail`",
                "get_uncachable_gmail_client() | by `@functools.lru_cache(maxsize=None)` on `cached`",
                "get_uncachable_gmail_client() | by `@cache` on `cached_local`",
                "get_uncachable_gmail_client | by `functools.cache(…)`",
                "get_uncachable_gmail_client() | in class static `Conf.client`",
                "get_uncachable_gmail_client() | in class static `Conf.client`",
                "get_uncachable_gmail_client() | by `@cached_property` on `lazy`",
                "get_uncachable_gmail_client() | in memoized field `self._c`",
            ]
        );
    }

    #[test]
    fn python_fine() {
        let src = r#"
from connectors import get_uncachable_gmail_client

def send():
    gmail = get_uncachable_gmail_client()
    gmail.users().messages().send().execute()
    return get_uncachable_gmail_client()

def shadow(gmail=None):
    gmail = get_uncachable_gmail_client()
    cache = {}
    cache["k"] = get_uncachable_gmail_client()

def no_global():
    client = get_uncachable_gmail_client()

class Per:
    def __init__(self):
        self.client = get_uncachable_gmail_client()

    @property
    def fresh(self):
        return get_uncachable_gmail_client()

labels = get_uncachable_gmail_client().users().labels().list().execute()
asyncio.run(process(get_uncachable_gmail_client()))

for account in accounts:
    client = get_uncachable_gmail_client(account)

if __name__ == "__main__":
    client = get_uncachable_gmail_client()
    main()

def get_uncachable_drive_client():
    return build("drive", "v3")
"#;
        assert!(
            flagged("a.py", src).is_empty(),
            "{:?}",
            flagged("a.py", src)
        );
    }

    #[test]
    fn js_locals_kept_by_long_lived_callbacks() {
        let src = r#"
export async function registerRoutes(app) {
  const stripe = getUncachableStripeClient();
  app.get('/api/health', (_req, res) => res.json({ ok: true }));
  app.get('/api/products', async (_req, res) => res.json(await stripe.products.list()));
  return createServer(app);
}
export function startJobs() {
  const gmail = getUncachableGmailClient();
  setInterval(async () => { await gmail.users.messages.list(); }, 60_000);
}
export function schedule() {
  const drive = getUncachableDriveClient();
  cron.schedule('0 * * * *', async () => drive.files.list());
}
export const middleware = (app) => {
  const slack = getUncachableSlackClient();
  app.use((req, _res, next) => { req.slack = slack; next(); });
};
"#;
        assert_eq!(
            flagged("server/routes.ts", src),
            [
                "getUncachableStripeClient() | in `stripe` of `registerRoutes`, kept by the route handler for `/api/products`",
                "getUncachableGmailClient() | in `gmail` of `startJobs`, kept by a `setInterval` callback",
                "getUncachableDriveClient() | in `drive` of `schedule`, kept by a cron job",
                "getUncachableSlackClient() | in `slack` of `middleware`, kept by a middleware",
            ]
        );
        let fine = r#"
export async function GET(req) {
  const gmail = await getUncachableGmailClient();
  const all = await Promise.all(ids.map(async (id) => gmail.users.messages.get({ id })));
  await withRetry(async () => gmail.users.labels.list());
  app.get('/api/x', (req, res) => res.json({ ok: true }));
  router.get('/api/y', async (req, res) => { const gmail = await getUncachableGmailClient(); res.json(await gmail.users.labels.list()); });
  return Response.json(all);
}
"#;
        assert!(
            flagged("app/api/route.ts", fine).is_empty(),
            "{:?}",
            flagged("app/api/route.ts", fine)
        );
    }

    #[test]
    fn memo_guards_read_the_whole_target() {
        assert!(super::mentions("!client", "client"));
        assert!(super::mentions("client==null", "client"));
        assert!(super::mentions("!this.client", "this.client"));
        assert!(!super::mentions("!clients", "client"));
        assert!(!super::mentions("!this.client", "client"));
        assert!(!super::mentions("await getUncachableGmailClient()", "g"));
        assert!(super::mentions("self._c or get_client()", "self._c"));
        assert!(!super::mentions("!this.clientPromise", "this.client"));
    }

    #[test]
    fn js_closure_memos() {
        let src = r#"
export const gmail = (() => {
  let client;
  return async () => (client ??= await getUncachableGmailClient());
})();
export function makeGetter() {
  let c = null;
  return async () => {
    if (!c) c = await getUncachableGmailClient();
    return c;
  };
}
export async function send() {
  let g;
  await withRetry(async () => { g = await getUncachableGmailClient(); });
  let h;
  h ??= await getUncachableGmailClient();
}
"#;
        assert_eq!(
            flagged("a.ts", src),
            [
                "getUncachableGmailClient() | in `client`, memoized by a closure",
                "getUncachableGmailClient() | in `c`, memoized by a closure",
            ]
        );
    }

    #[test]
    fn python_locals_kept_by_route_handlers() {
        let src = r#"
def create_app():
    app = FastAPI()
    gmail = get_uncachable_gmail_client()

    @app.get("/labels")
    def labels():
        return gmail.users().labels().list(userId="me").execute()

    @app.get("/health")
    def health():
        return {"ok": True}

    return app

def handler(request):
    gmail = get_uncachable_gmail_client()

    def page(token):
        return gmail.users().messages().list(pageToken=token).execute()

    return [page(t) for t in tokens]
"#;
        assert_eq!(
            flagged("app/main.py", src),
            ["get_uncachable_gmail_client() | in `gmail` of `create_app`, kept by the route handler for `/labels`"]
        );
    }

    #[test]
    fn python_singleton_instance() {
        let src = "class Gmail:\n    def __init__(self):\n        self.client = get_uncachable_gmail_client()\n\ngmail = Gmail()\n";
        assert_eq!(
            flagged("svc.py", src),
            ["get_uncachable_gmail_client() | in `self.client` of module-level singleton `gmail`"]
        );
    }

    #[test]
    fn test_files_are_skipped() {
        let src = "const gmail = await getUncachableGmailClient();";
        for path in [
            "src/gmail.test.ts",
            "tests/gmail.ts",
            "src/__tests__/g.ts",
            "test_gmail.py",
        ] {
            let text = if path.ends_with(".py") {
                "gmail = get_uncachable_gmail_client()"
            } else {
                src
            };
            assert!(flagged(path, text).is_empty(), "{path}");
        }
    }

    #[test]
    fn options_are_validated() {
        let compile = |text: &str| {
            super::CachedFactoryResult
                .compile(&toml::from_str(text).unwrap())
                .err()
                .and_then(|e| e.option)
        };
        assert_eq!(compile("factories = []").as_deref(), Some("factories"));
        assert_eq!(compile("factories = ['*']").as_deref(), Some("factories"));
        assert_eq!(
            compile("factories = ['get client']").as_deref(),
            Some("factories")
        );
        assert_eq!(compile("names = ['x']").as_deref(), Some("names"));
        let check = super::CachedFactoryResult
            .compile(&toml::from_str("factories = ['getUncachable*Client']").unwrap())
            .ok()
            .unwrap();
        assert_eq!(check.literals(), ["getUncachable", "get_uncachable_"]);
    }
}
