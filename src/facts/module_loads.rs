//! The modules a file loads when it runs: TS/JS imports, re-exports,
//! `require('m')` and `import('m')`; Python `import`, `from … import` and
//! `importlib.import_module("m")` / `__import__("m")`. Type-only imports
//! (`import type`, `typeof import('m')`, `if TYPE_CHECKING:`) load nothing
//! and are left out.

use std::ops::Range;

use tree_sitter::Node;

use crate::facts::urls::js_dynamic_import;
use crate::lang::tree::{self, named_children, text, NodeExt, StrLit};
use crate::lang::{python, typescript, Family, ParsedFile};

/// One module a statement or call names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedName {
    /// The specifier (`@googleapis/drive`) or dotted module
    /// (`googleapiclient.discovery`), whitespace dropped.
    pub module: String,
    /// Where it is written.
    pub span: Range<usize>,
}

/// What one import statement or loading call loads: one module, or for
/// Python's `import a, b` each in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    pub names: Vec<LoadedName>,
}

/// Every runtime load of a TS/JS or Python file, in source order.
pub fn loads(file: &ParsedFile) -> Vec<Load> {
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    match file.language.family() {
        Family::Js => js_loads(tree.root_node(), file.text()),
        Family::Python => python_loads(tree.root_node(), file.text()),
        _ => Vec::new(),
    }
}

fn js_loads(root: Node<'_>, src: &str) -> Vec<Load> {
    let mut loads = Vec::new();
    tree::walk(root, |node| {
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
        let lit = source.and_then(|s| typescript::string_literal(s, src).filter(StrLit::is_static));
        if let Some(lit) = lit {
            loads.push(Load {
                names: vec![LoadedName {
                    span: lit.file_span(0..lit.value.len()),
                    module: lit.value,
                }],
            });
        }
        true
    });
    loads
}

fn python_loads(root: Node<'_>, src: &str) -> Vec<Load> {
    let mut loads = Vec::new();
    tree::walk(root, |node| {
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
                    loads.push(Load {
                        names: vec![LoadedName {
                            module: lit.value.trim().to_string(),
                            span: lit.file_span(0..lit.value.len()),
                        }],
                    });
                }
                return true;
            }
            _ => return true,
        };
        if python_type_checking_only(node, src) {
            return false;
        }
        if !names.is_empty() {
            loads.push(Load {
                names: names
                    .into_iter()
                    .map(|n| LoadedName {
                        module: text(n, src).split_whitespace().collect(),
                        span: n.byte_range(),
                    })
                    .collect(),
            });
        }
        false
    });
    loads
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
    use crate::lang::Language;
    use crate::source::SourceFile;
    use std::sync::Arc;

    fn modules(path: &str, src: &str) -> Vec<Vec<String>> {
        let language = Language::from_path(path).unwrap();
        let file = ParsedFile::new(Arc::new(SourceFile::in_memory(path, src)), language);
        loads(&file)
            .into_iter()
            .map(|l| l.names.into_iter().map(|n| n.module).collect())
            .collect()
    }

    #[test]
    fn runtime_loads_only() {
        let js =
            "import { a } from 'a';\nimport type { B } from 'b';\nimport { type C } from 'c';\n\
                  export * from 'd';\nexport type { E } from 'e';\nconst f = require('f');\n\
                  type G = typeof import('g');\nconst h = await import('h');";
        assert_eq!(
            modules("x.ts", js),
            vec![vec!["a"], vec!["d"], vec!["f"], vec!["h"]]
        );
        let py = "import os, googleapiclient.discovery as d\nfrom . import x\nfrom boto3 import client\n\
                  if TYPE_CHECKING:\n    import typing_only\nm = importlib.import_module(\" stripe \")\n";
        assert_eq!(
            modules("x.py", py),
            vec![
                vec!["os", "googleapiclient.discovery"],
                vec!["boto3"],
                vec!["stripe"],
            ]
        );
    }
}
