//! The git pre-commit hook and `plumbline install`/`uninstall`, in real
//! temporary repositories driven by the git CLI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

const VIOLATION: &str = "export const GATEWAY = 'https://chi-gateway.example.workers.dev/v1';\n";
const CLEAN: &str = "export const GATEWAY = 'https://diiiploy-gateway.diiiploy.workers.dev/v1';\n";

const TRAIT_WITH_DEFAULT: &str = r#"use async_trait::async_trait;

#[async_trait]
pub trait Connector: Send + Sync {
    fn id(&self) -> &'static str;
    fn http(&self) -> &reqwest::Client;

    async fn revoke(&self, token: &str) -> anyhow::Result<()> {
        self.http()
            .post(format!("https://diiiploy-gateway.diiiploy.workers.dev/revoke/{}", self.id()))
            .bearer_auth(token)
            .send()
            .await?;
        Ok(())
    }
}
"#;

const IMPL_WITHOUT_REVOKE: &str = r#"use crate::connector::Connector;

pub struct GmailConnector {
    http: reqwest::Client,
}

impl Connector for GmailConnector {
    fn id(&self) -> &'static str {
        "gmail"
    }

    fn http(&self) -> &reqwest::Client {
        &self.http
    }
}
"#;

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Plumbline Test"]);
        repo.git(&["config", "user.email", "test@example.com"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> Output {
        self.git_in(self.path(), args)
    }

    fn git_in(&self, dir: &Path, args: &[&str]) -> Output {
        let output = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("PATH", path_with_plumbline())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn write(&self, path: &str, text: &str) {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
    }

    /// `plumbline hook git` in `dir`.
    fn hook_in(&self, dir: &Path) -> Output {
        plumbline(dir).args(["hook", "git"]).output().unwrap()
    }

    fn hook(&self) -> Output {
        self.hook_in(self.path())
    }

    /// `git commit` through whatever pre-commit hook is installed.
    fn try_commit(&self, dir: &Path, message: &str) -> Output {
        Command::new("git")
            .args(["commit", "-q", "-m", message])
            .current_dir(dir)
            .env("PATH", path_with_plumbline())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }
}

/// The binary, with `PATH` led by its folder so `install` writes a hook
/// that finds it by name.
fn plumbline(dir: &Path) -> Command {
    let mut cmd = bare_plumbline(dir);
    cmd.env("PATH", path_with_plumbline());
    cmd
}

/// The binary with only the settings a snapshot may record.
fn bare_plumbline(dir: &Path) -> Command {
    let mut cmd = Command::new(get_cargo_bin("plumbline"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100");
    cmd
}

/// `PATH` with the binary under test first, so installed hooks find it.
fn path_with_plumbline() -> std::ffi::OsString {
    let bin_dir: PathBuf = get_cargo_bin("plumbline").parent().unwrap().to_path_buf();
    let mut dirs = vec![bin_dir];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).unwrap()
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn dirty_working_copy_with_a_clean_staged_version_passes() {
    let repo = Repo::new();
    repo.write("src/gateway.ts", CLEAN);
    repo.git(&["add", "src/gateway.ts"]);
    repo.write("src/gateway.ts", VIOLATION);
    let out = repo.hook();
    assert_eq!(code(&out), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("(1 file scanned)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn clean_working_copy_with_a_violating_staged_version_is_blocked() {
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("init");
    repo.write("src/gateway.ts", VIOLATION);
    repo.git(&["add", "src/gateway.ts"]);
    repo.write("src/gateway.ts", CLEAN);
    assert_cmd_snapshot!(bare_plumbline(repo.path()).args(["hook", "git"]));
}

#[test]
fn runs_from_a_subfolder_and_reports_paths_from_the_top() {
    let repo = Repo::new();
    repo.write("web/lib/gateway.ts", VIOLATION);
    repo.git(&["add", "-A"]);
    let out = repo.hook_in(&repo.path().join("web"));
    assert_eq!(code(&out), Some(1));
    assert!(
        stdout(&out).contains("web/lib/gateway.ts:1:33"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn deleted_files_are_not_linted_and_renamed_files_are() {
    let repo = Repo::new();
    repo.write("src/old.ts", VIOLATION);
    repo.write("src/keep.ts", VIOLATION);
    repo.commit_all("old debt");
    // Deleting a violating file: nothing staged to lint.
    repo.git(&["rm", "-q", "src/old.ts"]);
    let out = repo.hook();
    assert_eq!(code(&out), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("(0 files scanned)"),
        "{}",
        stdout(&out)
    );
    repo.git(&["commit", "-q", "--no-verify", "-m", "delete"]);
    // Renaming one is linted under its new name.
    repo.git(&["mv", "src/keep.ts", "src/moved.ts"]);
    let out = repo.hook();
    assert_eq!(code(&out), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("src/moved.ts:1:33"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("keep.ts"), "{}", stdout(&out));
}

#[test]
fn unchanged_committed_debt_does_not_block() {
    let repo = Repo::new();
    repo.write("src/old.ts", VIOLATION);
    repo.commit_all("old debt");
    repo.write("src/new.ts", CLEAN);
    repo.git(&["add", "src/new.ts"]);
    assert_eq!(code(&repo.hook()), Some(0));
}

#[test]
fn binary_and_unknown_files_are_skipped() {
    let repo = Repo::new();
    repo.write("notes.txt", VIOLATION);
    std::fs::write(
        repo.path().join("blob.ts"),
        b"abc\0def chi-gateway.example.workers.dev",
    )
    .unwrap();
    repo.git(&["add", "-A"]);
    let out = repo.hook();
    assert_eq!(code(&out), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("skipped 1 binary"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn project_wide_facts_come_from_the_committed_tree() {
    let repo = Repo::new();
    repo.write("src/connector.rs", TRAIT_WITH_DEFAULT);
    repo.commit_all("the trait, with a real default revoke");
    repo.write("src/gmail.rs", IMPL_WITHOUT_REVOKE);
    repo.git(&["add", "src/gmail.rs"]);
    let out = repo.hook();
    assert_eq!(code(&out), Some(0), "{}", stdout(&out));

    // Without the trait in the index, the same staged impl is blocked, even
    // though the trait is still in the working tree.
    let repo = Repo::new();
    repo.write("src/connector.rs", TRAIT_WITH_DEFAULT);
    repo.write("src/gmail.rs", IMPL_WITHOUT_REVOKE);
    repo.git(&["add", "src/gmail.rs"]);
    let out = repo.hook();
    assert_eq!(code(&out), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("connector-missing-revoke"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn errors_exit_two_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = plumbline(dir.path())
        .args(["hook", "git"])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "plumbline: not a git repository (run this inside one)\n"
    );
    let out = plumbline(dir.path()).arg("install").output().unwrap();
    assert_eq!(code(&out), Some(2));
}

fn hook_file(repo: &Repo) -> PathBuf {
    repo.path().join(".git/hooks/pre-commit")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn install_blocks_a_violating_commit_and_is_idempotent() {
    let repo = Repo::new();
    let out = plumbline(repo.path()).arg("install").output().unwrap();
    assert_eq!(code(&out), Some(0));
    let script = std::fs::read_to_string(hook_file(&repo)).unwrap();
    assert!(script.starts_with("#!/bin/sh\n"), "{script}");
    assert!(script.contains("\nplumbline hook git"), "{script}");
    #[cfg(unix)]
    assert_eq!(mode(&hook_file(&repo)), 0o755);

    let out = plumbline(repo.path()).arg("install").output().unwrap();
    assert_eq!(code(&out), Some(0));
    assert!(
        stdout(&out).contains("already installed"),
        "{}",
        stdout(&out)
    );
    assert_eq!(std::fs::read_to_string(hook_file(&repo)).unwrap(), script);
    let names: Vec<_> = std::fs::read_dir(repo.path().join(".git/hooks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("plumbline") || n == "pre-commit")
        .collect();
    assert_eq!(names, ["pre-commit"], "no chained copy of our own hook");

    repo.write("src/ok.ts", CLEAN);
    repo.git(&["add", "-A"]);
    let out = repo.try_commit(repo.path(), "clean");
    assert_eq!(
        code(&out),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    repo.write("src/gateway.ts", VIOLATION);
    repo.git(&["add", "-A"]);
    let out = repo.try_commit(repo.path(), "violating");
    assert_eq!(code(&out), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("forbidden-gateway-host"), "{said}");
    assert!(said.contains("git commit --no-verify"), "{said}");

    let out = plumbline(repo.path()).arg("uninstall").output().unwrap();
    assert_eq!(code(&out), Some(0));
    assert!(!hook_file(&repo).exists());
    let out = repo.try_commit(repo.path(), "violating, no hook");
    assert_eq!(code(&out), Some(0));
}

#[test]
fn install_chains_an_existing_hook_and_uninstall_restores_it() {
    let repo = Repo::new();
    let original = "#!/bin/sh\necho \"args:$#\" > chained-ran.txt\nexit 0\n";
    std::fs::create_dir_all(repo.path().join(".git/hooks")).unwrap();
    std::fs::write(hook_file(&repo), original).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(hook_file(&repo), std::fs::Permissions::from_mode(0o700)).unwrap();
    }

    let out = plumbline(repo.path()).arg("install").output().unwrap();
    assert_eq!(code(&out), Some(0));
    assert!(
        stdout(&out).contains("pre-commit.plumbline-chained"),
        "{}",
        stdout(&out)
    );
    let chained = repo.path().join(".git/hooks/pre-commit.plumbline-chained");
    assert_eq!(std::fs::read_to_string(&chained).unwrap(), original);
    let ours = std::fs::read_to_string(hook_file(&repo)).unwrap();
    // Twice changes nothing, and never chains our own hook.
    plumbline(repo.path()).arg("install").output().unwrap();
    assert_eq!(std::fs::read_to_string(hook_file(&repo)).unwrap(), ours);
    assert_eq!(std::fs::read_to_string(&chained).unwrap(), original);

    // A clean commit runs both hooks.
    repo.write("src/ok.ts", CLEAN);
    repo.git(&["add", "src/ok.ts"]);
    let out = repo.try_commit(repo.path(), "clean");
    assert_eq!(
        code(&out),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ran = repo.path().join("chained-ran.txt");
    assert_eq!(std::fs::read_to_string(&ran).unwrap(), "args:0\n");
    std::fs::remove_file(&ran).unwrap();

    // A blocked commit stops before the chained hook.
    repo.write("src/gateway.ts", VIOLATION);
    repo.git(&["add", "src/gateway.ts"]);
    let out = repo.try_commit(repo.path(), "violating");
    assert_eq!(code(&out), Some(1));
    assert!(!ran.exists());

    let out = plumbline(repo.path()).arg("uninstall").output().unwrap();
    assert_eq!(code(&out), Some(0));
    assert_eq!(std::fs::read_to_string(hook_file(&repo)).unwrap(), original);
    assert!(!chained.exists());
    #[cfg(unix)]
    assert_eq!(mode(&hook_file(&repo)), 0o700);

    // Uninstalling again leaves someone else's hook alone.
    let out = plumbline(repo.path()).arg("uninstall").output().unwrap();
    assert_eq!(code(&out), Some(0));
    assert!(stdout(&out).contains("not plumbline's"), "{}", stdout(&out));
    assert_eq!(std::fs::read_to_string(hook_file(&repo)).unwrap(), original);
}

#[test]
fn install_honours_core_hooks_path() {
    let repo = Repo::new();
    repo.git(&["config", "core.hooksPath", "tools/hooks"]);
    let sub = repo.path().join("src");
    std::fs::create_dir_all(&sub).unwrap();
    let out = plumbline(&sub).arg("install").output().unwrap();
    assert_eq!(
        code(&out),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(repo.path().join("tools/hooks/pre-commit").is_file());
    assert!(!hook_file(&repo).exists());

    repo.write("src/gateway.ts", VIOLATION);
    repo.git(&["add", "src/gateway.ts"]);
    assert_eq!(code(&repo.try_commit(repo.path(), "violating")), Some(1));

    plumbline(repo.path()).arg("uninstall").output().unwrap();
    assert!(!repo.path().join("tools/hooks/pre-commit").exists());
}

#[test]
fn install_from_a_worktree_uses_the_shared_hooks() {
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("init");
    let worktree = tempfile::tempdir().unwrap();
    let wt = worktree.path().join("wt");
    repo.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);

    let out = plumbline(&wt).arg("install").output().unwrap();
    assert_eq!(
        code(&out),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        hook_file(&repo).is_file(),
        "hooks live in the common git dir"
    );

    // The hook lints the worktree's own index.
    std::fs::create_dir_all(wt.join("src")).unwrap();
    std::fs::write(wt.join("src/gateway.ts"), VIOLATION).unwrap();
    repo.git_in(&wt, &["add", "src/gateway.ts"]);
    let out = repo.try_commit(&wt, "violating");
    assert_eq!(
        code(&out),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    repo.git_in(&wt, &["rm", "-q", "--cached", "src/gateway.ts"]);
    std::fs::write(wt.join("src/ok.ts"), CLEAN).unwrap();
    repo.git_in(&wt, &["add", "src/ok.ts"]);
    assert_eq!(code(&repo.try_commit(&wt, "clean")), Some(0));
}

#[test]
fn commit_with_paths_lints_the_temporary_index() {
    // `git commit FILE` stages into a temporary index (GIT_INDEX_FILE);
    // the hook must read that one.
    let repo = Repo::new();
    repo.write("src/ok.ts", CLEAN);
    repo.commit_all("init");
    plumbline(repo.path()).arg("install").output().unwrap();
    repo.write("src/ok.ts", VIOLATION);
    let out = Command::new("git")
        .args(["commit", "-q", "-m", "partial", "src/ok.ts"])
        .current_dir(repo.path())
        .env("PATH", path_with_plumbline())
        .output()
        .unwrap();
    assert_eq!(
        code(&out),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
