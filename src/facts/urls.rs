//! String values of code (literals, folded concatenations, a literal that
//! starts with a same-file constant) and the hosts and URL paths in them:
//! what the dependency and OAuth-URL rules read.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use crate::lang::tree::{self, named_children, text, NodeExt, StrLit, SUBSTITUTION};
use crate::lang::{python, typescript, Family, ParsedFile};

/// A host, optionally followed by a path prefix: `gmail.googleapis.com`,
/// `www.googleapis.com/drive`.
#[derive(Clone, Debug)]
pub struct HostPath {
    /// The entry as configured, for messages.
    pub written: String,
    pub host: String,
    /// Lower-case path prefix without a trailing `/`; empty for the host alone.
    pub path: String,
}

/// Where a [`HostPath`] occurs in a string value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlMatch {
    /// Start of the URL (its scheme, `//`, or the bare host).
    pub start: usize,
    /// End of the matched host and path prefix.
    pub prefix_end: usize,
    /// End of the URL's path (before `?`, `#`, a substitution or the end of
    /// the URL text).
    pub path_end: usize,
}

/// Bytes that continue a host name or a path segment name.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Bytes that end the text of a URL.
fn ends_url(b: u8) -> bool {
    b.is_ascii_whitespace() || b"\"'`<>\\".contains(&b) || b == SUBSTITUTION as u8
}

impl HostPath {
    pub fn parse(entry: &str) -> Result<HostPath, String> {
        let trimmed = entry.trim();
        let bare = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
        let (host, path) = bare.find('/').map_or((bare, ""), |i| bare.split_at(i));
        let host = host.to_ascii_lowercase();
        let host_ok = host.len() >= 4
            && host.contains('.')
            && !host.starts_with(['.', '-'])
            && !host.ends_with(['.', '-'])
            && host.bytes().all(|b| is_word_byte(b) || b == b'.');
        let path = path.trim_end_matches('/').to_ascii_lowercase();
        let path_ok = !path
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b"?#\"'`".contains(&b));
        if !host_ok || !path_ok {
            return Err(format!(
                "`{trimmed}` is not a host with an optional path prefix (e.g. `gmail.googleapis.com` or `www.googleapis.com/drive`)"
            ));
        }
        Ok(HostPath {
            written: trimmed.to_string(),
            host,
            path,
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// The first URL in `value` whose host is this host and whose path
    /// starts with this path prefix.
    pub fn find(&self, value: &str) -> Option<UrlMatch> {
        let lower = value.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        let mut from = 0;
        while let Some(found) = crate::source::slice(&lower, from..).find(self.host.as_str()) {
            let host_start = from + found;
            let host_end = host_start + self.host.len();
            from = host_start + 1;
            let before = crate::source::slice(&lower, ..host_start);
            let (start, bare) = if let Some(prefix) = before.strip_suffix("//") {
                let start = match prefix.strip_suffix(':') {
                    Some(scheme_end) => {
                        let scheme = scheme_end
                            .bytes()
                            .rev()
                            .take_while(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b))
                            .count();
                        if scheme == 0 {
                            continue;
                        }
                        scheme_end.len() - scheme
                    }
                    None => prefix.len(),
                };
                (start, false)
            } else if before.trim_start().is_empty() {
                (host_start, true)
            } else {
                continue;
            };
            // The host must end here, possibly with a port.
            let mut at = host_end;
            match bytes.get(at) {
                None => {}
                Some(b':') if bytes.get(at + 1).is_some_and(u8::is_ascii_digit) => {
                    at += 1;
                    while bytes.get(at).is_some_and(u8::is_ascii_digit) {
                        at += 1;
                    }
                }
                Some(&b) if b == b'/' || b == b'?' || b == b'#' || b == SUBSTITUTION as u8 => {}
                Some(&b) if is_word_byte(b) => continue,
                // A full stop ends a sentence; a label continues the host.
                Some(b'.') if bare || bytes.get(at + 1).is_some_and(|&n| is_word_byte(n)) => {
                    continue
                }
                Some(_) if bare => continue,
                Some(_) => {}
            }
            let Some(prefix_end) = self.path_prefix_end(&lower, at) else {
                continue;
            };
            let path_end = prefix_end
                + crate::source::slice(&lower, prefix_end..)
                    .bytes()
                    .take_while(|&b| !ends_url(b) && b != b'?' && b != b'#')
                    .count();
            let trimmed = crate::source::slice(&lower, prefix_end..path_end)
                .trim_end_matches(['.', ',', ';', ':', '!', ')', ']', '}'])
                .len();
            return Some(UrlMatch {
                start,
                prefix_end,
                path_end: prefix_end + trimmed,
            });
        }
        None
    }

    /// End of this entry's path prefix in `lower` when the path at `at`
    /// starts with it at a segment boundary. Google's media and batch
    /// endpoints put one segment first (`/upload/drive/v3/files`).
    fn path_prefix_end(&self, lower: &str, at: usize) -> Option<usize> {
        if self.path.is_empty() {
            return Some(at);
        }
        let path = crate::source::slice(lower, at..);
        let skip = ["/upload", "/batch"]
            .iter()
            .find(|s| {
                path.strip_prefix(**s)
                    .is_some_and(|rest| rest.starts_with(self.path.as_str()))
            })
            .map_or(0, |s| s.len());
        let rest = crate::source::slice(path, skip..).strip_prefix(self.path.as_str())?;
        let boundary = rest
            .bytes()
            .next()
            .is_none_or(|b| !(is_word_byte(b) || b == b'.' || b == b'%'));
        boundary.then_some(at + skip + self.path.len())
    }
}

/// A string value of code: one literal, or a constant concatenation folded
/// into one (other operands become substitutions).
pub struct StringValue {
    pub lit: StrLit,
    /// Source text of the expression the value starts with, when it starts
    /// with one (`GATEWAY_URL` in `${GATEWAY_URL}/x`, `BASE` in `BASE + "/x"`).
    pub lead: Option<String>,
    /// When that expression is a same-file string constant, its value.
    pub head: Option<Head>,
    /// Whether the value is an element of a list of bare names: an array
    /// (a Python list, tuple or set) of two or more plain string literals,
    /// none with a scheme or a path (`["gmail.googleapis.com",
    /// "drive.googleapis.com"]`: services to enable, an allowlist).
    pub listed: bool,
}

/// A same-file string constant a value starts with.
pub struct Head {
    pub value: String,
    /// The constant's literal, where it is defined.
    pub span: Range<usize>,
}

impl StringValue {
    /// The value with its leading constant spelled out.
    pub fn with_head(&self) -> Option<String> {
        let head = self.head.as_ref()?;
        let rest = self.lit.value.strip_prefix(SUBSTITUTION)?;
        Some(format!("{}{rest}", head.value))
    }

    /// Maps a range of [`StringValue::with_head`]'s text back to the value,
    /// where the whole constant is the one substitution it replaced.
    pub fn head_range(&self, range: Range<usize>) -> Range<usize> {
        let head = self.head.as_ref().map_or(0, |h| h.value.len());
        let start = if range.start < head {
            0
        } else {
            range.start - head + 1
        };
        let end = if range.end <= head {
            1
        } else {
            range.end - head + 1
        };
        start..end
    }

    /// File span of `value[range]`, which may cross pieces of a template or
    /// concatenation (the span then covers the code in between).
    pub fn file_span(&self, range: Range<usize>) -> Range<usize> {
        let exact = self.lit.file_span(range.clone());
        if exact != self.lit.span || range.len() == self.lit.value.len() {
            return exact;
        }
        let start = self.lit.file_span(range.start..range.start).start;
        let end = self.lit.file_span(range.end..range.end).start;
        if start < end {
            start..end
        } else {
            exact
        }
    }
}

/// Every string value of a JS-family, Python or Rust file that is code:
/// not a comment, a docstring or directive, nor a module specifier.
pub fn string_values(file: &ParsedFile) -> Vec<StringValue> {
    match file.language.family() {
        Family::Js | Family::Python => {
            let Some(tree) = file.tree() else {
                return Vec::new();
            };
            let python = file.language.family() == Family::Python;
            tree_string_values(tree.root_node(), file.text(), python)
        }
        Family::Rust => {
            let lits = match file.rust().file() {
                Some(syntax) => crate::lang::rust::string_literals(syntax),
                None => crate::lang::rust::string_literals_lexically(file.text()),
            };
            lits.into_iter()
                .map(|lit| StringValue {
                    lit,
                    lead: None,
                    head: None,
                    listed: false,
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

fn tree_string_values(root: Node<'_>, src: &str, python: bool) -> Vec<StringValue> {
    let binary = if python {
        "binary_operator"
    } else {
        "binary_expression"
    };
    let mut seen: HashSet<usize> = HashSet::new();
    let mut values: Vec<(StrLit, Option<Node<'_>>, bool)> = Vec::new();
    // Same-file string constants: name → (declaration offset, value, span).
    let mut constants: HashMap<String, Vec<(usize, String, Range<usize>)>> = HashMap::new();
    tree::walk_with_path(root, binary, |path| {
        let node = path.node();
        match node.kind_str() {
            "variable_declarator" | "assignment" => {
                if let Some((name, lit)) = constant(node, src, python) {
                    constants.entry(name).or_default().push((
                        node.start_byte(),
                        lit.value,
                        lit.span,
                    ));
                }
                true
            }
            "string" | "template_string" | "concatenated_string" => {
                let up = usize::from(
                    python
                        && node.kind_str() == "string"
                        && path
                            .ancestor(1)
                            .is_some_and(|p| p.kind_str() == "concatenated_string"),
                );
                let start = path.ancestor(up).unwrap_or(node);
                if !python && js_module_specifier(path, src) {
                    return false;
                }
                let top_up = path.concat_top_up(up);
                let top = path.ancestor(top_up).unwrap_or(node);
                if is_statement_string(path.ancestor(top_up + 1)) {
                    return false;
                }
                if seen.insert(top.id()) {
                    let lit = if top.id() == start.id() {
                        literal(start, src, python)
                    } else {
                        fold(top, src, python).or_else(|| literal(start, src, python))
                    };
                    if let Some(lit) = lit {
                        let listed = in_name_list(top, src, python);
                        values.push((lit, leading_expression(top, python), listed));
                    }
                }
                // Substitutions may hold strings of their own.
                true
            }
            "comment" => false,
            _ => true,
        }
    });
    values
        .into_iter()
        .map(|(lit, lead, listed)| {
            let lead = lead.filter(|_| lit.value.starts_with(SUBSTITUTION));
            let head = lead.filter(|n| n.kind_str() == "identifier").and_then(|n| {
                constants
                    .get(text(n, src))?
                    .iter()
                    .rfind(|(declared, _, _)| *declared < n.start_byte())
                    .map(|(_, value, span)| Head {
                        value: value.clone(),
                        span: span.clone(),
                    })
            });
            StringValue {
                lead: lead.map(|n| text(n, src).to_string()),
                head,
                lit,
                listed,
            }
        })
        .collect()
}

/// Whether the string `node` is an element of a list of bare names (see
/// [`StringValue::listed`]).
fn in_name_list(node: Node<'_>, src: &str, python: bool) -> bool {
    let Some(list) = node.parent() else {
        return false;
    };
    let is_list = if python {
        matches!(list.kind_str(), "list" | "tuple" | "set")
    } else {
        list.kind_str() == "array"
    };
    if !is_list || list.named_child_count() < 2 {
        return false;
    }
    let elements: Vec<Node<'_>> = named_children(list)
        .into_iter()
        .filter(|c| c.kind_str() != "comment")
        .collect();
    elements.len() >= 2
        && elements.iter().all(|element| {
            element.kind_str() == "string"
                && literal(*element, src, python).is_some_and(|lit| {
                    !lit.value.is_empty()
                        && !lit.value.contains(SUBSTITUTION)
                        && !lit.value.contains(['/', ':', ' '])
                })
        })
}

fn literal(node: Node<'_>, src: &str, python: bool) -> Option<StrLit> {
    if python {
        python::string_literal(node, src)
    } else {
        typescript::string_literal(node, src)
    }
}

/// Folds `+` chains; operands that are not strings become substitutions
/// (the Python counterpart of [`typescript::fold_string`]).
fn fold(node: Node<'_>, src: &str, python: bool) -> Option<StrLit> {
    if python {
        python::fold_string(node, src)
    } else {
        typescript::fold_string(node, src)
    }
}

/// `const NAME = 'literal'` / `NAME = "literal"`: a string constant.
fn constant(node: Node<'_>, src: &str, python: bool) -> Option<(String, StrLit)> {
    let (name, value) = if python {
        (node.field("left")?, node.field("right")?)
    } else {
        (
            node.field("name")?,
            typescript::unwrap_expression(node.field("value")?),
        )
    };
    if name.kind_str() != "identifier" {
        return None;
    }
    let lit = fold(value, src, python)?;
    lit.is_static().then(|| (text(name, src).to_string(), lit))
}

/// The expression a string value starts with: `NAME` in `${NAME}…`,
/// `NAME + '…'` and `f"{NAME}…"`.
fn leading_expression(node: Node<'_>, python: bool) -> Option<Node<'_>> {
    let mut first = node;
    loop {
        first = match first.kind_str() {
            "binary_expression" | "binary_operator" => first.field("left")?,
            "parenthesized_expression" | "concatenated_string" => first.named_child(0)?,
            "template_string" => {
                let sub = first.named_child(0)?;
                if sub.kind_str() != "template_substitution"
                    || sub.start_byte() != first.start_byte() + 1
                {
                    return None;
                }
                sub.named_child(0)?
            }
            "string" if python => {
                let children = named_children(first);
                let string_start = children.first()?;
                let interpolation = children.get(1)?;
                if interpolation.kind_str() != "interpolation"
                    || interpolation.start_byte() != string_start.end_byte()
                {
                    return None;
                }
                interpolation.field("expression")?
            }
            "string" => return None,
            _ => return Some(first),
        };
    }
}

/// A string that is a whole statement: a docstring or a directive such as
/// `'use server'`, which document rather than do.
fn is_statement_string(parent: Option<Node<'_>>) -> bool {
    parent.is_some_and(|p| p.kind_str() == "expression_statement" && p.named_child_count() == 1)
}

/// The module string of an import, export, `require(…)` or `import(…)`.
fn js_module_specifier(path: &tree::TreePath<'_>, src: &str) -> bool {
    let node = path.node();
    let Some(parent) = path.ancestor(1) else {
        return false;
    };
    match parent.kind_str() {
        "import_statement" | "export_statement" | "import_require_clause" => {
            parent.field("source").is_some_and(|s| s.id() == node.id())
        }
        "arguments" => path
            .ancestor(2)
            .and_then(|call| js_dynamic_import(call, src))
            .is_some_and(|s| s.id() == node.id()),
        _ => false,
    }
}

/// The module string of `require('m')` or `import('m')`.
pub fn js_dynamic_import<'t>(node: Node<'t>, src: &str) -> Option<Node<'t>> {
    let function = node.field("function")?;
    let is_loader = function.kind_str() == "import"
        || (function.kind_str() == "identifier" && text(function, src) == "require");
    if !is_loader {
        return None;
    }
    let arguments = node.field("arguments")?;
    let first = named_children(arguments).into_iter().next()?;
    matches!(first.kind_str(), "string" | "template_string").then_some(first)
}
