//! Output stays in proportion to the code, not to the config: a contract
//! of many required members gives one finding per implementation, naming
//! the members that are missing once other files have had their say.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

fn plumbline(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("plumbline runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A project whose contract requires `members`, with `files`.
fn project(members: &[&str], files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let required: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    std::fs::write(
        dir.path().join("plumbline.toml"),
        format!(
            "[connectors]\ninterfaces = [\"Connector\"]\nrequired = [{}]\n",
            required.join(", ")
        ),
    )
    .unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The concise lines of `connector-missing-revoke`, without the location.
fn missing(dir: &Path) -> Vec<String> {
    let (code, out, err) = plumbline(dir, &["check", "--format", "concise"]);
    assert!(code == 0 || code == 1, "{err}");
    out.lines()
        .filter(|line| line.contains("[connector-missing-revoke]"))
        .map(|line| line.split_once("] ").map_or(line, |(_, m)| m).to_string())
        .collect()
}

const GMAIL: &str = "export class Gmail implements Connector { id = 'g'; refresh() {} }\n";

#[test]
fn one_finding_per_class_names_its_missing_members() {
    let dir = project(
        &["revoke", "refresh", "disconnect", "health"],
        &[("src/gmail.ts", GMAIL)],
    );
    assert_eq!(
        missing(dir.path()),
        ["`Gmail` implements `Connector` but has no `revoke, disconnect and health`"]
    );
}

#[test]
fn one_missing_member_reads_as_before() {
    let dir = project(&["revoke", "refresh"], &[("src/gmail.ts", GMAIL)]);
    assert_eq!(
        missing(dir.path()),
        ["`Gmail` implements `Connector` but has no `revoke`"]
    );
}

/// Another file's interface declares some members optional: an optional
/// declaration supplies no implementation, so every missing member stays
/// in the one finding.
#[test]
fn members_another_file_declares_optional_stay_in_the_finding() {
    let members = ["revoke", "refresh", "disconnect", "health"];
    let some_optional =
        "export interface Connector { id: string; disconnect?(): void; health?(): void; }\n";
    let dir = project(
        &members,
        &[("src/types.ts", some_optional), ("src/gmail.ts", GMAIL)],
    );
    assert_eq!(
        missing(dir.path()),
        ["`Gmail` implements `Connector` but has no `revoke, disconnect and health`"]
    );
}

/// A Python base class in another module gives some members real
/// defaults: only the others are missing.
#[test]
fn defaults_from_another_module_leave_the_finding() {
    let base = "class Connector(ABC):\n    def revoke(self):\n        self.gateway.revoke(self.id)\n\n    def health(self):\n        return self.gateway.ping()\n";
    let user = "from .base import Connector\n\nclass Slack(Connector):\n    id = 'slack'\n";
    let dir = project(
        &["revoke", "refresh", "health", "disconnect"],
        &[("app/base.py", base), ("app/slack.py", user)],
    );
    assert_eq!(
        missing(dir.path()),
        ["`Slack` implements `Connector` but has no `refresh and disconnect`"]
    );
}

/// A thousand required members and a hundred classes: a hundred findings,
/// each naming eight members and how many more, where there were a hundred
/// thousand.
#[test]
fn a_large_contract_gives_bounded_output() {
    let members: Vec<String> = (0..1_000).map(|i| format!("member{i}")).collect();
    let members: Vec<&str> = members.iter().map(String::as_str).collect();
    let mut classes = String::new();
    for i in 0..100 {
        let _ = writeln!(
            classes,
            "export class C{i} implements Connector {{ member{i}() {{ return {i}; }} }}"
        );
    }
    let dir = project(&members, &[("src/all.ts", &classes)]);
    let (code, out, err) = plumbline(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.len() < 200_000, "{} bytes of JSON", out.len());
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "connector-missing-revoke")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 100);
    assert_eq!(
        messages[0],
        "`C0` implements `Connector` but has no `member1, member2, member3, member4, member5, \
         member6, member7, member8 and 991 more`"
    );
    assert_eq!(
        messages[1],
        "`C1` implements `Connector` but has no `member0, member2, member3, member4, member5, \
         member6, member7, member8 and 991 more`"
    );
}

/// A mutated Python file: thousands of logging calls whose strings never
/// close, so each call nests in the one before. Finding each call's
/// enclosing function by climbing the tree took minutes; the walk now
/// carries it down.
#[test]
fn deeply_nested_logging_calls_are_checked_quickly() {
    let mut text = String::from("import logging\n\n");
    for _ in 0..9_300 {
        text.push_str(
            "loggpi_key: str) -> None:\n    logger.info(\"Configuring OpenAI client with key %s logging\n\n",
        );
    }
    text.push_str("loggpi_key: str) -> None:\n    logger.info(\"Configuring OpenAI client with key %s\", api_key)\n");
    let dir = project(&["revoke"], &[("src/log.py", &text)]);
    let (code, out, err) = plumbline(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("[credential-in-log]"), "{out}");
}

/// A base class in another file supplies one member: it leaves the one
/// finding, the member the base lacks stays.
#[test]
fn a_base_in_another_file_supplies_some_members() {
    let base = "import { Connector } from './types';\n\
                export abstract class Base implements Connector {\n  async revoke() { await api.revoke(this.id); }\n}\n";
    let gmail = "import { Base } from './base';\nexport class Gmail extends Base implements Connector { id = 'g'; }\n";
    let dir = project(
        &["revoke", "health"],
        &[
            (
                "src/types.ts",
                "export interface Connector { id: string }\n",
            ),
            ("src/base.ts", base),
            ("src/gmail.ts", gmail),
        ],
    );
    let found = missing(dir.path());
    assert!(
        found.contains(&"`Gmail` implements `Connector` but has no `health`".to_string()),
        "{found:?}"
    );
    assert!(!found.iter().any(|m| m.contains("revoke")), "{found:?}");
}
