//! `check --diff` and `--fix` on large files with thousands of fixes: the
//! plan, the duplicate-key guard and the diff stay near linear, and the
//! output is still exact.

use std::fmt::Write as _;
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

const CONFIG: &str = "[gateway]\nurl = \"https://gw.example.com\"\n";

/// A Kubernetes-like YAML file: `values` env entries whose values name the
/// forbidden host (each one fix), and a mapping of `clashes` keys whose fix
/// would turn them into a key the mapping already has.
fn large_yaml(values: usize, clashes: usize) -> String {
    let mut text = String::from("spec:\n  env:\n");
    for i in 0..values {
        let _ = write!(
            text,
            "    - name: VAR_{i}\n      tier: web\n      zone: a\n      cpu: 250m\n      memory: 64Mi\n      \
             port: 80\n      image: api:{i}\n      value: \"https://chi-gateway.x.dev/p/{i}\"\n"
        );
    }
    text.push_str("  routes:\n");
    for i in 0..clashes {
        let _ = write!(
            text,
            "    https://gw.example.com/r/{i}: {i}\n    https://chi-gateway.x.dev/r/{i}: {i}\n"
        );
    }
    text
}

fn project(yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("plumbline.toml"), CONFIG).unwrap();
    std::fs::write(dir.path().join("deploy.yaml"), yaml).unwrap();
    dir
}

/// Thousands of fixes used to be applied once per fix while looking for
/// duplicate keys, and diffed with a whole-file line diff: minutes for this
/// file. Now every fix shows as its own hunk, and the few that would make a
/// duplicate key are named.
#[test]
fn diff_of_thousands_of_fixes_is_exact() {
    let (values, clashes) = (4_000, 3);
    let dir = project(&large_yaml(values, clashes));
    let (code, out, err) = plumbline(dir.path(), &["check", "--diff"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out.matches("\n-      value: \"https://chi-gateway.x.dev/p/")
            .count(),
        values,
        "{err}"
    );
    assert_eq!(
        out.matches("\n+      value: \"https://gw.example.com/p/")
            .count(),
        values
    );
    // Eight lines per env item: each change is a hunk of its own.
    assert_eq!(out.matches("@@ -").count(), values, "{}", &out[..2000]);
    assert!(
        out.starts_with("--- a/deploy.yaml\n+++ b/deploy.yaml\n@@ -7,7 +7,7 @@\n"),
        "{}",
        &out[..500]
    );
    assert!(
        !out.contains("\n+    https://gw.example.com/r/"),
        "a fix that makes a duplicate key is left out"
    );
    assert_eq!(
        err.matches("would make `https://gw.example.com/r/").count(),
        clashes,
        "{err}"
    );
    assert!(
        err.contains(&format!("{values} findings would be fixed in 1 file")),
        "{err}"
    );
}

/// Past its bound on checks, the duplicate-key guard leaves the remaining
/// fixes with one reason instead of checking each, and what it keeps still
/// makes no duplicate key.
#[test]
fn many_clashing_fixes_are_left_with_one_reason() {
    let (values, clashes) = (500, 400);
    let dir = project(&large_yaml(values, clashes));
    let (code, _, err) = plumbline(dir.path(), &["check", "--fix"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("more fixes, the first on line"), "{err}");
    let fixed = std::fs::read_to_string(dir.path().join("deploy.yaml")).unwrap();
    for i in 0..clashes {
        assert_eq!(
            fixed
                .matches(&format!("\n    https://gw.example.com/r/{i}: "))
                .count(),
            1,
            "route {i} became a duplicate key:\n{}",
            &fixed[fixed.len().saturating_sub(3000)..]
        );
    }
    // The values have no clash: all of them are fixed.
    assert_eq!(
        fixed.matches("value: \"https://gw.example.com/p/").count(),
        values
    );
}
