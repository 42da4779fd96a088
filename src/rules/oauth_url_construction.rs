//! The `oauth-url-construction` rule kind: code that builds a provider's
//! OAuth authorize URL, in an app whose OAuth flows another service runs.

use crate::lang::tree::NodeExt;
use std::ops::Range;

use globset::GlobSet;
use serde::Deserialize;
use tree_sitter::Node;

use crate::config::build_globset;
use crate::facts::urls::{string_values, HostPath, StringValue};
use crate::lang::tree::{self, named_children, text, StrLit, SUBSTITUTION};
use crate::lang::{python, typescript, Family, ParsedFile};
use crate::roles::SkipRoles;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

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

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "owner",
        description: "\"gateway\" or \"app\": who runs OAuth flows",
    },
    OptionDoc {
        name: "allow",
        description: "globs over project paths and route paths of flows the app owns",
    },
    OptionDoc {
        name: "endpoints",
        description: "authorize endpoints: `host/path-prefix`, or a `/path` inside a URL",
    },
    OptionDoc {
        name: "functions",
        description: "names of functions and methods that build an authorize URL",
    },
    OptionDoc {
        name: "skip_roles",
        description:
            "file roles not read (test, fixture, docs, example, script, generated, vendored)",
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    owner: String,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    endpoints: Vec<String>,
    #[serde(default)]
    functions: Vec<String>,
    #[serde(default)]
    skip_roles: Vec<String>,
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
        let options: Options = parse_options(options)?;
        let enabled = match options.owner.as_str() {
            "gateway" => true,
            "app" => false,
            other => {
                return Err(OptionError::new(
                    "owner",
                    format!("owner must be \"gateway\" or \"app\", not \"{other}\""),
                ))
            }
        };
        let allow = build_globset(options.allow.iter().map(String::as_str))
            .map_err(|e| OptionError::new("allow", e))?;
        let mut endpoints = Vec::new();
        for entry in &options.endpoints {
            let entry = entry.trim();
            if let Some(path) = entry.strip_prefix('/') {
                let path = path.trim_end_matches('/');
                if path.len() < 3
                    || path
                        .bytes()
                        .any(|b| b.is_ascii_whitespace() || b"?#\"'`".contains(&b))
                {
                    return Err(OptionError::new(
                        "endpoints",
                        format!("`{entry}` is not an endpoint path (e.g. `/oauth/authorize`)"),
                    ));
                }
                endpoints.push(Endpoint::Path(format!("/{}", path.to_ascii_lowercase())));
            } else {
                let host = HostPath::parse(entry).map_err(|e| OptionError::new("endpoints", e))?;
                endpoints.push(Endpoint::Url(host));
            }
        }
        for name in &options.functions {
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
            if !valid {
                return Err(OptionError::new(
                    "functions",
                    format!("`{name}` is not a function name"),
                ));
            }
        }
        let skip_roles =
            SkipRoles::parse(&options.skip_roles).map_err(|e| OptionError::new("skip_roles", e))?;
        Ok(Box::new(OauthUrlCheck {
            enabled,
            allow,
            skip_roles,
            endpoints,
            functions: options.functions,
        }))
    }
}

enum Endpoint {
    Url(HostPath),
    /// Lower case, with a leading `/` and no trailing one.
    Path(String),
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

/// Path segments of OAuth endpoints that are not the authorize endpoint.
const NOT_AUTHORIZE: &[&str] = &[
    "token",
    "revoke",
    "tokeninfo",
    "introspect",
    "userinfo",
    "certs",
    "jwks",
    "logout",
    "device",
    "devicecode",
];

/// Keys that only an authorize request's parameters carry together with
/// `response_type`.
const AUTHORIZE_KEYS: &[&str] = &["client_id", "redirect_uri"];

/// Receivers of `.stringify(…)` that build query strings.
const QUERY_STRINGIFIERS: &[&str] = &["qs", "querystring", "queryString", "QueryString"];

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
            .filter(|v| !is_key_file_field(file.text(), v.lit.span.start))
            .filter_map(|v| self.literal_candidate(v))
            .collect();
        let family = file.language.family();
        let tree = match family {
            Family::Js | Family::Python => file.tree(),
            _ => None,
        };
        if let Some(tree) = tree {
            let src = file.text();
            let root = tree.root_node();
            if family == Family::Js {
                self.js_candidates(root, src, &mut candidates);
            } else {
                self.python_candidates(root, src, &mut candidates);
            }
            if !self.allow.is_empty() {
                candidates.retain(|c| !self.allowed_by_route(root, c, &values));
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

/// Whether the string at `start` is the value of an `auth_uri` field: the
/// Google service-account key-file format (beside `token_uri` and
/// `client_x509_cert_url`) records the authorize endpoint there. A key file,
/// its model or its test data describes a credential; it starts no flow.
fn is_key_file_field(src: &str, start: usize) -> bool {
    let from = crate::source::floor_char_boundary(src, start.saturating_sub(200));
    let before = crate::source::slice(src, from..crate::source::floor_char_boundary(src, start));
    // The field name sits on the value's line or the line before it
    // (`auth_uri: str = field(\n    default="https://…")`).
    let mut lines = before.rsplit('\n');
    let near = [lines.next(), lines.next()];
    near.into_iter().flatten().any(|line| {
        line.match_indices("auth_uri").any(|(i, m)| {
            let before_ok = !crate::source::slice(line, 0..i)
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            let after_ok = !crate::source::slice(line, i + m.len()..line.len())
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            before_ok && after_ok
        })
    })
}

impl OauthUrlCheck {
    /// A flow whose function (or, at the top level, whose own literal)
    /// names an allowed route, such as a redirect URI to
    /// `/api/oauth/twitch/callback`, is one the app owns.
    fn allowed_by_route(
        &self,
        root: Node<'_>,
        candidate: &Candidate,
        values: &[StringValue],
    ) -> bool {
        let scope = root
            .descendant_for_byte_range(candidate.span.start, candidate.span.end)
            .and_then(|n| tree::ancestor(n, FUNCTION_KINDS))
            .map_or(candidate.scope.clone(), |f| f.byte_range());
        values
            .iter()
            .filter(|v| scope.start <= v.lit.span.start && v.lit.span.end <= scope.end)
            .flat_map(|v| url_paths(&v.lit.value))
            .any(|path| self.allow.is_match(path.trim_start_matches('/')))
    }
}

/// Function-like nodes of both grammars, whose bodies hold one flow.
const FUNCTION_KINDS: &[&str] = &[
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
    "arrow_function",
    "function_expression",
    "function",
    "generator_function",
    "function_definition",
    "lambda",
];

/// The paths of the URLs in a string value, and the value itself when it
/// is an app-relative path (after an interpolated origin, if any).
fn url_paths(value: &str) -> Vec<&str> {
    let path_at = |start: usize| {
        let rest = crate::source::slice(value, start..);
        let len = rest
            .bytes()
            .take_while(|&b| !(ends_token(b) || b"?#".contains(&b) || b == SUBSTITUTION as u8))
            .count();
        crate::source::slice(rest, ..len)
    };
    let mut paths = Vec::new();
    let relative = value.trim_start_matches(SUBSTITUTION);
    if relative.starts_with('/') && !relative.starts_with("//") {
        paths.push(path_at(value.len() - relative.len()));
    }
    let mut from = 0;
    while let Some(found) = crate::source::slice(value, from..).find("://") {
        let host_start = from + found + 3;
        from = host_start;
        let host_len = crate::source::slice(value, host_start..)
            .bytes()
            .take_while(|&b| !(ends_token(b) || b"/?#".contains(&b)))
            .count();
        let path_start = host_start + host_len;
        if crate::source::slice(value, path_start..).starts_with('/') {
            paths.push(path_at(path_start));
        }
    }
    paths.retain(|p| p.len() > 1);
    paths
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

/// Whether a `response_type` value names OAuth response types.
fn is_oauth_response_type(value: &str) -> bool {
    let mut words = value
        .split(|c: char| c.is_whitespace() || c == '+')
        .flat_map(|w| w.split("%20"))
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some()
        && words.all(|w| {
            let w = w.to_ascii_lowercase();
            w == "code" || w == "token" || w == "id_token"
        })
}

/// Bytes that end a URL or query text inside a string.
fn ends_token(b: u8) -> bool {
    b.is_ascii_whitespace() || b"\"'`<>\\()".contains(&b)
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
        let mut best: Option<Range<usize>> = None;
        for endpoint in &self.endpoints {
            let found = match endpoint {
                Endpoint::Url(host) => host.find(value).and_then(|m| {
                    authorize_path(crate::source::slice(value, m.prefix_end..m.path_end))
                        .then_some(m.start..m.path_end)
                }),
                Endpoint::Path(path) => find_path_endpoint(value, path, lead),
            };
            if let Some(found) = found {
                if best.as_ref().is_none_or(|b| found.start < b.start) {
                    best = Some(found);
                }
            }
        }
        best.map(|range| {
            let shown = crate::source::slice(value, range.clone()).replace(SUBSTITUTION, "…");
            (range, shown)
        })
    }

    fn function_candidate(&self, call: Node<'_>, name: Node<'_>, src: &str) -> Option<Candidate> {
        let name_text = text(name, src);
        if !self.functions.iter().any(|f| f == name_text) {
            return None;
        }
        let span = name.byte_range();
        Some(Candidate {
            span: span.clone(),
            scope: call.byte_range(),
            report: report(
                span,
                format!("authorize URL built by `{name_text}(…)`"),
                "builds an authorize URL",
            ),
        })
    }

    fn js_candidates(&self, root: Node<'_>, src: &str, out: &mut Vec<Candidate>) {
        tree::walk(root, |node| {
            match node.kind_str() {
                "call_expression" => {
                    if let Some(call) = typescript::call(node) {
                        out.extend(self.function_candidate(node, call.name, src));
                        let setter = matches!(text(call.name, src), "set" | "append")
                            && call.receiver.is_some();
                        if setter {
                            if let [key, value] = call.args.as_slice() {
                                if js_static_string(*key, src).as_deref() == Some("response_type") {
                                    if let Some(value) = js_response_type(*value, src) {
                                        out.push(Candidate {
                                            span: node.byte_range(),
                                            scope: node.byte_range(),
                                            report: parameter_report(node.byte_range(), &value),
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
                "pair" => {
                    let is_key = node
                        .field("key")
                        .and_then(|k| typescript::property_key(k, src))
                        .is_some_and(|k| k == "response_type");
                    let value = node.field("value").and_then(|v| js_response_type(v, src));
                    if let (true, Some(value), Some(object)) = (is_key, value, node.parent()) {
                        if js_object_has_key(object, src) || js_builds_query(object, src) {
                            out.push(Candidate {
                                span: node.byte_range(),
                                scope: node.byte_range(),
                                report: parameter_report(node.byte_range(), &value),
                            });
                        }
                    }
                }
                "array" => {
                    let items: Vec<Node<'_>> = named_children(node)
                        .into_iter()
                        .filter(|n| n.kind_str() != "comment")
                        .collect();
                    if let [key, value] = items.as_slice() {
                        let in_builder = node
                            .parent()
                            .filter(|p| p.kind_str() == "array")
                            .is_some_and(|p| js_builds_query(p, src));
                        if in_builder
                            && js_static_string(*key, src).as_deref() == Some("response_type")
                        {
                            if let Some(value) = js_response_type(*value, src) {
                                out.push(Candidate {
                                    span: node.byte_range(),
                                    scope: node.byte_range(),
                                    report: parameter_report(node.byte_range(), &value),
                                });
                            }
                        }
                    }
                }
                "assignment_expression" => {
                    let key = node.field("left").and_then(|left| match left.kind_str() {
                        "subscript_expression" => {
                            left.field("index").and_then(|i| js_static_string(i, src))
                        }
                        "member_expression" => {
                            left.field("property").map(|p| text(p, src).to_string())
                        }
                        _ => None,
                    });
                    let value = node.field("right").and_then(|v| js_response_type(v, src));
                    if let (Some("response_type"), Some(value)) = (key.as_deref(), value) {
                        out.push(Candidate {
                            span: node.byte_range(),
                            scope: node.byte_range(),
                            report: parameter_report(node.byte_range(), &value),
                        });
                    }
                }
                _ => {}
            }
            node.kind_str() != "comment"
        });
    }

    fn python_candidates(&self, root: Node<'_>, src: &str, out: &mut Vec<Candidate>) {
        tree::walk(root, |node| {
            match node.kind_str() {
                "call" => {
                    if let Some(call) = python::call(node) {
                        out.extend(self.function_candidate(node, call.name, src));
                        let authorize_kwargs = call
                            .kwargs
                            .iter()
                            .any(|(k, _)| AUTHORIZE_KEYS.contains(&text(*k, src)));
                        let dict_for_query = text(call.name, src) == "dict"
                            && call.receiver.is_none()
                            && py_builds_query(node, src);
                        if authorize_kwargs || dict_for_query {
                            for (key, value) in &call.kwargs {
                                if text(*key, src) != "response_type" {
                                    continue;
                                }
                                if let Some(value) = py_response_type(*value, src) {
                                    let kwarg = key.start_byte()..value_end(*key);
                                    out.push(Candidate {
                                        span: kwarg.clone(),
                                        scope: kwarg.clone(),
                                        report: parameter_report(kwarg, &value),
                                    });
                                }
                            }
                        }
                    }
                }
                "pair" => {
                    let is_key = node
                        .field("key")
                        .and_then(|k| py_static_string(k, src))
                        .is_some_and(|k| k == "response_type");
                    let value = node.field("value").and_then(|v| py_response_type(v, src));
                    if let (true, Some(value), Some(dict)) = (is_key, value, node.parent()) {
                        if py_dict_has_key(dict, src) || py_builds_query(dict, src) {
                            out.push(Candidate {
                                span: node.byte_range(),
                                scope: node.byte_range(),
                                report: parameter_report(node.byte_range(), &value),
                            });
                        }
                    }
                }
                "tuple" => {
                    let items = named_children(node);
                    if let [key, value] = items.as_slice() {
                        let in_builder = node
                            .parent()
                            .filter(|p| p.kind_str() == "list" || p.kind_str() == "tuple")
                            .is_some_and(|p| py_builds_query(p, src));
                        if in_builder
                            && py_static_string(*key, src).as_deref() == Some("response_type")
                        {
                            if let Some(value) = py_response_type(*value, src) {
                                out.push(Candidate {
                                    span: node.byte_range(),
                                    scope: node.byte_range(),
                                    report: parameter_report(node.byte_range(), &value),
                                });
                            }
                        }
                    }
                }
                "assignment" => {
                    let key = node
                        .field("left")
                        .filter(|l| l.kind_str() == "subscript")
                        .and_then(|l| l.field("subscript"))
                        .and_then(|s| py_static_string(s, src));
                    let value = node.field("right").and_then(|v| py_response_type(v, src));
                    if let (Some("response_type"), Some(value)) = (key.as_deref(), value) {
                        out.push(Candidate {
                            span: node.byte_range(),
                            scope: node.byte_range(),
                            report: parameter_report(node.byte_range(), &value),
                        });
                    }
                }
                _ => {}
            }
            node.kind_str() != "comment"
        });
    }
}

/// End of a keyword argument's value, given its name node.
fn value_end(key: Node<'_>) -> usize {
    key.parent().map_or(key.end_byte(), |kw| kw.end_byte())
}

/// Whether the path after a matched endpoint prefix is still the authorize
/// endpoint (not `…/token`, `…/revoke`, a `…/callback` route, …).
fn authorize_path(rest: &str) -> bool {
    !rest.split('/').any(|segment| {
        let segment = segment.to_ascii_lowercase();
        NOT_AUTHORIZE.contains(&segment.as_str()) || segment.contains("callback")
    })
}

/// Words in the leading expression of a URL that say the URL is on the
/// app itself or on the gateway, not on a provider.
const OWN_BASES: &[&str] = &[
    "gateway",
    "origin",
    "appurl",
    "siteurl",
    "publicurl",
    "frontendurl",
];

/// A `/path` endpoint inside a URL in `value`: the URL's range, from its
/// start to the end of its path.
fn find_path_endpoint(value: &str, path: &str, lead: Option<&str>) -> Option<Range<usize>> {
    let lower = value.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(found) = crate::source::slice(&lower, from..).find(path) {
        let start = from + found;
        let end = start + path.len();
        from = start + 1;
        let boundary = bytes
            .get(end)
            .is_none_or(|&b| !(b.is_ascii_alphanumeric() || b"-_.%".contains(&b)));
        if !boundary {
            continue;
        }
        let token_start = crate::source::slice(&lower, ..start)
            .bytes()
            .rposition(ends_token)
            .map_or(0, |i| i + 1);
        let before = crate::source::slice(&lower, token_start..start);
        let url_start = match before.find("://") {
            Some(colon) => {
                // Back up from `://` over the scheme only.
                let scheme = crate::source::slice(before, ..colon)
                    .bytes()
                    .rev()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b))
                    .count();
                token_start + colon - scheme
            }
            None => token_start,
        };
        let prefix = crate::source::slice(&lower, url_start..start);
        let first_segment = prefix
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        let in_url = prefix.contains("://")
            || prefix.starts_with("//")
            || prefix.starts_with(SUBSTITUTION)
            || is_host_like(first_segment);
        if !in_url {
            continue;
        }
        // `${GATEWAY_URL}/oauth/authorize`, `${origin}/api/oauth/authorize`:
        // the gateway's flow, or a route of the app itself.
        let own_base = prefix.starts_with(SUBSTITUTION)
            && (prefix.split('/').any(|segment| segment == "api")
                || (url_start == 0
                    && lead.is_some_and(|l| {
                        let l = l.to_ascii_lowercase().replace(['_', '-'], "");
                        OWN_BASES.iter().any(|w| l.contains(w))
                    })));
        if prefix.contains("gateway") || own_base {
            continue;
        }
        let path_end = end
            + crate::source::slice(&lower, end..)
                .bytes()
                .take_while(|&b| {
                    !ends_token(b) && b != b'?' && b != b'#' && b != SUBSTITUTION as u8
                })
                .count();
        if !authorize_path(crate::source::slice(&lower, end..path_end)) {
            continue;
        }
        return Some(url_start..path_end);
    }
    None
}

/// `github.com`, `login.microsoftonline.com:443`: a host name.
fn is_host_like(segment: &str) -> bool {
    let host = segment.split(':').next().unwrap_or(segment);
    host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && host
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_alphabetic()) && tld.len() >= 2)
}

/// `response_type=<oauth type>` in a query string: the parameter's range
/// and its value.
fn find_response_type_param(value: &str) -> Option<(Range<usize>, String)> {
    let lower = value.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = crate::source::slice(&lower, from..).find("response_type=") {
        let start = from + found;
        from = start + 1;
        let boundary = start == 0
            || matches!(lower.as_bytes()[start - 1], b'?' | b'&' | b';')
            || lower.as_bytes()[start - 1] == SUBSTITUTION as u8;
        if !boundary {
            continue;
        }
        let value_start = start + "response_type=".len();
        let value_len = crate::source::slice(&lower, value_start..)
            .bytes()
            .take_while(|&b| {
                !(b"&#\"'`;,".contains(&b) || b.is_ascii_whitespace() || b == SUBSTITUTION as u8)
            })
            .count();
        let raw = crate::source::slice(value, value_start..value_start + value_len);
        if is_oauth_response_type(raw) {
            let shown = raw.replace("%20", " ").replace('+', " ");
            return Some((start..value_start + value_len, shown));
        }
    }
    None
}

fn js_static_string(node: Node<'_>, src: &str) -> Option<String> {
    typescript::string_literal(node, src)
        .filter(StrLit::is_static)
        .map(|l| l.value)
}

fn py_static_string(node: Node<'_>, src: &str) -> Option<String> {
    python::string_literal(node, src)
        .filter(StrLit::is_static)
        .map(|l| l.value)
}

fn js_response_type(node: Node<'_>, src: &str) -> Option<String> {
    js_static_string(typescript::unwrap_expression(node), src).filter(|v| is_oauth_response_type(v))
}

fn py_response_type(node: Node<'_>, src: &str) -> Option<String> {
    py_static_string(node, src).filter(|v| is_oauth_response_type(v))
}

/// Whether an object literal also carries `client_id` or `redirect_uri`.
fn js_object_has_key(object: Node<'_>, src: &str) -> bool {
    object.kind_str() == "object"
        && named_children(object).into_iter().any(|member| {
            let key = match member.kind_str() {
                "pair" => member
                    .field("key")
                    .and_then(|k| typescript::property_key(k, src))
                    .map(|k| k.into_owned()),
                "shorthand_property_identifier" => Some(text(member, src).to_string()),
                _ => None,
            };
            key.is_some_and(|k| AUTHORIZE_KEYS.contains(&k.as_str()))
        })
}

/// Whether an object or array is an argument of `new URLSearchParams(…)`
/// or of a query-string `stringify(…)`.
fn js_builds_query(node: Node<'_>, src: &str) -> bool {
    let Some(arguments) = node.parent().filter(|p| p.kind_str() == "arguments") else {
        return false;
    };
    let Some(call) = arguments.parent() else {
        return false;
    };
    match call.kind_str() {
        "new_expression" => call
            .field("constructor")
            .is_some_and(|c| text(c, src).ends_with("URLSearchParams")),
        "call_expression" => typescript::call(call).is_some_and(|c| {
            text(c.name, src) == "stringify"
                && c.receiver
                    .is_some_and(|r| QUERY_STRINGIFIERS.contains(&text(r, src)))
        }),
        _ => false,
    }
}

/// Whether a dict also carries `client_id` or `redirect_uri`.
fn py_dict_has_key(dict: Node<'_>, src: &str) -> bool {
    dict.kind_str() == "dictionary"
        && named_children(dict).into_iter().any(|pair| {
            pair.kind_str() == "pair"
                && pair
                    .field("key")
                    .and_then(|k| py_static_string(k, src))
                    .is_some_and(|k| AUTHORIZE_KEYS.contains(&k.as_str()))
        })
}

/// Whether a node is an argument of `urlencode(…)`.
fn py_builds_query(node: Node<'_>, src: &str) -> bool {
    node.parent()
        .filter(|p| p.kind_str() == "argument_list")
        .and_then(|args| args.parent())
        .and_then(python::call)
        .is_some_and(|c| text(c.name, src) == "urlencode")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints() -> OauthUrlCheck {
        OauthUrlCheck {
            enabled: true,
            allow: GlobSet::empty(),
            skip_roles: SkipRoles::default(),
            endpoints: vec![
                Endpoint::Url(HostPath::parse("accounts.google.com/o/oauth2").unwrap()),
                Endpoint::Path("/oauth/authorize".into()),
                Endpoint::Path("/oauth2/v2/auth".into()),
            ],
            functions: vec!["generateAuthUrl".into()],
        }
    }

    fn endpoint(value: &str) -> Option<String> {
        endpoints()
            .find_endpoint(value, None)
            .map(|(_, shown)| shown)
    }

    #[test]
    fn authorize_endpoints_in_urls() {
        assert_eq!(
            endpoint("https://accounts.google.com/o/oauth2/v2/auth?client_id=1").as_deref(),
            Some("https://accounts.google.com/o/oauth2/v2/auth")
        );
        assert_eq!(
            endpoint("https://github.com/login/oauth/authorize?scope=repo").as_deref(),
            Some("https://github.com/login/oauth/authorize")
        );
        assert_eq!(
            endpoint("github.com/login/oauth/authorize").as_deref(),
            Some("github.com/login/oauth/authorize")
        );
        assert_eq!(
            endpoint("\u{1a}/oauth/authorize?client_id=\u{1a}").as_deref(),
            Some("…/oauth/authorize")
        );
        assert_eq!(
            endpoint("Location: https://example.com/oauth2/v2/auth").as_deref(),
            Some("https://example.com/oauth2/v2/auth")
        );
        assert!(endpoint("https://accounts.google.com/o/oauth2/token").is_none());
        assert!(endpoint("https://accounts.google.com/o/oauth2/revoke?token=x").is_none());
        assert!(endpoint("https://oauth2.googleapis.com/token").is_none());
        assert!(endpoint("/oauth/authorize").is_none());
        assert!(endpoint("/api/integrations/oauth/authorize?provider=google").is_none());
        assert!(endpoint("https://app.example.com/oauth/authorized").is_none());
        assert!(endpoint("visit accounts.google.com/o/oauth2 to sign in").is_none());
        assert!(endpoint("https://gateway.example.dev/oauth/authorize").is_none());
        assert!(endpoints()
            .find_endpoint("\u{1a}/oauth/authorize", Some("process.env.GATEWAY_URL"))
            .is_none());
        assert!(endpoints()
            .find_endpoint("\u{1a}/oauth/authorize", Some("request.nextUrl.origin"))
            .is_none());
        assert!(endpoints()
            .find_endpoint("\u{1a}/api/integrations/oauth/authorize", Some("base"))
            .is_none());
        assert!(endpoints()
            .find_endpoint("\u{1a}/oauth/authorize", Some("config.NEXT_PUBLIC_APP_URL"))
            .is_none());
        assert_eq!(
            endpoints()
                .find_endpoint("\u{1a}/oauth/authorize", Some("PROVIDER_BASE"))
                .map(|(_, shown)| shown)
                .as_deref(),
            Some("…/oauth/authorize")
        );
        assert!(endpoint("https://app.example.com/oauth/authorize/callback").is_none());
    }

    #[test]
    fn paths_of_urls() {
        assert_eq!(
            url_paths("\u{1a}/api/oauth/twitch/callback?x=1"),
            vec!["/api/oauth/twitch/callback"]
        );
        assert_eq!(
            url_paths("redirect to https://app.dev/oauth/twitch/callback and http://x.dev"),
            vec!["/oauth/twitch/callback"]
        );
        assert!(url_paths("twitch").is_empty());
        assert!(url_paths("/").is_empty());
    }

    #[test]
    fn response_type_parameters() {
        let found =
            |v: &str| find_response_type_param(v).map(|(r, shown)| (v[r].to_string(), shown));
        assert_eq!(
            found("?client_id=1&response_type=code&scope=x"),
            Some(("response_type=code".into(), "code".into()))
        );
        assert_eq!(
            found("response_type=code%20id_token"),
            Some((
                "response_type=code%20id_token".into(),
                "code id_token".into()
            ))
        );
        assert_eq!(
            found("&response_type=token"),
            Some(("response_type=token".into(), "token".into()))
        );
        assert!(found("?response_type=json").is_none());
        assert!(found("?response_type=\u{1a}").is_none());
        assert!(found("the response_type=code parameter").is_none());
        assert!(found("response_type=code").is_some());
        assert!(found("x_response_type=code").is_none());
        assert!(is_oauth_response_type("code id_token"));
        assert!(!is_oauth_response_type(""));
        assert!(!is_oauth_response_type("codes"));
    }

    fn flagged(path: &str, text: &str) -> Vec<String> {
        crate::rules::lint_with_only("app-oauth-url-generation", &[(path, text)])
            .iter()
            .map(|f| text[f.span.clone()].to_string())
            .collect()
    }

    #[test]
    fn nested_constructions_are_one_finding() {
        let src = "const u = `https://accounts.google.com/o/oauth2/v2/auth?${new URLSearchParams({ response_type: 'code', client_id: id })}`;\n\
                   const p = new URLSearchParams({ response_type: 'code', scope });\n\
                   const a = oauth2Client.generateAuthUrl({ response_type: 'code', redirect_uri: r });\n";
        assert_eq!(
            flagged("a.ts", src),
            vec![
                "https://accounts.google.com/o/oauth2/v2/auth",
                "response_type: 'code'",
                "generateAuthUrl",
            ]
        );
    }

    #[test]
    fn js_parameter_forms() {
        let src = "params.set('response_type', 'code');\n\
                   url.searchParams.append(\"response_type\", 'token');\n\
                   query['response_type'] = 'code';\n\
                   const q = qs.stringify({ response_type: 'code' });\n\
                   const s = new URLSearchParams([['response_type', 'code'], ['scope', s]]);\n\
                   const o = { client_id, response_type: 'code' };\n\
                   const n = { prompt: 'consent', access_type: 'offline', response_type: 'code' };\n\
                   const j = new URLSearchParams({ response_type: 'json' });\n\
                   headers.set('response_type', type);\n\
                   if (params.get('response_type') !== 'code') throw new Error('x');\n";
        assert_eq!(
            flagged("a.ts", src),
            vec![
                "params.set('response_type', 'code')",
                "url.searchParams.append(\"response_type\", 'token')",
                "query['response_type'] = 'code'",
                "response_type: 'code'",
                "['response_type', 'code']",
                "response_type: 'code'",
            ]
        );
    }

    #[test]
    fn python_parameter_forms() {
        let src = "q = urlencode({\"response_type\": \"code\", \"scope\": s})\n\
                   p = {\"client_id\": cid, \"response_type\": \"code\"}\n\
                   params[\"response_type\"] = \"code\"\n\
                   u = urlencode([(\"response_type\", \"code\")])\n\
                   d = urlencode(dict(response_type=\"code\", scope=s))\n\
                   r = build_request(client_id=cid, response_type=\"code\")\n\
                   x, state = flow.authorization_url(access_type=\"offline\")\n\
                   n = {\"response_type\": \"code\", \"prompt\": \"consent\"}\n\
                   \"\"\"Docs: https://accounts.google.com/o/oauth2/v2/auth?response_type=code\"\"\"\n";
        assert_eq!(
            flagged("a.py", src),
            vec![
                "\"response_type\": \"code\"",
                "\"response_type\": \"code\"",
                "params[\"response_type\"] = \"code\"",
                "(\"response_type\", \"code\")",
                "response_type=\"code\"",
                "response_type=\"code\"",
                "authorization_url",
            ]
        );
    }

    #[test]
    fn options_are_validated() {
        use crate::rules::Kind;
        let compile = |text: &str| OauthUrlConstruction.compile(&toml::from_str(text).unwrap());
        let option = |text: &str| compile(text).err().unwrap().option;
        assert_eq!(option("owner = 'both'").as_deref(), Some("owner"));
        assert_eq!(
            option("owner = 'gateway'\nendpoints = ['/a b']").as_deref(),
            Some("endpoints")
        );
        assert_eq!(
            option("owner = 'gateway'\nendpoints = ['not a host/x']").as_deref(),
            Some("endpoints")
        );
        assert_eq!(
            option("owner = 'gateway'\nfunctions = ['a.b']").as_deref(),
            Some("functions")
        );
        assert_eq!(
            option("owner = 'gateway'\nallow = ['[']").as_deref(),
            Some("allow")
        );
        let check = compile(
            "owner = 'app'\nendpoints = ['id.twitch.tv/oauth2/authorize', '/oauth2/authorize/']",
        )
        .ok()
        .unwrap();
        assert_eq!(
            check.literals(),
            vec!["id.twitch.tv", "/oauth2/authorize", "response_type"]
        );
    }
}
