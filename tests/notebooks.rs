//! Jupyter notebooks under `check`, `check -` and the git pre-commit hook:
//! code cells linted in the kernel's language, findings placed in the
//! notebook's JSON, secrets masked, no fixes offered.

use std::path::Path;
use std::process::{Command, Output};

/// A Python notebook whose code cells hardcode a Stripe key and log a
/// token; its markdown and its outputs say nothing plumbline reads.
fn sync_notebook() -> String {
    let notebook = serde_json::json!({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Sync contacts\n", "Runs nightly."]},
            {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
             "source": ["%pip install requests\n", "import logging, requests\n",
                        "logger = logging.getLogger(__name__)\n",
                        "api_key = \"sk_live_51HqLyjWDarjtT1zdp7dc0bEk7ZxL2q\"\n"]},
            {"cell_type": "code", "execution_count": 2, "metadata": {},
             "outputs": [{"name": "stdout", "output_type": "stream", "text": ["logger.info(access_token)\n"]}],
             "source": ["def sync(access_token):\n",
                        "    logger.info(\"syncing with %s\", access_token)\n",
                        "    return requests.get(\"https://api.example.com/contacts\")\n"]}
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5
    });
    serde_json::to_string_pretty(&notebook).unwrap() + "\n"
}

/// The same notebook with the key read from the environment and only the
/// token's presence logged.
fn clean_notebook() -> String {
    sync_notebook()
        .replace(
            r#""api_key = \"sk_live_51HqLyjWDarjtT1zdp7dc0bEk7ZxL2q\"\n""#,
            r#""api_key = os.environ[\"STRIPE_KEY\"]\n""#,
        )
        .replace(
            r#""    logger.info(\"syncing with %s\", access_token)\n""#,
            r#""    logger.info(\"syncing, token present: %s\", bool(access_token))\n""#,
        )
}

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

fn plumbline(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .unwrap()
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

#[test]
fn check_reports_code_cell_findings_where_the_notebook_writes_them() {
    let dir = project();
    write(dir.path(), "notebooks/sync.ipynb", &sync_notebook());
    let output = plumbline(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !stdout.contains("sk_live_51Hq"),
        "the key is masked in the excerpt"
    );
    insta::assert_snapshot!(stdout);

    let json = plumbline(dir.path(), &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let text = sync_notebook();
    let lines: Vec<&str> = text.lines().collect();
    let placed: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let line = lines[f["start"]["line"].as_u64().unwrap() as usize - 1];
            let column = f["start"]["column"].as_u64().unwrap() as usize - 1;
            assert!(f["fix"].is_null(), "no fix is offered in a notebook");
            (
                f["rule"].as_str().unwrap().to_string(),
                line.chars().skip(column).take(12).collect(),
            )
        })
        .collect();
    assert_eq!(
        placed,
        [
            (
                "hardcoded-credential".to_string(),
                "sk_live_51Hq".to_string()
            ),
            ("credential-in-log".to_string(), "access_token".to_string()),
        ]
    );
}

#[test]
fn a_clean_notebook_passes_and_its_outputs_are_not_read() {
    let dir = project();
    write(dir.path(), "sync.ipynb", &clean_notebook());
    let output = plumbline(dir.path(), &["check", "sync.ipynb"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn a_piped_notebook_is_read_by_its_stdin_filename() {
    let dir = project();
    let mut child = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .args([
            "check",
            "-",
            "--stdin-filename",
            "sync.ipynb",
            "--format",
            "concise",
        ])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sync_notebook().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn unreadable_notebooks_get_a_note_not_an_error() {
    let dir = project();
    write(dir.path(), "broken.ipynb", "{\"cells\": [\n");
    write(
        dir.path(),
        "analysis.ipynb",
        r#"{"cells": [{"cell_type": "code", "source": ["x <- 1\n"]}],
            "metadata": {"kernelspec": {"language": "R"}}, "nbformat": 4}"#,
    );
    let output = plumbline(dir.path(), &["check", "--verbose"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn the_git_hook_blocks_a_staged_notebook_and_passes_its_fix() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    write(root, "sync.ipynb", &sync_notebook());
    git(&["add", "sync.ipynb"]);
    let blocked = plumbline(root, &["hook", "git"]);
    assert_eq!(blocked.status.code(), Some(1), "{blocked:?}");
    let said = String::from_utf8_lossy(&blocked.stdout).to_string()
        + &String::from_utf8_lossy(&blocked.stderr);
    assert!(said.contains("sync.ipynb"), "{said}");
    assert!(said.contains("hardcoded-credential"), "{said}");

    write(root, "sync.ipynb", &clean_notebook());
    git(&["add", "sync.ipynb"]);
    let passed = plumbline(root, &["hook", "git"]);
    assert_eq!(passed.status.code(), Some(0), "{passed:?}");
}

#[test]
fn the_pre_commit_hooks_pass_exactly_the_files_plumbline_reads() {
    let hooks = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let files = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("files: "))
        .unwrap();
    let extensions = files
        .split_once("\\.(")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(list, _)| list)
        .unwrap();
    assert!(extensions.split('|').any(|e| e == "ipynb"));
    for extension in extensions.split('|') {
        let dir = project();
        let name = format!("file.{extension}");
        let text = if extension == "ipynb" {
            clean_notebook()
        } else {
            String::new()
        };
        write(dir.path(), &name, &text);
        let output = plumbline(dir.path(), &["check", &name]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("(1 file scanned)"),
            "`.{extension}` is passed by pre-commit but not read: {stdout}"
        );
    }
}
