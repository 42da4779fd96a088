//! The `forbidden-host` rule kind.

use serde::Deserialize;

use crate::facts::hosts::{
    built_host, may_build_host_from_imports, HostNames, HostText, NameScope, NameValue,
};
use crate::finding::Fix;
use crate::lang::{Family, ParsedFile};
use crate::project::Query;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags any reference to a forbidden host: in string and template
    /// literals of TypeScript/JavaScript, Python and Rust (including constant
    /// concatenations such as `'https://chi-' + 'gateway.dev'`, adjacent
    /// Python literals and `concat!`), and in the keys and values of `.env`,
    /// JSON, YAML and TOML files.
    ///
    /// A forbidden name without a dot is a label: a hostname matches when
    /// one of its dot-separated labels equals it or starts with it followed
    /// by `-` (`chi-gateway.x.workers.dev`, `api.chi-gateway.dev`,
    /// `chi-gateway-staging.x.dev`). A name with dots
    /// (`legacy-api.acme.internal`) is a domain: it matches that host and
    /// its subdomains (`eu.legacy-api.acme.internal`, with any port), not a
    /// longer domain that merely contains it
    /// (`legacy-api.acme.internal.example.com`,
    /// `notlegacy-api.acme.internal`). A string whose whole value is the
    /// name (a service binding such as `service = "chi-gateway"`) matches
    /// too. Paths and package names that merely contain the name
    /// (`./chi-gateway.client`, `@acme/chi-gateway-sdk`) do not.
    ///
    /// Files of no language plumbline parses (`nginx.conf`, Dockerfiles,
    /// shell scripts, a `Caddyfile`) are read as plain text when `[files]
    /// text` names them: each line that is not a `#` comment (unless
    /// `check_comments`), with hosts and URLs found in it as above.
    ///
    /// A host built from string constants is found where it is built:
    /// `` `https://${LEGACY_HOST}.${DOMAIN}/v1` ``, `"https://" + HOST +
    /// "/x"` and `f"https://{HOST}/x"`, with the constants defined in the
    /// same file or imported from another module (followed through
    /// re-exports). A constant that holds the whole host is reported where
    /// it is defined.
    ///
    /// ## Why is this bad?
    /// Traffic to a host the architecture has retired (a personal gateway, an
    /// old region, a vendor you left) bypasses the controls of the one
    /// sanctioned path and usually still works, so nobody notices.
    ///
    /// ## Example
    /// ```ts
    /// const res = await fetch('https://chi-gateway.example.workers.dev/v1/gmail/send');
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// const res = await fetch(`${process.env.GATEWAY_URL}/v1/gmail/send`);
    /// ```
    ///
    /// ## Options
    /// - `hosts`: forbidden host names: labels (`"chi-gateway"`) or domains
    ///   (`"legacy-api.acme.internal"`).
    /// - `gateway_url`: the sanctioned URL; the fix replaces a forbidden
    ///   `scheme://host` with it, keeping the path and query.
    /// - `check_comments`: also flag the name in code comments (default `false`).
    pub struct ForbiddenHost;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "hosts",
        description: "forbidden host names (dot-separated labels)",
    },
    OptionDoc {
        name: "gateway_url",
        description: "the sanctioned URL offered as the fix",
    },
    OptionDoc {
        name: "check_comments",
        description: "also flag hosts named in code comments",
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    hosts: Vec<String>,
    #[serde(default)]
    gateway_url: String,
    #[serde(default)]
    check_comments: bool,
}

impl Kind for ForbiddenHost {
    fn id(&self) -> &'static str {
        "forbidden-host"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[
            Family::Js,
            Family::Python,
            Family::Rust,
            Family::Config,
            Family::Text,
        ]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        let hosts = HostNames::new(&options.hosts).map_err(|e| OptionError::new("hosts", e))?;
        let spelled = crate::deferred::any_of_matcher(hosts.name_literals());
        Ok(Box::new(HostCheck {
            spelled,
            hosts,
            gateway_url: options.gateway_url.trim_end_matches('/').to_string(),
            check_comments: options.check_comments,
        }))
    }
}

struct HostCheck {
    hosts: HostNames,
    /// Matches a text that spells a forbidden name (or a piece of one).
    spelled: crate::deferred::Deferred<Option<aho_corasick::AhoCorasick>>,
    gateway_url: String,
    check_comments: bool,
}

impl HostCheck {
    fn check_text(
        &self,
        text: &HostText,
        scope: &mut Option<Option<NameScope>>,
        file: &ParsedFile,
        out: &mut Reporter<'_>,
    ) {
        let lit = &text.lit;
        if lit.value.len() < 3 {
            return;
        }
        for m in self.hosts.find(&lit.value) {
            let span = lit.file_span(m.token.clone());
            let host = text.shown(m.token.clone());
            let mut report = Report::at(span)
                .var("host", host)
                .var("gateway_url", self.gateway_url.clone())
                .label("forbidden host");
            // Only offer a fix when the URL maps to one piece of source.
            let origin = m.origin.filter(|_| !self.gateway_url.is_empty());
            if let Some(file_span) = origin.and_then(|o| text.literal_span(o)) {
                report = report.fix(Fix {
                    description: format!("use {}", self.gateway_url),
                    span: file_span,
                    replacement: self.gateway_url.clone(),
                });
            }
            out.report(report);
        }
        if text.may_build_host() {
            if let Some(scope) = scope.get_or_insert_with(|| NameScope::read(file)) {
                self.check_built(text, scope, out);
            }
        }
    }

    /// A value that may assemble a host from constants: decided here when
    /// the constants are this file's, else reported at the string and kept
    /// only if the project's constants build a forbidden host.
    fn check_built(&self, text: &HostText, scope: &NameScope, out: &mut Reporter<'_>) {
        let mut local = Vec::new();
        let mut elsewhere = false;
        for name in &text.names {
            local.push(match name.as_deref().map(|n| scope.value(n)) {
                Some(NameValue::Known(value)) => Some(value),
                Some(NameValue::Elsewhere) => {
                    elsewhere = true;
                    None
                }
                Some(NameValue::Unknown) | None => None,
            });
        }
        let report = Report::at(text.lit.span.clone())
            .var("gateway_url", self.gateway_url.clone())
            .label("forbidden host, built from constants");
        if !elsewhere {
            if let Some(host) = built_host(&self.hosts, &text.lit.value, &local) {
                out.report(report.var("host", host));
            }
            return;
        }
        let written = text.written();
        out.report(
            report
                .var("host", written.clone())
                .requires_project(Query::BuiltHost {
                    value: text.lit.value.clone(),
                    names: text.names.clone(),
                    hosts: self.hosts.names().to_vec(),
                    written,
                }),
        );
    }
}

impl Check for HostCheck {
    fn literals(&self) -> Vec<String> {
        self.hosts.literals()
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        // A file that spells no forbidden name can only build one from
        // constants it imports.
        let text = file.text();
        let spelled = self.spelled.as_ref().is_none_or(|m| m.is_match(text));
        if !spelled && !may_build_host_from_imports(text) {
            return;
        }
        let mut scope = None;
        for text in crate::facts::hosts::host_texts(file, self.check_comments) {
            self.check_text(&text, &mut scope, file, out);
        }
    }
}

#[cfg(test)]
mod tests;
