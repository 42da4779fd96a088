//! Calls chosen by name, with the function that makes each, and what that
//! function touches (tables, column-like names): for rules that forbid a
//! call in some code.

use std::ops::Range;

use tree_sitter::Node;

use crate::facts::columns::ColumnGlobs;
use crate::facts::tables::{table_references, TableSet};
use crate::lang::tree::{ancestor, named_children, text, walk, NodeExt};
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};

/// Which calls a reader keeps.
pub struct CallFilter<'f> {
    /// A plain call (not `new`) whose name, or the imported name it
    /// aliases, passes.
    pub function: &'f dyn Fn(&str) -> bool,
    /// A call or `new` whose name passes counts when one of its arguments
    /// passes [`CallFilter::argument`] …
    pub constructor: &'f dyn Fn(&str) -> bool,
    /// … as written, or through the same-file constant it names.
    pub argument: &'f dyn Fn(&str) -> bool,
}

/// A call the filter kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedCall {
    /// The called name (`createClient`), where a finding goes.
    pub span: Range<usize>,
    /// The callee as written when short and on one line
    /// (`supabase.auth.admin.deleteUser`), else the name.
    pub callee: String,
    /// The innermost function around the call.
    pub function: Option<Range<usize>>,
}

/// The calls of a TS/JS or Python file that `filter` keeps, in source order.
pub fn calls(file: &ParsedFile, filter: &CallFilter<'_>) -> Vec<ScopedCall> {
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    let (root, src) = (tree.root_node(), file.text());
    let family = file.language.family();
    let aliases = imported_aliases(root, src, family, filter);
    let found = match family {
        Family::Js => ts_calls(root, src, filter, &aliases),
        Family::Python => py_calls(root, src, filter, &aliases),
        _ => return Vec::new(),
    };
    let function_kinds = function_kinds(family);
    found
        .into_iter()
        .map(|(node, name, callee)| ScopedCall {
            span: name.byte_range(),
            callee: callee_text(callee, name, src),
            function: node
                .parent()
                .and_then(|p| ancestor(p, function_kinds))
                .map(|f| f.byte_range()),
        })
        .collect()
}

fn function_kinds(family: Family) -> &'static [&'static str] {
    match family {
        Family::Js => ts::FUNCTION_KINDS,
        _ => &["function_definition", "lambda"],
    }
}

/// Local names of imported functions the filter keeps (`import { x as y }`,
/// `from m import x as y`).
fn imported_aliases(
    root: Node<'_>,
    src: &str,
    family: Family,
    filter: &CallFilter<'_>,
) -> Vec<String> {
    let mut aliases = Vec::new();
    let (kind, name_field) = match family {
        Family::Js => ("import_specifier", "name"),
        _ => ("aliased_import", "name"),
    };
    walk(root, |node| {
        if node.kind_str() == kind {
            if let (Some(name), Some(alias)) =
                (node.child_by_field_name(name_field), node.field("alias"))
            {
                let imported = text(name, src).rsplit('.').next().unwrap_or_default();
                if (filter.function)(imported) {
                    aliases.push(text(alias, src).to_string());
                }
            }
            return false;
        }
        true
    });
    aliases
}

/// A kept call: the call node, its name, its callee.
type Found<'t> = (Node<'t>, Node<'t>, Option<Node<'t>>);

fn ts_calls<'t>(
    root: Node<'t>,
    src: &str,
    filter: &CallFilter<'_>,
    aliases: &[String],
) -> Vec<Found<'t>> {
    let mut found = Vec::new();
    walk(root, |node| {
        let (name, callee, args) = match node.kind_str() {
            "call_expression" => {
                let Some(call) = ts::call(node) else {
                    return true;
                };
                let function = node.field("function");
                (call.name, function, call.args)
            }
            "new_expression" => {
                let Some(constructor) = node.field("constructor") else {
                    return true;
                };
                let name = match constructor.kind_str() {
                    "member_expression" => constructor.field("property"),
                    "identifier" => Some(constructor),
                    _ => None,
                };
                let args = node
                    .field("arguments")
                    .map(named_children)
                    .unwrap_or_default();
                let Some(name) = name else { return true };
                (name, Some(constructor), args)
            }
            _ => return true,
        };
        let name_text = text(name, src);
        let counts = (node.kind_str() == "call_expression"
            && ((filter.function)(name_text) || aliases.iter().any(|a| a == name_text)))
            || ((filter.constructor)(name_text)
                && args.iter().any(|a| {
                    (filter.argument)(text(*a, src)) || ts_constant_passes(root, src, *a, filter)
                }));
        if counts {
            found.push((node, name, callee));
        }
        true
    });
    found
}

/// Whether an argument names a same-file constant whose text passes.
fn ts_constant_passes(root: Node<'_>, src: &str, arg: Node<'_>, filter: &CallFilter<'_>) -> bool {
    let arg = ts::unwrap_expression(arg);
    arg.kind_str() == "identifier"
        && ts::const_initializer(root, src, text(arg, src), arg.start_byte())
            .is_some_and(|value| (filter.argument)(text(value, src)))
}

fn py_calls<'t>(
    root: Node<'t>,
    src: &str,
    filter: &CallFilter<'_>,
    aliases: &[String],
) -> Vec<Found<'t>> {
    let mut found = Vec::new();
    walk(root, |node| {
        let Some(call) = py::call(node) else {
            return true;
        };
        let name_text = text(call.name, src);
        let counts = (filter.function)(name_text)
            || aliases.iter().any(|a| a == name_text)
            || ((filter.constructor)(name_text)
                && call
                    .args
                    .iter()
                    .chain(call.kwargs.iter().map(|(_, v)| v))
                    .any(|a| {
                        (filter.argument)(text(*a, src))
                            || (a.kind_str() == "identifier"
                                && py::assignment_value(root, src, text(*a, src), a.start_byte())
                                    .is_some_and(|v| (filter.argument)(text(v, src))))
                    }));
        if counts {
            found.push((node, call.name, node.field("function")));
        }
        true
    });
    found
}

/// The callee as written when it is short and on one line, else the name.
fn callee_text(callee: Option<Node<'_>>, name: Node<'_>, src: &str) -> String {
    callee
        .map(|c| text(c, src))
        .filter(|t| t.len() <= 60 && !t.contains(['\n', '(']))
        .unwrap_or_else(|| text(name, src))
        .to_string()
}

/// The first table of `tables` the function at `function` (a span from
/// [`ScopedCall::function`]) uses, else the first column-like name
/// (a string, an object key, a keyword argument) `columns` matches.
pub fn touched(
    file: &ParsedFile,
    function: &Range<usize>,
    tables: Option<&TableSet>,
    columns: Option<&ColumnGlobs>,
) -> Option<String> {
    let tree = file.tree()?;
    let root = tree.root_node();
    let family = file.language.family();
    let scope = node_at(root, function, function_kinds(family))?;
    if let Some(tables) = tables {
        let mut table = None;
        table_references(
            file,
            root,
            scope,
            tables,
            &mut |_: Range<usize>, t: &str| {
                table.get_or_insert_with(|| t.to_string());
            },
        );
        if table.is_some() {
            return table;
        }
    }
    let columns = columns?;
    let src = file.text();
    let mut column = None;
    walk(scope, |node| {
        if column.is_some() {
            return false;
        }
        let name = match (family, node.kind_str()) {
            (Family::Js, "string" | "template_string") => {
                ts::string_literal(node, src).map(|s| s.with_placeholders())
            }
            (Family::Js, "shorthand_property_identifier") => Some(text(node, src).to_string()),
            (Family::Js, "property_identifier") => node
                .parent()
                .filter(|p| p.kind_str() == "pair")
                .map(|_| text(node, src).to_string()),
            (Family::Python, "string") => {
                py::string_literal(node, src).map(|s| s.with_placeholders())
            }
            (Family::Python, "keyword_argument") => {
                node.field("name").map(|n| text(n, src).to_string())
            }
            _ => None,
        };
        if let Some(name) = name.filter(|n| columns.is_match(n)) {
            column = Some(name);
        }
        true
    });
    column
}

/// The node of one of `kinds` spanning exactly `span`.
fn node_at<'t>(root: Node<'t>, span: &Range<usize>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut node = root.descendant_for_byte_range(span.start, span.end)?;
    loop {
        if node.byte_range() == *span && kinds.contains(&node.kind_str()) {
            return Some(node);
        }
        if node.byte_range() != *span {
            // The smallest node covering the span is larger than it.
            return None;
        }
        node = node.parent()?;
    }
}
