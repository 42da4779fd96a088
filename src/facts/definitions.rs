//! The functions a file defines, by name: declarations, methods, and
//! names bound to function values.

use std::ops::Range;

use tree_sitter::Node;

use crate::lang::tree::{text, walk, NodeExt};
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};

/// A function a file defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The name as defined (`#private` without its `#`).
    pub name: String,
    /// The name where it is defined.
    pub span: Range<usize>,
}

/// Functions a TS/JS file defines: function declarations, methods, class
/// fields, variables, object keys and assignments whose value is a
/// function (or a call wrapping one, `useCallback(async () => …)`); in
/// Python, `def`, `async def` and `name = lambda …`.
pub fn function_definitions(file: &ParsedFile) -> Vec<Definition> {
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    match file.language.family() {
        Family::Js => ts_definitions(tree.root_node(), file.text()),
        Family::Python => py_definitions(tree.root_node(), file.text()),
        _ => Vec::new(),
    }
}

/// Names of the functions a JS-family file defines, with the name's span.
fn ts_definitions(root: Node<'_>, src: &str) -> Vec<Definition> {
    let mut found = Vec::new();
    walk(root, |node| {
        let name = match node.kind_str() {
            "function_declaration" | "generator_function_declaration" | "method_definition" => {
                node.field("name")
            }
            "variable_declarator" | "public_field_definition" | "field_definition" => node
                .field("value")
                .filter(|v| ts_defines_function(*v))
                .and_then(|_| node.field("name")),
            "pair" => node
                .field("value")
                .filter(|v| ts_defines_function(*v))
                .and_then(|_| node.field("key")),
            "assignment_expression" => node
                .field("right")
                .filter(|v| ts_defines_function(*v))
                .and_then(|_| node.field("left"))
                .and_then(|left| match left.kind_str() {
                    "member_expression" => left.field("property"),
                    "identifier" => Some(left),
                    _ => None,
                }),
            _ => None,
        };
        if let Some(name) = name {
            let written = match name.kind_str() {
                "identifier" | "property_identifier" | "private_property_identifier" => {
                    Some(text(name, src).trim_start_matches('#').to_string())
                }
                _ => ts::property_key(name, src).map(|k| k.into_owned()),
            };
            if let Some(written) = written {
                found.push(Definition {
                    name: written,
                    span: name.byte_range(),
                });
            }
        }
        true
    });
    found
}

const TS_FUNCTION_VALUES: &[&str] = &[
    "arrow_function",
    "function_expression",
    "function",
    "generator_function",
];

/// Whether a value is a function: a function expression, or a call that
/// wraps one (`useCallback(async () => …, [])`, `withAuth(function () {…})`).
fn ts_defines_function(value: Node<'_>) -> bool {
    let value = ts::unwrap_expression(value);
    if TS_FUNCTION_VALUES.contains(&value.kind_str()) {
        return true;
    }
    ts::call(value).is_some_and(|call| {
        call.args
            .iter()
            .any(|a| TS_FUNCTION_VALUES.contains(&ts::unwrap_expression(*a).kind_str()))
    })
}

/// Names of the functions a Python file defines: `def`, `async def`, and
/// `name = lambda …`.
fn py_definitions(root: Node<'_>, src: &str) -> Vec<Definition> {
    let mut found = Vec::new();
    walk(root, |node| {
        let name = match node.kind_str() {
            "function_definition" => node.field("name"),
            "assignment" => node
                .field("right")
                .filter(|r| py::unwrap_expression(*r).kind_str() == "lambda")
                .and_then(|_| node.field("left"))
                .and_then(|left| match left.kind_str() {
                    "identifier" => Some(left),
                    "attribute" => left.field("attribute"),
                    _ => None,
                }),
            _ => None,
        };
        if let Some(name) = name {
            found.push(Definition {
                name: text(name, src).to_string(),
                span: name.byte_range(),
            });
        }
        true
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;
    use crate::source::SourceFile;
    use std::sync::Arc;

    fn names(path: &str, src: &str) -> Vec<String> {
        let language = Language::from_path(path).unwrap();
        let file = ParsedFile::new(Arc::new(SourceFile::in_memory(path, src)), language);
        function_definitions(&file)
            .into_iter()
            .map(|d| {
                assert_eq!(&src[d.span.clone()].trim_start_matches('#'), &d.name);
                d.name
            })
            .collect()
    }

    #[test]
    fn functions_by_name() {
        assert_eq!(
            names(
                "x.ts",
                "function a() {}\nconst b = () => 1;\nconst c = 1;\nclass K { d() {} #e = function () {}; }\nx.f = useCallback(async () => {}, []);"
            ),
            vec!["a", "b", "d", "e", "f"]
        );
        assert_eq!(
            names(
                "x.py",
                "def a(): pass\nb = lambda: 1\nc = 1\nself.d = lambda x: x\n"
            ),
            vec!["a", "b", "d"]
        );
    }
}
