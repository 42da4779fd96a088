//! Python helpers over the tree-sitter-python grammar.

use tree_sitter::Node;

use super::tree::{named_children, text, StrLit};

/// Reads a `string` node (any prefix: r, b, f, u; any quotes) or an
/// implicit concatenation of adjacent literals.
pub fn string_literal(node: Node<'_>, src: &str) -> Option<StrLit> {
    match node.kind() {
        "string" => {
            let mut lit = StrLit::empty(node.byte_range());
            let children = named_children(node);
            let start = children.iter().find(|c| c.kind() == "string_start")?;
            let end = children.iter().rev().find(|c| c.kind() == "string_end");
            let mut cursor = start.end_byte();
            let stop = end.map_or(node.end_byte(), |e| e.start_byte());
            for child in &children {
                if child.kind() == "interpolation" {
                    lit.push_piece(cursor, src.get(cursor..child.start_byte())?);
                    lit.push_substitution();
                    cursor = child.end_byte();
                }
            }
            lit.push_piece(cursor, src.get(cursor..stop.max(cursor))?);
            Some(lit)
        }
        "concatenated_string" => named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "string")
            .filter_map(|c| string_literal(c, src))
            .reduce(StrLit::concat),
        _ => None,
    }
}

/// Folds literals joined with `+` as well as adjacent literals. Operands
/// that are not strings become substitutions, as in TypeScript.
pub fn fold_string(node: Node<'_>, src: &str) -> Option<StrLit> {
    match node.kind() {
        "string" | "concatenated_string" => string_literal(node, src),
        "parenthesized_expression" => fold_string(node.named_child(0)?, src),
        "binary_operator" => {
            let operator = node.child_by_field_name("operator")?;
            if text(operator, src) != "+" {
                return None;
            }
            let left = node.child_by_field_name("left")?;
            let right = node.child_by_field_name("right")?;
            let substitution = |n: Node<'_>| {
                let mut sub = StrLit::empty(n.byte_range());
                sub.push_substitution();
                sub
            };
            match (fold_string(left, src), fold_string(right, src)) {
                (Some(l), Some(r)) => Some(l.concat(r)),
                (Some(l), None) => Some(l.concat(substitution(right))),
                (None, Some(r)) => Some(substitution(left).concat(r)),
                (None, None) => None,
            }
        }
        _ => None,
    }
}

/// A call seen as `receiver.name(args)`.
pub struct Call<'t> {
    pub node: Node<'t>,
    pub receiver: Option<Node<'t>>,
    pub name: Node<'t>,
    /// Positional arguments.
    pub args: Vec<Node<'t>>,
    /// Keyword arguments as (name, value).
    pub kwargs: Vec<(Node<'t>, Node<'t>)>,
}

pub fn call<'t>(node: Node<'t>) -> Option<Call<'t>> {
    if node.kind() != "call" {
        return None;
    }
    let function = node.child_by_field_name("function")?;
    let arguments = node.child_by_field_name("arguments")?;
    let (receiver, name) = match function.kind() {
        "attribute" => (
            function.child_by_field_name("object"),
            function.child_by_field_name("attribute")?,
        ),
        "identifier" => (None, function),
        _ => return None,
    };
    let mut args = Vec::new();
    let mut kwargs = Vec::new();
    for arg in named_children(arguments) {
        match arg.kind() {
            "keyword_argument" => {
                if let (Some(n), Some(v)) = (
                    arg.child_by_field_name("name"),
                    arg.child_by_field_name("value"),
                ) {
                    kwargs.push((n, v));
                }
            }
            "comment" => {}
            _ => args.push(arg),
        }
    }
    Some(Call {
        node,
        receiver,
        name,
        args,
        kwargs,
    })
}

/// Strips `await` and parentheses.
pub fn unwrap_expression(mut node: Node<'_>) -> Node<'_> {
    while matches!(node.kind(), "await" | "parenthesized_expression") {
        match node.named_child(0) {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

/// Calls along a method chain, outermost first.
pub fn chain_calls<'t>(start: Node<'t>) -> Vec<Call<'t>> {
    let mut calls = Vec::new();
    let mut current = Some(unwrap_expression(start));
    while let Some(node) = current {
        match node.kind() {
            "call" => {
                let Some(c) = call(node) else { break };
                current = c.receiver.map(unwrap_expression);
                calls.push(c);
            }
            "attribute" => current = node.child_by_field_name("object").map(unwrap_expression),
            _ => break,
        }
    }
    calls
}

/// The dotted name of an expression such as `base.Connector`, if it is one.
pub fn dotted_name(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind() {
        "identifier" => Some(text(node, src).to_string()),
        "attribute" => Some(text(node, src).split_whitespace().collect()),
        "subscript" => dotted_name(node.child_by_field_name("value")?, src),
        _ => None,
    }
}

/// Finds `NAME = <expr>` assignments that end before `before`, nearest last.
pub fn assignment_value<'t>(
    root: Node<'t>,
    src: &str,
    name: &str,
    before: usize,
) -> Option<Node<'t>> {
    let mut best = None;
    super::tree::walk(root, |node| {
        if node.start_byte() > before {
            return false;
        }
        if node.kind() == "assignment" {
            if let (Some(l), Some(r)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) {
                // `x = f(x)` does not define the `x` it reads.
                if l.kind() == "identifier" && text(l, src) == name && node.end_byte() <= before {
                    best = Some(r);
                }
            }
        }
        true
    });
    best
}
