//! The `hardcoded-secret` rule kind.

use crate::lang::tree::NodeExt;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use aho_corasick::AhoCorasick;
use globset::GlobSet;
use serde::Deserialize;
use tree_sitter::Node;

use crate::lang::tree::{self, StrLit, SUBSTITUTION};
use crate::lang::{python, typescript, Family, Language, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags string literals that hold a live credential, in TypeScript,
    /// JavaScript, Python and Rust code and in `.env`, JSON, YAML and TOML
    /// files, in two ways:
    ///
    /// - **Known formats**, anywhere in a string or config value: OpenAI
    ///   (`sk-…`, `sk-proj-…`), Anthropic (`sk-ant-…`), GitHub (`ghp_`,
    ///   `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), Slack (`xoxb-`,
    ///   `xoxp-`, `xoxa-`, `xapp-`), Google API keys (`AIza…`), Google OAuth
    ///   client secrets (`GOCSPX-…`) and access tokens (`ya29.…`), AWS key
    ///   ids (`AKIA…`, `ASIA…`), Stripe live keys (`sk_live_`, `rk_live_`)
    ///   and webhook secrets (`whsec_`), GitLab (`glpat-`), Hugging Face
    ///   (`hf_`), npm (`npm_`), SendGrid (`SG.…`), OpenRouter (`sk-or-v1-`),
    ///   Supabase secret keys (`sb_secret_…`) and service-role JWTs, and
    ///   `-----BEGIN … PRIVATE KEY-----` blocks. Each format checks the length
    ///   and alphabet of what follows its prefix, so `sk-...` or
    ///   `sk-your-key` never match.
    /// - **Credential-named values**: a string bound to a name matching
    ///   `names` (a variable, constant, assignment target, object or dict
    ///   key, keyword argument, class field, enum member, default
    ///   parameter, JSX attribute, header set with `headers.set(name, …)`
    ///   or Rust `.header(name, …)`, Rust `const`/`static`/`let` or struct
    ///   field, a config key, a `KEY=value` item, a Kubernetes or ECS
    ///   `name`/`value` pair, the default of `os.getenv("NAME", …)`,
    ///   `env::var("NAME").unwrap_or(…)` or `process.env.NAME ?? …`, the
    ///   argument of Rust `.bearer_auth(…)`) whose value looks random: at
    ///   least `min_length` printable characters without spaces (after an
    ///   `Authorization` scheme such as `Bearer `), both letters and digits,
    ///   8 distinct characters, a Shannon entropy of at least 3 bits per
    ///   character, not made of words in any case style (`my-app-secret`,
    ///   `ReviewSchema2Payload`, `HTTP_404`), not hex shorter than 128 bits
    ///   or a UUID (ids and hashes far more often than keys), not a typed
    ///   sequence or repeat (`abc123def456`, `a1b2c3d4`, `abcdabcd`), not a
    ///   URL, path, e-mail or `0x` address, not a publishable key
    ///   (`pk_live_…`, `phc_…`), and not base64 of readable placeholder text.
    ///   Names are identifiers or plain keys; a label such as
    ///   `AWS::ApiGateway::ApiKey` names nothing.
    ///
    /// Never flagged: placeholders (empty, `<your token>`, `sk-...`,
    /// `xxxx`, `****`, `${VAR}`, `{{ secrets.X }}`, `$VAR`, `%(x)s`, a
    /// value made of one repeated character, a run like `123456` or
    /// `abcdef`, or a value containing `your`, `example`, `dummy`, `fake`,
    /// `placeholder`, `test`, `sample`, `mock`, `changeme`, `replace`,
    /// `redacted`); random values under a name that calls them fake
    /// (`DEMO_TOKEN`, `exampleApiKey`); values read from the environment;
    /// comments, docstrings
    /// and type annotations; Rust `#[cfg(test)]` code; files matching
    /// `test_paths`; the environment files themselves (`environment_files`:
    /// `.env` and `.env*.local` are where secrets belong and are not
    /// committed, while `.env.example`, `.env.production` and other
    /// committed templates are scanned); Google browser keys (`AIza…`) in a
    /// Firebase web or Google services config or under a `public_names`
    /// variable; the `apiKey` of an Algolia DocSearch config (the public
    /// search-only key). Values under a `public_names` variable
    /// (`NEXT_PUBLIC_*`, `VITE_*`) ship to browsers by design, so only known
    /// formats are flagged there. In a Kubernetes `Secret` manifest, `data`
    /// values are base64-decoded before checking. Rust that syn cannot parse
    /// is read lexically, for known formats only.
    ///
    /// The message shows at most the format's prefix (`sk-ant-…REDACTED`) or
    /// the first characters of a credential-named value, and the secret's
    /// characters are masked with `*` in every output that shows source.
    ///
    /// ## Why is this bad?
    /// A credential in the repository is readable by everyone who can read
    /// the code, its forks, its CI logs and every agent working on it, and it
    /// stays in the history after it is deleted. It must be revoked, rotated
    /// and read from the environment or a secret manager instead.
    ///
    /// ## Example
    /// ```ts
    /// export const JWT_SECRET = 'q8Vt2mXr9LpK4wZ7nB3cY6dF';
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// export const JWT_SECRET = process.env.JWT_SECRET;
    /// ```
    ///
    /// ## Options
    /// - `names`: globs over identifier words, matched case-insensitively
    ///   whatever the spelling (`*_API_KEY` matches `OPENAI_API_KEY`,
    ///   `openaiApiKey`, `api-key`); `*` stands for any run of words,
    ///   including none, so `*_TOKEN` also matches `token`.
    /// - `ignore_names`: credential-like names that never hold a credential
    ///   (`*_PAGE_TOKEN`, `*_CSRF_TOKEN`).
    /// - `public_names`: names whose values ship to browsers by design
    ///   (`NEXT_PUBLIC_*`, `VITE_*`): only known formats are flagged there,
    ///   and not Google browser keys.
    /// - `formats`: the built-in formats to look for, by id (default all:
    ///   `openai`, `anthropic`, `openrouter`, `github`, `slack`,
    ///   `google-api-key`, `google-oauth`, `aws`, `stripe`, `gitlab`,
    ///   `huggingface`, `npm`, `sendgrid`, `supabase`, `private-key`).
    /// - `prefixes`: extra token prefixes of your own providers
    ///   (`["acme_live_"]`): the prefix followed by at least 20 random
    ///   letters, digits, `_` or `-` is a credential.
    /// - `min_length`: the shortest credential-named value that can count as
    ///   random (default 16).
    /// - `test_paths`: globs of test and fixture files, never checked.
    /// - `environment_files`: globs of the environment files themselves,
    ///   never checked.
    pub struct HardcodedSecret;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "names",
        description: "globs over identifier words naming credentials (`*_API_KEY`)",
    },
    OptionDoc {
        name: "ignore_names",
        description: "credential-like names that never hold a credential",
    },
    OptionDoc {
        name: "public_names",
        description: "names whose values ship to browsers by design: only known formats count",
    },
    OptionDoc {
        name: "formats",
        description: "ids of the built-in credential formats to look for",
    },
    OptionDoc {
        name: "prefixes",
        description: "extra token prefixes of your own providers",
    },
    OptionDoc {
        name: "min_length",
        description: "shortest credential-named value that can count as random",
    },
    OptionDoc {
        name: "test_paths",
        description: "globs of test and fixture files, never checked",
    },
    OptionDoc {
        name: "environment_files",
        description: "globs of the environment files themselves (`.env`), never checked",
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    names: Vec<String>,
    #[serde(default)]
    ignore_names: Vec<String>,
    #[serde(default)]
    public_names: Vec<String>,
    #[serde(default)]
    formats: Option<Vec<String>>,
    #[serde(default)]
    prefixes: Vec<String>,
    #[serde(default = "default_min_length")]
    min_length: usize,
    #[serde(default)]
    test_paths: Vec<String>,
    #[serde(default)]
    environment_files: Vec<String>,
}

fn default_min_length() -> usize {
    16
}

impl Kind for HardcodedSecret {
    fn id(&self) -> &'static str {
        "hardcoded-secret"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python, Family::Rust, Family::Config]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        Ok(Box::new(SecretCheck::new(parse_options(options)?)?))
    }
}

impl SecretCheck {
    fn new(options: Options) -> Result<SecretCheck, OptionError> {
        let globs = |option: &str, patterns: &[String]| -> Result<Vec<WordGlob>, OptionError> {
            patterns
                .iter()
                .map(|p| {
                    WordGlob::new(p).ok_or_else(|| {
                        OptionError::new(option, format!("`{p}` names no identifier word"))
                    })
                })
                .collect()
        };
        let names = globs("names", &options.names)?;
        let ignore_names = globs("ignore_names", &options.ignore_names)?;
        let public_names = globs("public_names", &options.public_names)?;
        let formats: Vec<&'static Format> = match &options.formats {
            None => FORMATS.iter().collect(),
            Some(ids) => {
                let mut chosen = Vec::new();
                for id in ids {
                    let matching: Vec<&Format> = FORMATS.iter().filter(|f| f.id == id).collect();
                    if matching.is_empty() {
                        let known: Vec<&str> = FORMAT_IDS.to_vec();
                        return Err(OptionError::new(
                            "formats",
                            format!("`{id}` is not a known format (known: {})", known.join(", ")),
                        ));
                    }
                    chosen.extend(matching);
                }
                chosen
            }
        };
        let private_keys = options
            .formats
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|id| id == "private-key"));
        let mut prefixes = Vec::new();
        for prefix in &options.prefixes {
            if prefix.len() < 3 || prefix.chars().any(char::is_whitespace) {
                return Err(OptionError::new(
                    "prefixes",
                    format!("`{prefix}` is too short to mark a credential (at least 3 characters, no spaces)"),
                ));
            }
            prefixes.push(prefix.clone());
        }
        if options.min_length < 8 {
            return Err(OptionError::new(
                "min_length",
                "a value shorter than 8 characters cannot be told apart from a word",
            ));
        }
        let globset = |option: &str, patterns: &[String]| {
            crate::config::build_globset(patterns.iter().map(String::as_str))
                .map_err(|e| OptionError::new(option, e))
        };
        let mut prefix_table: Vec<(String, Option<&'static Format>)> = formats
            .iter()
            .flat_map(|f| f.prefixes.iter().map(move |p| (p.to_string(), Some(*f))))
            .collect();
        prefix_table.extend(prefixes.iter().map(|p| (p.clone(), None)));
        // Leftmost-longest: at one place `sk-proj-` is tried, not `sk-`,
        // whose body could not hold the `-` anyway.
        let prefix_matcher = AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(prefix_table.iter().map(|(p, _)| p))
            .map_err(|e| OptionError::new("prefixes", e.to_string()))?;
        let key_header = AhoCorasick::new([KEY_HEADER])
            .map_err(|e| OptionError::new("private_keys", e.to_string()))?;
        Ok(SecretCheck {
            prefix_table,
            prefix_matcher,
            key_header,
            names,
            ignore_names,
            public_names,
            formats,
            private_keys,
            prefixes,
            min_length: options.min_length,
            test_paths: globset("test_paths", &options.test_paths)?,
            environment_files: globset("environment_files", &options.environment_files)?,
        })
    }
}

/// What every PEM private key block starts with.
const KEY_HEADER: &str = "-----BEGIN ";

struct SecretCheck {
    /// Every format prefix (and custom prefix, without a format), found in
    /// one pass by `prefix_matcher`.
    prefix_table: Vec<(String, Option<&'static Format>)>,
    prefix_matcher: AhoCorasick,
    /// Finds [`KEY_HEADER`].
    key_header: AhoCorasick,
    names: Vec<WordGlob>,
    ignore_names: Vec<WordGlob>,
    public_names: Vec<WordGlob>,
    formats: Vec<&'static Format>,
    private_keys: bool,
    prefixes: Vec<String>,
    min_length: usize,
    test_paths: GlobSet,
    environment_files: GlobSet,
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

/// Splits an identifier into lowercase words: `openaiApiKey`,
/// `OPENAI_API_KEY`, `x-api-key` and `spring.datasource.password` all
/// split at case changes and punctuation. Trailing number words
/// (`API_KEY_2`) are dropped: a numbered key is still a key.
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            let boundary = (prev.is_lowercase() && cur.is_uppercase())
                || (prev.is_uppercase() && cur.is_uppercase() && next_lower)
                || (prev.is_numeric() && cur.is_uppercase() && next_lower);
            if boundary {
                words.push(chars[start..i].iter().collect::<String>().to_lowercase());
                start = i;
            }
        }
        if start < chars.len() {
            words.push(chars[start..].iter().collect::<String>().to_lowercase());
        }
    }
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| w.chars().all(|c| c.is_numeric()))
    {
        words.pop();
    }
    words
}

/// A glob over identifier words (see [`split_words`]): a `*` stands for any
/// run of words, including none.
#[derive(Clone, Debug)]
struct WordGlob {
    /// `None` is a `*`.
    words: Vec<Option<String>>,
}

impl WordGlob {
    fn new(pattern: &str) -> Option<WordGlob> {
        let mut words = Vec::new();
        for (i, part) in pattern.split('*').enumerate() {
            if i > 0 && words.last() != Some(&None) {
                words.push(None);
            }
            words.extend(split_words(part).into_iter().map(Some));
        }
        words
            .iter()
            .any(Option::is_some)
            .then_some(WordGlob { words })
    }

    fn is_match(&self, name: &str) -> bool {
        fn go(glob: &[Option<String>], words: &[String]) -> bool {
            match glob.split_first() {
                None => words.is_empty(),
                Some((None, rest)) => (0..=words.len()).any(|skip| go(rest, &words[skip..])),
                Some((Some(w), rest)) => words.first() == Some(w) && go(rest, &words[1..]),
            }
        }
        let words = split_words(name);
        !words.is_empty() && go(&self.words, &words)
    }

    /// Literals one of which every spelling of a matching name contains.
    /// Two adjacent fixed words are far rarer in code than either alone
    /// (`api` and `key` are everywhere, `api_key` is not): adjacent words
    /// of a name meet at a case change or at separators, so the pair's
    /// spellings with nothing, `_`, `-`, `.`, a space, `__` (.NET and
    /// pydantic nesting: `Api__Key`) or `:` between cover every name but
    /// one with rarer punctuation inside it (`api/key`). Without a pair,
    /// the longest fixed word.
    fn literals(&self) -> Vec<String> {
        let pair = self
            .words
            .windows(2)
            .filter_map(|w| match w {
                [Some(a), Some(b)] => Some((a, b)),
                _ => None,
            })
            .max_by_key(|(a, b)| a.len() + b.len());
        if let Some((a, b)) = pair {
            return ["", "_", "-", ".", " ", "__", ":"]
                .iter()
                .map(|joint| format!("{a}{joint}{b}"))
                .collect();
        }
        self.words
            .iter()
            .flatten()
            .rev()
            .max_by_key(|w| w.len())
            .map(|w| vec![w.clone()])
            .unwrap_or_default()
    }
}

fn any_match(globs: &[WordGlob], name: &str) -> bool {
    globs.iter().any(|g| g.is_match(name))
}

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

/// Words and marks that show a value is a stand-in, not a credential.
const PLACEHOLDER_MARKERS: &[&str] = &[
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
const STOPWORDS: &[&str] = &[
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

/// Whether a value is a stand-in: empty, templated, masked, a run of one
/// character or a sequence, or spelled with a placeholder word.
fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 4 {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if v.starts_with('$')
        || v.starts_with('<')
        || v.contains(['<', '>', '{', '}', '[', ']'])
        || v.contains(SUBSTITUTION)
    {
        return true;
    }
    if distinct(&lower) <= 3 {
        return true;
    }
    has_run(lower.as_bytes()) || is_sequential(lower.as_bytes()) || is_periodic(lower.as_bytes())
}

/// Mostly made of ascending or descending steps, between neighbours
/// (`abc123def456ghi789`) or every other character (`a1b2c3d4e5`): typed,
/// not generated. In a random alphabet of 16 symbols, 1 pair in 8 steps.
fn is_sequential(b: &[u8]) -> bool {
    let step = |x: u8, y: u8| y == x.wrapping_add(1) || x == y.wrapping_add(1);
    (1..=2).any(|stride| {
        let pairs = b.len().saturating_sub(stride);
        let steps = (0..pairs).filter(|&i| step(b[i], b[i + stride])).count();
        b.len() >= 8 && steps * 10 >= pairs * 3
    })
}

/// A short unit repeated (`abcd1234abcd1234abcd1234`).
fn is_periodic(b: &[u8]) -> bool {
    (1..=b.len() / 3).any(|p| b[p..].iter().zip(b).all(|(x, y)| x == y))
}

/// Five equal characters in a row, or six ascending or descending ones
/// (`00000`, `123456`, `abcdef`, `987654`): padding and sequences people
/// type into fake keys. Random tokens almost never have either.
fn has_run(b: &[u8]) -> bool {
    let mut same = 1;
    let mut up = 1;
    let mut down = 1;
    for w in b.windows(2) {
        let alnum = w[0].is_ascii_alphanumeric() && w[1].is_ascii_alphanumeric();
        same = if w[0] == w[1] { same + 1 } else { 1 };
        up = if alnum && w[1] == w[0].wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if alnum && w[1].wrapping_add(1) == w[0] {
            down + 1
        } else {
            1
        };
        if same >= 5 || up >= 6 || down >= 6 {
            return true;
        }
    }
    false
}

/// Shannon entropy in bits per character.
fn entropy(value: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in value.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = value.len() as f64;
    counts
        .iter()
        .filter(|&&k| k > 0)
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// How many different bytes a value uses.
fn distinct(value: &str) -> usize {
    let mut seen = [false; 256];
    value.bytes().for_each(|b| seen[usize::from(b)] = true);
    seen.iter().filter(|&&s| s).count()
}

/// Whether a value reads as words rather than noise: every run of letters
/// and digits is a number, a Unicode escape (`u036f`), or words in any
/// case style with short numbers (`my-app-v2`, `base64`,
/// `ReviewSchema2Payload`, `HTTP_404`, `text-2xl`). Random tokens break
/// into short pieces (`K6cPTt9iOq` is `K 6 c P Tt 9 i Oq`) or interleave
/// many digit groups.
fn is_word_like(value: &str) -> bool {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .all(is_word_segment)
}

/// Two-letter words and units common in identifiers.
const SHORT_WORDS: &[&str] = &[
    "id", "io", "db", "js", "ts", "ui", "os", "ok", "to", "by", "of", "in", "on", "at", "as", "is",
    "it", "no", "up", "ai", "or", "if", "do", "go", "my", "me", "we", "be", "an", "ip", "px", "em",
    "vh", "vw",
];

fn is_word_segment(segment: &str) -> bool {
    let b = segment.as_bytes();
    if b.iter().all(u8::is_ascii_digit) {
        return true;
    }
    if matches!(b.first(), Some(b'u' | b'x'))
        && (3..=5).contains(&b.len())
        && b[1..].iter().all(u8::is_ascii_hexdigit)
    {
        return true;
    }
    let pieces = camel_pieces(segment);
    let digit_pieces = pieces
        .iter()
        .filter(|p| p.as_bytes()[0].is_ascii_digit())
        .count();
    if digit_pieces >= 3 {
        return false;
    }
    if !b.iter().any(u8::is_ascii_lowercase) {
        // SCREAMING_CASE: `STATUSES3`, `HTTP2`, `SHA256`.
        return digit_pieces <= 1;
    }
    pieces.iter().enumerate().all(|(i, piece)| {
        let p = piece.as_bytes();
        if p[0].is_ascii_digit() {
            p.len() <= 4
        } else if p.iter().all(u8::is_ascii_uppercase) {
            p.len() <= 5
        } else {
            let first = i == 0 || (i == 1 && pieces[0].as_bytes()[0].is_ascii_digit());
            p.len() >= 3
                || (first && p[0].is_ascii_lowercase())
                || SHORT_WORDS.contains(&piece.to_ascii_lowercase().as_str())
        }
    })
}

/// Splits a run of letters and digits into acronyms, capitalised or
/// lowercase words, and numbers: `getOAuth2URL` is `get O Auth 2 URL`.
fn camel_pieces(segment: &str) -> Vec<&str> {
    let b = segment.as_bytes();
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        } else if b[i].is_ascii_uppercase() {
            while i < b.len() && b[i].is_ascii_uppercase() {
                i += 1;
            }
            if i < b.len() && b[i].is_ascii_lowercase() {
                // `HTTPServer`: the last capital starts the next word.
                if i - start > 1 {
                    i -= 1;
                } else {
                    while i < b.len() && b[i].is_ascii_lowercase() {
                        i += 1;
                    }
                }
            }
        } else {
            while i < b.len() && b[i].is_ascii_lowercase() {
                i += 1;
            }
        }
        pieces.push(crate::source::slice(segment, start..i));
    }
    pieces
}

/// Values that are public by design or are not secrets at all although
/// they sit under a credential name.
fn is_public_value(value: &str) -> bool {
    const PUBLIC_PREFIXES: &[&str] = &[
        "pk_live_",
        "pk_test_",
        "pk.",
        "sb_publishable_",
        "phc_",
        "0x",
    ];
    PUBLIC_PREFIXES.iter().any(|p| value.starts_with(p))
        || value.contains("://")
        || value.starts_with(['/', '~', '.', '#'])
        || is_email(value)
}

fn is_uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_email(value: &str) -> bool {
    value.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && host.contains('.')
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    })
}

/// Whether a value spells a [`STOPWORDS`] word, after a short provider
/// prefix such as `secret_` (Notion) that real tokens carry.
fn has_stopword(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let body = match lower.find(['_', '-', '.']) {
        Some(i)
            if i <= 8
                && crate::source::slice(&lower, ..i)
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic()) =>
        {
            crate::source::slice(&lower, i + 1..)
        }
        _ => crate::source::slice(&lower, ..),
    };
    STOPWORDS.iter().any(|w| body.contains(w))
}

/// The heuristic for a value under a credential name: long enough,
/// printable without spaces, letters and digits, high entropy, not words,
/// not a placeholder and not something else (URL, path, address).
fn looks_random(value: &str, min_length: usize) -> bool {
    let n = value.chars().count();
    if n < min_length || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    if !value.bytes().any(|b| b.is_ascii_alphabetic()) || !value.bytes().any(|b| b.is_ascii_digit())
    {
        return false;
    }
    if distinct(value) < 8 || entropy(value) < 3.0 {
        return false;
    }
    if is_word_like(value) || is_public_value(value) || is_placeholder(value) || has_stopword(value)
    {
        return false;
    }
    // Hex shorter than 128 bits is a hash or an id far more often than a
    // key; a UUID is an identifier (request, tenant, idempotency token).
    if (value.len() < 32 && value.bytes().all(|b| b.is_ascii_hexdigit())) || is_uuid(value) {
        return false;
    }
    if let Some(payload) = jwt_payload(value) {
        // Supabase's anon key and jwt.io's sample are published on purpose.
        let lower = payload.to_ascii_lowercase();
        if lower.contains("\"anon\"")
            || lower.contains("supabase-demo")
            || is_placeholder(&payload)
            || lower.contains("john doe")
        {
            return false;
        }
    }
    true
}

/// What a flagged secret is shown as: its format prefix, or a few leading
/// characters of a credential-named value, then `…REDACTED`.
fn redacted(shown: &str) -> String {
    format!("{shown}…REDACTED")
}

/// How many leading characters of a credential-named value the message
/// may show: 2 to 4, fewer for shorter values.
fn shown_prefix(value: &str) -> &str {
    let n = (value.chars().count() / 8).clamp(2, 4);
    let end = value.char_indices().nth(n).map_or(value.len(), |(i, _)| i);
    crate::source::slice(value, ..end)
}

// ---------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------

/// The characters a format's body may use.
#[derive(Clone, Copy)]
enum Charset {
    /// `[A-Za-z0-9]`
    Alnum,
    /// `[A-Za-z0-9_-]`
    Token,
    /// `[A-Za-z0-9_.-]`
    Dotted,
    /// `[A-Z0-9]`
    Upper,
    /// `[A-Za-z0-9+/=]`
    Base64,
    /// `[0-9a-f]`
    Hex,
}

impl Charset {
    fn contains(self, b: u8) -> bool {
        match self {
            Charset::Alnum => b.is_ascii_alphanumeric(),
            Charset::Token => b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
            Charset::Dotted => b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'),
            Charset::Upper => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Charset::Base64 => b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='),
            Charset::Hex => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        }
    }
}

/// A well-known credential format: prefixes, then a body of `min..=max`
/// characters of `charset`, bounded on both sides by a character that
/// cannot continue a token.
struct Format {
    id: &'static str,
    description: &'static str,
    prefixes: &'static [&'static str],
    charset: Charset,
    min: usize,
    max: usize,
    /// Google browser keys are public in a Firebase web config or a
    /// `NEXT_PUBLIC_*` variable.
    browser_key: bool,
    /// Extra shape check of the body.
    shape: fn(&str) -> bool,
}

fn any_shape(_: &str) -> bool {
    true
}

/// Slack tokens are dash-separated numbers ending in a long random part.
fn slack_shape(body: &str) -> bool {
    let parts: Vec<&str> = body.split('-').collect();
    parts.len() >= 3
        && parts.last().is_some_and(|p| p.len() >= 16)
        && body.bytes().filter(u8::is_ascii_digit).count() >= 8
}

/// SendGrid keys are `SG.<22>.<43>`.
fn sendgrid_shape(body: &str) -> bool {
    body.split_once('.')
        .is_some_and(|(a, b)| a.len() >= 16 && b.len() >= 30 && !b.contains('.'))
}

/// A JWT whose payload claims the Supabase `service_role`.
fn service_role_shape(body: &str) -> bool {
    jwt_payload(&format!("eyJ{body}")).is_some_and(|p| {
        let p = p.replace(' ', "");
        p.contains("\"role\":\"service_role\"") && !p.contains("supabase-demo")
    })
}

const FORMATS: &[Format] = &[
    Format {
        id: "anthropic",
        description: "Anthropic API key",
        prefixes: &["sk-ant-"],
        charset: Charset::Token,
        min: 32,
        max: 400,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "openrouter",
        description: "OpenRouter API key",
        prefixes: &["sk-or-v1-"],
        charset: Charset::Hex,
        min: 64,
        max: 64,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "openai",
        description: "OpenAI API key",
        prefixes: &["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-None-"],
        charset: Charset::Token,
        min: 32,
        max: 400,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "openai",
        description: "OpenAI-style API key",
        prefixes: &["sk-"],
        charset: Charset::Alnum,
        min: 32,
        max: 200,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "github",
        description: "GitHub token",
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        charset: Charset::Alnum,
        min: 36,
        max: 251,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "github",
        description: "GitHub fine-grained token",
        prefixes: &["github_pat_"],
        charset: Charset::Token,
        min: 60,
        max: 251,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "slack",
        description: "Slack token",
        prefixes: &["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"],
        charset: Charset::Token,
        min: 30,
        max: 250,
        browser_key: false,
        shape: slack_shape,
    },
    Format {
        id: "slack",
        description: "Slack app token",
        prefixes: &["xapp-"],
        charset: Charset::Token,
        min: 30,
        max: 250,
        browser_key: false,
        shape: slack_shape,
    },
    Format {
        id: "google-api-key",
        description: "Google API key",
        prefixes: &["AIza"],
        charset: Charset::Token,
        min: 35,
        max: 35,
        browser_key: true,
        shape: any_shape,
    },
    Format {
        id: "google-oauth",
        description: "Google OAuth client secret",
        prefixes: &["GOCSPX-"],
        charset: Charset::Token,
        min: 24,
        max: 40,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "google-oauth",
        description: "Google OAuth access token",
        prefixes: &["ya29."],
        charset: Charset::Dotted,
        min: 30,
        max: 4000,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "aws",
        description: "AWS access key ID",
        prefixes: &["AKIA", "ASIA"],
        charset: Charset::Upper,
        min: 16,
        max: 16,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "stripe",
        description: "Stripe live secret key",
        prefixes: &["sk_live_"],
        charset: Charset::Alnum,
        min: 20,
        max: 250,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "stripe",
        description: "Stripe live restricted key",
        prefixes: &["rk_live_"],
        charset: Charset::Alnum,
        min: 20,
        max: 250,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "stripe",
        description: "Stripe webhook signing secret",
        prefixes: &["whsec_"],
        charset: Charset::Base64,
        min: 32,
        max: 100,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "gitlab",
        description: "GitLab access token",
        prefixes: &["glpat-"],
        charset: Charset::Dotted,
        min: 20,
        max: 200,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "huggingface",
        description: "Hugging Face token",
        prefixes: &["hf_"],
        charset: Charset::Alnum,
        min: 30,
        max: 40,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "npm",
        description: "npm access token",
        prefixes: &["npm_"],
        charset: Charset::Alnum,
        min: 36,
        max: 36,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "sendgrid",
        description: "SendGrid API key",
        prefixes: &["SG."],
        charset: Charset::Dotted,
        min: 60,
        max: 80,
        browser_key: false,
        shape: sendgrid_shape,
    },
    Format {
        id: "supabase",
        description: "Supabase secret key",
        prefixes: &["sb_secret_"],
        charset: Charset::Token,
        min: 20,
        max: 200,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "supabase",
        description: "Supabase service-role key",
        prefixes: &["eyJ"],
        charset: Charset::Dotted,
        min: 100,
        max: 2000,
        browser_key: false,
        shape: service_role_shape,
    },
];

/// Every format id, `private-key` included (it is matched apart).
const FORMAT_IDS: &[&str] = &[
    "openai",
    "anthropic",
    "openrouter",
    "github",
    "slack",
    "google-api-key",
    "google-oauth",
    "aws",
    "stripe",
    "gitlab",
    "huggingface",
    "npm",
    "sendgrid",
    "supabase",
    "private-key",
];

/// Bytes that continue a token, so a prefix preceded by one is mid-token.
fn continues_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// One secret found in a value, in value coordinates.
#[derive(Clone, Debug, PartialEq)]
struct ValueHit {
    /// The secret's characters (the primary label).
    span: Range<usize>,
    /// What to mask; the span itself unless the secret is a key block.
    redact: Vec<Range<usize>>,
    description: String,
    /// What the message may show of it.
    shown: String,
    /// A private key block (found once however many literals hold it).
    block: bool,
}

/// A private key header whose block does not end in the same value (a YAML
/// block scalar line, one piece of a concatenation).
struct OpenBlock {
    header: Range<usize>,
    description: String,
}

impl SecretCheck {
    /// Known-format secrets in a value, none exempted.
    fn find_formats(&self, value: &str) -> Vec<ValueHit> {
        self.find_formats_exempt(value, &|| false).0
    }

    /// Known-format secrets in a value. A browser key (`AIza…`) is left out
    /// when `browser_exempt` says its context publishes it (asked only
    /// then); the flag returned says one was, so that the value is not
    /// judged again by its name.
    fn find_formats_exempt(
        &self,
        value: &str,
        browser_exempt: &dyn Fn() -> bool,
    ) -> (Vec<ValueHit>, bool) {
        let mut exempt = false;
        let bytes = value.as_bytes();
        let mut hits: Vec<ValueHit> = Vec::new();
        for m in self.prefix_matcher.find_iter(value) {
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
    fn is_credential_name(&self, name: &str) -> bool {
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
    fn random_value(&self, value: &str) -> Option<ValueHit> {
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
    fn find_named(&self, value: &str, name: &str) -> Option<ValueHit> {
        self.random_value(value)
            .filter(|_| self.is_credential_name(name))
    }

    /// Private key blocks in a value: complete ones as hits, a header whose
    /// block continues past the value as an [`OpenBlock`].
    fn find_key_blocks(&self, value: &str) -> (Vec<ValueHit>, Vec<OpenBlock>) {
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
                    if let Some(redact) = key_body_runs(crate::source::slice(value, body.clone())) {
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

/// Checks of a format's body beyond its alphabet: not a placeholder, not
/// one repeated character, enough distinct characters.
fn body_is_random(body: &str) -> bool {
    distinct(body) >= (body.len() / 2).min(8) && !is_placeholder(body)
}

/// `-----BEGIN <KIND> PRIVATE KEY-----` at `start`: its range and what it
/// is called (`RSA private key`).
fn key_header(value: &str, start: usize) -> Option<(Range<usize>, String)> {
    let after = crate::source::slice(value, start + "-----BEGIN ".len()..);
    let close = after.find("-----")?;
    let label = crate::source::slice(after, ..close);
    if label.len() > 40 || !label.ends_with("PRIVATE KEY") && !label.ends_with("PRIVATE KEY BLOCK")
    {
        return None;
    }
    let end = start + "-----BEGIN ".len() + close + "-----".len();
    let kind = label
        .trim_end_matches(" BLOCK")
        .trim_end_matches("PRIVATE KEY")
        .trim();
    let description = if kind.is_empty() {
        "private key".to_string()
    } else {
        format!("{kind} private key")
    };
    Some((start..end, description))
}

/// The range between a key header's end and its `-----END` footer.
fn block_body(text: &str, from: usize) -> Option<Range<usize>> {
    let window = crate::source::slice(text, from..text.len().min(from + 20_000));
    let end = window.find("-----END ")?;
    Some(from..from + end)
}

/// The base64 runs of a key block's body, skipping escapes such as `\n`
/// and whatever joins string pieces, when there are enough of them to be a
/// key and they are not a placeholder.
fn key_body_runs(body: &str) -> Option<Vec<Range<usize>>> {
    let b = body.as_bytes();
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    let mut count = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i].is_ascii_alphanumeric() || matches!(b[i], b'+' | b'/' | b'=') {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'+' | b'/' | b'='))
            {
                i += 1;
            }
            count += i - start;
            runs.push(start..i);
            continue;
        }
        i += 1;
    }
    let lower = body.to_ascii_lowercase();
    let placeholder = [
        "...",
        "…",
        "your",
        "example",
        "placeholder",
        "redacted",
        "xxxx",
        "<",
        "insert",
    ]
    .iter()
    .any(|m| lower.contains(m));
    // Headers such as `Proc-Type: 4,ENCRYPTED` sit in the body too; they
    // are not secret but masking them hides nothing useful.
    (count >= 64 && !placeholder).then_some(runs)
}

/// The payload of a JWT (`header.payload.signature`), decoded.
fn jwt_payload(value: &str) -> Option<String> {
    let mut parts = value.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !header.starts_with("eyJ") || signature.is_empty() {
        return None;
    }
    String::from_utf8(base64_decode(payload)?).ok()
}

/// Decodes standard or URL-safe base64, padded or not.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in text.trim_end_matches('=').bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------
// Checking a file
// ---------------------------------------------------------------------------

/// What the literals of one file share.
struct FileContext {
    /// The file is a Firebase or Google services config, whose `AIza…` key
    /// is public.
    firebase: bool,
    /// The file configures Algolia DocSearch, whose `apiKey` is the public
    /// search-only key.
    docsearch: bool,
    /// Key blocks already reported, by header offset (a block spread over
    /// several literals is found from its header only once).
    blocks: HashSet<usize>,
}

impl FileContext {
    fn new(file: &ParsedFile) -> FileContext {
        let text = file.text();
        FileContext {
            firebase: text.contains("firebaseapp.com")
                || text.contains("firebaseio.com")
                || text.contains("messagingSenderId"),
            docsearch: text.contains("indexName") && text.contains("appId"),
            blocks: HashSet::new(),
        }
    }
}

/// A name as code and config spell them (`OPENAI_API_KEY`, `x-api-key`,
/// `spring.datasource.password`, `$apiKey`), not a label such as
/// `AWS::ApiGateway::ApiKey` or `API key` that only mentions one.
fn is_identifier_like(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$' || c == '@')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$' | b'@'))
}

/// `KEY=value` inside one string (a Compose `environment` item, a CLI
/// argument): the key and where the value starts.
fn env_assignment(value: &str) -> Option<(&str, usize)> {
    let eq = value.find('=')?;
    let key = crate::source::slice(value, ..eq);
    let mut chars = key.chars();
    let first = chars.next()?;
    ((first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some((key, eq + 1))
}

impl SecretCheck {
    /// Everything one literal holds: key blocks, known formats, and, when
    /// it is bound to a credential name, a random-looking value. `name`
    /// finds what the literal is bound to; it is asked only when needed.
    fn scan_literal(
        &self,
        file: &ParsedFile,
        lit: &StrLit,
        name: &dyn Fn() -> Option<String>,
        ctx: &mut FileContext,
        out: &mut Reporter<'_>,
    ) {
        let value = lit.value.as_str();
        if value.len() < 8 {
            return;
        }
        let bound = std::cell::OnceCell::new();
        let (assigned, named_from) = match env_assignment(value) {
            Some((key, from)) => (Some(key), from),
            None => (None, 0),
        };
        let name = || -> Option<&str> { assigned.or_else(|| bound.get_or_init(name).as_deref()) };
        let (mut hits, open) = self.find_key_blocks(value);
        // Google browser keys are public in Firebase configs and under a
        // public name.
        let browser_exempt = || {
            ctx.firebase
                || name().is_some_and(|n| {
                    any_match(&self.public_names, n)
                        || split_words(n).iter().any(|w| w == "firebase")
                })
        };
        let (formats, exempt) = self.find_formats_exempt(value, &browser_exempt);
        for hit in formats {
            let inside_block = hits.iter().any(|b| {
                b.span.start <= hit.span.start
                    && b.redact.last().is_some_and(|r| hit.span.end <= r.end)
            });
            if !inside_block {
                hits.push(hit);
            }
        }
        if hits.is_empty() && open.is_empty() && !exempt && lit.is_static() {
            if let Some(mut hit) = self.random_value(crate::source::slice(value, named_from..)) {
                let public_search_key =
                    ctx.docsearch && name().is_some_and(|n| n.eq_ignore_ascii_case("apikey"));
                if !public_search_key && name().is_some_and(|n| self.is_credential_name(n)) {
                    hit.span = hit.span.start + named_from..hit.span.end + named_from;
                    hit.redact = vec![hit.span.clone()];
                    hits.push(hit);
                }
            }
        }
        if hits.is_empty() && open.is_empty() {
            return;
        }
        let name = name();
        for hit in hits {
            if hit.block {
                let header = lit.file_span(hit.span.clone());
                if !ctx.blocks.insert(header.start) {
                    continue;
                }
            }
            let redact = hit
                .redact
                .iter()
                .map(|r| lit.file_span(r.clone()))
                .collect();
            self.report(lit.file_span(hit.span.clone()), redact, &hit, name, out);
        }
        for block in open {
            let header = lit.file_span(block.header.clone());
            if header.len() != block.header.len() || !ctx.blocks.insert(header.start) {
                continue;
            }
            let text = file.text();
            let Some(body) = block_body(text, header.end) else {
                continue;
            };
            let Some(runs) = key_body_runs(crate::source::slice(text, body.clone())) else {
                continue;
            };
            let hit = ValueHit {
                redact: runs
                    .into_iter()
                    .map(|r| r.start + body.start..r.end + body.start)
                    .collect(),
                shown: redacted(crate::source::slice(text, header.clone())),
                span: header.clone(),
                description: block.description,
                block: true,
            };
            self.report(header, hit.redact.clone(), &hit, name, out);
        }
    }

    fn report(
        &self,
        span: Range<usize>,
        redact: Vec<Range<usize>>,
        hit: &ValueHit,
        name: Option<&str>,
        out: &mut Reporter<'_>,
    ) {
        if name.is_some_and(is_display_text_name) {
            return;
        }
        let name = name.filter(|n| self.printable_name(n)).unwrap_or_default();
        let binding = if name.is_empty() {
            String::new()
        } else {
            format!(" in `{name}`")
        };
        let mut report = Report::at(span)
            .var("secret", hit.description.clone())
            .var("redacted", hit.shown.clone())
            .var("name", name)
            .var("binding", binding)
            .label(format!("hardcoded {}", hit.description));
        for range in redact {
            report = report.redact(range);
        }
        out.report(report);
    }

    /// A name the message may print: an identifier-like key that is not
    /// itself a secret.
    fn printable_name(&self, name: &str) -> bool {
        is_identifier_like(name) && self.find_formats(name).is_empty() && !looks_random(name, 16)
    }

    /// Where in the raw text a finding could be, so that a file with no
    /// such place is never parsed and the syntax walk skips every subtree
    /// away from one. Each place is a necessary condition of a finding:
    /// a known-format token, a key block header, or a run of printable
    /// characters without spaces that could hold a random credential-named
    /// value (long enough, letters and digits, 8 distinct characters, not
    /// only words; every run containing such a value has all four).
    fn candidates(&self, text: &str) -> Candidates {
        let mut ranges: Vec<Range<usize>> = Vec::new();
        if !self.names.is_empty() {
            // Runs of at least `min_length` characters between ASCII white
            // space. Every such run covers one of the bytes sampled every
            // `min_length` bytes, so only the runs around a sampled byte
            // that is not white space are measured.
            let bytes = text.as_bytes();
            let step = self.min_length.max(1);
            let mut i = step - 1;
            while i < bytes.len() {
                if bytes[i].is_ascii_whitespace() {
                    i += step;
                    continue;
                }
                let mut start = i;
                while start > 0 && !bytes[start - 1].is_ascii_whitespace() {
                    start -= 1;
                }
                let mut end = i + 1;
                while end < bytes.len() && !bytes[end].is_ascii_whitespace() {
                    end += 1;
                }
                if end - start >= self.min_length
                    && could_hold_random(crate::source::slice(text, start..end))
                {
                    ranges.push(start..end);
                }
                // `end` is white space: a later run starts after it.
                i = end + step;
            }
        }
        ranges.extend(self.find_formats(text).into_iter().map(|h| h.span));
        if self.private_keys {
            ranges.extend(self.key_header.find_iter(text).map(|m| m.range()));
        }
        if ranges.is_empty() {
            return Candidates(ranges);
        }
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Candidates(merged)
    }

    fn check_js(&self, file: &ParsedFile, cands: &Candidates, out: &mut Reporter<'_>) {
        let Some(tree) = file.tree() else { return };
        let src = file.text();
        let mut ctx = FileContext::new(file);
        tree::walk(tree.root_node(), |node| {
            if !cands.overlaps(&node.byte_range()) {
                return false;
            }
            match node.kind_str() {
                "comment"
                | "type_annotation"
                | "type_alias_declaration"
                | "interface_declaration"
                | "literal_type"
                | "type_arguments"
                | "ambient_declaration" => false,
                "string" | "template_string" => {
                    if !is_module_specifier(node, src) {
                        if let Some(lit) = typescript::string_literal(node, src) {
                            let name = || js_binding(node, src);
                            self.scan_literal(file, &lit, &name, &mut ctx, out);
                        }
                    }
                    node.kind_str() == "template_string"
                }
                _ => true,
            }
        });
    }

    fn check_python(&self, file: &ParsedFile, cands: &Candidates, out: &mut Reporter<'_>) {
        let Some(tree) = file.tree() else { return };
        let src = file.text();
        let mut ctx = FileContext::new(file);
        tree::walk(tree.root_node(), |node| {
            if !cands.overlaps(&node.byte_range()) {
                return false;
            }
            match node.kind_str() {
                "comment" | "type" => false,
                "expression_statement" => !is_docstring(node),
                "string" => {
                    if let Some(lit) = python::string_literal(node, src) {
                        let name = || py_binding(node, src);
                        self.scan_literal(file, &lit, &name, &mut ctx, out);
                    }
                    true
                }
                _ => true,
            }
        });
    }

    fn check_rust(&self, file: &ParsedFile, cands: &Candidates, out: &mut Reporter<'_>) {
        let Some(syntax) = file.rust().file() else {
            self.check_rust_lexically(file, out);
            return;
        };
        let mut bindings = RustBindings::default();
        syn::visit::Visit::visit_file(&mut bindings, syntax);
        let mut ctx = FileContext::new(file);
        for lit in crate::lang::rust::string_literals(syntax) {
            if !cands.overlaps(&lit.span)
                || bindings.tests.iter().any(|t| t.contains(&lit.span.start))
            {
                continue;
            }
            let name = || bindings.names.get(&lit.span.start).cloned();
            self.scan_literal(file, &lit, &name, &mut ctx, out);
        }
    }

    /// Rust that syn cannot read (a half-written file in an agent's
    /// edit): the string literals a lexical pass finds, judged by format
    /// alone since nothing names them.
    fn check_rust_lexically(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let mut ctx = FileContext::new(file);
        for lit in crate::lang::rust::string_literals_lexically(file.text()) {
            self.scan_literal(file, &lit, &|| None, &mut ctx, out);
        }
    }

    fn check_config(&self, file: &ParsedFile, cands: &Candidates, out: &mut Reporter<'_>) {
        let scalars = file.config_scalars();
        let text = file.text();
        let mut ctx = FileContext::new(file);
        let k8s_secret = file.language == Language::Yaml
            && scalars.windows(2).any(|w| {
                w[0].is_key && w[0].value == "kind" && !w[1].is_key && w[1].value == "Secret"
            });
        // YAML keys by indentation, to know which section a value is in.
        let mut keys: Vec<(usize, &str)> = Vec::new();
        for (i, scalar) in scalars.iter().enumerate() {
            if scalar.is_key {
                if file.language == Language::Yaml {
                    let indent = column(text, scalar.span.start);
                    while keys.last().is_some_and(|(k, _)| *k >= indent) {
                        keys.pop();
                    }
                    keys.push((indent, &scalar.value));
                }
                continue;
            }
            let raw = crate::source::slice(text, scalar.value_span.clone());
            if k8s_secret
                && keys.len() >= 2
                && matches!(keys[keys.len() - 2].1, "data" | "binaryData")
            {
                let name = config_binding(scalars, i);
                self.check_encoded(scalar.value_span.clone(), raw, name, out);
                continue;
            }
            if !cands.overlaps(&scalar.span) {
                continue;
            }
            let mut lit = StrLit::empty(scalar.span.clone());
            lit.push_piece(scalar.value_span.start, raw);
            let name = || config_binding(scalars, i).map(str::to_string);
            self.scan_literal(file, &lit, &name, &mut ctx, out);
        }
    }

    /// A base64 value of a Kubernetes `Secret`'s `data`: judged by what it
    /// decodes to; the whole encoded value is the secret.
    fn check_encoded(
        &self,
        span: Range<usize>,
        raw: &str,
        name: Option<&str>,
        out: &mut Reporter<'_>,
    ) {
        let Some(decoded) = base64_decode(raw.trim()).and_then(|d| String::from_utf8(d).ok())
        else {
            return;
        };
        let decoded = decoded.trim_end();
        let (blocks, open) = self.find_key_blocks(decoded);
        let mut hits = blocks;
        if hits.is_empty() && open.is_empty() {
            hits = self.find_formats(decoded);
        }
        if hits.is_empty() {
            if let Some(name) = name {
                hits.extend(self.find_named(decoded, name));
            }
        }
        if let Some(hit) = hits.into_iter().next() {
            let hit = ValueHit {
                description: format!("{} (base64-encoded)", hit.description),
                ..hit
            };
            self.report(span.clone(), vec![span], &hit, name, out);
        }
    }
}

/// Sorted, disjoint byte ranges of a file where a finding could be.
struct Candidates(Vec<Range<usize>>);

impl Candidates {
    fn overlaps(&self, range: &Range<usize>) -> bool {
        let i = self.0.partition_point(|c| c.end <= range.start);
        self.0.get(i).is_some_and(|c| c.start < range.end)
    }
}

/// Whether a run of characters without spaces could contain a value that
/// [`looks_random`]: each of these holds for every run containing one
/// (its letter-and-digit segments are the value's, as the value is cut
/// out at quotes, `=` or spaces).
fn could_hold_random(run: &str) -> bool {
    let (mut digit, mut alpha) = (false, false);
    let mut seen = 0u128;
    for &b in run.as_bytes() {
        digit |= b.is_ascii_digit();
        alpha |= b.is_ascii_alphabetic();
        seen |= 1 << (b & 0x7f);
    }
    digit && alpha && seen.count_ones() >= 8 && !is_word_like(run)
}

/// The column (in bytes) at which `offset` sits on its line.
fn column(text: &str, offset: usize) -> usize {
    offset
        - crate::source::slice(text, ..offset)
            .rfind('\n')
            .map_or(0, |i| i + 1)
}

/// The name a config value is bound to: its key, or for a
/// `name: X` / `value: …` pair (Kubernetes and ECS environment lists) the
/// `name`.
fn config_binding<'a>(
    scalars: &'a [crate::lang::config_files::ConfigScalar<'static>],
    i: usize,
) -> Option<&'a str> {
    let key = scalars.get(i.checked_sub(1)?).filter(|s| s.is_key)?;
    if key.value.eq_ignore_ascii_case("value") && i >= 3 {
        let (label, named) = (&scalars[i - 3], &scalars[i - 2]);
        if label.is_key && !named.is_key && matches!(&*label.value, "name" | "Name" | "key" | "Key")
        {
            return Some(&named.value);
        }
    }
    Some(&key.value)
}

/// `import … from '…'`, `export … from '…'`, `require('…')`, `import('…')`.
fn is_module_specifier(node: Node<'_>, src: &str) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    match parent.kind_str() {
        "import_statement" | "export_statement" | "import_require_clause" => true,
        "arguments" => parent
            .parent()
            .and_then(|call| call.field("function"))
            .is_some_and(|f| {
                f.kind_str() == "import"
                    || (f.kind_str() == "identifier" && tree::text(f, src) == "require")
            }),
        _ => false,
    }
}

/// The name a JS/TS string is bound to, through the wrappers a value
/// passes on its way (`(…)`, `as const`, `?? …`, a ternary branch).
fn js_binding(node: Node<'_>, src: &str) -> Option<String> {
    let mut cur = node;
    loop {
        let parent = cur.parent()?;
        let is = |field: &str| {
            parent
                .child_by_field_name(field)
                .is_some_and(|n| n.id() == cur.id())
        };
        match parent.kind_str() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "jsx_expression" => cur = parent,
            "ternary_expression" if !is("condition") => cur = parent,
            "binary_expression" => {
                let op = parent.field("operator").map(|o| tree::text(o, src));
                if is("right") && matches!(op, Some("||" | "??")) {
                    cur = parent;
                } else {
                    return None;
                }
            }
            "variable_declarator" if is("value") => {
                let name = parent.field("name")?;
                return (name.kind_str() == "identifier")
                    .then(|| tree::text(name, src).to_string());
            }
            "assignment_expression" | "augmented_assignment_expression" if is("right") => {
                return js_target_name(parent.field("left")?, src);
            }
            "pair" if is("value") => {
                let key = parent.field("key")?;
                return typescript::property_key(key, src)
                    .map(|k| k.into_owned())
                    .or_else(|| typescript::computed_key_string(key, src).map(|s| s.value));
            }
            "public_field_definition" | "field_definition" if is("value") => {
                let name = parent.field("name").or_else(|| parent.field("property"))?;
                return typescript::property_key(name, src).map(|k| k.into_owned());
            }
            "assignment_pattern" | "object_assignment_pattern" if is("right") => {
                let left = parent.field("left")?;
                return Some(tree::text(left, src).to_string());
            }
            "enum_assignment" if is("value") => {
                let name = parent.field("name")?;
                return typescript::property_key(name, src).map(|k| k.into_owned());
            }
            "required_parameter" | "optional_parameter" if is("value") => {
                let pattern = parent.field("pattern")?;
                return (pattern.kind_str() == "identifier")
                    .then(|| tree::text(pattern, src).to_string());
            }
            "jsx_attribute" => {
                let name = parent.named_child(0)?;
                return Some(tree::text(name, src).to_string());
            }
            "arguments" => {
                // `headers.set('x-api-key', '…')`, `new Headers().append(…)`.
                let call = typescript::call(parent.parent()?)?;
                let method = tree::text(call.name, src);
                if call.args.len() == 2
                    && call.args[1].id() == cur.id()
                    && matches!(
                        method,
                        "set" | "append" | "setHeader" | "header" | "setItem"
                    )
                {
                    return typescript::string_literal(call.args[0], src).map(|s| s.value);
                }
                return None;
            }
            _ => return None,
        }
    }
}

/// The name an assignment writes: `x`, `obj.apiKey`, `env['API_KEY']`.
fn js_target_name(left: Node<'_>, src: &str) -> Option<String> {
    match left.kind_str() {
        "identifier" => Some(tree::text(left, src).to_string()),
        "member_expression" => Some(tree::text(left.field("property")?, src).to_string()),
        "subscript_expression" => {
            let index = left.field("index")?;
            typescript::string_literal(index, src).map(|s| s.value)
        }
        _ => None,
    }
}

/// A statement that is only a string: a docstring or a string used as a
/// comment.
fn is_docstring(node: Node<'_>) -> bool {
    let children = tree::named_children(node);
    children.len() == 1 && matches!(children[0].kind_str(), "string" | "concatenated_string")
}

/// Calls that read the environment with a default: the default's name is
/// the variable's.
fn is_env_read(callee: &str) -> bool {
    callee.ends_with("getenv")
        || callee.ends_with("environ.get")
        || callee.ends_with("environ.setdefault")
        || matches!(callee, "config" | "env" | "env.str" | "decouple.config")
}

/// Calls that wrap a secret without changing it.
fn is_secret_wrapper(callee: &str) -> bool {
    let last = callee.rsplit('.').next().unwrap_or(callee);
    matches!(
        last,
        "SecretStr" | "SecretBytes" | "Secret" | "SecretString" | "str" | "Field"
    )
}

/// The name a Python string is bound to: an assignment target, dict key,
/// keyword argument, parameter default, or the variable an environment
/// read with this default reads.
fn py_binding(node: Node<'_>, src: &str) -> Option<String> {
    let mut cur = node;
    loop {
        let parent = cur.parent()?;
        let is = |field: &str| {
            parent
                .child_by_field_name(field)
                .is_some_and(|n| n.id() == cur.id())
        };
        match parent.kind_str() {
            "concatenated_string" | "parenthesized_expression" | "conditional_expression" => {
                cur = parent
            }
            "boolean_operator" if is("right") => cur = parent,
            "assignment" if is("right") => {
                return py_target_name(parent.field("left")?, src);
            }
            "pair" if is("value") => {
                let key = parent.field("key")?;
                return py_name_of(key, src);
            }
            "keyword_argument" if is("value") => {
                let name = tree::text(parent.field("name")?, src);
                let call = parent
                    .parent()
                    .and_then(|a| a.parent())
                    .and_then(|c| python::call(c));
                if name == "default" {
                    if let Some(call) = call {
                        let callee = callee_text(call.node, src);
                        if is_env_read(&callee) {
                            return call.args.first().and_then(|a| py_name_of(*a, src));
                        }
                        if is_secret_wrapper(&callee) {
                            cur = call.node;
                            continue;
                        }
                    }
                }
                return Some(name.to_string());
            }
            "default_parameter" | "typed_default_parameter" if is("value") => {
                return Some(tree::text(parent.field("name")?, src).to_string());
            }
            "argument_list" => {
                let call = python::call(parent.parent()?)?;
                let callee = callee_text(call.node, src);
                let position = call.args.iter().position(|a| a.id() == cur.id())?;
                if position == 1 && is_env_read(&callee) {
                    return py_name_of(call.args[0], src);
                }
                if position == 0 && call.args.len() == 1 && is_secret_wrapper(&callee) {
                    cur = call.node;
                    continue;
                }
                return None;
            }
            _ => return None,
        }
    }
}

fn callee_text(call: Node<'_>, src: &str) -> String {
    call.field("function")
        .map(|f| tree::text(f, src).split_whitespace().collect())
        .unwrap_or_default()
}

fn py_target_name(left: Node<'_>, src: &str) -> Option<String> {
    match left.kind_str() {
        "identifier" => Some(tree::text(left, src).to_string()),
        "attribute" => Some(tree::text(left.field("attribute")?, src).to_string()),
        "subscript" => py_name_of(left.field("subscript")?, src),
        _ => None,
    }
}

/// An identifier or a plain string used as a name.
fn py_name_of(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "identifier" => Some(tree::text(node, src).to_string()),
        "string" => python::string_literal(node, src)
            .filter(StrLit::is_static)
            .map(|s| s.value),
        _ => None,
    }
}

/// Names Rust string literals are bound to (by the literal's offset), and
/// the ranges of test code.
#[derive(Default)]
struct RustBindings {
    names: HashMap<usize, String>,
    tests: Vec<Range<usize>>,
}

impl RustBindings {
    /// Binds the literals `expr` evaluates to; the outermost binding wins.
    fn bind(&mut self, name: String, expr: &syn::Expr) {
        for lit in rust_value_literals(expr) {
            self.names
                .entry(lit.span().byte_range().start)
                .or_insert_with(|| name.clone());
        }
    }

    /// An environment fallback names its literal after the variable, over
    /// whatever the result is assigned to.
    fn bind_env(&mut self, name: String, expr: &syn::Expr) {
        for lit in rust_value_literals(expr) {
            self.names
                .insert(lit.span().byte_range().start, name.clone());
        }
    }

    /// Skips test items; returns whether the item is one.
    fn skip_test<T: quote::ToTokens>(&mut self, attrs: &[syn::Attribute], item: &T) -> bool {
        let test = attrs.iter().any(|attr| {
            let path = attr.path();
            if path.is_ident("cfg") {
                let tokens = attr.meta.to_token_stream().to_string();
                let words: Vec<&str> = tokens
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .collect();
                return words.contains(&"test") && !words.contains(&"not");
            }
            path.segments.last().is_some_and(|s| s.ident == "test")
        });
        if test {
            self.tests.push(crate::lang::rust::node_range(item));
        }
        test
    }
}

use quote::ToTokens;

/// The string literals an expression evaluates to, through conversions
/// (`.to_string()`, `String::from`, `Some(…)`) and environment fallbacks
/// (`env::var("X").unwrap_or("…")`).
fn rust_value_literals(expr: &syn::Expr) -> Vec<&syn::LitStr> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => vec![s],
        syn::Expr::Reference(r) => rust_value_literals(&r.expr),
        syn::Expr::Paren(p) => rust_value_literals(&p.expr),
        syn::Expr::Group(g) => rust_value_literals(&g.expr),
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            match method.as_str() {
                "to_string" | "to_owned" | "into" | "clone" | "into_boxed_str" => {
                    rust_value_literals(&m.receiver)
                }
                "unwrap_or" if m.args.len() == 1 => rust_value_literals(&m.args[0]),
                "unwrap_or_else" if m.args.len() == 1 => match &m.args[0] {
                    syn::Expr::Closure(c) => rust_value_literals(&c.body),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            }
        }
        syn::Expr::Call(c) if c.args.len() == 1 => rust_value_literals(&c.args[0]),
        syn::Expr::Block(b) => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => rust_value_literals(e),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The environment variable an `env::var("X")…` chain reads.
fn rust_env_var(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::MethodCall(m) => rust_env_var(&m.receiver),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let last = p.path.segments.last()?.ident.to_string();
            if !matches!(last.as_str(), "var" | "var_os") {
                return None;
            }
            match c.args.first()? {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            }
        }
        _ => None,
    }
}

fn rust_pat_name(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(i) => Some(i.ident.to_string()),
        syn::Pat::Type(t) => rust_pat_name(&t.pat),
        _ => None,
    }
}

fn rust_target_name(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(id) => Some(id.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        _ => None,
    }
}

impl<'ast> syn::visit::Visit<'ast> for RustBindings {
    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        if self.skip_test(&i.attrs, i) {
            return;
        }
        self.bind(i.ident.to_string(), &i.expr);
        syn::visit::visit_item_const(self, i);
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        if self.skip_test(&i.attrs, i) {
            return;
        }
        self.bind(i.ident.to_string(), &i.expr);
        syn::visit::visit_item_static(self, i);
    }

    fn visit_impl_item_const(&mut self, i: &'ast syn::ImplItemConst) {
        self.bind(i.ident.to_string(), &i.expr);
        syn::visit::visit_impl_item_const(self, i);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let (Some(name), Some(init)) = (rust_pat_name(&l.pat), &l.init) {
            self.bind(name, &init.expr);
        }
        syn::visit::visit_local(self, l);
    }

    fn visit_field_value(&mut self, f: &'ast syn::FieldValue) {
        if let syn::Member::Named(id) = &f.member {
            self.bind(id.to_string(), &f.expr);
        }
        syn::visit::visit_field_value(self, f);
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if let Some(name) = rust_target_name(&a.left) {
            self.bind(name, &a.right);
        }
        syn::visit::visit_expr_assign(self, a);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let method = m.method.to_string();
        if matches!(method.as_str(), "unwrap_or" | "unwrap_or_else") {
            if let Some(var) = rust_env_var(&m.receiver) {
                self.bind_env(var, &syn::Expr::MethodCall(m.clone()));
            }
        }
        match (method.as_str(), m.args.first(), m.args.get(1)) {
            // `.header("x-api-key", "…")`, `.insert("Authorization", …)`
            ("header" | "insert" | "set", Some(key), Some(value)) => {
                if let Some(key) = rust_value_literals(key).first() {
                    self.bind(key.value(), value);
                }
            }
            // A literal given to `.bearer_auth(…)` is a credential by name.
            ("bearer_auth" | "basic_auth", Some(value), _) => {
                self.bind("authorization".to_string(), value);
                if let Some(password) = m.args.get(1) {
                    self.bind("password".to_string(), password);
                }
            }
            _ => {}
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_item_mod(&mut self, i: &'ast syn::ItemMod) {
        if !self.skip_test(&i.attrs, i) {
            syn::visit::visit_item_mod(self, i);
        }
    }

    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        if !self.skip_test(&i.attrs, i) {
            syn::visit::visit_item_fn(self, i);
        }
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        if !self.skip_test(&i.attrs, i) {
            syn::visit::visit_impl_item_fn(self, i);
        }
    }
}

/// Whether a value's name says it is text a form shows in an empty field
/// (`placeholder: "sk-…"`): an example of the shape, never a key.
fn is_display_text_name(name: &str) -> bool {
    split_words(name).last().is_some_and(|w| w == "placeholder")
}

impl Check for SecretCheck {
    fn literals(&self) -> Vec<String> {
        let mut literals: Vec<String> = self.names.iter().flat_map(WordGlob::literals).collect();
        // Rust's `.bearer_auth(…)` and `.basic_auth(…)` bind their
        // arguments to `authorization` and `password` without spelling them.
        if ["authorization", "password"]
            .iter()
            .any(|name| any_match(&self.names, name))
        {
            literals.extend(["bearer_auth".to_string(), "basic_auth".to_string()]);
        }
        for format in &self.formats {
            literals.extend(format.prefixes.iter().map(|p| p.to_string()));
        }
        literals.extend(self.prefixes.iter().cloned());
        if self.private_keys {
            literals.push("PRIVATE KEY".to_string());
        }
        // A Kubernetes Secret's data is base64: nothing else shows.
        literals.push("kind: Secret".to_string());
        literals.sort();
        literals.dedup();
        literals
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let path = file.path();
        // A shell command an agent runs is not a file anything commits.
        if path.starts_with("<shell-command>")
            || self.test_paths.is_match(path)
            || self.environment_files.is_match(path)
        {
            return;
        }
        let text = file.text();
        let k8s_secret = file.language == Language::Yaml && text.contains("Secret");
        let cands = self.candidates(text);
        if cands.0.is_empty() && !k8s_secret {
            return;
        }
        match file.language.family() {
            Family::Js => self.check_js(file, &cands, out),
            Family::Python => self.check_python(file, &cands, out),
            Family::Rust => self.check_rust(file, &cands, out),
            Family::Config => self.check_config(file, &cands, out),
            Family::Text => {}
            Family::Sql | Family::Prisma => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENAI: &str =
        "sk-proj-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM-R5Kjp1vRt_1fjORS-6ilI8";
    const GITHUB: &str = "ghp_wUbbYrEqmSM9wCZ7Uw9xfogoEmvnEN5N1aE6";
    const RANDOM: &str = "K6cPTt9iOqHOBSWhgetH8Lmy";

    /// The built-in instance's options, plus one custom prefix.
    fn check() -> SecretCheck {
        let meta = crate::rules::builtin_rules()
            .iter()
            .find(|m| m.id == "hardcoded-credential")
            .unwrap();
        let mut options: Options = parse_options(&meta.options).unwrap();
        options.prefixes = vec!["acme_live_".into()];
        SecretCheck::new(options).unwrap()
    }

    /// The sampled scan finds exactly the runs a scan of every run finds.
    #[test]
    fn candidate_runs_match_a_full_scan() {
        let check = check();
        let full = |text: &str| -> Vec<Range<usize>> {
            let mut ranges: Vec<Range<usize>> = text
                .split_ascii_whitespace()
                .filter(|run| run.len() >= check.min_length && could_hold_random(run))
                .map(|run| {
                    let start = run.as_ptr() as usize - text.as_ptr() as usize;
                    start..start + run.len()
                })
                .collect();
            ranges.extend(check.find_formats(text).into_iter().map(|h| h.span));
            ranges.extend(text.match_indices(KEY_HEADER).map(|(i, m)| i..i + m.len()));
            ranges.sort_by_key(|r| r.start);
            let mut merged: Vec<Range<usize>> = Vec::new();
            for r in ranges {
                match merged.last_mut() {
                    Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                    _ => merged.push(r),
                }
            }
            merged
        };
        let mut texts = vec![
            String::new(),
            RANDOM.to_string(),
            format!(" {RANDOM}"),
            format!("{RANDOM} "),
            format!("a\t{RANDOM}\n-----BEGIN RSA PRIVATE KEY-----\n{GITHUB} {OPENAI}"),
            "x".repeat(15),
            format!("{} {RANDOM}{RANDOM}", "k9".repeat(7)),
        ];
        // Every split of a random run by white space at every offset.
        for at in 0..=RANDOM.len() {
            for ws in [" ", "\n", "\r\n", "\t"] {
                let (a, b) = RANDOM.split_at(at);
                texts.push(format!("{a}{ws}{b}{RANDOM}{ws}{b}{a}{a}"));
            }
        }
        // Runs of exactly the shortest length, at every offset.
        for lead in 0..40 {
            for run in [&RANDOM[..16], &RANDOM[..17], &RANDOM[3..19]] {
                texts.push(format!("{} {run} {run}\n{run}", "a".repeat(lead)));
                texts.push(format!("{}\t{run}", " ".repeat(lead)));
            }
        }
        for dir in [
            "fixtures/hardcoded-credential/fail",
            "fixtures/hardcoded-credential/pass",
        ] {
            let mut stack = vec![std::path::PathBuf::from(dir)];
            while let Some(path) = stack.pop() {
                if path.is_dir() {
                    stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push(text);
                }
            }
        }
        assert!(texts.len() > 100);
        for text in &texts {
            assert_eq!(check.candidates(text).0, full(text), "{text:?}");
        }
    }

    fn compile_error(options: &str) -> OptionError {
        let table: toml::Table = format!("names = [\"*_TOKEN\"]\n{options}").parse().unwrap();
        match HardcodedSecret.compile(&table) {
            Ok(_) => panic!("{options} compiles"),
            Err(e) => e,
        }
    }

    #[test]
    fn options_are_validated() {
        assert_eq!(
            compile_error("formats = [\"opneai\"]").option.as_deref(),
            Some("formats")
        );
        assert_eq!(
            compile_error("prefixes = [\"x\"]").option.as_deref(),
            Some("prefixes")
        );
        assert_eq!(
            compile_error("min_length = 4").option.as_deref(),
            Some("min_length")
        );
        assert_eq!(
            compile_error("ignore_names = [\"*\"]").option.as_deref(),
            Some("ignore_names")
        );
        assert_eq!(
            compile_error("test_paths = [\"a/[\"]").option.as_deref(),
            Some("test_paths")
        );
        let only_aws: toml::Table = "names = []\nformats = [\"aws\"]".parse().unwrap();
        let check = HardcodedSecret.compile(&only_aws).unwrap();
        assert!(check.literals().contains(&"AKIA".to_string()));
        assert!(!check
            .literals()
            .iter()
            .any(|l| l.starts_with("sk-") || l == "PRIVATE KEY"));
    }

    fn formats(value: &str) -> Vec<String> {
        check()
            .find_formats(value)
            .into_iter()
            .map(|h| format!("{}: {}", h.description, &value[h.span]))
            .collect()
    }

    fn named(value: &str, name: &str) -> bool {
        check().find_named(value, name).is_some()
    }

    fn lint(path: &str, text: &str) -> Vec<crate::Finding> {
        crate::rules::lint_with_only("hardcoded-credential", &[(path, text)])
    }

    #[test]
    fn words_split_at_case_and_punctuation() {
        assert_eq!(split_words("openaiApiKey"), ["openai", "api", "key"]);
        assert_eq!(split_words("OPENAI_API_KEY"), ["openai", "api", "key"]);
        assert_eq!(split_words("x-api-key"), ["x", "api", "key"]);
        assert_eq!(split_words("APIKey"), ["api", "key"]);
        assert_eq!(split_words("API_KEY_2"), ["api", "key"]);
        assert_eq!(split_words("oauth2Token"), ["oauth2", "token"]);
        assert_eq!(
            split_words("spring.datasource.password"),
            ["spring", "datasource", "password"]
        );
    }

    #[test]
    fn word_globs() {
        let g = WordGlob::new("*_API_KEY").unwrap();
        for name in [
            "OPENAI_API_KEY",
            "openaiApiKey",
            "apiKey",
            "api_key",
            "X-Api-Key",
            "API_KEY_2",
        ] {
            assert!(g.is_match(name), "{name}");
        }
        for name in ["apiKeyId", "API_KEY_NAME", "keyApi", "monkey"] {
            assert!(!g.is_match(name), "{name}");
        }
        let t = WordGlob::new("*_TOKEN").unwrap();
        assert!(t.is_match("token") && t.is_match("accessToken") && t.is_match("GITHUB_TOKEN"));
        assert!(!t.is_match("max_tokens") && !t.is_match("tokenizer") && !t.is_match("TOKEN_URL"));
        let p = WordGlob::new("NEXT_PUBLIC_*").unwrap();
        assert!(p.is_match("NEXT_PUBLIC_SUPABASE_ANON_KEY") && !p.is_match("NEXT_SECRET"));
        assert!(WordGlob::new("clientSecret")
            .unwrap()
            .is_match("CLIENT_SECRET"));
        assert!(WordGlob::new("*").is_none());
        assert_eq!(
            WordGlob::new("*_API_KEY").unwrap().literals(),
            ["apikey", "api_key", "api-key", "api.key", "api key", "api__key", "api:key"]
        );
        assert_eq!(WordGlob::new("*_TOKEN").unwrap().literals(), ["token"]);
    }

    #[test]
    fn every_matching_name_spells_a_literal_of_its_glob() {
        let names = [
            "OPENAI_API_KEY",
            "openaiApiKey",
            "x-api-key",
            "stripe.api.key",
            "API Key",
            "APIKey",
            "API_KEY_2",
            "Api__Key",
            "PAYMENTS__API__KEY",
            "Jwt__Signing__Key",
            "Storage:Access:Key",
            "clientSecret",
            "CLIENT_SECRET",
            "client-secret",
            "access_token",
            "accessToken",
            "AWS_SECRET_ACCESS_KEY",
            "awsAccessKey",
            "JWT_PRIVATE_KEY",
            "privateKey",
            "WEBHOOK_SIGNING_KEY",
            "DB_PASSWORD",
            "spring.datasource.password",
            "Authorization",
        ];
        let instance: toml::Table = include_str!("../../rules/hardcoded-credential.toml")
            .parse()
            .unwrap();
        let globs: Vec<WordGlob> = instance["options"]["names"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| WordGlob::new(n.as_str().unwrap()))
            .collect();
        for name in names {
            let matching: Vec<&WordGlob> = globs.iter().filter(|g| g.is_match(name)).collect();
            assert!(!matching.is_empty(), "{name} matches no default name");
            for glob in matching {
                assert!(
                    glob.literals()
                        .iter()
                        .any(|l| name.to_ascii_lowercase().contains(l.as_str())),
                    "{name} spells none of {:?}",
                    glob.literals()
                );
            }
        }
    }

    #[test]
    fn known_formats_need_their_full_shape() {
        assert_eq!(formats(OPENAI), [format!("OpenAI API key: {OPENAI}")]);
        assert_eq!(
            formats(&format!("Bearer {GITHUB}")),
            [format!("GitHub token: {GITHUB}")]
        );
        let slack = "xoxb-62057986828-2880729022279-UhJduRHHJEYXg4JdpmrcXgGC";
        assert_eq!(formats(slack).len(), 1);
        assert_eq!(
            formats("AKIAKOK3ZV2MWUFXBV54"),
            ["AWS access key ID: AKIAKOK3ZV2MWUFXBV54"]
        );
        assert_eq!(formats("https://maps.googleapis.com/maps/api/js?key=AIzadi4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY_&v=3").len(), 1);
        assert_eq!(formats("acme_live_Ufd7UACNWiP3sFd67JikEAvstq").len(), 1);
        for placeholder in [
            "sk-...",
            "sk-your-key",
            "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sk-1234567890abcdef1234567890abcdef1234567890ab",
            "AKIAIOSFODNN7EXAMPLE",
            "AKIAXXXXXXXXXXXXXXXX",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "xoxb-your-bot-token",
            "xoxb-0000000000-0000000000000-abcdefghijklmnopqrstuvwx",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "ghp_wUbbYrEqmSM9wCZ7Uw9xfogoEmvn",
            "task-manager-service-worker-for-production-use",
            "sha512-AIzadi4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY_extra",
        ] {
            assert!(formats(placeholder).is_empty(), "{placeholder}");
        }
    }

    #[test]
    fn credential_names_need_random_values() {
        assert!(named(RANDOM, "JWT_SECRET"));
        assert!(named("79fc35526f7eaed46725a2a7b860dcd6", "apiKey"));
        assert!(named(&format!("Bearer {RANDOM}"), "Authorization"));
        assert!(!named(RANDOM, "NEXT_PUBLIC_MAPBOX_TOKEN"), "public");
        assert!(!named(RANDOM, "nextPageToken"), "ignored name");
        assert!(!named(RANDOM, "api_url"), "not a credential name");
        assert!(
            !named(RANDOM, "DEMO_TOKEN") && !named(RANDOM, "exampleApiKey"),
            "fake by name"
        );
        for value in [
            "",
            "changeme",
            "hunter2",
            "access_token",
            "OPENAI_API_KEY",
            "my-super-secret-jwt-key",
            "generate-with-openssl-rand-base64-32",
            "supersecretkey1234567",
            "your-api-key-here",
            "<your token>",
            "${OPENAI_API_KEY}",
            "{{ secrets.OPENAI_API_KEY }}",
            "$OPENAI_API_KEY",
            "%(api_key)s",
            "****************",
            "aaaaaaaaaaaaaaaaaaaa",
            "https://api.example.com/v1/token",
            "/run/secrets/api_key",
            "0x1f9840a85d5aF5bf1D1762F925BDADdC4201F984",
            "pk_live_51H8xYzAbCdEfGh12345678",
            "2024-01-01T00:00:00Z",
            "dXNlcjpwYXNzd29yZA==",
            "django-insecure-9u2x8k3l5m7n1p4q6r8s0t2v",
            "1x0000000000000000000000000000000AA",
            "abc123def456ghi789jkl",
            "abcd1234abcd1234abcd1234",
            "Xy7Xy7Xy7Xy7Xy7Xy7Xy7",
            "phc_K6cPTt9iOqHOBSWhgetH8Lmy",
            "correct horse battery staple",
            "Bearer ${token}",
            "admin@example.com",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        ] {
            assert!(!named(value, "API_SECRET"), "{value}");
        }
        assert!(!named("Basic dXNlcjpwYXNzd29yZA==", "authorization"));
    }

    /// Random tokens of the usual alphabets pass the heuristic: the
    /// placeholder, word and sequence checks cost little recall.
    #[test]
    fn random_tokens_look_random() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let base62 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let base64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let hex = b"0123456789abcdef";
        for (alphabet, len, min_rate) in [
            (&base62[..], 20, 0.95),
            (&base62[..], 32, 0.99),
            (&base64[..], 40, 0.97),
            (&hex[..], 32, 0.99),
            (&hex[..], 64, 0.99),
        ] {
            let trials = 2000;
            let mut passed = 0;
            let mut candidates = 0;
            for _ in 0..trials {
                let token: String = (0..len)
                    .map(|_| alphabet[next(alphabet.len())] as char)
                    .collect();
                if !token.bytes().any(|b| b.is_ascii_digit())
                    || !token.bytes().any(|b| b.is_ascii_alphabetic())
                {
                    continue;
                }
                candidates += 1;
                passed += usize::from(looks_random(&token, 16));
                assert!(body_is_random(&token) || is_placeholder(&token));
            }
            let rate = passed as f64 / candidates as f64;
            assert!(
                rate >= min_rate,
                "{len} chars of {}: {rate}",
                alphabet.len()
            );
        }
    }

    #[test]
    fn runs_and_entropy() {
        assert!(has_run(b"abc123456xyz") && has_run(b"xx00000") && has_run(b"fedcba"));
        assert!(!has_run(RANDOM.as_bytes()));
        assert!(entropy("aaaa") < 0.1 && entropy(RANDOM) > 3.5);
        assert!(is_word_like("my-app-v2-2024") && !is_word_like(RANDOM));
        for words in [
            "ReviewSchema2Payload",
            "getUncachableGmailClient2",
            ".replace(/[\\u0300-\\u036f]/g,",
            "useLocalStorageV2Hook",
            "OAuth2Callback",
            "HTTPServerError",
            "status.HTTP_404_NOT_FOUND",
            "className=\"text-2xl",
            "SUBSCRIPTION_STATUSES3",
        ] {
            assert!(is_word_like(words), "{words}");
        }
        for noise in [
            "JBSWY3DPEHPK3PXP",
            "79fc35526f7eaed46725a2a7b860dcd6",
            "q8vt2mxr9lpk4wz7nb3c",
        ] {
            assert!(!is_word_like(noise), "{noise}");
        }
        assert_eq!(
            camel_pieces("getOAuth2URLs"),
            ["get", "O", "Auth", "2", "UR", "Ls"]
        );
        assert_eq!(shown_prefix(RANDOM), "K6c");
        assert_eq!(base64_decode("c2stcHJvag==").unwrap(), b"sk-proj");
    }

    #[test]
    fn key_blocks() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu";
        let value =
            format!("-----BEGIN RSA PRIVATE KEY-----\\n{body}\\n-----END RSA PRIVATE KEY-----\\n");
        let (hits, open) = check().find_key_blocks(&value);
        assert!(open.is_empty());
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].description, "RSA private key");
        assert_eq!(
            &value[hits[0].span.clone()],
            "-----BEGIN RSA PRIVATE KEY-----"
        );
        // `\n` escapes stay visible between the masked runs.
        assert!(hits[0]
            .redact
            .iter()
            .all(|r| !value[r.clone()].contains('\\')));
        let placeholder = "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----";
        assert!(check().find_key_blocks(placeholder).0.is_empty());
        let (hits, open) = check().find_key_blocks("-----BEGIN OPENSSH PRIVATE KEY-----");
        assert!(hits.is_empty() && open.len() == 1);
        assert!(check()
            .find_key_blocks("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")
            .1
            .is_empty());
    }

    #[test]
    fn findings_name_the_binding_and_mask_the_value() {
        let text = format!("const config = {{ openaiKey: process.env.KEY ?? '{OPENAI}' }};\n");
        let findings = lint("src/config.ts", &text);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let f = &findings[0];
        assert_eq!(
            f.message,
            "hardcoded OpenAI API key `sk-proj-…REDACTED` in `openaiKey`"
        );
        assert!(!f.source.text.contains(OPENAI));
        assert_eq!(&f.source.text[f.span.clone()], "*".repeat(OPENAI.len()));
    }

    #[test]
    fn bindings_in_every_language() {
        let cases: &[(&str, String)] = &[
            ("a.ts", format!("class C {{ private readonly clientSecret = \"{RANDOM}\"; }}")),
            ("a.ts", format!("function f(apiKey = '{RANDOM}') {{}}")),
            ("a.tsx", format!("const x = <Provider apiKey=\"{RANDOM}\" />;")),
            ("a.js", format!("process.env.JWT_SECRET = '{RANDOM}';")),
            ("a.js", format!("headers.set('x-api-key', '{RANDOM}');")),
            ("a.py", format!("client = Client(api_key=\"{RANDOM}\")")),
            ("a.py", format!("SECRET = os.getenv(\"JWT_SECRET\", \"{RANDOM}\")")),
            ("a.py", format!("class S(BaseSettings):\n    jwt_secret: SecretStr = SecretStr(\"{RANDOM}\")")),
            ("a.py", format!("def f(token=\"{RANDOM}\"): pass")),
            ("a.py", format!("os.environ[\"OPENAI_API_KEY\"] = \"{RANDOM}\"")),
            ("a.py", format!("CONFIG = {{\"client_secret\": \"{RANDOM}\"}}")),
            ("a.rs", format!("const API_TOKEN: &str = \"{RANDOM}\";")),
            ("a.rs", format!("fn f() {{ let c = Config {{ api_key: \"{RANDOM}\".to_string() }}; }}")),
            ("a.rs", format!("fn f() {{ let k = std::env::var(\"API_KEY\").unwrap_or_else(|_| \"{RANDOM}\".into()); }}")),
            (
                "a.rs",
                format!("async fn f(c: Client) {{ c.get(U).header(\"x-api-key\", \"{RANDOM}\").send().await; }}"),
            ),
            (
                "a.rs",
                format!("async fn f(c: Client) {{ c.get(U).bearer_auth(\"{RANDOM}\").send().await; }}"),
            ),
            ("a.ts", format!("enum Keys {{ SIGNING_SECRET = '{RANDOM}' }}")),
            (".env.example", format!("export JWT_SECRET=\"{RANDOM}\"\n")),
            ("wrangler.toml", format!("[vars]\nWEBHOOK_SECRET = \"{RANDOM}\"\n")),
            ("docker-compose.yml", format!("services:\n  api:\n    environment:\n      - JWT_SECRET={RANDOM}\n")),
            ("k8s.yaml", format!("env:\n  - name: JWT_SECRET\n    value: {RANDOM}\n")),
        ];
        for (path, text) in cases {
            let findings = lint(path, text);
            assert_eq!(findings.len(), 1, "{path}: {text}\n{findings:?}");
            assert!(!findings[0].source.text.contains(RANDOM), "{path}");
            assert!(
                findings[0].message.starts_with("hardcoded secret `"),
                "{}",
                findings[0].message
            );
        }
    }

    #[test]
    fn rust_that_does_not_parse_is_read_lexically() {
        let text = format!("// \"{GITHUB}\"\nfn f( {{\n    let t = \"{GITHUB}\";\n");
        let findings = lint("src/broken.rs", &text);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].start.line, 3);
        assert_eq!(
            findings[0].message,
            "hardcoded GitHub token `ghp_…REDACTED`"
        );
    }

    #[test]
    fn quiet_places() {
        let cases: &[(&str, String)] = &[
            ("a.ts", format!("// const JWT_SECRET = '{RANDOM}';")),
            ("a.ts", format!("type Key = '{OPENAI}';")),
            ("a.ts", "const apiKey = process.env.OPENAI_API_KEY!;".to_string()),
            ("a.py", format!("def f():\n    \"\"\"Call with {OPENAI}.\"\"\"\n")),
            ("a.py", format!("# token = \"{RANDOM}\"")),
            ("a.rs", format!("#[cfg(test)]\nmod tests {{ const API_TOKEN: &str = \"{OPENAI}\"; }}")),
            ("a.rs", format!("/// `{OPENAI}`\nfn f() {{}}")),
            ("broken.rs", format!("// \"{OPENAI}\"\nfn f( {{ let c = '\"'; }}")),
            ("src/__tests__/a.ts", format!("const k = '{OPENAI}';")),
            ("tests/test_client.py", format!("KEY = \"{OPENAI}\"")),
            (".env", format!("OPENAI_API_KEY={OPENAI}\n")),
            ("web/.env.local", format!("OPENAI_API_KEY={OPENAI}\n")),
            ("web/.env.production.local", format!("OPENAI_API_KEY={OPENAI}\n")),
            ("a.ts", "const firebaseConfig = { apiKey: 'AIzadi4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY_', authDomain: 'x.firebaseapp.com' };".to_string()),
            (".env.production", "NEXT_PUBLIC_GOOGLE_MAPS_KEY=AIzadi4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY_\n".to_string()),
        ];
        for (path, text) in cases {
            let findings = lint(path, text);
            assert!(findings.is_empty(), "{path}: {text}\n{findings:?}");
        }
    }

    #[test]
    fn kubernetes_secret_data_is_decoded() {
        let encoded = "c2stcHJvai1QdFlnam1VaEJlbDMxaUVsMmhwQ2hZZ0Nmckwxc3BOeG55Vm1paEEtMk83NlVNRnhGa00tUjVLanAxdlJ0XzFmak9SUy02aWxJOA==";
        assert_eq!(base64_decode(encoded).unwrap(), OPENAI.as_bytes());
        let text = format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\ndata:\n  OPENAI_API_KEY: {encoded}\n  DB_PASSWORD: cGFzc3dvcmQ=\n");
        let findings = lint("deploy/secret.yaml", &text);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(
            findings[0].message,
            "hardcoded OpenAI API key (base64-encoded) `sk-proj-…REDACTED` in `OPENAI_API_KEY`"
        );
        assert!(!findings[0].source.text.contains(encoded));
    }
}
