//! The `sensitive-log-argument` rule kind: a value named like a credential
//! handed to a logging call.

mod data;
mod names;

use std::collections::HashSet;
use std::ops::Range;

use serde::Deserialize;

use crate::facts::log_calls::{log_calls, LoggedValue, Reach, UuidBindings};
use crate::lang::{Family, ParsedFile};
use crate::roles::SkipRoles;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};
use names::{
    display_name, holder_disqualifies, is_identifier_like, words, Loggers, SensitiveNames,
    IDENTIFIER_WORDS,
};

declare_kind! {
    /// ## What it does
    /// Flags a logging call whose arguments hand over a value named like a
    /// credential: an identifier or property whose last words are one of
    /// `names` (`accessToken`, `refresh_token`, `clientSecret`, `apiKey`,
    /// `settings.access_token`, `process.env.OPENAI_API_KEY`).
    ///
    /// Logging calls are calls whose callee matches one of `loggers`:
    /// `console.log(…)`, `logger.info(…)`, `this.logger.warn(…)`,
    /// `request.log.info(…)`, `logging.getLogger(__name__).debug(…)`,
    /// `print(…)`, and in Rust the macros `println!`, `dbg!`, `info!`,
    /// `log::warn!`, `tracing::info!` and the like.
    ///
    /// The value counts wherever the argument passes it on unchanged: the
    /// argument itself, `${token}` in a template literal, `{token}` in a
    /// Python f-string or a Rust format string, the right side of `%`
    /// formatting, `+` concatenation, object and dict values (`{ token }`,
    /// `{"token": token}`, `...credentials`), array and tuple items, keyword
    /// arguments, tracing fields (`token = %token`, `?token`), `a || b`,
    /// `a ?? b`, both branches of a conditional, string keys
    /// (`data["access_token"]`, `params.get("token")`, `os.getenv("API_KEY")`,
    /// `env::var("API_KEY")`), the `.value` of a credential-named holder
    /// (`token.value`), and wrappers that do not hide the value
    /// (`JSON.stringify`, `String`, `str`, `repr`, `json.dumps`,
    /// `.toString()`, `.get_secret_value()`, `.to_string()`, `.clone()`,
    /// `.expose_secret()`, `format!`, `"{}".format(…)`).
    ///
    /// Not flagged: strings that mention a word (`"token refreshed"`), other
    /// names (`tokens`, `maxTokens`, `tokenCount`, `token_type`,
    /// `tokenExpiresAt`), names that say the value is not the secret itself
    /// (`hasToken`, `isTokenValid`, `maskedToken`, `hashedPassword`,
    /// `nextPageToken`, `csrfToken`, `NEXT_PUBLIC_API_KEY`, functions such
    /// as `getToken`), anything derived from the value (`token.length`,
    /// `len(token)`, `!!token`, `typeof token`, `token ? 'set' : 'missing'`,
    /// comparisons, `token.slice(0, 4)`, `mask(token)`, `hash(secret)`), and
    /// the condition of `console.assert`. A value logged under a key or
    /// keyword that says it is something about a credential, or an id
    /// (`{ credentialId: credential }`, `token_type=token`, `{ id: token }`),
    /// is what its key says: the author named the field, while the value's
    /// own name is often reused for a record's id; a key that restates the
    /// value (`{ tokenValue: token }`, `{ value: token }`) changes nothing.
    /// In a file that tokenizes text (it
    /// mentions a tokenizer, a lexer, NLTK or spaCy, or takes a `token` off a
    /// list of tokens, `token = self._tokens.pop(0)`) a bare `token` is a
    /// piece of text and is not flagged; `apiToken` still is. A logging
    /// call in the body of an `if` that runs only in development
    /// (`process.env.NODE_ENV === "development"`, `import.meta.env.DEV`,
    /// `__DEV__`, `settings.DEBUG`) writes to the developer's own terminal
    /// and is not flagged; its `else` branch, a negated check or one
    /// joined with `||` still is. Test files
    /// are checked too: a real token printed by a test script lands in CI
    /// logs all the same.
    ///
    /// One finding per offending value, labelled on the identifier, property
    /// or key.
    ///
    /// ## Why is this bad?
    /// Logs are copied to terminals, log drains, error trackers and support
    /// tickets, and are kept far longer and read by far more people than the
    /// credential store. A token in a log line is a leaked token.
    ///
    /// ## Example
    /// ```ts
    /// const { accessToken } = await refresh(account);
    /// console.log(`refreshed ${account.id}: ${accessToken}`);
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// const { accessToken } = await refresh(account);
    /// console.log(`refreshed ${account.id} (token ${accessToken ? 'present' : 'missing'})`);
    /// ```
    ///
    /// ## Options
    /// - `loggers`: patterns over the called path. `*` matches any run of
    ///   characters; the match ignores case and leading `_`/`#` of each path
    ///   segment, and a call in the receiver reads as `()`
    ///   (`logging.getLogger(__name__).info` is `logging.getLogger().info`).
    ///   Rust macros end with `!` and use `::` (`tracing::*!`).
    /// - `names`: credential names, in camelCase or snake_case. An identifier
    ///   matches when its last words, split at case changes and `_` and
    ///   compared ignoring case, spell one of them (`token` matches
    ///   `accessToken` and `GITHUB_TOKEN`; `apiKey` matches `api_key`,
    ///   `OPENAI_API_KEY` and `apikey`).
    /// - `skip_roles`: file roles the rule does not read (`test`, `fixture`,
    ///   `docs`, `example`, `script`, `generated`, `vendored`), from path
    ///   conventions (`tests/`, `*.test.*`, `conftest.py`, `docs/`, …).
    pub struct SensitiveLogArgument;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "loggers",
        description: "Patterns over logging callees (`console.*`, `*.logger.*`, `print`, `tracing::*!`); `*` matches any run of characters",
    },
    OptionDoc {
        name: "names",
        description: "Credential names (camelCase or snake_case) that an identifier's last words must spell",
    },
    OptionDoc {
        name: "skip_roles",
        description: "file roles not read (test, fixture, docs, example, script, generated, vendored)",
    },
];

impl Kind for SensitiveLogArgument {
    fn id(&self) -> &'static str {
        "sensitive-log-argument"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python, Family::Rust]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        Ok(Box::new(SensitiveLogCheck {
            loggers: Loggers::new(&options.loggers)?,
            names: SensitiveNames::new(&options.names)?,
            skip_roles: SkipRoles::parse(&options.skip_roles)
                .map_err(|e| OptionError::new("skip_roles", e))?,
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    loggers: Vec<String>,
    names: Vec<String>,
    #[serde(default)]
    skip_roles: Vec<String>,
}

struct SensitiveLogCheck {
    loggers: Loggers,
    names: SensitiveNames,
    /// Docs and examples print a credentials object to show its shape.
    skip_roles: SkipRoles,
}

/// One credential-named value handed to a logger.
struct Leak {
    span: Range<usize>,
    name: String,
}

impl Check for SensitiveLogCheck {
    fn literals(&self) -> Vec<String> {
        self.names.literals()
    }

    fn required_literals(&self) -> Vec<Vec<String>> {
        vec![self.loggers.literals()]
    }

    /// A leaked name is inside a logging call's arguments, so a file needs
    /// the rule only where a name starts inside a call whose callee spells
    /// a logger's literal: `log` and `token` anywhere in the same file are
    /// not enough. And a name matches on an identifier's last words, so
    /// `tokenId` in a logging call does not count.
    fn near(&self) -> Option<crate::prefilter::Near> {
        Some(crate::prefilter::Near {
            anchors: self.loggers.literals(),
            within: self.names.spellings(),
            region: crate::prefilter::Region::Call,
            // A name matches on an identifier's last words.
            within_ends_word: true,
        })
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        if self.skip_roles.skips(file.path()) {
            return;
        }
        let src = file.text();
        let is_logger = |path: &str| self.loggers.is_match(path) && !names_a_class(path);
        let mut uuids = UuidBindings::default();
        let found: Vec<(Vec<Leak>, String)> = log_calls(file, &is_logger)
            .into_iter()
            // A log that runs only in development reaches the developer's
            // own terminal.
            .filter(|call| !call.dev_only)
            .map(|call| {
                let leaks = call
                    .values
                    .iter()
                    .filter_map(|value| self.leak(value, src, &mut uuids))
                    .collect();
                (leaks, display_name(&call.written, &call.path))
            })
            .collect();
        let mut seen = HashSet::new();
        let lexical = found.iter().any(|(l, _)| !l.is_empty()) && mentions_lexing(src);
        // One finding per logging call, on its first leaked value, naming
        // every value it leaks.
        for (leaks, logger) in found {
            let leaks: Vec<Leak> = leaks
                .into_iter()
                .filter(|leak| {
                    let flagged = src.get(leak.span.clone()).unwrap_or_default();
                    !(lexical && words(flagged.trim_matches(['"', '\'', '`'])) == ["token"])
                        && seen.insert(leak.span.clone())
                })
                .collect();
            let Some((first, rest)) = leaks.split_first() else {
                continue;
            };
            let mut names: Vec<&str> = vec![first.name.as_str()];
            for leak in rest {
                if !names.contains(&leak.name.as_str()) {
                    names.push(&leak.name);
                }
            }
            let mut report = Report::at(first.span.clone())
                .var("name", names.join("`, `"))
                .var("logger", logger)
                .label("credential-like value logged here");
            for leak in rest {
                report = report.secondary(leak.span.clone(), "also logged here");
            }
            out.report(report);
        }
    }
}

impl SensitiveLogCheck {
    /// The credential a logged value leaks, if its name makes it one.
    fn leak(&self, value: &LoggedValue, src: &str, uuids: &mut UuidBindings) -> Option<Leak> {
        if value
            .label
            .as_deref()
            .is_some_and(|l| self.label_disowns(l))
        {
            return None;
        }
        let (name, span) = match &value.reach {
            Reach::Name { scope } => {
                let uuid = scope
                    .as_ref()
                    .is_some_and(|s| uuids.binds(src, s, &value.name));
                if !self.names.is_match(&value.name) || uuid {
                    return None;
                }
                (&value.name, &value.span)
            }
            Reach::Property { holder, value_of } => {
                if self.names.is_match(&value.name) {
                    if holder_disqualifies(holder) {
                        return None;
                    }
                    (&value.name, &value.span)
                } else {
                    let (name, span) = value_of.as_ref()?;
                    if !self.names.is_match(name) {
                        return None;
                    }
                    (name, span)
                }
            }
            Reach::Key => {
                if !is_identifier_like(&value.name) || !self.names.is_match(&value.name) {
                    return None;
                }
                (&value.name, &value.span)
            }
        };
        let expression = src.get(value.expression.clone()).unwrap_or_default();
        Some(Leak {
            span: span.clone(),
            name: display_name(expression, name),
        })
    }
}

impl SensitiveLogCheck {
    /// Whether the key a value is logged under says it is not the secret:
    /// `{ credentialId: credential }`, `token_type=token`, `id: token`.
    /// The author named the field; the value's own name is often reused
    /// for an id or a record (`const { credential } = body` holding an id).
    fn label_disowns(&self, label: &str) -> bool {
        if !is_identifier_like(label) {
            return false;
        }
        self.names.names_an_attribute(label)
            || words(label)
                .last()
                .is_some_and(|w| IDENTIFIER_WORDS.contains(&w.as_str()))
    }
}

/// Whether a callee is a class (`logging.LogRecord`, `logging.Formatter`):
/// calling it builds an object, it logs nothing. A Rust macro is not one.
fn names_a_class(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    !path.ends_with('!') && last.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a file tokenizes text (a lexer, a parser, NLP code) or streams
/// a language model's output (LangChain's `handleLLMNewToken(token)`,
/// `for await (const token of stream)`), where a bare `token` is a piece
/// of text, not a credential.
fn mentions_lexing(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    [
        "tokeniz",
        "lexer",
        "nltk",
        "spacy",
        "llmnewtoken",
        "llm_new_token",
        "textiteratorstreamer",
    ]
    .iter()
    .any(|w| lower.contains(w))
        || lower
            .lines()
            .any(|line| draws_from_a_token_queue(line) || reads_a_token_stream(line))
}

/// `for await (const token of stream)`, `for token in streamer:`: each
/// `token` a stream of model output yields.
fn reads_a_token_stream(line: &str) -> bool {
    let line = line.trim_start();
    let rest = line
        .strip_prefix("for await (const token of ")
        .or_else(|| line.strip_prefix("for (const token of "))
        .or_else(|| line.strip_prefix("for await (let token of "))
        .or_else(|| line.strip_prefix("for token in "))
        .or_else(|| line.strip_prefix("async for token in "));
    rest.is_some_and(|rest| rest.contains("stream") || rest.contains("chunks"))
}

/// `token = self._tokens.pop(0)`, `token = tokens[i]`: a bare `token`
/// taken off a queue or list of tokens, as a parser does.
fn draws_from_a_token_queue(line: &str) -> bool {
    let Some(value) = line.trim_start().strip_prefix("token = ") else {
        return false;
    };
    value.contains("tokens.pop(") || value.contains("tokens.shift(") || value.contains("tokens[")
}

#[cfg(test)]
mod tests;
