//! Logging calls and the values each hands to its output unchanged: the
//! argument itself, `${x}` in a template literal, `{x}` in a Python
//! f-string or a Rust format string, `%` formatting, `+`, object and dict
//! values, array and tuple items, keyword arguments, tracing fields, `a ||
//! b`, conditional branches, reads by a literal key, and wrappers that keep
//! the value (`JSON.stringify`, `str`, `.toString()`, `.clone()`).
//! Anything derived from a value (`x.length`, `len(x)`, `!!x`, `mask(x)`,
//! comparisons) is not passed on and not read.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use proc_macro2::{Spacing, TokenStream, TokenTree};
use tree_sitter::Node;

use crate::lang::tree::{named_children, text, walk, walk_with_path, NodeExt};
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};

/// A call (or Rust macro) whose callee the caller takes for a logger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogCall {
    /// The callee as a path, with `()` for calls along it
    /// (`logging.getLogger().info`), or a Rust macro's path with `!`
    /// (`tracing::info!`).
    pub path: String,
    /// The callee as written in the source (a Rust macro's path).
    pub written: String,
    /// The values the call hands on, in source order.
    pub values: Vec<LoggedValue>,
    /// The call runs only in development: it is in the body of an `if`
    /// whose condition asks for it (`process.env.NODE_ENV ===
    /// "development"`, `import.meta.env.DEV`, `__DEV__`, `settings.DEBUG`).
    pub dev_only: bool,
}

/// One named value a logging call hands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedValue {
    /// The identifier, property, holder or key that names the value.
    pub name: String,
    /// Where that name is written (a key's literal, quotes included).
    pub span: Range<usize>,
    /// The whole expression that reads it (`settings.api_key`).
    pub expression: Range<usize>,
    pub reach: Reach,
    /// The object or dict key, keyword argument or tracing field the value
    /// is handed on under, when the value is that entry's whole value
    /// (`credentialId` in `{ credentialId: credential }`, `user_id` in
    /// `user_id=user`): the name the author gave the logged field.
    pub label: Option<String>,
}

/// How a [`LoggedValue`] is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// A plain name: an identifier, a shorthand property, a Rust path or
    /// field, a name a Rust format string captures. `scope` is the Python
    /// function around an identifier (see [`UuidBindings`]).
    Name { scope: Option<Range<usize>> },
    /// A property read from a holder whose source text is `holder`. When
    /// the property is `value`, `value_of` is the holder's own name and
    /// where it is written (`token` in `token.value`).
    Property {
        holder: String,
        value_of: Option<(String, Range<usize>)>,
    },
    /// A read by a literal key: `data['token']`, `params.get('token')`,
    /// `os.getenv("API_KEY")`, `env::var("API_KEY")`.
    Key,
}

/// Every call of a TS/JS, Python or Rust file whose callee path
/// `is_logger` accepts, with the values it hands on.
pub fn log_calls(file: &ParsedFile, is_logger: &dyn Fn(&str) -> bool) -> Vec<LogCall> {
    let src = file.text();
    match file.language.family() {
        Family::Js => {
            let Some(tree) = file.tree() else {
                return Vec::new();
            };
            let mut found = Vec::new();
            let mut dev_bodies: Vec<Range<usize>> = Vec::new();
            walk(tree.root_node(), |node| {
                dev_bodies.extend(dev_only_body(node, src));
                found.extend(js_call(node, src, is_logger).map(|mut call| {
                    call.dev_only = within(&dev_bodies, node.start_byte());
                    call
                }));
                true
            });
            found
        }
        Family::Python => {
            let Some(tree) = file.tree() else {
                return Vec::new();
            };
            let mut found = Vec::new();
            // The functions around the visited node, with their depths:
            // asking each call for its enclosing function would climb the
            // tree once per call, and tree-sitter finds each parent by a
            // walk down from the root (quadratic in nesting).
            let mut functions: Vec<(usize, Range<usize>)> = Vec::new();
            let mut dev_bodies: Vec<Range<usize>> = Vec::new();
            walk_with_path(tree.root_node(), "binary_operator", |path| {
                let node = path.node();
                let depth = path.depth();
                while functions.last().is_some_and(|(d, _)| *d >= depth) {
                    functions.pop();
                }
                if node.kind_str() == "function_definition" {
                    functions.push((depth, node.byte_range()));
                }
                let scope = functions.last().map(|(_, function)| function.clone());
                dev_bodies.extend(dev_only_body(node, src));
                found.extend(py_call(node, scope, src, is_logger).map(|mut call| {
                    call.dev_only = within(&dev_bodies, node.start_byte());
                    call
                }));
                true
            });
            found
        }
        Family::Rust => {
            let Some(syntax) = file.rust().file() else {
                return Vec::new();
            };
            let mut visitor = RustLogs {
                is_logger,
                src,
                found: Vec::new(),
            };
            syn::visit::Visit::visit_file(&mut visitor, syntax);
            visitor.found
        }
        _ => Vec::new(),
    }
}

fn within(ranges: &[Range<usize>], offset: usize) -> bool {
    ranges.iter().any(|r| r.contains(&offset))
}

/// The body of an `if` (TS/JS or Python) that runs only in development:
/// its condition is a development check, not negated, not combined with
/// `||`/`or`. The `else` branch is not part of it.
fn dev_only_body(node: Node<'_>, src: &str) -> Option<Range<usize>> {
    if node.kind_str() != "if_statement" {
        return None;
    }
    let condition = node.field("condition")?;
    let body = node.field("consequence")?;
    is_development_check(text(condition, src)).then(|| body.byte_range())
}

/// `process.env.NODE_ENV === "development"`, `NODE_ENV !== 'production'`,
/// `import.meta.env.DEV`, `__DEV__`, `isDev`, `settings.DEBUG`, `app.debug`.
fn is_development_check(condition: &str) -> bool {
    let condition = condition
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    if condition.contains("||") || condition.contains(" or ") {
        return false;
    }
    let compact: String = condition.chars().filter(|c| !c.is_whitespace()).collect();
    let quoted = |word: &str| {
        ['"', '\'', '`']
            .iter()
            .any(|q| compact.contains(&format!("{q}{word}{q}")))
    };
    if compact.contains("NODE_ENV") {
        let equal = compact.contains("===") || (compact.contains("==") && !compact.contains("!="));
        return (equal && quoted("development"))
            || (compact.contains("!=") && quoted("production"));
    }
    if compact.starts_with('!')
        || condition.starts_with("not ")
        || compact.contains("==")
        || compact.contains("!=")
    {
        return false;
    }
    let last = compact.rsplit('.').next().unwrap_or(&compact);
    compact == "import.meta.env.DEV"
        || matches!(
            last,
            "__DEV__" | "isDev" | "isDevelopment" | "IS_DEV" | "IS_DEVELOPMENT"
        )
        || (matches!(last, "DEBUG" | "debug") && compact.split('.').count() <= 2)
}

/// Names each Python function binds to a UUID (`x = uuid4()`, `x: UUID`),
/// read once per function and file.
#[derive(Default)]
pub struct UuidBindings {
    by_function: HashMap<usize, HashSet<String>>,
}

impl UuidBindings {
    /// Whether the function at `scope` of `src` makes `name` a UUID.
    pub fn binds(&mut self, src: &str, scope: &Range<usize>, name: &str) -> bool {
        self.by_function
            .entry(scope.start)
            .or_insert_with(|| uuid_bound_names(src.get(scope.clone()).unwrap_or_default()))
            .contains(name)
    }
}

/// Names a function body binds to a UUID: `x = uuid4()`, `x = uuid.uuid4()`,
/// `x = str(uuid4())`, `x = str(uuid.uuid4())`, `x: UUID`, `x: uuid.UUID`.
fn uuid_bound_names(body: &str) -> HashSet<String> {
    let body: String = body.split_whitespace().collect();
    let mut names = HashSet::new();
    for binding in [
        "=uuid4()",
        "=uuid.uuid4()",
        "=str(uuid4())",
        "=str(uuid.uuid4())",
        ":UUID",
        ":uuid.UUID",
    ] {
        for (i, _) in body.match_indices(binding) {
            let before = crate::source::slice(&body, 0..i);
            let name: String = before
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let qualified = crate::source::slice(before, 0..before.len() - name.len())
                .chars()
                .next_back()
                .is_some_and(|c| c == '.');
            if !name.is_empty() && !qualified {
                names.insert(name);
            }
        }
    }
    names
}

fn name_value(node: Node<'_>, src: &str, scope: Option<Range<usize>>) -> LoggedValue {
    LoggedValue {
        name: text(node, src).to_string(),
        span: node.byte_range(),
        expression: node.byte_range(),
        reach: Reach::Name { scope },
        label: None,
    }
}

/// `holder.property`: the property, its holder's text, and for `.value`
/// the holder's own name (the holder itself, or its last property).
fn property_value(
    member: Node<'_>,
    property: Node<'_>,
    holder_property_field: &'static str,
    src: &str,
) -> LoggedValue {
    let holder = member.field("object");
    let name = text(property, src);
    let value_of = holder.filter(|_| name == "value").and_then(|holder| {
        let named = if holder.kind_str() == "identifier" {
            Some(holder)
        } else {
            holder.field(holder_property_field)
        };
        named.map(|n| (text(n, src).to_string(), n.byte_range()))
    });
    LoggedValue {
        name: name.to_string(),
        span: property.byte_range(),
        expression: member.byte_range(),
        reach: Reach::Property {
            holder: holder.map_or("", |o| text(o, src)).to_string(),
            value_of,
        },
        label: None,
    }
}

/// Names the value an entry (`key: value`, `name=value`) handed on, when
/// that value is the entry's whole value: a name or a property read, not
/// an object, a call or a string around it.
fn label_entry(out: &mut [LoggedValue], start: usize, value: Node<'_>, key: Option<String>) {
    let whole = matches!(
        value.kind_str(),
        "identifier" | "member_expression" | "attribute" | "subscript_expression" | "subscript"
    );
    if let ([only], true, Some(key)) = (&mut out[start..], whole, key) {
        only.label = Some(key);
    }
}

// ---------------------------------------------------------------------------
// TypeScript / JavaScript

/// `console.log` style path of a callee, with `()` for calls along the way,
/// or `None` for computed callees.
fn js_path(node: Node<'_>, src: &str) -> Option<String> {
    let node = ts::unwrap_expression(node);
    match node.kind_str() {
        "identifier" => Some(text(node, src).to_string()),
        "this" | "super" => Some(node.kind_str().to_string()),
        "member_expression" => {
            let object = js_path(node.field("object")?, src)?;
            let property = node.field("property")?;
            Some(format!("{object}.{}", text(property, src)))
        }
        "call_expression" => Some(format!("{}()", js_path(node.field("function")?, src)?)),
        _ => None,
    }
}

/// Calls that hand their argument on unchanged.
const JS_TRANSPARENT_CALLS: &[&str] = &["JSON.stringify", "String", "util.inspect", "inspect"];
/// Methods that return their receiver's value unchanged (as text).
const JS_TRANSPARENT_METHODS: &[&str] = &["toString", "toJSON", "valueOf", "trim"];

fn js_call(node: Node<'_>, src: &str, is_logger: &dyn Fn(&str) -> bool) -> Option<LogCall> {
    if node.kind_str() != "call_expression" {
        return None;
    }
    let function = node.field("function")?;
    let arguments = node.field("arguments")?;
    if arguments.kind_str() != "arguments" {
        return None;
    }
    let path = js_path(function, src)?;
    if !is_logger(&path) {
        return None;
    }
    let mut args: Vec<Node<'_>> = named_children(arguments)
        .into_iter()
        .filter(|a| a.kind_str() != "comment")
        .collect();
    if path.ends_with(".assert") && !args.is_empty() {
        // `console.assert(condition, ...data)`: the condition is tested,
        // not printed.
        args.remove(0);
    }
    let mut values = Vec::new();
    for arg in args {
        js_values(arg, src, &mut values);
    }
    Some(LogCall {
        written: text(function, src).to_string(),
        path,
        values,
        dev_only: false,
    })
}

fn js_values(node: Node<'_>, src: &str, out: &mut Vec<LoggedValue>) {
    let node = ts::unwrap_expression(node);
    match node.kind_str() {
        "identifier" | "shorthand_property_identifier" => out.push(name_value(node, src, None)),
        "member_expression" => {
            if let Some(property) = node.field("property") {
                out.push(property_value(node, property, "property", src));
            }
        }
        "subscript_expression" => {
            if let Some(index) = node.field("index") {
                js_key(node, index, src, out);
            }
        }
        "template_string" => {
            for child in named_children(node) {
                if child.kind_str() == "template_substitution" {
                    if let Some(inner) = child.named_child(0) {
                        js_values(inner, src, out);
                    }
                }
            }
        }
        "binary_expression" => {
            let operator = node.field("operator").map_or("", |o| text(o, src));
            let (left, right) = (node.field("left"), node.field("right"));
            let sides = match operator {
                "+" | "||" | "??" => vec![left, right],
                // `token && 'set'` yields `'set'` when there is a token.
                "&&" => vec![right],
                _ => Vec::new(),
            };
            for side in sides.into_iter().flatten() {
                js_values(side, src, out);
            }
        }
        "ternary_expression" => {
            for field in ["consequence", "alternative"] {
                if let Some(branch) = node.field(field) {
                    js_values(branch, src, out);
                }
            }
        }
        "object" => {
            for member in named_children(node) {
                match member.kind_str() {
                    "pair" => {
                        if let Some(value) = member.field("value") {
                            let start = out.len();
                            js_values(value, src, out);
                            let key = member.field("key").map(|k| js_key_name(k, src));
                            label_entry(out, start, ts::unwrap_expression(value), key);
                        }
                    }
                    "shorthand_property_identifier" => js_values(member, src, out),
                    "spread_element" => {
                        if let Some(inner) = member.named_child(0) {
                            js_values(inner, src, out);
                        }
                    }
                    _ => {}
                }
            }
        }
        "array" => {
            for item in named_children(node) {
                let item = if item.kind_str() == "spread_element" {
                    match item.named_child(0) {
                        Some(i) => i,
                        None => continue,
                    }
                } else {
                    item
                };
                js_values(item, src, out);
            }
        }
        "call_expression" => js_call_value(node, src, out),
        _ => {}
    }
}

/// A call inside the arguments: only wrappers that keep the value
/// (`JSON.stringify(creds)`, `token.toString()`) and reads by a literal
/// key (`params.get('token')`) count.
fn js_call_value(node: Node<'_>, src: &str, out: &mut Vec<LoggedValue>) {
    let Some(call) = ts::call(node) else { return };
    let Some(path) = node.field("function").and_then(|f| js_path(f, src)) else {
        return;
    };
    let method = text(call.name, src);
    if JS_TRANSPARENT_CALLS.contains(&path.as_str()) {
        if let Some(first) = call.args.first() {
            js_values(*first, src, out);
        }
    } else if let Some(receiver) = call.receiver {
        if JS_TRANSPARENT_METHODS.contains(&method) && call.args.is_empty() {
            js_values(receiver, src, out);
        } else if method == "get" && call.args.len() == 1 {
            js_key(node, call.args[0], src, out);
        }
    }
}

/// An object key as written, without quotes (`credentialId`, `'user-id'`).
fn js_key_name(key: Node<'_>, src: &str) -> String {
    ts::string_literal(key, src)
        .map(|l| l.value)
        .unwrap_or_else(|| text(key, src).to_string())
}

/// A read by a literal key (`data['access_token']`, `env.get('API_KEY')`).
fn js_key(whole: Node<'_>, key: Node<'_>, src: &str, out: &mut Vec<LoggedValue>) {
    if let Some(lit) = ts::string_literal(key, src).filter(|l| l.is_static()) {
        out.push(LoggedValue {
            name: lit.value,
            span: lit.span,
            expression: whole.byte_range(),
            reach: Reach::Key,
            label: None,
        });
    }
}

// ---------------------------------------------------------------------------
// Python

fn py_path(node: Node<'_>, src: &str) -> Option<String> {
    let node = py::unwrap_expression(node);
    match node.kind_str() {
        "identifier" => Some(text(node, src).to_string()),
        "attribute" => {
            let object = py_path(node.field("object")?, src)?;
            let attribute = node.field("attribute")?;
            Some(format!("{object}.{}", text(attribute, src)))
        }
        "call" => Some(format!("{}()", py_path(node.field("function")?, src)?)),
        _ => None,
    }
}

const PY_TRANSPARENT_CALLS: &[&str] = &["str", "repr", "json.dumps", "pformat", "pprint.pformat"];
/// Methods that return the receiver's secret as it is (pydantic's
/// `SecretStr.get_secret_value()`).
const PY_TRANSPARENT_METHODS: &[&str] = &["get_secret_value", "strip", "decode"];
const PY_ENV_READS: &[&str] = &["os.getenv", "getenv", "os.environ.get", "environ.get"];

/// A logging call and its values; `scope` is the function around `node`.
fn py_call(
    node: Node<'_>,
    scope: Option<Range<usize>>,
    src: &str,
    is_logger: &dyn Fn(&str) -> bool,
) -> Option<LogCall> {
    let call = py::call(node)?;
    let function = node.field("function")?;
    let path = py_path(function, src)?;
    if !is_logger(&path) {
        return None;
    }
    let mut values = Vec::new();
    for arg in call.args {
        py_values(arg, src, &scope, &mut values);
    }
    for (name, value) in call.kwargs {
        let start = values.len();
        py_values(value, src, &scope, &mut values);
        label_entry(
            &mut values,
            start,
            py::unwrap_expression(value),
            Some(text(name, src).to_string()),
        );
    }
    Some(LogCall {
        written: text(function, src).to_string(),
        path,
        values,
        dev_only: false,
    })
}

fn py_values(node: Node<'_>, src: &str, scope: &Option<Range<usize>>, out: &mut Vec<LoggedValue>) {
    let node = py::unwrap_expression(node);
    match node.kind_str() {
        "identifier" => out.push(name_value(node, src, scope.clone())),
        "attribute" => {
            if let Some(attribute) = node.field("attribute") {
                out.push(property_value(node, attribute, "attribute", src));
            }
        }
        "subscript" => {
            let subscripts: Vec<Node<'_>> = {
                let mut cursor = node.walk();
                node.children_by_field_name("subscript", &mut cursor)
                    .collect()
            };
            if let [key] = subscripts.as_slice() {
                py_key(node, *key, src, out);
            }
        }
        "string" => {
            for child in named_children(node) {
                if child.kind_str() == "interpolation" {
                    if let Some(expression) = child.field("expression") {
                        py_values(expression, src, scope, out);
                    }
                }
            }
        }
        "concatenated_string" | "tuple" | "list" | "set" | "expression_list" => {
            for child in named_children(node) {
                py_values(child, src, scope, out);
            }
        }
        "binary_operator" => {
            let operator = node.field("operator").map_or("", |o| text(o, src));
            let right = node.field("right");
            let sides = match operator {
                "+" => vec![node.field("left"), right],
                // `"token=%s" % token`
                "%" => vec![right],
                _ => Vec::new(),
            };
            for side in sides.into_iter().flatten() {
                py_values(side, src, scope, out);
            }
        }
        "boolean_operator" => {
            let operator = node.field("operator").map_or("", |o| text(o, src));
            let sides = match operator {
                "or" => vec![node.field("left"), node.field("right")],
                "and" => vec![node.field("right")],
                _ => Vec::new(),
            };
            for side in sides.into_iter().flatten() {
                py_values(side, src, scope, out);
            }
        }
        "conditional_expression" => {
            let parts = named_children(node);
            for branch in [parts.first(), parts.get(2)].into_iter().flatten() {
                py_values(*branch, src, scope, out);
            }
        }
        "list_splat" | "dictionary_splat" => {
            if let Some(inner) = node.named_child(0) {
                py_values(inner, src, scope, out);
            }
        }
        "dictionary" => {
            for member in named_children(node) {
                match member.kind_str() {
                    "pair" => {
                        if let Some(value) = member.field("value") {
                            let start = out.len();
                            py_values(value, src, scope, out);
                            let key = member
                                .field("key")
                                .and_then(|k| py::string_literal(k, src))
                                .filter(|l| l.is_static())
                                .map(|l| l.value);
                            label_entry(out, start, py::unwrap_expression(value), key);
                        }
                    }
                    "dictionary_splat" => py_values(member, src, scope, out),
                    _ => {}
                }
            }
        }
        "call" => py_call_value(node, src, scope, out),
        _ => {}
    }
}

fn py_call_value(
    node: Node<'_>,
    src: &str,
    scope: &Option<Range<usize>>,
    out: &mut Vec<LoggedValue>,
) {
    let Some(call) = py::call(node) else { return };
    let path = node.field("function").and_then(|f| py_path(f, src));
    let method = text(call.name, src);
    if path
        .as_deref()
        .is_some_and(|p| PY_TRANSPARENT_CALLS.contains(&p))
    {
        if let Some(first) = call.args.first() {
            py_values(*first, src, scope, out);
        }
        return;
    }
    if path.as_deref().is_some_and(|p| PY_ENV_READS.contains(&p))
        || (method == "get" && call.receiver.is_some())
    {
        if let Some(first) = call.args.first() {
            py_key(node, *first, src, out);
        }
        return;
    }
    if PY_TRANSPARENT_METHODS.contains(&method) && call.args.is_empty() {
        if let Some(receiver) = call.receiver {
            py_values(receiver, src, scope, out);
        }
        return;
    }
    // `"token={}".format(token)`
    if method == "format"
        && call
            .receiver
            .is_some_and(|r| matches!(r.kind_str(), "string" | "concatenated_string"))
    {
        for arg in call.args {
            py_values(arg, src, scope, out);
        }
        for (_, value) in call.kwargs {
            py_values(value, src, scope, out);
        }
    }
}

fn py_key(whole: Node<'_>, key: Node<'_>, src: &str, out: &mut Vec<LoggedValue>) {
    if let Some(lit) = py::string_literal(key, src).filter(|l| l.is_static()) {
        out.push(LoggedValue {
            name: lit.value,
            span: lit.span,
            expression: whole.byte_range(),
            reach: Reach::Key,
            label: None,
        });
    }
}

// ---------------------------------------------------------------------------
// Rust

struct RustLogs<'a> {
    is_logger: &'a dyn Fn(&str) -> bool,
    src: &'a str,
    found: Vec<LogCall>,
}

impl<'ast> syn::visit::Visit<'ast> for RustLogs<'_> {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let path = macro_path(mac);
        if (self.is_logger)(&path) {
            let mut values = Vec::new();
            rust_macro_args(mac.tokens.clone(), self.src, &mut values);
            self.found.push(LogCall {
                written: path.clone(),
                path,
                values,
                dev_only: false,
            });
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn macro_path(mac: &syn::Macro) -> String {
    let segments: Vec<String> = mac
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    format!("{}!", segments.join("::"))
}

/// Methods that keep the value (as text or behind a reference).
const RUST_TRANSPARENT_METHODS: &[&str] = &[
    "to_string",
    "to_owned",
    "clone",
    "as_str",
    "as_ref",
    "as_deref",
    "expose_secret",
    "unwrap",
    "expect",
    "unwrap_or_default",
    "borrow",
    "deref",
];

/// Reads the arguments of a format-style or logging macro: positional
/// arguments, `name = value` (format args, tracing fields), `%value` /
/// `?value` (tracing), `"key" => value` (slog), and `{name}` captured by
/// the format string. `target:`/`parent:`/`name:` settings are skipped.
fn rust_macro_args(tokens: TokenStream, src: &str, out: &mut Vec<LoggedValue>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for segment in
        tokens.split(|t| matches!(t, TokenTree::Punct(p) if matches!(p.as_char(), ',' | ';')))
    {
        if segment.is_empty() || is_setting(segment) {
            continue;
        }
        let mut value = value_part(segment);
        while let Some(TokenTree::Punct(p)) = value.first() {
            if matches!(p.as_char(), '%' | '?') {
                value = &value[1..];
            } else {
                break;
            }
        }
        match value {
            [] => {}
            [TokenTree::Literal(lit)] => rust_format_string(lit, out),
            _ => {
                let stream: TokenStream = value.iter().cloned().collect();
                if let Ok(expr) = syn::parse2::<syn::Expr>(stream) {
                    rust_values(&expr, src, out);
                }
            }
        }
    }
}

/// `{token}` and `{token:?}` captured by a format string.
fn rust_format_string(lit: &proc_macro2::Literal, out: &mut Vec<LoggedValue>) {
    let repr = lit.to_string();
    if !(repr.starts_with('"') || repr.starts_with("r\"") || repr.starts_with("r#")) {
        return;
    }
    let start = lit.span().byte_range().start;
    let bytes = repr.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'{' {
            i += 1;
            continue;
        }
        if bytes.get(i + 1) == Some(&b'{') {
            i += 2;
            continue;
        }
        let name_start = i + 1;
        let name_end = crate::source::slice(&repr, name_start..)
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(repr.len(), |n| name_start + n);
        let name = crate::source::slice(&repr, name_start..name_end);
        let closes = matches!(bytes.get(name_end), Some(b'}' | b':'));
        if closes && name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            let span = start + name_start..start + name_end;
            out.push(LoggedValue {
                name: name.to_string(),
                expression: span.clone(),
                span,
                reach: Reach::Name { scope: None },
                label: None,
            });
        }
        i = name_end.max(i + 1);
    }
}

fn rust_values(expr: &syn::Expr, src: &str, out: &mut Vec<LoggedValue>) {
    use syn::Expr;
    let named = |ident: &syn::Ident, whole: Range<usize>| LoggedValue {
        name: ident.to_string(),
        span: ident.span().byte_range(),
        expression: whole,
        reach: Reach::Name { scope: None },
        label: None,
    };
    match expr {
        Expr::Path(p) if p.qself.is_none() => {
            if let Some(last) = p.path.segments.last() {
                out.push(named(&last.ident, crate::lang::rust::node_range(p)));
            }
        }
        Expr::Field(f) => {
            if let syn::Member::Named(ident) = &f.member {
                out.push(named(ident, crate::lang::rust::node_range(f)));
            }
        }
        Expr::Reference(r) => rust_values(&r.expr, src, out),
        Expr::Paren(p) => rust_values(&p.expr, src, out),
        Expr::Group(g) => rust_values(&g.expr, src, out),
        Expr::Try(t) => rust_values(&t.expr, src, out),
        Expr::Await(a) => rust_values(&a.base, src, out),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => rust_values(&u.expr, src, out),
        Expr::Tuple(t) => {
            for e in &t.elems {
                rust_values(e, src, out);
            }
        }
        Expr::Array(a) => {
            for e in &a.elems {
                rust_values(e, src, out);
            }
        }
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            if RUST_TRANSPARENT_METHODS.contains(&method.as_str()) {
                rust_values(&m.receiver, src, out);
            } else if method == "get" && m.args.len() == 1 {
                rust_key(expr, &m.args[0], out);
            }
        }
        Expr::Call(c) => {
            let Expr::Path(func) = &*c.func else { return };
            let segments: Vec<String> = func
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
            match segments.as_slice() {
                [.., "env" | "dotenv" | "dotenvy", "var"] if c.args.len() == 1 => {
                    rust_key(expr, &c.args[0], out)
                }
                [.., "String", "from"] | [.., "Cow", "from"] if c.args.len() == 1 => {
                    rust_values(&c.args[0], src, out)
                }
                _ => {}
            }
        }
        Expr::Index(i) => rust_key(expr, &i.index, out),
        Expr::Macro(m) => {
            let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
            if matches!(name.as_deref(), Some("format" | "format_args")) {
                rust_macro_args(m.mac.tokens.clone(), src, out);
            }
        }
        _ => {}
    }
}

fn rust_key(whole: &syn::Expr, key: &syn::Expr, out: &mut Vec<LoggedValue>) {
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(s),
        ..
    }) = key
    else {
        return;
    };
    out.push(LoggedValue {
        name: s.value(),
        span: s.span().byte_range(),
        expression: crate::lang::rust::node_range(whole),
        reach: Reach::Key,
        label: None,
    });
}

/// `target: "x"`, `parent: &span`, `name: "x"`: macro settings, not values.
fn is_setting(segment: &[TokenTree]) -> bool {
    matches!(
        segment,
        [TokenTree::Ident(_), TokenTree::Punct(colon), ..]
            if colon.as_char() == ':' && colon.spacing() == Spacing::Alone
    )
}

/// The value of `key = value` or `"key" => value`, else the whole segment.
fn value_part(segment: &[TokenTree]) -> &[TokenTree] {
    for (i, token) in segment.iter().enumerate() {
        let TokenTree::Punct(p) = token else { continue };
        let after_joint = i > 0
            && matches!(&segment[i - 1], TokenTree::Punct(prev) if prev.spacing() == Spacing::Joint);
        if p.as_char() == '=' && p.spacing() == Spacing::Alone && !after_joint {
            return &segment[i + 1..];
        }
        if p.as_char() == '=' && p.spacing() == Spacing::Joint {
            if let Some(TokenTree::Punct(gt)) = segment.get(i + 1) {
                if gt.as_char() == '>' {
                    return &segment[i + 2..];
                }
            }
        }
        if matches!(p.as_char(), '|' | '&' | '<') {
            // A closure or a comparison comes before any `key =`.
            break;
        }
    }
    segment
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;
    use crate::source::SourceFile;
    use std::sync::Arc;

    #[test]
    fn development_checks_are_told_from_their_negations_and_alternatives() {
        for dev in [
            "(process.env.NODE_ENV === \"development\")",
            "(process.env.NODE_ENV !== 'production')",
            "(import.meta.env.DEV)",
            "(__DEV__)",
            "(config.isDev)",
            "settings.DEBUG",
            "app.debug",
        ] {
            assert!(is_development_check(dev), "{dev}");
        }
        for not_dev in [
            "(process.env.NODE_ENV !== \"development\")",
            "(process.env.NODE_ENV === 'production')",
            "(!isDev)",
            "not settings.DEBUG",
            "(isDev || process.env.VERBOSE)",
            "settings.DEBUG or verbose",
            "(logger.level === DEBUG)",
            "(options.debug.verbose)",
        ] {
            assert!(!is_development_check(not_dev), "{not_dev}");
        }
    }

    /// `path: name (how)` for every value each logging call hands on.
    fn read(path: &str, src: &str) -> Vec<String> {
        let language = Language::from_path(path).unwrap();
        let file = ParsedFile::new(Arc::new(SourceFile::in_memory(path, src)), language);
        let is_logger = |p: &str| p.starts_with("console.") || p == "print" || p == "info!";
        log_calls(&file, &is_logger)
            .into_iter()
            .flat_map(|call| {
                call.values.into_iter().map(move |v| {
                    let how = match v.reach {
                        Reach::Name { scope: Some(_) } => "name in function".to_string(),
                        Reach::Name { scope: None } => "name".to_string(),
                        Reach::Property { holder, value_of } => match value_of {
                            Some((name, _)) => format!("value of {name}"),
                            None => format!("property of {holder}"),
                        },
                        Reach::Key => "key".to_string(),
                    };
                    format!("{}: {} ({how}) `{}`", call.path, v.name, &src[v.expression])
                })
            })
            .collect()
    }

    #[test]
    fn values_handed_on_in_each_language() {
        assert_eq!(
            read(
                "a.ts",
                "console.log(`t=${token}`, cfg.apiKey, len(x), env.get('KEY'), ref.value);\nconsole.assert(ok, secret);\nfetch(token);\n"
            ),
            [
                "console.log: token (name) `token`",
                "console.log: apiKey (property of cfg) `cfg.apiKey`",
                "console.log: KEY (key) `env.get('KEY')`",
                "console.log: value (value of ref) `ref.value`",
                "console.assert: secret (name) `secret`",
            ]
        );
        assert_eq!(
            read(
                "a.py",
                "def f(token):\n    print(token, os.getenv(\"API_KEY\"), str(s.secret))\nprint(len(token))\n"
            ),
            [
                "print: token (name in function) `token`",
                "print: API_KEY (key) `os.getenv(\"API_KEY\")`",
                "print: secret (property of s) `s.secret`",
            ]
        );
        assert_eq!(
            read(
                "a.rs",
                "fn f() { info!(\"{token}\", cfg.key.clone(), t = %x); println!(\"{}\", y); }\n"
            ),
            [
                "info!: token (name) `token`",
                "info!: key (name) `cfg.key`",
                "info!: x (name) `x`",
            ]
        );
    }
}
