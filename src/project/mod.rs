//! The project model: joins the module facts of the project's files to
//! answer questions no single file can, such as "which definition does this
//! local name reach through imports, aliases and re-exports". Facts of a
//! file are read when a question first needs them (from the text a caller
//! already holds, or from disk), so the agent hook deciding one edit reads
//! only the few files a chain of imports passes through.
//!
//! Every answer may be "unknown" (a module outside the project, a cycle, a
//! file too large or unreadable): callers treat unknown as "no fact".

mod hosts;
mod migrations;
pub mod mounts;
mod orm;
pub mod resolve;
mod sealed;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use crate::facts::modules::{Export, Imported, ModuleFacts};
use crate::facts::units::{Supplied, UnitSummary};
use crate::lang::{Family, Language};

pub use resolve::Resolver;

/// How many import or re-export links one resolution follows.
const MAX_HOPS: usize = 32;

/// Largest file whose facts are read from disk for a resolution.
const FILE_LIMIT: u64 = 4 << 20;

/// What a name resolves to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Symbol {
    /// `name` as defined at the top level of the file at `path`.
    Defined { path: String, name: String },
    /// A whole module (a namespace import).
    Module { path: String },
    /// A member of a module outside the project (`@acme/sdk`, `requests`):
    /// the specifier as written and the member's name.
    External { source: String, name: String },
}

impl Symbol {
    /// The name the symbol is defined under, where known.
    pub fn defined_name(&self) -> Option<&str> {
        match self {
            Symbol::Defined { name, .. } | Symbol::External { name, .. } => Some(name),
            Symbol::Module { .. } => None,
        }
    }
}

/// A question about the project a finding's survival depends on, asked
/// from the finding's file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Query {
    /// Holds when `name`, as written in the file, reaches (through imports,
    /// aliases and re-exports) a definition whose name is one of `targets`.
    NameIs { name: String, targets: Vec<String> },
    /// Holds when `name` (`T`, `TABLES.x`, `mod.T`), followed through
    /// imports and re-exports to the module defining it and through the
    /// constants it names there, is a string constant that passes `test`.
    ConstantIs { name: String, test: ValueTest },
    /// Holds when `callee`, followed through imports, is a function whose
    /// parameter `param` reaches `reach` (a table call, a written row).
    HelperReaches {
        callee: String,
        param: usize,
        reach: crate::facts::flow::Reach,
    },
    /// Holds when `name`, as written in the file, reaches one of `targets`
    /// (as [`Query::NameIs`] does, or as a project class whose bases or
    /// `implements` do, across files) and none of the names in `before`
    /// does: one finding per implementation however many of its names
    /// reach the contract.
    Reaches {
        name: String,
        before: Vec<String>,
        targets: Vec<String>,
    },
    /// Holds when none of `bases` (project classes, as written in the
    /// file) supplies `member`, through their own bases across files: a
    /// member supplies when it has a body, except a stub in a class named
    /// like one of `definitions` (or a `Protocol`), and except an abstract
    /// declaration unless `abstract_supplies`. Unknown (a base outside the
    /// project or unresolvable, a class open to mixins) does not hold.
    BasesLack {
        bases: Vec<String>,
        member: String,
        definitions: Vec<String>,
        abstract_supplies: bool,
    },
    /// Holds when `route` (as registered on `router` in the file, with the
    /// router's own prefix) reaches, through the routers that mount
    /// `router` in any file, a full path `wanted` flags. The join reports
    /// the route under that full path ([`ProjectModel::place_route`]).
    MountedRoute {
        router: String,
        route: String,
        wanted: crate::facts::routes::CallbackPaths,
    },
    /// Holds when `column` of `table`, declared by the SQL migration the
    /// finding is in, is still there with one of `text_types` after every
    /// later migration of its folder (see [`ProjectModel::column_lives`]).
    ColumnLives {
        table: String,
        column: String,
        text_types: Vec<String>,
    },
    /// Holds when `value` (a string with substitutions), with each
    /// substitution `names` names spelled out as the project's string
    /// constant of that name, holds one of `hosts` that neither its literal
    /// text nor a single constant holds alone. The join reports the host so
    /// built in place of `written` ([`ProjectModel::place_host`]).
    BuiltHost {
        value: String,
        names: Vec<Option<String>>,
        hosts: Vec<String>,
        written: String,
    },
    /// Holds when `name` (as written in the file) is a model or table
    /// object (Drizzle `pgTable`, SQLAlchemy, Django) of a table `table`
    /// names, wherever it is defined.
    ModelIs { name: String, table: String },
    /// Holds when `name` (as written in the file) is a Knex instance
    /// (`knex(config)`), wherever it is defined.
    KnexInstance { name: String },
    /// Holds when the Prisma model accessed as `accessor` maps to a table
    /// `table` names, by the project's `schema.prisma` (`@@map`).
    PrismaTable { accessor: String, table: String },
    /// Holds unless the project's code writes a column of one of `names`
    /// in a table of `tables` (compared as
    /// [`crate::facts::sealed_writes::normalize`] spells them) with an
    /// encryption call's result: then the column holds ciphertext.
    StoredInClear {
        names: Vec<String>,
        tables: Vec<String>,
    },
}

/// What a constant's value must be for [`Query::ConstantIs`] to hold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ValueTest {
    /// It names this table (`t` or `schema.t`, as configured).
    NamesTable(String),
    /// It matches one of these column globs.
    MatchesColumn(Vec<String>),
}

impl ValueTest {
    fn passes(&self, value: &str) -> bool {
        match self {
            ValueTest::NamesTable(table) => {
                crate::facts::tables::TableSet::new("tables", std::slice::from_ref(table))
                    .is_ok_and(|set| {
                        let value = value.split_whitespace().next().unwrap_or_default();
                        set.find_string(value).is_some()
                    })
            }
            ValueTest::MatchesColumn(globs) => {
                crate::facts::columns::ColumnGlobs::new("columns", globs)
                    .is_ok_and(|set| set.is_match(value))
            }
        }
    }
}

/// What a [`Query::BasesLack`] looks for in a base class.
struct Inherit<'q> {
    member: &'q str,
    definitions: &'q [String],
    abstract_supplies: bool,
}

/// Whether a base class (with its own bases) supplies a member.
#[derive(Debug, PartialEq, Eq)]
enum Supply {
    Real,
    Lacking,
    Unknown,
}

/// Facts of the project's files, read on demand and shared across threads.
pub struct ProjectModel {
    resolver: Resolver,
    facts: Mutex<HashMap<String, Option<Arc<ModuleFacts>>>>,
    /// The project's router mounts, read when a query first needs them.
    mounts: OnceLock<Vec<mounts::FileMount>>,
    /// The mounts of the files the engine read while linting them.
    read_mounts: HashMap<String, Vec<crate::facts::routes::Mount>>,
    /// The [`mounts::path_key`] of each file the engine read that mounts
    /// nothing.
    mount_free: HashSet<u64>,
    /// Facts of files on disk kept between runs, when the caller uses the
    /// per-file cache.
    facts_cache: Option<Arc<crate::cache::facts::FactsCache>>,
    /// Migration folders and the schema changes of their files.
    migrations: migrations::MigrationCache,
    /// The table each Prisma model accessor maps to, by the folder asking
    /// (its nearest `schema.prisma`), read once.
    prisma_tables: Mutex<HashMap<(String, String), Option<String>>>,
    /// The columns the project's code writes sealed values to (key, and
    /// the names of the writing call), read when a query first needs them.
    sealed: OnceLock<Vec<(String, Vec<String>)>>,
    /// Every column name the run's `StoredInClear` questions ask about,
    /// when the caller said so up front ([`ProjectModel::expect`]): only
    /// files that spell one of them are read for sealed writes.
    sealed_names: Option<Vec<String>>,
}

impl ProjectModel {
    /// The project under `root`; `None` for one that exists only in the
    /// texts given with [`ProjectModel::with_text`].
    pub fn new(root: Option<&Path>) -> ProjectModel {
        ProjectModel {
            resolver: Resolver::new(root),
            facts: Mutex::new(HashMap::new()),
            mounts: OnceLock::new(),
            read_mounts: HashMap::new(),
            mount_free: HashSet::new(),
            facts_cache: None,
            migrations: migrations::MigrationCache::default(),
            prisma_tables: Mutex::new(HashMap::new()),
            sealed: OnceLock::new(),
            sealed_names: None,
        }
    }

    /// Tells the model the questions it is about to be asked, so that it
    /// reads no more of the project than they need.
    pub fn expect<'q>(&mut self, queries: impl Iterator<Item = &'q Query>) {
        let mut names = Vec::new();
        for query in queries {
            if let Query::StoredInClear { names: asked, .. } = query {
                names.extend(asked.iter().cloned());
            }
        }
        names.sort();
        names.dedup();
        self.sealed_names = Some(names);
        self.sealed = OnceLock::new();
    }

    /// Reads the facts of files on disk through `cache`, recording what it
    /// parses.
    pub fn use_facts_cache(&mut self, cache: Arc<crate::cache::facts::FactsCache>) {
        self.resolver.use_facts_cache(cache.clone());
        self.facts_cache = Some(cache);
    }

    /// Reads `path` from `text` instead of from disk (an edit the agent
    /// hook is deciding, a file given on stdin).
    pub fn with_text(mut self, path: &str, text: Arc<str>) -> ProjectModel {
        self.add_text(path, text);
        self
    }

    pub fn add_text(&mut self, path: &str, text: Arc<str>) {
        self.facts
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
        self.resolver.add_text(path, text);
        self.migrations = migrations::MigrationCache::default();
        self.mounts = OnceLock::new();
        self.sealed = OnceLock::new();
        self.prisma_tables
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    pub fn resolver(&self) -> &Resolver {
        &self.resolver
    }

    /// The module facts of the file at `path`, `None` when it cannot be
    /// read or is not a TS/JS or Python file.
    pub fn module(&self, path: &str) -> Option<Arc<ModuleFacts>> {
        if let Some(known) = self
            .facts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
        {
            return known.clone();
        }
        let facts = self.read_module(path).map(Arc::new);
        self.facts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), facts.clone());
        facts
    }

    /// Caches the module facts of `path` from a parse a caller already
    /// holds, unless they are known.
    fn remember_module(&self, path: &str, read: impl FnOnce() -> Option<ModuleFacts>) {
        let mut facts = self.facts.lock().unwrap_or_else(|e| e.into_inner());
        if !facts.contains_key(path) {
            facts.insert(path.to_string(), read().map(Arc::new));
        }
    }

    fn read_module(&self, path: &str) -> Option<ModuleFacts> {
        let language = Language::from_path(path)?;
        if !matches!(
            language.family(),
            Family::Js | Family::Python | Family::Rust
        ) {
            return None;
        }
        if let Some(cache) = self.cache_for(path) {
            let disk = self.disk_stamp(path);
            let module = |known: &crate::cache::facts::Known| known.module();
            if let Some(module) = disk.and_then(|stamp| cache.by_stamp(path, stamp, module)) {
                return module;
            }
            let text = self.resolver.text(path, FILE_LIMIT)?;
            let hash = crate::cache::store::hash(text.as_bytes());
            if let Some(module) = cache.by_hash(path, hash, disk, module) {
                return module;
            }
            let module = Self::module_facts(language, &text);
            cache.record(path, disk, hash, |known| known.set_module(&module));
            return module;
        }
        let text = self.resolver.text(path, FILE_LIMIT)?;
        Self::module_facts(language, &text)
    }

    /// The facts cache (a file held in memory is looked up by the hash of
    /// its text alone).
    fn cache_for(&self, _path: &str) -> Option<&Arc<crate::cache::facts::FactsCache>> {
        self.facts_cache.as_ref()
    }

    /// The stamp of a project file on disk, when it is a regular file the
    /// model would read from disk (not a text it holds).
    /// [`Self::disk_stamp`] of many files at once, read folder by folder.
    fn disk_stamps(&self, paths: &[String]) -> Vec<Option<crate::cache::Stamp>> {
        let Some(root) = self.resolver.root() else {
            return vec![None; paths.len()];
        };
        let on_disk: Vec<&str> = paths.iter().map(String::as_str).collect();
        let stamps = crate::cache::Stamp::read_many(root, &on_disk);
        paths
            .iter()
            .zip(stamps)
            .map(|(path, stamp)| {
                let stamp = stamp.filter(|s| s.size <= FILE_LIMIT)?;
                (!self.resolver.holds_text(path) && self.cache_for(path).is_some()).then_some(stamp)
            })
            .collect()
    }

    fn disk_stamp(&self, path: &str) -> Option<crate::cache::Stamp> {
        if self.resolver.holds_text(path) {
            return None;
        }
        let meta = std::fs::metadata(self.resolver.root()?.join(path)).ok()?;
        (meta.is_file() && meta.len() <= FILE_LIMIT).then(|| crate::cache::Stamp::of(&meta))
    }

    /// Module facts (with flow and units) of one file's text.
    fn module_facts(language: Language, text: &str) -> Option<ModuleFacts> {
        if crate::lang::nesting::too_deep(language, text).is_some() {
            return None;
        }
        if language.family() == Family::Rust {
            let syntax = crate::lang::rust::parse(text);
            let file = syntax.file()?;
            let mut facts = crate::facts::rust_modules::read(file);
            facts.units = crate::facts::units::rust_summaries(file);
            return Some(facts);
        }
        let tree = crate::lang::tree::parse(language, text)?;
        Self::tree_facts(language, tree.root_node(), text)
    }

    /// Module facts of a file its rules already parsed, as
    /// [`Self::module_facts`] reads them from its text.
    pub fn parsed_module_facts(file: &crate::lang::ParsedFile) -> Option<ModuleFacts> {
        match file.language.family() {
            Family::Rust => {
                let syntax = file.rust().file()?;
                let mut facts = crate::facts::rust_modules::read(syntax);
                facts.units = crate::facts::units::rust_summaries(syntax);
                Some(facts)
            }
            Family::Js | Family::Python => {
                let tree = file.tree()?;
                Self::tree_facts(file.language, tree.root_node(), file.text())
            }
            _ => None,
        }
    }

    /// Records the module facts of `path` read from a parse already made
    /// (see [`Self::parsed_module_facts`]), unless they are known.
    pub fn add_module_facts(&self, path: &str, facts: ModuleFacts) {
        self.remember_module(path, || Some(facts));
    }

    /// Module facts (with flow and units) of a parsed file.
    pub(crate) fn tree_facts(
        language: Language,
        root: tree_sitter::Node<'_>,
        text: &str,
    ) -> Option<ModuleFacts> {
        let mut facts = crate::facts::modules::read(language, root, text)?;
        facts.flow = crate::facts::flow::read(language, root, text);
        facts.units = crate::facts::units::summaries(language, root, text);
        facts.models = crate::facts::orm::module_models(language, root, text);
        Some(facts)
    }

    /// Whether `query`, asked from the file at `path`, holds.
    pub fn holds(&self, path: &str, query: &Query) -> bool {
        match query {
            Query::NameIs { name, targets } => self
                .resolve_name(path, name)
                .and_then(|symbol| {
                    let defined = symbol.defined_name()?;
                    let last = defined.rsplit('.').next().unwrap_or(defined);
                    Some(targets.iter().any(|t| t == last))
                })
                .unwrap_or(false),
            Query::Reaches {
                name,
                before,
                targets,
            } => {
                let reaches = |n: &str| self.reaches(path, n, targets, &mut Vec::new());
                reaches(name) && !before.iter().any(|b| reaches(b))
            }
            Query::BasesLack {
                bases,
                member,
                definitions,
                abstract_supplies,
            } => {
                let inherit = Inherit {
                    member,
                    definitions,
                    abstract_supplies: *abstract_supplies,
                };
                bases.iter().all(|base| {
                    self.supplies(path, base, &inherit, &mut Vec::new()) == Supply::Lacking
                })
            }
            Query::ConstantIs { name, test } => self
                .constant_value(path, name)
                .is_some_and(|value| test.passes(&value)),
            Query::HelperReaches {
                callee,
                param,
                reach,
            } => self.helper_reaches(path, callee, *param, *reach),
            Query::MountedRoute {
                router,
                route,
                wanted,
            } => self.mounted_route(path, router, route, wanted).is_some(),
            Query::ColumnLives {
                table,
                column,
                text_types,
            } => self.column_lives(path, table, column, text_types),
            Query::BuiltHost {
                value,
                names,
                hosts,
                ..
            } => self.built_host(path, value, names, hosts).is_some(),
            Query::ModelIs { name, table } => self.model_is(path, name, table),
            Query::KnexInstance { name } => self.knex_instance(path, name),
            Query::PrismaTable { accessor, table } => self.prisma_table_is(path, accessor, table),
            Query::StoredInClear { names, tables } => self.stored_in_clear(names, tables),
        }
    }

    /// The string value of the constant `name` as written in the file at
    /// `path`: followed through imports to its module, then through the
    /// names it is set to there (`export const T = TABLES.x`).
    pub fn constant_value(&self, path: &str, name: &str) -> Option<String> {
        let (mut path, mut name) = (path.to_string(), name.to_string());
        for _ in 0..MAX_HOPS {
            let (module, defined) = self.constant_home(&path, &name)?;
            match self.module(&module)?.flow.constant(&defined)? {
                crate::facts::flow::ConstantValue::Text(value) => return Some(value.clone()),
                crate::facts::flow::ConstantValue::Name(other) => {
                    (path, name) = (module, other.clone());
                }
            }
        }
        None
    }

    /// The module that defines the constant `name` and its name there:
    /// `TABLES.x` is member `x` of the object constant `TABLES` wherever
    /// `TABLES` resolves to.
    fn constant_home(&self, path: &str, name: &str) -> Option<(String, String)> {
        if let Some(Symbol::Defined { path, name }) = self.resolve_name(path, name) {
            return Some((path, name));
        }
        let (head, rest) = name.split_once('.')?;
        match self.resolve_name(path, head)? {
            Symbol::Defined { path, name } => Some((path, format!("{name}.{rest}"))),
            _ => None,
        }
    }

    /// Whether `callee` as written in the file at `path` is a function whose
    /// parameter `param` reaches `reach`.
    pub fn helper_reaches(
        &self,
        path: &str,
        callee: &str,
        param: usize,
        reach: crate::facts::flow::Reach,
    ) -> bool {
        match self.resolve_name(path, callee) {
            Some(Symbol::Defined { path, name }) => self
                .module(&path)
                .is_some_and(|facts| facts.flow.reaches(&name, param, reach)),
            _ => false,
        }
    }

    /// The summary of the project class `name` (as written in the file at
    /// `path`) resolves to, with the file it is defined in.
    fn class(&self, path: &str, name: &str) -> Option<(String, UnitSummary)> {
        let Symbol::Defined { path, name } = self.resolve_name(path, name)? else {
            return None;
        };
        let facts = self.module(&path)?;
        let unit = facts.units.iter().find(|u| u.name == name)?.clone();
        Some((path, unit))
    }

    /// Whether `name` as written in the file at `path` reaches one of
    /// `targets` by name, or is a project class whose bases or
    /// `implements` do.
    fn reaches(
        &self,
        path: &str,
        name: &str,
        targets: &[String],
        seen: &mut Vec<(String, String)>,
    ) -> bool {
        if seen.len() > MAX_HOPS || seen.iter().any(|(p, n)| p == path && n == name) {
            return false;
        }
        seen.push((path.to_string(), name.to_string()));
        let named = self.holds(
            path,
            &Query::NameIs {
                name: name.to_string(),
                targets: targets.to_vec(),
            },
        );
        named
            || self.class(path, name).is_some_and(|(file, unit)| {
                unit.implements
                    .iter()
                    .chain(&unit.bases)
                    .any(|n| self.reaches(&file, n, targets, seen))
            })
    }

    /// What the class `base` (as written in the file at `path`) and its
    /// bases supply as `inherit.member`, depth first, left to right.
    fn supplies(
        &self,
        path: &str,
        base: &str,
        inherit: &Inherit<'_>,
        seen: &mut Vec<(String, String)>,
    ) -> Supply {
        if seen.len() > MAX_HOPS || seen.iter().any(|(p, n)| p == path && n == base) {
            return Supply::Unknown;
        }
        seen.push((path.to_string(), base.to_string()));
        let Some((file, unit)) = self.class(path, base) else {
            return Supply::Unknown;
        };
        if let Some(supplied) = unit.member(inherit.member) {
            let definition = unit.protocol || inherit.definitions.contains(&unit.name);
            return match supplied {
                Supplied::Real => Supply::Real,
                Supplied::Stub if !definition => Supply::Real,
                Supplied::Abstract if inherit.abstract_supplies => Supply::Real,
                Supplied::Stub | Supplied::Abstract => Supply::Lacking,
            };
        }
        if unit.open {
            return Supply::Unknown;
        }
        for next in &unit.bases {
            match self.supplies(&file, next, inherit, seen) {
                Supply::Lacking => {}
                found => return found,
            }
        }
        Supply::Lacking
    }

    /// What `name` (possibly dotted: `ns.Connector`, `base.BaseConnector`)
    /// as written in the file at `path` refers to.
    pub fn resolve_name(&self, path: &str, name: &str) -> Option<Symbol> {
        let mut seen = Vec::new();
        self.resolve_local(path, name, &mut seen)
    }

    fn family(path: &str) -> Option<Family> {
        Language::from_path(path).map(Language::family)
    }

    fn resolve_local(
        &self,
        path: &str,
        name: &str,
        seen: &mut Vec<(String, String)>,
    ) -> Option<Symbol> {
        if seen.len() > MAX_HOPS || seen.iter().any(|(p, n)| p == path && n == name) {
            return None;
        }
        seen.push((path.to_string(), name.to_string()));
        let facts = self.module(path)?;
        if let Some(import) = facts.import(name) {
            return self.follow_import(path, &import.source, &import.imported, seen);
        }
        if facts.defines(name) {
            return Some(Symbol::Defined {
                path: path.to_string(),
                name: name.to_string(),
            });
        }
        // `ns.Member`, `pkg.mod.Member`: the longest imported prefix.
        let mut split = name.len();
        while let Some(dot) = name.get(..split).and_then(|n| n.rfind('.')) {
            let (prefix, member) = (name.get(..dot)?, name.get(dot + 1..)?);
            if let Some(import) = facts.import(prefix) {
                let base = self.follow_import(path, &import.source, &import.imported, seen)?;
                return self.member_of(base, member, seen);
            }
            split = dot;
        }
        None
    }

    /// `member` (possibly dotted) of what `base` names.
    fn member_of(
        &self,
        base: Symbol,
        member: &str,
        seen: &mut Vec<(String, String)>,
    ) -> Option<Symbol> {
        match base {
            Symbol::Module { path } => {
                let (head, rest) = match member.split_once('.') {
                    Some((h, r)) => (h, Some(r)),
                    None => (member, None),
                };
                let found = self.resolve_export(&path, head, seen)?;
                match rest {
                    Some(rest) => self.member_of(found, rest, seen),
                    None => Some(found),
                }
            }
            Symbol::External { source, name } => Some(Symbol::External {
                source,
                name: format!("{name}.{member}")
                    .trim_start_matches("*.")
                    .to_string(),
            }),
            Symbol::Defined { .. } => None,
        }
    }

    fn follow_import(
        &self,
        from: &str,
        source: &str,
        imported: &Imported,
        seen: &mut Vec<(String, String)>,
    ) -> Option<Symbol> {
        let family = Self::family(from)?;
        let Some(module) = self.resolver.resolve(from, source, family) else {
            return Some(Symbol::External {
                source: source.to_string(),
                name: match imported {
                    Imported::Named(name) => name.clone(),
                    Imported::Default => "default".to_string(),
                    Imported::Module => "*".to_string(),
                },
            });
        };
        match imported {
            Imported::Module => Some(Symbol::Module { path: module }),
            Imported::Default => self.resolve_export(&module, "default", seen),
            Imported::Named(name) => self
                .resolve_export(&module, name, seen)
                .or_else(|| self.python_submodule(&module, name, family))
                .or_else(|| self.rust_submodule(&module, name, family)),
        }
    }

    /// Python `from pkg import submodule`: the module `name` in the package
    /// whose `__init__.py` is `package`.
    fn python_submodule(&self, package: &str, name: &str, family: Family) -> Option<Symbol> {
        if family != Family::Python || !package.ends_with("__init__.py") {
            return None;
        }
        self.resolver
            .resolve(package, &format!(".{name}"), family)
            .map(|path| Symbol::Module { path })
    }

    /// Rust `use crate::providers;`: the child module `name` of the
    /// module whose file is `module`.
    fn rust_submodule(&self, module: &str, name: &str, family: Family) -> Option<Symbol> {
        if family != Family::Rust {
            return None;
        }
        self.resolver
            .resolve(module, &format!("self::{name}"), family)
            .map(|path| Symbol::Module { path })
    }

    /// The symbol module `path` exports as `name`.
    fn resolve_export(
        &self,
        path: &str,
        name: &str,
        seen: &mut Vec<(String, String)>,
    ) -> Option<Symbol> {
        let facts = self.module(path)?;
        for export in &facts.exports {
            match export {
                Export::Local { exported, local } if exported == name => {
                    return self.resolve_local(path, local, seen);
                }
                Export::From {
                    exported,
                    source,
                    imported,
                } if exported == name => {
                    if seen.len() > MAX_HOPS {
                        return None;
                    }
                    seen.push((path.to_string(), format!("export {name}")));
                    return self.follow_import(path, source, imported, seen);
                }
                _ => {}
            }
        }
        if facts.exports_everything {
            if let Some(found) = self.resolve_local(path, name, seen) {
                return Some(found);
            }
        }
        for export in &facts.exports {
            if let Export::All { source } = export {
                let family = Self::family(path)?;
                if let Some(module) = self.resolver.resolve(path, source, family) {
                    if seen.len() > MAX_HOPS
                        || seen
                            .iter()
                            .any(|(p, n)| p == &module && n == &format!("all {name}"))
                    {
                        continue;
                    }
                    seen.push((module.clone(), format!("all {name}")));
                    if let Some(found) = self.resolve_export(&module, name, seen) {
                        return Some(found);
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        dir
    }

    fn defined(path: &str, name: &str) -> Option<Symbol> {
        Some(Symbol::Defined {
            path: path.into(),
            name: name.into(),
        })
    }

    #[test]
    fn facts_from_a_rule_pass_parse_are_the_facts_read_from_the_text() {
        for (path, text) in [
            (
                "src/store.ts",
                "import { db as client } from './db';\nexport type { Connector as C } from './c';\nexport class Store implements C {\n  constructor(private t = 'rows') {}\n  save(patch) { return client.from(this.t).update(patch); }\n}\n",
            ),
            (
                "app/store.py",
                "from .db import client\n\nclass Store(Base):\n    table = 'rows'\n\n    def save(self, patch):\n        return client.table(self.table).update(patch)\n",
            ),
            (
                "src/lib.rs",
                "mod conn;\nuse crate::conn::Connector;\npub struct Gh;\nimpl Connector for Gh { fn revoke(&self) {} }\n",
            ),
        ] {
            let language = Language::from_path(path).unwrap();
            let source = Arc::new(crate::source::SourceFile::new(path, path, text.to_string()));
            let parsed = crate::lang::ParsedFile::new(source, language);
            let from_parse = ProjectModel::parsed_module_facts(&parsed);
            assert!(from_parse.is_some(), "{path}");
            assert_eq!(from_parse, ProjectModel::module_facts(language, text), "{path}");
        }
    }

    #[test]
    fn alias_of_a_reexported_alias_reaches_the_definition() {
        let dir = project(&[
            ("packages/sdk/package.json", r#"{"name":"@acme/sdk","types":"src/index.ts"}"#),
            ("packages/sdk/src/types.ts", "export interface Connector { revoke(): void }"),
            (
                "packages/sdk/src/index.ts",
                "export type { Connector as IntegrationConnector } from './types';\nexport * from './other';",
            ),
            ("packages/sdk/src/other.ts", "export const helper = 1;"),
            (
                "apps/api/src/github.ts",
                "import type { IntegrationConnector as IC } from '@acme/sdk';\nimport * as sdk from '@acme/sdk';\nexport class GitHub implements IC {}",
            ),
        ]);
        let model = ProjectModel::new(Some(dir.path()));
        let from = "apps/api/src/github.ts";
        assert_eq!(
            model.resolve_name(from, "IC"),
            defined("packages/sdk/src/types.ts", "Connector")
        );
        assert_eq!(
            model.resolve_name(from, "sdk.IntegrationConnector"),
            defined("packages/sdk/src/types.ts", "Connector")
        );
        assert_eq!(
            model.resolve_name(from, "sdk.helper"),
            defined("packages/sdk/src/other.ts", "helper")
        );
        assert_eq!(
            model.resolve_name(from, "GitHub"),
            defined("apps/api/src/github.ts", "GitHub")
        );
    }

    #[test]
    fn cycles_and_unknown_modules_are_unknown_or_external() {
        let dir = project(&[
            ("a.ts", "export { X } from './b';"),
            ("b.ts", "export { X } from './a';"),
            ("c.ts", "import { X } from './a';\nimport { Y } from 'left-pad';\nimport { Z } from './missing';"),
        ]);
        let model = ProjectModel::new(Some(dir.path()));
        assert_eq!(model.resolve_name("c.ts", "X"), None);
        assert_eq!(
            model.resolve_name("c.ts", "Y"),
            Some(Symbol::External {
                source: "left-pad".into(),
                name: "Y".into()
            })
        );
        assert!(matches!(
            model.resolve_name("c.ts", "Z"),
            Some(Symbol::External { .. })
        ));
    }

    #[test]
    fn python_base_class_from_another_module() {
        let dir = project(&[
            ("svc/app/__init__.py", ""),
            ("svc/app/connectors/__init__.py", "from .base import BaseConnector\n"),
            ("svc/app/connectors/base.py", "class BaseConnector:\n    pass\n"),
            (
                "svc/app/connectors/github.py",
                "from app.connectors import BaseConnector as Base\nfrom app import connectors\nclass GitHub(Base): pass\n",
            ),
        ]);
        let model = ProjectModel::new(Some(dir.path()));
        let from = "svc/app/connectors/github.py";
        assert_eq!(
            model.resolve_name(from, "Base"),
            defined("svc/app/connectors/base.py", "BaseConnector")
        );
        assert_eq!(
            model.resolve_name(from, "connectors.BaseConnector"),
            defined("svc/app/connectors/base.py", "BaseConnector")
        );
    }

    #[test]
    fn overlay_text_wins_over_disk() {
        let dir = project(&[("a.ts", "export interface A {}"), ("b.ts", "")]);
        let model = ProjectModel::new(Some(dir.path()))
            .with_text("b.ts", Arc::from("import { A as Renamed } from './a';"));
        assert_eq!(model.resolve_name("b.ts", "Renamed"), defined("a.ts", "A"));
    }
}
