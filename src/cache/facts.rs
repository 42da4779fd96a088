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

#[derive(Default, Serialize, Deserialize)]
struct FactsFile {
    run: u32,
    /// Each walk's index by name, with when it was made.
    indexes: Vec<(String, i64, WalkIndex)>,
    entries: PathMap<Entry>,
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

/// What the store's file held.
struct Loaded {
    run: u32,
    /// The entries read from disk, each with whether this run used it.
    old: PathMap<(Entry, AtomicBool)>,
    old_indexes: HashMap<String, (i64, WalkIndex)>,
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
            let file: FactsFile = self
                .dir
                .as_ref()
                .and_then(|dir| store::load(&dir.join(FILE)))
                .unwrap_or_default();
            Loaded {
                run: file.run.wrapping_add(1),
                old: file
                    .entries
                    .into_iter()
                    .map(|(path, entry)| (path, (entry, AtomicBool::new(false))))
                    .collect(),
                old_indexes: file
                    .indexes
                    .into_iter()
                    .map(|(name, made_s, index)| (name, (made_s, index)))
                    .collect(),
            }
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
        matches: impl Fn(&Entry) -> bool,
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
        let (old, used) = self.loaded().old.get(path).filter(|(e, _)| matches(e))?;
        used.store(true, Ordering::Relaxed);
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
    pub fn by_hash<T>(
        &self,
        path: &str,
        hash: u64,
        pick: impl Fn(&Known) -> Option<T>,
    ) -> Option<T> {
        self.entry(path, |e| e.hash == hash, pick)
    }

    /// Adds to what is known of `path` at `hash` (read with `stamp`).
    pub fn record(
        &self,
        path: &str,
        stamp: Option<Stamp>,
        hash: u64,
        add: impl FnOnce(&mut Known),
    ) {
        let Loaded { run, old, .. } = self.loaded();
        let run = *run;
        self.dirty.store(true, Ordering::Release);
        let mut fresh = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        let entry = fresh.entry(path.to_string()).or_insert_with(|| {
            match old.get(path).map(|(e, _)| e).filter(|e| e.hash == hash) {
                Some(old) => Entry {
                    stamp,
                    recorded_s: self.started_s,
                    seen: run,
                    ..old.clone()
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

    /// Writes the store when this run read and changed it.
    pub fn save(&self, dir: &Path) {
        let Some(Loaded {
            run,
            old,
            old_indexes,
        }) = self.loaded.get()
        else {
            return;
        };
        if self.dir.is_none() {
            return;
        }
        let run = *run;
        let fresh = std::mem::take(&mut *self.fresh.lock().unwrap_or_else(|e| e.into_inner()));
        let keep = |e: &Entry| run.wrapping_sub(e.seen) < KEEP_RUNS;
        let aged = old.iter().any(|(p, (e, used))| {
            !used.load(Ordering::Relaxed) && !fresh.contains_key(p) && !keep(e)
        });
        if !self.dirty.load(Ordering::Relaxed) && !aged {
            return;
        }
        let entries = old
            .iter()
            .filter(|(path, _)| !fresh.contains_key(*path))
            .filter_map(|(path, (entry, used))| {
                let mut entry = entry.clone();
                if used.load(Ordering::Relaxed) {
                    entry.seen = run;
                }
                keep(&entry).then(|| (path.clone(), entry))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .chain(fresh)
            .collect();
        let mut indexes: HashMap<String, (i64, WalkIndex)> = old_indexes.clone();
        let made = std::mem::take(&mut *self.new_indexes.lock().unwrap_or_else(|e| e.into_inner()));
        for (name, index) in made {
            indexes.insert(name, (self.started_s, index));
        }
        let indexes = indexes
            .into_iter()
            .map(|(name, (made_s, index))| (name, made_s, index))
            .collect();
        let file = FactsFile {
            run,
            indexes,
            entries,
        };
        let _ = store::save(dir, FILE, &file);
    }
}
