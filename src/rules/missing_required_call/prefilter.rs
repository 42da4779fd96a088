//! Whether a file may hold a disconnect path, told from its text and path
//! before it is parsed.

use super::MissingRequiredCallCheck;
use crate::facts::function_bodies::{next_route, pages_api_route};
use crate::facts::route_text::{
    contains_identifier, contains_ignore_ascii_case, name_spelling, registers_route,
};
use crate::lang::{Family, ParsedFile};

impl MissingRequiredCallCheck {
    /// The fixed words of `route_paths` (`connections`, `integrations`).
    pub(super) fn route_path_words(&self) -> Vec<String> {
        let mut words: Vec<String> = self
            .route_path_patterns
            .iter()
            .flat_map(|g| g.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')))
            .filter(|w| w.len() >= 4)
            .map(str::to_ascii_lowercase)
            .collect();
        words.sort();
        words.dedup();
        words
    }
}

impl MissingRequiredCallCheck {
    /// Whether the file may hold a disconnect path, read from its text and
    /// path before the file is parsed. Every disconnect path is
    ///
    /// - a function or a route path segment (of a route path, a router
    ///   prefix or the file path) matched by `functions`: matching a glob
    ///   means containing its fixed piece, and folding strings only joins
    ///   literal pieces (spelling ignores quotes, `+`, parentheses and
    ///   white space between them) or puts an `x` for a substitution
    ///   (literals with an `x` turn this test off); `_` and `-` are ignored
    ///   because Python names and route segments also match in camelCase;
    /// - or a route of a listed method, registered by an identifier
    ///   spelling the method (`router.delete`, `export function DELETE`,
    ///   `@router.delete`); a Python `methods=[…]` list or a default `GET`
    ///   route is not read here.
    pub(super) fn may_have_path(&self, file: &ParsedFile) -> bool {
        let Some(literals) = &self.name_literals else {
            return true;
        };
        let text = file.text();
        if !literals.is_empty() {
            let spelled = name_spelling(text);
            let path = name_spelling(file.path());
            if literals
                .iter()
                .any(|l| spelled.contains(l.as_str()) || path.contains(l.as_str()))
            {
                return true;
            }
        }
        if !self.has_routes {
            return false;
        }
        // A route counts only when its route path or its file path matches
        // `route_paths`: either spells one of their words.
        let words = self.route_path_words();
        if !words.is_empty()
            && !words.iter().any(|w| {
                contains_ignore_ascii_case(text, w) || contains_ignore_ascii_case(file.path(), w)
            })
        {
            return false;
        }
        let family = file.language.family();
        if family == Family::Python
            && (self.method_tokens.iter().any(|m| m == "get")
                || contains_ignore_ascii_case(text, "methods"))
        {
            return true;
        }
        if family == Family::Js
            && (next_route(file.path()).is_some()
                || pages_api_route(file.path()).is_some()
                || text.contains(".route("))
        {
            return self
                .method_tokens
                .iter()
                .any(|token| contains_identifier(text, token));
        }
        self.method_tokens
            .iter()
            .any(|token| registers_route(text, token))
    }
}
