//! Units of a file: classes, typed object literals, `impl` blocks and
//! traits that implement (or define) an interface, with their members and
//! what each member's body amounts to. The connector-contract kinds
//! (`required-member`, `stub-body`) read them through [`Model`], which also
//! resolves which definition of a member an implementation ends up with.

use crate::lang::tree::NodeExt;
use std::collections::HashSet;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use tree_sitter::Node;

use crate::facts::stubs::{
    first_named, js_function_stub, js_unwrap, last_segment, python_function_stub, rust_block_stub,
};
use crate::lang::rust::byte_span::ByteSpan;
use crate::lang::rust::span_range;
use crate::lang::tree::{named_children, text, walk};
use crate::lang::{typescript, Family, Language, ParsedFile};
use crate::project::Query;
use crate::roles::is_test_path;
use crate::rules::{parse_options, OptionError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContractOptions {
    interfaces: Vec<String>,
    members: Vec<String>,
}

/// The options both kinds take: which interfaces form the contract and which
/// members every implementation must have.
pub struct Contract {
    pub interfaces: Vec<String>,
    pub members: Vec<String>,
}

impl Contract {
    pub fn compile(options: &toml::Table) -> Result<Contract, OptionError> {
        let options: ContractOptions = parse_options(options)?;
        for (field, names) in [
            ("interfaces", &options.interfaces),
            ("members", &options.members),
        ] {
            if names.is_empty() {
                return Err(OptionError::new(
                    field,
                    format!("`{field}` must name at least one identifier"),
                ));
            }
            if let Some(bad) = names.iter().find(|n| !is_identifier(n)) {
                return Err(OptionError::new(
                    field,
                    format!("`{bad}` is not a bare identifier: give the name without a module path or type arguments"),
                ));
            }
        }
        Ok(Contract {
            interfaces: options.interfaces,
            members: options.members,
        })
    }

    /// A file can only implement an interface by naming it.
    pub fn literals(&self) -> Vec<String> {
        self.interfaces.clone()
    }

    fn is_interface(&self, name: &str) -> bool {
        self.interfaces.iter().any(|i| i == name)
    }

    fn is_member(&self, name: &str) -> bool {
        self.members.iter().any(|m| m == name)
    }
}

/// Which type names the unit readers take for an interface.
pub struct Names<'c> {
    /// The contract, or `None` to take every name (the summaries the
    /// project model keeps of every class).
    contract: Option<&'c Contract>,
    /// Names the file binds at its top level by importing (`IC`, `ns`,
    /// `base`) or defining them (`type IC = Connector`, `interface
    /// IntegrationConnector extends Connector`): the names the project
    /// model can follow.
    bound: Vec<String>,
}

impl<'c> Names<'c> {
    /// The contract's names, and the names the file binds: each may be the
    /// interface under an alias.
    pub fn new(contract: &'c Contract, bound: Vec<String>) -> Names<'c> {
        Names {
            contract: Some(contract),
            bound,
        }
    }

    /// Every name: what summaries of a file's classes record.
    pub fn every() -> Names<'static> {
        Names {
            contract: None,
            bound: Vec::new(),
        }
    }

    /// Whether `name` is one of the contract's interfaces.
    fn is_contract(&self, name: &str) -> bool {
        self.contract.is_some_and(|c| c.is_interface(name))
    }

    fn is_member(&self, name: &str) -> bool {
        self.contract.is_none_or(|c| c.is_member(name))
    }

    /// How a type written as `written` (`Connector`, `ns.Connector`, `IC`)
    /// is recorded: the contract's simple name when the last segment is
    /// one, the name as written when the file binds it (it may be the
    /// interface under an alias, for the project model to tell), else
    /// nothing.
    fn type_ref(&self, written: &str) -> Option<String> {
        let simple = written.rsplit('.').next().unwrap_or(written);
        if self.is_contract(simple) {
            return Some(simple.to_string());
        }
        (self.contract.is_none() || is_bound(&self.bound, written)).then(|| written.to_string())
    }
}

/// Whether `written` (`IC`, `ns.Connector`, `app.base.Base`) starts with a
/// name the file binds.
pub fn is_bound(bound: &[String], written: &str) -> bool {
    bound.iter().any(|local| {
        written == local
            || written
                .strip_prefix(local.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// What a member's definition amounts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Declared without a body: `abstract revoke()`, `@abstractmethod`, a
    /// trait method without a default.
    Abstract,
    /// Present, but not as a body we can judge: a field holding a function
    /// reference, a getter, a shorthand property.
    Value,
    /// A function body; `Some(reason)` when it is a stub.
    Code(Option<&'static str>),
}

#[derive(Debug)]
pub struct Member {
    pub name: String,
    /// The member's name, where a stub is reported.
    pub span: Range<usize>,
    pub body: Body,
}

/// A class, object literal, `impl` block or trait: anything that defines
/// members and may implement (or define) an interface.
#[derive(Debug, Default)]
pub struct Unit {
    pub name: String,
    /// Where a missing member is reported: the class name, the variable, the
    /// implementing type.
    pub span: Range<usize>,
    /// Classes and traits can be named as bases; object literals and `impl`
    /// blocks cannot.
    pub nominal: bool,
    /// Interfaces named where no default can come from: a TS `implements`
    /// clause, a type annotation.
    pub implements: Vec<String>,
    /// Simple names of base classes (TS `extends`, Python bases) or of the
    /// implemented trait; bases can supply members.
    pub bases: Vec<String>,
    /// The same bases as written (`base.BaseConnector`), in the same
    /// order: the names the project model resolves.
    pub base_paths: Vec<String>,
    pub is_abstract: bool,
    /// The interface's own definition (`class Connector(ABC)`, `trait
    /// Connector`): never an implementation itself.
    pub is_definition: bool,
    /// Members may come from somewhere the file does not show: an object
    /// spread, a mixin call, a macro inside an `impl`.
    pub open: bool,
    pub members: Vec<Member>,
}

impl Unit {
    fn add_base(&mut self, simple: &str, written: &str) {
        self.bases.push(simple.to_string());
        self.base_paths.push(written.to_string());
    }

    /// The definition of `name` that wins: code over a bare declaration, as
    /// with TS overload signatures followed by the implementation.
    pub fn member(&self, name: &str) -> Option<&Member> {
        let rank = |m: &&Member| match m.body {
            Body::Code(_) => 2,
            Body::Value => 1,
            Body::Abstract => 0,
        };
        self.members
            .iter()
            .filter(|m| m.name == name)
            .max_by_key(rank)
    }
}

/// The units of one file.
pub struct Model {
    pub family: Family,
    pub units: Vec<Unit>,
    /// Names the file binds at its top level by importing or defining
    /// them.
    pub bound: Vec<String>,
}

/// One way a unit implements the contract.
pub struct Claim {
    /// The interface as the file names it (`Connector`, `IC`,
    /// `BaseConnector`).
    pub interface: String,
    /// What the project model must confirm for the claim to stand; `None`
    /// when the file names the contract itself.
    pub reaches: Option<Query>,
}

/// Where an implementation gets a member from.
pub enum Lookup<'m> {
    Found {
        owner: usize,
        member: &'m Member,
    },
    /// Not in the file. `unless` names the out-of-file base named like the
    /// interface, whose default (if real) would supply it; `bases` the
    /// out-of-file bases the file binds (as written) the member could still come from, for
    /// the project model to rule out.
    Missing {
        unless: Option<String>,
        bases: Vec<String>,
    },
    /// The member may come from something the file does not show.
    Unknown,
}

impl Model {
    /// Reads the file's implementations, or `None` when the file cannot be
    /// read (a Rust file syn rejects, a declaration-only file).
    pub fn of(file: &ParsedFile, contract: &Contract) -> Option<Model> {
        let path = file.path();
        if is_test_path(path) {
            return None;
        }
        let family = file.language.family();
        let bound: Vec<String> = file
            .tree()
            .and_then(|tree| {
                crate::facts::modules::read(file.language, tree.root_node(), file.text())
            })
            .map(|facts| {
                let imports = facts.imports.into_iter().map(|i| i.local);
                imports.chain(facts.defines).collect()
            })
            .unwrap_or_default();
        let names = Names::new(contract, bound);
        let units = match family {
            Family::Js => {
                if [".d.ts", ".d.mts", ".d.cts"]
                    .iter()
                    .any(|s| path.ends_with(s))
                {
                    return None;
                }
                let root = file.tree()?.root_node();
                js_units(root, file.text(), &names)
            }
            Family::Python => {
                if path.ends_with(".pyi") {
                    return None;
                }
                python_units(file.tree()?.root_node(), file.text(), &names)
            }
            Family::Rust => rust_units(file.rust().file()?, contract),
            _ => return None,
        };
        Some(Model {
            family,
            units,
            bound: names.bound,
        })
    }

    fn nominal(&self, name: &str, seen: &[usize]) -> Option<usize> {
        self.units
            .iter()
            .enumerate()
            .position(|(i, u)| u.nominal && u.name == name && !seen.contains(&i))
    }

    /// The interface unit `index` implements, directly or through in-file
    /// bases; `None` for definitions and unrelated units.
    pub fn implemented(&self, index: usize, contract: &Contract) -> Option<&str> {
        if self.units[index].is_definition {
            return None;
        }
        self.implemented_from(index, contract, &mut Vec::new())
    }

    fn implemented_from(
        &self,
        index: usize,
        contract: &Contract,
        seen: &mut Vec<usize>,
    ) -> Option<&str> {
        seen.push(index);
        let unit = &self.units[index];
        if let Some(name) = unit
            .implements
            .iter()
            .chain(&unit.bases)
            .find(|n| contract.is_interface(n))
        {
            return Some(name);
        }
        for base in &unit.bases {
            if let Some(b) = self.nominal(base, seen) {
                if self.units[b].is_definition {
                    return Some(&self.units[b].name);
                }
                if let Some(found) = self.implemented_from(b, contract, seen) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Names as written, in the unit's `implements`, type and bases (and
    /// those of its in-file bases), that the file binds and that are not
    /// the contract's own names: each may be the interface under an alias,
    /// or a class in another file that implements it. Empty for units
    /// [`Model::implemented`] already places, and for definitions.
    pub fn candidates(&self, index: usize, contract: &Contract) -> Vec<String> {
        if self.units[index].is_definition || self.implemented(index, contract).is_some() {
            return Vec::new();
        }
        let mut found = Vec::new();
        let mut seen = Vec::new();
        let mut next = vec![index];
        while let Some(i) = next.pop() {
            if seen.contains(&i) {
                continue;
            }
            seen.push(i);
            let unit = &self.units[i];
            for (simple, written) in unit.bases.iter().zip(&unit.base_paths) {
                match self.nominal(simple, &seen) {
                    Some(b) => next.push(b),
                    None if is_bound(&self.bound, written) => found.push(written.clone()),
                    None => {}
                }
            }
            found.extend(
                unit.implements
                    .iter()
                    .filter(|n| !contract.is_interface(n))
                    .cloned(),
            );
        }
        let mut unique = Vec::new();
        for name in found {
            if !unique.contains(&name) {
                unique.push(name);
            }
        }
        unique
    }

    /// How unit `index` may implement the contract: by one of the
    /// contract's names (decided in the file), or through each
    /// candidate name, for the project model to confirm. Empty when it
    /// does not.
    pub fn claims(&self, index: usize, contract: &Contract) -> Vec<Claim> {
        if let Some(interface) = self.implemented(index, contract) {
            return vec![Claim {
                interface: interface.to_string(),
                reaches: None,
            }];
        }
        let candidates = self.candidates(index, contract);
        candidates
            .iter()
            .enumerate()
            .map(|(i, name)| Claim {
                interface: name.clone(),
                reaches: Some(Query::Reaches {
                    name: name.clone(),
                    before: candidates[..i].to_vec(),
                    targets: contract.interfaces.clone(),
                }),
            })
            .collect()
    }

    /// Whether the unit names an interface itself rather than only
    /// inheriting it.
    pub fn names_interface(&self, index: usize, contract: &Contract) -> bool {
        let unit = &self.units[index];
        unit.implements
            .iter()
            .chain(&unit.bases)
            .any(|n| contract.is_interface(n))
    }

    /// Finds the definition of `member` that unit `index` ends up with,
    /// searching its in-file bases depth first, left to right.
    pub fn lookup(&self, index: usize, member: &str, contract: &Contract) -> Lookup<'_> {
        let mut state = Search::default();
        if let Some((owner, found)) =
            self.find(index, member, contract, &mut Vec::new(), &mut state)
        {
            return Lookup::Found {
                owner,
                member: found,
            };
        }
        // Python lists the interface among the bases, so a class naming it
        // is checked even beside a mixin from elsewhere; a TS class that
        // extends a class from elsewhere may inherit anything.
        // A base the file binds is left for the project model to rule out.
        let other_base_counts =
            !(self.family == Family::Python && self.names_interface(index, contract));
        if state.open || (state.unknown_base && other_base_counts) {
            Lookup::Unknown
        } else {
            Lookup::Missing {
                unless: state.unless,
                bases: if other_base_counts {
                    state.bound_bases
                } else {
                    Vec::new()
                },
            }
        }
    }

    fn find(
        &self,
        index: usize,
        member: &str,
        contract: &Contract,
        seen: &mut Vec<usize>,
        state: &mut Search,
    ) -> Option<(usize, &Member)> {
        seen.push(index);
        let unit = &self.units[index];
        if let Some(m) = unit.member(member) {
            return Some((index, m));
        }
        state.open |= unit.open;
        for (base, written) in unit.bases.iter().zip(&unit.base_paths) {
            match self.nominal(base, seen) {
                Some(b) => {
                    if let Some(found) = self.find(b, member, contract, seen, state) {
                        return Some(found);
                    }
                }
                // A TS/JS class extending any class from elsewhere may
                // inherit the member; Python and Rust name the interface
                // itself as the base, whose default a fact can vouch for.
                None if contract.is_interface(base) && self.family != Family::Js => {
                    state.unless.get_or_insert_with(|| base.clone());
                }
                None if is_bound(&self.bound, written) => {
                    state.bound_bases.push(written.clone());
                }
                None => state.unknown_base = true,
            }
        }
        None
    }

    /// The key of the project fact a real default of `member` in a
    /// definition named `interface` records.
    pub fn default_fact(&self, interface: &str, member: &str) -> String {
        let prefix = match self.family {
            Family::Rust => "rust-trait-default",
            Family::Python => "python-class-default",
            _ => "js-class-default",
        };
        format!("{prefix}:{interface}:{member}")
    }
}

#[derive(Default)]
struct Search {
    unless: Option<String>,
    open: bool,
    /// Out-of-file bases the file binds, as written.
    bound_bases: Vec<String>,
    /// An out-of-file base the file does not bind.
    unknown_base: bool,
}

// ---------------------------------------------------------------------------
// Summaries of a file's classes, for the project model

/// What a member's definition supplies to a class that inherits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Supplied {
    /// Declared without a body (`abstract revoke()`, `@abstractmethod`).
    Abstract,
    /// A body that does nothing (see [`crate::facts::stubs`]).
    Stub,
    /// A body that does something, or a value we cannot judge.
    Real,
}

/// A member of a summarised class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSummary {
    pub name: String,
    pub supplied: Supplied,
}

/// A top-level class of a TS/JS or Python file, as another file's class
/// that extends it sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitSummary {
    pub name: String,
    /// Bases as written (`Base`, `base.BaseConnector`); marker bases such
    /// as `ABC` and `Protocol` left out.
    pub bases: Vec<String>,
    /// Interfaces a TS `implements` clause names, as written.
    pub implements: Vec<String>,
    /// A Python `Protocol`: a definition, never an implementation.
    pub protocol: bool,
    /// Members may come from something the file does not show.
    pub open: bool,
    pub members: Vec<MemberSummary>,
}

impl UnitSummary {
    /// What the winning definition of `name` supplies (code over a bare
    /// declaration, as [`Unit::member`] picks).
    pub fn member(&self, name: &str) -> Option<Supplied> {
        let rank = |s: &Supplied| match s {
            Supplied::Real | Supplied::Stub => 1,
            Supplied::Abstract => 0,
        };
        self.members
            .iter()
            .filter(|m| m.name == name)
            .map(|m| m.supplied)
            .max_by_key(rank)
    }

    fn of(unit: Unit) -> UnitSummary {
        UnitSummary {
            name: unit.name,
            bases: unit.base_paths,
            implements: unit.implements,
            protocol: unit.is_definition,
            open: unit.open,
            members: unit
                .members
                .into_iter()
                .map(|m| MemberSummary {
                    name: m.name,
                    supplied: match m.body {
                        Body::Abstract => Supplied::Abstract,
                        Body::Code(Some(_)) => Supplied::Stub,
                        Body::Code(None) | Body::Value => Supplied::Real,
                    },
                })
                .collect(),
        }
    }
}

/// A TS interface or type alias as a unit with no members whose bases are
/// the types it extends or names (`interface IntegrationConnector extends
/// Connector`, `type IC = Connector & Extra`): a class implementing it
/// implements those. A definition, never an implementation.
fn js_interface_alias(node: Node<'_>, src: &str) -> Option<Unit> {
    let name = node.field("name")?;
    let mut unit = Unit {
        name: text(name, src).to_string(),
        span: name.byte_range(),
        nominal: true,
        is_definition: true,
        ..Unit::default()
    };
    let types = match node.kind_str() {
        "interface_declaration" => named_children(node)
            .into_iter()
            .filter(|c| c.kind_str() == "extends_type_clause")
            .flat_map(named_children)
            .collect(),
        _ => {
            let value = node.field("value")?;
            match value.kind_str() {
                "intersection_type" => named_children(value),
                _ => vec![value],
            }
        }
    };
    for ty in types {
        let ty = match ty.kind_str() {
            "generic_type" => ty.field("name")?,
            _ => ty,
        };
        if matches!(ty.kind_str(), "type_identifier" | "nested_type_identifier") {
            let written = text(ty, src);
            unit.add_base(last_segment(written), written);
        }
    }
    Some(unit)
}

/// Summaries of the named top-level classes of a TS/JS or Python file
/// (exported or not), and of TS interfaces and type aliases; empty for
/// other languages.
pub fn summaries(language: Language, root: Node<'_>, src: &str) -> Vec<UnitSummary> {
    let names = Names::every();
    let mut units = Vec::new();
    for statement in named_children(root) {
        let mut node = statement;
        while let Some(inner) = match node.kind_str() {
            "export_statement" => node.field("declaration"),
            "decorated_definition" => node.field("definition"),
            _ => None,
        } {
            node = inner;
        }
        let unit = match (language.family(), node.kind_str()) {
            (Family::Js, "class_declaration" | "abstract_class_declaration") => {
                Some(js_class(node, src, &names))
            }
            (Family::Python, "class_definition") => python_class(node, src, &names),
            (Family::Js, "interface_declaration" | "type_alias_declaration") => {
                js_interface_alias(node, src)
            }
            _ => None,
        };
        units.extend(unit.filter(|u| u.nominal).map(UnitSummary::of));
    }
    units
}

// ---------------------------------------------------------------------------
// JS/TS units

fn js_units(root: Node<'_>, src: &str, names: &Names<'_>) -> Vec<Unit> {
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

fn js_class(node: Node<'_>, src: &str, names: &Names<'_>) -> Unit {
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

// ---------------------------------------------------------------------------
// Python units

/// Bases that say something about the class but supply no members.
const PYTHON_MARKER_BASES: &[&str] = &["ABC", "Protocol", "Generic", "object"];

fn python_units(root: Node<'_>, src: &str, names: &Names<'_>) -> Vec<Unit> {
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

fn python_class(node: Node<'_>, src: &str, names: &Names<'_>) -> Option<Unit> {
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

// ---------------------------------------------------------------------------
// Rust units

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

fn rust_units(file: &syn::File, contract: &Contract) -> Vec<Unit> {
    struct Collect<'c> {
        contract: &'c Contract,
        renames: Vec<(String, String)>,
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
    }
    impl<'ast> syn::visit::Visit<'ast> for Collect<'_> {
        fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
            if let Some((None, path, _)) = &item.trait_ {
                if let Some(last) = path.segments.last() {
                    if let Some(interface) = self.interface(last.ident.to_string()) {
                        self.units.push(rust_impl(item, interface));
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

/// Runs one rule over in-memory files the way a project run does (facts
/// from every file cancel findings) and returns each finding as
/// `path:flagged text: message`.
#[cfg(test)]
pub(crate) fn lint(rule: &str, files: &[(&str, &str)]) -> Vec<String> {
    let findings = crate::rules::lint_with_only(rule, files);
    findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}: {}",
                f.path(),
                &f.source.text[f.span.clone()],
                f.message
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summarise(path: &str, text: &str) -> Vec<UnitSummary> {
        let language = Language::from_path(path).expect("language");
        let tree = crate::lang::tree::parse(language, text).expect("tree");
        summaries(language, tree.root_node(), text)
    }

    fn member(name: &str, supplied: Supplied) -> MemberSummary {
        MemberSummary {
            name: name.to_string(),
            supplied,
        }
    }

    #[test]
    fn ts_summaries_keep_bases_as_written_and_member_bodies() {
        let units = summarise(
            "src/oauth.ts",
            "import * as base from './base';\n\
             export abstract class OAuth extends base.Http implements Connector, Other {\n\
               abstract revoke(token: string): Promise<void>;\n\
               async exchange() { await fetch(url); }\n\
               async refresh() {}\n\
             }\n\
             class Local {}\n\
             const notAClass = class {};\n",
        );
        assert_eq!(units.len(), 2);
        let oauth = &units[0];
        assert_eq!(oauth.name, "OAuth");
        assert_eq!(oauth.bases, ["base.Http"]);
        assert_eq!(oauth.implements, ["Connector", "Other"]);
        assert_eq!(
            oauth.members,
            [
                member("revoke", Supplied::Abstract),
                member("exchange", Supplied::Real),
                member("refresh", Supplied::Stub),
            ]
        );
        assert_eq!(units[1].name, "Local");
    }

    #[test]
    fn python_summaries_drop_marker_bases_and_see_protocols() {
        let units = summarise(
            "app/base.py",
            "from typing import Protocol\n\
             import abc\n\n\
             class Revocable(Protocol):\n    def revoke(self, token: str) -> None: ...\n\n\
             @dataclass\n\
             class Base(abc.ABC, mixins.Http):\n    async def revoke(self, token):\n        await self.http.post(URL, data={'token': token})\n",
        );
        assert_eq!(units.len(), 2);
        assert!(units[0].protocol);
        assert_eq!(units[0].member("revoke"), Some(Supplied::Stub));
        assert!(!units[1].protocol);
        assert_eq!(units[1].bases, ["mixins.Http"]);
        assert_eq!(units[1].member("revoke"), Some(Supplied::Real));
    }
}
