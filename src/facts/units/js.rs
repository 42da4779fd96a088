//! TS/JS units: classes, and object literals typed, asserted, satisfied or
//! returned as the interface.

use std::collections::HashSet;
use std::ops::Range;

use tree_sitter::Node;

use super::{Body, Member, Names, Unit};
use crate::facts::stubs::{first_named, js_function_stub, js_unwrap};
use crate::lang::tree::{named_children, text, walk, NodeExt};
use crate::lang::typescript;

pub(super) fn js_units(root: Node<'_>, src: &str, names: &Names<'_>) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut objects = HashSet::new();
    walk(root, |node| {
        match node.kind_str() {
            "class_declaration" | "abstract_class_declaration" | "class"
                if node
                    .parent()
                    .is_none_or(|p| p.kind_str() != "ambient_declaration") =>
            {
                units.push(js_class(node, src, names));
            }
            "variable_declarator" => js_typed_variable(node, src, names, &mut objects, &mut units),
            "as_expression" | "satisfies_expression" | "type_assertion" => {
                js_asserted_object(node, src, names, &mut objects, &mut units)
            }
            "return_statement" => {
                if let Some(object) = first_named(node).and_then(js_object_value) {
                    let function = crate::lang::tree::ancestor(node, typescript::FUNCTION_KINDS);
                    js_returned_object(function, object, src, names, &mut objects, &mut units);
                }
            }
            "arrow_function" => {
                if let Some(object) = node.field("body").and_then(js_object_value) {
                    js_returned_object(Some(node), object, src, names, &mut objects, &mut units);
                }
            }
            _ => {}
        }
        true
    });
    units
}

/// The interface a type refers to (`Connector`, `ns.Connector`,
/// `Connector<T>`), as [`Names::type_ref`] gives it.
fn js_type_interface(ty: Node<'_>, src: &str, names: &Names<'_>) -> Option<String> {
    let name = match ty.kind_str() {
        "type_annotation" | "parenthesized_type" => {
            return js_type_interface(first_named(ty)?, src, names)
        }
        "type_identifier" | "nested_type_identifier" => text(ty, src),
        "generic_type" => return js_type_interface(ty.field("name")?, src, names),
        _ => return None,
    };
    names.type_ref(name)
}

fn js_generic_name<'a>(ty: Node<'_>, src: &'a str) -> Option<&'a str> {
    if ty.kind_str() != "generic_type" {
        return None;
    }
    let name = text(ty.field("name")?, src);
    Some(name.rsplit('.').next().unwrap_or(name))
}

fn js_type_arguments(ty: Node<'_>) -> Vec<Node<'_>> {
    ty.field("type_arguments")
        .map(named_children)
        .unwrap_or_default()
}

/// A declared return type promising the interface: `Connector`,
/// `Promise<Connector>`, `Connector | null`, `Connector & Extra`.
fn js_return_interface(ty: Node<'_>, src: &str, names: &Names<'_>) -> Option<String> {
    if let Some(found) = js_type_interface(ty, src, names) {
        return Some(found);
    }
    match ty.kind_str() {
        "type_annotation" | "parenthesized_type" => {
            js_return_interface(first_named(ty)?, src, names)
        }
        "generic_type" => match js_generic_name(ty, src)? {
            "Promise" | "PromiseLike" | "Awaitable" | "MaybePromise" => {
                js_return_interface(*js_type_arguments(ty).first()?, src, names)
            }
            _ => None,
        },
        "union_type" => {
            let parts = named_children(ty);
            let nullish = |t: &Node<'_>| {
                matches!(t.kind_str(), "literal_type" | "predefined_type")
                    && matches!(text(*t, src), "null" | "undefined" | "void")
            };
            let found: Vec<String> = parts
                .iter()
                .filter(|t| !nullish(t))
                .map(|t| js_return_interface(*t, src, names))
                .collect::<Option<_>>()?;
            found.into_iter().next()
        }
        "intersection_type" => named_children(ty)
            .into_iter()
            .find_map(|t| js_return_interface(t, src, names)),
        _ => None,
    }
}

/// The interface a JSDoc comment right before `node` (or its `export`)
/// gives with one of `tags`: `/** @type {Connector} */`.
fn js_doc_interface(node: Node<'_>, src: &str, tags: &[&str], names: &Names<'_>) -> Option<String> {
    let mut anchor = node;
    if anchor.kind_str() == "variable_declarator" {
        anchor = anchor.parent()?;
    }
    if let Some(export) = anchor
        .parent()
        .filter(|p| p.kind_str() == "export_statement")
    {
        anchor = export;
    }
    let comment = anchor
        .prev_named_sibling()
        .filter(|c| c.kind_str() == "comment")?;
    let between = src.get(comment.end_byte()..anchor.start_byte())?;
    if !between.trim().is_empty() {
        return None;
    }
    let doc = text(comment, src);
    tags.iter().find_map(|tag| {
        doc.match_indices(tag).find_map(|(i, _)| {
            let rest = crate::source::slice(doc, i + tag.len()..).trim_start();
            let ty = match rest.strip_prefix('{') {
                Some(inner) => inner.split('}').next()?,
                None => rest.split_whitespace().next()?,
            };
            let ty = ty.trim();
            let ty = ["Promise<", "PromiseLike<"]
                .iter()
                .find_map(|p| ty.strip_prefix(p).and_then(|t| t.strip_suffix('>')))
                .unwrap_or(ty);
            let base = ty.split('<').next().unwrap_or(ty).trim();
            names.type_ref(base)
        })
    })
}

fn keyword_span(node: Node<'_>, keyword: &str) -> Option<Range<usize>> {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).find(|c| c.kind_str() == keyword);
    found.map(|c| c.byte_range())
}

pub(super) fn js_class(node: Node<'_>, src: &str, names: &Names<'_>) -> Unit {
    let mut unit = Unit {
        is_abstract: node.kind_str() == "abstract_class_declaration",
        ..Unit::default()
    };
    let own_name = node.field("name");
    let binding = own_name.or_else(|| js_binding_name(node));
    let (name, span) = match binding {
        Some(n) => (text(n, src).to_string(), n.byte_range()),
        None => {
            let in_default_export = node
                .parent()
                .is_some_and(|p| p.kind_str() == "export_statement");
            let label = if in_default_export {
                "export default class"
            } else {
                "anonymous class"
            };
            let span =
                keyword_span(node, "class").unwrap_or(node.start_byte()..node.start_byte() + 1);
            (label.to_string(), span)
        }
    };
    unit.nominal = binding.is_some();
    unit.is_definition = own_name.is_some() && names.is_contract(&name);
    unit.name = name;
    unit.span = span;
    for part in named_children(node)
        .into_iter()
        .filter(|c| c.kind_str() == "class_heritage")
    {
        for clause in named_children(part) {
            match clause.kind_str() {
                "extends_clause" => match clause.field("value").map(|v| (v.kind_str(), v)) {
                    Some(("identifier", v)) => unit.add_base(text(v, src), text(v, src)),
                    Some(("member_expression", v)) => match v.field("property") {
                        Some(p) => unit.add_base(text(p, src), text(v, src)),
                        None => unit.open = true,
                    },
                    _ => unit.open = true,
                },
                "implements_clause" => unit.implements.extend(
                    named_children(clause)
                        .into_iter()
                        .filter_map(|t| js_type_interface(t, src, names)),
                ),
                _ => {}
            }
        }
    }
    if let Some(doc) = js_doc_interface(node, src, &["@implements", "@extends", "@augments"], names)
    {
        unit.implements.push(doc);
    }
    if let Some(body) = node.field("body") {
        js_class_members(body, src, names, &mut unit.members);
    }
    unit
}

/// The variable or property a class expression or object is bound to.
fn js_binding_name(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        match parent.kind_str() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => current = parent,
            "variable_declarator" => {
                return parent
                    .field("name")
                    .filter(|n| n.kind_str() == "identifier")
            }
            "pair" => return parent.field("key"),
            "assignment_expression" => {
                let left = parent.field("left")?;
                return Some(match left.kind_str() {
                    "member_expression" => left.field("property")?,
                    _ => left,
                });
            }
            _ => return None,
        }
    }
    None
}

fn js_member_name(key: Node<'_>, src: &str) -> Option<String> {
    match typescript::property_key(key, src) {
        Some(name) => Some(name.into_owned()),
        None => typescript::computed_key_string(key, src)
            .filter(|s| s.is_static())
            .map(|s| s.value),
    }
}

fn js_has_keyword(node: Node<'_>, keyword: &str) -> bool {
    keyword_span(node, keyword).is_some()
}

fn js_function_value(value: Node<'_>, src: &str) -> Body {
    match value.kind_str() {
        "arrow_function" | "function_expression" | "function" => {
            Body::Code(js_function_stub(value, src))
        }
        _ => Body::Value,
    }
}

fn js_class_members(body: Node<'_>, src: &str, names: &Names<'_>, members: &mut Vec<Member>) {
    for child in named_children(body) {
        let Some(key) = child.field("name") else {
            continue;
        };
        let Some(name) = js_member_name(key, src) else {
            continue;
        };
        let body = match child.kind_str() {
            "method_definition" => {
                if name == "constructor" {
                    js_parameter_properties(child, src, members);
                }
                if js_has_keyword(child, "get") || js_has_keyword(child, "set") {
                    Body::Value
                } else {
                    Body::Code(js_function_stub(child, src))
                }
            }
            "method_signature" => Body::Value,
            "abstract_method_signature" => Body::Abstract,
            "public_field_definition" if js_has_keyword(child, "abstract") => Body::Abstract,
            // `revoke?: () => Promise<void>;` declares the member and
            // supplies nothing.
            "public_field_definition"
                if js_has_keyword(child, "?") && child.field("value").is_none() =>
            {
                continue
            }
            "public_field_definition" => child
                .field("value")
                .map_or(Body::Value, |v| js_function_value(v, src)),
            _ => continue,
        };
        members.push(Member {
            name,
            span: key.byte_range(),
            body,
        });
    }
    // `this.revoke = ...` in the constructor or elsewhere.
    walk(body, |node| {
        if node.kind_str() == "assignment_expression" {
            let target = node.field("left").filter(|l| {
                l.kind_str() == "member_expression"
                    && l.field("object").is_some_and(|o| o.kind_str() == "this")
            });
            if let Some(property) = target.and_then(|t| t.field("property")) {
                let name = text(property, src);
                if names.is_member(name) {
                    members.push(Member {
                        name: name.to_string(),
                        span: property.byte_range(),
                        body: Body::Value,
                    });
                }
            }
        }
        true
    });
}

/// `constructor(readonly revoke: () => Promise<void>)` declares a member.
fn js_parameter_properties(constructor: Node<'_>, src: &str, members: &mut Vec<Member>) {
    let Some(parameters) = constructor.field("parameters") else {
        return;
    };
    for parameter in named_children(parameters) {
        let is_property = named_children(parameter)
            .iter()
            .any(|c| matches!(c.kind_str(), "accessibility_modifier" | "override_modifier"))
            || js_has_keyword(parameter, "readonly");
        let pattern = parameter
            .field("pattern")
            .filter(|p| p.kind_str() == "identifier");
        if let (true, Some(pattern)) = (is_property, pattern) {
            members.push(Member {
                name: text(pattern, src).to_string(),
                span: pattern.byte_range(),
                body: Body::Value,
            });
        }
    }
}

fn js_object_unit(
    object: Node<'_>,
    name: Option<(String, Range<usize>)>,
    interface: String,
    src: &str,
) -> Unit {
    let (name, span) = name.unwrap_or_else(|| {
        (
            "object literal".to_string(),
            object.start_byte()..object.start_byte() + 1,
        )
    });
    let mut unit = Unit {
        name,
        span,
        implements: vec![interface],
        ..Unit::default()
    };
    for child in named_children(object) {
        let (key, body) = match child.kind_str() {
            "spread_element" => {
                unit.open = true;
                continue;
            }
            "shorthand_property_identifier" => (child, Body::Value),
            "pair" => {
                let Some(key) = child.field("key") else {
                    continue;
                };
                let value = child.field("value");
                (
                    key,
                    value.map_or(Body::Value, |v| js_function_value(v, src)),
                )
            }
            "method_definition" => {
                let Some(key) = child.field("name") else {
                    continue;
                };
                let accessor = js_has_keyword(child, "get") || js_has_keyword(child, "set");
                (
                    key,
                    if accessor {
                        Body::Value
                    } else {
                        Body::Code(js_function_stub(child, src))
                    },
                )
            }
            _ => continue,
        };
        if let Some(name) = js_member_name(key, src) {
            unit.members.push(Member {
                name,
                span: key.byte_range(),
                body,
            });
        }
    }
    unit
}

fn js_push_object(
    object: Node<'_>,
    name: Option<(String, Range<usize>)>,
    interface: String,
    src: &str,
    objects: &mut HashSet<usize>,
    units: &mut Vec<Unit>,
) {
    if objects.insert(object.start_byte()) {
        units.push(js_object_unit(object, name, interface, src));
    }
}

/// The object literal a value is, seeing through parentheses: a cast
/// (`{...} as unknown as Connector`, `as any`) says the object is knowingly
/// partial.
fn js_object_value(mut value: Node<'_>) -> Option<Node<'_>> {
    // Parentheses, and `as const` (an `as_expression` with no type node).
    while value.kind_str() == "parenthesized_expression"
        || (value.kind_str() == "as_expression" && value.named_child_count() == 1)
    {
        value = first_named(value)?;
    }
    Some(value).filter(|v| v.kind_str() == "object")
}

/// `const x: Connector = {...}`, `const all: Connector[] = [{...}]`,
/// `const byId: Record<string, Connector> = { a: {...} }`, and the JSDoc
/// `@type` forms.
fn js_typed_variable(
    declarator: Node<'_>,
    src: &str,
    names: &Names<'_>,
    objects: &mut HashSet<usize>,
    units: &mut Vec<Unit>,
) {
    let (Some(name), Some(value)) = (declarator.field("name"), declarator.field("value")) else {
        return;
    };
    let ty = declarator.field("type").and_then(|t| first_named(t));
    let named = || Some((text(name, src).to_string(), name.byte_range()));
    let direct = ty
        .and_then(|t| js_type_interface(t, src, names))
        .or_else(|| js_doc_interface(declarator, src, &["@type", "@satisfies"], names));
    if let Some(interface) = direct {
        if let Some(object) = js_object_value(value) {
            js_push_object(object, named(), interface, src, objects, units);
        }
        return;
    }
    let Some(ty) = ty else {
        return;
    };
    let element = match ty.kind_str() {
        "array_type" => first_named(ty).and_then(|t| js_type_interface(t, src, names)),
        "generic_type" if matches!(js_generic_name(ty, src), Some("Array" | "ReadonlyArray")) => {
            js_type_arguments(ty)
                .first()
                .and_then(|t| js_type_interface(*t, src, names))
        }
        _ => None,
    };
    let value = js_unwrap(value);
    if let Some(interface) = element {
        if value.kind_str() == "array" {
            for item in named_children(value) {
                if let Some(object) = js_object_value(item) {
                    js_push_object(object, None, interface.clone(), src, objects, units);
                }
            }
        }
        return;
    }
    let record = match ty.kind_str() {
        "generic_type" if js_generic_name(ty, src) == Some("Record") => js_type_arguments(ty)
            .get(1)
            .and_then(|t| js_type_interface(*t, src, names)),
        _ => None,
    };
    if let (Some(interface), "object") = (record, value.kind_str()) {
        for pair in named_children(value)
            .into_iter()
            .filter(|p| p.kind_str() == "pair")
        {
            let (Some(key), Some(item)) = (pair.field("key"), pair.field("value")) else {
                continue;
            };
            if let Some(object) = js_object_value(item) {
                let name = js_member_name(key, src).map(|n| (n, key.byte_range()));
                js_push_object(object, name, interface.clone(), src, objects, units);
            }
        }
    }
}

/// `{...} as Connector`, `{...} satisfies Connector`, `<Connector>{...}`.
fn js_asserted_object(
    node: Node<'_>,
    src: &str,
    names: &Names<'_>,
    objects: &mut HashSet<usize>,
    units: &mut Vec<Unit>,
) {
    let children = named_children(node);
    let (expression, ty) = if node.kind_str() == "type_assertion" {
        let ty = children
            .iter()
            .find(|c| c.kind_str() == "type_arguments")
            .and_then(|t| first_named(*t));
        (
            children
                .iter()
                .find(|c| c.kind_str() != "type_arguments")
                .copied(),
            ty,
        )
    } else {
        (children.first().copied(), children.get(1).copied())
    };
    let (Some(expression), Some(ty)) = (expression, ty) else {
        return;
    };
    let Some(interface) = js_type_interface(ty, src, names) else {
        return;
    };
    let Some(object) = js_object_value(expression) else {
        return;
    };
    let name = match js_binding_name(object) {
        Some(n) => Some((text(n, src).to_string(), n.byte_range())),
        None => {
            let mut top = node;
            while let Some(p) = top
                .parent()
                .filter(|p| p.kind_str() == "parenthesized_expression")
            {
                top = p;
            }
            top.parent()
                .filter(|p| p.kind_str() == "export_statement")
                .map(|_| {
                    (
                        "export default".to_string(),
                        object.start_byte()..object.start_byte() + 1,
                    )
                })
        }
    };
    js_push_object(object, name, interface, src, objects, units);
}

/// An object returned from a function whose return type is the interface.
fn js_returned_object(
    function: Option<Node<'_>>,
    object: Node<'_>,
    src: &str,
    names: &Names<'_>,
    objects: &mut HashSet<usize>,
    units: &mut Vec<Unit>,
) {
    let Some(function) = function else {
        return;
    };
    let interface = function
        .field("return_type")
        .and_then(|t| js_return_interface(t, src, names))
        .or_else(|| js_doc_interface(function, src, &["@returns", "@return"], names));
    let Some(interface) = interface else {
        return;
    };
    let name = typescript::function_name(function).map(|n| {
        (
            format!("{}()", text(n, src)),
            object.start_byte()..object.start_byte() + 1,
        )
    });
    js_push_object(object, name, interface, src, objects, units);
}
