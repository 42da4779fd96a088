//! Module resolution: which project file a specifier names, seen from the
//! importing file. TS/JS relative paths with extensions and index files,
//! `tsconfig.json`/`jsconfig.json` `baseUrl` and `paths` (nearest config,
//! `extends` followed), workspace packages by their `package.json` name;
//! Python relative imports and absolute modules from any ancestor folder;
//! Rust module paths within a crate and across a workspace ([`rust`]).
//! A specifier that names nothing in the project resolves to `None`
//! (unknown), never to a guess.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::lang::Family;

mod rust;

/// Extensions tried, in order, for an extension-less TS/JS specifier.
const JS_EXTENSIONS: &[&str] = &[
    ".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts",
];

/// Largest config file read while resolving (tsconfig, package.json).
const CONFIG_LIMIT: u64 = 1 << 20;

/// How many `extends` links of a tsconfig are followed.
const EXTENDS_DEPTH: usize = 8;

/// `compilerOptions` that steer resolution, with paths made
/// project-relative.
#[derive(Debug, Clone, Default)]
struct TsPaths {
    /// Project-relative folder `baseUrl` names (or the config's folder).
    base: Option<String>,
    /// `paths` patterns and their project-relative targets.
    paths: Vec<(String, Vec<String>)>,
}

/// Resolves specifiers against the files under one root. Lookups on disk
/// are cached, so resolving many imports reads each config once.
pub struct Resolver {
    /// `None` for a project that exists only in memory (tests, stdin).
    root: Option<std::path::PathBuf>,
    /// Texts held in memory, read instead of the disk.
    texts: HashMap<String, std::sync::Arc<str>>,
    exists: Mutex<HashMap<String, bool>>,
    ts_configs: Mutex<HashMap<String, Option<TsPaths>>>,
    packages: OnceLock<HashMap<String, String>>,
    /// The project's Rust crates by the name code uses for them.
    crates: OnceLock<HashMap<String, String>>,
}

impl Resolver {
    pub fn new(root: Option<&Path>) -> Resolver {
        Resolver {
            root: root.map(Path::to_path_buf),
            texts: HashMap::new(),
            exists: Mutex::new(HashMap::new()),
            ts_configs: Mutex::new(HashMap::new()),
            packages: OnceLock::new(),
            crates: OnceLock::new(),
        }
    }

    /// Reads `path` from `text` instead of from disk.
    pub fn add_text(&mut self, path: &str, text: std::sync::Arc<str>) {
        self.exists
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), true);
        self.texts.insert(path.to_string(), text);
    }

    /// The text of a project file, from memory or disk; `None` past
    /// `limit` bytes or when unreadable.
    pub fn text(&self, project_path: &str, limit: u64) -> Option<std::sync::Arc<str>> {
        if let Some(text) = self.texts.get(project_path) {
            return Some(text.clone());
        }
        let path = self.root.as_ref()?.join(project_path);
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > limit {
            return None;
        }
        std::fs::read_to_string(path).ok().map(std::sync::Arc::from)
    }

    /// The project paths of the texts held in memory.
    pub fn text_paths(&self) -> impl Iterator<Item = &String> {
        self.texts.keys()
    }

    /// The folder project paths are relative to, if the project is on disk.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The project path of the module `specifier` names, imported from the
    /// file at project path `from`.
    pub fn resolve(&self, from: &str, specifier: &str, family: Family) -> Option<String> {
        match family {
            Family::Js => self.resolve_js(from, specifier),
            Family::Python => self.resolve_python(from, specifier),
            Family::Rust => self.resolve_rust(from, specifier),
            _ => None,
        }
    }

    fn is_file(&self, project_path: &str) -> bool {
        if project_path.is_empty() || project_path.split('/').any(|s| s == "..") {
            return false;
        }
        let mut cache = self.exists.lock().unwrap_or_else(|e| e.into_inner());
        *cache.entry(project_path.to_string()).or_insert_with(|| {
            self.root
                .as_ref()
                .is_some_and(|root| root.join(project_path).is_file())
        })
    }

    fn read(&self, project_path: &str) -> Option<String> {
        self.text(project_path, CONFIG_LIMIT).map(|t| t.to_string())
    }

    fn resolve_js(&self, from: &str, specifier: &str) -> Option<String> {
        let dir = parent(from);
        if specifier.starts_with("./") || specifier.starts_with("../") || specifier == "." {
            return self.js_file(&join(dir, specifier)?);
        }
        if specifier.starts_with('/') {
            return None;
        }
        if let Some(found) = self.ts_paths(dir, specifier) {
            return Some(found);
        }
        self.workspace_package(specifier)
    }

    /// The file a path without (or with a JS) extension names: the path
    /// itself, with an extension, or its folder's index file.
    fn js_file(&self, base: &str) -> Option<String> {
        let has_extension = base
            .rsplit('/')
            .next()
            .is_some_and(|name| name.contains('.'));
        if has_extension && self.is_file(base) {
            return Some(base.to_string());
        }
        // TS ESM style: `./types.js` names `types.ts`.
        for (js, ts) in [
            (".js", ".ts"),
            (".js", ".tsx"),
            (".mjs", ".mts"),
            (".cjs", ".cts"),
        ] {
            if let Some(stem) = base.strip_suffix(js) {
                let candidate = format!("{stem}{ts}");
                if self.is_file(&candidate) {
                    return Some(candidate);
                }
            }
        }
        for extension in JS_EXTENSIONS {
            let candidate = format!("{base}{extension}");
            if self.is_file(&candidate) {
                return Some(candidate);
            }
        }
        let prefix = if base.is_empty() {
            String::new()
        } else {
            format!("{base}/")
        };
        JS_EXTENSIONS
            .iter()
            .map(|extension| format!("{prefix}index{extension}"))
            .find(|candidate| self.is_file(candidate))
    }

    /// Resolution through the nearest tsconfig/jsconfig's `paths` and
    /// `baseUrl`.
    fn ts_paths(&self, dir: &str, specifier: &str) -> Option<String> {
        let config = self.nearest_ts_config(dir)?;
        for (pattern, targets) in &config.paths {
            let captured = match pattern.split_once('*') {
                Some((prefix, suffix)) => specifier
                    .strip_prefix(prefix)
                    .and_then(|rest| rest.strip_suffix(suffix)),
                None => (pattern == specifier).then_some(""),
            };
            let Some(captured) = captured else { continue };
            for target in targets {
                let path = target.replacen('*', captured, 1);
                if let Some(found) = self.js_file(&path) {
                    return Some(found);
                }
            }
        }
        let base = config.base.as_deref()?;
        self.js_file(&join(base, &format!("./{specifier}"))?)
    }

    fn nearest_ts_config(&self, dir: &str) -> Option<TsPaths> {
        let mut current = Some(dir);
        while let Some(folder) = current {
            for name in ["tsconfig.json", "jsconfig.json"] {
                let path = child(folder, name);
                if self.is_file(&path) {
                    return self.ts_config(&path, 0);
                }
            }
            current = (!folder.is_empty()).then(|| parent(folder));
        }
        None
    }

    /// A tsconfig's resolution options, with `extends` followed.
    fn ts_config(&self, path: &str, depth: usize) -> Option<TsPaths> {
        if let Some(known) = self
            .ts_configs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
        {
            return known.clone();
        }
        let parsed = if depth > EXTENDS_DEPTH {
            None
        } else {
            self.read(path)
                .and_then(|text| parse_jsonc(&text))
                .map(|json| self.ts_config_value(path, &json, depth))
        };
        self.ts_configs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), parsed.clone());
        parsed
    }

    fn ts_config_value(&self, path: &str, json: &Value, depth: usize) -> TsPaths {
        let dir = parent(path);
        let mut inherited = json
            .get("extends")
            .and_then(Value::as_str)
            .filter(|e| e.starts_with('.'))
            .and_then(|e| {
                let target = join(dir, e)?;
                let target = if target.ends_with(".json") {
                    target
                } else {
                    format!("{target}.json")
                };
                self.ts_config(&target, depth + 1)
            })
            .unwrap_or_default();
        let options = json.get("compilerOptions");
        let base = options
            .and_then(|o| o.get("baseUrl"))
            .and_then(Value::as_str)
            .and_then(|b| join(dir, &format!("./{b}")));
        if base.is_some() {
            inherited.base = base.clone();
        }
        if let Some(paths) = options
            .and_then(|o| o.get("paths"))
            .and_then(Value::as_object)
        {
            let anchor = base.unwrap_or_else(|| dir.to_string());
            inherited.paths = paths
                .iter()
                .map(|(pattern, targets)| {
                    let targets = targets
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .filter_map(|t| join(&anchor, &format!("./{t}")))
                        .collect();
                    (pattern.clone(), targets)
                })
                .collect();
            // The longest prefix wins, as in TypeScript.
            inherited.paths.sort_by_key(|(pattern, _)| {
                std::cmp::Reverse(pattern.find('*').unwrap_or(pattern.len()))
            });
        }
        inherited
    }

    /// A workspace package by its `package.json` name, and a subpath in it.
    fn workspace_package(&self, specifier: &str) -> Option<String> {
        let packages = self.packages.get_or_init(|| self.find_packages());
        let (name, subpath) = split_package(specifier);
        let dir = packages.get(name)?;
        if let Some(subpath) = subpath {
            return self
                .js_file(&child(dir, subpath))
                .or_else(|| self.js_file(&child(dir, &format!("src/{subpath}"))));
        }
        let manifest = self
            .read(&child(dir, "package.json"))
            .and_then(|t| parse_jsonc(&t));
        let mut entries: Vec<String> = Vec::new();
        if let Some(manifest) = &manifest {
            if let Some(export) = manifest.get("exports").and_then(|e| e.get(".").or(Some(e))) {
                collect_export_targets(export, &mut entries);
            }
            for field in ["types", "typings", "module", "main", "source"] {
                if let Some(entry) = manifest.get(field).and_then(Value::as_str) {
                    entries.push(entry.to_string());
                }
            }
        }
        entries.extend(["src/index".to_string(), "index".to_string()]);
        entries.iter().find_map(|entry| {
            let path = join(dir, &format!("./{}", entry.trim_start_matches("./")))?;
            self.js_file(&path).or_else(|| {
                // A build output path (`dist/index.js`) whose source is in
                // `src/`.
                let source = path.replacen("/dist/", "/src/", 1);
                (source != path).then(|| self.js_file(source.trim_end_matches(".js")))?
            })
        })
    }

    /// Every `package.json` under the root (outside `node_modules`), by the
    /// name it declares.
    fn find_packages(&self) -> HashMap<String, String> {
        let mut packages = HashMap::new();
        for path in self.texts.keys() {
            if path == "package.json" || path.ends_with("/package.json") {
                if let Some(name) = self
                    .read(path)
                    .and_then(|t| parse_jsonc(&t))
                    .and_then(|json| json.get("name")?.as_str().map(str::to_string))
                {
                    packages.insert(name, parent(path).to_string());
                }
            }
        }
        let Some(root) = &self.root else {
            return packages;
        };
        let walker = ignore::WalkBuilder::new(root)
            .hidden(true)
            .filter_entry(|e| e.file_name() != "node_modules")
            .build();
        for entry in walker.flatten() {
            if entry.file_name() != "package.json" {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(root) else {
                continue;
            };
            let relative = relative.to_string_lossy().replace('\\', "/");
            let Some(name) = self
                .read(&relative)
                .and_then(|t| parse_jsonc(&t))
                .and_then(|json| json.get("name")?.as_str().map(str::to_string))
            else {
                continue;
            };
            packages
                .entry(name)
                .or_insert_with(|| parent(&relative).to_string());
        }
        packages
    }

    fn resolve_python(&self, from: &str, specifier: &str) -> Option<String> {
        let dots = specifier.chars().take_while(|c| *c == '.').count();
        let module_path = specifier[dots..].replace('.', "/");
        if dots > 0 {
            let mut dir = parent(from);
            for _ in 1..dots {
                if dir.is_empty() {
                    return None;
                }
                dir = parent(dir);
            }
            return self.python_file(&child(dir, &module_path));
        }
        // Absolute: from the importing file's folder up to the root, the
        // first folder holding the module is the import root.
        let mut current = Some(parent(from));
        while let Some(folder) = current {
            if let Some(found) = self.python_file(&child(folder, &module_path)) {
                return Some(found);
            }
            current = (!folder.is_empty()).then(|| parent(folder));
        }
        self.python_file(&child("src", &module_path))
    }

    fn python_file(&self, base: &str) -> Option<String> {
        [
            format!("{base}.py"),
            format!("{base}.pyi"),
            child(base, "__init__.py"),
        ]
        .into_iter()
        .find(|candidate| self.is_file(candidate))
    }
}

/// `exports` targets in preference order: `types`, `import`, `default`,
/// `require`, then any string.
fn collect_export_targets(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Object(map) => {
            for key in ["types", "source", "import", "default", "require", "node"] {
                if let Some(inner) = map.get(key) {
                    collect_export_targets(inner, out);
                }
            }
        }
        _ => {}
    }
}

/// `@scope/name/sub/path` → (`@scope/name`, `sub/path`).
fn split_package(specifier: &str) -> (&str, Option<&str>) {
    let segments = if specifier.starts_with('@') { 2 } else { 1 };
    let mut end = 0;
    for (count, (index, _)) in specifier.match_indices('/').enumerate() {
        if count + 1 == segments {
            end = index;
            break;
        }
    }
    if end == 0 {
        (specifier, None)
    } else {
        (&specifier[..end], Some(&specifier[end + 1..]))
    }
}

/// JSON with comments and trailing commas, as tsconfig allows.
pub fn parse_jsonc(text: &str) -> Option<Value> {
    if let Ok(value) = serde_json::from_str(text) {
        return Some(value);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            _ => out.push(c),
        }
    }
    let mut cleaned = String::with_capacity(out.len());
    let bytes: Vec<char> = out.chars().collect();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            cleaned.push(c);
            if c == '\\' && i + 1 < bytes.len() {
                cleaned.push(bytes[i + 1]);
                i += 1;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            cleaned.push(c);
        } else if c == ',' {
            let next = bytes[i + 1..].iter().find(|c| !c.is_whitespace());
            if !matches!(next, Some('}') | Some(']')) {
                cleaned.push(c);
            }
        } else {
            cleaned.push(c);
        }
        i += 1;
    }
    serde_json::from_str(&cleaned).ok()
}

/// The folder of a project path (`""` for the root).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn child(dir: &str, name: &str) -> String {
    if name.is_empty() {
        dir.to_string()
    } else if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Joins a relative specifier onto a project folder, folding `.` and `..`;
/// `None` when it climbs above the root.
fn join(dir: &str, relative: &str) -> Option<String> {
    let mut segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            other => segments.push(other),
        }
    }
    Some(segments.join("/"))
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

    #[test]
    fn js_relative_index_extension_and_esm_suffix() {
        let dir = project(&[
            ("src/a.ts", ""),
            ("src/lib/index.tsx", ""),
            ("src/types.ts", ""),
        ]);
        let r = Resolver::new(Some(dir.path()));
        assert_eq!(
            r.resolve("src/b.ts", "./a", Family::Js).as_deref(),
            Some("src/a.ts")
        );
        assert_eq!(
            r.resolve("src/x/b.ts", "../lib", Family::Js).as_deref(),
            Some("src/lib/index.tsx")
        );
        assert_eq!(
            r.resolve("src/b.ts", "./types.js", Family::Js).as_deref(),
            Some("src/types.ts")
        );
        assert_eq!(r.resolve("src/b.ts", "./missing", Family::Js), None);
        assert_eq!(r.resolve("b.ts", "../../etc/passwd", Family::Js), None);
    }

    #[test]
    fn tsconfig_paths_nested_and_extended() {
        let dir = project(&[
            ("tsconfig.base.json", r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@shared/*": ["packages/shared/src/*"] } } }"#),
            ("apps/web/tsconfig.json", "{ // comment\n \"extends\": \"../../tsconfig.base.json\", \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"], }, }, }"),
            ("apps/web/src/lib/conn.ts", ""),
            ("packages/shared/src/types.ts", ""),
        ]);
        let r = Resolver::new(Some(dir.path()));
        assert_eq!(
            r.resolve("apps/web/src/app/page.tsx", "@/lib/conn", Family::Js)
                .as_deref(),
            Some("apps/web/src/lib/conn.ts")
        );
        assert_eq!(
            r.resolve("apps/web/src/app/page.tsx", "@shared/types", Family::Js),
            None
        );
        assert_eq!(
            r.resolve("other/x.ts", "packages/shared/src/types", Family::Js),
            None
        );
    }

    #[test]
    fn workspace_packages_by_name() {
        let dir = project(&[
            (
                "packages/connectors/package.json",
                r#"{"name":"@acme/connectors","main":"dist/index.js"}"#,
            ),
            ("packages/connectors/src/index.ts", ""),
            ("packages/connectors/src/types.ts", ""),
            (
                "node_modules/@acme/other/package.json",
                r#"{"name":"@acme/other"}"#,
            ),
        ]);
        let r = Resolver::new(Some(dir.path()));
        assert_eq!(
            r.resolve("apps/api/x.ts", "@acme/connectors", Family::Js)
                .as_deref(),
            Some("packages/connectors/src/index.ts")
        );
        assert_eq!(
            r.resolve("apps/api/x.ts", "@acme/connectors/types", Family::Js)
                .as_deref(),
            Some("packages/connectors/src/types.ts")
        );
        assert_eq!(r.resolve("apps/api/x.ts", "@acme/other", Family::Js), None);
    }

    #[test]
    fn python_relative_and_absolute() {
        let dir = project(&[
            ("services/sync/app/__init__.py", ""),
            ("services/sync/app/connectors/__init__.py", ""),
            ("services/sync/app/connectors/base.py", ""),
            ("services/sync/app/connectors/github.py", ""),
        ]);
        let r = Resolver::new(Some(dir.path()));
        let from = "services/sync/app/connectors/github.py";
        assert_eq!(
            r.resolve(from, ".base", Family::Python).as_deref(),
            Some("services/sync/app/connectors/base.py")
        );
        assert_eq!(
            r.resolve(from, "..connectors", Family::Python).as_deref(),
            Some("services/sync/app/connectors/__init__.py")
        );
        assert_eq!(
            r.resolve(from, "app.connectors.base", Family::Python)
                .as_deref(),
            Some("services/sync/app/connectors/base.py")
        );
        assert_eq!(r.resolve(from, "requests", Family::Python), None);
    }

    #[test]
    fn jsonc_comments_and_trailing_commas() {
        let v =
            parse_jsonc("{ /* a */ \"a\": [1, 2,], // b\n \"s\": \"//not a comment\", }").unwrap();
        assert_eq!(v["a"][1], 2);
        assert_eq!(v["s"], "//not a comment");
    }
}
