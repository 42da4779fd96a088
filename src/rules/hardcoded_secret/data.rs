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
