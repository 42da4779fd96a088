//! `check --timings`: the table on stderr and the JSON `timings` key have
//! their documented shape (the numbers themselves vary from run to run).

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_plumbline");

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A project with one TypeScript file that logs a token (a finding of
/// `credential-in-log`, which parses it), one Python file no rule reads
/// past the prefilter, and one SQL migration.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "src/auth.ts",
        "export function refresh(accessToken: string) {\n  console.log('token', accessToken);\n}\n",
    );
    write(root, "app/util.py", "def add(a, b):\n    return a + b\n");
    write(
        root,
        "supabase/migrations/1_init.sql",
        "create table notes (id int);\n",
    );
    dir
}

fn check(root: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(root)
        .args(["check", "--color", "never"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_table_names_each_rule_that_ran_and_each_stage() {
    let dir = project();
    let out = check(dir.path(), &["--timings", "."]);
    assert_eq!(out.status.code(), Some(0), "credential-in-log is a warning");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines[0].starts_with("timings: wall "), "{stderr}");
    assert!(lines[0].contains(" ms, CPU "), "{stderr}");
    let header = lines[1];
    for column in ["rule", "CPU ms", "share", "files reached", "files parsed"] {
        assert!(header.contains(column), "no `{column}` column: {header}");
    }
    let row = lines
        .iter()
        .find(|l| l.starts_with("credential-in-log "))
        .unwrap_or_else(|| panic!("no credential-in-log row:\n{stderr}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells.len(), 5, "{row}");
    assert!(cells[1].parse::<f64>().is_ok(), "{row}");
    assert!(cells[2].ends_with('%'), "{row}");
    assert_eq!(cells[3], "1", "one file reached the rule: {row}");
    assert_eq!(cells[4], "1", "the rule asked for its tree: {row}");
    for stage in [
        "read files",
        "prefilter",
        "parse typescript",
        "suppressions",
        "join (other files' facts)",
        "other (walk, config)",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(stage)),
            "no `{stage}` row:\n{stderr}"
        );
    }
    let read = lines.iter().find(|l| l.starts_with("read files")).unwrap();
    assert!(read.ends_with(" 3"), "three files read: {read}");
    assert!(
        !lines.iter().any(|l| l.starts_with("parse python")),
        "the Python file passes no prefilter, so it is not parsed:\n{stderr}"
    );
    // The findings still go to stdout as usual.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("credential-in-log"), "{stdout}");
}

#[test]
fn json_carries_timings_only_when_asked() {
    let dir = project();
    let plain = check(dir.path(), &["--format", "json", "."]);
    let doc: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(doc.get("timings").is_none(), "{doc}");
    assert!(plain.stderr.is_empty(), "no table without --timings");

    let timed = check(dir.path(), &["--format", "json", "--timings", "."]);
    let doc: serde_json::Value = serde_json::from_slice(&timed.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
    let timings = &doc["timings"];
    let rule = &timings["rules"]["credential-in-log"];
    assert!(rule["cpu_ns"].is_u64(), "{timings}");
    assert_eq!(rule["files_reached"], 1, "{timings}");
    assert_eq!(rule["files_parsed"], 1, "{timings}");
    assert_eq!(timings["parse"]["typescript"]["files"], 1, "{timings}");
    assert_eq!(timings["read"]["files"], 3, "{timings}");
    assert_eq!(timings["prefilter"]["files"], 3, "{timings}");
    for key in ["wall_ns", "process_cpu_ns"] {
        assert!(timings[key].as_u64().is_some_and(|n| n > 0), "{timings}");
    }
    // The table still goes to stderr, so stdout stays one JSON document.
    assert!(String::from_utf8(timed.stderr)
        .unwrap()
        .contains("files reached"));
}
