//! `check --timings`: where a run's CPU time goes, per rule and per stage
//! (reading files, the prefilter, parsing each language, suppressions), as
//! ESLint's `TIMING` and ruff's profiling show it.
//!
//! Collection is off unless [`enable`] was called, and then costs two clock
//! reads per rule run on a file. Times are the CPU time of the thread doing
//! the work, summed over files and threads, so a busy machine inflates them
//! far less than wall time.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::Serialize;

static ENABLED: AtomicBool = AtomicBool::new(false);
static COLLECTED: Mutex<Option<Timings>> = Mutex::new(None);

/// Starts collecting for this process.
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether a run collects timings.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// CPU time this thread has used, in nanoseconds.
#[cfg(unix)]
pub fn thread_cpu_nanos() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to fill.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    if status != 0 {
        return 0;
    }
    now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
}

/// Wall time since the first call, where no per-thread CPU clock exists.
#[cfg(not(unix))]
pub fn thread_cpu_nanos() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_nanos() as u64
}

/// CPU time (user + system) the whole process has used, in nanoseconds.
pub fn process_cpu_nanos() -> u64 {
    #[cfg(unix)]
    {
        let mut now = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `now` is a valid timespec for the call to fill.
        let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
        if status == 0 {
            return now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64;
        }
    }
    0
}

/// The clock reading a measured step starts from, when collecting.
pub fn start() -> Option<u64> {
    enabled().then(thread_cpu_nanos)
}

/// Nanoseconds since `start` (0 when not collecting).
pub fn since(start: Option<u64>) -> u64 {
    start.map_or(0, |t| thread_cpu_nanos().saturating_sub(t))
}

/// One rule's cost over a run.
#[derive(Debug, Default, Clone, Serialize)]
pub struct RuleTiming {
    /// CPU time in the rule's check, parsing excluded.
    pub cpu_ns: u64,
    /// Files that passed the rule's prefilter, so the rule ran on them.
    pub files_reached: usize,
    /// Files whose syntax was first asked for by this rule (the parse
    /// itself is counted under its language).
    pub files_parsed: usize,
}

/// The cost of one stage of the pipeline.
#[derive(Debug, Default, Clone, Serialize)]
pub struct StageTiming {
    pub cpu_ns: u64,
    pub files: usize,
}

/// A run's timings, summed over files.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Timings {
    /// Per rule id.
    pub rules: BTreeMap<String, RuleTiming>,
    /// Parsing, per language name.
    pub parse: BTreeMap<String, StageTiming>,
    /// Reading files from disk (and the binary and UTF-8 checks).
    pub read: StageTiming,
    /// The prefilter's pass over each file's bytes.
    pub prefilter: StageTiming,
    /// Reading suppression comments and applying them.
    pub suppressions: StageTiming,
    /// Deciding the findings that depend on other files (the project
    /// model: imports, mounts, other files' facts), after the per-file pass.
    pub join: StageTiming,
    /// Whole-run wall time, set by [`finish`].
    pub wall_ns: u64,
    /// Whole-process CPU time (user + system), set by [`finish`].
    pub process_cpu_ns: u64,
    /// The per-file cache, when the run used it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheTiming>,
}

/// What the per-file cache saved and cost.
#[derive(Debug, Default, Clone, Serialize)]
pub struct CacheTiming {
    /// Files whose outcomes came from the cache.
    pub hits: usize,
    /// Files linted and recorded.
    pub misses: usize,
    /// Reading the cache file.
    pub load_ns: u64,
    /// Writing it back (nothing when every file hit).
    pub save_ns: u64,
}

impl Timings {
    fn merge(&mut self, other: Timings) {
        for (id, t) in other.rules {
            let entry = self.rules.entry(id).or_default();
            entry.cpu_ns += t.cpu_ns;
            entry.files_reached += t.files_reached;
            entry.files_parsed += t.files_parsed;
        }
        for (language, t) in other.parse {
            add_stage(self.parse.entry(language).or_default(), &t);
        }
        add_stage(&mut self.read, &other.read);
        add_stage(&mut self.prefilter, &other.prefilter);
        add_stage(&mut self.suppressions, &other.suppressions);
        add_stage(&mut self.join, &other.join);
        if let Some(theirs) = other.cache {
            let ours = self.cache.get_or_insert_with(CacheTiming::default);
            ours.hits += theirs.hits;
            ours.misses += theirs.misses;
            ours.load_ns += theirs.load_ns;
            ours.save_ns += theirs.save_ns;
        }
    }

    /// CPU time the table accounts for stage by stage.
    fn accounted_ns(&self) -> u64 {
        self.rules.values().map(|r| r.cpu_ns).sum::<u64>()
            + self.parse.values().map(|p| p.cpu_ns).sum::<u64>()
            + self.read.cpu_ns
            + self.prefilter.cpu_ns
            + self.suppressions.cpu_ns
            + self.join.cpu_ns
    }
}

fn add_stage(into: &mut StageTiming, from: &StageTiming) {
    into.cpu_ns += from.cpu_ns;
    into.files += from.files;
}

/// Adds one file's (or one step's) timings to the run's.
pub fn record(timings: Timings) {
    if !enabled() {
        return;
    }
    let mut collected = COLLECTED.lock().unwrap_or_else(|e| e.into_inner());
    collected
        .get_or_insert_with(Timings::default)
        .merge(timings);
}

/// Records the time one file took to read.
pub fn record_read(cpu_ns: u64) {
    if enabled() {
        record(Timings {
            read: StageTiming { cpu_ns, files: 1 },
            ..Timings::default()
        });
    }
}

/// Records the CPU time of the join, on the thread that ran it.
pub fn record_join(cpu_ns: u64) {
    if enabled() {
        record(Timings {
            join: StageTiming { cpu_ns, files: 0 },
            ..Timings::default()
        });
    }
}

/// Records the time spent loading a cache file.
pub fn record_cache_load(ns: u64) {
    record_cache(CacheTiming {
        load_ns: ns,
        ..CacheTiming::default()
    });
}

/// Records the time spent saving the cache.
pub fn record_cache_save(ns: u64) {
    record_cache(CacheTiming {
        save_ns: ns,
        ..CacheTiming::default()
    });
}

/// Records a run's cache hits and misses.
pub fn record_cache_counts(hits: usize, misses: usize) {
    record_cache(CacheTiming {
        hits,
        misses,
        ..CacheTiming::default()
    });
}

fn record_cache(cache: CacheTiming) {
    if enabled() {
        record(Timings {
            cache: Some(cache),
            ..Timings::default()
        });
    }
}

/// Takes what was collected, stamped with the run's wall time (measured by
/// the caller from `started`) and the process's CPU time so far.
pub fn finish(started: std::time::Instant) -> Timings {
    let mut collected = COLLECTED.lock().unwrap_or_else(|e| e.into_inner());
    let mut timings = collected.take().unwrap_or_default();
    timings.wall_ns = started.elapsed().as_nanos() as u64;
    timings.process_cpu_ns = process_cpu_nanos();
    timings
}

fn ms(ns: u64) -> String {
    format!("{:.1}", ns as f64 / 1e6)
}

fn share(ns: u64, total: u64) -> String {
    if total == 0 {
        return "-".to_string();
    }
    format!("{:.1}%", ns as f64 * 100.0 / total as f64)
}

/// Writes the table `--timings` prints on stderr: rules by CPU time, most
/// first, then the stages. Shares are of the process's CPU time.
pub fn write_table(out: &mut dyn Write, timings: &Timings, threads: usize) -> io::Result<()> {
    let total = timings.process_cpu_ns.max(timings.accounted_ns());
    writeln!(
        out,
        "timings: wall {} ms, CPU {} ms (user + system, {threads} {}); CPU time summed over files",
        ms(timings.wall_ns),
        ms(total),
        if threads == 1 { "thread" } else { "threads" },
    )?;
    let mut rules: Vec<(&String, &RuleTiming)> = timings.rules.iter().collect();
    rules.sort_by(|a, b| b.1.cpu_ns.cmp(&a.1.cpu_ns).then(a.0.cmp(b.0)));
    let width = rules
        .iter()
        .map(|(id, _)| id.len())
        .chain(["join (other files' facts)".len()])
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "{:<width$}  {:>10}  {:>6}  {:>13}  {:>12}",
        "rule", "CPU ms", "share", "files reached", "files parsed"
    )?;
    for (id, t) in &rules {
        writeln!(
            out,
            "{:<width$}  {:>10}  {:>6}  {:>13}  {:>12}",
            id,
            ms(t.cpu_ns),
            share(t.cpu_ns, total),
            t.files_reached,
            t.files_parsed
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<width$}  {:>10}  {:>6}  {:>13}",
        "stage", "CPU ms", "share", "files"
    )?;
    let mut stage = |name: &str, t: &StageTiming| {
        writeln!(
            out,
            "{:<width$}  {:>10}  {:>6}  {:>13}",
            name,
            ms(t.cpu_ns),
            share(t.cpu_ns, total),
            t.files
        )
    };
    stage("read files", &timings.read)?;
    stage("prefilter", &timings.prefilter)?;
    for (language, t) in &timings.parse {
        stage(&format!("parse {language}"), t)?;
    }
    stage("suppressions", &timings.suppressions)?;
    stage("join (other files' facts)", &timings.join)?;
    let other = total.saturating_sub(timings.accounted_ns());
    writeln!(
        out,
        "{:<width$}  {:>10}  {:>6}",
        "other (walk, config)",
        ms(other),
        share(other, total)
    )?;
    if let Some(cache) = &timings.cache {
        writeln!(
            out,
            "\ncache: {} {} from the cache, {} linted and recorded; loading {} ms, saving {} ms",
            cache.hits,
            if cache.hits == 1 { "file" } else { "files" },
            cache.misses,
            ms(cache.load_ns),
            ms(cache.save_ns)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thread_clock_advances_with_work() {
        let before = thread_cpu_nanos();
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        assert!(thread_cpu_nanos() > before);
    }

    #[test]
    fn merging_adds_per_rule_and_per_stage() {
        let mut a = Timings::default();
        let mut b = Timings::default();
        b.rules.insert(
            "r".into(),
            RuleTiming {
                cpu_ns: 5,
                files_reached: 1,
                files_parsed: 1,
            },
        );
        b.read = StageTiming {
            cpu_ns: 3,
            files: 1,
        };
        a.merge(b.clone());
        a.merge(b);
        assert_eq!(a.rules["r"].cpu_ns, 10);
        assert_eq!(a.rules["r"].files_reached, 2);
        assert_eq!(a.read.files, 2);
        assert_eq!(a.accounted_ns(), 16);
    }
}
