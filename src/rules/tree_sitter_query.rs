//! The `tree-sitter-query` rule kind: the escape hatch for a pattern no
//! other kind covers, written as a raw tree-sitter query.

use regex::Regex;
use serde::Deserialize;

use crate::lang::query::{CaptureQuery, QueryPart};
use crate::lang::{Family, Language, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Runs a [tree-sitter query](https://tree-sitter.github.io/tree-sitter/using-parsers/queries/)
    /// over every file of one language and reports one capture of each
    /// match. The query's own predicates (`#eq?`, `#match?`, `#any-of?`,
    /// `#not-eq?`…) are honoured, and `matches` / `not_matches` filter the
    /// reported capture's text with a regular expression. The message may
    /// use `{text}` (the captured text, first line only) and `{capture}`.
    ///
    /// The query is compiled when the configuration is read: a query that
    /// does not compile is a configuration error labelled at the offending
    /// spot of the query text.
    ///
    /// Queries run on the grammars plumbline parses with: TypeScript for
    /// `.ts`/`.mts`/`.cts`, TSX for `.tsx` and all JavaScript, and Python.
    ///
    /// ## Why is this bad?
    /// It depends on the rule: this kind lets a team forbid a shape of code
    /// that is specific to its own architecture, with the same suppressions,
    /// reports and hooks as every built-in rule.
    ///
    /// ## Example
    /// ```toml
    /// [[rule]]
    /// id = "no-direct-stripe-client"
    /// kind = "tree-sitter-query"
    /// message = "`new Stripe(…)` outside the payments service"
    /// help = "import the client from @acme/payments"
    /// [rule.options]
    /// language = "typescript"
    /// query = '(new_expression constructor: (identifier) @ctor (#eq? @ctor "Stripe")) @new'
    /// capture = "new"
    /// literals = ["Stripe"]
    /// ```
    ///
    /// flags
    ///
    /// ```ts
    /// const stripe = new Stripe(process.env.STRIPE_KEY!);
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// import { stripe } from '@acme/payments';
    /// ```
    ///
    /// ## Options
    /// - `language`: `"typescript"` (also applies to `.tsx` and JavaScript
    ///   files, compiled for each grammar), `"tsx"`, `"javascript"` (JS and
    ///   JSX files) or `"python"`.
    /// - `query`: the tree-sitter query (S-expression syntax).
    /// - `capture`: the capture to report, without `@`; may be left out when
    ///   the query has exactly one capture.
    /// - `matches`: a regular expression the captured text must match.
    /// - `not_matches`: a regular expression the captured text must not match.
    /// - `literals`: words at least one of which a file must contain
    ///   (case-insensitively) to be parsed at all. Without it every file of
    ///   the language is parsed, which is slower; give the most specific word
    ///   the pattern needs.
    pub struct TreeSitterQuery;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "language",
        description: "\"typescript\", \"tsx\", \"javascript\" or \"python\".",
    },
    OptionDoc {
        name: "query",
        description: "The tree-sitter query.",
    },
    OptionDoc {
        name: "capture",
        description: "The capture to report (optional when the query has one capture).",
    },
    OptionDoc {
        name: "matches",
        description: "Regular expression the captured text must match.",
    },
    OptionDoc {
        name: "not_matches",
        description: "Regular expression the captured text must not match.",
    },
    OptionDoc {
        name: "literals",
        description: "Prefilter words; a file containing none is never parsed.",
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    language: String,
    query: String,
    #[serde(default)]
    capture: Option<String>,
    #[serde(default)]
    matches: Option<String>,
    #[serde(default)]
    not_matches: Option<String>,
    #[serde(default)]
    literals: Vec<String>,
}

impl Kind for TreeSitterQuery {
    fn id(&self) -> &'static str {
        "tree-sitter-query"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        let languages: &[Language] = match options.language.as_str() {
            "typescript" => &[Language::TypeScript, Language::Tsx, Language::JavaScript],
            "tsx" => &[Language::Tsx],
            "javascript" => &[Language::JavaScript],
            "python" => &[Language::Python],
            other => {
                return Err(OptionError::new(
                    "language",
                    format!(
                        "unknown language `{other}`; use typescript, tsx, javascript or python"
                    ),
                ))
            }
        };
        let query = CaptureQuery::compile(
            &options.language,
            languages,
            &options.query,
            options.capture.as_deref(),
        )
        .map_err(|e| {
            let option = match e.part {
                QueryPart::Query => "query",
                QueryPart::Capture => "capture",
            };
            let error = OptionError::new(option, e.message);
            match e.offset {
                Some(offset) => error.at_offset(offset),
                None => error,
            }
        })?;
        let regex =
            |option: &str, pattern: &Option<String>| -> Result<Option<Regex>, OptionError> {
                pattern
                    .as_deref()
                    .map(|p| {
                        Regex::new(p).map_err(|e| {
                            OptionError::new(option, format!("invalid regular expression: {e}"))
                        })
                    })
                    .transpose()
            };
        if options.literals.iter().any(|l| l.trim().is_empty()) {
            return Err(OptionError::new("literals", "literals must not be empty"));
        }
        Ok(Box::new(QueryCheck {
            matches: regex("matches", &options.matches)?,
            not_matches: regex("not_matches", &options.not_matches)?,
            query,
            literals: options.literals,
        }))
    }
}

struct QueryCheck {
    query: CaptureQuery,
    matches: Option<Regex>,
    not_matches: Option<Regex>,
    literals: Vec<String>,
}

impl Check for QueryCheck {
    /// The user's `literals`; without them every file of the language
    /// is checked (an empty path glob set would never trigger).
    fn literals(&self) -> Vec<String> {
        self.literals.clone()
    }

    fn path_triggers(&self) -> Vec<String> {
        if !self.literals.is_empty() {
            return Vec::new();
        }
        let mut globs = Vec::new();
        for language in self.query.languages() {
            let extensions: &[&str] = match language {
                Language::TypeScript => &["ts", "mts", "cts"],
                Language::Tsx => &["tsx"],
                Language::JavaScript => &["js", "jsx", "mjs", "cjs"],
                Language::Python => &["py", "pyi"],
                _ => &[],
            };
            globs.extend(extensions.iter().map(|e| format!("**/*.{e}")));
        }
        globs
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let src = file.text();
        for range in self.query.captures(file) {
            let text = crate::source::slice(src, range.clone());
            if self.matches.as_ref().is_some_and(|r| !r.is_match(text))
                || self.not_matches.as_ref().is_some_and(|r| r.is_match(text))
            {
                continue;
            }
            let first_line = text.lines().next().unwrap_or_default();
            out.report(
                Report::at(range)
                    .var("text", first_line.to_string())
                    .var("capture", self.query.capture().to_string()),
            );
        }
    }
}

#[cfg(test)]
mod tests;
