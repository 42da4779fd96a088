//! Rule instances: the TOML files in `rules/` (embedded at build time) and
//! users' own, read into one metadata struct that every output uses.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::finding::Severity;

macro_rules! builtin {
    ($id:literal) => {
        ($id, include_str!(concat!("../../rules/", $id, ".toml")))
    };
}

/// Built-in rule instances, one line each. A test fails when a file in
/// `rules/` is missing here or its stem differs from its `id`.
pub const BUILTIN_RULE_FILES: &[(&str, &str)] = &[
    builtin!("supabase-integration-table"),
    builtin!("supabase-integration-status-write"),
    builtin!("supabase-integration-status-read"),
    builtin!("supabase-service-role-for-integrations"),
    builtin!("supabase-save-integration-status"),
    builtin!("forbidden-gateway-host"),
    builtin!("provider-call-bypasses-gateway"),
    builtin!("dead-oauth-callback"),
    builtin!("app-oauth-url-generation"),
    builtin!("connector-missing-revoke"),
    builtin!("connector-revoke-stub"),
    builtin!("manifest-invalid"),
    builtin!("manifest-unregistered"),
    builtin!("cached-connector-client"),
    builtin!("credential-in-log"),
    builtin!("connector-disconnect-without-revoke"),
    builtin!("plaintext-credential-column"),
    builtin!("hardcoded-credential"),
    builtin!("invalid-suppression"),
    builtin!("unused-suppression"),
];

/// The kind id of the rules the engine itself implements (suppressions).
pub const ENGINE_KIND: &str = "engine";

/// One rule instance: the single source of a rule's id, wording and options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub kind: String,
    pub severity: Severity,
    /// One line for `plumbline rules` and SARIF's shortDescription.
    pub summary: String,
    /// Message template; `{name}` placeholders are filled by the kind.
    pub message: String,
    /// What to do instead; may use the same placeholders.
    pub help: String,
    /// Markdown shown by `plumbline explain`, with examples.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Option defaults for the kind.
    #[serde(default)]
    pub options: toml::Table,
    /// Options whose value comes from a shared project fact, e.g.
    /// `tables = "supabase.tables"`, unless the rule's own table sets it.
    #[serde(default)]
    pub shared: BTreeMap<String, String>,
    /// User-facing option names (as RULES.md spells them) for kind options,
    /// e.g. `function_names = "names"`.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// Defined by the project (`[[rule]]`, `.plumbline/rules/`), not built in.
    #[serde(skip)]
    pub user_defined: bool,
    /// Where the rule applies (`paths`, `exclude`, `roles`; see
    /// [`crate::scope`]), as the rule's definition sets it.
    #[serde(default)]
    pub scope: toml::Table,
    /// Defined with `severity = "off"`: known (suppressions may name it,
    /// `--select` may run it) but not run by default.
    #[serde(skip)]
    pub off: bool,
}

impl RuleMeta {
    /// The one place a rule's documentation link is built.
    pub fn url(&self) -> String {
        if self.user_defined {
            return String::new();
        }
        format!(
            "{}/blob/main/rules/{}.toml",
            env!("CARGO_PKG_REPOSITORY"),
            self.id
        )
    }

    pub fn is_engine_rule(&self) -> bool {
        self.kind == ENGINE_KIND
    }

    /// The kind option a user-facing option name refers to.
    pub fn option_for<'a>(&'a self, name: &'a str) -> &'a str {
        self.aliases.get(name).map_or(name, String::as_str)
    }

    pub fn parse(text: &str) -> Result<RuleMeta, toml::de::Error> {
        toml::from_str(text)
    }
}

/// The built-in instances, parsed. They are part of the binary, so a parse
/// failure is a bug caught by the registry tests.
pub fn builtin_rules() -> &'static [RuleMeta] {
    static RULES: std::sync::OnceLock<Vec<RuleMeta>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        BUILTIN_RULE_FILES
            .iter()
            .map(|(id, text)| {
                RuleMeta::parse(text)
                    .unwrap_or_else(|e| panic!("built-in rule {id} is invalid: {e}"))
            })
            .collect()
    })
}

/// The built-in instances as shared metadata, the start of every project's
/// rule catalogue.
pub fn builtin_catalogue() -> &'static [std::sync::Arc<RuleMeta>] {
    static RULES: std::sync::OnceLock<Vec<std::sync::Arc<RuleMeta>>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        builtin_rules()
            .iter()
            .cloned()
            .map(std::sync::Arc::new)
            .collect()
    })
}
