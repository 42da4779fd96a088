//! The `manifest-registration` rule kind: every integration manifest must
//! be imported by the platform's registry file, joined project-wide
//! through facts the registry records.

use crate::lang::tree::NodeExt;
use globset::GlobSet;
use serde::Deserialize;
use tree_sitter::Node;

use super::manifest_schema::{self, ExportName, ManifestFiles, Scope};
use crate::config::build_globset;
use crate::lang::tree::{named_children, text, walk};
use crate::lang::typescript as ts;
use crate::lang::{Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags an integration manifest (a file matching `files` that exports
    /// `manifest`) that the registry file (`registry`) does not import.
    ///
    /// The registry counts a module as imported when it names it in an
    /// `import` (named, default, namespace or side-effect), an
    /// `export … from` re-export, a dynamic `import('…')` or a
    /// `require('…')`, with or without a `.ts`/`.js` extension. Relative
    /// specifiers are resolved against the registry's folder. A path alias
    /// (`@/integrations/slack/slack.manifest`, `~/…`, a `baseUrl` path)
    /// matches by its last two path segments after the alias root. Type-only
    /// imports do not register anything.
    ///
    /// To stay clear of false positives:
    /// - an import of the manifest's folder, of its parent folder, or of
    ///   their `index` (a barrel that may re-export the manifest) counts as
    ///   importing the manifest; barrels are not read;
    /// - when the registry is an `index` file, the other files of its folder
    ///   (`src/registry/manifests.ts`) count as part of the registry;
    /// - a registry that loads modules it does not spell out
    ///   (`import.meta.glob`, `require.context`, `import(`${name}`)`,
    ///   `readdir`, `glob`) registers every manifest;
    /// - without a registry file in the scanned tree nothing is reported,
    ///   nor when the registry names no module with `manifest` or
    ///   `integration` in its path (it registers something else);
    /// - manifests under test, fixture, example and template folders are
    ///   skipped.
    ///
    /// The registry path also matches below a subfolder of the project
    /// (`apps/platform/src/registry/index.ts`), and under any JS/TS
    /// extension; such a registry answers only for the manifests below the
    /// same subfolder (`apps/platform/src/integrations/…`), so the
    /// registry of one app never judges another app's manifests.
    ///
    /// ## Why is this bad?
    /// The platform only knows the integrations its registry imports. A
    /// manifest left out of it is dead code that looks finished: it passes
    /// review, never shows up in the catalogue, and nobody notices until a
    /// customer asks where the integration went.
    ///
    /// ## Example
    /// ```ts
    /// // src/registry/index.ts
    /// import { manifest as slack } from '../integrations/slack/slack.manifest';
    /// export const manifests = [slack];
    /// // src/integrations/jira/jira.manifest.ts exists but is never imported
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// import { manifest as slack } from '../integrations/slack/slack.manifest';
    /// import { manifest as jira } from '../integrations/jira/jira.manifest';
    /// export const manifests = [slack, jira];
    /// ```
    ///
    /// ## Options
    /// - `registry`: project path of the registry file (default
    ///   `"src/registry/index.ts"`); a glob is accepted, and a path without
    ///   an extension names either `path.ts` or `path/index.ts`.
    /// - `files`: globs over project paths of manifest files (default
    ///   `["**/*.manifest.ts", "**/*.manifest.tsx"]`).
    pub struct ManifestRegistration;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "registry",
        description: "project path (or glob) of the registry file that must import every manifest",
    },
    OptionDoc {
        name: "files",
        description: "globs over the project paths of manifest files",
    },
];

fn default_registry() -> String {
    "src/registry/index.ts".to_string()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default = "default_registry")]
    registry: String,
    #[serde(default = "manifest_schema::default_files")]
    files: Vec<String>,
}

impl Kind for ManifestRegistration {
    fn id(&self) -> &'static str {
        "manifest-registration"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        Ok(Box::new(ManifestRegistrationCheck {
            files: ManifestFiles::new("files", &options.files)?,
            registry: Registry::new(&options.registry)?,
        }))
    }
}

/// Extensions a module specifier may carry or leave out.
const JS_EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];
const JS_EXTENSION_GLOB: &str = "{ts,tsx,js,jsx,mjs,cjs,mts,cts}";

/// `a/b.manifest.ts` → `a/b.manifest`; other paths unchanged.
fn strip_js_extension(path: &str) -> &str {
    match path.rsplit_once('.') {
        Some((stem, ext)) if JS_EXTENSIONS.contains(&ext) && !ext.contains('/') => stem,
        _ => path,
    }
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The registry file, the folder it may be split across, and the key that
/// scopes its facts (two rule instances with two registries stay apart).
struct Registry {
    written: String,
    files: GlobSet,
    parts: Option<GlobSet>,
    triggers: Vec<String>,
    /// The registry file when the option is a plain file path, for the
    /// import line the help suggests.
    file: Option<String>,
    /// The option's first path segment (`src`), unless it is a glob.
    first_segment: Option<String>,
}

impl Registry {
    fn new(written: &str) -> Result<Registry, OptionError> {
        let trimmed = written
            .trim()
            .trim_start_matches("./")
            .trim_start_matches('/')
            .trim_end_matches('/');
        if trimmed.is_empty() {
            return Err(OptionError::new(
                "registry",
                "name the registry file, e.g. `src/registry/index.ts`",
            ));
        }
        let stem = strip_js_extension(trimmed);
        let has_extension = stem.len() != trimmed.len();
        let is_index = stem == "index" || stem.ends_with("/index");
        let mut files = vec![format!("{stem}.{JS_EXTENSION_GLOB}")];
        if !has_extension && !is_index {
            files.push(format!("{stem}/index.{JS_EXTENSION_GLOB}"));
        }
        let folder = if is_index {
            Some(parent(stem))
        } else if !has_extension {
            Some(stem)
        } else {
            None
        };
        let parts: Vec<String> = folder
            .filter(|f| !f.is_empty())
            .map(|f| vec![format!("{f}/*.{JS_EXTENSION_GLOB}")])
            .unwrap_or_default();
        let anywhere = |globs: Vec<String>| -> Vec<String> {
            globs
                .into_iter()
                .flat_map(|g| {
                    if g.starts_with("**") {
                        vec![g]
                    } else {
                        vec![format!("**/{g}"), g]
                    }
                })
                .collect()
        };
        let files = anywhere(files);
        let parts = anywhere(parts);
        let build = |globs: &[String]| {
            build_globset(globs.iter().map(String::as_str)).map_err(|e| {
                OptionError::new(
                    "registry",
                    format!("`{written}` is not a valid path or glob: {e}"),
                )
            })
        };
        let is_plain = !trimmed.contains(['*', '?', '[', '{']);
        Ok(Registry {
            written: written.trim().to_string(),
            files: build(&files)?,
            parts: if parts.is_empty() {
                None
            } else {
                Some(build(&parts)?)
            },
            triggers: files.iter().chain(&parts).cloned().collect(),
            file: (is_plain && (has_extension || is_index)).then(|| trimmed.to_string()),
            first_segment: trimmed
                .split('/')
                .next()
                .filter(|s| !s.contains(['*', '?', '[', '{']))
                .map(str::to_string),
        })
    }

    fn is_registry(&self, path: &str) -> bool {
        self.files.is_match(path)
    }

    fn is_part(&self, path: &str) -> bool {
        self.parts.as_ref().is_some_and(|p| p.is_match(path)) && !crate::roles::is_test_path(path)
    }

    /// The monorepo prefix a path sits under: the segments before the
    /// registry option's first segment (`apps/platform/` for
    /// `apps/platform/src/…` and `src/registry/index.ts`). A registry only
    /// answers for manifests under its own prefix.
    fn prefix<'p>(&self, path: &'p str) -> &'p str {
        let Some(first) = self.first_segment.as_deref() else {
            return "";
        };
        let mut offset = 0;
        for segment in path.split('/') {
            if segment == first {
                return crate::source::slice(path, ..offset);
            }
            offset += segment.len() + 1;
        }
        ""
    }

    fn exists_fact(&self, prefix: &str) -> String {
        format!("manifest-registry:{}@{prefix}", self.written)
    }

    fn dynamic_fact(&self) -> String {
        format!("manifest-registry-dynamic:{}", self.written)
    }

    fn path_fact(&self, module: &str) -> String {
        format!("manifest-import:{}:{module}", self.written)
    }

    fn tail_fact(&self, tail: &str) -> String {
        format!("manifest-import-tail:{}:{tail}", self.written)
    }
}

struct ManifestRegistrationCheck {
    files: ManifestFiles,
    registry: Registry,
}

impl Check for ManifestRegistrationCheck {
    fn literals(&self) -> Vec<String> {
        // Path triggers select the files; the literal only keeps the rule
        // from running on every file of the language.
        vec!["manifest".to_string()]
    }

    fn path_triggers(&self) -> Vec<String> {
        let mut globs = self.files.globs();
        globs.extend(self.registry.triggers.iter().cloned());
        globs
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let path = file.path();
        let is_registry = self.registry.is_registry(path);
        if is_registry || self.registry.is_part(path) {
            let Some(tree) = file.tree() else { return };
            self.record_imports(tree.root_node(), file.text(), path, out);
            return;
        }
        if !self.files.is_manifest(path) {
            return;
        }
        let Some(tree) = file.tree() else { return };
        let scope = Scope::of(tree.root_node(), file.text());
        let Some(manifest) = manifest_schema::find_manifest(&scope, tree.root_node()) else {
            return;
        };
        if !manifest.is_integration() {
            return;
        }
        let id = manifest
            .object
            .as_ref()
            .and_then(|o| manifest_schema::manifest_id(&scope, o));
        let file_name = path.rsplit('/').next().unwrap_or(path);
        let mut report = Report::at(manifest.anchor.clone())
            .var(
                "manifest",
                id.clone().unwrap_or_else(|| file_name.to_string()),
            )
            .var("registry", self.registry.written.clone())
            .var("hint", self.hint(path, id.as_deref(), manifest.export))
            .label("not imported by the registry")
            .requires(self.registry.exists_fact(self.registry.prefix(path)))
            .unless(self.registry.dynamic_fact());
        for module in import_candidates(path) {
            report = report.unless(self.registry.path_fact(&module));
        }
        for tail in tail_candidates(path) {
            report = report.unless(self.registry.tail_fact(&tail));
        }
        out.report(report);
    }
}

impl ManifestRegistrationCheck {
    /// Records a fact for every module the registry file names.
    fn record_imports(&self, root: Node<'_>, src: &str, path: &str, out: &mut Reporter<'_>) {
        let dir = parent(path);
        let mut dynamic = false;
        let mut specifiers: Vec<String> = Vec::new();
        // Type-only imports register nothing, but show what the file is about.
        let mut type_specifiers: Vec<String> = Vec::new();
        walk(root, |node| match node.kind_str() {
            "import_statement" | "export_statement" => {
                // `import x = require('…')` keeps its source in the clause.
                let source = node
                    .field("source")
                    .or_else(|| {
                        named_children(node)
                            .into_iter()
                            .find(|c| c.kind_str() == "import_require_clause")
                            .and_then(|c| c.field("source"))
                    })
                    .and_then(|s| ts::string_literal(s, src));
                if let Some(lit) = source {
                    if is_type_only(node) {
                        type_specifiers.push(lit.value);
                    } else {
                        specifiers.push(lit.value);
                    }
                }
                node.kind_str() == "export_statement"
            }
            "call_expression" => {
                match loaded_module(node, src) {
                    Load::Module(spec) => specifiers.push(spec),
                    Load::Dynamic => dynamic = true,
                    Load::None => {}
                }
                true
            }
            _ => true,
        });
        // A file that names no manifest or integration module is some other
        // registry (of services, of commands): it says nothing about
        // manifests.
        let names_manifests = specifiers.iter().chain(&type_specifiers).any(|spec| {
            let spec = spec.to_ascii_lowercase();
            spec.contains("manifest") || spec.contains("integration")
        });
        if names_manifests || dynamic {
            out.fact(self.registry.exists_fact(self.registry.prefix(path)));
        }
        if dynamic {
            out.fact(self.registry.dynamic_fact());
        }
        for spec in specifiers {
            if is_relative(&spec) {
                if let Some(module) = resolve(dir, &spec) {
                    out.fact(self.registry.path_fact(&module));
                }
            } else if let Some(tail) = alias_tail(&spec) {
                out.fact(self.registry.tail_fact(&tail));
            }
        }
    }

    fn hint(&self, path: &str, id: Option<&str>, export: ExportName) -> String {
        let module = strip_js_extension(path);
        let retire = "or delete the manifest if the integration is retired";
        let near = self
            .registry
            .file
            .as_deref()
            .map(|file| registry_near(file, module));
        let specifier = near
            .as_deref()
            .and_then(|file| relative_specifier(parent(file), module));
        let (Some(file), Some(specifier)) = (near, specifier) else {
            return format!(
                "import it in the registry and add it to the registered integrations, {retire}"
            );
        };
        let stem = module.rsplit('/').next().unwrap_or(module);
        let binding = camel_case(id.unwrap_or_else(|| stem.trim_end_matches(".manifest")));
        let import = match export {
            ExportName::Named => format!("import {{ manifest as {binding} }} from '{specifier}';"),
            ExportName::Default => format!("import {binding} from '{specifier}';"),
        };
        format!("add `{import}` to `{file}` and register it with the others, {retire}")
    }
}

/// What a call loads.
enum Load {
    Module(String),
    /// Modules the file does not spell out (globs, computed paths).
    Dynamic,
    None,
}

/// Names of calls that list files to load them.
const DIRECTORY_LOADERS: &[&str] = &[
    "readdir",
    "readdirSync",
    "glob",
    "globSync",
    "globby",
    "globbySync",
    "fastGlob",
];

fn loaded_module(call: Node<'_>, src: &str) -> Load {
    let Some(function) = call.field("function") else {
        return Load::None;
    };
    let is_loader = match function.kind_str() {
        "import" => true,
        "identifier" => {
            let name = text(function, src);
            if DIRECTORY_LOADERS.contains(&name) {
                return Load::Dynamic;
            }
            name == "require"
        }
        "member_expression" => {
            let property = function.field("property").map_or("", |p| text(p, src));
            let object = function.field("object").map_or("", |o| text(o, src));
            let glob_import = object.replace(char::is_whitespace, "") == "import.meta"
                && property.starts_with("glob");
            if glob_import
                || (object == "require" && property == "context")
                || DIRECTORY_LOADERS.contains(&property)
            {
                return Load::Dynamic;
            }
            false
        }
        _ => false,
    };
    if !is_loader {
        return Load::None;
    }
    let argument = call.field("arguments").and_then(|a| {
        named_children(a)
            .into_iter()
            .find(|c| c.kind_str() != "comment")
    });
    match argument.and_then(|a| ts::fold_string(a, src)) {
        Some(lit) if lit.is_static() => Load::Module(lit.value),
        _ => Load::Dynamic,
    }
}

/// `import type {…}`, `export type {…} from`, or every specifier `type`.
fn is_type_only(statement: Node<'_>) -> bool {
    let mut cursor = statement.walk();
    let children: Vec<Node<'_>> = statement.children(&mut cursor).collect();
    if children.iter().any(|c| c.kind_str() == "type") {
        return true;
    }
    let specifiers: Vec<Node<'_>> = children
        .iter()
        .flat_map(|c| match c.kind_str() {
            "import_clause" => named_children(*c)
                .into_iter()
                .filter(|n| n.kind_str() == "named_imports")
                .flat_map(named_children)
                .collect(),
            "export_clause" => named_children(*c),
            _ => Vec::new(),
        })
        .filter(|s| matches!(s.kind_str(), "import_specifier" | "export_specifier"))
        .collect();
    let whole_clause = children.iter().any(|c| {
        c.kind_str() == "import_clause"
            && named_children(*c)
                .iter()
                .any(|n| matches!(n.kind_str(), "identifier" | "namespace_import"))
    });
    !whole_clause
        && !specifiers.is_empty()
        && specifiers.iter().all(|s| {
            let mut cursor = s.walk();
            let is_type = s.children(&mut cursor).any(|c| c.kind_str() == "type");
            is_type
        })
}

fn is_relative(spec: &str) -> bool {
    spec == "." || spec == ".." || spec.starts_with("./") || spec.starts_with("../")
}

/// A relative specifier resolved against `dir` to a project path without
/// extension; `None` when it climbs above the project root.
fn resolve(dir: &str, spec: &str) -> Option<String> {
    let mut segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in spec.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            s => segments.push(s),
        }
    }
    let joined = segments.join("/");
    let module = strip_js_extension(&joined);
    (!module.is_empty()).then(|| module.to_string())
}

/// The last two segments of a non-relative specifier after its alias root
/// (`@/integrations/slack/slack.manifest` → `slack/slack.manifest`); a bare
/// package name yields nothing.
fn alias_tail(spec: &str) -> Option<String> {
    let segments: Vec<&str> = spec.split('/').filter(|s| !s.is_empty()).collect();
    let (_, rest) = segments.split_first()?;
    let last = strip_js_extension(rest.last()?);
    let tail = match rest.len() {
        1 => last.to_string(),
        n => format!("{}/{last}", rest[n - 2]),
    };
    (tail != "index").then_some(tail)
}

/// Modules whose import registers the manifest at `path`: the manifest
/// itself, its folder, its parent folder, and their `index` barrels.
fn import_candidates(path: &str) -> Vec<String> {
    let module = strip_js_extension(path);
    let mut candidates = vec![module.to_string()];
    let mut folder = parent(module);
    for _ in 0..2 {
        if folder.is_empty() {
            break;
        }
        candidates.push(folder.to_string());
        candidates.push(format!("{folder}/index"));
        folder = parent(folder);
    }
    candidates
}

/// The alias tails ([`alias_tail`]) of every import candidate.
fn tail_candidates(path: &str) -> Vec<String> {
    let mut tails: Vec<String> = Vec::new();
    for candidate in import_candidates(path) {
        let segments: Vec<&str> = candidate.split('/').collect();
        let n = segments.len();
        let mut own = vec![segments[n - 1].to_string()];
        if n >= 2 {
            own.push(format!("{}/{}", segments[n - 2], segments[n - 1]));
        }
        for tail in own {
            if tail != "index" && !tails.contains(&tail) {
                tails.push(tail);
            }
        }
    }
    tails
}

/// The specifier a file in `dir` uses to import `module` (both project
/// paths); `None` when they share no top folder, e.g. the registry of
/// another app in a monorepo.
fn relative_specifier(dir: &str, module: &str) -> Option<String> {
    let from: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = module.split('/').filter(|s| !s.is_empty()).collect();
    if from.first() != to.first() && !from.is_empty() {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = from.len() - common;
    let rest = to[common..].join("/");
    Some(if ups == 0 {
        format!("./{rest}")
    } else {
        format!("{}{rest}", "../".repeat(ups))
    })
}

/// Where the registry `file` most likely sits for `module`: below the same
/// prefix as the module's own tree (`apps/platform/` + `src/registry/…`
/// for `apps/platform/src/integrations/…` in a monorepo).
fn registry_near(file: &str, module: &str) -> String {
    let dir = file;
    let Some(first) = dir.split('/').find(|s| !s.is_empty()) else {
        return dir.to_string();
    };
    let segments: Vec<&str> = module.split('/').collect();
    match segments.iter().position(|s| *s == first) {
        Some(0) | None => dir.to_string(),
        Some(i) => format!("{}/{dir}", segments[..i].join("/")),
    }
}

/// `google-drive` → `googleDrive`, usable as an import binding.
fn camel_case(id: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if out.is_empty() && c.is_ascii_digit() {
                out.push('_');
            }
            if upper && !out.is_empty() {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() {
        "integration".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTRY: &str = "src/registry/index.ts";

    fn manifest(id: &str) -> String {
        format!(
            "export const manifest = {{ id: '{id}', name: 'N', description: 'd', category: 'Cloud', \
             auth: {{ type: 'api_key' }}, capabilities: [], handler: {{ testConnection() {{}}, fetchFull() {{}} }} }};"
        )
    }

    /// Paths of the manifests flagged when `registry` is the registry text.
    fn unregistered(registry: &str, manifests: &[&str]) -> Vec<String> {
        let texts: Vec<(String, String)> = manifests
            .iter()
            .map(|p| {
                let id = p.rsplit('/').nth(1).unwrap_or("x");
                (p.to_string(), manifest(id))
            })
            .collect();
        let mut files: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        files.push((REGISTRY, registry));
        crate::rules::lint_with_only("manifest-unregistered", &files)
            .iter()
            .map(|f| f.path().to_string())
            .collect()
    }

    const SLACK: &str = "src/integrations/slack/slack.manifest.ts";
    const JIRA: &str = "src/integrations/jira/jira.manifest.ts";

    #[test]
    fn specifiers_resolve() {
        assert_eq!(
            resolve("src/registry", "../integrations/slack/slack.manifest.js").as_deref(),
            Some("src/integrations/slack/slack.manifest")
        );
        assert_eq!(
            resolve("src/registry", "./a/").as_deref(),
            Some("src/registry/a")
        );
        assert_eq!(resolve("src", "../../x"), None);
        assert_eq!(
            alias_tail("@/integrations/slack/slack.manifest.ts").as_deref(),
            Some("slack/slack.manifest")
        );
        assert_eq!(
            alias_tail("~/slack.manifest").as_deref(),
            Some("slack.manifest")
        );
        assert_eq!(alias_tail("@integrations/slack").as_deref(), Some("slack"));
        assert_eq!(alias_tail("zod"), None);
        assert_eq!(alias_tail("@/index"), None);
        assert_eq!(strip_js_extension("a/b.manifest.tsx"), "a/b.manifest");
        assert_eq!(strip_js_extension("a/b.manifest"), "a/b.manifest");
        assert_eq!(
            import_candidates(SLACK),
            vec![
                "src/integrations/slack/slack.manifest",
                "src/integrations/slack",
                "src/integrations/slack/index",
                "src/integrations",
                "src/integrations/index",
            ]
        );
        assert_eq!(
            tail_candidates(SLACK),
            vec![
                "slack.manifest",
                "slack/slack.manifest",
                "slack",
                "integrations/slack",
                "slack/index",
                "integrations",
                "src/integrations",
                "integrations/index",
            ]
        );
        assert_eq!(
            relative_specifier("src/registry", "src/integrations/slack/slack.manifest").as_deref(),
            Some("../integrations/slack/slack.manifest")
        );
        assert_eq!(
            relative_specifier("src", "src/a/b").as_deref(),
            Some("./a/b")
        );
        assert_eq!(relative_specifier("src/registry", "apps/x/a"), None);
        assert_eq!(
            registry_near(
                "src/registry",
                "apps/platform/src/integrations/a/a.manifest"
            ),
            "apps/platform/src/registry"
        );
        assert_eq!(
            registry_near("src/registry", "src/integrations/a/a.manifest"),
            "src/registry"
        );
        assert_eq!(
            registry_near("src/registry", "lib/a/a.manifest"),
            "src/registry"
        );
        assert_eq!(camel_case("google-drive"), "googleDrive");
        assert_eq!(camel_case("3cx"), "_3cx");
    }

    #[test]
    fn registry_paths() {
        let r = Registry::new("src/registry/index.ts").unwrap();
        assert!(r.is_registry("src/registry/index.ts"));
        assert!(r.is_registry("src/registry/index.js"));
        assert!(r.is_registry("apps/platform/src/registry/index.ts"));
        assert!(!r.is_registry("src/registry/manifests.ts"));
        assert!(r.is_part("src/registry/manifests.ts"));
        assert!(!r.is_part("src/registry/index.test.ts"));
        assert!(!r.is_part("src/registry/sub/x.ts"));
        let r = Registry::new("src/registry").unwrap();
        assert!(r.is_registry("src/registry.ts"));
        assert!(r.is_registry("src/registry/index.tsx"));
        let r = Registry::new("src/registry.ts").unwrap();
        assert!(r.is_registry("src/registry.mjs"));
        assert!(!r.is_part("src/registry/x.ts"));
        assert!(Registry::new("  ").is_err());
        assert!(Registry::new("src/{reg").is_err());
    }

    #[test]
    fn imports_register_manifests() {
        let registry =
            "import { manifest as slack } from '../integrations/slack/slack.manifest';\n\
                        export const all = [slack];";
        assert_eq!(unregistered(registry, &[SLACK, JIRA]), vec![JIRA]);
        for registry in [
            "import * as jira from '../integrations/jira/jira.manifest.js';",
            "import jira from '../integrations/jira/jira.manifest';",
            "import '../integrations/jira/jira.manifest';",
            "export { manifest as jira } from '../integrations/jira/jira.manifest';",
            "export * from '../integrations/jira/jira.manifest.ts';",
            "export const loaders = { jira: () => import('../integrations/jira/jira.manifest') };",
            "const jira = require('../integrations/jira/jira.manifest').manifest;",
            "import jira = require('../integrations/jira/jira.manifest');",
            "import { manifest as jira } from '@/integrations/jira/jira.manifest';",
            "import { manifest as jira } from '~/jira/jira.manifest';",
            "import { jira } from '../integrations/jira';",
            "import { jira } from '../integrations/jira/index.ts';",
            "import * as all from '../integrations';",
            "const modules = import.meta.glob('../integrations/*/*.manifest.ts', { eager: true });",
            "const ctx = require.context('../integrations', true, /\\.manifest\\.ts$/);",
            "const load = (id: string) => import(`../integrations/${id}/${id}.manifest`);",
        ] {
            assert_eq!(
                unregistered(registry, &[JIRA]),
                Vec::<String>::new(),
                "{registry}"
            );
        }
        for registry in [
            "import type { IntegrationManifest } from '../integrations/jira/jira.manifest';",
            "import { type IntegrationManifest } from '../integrations/jira/jira.manifest';",
            "export type { IntegrationManifest } from '../integrations/jira/jira.manifest';",
            "import { jiraHandler } from '../integrations/jira/handler';",
            "import { manifest as jira } from '../../integrations/jira/jira.manifest';",
            "import { manifest as jira } from '@/integrations/jira2/jira.manifest';",
            "import { x } from 'jira';\nimport { manifest as slack } from '../integrations/slack/slack.manifest';",
        ] {
            assert_eq!(unregistered(registry, &[JIRA]), vec![JIRA], "{registry}");
        }
    }

    #[test]
    fn only_a_registry_of_manifests_under_the_same_prefix_decides() {
        // A registry of something else says nothing about manifests.
        assert!(unregistered(
            "import { db } from '../db';\nexport const services = [db];",
            &[JIRA]
        )
        .is_empty());
        // The registry of another app of the monorepo neither.
        let other_app = "apps/b/src/integrations/jira/jira.manifest.ts";
        let manifest = manifest("jira");
        let files = [
            (
                "apps/a/src/registry/index.ts",
                "import { manifest } from '../integrations/x/x.manifest';",
            ),
            (other_app, manifest.as_str()),
            ("apps/a/src/integrations/y/y.manifest.ts", manifest.as_str()),
        ];
        let flagged: Vec<String> = crate::rules::lint_with_only("manifest-unregistered", &files)
            .iter()
            .map(|f| f.path().to_string())
            .collect();
        assert_eq!(flagged, vec!["apps/a/src/integrations/y/y.manifest.ts"]);
        let r = Registry::new(REGISTRY).unwrap();
        assert_eq!(r.prefix("apps/a/src/registry/index.ts"), "apps/a/");
        assert_eq!(r.prefix("src/integrations/a/a.manifest.ts"), "");
        assert_eq!(r.prefix("integrations/a/a.manifest.ts"), "");
        assert_eq!(
            Registry::new("**/registry/index.ts")
                .unwrap()
                .prefix("apps/a/src/x.ts"),
            ""
        );
    }

    #[test]
    fn no_registry_no_finding() {
        let files = [(JIRA, manifest("jira"))];
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        assert!(crate::rules::lint_with_only("manifest-unregistered", &files).is_empty());
    }

    #[test]
    fn split_registry_folder() {
        let manifest = manifest("jira");
        let files = [
            (REGISTRY, "export * from './manifests';"),
            (
                "src/registry/manifests.ts",
                "import { manifest as jira } from '../integrations/jira/jira.manifest';",
            ),
            (JIRA, manifest.as_str()),
            (SLACK, manifest.as_str()),
        ];
        let flagged: Vec<String> = crate::rules::lint_with_only("manifest-unregistered", &files)
            .iter()
            .map(|f| format!("{}: {} | {}", f.path(), f.message, f.help))
            .collect();
        assert_eq!(
            flagged,
            vec![format!(
                "{SLACK}: manifest `jira` is not imported by the registry `src/registry/index.ts` | \
                 add `import {{ manifest as jira }} from '../integrations/slack/slack.manifest';` to \
                 `src/registry/index.ts` and register it with the others, or delete the manifest if the integration is retired"
            )]
        );
    }
}
