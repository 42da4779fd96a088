//! The `forbidden-dependency` rule kind: code that reaches a destination
//! directly, by URL or by importing its SDK, when another component owns it.

use crate::lang::tree::NodeExt;
use std::ops::Range;

use globset::GlobSet;
use serde::Deserialize;
use tree_sitter::Node;

use crate::config::build_globset;
use crate::facts::urls::{js_dynamic_import, string_values, HostPath, StringValue, UrlMatch};
use crate::lang::tree::{self, named_children, text, StrLit};
use crate::lang::{python, typescript, Family, ParsedFile};
use crate::roles::SkipRoles;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags code that talks to a destination directly instead of through
    /// the component that owns it, in two forms:
    ///
    /// - **a URL to an owned host** in a string or template literal of
    ///   TypeScript/JavaScript, Python or Rust, including constant
    ///   concatenations (`'https://www.googleapis.com' + '/drive/v3/files'`)
    ///   and a literal that starts with a same-file string constant
    ///   (`` `${GOOGLE_API}/drive/v3/files` `` where `GOOGLE_API` is
    ///   `'https://www.googleapis.com'`). An entry of `hosts` is a host,
    ///   optionally followed by a path prefix: the URL's host must equal it
    ///   (ignoring case) and its path must start with the prefix at a segment
    ///   boundary, so `www.googleapis.com/drive` matches
    ///   `https://www.googleapis.com/drive/v3/files` and the media endpoint
    ///   `https://www.googleapis.com/upload/drive/v3/files` (a leading `upload`
    ///   or `batch` segment is skipped), but not `…/driveway` or
    ///   `https://www.googleapis.com/auth/drive` (an OAuth scope name). A host
    ///   counts when it follows `scheme://` or `//`, or when it starts the
    ///   string (`'gmail.googleapis.com'`, `'googleads.googleapis.com:443'`,
    ///   `'gmail.googleapis.com/gmail/v1'`); a host merely named in prose
    ///   (`"calling gmail.googleapis.com failed"`) is not a call.
    /// - **an import of an owned SDK**: `import … from 'm'`, `import 'm'`,
    ///   `export … from 'm'`, `import x = require('m')`, `require('m')` and
    ///   `import('m')` in TypeScript/JavaScript; `import m`, `import m.sub as
    ///   s`, `from m.sub import x`, `importlib.import_module("m")` in Python.
    ///   A module matches itself and its subpaths (`googleapis/build/src/apis/gmail`,
    ///   `googleapiclient.discovery`); an npm module also matches the npm
    ///   scope of the same name (`googleapis` matches `@googleapis/gmail`,
    ///   the per-API packages of the same SDK). Type-only imports (`import
    ///   type …`, imports whose every name is `type`, `export type … from`,
    ///   `typeof import('m')`, Python imports under `if TYPE_CHECKING:`) load
    ///   nothing at run time and are not flagged.
    /// - **a client of an owned service**, where the SDK is shared and the
    ///   service is an argument or a class: an entry of `clients` is a
    ///   callee, optionally with the first argument's string
    ///   (`boto3.client("s3")`, `boto3.resource("s3")`, `new S3Client`).
    ///   The callee is matched as qualified through the file's imports
    ///   (`from boto3 import client` then `client("s3")`; `import { S3Client
    ///   as S3 } from '@aws-sdk/client-s3'` then `new S3()`), on whole
    ///   dotted segments from the end, so `boto3.client("sqs")` or
    ///   `this.client("s3")` do not match `boto3.client("s3")`.
    ///
    /// Comments, Python docstrings, JS directives, mocks such as
    /// `jest.mock('m')` and config files (`package.json` dependencies,
    /// `.env` values) are not read: the import or the call in code is what
    /// bypasses the owner. Files matching `allow` (the owner's own source)
    /// are skipped. One finding per literal or import statement.
    ///
    /// ## Why is this bad?
    /// When a gateway owns a provider's API, it holds the credentials, the
    /// retry and rate-limit policy and the audit trail. A direct call needs
    /// its own credentials in the app and silently forks all of that.
    ///
    /// ## Example
    /// ```ts
    /// import { google } from 'googleapis';
    ///
    /// const res = await fetch('https://gmail.googleapis.com/gmail/v1/users/me/messages', {
    ///   headers: { authorization: `Bearer ${accessToken}` },
    /// });
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// const res = await fetch(`${GATEWAY_URL}/orgs/${orgId}/gmail/messages`);
    /// ```
    ///
    /// ## Options
    /// - `hosts`: owned hosts, each optionally with a path prefix
    ///   (`gmail.googleapis.com`, `www.googleapis.com/drive`).
    /// - `modules`: owned SDK modules (npm package names or Python dotted
    ///   module names); subpaths and submodules match too.
    /// - `clients`: owned service clients, a callee with an optional first
    ///   string argument (`boto3.client("s3")`, `new S3Client`).
    /// - `allow`: gitignore-style globs over project paths where direct
    ///   calls are legitimate, such as the gateway's own source.
    /// - `gateway_url`: the owner's URL, available to the message and help
    ///   as `{gateway_url}`.
    /// - `skip_roles`: file roles the rule does not read (`test`, `fixture`,
    ///   `docs`, `example`, `script`, `generated`, `vendored`), from path
    ///   conventions (`tests/`, `*.test.*`, `conftest.py`, `docs/`, …).
    pub struct ForbiddenDependency;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "hosts",
        description: "owned hosts, each optionally followed by a path prefix",
    },
    OptionDoc {
        name: "modules",
        description: "owned SDK modules (npm packages or Python modules), subpaths included",
    },
    OptionDoc {
        name: "clients",
        description: "owned service clients: a callee with an optional first string argument, e.g. `boto3.client(\"s3\")`, `new S3Client`",
    },
    OptionDoc {
        name: "allow",
        description: "globs over project paths where direct use is legitimate",
    },
    OptionDoc {
        name: "gateway_url",
        description: "the owner's URL, for the message and help as {gateway_url}",
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
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    modules: Vec<String>,
    #[serde(default)]
    clients: Vec<String>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    gateway_url: String,
    #[serde(default)]
    skip_roles: Vec<String>,
}

impl Kind for ForbiddenDependency {
    fn id(&self) -> &'static str {
        "forbidden-dependency"
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
        let hosts = options
            .hosts
            .iter()
            .map(|h| HostPath::parse(h).map_err(|e| OptionError::new("hosts", e)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut modules = Vec::new();
        for module in &options.modules {
            let module = module.trim();
            let valid = !module.is_empty()
                && !module.ends_with(['/', '.'])
                && module
                    .chars()
                    .all(|c| c.is_alphanumeric() || "@/._-".contains(c));
            if !valid {
                return Err(OptionError::new(
                    "modules",
                    format!("`{module}` is not a module name (an npm package such as `googleapis` or a Python module such as `googleapiclient`)"),
                ));
            }
            modules.push(module.to_string());
        }
        let clients = options
            .clients
            .iter()
            .map(|c| ClientEntry::parse(c).map_err(|e| OptionError::new("clients", e)))
            .collect::<Result<Vec<_>, _>>()?;
        if hosts.is_empty() && modules.is_empty() && clients.is_empty() {
            return Err(OptionError::new(
                "hosts",
                "name at least one owned host (`hosts`), SDK module (`modules`) or client (`clients`)",
            ));
        }
        let allow = build_globset(options.allow.iter().map(String::as_str))
            .map_err(|e| OptionError::new("allow", e))?;
        let skip_roles =
            SkipRoles::parse(&options.skip_roles).map_err(|e| OptionError::new("skip_roles", e))?;
        Ok(Box::new(DependencyCheck {
            hosts,
            modules,
            clients,
            allow,
            skip_roles,
            gateway_url: options.gateway_url.trim_end_matches('/').to_string(),
        }))
    }
}

struct DependencyCheck {
    hosts: Vec<HostPath>,
    modules: Vec<String>,
    clients: Vec<ClientEntry>,
    allow: GlobSet,
    /// Tests mock the SDK and hold provider URLs as fixture data.
    skip_roles: SkipRoles,
    gateway_url: String,
}

impl Check for DependencyCheck {
    fn literals(&self) -> Vec<String> {
        let mut literals: Vec<String> = self.hosts.iter().map(|h| h.host().to_string()).collect();
        literals.extend(self.modules.iter().cloned());
        literals.extend(self.clients.iter().map(|c| c.last_segment().to_string()));
        literals
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        if (!self.allow.is_empty() && self.allow.is_match(file.path()))
            || self.skip_roles.skips(file.path())
        {
            return;
        }
        match file.language.family() {
            Family::Js => self.check_js_imports(file, out),
            Family::Python => self.check_python_imports(file, out),
            _ => {}
        }
        if !self.hosts.is_empty() {
            for value in string_values(file) {
                self.check_value(&value, out);
            }
        }
        if !self.clients.is_empty() {
            for call in crate::facts::calls::calls(file) {
                if let Some(entry) = self.clients.iter().find(|c| c.matches(&call)) {
                    out.report(
                        Report::at(call.span)
                            .var("form", "client of")
                            .var("dependency", entry.written.clone())
                            .var("gateway_url", self.gateway_url.clone())
                            .label("owned service client"),
                    );
                }
            }
        }
    }
}

/// An entry of `clients`: `boto3.client("s3")`, `new S3Client`.
struct ClientEntry {
    written: String,
    /// Dotted callee segments.
    callee: Vec<String>,
    argument: Option<String>,
}

impl ClientEntry {
    fn parse(entry: &str) -> Result<ClientEntry, String> {
        let written = entry.trim();
        let body = written.strip_prefix("new ").unwrap_or(written).trim();
        let (callee, argument) = match body.split_once('(') {
            Some((callee, rest)) => {
                let inner = rest
                    .strip_suffix(')')
                    .ok_or_else(|| format!("`{written}`: close the argument with `)`"))?
                    .trim();
                let unquoted = inner
                    .strip_prefix('"')
                    .and_then(|i| i.strip_suffix('"'))
                    .or_else(|| inner.strip_prefix('\'').and_then(|i| i.strip_suffix('\'')))
                    .ok_or_else(|| {
                        format!("`{written}`: the argument must be one quoted string, as in `boto3.client(\"s3\")`")
                    })?;
                (callee.trim(), Some(unquoted.to_string()))
            }
            None => (body, None),
        };
        let segments: Vec<String> = callee.split('.').map(str::to_string).collect();
        let valid = segments.iter().all(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_alphanumeric() || "_$@/-".contains(c))
        });
        if !valid {
            return Err(format!(
                "`{written}` is not a callee (a dotted name such as `boto3.client` or `S3Client`)"
            ));
        }
        Ok(ClientEntry {
            written: written.to_string(),
            callee: segments,
            argument,
        })
    }

    fn last_segment(&self) -> &str {
        self.callee.last().map_or("", String::as_str)
    }

    /// Whether the entry's segments end the call's qualified (or written)
    /// callee, and its argument (if any) is the call's first string.
    fn matches(&self, call: &crate::facts::calls::Call) -> bool {
        let ends = |name: &str| {
            let segments: Vec<&str> = name.split('.').collect();
            segments.len() >= self.callee.len()
                && segments[segments.len() - self.callee.len()..]
                    .iter()
                    .zip(&self.callee)
                    .all(|(a, b)| a == b)
        };
        let named = if self.callee.len() == 1 {
            ends(&call.qualified) || ends(&call.callee)
        } else {
            // `boto3.client` must be boto3's, not any `.client`.
            call.qualified == self.callee.join(".") || call.callee == self.callee.join(".")
        };
        named
            && self.argument.as_ref().is_none_or(|wanted| {
                call.first_string
                    .as_deref()
                    .is_some_and(|got| got.eq_ignore_ascii_case(wanted))
            })
    }
}

impl DependencyCheck {
    fn host_report(&self, span: Range<usize>, entry: &HostPath) -> Report {
        Report::at(span)
            .var("form", "direct call to")
            .var("dependency", entry.written.clone())
            .var("gateway_url", self.gateway_url.clone())
            .label("owned provider API")
    }

    fn module_report(&self, span: Range<usize>, module: &str) -> Report {
        Report::at(span)
            .var("form", "import of")
            .var("dependency", module.to_string())
            .var("gateway_url", self.gateway_url.clone())
            .label("owned provider SDK")
    }

    /// The earliest owned URL in `value`, with the entry it matched.
    fn find_host(&self, value: &str) -> Option<(UrlMatch, &HostPath)> {
        self.hosts
            .iter()
            .filter_map(|h| h.find(value).map(|m| (m, h)))
            .min_by_key(|(m, _)| m.start)
    }

    fn check_value(&self, value: &StringValue, out: &mut Reporter<'_>) {
        if let Some((m, entry)) = self.find_host(&value.lit.value) {
            let span = value.file_span(m.start..m.prefix_end);
            out.report(self.host_report(span, entry));
            return;
        }
        // `${BASE}/drive/v3/files`: read with the constant spelled out, unless
        // the constant alone is an owned URL (reported where it is defined).
        if let Some(head) = &value.head {
            if self.find_host(&head.value).is_none() {
                if let Some((m, entry)) = value.with_head().and_then(|whole| self.find_host(&whole))
                {
                    let span = value.file_span(value.head_range(m.start..m.prefix_end));
                    let report = self
                        .host_report(span, entry)
                        .secondary(head.span.clone(), "host defined here");
                    out.report(report);
                }
            }
        }
    }

    /// The `modules` entry a JS import specifier loads, if any.
    fn js_module(&self, specifier: &str) -> Option<&str> {
        self.modules.iter().map(String::as_str).find(|m| {
            let scoped = !m.starts_with('@')
                && specifier
                    .strip_prefix('@')
                    .and_then(|s| s.strip_prefix(*m))
                    .is_some_and(|rest| rest.starts_with('/'));
            specifier == *m
                || specifier
                    .strip_prefix(*m)
                    .is_some_and(|rest| rest.starts_with('/'))
                || scoped
        })
    }

    /// The `modules` entry a dotted Python module belongs to, if any.
    fn python_module(&self, dotted: &str) -> Option<&str> {
        self.modules.iter().map(String::as_str).find(|m| {
            dotted == *m
                || dotted
                    .strip_prefix(*m)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }

    /// Reports the first import of each owned module in a JS file: more
    /// imports of the same SDK are the same dependency.
    fn check_js_imports(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let mut seen = Vec::new();
        if self.modules.is_empty() {
            return;
        }
        let Some(tree) = file.tree() else { return };
        let src = file.text();
        tree::walk(tree.root_node(), |node| {
            let source = match node.kind_str() {
                "import_statement" => {
                    if js_import_is_type_only(node) {
                        return false;
                    }
                    node.field("source").or_else(|| {
                        named_children(node)
                            .into_iter()
                            .find(|c| c.kind_str() == "import_require_clause")
                            .and_then(|c| c.field("source"))
                    })
                }
                "export_statement" => {
                    if has_token(node, "type") {
                        return false;
                    }
                    node.field("source")
                }
                "call_expression" => js_dynamic_import(node, src).filter(|_| !in_type(node)),
                _ => None,
            };
            if let Some(source) = source {
                if let Some(lit) = typescript::string_literal(source, src).filter(StrLit::is_static)
                {
                    if let Some(entry) = self.js_module(&lit.value) {
                        if first_use(&mut seen, entry) {
                            let span = lit.file_span(0..lit.value.len());
                            out.report(self.module_report(span, &lit.value));
                        }
                    }
                }
            }
            true
        });
    }

    /// Reports the first import of each owned module in a Python file
    /// (`import googleapiclient`, then `from googleapiclient import errors`
    /// is one dependency).
    fn check_python_imports(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let mut seen = Vec::new();
        if self.modules.is_empty() {
            return;
        }
        let Some(tree) = file.tree() else { return };
        let src = file.text();
        tree::walk(tree.root_node(), |node| {
            let names: Vec<Node<'_>> = match node.kind_str() {
                "import_statement" => {
                    let mut cursor = node.walk();
                    node.children_by_field_name("name", &mut cursor)
                        .map(|n| {
                            if n.kind_str() == "aliased_import" {
                                n.field("name").unwrap_or(n)
                            } else {
                                n
                            }
                        })
                        .collect()
                }
                "import_from_statement" => node
                    .field("module_name")
                    .filter(|m| m.kind_str() == "dotted_name")
                    .into_iter()
                    .collect(),
                "call" => {
                    if let Some(lit) = python_dynamic_import(node, src) {
                        let module = lit.value.trim();
                        if let Some(entry) = self.python_module(module) {
                            if first_use(&mut seen, entry) {
                                out.report(
                                    self.module_report(lit.file_span(0..lit.value.len()), module),
                                );
                            }
                        }
                    }
                    return true;
                }
                _ => return true,
            };
            if python_type_checking_only(node, src) {
                return false;
            }
            let owned = names.into_iter().find_map(|n| {
                let dotted: String = text(n, src).split_whitespace().collect();
                self.python_module(&dotted).map(|entry| (n, dotted, entry))
            });
            if let Some((name, dotted, entry)) = owned {
                if first_use(&mut seen, entry) {
                    out.report(self.module_report(name.byte_range(), &dotted));
                }
            }
            false
        });
    }
}

/// Records `entry` as reported; true the first time.
fn first_use<'a>(seen: &mut Vec<&'a str>, entry: &'a str) -> bool {
    if seen.contains(&entry) {
        return false;
    }
    seen.push(entry);
    true
}

/// Whether an anonymous token (`type`, `typeof`) is a direct child of `node`.
fn has_token(node: Node<'_>, token: &str) -> bool {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .any(|c| !c.is_named() && c.kind_str() == token);
    found
}

/// `import type …`, `import typeof …`, or named imports that are all `type`.
fn js_import_is_type_only(node: Node<'_>) -> bool {
    if has_token(node, "type") || has_token(node, "typeof") {
        return true;
    }
    let Some(clause) = named_children(node)
        .into_iter()
        .find(|c| c.kind_str() == "import_clause")
    else {
        return false;
    };
    let parts = named_children(clause);
    let [named] = parts.as_slice() else {
        // A default or namespace import loads the module.
        return false;
    };
    named.kind_str() == "named_imports" && {
        let specifiers: Vec<Node<'_>> = named_children(*named)
            .into_iter()
            .filter(|s| s.kind_str() == "import_specifier")
            .collect();
        !specifiers.is_empty()
            && specifiers
                .iter()
                .all(|s| has_token(*s, "type") || has_token(*s, "typeof"))
    }
}

/// Whether a node sits in a type position (`typeof import('m')`).
fn in_type(node: Node<'_>) -> bool {
    tree::ancestor(
        node,
        &[
            "type_query",
            "type_annotation",
            "type_alias_declaration",
            "type_arguments",
            "interface_declaration",
        ],
    )
    .is_some()
}

/// `importlib.import_module("m")` and `__import__("m")`.
fn python_dynamic_import(node: Node<'_>, src: &str) -> Option<StrLit> {
    let call = python::call(node)?;
    let name = text(call.name, src);
    if name != "import_module" && name != "__import__" {
        return None;
    }
    let first = call.args.first()?;
    python::string_literal(*first, src).filter(StrLit::is_static)
}

/// An import inside `if TYPE_CHECKING:` runs only under a type checker.
fn python_type_checking_only(node: Node<'_>, src: &str) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if parent.kind_str() == "if_statement"
            && parent
                .field("consequence")
                .is_some_and(|c| c.id() == current.id())
            && parent
                .field("condition")
                .is_some_and(|c| text(c, src).trim().ends_with("TYPE_CHECKING"))
        {
            return true;
        }
        current = parent;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(e: &str) -> HostPath {
        HostPath::parse(e).unwrap()
    }

    fn matched<'v>(e: &str, value: &'v str) -> Option<&'v str> {
        entry(e).find(value).map(|m| &value[m.start..m.prefix_end])
    }

    #[test]
    fn host_entries_parse_and_validate() {
        let e = entry("www.googleapis.com/drive/");
        assert_eq!(
            (e.host.as_str(), e.path.as_str()),
            ("www.googleapis.com", "/drive")
        );
        let e = entry("https://Gmail.GoogleAPIs.com");
        assert_eq!(
            (e.host.as_str(), e.path.as_str()),
            ("gmail.googleapis.com", "")
        );
        assert!(HostPath::parse("gmail").is_err());
        assert!(HostPath::parse("").is_err());
        assert!(HostPath::parse("a b.com").is_err());
        assert!(HostPath::parse(".googleapis.com").is_err());
    }

    #[test]
    fn hosts_match_urls_at_boundaries() {
        let gmail = "gmail.googleapis.com";
        assert_eq!(
            matched(
                gmail,
                "https://gmail.googleapis.com/gmail/v1/users/me/messages"
            ),
            Some("https://gmail.googleapis.com")
        );
        assert_eq!(
            matched(gmail, "HTTPS://GMAIL.googleapis.com"),
            Some("HTTPS://GMAIL.googleapis.com")
        );
        assert_eq!(
            matched(gmail, "gmail.googleapis.com"),
            Some("gmail.googleapis.com")
        );
        assert_eq!(
            matched(gmail, "gmail.googleapis.com/gmail/v1"),
            Some("gmail.googleapis.com")
        );
        assert_eq!(
            matched("googleads.googleapis.com", "googleads.googleapis.com:443"),
            Some("googleads.googleapis.com:443")
        );
        assert_eq!(
            matched(gmail, "//gmail.googleapis.com/x"),
            Some("//gmail.googleapis.com")
        );
        assert_eq!(
            matched(gmail, "GET https://gmail.googleapis.com/x failed"),
            Some("https://gmail.googleapis.com")
        );
        assert_eq!(
            matched(gmail, "https://gmail.googleapis.com\u{1a}"),
            Some("https://gmail.googleapis.com")
        );
        assert!(matched(gmail, "calling gmail.googleapis.com now").is_none());
        assert!(matched(gmail, "gmail.googleapis.com is down").is_none());
        assert!(matched(gmail, "https://gmail.googleapis.com.evil.dev/x").is_none());
        assert!(matched(gmail, "https://xgmail.googleapis.com/x").is_none());
        assert!(matched(gmail, "https://gmail.googleapis.community").is_none());
        assert!(matched(gmail, "see docs/gmail.googleapis.com").is_none());
    }

    #[test]
    fn path_prefixes_match_whole_segments() {
        let drive = "www.googleapis.com/drive";
        assert_eq!(
            matched(drive, "https://www.googleapis.com/drive/v3/files"),
            Some("https://www.googleapis.com/drive")
        );
        assert_eq!(
            matched(drive, "https://www.googleapis.com/drive?x=1"),
            Some("https://www.googleapis.com/drive")
        );
        assert_eq!(
            matched(drive, "https://www.googleapis.com/upload/drive/v3/files"),
            Some("https://www.googleapis.com/upload/drive")
        );
        assert_eq!(
            matched(drive, "www.googleapis.com/drive/v3"),
            Some("www.googleapis.com/drive")
        );
        assert!(matched(drive, "https://www.googleapis.com/driveway").is_none());
        assert!(matched(drive, "https://www.googleapis.com/oauth2/v3/userinfo").is_none());
        assert!(matched(drive, "https://www.googleapis.com/auth/drive.file").is_none());
        assert!(matched(drive, "https://www.googleapis.com/\u{1a}/drive").is_none());
        assert!(matched(drive, "https://www.googleapis.com").is_none());
    }

    #[test]
    fn path_end_stops_at_query_and_substitution() {
        let e = entry("accounts.google.com/o/oauth2");
        let v = "https://accounts.google.com/o/oauth2/v2/auth?client_id=1";
        let m = e.find(v).unwrap();
        assert_eq!(
            &v[m.start..m.path_end],
            "https://accounts.google.com/o/oauth2/v2/auth"
        );
        let v = "see https://accounts.google.com/o/oauth2/auth.";
        let m = e.find(v).unwrap();
        assert_eq!(
            &v[m.start..m.path_end],
            "https://accounts.google.com/o/oauth2/auth"
        );
    }

    fn flagged(path: &str, text: &str) -> Vec<String> {
        crate::rules::lint_with_only("provider-call-bypasses-gateway", &[(path, text)])
            .iter()
            .map(|f| text[f.span.clone()].to_string())
            .collect()
    }

    /// Each line linted as a file of its own: one import form per file.
    fn flagged_per_line(path: &str, text: &str) -> Vec<String> {
        text.lines().flat_map(|line| flagged(path, line)).collect()
    }

    #[test]
    fn one_finding_per_dependency_per_file() {
        let py = "import googleapiclient\n\
                  from googleapiclient import discovery\n\
                  from googleapiclient.errors import HttpError\n";
        assert_eq!(flagged("worker.py", py), vec!["googleapiclient"]);
        let ts = "import { google } from 'googleapis';\n\
                  import { drive_v3 } from 'googleapis/build/src/apis/drive';\n\
                  import { OAuth2Client } from 'google-auth-library';\n";
        assert_eq!(
            flagged("a.ts", ts),
            vec!["googleapis", "google-auth-library"]
        );
    }

    #[test]
    fn tests_and_docs_examples_are_not_read() {
        let src = "import { google } from 'googleapis';\n";
        assert!(flagged("src/__tests__/sheets.test.ts", src).is_empty());
        assert!(flagged("docs/examples/sheets.ts", src).is_empty());
        assert_eq!(flagged("src/sheets.ts", src), vec!["googleapis"]);
    }

    #[test]
    fn js_imports() {
        let src = "import { google } from 'googleapis';\n\
                   import 'googleapis/build/src/apis/drive';\n\
                   import * as gal from \"google-auth-library\";\n\
                   import drive from '@googleapis/drive';\n\
                   export * from 'googleapis';\n\
                   const { google: g } = require(`googleapis`);\n\
                   const m = await import('googleapis');\n\
                   import type { gmail_v1 } from 'googleapis';\n\
                   import { type drive_v3 } from 'googleapis';\n\
                   import typeof T from 'googleapis';\n\
                   export type { calendar_v3 } from 'googleapis';\n\
                   let t: typeof import('googleapis');\n\
                   import x from 'googleapis-common';\n\
                   import y from '@google-cloud/storage';\n\
                   import z from './googleapis';\n\
                   jest.mock('googleapis');\n\
                   declare module 'googleapis' {}\n";
        assert_eq!(
            flagged_per_line("a.ts", src),
            vec![
                "googleapis",
                "googleapis/build/src/apis/drive",
                "google-auth-library",
                "@googleapis/drive",
                "googleapis",
                "googleapis",
                "googleapis",
            ]
        );
    }

    #[test]
    fn python_imports() {
        let src = "import googleapiclient\n\
                   import os, googleapiclient.discovery as d\n\
                   from googleapiclient.http import MediaFileUpload\n\
                   mod = importlib.import_module(\"googleapiclient.discovery\")\n\
                   from google.oauth2 import credentials\n\
                   from .googleapiclient import build\n\
                   import googleapiclient_stub\n";
        assert_eq!(
            flagged_per_line("a.py", src),
            vec![
                "googleapiclient",
                "googleapiclient.discovery",
                "googleapiclient.http",
                "googleapiclient.discovery",
            ]
        );
        let typing_only =
            "if typing.TYPE_CHECKING:\n    from googleapiclient.discovery import Resource\n\
                           else:\n    from googleapiclient.discovery import build\n";
        assert_eq!(
            flagged("a.py", typing_only),
            vec!["googleapiclient.discovery"]
        );
    }

    #[test]
    fn literals_in_code_only() {
        let src = "'use server';\n\
                   // fetch('https://gmail.googleapis.com/x')\n\
                   const a = 'https://gmail.googleapis.com/gmail/v1/users/me/profile';\n\
                   const b = 'https://www.googleapis.com' + '/drive/v3/files';\n\
                   const c = `https://www.googleapis.com/${api}/v3`;\n\
                   const d = 'https://www.googleapis.com/auth/drive';\n\
                   const e = 'calling gmail.googleapis.com directly is forbidden';\n\
                   https.request({ hostname: 'gmail.googleapis.com', path: '/gmail/v1/users/me/messages' });\n";
        assert_eq!(
            flagged("a.ts", src),
            vec![
                "https://gmail.googleapis.com",
                "https://www.googleapis.com' + '/drive",
                "gmail.googleapis.com",
            ]
        );
        let py = "\"\"\"Calls https://gmail.googleapis.com/gmail/v1 through the gateway.\"\"\"\n\
                  URL = \"https://gmail.googleapis.com/gmail/v1/users/\" + user + \"/messages\"\n";
        assert_eq!(flagged("a.py", py), vec!["https://gmail.googleapis.com"]);
    }

    #[test]
    fn options_are_validated() {
        use crate::rules::Kind;
        let compile = |text: &str| ForbiddenDependency.compile(&toml::from_str(text).unwrap());
        let option = |text: &str| compile(text).err().unwrap().option;
        assert_eq!(option("hosts = []").as_deref(), Some("hosts"));
        assert_eq!(option("hosts = ['not a host']").as_deref(), Some("hosts"));
        assert_eq!(
            option("modules = ['bad module']").as_deref(),
            Some("modules")
        );
        assert_eq!(
            option("modules = ['x']\nallow = ['[']").as_deref(),
            Some("allow")
        );
        let check = compile("modules = ['openai']").ok().unwrap();
        assert_eq!(check.literals(), vec!["openai"]);
    }
}
