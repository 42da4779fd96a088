//! Route registrations as every rule kind reads them: one vocabulary of
//! registration calls and decorators, one way to join a router's prefix to
//! a route's path, and the prefixes routers declare for themselves.

use tree_sitter::Node;

use crate::lang::python;
use crate::lang::tree::{named_children, text, NodeExt, SUBSTITUTION};
use crate::lang::typescript;

/// Methods of an Express, Koa, Hono or Fastify app or router whose first
/// argument is a route path (`app.get('/x', handler)`, `router.use(...)`).
pub const JS_ROUTE_METHODS: &[&str] = &[
    "get", "post", "all", "use", "put", "patch", "head", "options",
];

/// Decorators of FastAPI, Flask and Starlette routers and apps that
/// register the decorated function as a route (`@router.get("/x")`,
/// `@app.route("/x")`).
pub const PY_ROUTE_DECORATORS: &[&str] = &[
    "get",
    "post",
    "route",
    "api_route",
    "put",
    "patch",
    "websocket",
];

/// `prefix` joined to `path` with exactly one `/` between them.
pub fn join_route(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        return path.to_string();
    }
    format!(
        "{}/{}",
        prefix.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// A route path as a reference must end: dynamic segments (`[id]`,
/// `:id`, `{id}`, `<id>`) match any segment.
pub fn route_key(route: &str) -> String {
    route
        .split(['?', '#'])
        .next()
        .unwrap_or(route)
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let dynamic = s.starts_with(['[', ':', '{', '<']) || s.contains(SUBSTITUTION);
            if dynamic {
                "*"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `router = APIRouter(prefix="/integrations")`, `bp = Blueprint(…,
/// url_prefix="/connections")`: the name bound and the prefix the router
/// declares for its own routes.
pub fn py_router_prefix(assignment: Node<'_>, src: &str) -> Option<(String, String)> {
    let (left, right) = (assignment.field("left")?, assignment.field("right")?);
    let call = python::call(right)?;
    let prefix = py_kwarg_string(&call, src, &["prefix", "url_prefix"])?;
    Some((text(left, src).to_string(), prefix))
}

/// `new Router({ prefix: '/x' })` (Koa) or `new Hono().basePath('/x')`: the
/// prefix a JS router declares for its own routes.
pub fn js_router_prefix(value: Node<'_>, src: &str) -> Option<String> {
    let value = typescript::unwrap_expression(value);
    match value.kind_str() {
        "new_expression" => {
            let args = value.field("arguments")?;
            let object = named_children(args)
                .into_iter()
                .find(|a| a.kind_str() == "object")?;
            let node = js_object_property(object, src, &["prefix"])?;
            typescript::fold_string(node, src).map(|l| l.with_placeholders())
        }
        "call_expression" => {
            let call = typescript::call(value)?;
            if text(call.name, src) != "basePath" {
                return None;
            }
            typescript::fold_string(*call.args.first()?, src).map(|l| l.with_placeholders())
        }
        _ => None,
    }
}

/// The value node of `{ key: <value> }` for the first matching key.
pub fn js_object_property<'t>(object: Node<'t>, src: &str, keys: &[&str]) -> Option<Node<'t>> {
    named_children(object).into_iter().find_map(|pair| {
        if pair.kind_str() != "pair" {
            return None;
        }
        let key = typescript::property_key(pair.field("key")?, src)?;
        keys.contains(&key.as_ref())
            .then(|| pair.field("value"))
            .flatten()
    })
}

/// The value of the first keyword argument named one of `names`.
pub fn py_kwarg<'t>(call: &python::Call<'t>, src: &str, names: &[&str]) -> Option<Node<'t>> {
    call.kwargs
        .iter()
        .find(|(name, _)| names.contains(&text(*name, src)))
        .map(|(_, value)| *value)
}

/// A keyword argument's folded string value, substitutions as `x`.
pub fn py_kwarg_string(call: &python::Call<'_>, src: &str, names: &[&str]) -> Option<String> {
    python::fold_string(py_kwarg(call, src, names)?, src).map(|l| l.with_placeholders())
}

/// What a mount attaches under its prefix.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Mounted {
    /// A router named in the file (`oauthRouter`, `oauth.router`).
    Name(String),
    /// A module by its specifier: `require('./routes/oauth')`, Django's
    /// `include("integrations.urls")`.
    Module(String),
}

/// A router attached to another under a prefix: `app.use('/oauth',
/// oauthRouter)`, `app.include_router(oauth.router, prefix="/oauth")`,
/// `path("oauth/", include("integrations.urls"))`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mount {
    /// The app or router that mounts, as written (`app`, `api_router`);
    /// [`DJANGO_URLS`] for a Django URL module.
    pub parent: String,
    /// The prefix, empty when the mount has none.
    pub prefix: String,
    pub child: Mounted,
}

/// The router of a Django URL module's `path()` entries: the module's
/// `urlpatterns`.
pub const DJANGO_URLS: &str = "urlpatterns";

/// Text every TS/JS file that mounts a router contains: what the project
/// model looks for before it parses a file for mounts.
pub const JS_MOUNT_LITERALS: &[&str] = &[".use(", ".route(", ".register("];

/// Python's counterpart of [`JS_MOUNT_LITERALS`].
pub const PY_MOUNT_LITERALS: &[&str] = &["include_router", "register_blueprint", "include("];

/// The mounts of a parsed TS/JS or Python file.
pub fn read_mounts(family: crate::lang::Family, root: Node<'_>, src: &str) -> Vec<Mount> {
    let mut mounts = Vec::new();
    crate::lang::tree::walk(root, |node| {
        let mount = match family {
            crate::lang::Family::Js => js_mount(node, src),
            crate::lang::Family::Python => py_mount(node, src),
            _ => None,
        };
        mounts.extend(mount);
        true
    });
    mounts
}

/// Express/Koa `x.use('/p', router)` (and `x.use(router)`), Hono
/// `x.route('/p', sub)`, Fastify `x.register(plugin, { prefix: '/p' })`.
fn js_mount(node: Node<'_>, src: &str) -> Option<Mount> {
    let call = typescript::call(node)?;
    let parent = text(call.receiver?, src).to_string();
    let (prefix, child) = match text(call.name, src) {
        "use" => match call.args.as_slice() {
            [only] => (String::new(), *only),
            [first, .., last] => (js_prefix(*first, src)?, *last),
            [] => return None,
        },
        "route" if call.args.len() == 2 => (js_prefix(call.args[0], src)?, call.args[1]),
        "register" if !call.args.is_empty() => {
            let prefix = call
                .args
                .get(1)
                .filter(|o| o.kind_str() == "object")
                .and_then(|o| js_object_property(*o, src, &["prefix"]))
                .and_then(|p| js_prefix(p, src))
                .unwrap_or_default();
            (prefix, call.args[0])
        }
        _ => return None,
    };
    Some(Mount {
        parent,
        prefix,
        child: js_mounted(child, src)?,
    })
}

fn js_prefix(node: Node<'_>, src: &str) -> Option<String> {
    let lit = typescript::fold_string(node, src)?;
    lit.value.starts_with('/').then(|| lit.with_placeholders())
}

/// A mounted router: a name, `require('./x')`, or Koa's `sub.routes()`.
fn js_mounted(node: Node<'_>, src: &str) -> Option<Mounted> {
    let node = typescript::unwrap_expression(node);
    match node.kind_str() {
        "identifier" | "member_expression" => Some(Mounted::Name(text(node, src).to_string())),
        "call_expression" => {
            let call = typescript::call(node)?;
            match (text(call.name, src), call.receiver) {
                ("require", None) => {
                    let lit = typescript::fold_string(*call.args.first()?, src)?;
                    lit.is_static().then_some(Mounted::Module(lit.value))
                }
                ("routes" | "middleware", Some(router)) if call.args.is_empty() => {
                    js_mounted(router, src)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// FastAPI `x.include_router(r, prefix="/p")`, Flask
/// `x.register_blueprint(bp, url_prefix="/p")`, Django `path("p/",
/// include("pkg.urls"))`.
fn py_mount(node: Node<'_>, src: &str) -> Option<Mount> {
    let call = python::call(node)?;
    match (text(call.name, src), call.receiver) {
        ("include_router" | "register_blueprint", Some(parent)) => Some(Mount {
            parent: text(parent, src).to_string(),
            prefix: py_kwarg_string(&call, src, &["prefix", "url_prefix"]).unwrap_or_default(),
            child: py_mounted(*call.args.first()?, src)?,
        }),
        ("path" | "re_path", None) => {
            let prefix = python::fold_string(*call.args.first()?, src)?.with_placeholders();
            let include = python::call(*call.args.get(1)?)?;
            if text(include.name, src) != "include" {
                return None;
            }
            Some(Mount {
                parent: DJANGO_URLS.to_string(),
                prefix: prefix
                    .trim_start_matches('^')
                    .trim_end_matches('$')
                    .to_string(),
                child: py_mounted(*include.args.first()?, src)?,
            })
        }
        _ => None,
    }
}

/// A mounted router or URL module: a name, a dotted module string, or the
/// first member of Django's `(module, app_name)` tuple.
fn py_mounted(node: Node<'_>, src: &str) -> Option<Mounted> {
    match node.kind_str() {
        "identifier" | "attribute" => Some(Mounted::Name(text(node, src).to_string())),
        "string" | "concatenated_string" => {
            let lit = python::fold_string(node, src)?;
            lit.is_static().then_some(Mounted::Module(lit.value))
        }
        "tuple" | "parenthesized_expression" => py_mounted(node.named_child(0)?, src),
        _ => None,
    }
}

/// The router a JS route is registered on: the receiver as written, or,
/// when the receiver is a parameter of the function around the
/// registration (a Fastify plugin `async function oauth(fastify) {…}`),
/// that function's name (`default` for an anonymous default export), as a
/// mount names the plugin.
pub fn js_router_name(receiver: Node<'_>, src: &str) -> String {
    let written = text(receiver, src);
    let mut current = receiver.parent();
    while let Some(node) = current {
        if matches!(
            node.kind_str(),
            "function_declaration" | "function_expression" | "arrow_function" | "function"
        ) {
            let is_parameter = node
                .field("parameters")
                .or_else(|| node.field("parameter"))
                .is_some_and(|params| {
                    let mut found = false;
                    crate::lang::tree::walk(params, |p| {
                        found |= p.kind_str() == "identifier" && text(p, src) == written;
                        !found
                    });
                    found
                });
            if is_parameter {
                return plugin_name(node, src);
            }
        }
        current = node.parent();
    }
    written.to_string()
}

/// The name a function is mounted by: its own name, the variable it is
/// assigned to, or `default` for a default export.
fn plugin_name(function: Node<'_>, src: &str) -> String {
    if let Some(name) = function.field("name") {
        return text(name, src).to_string();
    }
    match function.parent() {
        Some(p) if p.kind_str() == "variable_declarator" => p
            .field("name")
            .map(|n| text(n, src).to_string())
            .unwrap_or_default(),
        Some(p) if p.kind_str() == "export_statement" => "default".to_string(),
        _ => String::new(),
    }
}

/// Which full route paths are OAuth callbacks: one segment contains
/// `callback` and one is an OAuth segment (`oauth…`, one of `segments`, or
/// the name of a provider that signs users in or connects accounts with
/// OAuth, as in `/auth/google/callback`), and no `allow` glob matches the
/// path.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallbackPaths {
    /// Lowercase segments besides `oauth…` that mark an OAuth flow.
    pub segments: Vec<String>,
    /// Globs over route paths (leading `/` dropped) that are never flagged.
    pub allow: Vec<String>,
}

impl CallbackPaths {
    fn is_oauth_segment(&self, segment: &str) -> bool {
        let s = segment
            .trim_matches(|c| c == '(' || c == ')')
            .to_ascii_lowercase();
        s.starts_with("oauth") || self.segments.contains(&s)
    }

    /// Whether a route path is a callback by an OAuth segment alone, not
    /// only by a provider's name (which a webhook prefix elsewhere may
    /// overrule).
    pub fn names_oauth(&self, path: &str) -> bool {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        segments.iter().any(|s| names_callback(s))
            && segments.iter().any(|s| self.is_oauth_segment(s))
    }

    /// Whether a route path (or file path) is an OAuth callback.
    pub fn is_callback(&self, path: &str) -> bool {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        segments.iter().any(|s| names_callback(s))
            && (segments.iter().any(|s| self.is_oauth_segment(s))
                || names_provider_redirect(&segments))
    }

    /// Whether an `allow` glob matches the route path.
    pub fn allows(&self, route: &str) -> bool {
        !self.allow.is_empty()
            && crate::config::build_globset(self.allow.iter().map(String::as_str))
                .is_ok_and(|set| set.is_match(route.trim_start_matches('/')))
    }

    /// Whether `route` is a callback path nothing allows.
    pub fn flags(&self, route: &str) -> bool {
        self.is_callback(route) && !self.allows(route)
    }
}

/// Providers whose redirect ends an OAuth flow at a `…/{provider}/callback`
/// route: a path segment naming one beside a callback segment marks the
/// route as an OAuth callback.
const OAUTH_PROVIDERS: &[&str] = &[
    "google",
    "github",
    "gitlab",
    "gitea",
    "bitbucket",
    "microsoft",
    "azure",
    "azuread",
    "entra",
    "outlook",
    "apple",
    "facebook",
    "instagram",
    "twitter",
    "x",
    "linkedin",
    "slack",
    "discord",
    "twitch",
    "spotify",
    "notion",
    "hubspot",
    "salesforce",
    "zoom",
    "dropbox",
    "box",
    "atlassian",
    "jira",
    "linear",
    "figma",
    "shopify",
    "stripe",
    "intercom",
    "zendesk",
    "asana",
    "airtable",
    "calendly",
    "okta",
    "auth0",
    "keycloak",
    "oidc",
    "openid",
];

/// Whether path segments name a provider a redirect comes back from
/// (`/auth/google/callback`), outside a webhook receiver's path
/// (`/webhooks/slack/callback` takes events, not redirects).
fn names_provider_redirect(segments: &[&str]) -> bool {
    let lower: Vec<String> = segments
        .iter()
        .map(|s| {
            s.trim_matches(|c| c == '(' || c == ')')
                .to_ascii_lowercase()
        })
        .collect();
    lower.iter().any(|s| OAUTH_PROVIDERS.contains(&s.as_str()))
        && !lower
            .iter()
            .any(|s| s.contains("webhook") || matches!(s.as_str(), "hooks" | "events"))
}

/// Whether a path segment names a callback (`callback`, `oauth2callback`,
/// `google_callback`).
pub fn names_callback(segment: &str) -> bool {
    segment.to_ascii_lowercase().contains("callback")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{Family, Language};

    fn mounts(path: &str, src: &str) -> Vec<Mount> {
        let language = Language::from_path(path).unwrap();
        let tree = crate::lang::tree::parse(language, src).unwrap();
        read_mounts(language.family(), tree.root_node(), src)
    }

    fn mount(parent: &str, prefix: &str, child: Mounted) -> Mount {
        Mount {
            parent: parent.into(),
            prefix: prefix.into(),
            child,
        }
    }

    #[test]
    fn js_mounts() {
        let found = mounts(
            "app.ts",
            "app.use('/oauth', oauthRouter);\napp.use(express.json());\napp.use('/api', auth, api.router);\napp.use('/v1', require('./routes/v1'));\nrouter.use('/koa', sub.routes());\napp.route('/hono', sub);\nfastify.register(plugin, { prefix: '/f' });\napp.use(healthRouter);",
        );
        assert_eq!(
            found,
            vec![
                mount("app", "/oauth", Mounted::Name("oauthRouter".into())),
                mount("app", "/api", Mounted::Name("api.router".into())),
                mount("app", "/v1", Mounted::Module("./routes/v1".into())),
                mount("router", "/koa", Mounted::Name("sub".into())),
                mount("app", "/hono", Mounted::Name("sub".into())),
                mount("fastify", "/f", Mounted::Name("plugin".into())),
                mount("app", "", Mounted::Name("healthRouter".into())),
            ]
        );
    }

    #[test]
    fn python_mounts() {
        let found = mounts(
            "main.py",
            "app.include_router(oauth.router, prefix=\"/oauth\")\napi.include_router(users)\napp.register_blueprint(bp, url_prefix='/bp')\nurlpatterns = [\n    path(\"oauth/\", include(\"integrations.urls\")),\n    re_path(r\"^x/\", include((x_urls, \"x\"))),\n    path(\"home/\", views.home),\n]\n",
        );
        assert_eq!(
            found,
            vec![
                mount("app", "/oauth", Mounted::Name("oauth.router".into())),
                mount("api", "", Mounted::Name("users".into())),
                mount("app", "/bp", Mounted::Name("bp".into())),
                mount(
                    DJANGO_URLS,
                    "oauth/",
                    Mounted::Module("integrations.urls".into())
                ),
                mount(DJANGO_URLS, "x/", Mounted::Name("x_urls".into())),
            ]
        );
        assert_eq!(
            Family::Python,
            Language::from_path("a.py").unwrap().family()
        );
    }

    #[test]
    fn callback_paths() {
        let paths = CallbackPaths {
            segments: vec!["integrations".into()],
            allow: vec!["oauth/twitch/**".into()],
        };
        assert!(paths.flags("/oauth/google/callback"));
        assert!(paths.flags("/integrations/callback"));
        assert!(!paths.flags("/oauth/twitch/callback"));
        assert!(!paths.flags("/auth/callback"));
        assert!(!paths.flags("/webhooks/callback"));
    }
}
