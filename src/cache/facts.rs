//! The project model's store: per file, the module facts and router
//! mounts the model reads on demand, keyed by content hash (and the build,
//! in the file's header), and an index of the files the model's walk of
//! the project found, with the stamps of the folders and ignore files that
//! decide that list. A warm index spares the walk; a warm entry spares the
//! read and the parse.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::{store, Stamp, Verify};
use crate::facts::modules::ModuleFacts;
use crate::facts::routes::Mount;

/// The store's file in the cache folder.
const FILE: &str = "facts.bin";

/// Entries not seen by this many saving runs in a row are dropped.
const KEEP_RUNS: u32 = 8;

/// Ignore files whose edits change what a walk of their folder finds.
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// What is known of one file at one content hash.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Known {
    /// The module facts, encoded: a warm run decodes only the files whose
    /// facts it asks for. `None` when not read yet.
    #[serde(with = "serde_bytes")]
    module: Option<Vec<u8>>,
    /// The router mounts the file makes; `None` when not read yet.
    pub mounts: Option<Vec<Mount>>,
}

impl Known {
    /// The module facts: `Some(None)` when the file has none (unparsable,
    /// too deep); `None` when not read yet (or not decodable: read again).
    pub fn module(&self) -> Option<Option<ModuleFacts>> {
        postcard::from_bytes(self.module.as_deref()?).ok()
    }

    pub fn set_module(&mut self, module: &Option<ModuleFacts>) {
        self.module = postcard::to_stdvec(module).ok();
    }
}

/// The maps of paths the store keeps: hashed on every lookup of a warm run.
type PathMap<V> = HashMap<String, V, rustc_hash::FxBuildHasher>;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stamp: Option<Stamp>,
    recorded_s: i64,
    hash: u64,
    seen: u32,
    known: Known,
}

/// A folder the model's walk entered, with the stamps that tell whether a
/// new walk could find other files there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Folder {
    path: String,
    stamp: Option<Stamp>,
    ignores: [Option<Stamp>; 2],
}

/// The files a walk of the project found, and what it depended on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WalkIndex {
    folders: Vec<Folder>,
    /// Other files whose change changes the walk (`.git/info/exclude`).
    others: Vec<(String, Option<Stamp>)>,
    files: Vec<String>,
}

impl WalkIndex {
    /// An index of `files`, found by a walk of `root` that entered
    /// `folders` (project paths, `""` for the root).
    pub fn new(root: &Path, folders: Vec<String>, files: Vec<String>) -> WalkIndex {
        let folders = folders
            .into_iter()
            .map(|path| {
                let dir = root.join(&path);
                Folder {
                    stamp: Stamp::read(&dir),
                    ignores: IGNORE_FILES.map(|name| Stamp::read(&dir.join(name))),
                    path,
                }
            })
            .collect();
        let others = [".git/info/exclude"]
            .into_iter()
            .map(|p| (p.to_string(), Stamp::read(&root.join(p))))
            .collect();
        WalkIndex {
            folders,
            others,
            files,
        }
    }

    /// The files, when no folder or ignore file changed since the walk
    /// (`stamp` reads a path's stamp, once per run).
    fn still_valid(
        &self,
        root: &Path,
        started_s: i64,
        stamp_of: &(dyn Fn(&Path) -> Option<Stamp> + Sync),
    ) -> bool {
        use rayon::prelude::*;
        let settled = |stamp: &Option<Stamp>| {
            stamp.is_none_or(|s| s.mtime_s + super::RACY_SECONDS <= started_s)
        };
        self.folders.par_iter().all(|folder| {
            let dir = root.join(&folder.path);
            folder.stamp.is_some()
                && settled(&folder.stamp)
                && stamp_of(&dir) == folder.stamp
                // Creating or removing an ignore file changes its folder's
                // time; only one that exists can change unseen.
                && IGNORE_FILES
                    .iter()
                    .zip(&folder.ignores)
                    .all(|(name, stamp)| stamp.is_none() || stamp_of(&dir.join(name)) == *stamp)
        }) && self
            .others
            .iter()
            .all(|(path, stamp)| stamp_of(&root.join(path)) == *stamp)
    }
}

/// The store's file. Entries are sorted by path and each is encoded on its
/// own, so a run finds the few it asks for in place, without decoding (or
/// allocating) the rest.
#[derive(Default, Serialize, Deserialize)]
struct FactsFile<'a> {
    run: u32,
    /// The lowest run number an entry was last seen by: the store is
    /// rewritten to drop old entries only when one may be old enough.
    oldest_seen: u32,
    /// Each walk's index by name, with when it was made.
    indexes: Vec<(String, i64, WalkIndex)>,
    #[serde(borrow)]
    entries: Vec<Row<'a>>,
}

/// One file's entry as stored: its path and its encoded [`Entry`].
#[derive(Serialize, Deserialize)]
struct Row<'a> {
    path: &'a str,
    #[serde(with = "serde_bytes")]
    entry: &'a [u8],
}

/// The store as one run uses it, read from disk on first use.
pub struct FactsCache {
    dir: Option<std::path::PathBuf>,
    verify: Verify,
    started_s: i64,
    loaded: std::sync::OnceLock<Loaded>,
    fresh: Mutex<PathMap<Entry>>,
    new_indexes: Mutex<HashMap<String, WalkIndex>>,
    /// Stamps of folders and ignore files read by this run.
    stamps: Mutex<HashMap<u64, Option<Stamp>>>,
    dirty: AtomicBool,
}

/// Where one stored row's path and encoded entry lie in the file's bytes.
struct Slot {
    path: std::ops::Range<usize>,
    entry: std::ops::Range<usize>,
}

/// What the store's file held: its bytes, with the rows found in place.
#[derive(Default)]
struct Loaded {
    run: u32,
    oldest_seen: u32,
    bytes: Vec<u8>,
    /// The rows, sorted by path.
    slots: Vec<Slot>,
    /// Each row by the hash of its path: a warm run looks up every file of
    /// the project.
    by_path: HashMap<u64, u32, rustc_hash::FxBuildHasher>,
    /// Whether this run used each row.
    used: Vec<AtomicBool>,
    old_indexes: HashMap<String, (i64, WalkIndex)>,
}

impl Loaded {
    /// The store's file `bytes` as this build wrote it, `None` for any other.
    fn read(bytes: Vec<u8>) -> Option<Loaded> {
        let payload = store::payload(&bytes, store::build_id())?;
        let file: FactsFile<'_> = postcard::from_bytes(payload).ok()?;
        let base = bytes.as_ptr() as usize;
        let range = |part: &[u8]| {
            let start = part.as_ptr() as usize - base;
            start..start + part.len()
        };
        let mut slots: Vec<Slot> = file
            .entries
            .iter()
            .map(|row| Slot {
                path: range(row.path.as_bytes()),
                entry: range(row.entry),
            })
            .collect();
        let sorted = slots
            .windows(2)
            .all(|w| bytes[w[0].path.clone()] < bytes[w[1].path.clone()]);
        if !sorted {
            slots.sort_by(|a, b| bytes[a.path.clone()].cmp(&bytes[b.path.clone()]));
            slots.dedup_by(|a, b| bytes[a.path.clone()] == bytes[b.path.clone()]);
        }
        let mut by_path = HashMap::with_capacity_and_hasher(slots.len(), Default::default());
        for (i, slot) in slots.iter().enumerate() {
            by_path.insert(store::hash(&bytes[slot.path.clone()]), i as u32);
        }
        let (run, oldest_seen) = (file.run, file.oldest_seen);
        let old_indexes = file
            .indexes
            .into_iter()
            .map(|(name, made_s, index)| (name, (made_s, index)))
            .collect();
        Some(Loaded {
            run: run.wrapping_add(1),
            oldest_seen,
            used: slots.iter().map(|_| AtomicBool::new(false)).collect(),
            slots,
            by_path,
            bytes,
            old_indexes,
        })
    }

    /// The row of `path`.
    fn find(&self, path: &str) -> Option<usize> {
        let hashed = self.by_path.get(&store::hash(path.as_bytes())).copied();
        if let Some(i) = hashed.map(|i| i as usize) {
            if &self.bytes[self.slots[i].path.clone()] == path.as_bytes() {
                return Some(i);
            }
        }
        // Two paths with one hash: the sorted rows still answer.
        self.slots
            .binary_search_by(|slot| self.bytes[slot.path.clone()].cmp(path.as_bytes()))
            .ok()
    }

    /// The path of row `i`.
    fn path(&self, i: usize) -> &str {
        std::str::from_utf8(&self.bytes[self.slots[i].path.clone()]).unwrap_or_default()
    }

    /// The entry of row `i`, `None` when it does not decode.
    fn entry(&self, i: usize) -> Option<Entry> {
        postcard::from_bytes(&self.bytes[self.slots[i].entry.clone()]).ok()
    }

    /// The entry stored for `path`.
    fn entry_of(&self, path: &str) -> Option<Entry> {
        self.entry(self.find(path)?)
    }
}

impl FactsCache {
    /// The store in `dir`, read when first asked.
    pub fn load(dir: &Path, verify: Verify, started_s: i64) -> FactsCache {
        FactsCache {
            dir: Some(dir.to_path_buf()),
            verify,
            started_s,
            loaded: std::sync::OnceLock::new(),
            fresh: Mutex::new(PathMap::default()),
            new_indexes: Mutex::new(HashMap::new()),
            stamps: Mutex::new(HashMap::new()),
            dirty: AtomicBool::new(false),
        }
    }

    /// An empty store that is never read from disk.
    pub fn empty() -> FactsCache {
        FactsCache {
            dir: None,
            ..FactsCache::load(Path::new(""), Verify::Content, super::now_seconds())
        }
    }

    fn loaded(&self) -> &Loaded {
        self.loaded.get_or_init(|| {
            self.dir
                .as_ref()
                .and_then(|dir| std::fs::read(dir.join(FILE)).ok())
                .and_then(Loaded::read)
                .unwrap_or_else(|| Loaded {
                    run: 1,
                    ..Loaded::default()
                })
        })
    }

    /// The files the last walk named `walk` found under `root`, when
    /// nothing it depended on changed.
    pub fn walk_index(&self, walk: &str, root: &Path) -> Option<Vec<String>> {
        if let Some(index) = self
            .new_indexes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(walk)
        {
            return Some(index.files.clone());
        }
        let (made_s, index) = self.loaded().old_indexes.get(walk)?;
        let stamp_of = |path: &Path| {
            let key = store::hash(path.as_os_str().as_encoded_bytes());
            let lock = || self.stamps.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(known) = lock().get(&key) {
                return *known;
            }
            let stamp = Stamp::read(path);
            lock().insert(key, stamp);
            stamp
        };
        (index.still_valid(root, *made_s, &stamp_of)).then(|| index.files.clone())
    }

    /// Keeps the index of the walk named `walk` this run made.
    pub fn record_walk(&self, walk: &str, index: WalkIndex) {
        self.loaded();
        self.new_indexes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(walk.to_string(), index);
        self.dirty.store(true, Ordering::Relaxed);
    }

    fn entry<T>(
        &self,
        path: &str,
        mut matches: impl FnMut(&Entry) -> bool,
        pick: impl Fn(&Known) -> Option<T>,
    ) -> Option<T> {
        // Nothing is recorded before the store is marked dirty: a warm run
        // looks up thousands of files without taking the lock.
        if self.dirty.load(Ordering::Acquire) {
            if let Some(fresh) = self
                .fresh
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(path)
                .filter(|e| matches(e))
            {
                return pick(&fresh.known);
            }
        }
        let loaded = self.loaded();
        let row = loaded.find(path)?;
        let old = loaded.entry(row).filter(|e| matches(e))?;
        loaded.used[row].store(true, Ordering::Relaxed);
        pick(&old.known)
    }

    /// What `pick` takes from what is known of `path`, when its stamp is
    /// the one recorded (and old enough to trust).
    pub fn by_stamp<T>(
        &self,
        path: &str,
        stamp: Stamp,
        pick: impl Fn(&Known) -> Option<T>,
    ) -> Option<T> {
        if self.verify == Verify::Content {
            return None;
        }
        self.entry(
            path,
            |e| e.stamp == Some(stamp) && stamp.mtime_s + super::RACY_SECONDS <= e.recorded_s,
            pick,
        )
    }

    /// What `pick` takes from what is known of `path` at this content hash.
    /// The file was read with `stamp`: an entry recorded with another
    /// stamp, or too soon after the file changed to trust it, takes this
    /// one, so the next run decides the file by its stamp alone.
    pub fn by_hash<T>(
        &self,
        path: &str,
        hash: u64,
        stamp: Option<Stamp>,
        pick: impl Fn(&Known) -> Option<T>,
    ) -> Option<T> {
        let mut stale = false;
        let found = self.entry(
            path,
            |e| {
                let matches = e.hash == hash;
                stale = matches
                    && stamp.is_some()
                    && (e.stamp != stamp || !stamp.is_some_and(|s| s.settled(e.recorded_s)));
                matches
            },
            pick,
        )?;
        if stale {
            self.record(path, stamp, hash, |_| {});
        }
        Some(found)
    }

    /// Adds to what is known of `path` at `hash` (read with `stamp`).
    pub fn record(
        &self,
        path: &str,
        stamp: Option<Stamp>,
        hash: u64,
        add: impl FnOnce(&mut Known),
    ) {
        let loaded = self.loaded();
        let run = loaded.run;
        self.dirty.store(true, Ordering::Release);
        let mut fresh = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        let entry = fresh.entry(path.to_string()).or_insert_with(|| {
            match loaded.entry_of(path).filter(|e| e.hash == hash) {
                Some(old) => Entry {
                    stamp,
                    recorded_s: self.started_s,
                    seen: run,
                    ..old
                },
                None => Entry {
                    stamp,
                    recorded_s: self.started_s,
                    hash,
                    seen: run,
                    known: Known::default(),
                },
            }
        });
        if entry.hash != hash {
            *entry = Entry {
                stamp,
                recorded_s: self.started_s,
                hash,
                seen: run,
                known: Known::default(),
            };
        }
        add(&mut entry.known);
    }

    /// Writes the store when this run read and changed it, or when some
    /// entry may have gone unused long enough to be dropped.
    pub fn save(&self, dir: &Path) {
        let Some(loaded) = self.loaded.get() else {
            return;
        };
        if self.dir.is_none() {
            return;
        }
        let run = loaded.run;
        let keep = |seen: u32| run.wrapping_sub(seen) < KEEP_RUNS;
        if !self.dirty.load(Ordering::Relaxed) && keep(loaded.oldest_seen) {
            return;
        }
        let fresh = std::mem::take(&mut *self.fresh.lock().unwrap_or_else(|e| e.into_inner()));
        let mut entries: Vec<(String, Entry)> = (0..loaded.slots.len())
            .filter(|&i| !fresh.contains_key(loaded.path(i)))
            .filter_map(|i| {
                let mut entry = loaded.entry(i)?;
                if loaded.used[i].load(Ordering::Relaxed) {
                    entry.seen = run;
                }
                keep(entry.seen).then(|| (loaded.path(i).to_string(), entry))
            })
            .collect();
        entries.extend(fresh);
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let encoded: Vec<(String, Vec<u8>, u32)> = entries
            .into_iter()
            .filter_map(|(path, entry)| {
                let bytes = postcard::to_stdvec(&entry).ok()?;
                Some((path, bytes, entry.seen))
            })
            .collect();
        let mut indexes: HashMap<String, (i64, WalkIndex)> = loaded.old_indexes.clone();
        let made = std::mem::take(&mut *self.new_indexes.lock().unwrap_or_else(|e| e.into_inner()));
        for (name, index) in made {
            indexes.insert(name, (self.started_s, index));
        }
        let file = FactsFile {
            run,
            // The distance from `run` is what ages an entry: the oldest is
            // the one farthest behind.
            oldest_seen: encoded
                .iter()
                .map(|(_, _, seen)| *seen)
                .max_by_key(|seen| run.wrapping_sub(*seen))
                .unwrap_or(run),
            indexes: indexes
                .into_iter()
                .map(|(name, (made_s, index))| (name, made_s, index))
                .collect(),
            entries: encoded
                .iter()
                .map(|(path, entry, _)| Row { path, entry })
                .collect(),
        };
        let _ = store::save(dir, FILE, &file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(mtime_s: i64) -> Stamp {
        Stamp {
            size: 10,
            mtime_s,
            mtime_ns: 0,
        }
    }

    fn mounts(known: &Known) -> Option<Vec<Mount>> {
        known.mounts.clone()
    }

    #[test]
    fn an_entry_recorded_too_soon_is_restamped_when_its_content_is_confirmed() {
        let dir = tempfile::tempdir().unwrap();
        let changed_s = 1_000_000;
        // Recorded in the second the file changed: its stamp is not trusted.
        let first = FactsCache::load(dir.path(), Verify::Mtime, changed_s);
        first.record("src/app.ts", Some(stamp(changed_s)), 7, |k| {
            k.mounts = Some(Vec::new())
        });
        first.save(dir.path());

        let second = FactsCache::load(dir.path(), Verify::Mtime, changed_s + 60);
        assert_eq!(
            second.by_stamp("src/app.ts", stamp(changed_s), mounts),
            None
        );
        assert_eq!(
            second.by_hash("src/app.ts", 7, Some(stamp(changed_s)), mounts),
            Some(Vec::new())
        );
        second.save(dir.path());

        let third = FactsCache::load(dir.path(), Verify::Mtime, changed_s + 120);
        assert_eq!(
            third.by_stamp("src/app.ts", stamp(changed_s), mounts),
            Some(Vec::new()),
            "the confirmed entry is now decided by its stamp"
        );
        assert_eq!(third.by_hash("src/app.ts", 8, None, mounts), None);
        assert_eq!(
            third.by_stamp("src/other.ts", stamp(changed_s), mounts),
            None
        );
    }

    #[test]
    fn entries_are_found_in_place_among_many_and_unused_ones_age_out() {
        let dir = tempfile::tempdir().unwrap();
        let cache = FactsCache::load(dir.path(), Verify::Mtime, 100);
        for i in (0..500).rev() {
            cache.record(&format!("src/m{i}.ts"), Some(stamp(1)), i, |k| {
                k.mounts = Some(Vec::new())
            });
        }
        cache.save(dir.path());
        let reread = FactsCache::load(dir.path(), Verify::Mtime, 200);
        for i in 0..500 {
            let path = format!("src/m{i}.ts");
            assert_eq!(reread.by_hash(&path, i, None, mounts), Some(Vec::new()));
        }
        assert_eq!(reread.by_hash("src/m500.ts", 500, None, mounts), None);
        // Saving runs that use only one of the entries: the others are
        // dropped after KEEP_RUNS of them.
        for run in 0..=KEEP_RUNS {
            let cache = FactsCache::load(dir.path(), Verify::Mtime, 300 + i64::from(run));
            assert!(cache.by_stamp("src/m0.ts", stamp(1), mounts).is_some());
            cache.record(&format!("src/new{run}.ts"), Some(stamp(1)), 1, |_| {});
            cache.save(dir.path());
        }
        let last = FactsCache::load(dir.path(), Verify::Mtime, 400);
        assert!(last.by_stamp("src/m0.ts", stamp(1), mounts).is_some());
        assert_eq!(last.by_stamp("src/m1.ts", stamp(1), mounts), None);
    }
}
