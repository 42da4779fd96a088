//! `[files] text`: files of no language plumbline parses (nginx configs,
//! Dockerfiles, shell scripts) read as plain text by `forbidden-host`, in
//! `check`, the agent hook and the git pre-commit hook; `--verbose` still
//! names the files nothing reads.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn plumbline(root: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plumbline runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const CONFIG: &str = r#"
[files]
text = ["**/nginx.conf", "Dockerfile*", "scripts/*.sh"]

[[rule]]
id = "no-legacy-api"
kind = "forbidden-host"
message = "`{host}` is the retired legacy API"
help = "route through orders-api.acme.internal"
roles = ["all"]
[rule.options]
hosts = ["legacy-api.acme.internal"]
"#;

const NGINX: &str = "upstream orders {\n    server legacy-api.acme.internal:8080;\n}\n\nserver {\n    listen 443 ssl;\n    # proxy_pass http://legacy-api.acme.internal/v0;  retired in March\n    location /assets/ { proxy_pass https://legacy-api.acme.internal.partner-cdn.com/; }\n    location /v2/ { proxy_pass http://orders-api.acme.internal; }\n    location /v1/ { proxy_pass http://orders; }\n}\n";

const DOCKERFILE: &str = "FROM node:22-slim\nWORKDIR /app\nENV ORDERS_URL=https://legacy-api.acme.internal/v2 \\\n    MIRROR=notlegacy-api.acme.internal\nCMD [\"node\", \"server.js\"]\n";

const SMOKE: &str = "#!/bin/sh\nset -eu\ncurl -fsS \"http://eu.legacy-api.acme.internal/health\"\ncurl -fsS \"http://orders-api.acme.internal/health\"\n";

fn project(root: &Path) {
    write(root, "plumbline.toml", CONFIG);
    write(root, "deploy/nginx/nginx.conf", NGINX);
    write(root, "Dockerfile", DOCKERFILE);
    write(root, "scripts/smoke.sh", SMOKE);
    // Named by no glob: not read, and `--verbose` says so.
    write(
        root,
        "deploy/Caddyfile",
        "api.acme.dev {\n  reverse_proxy legacy-api.acme.internal:8080\n}\n",
    );
}

#[test]
fn check_reads_the_named_text_files_with_exact_spans() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let (code, out, err) = plumbline(root, &["check", "--format", "concise", "--verbose"], "");
    assert_eq!(code, 1, "{out}{err}");
    insta::assert_snapshot!("text_files_check", format!("{out}---\n{err}"));
    // Without the config, none of them is read and `--verbose` names them.
    write(
        root,
        "plumbline.toml",
        &CONFIG.replace(
            "[files]\ntext = [\"**/nginx.conf\", \"Dockerfile*\", \"scripts/*.sh\"]\n",
            "",
        ),
    );
    let (code, out, err) = plumbline(root, &["check", "--format", "concise", "--verbose"], "");
    assert_eq!(code, 0, "{out}{err}");
    let all = format!("{out}{err}");
    for name in [
        "Dockerfile",
        "deploy/nginx/nginx.conf",
        "scripts/smoke.sh",
        "deploy/Caddyfile",
    ] {
        assert!(
            all.contains(&format!("not read {name}: not a file type plumbline reads")),
            "{all}"
        );
    }
}

#[test]
fn the_agent_hook_blocks_a_text_file_edit_that_adds_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let event = |path: &str, content: &str| {
        serde_json::json!({
            "session_id": "s",
            "transcript_path": "t.jsonl",
            "cwd": root,
            "hook_event_name": "PreToolUse",
            "tool_name": "Write",
            "tool_input": { "file_path": root.join(path), "content": content }
        })
        .to_string()
    };
    let (code, out, err) = plumbline(
        root,
        &["hook", "claude"],
        &event(
            "deploy/nginx/nginx.conf",
            &format!("{NGINX}# v3\nupstream v3 {{ server legacy-api.acme.internal:9090; }}\n"),
        ),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"deny\""), "{out}");
    assert!(out.contains("legacy-api.acme.internal"), "{out}");
    let (code, out, err) = plumbline(
        root,
        &["hook", "claude"],
        &event(
            "deploy/nginx/nginx.conf",
            "server { location / { proxy_pass http://orders-api.acme.internal; } }\n",
        ),
    );
    assert_eq!((code, out.trim()), (0, ""), "{err}");
}

#[test]
fn the_git_hook_checks_a_staged_dockerfile() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: git is absent");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(root)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
    };
    git(&["init", "-q", "."]);
    write(root, "plumbline.toml", CONFIG);
    write(root, "Dockerfile", DOCKERFILE);
    git(&["add", "plumbline.toml", "Dockerfile"]);
    let (code, out, err) = plumbline(root, &["hook", "git"], "");
    assert_eq!(code, 1, "{out}{err}");
    assert!(format!("{out}{err}").contains("Dockerfile:3"), "{out}{err}");
}

#[test]
fn a_bad_text_glob_is_a_labelled_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "plumbline.toml",
        "[files]\ntext = [\"deploy/{nginx.conf\"]\n",
    );
    write(root, "deploy/nginx.conf", "server {}\n");
    let (code, _, err) = plumbline(root, &["check"], "");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("invalid glob") && err.contains("files.text"),
        "{err}"
    );
}
