//! Matching credential names and logger callees: the words of an
//! identifier, the credential names option, the logger patterns option.

use super::data::{NOT_A_SECRET_QUALIFIERS, NOT_A_VALUE_FIRST};
use crate::lang::NameGlob;
use crate::rules::OptionError;

/// Patterns over logging callees.
pub(super) struct Loggers {
    patterns: Vec<String>,
    globs: Vec<NameGlob>,
}

impl Loggers {
    pub(super) fn new(patterns: &[String]) -> Result<Loggers, OptionError> {
        if patterns.is_empty() {
            return Err(OptionError::new("loggers", "list at least one logger"));
        }
        for pattern in patterns {
            if !pattern.chars().any(|c| c.is_alphanumeric()) {
                return Err(OptionError::new(
                    "loggers",
                    format!("`{pattern}` would match every call; name the logger"),
                ));
            }
            if let Some(bad) = pattern
                .chars()
                .find(|&c| !(c.is_alphanumeric() || "_$.:!*()".contains(c)))
            {
                return Err(OptionError::new(
                    "loggers",
                    format!("`{pattern}` is not a callee pattern (`{bad}` is not allowed; use names, `.`, `::`, `!`, `()` and `*`)"),
                ));
            }
        }
        Ok(Loggers {
            patterns: patterns.to_vec(),
            globs: patterns
                .iter()
                .map(|p| NameGlob::new(&normalize_path(p).to_lowercase()))
                .collect(),
        })
    }

    pub(super) fn is_match(&self, path: &str) -> bool {
        let path = normalize_path(path).to_lowercase();
        self.globs.iter().any(|g| g.is_match(&path))
    }

    /// The longest name-like run of each pattern: a file with a logging call
    /// contains one of them. Empty when some pattern has none worth matching.
    pub(super) fn literals(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for pattern in &self.patterns {
            let longest = pattern
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .map(|p| p.trim_start_matches(['_', '$']))
                .max_by_key(|p| p.len())
                .unwrap_or_default();
            if longest.len() < 3 {
                return Vec::new();
            }
            out.push(longest.to_ascii_lowercase());
        }
        minimal_literals(out)
    }
}

/// Drops a leading `_`, `#` or `$` from each path segment, so that
/// `this._logger.info` reads as `this.logger.info`.
fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut segment_start = true;
    for c in path.chars() {
        if segment_start && matches!(c, '_' | '#' | '$') {
            continue;
        }
        segment_start = matches!(c, '.' | ':');
        out.push(c);
    }
    out
}

/// Literals with every literal that contains a shorter one removed (the
/// shorter one already lets the file through).
fn minimal_literals(mut literals: Vec<String>) -> Vec<String> {
    literals.sort_by_key(String::len);
    let mut kept: Vec<String> = Vec::new();
    for literal in literals {
        if !kept.iter().any(|k| literal.contains(k.as_str())) {
            kept.push(literal);
        }
    }
    kept
}

/// Credential names, each as the lowercase words it is spelled with.
pub(super) struct SensitiveNames {
    names: Vec<Vec<String>>,
}

/// Whether the object a property is read from says the property is not a
/// credential: `coupon.token` is a coupon code, `parser.token` a piece of
/// text, `limiter.token` a place in a queue.
/// Words after a credential's name that still mean the credential
/// (`tokenValue`, `secret_str`).
const RESTATES_THE_VALUE: &[&str] = &[
    "value",
    "val",
    "raw",
    "str",
    "string",
    "plain",
    "plaintext",
    "text",
    "bytes",
    "header",
];

/// Last words of a label that say it holds an identifier (`id: credential`).
pub(super) const IDENTIFIER_WORDS: &[&str] = &["id", "ids", "uuid", "guid"];

pub(super) fn holder_disqualifies(holder: &str) -> bool {
    words(holder)
        .last()
        .is_some_and(|w| NOT_A_SECRET_QUALIFIERS.contains(&w.as_str()))
}

impl SensitiveNames {
    pub(super) fn new(names: &[String]) -> Result<SensitiveNames, OptionError> {
        if names.is_empty() {
            return Err(OptionError::new(
                "names",
                "list at least one credential name",
            ));
        }
        let mut out = Vec::new();
        for name in names {
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(OptionError::new(
                    "names",
                    format!("`{name}` is not a name (use letters, digits and `_`, e.g. `apiKey` or `api_key`)"),
                ));
            }
            let words = words(name);
            if words.is_empty() {
                return Err(OptionError::new(
                    "names",
                    format!("`{name}` has no letters to match"),
                ));
            }
            out.push(words);
        }
        Ok(SensitiveNames { names: out })
    }

    /// Each name written run together and with `_`: one of them is in every
    /// identifier that matches.
    pub(super) fn literals(&self) -> Vec<String> {
        let mut out = Vec::new();
        for words in &self.names {
            out.push(words.concat());
            if words.len() > 1 {
                out.push(words.join("_"));
            }
        }
        minimal_literals(out)
    }

    /// Every way a matching name can be spelled, as literals: a name's words
    /// run together or joined by any separator a string key may use
    /// (`api_key`, `api-key`, `api.key`, `API Key`), since any non-letter
    /// splits words.
    pub(super) fn spellings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for words in &self.names {
            out.push(words.concat());
            if words.len() > 1 {
                for joint in ["_", "-", ".", " ", "__", ":", "/", "$"] {
                    out.push(words.join(joint));
                }
            }
        }
        // Not reduced to the shortest: each must be found where it ends
        // (`secretKey` ends with `secretkey`, not with `secret`).
        out.sort();
        out.dedup();
        out
    }

    /// Whether an identifier, property or key names something about a
    /// credential other than the credential itself: it spells a name's
    /// words and ends in others (`credentialId`, `token_type`,
    /// `apiKeyName`), not in words that only restate the value
    /// (`tokenValue`, `raw_secret`).
    pub(super) fn names_an_attribute(&self, identifier: &str) -> bool {
        let words = words(identifier);
        if self.is_match(identifier) {
            return false;
        }
        self.names.iter().any(|name| {
            let joined = name.concat();
            (0..words.len()).any(|start| {
                (start + 1..=words.len()).any(|end| {
                    words[start..end].concat() == joined
                        && end < words.len()
                        && !words[end..]
                            .iter()
                            .all(|w| RESTATES_THE_VALUE.contains(&w.as_str()))
                })
            })
        })
    }

    /// Whether an identifier, property or string key names a credential.
    pub(super) fn is_match(&self, identifier: &str) -> bool {
        let words = words(identifier);
        let Some(last) = words.len().checked_sub(1) else {
            return false;
        };
        let matched = self.names.iter().find_map(|name| {
            let joined = name.concat();
            (0..=last)
                .rev()
                .find(|&start| words[start..].concat() == joined)
        });
        let Some(start) = matched else {
            return false;
        };
        let before = &words[..start];
        if before
            .first()
            .is_some_and(|w| NOT_A_VALUE_FIRST.contains(&w.as_str()))
        {
            return false;
        }
        !before
            .iter()
            .any(|w| NOT_A_SECRET_QUALIFIERS.contains(&w.as_str()))
    }
}

/// The lowercase words of an identifier, split at `_`, `$`, and case
/// changes (`APIKey` is `api`, `key`); trailing digits are dropped
/// (`token2` is `token`).
pub(super) fn words(identifier: &str) -> Vec<String> {
    let trimmed = identifier.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_');
    let chars: Vec<char> = trimmed.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A readable name for a flagged expression: its source text when it is
/// short and on one line, else the identifier alone.
pub(super) fn display_name(expression: &str, identifier: &str) -> String {
    let compact: String = expression.split_whitespace().collect();
    if compact.len() <= 60 && !compact.is_empty() {
        compact
    } else {
        identifier.to_string()
    }
}

pub(super) fn is_identifier_like(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_')
}
