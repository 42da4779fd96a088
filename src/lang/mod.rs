//! Language detection and the one-parse-per-file cache the rules share.
#![cfg_attr(not(test), deny(clippy::string_slice))]

pub mod config_files;
pub mod nesting;
pub mod notebook;
pub mod prisma;
pub mod python;
pub mod rust;
pub mod sql;
pub mod tree;
pub mod typescript;

use std::cell::OnceCell;
use std::sync::Arc;

use crate::source::SourceFile;

/// Every language plumbline reads. JavaScript is parsed with the TSX grammar,
/// which accepts JSX and plain JavaScript alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    TypeScript,
    Tsx,
    JavaScript,
    Python,
    Rust,
    Sql,
    Prisma,
    Env,
    Json,
    Yaml,
    Toml,
    /// Any other text file a project names in `[files] text` (an
    /// `nginx.conf`, a Dockerfile, a shell script): read as plain text by
    /// the rules that look for hosts.
    Text,
}

/// Groups of languages rules are written against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// TypeScript, TSX and JavaScript.
    Js,
    Python,
    Rust,
    Sql,
    /// Prisma schemas (`schema.prisma`): data models, read for their fields.
    Prisma,
    /// `.env`, JSON, YAML and TOML.
    Config,
    /// Plain text named in `[files] text`.
    Text,
}

impl Language {
    pub const ALL: &'static [Language] = &[
        Language::TypeScript,
        Language::Tsx,
        Language::JavaScript,
        Language::Python,
        Language::Rust,
        Language::Sql,
        Language::Prisma,
        Language::Env,
        Language::Json,
        Language::Yaml,
        Language::Toml,
        Language::Text,
    ];

    /// Detects the language from a file name; `None` means plumbline never
    /// reads the file.
    pub fn from_path(path: &str) -> Option<Language> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if name == ".env" || name.starts_with(".env.") {
            return Some(Language::Env);
        }
        let ext = name.rsplit_once('.')?.1;
        Some(match ext {
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "js" | "jsx" | "mjs" | "cjs" => Language::JavaScript,
            "py" | "pyi" => Language::Python,
            "rs" => Language::Rust,
            "sql" => Language::Sql,
            "prisma" => Language::Prisma,
            "json" | "jsonc" | "json5" => Language::Json,
            "yaml" | "yml" => Language::Yaml,
            "toml" => Language::Toml,
            _ => return None,
        })
    }

    pub fn family(self) -> Family {
        match self {
            Language::TypeScript | Language::Tsx | Language::JavaScript => Family::Js,
            Language::Python => Family::Python,
            Language::Rust => Family::Rust,
            Language::Sql => Family::Sql,
            Language::Prisma => Family::Prisma,
            Language::Env | Language::Json | Language::Yaml | Language::Toml => Family::Config,
            Language::Text => Family::Text,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::JavaScript => "javascript",
            Language::Python => "python",
            Language::Rust => "rust",
            Language::Sql => "sql",
            Language::Prisma => "prisma",
            Language::Env => "env",
            Language::Json => "json",
            Language::Yaml => "yaml",
            Language::Toml => "toml",
            Language::Text => "text",
        }
    }

    /// Line-comment openers, for reading suppression comments.
    pub fn comment_markers(self) -> &'static [&'static str] {
        match self.family() {
            Family::Js | Family::Rust => &["//", "/*"],
            // `//` and `///` (doc comments); Prisma has no block comments.
            Family::Prisma => &["//"],
            Family::Python => &["#"],
            Family::Sql => &["--", "/*"],
            Family::Config => match self {
                Language::Json => &["//", "/*"],
                _ => &["#"],
            },
            // Configuration files and scripts comment with `#`.
            Family::Text => &["#"],
        }
    }
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::Js => "ts/js",
            Family::Python => "python",
            Family::Rust => "rust",
            Family::Sql => "sql",
            Family::Prisma => "prisma",
            Family::Config => "config",
            Family::Text => "text",
        }
    }
}

/// The call nodes of a tree in document order, found on first use.
type LazyCalls<'t> = OnceCell<Vec<tree_sitter::Node<'t>>>;

self_cell::self_cell!(
    /// A tree-sitter tree with the index of its calls, so the rules that
    /// read calls share one walk of the tree.
    struct Syntax {
        owner: tree_sitter::Tree,
        #[not_covariant]
        dependent: LazyCalls,
    }
);

/// A source file plus its syntax, parsed at most once and only when a rule
/// asks for it.
pub struct ParsedFile {
    pub source: Arc<SourceFile>,
    pub language: Language,
    tree: OnceCell<Option<Syntax>>,
    rust: OnceCell<rust::RustSyntax>,
    sql: OnceCell<Vec<sql::SqlStatement>>,
    prisma: OnceCell<Vec<prisma::PrismaBlock>>,
    config: OnceCell<Vec<config_files::ConfigScalar<'static>>>,
    /// Why the file is too deeply nested to hand to its parser, if it is.
    too_deep: OnceCell<Option<String>>,
    /// CPU time spent building its syntax, counted only when
    /// [`crate::timings`] collects.
    parse_ns: std::cell::Cell<u64>,
    /// Whether any syntax was built for it.
    parsed: std::cell::Cell<bool>,
    /// When the file is the result of an agent's edit: the trimmed lines of
    /// the text it replaces. An author's word in a comment (`// not a
    /// secret`) counts only on a line that was already there.
    earlier_lines: Option<Arc<std::collections::HashSet<String>>>,
}

impl ParsedFile {
    pub fn new(source: Arc<SourceFile>, language: Language) -> Self {
        ParsedFile {
            source,
            language,
            tree: OnceCell::new(),
            rust: OnceCell::new(),
            sql: OnceCell::new(),
            prisma: OnceCell::new(),
            config: OnceCell::new(),
            too_deep: OnceCell::new(),
            parse_ns: std::cell::Cell::new(0),
            parsed: std::cell::Cell::new(false),
            earlier_lines: None,
        }
    }

    /// Marks the file as an edit's result whose earlier text had `lines`
    /// (trimmed); see [`ParsedFile::predates_edit`].
    pub fn with_earlier_lines(mut self, lines: Arc<std::collections::HashSet<String>>) -> Self {
        self.earlier_lines = Some(lines);
        self
    }

    /// Whether `line` was in the file before the edit being checked (always
    /// true outside an edit): a comment the edit wrote cannot vouch for the
    /// code it sits beside.
    pub fn predates_edit(&self, line: &str) -> bool {
        self.earlier_lines
            .as_ref()
            .is_none_or(|lines| lines.contains(line.trim()))
    }

    /// Runs `build` (one of the parsers) and counts its time.
    fn timed<T>(&self, build: impl FnOnce() -> T) -> T {
        self.parsed.set(true);
        let start = crate::timings::start();
        let built = build();
        self.parse_ns
            .set(self.parse_ns.get() + crate::timings::since(start));
        built
    }

    /// CPU time spent parsing so far (when timings are collected).
    pub fn parse_ns(&self) -> u64 {
        self.parse_ns.get()
    }

    /// Whether a rule asked for the file's syntax.
    pub fn was_parsed(&self) -> bool {
        self.parsed.get()
    }

    /// A file whose tree is reparsed from `previous`, the tree of another
    /// version of the same file, so only the edited region is parsed again.
    pub fn reparsed(
        source: Arc<SourceFile>,
        language: Language,
        previous: &tree_sitter::Tree,
        previous_text: &str,
    ) -> Self {
        let file = ParsedFile::new(source, language);
        if file.too_deep().is_none() {
            let tree = tree::reparse(language, previous, previous_text, &file.source.text);
            let _ = file.tree.set(tree.map(Syntax::indexed));
        }
        file
    }

    /// The tree if a rule already parsed it.
    pub fn tree_if_parsed(&self) -> Option<&tree_sitter::Tree> {
        self.tree
            .get()
            .and_then(Option::as_ref)
            .map(Syntax::borrow_owner)
    }

    pub fn text(&self) -> &str {
        &self.source.text
    }

    pub fn path(&self) -> &str {
        self.source.project_path()
    }

    /// The tree-sitter tree for JS-family and Python files; `None` also
    /// when the file is nested too deeply to parse safely.
    pub fn tree(&self) -> Option<&tree_sitter::Tree> {
        self.syntax().map(Syntax::borrow_owner)
    }

    fn syntax(&self) -> Option<&Syntax> {
        self.tree
            .get_or_init(|| {
                self.timed(|| {
                    if self.too_deep().is_some() {
                        return None;
                    }
                    tree::parse(self.language, &self.source.text).map(Syntax::indexed)
                })
            })
            .as_ref()
    }

    /// Runs `read` with the file's tree and its call nodes (TS/JS
    /// `call_expression`, Python `call`) in document order: the calls are
    /// found in one walk, shared by every rule that reads calls. `None`
    /// when the file has no tree.
    pub fn with_calls<R>(
        &self,
        read: impl for<'t> FnOnce(&'t tree_sitter::Tree, &[tree_sitter::Node<'t>]) -> R,
    ) -> Option<R> {
        let syntax = self.syntax()?;
        Some(syntax.with_dependent(|tree, calls| {
            read(tree, calls.get_or_init(|| tree::calls(tree.root_node())))
        }))
    }

    pub fn rust(&self) -> &rust::RustSyntax {
        self.rust.get_or_init(|| {
            self.timed(|| match self.too_deep() {
                Some(reason) => rust::RustSyntax::Failed {
                    message: reason.to_string(),
                    span: 0..0,
                },
                None => rust::parse(&self.source.text),
            })
        })
    }

    /// Why the file is not handed to its parser (nested deeper than the
    /// parser can take), checked once, lexically.
    pub fn too_deep(&self) -> Option<&str> {
        self.too_deep
            .get_or_init(|| nesting::too_deep(self.language, &self.source.text))
            .as_deref()
    }

    /// The note for a file a rule wanted parsed but that was too deeply
    /// nested to parse.
    pub fn skipped_parse_note(&self) -> Option<String> {
        let asked = self.tree.get().is_some() || self.rust.get().is_some();
        let reason = self.too_deep.get()?.as_deref()?;
        asked.then(|| format!("{reason}; rules that need its syntax skipped it"))
    }

    /// The Rust syntax if some rule already asked for it.
    pub fn rust_if_parsed(&self) -> Option<&rust::RustSyntax> {
        self.rust.get()
    }

    pub fn sql(&self) -> &[sql::SqlStatement] {
        self.sql
            .get_or_init(|| self.timed(|| sql::parse_statements(&self.source.text)))
    }

    /// The models, views and composite types of a Prisma schema.
    pub fn prisma(&self) -> &[prisma::PrismaBlock] {
        self.prisma
            .get_or_init(|| self.timed(|| prisma::parse(&self.source.text)))
    }

    /// Keys and scalar values of a config file, with comments skipped.
    pub fn config_scalars(&self) -> &[config_files::ConfigScalar<'static>] {
        self.config.get_or_init(|| {
            self.timed(|| {
                let Some(format) = config_format(self.language) else {
                    return Vec::new();
                };
                config_files::scan(format, &self.source.text)
                    .into_iter()
                    .map(owned_scalar)
                    .collect()
            })
        })
    }
}

fn owned_scalar(s: config_files::ConfigScalar<'_>) -> config_files::ConfigScalar<'static> {
    config_files::ConfigScalar {
        span: s.span,
        value_span: s.value_span,
        value: std::borrow::Cow::Owned(s.value.into_owned()),
        is_key: s.is_key,
    }
}

fn config_format(language: Language) -> Option<config_files::ConfigFormat> {
    use config_files::ConfigFormat;
    Some(match language {
        Language::Env => ConfigFormat::Env,
        Language::Json => ConfigFormat::Json,
        Language::Yaml => ConfigFormat::Yaml,
        Language::Toml => ConfigFormat::Toml,
        _ => return None,
    })
}

impl Drop for ParsedFile {
    fn drop(&mut self) {
        if self.rust.get().is_some() {
            // syn's spans live in a per-thread source map that only grows;
            // free it once the file's findings are built.
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    }
}
pub mod query;

impl Syntax {
    fn indexed(tree: tree_sitter::Tree) -> Syntax {
        Syntax::new(tree, |_| OnceCell::new())
    }
}

/// The plain value types of the tree helpers (a string's folded value, a
/// glob over names), for code that reads no tree itself.
pub use tree::{NameGlob, StrLit, SUBSTITUTION};
