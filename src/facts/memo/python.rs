//! Python: where a factory call's value is kept.

use tree_sitter::Node;

use super::{
    compact, is_app_state, is_memo_assignment, member_of_module, one_line, Binding, Kept, Place,
};
use crate::lang::python as py;
use crate::lang::tree::{named_children, text, walk, NodeExt};

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

pub(super) fn visit(
    node: Node<'_>,
    root: Node<'_>,
    src: &str,
    wanted: &dyn Fn(&str) -> bool,
    found: &mut Vec<Kept>,
) {
    match node.kind_str() {
        "call" => {
            let Some(call) = py::call(node) else { return };
            let name = text(call.name, src);
            if !wanted(name) {
                return;
            }
            if let Some(place) = py_storage(node, root, src) {
                found.push(Kept {
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
            if !wanted(name) {
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
                found.push(Kept {
                    span: node.byte_range(),
                    factory: name.to_string(),
                    place: Place::Wrapper(written),
                });
            }
        }
        _ => {}
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
                _ => member_of_module(
                    py_resolve(statement, root, src, name),
                    keyed,
                    target_text,
                    container,
                ),
            }
        }
        _ => None,
    }
}
