//! Rule kinds only decide: the syntax of every language is read once, in
//! `src/facts/` and `src/lang/`, and a kind works on the records they give.
//! These tests keep it so: no file under `src/rules/` (but the registry in
//! `mod.rs`) reads a syntax tree or names a grammar node, and kinds stay
//! small enough to read in one sitting.

use std::path::{Path, PathBuf};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules")
}

/// Every `.rs` file under `src/rules/`, as (path relative to it, text).
fn rule_files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut pending = vec![rules_dir()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path
                    .strip_prefix(rules_dir())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((relative, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The lines of a file before its `#[cfg(test)]` module, if any.
fn lines_without_tests(text: &str) -> usize {
    text.lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .count()
}

fn is_test_file(relative: &str) -> bool {
    relative.ends_with("/tests.rs") || relative.contains("/tests/")
}

/// Data tables (word lists, secret formats) live in files of their own.
fn is_data_file(relative: &str) -> bool {
    relative.ends_with("/data.rs") || relative.ends_with("_data.rs")
}

#[test]
fn no_rule_kind_reads_syntax_itself() {
    const SYNTAX: &[&str] = &[
        "tree_sitter::",
        "use tree_sitter",
        "syn::",
        "proc_macro2::",
        "crate::lang::tree",
        ".kind_str()",
        "child_by_field_name",
        "named_children(",
    ];
    let mut found = Vec::new();
    for (relative, text) in rule_files() {
        if relative == "mod.rs" || is_test_file(&relative) {
            continue;
        }
        let code: String = text
            .lines()
            .take_while(|line| line.trim() != "#[cfg(test)]")
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for needle in SYNTAX {
            if code.contains(needle) {
                found.push(format!("{relative}: {needle}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "rule kinds read syntax themselves; move the reading into src/facts/: {found:#?}"
    );
}

#[test]
fn rule_kinds_stay_small() {
    let files = rule_files();
    let mut too_long = Vec::new();
    for (relative, text) in &files {
        if is_test_file(relative) || is_data_file(relative) {
            continue;
        }
        let lines = lines_without_tests(text);
        if lines > 800 && relative != "mod.rs" {
            too_long.push(format!("{relative}: {lines} lines"));
        }
    }
    assert!(too_long.is_empty(), "files over 800 lines: {too_long:#?}");

    let mut kinds: Vec<usize> = files
        .iter()
        .filter(|(relative, _)| {
            !relative.contains('/') && relative != "mod.rs" && relative != "meta.rs"
        })
        .map(|(_, text)| lines_without_tests(text))
        .collect();
    kinds.sort_unstable();
    let median = kinds[kinds.len() / 2];
    assert!(
        median < 300,
        "the median rule-kind file has {median} lines without tests: {kinds:?}"
    );
}
