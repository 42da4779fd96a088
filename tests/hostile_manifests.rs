//! Manifests built to make a static reader do too much: an auth object
//! whose many keys all lead to one large object of long string
//! concatenations, and an auth value nested thousands deep. The manifest
//! reader reads a value only where the schema looks, so each run stays
//! fast, ends with exit 0 or 1, and reports what is really wrong.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn project(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("folders");
        std::fs::write(full, text).expect("write");
    }
    dir
}

/// Longest a run may take: the reader that folded every value took minutes
/// on these inputs; reading only what the schema looks at takes well under
/// a second.
const BUDGET: Duration = Duration::from_secs(30);

/// The messages of `manifest-invalid`; the run is stopped and the test
/// fails when it outlasts [`BUDGET`].
fn check(root: &Path) -> Vec<String> {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .current_dir(root)
        .args([
            "check",
            ".",
            "--format",
            "json",
            "--select",
            "manifest-invalid",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run plumbline");
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > BUDGET {
            child.kill().expect("stop the run");
            panic!("still reading after {BUDGET:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    let code = output.status.code().expect("exit code");
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json report");
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

const HANDLER: &str = "handler: { testConnection() {}, fetchFull() {} }";

#[test]
fn keys_the_schema_never_looks_at_are_not_folded() {
    let n = 200;
    let terms = vec!["'ab'"; n].join(" + ");
    let keys: Vec<String> = (0..n).map(|i| format!("k{i}: HUGE")).collect();
    let uses: Vec<String> = (0..n).map(|i| format!("a{i}: big")).collect();
    let manifest = format!(
        "const HUGE = {terms};\nconst big = {{ {} }};\n\
         const auth = {{ type: 'oauth2', tokenUrl: 'http://slack.com/api/oauth.v2.access', {} }};\n\
         export const manifest = {{ id: 'slack', name: 'Slack', description: 'd', \
         category: 'Communication', auth, capabilities: [], {HANDLER} }};\n",
        keys.join(", "),
        uses.join(", ")
    );
    let dir = project(&[("src/integrations/slack/slack.manifest.ts", manifest)]);
    let messages = check(dir.path());
    assert_eq!(
        messages,
        vec!["`tokenUrl` of manifest `slack` is not an https URL"]
    );
}

#[test]
fn deeply_nested_auth_values_are_read_one_level_down() {
    let depth = 5000;
    let manifest = format!(
        "export const manifest = {{ id: 'deep', name: 'Deep', description: 'd', \
         category: 'Cloud', auth: {{ type: 'oauth2', oauth2: {{ \
         tokenUrl: 'http://deep.example/token', deeper: {}'x'{} }} }}, \
         capabilities: [], {HANDLER} }};\n",
        "{ a: ".repeat(depth),
        " }".repeat(depth)
    );
    let dir = project(&[("src/integrations/deep/deep.manifest.ts", manifest)]);
    let messages = check(dir.path());
    assert_eq!(
        messages,
        vec!["`tokenUrl` of manifest `deep` is not an https URL"]
    );
}
