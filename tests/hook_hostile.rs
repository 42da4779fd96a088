//! The agent hook under hostile input: special files, huge payloads, paths
//! that leave and re-enter the project, edit amplification, slow patches,
//! and crashes. Every case must end in the agent's protocol answer within
//! seconds, never exit 101/134 and never hang.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;
use serde_json::{json, Value};

const FORBIDDEN: &str = "export const U = 'https://chi-gateway.example.workers.dev';\n";

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

/// A temp folder holding `proj/` (a copy of the fixture project) and an
/// empty `elsewhere/`.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().canonicalize().unwrap().join("proj");
    copy_dir(&fixtures().join("project"), &proj);
    std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
    (dir, proj)
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Outcome {
    /// The verdict in any protocol: "allow" for an empty answer, "error"
    /// for the fail-open exit 1.
    fn verdict(&self) -> String {
        if self.code == 1 && self.stdout.trim().is_empty() {
            return "error".into();
        }
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        if self.stdout.trim().is_empty() {
            return "allow".into();
        }
        let v: Value = serde_json::from_str(&self.stdout).expect("hook output is JSON");
        v["hookSpecificOutput"]["permissionDecision"]
            .as_str()
            .or(v["decision"].as_str())
            .or(v["permissionDecision"].as_str())
            .or(v["permission"].as_str())
            .unwrap_or("?")
            .to_string()
    }
}

fn hook(cwd: &Path, agent: &str, payload: &Value, extra: &[&str], env: &[(&str, &str)]) -> Outcome {
    let start = Instant::now();
    let mut cmd = Command::new(get_cargo_bin("plumbline"));
    cmd.args(["hook", agent])
        .args(extra)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let text = payload.to_string();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(text.as_bytes());
    });
    // Never hang the test run: kill after a generous deadline.
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let killer = std::thread::spawn(move || {
        if rx.recv_timeout(Duration::from_secs(30)).is_err() {
            let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
        }
    });
    let out = child.wait_with_output().unwrap();
    let _ = tx.send(());
    let _ = killer.join();
    let _ = writer.join();
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
        took: start.elapsed(),
    }
}

fn claude(cwd: &Path, tool: &str, input: Value) -> Value {
    json!({
        "session_id": "s", "transcript_path": "/tmp/t", "cwd": cwd,
        "permission_mode": "default", "hook_event_name": "PreToolUse",
        "tool_name": tool, "tool_input": input, "tool_use_id": "t"
    })
}

fn assert_quick(o: &Outcome) {
    assert!(
        o.took < Duration::from_secs(10),
        "took {:?}: {}",
        o.took,
        o.stderr
    );
    assert!(
        o.code == 0 || o.code == 1,
        "exit {} is not a protocol answer: {}",
        o.code,
        o.stderr
    );
}

#[test]
fn special_files_are_never_read() {
    let (_dir, proj) = workspace();
    // Outside the project: not read, not judged.
    let zero = hook(
        &proj,
        "claude",
        &claude(
            &proj,
            "Write",
            json!({"file_path": "/dev/zero", "content": "x"}),
        ),
        &[],
        &[],
    );
    assert_quick(&zero);
    assert_eq!(zero.verdict(), "allow");
    // stderr is a pipe here, as under an agent: reading it would block.
    let stderr = hook(
        &proj,
        "claude",
        &claude(&proj, "Bash", json!({"command": "echo hi > /dev/stderr"})),
        &[],
        &[],
    );
    assert_quick(&stderr);
    assert_eq!(stderr.verdict(), "allow");
    // A FIFO in the project is refused by type, with a clear warning.
    let fifo = proj.join("src/pipe.ts");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped the FIFO case: mkfifo is unavailable");
        return;
    }
    let payload = claude(
        &proj,
        "Write",
        json!({"file_path": fifo, "content": FORBIDDEN}),
    );
    let open = hook(&proj, "claude", &payload, &[], &[]);
    assert_quick(&open);
    assert_eq!(open.verdict(), "error");
    assert!(open.stderr.contains("is a FIFO"), "{}", open.stderr);
    let closed = hook(&proj, "claude", &payload, &["--fail-closed"], &[]);
    assert_eq!(closed.verdict(), "deny");
}

#[test]
fn oversized_content_answers_per_fail_open_or_closed() {
    let (_dir, proj) = workspace();
    let huge = FORBIDDEN.repeat(5 * 1024 * 1024 / FORBIDDEN.len() + 1);
    let payload = claude(
        &proj,
        "Write",
        json!({"file_path": proj.join("src/a.ts"), "content": huge}),
    );
    let open = hook(&proj, "claude", &payload, &[], &[]);
    assert_quick(&open);
    assert_eq!(open.verdict(), "error");
    assert!(open.stderr.contains("max_file_size"), "{}", open.stderr);
    let closed = hook(&proj, "claude", &payload, &["--fail-closed"], &[]);
    assert_eq!(closed.verdict(), "deny");
    // The cap is configurable.
    let config = proj.join("plumbline.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[hook]\nmax_file_size = 100\n");
    std::fs::write(&config, text).unwrap();
    let small = claude(
        &proj,
        "Write",
        json!({"file_path": proj.join("src/b.ts"), "content": "x".repeat(200)}),
    );
    assert_eq!(hook(&proj, "claude", &small, &[], &[]).verdict(), "error");
}

#[test]
fn paths_are_judged_where_they_really_lead() {
    let (dir, proj) = workspace();
    let elsewhere = dir.path().canonicalize().unwrap().join("elsewhere");
    std::os::unix::fs::symlink(proj.join("src"), elsewhere.join("link")).unwrap();
    for path in [
        format!("{}/../proj/src/lib/new.ts", elsewhere.display()),
        "/proc/self/cwd/src/lib/new.ts".to_string(),
        format!("{}/link/lib/new.ts", elsewhere.display()),
        "src/./lib/../lib/new.ts".to_string(),
    ] {
        let payload = claude(
            &proj,
            "Write",
            json!({"file_path": path, "content": FORBIDDEN}),
        );
        let o = hook(&proj, "claude", &payload, &[], &[]);
        assert_eq!(o.verdict(), "deny", "{path}: {}", o.stdout);
    }
    let config = std::fs::read_to_string(proj.join("plumbline.toml")).unwrap();
    let weakened = format!("{config}\n[rules.forbidden-gateway-host]\nseverity = \"off\"\n");
    let payload = claude(
        &proj,
        "Write",
        json!({"file_path": format!("{}/../proj/plumbline.toml", elsewhere.display()), "content": weakened}),
    );
    assert_eq!(hook(&proj, "claude", &payload, &[], &[]).verdict(), "ask");
}

#[test]
fn edit_amplification_is_bounded() {
    let (_dir, proj) = workspace();
    let mut edits = vec![json!({"old_string": "", "new_string": "a"})];
    edits.extend(std::iter::repeat_n(
        json!({"old_string": "a", "new_string": "aa", "replace_all": true}),
        40,
    ));
    let payload = claude(
        &proj,
        "MultiEdit",
        json!({"file_path": proj.join("src/lib/amp.ts"), "edits": edits}),
    );
    let o = hook(&proj, "claude", &payload, &["--fail-closed"], &[]);
    assert_quick(&o);
    assert_eq!(o.verdict(), "deny");
    assert!(o.stdout.contains("max_file_size"), "{}", o.stdout);
}

#[test]
fn patch_hunks_are_located_in_linear_time() {
    let (_dir, proj) = workspace();
    std::fs::write(
        proj.join("src/blank.ts"),
        format!("{}END\n", "\n".repeat(20_000)),
    )
    .unwrap();
    let hunk = format!("@@\n{} END\n+{FORBIDDEN}", " \n".repeat(10_000));
    let patch = format!(
        "*** Begin Patch\n*** Update File: src/blank.ts\n{}*** End Patch\n",
        hunk.repeat(5)
    );
    let payload = json!({
        "session_id": "s", "turn_id": "t", "transcript_path": "/tmp/t", "cwd": proj,
        "hook_event_name": "PreToolUse", "model": "m", "permission_mode": "default",
        "tool_name": "apply_patch", "tool_input": {"command": patch}, "tool_use_id": "c"
    });
    let o = hook(&proj, "codex", &payload, &["--fail-closed"], &[]);
    assert!(o.took < Duration::from_secs(5), "took {:?}", o.took);
    assert_eq!(o.verdict(), "deny", "{}", o.stdout);
    assert!(o.stdout.contains("forbidden-gateway-host"), "{}", o.stdout);
}

#[test]
fn a_crash_still_answers_in_the_protocol() {
    let (_dir, proj) = workspace();
    let payload = claude(
        &proj,
        "Write",
        json!({"file_path": proj.join("src/lib/new.ts"), "content": FORBIDDEN}),
    );
    for switch in ["PLUMBLINE_TEST_PANIC", "PLUMBLINE_TEST_ABORT"] {
        let env = [(switch, "forbidden-gateway-host")];
        let open = hook(&proj, "claude", &payload, &[], &env);
        assert_eq!(open.code, 1, "{switch}: {}", open.stderr);
        assert!(open.stdout.is_empty());
        assert!(
            open.stderr.starts_with("plumbline hook: "),
            "{}",
            open.stderr
        );
        assert_eq!(open.stderr.lines().count(), 1, "{}", open.stderr);
        let closed = hook(&proj, "claude", &payload, &["--fail-closed"], &env);
        assert_eq!(closed.verdict(), "deny", "{switch}: {}", closed.stderr);
        // Copilot takes any hook error as a deny: failing open is an allow.
        let copilot = json!({
            "timestamp": 1, "cwd": proj, "toolName": "create",
            "toolArgs": json!({"path": proj.join("src/lib/new.ts"), "file_text": FORBIDDEN}).to_string()
        });
        let o = hook(&proj, "copilot", &copilot, &[], &env);
        assert_eq!(o.code, 0, "{switch}: {}", o.stderr);
        assert_eq!(o.verdict(), "allow", "{switch}");
    }
}

#[test]
fn the_time_budget_answers_for_the_hook() {
    let (_dir, proj) = workspace();
    let config = proj.join("plumbline.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[hook]\ntime_budget_ms = 1\nfail_closed = true\n");
    std::fs::write(&config, text).unwrap();
    // A large file that every host rule must parse takes longer than 1 ms.
    let content = "export const a = fetch('https://ok.example.dev/' + id);\n".repeat(40_000);
    let payload = claude(
        &proj,
        "Write",
        json!({"file_path": proj.join("src/lib/big.ts"), "content": content}),
    );
    let o = hook(&proj, "claude", &payload, &[], &[]);
    assert_quick(&o);
    assert_eq!(o.verdict(), "deny", "{}", o.stdout);
    assert!(o.stdout.contains("time_budget_ms"), "{}", o.stdout);
}

#[test]
fn a_stack_overflow_in_a_parser_still_answers() {
    let (_dir, proj) = workspace();
    // Deep enough to overflow a recursive parser's stack; if the parser is
    // bounded, the host on the last line is found instead. Either way the
    // answer is a deny, never exit 134.
    let content = format!(
        "fn f() {}{}\nconst U: &str = \"https://chi-gateway.example.workers.dev\";\n",
        "{".repeat(20_000),
        "}".repeat(20_000)
    );
    let payload = claude(
        &proj,
        "Write",
        json!({"file_path": proj.join("src/deep.rs"), "content": content}),
    );
    let o = hook(&proj, "claude", &payload, &["--fail-closed"], &[]);
    assert_quick(&o);
    assert_eq!(o.verdict(), "deny", "{}", o.stderr);
}

/// Thousands of unclosed `plumbline-ignore-start` comments, each covering
/// the rest of the file: comparing what each covered before and after the
/// edit is bounded, and the hook still answers itself.
#[test]
fn many_open_suppression_blocks_are_compared_in_bounded_time() {
    let (_dir, proj) = workspace();
    let path = proj.join("src/lib/blocks.ts");
    let text: String = (0..6000)
        .map(|i| {
            format!("// plumbline-ignore-start: hardcoded-credential -- block {i}\nexport const v{i} = {i};\n")
        })
        .collect();
    std::fs::write(&path, text).unwrap();
    let payload = claude(
        &proj,
        "Edit",
        json!({
            "file_path": path,
            "old_string": "export const v5 = 5;",
            "new_string": "export const v5 = 6;"
        }),
    );
    let o = hook(&proj, "claude", &payload, &[], &[]);
    assert_quick(&o);
    assert_ne!(o.verdict(), "error", "the watchdog answered: {}", o.stderr);
}
