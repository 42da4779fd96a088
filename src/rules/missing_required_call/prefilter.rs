//! What a file must spell, or where it must be, to hold a disconnect path,
//! told from its text and path before it is parsed; and the check itself.

use super::data::DELETE_VERBS;
use super::MissingRequiredCallCheck;
use crate::facts::function_bodies::{next_route, pages_api_route};
use crate::facts::route_text::{
    contains_identifier, contains_ignore_ascii_case, name_spelling, registers_route,
};
use crate::lang::{Family, ParsedFile};
use crate::roles::is_test_path;
use crate::rules::{Check, Reporter};

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
    ///   means containing each of its fixed pieces, and folding strings only joins
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
            let spells =
                |piece: &String| spelled.contains(piece.as_str()) || path.contains(piece.as_str());
            if literals.iter().any(|pieces| pieces.iter().all(spells)) {
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

impl Check for MissingRequiredCallCheck {
    /// A disconnect path is named (`disconnect…`, `…Connection…`) or is a
    /// route of a listed method (`delete`, `DELETE`); it must also name
    /// what it deletes.
    fn literals(&self) -> Vec<String> {
        let mut literals: Vec<String> = match &self.functions {
            Some(functions) => {
                let l = functions.literals();
                if l.is_empty() && !self.function_literals.is_empty() {
                    return Vec::new();
                }
                l
            }
            None => Vec::new(),
        };
        // A route counts when its path matches `route_paths`: its code
        // spells a word of those globs (`/connections/:id`, a router
        // `prefix="/integrations"`), or its file path matches them (a path
        // trigger). The HTTP method alone (`delete`) is far too common a
        // word to send files to the parser.
        if self.has_routes {
            literals.extend(self.route_path_words());
        }
        literals
    }

    fn required_literals(&self) -> Vec<Vec<String>> {
        let mut group: Vec<String> = self
            .deletes
            .iter()
            .chain(&self.deletes_records)
            .map(|phrase| phrase.join(""))
            .collect();
        group.extend(
            self.deletes
                .iter()
                .chain(&self.deletes_records)
                .filter(|p| p.len() > 1)
                .map(|p| p.join("_")),
        );
        if group.iter().any(|w| w == "connection") {
            group.push("conn".to_string());
        }
        if group.iter().any(|w| w == "credential") {
            group.push("cred".to_string());
        }
        // Every deletion the kind recognises spells one of its verbs
        // (`del` also covers `delete` and Python's `del`).
        let verbs: Vec<String> = DELETE_VERBS
            .iter()
            .filter(|v| !v.starts_with("del") || **v == "del")
            .map(|v| v.to_string())
            .collect();
        vec![group, verbs]
    }

    /// Route files named like a disconnect path (`…/disconnect/route.ts`,
    /// `pages/api/…/disconnect.ts`) need not spell it in their code, nor do
    /// route files whose path matches `route_paths`.
    fn path_triggers(&self) -> Vec<String> {
        let mut globs = Vec::new();
        if self.has_routes {
            // Route files only: a folder of that name elsewhere is common.
            for word in self.route_path_words() {
                globs.push(format!("**/*{word}*/**/route.*"));
                globs.push(format!("**/pages/api/**/*{word}*"));
                globs.push(format!("**/pages/api/**/*{word}*/**"));
            }
        }
        let Some(functions) = &self.functions else {
            globs.sort();
            globs.dedup();
            return globs;
        };
        for literal in functions.literals() {
            let literal = literal.trim_matches('_').to_ascii_lowercase();
            if literal.len() < 4 || literal.contains('_') {
                continue;
            }
            globs.push(format!("**/*{literal}*/**/route.*"));
            globs.push(format!("**/pages/api/**/*{literal}*"));
            globs.push(format!("**/pages/api/**/*{literal}*/**"));
        }
        globs.sort();
        globs.dedup();
        globs
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        if is_test_path(file.path()) || !self.may_have_path(file) {
            return;
        }
        self.report_paths(file, out);
    }
}
