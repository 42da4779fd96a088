//! Defaults of the `manifest-schema` options: the platform's schema.

use std::collections::BTreeMap;

pub(super) fn default_categories() -> Vec<String> {
    [
        "Cloud",
        "Identity & Access",
        "HR & People",
        "Development",
        "Communication",
        "Monitoring",
        "Infrastructure",
        "Security",
        "Productivity",
    ]
    .map(String::from)
    .to_vec()
}

pub(super) fn default_auth_types() -> Vec<String> {
    ["oauth2", "api_key", "basic", "jwt", "custom"]
        .map(String::from)
        .to_vec()
}

pub(super) fn default_capabilities() -> Vec<String> {
    ["sync", "webhook", "realtime", "write"]
        .map(String::from)
        .to_vec()
}

pub(super) fn default_handler_methods() -> Vec<String> {
    ["testConnection", "fetchFull"].map(String::from).to_vec()
}

pub(super) fn default_capability_methods() -> BTreeMap<String, Vec<String>> {
    BTreeMap::from([("sync".to_string(), vec!["fetchDelta".to_string()])])
}
