//! `check --verbose` says what the walk left out and why.

use std::process::Command;

#[test]
fn verbose_lists_hidden_and_ignored_paths_once_per_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    for (path, text) in [
        (".gitignore", "node_modules/\ndist/\n"),
        ("src/a.ts", "export const a = 1;\n"),
        ("node_modules/x/i.js", "x\n"),
        ("node_modules/x/j.js", "x\n"),
        (".cache/c.ts", "x\n"),
        ("dist/b.js", "x\n"),
        (".env", "A=1\n"),
    ] {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .args(["check", "--verbose"])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}
