//! The `forbidden-route` rule kind.

use std::ops::Range;

use globset::GlobSet;
use serde::Deserialize;

use crate::config::build_globset;
use crate::facts::route_registrations::{
    self as registrations, next_handler, next_route_path, referenced_callback_path, RouteMention,
};
use crate::facts::routes::{route_key, CallbackPaths, DJANGO_URLS};
use crate::lang::{Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags OAuth callback routes the app should not have. A route is an
    /// OAuth callback when one path segment contains `callback` and one is
    /// an OAuth segment (`oauth…`, or one of the `segments` option, such as
    /// `integrations`) or names a provider whose redirect ends the flow
    /// there (`/auth/google/callback/`, `/github/callback`: signing users in
    /// with a provider is an OAuth flow too). A provider's name does not make
    /// a callback of a route under a webhook path (`/webhooks/slack/callback`
    /// receives events); for a router other files mount, that is judged on
    /// the full path. Recognised route forms:
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
        let handler = next_handler(file, route.pages);
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

    /// Registrations on routers: a callback path by this file's prefixes,
    /// or a route that mounts elsewhere may make one.
    fn check_registrations(&self, file: &ParsedFile, out: &mut Reporter<'_>) -> Vec<Range<usize>> {
        let found = registrations::registrations(file);
        for registration in found.routes {
            let span = registration.span;
            let provider_named = !self.paths.names_oauth(&registration.route);
            let mountable = registration.router.is_some();
            if self.is_callback_path(&registration.route) && !(provider_named && mountable) {
                self.report(file, out, span, &registration.route, registration.handler);
            } else if let Some(router) = registration.router.as_deref() {
                let mounted = Registration {
                    router,
                    route: &registration.own_route,
                };
                self.report_mounted(file, out, span, mounted, registration.handler);
            }
        }
        found.path_strings
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

/// The fact recording that code resolves a route by its handler's name
/// (Flask `url_for`, Starlette `url_for`, Django `reverse`).
fn route_name_fact(name: &str) -> String {
    format!("route-name:{name}")
}

/// Records, as project facts, every URL path in a string of this file that
/// names a callback (a redirect URI, an authorize URL's `redirect_uri`),
/// except the route registrations themselves, and every route resolved by
/// name.
fn record_references(file: &ParsedFile, used: &[Range<usize>], out: &mut Reporter<'_>) {
    for mention in registrations::route_mentions(file, used) {
        match mention {
            RouteMention::String(value) => record_string(&value, out),
            RouteMention::HandlerName(name) => out.fact(route_name_fact(&name)),
        }
    }
}

/// Records the callback path a string points at, also inside an encoded
/// URL (`redirect_uri=https%3A%2F%2Fapp%2Foauth%2Fcallback`).
fn record_string(value: &str, out: &mut Reporter<'_>) {
    if let Some(path) = referenced_callback_path(value) {
        out.fact(crate::finding::route_reference_fact(&path));
    }
    if value.contains("%2F") || value.contains("%2f") {
        let decoded = value
            .replace("%2F", "/")
            .replace("%2f", "/")
            .replace("%3A", ":");
        for part in decoded.split(['=', '&']) {
            if let Some(path) = referenced_callback_path(part) {
                out.fact(crate::finding::route_reference_fact(&path));
            }
        }
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

    fn asks_mounts(&self) -> bool {
        true
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let used = match file.language.family() {
            Family::Js => {
                self.check_file_route(file, out);
                self.check_registrations(file, out)
            }
            Family::Python => self.check_registrations(file, out),
            _ => Vec::new(),
        };
        if self.app_owned {
            record_references(file, &used, out);
        }
    }
}

#[cfg(test)]
mod tests;
