//! Routes whose full path only another file's mount gives: the agent hook
//! and `check` both judge the route by the path the mounts make.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use insta_cmd::get_cargo_bin;

const ROUTER: &str = "import { Router } from 'express';\n\nconst router = Router();\n\nrouter.get('/callback', async (req, res) => {\n  res.redirect(`/done?code=${req.query.code}`);\n});\n\nexport default router;\n";

/// A small Express service whose `app.ts` mounts `./routes/connect` under
/// `prefix`; the router file itself is written only when `with_router`.
fn project(prefix: &str, with_router: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    };
    write("package.json", "{\"name\":\"svc\",\"private\":true}\n");
    write(
        "src/app.ts",
        &format!("import express from 'express';\nimport connect from './routes/connect';\n\nconst app = express();\napp.use('{prefix}', connect);\n"),
    );
    if with_router {
        write("src/routes/connect.ts", ROUTER);
    }
    dir
}

fn hook_write(dir: &Path, path: &str, content: &str) -> (i32, String) {
    let payload = serde_json::json!({
        "session_id": "s",
        "cwd": dir.to_string_lossy(),
        "hook_event_name": "PreToolUse",
        "tool_name": "Write",
        "tool_input": {
            "file_path": dir.join(path).to_string_lossy(),
            "content": content,
        },
    });
    let mut child = Command::new(get_cargo_bin("plumbline"))
        .args(["hook", "claude"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(payload.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

fn check(dir: &Path) -> (i32, String) {
    let out = Command::new(get_cargo_bin("plumbline"))
        .args(["check", ".", "--format", "concise"])
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[test]
fn hook_denies_a_callback_another_file_mounts_under_oauth() {
    let dir = project("/oauth", false);
    let (code, stdout) = hook_write(dir.path(), "src/routes/connect.ts", ROUTER);
    assert_eq!(code, 0);
    assert!(stdout.contains("\"deny\""), "{stdout}");
    assert!(stdout.contains("/oauth/callback"), "{stdout}");
}

#[test]
fn hook_allows_the_same_router_mounted_under_auth() {
    let dir = project("/auth", false);
    let (code, stdout) = hook_write(dir.path(), "src/routes/connect.ts", ROUTER);
    assert_eq!(code, 0);
    assert!(!stdout.contains("\"deny\""), "{stdout}");
}

#[test]
fn check_reports_the_full_path_once_and_only_under_oauth() {
    let (code, stdout) = check(project("/oauth", true).path());
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(stdout.matches("dead-oauth-callback").count(), 1, "{stdout}");
    assert!(stdout.contains("`/oauth/callback`"), "{stdout}");
    let (code, stdout) = check(project("/webhooks", true).path());
    assert_eq!(code, 0, "{stdout}");
}
