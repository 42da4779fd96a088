//! A Rust file's module facts, read from syn's tree: its `use` items as
//! imports (a `use` is visible to the module's descendants and, when `pub`,
//! to everyone, so every one is also a name the module exports), its
//! top-level items as definitions, and `pub use path::*` as re-exports.
//! Module paths are kept as written, `::`-joined (`crate::contract`,
//! `super::base`), for [`crate::project::Resolver`] to place.

use super::modules::{Export, Import, Imported, ModuleFacts};

/// Reads the module facts of a parsed Rust file.
pub fn read(file: &syn::File) -> ModuleFacts {
    let mut facts = ModuleFacts {
        exports_everything: true,
        ..ModuleFacts::default()
    };
    for item in &file.items {
        match item {
            syn::Item::Use(item) => {
                let public = matches!(item.vis, syn::Visibility::Public(_));
                use_tree(&item.tree, &mut Vec::new(), public, &mut facts);
            }
            other => {
                if let Some(name) = defined_name(other) {
                    facts.defines.push(name);
                }
            }
        }
    }
    facts
}

/// The name a top-level item binds in the type or value namespace.
/// Modules are not definitions: a module is found by the resolver.
fn defined_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Trait(i) => &i.ident,
        syn::Item::TraitAlias(i) => &i.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Const(i) => &i.ident,
        syn::Item::Static(i) => &i.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

/// Records every name a `use` tree binds, with the path leading to it.
fn use_tree(tree: &syn::UseTree, prefix: &mut Vec<String>, public: bool, facts: &mut ModuleFacts) {
    match tree {
        syn::UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            use_tree(&path.tree, prefix, public, facts);
            prefix.pop();
        }
        syn::UseTree::Name(name) => bind(prefix, &name.ident.to_string(), None, facts),
        syn::UseTree::Rename(rename) => bind(
            prefix,
            &rename.ident.to_string(),
            Some(rename.rename.to_string()),
            facts,
        ),
        syn::UseTree::Glob(_) => {
            if public && !prefix.is_empty() {
                facts.exports.push(Export::All {
                    source: prefix.join("::"),
                });
            }
        }
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                use_tree(tree, prefix, public, facts);
            }
        }
    }
}

/// `use prefix::name as local`: `self` in a group names the prefix itself
/// (`use crate::contract::{self}` binds `contract`); `_` binds nothing.
fn bind(prefix: &[String], name: &str, local: Option<String>, facts: &mut ModuleFacts) {
    let (source, imported) = if name == "self" {
        let Some((last, parent)) = prefix.split_last() else {
            return;
        };
        (parent.join("::"), last.clone())
    } else {
        (prefix.join("::"), name.to_string())
    };
    let local = local.unwrap_or_else(|| imported.clone());
    if local == "_" || source.is_empty() && is_path_keyword(&imported) {
        return;
    }
    facts.imports.push(Import {
        local,
        source,
        imported: Imported::Named(imported),
    });
}

/// Whether a module path may lead into the project: not the standard
/// library's crates.
pub fn may_be_project(source: &str) -> bool {
    let first = source.split("::").next().unwrap_or_default();
    !first.is_empty() && !matches!(first, "std" | "core" | "alloc" | "proc_macro")
}

fn is_path_keyword(word: &str) -> bool {
    matches!(word, "crate" | "self" | "super")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(src: &str) -> ModuleFacts {
        read(&syn::parse_file(src).expect("parses"))
    }

    #[test]
    fn uses_bind_names_with_their_module_paths() {
        let facts = facts(
            "use crate::contract::{self, Connector as Provider, TokenSet};\n\
             pub use super::base::Base;\n\
             use std::fmt::Display as _;\n\
             pub use providers::*;\n\
             use anyhow;\n\
             pub trait Local {}\n\
             pub struct Gmail;\n\
             mod inner { pub struct Hidden; }\n",
        );
        let imports: Vec<(&str, &str, &Imported)> = facts
            .imports
            .iter()
            .map(|i| (i.local.as_str(), i.source.as_str(), &i.imported))
            .collect();
        let named = |s: &str| Imported::Named(s.to_string());
        assert_eq!(
            imports,
            [
                ("contract", "crate", &named("contract")),
                ("Provider", "crate::contract", &named("Connector")),
                ("TokenSet", "crate::contract", &named("TokenSet")),
                ("Base", "super::base", &named("Base")),
                ("anyhow", "", &named("anyhow")),
            ]
        );
        assert_eq!(
            facts.exports,
            [Export::All {
                source: "providers".to_string()
            }]
        );
        assert_eq!(facts.defines, ["Local", "Gmail"]);
        assert!(facts.exports_everything);
    }
}
