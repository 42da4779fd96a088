//! Units of a file: classes, typed object literals, `impl` blocks and
//! traits that implement (or define) an interface, with their members and
//! what each member's body amounts to. The connector-contract kinds
//! (`required-member`, `stub-body`) read them through [`Model`], which also
//! resolves which definition of a member an implementation ends up with.

use std::ops::Range;

use serde::Deserialize;

use crate::lang::{Family, ParsedFile};
use crate::project::Query;
use crate::roles::is_test_path;
use crate::rules::{parse_options, OptionError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContractOptions {
    #[serde(default)]
    interfaces: Vec<String>,
    members: Vec<String>,
    #[serde(default)]
    classes: Vec<String>,
}

/// The options both kinds take: which interfaces form the contract and which
/// members every implementation must have.
pub struct Contract {
    pub interfaces: Vec<String>,
    pub members: Vec<String>,
    /// Globs over class names whose classes must have the members whatever
    /// they implement (`*Provider`): TS/JS and Python classes.
    pub classes: Vec<crate::lang::tree::NameGlob>,
    /// The globs as written, for messages.
    pub class_patterns: Vec<String>,
}

impl Contract {
    pub fn compile(options: &toml::Table) -> Result<Contract, OptionError> {
        let options: ContractOptions = parse_options(options)?;
        if options.interfaces.is_empty() && options.classes.is_empty() {
            return Err(OptionError::new(
                "interfaces",
                "name at least one interface (`interfaces`) or class-name glob (`classes`)",
            ));
        }
        if let Some(bad) = options.classes.iter().find(|c| {
            c.chars().all(|ch| ch == '*')
                || !c
                    .chars()
                    .all(|ch| ch == '*' || ch == '_' || ch == '$' || ch.is_alphanumeric())
        }) {
            return Err(OptionError::new(
                "classes",
                format!("`{bad}` is not a class-name glob (letters, digits, `_`, `$` and `*`, not only `*`)"),
            ));
        }
        for (field, names) in [
            ("interfaces", &options.interfaces),
            ("members", &options.members),
        ] {
            if names.is_empty() && field == "members" {
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
            classes: options
                .classes
                .iter()
                .map(|c| crate::lang::tree::NameGlob::new(c))
                .collect(),
            class_patterns: options.classes,
        })
    }

    /// A file can only implement an interface by naming it, or hold a
    /// class of a named shape by spelling its name.
    pub fn literals(&self) -> Vec<String> {
        let mut literals = self.interfaces.clone();
        for glob in &self.classes {
            let literal = glob.longest_literal();
            if literal.len() < 3 {
                return Vec::new();
            }
            literals.push(literal.to_string());
        }
        literals
    }

    /// The class-name glob a class's name matches.
    fn class_pattern(&self, name: &str) -> Option<&str> {
        self.classes
            .iter()
            .position(|g| g.is_match(name))
            .map(|i| self.class_patterns[i].as_str())
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
        let bound: Vec<String> = match family {
            // Names a Rust file imports from its crate or the workspace.
            Family::Rust => file
                .rust()
                .file()
                .map(|syntax| {
                    crate::facts::rust_modules::read(syntax)
                        .imports
                        .into_iter()
                        .filter(|i| crate::facts::rust_modules::may_be_project(&i.source))
                        .map(|i| i.local)
                        .collect()
                })
                .unwrap_or_default(),
            _ => file
                .tree()
                .and_then(|tree| {
                    crate::facts::modules::read(file.language, tree.root_node(), file.text())
                })
                .map(|facts| {
                    let imports = facts.imports.into_iter().map(|i| i.local);
                    imports.chain(facts.defines).collect()
                })
                .unwrap_or_default(),
        };
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
            Family::Rust => rust_units(file.rust().file()?, contract, &names.bound),
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
        let unit = &self.units[index];
        if unit.nominal && !unit.is_definition && matches!(self.family, Family::Js | Family::Python)
        {
            if let Some(pattern) = contract.class_pattern(&unit.name) {
                return vec![Claim {
                    interface: pattern.to_string(),
                    reaches: None,
                }];
            }
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

mod js;
mod python;
mod rust;
mod summary;

use js::js_units;
use python::python_units;
pub use rust::rust_summaries;
use rust::rust_units;
pub use summary::{summaries, MemberSummary, Supplied, UnitSummary};

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
