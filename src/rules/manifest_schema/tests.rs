use super::auth::example_env_var;
use super::*;
use crate::facts::identifiers::{env_reference, is_screaming_snake, looks_like_name};

fn findings(files: &[(&str, &str)]) -> Vec<String> {
    crate::rules::lint_with_only("manifest-invalid", files)
        .iter()
        .map(|f| {
            let text = &f.source.text[f.span.clone()];
            format!("{}: {} [{}]", f.path(), f.message, text)
        })
        .collect()
}

fn one(text: &str) -> Vec<String> {
    findings(&[("src/integrations/x/x.manifest.ts", text)])
        .into_iter()
        .map(|f| f.split_once(": ").unwrap().1.to_string())
        .collect()
}

const HANDLER: &str =
    "handler: { async testConnection() {}, fetchFull: async () => [], fetchDelta() {} },";

fn valid(extra: &str) -> String {
    format!(
        "export const manifest = {{ id: 'slack', name: 'Slack', description: 'Messages', \
         category: 'Communication', auth: {{ type: 'api_key' }}, capabilities: ['sync'], \
         {HANDLER} {extra} }};"
    )
}

#[test]
fn a_valid_manifest_is_silent() {
    assert!(one(&valid("")).is_empty());
}

#[test]
fn slugs() {
    assert!(is_kebab_slug("google-drive"));
    assert!(is_kebab_slug("s3"));
    assert!(!is_kebab_slug("Google-Drive"));
    assert!(!is_kebab_slug("google--drive"));
    assert!(!is_kebab_slug("google_drive"));
    assert!(!is_kebab_slug("-drive"));
    assert!(!is_kebab_slug(""));
    assert_eq!(kebab_slug("Slack_Bot"), "slack-bot");
    assert_eq!(kebab_slug("slackBot"), "slack-bot");
    assert_eq!(kebab_slug("Google Drive!"), "google-drive");
    assert_eq!(kebab_slug("AWS S3"), "aws-s3");
}

#[test]
fn env_var_names_and_secrets() {
    assert!(is_screaming_snake("SLACK_CLIENT_ID"));
    assert!(is_screaming_snake("S3_KEY_2"));
    assert!(!is_screaming_snake("slack_client_id"));
    assert!(!is_screaming_snake("_SLACK"));
    assert!(looks_like_name("slack_client_id"));
    assert!(looks_like_name("slackClientSecret"));
    assert!(looks_like_name("Slack_Client_Id"));
    assert!(looks_like_name("clientSecret"));
    assert!(!looks_like_name("8f14e45fceea167a5a36dedd4bea2543"));
    assert!(!looks_like_name("sk_live_4eC39HqLyjWDarjtT1zdp7dc"));
    assert!(!looks_like_name("Iv1.8a61f9b3a7aba766"));
    assert!(!looks_like_name("abcdEFGhijkLMNop"));
    assert!(!looks_like_name("xoxb-123-456"));
    assert!(!looks_like_name("GOCSPX-abcDEF123"));
    assert!(!looks_like_name("a1b2c3d4e5f6"));
    assert_eq!(
        example_env_var(Some("google-drive".into()), "clientSecretEnvVar"),
        "GOOGLE_DRIVE_CLIENT_SECRET"
    );
    assert_eq!(example_env_var(None, "clientIdEnvVar"), "CLIENT_ID");
    assert_eq!(env_reference("${SLACK_ID}"), Some("SLACK_ID"));
    assert_eq!(env_reference("$SLACK_ID"), Some("SLACK_ID"));
    assert_eq!(env_reference("process.env.SLACK_ID"), Some("SLACK_ID"));
    assert_eq!(env_reference("$slack"), None);
    assert_eq!(env_reference("SLACK_ID"), None);
}

#[test]
fn every_field_problem_is_its_own_finding() {
    let got = one(
        "export const manifest = { id: 'Slack_Bot', name: '', category: 'Chat', \
         auth: { type: 'oauth' }, capabilities: ['sync', 'polling', 3], handler: { testConnection() {} } };",
    );
    assert_eq!(
        got,
        vec![
            "manifest `Slack_Bot` is missing `description` [manifest]",
            "manifest id `Slack_Bot` is not a lower-kebab slug ['Slack_Bot']",
            "manifest `Slack_Bot` has an empty `name` ['']",
            "manifest `Slack_Bot` has category `Chat`, which is not an allowed category ['Chat']",
            "manifest `Slack_Bot` has auth type `oauth`, which is not an allowed auth type ['oauth']",
            "manifest `Slack_Bot` has capability `polling`, which is not an allowed capability ['polling']",
            "a capability of manifest `Slack_Bot` is a number, not a string [3]",
            "handler of manifest `Slack_Bot` does not define `fetchFull`, nor `fetchDelta`, required by the `sync` capability [handler]",
        ]
    );
}

#[test]
fn missing_fields_are_labelled_on_the_declaration() {
    let got = one("export const manifest: IntegrationManifest = { id: 'x' };");
    assert_eq!(
        got,
        vec!["manifest `x` is missing `name`, `description`, `category`, `auth`, `capabilities` and `handler` [manifest]"]
    );
}

#[test]
fn fetch_delta_is_required_by_sync_only() {
    let src = "class SlackHandler { async testConnection() {} fetchFull = async () => [] }\n\
               export const manifest = { id: 'slack', name: 'S', description: 'd', category: 'Cloud', \
               auth: { type: 'basic' }, capabilities: CAPS, handler: new SlackHandler() };\n\
               const CAPS = ['sync', 'write'] as const;";
    assert_eq!(
        one(src),
        vec!["handler of manifest `slack` does not define `fetchDelta`, required by the `sync` capability [new SlackHandler()]"]
    );
    let webhook = src.replace("'sync', ", "");
    assert!(one(&webhook).is_empty());
    let bare = src.replace("async testConnection() {} fetchFull = async () => []", "");
    assert_eq!(
        one(&bare),
        vec!["handler of manifest `slack` does not define `testConnection` and `fetchFull`, nor `fetchDelta`, required by the `sync` capability [new SlackHandler()]"]
    );
}

#[test]
fn same_file_names_spreads_and_classes_are_followed() {
    let src = "const base = { name: 'S', description: 'd', category: 'Cloud', capabilities: ['sync'] };\n\
               const auth = { type: 'jwt' } as const;\n\
               class Base { testConnection() {} }\n\
               class Handler extends Base { constructor(private readonly fetchDelta: F) { super(); this.fetchFull = () => []; } }\n\
               const handler = new Handler();\n\
               const slackManifest = { ...base, id: 'slack', auth, handler } satisfies IntegrationManifest;\n\
               export { slackManifest as manifest };";
    assert!(one(src).is_empty());
    let broken = src.replace("category: 'Cloud'", "category: 'cloud'");
    assert_eq!(
        one(&broken),
        vec!["manifest `slack` has category `cloud`, which is not an allowed category ['cloud']"]
    );
}

#[test]
fn unreadable_values_are_never_guessed() {
    let src = "import { base, handler } from './base';\n\
               import { Category } from '../types';\n\
               export const manifest = defineManifest({ ...base, id: ID, category: Category.Cloud, \
               handler, capabilities: getCaps(), auth: { type: AUTH } });";
    assert!(one(src).is_empty());
    let imported_class = "import { BaseHandler } from './base';\n\
               class H extends BaseHandler { testConnection() {} }\n\
               export const manifest = { id: 'a', name: 'A', description: 'd', category: 'Cloud', \
               auth: { type: 'custom' }, capabilities: ['sync'], handler: new H() };";
    assert!(one(imported_class).is_empty());
}

#[test]
fn a_spread_after_a_key_may_replace_it() {
    let src = "import { overrides } from './o';\n\
               export const manifest = { category: 'Chat', ...overrides };";
    assert!(one(src).is_empty());
}

#[test]
fn oauth2_urls_and_env_vars() {
    let auth = "auth: { type: 'oauth2', authorizeUrl: 'http://a.example/authorize', \
                tokenUrl: `https://${HOST}/token`, refreshUrl: 'http://x', \
                clientIdEnvVar: 'slack_client_id', clientSecretEnvVar: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', \
                apiKeyEnvVar: process.env.SLACK_KEY },";
    let got = one(&valid(auth));
    assert_eq!(
        got,
        vec![
            "`authorizeUrl` of manifest `slack` is not an https URL ['http://a.example/authorize']",
            "`clientIdEnvVar` of manifest `slack` is `slack_client_id`, not a SCREAMING_SNAKE environment variable name ['slack_client_id']",
            // The secret is masked in every excerpt.
            "`clientSecretEnvVar` of manifest `slack` holds a literal value: it must name an environment variable, never hold a secret [**********************************]",
            "`apiKeyEnvVar` of manifest `slack` reads the variable's value instead of naming it [process.env.SLACK_KEY]",
        ]
    );
    let fixed = crate::rules::lint_with_only(
        "manifest-invalid",
        &[(
            "a.manifest.ts",
            &valid("auth: { type: 'oauth2', clientIdEnvVar: process.env['SLACK_ID'] },"),
        )],
    );
    assert_eq!(fixed.len(), 1);
    assert_eq!(fixed[0].fix.as_ref().unwrap().replacement, "'SLACK_ID'");
    let http_template = one(&valid(
        "auth: { type: 'oauth2', tokenUrl: `http://${HOST}/token` },",
    ));
    assert_eq!(http_template.len(), 1);
}

#[test]
fn duplicate_ids_across_files() {
    let a = valid("");
    let b = valid("").replace("name: 'Slack'", "name: 'Slack 2'");
    let got = findings(&[
        ("src/integrations/a/a.manifest.ts", &a),
        ("src/integrations/b/b.manifest.ts", &b),
        (
            "src/integrations/c/c.manifest.ts",
            &a.replace("'slack'", "'github'"),
        ),
    ]);
    assert_eq!(
        got,
        vec![
            "src/integrations/a/a.manifest.ts: manifest id `slack` is also used by another manifest ['slack']",
            "src/integrations/b/b.manifest.ts: manifest id `slack` is also used by another manifest ['slack']",
        ]
    );
}

#[test]
fn only_integration_manifests_in_manifest_files() {
    // Not a manifest file.
    assert!(findings(&[(
        "src/config.ts",
        "export const manifest = { category: 'Chat' };"
    )])
    .is_empty());
    // Tests and templates hold partial manifests on purpose.
    assert!(findings(&[(
        "src/integrations/__tests__/bad.manifest.ts",
        "export const manifest = { category: 'Chat' };"
    )])
    .is_empty());
    assert!(findings(&[(
        "templates/integration/name.manifest.ts",
        "export const manifest = { id: '__ID__', category: 'Chat' };"
    )])
    .is_empty());
    // Some other kind of manifest.
    assert!(
        one("export const manifest = { name: 'web', version: '1.0.0', permissions: [] };")
            .is_empty()
    );
    // Typed as one: it is.
    assert_eq!(
        one("export const manifest: IntegrationManifest = { id: 'a', name: 'A', description: 'd' };"),
        vec!["manifest `a` is missing `category`, `auth`, `capabilities` and `handler` [manifest]"]
    );
    // A default export.
    assert_eq!(
        one("export default { id: 'a', name: 'A', description: 'd', category: 'Chat', auth: { type: 'basic' }, capabilities: [], handler: { testConnection() {}, fetchFull() {} } };"),
        vec!["manifest `a` has category `Chat`, which is not an allowed category ['Chat']"]
    );
    // A re-export reads nothing here.
    assert!(one("export { manifest } from './base';").is_empty());
}

#[test]
fn options_are_validated() {
    let compile = |text: &str| ManifestSchema.compile(&toml::from_str(text).unwrap());
    assert!(compile("").is_ok());
    let option = |text: &str| compile(text).err().unwrap().option;
    assert_eq!(option("files = []").as_deref(), Some("files"));
    assert_eq!(option("files = ['a/{']").as_deref(), Some("files"));
    assert_eq!(option("categories = []").as_deref(), Some("categories"));
    assert_eq!(option("auth_types = ['']").as_deref(), Some("auth_types"));
    assert_eq!(
        option("handler_methods = ['fetch full']").as_deref(),
        Some("handler_methods")
    );
    assert_eq!(
        option("capability_methods = { poll = ['fetchDelta'] }").as_deref(),
        Some("capability_methods")
    );
}
