//! Words that mark a stand-in value, words a random value does not spell,
//! and short words of identifiers.

/// Words and marks that show a value is a stand-in, not a credential.
pub(super) const PLACEHOLDER_MARKERS: &[&str] = &[
    "your",
    "example",
    "dummy",
    "fake",
    "placeholder",
    "test",
    "sample",
    "mock",
    "changeme",
    "change_me",
    "change-me",
    "replace",
    "redacted",
    "insert",
    "xxxx",
    "****",
    "...",
    "…",
    "${",
    "{{",
    "$(",
    "%(",
    "%s",
    "asdf",
];

/// Sample credentials that providers print in their documentation and that
/// projects copy into example payloads, fixtures and READMEs, and the fixed
/// keys of local emulators: random-looking, public, and valid nowhere. A
/// value holding one (a connection string around the key) is a stand-in.
pub(super) const DOCUMENTATION_VALUES: &[&str] = &[
    // Slack: the verification token of every Events API example payload,
    // and the signing secret of "Verifying requests from Slack".
    "Jhj5dZrVaK7ZwHHjRyZWjbDl",
    "8f742231b10e8888abcd99yyyzzz85a5",
    // GitHub: the personal access token of the REST API examples.
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    // Mailgun: the API key of its quickstart examples.
    "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
    // Stripe: the publishable key of its test-mode examples.
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    // Azurite, the Azure Storage emulator: the account key of
    // `devstoreaccount1`, the same in every installation.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    // The Supabase CLI's local stack (`supabase start`): the secret and
    // publishable API keys and the S3 storage keys it prints, the same on
    // every machine and reachable only on localhost.
    "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz",
    "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH",
    "625729a08b95bf1b7ff351a663f3a23c",
    "850181e4652dd023b7a98c58ae0d2d34bd487ee0cc3254aed6eda37307425907",
];

/// Words a random value does not contain (the chance that a random
/// 40-character token spells one is below one in a million): a value with
/// one is a made-up development secret such as `supersecretkey123`.
pub(super) const STOPWORDS: &[&str] = &[
    "secret",
    "password",
    "passwd",
    "token",
    "apikey",
    "api_key",
    "private",
    "insecure",
    "default",
    "local",
    "develop",
    "staging",
    "production",
    "sandbox",
    "admin",
    "hello",
    "world",
    "super",
    "qwerty",
    "letmein",
    "welcome",
    "please",
    "generate",
    "random",
    "demo",
];

/// Two-letter words and units common in identifiers.
pub(super) const SHORT_WORDS: &[&str] = &[
    "id", "io", "db", "js", "ts", "ui", "os", "ok", "to", "by", "of", "in", "on", "at", "as", "is",
    "it", "no", "up", "ai", "or", "if", "do", "go", "my", "me", "we", "be", "an", "ip", "px", "em",
    "vh", "vw",
];
