//! TS/JS: functions by name, route handlers, and what a body holds.

use tree_sitter::Node;

use super::{
    callee_span, label_span, render_args, shorten, BodyCall, BodyEvent, CallShape, FileFunctions,
    FunctionId, Route, HTTP_METHODS,
};
use crate::facts::http_clients::is_http_client;
use crate::facts::sql_calls::ts_embedded_sql;
use crate::lang::tree::{named_children, text, walk, NodeExt};
use crate::lang::typescript::{self as ts, FUNCTION_KINDS};

/// Reads the functions (one pass over the tree), then the routes.
pub(super) fn read<'t>(facts: &mut FileFunctions<'t>, path: &str) {
    let src = facts.src;
    let mut route_calls = Vec::new();
    walk(facts.root, |node| {
        let kind = node.kind_str();
        if kind == "call_expression" {
            if may_register_route(node, src) {
                route_calls.push(node);
            }
        } else if FUNCTION_KINDS.contains(&kind) {
            match function_name(node) {
                Some(name) => {
                    let written = text(name, src).trim_start_matches('#');
                    facts.add_named(node, written, name.byte_range());
                }
                None => {
                    facts.add_function(node);
                }
            }
        }
        true
    });
    let mut routes = Vec::new();
    next_routes(facts, path, &mut routes);
    pages_route(facts, path, &mut routes);
    registered_routes(facts, &route_calls, &mut routes);
    facts.routes = routes;
}

/// The name a function is known by, also through one wrapper call:
/// `const disconnect = withAuth(async () => …)`.
fn function_name(node: Node<'_>) -> Option<Node<'_>> {
    if let Some(name) = ts::function_name(node) {
        return Some(name);
    }
    let arguments = node.parent().filter(|p| p.kind_str() == "arguments")?;
    let call = arguments.parent()?;
    let holder = call.parent()?;
    match holder.kind_str() {
        "variable_declarator" | "public_field_definition" | "field_definition" => holder
            .field("name")
            .filter(|n| matches!(n.kind_str(), "identifier" | "property_identifier")),
        "pair" => holder.field("key"),
        _ => None,
    }
}

/// Next.js App Router: `export async function DELETE` in `route.ts`.
fn next_routes(facts: &FileFunctions<'_>, path: &str, routes: &mut Vec<Route>) {
    let Some(route) = next_route(path) else {
        return;
    };
    let src = facts.src;
    for (name, function) in exported_functions(facts) {
        let method = text(name, src);
        let is_method = HTTP_METHODS.iter().any(|m| m.eq_ignore_ascii_case(method))
            && method == method.to_ascii_uppercase();
        if is_method {
            routes.push(Route {
                function,
                methods: vec![method.to_ascii_lowercase()],
                path: route.clone(),
                display: route.clone(),
                span: name.byte_range(),
            });
        }
    }
}

/// Pages Router: `pages/api/integrations/[id]/disconnect.ts`.
fn pages_route(facts: &FileFunctions<'_>, path: &str, routes: &mut Vec<Route>) {
    let Some(route) = pages_api_route(path) else {
        return;
    };
    if let Some((span, function)) = default_export(facts) {
        routes.push(Route {
            function,
            methods: Vec::new(),
            path: route.clone(),
            display: route,
            span,
        });
    }
}

/// `router.delete('/connections/:id', handler)`,
/// `router.route('/x').delete(handler)`, `router.post('/:provider/disconnect', handler)`.
fn registered_routes(facts: &FileFunctions<'_>, route_calls: &[Node<'_>], routes: &mut Vec<Route>) {
    let src = facts.src;
    for &node in route_calls {
        let Some(call) = ts::call(node) else {
            continue;
        };
        let method = text(call.name, src).to_ascii_lowercase();
        let method = if method == "del" {
            "delete".to_string()
        } else {
            method
        };
        if !HTTP_METHODS.contains(&method.as_str()) && method != "all" {
            continue;
        }
        let Some(receiver) = call.receiver else {
            continue;
        };
        let (path, handlers) = match call.args.first().and_then(|a| ts::fold_string(*a, src)) {
            Some(lit) if call.args.len() >= 2 => {
                (Some((lit, call.args[0].byte_range())), &call.args[1..])
            }
            _ => {
                // `.route('/x').delete(handler)`
                let route = ts::call(ts::unwrap_expression(receiver))
                    .filter(|r| text(r.name, src) == "route")
                    .and_then(|r| {
                        let arg = *r.args.first()?;
                        Some((ts::fold_string(arg, src)?, arg.byte_range()))
                    });
                (route, &call.args[..])
            }
        };
        let Some((lit, path_span)) = path else {
            continue;
        };
        let route = lit.with_placeholders();
        if !route.starts_with('/') {
            continue;
        }
        let root_name = call_shape(&call, src)
            .receiver
            .first()
            .cloned()
            .unwrap_or_default();
        if is_http_client(&root_name) {
            continue;
        }
        if let Some(function) = handlers
            .last()
            .and_then(|h| handler(facts, ts::unwrap_expression(*h)))
        {
            routes.push(Route {
                function,
                methods: vec![method],
                path: route,
                display: lit.value,
                span: path_span,
            });
        }
    }
}

/// Whether a call may register a route: a method call named like an HTTP
/// method (`router.delete(…)`, `app.all(…)`, `router.del(…)`); a cheap
/// test made on every call before [`ts::call`] collects its arguments.
fn may_register_route(node: Node<'_>, src: &str) -> bool {
    node.field("function")
        .filter(|f| f.kind_str() == "member_expression")
        .and_then(|f| f.field("property"))
        .is_some_and(|p| {
            let name = text(p, src);
            name.eq_ignore_ascii_case("del")
                || name.eq_ignore_ascii_case("all")
                || HTTP_METHODS.iter().any(|m| name.eq_ignore_ascii_case(m))
        })
}

/// Functions a module exports under their own name: `export async
/// function POST`, `export const DELETE = withAuth(async () => …)`.
fn exported_functions<'t>(facts: &FileFunctions<'t>) -> Vec<(Node<'t>, FunctionId)> {
    let mut out = Vec::new();
    for export in named_children(facts.root)
        .into_iter()
        .filter(|n| n.kind_str() == "export_statement")
    {
        let Some(decl) = export.field("declaration") else {
            continue;
        };
        match decl.kind_str() {
            "function_declaration" => {
                if let Some(name) = decl.field("name") {
                    out.push((name, FunctionId(decl.id())));
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for declarator in named_children(decl) {
                    let Some(name) = declarator.field("name") else {
                        continue;
                    };
                    if let Some(function) = declarator
                        .field("value")
                        .and_then(|v| handler(facts, ts::unwrap_expression(v)))
                    {
                        out.push((name, function));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The default export of a Pages Router API file, with the span to label.
fn default_export(facts: &FileFunctions<'_>) -> Option<(std::ops::Range<usize>, FunctionId)> {
    for export in named_children(facts.root)
        .into_iter()
        .filter(|n| n.kind_str() == "export_statement")
    {
        let is_default = (0..export.child_count())
            .filter_map(|i| export.child(i))
            .any(|c| c.kind_str() == "default");
        if !is_default {
            continue;
        }
        let keyword = (0..export.child_count())
            .filter_map(|i| export.child(i))
            .find(|c| c.kind_str() == "default")
            .map(|c| c.byte_range())?;
        if let Some(decl) = export.field("declaration") {
            if FUNCTION_KINDS.contains(&decl.kind_str()) {
                let span = decl
                    .field("name")
                    .map_or(keyword.clone(), |n| n.byte_range());
                return Some((span, FunctionId(decl.id())));
            }
        }
        if let Some(value) = export.field("value") {
            let function = handler(facts, ts::unwrap_expression(value))?;
            return Some((keyword, function));
        }
    }
    None
}

/// The function a route handler argument stands for: a function, a
/// wrapped function (`asyncHandler(async (req, res) => …)`) or a function
/// of the same file named by it.
fn handler(facts: &FileFunctions<'_>, value: Node<'_>) -> Option<FunctionId> {
    if FUNCTION_KINDS.contains(&value.kind_str()) {
        return Some(FunctionId(value.id()));
    }
    match value.kind_str() {
        "call_expression" => {
            let call = ts::call(value)?;
            call.args
                .iter()
                .rev()
                .map(|a| ts::unwrap_expression(*a))
                .find_map(|a| handler(facts, a))
        }
        "identifier" | "member_expression" => {
            let name = name_text(value, facts.src)?;
            facts.defined(&name).first().copied()
        }
        _ => None,
    }
}

/// The route of a Pages Router API file: `pages/api/integrations/[id]/disconnect.ts`
/// is `/api/integrations/[id]/disconnect`.
pub fn pages_api_route(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let (file, dirs) = segments.split_last()?;
    let (stem, ext) = file.rsplit_once('.')?;
    if !["ts", "tsx", "js", "jsx", "mjs", "mts"].contains(&ext) {
        return None;
    }
    let pages = dirs.iter().rposition(|s| *s == "pages")?;
    if dirs.get(pages + 1) != Some(&"api") {
        return None;
    }
    let mut parts: Vec<&str> = dirs[pages + 1..].to_vec();
    if stem != "index" {
        parts.push(stem);
    }
    Some(format!("/{}", parts.join("/")))
}

/// The route of a Next.js App Router `route.*` file: `/api/integrations/[id]`.
pub fn next_route(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let (file, dirs) = segments.split_last()?;
    let (stem, ext) = file.rsplit_once('.')?;
    if stem != "route" || !["ts", "tsx", "js", "jsx", "mjs", "mts"].contains(&ext) {
        return None;
    }
    let app = dirs.iter().rposition(|s| *s == "app")?;
    let route: Vec<&str> = dirs[app + 1..]
        .iter()
        .copied()
        .filter(|s| !(s.starts_with('@') || (s.starts_with('(') && s.ends_with(')'))))
        .collect();
    Some(format!("/{}", route.join("/")))
}

/// What a function body holds, in source order. Strings are not entered.
pub(super) fn body(body: Node<'_>, src: &str) -> Vec<BodyEvent> {
    let mut events = Vec::new();
    walk(body, |node| {
        match node.kind_str() {
            "string" | "template_string" => {
                if let Some(lit) = ts::string_literal(node, src) {
                    events.push(BodyEvent::Text(lit.with_placeholders()));
                }
                return false;
            }
            "call_expression" => {}
            _ => return true,
        }
        if let Some(lit) = ts_embedded_sql(node, src) {
            events.push(BodyEvent::Sql {
                value: lit.value,
                span: node.byte_range(),
            });
        }
        let Some(call) = ts::call(node) else {
            return true;
        };
        events.push(BodyEvent::Call(Box::new(BodyCall {
            name: text(call.name, src).to_string(),
            arg_names: call
                .args
                .iter()
                .filter_map(|arg| name_text(ts::unwrap_expression(*arg), src))
                .collect(),
            arg_keys: call
                .args
                .iter()
                .flat_map(|arg| object_keys(ts::unwrap_expression(*arg), src))
                .collect(),
            shape: call_shape(&call, src),
            first_text: call
                .args
                .first()
                .and_then(|a| ts::fold_string(ts::unwrap_expression(*a), src))
                .map(|lit| lit.value),
            local: call
                .receiver
                .is_none_or(|r| matches!(r.kind_str(), "this" | "super")),
            label_span: label_span(node, call.name, src),
            callee_span: callee_span(node),
            rendered: shorten(render(node, src)),
        })));
        true
    });
    events
}

fn call_shape(call: &ts::Call<'_>, src: &str) -> CallShape {
    let mut shape = CallShape {
        name: text(call.name, src).to_string(),
        has_receiver: call.receiver.is_some(),
        arg_count: call.args.len(),
        ..CallShape::default()
    };
    if let Some(first) = call.args.first().map(|a| ts::unwrap_expression(*a)) {
        shape.first_string = ts::fold_string(first, src).map(|l| l.with_placeholders());
        shape.first_name = name_text(first, src);
        shape.first_is_object_with_where = first.kind_str() == "object"
            && named_children(first).iter().any(|p| {
                p.kind_str() == "pair"
                    && p.field("key")
                        .and_then(|k| ts::property_key(k, src))
                        .is_some_and(|k| k == "where")
            });
    }
    let mut node = call.receiver.map(ts::unwrap_expression);
    let mut path = Vec::new();
    while let Some(current) = node {
        node = match current.kind_str() {
            "member_expression" => {
                if let Some(property) = current.field("property") {
                    path.push(text(property, src).to_string());
                }
                current.field("object").map(ts::unwrap_expression)
            }
            "subscript_expression" => current.field("object").map(ts::unwrap_expression),
            "call_expression" => match ts::call(current) {
                Some(inner) => {
                    let name = text(inner.name, src).to_string();
                    let first = inner.args.first().map(|a| ts::unwrap_expression(*a));
                    let string = first
                        .and_then(|f| ts::fold_string(f, src))
                        .map(|l| l.with_placeholders());
                    let first_name = first.and_then(|f| name_text(f, src));
                    if inner.receiver.is_none() {
                        // `knex('oauth_tokens')` at the root of the chain.
                        shape.chain.push((String::new(), string, first_name));
                        path.push(name);
                        None
                    } else {
                        shape.chain.push((name.clone(), string, first_name));
                        path.push(name);
                        inner.receiver.map(ts::unwrap_expression)
                    }
                }
                None => None,
            },
            "identifier" | "this" | "super" => {
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

/// The name an argument expression spells: `tokens`, `schema.oauthTokens`.
fn name_text(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "identifier" => Some(text(node, src).to_string()),
        "member_expression" => node.field("property").map(|p| text(p, src).to_string()),
        _ => None,
    }
}

fn render(node: Node<'_>, src: &str) -> String {
    let node = ts::unwrap_expression(node);
    match node.kind_str() {
        "call_expression" => {
            let function = node
                .field("function")
                .map(|f| render(f, src))
                .unwrap_or_default();
            match node.field("arguments") {
                Some(args) if args.kind_str() == "arguments" => {
                    let args: Vec<Node<'_>> = named_children(args)
                        .into_iter()
                        .filter(|a| a.kind_str() != "comment")
                        .collect();
                    let plain = ["string", "identifier", "number"];
                    format!("{function}({})", render_args(&args, src, &plain))
                }
                _ => format!("{function}`…`"),
            }
        }
        "member_expression" => {
            let object = node
                .field("object")
                .map(|o| render(o, src))
                .unwrap_or_default();
            let property = node
                .field("property")
                .map(|p| text(p, src))
                .unwrap_or_default();
            format!("{object}.{property}")
        }
        "identifier" | "this" | "super" | "property_identifier" => text(node, src).to_string(),
        _ => "…".to_string(),
    }
}

/// The keys an object literal spells (`{ accessToken: t, provider }`).
fn object_keys(object: Node<'_>, src: &str) -> Vec<String> {
    if object.kind_str() != "object" {
        return Vec::new();
    }
    let mut cursor = object.walk();
    let keys: Vec<String> = object
        .named_children(&mut cursor)
        .filter_map(|entry| match entry.kind_str() {
            "pair" => entry.field("key").map(|k| text(k, src)),
            "shorthand_property_identifier" => Some(text(entry, src)),
            _ => None,
        })
        .map(|k| k.trim_matches(|c| c == '"' || c == '\'').to_string())
        .collect();
    keys
}
