//! Baselines and `--changed-since`, through the real binary in temporary
//! folders and git repositories.

use std::path::Path;
use std::process::{Command, Output};

use insta_cmd::get_cargo_bin;

const BASELINE: &str = "plumbline-baseline.json";
const OLD: &str = "export const GATEWAY = 'https://chi-gateway.example.workers.dev/v1';\n";
const NEW: &str = "export const OTHER = 'https://chi-gateway.example.workers.dev/v2';\n";

fn plumbline(dir: &Path, args: &[&str]) -> Output {
    Command::new(get_cargo_bin("plumbline"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, path: &str, text: &str) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

fn temp_project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

fn write_baseline(dir: &Path) {
    let out = plumbline(dir, &["check", "--write-baseline", BASELINE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `path:line:col: severity[rule]` of every finding, from the concise format.
fn concise(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    let out = plumbline(dir, &all);
    let text = stdout(&out);
    let findings = text
        .lines()
        .filter(|l| l.contains(": error[") || l.contains(": warning["))
        .map(|l| l.split(']').next().unwrap().to_string() + "]")
        .collect();
    let summary = text.lines().last().unwrap_or_default().to_string();
    (out.status.code(), findings, summary)
}

#[test]
fn round_trip_hides_every_recorded_finding() {
    let dir = temp_project(&[("src/a.ts", OLD), ("src/b.ts", &OLD.repeat(2))]);
    let (code, findings, _) = concise(dir.path(), &[]);
    assert_eq!((code, findings.len()), (Some(1), 3));

    let out = plumbline(dir.path(), &["check", "--write-baseline", BASELINE]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("recorded 3 findings in plumbline-baseline.json"));

    let (code, findings, summary) = concise(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(code, Some(0), "{summary}");
    assert!(findings.is_empty(), "{findings:?}");
    assert!(summary.ends_with("; 3 in baseline"), "{summary}");
    // The baseline quotes the flagged code, yet is never linted itself.
    let (_, findings, _) = concise(dir.path(), &[]);
    assert!(
        findings.iter().all(|f| !f.starts_with(BASELINE)),
        "{findings:?}"
    );

    // Every format sees only the new findings.
    let out = plumbline(
        dir.path(),
        &["check", "--baseline", BASELINE, "--format", "sarif"],
    );
    assert_eq!(out.status.code(), Some(0));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
    assert!(stderr(&out).contains("3 in baseline"));
}

#[test]
fn a_new_violation_is_reported_and_old_ones_are_not() {
    let dir = temp_project(&[("src/a.ts", OLD)]);
    write_baseline(dir.path());
    write(dir.path(), "src/b.ts", NEW);
    // The same code again in the old file is a second occurrence: new.
    write(dir.path(), "src/a.ts", &format!("{OLD}{OLD}"));
    let (code, findings, summary) = concise(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings,
        [
            "src/a.ts:2:33: error[forbidden-gateway-host]",
            "src/b.ts:1:31: error[forbidden-gateway-host]"
        ]
    );
    assert!(summary.contains("; 1 in baseline"), "{summary}");
}

#[test]
fn moving_code_does_not_resurrect_its_entry() {
    let dir = temp_project(&[("src/a.ts", &format!("const x = 1;\n{OLD}"))]);
    write_baseline(dir.path());
    write(
        dir.path(),
        "src/a.ts",
        &format!("// a comment\nimport {{ y }} from './y';\n\nconst x = 1;\n\n\n{OLD}"),
    );
    let (code, findings, summary) = concise(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(code, Some(0), "{findings:?}");
    assert!(summary.ends_with("; 1 in baseline"), "{summary}");
    // Whitespace inside the flagged code does not matter either.
    write(
        dir.path(),
        "src/a.ts",
        "export const GATEWAY =\n    'https://chi-gateway.example.workers.dev/v1';\n",
    );
    let (code, _, _) = concise(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(code, Some(0));
}

#[test]
fn removed_violations_count_as_fixed_and_verbose_lists_them() {
    let dir = temp_project(&[("src/a.ts", OLD), ("src/b.ts", OLD), ("lib/c.ts", OLD)]);
    write_baseline(dir.path());
    std::fs::remove_file(dir.path().join("src/a.ts")).unwrap();
    write(
        dir.path(),
        "src/b.ts",
        "export const GATEWAY = 'https://diiiploy-gateway.diiiploy.workers.dev';\n",
    );

    let (code, _, summary) = concise(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(code, Some(0));
    assert!(
        summary.ends_with("; 1 in baseline; 2 baseline entries no longer match (fixed)"),
        "{summary}"
    );
    let out = plumbline(dir.path(), &["check", "--baseline", BASELINE, "--verbose"]);
    let text = stdout(&out);
    assert!(
        text.contains("fixed: src/a.ts forbidden-gateway-host `chi-gateway.example.workers.dev`"),
        "{text}"
    );
    assert!(
        text.contains("fixed: src/b.ts forbidden-gateway-host"),
        "{text}"
    );
    assert!(!text.contains("fixed: lib/c.ts"), "{text}");

    // Entries for files or rules the run did not look at are not fixed.
    let (_, _, summary) = concise(dir.path(), &["--baseline", BASELINE, "lib"]);
    assert!(summary.ends_with("; 1 in baseline"), "{summary}");
    let (_, _, summary) = concise(
        dir.path(),
        &["--baseline", BASELINE, "--select", "dead-oauth-callback"],
    );
    assert!(summary.ends_with("; 0 in baseline"), "{summary}");
}

#[test]
fn the_baseline_file_is_sorted_and_byte_stable() {
    let dir = temp_project(&[
        ("z/last.ts", OLD),
        ("a/first.ts", &format!("{OLD}{NEW}{OLD}")),
        (
            "m/app/api/oauth/google/callback/route.ts",
            "export async function GET() {}\n",
        ),
    ]);
    write_baseline(dir.path());
    let first = std::fs::read(dir.path().join(BASELINE)).unwrap();
    write_baseline(dir.path());
    let second = std::fs::read(dir.path().join(BASELINE)).unwrap();
    assert_eq!(first, second);
    assert!(first.ends_with(b"}\n"));

    let doc: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(doc["version"], 1);
    let entries = doc["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 5);
    let keys: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            let field = |k: &str| e[k].as_str().unwrap().to_string();
            assert!(e["excerpt"].is_string());
            assert!(e.get("line").is_none(), "no line numbers: {e}");
            (field("path"), field("rule"), field("fingerprint"))
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys[0].0, "a/first.ts");
    assert_eq!(keys[4].0, "z/last.ts");
    // Pretty-printed: one field per line, so a review diff is per entry.
    let text = String::from_utf8(first).unwrap();
    assert!(
        text.contains("\n      \"rule\": \"dead-oauth-callback\",\n"),
        "{text}"
    );
}

#[test]
fn malformed_or_missing_baseline_is_an_error() {
    let dir = temp_project(&[("src/a.ts", OLD)]);
    write(
        dir.path(),
        BASELINE,
        "{\n  \"version\": 1,\n  \"entries\": [nope]\n}\n",
    );
    let out = plumbline(dir.path(), &["check", "--baseline", BASELINE]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("is not a plumbline baseline"), "{err}");
    assert!(err.contains("plumbline-baseline.json:3:"), "{err}");

    let out = plumbline(dir.path(), &["check", "--baseline", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read baseline missing.json"));

    write(
        dir.path(),
        BASELINE,
        "{\"version\": 1, \"entries\": [], \"extra\": true}\n",
    );
    let out = plumbline(dir.path(), &["check", "--baseline", BASELINE]);
    assert_eq!(out.status.code(), Some(2), "unknown fields are refused");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=plumbline",
            "-c",
            "user.email=test@plumbline.dev",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = temp_project(files);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    dir
}

#[test]
fn changed_since_lints_only_changed_files() {
    let dir = repo(&[("old/a.ts", OLD), ("keep/b.ts", "export const b = 1;\n")]);
    write(dir.path(), "keep/b.ts", NEW);
    write(dir.path(), "new/c.ts", NEW);
    git(dir.path(), &["add", "keep/b.ts"]);
    git(dir.path(), &["commit", "-q", "-m", "change b"]);
    // After the commit: an untracked file and an unstaged edit count too.
    write(dir.path(), "new/d.ts", NEW);
    write(dir.path(), ".gitignore", "ignored/\n");
    write(dir.path(), "ignored/e.ts", NEW);

    let (code, findings, summary) = concise(dir.path(), &["--changed-since", "HEAD~1"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings,
        [
            "keep/b.ts:1:31: error[forbidden-gateway-host]",
            "new/c.ts:1:31: error[forbidden-gateway-host]",
            "new/d.ts:1:31: error[forbidden-gateway-host]",
        ]
    );
    assert!(summary.contains("(3 files scanned)"), "{summary}");

    // Intersected with the paths given; from a subfolder too.
    let (_, findings, _) = concise(dir.path(), &["--changed-since", "HEAD~1", "new"]);
    assert_eq!(findings.len(), 2, "{findings:?}");
    let (_, findings, _) = concise(&dir.path().join("keep"), &["--changed-since", "HEAD~1"]);
    assert_eq!(findings, ["b.ts:1:31: error[forbidden-gateway-host]"]);

    // Nothing changed since HEAD in old/: nothing to lint.
    let (code, findings, _) = concise(dir.path(), &["--changed-since", "HEAD", "old"]);
    assert_eq!((code, findings.len()), (Some(0), 0));
}

#[test]
fn changed_since_errors_outside_git_and_on_unknown_refs() {
    let plain = temp_project(&[("a.ts", OLD)]);
    let out = plumbline(plain.path(), &["check", "--changed-since", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("needs a git repository"),
        "{}",
        stderr(&out)
    );

    let dir = repo(&[("a.ts", OLD)]);
    let out = plumbline(dir.path(), &["check", "--changed-since", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`no-such-branch` is not a commit"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn changed_since_takes_project_facts_from_the_whole_tree() {
    let connector = "\
#[async_trait::async_trait]
pub trait Connector {
    fn id(&self) -> &'static str;
    async fn revoke(&self, token: &str) -> anyhow::Result<()> {
        gateway::revoke(self.id(), token).await
    }
}
";
    let gmail = "\
pub struct GmailConnector;

impl crate::connector::Connector for GmailConnector {
    fn id(&self) -> &'static str {
        \"gmail\"
    }
}
";
    let dir = repo(&[
        ("src/connector.rs", connector),
        ("src/lib.rs", "mod connector;\n"),
    ]);
    write(dir.path(), "src/gmail.rs", gmail);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "gmail"]);

    // Alone, the impl looks as if it had no revoke...
    let (code, findings, _) = concise(dir.path(), &["src/gmail.rs"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings,
        ["src/gmail.rs:3:38: error[connector-missing-revoke]"]
    );
    // ...but the trait's default in the unchanged file supplies it.
    let (code, findings, summary) = concise(dir.path(), &["--changed-since", "HEAD~1"]);
    assert_eq!((code, findings.len()), (Some(0), 0), "{findings:?}");
    assert!(summary.contains("(1 file scanned)"), "{summary}");
}
