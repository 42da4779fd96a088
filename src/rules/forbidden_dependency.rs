//! The `forbidden-dependency` rule kind: code that reaches a destination
//! directly, by URL or by importing its SDK, when another component owns it.

use std::ops::Range;

use globset::GlobSet;
use serde::Deserialize;

use crate::config::build_globset;
use crate::facts::module_loads;
use crate::facts::urls::{string_values, HostPath, StringValue, UrlMatch};
use crate::lang::{Family, ParsedFile};
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
    ///   (`"calling gmail.googleapis.com failed"`) is not a call, and
    ///   neither is a bare host in a list of bare names (`["gmail.googleapis.com",
    ///   "drive.googleapis.com"]`: services to enable, an allowlist).
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
        self.check_imports(file, out);
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
        if value.listed {
            // Bare names without a scheme or a path: nothing is called.
            return;
        }
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

    /// Reports the first import of each owned module in a file: more
    /// imports of the same SDK are the same dependency (`import
    /// googleapiclient`, then `from googleapiclient import errors`).
    fn check_imports(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        if self.modules.is_empty() {
            return;
        }
        let python = file.language.family() == Family::Python;
        let mut seen = Vec::new();
        for load in module_loads::loads(file) {
            let owned = load.names.iter().find_map(|name| {
                let entry = if python {
                    self.python_module(&name.module)
                } else {
                    self.js_module(&name.module)
                };
                entry.map(|entry| (name, entry))
            });
            if let Some((name, entry)) = owned {
                if first_use(&mut seen, entry) {
                    out.report(self.module_report(name.span.clone(), &name.module));
                }
            }
        }
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

#[cfg(test)]
mod tests;
