//! Word lists of the `plaintext-column` rule kind.

/// Schemas the database platform owns (Supabase's `auth`, `storage`,
/// `vault`, …): schema dumps and introspected Prisma models repeat their
/// tables, which the project neither defines nor can change.
pub(super) const PLATFORM_SCHEMAS: &[&str] = &[
    "auth",
    "storage",
    "vault",
    "realtime",
    "_realtime",
    "supabase_functions",
    "supabase_migrations",
    "extensions",
    "graphql",
    "graphql_public",
    "pgsodium",
    "pgsodium_masks",
    "net",
    "cron",
    "pg_catalog",
    "information_schema",
];

/// Words in a column name that say its value is not stored in clear.
pub(super) const PROTECTED_WORDS: &[&str] = &[
    "encrypted",
    "encrypt",
    "enc",
    "hashed",
    "hash",
    "digest",
    "ciphertext",
    "cipher",
    "sealed",
    "wrapped",
    "masked",
    "redacted",
    "obfuscated",
];
