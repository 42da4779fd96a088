//! The lint-result store: what linting each file produced before the
//! project-wide join, so an unchanged file is neither prefiltered nor
//! parsed again.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::{store, Stamp, Verify};
use crate::engine::FileOutcome;
use crate::finding::{Condition, Finding, Fix, Label, Position, Severity};
use crate::source::SourceFile;

/// The store's file in the cache folder.
const FILE: &str = "lint.bin";

/// Entries not seen by this many saving runs in a row are dropped.
const KEEP_RUNS: u32 = 8;

/// At most this many entries are kept (the most recently seen first).
const MAX_ENTRIES: usize = 400_000;

/// One file's cached outcome, with what it is valid for.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stamp: Option<Stamp>,
    /// When the run that recorded the stamp started.
    recorded_s: i64,
    hash: u64,
    /// Fingerprint of the config in force for the file.
    config: u64,
    /// The saving run that last saw the file.
    seen: u32,
    outcome: CachedOutcome,
}

/// A [`FileOutcome`] without its source text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CachedOutcome {
    findings: Vec<CachedFinding>,
    facts: Vec<String>,
    /// Per-file notes (the display path is the run's own).
    notes: Vec<String>,
    /// Byte ranges of the text masked in the findings' source (secrets).
    masks: Vec<Range<usize>>,
}

impl CachedOutcome {
    /// Whether restoring this outcome needs the file's text: its findings
    /// quote it.
    pub fn needs_text(&self) -> bool {
        !self.findings.is_empty()
    }

    /// The recorded facts, for an outcome restored without text.
    pub fn facts(&self) -> &[String] {
        &self.facts
    }
}

/// A [`Finding`] without its source.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedFinding {
    rule: String,
    severity: Severity,
    span: Range<usize>,
    start: Position,
    end: Position,
    message: String,
    label: String,
    labels: Vec<Label>,
    help: String,
    url: String,
    fix: Option<Fix>,
    conditions: Vec<Condition>,
    redact: Vec<Range<usize>>,
}

#[derive(Default, Serialize, Deserialize)]
struct LintFile {
    /// How many runs saved the store.
    run: u32,
    entries: HashMap<String, Entry>,
}

/// The store as one run uses it: the entries loaded, and those this run
/// saw or recorded.
pub struct LintCache {
    verify: Verify,
    started_s: i64,
    /// This run's number: the loaded file's plus one.
    run: u32,
    old: HashMap<String, Entry>,
    /// Entries recorded (or re-stamped) by this run.
    fresh: Mutex<HashMap<String, Entry>>,
    /// Project paths of loaded entries this run found valid.
    seen: Mutex<Vec<String>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl LintCache {
    /// Loads the store in `dir`; an absent or bad file gives an empty one.
    pub fn load(dir: &Path, verify: Verify, started_s: i64) -> LintCache {
        let file: LintFile = store::load(&dir.join(FILE)).unwrap_or_default();
        LintCache {
            verify,
            started_s,
            run: file.run.wrapping_add(1),
            old: file.entries,
            fresh: Mutex::new(HashMap::new()),
            seen: Mutex::new(Vec::new()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }

    /// The outcome cached for `path` when its size and modification time
    /// are those recorded (and old enough to trust), for the same config.
    pub fn by_stamp(&self, path: &str, stamp: Stamp, config: u64) -> Option<&CachedOutcome> {
        if self.verify == Verify::Content {
            return None;
        }
        let entry = self.old.get(path)?;
        (entry.config == config && entry.stamp == Some(stamp) && stamp.settled(entry.recorded_s))
            .then_some(&entry.outcome)
    }

    /// The outcome cached for `path` with this content hash and config.
    pub fn by_hash(&self, path: &str, hash: u64, config: u64) -> Option<&CachedOutcome> {
        let entry = self.old.get(path)?;
        (entry.config == config && entry.hash == hash).then_some(&entry.outcome)
    }

    /// Counts a hit on the loaded entry of `path`; a new stamp (a file
    /// touched but not changed) is recorded so the next run trusts it.
    pub fn hit(&self, path: &str, stamp: Option<Stamp>) {
        self.hits.fetch_add(1, Ordering::Relaxed);
        let Some(entry) = self.old.get(path) else {
            return;
        };
        if stamp.is_some()
            && (entry.stamp != stamp || !entry.stamp.is_some_and(|s| s.settled(entry.recorded_s)))
        {
            let mut updated = entry.clone();
            updated.stamp = stamp;
            updated.recorded_s = self.started_s;
            updated.seen = self.run;
            self.fresh
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path.to_string(), updated);
        } else {
            self.seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(path.to_string());
        }
    }

    /// Records what linting `path` gave. Outcomes with internal errors are
    /// not kept: the next run tries the file again.
    pub fn record(
        &self,
        path: &str,
        stamp: Option<Stamp>,
        hash: u64,
        config: u64,
        outcome: &FileOutcome,
        text: &str,
    ) {
        self.misses.fetch_add(1, Ordering::Relaxed);
        if !outcome.internal_errors.is_empty() {
            return;
        }
        let entry = Entry {
            stamp,
            recorded_s: self.started_s,
            hash,
            config,
            seen: self.run,
            outcome: cached_outcome(outcome, text),
        };
        self.fresh
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), entry);
    }

    /// (hits, misses) so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Writes the store when this run changed it: entries recorded, or
    /// entries aged out. A run that only hit writes nothing.
    pub fn save(&self, dir: &Path) {
        let fresh = std::mem::take(&mut *self.fresh.lock().unwrap_or_else(|e| e.into_inner()));
        let seen: std::collections::HashSet<String> =
            std::mem::take(&mut *self.seen.lock().unwrap_or_else(|e| e.into_inner()))
                .into_iter()
                .collect();
        let keep = |entry: &Entry| self.run.wrapping_sub(entry.seen) < KEEP_RUNS;
        let aged = self
            .old
            .iter()
            .any(|(path, e)| !seen.contains(path) && !fresh.contains_key(path) && !keep(e));
        if fresh.is_empty() && !aged {
            return;
        }
        let mut entries: Vec<(String, Entry)> = self
            .old
            .iter()
            .filter(|(path, _)| !fresh.contains_key(*path))
            .filter_map(|(path, entry)| {
                let mut entry = entry.clone();
                if seen.contains(path) {
                    entry.seen = self.run;
                }
                keep(&entry).then(|| (path.clone(), entry))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .chain(fresh)
            .collect();
        if entries.len() > MAX_ENTRIES {
            entries.sort_by_key(|(_, e)| std::cmp::Reverse(e.seen));
            entries.truncate(MAX_ENTRIES);
        }
        let file = LintFile {
            run: self.run,
            entries: entries.into_iter().collect(),
        };
        let _ = store::save(dir, FILE, &file);
    }
}

/// The cacheable part of an outcome whose findings quote `text`.
fn cached_outcome(outcome: &FileOutcome, text: &str) -> CachedOutcome {
    let masks = outcome
        .findings
        .first()
        .map(|f| differing_ranges(text.as_bytes(), f.source.text.as_bytes()))
        .unwrap_or_default();
    CachedOutcome {
        findings: outcome
            .findings
            .iter()
            .map(|f| CachedFinding {
                rule: f.rule.to_string(),
                severity: f.severity,
                span: f.span.clone(),
                start: f.start,
                end: f.end,
                message: f.message.clone(),
                label: f.label.clone(),
                labels: f.labels.clone(),
                help: f.help.clone(),
                url: f.url.clone(),
                fix: f.fix.clone(),
                conditions: f.conditions.clone(),
                redact: f.redact.clone(),
            })
            .collect(),
        facts: outcome.facts.clone(),
        notes: outcome.notes.iter().map(|(_, note)| note.clone()).collect(),
        masks,
    }
}

/// The maximal byte ranges where `a` and `b` differ (same length: a text
/// and its masked copy).
fn differing_ranges(a: &[u8], b: &[u8]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            match out.last_mut() {
                Some(last) if last.end == i => last.end = i + 1,
                _ => out.push(i..i + 1),
            }
        }
    }
    out
}

/// The outcome `cached` stands for, its findings quoting `source` (masked
/// as the original run masked it).
pub fn restore(cached: &CachedOutcome, source: Arc<SourceFile>) -> FileOutcome {
    let quoted = if cached.masks.is_empty() {
        source.clone()
    } else {
        let mut bytes = source.text.clone().into_bytes();
        for range in &cached.masks {
            let end = range.end.min(bytes.len());
            for b in &mut bytes[range.start.min(end)..end] {
                *b = b'*';
            }
        }
        let text = String::from_utf8(bytes).unwrap_or_else(|_| "*".repeat(source.text.len()));
        Arc::new(SourceFile::masked(&source, text))
    };
    FileOutcome {
        path: source.project_path().to_string(),
        findings: cached
            .findings
            .iter()
            .map(|f| Finding {
                rule: Arc::from(f.rule.as_str()),
                severity: f.severity,
                source: quoted.clone(),
                span: f.span.clone(),
                start: f.start,
                end: f.end,
                message: f.message.clone(),
                label: f.label.clone(),
                labels: f.labels.clone(),
                help: f.help.clone(),
                url: f.url.clone(),
                fix: f.fix.clone(),
                conditions: f.conditions.clone(),
                redact: f.redact.clone(),
            })
            .collect(),
        facts: cached.facts.clone(),
        notes: cached
            .notes
            .iter()
            .map(|note| (source.display_path().to_string(), note.clone()))
            .collect(),
        internal_errors: Vec::new(),
        mounts: None,
        module: None,
    }
}

/// The outcome `cached` stands for when it has no findings (no text
/// needed): its facts and notes.
pub fn restore_without_text(cached: &CachedOutcome, path: &str, display: &str) -> FileOutcome {
    FileOutcome {
        path: path.to_string(),
        facts: cached.facts.clone(),
        notes: cached
            .notes
            .iter()
            .map(|note| (display.to_string(), note.clone()))
            .collect(),
        ..FileOutcome::default()
    }
}
