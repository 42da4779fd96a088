//! Connector contracts across files on projects that resolve badly: an
//! unresolvable import, a re-export cycle, base classes that extend each
//! other across files, a broken `tsconfig.json`, a base outside the
//! project. Each run must end with exit 0 or 1 (never a crash), and an
//! unknown must never produce a finding a by-name reading would not.

use std::path::Path;
use std::process::Command;

const RULES: &str = "connector-missing-revoke,connector-revoke-stub";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("folders");
        std::fs::write(full, text).expect("write");
    }
    dir
}

/// `path:line: rule` of each finding, and the exit code.
fn check(root: &Path) -> (Vec<String>, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .current_dir(root)
        .args(["check", ".", "--format", "json", "--select", RULES])
        .output()
        .expect("run plumbline");
    let code = output.status.code().expect("exit code");
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json report");
    let mut findings: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{}: {}",
                f["path"].as_str().unwrap_or_default(),
                f["start"]["line"],
                f["rule"].as_str().unwrap_or_default()
            )
        })
        .collect();
    findings.sort();
    (findings, code)
}

const CONTRACT: &str =
    "export interface Connector {\n  id: string;\n  revoke(token: string): Promise<void>;\n}\n";

#[test]
fn unresolvable_aliases_and_bases_produce_no_finding() {
    let dir = project(&[
        ("src/contract.ts", CONTRACT),
        (
            "src/a.ts",
            "import type { IntegrationConnector as IC } from './missing';\nexport class A implements IC { id = 'a'; }\n",
        ),
        (
            "src/b.ts",
            "import { BaseConnector } from './nowhere/base';\nexport class B extends BaseConnector { id = 'b'; }\n",
        ),
        (
            "src/c.ts",
            "import { SdkConnector } from '@vendor/connector-sdk';\nimport type { Connector } from './contract';\nexport class C extends SdkConnector implements Connector { id = 'c'; }\n",
        ),
    ]);
    assert_eq!(check(dir.path()), (Vec::new(), 0));
}

#[test]
fn reexport_cycles_and_base_cycles_end_unknown() {
    let dir = project(&[
        ("src/contract.ts", CONTRACT),
        ("src/x.ts", "export type { IC } from './y';\n"),
        ("src/y.ts", "export type { IC } from './x';\n"),
        (
            "src/cycle.ts",
            "import type { IC } from './x';\nexport class Looped implements IC { id = 'l'; }\n",
        ),
        (
            "src/p.ts",
            "import { Q } from './q';\nexport class P extends Q { id = 'p'; }\n",
        ),
        (
            "src/q.ts",
            "import { P } from './p';\nimport type { Connector } from './contract';\nexport class Q extends P implements Connector { id = 'q'; }\n",
        ),
        (
            "svc/app/connectors/a.py",
            "from .b import BConnector\n\nclass AConnector(BConnector):\n    pass\n",
        ),
        (
            "svc/app/connectors/b.py",
            "from .a import AConnector\n\nclass BConnector(AConnector):\n    pass\n",
        ),
    ]);
    assert_eq!(check(dir.path()), (Vec::new(), 0));
}

#[test]
fn a_broken_tsconfig_leaves_relative_imports_working() {
    let dir = project(&[
        ("tsconfig.json", "{ \"compilerOptions\": { \"paths\": { \"@/*\": [ } "),
        ("src/contract.ts", CONTRACT),
        (
            "src/index.ts",
            "export type { Connector as IntegrationConnector } from './contract';\n",
        ),
        (
            "src/gmail.ts",
            "import type { IntegrationConnector as IC } from './index';\nimport type { Other } from '@/other';\nexport class Gmail implements Other, IC { id = 'g'; }\n",
        ),
    ]);
    let (findings, code) = check(dir.path());
    assert_eq!(findings, ["src/gmail.ts:3: connector-missing-revoke"]);
    assert_eq!(code, 1);
}

#[test]
fn an_external_alias_counts_as_the_name_it_imports() {
    let dir = project(&[
        (
            "src/gmail.ts",
            "import type { Connector as IC } from '@acme/connectors';\nexport class Gmail implements IC { id = 'g'; }\n",
        ),
        (
            "src/db.ts",
            "import type { Pool as DbConnector } from 'pg';\nexport class Pg implements DbConnector { id = 'p'; }\n",
        ),
    ]);
    let (findings, _) = check(dir.path());
    assert_eq!(findings, ["src/gmail.ts:2: connector-missing-revoke"]);
}

#[test]
fn a_python_stub_behind_an_imported_base_is_found() {
    let dir = project(&[
        ("svc/app/__init__.py", ""),
        (
            "svc/app/connectors/__init__.py",
            "from .base import BaseConnector\n",
        ),
        (
            "svc/app/connectors/contract.py",
            "from abc import ABC, abstractmethod\n\nclass Connector(ABC):\n    @abstractmethod\n    async def revoke(self, token: str) -> None: ...\n",
        ),
        (
            "svc/app/connectors/base.py",
            "from .contract import Connector\n\nclass BaseConnector(Connector):\n    timeout = 10\n",
        ),
        (
            "svc/app/connectors/jira.py",
            "from app.connectors import BaseConnector\n\nclass JiraConnector(BaseConnector):\n    async def revoke(self, token: str) -> None:\n        pass\n",
        ),
    ]);
    let (findings, code) = check(dir.path());
    assert_eq!(
        findings,
        [
            "svc/app/connectors/base.py:3: connector-missing-revoke",
            "svc/app/connectors/jira.py:4: connector-revoke-stub"
        ]
    );
    assert_eq!(code, 1);
}

/// The agent hook decides an edit whose finding depends on other files (an
/// alias re-exported by a workspace package) from the files the imports
/// pass through: the edit that drops `revoke` is denied, the one that keeps
/// it is allowed.
#[test]
fn the_agent_hook_follows_the_alias_of_an_edit() {
    let dir = project(&[
        ("pnpm-workspace.yaml", "packages:\n  - packages/*\n"),
        (
            "packages/connectors/package.json",
            r#"{"name":"@acme/connectors","main":"dist/index.js"}"#,
        ),
        ("packages/connectors/src/types.ts", CONTRACT),
        (
            "packages/connectors/src/index.ts",
            "export type { Connector as IntegrationConnector } from './types';\n",
        ),
        ("apps/api/src/notion.ts", ""),
    ]);
    let file = dir.path().join("apps/api/src/notion.ts");
    let decide = |content: &str| hook_decides(dir.path(), &file, content);
    let head = "import type { IntegrationConnector as IC } from '@acme/connectors';\n";
    let without = format!("{head}export class Notion implements IC {{ id = 'notion'; }}\n");
    let with = format!(
        "{head}export class Notion implements IC {{ id = 'notion'; async revoke(t: string) {{ await fetch(`https://api.notion.com/v1/oauth/revoke?token=${{t}}`); }} }}\n"
    );
    let denied = decide(&without);
    assert!(
        denied.contains("\"deny\"") && denied.contains("connector-missing-revoke"),
        "{denied}"
    );
    assert!(!decide(&with).contains("\"deny\""));
}

#[test]
fn rust_reexport_cycles_unresolvable_paths_and_broken_manifests_end_unknown() {
    let imp = "pub struct Gmail;\nimpl {TRAIT} for Gmail { fn id(&self) -> &str { \"gmail\" } }\n";
    let dir = project(&[
        ("Cargo.toml", "[workspace\nmembers = [\n"),
        ("app/Cargo.toml", "[package]\nname = \"app\"\n"),
        (
            "app/src/lib.rs",
            "mod a;\nmod b;\nmod providers;\npub use a::Loop;\n",
        ),
        ("app/src/a.rs", "pub use crate::b::Loop;\n"),
        ("app/src/b.rs", "pub use crate::a::Loop;\n"),
        (
            "app/src/providers.rs",
            &format!(
                "use crate::Loop;\nuse crate::missing::Gone;\nuse elsewhere::Api;\n{}{}{}",
                imp.replace("{TRAIT}", "Loop"),
                imp.replace("{TRAIT}", "Gone").replace("Gmail", "Slack"),
                imp.replace("{TRAIT}", "Api").replace("Gmail", "Notion"),
            ),
        ),
    ]);
    assert_eq!(check(dir.path()), (Vec::new(), 0));
}

/// The agent hook's answer to a `Write` of `content` to `file`.
fn hook_decides(root: &Path, file: &Path, content: &str) -> String {
    let event = serde_json::json!({
        "hook_event_name": "PreToolUse",
        "tool_name": "Write",
        "cwd": root,
        "tool_input": { "file_path": file, "content": content },
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .current_dir(root)
        .args(["hook", "claude"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run the hook");
    std::io::Write::write_all(
        &mut child.stdin.take().expect("stdin"),
        event.to_string().as_bytes(),
    )
    .expect("write the event");
    let output = child.wait_with_output().expect("hook output");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_agent_hook_follows_a_rust_trait_reexported_by_another_crate() {
    let dir = project(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
        (
            "crates/integrations/Cargo.toml",
            "[package]\nname = \"integrations\"\n",
        ),
        (
            "crates/integrations/src/lib.rs",
            "mod contract;\npub use contract::Connector as IntegrationConnector;\n",
        ),
        (
            "crates/integrations/src/contract.rs",
            "pub trait Connector { fn id(&self) -> &str; fn revoke(&self, token: &str); }\n",
        ),
        (
            "crates/providers/Cargo.toml",
            "[package]\nname = \"providers\"\n",
        ),
        ("crates/providers/src/lib.rs", "pub mod notion;\n"),
        ("crates/providers/src/notion.rs", ""),
    ]);
    let file = dir.path().join("crates/providers/src/notion.rs");
    let head =
        "use integrations::IntegrationConnector as Api;\npub struct Notion { http: Client }\n";
    let without =
        format!("{head}impl Api for Notion {{ fn id(&self) -> &str {{ \"notion\" }} }}\n");
    let with = format!(
        "{head}impl Api for Notion {{ fn id(&self) -> &str {{ \"notion\" }} fn revoke(&self, token: &str) {{ self.http.post(REVOKE_URL).form(&[(\"token\", token)]).send(); }} }}\n"
    );
    let denied = hook_decides(dir.path(), &file, &without);
    assert!(
        denied.contains("\"deny\"") && denied.contains("connector-missing-revoke"),
        "{denied}"
    );
    assert!(!hook_decides(dir.path(), &file, &with).contains("\"deny\""));
}
