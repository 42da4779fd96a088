//! Rust module resolution within a crate and across a workspace: `crate::`,
//! `self::`, `super::` and child-module paths map to `src/a/b.rs` or
//! `src/a/b/mod.rs`, the crate root to `src/lib.rs` or `src/main.rs`, and a
//! path starting with another workspace crate's name (`-` read as `_`) to
//! that crate. Inline modules (`mod a { … }`), `#[path]` attributes and
//! crates outside the project resolve to `None`.

use std::collections::HashMap;

use super::{child, parent, Resolver};

/// Largest `Cargo.toml` read for a crate name.
const MANIFEST_LIMIT: u64 = 1 << 20;

impl Resolver {
    /// The file of the module `specifier` (`crate::contract`,
    /// `super::base`, `providers::gmail`, `integrations::contract`) names,
    /// seen from the Rust file at `from`.
    pub(super) fn resolve_rust(&self, from: &str, specifier: &str) -> Option<String> {
        let segments: Vec<&str> = specifier.split("::").filter(|s| !s.is_empty()).collect();
        let (&first, rest) = segments.split_first()?;
        if !crate::facts::rust_modules::may_be_project(specifier) {
            return None;
        }
        let (crate_dir, here) = self.rust_module_of(from)?;
        let (crate_dir, mut path) = match first {
            "crate" => (crate_dir, Vec::new()),
            "self" => (crate_dir, here),
            "super" => {
                let mut path = here;
                path.pop()?;
                (crate_dir, path)
            }
            child_module => {
                let mut path = here.clone();
                path.push(child_module.to_string());
                if self.rust_module_file(&crate_dir, &path).is_some() {
                    (crate_dir, path)
                } else {
                    let crates = self.crates.get_or_init(|| self.find_crates());
                    (crates.get(child_module)?.clone(), Vec::new())
                }
            }
        };
        for segment in rest {
            match *segment {
                "super" => {
                    path.pop()?;
                }
                "self" => {}
                name => path.push(name.to_string()),
            }
        }
        self.rust_module_file(&crate_dir, &path)
    }

    /// The crate folder holding the Rust file at `from` (the nearest folder
    /// with a `Cargo.toml`) and the file's module path in it (`[]` for
    /// `src/lib.rs`, `["a", "b"]` for `src/a/b.rs` or `src/a/b/mod.rs`).
    /// `None` outside a crate's `src/` or under `src/bin/`.
    fn rust_module_of(&self, from: &str) -> Option<(String, Vec<String>)> {
        let mut dir = parent(from);
        loop {
            if self.is_file(&child(dir, "Cargo.toml")) {
                break;
            }
            if dir.is_empty() {
                return None;
            }
            dir = parent(dir);
        }
        let inside = if dir.is_empty() {
            from
        } else {
            from.strip_prefix(dir)?.strip_prefix('/')?
        };
        let module = inside.strip_prefix("src/")?.strip_suffix(".rs")?;
        if module.starts_with("bin/") {
            return None;
        }
        let mut path: Vec<String> = module.split('/').map(str::to_string).collect();
        if matches!(path.last().map(String::as_str), Some("mod")) {
            path.pop();
        }
        if matches!(path.as_slice(), [only] if only == "lib" || only == "main") {
            path.clear();
        }
        Some((dir.to_string(), path))
    }

    /// The file that holds module `path` of the crate in `crate_dir`.
    fn rust_module_file(&self, crate_dir: &str, path: &[String]) -> Option<String> {
        let src = child(crate_dir, "src");
        let candidates = if path.is_empty() {
            vec![child(&src, "lib.rs"), child(&src, "main.rs")]
        } else {
            let base = child(&src, &path.join("/"));
            vec![format!("{base}.rs"), child(&base, "mod.rs")]
        };
        candidates.into_iter().find(|c| self.is_file(c))
    }

    /// Every crate of the project by the name code uses for it (the
    /// `[package] name` with `-` read as `_`), with its folder.
    fn find_crates(&self) -> HashMap<String, String> {
        let mut manifests: Vec<String> = self
            .texts
            .keys()
            .filter(|p| *p == "Cargo.toml" || p.ends_with("/Cargo.toml"))
            .cloned()
            .collect();
        if let Some(root) = &self.root {
            let walker = ignore::WalkBuilder::new(root)
                .hidden(true)
                .filter_entry(|e| e.file_name() != "target" && e.file_name() != "node_modules")
                .build();
            for entry in walker.flatten() {
                if entry.file_name() != "Cargo.toml" {
                    continue;
                }
                if let Ok(relative) = entry.path().strip_prefix(root) {
                    manifests.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut crates = HashMap::new();
        for manifest in manifests {
            let name = self
                .text(&manifest, MANIFEST_LIMIT)
                .and_then(|text| toml::from_str::<toml::Table>(&text).ok())
                .and_then(|table| {
                    let package = table.get("package")?.as_table()?;
                    Some(package.get("name")?.as_str()?.replace('-', "_"))
                });
            if let Some(name) = name {
                crates
                    .entry(name)
                    .or_insert_with(|| parent(&manifest).to_string());
            }
        }
        crates
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Family;
    use std::sync::Arc;

    fn resolver(files: &[&str]) -> Resolver {
        let mut resolver = Resolver::new(None);
        for path in files {
            let text = if path.ends_with("Cargo.toml") {
                let name = parent(path).rsplit('/').next().unwrap_or("app");
                format!("[package]\nname = \"{name}\"\n")
            } else {
                String::new()
            };
            resolver.add_text(path, Arc::from(text));
        }
        resolver
    }

    #[test]
    fn crate_self_super_child_and_workspace_paths() {
        let r = resolver(&[
            "Cargo.toml",
            "crates/integrations/Cargo.toml",
            "crates/integrations/src/lib.rs",
            "crates/integrations/src/contract.rs",
            "crates/integrations/src/providers/mod.rs",
            "crates/integrations/src/providers/gmail.rs",
            "crates/integrations/src/providers/gmail/scopes.rs",
            "crates/api-server/Cargo.toml",
            "crates/api-server/src/main.rs",
            "crates/api-server/src/routes.rs",
        ]);
        let resolve = |from: &str, spec: &str| r.resolve(from, spec, Family::Rust);
        let gmail = "crates/integrations/src/providers/gmail.rs";
        assert_eq!(
            resolve(gmail, "crate::contract").as_deref(),
            Some("crates/integrations/src/contract.rs")
        );
        assert_eq!(
            resolve(gmail, "super").as_deref(),
            Some("crates/integrations/src/providers/mod.rs")
        );
        assert_eq!(
            resolve(gmail, "super::super::contract").as_deref(),
            Some("crates/integrations/src/contract.rs")
        );
        assert_eq!(
            resolve(gmail, "self::scopes").as_deref(),
            Some("crates/integrations/src/providers/gmail/scopes.rs")
        );
        assert_eq!(
            resolve(gmail, "scopes").as_deref(),
            Some("crates/integrations/src/providers/gmail/scopes.rs")
        );
        assert_eq!(
            resolve("crates/integrations/src/lib.rs", "providers::gmail").as_deref(),
            Some(gmail)
        );
        assert_eq!(
            resolve("crates/api-server/src/routes.rs", "integrations::contract").as_deref(),
            Some("crates/integrations/src/contract.rs")
        );
        assert_eq!(
            resolve("crates/api-server/src/routes.rs", "api_server").as_deref(),
            Some("crates/api-server/src/main.rs")
        );
        assert_eq!(resolve(gmail, "crate::missing"), None);
        assert_eq!(resolve(gmail, "reqwest::Client"), None);
        assert_eq!(resolve("crates/integrations/src/lib.rs", "super"), None);
        assert_eq!(resolve("build.rs", "crate"), None);
    }
}
