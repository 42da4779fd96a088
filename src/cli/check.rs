//! `plumbline check`: lint files and folders from disk.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use crate::baseline::{self, Baseline, Entry};
use crate::changed;
use crate::config::Overrides;
use crate::engine::{Engine, RunResult};
use crate::finding::Severity;
use crate::report::{self, human, Format};
use crate::walk::WalkOptions;

use super::{print_error, terminal_width, ColorChoice, ConfigOptions, ExitStatus};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files and folders to lint [default: .]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of stdout; the summary
    /// line still goes to stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the run fail (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub config: ConfigOptions,
    /// Do not honour .gitignore/.ignore files or skip hidden files.
    #[arg(long)]
    pub no_ignore: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// List skipped files and per-file notes.
    #[arg(long, short)]
    pub verbose: bool,
    /// Skip files larger than this many bytes [default: 1048576].
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Report only findings that are not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE and exit 0, instead of reporting them.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "changed_since"])]
    pub write_baseline: Option<PathBuf>,
    /// Lint only files changed since this git ref (the working tree compared
    /// with REF, plus untracked files).
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Apply safe fixes (files are rewritten atomically, only if unchanged
    /// since they were read and parseable), then report what remains.
    #[arg(long, conflicts_with = "write_baseline")]
    pub fix: bool,
    /// Print the fixes `--fix` would apply as a unified diff, writing
    /// nothing; exit 1 when there is something to fix.
    #[arg(long, conflicts_with = "write_baseline")]
    pub diff: bool,
    /// Lint standard input as the content of this file (its name picks the
    /// language and the rules in force); give `-` or no path.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
    /// Print the findings and nothing else: no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print how many findings each rule has, instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Exit 0 even when there are findings (errors of plumbline itself
    /// still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Apply `[files] exclude` to files named on the command line (and to
    /// --stdin-filename), as hooks that pass file names want; without it a
    /// named file is linted even when excluded.
    #[arg(long)]
    pub force_exclude: bool,
    /// Print where the run's CPU time went (per rule, parsing per language,
    /// reading, prefilter) as a table on stderr; `--format json` also gets
    /// it under `timings`.
    #[arg(long)]
    pub timings: bool,
    /// Do not read or write the per-file cache: lint every file afresh.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

/// Rule ids as given to `--select`/`--ignore`: `"a, b"` and `a,,b` mean
/// `a` and `b`.
fn rule_list(ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|id| id.trim())
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn run(args: CheckArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    if args.diff && args.format != Format::Human {
        eprintln!(
            "plumbline: --diff prints a unified diff and takes no --format; \
             drop --format, or use --fix to apply the fixes and report in that format"
        );
        return Ok(ExitStatus::Error);
    }
    let started = std::time::Instant::now();
    if args.timings {
        crate::timings::enable();
    }
    let cwd = super::current_dir()?;
    let from_stdin = match stdin_mode(&args) {
        Ok(mode) => mode,
        Err(message) => {
            eprintln!("plumbline: {message}");
            return Ok(ExitStatus::Error);
        }
    };
    let missing: Vec<&PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .filter(|p| std::fs::symlink_metadata(cwd.join(p)).is_err())
        .collect();
    if !missing.is_empty() {
        for path in missing {
            eprintln!("plumbline: {}: no such file or directory", path.display());
        }
        return Ok(ExitStatus::Error);
    }
    let overrides = Overrides {
        select: rule_list(&args.select),
        ignore: rule_list(&args.ignore),
    };
    let config = args
        .config
        .config
        .clone()
        .or_else(|| implied_config(&cwd, &args.paths));
    let engine = match (&config, implied_root(&cwd, &args.paths)) {
        (None, Some(root)) => Engine::without_config(&cwd, &root, overrides),
        _ => Engine::new(&cwd, config.as_deref(), overrides),
    };
    let mut engine = match engine {
        Ok(engine) => engine,
        Err(e) => {
            print_error(&e);
            return Ok(ExitStatus::Error);
        }
    };
    engine.max_file_size = args.max_file_size;
    engine.force_exclude = args.force_exclude;
    if !args.no_cache {
        if let Err(e) = engine.use_cache() {
            print_error(&e);
            return Ok(ExitStatus::Error);
        }
    }
    let walk = WalkOptions {
        no_ignore: args.no_ignore,
        threads: args.threads,
    };
    // A bad baseline is reported before any linting time is spent.
    let baseline = match &args.baseline {
        Some(path) => match Baseline::load(&cwd.join(path), &path.display().to_string()) {
            Ok(baseline) => Some(baseline),
            Err(e) => {
                print_error(&e);
                return Ok(ExitStatus::Error);
            }
        },
        None => None,
    };
    let (mut result, linted) = match (&from_stdin, &args.changed_since) {
        (Some(name), _) => match lint_stdin(&engine, name) {
            Ok(result) => (result, None),
            Err(StdinError::Config(e)) => {
                print_error(&e);
                return Ok(ExitStatus::Error);
            }
            Err(StdinError::Read(message)) => {
                eprintln!("plumbline: {message}");
                return Ok(ExitStatus::Error);
            }
        },
        (None, Some(reference)) => {
            let run = changed::changed_files(&cwd, reference)
                .map_err(miette::Report::new)
                .and_then(|files| {
                    changed::check_changed(&engine, &args.paths, &walk, &files)
                        .map_err(miette::Report::new)
                });
            match run {
                Ok(run) => (run.result, run.linted),
                Err(e) => {
                    print_error(e.as_ref());
                    return Ok(ExitStatus::Error);
                }
            }
        }
        (None, None) => match engine.check_paths(&args.paths, &walk) {
            Ok(mut result) => {
                if args.verbose {
                    result.summary.left_out =
                        engine.left_out(&args.paths, &walk).unwrap_or_default();
                }
                (result, None)
            }
            Err(e) => {
                print_error(&e);
                return Ok(ExitStatus::Error);
            }
        },
    };

    let timings = args.timings.then(|| crate::timings::finish(started));
    let mut stderr = io::stderr().lock();
    if let Some(timings) = &timings {
        let threads = if args.threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            args.threads
        };
        crate::timings::write_table(&mut stderr, timings, threads)?;
    }
    report::write_unreadable(&mut stderr, &result)?;
    if let Some(path) = &args.write_baseline {
        let recorded = Baseline::from_findings(&result.findings);
        if let Err(e) =
            crate::fsutil::write_atomically(&cwd.join(path), recorded.to_json().as_bytes(), None)
        {
            writeln!(stderr, "plumbline: {e}")?;
            return Ok(ExitStatus::Error);
        }
        writeln!(out, "{}", report::summary_line(&result))?;
        if path.file_name().is_none_or(|n| n != baseline::FILE_NAME) {
            writeln!(
                stderr,
                "warning: {} quotes the code it records and will be linted like any other file; \
                 name it {} (which plumbline never lints) or add it to [files] exclude",
                path.display(),
                baseline::FILE_NAME
            )?;
        }
        let n = recorded.entries.len();
        let noun = if n == 1 { "finding" } else { "findings" };
        writeln!(out, "recorded {n} {noun} in {}", path.display())?;
        return Ok(ExitStatus::Clean);
    }
    let applied = match &baseline {
        Some(baseline) => {
            let scope = match baseline_scope(&engine, &args.paths, linted, &result) {
                Ok(scope) => scope,
                Err(e) => {
                    print_error(&e);
                    return Ok(ExitStatus::Error);
                }
            };
            let findings = std::mem::take(&mut result.findings);
            let (new, applied) = baseline.apply(findings, &scope);
            result.findings = new;
            Some(applied)
        }
        None => None,
    };
    if args.diff {
        let (plans, skipped) = crate::fix::plan(&cwd, &result.findings);
        for plan in &plans {
            write!(out, "{}", crate::fix::unified_diff(plan))?;
        }
        for s in &skipped {
            writeln!(
                stderr,
                "plumbline: would not fix {}: {}",
                s.display, s.reason
            )?;
        }
        let fixes: usize = plans.iter().map(|p| p.fixes).sum();
        writeln!(
            stderr,
            "plumbline: {fixes} {} would be fixed in {} {}",
            if fixes == 1 { "finding" } else { "findings" },
            plans.len(),
            if plans.len() == 1 { "file" } else { "files" }
        )?;
        return Ok(if plans.is_empty() {
            ExitStatus::Clean
        } else {
            ExitStatus::Findings
        });
    }
    if args.fix {
        let (plans, skipped) = crate::fix::plan(&cwd, &result.findings);
        let mut fixed_files = std::collections::HashMap::new();
        for ((display, outcome), plan) in crate::fix::write(&plans).into_iter().zip(&plans) {
            match outcome {
                Ok(n) => {
                    let noun = if n == 1 { "finding" } else { "findings" };
                    writeln!(stderr, "plumbline: fixed {n} {noun} in {display}")?;
                    fixed_files.insert(plan.path.as_path(), plan);
                }
                Err(reason) => writeln!(stderr, "plumbline: did not fix {display}: {reason}")?,
            }
        }
        for s in &skipped {
            writeln!(stderr, "plumbline: did not fix {}: {}", s.display, s.reason)?;
        }
        // A finding whose fix was left out of its file's rewrite stays.
        result.findings.retain(|f| {
            let fixed = f.fix.as_ref().is_some_and(|fix| {
                fixed_files
                    .get(crate::fix::file_of(&cwd, f).as_path())
                    .is_some_and(|plan| plan.applies(fix))
            });
            !fixed
        });
    }
    let threshold = args.fail_on.threshold();
    let failing = result.findings.iter().any(|f| f.severity >= threshold);
    let status = if !result.summary.internal_errors.is_empty() {
        ExitStatus::Error
    } else if failing && !args.exit_zero {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    };
    // A reader that stops early (`| head`) must not change the verdict.
    super::set_status_on_closed_pipe(status);
    let summary_line = || {
        let mut line = report::summary_line(&result);
        if let Some(applied) = &applied {
            line.push_str("; ");
            line.push_str(&applied.summary());
        }
        line
    };
    // With `--output` the report is built in memory, then written to the
    // file in one step; stdout gets only the summary line.
    let mut buffer = Vec::new();
    let sink: &mut dyn Write = if args.output.is_some() {
        &mut buffer
    } else {
        &mut *out
    };
    // The rules in force at the root were compiled (and cached) by the run.
    let rules = match args.format {
        Format::Sarif | Format::Junit => match engine.rules_for_dir(engine.root()) {
            Ok(rules) => report::enabled_rules(&rules, &result.findings),
            Err(e) => {
                print_error(&e);
                return Ok(ExitStatus::Error);
            }
        },
        _ => Vec::new(),
    };
    match args.format {
        Format::Human | Format::Concise if args.statistics => {
            write_statistics(sink, &result.findings)?;
            if !args.quiet {
                writeln!(sink, "{}", summary_line())?;
            }
        }
        Format::Human | Format::Concise => {
            if args.format == Format::Human {
                let style = human::Style {
                    color: args.output.is_none() && args.color.enabled(io::stdout().is_terminal()),
                    width: terminal_width(),
                };
                human::write(sink, &result.findings, style)?;
            } else {
                let color = args.output.is_none() && args.color.enabled(io::stdout().is_terminal());
                report::concise::write_styled(sink, &result.findings, color)?;
            }
            if args.verbose {
                report::write_details(sink, &result)?;
                if let Some(applied) = &applied {
                    applied.write_fixed(sink)?;
                }
            }
            if !args.quiet {
                writeln!(sink, "{}", summary_line())?;
            }
        }
        Format::Json => report::json::write_with_timings(sink, &result, timings.as_ref())?,
        Format::Sarif => report::sarif::write(sink, &result, &rules)?,
        Format::Github => report::github::write(sink, &result.findings)?,
        Format::Gitlab => report::gitlab::write(sink, &result.findings)?,
        Format::Junit => report::junit::write(sink, &result, &rules)?,
    }
    // Machine formats keep their stream clean: details go to stderr.
    let machine = !matches!(args.format, Format::Human | Format::Concise);
    if args.verbose && machine {
        report::write_details(&mut stderr, &result)?;
        if let Some(applied) = &applied {
            applied.write_fixed(&mut stderr)?;
        }
    }
    // Without `--output` a machine format has no summary line; the
    // baseline's count still deserves a place in the CI log.
    if let (Some(applied), true, None) = (&applied, machine, &args.output) {
        writeln!(stderr, "plumbline: {}", applied.summary())?;
    }
    if let Some(path) = &args.output {
        // A FIFO or character device named here (`/dev/stdout`, a pipe)
        // is written into as it is; anything else is replaced atomically.
        let options = crate::fsutil::WriteOptions {
            stream_into_devices: true,
            ..Default::default()
        };
        if let Err(e) = crate::fsutil::write_file(path, &buffer, &options) {
            writeln!(stderr, "plumbline: {e}")?;
            return Ok(ExitStatus::Error);
        }
        if !args.quiet {
            writeln!(out, "{}", summary_line())?;
        }
    }
    Ok(status)
}

/// The file name standard input stands for, when the run reads it:
/// `--stdin-filename NAME` with no path or with `-`.
fn stdin_mode(args: &CheckArgs) -> Result<Option<PathBuf>, String> {
    let dash = args.paths.iter().any(|p| p.as_os_str() == "-");
    match (&args.stdin_filename, dash) {
        (None, false) => Ok(None),
        (None, true) => Err(
            "`-` reads standard input; name the file it stands for with \
             --stdin-filename NAME (the name picks the language and the rules)"
                .into(),
        ),
        (Some(_), _) if args.paths.iter().any(|p| p.as_os_str() != "-") => {
            Err("--stdin-filename lints standard input only; give no other path".into())
        }
        (Some(_), _) if args.fix || args.diff || args.changed_since.is_some() => Err(
            "--fix, --diff and --changed-since read files on disk; they do not combine with \
             --stdin-filename"
                .into(),
        ),
        (Some(name), _) => Ok(Some(name.clone())),
    }
}

enum StdinError {
    Config(crate::config::ConfigError),
    Read(String),
}

/// Lints standard input as if it were the file `name`, with the rules in
/// force in its folder; a finding that depends on other files is decided
/// with the facts of the project on disk.
fn lint_stdin(engine: &Engine, name: &std::path::Path) -> Result<RunResult, StdinError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| StdinError::Read(format!("cannot read standard input: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        StdinError::Read(format!(
            "standard input is not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let source = engine.source(name, text);
    let absolute = engine.cwd().join(name);
    let dir = absolute.parent().unwrap_or(engine.root());
    let rules = engine.rules_for_dir(dir).map_err(StdinError::Config)?;
    let mut summary = crate::engine::RunSummary::default();
    let project_path = source.project_path().to_string();
    if engine.force_exclude && crate::engine::is_excluded(&rules, &project_path) {
        return Ok(RunResult {
            findings: Vec::new(),
            summary,
        });
    }
    summary.files_scanned = 1;
    let outcome = engine.lint_source(&rules, std::sync::Arc::new(source));
    let needs_project = outcome
        .findings
        .iter()
        .any(crate::finding::Finding::needs_project_facts);
    let mut outcomes = vec![outcome];
    if needs_project {
        outcomes.extend(
            engine
                .project_facts(&[project_path.as_str()])
                .map_err(StdinError::Config)?,
        );
    }
    let findings = engine.join(outcomes, &mut summary);
    Ok(RunResult { findings, summary })
}

/// `--statistics`: findings per rule, most first.
fn write_statistics(out: &mut dyn Write, findings: &[crate::finding::Finding]) -> io::Result<()> {
    let mut counts: std::collections::BTreeMap<(&str, Severity), usize> = Default::default();
    for finding in findings {
        *counts
            .entry((&*finding.rule, finding.severity))
            .or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let width = rows
        .iter()
        .map(|((rule, _), _)| rule.len())
        .max()
        .unwrap_or(0);
    for ((rule, severity), count) in rows {
        writeln!(out, "{count:>5}  {rule:<width$}  {severity}")?;
    }
    Ok(())
}

/// With no config around the working folder, a project named on the
/// command line (`plumbline check path/to/app`) is linted with its own
/// config as the project root, exactly as from inside it: its globs are
/// relative to it.
fn implied_config(cwd: &std::path::Path, paths: &[PathBuf]) -> Option<PathBuf> {
    if paths.is_empty() || crate::config::discover(cwd).is_some() {
        return None;
    }
    let mut found: Option<PathBuf> = None;
    for path in paths {
        let path = cwd.join(path);
        let dir = if path.is_dir() {
            path
        } else {
            path.parent()?.to_path_buf()
        };
        let config = crate::config::discover(&dir)?;
        match &found {
            Some(f) if *f != config => return None,
            _ => found = Some(config),
        }
    }
    found
}

/// With no config anywhere, the project a command line names: the folder
/// of the paths' git checkout, or else the outermost folder holding a
/// package manifest (`package.json`, `pyproject.toml`, `Cargo.toml`, …),
/// never above the working folder for paths inside it. Without this,
/// `plumbline check ../app` or `plumbline check repos/app` from a parent
/// folder took the working folder for the project and read every file
/// under it to answer questions across files. `None` keeps the working
/// folder: a config is found, the paths lie in different projects, or
/// none is named.
fn implied_root(cwd: &std::path::Path, paths: &[PathBuf]) -> Option<PathBuf> {
    if paths.is_empty() || crate::config::discover(cwd).is_some() {
        return None;
    }
    let mut found: Option<PathBuf> = None;
    for path in paths {
        let path = changed::normalize(&cwd.join(path));
        let dir = if path.is_dir() {
            path
        } else {
            path.parent()?.to_path_buf()
        };
        let root = project_root_of(cwd, &dir);
        match &found {
            Some(f) if *f != root => return None,
            _ => found = Some(root),
        }
    }
    found.filter(|root| root != cwd)
}

/// Files that mark a folder as a project (or a workspace's root).
const PROJECT_MARKERS: &[&str] = &[
    "package.json",
    "pnpm-workspace.yaml",
    "deno.json",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "Cargo.toml",
    "go.mod",
];

fn project_root_of(cwd: &std::path::Path, dir: &std::path::Path) -> PathBuf {
    let inside = dir.starts_with(cwd);
    // The ancestors to consider, nearest first: inside the working folder
    // they stop at it; outside, below the folder both share.
    let ancestors: Vec<&std::path::Path> = dir
        .ancestors()
        .take_while(|a| {
            if inside {
                a.starts_with(cwd)
            } else {
                !cwd.starts_with(a)
            }
        })
        .collect();
    if let Some(checkout) = ancestors.iter().find(|a| a.join(".git").exists()) {
        return checkout.to_path_buf();
    }
    let marked = ancestors
        .iter()
        .rev()
        .find(|a| PROJECT_MARKERS.iter().any(|m| a.join(m).is_file()));
    match marked {
        Some(root) => root.to_path_buf(),
        None if inside => cwd.to_path_buf(),
        None => dir.to_path_buf(),
    }
}

/// Which baseline entries this run could have matched: an entry for a file
/// or rule the run did not look at is unseen, not fixed.
fn baseline_scope(
    engine: &Engine,
    paths: &[PathBuf],
    linted: Option<std::collections::BTreeSet<String>>,
    result: &RunResult,
) -> Result<impl Fn(&Entry) -> bool, crate::config::ConfigError> {
    let root_rules = engine.rules_for_dir(engine.root())?;
    let rules: std::collections::HashSet<String> =
        report::enabled_rules(&root_rules, &result.findings)
            .iter()
            .map(|r| r.meta.id.to_string())
            .collect();
    let prefixes: Vec<String> = if paths.is_empty() {
        vec![engine.project_path(engine.cwd())]
    } else {
        paths
            .iter()
            .map(|p| engine.project_path(&changed::normalize(&engine.cwd().join(p))))
            .collect()
    };
    Ok(move |entry: &Entry| {
        let below = |prefix: &String| {
            prefix.is_empty()
                || entry.path == *prefix
                || entry
                    .path
                    .strip_prefix(prefix.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        rules.contains(&entry.rule)
            && prefixes.iter().any(below)
            && linted.as_ref().is_none_or(|l| l.contains(&entry.path))
    })
}
