//! The secrets one value holds: known-format tokens, private key blocks,
//! and a random-looking value under a credential name.

use std::ops::Range;

use super::data::DOCUMENTATION_VALUES;
use super::names::{any_match, is_identifier_like, split_words};
use super::values::{
    block_body, body_is_random, has_stopword, is_other_structure, is_placeholder, is_word_like,
    key_body_runs, key_header, looks_random, redacted, shown_prefix,
};
use super::SecretCheck;
use crate::facts::secret_formats::{base64_decode, Charset};

/// Bytes that continue a token, so a prefix preceded by one is mid-token.
fn continues_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// One secret found in a value, in value coordinates.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct ValueHit {
    /// The secret's characters (the primary label).
    pub(super) span: Range<usize>,
    /// What to mask; the span itself unless the secret is a key block.
    pub(super) redact: Vec<Range<usize>>,
    pub(super) description: String,
    /// What the message may show of it.
    pub(super) shown: String,
    /// A private key block (found once however many literals hold it).
    pub(super) block: bool,
}

/// A private key header whose block does not end in the same value (a YAML
/// block scalar line, one piece of a concatenation).
pub(super) struct OpenBlock {
    pub(super) header: Range<usize>,
    pub(super) description: String,
}

impl SecretCheck {
    /// Known-format secrets in a value, none exempted.
    pub(super) fn find_formats(&self, value: &str) -> Vec<ValueHit> {
        self.find_formats_exempt(value, &|| false).0
    }

    /// Known-format secrets in a value. A browser key (`AIza…`) is left out
    /// when `browser_exempt` says its context publishes it (asked only
    /// then); the flag returned says one was, so that the value is not
    /// judged again by its name.
    pub(super) fn find_formats_exempt(
        &self,
        value: &str,
        browser_exempt: &dyn Fn() -> bool,
    ) -> (Vec<ValueHit>, bool) {
        let mut exempt = false;
        let bytes = value.as_bytes();
        let mut hits: Vec<ValueHit> = Vec::new();
        let Some(prefixes) = self.prefix_matcher.as_ref() else {
            return (hits, exempt);
        };
        for m in prefixes.find_iter(value) {
            let start = m.start();
            if (start > 0 && continues_token(bytes[start - 1]))
                || hits.iter().any(|h| h.span.contains(&start))
            {
                continue;
            }
            let (prefix, format) = &self.prefix_table[m.pattern().as_usize()];
            let (charset, min, max) = format.map_or((Charset::Token, 20, usize::MAX), |f| {
                (f.charset, f.min, f.max)
            });
            let body_start = m.end();
            let body_len = bytes[body_start..]
                .iter()
                .take_while(|&&b| charset.contains(b))
                .count();
            let mut body_end = body_start + body_len;
            // A token glued to a sentence's full stop.
            while matches!(charset, Charset::Dotted)
                && body_end > body_start
                && bytes[body_end - 1] == b'.'
            {
                body_end -= 1;
            }
            let body = crate::source::slice(value, body_start..body_end);
            if body.len() < min
                || body.len() > max
                || bytes.get(body_end).is_some_and(|&b| continues_token(b))
                || !body_is_random(body)
                || !format.is_none_or(|f| (f.shape)(body))
                || DOCUMENTATION_VALUES.contains(&crate::source::slice(value, start..body_end))
            {
                continue;
            }
            if format.is_some_and(|f| f.browser_key) && browser_exempt() {
                exempt = true;
                continue;
            }
            let span = start..body_end;
            hits.push(ValueHit {
                redact: vec![span.clone()],
                span,
                description: format.map_or_else(
                    || format!("`{prefix}` credential"),
                    |f| f.description.to_string(),
                ),
                shown: redacted(prefix),
                block: false,
            });
        }
        hits.sort_by_key(|h| h.span.start);
        (hits, exempt)
    }

    /// Whether values bound to `name` are judged as credentials. A name
    /// that calls its value fake (`DEMO_TOKEN`, `exampleApiKey`) is not:
    /// randomness is the only evidence there (known formats still count).
    pub(super) fn is_credential_name(&self, name: &str) -> bool {
        const FAKE_WORDS: &[&str] = &[
            "demo",
            "example",
            "sample",
            "test",
            "fake",
            "dummy",
            "mock",
            "placeholder",
        ];
        is_identifier_like(name)
            && any_match(&self.names, name)
            && !any_match(&self.ignore_names, name)
            && !any_match(&self.public_names, name)
            && !split_words(name)
                .iter()
                .any(|w| FAKE_WORDS.contains(&w.as_str()))
    }

    /// A value that looks random, as a credential-named value would be
    /// judged; an `Authorization` scheme word (`Bearer `) is skipped.
    pub(super) fn random_value(&self, value: &str) -> Option<ValueHit> {
        let mut start = value.len() - value.trim_start().len();
        let mut candidate = value.trim();
        for scheme in ["Bearer ", "bearer ", "Token ", "token ", "Basic ", "basic "] {
            if let Some(rest) = candidate.strip_prefix(scheme) {
                start += scheme.len();
                candidate = rest;
                break;
            }
        }
        if !looks_random(candidate, self.min_length) {
            return None;
        }
        // Base64 of readable text (`Basic dXNlcjpwYXNz…`) is judged by the
        // text; random bytes almost never decode to it.
        if let Some(decoded) = base64_decode(candidate).and_then(|d| String::from_utf8(d).ok()) {
            let readable =
                decoded.len() >= 8 && decoded.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
            if readable
                && (is_placeholder(&decoded) || has_stopword(&decoded) || is_word_like(&decoded))
            {
                return None;
            }
        }
        let span = start..start + candidate.len();
        Some(ValueHit {
            redact: vec![span.clone()],
            span,
            description: "secret".to_string(),
            shown: redacted(shown_prefix(candidate)),
            block: false,
        })
    }

    /// A credential-named value that looks random.
    pub(super) fn find_named(&self, value: &str, name: &str) -> Option<ValueHit> {
        self.random_value(value)
            .filter(|_| self.is_credential_name(name))
    }

    /// Private key blocks in a value: complete ones as hits, a header whose
    /// block continues past the value as an [`OpenBlock`].
    pub(super) fn find_key_blocks(&self, value: &str) -> (Vec<ValueHit>, Vec<OpenBlock>) {
        let mut hits = Vec::new();
        let mut open = Vec::new();
        if !self.private_keys {
            return (hits, open);
        }
        for (start, _) in value.match_indices("-----BEGIN ") {
            let Some((header, description)) = key_header(value, start) else {
                continue;
            };
            match block_body(value, header.end) {
                Some(body) => {
                    let text = crate::source::slice(value, body.clone());
                    let label = crate::source::slice(value, header.clone())
                        .trim_start_matches("-----BEGIN ")
                        .trim_end_matches("-----");
                    if let Some(redact) =
                        key_body_runs(text).filter(|runs| !is_other_structure(label, text, runs))
                    {
                        hits.push(ValueHit {
                            redact: redact
                                .into_iter()
                                .map(|r| r.start + body.start..r.end + body.start)
                                .collect(),
                            shown: redacted(crate::source::slice(value, header.clone())),
                            span: header,
                            description,
                            block: true,
                        });
                    }
                }
                None => open.push(OpenBlock {
                    header,
                    description,
                }),
            }
        }
        (hits, open)
    }
}
