//! What a module imports, exports and defines at its top level, read in one
//! pass over a TS/JS or Python tree: the facts the project model joins to
//! answer "this local name is module X's member Y".

use serde::{Deserialize, Serialize};
use tree_sitter::Node;

use crate::lang::tree::{named_children, text, NodeExt};
use crate::lang::{Family, Language};

/// Which member of the source module an import or re-export takes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Imported {
    /// A named member: `import { A } from`, `from m import A`.
    Named(String),
    /// `import X from` (the module's `default` export).
    Default,
    /// The module itself: `import * as ns from`, `import a.b as c`,
    /// `const x = require('m')`.
    Module,
}

/// A local binding made by an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// The name it binds in this file (`a.b` for Python's `import a.b`).
    pub local: String,
    /// The module specifier as written: `./types`, `@acme/sdk`, `.base`,
    /// `app.connectors.base`.
    pub source: String,
    pub imported: Imported,
}

/// One name a module exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Export {
    /// `export { local as exported }`, `export class Foo`, `export default
    /// foo` (exported `default`).
    Local { exported: String, local: String },
    /// `export { imported as exported } from 'source'`.
    From {
        exported: String,
        source: String,
        imported: Imported,
    },
    /// `export * from 'source'` (Python: `from source import *`).
    All { source: String },
}

/// The module-level facts of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleFacts {
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    /// Names defined at the top level: classes, functions, interfaces,
    /// types, variables (Python: every top-level binding but imports).
    pub defines: Vec<String>,
    /// Python modules export every top-level name; TS/JS only what they
    /// export.
    pub exports_everything: bool,
    /// String constants and helpers whose parameters reach a table call or
    /// a written row (see [`crate::facts::flow`]).
    #[serde(default)]
    pub flow: crate::facts::flow::FlowFacts,
    /// The file's top-level classes: names, bases and members, for a
    /// class in another file that extends one.
    #[serde(default)]
    pub units: Vec<crate::facts::units::UnitSummary>,
    /// Table models and query-builder instances defined at the top level
    /// (see [`crate::facts::orm`]).
    #[serde(default)]
    pub models: crate::facts::orm::ModuleModels,
}

impl ModuleFacts {
    pub fn import(&self, local: &str) -> Option<&Import> {
        self.imports.iter().rev().find(|i| i.local == local)
    }

    pub fn defines(&self, name: &str) -> bool {
        self.defines.iter().any(|d| d == name)
    }
}

/// Reads a parsed file's module facts; `None` for languages without them.
pub fn read(language: Language, root: Node<'_>, src: &str) -> Option<ModuleFacts> {
    match language.family() {
        Family::Js => Some(read_js(root, src)),
        Family::Python => Some(read_python(root, src)),
        _ => None,
    }
}

fn unquote(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "string" => {
            let raw = text(node, src);
            let inner = raw.get(1..raw.len().saturating_sub(1))?;
            Some(inner.to_string())
        }
        "template_string" if named_children(node).is_empty() => {
            let raw = text(node, src);
            Some(raw.get(1..raw.len().saturating_sub(1))?.to_string())
        }
        _ => None,
    }
}

fn read_js(root: Node<'_>, src: &str) -> ModuleFacts {
    let mut facts = ModuleFacts::default();
    for statement in named_children(root) {
        match statement.kind_str() {
            "import_statement" => js_import(statement, src, &mut facts),
            "export_statement" => js_export(statement, src, &mut facts),
            "lexical_declaration" | "variable_declaration" => {
                js_declaration(statement, src, &mut facts);
            }
            "expression_statement" => js_commonjs_export(statement, src, &mut facts),
            _ => {
                js_define(statement, src, &mut facts);
            }
        }
    }
    facts
}

/// Records the name a class, function, interface, type or enum declaration
/// defines.
fn js_define(declaration: Node<'_>, src: &str, facts: &mut ModuleFacts) -> Option<String> {
    match declaration.kind_str() {
        "class_declaration"
        | "abstract_class_declaration"
        | "function_declaration"
        | "generator_function_declaration"
        | "interface_declaration"
        | "type_alias_declaration"
        | "enum_declaration"
        | "internal_module"
        | "module" => {
            let name = text(declaration.field("name")?, src).to_string();
            facts.defines.push(name.clone());
            Some(name)
        }
        "ambient_declaration" => named_children(declaration)
            .into_iter()
            .find_map(|inner| js_define(inner, src, facts)),
        _ => None,
    }
}

/// `const a = ...`, and CommonJS `const x = require('m')` /
/// `const { a: b } = require('m')`.
fn js_declaration(declaration: Node<'_>, src: &str, facts: &mut ModuleFacts) -> Vec<String> {
    let mut names = Vec::new();
    for declarator in named_children(declaration) {
        if declarator.kind_str() != "variable_declarator" {
            continue;
        }
        let Some(pattern) = declarator.field("name") else {
            continue;
        };
        let required = declarator
            .field("value")
            .and_then(|value| js_require_source(value, src));
        match (pattern.kind_str(), required) {
            ("identifier", Some(source)) => facts.imports.push(Import {
                local: text(pattern, src).to_string(),
                source,
                imported: Imported::Module,
            }),
            ("object_pattern", Some(source)) => {
                for property in named_children(pattern) {
                    let (imported, local) = match property.kind_str() {
                        "shorthand_property_identifier_pattern" => {
                            (text(property, src), text(property, src))
                        }
                        "pair_pattern" => match (property.field("key"), property.field("value")) {
                            (Some(k), Some(v)) if v.kind_str() == "identifier" => {
                                (text(k, src), text(v, src))
                            }
                            _ => continue,
                        },
                        _ => continue,
                    };
                    facts.imports.push(Import {
                        local: local.to_string(),
                        source: source.clone(),
                        imported: Imported::Named(imported.to_string()),
                    });
                }
            }
            ("identifier", None) => {
                let name = text(pattern, src).to_string();
                facts.defines.push(name.clone());
                names.push(name);
            }
            _ => {}
        }
    }
    names
}

/// The module a `require('m')` call names.
fn js_require_source(value: Node<'_>, src: &str) -> Option<String> {
    if value.kind_str() != "call_expression" {
        return None;
    }
    let callee = value.field("function")?;
    if text(callee, src) != "require" {
        return None;
    }
    let argument = named_children(value.field("arguments")?)
        .into_iter()
        .next()?;
    unquote(argument, src)
}

fn js_import(statement: Node<'_>, src: &str, facts: &mut ModuleFacts) {
    let Some(source) = statement.field("source").and_then(|s| unquote(s, src)) else {
        return;
    };
    for clause in named_children(statement) {
        if clause.kind_str() != "import_clause" {
            continue;
        }
        for part in named_children(clause) {
            match part.kind_str() {
                "identifier" => facts.imports.push(Import {
                    local: text(part, src).to_string(),
                    source: source.clone(),
                    imported: Imported::Default,
                }),
                "namespace_import" => {
                    if let Some(name) = named_children(part)
                        .into_iter()
                        .find(|n| n.kind_str() == "identifier")
                    {
                        facts.imports.push(Import {
                            local: text(name, src).to_string(),
                            source: source.clone(),
                            imported: Imported::Module,
                        });
                    }
                }
                "named_imports" => {
                    for specifier in named_children(part) {
                        if specifier.kind_str() != "import_specifier" {
                            continue;
                        }
                        let Some(name) = specifier.field("name") else {
                            continue;
                        };
                        let local = specifier.field("alias").unwrap_or(name);
                        facts.imports.push(Import {
                            local: text(local, src).to_string(),
                            source: source.clone(),
                            imported: js_imported(text(name, src)),
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

fn js_imported(name: &str) -> Imported {
    let name = name.trim_matches(['"', '\'']);
    if name == "default" {
        Imported::Default
    } else {
        Imported::Named(name.to_string())
    }
}

fn js_export(statement: Node<'_>, src: &str, facts: &mut ModuleFacts) {
    let source = statement.field("source").and_then(|s| unquote(s, src));
    let is_default = named_children(statement).is_empty()
        || text(statement, src)
            .trim_start_matches("export")
            .trim_start()
            .starts_with("default");
    if let Some(declaration) = statement.field("declaration") {
        let names = match declaration.kind_str() {
            "lexical_declaration" | "variable_declaration" => {
                js_declaration(declaration, src, facts)
            }
            _ => js_define(declaration, src, facts).into_iter().collect(),
        };
        for name in names {
            let exported = if is_default {
                "default".to_string()
            } else {
                name.clone()
            };
            facts.exports.push(Export::Local {
                exported,
                local: name,
            });
        }
        return;
    }
    if let Some(value) = statement.field("value") {
        // `export default foo;`
        if value.kind_str() == "identifier" {
            facts.exports.push(Export::Local {
                exported: "default".to_string(),
                local: text(value, src).to_string(),
            });
        }
        return;
    }
    let mut had_clause = false;
    for part in named_children(statement) {
        match part.kind_str() {
            "export_clause" => {
                had_clause = true;
                for specifier in named_children(part) {
                    if specifier.kind_str() != "export_specifier" {
                        continue;
                    }
                    let Some(name) = specifier.field("name") else {
                        continue;
                    };
                    let exported = specifier
                        .field("alias")
                        .map(|a| text(a, src))
                        .unwrap_or(text(name, src))
                        .trim_matches(['"', '\''])
                        .to_string();
                    let local = text(name, src).trim_matches(['"', '\'']).to_string();
                    facts.exports.push(match &source {
                        Some(source) => Export::From {
                            exported,
                            source: source.clone(),
                            imported: js_imported(&local),
                        },
                        None => Export::Local { exported, local },
                    });
                }
            }
            "namespace_export" => {
                had_clause = true;
                if let (Some(source), Some(name)) = (&source, named_children(part).first()) {
                    facts.exports.push(Export::From {
                        exported: text(*name, src).trim_matches(['"', '\'']).to_string(),
                        source: source.clone(),
                        imported: Imported::Module,
                    });
                }
            }
            _ => {}
        }
    }
    if !had_clause {
        if let Some(source) = source {
            facts.exports.push(Export::All { source });
        }
    }
}

/// `module.exports = x`, `module.exports.a = b`, `exports.a = b`.
fn js_commonjs_export(statement: Node<'_>, src: &str, facts: &mut ModuleFacts) {
    let Some(assignment) = named_children(statement).into_iter().next() else {
        return;
    };
    if assignment.kind_str() != "assignment_expression" {
        return;
    }
    let (Some(left), Some(right)) = (assignment.field("left"), assignment.field("right")) else {
        return;
    };
    let target = text(left, src);
    let exported = if target == "module.exports" {
        "default".to_string()
    } else if let Some(name) = target
        .strip_prefix("module.exports.")
        .or_else(|| target.strip_prefix("exports."))
    {
        name.to_string()
    } else {
        return;
    };
    if right.kind_str() == "identifier" {
        facts.exports.push(Export::Local {
            exported,
            local: text(right, src).to_string(),
        });
    } else if exported == "default" && right.kind_str() == "object" {
        for property in named_children(right) {
            if property.kind_str() == "shorthand_property_identifier" {
                let name = text(property, src).to_string();
                facts.exports.push(Export::Local {
                    exported: name.clone(),
                    local: name,
                });
            }
        }
    }
}

fn read_python(root: Node<'_>, src: &str) -> ModuleFacts {
    let mut facts = ModuleFacts {
        exports_everything: true,
        ..ModuleFacts::default()
    };
    for statement in named_children(root) {
        python_statement(statement, src, &mut facts);
    }
    facts
}

fn python_statement(statement: Node<'_>, src: &str, facts: &mut ModuleFacts) {
    match statement.kind_str() {
        "import_statement" => {
            for name in named_children(statement) {
                match name.kind_str() {
                    "dotted_name" => {
                        let module = text(name, src).to_string();
                        facts.imports.push(Import {
                            local: module.clone(),
                            source: module,
                            imported: Imported::Module,
                        });
                    }
                    "aliased_import" => {
                        if let (Some(module), Some(alias)) =
                            (name.field("name"), name.field("alias"))
                        {
                            facts.imports.push(Import {
                                local: text(alias, src).to_string(),
                                source: text(module, src).to_string(),
                                imported: Imported::Module,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        "import_from_statement" => {
            let Some(module) = statement.field("module_name") else {
                return;
            };
            let source = text(module, src).to_string();
            for child in named_children(statement) {
                if child.id() == module.id() {
                    continue;
                }
                match child.kind_str() {
                    "dotted_name" => {
                        let name = text(child, src).to_string();
                        facts.imports.push(Import {
                            local: name.clone(),
                            source: source.clone(),
                            imported: Imported::Named(name),
                        });
                    }
                    "aliased_import" => {
                        if let (Some(name), Some(alias)) =
                            (child.field("name"), child.field("alias"))
                        {
                            facts.imports.push(Import {
                                local: text(alias, src).to_string(),
                                source: source.clone(),
                                imported: Imported::Named(text(name, src).to_string()),
                            });
                        }
                    }
                    "wildcard_import" => facts.exports.push(Export::All {
                        source: source.clone(),
                    }),
                    _ => {}
                }
            }
        }
        "class_definition" | "function_definition" => {
            if let Some(name) = statement.field("name") {
                facts.defines.push(text(name, src).to_string());
            }
        }
        "decorated_definition" => {
            if let Some(definition) = statement.field("definition") {
                python_statement(definition, src, facts);
            }
        }
        "expression_statement" => {
            for assignment in named_children(statement) {
                if assignment.kind_str() != "assignment" {
                    continue;
                }
                if let Some(left) = assignment.field("left") {
                    if left.kind_str() == "identifier" {
                        facts.defines.push(text(left, src).to_string());
                    }
                }
            }
        }
        "if_statement" | "try_statement" | "block" | "else_clause" | "except_clause" => {
            // `try: from a import X / except ImportError: ...` and
            // `if TYPE_CHECKING:` imports bind at module level too.
            for child in named_children(statement) {
                python_statement(child, src, facts);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(language: Language, src: &str) -> ModuleFacts {
        let tree = crate::lang::tree::parse(language, src).unwrap();
        read(language, tree.root_node(), src).unwrap()
    }

    #[test]
    fn typescript_imports_exports_and_definitions() {
        let f = facts(
            Language::TypeScript,
            r#"
import Default, { A as B, type C } from './a';
import * as ns from "../b";
import type { Connector as IntegrationConnector } from '@acme/sdk';
const legacy = require('./legacy');
const { x: y, z } = require('./xz');
export type { Connector as Public } from './types';
export * from './all';
export * as grouped from './grouped';
export { B as Again, local };
export class Impl {}
export default router;
interface Local {}
const local = 1;
module.exports.named = local;
"#,
        );
        let locals: Vec<_> = f.imports.iter().map(|i| i.local.as_str()).collect();
        assert_eq!(
            locals,
            [
                "Default",
                "B",
                "C",
                "ns",
                "IntegrationConnector",
                "legacy",
                "y",
                "z"
            ]
        );
        assert_eq!(
            f.import("IntegrationConnector").unwrap().imported,
            Imported::Named("Connector".into())
        );
        assert_eq!(f.import("ns").unwrap().imported, Imported::Module);
        assert!(f.exports.contains(&Export::From {
            exported: "Public".into(),
            source: "./types".into(),
            imported: Imported::Named("Connector".into()),
        }));
        assert!(f.exports.contains(&Export::All {
            source: "./all".into()
        }));
        assert!(f.exports.contains(&Export::From {
            exported: "grouped".into(),
            source: "./grouped".into(),
            imported: Imported::Module,
        }));
        assert!(f.exports.contains(&Export::Local {
            exported: "Again".into(),
            local: "B".into()
        }));
        assert!(f.exports.contains(&Export::Local {
            exported: "default".into(),
            local: "router".into()
        }));
        assert!(f.exports.contains(&Export::Local {
            exported: "named".into(),
            local: "local".into()
        }));
        assert!(f.defines("Impl") && f.defines("Local") && f.defines("local"));
    }

    #[test]
    fn python_imports_and_definitions() {
        let f = facts(
            Language::Python,
            r#"
import os.path
import app.connectors.base as base
from .base import BaseConnector as Base, Other
from ..shared import *
try:
    from fast import thing
except ImportError:
    thing = None
class GitHub(Base):
    pass
def helper(): ...
TABLE = "integrations"
"#,
        );
        assert_eq!(f.import("os.path").unwrap().imported, Imported::Module);
        assert_eq!(f.import("base").unwrap().source, "app.connectors.base");
        assert_eq!(
            f.import("Base").unwrap().imported,
            Imported::Named("BaseConnector".into())
        );
        assert_eq!(f.import("Base").unwrap().source, ".base");
        assert!(f.import("thing").is_some());
        assert!(f.exports.contains(&Export::All {
            source: "..shared".into()
        }));
        assert!(f.defines("GitHub") && f.defines("helper") && f.defines("TABLE"));
        assert!(f.exports_everything);
    }
}
