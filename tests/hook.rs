//! The real binary as each agent runs it: payload files in, decisions out.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use insta_cmd::get_cargo_bin;

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Setup {
    None,
    BrokenConfig,
    Init,
}

/// A temp copy of the fixture project, prepared as the case needs.
fn project(setup: Setup) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("project"), dir.path());
    match setup {
        Setup::None => {}
        Setup::BrokenConfig => {
            std::fs::copy(
                fixtures().join("broken-plumbline.toml"),
                dir.path().join("plumbline.toml"),
            )
            .unwrap();
        }
        Setup::Init => {
            let status = Command::new(get_cargo_bin("plumbline"))
                .args(["init", "--agent", "claude"])
                .current_dir(dir.path())
                .output()
                .unwrap();
            assert!(
                status.status.success(),
                "{}",
                String::from_utf8_lossy(&status.stderr)
            );
        }
    }
    dir
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_hook(dir: &Path, agent: Option<&str>, payload: &str, extra: &[&str]) -> Outcome {
    let payload = payload.replace("__PROJECT__", &dir.to_string_lossy());
    let mut cmd = Command::new(get_cargo_bin("plumbline"));
    cmd.arg("hook");
    if let Some(agent) = agent {
        cmd.arg(agent);
    }
    let mut child = cmd
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(payload.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Allow,
    Deny,
    Ask,
    Error,
}

fn decision(agent: &str, outcome: &Outcome) -> Expect {
    if outcome.code == 1 && outcome.stdout.is_empty() {
        assert!(
            outcome.stderr.starts_with("plumbline hook: "),
            "{}",
            outcome.stderr
        );
        assert_eq!(
            outcome.stderr.lines().count(),
            1,
            "one line on stderr: {}",
            outcome.stderr
        );
        return Expect::Error;
    }
    assert_eq!(outcome.code, 0, "stderr: {}", outcome.stderr);
    if outcome.stdout.trim().is_empty() {
        return Expect::Allow;
    }
    let json: serde_json::Value =
        serde_json::from_str(&outcome.stdout).expect("hook output is JSON");
    // Detection may answer in a compatible protocol (Copilot's VS Code
    // format is Claude's), so read whichever shape came back.
    let _ = agent;
    let verdict = json["hookSpecificOutput"]["permissionDecision"]
        .as_str()
        .or(json["decision"].as_str())
        .or(json["permission"].as_str())
        .or(json["permissionDecision"].as_str());
    match verdict {
        Some("allow") => Expect::Allow,
        Some("deny") => Expect::Deny,
        Some("ask") => Expect::Ask,
        other => panic!("unexpected verdict {other:?} in {}", outcome.stdout),
    }
}

fn expected(agent: &str, case: &str) -> (Expect, Setup) {
    use Expect::*;
    let setup = match case {
        "config-repair" => Setup::BrokenConfig,
        "settings-remove-hook" => Setup::Init,
        _ => Setup::None,
    };
    let expect = match case {
        // Claude, Gemini and Copilot can ask a human; the others deny.
        "config-weaken" | "settings-remove-hook"
            if matches!(agent, "claude" | "gemini" | "copilot") =>
        {
            Ask
        }
        c if c.ends_with("-weaken") && matches!(agent, "claude" | "gemini" | "copilot") => Ask,
        c if c.ends_with("-weaken") => Deny,
        "config-weaken" => Deny,
        // Copilot takes exit 1 as a deny: failing open is an explicit allow.
        "missing-field" if agent == "copilot" => Allow,
        "write-wrong-type" | "apply-patch-unreadable" => Error,
        // Copilot and Gemini show the hook tools plumbline never asked for.
        "unknown-tool" if matches!(agent, "copilot" | "gemini") => Allow,
        // No cascade places the edit: its new text is judged on its own.
        "edit-old-string-missing" => Deny,
        "unknown-tool" | "missing-field" => Error,
        c if c.contains("blocked")
            || c == "self-suppression"
            || c.ends_with("oauth-route")
            || matches!(
                c,
                "bash-heredoc" | "bash-curl" | "bash-psql" | "apply-patch-two-files"
            ) =>
        {
            Deny
        }
        _ => Allow,
    };
    (expect, setup)
}

#[test]
fn every_payload_gets_the_documented_decision() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for agent in ["claude", "gemini", "codex", "cursor", "copilot"] {
        let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures().join(agent))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        cases.sort();
        for case_path in cases {
            let case = case_path.file_stem().unwrap().to_string_lossy().to_string();
            let payload = std::fs::read_to_string(&case_path).unwrap();
            let (want, setup) = expected(agent, &case);
            for named in [Some(agent), None] {
                let dir = project(setup);
                let outcome = run_hook(dir.path(), named, &payload, &[]);
                let got = decision(agent, &outcome);
                checked += 1;
                if got != want {
                    problems.push(format!(
                        "{agent}/{case} ({}): expected {want:?}, got {got:?}\nstdout: {}stderr: {}",
                        if named.is_some() { "named" } else { "detected" },
                        outcome.stdout,
                        outcome.stderr
                    ));
                }
                // The hook never writes a file.
                let after = project(setup);
                assert_same_tree(dir.path(), after.path());
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {checked} runs wrong:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn assert_same_tree(a: &Path, b: &Path) {
    let list = |root: &Path| -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .to_string();
                    out.push((rel, std::fs::read(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    };
    let (la, lb) = (list(a), list(b));
    assert_eq!(la.len(), lb.len());
    for ((pa, ca), (pb, cb)) in la.iter().zip(&lb) {
        assert_eq!(pa, pb);
        // settings.json differs only by the temp path `init` may embed; compare lengths for it.
        if !pa.ends_with("settings.json") {
            assert!(ca == cb, "the hook changed {pa}");
        }
    }
}

#[test]
fn failure_modes() {
    let dir = project(Setup::None);
    let malformed = std::fs::read_to_string(fixtures().join("malformed.txt")).unwrap();
    let open = run_hook(dir.path(), Some("claude"), &malformed, &[]);
    assert_eq!(decision("claude", &open), Expect::Error);
    let closed = run_hook(dir.path(), Some("claude"), &malformed, &["--fail-closed"]);
    assert_eq!(decision("claude", &closed), Expect::Deny);
    std::fs::write(
        dir.path().join("plumbline.toml"),
        "[hook]\nfail_closed = true\n",
    )
    .unwrap();
    let closed_by_config = run_hook(dir.path(), Some("gemini"), &malformed, &[]);
    assert_eq!(decision("gemini", &closed_by_config), Expect::Deny);

    let broken = project(Setup::BrokenConfig);
    let payload = std::fs::read_to_string(fixtures().join("claude/edit-allowed.json")).unwrap();
    let outcome = run_hook(broken.path(), Some("claude"), &payload, &[]);
    assert_eq!(decision("claude", &outcome), Expect::Deny);
    assert!(
        outcome.stdout.contains("plumbline.toml:"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn block_all_blocks_old_debt_too() {
    let dir = project(Setup::None);
    let payload = std::fs::read_to_string(fixtures().join("claude/edit-old-debt.json")).unwrap();
    assert_eq!(
        decision(
            "claude",
            &run_hook(dir.path(), Some("claude"), &payload, &[])
        ),
        Expect::Allow
    );
    assert_eq!(
        decision(
            "claude",
            &run_hook(dir.path(), Some("claude"), &payload, &["--all"])
        ),
        Expect::Deny
    );
}

#[test]
fn reasons_read_the_same_for_every_agent() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.bind(|| {
        for agent in ["claude", "gemini", "cursor", "copilot"] {
            let dir = project(Setup::None);
            let file = if agent == "cursor" {
                "write-blocked"
            } else {
                "edit-blocked"
            };
            let payload =
                std::fs::read_to_string(fixtures().join(agent).join(format!("{file}.json")))
                    .unwrap();
            let outcome = run_hook(dir.path(), Some(agent), &payload, &[]);
            insta::assert_snapshot!(format!("hook_blocked_{agent}"), outcome.stdout);
        }
        let dir = project(Setup::None);
        let payload =
            std::fs::read_to_string(fixtures().join("codex/apply-patch-two-files.json")).unwrap();
        insta::assert_snapshot!(
            "hook_apply_patch",
            run_hook(dir.path(), Some("codex"), &payload, &[]).stdout
        );
        let payload =
            std::fs::read_to_string(fixtures().join("claude/config-weaken.json")).unwrap();
        insta::assert_snapshot!(
            "hook_config_weaken",
            run_hook(dir.path(), Some("claude"), &payload, &[]).stdout
        );
        let payload = std::fs::read_to_string(fixtures().join("claude/bash-psql.json")).unwrap();
        insta::assert_snapshot!(
            "hook_bash_psql",
            run_hook(dir.path(), Some("claude"), &payload, &[]).stdout
        );
    });
}

#[test]
fn init_merges_and_is_idempotent() {
    let dir = project(Setup::None);
    let settings = dir.path().join(".claude/settings.json");
    let before: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    let run = || {
        Command::new(get_cargo_bin("plumbline"))
            .args(["init", "--agent", "claude"])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    assert!(run().status.success());
    let once = std::fs::read_to_string(&settings).unwrap();
    let merged: serde_json::Value = serde_json::from_str(&once).unwrap();
    assert_eq!(
        merged["hooks"]["PostToolUse"], before["hooks"]["PostToolUse"],
        "existing hooks stay"
    );
    assert_eq!(
        merged["permissions"], before["permissions"],
        "unrelated keys stay"
    );
    // `init` may name the binary by its absolute path.
    assert!(once.contains("plumbline") && once.contains(" hook claude"));
    assert!(run().status.success());
    assert_eq!(
        std::fs::read_to_string(&settings).unwrap(),
        once,
        "running init twice changes nothing"
    );

    std::fs::write(&settings, "{ \"hooks\": [1, }").unwrap();
    let out = run();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&settings).unwrap(),
        "{ \"hooks\": [1, }",
        "invalid JSON is left untouched"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("settings.json"));
}

/// A finding that depends on other files (a callback nothing links to) is
/// decided with the rest of the project read from disk.
#[test]
fn project_wide_findings_read_the_rest_of_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    std::fs::write(root.join("plumbline.toml"), "[oauth]\nowner = \"app\"\n").unwrap();
    std::fs::create_dir_all(root.join("lib")).unwrap();
    std::fs::write(
        root.join("lib/oauth.ts"),
        "export const redirectUri = (origin: string) => `${origin}/api/oauth/google/callback`;\n",
    )
    .unwrap();
    let write = |route: &str| {
        serde_json::json!({
            "session_id": "s",
            "transcript_path": "t.jsonl",
            "cwd": root,
            "hook_event_name": "PreToolUse",
            "tool_name": "Write",
            "tool_input": {
                "file_path": root.join(route),
                "content": "export async function GET(request: Request) {\n  return new Response('ok');\n}\n"
            }
        })
        .to_string()
    };
    let linked = run_hook(
        root,
        Some("claude"),
        &write("app/api/oauth/google/callback/route.ts"),
        &[],
    );
    assert_eq!(
        decision("claude", &linked),
        Expect::Allow,
        "{}",
        linked.stdout
    );
    let dead = run_hook(
        root,
        Some("claude"),
        &write("app/api/oauth/slack/callback/route.ts"),
        &[],
    );
    assert_eq!(decision("claude", &dead), Expect::Deny, "{}", dead.stdout);
    assert!(
        dead.stdout.contains("/api/oauth/slack/callback"),
        "{}",
        dead.stdout
    );
}

/// A comment saying a value is not a secret vouches for it only when a
/// person wrote it before the edit: an agent cannot wave its own value
/// through by writing the comment beside it.
#[test]
fn an_edit_cannot_vouch_for_its_own_credential() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    let key = "sk-proj-CvY4dhKMlRdZQ9QsTXUuSnH6av1Ib8pp1xxXHU0BScJXj675-eVq30XYqaNUD_qN9Nifp28uwCT3BlbkFJDydesokF5NSAllsNdV40";
    let vouched = format!(
        "// Not a secret: the key of the recorded test account.\nexport const replayKey = '{key}';\n"
    );
    std::fs::write(
        root.join("replay.ts"),
        format!("export const label = 'replay';\n{vouched}"),
    )
    .unwrap();
    std::fs::write(root.join("client.ts"), "export const label = 'client';\n").unwrap();
    let edit = |file: &str, old: &str, new: &str| {
        serde_json::json!({
            "session_id": "s",
            "transcript_path": "t.jsonl",
            "cwd": root,
            "hook_event_name": "PreToolUse",
            "tool_name": "Edit",
            "tool_input": {"file_path": root.join(file), "old_string": old, "new_string": new}
        })
        .to_string()
    };
    let trailing =
        format!("export const label = 'client';\nexport const apiKey = '{key}'; // not a secret\n");
    let above = format!("export const label = 'client';\n{vouched}");
    for (why, new) in [
        ("a trailing comment", trailing.as_str()),
        ("a comment above", above.as_str()),
    ] {
        let written = run_hook(
            root,
            Some("claude"),
            &edit("client.ts", "export const label = 'client';\n", new),
            &[],
        );
        assert_eq!(
            decision("claude", &written),
            Expect::Deny,
            "{why}: {}",
            written.stdout
        );
        assert!(
            written.stdout.contains("hardcoded-credential"),
            "{}",
            written.stdout
        );
    }
    // The comment was there before the edit: a person wrote it.
    let unrelated = run_hook(
        root,
        Some("claude"),
        &edit(
            "replay.ts",
            "export const label = 'replay';",
            "export const label = 'replays';",
        ),
        &[],
    );
    assert_eq!(
        decision("claude", &unrelated),
        Expect::Allow,
        "{}",
        unrelated.stdout
    );
    // And `check` reads the comment as it always has.
    let check = Command::new(get_cargo_bin("plumbline"))
        .args(["check", "--no-cache", "replay.ts"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// An old suppression comment keeps hiding what it hid, and nothing more:
/// moving `plumbline-ignore-end` down, writing new code inside an old block
/// or under an old next-line comment does not hide the new code.
#[test]
fn an_old_suppression_does_not_stretch_over_new_code() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    let old_key = "sk-proj-CvY4dhKMlRdZQ9QsTXUuSnH6av1Ib8pp1xxXHU0BScJXj675-eVq30XYqaNUD_qN9Nifp28uwCT3BlbkFJDydesokF5NSAllsNdV40";
    let new_key = "sk-ant-api03-g5QjWV1mKaUyvBPs0jSO2Jkf08MMF1ulMMCw3XVy27dFanUrOSE62chn4xdeJg1Kza5KxxGWfvmaQtKnP-VSGVBrYSuIbAA";
    std::fs::write(
        root.join("replay.ts"),
        format!(
            "export const label = 'replay';\n\
             // plumbline-ignore-start: hardcoded-credential -- keys of the recorded test account\n\
             export const replayKey = '{old_key}';\n\
             // plumbline-ignore-end\n\
             export const retries = 3;\n"
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("notes.ts"),
        format!(
            "// plumbline-ignore: hardcoded-credential -- the recorded test account\n\
             export const replayKey = '{old_key}';\n"
        ),
    )
    .unwrap();
    let check = Command::new(get_cargo_bin("plumbline"))
        .args(["check", "--no-cache", "replay.ts", "notes.ts"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let edit = |file: &str, old: &str, new: &str| {
        serde_json::json!({
            "session_id": "s",
            "transcript_path": "t.jsonl",
            "cwd": root,
            "hook_event_name": "PreToolUse",
            "tool_name": "Edit",
            "tool_input": {"file_path": root.join(file), "old_string": old, "new_string": new}
        })
        .to_string()
    };
    let old_line = format!("export const replayKey = '{old_key}';\n");
    let new_line = format!("export const liveKey = '{new_key}';\n");
    let cases = [
        (
            "the end moved down over new code",
            "replay.ts",
            "// plumbline-ignore-end\nexport const retries = 3;\n".to_string(),
            format!("export const retries = 3;\n{new_line}// plumbline-ignore-end\n"),
            Expect::Deny,
        ),
        (
            "new code inside an old block",
            "replay.ts",
            old_line.clone(),
            format!("{old_line}{new_line}"),
            Expect::Deny,
        ),
        (
            "new code under an old next-line comment",
            "notes.ts",
            old_line.clone(),
            new_line.clone(),
            Expect::Deny,
        ),
        (
            "clean code inside an old block",
            "replay.ts",
            old_line.clone(),
            format!("{old_line}export const region = 'eu';\n"),
            Expect::Allow,
        ),
        (
            "an edit beside the block",
            "replay.ts",
            "export const retries = 3;\n".to_string(),
            "export const retries = 5;\n".to_string(),
            Expect::Allow,
        ),
    ];
    for (why, file, old, new, want) in cases {
        let outcome = run_hook(root, Some("claude"), &edit(file, &old, &new), &[]);
        assert_eq!(
            decision("claude", &outcome),
            want,
            "{why}: {}",
            outcome.stdout
        );
    }
}
