//! The `forbidden-host` rule kind.

use crate::lang::tree::NodeExt;
use std::collections::HashSet;
use std::ops::Range;

use serde::Deserialize;
use tree_sitter::Node;

use crate::finding::Fix;
use crate::lang::tree::{self, StrLit, SUBSTITUTION};
use crate::lang::{python, typescript, Family, ParsedFile};
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
    /// A hostname matches when one of its dot-separated labels equals a
    /// forbidden name or starts with it followed by `-`
    /// (`chi-gateway.x.workers.dev`, `api.chi-gateway.dev`,
    /// `chi-gateway-staging.x.dev`). A string whose whole value is the name
    /// (a service binding such as `service = "chi-gateway"`) matches too.
    /// Paths and package names that merely contain the name
    /// (`./chi-gateway.client`, `@acme/chi-gateway-sdk`) do not.
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
    /// - `hosts`: forbidden host names (labels), e.g. `["chi-gateway"]`.
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
        &[Family::Js, Family::Python, Family::Rust, Family::Config]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        let mut hosts = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for host in &options.hosts {
            let host = host.trim().to_ascii_lowercase();
            if host.len() < 3 || !host.bytes().all(|b| is_host_byte(b) && b != b'_') {
                return Err(OptionError::new(
                    "hosts",
                    format!("`{host}` is not a host name (letters, digits, `-` and `.`, at least 3 characters)"),
                ));
            }
            if seen.insert(host.clone()) {
                hosts.push(host);
            }
        }
        if hosts.is_empty() {
            return Err(OptionError::new(
                "hosts",
                "name at least one forbidden host",
            ));
        }
        Ok(Box::new(HostCheck {
            hosts,
            gateway_url: options.gateway_url.trim_end_matches('/').to_string(),
            check_comments: options.check_comments,
        }))
    }
}

struct HostCheck {
    hosts: Vec<String>,
    gateway_url: String,
    check_comments: bool,
}

/// Bytes that can appear in a hostname (plus `_`, which we treat as part of
/// a word so `chi-gateway_v2` is not a match).
fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_'
}

/// One forbidden host found inside a string value.
struct HostMatch {
    /// Range in the value of the whole host token.
    token: Range<usize>,
    /// Range in the value of `scheme://host[:port]`, when it is a URL.
    origin: Option<Range<usize>>,
}

impl HostCheck {
    /// Every forbidden host in `value`. `bare` is the value as a whole.
    fn find(&self, value: &str) -> Vec<HostMatch> {
        let lower = value.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        let mut out: Vec<HostMatch> = Vec::new();
        for host in &self.hosts {
            let mut from = 0;
            while let Some(found) = crate::source::slice(&lower, from..).find(host.as_str()) {
                let start = from + found;
                let end = start + host.len();
                from = start + 1;
                // The name must start a label...
                if start > 0 && !matches!(bytes[start - 1], b'.') && is_host_byte(bytes[start - 1])
                {
                    continue;
                }
                // ...and end it, or continue it with `-`.
                if end < bytes.len()
                    && bytes[end] != b'-'
                    && bytes[end] != b'.'
                    && is_host_byte(bytes[end])
                {
                    continue;
                }
                let mut token_start = start;
                while token_start > 0 && is_host_byte(bytes[token_start - 1]) {
                    token_start -= 1;
                }
                let mut token_end = end;
                while token_end < bytes.len() && is_host_byte(bytes[token_end]) {
                    token_end += 1;
                }
                // A sentence's full stop or a `.name.` substring pattern is
                // punctuation, not part of a hostname.
                while token_start < start && bytes[token_start] == b'.' {
                    token_start += 1;
                }
                while token_end > end && bytes[token_end - 1] == b'.' {
                    token_end -= 1;
                }
                let token = crate::source::slice(&lower, token_start..token_end);
                let before = crate::source::slice(&lower, ..token_start);
                let after = crate::source::slice(&lower, token_end..);
                let url = before.ends_with("//");
                let is_whole_value = lower.trim() == host.as_str();
                let in_path = before.ends_with('/') && !url;
                let with_port = after.starts_with(':')
                    && crate::source::slice(after, 1..).starts_with(|c: char| c.is_ascii_digit());
                let hostname_like = token.contains('.') && !in_path && !looks_like_file(token);
                if !(url || is_whole_value || with_port || hostname_like || before.ends_with('@')) {
                    continue;
                }
                if out.iter().any(|m| m.token.start == token_start) {
                    continue;
                }
                let origin = url.then(|| {
                    let scheme_start = before
                        .trim_end_matches("//")
                        .char_indices()
                        .rev()
                        .find(|&(_, c)| {
                            !(c.is_ascii_alphanumeric()
                                || c == '+'
                                || c == '.'
                                || c == '-'
                                || c == ':')
                        })
                        .map_or(0, |(i, c)| i + c.len_utf8());
                    let mut origin_end = token_end;
                    if with_port {
                        origin_end += 1 + crate::source::slice(after, 1..)
                            .bytes()
                            .take_while(u8::is_ascii_digit)
                            .count();
                    }
                    scheme_start..origin_end
                });
                out.push(HostMatch {
                    token: token_start..token_end,
                    origin,
                });
            }
        }
        out
    }

    fn check_literal(&self, lit: &StrLit, out: &mut Reporter<'_>) {
        if lit.value.len() < 3 {
            return;
        }
        for m in self.find(&lit.value) {
            let span = lit.file_span(m.token.clone());
            let host = crate::source::slice(&lit.value, m.token.clone()).replace(SUBSTITUTION, "…");
            let mut report = Report::at(span)
                .var("host", host)
                .var("gateway_url", self.gateway_url.clone())
                .label("forbidden host");
            if let Some(origin) = m.origin.filter(|_| !self.gateway_url.is_empty()) {
                let file_span = lit.file_span(origin.clone());
                // Only offer a fix when the URL maps to one piece of source.
                if file_span.len() == origin.len()
                    && !crate::source::slice(&lit.value, origin.clone()).contains(SUBSTITUTION)
                {
                    report = report.fix(Fix {
                        description: format!("use {}", self.gateway_url),
                        span: file_span,
                        replacement: self.gateway_url.clone(),
                    });
                }
            }
            out.report(report);
        }
    }

    fn check_comment(&self, node: Node<'_>, src: &str, out: &mut Reporter<'_>) {
        let mut lit = StrLit::empty(node.byte_range());
        lit.push_piece(node.start_byte(), tree::text(node, src));
        self.check_literal(&lit, out);
    }

    /// A file too deeply nested to parse is read as one string, so nesting
    /// cannot hide a host (at worst a host in a comment is reported too).
    fn check_unparsed(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        if file.too_deep().is_some() {
            let mut lit = StrLit::empty(0..file.text().len());
            lit.push_piece(0, file.text());
            self.check_literal(&lit, out);
        }
    }

    fn check_js(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let Some(tree) = file.tree() else {
            return self.check_unparsed(file, out);
        };
        let src = file.text();
        let mut folded: HashSet<usize> = HashSet::new();
        tree::walk_with_path(tree.root_node(), "binary_expression", |path| {
            let node = path.node();
            match node.kind_str() {
                "string" | "template_string" => {
                    if is_module_specifier(path, src) {
                        return false;
                    }
                    let top = path.concat_top(0);
                    if folded.insert(top.id()) {
                        let lit = if top.id() == node.id() {
                            typescript::string_literal(node, src)
                        } else {
                            typescript::fold_string(top, src)
                        };
                        if let Some(lit) = lit {
                            self.check_literal(&lit, out);
                        }
                    }
                    // Substitutions may hold strings of their own.
                    node.kind_str() == "template_string"
                }
                "comment" => {
                    if self.check_comments {
                        self.check_comment(node, src, out);
                    }
                    false
                }
                _ => true,
            }
        });
    }

    fn check_python(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let Some(tree) = file.tree() else {
            return self.check_unparsed(file, out);
        };
        let src = file.text();
        let mut folded: HashSet<usize> = HashSet::new();
        tree::walk_with_path(tree.root_node(), "binary_operator", |path| {
            let node = path.node();
            match node.kind_str() {
                "string" | "concatenated_string" => {
                    let up = usize::from(
                        node.kind_str() == "string"
                            && path
                                .ancestor(1)
                                .is_some_and(|p| p.kind_str() == "concatenated_string"),
                    );
                    let start = path.ancestor(up).unwrap_or(node);
                    let top = path.concat_top(up);
                    if folded.insert(top.id()) {
                        let lit = if top.id() == start.id() {
                            python::string_literal(start, src)
                        } else {
                            python::fold_string(top, src)
                        };
                        if let Some(lit) = lit {
                            self.check_literal(&lit, out);
                        }
                    }
                    true
                }
                "comment" => {
                    if self.check_comments {
                        self.check_comment(node, src, out);
                    }
                    false
                }
                _ => true,
            }
        });
    }

    fn check_rust(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        match file.rust().file() {
            Some(syntax) => {
                for lit in crate::lang::rust::string_literals(syntax) {
                    self.check_literal(&lit, out);
                }
            }
            None => {
                for lit in crate::lang::rust::string_literals_lexically(file.text()) {
                    self.check_literal(&lit, out);
                }
            }
        }
    }

    fn check_config(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        for scalar in file.config_scalars() {
            let mut lit = StrLit::empty(scalar.span.clone());
            let raw = crate::source::slice(file.text(), scalar.value_span.clone());
            if raw == scalar.value {
                lit.push_piece(scalar.value_span.start, raw);
            } else {
                lit.value = scalar.value.to_string();
            }
            self.check_literal(&lit, out);
        }
    }
}

/// `import x from '...'`, `export * from '...'` and `require('...')`
/// name modules, not hosts.
fn is_module_specifier(path: &tree::TreePath<'_>, src: &str) -> bool {
    let Some(parent) = path.ancestor(1) else {
        return false;
    };
    match parent.kind_str() {
        "import_statement" | "export_statement" | "import_require_clause" => true,
        "arguments" => path
            .ancestor(2)
            .and_then(|call| call.field("function"))
            .is_some_and(|f| {
                f.kind_str() == "import"
                    || (f.kind_str() == "identifier" && tree::text(f, src) == "require")
            }),
        _ => false,
    }
}

/// A dotted token that ends in a source-file extension names a file.
fn looks_like_file(token: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "ts", "tsx", "js", "jsx", "mjs", "cjs", "py", "rs", "json", "yaml", "yml", "toml", "md",
        "sql", "env", "txt", "lock", "sh",
    ];
    token
        .rsplit_once('.')
        .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext))
}

impl Check for HostCheck {
    fn literals(&self) -> Vec<String> {
        let mut literals = Vec::new();
        for host in &self.hosts {
            literals.push(host.clone());
            // A constant concatenation splits the name across literals: one
            // piece ends with a prefix of it right before a closing quote,
            // the next starts with the rest right after an opening quote.
            for cut in 3..host.len().saturating_sub(2) {
                let (head, tail) = host.split_at(cut);
                for quote in ['\'', '"', '`'] {
                    literals.push(format!("{head}{quote}"));
                    literals.push(format!("{quote}{tail}"));
                }
            }
        }
        literals
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        match file.language.family() {
            Family::Js => self.check_js(file, out),
            Family::Python => self.check_python(file, out),
            Family::Rust => self.check_rust(file, out),
            Family::Config => self.check_config(file, out),
            Family::Sql | Family::Prisma => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check() -> HostCheck {
        HostCheck {
            hosts: vec!["chi-gateway".into()],
            gateway_url: "https://good.dev".into(),
            check_comments: false,
        }
    }

    fn hosts(value: &str) -> Vec<&str> {
        let c = check();
        let found: Vec<Range<usize>> = c.find(value).into_iter().map(|m| m.token).collect();
        found.into_iter().map(|r| &value[r]).collect()
    }

    #[test]
    fn matches_labels_not_substrings() {
        assert_eq!(
            hosts("https://chi-gateway.foo.workers.dev/x"),
            ["chi-gateway.foo.workers.dev"]
        );
        assert_eq!(
            hosts("https://api.chi-gateway.x.dev/health"),
            ["api.chi-gateway.x.dev"]
        );
        assert_eq!(
            hosts("chi-gateway-staging.x.dev"),
            ["chi-gateway-staging.x.dev"]
        );
        assert_eq!(hosts("chi-gateway"), ["chi-gateway"]);
        assert_eq!(hosts("http://chi-gateway:8787/v1"), ["chi-gateway"]);
        assert!(hosts("https://mychi-gateway.dev").is_empty());
        assert!(hosts("https://chi-gatewayx.dev").is_empty());
        assert!(hosts("migrated off the chi-gateway last week").is_empty());
        assert!(hosts("./chi-gateway.client").is_empty());
        assert!(hosts("@acme/chi-gateway-sdk").is_empty());
        assert!(hosts("This workspace still points at the retired chi-gateway.").is_empty());
        assert!(hosts("url.includes('.chi-gateway.')").is_empty());
        assert_eq!(
            hosts("see https://chi-gateway.x.dev."),
            ["chi-gateway.x.dev"]
        );
        assert!(hosts("chi-gateway-client").is_empty());
    }

    #[test]
    fn origin_covers_scheme_and_port() {
        let value = "see https://chi-gateway.x.dev:8443/v1?q=1";
        let m = &check().find(value)[0];
        assert_eq!(
            &value[m.origin.clone().unwrap()],
            "https://chi-gateway.x.dev:8443"
        );
    }

    #[test]
    fn lexical_rust_fallback_skips_comments() {
        let lits = crate::lang::rust::string_literals_lexically(
            "// \"a\"\nlet x = \"b\\\"c\"; /* \"d\" */",
        );
        let values: Vec<&str> = lits.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(values, ["b\\\"c"]);
        // A char literal holding a quote does not open a string.
        let lits = crate::lang::rust::string_literals_lexically(
            "let q = '\"'; let e = '\\''; let u = \"https://chi-gateway.x.dev\";",
        );
        let values: Vec<&str> = lits.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(values, ["https://chi-gateway.x.dev"]);
    }
}
