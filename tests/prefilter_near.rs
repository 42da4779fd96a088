//! Co-occurrence prefilters: `credential-in-log` reads a file only where a
//! credential name sits inside a logging call, yet still finds a leak in a
//! call whose arguments span many lines.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_plumbline");

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `check --timings --format json` over `root`: the document.
fn timed_check(root: &Path) -> serde_json::Value {
    let out = Command::new(BIN)
        .current_dir(root)
        .args(["check", "--format", "json", "--timings", "."])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn reached(doc: &serde_json::Value, rule: &str) -> u64 {
    doc["timings"]["rules"][rule]["files_reached"]
        .as_u64()
        .unwrap_or(0)
}

fn findings(doc: &serde_json::Value, rule: &str) -> Vec<(String, u64)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_logger_and_a_token_apart_do_not_reach_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/session.ts",
        "export function refresh(session: { token: string }) {\n  \
         const token = session.token;\n  \
         if (!token) {\n    console.error('no session');\n  }\n  \
         return fetch('/api', { headers: { authorization: token } });\n}\n",
    );
    write(
        dir.path(),
        "app/client.py",
        "import logging\n\nlog = logging.getLogger(__name__)\n\n\
         def call(token):\n    log.info('calling')\n    return send(token)\n",
    );
    let doc = timed_check(dir.path());
    assert_eq!(reached(&doc, "credential-in-log"), 0, "{doc}");
    assert!(findings(&doc, "credential-in-log").is_empty());
}

#[test]
fn a_token_deep_in_a_long_logging_call_is_still_found() {
    let dir = tempfile::tempdir().unwrap();
    let fields: String = (0..40)
        .map(|i| format!("    field{i}: ':) {i}',\n"))
        .collect();
    write(
        dir.path(),
        "src/debug.ts",
        &format!(
            "export function dump(accessToken: string) {{\n  console.log(\n    'state', {{\n{fields}    \
             // a comment with a ) bracket\n    accessToken,\n  }});\n}}\n"
        ),
    );
    write(
        dir.path(),
        "app/debug.py",
        "import logging\n\n\
         def dump(api_key):\n    logging.getLogger(__name__).info(\n        \"\"\"\n        )\n        \"\"\",\n        \
         # )\n        api_key,\n    )\n",
    );
    let doc = timed_check(dir.path());
    assert_eq!(reached(&doc, "credential-in-log"), 2, "{doc}");
    let mut found = findings(&doc, "credential-in-log");
    found.sort();
    assert_eq!(
        found,
        [
            ("app/debug.py".to_string(), 9),
            ("src/debug.ts".to_string(), 45)
        ],
        "{doc}"
    );
}

#[test]
fn a_connector_that_never_spells_the_member_skips_the_stub_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/connectors/github.ts",
        "import type { Connector } from './types';\n\n\
         export class GithubConnector implements Connector {\n  \
         async connect() {\n    return true;\n  }\n}\n",
    );
    let doc = timed_check(dir.path());
    assert_eq!(reached(&doc, "connector-revoke-stub"), 0, "{doc}");
    assert_eq!(reached(&doc, "connector-missing-revoke"), 1, "{doc}");
    assert_eq!(
        findings(&doc, "connector-missing-revoke"),
        [("src/connectors/github.ts".to_string(), 3)],
        "{doc}"
    );
}

#[test]
fn the_interface_name_matches_only_as_spelled() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "sources/registry.py",
        "CONNECTOR_REGISTRY = {}\n\n\
         class Registry:\n    def add(self, connector_id, connector):\n        \
         CONNECTOR_REGISTRY[connector_id] = connector\n",
    );
    write(
        dir.path(),
        "sources/github.py",
        "from .base import Connector\n\n\
         class GithubConnector(Connector):\n    def connect(self):\n        return True\n",
    );
    let doc = timed_check(dir.path());
    assert_eq!(reached(&doc, "connector-missing-revoke"), 1, "{doc}");
    assert_eq!(
        findings(&doc, "connector-missing-revoke"),
        [("sources/github.py".to_string(), 3)],
        "{doc}"
    );
}

#[test]
fn a_name_counts_only_where_it_ends_an_identifier() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/sync.ts",
        "export function logTokensSync(tokenId: string, count: number) {\n  \
         console.info(`[tokens] synced ${count} for ${tokenId}`);\n  return count;\n}\n",
    );
    write(
        dir.path(),
        "src/keys.ts",
        "export function show(config: { secretKey: string }) {\n  \
         console.info('key', config.secretKey);\n}\n",
    );
    let doc = timed_check(dir.path());
    assert_eq!(
        reached(&doc, "credential-in-log"),
        1,
        "`tokenId` and `tokens` end in other words; `secretKey` ends in a name: {doc}"
    );
    assert_eq!(
        findings(&doc, "credential-in-log"),
        [("src/keys.ts".to_string(), 2)],
        "{doc}"
    );
}
