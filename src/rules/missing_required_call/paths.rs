//! Disconnect paths and what their bodies do: the routes and named
//! functions of a file that delete a stored credential without making a
//! required call, through the file's own helpers.

use std::collections::HashSet;
use std::ops::Range;

use super::data::{DELETE_VERBS, PY_NOT_STORES};
use super::deletion::words;
use super::{is_data_layer_class, is_data_layer_path, MissingRequiredCallCheck, MAX_HELPER_DEPTH};
use crate::facts::function_bodies::{BodyCall, BodyEvent, FileFunctions, FunctionId, Route};
use crate::facts::sql_calls::is_sql_call;
use crate::lang::{Family, ParsedFile};
use crate::rules::Reporter;

/// A credential deletion found in a body.
#[derive(Clone, Debug)]
pub(super) struct Deletion {
    pub(super) span: Range<usize>,
    /// The deleting code, compacted, for the message.
    pub(super) what: String,
}

/// What a body does.
#[derive(Default)]
struct Analysis {
    deletion: Option<Deletion>,
    requires: bool,
    /// The function's own deletion hands the deleted credential back to
    /// its caller (`.delete().select("access_token")`, `.returning({
    /// accessToken })`, `DELETE … RETURNING access_token`): revoking it is
    /// the caller's part.
    hands_back: bool,
}

/// A disconnect path found in a file: where to report it and its body.
pub(super) struct Candidate {
    function: FunctionId,
    pub(super) span: Range<usize>,
    pub(super) name: String,
    /// Found by its name (not a route): a caller may excuse it.
    by_name: bool,
}

impl MissingRequiredCallCheck {
    /// What a function does: whether it deletes a stored credential
    /// (first deletion) and whether it makes a required call, following
    /// calls of the file's own functions [`MAX_HELPER_DEPTH`] levels deep.
    fn analyze(
        &self,
        facts: &FileFunctions<'_>,
        family: Family,
        function: FunctionId,
        depth: usize,
        visited: &mut Vec<FunctionId>,
    ) -> Analysis {
        let mut analysis = Analysis::default();
        visited.push(function);
        for event in facts.body(function) {
            match event {
                BodyEvent::Text(value) => {
                    if self.is_required_url(&value) {
                        analysis.requires = true;
                    }
                }
                BodyEvent::Sql { value, span } => {
                    analysis.hands_back |= self.sql_hands_back(&value);
                    if let Some(what) = self.sql_deletes(&value) {
                        analysis.deletion.get_or_insert(Deletion { span, what });
                    }
                }
                BodyEvent::Del { subscripts, span } => {
                    if analysis.deletion.is_some() {
                        continue;
                    }
                    let deleted = subscripts.iter().find(|s| {
                        !PY_NOT_STORES.contains(&s.mapping.as_str())
                            && !PY_NOT_STORES.contains(&s.root.as_str())
                            && self.strong(&s.mapping)
                    });
                    if let Some(deleted) = deleted {
                        analysis.deletion = Some(Deletion {
                            span,
                            what: format!("del {}[…]", deleted.written),
                        });
                    }
                }
                BodyEvent::Call(call) => {
                    self.analyze_call(facts, family, &call, depth, visited, &mut analysis)
                }
            }
        }
        analysis
    }

    fn analyze_call(
        &self,
        facts: &FileFunctions<'_>,
        family: Family,
        call: &BodyCall,
        depth: usize,
        visited: &mut Vec<FunctionId>,
        analysis: &mut Analysis,
    ) {
        if self.is_required_name(family, &call.name)
            || call
                .arg_names
                .iter()
                .any(|n| self.is_required_name(family, n))
        {
            analysis.requires = true;
        }
        analysis.hands_back |= self.hands_back(call)
            || (is_sql_call(&call.name)
                && call
                    .first_text
                    .as_deref()
                    .is_some_and(|sql| self.sql_hands_back(sql)));
        if analysis.deletion.is_none() {
            if self.deletes(&call.shape) {
                analysis.deletion = Some(Deletion {
                    span: call.label_span.clone(),
                    what: call.rendered.clone(),
                });
            } else if is_sql_call(&call.name) {
                if let Some(what) = call.first_text.as_deref().and_then(|v| self.sql_deletes(v)) {
                    analysis.deletion = Some(Deletion {
                        span: call.label_span.clone(),
                        what,
                    });
                }
            }
        }
        // A helper of the same file: `helper()`, `this.helper()`.
        if !call.local || depth >= MAX_HELPER_DEPTH {
            return;
        }
        for &def in facts.defined(&call.name) {
            if visited.contains(&def) {
                continue;
            }
            let inner = self.analyze(facts, family, def, depth + 1, visited);
            analysis.requires |= inner.requires;
            if analysis.deletion.is_none() {
                if let Some(deleted) = inner.deletion {
                    analysis.deletion = Some(Deletion {
                        span: call.callee_span.clone(),
                        what: format!("{}(…)` → `{}", call.name, deleted.what),
                    });
                }
            }
        }
    }

    /// Whether a call reads a credential back from the deletion it
    /// chains on: `select`/`returning` after `delete` or `remove`, naming
    /// a credential in its arguments.
    fn hands_back(&self, call: &BodyCall) -> bool {
        let after_delete = call.shape.chain.iter().any(|(name, ..)| {
            words(name)
                .iter()
                .any(|w| DELETE_VERBS.contains(&w.as_str()))
        });
        after_delete
            && matches!(call.name.as_str(), "select" | "returning" | "returning_all")
            && (call
                .first_text
                .as_deref()
                .is_some_and(|t| self.names_credential(t))
                || call
                    .arg_names
                    .iter()
                    .chain(&call.arg_keys)
                    .any(|n| self.names_credential(n)))
    }

    /// `DELETE FROM … RETURNING access_token`.
    fn sql_hands_back(&self, sql: &str) -> bool {
        let lower = sql.to_ascii_lowercase();
        lower.contains("delete")
            && lower
                .split_once("returning")
                .is_some_and(|(_, returned)| self.names_credential(returned))
    }

    /// Whether a list of names (`"reference_id, provider, access_token"`)
    /// names a stored credential.
    fn names_credential(&self, text: &str) -> bool {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|name| !name.is_empty() && self.strong(name))
    }

    /// A route as a disconnect path: a route of a listed method whose path
    /// (or file path) matches `route_paths`, or any route whose path has a
    /// segment named like a disconnect function.
    fn route_candidate(&self, route: &Route, file_path: &str) -> Option<Candidate> {
        let listed = route
            .methods
            .iter()
            .find(|m| self.route_methods.contains(m));
        let by_path = listed.is_some() && self.route_matches(Some(&route.path), file_path);
        if !by_path && !self.names_disconnect(&route.path) {
            return None;
        }
        let name = match listed.or(route.methods.first()) {
            Some(method) => format!("{} {}", method.to_ascii_uppercase(), route.display),
            None => route.display.clone(),
        };
        Some(Candidate {
            function: route.function,
            span: route.span.clone(),
            name,
            by_name: false,
        })
    }

    /// The file's disconnect paths: its routes, then its functions named
    /// like a disconnect function (outside the data-access layer).
    fn candidates(&self, facts: &FileFunctions<'_>, file: &ParsedFile) -> Vec<Candidate> {
        let family = file.language.family();
        let mut out: Vec<Candidate> = facts
            .routes
            .iter()
            .filter_map(|route| self.route_candidate(route, file.path()))
            .collect();
        let Some(functions) = self
            .functions
            .as_ref()
            .filter(|_| !is_data_layer_path(file.path()))
        else {
            return out;
        };
        for named in &facts.functions {
            if functions.is_match(family, &named.name)
                && !self.required.is_match(family, &named.name)
                && !facts
                    .class_name(named.function)
                    .is_some_and(is_data_layer_class)
            {
                out.push(Candidate {
                    function: named.function,
                    span: named.span.clone(),
                    name: named.name.clone(),
                    by_name: true,
                });
            }
        }
        out
    }

    /// Reports each candidate (once) that deletes a stored credential and
    /// never makes the required call. A candidate found by its name is
    /// excused when a function of the file that calls it makes the call.
    pub(super) fn report_paths(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let Some(facts) = FileFunctions::read(file) else {
            return;
        };
        let family = file.language.family();
        let mut done = HashSet::new();
        for candidate in self.candidates(&facts, file) {
            if !done.insert(candidate.function) {
                continue;
            }
            let analysis = self.analyze(&facts, family, candidate.function, 0, &mut Vec::new());
            let Some(deletion) = analysis.deletion else {
                continue;
            };
            if analysis.hands_back && candidate.by_name {
                continue;
            }
            let excused = analysis.requires
                || (candidate.by_name
                    && facts
                        .callers(&candidate.name)
                        .into_iter()
                        .filter(|&caller| caller != candidate.function)
                        .any(|caller| {
                            self.analyze(&facts, family, caller, 0, &mut vec![candidate.function])
                                .requires
                        }));
            if !excused {
                self.report(out, &candidate, &deletion);
            }
        }
    }
}
