//! The `missing-required-call` rule kind: a code path that deletes a stored
//! credential (a disconnect function, a `DELETE` route) without making the
//! call that must go with it, such as revoking the grant at the provider.

use crate::globs::LazyGlobSet;
use serde::Deserialize;

use crate::facts::function_names::FunctionNames;
use crate::facts::route_text::name_spelling;
use crate::lang::Family;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};
use data::DATA_LAYER_WORDS;
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
    /// hold no connector to revoke with, their callers do. So is a function
    /// found by its name whose deletion hands the credential back to its
    /// caller (`.delete().select("provider, access_token")`, Drizzle's
    /// `.returning({ accessToken })`, `DELETE … RETURNING refresh_token`):
    /// the caller revokes with what it returns. Routes are
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
        let route_paths = LazyGlobSet::new(options.route_paths.iter().map(String::as_str))
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
            Some(_) => {
                // Each glob's fixed pieces: a name it matches holds them all.
                let globs: Vec<Vec<String>> = options
                    .functions
                    .iter()
                    .map(|glob| {
                        glob.split('*')
                            .map(name_spelling)
                            .filter(|piece| piece.len() >= 3)
                            .collect()
                    })
                    .collect();
                // A substitution folds to `x`, so a piece with an `x` may be
                // spelled by none of the file's characters.
                (!globs.is_empty()
                    && globs.iter().all(|pieces| {
                        !pieces.is_empty() && pieces.iter().all(|p| !p.contains('x'))
                    }))
                .then_some(globs)
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
    /// The fixed pieces of each glob of `functions` in [`name_spelling`]
    /// form; the spelling of every name a glob matches holds all of that
    /// glob's pieces. `None` when some glob has no usable piece.
    name_literals: Option<Vec<Vec<String>>>,
    /// `route_methods` and `del` (for `delete`), lower-case: the names a
    /// route of a listed method is registered by.
    method_tokens: Vec<String>,
    functions: Option<FunctionNames>,
    function_literals: Vec<String>,
    route_paths: LazyGlobSet,
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
        if route.is_some_and(|r| self.route_paths.is_match(&as_dir(r))) {
            return true;
        }
        let stem = file_path.rsplit_once('/').map_or(file_path, |(dir, name)| {
            let stem = name.split('.').next().unwrap_or(name);
            crate::source::slice(file_path, ..dir.len() + 1 + stem.len())
        });
        self.route_paths.is_match(file_path) || self.route_paths.is_match(&as_dir(stem))
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

impl MissingRequiredCallCheck {
    /// Reports a disconnect path that deletes a stored credential.
    fn report(
        &self,
        out: &mut Reporter<'_>,
        candidate: &paths::Candidate,
        deletion: &paths::Deletion,
    ) {
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

mod data;
mod deletion;
mod paths;
mod prefilter;

#[cfg(test)]
mod tests;
