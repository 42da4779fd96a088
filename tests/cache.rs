//! The per-file cache: a warm run answers exactly as a cold run and as
//! `--no-cache` do, follows changes to the other files a finding depends
//! on, survives corrupt, foreign and concurrent cache files, and
//! `cache clean` removes it. Every project and cache lives in a temporary
//! folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime};

use insta_cmd::get_cargo_bin;

/// A project in a temporary folder, with its own cache folder beside it.
struct Project {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Project {
    fn new(files: &[(&str, &str)]) -> Project {
        let project = Project {
            dir: tempfile::tempdir().unwrap(),
            cache: tempfile::tempdir().unwrap(),
        };
        for (path, text) in files {
            project.write(path, text);
        }
        project
    }

    /// A copy of the bundled demo app.
    fn demo_app() -> Project {
        let project = Project::new(&[]);
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-app");
        copy_tree(&from, project.path());
        project.age_files();
        project
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, path: &str, text: &str) {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    /// Dates every file (and, where `touch` can, every folder) an hour
    /// back, so a cached entry is trusted by its size and modification time
    /// as for any file not just written.
    fn age_files(&self) {
        let past = SystemTime::now() - Duration::from_secs(3600);
        for file in files_under(self.path()) {
            let handle = std::fs::File::options().write(true).open(&file).unwrap();
            handle.set_modified(past).unwrap();
        }
        let seconds = past
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        for dir in dirs_under(self.path()) {
            let _ = Command::new("touch")
                .args(["-m", "-d", &format!("@{seconds}")])
                .arg(&dir)
                .status();
        }
    }

    /// `plumbline ARGS` in the project, with the cache in its own folder.
    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(get_cargo_bin("plumbline"));
        command
            .args(args)
            .current_dir(self.path())
            .env_remove("PLUMBLINE_NO_CACHE")
            .env("PLUMBLINE_CACHE_DIR", self.cache.path())
            .env("NO_COLOR", "1");
        command
    }

    /// The project's cache folder (the one subfolder of the cache root).
    fn cache_dir(&self) -> PathBuf {
        let entries: Vec<PathBuf> = std::fs::read_dir(self.cache.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(entries.len(), 1, "one project folder: {entries:?}");
        entries[0].clone()
    }

    /// Cache hits and misses a `check --timings` run reports.
    fn hits_and_misses(&self) -> (usize, usize) {
        let out = self.run(&["check", "--timings", "--format", "json"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let cache = &json["timings"]["cache"];
        (
            cache["hits"].as_u64().unwrap() as usize,
            cache["misses"].as_u64().unwrap() as usize,
        )
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn dirs_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            out.extend(dirs_under(&entry.path()));
        }
    }
    out
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            out.extend(files_under(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

/// What a run printed and how it ended.
fn answer(out: &Output) -> (Option<i32>, String, String) {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn warm_runs_answer_byte_for_byte_as_cold_and_uncached_runs() {
    let project = Project::demo_app();
    for format in ["json", "human", "concise", "sarif"] {
        let uncached = answer(&project.run(&["check", "--no-cache", "--format", format]));
        let cold = answer(&project.run(&["check", "--format", format]));
        let warm = answer(&project.run(&["check", "--format", format]));
        assert_eq!(uncached.0, Some(1), "{format}: {}", uncached.2);
        assert_eq!(cold, uncached, "{format}: cold");
        assert_eq!(warm, uncached, "{format}: warm");
    }
    let (hits, misses) = project.hits_and_misses();
    assert!(hits > 40, "hits {hits}");
    assert_eq!(misses, 0);
    // `--no-cache` writes nothing: a fresh cache root stays empty.
    let other = Project::demo_app();
    other.run(&["check", "--no-cache"]);
    assert_eq!(std::fs::read_dir(other.cache.path()).unwrap().count(), 0);
}

#[test]
fn the_cache_folder_is_tagged_and_ignored_and_clean_removes_it() {
    let project = Project::demo_app();
    project.run(&["check"]);
    let dir = project.cache_dir();
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    assert!(std::fs::read_to_string(dir.join("CACHEDIR.TAG"))
        .unwrap()
        .starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
    let printed = answer(&project.run(&["cache", "dir"]));
    assert_eq!(printed.0, Some(0));
    assert_eq!(Path::new(printed.1.trim()), dir);
    let cleaned = answer(&project.run(&["cache", "clean"]));
    assert_eq!(cleaned.0, Some(0), "{}", cleaned.2);
    assert!(cleaned.1.starts_with("removed "), "{}", cleaned.1);
    assert!(!dir.exists());
    let again = answer(&project.run(&["cache", "clean"]));
    assert_eq!(again.0, Some(0));
    assert!(again.1.starts_with("no cache at "), "{}", again.1);
}

#[test]
fn the_default_cache_is_a_git_ignored_folder_in_the_project() {
    let project = Project::demo_app();
    let out = project
        .command(&["check", "--format", "json"])
        .env_remove("PLUMBLINE_CACHE_DIR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let dir = project.path().join(".plumbline_cache");
    assert!(dir.join("lint.bin").is_file());
    assert!(dir.join("CACHEDIR.TAG").is_file());
    // The walk never lints the cache, even with --no-ignore.
    let again = project
        .command(&["check", "--no-ignore", "--verbose"])
        .env_remove("PLUMBLINE_CACHE_DIR")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&again.stdout).contains(".plumbline_cache"));
}

const ROUTER: &str = "import { Router } from 'express';\n\nconst router = Router();\n\nrouter.get('/callback', async (req, res) => {\n  res.redirect(`/done?code=${req.query.code}`);\n});\n\nexport default router;\n";

fn app(prefix: &str) -> String {
    format!("import express from 'express';\nimport connect from './routes/connect';\n\nconst app = express();\napp.use('{prefix}', connect);\n")
}

/// An Express service whose callback route is an OAuth callback only
/// under the prefix another file mounts its router at.
fn mounted_project(prefix: &str) -> Project {
    let project = Project::new(&[
        ("package.json", "{\"name\":\"svc\",\"private\":true}\n"),
        ("src/app.ts", &app(prefix)),
        ("src/routes/connect.ts", ROUTER),
    ]);
    project.age_files();
    project
}

#[test]
fn a_finding_follows_the_other_file_it_depends_on() {
    let project = mounted_project("/oauth");
    let concise = ["check", "--format", "concise"];
    let uncached = answer(&project.run(&["check", "--format", "concise", "--no-cache"]));
    assert!(uncached.1.contains("/oauth/callback"), "{}", uncached.1);
    assert_eq!(answer(&project.run(&concise)), uncached);
    assert_eq!(answer(&project.run(&concise)), uncached);
    // Only the mounting file changes: the router's cached outcome still
    // joins against the new mount, and the finding goes.
    project.write("src/app.ts", &app("/auth"));
    let moved = answer(&project.run(&concise));
    assert_eq!(
        moved,
        answer(&project.run(&["check", "--format", "concise", "--no-cache"]))
    );
    assert!(!moved.1.contains("callback"), "{}", moved.1);
    assert_eq!(moved.0, Some(0));
    // And back, with the same size and an old timestamp: the content hash
    // tells the change the stamp cannot.
    project.write("src/app.ts", &app("/oauth"));
    project.age_files();
    assert_eq!(answer(&project.run(&concise)), uncached);
}

/// Rewrites `src/app.ts` with a mount of the same length and puts its
/// old modification time back.
fn rewrite_keeping_the_stamp(project: &Project, prefix: &str) {
    let file = project.path().join("src/app.ts");
    let stamp = std::fs::metadata(&file).unwrap().modified().unwrap();
    assert_eq!(app(prefix).len(), app("/oauth").len());
    project.write("src/app.ts", &app(prefix));
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(stamp)
        .unwrap();
}

#[test]
fn same_size_and_time_is_trusted_but_verify_content_reads_every_file() {
    let concise = ["check", "--format", "concise"];
    // The default trusts an unchanged size and modification time, as ruff
    // does: a rewrite that keeps both is not seen.
    let trusting = mounted_project("/oauth");
    assert!(answer(&trusting.run(&concise))
        .1
        .contains("/oauth/callback"));
    rewrite_keeping_the_stamp(&trusting, "/xauth");
    assert!(answer(&trusting.run(&concise))
        .1
        .contains("/oauth/callback"));
    // `verify = "content"` compares content hashes of every file.
    let verifying = mounted_project("/oauth");
    verifying.write("plumbline.toml", "[cache]\nverify = \"content\"\n");
    verifying.age_files();
    assert!(answer(&verifying.run(&concise))
        .1
        .contains("/oauth/callback"));
    rewrite_keeping_the_stamp(&verifying, "/xauth");
    let verified = answer(&verifying.run(&concise));
    assert!(!verified.1.contains("callback"), "{}", verified.1);
    assert_eq!(
        verified,
        answer(&verifying.run(&["check", "--format", "concise", "--no-cache"]))
    );
}

#[test]
fn corrupt_truncated_and_foreign_cache_files_are_ignored_and_rebuilt() {
    let project = Project::demo_app();
    let expected = answer(&project.run(&["check", "--no-cache", "--format", "json"]));
    project.run(&["check"]);
    let lint = project.cache_dir().join("lint.bin");
    let good = std::fs::read(&lint).unwrap();
    let mut foreign = good.clone();
    // The build id follows the magic, the format and the id's length.
    foreign[20] ^= 0x20;
    let mut other_format = good.clone();
    other_format[8] = other_format[8].wrapping_add(1);
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0xff;
    let damaged: [(&str, Vec<u8>); 6] = [
        ("truncated", good[..good.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("garbage", b"not a cache file at all".repeat(100)),
        ("another build", foreign),
        ("another format", other_format),
        ("a flipped byte", flipped),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&lint, &bytes).unwrap();
        let run = answer(&project.run(&["check", "--format", "json"]));
        assert_eq!(run, expected, "{what}");
        let (hits, misses) = project.hits_and_misses();
        assert!(
            hits > 40 && misses == 0,
            "{what}: rebuilt ({hits} hits, {misses} misses)"
        );
    }
    // A cache folder that cannot be written is no error either.
    std::fs::remove_dir_all(project.cache_dir()).unwrap();
    std::fs::write(project.cache.path().join("blocker"), "").unwrap();
    let blocked = project
        .command(&["check", "--format", "json"])
        .env(
            "PLUMBLINE_CACHE_DIR",
            project.cache.path().join("blocker/below"),
        )
        .output()
        .unwrap();
    assert_eq!(answer(&blocked), expected);
}

#[test]
fn concurrent_runs_leave_a_readable_cache() {
    let project = Project::demo_app();
    let expected = answer(&project.run(&["check", "--no-cache", "--format", "json"]));
    let children: Vec<_> = (0..4)
        .map(|_| {
            project
                .command(&["check", "--format", "json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        assert_eq!(answer(&child.wait_with_output().unwrap()), expected);
    }
    assert_eq!(
        answer(&project.run(&["check", "--format", "json"])),
        expected
    );
    let (hits, misses) = project.hits_and_misses();
    assert!(hits > 40 && misses == 0, "{hits} hits, {misses} misses");
    let leftovers: Vec<_> = std::fs::read_dir(project.cache_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_config_change_is_a_miss() {
    let project = Project::demo_app();
    project.run(&["check"]);
    let config = project.path().join("plumbline.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}\n[rules.forbidden-gateway-host]\nseverity = \"off\"\n"),
    )
    .unwrap();
    let changed = answer(&project.run(&["check", "--format", "json"]));
    assert_eq!(
        changed,
        answer(&project.run(&["check", "--no-cache", "--format", "json"]))
    );
    assert!(!changed.1.contains("forbidden-gateway-host\""));
    let selected = answer(&project.run(&["check", "--select", "hardcoded-credential"]));
    assert_eq!(
        selected,
        answer(&project.run(&["check", "--select", "hardcoded-credential", "--no-cache"]))
    );
}

#[test]
fn fix_and_diff_work_from_cached_outcomes() {
    let project = Project::demo_app();
    let diff_uncached = answer(&project.run(&["check", "--diff", "--no-cache"]));
    project.run(&["check"]);
    assert_eq!(answer(&project.run(&["check", "--diff"])), diff_uncached);
    let fixed = answer(&project.run(&["check", "--fix", "--format", "json"]));
    let after = answer(&project.run(&["check", "--format", "json"]));
    assert_eq!(
        after,
        answer(&project.run(&["check", "--no-cache", "--format", "json"]))
    );
    assert!(
        fixed.2.contains("fixed "),
        "the demo app has fixable findings: {}",
        fixed.2
    );
}

/// The agent hook's answer to a `Write` of `path`.
fn hook_write(project: &Project, path: &str, content: &str, extra: &[&str]) -> (i32, String) {
    let payload = serde_json::json!({
        "session_id": "s",
        "cwd": project.path().to_string_lossy(),
        "hook_event_name": "PreToolUse",
        "tool_name": "Write",
        "tool_input": {
            "file_path": project.path().join(path).to_string_lossy(),
            "content": content,
        },
    });
    let mut args = vec!["hook", "claude"];
    args.extend(extra);
    let mut child = project
        .command(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(payload.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[test]
fn the_agent_hook_decides_mounts_alike_cold_warm_and_uncached() {
    let project = Project::new(&[
        ("package.json", "{\"name\":\"svc\",\"private\":true}\n"),
        ("src/app.ts", &app("/oauth")),
        ("src/lib/util.ts", "export const x = 1;\n"),
    ]);
    project.age_files();
    let uncached = hook_write(&project, "src/routes/connect.ts", ROUTER, &["--no-cache"]);
    assert!(uncached.1.contains("deny"), "{}", uncached.1);
    assert_eq!(
        std::fs::read_dir(project.cache.path()).unwrap().count(),
        0,
        "--no-cache writes no cache"
    );
    let cold = hook_write(&project, "src/routes/connect.ts", ROUTER, &[]);
    assert_eq!(cold, uncached);
    assert!(project.cache_dir().join("facts.bin").is_file());
    let warm = hook_write(&project, "src/routes/connect.ts", ROUTER, &[]);
    assert_eq!(warm, uncached);
    // A new file that mounts the router elsewhere is found: its folder
    // changed, so the index walks again.
    project.write("src/app.ts", &app("/auth"));
    let moved = hook_write(&project, "src/routes/connect.ts", ROUTER, &[]);
    assert!(!moved.1.contains("deny"), "{}", moved.1);
    project.write(
        "src/legacy/server.ts",
        "import express from 'express';\nimport connect from '../routes/connect';\n\nconst legacy = express();\nlegacy.use('/oauth', connect);\n",
    );
    let added = hook_write(&project, "src/routes/connect.ts", ROUTER, &[]);
    assert!(added.1.contains("deny"), "{}", added.1);
    assert_eq!(
        added,
        hook_write(&project, "src/routes/connect.ts", ROUTER, &["--no-cache"])
    );
}
