//! Shapes of names written as strings: lower-kebab slugs,
//! SCREAMING_SNAKE environment-variable names, references to a variable
//! (`${X}`, `process.env.X`), and values that read as a name in some other
//! case rather than as a secret; and globs over one name.

/// A glob over one identifier where `*` matches any run of characters
/// (`save*IntegrationStatus`, `integration_*_status`).
pub use crate::lang::tree::NameGlob;

/// `^[a-z0-9]+(-[a-z0-9]+)*$`
pub fn is_kebab_slug(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A lower-kebab form of an id: `Slack_Bot` and `slackBot` both become
/// `slack-bot`.
pub fn kebab_slug(id: &str) -> String {
    let mut out = String::new();
    let mut prev: Option<char> = None;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            let boundary = c.is_ascii_uppercase()
                && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            if boundary || (prev.is_none() && !out.is_empty()) {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            prev = Some(c);
        } else if !out.is_empty() {
            prev = None;
        }
    }
    out
}

/// `^[A-Z][A-Z0-9_]*$`
pub fn is_screaming_snake(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Whether a non-SCREAMING value still reads as a variable name written in
/// another case (`slack_client_id`, `slackClientSecret`), so printing it
/// leaks nothing. Anything else may be a credential and is never printed.
pub fn looks_like_name(value: &str) -> bool {
    if value.len() > 64
        || !value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
    {
        return false;
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return false;
    }
    // Words split at `_` and lower→upper steps: each is letters, then
    // optionally digits, and no longer than a word gets.
    let mut words: Vec<String> = Vec::new();
    let mut prev: Option<char> = None;
    for c in value.chars() {
        let boundary =
            c == '_' || (c.is_ascii_uppercase() && prev.is_some_and(|p| p.is_ascii_lowercase()));
        if boundary || words.is_empty() {
            words.push(String::new());
        }
        if c != '_' {
            words.last_mut().expect("pushed").push(c);
        }
        prev = Some(c);
    }
    let word_ok = |w: &String| {
        let letters = w.trim_end_matches(|c: char| c.is_ascii_digit());
        !letters.is_empty()
            && letters.len() <= 14
            && letters.chars().all(|c| c.is_ascii_alphabetic())
            && w.len() - letters.len() <= 2
            && (letters.chars().skip(1).all(|c| c.is_ascii_lowercase())
                || letters.chars().all(|c| c.is_ascii_uppercase()))
    };
    words.iter().filter(|w| !w.is_empty()).all(word_ok) && (words.len() > 1 || value.len() <= 14)
}

/// The variable a shell or code reference names: `$X`, `${X}`,
/// `process.env.X`, `import.meta.env.X`.
pub fn env_reference(value: &str) -> Option<&str> {
    let name = if let Some(braced) = value.strip_prefix("${") {
        braced.strip_suffix('}')?
    } else if let Some(bare) = value.strip_prefix('$') {
        bare
    } else {
        value
            .strip_prefix("process.env.")
            .or_else(|| value.strip_prefix("import.meta.env."))?
    };
    is_screaming_snake(name).then_some(name)
}

/// `google-drive` → `googleDrive`, usable as an import binding.
pub fn camel_case(id: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if out.is_empty() && c.is_ascii_digit() {
                out.push('_');
            }
            if upper && !out.is_empty() {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() {
        "integration".to_string()
    } else {
        out
    }
}
