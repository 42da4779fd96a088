//! Python helpers over the tree-sitter-python grammar.

use crate::lang::tree::NodeExt;
use tree_sitter::Node;

use super::tree::{named_children, text, StrLit};

/// Reads a `string` node (any prefix: r, b, f, u; any quotes) or an
/// implicit concatenation of adjacent literals.
pub fn string_literal(node: Node<'_>, src: &str) -> Option<StrLit> {
    match node.kind_str() {
        "string" => {
            let mut lit = StrLit::empty(node.byte_range());
            let children = named_children(node);
            let start = children.iter().find(|c| c.kind_str() == "string_start")?;
            let end = children.iter().rev().find(|c| c.kind_str() == "string_end");
            let mut cursor = start.end_byte();
            let stop = end.map_or(node.end_byte(), |e| e.start_byte());
            for child in &children {
                if child.kind_str() == "interpolation" {
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
            .filter(|c| c.kind_str() == "string")
            .filter_map(|c| string_literal(c, src))
            .reduce(StrLit::concat),
        _ => None,
    }
}

/// Folds literals joined with `+` as well as adjacent literals. Operands
/// that are not strings become substitutions, as in TypeScript.
pub fn fold_string(node: Node<'_>, src: &str) -> Option<StrLit> {
    super::tree::fold_concatenation(
        node,
        src,
        "binary_operator",
        &["string", "concatenated_string"],
        string_literal,
    )
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

/// The name a call calls (`f` in `f(…)`, `m` in `x.m(…)`), read without
/// collecting its arguments: a cheap test before [`call`].
pub fn call_name<'a>(node: Node<'_>, src: &'a str) -> Option<&'a str> {
    if node.kind_str() != "call" {
        return None;
    }
    let function = node.field("function")?;
    let name = match function.kind_str() {
        "attribute" => function.field("attribute")?,
        "identifier" => function,
        _ => return None,
    };
    Some(text(name, src))
}

pub fn call<'t>(node: Node<'t>) -> Option<Call<'t>> {
    if node.kind_str() != "call" {
        return None;
    }
    let function = node.field("function")?;
    let arguments = node.field("arguments")?;
    let (receiver, name) = match function.kind_str() {
        "attribute" => (function.field("object"), function.field("attribute")?),
        "identifier" => (None, function),
        _ => return None,
    };
    let mut args = Vec::new();
    let mut kwargs = Vec::new();
    for arg in named_children(arguments) {
        match arg.kind_str() {
            "keyword_argument" => {
                if let (Some(n), Some(v)) = (arg.field("name"), arg.field("value")) {
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
    while matches!(node.kind_str(), "await" | "parenthesized_expression") {
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
        match node.kind_str() {
            "call" => {
                let Some(c) = call(node) else { break };
                current = c.receiver.map(unwrap_expression);
                calls.push(c);
            }
            "attribute" => current = node.field("object").map(unwrap_expression),
            _ => break,
        }
    }
    calls
}

/// The dotted name of an expression such as `base.Connector`, if it is one.
pub fn dotted_name(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "identifier" => Some(text(node, src).to_string()),
        "attribute" => Some(text(node, src).split_whitespace().collect()),
        "subscript" => dotted_name(node.field("value")?, src),
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
    // Where each name is assigned is read once per tree (per thread): rules
    // resolve a constant for every call that names one, and a walk of the
    // file per lookup is quadratic in a large module.
    thread_local! {
        static INDEX: std::cell::RefCell<AssignmentIndex> = Default::default();
    }
    let (start, end) = INDEX.with(|index| {
        let mut index = index.borrow_mut();
        let key = (src.as_ptr() as usize, src.len(), root.id());
        if index.key != Some(key) {
            *index = AssignmentIndex::build(root, src);
            index.key = Some(key);
        }
        index
            .by_name
            .get(name)?
            .iter()
            .filter(|(_, end)| *end <= before)
            .max_by_key(|(start, _)| *start)
            .copied()
    })?;
    let assignment = root.descendant_for_byte_range(start, end)?;
    if assignment.kind_str() != "assignment" {
        return None;
    }
    assignment.field("right")
}

/// Every `NAME = <expr>` of a tree: the name, and the assignment's bytes.
#[derive(Default)]
struct AssignmentIndex {
    key: Option<(usize, usize, usize)>,
    by_name: std::collections::HashMap<String, Vec<(usize, usize)>>,
}

impl AssignmentIndex {
    fn build(root: Node<'_>, src: &str) -> AssignmentIndex {
        let mut index = AssignmentIndex::default();
        super::tree::walk(root, |node| {
            if node.kind_str() == "assignment" && node.field("right").is_some() {
                if let Some(left) = node.field("left").filter(|l| l.kind_str() == "identifier") {
                    index
                        .by_name
                        .entry(text(left, src).to_string())
                        .or_default()
                        .push((node.start_byte(), node.end_byte()));
                }
            }
            true
        });
        index
    }
}
