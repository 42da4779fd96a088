//! The `handler-must-call` rule kind: handlers that must call something,
//! such as a webhook handler that must verify the payload's signature.

use serde::Deserialize;

use crate::facts::handlers;
use crate::facts::identifiers::NameGlob;
use crate::lang::{Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags a request handler or function that never calls one of the
    /// required functions. Handlers are chosen by route path (`routes`):
    /// Express/Hono/Fastify/Koa registrations (`app.post('/webhooks/x',
    /// …handlers)`, the middleware arguments count as calls), FastAPI,
    /// Flask and Starlette decorators (`@router.post("/webhooks/x")`, the
    /// decorators count), and Next.js App Router `route.ts` files exporting
    /// `GET`/`POST`/…; or by function name (`functions`). A handler passes
    /// when its body, a function it names as a handler in the same file, or
    /// one of its middleware calls or names a function matching `calls`.
    /// Routes registered on a router that another file mounts under a
    /// prefix are matched by the path the file spells.
    ///
    /// ## Why is this bad?
    /// Some calls are the point of a handler: a webhook that never verifies
    /// the provider's signature accepts forged events, an admin endpoint
    /// that never checks the role serves everyone.
    ///
    /// ## Example
    /// ```ts
    /// // app/api/webhooks/stripe/route.ts
    /// export async function POST(req: Request) {
    ///   const event = JSON.parse(await req.text());
    ///   await fulfil(event);
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// export async function POST(req: Request) {
    ///   const event = stripe.webhooks.constructEvent(await req.text(), sig, secret);
    ///   await fulfil(event);
    /// }
    /// ```
    ///
    /// ## Options
    /// - `routes`: globs over route paths (`/webhooks/**`, `/api/webhooks/*`);
    ///   `*` matches within a segment, `**` across segments.
    /// - `functions`: globs over function names (`handle*Webhook`).
    /// - `calls`: globs over the required callees, matched against the
    ///   callee as written (`stripe.webhooks.constructEvent`) and its last
    ///   segment (`constructEvent`, `verify*`).
    pub struct HandlerMustCall;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "routes",
        description: "Globs over route paths whose handlers must call (`/webhooks/**`).",
    },
    OptionDoc {
        name: "functions",
        description: "Globs over function names that must call (`handle*Webhook`).",
    },
    OptionDoc {
        name: "calls",
        description:
            "Globs over the required callees, as written or by last segment (`verify*Signature`).",
    },
];

impl Kind for HandlerMustCall {
    fn id(&self) -> &'static str {
        "handler-must-call"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        if options.routes.is_empty() && options.functions.is_empty() {
            return Err(OptionError::new(
                "routes",
                "name the handlers: route globs (`routes`) or function-name globs (`functions`)",
            ));
        }
        if options.calls.is_empty() {
            return Err(OptionError::new(
                "calls",
                "list at least one required callee",
            ));
        }
        let routes = crate::config::build_globset(options.routes.iter().map(String::as_str))
            .map_err(|e| OptionError::new("routes", e))?;
        Ok(Box::new(HandlerCheck {
            routes,
            has_routes: !options.routes.is_empty(),
            functions: options.functions.iter().map(|f| NameGlob::new(f)).collect(),
            calls: options.calls.iter().map(|c| NameGlob::new(c)).collect(),
            calls_written: options.calls.join("`, `"),
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default)]
    routes: Vec<String>,
    #[serde(default)]
    functions: Vec<String>,
    calls: Vec<String>,
}

struct HandlerCheck {
    routes: globset::GlobSet,
    has_routes: bool,
    functions: Vec<NameGlob>,
    calls: Vec<NameGlob>,
    calls_written: String,
}

impl HandlerCheck {
    fn required_call(&self, callee: &str) -> bool {
        let last = callee.rsplit('.').next().unwrap_or(callee);
        let last = last.split('(').next().unwrap_or(last);
        self.calls
            .iter()
            .any(|g| g.is_match(callee) || g.is_match(last))
    }
}

impl Check for HandlerCheck {
    fn literals(&self) -> Vec<String> {
        let mut literals = Vec::new();
        if self.has_routes {
            literals.extend(["post", "get", "put", "route", "delete", "patch"].map(String::from));
        }
        for glob in &self.functions {
            let literal = glob.longest_literal();
            if literal.len() < 3 {
                return Vec::new();
            }
            literals.push(literal.to_string());
        }
        literals
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        for handler in handlers::handlers(file) {
            let chosen = if handler.is_route {
                self.has_routes && self.routes.is_match(handler.name.trim_end_matches('/'))
            } else {
                self.functions.iter().any(|g| g.is_match(&handler.name))
            };
            if !chosen || handler.calls.iter().any(|c| self.required_call(c)) {
                continue;
            }
            out.report(
                Report::at(handler.span.clone())
                    .var("handler", handler.name.clone())
                    .var("calls", self.calls_written.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests;
