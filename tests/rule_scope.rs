//! Scope on every rule (`paths`, `exclude`, `roles`), enforced by the
//! engine for built-in and project rules alike, and `severity = "off"` on a
//! project rule.

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

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const LOG_RULE: &str = r#"
[[rule]]
id = "no-console-in-billing"
kind = "tree-sitter-query"
message = "no console.log in billing"
paths = ["packages/billing"]
exclude = ["**/legacy/**"]
[rule.options]
language = "typescript"
query = '(call_expression function: (member_expression object: (identifier) @o property: (property_identifier) @p) (#eq? @o "console") (#eq? @p "log")) @call'
capture = "call"
"#;

const CONSOLE: &str = "export function pay() { console.log('paid'); }\n";

/// Findings as `path:rule` lines, from the concise format.
fn found(dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["check", "--format", "concise"];
    args.extend(extra);
    let (code, out, err) = plumbline(dir, &args);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let mut lines: Vec<String> = out
        .lines()
        .filter(|l| l.contains(": "))
        .filter_map(|l| {
            let path = l.split(':').next()?;
            let rule = l.split('[').nth(1)?.split(']').next()?;
            Some(format!("{path}:{rule}"))
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn a_project_rule_reads_only_its_paths_minus_exclude_and_skips_tests() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "plumbline.toml", LOG_RULE);
    write(root, "packages/billing/src/pay.ts", CONSOLE);
    write(root, "packages/billing/src/legacy/old.ts", CONSOLE);
    write(root, "packages/billing/src/pay.test.ts", CONSOLE);
    write(root, "packages/billing/scripts/backfill.ts", CONSOLE);
    write(root, "packages/web/src/page.ts", CONSOLE);
    assert_eq!(
        found(root, &["--select", "no-console-in-billing"]),
        [
            "packages/billing/scripts/backfill.ts:no-console-in-billing",
            "packages/billing/src/pay.ts:no-console-in-billing",
        ]
    );
}

#[test]
fn roles_all_reads_tests_and_a_built_in_rule_takes_a_scope_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "plumbline.toml",
        &format!(
            "{}\n[rules.forbidden-gateway-host]\nexclude = [\"tools/\"]\n",
            LOG_RULE.replace("[rule.options]", "roles = [\"all\"]\n[rule.options]")
        ),
    );
    write(root, "packages/billing/src/pay.test.ts", CONSOLE);
    let host = "fetch('https://chi-gateway.example.dev/v1/x');\n";
    write(root, "tools/probe.ts", host);
    write(root, "src/probe.ts", host);
    let findings = found(root, &[]);
    assert!(
        findings.contains(&"packages/billing/src/pay.test.ts:no-console-in-billing".to_string()),
        "{findings:?}"
    );
    assert!(
        !findings.iter().any(|f| f.starts_with("tools/")),
        "{findings:?}"
    );
}

#[test]
fn severity_off_defines_a_rule_that_only_select_runs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "plumbline.toml",
        &LOG_RULE.replace("message =", "severity = \"off\"\nmessage ="),
    );
    write(root, "packages/billing/src/pay.ts", CONSOLE);
    assert!(found(root, &[]).is_empty());
    assert_eq!(
        found(root, &["--select", "no-console-in-billing"]),
        ["packages/billing/src/pay.ts:no-console-in-billing"]
    );
    let (code, out, _) = plumbline(root, &["rules"]);
    assert_eq!(code, 0);
    assert!(out.contains("no-console-in-billing"), "{out}");
}

#[test]
fn a_bad_scope_is_a_labelled_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "plumbline.toml",
        "[rules.credential-in-log]\nroles = [\"production\", \"tests\"]\n",
    );
    write(root, "a.ts", "x\n");
    let (code, _, err) = plumbline(root, &["check"]);
    assert_eq!(code, 2, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn file_and_block_suppressions_silence_only_what_they_cover() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "plumbline.toml", LOG_RULE);
    write(
        root,
        "packages/billing/src/generated.ts",
        "// plumbline-ignore-file: no-console-in-billing -- generated client\n\
         console.log('a');\nconsole.log('b');\n",
    );
    write(
        root,
        "packages/billing/src/pay.ts",
        "console.log('before');\n\
         // plumbline-ignore-start: no-console-in-billing -- debug block kept for the migration\n\
         console.log('inside');\n\
         // plumbline-ignore-end\n\
         console.log('after');\n",
    );
    let (code, out, err) = plumbline(root, &["check", "--format", "concise"]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("error[")).collect();
    assert_eq!(
        lines
            .iter()
            .map(|l| l.split(": ").next().unwrap())
            .collect::<Vec<_>>(),
        [
            "packages/billing/src/pay.ts:1:1",
            "packages/billing/src/pay.ts:5:1"
        ],
        "{out}"
    );
}
