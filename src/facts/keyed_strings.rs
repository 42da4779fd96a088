//! Fixed strings set under a named key, in the forms code builds request
//! parameters with: object and dict entries, keyword arguments, setter calls
//! (`params.set(key, value)`), subscript and member assignments, and
//! `[key, value]` pairs; each with the keys beside it and whether its
//! container goes to a query-string builder (`new URLSearchParams(…)`,
//! `qs.stringify(…)`, `urlencode(…)`). Also the calls a caller names, and
//! where the file's functions are, in the same pass.

use std::ops::Range;

use tree_sitter::Node;

use crate::lang::tree::{named_children, text, walk, NodeExt, StrLit};
use crate::lang::{python, typescript, Family, ParsedFile};

/// What one pass over a TS/JS or Python file found, in source order.
#[derive(Debug, Default)]
pub struct KeyedStrings {
    pub found: Vec<Found>,
    /// Every function, method and lambda.
    pub functions: Vec<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A call whose function or method name the caller asked for.
    Call {
        name: String,
        name_span: Range<usize>,
        span: Range<usize>,
    },
    /// A fixed string set under the asked key.
    Keyed(KeyedString),
}

/// A fixed string set under the asked key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedString {
    pub value: String,
    /// The whole setting: the entry, keyword argument, call, assignment or
    /// pair.
    pub span: Range<usize>,
    pub form: Form,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// `{ key: 'v' }` / `{"key": "v"}`, with the keys of its object or dict
    /// (itself included).
    Entry {
        keys: Vec<String>,
        in_query_builder: bool,
    },
    /// `f(key="v")`, with the call's keyword names (itself included);
    /// `dict(key="v")` passed to a query-string builder is in one.
    Keyword {
        keys: Vec<String>,
        in_query_builder: bool,
    },
    /// `params.set('key', 'v')`, `.append('key', 'v')`.
    Setter,
    /// `params['key'] = 'v'`, `params.key = 'v'`.
    Assignment,
    /// `['key', 'v']` / `("key", "v")`: in a query-string builder when its
    /// list is the builder's argument.
    Pair { in_query_builder: bool },
}

/// Reads a TS/JS or Python file's settings of `key` and its calls named as
/// `wants_call` accepts; `None` for other files and files without a tree.
pub fn keyed_strings(
    file: &ParsedFile,
    key: &str,
    wants_call: &dyn Fn(&str) -> bool,
) -> Option<KeyedStrings> {
    let python = match file.language.family() {
        Family::Js => false,
        Family::Python => true,
        _ => return None,
    };
    let tree = file.tree()?;
    let src = file.text();
    let reader = Reader {
        src,
        key,
        wants_call,
    };
    let mut out = KeyedStrings::default();
    walk(tree.root_node(), |node| {
        let kind = node.kind_str();
        if FUNCTION_KINDS.contains(&kind) {
            out.functions.push(node.byte_range());
        }
        if python {
            reader.python(node, kind, &mut out.found);
        } else {
            reader.js(node, kind, &mut out.found);
        }
        kind != "comment"
    });
    Some(out)
}

/// Function-like nodes of both grammars.
const FUNCTION_KINDS: &[&str] = &[
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
    "arrow_function",
    "function_expression",
    "function",
    "generator_function",
    "function_definition",
    "lambda",
];

/// Receivers of `.stringify(…)` that build query strings.
const QUERY_STRINGIFIERS: &[&str] = &["qs", "querystring", "queryString", "QueryString"];

struct Reader<'a> {
    src: &'a str,
    key: &'a str,
    wants_call: &'a dyn Fn(&str) -> bool,
}

impl Reader<'_> {
    fn call(&self, node: Node<'_>, name: Node<'_>, out: &mut Vec<Found>) {
        let name_text = text(name, self.src);
        if (self.wants_call)(name_text) {
            out.push(Found::Call {
                name: name_text.to_string(),
                name_span: name.byte_range(),
                span: node.byte_range(),
            });
        }
    }

    fn keyed(&self, value: String, span: Range<usize>, form: Form, out: &mut Vec<Found>) {
        out.push(Found::Keyed(KeyedString { value, span, form }));
    }

    fn js(&self, node: Node<'_>, kind: &str, out: &mut Vec<Found>) {
        let src = self.src;
        match kind {
            "call_expression" => {
                let Some(call) = typescript::call(node) else {
                    return;
                };
                self.call(node, call.name, out);
                let setter =
                    matches!(text(call.name, src), "set" | "append") && call.receiver.is_some();
                if let (true, [key, value]) = (setter, call.args.as_slice()) {
                    if js_static_string(*key, src).as_deref() == Some(self.key) {
                        if let Some(value) = js_value(*value, src) {
                            self.keyed(value, node.byte_range(), Form::Setter, out);
                        }
                    }
                }
            }
            "pair" => {
                let is_key = node
                    .field("key")
                    .and_then(|k| typescript::property_key(k, src))
                    .is_some_and(|k| k == self.key);
                let value = node.field("value").and_then(|v| js_value(v, src));
                if let (true, Some(value), Some(object)) = (is_key, value, node.parent()) {
                    let form = Form::Entry {
                        keys: js_object_keys(object, src),
                        in_query_builder: js_builds_query(object, src),
                    };
                    self.keyed(value, node.byte_range(), form, out);
                }
            }
            "array" => {
                let items: Vec<Node<'_>> = named_children(node)
                    .into_iter()
                    .filter(|n| n.kind_str() != "comment")
                    .collect();
                if let [key, value] = items.as_slice() {
                    if js_static_string(*key, src).as_deref() == Some(self.key) {
                        if let Some(value) = js_value(*value, src) {
                            let in_query_builder = node
                                .parent()
                                .filter(|p| p.kind_str() == "array")
                                .is_some_and(|p| js_builds_query(p, src));
                            let form = Form::Pair { in_query_builder };
                            self.keyed(value, node.byte_range(), form, out);
                        }
                    }
                }
            }
            "assignment_expression" => {
                let key = node.field("left").and_then(|left| match left.kind_str() {
                    "subscript_expression" => {
                        left.field("index").and_then(|i| js_static_string(i, src))
                    }
                    "member_expression" => left.field("property").map(|p| text(p, src).to_string()),
                    _ => None,
                });
                let value = node.field("right").and_then(|v| js_value(v, src));
                if let (true, Some(value)) = (key.as_deref() == Some(self.key), value) {
                    self.keyed(value, node.byte_range(), Form::Assignment, out);
                }
            }
            _ => {}
        }
    }

    fn python(&self, node: Node<'_>, kind: &str, out: &mut Vec<Found>) {
        let src = self.src;
        match kind {
            "call" => {
                let Some(call) = python::call(node) else {
                    return;
                };
                self.call(node, call.name, out);
                let keys = || -> Vec<String> {
                    call.kwargs
                        .iter()
                        .map(|(k, _)| text(*k, src).to_string())
                        .collect()
                };
                let mut in_query_builder = None;
                for (key, value) in &call.kwargs {
                    if text(*key, src) != self.key {
                        continue;
                    }
                    let Some(value) = py_static_string(*value, src) else {
                        continue;
                    };
                    let in_query_builder = *in_query_builder.get_or_insert_with(|| {
                        text(call.name, src) == "dict"
                            && call.receiver.is_none()
                            && py_builds_query(node, src)
                    });
                    // The keyword argument, name to value.
                    let span =
                        key.start_byte()..key.parent().map_or(key.end_byte(), |kw| kw.end_byte());
                    let form = Form::Keyword {
                        keys: keys(),
                        in_query_builder,
                    };
                    self.keyed(value, span, form, out);
                }
            }
            "pair" => {
                let is_key = node
                    .field("key")
                    .and_then(|k| py_static_string(k, src))
                    .is_some_and(|k| k == self.key);
                let value = node.field("value").and_then(|v| py_static_string(v, src));
                if let (true, Some(value), Some(dict)) = (is_key, value, node.parent()) {
                    let form = Form::Entry {
                        keys: py_dict_keys(dict, src),
                        in_query_builder: py_builds_query(dict, src),
                    };
                    self.keyed(value, node.byte_range(), form, out);
                }
            }
            "tuple" => {
                let items = named_children(node);
                if let [key, value] = items.as_slice() {
                    if py_static_string(*key, src).as_deref() == Some(self.key) {
                        if let Some(value) = py_static_string(*value, src) {
                            let in_query_builder = node
                                .parent()
                                .filter(|p| p.kind_str() == "list" || p.kind_str() == "tuple")
                                .is_some_and(|p| py_builds_query(p, src));
                            let form = Form::Pair { in_query_builder };
                            self.keyed(value, node.byte_range(), form, out);
                        }
                    }
                }
            }
            "assignment" => {
                let key = node
                    .field("left")
                    .filter(|l| l.kind_str() == "subscript")
                    .and_then(|l| l.field("subscript"))
                    .and_then(|s| py_static_string(s, src));
                let value = node.field("right").and_then(|v| py_static_string(v, src));
                if let (true, Some(value)) = (key.as_deref() == Some(self.key), value) {
                    self.keyed(value, node.byte_range(), Form::Assignment, out);
                }
            }
            _ => {}
        }
    }
}

fn js_static_string(node: Node<'_>, src: &str) -> Option<String> {
    typescript::string_literal(node, src)
        .filter(StrLit::is_static)
        .map(|l| l.value)
}

/// A value set under a key: a fixed string, through parentheses and `as`.
fn js_value(node: Node<'_>, src: &str) -> Option<String> {
    js_static_string(typescript::unwrap_expression(node), src)
}

fn py_static_string(node: Node<'_>, src: &str) -> Option<String> {
    python::string_literal(node, src)
        .filter(StrLit::is_static)
        .map(|l| l.value)
}

/// The keys an object literal spells (entries and shorthand properties).
fn js_object_keys(object: Node<'_>, src: &str) -> Vec<String> {
    if object.kind_str() != "object" {
        return Vec::new();
    }
    named_children(object)
        .into_iter()
        .filter_map(|member| match member.kind_str() {
            "pair" => member
                .field("key")
                .and_then(|k| typescript::property_key(k, src))
                .map(|k| k.into_owned()),
            "shorthand_property_identifier" => Some(text(member, src).to_string()),
            _ => None,
        })
        .collect()
}

/// Whether an object or array is an argument of `new URLSearchParams(…)`
/// or of a query-string `stringify(…)`.
fn js_builds_query(node: Node<'_>, src: &str) -> bool {
    let Some(arguments) = node.parent().filter(|p| p.kind_str() == "arguments") else {
        return false;
    };
    let Some(call) = arguments.parent() else {
        return false;
    };
    match call.kind_str() {
        "new_expression" => call
            .field("constructor")
            .is_some_and(|c| text(c, src).ends_with("URLSearchParams")),
        "call_expression" => typescript::call(call).is_some_and(|c| {
            text(c.name, src) == "stringify"
                && c.receiver
                    .is_some_and(|r| QUERY_STRINGIFIERS.contains(&text(r, src)))
        }),
        _ => false,
    }
}

/// The fixed string keys of a dict literal.
fn py_dict_keys(dict: Node<'_>, src: &str) -> Vec<String> {
    if dict.kind_str() != "dictionary" {
        return Vec::new();
    }
    named_children(dict)
        .into_iter()
        .filter(|pair| pair.kind_str() == "pair")
        .filter_map(|pair| py_static_string(pair.field("key")?, src))
        .collect()
}

/// Whether a node is an argument of `urlencode(…)`.
fn py_builds_query(node: Node<'_>, src: &str) -> bool {
    node.parent()
        .filter(|p| p.kind_str() == "argument_list")
        .and_then(|args| args.parent())
        .and_then(python::call)
        .is_some_and(|c| text(c.name, src) == "urlencode")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;
    use crate::source::SourceFile;
    use std::sync::Arc;

    fn read(path: &str, src: &str) -> Vec<String> {
        let language = Language::from_path(path).unwrap();
        let file = ParsedFile::new(Arc::new(SourceFile::in_memory(path, src)), language);
        let found = keyed_strings(&file, "mode", &|name| name == "build").unwrap();
        found
            .found
            .into_iter()
            .map(|f| match f {
                Found::Call { name, span, .. } => format!("call {name} `{}`", &src[span]),
                Found::Keyed(k) => format!("{:?} {} `{}`", k.form, k.value, &src[k.span]),
            })
            .collect()
    }

    #[test]
    fn settings_of_a_key_in_each_form() {
        assert_eq!(
            read(
                "a.ts",
                "build({ mode: 'a', id });\nnew URLSearchParams([['mode', 'b']]);\np.set('mode', 'c');\nq['mode'] = 'd';\nconst f = () => ({ mode: x });\n"
            ),
            [
                "call build `build({ mode: 'a', id })`",
                "Entry { keys: [\"mode\", \"id\"], in_query_builder: false } a `mode: 'a'`",
                "Pair { in_query_builder: true } b `['mode', 'b']`",
                "Setter c `p.set('mode', 'c')`",
                "Assignment d `q['mode'] = 'd'`",
            ]
        );
        assert_eq!(
            read(
                "a.py",
                "urlencode(dict(mode=\"a\", id=1))\nurlencode([(\"mode\", \"b\")])\nq[\"mode\"] = \"d\"\nx = {\"mode\": \"e\", \"id\": 1}\n"
            ),
            [
                "Keyword { keys: [\"mode\", \"id\"], in_query_builder: true } a `mode=\"a\"`",
                "Pair { in_query_builder: true } b `(\"mode\", \"b\")`",
                "Assignment d `q[\"mode\"] = \"d\"`",
                "Entry { keys: [\"mode\", \"id\"], in_query_builder: false } e `\"mode\": \"e\"`",
            ]
        );
    }
}
