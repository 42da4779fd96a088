//! Every command that writes a user's file goes through one path that never
//! loses what the user had: devices and FIFOs are not replaced, owners,
//! modes and hard links are kept or the write is refused, a concurrent
//! save wins over a fix, names that are not UTF-8 are written under their
//! own name, `init` edits settings in place, and `install`/`uninstall` own
//! only the hook they wrote.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const FORBIDDEN: &str = "export const U = 'https://chi-gateway.x.dev/p';\n";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_plumbline")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_cmd(Command::new(bin()).args(args).current_dir(dir))
}

fn run_cmd(cmd: &mut Command) -> Run {
    let output = cmd.env("NO_COLOR", "1").output().expect("plumbline runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn is_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// A project folder with a `.git` marker and the given files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn output_and_baseline_never_replace_a_device_or_fifo() {
    let dir = project(&[("proj/a.ts", FORBIDDEN)]);
    let root = dir.path();
    fs::create_dir(root.join("dev")).unwrap();
    let fifo = root.join("dev/report.fifo");
    mkfifo(&fifo);
    let run = run_in(
        root,
        &["check", "--write-baseline", "dev/report.fifo", "proj"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("it is a FIFO"), "{}", run.stderr);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());

    if !is_root() {
        println!("skipped: a private character device needs root (mknod)");
        return;
    }
    let null = root.join("dev/null");
    let made = Command::new("mknod")
        .args(["-m", "666"])
        .arg(&null)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(made.success());
    // `--output` writes into a character device it is given, in place.
    let run = run_in(
        root,
        &["check", "--format", "sarif", "--output", "dev/null", "proj"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let kind = fs::symlink_metadata(&null).unwrap().file_type();
    assert!(kind.is_char_device(), "dev/null is no longer a device");
    // Every other writer refuses it.
    let run = run_in(root, &["check", "--write-baseline", "dev/null", "proj"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("character device"), "{}", run.stderr);
    assert!(fs::symlink_metadata(&null)
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn a_save_between_the_fix_and_the_rename_wins() {
    let dir = project(&[("a.ts", FORBIDDEN)]);
    let path = dir.path().join("a.ts");
    let engine = plumbline::engine::Engine::new(dir.path(), None, Default::default()).unwrap();
    let result = engine
        .check_paths(std::slice::from_ref(&path), &Default::default())
        .unwrap();
    let (plans, _) = plumbline::fix::plan(dir.path(), &result.findings);
    assert_eq!(plans.len(), 1);
    // The user saves after the fixed text is written and synced.
    let save = |p: &Path| {
        let mut text = fs::read_to_string(p).unwrap();
        text.push_str("// saved by the user\n");
        fs::write(p, text).unwrap();
    };
    let outcome = plumbline::fix::write_with(&plans, Some(&save));
    let reason = outcome[0].1.as_ref().unwrap_err();
    assert!(reason.contains("changed on disk"), "{reason}");
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format!("{FORBIDDEN}// saved by the user\n")
    );
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 2, "a temporary file was left behind");
}

#[test]
fn fix_rewrites_the_file_it_read_under_a_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = project(&[]);
    let root = dir.path();
    let raw = root.join(std::ffi::OsStr::from_bytes(b"a\xff.ts"));
    let lookalike = root.join("a\u{FFFD}.ts");
    fs::write(&raw, format!("// padding padding padding\n{FORBIDDEN}")).unwrap();
    let comment = "// this comment must stay exactly as it is, no edits at all\n";
    fs::write(&lookalike, format!("{FORBIDDEN}{comment}")).unwrap();
    fs::write(
        root.join("plumbline.toml"),
        "[gateway]\nurl = \"https://gw.example.com\"\n",
    )
    .unwrap();
    let run = run_in(root, &["check", "--fix", "--format", "concise", "."]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let fixed = fs::read_to_string(&raw).unwrap();
    assert!(!fixed.contains("chi-gateway"), "{fixed}");
    assert!(fixed.starts_with("// padding padding padding\n"), "{fixed}");
    let other = fs::read_to_string(&lookalike).unwrap();
    assert!(other.ends_with(comment), "{other}");
    assert!(!other.contains("chi-gateway"), "{other}");
}

#[test]
fn fix_keeps_owner_and_mode_and_refuses_hard_links_and_read_only_files() {
    let config = "[gateway]\nurl = \"https://gw.example.com\"\n";
    let dir = project(&[
        ("plumbline.toml", config),
        ("owned.ts", FORBIDDEN),
        ("ro.ts", FORBIDDEN),
        ("hl.ts", FORBIDDEN),
    ]);
    let root = dir.path();
    let owned = root.join("owned.ts");
    fs::set_permissions(&owned, fs::Permissions::from_mode(0o640)).unwrap();
    let other_user = is_root();
    if other_user {
        std::os::unix::fs::chown(&owned, Some(65534), Some(65534)).unwrap();
    } else {
        println!("skipped the owner part: giving a file to another user needs root");
    }
    fs::set_permissions(root.join("ro.ts"), fs::Permissions::from_mode(0o444)).unwrap();
    fs::hard_link(root.join("hl.ts"), root.join("hl-other-name.ts")).unwrap();

    let run = run_in(root, &["check", "--fix", "--format", "concise", "."]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let meta = fs::metadata(&owned).unwrap();
    assert!(!fs::read_to_string(&owned).unwrap().contains("chi-gateway"));
    assert_eq!(meta.mode() & 0o7777, 0o640);
    if other_user {
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    }
    assert!(
        run.stderr.contains("did not fix ro.ts: read-only"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_to_string(root.join("ro.ts")).unwrap(), FORBIDDEN);
    assert!(
        run.stderr
            .contains("did not fix hl.ts: it has 1 other hard link"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::metadata(root.join("hl.ts")).unwrap().nlink(), 2);
    assert_eq!(fs::read_to_string(root.join("hl.ts")).unwrap(), FORBIDDEN);
}

#[test]
fn fix_never_makes_a_duplicate_key() {
    let json = "{\n  \"https://chi-gateway.x.dev\": {\"keep\": \"old-config\"},\n  \
                \"https://gw.example.com\": {\"keep\": \"new-config\"}\n}\n";
    let yaml = "https://chi-gateway.x.dev: old\nhttps://gw.example.com: new\n";
    let config = "[gateway]\nurl = \"https://gw.example.com\"\n";
    let dir = project(&[
        ("plumbline.toml", config),
        ("hosts.json", json),
        ("hosts.yaml", yaml),
    ]);
    let root = dir.path();
    let run = run_in(root, &["check", "--fix", "--format", "concise", "."]);
    assert_eq!(fs::read_to_string(root.join("hosts.json")).unwrap(), json);
    assert_eq!(fs::read_to_string(root.join("hosts.yaml")).unwrap(), yaml);
    assert!(
        run.stderr.contains("did not fix hosts.json") && run.stderr.contains("duplicate key"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did not fix hosts.yaml"),
        "{}",
        run.stderr
    );
}

const LOSSY_SETTINGS: &str = "{\r\n  \"id\": 123456789012345678901234567890,\r\n  \"f\": 1E2,\r\n  \
     \"g\": 0.30000000000000000001,\r\n  \"hooks\": {\"PreToolUse\": [{\"matcher\":\"Bash\",\"hooks\":\
     [{\"type\":\"command\",\"command\":\"./scripts/no-rm-rf.sh\"}]}]},\r\n  \
     \"hooks\": {\"PostToolUse\": []}\r\n}\r\n";

/// What `after` added to `before`, when it only inserted one run of text.
fn inserted<'a>(before: &str, after: &'a str) -> &'a str {
    let prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let added = after.len() - before.len();
    assert_eq!(
        format!("{}{}", &after[..prefix], &after[prefix + added..]),
        before,
        "init changed bytes outside its insertion:\n{after}"
    );
    &after[prefix..prefix + added]
}

#[test]
fn init_keeps_every_byte_of_the_settings_it_edits() {
    let dir = project(&[(".claude/settings.json", LOSSY_SETTINGS)]);
    let path = dir.path().join(".claude/settings.json");
    let run = run_in(dir.path(), &["init", "--agent", "claude"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = fs::read_to_string(&path).unwrap();
    let added = inserted(LOSSY_SETTINGS, &after);
    assert!(added.contains("hook claude"), "{added}");
    // That `hooks` block is written on one line: the entry joins it there.
    assert!(!added.contains('\n'), "{added:?}");
    // The entry lands in the `hooks` block the agents read: the last one.
    let doc: serde_json::Value = serde_json::from_str(&after).unwrap();
    let entry = &doc["hooks"]["PreToolUse"][0];
    assert!(entry["hooks"][0]["command"]
        .as_str()
        .unwrap()
        .ends_with("hook claude"));
    // Twice changes nothing.
    let run = run_in(dir.path(), &["init", "--agent", "claude"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("already present"), "{}", run.stdout);
    assert_eq!(fs::read_to_string(&path).unwrap(), after);
}

#[test]
fn init_appends_in_the_files_own_layout() {
    let before = "{\n    \"hooks\": {\n        \"PreToolUse\": [\n            {\"matcher\": \"Bash\", \"hooks\": []}\n        ]\n    },\n    \"n\": 1.50\n}\n";
    let dir = project(&[(".claude/settings.json", before)]);
    let run = run_in(dir.path(), &["init", "--agent", "claude"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = fs::read_to_string(dir.path().join(".claude/settings.json")).unwrap();
    let added = inserted(before, &after);
    assert!(
        added.starts_with(",\n            {\n                \"matcher\": "),
        "{added:?}"
    );
}

#[test]
fn init_writes_crlf_lines_into_a_crlf_file() {
    let before = "{\r\n\t\"hooks\": {\r\n\t\t\"PreToolUse\": [\r\n\t\t]\r\n\t}\r\n}\r\n";
    let dir = project(&[(".claude/settings.json", before)]);
    let run = run_in(dir.path(), &["init", "--agent", "claude"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = fs::read_to_string(dir.path().join(".claude/settings.json")).unwrap();
    assert!(after.contains('\n'));
    assert!(!after.replace("\r\n", "").contains('\n'), "{after:?}");
    assert!(
        after.contains("\r\n\t\t\t{\r\n\t\t\t\t\"matcher\""),
        "{after:?}"
    );
    assert!(after.ends_with("}\r\n\t\t]\r\n\t}\r\n}\r\n"), "{after:?}");
}

#[test]
fn init_keeps_a_byte_order_mark_and_says_so() {
    let before = "\u{feff}{\n  \"model\": \"sonnet\"\n}\n";
    let dir = project(&[(".claude/settings.json", before)]);
    let run = run_in(dir.path(), &["init", "--agent", "claude"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("byte order mark"), "{}", run.stdout);
    let after = fs::read_to_string(dir.path().join(".claude/settings.json")).unwrap();
    inserted(before, &after);
    assert!(after.starts_with('\u{feff}'));
}

#[test]
fn init_leaves_invalid_json_untouched_and_names_the_spot() {
    let before = "{\n  \"model\": \"sonnet\",\n}\n";
    let dir = project(&[(".gemini/settings.json", before)]);
    let run = run_in(dir.path(), &["init", "--agent", "gemini"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("settings.json:3:1"), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join(".gemini/settings.json")).unwrap(),
        before
    );
}

/// A folder holding only a `plumbline` that is not this binary.
fn path_with_another_plumbline(dir: &Path) -> PathBuf {
    let bin_dir = dir.join("other-bin");
    fs::create_dir_all(&bin_dir).unwrap();
    let fake = bin_dir.join("plumbline");
    fs::write(&fake, "#!/bin/sh\nexit 0\n").unwrap();
    fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
    bin_dir
}

#[test]
fn init_writes_a_command_that_runs_and_blocks_a_violation() {
    let dir = project(&[]);
    let root = dir.path();
    let other = path_with_another_plumbline(&tempfile::tempdir().unwrap().keep());
    let path = format!("{}:/usr/bin:/bin", other.display());
    let run = run_cmd(
        Command::new(bin())
            .args(["init", "--agent", "claude"])
            .current_dir(root)
            .env("PATH", &path),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("another binary"), "{}", run.stdout);
    let doc: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join(".claude/settings.json")).unwrap())
            .unwrap();
    let command = doc["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(command.starts_with('\''), "{command}");
    let payload = serde_json::json!({
        "session_id": "s",
        "transcript_path": "t.jsonl",
        "cwd": root,
        "hook_event_name": "PreToolUse",
        "tool_name": "Write",
        "tool_input": { "file_path": root.join("src/a.ts"), "content": FORBIDDEN },
    });
    let mut child = Command::new("sh")
        .args(["-c", &command])
        .current_dir(root)
        .env("PATH", &path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(payload.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.code() != Some(127), "the command did not run");
    assert!(stdout.contains("\"deny\""), "{stdout}");
}

#[test]
fn init_writes_into_the_git_work_tree_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(git.success());
    let sub = root.join("apps/web");
    fs::create_dir_all(&sub).unwrap();
    let run = run_in(&sub, &["init", "--agent", "gemini"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(root.join(".gemini/settings.json").is_file());
    assert!(!sub.join(".gemini").exists());
    assert!(run.stdout.contains("folder trust"), "{}", run.stdout);
}

fn git_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ok = Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(ok.success());
    dir
}

#[test]
fn install_keeps_a_users_edits_to_its_hook() {
    let repo = git_repo();
    let root = repo.path();
    let hook = root.join(".git/hooks/pre-commit");
    let chained = root.join(".git/hooks/pre-commit.plumbline-chained");
    assert_eq!(run_in(root, &["install"]).code, 0);
    let mut text = fs::read_to_string(&hook).unwrap();
    text.push_str("\n# my own addition\nnpm test || exit 1\n");
    fs::write(&hook, &text).unwrap();

    // From another binary path: the edited hook is kept and chained.
    let copy_dir = tempfile::tempdir().unwrap();
    let copy = copy_dir.path().join("plumbline-other-path");
    fs::copy(bin(), &copy).unwrap();
    let run = run_cmd(Command::new(&copy).arg("install").current_dir(root));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fs::read_to_string(&chained).unwrap(), text);
    assert!(!fs::read_to_string(&hook).unwrap().contains("npm test"));

    // Uninstall puts it back; an edited hook is refused, not deleted.
    assert_eq!(run_in(root, &["uninstall"]).code, 0);
    assert_eq!(fs::read_to_string(&hook).unwrap(), text);
    let run = run_in(root, &["uninstall"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("edited"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(&hook).unwrap(), text);
}

#[test]
fn install_never_writes_through_a_symlinked_hook() {
    let repo = git_repo();
    let root = repo.path();
    let team_hook = root.join("scripts/team-hook");
    fs::create_dir_all(team_hook.parent().unwrap()).unwrap();
    let team = "#!/bin/sh\n# plumbline-managed-hook: a copy\nnpm test || exit 1\n";
    fs::write(&team_hook, team).unwrap();
    let hook = root.join(".git/hooks/pre-commit");
    std::os::unix::fs::symlink(&team_hook, &hook).unwrap();
    let run = run_in(root, &["install"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fs::read_to_string(&team_hook).unwrap(), team);
    assert!(fs::symlink_metadata(&hook).unwrap().file_type().is_file());
    let chained = root.join(".git/hooks/pre-commit.plumbline-chained");
    assert!(fs::symlink_metadata(&chained)
        .unwrap()
        .file_type()
        .is_symlink());
    // Uninstall moves the link back, still untouched.
    assert_eq!(run_in(root, &["uninstall"]).code, 0);
    assert!(fs::symlink_metadata(&hook)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_to_string(&team_hook).unwrap(), team);
}

#[test]
fn install_into_a_read_only_hooks_folder_names_the_path_and_the_operation() {
    let repo = git_repo();
    let root = repo.path();
    let hooks = root.join(".git/hooks");
    fs::write(hooks.join("pre-commit"), "#!/bin/sh\necho user\n").unwrap();
    let mut cmd = Command::new(bin());
    cmd.arg("install").current_dir(root);
    if is_root() {
        // Root writes anywhere: run as nobody, who owns the repository.
        use std::os::unix::process::CommandExt;
        fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
        let chown = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(root)
            .status()
            .unwrap();
        assert!(chown.success());
        cmd.uid(65534).gid(65534).env("HOME", "/tmp");
        if fs::metadata(bin())
            .map(|m| m.mode() & 0o005 != 0o005)
            .unwrap_or(true)
        {
            println!("skipped: the binary is not readable by another user");
            return;
        }
    }
    fs::set_permissions(&hooks, fs::Permissions::from_mode(0o555)).unwrap();
    let run = run_cmd(&mut cmd);
    fs::set_permissions(&hooks, fs::Permissions::from_mode(0o755)).unwrap();
    if is_root() && run.stderr.contains("dubious ownership") {
        println!("skipped: git refuses the repository for another user");
        return;
    }
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "cannot move .git/hooks/pre-commit to .git/hooks/pre-commit.plumbline-chained"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Permission denied"), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(hooks.join("pre-commit")).unwrap(),
        "#!/bin/sh\necho user\n"
    );
}
