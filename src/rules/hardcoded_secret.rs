//! The `hardcoded-secret` rule kind.

mod data;
mod finders;
mod names;
mod options;
mod values;

use std::collections::HashSet;
use std::ops::Range;

use crate::globs::LazyGlobSet;
use aho_corasick::AhoCorasick;

use crate::facts::bound_strings::bound_strings;
use crate::facts::secret_formats::{base64_decode, Format};
use crate::lang::{Family, Language, ParsedFile, StrLit};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};
use finders::ValueHit;
use names::{any_match, is_display_text_name, is_identifier_like, split_words, WordGlob};
use options::OPTIONS;
use values::{
    block_body, could_hold_random, env_assignment, key_body_runs, looks_random, redacted,
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

/// What every PEM private key block starts with.
const KEY_HEADER: &str = "-----BEGIN ";

struct SecretCheck {
    /// Every format prefix (and custom prefix, without a format), found in
    /// one pass by `prefix_matcher`.
    prefix_table: Vec<(String, Option<&'static Format>)>,
    /// Built on first use: most runs never look for a prefix.
    prefix_matcher: crate::deferred::Deferred<Option<AhoCorasick>>,
    /// Finds [`KEY_HEADER`].
    key_header: AhoCorasick,
    names: Vec<WordGlob>,
    ignore_names: Vec<WordGlob>,
    public_names: Vec<WordGlob>,
    formats: Vec<&'static Format>,
    private_keys: bool,
    prefixes: Vec<String>,
    min_length: usize,
    test_paths: LazyGlobSet,
    environment_files: LazyGlobSet,
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
        if name.is_some_and(is_display_text_name) || declared_not_secret(out.file, span.start) {
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

    /// Every string of the file near a place a finding could be, judged
    /// with the name it is bound to.
    fn check_strings(&self, file: &ParsedFile, cands: &Candidates, out: &mut Reporter<'_>) {
        let mut ctx = FileContext::new(file);
        bound_strings(file, &|range| cands.overlaps(range), &mut |string| {
            if string.base64 {
                let name = (string.name)();
                let lit = string.lit;
                self.check_encoded(lit.span.clone(), &lit.value, name.as_deref(), out);
            } else {
                self.scan_literal(file, string.lit, string.name, &mut ctx, out);
            }
        });
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
        self.check_strings(file, &cands, out);
    }
}

/// Whether the code's author says, in a comment on the value's line or in
/// the comment block just above it, that the value is not a secret (`//
/// This is not actually a secret key, just a string we XOR with`): a
/// constant written on purpose, such as an obfuscation salt. In the agent
/// hook the comment's line must predate the edit: an agent cannot vouch
/// for the value it writes.
fn declared_not_secret(file: &ParsedFile, start: usize) -> bool {
    let src = file.text();
    use crate::source::{floor_char_boundary, slice};
    const PHRASES: &[&str] = &[
        "not a secret",
        "not actually a secret",
        "not secret",
        "not sensitive",
    ];
    let says_so = |comment: &str| {
        let comment = comment.to_ascii_lowercase();
        PHRASES.iter().any(|phrase| comment.contains(phrase))
    };
    let start = floor_char_boundary(src, start.min(src.len()));
    let line_start = slice(src, ..start).rfind('\n').map_or(0, |i| i + 1);
    let line_end = slice(src, start..)
        .find('\n')
        .map_or(src.len(), |i| start + i);
    let line = slice(src, line_start..line_end);
    let trailing = line.find("//").or_else(|| line.find('#'));
    if trailing.is_some_and(|i| says_so(slice(line, i..))) && file.predates_edit(line) {
        return true;
    }
    // The comment lines right above, nearest first, at most eight.
    slice(src, ..line_start.saturating_sub(1))
        .lines()
        .rev()
        .take(8)
        .map(str::trim_start)
        .take_while(|l| {
            l.starts_with("//") || l.starts_with('#') || l.starts_with('*') || l.starts_with("/*")
        })
        .any(|l| says_so(l) && file.predates_edit(l))
}

#[cfg(test)]
mod tests;
