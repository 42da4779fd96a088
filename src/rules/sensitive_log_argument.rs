//! The `sensitive-log-argument` rule kind: a value named like a credential
//! handed to a logging call.

use crate::lang::tree::NodeExt;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use proc_macro2::{Spacing, TokenStream, TokenTree};
use serde::Deserialize;
use tree_sitter::Node;

use crate::lang::tree::{named_children, text, walk_with_path, NameGlob};
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};
use crate::roles::SkipRoles;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
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
    /// the condition of `console.assert`. In a file that tokenizes text (it
    /// mentions a tokenizer, a lexer, NLTK or spaCy) a bare `token` is a
    /// piece of text and is not flagged; `apiToken` still is. Test files
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

/// Patterns over logging callees.
struct Loggers {
    patterns: Vec<String>,
    globs: Vec<NameGlob>,
}

impl Loggers {
    fn new(patterns: &[String]) -> Result<Loggers, OptionError> {
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

    fn is_match(&self, path: &str) -> bool {
        let path = normalize_path(path).to_lowercase();
        self.globs.iter().any(|g| g.is_match(&path))
    }

    /// The longest name-like run of each pattern: a file with a logging call
    /// contains one of them. Empty when some pattern has none worth matching.
    fn literals(&self) -> Vec<String> {
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
struct SensitiveNames {
    names: Vec<Vec<String>>,
}

/// First words that make a name a question or an action about the value
/// (`hasToken`, `isSecretSet`, `getToken`, `validateApiKey`), not the value.
const NOT_A_VALUE_FIRST: &[&str] = &[
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
const NOT_A_SECRET_QUALIFIERS: &[&str] = &[
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
];

/// Whether the object a property is read from says the property is not a
/// credential: `coupon.token` is a coupon code, `parser.token` a piece of
/// text, `limiter.token` a place in a queue.
fn holder_disqualifies(holder: &str) -> bool {
    words(holder)
        .last()
        .is_some_and(|w| NOT_A_SECRET_QUALIFIERS.contains(&w.as_str()))
}

impl SensitiveNames {
    fn new(names: &[String]) -> Result<SensitiveNames, OptionError> {
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
    fn literals(&self) -> Vec<String> {
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
    fn spellings(&self) -> Vec<String> {
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

    /// Whether an identifier, property or string key names a credential.
    fn is_match(&self, identifier: &str) -> bool {
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
fn words(identifier: &str) -> Vec<String> {
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

/// The credential-named values one logging call receives, and the logger's
/// name as written.
type LoggedCall = (Vec<Leak>, String);

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
        let found = match file.language.family() {
            Family::Js | Family::Python => {
                let Some(tree) = file.tree() else { return };
                let python = file.language.family() == Family::Python;
                let mut found = Vec::new();
                // The Python functions around the visited node, with their
                // depths: asking each call for its enclosing function would
                // climb the tree once per call, and tree-sitter finds each
                // parent by a walk down from the root (quadratic in nesting).
                let mut functions: Vec<(usize, Node<'_>)> = Vec::new();
                walk_with_path(tree.root_node(), "binary_operator", |path| {
                    let node = path.node();
                    if python {
                        let depth = path.depth();
                        while functions.last().is_some_and(|&(d, _)| d >= depth) {
                            functions.pop();
                        }
                        if node.kind_str() == "function_definition" {
                            functions.push((depth, node));
                        }
                        let scope = functions.last().map(|&(_, function)| function);
                        self.py_call(node, scope, src, &mut found);
                    } else {
                        self.js_call(node, src, &mut found);
                    }
                    true
                });
                found
            }
            Family::Rust => {
                let Some(syntax) = file.rust().file() else {
                    return;
                };
                let mut visitor = RustLogs {
                    check: self,
                    src,
                    found: Vec::new(),
                };
                syn::visit::Visit::visit_file(&mut visitor, syntax);
                visitor.found
            }
            _ => return,
        };
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

/// Whether a callee is a class (`logging.LogRecord`, `logging.Formatter`):
/// calling it builds an object, it logs nothing.
fn names_a_class(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.chars().next().is_some_and(char::is_uppercase)
}

/// Whether the function around `node` makes `name` a UUID (`name = uuid4()`,
/// `name: UUID`): a generated id, however it is named.
fn py_bound_to_uuid(scope: Option<Node<'_>>, name: &str, src: &str) -> bool {
    let Some(scope) = scope else { return false };
    // Each function's UUID-bound names are read once per file: a large
    // function with many logged names must not be re-read per name.
    thread_local! {
        static BOUND: std::cell::RefCell<(usize, usize, HashMap<usize, HashSet<String>>)> =
            std::cell::RefCell::new((0, 0, HashMap::new()));
    }
    BOUND.with(|bound| {
        let mut bound = bound.borrow_mut();
        let file = (src.as_ptr() as usize, src.len());
        if (bound.0, bound.1) != file {
            *bound = (file.0, file.1, HashMap::new());
        }
        bound
            .2
            .entry(scope.start_byte())
            .or_insert_with(|| uuid_bound_names(text(scope, src)))
            .contains(name)
    })
}

/// Names a function body binds to a UUID: `x = uuid4()`, `x = uuid.uuid4()`,
/// `x = str(uuid4())`, `x = str(uuid.uuid4())`, `x: UUID`, `x: uuid.UUID`.
fn uuid_bound_names(body: &str) -> HashSet<String> {
    let body: String = body.split_whitespace().collect();
    let mut names = HashSet::new();
    for binding in [
        "=uuid4()",
        "=uuid.uuid4()",
        "=str(uuid4())",
        "=str(uuid.uuid4())",
        ":UUID",
        ":uuid.UUID",
    ] {
        for (i, _) in body.match_indices(binding) {
            let before = crate::source::slice(&body, 0..i);
            let name: String = before
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let qualified = crate::source::slice(before, 0..before.len() - name.len())
                .chars()
                .next_back()
                .is_some_and(|c| c == '.');
            if !name.is_empty() && !qualified {
                names.insert(name);
            }
        }
    }
    names
}

/// Whether a file tokenizes text (a lexer, a parser, NLP code), where a
/// bare `token` is a piece of text, not a credential.
fn mentions_lexing(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    ["tokeniz", "lexer", "nltk", "spacy"]
        .iter()
        .any(|w| lower.contains(w))
}

/// A readable name for a flagged expression: its source text when it is
/// short and on one line, else the identifier alone.
fn display_name(expression: &str, identifier: &str) -> String {
    let compact: String = expression.split_whitespace().collect();
    if compact.len() <= 60 && !compact.is_empty() {
        compact
    } else {
        identifier.to_string()
    }
}

// ---------------------------------------------------------------------------
// TypeScript / JavaScript

/// `console.log` style path of a callee, with `()` for calls along the way,
/// or `None` for computed callees.
fn js_path(node: Node<'_>, src: &str) -> Option<String> {
    let node = ts::unwrap_expression(node);
    match node.kind_str() {
        "identifier" => Some(text(node, src).to_string()),
        "this" | "super" => Some(node.kind_str().to_string()),
        "member_expression" => {
            let object = js_path(node.field("object")?, src)?;
            let property = node.field("property")?;
            Some(format!("{object}.{}", text(property, src)))
        }
        "call_expression" => Some(format!("{}()", js_path(node.field("function")?, src)?)),
        _ => None,
    }
}

impl SensitiveLogCheck {
    /// `token.value`: the credential is the holder's value, labelled on the
    /// holder's name.
    fn holder_of_value(
        &self,
        member: Node<'_>,
        object_field: &str,
        property_field: &str,
        src: &str,
        out: &mut Vec<Leak>,
    ) {
        let Some(mut holder) = member.child_by_field_name(object_field) else {
            return;
        };
        if holder.kind_str() != "identifier" {
            match holder.child_by_field_name(property_field) {
                Some(p) => holder = p,
                None => return,
            }
        }
        let name = text(holder, src);
        if self.names.is_match(name) {
            out.push(Leak {
                span: holder.byte_range(),
                name: display_name(text(member, src), name),
            });
        }
    }
}

/// Calls that hand their argument on unchanged.
const JS_TRANSPARENT_CALLS: &[&str] = &["JSON.stringify", "String", "util.inspect", "inspect"];
/// Methods that return their receiver's value unchanged (as text).
const JS_TRANSPARENT_METHODS: &[&str] = &["toString", "toJSON", "valueOf", "trim"];

impl SensitiveLogCheck {
    fn js_call(&self, node: Node<'_>, src: &str, found: &mut Vec<LoggedCall>) {
        if node.kind_str() != "call_expression" {
            return;
        }
        let (Some(function), Some(arguments)) = (node.field("function"), node.field("arguments"))
        else {
            return;
        };
        if arguments.kind_str() != "arguments" {
            return;
        }
        let Some(path) = js_path(function, src) else {
            return;
        };
        if !self.loggers.is_match(&path) || names_a_class(&path) {
            return;
        }
        let mut args: Vec<Node<'_>> = named_children(arguments)
            .into_iter()
            .filter(|a| a.kind_str() != "comment")
            .collect();
        if path.ends_with(".assert") && !args.is_empty() {
            // `console.assert(condition, ...data)`: the condition is tested,
            // not printed.
            args.remove(0);
        }
        let mut leaks = Vec::new();
        for arg in args {
            self.js_leaks(arg, src, &mut leaks);
        }
        let logger = display_name(text(function, src), &path);
        found.push((leaks, logger));
    }

    fn js_leaks(&self, node: Node<'_>, src: &str, out: &mut Vec<Leak>) {
        let node = ts::unwrap_expression(node);
        match node.kind_str() {
            "identifier" | "shorthand_property_identifier" => {
                let name = text(node, src);
                if self.names.is_match(name) {
                    out.push(Leak {
                        span: node.byte_range(),
                        name: name.to_string(),
                    });
                }
            }
            "member_expression" => {
                let Some(property) = node.field("property") else {
                    return;
                };
                let name = text(property, src);
                let holder = node.field("object").map_or("", |o| text(o, src));
                if self.names.is_match(name) {
                    if !holder_disqualifies(holder) {
                        out.push(Leak {
                            span: property.byte_range(),
                            name: display_name(text(node, src), name),
                        });
                    }
                } else if name == "value" {
                    // `token.value` (a cookie, an env binding, a ref)
                    self.holder_of_value(node, "object", "property", src, out);
                }
            }
            "subscript_expression" => {
                if let Some(index) = node.field("index") {
                    self.js_key(node, index, src, out);
                }
            }
            "template_string" => {
                for child in named_children(node) {
                    if child.kind_str() == "template_substitution" {
                        if let Some(inner) = child.named_child(0) {
                            self.js_leaks(inner, src, out);
                        }
                    }
                }
            }
            "binary_expression" => {
                let operator = node.field("operator").map_or("", |o| text(o, src));
                let (left, right) = (node.field("left"), node.field("right"));
                let sides = match operator {
                    "+" | "||" | "??" => vec![left, right],
                    // `token && 'set'` yields `'set'` when there is a token.
                    "&&" => vec![right],
                    _ => Vec::new(),
                };
                for side in sides.into_iter().flatten() {
                    self.js_leaks(side, src, out);
                }
            }
            "ternary_expression" => {
                for field in ["consequence", "alternative"] {
                    if let Some(branch) = node.child_by_field_name(field) {
                        self.js_leaks(branch, src, out);
                    }
                }
            }
            "object" => {
                for member in named_children(node) {
                    match member.kind_str() {
                        "pair" => {
                            if let Some(value) = member.field("value") {
                                self.js_leaks(value, src, out);
                            }
                        }
                        "shorthand_property_identifier" => self.js_leaks(member, src, out),
                        "spread_element" => {
                            if let Some(inner) = member.named_child(0) {
                                self.js_leaks(inner, src, out);
                            }
                        }
                        _ => {}
                    }
                }
            }
            "array" => {
                for item in named_children(node) {
                    let item = if item.kind_str() == "spread_element" {
                        match item.named_child(0) {
                            Some(i) => i,
                            None => continue,
                        }
                    } else {
                        item
                    };
                    self.js_leaks(item, src, out);
                }
            }
            "call_expression" => self.js_call_value(node, src, out),
            _ => {}
        }
    }

    /// A call inside the arguments: only wrappers that keep the value
    /// (`JSON.stringify(creds)`, `token.toString()`) and reads by a literal
    /// key (`params.get('token')`) count.
    fn js_call_value(&self, node: Node<'_>, src: &str, out: &mut Vec<Leak>) {
        let Some(call) = ts::call(node) else { return };
        let Some(path) = node.field("function").and_then(|f| js_path(f, src)) else {
            return;
        };
        let method = text(call.name, src);
        if JS_TRANSPARENT_CALLS.contains(&path.as_str()) {
            if let Some(first) = call.args.first() {
                self.js_leaks(*first, src, out);
            }
        } else if let Some(receiver) = call.receiver {
            if JS_TRANSPARENT_METHODS.contains(&method) && call.args.is_empty() {
                self.js_leaks(receiver, src, out);
            } else if method == "get" && call.args.len() == 1 {
                self.js_key(node, call.args[0], src, out);
            }
        }
    }

    /// A read by a literal key (`data['access_token']`, `env.get('API_KEY')`).
    fn js_key(&self, whole: Node<'_>, key: Node<'_>, src: &str, out: &mut Vec<Leak>) {
        let Some(lit) = ts::string_literal(key, src) else {
            return;
        };
        if lit.is_static() && is_identifier_like(&lit.value) && self.names.is_match(&lit.value) {
            out.push(Leak {
                span: lit.span.clone(),
                name: display_name(text(whole, src), &lit.value),
            });
        }
    }
}

fn is_identifier_like(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_')
}

// ---------------------------------------------------------------------------
// Python

fn py_path(node: Node<'_>, src: &str) -> Option<String> {
    let node = py::unwrap_expression(node);
    match node.kind_str() {
        "identifier" => Some(text(node, src).to_string()),
        "attribute" => {
            let object = py_path(node.field("object")?, src)?;
            let attribute = node.field("attribute")?;
            Some(format!("{object}.{}", text(attribute, src)))
        }
        "call" => Some(format!("{}()", py_path(node.field("function")?, src)?)),
        _ => None,
    }
}

const PY_TRANSPARENT_CALLS: &[&str] = &["str", "repr", "json.dumps", "pformat", "pprint.pformat"];
/// Methods that return the receiver's secret as it is (pydantic's
/// `SecretStr.get_secret_value()`).
const PY_TRANSPARENT_METHODS: &[&str] = &["get_secret_value", "strip", "decode"];
const PY_ENV_READS: &[&str] = &["os.getenv", "getenv", "os.environ.get", "environ.get"];

impl SensitiveLogCheck {
    /// A logging call's leaks; `scope` is the function around `node`.
    fn py_call<'t>(
        &self,
        node: Node<'t>,
        scope: Option<Node<'t>>,
        src: &str,
        found: &mut Vec<LoggedCall>,
    ) {
        let Some(call) = py::call(node) else { return };
        let Some(path) = node.field("function").and_then(|f| py_path(f, src)) else {
            return;
        };
        if !self.loggers.is_match(&path) || names_a_class(&path) {
            return;
        }
        let mut leaks = Vec::new();
        for arg in call.args {
            self.py_leaks(arg, src, scope, &mut leaks);
        }
        for (_, value) in call.kwargs {
            self.py_leaks(value, src, scope, &mut leaks);
        }
        let logger = node
            .field("function")
            .map_or_else(|| path.clone(), |f| display_name(text(f, src), &path));
        found.push((leaks, logger));
    }

    fn py_leaks(&self, node: Node<'_>, src: &str, scope: Option<Node<'_>>, out: &mut Vec<Leak>) {
        let node = py::unwrap_expression(node);
        match node.kind_str() {
            "identifier" => {
                let name = text(node, src);
                if self.names.is_match(name) && !py_bound_to_uuid(scope, name, src) {
                    out.push(Leak {
                        span: node.byte_range(),
                        name: name.to_string(),
                    });
                }
            }
            "attribute" => {
                let Some(attribute) = node.field("attribute") else {
                    return;
                };
                let name = text(attribute, src);
                let holder = node.field("object").map_or("", |o| text(o, src));
                if self.names.is_match(name) {
                    if !holder_disqualifies(holder) {
                        out.push(Leak {
                            span: attribute.byte_range(),
                            name: display_name(text(node, src), name),
                        });
                    }
                } else if name == "value" {
                    self.holder_of_value(node, "object", "attribute", src, out);
                }
            }
            "subscript" => {
                let subscripts: Vec<Node<'_>> = {
                    let mut cursor = node.walk();
                    node.children_by_field_name("subscript", &mut cursor)
                        .collect()
                };
                if let [key] = subscripts.as_slice() {
                    self.py_key(node, *key, src, out);
                }
            }
            "string" => {
                for child in named_children(node) {
                    if child.kind_str() == "interpolation" {
                        if let Some(expression) = child.field("expression") {
                            self.py_leaks(expression, src, scope, out);
                        }
                    }
                }
            }
            "concatenated_string" => {
                for child in named_children(node) {
                    self.py_leaks(child, src, scope, out);
                }
            }
            "binary_operator" => {
                let operator = node.field("operator").map_or("", |o| text(o, src));
                let right = node.field("right");
                let sides = match operator {
                    "+" => vec![node.field("left"), right],
                    // `"token=%s" % token`
                    "%" => vec![right],
                    _ => Vec::new(),
                };
                for side in sides.into_iter().flatten() {
                    self.py_leaks(side, src, scope, out);
                }
            }
            "boolean_operator" => {
                let operator = node.field("operator").map_or("", |o| text(o, src));
                let sides = match operator {
                    "or" => vec![node.field("left"), node.field("right")],
                    "and" => vec![node.field("right")],
                    _ => Vec::new(),
                };
                for side in sides.into_iter().flatten() {
                    self.py_leaks(side, src, scope, out);
                }
            }
            "conditional_expression" => {
                let parts = named_children(node);
                for branch in [parts.first(), parts.get(2)].into_iter().flatten() {
                    self.py_leaks(*branch, src, scope, out);
                }
            }
            "tuple" | "list" | "set" | "expression_list" => {
                for item in named_children(node) {
                    self.py_leaks(item, src, scope, out);
                }
            }
            "list_splat" | "dictionary_splat" => {
                if let Some(inner) = node.named_child(0) {
                    self.py_leaks(inner, src, scope, out);
                }
            }
            "dictionary" => {
                for member in named_children(node) {
                    match member.kind_str() {
                        "pair" => {
                            if let Some(value) = member.field("value") {
                                self.py_leaks(value, src, scope, out);
                            }
                        }
                        "dictionary_splat" => self.py_leaks(member, src, scope, out),
                        _ => {}
                    }
                }
            }
            "call" => self.py_call_value(node, src, scope, out),
            _ => {}
        }
    }

    fn py_call_value(
        &self,
        node: Node<'_>,
        src: &str,
        scope: Option<Node<'_>>,
        out: &mut Vec<Leak>,
    ) {
        let Some(call) = py::call(node) else { return };
        let path = node.field("function").and_then(|f| py_path(f, src));
        let method = text(call.name, src);
        if path
            .as_deref()
            .is_some_and(|p| PY_TRANSPARENT_CALLS.contains(&p))
        {
            if let Some(first) = call.args.first() {
                self.py_leaks(*first, src, scope, out);
            }
            return;
        }
        if path.as_deref().is_some_and(|p| PY_ENV_READS.contains(&p))
            || (method == "get" && call.receiver.is_some())
        {
            if let Some(first) = call.args.first() {
                self.py_key(node, *first, src, out);
            }
            return;
        }
        if PY_TRANSPARENT_METHODS.contains(&method) && call.args.is_empty() {
            if let Some(receiver) = call.receiver {
                self.py_leaks(receiver, src, scope, out);
            }
            return;
        }
        // `"token={}".format(token)`
        if method == "format"
            && call
                .receiver
                .is_some_and(|r| matches!(r.kind_str(), "string" | "concatenated_string"))
        {
            for arg in call.args {
                self.py_leaks(arg, src, scope, out);
            }
            for (_, value) in call.kwargs {
                self.py_leaks(value, src, scope, out);
            }
        }
    }

    fn py_key(&self, whole: Node<'_>, key: Node<'_>, src: &str, out: &mut Vec<Leak>) {
        let Some(lit) = py::string_literal(key, src) else {
            return;
        };
        if lit.is_static() && is_identifier_like(&lit.value) && self.names.is_match(&lit.value) {
            out.push(Leak {
                span: lit.span.clone(),
                name: display_name(text(whole, src), &lit.value),
            });
        }
    }
}

// ---------------------------------------------------------------------------
// Rust

struct RustLogs<'a> {
    check: &'a SensitiveLogCheck,
    src: &'a str,
    found: Vec<LoggedCall>,
}

impl<'ast> syn::visit::Visit<'ast> for RustLogs<'_> {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let path = macro_path(mac);
        if self.check.loggers.is_match(&path) {
            let mut leaks = Vec::new();
            self.check
                .rust_macro_args(mac.tokens.clone(), self.src, &mut leaks);
            self.found.push((leaks, path));
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn macro_path(mac: &syn::Macro) -> String {
    let segments: Vec<String> = mac
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    format!("{}!", segments.join("::"))
}

/// Methods that keep the value (as text or behind a reference).
const RUST_TRANSPARENT_METHODS: &[&str] = &[
    "to_string",
    "to_owned",
    "clone",
    "as_str",
    "as_ref",
    "as_deref",
    "expose_secret",
    "unwrap",
    "expect",
    "unwrap_or_default",
    "borrow",
    "deref",
];

impl SensitiveLogCheck {
    /// Reads the arguments of a format-style or logging macro: positional
    /// arguments, `name = value` (format args, tracing fields), `%value` /
    /// `?value` (tracing), `"key" => value` (slog), and `{name}` captured by
    /// the format string. `target:`/`parent:`/`name:` settings are skipped.
    fn rust_macro_args(&self, tokens: TokenStream, src: &str, out: &mut Vec<Leak>) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        for segment in
            tokens.split(|t| matches!(t, TokenTree::Punct(p) if matches!(p.as_char(), ',' | ';')))
        {
            if segment.is_empty() || is_setting(segment) {
                continue;
            }
            let mut value = value_part(segment);
            while let Some(TokenTree::Punct(p)) = value.first() {
                if matches!(p.as_char(), '%' | '?') {
                    value = &value[1..];
                } else {
                    break;
                }
            }
            match value {
                [] => {}
                [TokenTree::Literal(lit)] => self.rust_format_string(lit, out),
                _ => {
                    let stream: TokenStream = value.iter().cloned().collect();
                    if let Ok(expr) = syn::parse2::<syn::Expr>(stream) {
                        self.rust_leaks(&expr, src, out);
                    }
                }
            }
        }
    }

    /// `{token}` and `{token:?}` captured by a format string.
    fn rust_format_string(&self, lit: &proc_macro2::Literal, out: &mut Vec<Leak>) {
        let repr = lit.to_string();
        if !(repr.starts_with('"') || repr.starts_with("r\"") || repr.starts_with("r#")) {
            return;
        }
        let start = lit.span().byte_range().start;
        let bytes = repr.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'{' {
                i += 1;
                continue;
            }
            if bytes.get(i + 1) == Some(&b'{') {
                i += 2;
                continue;
            }
            let name_start = i + 1;
            let name_end = crate::source::slice(&repr, name_start..)
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .map_or(repr.len(), |n| name_start + n);
            let name = crate::source::slice(&repr, name_start..name_end);
            let closes = matches!(bytes.get(name_end), Some(b'}' | b':'));
            if closes
                && name.starts_with(|c: char| c.is_alphabetic() || c == '_')
                && self.names.is_match(name)
            {
                out.push(Leak {
                    span: start + name_start..start + name_end,
                    name: name.to_string(),
                });
            }
            i = name_end.max(i + 1);
        }
    }

    fn rust_leaks(&self, expr: &syn::Expr, src: &str, out: &mut Vec<Leak>) {
        use syn::Expr;
        match expr {
            Expr::Path(p) if p.qself.is_none() => {
                if let Some(last) = p.path.segments.last() {
                    let name = last.ident.to_string();
                    if self.names.is_match(&name) {
                        let whole = crate::lang::rust::node_range(p);
                        out.push(Leak {
                            span: last.ident.span().byte_range(),
                            name: display_name(src.get(whole).unwrap_or_default(), &name),
                        });
                    }
                }
            }
            Expr::Field(f) => {
                if let syn::Member::Named(ident) = &f.member {
                    let name = ident.to_string();
                    if self.names.is_match(&name) {
                        let whole = crate::lang::rust::node_range(f);
                        out.push(Leak {
                            span: ident.span().byte_range(),
                            name: display_name(src.get(whole).unwrap_or_default(), &name),
                        });
                    }
                }
            }
            Expr::Reference(r) => self.rust_leaks(&r.expr, src, out),
            Expr::Paren(p) => self.rust_leaks(&p.expr, src, out),
            Expr::Group(g) => self.rust_leaks(&g.expr, src, out),
            Expr::Try(t) => self.rust_leaks(&t.expr, src, out),
            Expr::Await(a) => self.rust_leaks(&a.base, src, out),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.rust_leaks(&u.expr, src, out)
            }
            Expr::Tuple(t) => {
                for e in &t.elems {
                    self.rust_leaks(e, src, out);
                }
            }
            Expr::Array(a) => {
                for e in &a.elems {
                    self.rust_leaks(e, src, out);
                }
            }
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                if RUST_TRANSPARENT_METHODS.contains(&method.as_str()) {
                    self.rust_leaks(&m.receiver, src, out);
                } else if method == "get" && m.args.len() == 1 {
                    self.rust_key(expr, &m.args[0], src, out);
                }
            }
            Expr::Call(c) => {
                let Expr::Path(func) = &*c.func else { return };
                let segments: Vec<String> = func
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
                match segments.as_slice() {
                    [.., "env" | "dotenv" | "dotenvy", "var"] if c.args.len() == 1 => {
                        self.rust_key(expr, &c.args[0], src, out)
                    }
                    [.., "String", "from"] | [.., "Cow", "from"] if c.args.len() == 1 => {
                        self.rust_leaks(&c.args[0], src, out)
                    }
                    _ => {}
                }
            }
            Expr::Index(i) => self.rust_key(expr, &i.index, src, out),
            Expr::Macro(m) => {
                let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
                if matches!(name.as_deref(), Some("format" | "format_args")) {
                    self.rust_macro_args(m.mac.tokens.clone(), src, out);
                }
            }
            _ => {}
        }
    }

    fn rust_key(&self, whole: &syn::Expr, key: &syn::Expr, src: &str, out: &mut Vec<Leak>) {
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = key
        else {
            return;
        };
        let value = s.value();
        if is_identifier_like(&value) && self.names.is_match(&value) {
            let whole = crate::lang::rust::node_range(whole);
            out.push(Leak {
                span: s.span().byte_range(),
                name: display_name(src.get(whole).unwrap_or_default(), &value),
            });
        }
    }
}

/// `target: "x"`, `parent: &span`, `name: "x"`: macro settings, not values.
fn is_setting(segment: &[TokenTree]) -> bool {
    matches!(
        segment,
        [TokenTree::Ident(_), TokenTree::Punct(colon), ..]
            if colon.as_char() == ':' && colon.spacing() == Spacing::Alone
    )
}

/// The value of `key = value` or `"key" => value`, else the whole segment.
fn value_part(segment: &[TokenTree]) -> &[TokenTree] {
    for (i, token) in segment.iter().enumerate() {
        let TokenTree::Punct(p) = token else { continue };
        let after_joint = i > 0
            && matches!(&segment[i - 1], TokenTree::Punct(prev) if prev.spacing() == Spacing::Joint);
        if p.as_char() == '=' && p.spacing() == Spacing::Alone && !after_joint {
            return &segment[i + 1..];
        }
        if p.as_char() == '=' && p.spacing() == Spacing::Joint {
            if let Some(TokenTree::Punct(gt)) = segment.get(i + 1) {
                if gt.as_char() == '>' {
                    return &segment[i + 2..];
                }
            }
        }
        if matches!(p.as_char(), '|' | '&' | '<') {
            // A closure or a comparison comes before any `key =`.
            break;
        }
    }
    segment
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Kind;

    const RULE: &str = "credential-in-log";

    /// `flagged text => message name` for each finding in one file.
    /// Every leaked value, the finding's own and those its call also leaks.
    fn flagged(path: &str, text: &str) -> Vec<String> {
        let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
        for f in crate::rules::lint_with_only(RULE, &[(path, text)]) {
            spans.push(f.span.clone());
            spans.extend(f.labels.iter().map(|l| l.span.clone()));
        }
        spans.sort_by_key(|s| s.start);
        spans.dedup();
        spans.into_iter().map(|s| text[s].to_string()).collect()
    }

    fn messages(path: &str, text: &str) -> Vec<String> {
        crate::rules::lint_with_only(RULE, &[(path, text)])
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    fn default_names() -> SensitiveNames {
        SensitiveNames::new(
            &[
                "token",
                "secret",
                "password",
                "credentials",
                "apiKey",
                "secretKey",
                "privateKey",
            ]
            .map(String::from),
        )
        .unwrap()
    }

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(words("accessToken"), ["access", "token"]);
        assert_eq!(words("refresh_token"), ["refresh", "token"]);
        assert_eq!(words("OPENAI_API_KEY"), ["openai", "api", "key"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("_clientSecret"), ["client", "secret"]);
        assert_eq!(words("#token"), ["token"]);
        assert_eq!(words("token2"), ["token"]);
        assert_eq!(words("oauth2Token"), ["oauth2", "token"]);
    }

    #[test]
    fn names_match_on_last_words() {
        let names = default_names();
        for yes in [
            "token",
            "accessToken",
            "refresh_token",
            "GITHUB_TOKEN",
            "clientSecret",
            "client_secret",
            "apiKey",
            "api_key",
            "apikey",
            "OPENAI_API_KEY",
            "stripeSecretKey",
            "AWS_SECRET_ACCESS_KEY_SECRET",
            "credentials",
            "newPassword",
            "PRIVATE_KEY",
            "_token",
            "idToken",
            "resetToken",
        ] {
            assert!(names.is_match(yes), "{yes}");
        }
        for no in [
            "tokens",
            "totalTokens",
            "maxTokens",
            "tokenCount",
            "token_type",
            "tokenExpiresAt",
            "hasToken",
            "isTokenValid",
            "getToken",
            "validateApiKey",
            "maskedToken",
            "redacted_secret",
            "hashedPassword",
            "passwordHash",
            "nextPageToken",
            "next_page_token",
            "csrfToken",
            "NEXT_PUBLIC_API_KEY",
            "publishableKey",
            "secretName",
            "credentialsPath",
            "private_key_id",
            "showPassword",
            "key",
            "tokenizer",
            "",
        ] {
            assert!(!names.is_match(no), "{no}");
        }
    }

    #[test]
    fn logger_patterns() {
        let loggers = Loggers::new(
            &[
                "console.*",
                "logger.*",
                "*.logger.*",
                "*.log.*",
                "print",
                "tracing::*!",
                "info!",
            ]
            .map(String::from),
        )
        .unwrap();
        for yes in [
            "console.log",
            "logger.info",
            "this.logger.warn",
            "this._logger.debug",
            "this.#logger.error",
            "self._logger.info",
            "LOGGER.info",
            "request.log.info",
            "logger.child().info",
            "print",
            "tracing::info!",
            "tracing::info_span!",
            "info!",
        ] {
            assert!(loggers.is_match(yes), "{yes}");
        }
        for no in [
            "Math.log",
            "blog.post",
            "changelog.push",
            "printf",
            "pprint",
            "info",
            "log::info!",
            "console",
            "dialog.open",
        ] {
            assert!(!loggers.is_match(no), "{no}");
        }
        assert_eq!(
            loggers.literals(),
            ["log", "info", "print", "console", "tracing"]
        );
    }

    #[test]
    fn prefilter_literals() {
        assert_eq!(
            default_names().literals(),
            [
                "token",
                "secret",
                "apikey",
                "api_key",
                "password",
                "privatekey",
                "credentials",
                "private_key"
            ]
        );
    }

    #[test]
    fn options_are_validated() {
        let compile = |text: &str| {
            SensitiveLogArgument
                .compile(&toml::from_str(text).unwrap())
                .err()
                .and_then(|e| e.option)
        };
        assert_eq!(
            compile("loggers = []\nnames = ['token']").as_deref(),
            Some("loggers")
        );
        assert_eq!(
            compile("loggers = ['*']\nnames = ['token']").as_deref(),
            Some("loggers")
        );
        assert_eq!(
            compile("loggers = ['console log']\nnames = ['token']").as_deref(),
            Some("loggers")
        );
        assert_eq!(
            compile("loggers = ['print']\nnames = []").as_deref(),
            Some("names")
        );
        assert_eq!(
            compile("loggers = ['print']\nnames = ['api-key']").as_deref(),
            Some("names")
        );
        assert_eq!(
            compile("loggers = ['print']\nnames = ['___']").as_deref(),
            Some("names")
        );
        assert_eq!(
            compile("loggers = ['print']\nnames = ['token']\nextra = 1").as_deref(),
            Some("extra")
        );
        assert!(compile("loggers = ['print', 'log::*!']\nnames = ['token']").is_none());
    }

    #[test]
    fn message_names_the_value_and_the_logger() {
        assert_eq!(
            messages("a.ts", "console.log('t', accessToken);"),
            ["`accessToken` is passed to `console.log`; secrets must not be logged"]
        );
        assert_eq!(
            messages("a.py", "logging.getLogger(__name__).info('%s', settings.api_key)"),
            ["`settings.api_key` is passed to `logging.getLogger(__name__).info`; secrets must not be logged"]
        );
    }

    #[test]
    fn js_values_reaching_the_logger() {
        let src = r#"
console.log(accessToken);
console.log(`token=${token}`);
console.log('a', { refreshToken, other: 1 });
console.log({ token: user.apiKey });
console.log({ ...credentials });
console.log([clientSecret]);
console.log('x' + session.access_token);
console.log(token || 'none', fallbackSecret ?? 'none');
console.log(ready ? token : 'none');
console.log(JSON.stringify(credentials));
console.log(String(password), secret.toString());
console.log(params.get('token'), data['refresh_token'], process.env.GITHUB_TOKEN);
console.log(this.#secret, this.apiKey!, (token as string));
console.log(token?.value, cookies.sessionToken.value, input.value, tokens.value);
logger.child({ token }).info('bound');
this.logger?.info(token);
req.log.warn(token);
logging.getLogger().info(token);
"#;
        assert_eq!(
            flagged("a.ts", src),
            [
                "accessToken",
                "token",
                "refreshToken",
                "apiKey",
                "credentials",
                "clientSecret",
                "access_token",
                "token",
                "fallbackSecret",
                "token",
                "credentials",
                "password",
                "secret",
                "'token'",
                "'refresh_token'",
                "GITHUB_TOKEN",
                "#secret",
                "apiKey",
                "token",
                "token",
                "sessionToken",
                "token",
                "token",
                "token",
                "token",
            ]
        );
    }

    #[test]
    fn js_values_that_do_not_reach_the_logger() {
        let src = r#"
console.log('token refreshed', "secret", `password reset for ${user}`);
console.log(token.length, token?.length, !!token, !token, typeof token);
console.log(token ? 'set' : 'missing', token && 'set', token === other, token != null);
console.log(mask(token), redact(apiKey), token.slice(0, 4), hash(secret), token.substring(2));
console.log({ hasToken: Boolean(token), tokenLength: token.length, token: '[REDACTED]' });
console.log(tokens, totalTokens, tokenCount, data.token_type, tokenExpiresAt);
console.assert(token, 'token missing');
console.log(tokens[0], params.get(name), data[key]);
fetch(url, { headers: { Authorization: `Bearer ${token}` } });
res.json({ accessToken });
Math.log(token);
notify.log(token);
"#;
        assert!(
            flagged("a.ts", src).is_empty(),
            "{:?}",
            flagged("a.ts", src)
        );
    }

    #[test]
    fn python_values_reaching_the_logger() {
        let src = r#"
print(token)
print(f"token={token!r} key={settings.api_key}")
logger.info("key %s", api_key)
logger.info("key %s" % client_secret)
logger.info("key %s" % (client_secret,))
log.info("refreshed", refresh_token=refresh_token)
logger.debug("cb", extra={"token": tokens["access_token"]})
print("a" + password)
print(token or "none")
print(token if ready else "none")
print(str(secret), repr(credentials), json.dumps(credentials))
print(os.getenv("OPENAI_API_KEY"), os.environ.get("GITHUB_TOKEN"), os.environ["STRIPE_SECRET_KEY"])
print("key {}".format(api_key))
self.logger.warning("x %s", self._client_secret)
logging.getLogger(__name__).info(token)
pprint(credentials)
sys.stderr.write(token)
logger.info("key %s", settings.openai_api_key.get_secret_value())
"#;
        assert_eq!(
            flagged("a.py", src),
            [
                "token",
                "token",
                "api_key",
                "api_key",
                "client_secret",
                "client_secret",
                "refresh_token",
                "\"access_token\"",
                "password",
                "token",
                "token",
                "secret",
                "credentials",
                "credentials",
                "\"OPENAI_API_KEY\"",
                "\"GITHUB_TOKEN\"",
                "\"STRIPE_SECRET_KEY\"",
                "api_key",
                "_client_secret",
                "token",
                "credentials",
                "token",
                "openai_api_key",
            ]
        );
    }

    #[test]
    fn python_values_that_do_not_reach_the_logger() {
        let src = r#"
print("token refreshed", "Using API key from env")
print(len(token), token[:4], bool(token), not token, token is None, token == other)
print("set" if token else "missing", token and "set")
logger.info("key: %s", redact(api_key))
logger.info("hash %s", hashlib.sha256(secret.encode()).hexdigest())
print(tokens, token_type, max_tokens, next_page_token, credentials_path)
logger.warning("Missing %s", "OPENAI_API_KEY")
print(f"{len(token)} chars")
requests.post(url, data={"refresh_token": refresh_token})
store.save(api_key=api_key)
"#;
        assert!(
            flagged("a.py", src).is_empty(),
            "{:?}",
            flagged("a.py", src)
        );
    }

    #[test]
    fn rust_values_reaching_the_logger() {
        let src = r#"
fn f(token: &str, cfg: &Config) {
    println!("token {token}");
    println!("token {token:?} {}", cfg.api_key);
    println!("{t}", t = token);
    eprintln!("{}", format!("{}", cfg.client_secret));
    dbg!(&cfg.password);
    info!(token, "bare field");
    info!(%token, ?cfg.credentials);
    tracing::info!(token = %token, user = %cfg.user, "authorized");
    tracing::warn!(target: "auth", secret = ?cfg.secret.expose_secret(), "x");
    log::debug!("key {}", cfg.api_key.clone());
    error!("env {}", std::env::var("GITHUB_TOKEN").unwrap());
    info!(logger, "x"; "token" => token);
}
"#;
        assert_eq!(
            flagged("a.rs", src),
            [
                "token",
                "token",
                "api_key",
                "token",
                "client_secret",
                "password",
                "token",
                "token",
                "credentials",
                "token",
                "secret",
                "api_key",
                "\"GITHUB_TOKEN\"",
                "token",
            ]
        );
    }

    #[test]
    fn rust_values_that_do_not_reach_the_logger() {
        let src = r#"
fn f(token: Option<&str>, cfg: &Config) {
    println!("token refreshed");
    println!("{{token}} is escaped");
    println!("{}", cfg.api_key.len());
    info!(has_token = token.is_some(), "state");
    info!(token = "[redacted]", "refreshed");
    info!("{}", token == other);
    let url = format!("https://x/?token={token}");
    assert!(token.is_some(), "{token:?}");
    tracing::info!(tokens = cfg.tokens.len(), max_tokens = cfg.max_tokens, "usage");
    my_log!(token);
}
"#;
        assert!(
            flagged("a.rs", src).is_empty(),
            "{:?}",
            flagged("a.rs", src)
        );
    }

    #[test]
    fn a_bare_token_in_lexing_code_is_text() {
        let nlp = "tokens = tokenizer.tokenize(text)\nfor token in tokens:\n    print(token)\nprint(api_token)\n";
        assert_eq!(flagged("nlp.py", nlp), ["api_token"]);
        let lexer =
            "const lexer = new Lexer(src);\nfor (const token of lexer) console.log(token);\n";
        assert!(flagged("lex.ts", lexer).is_empty());
    }

    #[test]
    fn a_string_mentioning_the_word_is_not_enough() {
        assert!(flagged("a.js", "console.log('token')").is_empty());
        assert!(flagged("a.py", "print('password')").is_empty());
    }
}
