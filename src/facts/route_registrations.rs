//! The routes a file registers, each with its path joined to the prefixes
//! the file declares, and what a file says about routes elsewhere: URL
//! paths in its strings and handlers resolved by name. Next.js file routes
//! come from the file's path.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use crate::facts::http_clients::HTTP_CLIENTS;
use crate::facts::routes::{
    join_route, js_object_property, js_router_name, js_router_prefix, py_kwarg, py_kwarg_string,
    py_router_prefix, route_key, DJANGO_URLS, JS_ROUTE_METHODS, PY_ROUTE_DECORATORS,
};
use crate::lang::tree::{self, named_children, text, NodeExt, StrLit, SUBSTITUTION};
use crate::lang::{python, typescript, Family, ParsedFile};

/// One route registration: `app.get('/oauth/callback', handler)`,
/// `@router.get("/callback")`, `path("oauth/callback/", view)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The path argument (the constant's name when the path is one).
    pub span: Range<usize>,
    /// The path joined to every prefix this file gives the router,
    /// substitutions as `x`.
    pub route: String,
    /// The router as other files may mount it (`router`, `bp`; Django's
    /// `urlpatterns`), when the registration has one.
    pub router: Option<String>,
    /// The path joined only to the prefix the router declares for itself:
    /// what mounts in this file or others are joined to.
    pub own_route: String,
    /// The decorated function's name (Python decorators).
    pub handler: Option<Range<usize>>,
}

/// The registrations of a TS/JS or Python file, in source order, and the
/// spans of the strings they took their paths from.
#[derive(Debug, Default)]
pub struct Registrations {
    pub routes: Vec<Registration>,
    /// Strings (or constants' strings) read as route paths.
    pub path_strings: Vec<Range<usize>>,
}

/// Every route registration of a file.
pub fn registrations(file: &ParsedFile) -> Registrations {
    let mut found = Registrations::default();
    let Some(tree) = file.tree() else {
        return found;
    };
    match file.language.family() {
        Family::Js => js_registrations(tree.root_node(), file.text(), &mut found),
        Family::Python => python_registrations(tree.root_node(), file.text(), &mut found),
        _ => {}
    }
    found
}

fn js_registrations(root: Node<'_>, src: &str, found: &mut Registrations) {
    let mut prefixes: HashMap<String, String> = HashMap::new();
    tree::walk(root, |node| {
        if node.kind_str() == "variable_declarator" {
            if let (Some(name), Some(value)) = (node.field("name"), node.field("value")) {
                if let Some(prefix) = js_router_prefix(value, src) {
                    prefixes.insert(text(name, src).to_string(), prefix);
                }
            }
        }
        true
    });
    tree::walk(root, |node| {
        let Some(call) = typescript::call(node) else {
            return true;
        };
        let method = text(call.name, src);
        let receiver = call.receiver.map(|r| text(r, src)).unwrap_or_default();
        let prefix = prefixes.get(receiver).map_or("", String::as_str);
        let path_arg = match method {
            m if JS_ROUTE_METHODS.contains(&m) && call.receiver.is_some() => {
                if call.args.len() < 2
                    || !looks_like_handler(call.args[call.args.len() - 1], receiver)
                {
                    return true;
                }
                Some(call.args[0])
            }
            "on" if call.args.len() >= 3 => Some(call.args[1]),
            "route" if call.receiver.is_some() => match call.args.first() {
                Some(arg) if arg.kind_str() == "object" => {
                    js_object_property(*arg, src, &["url", "path"])
                }
                Some(arg) if call.args.len() == 1 => Some(*arg),
                _ => None,
            },
            _ => None,
        };
        let lit = path_arg.and_then(|arg| js_route_string(root, src, arg, &mut found.path_strings));
        if let Some(lit) = lit {
            let route = join_route(prefix, &lit.with_placeholders());
            found.routes.push(Registration {
                span: lit.span.clone(),
                own_route: route.clone(),
                route,
                router: call.receiver.map(|r| js_router_name(r, src)),
                handler: None,
            });
        }
        true
    });
}

/// A registration's last argument is a handler: a function, or a
/// reference to one when the receiver is not an HTTP client.
fn looks_like_handler(node: Node<'_>, receiver: &str) -> bool {
    match node.kind_str() {
        "arrow_function" | "function_expression" | "function" => true,
        "identifier" | "member_expression" | "call_expression" | "array" => {
            let root = receiver
                .split(['.', '('])
                .next()
                .unwrap_or(receiver)
                .to_ascii_lowercase();
            !HTTP_CLIENTS.contains(&root.as_str())
                && !HTTP_CLIENTS.contains(&receiver.to_ascii_lowercase().as_str())
        }
        _ => false,
    }
}

/// The prefixes of a Python file's routers: with the mounts of this file,
/// and as each router declares it for itself.
#[derive(Default)]
struct PyPrefixes {
    joined: HashMap<String, String>,
    own: HashMap<String, String>,
}

impl PyPrefixes {
    fn read(root: Node<'_>, src: &str) -> PyPrefixes {
        let mut prefixes = PyPrefixes::default();
        tree::walk(root, |node| {
            match node.kind_str() {
                "assignment" => {
                    if let Some((name, prefix)) = py_router_prefix(node, src) {
                        prefixes.own.insert(name.clone(), prefix.clone());
                        prefixes.joined.insert(name, prefix);
                    }
                }
                "call" => {
                    if let Some(call) = python::call(node) {
                        let name = text(call.name, src);
                        if matches!(name, "include_router" | "register_blueprint") {
                            if let (Some(target), Some(prefix)) = (
                                call.args.first(),
                                py_kwarg_string(&call, src, &["prefix", "url_prefix"]),
                            ) {
                                let key = text(*target, src).to_string();
                                let joined = join_route(
                                    &prefix,
                                    prefixes.joined.get(&key).map_or("", String::as_str),
                                );
                                prefixes.joined.insert(key, joined);
                            }
                        }
                    }
                }
                _ => {}
            }
            true
        });
        prefixes
    }

    fn joined(&self, router: &str) -> &str {
        self.joined.get(router).map_or("", String::as_str)
    }

    fn own(&self, router: &str) -> &str {
        self.own.get(router).map_or("", String::as_str)
    }
}

fn python_registrations(root: Node<'_>, src: &str, found: &mut Registrations) {
    let prefixes = PyPrefixes::read(root, src);
    tree::walk(root, |node| match node.kind_str() {
        "decorator" => {
            let Some(call) = node.named_child(0).and_then(python::call) else {
                return false;
            };
            let Some(receiver) = call.receiver else {
                return false;
            };
            if !PY_ROUTE_DECORATORS.contains(&text(call.name, src)) {
                return false;
            }
            let router = text(receiver, src);
            let path = call
                .args
                .first()
                .copied()
                .or_else(|| py_kwarg(&call, src, &["path", "rule"]));
            let lit = path.and_then(|p| python_route_string(root, src, p, &mut found.path_strings));
            if let Some(lit) = lit {
                let written = lit.with_placeholders();
                found.routes.push(Registration {
                    span: lit.span.clone(),
                    route: join_route(prefixes.joined(router), &written),
                    router: Some(router.to_string()),
                    own_route: join_route(prefixes.own(router), &written),
                    handler: node
                        .parent()
                        .and_then(|d| d.field("definition"))
                        .and_then(|f| f.field("name"))
                        .map(|n| n.byte_range()),
                });
            }
            false
        }
        "call" => {
            let Some(call) = python::call(node) else {
                return true;
            };
            let name = text(call.name, src);
            let routable = match name {
                "add_url_rule" | "add_api_route" | "add_route" => call.receiver.is_some(),
                "Route" | "path" | "re_path" => {
                    call.args.len() >= 2 || py_kwarg(&call, src, &["endpoint", "view"]).is_some()
                }
                _ => false,
            };
            if !routable {
                return true;
            }
            let path = call
                .args
                .first()
                .copied()
                .or_else(|| py_kwarg(&call, src, &["path", "rule"]));
            let lit = path.and_then(|p| python_route_string(root, src, p, &mut found.path_strings));
            if let Some(lit) = lit {
                let written = lit.with_placeholders();
                let written = if name == "re_path" {
                    written.trim_start_matches('^').trim_end_matches('$')
                } else {
                    &written
                };
                let prefix = call.receiver.map_or("", |r| prefixes.joined(text(r, src)));
                let router = call.receiver.map_or(DJANGO_URLS, |r| text(r, src));
                found.routes.push(Registration {
                    span: lit.span.clone(),
                    route: join_route(prefix, written),
                    router: Some(router.to_string()),
                    own_route: join_route(prefixes.own(router), written),
                    handler: None,
                });
            }
            true
        }
        _ => true,
    });
}

/// A route path argument: a literal, or a constant of the same file
/// (`const CALLBACK = '/oauth/callback'`). The span stays on the argument.
fn js_route_string(
    root: Node<'_>,
    src: &str,
    arg: Node<'_>,
    used: &mut Vec<Range<usize>>,
) -> Option<StrLit> {
    if arg.kind_str() == "identifier" {
        let value = typescript::const_initializer(root, src, text(arg, src), arg.start_byte())?;
        let mut lit = typescript::fold_string(value, src)?;
        used.push(lit.span.clone());
        lit.span = arg.byte_range();
        return Some(lit);
    }
    let lit = typescript::fold_string(arg, src)?;
    used.push(lit.span.clone());
    Some(lit)
}

/// Python's counterpart of [`js_route_string`] (`CALLBACK = "/oauth/callback"`).
fn python_route_string(
    root: Node<'_>,
    src: &str,
    arg: Node<'_>,
    used: &mut Vec<Range<usize>>,
) -> Option<StrLit> {
    if arg.kind_str() == "identifier" {
        let value = python::assignment_value(root, src, text(arg, src), arg.start_byte())?;
        let mut lit = python::fold_string(value, src)?;
        used.push(lit.span.clone());
        lit.span = arg.byte_range();
        return Some(lit);
    }
    let lit = python::fold_string(arg, src)?;
    used.push(lit.span.clone());
    Some(lit)
}

// ---------------------------------------------------------------------------
// Next.js file routes.
// ---------------------------------------------------------------------------

/// File names that make a Next.js App Router segment routable.
const NEXT_ROUTE_FILES: &[&str] = &["route", "page"];
const JS_EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

/// A Next.js route derived from a file path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextRoute {
    /// The path as the router sees it, groups dropped (`/api/oauth/callback`).
    pub display: String,
    /// The path with group names kept, for classification.
    pub route: String,
    /// A Pages Router API file (`pages/api/**`) rather than an App Router
    /// `route`/`page` file.
    pub pages: bool,
}

/// The route of a Next.js App Router `app/**/route.ts` (or `page.tsx`) or
/// Pages Router `pages/api/**` file.
pub fn next_route_path(project_path: &str) -> Option<NextRoute> {
    let segments: Vec<&str> = project_path.split('/').collect();
    let (file_name, dirs) = segments.split_last()?;
    let (stem, ext) = file_name.rsplit_once('.')?;
    if !JS_EXTENSIONS.contains(&ext) {
        return None;
    }
    if let Some(app) = dirs.iter().rposition(|s| *s == "app") {
        if !NEXT_ROUTE_FILES.contains(&stem) {
            return None;
        }
        let route_dirs = &dirs[app + 1..];
        let display: Vec<&str> = route_dirs
            .iter()
            .copied()
            .filter(|s| !is_route_group(s) && !s.starts_with('@'))
            .collect();
        return Some(NextRoute {
            display: format!("/{}", display.join("/")),
            route: format!("/{}", route_dirs.join("/")),
            pages: false,
        });
    }
    let pages = dirs.iter().rposition(|s| *s == "pages")?;
    if dirs.get(pages + 1) != Some(&"api") {
        return None;
    }
    let mut parts: Vec<&str> = dirs[pages + 1..].to_vec();
    if stem != "index" {
        parts.push(stem);
    }
    let path = format!("/{}", parts.join("/"));
    Some(NextRoute {
        display: path.clone(),
        route: path,
        pages: true,
    })
}

/// `(group)` folders organise routes without adding a path segment.
fn is_route_group(segment: &str) -> bool {
    segment.starts_with('(') && segment.ends_with(')')
}

/// The exported request handler of a Next.js route file: `GET` (or else
/// `POST`) of an App Router file, the default export of a Pages Router one.
pub fn next_handler(file: &ParsedFile, pages: bool) -> Option<Range<usize>> {
    let tree = file.tree()?;
    let src = file.text();
    let mut found = None;
    for export in named_children(tree.root_node())
        .into_iter()
        .filter(|n| n.kind_str() == "export_statement")
    {
        let is_default = (0..export.child_count())
            .filter_map(|i| export.child(i))
            .any(|c| c.kind_str() == "default");
        if let Some(decl) = export.field("declaration") {
            let names: Vec<Node<'_>> = match decl.kind_str() {
                "function_declaration" | "generator_function_declaration" => {
                    decl.field("name").into_iter().collect()
                }
                "lexical_declaration" | "variable_declaration" => named_children(decl)
                    .into_iter()
                    .filter_map(|d| d.field("name"))
                    .collect(),
                _ => Vec::new(),
            };
            for name in names {
                let n = text(name, src);
                if (!pages && (n == "GET" || (n == "POST" && found.is_none())))
                    || (pages && is_default)
                {
                    found = Some(name.byte_range());
                }
            }
            if pages && is_default && found.is_none() {
                found = Some(
                    decl.byte_range().start
                        ..decl.byte_range().start + 8.min(decl.byte_range().len()),
                );
            }
        } else if pages && is_default {
            if let Some(value) = export.field("value") {
                found = Some(value.byte_range());
            }
        }
        if !pages {
            tree::walk(export, |n| {
                if n.kind_str() == "export_specifier" {
                    let alias = n.field("alias").or_else(|| n.field("name"));
                    if let Some(alias) = alias {
                        if text(alias, src) == "GET" {
                            found = Some(alias.byte_range());
                        }
                    }
                }
                true
            });
        }
    }
    found
}

// ---------------------------------------------------------------------------
// References to routes.
// ---------------------------------------------------------------------------

/// What a file says that may point at a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteMention {
    /// A string's value (a config value, a literal outside the
    /// registrations' own paths).
    String(String),
    /// A handler resolved by name: Flask `url_for("bp.oauth_callback")`,
    /// Starlette `url_path_for`, Django `reverse` (the last dotted part).
    HandlerName(String),
}

/// Every string of a TS/JS, Python or config file, except those inside
/// `skip` (the registrations' own paths), and every Python handler
/// resolved by name, in source order.
pub fn route_mentions(file: &ParsedFile, skip: &[Range<usize>]) -> Vec<RouteMention> {
    let mut mentions = Vec::new();
    let src = file.text();
    match file.language.family() {
        Family::Config => {
            for scalar in file.config_scalars() {
                if !scalar.is_key {
                    mentions.push(RouteMention::String(scalar.value.to_string()));
                }
            }
        }
        Family::Js | Family::Python => {
            let Some(tree) = file.tree() else {
                return mentions;
            };
            let python = file.language.family() == Family::Python;
            tree::walk(tree.root_node(), |node| {
                let lit = if python {
                    (node.kind_str() == "string")
                        .then(|| python::string_literal(node, src))
                        .flatten()
                } else {
                    typescript::string_literal(node, src)
                };
                if let Some(lit) = lit {
                    if !skip
                        .iter()
                        .any(|u| u.start <= lit.span.start && lit.span.end <= u.end)
                    {
                        mentions.push(RouteMention::String(lit.value));
                    }
                    return true;
                }
                if python {
                    if let Some(name) = python_handler_name(node, src) {
                        mentions.push(RouteMention::HandlerName(name));
                    }
                }
                true
            });
        }
        _ => {}
    }
    mentions
}

/// `url_for("bp.oauth_callback")`, `reverse("oauth_callback")`,
/// `url_path_for("oauth_callback")`: the handler's name.
fn python_handler_name(node: Node<'_>, src: &str) -> Option<String> {
    let call = python::call(node)?;
    if !matches!(text(call.name, src), "url_for" | "reverse" | "url_path_for") {
        return None;
    }
    let lit = call
        .args
        .first()
        .and_then(|a| python::fold_string(*a, src))?;
    lit.is_static()
        .then(|| lit.value.rsplit('.').next().unwrap_or_default().to_string())
}

/// The URL path a string points at, when it names a callback: the part
/// after `scheme://host` or from the first `/`, query and fragment dropped,
/// interpolated segments as `*`.
pub fn referenced_callback_path(value: &str) -> Option<String> {
    let rest = match value.find("://") {
        Some(i) => {
            let after = crate::source::slice(value, i + 3..);
            crate::source::slice(after, after.find('/')?..)
        }
        None => {
            let start = value.find('/')?;
            // A leading substitution (`${origin}/…`) is the base URL.
            let head = crate::source::slice(value, ..start);
            if !head.is_empty() && !head.chars().all(|c| c == SUBSTITUTION) {
                return None;
            }
            crate::source::slice(value, start..)
        }
    };
    if rest.contains(char::is_whitespace) {
        return None;
    }
    let key = route_key(rest);
    key.split('/')
        .any(|s| s.to_ascii_lowercase().contains("callback"))
        .then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_url_paths_naming_a_callback() {
        let sub = SUBSTITUTION;
        assert_eq!(
            referenced_callback_path("https://app.x.dev/api/oauth/google/callback?x=1").as_deref(),
            Some("api/oauth/google/callback")
        );
        assert_eq!(
            referenced_callback_path(&format!("{sub}/api/oauth/{sub}/callback")).as_deref(),
            Some("api/oauth/*/callback")
        );
        assert_eq!(
            referenced_callback_path("token refreshed via /oauth/callback"),
            None
        );
        assert_eq!(referenced_callback_path("https://app.x.dev/settings"), None);
        assert_eq!(
            route_key("/api/oauth/[provider]/callback"),
            "api/oauth/*/callback"
        );
        assert!(crate::finding::route_path_matches(
            "*/api/oauth/google/callback",
            "api/oauth/*/callback"
        ));
        assert!(crate::finding::route_path_matches(
            "v1/oauth/callback",
            "oauth/callback"
        ));
        assert!(!crate::finding::route_path_matches(
            "oauth/github/callback",
            "oauth/gitlab/callback"
        ));
    }

    #[test]
    fn derives_next_routes() {
        let r = next_route_path("src/app/(dash)/api/oauth/[p]/callback/route.ts").unwrap();
        assert_eq!(r.display, "/api/oauth/[p]/callback");
        let r = next_route_path("pages/api/oauth/callback.ts").unwrap();
        assert_eq!(r.display, "/api/oauth/callback");
        assert!(next_route_path("app/api/oauth/callback/helpers.ts").is_none());
        assert!(next_route_path("pages/oauth/callback.tsx").is_none());
    }
}
