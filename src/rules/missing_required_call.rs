//! The `missing-required-call` rule kind: a code path that deletes a stored
//! credential (a disconnect function, a `DELETE` route) without making the
//! call that must go with it, such as revoking the grant at the provider.

use std::collections::HashSet;
use std::ops::Range;

use globset::GlobSet;
use serde::Deserialize;

use crate::config::build_globset;
use crate::facts::function_bodies::{BodyCall, BodyEvent, FileFunctions, FunctionId, Route};
use crate::facts::function_names::FunctionNames;
use crate::facts::route_text::name_spelling;
use crate::facts::sql_calls::is_sql_call;
use crate::lang::{Family, ParsedFile};
use crate::roles::is_test_path;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};
use data::{DATA_LAYER_WORDS, DELETE_VERBS, PY_NOT_STORES};
use deletion::words;

declare_kind! {
    /// ## What it does
    /// Flags a disconnect path that deletes a stored credential but never
    /// makes a required call (by default: never revokes the grant at the
    /// provider). A disconnect path is
    ///
    /// - a function whose name matches `functions`: TS/JS function
    ///   declarations, methods, and functions or arrow functions bound to a
    ///   name (also through a wrapper such as `withAuth(async () => …)`);
    ///   Python `def`/`async def`, whose snake_case names match too
    ///   (`disconnect_gmail` for `disconnect*`);
    /// - a route for one of `route_methods` whose route path or file path
    ///   matches `route_paths`: Express/Hono/Koa/Fastify
    ///   `router.delete('/…', handler)` and `router.route('/…').delete(…)`;
    ///   a Next.js App Router `export async function DELETE` (or `export const
    ///   DELETE = …`) in a `route.ts`; FastAPI/Flask `@router.delete("/…")`
    ///   and `@app.route("/…", methods=["DELETE"])`, with the `prefix` of an
    ///   `APIRouter`/`Blueprint` of the same file;
    /// - a route of any method with a path segment named like a disconnect
    ///   function (`router.post('/:provider/disconnect', …)`, `export async
    ///   function POST` in `app/api/integrations/[id]/disconnect/route.ts`,
    ///   the default export of `pages/api/…/disconnect.ts`,
    ///   `@router.post("/{provider}/disconnect")`).
    ///
    /// The path deletes a stored credential when its body (nested callbacks
    /// included, and functions of the same file it calls, two levels deep)
    /// makes a deleting call, a call with a delete verb in its name
    /// (`delete`, `remove`, `destroy`, `del`, `purge`, `erase`, `wipe`,
    /// `clear`, `drop`, `unset`, `evict`; also `deleteMany`,
    /// `findOneAndDelete`, …), that names a credential:
    ///
    /// - a word of `deletes` in the callee's name (`deleteToken(…)`,
    ///   `vault.deleteSecret(…)`, Python `remove_credentials(…)`), in its
    ///   receiver (`tokenStore.delete(id)`, `prisma.oauthToken.deleteMany()`,
    ///   `this.vault.delete(key)`, `self.token_store.delete(…)`) or in a key
    ///   string (`` redis.del(`oauth:tokens:${id}`) ``);
    /// - a word of `deletes` or `deletes_records` in a database target: a
    ///   table string of a query builder (`supabase.from('connections')
    ///   .delete()`, `knex('oauth_tokens').del()`, `db.deleteFrom('integrations')`,
    ///   `db.collection('accounts').deleteOne(…)`, supabase-py
    ///   `.table("connections").delete()`), a Prisma model given a `where`
    ///   (`prisma.account.delete({ where })`), a model class
    ///   (`Connection.destroy(…)`, Django `Integration.objects.filter(…)
    ///   .delete()`, SQLAlchemy `session.query(Connection)…delete()` and
    ///   `delete(Connection)`), a repository or store
    ///   (`connectionRepository.delete(id)`, `this.repo.deleteConnection(id)`),
    ///   the table or entity given to a session or transaction
    ///   (`session.delete(conn)`, `db.delete(connections)`), a model instance
    ///   deleting itself (`integration.delete()`), and `delete from t` in SQL
    ///   strings (`` sql`…` ``, `.query('…')`, Python `execute("…")`);
    /// - Python `del tokens[key]` on a mapping named by a word of `deletes`.
    ///
    /// Words match whole words of the snake_case name, singular or plural
    /// (`token` matches `oauth_tokens` and `refreshToken`, not `tokenizer`);
    /// `conn` and `cred`/`creds` stand for `connection` and `credential`.
    /// Browser storage, cookies, headers, event listeners, timers and HTTP
    /// requests (a path-like first argument) are never deletions.
    ///
    /// The required call is made when the body (with the same-file helpers)
    /// calls a function or method whose name matches `required_calls`
    /// (`connector.revoke(…)`, `await client.revokeToken(…)`,
    /// `connector.revoke?.()`, Python `await connector.revoke(…)`), passes
    /// such a function as an argument, or requests a URL whose path names
    /// it (`https://oauth2.googleapis.com/revoke`). A function found by its
    /// name is not flagged when another function of the same file calls it
    /// and makes the required call: it is that caller's helper. Functions
    /// that are themselves named like a required call,
    /// test files, and functions of the data-access layer (methods of a
    /// `…Repository`/`…Store`/`…Dao` class, files under `repositories/`,
    /// `db/`, `queries/`, `crud.py`, `*.repository.ts`) are skipped: they
    /// hold no connector to revoke with, their callers do. Routes are
    /// checked wherever they are.
    ///
    /// ## Why is this bad?
    /// Deleting our copy of a token does not end the grant: the refresh
    /// token stays valid at the provider, where anyone who copied it (a log,
    /// a backup, a compromised replica) can keep using it, and the user's
    /// "connected apps" page still lists us. Disconnecting must revoke.
    ///
    /// ## Example
    /// ```ts
    /// export async function disconnectGmail(userId: string) {
    ///   await prisma.account.delete({ where: { userId_provider: { userId, provider: 'google' } } });
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// export async function disconnectGmail(userId: string) {
    ///   const account = await prisma.account.findUniqueOrThrow({ where: { userId_provider: { userId, provider: 'google' } } });
    ///   await gmailConnector.revoke(account.refresh_token);
    ///   await prisma.account.delete({ where: { id: account.id } });
    /// }
    /// ```
    ///
    /// ## Options
    /// - `functions`: globs over the names of disconnect functions, in
    ///   camelCase (Python also matches the snake_case form).
    /// - `route_paths`: gitignore-style globs over route paths (`/connections/:id`
    ///   is matched as `connections/:id/`) and file paths; a route matching
    ///   one is a disconnect path.
    /// - `route_methods`: HTTP methods whose routes are disconnect paths
    ///   (`["delete"]`).
    /// - `deletes`: words that name a credential wherever a deletion mentions
    ///   them (callee, receiver, key string).
    /// - `deletes_records`: words that name a database record holding a
    ///   credential; they count only in database targets.
    /// - `required_calls`: globs over the names of the calls a disconnect
    ///   path must make.
    pub struct MissingRequiredCall;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "functions",
        description:
            "Globs over disconnect function names (camelCase; Python also matches snake_case).",
    },
    OptionDoc {
        name: "route_paths",
        description: "Globs over route paths and file paths whose routes are disconnect paths.",
    },
    OptionDoc {
        name: "route_methods",
        description: "HTTP methods whose routes are disconnect paths (e.g. `delete`).",
    },
    OptionDoc {
        name: "deletes",
        description:
            "Words naming a credential wherever a deletion mentions them (`token`, `secret`).",
    },
    OptionDoc {
        name: "deletes_records",
        description: "Words naming a database record that holds a credential (`connection`).",
    },
    OptionDoc {
        name: "required_calls",
        description: "Globs over the calls a disconnect path must make (`revoke*`).",
    },
];

impl Kind for MissingRequiredCall {
    fn id(&self) -> &'static str {
        "missing-required-call"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        if options.functions.is_empty() && options.route_paths.is_empty() {
            return Err(OptionError::new(
                "functions",
                "set `functions` or `route_paths`: nothing says what a disconnect path is",
            ));
        }
        let functions = (!options.functions.is_empty())
            .then(|| FunctionNames::new("functions", &options.functions))
            .transpose()?;
        let route_paths = build_globset(options.route_paths.iter().map(String::as_str))
            .map_err(|e| OptionError::new("route_paths", e))?;
        for method in &options.route_methods {
            if method.is_empty() || !method.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(OptionError::new(
                    "route_methods",
                    format!("`{method}` is not an HTTP method"),
                ));
            }
        }
        if !options.route_paths.is_empty() && options.route_methods.is_empty() {
            return Err(OptionError::new(
                "route_methods",
                "list at least one HTTP method for `route_paths`",
            ));
        }
        let words = |option: &str, list: &[String]| -> Result<Vec<Vec<String>>, OptionError> {
            list.iter()
                .map(|w| {
                    let phrase = words(w);
                    if phrase.is_empty() {
                        Err(OptionError::new(option, format!("`{w}` is not a word")))
                    } else {
                        Ok(phrase)
                    }
                })
                .collect()
        };
        let deletes = words("deletes", &options.deletes)?;
        if deletes.is_empty() {
            return Err(OptionError::new(
                "deletes",
                "list at least one word naming a credential",
            ));
        }
        let deletes_records = words("deletes_records", &options.deletes_records)?;
        if options.required_calls.is_empty() {
            return Err(OptionError::new(
                "required_calls",
                "list at least one required call",
            ));
        }
        let required = FunctionNames::new("required_calls", &options.required_calls)?;
        let required_words = options
            .required_calls
            .iter()
            .map(|g| {
                g.split('*')
                    .max_by_key(|p| p.len())
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            })
            .filter(|w| w.len() >= 3)
            .collect();
        let required_display = required_display(&options.required_calls);
        // What a file's text must spell for one of its functions or routes
        // to be named like a disconnect function (see `may_have_path`).
        let name_literals = match &functions {
            None => Some(Vec::new()),
            Some(functions) => {
                let literals: Vec<String> = functions
                    .literals()
                    .iter()
                    .map(|l| name_spelling(l))
                    .collect();
                // A substitution folds to `x`, so a literal with an `x` may be
                // spelled by none of the file's characters.
                (!literals.is_empty() && literals.iter().all(|l| l.len() >= 3 && !l.contains('x')))
                    .then_some(literals)
            }
        };
        let mut method_tokens: Vec<String> = options
            .route_methods
            .iter()
            .map(|m| m.to_ascii_lowercase())
            .collect();
        if method_tokens.iter().any(|m| m == "delete") {
            method_tokens.push("del".to_string());
        }
        Ok(Box::new(MissingRequiredCallCheck {
            name_literals,
            method_tokens,
            functions,
            function_literals: options.functions.clone(),
            route_paths,
            route_path_patterns: options.route_paths.clone(),
            has_routes: !options.route_paths.is_empty(),
            route_methods: options
                .route_methods
                .iter()
                .map(|m| m.to_ascii_lowercase())
                .collect(),
            deletes,
            deletes_records,
            required,
            required_words,
            required_display,
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default)]
    functions: Vec<String>,
    #[serde(default)]
    route_paths: Vec<String>,
    #[serde(default)]
    route_methods: Vec<String>,
    deletes: Vec<String>,
    #[serde(default)]
    deletes_records: Vec<String>,
    required_calls: Vec<String>,
}

struct MissingRequiredCallCheck {
    /// The fixed pieces of `functions` in [`name_spelling`] form; one of
    /// them is in the spelling of every name `functions` matches. `None`
    /// when some glob has no usable piece.
    name_literals: Option<Vec<String>>,
    /// `route_methods` and `del` (for `delete`), lower-case: the names a
    /// route of a listed method is registered by.
    method_tokens: Vec<String>,
    functions: Option<FunctionNames>,
    function_literals: Vec<String>,
    route_paths: GlobSet,
    /// The `route_paths` globs as written, for path triggers.
    route_path_patterns: Vec<String>,
    has_routes: bool,
    /// Lower-case.
    route_methods: Vec<String>,
    /// Phrases of lower-case words.
    deletes: Vec<Vec<String>>,
    deletes_records: Vec<Vec<String>>,
    required: FunctionNames,
    /// The fixed word of each required glob, for URLs and constants.
    required_words: Vec<String>,
    required_display: String,
}

/// The required calls as the message names them, `a` or `b`: the first
/// few and how many more, so a long list does not repeat in every finding.
fn required_display(globs: &[String]) -> String {
    let names: Vec<String> = globs
        .iter()
        .map(|g| g.replace('*', ""))
        .filter(|g| !g.is_empty())
        .collect();
    let shown = names.len().min(crate::finding::SHOWN_ITEMS);
    let mut display = names[..shown].join("` or `");
    if names.len() > shown {
        display.push_str(&format!("` or `one of {} more", names.len() - shown));
    }
    display
}

/// How many helper levels of the same file are followed.
const MAX_HELPER_DEPTH: usize = 2;

impl MissingRequiredCallCheck {
    /// Whether a segment of a route path is named like a disconnect
    /// function (`/integrations/:id/disconnect`).
    fn names_disconnect(&self, route: &str) -> bool {
        let Some(functions) = &self.functions else {
            return false;
        };
        route
            .split('/')
            .filter(|s| !s.is_empty())
            .any(|segment| functions.is_match(Family::Python, &segment.replace('-', "_")))
    }

    /// Whether a route path or file path makes a route a disconnect path.
    fn route_matches(&self, route: Option<&str>, file_path: &str) -> bool {
        if !self.has_routes {
            return false;
        }
        let as_dir = |p: &str| {
            let p = p.trim_start_matches('/');
            if p.ends_with('/') {
                p.to_string()
            } else {
                format!("{p}/")
            }
        };
        if route.is_some_and(|r| self.route_paths.is_match(as_dir(r))) {
            return true;
        }
        let stem = file_path.rsplit_once('/').map_or(file_path, |(dir, name)| {
            let stem = name.split('.').next().unwrap_or(name);
            crate::source::slice(file_path, ..dir.len() + 1 + stem.len())
        });
        self.route_paths.is_match(file_path) || self.route_paths.is_match(as_dir(stem))
    }
}

/// A credential deletion found in a body.
#[derive(Clone, Debug)]
struct Deletion {
    span: Range<usize>,
    /// The deleting code, compacted, for the message.
    what: String,
}

/// What a body does.
#[derive(Default)]
struct Analysis {
    deletion: Option<Deletion>,
    requires: bool,
}

/// A disconnect path found in a file: where to report it and its body.
struct Candidate {
    function: FunctionId,
    span: Range<usize>,
    name: String,
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
    fn report_paths(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
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

    fn report(&self, out: &mut Reporter<'_>, candidate: &Candidate, deletion: &Deletion) {
        out.report(
            Report::at(candidate.span.clone())
                .var("name", candidate.name.clone())
                .var("deleted", deletion.what.clone())
                .var("required", self.required_display.clone())
                .label(format!("never calls `{}`", self.required_display))
                .secondary(deletion.span.clone(), "deletes the stored credential here"),
        );
    }
}

/// A file of the data-access layer: a folder named like one
/// (`src/repositories/…`, `lib/db/…`) or a file whose name ends like one
/// (`connection.repository.ts`, `token-store.ts`, `crud.py`).
fn is_data_layer_path(path: &str) -> bool {
    let (dirs, file) = path.rsplit_once('/').unwrap_or(("", path));
    let is_word = |w: &str| DATA_LAYER_WORDS.contains(&w.to_ascii_lowercase().as_str());
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    dirs.split('/').any(is_word) || stem.rsplit(['.', '-', '_']).next().is_some_and(is_word)
}

/// A data-access class (`ConnectionRepository`, `TokenStore`).
fn is_data_layer_class(name: &str) -> bool {
    words(name)
        .last()
        .is_some_and(|w| DATA_LAYER_WORDS.contains(&w.as_str()))
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

mod data;
mod deletion;
mod prefilter;

#[cfg(test)]
mod tests;
