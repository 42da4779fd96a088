//! Python units: classes, with their bases and members.

use tree_sitter::Node;

use super::{Body, Member, Names, Unit};
use crate::facts::stubs::{last_segment, python_function_stub};
use crate::lang::tree::{named_children, text, walk, NodeExt};

/// Bases that say something about the class but supply no members.
const PYTHON_MARKER_BASES: &[&str] = &["ABC", "Protocol", "Generic", "object"];

pub(super) fn python_units(root: Node<'_>, src: &str, names: &Names<'_>) -> Vec<Unit> {
    let mut units = Vec::new();
    walk(root, |node| {
        if node.kind_str() == "class_definition" {
            if let Some(unit) = python_class(node, src, names) {
                units.push(unit);
            }
        }
        true
    });
    units
}

pub(super) fn python_class(node: Node<'_>, src: &str, names: &Names<'_>) -> Option<Unit> {
    let name = node.field("name")?;
    let mut unit = Unit {
        name: text(name, src).to_string(),
        span: name.byte_range(),
        nominal: true,
        ..Unit::default()
    };
    unit.is_definition = names.is_contract(&unit.name);
    let bases = node
        .field("superclasses")
        .map(named_children)
        .unwrap_or_default();
    for base in bases {
        match base.kind_str() {
            "comment" => {}
            "keyword_argument" => {
                let value = base.field("value").map_or("", |v| text(v, src));
                unit.is_abstract |= value.contains("ABCMeta");
            }
            "identifier" | "attribute" | "subscript" => {
                let Some(dotted) = crate::lang::python::dotted_name(base, src) else {
                    unit.open = true;
                    continue;
                };
                let simple = last_segment(&dotted).to_string();
                match simple.as_str() {
                    "ABC" => unit.is_abstract = true,
                    "Protocol" => unit.is_definition = true,
                    _ if PYTHON_MARKER_BASES.contains(&simple.as_str()) => {}
                    _ => unit.add_base(&simple, &dotted),
                }
            }
            _ => unit.open = true,
        }
    }
    let body = node.field("body")?;
    for statement in named_children(body) {
        python_member(statement, src, &mut unit.members);
    }
    // `self.revoke = ...` assignments in methods.
    walk(body, |n| {
        if n.kind_str() == "class_definition" {
            return false;
        }
        if n.kind_str() == "assignment" {
            let target = n.field("left").filter(|l| {
                l.kind_str() == "attribute"
                    && l.field("object").is_some_and(|o| text(o, src) == "self")
            });
            if let Some(attribute) = target.and_then(|t| t.field("attribute")) {
                let name = text(attribute, src);
                if names.is_member(name) {
                    unit.members.push(Member {
                        name: name.to_string(),
                        span: attribute.byte_range(),
                        body: Body::Value,
                    });
                }
            }
        }
        true
    });
    unit.is_abstract |= unit.members.iter().any(|m| m.body == Body::Abstract);
    Some(unit)
}

fn python_member(statement: Node<'_>, src: &str, members: &mut Vec<Member>) {
    match statement.kind_str() {
        "function_definition" => python_method(statement, &[], src, members),
        "decorated_definition" => {
            let decorators: Vec<&str> = named_children(statement)
                .into_iter()
                .filter(|d| d.kind_str() == "decorator")
                .map(|d| text(d, src))
                .collect();
            if let Some(def) = statement
                .field("definition")
                .filter(|d| d.kind_str() == "function_definition")
            {
                python_method(def, &decorators, src, members);
            }
        }
        "expression_statement" => {
            for assignment in named_children(statement)
                .into_iter()
                .filter(|a| a.kind_str() == "assignment")
            {
                if let Some(left) = assignment
                    .field("left")
                    .filter(|l| l.kind_str() == "identifier")
                {
                    members.push(Member {
                        name: text(left, src).to_string(),
                        span: left.byte_range(),
                        body: Body::Value,
                    });
                }
            }
        }
        _ => {}
    }
}

fn python_method(def: Node<'_>, decorators: &[&str], src: &str, members: &mut Vec<Member>) {
    let Some(name) = def.field("name") else {
        return;
    };
    let decorated = |word: &str| decorators.iter().any(|d| d.contains(word));
    let body = if decorated("abstractmethod") {
        Body::Abstract
    } else if decorated("property") || decorated("overload") {
        Body::Value
    } else {
        Body::Code(python_function_stub(def, src))
    };
    members.push(Member {
        name: text(name, src).to_string(),
        span: name.byte_range(),
        body,
    });
}
