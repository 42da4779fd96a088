//! Host names in the strings of a file: the forbidden-host matcher (labels,
//! dotted domains, ports, scheme origins) and the string values a file's
//! syntax holds (literals, folded concatenations, templates and f-strings
//! with the names of the constants substituted into them, config scalars,
//! comments), for the host rules to decide on.

use std::collections::HashSet;
use std::ops::Range;

use tree_sitter::Node;

use crate::lang::tree::{self, named_children, text, NodeExt, StrLit, SUBSTITUTION};
use crate::lang::{python, typescript, Family, ParsedFile};

/// Bytes that can appear in a hostname (plus `_`, which we treat as part of
/// a word so `chi-gateway_v2` is not a match).
fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_'
}

/// One forbidden host found inside a string value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostMatch {
    /// Range in the value of the whole host token.
    pub token: Range<usize>,
    /// Range in the value of `scheme://host[:port]`, when it is a URL.
    pub origin: Option<Range<usize>>,
}

/// The forbidden hosts of a rule: single labels (`chi-gateway`), which
/// match a label of any host, and dotted names (`legacy-api.acme.internal`),
/// which match that domain and its subdomains.
#[derive(Debug, Clone)]
pub struct HostNames {
    hosts: Vec<String>,
}

impl HostNames {
    /// Lower-cased, de-duplicated names; an error names the first that is
    /// not a host name.
    pub fn new(entries: &[String]) -> Result<HostNames, String> {
        let mut hosts = Vec::new();
        let mut seen = HashSet::new();
        for host in entries {
            let host = host.trim().to_ascii_lowercase();
            let well_formed = host.len() >= 3
                && host.bytes().all(|b| is_host_byte(b) && b != b'_')
                && !host.starts_with(['.', '-'])
                && !host.ends_with(['.', '-'])
                && !host.contains("..");
            if !well_formed {
                return Err(format!(
                    "`{host}` is not a host name (letters, digits, `-` and `.`, at least 3 characters)"
                ));
            }
            if seen.insert(host.clone()) {
                hosts.push(host);
            }
        }
        if hosts.is_empty() {
            return Err("name at least one forbidden host".to_string());
        }
        Ok(HostNames { hosts })
    }

    pub fn names(&self) -> &[String] {
        &self.hosts
    }

    /// Literals a file must hold for a host to be in it: what
    /// [`HostNames::name_literals`] lists, and the shapes of a host built
    /// from constants (`://${`, `}.${`).
    pub fn literals(&self) -> Vec<String> {
        let mut literals = self.name_literals();
        literals.extend(BUILT_HOST_SHAPES.iter().map(|s| s.to_string()));
        literals
    }

    /// Literals of a file that spells a forbidden name: each name, the
    /// pieces of a name split across a constant concatenation, and a
    /// domain's first label before a constant (`legacy-api.${`).
    pub fn name_literals(&self) -> Vec<String> {
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
        // `legacy-api.${DOMAIN}`: a domain's first label before a constant.
        for host in &self.hosts {
            if let Some((label, _)) = host.split_once('.') {
                for joint in [".${", ".{", ".' +", ".\" +"] {
                    literals.push(format!("{label}{joint}"));
                }
            }
        }
        literals
    }

    /// Every forbidden host in `value`.
    pub fn find(&self, value: &str) -> Vec<HostMatch> {
        let lower = value.to_ascii_lowercase();
        let mut out: Vec<HostMatch> = Vec::new();
        for host in &self.hosts {
            let mut from = 0;
            while let Some(found) = crate::source::slice(&lower, from..).find(host.as_str()) {
                let start = from + found;
                from = start + 1;
                if let Some(m) = host_at(&lower, host, start) {
                    if !out.iter().any(|o| o.token.start == m.token.start) {
                        out.push(m);
                    }
                }
            }
        }
        out
    }
}

/// Text shapes of a host assembled from constants: a scheme followed by a
/// substitution (template, f-string, concatenation), or two substitutions
/// joined by a dot.
const BUILT_HOST_SHAPES: &[&str] = &[
    "://${",
    "://{",
    "://' +",
    "://\" +",
    "}.${",
    "}.{",
    "+ '.' +",
    "+ \".\" +",
];

/// Whether a file that spells no forbidden name may still build a host
/// from constants it imports: a name substituted where a host is (after
/// `://`, or joined by a dot) that an import line of the file names. A
/// cheap reading of the text that spares the parse of the many files with
/// `` `https://${host}/…` `` where `host` is a parameter.
pub fn may_build_host_from_imports(text: &str) -> bool {
    // The import lines are read once, at the first place a name is
    // substituted where a host is, however many such places the file has.
    let import_lines = std::cell::OnceCell::new();
    BUILT_HOST_SHAPES.iter().any(|shape| {
        text.match_indices(shape).any(|(at, _)| {
            let after = crate::source::slice(text, at + shape.len()..);
            let after = after.trim_start_matches([' ', '"', '\'', '+']);
            let name: &str = after
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .next()
                .unwrap_or_default();
            !name.is_empty()
                && import_lines
                    .get_or_init(|| import_lines_of(text))
                    .iter()
                    .any(|line| has_word(line, name))
        })
    })
}

/// The lines of `text` that import (`import`, `from … import`, `require(`,
/// `export … from`, a line of a multi-line import list).
fn import_lines_of(text: &str) -> Vec<&str> {
    let mut in_list = false;
    text.lines()
        .map(str::trim_start)
        .filter(|line| {
            let opens = line.starts_with("import ")
                || line.starts_with("from ")
                || line.starts_with("export ");
            let importing = opens || in_list || line.contains("require(");
            if opens && (line.trim_end().ends_with('(') || line.trim_end().ends_with('{')) {
                in_list = true;
            } else if in_list && (line.contains(')') || line.contains('}')) {
                in_list = false;
            }
            importing
        })
        .collect()
}

/// Whether `name` occurs in `line` as a whole word.
fn has_word(line: &str, name: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
    line.match_indices(name).any(|(at, _)| {
        let before = crate::source::slice(line, ..at).chars().next_back();
        let after = crate::source::slice(line, at + name.len()..).chars().next();
        !word(before) && !word(after)
    })
}

/// The forbidden `host` found at `start` of `lower`, when it is a host there
/// (not part of a longer word, a path or a file name).
fn host_at(lower: &str, host: &str, start: usize) -> Option<HostMatch> {
    let bytes = lower.as_bytes();
    let end = start + host.len();
    // The name must start a label...
    if start > 0 && bytes[start - 1] != b'.' && is_host_byte(bytes[start - 1]) {
        return None;
    }
    // ...and end it: a single label may go on with `-` or more labels, a
    // dotted name only as a sentence's full stop.
    if let Some(&next) = bytes.get(end) {
        let dotted = host.contains('.');
        let full_stop = next == b'.' && !bytes.get(end + 1).is_some_and(|&b| is_word(b));
        let continues = if dotted {
            is_host_byte(next) && !full_stop
        } else {
            next != b'-' && next != b'.' && is_host_byte(next)
        };
        if continues {
            return None;
        }
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
    let token = crate::source::slice(lower, token_start..token_end);
    let before = crate::source::slice(lower, ..token_start);
    let after = crate::source::slice(lower, token_end..);
    let url = before.ends_with("//");
    let is_whole_value = lower.trim() == host;
    let in_path = before.ends_with('/') && !url;
    let with_port = after.starts_with(':')
        && crate::source::slice(after, 1..).starts_with(|c: char| c.is_ascii_digit());
    let hostname_like = token.contains('.') && !in_path && !looks_like_file(token);
    if !(url || is_whole_value || with_port || hostname_like || before.ends_with('@')) {
        return None;
    }
    let origin = url.then(|| {
        let scheme_start = before
            .trim_end_matches("//")
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || "+.-:".contains(c)))
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
    Some(HostMatch {
        token: token_start..token_end,
        origin,
    })
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
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

/// A string of a file a host may hide in.
pub struct HostText {
    pub lit: StrLit,
    /// For each substitution of `lit.value`, in order, the constant-like
    /// name substituted there (`LEGACY_HOST`, `config.DOMAIN`), or `None`
    /// for any other expression. Empty when unknown.
    pub names: Vec<Option<String>>,
    /// How a substitution is written in the file's language (`${…}` or
    /// `{…}`), for messages.
    pub python: bool,
}

impl HostText {
    fn plain(lit: StrLit) -> HostText {
        HostText {
            lit,
            names: Vec::new(),
            python: false,
        }
    }

    /// Whether the value may assemble a host from the constants it
    /// substitutes: a URL, or a substitution joined to a label by a dot.
    pub fn may_build_host(&self) -> bool {
        if !self.names.iter().any(Option::is_some) {
            return false;
        }
        // A named substitution where a host is: right after `//`, or joined
        // to a label by a dot.
        let value = &self.lit.value;
        value
            .match_indices(SUBSTITUTION)
            .zip(&self.names)
            .any(|((at, _), name)| {
                let before = crate::source::slice(value, ..at);
                let after = crate::source::slice(value, at + SUBSTITUTION.len_utf8()..);
                name.is_some()
                    && (before.ends_with("//") || before.ends_with('.') || after.starts_with('.'))
            })
    }

    /// `value[range]` for a message, a substitution shown as `…`.
    pub fn shown(&self, range: Range<usize>) -> String {
        crate::source::slice(&self.lit.value, range).replace(SUBSTITUTION, "…")
    }

    /// The file span of `value[range]` when it is written out in one piece
    /// of source (no substitution, no concatenation), so a fix can replace
    /// it.
    pub fn literal_span(&self, range: Range<usize>) -> Option<Range<usize>> {
        let span = self.lit.file_span(range.clone());
        (span.len() == range.len()
            && !crate::source::slice(&self.lit.value, range).contains(SUBSTITUTION))
        .then_some(span)
    }

    /// The value with each substitution written as its name (`${DOMAIN}`,
    /// `{DOMAIN}`, `…` for an expression).
    pub fn written(&self) -> String {
        let mut names = self.names.iter();
        let mut out = String::new();
        for c in self.lit.value.chars() {
            if c != SUBSTITUTION {
                out.push(c);
                continue;
            }
            match names.next().cloned().flatten() {
                Some(name) if self.python => out.push_str(&format!("{{{name}}}")),
                Some(name) => out.push_str(&format!("${{{name}}}")),
                None => out.push('…'),
            }
        }
        out
    }
}

/// Every string of `file` that is code (not an import's module), and its
/// comments when `comments`; config files give their keys and values. A
/// file too deeply nested to parse is one string, so nesting cannot hide a
/// host.
pub fn host_texts(file: &ParsedFile, comments: bool) -> Vec<HostText> {
    match file.language.family() {
        Family::Js | Family::Python => {
            let Some(tree) = file.tree() else {
                return unparsed(file);
            };
            let python = file.language.family() == Family::Python;
            tree_texts(tree.root_node(), file.text(), python, comments)
        }
        Family::Rust => {
            let lits = match file.rust().file() {
                Some(syntax) => crate::lang::rust::string_literals(syntax),
                None => crate::lang::rust::string_literals_lexically(file.text()),
            };
            lits.into_iter().map(HostText::plain).collect()
        }
        Family::Config => file
            .config_scalars()
            .iter()
            .map(|scalar| {
                let mut lit = StrLit::empty(scalar.span.clone());
                let raw = crate::source::slice(file.text(), scalar.value_span.clone());
                if raw == scalar.value {
                    lit.push_piece(scalar.value_span.start, raw);
                } else {
                    lit.value = scalar.value.to_string();
                }
                HostText::plain(lit)
            })
            .collect(),
        Family::Text => text_lines(file.text(), comments),
        Family::Sql | Family::Prisma => Vec::new(),
    }
}

/// The lines of a plain-text file (`nginx.conf`, a Dockerfile, a shell
/// script), each one string at its exact offset; a line that starts with
/// `#` is a comment, read only when `comments`.
fn text_lines(text: &str, comments: bool) -> Vec<HostText> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if trimmed.is_empty() || (!comments && trimmed.starts_with('#')) {
            continue;
        }
        let lead = content.len() - trimmed.len();
        out.push(HostText::plain(whole(start + lead, trimmed)));
    }
    out
}

fn unparsed(file: &ParsedFile) -> Vec<HostText> {
    if file.too_deep().is_none() {
        return Vec::new();
    }
    vec![HostText::plain(whole(0, file.text()))]
}

/// One piece of text as a literal that maps back to the file.
fn whole(offset: usize, text: &str) -> StrLit {
    let mut lit = StrLit::empty(offset..offset + text.len());
    lit.push_piece(offset, text);
    lit
}

fn tree_texts(root: Node<'_>, src: &str, python: bool, comments: bool) -> Vec<HostText> {
    let binary = if python {
        "binary_operator"
    } else {
        "binary_expression"
    };
    let mut folded: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    tree::walk_with_path(root, binary, |path| {
        let node = path.node();
        match node.kind_str() {
            "string" | "template_string" | "concatenated_string" => {
                if !python && is_module_specifier(path, src) {
                    return false;
                }
                let up = usize::from(
                    python
                        && node.kind_str() == "string"
                        && path
                            .ancestor(1)
                            .is_some_and(|p| p.kind_str() == "concatenated_string"),
                );
                let start = path.ancestor(up).unwrap_or(node);
                let top = path.concat_top(up);
                if folded.insert(top.id()) {
                    let lit = match (top.id() == start.id(), python) {
                        (true, true) => python::string_literal(start, src),
                        (true, false) => typescript::string_literal(start, src),
                        (false, true) => python::fold_string(top, src),
                        (false, false) => typescript::fold_string(top, src),
                    };
                    if let Some(lit) = lit {
                        let names = substitution_names(top, src, python, lit.substitutions);
                        out.push(HostText { lit, names, python });
                    }
                }
                // Substitutions may hold strings of their own.
                python || node.kind_str() == "template_string"
            }
            "comment" => {
                if comments {
                    out.push(HostText::plain(whole(node.start_byte(), text(node, src))));
                }
                false
            }
            _ => true,
        }
    });
    out
}

/// The names substituted into a folded string, in order, when there are
/// exactly `count` of them; empty otherwise.
fn substitution_names(
    node: Node<'_>,
    src: &str,
    python: bool,
    count: usize,
) -> Vec<Option<String>> {
    if count == 0 {
        return Vec::new();
    }
    let mut names = Vec::new();
    collect_names(node, src, python, &mut names, 0);
    if names.len() == count {
        names
    } else {
        Vec::new()
    }
}

/// How deep [`collect_names`] follows nested concatenations.
const MAX_NAME_DEPTH: usize = 64;

fn collect_names(
    node: Node<'_>,
    src: &str,
    python: bool,
    out: &mut Vec<Option<String>>,
    depth: usize,
) {
    if depth > MAX_NAME_DEPTH {
        out.push(None);
        return;
    }
    match node.kind_str() {
        "template_string" => {
            for child in named_children(node) {
                if child.kind_str() == "template_substitution" {
                    out.push(
                        child
                            .named_child(0)
                            .and_then(|e| constant_name(e, src, python)),
                    );
                }
            }
        }
        "string" if python => {
            for child in named_children(node) {
                if child.kind_str() == "interpolation" {
                    out.push(
                        child
                            .field("expression")
                            .and_then(|e| constant_name(e, src, python)),
                    );
                }
            }
        }
        "string" => {}
        "concatenated_string" => {
            for child in named_children(node) {
                collect_names(child, src, python, out, depth + 1);
            }
        }
        "parenthesized_expression" => match node.named_child(0) {
            Some(inner) => collect_names(inner, src, python, out, depth + 1),
            None => out.push(None),
        },
        "binary_expression" | "binary_operator"
            if node
                .field("operator")
                .is_some_and(|op| text(op, src) == "+") =>
        {
            for side in ["left", "right"] {
                match node.field(side) {
                    Some(operand) => collect_names(operand, src, python, out, depth + 1),
                    None => out.push(None),
                }
            }
        }
        _ => out.push(constant_name(node, src, python)),
    }
}

/// `NAME` or `module.NAME`: an expression the project model can follow to
/// a string constant.
fn constant_name(node: Node<'_>, src: &str, python: bool) -> Option<String> {
    if python {
        matches!(node.kind_str(), "identifier" | "attribute")
            .then(|| python::dotted_name(node, src))
            .flatten()
    } else {
        crate::facts::flow::ts_dotted_name(node, src)
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
                    || (f.kind_str() == "identifier" && text(f, src) == "require")
            }),
        _ => false,
    }
}

/// What a file's own syntax says about the names substituted into its
/// strings: the string constants it defines, and the names it imports.
pub struct NameScope {
    constants: crate::facts::flow::FlowFacts,
    imports: crate::facts::tables::LocalNames,
}

/// What a file says about one substituted name.
pub enum NameValue {
    /// A string constant of this file.
    Known(String),
    /// A name this file imports, or a constant set to another name: the
    /// project model decides.
    Elsewhere,
    /// Anything else (a parameter, a local variable, a call): no value.
    Unknown,
}

impl NameScope {
    pub fn read(file: &ParsedFile) -> Option<NameScope> {
        let root = file.tree()?.root_node();
        Some(NameScope {
            constants: crate::facts::flow::read(file.language, root, file.text()),
            imports: crate::facts::tables::LocalNames::read(file, root),
        })
    }

    pub fn value(&self, name: &str) -> NameValue {
        match self.constants.constant(name) {
            Some(crate::facts::flow::ConstantValue::Text(value)) => NameValue::Known(value.clone()),
            Some(crate::facts::flow::ConstantValue::Name(_)) => NameValue::Elsewhere,
            None if self.imports.is_imported(name) => NameValue::Elsewhere,
            None => NameValue::Unknown,
        }
    }
}

/// The first forbidden host of `value` once its substitutions are spelled
/// out with `constants` (`None` where unknown), that the literal text and
/// no single constant holds alone: a host assembled from constants.
pub fn built_host(hosts: &HostNames, value: &str, constants: &[Option<String>]) -> Option<String> {
    let mut composed = String::new();
    let mut spliced: Vec<Range<usize>> = Vec::new();
    let mut constants_iter = constants.iter();
    for c in value.chars() {
        if c != SUBSTITUTION {
            composed.push(c);
            continue;
        }
        match constants_iter.next().cloned().flatten() {
            Some(constant) => {
                let start = composed.len();
                // A constant's own substitutions stay opaque.
                composed.push_str(&constant);
                spliced.push(start..composed.len());
            }
            None => composed.push(SUBSTITUTION),
        }
    }
    hosts.find(&composed).into_iter().find_map(|m| {
        let touched: Vec<&Range<usize>> = spliced
            .iter()
            .filter(|r| r.start < m.token.end && m.token.start < r.end)
            .collect();
        let alone = touched.len() == 1 && {
            let r = touched[0];
            !hosts
                .find(crate::source::slice(&composed, r.clone()))
                .is_empty()
        };
        (!touched.is_empty() && !alone)
            .then(|| crate::source::slice(&composed, m.token.clone()).to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(entries: &[&str]) -> HostNames {
        HostNames::new(&entries.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn found<'v>(hosts: &HostNames, value: &'v str) -> Vec<&'v str> {
        hosts
            .find(value)
            .into_iter()
            .map(|m| &value[m.token])
            .collect()
    }

    #[test]
    fn a_dotted_name_matches_the_domain_and_its_subdomains_only() {
        let hosts = names(&["legacy-api.acme.internal"]);
        assert_eq!(
            found(&hosts, "https://legacy-api.acme.internal/v1"),
            ["legacy-api.acme.internal"]
        );
        assert_eq!(
            found(&hosts, "http://eu.legacy-api.acme.internal:8080"),
            ["eu.legacy-api.acme.internal"]
        );
        assert_eq!(
            found(&hosts, "see legacy-api.acme.internal."),
            ["legacy-api.acme.internal"]
        );
        assert!(found(&hosts, "https://legacy-api.acme.internal.example.com/v1").is_empty());
        assert!(found(&hosts, "https://notlegacy-api.acme.internal/v1").is_empty());
        assert!(found(&hosts, "https://legacy-api.acme.internals/v1").is_empty());
        assert!(found(&hosts, "https://legacy-api.acme.internal-staging/v1").is_empty());
    }

    #[test]
    fn a_label_matches_any_host_it_starts_a_label_of() {
        let hosts = names(&["legacy-api"]);
        assert_eq!(
            found(&hosts, "https://legacy-api.acme.internal.example.com"),
            ["legacy-api.acme.internal.example.com"]
        );
        assert!(found(&hosts, "https://notlegacy-api.acme.internal").is_empty());
    }

    #[test]
    fn malformed_names_are_refused() {
        for bad in [
            "ab",
            ".acme.internal",
            "acme..internal",
            "acme.internal-",
            "a b c",
        ] {
            assert!(HostNames::new(&[bad.to_string()]).is_err(), "{bad}");
        }
        assert!(HostNames::new(&[]).is_err());
    }

    #[test]
    fn only_imported_names_after_a_scheme_send_a_file_to_the_parser() {
        assert!(may_build_host_from_imports(
            "import { HOST } from './hosts';\nfetch(`https://${HOST}/v1`);\n"
        ));
        assert!(may_build_host_from_imports(
            "from app.settings import (\n    DOMAIN,\n    PREFIX,\n)\nURL = f\"https://{PREFIX}.{DOMAIN}\"\n"
        ));
        assert!(may_build_host_from_imports(
            "from .hosts import HOST\nURL = \"https://\" + HOST + \"/x\"\n"
        ));
        assert!(!may_build_host_from_imports(
            "import os\ndef url(host):\n    return f\"https://{host}/v1\"\n"
        ));
        assert!(!may_build_host_from_imports(
            "import { HOSTS } from './hosts';\nfetch(`https://${HOST}/v1`);\n"
        ));
        assert!(may_build_host_from_imports(
            "import {\n  DOMAIN,\n  PREFIX,\n} from '@acme/config';\nfetch(`https://${PREFIX}.${DOMAIN}`);\n"
        ));
        // A local assignment is not an import.
        assert!(!may_build_host_from_imports(
            "import os\nhost = os.environ['HOST']\nURL = f\"https://{host}/v1\"\n"
        ));
    }

    #[test]
    fn a_host_built_from_constants_is_found_once() {
        let hosts = names(&["legacy-api.acme.internal"]);
        let sub = SUBSTITUTION;
        let value = format!("https://{sub}.{sub}/v1");
        let constants = [
            Some("legacy-api".to_string()),
            Some("acme.internal".to_string()),
        ];
        assert_eq!(
            built_host(&hosts, &value, &constants).as_deref(),
            Some("legacy-api.acme.internal")
        );
        // One constant holding the whole host is reported where it is defined.
        let value = format!("https://{sub}/v1");
        assert_eq!(
            built_host(&hosts, &value, &[Some("legacy-api.acme.internal".into())]),
            None
        );
        // A look-alike domain built the same way is not the host.
        let value = format!("https://{sub}.{sub}.example.com/v1");
        assert_eq!(built_host(&hosts, &value, &constants), None);
        // An unknown constant keeps the value open.
        assert_eq!(
            built_host(&hosts, &format!("https://{sub}.{sub}/v1"), &[None, None]),
            None
        );
    }
}
