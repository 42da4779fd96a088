//! The per-file cache: what linting an unchanged file produced, and the
//! facts the project model reads from other files, kept between runs so a
//! `check` of an unchanged tree and the hooks neither prefilter nor parse
//! what they already know.
//!
//! - [`lint`]: per file, keyed by its project path, its content hash, the
//!   build of plumbline and a fingerprint of the config in force for it,
//!   the file's outcomes before the project-wide join (findings with their
//!   conditions, suppressions applied, fixes, recorded facts). The join
//!   still runs over cached and fresh outcomes alike, so a finding that
//!   depends on another file follows that file's changes.
//! - [`facts`]: per file, keyed by content hash and build, the module facts
//!   and router mounts the project model reads, and an index of which
//!   files the model's walk found, so the agent hook decides a finding that
//!   needs the project's mounts without walking and parsing it again.
//!
//! Where: `.plumbline_cache/` in the project root (git-ignored by its own
//! `.gitignore`, tagged with `CACHEDIR.TAG`), or the folder
//! `PLUMBLINE_CACHE_DIR` or `[cache] dir` names (each project then gets a
//! subfolder named after a hash of its path). `PLUMBLINE_NO_CACHE=1` or
//! `--no-cache` turns it off.
//!
//! Unchanged files are recognised by size and modification time first (as
//! ruff does), and by content hash when those differ or are too recent to
//! trust; `[cache] verify = "content"` always hashes.

pub mod facts;
pub mod lint;
pub mod store;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

/// The cache folder's name in the project root.
pub const DIR_NAME: &str = ".plumbline_cache";

/// Environment variable naming a folder for the caches of all projects.
pub const DIR_VAR: &str = "PLUMBLINE_CACHE_DIR";

/// Environment variable that turns the cache off when set to anything but
/// empty or `0`.
pub const OFF_VAR: &str = "PLUMBLINE_NO_CACHE";

/// How many seconds a file's modification time must precede the run that
/// recorded it before size and time alone are trusted: a file written in
/// the same tick as it was read may have changed again unseen (git's
/// "racily clean" entries).
const RACY_SECONDS: i64 = 2;

/// How a cached entry is matched to a file on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verify {
    /// Size and modification time, when old enough; else the content hash.
    #[default]
    Mtime,
    /// Always read the file and compare its content hash.
    Content,
}

/// A file's size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_s: i64,
    pub mtime_ns: u32,
}

impl Stamp {
    /// The stamp of a file's metadata.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let (mtime_s, mtime_ns) = meta
            .modified()
            .ok()
            .map(|t| match t.duration_since(std::time::UNIX_EPOCH) {
                Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
                Err(e) => (-(e.duration().as_secs() as i64), 0),
            })
            .unwrap_or((0, 0));
        Stamp {
            size: meta.len(),
            mtime_s,
            mtime_ns,
        }
    }

    /// The stamp of the file at `path`, `None` when it cannot be read.
    pub fn read(path: &Path) -> Option<Stamp> {
        std::fs::metadata(path).ok().map(|m| Stamp::of(&m))
    }

    /// The stamp of a size and a modification time given as seconds and
    /// nanoseconds since the epoch, as [`Stamp::of`] gives it.
    fn from_parts(size: u64, secs: i64, nanos: u32) -> Stamp {
        let (mtime_s, mtime_ns) = if secs >= 0 {
            (secs, nanos)
        } else {
            let before = std::time::Duration::new(secs.unsigned_abs(), 0)
                .saturating_sub(std::time::Duration::from_nanos(u64::from(nanos)));
            (-(before.as_secs() as i64), 0)
        };
        Stamp {
            size,
            mtime_s,
            mtime_ns,
        }
    }

    /// The stamps of the regular files at `paths` (relative to `root`, with
    /// `/` separators), `None` for one that cannot be read or is not a
    /// regular file. The files of one folder are read through one handle
    /// on it, so the folder's path is resolved once, not once per file.
    pub fn read_many(root: &Path, paths: &[&str]) -> Vec<Option<Stamp>> {
        use rayon::prelude::*;
        let mut folders: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for (i, path) in paths.iter().enumerate() {
            let folder = split_folder(path).0;
            folders.entry(folder).or_default().push(i);
        }
        let folders: Vec<(&str, Vec<usize>)> = folders.into_iter().collect();
        let read: Vec<Vec<(usize, Option<Stamp>)>> = folders
            .par_iter()
            .map(|(folder, files)| {
                let names: Vec<&str> = files.iter().map(|&i| split_folder(paths[i]).1).collect();
                let stamps = stamps_in_folder(&root.join(folder), &names);
                files.iter().copied().zip(stamps).collect()
            })
            .collect();
        let mut stamps = vec![None; paths.len()];
        for (i, stamp) in read.into_iter().flatten() {
            stamps[i] = stamp;
        }
        stamps
    }

    /// Whether a file with this stamp, recorded by a run that started at
    /// `recorded_s`, may be taken as unchanged when its stamp still is.
    fn settled(&self, recorded_s: i64) -> bool {
        self.mtime_s + RACY_SECONDS <= recorded_s
    }
}

/// A project path's folder (`""` at the root) and file name.
fn split_folder(path: &str) -> (&str, &str) {
    match path.bytes().rposition(|b| b == b'/') {
        Some(slash) => (&path[..slash], &path[slash + 1..]),
        None => ("", path),
    }
}

/// Seconds since the epoch now.
fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Whether the environment turns the cache off: [`OFF_VAR`], or the test
/// switches that make a rule fail on purpose (their runs must reach the
/// rule, not a cached outcome).
pub fn disabled_by_env() -> bool {
    let set = |name: &str| {
        std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
    };
    set(OFF_VAR)
        || set(crate::engine::TEST_PANIC_VAR)
        || std::env::var_os("PLUMBLINE_TEST_ABORT").is_some()
}

/// Where the cache of the project at `root` lives: `PLUMBLINE_CACHE_DIR`,
/// else `[cache] dir` (relative to the root), each with a subfolder for
/// the project; else `.plumbline_cache` in the root.
pub fn dir_for(root: &Path, configured: Option<&str>) -> PathBuf {
    let shared = std::env::var_os(DIR_VAR)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| configured.filter(|d| !d.is_empty()).map(|d| root.join(d)));
    match shared {
        Some(dir) => {
            let key = store::hash(root.to_string_lossy().as_bytes());
            let name = root
                .file_name()
                .map(|n| {
                    n.to_string_lossy()
                        .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                })
                .unwrap_or_default();
            dir.join(format!("{name}-{key:016x}"))
        }
        None => root.join(DIR_NAME),
    }
}

/// The `[cache]` settings of a merged config table.
pub fn settings(effective: &toml::Table) -> (Option<String>, Verify) {
    let table = effective.get("cache").and_then(toml::Value::as_table);
    let dir = table
        .and_then(|t| t.get("dir"))
        .and_then(toml::Value::as_str)
        .map(str::to_string);
    let verify = match table
        .and_then(|t| t.get("verify"))
        .and_then(toml::Value::as_str)
    {
        Some("content") => Verify::Content,
        _ => Verify::Mtime,
    };
    (dir, verify)
}

/// A project's cache for one run: both stores, each loaded on first use
/// and saved by [`Cache::save`].
pub struct Cache {
    dir: PathBuf,
    verify: Verify,
    /// When this run started, in seconds: entries it records are settled
    /// only for files modified [`RACY_SECONDS`] before.
    started_s: i64,
    lint: OnceLock<lint::LintCache>,
    facts: OnceLock<Arc<facts::FactsCache>>,
}

impl Cache {
    pub fn new(dir: PathBuf, verify: Verify) -> Cache {
        Cache {
            dir,
            verify,
            started_s: now_seconds(),
            lint: OnceLock::new(),
            facts: OnceLock::new(),
        }
    }

    /// The folder the cache files are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The lint-result store, loaded on first use.
    pub fn lint(&self) -> &lint::LintCache {
        self.lint
            .get_or_init(|| lint::LintCache::load(&self.dir, self.verify, self.started_s))
    }

    /// The project model's facts store, loaded on first use.
    pub fn facts(&self) -> Arc<facts::FactsCache> {
        self.facts
            .get_or_init(|| {
                Arc::new(facts::FactsCache::load(
                    &self.dir,
                    self.verify,
                    self.started_s,
                ))
            })
            .clone()
    }

    /// Writes what changed. Failures are silent: the next run is cold.
    pub fn save(&self) {
        if let Some(lint) = self.lint.get() {
            lint.save(&self.dir);
        }
        if let Some(facts) = self.facts.get() {
            facts.save(&self.dir);
        }
    }

    /// (hits, misses) of the lint-result store in this run.
    pub fn counts(&self) -> (usize, usize) {
        self.lint.get().map_or((0, 0), lint::LintCache::counts)
    }
}

/// Removes the cache folder `dir` (only when it is plumbline's: it holds
/// the tag plumbline writes, or nothing). Returns whether there was one.
pub fn clean(dir: &Path) -> std::io::Result<bool> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
        Ok(meta) if !meta.is_dir() => {
            return Err(std::io::Error::other(format!(
                "{} is not a folder, so it is not plumbline's cache; remove it yourself if it should go",
                dir.display()
            )))
        }
        Ok(_) => {}
    }
    let tagged = dir.join("CACHEDIR.TAG").is_file();
    let empty = std::fs::read_dir(dir)?.next().is_none();
    if !tagged && !empty {
        return Err(std::io::Error::other(format!(
            "{} has no CACHEDIR.TAG, so it is not plumbline's cache; remove it yourself if it should go",
            dir.display()
        )));
    }
    std::fs::remove_dir_all(dir)?;
    Ok(true)
}

/// The stamps of the regular files `names` in `folder`.
#[cfg(unix)]
fn stamps_in_folder(folder: &Path, names: &[&str]) -> Vec<Option<Stamp>> {
    use rustix::fs::{FileType, Mode, OFlags};
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let Ok(handle) = rustix::fs::open(folder, flags, Mode::empty()) else {
        return vec![None; names.len()];
    };
    names
        .iter()
        .map(|name| {
            let stat = rustix::fs::statat(&handle, *name, rustix::fs::AtFlags::empty()).ok()?;
            if !FileType::from_raw_mode(stat.st_mode as _).is_file() {
                return None;
            }
            Some(Stamp::from_parts(
                u64::try_from(stat.st_size).unwrap_or(0),
                stat.st_mtime as i64,
                u32::try_from(stat.st_mtime_nsec).unwrap_or(0),
            ))
        })
        .collect()
}

/// The stamps of the regular files `names` in `folder`.
#[cfg(not(unix))]
fn stamps_in_folder(folder: &Path, names: &[&str]) -> Vec<Option<Stamp>> {
    names
        .iter()
        .map(|name| {
            let meta = std::fs::metadata(folder.join(name)).ok()?;
            meta.is_file().then(|| Stamp::of(&meta))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Stamp;

    #[test]
    fn stamps_read_folder_by_folder_are_the_stamps_read_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/deep")).unwrap();
        std::fs::write(root.join("top.ts"), "export {}\n").unwrap();
        std::fs::write(root.join("src/a.ts"), "a\n").unwrap();
        std::fs::write(root.join("src/deep/b.py"), "b = 1\n").unwrap();
        let paths = [
            "src/deep/b.py",
            "top.ts",
            "src/missing.ts",
            "src/deep",
            "src/a.ts",
            "nowhere/c.ts",
        ];
        let many = Stamp::read_many(root, &paths);
        let one_by_one: Vec<Option<Stamp>> = paths
            .iter()
            .map(|p| {
                let meta = std::fs::metadata(root.join(p)).ok()?;
                meta.is_file().then(|| Stamp::of(&meta))
            })
            .collect();
        assert_eq!(many, one_by_one);
        assert!(many[0].is_some() && many[1].is_some() && many[4].is_some());
        assert!(many[2].is_none() && many[3].is_none() && many[5].is_none());
    }

    #[test]
    fn times_before_the_epoch_are_stamped_as_std_stamps_them() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let before = std::time::UNIX_EPOCH - std::time::Duration::new(5, 250_000_000);
        file.as_file().set_modified(before).unwrap();
        let folder = file.path().parent().unwrap();
        let name = file.path().file_name().unwrap().to_str().unwrap();
        assert_eq!(
            Stamp::read_many(folder, &[name]),
            vec![Stamp::read(file.path())]
        );
    }
}
