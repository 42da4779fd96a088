//! The `missing-required-call` rule kind: a code path that deletes a stored
//! credential (a disconnect function, a `DELETE` route) without making the
//! call that must go with it, such as revoking the grant at the provider.

use crate::lang::tree::NodeExt;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use globset::GlobSet;
use serde::Deserialize;
use tree_sitter::Node;

use crate::config::build_globset;
use crate::facts::function_names::FunctionNames;
use crate::facts::routes::{join_route, py_router_prefix};
use crate::facts::sql_calls::{is_sql_call, ts_embedded_sql};
use crate::lang::sql;
use crate::lang::tree::{named_children, snake_case, text, walk};
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};
use crate::roles::is_test_path;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

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

/// Words of a delete operation's name.
const DELETE_VERBS: &[&str] = &[
    "delete", "remove", "destroy", "del", "purge", "erase", "wipe", "clear", "drop", "unset",
    "evict",
];

/// Words of a callee name that say it removes something other than stored
/// data.
const NOT_STORAGE: &[&str] = &[
    "listener",
    "listeners",
    "handler",
    "handlers",
    "event",
    "events",
    "cookie",
    "cookies",
    "header",
    "headers",
    "timeout",
    "interval",
    "timer",
    "observer",
    "class",
    "attribute",
    "child",
    "element",
    "query",
    "queries",
    "route",
    "subscription",
    "channel",
    "param",
    "params",
];

/// Receivers whose deletions never touch a credential store: browser
/// storage and DOM, HTTP responses, routers, sockets.
const NOT_STORAGE_ROOTS: &[&str] = &[
    "localstorage",
    "sessionstorage",
    "cookies",
    "cookiestore",
    "document",
    "window",
    "res",
    "response",
    "reply",
    "headers",
    "searchparams",
    "url",
    "formdata",
    "router",
    "app",
    "emitter",
    "socket",
    "ws",
    "io",
    "axios",
    "fetch",
    "http",
    "https",
    "ky",
    "got",
    "requests",
    "httpx",
];

/// Words of a class-like root that make it a service, not a model.
const NOT_MODEL_WORDS: &[&str] = &[
    "service",
    "services",
    "client",
    "api",
    "manager",
    "controller",
    "helper",
    "helpers",
    "util",
    "utils",
    "provider",
    "factory",
];

/// Receivers whose `delete(x)` deletes the row or entity `x` names.
const SESSION_WORDS: &[&str] = &[
    "session",
    "db",
    "sess",
    "tx",
    "trx",
    "transaction",
    "em",
    "manager",
    "database",
    "drizzle",
];

/// Words of a receiver that make it a storage abstraction.
const STORE_WORDS: &[&str] = &[
    "repository",
    "repo",
    "model",
    "collection",
    "table",
    "store",
    "dao",
    "storage",
];

/// Query-builder methods whose first argument names a table or collection.
const TABLE_METHODS: &[&str] = &[
    "from",
    "from_",
    "table",
    "into",
    "collection",
    "deleteFrom",
    "delete_from",
];

/// HTTP methods that name route handlers (`router.post`, `export function POST`).
const HTTP_METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

/// Receivers of `.delete(url)`/`.post(url)` calls that make requests
/// rather than register routes.
const HTTP_CLIENTS: &[&str] = &[
    "axios",
    "api",
    "http",
    "client",
    "ky",
    "got",
    "request",
    "fetch",
    "supertest",
    "agent",
    "$fetch",
    "ofetch",
    "httpclient",
    "apiclient",
];

/// How many helper levels of the same file are followed.
const MAX_HELPER_DEPTH: usize = 2;

/// Lower-case words of a name or string: `oauthTokens` → `oauth`, `tokens`.
fn words(name: &str) -> Vec<String> {
    snake_case(name)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "conn" | "conns" => "connection".to_string(),
            "cred" | "creds" => "credential".to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// Whether `words` holds one of the phrases, the phrase's last word also
/// in the plural.
fn mentions(words: &[String], phrases: &[Vec<String>]) -> bool {
    phrases.iter().any(|phrase| {
        words.windows(phrase.len()).any(|window| {
            window.iter().zip(phrase).enumerate().all(|(i, (w, p))| {
                w == p
                    || (i + 1 == phrase.len()
                        && (w.strip_suffix('s') == Some(p.as_str())
                            || w.strip_suffix("es") == Some(p.as_str())))
            })
        })
    })
}

/// A call, reduced to what deciding "does it delete a credential" needs;
/// built from either grammar.
#[derive(Default, Debug)]
struct CallShape {
    name: String,
    /// Names along the receiver, root first: `this.tokenStore` →
    /// `["this", "tokenStore"]`; method names of calls in the chain are
    /// included (`supabase.from('t')` → `["supabase", "from"]`).
    receiver: Vec<String>,
    has_receiver: bool,
    /// Calls in the receiver chain with their first static string argument
    /// or first name argument; a call at the root (`knex('t')`) too.
    chain: Vec<(String, Option<String>, Option<String>)>,
    first_string: Option<String>,
    first_name: Option<String>,
    first_is_object_with_where: bool,
    arg_count: usize,
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

impl MissingRequiredCallCheck {
    fn strong(&self, name: &str) -> bool {
        mentions(&words(name), &self.deletes)
    }

    fn record(&self, name: &str) -> bool {
        mentions(&words(name), &self.deletes_records)
    }

    fn any_target(&self, name: &str) -> bool {
        self.strong(name) || self.record(name)
    }

    /// Whether a call with this shape deletes a stored credential.
    fn deletes(&self, call: &CallShape) -> bool {
        let name_words = words(&call.name);
        let verb = name_words
            .iter()
            .any(|w| DELETE_VERBS.contains(&w.as_str()))
            || [
                "findOneAndDelete",
                "findByIdAndDelete",
                "findOneAndRemove",
                "findByIdAndRemove",
            ]
            .contains(&call.name.as_str());
        if !verb || name_words.iter().any(|w| NOT_STORAGE.contains(&w.as_str())) {
            return false;
        }
        if call
            .receiver
            .first()
            .is_some_and(|root| NOT_STORAGE_ROOTS.contains(&root.to_ascii_lowercase().as_str()))
            && !call.receiver.iter().skip(1).any(|r| self.strong(r))
        {
            return false;
        }
        // `deleteToken(…)`, `vault.deleteSecret(…)`. (`deleteConnection(…)`
        // alone says nothing: websocket connections are deleted that way.)
        if self.strong(&call.name) {
            return true;
        }
        // `this.repo.deleteConnection(id)`, `db.deleteIntegration(id)`: a
        // data-access object deleting a record (a bare `deleteConnection()`
        // may be a websocket's).
        if self.record(&call.name) && name_words[0] == "delete" {
            let data_access = call.receiver.last().is_some_and(|last| {
                words(last).iter().any(|w| {
                    STORE_WORDS.contains(&w.as_str())
                        || DATA_LAYER_WORDS.contains(&w.as_str())
                        || SESSION_WORDS.contains(&w.as_str())
                })
            });
            if data_access {
                return true;
            }
        }
        // `tokenStore.delete(id)`, `prisma.oauthToken.deleteMany()`
        if call.receiver.iter().any(|r| self.strong(r)) {
            return true;
        }
        if let Some(last) = call.receiver.last() {
            if self.record(last) {
                let prisma_like = call.receiver.len() >= 2
                    && (call.first_is_object_with_where || call.name == "deleteMany");
                let class = last.starts_with(|c: char| c.is_ascii_uppercase());
                let store = words(last)
                    .iter()
                    .any(|w| STORE_WORDS.contains(&w.as_str()));
                let instance = call.name == "delete" && call.arg_count == 0;
                if prisma_like || class || store || instance {
                    return true;
                }
            }
        }
        // `Connection.objects.filter(…).delete()`, `Token.query.filter(…).delete()`
        if call.receiver.first().is_some_and(|root| {
            root.starts_with(|c: char| c.is_ascii_uppercase())
                && self.any_target(root)
                && !words(root)
                    .iter()
                    .any(|w| NOT_MODEL_WORDS.contains(&w.as_str()))
        }) {
            return true;
        }
        // `supabase.from('connections').delete()`, `session.query(Token)…delete()`
        for (method, string, name) in &call.chain {
            let table = TABLE_METHODS.contains(&method.as_str()) || method.is_empty();
            if table && string.as_deref().is_some_and(|s| self.any_target(s)) {
                return true;
            }
            if method == "query" && name.as_deref().is_some_and(|n| self.any_target(n)) {
                return true;
            }
        }
        // `db.deleteFrom('integrations')`
        if TABLE_METHODS.contains(&call.name.as_str())
            && call
                .first_string
                .as_deref()
                .is_some_and(|s| self.any_target(s))
        {
            return true;
        }
        // `session.delete(conn)`, `db.delete(oauthTokens)`, SQLAlchemy `delete(Token)`
        if call.name == "delete" || call.name == "remove" {
            let session = match call.receiver.last() {
                None => !call.has_receiver,
                Some(last) => {
                    let w = words(last);
                    w.last()
                        .is_some_and(|l| SESSION_WORDS.contains(&l.as_str()))
                        || matches!(last.as_str(), "sa" | "sqlalchemy")
                }
            };
            let target = call.first_name.as_deref().is_some_and(|n| {
                let w = words(n);
                self.any_target(n)
                    && !w
                        .last()
                        .is_some_and(|l| matches!(l.as_str(), "id" | "ids" | "key" | "keys"))
            });
            if session
                && target
                && (call.has_receiver
                    || call
                        .first_name
                        .as_deref()
                        .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_uppercase())))
            {
                return true;
            }
        }
        // `redis.del(`oauth:tokens:${id}`)`: a key string, not a URL path.
        if let Some(key) = &call.first_string {
            let path_like = key.starts_with('/') || key.contains("://") || key.starts_with('.');
            if !path_like && self.strong(key) {
                return true;
            }
        }
        false
    }

    /// `delete from t` in a SQL string, with `t` a credential table.
    fn sql_deletes(&self, value: &str) -> Option<String> {
        if !value.trim_start().get(..6)?.eq_ignore_ascii_case("delete") {
            return None;
        }
        for statement in sql::parse_statements(value) {
            let tokens = &statement.tokens;
            if !tokens
                .first()
                .is_some_and(|t| t.is_keyword(value, "delete"))
            {
                continue;
            }
            let Some(from) = statement.find_keyword(value, "from", 1) else {
                continue;
            };
            let mut at = from + 1;
            if tokens.get(at).is_some_and(|t| t.is_keyword(value, "only")) {
                at += 1;
            }
            if let Some((parts, span, _)) = sql::qualified_name_at(&statement, at, value) {
                if parts.last().is_some_and(|t| self.any_target(t)) {
                    return Some(format!("delete from {}", crate::source::slice(value, span)));
                }
            }
        }
        None
    }

    /// Whether a name (callee, argument) is a required call.
    fn is_required_name(&self, family: Family, name: &str) -> bool {
        self.required.is_match(family, name)
            || (name.chars().any(|c| c.is_ascii_uppercase())
                && name.chars().all(|c| !c.is_ascii_lowercase())
                && words(name)
                    .iter()
                    .any(|w| self.required_words.iter().any(|r| r == w)))
    }

    /// Whether a URL string names a required call in its path
    /// (`https://oauth2.googleapis.com/revoke`).
    fn is_required_url(&self, value: &str) -> bool {
        (value.contains("://") || value.starts_with('/'))
            && words(value)
                .iter()
                .any(|w| self.required_words.iter().any(|r| r == w))
    }

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

// ---- TypeScript / JavaScript ------------------------------------------------

/// The name a function is known by, also through one wrapper call:
/// `const disconnect = withAuth(async () => …)`.
fn ts_function_name(node: Node<'_>) -> Option<Node<'_>> {
    if let Some(name) = ts::function_name(node) {
        return Some(name);
    }
    let arguments = node.parent().filter(|p| p.kind_str() == "arguments")?;
    let call = arguments.parent()?;
    let holder = call.parent()?;
    match holder.kind_str() {
        "variable_declarator" | "public_field_definition" | "field_definition" => holder
            .field("name")
            .filter(|n| matches!(n.kind_str(), "identifier" | "property_identifier")),
        "pair" => holder.field("key"),
        _ => None,
    }
}

fn ts_call_shape(call: &ts::Call<'_>, src: &str) -> CallShape {
    let mut shape = CallShape {
        name: text(call.name, src).to_string(),
        has_receiver: call.receiver.is_some(),
        arg_count: call.args.len(),
        ..CallShape::default()
    };
    if let Some(first) = call.args.first().map(|a| ts::unwrap_expression(*a)) {
        shape.first_string = ts::fold_string(first, src).map(|l| l.with_placeholders());
        shape.first_name = ts_name_text(first, src);
        shape.first_is_object_with_where = first.kind_str() == "object"
            && named_children(first).iter().any(|p| {
                p.kind_str() == "pair"
                    && p.field("key")
                        .and_then(|k| ts::property_key(k, src))
                        .is_some_and(|k| k == "where")
            });
    }
    let mut node = call.receiver.map(ts::unwrap_expression);
    let mut path = Vec::new();
    while let Some(current) = node {
        node = match current.kind_str() {
            "member_expression" => {
                if let Some(property) = current.field("property") {
                    path.push(text(property, src).to_string());
                }
                current.field("object").map(ts::unwrap_expression)
            }
            "subscript_expression" => current.field("object").map(ts::unwrap_expression),
            "call_expression" => match ts::call(current) {
                Some(inner) => {
                    let name = text(inner.name, src).to_string();
                    let first = inner.args.first().map(|a| ts::unwrap_expression(*a));
                    let string = first
                        .and_then(|f| ts::fold_string(f, src))
                        .map(|l| l.with_placeholders());
                    let first_name = first.and_then(|f| ts_name_text(f, src));
                    if inner.receiver.is_none() {
                        // `knex('oauth_tokens')` at the root of the chain.
                        shape.chain.push((String::new(), string, first_name));
                        path.push(name);
                        None
                    } else {
                        shape.chain.push((name.clone(), string, first_name));
                        path.push(name);
                        inner.receiver.map(ts::unwrap_expression)
                    }
                }
                None => None,
            },
            "identifier" | "this" | "super" => {
                path.push(text(current, src).to_string());
                None
            }
            _ => None,
        };
    }
    path.reverse();
    shape.receiver = path;
    shape
}

/// The name an argument expression spells: `tokens`, `schema.oauthTokens`.
fn ts_name_text(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "identifier" => Some(text(node, src).to_string()),
        "member_expression" => node.field("property").map(|p| text(p, src).to_string()),
        _ => None,
    }
}

/// A call as the message shows it: `supabase.from('connections').delete()`,
/// with long or complex arguments as `…`; at most 70 characters.
fn shorten(rendered: String) -> String {
    let count = rendered.chars().count();
    if count <= 70 {
        return rendered;
    }
    let tail: String = rendered.chars().skip(count - 69).collect();
    format!("…{tail}")
}

/// A lone argument as written when it is a short string or a name, else
/// `…`.
fn render_args(args: &[Node<'_>], src: &str, plain: &[&str]) -> String {
    match args {
        [] => String::new(),
        [only] if plain.contains(&only.kind_str()) => {
            let written = text(*only, src);
            if written.len() <= 40 && !written.contains('\n') {
                written.to_string()
            } else {
                "…".to_string()
            }
        }
        _ => "…".to_string(),
    }
}

fn ts_render(node: Node<'_>, src: &str) -> String {
    let node = ts::unwrap_expression(node);
    match node.kind_str() {
        "call_expression" => {
            let function = node
                .field("function")
                .map(|f| ts_render(f, src))
                .unwrap_or_default();
            match node.field("arguments") {
                Some(args) if args.kind_str() == "arguments" => {
                    let args: Vec<Node<'_>> = named_children(args)
                        .into_iter()
                        .filter(|a| a.kind_str() != "comment")
                        .collect();
                    let plain = ["string", "identifier", "number"];
                    format!("{function}({})", render_args(&args, src, &plain))
                }
                _ => format!("{function}`…`"),
            }
        }
        "member_expression" => {
            let object = node
                .field("object")
                .map(|o| ts_render(o, src))
                .unwrap_or_default();
            let property = node
                .field("property")
                .map(|p| text(p, src))
                .unwrap_or_default();
            format!("{object}.{property}")
        }
        "identifier" | "this" | "super" | "property_identifier" => text(node, src).to_string(),
        _ => "…".to_string(),
    }
}

fn py_render(node: Node<'_>, src: &str) -> String {
    let node = py::unwrap_expression(node);
    match node.kind_str() {
        "call" => {
            let function = node
                .field("function")
                .map(|f| py_render(f, src))
                .unwrap_or_default();
            let args: Vec<Node<'_>> = node
                .field("arguments")
                .map(named_children)
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a.kind_str() != "comment")
                .collect();
            let plain = ["string", "identifier", "integer"];
            format!("{function}({})", render_args(&args, src, &plain))
        }
        "attribute" => {
            let object = node
                .field("object")
                .map(|o| py_render(o, src))
                .unwrap_or_default();
            let attribute = node
                .field("attribute")
                .map(|a| text(a, src))
                .unwrap_or_default();
            format!("{object}.{attribute}")
        }
        "identifier" => text(node, src).to_string(),
        _ => "…".to_string(),
    }
}

/// Where a deleting call is labelled: its callee when that fits on one
/// line, else the deleting method and its arguments (`delete()` at the end
/// of a long chain).
fn deletion_span(call: Node<'_>, name: Node<'_>, src: &str) -> Range<usize> {
    let callee = call
        .field("function")
        .map_or(call.byte_range(), |f| f.byte_range());
    if crate::source::slice(src, callee.clone()).contains('\n') {
        name.start_byte()..call.end_byte()
    } else {
        callee
    }
}

struct TsContext<'t, 'a> {
    check: &'a MissingRequiredCallCheck,
    src: &'a str,
    defs: HashMap<String, Vec<Node<'t>>>,
}

impl<'t> TsContext<'t, '_> {
    fn analyze(&self, function: Node<'t>, depth: usize, visited: &mut Vec<usize>) -> Analysis {
        let mut analysis = Analysis::default();
        let src = self.src;
        let check = self.check;
        visited.push(function.id());
        let Some(body) = function.field("body") else {
            return analysis;
        };
        walk(body, |node| {
            match node.kind_str() {
                "string" | "template_string" => {
                    if let Some(lit) = ts::string_literal(node, src) {
                        if check.is_required_url(&lit.with_placeholders()) {
                            analysis.requires = true;
                        }
                    }
                    return false;
                }
                "call_expression" => {}
                _ => return true,
            }
            if let Some(lit) = ts_embedded_sql(node, src) {
                if let Some(what) = check.sql_deletes(&lit.value) {
                    analysis.deletion.get_or_insert(Deletion {
                        span: node.byte_range(),
                        what,
                    });
                }
            }
            let Some(call) = ts::call(node) else {
                return true;
            };
            let name = text(call.name, src);
            if check.is_required_name(Family::Js, name) {
                analysis.requires = true;
            }
            for arg in &call.args {
                let arg = ts::unwrap_expression(*arg);
                if let Some(n) = ts_name_text(arg, src) {
                    if check.is_required_name(Family::Js, &n) {
                        analysis.requires = true;
                    }
                }
            }
            if analysis.deletion.is_none() {
                let shape = ts_call_shape(&call, src);
                let callee = deletion_span(node, call.name, src);
                if check.deletes(&shape) {
                    analysis.deletion = Some(Deletion {
                        span: callee,
                        what: shorten(ts_render(node, src)),
                    });
                } else if is_sql_call(name) {
                    if let Some(what) = call
                        .args
                        .first()
                        .and_then(|a| ts::fold_string(ts::unwrap_expression(*a), src))
                        .and_then(|lit| check.sql_deletes(&lit.value))
                    {
                        analysis.deletion = Some(Deletion { span: callee, what });
                    }
                }
            }
            // A helper of the same file: `helper()`, `this.helper()`.
            let local = call
                .receiver
                .is_none_or(|r| matches!(r.kind_str(), "this" | "super"));
            if local && depth < MAX_HELPER_DEPTH {
                if let Some(defs) = self.defs.get(name) {
                    for def in defs {
                        if visited.contains(&def.id()) {
                            continue;
                        }
                        let inner = self.analyze(*def, depth + 1, visited);
                        analysis.requires |= inner.requires;
                        if analysis.deletion.is_none() {
                            if let Some(deleted) = inner.deletion {
                                analysis.deletion = Some(Deletion {
                                    span: node
                                        .field("function")
                                        .map_or(node.byte_range(), |f| f.byte_range()),
                                    what: format!("{name}(…)` → `{}", deleted.what),
                                });
                            }
                        }
                    }
                }
            }
            true
        });
        analysis
    }
}

/// A disconnect path found in a file: where to report it and its body.
struct Candidate<'t> {
    function: Node<'t>,
    span: Range<usize>,
    name: String,
    /// Found by its name (not a route): a caller may excuse it.
    by_name: bool,
}

impl MissingRequiredCallCheck {
    fn check_ts(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let Some(tree) = file.tree() else { return };
        let src = file.text();
        let root = tree.root_node();
        let by_name = self
            .functions
            .as_ref()
            .filter(|_| !is_data_layer_path(file.path()));
        // One pass over the tree: the functions of the file by name
        // (declarations, methods, functions bound to a name), those named
        // like a disconnect function, and the calls that may register a
        // route (resolved once every definition is known).
        let mut defs: HashMap<String, Vec<Node<'_>>> = HashMap::new();
        let mut named = Vec::new();
        let mut route_calls = Vec::new();
        walk(root, |node| {
            let kind = node.kind_str();
            if kind == "call_expression" {
                if ts_may_register_route(node, src) {
                    route_calls.push(node);
                }
            } else if ts::FUNCTION_KINDS.contains(&kind) {
                if let Some(name) = ts_function_name(node) {
                    let written = text(name, src).trim_start_matches('#');
                    defs.entry(written.to_string()).or_default().push(node);
                    if let Some(functions) = by_name {
                        if functions.is_match(Family::Js, written)
                            && !self.required.is_match(Family::Js, written)
                            && !in_data_layer(node, src, &["class_declaration", "class"])
                        {
                            named.push(Candidate {
                                function: node,
                                span: name.byte_range(),
                                name: written.to_string(),
                                by_name: true,
                            });
                        }
                    }
                }
            }
            true
        });
        let ctx = TsContext {
            check: self,
            src,
            defs,
        };
        let mut candidates = self.ts_routes(file, root, src, &ctx, &route_calls);
        candidates.extend(named);
        self.report_paths(
            candidates,
            |function, visited| ctx.analyze(function, 0, visited),
            |name| {
                callers(
                    root,
                    name,
                    |n| ts::call(n).map(|c| text(c.name, src)),
                    ts::FUNCTION_KINDS,
                )
            },
            out,
        );
    }

    fn ts_routes<'t>(
        &self,
        file: &ParsedFile,
        root: Node<'t>,
        src: &str,
        ctx: &TsContext<'t, '_>,
        route_calls: &[Node<'t>],
    ) -> Vec<Candidate<'t>> {
        let mut out = Vec::new();
        // Next.js App Router: `export async function DELETE` in route.ts.
        if let Some(route) = next_route(file.path()) {
            let disconnect = self.names_disconnect(&route);
            let by_path = self.route_matches(Some(&route), file.path());
            for (name, function) in ts_exported_functions(root, src, ctx) {
                let method = text(name, src);
                let is_method = HTTP_METHODS.iter().any(|m| m.eq_ignore_ascii_case(method))
                    && method == method.to_ascii_uppercase();
                let listed = self
                    .route_methods
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(method));
                if is_method && (disconnect || (by_path && listed)) {
                    out.push(Candidate {
                        function,
                        span: name.byte_range(),
                        name: format!("{method} {route}"),
                        by_name: false,
                    });
                }
            }
        }
        // Pages Router: `pages/api/integrations/[id]/disconnect.ts`.
        if let Some(route) = pages_api_route(file.path()) {
            if self.names_disconnect(&route) {
                if let Some((span, function)) = ts_default_export(root, ctx) {
                    out.push(Candidate {
                        function,
                        span,
                        name: route.clone(),
                        by_name: false,
                    });
                }
            }
        }
        // router.delete('/connections/:id', handler), router.route('/x').delete(handler),
        // router.post('/:provider/disconnect', handler)
        for &node in route_calls {
            let Some(call) = ts::call(node) else {
                continue;
            };
            let method = text(call.name, src).to_ascii_lowercase();
            let method = if method == "del" {
                "delete".to_string()
            } else {
                method
            };
            if !HTTP_METHODS.contains(&method.as_str()) && method != "all" {
                continue;
            }
            let Some(receiver) = call.receiver else {
                continue;
            };
            let (path, handlers) = match call.args.first().and_then(|a| ts::fold_string(*a, src)) {
                Some(lit) if call.args.len() >= 2 => {
                    (Some((lit, call.args[0].byte_range())), &call.args[1..])
                }
                _ => {
                    // `.route('/x').delete(handler)`
                    let route = ts::call(ts::unwrap_expression(receiver))
                        .filter(|r| text(r.name, src) == "route")
                        .and_then(|r| {
                            let arg = *r.args.first()?;
                            Some((ts::fold_string(arg, src)?, arg.byte_range()))
                        });
                    (route, &call.args[..])
                }
            };
            let Some((lit, path_span)) = path else {
                continue;
            };
            let route = lit.with_placeholders();
            if !route.starts_with('/') {
                continue;
            }
            let root_name = ts_call_shape(&call, src)
                .receiver
                .first()
                .map(|r| r.to_ascii_lowercase())
                .unwrap_or_default();
            if HTTP_CLIENTS.contains(&root_name.as_str()) {
                continue;
            }
            let by_path = self.route_methods.contains(&method)
                && self.route_matches(Some(&route), file.path());
            if !by_path && !self.names_disconnect(&route) {
                continue;
            }
            if let Some(function) = handlers
                .last()
                .and_then(|h| ts_handler(ts::unwrap_expression(*h), src, ctx))
            {
                out.push(Candidate {
                    function,
                    span: path_span,
                    name: format!("{} {}", method.to_ascii_uppercase(), lit.value),
                    by_name: false,
                });
            }
        }
        out
    }
}

/// Whether a call may register a route: a method call named like an HTTP
/// method (`router.delete(…)`, `app.all(…)`, `router.del(…)`); a cheap
/// test made on every call before [`ts::call`] collects its arguments.
fn ts_may_register_route(node: Node<'_>, src: &str) -> bool {
    node.field("function")
        .filter(|f| f.kind_str() == "member_expression")
        .and_then(|f| f.field("property"))
        .is_some_and(|p| {
            let name = text(p, src);
            name.eq_ignore_ascii_case("del")
                || name.eq_ignore_ascii_case("all")
                || HTTP_METHODS.iter().any(|m| name.eq_ignore_ascii_case(m))
        })
}

/// Functions a module exports under their own name: `export async
/// function POST`, `export const DELETE = withAuth(async () => …)`.
fn ts_exported_functions<'t>(
    root: Node<'t>,
    src: &str,
    ctx: &TsContext<'t, '_>,
) -> Vec<(Node<'t>, Node<'t>)> {
    let mut out = Vec::new();
    for export in named_children(root)
        .into_iter()
        .filter(|n| n.kind_str() == "export_statement")
    {
        let Some(decl) = export.field("declaration") else {
            continue;
        };
        match decl.kind_str() {
            "function_declaration" => {
                if let Some(name) = decl.field("name") {
                    out.push((name, decl));
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for declarator in named_children(decl) {
                    let Some(name) = declarator.field("name") else {
                        continue;
                    };
                    if let Some(function) = declarator
                        .field("value")
                        .and_then(|v| ts_handler(ts::unwrap_expression(v), src, ctx))
                    {
                        out.push((name, function));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The default export of a Pages Router API file, with the span to label.
fn ts_default_export<'t>(
    root: Node<'t>,
    ctx: &TsContext<'t, '_>,
) -> Option<(Range<usize>, Node<'t>)> {
    let src = ctx.src;
    for export in named_children(root)
        .into_iter()
        .filter(|n| n.kind_str() == "export_statement")
    {
        let is_default = (0..export.child_count())
            .filter_map(|i| export.child(i))
            .any(|c| c.kind_str() == "default");
        if !is_default {
            continue;
        }
        let keyword = (0..export.child_count())
            .filter_map(|i| export.child(i))
            .find(|c| c.kind_str() == "default")
            .map(|c| c.byte_range())?;
        if let Some(decl) = export.field("declaration") {
            if ts::FUNCTION_KINDS.contains(&decl.kind_str()) {
                let span = decl
                    .field("name")
                    .map_or(keyword.clone(), |n| n.byte_range());
                return Some((span, decl));
            }
        }
        if let Some(value) = export.field("value") {
            let function = ts_handler(ts::unwrap_expression(value), src, ctx)?;
            return Some((keyword, function));
        }
    }
    None
}

/// The function a route handler argument stands for: a function, a
/// wrapped function (`asyncHandler(async (req, res) => …)`) or a function
/// of the same file named by it.
fn ts_handler<'t>(value: Node<'t>, src: &str, ctx: &TsContext<'t, '_>) -> Option<Node<'t>> {
    if ts::FUNCTION_KINDS.contains(&value.kind_str()) {
        return Some(value);
    }
    match value.kind_str() {
        "call_expression" => {
            let call = ts::call(value)?;
            call.args
                .iter()
                .rev()
                .map(|a| ts::unwrap_expression(*a))
                .find_map(|a| ts_handler(a, src, ctx))
        }
        "identifier" | "member_expression" => {
            let name = ts_name_text(value, src)?;
            ctx.defs.get(&name)?.first().copied()
        }
        _ => None,
    }
}

/// The route of a Pages Router API file: `pages/api/integrations/[id]/disconnect.ts`
/// is `/api/integrations/[id]/disconnect`.
fn pages_api_route(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let (file, dirs) = segments.split_last()?;
    let (stem, ext) = file.rsplit_once('.')?;
    if !["ts", "tsx", "js", "jsx", "mjs", "mts"].contains(&ext) {
        return None;
    }
    let pages = dirs.iter().rposition(|s| *s == "pages")?;
    if dirs.get(pages + 1) != Some(&"api") {
        return None;
    }
    let mut parts: Vec<&str> = dirs[pages + 1..].to_vec();
    if stem != "index" {
        parts.push(stem);
    }
    Some(format!("/{}", parts.join("/")))
}

/// The route of a Next.js App Router `route.*` file: `/api/integrations/[id]`.
fn next_route(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let (file, dirs) = segments.split_last()?;
    let (stem, ext) = file.rsplit_once('.')?;
    if stem != "route" || !["ts", "tsx", "js", "jsx", "mjs", "mts"].contains(&ext) {
        return None;
    }
    let app = dirs.iter().rposition(|s| *s == "app")?;
    let route: Vec<&str> = dirs[app + 1..]
        .iter()
        .copied()
        .filter(|s| !(s.starts_with('@') || (s.starts_with('(') && s.ends_with(')'))))
        .collect();
    Some(format!("/{}", route.join("/")))
}

// ---- Python -----------------------------------------------------------------

fn py_name_text(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "identifier" => Some(text(node, src).to_string()),
        "attribute" => node.field("attribute").map(|a| text(a, src).to_string()),
        _ => None,
    }
}

fn py_call_shape(call: &py::Call<'_>, src: &str) -> CallShape {
    let mut shape = CallShape {
        name: text(call.name, src).to_string(),
        has_receiver: call.receiver.is_some(),
        arg_count: call.args.len() + call.kwargs.len(),
        ..CallShape::default()
    };
    if let Some(first) = call.args.first().map(|a| py::unwrap_expression(*a)) {
        shape.first_string = py::fold_string(first, src).map(|l| l.with_placeholders());
        shape.first_name = py_name_text(first, src);
    }
    let mut node = call.receiver.map(py::unwrap_expression);
    let mut path = Vec::new();
    while let Some(current) = node {
        node = match current.kind_str() {
            "attribute" => {
                if let Some(attribute) = current.field("attribute") {
                    path.push(text(attribute, src).to_string());
                }
                current.field("object").map(py::unwrap_expression)
            }
            "subscript" => current.field("value").map(py::unwrap_expression),
            "call" => match py::call(current) {
                Some(inner) => {
                    let name = text(inner.name, src).to_string();
                    let first = inner.args.first().map(|a| py::unwrap_expression(*a));
                    let string = first
                        .and_then(|f| py::fold_string(f, src))
                        .map(|l| l.with_placeholders());
                    let first_name = first.and_then(|f| py_name_text(f, src));
                    path.push(name.clone());
                    if inner.receiver.is_none() {
                        shape.chain.push((String::new(), string, first_name));
                        None
                    } else {
                        shape.chain.push((name, string, first_name));
                        inner.receiver.map(py::unwrap_expression)
                    }
                }
                None => None,
            },
            "identifier" => {
                path.push(text(current, src).to_string());
                None
            }
            _ => None,
        };
    }
    path.reverse();
    shape.receiver = path;
    shape
}

struct PyContext<'t, 'a> {
    check: &'a MissingRequiredCallCheck,
    src: &'a str,
    defs: HashMap<String, Vec<Node<'t>>>,
}

/// Mappings that hold request or process state, never a credential store.
const PY_NOT_STORES: &[&str] = &[
    "session", "request", "g", "environ", "cookies", "headers", "st",
];

impl<'t> PyContext<'t, '_> {
    fn analyze(&self, function: Node<'t>, depth: usize, visited: &mut Vec<usize>) -> Analysis {
        let mut analysis = Analysis::default();
        let src = self.src;
        let check = self.check;
        visited.push(function.id());
        let Some(body) = function.field("body") else {
            return analysis;
        };
        walk(body, |node| {
            match node.kind_str() {
                "string" | "concatenated_string" => {
                    if let Some(lit) = py::string_literal(node, src) {
                        if check.is_required_url(&lit.with_placeholders()) {
                            analysis.requires = true;
                        }
                    }
                    return false;
                }
                "delete_statement" => {
                    if analysis.deletion.is_none() {
                        if let Some(what) = self.del_target(node) {
                            analysis.deletion = Some(Deletion {
                                span: node.byte_range(),
                                what,
                            });
                        }
                    }
                    return true;
                }
                "call" => {}
                _ => return true,
            }
            let Some(call) = py::call(node) else {
                return true;
            };
            let name = text(call.name, src);
            if check.is_required_name(Family::Python, name) {
                analysis.requires = true;
            }
            for arg in call.args.iter().chain(call.kwargs.iter().map(|(_, v)| v)) {
                if let Some(n) = py_name_text(py::unwrap_expression(*arg), src) {
                    if check.is_required_name(Family::Python, &n) {
                        analysis.requires = true;
                    }
                }
            }
            if analysis.deletion.is_none() {
                let callee = deletion_span(node, call.name, src);
                let shape = py_call_shape(&call, src);
                if check.deletes(&shape) {
                    analysis.deletion = Some(Deletion {
                        span: callee,
                        what: shorten(py_render(node, src)),
                    });
                } else if is_sql_call(name) {
                    if let Some(what) = call
                        .args
                        .first()
                        .and_then(|a| py::fold_string(py::unwrap_expression(*a), src))
                        .and_then(|lit| check.sql_deletes(&lit.value))
                    {
                        analysis.deletion = Some(Deletion { span: callee, what });
                    }
                }
            }
            let local = call
                .receiver
                .is_none_or(|r| matches!(text(r, src), "self" | "cls"));
            if local && depth < MAX_HELPER_DEPTH {
                if let Some(defs) = self.defs.get(name) {
                    for def in defs {
                        if visited.contains(&def.id()) {
                            continue;
                        }
                        let inner = self.analyze(*def, depth + 1, visited);
                        analysis.requires |= inner.requires;
                        if analysis.deletion.is_none() {
                            if let Some(deleted) = inner.deletion {
                                analysis.deletion = Some(Deletion {
                                    span: node
                                        .field("function")
                                        .map_or(node.byte_range(), |f| f.byte_range()),
                                    what: format!("{name}(…)` → `{}", deleted.what),
                                });
                            }
                        }
                    }
                }
            }
            true
        });
        analysis
    }

    /// `del tokens[key]` / `del self._tokens[key]` on a credential mapping.
    fn del_target(&self, statement: Node<'_>) -> Option<String> {
        let src = self.src;
        let mut found = None;
        walk(statement, |node| {
            if found.is_some() {
                return false;
            }
            if node.kind_str() != "subscript" {
                return true;
            }
            let Some(value) = node.field("value") else {
                return false;
            };
            let mapping = py_name_text(value, src).unwrap_or_default();
            let root = text(value, src).split('.').next().unwrap_or_default();
            if PY_NOT_STORES.contains(&mapping.as_str()) || PY_NOT_STORES.contains(&root) {
                return false;
            }
            if self.check.strong(&mapping) {
                found = Some(format!("del {}[…]", text(value, src)));
            }
            false
        });
        found
    }
}

impl MissingRequiredCallCheck {
    fn check_python(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let Some(tree) = file.tree() else { return };
        let src = file.text();
        let root = tree.root_node();
        let by_name = self
            .functions
            .as_ref()
            .filter(|_| !is_data_layer_path(file.path()));
        // One pass over the tree: the functions of the file by name, those
        // named like a disconnect function, router prefixes and decorated
        // functions (read once every prefix is known).
        let mut defs: HashMap<String, Vec<Node<'_>>> = HashMap::new();
        let mut named = Vec::new();
        let mut prefixes: HashMap<String, String> = HashMap::new();
        let mut decorated = Vec::new();
        walk(root, |node| {
            match node.kind_str() {
                "function_definition" => {
                    if let Some(name) = node.field("name") {
                        let written = text(name, src);
                        defs.entry(written.to_string()).or_default().push(node);
                        if let Some(functions) = by_name {
                            if functions.is_match(Family::Python, written)
                                && !self.required.is_match(Family::Python, written)
                                && !in_data_layer(node, src, &["class_definition"])
                            {
                                named.push(Candidate {
                                    function: node,
                                    span: name.byte_range(),
                                    name: written.to_string(),
                                    by_name: true,
                                });
                            }
                        }
                    }
                }
                "assignment" => {
                    if let Some((name, prefix)) = py_router_prefix(node, src) {
                        prefixes.insert(name, prefix);
                    }
                }
                "decorated_definition" => decorated.push(node),
                _ => {}
            }
            true
        });
        let ctx = PyContext {
            check: self,
            src,
            defs,
        };
        let mut candidates = self.py_routes(file, &decorated, &prefixes, src);
        candidates.extend(named);
        self.report_paths(
            candidates,
            |function, visited| ctx.analyze(function, 0, visited),
            |name| {
                callers(
                    root,
                    name,
                    |n| py::call(n).map(|c| text(c.name, src)),
                    &["function_definition"],
                )
            },
            out,
        );
    }

    /// `@router.delete("/…")`, `@app.route("/…", methods=["DELETE"])` with
    /// `APIRouter(prefix=…)` / `Blueprint(url_prefix=…)` prefixes.
    fn py_routes<'t>(
        &self,
        file: &ParsedFile,
        decorated: &[Node<'t>],
        prefixes: &HashMap<String, String>,
        src: &str,
    ) -> Vec<Candidate<'t>> {
        let mut out = Vec::new();
        for &node in decorated {
            let Some(function) = node
                .field("definition")
                .filter(|d| d.kind_str() == "function_definition")
            else {
                continue;
            };
            for decorator in named_children(node)
                .into_iter()
                .filter(|d| d.kind_str() == "decorator")
            {
                let Some(call) = decorator.named_child(0).and_then(py::call) else {
                    continue;
                };
                let Some(receiver) = call.receiver else {
                    continue;
                };
                let verb = text(call.name, src).to_ascii_lowercase();
                // The methods the route answers: `@router.delete` or
                // `@app.route(…, methods=["DELETE", "POST"])` (default GET).
                let methods: Vec<String> = if matches!(verb.as_str(), "route" | "api_route") {
                    let listed: Vec<String> = call
                        .kwargs
                        .iter()
                        .filter(|(k, _)| text(*k, src) == "methods")
                        .flat_map(|(_, v)| named_children(*v))
                        .filter_map(|m| py::fold_string(m, src))
                        .map(|l| l.value.to_ascii_lowercase())
                        .collect();
                    if listed.is_empty() {
                        vec!["get".to_string()]
                    } else {
                        listed
                    }
                } else if HTTP_METHODS.contains(&verb.as_str()) {
                    vec![verb.clone()]
                } else {
                    continue;
                };
                let path = call.args.first().copied().or_else(|| {
                    call.kwargs
                        .iter()
                        .find(|(k, _)| matches!(text(*k, src), "path" | "rule"))
                        .map(|(_, v)| *v)
                });
                let Some((lit, span)) =
                    path.and_then(|p| Some((py::fold_string(p, src)?, p.byte_range())))
                else {
                    continue;
                };
                let prefix = prefixes.get(text(receiver, src)).map_or("", String::as_str);
                let route = join_route(prefix, &lit.with_placeholders());
                let listed = methods.iter().find(|m| self.route_methods.contains(m));
                let by_path = listed.is_some() && self.route_matches(Some(&route), file.path());
                if !by_path && !self.names_disconnect(&route) {
                    continue;
                }
                let method = listed
                    .or_else(|| methods.first())
                    .map(|m| m.to_ascii_uppercase())
                    .unwrap_or_default();
                out.push(Candidate {
                    function,
                    span,
                    name: format!("{method} {}", join_route(prefix, &lit.value)),
                    by_name: false,
                });
            }
        }
        out
    }

    /// Reports each candidate (once) that deletes a stored credential and
    /// never makes the required call. A candidate found by its name is
    /// excused when a function of the file that calls it makes the call.
    fn report_paths<'t>(
        &self,
        candidates: Vec<Candidate<'t>>,
        analyze: impl Fn(Node<'t>, &mut Vec<usize>) -> Analysis,
        callers: impl Fn(&str) -> Vec<Node<'t>>,
        out: &mut Reporter<'_>,
    ) {
        let mut done = HashSet::new();
        for candidate in candidates {
            if !done.insert(candidate.function.id()) {
                continue;
            }
            let analysis = analyze(candidate.function, &mut Vec::new());
            let Some(deletion) = analysis.deletion else {
                continue;
            };
            let excused = analysis.requires
                || (candidate.by_name
                    && callers(&candidate.name)
                        .into_iter()
                        .filter(|caller| caller.id() != candidate.function.id())
                        .any(|caller| {
                            analyze(caller, &mut vec![candidate.function.id()]).requires
                        }));
            if !excused {
                self.report(out, &candidate, &deletion);
            }
        }
    }

    fn report(&self, out: &mut Reporter<'_>, candidate: &Candidate<'_>, deletion: &Deletion) {
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

/// Words that name a data-access layer: its functions store and delete
/// rows and cannot revoke (they hold no connector); the service that calls
/// them is the disconnect path.
const DATA_LAYER_WORDS: &[&str] = &[
    "repository",
    "repositories",
    "repo",
    "repos",
    "dao",
    "daos",
    "crud",
    "queries",
    "store",
    "stores",
    "storage",
    "db",
    "database",
];

/// A file of the data-access layer: a folder named like one
/// (`src/repositories/…`, `lib/db/…`) or a file whose name ends like one
/// (`connection.repository.ts`, `token-store.ts`, `crud.py`).
fn is_data_layer_path(path: &str) -> bool {
    let (dirs, file) = path.rsplit_once('/').unwrap_or(("", path));
    let is_word = |w: &str| DATA_LAYER_WORDS.contains(&w.to_ascii_lowercase().as_str());
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    dirs.split('/').any(is_word) || stem.rsplit(['.', '-', '_']).next().is_some_and(is_word)
}

/// A method of a data-access class (`ConnectionRepository`, `TokenStore`).
fn in_data_layer(function: Node<'_>, src: &str, class_kinds: &[&str]) -> bool {
    let Some(class) = function
        .parent()
        .and_then(|p| crate::lang::tree::ancestor(p, class_kinds))
    else {
        return false;
    };
    class.field("name").is_some_and(|name| {
        words(text(name, src))
            .last()
            .is_some_and(|w| DATA_LAYER_WORDS.contains(&w.as_str()))
    })
}

/// The functions of a file that call `name` (the nearest function around
/// each call).
fn callers<'t, 's>(
    root: Node<'t>,
    name: &str,
    callee: impl Fn(Node<'t>) -> Option<&'s str>,
    function_kinds: &[&str],
) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    walk(root, |node| {
        if callee(node) == Some(name) {
            if let Some(caller) = node
                .parent()
                .and_then(|p| crate::lang::tree::ancestor(p, function_kinds))
            {
                out.push(caller);
            }
        }
        true
    });
    out
}

impl MissingRequiredCallCheck {
    /// The fixed words of `route_paths` (`connections`, `integrations`).
    fn route_path_words(&self) -> Vec<String> {
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
    fn may_have_path(&self, file: &ParsedFile) -> bool {
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

/// A name or text as far as name matching can tell it apart: lower-case,
/// without `_` and `-` (camelCase, snake_case and kebab-case spell the
/// same), and without the quotes, `+`, parentheses and white space that
/// string concatenation puts between pieces of one folded string. Other
/// characters are upper-cased then lower-cased, as camelCase conversion
/// upper-cases a word's first letter.
fn name_spelling(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '_' | '-' | '\'' | '"' | '`' | '+' | '(' | ')' => {}
            c if c.is_whitespace() => {}
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_uppercase().flat_map(char::to_lowercase)),
        }
    }
    out
}

fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    find_ignore_ascii_case(text.as_bytes(), needle.as_bytes()).is_some()
}

/// Whether `text` holds `token` (ASCII case-insensitively) not inside a
/// longer ASCII identifier.
fn contains_identifier(text: &str, token: &str) -> bool {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let n = token.len();
    (0..bytes.len().saturating_sub(n - 1)).any(|i| {
        bytes[i..i + n].eq_ignore_ascii_case(token.as_bytes())
            && (i == 0 || !ident(bytes[i - 1]))
            && bytes.get(i + n).is_none_or(|&b| !ident(b))
    })
}

/// Whether `text` calls `.token(` with a string first argument, the only
/// shape of a route registration the kind reads outside route files
/// (`router.delete('/connections/:id', …)`, `@router.delete(f"/{id}")`,
/// `@router.delete(path="/x")`). `map.delete(key)` is not one.
fn registers_route(text: &str, token: &str) -> bool {
    let bytes = text.as_bytes();
    let n = token.len();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut from = 0;
    while let Some(found) = find_ignore_ascii_case(&bytes[from..], token.as_bytes()) {
        let i = from + found;
        from = i + 1;
        if i == 0 || bytes[i - 1] != b'.' || bytes.get(i + n).is_some_and(|&b| ident(b)) {
            continue;
        }
        // A Python decorator registers a route whatever its arguments are
        // (`@router.delete(status_code=204, path="/x")`, `PREFIX + "/x"`).
        let line_start = bytes[..i]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        if bytes[line_start..i]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b'@')
        {
            return true;
        }
        let mut j = skip_blank(bytes, i + n);
        // Type arguments: `router.delete<Params>(…)`.
        if bytes.get(j) == Some(&b'<') {
            let mut depth = 0usize;
            let limit = j + 256;
            while let Some(&b) = bytes.get(j).filter(|_| j < limit) {
                j += 1;
                match b {
                    b'<' => depth += 1,
                    b'>' => depth -= 1,
                    b';' => break,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
            j = skip_blank(bytes, j);
        }
        if bytes.get(j) != Some(&b'(') {
            continue;
        }
        j = skip_blank(bytes, j + 1);
        let rest = &bytes[j.min(bytes.len())..];
        let prefix = rest
            .iter()
            .take(2)
            .take_while(|b| b"fFrRbBuU".contains(b))
            .count();
        if matches!(rest.get(prefix), Some(b'\'' | b'"' | b'`'))
            || rest.first() == Some(&b'(')
            || rest.starts_with(b"path")
        {
            return true;
        }
    }
    false
}

/// The index of the first byte at or after `i` that is not white space or
/// part of a comment (`// …`, `/* … */`, Python's `# …`).
fn skip_blank(bytes: &[u8], mut i: usize) -> usize {
    loop {
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b), _) if b.is_ascii_whitespace() => i += 1,
            (Some(b'/'), Some(b'/')) | (Some(b'#'), _) => {
                while bytes.get(i).is_some_and(|&b| b != b'\n') {
                    i += 1;
                }
            }
            (Some(b'/'), Some(b'*')) => {
                i += 2;
                while i < bytes.len() && !bytes[i..].starts_with(b"*/") {
                    i += 1;
                }
                i += 2;
            }
            _ => return i,
        }
    }
}

fn find_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
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
        match file.language.family() {
            Family::Js => self.check_ts(file, out),
            Family::Python => self.check_python(file, out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_of_required_calls_is_named_in_part() {
        let globs: Vec<String> = (0..1000).map(|i| format!("revoke{i}*")).collect();
        let display = required_display(&globs);
        assert!(
            display.starts_with("revoke0` or `revoke1` or `"),
            "{display}"
        );
        assert!(
            display.ends_with("` or `revoke7` or `one of 992 more"),
            "{display}"
        );
        assert_eq!(required_display(&["revoke*".to_string()]), "revoke");
    }

    fn flagged(path: &str, text: &str) -> Vec<String> {
        crate::rules::lint_with_only("connector-disconnect-without-revoke", &[(path, text)])
            .iter()
            .map(|f| format!("{} | {}", &text[f.span.clone()], f.message))
            .collect()
    }

    fn spans(path: &str, text: &str) -> Vec<String> {
        crate::rules::lint_with_only("connector-disconnect-without-revoke", &[(path, text)])
            .iter()
            .map(|f| text[f.span.clone()].to_string())
            .collect()
    }

    #[test]
    fn route_registration_shapes() {
        for text in [
            "router.delete('/connections/:id', handler)",
            "app.delete(\n  `/integrations/${id}`, h)",
            "@router.delete(\"/{provider}\")",
            "@router.delete(f\"/{provider}\")",
            "@router.delete(path=\"/x\")",
            "router.del(('/a'), h)",
            "admin.delete<Params>('/integrations/:id', h)",
            "router.delete<{ id: string }>(\n  '/x', h)",
            "router.delete(\n  // remove it\n  '/integrations/:provider', h)",
            "router.delete(/* id */ '/x', h)",
            "@router.delete(  # the route\n    \"/x\")",
            "@router.delete(status_code=204, path=\"/x\")",
            "@bp.delete(rule=\"/integrations/<provider>\")",
            "@router.delete(API_V2 + \"/integrations/{provider}\")",
        ] {
            let token = if text.contains(".del(") {
                "del"
            } else {
                "delete"
            };
            assert!(registers_route(text, token), "{text}");
        }
        for text in [
            "this.items.delete(id)",
            "listeners.delete(callback)",
            "deleteConnection('/x')",
            "obj.deleted('/x')",
            "delete('/x')",
        ] {
            assert!(!registers_route(text, "delete"), "{text}");
        }
    }

    #[test]
    fn word_matching() {
        let phrases = vec![
            vec!["token".to_string()],
            vec!["api".to_string(), "key".to_string()],
        ];
        assert!(mentions(&words("oauthTokens"), &phrases));
        assert!(mentions(&words("oauth_tokens"), &phrases));
        assert!(mentions(&words("deleteApiKeys"), &phrases));
        assert!(!mentions(&words("tokenizer"), &phrases));
        assert!(!mentions(
            &words("apiKeyId"),
            &[vec!["key".to_string(), "id".to_string(), "x".to_string()]]
        ));
        assert_eq!(words("sessionConn"), ["session", "connection"]);
    }

    #[test]
    fn js_deletions() {
        let cases = [
            ("await prisma.account.delete({ where: { id } });", true),
            ("await prisma.connection.deleteMany();", true),
            (
                "await supabase.from('oauth_tokens').delete().eq('user_id', id);",
                true,
            ),
            (
                "await supabase\n    .from('connections')\n    .delete()\n    .eq('id', id);",
                true,
            ),
            ("await knex('integrations').where({ id }).del();", true),
            (
                "await db.deleteFrom('connections').where('id', '=', id).execute();",
                true,
            ),
            (
                "await db.delete(oauthTokens).where(eq(oauthTokens.userId, id));",
                true,
            ),
            ("await tokenStore.delete(userId);", true),
            ("await this.vault.delete(`gmail:${userId}`);", true),
            ("await deleteToken(userId);", true),
            ("await deleteConnection(id);", false),
            ("await this.repo.deleteConnection(id);", true),
            ("await dynamo.deleteConnection(id);", false),
            ("await redis.del(`oauth:tokens:${userId}`);", true),
            ("await Connection.destroy({ where: { id } });", true),
            ("await this.connectionRepository.delete(id);", true),
            (
                "await pool.query('DELETE FROM oauth_tokens WHERE user_id = $1', [id]);",
                true,
            ),
            ("await sql`delete from connections where id = ${id}`;", true),
            (
                "await db.collection('accounts').deleteOne({ _id: id });",
                true,
            ),
            ("this.connections.delete(socket.id);", false),
            ("await this.connection.destroy();", false),
            ("localStorage.removeItem('gmail_token');", false),
            ("res.clearCookie('refresh_token');", false),
            ("await axios.delete(`/api/connections/${id}`);", false),
            ("await api.delete('/integrations/gmail');", false),
            ("socket.removeListener('token', onToken);", false),
            ("clearTimeout(this.tokenRefreshTimer);", false),
            ("await this.client.quit();", false),
            (
                "queryClient.removeQueries({ queryKey: ['integrations'] });",
                false,
            ),
            ("await db.from('webhooks').delete().eq('id', id);", false),
        ];
        for (body, expected) in cases {
            let src =
                format!("export async function disconnectGmail(id: string) {{\n  {body}\n}}\n");
            let got = !spans("a.ts", &src).is_empty();
            assert_eq!(got, expected, "{body}");
        }
    }

    #[test]
    fn python_deletions() {
        let cases = [
            ("await self.token_store.delete(user_id)", true),
            (
                "supabase.table(\"connections\").delete().eq(\"id\", cid).execute()",
                true,
            ),
            ("await session.delete(conn)", true),
            ("db.delete(integration)", true),
            ("Integration.objects.filter(org=org).delete()", true),
            ("db.query(OAuthToken).filter_by(user_id=uid).delete()", true),
            (
                "await session.execute(delete(Credential).where(Credential.id == cid))",
                true,
            ),
            ("integration.delete()", true),
            ("del self._tokens[user_id]", true),
            (
                "cur.execute(\"delete from oauth_tokens where id = %s\", (cid,))",
                true,
            ),
            ("self.redis.delete(f\"oauth:token:{uid}\")", true),
            ("del session[\"oauth_token\"]", false),
            ("await self.ws.close()", false),
            ("self.connections.pop(sid, None)", false),
            ("requests.delete(f\"{API}/connections/{cid}\")", false),
            (
                "await httpx.AsyncClient().delete(\"/integrations/1\")",
                false,
            ),
        ];
        for (body, expected) in cases {
            let src = format!("async def disconnect_gmail(user_id, cid):\n    {body}\n");
            let got = !spans("a.py", &src).is_empty();
            assert_eq!(got, expected, "{body}");
        }
    }

    #[test]
    fn revoking_paths_pass() {
        let src = "export async function disconnectGmail(id: string) {\n  const conn = await prisma.connection.findUnique({ where: { id } });\n  await gmailConnector.revoke(conn.refreshToken);\n  await prisma.connection.delete({ where: { id } });\n}\n\
                   export async function disconnectSlack(id: string) {\n  await connector.revoke?.(id);\n  await tokenStore.delete(id);\n}\n\
                   export const disconnectDrive = async (id: string) => {\n  await fetch(`https://oauth2.googleapis.com/revoke?token=${t}`, { method: 'POST' });\n  await tokenStore.delete(id);\n};\n\
                   async function disconnectCalendar(id: string) {\n  await revokeAndForget(id);\n}\n\
                   async function revokeAndForget(id: string) {\n  await client.revokeToken(id);\n  await tokenStore.delete(id);\n}\n\
                   async function disconnectAds(id: string) {\n  await Promise.all(tokens.map((t) => provider.revoke(t)));\n  await tokenStore.delete(id);\n}\n\
                   async function disconnectOther(id: string) { await fetch(REVOKE_URL); await tokenStore.delete(id); }\n\
                   async function disconnectSocket() { this.socket.disconnect(); }\n";
        assert!(
            flagged("a.ts", src).is_empty(),
            "{:?}",
            flagged("a.ts", src)
        );
    }

    #[test]
    fn helper_called_by_a_revoking_caller_passes() {
        let src = "async function deleteConnection(id: string) {\n  await db.from('connections').delete().eq('id', id);\n}\n\
                   export async function disconnect(id: string) {\n  await connector.revoke(id);\n  await deleteConnection(id);\n}\n";
        assert!(flagged("lib/connections.ts", src).is_empty());
        let repository = "export class ConnectionRepository {\n  async deleteConnection(id: string) {\n    await this.prisma.connection.delete({ where: { id } });\n  }\n}\n";
        assert!(flagged("src/connections/service.ts", repository).is_empty());
        let data = "export async function deleteConnection(id: string) {\n  await db.from('connections').delete().eq('id', id);\n}\n";
        assert!(flagged("src/lib/db/connections.ts", data).is_empty());
        assert!(flagged("src/connections/connection.repository.ts", data).is_empty());
        assert!(flagged("app/crud.py", "def delete_connection(db, cid):\n    db.query(Connection).filter_by(id=cid).delete()\n").is_empty());
        let lone = "export async function deleteGmailConnection(id: string) {\n  await db.from('connections').delete().eq('id', id);\n}\n";
        assert_eq!(
            flagged("lib/connections.ts", lone),
            vec!["deleteGmailConnection | `deleteGmailConnection` deletes a stored credential (`db.from('connections').delete()`) but never calls `revoke`"]
        );
    }

    #[test]
    fn routes() {
        let express = "router.delete('/integrations/:provider', requireAuth, async (req, res) => {\n  await prisma.account.deleteMany({ where: { provider: req.params.provider } });\n  res.sendStatus(204);\n});\n\
                       router.delete('/webhooks/:id', async (req, res) => { await tokenStore.delete(req.params.id); });\n\
                       router.route('/connections/:id').delete(removeConnection);\n\
                       async function removeConnection(req, res) { await deleteToken(req.params.id); }\n\
                       axios.delete('/integrations/1', () => {});\n";
        assert_eq!(
            spans("server/routes.ts", express),
            vec!["'/integrations/:provider'", "'/connections/:id'"]
        );
        let next = "export async function GET() {}\nexport async function DELETE(req: Request, { params }) {\n  await supabase.from('integrations').delete().eq('id', params.id);\n  return new Response(null, { status: 204 });\n}\n";
        assert_eq!(
            flagged("src/app/api/integrations/[id]/route.ts", next),
            vec!["DELETE | `DELETE /api/integrations/[id]` deletes a stored credential (`supabase.from('integrations').delete()`) but never calls `revoke`"]
        );
        assert!(flagged("src/app/api/webhooks/[id]/route.ts", next).is_empty());
        let fastapi = "router = APIRouter(prefix=\"/integrations\")\n\n@router.delete(\"/{provider}\")\nasync def remove(provider: str, db: Session = Depends(get_db)):\n    db.query(OAuthToken).filter_by(provider=provider).delete()\n\n\
                       @app.route(\"/connections/<cid>\", methods=[\"DELETE\"])\ndef drop_connection(cid):\n    Connection.objects.filter(id=cid).delete()\n\n\
                       @app.route(\"/connections/<cid>\", methods=[\"GET\"])\ndef show(cid):\n    Connection.objects.filter(id=cid).delete()\n";
        assert_eq!(
            flagged("api/routes.py", fastapi),
            vec![
                "\"/{provider}\" | `DELETE /integrations/{provider}` deletes a stored credential (`db.query(OAuthToken).filter_by(…).delete()`) but never calls `revoke`",
                "\"/connections/<cid>\" | `DELETE /connections/<cid>` deletes a stored credential (`Connection.objects.filter(…).delete()`) but never calls `revoke`",
            ]
        );
    }

    #[test]
    fn disconnect_named_routes() {
        let next = "export async function POST(req: Request, { params }) {\n  await db.delete(oauthTokens).where(eq(oauthTokens.integrationId, params.id));\n  return Response.json({ ok: true });\n}\n";
        assert_eq!(
            spans("app/api/integrations/[id]/disconnect/route.ts", next),
            vec!["POST"]
        );
        assert!(spans("app/api/integrations/[id]/refresh/route.ts", next).is_empty());
        let terse = "export async function POST() {\n  await tokenStore.remove(1);\n}\n";
        assert_eq!(
            spans("app/api/gmail/disconnect/route.ts", terse),
            vec!["POST"]
        );
        assert_eq!(
            spans(
                "pages/api/gmail/disconnect.js",
                "export default async (req, res) => { await tokenStore.remove(1); };\n"
            ),
            vec!["default"]
        );
        let pages = "export default async function handler(req, res) {\n  await prisma.account.deleteMany({ where: { userId: req.query.id } });\n  res.status(200).end();\n}\n";
        assert_eq!(
            flagged("src/pages/api/google/disconnect.ts", pages),
            vec!["handler | `/api/google/disconnect` deletes a stored credential (`prisma.account.deleteMany(…)`) but never calls `revoke`"]
        );
        let express = "router.post('/:provider/disconnect', async (req, res) => { await tokenStore.delete(req.user.id); });\n\
                       router.post('/:provider/refresh', async (req, res) => { await tokenStore.delete(req.user.id); });\n\
                       api.post('/integrations/x/disconnect', async () => { await tokenStore.delete(1); });\n";
        assert_eq!(spans("server.ts", express), vec!["'/:provider/disconnect'"]);
        let fastapi = "@router.post(\"/{provider}/disconnect\")\nasync def disc(provider: str):\n    await token_store.delete(provider)\n\n\
                       @app.route(\"/gmail/disconnect\", methods=[\"POST\"])\ndef gmail():\n    OAuthToken.query.delete()\n";
        assert_eq!(
            spans("api.py", fastapi),
            vec!["\"/{provider}/disconnect\"", "\"/gmail/disconnect\""]
        );
    }

    #[test]
    fn options_are_validated() {
        use crate::rules::Kind;
        let compile = |t: &str| super::MissingRequiredCall.compile(&toml::from_str(t).unwrap());
        let base = "deletes = ['token']\nrequired_calls = ['revoke*']\n";
        assert_eq!(
            compile(base).err().unwrap().option.as_deref(),
            Some("functions")
        );
        assert_eq!(
            compile(&format!("{base}functions = ['*']"))
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("functions")
        );
        assert_eq!(
            compile(&format!(
                "{base}route_paths = ['[']\nroute_methods = ['delete']"
            ))
            .err()
            .unwrap()
            .option
            .as_deref(),
            Some("route_paths")
        );
        assert_eq!(
            compile(&format!("{base}route_paths = ['**/x/**']"))
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("route_methods")
        );
        assert_eq!(
            compile("functions = ['disconnect*']\ndeletes = []\nrequired_calls = ['revoke']")
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("deletes")
        );
        assert_eq!(
            compile("functions = ['disconnect*']\ndeletes = ['token']\nrequired_calls = []")
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("required_calls")
        );
        assert!(compile(&format!("{base}functions = ['disconnect*']")).is_ok());
    }
}
