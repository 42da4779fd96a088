//! Values built on first use. A rule set compiles matchers for every rule,
//! while a run often needs few of them: an agent hook's clean edit triggers
//! no rule at all, and building the unused matchers cost more than the rest
//! of that run.

use std::sync::LazyLock;

/// A value built the first time it is read, by a closure that owns what it
/// needs.
pub type Deferred<T> = LazyLock<T, Box<dyn FnOnce() -> T + Send>>;

pub fn deferred<T>(build: impl FnOnce() -> T + Send + 'static) -> Deferred<T> {
    LazyLock::new(Box::new(build))
}

/// A case-insensitive Aho-Corasick matcher of `literals`, built on first
/// use; `None` when it cannot be built.
pub fn any_of_matcher(literals: Vec<String>) -> Deferred<Option<aho_corasick::AhoCorasick>> {
    deferred(move || {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(literals)
            .ok()
    })
}
