//! `plumbline hook git`: the git pre-commit hook. It lints exactly what the
//! commit will hold, the staged blobs read from the index, never the
//! working tree; project-wide facts come from the rest of the index.
//!
//! git is run as a plain command (no shell), with `-z` output, and never
//! asked to run anything of the repository's: no hooks, external diff
//! drivers, textconv filters or fsmonitor.

use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{ConfigError, Overrides, RuleSet};
use crate::engine::{
    display_path, join_outcomes, lint_parsed_contained, Engine, FileOutcome, RunResult, RunSummary,
    SkipReason,
};
use crate::finding::{Finding, Severity};
use crate::lang::{Language, ParsedFile};

/// Why the git hook could not run: exit 2, never a blocked commit.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    Missing(io::Error),
    #[error("not a git repository (run this inside one)")]
    NotARepository,
    #[error("`git {command}` failed: {stderr}")]
    Failed { command: String, stderr: String },
    #[error("cannot read the output of `git {0}`")]
    Unexpected(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// The git CLI, run in one folder.
pub struct Git {
    dir: PathBuf,
}

impl Git {
    pub fn new(dir: &Path) -> Git {
        Git {
            dir: dir.to_path_buf(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        // Reading the index must not start the repository's fsmonitor hook.
        cmd.args(["-c", "core.fsmonitor=false"])
            .args(args)
            .current_dir(&self.dir);
        cmd
    }

    /// Runs git and returns its stdout; a failure carries git's first line.
    pub fn run(&self, args: &[&str]) -> Result<Vec<u8>, GitError> {
        let output = self
            .command(args)
            .stdin(Stdio::null())
            .output()
            .map_err(GitError::Missing)?;
        if output.status.success() {
            return Ok(output.stdout);
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("not a git repository") {
            return Err(GitError::NotARepository);
        }
        Err(GitError::Failed {
            command: args.join(" "),
            stderr: stderr.lines().next().unwrap_or("").trim().to_string(),
        })
    }

    fn run_text(&self, args: &[&str]) -> Result<String, GitError> {
        let bytes = self.run(args)?;
        String::from_utf8(bytes).map_err(|_| GitError::Unexpected(args.join(" ")))
    }

    /// The top of the working tree.
    pub fn toplevel(&self) -> Result<PathBuf, GitError> {
        let text = self.run_text(&["rev-parse", "--show-toplevel"])?;
        Ok(PathBuf::from(text.trim_end_matches(['\n', '\r'])))
    }

    /// `$GIT_DIR/<name>` as git resolves it (`core.hooksPath`, worktrees),
    /// made absolute.
    pub fn git_path(&self, name: &str) -> Result<PathBuf, GitError> {
        let text = self.run_text(&["rev-parse", "--git-path", name])?;
        Ok(self.dir.join(text.trim_end_matches(['\n', '\r'])))
    }

    /// Files the commit adds, copies, modifies or renames (new name), with
    /// their staged blob. Deleted files are not listed.
    pub fn staged_files(&self) -> Result<Vec<IndexEntry>, GitError> {
        let args = [
            "diff",
            "--cached",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            "--ignore-submodules",
            "--diff-filter=ACMRT",
        ];
        let bytes = self.run(&args)?;
        parse_raw_diff(&bytes).ok_or_else(|| GitError::Unexpected(args.join(" ")))
    }

    /// Every merged (stage 0) entry of the index: the tree being committed.
    pub fn index_entries(&self) -> Result<Vec<IndexEntry>, GitError> {
        let args = ["ls-files", "--stage", "-z", "--full-name"];
        let bytes = self.run(&args)?;
        parse_ls_files(&bytes).ok_or_else(|| GitError::Unexpected(args.join(" ")))
    }

    /// Reads blobs in one `git cat-file --batch`; a blob over its limit is
    /// skipped without being held in memory.
    pub fn read_blobs(&self, wanted: &[(String, u64)]) -> Result<Vec<Blob>, GitError> {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let command = "cat-file --batch";
        let mut child = self
            .command(&["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(GitError::Missing)?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let requests: String = wanted.iter().map(|(oid, _)| format!("{oid}\n")).collect();
        // A separate writer keeps a full stdout pipe from blocking our writes.
        let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
        let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
        let unexpected = || GitError::Unexpected(command.to_string());
        let mut blobs = Vec::with_capacity(wanted.len());
        for (oid, limit) in wanted {
            let mut header = String::new();
            reader.read_line(&mut header).map_err(|_| unexpected())?;
            let mut fields = header.split_whitespace();
            let (Some(got), Some(kind), Some(size)) = (fields.next(), fields.next(), fields.next())
            else {
                return Err(unexpected());
            };
            if got != oid || kind != "blob" {
                return Err(unexpected());
            }
            let size: u64 = size.parse().map_err(|_| unexpected())?;
            let blob = if size > *limit {
                io::copy(&mut (&mut reader).take(size), &mut io::sink())
                    .map_err(|_| unexpected())?;
                Blob::Skipped(SkipReason::TooLarge)
            } else {
                let mut bytes = Vec::with_capacity(size as usize);
                (&mut reader)
                    .take(size)
                    .read_to_end(&mut bytes)
                    .map_err(|_| unexpected())?;
                if bytes.len() as u64 != size {
                    return Err(unexpected());
                }
                blob_text(bytes)
            };
            let mut newline = [0u8; 1];
            reader.read_exact(&mut newline).map_err(|_| unexpected())?;
            blobs.push(blob);
        }
        drop(reader);
        let _ = writer.join();
        let status = child.wait().map_err(GitError::Missing)?;
        if !status.success() {
            return Err(unexpected());
        }
        Ok(blobs)
    }
}

/// One path in the index (or the staged side of a diff).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub mode: String,
    pub oid: String,
    /// The path, `/`-separated; lossily converted when `utf8_name` is false.
    pub path: String,
    /// Whether git's name for the file is UTF-8. A file whose name is not
    /// cannot be named to rules or in findings: it is skipped with a note.
    pub utf8_name: bool,
}

impl IndexEntry {
    /// Regular files only: symlinks and submodules have no text to lint.
    fn is_file(&self) -> bool {
        self.mode == "100644" || self.mode == "100755"
    }
}

/// A blob's text, or why it is skipped (as `check` skips files).
pub enum Blob {
    Text(String),
    Skipped(SkipReason),
}

fn blob_text(bytes: Vec<u8>) -> Blob {
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Blob::Skipped(SkipReason::Binary);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Blob::Text(text),
        Err(_) => Blob::Skipped(SkipReason::NotUtf8),
    }
}

/// `:old-mode new-mode old-oid new-oid STATUS\0path\0` (two paths for
/// renames and copies, whose second is the new name).
fn parse_raw_diff(bytes: &[u8]) -> Option<Vec<IndexEntry>> {
    let mut fields = bytes.split(|b| *b == 0).filter(|f| !f.is_empty());
    let mut entries = Vec::new();
    while let Some(header) = fields.next() {
        let header = std::str::from_utf8(header).ok()?;
        let mut parts = header.strip_prefix(':')?.split(' ');
        let (_, mode, _, oid, status) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        let mut path = fields.next()?;
        if status.starts_with(['R', 'C']) {
            path = fields.next()?;
        }
        let name = std::str::from_utf8(path);
        entries.push(IndexEntry {
            mode: mode.to_string(),
            oid: oid.to_string(),
            path: String::from_utf8_lossy(path).into_owned(),
            utf8_name: name.is_ok(),
        });
    }
    Some(entries)
}

/// `mode oid stage\tpath\0`; conflicted entries (stage 1-3) are left out.
fn parse_ls_files(bytes: &[u8]) -> Option<Vec<IndexEntry>> {
    let mut entries = Vec::new();
    for record in bytes.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let tab = record.iter().position(|&b| b == b'\t')?;
        let (meta, path) = (
            std::str::from_utf8(&record[..tab]).ok()?,
            &record[tab + 1..],
        );
        let mut parts = meta.split(' ');
        let (mode, oid, stage) = (parts.next()?, parts.next()?, parts.next()?);
        if stage == "0" {
            entries.push(IndexEntry {
                mode: mode.to_string(),
                oid: oid.to_string(),
                path: String::from_utf8_lossy(path).into_owned(),
                utf8_name: std::str::from_utf8(path).is_ok(),
            });
        }
    }
    Some(entries)
}

/// A file of the index that plumbline reads, with the rules for its folder.
struct Candidate {
    entry: IndexEntry,
    /// `None` for a notebook, whose cells say their language.
    language: Option<Language>,
    rules: Arc<RuleSet>,
}

/// Lints the staged version of every added, copied, modified and renamed
/// file of the repository holding `cwd`.
pub fn lint_staged(cwd: &Path) -> Result<RunResult, GitError> {
    let top = Git::new(cwd).toplevel()?;
    let git = Git::new(&top);
    let engine = Engine::new(&top, None, Overrides::default())?;
    let mut summary = RunSummary::default();
    let (staged, badly_named): (Vec<IndexEntry>, Vec<IndexEntry>) =
        git.staged_files()?.into_iter().partition(|e| e.utf8_name);
    for entry in badly_named {
        if entry.is_file() && is_linted(&entry.path) {
            summary.unreadable.push((
                display_path(engine.cwd(), &top.join(&entry.path)),
                "its name is not UTF-8, so plumbline skipped it; rename it to have it linted"
                    .to_string(),
            ));
        }
    }
    let staged = candidates(&engine, &top, staged)?;

    let parsed = AtomicUsize::new(0);
    let mut outcomes = Vec::new();
    for (candidate, blob) in staged.iter().zip(read(&git, &staged)?) {
        let display = display_path(engine.cwd(), &top.join(&candidate.entry.path));
        match blob {
            Blob::Skipped(reason) => summary.skipped.push((display, reason)),
            Blob::Text(text) => {
                summary.files_scanned += 1;
                outcomes.push(lint(&engine, candidate, text, &parsed));
            }
        }
    }

    // A finding another file can cancel (a trait's default `revoke`) needs
    // the facts of the whole tree being committed: the rest of the index.
    let needs_facts = outcomes
        .iter()
        .any(|o| o.findings.iter().any(|f| f.is_conditional()));
    if needs_facts {
        let staged_paths: HashSet<&str> = staged.iter().map(|c| c.entry.path.as_str()).collect();
        let rest: Vec<IndexEntry> = git
            .index_entries()?
            .into_iter()
            .filter(|e| e.utf8_name && !staged_paths.contains(e.path.as_str()))
            .collect();
        let rest = candidates(&engine, &top, rest)?;
        let blobs = read(&git, &rest)?;
        let facts: Vec<FileOutcome> = rest
            .par_iter()
            .zip(blobs)
            .filter_map(|(candidate, blob)| match blob {
                Blob::Text(text) => {
                    let outcome = lint(&engine, candidate, text, &AtomicUsize::new(0));
                    // Only the staged files' findings are this commit's to judge.
                    Some(FileOutcome {
                        path: outcome.path,
                        facts: outcome.facts,
                        ..FileOutcome::default()
                    })
                }
                Blob::Skipped(_) => None,
            })
            .filter(|o| !o.facts.is_empty())
            .collect();
        outcomes.extend(facts);
    }

    summary.files_parsed = parsed.load(Ordering::Relaxed);
    let findings = join_outcomes(outcomes, &mut summary, engine.root());
    summary.skipped.sort();
    summary.notes.sort();
    Ok(RunResult { findings, summary })
}

/// Whether plumbline reads a file of this name: a known language or a
/// notebook.
fn is_linted(path: &str) -> bool {
    Language::from_path(path).is_some() || crate::lang::notebook::is_notebook(path)
}

/// Keeps the regular files of a known language that the config does not
/// exclude; plumbline's own config is never linted.
fn candidates(
    engine: &Engine,
    top: &Path,
    entries: Vec<IndexEntry>,
) -> Result<Vec<Candidate>, ConfigError> {
    let mut out = Vec::new();
    for entry in entries {
        if !entry.is_file() {
            continue;
        }
        if !is_linted(&entry.path) {
            continue;
        }
        let language = Language::from_path(&entry.path);
        let name = entry.path.rsplit('/').next().unwrap_or(&entry.path);
        if crate::config::is_plumbline_file(name) {
            continue;
        }
        let absolute = top.join(&entry.path);
        let rules = engine.rules_for_dir(absolute.parent().unwrap_or(top))?;
        if crate::engine::is_excluded(&rules, &engine.project_path(&absolute)) {
            continue;
        }
        out.push(Candidate {
            entry,
            language,
            rules,
        });
    }
    Ok(out)
}

fn read(git: &Git, candidates: &[Candidate]) -> Result<Vec<Blob>, GitError> {
    let wanted: Vec<(String, u64)> = candidates
        .iter()
        .map(|c| (c.entry.oid.clone(), c.rules.max_file_size))
        .collect();
    git.read_blobs(&wanted)
}

fn lint(engine: &Engine, candidate: &Candidate, text: String, parsed: &AtomicUsize) -> FileOutcome {
    let source = Arc::new(engine.source(Path::new(&candidate.entry.path), text));
    match candidate.language {
        Some(language) => {
            let file = ParsedFile::new(source, language);
            lint_parsed_contained(&candidate.rules, &file, parsed, &|_| true)
        }
        None => crate::engine::lint_notebook(&candidate.rules, source, parsed, &|_| true),
    }
}

/// Whether the commit is blocked: any finding at error severity.
pub fn blocks(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity >= Severity::Error)
}

/// The closing lines of a blocked commit: how to fix, suppress or bypass.
pub fn blocked_hint(findings: &[Finding]) -> String {
    let first = findings.iter().find(|f| f.severity >= Severity::Error);
    let rule = first.map_or("RULE", |f| &*f.rule);
    let marker = first
        .and_then(|f| f.source.language())
        .and_then(|l| l.comment_markers().first().copied())
        .unwrap_or("//");
    format!(
        "plumbline blocked this commit. Fix the staged files and `git add` them, or:\n  \
         suppress a finding with a reason, on the line above it:\n    \
         {marker} plumbline-ignore: {rule} -- why this is fine\n  \
         bypass the check for this commit only:\n    \
         git commit --no-verify\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_diff_takes_the_new_name_of_renames() {
        let raw = b":000000 100644 0000 aaaa A\x00new file.ts\x00:100644 100644 bbbb cccc R087\x00old.ts\x00moved.ts\x00:100644 100755 dddd eeee M\x00x.py\x00";
        let entries = parse_raw_diff(raw).unwrap();
        let paths: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.path.as_str(), e.oid.as_str()))
            .collect();
        assert_eq!(
            paths,
            [
                ("new file.ts", "aaaa"),
                ("moved.ts", "cccc"),
                ("x.py", "eeee")
            ]
        );
        assert_eq!(entries[2].mode, "100755");
    }

    #[test]
    fn ls_files_keeps_merged_entries_only() {
        let raw =
            b"100644 aaaa 0\ta.ts\x00100644 bbbb 1\tc.ts\x00100644 cccc 2\tc.ts\x00120000 dddd 0\tlink\x00";
        let entries = parse_ls_files(raw).unwrap();
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["a.ts", "link"]);
        assert!(!entries[1].is_file());
    }

    #[test]
    fn blobs_are_skipped_like_files() {
        assert!(matches!(
            blob_text(b"a\0b".to_vec()),
            Blob::Skipped(SkipReason::Binary)
        ));
        assert!(matches!(
            blob_text(vec![0xff, 0xfe]),
            Blob::Skipped(SkipReason::NotUtf8)
        ));
        assert!(matches!(blob_text(b"ok".to_vec()), Blob::Text(_)));
    }
}
