//! Request handlers and named functions with the calls their bodies make:
//! route registrations (`app.post('/p', …handlers)`, `@router.post("/p")`,
//! Next.js App Router `route.ts` exports) and function definitions, for
//! rules that require a handler to call something.

use std::ops::Range;

use tree_sitter::Node;

use crate::facts::routes::{JS_ROUTE_METHODS, PY_ROUTE_DECORATORS};
use crate::lang::tree::{named_children, text, walk, NodeExt};
use crate::lang::{Family, ParsedFile};

/// A handler or function and what it calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handler {
    /// The route path (`/webhooks/stripe`), or the function's name.
    pub name: String,
    /// Whether `name` is a route path.
    pub is_route: bool,
    /// Where a finding about it goes.
    pub span: Range<usize>,
    /// Callees the handler's body (and its middleware arguments) call or
    /// name, as written (`stripe.webhooks.constructEvent`).
    pub calls: Vec<String>,
}

const HTTP_EXPORTS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Every route handler and named function of a TS/JS or Python file.
pub fn handlers(file: &ParsedFile) -> Vec<Handler> {
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    let src = file.text();
    let root = tree.root_node();
    match file.language.family() {
        Family::Js => js_handlers(root, src, file.path()),
        Family::Python => python_handlers(root, src),
        _ => Vec::new(),
    }
}

/// Callees called anywhere under `node`, as written.
fn calls_under(node: Node<'_>, src: &str) -> Vec<String> {
    let mut calls = Vec::new();
    walk(node, |n| {
        let callee = match n.kind_str() {
            "call_expression" | "call" => n.field("function"),
            "new_expression" => n.field("constructor"),
            // `@verify_signature` without a call.
            "decorator" => named_children(n)
                .into_iter()
                .next()
                .filter(|d| matches!(d.kind_str(), "identifier" | "attribute")),
            _ => None,
        };
        if let Some(callee) = callee {
            let written: String = text(callee, src)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if written.len() <= 200 {
                calls.push(written.replace("?.", "."));
            }
        }
        true
    });
    calls
}

fn js_function_name(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "function_declaration" | "generator_function_declaration" | "method_definition" => {
            node.field("name").map(|n| text(n, src).to_string())
        }
        "variable_declarator" => {
            let value = node.field("value")?;
            matches!(
                value.kind_str(),
                "arrow_function" | "function_expression" | "function"
            )
            .then(|| node.field("name").map(|n| text(n, src).to_string()))
            .flatten()
        }
        _ => None,
    }
}

/// The App Router path of a `route.ts` file, `None` for other files.
fn next_route_path(path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?;
    let stem = name.split('.').next()?;
    if stem != "route" {
        return None;
    }
    let segments: Vec<&str> = path.split('/').collect();
    let app = segments.iter().rposition(|s| *s == "app")?;
    let route: Vec<&str> = segments[app + 1..segments.len() - 1]
        .iter()
        .copied()
        .filter(|s| !(s.starts_with('(') && s.ends_with(')')))
        .collect();
    Some(format!("/{}", route.join("/")))
}

fn js_handlers(root: Node<'_>, src: &str, path: &str) -> Vec<Handler> {
    let mut functions: Vec<(String, Node<'_>)> = Vec::new();
    walk(root, |node| {
        if let Some(name) = js_function_name(node, src) {
            functions.push((name, node));
        }
        true
    });
    let mut found = Vec::new();
    let route_file = next_route_path(path);
    for (name, node) in &functions {
        found.push(Handler {
            name: name.clone(),
            is_route: false,
            span: node
                .field("name")
                .map_or(node.byte_range(), |n| n.byte_range()),
            calls: calls_under(*node, src),
        });
        if let Some(route) = &route_file {
            if HTTP_EXPORTS.contains(&name.as_str()) && is_exported(*node) {
                found.push(Handler {
                    name: route.clone(),
                    is_route: true,
                    span: node
                        .field("name")
                        .map_or(node.byte_range(), |n| n.byte_range()),
                    calls: calls_under(*node, src),
                });
            }
        }
    }
    walk(root, |node| {
        if node.kind_str() != "call_expression" {
            return true;
        }
        let Some(callee) = node.field("function") else {
            return true;
        };
        if callee.kind_str() != "member_expression" {
            return true;
        }
        let method = callee.field("property").map(|p| text(p, src)).unwrap_or("");
        if !JS_ROUTE_METHODS.contains(&method) && method != "all" {
            return true;
        }
        let Some(arguments) = node.field("arguments") else {
            return true;
        };
        let arguments = named_children(arguments);
        let Some(route) = arguments.first().and_then(|a| string_value(*a, src)) else {
            return true;
        };
        if !route.starts_with('/') {
            return true;
        }
        let mut calls = Vec::new();
        for argument in &arguments[1..] {
            match argument.kind_str() {
                "identifier" | "member_expression" => {
                    let written = text(*argument, src).to_string();
                    if let Some((_, function)) = functions.iter().find(|(n, _)| *n == written) {
                        calls.extend(calls_under(*function, src));
                    }
                    calls.push(written);
                }
                _ => calls.extend(calls_under(*argument, src)),
            }
        }
        found.push(Handler {
            name: route,
            is_route: true,
            span: node.byte_range(),
            calls,
        });
        true
    });
    found
}

fn is_exported(node: Node<'_>) -> bool {
    let mut current = node.parent();
    while let Some(parent) = current {
        match parent.kind_str() {
            "export_statement" => return true,
            "lexical_declaration" | "variable_declaration" => current = parent.parent(),
            _ => return false,
        }
    }
    false
}

fn string_value(node: Node<'_>, src: &str) -> Option<String> {
    let lit = crate::lang::typescript::string_literal(node, src)?;
    lit.is_static().then_some(lit.value)
}

fn python_handlers(root: Node<'_>, src: &str) -> Vec<Handler> {
    let mut found = Vec::new();
    walk(root, |node| {
        if node.kind_str() != "function_definition" {
            return true;
        }
        let Some(name) = node.field("name") else {
            return true;
        };
        let calls = node
            .field("body")
            .map(|b| calls_under(b, src))
            .unwrap_or_default();
        found.push(Handler {
            name: text(name, src).to_string(),
            is_route: false,
            span: name.byte_range(),
            calls: calls.clone(),
        });
        let decorated = node
            .parent()
            .filter(|p| p.kind_str() == "decorated_definition");
        for decorator in decorated.map(named_children).unwrap_or_default() {
            if decorator.kind_str() != "decorator" {
                continue;
            }
            let Some(call) = named_children(decorator)
                .into_iter()
                .find(|n| n.kind_str() == "call")
            else {
                continue;
            };
            let method = call
                .field("function")
                .map(|f| text(f, src).rsplit('.').next().unwrap_or("").to_string())
                .unwrap_or_default();
            if !PY_ROUTE_DECORATORS.contains(&method.as_str()) {
                continue;
            }
            let route = call
                .field("arguments")
                .and_then(|a| named_children(a).into_iter().next())
                .and_then(|a| crate::lang::python::string_literal(a, src))
                .filter(|l| l.is_static())
                .map(|l| l.value);
            if let Some(route) = route.filter(|r| r.starts_with('/')) {
                // Dependencies and other decorators run for the handler.
                found.push(Handler {
                    name: route,
                    is_route: true,
                    span: name.byte_range(),
                    calls: calls_under(decorated.unwrap_or(node), src),
                });
            }
        }
        true
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;
    use crate::source::SourceFile;
    use std::sync::Arc;

    fn read(path: &str, src: &str) -> Vec<(String, bool, usize)> {
        let language = Language::from_path(path).unwrap();
        let file = ParsedFile::new(Arc::new(SourceFile::in_memory(path, src)), language);
        handlers(&file)
            .into_iter()
            .map(|h| (h.name, h.is_route, h.calls.len()))
            .collect()
    }

    #[test]
    fn routes_functions_and_next_route_files() {
        let ts = read(
            "apps/web/app/api/(hooks)/webhooks/stripe/route.ts",
            "export async function POST(req: Request) { const e = stripe.webhooks.constructEvent(b, s, k); }\n",
        );
        assert!(
            ts.contains(&("/api/webhooks/stripe".into(), true, 1)),
            "{ts:?}"
        );
        let express = read(
            "src/server.ts",
            "function verify(req, res, next) { check(req); next(); }\napp.post('/webhooks/github', verify, async (req, res) => { res.send(); });\n",
        );
        assert!(
            express
                .iter()
                .any(|(n, r, _)| n == "/webhooks/github" && *r),
            "{express:?}"
        );
        let py = read(
            "app/hooks.py",
            "@router.post(\"/webhooks/stripe\")\nasync def stripe_hook(request):\n    verify_signature(request)\n",
        );
        // The decorator's own call and the body's.
        assert!(py.contains(&("/webhooks/stripe".into(), true, 2)), "{py:?}");
    }
}
