//! Rust units: `impl Trait for Type` blocks and trait definitions.

use super::{Body, Contract, Member, Unit};
use crate::facts::stubs::rust_block_stub;
use crate::lang::rust::byte_span::ByteSpan;
use crate::lang::rust::span_range;

/// Local names a `use` gives to the contract's traits (`use
/// crate::connectors::Connector as Integration;`), with the trait's name.
fn rust_trait_renames(file: &syn::File, contract: &Contract) -> Vec<(String, String)> {
    struct Renames<'c> {
        contract: &'c Contract,
        found: Vec<(String, String)>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Renames<'_> {
        fn visit_use_rename(&mut self, rename: &'ast syn::UseRename) {
            let original = rename.ident.to_string();
            if self.contract.is_interface(&original) {
                self.found.push((rename.rename.to_string(), original));
            }
        }
    }
    let mut renames = Renames {
        contract,
        found: Vec::new(),
    };
    syn::visit::Visit::visit_file(&mut renames, file);
    renames.found
}

/// The units of a Rust file: `impl` blocks of the contract's traits (named
/// directly, renamed by a `use … as` in the file, or through a name the
/// file imports from the project, for the project model to follow) and
/// the contract's trait definitions. `bound` holds the names the file's
/// `use` items bind.
pub(super) fn rust_units(file: &syn::File, contract: &Contract, bound: &[String]) -> Vec<Unit> {
    struct Collect<'c> {
        contract: &'c Contract,
        renames: Vec<(String, String)>,
        bound: &'c [String],
        units: Vec<Unit>,
    }
    impl Collect<'_> {
        /// The contract trait a path's last segment names, through a
        /// `use ... as` rename in the file.
        fn interface(&self, name: String) -> Option<String> {
            if self.contract.is_interface(&name) {
                return Some(name);
            }
            self.renames
                .iter()
                .find(|(local, _)| *local == name)
                .map(|(_, original)| original.clone())
        }

        /// A trait path the file imports (`Integration`, `contract::Api`),
        /// as the project model reads it (`contract.Api`): it may be the
        /// contract under another name, given in another file.
        fn imported(&self, path: &syn::Path) -> Option<String> {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            let first = segments.first()?;
            (path.leading_colon.is_none() && segments.len() <= 2 && self.bound.contains(first))
                .then(|| segments.join("."))
        }
    }
    impl<'ast> syn::visit::Visit<'ast> for Collect<'_> {
        fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
            if let Some((None, path, _)) = &item.trait_ {
                if let Some(last) = path.segments.last() {
                    if let Some(interface) = self.interface(last.ident.to_string()) {
                        self.units.push(rust_impl(item, interface));
                    } else if let Some(written) = self.imported(path) {
                        self.units.push(rust_impl(item, written));
                    }
                }
            }
            syn::visit::visit_item_impl(self, item);
        }

        fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
            if !is_test_item(&item.attrs) {
                syn::visit::visit_item_mod(self, item);
            }
        }

        fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
            if !is_test_item(&item.attrs) {
                syn::visit::visit_item_fn(self, item);
            }
        }

        fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
            let name = item.ident.to_string();
            if self.contract.is_interface(&name) {
                self.units.push(rust_trait(item, name));
            }
            syn::visit::visit_item_trait(self, item);
        }
    }
    let mut collect = Collect {
        contract,
        renames: rust_trait_renames(file, contract),
        bound,
        units: Vec::new(),
    };
    syn::visit::Visit::visit_file(&mut collect, file);
    collect.units
}

/// `#[cfg(test)]`, `#[test]`, `#[tokio::test]`: test code, where stub
/// implementations are mocks.
fn is_test_item(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.is_ident("cfg") {
            let tokens = quote::ToTokens::to_token_stream(&attr.meta).to_string();
            let mut words = tokens.split(|c: char| !(c.is_alphanumeric() || c == '_'));
            let words: Vec<&str> = words.by_ref().collect();
            return words.contains(&"test") && !words.contains(&"not");
        }
        path.segments.last().is_some_and(|s| s.ident == "test")
    })
}

fn rust_impl(item: &syn::ItemImpl, interface: String) -> Unit {
    let name = match &*item.self_ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(String::new, |s| s.ident.to_string()),
        other => quote::ToTokens::to_token_stream(other).to_string(),
    };
    let mut unit = Unit {
        name,
        span: item.self_ty.range(),
        base_paths: vec![interface.clone()],
        bases: vec![interface],
        ..Unit::default()
    };
    for impl_item in &item.items {
        let (ident, body) = match impl_item {
            syn::ImplItem::Fn(f) => (&f.sig.ident, Body::Code(rust_block_stub(&f.block))),
            syn::ImplItem::Const(c) => (&c.ident, Body::Value),
            syn::ImplItem::Type(t) => (&t.ident, Body::Value),
            _ => {
                unit.open = true;
                continue;
            }
        };
        unit.members.push(Member {
            name: ident.to_string(),
            span: span_range(ident.span()),
            body,
        });
    }
    unit
}

fn rust_trait(item: &syn::ItemTrait, name: String) -> Unit {
    let mut unit = Unit {
        name,
        span: span_range(item.ident.span()),
        nominal: true,
        is_definition: true,
        ..Unit::default()
    };
    for trait_item in &item.items {
        let (ident, body) = match trait_item {
            syn::TraitItem::Fn(f) => (
                &f.sig.ident,
                f.default
                    .as_ref()
                    .map_or(Body::Abstract, |b| Body::Code(rust_block_stub(b))),
            ),
            syn::TraitItem::Const(c) => (
                &c.ident,
                if c.default.is_some() {
                    Body::Value
                } else {
                    Body::Abstract
                },
            ),
            syn::TraitItem::Type(t) => (
                &t.ident,
                if t.default.is_some() {
                    Body::Value
                } else {
                    Body::Abstract
                },
            ),
            _ => continue,
        };
        unit.members.push(Member {
            name: ident.to_string(),
            span: span_range(ident.span()),
            body,
        });
    }
    unit
}

/// Summaries of every trait a Rust file defines at its top level, for an
/// `impl` in another file that reaches one through imports: a trait is a
/// definition, so only a real default body supplies a member.
pub fn rust_summaries(file: &syn::File) -> Vec<super::UnitSummary> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Trait(item) => Some(super::summary::UnitSummary::of(rust_trait(
                item,
                item.ident.to_string(),
            ))),
            _ => None,
        })
        .collect()
}
