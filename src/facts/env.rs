//! Reads of environment variables, in every language plumbline parses:
//! `process.env.NAME`, `process.env["NAME"]`, `import.meta.env.NAME`,
//! `const { NAME } = process.env`; Python `os.environ["NAME"]`,
//! `os.environ.get("NAME")`, `os.getenv("NAME")` (also through `from os
//! import environ, getenv`); Rust `std::env::var("NAME")`, `var_os`,
//! `env!("NAME")`, `option_env!("NAME")`.

use std::ops::Range;

use syn::visit::Visit;
use tree_sitter::Node;

use crate::lang::tree::{named_children, text, walk, NodeExt};
use crate::lang::{Family, ParsedFile};

/// One read of an environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRead {
    /// The variable's name.
    pub name: String,
    /// The reading expression.
    pub span: Range<usize>,
}

/// Every environment-variable read of a file whose name is a literal.
pub fn reads(file: &ParsedFile) -> Vec<EnvRead> {
    match file.language.family() {
        Family::Js => file
            .tree()
            .map(|t| js_reads(t.root_node(), file.text()))
            .unwrap_or_default(),
        Family::Python => file
            .tree()
            .map(|t| python_reads(t.root_node(), file.text()))
            .unwrap_or_default(),
        Family::Rust => match file.rust() {
            crate::lang::rust::RustSyntax::Parsed(syntax) => rust_reads(syntax),
            crate::lang::rust::RustSyntax::Failed { .. } => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// `process.env`, `import.meta.env`, `Deno.env`-free: the objects whose
/// members are environment variables.
fn is_js_env_object(node: Node<'_>, src: &str) -> bool {
    let written: String = text(node, src).split_whitespace().collect();
    matches!(
        written.replace("?.", ".").as_str(),
        "process.env" | "import.meta.env" | "globalThis.process.env"
    )
}

fn string_value(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "string" => {
            let raw = text(node, src);
            Some(raw.get(1..raw.len().saturating_sub(1))?.to_string())
        }
        "template_string" if named_children(node).is_empty() => {
            let raw = text(node, src);
            Some(raw.get(1..raw.len().saturating_sub(1))?.to_string())
        }
        _ => None,
    }
}

fn js_reads(root: Node<'_>, src: &str) -> Vec<EnvRead> {
    let mut found = Vec::new();
    walk(root, |node| {
        match node.kind_str() {
            "member_expression" => {
                if let (Some(object), Some(property)) =
                    (node.field("object"), node.field("property"))
                {
                    if is_js_env_object(object, src) {
                        found.push(EnvRead {
                            name: text(property, src).to_string(),
                            span: node.byte_range(),
                        });
                    }
                }
            }
            "subscript_expression" => {
                if let (Some(object), Some(index)) = (node.field("object"), node.field("index")) {
                    if is_js_env_object(object, src) {
                        if let Some(name) = string_value(index, src) {
                            found.push(EnvRead {
                                name,
                                span: node.byte_range(),
                            });
                        }
                    }
                }
            }
            "variable_declarator" => {
                if let (Some(pattern), Some(value)) = (node.field("name"), node.field("value")) {
                    if pattern.kind_str() == "object_pattern" && is_js_env_object(value, src) {
                        for property in named_children(pattern) {
                            let key = match property.kind_str() {
                                "shorthand_property_identifier_pattern" => Some(property),
                                "pair_pattern" => property.field("key"),
                                "object_assignment_pattern" => property.field("left"),
                                _ => None,
                            };
                            if let Some(key) = key {
                                found.push(EnvRead {
                                    name: text(key, src).trim_matches(['"', '\'']).to_string(),
                                    span: property.byte_range(),
                                });
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        true
    });
    found
}

/// Local names bound to `os.environ`, `os.getenv` and `os.environ.get`.
struct PythonEnvNames {
    environ: Vec<String>,
    getters: Vec<String>,
}

fn python_env_names(root: Node<'_>, src: &str) -> PythonEnvNames {
    let mut names = PythonEnvNames {
        environ: vec!["os.environ".to_string()],
        getters: vec!["os.getenv".to_string(), "os.environ.get".to_string()],
    };
    for statement in named_children(root) {
        if statement.kind_str() != "import_from_statement" {
            continue;
        }
        if statement.field("module_name").map(|m| text(m, src)) != Some("os") {
            continue;
        }
        for child in named_children(statement).into_iter().skip(1) {
            let (imported, local) = match child.kind_str() {
                "dotted_name" => (text(child, src), text(child, src)),
                "aliased_import" => match (child.field("name"), child.field("alias")) {
                    (Some(n), Some(a)) => (text(n, src), text(a, src)),
                    _ => continue,
                },
                _ => continue,
            };
            match imported {
                "environ" => {
                    names.environ.push(local.to_string());
                    names.getters.push(format!("{local}.get"));
                }
                "getenv" => names.getters.push(local.to_string()),
                _ => {}
            }
        }
    }
    names
}

fn python_reads(root: Node<'_>, src: &str) -> Vec<EnvRead> {
    let names = python_env_names(root, src);
    let mut found = Vec::new();
    walk(root, |node| {
        match node.kind_str() {
            "subscript" => {
                let object = node.field("value").map(|v| text(v, src));
                if object.is_some_and(|o| names.environ.iter().any(|e| e == o)) {
                    if let Some(name) = node.field("subscript").and_then(|s| python_string(s, src))
                    {
                        found.push(EnvRead {
                            name,
                            span: node.byte_range(),
                        });
                    }
                }
            }
            "call" => {
                let callee = node.field("function").map(|f| text(f, src));
                if callee.is_some_and(|c| names.getters.iter().any(|g| g == c)) {
                    let first = node
                        .field("arguments")
                        .and_then(|a| named_children(a).into_iter().next());
                    if let Some(name) = first.and_then(|a| python_string(a, src)) {
                        found.push(EnvRead {
                            name,
                            span: node.byte_range(),
                        });
                    }
                }
            }
            _ => {}
        }
        true
    });
    found
}

fn python_string(node: Node<'_>, src: &str) -> Option<String> {
    crate::lang::python::string_literal(node, src)
        .filter(|lit| lit.is_static())
        .map(|lit| lit.value)
}

fn rust_reads(file: &syn::File) -> Vec<EnvRead> {
    struct Reads(Vec<EnvRead>);
    impl<'ast> Visit<'ast> for Reads {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if let syn::Expr::Path(path) = call.func.as_ref() {
                let segments: Vec<String> = path
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let is_env_var = segments.len() >= 2
                    && segments[segments.len() - 2] == "env"
                    && matches!(segments[segments.len() - 1].as_str(), "var" | "var_os");
                if is_env_var {
                    if let Some(syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(name),
                        ..
                    })) = call.args.first()
                    {
                        self.0.push(EnvRead {
                            name: name.value(),
                            span: crate::lang::rust::node_range(call),
                        });
                    }
                }
            }
            syn::visit::visit_expr_call(self, call);
        }

        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            let name = mac.path.segments.last().map(|s| s.ident.to_string());
            if matches!(name.as_deref(), Some("env" | "option_env")) {
                if let Ok(syn::Lit::Str(lit)) =
                    mac.parse_body_with(|input: syn::parse::ParseStream<'_>| {
                        let lit: syn::Lit = input.parse()?;
                        let _: proc_macro2::TokenStream = input.parse()?;
                        Ok(lit)
                    })
                {
                    self.0.push(EnvRead {
                        name: lit.value(),
                        span: crate::lang::rust::node_range(mac),
                    });
                }
            }
            syn::visit::visit_macro(self, mac);
        }
    }
    let mut reads = Reads(Vec::new());
    reads.visit_file(file);
    reads.0
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
        reads(&file).into_iter().map(|r| r.name).collect()
    }

    #[test]
    fn every_language_form() {
        assert_eq!(
            names(
                "a.ts",
                "const a = process.env.STRIPE_KEY; const b = process.env['DB_URL'];\nconst { API_KEY, X: y } = process.env; import.meta.env.VITE_FLAG; env.OTHER;",
            ),
            ["STRIPE_KEY", "DB_URL", "API_KEY", "X", "VITE_FLAG"]
        );
        assert_eq!(
            names(
                "a.py",
                "import os\nfrom os import environ as E, getenv\nos.environ['A']\nos.environ.get('B')\nos.getenv('C')\nE['D']\ngetenv('F')\nother.get('G')\n",
            ),
            ["A", "B", "C", "D", "F"]
        );
        assert_eq!(
            names(
                "a.rs",
                "fn f() { let a = std::env::var(\"A\"); let b = env::var_os(\"B\"); let c = env!(\"C\"); let d = option_env!(\"D\"); let e = var(\"E\"); }",
            ),
            ["A", "B", "C", "D"]
        );
    }
}
