//! The pipeline: sources in, prefilter, parse once, rules, suppressions,
//! project-wide joins, sorted findings out.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::config::{self, ConfigError, ConfigFile, Overrides, RuleSet};
use crate::finding::{Condition, Finding, Severity};
use crate::lang::{Language, ParsedFile};
use crate::project::ProjectModel;
use crate::rules::{render_template, Reporter};
use crate::source::{relative_to, slash_path, SourceFile};
use crate::suppress;
use crate::walk::{walk, KeepHidden, WalkOptions};

/// Why a file was not linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    Binary,
    NotUtf8,
    TooLarge,
    /// Named on the command line, but of a type plumbline does not read.
    Unsupported,
    /// A FIFO, device or socket named on the command line: never read
    /// (reading a FIFO waits for a writer forever).
    NotRegularFile,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::NotUtf8 => "not UTF-8",
            SkipReason::TooLarge => "too large",
            SkipReason::Unsupported => "unsupported type",
            SkipReason::NotRegularFile => "not a regular file",
        }
    }
}

/// What one file produced.
#[derive(Default)]
pub struct FileOutcome {
    /// Project path of the file.
    pub path: String,
    pub findings: Vec<Finding>,
    pub facts: Vec<String>,
    /// (display path, note)
    pub notes: Vec<(String, String)>,
    /// (display path, what went wrong): a rule or parser failed on this
    /// file, so its findings are incomplete and the run must not pass.
    pub internal_errors: Vec<(String, String)>,
    /// The routers this file mounts, read as it was linted when a rule asks
    /// where routers are mounted; `None` when not read.
    pub mounts: Option<Box<crate::project::mounts::FileMounts>>,
    /// The file's module facts, read from the parse its rules made, when a
    /// finding asks the project model about it: the join then need not
    /// parse the file again.
    pub module: Option<Box<crate::facts::modules::ModuleFacts>>,
}

/// Counts and lists for the end-of-run summary.
#[derive(Debug, Default)]
pub struct RunSummary {
    pub files_scanned: usize,
    pub files_parsed: usize,
    pub skipped: Vec<(String, SkipReason)>,
    /// Files or folders that could not be read, with the error.
    pub unreadable: Vec<(String, String)>,
    /// Per-file notes, e.g. a Rust file syn could not parse.
    pub notes: Vec<(String, String)>,
    /// Files a walk found whose type plumbline does not read (listed with
    /// `--verbose`; a file named on the command line is `skipped` instead).
    pub unsupported: Vec<String>,
    /// What the walk left out and why (hidden, ignored), listed by
    /// `--verbose` only.
    pub left_out: Vec<(String, &'static str)>,
    /// Files a rule or parser failed on (a bug): the run ends with exit 2.
    pub internal_errors: Vec<(String, String)>,
    /// Files whose outcomes came from the per-file cache.
    pub cached: usize,
    /// The [`crate::project::mounts::path_key`] of each file linted that
    /// mounts no router (read only when a rule asks where routers are
    /// mounted), handed to the project model so it does not read them again.
    pub mount_free: HashSet<u64>,
}

impl RunSummary {
    pub fn skipped_count(&self, reason: SkipReason) -> usize {
        self.skipped.iter().filter(|(_, r)| *r == reason).count()
    }
}

pub struct RunResult {
    pub findings: Vec<Finding>,
    pub summary: RunSummary,
}

impl RunResult {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn files_with_findings(&self) -> usize {
        self.findings
            .iter()
            .map(Finding::path)
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// Config layers and compiled rules in force for one folder.
struct DirRules {
    layers: Vec<Arc<ConfigFile>>,
    rules: Arc<RuleSet>,
    /// Names everything in `layers` and the overrides that can change a
    /// file's outcomes: keys the lint-result cache.
    fingerprint: u64,
}

impl DirRules {
    fn new(layers: Vec<Arc<ConfigFile>>, overrides: &Overrides) -> Result<DirRules, ConfigError> {
        let rules = Arc::new(RuleSet::compile(&layers, overrides)?);
        let fingerprint = config_fingerprint(&layers, overrides);
        Ok(DirRules {
            layers,
            rules,
            fingerprint,
        })
    }
}

/// A hash of the config layers' paths and texts and of the overrides:
/// equal fingerprints compile to the same rules.
fn config_fingerprint(layers: &[Arc<ConfigFile>], overrides: &Overrides) -> u64 {
    let mut bytes = Vec::new();
    for layer in layers {
        bytes.extend_from_slice(layer.path.to_string_lossy().as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(layer.text.as_bytes());
        bytes.push(u8::from(layer.is_rule_file));
        bytes.push(0);
    }
    for id in overrides
        .select
        .iter()
        .chain([&String::new()])
        .chain(&overrides.ignore)
    {
        bytes.extend_from_slice(id.as_bytes());
        bytes.push(1);
    }
    crate::cache::store::hash(&bytes)
}

/// Knows the project root and its configs; lints sources from any front door.
pub struct Engine {
    cwd: PathBuf,
    root: PathBuf,
    overrides: Overrides,
    /// `--config FILE`: nested configs still layer under it.
    base_layers: Vec<Arc<ConfigFile>>,
    cache: Mutex<HashMap<PathBuf, Arc<DirRules>>>,
    pub max_file_size: Option<u64>,
    /// Apply `[files] exclude` to files named on the command line too
    /// (`--force-exclude`), not only to files found by walking.
    pub force_exclude: bool,
    /// The per-file cache, when the front door turned it on
    /// ([`Engine::use_cache`]).
    result_cache: Option<Arc<crate::cache::Cache>>,
}

impl Engine {
    /// Finds the project's config upward from `cwd` (or uses `config`).
    pub fn new(
        cwd: &Path,
        config: Option<&Path>,
        overrides: Overrides,
    ) -> Result<Engine, ConfigError> {
        let cwd = cwd.to_path_buf();
        let config_path = match config {
            Some(p) => {
                let p = cwd.join(p);
                if let Some(why) = config::not_a_regular_file(&p) {
                    return Err(ConfigError::plain(format!(
                        "config file {} {why}; --config takes a TOML file",
                        p.display()
                    )));
                }
                Some(p)
            }
            None => config::discover(&cwd),
        };
        let (root, base_layers) = match config_path {
            Some(path) => {
                let root = path.parent().map_or_else(|| cwd.clone(), Path::to_path_buf);
                let display = display_path(&cwd, &path);
                let file = ConfigFile::load(&path, display)?;
                (root, vec![Arc::new(file)])
            }
            None => (cwd.clone(), Vec::new()),
        };
        Engine::assemble(cwd, root, base_layers, overrides)
    }

    /// An engine with no config file, rooted at `root`: the project a
    /// command line names when neither it nor the working folder has a
    /// config (`plumbline check ../other-repo`).
    pub fn without_config(
        cwd: &Path,
        root: &Path,
        overrides: Overrides,
    ) -> Result<Engine, ConfigError> {
        Engine::assemble(cwd.to_path_buf(), root.to_path_buf(), Vec::new(), overrides)
    }

    fn assemble(
        cwd: PathBuf,
        root: PathBuf,
        base_layers: Vec<Arc<ConfigFile>>,
        overrides: Overrides,
    ) -> Result<Engine, ConfigError> {
        let base_layers = with_rule_files(&root, &cwd, base_layers)?;
        overrides.validate(&config::catalogue(&base_layers))?;
        Ok(Engine {
            cwd,
            root,
            overrides,
            base_layers,
            cache: Mutex::new(HashMap::new()),
            max_file_size: None,
            force_exclude: false,
            result_cache: None,
        })
    }

    /// An engine rooted at `root` with exactly the given config (no upward
    /// discovery): what tests and the fixture runner use.
    pub fn with_config(
        root: &Path,
        config: Option<&Path>,
        overrides: Overrides,
    ) -> Result<Engine, ConfigError> {
        let base_layers = match config {
            Some(path) => vec![Arc::new(ConfigFile::load(path, display_path(root, path))?)],
            None => Vec::new(),
        };
        let base_layers = with_rule_files(root, root, base_layers)?;
        overrides.validate(&config::catalogue(&base_layers))?;
        Ok(Engine {
            cwd: root.to_path_buf(),
            root: root.to_path_buf(),
            overrides,
            base_layers,
            cache: Mutex::new(HashMap::new()),
            max_file_size: None,
            force_exclude: false,
            result_cache: None,
        })
    }

    /// An engine rooted at `root` whose outermost layers are given (a
    /// project's rule files and config, reused for its rule tests).
    pub fn with_layers(
        root: &Path,
        layers: Vec<Arc<ConfigFile>>,
        overrides: Overrides,
    ) -> Result<Engine, ConfigError> {
        overrides.validate(&config::catalogue(&layers))?;
        Ok(Engine {
            cwd: root.to_path_buf(),
            root: root.to_path_buf(),
            overrides,
            base_layers: layers,
            cache: Mutex::new(HashMap::new()),
            max_file_size: None,
            force_exclude: false,
            result_cache: None,
        })
    }

    /// The config layers (rule files first) the project root starts from.
    pub fn base_layers(&self) -> &[Arc<ConfigFile>] {
        &self.base_layers
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// The rules in force for files directly inside `dir` (absolute).
    pub fn rules_for_dir(&self, dir: &Path) -> Result<Arc<RuleSet>, ConfigError> {
        self.dir_rules(dir).map(|d| d.rules.clone())
    }

    fn dir_rules(&self, dir: &Path) -> Result<Arc<DirRules>, ConfigError> {
        if let Some(hit) = self.cache.lock().expect("rule cache").get(dir) {
            return Ok(hit.clone());
        }
        if !dir.starts_with(&self.root) {
            // Files outside the project (explicit paths elsewhere) share the
            // root's rules rather than compiling a copy per folder.
            return self.dir_rules(&self.root);
        }
        let computed = if dir == self.root {
            Arc::new(DirRules::new(self.base_layers.clone(), &self.overrides)?)
        } else {
            let parent = self.dir_rules(dir.parent().unwrap_or(&self.root))?;
            match config::config_in(dir) {
                Some(path) => {
                    let file = ConfigFile::load(&path, display_path(&self.cwd, &path))?;
                    let mut layers = parent.layers.clone();
                    layers.push(Arc::new(file));
                    Arc::new(DirRules::new(layers, &self.overrides)?)
                }
                None => parent,
            }
        };
        self.cache
            .lock()
            .expect("rule cache")
            .insert(dir.to_path_buf(), computed.clone());
        Ok(computed)
    }

    /// Turns the per-file cache on for this engine's runs, in the folder
    /// the environment or the root's `[cache]` settings name (unless the
    /// environment turns it off).
    pub fn use_cache(&mut self) -> Result<(), ConfigError> {
        if crate::cache::disabled_by_env() {
            return Ok(());
        }
        let root_rules = self.rules_for_dir(&self.root)?;
        let (dir, verify) = crate::cache::settings(&root_rules.effective);
        let dir = crate::cache::dir_for(&self.root, dir.as_deref());
        self.result_cache = Some(Arc::new(crate::cache::Cache::new(dir, verify)));
        Ok(())
    }

    /// The per-file cache, when it is on.
    pub fn cache(&self) -> Option<&Arc<crate::cache::Cache>> {
        self.result_cache.as_ref()
    }

    /// Joins per-file outcomes with a project model that reads other
    /// files' facts through the cache when it is on; then saves the cache.
    pub fn join(&self, outcomes: Vec<FileOutcome>, summary: &mut RunSummary) -> Vec<Finding> {
        let mut model = ProjectModel::new(Some(&self.root));
        if let Some(cache) = &self.result_cache {
            model.use_facts_cache(cache.facts());
        }
        // The join asks on every thread, and nothing else runs meanwhile:
        // its time is the process's.
        let start = crate::timings::enabled().then(crate::timings::process_cpu_nanos);
        let findings = join_outcomes_with(outcomes, summary, model);
        if let Some(start) = start {
            let spent = crate::timings::process_cpu_nanos().saturating_sub(start);
            crate::timings::record_join(spent);
        }
        if let Some(cache) = &self.result_cache {
            let start = crate::timings::start();
            cache.save();
            crate::timings::record_cache_save(crate::timings::since(start));
        }
        findings
    }

    /// Lints `source` (a file of folder `dir`, its text given: a staged
    /// blob) with `rules`, through the lint-result cache by content hash
    /// when the cache is on.
    pub fn lint_cached(
        &self,
        dir: &Path,
        rules: &RuleSet,
        source: Arc<SourceFile>,
        language: Option<Language>,
        parsed: &AtomicUsize,
    ) -> FileOutcome {
        let cached = self.result_cache.as_ref().and_then(|cache| {
            let fingerprint = self.dir_rules(dir).ok()?.fingerprint;
            Some((cache.lint(), fingerprint))
        });
        let Some((cache, config)) = cached else {
            return lint_file_or_notebook(rules, source, language, parsed);
        };
        let project = source.project_path().to_string();
        let hash = crate::cache::store::hash(source.text.as_bytes());
        if let Some(hit) = cache.by_hash(&project, hash, config) {
            cache.hit(&project, None);
            return crate::cache::lint::restore(hit, source);
        }
        let outcome = lint_file_or_notebook(rules, source.clone(), language, parsed);
        cache.record(&project, None, hash, config, &outcome, &source.text);
        outcome
    }

    /// The path rules match globs against: relative to the project root.
    pub fn project_path(&self, absolute: &Path) -> String {
        slash_path(&relative_to(absolute, &self.root))
    }

    /// Builds a source for text that is not (or not yet) on disk.
    pub fn source(&self, path: &Path, text: String) -> SourceFile {
        let absolute = self.cwd.join(path);
        SourceFile::new(
            display_path(&self.cwd, &absolute),
            self.project_path(&absolute),
            text,
        )
    }

    /// Lints one source with the given rules. Never touches the disk.
    pub fn lint_source(&self, rules: &RuleSet, source: Arc<SourceFile>) -> FileOutcome {
        lint_source(rules, source)
    }

    /// Walks `paths` and lints every file; project-wide joins run last.
    pub fn check_paths(
        &self,
        paths: &[PathBuf],
        options: &WalkOptions,
    ) -> Result<RunResult, ConfigError> {
        let (outcomes, mut summary) = self.lint_paths(paths, options)?;
        let findings = self.join(outcomes, &mut summary);
        summary.skipped.sort();
        summary.unsupported.sort();
        summary.unreadable.sort();
        summary.notes.sort();
        summary.internal_errors.sort();
        Ok(RunResult { findings, summary })
    }

    /// The project facts every file under the root records, for a caller
    /// that linted some files alone (the agent hook) and must decide
    /// findings that depend on the rest of the tree. `except` names the
    /// project paths the caller linted itself.
    pub fn project_facts(&self, except: &[&str]) -> Result<Vec<FileOutcome>, ConfigError> {
        let walk = WalkOptions {
            threads: 0,
            ..WalkOptions::default()
        };
        let (outcomes, _) = self.lint_paths(std::slice::from_ref(&self.root), &walk)?;
        Ok(outcomes
            .into_iter()
            .filter(|o| !o.facts.is_empty() && !except.contains(&o.path.as_str()))
            .map(|o| FileOutcome {
                path: o.path,
                facts: o.facts,
                ..FileOutcome::default()
            })
            .collect())
    }

    /// Which hidden paths the walk enters anyway: those `[files] include`
    /// names.
    fn keep_hidden(&self) -> Result<KeepHidden, ConfigError> {
        let root_rules = self.rules_for_dir(&self.root)?;
        let root = self.root.clone();
        Ok(Arc::new(move |path: &Path| -> bool {
            if root_rules.include_patterns.is_empty() {
                return false;
            }
            let project = slash_path(&relative_to(path, &root));
            root_rules.include.is_match(&project)
                || (path.is_dir()
                    && root_rules
                        .include_patterns
                        .iter()
                        .any(|p| p.starts_with("**") || p.starts_with(&format!("{project}/"))))
        }))
    }

    /// What a walk of `paths` leaves out and why (for `--verbose`), with
    /// display paths.
    pub fn left_out(
        &self,
        paths: &[PathBuf],
        options: &WalkOptions,
    ) -> Result<Vec<(String, &'static str)>, ConfigError> {
        let roots: Vec<PathBuf> = if paths.is_empty() {
            vec![self.cwd.clone()]
        } else {
            paths.iter().map(|p| self.cwd.join(p)).collect()
        };
        let keep_hidden = self.keep_hidden()?;
        Ok(crate::walk::left_out(&roots, options, keep_hidden)
            .into_iter()
            .map(|(path, why)| (display_path(&self.cwd, &path), why))
            .collect())
    }

    /// Walks `paths` and lints every file, without the project-wide join.
    fn lint_paths(
        &self,
        paths: &[PathBuf],
        options: &WalkOptions,
    ) -> Result<(Vec<FileOutcome>, RunSummary), ConfigError> {
        let roots: Vec<PathBuf> = if paths.is_empty() {
            vec![self.cwd.clone()]
        } else {
            paths.iter().map(|p| self.cwd.join(p)).collect()
        };
        for (given, root) in paths.iter().zip(&roots) {
            if std::fs::symlink_metadata(root).is_err() {
                return Err(ConfigError::plain(format!(
                    "{}: no such file or directory",
                    given.display()
                )));
            }
        }

        let outcomes = Mutex::new(Vec::<FileOutcome>::new());
        let mount_free = Mutex::new(HashSet::<u64>::new());
        let skipped = Mutex::new(Vec::new());
        let unreadable = Mutex::new(Vec::new());
        let config_error = Mutex::new(None::<ConfigError>);
        let scanned = AtomicUsize::new(0);
        let parsed = AtomicUsize::new(0);

        let keep_hidden = self.keep_hidden()?;
        let load_start = crate::timings::start();
        let lint_cache = self.result_cache.as_ref().map(|c| c.lint());
        let facts_cache = self.result_cache.as_ref().map(|c| c.facts());
        crate::timings::record_cache_load(crate::timings::since(load_start));
        let counts_before = lint_cache.map_or((0, 0), |c| c.counts());

        let unsupported = Mutex::new(Vec::new());
        let visit = |path: &Path, explicit: bool| {
            let dir = path.parent().unwrap_or(&self.root);
            let project = self.project_path(path);
            let notebook = crate::lang::notebook::is_notebook(&path.to_string_lossy());
            // A file of no language is read only when `[files] text` names
            // it (a folder whose config is broken reads none).
            let language = Language::from_path(&path.to_string_lossy()).or_else(|| {
                self.rules_for_dir(dir)
                    .ok()
                    .and_then(|rules| rules.language_of(&project))
            });
            if language.is_none() && !notebook {
                let display = display_path(&self.cwd, path);
                if explicit {
                    let reason = SkipReason::Unsupported;
                    skipped.lock().expect("skip list").push((display, reason));
                } else {
                    unsupported.lock().expect("unsupported list").push(display);
                }
                return;
            }
            if path
                .file_name()
                .is_some_and(|n| config::is_plumbline_file(&n.to_string_lossy()))
            {
                return;
            }
            let dir_rules = match self.dir_rules(dir) {
                Ok(r) => r,
                Err(e) => {
                    config_error.lock().expect("config error").get_or_insert(e);
                    return;
                }
            };
            let rules = dir_rules.rules.clone();
            if (!explicit || self.force_exclude) && is_excluded(&rules, &project) {
                return;
            }
            let display = display_path(&self.cwd, path);
            if explicit && std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
                skipped
                    .lock()
                    .expect("skip list")
                    .push((display, SkipReason::NotRegularFile));
                return;
            }
            let limit = self.max_file_size.unwrap_or(rules.max_file_size);
            let cached = lint_cache.map(|cache| {
                let stamp = crate::cache::Stamp::read(path).filter(|s| s.size <= limit);
                (cache, stamp, dir_rules.fingerprint)
            });
            if let Some((cache, Some(stamp), config)) = cached {
                if let Some(hit) = cache
                    .by_stamp(&project, stamp, config)
                    .filter(|hit| !hit.needs_text())
                {
                    scanned.fetch_add(1, Ordering::Relaxed);
                    cache.hit(&project, Some(stamp));
                    let outcome = crate::cache::lint::restore_without_text(hit, &project, &display);
                    if !outcome.facts.is_empty() || !outcome.notes.is_empty() {
                        outcomes.lock().expect("outcomes").push(outcome);
                    }
                    return;
                }
            }
            let read_start = crate::timings::start();
            let read = read_text(path, limit);
            crate::timings::record_read(crate::timings::since(read_start));
            let text = match read {
                Ok(text) => text,
                Err(ReadError::Skip(reason)) => {
                    skipped.lock().expect("skip list").push((display, reason));
                    return;
                }
                Err(ReadError::Io(e)) => {
                    unreadable
                        .lock()
                        .expect("unreadable list")
                        .push((display, e));
                    return;
                }
            };
            scanned.fetch_add(1, Ordering::Relaxed);
            let hash = cached.map(|_| crate::cache::store::hash(text.as_bytes()));
            let source = Arc::new(
                SourceFile::new(display, project.clone(), text).with_disk_path(path.to_path_buf()),
            );
            let lint = |source: Arc<SourceFile>| match language {
                Some(language) => lint_source_as(&rules, source, language, &parsed, &|_| true),
                None => lint_notebook(&rules, source, &parsed, &|_| true),
            };
            let outcome = match (cached, hash) {
                (Some((cache, stamp, config)), Some(hash)) => {
                    match cache.by_hash(&project, hash, config) {
                        Some(hit) => {
                            cache.hit(&project, stamp);
                            crate::cache::lint::restore(hit, source)
                        }
                        None => {
                            let text = source.clone();
                            let outcome = lint(source);
                            cache.record(&project, stamp, hash, config, &outcome, &text.text);
                            if let (Some(facts), Some(read)) = (&facts_cache, &outcome.mounts) {
                                // The project model reads an unchanged
                                // file's mounts from here next time.
                                facts.record(&project, stamp, hash, |known| {
                                    known.mounts = Some(read.mounts.clone());
                                    if !read.mounts.is_empty() {
                                        known.set_module(&read.module);
                                    }
                                });
                            }
                            outcome
                        }
                    }
                }
                _ => lint(source),
            };
            if !outcome.findings.is_empty()
                || !outcome.facts.is_empty()
                || !outcome.notes.is_empty()
                || !outcome.internal_errors.is_empty()
                || outcome
                    .mounts
                    .as_ref()
                    .is_some_and(|m| !m.mounts.is_empty())
            {
                outcomes.lock().expect("outcomes").push(outcome);
            } else if outcome.mounts.is_some() {
                mount_free
                    .lock()
                    .expect("mount-free list")
                    .insert(crate::project::mounts::path_key(&project));
            }
        };

        let threads = if options.threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            options.threads
        };
        let walk_options = WalkOptions {
            threads,
            ..options.clone()
        };
        let walk_errors = walk(&roots, &walk_options, keep_hidden, &visit);
        if let Some(e) = config_error.into_inner().expect("config error") {
            return Err(e);
        }

        let mut summary = RunSummary {
            files_scanned: scanned.into_inner(),
            files_parsed: parsed.into_inner(),
            skipped: skipped.into_inner().expect("skip list"),
            unreadable: unreadable.into_inner().expect("unreadable list"),
            notes: Vec::new(),
            unsupported: unsupported.into_inner().expect("unsupported list"),
            internal_errors: Vec::new(),
            left_out: Vec::new(),
            cached: 0,
            mount_free: mount_free.into_inner().expect("mount-free list"),
        };
        if let Some(cache) = lint_cache {
            let (hits, misses) = cache.counts();
            let (hits, misses) = (hits - counts_before.0, misses - counts_before.1);
            summary.cached = hits;
            crate::timings::record_cache_counts(hits, misses);
        }
        summary.unreadable.extend(
            walk_errors
                .into_iter()
                .map(|(p, e)| (display_path(&self.cwd, &p), e)),
        );
        Ok((outcomes.into_inner().expect("outcomes"), summary))
    }
}

/// Folder, below the project root, of the user-defined rule files.
pub const RULES_DIR: &str = ".plumbline/rules";

/// Puts the project's `.plumbline/rules/*.toml` files (sorted by name)
/// before its config layers.
fn with_rule_files(
    root: &Path,
    cwd: &Path,
    layers: Vec<Arc<ConfigFile>>,
) -> Result<Vec<Arc<ConfigFile>>, ConfigError> {
    let dir = root.join(RULES_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(layers);
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    let mut all = Vec::with_capacity(paths.len() + layers.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    for path in paths {
        let display = display_path(cwd, &path);
        let file = ConfigFile::load_rule_file(&path, display.clone())?;
        for rule in &file.user_rules {
            if let Some(first) = seen.insert(rule.id.clone(), display.clone()) {
                return Err(ConfigError::plain(format!(
                    "rule `{}` is defined in both {first} and {display}",
                    rule.id
                )));
            }
        }
        all.push(Arc::new(file));
    }
    all.extend(layers);
    Ok(all)
}

/// Merges per-file outcomes: keeps or drops the findings whose conditions
/// depend on other files' facts, then sorts.
pub fn join_outcomes(
    outcomes: Vec<FileOutcome>,
    summary: &mut RunSummary,
    root: &Path,
) -> Vec<Finding> {
    join_outcomes_with(outcomes, summary, ProjectModel::new(Some(root)))
}

/// [`join_outcomes`] with a project model the caller built (files held in
/// memory). The texts of the files whose findings ask the model are read as
/// linted, not from disk.
pub fn join_outcomes_with(
    mut outcomes: Vec<FileOutcome>,
    summary: &mut RunSummary,
    mut model: ProjectModel,
) -> Vec<Finding> {
    model.add_read_mounts(
        outcomes
            .iter_mut()
            .filter_map(|o| Some((o.path.clone(), o.mounts.take()?))),
        std::mem::take(&mut summary.mount_free),
    );
    for outcome in &mut outcomes {
        if let Some(finding) = outcome.findings.iter().find(|f| asks_project(f)) {
            let text: Arc<str> = Arc::from(finding.source.text.as_str());
            model.add_text(finding.source.project_path(), text);
            if let Some(module) = outcome.module.take() {
                model.add_module_facts(finding.source.project_path(), *module);
            }
        }
    }
    let mut facts: HashMap<&str, Vec<&str>> = HashMap::new();
    for outcome in &outcomes {
        for fact in &outcome.facts {
            facts
                .entry(fact.as_str())
                .or_default()
                .push(outcome.path.as_str());
        }
    }
    let route_references: Vec<&str> = facts
        .keys()
        .filter_map(|f| f.strip_prefix(crate::finding::ROUTE_REFERENCE))
        .collect();
    model.expect(
        outcomes
            .iter()
            .flat_map(|o| &o.findings)
            .flat_map(|f| &f.conditions)
            .flat_map(|c| match c {
                Condition::Items(list) => list.items.iter().flat_map(|i| &i.conditions).collect(),
                other => vec![other],
            })
            .filter_map(|c| match c {
                Condition::Project(query) => Some(query),
                _ => None,
            }),
    );
    let holds = |finding: &Finding, condition: &Condition| match condition {
        Condition::Unless(key) => !facts.contains_key(key.as_str()),
        Condition::Requires(key) => facts.contains_key(key.as_str()),
        Condition::RequiresElsewhere(key) => facts
            .get(key.as_str())
            .is_some_and(|paths| paths.iter().any(|p| *p != finding.source.project_path())),
        Condition::UnlessRouteReferenced(route) => !route_references
            .iter()
            .any(|r| crate::finding::route_path_matches(r, route)),
        Condition::Project(query) => model.holds(finding.source.project_path(), query),
        // Decided item by item below.
        Condition::Items(_) => true,
    };
    let stands = |finding: &Finding| finding.conditions.iter().all(|c| holds(finding, c));
    // Questions to the project model may read other files: ask them from
    // every thread.
    use rayon::prelude::*;
    let joined: Vec<Vec<Finding>> = outcomes
        .par_iter()
        .map(|outcome| {
            outcome
                .findings
                .iter()
                .filter_map(|f| model.place_route(f.clone()))
                .filter_map(|f| model.place_host(f))
                .filter(|f| stands(f))
                .filter_map(|mut f| {
                    let whole = f.clone();
                    f.keep_items(|c| holds(&whole, c)).then_some(f)
                })
                .collect()
        })
        .collect();
    let mut findings: Vec<Finding> = joined.into_iter().flatten().collect();
    for outcome in &outcomes {
        summary.notes.extend(outcome.notes.iter().cloned());
        summary
            .internal_errors
            .extend(outcome.internal_errors.iter().cloned());
    }
    sort_findings(&mut findings);
    findings
}

/// Whether a finding stands or falls by a question to the project model.
fn asks_project(finding: &Finding) -> bool {
    finding.conditions.iter().any(|c| match c {
        Condition::Project(_) => true,
        Condition::Items(list) => list.items.iter().any(|i| {
            i.conditions
                .iter()
                .any(|c| matches!(c, Condition::Project(_)))
        }),
        _ => false,
    })
}

pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| {
        a.rule == b.rule && a.span == b.span && a.path() == b.path() && a.message == b.message
    });
}

/// Whether `[files] exclude` leaves this file out of a walk.
pub fn is_excluded(rules: &RuleSet, project_path: &str) -> bool {
    if rules.exclude.is_empty() {
        return false;
    }
    if rules.exclude.is_match(project_path) {
        return true;
    }
    // A glob naming a folder (`generated/**`) excludes everything below it.
    let mut prefix = project_path;
    while let Some((parent, _)) = prefix.rsplit_once('/') {
        if rules.exclude.is_match(parent) {
            return true;
        }
        prefix = parent;
    }
    false
}

enum ReadError {
    Skip(SkipReason),
    Io(String),
}

/// Reads a file as text, or says why it is skipped. Reading at most one
/// byte past the limit spares a separate `stat` per file; starting with
/// room for a typical source file reads most in one call, where growing
/// from an empty buffer took nine.
fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    use std::io::Read;
    const TYPICAL_SOURCE: u64 = 16 * 1024;
    let file = std::fs::File::open(path).map_err(|e| ReadError::Io(e.to_string()))?;
    let mut bytes = Vec::with_capacity(TYPICAL_SOURCE.min(limit.saturating_add(1)) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::Skip(SkipReason::TooLarge));
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err(ReadError::Skip(SkipReason::Binary));
    }
    String::from_utf8(bytes).map_err(|_| ReadError::Skip(SkipReason::NotUtf8))
}

pub fn display_path(cwd: &Path, path: &Path) -> String {
    slash_path(&relative_to(path, cwd))
}

/// Lints a source whose language is known from its path.
pub fn lint_source(rules: &RuleSet, source: Arc<SourceFile>) -> FileOutcome {
    lint_source_honoring(rules, source, &|_| true)
}

/// Like [`lint_source`], honouring only the suppression comments `honor`
/// accepts (the agent hook refuses suppressions an edit adds).
pub fn lint_source_honoring(
    rules: &RuleSet,
    source: Arc<SourceFile>,
    honor: &dyn Fn(&suppress::Suppression) -> bool,
) -> FileOutcome {
    let Some(language) = rules.language_of(source.project_path()) else {
        if crate::lang::notebook::is_notebook(source.project_path()) {
            return lint_notebook(rules, source, &AtomicUsize::new(0), honor);
        }
        return FileOutcome::default();
    };
    // Not contained: the agent hook answers a failure itself.
    lint_parsed(
        rules,
        &ParsedFile::new(source, language),
        &AtomicUsize::new(0),
        honor,
    )
}

/// Lints a file of a known language, or a notebook (`language` `None`),
/// a failure contained to the file.
fn lint_file_or_notebook(
    rules: &RuleSet,
    source: Arc<SourceFile>,
    language: Option<Language>,
    parsed: &AtomicUsize,
) -> FileOutcome {
    match language {
        Some(language) => {
            lint_parsed_contained(rules, &ParsedFile::new(source, language), parsed, &|_| true)
        }
        None => lint_notebook(rules, source, parsed, &|_| true),
    }
}

/// Lints the code cells of a Jupyter notebook as one file of its kernel's
/// language, and reports each finding at the place in the notebook's JSON
/// where its code is written. Findings in notebooks offer no fix: a fix
/// would have to re-encode the JSON string it edits. A notebook that is
/// not valid JSON, or whose kernel plumbline does not read, gets a note.
pub fn lint_notebook(
    rules: &RuleSet,
    notebook: Arc<SourceFile>,
    parsed_count: &AtomicUsize,
    honor: &dyn Fn(&suppress::Suppression) -> bool,
) -> FileOutcome {
    use crate::lang::notebook::{NotNotebook, NotebookCode};
    let code = match NotebookCode::read(&notebook.text) {
        Ok(code) => code,
        Err(why) => {
            let note = match why {
                NotNotebook::Malformed(e) => {
                    format!("not a notebook plumbline can read ({e}), so it was not linted")
                }
                NotNotebook::Kernel(kernel) => format!(
                    "its kernel's language `{kernel}` is not one plumbline reads, so its cells \
                     were not linted"
                ),
            };
            return FileOutcome {
                path: notebook.project_path().to_string(),
                notes: vec![(notebook.display_path().to_string(), note)],
                ..FileOutcome::default()
            };
        }
    };
    let Some(language) = Language::from_path(&format!("cell.{}", code.extension)) else {
        return FileOutcome::default();
    };
    let cells = Arc::new(SourceFile::new(
        notebook.display_path(),
        format!("{}.cell.{}", notebook.project_path(), code.extension),
        code.code.clone(),
    ));
    let mut outcome = lint_parsed_contained(
        rules,
        &ParsedFile::new(cells, language),
        parsed_count,
        honor,
    );
    outcome.path = notebook.project_path().to_string();
    for finding in &mut outcome.findings {
        finding.span = code.to_notebook(finding.span.clone());
        finding.start = notebook.position(finding.span.start);
        finding.end = notebook.position(finding.span.end);
        for label in &mut finding.labels {
            label.span = code.to_notebook(label.span.clone());
        }
        for secret in &mut finding.redact {
            *secret = code.to_notebook(secret.clone());
        }
        finding.fix = None;
        finding.source = notebook.clone();
    }
    let secrets: Vec<_> = outcome
        .findings
        .iter()
        .flat_map(|f| f.redact.iter().cloned())
        .collect();
    redact_secrets(&mut outcome.findings, &secrets);
    outcome
}

fn lint_source_as(
    rules: &RuleSet,
    source: Arc<SourceFile>,
    language: Language,
    parsed_count: &AtomicUsize,
    honor: &dyn Fn(&suppress::Suppression) -> bool,
) -> FileOutcome {
    lint_parsed_contained(
        rules,
        &ParsedFile::new(source, language),
        parsed_count,
        honor,
    )
}

thread_local! {
    /// The rule [`lint_parsed`] is running on this thread, to name it when
    /// it fails.
    static RUNNING_RULE: std::cell::RefCell<Option<Arc<str>>> =
        const { std::cell::RefCell::new(None) };
}

/// [`lint_parsed`], with a failure (a panic in a rule or a parser) turned
/// into an internal error for this file alone: its findings are dropped,
/// the other files are linted as usual, and the run ends with exit 2.
pub fn lint_parsed_contained(
    rules: &RuleSet,
    file: &ParsedFile,
    parsed_count: &AtomicUsize,
    honor: &dyn Fn(&suppress::Suppression) -> bool,
) -> FileOutcome {
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lint_parsed(rules, file, parsed_count, honor)
    }));
    match run {
        Ok(outcome) => outcome,
        Err(panic) => {
            let rule = RUNNING_RULE.with(|running| running.borrow_mut().take());
            let culprit = rule.map_or("plumbline".to_string(), |id| format!("rule `{id}`"));
            FileOutcome {
                path: file.source.project_path().to_string(),
                internal_errors: vec![(
                    file.source.display_path().to_string(),
                    format!(
                        "internal error: {culprit} failed on this file ({}), so it was not \
                         linted. Please report this with the file; [files] exclude skips it \
                         meanwhile",
                        panic_message(panic.as_ref())
                    ),
                )],
                ..FileOutcome::default()
            }
        }
    }
}

/// Lints a file whose syntax the caller may already hold (the agent hook
/// reparses an edited file incrementally from the other version's tree).
/// Test-only fault injection: panics while evaluating the rule that
/// `PLUMBLINE_TEST_PANIC` names, and aborts the process (as a C assertion in
/// a parser would) for the rule that `PLUMBLINE_TEST_ABORT` names. Proves
/// that a crash still ends in a well-formed answer.
pub fn test_panic_point(rule_id: &str) {
    static SWITCHES: std::sync::OnceLock<(Option<String>, Option<String>)> =
        std::sync::OnceLock::new();
    let (panic_at, abort_at) = SWITCHES.get_or_init(|| {
        (
            std::env::var("PLUMBLINE_TEST_PANIC").ok(),
            std::env::var("PLUMBLINE_TEST_ABORT").ok(),
        )
    });
    if panic_at.as_deref() == Some(rule_id) {
        panic!("PLUMBLINE_TEST_PANIC: injected panic in rule {rule_id}");
    }
    if abort_at.as_deref() == Some(rule_id) {
        std::process::abort();
    }
}

pub fn lint_parsed(
    rules: &RuleSet,
    file: &ParsedFile,
    parsed_count: &AtomicUsize,
    honor: &dyn Fn(&suppress::Suppression) -> bool,
) -> FileOutcome {
    lint_parsed_with(rules, file, parsed_count, honor, &|_| true)
}

/// [`lint_parsed`] running only the rules whose id `wanted` accepts.
pub fn lint_parsed_with(
    rules: &RuleSet,
    file: &ParsedFile,
    parsed_count: &AtomicUsize,
    honor: &dyn Fn(&suppress::Suppression) -> bool,
    wanted: &dyn Fn(&str) -> bool,
) -> FileOutcome {
    let source = &file.source;
    let language = file.language;
    let family = language.family();
    let applicable: Vec<bool> = rules
        .rules
        .iter()
        .map(|r| wanted(&r.id) && r.reads(family, source.project_path()))
        .collect();
    let mut timings = crate::timings::enabled().then(crate::timings::Timings::default);
    let prefilter_start = crate::timings::start();
    let triggered = rules.prefilter.scan(
        source.project_path(),
        source.text.as_bytes(),
        family,
        &applicable,
    );
    if let Some(timings) = &mut timings {
        timings.prefilter.cpu_ns = crate::timings::since(prefilter_start);
        timings.prefilter.files = 1;
    }
    let mut outcome = FileOutcome {
        path: source.project_path().to_string(),
        ..FileOutcome::default()
    };
    if !triggered.any_rule() && !triggered.has_suppression {
        read_mounts(rules, file, &mut outcome, parsed_count);
        if let Some(mut timings) = timings {
            record_parse(&mut timings, file);
            crate::timings::record(timings);
        }
        return outcome;
    }
    parsed_count.fetch_add(1, Ordering::Relaxed);
    let mut ran = Vec::new();
    for (rule, _) in rules
        .rules
        .iter()
        .zip(&triggered.rules)
        .filter(|(_, t)| **t)
    {
        RUNNING_RULE.with(|running| *running.borrow_mut() = Some(rule.id.clone()));
        inject_test_panic(&rule.id);
        let mut reporter = Reporter {
            rule,
            file,
            findings: &mut outcome.findings,
            facts: &mut outcome.facts,
        };
        test_panic_point(&rule.id);
        let rule_start = crate::timings::start();
        let (parse_before, parsed_before) = (file.parse_ns(), file.was_parsed());
        rule.check.check(file, &mut reporter);
        if let Some(timings) = &mut timings {
            let parse = file.parse_ns() - parse_before;
            let entry = timings.rules.entry(rule.id.to_string()).or_default();
            entry.cpu_ns += crate::timings::since(rule_start).saturating_sub(parse);
            entry.files_reached += 1;
            entry.files_parsed += usize::from(!parsed_before && file.was_parsed());
        }
        ran.push(rule.id.clone());
    }
    RUNNING_RULE.with(|running| *running.borrow_mut() = None);
    if let Some(note) = file.skipped_parse_note() {
        outcome
            .notes
            .push((source.display_path().to_string(), note));
    } else if let Some(crate::lang::rust::RustSyntax::Failed { message, .. }) =
        file_rust_failure(file)
    {
        outcome.notes.push((
            source.display_path().to_string(),
            format!("Rust parse failed ({message}); rules that need Rust items skipped it"),
        ));
    }
    // Taken before suppressions drop findings: a suppressed secret is still
    // a secret, and its line may show in another rule's excerpt.
    let secrets: Vec<std::ops::Range<usize>> = outcome
        .findings
        .iter()
        .flat_map(|f| f.redact.iter().cloned())
        .collect();
    if triggered.has_suppression {
        let start = crate::timings::start();
        apply_suppressions(rules, source, language, &ran, &mut outcome.findings, honor);
        if let Some(timings) = &mut timings {
            timings.suppressions.cpu_ns = crate::timings::since(start);
            timings.suppressions.files = 1;
        }
    }
    redact_secrets(&mut outcome.findings, &secrets);
    read_mounts(rules, file, &mut outcome, &AtomicUsize::new(0));
    if outcome.findings.iter().any(asks_project) {
        outcome.module = ProjectModel::parsed_module_facts(file).map(Box::new);
    }
    if let Some(mut timings) = timings {
        record_parse(&mut timings, file);
        crate::timings::record(timings);
    }
    outcome
}

/// Counts the time spent building `file`'s syntax, if any was built.
fn record_parse(timings: &mut crate::timings::Timings, file: &ParsedFile) {
    if file.was_parsed() {
        timings.parse.insert(
            file.language.name().to_string(),
            crate::timings::StageTiming {
                cpu_ns: file.parse_ns(),
                files: 1,
            },
        );
    }
}

/// Reads the routers `file` mounts into its outcome when a rule of `rules`
/// asks where routers are mounted (counting a parse made only for that).
fn read_mounts(
    rules: &RuleSet,
    file: &ParsedFile,
    outcome: &mut FileOutcome,
    parsed_count: &AtomicUsize,
) {
    if !rules.rules.iter().any(|r| r.check.asks_mounts()) {
        return;
    }
    let parsed_before = file.was_parsed();
    outcome.mounts = crate::project::mounts::FileMounts::read(file).map(Box::new);
    if !parsed_before && file.was_parsed() {
        parsed_count.fetch_add(1, Ordering::Relaxed);
    }
}

/// Stack of the thread `main` runs the command on. Parsers and visitors
/// recurse in proportion to how deeply the input nests; the nesting checks
/// in [`crate::lang::nesting`] bound that, and this bounds what they miss.
pub const MAIN_STACK_BYTES: usize = 256 << 20;

/// Stack of every other thread (the walker's, rayon's), through
/// `RUST_MIN_STACK` unless the user set it. Only touched pages cost memory.
pub const WORKER_STACK_BYTES: usize = 64 << 20;

/// Runs `command` on a thread with a [`MAIN_STACK_BYTES`] stack, after
/// giving threads spawned later a [`WORKER_STACK_BYTES`] stack. Call it
/// first thing in `main`, before any thread exists.
pub fn run_with_large_stacks<T: Send + 'static>(command: impl FnOnce() -> T + Send + 'static) -> T {
    if std::env::var_os("RUST_MIN_STACK").is_none() {
        // Sound here: no other thread exists yet to read the environment.
        std::env::set_var("RUST_MIN_STACK", WORKER_STACK_BYTES.to_string());
    }
    let slot = Arc::new(Mutex::new(Some(command)));
    let take = |slot: &Mutex<Option<_>>| slot.lock().ok().and_then(|mut s| s.take());
    let theirs = slot.clone();
    let spawned = std::thread::Builder::new()
        .name("main".into())
        .stack_size(MAIN_STACK_BYTES)
        .spawn(move || take(&theirs).map(|command| command()));
    match spawned.map(std::thread::JoinHandle::join) {
        Ok(Ok(Some(value))) => value,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        // No thread to be had (a tight ulimit): run on this one.
        Ok(Ok(None)) | Err(_) => match take(&slot) {
            Some(command) => command(),
            None => unreachable!("the command runs on exactly one thread"),
        },
    }
}

/// Name of the environment variable that makes a rule panic on purpose, so
/// tests can prove that a failing rule ends in an answer (exit 2, or the
/// hook's protocol answer) rather than a crash. Its value is a rule id, or
/// `*` for every rule. Read only in debug builds: release binaries ignore it.
pub const TEST_PANIC_VAR: &str = "PLUMBLINE_TEST_PANIC";

/// Panics when [`TEST_PANIC_VAR`] names `rule_id` (or is `*`), in debug
/// builds only; a no-op in release builds.
pub fn inject_test_panic(rule_id: &str) {
    #[cfg(debug_assertions)]
    {
        static TARGET: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        let target = TARGET.get_or_init(|| std::env::var(TEST_PANIC_VAR).ok());
        if let Some(target) = target {
            if target == "*" || target == rule_id {
                panic!("{TEST_PANIC_VAR} asked rule `{rule_id}` to fail");
            }
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = rule_id;
}

/// The text a panic was raised with, when it was a string.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with no message".to_string())
}

/// Masks every secret a finding of this file reported, in the source all
/// of the file's findings share, so no excerpt of any finding shows one.
/// Masking keeps byte lengths and line breaks: spans stay valid.
fn redact_secrets(findings: &mut [Finding], secrets: &[std::ops::Range<usize>]) {
    let Some(first) = findings.first() else {
        return;
    };
    if secrets.is_empty() {
        return;
    }
    let source = &first.source;
    let mut bytes = source.text.clone().into_bytes();
    for range in secrets {
        let end = range.end.min(bytes.len());
        for b in &mut bytes[range.start.min(end)..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    // Every byte of a masked character became `*`, so the text stays UTF-8.
    let text = String::from_utf8(bytes).unwrap_or_else(|_| "*".repeat(source.text.len()));
    let masked = Arc::new(SourceFile::masked(source, text));
    for finding in findings {
        finding.source = masked.clone();
    }
}

fn file_rust_failure(file: &ParsedFile) -> Option<&crate::lang::rust::RustSyntax> {
    file.rust_if_parsed()
        .filter(|s| matches!(s, crate::lang::rust::RustSyntax::Failed { .. }))
}

/// Removes suppressed findings and adds findings for malformed or unused
/// suppression comments.
fn apply_suppressions(
    rules: &RuleSet,
    source: &Arc<SourceFile>,
    language: Language,
    ran: &[Arc<str>],
    findings: &mut Vec<Finding>,
    honor: &dyn Fn(&suppress::Suppression) -> bool,
) {
    let mut suppressions = suppress::parse(source, language);
    suppressions.retain(|s| honor(s));
    let mut used = vec![false; suppressions.len()];
    findings.retain(|f| {
        let hit = suppressions.iter().position(|s| {
            s.covers(f.start.line)
                && s.reason.is_some()
                && s.rules.iter().any(|(id, _)| **id == *f.rule)
        });
        if let Some(i) = hit {
            used[i] = true;
        }
        hit.is_none()
    });
    for (suppression, used) in suppressions.iter().zip(used) {
        let problem = if suppression.rules.is_empty() {
            Some((
                "a suppression must name the rule it silences".to_string(),
                suppression.span.clone(),
            ))
        } else if let Some((id, span)) = suppression
            .rules
            .iter()
            .find(|(id, _)| !rules.known_ids.contains(id))
        {
            let hint = crate::config::closest(id, rules.known_ids.iter().map(String::as_str))
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default();
            Some((
                format!("`{id}` is not a plumbline rule{hint}"),
                span.clone(),
            ))
        } else if suppression.reason.is_none() {
            Some((
                "this suppression gives no reason".to_string(),
                suppression.span.clone(),
            ))
        } else {
            None
        };
        let engine_finding = |id: &str,
                              severity: Severity,
                              span: std::ops::Range<usize>,
                              vars: &[(&'static str, String)]| {
            let meta = crate::rules::builtin_rules()
                .iter()
                .find(|m| m.id == id)
                .expect("engine rule");
            Finding {
                rule: Arc::from(id),
                severity,
                source: source.clone(),
                start: source.position(span.start),
                end: source.position(span.end),
                span,
                message: render_template(&meta.message, vars),
                label: String::new(),
                labels: Vec::new(),
                help: render_template(&meta.help, vars),
                url: meta.url(),
                fix: None,
                conditions: Vec::new(),
                redact: Vec::new(),
            }
        };
        if let Some((problem, span)) = problem {
            if let Some(severity) = rules.invalid_suppression {
                findings.push(engine_finding(
                    "invalid-suppression",
                    severity,
                    span,
                    &[("problem", problem)],
                ));
            }
            continue;
        }
        let all_ran = suppression
            .rules
            .iter()
            .all(|(id, _)| ran.iter().any(|r| **r == **id))
            || suppression
                .rules
                .iter()
                .all(|(id, _)| rules.rules.iter().any(|r| *r.id == **id));
        if !used && all_ran {
            if let Some(severity) = rules.unused_suppression {
                let ids: Vec<&str> = suppression
                    .rules
                    .iter()
                    .map(|(id, _)| id.as_str())
                    .collect();
                findings.push(engine_finding(
                    "unused-suppression",
                    severity,
                    suppression.span.clone(),
                    &[("rules", ids.join(", "))],
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(path: &str, text: &str) -> FileOutcome {
        let rules = RuleSet::compile(&[], &Overrides::default()).expect("built-in rules compile");
        lint_source(
            &rules,
            Arc::new(SourceFile::new(path, path, text.to_string())),
        )
    }

    #[test]
    fn a_finding_that_asks_the_project_carries_its_module_facts() {
        // Whether `table` reaches a query builder is a question for the
        // project model: the join reads this file's facts from its outcome.
        let asks = outcome(
            "app/jobs/sync.py",
            "from app.db import table\n\n\ndef load():\n    return table(\"cloud_provider_integrations\").select(\"*\").execute()\n",
        );
        assert!(asks.findings.iter().any(asks_project));
        let module = asks.module.expect("module facts kept");
        assert!(module.imports.iter().any(|i| i.local == "table"));
        // A finding that stands by itself, and a clean file, keep none.
        let plain = outcome(
            "app/jobs/sync.py",
            "def load(sb):\n    return sb.table(\"cloud_provider_integrations\").select(\"*\").execute()\n",
        );
        assert!(!plain.findings.is_empty() && !plain.findings.iter().any(asks_project));
        assert!(plain.module.is_none());
        assert!(outcome("app/jobs/sync.py", "def load():\n    return 1\n")
            .module
            .is_none());
    }
}
