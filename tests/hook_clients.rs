//! What each client is told: the exact answer shapes that make a client
//! honour plumbline's decision, and the messages a person reads.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use insta_cmd::get_cargo_bin;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hooks")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs a fixture payload against a fresh copy of the fixture project.
fn run_fixture(agent: &str, case: &str, extra: &[&str]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("project"), dir.path());
    let payload = std::fs::read_to_string(fixtures().join(agent).join(format!("{case}.json")))
        .unwrap()
        .replace("__PROJECT__", &dir.path().to_string_lossy());
    let mut child = Command::new(get_cargo_bin("plumbline"))
        .args(["hook", agent])
        .args(extra)
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(payload.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

fn json(o: &Outcome) -> Value {
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout))
}

#[test]
fn a_wrongly_typed_field_is_named_with_its_type() {
    let o = run_fixture("claude", "write-wrong-type", &[]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr,
        "plumbline hook: `file_path` in the tool input must be a string, got a number\n"
    );
}

#[test]
fn an_unreadable_patch_is_one_line_and_the_fail_open_answer() {
    let o = run_fixture("codex", "apply-patch-unreadable", &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stdout.is_empty());
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(o.stderr.contains("cannot read the patch"), "{}", o.stderr);
    let closed = run_fixture("codex", "apply-patch-unreadable", &["--fail-closed"]);
    assert_eq!(
        json(&closed)["hookSpecificOutput"]["permissionDecision"],
        "deny"
    );
}

#[test]
fn copilot_fails_open_with_an_explicit_allow() {
    // Copilot CLI takes exit 1 as a deny.
    let o = run_fixture("copilot", "missing-field", &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(json(&o)["permissionDecision"], "allow");
    assert!(o.stderr.starts_with("plumbline hook: "), "{}", o.stderr);
    let closed = run_fixture("copilot", "missing-field", &["--fail-closed"]);
    assert_eq!(json(&closed)["permissionDecision"], "deny");
}

#[test]
fn copilot_raw_patches_are_read_as_patches() {
    let clean = run_fixture("copilot", "apply-patch-raw-clean", &[]);
    assert_eq!(
        (clean.code, clean.stdout.as_str()),
        (0, ""),
        "{}",
        clean.stderr
    );
    let blocked = run_fixture("copilot", "apply-patch-raw-blocked", &[]);
    let answer = json(&blocked);
    assert_eq!(answer["permissionDecision"], "deny");
    assert!(answer["permissionDecisionReason"]
        .as_str()
        .unwrap()
        .contains("forbidden-gateway-host"));
}

#[test]
fn gemini_asks_with_a_system_message() {
    let o = run_fixture("gemini", "config-weaken", &[]);
    let answer = json(&o);
    assert_eq!(answer["decision"], "ask");
    assert!(answer["systemMessage"]
        .as_str()
        .unwrap()
        .contains("weaken plumbline's policy"));
}

#[test]
fn gemini_tools_that_merely_match_the_regex_pass_quietly() {
    let o = run_fixture("gemini", "mcp-tool-named-like-replace", &[]);
    assert_eq!((o.code, o.stdout.as_str(), o.stderr.as_str()), (0, "", ""));
}

#[test]
fn mcp_sql_is_linted_as_a_migration() {
    for (agent, case) in [
        ("claude", "mcp-supabase-execute-sql-blocked"),
        ("claude", "mcp-supabase-apply-migration-blocked"),
        ("codex", "mcp-supabase-execute-sql-blocked"),
        ("gemini", "mcp-supabase-execute-sql-blocked"),
        ("copilot", "mcp-supabase-execute-sql-blocked"),
    ] {
        let o = run_fixture(agent, case, &[]);
        assert!(
            o.stdout.contains("supabase-integration-table") && o.stdout.contains("this SQL"),
            "{agent}/{case}: {}",
            o.stdout
        );
    }
}

#[test]
fn a_shell_command_is_not_called_an_edit() {
    let o = run_fixture("claude", "bash-heredoc-clobber-blocked", &[]);
    let reason = json(&o)["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.starts_with("plumbline blocked this command"),
        "{reason}"
    );
}

#[test]
fn hook_all_does_not_call_old_debt_new() {
    let o = run_fixture("claude", "edit-old-debt", &["--all"]);
    let reason = json(&o)["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!reason.contains("introduces"), "{reason}");
    assert!(reason.contains("would hold 1 policy violation"), "{reason}");
    // Without --all, the old debt is not the edit's doing.
    let o = run_fixture("claude", "edit-old-debt", &[]);
    assert_eq!((o.code, o.stdout.as_str()), (0, ""));
}

#[test]
fn an_unplaceable_edit_is_judged_by_its_new_text() {
    let o = run_fixture("claude", "edit-old-string-missing", &[]);
    let reason = json(&o)["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(reason.contains("in the edit's new text"), "{reason}");
}
