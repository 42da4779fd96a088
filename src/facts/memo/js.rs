//! TS/JS: where a factory call's value is kept.

use tree_sitter::Node;

use super::{
    compact, is_app_state, is_memo_assignment, member_of_module, one_line, Binding, Kept, Place,
};
use crate::lang::tree::{named_children, text, walk, NodeExt};
use crate::lang::typescript::{self as ts, FUNCTION_KINDS};

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

pub(super) fn visit(
    node: Node<'_>,
    root: Node<'_>,
    src: &str,
    wanted: &dyn Fn(&str) -> bool,
    found: &mut Vec<Kept>,
) {
    match node.kind_str() {
        "call_expression" => {
            let Some(call) = ts::call(node) else { return };
            let name = text(call.name, src);
            if !wanted(name) {
                return;
            }
            if let Some(place) = js_storage(node, root, src) {
                found.push(Kept {
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
            if !wanted(name) {
                return;
            }
            let Some(arguments) = node.parent().filter(|p| p.kind_str() == "arguments") else {
                return;
            };
            if let Some(wrapper) = arguments.parent().and_then(|c| js_memo_wrapper(c, src)) {
                found.push(Kept {
                    span: node.byte_range(),
                    factory: name.to_string(),
                    place: Place::Wrapper(wrapper),
                });
            }
        }
        _ => {}
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
                    member_of_module(binding, keyed, target_text, container)
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
