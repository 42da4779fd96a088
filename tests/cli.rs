//! The real binary: exit codes, formats, config errors, explain.

use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn plumbline(dir: &Path) -> Command {
    let mut cmd = Command::new(get_cargo_bin("plumbline"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100");
    cmd
}

fn temp_project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

fn demo_app() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-app")
}

const VIOLATION: &str = "export const GATEWAY = 'https://chi-gateway.example.workers.dev/v1';\n";

#[test]
fn clean_tree_exits_zero() {
    let dir = temp_project(&[("src/a.ts", "export const x = 1;\n")]);
    assert_cmd_snapshot!(plumbline(dir.path()).arg("check"));
}

#[test]
fn findings_exit_one_with_miette_report() {
    let dir = temp_project(&[("src/gateway.ts", VIOLATION)]);
    assert_cmd_snapshot!(plumbline(dir.path()).arg("check"));
}

#[test]
fn concise_and_json_formats() {
    let dir = temp_project(&[("src/gateway.ts", VIOLATION)]);
    assert_cmd_snapshot!(plumbline(dir.path()).args(["check", "--format", "concise"]));
    assert_cmd_snapshot!(plumbline(dir.path()).args(["check", "--format", "json"]));
}

#[test]
fn fail_on_warning_and_ignore() {
    let dir = temp_project(&[
        ("src/gateway.ts", VIOLATION),
        (
            "src/b.ts",
            "// plumbline-ignore: forbidden-gateway-host -- nothing here any more\nconst ok = 1;\n",
        ),
    ]);
    let code = |args: &[&str]| plumbline(dir.path()).args(args).status().unwrap().code();
    assert_eq!(code(&["check"]), Some(1));
    assert_eq!(
        code(&["check", "src/b.ts"]),
        Some(0),
        "an unused suppression is only a warning"
    );
    assert_eq!(
        code(&["check", "src/b.ts", "--fail-on", "warning"]),
        Some(1)
    );
    // An ignored rule does not run, so its suppressions are not "unused".
    assert_eq!(
        code(&[
            "check",
            "--ignore",
            "forbidden-gateway-host",
            "--fail-on",
            "warning"
        ]),
        Some(0)
    );
}

#[test]
fn suppressions_need_a_known_rule_and_a_reason() {
    let dir = temp_project(&[(
        "src/a.ts",
        "// plumbline-ignore: forbidden-gateway-host -- staging smoke test until cut-over\nexport const A = 'https://chi-gateway.x.dev';\n// plumbline-ignore: forbidden-gateway-host\nexport const B = 'https://chi-gateway.y.dev';\n// plumbline-ignore: no-such-rule -- why\nexport const C = 1;\n",
    )]);
    assert_cmd_snapshot!(plumbline(dir.path()).args(["check", "--format", "concise"]));
}

#[test]
fn config_errors_point_at_the_toml_and_exit_two() {
    let dir = temp_project(&[
        ("plumbline.toml", "[gateway]\nforbidden_hosts = [\"chi-gateway\"]\n\n[rules.forbidden-gateway-host]\nseverity = \"fatal\"\n"),
        ("src/a.ts", "export const x = 1;\n"),
    ]);
    assert_cmd_snapshot!(plumbline(dir.path()).arg("check"));
    let dir = temp_project(&[("plumbline.toml", "[gateway\nurl = 1\n")]);
    assert_cmd_snapshot!(plumbline(dir.path()).arg("check"));
}

#[test]
fn config_changes_what_rules_see() {
    let dir = temp_project(&[
        ("plumbline.toml", "[gateway]\nforbidden_hosts = [\"old-gw\"]\n"),
        ("src/a.ts", "export const A = 'https://old-gw.example.dev';\nexport const B = 'https://chi-gateway.example.dev';\n"),
    ]);
    assert_cmd_snapshot!(plumbline(dir.path()).args(["check", "--format", "concise"]));
}

#[test]
fn nested_config_layers_over_the_root() {
    let dir = temp_project(&[
        (
            "plumbline.toml",
            "[rules.forbidden-gateway-host]\nseverity = \"warning\"\n",
        ),
        (
            "apps/legacy/plumbline.toml",
            "[rules.forbidden-gateway-host]\nseverity = \"off\"\n",
        ),
        ("apps/legacy/a.ts", VIOLATION),
        ("apps/web/a.ts", VIOLATION),
    ]);
    assert_cmd_snapshot!(plumbline(dir.path()).args(["check", "--format", "concise"]));
}

#[test]
fn unknown_cli_rule_and_missing_path_exit_two() {
    let dir = temp_project(&[("a.ts", "")]);
    let out = plumbline(dir.path())
        .args(["check", "--select", "dead-oauth-calback"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dead-oauth-callback"));
    let out = plumbline(dir.path())
        .args(["check", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = plumbline(dir.path())
        .args(["check", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn binary_non_utf8_and_huge_files_are_counted_not_fatal() {
    let dir = temp_project(&[("src/ok.ts", VIOLATION)]);
    std::fs::write(dir.path().join("src/bin.ts"), b"const a = 1;\0\0\0").unwrap();
    std::fs::write(
        dir.path().join("src/latin1.ts"),
        b"const a = '\xe9t\xe9';\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("src/huge.json"),
        "{\"a\": \"".to_string() + &"x".repeat(2_000_000) + "\"}",
    )
    .unwrap();
    assert_cmd_snapshot!(plumbline(dir.path()).args(["check", "--format", "concise", "--verbose"]));
}

#[test]
fn hidden_files_are_skipped_but_env_files_are_read() {
    let dir = temp_project(&[
        (
            ".env.production",
            "GATEWAY_URL=https://chi-gateway.example.workers.dev\n",
        ),
        (".hidden/a.ts", VIOLATION),
        ("ignored/a.ts", VIOLATION),
        (".gitignore", "ignored/\n"),
    ]);
    assert_cmd_snapshot!(plumbline(dir.path()).args(["check", "--format", "concise"]));
}

#[test]
fn rules_and_explain() {
    let dir = temp_project(&[]);
    assert_cmd_snapshot!(plumbline(dir.path()).arg("rules"));
    assert_cmd_snapshot!(plumbline(dir.path()).args(["explain", "forbidden-gateway-host"]));
    let out = plumbline(dir.path())
        .args(["explain", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explain_takes_a_kind_and_rules_lists_kinds() {
    let dir = temp_project(&[]);
    assert_cmd_snapshot!(plumbline(dir.path()).args(["rules", "--kinds"]));
    assert_cmd_snapshot!(plumbline(dir.path()).args(["explain", "forbidden-host"]));
    assert_cmd_snapshot!(plumbline(dir.path()).args(["explain", "forbiden-host"]));
}

#[test]
fn explain_shows_each_section_once() {
    let dir = temp_project(&[]);
    for rule in [
        "forbidden-gateway-host",
        "credential-in-log",
        "hardcoded-credential",
    ] {
        let out = plumbline(dir.path())
            .args(["explain", rule])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        for heading in ["## Example", "## Options", "### Options", "### Example"] {
            let count = text.lines().filter(|l| l.trim() == heading).count();
            assert!(count <= 1, "{rule}: `{heading}` appears {count} times");
        }
        assert!(
            !text.contains("kind\n\n## "),
            "{rule}: a kind heading with nothing under it"
        );
    }
}

#[test]
fn rule_lists_forgive_spaces_and_fail_on_takes_info() {
    let dir = temp_project(&[("src/a.ts", VIOLATION)]);
    let out = plumbline(dir.path())
        .args([
            "check",
            "--format",
            "concise",
            "--select",
            "forbidden-gateway-host, credential-in-log",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = plumbline(dir.path())
        .args(["check", "--format", "concise", "--fail-on", "info"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn diff_refuses_a_format_and_config_shows_without_a_flag() {
    let dir = temp_project(&[("src/a.ts", VIOLATION)]);
    let out = plumbline(dir.path())
        .args(["check", "--diff", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--diff prints a unified diff"));
    let out = plumbline(dir.path()).arg("config").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("forbidden-gateway-host"));
}

#[test]
fn stdin_is_linted_as_the_named_file() {
    let dir = temp_project(&[("src/other.ts", "export const x = 1;\n")]);
    let run = |args: &[&str], input: &str| {
        let mut child = plumbline(dir.path())
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        // A run that refuses its arguments exits without reading stdin.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        child.wait_with_output().unwrap()
    };
    let out = run(
        &[
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "src/new.ts",
        ],
        VIOLATION,
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("src/new.ts:1:"),
        "the finding names the file stdin stands for: {stdout}"
    );
    // The same text under a name plumbline does not read is not linted.
    let out = run(&["check", "--stdin-filename", "notes.md", "-"], VIOLATION);
    assert_eq!(out.status.code(), Some(0));
    // `-` alone cannot know the language.
    let out = run(&["check", "-"], VIOLATION);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--stdin-filename"));
}

#[test]
fn statistics_quiet_and_exit_zero() {
    let dir = temp_project(&[("src/a.ts", VIOLATION), ("src/b.ts", VIOLATION)]);
    assert_cmd_snapshot!(plumbline(dir.path()).args(["check", "--statistics"]));
    let out = plumbline(dir.path())
        .args(["check", "--format", "concise", "--quiet", "--exit-zero"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().count(),
        2,
        "two findings, no summary: {stdout}"
    );
}

#[test]
fn completions_and_rules_as_json() {
    let dir = temp_project(&[]);
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = plumbline(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains("explain"), "{shell} completes subcommands");
    }
    let out = plumbline(dir.path())
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"forbidden-gateway-host"), "{ids:?}");
    let out = plumbline(dir.path())
        .args(["rules", "--kinds", "--format", "json"])
        .output()
        .unwrap();
    let kinds: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let host = kinds
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "forbidden-host")
        .expect("forbidden-host kind listed");
    assert_eq!(host["rules"][0], "forbidden-gateway-host");
}

#[test]
fn force_exclude_applies_excludes_to_named_files() {
    let dir = temp_project(&[
        (
            "plumbline.toml",
            "[files]\nexclude = [\"src/generated/**\"]\n",
        ),
        ("src/generated/client.ts", VIOLATION),
    ]);
    let code = |args: &[&str]| {
        plumbline(dir.path())
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&["check", "src/generated/client.ts"]), Some(1));
    assert_eq!(
        code(&["check", "--force-exclude", "src/generated/client.ts"]),
        Some(0)
    );
    assert_eq!(code(&["check", "--force-exclude", "."]), Some(0));
    let hooks = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    assert!(
        hooks.contains("--force-exclude"),
        "the pre-commit hook honours excludes"
    );
}

#[test]
fn files_plumbline_does_not_read_are_named() {
    let dir = temp_project(&[
        ("notes.md", VIOLATION),
        ("src/a.ts", "export const a = 1;\n"),
    ]);
    assert_cmd_snapshot!(plumbline(dir.path()).args(["check", "notes.md"]));
    let out = plumbline(dir.path())
        .args(["check", "--verbose", "--format", "concise"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("not read notes.md: not a file type plumbline reads"),
        "{stdout}"
    );
}

#[test]
fn concise_output_is_coloured_on_request() {
    let dir = temp_project(&[("src/a.ts", VIOLATION)]);
    let run = |color: &str| {
        let out = plumbline(dir.path())
            .args(["check", "--format", "concise", "--color", color])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(run("always").contains("\x1b[1;31merror[forbidden-gateway-host]\x1b[0m"));
    assert!(!run("never").contains('\x1b'));
}

#[test]
fn test_command_names_an_unknown_rule() {
    let dir = temp_project(&[]);
    let out = plumbline(dir.path())
        .args(["test", "--rule", "forbiden-gateway-host"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown rule `forbiden-gateway-host`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `forbidden-gateway-host`"),
        "{stderr}"
    );
}

#[test]
fn config_show_prints_effective_options() {
    let dir = temp_project(&[(
        "plumbline.toml",
        "[supabase]\ntables = [\"legacy_integrations\"]\n",
    )]);
    let out = plumbline(dir.path())
        .args(["config", "--show"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[rules.supabase-integration-table]\nseverity = \"error\"\ntables = [\"legacy_integrations\"]"), "{text}");
}

#[test]
fn demo_app_breaks_every_rule() {
    let out = plumbline(&demo_app())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    let rules: std::collections::BTreeSet<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for meta in plumbline::rules::builtin_rules()
        .iter()
        .filter(|m| !m.is_engine_rule())
    {
        assert!(
            rules.contains(meta.id.as_str()),
            "demo app does not break {}",
            meta.id
        );
    }
}

#[test]
fn demo_app_human_report() {
    assert_cmd_snapshot!(plumbline(&demo_app()).arg("check"));
}

#[test]
fn broken_pipe_exits_quietly_with_the_findings_status() {
    let files: Vec<(String, &str)> = (0..400)
        .map(|i| (format!("src/f{i}.ts"), VIOLATION))
        .collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    let dir = temp_project(&refs);
    let mut child = plumbline(dir.path())
        .arg("check")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    // The verdict is the findings', whoever stopped reading.
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn running_from_a_subfolder_keeps_the_root_config() {
    let dir = temp_project(&[
        (
            "plumbline.toml",
            "[gateway]\nforbidden_hosts = [\"relay-legacy\"]\n",
        ),
        (
            "apps/dash/plumbline.toml",
            "[rules.dead-oauth-callback]\nseverity = \"warning\"\n",
        ),
        (
            "apps/dash/src/a.ts",
            "export const A = 'https://relay-legacy.acme.dev/v1';\n",
        ),
    ]);
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let out = plumbline(&dir.path().join("apps/dash"))
        .args(["check", "--format", "concise"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("src/a.ts:1:27: error[forbidden-gateway-host]"),
        "{text}"
    );
}

/// The README's command runs from the repository root: the demo app's own
/// config is its project root, so the findings are the same as from inside.
#[test]
fn demo_app_from_the_repository_root_matches_from_inside() {
    let run = |dir: &Path, args: &[&str]| {
        let out = plumbline(dir).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let inside = run(&demo_app(), &["check", "--format", "concise"]);
    let outside = run(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "fixtures/demo-app", "--format", "concise"],
    );
    let strip = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.trim_start_matches("fixtures/demo-app/").to_string())
            .collect()
    };
    assert_eq!(strip(&outside), strip(&inside));
    assert!(inside.contains("26 errors, 4 warnings"), "{inside}");
}

/// A project named on the command line with no config anywhere is the
/// project, whichever folder the command runs in: its code, in another
/// folder than the finding's, answers the cross-file question (here, that
/// the column is written sealed), and the working folder is not read.
#[test]
fn a_project_named_from_outside_it_is_read_as_its_own_project() {
    const SCHEMA: &str = "model Portal {\n  id           String @id\n  clientSecret String\n}\n";
    const SEALS: &str = "import { prisma } from './db';\nimport { encrypt } from './crypto';\n\nexport async function save(id: string, clientSecret: string) {\n  const encryptedClientSecret = encrypt(clientSecret);\n  await prisma.portal.update({ where: { id }, data: { clientSecret: encryptedClientSecret } });\n}\n";
    for seals in [false, true] {
        let mut files = vec![
            ("work/notes.txt", "unrelated\n"),
            (
                "repo/package.json",
                "{ \"name\": \"repo\", \"private\": true }\n",
            ),
            ("repo/packages/db/schema.prisma", SCHEMA),
        ];
        if seals {
            files.push(("repo/packages/api/src/portal.ts", SEALS));
        }
        let dir = temp_project(&files);
        for (cwd, path) in [("work", "../repo"), ("", "repo")] {
            let status = plumbline(&dir.path().join(cwd))
                .args(["check", "--no-cache", "--format", "concise", path])
                .output()
                .unwrap();
            let expected = if seals { 0 } else { 1 };
            assert_eq!(
                status.status.code(),
                Some(expected),
                "seals: {seals}, from {cwd:?}: {}",
                String::from_utf8_lossy(&status.stdout)
            );
        }
    }
}
