//! Words that tell a credential's name from names of things that are not
//! the live secret.

/// First words that make a name a question or an action about the value
/// (`hasToken`, `isSecretSet`, `getToken`, `validateApiKey`), not the value.
pub(super) const NOT_A_VALUE_FIRST: &[&str] = &[
    "has", "have", "had", "is", "are", "was", "were", "should", "can", "could", "will", "would",
    "must", "need", "needs", "require", "requires", "did", "does", "with", "without", "no", "not",
    "missing", "get", "set", "fetch", "load", "save", "store", "create", "generate", "make",
    "build", "validate", "verify", "check", "ensure", "parse", "decode", "encode", "rotate",
    "revoke", "handle", "on", "use", "read", "write", "delete", "remove", "clear", "update",
    "issue", "exchange", "sign", "mint", "mask", "redact", "hash", "encrypt", "decrypt", "to",
    "from", "format", "print", "log", "compare", "show", "hide", "toggle", "forgot", "change",
];

/// Words before the name that say the value is not the live secret: a
/// derived or public form, a pagination or cancellation token, a count, a
/// stand-in.
pub(super) const NOT_A_SECRET_QUALIFIERS: &[&str] = &[
    "masked",
    "redacted",
    "decoded",
    "hashed",
    "encrypted",
    "obfuscated",
    "sanitized",
    "truncated",
    "partial",
    "public",
    "publishable",
    "next",
    "page",
    "continuation",
    "cursor",
    "sync",
    "cancel",
    "cancellation",
    "abort",
    "max",
    "min",
    "total",
    "num",
    "count",
    "prompt",
    "completion",
    "input",
    "output",
    "csrf",
    "xsrf",
    "fake",
    "dummy",
    "mock",
    "placeholder",
    "test",
    "example",
    "sample",
    // Tokens that stand for a place, a turn or a code, not an identity:
    // concurrency and reservation tokens, lock leases, coupon codes,
    // a parser's tokens.
    "reservation",
    "concurrency",
    "limit",
    "limiter",
    "slot",
    "lock",
    "lease",
    "idempotency",
    "coupon",
    "promo",
    "promotion",
    "discount",
    "voucher",
    "parser",
    "lexer",
    "syntax",
    // Values a service sends to prove an endpoint answers, echoed back
    // once: a webhook subscription's validation token, a challenge.
    "validation",
    "challenge",
    "handshake",
];
