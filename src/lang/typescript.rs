//! TypeScript/TSX/JavaScript helpers over the tree-sitter-typescript grammar.

use crate::lang::tree::NodeExt;
use tree_sitter::Node;

use super::tree::{named_children, text, StrLit};

/// Reads a `string` or `template_string` node. Escapes are kept as written.
pub fn string_literal(node: Node<'_>, src: &str) -> Option<StrLit> {
    match node.kind_str() {
        "string" => {
            let mut lit = StrLit::empty(node.byte_range());
            let inner_start = node.start_byte() + 1;
            let inner_end = node.end_byte().saturating_sub(1).max(inner_start);
            lit.push_piece(inner_start, src.get(inner_start..inner_end)?);
            Some(lit)
        }
        "template_string" => {
            let mut lit = StrLit::empty(node.byte_range());
            let mut cursor = node.start_byte() + 1;
            let end = node.end_byte().saturating_sub(1).max(cursor);
            for child in named_children(node) {
                if child.kind_str() == "template_substitution" {
                    lit.push_piece(cursor, src.get(cursor..child.start_byte())?);
                    lit.push_substitution();
                    cursor = child.end_byte();
                }
            }
            lit.push_piece(cursor, src.get(cursor..end)?);
            Some(lit)
        }
        _ => None,
    }
}

/// Folds a string expression: literals, parenthesised literals and `+`
/// concatenations of foldable parts. Other operands become substitutions.
pub fn fold_string(node: Node<'_>, src: &str) -> Option<StrLit> {
    super::tree::fold_concatenation(
        node,
        src,
        "binary_expression",
        &["string", "template_string"],
        string_literal,
    )
}

/// A call `callee(args)` seen as `receiver.method(args)` when it is a member
/// call. Optional chaining (`a?.b()`) reads the same.
pub struct Call<'t> {
    pub node: Node<'t>,
    pub receiver: Option<Node<'t>>,
    /// The method or function name, e.g. `from` in `supabase.from(...)`.
    pub name: Node<'t>,
    pub args: Vec<Node<'t>>,
}

pub fn call<'t>(node: Node<'t>) -> Option<Call<'t>> {
    if node.kind_str() != "call_expression" {
        return None;
    }
    let function = node.field("function")?;
    let arguments = node.field("arguments")?;
    if arguments.kind_str() != "arguments" {
        // Tagged template: sql`...`.
        return None;
    }
    let args = named_children(arguments)
        .into_iter()
        .filter(|n| n.kind_str() != "comment")
        .collect();
    let (receiver, name) = match function.kind_str() {
        "member_expression" => (function.field("object"), function.field("property")?),
        "identifier" => (None, function),
        _ => return None,
    };
    Some(Call {
        node,
        receiver,
        name,
        args,
    })
}

/// The method or function name of a call, as [`call`] would give it,
/// without collecting the arguments: the cheap test a tree walk makes on
/// every call before it looks further.
pub fn call_name<'a>(node: Node<'_>, src: &'a str) -> Option<&'a str> {
    if node.kind_str() != "call_expression" {
        return None;
    }
    let function = node.field("function")?;
    let name = match function.kind_str() {
        "member_expression" => function.field("property")?,
        "identifier" => function,
        _ => return None,
    };
    Some(text(name, src))
}

/// Strips `await`, parentheses, `!` non-null assertions and `as`/`satisfies`
/// wrappers to reach the expression underneath.
pub fn unwrap_expression(mut node: Node<'_>) -> Node<'_> {
    loop {
        let inner = match node.kind_str() {
            "await_expression" | "parenthesized_expression" | "non_null_expression" => {
                node.named_child(0)
            }
            "as_expression" | "satisfies_expression" | "type_assertion" => node.named_child(0),
            _ => None,
        };
        match inner {
            Some(n) => node = n,
            None => return node,
        }
    }
}

/// Walks down a method chain (`a.b().c().d()`) from the outermost call,
/// yielding each call on the way to the root receiver.
pub fn chain_calls<'t>(start: Node<'t>) -> Vec<Call<'t>> {
    let mut calls = Vec::new();
    let mut current = Some(unwrap_expression(start));
    while let Some(node) = current {
        match node.kind_str() {
            "call_expression" => {
                let Some(c) = call(node) else { break };
                current = c.receiver.map(unwrap_expression);
                calls.push(c);
            }
            "member_expression" => current = node.field("object").map(unwrap_expression),
            _ => break,
        }
    }
    calls
}

/// The name of a function-like node: declarations, methods, and functions
/// assigned to a variable, property or class field.
pub fn function_name<'t>(node: Node<'t>) -> Option<Node<'t>> {
    match node.kind_str() {
        "function_declaration" | "generator_function_declaration" | "method_definition" => {
            node.field("name")
        }
        "arrow_function" | "function_expression" | "function" | "generator_function" => {
            let parent = node.parent()?;
            match parent.kind_str() {
                "variable_declarator" => parent.field("name"),
                "pair" => parent.field("key"),
                "public_field_definition" | "field_definition" => parent.field("name"),
                "assignment_expression" => {
                    let left = parent.field("left")?;
                    match left.kind_str() {
                        "member_expression" => left.field("property"),
                        _ => Some(left),
                    }
                }
                _ => node.field("name"),
            }
        }
        _ => None,
    }
}

pub const FUNCTION_KINDS: &[&str] = &[
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
    "arrow_function",
    "function_expression",
    "function",
    "generator_function",
];

/// The text of a property key: identifier, string or number keys. Computed
/// keys return `None` (see [`computed_key_string`]).
pub fn property_key<'a>(key: Node<'_>, src: &'a str) -> Option<std::borrow::Cow<'a, str>> {
    match key.kind_str() {
        "property_identifier"
        | "identifier"
        | "shorthand_property_identifier"
        | "number"
        | "private_property_identifier" => Some(text(key, src).into()),
        "string" => string_literal(key, src).map(|s| s.value.into()),
        _ => None,
    }
}

/// The string behind a computed key `[`...`]`, when it is a literal.
pub fn computed_key_string(key: Node<'_>, src: &str) -> Option<StrLit> {
    if key.kind_str() != "computed_property_name" {
        return None;
    }
    fold_string(key.named_child(0)?, src)
}

/// Finds the initializer of `const NAME = <expr>` declared at any level of
/// the file, choosing the nearest declaration before `before`.
pub fn const_initializer<'t>(
    root: Node<'t>,
    src: &str,
    name: &str,
    before: usize,
) -> Option<Node<'t>> {
    // The declarations of each name are read once per tree (per thread):
    // rules resolve a constant at every use, and a walk of the file per use
    // is quadratic in a large module.
    thread_local! {
        static INDEX: std::cell::RefCell<DeclaratorIndex> = Default::default();
    }
    let (start, end) = INDEX.with(|index| {
        let mut index = index.borrow_mut();
        let key = (src.as_ptr() as usize, src.len(), root.id());
        if index.key != Some(key) {
            *index = DeclaratorIndex::build(root, src);
            index.key = Some(key);
        }
        index
            .by_name
            .get(name)?
            .iter()
            .filter(|(start, _)| *start <= before)
            .max_by_key(|(start, _)| *start)
            .copied()
    })?;
    let declarator = root.descendant_for_byte_range(start, end)?;
    if declarator.kind_str() != "variable_declarator" {
        return None;
    }
    declarator.field("value")
}

/// Every `NAME = <expr>` declarator of a tree: the name, and its bytes.
#[derive(Default)]
struct DeclaratorIndex {
    key: Option<(usize, usize, usize)>,
    by_name: std::collections::HashMap<String, Vec<(usize, usize)>>,
}

impl DeclaratorIndex {
    fn build(root: Node<'_>, src: &str) -> DeclaratorIndex {
        let mut index = DeclaratorIndex::default();
        super::tree::walk(root, |node| {
            if node.kind_str() == "variable_declarator" && node.field("value").is_some() {
                if let Some(name) = node.field("name").filter(|n| n.kind_str() == "identifier") {
                    index
                        .by_name
                        .entry(text(name, src).to_string())
                        .or_default()
                        .push((node.start_byte(), node.end_byte()));
                }
            }
            true
        });
        index
    }
}
