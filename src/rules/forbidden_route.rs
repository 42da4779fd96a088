//! The `forbidden-route` rule kind.

use crate::lang::tree::NodeExt;
use std::collections::HashMap;
use std::ops::Range;

use globset::GlobSet;
use serde::Deserialize;
use tree_sitter::Node;

use crate::config::build_globset;
use crate::facts::http_clients::HTTP_CLIENTS;
use crate::facts::routes::{
    join_route, js_object_property, js_router_name, js_router_prefix, py_kwarg, py_kwarg_string,
    py_router_prefix, route_key, CallbackPaths, DJANGO_URLS, JS_ROUTE_METHODS, PY_ROUTE_DECORATORS,
};
use crate::lang::tree::{self, named_children, text, SUBSTITUTION};
use crate::lang::{python, typescript, Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags OAuth callback routes the app should not have. A route is an
    /// OAuth callback when one path segment contains `callback` and one is
    /// an OAuth segment (`oauth…`, or one of the `segments` option, such as
    /// `integrations`). Recognised route forms:
    ///
    /// - Next.js App Router files `app/**/callback/route.ts` (and `page.tsx`)
    ///   and Pages Router API files `pages/api/**/*callback*`;
    /// - Express/Hono/Fastify/Koa registrations: `app.get('/oauth/callback',
    ///   handler)`, `router.post(...)`, `app.route(path).get(...)`,
    ///   `fastify.route({ url })`, `app.on('GET', path, ...)`, with Koa
    ///   `new Router({ prefix })` and Hono `.basePath()` prefixes in the file;
    /// - FastAPI/Flask/Starlette/Django: `@router.get(...)`, `@app.route(...)`,
    ///   `add_url_rule`, `add_api_route`, `Route(...)`, `path(...)`, with
    ///   `APIRouter(prefix=...)`, `Blueprint(url_prefix=...)`,
    ///   `include_router(..., prefix=...)` in the same file; Django `path()`.
    ///
    /// A route on a router other files mount under a prefix (`app.use('/oauth',
    /// router)`, `include_router(router, prefix="/oauth")`,
    /// `register_blueprint(bp, url_prefix=...)`, `register(plugin, { prefix })`,
    /// `app.route('/oauth', sub)`, Django `include("pkg.urls")`) is judged by
    /// its full path, which the project model joins along every chain of
    /// mounts; a route whose own path names a callback but no OAuth segment
    /// is reported only when such a chain gives it one.
    ///
    /// With `owner = "gateway"` every such callback is flagged. Callbacks
    /// whose file path or route path matches an `allow` glob never are.
    /// With `owner = "app"` a callback is flagged only when it is dead in the
    /// literal sense: no string anywhere in the scanned tree (code, `.env`,
    /// JSON/YAML/TOML) holds a URL path ending with the route's path (a
    /// redirect URI, an authorize URL's `redirect_uri`, dynamic segments
    /// matching anything), and no Python code resolves the handler by name
    /// (`url_for("oauth_callback")`). This is decided after the whole run;
    /// when only some files are linted (the agent hook, `--changed-since`,
    /// the pre-commit hook) the rest of the project is read for it.
    ///
    /// ## Why is this bad?
    /// When another service runs every OAuth flow, a callback in the app is
    /// never the registered redirect URI. It is dead code that still handles
    /// authorization codes and tokens.
    ///
    /// ## Example
    /// ```python
    /// router = APIRouter(prefix="/oauth")
    ///
    /// @router.get("/callback")
    /// async def oauth_callback(code: str): ...
    /// ```
    ///
    /// Use instead: delete the route, or list it in `allow` if the app
    /// really owns that flow.
    /// ```toml
    /// [oauth]
    /// allow = ["**/oauth/twitch/**"]
    /// ```
    ///
    /// ## Options
    /// - `owner`: `"gateway"` (every in-app callback is dead) or `"app"`
    ///   (only callbacks nothing points at).
    /// - `allow`: globs over file paths and route paths that are never flagged.
    /// - `segments`: path segments besides `oauth…` that mark an OAuth flow.
    pub struct ForbiddenRoute;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "owner",
        description: "\"gateway\" or \"app\": who runs OAuth flows",
    },
    OptionDoc {
        name: "allow",
        description: "globs over file or route paths that are never flagged",
    },
    OptionDoc {
        name: "segments",
        description: "path segments that mark an OAuth flow besides oauth*",
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    owner: String,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    segments: Vec<String>,
}

impl Kind for ForbiddenRoute {
    fn id(&self) -> &'static str {
        "forbidden-route"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        // Config files only hold references (`GOOGLE_REDIRECT_URI=…`).
        &[Family::Js, Family::Python, Family::Config]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        let app_owned = match options.owner.as_str() {
            "gateway" => false,
            "app" => true,
            other => {
                return Err(OptionError::new(
                    "owner",
                    format!("owner must be \"gateway\" or \"app\", not \"{other}\""),
                ))
            }
        };
        let allow = build_globset(options.allow.iter().map(String::as_str))
            .map_err(|e| OptionError::new("allow", e))?;
        Ok(Box::new(RouteCheck {
            app_owned,
            allow,
            paths: CallbackPaths {
                segments: options
                    .segments
                    .iter()
                    .map(|s| s.to_ascii_lowercase())
                    .collect(),
                allow: options.allow,
            },
        }))
    }
}

struct RouteCheck {
    app_owned: bool,
    /// `allow` over file paths and route paths.
    allow: GlobSet,
    /// Which route paths are callbacks (also asked of mounts in other files).
    paths: CallbackPaths,
}

/// Where a route is registered, for a route whose full path depends on
/// where other files mount its router.
struct Registration<'a> {
    /// The router as written (`router`, `bp`; Django's `urlpatterns`).
    router: &'a str,
    /// The route path with the router's own prefix.
    route: &'a str,
}

/// Words of the routers other files mount under a prefix: Express, Koa
/// and FastAPI routers, Flask blueprints, Fastify plugins, Hono apps and
/// Django URL modules.
const MOUNTABLE_ROUTERS: &[&str] = &["router", "blueprint", "fastify", "hono", DJANGO_URLS];

/// File names that make a Next.js App Router segment routable.
const NEXT_ROUTE_FILES: &[&str] = &["route", "page"];
const JS_EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

impl RouteCheck {
    /// Whether a route path (or file path) is an OAuth callback.
    fn is_callback_path(&self, path: &str) -> bool {
        self.paths.is_callback(path)
    }

    fn allowed(&self, file_path: &str, route: &str) -> bool {
        !self.allow.is_empty()
            && (self.allow.is_match(file_path)
                || self.allow.is_match(route.trim_start_matches('/')))
    }

    fn report(
        &self,
        file: &ParsedFile,
        out: &mut Reporter<'_>,
        span: Range<usize>,
        route: &str,
        handler: Option<Range<usize>>,
    ) {
        self.report_route(file, out, span, route, handler, None);
    }

    /// Reports a route registered on a router that other files may mount
    /// under a prefix: it stands only if some chain of mounts gives it a
    /// callback path (see [`Query::MountedRoute`]).
    fn report_mounted(
        &self,
        file: &ParsedFile,
        out: &mut Reporter<'_>,
        span: Range<usize>,
        registration: Registration<'_>,
        handler: Option<Range<usize>>,
    ) {
        let names_callback = registration
            .route
            .split('/')
            .any(crate::facts::routes::names_callback);
        if names_callback && is_router_name(registration.router) {
            let route = registration.route;
            self.report_route(file, out, span, route, handler, Some(registration));
        }
    }

    fn report_route(
        &self,
        file: &ParsedFile,
        out: &mut Reporter<'_>,
        span: Range<usize>,
        route: &str,
        handler: Option<Range<usize>>,
        mounted: Option<Registration<'_>>,
    ) {
        if self.allowed(file.path(), route) {
            return;
        }
        let (reason, remedy) = if self.app_owned {
            (
                "nothing in the project builds a redirect URI or authorize URL pointing at it",
                "delete the route, or build the redirect URI of the flow that still uses it",
            )
        } else {
            (
                "the gateway owns OAuth",
                "delete the route; clients connect through the gateway during onboarding",
            )
        };
        let mut report = Report::at(span)
            .var("route", route.to_string())
            .var("owner_reason", reason)
            .var("remedy", remedy)
            .label("OAuth callback route");
        if self.app_owned {
            report = report.unless_route_referenced(route_key(route));
            let python = file.language.family() == Family::Python;
            if let Some(handler) = handler.as_ref().filter(|_| python) {
                let name = crate::source::slice(file.text(), handler.clone());
                report = report.unless(route_name_fact(name));
            }
        }
        if let Some(handler) = handler {
            report = report.secondary(handler, "callback handler");
        }
        if let Some(mounted) = mounted {
            report =
                report.requires_mounted_route(mounted.router, mounted.route, self.paths.clone());
        }
        out.report(report);
    }

    /// Next.js App Router `app/**/route.ts` and Pages Router `pages/api/**`.
    /// A Next.js route file is a callback when its path names one (a
    /// callback segment beside an OAuth one), or when a callback segment's
    /// handler completes an authorization (reads the `code` and exchanges
    /// it). Only a method a provider's redirect reaches counts: an app route
    /// needs a `GET` handler (or a `POST` one, for `response_mode=form_post`),
    /// and the finding is labelled on it.
    fn check_file_route(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let Some(route) = next_route_path(file.path()) else {
            return;
        };
        let named = self.is_callback_path(&route.route);
        let by_behaviour =
            has_callback_segment(&route.route) && completes_authorization(file.text());
        if !(named || by_behaviour) {
            return;
        }
        let handler = file
            .tree()
            .and_then(|t| next_handler(t.root_node(), file.text(), route.pages));
        if !route.pages && handler.is_none() {
            return;
        }
        let span = match &handler {
            Some(h) if !route.pages => h.clone(),
            _ => {
                let first_line = file.source.line_range(1);
                if first_line.is_empty() {
                    0..0
                } else {
                    first_line
                }
            }
        };
        let handler = handler.filter(|h| *h != span);
        self.report(file, out, span, &route.display, handler);
    }

    fn check_js(&self, file: &ParsedFile, out: &mut Reporter<'_>, used: &mut Vec<Range<usize>>) {
        let Some(tree) = file.tree() else { return };
        let src = file.text();
        let root = tree.root_node();
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
                        || !self.looks_like_handler(call.args[call.args.len() - 1], receiver)
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
            if let Some(arg) = path_arg {
                if let Some(lit) = js_route_string(root, src, arg, used) {
                    let path = join_route(prefix, &lit.with_placeholders());
                    if self.is_callback_path(&path) {
                        self.report(file, out, lit.span.clone(), &path, None);
                    } else if let Some(receiver) = call.receiver {
                        let router = js_router_name(receiver, src);
                        let registration = Registration {
                            router: &router,
                            route: &path,
                        };
                        self.report_mounted(file, out, lit.span.clone(), registration, None);
                    }
                }
            }
            true
        });
    }

    /// A registration's last argument is a handler: a function, or a
    /// reference to one when the receiver is not an HTTP client.
    fn looks_like_handler(&self, node: Node<'_>, receiver: &str) -> bool {
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

    fn check_python(
        &self,
        file: &ParsedFile,
        out: &mut Reporter<'_>,
        used: &mut Vec<Range<usize>>,
    ) {
        let Some(tree) = file.tree() else { return };
        let src = file.text();
        let root = tree.root_node();
        let mut prefixes: HashMap<String, String> = HashMap::new();
        // The prefixes routers declare themselves, without the mounts of
        // this file: what mounts (here or elsewhere) are joined to.
        let mut own: HashMap<String, String> = HashMap::new();
        tree::walk(root, |node| {
            match node.kind_str() {
                "assignment" => {
                    if let Some((name, prefix)) = py_router_prefix(node, src) {
                        own.insert(name.clone(), prefix.clone());
                        prefixes.insert(name, prefix);
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
                                    prefixes.get(&key).map_or("", String::as_str),
                                );
                                prefixes.insert(key, joined);
                            }
                        }
                    }
                }
                _ => {}
            }
            true
        });
        tree::walk(root, |node| match node.kind_str() {
            "decorator" => {
                let Some(expr) = node.named_child(0) else {
                    return false;
                };
                let Some(call) = python::call(expr) else {
                    return false;
                };
                let name = text(call.name, src);
                let Some(receiver) = call.receiver else {
                    return false;
                };
                if !PY_ROUTE_DECORATORS.contains(&name) {
                    return false;
                }
                let prefix = prefixes.get(text(receiver, src)).map_or("", String::as_str);
                let path = call
                    .args
                    .first()
                    .copied()
                    .or_else(|| py_kwarg(&call, src, &["path", "rule"]));
                if let Some(lit) = path.and_then(|p| python_route_string(root, src, p, used)) {
                    let full = join_route(prefix, &lit.with_placeholders());
                    let handler = node
                        .parent()
                        .and_then(|d| d.field("definition"))
                        .and_then(|f| f.field("name"))
                        .map(|n| n.byte_range());
                    if self.is_callback_path(&full) {
                        self.report(file, out, lit.span.clone(), &full, handler);
                    } else {
                        let router = text(receiver, src);
                        let own_prefix = own.get(router).map_or("", String::as_str);
                        let route = join_route(own_prefix, &lit.with_placeholders());
                        let registration = Registration {
                            router,
                            route: &route,
                        };
                        self.report_mounted(file, out, lit.span.clone(), registration, handler);
                    }
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
                        call.args.len() >= 2
                            || py_kwarg(&call, src, &["endpoint", "view"]).is_some()
                    }
                    _ => false,
                };
                if routable {
                    let prefix = call
                        .receiver
                        .and_then(|r| prefixes.get(text(r, src)))
                        .map_or("", String::as_str);
                    let path = call
                        .args
                        .first()
                        .copied()
                        .or_else(|| py_kwarg(&call, src, &["path", "rule"]));
                    if let Some(lit) = path.and_then(|p| python_route_string(root, src, p, used)) {
                        let written = lit.with_placeholders();
                        let written = if name == "re_path" {
                            written.trim_start_matches('^').trim_end_matches('$')
                        } else {
                            &written
                        };
                        let full = join_route(prefix, written);
                        if self.is_callback_path(&full) {
                            self.report(file, out, lit.span.clone(), &full, None);
                        } else {
                            let router = call.receiver.map_or(DJANGO_URLS, |r| text(r, src));
                            let own_prefix = own.get(router).map_or("", String::as_str);
                            let route = join_route(own_prefix, written);
                            let registration = Registration {
                                router,
                                route: &route,
                            };
                            self.report_mounted(file, out, lit.span.clone(), registration, None);
                        }
                    }
                }
                true
            }
            _ => true,
        });
    }
}

/// Whether a router as written is a name other files can import and mount
/// (`router`, `oauth.router`), not a call or an expression.
fn is_router_name(router: &str) -> bool {
    !router.is_empty()
        && router.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

/// A route path argument: a literal, or a constant of the same file
/// (`const CALLBACK = '/oauth/callback'`). The label stays on the argument.
fn js_route_string(
    root: Node<'_>,
    src: &str,
    arg: Node<'_>,
    used: &mut Vec<Range<usize>>,
) -> Option<crate::lang::tree::StrLit> {
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
) -> Option<crate::lang::tree::StrLit> {
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

/// A Next.js route derived from a file path.
struct NextRoute {
    /// The path as the router sees it, groups dropped (`/api/oauth/callback`).
    display: String,
    /// The path with group names kept, for classification.
    route: String,
    pages: bool,
}

fn next_route_path(project_path: &str) -> Option<NextRoute> {
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

/// The exported request handler of a route file: `GET` (App Router) or the
/// default export (Pages Router).
/// Whether a route path has a segment naming a callback (`/callback`,
/// `/oauth-callback`, `/google_callback`) and none naming the app's own
/// sign-in (`/auth/callback`, `/api/auth/callback/google`, `/sso/callback`):
/// signing users in is the app's job, connecting a provider is not.
fn has_callback_segment(route: &str) -> bool {
    const SIGN_IN: &[&str] = &[
        "auth", "login", "signin", "sign-in", "sso", "saml", "session",
    ];
    let segments: Vec<String> = route.split('/').map(str::to_ascii_lowercase).collect();
    segments.iter().any(|s| s.contains("callback"))
        && !segments.iter().any(|s| SIGN_IN.contains(&s.as_str()))
}

/// Whether a handler's source completes an OAuth authorization: it reads the
/// `code` query parameter, or exchanges a code for a token.
fn completes_authorization(src: &str) -> bool {
    let compact: String = src
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    [
        "get(\"code\")",
        "get('code')",
        "{code,state}",
        "{state,code}",
        "exchangecode",
        "codefortoken",
        "grant_type:\"authorizationcode\"",
        "granttype:\"authorizationcode\"",
        "authorizationcode",
    ]
    .iter()
    .any(|signal| compact.contains(signal))
}

fn next_handler(root: Node<'_>, src: &str, pages: bool) -> Option<Range<usize>> {
    let mut found = None;
    for export in named_children(root)
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

/// The fact recording that code resolves a route by its handler's name
/// (Flask `url_for`, Starlette `url_for`, Django `reverse`).
fn route_name_fact(name: &str) -> String {
    format!("route-name:{name}")
}

/// The URL path a string points at, when it names a callback: the part
/// after `scheme://host` or from the first `/`, query and fragment dropped,
/// interpolated segments as `*`.
fn referenced_path(value: &str) -> Option<String> {
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

/// Records, as project facts, every URL path in a string of this file that
/// names a callback (a redirect URI, an authorize URL's `redirect_uri`),
/// except the route registrations themselves, and every route resolved by
/// name.
fn record_references(file: &ParsedFile, used: &[Range<usize>], out: &mut Reporter<'_>) {
    let record = |value: &str, out: &mut Reporter<'_>| {
        if let Some(path) = referenced_path(value) {
            out.fact(crate::finding::route_reference_fact(&path));
        }
        // `redirect_uri=https%3A%2F%2Fapp%2Foauth%2Fcallback` in a URL.
        if value.contains("%2F") || value.contains("%2f") {
            let decoded = value
                .replace("%2F", "/")
                .replace("%2f", "/")
                .replace("%3A", ":");
            for part in decoded.split(['=', '&']) {
                if let Some(path) = referenced_path(part) {
                    out.fact(crate::finding::route_reference_fact(&path));
                }
            }
        }
    };
    let src = file.text();
    match file.language.family() {
        Family::Config => {
            for scalar in file.config_scalars() {
                if !scalar.is_key {
                    record(&scalar.value, out);
                }
            }
        }
        Family::Js | Family::Python => {
            let Some(tree) = file.tree() else { return };
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
                    if !used
                        .iter()
                        .any(|u| u.start <= lit.span.start && lit.span.end <= u.end)
                    {
                        record(&lit.value, out);
                    }
                    return true;
                }
                if python {
                    if let Some(call) = python::call(node) {
                        let name = text(call.name, src);
                        if matches!(name, "url_for" | "reverse" | "url_path_for") {
                            if let Some(lit) =
                                call.args.first().and_then(|a| python::fold_string(*a, src))
                            {
                                if lit.is_static() {
                                    let endpoint = lit.value.rsplit('.').next().unwrap_or_default();
                                    out.fact(route_name_fact(endpoint));
                                }
                            }
                        }
                    }
                }
                true
            });
        }
        _ => {}
    }
}

impl Check for RouteCheck {
    /// A registered callback path has a segment containing `callback`,
    /// written after `/`, `-`, `_`, `2` or an opening quote (`/callback`,
    /// `/oauth-callback`, `/oauth2callback`, Django's `"callback/"`); React's
    /// `useCallback` has none of these. The file must also name an OAuth
    /// segment (in the path or a router prefix) or a router other files may
    /// mount under one. Next.js file routes are found by their path instead.
    fn literals(&self) -> Vec<String> {
        [
            "/callback",
            "-callback",
            "_callback",
            "2callback",
            "\"callback",
            "'callback",
        ]
        .map(String::from)
        .to_vec()
    }

    fn required_literals(&self) -> Vec<Vec<String>> {
        let mut group = vec!["oauth".to_string()];
        group.extend(
            self.paths
                .segments
                .iter()
                .filter(|s| !s.starts_with("oauth"))
                .cloned(),
        );
        group.extend(MOUNTABLE_ROUTERS.iter().map(|s| s.to_string()));
        vec![group]
    }

    fn path_triggers(&self) -> Vec<String> {
        vec![
            "**/app/**/*callback*/**/{route,page}.*".to_string(),
            "**/pages/api/**/*callback*".to_string(),
            "**/pages/api/**/*callback*/**".to_string(),
        ]
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let mut used = Vec::new();
        match file.language.family() {
            Family::Js => {
                self.check_file_route(file, out);
                self.check_js(file, out, &mut used);
            }
            Family::Python => self.check_python(file, out, &mut used),
            _ => {}
        }
        if self.app_owned {
            record_references(file, &used, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check() -> RouteCheck {
        RouteCheck {
            app_owned: false,
            allow: build_globset(["**/oauth/twitch/**"]).unwrap(),
            paths: CallbackPaths {
                segments: vec!["integrations".into(), "integration".into()],
                allow: vec!["**/oauth/twitch/**".into()],
            },
        }
    }

    #[test]
    fn references_are_url_paths_naming_a_callback() {
        let sub = SUBSTITUTION;
        assert_eq!(
            referenced_path("https://app.x.dev/api/oauth/google/callback?x=1").as_deref(),
            Some("api/oauth/google/callback")
        );
        assert_eq!(
            referenced_path(&format!("{sub}/api/oauth/{sub}/callback")).as_deref(),
            Some("api/oauth/*/callback")
        );
        assert_eq!(referenced_path("token refreshed via /oauth/callback"), None);
        assert_eq!(referenced_path("https://app.x.dev/settings"), None);
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
    fn classifies_callback_paths() {
        let c = check();
        assert!(c.is_callback_path("/api/oauth/google/callback"));
        assert!(c.is_callback_path("/oauth2callback"));
        assert!(c.is_callback_path("/integrations/[provider]/callback"));
        assert!(c.is_callback_path("/(oauth)/callback"));
        assert!(!c.is_callback_path("/auth/callback"));
        assert!(!c.is_callback_path("/webhooks/callback"));
        assert!(!c.is_callback_path("/api/oauth/google/start"));
        assert!(c.allowed("x.ts", "/api/oauth/twitch/callback"));
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
