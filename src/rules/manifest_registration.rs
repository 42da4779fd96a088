//! The `manifest-registration` rule kind: every integration manifest must
//! be imported by the platform's registry file, joined project-wide
//! through facts the registry records.

use serde::Deserialize;

use crate::facts::identifiers::camel_case;
use crate::facts::manifests::{
    self, import_candidates, parent, relative_specifier, strip_js_extension, tail_candidates,
    ExportName, ManifestFiles, ModuleName,
};
use crate::globs::LazyGlobSet;
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
    #[serde(default = "manifests::default_files")]
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

const JS_EXTENSION_GLOB: &str = "{ts,tsx,js,jsx,mjs,cjs,mts,cts}";

/// The registry file, the folder it may be split across, and the key that
/// scopes its facts (two rule instances with two registries stay apart).
struct Registry {
    written: String,
    files: LazyGlobSet,
    parts: Option<LazyGlobSet>,
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
            LazyGlobSet::new(globs.iter().map(String::as_str)).map_err(|e| {
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
            if let Some(loads) = manifests::read_loads(file) {
                self.record_loads(&loads, path, out);
            }
            return;
        }
        if !self.files.is_manifest(path) {
            return;
        }
        let Some(manifest) = manifests::read(file) else {
            return;
        };
        if !manifest.is_integration {
            return;
        }
        let id = manifest.id();
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
    fn record_loads(&self, loads: &manifests::RegistryLoads, path: &str, out: &mut Reporter<'_>) {
        // A file that names no manifest or integration module is some other
        // registry (of services, of commands): it says nothing about
        // manifests.
        if loads.names_manifests || loads.dynamic {
            out.fact(self.registry.exists_fact(self.registry.prefix(path)));
        }
        if loads.dynamic {
            out.fact(self.registry.dynamic_fact());
        }
        for module in &loads.modules {
            match module {
                ModuleName::Path(module) => out.fact(self.registry.path_fact(module)),
                ModuleName::Tail(tail) => out.fact(self.registry.tail_fact(tail)),
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

#[cfg(test)]
mod tests;
