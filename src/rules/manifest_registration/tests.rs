use super::*;
use crate::facts::manifests::{alias_tail, resolve};

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
    let registry = "import { manifest as slack } from '../integrations/slack/slack.manifest';\n\
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
