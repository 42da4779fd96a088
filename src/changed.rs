//! `--changed-since REF`: which files git says changed since a ref.
//!
//! "Changed" means what a pull-request check needs: the working tree
//! compared with REF (`git diff REF`, so committed, staged and unstaged
//! changes all count) plus untracked files that are not ignored. Comparing
//! with the working tree rather than `REF...HEAD` means a local run sees
//! uncommitted edits too; in CI the two agree, since the checkout is clean.
//! Deleted files have nothing to lint and are left out.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use miette::Diagnostic;

use crate::config::{ConfigError, CONFIG_NAMES};
use crate::engine::{is_excluded, Engine, RunResult, RunSummary};
use crate::walk::WalkOptions;

/// A run over the changed files, and which files those were.
pub struct ChangedRun {
    pub result: RunResult,
    /// Project paths of the changed files that were linted; `None` when a
    /// changed config made every file count as changed.
    pub linted: Option<BTreeSet<String>>,
}

/// Lints the `changed` files that lie below `paths` (default: the working
/// directory) and that a walk of `paths` would visit, with the findings a
/// full `check` of `paths` would report in them.
///
/// Findings that a fact elsewhere could cancel (a trait default in an
/// unchanged file) need the rest of the tree; only then is it linted too
/// and the changed files' findings taken from that joined run. Otherwise
/// the unchanged files are never walked. A changed `plumbline.toml` can
/// change the findings in any file, so it makes the whole of `paths` count.
pub fn check_changed(
    engine: &Engine,
    paths: &[PathBuf],
    options: &WalkOptions,
    changed: &[PathBuf],
) -> Result<ChangedRun, ConfigError> {
    let roots: Vec<PathBuf> = if paths.is_empty() {
        vec![engine.cwd().to_path_buf()]
    } else {
        paths
            .iter()
            .map(|p| normalize(&engine.cwd().join(p)))
            .collect()
    };
    // A config applies to the files below its folder.
    let config_changed = changed.iter().any(|f| {
        let dir = f.parent().unwrap_or(f);
        f.file_name()
            .is_some_and(|n| CONFIG_NAMES.iter().any(|c| n == *c))
            && (engine.root().starts_with(dir) || roots.iter().any(|r| dir.starts_with(r)))
    });
    if config_changed {
        let result = engine.check_paths(paths, options)?;
        return Ok(ChangedRun {
            result,
            linted: None,
        });
    }
    let mut files = Vec::new();
    for file in changed {
        let Some(root) = roots.iter().find(|r| file.starts_with(r)) else {
            continue;
        };
        if walk_would_visit(engine, root, file, options)? {
            files.push(file.clone());
        }
    }
    let linted: BTreeSet<String> = files.iter().map(|f| engine.project_path(f)).collect();
    if files.is_empty() {
        let result = RunResult {
            findings: Vec::new(),
            summary: RunSummary::default(),
        };
        return Ok(ChangedRun {
            result,
            linted: Some(linted),
        });
    }
    let mut result = engine.check_paths(&files, options)?;
    if result.findings.iter().any(|f| f.is_conditional()) {
        let whole = engine.check_paths(paths, options)?;
        result.findings = whole
            .findings
            .into_iter()
            .filter(|f| linted.contains(f.source.project_path()))
            .collect();
    }
    Ok(ChangedRun {
        result,
        linted: Some(linted),
    })
}

/// Files named on the command line bypass the walk's filters; changed
/// files must not, or `--changed-since` would lint what `check` skips.
fn walk_would_visit(
    engine: &Engine,
    root: &Path,
    file: &Path,
    options: &WalkOptions,
) -> Result<bool, ConfigError> {
    let dir = file.parent().unwrap_or(engine.root());
    let rules = engine.rules_for_dir(dir)?;
    let project = engine.project_path(file);
    if is_excluded(&rules, &project) {
        return Ok(false);
    }
    if options.no_ignore {
        return Ok(true);
    }
    // Hidden files and folders below the root are skipped, except `.env`
    // files and what `[files] include` names (as in the walk).
    let below = file.strip_prefix(root).unwrap_or(file);
    let hidden = below.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name.starts_with('.')
            && name != "."
            && name != ".."
            && name != ".env"
            && !name.starts_with(".env.")
    });
    if hidden {
        let root_rules = engine.rules_for_dir(engine.root())?;
        return Ok(root_rules.include.is_match(&project));
    }
    Ok(true)
}

/// Why the changed files could not be listed.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ChangedError {
    #[error("--changed-since needs a git repository, and {0} is not inside one")]
    #[diagnostic(code(plumbline::changed_since))]
    NotARepository(String),
    #[error("--changed-since: `{0}` is not a commit git knows")]
    #[diagnostic(
        code(plumbline::changed_since),
        help("in a shallow CI checkout, fetch the base first, e.g. `git fetch origin main`")
    )]
    UnknownRef(String),
    #[error("--changed-since: cannot run git: {0}")]
    #[diagnostic(code(plumbline::changed_since))]
    Git(String),
}

/// Files changed since `reference`, as absolute paths below `cwd` (built
/// from `cwd` itself, so they display relative to it), sorted.
pub fn changed_files(cwd: &Path, reference: &str) -> Result<Vec<PathBuf>, ChangedError> {
    let cdup = git(cwd, &["rev-parse", "--show-cdup"])
        .map_err(|_| ChangedError::NotARepository(cwd.display().to_string()))?;
    let top = normalize(&cwd.join(String::from_utf8_lossy(&cdup).trim_end()));
    let verify = format!("{reference}^{{commit}}");
    git(&top, &["rev-parse", "--verify", "--quiet", &verify])
        .map_err(|_| ChangedError::UnknownRef(reference.to_string()))?;
    // `--` keeps a ref that looks like a path from being read as one.
    let diff = git(
        &top,
        &[
            "diff",
            "--name-only",
            "-z",
            "--no-renames",
            "--diff-filter=d",
            reference,
            "--",
        ],
    )
    .map_err(ChangedError::Git)?;
    let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z"])
        .map_err(ChangedError::Git)?;
    let mut files: Vec<PathBuf> = diff
        .split(|&b| b == 0)
        .chain(untracked.split(|&b| b == 0))
        .filter(|name| !name.is_empty())
        .map(|name| top.join(os_str(name)))
        // A submodule or a path deleted after the diff is not a file to lint.
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files.dedup();
    Ok(files)
}

/// Runs git in `dir` (no shell) and returns its stdout, or its stderr as
/// the error.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

#[cfg(unix)]
fn os_str(bytes: &[u8]) -> &OsStr {
    std::os::unix::ffi::OsStrExt::from_bytes(bytes)
}

#[cfg(not(unix))]
fn os_str(bytes: &[u8]) -> &OsStr {
    // git writes UTF-8 paths on platforms without byte paths.
    OsStr::new(std::str::from_utf8(bytes).unwrap_or_default())
}

/// Removes `.` and resolves `..` lexically, so `cwd/../a.ts` displays as
/// `../a.ts` rather than through the folder it leaves.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(normalize(Path::new("/a/b/../c/./d")), Path::new("/a/c/d"));
        assert_eq!(normalize(Path::new("/a/b/")), Path::new("/a/b"));
        assert_eq!(normalize(Path::new("/a/b/.")), Path::new("/a/b"));
    }
}
