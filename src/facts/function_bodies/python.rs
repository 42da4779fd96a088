//! Python: functions by name, decorated route handlers, and what a body
//! holds.

use std::collections::HashMap;

use tree_sitter::Node;

use super::{
    callee_span, label_span, render_args, shorten, BodyCall, BodyEvent, CallShape, DelSubscript,
    FileFunctions, FunctionId, Route, HTTP_METHODS,
};
use crate::facts::routes::{join_route, py_router_prefix};
use crate::lang::python as py;
use crate::lang::tree::{named_children, text, walk, NodeExt};

/// Reads the functions, router prefixes and decorated functions in one
/// pass, then the routes (once every prefix is known).
pub(super) fn read(facts: &mut FileFunctions<'_>) {
    let src = facts.src;
    let mut prefixes: HashMap<String, String> = HashMap::new();
    let mut decorated = Vec::new();
    walk(facts.root, |node| {
        match node.kind_str() {
            "function_definition" => match node.field("name") {
                Some(name) => facts.add_named(node, text(name, src), name.byte_range()),
                None => {
                    facts.add_function(node);
                }
            },
            "assignment" => {
                if let Some((name, prefix)) = py_router_prefix(node, src) {
                    prefixes.insert(name, prefix);
                }
            }
            "decorated_definition" => decorated.push(node),
            _ => {}
        }
        true
    });
    facts.routes = routes(&decorated, &prefixes, src);
}

/// `@router.delete("/…")`, `@app.route("/…", methods=["DELETE"])` with
/// `APIRouter(prefix=…)` / `Blueprint(url_prefix=…)` prefixes.
fn routes(decorated: &[Node<'_>], prefixes: &HashMap<String, String>, src: &str) -> Vec<Route> {
    let mut out = Vec::new();
    for &node in decorated {
        let Some(function) = node
            .field("definition")
            .filter(|d| d.kind_str() == "function_definition")
        else {
            continue;
        };
        for decorator in named_children(node)
            .into_iter()
            .filter(|d| d.kind_str() == "decorator")
        {
            let Some(call) = decorator.named_child(0).and_then(py::call) else {
                continue;
            };
            let Some(receiver) = call.receiver else {
                continue;
            };
            let verb = text(call.name, src).to_ascii_lowercase();
            // The methods the route answers: `@router.delete` or
            // `@app.route(…, methods=["DELETE", "POST"])` (default GET).
            let methods: Vec<String> = if matches!(verb.as_str(), "route" | "api_route") {
                let listed: Vec<String> = call
                    .kwargs
                    .iter()
                    .filter(|(k, _)| text(*k, src) == "methods")
                    .flat_map(|(_, v)| named_children(*v))
                    .filter_map(|m| py::fold_string(m, src))
                    .map(|l| l.value.to_ascii_lowercase())
                    .collect();
                if listed.is_empty() {
                    vec!["get".to_string()]
                } else {
                    listed
                }
            } else if HTTP_METHODS.contains(&verb.as_str()) {
                vec![verb.clone()]
            } else {
                continue;
            };
            let path = call.args.first().copied().or_else(|| {
                call.kwargs
                    .iter()
                    .find(|(k, _)| matches!(text(*k, src), "path" | "rule"))
                    .map(|(_, v)| *v)
            });
            let Some((lit, span)) =
                path.and_then(|p| Some((py::fold_string(p, src)?, p.byte_range())))
            else {
                continue;
            };
            let prefix = prefixes.get(text(receiver, src)).map_or("", String::as_str);
            out.push(Route {
                function: FunctionId(function.id()),
                methods,
                path: join_route(prefix, &lit.with_placeholders()),
                display: join_route(prefix, &lit.value),
                span,
            });
        }
    }
    out
}

/// What a function body holds, in source order. Strings are not entered.
pub(super) fn body(body: Node<'_>, src: &str) -> Vec<BodyEvent> {
    let mut events = Vec::new();
    walk(body, |node| {
        match node.kind_str() {
            "string" | "concatenated_string" => {
                if let Some(lit) = py::string_literal(node, src) {
                    events.push(BodyEvent::Text(lit.with_placeholders()));
                }
                return false;
            }
            "delete_statement" => {
                events.push(BodyEvent::Del {
                    subscripts: del_subscripts(node, src),
                    span: node.byte_range(),
                });
                return true;
            }
            "call" => {}
            _ => return true,
        }
        let Some(call) = py::call(node) else {
            return true;
        };
        events.push(BodyEvent::Call(Box::new(BodyCall {
            name: text(call.name, src).to_string(),
            arg_names: call
                .args
                .iter()
                .chain(call.kwargs.iter().map(|(_, v)| v))
                .filter_map(|arg| name_text(py::unwrap_expression(*arg), src))
                .collect(),
            arg_keys: call
                .kwargs
                .iter()
                .map(|(k, _)| text(*k, src).to_string())
                .collect(),
            shape: call_shape(&call, src),
            first_text: call
                .args
                .first()
                .and_then(|a| py::fold_string(py::unwrap_expression(*a), src))
                .map(|lit| lit.value),
            local: call
                .receiver
                .is_none_or(|r| matches!(text(r, src), "self" | "cls")),
            label_span: label_span(node, call.name, src),
            callee_span: callee_span(node),
            rendered: shorten(render(node, src)),
        })));
        true
    });
    events
}

/// The subscripts a `del` statement deletes, outermost first:
/// `del tokens[key]`, `del self._tokens[key]`.
fn del_subscripts(statement: Node<'_>, src: &str) -> Vec<DelSubscript> {
    let mut out = Vec::new();
    walk(statement, |node| {
        if node.kind_str() != "subscript" {
            return true;
        }
        if let Some(value) = node.field("value") {
            out.push(DelSubscript {
                mapping: name_text(value, src).unwrap_or_default(),
                root: text(value, src)
                    .split('.')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                written: text(value, src).to_string(),
            });
        }
        false
    });
    out
}

fn name_text(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "identifier" => Some(text(node, src).to_string()),
        "attribute" => node.field("attribute").map(|a| text(a, src).to_string()),
        _ => None,
    }
}

fn call_shape(call: &py::Call<'_>, src: &str) -> CallShape {
    let mut shape = CallShape {
        name: text(call.name, src).to_string(),
        has_receiver: call.receiver.is_some(),
        arg_count: call.args.len() + call.kwargs.len(),
        ..CallShape::default()
    };
    if let Some(first) = call.args.first().map(|a| py::unwrap_expression(*a)) {
        shape.first_string = py::fold_string(first, src).map(|l| l.with_placeholders());
        shape.first_name = name_text(first, src);
    }
    let mut node = call.receiver.map(py::unwrap_expression);
    let mut path = Vec::new();
    while let Some(current) = node {
        node = match current.kind_str() {
            "attribute" => {
                if let Some(attribute) = current.field("attribute") {
                    path.push(text(attribute, src).to_string());
                }
                current.field("object").map(py::unwrap_expression)
            }
            "subscript" => current.field("value").map(py::unwrap_expression),
            "call" => match py::call(current) {
                Some(inner) => {
                    let name = text(inner.name, src).to_string();
                    let first = inner.args.first().map(|a| py::unwrap_expression(*a));
                    let string = first
                        .and_then(|f| py::fold_string(f, src))
                        .map(|l| l.with_placeholders());
                    let first_name = first.and_then(|f| name_text(f, src));
                    path.push(name.clone());
                    if inner.receiver.is_none() {
                        shape.chain.push((String::new(), string, first_name));
                        None
                    } else {
                        shape.chain.push((name, string, first_name));
                        inner.receiver.map(py::unwrap_expression)
                    }
                }
                None => None,
            },
            "identifier" => {
                path.push(text(current, src).to_string());
                None
            }
            _ => None,
        };
    }
    path.reverse();
    shape.receiver = path;
    shape
}

fn render(node: Node<'_>, src: &str) -> String {
    let node = py::unwrap_expression(node);
    match node.kind_str() {
        "call" => {
            let function = node
                .field("function")
                .map(|f| render(f, src))
                .unwrap_or_default();
            let args: Vec<Node<'_>> = node
                .field("arguments")
                .map(named_children)
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a.kind_str() != "comment")
                .collect();
            let plain = ["string", "identifier", "integer"];
            format!("{function}({})", render_args(&args, src, &plain))
        }
        "attribute" => {
            let object = node
                .field("object")
                .map(|o| render(o, src))
                .unwrap_or_default();
            let attribute = node
                .field("attribute")
                .map(|a| text(a, src))
                .unwrap_or_default();
            format!("{object}.{attribute}")
        }
        "identifier" => text(node, src).to_string(),
        _ => "…".to_string(),
    }
}
