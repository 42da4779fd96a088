//! The `oauth-url-construction` rule kind: code that builds a provider's
//! OAuth authorize URL, in an app whose OAuth flows another service runs.

mod data;
mod endpoints;
mod options;

use std::ops::Range;

use globset::GlobSet;

use crate::facts::keyed_strings::{keyed_strings, Form, Found, KeyedString};
use crate::facts::urls::{string_values, StringValue};
use crate::lang::{Family, ParsedFile};
use crate::roles::SkipRoles;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};
use data::AUTHORIZE_KEYS;
use endpoints::{
    find_response_type_param, first_endpoint, is_oauth_response_type, url_paths, Endpoint,
};
use options::OPTIONS;

declare_kind! {
    /// ## What it does
    /// Flags code that builds a provider's OAuth authorize URL, in three
    /// forms, in TypeScript/JavaScript and Python (Rust string literals are
    /// read for the first and third):
    ///
    /// - **an authorize endpoint** in a string or template literal (also
    ///   folded concatenations and a leading same-file constant). An entry of
    ///   `endpoints` that starts with a host (`accounts.google.com/o/oauth2`)
    ///   matches URLs on that host whose path starts with the rest at a
    ///   segment boundary. An entry that starts with `/` (`/oauth/authorize`)
    ///   matches that path, ending at a segment boundary, inside an absolute
    ///   URL (`https://github.com/login/oauth/authorize`), a schemeless one
    ///   (`github.com/login/oauth/authorize`), or after an interpolated base
    ///   (`` `${base}/oauth/authorize` ``); an app-relative path such as
    ///   `'/oauth/authorize'` (a route of the app itself) does not count, nor
    ///   does a URL whose base names the gateway (`${GATEWAY_URL}/oauth/authorize`).
    ///   Token, revocation, userinfo and key endpoints under a matching
    ///   prefix (`accounts.google.com/o/oauth2/token`, `…/revoke`) are not
    ///   authorize endpoints.
    /// - **a call of an authorize-URL builder** named in `functions`, as a
    ///   function or a method on any receiver: `oauth2Client.generateAuthUrl({…})`,
    ///   `flow.authorization_url(prompt="consent")`.
    /// - **an authorization request parameter**: `response_type` set to an
    ///   OAuth response type (`code`, `token`, `id_token`, or a space-separated
    ///   mix) in a query string literal (`?response_type=code&…`), in an
    ///   object or dict passed to `URLSearchParams`, `qs.stringify`,
    ///   `querystring.stringify` or `urlencode`, in any object or dict that
    ///   also has a `client_id` or `redirect_uri` key (the wire parameters of
    ///   an authorize request), in `params.set('response_type', 'code')` /
    ///   `.append(…)`, in `params['response_type'] = 'code'`, in a
    ///   `[key, value]` pair of `URLSearchParams`/`urlencode`, and in keyword
    ///   arguments next to `client_id=` or `redirect_uri=`. Other values
    ///   (`response_type: 'json'` of some REST APIs) are not OAuth.
    ///
    /// One finding per construction: a finding nested in another (a
    /// `URLSearchParams` inside a template literal that also names the
    /// endpoint, parameters passed to a flagged builder call) is reported
    /// once, on the outer one. Comments and Python docstrings are not read.
    ///
    /// With `owner = "app"` the kind reports nothing. Files matching `allow`
    /// are never flagged, nor is a flow that names an allowed route: a
    /// construction whose function (or, outside functions, whose literal)
    /// holds a URL or path matching `allow`, such as a redirect URI to
    /// `/api/oauth/twitch/callback` under `allow = ["**/oauth/twitch/**"]`.
    ///
    /// ## Why is this bad?
    /// When a gateway runs every OAuth flow, an authorize URL built in the
    /// app starts a flow whose callback nobody handles, or worse, one that
    /// lands tokens in the app, outside the gateway's vault. Either way it is
    /// code to delete, and a tempting place to grow a second OAuth stack.
    ///
    /// ## Example
    /// ```ts
    /// export function GET() {
    ///   const params = new URLSearchParams({
    ///     client_id: process.env.GOOGLE_CLIENT_ID!,
    ///     redirect_uri: `${APP_URL}/api/oauth/google/callback`,
    ///     response_type: 'code',
    ///     scope: 'https://www.googleapis.com/auth/gmail.readonly',
    ///   });
    ///   return Response.redirect(`https://accounts.google.com/o/oauth2/v2/auth?${params}`);
    /// }
    /// ```
    ///
    /// Use instead: delete the flow; connections are made through the
    /// gateway. A flow the app legitimately owns goes in `allow`:
    /// ```toml
    /// [oauth]
    /// allow = ["**/oauth/twitch/**"]
    /// ```
    ///
    /// ## Options
    /// - `owner`: `"gateway"` (flag every in-app authorize URL) or `"app"`
    ///   (the app runs its own OAuth; report nothing).
    /// - `allow`: gitignore-style globs over project paths and route paths
    ///   of flows the app owns; they are never flagged.
    /// - `endpoints`: authorize endpoints, as `host/path-prefix` or as a
    ///   `/path` found inside a URL.
    /// - `functions`: names of calls that build an authorize URL.
    /// - `skip_roles`: file roles the rule does not read (`test`, `fixture`,
    ///   `docs`, `example`, `script`, `generated`, `vendored`), from path
    ///   conventions (`tests/`, `*.test.*`, `conftest.py`, `docs/`, …).
    pub struct OauthUrlConstruction;
}

impl Kind for OauthUrlConstruction {
    fn id(&self) -> &'static str {
        "oauth-url-construction"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python, Family::Rust]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        Ok(Box::new(OauthUrlCheck::new(parse_options(options)?)?))
    }
}

struct OauthUrlCheck {
    enabled: bool,
    allow: GlobSet,
    /// Tests and mocks hold authorize URLs as expected values, not flows.
    skip_roles: SkipRoles,
    endpoints: Vec<Endpoint>,
    functions: Vec<String>,
}

/// A finding before overlapping ones are merged.
struct Candidate {
    span: Range<usize>,
    /// The construction the finding stands for; findings inside it are the
    /// same construction.
    scope: Range<usize>,
    report: Report,
}

impl Check for OauthUrlCheck {
    fn literals(&self) -> Vec<String> {
        let mut literals: Vec<String> = self
            .endpoints
            .iter()
            .map(|e| match e {
                Endpoint::Url(h) => h.host().to_string(),
                Endpoint::Path(p) => p.clone(),
            })
            .collect();
        literals.extend(self.functions.iter().cloned());
        literals.push("response_type".to_string());
        literals
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        if !self.enabled
            || (!self.allow.is_empty() && self.allow.is_match(file.path()))
            || self.skip_roles.skips(file.path())
        {
            return;
        }
        let values = string_values(file);
        let mut candidates: Vec<Candidate> = values
            .iter()
            .filter(|v| !is_descriptive_field(file.text(), v.lit.span.start))
            .filter_map(|v| self.literal_candidate(v))
            .collect();
        let wants_call = |name: &str| self.functions.iter().any(|f| f == name);
        if let Some(read) = keyed_strings(file, "response_type", &wants_call) {
            candidates.extend(read.found.iter().filter_map(|f| self.found_candidate(f)));
            if !self.allow.is_empty() {
                candidates.retain(|c| !self.allowed_by_route(c, &read.functions, &values));
            }
        }
        // Outer constructions first; a finding inside one already kept is
        // the same construction.
        candidates.sort_by_key(|c| (std::cmp::Reverse(c.scope.len()), c.span.start));
        let mut kept: Vec<Candidate> = Vec::new();
        for candidate in candidates {
            let nested = kept.iter().any(|k| {
                k.scope.start <= candidate.span.start && candidate.span.end <= k.scope.end
            });
            if !nested {
                kept.push(candidate);
            }
        }
        kept.sort_by_key(|c| c.span.start);
        for candidate in kept {
            out.report(candidate.report);
        }
    }
}

/// Fields whose value describes an authorization endpoint rather than
/// sends anyone to it: the Google service-account key file's `auth_uri`
/// (beside `token_uri` and `client_x509_cert_url`), the
/// `authorization_endpoint` of an authorization server's own metadata
/// (RFC 8414, OpenID discovery), and an API schema's `example`. An
/// `authorizationUrl` is one only in an OpenAPI flow (see
/// [`is_openapi_flow_field`]): client configurations beside a `clientId`
/// set up a flow with it.
const DESCRIPTIVE_FIELDS: &[&str] = &["auth_uri", "authorization_endpoint", "example", "examples"];

/// How far around a value the fields of its object are looked for.
const FIELD_WINDOW: usize = 400;

/// Whether the string at `start` is the `authorizationUrl` of an OpenAPI
/// OAuth flow (`flows: { authorizationCode: { authorizationUrl, tokenUrl,
/// scopes } }`, FastAPI's `OAuth2AuthorizationCodeBearer(authorizationUrl=…,
/// tokenUrl=…)`): the API documents how its clients get tokens, and starts
/// no flow itself. A `tokenUrl` or `scopes` field must follow, and no
/// client id may be near: beside a `clientId` the same fields configure a
/// client that runs the flow.
fn is_openapi_flow_field(src: &str, start: usize) -> bool {
    let from = crate::source::floor_char_boundary(src, start.saturating_sub(FIELD_WINDOW));
    let to = crate::source::floor_char_boundary(src, (start + FIELD_WINDOW).min(src.len()));
    let start = crate::source::floor_char_boundary(src, start);
    let before = crate::source::slice(src, from..start);
    let after = crate::source::slice(src, start..to);
    let mut lines = before.rsplit('\n');
    let named = [lines.next(), lines.next()]
        .into_iter()
        .flatten()
        .any(|line| names_field(line, "authorizationUrl"));
    let client = [
        "clientId",
        "clientID",
        "client_id",
        "clientSecret",
        "client_secret",
    ];
    named
        && (names_field(after, "tokenUrl") || names_field(after, "scopes"))
        && !client
            .iter()
            .any(|c| before.contains(c) || after.contains(c))
}

/// Whether `text` names `field` as a whole word.
fn names_field(text: &str, field: &str) -> bool {
    text.match_indices(field).any(|(i, m)| {
        let before_ok = !crate::source::slice(text, 0..i)
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after_ok = !crate::source::slice(text, i + m.len()..text.len())
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        before_ok && after_ok
    })
}

/// Whether the string at `start` is the value of a field that describes an
/// authorization endpoint (see [`DESCRIPTIVE_FIELDS`]): a key file, a
/// server's metadata or a schema's example starts no flow.
fn is_descriptive_field(src: &str, start: usize) -> bool {
    let from = crate::source::floor_char_boundary(src, start.saturating_sub(200));
    let before = crate::source::slice(src, from..crate::source::floor_char_boundary(src, start));
    // The field name sits on the value's line or the line before it
    // (`auth_uri: str = field(\n    default="https://…")`).
    let mut lines = before.rsplit('\n');
    let near = [lines.next(), lines.next()];
    near.into_iter().flatten().any(|line| {
        DESCRIPTIVE_FIELDS
            .iter()
            .any(|field| names_field(line, field))
    }) || is_openapi_flow_field(src, start)
}

impl OauthUrlCheck {
    /// A flow whose function (or, at the top level, whose own literal)
    /// names an allowed route, such as a redirect URI to
    /// `/api/oauth/twitch/callback`, is one the app owns.
    fn allowed_by_route(
        &self,
        candidate: &Candidate,
        functions: &[Range<usize>],
        values: &[StringValue],
    ) -> bool {
        let span = &candidate.span;
        let scope = functions
            .iter()
            .filter(|f| f.start <= span.start && span.end <= f.end)
            .min_by_key(|f| f.len())
            .map_or(candidate.scope.clone(), Clone::clone);
        values
            .iter()
            .filter(|v| scope.start <= v.lit.span.start && v.lit.span.end <= scope.end)
            .flat_map(|v| url_paths(&v.lit.value))
            .any(|path| self.allow.is_match(path.trim_start_matches('/')))
    }
}

fn report(span: Range<usize>, construction: String, label: &str) -> Report {
    Report::at(span)
        .var("construction", construction)
        .label(label)
}

fn parameter_report(span: Range<usize>, value: &str) -> Report {
    report(
        span,
        format!(
            "authorize request parameter `response_type={}`",
            value.split_whitespace().collect::<Vec<_>>().join(" ")
        ),
        "authorization request parameter",
    )
}

impl OauthUrlCheck {
    fn literal_candidate(&self, value: &StringValue) -> Option<Candidate> {
        let lit = &value.lit;
        let scope = lit.span.clone();
        let endpoint = |span: Range<usize>, url: String| Candidate {
            span: span.clone(),
            scope: scope.clone(),
            report: report(
                span,
                format!("authorize URL `{url}`"),
                "provider authorize endpoint",
            ),
        };
        // `${BASE}/oauth/authorize` with `BASE` a constant of the file: read
        // the URL whole, unless the constant is itself the endpoint (it is
        // reported where it is defined).
        if let Some(head) = &value.head {
            if self.find_endpoint(&head.value, None).is_none() {
                if let Some((range, url)) = value
                    .with_head()
                    .and_then(|whole| self.find_endpoint(&whole, None))
                {
                    let span = value.file_span(value.head_range(range));
                    let mut candidate = endpoint(span, url);
                    candidate.report = candidate
                        .report
                        .secondary(head.span.clone(), "base URL defined here");
                    return Some(candidate);
                }
            }
        }
        if let Some((range, url)) = self.find_endpoint(&lit.value, value.lead.as_deref()) {
            return Some(endpoint(value.file_span(range), url));
        }
        let (range, response_type) = find_response_type_param(&lit.value)?;
        let span = value.file_span(range);
        Some(Candidate {
            span: span.clone(),
            scope,
            report: parameter_report(span, &response_type),
        })
    }

    /// The first authorize endpoint in `value`: its range (scheme to end
    /// of path) and its text for the message. `lead` is the source of the
    /// expression the value starts with, if any.
    fn find_endpoint(&self, value: &str, lead: Option<&str>) -> Option<(Range<usize>, String)> {
        first_endpoint(&self.endpoints, value, lead)
    }

    /// A construction among the file's calls and `response_type`
    /// settings: a call of an authorize-URL builder, or `response_type` set
    /// to an OAuth response type where only an authorize request sets it.
    fn found_candidate(&self, found: &Found) -> Option<Candidate> {
        let (name, name_span, span) = match found {
            Found::Call {
                name,
                name_span,
                span,
            } => (name, name_span, span),
            Found::Keyed(keyed) => return parameter_candidate(keyed),
        };
        if !self.functions.iter().any(|f| f == name) {
            return None;
        }
        Some(Candidate {
            span: name_span.clone(),
            scope: span.clone(),
            report: report(
                name_span.clone(),
                format!("authorize URL built by `{name}(…)`"),
                "builds an authorize URL",
            ),
        })
    }
}

/// `response_type` set to an OAuth response type in a setter, an
/// assignment, or an object, dict, keyword list or pair that is an
/// authorize request's (beside `client_id` or `redirect_uri`, or given to a
/// query-string builder).
fn parameter_candidate(keyed: &KeyedString) -> Option<Candidate> {
    let authorize_keys =
        |keys: &[String]| keys.iter().any(|k| AUTHORIZE_KEYS.contains(&k.as_str()));
    let authorize_request = match &keyed.form {
        Form::Setter | Form::Assignment => true,
        Form::Entry {
            keys,
            in_query_builder,
        }
        | Form::Keyword {
            keys,
            in_query_builder,
        } => *in_query_builder || authorize_keys(keys),
        Form::Pair { in_query_builder } => *in_query_builder,
    };
    if !authorize_request || !is_oauth_response_type(&keyed.value) {
        return None;
    }
    Some(Candidate {
        span: keyed.span.clone(),
        scope: keyed.span.clone(),
        report: parameter_report(keyed.span.clone(), &keyed.value),
    })
}

#[cfg(test)]
mod tests;
