//! Summaries of a file's classes, interfaces and type aliases, for the
//! project model: what a class in another file that extends or implements
//! one needs to know.

use serde::{Deserialize, Serialize};
use tree_sitter::Node;

use super::js::js_class;
use super::python::python_class;
use super::{Body, Names, Unit};
use crate::facts::stubs::last_segment;
use crate::lang::tree::{named_children, text, NodeExt};
use crate::lang::{Family, Language};

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

    pub(super) fn of(unit: Unit) -> UnitSummary {
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
