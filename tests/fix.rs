//! `check --fix` and `--diff`: what is rewritten, what is left alone.

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
const TS: &str = "const a = \"https://chi-gateway.x.workers.dev/v1/gmail/send?q=1#top\";\n\
                  const b = `https://api.chi-gateway.dev/health/${id}`;\n";
const BROKEN: &str = "x = \"https://chi-gateway.dev/a\"\ndef (:\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    std::fs::write(root.join("plumbline.toml"), CONFIG).unwrap();
    std::fs::write(root.join("a.ts"), TS).unwrap();
    std::fs::write(root.join("broken.py"), BROKEN).unwrap();
    dir
}

#[test]
fn diff_shows_the_fix_and_writes_nothing() {
    let dir = project();
    let (code, out, err) = plumbline(dir.path(), &["check", "--diff"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!(out, @r#"
    --- a/a.ts
    +++ b/a.ts
    @@ -1,2 +1,2 @@
    -const a = "https://chi-gateway.x.workers.dev/v1/gmail/send?q=1#top";
    -const b = `https://api.chi-gateway.dev/health/${id}`;
    +const a = "https://gw.example.com/v1/gmail/send?q=1#top";
    +const b = `https://gw.example.com/health/${id}`;
    "#);
    assert!(
        err.contains("would not fix broken.py: plumbline could not parse it"),
        "{err}"
    );
    assert!(err.contains("2 findings would be fixed in 1 file"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.ts")).unwrap(),
        TS
    );
}

#[test]
fn fix_rewrites_parseable_files_and_reports_what_remains() {
    let dir = project();
    let (code, out, err) = plumbline(dir.path(), &["check", "--fix"]);
    assert!(err.contains("fixed 2 findings in a.ts"), "{err}");
    assert!(err.contains("did not fix broken.py"), "{err}");
    // The unparsable file keeps its finding and its bytes.
    assert_eq!(code, 1);
    assert!(out.contains("broken.py") && !out.contains("a.ts:"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.py")).unwrap(),
        BROKEN
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.ts")).unwrap(),
        "const a = \"https://gw.example.com/v1/gmail/send?q=1#top\";\n\
         const b = `https://gw.example.com/health/${id}`;\n"
    );
    // Nothing left behind beside the file.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
    // A second run has nothing to fix in a.ts.
    let (_, _, err) = plumbline(dir.path(), &["check", "--fix"]);
    assert!(!err.contains("a.ts"), "{err}");
}

#[test]
fn a_file_changed_after_planning_is_left_alone() {
    let dir = project();
    let path = dir.path().join("a.ts");
    let finding_source = std::sync::Arc::new(plumbline::source::SourceFile::in_memory("a.ts", TS));
    let engine = plumbline::engine::Engine::new(dir.path(), None, Default::default()).unwrap();
    let rules = engine.rules_for_dir(dir.path()).unwrap();
    let findings = engine.lint_source(&rules, finding_source).findings;
    assert!(!findings.is_empty());
    let (plans, _) = plumbline::fix::plan(dir.path(), &findings);
    assert_eq!(plans.len(), 1);
    std::fs::write(&path, "const edited = 1;\n").unwrap();
    let outcome = plumbline::fix::write(&plans);
    assert!(outcome[0].1.is_err());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "const edited = 1;\n"
    );
    // Planning from findings of an older text refuses too.
    let (plans, skipped) = plumbline::fix::plan(dir.path(), &findings);
    assert!(plans.is_empty());
    assert!(skipped[0].reason.contains("changed on disk"));
}
