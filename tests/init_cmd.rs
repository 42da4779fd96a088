//! `plumbline init`: the starter config without `--agent`, and `--local`
//! for Claude Code's personal settings file.

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

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Findings as `path:rule` lines, from the concise format.
fn found(dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["check", "--format", "concise"];
    args.extend(extra);
    let (code, out, err) = plumbline(dir, &args);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let mut lines: Vec<String> = out
        .lines()
        .filter(|l| l.contains(": "))
        .filter_map(|l| {
            let path = l.split(':').next()?;
            let rule = l.split('[').nth(1)?.split(']').next()?;
            Some(format!("{path}:{rule}"))
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn init_without_an_agent_writes_a_starter_config_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(
        root,
        "packages/connectors/src/types.ts",
        "export interface CrmConnector { revoke(): Promise<void> }\n",
    );
    write(
        root,
        "packages/connectors/src/hubspot.ts",
        "import { CrmConnector } from './types';\nexport class Hubspot implements CrmConnector { sync() {} }\n",
    );
    let (code, out, err) = plumbline(root, &["init"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("created plumbline.toml"), "{out}");
    let written = std::fs::read_to_string(root.join("plumbline.toml")).unwrap();
    assert!(
        written.contains("interfaces = [\"CrmConnector\"]"),
        "{written}"
    );
    // The starter config runs as written and finds the missing revoke.
    let findings = found(root, &[]);
    assert_eq!(
        findings,
        ["packages/connectors/src/hubspot.ts:connector-missing-revoke"]
    );
    // A second run keeps the file as it is.
    std::fs::write(root.join("plumbline.toml"), "# mine\n").unwrap();
    let (code, out, _) = plumbline(root, &["init"]);
    assert_eq!(code, 0);
    assert!(out.contains("already exists"), "{out}");
    assert_eq!(
        std::fs::read_to_string(root.join("plumbline.toml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn init_local_registers_claude_in_the_personal_settings_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    let (code, out, err) = plumbline(root, &["init", "--agent", "claude", "--local"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(".claude/settings.local.json"), "{out}");
    let local = std::fs::read_to_string(root.join(".claude/settings.local.json")).unwrap();
    assert!(
        local.contains("PreToolUse") && local.contains("plumbline"),
        "{local}"
    );
    assert!(!root.join(".claude/settings.json").exists());
    let (code, _, err) = plumbline(root, &["init", "--agent", "gemini", "--local"]);
    assert_eq!(code, 2);
    assert!(err.contains("--local is for Claude Code"), "{err}");
}
