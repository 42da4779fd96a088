//! Word lists of the `missing-required-call` rule kind.

/// Words of a delete operation's name.
pub(super) const DELETE_VERBS: &[&str] = &[
    "delete", "remove", "destroy", "del", "purge", "erase", "wipe", "clear", "drop", "unset",
    "evict",
];

/// Words of a callee name that say it removes something other than stored
/// data.
pub(super) const NOT_STORAGE: &[&str] = &[
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
pub(super) const NOT_STORAGE_ROOTS: &[&str] = &[
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
pub(super) const NOT_MODEL_WORDS: &[&str] = &[
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
pub(super) const SESSION_WORDS: &[&str] = &[
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
pub(super) const STORE_WORDS: &[&str] = &[
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
pub(super) const TABLE_METHODS: &[&str] = &[
    "from",
    "from_",
    "table",
    "into",
    "collection",
    "deleteFrom",
    "delete_from",
];

/// Mappings that hold request or process state, never a credential store.
pub(super) const PY_NOT_STORES: &[&str] = &[
    "session", "request", "g", "environ", "cookies", "headers", "st",
];

/// Words that name a data-access layer: its functions store and delete
/// rows and cannot revoke (they hold no connector); the service that calls
/// them is the disconnect path.
pub(super) const DATA_LAYER_WORDS: &[&str] = &[
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
