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
