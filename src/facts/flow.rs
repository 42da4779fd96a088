//! One hop of flow across files, read per module: the string constants a
//! module defines at its top level (`const T = 't'`, `TABLES.x` of a const
//! object, Python `T = "t"` and class constants), and its functions whose
//! parameter reaches a table call (`db.from(name)`) or the row of a write
//! (`.update(patch)`). The project model reads these to decide a call site
//! in another file: `table('t')`, `db.from(TABLE)`, `saveRow({ [COL]: … })`.

use serde::{Deserialize, Serialize};
use tree_sitter::Node;

use crate::facts::columns::{py_is_query, ts_is_query, WRITE_METHODS};
use crate::facts::tables::{is_builtin_receiver, JS_TABLE_METHODS, PY_TABLE_METHODS};
use crate::lang::tree::{named_children, text, walk, NodeExt};
use crate::lang::{python as py, typescript as ts, Family, Language};

/// How deep a constant object's members are read (`TABLES.billing.x`).
const MAX_OBJECT_DEPTH: usize = 3;

/// What a top-level constant holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConstantValue {
    /// A string known in the file.
    Text(String),
    /// Another name, as written (`TABLES.integrations`, an imported
    /// constant): the model follows it from the same module.
    Name(String),
}

/// Where a helper's parameter flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reach {
    /// The table argument of a query-builder call: `db.from(name)`.
    TableName,
    /// The row of `.update/.insert/.upsert` on a query: `.update(patch)`.
    WrittenRow,
}

/// A top-level function whose parameter `param` (0-based) reaches `reach`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Helper {
    pub name: String,
    pub param: usize,
    pub reach: Reach,
}

/// The flow facts of one module.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowFacts {
    /// `NAME` or `OBJECT.member` → value.
    pub constants: Vec<(String, ConstantValue)>,
    pub helpers: Vec<Helper>,
}

impl FlowFacts {
    pub fn constant(&self, name: &str) -> Option<&ConstantValue> {
        self.constants
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    pub fn reaches(&self, name: &str, param: usize, reach: Reach) -> bool {
        self.helpers
            .iter()
            .any(|h| h.name == name && h.param == param && h.reach == reach)
    }
}

/// Reads a parsed file's flow facts (empty for other languages).
pub fn read(language: Language, root: Node<'_>, src: &str) -> FlowFacts {
    let mut facts = FlowFacts::default();
    match language.family() {
        Family::Js => read_js(root, src, &mut facts),
        Family::Python => read_python(root, src, &mut facts),
        _ => {}
    }
    facts
}

/// `a.b.c` of identifiers and property names, as written.
pub fn ts_dotted_name(node: Node<'_>, src: &str) -> Option<String> {
    let node = ts::unwrap_expression(node);
    match node.kind_str() {
        "identifier" => Some(text(node, src).to_string()),
        "member_expression" => {
            let object = ts_dotted_name(node.field("object")?, src)?;
            let property = node.field("property")?;
            (property.kind_str() == "property_identifier")
                .then(|| format!("{object}.{}", text(property, src)))
        }
        _ => None,
    }
}

// ---- TypeScript / JavaScript --------------------------------------------------

fn read_js(root: Node<'_>, src: &str, facts: &mut FlowFacts) {
    for statement in named_children(root) {
        let statement = match statement.kind_str() {
            "export_statement" => match statement.field("declaration") {
                Some(declaration) => declaration,
                None => continue,
            },
            _ => statement,
        };
        match statement.kind_str() {
            "lexical_declaration" | "variable_declaration" => {
                for declarator in named_children(statement) {
                    js_declarator(root, src, declarator, facts);
                }
            }
            "function_declaration" => {
                if let Some(name) = statement.field("name") {
                    js_helper(root, src, text(name, src), statement, facts);
                }
            }
            _ => {}
        }
    }
}

fn js_declarator(root: Node<'_>, src: &str, declarator: Node<'_>, facts: &mut FlowFacts) {
    if declarator.kind_str() != "variable_declarator" {
        return;
    }
    let (Some(name), Some(value)) = (declarator.field("name"), declarator.field("value")) else {
        return;
    };
    if name.kind_str() != "identifier" {
        return;
    }
    let name = text(name, src);
    let value = ts::unwrap_expression(value);
    if matches!(
        value.kind_str(),
        "arrow_function" | "function_expression" | "function"
    ) {
        js_helper(root, src, name, value, facts);
    } else {
        js_constant(src, name.to_string(), value, 0, facts);
    }
}

fn js_constant(src: &str, name: String, value: Node<'_>, depth: usize, facts: &mut FlowFacts) {
    let value = ts::unwrap_expression(value);
    if let Some(lit) = ts::fold_string(value, src) {
        if lit.is_static() {
            facts.constants.push((name, ConstantValue::Text(lit.value)));
        }
        return;
    }
    match value.kind_str() {
        "identifier" | "member_expression" => {
            if let Some(other) = ts_dotted_name(value, src) {
                facts.constants.push((name, ConstantValue::Name(other)));
            }
        }
        "object" if depth < MAX_OBJECT_DEPTH => {
            for pair in named_children(value) {
                if pair.kind_str() != "pair" {
                    continue;
                }
                let (Some(key), Some(member)) = (pair.field("key"), pair.field("value")) else {
                    continue;
                };
                if let Some(key) = ts::property_key(key, src) {
                    js_constant(src, format!("{name}.{key}"), member, depth + 1, facts);
                }
            }
        }
        _ => {}
    }
}

/// The names of a function's parameters, in order (`None` for a
/// destructured one).
fn js_parameters(function: Node<'_>, src: &str) -> Vec<Option<String>> {
    let Some(parameters) = function.field("parameters") else {
        // `name => db.from(name)`
        return function
            .field("parameter")
            .map(|p| vec![Some(text(p, src).to_string())])
            .unwrap_or_default();
    };
    named_children(parameters)
        .into_iter()
        .filter(|p| p.kind_str() != "comment")
        .map(|p| {
            let pattern = match p.kind_str() {
                "required_parameter" | "optional_parameter" => p.field("pattern"),
                "assignment_pattern" => p.field("left"),
                _ => Some(p),
            }?;
            (pattern.kind_str() == "identifier").then(|| text(pattern, src).to_string())
        })
        .collect()
}

fn js_helper(root: Node<'_>, src: &str, name: &str, function: Node<'_>, facts: &mut FlowFacts) {
    let parameters = js_parameters(function, src);
    if parameters.iter().all(Option::is_none) {
        return;
    }
    let Some(body) = function.field("body") else {
        return;
    };
    let param_of = |node: Node<'_>| -> Option<usize> {
        let node = ts::unwrap_expression(node);
        if node.kind_str() != "identifier" {
            return None;
        }
        let word = text(node, src);
        parameters.iter().position(|p| p.as_deref() == Some(word))
    };
    let mut found = Vec::new();
    walk(body, |node| {
        let Some(call) = ts::call(node) else {
            return true;
        };
        let (Some(receiver), Some(first)) = (call.receiver, call.args.first()) else {
            return true;
        };
        let method = text(call.name, src);
        if JS_TABLE_METHODS.contains(&method) && !is_builtin_receiver(receiver, src) {
            if let Some(param) = param_of(*first) {
                found.push((param, Reach::TableName));
            }
        } else if WRITE_METHODS.contains(&method) && ts_is_query(root, src, receiver, 0) {
            let row = ts::unwrap_expression(*first);
            let mut rows = vec![row];
            if row.kind_str() == "object" {
                rows.extend(
                    named_children(row)
                        .into_iter()
                        .filter(|m| m.kind_str() == "spread_element")
                        .filter_map(|m| m.named_child(0)),
                );
            }
            found.extend(
                rows.into_iter()
                    .filter_map(param_of)
                    .map(|p| (p, Reach::WrittenRow)),
            );
        }
        true
    });
    push_helpers(name, found, facts);
}

fn push_helpers(name: &str, found: Vec<(usize, Reach)>, facts: &mut FlowFacts) {
    for (param, reach) in found {
        if !facts.reaches(name, param, reach) {
            facts.helpers.push(Helper {
                name: name.to_string(),
                param,
                reach,
            });
        }
    }
}

// ---- Python -------------------------------------------------------------------

fn read_python(root: Node<'_>, src: &str, facts: &mut FlowFacts) {
    for statement in named_children(root) {
        let statement = match statement.kind_str() {
            "decorated_definition" => match statement.field("definition") {
                Some(definition) => definition,
                None => continue,
            },
            _ => statement,
        };
        match statement.kind_str() {
            "expression_statement" => py_constant(src, None, statement, facts),
            "function_definition" => py_helper(root, src, statement, facts),
            "class_definition" => {
                let (Some(class), Some(body)) = (statement.field("name"), statement.field("body"))
                else {
                    continue;
                };
                for member in named_children(body) {
                    if member.kind_str() == "expression_statement" {
                        py_constant(src, Some(text(class, src)), member, facts);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `NAME = "…"` (or `NAME = other.name`), at the top level or in a class
/// (`Class.NAME`).
fn py_constant(src: &str, class: Option<&str>, statement: Node<'_>, facts: &mut FlowFacts) {
    let Some(assignment) = statement
        .named_child(0)
        .filter(|a| a.kind_str() == "assignment")
    else {
        return;
    };
    let (Some(left), Some(right)) = (assignment.field("left"), assignment.field("right")) else {
        return;
    };
    if left.kind_str() != "identifier" {
        return;
    }
    let name = match class {
        Some(class) => format!("{class}.{}", text(left, src)),
        None => text(left, src).to_string(),
    };
    let right = py::unwrap_expression(right);
    if let Some(lit) = py::fold_string(right, src).filter(|l| l.is_static()) {
        facts.constants.push((name, ConstantValue::Text(lit.value)));
    } else if matches!(right.kind_str(), "identifier" | "attribute") {
        if let Some(other) = py::dotted_name(right, src) {
            facts.constants.push((name, ConstantValue::Name(other)));
        }
    }
}

/// The names of a Python function's parameters, in order.
fn py_parameters(function: Node<'_>, src: &str) -> Vec<Option<String>> {
    let Some(parameters) = function.field("parameters") else {
        return Vec::new();
    };
    named_children(parameters)
        .into_iter()
        .filter(|p| p.kind_str() != "comment")
        .map(|p| {
            let name = match p.kind_str() {
                "identifier" => Some(p),
                "typed_parameter" => p.named_child(0),
                "default_parameter" | "typed_default_parameter" => p.field("name"),
                _ => None,
            }?;
            (name.kind_str() == "identifier").then(|| text(name, src).to_string())
        })
        .collect()
}

fn py_helper(root: Node<'_>, src: &str, function: Node<'_>, facts: &mut FlowFacts) {
    let (Some(name), Some(body)) = (function.field("name"), function.field("body")) else {
        return;
    };
    let parameters = py_parameters(function, src);
    if parameters.iter().all(Option::is_none) {
        return;
    }
    let param_of = |node: Node<'_>| -> Option<usize> {
        let node = py::unwrap_expression(node);
        if node.kind_str() != "identifier" {
            return None;
        }
        let word = text(node, src);
        parameters.iter().position(|p| p.as_deref() == Some(word))
    };
    let mut found = Vec::new();
    walk(body, |node| {
        let Some(call) = py::call(node) else {
            return true;
        };
        let (Some(receiver), Some(first)) = (call.receiver, call.args.first()) else {
            return true;
        };
        let method = text(call.name, src);
        if PY_TABLE_METHODS.contains(&method) {
            if let Some(param) = param_of(*first) {
                found.push((param, Reach::TableName));
            }
        } else if WRITE_METHODS.contains(&method) && py_is_query(root, src, receiver, 0) {
            let row = py::unwrap_expression(*first);
            let mut rows = vec![row];
            if row.kind_str() == "dictionary" {
                rows.extend(
                    named_children(row)
                        .into_iter()
                        .filter(|m| m.kind_str() == "dictionary_splat")
                        .filter_map(|m| m.named_child(0)),
                );
            }
            found.extend(
                rows.into_iter()
                    .filter_map(param_of)
                    .map(|p| (p, Reach::WrittenRow)),
            );
        }
        true
    });
    push_helpers(text(name, src), found, facts);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(path: &str, src: &str) -> FlowFacts {
        let language = Language::from_path(path).unwrap();
        let tree = crate::lang::tree::parse(language, src).unwrap();
        read(language, tree.root_node(), src)
    }

    #[test]
    fn ts_constants_and_helpers() {
        let facts = read_text(
            "lib/db.ts",
            "export const TABLES = { integrations: 'cpi', billing: { plans: 'plans' } } as const;\n\
             export const T = TABLES.integrations;\n\
             const LOCAL = `x`;\n\
             export const table = (name: string) => db.from(name);\n\
             export function saveRow(id: string, patch: Row) { return db.from(T).update({ ...patch, id }).eq('id', id); }\n\
             export const copy = (items) => Array.from(items);\n",
        );
        assert_eq!(
            facts.constant("TABLES.integrations"),
            Some(&ConstantValue::Text("cpi".into()))
        );
        assert_eq!(
            facts.constant("TABLES.billing.plans"),
            Some(&ConstantValue::Text("plans".into()))
        );
        assert_eq!(
            facts.constant("T"),
            Some(&ConstantValue::Name("TABLES.integrations".into()))
        );
        assert_eq!(
            facts.constant("LOCAL"),
            Some(&ConstantValue::Text("x".into()))
        );
        assert!(facts.reaches("table", 0, Reach::TableName));
        assert!(facts.reaches("saveRow", 1, Reach::WrittenRow));
        assert!(!facts.reaches("saveRow", 0, Reach::WrittenRow));
        assert!(!facts.reaches("copy", 0, Reach::TableName));
    }

    #[test]
    fn python_constants_and_helpers() {
        let facts = read_text(
            "app/db.py",
            "INTEGRATIONS = \"cpi\"\nclass Tables:\n    ORGS = 'organizations'\n\
             def table(name: str):\n    return supabase.table(name)\n\
             async def save_row(org_id, patch):\n    return await supabase.table(INTEGRATIONS).update({**patch}).eq('id', org_id).execute()\n",
        );
        assert_eq!(
            facts.constant("INTEGRATIONS"),
            Some(&ConstantValue::Text("cpi".into()))
        );
        assert_eq!(
            facts.constant("Tables.ORGS"),
            Some(&ConstantValue::Text("organizations".into()))
        );
        assert!(facts.reaches("table", 0, Reach::TableName));
        assert!(facts.reaches("save_row", 1, Reach::WrittenRow));
    }
}
