//! Routers mounted under prefixes across files: which full paths a route
//! registered on a router reaches once every chain of mounts above that
//! router (`app.use('/api', api)` → `api.use('/oauth', oauthRouter)`) is
//! joined. The mounts of the project are read once, lazily, from the files
//! that contain a mount call, and resolved through the model's imports.

use std::collections::HashSet;
use std::path::Path;

use aho_corasick::AhoCorasick;

use std::sync::OnceLock;

use super::{ProjectModel, Symbol, FILE_LIMIT};
use crate::facts::routes::{join_route, route_key, CallbackPaths, Mount, Mounted, DJANGO_URLS};
use crate::finding::{Condition, Finding};
use crate::lang::{Family, Language};

/// How many mounts a chain climbs from a route's router to the app.
const MAX_DEPTH: usize = 8;

/// How many full paths one route is given at most (a router mounted in
/// many places).
const MAX_PATHS: usize = 64;

/// One mount of the project as read from its file; its ends are resolved
/// only for the routers a query climbs from.
#[derive(Debug)]
pub struct FileMount {
    /// The project path of the file that mounts.
    pub file: String,
    pub mount: Mount,
    /// The module the mounted name is imported from (or the module a
    /// specifier names), resolved without reading it; `None` for a router
    /// of the mounting file itself.
    pub source: Option<String>,
    /// Resolved on first need: the mounted router and the parent.
    resolved: OnceLock<Option<(Symbol, Symbol)>>,
}

/// The mounts one file makes, read while it was linted, and (for a file
/// that mounts) its module facts, which resolving the mounts reads.
pub struct FileMounts {
    pub mounts: Vec<Mount>,
    pub module: Option<crate::facts::modules::ModuleFacts>,
}

impl FileMounts {
    /// The mounts of a TS/JS or Python file (none without a mount literal;
    /// its tree is built only when it has one). `None` for other files and
    /// for a file its parser cannot read.
    pub fn read(file: &crate::lang::ParsedFile) -> Option<FileMounts> {
        let family = file.language.family();
        let literals = match family {
            Family::Js => js_literals(),
            Family::Python => python_literals(),
            _ => return None,
        };
        let text = file.text();
        if !literals.is_match(text.as_bytes()) {
            return Some(FileMounts {
                mounts: Vec::new(),
                module: None,
            });
        }
        let tree = file.tree()?;
        let mounts = crate::facts::routes::read_mounts(family, tree.root_node(), text);
        let module = if mounts.is_empty() {
            None
        } else {
            ProjectModel::tree_facts(file.language, tree.root_node(), text)
        };
        Some(FileMounts { mounts, module })
    }
}

/// A project path as a number, for the sets of files read that mount
/// nothing (tens of thousands of paths in a large tree).
pub fn path_key(path: &str) -> u64 {
    crate::cache::store::hash(path.as_bytes())
}

/// The literals a TS/JS file that mounts a router contains.
fn js_literals() -> &'static AhoCorasick {
    static LITERALS: OnceLock<AhoCorasick> = OnceLock::new();
    LITERALS.get_or_init(|| {
        AhoCorasick::new(crate::facts::routes::JS_MOUNT_LITERALS).expect("fixed literals")
    })
}

/// The literals a Python file that mounts a router contains.
fn python_literals() -> &'static AhoCorasick {
    static LITERALS: OnceLock<AhoCorasick> = OnceLock::new();
    LITERALS.get_or_init(|| {
        AhoCorasick::new(crate::facts::routes::PY_MOUNT_LITERALS).expect("fixed literals")
    })
}

impl ProjectModel {
    /// Takes the mounts the engine read while linting (by project path),
    /// so those files are not read again.
    /// `mount_free` holds the [`path_key`] of each file read that mounts
    /// nothing.
    pub fn add_read_mounts(
        &mut self,
        read: impl IntoIterator<Item = (String, Box<FileMounts>)>,
        mount_free: HashSet<u64>,
    ) {
        for (path, file) in read {
            let FileMounts { mounts, module } = *file;
            if let Some(module) = module {
                self.remember_module(&path, || Some(module));
            }
            self.read_mounts.insert(path, mounts);
        }
        self.mount_free.extend(mount_free);
        self.mounts = OnceLock::new();
    }

    /// Whether the engine read the mounts of the file at `path`.
    fn mounts_were_read(&self, path: &str) -> bool {
        // A warm hook asks for every file of the project with both empty.
        (!self.read_mounts.is_empty() && self.read_mounts.contains_key(path))
            || (!self.mount_free.is_empty() && self.mount_free.contains(&path_key(path)))
    }

    /// The router `name` as written in the file at `path` means: its
    /// definition through imports, a module's router (a JS module's default
    /// export, a Python module's Django `urlpatterns`), or, for a name the
    /// model cannot follow (a function's parameter, `this.app`), the name
    /// in that file.
    pub fn router_symbol(&self, path: &str, name: &str) -> Symbol {
        match self.resolve_name(path, name) {
            Some(Symbol::Module { path: module }) => self.module_router(&module),
            Some(symbol) => symbol,
            None => Symbol::Defined {
                path: path.to_string(),
                name: name.to_string(),
            },
        }
    }

    /// The router a module stands for when mounted whole.
    fn module_router(&self, module: &str) -> Symbol {
        let family = Language::from_path(module).map(Language::family);
        if family == Some(Family::Js) {
            if let Some(found) = self.resolve_export(module, "default", &mut Vec::new()) {
                return found;
            }
        }
        let name = if family == Some(Family::Python) {
            DJANGO_URLS
        } else {
            "default"
        };
        Symbol::Defined {
            path: module.to_string(),
            name: name.to_string(),
        }
    }

    /// Every mount of the project, read on first use.
    pub fn mounts(&self) -> &[FileMount] {
        self.mounts.get_or_init(|| self.read_mounts())
    }

    fn read_mounts(&self) -> Vec<FileMount> {
        use rayon::prelude::*;
        let (js, python) = (js_literals(), python_literals());
        let paths: Vec<String> = self
            .source_paths()
            .into_iter()
            .filter(|p| !self.mounts_were_read(p))
            .collect();
        // With the cache, most files are decided by their stamp: read the
        // stamps in parallel first.
        let stamps: Vec<Option<crate::cache::Stamp>> = if self.facts_cache.is_some() {
            self.disk_stamps(&paths)
        } else {
            Vec::new()
        };
        let unread: Vec<(String, Vec<Mount>)> = paths
            .into_par_iter()
            .enumerate()
            .filter_map(|(i, path)| {
                let language = Language::from_path(&path)?;
                let literals = if language.family() == Family::Python {
                    python
                } else {
                    js
                };
                let found = match self.cache_for(&path) {
                    Some(cache) => {
                        let stamp = stamps.get(i).copied().flatten();
                        self.cached_file_mounts(cache, &path, language, literals, stamp)
                    }
                    None => self.file_mounts(&path, language, literals),
                };
                let found = found.filter(|f| !f.is_empty())?;
                Some((path, found))
            })
            .collect();
        let read = self
            .read_mounts
            .iter()
            .filter(|(_, found)| !found.is_empty())
            .map(|(path, found)| (path.clone(), found.clone()));
        let mut files: Vec<(String, Vec<Mount>)> = read.chain(unread).collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
            .into_par_iter()
            .flat_map_iter(|(path, found)| self.resolve_mounts(path, found))
            .collect()
    }

    /// The mounts one file makes, with the module each mounted router
    /// comes from; a mount of a package outside the project is left out.
    fn resolve_mounts(&self, path: String, found: Vec<Mount>) -> Vec<FileMount> {
        let Some(language) = Language::from_path(&path) else {
            return Vec::new();
        };
        let family = language.family();
        let facts = self.module(&path);
        let mut mounts = Vec::new();
        for mount in found {
            let source = match &mount.child {
                Mounted::Module(specifier) => match self.resolver.resolve(&path, specifier, family)
                {
                    Some(module) => Some(module),
                    None => continue,
                },
                Mounted::Name(name) => {
                    let root = name.split('.').next().unwrap_or(name);
                    match facts.as_ref().and_then(|f| f.import(root)) {
                        Some(import) => match self.import_module(&path, import, family) {
                            Some(module) => Some(module),
                            // A package outside the project.
                            None => continue,
                        },
                        None => None,
                    }
                }
            };
            mounts.push(FileMount {
                file: path.clone(),
                mount,
                source,
                resolved: OnceLock::new(),
            });
        }
        mounts
    }

    /// The mounts the file at `path` makes, read from its text; `None`
    /// when it cannot be read.
    fn file_mounts(
        &self,
        path: &str,
        language: Language,
        literals: &AhoCorasick,
    ) -> Option<Vec<Mount>> {
        let text = self.resolver.text(path, FILE_LIMIT)?;
        Some(self.parse_mounts(path, language, literals, &text, |_| {}))
    }

    /// The mounts of `text` (none without a mount literal); the module
    /// facts of a file that mounts are read from the same parse, remembered
    /// and given to `facts`.
    fn parse_mounts(
        &self,
        path: &str,
        language: Language,
        literals: &AhoCorasick,
        text: &str,
        facts: impl FnOnce(&Option<crate::facts::modules::ModuleFacts>),
    ) -> Vec<Mount> {
        if !literals.is_match(text.as_bytes())
            || crate::lang::nesting::too_deep(language, text).is_some()
        {
            return Vec::new();
        }
        let Some(tree) = crate::lang::tree::parse(language, text) else {
            return Vec::new();
        };
        let found = crate::facts::routes::read_mounts(language.family(), tree.root_node(), text);
        if !found.is_empty() {
            // Resolving the mount's names reads this file's module facts:
            // read them from this parse.
            let module = Self::tree_facts(language, tree.root_node(), text);
            facts(&module);
            self.remember_module(path, || module);
        }
        found
    }

    /// [`Self::file_mounts`] through the facts cache: an unchanged file's
    /// mounts (and module facts) come from it without a read or a parse.
    fn cached_file_mounts(
        &self,
        cache: &crate::cache::facts::FactsCache,
        path: &str,
        language: Language,
        literals: &AhoCorasick,
        disk: Option<crate::cache::Stamp>,
    ) -> Option<Vec<Mount>> {
        let mounts = |known: &crate::cache::facts::Known| known.mounts.clone();
        if let Some(found) = disk.and_then(|stamp| cache.by_stamp(path, stamp, mounts)) {
            return Some(found);
        }
        let text = self.resolver.text(path, FILE_LIMIT)?;
        let hash = crate::cache::store::hash(text.as_bytes());
        if let Some(found) = cache.by_hash(path, hash, disk, mounts) {
            return Some(found);
        }
        let found = self.parse_mounts(path, language, literals, &text, |module| {
            cache.record(path, disk, hash, |known| known.set_module(module));
        });
        cache.record(path, disk, hash, |known| known.mounts = Some(found.clone()));
        Some(found)
    }

    /// The module an import reads from; for Python's `from pkg import
    /// module` in a package without `__init__.py`, the module itself.
    fn import_module(
        &self,
        path: &str,
        import: &crate::facts::modules::Import,
        family: Family,
    ) -> Option<String> {
        self.resolver
            .resolve(path, &import.source, family)
            .or_else(|| match (&import.imported, family) {
                (crate::facts::modules::Imported::Named(name), Family::Python) => {
                    let dot = if import.source.ends_with('.') {
                        ""
                    } else {
                        "."
                    };
                    let submodule = format!("{}{dot}{name}", import.source);
                    self.resolver.resolve(path, &submodule, family)
                }
                _ => None,
            })
    }

    /// Whether `mount` can attach a router defined in the file at
    /// `defined`: it mounts a router of that file itself, or one imported
    /// from that module or from a package index above it that may re-export
    /// it (`index.ts`, `__init__.py`). Other mounts are never resolved, so
    /// the model reads no module that a mount of middleware imports.
    fn may_mount(mount: &FileMount, defined: &str) -> bool {
        let Some(source) = &mount.source else {
            return mount.file == defined;
        };
        if source == defined {
            return true;
        }
        let (dir, file) = source.rsplit_once('/').unwrap_or(("", source));
        let stem = file.split('.').next().unwrap_or(file);
        let is_index = stem == "index" || stem == "__init__";
        is_index && (dir.is_empty() || defined.starts_with(&format!("{dir}/")))
    }

    /// The mounted router and the parent of `mount`, resolved once.
    fn mount_ends<'m>(&self, mount: &'m FileMount) -> Option<&'m (Symbol, Symbol)> {
        mount
            .resolved
            .get_or_init(|| {
                let child = match (&mount.mount.child, &mount.source) {
                    (Mounted::Module(_), Some(module)) => self.module_router(module),
                    (Mounted::Name(name), _) => self.router_symbol(&mount.file, name),
                    (Mounted::Module(_), None) => return None,
                };
                let parent = self.router_symbol(&mount.file, &mount.mount.parent);
                Some((child, parent))
            })
            .as_ref()
    }

    /// The project paths of the TS/JS and Python files the model can read:
    /// the texts it holds and the files under its root (outside
    /// `node_modules` and what `.gitignore` leaves out).
    pub(super) fn source_paths(&self) -> Vec<String> {
        let readable = |path: &str| {
            Language::from_path(path)
                .is_some_and(|l| matches!(l.family(), Family::Js | Family::Python))
        };
        let mut paths: Vec<String> = self
            .resolver
            .text_paths()
            .filter(|p| readable(p))
            .cloned()
            .collect();
        let held: HashSet<&str, rustc_hash::FxBuildHasher> =
            paths.iter().map(String::as_str).collect();
        if let Some(root) = self.resolver.root() {
            let walked = match &self.facts_cache {
                Some(cache) => cache.walk_index("sources", root).unwrap_or_else(|| {
                    let (folders, files) = Self::walk_sources(root, &readable);
                    cache.record_walk(
                        "sources",
                        crate::cache::facts::WalkIndex::new(root, folders, files.clone()),
                    );
                    files
                }),
                None => Self::walk_sources(root, &readable).1,
            };
            if held.is_empty() {
                return walked;
            }
            let walked: Vec<String> = walked
                .into_iter()
                .filter(|p| !held.contains(p.as_str()))
                .collect();
            paths.extend(walked);
        }
        paths
    }

    /// The folders a walk of `root` enters and the `readable` files it
    /// finds (project paths), outside `node_modules` and what `.gitignore`
    /// leaves out.
    fn walk_sources(root: &Path, readable: &dyn Fn(&str) -> bool) -> (Vec<String>, Vec<String>) {
        let walker = ignore::WalkBuilder::new(root)
            .hidden(true)
            .require_git(false)
            .filter_entry(|e| e.file_name() != "node_modules")
            .build();
        let (mut folders, mut files) = (Vec::new(), Vec::new());
        for entry in walker.flatten() {
            let Ok(relative) = entry.path().strip_prefix(root) else {
                continue;
            };
            let relative = relative.to_string_lossy().replace('\\', "/");
            match entry.file_type() {
                Some(t) if t.is_dir() => folders.push(relative),
                Some(t) if t.is_file() && readable(&relative) => files.push(relative),
                _ => {}
            }
        }
        (folders, files)
    }

    /// The full paths `route` (registered on `router` in the file at
    /// `path`, the router's own prefix included) reaches through every
    /// chain of mounts above the router.
    pub fn mounted_paths(&self, path: &str, router: &str, route: &str) -> Vec<String> {
        let mut out = Vec::new();
        let symbol = self.router_symbol(path, router);
        self.climb(&symbol, route.to_string(), 0, &mut out);
        out
    }

    fn climb(&self, router: &Symbol, route: String, depth: usize, out: &mut Vec<String>) {
        if out.len() >= MAX_PATHS {
            return;
        }
        let defined = match router {
            Symbol::Defined { path, .. } => path.as_str(),
            _ => return,
        };
        let parents: Vec<(&str, &Symbol)> = self
            .mounts()
            .iter()
            .filter(|m| Self::may_mount(m, defined))
            .filter_map(|m| {
                let (child, parent) = self.mount_ends(m)?;
                (child == router).then_some((m.mount.prefix.as_str(), parent))
            })
            .collect();
        if parents.is_empty() {
            if depth > 0 {
                out.push(route);
            }
            return;
        }
        if depth >= MAX_DEPTH {
            return;
        }
        for (prefix, parent) in parents {
            let joined = join_route(prefix, &route);
            self.climb(parent, joined, depth + 1, out);
        }
    }

    /// The first full path of a mounted route that `wanted` flags.
    pub fn mounted_route(
        &self,
        path: &str,
        router: &str,
        route: &str,
        wanted: &CallbackPaths,
    ) -> Option<String> {
        let mut paths = self.mounted_paths(path, router, route);
        if paths.is_empty() {
            // A router nobody mounts serves its routes as they are.
            paths.push(route.to_string());
        }
        paths
            .into_iter()
            .map(|p| {
                if p.starts_with('/') {
                    p
                } else {
                    format!("/{p}")
                }
            })
            .find(|p| wanted.flags(p))
    }

    /// A finding about a route whose full path only mounts in other files
    /// give: kept with that path in its message (and as the path references
    /// must reach), or dropped when no chain of mounts gives a path the
    /// rule flags. Other findings pass unchanged.
    pub fn place_route(&self, mut finding: Finding) -> Option<Finding> {
        let Some(index) = finding
            .conditions
            .iter()
            .position(|c| matches!(c, Condition::Project(super::Query::MountedRoute { .. })))
        else {
            return Some(finding);
        };
        let Condition::Project(super::Query::MountedRoute {
            router,
            route,
            wanted,
        }) = finding.conditions.remove(index)
        else {
            return Some(finding);
        };
        let full = self.mounted_route(finding.source.project_path(), &router, &route, &wanted)?;
        finding.message = finding
            .message
            .replacen(&format!("`{route}`"), &format!("`{full}`"), 1);
        let local_key = route_key(&route);
        for condition in &mut finding.conditions {
            if let Condition::UnlessRouteReferenced(key) = condition {
                if *key == local_key {
                    *key = route_key(&full);
                }
            }
        }
        Some(finding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn model(files: &[(&str, &str)]) -> ProjectModel {
        let mut model = ProjectModel::new(None);
        for (path, text) in files {
            model.add_text(path, Arc::from(*text));
        }
        model
    }

    #[test]
    fn prefixes_join_along_every_chain_of_mounts() {
        let model = model(&[
            (
                "src/routes/oauth.ts",
                "import { Router } from 'express';\nconst router = Router();\nrouter.get('/callback', h);\nexport default router;",
            ),
            (
                "src/routes/api.ts",
                "import { Router } from 'express';\nimport oauth from './oauth';\nexport const api = Router();\napi.use('/oauth', oauth);",
            ),
            (
                "src/app.ts",
                "import { api } from './routes/api';\nimport oauth from './routes/oauth';\nconst app = express();\napp.use('/api', api);\napp.use('/legacy', oauth);",
            ),
        ]);
        let mut paths = model.mounted_paths("src/routes/oauth.ts", "router", "/callback");
        paths.sort();
        assert_eq!(paths, vec!["/api/oauth/callback", "/legacy/callback"]);
        assert!(model
            .mounted_paths("src/routes/oauth.ts", "other", "/callback")
            .is_empty());
    }

    #[test]
    fn mount_cycles_and_unknown_modules_end() {
        let model = model(&[
            (
                "a.js",
                "const b = require('./b');\nconst router = express.Router();\nrouter.use('/b', b);\nrouter.use('/x', require('./missing'));\nmodule.exports = router;",
            ),
            (
                "b.js",
                "const a = require('./a');\nconst router = express.Router();\nrouter.use('/a', a);\nmodule.exports = router;",
            ),
        ]);
        // Every path climbs until the depth limit: none reaches an app.
        assert!(model
            .mounted_paths("a.js", "router", "/callback")
            .is_empty());
    }
}
