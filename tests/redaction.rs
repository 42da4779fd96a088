//! No output of the real binary shows a hardcoded secret: every report
//! format, the baseline file, the agent hook's deny reason and the git
//! pre-commit hook, while the finding itself is reported.

use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_plumbline");

// Made-up values in the real formats (they match no account).
const OPENAI_KEY: &str =
    "sk-proj-Vq3Lm8Rt2Xw9Kp4Zn7Bc1Df6Gh0Jk5Ms3Nv8Qx2Tw7Yz4Ab9Ce1Fg6Hi0Jl5Mo3Pr8Su2T3BlbkFJWx7Yz";
const GITHUB_TOKEN: &str = "ghp_Q7mZ2kR9vL4xT8wN1pB6cY3dF5hJ0sG2aE7u";
const SESSION_SECRET: &str = "Hk29xQ7vLm3RzT8wPc5NbJ4sGd6F";
const STRIPE_KEY: &str = "sk_live_51Nq8ZrEvK2Ylo9C3f7LmW0pQ4sT6uV1xR5yB8cD2eF";
/// Sits on a line that another rule flags too; suppressed for this rule,
/// it must still be masked in the other rule's excerpt.
const SUPPRESSED_KEY: &str =
    "sk-ant-api03-Rw4Tq8Lm2Vx6Zp9Kb3Nc7Df1Gh5Jk0Ms4Qv8Xt2Wy6Za1Bc5De9Fg3Hj7Lk2Mn6Pq0Rs4Tu8Vw2AA";

const SECRETS: &[&str] = &[
    OPENAI_KEY,
    GITHUB_TOKEN,
    SESSION_SECRET,
    STRIPE_KEY,
    SUPPRESSED_KEY,
];

/// The secret characters after each format's public prefix: no output may
/// hold them even in part.
fn secret_bodies() -> Vec<&'static str> {
    vec![
        &OPENAI_KEY["sk-proj-".len()..],
        &GITHUB_TOKEN["ghp_".len()..],
        &SESSION_SECRET[4..],
        &STRIPE_KEY["sk_live_".len()..],
        &SUPPRESSED_KEY["sk-ant-api03-".len()..],
    ]
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "plumbline.toml",
        "[gateway]\nforbidden_hosts = [\"chi-gateway\"]\n",
    );
    write(
        root,
        "web/lib/openai.ts",
        &format!(
            "import OpenAI from 'openai';\n\n\
             export const openai = new OpenAI({{ apiKey: '{OPENAI_KEY}' }});\n\
             // plumbline-ignore: hardcoded-credential -- revoked key kept for the replay test\n\
             export const legacy = fetch('https://chi-gateway.acme.workers.dev/v1', {{ headers: {{ 'x-api-key': '{SUPPRESSED_KEY}' }} }});\n"
        ),
    );
    write(
        root,
        "api/app/github.py",
        &format!(
            "import httpx\n\nGITHUB_TOKEN = \"{GITHUB_TOKEN}\"\nSESSION_SECRET = \"{SESSION_SECRET}\"\n"
        ),
    );
    write(
        root,
        "web/.env.example",
        &format!("OPENAI_API_KEY=\nSTRIPE_SECRET_KEY={STRIPE_KEY}\n"),
    );
    dir
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut pipe = child.stdin.take().unwrap();
        if let Some(input) = stdin {
            pipe.write_all(input.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS.iter().chain(&secret_bodies()) {
        assert!(
            !text.contains(secret),
            "{what} shows the secret {secret}:\n{text}"
        );
    }
}

fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn no_report_format_shows_a_secret() {
    let dir = project();
    for format in [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let out = run(dir.path(), &["check", "--format", format], None);
        let text = all_output(&out);
        assert_eq!(out.status.code(), Some(1), "{format}: {text}");
        assert_no_secret(format, &text);
        assert!(
            text.contains("hardcoded-credential") && text.matches("…REDACTED").count() >= 4,
            "{format} reports the four unsuppressed secrets:\n{text}"
        );
        assert!(
            text.contains("chi-gateway"),
            "{format} reports the gateway host on the suppressed line:\n{text}"
        );
    }
}

#[test]
fn messages_show_only_the_prefix() {
    let dir = project();
    let out = run(dir.path(), &["check", "--format", "concise"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("hardcoded OpenAI API key `sk-proj-…REDACTED` in `apiKey`"),
        "{text}"
    );
    assert!(
        text.contains("hardcoded GitHub token `ghp_…REDACTED` in `GITHUB_TOKEN`"),
        "{text}"
    );
    assert!(
        text.contains(
            "hardcoded Stripe live secret key `sk_live_…REDACTED` in `STRIPE_SECRET_KEY`"
        ),
        "{text}"
    );
    assert!(
        text.contains("hardcoded secret `Hk2…REDACTED` in `SESSION_SECRET`"),
        "{text}"
    );
}

#[test]
fn the_human_report_masks_the_source_excerpt() {
    let dir = project();
    let out = run(
        dir.path(),
        &["check", "--format", "human", "--color", "never"],
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("apiKey: '{}'", "*".repeat(OPENAI_KEY.len()))),
        "{text}"
    );
    // Another rule's excerpt of a line whose secret is suppressed is masked.
    assert!(
        text.contains(&format!(
            "'x-api-key': '{}'",
            "*".repeat(SUPPRESSED_KEY.len())
        )),
        "{text}"
    );
}

#[test]
fn the_baseline_file_does_not_record_a_secret() {
    let dir = project();
    let out = run(
        dir.path(),
        &["check", "--write-baseline", "plumbline-baseline.json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
    assert_no_secret("write-baseline output", &all_output(&out));
    let baseline = std::fs::read_to_string(dir.path().join("plumbline-baseline.json")).unwrap();
    assert!(baseline.contains("hardcoded-credential"), "{baseline}");
    assert_no_secret("the baseline file", &baseline);
    // The baseline still matches the findings it recorded.
    let out = run(
        dir.path(),
        &["check", "--baseline", "plumbline-baseline.json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
}

fn claude_payload(dir: &Path, tool: &str, input: serde_json::Value) -> String {
    serde_json::json!({
        "session_id": "5b7e2c1a-9d3f-4e6a-8b0c-1f2e3d4c5b6a",
        "transcript_path": "~/.claude/projects/-srv-app/5b7e2c1a.jsonl",
        "cwd": dir.to_string_lossy(),
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": input,
        "tool_use_id": "toolu_01RedactionTest0001",
    })
    .to_string()
}

fn deny_reason(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", all_output(out));
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", all_output(out)));
    assert_eq!(
        json["hookSpecificOutput"]["permissionDecision"], "deny",
        "{json}"
    );
    json["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_agent_hook_denies_without_quoting_the_secret() {
    let dir = project();
    let path = dir.path().join("web/lib/stripe.ts");
    let payload = claude_payload(
        dir.path(),
        "Write",
        serde_json::json!({
            "file_path": path.to_string_lossy(),
            "content": format!("import Stripe from 'stripe';\n\nexport const stripe = new Stripe('{STRIPE_KEY}');\n"),
        }),
    );
    let out = run(dir.path(), &["hook", "claude"], Some(&payload));
    let reason = deny_reason(&out);
    assert!(reason.contains("hardcoded-credential"), "{reason}");
    assert!(reason.contains("sk_live_…REDACTED"), "{reason}");
    assert_no_secret("the Write deny reason", &all_output(&out));

    let existing = dir.path().join("api/app/github.py");
    let payload = claude_payload(
        dir.path(),
        "Edit",
        serde_json::json!({
            "file_path": existing.to_string_lossy(),
            "old_string": "import httpx\n",
            "new_string": format!("import httpx\n\nSLACK_BOT_TOKEN = \"xoxb-6205798682-2880729022279-UhJduRHHJEYXg4JdpmrcXgGC\"\n"),
            "replace_all": false,
        }),
    );
    let out = run(dir.path(), &["hook", "claude"], Some(&payload));
    let reason = deny_reason(&out);
    assert!(reason.contains("xoxb-…REDACTED"), "{reason}");
    assert!(!reason.contains("UhJduRHHJEYXg4JdpmrcXgGC"), "{reason}");
    assert_no_secret("the Edit deny reason", &all_output(&out));
}

#[test]
fn the_git_pre_commit_hook_does_not_print_a_secret() {
    let dir = project();
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
    };
    if git(&["init", "-q"]).is_err() {
        eprintln!("git is not available; skipping");
        return;
    }
    git(&["add", "-A"]).unwrap();
    let out = run(dir.path(), &["hook", "git"], None);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("hardcoded-credential"), "{text}");
    assert_no_secret("the pre-commit hook", &text);
}
